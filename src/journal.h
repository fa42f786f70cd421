/*
 * journal.h - the record of what happened to each message, one JSON
 * object per line in journal/YYYY-MM-DD.jsonl inside the spool.
 *
 * A day's file is named after the UTC day of the event's start.  Files
 * are created 0600 and opened O_APPEND; whole lines, one or several, go
 * out in one write(), so lines from several processes never interleave
 * (the kernel appends a single write atomically to a local file).
 *
 * The attempt line, which hook-stat reads, has exactly the fields of
 * struct journal_attempt, in that order; a NULL string or a zero where
 * the comment says so is written as null.  Nothing here ever sees a
 * secret.  Errors: -1 with errno; nothing is printed.
 */
#ifndef HOOK_JOURNAL_H
#define HOOK_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "spool.h"

#define JOURNAL_RESPONSE_MAX 256	/* bytes of response body kept */
#define JOURNAL_LINE_MAX 8192

struct journal {
	struct spool *sp;
	int fd;			/* the open day's file, or -1 */
	int64_t day;		/* its day number since the epoch */
};

struct journal_attempt {
	const char *id;
	const char *endpoint;	/* NULL for an ad-hoc URL message */
	const char *url;	/* written only when endpoint is NULL */
	const char *event;
	unsigned attempt;	/* 1-based */
	int64_t start_ms;
	int64_t duration_ms;
	long status;		/* 0: null */
	const char *error;	/* NULL, "timeout", "connect", "dns", ... */
	const char *detail;	/* with error: the transport's message */
	const char *class;	/* "2xx" ... "network" */
	const char *outcome;	/* "delivered", "retry", "dead" */
	const char *reason;	/* dead reason, or NULL */
	int64_t next_due;	/* seconds; 0: null */
	const void *response;	/* first bytes of the body */
	size_t response_len;	/* at most JOURNAL_RESPONSE_MAX are kept */
};

void journal_init(struct journal *j, struct spool *sp);
void journal_close(struct journal *j);

/*
 * Flush the open day's file.  A sender calls it before it flushes the
 * state directories, so that no message reaches dead/ or done/ on disk
 * without the line that says why.
 */
int journal_sync(struct journal *j);

/*
 * Append complete lines (each with its newline), all of the day of
 * at_ms, in one write.
 */
int journal_append(struct journal *j, int64_t at_ms, const char *line,
    size_t len);

/* The day number of at_ms, as journal_append files it. */
int64_t journal_day(int64_t at_ms);

/*
 * The attempt line for a, with its newline, into out (cap bytes, at
 * most JOURNAL_LINE_MAX are ever needed): its length, or -1 (ENOSPC).
 */
int journal_format_attempt(const struct journal_attempt *a, char *out,
    size_t cap);

/*
 * Write s (len bytes) as a JSON string with its quotes into out, which
 * has cap bytes; control characters and bytes above 0x7f become \u00XX
 * escapes, so the result is valid JSON whatever the input.  Returns the
 * length written, or -1 (ENOSPC) if out is too small.
 */
int journal_escape(char *out, size_t cap, const void *s, size_t len);

#endif
