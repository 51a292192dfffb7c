/*
 * usage.c - what guests take from a host (see usage.h): takes kept sorted
 * by (node, page size), found by binary search.
 */
#include "model/usage.h"

#include <stdlib.h>
#include <string.h>

#include "model/host.h"

/* ---- usage ------------------------------------------------------------- */

/* takes are sorted by (node, page size): the position of (node, page_kib),
 * or where it would go. */
static size_t usage_pos(const vn_usage *u, unsigned node, uint64_t page_kib)
{
    size_t lo = 0, hi = u->ntakes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const vn_take *t = &u->takes[mid];
        if (t->node < node || (t->node == node && t->page_kib < page_kib))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static vn_take *usage_slot(const vn_usage *u, unsigned node, uint64_t page_kib)
{
    size_t i = usage_pos(u, node, page_kib);
    if (i < u->ntakes && u->takes[i].node == node && u->takes[i].page_kib == page_kib)
        return &u->takes[i];
    return NULL;
}

bool vn_usage_add(vn_usage *u, unsigned node, uint64_t page_kib, uint64_t amount)
{
    vn_take *t = usage_slot(u, node, page_kib);
    if (t)
        return vn_add_u64(t->amount, amount, &t->amount);
    size_t i = usage_pos(u, node, page_kib);
    u->takes = vn_reallocarray(u->takes, u->ntakes + 1, sizeof(*u->takes));
    memmove(&u->takes[i + 1], &u->takes[i], (u->ntakes - i) * sizeof(*u->takes));
    u->ntakes++;
    u->takes[i] = (vn_take){.node = node, .page_kib = page_kib, .amount = amount};
    return true;
}

bool vn_usage_merge(vn_usage *dst, const vn_usage *src)
{
    for (size_t i = 0; i < src->ntakes; i++)
        if (!vn_usage_add(dst, src->takes[i].node, src->takes[i].page_kib, src->takes[i].amount))
            return false;
    if (src->cpus) {
        if (!dst->cpus)
            dst->cpus = vn_bitmap_new();
        vn_bitmap_union(dst->cpus, src->cpus);
    }
    return true;
}

uint64_t vn_usage_get(const vn_usage *u, unsigned node, uint64_t page_kib)
{
    const vn_take *t = u ? usage_slot(u, node, page_kib) : NULL;
    return t ? t->amount : 0;
}

void vn_usage_clear(vn_usage *u)
{
    free(u->takes);
    vn_bitmap_free(u->cpus);
    *u = (vn_usage){0};
}

char *vn_usage_foreign(const vn_usage *u, const vn_host *h)
{
    vn_bitmap *nodes = vn_bitmap_new(), *cpus = vn_bitmap_new(), *have = vn_bitmap_new();
    for (size_t i = 0; i < u->ntakes; i++)
        if (!vn_host_has_node(h, u->takes[i].node))
            vn_bitmap_set(nodes, u->takes[i].node);
    for (size_t n = 0; n < h->nnodes; n++)
        for (size_t k = 0; k < h->nodes[n].ncpus; k++)
            vn_bitmap_set(have, h->nodes[n].cpus[k].id);
    if (u->cpus)
        for (int b = vn_bitmap_next(u->cpus, -1); b >= 0; b = vn_bitmap_next(u->cpus, b))
            if (!vn_bitmap_is_set(have, (unsigned)b))
                vn_bitmap_set(cpus, (unsigned)b);
    vn_bitmap_free(have);
    char *out = NULL;
    if (vn_bitmap_count(nodes) || vn_bitmap_count(cpus)) {
        vn_buf b = {0};
        if (vn_bitmap_count(nodes)) {
            VN_AUTOFREE char *ns = vn_bitmap_format(nodes);
            vn_buf_addf(&b, "node%s %s", vn_bitmap_count(nodes) == 1 ? "" : "s", ns);
        }
        if (vn_bitmap_count(cpus)) {
            VN_AUTOFREE char *cs = vn_bitmap_format(cpus);
            vn_buf_addf(&b, "%sCPU%s %s", b.len ? " and " : "",
                        vn_bitmap_count(cpus) == 1 ? "" : "s", cs);
        }
        out = vn_buf_steal(&b);
    }
    vn_bitmap_free(nodes);
    vn_bitmap_free(cpus);
    return out;
}
