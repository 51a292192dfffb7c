/*
 * numatune.c - `vnuma numatune NAME --nodeset SET`, as `virsh numatune
 * --live` (qemu_driver.c, qemuDomainSetNumaParameters and
 * qemuDomainSetNumaParamsLive):
 *   - the nodeset must not be empty ("Invalid nodeset of 'numatune'");
 *   - a cpuset controller is needed ("cgroup cpuset controller is not
 *     mounted");
 *   - only restrictive may change live: libvirt refuses the others with
 *     "change of nodeset for running domain requires restrictive numa
 *     mode".  A domain without <numatune><memory> is refused the same way
 *     (libvirt would silently make it strict);
 *   - the nodes must exist on the host (virNumaNodesetIsAvailable);
 *   - cpuset.mems is written in every cgroup of the guest: emulator, each
 *     vcpuN and iothreadN of a launched guest, the domain cgroup of a run
 *     process.  On v1 cpuset.memory_migrate=1 goes first, so the pages
 *     move; on v2 the kernel moves them.  Each write is read back through
 *     the effective file, and a failure puts back the cgroups already
 *     changed;
 *   - the live domain XML and the entry record the new nodeset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply_internal.h"
#include "os/os.h"

typedef struct mems_undo {
    vn_cgroups cg;
    char *path;
    vn_bitmap *old;
} mems_undo;

static int undo_mems(void *arg, vn_error *err)
{
    mems_undo *m = arg;
    return m->cg.be->set_mems(&m->cg, m->path, m->old, err);
}

static void free_mems_undo(void *arg)
{
    mems_undo *m = arg;
    vn_cgroups_clear(&m->cg);
    free(m->path);
    vn_bitmap_free(m->old);
    free(m);
}

static vn_bitmap *read_mems(const char *path, vn_error *err)
{
    VN_AUTOFREE char *f = vn_asprintf("%s/cpuset.mems", path);
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_read(f, &text, err) < 0)
        return NULL;
    text[strcspn(text, "\n")] = '\0';
    return vn_bitmap_parse(text, VN_CPUMASK_LEN, err);
}

static int set_one(const vn_cgroups *cg, const char *path, const vn_bitmap *nodes, vn_undo *u,
                   vn_error *err)
{
    vn_bitmap *old = read_mems(path, err);
    if (!old)
        return -1;
    if (cg->be->prepare_migrate(cg, path, err) < 0 || cg->be->set_mems(cg, path, nodes, err) < 0) {
        vn_bitmap_free(old);
        return -1;
    }
    mems_undo *m = vn_calloc(1, sizeof(*m));
    vn_cg_for_kind(cg->kind, cg->mount, &m->cg);
    m->path = vn_strdup(path);
    m->old = old;
    vn_undo_push(u, undo_mems, m, free_mems_undo, "put back cpuset.mems of %s", path);
    return 0;
}

static int check_mode(const vn_domain *dom, vn_error *err)
{
    vn_numatune_mode mode;
    if (vn_domain_numatune_mode(dom, -1, &mode) < 0 || mode != VN_NUMATUNE_RESTRICTIVE) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "change of nodeset for running domain requires restrictive numa mode");
        return -1;
    }
    return 0;
}

static vn_domain *live_domain(const vn_ap_entry *e, vn_error *err)
{
    VN_AUTOFREE char *path = vn_asprintf("%s/domain.xml", e->dir);
    return vn_domain_parse_file(path, 0, err);   /* the live XML, as formatted */
}

static int update_records(vn_ap_entry *e, vn_domain *dom, const vn_bitmap *nodes,
                          vn_error *err)
{
    vn_bitmap_free(dom->numatune_nodeset);
    dom->numatune_nodeset = vn_bitmap_copy(nodes);
    VN_AUTOFREE char *xml = vn_domain_format(dom, err);
    if (!xml || vn_ap_entry_save_xml(e, xml, err) < 0)
        return -1;
    free(e->info.nodes);
    e->info.nodes = vn_bitmap_format(nodes);
    return vn_ap_entry_save(e, err);
}

static int check_nodes(const vn_apply_opts *o, const vn_bitmap *nodes, vn_error *err)
{
    if (vn_host_source_is_none(o->host_source))
        return 0;
    VN_AUTOPTR(vn_host) host = vn_host_load_with(o->host_source, &o->host_load, err);
    if (!host)
        return -1;
    if (vn_host_nodeset_available(host, nodes, err) < 0) {
        VN_AUTOFREE char *s = vn_bitmap_format(nodes);
        vn_error_where(err, "--nodeset %s", s);
        return -1;
    }
    return 0;
}

int vn_apply_numatune(const char *name, const char *nodeset, const vn_apply_opts *o,
                      vn_error *err)
{
    VN_AUTOPTR(vn_bitmap) nodes = vn_bitmap_parse(nodeset, VN_CPUMASK_LEN, err);
    if (!nodes)
        return -1;
    if (vn_bitmap_is_empty(nodes)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "Invalid nodeset of 'numatune': %s", nodeset);
        return -1;
    }
    VN_AUTOCLEAR(vn_ap_entry) e = {.dirfd = -1, .lockfd = -1};
    if (vn_ap_entry_open(o, name, &e, err) < 0)
        return -1;
    if (!vn_ap_proc_alive(e.info.pid, e.info.start)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID, "domain is not "
                      "running: pid %d of '%s' is gone (vnuma stop cleans the entry)",
                      (int)e.info.pid, name);
        return -1;
    }
    if (e.info.cg_kind == VN_CG_NONE) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "cgroup cpuset controller is not mounted");
        return -1;
    }
    VN_AUTOPTR(vn_domain) dom = live_domain(&e, err);
    if (!dom || check_mode(dom, err) < 0 || check_nodes(o, nodes, err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_cgroups) cg = {0};
    vn_cg_for_kind(e.info.cg_kind, e.info.cg_mount, &cg);
    VN_AUTOCLEAR(vn_undo) u = {.warnings = o->warnings};
    const vn_argv *targets = e.info.cg_threads.n ? &e.info.cg_threads : NULL;
    for (size_t k = 0; targets && k < targets->n; k++)
        if (set_one(&cg, targets->v[k], nodes, &u, err) < 0)
            return vn_ap_step_failed(err, "numatune %s", name);
    if (!targets && set_one(&cg, e.info.cg_domain, nodes, &u, err) < 0)
        return vn_ap_step_failed(err, "numatune %s", name);
    if (update_records(&e, dom, nodes, err) < 0)
        return vn_ap_step_failed(err, "numatune %s", name);
    vn_undo_commit(&u);
    vn_ap_log(o, "cpuset.mems of %s is now %s", name, nodeset);
    return 0;
}
