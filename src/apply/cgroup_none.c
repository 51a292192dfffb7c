/*
 * cgroup_none.c - the backend for a host without a cpuset controller
 * (none mounted, or a cgroup2 mount without cpuset).  Nothing is made or
 * written: the placement is then only the affinity and the memory policy
 * (libvirt's qemuProcessHook falls back to set_mempolicy for strict), and
 * restrictive cannot be enforced - vn_ap_start_prepare says so in a
 * warning, as libvirt starts such a guest without complaint.
 */
#include "apply/apply_internal.h"
#include "apply/cgroup.h"

static int none_prepare_parent(const vn_cgroups *cg, const char *parent, vn_argv *made,
                               vn_error *err)
{
    (void)cg, (void)parent, (void)made, (void)err;
    return 0;
}

static int none_make(const vn_cgroups *cg, const char *parent, const char *path, bool threaded,
                     vn_error *err)
{
    (void)cg, (void)parent, (void)path, (void)threaded, (void)err;
    return 0;
}

static int none_set(const vn_cgroups *cg, const char *path, const vn_bitmap *set, vn_error *err)
{
    (void)cg, (void)path, (void)set, (void)err;
    return 0;
}

static int none_add(const vn_cgroups *cg, const char *path, pid_t pid, vn_error *err)
{
    (void)cg, (void)path, (void)pid, (void)err;
    return 0;
}

static int none_prepare_migrate(const vn_cgroups *cg, const char *path, vn_error *err)
{
    (void)cg, (void)path, (void)err;
    return 0;
}

static int none_is_empty(const vn_cgroups *cg, const char *path, bool *empty, vn_error *err)
{
    (void)cg, (void)path, (void)err;
    *empty = true;
    return 0;
}

const vn_cg_backend vn_cg_none_backend = {
    .name = "none",
    .prepare_parent = none_prepare_parent,
    .make = none_make,
    .set_cpus = none_set,
    .set_mems = none_set,
    .add_proc = none_add,
    .add_thread = none_add,
    .prepare_migrate = none_prepare_migrate,
    .is_empty = none_is_empty,
    .tasks_file = "tasks",
};
