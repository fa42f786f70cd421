/*
 * hook-stat - how the spool is doing: the queue, deliveries over a
 * window of time, one message's story; for a person, a script, a
 * Prometheus textfile collector, or a cron check.
 */
static const char usage[] =
"usage: hook-stat [-d DIR] [-s TIME] [-u TIME] [--names-only] [-a]\n"
"                 [--json | --prometheus] [-o FILE] [--color WHEN]\n"
"       hook-stat [-d DIR] --check [--max-dead N] [--max-age DURATION]\n"
"                 [--max-failing N] [-q]\n"
"       hook-stat [-d DIR] [--json] [-a] ID\n"
"\n"
"  -d, --spool DIR       the spool (default $HOOK_SPOOL, then\n"
"                        $XDG_STATE_HOME/hookspool, ~/.local/state/hookspool)\n"
"  -s, --since TIME      start of the window: a duration back from now\n"
"                        (1h, 30m) or a time (@EPOCH, ISO 8601); default 1h\n"
"  -u, --until TIME      end of the window (default now)\n"
"      --names-only      count the queue from file names alone, without\n"
"                        the per-endpoint breakdown (no file is opened)\n"
"  -a, --archives        read the journal days and messages that\n"
"                        hook-archive packed into archive/ too\n"
"  -j, --json            JSON for scripts (see hook-stat(1) for the schema)\n"
"  -p, --prometheus      Prometheus text exposition format\n"
"  -o, --output FILE     write to FILE atomically instead of standard output\n"
"      --color WHEN      auto (default), always or never\n"
"  -c, --check           exit 1 with a one-line reason if a threshold is\n"
"                        crossed, else 0 with a one-line summary\n"
"      --max-dead N      at most N dead letters\n"
"      --max-age DURATION  the oldest message due must wait at most this\n"
"      --max-failing N   at most N failing or disabled endpoints\n"
"  -q, --quiet           with --check, print nothing\n"
"  -h, --help            this text\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "endpoint.h"
#include "exits.h"
#include "hist.h"
#include "journal_read.h"
#include "message.h"
#include "spool.h"
#include "stat_archive.h"
#include "stat_queue.h"
#include "stat_window.h"
#include "util.h"

enum form { FORM_TABLE, FORM_JSON, FORM_PROMETHEUS, FORM_CHECK };

struct options {
	const char *spool;
	const char *id;
	const char *output;
	enum form form;
	int64_t now_ms, since_ms, until_ms;
	int names_only;
	int archives;		/* read archive/ too */
	int color;
	int quiet;
	long long max_dead, max_failing;	/* -1: no threshold */
	int64_t max_age_ms;			/* -1: no threshold */
};

/* What the report is made of: the queue, the window, the journal. */
struct report {
	const struct options *o;
	const char *spool_path;
	struct stat_queue queue;
	struct stat_window window;
	struct journal_read_counts journal;
	size_t *ep_order;	/* window endpoints with figures, by name */
	size_t nep;
	size_t *qep_order;	/* queue endpoints sorted by name */
};

/* --- formatting ------------------------------------------------------ */

/* Copy text into buf, cut to fit. */
static void
copy_text(char *buf, size_t len, const char *text)
{
	size_t n = strlen(text);

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
}

/* An age or delay in seconds, in its two largest units: "1d4h", "5m2s". */
static void
fmt_secs(int64_t s, char *buf, size_t len)
{
	static const struct { int64_t secs; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	const char *sign = s < 0 ? "-" : "";
	char text[64];
	size_t i;

	if (s < 0)
		s = -s;
	for (i = 0; i < 3 && s / units[i].secs == 0; i++)
		;
	if (i < 3 && s % units[i].secs / units[i + 1].secs)
		snprintf(text, sizeof(text), "%s%" PRId64 "%c%" PRId64 "%c",
		    sign, s / units[i].secs, units[i].unit,
		    s % units[i].secs / units[i + 1].secs, units[i + 1].unit);
	else
		snprintf(text, sizeof(text), "%s%" PRId64 "%c", sign,
		    s / units[i].secs, units[i].unit);
	copy_text(buf, len, text);
}

/* A latency in milliseconds: "850ms", "1.25s", "12.5s", "125s". */
static void
fmt_ms(uint64_t ms, char *buf, size_t len)
{
	if (ms < 1000)
		snprintf(buf, len, "%" PRIu64 "ms", ms);
	else if (ms < 10000)
		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64 "s", ms / 1000,
		    ms % 1000 / 10);
	else if (ms < 100000)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "s", ms / 1000,
		    ms % 1000 / 100);
	else
		snprintf(buf, len, "%" PRIu64 "s", ms / 1000);
}

static void
fmt_time(int64_t secs, char *buf, size_t len)
{
	char full[40];

	util_format_time(secs * 1000, full, sizeof(full));
	/* Whole seconds: drop the ".000". */
	snprintf(buf, len, "%.19sZ", full);
}

/* The share part/whole as a percentage with one decimal. */
static void
fmt_pct(uint64_t part, uint64_t whole, char *buf, size_t len)
{
	if (whole == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * (double)part /
		    (double)whole);
}

/* --- colour and tables ----------------------------------------------- */

enum hue { PLAIN, BOLD, RED, GREEN, YELLOW };

static const char *const hue_on[] = {
	"", "\033[1m", "\033[31m", "\033[32m", "\033[33m",
};

#define TABLE_COLS 16
#define CELL_LEN 48

struct table {
	size_t ncols, nrows, cap;
	unsigned left;		/* bit c: column c aligned left */
	char (*cell)[TABLE_COLS][CELL_LEN];
	enum hue (*hue)[TABLE_COLS];
};

static int
table_row(struct table *t, ...)
{
	va_list ap;

	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		void *nc = realloc(t->cell, ncap * sizeof(*t->cell));

		if (nc == NULL)
			return -1;
		t->cell = nc;
		nc = realloc(t->hue, ncap * sizeof(*t->hue));
		if (nc == NULL)
			return -1;
		t->hue = nc;
		t->cap = ncap;
	}
	memset(t->hue[t->nrows], 0, sizeof(t->hue[0]));
	va_start(ap, t);
	for (size_t c = 0; c < t->ncols; c++) {
		const char *s = va_arg(ap, const char *);

		snprintf(t->cell[t->nrows][c], CELL_LEN, "%s", s ? s : "-");
	}
	va_end(ap);
	t->nrows++;
	return 0;
}

/* Colour the last row's cell c. */
static void
table_hue(struct table *t, size_t c, enum hue h)
{
	if (t->nrows > 0 && c < t->ncols)
		t->hue[t->nrows - 1][c] = h;
}

/*
 * The first row is the heading; the first column is aligned left, the
 * others right.  Colour goes around the padded cell, so it never moves
 * a column.
 */
static void
table_print(FILE *f, const struct table *t, int color)
{
	size_t width[TABLE_COLS] = { 0 };

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			if (strlen(t->cell[r][c]) > width[c])
				width[c] = strlen(t->cell[r][c]);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			enum hue h = r == 0 ? BOLD : t->hue[r][c];
			int w = (int)width[c];

			if (c > 0)
				fputs("  ", f);
			if (color && h != PLAIN)
				fputs(hue_on[h], f);
			if (c + 1 == t->ncols && (c == 0 || t->left >> c & 1))
				fputs(t->cell[r][c], f);
			else if (c == 0 || t->left >> c & 1)
				fprintf(f, "%-*s", w, t->cell[r][c]);
			else
				fprintf(f, "%*s", w, t->cell[r][c]);
			if (color && h != PLAIN)
				fputs("\033[0m", f);
		}
		putc('\n', f);
	}
}

static void
table_free(struct table *t)
{
	free(t->cell);
	free(t->hue);
}

static void
heading(FILE *f, int color, const char *text)
{
	if (color)
		fprintf(f, "\n\033[1m%s\033[0m\n", text);
	else
		fprintf(f, "\n%s\n", text);
}

/* --- charts ---------------------------------------------------------- */

/* Unicode blocks where the terminal's locale speaks UTF-8, else ASCII. */
static int utf8;

/* A bar of n against max in width cells (at least one if n > 0). */
static int
bar(FILE *f, uint64_t n, uint64_t max, int width, const char *glyph)
{
	int cells;

	if (max == 0 || n == 0)
		return 0;
	cells = (int)((n * (uint64_t)width + max / 2) / max);
	if (cells == 0)
		cells = 1;
	for (int i = 0; i < cells; i++)
		fputs(glyph, f);
	return cells;
}

static void
interval_label(int64_t ms, int64_t span_ms, char *buf, size_t len)
{
	char full[40];

	util_format_time(ms, full, sizeof(full));
	if (span_ms <= 86400 * 1000LL)
		snprintf(buf, len, "%.5s", full + 11);		/* HH:MM */
	else
		snprintf(buf, len, "%.5s %.5s", full + 5, full + 11);
}

/* Deliveries and failures per interval, one row each, stacked bars. */
static void
chart_intervals(FILE *f, const struct stat_window *w, int color)
{
	char label[24], step[24], line[64];
	uint64_t max = 0;

	for (int i = 0; i < STAT_INTERVALS; i++)
		if (w->delivered_at[i] + w->failed_at[i] > max)
			max = w->delivered_at[i] + w->failed_at[i];
	if (max == 0)
		return;
	fmt_secs(w->interval_ms / 1000, step, sizeof(step));
	snprintf(line, sizeof(line), "Delivered (%s) and failed (%s) per %s",
	    utf8 ? "\u2588" : "#", utf8 ? "\u2591" : "x", step);
	heading(f, color, line);
	for (int i = 0; i < STAT_INTERVALS; i++) {
		uint64_t d = w->delivered_at[i], x = w->failed_at[i];
		int64_t at = w->since_ms + i * w->interval_ms;
		int cells;

		if (at >= w->until_ms)
			break;
		interval_label(at, w->until_ms - w->since_ms, label,
		    sizeof(label));
		fprintf(f, "%s  ", label);
		cells = bar(f, d, max, 40, utf8 ? "\u2588" : "#");
		if (color && x)
			fputs(hue_on[RED], f);
		cells += bar(f, x, max, 40, utf8 ? "\u2591" : "x");
		if (color && x)
			fputs("\033[0m", f);
		/* Pad to the widest bar, so the figures line up. */
		fprintf(f, "%*s%" PRIu64, cells < 41 ? 42 - cells : 1, "", d);
		if (x)
			fprintf(f, " / %" PRIu64 " failed", x);
		putc('\n', f);
	}
}

/* Latency of attempts with a response, in ranges a person reads fast. */
static void
chart_latency(FILE *f, const struct hist *h, int color)
{
	static const uint64_t edge[] = {
		0, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
		UINT64_MAX,
	};
	enum { NRANGES = sizeof(edge) / sizeof(edge[0]) - 1 };
	uint64_t count[NRANGES], max = 0;
	int first = -1, last = -1;

	if (h->count == 0)
		return;
	for (int i = 0; i < NRANGES; i++) {
		uint64_t hi = edge[i + 1] == UINT64_MAX ? h->count :
		    hist_count_below(h, edge[i + 1]);

		count[i] = hi - hist_count_below(h, edge[i]);
		if (count[i] > max)
			max = count[i];
		if (count[i] && first < 0)
			first = i;
		if (count[i])
			last = i;
	}
	heading(f, color, "Latency of attempts with a response");
	for (int i = first; i <= last; i++) {
		char lo[16], hi[16], range[40];

		fmt_ms(edge[i], lo, sizeof(lo));
		if (edge[i + 1] == UINT64_MAX) {
			snprintf(range, sizeof(range), ">= %s", lo);
		} else {
			fmt_ms(edge[i + 1], hi, sizeof(hi));
			snprintf(range, sizeof(range), "%s-%s", lo, hi);
		}
		fprintf(f, "%-13s ", range);
		bar(f, count[i], max, 40, utf8 ? "\u2588" : "#");
		fprintf(f, "%s%" PRIu64 "\n", count[i] ? " " : "", count[i]);
	}
}

/* --- the report as tables -------------------------------------------- */

static const enum stat_state shown_states[] = {
	SS_NEW, SS_CUR, SS_LATER, SS_DONE, SS_DEAD, SS_CORRUPT, SS_INBOX,
	SS_TMP,
};

static void
print_queue(FILE *f, const struct report *r, int color)
{
	const struct stat_queue *q = &r->queue;
	struct table t = { .ncols = 3 };
	char count[24], age[24], line[256];

	table_row(&t, "STATE", "MESSAGES", "OLDEST");
	for (size_t i = 0; i < sizeof(shown_states) / sizeof(*shown_states);
	    i++) {
		const struct stat_state_info *si = &q->state[shown_states[i]];

		snprintf(count, sizeof(count), "%" PRIu64, si->count);
		if (si->oldest && si->oldest > q->now) {
			/* later/ only: when the first falls due. */
			fmt_secs(si->oldest - q->now, age + 3, sizeof(age) - 3);
			memcpy(age, "in ", 3);
		} else if (si->oldest && shown_states[i] != SS_TMP)
			fmt_secs(q->now - si->oldest, age, sizeof(age));
		else
			snprintf(age, sizeof(age), "-");
		table_row(&t, stat_state_name(shown_states[i]), count, age);
		if ((shown_states[i] == SS_DEAD ||
		    shown_states[i] == SS_CORRUPT) && si->count)
			table_hue(&t, 1, RED);
	}
	heading(f, color, "Queue");
	table_print(f, &t, color);
	table_free(&t);

	fprintf(f, "due now: %" PRIu64, q->due_now);
	if (q->oldest_ready) {
		fmt_secs(q->now - q->oldest_ready, age, sizeof(age));
		fprintf(f, ", the oldest waiting %s", age);
	}
	if (q->next_due) {
		fmt_secs(q->next_due - q->now, age, sizeof(age));
		fmt_time(q->next_due, line, sizeof(line));
		fprintf(f, "; next retry in %s (%s)", age, line);
	}
	putc('\n', f);
	for (int pass = 0; pass < 2; pass++) {
		const struct stat_names *names = pass ? &q->corrupt_reasons :
		    &q->dead_reasons;
		const uint64_t *counts = pass ? q->corrupt_by_reason :
		    q->dead_by_reason;

		if (names->n == 0)
			continue;
		fprintf(f, "%s by reason:", pass ? "corrupt" : "dead");
		for (size_t i = 0; i < names->n; i++)
			fprintf(f, "%s %s %" PRIu64, i ? "," : "",
			    names->name[i], counts[i]);
		putc('\n', f);
	}
	if (q->unexpected || q->unreadable)
		fprintf(f, "not messages: %" PRIu64 " unexpected entries, %"
		    PRIu64 " unreadable\n", q->unexpected, q->unreadable);
}

static void
print_endpoints(FILE *f, const struct report *r, int color)
{
	const struct stat_queue *q = &r->queue;
	struct table t = { .ncols = 8, .left = 1u << 5 | 1u << 7 };
	char n[4][24], breaker[64], left[24];

	if (q->endpoint_names.n == 0)
		return;
	table_row(&t, "ENDPOINT", "NEW", "CUR", "LATER", "DEAD", "BREAKER",
	    "FAILURES", "DISABLED");
	for (size_t k = 0; k < q->endpoint_names.n; k++) {
		size_t i = r->qep_order[k];
		const struct stat_endpoint *ep = &q->endpoints[i];
		const char *state = stat_breaker_state(ep, q->now);
		static const enum stat_state cols[4] = {
			SS_NEW, SS_CUR, SS_LATER, SS_DEAD,
		};
		char failures[24];

		for (int c = 0; c < 4; c++)
			if (q->by_endpoint)
				snprintf(n[c], sizeof(n[c]), "%" PRIu64,
				    ep->queued[cols[c]]);
			else
				snprintf(n[c], sizeof(n[c]), "?");
		if (strcmp(state, "open") == 0) {
			fmt_secs(ep->open_until - q->now, left, sizeof(left));
			snprintf(breaker, sizeof(breaker), "open %s", left);
		} else {
			snprintf(breaker, sizeof(breaker), "%s", state);
		}
		snprintf(failures, sizeof(failures), "%" PRIu64, ep->failures);
		table_row(&t, q->endpoint_names.name[i], n[0], n[1], n[2],
		    n[3], breaker, failures, ep->disabled ?
		    (ep->disabled_reason[0] ? ep->disabled_reason : "yes") :
		    "no");
		if (strcmp(state, "closed") != 0)
			table_hue(&t, 5, strcmp(state, "open") == 0 ? RED :
			    YELLOW);
		if (ep->disabled)
			table_hue(&t, 7, RED);
		if (ep->queued[SS_DEAD])
			table_hue(&t, 4, RED);
	}
	heading(f, color, "Endpoints");
	table_print(f, &t, color);
	table_free(&t);
}

static void
figures_row(struct table *t, const char *name, const struct stat_figures *s,
    double seconds)
{
	char v[14][24];

	snprintf(v[0], 24, "%" PRIu64, s->attempts);
	snprintf(v[1], 24, "%" PRIu64, s->delivered);
	snprintf(v[2], 24, "%" PRIu64, s->failed);
	snprintf(v[3], 24, "%" PRIu64, s->failed_by_class[JC_4XX]);
	snprintf(v[4], 24, "%" PRIu64, s->failed_by_class[JC_5XX]);
	snprintf(v[5], 24, "%" PRIu64, s->failed_by_class[JC_TIMEOUT]);
	snprintf(v[6], 24, "%" PRIu64, s->failed_by_class[JC_CONNECT]);
	snprintf(v[7], 24, "%" PRIu64, s->failed_by_class[JC_TLS]);
	fmt_pct(s->retry, s->attempts, v[8], 24);
	snprintf(v[9], 24, "%.1f", (double)s->delivered * 60 / seconds);
	if (s->latency.count == 0) {
		for (int i = 10; i < 14; i++)
			snprintf(v[i], 24, "-");
	} else {
		fmt_ms(hist_quantile(&s->latency, 0.50), v[10], 24);
		fmt_ms(hist_quantile(&s->latency, 0.95), v[11], 24);
		fmt_ms(hist_quantile(&s->latency, 0.99), v[12], 24);
		fmt_ms(s->latency.max, v[13], 24);
	}
	table_row(t, name, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
	    v[8], v[9], v[10], v[11], v[12], v[13]);
	if (s->failed)
		table_hue(t, 3, RED);
}

static double
window_seconds(const struct stat_window *w)
{
	return (double)(w->until_ms - w->since_ms) / 1000.0;
}

static void
print_window(FILE *f, const struct report *r, int color)
{
	const struct stat_window *w = &r->window;
	struct table t = { .ncols = 15 };
	char since[40], until[40], span[24], line[160];
	double secs = window_seconds(w);

	fmt_time(w->since_ms / 1000, since, sizeof(since));
	fmt_time(w->until_ms / 1000, until, sizeof(until));
	fmt_secs((w->until_ms - w->since_ms) / 1000, span, sizeof(span));
	snprintf(line, sizeof(line), "Deliveries from %s to %s (%s)", since,
	    until, span);
	heading(f, color, line);
	table_row(&t, "ENDPOINT", "ATTEMPTS", "DELIVERED", "FAILED", "4XX",
	    "5XX", "TIMEOUT", "CONNECT", "TLS", "RETRY", "PER MIN", "P50", "P95",
	    "P99", "MAX");
	figures_row(&t, "(all)", &w->total, secs);
	for (size_t k = 0; k < r->nep; k++) {
		size_t i = r->ep_order[k];

		figures_row(&t, w->endpoint_names.name[i],
		    stat_window_endpoint(w, i), secs);
	}
	table_print(f, &t, color);
	table_free(&t);
	chart_intervals(f, w, color);
	chart_latency(f, &w->total.latency, color);
	fprintf(f, "\njournal: %" PRIu64 " files, %" PRIu64 " lines, %" PRIu64
	    " damaged", r->journal.files, w->lines, w->damaged);
	if (r->journal.files_failed)
		fprintf(f, ", %" PRIu64 " unreadable files",
		    r->journal.files_failed);
	putc('\n', f);
}

static void
print_table(FILE *f, const struct report *r, int color)
{
	char now[40];

	fmt_time(r->queue.now, now, sizeof(now));
	if (color)
		fprintf(f, "\033[1mhookspool\033[0m %s at %s\n", r->spool_path,
		    now);
	else
		fprintf(f, "hookspool %s at %s\n", r->spool_path, now);
	print_queue(f, r, color);
	print_endpoints(f, r, color);
	print_window(f, r, color);
}

/* --- the report as JSON ---------------------------------------------- */

static json_t *
json_time_or_null(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static json_t *
figures_json(const struct stat_figures *s, double seconds)
{
	json_t *o = json_object(), *cls = json_object(), *lat = json_object();

	json_object_set_new(o, "attempts", json_integer((json_int_t)
	    s->attempts));
	json_object_set_new(o, "delivered", json_integer((json_int_t)
	    s->delivered));
	json_object_set_new(o, "failed", json_integer((json_int_t)s->failed));
	json_object_set_new(o, "retry", json_integer((json_int_t)s->retry));
	json_object_set_new(o, "dead", json_integer((json_int_t)s->dead));
	for (int c = JC_3XX; c < JC_COUNT; c++) {
		enum journal_read_class jc = (enum journal_read_class)c;

		json_object_set_new(cls, journal_read_class_name(jc),
		    json_integer((json_int_t)s->failed_by_class[c]));
	}
	json_object_set_new(o, "failed_by_class", cls);
	json_object_set_new(o, "retry_rate", json_real(s->attempts ?
	    (double)s->retry / (double)s->attempts : 0));
	json_object_set_new(o, "delivered_per_second", json_real(
	    (double)s->delivered / seconds));
	json_object_set_new(lat, "count", json_integer((json_int_t)
	    s->latency.count));
	if (s->latency.count) {
		json_object_set_new(lat, "p50", json_integer((json_int_t)
		    hist_quantile(&s->latency, 0.50)));
		json_object_set_new(lat, "p95", json_integer((json_int_t)
		    hist_quantile(&s->latency, 0.95)));
		json_object_set_new(lat, "p99", json_integer((json_int_t)
		    hist_quantile(&s->latency, 0.99)));
		json_object_set_new(lat, "max", json_integer((json_int_t)
		    s->latency.max));
		json_object_set_new(lat, "mean", json_integer((json_int_t)
		    (s->latency.sum / s->latency.count)));
	}
	json_object_set_new(o, "latency_ms", lat);
	return o;
}

static json_t *
queue_json(const struct report *r)
{
	const struct stat_queue *q = &r->queue;
	json_t *o = json_object(), *states = json_object(), *reasons;

	for (size_t i = 0; i < sizeof(shown_states) / sizeof(*shown_states);
	    i++) {
		const struct stat_state_info *si = &q->state[shown_states[i]];
		json_t *s = json_object();

		json_object_set_new(s, "count", json_integer((json_int_t)
		    si->count));
		json_object_set_new(s, "oldest", json_time_or_null(si->oldest));
		json_object_set_new(states, stat_state_name(shown_states[i]), s);
	}
	json_object_set_new(o, "states", states);
	json_object_set_new(o, "due_now", json_integer((json_int_t)
	    q->due_now));
	json_object_set_new(o, "oldest_ready_age", q->oldest_ready ?
	    json_integer(q->now - q->oldest_ready) : json_null());
	json_object_set_new(o, "next_due", json_time_or_null(q->next_due));
	for (int pass = 0; pass < 2; pass++) {
		const struct stat_names *names = pass ? &q->corrupt_reasons :
		    &q->dead_reasons;
		const uint64_t *counts = pass ? q->corrupt_by_reason :
		    q->dead_by_reason;

		reasons = json_object();
		for (size_t i = 0; i < names->n; i++)
			json_object_set_new(reasons, names->name[i],
			    json_integer((json_int_t)counts[i]));
		json_object_set_new(o, pass ? "corrupt_by_reason" :
		    "dead_by_reason", reasons);
	}
	json_object_set_new(o, "unexpected", json_integer((json_int_t)
	    q->unexpected));
	json_object_set_new(o, "unreadable", json_integer((json_int_t)
	    q->unreadable));
	return o;
}

static json_t *
endpoints_json(const struct report *r)
{
	const struct stat_queue *q = &r->queue;
	json_t *a = json_array();

	for (size_t k = 0; k < q->endpoint_names.n; k++) {
		size_t i = r->qep_order[k];
		const struct stat_endpoint *ep = &q->endpoints[i];
		json_t *o = json_object(), *b = json_object(), *queued;

		json_object_set_new(o, "name", json_string(
		    q->endpoint_names.name[i]));
		json_object_set_new(o, "configured", json_boolean(
		    ep->configured));
		if (q->by_endpoint) {
			queued = json_object();
			json_object_set_new(queued, "new", json_integer(
			    (json_int_t)ep->queued[SS_NEW]));
			json_object_set_new(queued, "cur", json_integer(
			    (json_int_t)ep->queued[SS_CUR]));
			json_object_set_new(queued, "later", json_integer(
			    (json_int_t)ep->queued[SS_LATER]));
			json_object_set_new(queued, "dead", json_integer(
			    (json_int_t)ep->queued[SS_DEAD]));
		} else {
			queued = json_null();
		}
		json_object_set_new(o, "queued", queued);
		json_object_set_new(b, "state", json_string(
		    stat_breaker_state(ep, q->now)));
		json_object_set_new(b, "failures", json_integer((json_int_t)
		    ep->failures));
		json_object_set_new(b, "open_until", json_time_or_null(
		    ep->open_until));
		json_object_set_new(b, "cooldown", ep->cooldown ?
		    json_integer(ep->cooldown) : json_null());
		json_object_set_new(b, "first_failure", json_time_or_null(
		    ep->first_failure));
		json_object_set_new(o, "breaker", b);
		json_object_set_new(o, "disabled", json_boolean(ep->disabled));
		json_object_set_new(o, "disabled_reason", ep->disabled ?
		    json_string(ep->disabled_reason) : json_null());
		json_object_set_new(o, "failing", json_boolean(
		    stat_endpoint_failing(ep)));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
window_json(const struct report *r)
{
	const struct stat_window *w = &r->window;
	json_t *o = json_object(), *eps = json_object(), *iv = json_array();
	double secs = window_seconds(w);

	json_object_set_new(o, "since_ms", json_integer(w->since_ms));
	json_object_set_new(o, "until_ms", json_integer(w->until_ms));
	json_object_set_new(o, "seconds", json_real(secs));
	json_object_set_new(o, "total", figures_json(&w->total, secs));
	for (size_t k = 0; k < r->nep; k++) {
		size_t i = r->ep_order[k];

		json_object_set_new(eps, w->endpoint_names.name[i],
		    figures_json(stat_window_endpoint(w, i), secs));
	}
	json_object_set_new(o, "endpoints", eps);
	json_object_set_new(o, "interval_ms", json_integer(w->interval_ms));
	for (int i = 0; i < STAT_INTERVALS; i++) {
		json_t *e;

		if (w->since_ms + i * w->interval_ms >= w->until_ms)
			break;
		e = json_object();
		json_object_set_new(e, "start_ms", json_integer(w->since_ms +
		    i * w->interval_ms));
		json_object_set_new(e, "delivered", json_integer((json_int_t)
		    w->delivered_at[i]));
		json_object_set_new(e, "failed", json_integer((json_int_t)
		    w->failed_at[i]));
		json_array_append_new(iv, e);
	}
	json_object_set_new(o, "intervals", iv);
	return o;
}

static int
print_json(FILE *f, const struct report *r)
{
	json_t *root = json_object(), *j = json_object();
	int rc;

	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "now", json_integer(r->queue.now));
	json_object_set_new(root, "spool", json_string(r->spool_path));
	json_object_set_new(root, "queue", queue_json(r));
	json_object_set_new(root, "endpoints", endpoints_json(r));
	json_object_set_new(root, "window", window_json(r));
	json_object_set_new(j, "files", json_integer((json_int_t)
	    r->journal.files));
	json_object_set_new(j, "unreadable_files", json_integer((json_int_t)
	    r->journal.files_failed));
	json_object_set_new(j, "lines", json_integer((json_int_t)
	    r->window.lines));
	json_object_set_new(j, "damaged", json_integer((json_int_t)
	    r->window.damaged));
	json_object_set_new(j, "other_kinds", json_integer((json_int_t)
	    r->window.other_kinds));
	json_object_set_new(j, "outside_window", json_integer((json_int_t)
	    r->window.outside));
	json_object_set_new(root, "journal", j);
	rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6));
	putc('\n', f);
	json_decref(root);
	return rc;
}

/* --- the report for Prometheus --------------------------------------- */

static void
prom_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP hookspool_%s %s\n# TYPE hookspool_%s %s\n", name,
	    help, name, type);
}

/* A label value, escaped as the exposition format wants. */
static void
prom_label(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			putc(*s, f);
	}
	putc('"', f);
}

static void
prom_endpoint_value(FILE *f, const char *metric, const char *endpoint,
    const char *label, const char *value, double v)
{
	fprintf(f, "hookspool_%s{endpoint=", metric);
	prom_label(f, endpoint);
	if (label) {
		fprintf(f, ",%s=", label);
		prom_label(f, value);
	}
	fprintf(f, "} %.17g\n", v);
}

static void
prom_queue(FILE *f, const struct report *r)
{
	const struct stat_queue *q = &r->queue;
	size_t nstates = sizeof(shown_states) / sizeof(*shown_states);

	prom_head(f, "messages", "gauge", "Messages in the spool by state.");
	for (size_t i = 0; i < nstates; i++)
		fprintf(f, "hookspool_messages{state=\"%s\"} %" PRIu64 "\n",
		    stat_state_name(shown_states[i]),
		    q->state[shown_states[i]].count);
	prom_head(f, "oldest_message_age_seconds", "gauge",
	    "Seconds since the oldest message's time in its state name "
	    "(due time, or time it reached done, dead or corrupt).");
	for (size_t i = 0; i < nstates; i++)
		if (q->state[shown_states[i]].oldest &&
		    q->state[shown_states[i]].oldest <= q->now &&
		    shown_states[i] != SS_TMP)
			fprintf(f, "hookspool_oldest_message_age_seconds{state="
			    "\"%s\"} %" PRId64 "\n",
			    stat_state_name(shown_states[i]),
			    q->now - q->state[shown_states[i]].oldest);
	prom_head(f, "due_messages", "gauge",
	    "Messages due now in new and later.");
	fprintf(f, "hookspool_due_messages %" PRIu64 "\n", q->due_now);
	prom_head(f, "oldest_ready_age_seconds", "gauge",
	    "Seconds the oldest due message has waited since it fell due.");
	fprintf(f, "hookspool_oldest_ready_age_seconds %" PRId64 "\n",
	    q->oldest_ready ? q->now - q->oldest_ready : 0);
	if (q->next_due) {
		prom_head(f, "next_due_timestamp_seconds", "gauge",
		    "When the next message in later falls due.");
		fprintf(f, "hookspool_next_due_timestamp_seconds %" PRId64 "\n",
		    q->next_due);
	}
	prom_head(f, "dead_messages", "gauge", "Dead letters by reason.");
	for (size_t i = 0; i < q->dead_reasons.n; i++) {
		fputs("hookspool_dead_messages{reason=", f);
		prom_label(f, q->dead_reasons.name[i]);
		fprintf(f, "} %" PRIu64 "\n", q->dead_by_reason[i]);
	}
	prom_head(f, "corrupt_messages", "gauge",
	    "Quarantined files by reason.");
	for (size_t i = 0; i < q->corrupt_reasons.n; i++) {
		fputs("hookspool_corrupt_messages{reason=", f);
		prom_label(f, q->corrupt_reasons.name[i]);
		fprintf(f, "} %" PRIu64 "\n", q->corrupt_by_reason[i]);
	}
	prom_head(f, "unexpected_entries", "gauge",
	    "Entries in state directories that are not message files.");
	fprintf(f, "hookspool_unexpected_entries %" PRIu64 "\n",
	    q->unexpected);
}

static void
prom_endpoints(FILE *f, const struct report *r)
{
	static const enum stat_state st[] = {
		SS_NEW, SS_CUR, SS_LATER, SS_DEAD,
	};
	const struct stat_queue *q = &r->queue;
	size_t n = q->endpoint_names.n;

	if (n == 0)
		return;
	if (q->by_endpoint) {
		prom_head(f, "endpoint_messages", "gauge",
		    "Messages queued or dead per endpoint and state.");
		for (size_t k = 0; k < n; k++)
			for (size_t s = 0; s < 4; s++)
				prom_endpoint_value(f, "endpoint_messages",
				    q->endpoint_names.name[r->qep_order[k]],
				    "state", stat_state_name(st[s]),
				    (double)q->endpoints[r->qep_order[k]]
				    .queued[st[s]]);
	}
	prom_head(f, "endpoint_disabled", "gauge",
	    "1 if the endpoint is disabled.");
	for (size_t k = 0; k < n; k++)
		prom_endpoint_value(f, "endpoint_disabled",
		    q->endpoint_names.name[r->qep_order[k]], NULL, NULL,
		    q->endpoints[r->qep_order[k]].disabled);
	prom_head(f, "endpoint_breaker_open", "gauge",
	    "1 if the endpoint's circuit breaker is open.");
	for (size_t k = 0; k < n; k++)
		prom_endpoint_value(f, "endpoint_breaker_open",
		    q->endpoint_names.name[r->qep_order[k]], NULL, NULL,
		    strcmp(stat_breaker_state(&q->endpoints[r->qep_order[k]],
		    q->now), "open") == 0);
	prom_head(f, "endpoint_breaker_failures", "gauge",
	    "Consecutive failures the endpoint's breaker has counted.");
	for (size_t k = 0; k < n; k++)
		prom_endpoint_value(f, "endpoint_breaker_failures",
		    q->endpoint_names.name[r->qep_order[k]], NULL, NULL,
		    (double)q->endpoints[r->qep_order[k]].failures);
}

static void
prom_window(FILE *f, const struct report *r)
{
	static const char *const outcome[] = { "delivered", "retry", "dead" };
	const struct stat_window *w = &r->window;
	size_t n = r->nep;

	prom_head(f, "window_seconds", "gauge",
	    "Length of the window the window_ metrics cover.");
	fprintf(f, "hookspool_window_seconds %.17g\n", window_seconds(w));
	if (n == 0)
		return;
	prom_head(f, "window_attempts", "gauge",
	    "Delivery attempts in the window by endpoint and outcome.");
	for (size_t k = 0; k < n; k++) {
		const struct stat_figures *s = stat_window_endpoint(w,
		    r->ep_order[k]);
		const uint64_t v[] = { s->delivered, s->retry, s->dead };

		for (int o = 0; o < 3; o++)
			prom_endpoint_value(f, "window_attempts",
			    w->endpoint_names.name[r->ep_order[k]], "outcome",
			    outcome[o], (double)v[o]);
	}
	prom_head(f, "window_failures", "gauge",
	    "Failed attempts in the window by endpoint and class.");
	for (size_t k = 0; k < n; k++) {
		const struct stat_figures *s = stat_window_endpoint(w,
		    r->ep_order[k]);

		for (int c = JC_3XX; c < JC_COUNT; c++)
			prom_endpoint_value(f, "window_failures",
			    w->endpoint_names.name[r->ep_order[k]], "class",
			    journal_read_class_name((enum journal_read_class)c),
			    (double)s->failed_by_class[c]);
	}
	prom_head(f, "window_latency_seconds", "summary",
	    "Latency of attempts with a response in the window "
	    "(quantiles within 1%).");
	for (size_t k = 0; k < n; k++) {
		const struct stat_figures *s = stat_window_endpoint(w,
		    r->ep_order[k]);
		const char *name = w->endpoint_names.name[r->ep_order[k]];
		static const char *const qs[] = { "0.5", "0.95", "0.99" };
		static const double qv[] = { 0.5, 0.95, 0.99 };

		for (int i = 0; i < 3 && s->latency.count; i++)
			prom_endpoint_value(f, "window_latency_seconds", name,
			    "quantile", qs[i], (double)hist_quantile(
			    &s->latency, qv[i]) / 1000.0);
		prom_endpoint_value(f, "window_latency_seconds_sum", name,
		    NULL, NULL, (double)s->latency.sum / 1000.0);
		prom_endpoint_value(f, "window_latency_seconds_count", name,
		    NULL, NULL, (double)s->latency.count);
	}
	prom_head(f, "window_latency_max_seconds", "gauge",
	    "Slowest attempt with a response in the window.");
	for (size_t k = 0; k < n; k++) {
		const struct stat_figures *s = stat_window_endpoint(w,
		    r->ep_order[k]);

		prom_endpoint_value(f, "window_latency_max_seconds",
		    w->endpoint_names.name[r->ep_order[k]], NULL, NULL,
		    (double)s->latency.max / 1000.0);
	}
}

static void
print_prometheus(FILE *f, const struct report *r)
{
	prom_queue(f, r);
	prom_endpoints(f, r);
	prom_window(f, r);
	prom_head(f, "journal_damaged_lines", "gauge",
	    "Journal lines in the files read that could not be parsed.");
	fprintf(f, "hookspool_journal_damaged_lines %" PRIu64 "\n",
	    r->window.damaged);
	prom_head(f, "stat_timestamp_seconds", "gauge",
	    "When hook-stat made this report.");
	fprintf(f, "hookspool_stat_timestamp_seconds %" PRId64 "\n",
	    r->queue.now);
}

/* --- --check --------------------------------------------------------- */

/*
 * One line: "ok: ..." with the figures checked, or "fail: ..." with
 * the thresholds crossed first.  HOOK_NO if any is crossed.
 */
static int
run_check(FILE *f, const struct options *o, const struct stat_queue *q)
{
	char bad[1024] = "", good[1024] = "", age[24], max[24], names[256];
	uint64_t dead = q->state[SS_DEAD].count, failing = 0;
	int64_t oldest = q->oldest_ready ? q->now - q->oldest_ready : 0;
	size_t nl = 0;

	names[0] = '\0';
	for (size_t i = 0; i < q->endpoint_names.n; i++) {
		if (!stat_endpoint_failing(&q->endpoints[i]))
			continue;
		failing++;
		if (nl < sizeof(names) - 1)
			nl += (size_t)snprintf(names + nl, sizeof(names) - nl,
			    "%s%s", failing > 1 ? " " : "",
			    q->endpoint_names.name[i]);
		if (nl >= sizeof(names))
			nl = sizeof(names) - 1;
	}
	if (o->max_dead >= 0) {
		int over = dead > (uint64_t)o->max_dead;
		char *to = over ? bad : good;

		snprintf(to + strlen(to), sizeof(bad) - strlen(to),
		    "%s%" PRIu64 " dead (max %lld)", *to ? "; " : "", dead,
		    o->max_dead);
	}
	if (o->max_age_ms >= 0) {
		int over = oldest * 1000 > o->max_age_ms;
		char *to = over ? bad : good;

		fmt_secs(oldest, age, sizeof(age));
		fmt_secs(o->max_age_ms / 1000, max, sizeof(max));
		snprintf(to + strlen(to), sizeof(bad) - strlen(to),
		    "%soldest due waiting %s (max %s)", *to ? "; " : "", age,
		    max);
	}
	if (o->max_failing >= 0) {
		int over = failing > (uint64_t)o->max_failing;
		char *to = over ? bad : good;

		snprintf(to + strlen(to), sizeof(bad) - strlen(to),
		    "%s%" PRIu64 " failing endpoints%s%s%s (max %lld)",
		    *to ? "; " : "", failing, failing ? " (" : "", names,
		    failing ? ")" : "", o->max_failing);
	}
	if (!o->quiet) {
		if (*bad)
			fprintf(f, "fail: %s%s%s\n", bad, *good ? "; " : "",
			    good);
		else
			fprintf(f, "ok: %s\n", *good ? good : "no thresholds "
			    "given");
	}
	return *bad ? HOOK_NO : HOOK_OK;
}

/* --- one message ----------------------------------------------------- */

#define TEXT_SHOWN 200

struct seen_attempt {
	struct journal_read_attempt a;
	char detail[TEXT_SHOWN + 1];
	char response[TEXT_SHOWN + 1];
	char url[TEXT_SHOWN + 1];
};

struct follow {
	const char *id;
	size_t idlen;
	struct seen_attempt *v;
	size_t n, cap;
	uint64_t damaged;
	int oom;
};

/*
 * A journal string for a person: decoded, cut to TEXT_SHOWN bytes,
 * control characters replaced, and a URL's user information hidden.
 */
static void
shown_text(const struct jscan_value *v, char *out, size_t len)
{
	char buf[4096], *at, *scheme;
	long n = jscan_string(v, buf, sizeof(buf));

	if (n < 0) {
		/* Too long to decode whole: show the raw start. */
		if (v->type != JSCAN_STRING) {
			out[0] = '\0';
			return;
		}
		n = (long)(v->len < sizeof(buf) - 1 ? v->len :
		    sizeof(buf) - 1);
		memcpy(buf, v->p, (size_t)n);
		buf[n] = '\0';
	}
	for (long i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
	if ((scheme = strstr(buf, "://")) != NULL &&
	    (at = strchr(scheme + 3, '@')) != NULL &&
	    at < scheme + 3 + strcspn(scheme + 3, "/?#"))
		memmove(scheme + 3, at + 1, strlen(at + 1) + 1);
	copy_text(out, len, buf);
}

static void
follow_line(void *ctx, const char *line, size_t len)
{
	struct follow *fw = ctx;
	struct journal_read_attempt a;
	struct seen_attempt *s;
	int r;

	/* Most lines are other messages': skip them without parsing. */
	if (memmem(line, len, fw->id, fw->idlen) == NULL)
		return;
	r = journal_read_attempt(line, len, &a);
	if (r < 0)
		fw->damaged++;
	if (r <= 0 || strcmp(a.id, fw->id) != 0)
		return;
	if (fw->n == fw->cap) {
		size_t ncap = fw->cap ? fw->cap * 2 : 8;
		void *nv = realloc(fw->v, ncap * sizeof(*fw->v));

		if (nv == NULL) {
			fw->oom = 1;
			return;
		}
		fw->v = nv;
		fw->cap = ncap;
	}
	s = &fw->v[fw->n++];
	s->a = a;
	shown_text(&a.detail, s->detail, sizeof(s->detail));
	shown_text(&a.response, s->response, sizeof(s->response));
	shown_text(&a.url, s->url, sizeof(s->url));
}

/* The creation time in a hookspool id (msg_ + 10 base32 digits). */
static int64_t
id_time_ms(const char *id)
{
	static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	int64_t ms = 0;

	if (strncmp(id, "msg_", 4) != 0 || strlen(id) != 30)
		return 0;
	for (int i = 4; i < 14; i++) {
		const char *p = strchr(digits, id[i]);

		if (p == NULL || *p == '\0')
			return 0;
		ms = ms << 5 | (p - digits);
	}
	return ms;
}

struct found {
	int in_spool;
	char archived[400];	/* "archive/FILE: STATE/NAME", or "" */
	enum stat_state state;
	char dir[64];
	struct spool_name name;
	int loaded;
	struct message m;
	char why[64];
};

static void
print_message_table(FILE *f, const struct options *o, const struct found *found,
    const struct follow *fw, int color)
{
	const struct message *m = &found->m;
	char when[40], rel[24];
	int64_t now = o->now_ms / 1000;

	fprintf(f, "%-10s%s\n", "message", o->id);
	if (found->in_spool) {
		fprintf(f, "%-10s%s (%s/%s:%u:%" PRId64 "%s%s)\n", "state",
		    stat_state_name(found->state), found->dir, found->name.id,
		    found->name.attempts, found->name.time,
		    found->name.reason[0] ? ":" : "", found->name.reason);
		fprintf(f, "%-10s%u\n", "attempts", found->name.attempts);
		fmt_time(found->name.time, when, sizeof(when));
		fmt_secs(found->name.time - now, rel, sizeof(rel));
		if (found->state == SS_NEW || found->state == SS_LATER ||
		    found->state == SS_CUR)
			fprintf(f, "%-10s%s (%s%s)\n", "due", when,
			    found->name.time > now ? "in " : "",
			    found->name.time > now ? rel : "now");
		else
			fprintf(f, "%-10s%s\n", "since", when);
		if (found->name.reason[0])
			fprintf(f, "%-10s%s\n", "reason", found->name.reason);
	} else if (found->archived[0]) {
		fprintf(f, "%-10s%s (%s)\n", "state", "archived",
		    found->archived);
	} else {
		fprintf(f, "%-10s%s\n", "state", "not in the spool");
	}
	if (found->loaded) {
		util_format_time(m->created_ms, when, sizeof(when));
		fprintf(f, "%-10s%s\n", "created", when);
		fprintf(f, "%-10s%s\n", "event", m->event);
		if (m->endpoint)
			fprintf(f, "%-10s%s\n", "endpoint", m->endpoint);
		if (m->url) {
			struct jscan_value v = { JSCAN_STRING, m->url,
			    strlen(m->url), 0 };
			char url[TEXT_SHOWN + 1];

			shown_text(&v, url, sizeof(url));
			fprintf(f, "%-10s%s\n", "url", url);
		}
		fprintf(f, "%-10s%s, %zu bytes\n", "payload", m->content_type,
		    m->body_len);
		if (m->key)
			fprintf(f, "%-10s%s\n", "key", m->key);
		for (size_t i = 0; i < m->nheaders; i++)
			fprintf(f, "%-10s%.*s: (not shown)\n", i ? "" :
			    "headers", (int)strcspn(m->headers[i], ":"),
			    m->headers[i]);
		for (size_t i = 0; i < m->nmeta; i++)
			fprintf(f, "%-10s%s\n", i ? "" : "meta", m->meta[i]);
	} else if (found->in_spool) {
		fprintf(f, "%-10scannot read: %s\n", "file", found->why);
	}

	if (fw->n == 0) {
		fprintf(f, "\nno attempts in the journal\n");
		return;
	}
	heading(f, color, "Attempts");
	{
		struct table t = { .ncols = 7, .left = 0x7e };

		table_row(&t, "#", "START", "TOOK", "STATUS", "CLASS",
		    "OUTCOME", "NEXT DUE OR REASON");
		for (size_t i = 0; i < fw->n; i++) {
			const struct journal_read_attempt *a = &fw->v[i].a;
			char num[16], start[40], took[24], status[24],
			    next[80];

			snprintf(num, sizeof(num), "%u", a->attempt);
			util_format_time(a->start_ms, start, sizeof(start));
			if (a->duration_ms >= 0)
				fmt_ms((uint64_t)a->duration_ms, took,
				    sizeof(took));
			else
				snprintf(took, sizeof(took), "-");
			if (a->status)
				snprintf(status, sizeof(status), "%d",
				    a->status);
			else
				snprintf(status, sizeof(status), "%s",
				    a->error[0] ? a->error : "-");
			if (a->next_due)
				fmt_time(a->next_due, next, sizeof(next));
			else
				snprintf(next, sizeof(next), "%s",
				    a->reason[0] ? a->reason : "-");
			table_row(&t, num, start, took, status,
			    a->class_name[0] ? a->class_name : "-",
			    a->outcome == JO_DELIVERED ? "delivered" :
			    a->outcome == JO_RETRY ? "retry" :
			    a->outcome == JO_DEAD ? "dead" : "other", next);
			if (a->outcome != JO_DELIVERED)
				table_hue(&t, 5, RED);
			else
				table_hue(&t, 5, GREEN);
		}
		table_print(f, &t, color);
		table_free(&t);
	}
	for (size_t i = 0; i < fw->n; i++) {
		if (fw->v[i].detail[0])
			fprintf(f, "attempt %u detail: %s\n",
			    fw->v[i].a.attempt, fw->v[i].detail);
		if (fw->v[i].response[0])
			fprintf(f, "attempt %u response: %s\n",
			    fw->v[i].a.attempt, fw->v[i].response);
	}
}

static json_t *
str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static void
print_message_json(FILE *f, const struct options *o,
    const struct found *found, const struct follow *fw)
{
	json_t *root = json_object(), *atts = json_array();
	const struct message *m = &found->m;

	json_object_set_new(root, "id", json_string(o->id));
	json_object_set_new(root, "state", found->in_spool ?
	    json_string(stat_state_name(found->state)) :
	    found->archived[0] ? json_string("archived") : json_null());
	if (!found->in_spool && found->archived[0])
		json_object_set_new(root, "archive",
		    json_string(found->archived));
	if (found->in_spool) {
		int pending = found->state == SS_NEW || found->state == SS_LATER ||
		    found->state == SS_CUR;

		json_object_set_new(root, "dir", json_string(found->dir));
		json_object_set_new(root, "attempts", json_integer(
		    found->name.attempts));
		json_object_set_new(root, "due", pending ?
		    json_integer(found->name.time) : json_null());
		json_object_set_new(root, "since", pending ? json_null() :
		    json_integer(found->name.time));
		json_object_set_new(root, "reason", str_or_null(
		    found->name.reason));
	}
	if (found->loaded) {
		json_t *msg = json_object(), *h = json_array(),
		    *meta = json_object();

		json_object_set_new(msg, "created_ms", json_integer(
		    m->created_ms));
		json_object_set_new(msg, "event", json_string(m->event));
		json_object_set_new(msg, "endpoint", str_or_null(m->endpoint));
		if (m->url) {
			struct jscan_value v = { JSCAN_STRING, m->url,
			    strlen(m->url), 0 };
			char url[TEXT_SHOWN + 1];

			shown_text(&v, url, sizeof(url));
			json_object_set_new(msg, "url", json_string(url));
		} else {
			json_object_set_new(msg, "url", json_null());
		}
		json_object_set_new(msg, "content_type", json_string(
		    m->content_type));
		json_object_set_new(msg, "body_bytes", json_integer(
		    (json_int_t)m->body_len));
		json_object_set_new(msg, "key", str_or_null(m->key));
		for (size_t i = 0; i < m->nheaders; i++)
			json_array_append_new(h, json_stringn(m->headers[i],
			    strcspn(m->headers[i], ":")));
		json_object_set_new(msg, "header_names", h);
		for (size_t i = 0; i < m->nmeta; i++) {
			size_t k = strcspn(m->meta[i], " ");
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)k,
			    m->meta[i]);
			json_object_set_new(meta, name, json_string(
			    m->meta[i][k] ? m->meta[i] + k + 1 : ""));
		}
		json_object_set_new(msg, "meta", meta);
		json_object_set_new(root, "message", msg);
	} else {
		json_object_set_new(root, "message", json_null());
		if (found->in_spool)
			json_object_set_new(root, "unreadable", json_string(
			    found->why));
	}
	for (size_t i = 0; i < fw->n; i++) {
		const struct seen_attempt *s = &fw->v[i];
		json_t *a = json_object();

		json_object_set_new(a, "attempt", json_integer(s->a.attempt));
		json_object_set_new(a, "start_ms", json_integer(
		    s->a.start_ms));
		json_object_set_new(a, "duration_ms", s->a.duration_ms >= 0 ?
		    json_integer(s->a.duration_ms) : json_null());
		json_object_set_new(a, "endpoint", str_or_null(
		    s->a.endpoint));
		json_object_set_new(a, "url", str_or_null(s->url));
		json_object_set_new(a, "status", s->a.status ?
		    json_integer(s->a.status) : json_null());
		json_object_set_new(a, "error", str_or_null(s->a.error));
		json_object_set_new(a, "class", str_or_null(
		    s->a.class_name));
		json_object_set_new(a, "outcome", json_string(
		    s->a.outcome == JO_DELIVERED ? "delivered" :
		    s->a.outcome == JO_RETRY ? "retry" :
		    s->a.outcome == JO_DEAD ? "dead" : "other"));
		json_object_set_new(a, "reason", str_or_null(s->a.reason));
		json_object_set_new(a, "next_due", s->a.next_due ?
		    json_integer(s->a.next_due) : json_null());
		json_object_set_new(a, "detail", str_or_null(s->detail));
		json_object_set_new(a, "response", str_or_null(s->response));
		json_array_append_new(atts, a);
	}
	json_object_set_new(root, "journal", atts);
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putc('\n', f);
	json_decref(root);
}

static int
show_message(FILE *f, struct spool *sp, const struct options *o, int color)
{
	struct follow fw = { .id = o->id, .idlen = strlen(o->id) };
	struct journal_read_counts counts = { 0 };
	struct found found = { 0 };
	int64_t from = 0;
	int jfd, rc = HOOK_OK;

	if (stat_queue_find(sp, o->id, &found.state, found.dir, sizeof(found.dir),
	    &found.name) == 0) {
		char path[SPOOL_NAME_MAX + 80];

		found.in_spool = 1;
		snprintf(path, sizeof(path), "%s/%s:%u:%" PRId64 "%s%s",
		    found.dir, found.name.id, found.name.attempts, found.name.time,
		    found.name.reason[0] ? ":" : "", found.name.reason);
		if (message_load(sp->fd, path, &found.m, found.why,
		    sizeof(found.why)) == 0)
			found.loaded = 1;
		else if (errno != EBADMSG)
			copy_text(found.why, sizeof(found.why),
			    strerror(errno));
	}

	/* Attempts start after creation; a day's margin for clocks. */
	if (found.loaded)
		from = found.m.created_ms - 86400 * 1000LL;
	else if (id_time_ms(o->id))
		from = id_time_ms(o->id) - 86400 * 1000LL;
	jfd = openat(sp->fd, "journal", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (jfd >= 0) {
		if (journal_read_days(jfd, from > 0 ? from : 0, INT64_MAX,
		    follow_line, &fw, &counts) < 0)
			util_warn("cannot read '%s/journal'", sp->path);
		close(jfd);
	}
	if (o->archives) {
		unsigned damaged;

		if (stat_archive_scan(sp, from > 0 ? from : 0, INT64_MAX, o->id,
		    follow_line, &fw, found.archived, sizeof(found.archived),
		    &damaged) < 0)
			util_warn("cannot read '%s/archive'", sp->path);
		else if (damaged)
			util_warnx("%u damaged archives passed over", damaged);
	}
	if (fw.oom)
		util_warnx("out of memory: not every attempt is shown");

	if (!found.in_spool && !found.archived[0] && fw.n == 0) {
		rc = util_fail(HOOK_NO, "no message '%s' in the spool or the "
		    "journal", o->id);
	} else if (o->form == FORM_JSON) {
		print_message_json(f, o, &found, &fw);
	} else {
		print_message_table(f, o, &found, &fw, color);
	}
	if (found.loaded)
		message_free(&found.m);
	free(fw.v);
	return rc;
}

/* --- output ---------------------------------------------------------- */

/*
 * With -o FILE, the report goes to a file beside FILE and replaces it
 * only once complete and on disk: a collector reading FILE sees the
 * old report or the new one, never half of one.
 */
struct output {
	FILE *f;
	const char *path;
	char tmp[PATH_MAX];
	char dir[PATH_MAX];
};

static int
output_open(struct output *out, const char *path)
{
	const char *slash;
	int fd;

	out->path = path;
	if (path == NULL) {
		out->f = stdout;
		return HOOK_OK;
	}
	slash = strrchr(path, '/');
	if (slash)
		snprintf(out->dir, sizeof(out->dir), "%.*s",
		    (int)(slash - path == 0 ? 1 : slash - path), path);
	else
		snprintf(out->dir, sizeof(out->dir), ".");
	if (snprintf(out->tmp, sizeof(out->tmp), "%s/.%s.%ld.tmp", out->dir,
	    slash ? slash + 1 : path, (long)getpid()) >= (int)sizeof(out->tmp))
		return util_fail(HOOK_USAGE, "output path too long '%s'", path);
	fd = open(out->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (fd < 0 || (out->f = fdopen(fd, "w")) == NULL) {
		int err = errno;

		if (fd >= 0) {
			close(fd);
			unlink(out->tmp);
		}
		return util_fail(hook_exit_for_errno(err),
		    "cannot create '%s': %s",
		    out->tmp, strerror(err));
	}
	return HOOK_OK;
}

static int
output_close(struct output *out, int rc)
{
	int err;

	if (out->path == NULL) {
		if (fflush(stdout) != 0 || ferror(stdout))
			return util_fail(HOOK_IOERR,
			    "cannot write standard output");
		return rc;
	}
	if (rc != HOOK_OK && rc != HOOK_NO) {
		fclose(out->f);
		unlink(out->tmp);
		return rc;
	}
	if (fflush(out->f) != 0 || ferror(out->f) || fsync(fileno(out->f)))
		goto fail;
	if (fclose(out->f) != 0) {
		out->f = NULL;
		goto fail;
	}
	out->f = NULL;
	if (rename(out->tmp, out->path) < 0)
		goto fail;
	if (util_fsync_dir(AT_FDCWD, out->dir) < 0)
		return util_fail(hook_exit_for_errno(errno),
		    "cannot sync '%s': %s",
		    out->dir, strerror(errno));
	return rc;
fail:
	err = errno;
	if (out->f)
		fclose(out->f);
	unlink(out->tmp);
	return util_fail(hook_exit_for_errno(err), "cannot write '%s': %s",
	    out->path, strerror(err));
}

/* --- the report ------------------------------------------------------ */

static int
by_name(const void *a, const void *b, void *names)
{
	const struct stat_names *n = names;

	return strcmp(n->name[*(const size_t *)a], n->name[*(const size_t *)b]);
}

static int
sort_names(const struct stat_names *names, struct stat_figures **keep,
    size_t **order, size_t *n)
{
	*n = 0;
	if ((*order = calloc(names->n + 1, sizeof(**order))) == NULL)
		return -1;
	for (size_t i = 0; i < names->n; i++)
		if (keep == NULL || keep[i] != NULL)
			(*order)[(*n)++] = i;
	qsort_r(*order, *n, sizeof(**order), by_name, (void *)names);
	return 0;
}

static int
read_journal(struct spool *sp, struct report *r)
{
	int jfd = openat(sp->fd, "journal", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);

	if (jfd < 0) {
		if (errno == ENOENT)
			return HOOK_OK;
		return util_fail(hook_exit_for_errno(errno), "cannot open '%s/"
		    "journal': %s", sp->path, strerror(errno));
	}
	if (journal_read_days(jfd, r->window.since_ms, r->window.until_ms,
	    stat_window_line, &r->window, &r->journal) < 0) {
		int err = errno;

		close(jfd);
		return util_fail(hook_exit_for_errno(err), "cannot read '%s/"
		    "journal': %s", sp->path, strerror(err));
	}
	close(jfd);
	return HOOK_OK;
}

/* The journal days hook-archive packed away, into the same window. */
static int
read_archives(struct spool *sp, struct report *r)
{
	unsigned damaged;

	if (stat_archive_scan(sp, r->window.since_ms, r->window.until_ms,
	    NULL, stat_window_line, &r->window, NULL, 0, &damaged) < 0)
		return util_fail(hook_exit_for_errno(errno), "cannot read '%s/"
		    "archive': %s", sp->path, strerror(errno));
	if (damaged)
		util_warnx("%u damaged archives passed over", damaged);
	return HOOK_OK;
}

static int
report(struct spool *sp, const struct options *o, FILE *f)
{
	struct report r = { .o = o, .spool_path = sp->path };
	size_t nq;
	int rc = HOOK_OK;

	if (stat_queue_scan(sp, o->now_ms / 1000, !o->names_only &&
	    o->form != FORM_CHECK, &r.queue) < 0) {
		rc = util_fail(hook_exit_for_errno(errno), "cannot read spool "
		    "'%s': %s", sp->path, strerror(errno));
		goto out;
	}
	if (o->form == FORM_CHECK) {
		rc = run_check(f, o, &r.queue);
		goto out;
	}
	if (stat_window_init(&r.window, o->since_ms, o->until_ms) < 0) {
		rc = util_fail(HOOK_INTERNAL, "out of memory");
		goto out;
	}
	if ((rc = read_journal(sp, &r)) != HOOK_OK)
		goto out;
	if (o->archives && (rc = read_archives(sp, &r)) != HOOK_OK)
		goto out;
	if (sort_names(&r.queue.endpoint_names, NULL, &r.qep_order, &nq) < 0 ||
	    sort_names(&r.window.endpoint_names, r.window.endpoints,
	    &r.ep_order, &r.nep) < 0) {
		rc = util_fail(HOOK_INTERNAL, "out of memory");
		goto out;
	}
	if (r.window.damaged && o->form == FORM_TABLE)
		util_warnx("damaged journal lines skipped: %" PRIu64,
		    r.window.damaged);
	switch (o->form) {
	case FORM_JSON:
		if (print_json(f, &r) < 0)
			rc = util_fail(HOOK_INTERNAL,
			    "cannot make the JSON report");
		break;
	case FORM_PROMETHEUS:
		print_prometheus(f, &r);
		break;
	default:
		print_table(f, &r, o->color);
	}
out:
	stat_queue_free(&r.queue);
	if (r.window.endpoints)
		stat_window_free(&r.window);
	free(r.ep_order);
	free(r.qep_order);
	return rc;
}

/* --- options --------------------------------------------------------- */

enum {
	OPT_NAMES_ONLY = 256, OPT_COLOR, OPT_MAX_DEAD, OPT_MAX_AGE,
	OPT_MAX_FAILING,
};

static const struct option longopts[] = {
	{ "spool", required_argument, NULL, 'd' },
	{ "since", required_argument, NULL, 's' },
	{ "until", required_argument, NULL, 'u' },
	{ "names-only", no_argument, NULL, OPT_NAMES_ONLY },
	{ "archives", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "prometheus", no_argument, NULL, 'p' },
	{ "output", required_argument, NULL, 'o' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "check", no_argument, NULL, 'c' },
	{ "max-dead", required_argument, NULL, OPT_MAX_DEAD },
	{ "max-age", required_argument, NULL, OPT_MAX_AGE },
	{ "max-failing", required_argument, NULL, OPT_MAX_FAILING },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* "1h" (back from now) or any time util_parse_time_ms reads. */
static int
parse_when(const char *s, int64_t now, int64_t *ms)
{
	int64_t d;

	if (util_parse_duration_ms(s, &d) == 0) {
		*ms = now - d;
		return 0;
	}
	return util_parse_time_ms(s, now, ms);
}

static int
parse_count(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return (end == s || *end || errno || *v < 0) ? -1 : 0;
}

static int
set_form(struct options *o, enum form form)
{
	if (o->form != FORM_TABLE && o->form != form)
		return util_fail(HOOK_USAGE, "--json, --prometheus and --check "
		    "exclude each other");
	o->form = form;
	return HOOK_OK;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	const char *since = "1h", *until = NULL, *color = "auto";
	int c, rc, thresholds = 0;

	o->now_ms = util_now_ms();
	o->max_dead = o->max_failing = -1;
	o->max_age_ms = -1;
	while ((c = getopt_long(argc, argv, "d:s:u:ajpo:cqh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			o->spool = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'u':
			until = optarg;
			break;
		case 'a':
			o->archives = 1;
			break;
		case OPT_NAMES_ONLY:
			o->names_only = 1;
			break;
		case 'j':
		case 'p':
		case 'c':
			if ((rc = set_form(o, c == 'j' ? FORM_JSON : c == 'p' ?
			    FORM_PROMETHEUS : FORM_CHECK)) != HOOK_OK)
				return rc;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never"))
				return util_fail(HOOK_USAGE,
				    "bad --color '%s': use "
				    "auto, always or never", optarg);
			color = optarg;
			break;
		case OPT_MAX_DEAD:
		case OPT_MAX_FAILING:
			thresholds++;
			if (parse_count(optarg, c == OPT_MAX_DEAD ?
			    &o->max_dead : &o->max_failing) < 0)
				return util_fail(HOOK_USAGE, "bad count '%s'",
				    optarg);
			break;
		case OPT_MAX_AGE:
			thresholds++;
			if (util_parse_duration_ms(optarg, &o->max_age_ms) < 0)
				return util_fail(HOOK_USAGE,
				    "bad duration '%s'",
				    optarg);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(HOOK_OK);
		default:
			fputs(usage, stderr);
			return HOOK_USAGE;
		}
	}
	if (optind < argc) {
		if (!spool_valid_id(argv[optind]))
			return util_fail(HOOK_USAGE, "bad message id '%s'",
			    argv[optind]);
		o->id = argv[optind++];
	}
	if (optind < argc)
		return util_fail(HOOK_USAGE, "unexpected argument '%s'",
		    argv[optind]);
	if (thresholds && o->form != FORM_CHECK)
		return util_fail(HOOK_USAGE, "--max-dead, --max-age and "
		    "--max-failing go with --check");
	if (o->id && (o->form == FORM_PROMETHEUS || o->form == FORM_CHECK))
		return util_fail(HOOK_USAGE,
		    "a message id goes with the table or "
		    "--json only");
	if (parse_when(since, o->now_ms, &o->since_ms) < 0)
		return util_fail(HOOK_USAGE, "bad time '%s'", since);
	o->until_ms = o->now_ms;
	if (until && parse_when(until, o->now_ms, &o->until_ms) < 0)
		return util_fail(HOOK_USAGE, "bad time '%s'", until);
	if (o->until_ms <= o->since_ms)
		return util_fail(HOOK_USAGE,
		    "the window ends before it starts");
	if (strcmp(color, "always") == 0)
		o->color = 1;
	else if (strcmp(color, "auto") == 0) {
		const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

		o->color = o->output == NULL && isatty(1) && !(nc && *nc) &&
		    !(term && strcmp(term, "dumb") == 0);
	}
	if (o->form != FORM_TABLE)
		o->color = 0;
	return HOOK_OK;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct output out;
	struct spool sp;
	int rc;

	util_setprogname(argv[0]);
	setlocale(LC_CTYPE, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if ((rc = parse_options(argc, argv, &o)) != HOOK_OK)
		return rc;
	if (spool_open(&sp, o.spool, 0) < 0)
		return util_fail(hook_exit_for_errno(errno),
		    "cannot open spool '%s': %s", o.spool ? o.spool :
		    "(default)", strerror(errno));
	if ((rc = output_open(&out, o.output)) != HOOK_OK) {
		spool_close(&sp);
		return rc;
	}

	if (o.id)
		rc = show_message(out.f, &sp, &o, o.color);
	else
		rc = report(&sp, &o, out.f);

	spool_close(&sp);
	return output_close(&out, rc);
}
