/*
 * exits.h - the exit statuses of every hookspool command.
 *
 * One table for the whole suite, so that cron, CI steps and shell scripts
 * can tell the outcomes apart without knowing which command ran.  The
 * values above 63 are the ones <sysexits.h> made familiar.  Every man page
 * repeats this table in its EXIT STATUS section.
 *
 *   0   HOOK_OK        done, or the answer is yes (valid, delivered)
 *   1   HOOK_NO        a negative answer: signature does not match, a
 *                      check threshold is crossed, nothing matched
 *   2   HOOK_STALE     timestamp outside the tolerance (hook-verify)
 *   3   HOOK_REPLAY    an id already accepted within the window
 *   64  HOOK_USAGE     the command line is wrong
 *   65  HOOK_DATAERR   the input data is bad; nothing (or, for a batch,
 *                      not all) of it was accepted
 *   69  HOOK_PERMFAIL  permanent failure: a message is dead, an endpoint
 *                      is gone or disabled
 *   70  HOOK_INTERNAL  internal error (a bug, or out of memory)
 *   74  HOOK_IOERR     input/output error that retrying will not cure
 *   75  HOOK_TEMPFAIL  temporary failure: disk full, a lock held, a
 *                      delivery that will be retried; try again later
 */
#ifndef HOOK_EXITS_H
#define HOOK_EXITS_H

enum hook_exit {
	HOOK_OK = 0,
	HOOK_NO = 1,
	HOOK_STALE = 2,
	HOOK_REPLAY = 3,
	HOOK_USAGE = 64,
	HOOK_DATAERR = 65,
	HOOK_PERMFAIL = 69,
	HOOK_INTERNAL = 70,
	HOOK_IOERR = 74,
	HOOK_TEMPFAIL = 75,
};

/* The exit status that best describes a failed system call's errno. */
int hook_exit_for_errno(int err);

#endif
