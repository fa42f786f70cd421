/*
 * message.h - the message file: what one webhook is, and how it is kept
 * on disk so that a reader can prove the file is complete.
 *
 * The format (version 1) is text lines, then the exact payload bytes,
 * then a trailer:
 *
 *	hookspool-message 1
 *	id msg_...
 *	created MILLISECONDS
 *	event TYPE
 *	endpoint NAME		(or: url URL)
 *	content-type TYPE
 *	key KEY			(optional)
 *	header Name: value	(any number)
 *	meta name value		(any number)
 *	body LENGTH
 *	<LENGTH bytes>
 *	\nend CRC\n		(CRC-32C of everything before, 8 hex digits)
 *
 * message_decode() accepts a file only if every part is present and
 * consistent: the version, the declared length matching the file size,
 * the trailer, and the checksum.  A file truncated at any byte or
 * damaged anywhere is refused with EBADMSG and a one-word reason
 * ("truncated", "checksum", "version", "header", "empty", ...).
 *
 * A decoded message points into its buffer, which it owns: release it
 * with message_free().  An encoded message is one malloc'd buffer.
 */
#ifndef HOOK_MESSAGE_H
#define HOOK_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#define MESSAGE_MAGIC "hookspool-message 1\n"
#define MESSAGE_HEADER_MAX (256 * 1024)
#define MESSAGE_BODY_MAX (256 * 1024 * 1024)
#define MESSAGE_EVENT_MAX 128
#define MESSAGE_TRAILER_LEN 14

struct message {
	char *buf;		/* owned file bytes, or NULL */
	size_t len;
	const char *id;
	int64_t created_ms;
	const char *event;
	const char *endpoint;	/* or NULL */
	const char *url;	/* or NULL */
	const char *content_type;
	const char *key;	/* or NULL */
	const char **headers;	/* "Name: value"; array owned */
	size_t nheaders;
	const char **meta;	/* "name value"; array owned */
	size_t nmeta;
	const unsigned char *body;
	size_t body_len;
};

/*
 * Encode m into a new buffer; -1 (EINVAL) if a field cannot be stored
 * (created_ms before the epoch is one: decode would refuse the file).
 */
int message_encode(const struct message *m, char **out, size_t *outlen);

/*
 * Decode buf; on success m owns buf.  On failure buf still belongs to
 * the caller, errno is EBADMSG and why holds the reason word.
 */
int message_decode(char *buf, size_t len, struct message *m, char *why,
    size_t whylen);

/* Read and decode dirfd/path (O_NOFOLLOW, regular files only). */
int message_load(int dirfd, const char *path, struct message *m,
    char *why, size_t whylen);

void message_free(struct message *m);

/* The value of meta field name, or NULL. */
const char *message_meta(const struct message *m, const char *name);

/* Event types: 1 to MESSAGE_EVENT_MAX of [A-Za-z0-9_.:-]. */
int message_valid_event(const char *type);

/* Is this content type JSON (application/json or +json)? */
int message_is_json(const char *content_type);

/* CRC-32C (Castagnoli), continuing from crc (start with 0). */
uint32_t message_crc32c(uint32_t crc, const void *data, size_t len);

/*
 * The CRC uses the processor's crc32 instruction (x86 SSE4.2) when it
 * has it.  message_crc_accelerate(0) turns that off, (1) back on where
 * available; either returns 1 if it is now in use.  For the tests, which
 * check both ways against the same answers.
 */
int message_crc_accelerate(int on);

#endif
