/*
 * memdirs.c - the per-domain memory directories, as libvirt's
 * qemuProcessBuildDestroyMemoryPaths makes and removes them:
 *
 *   - MOUNT/libvirt/qemu/ID-SHORTNAME under every hugetlbfs mount, when
 *     the domain needs huge page paths (qemuProcessNeedHugepagesPath: a
 *     file memory source, a huge page size other than the base page, a
 *     memory device with its own huge page size; not for memfd);
 *   - MEMORY_BACKING_DIR/ID-SHORTNAME when it needs a backing path
 *     (qemuProcessNeedMemoryBackingPath: a file source, or a non-default
 *     memAccess on the domain, a cell or a memory device).
 * SHORTNAME is virDomainDefGetShortName's (vn_domain_short_name).  The
 * directories are made 0700 with their missing parents; each one made is
 * recorded, and only those are removed again: a domain directory with
 * its whole tree (QEMU's backing files), a parent only when empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply_internal.h"
#include "os/os.h"

static bool need_hugepage_paths(const vn_domain *dom)
{
    if (dom->source == VN_MEM_SOURCE_FILE)
        return true;
    if (dom->source == VN_MEM_SOURCE_MEMFD)
        return false;
    for (size_t i = 0; i < dom->nhugepages; i++)
        if (dom->hugepages[i].size_kib != VN_BASE_PAGE_KIB)
            return true;
    for (size_t i = 0; i < dom->nmemdevs; i++) {
        const vn_memdev *m = &dom->memdevs[i];
        bool model = m->model == VN_MEMORY_MODEL_DIMM || m->model == VN_MEMORY_MODEL_VIRTIO_MEM;
        if (model && m->pagesize_kib && m->pagesize_kib != VN_BASE_PAGE_KIB)
            return true;
    }
    return false;
}

static bool need_backing_path(const vn_domain *dom)
{
    if (dom->source == VN_MEM_SOURCE_FILE || dom->access != VN_MEM_ACCESS_DEFAULT)
        return true;
    for (size_t i = 0; i < dom->ncells; i++)
        if (dom->cells[i].mem_access != VN_MEM_ACCESS_DEFAULT)
            return true;
    for (size_t i = 0; i < dom->nmemdevs; i++)
        if (dom->memdevs[i].access != VN_MEM_ACCESS_DEFAULT)
            return true;
    return false;
}

typedef struct memdirs_undo {
    vn_argv made;
} memdirs_undo;

static int undo_memdirs(void *arg, vn_error *err)
{
    return vn_ap_memdirs_destroy(&((memdirs_undo *)arg)->made, err);
}

static void free_memdirs(void *arg)
{
    memdirs_undo *m = arg;
    vn_argv_clear(&m->made);
    free(m);
}

int vn_ap_memdirs_build(const vn_domain *dom, const vn_config *cfg, vn_argv *made, vn_undo *u,
                        vn_error *err)
{
    VN_AUTOFREE char *sn = vn_domain_short_name(dom, cfg->domain_id);
    VN_AUTOCLEAR(vn_argv) want = {0};
    if (need_hugepage_paths(dom))
        for (size_t i = 0; i < cfg->nmounts; i++)
            vn_argv_addf(&want, "%s/libvirt/qemu/%s", cfg->mounts[i].path, sn);
    if (need_backing_path(dom))
        vn_argv_addf(&want, "%s/%s", cfg->memory_backing_dir, sn);
    memdirs_undo *m = vn_calloc(1, sizeof(*m));
    vn_undo_push(u, undo_memdirs, m, free_memdirs, "remove the memory directories of %s",
                 dom->name);
    for (size_t i = 0; i < want.n; i++) {
        size_t before = m->made.n;
        int rc = vn_ap_mkdir_p(want.v[i], 0700, &m->made, err);
        for (size_t k = before; k < m->made.n; k++)
            vn_argv_add(made, m->made.v[k]);
        if (rc < 0)
            return vn_ap_step_failed(err, "memory directory");
    }
    return 0;
}

/* A made directory with another made one below it is a parent. */
static bool is_parent(const vn_argv *made, const char *dir)
{
    size_t n = strlen(dir);
    for (size_t i = 0; i < made->n; i++)
        if (!strncmp(made->v[i], dir, n) && made->v[i][n] == '/')
            return true;
    return false;
}

int vn_ap_memdirs_destroy(const vn_argv *made, vn_error *err)
{
    const vn_os *os = vn_os_current();
    for (size_t i = made->n; i-- > 0;) {
        const char *d = made->v[i];
        if (!is_parent(made, d)) {
            if (vn_ap_remove_tree(d, err) < 0)
                return -1;
        } else if (os->unlinkat(os, AT_FDCWD, d, AT_REMOVEDIR) < 0 && errno != ENOENT &&
                   errno != ENOTEMPTY && errno != EEXIST) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot remove %s", d);
            return -1;
        }
    }
    return 0;
}
