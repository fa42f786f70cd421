/*
 * arc.h - archives of spool files: compressed tar written and read
 * through libarchive.  (The module is "arc", not "archive", so that
 * neither its header nor its names shadow libarchive's <archive.h> and
 * archive_* functions.)
 *
 * An archive hookspool writes is a POSIX tar (ustar where the names
 * allow), gzip-compressed unless asked otherwise:
 *
 *	hookspool-archive		"hookspool-archive 1\n"
 *	STATE/FILENAME ...		the files, as named in the spool
 *	hookspool-archive.end		"members N\n"
 *
 * The files are regular, mode 0600, named as in the spool
 * (dead/ID:A:T:R, done/ID:A:T, journal/DAY.jsonl), with their TIME as
 * modification time.  The first and last members let a reader tell an
 * archive cut short at a member boundary from a complete one: once the
 * first is seen, the last must follow with the right count.  Any other
 * tar file libarchive can read is accepted without them.
 *
 * Writing: arc_create(), arc_add() per member, arc_finish().  The
 * caller owns the descriptor, and fsyncs and closes it.  Reading:
 * arc_open(), arc_next() until it returns 0, arc_close().  The reader
 * hands out regular files only (directories are passed over) and
 * refuses links, devices, and a missing or miscounting last member.
 *
 * Errors: -1 with a message in err (libarchive's words, or ours);
 * errno EBADMSG when the archive itself is damaged.  Nothing is printed.
 */
#ifndef HOOK_ARC_H
#define HOOK_ARC_H

#include <stddef.h>
#include <stdint.h>

#define ARC_MANIFEST "hookspool-archive"
#define ARC_END "hookspool-archive.end"
#define ARC_MEMBER_MAX (1024 * 1024 * 1024)	/* largest member read */

enum arc_compression {
	ARC_GZIP,
	ARC_ZSTD,
	ARC_XZ,
	ARC_NONE,
};

struct arc_writer;
struct arc_reader;

/* ".tar.gz", ".tar.zst", ".tar.xz" or ".tar". */
const char *arc_suffix(enum arc_compression c);

/* Can this libarchive write c?  1 if so. */
int arc_supported(enum arc_compression c);

/*
 * Start an archive on fd, compressed with c at level (or the library
 * default if level < 0).
 */
struct arc_writer *arc_create(int fd, enum arc_compression c, int level,
    char *err, size_t errlen);

/* Add one regular file with its whole contents. */
int arc_add(struct arc_writer *w, const char *member, const void *data,
    size_t len, int64_t mtime, char *err, size_t errlen);

/* Write the closing member and the end of the archive; free w. */
int arc_finish(struct arc_writer *w, char *err, size_t errlen);

/* Free w without completing the archive (after an error). */
void arc_abandon(struct arc_writer *w);

struct arc_reader *arc_open(int fd, char *err, size_t errlen);

/*
 * The next regular file: its name into member, its contents into a
 * malloc'd *data (the caller frees it).  1 for a member, 0 at a sound
 * end, -1 on error.
 */
int arc_next(struct arc_reader *r, char *member, size_t memberlen,
    char **data, size_t *len, char *err, size_t errlen);

/* Did the archive carry our first and last members? */
int arc_had_manifest(const struct arc_reader *r);

void arc_close(struct arc_reader *r);

#endif
