/*
 * hist.c - see hist.h.
 */
#include <string.h>

#include "hist.h"

void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

static unsigned
log2_floor(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

unsigned
hist_index(uint64_t v)
{
	unsigned e;

	if (v < HIST_EXACT)
		return (unsigned)v;
	e = log2_floor(v);
	if (e >= HIST_MAX_LOG2)
		return HIST_BUCKETS - 1;
	/* The six bits after the leading one pick the bucket within 2^e. */
	return HIST_EXACT + (e - 7) * HIST_SUB +
	    (unsigned)((v >> (e - 6)) & (HIST_SUB - 1));
}

void
hist_range(unsigned i, uint64_t *lo, uint64_t *hi)
{
	unsigned e, m;

	if (i < HIST_EXACT) {
		*lo = i;
		*hi = (uint64_t)i + 1;
		return;
	}
	if (i >= HIST_BUCKETS - 1) {
		*lo = (uint64_t)1 << HIST_MAX_LOG2;
		*hi = UINT64_MAX;
		return;
	}
	e = (i - HIST_EXACT) / HIST_SUB + 7;
	m = (i - HIST_EXACT) % HIST_SUB;
	*lo = (uint64_t)(HIST_SUB + m) << (e - 6);
	*hi = *lo + ((uint64_t)1 << (e - 6));
}

void
hist_add(struct hist *h, uint64_t v)
{
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	h->bucket[hist_index(v)]++;
}

void
hist_merge(struct hist *to, const struct hist *from)
{
	if (from->count == 0)
		return;
	if (to->count == 0 || from->min < to->min)
		to->min = from->min;
	if (from->max > to->max)
		to->max = from->max;
	to->count += from->count;
	to->sum += from->sum;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		to->bucket[i] += from->bucket[i];
}

uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, lo, hi, mid;
	unsigned i;

	if (h->count == 0)
		return 0;
	if (!(q > 0))
		return h->min;
	if (q >= 1)
		return h->max;
	/* Nearest rank: ceil(q * count), at least 1. */
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	if (i == HIST_BUCKETS)
		return h->max;
	hist_range(i, &lo, &hi);
	mid = i < HIST_EXACT ? lo : lo + (hi - lo) / 2;
	if (i == HIST_BUCKETS - 1)
		mid = h->max;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

uint64_t
hist_count_below(const struct hist *h, uint64_t v)
{
	uint64_t n = 0, lo, hi;

	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		hist_range(i, &lo, &hi);
		if (lo >= v)
			break;
		n += h->bucket[i];
	}
	return n;
}
