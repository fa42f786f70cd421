/*
 * stat_queue.c - see stat_queue.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "endpoint.h"
#include "message.h"
#include "stat_queue.h"
#include "util.h"

#define HEAD_LEN 512

static const char *const state_names[SS_COUNT] = {
	"new", "cur", "later", "done", "dead", "corrupt", "inbox", "tmp",
};

const char *
stat_state_name(enum stat_state s)
{
	return s < SS_COUNT ? state_names[s] : "?";
}

/* The endpoint index for name, made on first sight. */
static int
endpoint_index(struct stat_queue *q, const char *name)
{
	int i = stat_names_add(&q->endpoint_names, name);

	if (i < 0)
		return -1;
	return i;
}

/*
 * The endpoint a message file is for, from its first lines: "endpoint
 * NAME", or "(url)" for an ad-hoc URL.  Only HEAD_LEN bytes are read:
 * the lines before the payload are short and bounded.
 */
static int
message_endpoint(int dirfd, const char *name, char *out, size_t len)
{
	char head[HEAD_LEN + 1], *p, *end;
	ssize_t n;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd < 0)
		return -1;
	n = read(fd, head, HEAD_LEN);
	close(fd);
	if (n <= 0 || memcmp(head, MESSAGE_MAGIC, strlen(MESSAGE_MAGIC)) != 0)
		return -1;
	head[n] = '\0';
	for (p = head; (p = strchr(p, '\n')) != NULL; ) {
		p++;
		if (strncmp(p, "url ", 4) == 0) {
			snprintf(out, len, "(url)");
			return 0;
		}
		if (strncmp(p, "endpoint ", 9) == 0) {
			p += 9;
			if ((end = strchr(p, '\n')) == NULL)
				return -1;
			*end = '\0';
			if (!util_valid_name(p, ENDPOINT_NAME_MAX))
				return -1;
			snprintf(out, len, "%s", p);
			return 0;
		}
		if (strncmp(p, "body ", 5) == 0)
			break;
	}
	return -1;
}

static int
count_reason(struct stat_names *names, uint64_t *counts, const char *r)
{
	int i = stat_names_add(names, *r ? r : "(none)");

	if (i < 0)
		return -1;
	counts[i]++;
	return 0;
}

/* One message file name in state st, found in directory dirfd. */
static int
count_message(struct stat_queue *q, int dirfd, const char *file,
    enum stat_state st)
{
	struct stat_state_info *si = &q->state[st];
	struct spool_name sn;
	char ep[ENDPOINT_NAME_MAX + 1];
	int i;

	if (st == SS_TMP) {
		si->count++;
		return 0;
	}
	if (spool_parse_name(file, &sn) < 0) {
		q->unexpected++;
		return 0;
	}
	si->count++;
	if (si->oldest == 0 || sn.time < si->oldest)
		si->oldest = sn.time;
	if ((st == SS_NEW || st == SS_LATER) && sn.time <= q->now) {
		q->due_now++;
		if (q->oldest_ready == 0 || sn.time < q->oldest_ready)
			q->oldest_ready = sn.time;
	} else if (st == SS_LATER && (q->next_due == 0 ||
	    sn.time < q->next_due)) {
		q->next_due = sn.time;
	}
	if (st == SS_DEAD &&
	    count_reason(&q->dead_reasons, q->dead_by_reason, sn.reason) < 0)
		return -1;
	if (st == SS_CORRUPT && count_reason(&q->corrupt_reasons,
	    q->corrupt_by_reason, sn.reason) < 0)
		return -1;

	if (!q->by_endpoint || (st != SS_NEW && st != SS_CUR &&
	    st != SS_LATER && st != SS_DEAD))
		return 0;
	if (message_endpoint(dirfd, file, ep, sizeof(ep)) < 0) {
		q->unreadable++;
		snprintf(ep, sizeof(ep), "(unknown)");
	}
	if ((i = endpoint_index(q, ep)) < 0)
		return -1;
	q->endpoints[i].queued[st]++;
	return 0;
}

/* What an entry is, from d_type, or one fstatat where that is unknown. */
static int
entry_type(int dirfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type;
	if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return DT_UNKNOWN;
	if (S_ISREG(st.st_mode))
		return DT_REG;
	if (S_ISDIR(st.st_mode))
		return DT_DIR;
	return DT_UNKNOWN;
}

static int scan_dir(struct stat_queue *q, int parent, const char *path,
    enum stat_state st, int depth);

static int
scan_entries(struct stat_queue *q, DIR *dir, enum stat_state st,
    int depth)
{
	struct dirent *de;
	int fd = dirfd(dir);

	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		int type;

		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		type = entry_type(fd, de);
		if (st == SS_LATER && depth == 0) {
			/* later/ holds one directory per minute of due time. */
			if (type != DT_DIR || strspn(de->d_name,
			    "0123456789") != strlen(de->d_name)) {
				q->unexpected++;
			} else if (scan_dir(q, fd, de->d_name, st, 1) < 0) {
				if (errno == ENOMEM)
					return -1;
				q->unreadable++;
			}
		} else if (type != DT_REG) {
			q->unexpected++;
		} else if (count_message(q, fd, de->d_name, st) < 0) {
			return -1;
		}
		errno = 0;
	}
	return errno ? -1 : 0;
}

static int
scan_dir(struct stat_queue *q, int parent, const char *path,
    enum stat_state st, int depth)
{
	DIR *dir;
	int fd, rc, err;

	fd = openat(parent, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	rc = scan_entries(q, dir, st, depth);
	err = errno;
	closedir(dir);
	errno = err;
	return rc;
}

/*
 * state/NAME/breaker: "key value" lines.  A missing file, an unknown
 * key or a value that is not a number leaves that figure at 0.
 */
static void
read_breaker(struct spool *sp, const char *name, struct stat_endpoint *ep)
{
	char path[ENDPOINT_NAME_MAX + 32], *text, *line, *save;
	size_t len;

	snprintf(path, sizeof(path), "state/%s/breaker", name);
	if (util_read_file(sp->fd, path, 4096, &text, &len) < 0)
		return;
	ep->breaker = 1;
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char key[32];
		long long v;

		if (sscanf(line, "%31s %lld", key, &v) != 2 || v < 0)
			continue;
		if (strcmp(key, "failures") == 0)
			ep->failures = (uint64_t)v;
		else if (strcmp(key, "open-until") == 0)
			ep->open_until = v;
		else if (strcmp(key, "cooldown") == 0)
			ep->cooldown = v;
		else if (strcmp(key, "first-failure") == 0)
			ep->first_failure = v;
	}
	free(text);
}

/* Configured endpoints first, then those found in state/ alone. */
static int
scan_endpoints(struct spool *sp, struct stat_queue *q)
{
	char **names;
	size_t n;
	DIR *dir;
	struct dirent *de;
	int fd;

	if (endpoint_list(sp, &names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			int k = endpoint_index(q, names[i]);

			if (k < 0) {
				endpoint_free_names(names, n);
				return -1;
			}
			q->endpoints[k].configured = 1;
		}
		endpoint_free_names(names, n);
	} else if (errno != ENOENT) {
		q->unreadable++;
	}
	fd = openat(sp->fd, "state", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd >= 0 && (dir = fdopendir(fd)) != NULL) {
		while ((de = readdir(dir)) != NULL)
			if (util_valid_name(de->d_name, ENDPOINT_NAME_MAX) &&
			    endpoint_index(q, de->d_name) < 0) {
				closedir(dir);
				return -1;
			}
		closedir(dir);
	} else if (fd >= 0) {
		close(fd);
	}
	return 0;
}

/* Breaker and disabled state of every endpoint known so far. */
static void
endpoint_states(struct spool *sp, struct stat_queue *q)
{
	for (size_t i = 0; i < q->endpoint_names.n; i++) {
		const char *name = q->endpoint_names.name[i];
		struct stat_endpoint *ep = &q->endpoints[i];

		if (!util_valid_name(name, ENDPOINT_NAME_MAX))
			continue;
		read_breaker(sp, name, ep);
		ep->disabled = endpoint_disabled(sp, name, ep->disabled_reason,
		    sizeof(ep->disabled_reason)) == 1;
	}
}

int
stat_queue_scan(struct spool *sp, int64_t now, int by_endpoint,
    struct stat_queue *q)
{
	memset(q, 0, sizeof(*q));
	q->now = now;
	q->by_endpoint = by_endpoint;
	stat_names_init(&q->dead_reasons);
	stat_names_init(&q->corrupt_reasons);
	stat_names_init(&q->endpoint_names);
	q->endpoints = calloc(STAT_NAMES_MAX + 1, sizeof(*q->endpoints));
	if (q->endpoints == NULL)
		return -1;
	if (scan_endpoints(sp, q) < 0)
		return -1;
	for (int s = 0; s < SS_COUNT; s++) {
		if (scan_dir(q, sp->fd, state_names[s], (enum stat_state)s,
		    0) == 0)
			continue;
		if (errno == ENOMEM)
			return -1;
		if (errno != ENOENT)
			q->unreadable++;
	}
	endpoint_states(sp, q);
	return 0;
}

void
stat_queue_free(struct stat_queue *q)
{
	stat_names_free(&q->dead_reasons);
	stat_names_free(&q->corrupt_reasons);
	stat_names_free(&q->endpoint_names);
	free(q->endpoints);
	q->endpoints = NULL;
}

/* Look for "ID:" among the names of one directory. */
static int
find_in(int parent, const char *path, const char *id,
    struct spool_name *name)
{
	size_t idlen = strlen(id);
	struct dirent *de;
	DIR *dir;
	int fd, found = 0;

	fd = openat(parent, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return 0;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while (!found && (de = readdir(dir)) != NULL)
		if (strncmp(de->d_name, id, idlen) == 0 &&
		    de->d_name[idlen] == ':' &&
		    spool_parse_name(de->d_name, name) == 0)
			found = 1;
	closedir(dir);
	return found;
}

int
stat_queue_find(struct spool *sp, const char *id, enum stat_state *st,
    char *dir, size_t dirlen, struct spool_name *name)
{
	static const enum stat_state order[] = {
		SS_CUR, SS_NEW, SS_LATER, SS_DEAD, SS_DONE, SS_CORRUPT,
		SS_INBOX,
	};
	struct dirent *de;
	DIR *later;
	int fd;

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		*st = order[k];
		if (*st != SS_LATER) {
			if (find_in(sp->fd, state_names[*st], id, name)) {
				snprintf(dir, dirlen, "%s", state_names[*st]);
				return 0;
			}
			continue;
		}
		fd = openat(sp->fd, "later", O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || (later = fdopendir(fd)) == NULL) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while ((de = readdir(later)) != NULL) {
			if (de->d_name[0] == '.' ||
			    !find_in(fd, de->d_name, id, name))
				continue;
			snprintf(dir, dirlen, "later/%s", de->d_name);
			closedir(later);
			return 0;
		}
		closedir(later);
	}
	errno = ENOENT;
	return -1;
}

int
stat_endpoint_failing(const struct stat_endpoint *ep)
{
	return ep->disabled || ep->failures > 0;
}

const char *
stat_breaker_state(const struct stat_endpoint *ep, int64_t now)
{
	if (ep->open_until > now)
		return "open";
	if (ep->failures > 0 && ep->open_until > 0)
		return "half-open";
	return "closed";
}
