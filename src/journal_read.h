/*
 * journal_read.h - reading the attempt journal: which day files cover a
 * span of time, their lines one by one, and an attempt line's fields.
 *
 * The journal is journal/YYYY-MM-DD.jsonl in the spool, one JSON object
 * per line, the day being the UTC day an attempt started (the format is
 * in spool-layout.md).  Readers never trust it: a line that is not one
 * complete object (a torn last line after a crash, say) is counted as
 * damaged by whoever parses it, and reading goes on.
 *
 * journal_read_days() hands every line, without its newline, to a
 * callback; lines from anywhere else (an archive, standard input) can be
 * handed to the same callback, which is the point of the split.  It
 * returns -1 with errno only if the journal directory cannot be read; a
 * day file that cannot be opened or read is counted in files_failed and
 * skipped.  Lines longer than JOURNAL_READ_LINE_MAX are passed on cut short,
 * so that the parser refuses them as damaged.
 *
 * journal_read_attempt() fills a struct journal_read_attempt whose strings
 * are copies (bounded, NUL-terminated) except url, detail and response,
 * which point into the line and are raw JSON string contents.
 */
#ifndef HOOK_JOURNAL_READ_H
#define HOOK_JOURNAL_READ_H

#include <stddef.h>
#include <stdint.h>

#include "jscan.h"

#define JOURNAL_READ_LINE_MAX (1024 * 1024)

typedef void journal_line_fn(void *ctx, const char *line, size_t len);

struct journal_read_counts {
	uint64_t files;		/* day files read */
	uint64_t files_failed;	/* that could not be opened or read */
	uint64_t bytes;
	uint64_t lines;
};

/*
 * Read the day files of dirfd (the journal directory) whose UTC day
 * overlaps [from_ms, until_ms), oldest first.
 */
int journal_read_days(int dirfd, int64_t from_ms, int64_t until_ms,
    journal_line_fn *fn, void *ctx, struct journal_read_counts *counts);

/* Read one file (any path below dirfd), line by line. */
int journal_read_file(int dirfd, const char *path, journal_line_fn *fn,
    void *ctx, struct journal_read_counts *counts);

/* Failure classes, in the order reports list them. */
enum journal_read_class {
	JC_2XX, JC_3XX, JC_4XX, JC_5XX, JC_TIMEOUT, JC_CONNECT, JC_TLS,
	JC_NETWORK, JC_OTHER, JC_COUNT
};
enum journal_read_outcome { JO_DELIVERED, JO_RETRY, JO_DEAD, JO_OTHER };

struct journal_read_attempt {
	char id[65];
	char endpoint[65];	/* "" for an ad-hoc URL (null) */
	char event[129];
	char error[24];
	char reason[64];
	char class_name[16];
	unsigned attempt;
	int64_t start_ms;
	int64_t duration_ms;	/* -1 if absent */
	int status;		/* 0 if null or absent */
	int64_t next_due;	/* 0 if null or absent */
	enum journal_read_class cls;
	enum journal_read_outcome outcome;
	struct jscan_value url, detail, response;
};

/*
 * 1 for an attempt line (fields filled), 0 for a line of another kind,
 * -1 for a damaged line or an attempt without id, start or outcome.
 */
int journal_read_attempt(const char *line, size_t len,
    struct journal_read_attempt *a);

const char *journal_read_class_name(enum journal_read_class c);

/* "2026-12-03.jsonl" for a time; buf holds 32 bytes. */
void journal_read_day_name(int64_t ms, char *buf, size_t len);

#endif
