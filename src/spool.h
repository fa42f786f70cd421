/*
 * spool.h - the spool directory: opening it, its state directories, and
 * the single-rename transitions between them.  spool-layout.md is the
 * contract; this module is its only implementation.
 *
 * Which spool: the directory given, else $HOOK_SPOOL, else
 * $XDG_STATE_HOME/hookspool, else $HOME/.local/state/hookspool.  It is
 * created on first use with every directory 0700; files are created
 * 0600 whatever the umask.  A state directory that is a symbolic link is
 * refused.
 *
 * Message file names carry what changes per attempt, so that a sender
 * decides what is due from names alone:
 *
 *	ID:ATTEMPTS:TIME[:REASON]
 *
 * TIME is in seconds since the epoch: when the message is due (new/,
 * later/, cur/) or when it reached its final state (done/, dead/,
 * corrupt/).  REASON, in dead/ and corrupt/ only, says why.  later/ holds
 * one directory per minute of due time, named by the minute's first
 * second, so that a pass reads only the minutes already due.
 *
 * Errors: -1 with errno set; nothing is printed.  Every transition is
 * one renameat2(RENAME_NOREPLACE): it never replaces a file.
 */
#ifndef HOOK_SPOOL_H
#define HOOK_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#define SPOOL_ID_MAX 64		/* longest message id */
#define SPOOL_NAME_MAX 128	/* longest file name in a state dir */
#define SPOOL_BUCKET 60		/* seconds of due time per later/ dir */

struct spool {
	int fd;			/* the spool directory, O_DIRECTORY */
	char *path;		/* as given or found; owned */
};

/* The parsed form of a message file name. */
struct spool_name {
	char id[SPOOL_ID_MAX + 1];
	unsigned attempts;
	int64_t time;		/* seconds since the epoch */
	char reason[40];	/* "" unless dead/ or corrupt/ */
};

/* Find the spool (see above) and write its path; -1 if no HOME. */
int spool_default_path(char *buf, size_t len);

/*
 * Open (and with create, make) the spool at dir, or the default.  A state
 * directory missing from an existing spool (one made by an older
 * release) is made either way; without create, one that cannot be made
 * is passed over, and its readers find it empty.
 */
int spool_open(struct spool *sp, const char *dir, int create);
void spool_close(struct spool *sp);

/*
 * A message id: 1 to SPOOL_ID_MAX characters of [A-Za-z0-9_.-], not
 * starting with '.'.  The ids hookspool makes are "msg_" followed by 26
 * characters of Crockford base32: 48 bits of milliseconds, then 80
 * random bits, so that ids sort by creation time.
 */
int spool_valid_id(const char *id);
int spool_new_id(char *buf, size_t len, int64_t now_ms);

/* Format and parse ID:ATTEMPTS:TIME[:REASON]; parse returns -1 if bad. */
int spool_format_name(char *buf, size_t len, const struct spool_name *n);
int spool_parse_name(const char *s, struct spool_name *n);

/* later/BUCKET for a due time. */
void spool_later_dir(char *buf, size_t len, int64_t due);

/*
 * Create a file in tmp/ with O_EXCL|O_NOFOLLOW, mode 0600, named after
 * id and the process, and return its descriptor; the name is written to
 * tmpname as a path relative to the spool ("tmp/...").
 */
int spool_tmp_create(struct spool *sp, const char *id, char *tmpname,
    size_t len);

/*
 * Move from/NAME to to/NAME2 (paths relative to the spool) with
 * renameat2(RENAME_NOREPLACE).  A missing later/BUCKET is created.
 * EEXIST means the target exists and nothing moved.
 */
int spool_move(struct spool *sp, const char *from, const char *to);

/* fsync a directory of the spool (relative path). */
int spool_sync_dir(struct spool *sp, const char *dir);

/*
 * Write a whole message file (bytes from message_encode) durably:
 * tmp/ create, write, fsync, rename into state/NAME without replacing,
 * and, if sync is set, fsync state/.  For a batch, pass sync = 0 and
 * call spool_sync_dir once at the end (the files themselves are always
 * fsynced before their rename).
 */
int spool_commit(struct spool *sp, const char *state, const char *name,
    const void *bytes, size_t len, int sync);

/*
 * Move a damaged file from dir/NAME to corrupt/NAME:NOW:REASON-ish name
 * (see spool-layout.md), never deleting it.  reason is one word.
 */
int spool_quarantine(struct spool *sp, const char *dir, const char *name,
    const char *reason);

#endif
