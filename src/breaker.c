/*
 * breaker.c - see breaker.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breaker.h"
#include "util.h"

static int64_t
field(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 10);
	}
	return 0;
}

int
breaker_load(struct spool *sp, const char *name, struct breaker *b)
{
	char path[SPOOL_NAME_MAX + 32], *text;
	size_t len;

	memset(b, 0, sizeof(*b));
	snprintf(path, sizeof(path), "state/%s/breaker", name);
	if (util_read_file(sp->fd, path, 4096, &text, &len) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	b->failures = (unsigned)field(text, "failures");
	b->open_until = field(text, "open-until");
	b->cooldown = field(text, "cooldown");
	b->first_failure = field(text, "first-failure");
	free(text);
	return 0;
}

int
breaker_save(struct spool *sp, const char *name, const struct breaker *b)
{
	char dir[SPOOL_NAME_MAX + 16], path[SPOOL_NAME_MAX + 32];
	char tmp[SPOOL_NAME_MAX + 64], text[256];
	int fd, n, e;

	snprintf(dir, sizeof(dir), "state/%s", name);
	if (mkdirat(sp->fd, dir, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/breaker", dir);
	n = snprintf(text, sizeof(text), "failures %u\nopen-until %" PRId64
	    "\ncooldown %" PRId64 "\nfirst-failure %" PRId64 "\n",
	    b->failures, b->open_until, b->cooldown, b->first_failure);
	if ((fd = spool_tmp_create(sp, "breaker", tmp, sizeof(tmp))) < 0)
		return -1;
	if (util_write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		unlinkat(sp->fd, tmp, 0);
		errno = e;
		return -1;
	}
	close(fd);
	/* Replacing is the point here, so plain rename, not spool_move. */
	if (renameat(sp->fd, tmp, sp->fd, path) < 0) {
		e = errno;
		unlinkat(sp->fd, tmp, 0);
		errno = e;
		return -1;
	}
	return 0;
}

enum breaker_gate
breaker_gate(const struct breaker *b, const struct breaker_policy *p,
    int64_t now)
{
	if (b->failures < p->threshold)
		return BREAKER_CLOSED;
	if (now < b->open_until)
		return BREAKER_OPEN;
	return BREAKER_PROBE;
}

int
breaker_failure(struct breaker *b, const struct breaker_policy *p,
    int64_t now)
{
	if (b->failures == 0 || b->first_failure == 0)
		b->first_failure = now;
	b->failures++;
	if (b->failures < p->threshold)
		return 0;
	/* Opened now, or a probe failed: wait, and wait longer next time. */
	if (b->cooldown <= 0)
		b->cooldown = p->base;
	b->open_until = now + b->cooldown;
	b->cooldown *= 2;
	if (b->cooldown > p->cap)
		b->cooldown = p->cap;
	return 1;
}

int
breaker_success(struct breaker *b, const struct breaker_policy *p)
{
	int was_open = b->failures >= p->threshold;

	memset(b, 0, sizeof(*b));
	return was_open;
}
