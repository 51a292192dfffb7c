/*
 * undo.h - the undo journal: every effect registers its inverse, and a
 * failure runs the inverses in reverse order, so nothing is left
 * half-applied.
 *
 * An apply is a sequence of steps (make a cgroup, write cpuset.mems, start
 * QEMU, bind a socket...).  Right after a step succeeds, its inverse goes
 * into the journal with a description naming it ("remove cgroup X").  If
 * a later step fails, vn_undo_run calls the inverses newest first; an
 * inverse that fails does not stop the others and is reported as a
 * warning ("could not undo 'remove cgroup X': Device or resource busy").
 * When every step succeeded, vn_undo_commit forgets the inverses.  A
 * journal going out of scope uncommitted is run (VN_AUTOCLEAR(vn_undo)).
 *
 *     VN_AUTOCLEAR(vn_undo) u = VN_UNDO_INIT;
 *     if (make_cgroup(path, err) < 0)
 *         return -1;
 *     vn_undo_push(&u, remove_cgroup, vn_strdup(path), free, "remove cgroup %s", path);
 *     if (write_mems(path, mems, err) < 0)
 *         return -1;                  (the cgroup is removed here)
 *     vn_undo_commit(&u);
 *
 * Pure: the journal calls what it is given and does no I/O of its own.
 */
#ifndef VN_UNDO_H
#define VN_UNDO_H

#include <stddef.h>

#include "base/cleanup.h"
#include "base/error.h"

/* An inverse: 0 done, -1 with err set. */
typedef int (*vn_undo_fn)(void *arg, vn_error *err);

typedef struct vn_undo_step {
    vn_undo_fn fn;
    void *arg;
    void (*free_arg)(void *arg);    /* may be NULL */
    char *what;
} vn_undo_step;

typedef struct vn_undo {
    vn_undo_step *steps;
    size_t n;
    vn_warnings *warnings;          /* where failed inverses are said; may be NULL */
} vn_undo;

#define VN_UNDO_INIT {0}

void vn_undo_push(vn_undo *u, vn_undo_fn fn, void *arg, void (*free_arg)(void *),
                  const char *what_fmt, ...) VN_PRINTF(5, 6);
/* Run the inverses newest first and empty the journal; returns how many
 * failed (each one also a warning in u->warnings). */
size_t vn_undo_run(vn_undo *u);
/* Success: drop the inverses without running them. */
void vn_undo_commit(vn_undo *u);
/* Runs what is left (the scope-exit cleanup). */
void vn_undo_clear(vn_undo *u);
VN_DEFINE_AUTOCLEAR(vn_undo, vn_undo_clear)

#endif
