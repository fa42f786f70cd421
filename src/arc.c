/*
 * arc.c - see arc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "arc.h"
#include "util.h"

struct arc_writer {
	struct archive *a;
	struct archive_entry *entry;
	size_t added;
	pid_t gzip;		/* the compressor, or 0 */
	int feed;		/* the tar stream to it, or -1 */
};

struct arc_reader {
	struct archive *a;
	int first;		/* no header read yet */
	int manifest;		/* the first member was ARC_MANIFEST */
	int ended;		/* ARC_END was read */
	size_t seen;
};

static int
fail(char *err, size_t errlen, int errnum, const char *what,
    struct archive *a)
{
	const char *why = a ? archive_error_string(a) : NULL;

	if (why)
		snprintf(err, errlen, "%s: %s", what, why);
	else
		snprintf(err, errlen, "%s", what);
	errno = errnum;
	return -1;
}

const char *
arc_suffix(enum arc_compression c)
{
	switch (c) {
	case ARC_GZIP:
		return ".tar.gz";
	case ARC_ZSTD:
		return ".tar.zst";
	case ARC_XZ:
		return ".tar.xz";
	default:
		return ".tar";
	}
}

static int
add_filter(struct archive *a, enum arc_compression c)
{
	switch (c) {
	case ARC_GZIP:
		return archive_write_add_filter_gzip(a);
	case ARC_ZSTD:
		return archive_write_add_filter_zstd(a);
	case ARC_XZ:
		return archive_write_add_filter_xz(a);
	default:
		return archive_write_add_filter_none(a);
	}
}

/*
 * gzip runs as a process of its own, as it does under tar -z, so that
 * compressing and reading the messages share both cores.  It writes to
 * fd itself; the tar stream reaches it through a socket in whole
 * records, sent with MSG_NOSIGNAL so that a compressor that died is an
 * error to report, not a SIGPIPE that kills us.  Returns 0 with
 * w->feed and w->gzip set, or -1 where no gzip can be started.
 */
static int
start_gzip(struct arc_writer *w, int fd, int level)
{
	posix_spawn_file_actions_t fa;
	char flag[4];
	char *argv[] = { "gzip", "-n", flag, NULL };
	int sv[2], out, rc;

	if (access("/bin/gzip", X_OK) != 0)
		return -1;
	if ((out = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		close(out);
		return -1;
	}
	snprintf(flag, sizeof(flag), "-%d", level);
	rc = posix_spawn_file_actions_init(&fa);
	if (rc == 0) {
		posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
		posix_spawn_file_actions_adddup2(&fa, out, 1);
		rc = posix_spawn(&w->gzip, "/bin/gzip", &fa, NULL, argv,
		    environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	close(sv[1]);
	close(out);
	if (rc != 0) {
		close(sv[0]);
		w->gzip = 0;
		return -1;
	}
	w->feed = sv[0];
	return 0;
}

static la_ssize_t
feed_gzip(struct archive *a, void *data, const void *buf, size_t len)
{
	struct arc_writer *w = data;
	ssize_t n;

	do
		n = send(w->feed, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "compressor: %s%s", strerror(errno),
		    errno == EPIPE ? " (gzip exited)" : "");
		return -1;
	}
	return n;
}

/*
 * Ends the stream to gzip and waits for it: 0 if it wrote everything.
 * With kill set, it is stopped first, its output being void.
 */
static int
stop_gzip(struct arc_writer *w, int kill_it)
{
	int status;
	pid_t p;

	if (w->feed >= 0)
		close(w->feed);
	w->feed = -1;
	if (w->gzip <= 0)
		return 0;
	if (kill_it)
		kill(w->gzip, SIGTERM);
	do
		p = waitpid(w->gzip, &status, 0);
	while (p < 0 && errno == EINTR);
	w->gzip = 0;
	return p > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
arc_supported(enum arc_compression c)
{
	struct archive *a = archive_write_new();
	int ok;

	if (a == NULL)
		return 0;
	/* A filter built on an external program would be a WARN. */
	ok = add_filter(a, c) == ARCHIVE_OK;
	archive_write_free(a);
	return ok;
}

static int
add_member(struct arc_writer *w, const char *member, const void *data,
    size_t len, int64_t mtime, char *err, size_t errlen)
{
	struct archive_entry *e = w->entry;
	la_ssize_t n;

	archive_entry_clear(e);
	archive_entry_set_pathname(e, member);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	if (archive_write_header(w->a, e) != ARCHIVE_OK)
		return fail(err, errlen, EIO, member, w->a);
	if (len > 0) {
		n = archive_write_data(w->a, data, len);
		if (n < 0 || (size_t)n != len)
			return fail(err, errlen, EIO, member, w->a);
	}
	return 0;
}

struct arc_writer *
arc_create(int fd, enum arc_compression c, int level, char *err,
    size_t errlen)
{
	static const char manifest[] = "hookspool-archive 1\n";
	struct arc_writer *w = calloc(1, sizeof(*w));
	char value[16];

	if (w == NULL) {
		fail(err, errlen, ENOMEM, "out of memory", NULL);
		return NULL;
	}
	w->feed = -1;
	w->a = archive_write_new();
	w->entry = archive_entry_new();
	if (w->a == NULL || w->entry == NULL) {
		fail(err, errlen, ENOMEM, "out of memory", NULL);
		goto fail;
	}
	/* The built-in filter serves where no gzip program can be started. */
	if (c == ARC_GZIP && (level < 0 || (level >= 1 && level <= 9)) &&
	    start_gzip(w, fd, level < 0 ? 6 : level) == 0) {
		c = ARC_NONE;
		level = -1;
	}
	if (add_filter(w->a, c) != ARCHIVE_OK) {
		fail(err, errlen, ENOTSUP, "compression", w->a);
		goto fail;
	}
	if (c != ARC_NONE && level >= 0) {
		snprintf(value, sizeof(value), "%d", level);
		if (archive_write_set_filter_option(w->a, NULL,
		    "compression-level", value) != ARCHIVE_OK) {
			fail(err, errlen, EINVAL, "compression level", w->a);
			goto fail;
		}
	}
	if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    (w->feed >= 0 ? archive_write_open2(w->a, w, NULL, feed_gzip,
	    NULL, NULL) : archive_write_open_fd(w->a, fd)) != ARCHIVE_OK) {
		fail(err, errlen, EIO, "cannot start archive", w->a);
		goto fail;
	}
	if (add_member(w, ARC_MANIFEST, manifest, sizeof(manifest) - 1,
	    util_now_ms() / 1000, err, errlen) < 0)
		goto fail;
	return w;
fail:
	arc_abandon(w);
	return NULL;
}

int
arc_add(struct arc_writer *w, const char *member, const void *data,
    size_t len, int64_t mtime, char *err, size_t errlen)
{
	if (add_member(w, member, data, len, mtime, err, errlen) < 0)
		return -1;
	w->added++;
	return 0;
}

int
arc_finish(struct arc_writer *w, char *err, size_t errlen)
{
	char end[40];
	int rc = 0, n;

	n = snprintf(end, sizeof(end), "members %zu\n", w->added);
	if (add_member(w, ARC_END, end, (size_t)n, util_now_ms() / 1000, err,
	    errlen) < 0) {
		arc_abandon(w);
		return -1;
	}
	if (archive_write_close(w->a) != ARCHIVE_OK) {
		fail(err, errlen, EIO, "cannot complete archive", w->a);
		arc_abandon(w);
		return -1;
	}
	if (stop_gzip(w, 0) < 0)
		rc = fail(err, errlen, EIO, "gzip failed", NULL);
	archive_entry_free(w->entry);
	archive_write_free(w->a);
	free(w);
	return rc;
}

void
arc_abandon(struct arc_writer *w)
{
	if (w == NULL)
		return;
	if (w->entry)
		archive_entry_free(w->entry);
	if (w->a) {
		/* Do not let free() write an end to a half archive. */
		archive_write_fail(w->a);
		archive_write_free(w->a);
	}
	stop_gzip(w, 1);
	free(w);
}

struct arc_reader *
arc_open(int fd, char *err, size_t errlen)
{
	struct arc_reader *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->a = archive_read_new()) == NULL) {
		free(r);
		fail(err, errlen, ENOMEM, "out of memory", NULL);
		return NULL;
	}
	archive_read_support_filter_all(r->a);
	archive_read_support_format_all(r->a);
	if (archive_read_open_fd(r->a, fd, 64 * 1024) != ARCHIVE_OK) {
		fail(err, errlen, EBADMSG, archive_error_string(r->a) ?
		    "not a readable archive" : "not a readable archive "
		    "(damaged, cut short, or of an unknown format)", r->a);
		archive_read_free(r->a);
		free(r);
		return NULL;
	}
	r->first = 1;
	return r;
}

static int
read_data(struct arc_reader *r, struct archive_entry *e, char **data,
    size_t *len, char *err, size_t errlen)
{
	const char *name = archive_entry_pathname(e);
	size_t cap, have = 0;
	char *buf;

	if (archive_entry_size_is_set(e) &&
	    archive_entry_size(e) > ARC_MEMBER_MAX)
		return fail(err, errlen, EFBIG, name ? name : "member", NULL);
	cap = archive_entry_size_is_set(e) ?
	    (size_t)archive_entry_size(e) + 1 : 64 * 1024;
	if ((buf = malloc(cap)) == NULL)
		return fail(err, errlen, ENOMEM, "out of memory", NULL);
	for (;;) {
		la_ssize_t n;

		if (have + 1 >= cap) {
			char *nb;

			if (cap > ARC_MEMBER_MAX) {
				free(buf);
				return fail(err, errlen, EFBIG, name, NULL);
			}
			if ((nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				return fail(err, errlen, ENOMEM,
				    "out of memory", NULL);
			}
			buf = nb;
			cap *= 2;
		}
		n = archive_read_data(r->a, buf + have, cap - have - 1);
		if (n < 0) {
			free(buf);
			return fail(err, errlen, EBADMSG, name ? name :
			    "member", r->a);
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	buf[have] = '\0';
	*data = buf;
	*len = have;
	return 0;
}

/* The first member: "hookspool-archive 1\n". */
static int
read_manifest(struct arc_reader *r, const char *text, char *err,
    size_t errlen)
{
	if (strcmp(text, "hookspool-archive 1\n") != 0)
		return fail(err, errlen, EBADMSG, "unknown archive version",
		    NULL);
	r->manifest = 1;
	return 0;
}

/* The last member: "members N\n", N the files between. */
static int
read_end(struct arc_reader *r, const char *text, char *err, size_t errlen)
{
	char *end;
	unsigned long long n;

	if (!r->manifest || r->ended || strncmp(text, "members ", 8) != 0)
		return fail(err, errlen, EBADMSG, "misplaced end member",
		    NULL);
	errno = 0;
	n = strtoull(text + 8, &end, 10);
	if (errno || end == text + 8 || strcmp(end, "\n") != 0)
		return fail(err, errlen, EBADMSG, "damaged end member", NULL);
	if (n != r->seen) {
		snprintf(err, errlen, "archive holds %zu of its %llu members",
		    r->seen, n);
		errno = EBADMSG;
		return -1;
	}
	r->ended = 1;
	return 0;
}

int
arc_next(struct arc_reader *r, char *member, size_t memberlen,
    char **data, size_t *len, char *err, size_t errlen)
{
	struct archive_entry *e;

	for (;;) {
		const char *name;
		int rc = archive_read_next_header(r->a, &e);

		if (rc == ARCHIVE_EOF)
			break;
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
			return fail(err, errlen, EBADMSG, "damaged archive",
			    r->a);
		name = archive_entry_pathname(e);
		if (name == NULL)
			return fail(err, errlen, EBADMSG,
			    "member without a name", NULL);
		if (archive_entry_filetype(e) == AE_IFDIR) {
			r->first = 0;
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG ||
		    archive_entry_hardlink(e) != NULL) {
			snprintf(err, errlen, "%s: not a regular file", name);
			errno = EBADMSG;
			return -1;
		}
		if (strlen(name) >= memberlen) {
			snprintf(err, errlen, "member name too long");
			errno = EBADMSG;
			return -1;
		}
		snprintf(member, memberlen, "%s", name);
		if (read_data(r, e, data, len, err, errlen) < 0)
			return -1;
		if ((r->first && strcmp(member, ARC_MANIFEST) == 0) ||
		    strcmp(member, ARC_END) == 0) {
			rc = r->first ? read_manifest(r, *data, err, errlen) :
			    read_end(r, *data, err, errlen);
			r->first = 0;
			free(*data);
			*data = NULL;
			if (rc < 0)
				return -1;
			continue;
		}
		if (r->ended) {
			snprintf(err, errlen, "member '%s' after the end", member);
			errno = EBADMSG;
			free(*data);
			return -1;
		}
		r->first = 0;
		r->seen++;
		return 1;
	}
	if (r->manifest && !r->ended) {
		snprintf(err, errlen, "archive is cut short after %zu members",
		    r->seen);
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

int
arc_had_manifest(const struct arc_reader *r)
{
	return r->manifest;
}

void
arc_close(struct arc_reader *r)
{
	if (r == NULL)
		return;
	archive_read_free(r->a);
	free(r);
}
