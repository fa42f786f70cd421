/*
 * stat-gen - make a large spool and journal for bench/stat.sh, fast:
 * one small valid message file per endpoint, written under many names,
 * and attempt lines printed straight to the day files.
 *
 *	stat-gen SPOOL MESSAGES ATTEMPTS DAY_START_SECONDS
 *
 * Messages go 70% to done/, 10% to dead/, 10% to new/, 7% to later/
 * and 3% to cur/; attempts spread over the two days from
 * DAY_START_SECONDS, across three endpoints and one ad-hoc URL.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "message.h"
#include "util.h"

static const char *const endpoints[] = { "billing", "crm", "search" };

static uint64_t seed = 0x2545f4914f6cdd1dull;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static void
mkdirs(const char *spool)
{
	static const char *const dirs[] = {
		"", "tmp", "new", "cur", "later", "done", "dead", "corrupt",
		"inbox", "endpoints", "secrets", "state", "keys", "journal",
	};
	char path[4096];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", spool, dirs[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			perror(path);
			exit(1);
		}
	}
}

static void
write_file(const char *path, const char *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || util_write_all(fd, bytes, len) < 0 || close(fd) < 0) {
		perror(path);
		exit(1);
	}
}

static void
messages(const char *spool, long n, int64_t now)
{
	char *bytes[3], path[4096], dir[2048];
	size_t len[3];

	for (int e = 0; e < 3; e++) {
		struct message m = {
			.id = "msg_bench", .created_ms = now * 1000,
			.event = "order.paid", .endpoint = endpoints[e],
			.content_type = "application/json",
			.body = (const unsigned char *)"{\"n\":1}", .body_len = 7,
		};

		if (message_encode(&m, &bytes[e], &len[e]) < 0) {
			perror("message_encode");
			exit(1);
		}
		snprintf(path, sizeof(path), "%s/endpoints/%s", spool,
		    endpoints[e]);
		write_file(path, "url https://example.org/hook\n", 29);
	}
	for (long i = 0; i < n; i++) {
		int e = (int)(rnd() % 3), pick = (int)(i % 100);
		int64_t t = now - (int64_t)(rnd() % 86400);

		if (pick < 70)
			snprintf(path, sizeof(path), "%s/done/msg_%08ld:1:%"
			    PRId64, spool, i, t);
		else if (pick < 80)
			snprintf(path, sizeof(path), "%s/dead/msg_%08ld:5:%"
			    PRId64 ":%s", spool, i, t, i % 3 ? "max-attempts" :
			    "permanent-status");
		else if (pick < 90)
			snprintf(path, sizeof(path), "%s/new/msg_%08ld:0:%"
			    PRId64, spool, i, t);
		else if (pick < 97) {
			t = now + 60 + (int64_t)(rnd() % 3600);
			snprintf(dir, sizeof(dir), "%s/later/%" PRId64, spool,
			    t - t % 60);
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				perror(dir);
				exit(1);
			}
			snprintf(path, sizeof(path), "%s/msg_%08ld:2:%" PRId64,
			    dir, i, t);
		} else
			snprintf(path, sizeof(path), "%s/cur/msg_%08ld:1:%"
			    PRId64, spool, i, t);
		write_file(path, bytes[e], len[e]);
	}
	for (int e = 0; e < 3; e++)
		free(bytes[e]);
}

static void
journal(const char *spool, long n, int64_t day0)
{
	static const struct { int status; const char *error, *cls,
	    *outcome; } kinds[] = {
		{ 200, NULL, "2xx", "delivered" },
		{ 503, NULL, "5xx", "retry" },
		{ 404, NULL, "4xx", "dead" },
		{ 0, "timeout", "timeout", "retry" },
		{ 0, "connect", "connect", "retry" },
		{ 0, "tls", "tls", "retry" },
	};
	char path[4096];
	FILE *f[2];

	for (int d = 0; d < 2; d++) {
		time_t t = (time_t)(day0 + d * 86400);
		struct tm tm;

		gmtime_r(&t, &tm);
		snprintf(path, sizeof(path), "%s/journal/%04d-%02d-%02d.jsonl",
		    spool, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		if ((f[d] = fopen(path, "w")) == NULL) {
			perror(path);
			exit(1);
		}
	}
	for (long i = 0; i < n; i++) {
		int64_t start = (day0 + (int64_t)((double)i / (double)n *
		    172800)) * 1000 + (int64_t)(rnd() % 1000);
		unsigned k = (unsigned)(rnd() % 100);
		int kind = k < 85 ? 0 : k < 92 ? 1 : k < 94 ? 2 : k < 97 ? 3 :
		    k < 99 ? 4 : 5;
		int e = (int)(rnd() % 4);
		/* Latency: mostly tens of ms, a long tail to seconds. */
		uint64_t dur = 5 + rnd() % 60 + (rnd() % 10 == 0 ?
		    rnd() % 3000 : 0);
		FILE *out = f[(start / 1000 - day0) >= 86400];
		char status[8];

		if (kinds[kind].error)
			dur = kind == 3 ? 10000 : 1 + rnd() % 50;
		snprintf(status, sizeof(status), "%d", kinds[kind].status);
		fprintf(out, "{\"kind\":\"attempt\",\"id\":\"msg_%08ld\","
		    "\"endpoint\":", i);
		if (e == 3)
			fputs("null,\"url\":\"https://adhoc.example/x\"", out);
		else
			fprintf(out, "\"%s\"", endpoints[e]);
		fprintf(out, ",\"event\":\"order.paid\",\"attempt\":%d,"
		    "\"start\":%" PRId64 ",\"duration_ms\":%" PRIu64
		    ",\"status\":%s,\"error\":%s%s%s,\"class\":\"%s\","
		    "\"outcome\":\"%s\",\"reason\":null,\"next_due\":%s,"
		    "\"response\":\"%s\"}\n", 1 + (int)(rnd() % 3), start, dur,
		    kinds[kind].status ? status : "null",
		    kinds[kind].error ? "\"" : "",
		    kinds[kind].error ? kinds[kind].error : "null",
		    kinds[kind].error ? "\"" : "", kinds[kind].cls,
		    kinds[kind].outcome, kind == 1 || kind >= 3 ?
		    "1764756090" : "null", kind ? "Service Unavailable" :
		    "{\\\"ok\\\":true}");
		if (i % 5000 == 0)
			fputs("{\"kind\":\"replay\",\"id\":\"msg_x\"}\n", out);
	}
	for (int d = 0; d < 2; d++)
		if (fclose(f[d]) != 0) {
			perror("journal");
			exit(1);
		}
}

int
main(int argc, char **argv)
{
	int64_t day0;

	if (argc != 5) {
		fprintf(stderr, "usage: stat-gen SPOOL MESSAGES ATTEMPTS "
		    "DAY_START\n");
		return 64;
	}
	day0 = strtoll(argv[4], NULL, 10);
	mkdirs(argv[1]);
	messages(argv[1], atol(argv[2]), (int64_t)time(NULL));
	journal(argv[1], atol(argv[3]), day0);
	return 0;
}
