/*
 * stat_names.c - see stat_names.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stat_names.h"

#define SLOTS (2 * STAT_NAMES_MAX + 2)

void
stat_names_init(struct stat_names *s)
{
	memset(s, 0, sizeof(*s));
}

static uint32_t
hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t
lookup(const struct stat_names *s, const char *name, size_t n)
{
	size_t i = hash(name, n) % SLOTS;

	while (s->slot[i] >= 0) {
		const char *have = s->name[s->slot[i]];

		if (strncmp(have, name, n) == 0 && have[n] == '\0')
			break;
		i = (i + 1) % SLOTS;
	}
	return i;
}

int
stat_names_find(const struct stat_names *s, const char *name)
{
	size_t n = strnlen(name, STAT_NAME_LEN);

	if (s->slot == NULL)
		return -1;
	return s->slot[lookup(s, name, n)];
}

int
stat_names_add(struct stat_names *s, const char *name)
{
	size_t n = strnlen(name, STAT_NAME_LEN), i;

	if (s->slot == NULL) {
		if ((s->slot = malloc(SLOTS * sizeof(*s->slot))) == NULL)
			return -1;
		for (i = 0; i < SLOTS; i++)
			s->slot[i] = -1;
	}
	i = lookup(s, name, n);
	if (s->slot[i] >= 0)
		return s->slot[i];
	/* One place past the limit is kept for the overflow name. */
	if (s->n >= STAT_NAMES_MAX && strcmp(name, "(other)") != 0)
		return stat_names_add(s, "(other)");
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		void *nv = realloc(s->name, ncap * sizeof(*s->name));

		if (nv == NULL) {
			errno = ENOMEM;
			return -1;
		}
		s->name = nv;
		s->cap = ncap;
	}
	memcpy(s->name[s->n], name, n);
	s->name[s->n][n] = '\0';
	s->slot[i] = (int)s->n;
	return (int)s->n++;
}

void
stat_names_free(struct stat_names *s)
{
	free(s->name);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
