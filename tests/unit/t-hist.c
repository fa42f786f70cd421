/*
 * t-hist.c - the latency histogram: buckets tile the integers, small
 * values are exact, percentiles stay within the documented 1% of the
 * exact nearest-rank answer, and merging equals adding.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hist.h"
#include "unit.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank on sorted values: the ceil(q*n)-th smallest. */
static uint64_t
exact_quantile(const uint64_t *v, size_t n, double q)
{
	size_t rank = (size_t)(q * (double)n);

	if ((double)rank < q * (double)n)
		rank++;
	if (rank == 0)
		rank = 1;
	return v[rank - 1];
}

static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
buckets(void)
{
	int tiled = 1, self = 1;
	uint64_t lo, hi, nlo, nhi;

	for (unsigned i = 0; i + 2 < HIST_BUCKETS; i++) {
		hist_range(i, &lo, &hi);
		hist_range(i + 1, &nlo, &nhi);
		if (hi != nlo)
			tiled = 0;
		if (hist_index(lo) != i || hist_index(hi - 1) != i)
			self = 0;
	}
	CHECK(tiled, "each bucket ends where the next begins");
	CHECK(self, "every value maps into the bucket whose range holds it");
	CHECK(hist_index(UINT64_MAX) == HIST_BUCKETS - 1,
	    "the largest value goes to the overflow bucket");
	hist_range(HIST_EXACT, &lo, &hi);
	CHECK(lo == HIST_EXACT && hi - lo == 2,
	    "above the exact range, buckets are 1/64 of their power of two");
}

static void
percentiles(void)
{
	enum { N = 200000 };
	static uint64_t v[N];
	static struct hist h, a, b;
	uint64_t seed = 88172645463325252ull;
	double worst = 0;
	static const double qs[] = { 0.01, 0.5, 0.9, 0.95, 0.99, 0.999 };

	hist_init(&h);
	hist_init(&a);
	hist_init(&b);
	for (size_t i = 0; i < N; i++) {
		/* Spread over six orders of magnitude, like real latencies. */
		uint64_t r = next_random(&seed);
		unsigned shift = (unsigned)(r % 20);

		v[i] = (r >> 8) % ((uint64_t)1 << shift);
		hist_add(&h, v[i]);
		hist_add(i % 2 ? &a : &b, v[i]);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		uint64_t got = hist_quantile(&h, qs[k]);
		uint64_t want = exact_quantile(v, N, qs[k]);
		double err = want ? (double)(got > want ? got - want :
		    want - got) / (double)want : (double)got;

		if (err > worst)
			worst = err;
	}
	CHECK(worst <= 1.0 / 128, "percentiles of 200000 samples are within "
	    "1/128 of the exact value (worst %.5f)", worst);
	CHECK(h.min == v[0] && h.max == v[N - 1],
	    "minimum and maximum are exact");
	hist_merge(&a, &b);
	CHECK(memcmp(&a, &h, sizeof(h)) == 0,
	    "merging two halves equals adding everything to one");
}

static void
small(void)
{
	struct hist h;

	hist_init(&h);
	CHECK(hist_quantile(&h, 0.5) == 0, "an empty histogram answers 0");
	for (uint64_t i = 1; i <= 100; i++)
		hist_add(&h, i);
	CHECK(hist_quantile(&h, 0.5) == 50, "p50 of 1..100 is 50");
	CHECK(hist_quantile(&h, 0.95) == 95, "p95 of 1..100 is 95");
	CHECK(hist_quantile(&h, 0.99) == 99, "p99 of 1..100 is 99");
	CHECK(hist_quantile(&h, 1.0) == 100, "p100 is the maximum");
	CHECK(hist_count_below(&h, 10) == 9, "9 samples are below 10");
	hist_add(&h, UINT64_MAX / 2);
	CHECK(hist_quantile(&h, 1.0) == UINT64_MAX / 2,
	    "a huge value is kept as the exact maximum");
}

int
main(void)
{
	buckets();
	small();
	percentiles();
	return unit_done();
}
