/*
 * stat_archive.h - history that hook-archive packed away, for hook-stat
 * --archives: the journal days kept in the archives of archive/, and the
 * message files stored there.
 *
 * stat_archive_scan() opens each archive of the spool, oldest name
 * first, hands every line of each archived journal day that overlaps
 * [from_ms, until_ms) to fn (as journal_read_days() does for the live
 * journal), and, when id is not NULL, writes the first member that holds
 * that message ("ARCHIVE: STATE/NAME") into found.  A damaged archive is
 * counted in *damaged and passed over; reading goes on.  -1 with errno
 * only if archive/ cannot be read.
 */
#ifndef HOOK_STAT_ARCHIVE_H
#define HOOK_STAT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "journal_read.h"
#include "spool.h"

int stat_archive_scan(struct spool *sp, int64_t from_ms, int64_t until_ms,
    const char *id, journal_line_fn *fn, void *ctx, char *found,
    size_t foundlen, unsigned *damaged);

#endif
