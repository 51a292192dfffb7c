/*
 * cgroup_v2.c - the unified (cgroup v2) backend (libvirt's vircgroupv2.c,
 * cpuset part).
 *
 *   - A child has cpuset files only when its parent's cgroup.subtree_control
 *     holds +cpuset, so +cpuset goes into the root's and every ancestor's
 *     down to the parent.  A non-root cgroup with processes cannot enable a
 *     domain controller for children (EBUSY): vnuma's own cgroups get their
 *     controllers before any process joins, and a process joins the domain
 *     cgroup before its threads move into the threaded children.
 *   - Per-thread cgroups (emulator, vcpuN, iothreadN) form a threaded
 *     subtree: the child is made empty, "threaded" goes into its
 *     cgroup.type (a populated one gives EOPNOTSUPP), then +cpuset into the
 *     parent's subtree_control (virCgroupV2MakeGroup with
 *     VIR_CGROUP_THREAD); threads move through cgroup.threads.
 *   - cpuset.mems accepts any possible node (an impossible one is EINVAL);
 *     when the request does not intersect the parent's effective set the
 *     kernel silently uses the parent's: the .effective files are read
 *     back and compared.
 *   - The kernel migrates pages when cpuset.mems changes.
 *   - A cgroup is empty when cgroup.events says "populated 0".
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "apply/apply_internal.h"
#include "apply/cgroup.h"
#include "os/os.h"

/* "+cpuset" in dir's cgroup.subtree_control unless it is there. */
static int enable_cpuset(const char *dir, vn_error *err)
{
    VN_AUTOFREE char *f = vn_asprintf("%s/cgroup.subtree_control", dir);
    VN_AUTOFREE char *now = NULL;
    if (vn_ap_read(f, &now, err) < 0)
        return -1;
    for (char *t = strtok(now, " \n"); t; t = strtok(NULL, " \n"))
        if (!strcmp(t, "cpuset"))
            return 0;
    if (vn_ap_write(f, "+cpuset", err) < 0) {
        if (err && err->sys_errno == EBUSY)
            vn_ap_step_failed(err, "%s has processes and cannot enable cpuset for its "
                              "children (move them to a leaf cgroup first)", dir);
        return -1;
    }
    return 0;
}

static int v2_prepare_parent(const vn_cgroups *cg, const char *parent, vn_argv *made,
                             vn_error *err)
{
    const vn_os *os = vn_os_current();
    size_t ml = strlen(cg->mount);
    if (enable_cpuset(cg->mount, err) < 0)
        return -1;
    VN_AUTOFREE char *p = vn_strdup(parent);
    for (char *s = p + ml + 1;; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        if (!vn_ap_is_dir(p)) {
            if (os->mkdirat(os, AT_FDCWD, p, 0755) < 0) {
                vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot create cgroup %s", p);
                return -1;
            }
            vn_argv_add(made, p);
        }
        if (enable_cpuset(p, err) < 0)
            return -1;
        if (end)
            return 0;
        *s = '/';
    }
}

static int v2_make(const vn_cgroups *cg, const char *parent, const char *path, bool threaded,
                   vn_error *err)
{
    (void)cg;
    const vn_os *os = vn_os_current();
    if (os->mkdirat(os, AT_FDCWD, path, 0755) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot create cgroup %s", path);
        return -1;
    }
    if (!threaded)
        return 0;
    VN_AUTOFREE char *type = vn_asprintf("%s/cgroup.type", path);
    if (vn_ap_write(type, "threaded", err) < 0 || enable_cpuset(parent, err) < 0) {
        os->unlinkat(os, AT_FDCWD, path, AT_REMOVEDIR);
        return -1;
    }
    return 0;
}

static int v2_set_cpus(const vn_cgroups *cg, const char *path, const vn_bitmap *cpus,
                       vn_error *err)
{
    (void)cg;
    if (vn_cg_write_set(path, "cpuset.cpus", cpus, err) < 0)
        return -1;
    return vn_cg_check_effective(path, "cpuset.cpus.effective", "cpuset.cpus", cpus, err);
}

static int v2_set_mems(const vn_cgroups *cg, const char *path, const vn_bitmap *mems,
                       vn_error *err)
{
    (void)cg;
    if (vn_cg_write_set(path, "cpuset.mems", mems, err) < 0)
        return -1;
    return vn_cg_check_effective(path, "cpuset.mems.effective", "cpuset.mems", mems, err);
}

static int v2_add_proc(const vn_cgroups *cg, const char *path, pid_t pid, vn_error *err)
{
    (void)cg;
    return vn_cg_write_pid(path, "cgroup.procs", pid, err);
}

static int v2_add_thread(const vn_cgroups *cg, const char *path, pid_t tid, vn_error *err)
{
    (void)cg;
    return vn_cg_write_pid(path, "cgroup.threads", tid, err);
}

static int v2_prepare_migrate(const vn_cgroups *cg, const char *path, vn_error *err)
{
    (void)cg;
    (void)path;
    (void)err;
    return 0;
}

static int v2_is_empty(const vn_cgroups *cg, const char *path, bool *empty, vn_error *err)
{
    (void)cg;
    VN_AUTOFREE char *f = vn_asprintf("%s/cgroup.events", path);
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_read(f, &text, err) < 0)
        return -1;
    const char *p = strstr(text, "populated ");
    if (!p) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "%s has no 'populated' line", f);
        return -1;
    }
    *empty = p[10] == '0';
    return 0;
}

const vn_cg_backend vn_cg_v2_backend = {
    .name = "v2",
    .prepare_parent = v2_prepare_parent,
    .make = v2_make,
    .set_cpus = v2_set_cpus,
    .set_mems = v2_set_mems,
    .add_proc = v2_add_proc,
    .add_thread = v2_add_thread,
    .prepare_migrate = v2_prepare_migrate,
    .is_empty = v2_is_empty,
    .tasks_file = "cgroup.threads",
};
