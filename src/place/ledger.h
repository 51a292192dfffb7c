/*
 * ledger.h - the placement ledger of `vnuma plan --ledger FILE`: what each
 * placed guest took from the host (memory and huge pages per node,
 * dedicated host CPUs), so that later placements subtract it.
 *
 * Two halves: the text format (parse/format, pure) and the file (read,
 * atomic write, lock: the only I/O, kept out of the pure fitter).
 *
 * The file format, one record per guest, line-oriented:
 *
 *   vnuma-ledger 1
 *   guest NAME
 *   mem NODE KIB
 *   pages NODE PAGE_KIB COUNT
 *   cpus LIST            (libvirt syntax, e.g. 0-3,8)
 *   end
 *
 * Lines starting with '#' and blank lines are ignored.  Anything else is a
 * corrupt ledger: an error naming the line, never a silent reset.
 *
 * Concurrency: vn_ledger_lock takes an exclusive flock on FILE.lock (same
 * directory), held by the caller across read, fit and write.  Writes go to
 * FILE.tmp (one name: the lock serialises writers, so a file left by a
 * killed run is simply overwritten by the next), are fsync'ed, then renamed
 * over FILE (and the directory fsync'ed): a run killed half-way leaves the
 * previous ledger.  VNUMA_LEDGER_TEST_PAUSE=SECONDS sleeps between the
 * fsync and the rename (for the kill-during-write test).
 */
#ifndef VN_LEDGER_H
#define VN_LEDGER_H

#include "place/fit.h"

typedef struct vn_ledger_entry {
    char *name;
    vn_usage use;
} vn_ledger_entry;

typedef struct vn_ledger {
    vn_ledger_entry *entries;
    size_t n;
} vn_ledger;

/* Pure half. */
int vn_ledger_parse(const char *text, size_t len, const char *what, vn_ledger *out,
                    vn_error *err);
char *vn_ledger_format(const vn_ledger *l);
vn_ledger_entry *vn_ledger_find(const vn_ledger *l, const char *name);
/* Takes a copy of use. */
void vn_ledger_add(vn_ledger *l, const char *name, const vn_usage *use);
/* false when the name is not there. */
bool vn_ledger_remove(vn_ledger *l, const char *name);
/* Sum of every entry (false on overflow). */
VN_NODISCARD bool vn_ledger_total(const vn_ledger *l, vn_usage *out);
void vn_ledger_clear(vn_ledger *l);
/* A name the format can hold: non-empty, no control characters. */
bool vn_ledger_name_ok(const char *name);

/* File half.  A missing file is an empty ledger. */
int vn_ledger_read(const char *path, vn_ledger *out, vn_error *err);
int vn_ledger_write(const char *path, const vn_ledger *l, vn_error *err);
/* Returns a descriptor holding the lock (close it to release), -1 on error. */
int vn_ledger_lock(const char *path, vn_error *err);

#endif
