/*
 * jscan.h - a small, strict scanner for one-line JSON objects, such as
 * the lines of the attempt journal, that picks out the members a caller
 * names without building a tree.
 *
 * jscan_object() checks the whole line against the JSON grammar (one
 * object, any values nested up to JSCAN_DEPTH, whitespace around) and
 * fills one jscan_value per name asked for; a member not present is
 * JSCAN_ABSENT, a repeated member keeps its last value (as jansson
 * does).  A line cut anywhere, or damaged so that it is no longer one
 * object, is refused with -1.  It reads only the len bytes given (no NUL
 * is needed), never allocates, and terminates on any input: it may be
 * handed anything.  It does not check that strings are valid UTF-8, and
 * a number out of range (past 64 bits for jscan_int(), past a double
 * for jansson) is still a number here.
 *
 * Values point into the caller's line, which must outlive them.
 */
#ifndef HOOK_JSCAN_H
#define HOOK_JSCAN_H

#include <stddef.h>
#include <stdint.h>

#define JSCAN_DEPTH 32

enum jscan_type {
	JSCAN_ABSENT, JSCAN_NULL, JSCAN_FALSE, JSCAN_TRUE, JSCAN_NUMBER,
	JSCAN_STRING, JSCAN_ARRAY, JSCAN_OBJECT,
};

struct jscan_value {
	enum jscan_type type;
	const char *p;		/* a string's raw bytes, quotes excluded */
	size_t len;
	int escaped;		/* a string holds a backslash */
};

/* 0 if line is one well-formed object; -1 (and out undefined) if not. */
int jscan_object(const char *line, size_t len, const char *const *names,
    size_t nnames, struct jscan_value *out);

/* An integer number (no fraction or exponent) that fits: 0, else -1. */
int jscan_int(const struct jscan_value *v, int64_t *out);

/*
 * A string's decoded bytes, NUL-terminated, into buf: the length, or
 * -1 if v is not a string, holds \u0000 or an unpaired surrogate, or
 * does not fit in size bytes.
 */
long jscan_string(const struct jscan_value *v, char *buf, size_t size);

/* Is v the string s?  (Compares decoded bytes.) */
int jscan_string_is(const struct jscan_value *v, const char *s);

#endif
