/*
 * claim.c - see claim.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "claim.h"
#include "util.h"

static DIR *
open_dir(struct spool *sp, const char *path)
{
	int fd = openat(sp->fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return d;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The bucket names of later/ whose minute has begun.  There is one per
 * minute of pending due time, so this list stays small even when the
 * backlog is large.
 */
static int
list_buckets(struct claim_scan *s)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d = open_dir(s->sp, "later");

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long long b;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		b = strtoll(de->d_name, &end, 10);
		if (*end != '\0')
			continue;
		if (b > s->now) {
			if (s->next_due == 0 || b < s->next_due)
				s->next_due = b;
			continue;
		}
		if (s->nbuckets == cap) {
			int64_t *v;

			cap = cap ? cap * 2 : 64;
			v = realloc(s->buckets, cap * sizeof(*v));
			if (v == NULL) {
				closedir(d);
				return -1;
			}
			s->buckets = v;
		}
		s->buckets[s->nbuckets++] = b;
	}
	closedir(d);
	if (s->nbuckets > 1)
		qsort(s->buckets, s->nbuckets, sizeof(*s->buckets), cmp_i64);
	return 0;
}

int
claim_scan_start(struct claim_scan *s, struct spool *sp, int64_t now)
{
	memset(s, 0, sizeof(*s));
	s->sp = sp;
	s->now = now;
	if ((s->dir = open_dir(sp, "new")) == NULL)
		return -1;
	return 0;
}

void
claim_scan_end(struct claim_scan *s)
{
	if (s->dir)
		closedir(s->dir);
	s->dir = NULL;
	free(s->buckets);
	s->buckets = NULL;
	s->phase = 2;
}

/* Done with a bucket: remove it if drained and its minute is over. */
static void
close_bucket(struct claim_scan *s)
{
	char path[48];

	closedir(s->dir);
	s->dir = NULL;
	if (s->bucket_seen == 0 && s->bucket + SPOOL_BUCKET <= s->now) {
		snprintf(path, sizeof(path), "later/%" PRId64, s->bucket);
		unlinkat(s->sp->fd, path, AT_REMOVEDIR);	/* races: fine */
	}
}

static int
next_bucket(struct claim_scan *s)
{
	char path[48];

	while (s->next_bucket < s->nbuckets) {
		s->bucket = s->buckets[s->next_bucket++];
		s->bucket_seen = 0;
		snprintf(path, sizeof(path), "later/%" PRId64, s->bucket);
		if ((s->dir = open_dir(s->sp, path)) != NULL)
			return 1;
		if (errno != ENOENT && errno != ENOTDIR)
			return -1;
	}
	return 0;
}

int
claim_scan_next(struct claim_scan *s, char *dir, size_t dirlen,
    char *name, size_t namelen, struct spool_name *sn)
{
	struct dirent *de;
	int r;

	for (;;) {
		if (s->phase == 2)
			return 0;
		if (s->dir == NULL) {
			/* new/ is finished: go on to the begun buckets. */
			if (s->phase == 0) {
				s->phase = 1;
				if (list_buckets(s) < 0)
					return -1;
			}
			if ((r = next_bucket(s)) <= 0) {
				s->phase = 2;
				return r;
			}
		}
		errno = 0;
		de = readdir(s->dir);
		if (de == NULL) {
			if (errno)
				return -1;
			if (s->phase == 0) {
				closedir(s->dir);
				s->dir = NULL;
			} else {
				close_bucket(s);
			}
			continue;
		}
		if (de->d_name[0] == '.')
			continue;
		if (s->phase == 1)
			s->bucket_seen++;
		if (spool_parse_name(de->d_name, sn) < 0 ||
		    strlen(de->d_name) >= namelen) {
			/* Not ours: handed out so the caller quarantines it. */
			memset(sn, 0, sizeof(*sn));
			sn->attempts = (unsigned)-1;
		} else if (sn->time > s->now) {
			if (s->next_due == 0 || sn->time < s->next_due)
				s->next_due = sn->time;
			continue;
		}
		if (s->phase == 0) {
			util_copy(dir, dirlen, "new");
		} else {
			util_copy(dir, dirlen, "later/");
			util_decimal(dir, dirlen, s->bucket);
		}
		util_copy(name, namelen, de->d_name);
		return 1;
	}
}

/* Open without touching the access time where the owner allows it. */
static int
open_message(struct spool *sp, const char *path)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = openat(sp->fd, path, flags | O_NOATIME);

	if (fd < 0 && errno == EPERM)
		fd = openat(sp->fd, path, flags);
	return fd;
}

int
claim_open(struct spool *sp, const char *dir, const char *name,
    struct claim *c)
{
	char path[SPOOL_NAME_MAX + 48];
	struct stat st, there;
	int e;

	c->fd = -1;
	c->odd = NULL;
	util_copy(c->dir, sizeof(c->dir), dir);
	util_copy(c->name, sizeof(c->name), name);
	if (spool_parse_name(name, &c->sn) < 0) {
		errno = EINVAL;
		return -1;
	}
	util_join(path, sizeof(path), dir, name);

	/*
	 * O_NONBLOCK so that a FIFO planted under a message's name cannot
	 * stall the sender; O_NOFOLLOW so that a symbolic link is never
	 * followed.  Either, and any other file that is not a regular
	 * one, is for the caller to quarantine.
	 */
	c->fd = open_message(sp, path);
	if (c->fd < 0 && errno == ELOOP) {
		c->odd = "symlink";
		return 2;
	}
	if (c->fd < 0)
		return errno == ENOENT ? 1 : -1;
	if (fstat(c->fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		claim_release(c);
		c->odd = "not-a-file";
		return 2;
	}
	c->size = st.st_size;
	if (flock(c->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			claim_release(c);
			return 1;
		}
		goto fail;
	}

	/*
	 * Between the open and the lock, another sender may have finished
	 * this file and moved it on, and a replay may even have put a new
	 * file under the same name.  Only if the name still leads to the
	 * inode locked is the message in place, and ours.
	 */
	if (fstatat(sp->fd, path, &there, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			goto fail;
		claim_release(c);
		return 1;
	}
	if (there.st_dev != st.st_dev || there.st_ino != st.st_ino) {
		claim_release(c);
		return 1;
	}
	return 0;
fail:
	e = errno;
	claim_release(c);
	errno = e;
	return -1;
}

int
claim_finish(struct spool *sp, struct claim *c, const char *to)
{
	char from[SPOOL_NAME_MAX + 48];

	util_join(from, sizeof(from), c->dir, c->name);
	if (spool_move(sp, from, to) < 0)
		return -1;	/* still locked where it lies: the caller decides */
	claim_release(c);
	return 0;
}

void
claim_release(struct claim *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int
recover_one(struct spool *sp, const char *name, int64_t now)
{
	char to[SPOOL_NAME_MAX + 48], bucket[40], newname[SPOOL_NAME_MAX];
	struct claim c;
	struct spool_name sn;
	int r;

	if ((r = claim_open(sp, "cur", name, &c)) == 2)
		return spool_quarantine(sp, "cur", name, c.odd);
	/* Gone already: its owner finished it while this pass looked. */
	if (r < 0 && errno == ENOENT)
		return 0;
	if (r != 0)
		return r < 0 && errno == EINVAL ?
		    spool_quarantine(sp, "cur", name, "name") : r;
	if (c.sn.attempts == 0) {
		snprintf(to, sizeof(to), "new/%s", name);
	} else {
		sn = c.sn;
		sn.time = now;
		spool_format_name(newname, sizeof(newname), &sn);
		spool_later_dir(bucket, sizeof(bucket), now);
		snprintf(to, sizeof(to), "%s/%s", bucket, newname);
	}
	r = claim_finish(sp, &c, to);
	if (r < 0) {
		int e = errno;

		claim_release(&c);
		errno = e;
		return e == ENOENT ? 0 : -1;
	}
	return 2;
}

/*
 * File ages are measured on the real clock, not the scheduling one
 * (HOOK_NOW), so that a test moving time never removes a file that a
 * writer is still filling.
 */
static void
remove_old_tmp(struct spool *sp)
{
	time_t now = time(NULL);
	DIR *d = open_dir(sp, "tmp");
	struct dirent *de;
	struct stat st;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtime + CLAIM_TMP_MAX_AGE < now)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

int
claim_recover(struct spool *sp, int64_t now, unsigned *returned)
{
	DIR *d = open_dir(sp, "cur");
	struct dirent *de;
	int rc = 0, e = 0;

	*returned = 0;
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		int r;

		if (de->d_name[0] == '.')
			continue;
		r = recover_one(sp, de->d_name, now);
		if (r == 2)
			(*returned)++;
		else if (r < 0) {
			rc = -1;
			e = errno;
		}
	}
	closedir(d);
	if (*returned > 0) {
		spool_sync_dir(sp, "new");
		spool_sync_dir(sp, "cur");
	}
	remove_old_tmp(sp);
	if (rc < 0)
		errno = e;
	return rc;
}
