/*
 * host.c - life cycle of the Host model and queries on it.  See host.h.
 */
#include "model/host.h"

#include <stdlib.h>
#include <string.h>

vn_host *vn_host_new(void)
{
    return vn_calloc(1, sizeof(vn_host));
}

void vn_host_cpuset_clear(vn_host_cpuset *cs)
{
    vn_bitmap_free(cs->cpus);
    vn_bitmap_free(cs->mems);
    free(cs->cpus_file);
    free(cs->mems_file);
    memset(cs, 0, sizeof(*cs));
}

void vn_host_node_clear(vn_host_node *n)
{
    for (size_t j = 0; j < n->ncpus; j++)
        vn_bitmap_free(n->cpus[j].siblings);
    free(n->cpus);
    free(n->pages);
    free(n->distance_ids);
    free(n->distances);
    *n = (vn_host_node){0};
}

void vn_host_free(vn_host *h)
{
    if (!h)
        return;
    vn_host_cpuset_clear(&h->cpuset);
    vn_bitmap_free(h->outside_mems);
    for (size_t i = 0; i < h->nnodes; i++)
        vn_host_node_clear(&h->nodes[i]);
    free(h->nodes);
    free(h->hugepage_sizes_kib);
    free(h->source);
    free(h);
}

long vn_host_node_index(const vn_host *h, unsigned id)
{
    /* nodes are sorted by id (loaders sort them; vn_host_check checks) */
    size_t lo = 0, hi = h ? h->nnodes : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->nodes[mid].id == id)
            return (long)mid;
        if (h->nodes[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* a host built unsorted by hand: look everywhere */
    for (size_t i = 0; h && i < h->nnodes; i++)
        if (h->nodes[i].id == id)
            return (long)i;
    return -1;
}

const vn_host_node *vn_host_find_node(const vn_host *h, unsigned id)
{
    long i = vn_host_node_index(h, id);
    return i < 0 ? NULL : &h->nodes[i];
}

void vn_host_add_page_size(vn_host *h, uint64_t kib)
{
    if (kib == VN_BASE_PAGE_KIB)
        return;
    size_t i = 0;
    while (i < h->nhugepage_sizes && h->hugepage_sizes_kib[i] < kib)
        i++;
    if (i < h->nhugepage_sizes && h->hugepage_sizes_kib[i] == kib)
        return;
    VN_APPEND(h->hugepage_sizes_kib, h->nhugepage_sizes);
    memmove(&h->hugepage_sizes_kib[i + 1], &h->hugepage_sizes_kib[i],
            (h->nhugepage_sizes - 1 - i) * sizeof(uint64_t));
    h->hugepage_sizes_kib[i] = kib;
}

bool vn_host_has_node(const vn_host *h, unsigned id)
{
    return vn_host_find_node(h, id) != NULL;
}

unsigned vn_host_distance(const vn_host *h, unsigned from, unsigned to)
{
    const vn_host_node *n = vn_host_find_node(h, from);
    if (from == to)
        return 10;
    for (size_t i = 0; n && i < n->ndistances; i++)
        if (n->distance_ids[i] == to)
            return n->distances[i];
    return 20;
}

vn_bitmap *vn_host_nodeset(const vn_host *h)
{
    vn_bitmap *b = vn_bitmap_new();
    for (size_t i = 0; h && i < h->nnodes; i++)
        vn_bitmap_set(b, h->nodes[i].id);
    return b;
}

vn_bitmap *vn_host_nodes_with_memory(const vn_host *h)
{
    vn_bitmap *b = vn_bitmap_new();
    for (size_t i = 0; h && i < h->nnodes; i++)
        if (h->nodes[i].mem_kib)
            vn_bitmap_set(b, h->nodes[i].id);
    return b;
}

bool vn_host_node_available(const vn_host *h, unsigned id)
{
    return !h->numa_fake && vn_host_has_node(h, id);
}

int vn_host_nodeset_available(const vn_host *h, const vn_bitmap *nodes, vn_error *err)
{
    if (!nodes || !h)
        return 0;
    vn_bitmap_foreach(nodes, n) {
        bool outside = h->outside_mems && vn_bitmap_is_set(h->outside_mems, (unsigned)n);
        if (!outside && !vn_host_node_available(h, (unsigned)n)) {
            vn_error_setc(err, VNUMA_ERR_HOST, VN_ERRC_UNSUPPORTED, "NUMA node %d is unavailable", n);
            return -1;
        }
    }
    vn_bitmap_foreach(nodes, n) {
        if (h->outside_mems && vn_bitmap_is_set(h->outside_mems, (unsigned)n)) {
            VN_AUTOFREE char *allowed = vn_bitmap_format(h->cpuset.mems);
            vn_error_setc(err, VNUMA_ERR_HOST, VN_ERRC_NONE,
                          "host NUMA node %d is outside this process's cpuset.mems %s (%s)", n,
                          allowed, h->cpuset.mems_file);
            return -1;
        }
    }
    return 0;
}

unsigned vn_host_cpu_core_key(const vn_host_cpu *cpu)
{
    int f = cpu->siblings ? vn_bitmap_next(cpu->siblings, -1) : -1;
    return f >= 0 && (unsigned)f < cpu->id ? (unsigned)f : cpu->id;
}
