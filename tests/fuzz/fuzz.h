/*
 * fuzz.h - what every libFuzzer harness in tests/fuzz/ shares.
 *
 * Each fuzz-NAME.c defines LLVMFuzzerTestOneInput over one parser and
 * checks, where it is cheap, a property of what the parser returns;
 * FUZZ_ASSERT aborts so that libFuzzer keeps the input as a crash.
 * Inputs are bytes with no NUL at the end: a parser that wants a C
 * string gets a malloc'd copy, so that reading past it is caught.
 */
#ifndef HOOK_FUZZ_H
#define HOOK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: property failed: %s\n", \
		    __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* A NUL-terminated copy of len bytes (a NUL inside ends the string). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		abort();
	if (len)
		memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/*
 * Split the input at its first NUL into a C string and the bytes after
 * it, so that one input can feed two arguments.  *rest is NULL and
 * *restlen 0 when there is no NUL.
 */
static inline char *
fuzz_split(const uint8_t *data, size_t len, const uint8_t **rest,
    size_t *restlen)
{
	const uint8_t *nul = len ? memchr(data, '\0', len) : NULL;
	size_t head = nul ? (size_t)(nul - data) : len;

	*rest = nul ? nul + 1 : NULL;
	*restlen = nul ? len - head - 1 : 0;
	return fuzz_cstr(data, head);
}

#endif
