/*
 * stat_archive.c - see stat_archive.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"
#include "stat_archive.h"
#include "util.h"

/* "journal/YYYY-MM-DD.jsonl" overlapping [from, until)? */
static int
day_wanted(const char *member, int64_t from_ms, int64_t until_ms)
{
	char date[16];
	int64_t start;

	if (strncmp(member, "journal/", 8) != 0 || strlen(member) != 8 + 16 ||
	    strcmp(member + 18, ".jsonl") != 0)
		return 0;
	memcpy(date, member + 8, 10);
	date[10] = '\0';
	if (util_parse_time_ms(date, 0, &start) < 0)
		return 0;
	return start < until_ms && start + 86400 * 1000LL > from_ms;
}

/* Does member STATE/ID:... hold message id? */
static int
holds(const char *member, const char *id)
{
	const char *slash = strchr(member, '/');
	size_t n = strlen(id);

	if (slash == NULL || strncmp(member, "journal/", 8) == 0)
		return 0;
	return strncmp(slash + 1, id, n) == 0 && slash[1 + n] == ':';
}

static void
each_line(const char *data, size_t len, journal_line_fn *fn, void *ctx)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 0)
			fn(ctx, p, n);
		p += n + 1;
	}
}

static int
read_one(struct spool *sp, const char *name, int64_t from_ms,
    int64_t until_ms, const char *id, journal_line_fn *fn, void *ctx,
    char *found, size_t foundlen)
{
	char path[300], member[512], err[256];
	struct arc_reader *r;
	char *data;
	size_t len;
	int fd, got;

	snprintf(path, sizeof(path), "archive/%s", name);
	fd = openat(sp->fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if ((r = arc_open(fd, err, sizeof(err))) == NULL) {
		close(fd);
		return -1;
	}
	while ((got = arc_next(r, member, sizeof(member), &data, &len, err,
	    sizeof(err))) == 1) {
		if (day_wanted(member, from_ms, until_ms))
			each_line(data, len, fn, ctx);
		else if (id && found[0] == '\0' && holds(member, id))
			snprintf(found, foundlen, "%s: %s", path, member);
		free(data);
	}
	arc_close(r);
	close(fd);
	return got < 0 ? -1 : 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
stat_archive_scan(struct spool *sp, int64_t from_ms, int64_t until_ms,
    const char *id, journal_line_fn *fn, void *ctx, char *found,
    size_t foundlen, unsigned *damaged)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	if (foundlen > 0)
		found[0] = '\0';
	*damaged = 0;
	fd = openat(sp->fd, "archive", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tar") == NULL)
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) *
			    sizeof(*names));

			if (nn == NULL)
				break;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		if (read_one(sp, names[i], from_ms, until_ms, id, fn, ctx,
		    found, foundlen) < 0)
			(*damaged)++;
		free(names[i]);
	}
	free(names);
	return 0;
}
