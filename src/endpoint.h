/*
 * endpoint.h - named destinations: their configuration files, their
 * secrets, and their run-time state, all inside the spool.
 *
 *	endpoints/NAME		configuration, one "key value" per line
 *	secrets/NAME		signing secrets, one per line, 0600
 *	state/NAME/		what hook-send learns: breaker, disabled
 *
 * The file formats are defined in spool-layout.md.  NAME follows
 * util_valid_name() with at most ENDPOINT_NAME_MAX characters.
 *
 * endpoint_load() fills a struct endpoint that owns all its memory;
 * release it with endpoint_free().  Parsing never prints: on bad input
 * it returns -1 with errno EINVAL and a message in err (line number and
 * what is wrong).  Writers replace a file by writing a new one in tmp/
 * and renaming it over the old one, so a reader sees the old or the new
 * file, never a mix.  Secrets are never part of struct endpoint: they
 * are read only by endpoint_load_secrets(), into memory the caller
 * clears with endpoint_free_secrets().
 */
#ifndef HOOK_ENDPOINT_H
#define HOOK_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "spool.h"

#define ENDPOINT_NAME_MAX 64
#define ENDPOINT_MAX_RETRIES 32

enum endpoint_scheme {
	SCHEME_STANDARD,	/* Standard Webhooks v1, HMAC-SHA256 */
	SCHEME_STANDARD_V1A,	/* Standard Webhooks v1a, Ed25519 */
	SCHEME_STRIPE,		/* Stripe-Signature: t=TS,v1=HEX */
	SCHEME_GITHUB,		/* X-Hub-Signature-256: sha256=HEX */
	SCHEME_NONE,
};

struct endpoint {
	char name[ENDPOINT_NAME_MAX + 1];
	char *url;
	enum endpoint_scheme scheme;
	char **events;		/* patterns; "*" when none configured */
	size_t nevents;
	char **headers;		/* "Name: value", validated */
	size_t nheaders;
	int64_t timeout_ms;	/* whole request; default 30 s */
	int64_t connect_timeout_ms;	/* default 10 s */
	int64_t retry_ms[ENDPOINT_MAX_RETRIES];	/* delay before retry i+1 */
	size_t nretry;
	unsigned max_attempts;	/* default nretry + 1 */
	int64_t max_age_ms;	/* 0: no limit; default 3 days */
	unsigned max_in_flight;	/* default 10 */
	double rate;		/* requests per second; 0: no limit */
	int ordered;		/* one in flight, in enqueue order */
	int permanent[16];	/* 4xx statuses never retried */
	size_t npermanent;
	int deny_private;	/* refuse private/loopback addresses */
	char *ca_file, *client_cert, *client_key, *proxy;	/* or NULL */
};

/* One secret with the time it stops signing (0: never). */
struct endpoint_secret {
	char *value;
	int64_t expires;	/* seconds since the epoch */
};

/* Defaults, then parse text (a file's contents) into ep. */
void endpoint_init(struct endpoint *ep, const char *name);
int endpoint_parse(struct endpoint *ep, const char *text, size_t len,
    char *err, size_t errlen);
int endpoint_load(struct spool *sp, const char *name, struct endpoint *ep,
    char *err, size_t errlen);
void endpoint_free(struct endpoint *ep);

/*
 * Set one configuration key from its text value, with the same checks
 * and messages (without the line number) as endpoint_parse; "events"
 * and "header" append.  endpoint_reset puts a key back to its default
 * ("events" and "header" become empty lists, meaning "*" and none).
 */
int endpoint_set(struct endpoint *ep, const char *key, const char *value,
    char *err, size_t errlen);
int endpoint_reset(struct endpoint *ep, const char *key);

/* Serialise ep to its file format (malloc'd, NUL-terminated). */
char *endpoint_format(const struct endpoint *ep);

/* Write endpoints/NAME atomically (tmp/, fsync, rename, fsync dir). */
int endpoint_save(struct spool *sp, const struct endpoint *ep);

/*
 * Names of all endpoints, sorted; *names is a malloc'd array of malloc'd
 * strings, freed with endpoint_free_names().
 */
int endpoint_list(struct spool *sp, char ***names, size_t *n);
void endpoint_free_names(char **names, size_t n);

/*
 * Does event type match pattern?  "*" matches all; "order.*" matches
 * "order.created" and "order.item.added"; otherwise exact.
 */
int endpoint_pattern_match(const char *pattern, const char *type);
int endpoint_subscribes(const struct endpoint *ep, const char *type);

/*
 * Secrets, newest first.  Refuses (EPERM) a file readable by group or
 * others.  endpoint_active_secrets keeps those not expired at now.
 */
int endpoint_load_secrets(struct spool *sp, const char *name,
    struct endpoint_secret **secrets, size_t *n);
void endpoint_free_secrets(struct endpoint_secret *secrets, size_t n);
/*
 * The secrets file format alone: what endpoint_load_secrets does with
 * the file's len bytes, NUL-terminated past len as util_read_all leaves
 * them.  text is modified.
 */
int endpoint_parse_secrets(char *text, size_t len,
    struct endpoint_secret **secrets, size_t *n);
int endpoint_save_secrets(struct spool *sp, const char *name,
    const struct endpoint_secret *secrets, size_t n);

/* Is the endpoint disabled?  reason gets the recorded reason. */
int endpoint_disabled(struct spool *sp, const char *name, char *reason,
    size_t len);
int endpoint_set_disabled(struct spool *sp, const char *name,
    const char *reason);
int endpoint_clear_state(struct spool *sp, const char *name);

/*
 * Create endpoints/NAME as endpoint_save does, but fail with EEXIST if
 * it exists: the configuration file is what claims a name.
 */
int endpoint_create(struct spool *sp, const struct endpoint *ep);

/*
 * Remove an endpoint: its configuration first (so that it is no longer
 * used), then its secrets, then state/NAME/.  ENOENT if there was no
 * configuration; the rest is still removed.
 */
int endpoint_remove(struct spool *sp, const char *name);

/*
 * Secrets as entered: whsec_BASE64 (24 to 64 bytes) for the HMAC
 * schemes of Standard Webhooks, whsk_BASE64 (32 or 64 bytes) for
 * standard-v1a, any printable word for stripe and github.
 */
int endpoint_valid_secret(enum endpoint_scheme scheme, const char *secret,
    char *err, size_t errlen);

/* "standard", "stripe", ... and back; parse returns -1 if unknown. */
const char *endpoint_scheme_name(enum endpoint_scheme scheme);
int endpoint_parse_scheme(const char *s, enum endpoint_scheme *scheme);

/*
 * A duration in the shortest form util_parse_duration_ms reads back
 * exactly ("30s", "3d", "1500ms"); buf should hold 24 bytes.
 */
void endpoint_format_duration(int64_t ms, char *buf, size_t len);

/* Validation shared with hook-enqueue and hook-send. */
int endpoint_valid_url(const char *url, char *err, size_t errlen);
int endpoint_valid_header(const char *line, char *err, size_t errlen);

#endif
