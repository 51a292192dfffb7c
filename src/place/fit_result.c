/*
 * fit_result.c - the placement's host CPUs (per the thread policy) and the
 * result (nodes, amounts, CPUs, the usage taken), step 5 of fit.c's list;
 * and the fitter's side of domains: the request for a domain, whether it
 * asks for automatic placement, and writing a placement into it.
 */
#include "place/fit_internal.h"

#include <stdlib.h>

#include "model/config.h"
#include "model/domain.h"

/* ---- host CPUs and the result ----------------------------------------- */

/* A core's free threads while host CPUs are handed out (take_cpus). */
typedef struct fcore {
    unsigned *threads;        /* free threads, ascending */
    size_t nfree;
    size_t nonline;
} fcore;

static bool cpu_is_used(const vn_bitmap *b, unsigned cpu)
{
    return b && vn_bitmap_is_set(b, cpu);
}

static int core_cmp_free_desc(const fcore *a, const fcore *b)
{
    if (a->nfree != b->nfree)
        return a->nfree > b->nfree ? -1 : 1;
    unsigned x = a->nfree ? a->threads[0] : 0, y = b->nfree ? b->threads[0] : 0;
    return (x > y) - (x < y);
}

/* Take host CPUs on node n for up to `want` vCPUs; appends to out.  A
 * core's free threads: its online ones that neither `used` nor this
 * placement (taken) holds. */
static void take_cpus(ctx *c, size_t n, unsigned want, vn_fit_cell_result *out, vn_usage *taken)
{
    const pnode *pn = &c->fh->nodes[n];
    vn_thread_policy pol = c->req->policy;
    fcore *cores = ANEW(c, pn->ncores, fcore);
    for (size_t k = 0; k < pn->ncores; k++) {
        const pcore *pc = &pn->cores[k];
        cores[k].threads = ANEW(c, pc->nonline, unsigned);
        cores[k].nonline = pc->nonline;
        for (size_t t = 0; t < pc->nonline; t++)
            if (!cpu_is_used(c->used ? c->used->cpus : NULL, pc->threads[t]) &&
                !cpu_is_used(taken->cpus, pc->threads[t]))
                cores[k].threads[cores[k].nfree++] = pc->threads[t];
    }
    /* cores in order: most free threads first (siblings together), then id */
    size_t *idx = ANEW(c, pn->ncores, size_t);
    for (size_t k = 0; k < pn->ncores; k++) {
        size_t p = k;
        while (p > 0 && core_cmp_free_desc(&cores[idx[p - 1]], &cores[k]) > 0) {
            idx[p] = idx[p - 1];
            p--;
        }
        idx[p] = k;
    }
    if (pol == VN_THREAD_ISOLATE) {   /* fully free cores by lowest id */
        for (size_t a = 0; a < pn->ncores; a++)
            for (size_t b = a + 1; b < pn->ncores; b++) {
                const fcore *x = &cores[idx[a]], *y = &cores[idx[b]];
                if (y->nfree && (!x->nfree || y->threads[0] < x->threads[0])) {
                    size_t t = idx[a];
                    idx[a] = idx[b];
                    idx[b] = t;
                }
            }
    }
    for (size_t k = 0; k < pn->ncores && out->ncpus < want; k++) {
        fcore *co = &cores[idx[k]];
        if (pol == VN_THREAD_ISOLATE) {
            if (!co->nfree || co->nfree != co->nonline)
                continue;
            out->cpus[out->ncpus++] = co->threads[0];
            for (size_t t = 0; t < co->nfree; t++)
                vn_bitmap_set(taken->cpus, co->threads[t]);
            continue;
        }
        if (pol == VN_THREAD_REQUIRE && co->nfree < 2)
            continue;
        for (size_t t = 0; t < co->nfree && out->ncpus < want; t++) {
            out->cpus[out->ncpus++] = co->threads[t];
            vn_bitmap_set(taken->cpus, co->threads[t]);
        }
    }
}

/* Fill cell i's result on its node list (in fill order); its arrays are
 * fit_build_result's, sized for n nodes and the cell's vCPUs. */
static bool fill_cell(ctx *c, size_t i, const size_t *set, size_t n, vn_fit_result *res)
{
    const vn_fit_cell *fc = &c->req->cells[i];
    vn_fit_cell_result *cr = &res->cells[i];
    uint64_t left = cell_need(fc);
    for (size_t k = 0; k < n; k++) {
        uint64_t fr = node_free(c, set[k], fc->page_kib);
        uint64_t part = left < fr ? left : fr;
        if (part == 0 && !(fc->nvcpus && cr->ncpus < fc->nvcpus))
            continue;
        cr->nodes[cr->nnodes] = c->h->nodes[set[k]].id;
        cr->amount[cr->nnodes++] = part;
        left -= part;
        if (part && !vn_usage_add(&res->taken, c->h->nodes[set[k]].id, fc->page_kib, part))
            return false;
        if (fc->nvcpus)
            take_cpus(c, set[k], fc->nvcpus, cr, &res->taken);
    }
    return left == 0 && cr->ncpus == fc->nvcpus;
}

/* The result's arrays are one allocation (res->store). */
bool fit_build_result(ctx *c, const sol *s, vn_fit_result *res)
{
    size_t slots = 0, cpus = 0;
    for (size_t i = 0; i < c->C; i++) {
        slots += c->spans[i] ? c->span_n[i] : 1;
        cpus += c->req->cells[i].nvcpus;
    }
    size_t bytes = (c->C + 1) * sizeof(*res->cells) + slots * sizeof(uint64_t) +
                   slots * sizeof(unsigned) + (cpus + 1) * sizeof(unsigned);
    char *p = res->store = vn_calloc(1, bytes);
    res->cells = (vn_fit_cell_result *)(void *)p;
    p += (c->C + 1) * sizeof(*res->cells);
    uint64_t *amounts = (uint64_t *)(void *)p;
    unsigned *ids = (unsigned *)(void *)(amounts + slots);
    unsigned *cpu = ids + slots;
    for (size_t i = 0; i < c->C; i++) {
        size_t n = c->spans[i] ? c->span_n[i] : 1;
        res->cells[i].amount = amounts;
        res->cells[i].nodes = ids;
        res->cells[i].cpus = cpu;
        amounts += n;
        ids += n;
        cpu += c->req->cells[i].nvcpus;
    }
    res->ncells = c->C;
    res->taken.cpus = vn_bitmap_new();
    res->distance_sum = s->dist;
    for (size_t i = 0; i < c->C; i++) {
        size_t one = s->pos[i];
        bool ok = c->spans[i] ? fill_cell(c, i, c->span_set[i], c->span_n[i], res)
                              : fill_cell(c, i, &one, 1, res);
        if (!ok)
            return false;
    }
    return true;
}

void vn_fit_result_clear(vn_fit_result *r)
{
    free(r->store);
    vn_usage_clear(&r->taken);
    *r = (vn_fit_result){0};
}

/* ---- domains ---------------------------------------------------------- */

bool vn_domain_wants_auto_placement(const vn_domain *dom)
{
    if (!dom->ncells)
        return false;
    return (dom->numatune_specified && dom->numatune_placement == VN_NUMATUNE_PLACEMENT_AUTO) ||
           dom->cpu_placement == VN_PLACEMENT_AUTO;
}

/* qemuBuildMemoryGetPagesize's choice for a cell; 0 = ordinary pages. */
static int cell_page_kib(const vn_domain *dom, const vn_config *cfg, unsigned cell,
                         uint64_t *out, vn_error *err)
{
    const vn_hugepage *master = NULL, *hp = NULL;
    for (size_t i = 0; i < dom->nhugepages && !hp; i++) {
        if (!dom->hugepages[i].nodemask)
            master = &dom->hugepages[i];
        else if (vn_bitmap_is_set(dom->hugepages[i].nodemask, cell))
            hp = &dom->hugepages[i];
    }
    if (!hp)
        hp = master;
    *out = 0;
    if (!hp)
        return 0;
    uint64_t size = hp->size_kib;
    if (size == 0) {
        if (!cfg || !cfg->nmounts) {
            vn_error_set(err, VNUMA_ERR_INVALID,
                         "cell %u uses the default huge page size: give it with --hugetlbfs", cell);
            return -1;
        }
        size = vn_config_default_page_kib(cfg);
    }
    *out = size == 4 ? 0 : size;   /* the system page size is ordinary memory */
    return 0;
}

int vn_fit_request_from_domain(const vn_domain *dom, const vn_config *cfg, bool dedicated,
                               vn_fit_request *req, vn_error *err)
{
    *req = (vn_fit_request){0};
    if (!dom->ncells) {
        vn_error_set(err, VNUMA_ERR_INVALID, "the domain has no guest NUMA cells");
        return -1;
    }
    req->cells = vn_calloc(dom->ncells, sizeof(*req->cells));
    req->ncells = dom->ncells;
    for (size_t i = 0; i < dom->ncells; i++) {
        vn_fit_cell *fc = &req->cells[i];
        fc->id = (unsigned)i;
        fc->mem_kib = dom->cells[i].mem_kib;
        if (cell_page_kib(dom, cfg, (unsigned)i, &fc->page_kib, err) < 0) {
            vn_fit_request_clear(req);
            return -1;
        }
    }
    if (dedicated)
        for (unsigned v = 0; v < dom->maxvcpus; v++) {
            int cell = vn_domain_vcpu_cell(dom, v);
            req->cells[cell >= 0 ? (size_t)cell : 0].nvcpus++;
        }
    return 0;
}

void vn_fit_request_clear(vn_fit_request *req)
{
    free(req->cells);
    *req = (vn_fit_request){0};
}

static void clear_pins(vn_domain *dom)
{
    for (size_t i = 0; i < dom->nvcpupins; i++)
        vn_bitmap_free(dom->vcpupins[i].cpuset);
    free(dom->vcpupins);
    dom->vcpupins = NULL;
    dom->nvcpupins = 0;
}

void vn_fit_apply_domain(vn_domain *dom, const vn_host *host, const vn_usage *used,
                         const vn_fit_request *req, const vn_fit_result *res, bool dedicated)
{
    vn_bitmap *all = vn_bitmap_new();
    vn_numatune_mode cell_mode = dom->numatune_specified && dom->numatune_mode == VN_NUMATUNE_RESTRICTIVE
                                     ? VN_NUMATUNE_RESTRICTIVE : VN_NUMATUNE_STRICT;
    for (size_t i = 0; i < res->ncells && i < dom->ncells; i++) {
        vn_cell *cell = &dom->cells[req->cells[i].id];
        vn_bitmap_free(cell->memnode_nodeset);
        cell->memnode_nodeset = vn_bitmap_new();
        for (size_t k = 0; k < res->cells[i].nnodes; k++)
            vn_bitmap_set(cell->memnode_nodeset, res->cells[i].nodes[k]);
        cell->has_memnode = true;
        cell->memnode_mode = cell_mode;
        vn_bitmap_union(all, cell->memnode_nodeset);
    }
    if (!dom->numatune_specified) {
        dom->numatune_specified = true;
        dom->numatune_mode = VN_NUMATUNE_STRICT;
    }
    dom->numatune_placement = VN_NUMATUNE_PLACEMENT_STATIC;
    vn_bitmap_free(dom->numatune_nodeset);
    dom->numatune_nodeset = all;
    dom->cpu_placement = VN_PLACEMENT_STATIC;
    vn_bitmap_free(dom->cpumask);
    dom->cpumask = NULL;

    if (dedicated) {
        clear_pins(dom);
        vn_bitmap_free(dom->emulatorpin);
        dom->emulatorpin = vn_bitmap_new();
        unsigned *next = vn_calloc(res->ncells + 1, sizeof(*next));
        for (unsigned v = 0; v < dom->maxvcpus; v++) {
            int cell = vn_domain_vcpu_cell(dom, v);
            size_t ci = cell >= 0 ? (size_t)cell : 0;
            if (ci >= res->ncells || next[ci] >= res->cells[ci].ncpus)
                continue;
            vn_pin *p = VN_APPEND(dom->vcpupins, dom->nvcpupins);
            p->id = v;
            p->cpuset = vn_bitmap_new();
            vn_bitmap_set(p->cpuset, res->cells[ci].cpus[next[ci]++]);
            vn_bitmap_union(dom->emulatorpin, p->cpuset);
        }
        free(next);
        return;
    }
    vn_bitmap *cpus = vn_bitmap_new();
    vn_bitmap_foreach(all, id) {
        const vn_host_node *n = vn_host_find_node(host, (unsigned)id);
        for (size_t k = 0; n && k < n->ncpus; k++)
            if (n->cpus[k].online && !(used && used->cpus && vn_bitmap_is_set(used->cpus, n->cpus[k].id)))
                vn_bitmap_set(cpus, n->cpus[k].id);
    }
    if (vn_bitmap_is_empty(cpus))
        vn_bitmap_free(cpus);
    else
        dom->cpumask = cpus;
}
