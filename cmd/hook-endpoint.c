/*
 * hook-endpoint - manage the endpoints of a spool: where messages go,
 * how they are signed, and whether sending to them is on.
 */
static const char usage_text[] =
"usage: hook-endpoint [-d DIR] COMMAND [ARGUMENTS]\n"
"\n"
"  add NAME -u URL [-e PATTERN]... [--scheme SCHEME] [-H 'Name: value']...\n"
"      [--timeout D] [--connect-timeout D] [--retry 'D D ...']\n"
"      [--max-attempts N] [--max-age D] [--max-in-flight N] [--rate R]\n"
"      [--ordered | --no-ordered] [--permanent 'STATUS ...']\n"
"      [--deny-private | --allow-private] [--ca-file FILE]\n"
"      [--client-cert FILE] [--client-key FILE] [--proxy URL]\n"
"      [--secret-file FILE | --secret-stdin]\n"
"          create an endpoint; a whsec_ secret is made and printed\n"
"          unless one is read from FILE or standard input\n"
"  list [--json]             one line per endpoint\n"
"  show NAME [--secrets]     configuration, state and secrets (hidden)\n"
"  set NAME [options of add] change the fields given; an empty value\n"
"                            restores a field's default\n"
"  rotate NAME [--overlap D] [--secret-file FILE | --secret-stdin]\n"
"                            sign with a new secret, keeping the old\n"
"                            ones for D (default 24h)\n"
"  remove NAME               delete configuration, secrets and state\n"
"  disable NAME [--reason TEXT]\n"
"  enable NAME               clear the disabled mark and breaker state\n"
"\n"
"  -d DIR   the spool (default $HOOK_SPOOL, else ~/.local/state/hookspool)\n"
"  SCHEME is standard, standard-v1a, stripe, github or none; D is a\n"
"  duration such as 30s, 5m, 2h, 3d.\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "endpoint.h"
#include "exits.h"
#include "spool.h"
#include "util.h"

#define EDITS_MAX 512
#define SECRET_BYTES 32
#define SECRET_INPUT_MAX 4096

/* Which commands take an option. */
enum {
	G_CONFIG = 1 << 0,	/* add, set */
	G_SECRET = 1 << 1,	/* add, set, rotate */
	G_JSON = 1 << 2,	/* list */
	G_SHOW = 1 << 3,	/* show */
	G_OVERLAP = 1 << 4,	/* rotate */
	G_REASON = 1 << 5,	/* disable */
};

enum {
	OPT_SCHEME = 256, OPT_TIMEOUT, OPT_CONNECT_TIMEOUT, OPT_RETRY,
	OPT_MAX_ATTEMPTS, OPT_MAX_AGE, OPT_MAX_IN_FLIGHT, OPT_RATE,
	OPT_ORDERED, OPT_NO_ORDERED, OPT_PERMANENT, OPT_DENY_PRIVATE,
	OPT_ALLOW_PRIVATE, OPT_CA_FILE, OPT_CLIENT_CERT, OPT_CLIENT_KEY,
	OPT_PROXY, OPT_SECRET_FILE, OPT_SECRET_STDIN, OPT_JSON,
	OPT_SECRETS, OPT_OVERLAP, OPT_REASON,
};

static const struct option longopts[] = {
	{ "dir", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "url", required_argument, NULL, 'u' },
	{ "events", required_argument, NULL, 'e' },
	{ "header", required_argument, NULL, 'H' },
	{ "scheme", required_argument, NULL, OPT_SCHEME },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "retry", required_argument, NULL, OPT_RETRY },
	{ "max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS },
	{ "max-age", required_argument, NULL, OPT_MAX_AGE },
	{ "max-in-flight", required_argument, NULL, OPT_MAX_IN_FLIGHT },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "ordered", no_argument, NULL, OPT_ORDERED },
	{ "no-ordered", no_argument, NULL, OPT_NO_ORDERED },
	{ "permanent", required_argument, NULL, OPT_PERMANENT },
	{ "deny-private", no_argument, NULL, OPT_DENY_PRIVATE },
	{ "allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "client-cert", required_argument, NULL, OPT_CLIENT_CERT },
	{ "client-key", required_argument, NULL, OPT_CLIENT_KEY },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "secret-file", required_argument, NULL, OPT_SECRET_FILE },
	{ "secret-stdin", no_argument, NULL, OPT_SECRET_STDIN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "secrets", no_argument, NULL, OPT_SECRETS },
	{ "overlap", required_argument, NULL, OPT_OVERLAP },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ NULL, 0, NULL, 0 },
};

/*
 * The options that change a configuration key, with the key they set
 * and, for flags, the value they stand for.
 */
static const struct config_option {
	int code;
	const char *key;
	const char *flag_value;
} config_options[] = {
	{ 'u', "url", NULL },
	{ 'e', "events", NULL },
	{ 'H', "header", NULL },
	{ OPT_SCHEME, "scheme", NULL },
	{ OPT_TIMEOUT, "timeout", NULL },
	{ OPT_CONNECT_TIMEOUT, "connect-timeout", NULL },
	{ OPT_RETRY, "retry", NULL },
	{ OPT_MAX_ATTEMPTS, "max-attempts", NULL },
	{ OPT_MAX_AGE, "max-age", NULL },
	{ OPT_MAX_IN_FLIGHT, "max-in-flight", NULL },
	{ OPT_RATE, "rate", NULL },
	{ OPT_ORDERED, "ordered", "yes" },
	{ OPT_NO_ORDERED, "ordered", "no" },
	{ OPT_PERMANENT, "permanent", NULL },
	{ OPT_DENY_PRIVATE, "deny-private", "yes" },
	{ OPT_ALLOW_PRIVATE, "deny-private", "no" },
	{ OPT_CA_FILE, "ca-file", NULL },
	{ OPT_CLIENT_CERT, "client-cert", NULL },
	{ OPT_CLIENT_KEY, "client-key", NULL },
	{ OPT_PROXY, "proxy", NULL },
};
#define NCONFIG_OPTIONS (sizeof(config_options) / sizeof(config_options[0]))

struct edit {
	const char *key;
	const char *value;
};

/* Everything the command line said, for any command. */
struct request {
	const char *dir;
	const char *name;
	struct edit edits[EDITS_MAX];
	size_t nedits;
	const char *secret_file;	/* "-" for standard input */
	const char *overlap;
	const char *reason;
	int json;
	int show_secrets;
};

struct command {
	const char *name;
	int groups;		/* options it takes besides -d */
	int takes_name;
	int (*run)(struct request *);
};

static int
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	util_warnx("%s", msg);
	fprintf(stderr, "usage: %s [-d DIR] add|list|show|set|rotate|remove|"
	    "disable|enable ..., or %s -h\n", hook_progname, hook_progname);
	return HOOK_USAGE;
}

static int
open_spool(struct spool *sp, const struct request *rq, int create)
{
	char path[4096];

	if (spool_open(sp, rq->dir, create) == 0)
		return 0;
	if (rq->dir == NULL && spool_default_path(path, sizeof(path)) == 0)
		util_warn("cannot open spool '%s'", path);
	else
		util_warn("cannot open spool '%s'", rq->dir ? rq->dir : "");
	return hook_exit_for_errno(errno);
}

/* Is there a configuration file for name?  Says so when there is not. */
static int
known_endpoint(struct spool *sp, const char *name)
{
	char path[ENDPOINT_NAME_MAX + 16];
	struct stat st;

	snprintf(path, sizeof(path), "endpoints/%s", name);
	if (fstatat(sp->fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		return 1;
	util_warnx("unknown endpoint '%s'", name);
	return 0;
}

static int
load_endpoint(struct spool *sp, const char *name, struct endpoint *ep)
{
	char err[512];

	if (!known_endpoint(sp, name))
		return HOOK_DATAERR;
	if (endpoint_load(sp, name, ep, err, sizeof(err)) < 0) {
		int e = errno;

		util_warnx("cannot read 'endpoints/%s': %s", name, err);
		return e == EINVAL ? HOOK_DATAERR : hook_exit_for_errno(e);
	}
	return HOOK_OK;
}

/* Secrets */

/*
 * Read the first line of FILE (or standard input for "-"), without its
 * line end, and check it suits the scheme.
 */
static int
read_secret(const char *file, enum endpoint_scheme scheme, char **secret)
{
	const char *what = strcmp(file, "-") == 0 ? "standard input" : file;
	char *text, err[256];
	size_t len;
	int fd, rc, e;

	fd = strcmp(file, "-") == 0 ? 0 : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		util_warn("cannot open '%s'", file);
		return hook_exit_for_errno(errno);
	}
	rc = util_read_all(fd, SECRET_INPUT_MAX, &text, &len);
	e = errno;
	if (fd != 0)
		close(fd);
	if (rc < 0) {
		errno = e;
		util_warn("cannot read secret from '%s'", what);
		return hook_exit_for_errno(e);
	}

	text[strcspn(text, "\r\n")] = '\0';
	if (endpoint_valid_secret(scheme, text, err, sizeof(err)) < 0) {
		util_warnx("bad secret from '%s': %s", what, err);
		explicit_bzero(text, len);
		free(text);
		return HOOK_DATAERR;
	}
	*secret = text;
	return HOOK_OK;
}

/* whsec_ and the base64 of fresh random bytes. */
static int
generate_secret(char **secret)
{
	unsigned char bytes[SECRET_BYTES];
	char *s = malloc(6 + base64_encoded_len(SECRET_BYTES) + 1);

	if (s == NULL) {
		util_warn("cannot make a secret");
		return HOOK_INTERNAL;
	}
	if (util_random(bytes, sizeof(bytes)) < 0) {
		util_warn("cannot read random bytes");
		free(s);
		return hook_exit_for_errno(errno);
	}
	memcpy(s, "whsec_", 6);
	base64_encode(bytes, sizeof(bytes), s + 6);
	explicit_bzero(bytes, sizeof(bytes));
	*secret = s;
	return HOOK_OK;
}

/*
 * The secret for a new signing key: the one supplied, else a generated
 * one (*generated set) where the scheme allows it.
 */
static int
new_secret(const struct request *rq, enum endpoint_scheme scheme,
    char **secret, int *generated)
{
	*generated = 0;
	if (rq->secret_file != NULL)
		return read_secret(rq->secret_file, scheme, secret);
	if (scheme == SCHEME_STANDARD_V1A) {
		util_warnx("scheme standard-v1a signs with an Ed25519 key: "
		    "give its 'whsk_' secret key with --secret-file or "
		    "--secret-stdin");
		return HOOK_USAGE;
	}
	*generated = 1;
	return generate_secret(secret);
}

static void
free_secret(char *secret)
{
	if (secret != NULL) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
}

/* Load secrets/NAME; a missing file is no secrets. */
static int
load_secrets(struct spool *sp, const char *name,
    struct endpoint_secret **secrets, size_t *n)
{
	*secrets = NULL;
	*n = 0;
	if (endpoint_load_secrets(sp, name, secrets, n) == 0 || errno ==
	    ENOENT)
		return HOOK_OK;
	if (errno == EPERM) {
		util_warnx("cannot read 'secrets/%s': it is readable by group "
		    "or others; make it mode 0600", name);
		return HOOK_IOERR;
	}
	if (errno == EINVAL) {
		util_warnx("cannot read 'secrets/%s': bad line in file", name);
		return HOOK_DATAERR;
	}
	util_warn("cannot read 'secrets/%s'", name);
	return hook_exit_for_errno(errno);
}

static int
save_secrets(struct spool *sp, const char *name,
    const struct endpoint_secret *secrets, size_t n)
{
	if (endpoint_save_secrets(sp, name, secrets, n) == 0)
		return HOOK_OK;
	util_warn("cannot write 'secrets/%s'", name);
	return hook_exit_for_errno(errno);
}

/* Configuration edits */

static int
is_list_key(const char *key)
{
	return strcmp(key, "events") == 0 || strcmp(key, "header") == 0;
}

/*
 * Apply the edits in command-line order.  The first -e or -H replaces
 * the list and later ones add to it; an empty value restores the
 * default.  max-attempts keeps following the retry list unless it was
 * set apart from it.
 */
static int
apply_edits(struct endpoint *ep, const struct request *rq)
{
	int follows = ep->max_attempts == ep->nretry + 1, set_attempts = 0;
	int replaced_events = 0, replaced_headers = 0;
	char err[512];

	for (size_t i = 0; i < rq->nedits; i++) {
		const struct edit *ed = &rq->edits[i];
		int *replaced = strcmp(ed->key, "events") == 0 ?
		    &replaced_events : &replaced_headers;

		if (strcmp(ed->key, "max-attempts") == 0)
			set_attempts = 1;
		if (is_list_key(ed->key) && !*replaced) {
			endpoint_reset(ep, ed->key);
			*replaced = 1;
		}
		if (*ed->value == '\0') {
			endpoint_reset(ep, ed->key);
			continue;
		}
		if (endpoint_set(ep, ed->key, ed->value, err,
		    sizeof(err)) < 0) {
			util_warnx("%s", err);
			return errno == ENOMEM ? HOOK_INTERNAL : HOOK_DATAERR;
		}
	}
	if (follows && !set_attempts)
		ep->max_attempts = (unsigned)ep->nretry + 1;
	return HOOK_OK;
}

static int
has_edit(const struct request *rq, const char *key)
{
	for (size_t i = 0; i < rq->nedits; i++) {
		if (strcmp(rq->edits[i].key, key) == 0)
			return 1;
	}
	return 0;
}

/* Commands */

static int
cmd_add(struct request *rq)
{
	struct endpoint ep;
	struct endpoint_secret secret = { NULL, 0 };
	struct spool sp;
	int rc, generated = 0;

	if (!has_edit(rq, "url"))
		return usage_error("add needs -u URL");
	endpoint_init(&ep, rq->name);
	rc = apply_edits(&ep, rq);
	if (rc == HOOK_OK && ep.url == NULL)
		rc = usage_error("add needs -u URL");
	if (rc == HOOK_OK && (ep.scheme != SCHEME_NONE ||
	    rq->secret_file != NULL))
		rc = new_secret(rq, ep.scheme, &secret.value, &generated);
	if (rc != HOOK_OK || (rc = open_spool(&sp, rq, 1)) != HOOK_OK)
		goto out;

	/* The configuration file claims the name; then its secrets. */
	if (endpoint_create(&sp, &ep) < 0) {
		if (errno == EEXIST) {
			util_warnx("endpoint '%s' already exists", rq->name);
			rc = HOOK_DATAERR;
		} else {
			util_warn("cannot write 'endpoints/%s'", rq->name);
			rc = hook_exit_for_errno(errno);
		}
	} else {
		/* State left by an interrupted remove is not this endpoint's. */
		rc = save_secrets(&sp, rq->name, &secret,
		    secret.value ? 1 : 0);
		if (rc == HOOK_OK && endpoint_clear_state(&sp, rq->name) < 0) {
			util_warn("cannot clear 'state/%s'", rq->name);
			rc = hook_exit_for_errno(errno);
		}
		if (rc != HOOK_OK)
			endpoint_remove(&sp, rq->name);
	}
	if (rc == HOOK_OK && generated)
		printf("%s\n", secret.value);
	spool_close(&sp);
out:
	free_secret(secret.value);
	endpoint_free(&ep);
	return rc;
}

static void
json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
list_one(const struct endpoint *ep, int disabled, const char *reason,
    int json, int first)
{
	const char *state = disabled ? "disabled" : "enabled";

	if (!json) {
		printf("%s %s ", ep->name, ep->url);
		for (size_t i = 0; i < ep->nevents; i++)
			printf("%s%s", i ? "," : "", ep->events[i]);
		printf(" %s %s\n", endpoint_scheme_name(ep->scheme), state);
		return;
	}
	printf("%s{\"name\":", first ? "" : ",\n");
	json_string(ep->name);
	printf(",\"url\":");
	json_string(ep->url);
	printf(",\"events\":[");
	for (size_t i = 0; i < ep->nevents; i++) {
		printf("%s", i ? "," : "");
		json_string(ep->events[i]);
	}
	printf("],\"scheme\":\"%s\",\"state\":\"%s\"",
	    endpoint_scheme_name(ep->scheme), state);
	if (disabled) {
		printf(",\"reason\":");
		json_string(reason);
	}
	printf("}");
}

static int
cmd_list(struct request *rq)
{
	struct spool sp;
	char **names, reason[600];
	size_t n, shown = 0;
	int rc = HOOK_OK;

	/* No spool yet is no endpoints yet. */
	if (spool_open(&sp, rq->dir, 0) < 0) {
		if (errno != ENOENT)
			return open_spool(&sp, rq, 0);
		if (rq->json)
			printf("[]\n");
		return HOOK_OK;
	}
	if (endpoint_list(&sp, &names, &n) < 0) {
		util_warn("cannot list 'endpoints'");
		rc = hook_exit_for_errno(errno);
		spool_close(&sp);
		return rc;
	}

	if (rq->json)
		printf("[\n");
	for (size_t i = 0; i < n; i++) {
		struct endpoint ep;
		int disabled, one = load_endpoint(&sp, names[i], &ep);

		if (one != HOOK_OK) {
			rc = one;
			continue;
		}
		disabled = endpoint_disabled(&sp, names[i], reason,
		    sizeof(reason));
		list_one(&ep, disabled > 0, reason, rq->json, shown++ == 0);
		endpoint_free(&ep);
	}
	if (rq->json)
		printf("%s]\n", shown ? "\n" : "");
	endpoint_free_names(names, n);
	spool_close(&sp);
	return rc;
}

static void
show_secrets(const struct endpoint_secret *secrets, size_t n, int reveal)
{
	int64_t now = util_now_ms() / 1000;
	char when[40];

	printf("secrets %zu\n", n);
	for (size_t i = 0; i < n; i++) {
		printf("secret %zu %s", i + 1,
		    reveal ? secrets[i].value : "(hidden)");
		if (secrets[i].expires == 0) {
			printf(" expires=never\n");
			continue;
		}
		util_format_time(secrets[i].expires * 1000, when,
		    sizeof(when));
		printf(" expires=%s%s\n", when,
		    secrets[i].expires <= now ? " (expired)" : "");
	}
}

static int
cmd_show(struct request *rq)
{
	struct endpoint_secret *secrets = NULL;
	struct endpoint ep;
	struct spool sp;
	char reason[600], *text = NULL;
	size_t n = 0;
	int rc, disabled;

	if ((rc = open_spool(&sp, rq, 0)) != HOOK_OK)
		return rc;
	endpoint_init(&ep, rq->name);
	if ((rc = load_endpoint(&sp, rq->name, &ep)) != HOOK_OK ||
	    (rc = load_secrets(&sp, rq->name, &secrets, &n)) != HOOK_OK)
		goto out;
	disabled = endpoint_disabled(&sp, rq->name, reason, sizeof(reason));
	if ((text = endpoint_format(&ep)) == NULL) {
		util_warn("cannot format '%s'", rq->name);
		rc = HOOK_INTERNAL;
		goto out;
	}

	printf("name %s\n", ep.name);
	if (disabled > 0)
		printf("state disabled: %s\n", reason);
	else
		printf("state enabled\n");
	fputs(text, stdout);
	show_secrets(secrets, n, rq->show_secrets);
out:
	free(text);
	endpoint_free_secrets(secrets, n);
	endpoint_free(&ep);
	spool_close(&sp);
	return rc;
}

/*
 * After a change of scheme, the secrets kept must suit the new one; a
 * signing scheme with no secret left gets a new one.
 */
static int
check_scheme_secrets(const struct request *rq, enum endpoint_scheme scheme,
    struct endpoint_secret *secrets, size_t n, char **fresh, int *generated)
{
	int64_t now = util_now_ms() / 1000;
	size_t active = 0;
	char err[256];

	for (size_t i = 0; i < n; i++) {
		if (secrets[i].expires != 0 && secrets[i].expires <= now)
			continue;
		active++;
		if (endpoint_valid_secret(scheme, secrets[i].value, err,
		    sizeof(err)) < 0) {
			util_warnx("endpoint '%s' has a secret unfit for the "
			    "new scheme: %s; give a new one with "
			    "--secret-file or --secret-stdin", rq->name, err);
			return HOOK_DATAERR;
		}
	}
	if (active > 0 || scheme == SCHEME_NONE)
		return HOOK_OK;
	return new_secret(rq, scheme, fresh, generated);
}

static int
cmd_set(struct request *rq)
{
	struct endpoint_secret *secrets = NULL, given = { NULL, 0 };
	struct endpoint ep;
	struct spool sp;
	enum endpoint_scheme old_scheme;
	size_t n = 0;
	int rc, generated = 0;

	if ((rc = open_spool(&sp, rq, 0)) != HOOK_OK)
		return rc;
	endpoint_init(&ep, rq->name);
	if ((rc = load_endpoint(&sp, rq->name, &ep)) != HOOK_OK)
		goto out;
	old_scheme = ep.scheme;
	if ((rc = apply_edits(&ep, rq)) != HOOK_OK)
		goto out;

	/* A secret given replaces them all at once, without overlap. */
	if (rq->secret_file != NULL)
		rc = read_secret(rq->secret_file, ep.scheme, &given.value);
	else if (ep.scheme != old_scheme &&
	    (rc = load_secrets(&sp, rq->name, &secrets, &n)) == HOOK_OK)
		rc = check_scheme_secrets(rq, ep.scheme, secrets, n,
		    &given.value, &generated);
	if (rc != HOOK_OK)
		goto out;

	if (endpoint_save(&sp, &ep) < 0) {
		util_warn("cannot write 'endpoints/%s'", rq->name);
		rc = hook_exit_for_errno(errno);
		goto out;
	}
	if (given.value != NULL &&
	    (rc = save_secrets(&sp, rq->name, &given, 1)) == HOOK_OK &&
	    generated)
		printf("%s\n", given.value);
out:
	free_secret(given.value);
	endpoint_free_secrets(secrets, n);
	endpoint_free(&ep);
	spool_close(&sp);
	return rc;
}

/*
 * The new secret goes first, so it signs first; the old ones still in
 * force sign too until now + overlap; expired ones are dropped.
 */
static int
cmd_rotate(struct request *rq)
{
	struct endpoint_secret *old = NULL, *next = NULL;
	struct endpoint ep;
	struct spool sp;
	int64_t overlap_ms = 24 * 3600 * 1000LL, now, until;
	size_t nold = 0, n = 0;
	int rc, generated = 0;

	if (rq->overlap != NULL &&
	    util_parse_duration_ms(rq->overlap, &overlap_ms) < 0) {
		util_warnx("bad overlap '%s' (a duration such as 24h)",
		    rq->overlap);
		return HOOK_DATAERR;
	}
	if ((rc = open_spool(&sp, rq, 0)) != HOOK_OK)
		return rc;
	endpoint_init(&ep, rq->name);
	if ((rc = load_endpoint(&sp, rq->name, &ep)) != HOOK_OK ||
	    (rc = load_secrets(&sp, rq->name, &old, &nold)) != HOOK_OK)
		goto out;
	if (ep.scheme == SCHEME_NONE && rq->secret_file == NULL) {
		util_warnx("endpoint '%s' has scheme none: there is no secret "
		    "to rotate", rq->name);
		rc = HOOK_DATAERR;
		goto out;
	}
	if ((next = calloc(nold + 1, sizeof(*next))) == NULL) {
		util_warn("cannot rotate '%s'", rq->name);
		rc = HOOK_INTERNAL;
		goto out;
	}
	if ((rc = new_secret(rq, ep.scheme, &next[0].value, &generated)) !=
	    HOOK_OK)
		goto out;
	n = 1;

	now = util_now_ms() / 1000;
	until = now + overlap_ms / 1000;
	for (size_t i = 0; i < nold && overlap_ms >= 1000; i++) {
		if (old[i].expires != 0 && old[i].expires <= now)
			continue;
		next[n].value = old[i].value;
		next[n].expires = old[i].expires == 0 ||
		    old[i].expires > until ? until : old[i].expires;
		n++;
	}
	rc = save_secrets(&sp, rq->name, next, n);
	if (rc == HOOK_OK && generated)
		printf("%s\n", next[0].value);
out:
	if (next != NULL)
		free_secret(next[0].value);
	free(next);
	endpoint_free_secrets(old, nold);
	endpoint_free(&ep);
	spool_close(&sp);
	return rc;
}

static int
cmd_remove(struct request *rq)
{
	struct spool sp;
	int rc;

	if ((rc = open_spool(&sp, rq, 0)) != HOOK_OK)
		return rc;
	if (endpoint_remove(&sp, rq->name) < 0) {
		if (errno == ENOENT) {
			util_warnx("unknown endpoint '%s'", rq->name);
			rc = HOOK_DATAERR;
		} else {
			util_warn("cannot remove endpoint '%s'", rq->name);
			rc = hook_exit_for_errno(errno);
		}
	}
	spool_close(&sp);
	return rc;
}

static int
cmd_disable(struct request *rq)
{
	const char *reason = rq->reason ? rq->reason : "disabled by hand";
	struct spool sp;
	int rc;

	if ((rc = open_spool(&sp, rq, 0)) != HOOK_OK)
		return rc;
	if (!known_endpoint(&sp, rq->name)) {
		rc = HOOK_DATAERR;
	} else if (endpoint_set_disabled(&sp, rq->name, reason) < 0) {
		if (errno == EINVAL) {
			util_warnx("bad reason: it must be one line of at "
			    "most 512 bytes without control characters");
			rc = HOOK_DATAERR;
		} else {
			util_warn("cannot write 'state/%s/disabled'",
			    rq->name);
			rc = hook_exit_for_errno(errno);
		}
	}
	spool_close(&sp);
	return rc;
}

static int
cmd_enable(struct request *rq)
{
	struct spool sp;
	int rc;

	if ((rc = open_spool(&sp, rq, 0)) != HOOK_OK)
		return rc;
	if (!known_endpoint(&sp, rq->name)) {
		rc = HOOK_DATAERR;
	} else if (endpoint_clear_state(&sp, rq->name) < 0) {
		util_warn("cannot clear 'state/%s'", rq->name);
		rc = hook_exit_for_errno(errno);
	}
	spool_close(&sp);
	return rc;
}

static const struct command commands[] = {
	{ "add", G_CONFIG | G_SECRET, 1, cmd_add },
	{ "list", G_JSON, 0, cmd_list },
	{ "show", G_SHOW, 1, cmd_show },
	{ "set", G_CONFIG | G_SECRET, 1, cmd_set },
	{ "rotate", G_SECRET | G_OVERLAP, 1, cmd_rotate },
	{ "remove", 0, 1, cmd_remove },
	{ "disable", G_REASON, 1, cmd_disable },
	{ "enable", 0, 1, cmd_enable },
};

/* Command-line parsing */

static const struct config_option *
config_option(int code)
{
	for (size_t i = 0; i < NCONFIG_OPTIONS; i++) {
		if (config_options[i].code == code)
			return &config_options[i];
	}
	return NULL;
}

static int
option_group(int code)
{
	switch (code) {
	case OPT_SECRET_FILE:
	case OPT_SECRET_STDIN:
		return G_SECRET;
	case OPT_JSON:
		return G_JSON;
	case OPT_SECRETS:
		return G_SHOW;
	case OPT_OVERLAP:
		return G_OVERLAP;
	case OPT_REASON:
		return G_REASON;
	default:
		return config_option(code) ? G_CONFIG : 0;
	}
}

static int
bad_option(char **argv, int c)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return usage_error("option '%s' needs a value", opt);
	if (optopt != 0 && optopt < 256)
		return usage_error("unknown option '-%c'", optopt);
	return usage_error("unknown option '%s'", opt);
}

/* One option of a command into rq; HOOK_USAGE if it does not belong. */
static int
take_option(const struct command *cmd, struct request *rq, int c,
    const char *given)
{
	const struct config_option *co = config_option(c);

	if (c == 'd') {
		rq->dir = optarg;
		return HOOK_OK;
	}
	if ((option_group(c) & cmd->groups) == 0)
		return usage_error("%s does not take option '%s'",
		    cmd->name, given);
	if (co != NULL) {
		if (rq->nedits >= EDITS_MAX)
			return usage_error("too many options");
		rq->edits[rq->nedits].key = co->key;
		rq->edits[rq->nedits++].value = co->flag_value ?
		    co->flag_value : optarg;
		return HOOK_OK;
	}
	switch (c) {
	case OPT_SECRET_FILE:
	case OPT_SECRET_STDIN:
		if (rq->secret_file != NULL)
			return usage_error("give one of --secret-file and "
			    "--secret-stdin");
		rq->secret_file = c == OPT_SECRET_STDIN ? "-" : optarg;
		break;
	case OPT_JSON:
		rq->json = 1;
		break;
	case OPT_SECRETS:
		rq->show_secrets = 1;
		break;
	case OPT_OVERLAP:
		rq->overlap = optarg;
		break;
	case OPT_REASON:
		rq->reason = optarg;
		break;
	}
	return HOOK_OK;
}

/* The options and arguments after the command's name. */
static int
parse_command(const struct command *cmd, int argc, char **argv,
    struct request *rq)
{
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":d:u:e:H:h", longopts,
	    NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			exit(HOOK_OK);
		}
		if (c == '?' || c == ':')
			return bad_option(argv, c);
		if ((rc = take_option(cmd, rq, c, argv[optind - 1])) != HOOK_OK)
			return rc;
	}

	if (cmd->takes_name) {
		if (optind >= argc)
			return usage_error("%s needs an endpoint name",
			    cmd->name);
		rq->name = argv[optind++];
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return HOOK_OK;
}

int
main(int argc, char **argv)
{
	static struct request rq;
	const struct command *cmd = NULL;
	int c, rc;

	util_setprogname(argv[0]);

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:d:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return HOOK_OK;
		}
		if (c != 'd')
			return bad_option(argv, c);
		rq.dir = optarg;
	}
	if (optind >= argc)
		return usage_error("no command given");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0)
			cmd = &commands[i];
	}
	if (cmd == NULL)
		return usage_error("unknown command '%s'", argv[optind]);

	rc = parse_command(cmd, argc - optind, argv + optind, &rq);
	if (rc != HOOK_OK)
		return rc;
	if (rq.name != NULL && !util_valid_name(rq.name, ENDPOINT_NAME_MAX)) {
		util_warnx("bad endpoint name '%s': use 1 to %d of A-Z a-z "
		    "0-9 _ . -, not starting with '.'", rq.name,
		    ENDPOINT_NAME_MAX);
		return HOOK_DATAERR;
	}

	rc = cmd->run(&rq);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		util_warn("cannot write to standard output");
		if (rc == HOOK_OK)
			rc = HOOK_IOERR;
	}
	return rc;
}
