/*
 * backend.c - memory backend objects as libvirt 9.0's
 * qemuBuildMemoryBackendProps builds them: type (ram, file, memfd),
 * size, host-nodes and policy from <numatune>, huge pages, prealloc, paths,
 * and the thread-context that preallocates on the bound nodes.  One
 * builder for the command line (-object) and for QMP object-add.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/machine.h"
#include "qemu/qemu_internal.h"

void vq_jkey(vn_buf *b, const char *key)
{
    vn_buf_addc(b, ',');
    vn_buf_add_json_string(b, key);
    vn_buf_addc(b, ':');
}

void vq_jstr(vn_buf *b, const char *key, const char *v)
{
    vq_jkey(b, key);
    vn_buf_add_json_string(b, v);
}

void vq_jbool(vn_buf *b, const char *key, bool v)
{
    vq_jkey(b, key);
    vn_buf_add(b, v ? "true" : "false");
}

void vq_ju64(vn_buf *b, const char *key, uint64_t v)
{
    vq_jkey(b, key);
    vn_buf_addf(b, "%llu", (unsigned long long)v);
}

/* "T:": a tristate, left out when absent. */
void vq_jtristate(vn_buf *b, const char *key, vn_tristate v)
{
    if (v == VN_TRISTATE_YES || v == VN_TRISTATE_NO)
        vq_jbool(b, key, v == VN_TRISTATE_YES);
}

void vq_jnodes(vn_buf *b, const char *key, const vn_bitmap *nodes)
{
    bool first = true;
    vq_jkey(b, key);
    vn_buf_addc(b, '[');
    vn_bitmap_foreach(nodes, n) {
        vn_buf_addf(b, "%s%d", first ? "" : ",", n);
        first = false;
    }
    vn_buf_addc(b, ']');
}

void vq_backend_clear(backend *be)
{
    free(be->id);
    vn_buf_free(&be->body);
    memset(be, 0, sizeof(*be));
}

/* virDomainNumatuneMaybeGetNodeset */
int vq_numatune_maybe_nodeset(const ctx *c, int cell, const vn_bitmap **out)
{
    *out = NULL;
    if (!vn_domain_cell_has_memnode(c->dom, cell) && !c->dom->numatune_specified)
        return 0;
    if (vn_domain_numatune_is_auto(c->dom) && !c->dom->auto_nodeset) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                      "Advice from numad is needed in case of automatic numa placement");
        return -1;
    }
    *out = vn_domain_numatune_nodeset(c->dom, cell);
    return 0;
}

/* qemuGetDomainHupageMemPath */
char *vq_hugepage_path(const ctx *c, uint64_t pagesize_kib)
{
    if (!c->cfg->nmounts) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                      "hugetlbfs filesystem is not mounted or disabled by administrator config");
        return NULL;
    }
    const vn_hugetlbfs *m = vn_config_mount_for(c->cfg, pagesize_kib);
    if (!m || pagesize_kib == 0) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                      "Unable to find any usable hugetlbfs mount for %llu KiB",
                      (unsigned long long)pagesize_kib);
        return NULL;
    }
    VN_AUTOFREE char *sn = vn_domain_short_name(c->dom, c->cfg->domain_id);
    return vn_asprintf("%s/libvirt/qemu/%s", m->path, sn);
}

/* qemuGetMemoryBackingPath */
char *vq_backing_path(const ctx *c, const char *alias)
{
    VN_AUTOFREE char *sn = vn_domain_short_name(c->dom, c->cfg->domain_id);
    return vn_asprintf("%s/%s/%s", c->cfg->memory_backing_dir, sn, alias);
}

/* qemuBuildMemoryGetDefaultPagesize */
int vq_default_pagesize(const ctx *c, uint64_t *pagesize)
{
    if (!c->cfg->nmounts) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                      "hugetlbfs filesystem is not mounted or disabled by administrator config");
        return -1;
    }
    *pagesize = vn_config_default_page_kib(c->cfg);
    return 0;
}

/* qemuBuildMemoryGetPagesize */
int vq_get_pagesize(const ctx *c, const memview *m, pageinfo *pi)
{
    const vn_domain *d = c->dom;
    uint64_t pagesize = m->pagesize_kib;
    bool need = pagesize != 0, use = pagesize != 0, prealloc = false;

    if (pagesize == 0) {
        bool by_nodeset;
        const vn_hugepage *hp = vn_domain_hugepage_for_node(d, m->target_node, &by_nodeset);
        if (by_nodeset)
            need = true;
        if (hp) {
            pagesize = hp->size_kib;
            use = true;
        }
    }

    if (pagesize == SYSTEM_PAGE_SIZE_KIB) {
        pagesize = 0;
        need = use = false;
    } else if (use && pagesize == 0) {
        if (vq_default_pagesize(c, &pagesize) < 0)
            return -1;
    }

    if (d->allocation == VN_MEM_ALLOC_IMMEDIATE)
        prealloc = true;
    if (m->nvdimm_path) {
        if (!m->pmem && m->model != VN_MEMORY_MODEL_VIRTIO_PMEM)
            prealloc = true;
    } else if (use) {
        prealloc = true;
    }

    pi->pagesize = pagesize;
    pi->need_hugepage = need;
    pi->use_hugepage = use;
    pi->prealloc = prealloc;
    return 0;
}

static void add_share(vn_buf *b, vn_mem_access access)
{
    if (access == VN_MEM_ACCESS_SHARED)
        vq_jbool(b, "share", true);
    else if (access == VN_MEM_ACCESS_PRIVATE)
        vq_jbool(b, "share", false);
}

int vq_add_bytes(const ctx *c, vn_buf *b, const char *key, uint64_t kib, bool positive_only)
{
    uint64_t bytes;
    if (positive_only && kib == 0)
        return 0;
    if (!vn_mul_u64(kib, 1024, &bytes)) {
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "size of '%s' overflows", key);
        return -1;
    }
    vq_ju64(b, key, bytes);
    return 0;
}

/* The backend type and its file/memfd properties. */
static int backend_source(const ctx *c, const memview *m, const pageinfo *pi,
                          vn_mem_access access, vn_tristate discard,
                          bool system_memory, backend *be, bool *no_canonical)
{
    const vn_domain *d = c->dom;
    if (m->model == VN_MEMORY_MODEL_SGX_EPC) {
        be->type = "memory-backend-epc";
    } else if (!m->nvdimm_path && d->source == VN_MEM_SOURCE_MEMFD) {
        be->type = "memory-backend-memfd";
        if (pi->use_hugepage) {
            vq_jbool(&be->body, "hugetlb", true);
            if (vq_add_bytes(c, &be->body, "hugetlbsize", pi->pagesize, false) < 0)
                return -1;
        }
        add_share(&be->body, access);
        *no_canonical = system_memory;
    } else if (pi->use_hugepage || m->nvdimm_path || access != VN_MEM_ACCESS_DEFAULT ||
               d->source == VN_MEM_SOURCE_FILE) {
        be->type = "memory-backend-file";
        VN_AUTOFREE char *path = NULL;
        if (m->nvdimm_path)
            path = vn_strdup(m->nvdimm_path);
        else if (pi->use_hugepage)
            path = vq_hugepage_path(c, pi->pagesize);
        else
            path = vq_backing_path(c, m->alias);
        if (!path)
            return -1;
        vq_jstr(&be->body, "mem-path", path);
        if (!m->nvdimm_path)
            vq_jtristate(&be->body, "discard-data", discard);
        add_share(&be->body, access);
        *no_canonical = system_memory;
    } else {
        be->type = "memory-backend-ram";
    }
    return 0;
}

/* qemuBuildMemoryBackendProps */
int vq_backend_props(ctx *c, const char *alias, const memview *m, bool force,
                         bool system_memory, backend *be)
{
    const vn_domain *d = c->dom;
    vn_mem_access access = m->access;
    vn_tristate discard = m->discard;
    vn_numatune_mode mode;
    pageinfo pi;
    bool no_canonical = false;
    const vn_bitmap *nodemask = NULL;

    memset(be, 0, sizeof(*be));
    be->id = vn_strdup(alias);
    vn_buf_add(&be->body, "");

    if (m->target_node >= 0 && (size_t)m->target_node < d->ncells) {
        const vn_cell *cell = &d->cells[m->target_node];
        if (access == VN_MEM_ACCESS_DEFAULT)
            access = cell->mem_access;
        if (discard == VN_TRISTATE_ABSENT)
            discard = cell->discard;
    }
    if (access == VN_MEM_ACCESS_DEFAULT)
        access = d->access;
    if (discard == VN_TRISTATE_ABSENT)
        discard = d->discard;

    if (vn_domain_numatune_mode(d, m->target_node, &mode) < 0 && vn_domain_numatune_mode(d, -1, &mode) < 0)
        mode = VN_NUMATUNE_STRICT;

    if (vq_get_pagesize(c, m, &pi) < 0)
        return -1;
    if (backend_source(c, m, &pi, access, discard, system_memory, be, &no_canonical) < 0)
        return -1;
    if (m->model == VN_MEMORY_MODEL_SGX_EPC && !c->mem_prealloc)
        pi.prealloc = true;

    if (no_canonical)
        vq_jbool(&be->body, "x-use-canonical-path-for-ramblock-id", false);

    if (m->model == VN_MEMORY_MODEL_VIRTIO_MEM) {
        /* QEMU 7.2 has virtio-mem-pci.prealloc: the device gets it */
        vq_jbool(&be->body, "reserve", false);
    } else if (!c->mem_prealloc) {
        if (pi.prealloc)
            vq_jbool(&be->body, "prealloc", true);
        if (d->allocation_threads)
            vq_ju64(&be->body, "prealloc-threads", d->allocation_threads);
        be->prealloc = pi.prealloc;
    }

    if (vq_add_bytes(c, &be->body, "size", m->size_kib, false) < 0 ||
        vq_add_bytes(c, &be->body, "align", m->alignsize_kib, true) < 0)
        return -1;
    if (m->pmem)
        vq_jbool(&be->body, "pmem", true);

    if (m->source_nodes)
        nodemask = m->source_nodes;
    else if (vq_numatune_maybe_nodeset(c, m->target_node, &nodemask) < 0)
        return -1;
    if (nodemask && vn_host_nodeset_available(c->host, nodemask, c->err) < 0)
        return -1;
    if (nodemask && mode != VN_NUMATUNE_RESTRICTIVE) {
        static const char *const policy[] = {"bind", "preferred", "interleave", "restrictive"};
        vq_jnodes(&be->body, "host-nodes", nodemask);
        vq_jstr(&be->body, "policy", policy[mode]);
        be->host_nodes = nodemask;
    }

    if (!pi.need_hugepage && !m->source_nodes && !vn_domain_cell_has_memnode(d, m->target_node) &&
        !m->nvdimm_path && access == VN_MEM_ACCESS_DEFAULT &&
        d->source != VN_MEM_SOURCE_FILE && d->source != VN_MEM_SOURCE_MEMFD && !force)
        be->rc = 1;
    return 0;
}

void vq_add_object(ctx *c, const char *type, const char *id, const char *body)
{
    vn_buf b = {0};
    vn_buf_add(&b, "{\"qom-type\":");
    vn_buf_add_json_string(&b, type);
    vn_buf_add(&b, ",\"id\":");
    vn_buf_add_json_string(&b, id);
    vn_buf_add(&b, body);
    vn_buf_addc(&b, '}');
    vn_argv_add(c->out, "-object");
    vn_argv_add(c->out, b.s);
    vn_buf_free(&b);
}

/* qemuBuildThreadContextProps, then the backend object itself. */
void vq_emit_backend(ctx *c, backend *be)
{
    if (be->host_nodes && be->prealloc) {
        VN_AUTOFREE char *tc = vn_asprintf("tc-%s", be->id);
        vn_buf b = {0};
        vq_jnodes(&b, "node-affinity", be->host_nodes);
        vq_add_object(c, "thread-context", tc, b.s);
        vn_buf_free(&b);
        vq_jstr(&be->body, "prealloc-context", tc);
    }
    vq_add_object(c, be->type, be->id, be->body.s);
}
