/*
 * fuzz-message-encode: a message built from fuzzed fields.  Whatever
 * message_encode accepts, message_decode must read back field for
 * field; encode must never write a file that decode calls damaged.
 *
 * Input: 8 bytes of created_ms, one flags byte, then NUL-separated
 * fields id, event, endpoint or url, content-type, key, then header and
 * meta lines (a field starting 'm' is meta), and the body last.
 */
#include "fuzz.h"
#include "message.h"

#define FIELDS_MAX 16

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *field[FIELDS_MAX], *headers[FIELDS_MAX], *meta[FIELDS_MAX];
	struct message m, d;
	char why[32], *copy, *p, *end, *enc;
	size_t nfield = 0, enclen;
	uint8_t flags;
	int64_t created;

	if (len < 9)
		return 0;
	memcpy(&created, data, 8);
	flags = data[8];
	copy = fuzz_cstr(data + 9, len - 9);
	end = copy + len - 9;

	/* Fields up to the last NUL; what follows it is the body. */
	for (p = copy; nfield < FIELDS_MAX; ) {
		char *nul = memchr(p, '\0', (size_t)(end - p));

		if (nul == NULL || nul == end)
			break;
		field[nfield++] = p;
		p = nul + 1;
	}
	if (nfield < 4) {
		free(copy);
		return 0;
	}

	memset(&m, 0, sizeof(m));
	m.id = field[0];
	m.created_ms = created;
	m.event = field[1];
	if (flags & 1)
		m.url = field[2];
	else
		m.endpoint = field[2];
	m.content_type = field[3];
	m.key = nfield > 4 && (flags & 2) ? field[4] : NULL;
	m.headers = headers;
	m.meta = meta;
	for (size_t i = 5; i < nfield; i++) {
		if (field[i][0] == 'm')
			meta[m.nmeta++] = field[i] + 1;
		else
			headers[m.nheaders++] = field[i];
	}
	m.body = (const unsigned char *)p;
	m.body_len = (size_t)(end - p);

	if (message_encode(&m, &enc, &enclen) == 0) {
		int rc = message_decode(enc, enclen, &d, why, sizeof(why));

		if (rc < 0)
			fprintf(stderr, "decode refused an encoded message: "
			    "%s\n", why);
		FUZZ_ASSERT(rc == 0);
		FUZZ_ASSERT(strcmp(d.id, m.id) == 0);
		FUZZ_ASSERT(d.created_ms == m.created_ms);
		FUZZ_ASSERT(strcmp(d.event, m.event) == 0);
		FUZZ_ASSERT((d.url != NULL) == (m.url != NULL));
		FUZZ_ASSERT(strcmp(d.url ? d.url : d.endpoint, field[2]) == 0);
		FUZZ_ASSERT(strcmp(d.content_type, m.content_type) == 0);
		FUZZ_ASSERT((d.key == NULL) == (m.key == NULL));
		FUZZ_ASSERT(d.key == NULL || strcmp(d.key, m.key) == 0);
		FUZZ_ASSERT(d.nheaders == m.nheaders && d.nmeta == m.nmeta);
		for (size_t i = 0; i < m.nheaders; i++)
			FUZZ_ASSERT(strcmp(d.headers[i], m.headers[i]) == 0);
		for (size_t i = 0; i < m.nmeta; i++)
			FUZZ_ASSERT(strcmp(d.meta[i], m.meta[i]) == 0);
		FUZZ_ASSERT(d.body_len == m.body_len);
		FUZZ_ASSERT(m.body_len == 0 ||
		    memcmp(d.body, m.body, m.body_len) == 0);
		message_free(&d);
	}
	free(copy);
	return 0;
}
