/*
 * t-message - the message file proves it is complete: every truncation
 * and every changed byte is refused; what is encoded decodes the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "spool.h"
#include "unit.h"

static char *
sample(size_t *len, const unsigned char *body, size_t blen)
{
	const char *headers[] = { "X-Env: prod", "X-Trace: 1" };
	const char *meta[] = { "scheme standard" };
	struct message m = {
		.id = "msg_TEST01", .created_ms = 1700000000123,
		.event = "order.created", .endpoint = "orders",
		.content_type = "application/json", .key = "k-1",
		.headers = headers, .nheaders = 2, .meta = meta, .nmeta = 1,
		.body = body, .body_len = blen,
	};
	char *buf;

	if (message_encode(&m, &buf, len) < 0)
		return NULL;
	return buf;
}

/* CRC-32C one bit at a time, as the definition reads. */
static uint32_t
crc_bitwise(const unsigned char *p, size_t len)
{
	uint32_t c = 0xFFFFFFFFu;

	while (len--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
	}
	return ~c;
}

/*
 * The check string, then every length up to 80 at every alignment of
 * 0..7 against the bitwise definition, whole and in two pieces chained.
 */
static void
crc_cases(const char *how)
{
	unsigned char data[96];
	int bad = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37 + 11);
	CHECK(message_crc32c(0, "123456789", 9) == 0xE3069283,
	    "CRC-32C of the standard check string (%s)", how);
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 80; len++) {
			uint32_t want = crc_bitwise(data + off, len);
			size_t cut = len / 3;

			if (message_crc32c(0, data + off, len) != want ||
			    message_crc32c(message_crc32c(0, data + off, cut),
			    data + off + cut, len - cut) != want)
				bad++;
		}
	CHECK(bad == 0, "CRC-32C of 648 spans and their chained halves "
	    "(%s): %d wrong", how, bad);
}

static void
crc_both_ways(void)
{
	if (!message_crc_accelerate(1))
		printf("# no crc32 instruction here: portable code only\n");
	crc_cases("as used");
	CHECK(message_crc_accelerate(0) == 0,
	    "the crc32 instruction can be turned off");
	crc_cases("portable");
	message_crc_accelerate(1);
}

int
main(void)
{
	const unsigned char bin[] = { 0, 1, 2, '\n', 0xff, 'e', 'n', 'd', 0 };
	char why[64], *buf, *copy;
	struct message m;
	size_t len, bad = 0, flips = 0;

	buf = sample(&len, (const unsigned char *)"{\"a\":1}", 7);
	CHECK(buf != NULL, "a message encodes");
	copy = malloc(len);
	memcpy(copy, buf, len);
	CHECK(message_decode(copy, len, &m, why, sizeof(why)) == 0,
	    "an encoded message decodes");
	CHECK_STR(m.id, "msg_TEST01", "the id survives");
	CHECK_STR(m.event, "order.created", "the event survives");
	CHECK_STR(m.endpoint, "orders", "the endpoint survives");
	CHECK(m.url == NULL, "no url when an endpoint is set");
	CHECK_STR(m.key, "k-1", "the key survives");
	CHECK(m.created_ms == 1700000000123, "created survives");
	CHECK(m.nheaders == 2 && strcmp(m.headers[1], "X-Trace: 1") == 0,
	    "headers survive in order");
	CHECK_STR(message_meta(&m, "scheme"), "standard", "meta survives");
	CHECK(m.body_len == 7 && memcmp(m.body, "{\"a\":1}", 7) == 0,
	    "the payload survives byte for byte");
	message_free(&m);

	/* Cut at every offset: none may pass. */
	for (size_t cut = 0; cut < len; cut++) {
		copy = malloc(len);
		memcpy(copy, buf, len);
		if (message_decode(copy, cut, &m, why, sizeof(why)) == 0) {
			bad++;
			message_free(&m);
		} else {
			free(copy);
		}
	}
	CHECK(bad == 0, "a file truncated at each of %zu offsets is refused",
	    len);

	/* Change every byte: none may pass. */
	for (size_t i = 0; i < len; i++) {
		copy = malloc(len);
		memcpy(copy, buf, len);
		copy[i] ^= 0x20;
		if (message_decode(copy, len, &m, why, sizeof(why)) == 0) {
			flips++;
			message_free(&m);
		} else {
			free(copy);
		}
	}
	CHECK(flips == 0, "a change to any of %zu bytes is refused", len);

	copy = malloc(len + 1);
	memcpy(copy, buf, len);
	copy[len] = 'x';
	CHECK(message_decode(copy, len + 1, &m, why, sizeof(why)) < 0 &&
	    errno == EBADMSG && strcmp(why, "trailing-data") == 0,
	    "bytes after the trailer are refused as trailing-data");
	free(copy);
	free(buf);

	buf = sample(&len, bin, sizeof(bin));
	CHECK(message_decode(buf, len, &m, why, sizeof(why)) == 0 &&
	    m.body_len == sizeof(bin) && memcmp(m.body, bin, sizeof(bin)) == 0,
	    "a binary payload with NUL and newlines survives");
	message_free(&m);

	copy = strdup("hookspool-message 2\nid x\n");
	CHECK(message_decode(copy, strlen(copy), &m, why, sizeof(why)) < 0 &&
	    strcmp(why, "version") == 0, "another version is refused as such");
	free(copy);
	copy = strdup("");
	CHECK(message_decode(copy, 0, &m, why, sizeof(why)) < 0 &&
	    strcmp(why, "empty") == 0, "an empty file is refused as empty");
	free(copy);

	{
		struct message e = {
			.id = "../x", .event = "a", .url = "http://h/",
			.content_type = "text/plain",
		};
		CHECK(message_encode(&e, &buf, &len) < 0,
		    "an id with a slash cannot be encoded");
		e.id = "ok";
		e.content_type = "text/plain\r\nX: y";
		CHECK(message_encode(&e, &buf, &len) < 0,
		    "a field with CR LF cannot be encoded");
		e.content_type = "text/plain";
		e.created_ms = -1;
		CHECK(message_encode(&e, &buf, &len) < 0,
		    "a creation time before the epoch cannot be encoded");
	}
	CHECK(message_is_json("application/json; charset=utf-8") &&
	    message_is_json("application/cloudevents+json") &&
	    !message_is_json("text/plain"), "JSON content types are known");
	crc_both_ways();
	return unit_done();
}
