/*
 * stat_window.c - see stat_window.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stat_window.h"

int
stat_window_init(struct stat_window *w, int64_t since_ms, int64_t until_ms)
{
	memset(w, 0, sizeof(*w));
	w->since_ms = since_ms;
	w->until_ms = until_ms > since_ms ? until_ms : since_ms + 1;
	w->interval_ms = (w->until_ms - w->since_ms + STAT_INTERVALS - 1) /
	    STAT_INTERVALS;
	hist_init(&w->total.latency);
	stat_names_init(&w->endpoint_names);
	w->endpoints = calloc(STAT_NAMES_MAX + 1, sizeof(*w->endpoints));
	if (w->endpoints == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static void
add(struct stat_figures *f, const struct journal_read_attempt *a)
{
	f->attempts++;
	switch (a->outcome) {
	case JO_DELIVERED:
		f->delivered++;
		break;
	case JO_RETRY:
		f->retry++;
		break;
	case JO_DEAD:
		f->dead++;
		break;
	default:
		break;
	}
	if (a->outcome != JO_DELIVERED) {
		f->failed++;
		f->failed_by_class[a->cls]++;
	}
	if (a->status > 0 && a->duration_ms >= 0)
		hist_add(&f->latency, (uint64_t)a->duration_ms);
}

static struct stat_figures *
endpoint_figures(struct stat_window *w, const char *name)
{
	int i = stat_names_add(&w->endpoint_names, *name ? name : "(url)");

	if (i < 0)
		return NULL;
	if (w->endpoints[i] == NULL) {
		w->endpoints[i] = calloc(1, sizeof(**w->endpoints));
		if (w->endpoints[i] == NULL)
			return NULL;
	}
	return w->endpoints[i];
}

void
stat_window_line(void *ctx, const char *line, size_t len)
{
	struct stat_window *w = ctx;
	struct journal_read_attempt a;
	struct stat_figures *f;
	int64_t slot;
	int r;

	w->lines++;
	if (len == 0)
		return;
	r = journal_read_attempt(line, len, &a);
	if (r < 0) {
		w->damaged++;
		return;
	}
	if (r == 0) {
		w->other_kinds++;
		return;
	}
	if (w->follow && strcmp(a.id, w->follow_id) == 0)
		w->follow(w->follow_ctx, &a, line, len);
	if (a.start_ms < w->since_ms || a.start_ms >= w->until_ms) {
		w->outside++;
		return;
	}
	add(&w->total, &a);
	if ((f = endpoint_figures(w, a.endpoint)) != NULL)
		add(f, &a);
	else
		w->dropped++;
	slot = (a.start_ms - w->since_ms) / w->interval_ms;
	if (slot >= 0 && slot < STAT_INTERVALS) {
		if (a.outcome == JO_DELIVERED)
			w->delivered_at[slot]++;
		else
			w->failed_at[slot]++;
	}
}

const struct stat_figures *
stat_window_endpoint(const struct stat_window *w, size_t i)
{
	return i < w->endpoint_names.n ? w->endpoints[i] : NULL;
}

void
stat_window_free(struct stat_window *w)
{
	for (size_t i = 0; i < w->endpoint_names.n; i++)
		free(w->endpoints[i]);
	free(w->endpoints);
	w->endpoints = NULL;
	stat_names_free(&w->endpoint_names);
}
