/*
 * util.h - diagnostics, parsing of durations, sizes and times, and small
 * I/O helpers shared by every command.
 *
 * Diagnostics follow one grammar: "PROG: what failed 'object': cause",
 * lowercase, no full stop, on stderr.  PROG is set once by main() through
 * util_setprogname() from argv[0].
 *
 * Parsers return 0 on success and -1 on bad input (errno EINVAL or
 * ERANGE); they never print.  I/O helpers return -1 with errno set.
 */
#ifndef HOOK_UTIL_H
#define HOOK_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

extern const char *hook_progname;

void util_setprogname(const char *argv0);

/* "PROG: MESSAGE" on stderr; warn appends ": strerror(errno)". */
void util_warn(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void util_warnx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * util_warnx, then return status: for main()'s helpers, as in
 * "return util_fail(HOOK_DATAERR, "bad URL: %s", err);".
 */
int util_fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Durations: a number with an optional unit, ms s m h d w, and sums such
 * as "1h30m".  A bare number is seconds.  Result in milliseconds.
 */
int util_parse_duration_ms(const char *s, int64_t *ms);

/* Sizes: a number with an optional suffix k, M, G (powers of 1024). */
int util_parse_size(const char *s, size_t *bytes);

/*
 * Points in time, as milliseconds since the epoch: "@SECONDS", "now",
 * "+DURATION" (from now), "-DURATION" (before now), "YYYY-MM-DD",
 * "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC unless an offset "+HH:MM" is given).
 */
int util_parse_time_ms(const char *s, int64_t now_ms, int64_t *ms);

/* Format milliseconds since the epoch as "2026-12-03T10:00:00.123Z". */
void util_format_time(int64_t ms, char *buf, size_t len);

/* Wall clock in milliseconds; honours HOOK_NOW (seconds) for tests. */
int64_t util_now_ms(void);

/* Write all of buf, retrying short writes and EINTR. */
int util_write_all(int fd, const void *buf, size_t len);

/*
 * Read fd to its end into a malloc'd buffer (NUL-terminated, not counted
 * in *len).  More than max bytes fails with EFBIG after reading max + 1.
 */
int util_read_all(int fd, size_t max, char **buf, size_t *len);

/*
 * As util_read_all, for a regular file that fstat said holds size bytes:
 * one read of size + 1 bytes, and a shorter result is its end.  A file
 * found longer than that is read again from the start, to its end.
 */
int util_read_sized(int fd, size_t size, size_t max, char **buf,
    size_t *len);

/* Read a whole file below dirfd; as util_read_all, O_NOFOLLOW. */
int util_read_file(int dirfd, const char *path, size_t max, char **buf,
    size_t *len);

/* fsync a directory by path relative to dirfd. */
int util_fsync_dir(int dirfd, const char *path);

/* Fill buf with len bytes from the kernel's random source. */
int util_random(void *buf, size_t len);

/*
 * String building for the paths and names made per message, where
 * snprintf was a measurable share of a sender's time.  Each writes
 * into buf (len bytes), always NUL-terminated when len > 0, cutting
 * what does not fit; each returns 0, or -1 with errno ENAMETOOLONG if
 * it had to cut.  util_copy writes s; util_join writes a "/" b;
 * util_append appends s, and util_decimal the decimal digits of v, to
 * the string already in buf.
 */
int util_copy(char *buf, size_t len, const char *s);
int util_append(char *buf, size_t len, const char *s);
int util_join(char *buf, size_t len, const char *a, const char *b);
int util_decimal(char *buf, size_t len, int64_t v);

/*
 * Names that may become file names: 1 to max characters from
 * [A-Za-z0-9_.-], not starting with '.'.  Returns 1 if valid.
 */
int util_valid_name(const char *s, size_t max);

#include <stdio.h>

/* Write s to f as a JSON string, quotes included. */
void util_json_string(FILE *f, const char *s);

/*
 * In a JSON text already known to be valid, find the value of the
 * top-level object member name: its offset and length, exactly as it
 * appears (so its bytes are kept, not re-serialised).  0 if found, -1
 * if not (or if the text is not an object).
 */
int util_json_member(const char *text, size_t len, const char *name,
    size_t *off, size_t *vlen);

#endif
