/*
 * select.h - choosing finished messages (dead/, done/, or the members of
 * an archive) by the filters that hook-replay and hook-archive share.
 *
 * The order of calls: fill a struct select_filter (select_add_id,
 * select_parse_list and plain fields) and call select_prepare(); then,
 * for each source,
 * select_scan() for a state directory of the spool or select_add() for
 * one member of an archive; then select_outcomes() if the filter asks
 * for a last outcome; then select_finish() to sort oldest first and cut
 * at the limit.
 *
 * The filters that a file name decides (ids, reason, --by attempt) are
 * applied first, so that a plain selection of dead letters never opens
 * a file.  The message file is read only when an event, endpoint or
 * enqueue-time filter needs it, or when the caller asks for it (to list
 * events).  The journal is read only by select_outcomes(), and only the
 * UTC days the candidates' times fall in.
 *
 * Errors: -1 with errno; nothing is printed.  A file in the spool that is
 * not a message (bad name, damaged) is skipped and counted in
 * set->skipped.  A set owns its items and everything they point to:
 * release it with select_free().
 */
#ifndef HOOK_SELECT_H
#define HOOK_SELECT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "spool.h"

struct select_filter {
	char **ids;		/* exact ids, sorted by select_prepare() */
	size_t nids;
	const char *endpoint;	/* exact endpoint name */
	const char *event;	/* pattern, as endpoint_pattern_match() */
	char **reasons;		/* REASON in the name: exact or "prefix*" */
	size_t nreasons;
	char **outcomes;	/* 503, 5xx, timeout, connect, dead ... */
	size_t noutcomes;
	int has_since, has_until;
	int64_t since_ms, until_ms;	/* since <= t < until */
	int by_attempt;		/* window on TIME in the name, not created */
	size_t limit;		/* 0: no limit */
	int want_message;	/* read every message (to list its event) */
};

/* The last journal attempt of a message, when one was found. */
struct select_last {
	int found;
	int status;		/* HTTP status, or 0 */
	int64_t start_ms;
	char class[8];
	char error[24];
	char outcome[12];
};

struct select_item {
	char id[SPOOL_ID_MAX + 1];
	char name[SPOOL_NAME_MAX];	/* file name in its state */
	const char *state;	/* "dead" or "done" (static) */
	unsigned attempts;
	int64_t time;		/* TIME in the name, seconds */
	int loaded;		/* the fields below are known */
	int64_t created_ms;
	char *event, *endpoint, *url;	/* owned; endpoint or url NULL */
	char *bytes;		/* whole file, archives only; owned */
	size_t len;
	struct select_last last;
};

struct select_set {
	struct select_item *v;
	size_t n, cap;
	size_t skipped;		/* files that were not readable messages */
};

/* Add an exact id to the filter (copied); -1 EINVAL if not an id. */
int select_add_id(struct select_filter *f, const char *id);

/*
 * Add the ids read from in, one per line; blank lines and lines starting
 * with '#' are skipped, white space around an id is ignored.  -1 with
 * errno EINVAL and the offending id in bad (cut to badlen), or with the
 * read error's errno and bad empty.
 */
int select_read_ids(struct select_filter *f, FILE *in, char *bad,
    size_t badlen);

/*
 * Set the filter option named as on the command line ("id", "endpoint",
 * "event", "since", "until", "by", "outcome", "reason", "limit") from
 * its argument.  Returns 0, 1 if name is not a filter option, or -1
 * with errno EINVAL and a message in err.  The filter keeps pointers to
 * endpoint and event arguments: they must outlive it.
 */
int select_option(struct select_filter *f, const char *name,
    const char *arg, char *err, size_t errlen);

/* Sort the ids for lookup; call once the filter is complete. */
void select_prepare(struct select_filter *f);

/* Split "a,b,c" into a list of words (copied), appended to *list. */
int select_parse_list(const char *s, char ***list, size_t *n);

void select_filter_free(struct select_filter *f);

/* Is the state one a selection reads from ("dead" or "done")? */
int select_valid_state(const char *state);

/*
 * Append the messages of sp/state that pass the name and message
 * filters.  -1 only if the directory cannot be read.
 */
int select_scan(struct spool *sp, const char *state,
    const struct select_filter *f, struct select_set *set);

/*
 * Consider one message from an archive: state and name from its member
 * name, bytes its contents.  Returns 1 if it was taken (the set now owns
 * bytes), 0 if a filter left it out (bytes still the caller's), -1 with
 * errno EBADMSG if it is not a valid message, why saying what is wrong.
 */
int select_add(struct select_set *set, const struct select_filter *f,
    const char *state, const char *name, char *bytes, size_t len,
    char *why, size_t whylen);

/*
 * Journal days found in an archive, kept in memory when an outcome
 * filter needs them.
 */
struct select_days {
	char (*day)[16];	/* "YYYY-MM-DD" */
	char **buf;
	size_t *len;
	size_t n;
};

struct arc_reader;

/*
 * Read a whole archive: every message member (dead/NAME, done/NAME) is
 * decoded, whether or not it is selected, and the selected ones are
 * added to set with their bytes; journal/DAY.jsonl members go to days
 * if the filter has outcomes or wants messages listed.  Any other
 * member, a message that does not decode, or a damaged archive fails
 * the whole read (-1, errno EBADMSG, err saying which member and why);
 * the set may then hold some items, which the caller frees unused.
 */
int select_read_archive(struct arc_reader *r, const struct select_filter *f,
    struct select_set *set, struct select_days *days, char *err,
    size_t errlen);

/* A select_day_reader over the live journal of a struct spool (ctx). */
int select_spool_days_reader(void *ctx, const char *day, char **buf,
    size_t *len);

/* The largest journal day file read whole. */
#define SELECT_DAY_MAX ((size_t)1024 * 1024 * 1024)

/* A select_day_reader over struct select_days (ctx). */
int select_days_reader(void *ctx, const char *day, char **buf,
    size_t *len);
void select_days_free(struct select_days *days);

/*
 * Read one UTC day of the journal ("YYYY-MM-DD"): 0 with a malloc'd
 * buffer, 1 if there is no such day, -1 on error.
 */
typedef int (*select_day_reader)(void *ctx, const char *day, char **buf,
    size_t *len);

/*
 * Fill in each item's last attempt from the journal days around its
 * time and, if the filter names outcomes, keep only those that match.
 */
int select_outcomes(struct select_set *set, const struct select_filter *f,
    select_day_reader reader, void *ctx);

/* Does a last attempt match one outcome word? */
int select_outcome_match(const struct select_last *last, const char *word);

/*
 * Drop the items whose id is already on the queue (new/, cur/ or any
 * later/ minute), so that importing the same archive twice queues each
 * message once.  Returns how many were dropped, or -1.
 */
long select_drop_queued(struct spool *sp, struct select_set *set);

/* Sort oldest (TIME, then id) first, then drop what is over the limit. */
void select_finish(struct select_set *set, const struct select_filter *f);

void select_free(struct select_set *set);

#endif
