/*
 * apply.h - enforcing a domain's placement on a live host: run a command
 * under it, launch QEMU under it, stop either, list what runs, change a
 * restrictive guest's nodes live, and show where its memory really is.
 *
 * This is the library side of `vnuma run|launch|stop|list|numatune|
 * status` (src/cli/cmd_*.c) and of the public API (include/vnuma.h,
 * src/api/api_apply.c).  Every operation takes a vn_apply_opts: where the
 * state lives, which cgroup parent to use, the host and configuration.
 * Every effect goes through the OS seam (os/os.h) and registers its undo
 * (base/undo.h): a failure anywhere leaves nothing behind, and the error
 * names the step and the value ("emulator cgroup: cannot write '1' to
 * /sys/fs/cgroup/cpuset/machine/qemu-1-g.libvirt-qemu/emulator/
 * cpuset.mems: Invalid argument").
 */
#ifndef VN_APPLY_H
#define VN_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/bitmap.h"
#include "base/util.h"
#include "model/config.h"
#include "model/host.h"

#define VN_APPLY_STATE_DIR "/run/vnuma"
#define VN_APPLY_LOG_DIR "/var/log/vnuma"

/* A line for --verbose (what a step did, with its values). */
typedef void (*vn_apply_log_fn)(void *opaque, const char *line);

typedef struct vn_apply_opts {
    const char *state_dir;       /* NULL: VN_APPLY_STATE_DIR */
    const char *cgroup_parent;   /* NULL: "machine" under the cpuset hierarchy's root */
    const char *host_source;     /* --host; NULL: this machine */
    vn_host_load_opts host_load; /* --whole-system; where this machine's cpuset is read */
    const char *name;            /* --name; NULL: the domain's <name> */
    const char *log_dir;         /* launch: NULL: VN_APPLY_LOG_DIR */
    const char *qemu;            /* launch: NULL: the domain's <emulator> */
    vn_config cfg;               /* --hugetlbfs, --memory-backing-dir, --domain-id */
    bool domain_id_given;        /* --domain-id was given (else one is allocated) */
    bool foreground;             /* launch: stay attached until QEMU ends */
    int qmp_timeout_ms;          /* launch: QEMU's start-up, prealloc included (0: 60 s) */
    int stop_timeout_ms;         /* stop: SIGKILL after (0: 10 s, libvirt's) */
    vn_apply_log_fn verbose;     /* NULL: quiet */
    void *verbose_opaque;
    vn_warnings *warnings;       /* where fallbacks are said (may be NULL) */
} vn_apply_opts;

void vn_apply_opts_init(vn_apply_opts *o);
void vn_apply_opts_clear(vn_apply_opts *o);
VN_DEFINE_AUTOCLEAR(vn_apply_opts, vn_apply_opts_clear)

/* vnuma run: set up the placement, register the process under NAME and
 * exec cmd[0] (looked up in PATH).  Returns only on failure (-1, err set,
 * everything undone).  After exec the entry stays until `vnuma stop`,
 * `vnuma list` or a later run of the name finds the process gone. */
int vn_apply_run_exec(const char *domain_xml_path, char *const cmd[], const vn_apply_opts *o,
                      vn_error *err);

/* vnuma launch: start QEMU as libvirt 9.0 does (see launch.c).  0 once the
 * guest runs (*pid_out: QEMU's pid), or with o->foreground once QEMU has
 * ended and its state is cleaned (*exit_status: QEMU's); -1 with err set
 * and everything undone. */
int vn_apply_launch(const char *domain_xml_path, char *const extra_args[], size_t nextra,
                    const vn_apply_opts *o, pid_t *pid_out, int *exit_status, vn_error *err);

/* vnuma stop NAME: QMP quit (launched) or SIGTERM (run), SIGKILL after the
 * timeout, cgroups removed leaf first, memory directories and the state
 * entry removed.  A stale entry is cleaned the same way. */
int vn_apply_stop(const char *name, const vn_apply_opts *o, vn_error *err);

/* vnuma list: one item per entry. */
typedef struct vn_apply_item {
    char *name;
    char *kind;                  /* "run" or "launch" */
    pid_t pid;
    char *state;                 /* "running", "starting", "stale" */
    char *mode;                  /* numatune mode or "" */
    char *nodes;                 /* the memory nodes enforced or asked ("" none) */
    char *cpus;                  /* the process's CPUs ("" all) */
    char *cgroup;                /* the domain cgroup ("" none) */
    bool reaped;                 /* a stale entry cleaned by this list */
} vn_apply_item;
typedef struct vn_apply_list {
    vn_apply_item *items;
    size_t n;
} vn_apply_list;
void vn_apply_list_clear(vn_apply_list *l);
VN_DEFINE_AUTOCLEAR(vn_apply_list, vn_apply_list_clear)
/* Entries sorted by name; stale ones are reaped (reaped = true). */
int vn_apply_list_entries(const vn_apply_opts *o, vn_apply_list *out, vn_error *err);
/* text or JSON */
char *vn_apply_list_format(const vn_apply_list *l, bool json);

/* vnuma numatune NAME --nodeset SET (virsh numatune --live). */
int vn_apply_numatune(const char *name, const char *nodeset, const vn_apply_opts *o,
                      vn_error *err);

/* vnuma status NAME: text or JSON (malloc'd); *differs set when reality
 * differs from what the domain asks somewhere. */
char *vn_apply_status(const char *name, bool json, const vn_apply_opts *o, bool *differs,
                      vn_error *err);

#endif
