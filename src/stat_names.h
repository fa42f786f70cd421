/*
 * stat_names.h - a small set of names (endpoints, reasons) numbered in
 * the order first seen, for the counters of hook-stat.
 *
 * At most STAT_NAMES_MAX names are kept; past that every new name maps
 * to the one overflow name "(other)", so memory stays bounded whatever
 * the input.  Names are cut to STAT_NAME_LEN bytes.  stat_names_add()
 * returns the index, or -1 (ENOMEM) if memory runs out; the set owns
 * its memory until stat_names_free().
 */
#ifndef HOOK_STAT_NAMES_H
#define HOOK_STAT_NAMES_H

#include <stddef.h>

#define STAT_NAMES_MAX 1024
#define STAT_NAME_LEN 64

struct stat_names {
	char (*name)[STAT_NAME_LEN + 1];
	size_t n, cap;
	int *slot;		/* open addressing, 2 * STAT_NAMES_MAX + 2 */
};

void stat_names_init(struct stat_names *s);
int stat_names_add(struct stat_names *s, const char *name);
/* The index of name, or -1 if it was never added. */
int stat_names_find(const struct stat_names *s, const char *name);
void stat_names_free(struct stat_names *s);

#endif
