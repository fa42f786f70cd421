/*
 * msgcat - test tool: check message files and print their parts.
 *
 *	msgcat FILE...		check each; print "ID EVENT LENGTH" lines
 *	msgcat -b FILE		print the payload bytes exactly
 *	msgcat -f FIELD FILE	print one field (id, event, endpoint, url,
 *				content-type, key, created)
 *
 * Exits 0 if every file is a sound message, 65 with the reason on
 * stderr otherwise.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exits.h"
#include "message.h"
#include "util.h"

static void
print_field(const struct message *m, const char *f)
{
	const char *v = NULL;

	if (strcmp(f, "id") == 0)
		v = m->id;
	else if (strcmp(f, "event") == 0)
		v = m->event;
	else if (strcmp(f, "endpoint") == 0)
		v = m->endpoint;
	else if (strcmp(f, "url") == 0)
		v = m->url;
	else if (strcmp(f, "content-type") == 0)
		v = m->content_type;
	else if (strcmp(f, "key") == 0)
		v = m->key;
	else if (strcmp(f, "created") == 0) {
		printf("%" PRId64 "\n", m->created_ms);
		return;
	} else if (strcmp(f, "headers") == 0) {
		for (size_t i = 0; i < m->nheaders; i++)
			printf("%s\n", m->headers[i]);
		return;
	}
	printf("%s\n", v ? v : "");
}

int
main(int argc, char **argv)
{
	const char *field = NULL;
	int body = 0, rc = HOOK_OK, c;

	util_setprogname(argv[0]);
	while ((c = getopt(argc, argv, "bf:")) != -1) {
		if (c == 'b')
			body = 1;
		else if (c == 'f')
			field = optarg;
		else
			return HOOK_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		struct message m;
		char why[64];

		if (message_load(AT_FDCWD, argv[i], &m, why, sizeof(why)) < 0) {
			util_warnx("'%s': %s", argv[i], why);
			rc = HOOK_DATAERR;
			continue;
		}
		if (body)
			util_write_all(1, m.body, m.body_len);
		else if (field)
			print_field(&m, field);
		else
			printf("%s %s %zu\n", m.id, m.event, m.body_len);
		message_free(&m);
	}
	return rc;
}
