/*
 * breaker.h - the circuit breaker of an endpoint: after a run of
 * consecutive failed attempts, stop attempting for a cool-down, then let
 * one probe through.
 *
 * Its state is the text file state/NAME/breaker in the spool:
 *
 *	failures N		consecutive failed attempts
 *	open-until UNIX		no attempts before this second (0: closed)
 *	cooldown SECS		the next cool-down
 *	first-failure UNIX	start of the current run of failures (0: none)
 *
 * replaced atomically (tmp/, then rename over the old file), so readers
 * see one version or the other.  Several senders may update it; the last
 * writer wins, which at worst shortens or lengthens one cool-down.
 *
 * The cool-down starts at base, doubles each time a probe fails, and is
 * capped.  A success closes the breaker and forgets the run.  Functions
 * return -1 with errno on I/O errors; a missing file is a closed breaker.
 */
#ifndef HOOK_BREAKER_H
#define HOOK_BREAKER_H

#include <stdint.h>

#include "spool.h"

struct breaker {
	unsigned failures;
	int64_t open_until;	/* seconds */
	int64_t cooldown;	/* seconds; 0 until first opened */
	int64_t first_failure;	/* seconds */
};

struct breaker_policy {
	unsigned threshold;	/* failures that open it; default 5 */
	int64_t base;		/* first cool-down, seconds; default 30 */
	int64_t cap;		/* longest cool-down, seconds; default 3600 */
};

enum breaker_gate {
	BREAKER_CLOSED,		/* attempt freely */
	BREAKER_OPEN,		/* attempt nothing */
	BREAKER_PROBE,		/* cool-down over: one attempt at a time */
};

int breaker_load(struct spool *sp, const char *name, struct breaker *b);
int breaker_save(struct spool *sp, const char *name, const struct breaker *b);

enum breaker_gate breaker_gate(const struct breaker *b,
    const struct breaker_policy *p, int64_t now);

/*
 * Record an attempt's result.  breaker_failure returns 1 when this
 * failure opened (or reopened) the breaker; breaker_success returns 1 if
 * the breaker had been open, that is, the endpoint has recovered.
 */
int breaker_failure(struct breaker *b, const struct breaker_policy *p,
    int64_t now);
int breaker_success(struct breaker *b, const struct breaker_policy *p);

#endif
