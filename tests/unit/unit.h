/*
 * unit.h - the smallest TAP harness: CHECK(cond, desc) prints one line
 * per promise, unit_done() the plan and the exit status.
 */
#ifndef HOOK_UNIT_H
#define HOOK_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

#define CHECK(cond, ...) do { \
	int ok_ = (cond) ? 1 : 0; \
	unit_n++; \
	if (ok_) { \
		printf("ok %d - ", unit_n); \
	} else { \
		unit_failed++; \
		printf("not ok %d - ", unit_n); \
	} \
	printf(__VA_ARGS__); \
	printf("\n"); \
	if (!ok_) \
		printf("#   at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)

#define CHECK_STR(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int eq_ = g_ != NULL && strcmp(g_, w_) == 0; \
	CHECK(eq_, __VA_ARGS__); \
	if (!eq_) \
		printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_); \
} while (0)

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
