/*
 * apply_internal.h - what the files of src/apply share: file helpers on
 * the seam (apply_io.c), /proc readers (procfs.c), names (name.c), the
 * placement a domain asks for (placement.c), memory policy and affinity
 * (policy.c), the state directory (state.c), the per-domain memory
 * directories (memdirs.c) and the cleanup of an entry (stop.c).  The cgroup
 * backends have their own header, cgroup.h.
 */
#ifndef VN_APPLY_INTERNAL_H
#define VN_APPLY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "apply/apply.h"
#include "apply/cgroup.h"
#include "base/bitmap.h"
#include "base/undo.h"
#include "model/domain.h"
#include "model/host.h"
#include "qemu/qemu.h"

/* ---- apply_io.c: files through the seam ---- */

#define VN_AP_MAX_FILE (4u << 20)   /* /proc and cgroup files, entry files */

/* The whole file (NUL-terminated, malloc'd) in *out.  0; -1 with errno
 * set (ENOENT for a missing file; EFBIG past cap).  No error message. */
int vn_ap_slurp(const char *path, size_t cap, char **out);
/* The same with a message: "cannot read PATH: strerror". */
int vn_ap_read(const char *path, char **out, vn_error *err);
/* Write text to an existing file (a cgroup or /proc file) in one write:
 * "cannot write 'TEXT' to PATH: strerror" (VNUMA_ERR_SYSTEM). */
int vn_ap_write(const char *path, const char *text, vn_error *err);
/* Create path (O_EXCL, mode) holding text. */
int vn_ap_create(const char *path, const char *text, mode_t mode, vn_error *err);
/* mkdir -p: each directory made is appended to *made (may be NULL) so
 * that exactly those can be removed again; existing ones are kept. */
int vn_ap_mkdir_p(const char *path, mode_t mode, vn_argv *made, vn_error *err);
/* Whether path is a directory (links followed). */
bool vn_ap_is_dir(const char *path);
/* Remove a tree (depth first, links not followed); a missing path is 0. */
int vn_ap_remove_tree(const char *path, vn_error *err);
/* Put "STEP: " in front of the message's text (after its class prefix):
 * the orchestrators name the step that failed this way.  Returns -1. */
int vn_ap_step_failed(vn_error *err, const char *fmt, ...) VN_PRINTF(2, 3);
/* A --verbose line. */
void vn_ap_log(const vn_apply_opts *o, const char *fmt, ...) VN_PRINTF(2, 3);
/* Sleep ms milliseconds through the seam. */
void vn_ap_sleep_ms(unsigned ms);

/* ---- procfs.c ---- */

/* /proc/PID/stat's state letter and starttime (field 22, clock ticks
 * since boot): pure, from the file's text.  0, or -1 when malformed. */
int vn_ap_parse_stat(const char *text, char *state, uint64_t *starttime);
/* The same read from /proc/PID/stat; -1 with errno (ENOENT: no such pid). */
int vn_ap_proc_stat(pid_t pid, char *state, uint64_t *starttime);
/* The process pid started at starttime exists and is not a zombie (a
 * reused pid has another start time). */
bool vn_ap_proc_alive(pid_t pid, uint64_t starttime);
/* The path of the process's cgroup in the hierarchy whose controllers
 * line in /proc/PID/cgroup is `controller` (v1: "cpuset"; v2: "" for the
 * "0::" line), from the file's text; NULL when absent. */
char *vn_ap_parse_proc_cgroup(const char *text, const char *controller);

/* ---- name.c ---- */

/* libvirt's rule (virDomainDefPostParseCheckFeatures): '/' refused with
 * "XML error: name NAME cannot contain '/'".  With registering (run,
 * launch), also a leading '.' and control characters, an empty name and
 * one longer than VN_AP_NAME_MAX bytes (it names a directory); otherwise
 * (check) those are warnings. */
#define VN_AP_NAME_MAX 200
int vn_ap_check_name(const char *name, bool registering, vn_warnings *w, vn_error *err);
/* libvirt's machine name without systemd: "qemu-ID-NAME" with NAME's
 * characters as virDomainMachineNameAppendValid keeps them (64 at most). */
char *vn_ap_machine_name(int id, const char *name);
/* The domain cgroup's directory name, as virCgroupNewDomainPartition
 * makes it: "MACHINE.libvirt-qemu", escaped with '_' as
 * virCgroupPartitionEscape does. */
char *vn_ap_cgroup_dir_name(int id, const char *name);
/* virCgroupPartitionNeedsEscaping: a leading '_' or '.', "cgroup.", or
 * a controller name followed by '.'. */
bool vn_ap_cgroup_needs_escape(const char *component);

/* ---- placement.c: what a domain asks, as libvirt applies it ---- */

typedef struct vn_ap_thread {
    unsigned id;               /* vCPU or iothread id */
    vn_bitmap *cpus;           /* cpuset.cpus and affinity; NULL: all */
    vn_bitmap *mems;           /* cpuset.mems; NULL: not restricted */
} vn_ap_thread;

typedef struct vn_ap_plan {
    bool has_mode;             /* <numatune><memory> given */
    vn_numatune_mode mode;
    vn_bitmap *nodeset;        /* its nodes (advisor's for placement='auto') */
    bool per_cell_only;        /* memnodes only: no process policy */
    vn_bitmap *all_cpus;       /* the host's online CPUs */
    vn_bitmap *emulator_cpus;  /* emulatorpin, autoCpuset, <vcpu cpuset>; NULL: all */
    vn_bitmap *emulator_mems;  /* strict and restrictive: nodeset; else NULL */
    vn_ap_thread *vcpus;       /* online vCPUs */
    size_t nvcpus;
    vn_ap_thread *iothreads;
    size_t niothreads;
} vn_ap_plan;

/* dom went through vn_qemu_build (auto placement filled in). */
int vn_ap_plan_build(const vn_domain *dom, const vn_host *host, vn_ap_plan *p, vn_error *err);
void vn_ap_plan_clear(vn_ap_plan *p);
VN_DEFINE_AUTOCLEAR(vn_ap_plan, vn_ap_plan_clear)
/* The CPUs to use where a set is NULL: the host's. */
static inline const vn_bitmap *vn_ap_cpus_or_all(const vn_ap_plan *p, const vn_bitmap *c)
{
    return c ? c : p->all_cpus;
}

/* ---- policy.c ---- */

/* set_mempolicy for mode over nodes, as numactl --membind/--preferred/
 * --interleave: MPOL_BIND, MPOL_PREFERRED (one node) or
 * MPOL_PREFERRED_MANY (several, refused when the kernel lacks it),
 * MPOL_INTERLEAVE; restrictive sets nothing.  The step's message names the
 * mode and the nodes. */
int vn_ap_set_mempolicy(vn_numatune_mode mode, const vn_bitmap *nodes, vn_error *err);
/* Back to the default policy (the inverse). */
int vn_ap_reset_mempolicy(vn_error *err);
/* sched_setaffinity(tid, cpus) (0: the calling thread). */
int vn_ap_set_affinity(pid_t tid, const vn_bitmap *cpus, vn_error *err);
int vn_ap_get_affinity(pid_t tid, vn_bitmap **cpus, vn_error *err);

/* ---- state.c: the state directory ---- */

typedef struct vn_ap_info {
    char *name;
    char *kind;                /* "run" | "launch" */
    char *state;               /* "starting" | "running" */
    pid_t pid;
    uint64_t start;            /* /proc/PID/stat starttime */
    int domain_id;
    char *mode;                /* numatune mode or "" */
    char *nodes;               /* "" */
    char *cpus;                /* "" */
    vn_cg_kind cg_kind;
    char *cg_mount;            /* the hierarchy's mount point */
    char *cg_domain;           /* the domain cgroup ("" none) */
    vn_argv cg_threads;        /* emulator, vcpuN, iothreadN (launch) */
    vn_argv cg_made;           /* every cgroup vnuma made for it, parents first */
    vn_argv memdirs;           /* memory directories made, parents first */
    char *qmp;                 /* launch: the QMP socket path ("" none) */
    char *log;                 /* launch: the log file */
    vn_argv unplug_pending;    /* live: aliases whose device_del is not known done */
    vn_argv vcpu_unplugged;    /* live: vCPUs (vcpuN) unplugged from this QEMU (TCG) */
    /* run/launch: the hugetlbfs mounts and memory-backing directory it
     * started with (the domain id is domain_id), for the live changes */
    bool has_cfg;              /* false: an entry of a vnuma that did not record them */
    vn_config cfg;
} vn_ap_info;
void vn_ap_info_clear(vn_ap_info *i);
VN_DEFINE_AUTOCLEAR(vn_ap_info, vn_ap_info_clear)
/* key=value lines; pure.  Parse refuses unknown versions and bad numbers. */
char *vn_ap_info_format(const vn_ap_info *i);
int vn_ap_info_parse(const char *text, vn_ap_info *i, vn_error *err);

typedef struct vn_ap_entry {
    char *state_dir;
    char *dir;                 /* STATE/NAME */
    char *sock;                /* the QMP socket path to use (short form when long) */
    int dirfd;                 /* the entry, open (for the short socket path) */
    int lockfd;                /* STATE/NAME/lock, flock'ed LOCK_EX; -1 */
    vn_ap_info info;
} vn_ap_entry;
void vn_ap_entry_clear(vn_ap_entry *e);   /* closes, unlocks; removes nothing */
VN_DEFINE_AUTOCLEAR(vn_ap_entry, vn_ap_entry_clear)

/* Claim NAME: make STATE (0755) when missing, then STATE/NAME (0700) with
 * mkdir, which only one caller wins, locked.  An entry already there is
 * "already running" unless it is stale, in which case it is reaped first.
 * Pushes the inverse (remove the entry) on u. */
int vn_ap_entry_create(const vn_apply_opts *o, const char *name, vn_ap_entry *e, vn_undo *u,
                       vn_error *err);
/* Open an existing entry, locked (waits for another command on it). */
int vn_ap_entry_open(const vn_apply_opts *o, const char *name, vn_ap_entry *e, vn_error *err);
/* Write info (a temporary file renamed over STATE/NAME/info). */
int vn_ap_entry_save(vn_ap_entry *e, vn_error *err);
/* Write STATE/NAME/domain.xml (the live XML) the same way. */
int vn_ap_entry_save_xml(vn_ap_entry *e, const char *xml, vn_error *err);
/* Remove the entry's own files (info, domain.xml, qmp.sock, lock, and
 * their temporaries) and its directory; anything else in it is left,
 * and then the directory too ("not empty" warning). */
int vn_ap_entry_remove(vn_ap_entry *e, vn_error *err);
/* The names in STATE (entries only: directories not starting with '.'). */
int vn_ap_state_names(const vn_apply_opts *o, vn_argv *names, vn_error *err);
/* The lowest domain id >= 1 no entry uses. */
int vn_ap_state_free_id(const vn_apply_opts *o);
const char *vn_ap_state_dir(const vn_apply_opts *o);

/* ---- memdirs.c (qemuProcessBuildDestroyMemoryPaths) ---- */

/* Make the per-domain huge page directories (MOUNT/libvirt/qemu/ID-NAME)
 * and the memory backing directory (DIR/ID-NAME) the domain needs; every
 * directory made goes into *made (parents first) and is removed by the
 * undo pushed on u. */
int vn_ap_memdirs_build(const vn_domain *dom, const vn_config *cfg, vn_argv *made, vn_undo *u,
                        vn_error *err);
/* Remove what vn_ap_memdirs_build made (its trees, children first). */
int vn_ap_memdirs_destroy(const vn_argv *made, vn_error *err);

/* ---- stop.c ---- */

/* What is left of an entry whose process is gone: its cgroups (leaf
 * first, after they are empty), memory directories and the entry. */
int vn_ap_entry_reap(vn_ap_entry *e, const vn_apply_opts *o, vn_error *err);

/* ---- launch_qmp.c: one QEMU thread placed (launch, setvcpus) ---- */

/* KIND ID's cgroup under domain_cg (threaded; recorded in info's
 * cg_made and cg_threads; its removal pushed on u) with cpus and mems
 * (t NULL: the emulator's mems, all CPUs), the thread moved in, then
 * sched_setaffinity (qemuProcessSetupVcpu).  Without cpuset (cg NONE),
 * the affinity only. */
int vn_ap_place_thread(const vn_cgroups *cg, const char *domain_cg, const vn_ap_plan *p,
                       vn_ap_info *info, vn_undo *u, const vn_apply_opts *o, const char *kind,
                       unsigned id, pid_t tid, const vn_ap_thread *t, vn_error *err);

/* ---- shared by run and launch (run.c) ---- */

/* Load the domain and the host, check the name, build QEMU's argv (which
 * runs the start-time rules and the advisor) and the plan. */
typedef struct vn_ap_start {
    vn_domain *dom;
    vn_host *host;
    vn_config cfg;             /* the options' configuration, with the domain id */
    char *name;                /* the registered name */
    vn_argv argv;              /* vn_qemu_build's */
    vn_ap_plan plan;
    vn_cgroups cg;
} vn_ap_start;
void vn_ap_start_clear(vn_ap_start *s);
VN_DEFINE_AUTOCLEAR(vn_ap_start, vn_ap_start_clear)
int vn_ap_start_prepare(const char *xml_path, const vn_apply_opts *o, bool for_launch,
                        vn_ap_start *s, vn_error *err);
/* The entry's first info (kind "run" or "launch", state "starting"). */
void vn_ap_info_from_plan(vn_ap_info *i, const vn_ap_start *s, const char *kind);
/* euid 0 or "STEP: vnuma must run as root ...". */
int vn_ap_require_root(const char *step, vn_error *err);

#endif
