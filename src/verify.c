/*
 * verify.c - see verify.h.
 *
 * Each scheme is read into one shape (struct parsed: the signatures it
 * carries, its timestamp and id text, the hash), the signed content is
 * laid out as parts, and every key is tried against every signature.
 * The hints reuse the same steps with a changed key or body.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "ed25519.h"
#include "hmac.h"
#include "verify.h"

#define MAX_SIGS 16
#define MAX_PARTS 32
#define SIG_TEXT_MAX 200	/* longest encoded signature considered */
#define TS_DIGITS_MAX 15

struct sig {
	unsigned char bytes[ED25519_SIG_LEN];
	size_t len;		/* 0: could not be decoded, never matches */
	int ed25519;
};

struct parsed {
	struct sig sigs[MAX_SIGS];
	size_t nsigs;
	enum sha_alg alg;
	const char *sig_header;
	const char *ts_header;
	const char *ts;		/* or NULL */
	size_t tslen;
	const char *id;		/* or NULL */
	const char *kind;
};

enum key_mode {
	KEY_SCHEME,		/* as the scheme says */
	KEY_TEXT,		/* the whole text as bytes */
	KEY_TEXT_BARE,		/* the text after a whsec_ prefix */
	KEY_BASE64,		/* base64 of the text after any whsec_ */
	KEY_HEX,		/* hex of the text */
};

static const struct {
	const char *name;
	enum verify_scheme scheme;
} scheme_names[] = {
	{ "standard", VERIFY_STANDARD },
	{ "standard-webhooks", VERIFY_STANDARD },
	{ "svix", VERIFY_STANDARD },
	{ "stripe", VERIFY_STRIPE },
	{ "github", VERIFY_GITHUB },
	{ "github-sha1", VERIFY_GITHUB_SHA1 },
	{ "slack", VERIFY_SLACK },
	{ "shopify", VERIFY_SHOPIFY },
	{ "hmac", VERIFY_HMAC },
};

/* The header that gives each scheme away, for "looks like" hints. */
static const struct {
	const char *header;
	enum verify_scheme scheme;
} telltales[] = {
	{ "webhook-signature", VERIFY_STANDARD },
	{ "svix-signature", VERIFY_STANDARD },
	{ "Stripe-Signature", VERIFY_STRIPE },
	{ "X-Hub-Signature-256", VERIFY_GITHUB },
	{ "X-Hub-Signature", VERIFY_GITHUB_SHA1 },
	{ "X-Slack-Signature", VERIFY_SLACK },
	{ "X-Shopify-Hmac-Sha256", VERIFY_SHOPIFY },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int
verify_scheme_parse(const char *name, enum verify_scheme *scheme)
{
	for (size_t i = 0; i < NELEM(scheme_names); i++) {
		if (strcasecmp(name, scheme_names[i].name) == 0) {
			*scheme = scheme_names[i].scheme;
			return 0;
		}
	}
	return -1;
}

const char *
verify_scheme_name(enum verify_scheme scheme)
{
	switch (scheme) {
	case VERIFY_STANDARD:
		return "standard";
	case VERIFY_STRIPE:
		return "stripe";
	case VERIFY_GITHUB:
		return "github";
	case VERIFY_GITHUB_SHA1:
		return "github-sha1";
	case VERIFY_SLACK:
		return "slack";
	case VERIFY_SHOPIFY:
		return "shopify";
	case VERIFY_HMAC:
		return "hmac";
	}
	return "unknown";
}

/* Received text, made safe to show: printable ASCII, at most 40. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < len && i < 40; i++)
		buf[i] = s[i] >= ' ' && s[i] < 0x7f ? s[i] : '?';
	if (s[i])
		memcpy(buf + i++, "...", 4);
	else
		buf[i] = '\0';
	return buf;
}

static void
duration(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (s >= 86400)
		snprintf(buf, len, "%" PRId64 "d%" PRId64 "h", s / 86400,
		    s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%" PRId64 "h%" PRId64 "m", s / 3600,
		    s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%" PRId64 "m%" PRId64 "s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRId64 "s", s);
}

int
verify_template_valid(const char *content)
{
	size_t fields = 0;

	for (const char *p = content; p && *p; p++) {
		if (*p != '{')
			continue;
		if (strncmp(p, "{body}", 6) != 0 &&
		    strncmp(p, "{timestamp}", 11) != 0 &&
		    strncmp(p, "{id}", 4) != 0)
			return -1;
		if (++fields > MAX_PARTS / 2 - 1)
			return -1;
	}
	return 0;
}

/*
 * The one value of a header the scheme needs.  Missing, repeated or
 * empty is malformed: with two values a proxy and we might disagree on
 * which one counts.
 */
static const char *
need(const struct httpreq *req, const char *name, struct verify_outcome *out)
{
	size_t count;
	const char *v = httpreq_get(req, name, &count);

	if (v == NULL)
		snprintf(out->reason, sizeof(out->reason),
		    "missing header '%s'", name);
	else if (count > 1)
		snprintf(out->reason, sizeof(out->reason),
		    "header '%s' appears %zu times", name, count);
	else if (*v == '\0')
		snprintf(out->reason, sizeof(out->reason),
		    "header '%s' is empty", name);
	else
		return v;
	return NULL;
}

/* An optional header: NULL if absent; -1 if repeated. */
static int
optional(const struct httpreq *req, const char *name, const char **v,
    struct verify_outcome *out)
{
	size_t count;

	*v = name ? httpreq_get(req, name, &count) : NULL;
	if (*v != NULL && count > 1) {
		snprintf(out->reason, sizeof(out->reason),
		    "header '%s' appears %zu times", name, count);
		return -1;
	}
	if (*v != NULL && **v == '\0')
		*v = NULL;
	return 0;
}

/* Decode one encoded signature and keep it, decodable or not. */
static int
add_sig(struct parsed *p, const char *s, size_t len, int base64,
    size_t want, int ed25519, struct verify_outcome *out)
{
	struct sig *sig;
	unsigned char buf[base64_decoded_max(SIG_TEXT_MAX)];
	size_t n;

	if (p->nsigs == MAX_SIGS) {
		snprintf(out->reason, sizeof(out->reason),
		    "more than %d signatures in '%s'", MAX_SIGS,
		    p->sig_header);
		return -1;
	}
	sig = &p->sigs[p->nsigs++];
	memset(sig, 0, sizeof(*sig));
	sig->ed25519 = ed25519;
	if (len > SIG_TEXT_MAX)
		return 0;
	if (base64) {
		if (base64_decode(s, len, buf, &n) == 0 && n == want) {
			memcpy(sig->bytes, buf, n);
			sig->len = n;
		}
	} else if (sign_unhex(s, len, sig->bytes, want) == 0) {
		sig->len = want;
	}
	return 0;
}

static int
empty_sig(struct parsed *p, struct verify_outcome *out)
{
	snprintf(out->reason, sizeof(out->reason),
	    "empty signature in '%s'", p->sig_header);
	return -1;
}

static int
parse_standard(const struct httpreq *req, struct parsed *p,
    struct verify_outcome *out)
{
	static char names[2][3][20] = {
		{ "webhook-id", "webhook-timestamp", "webhook-signature" },
		{ "svix-id", "svix-timestamp", "svix-signature" },
	};
	int svix = httpreq_get(req, "webhook-signature", NULL) == NULL &&
	    httpreq_get(req, "webhook-id", NULL) == NULL &&
	    httpreq_get(req, "svix-signature", NULL) != NULL;
	const char *v, *s;
	size_t known = 0;

	p->alg = SHA_256;
	p->sig_header = names[svix][2];
	p->ts_header = names[svix][1];
	if ((p->id = need(req, names[svix][0], out)) == NULL ||
	    (p->ts = need(req, names[svix][1], out)) == NULL ||
	    (v = need(req, names[svix][2], out)) == NULL)
		return -1;

	/* "v1,BASE64 v1a,BASE64 ...": other versions are skipped. */
	for (s = v; *s; ) {
		size_t len = strcspn(s, " ");
		int rc = 0;

		if (len > 3 && strncmp(s, "v1,", 3) == 0) {
			rc = add_sig(p, s + 3, len - 3, 1, 32, 0, out);
			known++;
		} else if (len > 4 && strncmp(s, "v1a,", 4) == 0) {
			rc = add_sig(p, s + 4, len - 4, 1, ED25519_SIG_LEN, 1,
			    out);
			known++;
		}
		if (rc < 0)
			return -1;
		s += len;
		s += strspn(s, " ");
	}
	if (known == 0) {
		snprintf(out->reason, sizeof(out->reason),
		    "no v1 or v1a signature in '%s'", p->sig_header);
		return -1;
	}
	return 0;
}

static int
parse_stripe(const struct httpreq *req, struct parsed *p,
    struct verify_outcome *out)
{
	const char *v, *s;
	size_t known = 0, stamps = 0;

	p->alg = SHA_256;
	p->sig_header = "Stripe-Signature";
	p->ts_header = "Stripe-Signature t=";
	if ((v = need(req, p->sig_header, out)) == NULL)
		return -1;
	for (s = v; *s; ) {
		size_t len = strcspn(s, ",");

		if (len >= 2 && strncmp(s, "t=", 2) == 0) {
			/* Points into the header; the ',' ends it below. */
			stamps++;
			p->ts = s + 2;
			p->tslen = len - 2;
		} else if (len >= 3 && strncmp(s, "v1=", 3) == 0) {
			if (len == 3)
				return empty_sig(p, out);
			if (add_sig(p, s + 3, len - 3, 0, 32, 0, out) < 0)
				return -1;
			known++;
		}
		s += len;
		if (*s)
			s++;
	}
	if (stamps != 1) {
		snprintf(out->reason, sizeof(out->reason), stamps ?
		    "more than one t= in '%s'" : "no t= timestamp in '%s'",
		    p->sig_header);
		return -1;
	}
	if (known == 0) {
		snprintf(out->reason, sizeof(out->reason),
		    "no v1= signature in '%s'", p->sig_header);
		return -1;
	}
	return 0;
}

/* PREFIX then one encoded MAC, as GitHub, Slack and Shopify send. */
static int
parse_single(const struct httpreq *req, struct parsed *p,
    const char *prefix, int base64, struct verify_outcome *out)
{
	const char *v;
	size_t plen = prefix ? strlen(prefix) : 0;
	char buf[48];

	if ((v = need(req, p->sig_header, out)) == NULL)
		return -1;
	if (plen && strncmp(v, prefix, plen) != 0) {
		snprintf(out->reason, sizeof(out->reason),
		    "header '%s' does not start with '%s' (it starts '%s')",
		    p->sig_header, prefix, shown(v, buf, 12));
		return -1;
	}
	if (v[plen] == '\0')
		return empty_sig(p, out);
	return add_sig(p, v + plen, strlen(v + plen), base64,
	    sha_digest_len(p->alg), 0, out);
}

static int
parse_scheme(const struct verify_config *cfg, const struct httpreq *req,
    struct parsed *p, struct verify_outcome *out)
{
	switch (cfg->scheme) {
	case VERIFY_STANDARD:
		p->kind = "v1";
		return parse_standard(req, p, out);
	case VERIFY_STRIPE:
		p->kind = "v1";
		return parse_stripe(req, p, out);
	case VERIFY_GITHUB:
	case VERIFY_GITHUB_SHA1:
		if (optional(req, "X-GitHub-Delivery", &p->id, out) < 0)
			return -1;
		p->alg = cfg->scheme == VERIFY_GITHUB ? SHA_256 : SHA_1;
		p->kind = sha_alg_name(p->alg);
		p->sig_header = cfg->scheme == VERIFY_GITHUB ?
		    "X-Hub-Signature-256" : "X-Hub-Signature";
		return parse_single(req, p, cfg->scheme == VERIFY_GITHUB ?
		    "sha256=" : "sha1=", 0, out);
	case VERIFY_SLACK:
		p->alg = SHA_256;
		p->kind = "v0";
		p->sig_header = "X-Slack-Signature";
		p->ts_header = "X-Slack-Request-Timestamp";
		if ((p->ts = need(req, p->ts_header, out)) == NULL)
			return -1;
		return parse_single(req, p, "v0=", 0, out);
	case VERIFY_SHOPIFY:
		if (optional(req, "X-Shopify-Webhook-Id", &p->id, out) < 0)
			return -1;
		p->alg = SHA_256;
		p->kind = "sha256";
		p->sig_header = "X-Shopify-Hmac-Sha256";
		return parse_single(req, p, NULL, 1, out);
	case VERIFY_HMAC:
		p->alg = cfg->hmac.alg;
		p->kind = sha_alg_name(p->alg);
		p->sig_header = cfg->hmac.header;
		p->ts_header = cfg->hmac.timestamp_header;
		if (p->ts_header &&
		    (p->ts = need(req, p->ts_header, out)) == NULL)
			return -1;
		if (optional(req, cfg->hmac.id_header, &p->id, out) < 0)
			return -1;
		return parse_single(req, p, cfg->hmac.prefix,
		    cfg->hmac.base64, out);
	}
	return -1;
}

static int
parse(const struct verify_config *cfg, const struct httpreq *req,
    struct parsed *p, struct verify_outcome *out)
{
	memset(p, 0, sizeof(*p));
	if (parse_scheme(cfg, req, p, out) < 0)
		return -1;
	if (p->ts && p->tslen == 0)
		p->tslen = strlen(p->ts);
	return 0;
}

/* The timestamp text as whole seconds. */
static int
timestamp(const struct parsed *p, int64_t *ts, struct verify_outcome *out)
{
	size_t len = p->tslen;
	int64_t v = 0;
	char buf[48];

	for (size_t i = 0; i < len; i++) {
		if (p->ts[i] < '0' || p->ts[i] > '9' || i >= TS_DIGITS_MAX)
			goto bad;
		v = v * 10 + (p->ts[i] - '0');
	}
	if (len == 0)
		goto bad;
	*ts = v;
	return 0;
bad:
	snprintf(out->reason, sizeof(out->reason),
	    "timestamp '%s' in '%s' is not a number of seconds",
	    shown(p->ts, buf, sizeof(buf)), p->ts_header);
	return -1;
}

/* The signed content of the scheme, as parts; the count. */
static size_t
content(const struct verify_config *cfg, const struct parsed *p,
    const char *body, size_t blen, struct sign_part *parts)
{
	size_t n = 0, tslen = p->tslen;
	const char *t;

#define PART(d, l) (parts[n++] = (struct sign_part){ (d), (l) })
	switch (cfg->scheme) {
	case VERIFY_STANDARD:
		PART(p->id, strlen(p->id));
		PART(".", 1);
		PART(p->ts, tslen);
		PART(".", 1);
		break;
	case VERIFY_STRIPE:
		PART(p->ts, tslen);
		PART(".", 1);
		break;
	case VERIFY_SLACK:
		PART("v0:", 3);
		PART(p->ts, tslen);
		PART(":", 1);
		break;
	case VERIFY_HMAC:
		t = cfg->hmac.content ? cfg->hmac.content : "{body}";
		while (*t && n < MAX_PARTS - 1) {
			size_t lit = strcspn(t, "{");

			if (lit) {
				PART(t, lit);
				t += lit;
			} else if (strncmp(t, "{body}", 6) == 0) {
				PART(body, blen);
				t += 6;
			} else if (strncmp(t, "{timestamp}", 11) == 0) {
				PART(p->ts ? p->ts : "", tslen);
				t += 11;
			} else if (strncmp(t, "{id}", 4) == 0) {
				PART(p->id ? p->id : "", p->id ? strlen(p->id) : 0);
				t += 4;
			} else {
				PART(t, 1);
				t++;
			}
		}
		return n;
	default:
		break;
	}
	PART(body, blen);
	return n;
#undef PART
}

/* The bytes of a key in a mode; -1 when it has none in that mode. */
static int
key_bytes(const struct verify_config *cfg, const struct sign_key *key,
    enum key_mode mode, unsigned char *buf, size_t *len)
{
	const char *text = (const char *)key->text;
	size_t tlen = key->textlen;
	int whsec = tlen > 6 && memcmp(text, "whsec_", 6) == 0;

	if (mode == KEY_SCHEME && cfg->scheme == VERIFY_STANDARD) {
		if (key->kind == SIGN_KEY_WHSEC) {
			memcpy(buf, key->key, key->keylen);
			*len = key->keylen;
			return 0;
		}
		if (key->kind != SIGN_KEY_TEXT)
			return -1;
		mode = KEY_BASE64;
	} else if (mode == KEY_SCHEME) {
		mode = KEY_TEXT;
	}

	switch (mode) {
	case KEY_TEXT:
		memcpy(buf, text, tlen);
		*len = tlen;
		return 0;
	case KEY_TEXT_BARE:
		if (!whsec)
			return -1;
		memcpy(buf, text + 6, tlen - 6);
		*len = tlen - 6;
		return 0;
	case KEY_BASE64:
		if (whsec) {
			text += 6;
			tlen -= 6;
		}
		if (base64_decode(text, tlen, buf, len) < 0 || *len == 0)
			return -1;
		return 0;
	case KEY_HEX:
		if (tlen % 2 || sign_unhex(text, tlen, buf, tlen / 2) < 0)
			return -1;
		*len = tlen / 2;
		return 0;
	default:
		return -1;
	}
}

static int
match_ed25519(const struct verify_config *cfg, const struct parsed *p,
    const char *body, size_t blen, const struct sign_key *key)
{
	unsigned char pub[ED25519_KEY_LEN];
	int64_t ts;
	struct verify_outcome scratch;
	char *msg = NULL;
	size_t mlen;
	int rc = 0;

	if (key->kind == SIGN_KEY_WHPK)
		memcpy(pub, key->key, sizeof(pub));
	else if (key->kind != SIGN_KEY_WHSK || ed25519_public(key->key, pub))
		return key->kind == SIGN_KEY_WHSK ? -1 : 0;
	if (timestamp(p, &ts, &scratch) < 0)
		return 0;
	for (size_t i = 0; i < p->nsigs && rc == 0; i++) {
		if (!p->sigs[i].ed25519 || p->sigs[i].len != ED25519_SIG_LEN)
			continue;
		if (msg == NULL) {
			msg = sign_stdwebhooks_content(p->id, ts, body, blen,
			    &mlen);
			if (msg == NULL)
				return -1;
		}
		rc = ed25519_verify(pub, msg, mlen, p->sigs[i].bytes);
	}
	(void)cfg;
	free(msg);
	return rc;
}

/*
 * Does any key, taken in mode, give a MAC equal to any signature over
 * this body?  1 yes (*which names the matching signature), 0 no, -1
 * when a check could not be made.
 */
static int
match(const struct verify_config *cfg, const struct parsed *p,
    enum key_mode mode, const char *body, size_t blen,
    const struct sig **which)
{
	struct sign_part parts[MAX_PARTS];
	size_t nparts = content(cfg, p, body, blen, parts);
	size_t dl = sha_digest_len(p->alg);
	unsigned char kb[SIGN_KEY_MAX], mac[SHA_MAX_DIGEST];
	int found = 0, failed = 0;

	for (size_t k = 0; k < cfg->nkeys && !found; k++) {
		size_t klen;

		if (key_bytes(cfg, &cfg->keys[k], mode, kb, &klen) == 0) {
			sign_mac(p->alg, kb, klen, parts, nparts, mac);
			for (size_t i = 0; i < p->nsigs; i++) {
				const struct sig *s = &p->sigs[i];

				if (!s->ed25519 && s->len == dl &&
				    hmac_equal(mac, s->bytes, dl)) {
					found = 1;
					*which = s;
				}
			}
		}
		if (!found && mode == KEY_SCHEME &&
		    cfg->scheme == VERIFY_STANDARD) {
			int rc = match_ed25519(cfg, p, body, blen,
			    &cfg->keys[k]);

			if (rc > 0) {
				found = 1;
				*which = NULL;
			}
			failed |= rc < 0;
		}
	}
	explicit_bzero(kb, sizeof(kb));
	explicit_bzero(mac, sizeof(mac));
	if (found)
		return 1;
	return failed ? -1 : 0;
}

static void
replay_key(const struct verify_config *cfg, const struct parsed *p,
    const struct sig *which, struct verify_outcome *out)
{
	struct sha_ctx ctx;
	unsigned char d[32];
	const char *name = verify_scheme_name(cfg->scheme);

	/* The id if the scheme sends one, else the signature itself. */
	sha_init(&ctx, SHA_256);
	sha_update(&ctx, name, strlen(name) + 1);
	if (p->id)
		sha_update(&ctx, p->id, strlen(p->id));
	else if (which)
		sha_update(&ctx, which->bytes, which->len);
	sha_final(&ctx, d);
	sign_hex(d, sizeof(d), out->replay_key);
}

enum verify_result
verify_request(const struct verify_config *cfg, const struct httpreq *req,
    struct verify_outcome *out)
{
	struct parsed p;
	const struct sig *which = NULL;
	const char *body = req->body ? req->body : "";
	char ago[32], tol[32];
	int64_t skew;
	int rc;

	memset(out, 0, sizeof(*out));
	if (parse(cfg, req, &p, out) < 0)
		return out->result = VERIFY_MALFORMED;
	out->id = p.id;
	if (p.ts) {
		if (timestamp(&p, &out->timestamp, out) < 0)
			return out->result = VERIFY_MALFORMED;
		out->has_timestamp = 1;
	}

	rc = match(cfg, &p, KEY_SCHEME, body, req->body_len, &which);
	if (rc < 0) {
		snprintf(out->reason, sizeof(out->reason),
		    "cannot check the v1a signature: %s", strerror(errno));
		return out->result = VERIFY_ERROR;
	}
	if (rc == 0) {
		snprintf(out->reason, sizeof(out->reason),
		    "no signature in '%s' matches %s", p.sig_header,
		    cfg->nkeys == 1 ? "the secret" : "any of the secrets");
		return out->result = VERIFY_BAD;
	}
	out->signature = which && !which->ed25519 ? p.kind : "v1a";

	if (out->has_timestamp) {
		skew = cfg->now_ms - out->timestamp * 1000;
		if (skew > cfg->tolerance_ms || -skew > cfg->tolerance_ms) {
			duration(skew < 0 ? -skew : skew, ago, sizeof(ago));
			duration(cfg->tolerance_ms, tol, sizeof(tol));
			snprintf(out->reason, sizeof(out->reason),
			    "timestamp %" PRId64 " is %s in the %s "
			    "(tolerance %s)", out->timestamp, ago,
			    skew > 0 ? "past" : "future", tol);
			return out->result = VERIFY_STALE;
		}
	}
	replay_key(cfg, &p, which, out);
	return out->result = VERIFY_OK;
}

static void
hint(char *buf, size_t len, const char *text)
{
	size_t used = strlen(buf);

	if (used > 0 && used + 2 < len) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	snprintf(buf + used, len - used, "%s", text);
}

static void
body_hints(const struct verify_config *cfg, const struct parsed *p,
    const struct httpreq *req, char *buf, size_t len)
{
	const struct sig *which;
	const char *body = req->body ? req->body : "";
	size_t blen = req->body_len, cut = 0;
	char *longer;

	if (blen > 0 && body[blen - 1] == '\n')
		cut = blen > 1 && body[blen - 2] == '\r' ? 2 : 1;
	if (cut && match(cfg, p, KEY_SCHEME, body, blen - cut, &which) > 0)
		hint(buf, len, "the body would match without its trailing "
		    "newline: the sender signed it before a newline was added");
	if (cut || (longer = malloc(blen + 2)) == NULL)
		return;
	memcpy(longer, body, blen);
	longer[blen] = '\n';
	if (match(cfg, p, KEY_SCHEME, longer, blen + 1, &which) > 0)
		hint(buf, len, "the body would match with a trailing newline: "
		    "it was lost on the way here");
	free(longer);
}

static void
key_hints(const struct verify_config *cfg, const struct parsed *p,
    const struct httpreq *req, char *buf, size_t len)
{
	const struct sig *which;
	const char *body = req->body ? req->body : "";

	if (cfg->scheme == VERIFY_STANDARD) {
		if (match(cfg, p, KEY_TEXT, body, req->body_len, &which) > 0 ||
		    match(cfg, p, KEY_TEXT_BARE, body, req->body_len,
		    &which) > 0)
			hint(buf, len, "the secret would match if used as text: "
			    "the sender did not base64-decode it");
		return;
	}
	if (match(cfg, p, KEY_BASE64, body, req->body_len, &which) > 0)
		hint(buf, len, "the secret would match if base64-decoded: "
		    "the sender decoded it, this scheme uses it as text");
	else if (match(cfg, p, KEY_HEX, body, req->body_len, &which) > 0)
		hint(buf, len, "the secret would match if hex-decoded: "
		    "the sender decoded it, this scheme uses it as text");
}

static void
scheme_hints(const struct verify_config *cfg, const struct httpreq *req,
    char *buf, size_t len)
{
	char text[160];

	for (size_t i = 0; i < NELEM(telltales); i++) {
		enum verify_scheme s = telltales[i].scheme;

		if (s == cfg->scheme ||
		    httpreq_get(req, telltales[i].header, NULL) == NULL)
			continue;
		/* Both GitHub headers present: the SHA-256 one is meant. */
		if (s == VERIFY_GITHUB_SHA1 && cfg->scheme == VERIFY_GITHUB &&
		    httpreq_get(req, "X-Hub-Signature-256", NULL) != NULL)
			continue;
		snprintf(text, sizeof(text), "the headers look like %s "
		    "('%s' is present): try --scheme %s",
		    verify_scheme_name(s), telltales[i].header,
		    verify_scheme_name(s));
		hint(buf, len, text);
		return;
	}
}

static void
stale_hints(const struct verify_outcome *out, int64_t now_ms, char *buf,
    size_t len)
{
	int64_t skew = now_ms / 1000 - out->timestamp;
	int64_t hours = (skew < 0 ? -skew : skew) + 150;

	if (out->timestamp > 100000000000)
		hint(buf, len, "the timestamp looks like milliseconds; the "
		    "scheme sends seconds");
	else if (hours % 3600 < 300 && hours >= 3600)
		hint(buf, len, "the clocks differ by whole hours: a time zone "
		    "applied to a Unix time?");
	else
		hint(buf, len, "check that this host's clock and the sender's "
		    "are set (NTP), or widen --tolerance");
}

void
verify_hints(const struct verify_config *cfg, const struct httpreq *req,
    const struct verify_outcome *out, char *buf, size_t len)
{
	struct parsed p;
	struct verify_outcome scratch;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (out->result == VERIFY_STALE) {
		stale_hints(out, cfg->now_ms, buf, len);
		return;
	}
	if (out->result == VERIFY_BAD &&
	    parse(cfg, req, &p, &scratch) == 0) {
		key_hints(cfg, &p, req, buf, len);
		body_hints(cfg, &p, req, buf, len);
	}
	if (buf[0] == '\0')
		scheme_hints(cfg, req, buf, len);
}

static int
open_dir(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Remove markers older than the window; errors are only skipped. */
static void
prune(int dfd, int64_t now_ms, int64_t window_ms)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	struct stat st;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != VERIFY_REPLAY_KEY_LEN ||
		    strspn(e->d_name, "0123456789abcdef") !=
		    VERIFY_REPLAY_KEY_LEN)
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) &&
		    (int64_t)st.st_mtime * 1000 < now_ms - window_ms)
			unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
}

int
verify_seen_claim(const char *dir, const char *key, int64_t now_ms,
    int64_t window_ms)
{
	struct timespec ts[2];
	struct stat st;
	int dfd, fd = -1, err, tries;

	if ((dfd = open_dir(dir)) < 0)
		return -1;
	for (tries = 0; tries < 2 && fd < 0; tries++) {
		fd = openat(dfd, key, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
		if (fstatat(dfd, key, &st, AT_SYMLINK_NOFOLLOW) < 0)
			goto fail;
		if ((int64_t)st.st_mtime * 1000 >= now_ms - window_ms) {
			close(dfd);
			return 1;
		}
		/* An expired marker is not a replay; start a fresh one. */
		if (unlinkat(dfd, key, 0) < 0 && errno != ENOENT)
			goto fail;
	}
	if (fd < 0)
		goto fail;

	/* The marker's time is the acceptance time, --now included. */
	ts[0].tv_sec = ts[1].tv_sec = (time_t)(now_ms / 1000);
	ts[0].tv_nsec = ts[1].tv_nsec = (long)(now_ms % 1000) * 1000000;
	if (futimens(fd, ts) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (fsync(dfd) < 0)
		goto fail;

	/* Pruning reads the whole directory: do it for 1 key in 16. */
	if (key[0] == '0')
		prune(dfd, now_ms, window_ms);
	close(dfd);
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	close(dfd);
	errno = err;
	return -1;
}

int
verify_seen_release(const char *dir, const char *key)
{
	int dfd = open_dir(dir), rc, err;

	if (dfd < 0)
		return -1;
	rc = unlinkat(dfd, key, 0);
	err = errno;
	close(dfd);
	errno = err;
	return rc;
}

int
verify_fuzz_header(const uint8_t *data, size_t len)
{
	static const char *const headers[] = {
		"webhook-signature", "Stripe-Signature",
		"X-Hub-Signature-256", "X-Hub-Signature",
		"X-Slack-Signature", "X-Shopify-Hmac-Sha256", "X-Sig",
	};
	struct httpreq_limits lim = { 16, 4096, 4096 };
	struct verify_config cfg;
	struct verify_outcome out;
	struct sign_key key;
	struct httpreq req;
	char hints[256];

	if (len < 1)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.scheme = (enum verify_scheme)(data[0] % 7);
	cfg.hmac = (struct verify_hmac){ "X-Sig", SHA_256, data[0] & 8,
	    "sha256=", "X-Ts", NULL, "{timestamp}.{body}" };
	sign_key_parse("whsec_c2VjcmV0", 14, &key);
	cfg.keys = &key;
	cfg.nkeys = 1;
	cfg.tolerance_ms = 300000;
	cfg.now_ms = 1700000000000;
	httpreq_init(&req, &lim);
	httpreq_add(&req, "webhook-id", 10, "msg_1", 5);
	httpreq_add(&req, "webhook-timestamp", 17, "1700000000", 10);
	httpreq_add(&req, "X-Slack-Request-Timestamp", 25, "1700000000", 10);
	httpreq_add(&req, "X-Ts", 4, "1700000000", 10);
	if (httpreq_add(&req, headers[cfg.scheme], strlen(headers[cfg.scheme]),
	    (const char *)data + 1, len - 1) == HTTPREQ_OK) {
		verify_request(&cfg, &req, &out);
		verify_hints(&cfg, &req, &out, hints, sizeof(hints));
	}
	httpreq_free(&req);
	return 0;
}
