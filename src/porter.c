/*
 * porter.c - see porter.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "porter.h"
#include "util.h"

/*
 * The sender wakes an idle porter for filings only once this many wait
 * (or before it sleeps itself, or drains), and the porter reads ahead
 * again only once the jobs waiting have fallen to half its bound: each
 * wake then carries a batch of work rather than one job.
 */
#define FILE_BATCH 8

#define BATCH_BYTES (64 * 1024)		/* journal lines per write */

struct porter_job *
porter_take(struct spool *sp, const char *dir, const char *name,
    size_t jobsize, int quiet)
{
	struct porter_job *j = calloc(1, jobsize);
	char why[32], *buf;
	size_t len;
	int r;

	if (j == NULL)
		return NULL;
	if ((r = claim_open(sp, dir, name, &j->c)) != 0) {
		const char *odd = r == 2 ? j->c.odd : r < 0 &&
		    errno == EINVAL ? "name" : NULL;

		if (r < 0 && odd == NULL)
			util_warn("cannot claim '%s/%s'", dir, name);
		else if (odd && spool_quarantine(sp, dir, name, odd) < 0)
			util_warn("cannot quarantine '%s/%s'", dir, name);
		else if (r == 2 && !quiet)
			util_warnx("'%s/%s' moved to corrupt/: %s", dir, name,
			    odd);
		free(j);
		return NULL;
	}
	if (util_read_sized(j->c.fd, (size_t)j->c.size,
	    MESSAGE_HEADER_MAX + MESSAGE_BODY_MAX, &buf, &len) < 0) {
		util_warn("cannot read '%s/%s'", dir, name);
		porter_job_free(j);
		return NULL;
	}
	if (message_decode(buf, len, &j->m, why, sizeof(why)) < 0) {
		free(buf);
		goto corrupt;
	}
	if (strcmp(j->m.id, j->c.sn.id) != 0) {
		snprintf(why, sizeof(why), "mismatch");
		goto corrupt;
	}
	return j;
corrupt:
	/* Quarantined under the lock, as every move out of the queue is. */
	if (spool_quarantine(sp, dir, name, why) < 0)
		util_warn("cannot quarantine '%s/%s'", dir, name);
	else if (!quiet)
		util_warnx("'%s/%s' moved to corrupt/: %s", dir, name, why);
	porter_job_free(j);
	return NULL;
}

void
porter_job_free(struct porter_job *j)
{
	claim_release(&j->c);
	message_free(&j->m);
	free(j);
}

/* With the lock held: tell the sender, if it sleeps, that news came. */
static void
tell(struct porter *p)
{
	p->news++;
	if (p->sleeping) {
		p->sleeping = 0;
		p->wake(p->arg);
	}
}

static void
flush_lines(struct porter *p)
{
	if (p->nlines > 0 && journal_append(p->j, p->lines_at, p->lines,
	    p->nlines) < 0)
		util_warn("cannot append to the journal of '%s'", p->sp->path);
	p->nlines = 0;
}

/* Gather a's line for one write with the others of its day. */
static void
add_line(struct porter *p, const struct journal_attempt *a)
{
	int n;

	if (p->nlines > 0 && (journal_day(a->start_ms) !=
	    journal_day(p->lines_at) || BATCH_BYTES - p->nlines <
	    JOURNAL_LINE_MAX))
		flush_lines(p);
	if (p->nlines == 0)
		p->lines_at = a->start_ms;
	n = journal_format_attempt(a, p->lines + p->nlines, BATCH_BYTES -
	    p->nlines);
	if (n < 0)
		util_warnx("cannot record an attempt of '%s': line too long",
		    a->id);
	else
		p->nlines += (size_t)n;
}

/*
 * File a list of finished jobs: every journal line first, in as few
 * writes as their days allow, then each rename and unlock.  Returns the
 * filings that failed; a job that could not be moved is released where
 * it lies, still queued, and will be attempted again.
 */
static unsigned
file_list(struct porter *p, struct porter_job *list)
{
	unsigned failed = 0;

	for (struct porter_job *j = list; j; j = j->next)
		if (j->has_line)
			add_line(p, &j->a);
	flush_lines(p);
	while (list) {
		struct porter_job *j = list;

		list = j->next;
		if (claim_finish(p->sp, &j->c, j->to) < 0) {
			util_warn("cannot rename '%s/%s' to '%s'", j->c.dir,
			    j->c.name, j->to);
			failed++;
		}
		porter_job_free(j);
	}
	return failed;
}

/* Read one due entry ahead, with the lock not held. */
static void
read_one(struct porter *p)
{
	char dir[32], name[SPOOL_NAME_MAX];
	struct spool_name sn;
	struct porter_job *j = NULL;
	int r;

	r = claim_scan_next(&p->scan, dir, sizeof(dir), name, sizeof(name),
	    &sn);
	if (r > 0)
		j = porter_take(p->sp, dir, name, p->jobsize, p->quiet);
	pthread_mutex_lock(&p->mu);
	if (p->halt) {
		if (j)
			porter_job_free(j);	/* claim nothing more */
	} else if (r <= 0) {
		p->next_due = p->scan.next_due;
		claim_scan_end(&p->scan);
		p->scanning = 0;
		p->ended = 1;
		p->scan_err = r < 0;
		tell(p);
	} else if (j) {
		*p->ready_tail = j;
		p->ready_tail = &j->next;
		/*
		 * Only the first is news: while any are waiting, the
		 * sender knows of them and takes them when it has room.
		 */
		if (p->nready++ == 0)
			tell(p);
	}
	pthread_mutex_unlock(&p->mu);
}

/* With the lock held. */
static void
free_ready(struct porter *p)
{
	while (p->ready) {
		struct porter_job *j = p->ready;

		p->ready = j->next;
		porter_job_free(j);	/* released where it lies */
	}
	p->ready_tail = &p->ready;
	p->nready = 0;
}

/* With the lock held. */
static void
begin_scan(struct porter *p, int64_t now)
{
	if (p->scanning)
		claim_scan_end(&p->scan);
	p->scanning = 0;
	p->ended = 0;
	if (claim_scan_start(&p->scan, p->sp, now) < 0) {
		claim_scan_end(&p->scan);
		p->ended = 1;
		p->scan_err = 1;
		p->next_due = 0;
		tell(p);
		return;
	}
	p->scanning = 1;
}

static void *
porter_main(void *arg)
{
	struct porter *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (p->todo) {
			struct porter_job *list = p->todo;
			size_t n = p->ntodo;
			unsigned failed;

			p->todo = NULL;
			p->todo_tail = &p->todo;
			p->ntodo = 0;
			p->busy = 1;
			pthread_mutex_unlock(&p->mu);
			failed = file_list(p, list);
			pthread_mutex_lock(&p->mu);
			p->busy = 0;
			p->failed += failed;
			p->filed += n;
			tell(p);
			if (p->draining)
				pthread_cond_broadcast(&p->idle);
			continue;
		}
		if (p->quit)
			break;
		if (p->halt) {
			p->halt = 0;
			if (p->scanning)
				claim_scan_end(&p->scan);
			p->scanning = 0;
			p->ended = 0;
			free_ready(p);
			continue;
		}
		if (p->want_scan) {
			p->want_scan = 0;
			begin_scan(p, p->scan_now);
			continue;
		}
		if (p->scanning && p->nready < p->ahead) {
			pthread_mutex_unlock(&p->mu);
			read_one(p);
			pthread_mutex_lock(&p->mu);
			continue;
		}
		p->waiting = 1;
		pthread_cond_wait(&p->work, &p->mu);
		p->waiting = 0;
	}
	if (p->scanning)
		claim_scan_end(&p->scan);
	p->scanning = 0;
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
porter_start(struct porter *p, struct spool *sp, struct journal *j,
    size_t jobsize, size_t ahead, int quiet, void (*wake)(void *),
    void *arg)
{
	sigset_t all, old;
	int e;

	memset(p, 0, sizeof(*p));
	if ((p->lines = malloc(BATCH_BYTES)) == NULL)
		return -1;
	p->sp = sp;
	p->j = j;
	p->jobsize = jobsize;
	p->ahead = ahead ? ahead : 1;
	/* The sender holds back at -j filings waiting: wake before that. */
	p->batch = p->ahead / 2 < FILE_BATCH ? p->ahead / 2 : FILE_BATCH;
	if (p->batch == 0)
		p->batch = 1;
	p->quiet = quiet;
	p->wake = wake;
	p->arg = arg;
	p->todo_tail = &p->todo;
	p->ready_tail = &p->ready;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->idle, NULL);
	/* Signals are the sender's: the porter blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&p->thread, NULL, porter_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		pthread_cond_destroy(&p->idle);
		pthread_cond_destroy(&p->work);
		pthread_mutex_destroy(&p->mu);
		free(p->lines);
		p->lines = NULL;
		errno = e;
		return -1;
	}
	p->running = 1;
	return 0;
}

void
porter_stop(struct porter *p)
{
	if (!p->running)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	p->running = 0;
	free_ready(p);
	pthread_cond_destroy(&p->idle);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p->lines);
	p->lines = NULL;
}

void
porter_scan(struct porter *p, int64_t now)
{
	pthread_mutex_lock(&p->mu);
	p->halt = 0;
	p->want_scan = 1;
	p->scan_now = now;
	p->ended = 0;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
porter_halt(struct porter *p)
{
	pthread_mutex_lock(&p->mu);
	p->want_scan = 0;
	p->halt = 1;
	p->ended = 0;
	free_ready(p);
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

struct porter_job *
porter_next(struct porter *p, int *ended, int64_t *next_due, int *err)
{
	struct porter_job *j;

	*ended = 0;
	pthread_mutex_lock(&p->mu);
	if ((j = p->ready) != NULL) {
		p->ready = j->next;
		if (p->ready == NULL)
			p->ready_tail = &p->ready;
		j->next = NULL;
		if (--p->nready <= p->ahead / 2 && p->waiting && p->scanning)
			pthread_cond_signal(&p->work);
	} else if (p->ended && !p->want_scan) {
		p->ended = 0;
		*ended = 1;
		*next_due = p->next_due;
		*err = p->scan_err;
	}
	pthread_mutex_unlock(&p->mu);
	return j;
}

void
porter_file(struct porter *p, struct porter_job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&p->mu);
	*p->todo_tail = j;
	p->todo_tail = &j->next;
	p->asked++;
	if (++p->ntodo >= p->batch && p->waiting)
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
porter_kick(struct porter *p)
{
	pthread_mutex_lock(&p->mu);
	if (p->todo && p->waiting)
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
porter_drain(struct porter *p)
{
	pthread_mutex_lock(&p->mu);
	p->draining++;
	while (p->todo || p->busy) {
		if (p->waiting)
			pthread_cond_signal(&p->work);
		pthread_cond_wait(&p->idle, &p->mu);
	}
	p->draining--;
	pthread_mutex_unlock(&p->mu);
}

unsigned
porter_pending(struct porter *p)
{
	unsigned long n;

	pthread_mutex_lock(&p->mu);
	n = p->asked - p->filed;
	pthread_mutex_unlock(&p->mu);
	return (unsigned)n;
}

unsigned
porter_failed(struct porter *p)
{
	unsigned f;

	pthread_mutex_lock(&p->mu);
	f = p->failed;
	p->failed = 0;
	pthread_mutex_unlock(&p->mu);
	return f;
}

int
porter_sleep(struct porter *p)
{
	int news;

	pthread_mutex_lock(&p->mu);
	if (p->todo && p->waiting)
		pthread_cond_signal(&p->work);
	news = p->news != p->seen;
	p->seen = p->news;
	if (!news)
		p->sleeping = 1;
	pthread_mutex_unlock(&p->mu);
	return news;
}

void
porter_awake(struct porter *p)
{
	pthread_mutex_lock(&p->mu);
	p->sleeping = 0;
	pthread_mutex_unlock(&p->mu);
}
