/*
 * cgroup.h - the cpuset cgroups of a guest, behind one interface with
 * three backends (cgroup_v2.c, cgroup_v1.c, cgroup_none.c), chosen at run
 * time from /proc/self/mountinfo (cgroup.c), never from whether a
 * directory exists:
 *
 *   - a cgroup v1 hierarchy whose super options name cpuset: v1 (RHEL 8,
 *     this project's CI machine, whose cgroup2 mount has only hugetlb);
 *   - else a cgroup2 mount whose root cgroup.controllers lists cpuset: v2;
 *   - else none: affinity and set_mempolicy only, with a warning that
 *     restrictive cannot be enforced (libvirt behaves so).
 *
 * Layout, as libvirt 9.0 without systemd (virCgroupNewMachineManual,
 * virCgroupNewThread): PARENT/qemu-ID-NAME.libvirt-qemu/{emulator,vcpuN,
 * iothreadN}, PARENT default "machine" under the hierarchy's root.  Every
 * value written is read back through the effective file (v2
 * cpuset.cpus.effective / cpuset.mems.effective, v1 cpuset.effective_cpus
 * / cpuset.effective_mems): v2 silently falls back to the parent's set
 * when the request does not intersect it, v1 refuses a set outside the
 * parent's; both are reported naming the nodes.
 */
#ifndef VN_APPLY_CGROUP_H
#define VN_APPLY_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/bitmap.h"
#include "base/undo.h"
#include "base/util.h"
#include "qemu/qemu.h"

typedef enum { VN_CG_NONE, VN_CG_V1, VN_CG_V2 } vn_cg_kind;
const char *vn_cg_kind_name(vn_cg_kind k);          /* "none", "v1", "v2" */
int vn_cg_kind_parse(const char *s, vn_cg_kind *k);

/* What /proc/self/mountinfo says (pure). */
typedef struct vn_cg_mounts {
    char *v1_cpuset;          /* mount point of the v1 hierarchy with cpuset; NULL */
    char *v2;                 /* mount point of cgroup2; NULL */
} vn_cg_mounts;
void vn_cg_mounts_clear(vn_cg_mounts *m);
VN_DEFINE_AUTOCLEAR(vn_cg_mounts, vn_cg_mounts_clear)
/* Parse mountinfo text (proc(5)): fields 5 (mount point, \040-style
 * escapes undone), the fs type after " - ", and the super options. */
int vn_cg_parse_mountinfo(const char *text, vn_cg_mounts *m, vn_error *err);

typedef struct vn_cg_backend vn_cg_backend;

typedef struct vn_cgroups {
    vn_cg_kind kind;
    char *mount;              /* the hierarchy's mount point; NULL for none */
    const vn_cg_backend *be;
} vn_cgroups;
void vn_cgroups_clear(vn_cgroups *cg);
VN_DEFINE_AUTOCLEAR(vn_cgroups, vn_cgroups_clear)

/* The choice above, pure: v2_controllers is the text of the cgroup2
 * root's cgroup.controllers (NULL when unread). */
void vn_cg_choose(const vn_cg_mounts *m, const char *v2_controllers, vn_cgroups *cg);
/* Read mountinfo_path (NULL: /proc/self/mountinfo) and the cgroup2
 * controllers, then choose. */
int vn_cg_detect(const char *mountinfo_path, vn_cgroups *cg, vn_error *err);
/* The backend of a kind (for an entry that recorded it). */
void vn_cg_for_kind(vn_cg_kind kind, const char *mount, vn_cgroups *cg);

/* The parent directory: --cgroup-parent (relative to the hierarchy's root,
 * or an absolute path under its mount point), else MOUNT/machine.  On a
 * host booted with systemd (sd_booted(): systemd_dir exists, NULL:
 * /run/systemd/system) the default on cgroup v2 is refused, since systemd
 * owns that tree: the message names --cgroup-parent. */
char *vn_cg_parent(const vn_cgroups *cg, const char *option, const char *systemd_dir,
                   vn_error *err);

struct vn_cg_backend {
    const char *name;
    /* Make sure parent exists and can hold cpuset children (v1: each
     * directory made inherits cpus/mems; v2: +cpuset in the
     * subtree_control of the root and every ancestor down to parent).
     * Directories made are appended to *made. */
    int (*prepare_parent)(const vn_cgroups *cg, const char *parent, vn_argv *made,
                          vn_error *err);
    /* mkdir path, a child of parent (v1: inherit cpuset.cpus, .mems and
     * .memory_migrate as virCgroupV1CpuSetInherit; v2 threaded: "threaded"
     * in cgroup.type, then +cpuset in parent's subtree_control). */
    int (*make)(const vn_cgroups *cg, const char *parent, const char *path, bool threaded,
                vn_error *err);
    /* Write the set, then read the effective set back and compare. */
    int (*set_cpus)(const vn_cgroups *cg, const char *path, const vn_bitmap *cpus,
                    vn_error *err);
    int (*set_mems)(const vn_cgroups *cg, const char *path, const vn_bitmap *mems,
                    vn_error *err);
    /* Move a whole process / one thread in.  tid 0 is the calling thread,
     * as the kernel reads it: a move of the caller alone takes no
     * process-wide lock, so it does not wait for the RCU grace period that
     * a move of another task waits for when none happened lately (the
     * kernel's "cgroup: Optimize single thread migration", older than
     * 6.0; measured on this machine's 6.18: 0.02 ms instead of 5-20 ms,
     * see keep_warm in launch_qmp.c). */
    int (*add_proc)(const vn_cgroups *cg, const char *path, pid_t pid, vn_error *err);
    int (*add_thread)(const vn_cgroups *cg, const char *path, pid_t tid, vn_error *err);
    /* Before a live change of mems: v1 cpuset.memory_migrate=1 (v2 always migrates). */
    int (*prepare_migrate)(const vn_cgroups *cg, const char *path, vn_error *err);
    /* No task left (v2: "populated 0" in cgroup.events; v1: tasks empty). */
    int (*is_empty)(const vn_cgroups *cg, const char *path, bool *empty, vn_error *err);
    /* The file listing the tasks (for what is left at stop). */
    const char *tasks_file;
};

extern const vn_cg_backend vn_cg_v1_backend;
extern const vn_cg_backend vn_cg_v2_backend;
extern const vn_cg_backend vn_cg_none_backend;

/* Make path with the backend and push "remove cgroup PATH" on u. */
int vn_cg_make(const vn_cgroups *cg, const char *parent, const char *path, bool threaded,
               vn_undo *u, vn_error *err);
/* Remove a cgroup, the cgroups below it first (as libvirt's
 * virCgroupRemoveRecursively): each waited for (up to 2 s) until empty, then rmdir,
 * retrying EBUSY 5 x 200 ms (virCgroupRemoveRecursively's loop in
 * qemuProcessStop).  A missing directory is 0. */
int vn_cg_remove(const vn_cgroups *cg, const char *path, vn_error *err);
/* Signal every task left in path (stop's last resort). */
int vn_cg_kill_tasks(const vn_cgroups *cg, const char *path, int sig, vn_error *err);

/* libvirt's virDomainCgroupEmulatorAllNodesAllow and ...Restore: while
 * vCPUs are plugged (at boot and live), the emulator cgroup may use every
 * node with memory (all), since QEMU's main thread makes each new vCPU
 * thread - its stack and state, under KVM the kernel's vCPU - there before
 * the thread moves to its own cgroup.  Nothing is done when emulator's
 * cpuset.mems allows them all already or is unset (v2: the parent's), or
 * without cpuset.  Restore writes the saved set back and clears *an; a
 * failure there is a warning, as libvirt only logs it. */
typedef struct vn_cg_all_nodes {
    char *path;               /* the emulator cgroup; NULL: nothing widened */
    char *saved;              /* its cpuset.mems before */
} vn_cg_all_nodes;
int vn_cg_emulator_all_nodes(const vn_cgroups *cg, const char *emulator, const vn_bitmap *all,
                             vn_cg_all_nodes *an, vn_error *err);
void vn_cg_emulator_restore(vn_cg_all_nodes *an, vn_warnings *w);

/* Shared by the backends (cgroup.c). */
int vn_cg_write_set(const char *path, const char *file, const vn_bitmap *set, vn_error *err);
int vn_cg_check_effective(const char *path, const char *file, const char *what,
                          const vn_bitmap *want, vn_error *err);
int vn_cg_write_pid(const char *path, const char *file, pid_t pid, vn_error *err);
int vn_cg_inherit(const char *parent, const char *path, vn_error *err);

#endif
