/*
 * schedule.c - see schedule.h.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "schedule.h"

static int64_t
clamp(int64_t ms)
{
	if (ms < SCHEDULE_RA_MIN)
		return SCHEDULE_RA_MIN;
	if (ms > SCHEDULE_RA_MAX)
		return SCHEDULE_RA_MAX;
	return ms;
}

int
schedule_next(const struct schedule_policy *p, unsigned attempts,
    int64_t created_ms, int64_t now_ms, int64_t retry_after_ms,
    uint32_t rnd, int64_t *due_ms, const char **reason)
{
	int64_t delay;
	double factor;
	size_t i;

	if (attempts >= p->max_attempts) {
		*reason = "max-attempts";
		return -1;
	}
	if (p->max_age_ms > 0 && now_ms - created_ms >= p->max_age_ms) {
		*reason = "max-age";
		return -1;
	}
	if (retry_after_ms > 0) {
		*due_ms = now_ms + clamp(retry_after_ms);
		return 0;
	}
	i = attempts ? attempts - 1 : 0;
	if (p->ndelays == 0)
		delay = 5000;
	else
		delay = p->delays_ms[i < p->ndelays ? i : p->ndelays - 1];
	factor = 1.0 - SCHEDULE_JITTER +
	    2.0 * SCHEDULE_JITTER * ((double)rnd / 4294967295.0);
	*due_ms = now_ms + (int64_t)((double)delay * factor);
	return 0;
}

int64_t
schedule_retry_after(const char *value, int64_t now_ms)
{
	const char *p = value;
	char *end;
	time_t t;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= '0' && *p <= '9') {
		long long secs = strtoll(p, &end, 10);

		while (*end == ' ' || *end == '\t' || *end == '\r' ||
		    *end == '\n')
			end++;
		if (*end != '\0')
			return -1;
		if (secs > SCHEDULE_RA_MAX / 1000)
			return SCHEDULE_RA_MAX;
		return clamp(secs * 1000);
	}
	t = curl_getdate(p, NULL);
	if (t < 0)
		return -1;
	/* A date past the clamp: no need to multiply (and overflow). */
	if ((int64_t)t > now_ms / 1000 + SCHEDULE_RA_MAX / 1000)
		return SCHEDULE_RA_MAX;
	return clamp((int64_t)t * 1000 - now_ms);
}
