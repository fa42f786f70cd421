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
 * Claiming: claim_open opens the file where it lies and takes flock
 * (LOCK_EX|LOCK_NB) on it; 1 means another process holds it or it has
 * gone.  claim_take renames it to cur/ and checks that cur/NAME is the
 * inode locked.  claim_finish renames it out of cur/ to its next state
 * and only then closes the descriptor, so the lock is held for as long
 * as the file is in cur/.  Locks die with their process: recovery takes
 * the lock of a file in cur/ only if its owner has died.
 *
 * Errors: -1 with errno; nothing is printed.
 */
#ifndef HOOK_CLAIM_H
#define HOOK_CLAIM_H

#include <dirent.h>
#include <stdint.h>

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
	char dir[32];		/* where it was: "new", "later/BUCKET" */
	char name[SPOOL_NAME_MAX];
	struct spool_name sn;
	const char *odd;	/* claim_open 2: "symlink" or "not-a-file" */
};

int claim_scan_start(struct claim_scan *s, struct spool *sp, int64_t now);

/* Next due entry: 1 with dir and name set, 0 at the end, -1 error. */
int claim_scan_next(struct claim_scan *s, char *dir, size_t dirlen,
    char *name, size_t namelen, struct spool_name *sn);
void claim_scan_end(struct claim_scan *s);

/*
 * 0 locked, 1 busy or gone, 2 not a regular file (c->odd says what:
 * the caller quarantines it; a FIFO is never waited on, a symbolic
 * link never followed), -1 error.
 */
int claim_open(struct spool *sp, const char *dir, const char *name,
    struct claim *c);
/* 0 now in cur/, 1 lost a race (c is released), -1 error. */
int claim_take(struct spool *sp, struct claim *c);
/* Move cur/NAME to to (a path such as "done/ID:1:T"), then unlock. */
int claim_finish(struct spool *sp, struct claim *c, const char *to);
/* Unlock and close without moving (a file not taken). */
void claim_release(struct claim *c);

/*
 * Return orphaned claims: each cur/ file whose lock can be taken goes
 * back to new/ if it had no attempt, else to later/<bucket of now>/
 * ID:ATTEMPTS:NOW, attempts unchanged.  Remove tmp/ files older than
 * CLAIM_TMP_MAX_AGE.  *returned counts the claims put back.
 */
int claim_recover(struct spool *sp, int64_t now, unsigned *returned);

#endif
