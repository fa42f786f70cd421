/*
 * fuzz-message: message_decode on any bytes.  A file it accepts must
 * re-encode, and the re-encoded file must decode to the same fields and
 * encode again to the same bytes: the canonical form is a fixed point.
 * (The first file need not be canonical: unknown keys, repeated keys and
 * leading zeros are accepted by design.)
 */
#include "fuzz.h"
#include "message.h"

static void
same_list(const char **a, size_t na, const char **b, size_t nb)
{
	FUZZ_ASSERT(na == nb);
	for (size_t i = 0; i < na; i++)
		FUZZ_ASSERT(strcmp(a[i], b[i]) == 0);
}

static int
same_opt(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
same_message(const struct message *a, const struct message *b)
{
	FUZZ_ASSERT(strcmp(a->id, b->id) == 0);
	FUZZ_ASSERT(a->created_ms == b->created_ms);
	FUZZ_ASSERT(strcmp(a->event, b->event) == 0);
	FUZZ_ASSERT(same_opt(a->endpoint, b->endpoint));
	FUZZ_ASSERT(same_opt(a->url, b->url));
	FUZZ_ASSERT(strcmp(a->content_type, b->content_type) == 0);
	FUZZ_ASSERT(same_opt(a->key, b->key));
	same_list(a->headers, a->nheaders, b->headers, b->nheaders);
	same_list(a->meta, a->nmeta, b->meta, b->nmeta);
	FUZZ_ASSERT(a->body_len == b->body_len);
	FUZZ_ASSERT(a->body_len == 0 ||
	    memcmp(a->body, b->body, a->body_len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct message m, m2, m3;
	char why[32], *buf, *enc, *enc2, *canon;
	size_t enclen, enc2len;

	buf = malloc(len ? len : 1);
	if (buf == NULL)
		return 0;
	if (len)
		memcpy(buf, data, len);
	if (message_decode(buf, len, &m, why, sizeof(why)) < 0) {
		FUZZ_ASSERT(why[0] != '\0');
		free(buf);
		return 0;
	}
	FUZZ_ASSERT(m.buf == buf && m.len == len);

	/* Decoding splits the buffer in place: keep the bytes to compare. */
	FUZZ_ASSERT(message_encode(&m, &enc, &enclen) == 0);
	canon = malloc(enclen);
	FUZZ_ASSERT(canon != NULL);
	memcpy(canon, enc, enclen);
	FUZZ_ASSERT(message_decode(enc, enclen, &m2, why, sizeof(why)) == 0);
	same_message(&m, &m2);
	FUZZ_ASSERT(message_encode(&m2, &enc2, &enc2len) == 0);
	FUZZ_ASSERT(enc2len == enclen && memcmp(enc2, canon, enclen) == 0);
	FUZZ_ASSERT(message_decode(enc2, enc2len, &m3, why, sizeof(why)) == 0);
	same_message(&m2, &m3);

	free(canon);
	message_free(&m3);
	message_free(&m2);
	message_free(&m);
	return 0;
}
