/*
 * gen-finished - fill a spool's dead/ or done/ with many small valid
 * messages, fast, for bench/replay.sh and bench/archive.sh.
 *
 *	gen-finished SPOOL dead|done COUNT TIME
 *
 * Each file is encoded with its own id, so every one of them would pass
 * message_decode; names are ID:3:TIME[:max-attempts].
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "message.h"
#include "spool.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct spool sp;
	long count;
	int64_t when;
	int dead;

	if (argc != 5) {
		fprintf(stderr, "usage: gen-finished SPOOL dead|done COUNT "
		    "TIME\n");
		return 64;
	}
	dead = strcmp(argv[2], "dead") == 0;
	count = strtol(argv[3], NULL, 10);
	when = strtoll(argv[4], NULL, 10);
	if (spool_open(&sp, argv[1], 1) < 0) {
		perror(argv[1]);
		return 74;
	}
	for (long i = 0; i < count; i++) {
		char id[32], path[128], body[96], *bytes;
		struct message m = {
			.created_ms = when * 1000 - 60000,
			.event = "bench.replay",
			.endpoint = "bench",
			.content_type = "application/json",
		};
		size_t len;
		int fd, n;

		snprintf(id, sizeof(id), "msg_bench%08ld", i);
		n = snprintf(body, sizeof(body),
		    "{\"order\":%ld,\"total\":\"%ld.%02ld\"}", i, i % 997,
		    i % 100);
		m.id = id;
		m.body = (const unsigned char *)body;
		m.body_len = (size_t)n;
		if (message_encode(&m, &bytes, &len) < 0)
			return 70;
		snprintf(path, sizeof(path), "%s/%s:3:%" PRId64 "%s",
		    argv[2], id, when, dead ? ":max-attempts" : "");
		fd = openat(sp.fd, path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || util_write_all(fd, bytes, len) < 0 ||
		    close(fd) < 0) {
			perror(path);
			return 74;
		}
		free(bytes);
	}
	if (syncfs(sp.fd) < 0)
		return 74;
	spool_close(&sp);
	return 0;
}
