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
 * Bounds: node and CPU ids below VN_CPUMASK_LEN (16384, libvirt's bitmap
 * limit); a huge page size a power of two from 8 KiB to 16 GiB; what one
 * guest takes on one node (KiB, or pages times their size) at most
 * VN_LEDGER_MAX_KIB (4 PiB, the most a 52-bit physical address space
 * holds), checked at the record's "end"; sums checked for overflow.  A
 * ledger file is VN_LEDGER_MAX_BYTES (4 MiB) at most.  Parsing is linear
 * in the number of guests (a hash set finds a name listed twice).
 *
 * The file (it runs as root: nothing is trusted that a path can change):
 *   - the path is resolved once (vn_path_resolve, os/fileio.h): symbolic
 *     links are followed to the real file, so that every path to one
 *     ledger locks and replaces the same file and no CPU is booked twice
 *     through two paths; a link to a missing file is refused (nothing is
 *     created through a link), and so is a ledger with more than one hard
 *     link (two names would be two lock files).  Missing directories
 *     above it are made (0755), never through a link;
 *   - the ledger must be a regular file (or absent): a FIFO, a device or
 *     /dev/zero is refused before anything is read or created;
 *   - vn_ledger_open takes an exclusive flock on REAL.lock, opened
 *     O_NOFOLLOW in the real file's directory and refused unless it is a
 *     regular file; the caller holds it across load, fit and save, and as
 *     the only writer removes the temporary files killed runs left
 *     (".NAME.XXXXXX", that exact pattern, regular files only);
 *   - vn_ledger_save writes a temporary file created O_EXCL|O_NOFOLLOW in
 *     that directory under a fresh name (.NAME.XXXXXX), with the ledger's
 *     mode (0644 for a new one), fsyncs it, renames it over the real file
 *     and fsyncs the directory: a run killed half-way leaves the previous
 *     ledger, byte for byte.  Every failure names its step and unlinks the
 *     temporary file.
 */
#ifndef VN_LEDGER_H
#define VN_LEDGER_H

#include "os/fileio.h"
#include "place/fit.h"

typedef struct vn_ledger_entry {
    char *name;
    vn_usage use;
} vn_ledger_entry;

typedef struct vn_ledger {
    vn_ledger_entry *entries;
    size_t n, cap;
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

#define VN_LEDGER_MAX_BYTES (4u * 1024 * 1024)
#define VN_LEDGER_MAX_KIB (UINT64_C(1) << 42)

/* File half.  A missing file is an empty ledger. */
typedef struct vn_ledger_file {
    char *path;             /* as given */
    char *label;            /* for messages: the path, and where it leads */
    vn_resolved at;         /* the real file: its directory and name */
    char *lock_path;        /* REAL.lock, for messages */
    int lock;               /* held while open; -1 when not */
    size_t max_bytes;
} vn_ledger_file;

/* Resolve path (once), make the directories it lacks, lock it and remove
 * stale temporary files.  max_bytes 0: VN_LEDGER_MAX_BYTES.  0, or -1
 * with err set (f is then cleared). */
int vn_ledger_open(vn_ledger_file *f, const char *path, size_t max_bytes, vn_error *err);
/* Read and parse the locked ledger (missing: empty). */
int vn_ledger_load(vn_ledger_file *f, vn_ledger *out, vn_error *err);
/* Replace it atomically by l. */
int vn_ledger_save(vn_ledger_file *f, const vn_ledger *l, vn_error *err);
/* Release the lock, close everything. */
void vn_ledger_close(vn_ledger_file *f);
VN_DEFINE_AUTOCLEAR(vn_ledger_file, vn_ledger_close)

/* Read a ledger without taking its lock (nothing is made or removed):
 * the same checks as vn_ledger_load. */
int vn_ledger_read(const char *path, vn_ledger *out, vn_error *err);

#endif
