/*
 * claim.h - finding what is due in the spool, taking a message for one
 * attempt so that no other sender attempts it at the same time, and
 * returning the claims of senders that died.
 *
 * Finding (claim_scan_*): new/ first, then each later/BUCKET whose
 * minute has begun, oldest first; entries are streamed from readdir,
 * never gathered, so memory does not grow with the backlog.  Entries of
 * a begun bucket that are not yet due are passed over, and the earliest
 * such due time is remembered (next_due), as is the start of the first
 * bucket not begun.  A drained bucket whose minute is over is removed;
 * losing a race with a sender that refills it is harmless, because
 * spool_move creates the bucket again.
 *
 * Claiming: a claim is a lock, not a move.  claim_open opens the file
 * where it lies, takes flock(LOCK_EX|LOCK_NB) on it, and then checks
 * that DIR/NAME is still the inode it locked; 1 means another process
 * holds it, or it moved or went before the lock was taken.  The file
 * stays where it is for the whole attempt.  claim_finish renames it to
 * its next state and only then closes the descriptor, so every move of
 * a message out of new/ or later/ is made under its lock: whoever holds
 * the lock of a file found in place may move it.  Locks die with their
 * process, so a sender that dies leaves its messages in the queue,
 * unlocked, with nothing to undo.
 *
 * cur/ is not written any more.  A spool used by an earlier hookspool,
 * whose claims were renames into cur/, may hold such files: recovery
 * returns those whose lock is free.
 *
 * Errors: -1 with errno; nothing is printed.
 */
#ifndef HOOK_CLAIM_H
#define HOOK_CLAIM_H

#include <dirent.h>
#include <stdint.h>
#include <sys/types.h>

#include "spool.h"

#define CLAIM_TMP_MAX_AGE 3600	/* seconds before tmp/ leftovers go */

struct claim_scan {
	struct spool *sp;
	int64_t now;		/* seconds */
	DIR *dir;
	int phase;		/* 0 new/, 1 later/ buckets, 2 done */
	int64_t *buckets;	/* begun buckets, ascending */
	size_t nbuckets, next_bucket;
	int64_t bucket;		/* the one being read */
	size_t bucket_seen;	/* entries in it, due or not */
	int64_t next_due;	/* earliest later due time seen; 0: none */
};

struct claim {
	int fd;			/* locked; -1 when none */
	char dir[32];		/* where it lies: "new", "later/BUCKET" */
	char name[SPOOL_NAME_MAX];
	struct spool_name sn;
	const char *odd;	/* claim_open 2: "symlink" or "not-a-file" */
	off_t size;		/* as fstat saw it when claimed */
};

int claim_scan_start(struct claim_scan *s, struct spool *sp, int64_t now);

/* Next due entry: 1 with dir and name set, 0 at the end, -1 error. */
int claim_scan_next(struct claim_scan *s, char *dir, size_t dirlen,
    char *name, size_t namelen, struct spool_name *sn);
void claim_scan_end(struct claim_scan *s);

/*
 * 0 claimed (locked, and still DIR/NAME), 1 busy, moved or gone, 2 not
 * a regular file (c->odd says what: the caller quarantines it; a FIFO
 * is never waited on, a symbolic link never followed), -1 error.
 */
int claim_open(struct spool *sp, const char *dir, const char *name,
    struct claim *c);
/*
 * Move the claimed file to to (a path such as "done/ID:1:T"), then
 * unlock.  -1 if it could not be moved: it is still claimed, where it
 * lay, and the caller decides (releasing it leaves it queued).
 */
int claim_finish(struct spool *sp, struct claim *c, const char *to);
/* Unlock and close without moving: the message stays queued. */
void claim_release(struct claim *c);

/*
 * Return the claims an earlier hookspool left: each cur/ file whose
 * lock can be taken goes back to new/ if it had no attempt, else to
 * later/<bucket of now>/ID:ATTEMPTS:NOW, attempts unchanged.  Remove tmp/ files older than
 * CLAIM_TMP_MAX_AGE.  *returned counts the claims put back.
 */
int claim_recover(struct spool *sp, int64_t now, unsigned *returned);

#endif
