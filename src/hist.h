/*
 * hist.h - a latency histogram of fixed size, whatever the number of
 * samples: percentiles with a bounded relative error, in bounded memory.
 *
 * Values are non-negative integers (milliseconds, in practice).  Values
 * below HIST_EXACT each have their own bucket and come back exactly.
 * Above, every power of two is cut into HIST_SUB buckets of equal width,
 * so a bucket spans at most 1/HIST_SUB of its lower bound; a percentile
 * is reported as its bucket's midpoint (clamped to the exact minimum
 * and maximum seen), which is within 1/(2*HIST_SUB) = 0.8% of a value
 * that really occurred at that rank.  Values from 2^HIST_MAX_LOG2 up
 * (about 36 years in milliseconds) share the last bucket.
 *
 * The count, sum, minimum and maximum are exact.  Percentiles follow
 * the nearest-rank definition: the smallest value with at least q of
 * the samples at or below it.  No function allocates or fails.
 */
#ifndef HOOK_HIST_H
#define HOOK_HIST_H

#include <stdint.h>

#define HIST_SUB 64			/* buckets per power of two */
#define HIST_EXACT (2 * HIST_SUB)	/* values below are exact */
#define HIST_MAX_LOG2 40
#define HIST_BUCKETS (HIST_EXACT + (HIST_MAX_LOG2 - 7) * HIST_SUB + 1)

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min, max;
	uint32_t bucket[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
void hist_merge(struct hist *to, const struct hist *from);

/* The value at quantile q (0 < q <= 1); 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);

/* Which bucket holds v, and the range [lo, hi) a bucket covers. */
unsigned hist_index(uint64_t v);
void hist_range(unsigned i, uint64_t *lo, uint64_t *hi);

/* How many samples are below v (exact at bucket bounds). */
uint64_t hist_count_below(const struct hist *h, uint64_t v);

#endif
