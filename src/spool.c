/*
 * spool.c - see spool.h and spool-layout.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"
#include "util.h"

static const char *const state_dirs[] = {
	"tmp", "new", "cur", "later", "done", "dead", "corrupt", "inbox",
	"endpoints", "secrets", "state", "keys", "journal", "archive", NULL,
};

int
spool_default_path(char *buf, size_t len)
{
	const char *env = getenv("HOOK_SPOOL");
	int n;

	if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if ((env = getenv("XDG_STATE_HOME")) && *env == '/')
		n = snprintf(buf, len, "%s/hookspool", env);
	else if ((env = getenv("HOME")) && *env)
		n = snprintf(buf, len, "%s/.local/state/hookspool", env);
	else {
		errno = ENOENT;
		return -1;
	}
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* mkdir -p for the spool's own path: each missing part made 0700. */
static int
make_path(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0700) < 0 && errno != EEXIST)
				return -1;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

/*
 * Each state directory must be a real directory, never a symbolic link
 * (which could move messages somewhere an attacker chose), and 0700.
 */
static int
check_dirs(struct spool *sp, int create)
{
	for (int i = 0; state_dirs[i]; i++) {
		struct stat st;

		if (fstatat(sp->fd, state_dirs[i], &st,
		    AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				return -1;
			/*
			 * A spool made by an older release may lack a newer
			 * directory: make it.  A reader that cannot (a
			 * read-only spool) goes on without it.
			 */
			if (mkdirat(sp->fd, state_dirs[i], 0700) < 0 &&
			    errno != EEXIST) {
				if (!create)
					continue;
				return -1;
			}
			if (fstatat(sp->fd, state_dirs[i], &st,
			    AT_SYMLINK_NOFOLLOW) < 0)
				return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		if ((st.st_mode & 07777) != 0700 && st.st_uid == geteuid() &&
		    fchmodat(sp->fd, state_dirs[i], 0700, 0) < 0)
			return -1;
	}
	return 0;
}

int
spool_open(struct spool *sp, const char *dir, int create)
{
	char path[PATH_MAX];
	int err;

	sp->fd = -1;
	sp->path = NULL;
	if (dir == NULL || *dir == '\0') {
		if (spool_default_path(path, sizeof(path)) < 0)
			return -1;
	} else if (snprintf(path, sizeof(path), "%s", dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (create && make_path(path) < 0)
		return -1;
	sp->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->fd < 0)
		return -1;
	if ((sp->path = strdup(path)) == NULL || check_dirs(sp, create) < 0)
		goto fail;
	return 0;
fail:
	err = errno;
	spool_close(sp);
	errno = err;
	return -1;
}

void
spool_close(struct spool *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	free(sp->path);
	sp->fd = -1;
	sp->path = NULL;
}

int
spool_valid_id(const char *id)
{
	return util_valid_name(id, SPOOL_ID_MAX);
}

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int
spool_new_id(char *buf, size_t len, int64_t now_ms)
{
	static int64_t last_ms = -1;
	static unsigned char last_rand[10];
	unsigned char r[10];
	char *p;
	int i;

	if (len < 4 + 26 + 1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/*
	 * Within one process ids must sort in creation order even within
	 * a millisecond, so the random part is incremented instead.
	 */
	if (now_ms <= last_ms) {
		now_ms = last_ms;
		memcpy(r, last_rand, sizeof(r));
		for (i = 9; i >= 0 && ++r[i] == 0; i--)
			;
		if (i < 0)
			now_ms = ++last_ms;
	} else if (util_random(r, sizeof(r)) < 0) {
		return -1;
	}
	last_ms = now_ms;
	memcpy(last_rand, r, sizeof(r));

	memcpy(buf, "msg_", 4);
	p = buf + 4;
	for (i = 9; i >= 0; i--)	/* 48 bits of time: 10 digits */
		*p++ = crockford[(now_ms >> (i * 5)) & 31];
	/* 80 random bits: 16 digits of 5 bits each. */
	for (i = 0; i < 16; i++) {
		int bit = i * 5, byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)r[byte] << 8 |
		    (byte + 1 < 10 ? r[byte + 1] : 0);

		*p++ = crockford[(v >> (11 - shift)) & 31];
	}
	*p = '\0';
	return 0;
}

int
spool_format_name(char *buf, size_t len, const struct spool_name *n)
{
	if (util_copy(buf, len, n->id) < 0 ||
	    util_append(buf, len, ":") < 0 ||
	    util_decimal(buf, len, n->attempts) < 0 ||
	    util_append(buf, len, ":") < 0 ||
	    util_decimal(buf, len, n->time) < 0)
		return -1;
	if (n->reason[0] && (util_append(buf, len, ":") < 0 ||
	    util_append(buf, len, n->reason) < 0))
		return -1;
	return 0;
}

int
spool_parse_name(const char *s, struct spool_name *n)
{
	const char *c1, *c2, *c3;
	char *end;
	unsigned long long v;
	size_t idlen;

	c1 = strchr(s, ':');
	if (c1 == NULL)
		goto bad;
	idlen = (size_t)(c1 - s);
	if (idlen == 0 || idlen > SPOOL_ID_MAX)
		goto bad;
	memcpy(n->id, s, idlen);
	n->id[idlen] = '\0';
	if (!spool_valid_id(n->id))
		goto bad;
	if (c1[1] < '0' || c1[1] > '9')
		goto bad;
	errno = 0;
	v = strtoull(c1 + 1, &end, 10);
	if (errno || *end != ':' || v > 1000000)
		goto bad;
	n->attempts = (unsigned)v;
	c2 = end;
	if (c2[1] < '0' || c2[1] > '9')
		goto bad;
	v = strtoull(c2 + 1, &end, 10);
	if (errno || (*end != '\0' && *end != ':') || v > INT64_MAX / 1000)
		goto bad;
	n->time = (int64_t)v;
	n->reason[0] = '\0';
	if (*end == ':') {
		c3 = end + 1;
		if (*c3 == '\0' || strlen(c3) >= sizeof(n->reason) ||
		    strchr(c3, '/') || strchr(c3, ':'))
			goto bad;
		memcpy(n->reason, c3, strlen(c3) + 1);
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

void
spool_later_dir(char *buf, size_t len, int64_t due)
{
	if (due < 0)
		due = 0;
	snprintf(buf, len, "later/%" PRId64, due - due % SPOOL_BUCKET);
}

int
spool_tmp_create(struct spool *sp, const char *id, char *tmpname,
    size_t len)
{
	static unsigned counter;
	int fd, r;

	r = snprintf(tmpname, len, "tmp/%s.%ld.%u", id, (long)getpid(),
	    counter++);
	if (r < 0 || (size_t)r >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = openat(sp->fd, tmpname, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	/* The umask can only take bits away; 0600 holds whatever it is. */
	return fd;
}

static int
parent_dir(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL || (size_t)(slash - path) >= len)
		return -1;
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
	return 0;
}

static int
move_once(struct spool *sp, const char *from, const char *to)
{
	if (renameat2(sp->fd, from, sp->fd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/*
	 * A filesystem without RENAME_NOREPLACE: link() never replaces
	 * either.  For a moment the file has two names; recovery treats
	 * the one in the earlier state as the stale one.
	 */
	if (linkat(sp->fd, from, sp->fd, to, 0) < 0)
		return -1;
	if (unlinkat(sp->fd, from, 0) < 0)
		return -1;
	return 0;
}

int
spool_move(struct spool *sp, const char *from, const char *to)
{
	char dir[SPOOL_NAME_MAX + 32];

	if (move_once(sp, from, to) == 0)
		return 0;
	if (errno != ENOENT || strncmp(to, "later/", 6) != 0 ||
	    parent_dir(to, dir, sizeof(dir)) < 0)
		return -1;
	/* The minute's directory may not exist yet, or was just drained. */
	if (mkdirat(sp->fd, dir, 0700) < 0 && errno != EEXIST)
		return -1;
	return move_once(sp, from, to);
}

int
spool_sync_dir(struct spool *sp, const char *dir)
{
	return util_fsync_dir(sp->fd, dir);
}

int
spool_commit(struct spool *sp, const char *state, const char *name,
    const void *bytes, size_t len, int sync)
{
	char tmp[SPOOL_NAME_MAX + 64], dest[SPOOL_NAME_MAX + 64];
	char id[SPOOL_ID_MAX + 1];
	const char *colon = strchr(name, ':');
	size_t idlen = colon ? (size_t)(colon - name) : strlen(name);
	int fd, err;

	if (idlen > SPOOL_ID_MAX ||
	    util_join(dest, sizeof(dest), state, name) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(id, name, idlen);
	id[idlen] = '\0';
	if ((fd = spool_tmp_create(sp, id, tmp, sizeof(tmp))) < 0)
		return -1;
	if (util_write_all(fd, bytes, len) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (spool_move(sp, tmp, dest) < 0)
		goto fail;
	if (sync && spool_sync_dir(sp, state) < 0)
		return -1;	/* in place; only its durability is unsure */
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(sp->fd, tmp, 0);
	errno = err;
	return -1;
}

int
spool_quarantine(struct spool *sp, const char *dir, const char *name,
    const char *reason)
{
	char from[SPOOL_NAME_MAX * 2 + 64], to[SPOOL_NAME_MAX * 2 + 64];
	char id[SPOOL_ID_MAX + 1];
	struct spool_name sn;
	int64_t now = util_now_ms() / 1000;
	size_t i;

	snprintf(from, sizeof(from), "%s/%s", dir, name);
	if (spool_parse_name(name, &sn) == 0) {
		memcpy(id, sn.id, sizeof(id));
	} else {
		/* A name that is not ours: keep what is printable of it. */
		for (i = 0; name[i] && i < SPOOL_ID_MAX; i++) {
			char c = name[i];

			id[i] = ((c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '-' || c == '_') ? c : '_';
		}
		id[i] = '\0';
		if (i == 0 || id[0] == '.')
			snprintf(id, sizeof(id), "unnamed");
		sn.attempts = 0;
	}
	for (int k = 0; k < 100; k++) {
		if (k == 0)
			snprintf(to, sizeof(to), "corrupt/%s:%u:%" PRId64 ":%s",
			    id, sn.attempts, now, reason);
		else
			snprintf(to, sizeof(to),
			    "corrupt/%s:%u:%" PRId64 ":%s-%d", id, sn.attempts,
			    now, reason, k);
		if (spool_move(sp, from, to) == 0)
			return spool_sync_dir(sp, "corrupt");
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}
