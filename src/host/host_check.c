/*
 * host_check.c - vn_host_check: the Host model's consistency, checked
 * once after every load (host_caps.c, host_sysfs.c, host_synthetic.c call
 * it), so that what the advisor, the fitter and the formatters are given
 * is a host that can exist: each CPU in one node, huge pages that fit in
 * their node's memory, ids and sizes within the bounds of model/host.h.
 * host.h lists the rules; a violation names the node.
 *
 * Time and memory are linear in the model: one owner per CPU id, one
 * mark per distance id.
 */
#include "model/host.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static VN_PRINTF(3, 4) int bad(const vn_host *h, vn_error *err, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vn_error_set(err, VNUMA_ERR_HOST, "%s: %s", h->source ? h->source : "host", msg);
    return -1;
}

static bool power_of_two(uint64_t v)
{
    return v && !(v & (v - 1));
}

static int check_cpus(const vn_host *h, const vn_host_node *n, unsigned *owner, vn_error *err)
{
    for (size_t j = 0; j < n->ncpus; j++) {
        const vn_host_cpu *cpu = &n->cpus[j];
        if (cpu->id >= VN_HOST_MAX_CPUS)
            return bad(h, err, "node %u: CPU %u: CPU ids must be below %u", n->id, cpu->id,
                       VN_HOST_MAX_CPUS);
        if (owner[cpu->id]) {
            unsigned other = owner[cpu->id] - 1;
            if (other == n->id)
                return bad(h, err, "node %u: CPU %u is listed twice", n->id, cpu->id);
            return bad(h, err, "CPU %u is in nodes %u and %u", cpu->id, other, n->id);
        }
        owner[cpu->id] = n->id + 1;
        if (cpu->online && !cpu->siblings)
            return bad(h, err, "node %u: CPU %u is online without thread siblings", n->id,
                       cpu->id);
        if (!cpu->online && cpu->siblings)
            return bad(h, err, "node %u: CPU %u is offline with thread siblings", n->id, cpu->id);
        if (cpu->siblings && vn_bitmap_last(cpu->siblings) >= (int)VN_HOST_MAX_CPUS)
            return bad(h, err, "node %u: CPU %u: sibling ids must be below %u", n->id, cpu->id,
                       VN_HOST_MAX_CPUS);
    }
    return 0;
}

static int check_memory(const vn_host *h, const vn_host_node *n, vn_error *err)
{
    if (n->mem_kib > VN_HOST_MAX_NODE_KIB)
        return bad(h, err, "node %u: %llu KiB of memory is more than the limit of %llu KiB (4 PiB)",
                   n->id, (unsigned long long)n->mem_kib,
                   (unsigned long long)VN_HOST_MAX_NODE_KIB);
    if (n->free_kib > n->mem_kib)
        return bad(h, err, "node %u: %llu KiB free is more than its %llu KiB of memory", n->id,
                   (unsigned long long)n->free_kib, (unsigned long long)n->mem_kib);
    for (size_t j = 0; j < n->npages; j++) {
        const vn_host_pages *p = &n->pages[j];
        if (p->size_kib < VN_BASE_PAGE_KIB || p->size_kib > VN_HOST_MAX_PAGE_KIB ||
            !power_of_two(p->size_kib))
            return bad(h, err, "node %u: page size %llu KiB is not a power of two from 4 KiB "
                       "to 16 GiB", n->id, (unsigned long long)p->size_kib);
        for (size_t k = 0; k < j; k++)     /* at most 23 sizes pass the rule above */
            if (n->pages[k].size_kib == p->size_kib)
                return bad(h, err, "node %u: page size %llu KiB is given twice", n->id,
                           (unsigned long long)p->size_kib);
        uint64_t kib;
        if (!vn_mul_u64(p->total, p->size_kib, &kib) || kib > n->mem_kib)
            return bad(h, err, "node %u: %llu pages of %llu KiB are more than its %llu KiB "
                       "of memory", n->id, (unsigned long long)p->total,
                       (unsigned long long)p->size_kib, (unsigned long long)n->mem_kib);
        /* free base pages are MemFree / page size (libvirt's
         * virNumaGetPageInfo): above the pages when huge pages are free */
        if (p->has_free && p->size_kib != VN_BASE_PAGE_KIB && p->free > p->total)
            return bad(h, err, "node %u: %llu free pages of %llu KiB are more than its %llu",
                       n->id, (unsigned long long)p->free, (unsigned long long)p->size_kib,
                       (unsigned long long)p->total);
    }
    return 0;
}

static int check_distances(const vn_host *h, const vn_host_node *n, unsigned char *seen,
                           vn_error *err)
{
    int rc = 0;
    for (size_t j = 0; rc == 0 && j < n->ndistances; j++) {
        unsigned id = n->distance_ids[j], v = n->distances[j];
        if (id >= VN_HOST_MAX_NODES)
            rc = bad(h, err, "node %u: a distance to node %u: node ids must be below %u",
                     n->id, id, VN_HOST_MAX_NODES);
        else if (seen[id])
            rc = bad(h, err, "node %u: the distance to node %u is given twice", n->id, id);
        else if (v < 1 || v > VN_HOST_MAX_DISTANCE)
            rc = bad(h, err, "node %u: distance %u to node %u is not between 1 and %u", n->id,
                     v, id, VN_HOST_MAX_DISTANCE);
        else
            seen[id] = 1;
    }
    for (size_t j = 0; j < n->ndistances; j++)
        if (n->distance_ids[j] < VN_HOST_MAX_NODES)
            seen[n->distance_ids[j]] = 0;
    return rc;
}

int vn_host_check(const vn_host *h, vn_error *err)
{
    if (h->nnodes > VN_HOST_MAX_NODES)
        return bad(h, err, "%zu NUMA nodes are more than the limit of %u", h->nnodes,
                   VN_HOST_MAX_NODES);
    VN_AUTOFREE unsigned *owner = vn_calloc(VN_HOST_MAX_CPUS, sizeof(unsigned));
    VN_AUTOFREE unsigned char *seen = vn_calloc(VN_HOST_MAX_NODES, 1);
    for (size_t i = 0; i < h->nnodes; i++) {
        const vn_host_node *n = &h->nodes[i];
        if (n->id >= VN_HOST_MAX_NODES)
            return bad(h, err, "node %u: node ids must be below %u", n->id, VN_HOST_MAX_NODES);
        if (i && n->id <= h->nodes[i - 1].id)
            return bad(h, err, "node %u: %s", n->id, n->id == h->nodes[i - 1].id
                       ? "given twice" : "nodes out of order");
        if (check_cpus(h, n, owner, err) < 0 || check_memory(h, n, err) < 0 ||
            check_distances(h, n, seen, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < h->nhugepage_sizes; i++) {
        uint64_t s = h->hugepage_sizes_kib[i];
        if (s <= VN_BASE_PAGE_KIB || s > VN_HOST_MAX_PAGE_KIB || !power_of_two(s) ||
            (i && s <= h->hugepage_sizes_kib[i - 1]))
            return bad(h, err, "huge page size %llu KiB is not a power of two above 4 KiB and "
                       "up to 16 GiB, or not in order", (unsigned long long)s);
    }
    return 0;
}
