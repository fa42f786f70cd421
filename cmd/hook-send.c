/*
 * hook-send - take what is due from the spool, sign it, POST it, and
 * move each message to done/, to a later retry, or to dead/.
 */
static const char usage[] =
"usage: hook-send [-d DIR] [-j N] [--watch] [--max-time DURATION]\n"
"                 [--id ID]... [--deny-private] [--disable-after DURATION]\n"
"                 [--on-dead CMD] [--on-disable CMD] [--on-recover CMD]\n"
"                 [-v] [-q]\n"
"\n"
"  -d, --spool DIR         the spool (default $HOOK_SPOOL, then\n"
"                          $XDG_STATE_HOME/hookspool, ~/.local/state/hookspool)\n"
"  -j, --jobs N            transfers at once (default 16)\n"
"  -w, --watch             stay up: attempt new messages as they arrive\n"
"                          and retries as they fall due, until SIGTERM\n"
"      --id ID             attempt this message now, due or not\n"
"                          (repeatable; '-' reads ids from standard input)\n"
"                          and exit 0 delivered, 75 will retry, 69 dead\n"
"      --max-time DURATION end the run after DURATION\n"
"      --deny-private      refuse private, loopback and link-local\n"
"                          addresses for every endpoint\n"
"      --disable-after D   disable an endpoint failing for D (default 5d)\n"
"      --on-dead CMD       run CMD when a message goes dead\n"
"      --on-disable CMD    run CMD when an endpoint is disabled\n"
"      --on-recover CMD    run CMD when an endpoint recovers\n"
"  -v, --verbose           one key=value line per attempt on stderr\n"
"  -q, --quiet             no warnings, only errors\n"
"  -h, --help              this text\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "breaker.h"
#include "claim.h"
#include "deliver.h"
#include "endpoint.h"
#include "exits.h"
#include "journal.h"
#include "message.h"
#include "porter.h"
#include "schedule.h"
#include "sign.h"
#include "spool.h"
#include "util.h"

#define JOBS_DEFAULT 16
#define JOBS_MAX 1024
#define IDS_MAX 4096
#define RESCAN_MS (60 * 1000)		/* watch: full look at least this often */
#define ALERT_WAIT_MS 5000		/* at exit, for alert commands */

static const struct breaker_policy breaker_policy = { 5, 30, 3600 };

struct options {
	const char *spool;
	unsigned jobs;
	int watch;
	const char *ids[IDS_MAX];
	size_t nids;
	int64_t max_time_ms;		/* 0: none */
	int deny_private;
	int64_t disable_after_ms;
	const char *on_dead, *on_disable, *on_recover;
	int verbose, quiet;
};

/* An ordered endpoint's due message, remembered by name only. */
struct candidate {
	char dir[32];
	char name[SPOOL_NAME_MAX];
};

/* What the sender knows about one endpoint during its run. */
struct target {
	char name[ENDPOINT_NAME_MAX + 1];
	enum { T_OK, T_MISSING, T_BROKEN } state;
	struct endpoint ep;
	struct sign_key keys[DELIVER_KEYS_MAX];
	size_t nkeys;
	int disabled;
	struct breaker br;
	unsigned in_flight, parked;
	int64_t next_start;		/* monotonic ms; for its rate */
	int64_t loaded;			/* monotonic ms */
	struct candidate *cands;
	size_t ncands, capcands;
	char head[SPOOL_ID_MAX + 1];	/* ordered: a failed head holds */
};

/* A message claimed ahead of its transfer, or in one. */
struct job {
	struct porter_job pj;		/* first: the claim, the message */
	struct target *t;		/* NULL: an ad-hoc URL */
	struct deliver_xfer *x;
	int64_t start_ms, t0;
	int forced;			/* --id: due or not, breaker or not */
};

struct sender {
	struct options *o;
	struct spool sp;
	char later[64][40];	/* later/ buckets renamed into, unsynced */
	size_t nlater;
	unsigned moved;		/* renames since the last sync */
	struct journal j;		/* the porter's while it runs */
	struct porter porter;
	CURLM *multi;
	struct deliver_xfer *xfers;	/* one per transfer slot */
	unsigned *spare, nspare;		/* free transfer slots */
	struct job **park;		/* claimed ahead, waiting */
	size_t npark, cappark;
	unsigned active;
	unsigned held;		/* attempts ended, not yet filed */
	struct target **targets;
	size_t ntargets;
	struct endpoint adhoc;
	int scanning, rescan;
	int64_t next_wake;		/* real ms; 0: none */
	int64_t deadline;		/* monotonic ms; 0: none */
	int inotify, sigpipe[2];
	uint64_t rng;
	unsigned alerts;
	int worst;			/* --id: the worst outcome */
	int failed;			/* a system error in the pass */
};

static volatile sig_atomic_t stopping;
static int sigpipe_w = -1;

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t
random32(struct sender *s)
{
	/* xorshift64*: jitter needs spread, not secrecy. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * 2685821657736338717ULL) >> 32);
}

static void
on_signal(int sig)
{
	int e = errno;

	(void)sig;
	stopping = 1;
	/* The flag is what counts; the pipe only wakes the poll. */
	if (sigpipe_w >= 0) {
		ssize_t w = write(sigpipe_w, "x", 1);

		(void)w;
	}
	errno = e;
}

/* Alerts */

extern char **environ;

/* 1 if the environment entry e sets one of names. */
static int
sets_one_of(const char *e, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		if (strncmp(e, names[i], len) == 0 && e[len] == '=')
			return 1;
	}
	return 0;
}

/*
 * The command runs under /bin/sh with the details in its environment.
 * The environment is made here and the child only execs, since the
 * porter thread may hold a lock at the instant the child is made.
 */
static void
alert(struct sender *s, const char *cmd, const char *event,
    const char *id, const char *endpoint, const char *reason, long status)
{
	enum { NVARS = 6 };
	static const char *const names[NVARS] = { "HOOK_EVENT", "HOOK_ID",
		"HOOK_ENDPOINT", "HOOK_REASON", "HOOK_STATUS", "HOOK_SPOOL" };
	const char *values[NVARS];
	char st[24], *vars[NVARS] = { NULL }, **env = NULL;
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	size_t n = 0, k = 0;
	pid_t pid;
	int e = ENOMEM;

	if (cmd == NULL)
		return;
	snprintf(st, sizeof(st), "%ld", status);
	values[0] = event;
	values[1] = id ? id : "";
	values[2] = endpoint ? endpoint : "";
	values[3] = reason ? reason : "";
	values[4] = status > 0 ? st : "";
	values[5] = s->sp.path;
	while (environ[n])
		n++;
	if ((env = calloc(n + NVARS + 1, sizeof(*env))) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!sets_one_of(environ[i], names, NVARS))
			env[k++] = environ[i];
	for (size_t v = 0; v < NVARS; v++) {
		if (asprintf(&vars[v], "%s=%s", names[v], values[v]) < 0) {
			vars[v] = NULL;
			goto out;
		}
		env[k++] = vars[v];
	}
	env[k] = NULL;
	if ((e = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, env)) == 0)
		s->alerts++;
out:
	for (size_t v = 0; v < NVARS; v++)
		free(vars[v]);
	free(env);
	if (e != 0) {
		errno = e;
		util_warn("cannot run the %s command", event);
	}
}

static void
reap_alerts(struct sender *s, int64_t wait_ms)
{
	int64_t until = mono_ms() + wait_ms;

	while (s->alerts > 0) {
		pid_t p = waitpid(-1, NULL, wait_ms ? 0 : WNOHANG);

		if (p > 0) {
			s->alerts--;
			continue;
		}
		if (p < 0 && errno == ECHILD) {
			s->alerts = 0;
			break;
		}
		if (wait_ms == 0 || mono_ms() >= until)
			break;
	}
}

/* Endpoints */

static void
target_unload(struct target *t)
{
	if (t->state == T_OK)
		endpoint_free(&t->ep);
	for (size_t i = 0; i < t->nkeys; i++)
		sign_key_wipe(&t->keys[i]);
	t->nkeys = 0;
}

static void
target_load(struct sender *s, struct target *t)
{
	struct endpoint_secret *secrets = NULL;
	size_t n = 0;
	char err[256], why[64];
	int64_t now = util_now_ms() / 1000;

	t->loaded = mono_ms();
	if (endpoint_load(&s->sp, t->name, &t->ep, err, sizeof(err)) < 0) {
		if (errno == ENOENT) {
			t->state = T_MISSING;
			return;
		}
		t->state = T_BROKEN;
		if (!s->o->quiet)
			util_warnx("endpoint '%s' skipped: %s", t->name, err);
		return;
	}
	t->state = T_OK;
	t->disabled = endpoint_disabled(&s->sp, t->name, why, sizeof(why)) == 1;
	if (breaker_load(&s->sp, t->name, &t->br) < 0)
		memset(&t->br, 0, sizeof(t->br));
	if (t->ep.scheme == SCHEME_NONE)
		return;
	if (endpoint_load_secrets(&s->sp, t->name, &secrets, &n) < 0 &&
	    errno != ENOENT) {
		util_warn("cannot read secrets of endpoint '%s'", t->name);
		endpoint_free(&t->ep);	/* only a T_OK target owns one */
		t->state = T_BROKEN;
		return;
	}
	for (size_t i = 0; i < n && t->nkeys < DELIVER_KEYS_MAX; i++) {
		if (secrets[i].expires && secrets[i].expires <= now)
			continue;
		if (sign_key_parse(secrets[i].value, strlen(secrets[i].value),
		    &t->keys[t->nkeys]) == 0)
			t->nkeys++;
	}
	endpoint_free_secrets(secrets, n);
}

/*
 * The target of an endpoint name, loaded on first use.  In --watch an
 * idle target is read again every few seconds, so that a changed
 * configuration, a rotated secret or `hook-endpoint enable` are seen.
 */
static struct target *
target_get(struct sender *s, const char *name)
{
	struct target *t = NULL, **v;

	for (size_t i = 0; i < s->ntargets; i++)
		if (strcmp(s->targets[i]->name, name) == 0)
			t = s->targets[i];
	if (t != NULL) {
		if (t->in_flight == 0 && t->parked == 0 && t->ncands == 0 &&
		    mono_ms() - t->loaded > 5000) {
			target_unload(t);
			target_load(s, t);
		}
		return t;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	v = realloc(s->targets, (s->ntargets + 1) * sizeof(*v));
	if (v == NULL) {
		free(t);
		return NULL;
	}
	s->targets = v;
	s->targets[s->ntargets++] = t;
	snprintf(t->name, sizeof(t->name), "%s", name);
	target_load(s, t);
	return t;
}

static void
save_breaker(struct sender *s, struct target *t)
{
	if (breaker_save(&s->sp, t->name, &t->br) < 0)
		util_warn("cannot write 'state/%s/breaker'", t->name);
}

static void
disable(struct sender *s, struct target *t, const char *reason,
    const char *id, long status)
{
	if (endpoint_set_disabled(&s->sp, t->name, reason) < 0)
		util_warn("cannot disable endpoint '%s'", t->name);
	t->disabled = 1;
	if (s->o->verbose)
		fprintf(stderr, "endpoint=%s disabled=yes reason=\"%s\"\n",
		    t->name, reason);
	alert(s, s->o->on_disable, "disable", id, t->name, reason, status);
}

/* The ordered-mode head: a message that failed and holds the rest. */
static void
head_path(const struct target *t, char *buf, size_t len)
{
	snprintf(buf, len, "state/%s/ordered-head", t->name);
}

static void
set_head(struct sender *s, struct target *t, const char *id)
{
	char path[SPOOL_NAME_MAX + 32], tmp[SPOOL_NAME_MAX + 64];
	int fd;

	head_path(t, path, sizeof(path));
	if (id == NULL) {
		if (t->head[0] && unlinkat(s->sp.fd, path, 0) < 0 &&
		    errno != ENOENT)
			util_warn("cannot remove '%s'", path);
		t->head[0] = '\0';
		return;
	}
	snprintf(t->head, sizeof(t->head), "%s", id);
	/* The breaker file is written first, so state/NAME/ exists. */
	save_breaker(s, t);
	if ((fd = spool_tmp_create(&s->sp, id, tmp, sizeof(tmp))) < 0 ||
	    util_write_all(fd, id, strlen(id)) < 0 || close(fd) < 0 ||
	    renameat(s->sp.fd, tmp, s->sp.fd, path) < 0) {
		util_warn("cannot write '%s'", path);
		unlinkat(s->sp.fd, tmp, 0);
	}
}

static void
load_head(struct sender *s, struct target *t)
{
	char path[SPOOL_NAME_MAX + 32], *text;
	size_t len;

	head_path(t, path, sizeof(path));
	t->head[0] = '\0';
	if (util_read_file(s->sp.fd, path, SPOOL_ID_MAX, &text, &len) == 0) {
		snprintf(t->head, sizeof(t->head), "%.*s",
		    (int)strcspn(text, "\n"), text);
		free(text);
	}
}

/* Moving claimed messages on */

/* A job not attempted after all: released, it stays queued. */
static void
job_free(struct job *jb)
{
	porter_job_free(&jb->pj);
}

static void sync_later(struct sender *s);

/*
 * The later/ buckets a pass moved messages into or out of are synced
 * like done/ and dead/: a power cut must not keep a retry's removal
 * from its old place and lose its arrival in the new one.
 */
static void
note_later(struct sender *s, const char *dir)
{
	for (size_t i = 0; i < s->nlater; i++)
		if (strcmp(s->later[i], dir) == 0)
			return;
	if (s->nlater == sizeof(s->later) / sizeof(s->later[0])) {
		porter_drain(&s->porter);	/* the renames come first */
		sync_later(s);
	}
	snprintf(s->later[s->nlater++], sizeof(s->later[0]), "%s", dir);
}

/*
 * Hand the claimed job to the porter, which writes its journal line (if
 * record made one), then moves it to dir under its new name.  The job
 * is the porter's from here on: the caller must not touch it again.
 */
static void
finish(struct sender *s, struct job *jb, const char *dir, unsigned attempts,
    int64_t time, const char *reason)
{
	struct spool_name sn = jb->pj.c.sn;
	char name[SPOOL_NAME_MAX];

	sn.attempts = attempts;
	sn.time = time;
	util_copy(sn.reason, sizeof(sn.reason), reason ? reason : "");
	spool_format_name(name, sizeof(name), &sn);
	util_join(jb->pj.to, sizeof(jb->pj.to), dir, name);
	s->moved++;
	if (strncmp(jb->pj.c.dir, "later/", 6) == 0)
		note_later(s, jb->pj.c.dir);
	if (strncmp(dir, "later/", 6) == 0)
		note_later(s, dir);
	porter_file(&s->porter, &jb->pj);
}

static void
later_dir(char *buf, size_t len, int64_t due)
{
	spool_later_dir(buf, len, due);
}

/* The dead alert, then the move to dead/ (the job is gone after). */
static void
go_dead(struct sender *s, struct job *jb, unsigned attempts,
    const char *reason, long status)
{
	alert(s, s->o->on_dead, "dead", jb->pj.m.id,
	    jb->t ? jb->t->name : NULL, reason, status);
	if (s->worst != HOOK_PERMFAIL)
		s->worst = HOOK_PERMFAIL;
	finish(s, jb, "dead", attempts, util_now_ms() / 1000, reason);
}

/* The outcome of one attempt */

/*
 * The journal line of the attempt, kept in the job for the porter to
 * write: the strings that do not outlive this call are copied into it.
 */
static void
record(struct sender *s, struct job *jb, const struct deliver_result *r,
    unsigned attempt, const char *outcome, const char *reason,
    int64_t next_due)
{
	struct porter_job *pj = &jb->pj;
	struct journal_attempt *a = &pj->a;
	size_t kept = jb->x->kept < sizeof(pj->response) ? jb->x->kept :
	    sizeof(pj->response);

	memcpy(pj->response, jb->x->body, kept);
	if (r->detail)
		util_copy(pj->detail, sizeof(pj->detail), r->detail);
	if (reason)
		util_copy(pj->reason, sizeof(pj->reason), reason);
	*a = (struct journal_attempt){
		.id = pj->m.id,
		.endpoint = jb->t ? jb->t->name : NULL,
		.url = pj->m.url,
		.event = pj->m.event,
		.attempt = attempt,
		.start_ms = jb->start_ms,
		.duration_ms = mono_ms() - jb->t0,
		.status = r->status,
		.error = r->error,
		.detail = r->detail ? pj->detail : NULL,
		.class = r->class,
		.outcome = outcome,
		.reason = reason ? pj->reason : NULL,
		.next_due = next_due,
		.response = pj->response,
		.response_len = kept,
	};
	pj->has_line = 1;
	if (s->o->verbose)
		fprintf(stderr, "id=%s endpoint=%s attempt=%u status=%ld "
		    "outcome=%s ms=%" PRId64 "%s%s\n", pj->m.id,
		    jb->t ? jb->t->name : "-", attempt, r->status, outcome,
		    a->duration_ms, reason ? " reason=" : "",
		    reason ? reason : "");
}

/* A failed attempt: the breaker counts it; days of failure disable. */
static void
count_failure(struct sender *s, struct target *t, const char *id)
{
	int64_t now = util_now_ms() / 1000;
	char reason[128];

	breaker_failure(&t->br, &breaker_policy, now);
	save_breaker(s, t);
	if (!t->disabled && s->o->disable_after_ms > 0 &&
	    t->br.first_failure > 0 &&
	    (now - t->br.first_failure) * 1000 >= s->o->disable_after_ms) {
		snprintf(reason, sizeof(reason), "failing since %" PRId64,
		    t->br.first_failure);
		disable(s, t, reason, id, 0);
	}
}

static void
count_success(struct sender *s, struct target *t, const char *id)
{
	if (t->br.failures == 0)
		return;
	if (breaker_success(&t->br, &breaker_policy))
		alert(s, s->o->on_recover, "recover", id, t->name, NULL, 0);
	save_breaker(s, t);
}

/*
 * Judge the attempt, record it and hand the job over to be moved on.
 * The job is gone once finish or go_dead has it, so what is needed
 * after that is kept here first.
 */
static void
conclude(struct sender *s, struct job *jb, CURLcode rc)
{
	struct target *t = jb->t;
	const struct endpoint *ep = t ? &t->ep : &s->adhoc;
	struct deliver_result r;
	struct schedule_policy p = { ep->retry_ms, ep->nretry,
		ep->max_attempts, ep->max_age_ms };
	unsigned n = jb->pj.c.sn.attempts + 1;
	int64_t now = util_now_ms(), due;
	const char *reason = NULL;
	char id[SPOOL_ID_MAX + 1], why[48], bucket[40];
	char gone[ENDPOINT_NAME_MAX + 64];

	util_copy(id, sizeof(id), jb->pj.m.id);
	deliver_result(jb->x, rc, now, &r);
	switch (deliver_judge(&r, ep, why, sizeof(why))) {
	case DELIVER_OK:
		record(s, jb, &r, n, "delivered", NULL, 0);
		finish(s, jb, "done", n, now / 1000, NULL);
		if (t) {
			count_success(s, t, id);
			if (t->ep.ordered)
				set_head(s, t, NULL);
		}
		return;
	case DELIVER_GONE:
		record(s, jb, &r, n, "dead", "gone", 0);
		go_dead(s, jb, n, "gone", r.status);
		if (t && !t->disabled) {
			snprintf(gone, sizeof(gone), "410 Gone at %" PRId64,
			    now / 1000);
			disable(s, t, gone, id, r.status);
		}
		return;
	case DELIVER_DEAD:
		record(s, jb, &r, n, "dead", why, 0);
		go_dead(s, jb, n, why, r.status);
		if (t && t->ep.ordered)
			set_head(s, t, NULL);
		return;
	case DELIVER_RETRY:
		break;
	}
	if (schedule_next(&p, n, jb->pj.m.created_ms, now, r.retry_after_ms,
	    random32(s), &due, &reason) < 0) {
		record(s, jb, &r, n, "dead", reason, 0);
		go_dead(s, jb, n, reason, r.status);
		if (t && t->ep.ordered)
			set_head(s, t, NULL);
	} else {
		due = (due + 999) / 1000;
		record(s, jb, &r, n, "retry", NULL, due);
		later_dir(bucket, sizeof(bucket), due);
		finish(s, jb, bucket, n, due, NULL);
		if (s->next_wake == 0 || due * 1000 < s->next_wake)
			s->next_wake = due * 1000;
		if (t && t->ep.ordered)
			set_head(s, t, id);
		if (s->worst == HOOK_OK)
			s->worst = HOOK_TEMPFAIL;
	}
	if (t)
		count_failure(s, t, id);
}

/* Starting transfers */

/*
 * Whether a transfer may start: fewer than -j in flight, and fewer than
 * twice -j attempts whose outcome is not on disk yet (the porter files
 * it), so that a crash repeats at most twice -j attempts.
 */
static int
slot_free(const struct sender *s)
{
	return s->active < s->o->jobs && s->active + s->held <
	    2 * s->o->jobs;
}

static int
can_start(struct sender *s, struct job *jb, int64_t mono)
{
	struct target *t = jb->t;
	unsigned cap;

	if (!slot_free(s))
		return 0;
	if (t == NULL)
		return 1;
	cap = t->ep.ordered ? 1 : t->ep.max_in_flight;
	if (!jb->forced && breaker_gate(&t->br, &breaker_policy,
	    util_now_ms() / 1000) != BREAKER_CLOSED)
		cap = 1;	/* the probe */
	if (t->in_flight >= cap)
		return 0;
	if (t->ep.rate > 0 && mono < t->next_start)
		return 0;
	return 1;
}

/* Start the transfer of a claimed message (or finish it at once). */
static void
start(struct sender *s, struct job *jb)
{
	struct target *t = jb->t;
	struct deliver_request rq = { 0 };
	char why[32];
	unsigned slot = s->spare[--s->nspare];	/* can_start saw one */

	jb->x = &s->xfers[slot];
	jb->start_ms = util_now_ms();
	jb->t0 = mono_ms();
	rq.m = &jb->pj.m;
	rq.ep = t ? &t->ep : &s->adhoc;
	rq.url = t ? t->ep.url : jb->pj.m.url;
	rq.scheme = t ? t->ep.scheme : SCHEME_NONE;
	rq.keys = t ? t->keys : NULL;
	rq.nkeys = t ? t->nkeys : 0;
	rq.ts = jb->start_ms / 1000;
	rq.deny_private = s->o->deny_private || (t && t->ep.deny_private);
	if (deliver_setup(jb->x, &rq, why, sizeof(why)) < 0) {
		s->spare[s->nspare++] = slot;
		go_dead(s, jb, jb->pj.c.sn.attempts, why, 0);
		return;
	}
	if (s->deadline) {
		int64_t left = s->deadline - jb->t0;

		if (left < 1000)
			left = 1000;
		if (left < rq.ep->timeout_ms)
			curl_easy_setopt(jb->x->easy, CURLOPT_TIMEOUT_MS,
			    (long)left);
	}
	curl_easy_setopt(jb->x->easy, CURLOPT_PRIVATE, jb);
	curl_multi_add_handle(s->multi, jb->x->easy);
	s->active++;
	if (t) {
		t->in_flight++;
		if (t->ep.rate > 0) {
			int64_t step = (int64_t)(1000.0 / t->ep.rate);

			t->next_start = (t->next_start > jb->t0 ?
			    t->next_start : jb->t0) + step;
		}
	}
}

/* Start what the limits allow from the park, oldest first. */
static void
dispatch(struct sender *s)
{
	int64_t mono = mono_ms();
	size_t keep = 0;

	s->held = porter_pending(&s->porter);
	for (size_t i = 0; i < s->npark; i++) {
		struct job *jb = s->park[i];

		if (jb->t && !jb->forced && breaker_gate(&jb->t->br,
		    &breaker_policy, util_now_ms() / 1000) == BREAKER_OPEN) {
			/* Opened while this waited: it stays where it lies. */
			jb->t->parked--;
			job_free(jb);
			continue;
		}
		if (stopping || !can_start(s, jb, mono)) {
			s->park[keep++] = jb;
			continue;
		}
		if (jb->t)
			jb->t->parked--;
		start(s, jb);
	}
	s->npark = keep;
}

/* Looking at one due file */

static int
park(struct sender *s, struct job *jb)
{
	if (s->npark == s->cappark) {
		size_t cap = s->cappark ? s->cappark * 2 : 16;
		struct job **v = realloc(s->park, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		s->park = v;
		s->cappark = cap;
	}
	s->park[s->npark++] = jb;
	if (jb->t)
		jb->t->parked++;
	return 0;
}

static void
add_candidate(struct target *t, const char *dir, const char *name)
{
	if (t->ncands == t->capcands) {
		size_t cap = t->capcands ? t->capcands * 2 : 16;
		struct candidate *v = realloc(t->cands, cap * sizeof(*v));

		if (v == NULL)
			return;	/* seen again at the next pass */
		t->cands = v;
		t->capcands = cap;
	}
	util_copy(t->cands[t->ncands].dir, sizeof(t->cands[0].dir), dir);
	util_copy(t->cands[t->ncands].name, sizeof(t->cands[0].name), name);
	t->ncands++;
}

/* Claim and read a due file; NULL if busy, gone or quarantined. */
static struct job *
take_file(struct sender *s, const char *dir, const char *name)
{
	return (struct job *)porter_take(&s->sp, dir, name, sizeof(struct job),
	    s->o->quiet);
}

/* Decide what to do with a due message just read. */
static void
consider(struct sender *s, struct job *jb, int forced)
{
	struct target *t = NULL;

	jb->forced = forced;
	if (jb->pj.m.endpoint) {
		if ((t = target_get(s, jb->pj.m.endpoint)) == NULL)
			goto skip;
		jb->t = t;
		if (t->state == T_MISSING) {
			jb->t = NULL;
			go_dead(s, jb, jb->pj.c.sn.attempts, "no-endpoint", 0);
			return;
		}
		if (t->state == T_BROKEN)
			goto skip;
		if (t->disabled) {
			if (forced)
				s->worst = HOOK_PERMFAIL;
			goto skip;
		}
		if (!forced && breaker_gate(&t->br, &breaker_policy,
		    util_now_ms() / 1000) == BREAKER_OPEN) {
			int64_t at = t->br.open_until * 1000;

			if (s->next_wake == 0 || at < s->next_wake)
				s->next_wake = at;
			goto skip;
		}
		if (t->ep.ordered && !forced) {
			add_candidate(t, jb->pj.c.dir, jb->pj.c.name);
			goto skip;
		}
	}
	if (park(s, jb) == 0)
		return;
skip:
	job_free(jb);
}

static int
cmp_candidate(const void *a, const void *b)
{
	return strcmp(((const struct candidate *)a)->name,
	    ((const struct candidate *)b)->name);
}

/*
 * An ordered endpoint, once the scan has seen all its due messages:
 * the oldest goes first, and only it, unless a failed head is waiting
 * for its retry, in which case nothing goes until it is due.
 */
static void
dispatch_ordered(struct sender *s, struct target *t)
{
	struct job *jb;

	if (t->ncands == 0 || t->in_flight > 0 || t->parked > 0)
		return;
	qsort(t->cands, t->ncands, sizeof(*t->cands), cmp_candidate);
	load_head(s, t);
	for (size_t i = 0; i < t->ncands; i++) {
		struct candidate *c = &t->cands[i];
		size_t idlen = strcspn(c->name, ":");

		if (t->head[0] && (strlen(t->head) != idlen ||
		    strncmp(t->head, c->name, idlen) != 0))
			continue;
		if ((jb = take_file(s, c->dir, c->name)) == NULL)
			continue;
		jb->t = t;
		if (park(s, jb) < 0)
			job_free(jb);
		break;
	}
	t->ncands = 0;
}

static void
scan_restart(struct sender *s)
{
	porter_scan(&s->porter, util_now_ms() / 1000);
	s->scanning = 1;
	s->rescan = 0;
}

/* The scan has ended: what it passed over sets the next wake. */
static void
scan_ended(struct sender *s, int64_t next_due, int err)
{
	s->scanning = 0;
	if (err) {
		/*
		 * Not again at once: a spool that cannot be read now (no
		 * descriptor left, say) would spin the loop.  A pass ends;
		 * --watch tries again at its next wake.
		 */
		util_warn("cannot read the queue of '%s'", s->sp.path);
		s->failed = 1;
	}
	if (next_due > 0 && (s->next_wake == 0 ||
	    next_due * 1000 < s->next_wake))
		s->next_wake = next_due * 1000;
	for (size_t i = 0; i < s->ntargets; i++)
		dispatch_ordered(s, s->targets[i]);
}

/* Take what the porter read ahead until the park is full. */
static void
fill(struct sender *s)
{
	struct porter_job *pj;
	int64_t next_due;
	int ended, err;

	while (s->scanning && !stopping && s->npark < 2 * s->o->jobs) {
		pj = porter_next(&s->porter, &ended, &next_due, &err);
		if (pj != NULL)
			consider(s, (struct job *)pj, 0);
		else if (ended)
			scan_ended(s, next_due, err);
		else
			return;
	}
}

/* Transfers that ended */

static void
harvest(struct sender *s)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(s->multi, &left)) != NULL) {
		CURL *easy = msg->easy_handle;
		CURLcode rc = msg->data.result;
		struct deliver_xfer *x;
		struct target *t;
		struct job *jb;

		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg is not to be read once its handle is removed. */
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&jb);
		curl_multi_remove_handle(s->multi, easy);
		x = jb->x;
		t = jb->t;
		conclude(s, jb, rc);	/* jb is gone after this */
		deliver_cleanup(x);
		s->spare[s->nspare++] = (unsigned)(x - s->xfers);
		s->active--;
		if (t) {
			t->in_flight--;
			/* An ordered endpoint may have more in this pass. */
			if (t->ep.ordered && s->o->nids == 0)
				s->rescan = 1;
		}
	}
}

/* --id: find a message wherever it is, by name prefix "ID:". */
static int
find_in(struct sender *s, const char *path, const char *id, char *name,
    size_t namelen)
{
	int fd = openat(s->sp.fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	size_t idlen = strlen(id);
	struct dirent *de;
	int found = 0;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!found && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, id, idlen) == 0 &&
		    de->d_name[idlen] == ':' &&
		    strlen(de->d_name) < namelen) {
			memcpy(name, de->d_name, strlen(de->d_name) + 1);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* The state the message is in (dir set), or NULL if it is nowhere. */
static const char *
find_id(struct sender *s, const char *id, char *dir, size_t dirlen,
    char *name, size_t namelen)
{
	static const char *const states[] = { "new", "cur", "done", "dead",
		"corrupt", NULL };
	struct dirent *de;
	DIR *d;
	int fd;

	for (int i = 0; states[i]; i++) {
		if (find_in(s, states[i], id, name, namelen)) {
			snprintf(dir, dirlen, "%s", states[i]);
			return states[i];
		}
	}
	/* Every bucket of later/: slow for a big backlog, fine for --id. */
	fd = openat(s->sp.fd, "later", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) + 7 > dirlen)
			continue;
		memcpy(dir, "later/", 6);
		memcpy(dir + 6, de->d_name, strlen(de->d_name) + 1);
		if (find_in(s, dir, id, name, namelen)) {
			closedir(d);
			return "later";
		}
	}
	closedir(d);
	return NULL;
}

static int
worse(int a, int b)
{
	static const int rank[] = { HOOK_OK, HOOK_TEMPFAIL, HOOK_DATAERR,
		HOOK_PERMFAIL };

	for (int i = 3; i >= 0; i--)
		if (a == rank[i] || b == rank[i])
			return rank[i];
	return a;
}

/* Park each --id message; returns the status of those not attempted. */
static int
park_ids(struct sender *s)
{
	char dir[48], name[SPOOL_NAME_MAX];
	int status = HOOK_OK;

	for (size_t i = 0; i < s->o->nids; i++) {
		const char *id = s->o->ids[i], *state;
		struct job *jb;

		state = find_id(s, id, dir, sizeof(dir), name, sizeof(name));
		if (state == NULL) {
			util_warnx("no message '%s' in '%s'", id, s->sp.path);
			status = worse(status, HOOK_DATAERR);
		} else if (strcmp(state, "done") == 0) {
			continue;
		} else if (strcmp(state, "dead") == 0 ||
		    strcmp(state, "corrupt") == 0) {
			status = worse(status, HOOK_PERMFAIL);
		} else if (strcmp(state, "cur") == 0) {
			status = worse(status, HOOK_TEMPFAIL);	/* in flight */
		} else if ((jb = take_file(s, dir, name)) == NULL) {
			status = worse(status, HOOK_TEMPFAIL);
		} else {
			int before = s->worst;

			s->worst = HOOK_OK;
			consider(s, jb, 1);
			status = worse(status, s->worst);
			s->worst = before;
		}
	}
	return status;
}

/* Waiting */

/*
 * How long the poll may sleep.  When the porter's news is awaited,
 * porter_sleep says whether it came already, or else arms the porter to
 * wake the poll.
 */
static int64_t
wait_ms(struct sender *s)
{
	int64_t w = s->o->watch ? RESCAN_MS : 1000, now = util_now_ms();
	int64_t mono = mono_ms();

	if (s->next_wake > 0) {
		int64_t d = s->next_wake - now;

		if (d < w)
			w = d < 0 ? 0 : d;
	}
	for (size_t i = 0; i < s->npark; i++) {
		struct target *t = s->park[i]->t;

		if (t && t->ep.rate > 0 && t->next_start - mono < w)
			w = t->next_start - mono < 0 ? 0 : t->next_start - mono;
	}
	if (s->deadline && s->deadline - mono < w)
		w = s->deadline - mono < 0 ? 0 : s->deadline - mono;
	/*
	 * The porter's news is awaited only when it could start a transfer:
	 * with a slot free, its next job read; with the slots held by
	 * attempts not yet filed, a filing done (see can_start).  Otherwise
	 * a transfer ending wakes the poll.
	 */
	if (slot_free(s) ? s->scanning && s->npark < 2 * s->o->jobs :
	    s->active < s->o->jobs && (s->scanning || s->npark > 0)) {
		if (w > 0 && porter_sleep(&s->porter))
			w = 0;
	} else {
		porter_kick(&s->porter);
	}
	return w;
}

static void
drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int
setup_watch(struct sender *s)
{
	char path[4096];

	s->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->inotify < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/new", s->sp.path);
	if (inotify_add_watch(s->inotify, path, IN_MOVED_TO | IN_CREATE) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/later", s->sp.path);
	if (inotify_add_watch(s->inotify, path, IN_MOVED_TO | IN_CREATE) < 0)
		return -1;
	return 0;
}

/*
 * The one loop of every mode: fill the park from the scan, start what
 * the limits allow, let libcurl move bytes, conclude what ended, and
 * sleep in curl_multi_poll on the transfers, the inotify descriptor and
 * the signal pipe until something is due.
 */
static void sync_states(struct sender *s);

static void
run(struct sender *s)
{
	struct curl_waitfd extra[2];
	unsigned nextra = 0;
	int running;

	extra[nextra].fd = s->sigpipe[0];
	extra[nextra].events = CURL_WAIT_POLLIN;
	extra[nextra++].revents = 0;
	if (s->inotify >= 0) {
		extra[nextra].fd = s->inotify;
		extra[nextra].events = CURL_WAIT_POLLIN;
		extra[nextra++].revents = 0;
	}
	for (;;) {
		int64_t now = util_now_ms();

		if (s->deadline && mono_ms() >= s->deadline)
			stopping = 1;
		if (stopping && s->scanning) {
			porter_halt(&s->porter);	/* claim nothing new */
			s->scanning = 0;
		}
		if (!stopping && !s->scanning && s->o->nids == 0 &&
		    (s->rescan || (s->o->watch && s->next_wake > 0 &&
		    now >= s->next_wake))) {
			if (s->next_wake <= now)
				s->next_wake = 0;
			scan_restart(s);
		}
		fill(s);
		dispatch(s);
		curl_multi_perform(s->multi, &running);
		harvest(s);
		dispatch(s);
		if (s->active == 0 && (stopping || (!s->scanning &&
		    !s->rescan && s->npark == 0 && !s->o->watch)))
			break;
		if (s->active == 0 && s->npark == 0 && !s->scanning &&
		    !s->o->watch && s->rescan)
			continue;
		/* A watcher makes what it moved durable when it goes idle. */
		if (s->o->watch && s->moved > 0 && s->active == 0)
			sync_states(s);
		for (unsigned i = 0; i < nextra; i++)
			extra[i].revents = 0;
		curl_multi_poll(s->multi, extra, nextra, (int)wait_ms(s),
		    NULL);
		porter_awake(&s->porter);
		if (extra[0].revents)
			drain(s->sigpipe[0]);
		if (nextra > 1 && extra[1].revents) {
			drain(s->inotify);
			s->rescan = 1;
		}
		if (s->o->watch && s->next_wake == 0)
			s->next_wake = util_now_ms() + RESCAN_MS;
		reap_alerts(s, 0);
	}
	if (s->scanning)
		porter_halt(&s->porter);
	s->scanning = 0;
	for (size_t i = 0; i < s->npark; i++) {
		if (s->park[i]->t)
			s->park[i]->t->parked--;
		job_free(s->park[i]);	/* unlocked where it lies */
	}
	s->npark = 0;
}

/* Setting up and tearing down */

static int
sender_init(struct sender *s, struct options *o)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->inotify = -1;
	s->sigpipe[0] = s->sigpipe[1] = -1;
	if (spool_open(&s->sp, o->spool, 1) < 0) {
		util_warn("cannot open spool '%s'", o->spool ? o->spool :
		    "(default)");
		return hook_exit_for_errno(errno);
	}
	/*
	 * A claim is a lock, which a read-only filesystem grants: refuse
	 * here rather than send what could not be recorded after.
	 */
	if (faccessat(s->sp.fd, ".", W_OK, AT_EACCESS) < 0 &&
	    errno == EROFS) {
		util_warn("cannot deliver from spool '%s'", s->sp.path);
		return HOOK_IOERR;
	}
	journal_init(&s->j, &s->sp);
	endpoint_init(&s->adhoc, "adhoc");
	if (util_random(&s->rng, sizeof(s->rng)) < 0 || s->rng == 0)
		s->rng = (uint64_t)mono_ms() | 1;
	s->xfers = calloc(o->jobs, sizeof(*s->xfers));
	s->spare = calloc(o->jobs, sizeof(*s->spare));
	if (s->xfers == NULL || s->spare == NULL)
		return HOOK_INTERNAL;
	for (unsigned i = 0; i < o->jobs; i++)
		s->spare[s->nspare++] = o->jobs - 1 - i;
	if (pipe2(s->sigpipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		util_warn("cannot make a pipe");
		return hook_exit_for_errno(errno);
	}
	sigpipe_w = s->sigpipe[1];
	if ((s->multi = curl_multi_init()) == NULL)
		return HOOK_INTERNAL;
	curl_multi_setopt(s->multi, CURLMOPT_PIPELINING,
	    (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)o->jobs * 2);
	if (o->watch && setup_watch(s) < 0) {
		util_warn("cannot watch '%s'", s->sp.path);
		return HOOK_IOERR;
	}
	if (o->max_time_ms > 0)
		s->deadline = mono_ms() + o->max_time_ms;
	return HOOK_OK;
}

static void
sender_free(struct sender *s)
{
	for (size_t i = 0; i < s->ntargets; i++) {
		target_unload(s->targets[i]);
		free(s->targets[i]->cands);
		free(s->targets[i]);
	}
	free(s->targets);
	free(s->park);
	for (unsigned i = 0; s->xfers && i < s->o->jobs; i++)
		if (s->xfers[i].easy)
			curl_easy_cleanup(s->xfers[i].easy);
	free(s->xfers);
	free(s->spare);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	endpoint_free(&s->adhoc);
	journal_close(&s->j);
	if (s->inotify >= 0)
		close(s->inotify);
	if (s->sigpipe[0] >= 0) {
		close(s->sigpipe[0]);
		close(s->sigpipe[1]);
	}
	spool_close(&s->sp);
}

static void
sync_later(struct sender *s)
{
	for (size_t i = 0; i < s->nlater; i++)
		spool_sync_dir(&s->sp, s->later[i]);
	if (s->nlater > 0)
		spool_sync_dir(&s->sp, "later");
	s->nlater = 0;
}

static void
sync_states(struct sender *s)
{
	/*
	 * Renames become durable together, once per pass (or idle spell),
	 * once the porter has made them; the journal first, so that no
	 * message reaches done/ or dead/ on disk without its line.
	 */
	porter_drain(&s->porter);
	if (porter_failed(&s->porter) > 0)
		s->failed = 1;
	journal_sync(&s->j);
	s->moved = 0;
	sync_later(s);
	spool_sync_dir(&s->sp, "done");
	spool_sync_dir(&s->sp, "dead");
	spool_sync_dir(&s->sp, "new");
}

/* Options */

enum {
	OPT_ID = 256, OPT_MAX_TIME, OPT_DENY_PRIVATE, OPT_DISABLE_AFTER,
	OPT_ON_DEAD, OPT_ON_DISABLE, OPT_ON_RECOVER,
};

static const struct option longopts[] = {
	{ "spool", required_argument, NULL, 'd' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "watch", no_argument, NULL, 'w' },
	{ "id", required_argument, NULL, OPT_ID },
	{ "max-time", required_argument, NULL, OPT_MAX_TIME },
	{ "deny-private", no_argument, NULL, OPT_DENY_PRIVATE },
	{ "disable-after", required_argument, NULL, OPT_DISABLE_AFTER },
	{ "on-dead", required_argument, NULL, OPT_ON_DEAD },
	{ "on-disable", required_argument, NULL, OPT_ON_DISABLE },
	{ "on-recover", required_argument, NULL, OPT_ON_RECOVER },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
add_id(struct options *o, const char *id)
{
	if (!spool_valid_id(id)) {
		util_warnx("bad message id '%s'", id);
		return HOOK_DATAERR;
	}
	if (o->nids == IDS_MAX) {
		util_warnx("more than %d ids", IDS_MAX);
		return HOOK_USAGE;
	}
	if ((o->ids[o->nids++] = strdup(id)) == NULL)
		return HOOK_INTERNAL;
	return HOOK_OK;
}

/* --id -: one id per line; blank lines and extra fields are ignored. */
static int
read_ids(struct options *o)
{
	char line[256];
	int rc;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] && (rc = add_id(o, line)) != HOOK_OK)
			return rc;
	}
	return ferror(stdin) ? HOOK_IOERR : HOOK_OK;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int64_t ms;
	int c, rc, ids_stdin = 0;
	char *end;

	o->jobs = JOBS_DEFAULT;
	o->disable_after_ms = 5LL * 24 * 3600 * 1000;
	while ((c = getopt_long(argc, argv, "d:j:wvqh", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'd':
			o->spool = optarg;
			break;
		case 'j':
			o->jobs = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->jobs < 1 || o->jobs > JOBS_MAX) {
				util_warnx("bad -j '%s': use 1 to %d", optarg,
				    JOBS_MAX);
				return HOOK_USAGE;
			}
			break;
		case 'w':
			o->watch = 1;
			break;
		case OPT_ID:
			if (strcmp(optarg, "-") == 0)
				ids_stdin = 1;
			else if ((rc = add_id(o, optarg)) != HOOK_OK)
				return rc;
			break;
		case OPT_MAX_TIME:
		case OPT_DISABLE_AFTER:
			if (util_parse_duration_ms(optarg, &ms) < 0 || ms <= 0) {
				util_warnx("bad duration '%s'", optarg);
				return HOOK_USAGE;
			}
			if (c == OPT_MAX_TIME)
				o->max_time_ms = ms;
			else
				o->disable_after_ms = ms;
			break;
		case OPT_DENY_PRIVATE:
			o->deny_private = 1;
			break;
		case OPT_ON_DEAD:
			o->on_dead = optarg;
			break;
		case OPT_ON_DISABLE:
			o->on_disable = optarg;
			break;
		case OPT_ON_RECOVER:
			o->on_recover = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(HOOK_OK);
		default:
			fputs(usage, stderr);
			return HOOK_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return HOOK_USAGE;
	}
	if (ids_stdin && (rc = read_ids(o)) != HOOK_OK)
		return rc;
	if (o->watch && (o->nids > 0 || ids_stdin)) {
		util_warnx("--watch and --id do not go together");
		return HOOK_USAGE;
	}
	return HOOK_OK;
}

/* The porter's news wakes the poll. */
static void
wake_poll(void *multi)
{
	curl_multi_wakeup(multi);
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct sender s;
	unsigned returned;
	int rc, id_status = HOOK_OK;

	util_setprogname(argv[0]);
	if ((rc = parse_options(argc, argv, &o)) != HOOK_OK)
		return rc;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		util_warnx("cannot initialise libcurl");
		return HOOK_INTERNAL;
	}
	catch_signals();
	if ((rc = sender_init(&s, &o)) != HOOK_OK)
		goto out;

	if (claim_recover(&s.sp, util_now_ms() / 1000, &returned) < 0)
		util_warn("cannot recover all claims in '%s/cur'", s.sp.path);
	if (o.verbose && returned > 0)
		fprintf(stderr, "recovered=%u\n", returned);

	/* The file work goes to a second thread; see porter.h. */
	if (porter_start(&s.porter, &s.sp, &s.j, sizeof(struct job), o.jobs,
	    o.quiet, wake_poll, s.multi) < 0) {
		util_warn("cannot start a thread");
		rc = HOOK_TEMPFAIL;
		goto out;
	}
	if (o.nids > 0)
		id_status = park_ids(&s);
	else
		s.rescan = 1;
	run(&s);
	sync_states(&s);
	porter_stop(&s.porter);
	reap_alerts(&s, ALERT_WAIT_MS);

	if (o.nids > 0)
		rc = worse(id_status, s.worst);
	else
		rc = s.failed ? HOOK_TEMPFAIL : HOOK_OK;
out:
	sender_free(&s);
	curl_global_cleanup();
	for (size_t i = 0; i < o.nids; i++)
		free((char *)o.ids[i]);
	return rc;
}
