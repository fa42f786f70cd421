/*
 * porter.h - hook-send's second thread, which does the file work of a
 * pass so that the first thread, the sender, keeps the transfers moving.
 *
 * The sender makes every decision; the porter carries out file work of
 * two kinds:
 *
 *   reading ahead  it walks the due entries as claim_scan does, and
 *                  claims, reads and decodes each (porter_take), up to
 *                  a bound, handing the jobs out in scan order;
 *   filing         a finished job gets its journal line, its rename to
 *                  its next state and its unlock, and is freed.  The
 *                  lines of the jobs filed together go out in one write
 *                  per day, each before its job's rename, so no message
 *                  reaches its next state before the line that says why.
 *
 * Ownership: a job handed out by porter_next is the sender's, which
 * either frees it (porter_job_free: released where it lies, it stays
 * queued) or hands it back with porter_file, after which it is the
 * porter's for good.  While the porter runs the journal is its own; the
 * sender touches it only after porter_drain, which waits until every
 * filing asked for is done.
 *
 * Waking: the sender sleeps in its poll.  Before it does, it calls
 * porter_sleep, which says whether news came since it last asked (jobs
 * read while none were waiting, the scan's end); if none did, the
 * porter calls the wake function given to porter_start at its next
 * news, until porter_awake; a batch of filings done is news too.  Both
 * threads wake each other only past a few jobs at a time, not for each.
 *
 * Errors are warned of where they happen, on standard error; the
 * sender learns of them from porter_next (the scan) and porter_failed
 * (filings).
 */
#ifndef HOOK_PORTER_H
#define HOOK_PORTER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "claim.h"
#include "journal.h"
#include "message.h"
#include "spool.h"

/* The start of every job; the sender's own fields follow it. */
struct porter_job {
	struct claim c;
	struct message m;
	struct porter_job *next;
	/* For filing, set by the sender: */
	char to[SPOOL_NAME_MAX + 48];	/* "done/NAME", "later/B/NAME", ... */
	int has_line;			/* write a to the journal first */
	struct journal_attempt a;	/* its strings point into the job */
	char detail[256], reason[64];
	unsigned char response[JOURNAL_RESPONSE_MAX];
};

struct porter {
	struct spool *sp;
	struct journal *j;
	size_t jobsize;			/* calloc'd for each job read */
	size_t ahead;			/* jobs read and not yet handed out */
	size_t batch;			/* filings that wake an idle porter */
	int quiet;
	void (*wake)(void *);
	void *arg;

	pthread_t thread;
	int running;
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	struct porter_job *todo, **todo_tail;	/* filings */
	size_t ntodo;
	struct porter_job *ready, **ready_tail;	/* read ahead */
	size_t nready;
	int waiting;			/* the porter waits for work */
	int busy, draining, quit, sleeping;
	unsigned news, seen;
	int want_scan, halt, scanning, ended, scan_err;
	int64_t scan_now, next_due;
	unsigned failed;		/* filings that failed */
	unsigned long asked, filed;	/* filings asked for, and done */
	struct claim_scan scan;		/* the porter's only */
	char *lines;		/* journal lines gathered for a write */
	size_t nlines;
	int64_t lines_at;		/* the start of the first: their day */
};

/* 0, or -1 with errno (the thread could not start). */
int porter_start(struct porter *p, struct spool *sp, struct journal *j,
    size_t jobsize, size_t ahead, int quiet, void (*wake)(void *),
    void *arg);
/* Finish the filings asked for, stop, free the jobs read ahead. */
void porter_stop(struct porter *p);

/* Begin a scan of what is due at now (seconds), ending any other. */
void porter_scan(struct porter *p, int64_t now);
/* End the scan and release what was read ahead: claim nothing more. */
void porter_halt(struct porter *p);
/*
 * The next job read ahead, or NULL.  With NULL, *ended is 1, once, when
 * the scan has ended; then *next_due is the earliest due time it passed
 * over (0: none) and *err is 1 if it could not read the queue.
 */
struct porter_job *porter_next(struct porter *p, int *ended,
    int64_t *next_due, int *err);

/* Hand j over for filing: its journal line, then its move to j->to. */
void porter_file(struct porter *p, struct porter_job *j);
/* Have the porter start on the filings asked for, if it is idle. */
void porter_kick(struct porter *p);
/* Wait until every filing asked for so far is done. */
void porter_drain(struct porter *p);
/*
 * How many filings asked for are not done yet.  Each is an attempt
 * whose outcome is not on disk: a crash now would have it made again.
 */
unsigned porter_pending(struct porter *p);
/* How many filings failed since the last call. */
unsigned porter_failed(struct porter *p);

/* 1: news came since the last call, do not sleep; 0: wake me. */
int porter_sleep(struct porter *p);
void porter_awake(struct porter *p);

/*
 * Claim, read and decode dir/name into a new job of jobsize bytes.
 * NULL if it is busy or gone, could not be read (a warning), or was
 * moved to corrupt/ (a warning unless quiet).  Either thread may call it.
 */
struct porter_job *porter_take(struct spool *sp, const char *dir,
    const char *name, size_t jobsize, int quiet);
void porter_job_free(struct porter_job *j);

#endif
