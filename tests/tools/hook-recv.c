/*
 * hook-recv - a webhook receiver for tests: listens on 127.0.0.1, answers
 * each request as a script says, and records what it received.
 */
static const char usage[] =
"usage: hook-recv [-p PORTFILE] [-r DIR] [-s SCRIPT] [-a STATUS] [-t SECS]\n"
"\n"
"  -p PORTFILE  write the port (chosen by the kernel) to PORTFILE\n"
"  -r DIR       record request N as DIR/N.head (request line and header\n"
"               lines) and DIR/N.body (the exact body bytes)\n"
"  -s SCRIPT    one line per request, in arrival order:\n"
"                 STATUS [Header: value]   answer STATUS\n"
"                 delay SECS [STATUS]      answer after SECS\n"
"                 reset                    reset the connection\n"
"                 close-no-answer          close without an answer\n"
"                 redirect URL             302 to URL\n"
"                 chunked-endless          200, then a body that never ends\n"
"                 headers-endless          200, then header lines that never end\n"
"                 drip STATUS              answer STATUS one byte a second\n"
"                 reset-mid                half a status line, then a reset\n"
"  -a STATUS    the answer once the script is used up (default 204)\n"
"  -t SECS      exit after SECS seconds (default 300)\n";

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNS_MAX 256
#define REQ_MAX (4 * 1024 * 1024)

enum conn_state { C_FREE, C_READING, C_DELAY, C_ENDLESS, C_DRIP };

struct conn {
	int fd;
	enum conn_state state;
	char *buf;
	size_t len, cap;
	double answer_at;
	int status;
	int endless_headers;	/* C_ENDLESS: header lines, not chunks */
	size_t dripped;		/* C_DRIP: bytes of extra sent */
	char extra[512];
};

static const char *record_dir;
static FILE *script;
static int default_status = 204;
static unsigned long nrequests;
static struct conn conns[CONNS_MAX];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
conn_close(struct conn *c, int reset)
{
	if (reset) {
		struct linger l = { 1, 0 };

		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pfd = { fd, POLLOUT, 0 };

			poll(&pfd, 1, 1000);
			continue;
		}
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void
answer(struct conn *c)
{
	char resp[1024];
	int n;

	n = snprintf(resp, sizeof(resp), "HTTP/1.1 %d Answer\r\n"
	    "Content-Length: 2\r\n%s%s\r\nok", c->status, c->extra,
	    c->extra[0] ? "\r\n" : "");
	send_all(c->fd, resp, (size_t)n);
	c->state = C_READING;
}

static void
record(const char *head, size_t headlen, const char *body, size_t bodylen)
{
	char path[4096], final[4096];
	FILE *f;

	if (record_dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%06lu.body", record_dir, nrequests);
	if ((f = fopen(path, "wb")) != NULL) {
		fwrite(body, 1, bodylen, f);
		fclose(f);
	}
	/* The head last: a test that sees it finds the body complete. */
	snprintf(path, sizeof(path), "%s/%06lu.tmp", record_dir, nrequests);
	if ((f = fopen(path, "wb")) != NULL) {
		fwrite(head, 1, headlen, f);
		fclose(f);
		snprintf(final, sizeof(final), "%s/%06lu.head", record_dir,
		    nrequests);
		rename(path, final);
	}
}

/* Act on the next script line for a complete request. */
static void
respond(struct conn *c)
{
	char line[1024], *p;

	c->status = default_status;
	c->extra[0] = '\0';
	if (script == NULL || fgets(line, sizeof(line), script) == NULL) {
		answer(c);
		return;
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "delay ", 6) == 0) {
		c->answer_at = now() + strtod(line + 6, &p);
		if (*p == ' ')
			c->status = atoi(p + 1);
		c->state = C_DELAY;
	} else if (strcmp(line, "reset") == 0) {
		conn_close(c, 1);
	} else if (strcmp(line, "close-no-answer") == 0) {
		conn_close(c, 0);
	} else if (strncmp(line, "redirect ", 9) == 0) {
		c->status = 302;
		snprintf(c->extra, sizeof(c->extra), "Location: %.480s",
		    line + 9);
		answer(c);
	} else if (strcmp(line, "headers-endless") == 0) {
		static const char h[] = "HTTP/1.1 200 OK\r\n";

		send_all(c->fd, h, sizeof(h) - 1);
		c->endless_headers = 1;
		c->state = C_ENDLESS;
	} else if (strncmp(line, "drip ", 5) == 0) {
		snprintf(c->extra, sizeof(c->extra), "HTTP/1.1 %d Drip\r\n"
		    "Content-Length: 2\r\n\r\nok", atoi(line + 5));
		c->dripped = 0;
		c->answer_at = now();
		c->state = C_DRIP;
	} else if (strcmp(line, "reset-mid") == 0) {
		static const char h[] = "HTTP/1.1 20";

		send_all(c->fd, h, sizeof(h) - 1);
		conn_close(c, 1);
	} else if (strcmp(line, "chunked-endless") == 0) {
		static const char h[] = "HTTP/1.1 200 OK\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n";

		send_all(c->fd, h, sizeof(h) - 1);
		c->state = C_ENDLESS;
	} else {
		c->status = (int)strtol(line, &p, 10);
		while (*p == ' ')
			p++;
		snprintf(c->extra, sizeof(c->extra), "%s", p);
		answer(c);
	}
}

/* Is there a whole request in the buffer?  Its length, or 0. */
static size_t
complete(struct conn *c, size_t *headlen)
{
	char *end, *cl;
	size_t body = 0;

	if (c->len == 0)
		return 0;
	c->buf[c->len] = '\0';
	if ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
		return 0;
	*headlen = (size_t)(end - c->buf) + 4;
	for (cl = c->buf; (cl = strchr(cl, '\n')) != NULL && cl < end; ) {
		cl++;
		if (strncasecmp(cl, "content-length:", 15) == 0)
			body = strtoul(cl + 15, NULL, 10);
	}
	if (c->len < *headlen + body)
		return 0;
	return *headlen + body;
}

static void
readable(struct conn *c)
{
	size_t total, headlen;
	ssize_t r;

	if (c->cap - c->len < 65537) {
		size_t cap = c->cap ? c->cap * 2 : 131072;
		char *b = realloc(c->buf, cap);

		if (b == NULL || cap > REQ_MAX) {
			free(b == c->buf ? NULL : b);
			conn_close(c, 1);
			return;
		}
		c->buf = b;
		c->cap = cap;
	}
	r = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
	if (r <= 0) {
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_close(c, 0);
		return;
	}
	c->len += (size_t)r;
	while (c->state == C_READING && (total = complete(c, &headlen)) > 0) {
		nrequests++;
		record(c->buf, headlen - 2, c->buf + headlen, total - headlen);
		memmove(c->buf, c->buf + total, c->len - total);
		c->len -= total;
		respond(c);
		if (c->fd < 0)
			return;
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { 0 };
	socklen_t salen = sizeof(sa);
	const char *portfile = NULL;
	double end;
	int lfd, c, one = 1, lifetime = 300;

	while ((c = getopt(argc, argv, "p:r:s:a:t:h")) != -1) {
		switch (c) {
		case 'p': portfile = optarg; break;
		case 'r': record_dir = optarg; break;
		case 's':
			if ((script = fopen(optarg, "r")) == NULL) {
				perror(optarg);
				return 66;
			}
			break;
		case 'a': default_status = atoi(optarg); break;
		case 't': lifetime = atoi(optarg); break;
		default:
			fputs(usage, stderr);
			return 64;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < CONNS_MAX; i++)
		conns[i].fd = -1;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 128) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen) < 0) {
		perror("hook-recv: listen");
		return 71;
	}
	if (portfile) {
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
		if ((f = fopen(tmp, "w")) == NULL)
			return 73;
		fprintf(f, "%d\n", ntohs(sa.sin_port));
		fclose(f);
		rename(tmp, portfile);
	} else {
		printf("%d\n", ntohs(sa.sin_port));
		fflush(stdout);
	}

	end = now() + lifetime;
	while (now() < end) {
		struct pollfd pfd[CONNS_MAX + 1];
		int map[CONNS_MAX + 1], n = 0, timeout = 200;

		pfd[n].fd = lfd;
		pfd[n].events = POLLIN;
		map[n++] = -1;
		for (int i = 0; i < CONNS_MAX; i++) {
			if (conns[i].fd < 0)
				continue;
			if (conns[i].state == C_DELAY ||
			    conns[i].state == C_DRIP)
				timeout = 20;
			pfd[n].fd = conns[i].fd;
			pfd[n].events = conns[i].state == C_ENDLESS ?
			    POLLOUT : POLLIN;
			map[n++] = i;
		}
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR)
			return 71;
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);

			for (int i = 0; fd >= 0 && i < CONNS_MAX; i++) {
				if (conns[i].fd < 0) {
					conns[i].fd = fd;
					conns[i].state = C_READING;
					fd = -1;
				}
			}
			if (fd >= 0)
				close(fd);
		}
		for (int k = 1; k < n; k++) {
			struct conn *cn = &conns[map[k]];

			if (cn->fd < 0)
				continue;
			if (cn->state == C_ENDLESS && pfd[k].revents) {
				static const char chunk[] = "40\r\n"
				    "................................"
				    "................................\r\n";
				static const char hline[] = "X-Endless: "
				    "................................\r\n";
				const char *out = cn->endless_headers ?
				    hline : chunk;
				size_t outlen = cn->endless_headers ?
				    sizeof(hline) - 1 : sizeof(chunk) - 1;

				if (pfd[k].revents & (POLLERR | POLLHUP) ||
				    write(cn->fd, out, outlen) < 0)
					conn_close(cn, 0);
				usleep(1000);
			} else if (cn->state == C_READING && pfd[k].revents) {
				readable(cn);
			}
		}
		for (int i = 0; i < CONNS_MAX; i++)
			if (conns[i].fd >= 0 && conns[i].state == C_DELAY &&
			    now() >= conns[i].answer_at)
				answer(&conns[i]);
		for (int i = 0; i < CONNS_MAX; i++) {
			struct conn *cn = &conns[i];

			if (cn->fd < 0 || cn->state != C_DRIP ||
			    now() < cn->answer_at)
				continue;
			if (write(cn->fd, cn->extra + cn->dripped, 1) < 0) {
				conn_close(cn, 0);
				continue;
			}
			cn->answer_at += 1.0;
			if (cn->extra[++cn->dripped] == '\0')
				cn->state = C_READING;
		}
	}
	return 0;
}
