/*
 * stat_queue.h - what is in the spool now: messages per state, their
 * ages, what is due, dead letters by reason, and each endpoint's queue,
 * breaker and disabled state.
 *
 * Counts come from directory entries alone: a message's state is its
 * directory and its name carries the attempts and the time (spool.h), so
 * no file is opened or stat'ed to count it.  Only the per-endpoint
 * breakdown (by_endpoint) reads the first bytes of each message in
 * new/, cur/, later/ and dead/, since the endpoint is not in the name;
 * done/ is never opened.  An entry that is not a message file (a name
 * not of the form, a directory, a symbolic link, anything but a regular
 * file) is counted in unexpected and otherwise ignored; a file that
 * cannot be read is counted in unreadable.  Neither stops the scan.
 *
 * stat_queue_scan() returns -1 with errno only if the spool itself
 * cannot be read or memory runs out.  The struct owns its memory until
 * stat_queue_free().
 */
#ifndef HOOK_STAT_QUEUE_H
#define HOOK_STAT_QUEUE_H

#include <stdint.h>

#include "spool.h"
#include "stat_names.h"

enum stat_state {
	SS_NEW, SS_CUR, SS_LATER, SS_DONE, SS_DEAD, SS_CORRUPT, SS_INBOX,
	SS_TMP, SS_COUNT
};

struct stat_state_info {
	uint64_t count;
	int64_t oldest;		/* smallest TIME in the names; 0 if none */
};

struct stat_endpoint {
	int configured;		/* endpoints/NAME exists */
	uint64_t queued[SS_COUNT];
	int disabled;
	char disabled_reason[160];
	/* state/NAME/breaker; all 0 when absent or unreadable */
	int breaker;		/* the file exists */
	uint64_t failures;
	int64_t open_until, cooldown, first_failure;
};

struct stat_queue {
	int64_t now;		/* seconds since the epoch */
	int by_endpoint;
	struct stat_state_info state[SS_COUNT];
	uint64_t due_now;	/* new/ and later/ with TIME <= now */
	int64_t oldest_ready;	/* smallest TIME of those; 0 if none */
	int64_t next_due;	/* smallest TIME in later/ > now; 0 if none */
	struct stat_names dead_reasons, corrupt_reasons;
	uint64_t dead_by_reason[STAT_NAMES_MAX + 1];
	uint64_t corrupt_by_reason[STAT_NAMES_MAX + 1];
	uint64_t unexpected, unreadable;
	struct stat_names endpoint_names;	/* "(url)" for ad-hoc */
	struct stat_endpoint *endpoints;	/* by endpoint_names index */
};

const char *stat_state_name(enum stat_state s);

int stat_queue_scan(struct spool *sp, int64_t now, int by_endpoint,
    struct stat_queue *q);
void stat_queue_free(struct stat_queue *q);

/*
 * Where message id is: its state, directory ("later/BUCKET" for later)
 * and parsed name.  0 if found, -1 with ENOENT if not.
 */
int stat_queue_find(struct spool *sp, const char *id, enum stat_state *st,
    char *dir, size_t dirlen, struct spool_name *name);

/* Is an endpoint failing: its breaker has failures, or it is disabled? */
int stat_endpoint_failing(const struct stat_endpoint *ep);

/* "closed", "open" (until open_until) or "half-open". */
const char *stat_breaker_state(const struct stat_endpoint *ep, int64_t now);

#endif
