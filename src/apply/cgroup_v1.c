/*
 * cgroup_v1.c - the cgroup v1 cpuset hierarchy backend (libvirt's
 * vircgroupv1.c, cpuset part only).
 *
 * A new v1 cpuset child starts with empty cpuset.cpus and cpuset.mems, so
 * no task can join it until both are written: every directory vnuma makes
 * first inherits its parent's values (virCgroupV1CpuSetInherit).  A set
 * outside the parent's is refused by the kernel (EINVAL, or a shrunken
 * effective set on cpuset_v2_mode mounts); the effective_* files are read
 * back either way.  Threads are moved one by one through `tasks`, whole
 * processes through `cgroup.procs`.  Live changes of mems migrate pages
 * only with cpuset.memory_migrate=1 (virCgroupV1SetCpusetMemoryMigrate).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "apply/apply_internal.h"
#include "apply/cgroup.h"
#include "os/os.h"

static int v1_mkdir_inherit(const char *parent, const char *path, vn_error *err)
{
    const vn_os *os = vn_os_current();
    if (os->mkdirat(os, AT_FDCWD, path, 0755) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot create cgroup %s", path);
        return -1;
    }
    if (vn_cg_inherit(parent, path, err) < 0) {
        os->unlinkat(os, AT_FDCWD, path, AT_REMOVEDIR);
        return -1;
    }
    return 0;
}

static int v1_prepare_parent(const vn_cgroups *cg, const char *parent, vn_argv *made,
                             vn_error *err)
{
    size_t ml = strlen(cg->mount);
    VN_AUTOFREE char *p = vn_strdup(parent);
    for (char *s = p + ml + 1;; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        if (!vn_ap_is_dir(p)) {
            char *sl = strrchr(p, '/');
            *sl = '\0';
            VN_AUTOFREE char *up = vn_strdup(p);
            *sl = '/';
            if (v1_mkdir_inherit(up, p, err) < 0)
                return -1;
            vn_argv_add(made, p);
        }
        if (end)
            return 0;
        *s = '/';
    }
}

static int v1_make(const vn_cgroups *cg, const char *parent, const char *path, bool threaded,
                   vn_error *err)
{
    (void)cg;
    (void)threaded;
    return v1_mkdir_inherit(parent, path, err);
}

static int v1_set_cpus(const vn_cgroups *cg, const char *path, const vn_bitmap *cpus,
                       vn_error *err)
{
    (void)cg;
    if (vn_cg_write_set(path, "cpuset.cpus", cpus, err) < 0)
        return -1;
    return vn_cg_check_effective(path, "cpuset.effective_cpus", "cpuset.cpus", cpus, err);
}

static int v1_set_mems(const vn_cgroups *cg, const char *path, const vn_bitmap *mems,
                       vn_error *err)
{
    (void)cg;
    if (vn_cg_write_set(path, "cpuset.mems", mems, err) < 0)
        return -1;
    return vn_cg_check_effective(path, "cpuset.effective_mems", "cpuset.mems", mems, err);
}

static int v1_add_proc(const vn_cgroups *cg, const char *path, pid_t pid, vn_error *err)
{
    (void)cg;
    return vn_cg_write_pid(path, "cgroup.procs", pid, err);
}

static int v1_add_thread(const vn_cgroups *cg, const char *path, pid_t tid, vn_error *err)
{
    (void)cg;
    return vn_cg_write_pid(path, "tasks", tid, err);
}

static int v1_prepare_migrate(const vn_cgroups *cg, const char *path, vn_error *err)
{
    (void)cg;
    VN_AUTOFREE char *f = vn_asprintf("%s/cpuset.memory_migrate", path);
    return vn_ap_write(f, "1", err);
}

static int v1_is_empty(const vn_cgroups *cg, const char *path, bool *empty, vn_error *err)
{
    (void)cg;
    VN_AUTOFREE char *f = vn_asprintf("%s/tasks", path);
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_read(f, &text, err) < 0)
        return -1;
    *empty = text[strspn(text, " \n")] == '\0';
    return 0;
}

const vn_cg_backend vn_cg_v1_backend = {
    .name = "v1",
    .prepare_parent = v1_prepare_parent,
    .make = v1_make,
    .set_cpus = v1_set_cpus,
    .set_mems = v1_set_mems,
    .add_proc = v1_add_proc,
    .add_thread = v1_add_thread,
    .prepare_migrate = v1_prepare_migrate,
    .is_empty = v1_is_empty,
    .tasks_file = "tasks",
};
