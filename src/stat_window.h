/*
 * stat_window.h - what the attempt journal says about a span of time:
 * attempts, outcomes, failures by class, latency percentiles, overall,
 * per endpoint and per interval.
 *
 * Feed it journal lines with stat_window_line(), from any source (the
 * day files through journal_read_days(), an archive, a pipe): it keeps
 * the attempts whose start falls in [since_ms, until_ms) and counts the
 * rest of what it saw (damaged lines, other kinds, attempts outside).
 * Memory is bounded whatever the number of lines: counters and one
 * histogram (hist.h) per endpoint, at most STAT_NAMES_MAX endpoints.
 *
 * A failed attempt is one whose outcome is not "delivered"; latency is
 * the duration of attempts that got an HTTP response (a status), so a
 * timeout does not pass for a slow answer.  stat_window_init() returns
 * -1 (ENOMEM) if memory runs out; a later allocation failure is counted
 * in dropped.  Free with stat_window_free().
 */
#ifndef HOOK_STAT_WINDOW_H
#define HOOK_STAT_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "journal_read.h"
#include "stat_names.h"

#define STAT_INTERVALS 24

struct stat_figures {
	uint64_t attempts, delivered, retry, dead, failed;
	uint64_t failed_by_class[JC_COUNT];
	struct hist latency;
};

struct stat_window {
	int64_t since_ms, until_ms, interval_ms;
	struct stat_figures total;
	struct stat_names endpoint_names;	/* "(url)" for ad-hoc */
	struct stat_figures **endpoints;	/* by endpoint_names index */
	uint64_t delivered_at[STAT_INTERVALS], failed_at[STAT_INTERVALS];
	uint64_t lines, damaged, other_kinds, outside, dropped;
	/* optional: every attempt of one message id, for the message view */
	const char *follow_id;
	void (*follow)(void *ctx, const struct journal_read_attempt *a,
	    const char *line, size_t len);
	void *follow_ctx;
};

int stat_window_init(struct stat_window *w, int64_t since_ms,
    int64_t until_ms);
void stat_window_line(void *w, const char *line, size_t len);
void stat_window_free(struct stat_window *w);

/* The figures of endpoint i, or NULL if it has none. */
const struct stat_figures *stat_window_endpoint(const struct stat_window *w,
    size_t i);

#endif
