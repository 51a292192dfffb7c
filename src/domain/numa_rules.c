/*
 * numa_rules.c - the NUMA part of libvirt's define-time validation
 * (virDomainDefValidateInternal): huge page node sets
 * (virDomainDefMemtuneValidate) and the cells' caches and interconnects
 * (virDomainNumaDefValidate), with libvirt's messages and its choice of
 * which pair to name.  libvirt compares each element with every earlier
 * one; these checks find the same first pair in linear or n log n time
 * (an owner per node; sorted keys), so that thousands of page sizes or
 * latencies cost milliseconds, not minutes.  postparse.c calls them.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/domain_xml.h"
#include "model/domain.h"

/* A <vnuma> guest's cells come from the host later: checks that need
 * them wait (postparse.c has the same test). */
static bool cells_pending(const vn_domain *dom)
{
    return dom->vnuma.present && dom->ncells == 0;
}

/* virDomainDefMemtuneValidate.  libvirt compares each page size with
 * every earlier one and names the first that clashes; the same answer in
 * time linear in the node sets: owner[n] is 1 + the earlier size whose set
 * holds node n (none overlap so far, so there is at most one), master
 * 1 + the first size without a set. */
int dx_validate_hugepages(const vn_domain *dom, vn_error *err)
{
    int pos = (int)dom->ncells - 1;
    if (!dom->nhugepages)
        return 0;
    VN_AUTOFREE size_t *owner = vn_calloc(VN_CPUMASK_LEN, sizeof(size_t));
    size_t master = 0;
    for (size_t i = 0; i < dom->nhugepages; i++) {
        const vn_hugepage *a = &dom->hugepages[i];
        size_t first = SIZE_MAX;
        if (a->nodemask) {
            vn_bitmap_foreach(a->nodemask, n)
                if (n < VN_CPUMASK_LEN && owner[n] && owner[n] - 1 < first)
                    first = owner[n] - 1;
        } else if (master) {
            first = master - 1;
        }
        if (first != SIZE_MAX) {
            const vn_hugepage *b = &dom->hugepages[first];
            if (a->nodemask)
                vn_error_set(err, VNUMA_ERR_INVALID,
                             "nodeset attribute of hugepages of sizes %llu and %llu intersect",
                             (unsigned long long)a->size_kib, (unsigned long long)b->size_kib);
            else
                vn_error_set(err, VNUMA_ERR_INVALID, "two master hugepages detected: %llu and %llu",
                             (unsigned long long)a->size_kib, (unsigned long long)b->size_kib);
            return -1;
        }
        if (a->nodemask) {
            vn_bitmap_foreach(a->nodemask, n)
                if (n < VN_CPUMASK_LEN)
                    owner[n] = i + 1;
        } else {
            master = i + 1;
        }
        if (!a->nodemask || cells_pending(dom))
            continue;
        int next = vn_bitmap_next(a->nodemask, pos);
        if (next >= 0) {
            vn_error_set(err, VNUMA_ERR_INVALID, "hugepages: node %d not found", next);
            return -1;
        }
    }
    return 0;
}

/* libvirt compares each interconnect with every earlier one; the same
 * answers in O(n log n): dup[i] is the first earlier one equal to i
 * (kind, initiator, target, cache, type), rev[i] the first earlier one
 * from i's target to its initiator; SIZE_MAX for none. */
typedef struct ic_earlier {
    size_t *dup, *rev;
} ic_earlier;

/* An interconnect's key and index, sorted by key then index. */
typedef struct ic_key {
    unsigned k[5];   /* initiator, target, kind, cache, type */
    size_t i;
} ic_key;

static int ic_cmp(const ic_key *x, const ic_key *y, int nkeys)
{
    for (int k = 0; k < nkeys; k++)
        if (x->k[k] != y->k[k])
            return x->k[k] < y->k[k] ? -1 : 1;
    return 0;
}

static int ic_cmp_full(const void *a, const void *b)
{
    int c = ic_cmp(a, b, 5);
    size_t x = ((const ic_key *)a)->i, y = ((const ic_key *)b)->i;
    return c ? c : (x > y) - (x < y);
}

static void ic_find_earlier(const vn_domain *dom, ic_earlier *e)
{
    size_t n = dom->ninterconnects;
    ic_key *keys = vn_malloc(n * sizeof(ic_key));
    e->dup = vn_malloc(n * sizeof(size_t));
    e->rev = vn_malloc(n * sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        const vn_interconnect *l = &dom->interconnects[i];
        keys[i] = (ic_key){{l->initiator, l->target, l->kind, l->cache, l->type}, i};
    }
    qsort(keys, n, sizeof(ic_key), ic_cmp_full);
    /* equal keys sort by index: a group's first is its earliest */
    for (size_t k = 0, first = 0; k < n; k++) {
        if (ic_cmp(&keys[first], &keys[k], 5))
            first = k;
        e->dup[keys[k].i] = first == k ? SIZE_MAX : keys[first].i;
    }
    /* sorted by (initiator, target) first: each pair is one run of keys;
     * pairmin[k] is the earliest index of k's run */
    size_t *pairmin = vn_malloc(n * sizeof(size_t));
    for (size_t g = 0, end; g < n; g = end) {
        size_t m = keys[g].i;
        for (end = g + 1; end < n && !ic_cmp(&keys[g], &keys[end], 2); end++)
            if (keys[end].i < m)
                m = keys[end].i;
        for (size_t k = g; k < end; k++)
            pairmin[k] = m;
    }
    for (size_t i = 0; i < n; i++) {
        const vn_interconnect *l = &dom->interconnects[i];
        e->rev[i] = SIZE_MAX;
        if (l->initiator == l->target)
            continue;
        ic_key want = {{l->target, l->initiator, 0, 0, 0}, 0};
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ic_cmp(&keys[mid], &want, 2) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && !ic_cmp(&keys[lo], &want, 2) && pairmin[lo] < i)
            e->rev[i] = pairmin[lo];
    }
    free(pairmin);
    free(keys);
}

static int validate_interconnect(const vn_domain *dom, size_t i, const ic_earlier *e,
                                 vn_error *err)
{
    const vn_interconnect *l = &dom->interconnects[i];
    if (l->initiator >= dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "'initiator' refers to a non-existent NUMA node");
        return -1;
    }
    if (l->target >= dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "'target' refers to a non-existent NUMA node");
        return -1;
    }
    if (!dom->cells[l->initiator].cpus) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "NUMA nodes without CPUs can't be initiator");
        return -1;
    }
    if (l->cache > 0) {
        const vn_cell *t = &dom->cells[l->target];
        size_t j;
        for (j = 0; j < t->ncaches && t->caches[j].level != l->cache; j++)
            ;
        if (j == t->ncaches) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                         "'cache' refers to a non-existent NUMA node cache");
            return -1;
        }
    }
    /* the earlier one met first decides the message (both at once is
     * impossible: a reversed link has initiator != target) */
    if (e->dup[i] != SIZE_MAX && (e->rev[i] == SIZE_MAX || e->dup[i] < e->rev[i])) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Duplicate info for NUMA latencies");
        return -1;
    }
    if (e->rev[i] != SIZE_MAX) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Link already defined");
        return -1;
    }
    return 0;
}

/* virDomainNumaDefValidate. */
int dx_validate_numa(const vn_domain *dom, vn_error *err)
{
    for (size_t i = 0; i < dom->ncells; i++) {
        const vn_cell *c = &dom->cells[i];
        unsigned seen = 0;
        for (size_t j = 0; j < c->ncaches; j++) {
            unsigned level = c->caches[j].level;
            if (level > 3) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                              "Ain't nobody heard of that much cache level");
                return -1;
            }
            if (seen & (1u << level)) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                              "Cache level '%u' already defined", level);
                return -1;
            }
            seen |= 1u << level;
        }
    }
    if (!dom->ninterconnects)
        return 0;
    ic_earlier e;
    ic_find_earlier(dom, &e);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < dom->ninterconnects; i++)
        rc = validate_interconnect(dom, i, &e, err);
    free(e.dup);
    free(e.rev);
    return rc;
}

