/*
 * schedule.h - when a failed message is tried again, and when it is
 * given up: the retry delays with jitter, the limits on attempts and
 * age, and the receiver's Retry-After.
 *
 * A message that has had N attempts (N >= 1) and failed is dead with
 * "max-attempts" when N >= max_attempts, and with "max-age" when it was
 * created max_age or longer ago (0: no limit).  Otherwise it is due
 * again after delays[N - 1] (the last delay repeats if the list is
 * shorter), multiplied by a jitter factor drawn uniformly from
 * [1 - SCHEDULE_JITTER, 1 + SCHEDULE_JITTER], so that receivers coming
 * back from an outage are not hit by every sender at once.  A
 * Retry-After from the receiver replaces the delay, clamped to
 * [SCHEDULE_RA_MIN, SCHEDULE_RA_MAX] and given no jitter.
 *
 * Pure functions: no I/O, no clock (the caller passes now).
 */
#ifndef HOOK_SCHEDULE_H
#define HOOK_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#define SCHEDULE_JITTER 0.10
#define SCHEDULE_RA_MIN 1000LL			/* ms */
#define SCHEDULE_RA_MAX (24LL * 3600 * 1000)	/* ms */

struct schedule_policy {
	const int64_t *delays_ms;
	size_t ndelays;
	unsigned max_attempts;
	int64_t max_age_ms;	/* 0: none */
};

/*
 * After attempt number attempts has failed: 0 and *due_ms set, or -1
 * with *reason set to "max-attempts" or "max-age".  rnd is a uniform
 * random 32-bit value for the jitter; retry_after_ms, when > 0, is the
 * receiver's wish.
 */
int schedule_next(const struct schedule_policy *p, unsigned attempts,
    int64_t created_ms, int64_t now_ms, int64_t retry_after_ms,
    uint32_t rnd, int64_t *due_ms, const char **reason);

/*
 * A Retry-After value, delay-seconds or an HTTP date, as milliseconds
 * from now (clamped as above), or -1 if it cannot be read.
 */
int64_t schedule_retry_after(const char *value, int64_t now_ms);

#endif
