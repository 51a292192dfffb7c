/*
 * checks.c - what vnuma refuses before hot-plugging a memory device on top
 * of libvirt's own checks (attach.c), because QEMU 7.2 would refuse it
 * after the first QMP command, with a message that does not name the XML:
 *   - nvdimm needs the machine started with nvdimm=on (QEMU: "nvdimm is
 *     not enabled: missing 'nvdimm' in '-M'"); vnuma's command line has it
 *     when the domain had an nvdimm at launch, which QEMU's command line
 *     (/proc/PID/cmdline) says;
 *   - the size: a multiple of 2 MiB for pc-dimm and nvdimm ("backend
 *     memory size must be multiple of 0x200000"), of the huge page size
 *     for a huge page backend ("memory size ... must be equal to or larger
 *     than page size ..."), of the block size for virtio-mem, whose block
 *     must also hold a huge page;
 *   - the host nodes the backend binds (the device's <source><nodemask>,
 *     else its cell's <numatune>) exist (libvirt: "NUMA node N is
 *     unavailable"), have the huge page size and enough free pages for the
 *     preallocation ("Cannot allocate memory"), and lie within QEMU's
 *     cpuset.mems (its Mems_allowed_list): mbind outside them is "cannot
 *     bind memory to host NUMA nodes: Invalid argument".  A restrictive
 *     mode binds nothing (no host-nodes), so the cpuset rule is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/live_internal.h"

const vn_bitmap *vn_lv_memdev_nodes(const vn_domain *dom, const vn_memdev *m)
{
    if (m->source_nodes)
        return m->source_nodes;
    /* virDomainNumatuneMaybeGetNodeset */
    if (!vn_domain_cell_has_memnode(dom, m->target_node) && !dom->numatune_specified)
        return NULL;
    return vn_domain_numatune_nodeset(dom, m->target_node);
}

static bool binds(const vn_domain *dom, const vn_memdev *m)
{
    vn_numatune_mode mode;
    if (m->source_nodes)
        return true;
    if (vn_domain_numatune_mode(dom, m->target_node, &mode) < 0 &&
        vn_domain_numatune_mode(dom, -1, &mode) < 0)
        mode = VN_NUMATUNE_STRICT;
    return mode != VN_NUMATUNE_RESTRICTIVE;
}

static const char *where(const vn_memdev *m)
{
    return m->source_nodes ? "<source><nodemask>" : "<numatune> of its guest node";
}

static int check_nvdimm(const vn_live *l, const vn_memdev *m, vn_error *err)
{
    bool on;
    if (m->model != VN_MEMORY_MODEL_NVDIMM)
        return 0;
    if (vn_lv_qemu_nvdimm(l, &on, err) < 0)
        return -1;
    if (!on) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "an nvdimm needs a machine started with nvdimm=on, which vnuma launch "
                      "gives a domain that has an nvdimm at start; '%s' had none (QEMU would "
                      "say: nvdimm is not enabled: missing 'nvdimm' in '-M')", l->e.info.name);
        return -1;
    }
    return 0;
}

static int check_alignment(const vn_memdev *m, uint64_t page_kib, vn_error *err)
{
    VN_AUTOFREE char *size = vn_lv_size(m->size_kib);
    if ((m->model == VN_MEMORY_MODEL_DIMM || m->model == VN_MEMORY_MODEL_NVDIMM) &&
        m->size_kib % 2048) {
        vn_error_set(err, VNUMA_ERR_INVALID, "<target><size> of %s is not a multiple of "
                     "2 MiB, which QEMU 7.2's %s needs (backend memory size must be multiple "
                     "of 0x200000)", size,
                     m->model == VN_MEMORY_MODEL_DIMM ? "pc-dimm" : "nvdimm");
        return -1;
    }
    if (page_kib && m->size_kib % page_kib) {
        VN_AUTOFREE char *page = vn_lv_size(page_kib);
        vn_error_set(err, VNUMA_ERR_INVALID, "<target><size> of %s is not a multiple of the "
                     "huge page size %s that backs it", size, page);
        return -1;
    }
    if (m->model == VN_MEMORY_MODEL_VIRTIO_MEM) {
        VN_AUTOFREE char *block = vn_lv_size(m->blocksize_kib);
        if (m->blocksize_kib && m->size_kib % m->blocksize_kib) {
            vn_error_set(err, VNUMA_ERR_INVALID, "<target><size> of %s is not a multiple of "
                         "the <block> size %s (QEMU 7.2's virtio-mem needs it)", size, block);
            return -1;
        }
        if (page_kib && m->blocksize_kib < page_kib) {
            VN_AUTOFREE char *page = vn_lv_size(page_kib);
            vn_error_set(err, VNUMA_ERR_INVALID, "<target><block> of %s is smaller than the "
                         "huge page size %s that backs the device", block, page);
            return -1;
        }
    }
    return 0;
}

static bool host_lists_pages(const vn_host *h)
{
    for (size_t i = 0; i < h->nnodes; i++)
        if (h->nodes[i].npages)
            return true;
    return false;
}

/* The huge pages of page_kib on the nodes (all host nodes when unbound):
 * the size must be there, and enough free pages for the preallocation. */
static int check_pages(const vn_host *h, const vn_bitmap *nodes, const vn_memdev *m,
                       uint64_t page_kib, vn_error *err)
{
    if (!page_kib || !host_lists_pages(h))
        return 0;
    uint64_t need = VN_DIV_UP(m->size_kib, page_kib), have = 0;
    bool sized = false;
    VN_AUTOPTR(vn_bitmap) all = nodes ? NULL : vn_host_nodeset(h);
    const vn_bitmap *set = nodes ? nodes : all;
    vn_bitmap_foreach(set, n) {
        const vn_host_node *hn = vn_host_find_node(h, (unsigned)n);
        for (size_t k = 0; hn && k < hn->npages; k++)
            if (hn->pages[k].size_kib == page_kib) {
                sized = true;
                if (!vn_add_u64(have, hn->pages[k].free, &have))
                    have = UINT64_MAX;
            }
    }
    VN_AUTOFREE char *s = vn_lv_nodes(set);
    VN_AUTOFREE char *page = vn_lv_size(page_kib);
    const char *has = vn_bitmap_count(set) == 1 ? "has" : "have";
    if (!sized) {
        vn_error_set(err, VNUMA_ERR_HOST, "%s %s no %s huge pages", s, has, page);
        return -1;
    }
    if (have < need) {
        vn_error_set(err, VNUMA_ERR_HOST, "%s %s %llu free %s huge pages; the device needs "
                     "%llu, which QEMU preallocates (it would fail with 'Cannot allocate "
                     "memory')", s, has, (unsigned long long)have, page,
                     (unsigned long long)need);
        return -1;
    }
    return 0;
}

static int check_cpuset(const vn_live *l, const vn_bitmap *nodes, const vn_memdev *m,
                        vn_error *err)
{
    VN_AUTOPTR(vn_bitmap) allowed = NULL;
    if (vn_lv_qemu_mems(l, &allowed, err) < 0)
        return -1;
    if (vn_bitmap_is_subset(nodes, allowed))
        return 0;
    VN_AUTOFREE char *want = vn_lv_nodes(nodes);
    VN_AUTOFREE char *have = vn_bitmap_format(allowed);
    vn_error_set(err, VNUMA_ERR_INVALID, "%s of the device's %s %s outside QEMU's "
                 "cpuset.mems %s (pid %d): QEMU's object-add would fail with 'cannot bind "
                 "memory to host NUMA nodes: Invalid argument'", want, where(m),
                 vn_bitmap_count(nodes) == 1 ? "is" : "are", have, (int)l->e.info.pid);
    return -1;
}

int vn_lv_check_qemu(vn_live *l, size_t i, vn_error *err)
{
    const vn_domain *dom = l->dom;
    const vn_memdev *m = &dom->memdevs[i];
    uint64_t page_kib = 0;
    if (check_nvdimm(l, m, err) < 0 ||
        vn_qemu_memdev_pagesize(dom, i, &l->cfg, &page_kib, err) < 0 ||
        check_alignment(m, page_kib, err) < 0)
        return -1;
    const vn_bitmap *nodes = vn_lv_memdev_nodes(dom, m);
    const vn_host *h = vn_lv_host(l, err);
    if (!h && !vn_host_source_is_none(l->o->host_source))
        return -1;
    if (h && nodes && vn_host_nodeset_available(h, nodes, err) < 0) {
        VN_AUTOFREE char *s = vn_bitmap_format(nodes);
        if (m->source_nodes)
            vn_error_where(err, "the device's <source><nodemask>%s</nodemask>", s);
        else if (vn_domain_cell_has_memnode(dom, m->target_node))
            vn_error_where(err, "the guest's <numatune><memnode cellid='%d' nodeset='%s'>",
                           m->target_node, s);
        else
            vn_error_where(err, "the guest's <numatune><memory nodeset='%s'>", s);
        return -1;
    }
    if (h && check_pages(h, nodes, m, page_kib, err) < 0)
        return -1;
    if (nodes && binds(dom, m) && check_cpuset(l, nodes, m, err) < 0)
        return -1;
    return 0;
}
