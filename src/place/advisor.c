/*
 * advisor.c - the placement advisor (see advisor.h): vn_advise checks the
 * request and hands it to a rule: numad's (advisor_numad.c, the default)
 * or vnuma's earlier smallest-set rule, which lives here.
 *
 * The smallest-set rule (VN_ADVISE_SMALLEST, `vnuma advise --rule
 * smallest`).  What a node offers: its online CPUs not dedicated to a
 * placed guest (the request's usage); its free memory (MemFree, MemTotal
 * where the host source does not say), or with a huge page size its free
 * pages of that size (total where unknown).  Unlike numad, nodes of
 * unequal size, memory-only and CPU-only nodes are taken as they are.
 *
 * Search: from each node that offers something the request still needs
 * (the seed), grow a set one node at a time.  The next node is one that
 * adds a resource still short, preferring (1) a node that makes the set
 * fit, (2) the smallest sum of distances to the nodes already in the set,
 * (3) the node that covers most of what is still missing (the fractions
 * of the missing CPUs and memory it brings, summed), (4) the lowest id.  Among the sets grown from every seed, the answer is
 * the smallest, then the smallest sum of pairwise distances, then the one
 * with the lowest ids (compared as sorted lists).  A seed's growth stops
 * once its set is larger than the best found so far.  Cost: O(n^2 * k) for
 * n nodes and an answer of k nodes; the distance matrix is built once,
 * O(n^2 log n).  Sets of 1 and 2 nodes are optimal: every single node is a
 * seed, and from each seed the nearest completing partner is taken.
 *
 * A request fits some set exactly when it fits all nodes together; when
 * it does not, the error says what is short and by how much.
 */
#include "place/advisor_internal.h"

#include <stdlib.h>

#include "base/units.h"

typedef struct adv_node {
    unsigned id;
    unsigned cpus;             /* online CPUs */
    uint64_t mem;              /* free memory in KiB, or free pages */
} adv_node;

typedef struct adv_ctx {
    const vn_host *h;
    const vn_advice_request *req;
    size_t n;
    adv_node *nodes;
    unsigned *dist;            /* n * n, by index */
    uint64_t need_mem;         /* KiB, or pages with a page size */
    vn_buf *ex;
} adv_ctx;

/* A candidate set (by node index). */
typedef struct adv_set {
    bool *in;
    size_t size;
    unsigned cpus;
    uint64_t mem;
    uint64_t dist2;            /* sum over ordered pairs: twice the pairwise sum */
} adv_set;

static uint64_t node_free_mem(const vn_host_node *n, uint64_t pagesize)
{
    if (!pagesize)
        return n->has_free ? n->free_kib : n->mem_kib;
    for (size_t i = 0; i < n->npages; i++)
        if (n->pages[i].size_kib == pagesize)
            return n->pages[i].has_free ? n->pages[i].free : n->pages[i].total;
    return 0;
}

static unsigned online_cpus(const vn_host_node *n, const vn_advice_request *req)
{
    unsigned c = 0;
    for (size_t i = 0; i < n->ncpus; i++)
        c += n->cpus[i].online && !adv_cpu_taken(req, n->cpus[i].id);
    return c;
}

static void build_model(adv_ctx *c)
{
    const vn_host *h = c->h;
    c->n = h->nnodes;
    c->nodes = vn_calloc(c->n ? c->n : 1, sizeof(adv_node));
    c->dist = vn_calloc(c->n ? c->n * c->n : 1, sizeof(unsigned));
    for (size_t i = 0; i < c->n; i++) {
        const vn_host_node *hn = &h->nodes[i];
        c->nodes[i] = (adv_node){hn->id, online_cpus(hn, c->req),
                                 node_free_mem(hn, c->req->pagesize_kib)};
        for (size_t j = 0; j < c->n; j++)   /* vn_host_distance's defaults */
            c->dist[i * c->n + j] = i == j ? 10 : 20;
        for (size_t k = 0; k < hn->ndistances; k++) {
            long j = vn_host_node_index(h, hn->distance_ids[k]);
            if (j >= 0 && (size_t)j != i)
                c->dist[i * c->n + (size_t)j] = hn->distances[k];
        }
    }
}

static bool set_fits(const adv_ctx *c, unsigned cpus, uint64_t mem)
{
    return cpus >= c->req->ncpus && mem >= c->need_mem;
}

/* Does node j add something the set still lacks? */
static bool node_helps(const adv_ctx *c, const adv_set *s, size_t j)
{
    return (s->cpus < c->req->ncpus && c->nodes[j].cpus > 0) ||
           (s->mem < c->need_mem && c->nodes[j].mem > 0);
}

static void set_add(const adv_ctx *c, adv_set *s, uint64_t *sumd, size_t j)
{
    s->in[j] = true;
    s->size++;
    s->cpus += c->nodes[j].cpus;   /* <= 16384 per node, bounded node count */
    s->mem = s->mem + c->nodes[j].mem < s->mem ? UINT64_MAX : s->mem + c->nodes[j].mem;
    s->dist2 += sumd[j];
    for (size_t k = 0; k < c->n; k++)
        sumd[k] += (uint64_t)c->dist[j * c->n + k] + c->dist[k * c->n + j];
}

/* How much of what the set still lacks node j covers: the fractions of
 * the missing CPUs and of the missing memory it brings, summed (0..2). */
static double coverage(const adv_ctx *c, const adv_set *s, size_t j)
{
    double cov = 0;
    if (s->cpus < c->req->ncpus) {
        unsigned short_by = c->req->ncpus - s->cpus;
        cov += (double)(c->nodes[j].cpus < short_by ? c->nodes[j].cpus : short_by) / short_by;
    }
    if (s->mem < c->need_mem) {
        uint64_t short_by = c->need_mem - s->mem;
        cov += (double)(c->nodes[j].mem < short_by ? c->nodes[j].mem : short_by) / (double)short_by;
    }
    return cov;
}

/* Grow from seed; false when abandoned (larger than max_size) or stuck. */
static bool grow(const adv_ctx *c, size_t seed, size_t max_size, adv_set *s, uint64_t *sumd)
{
    memset(s->in, 0, c->n * sizeof(bool));
    memset(sumd, 0, c->n * sizeof(uint64_t));
    s->size = 0;
    s->cpus = 0;
    s->mem = 0;
    s->dist2 = 0;
    set_add(c, s, sumd, seed);
    while (!set_fits(c, s->cpus, s->mem)) {
        if (s->size >= max_size)
            return false;
        long best = -1;
        bool best_completes = false;
        double best_cov = 0;
        for (size_t j = 0; j < c->n; j++) {
            if (s->in[j] || !node_helps(c, s, j))
                continue;
            uint64_t mem = s->mem + c->nodes[j].mem < s->mem ? UINT64_MAX : s->mem + c->nodes[j].mem;
            bool completes = set_fits(c, s->cpus + c->nodes[j].cpus, mem);
            double cov = completes ? 0 : coverage(c, s, j);
            if (best < 0 || (completes && !best_completes) ||
                (completes == best_completes &&
                 (sumd[j] < sumd[best] || (sumd[j] == sumd[best] && cov > best_cov))))
                best = (long)j, best_completes = completes, best_cov = cov;
        }
        if (best < 0)
            return false;
        set_add(c, s, sumd, (size_t)best);
    }
    return true;
}

/* Is a better than b: smaller, nearer, then lower ids? */
static bool set_better(const adv_ctx *c, const adv_set *a, const adv_set *b)
{
    if (a->size != b->size)
        return a->size < b->size;
    if (a->dist2 != b->dist2)
        return a->dist2 < b->dist2;
    for (size_t i = 0; i < c->n; i++)
        if (a->in[i] != b->in[i])
            return a->in[i];
    return false;
}

static char *set_format(const adv_ctx *c, const bool *in)
{
    vn_bitmap *b = vn_bitmap_new();
    for (size_t i = 0; i < c->n; i++)
        if (in[i])
            vn_bitmap_set(b, c->nodes[i].id);
    char *s = vn_bitmap_format(b);
    vn_bitmap_free(b);
    return s;
}

/* ---- explanation ---------------------------------------------------- */

static void mem_text(const adv_ctx *c, vn_buf *b, uint64_t v)
{
    if (c->req->pagesize_kib) {
        vn_buf_addf(b, "%llu free huge pages of ", (unsigned long long)v);
        vn_buf_add_page_size(b, c->req->pagesize_kib);
    }
    else
        vn_buf_addf(b, "%llu MiB free", (unsigned long long)(v / 1024));
}

static void explain_nodes(const adv_ctx *c)
{
    vn_buf *b = c->ex;
    const vn_advice_request *r = c->req;
    vn_buf_addf(b, "rule: smallest (the fewest nodes, then the nearest, then the lowest ids)\n"
                   "request: %u CPUs, %llu MiB", r->ncpus,
                (unsigned long long)VN_DIV_UP(r->mem_kib, 1024));
    if (r->pagesize_kib) {
        vn_buf_add(b, " in huge pages of ");
        vn_buf_add_page_size(b, r->pagesize_kib);
        vn_buf_addf(b, " (%llu pages)", (unsigned long long)c->need_mem);
    }
    vn_buf_addf(b, "\nnodes (%zu): online CPUs, free memory\n", c->n);
    for (size_t i = 0; i < c->n; i++) {
        vn_buf_addf(b, "  node %u: %u CPUs, ", c->nodes[i].id, c->nodes[i].cpus);
        mem_text(c, b, c->nodes[i].mem);
        vn_buf_addc(b, '\n');
    }
}

static void explain_distances(const adv_ctx *c, const bool *chosen)
{
    vn_buf *b = c->ex;
    bool all = c->n <= 16;
    vn_buf_addf(b, "distances%s:\n      ", all ? "" : " (between the chosen nodes)");
    for (size_t j = 0; j < c->n; j++)
        if (all || chosen[j])
            vn_buf_addf(b, " %4u", c->nodes[j].id);
    vn_buf_addc(b, '\n');
    for (size_t i = 0; i < c->n; i++) {
        if (!all && !chosen[i])
            continue;
        vn_buf_addf(b, "  %4u", c->nodes[i].id);
        for (size_t j = 0; j < c->n; j++)
            if (all || chosen[j])
                vn_buf_addf(b, " %4u", c->dist[i * c->n + j]);
        vn_buf_addc(b, '\n');
    }
}

static void explain_candidate(const adv_ctx *c, size_t seed, const adv_set *s, bool ok)
{
    if (!c->ex)
        return;
    if (!ok) {
        vn_buf_addf(c->ex, "  from node %u: dropped (would need more nodes than the best)\n",
                    c->nodes[seed].id);
        return;
    }
    VN_AUTOFREE char *set = set_format(c, s->in);
    vn_buf_addf(c->ex, "  from node %u: %s (%zu nodes, %u CPUs, ", c->nodes[seed].id, set,
                s->size, s->cpus);
    mem_text(c, c->ex, s->mem);
    vn_buf_addf(c->ex, ", distance sum %llu)\n", (unsigned long long)(s->dist2 / 2));
}

/* ---- does not fit --------------------------------------------------- */

static int not_fit(const adv_ctx *c, vn_error *err)
{
    unsigned cpus = 0;
    uint64_t mem = 0;
    for (size_t i = 0; i < c->n; i++) {
        cpus += c->nodes[i].cpus;
        mem = mem + c->nodes[i].mem < mem ? UINT64_MAX : mem + c->nodes[i].mem;
    }
    vn_buf b = {0};
    vn_buf_add(&b, "no set of host nodes fits: ");
    if (cpus < c->req->ncpus)
        vn_buf_addf(&b, "needs %u CPUs, the host has at most %u online CPUs on any set of nodes: "
                        "short by %u", c->req->ncpus, cpus, c->req->ncpus - cpus);
    if (cpus < c->req->ncpus && mem < c->need_mem)
        vn_buf_add(&b, "; ");
    if (mem < c->need_mem && c->req->pagesize_kib) {
        vn_buf_addf(&b, "needs %llu free huge pages of ", (unsigned long long)c->need_mem);
        vn_buf_add_page_size(&b, c->req->pagesize_kib);
        vn_buf_addf(&b, ", the host has at most %llu on any set of nodes: short by %llu pages",
                    (unsigned long long)mem, (unsigned long long)(c->need_mem - mem));
    } else if (mem < c->need_mem) {
        uint64_t need = VN_DIV_UP(c->need_mem, 1024), have = mem / 1024;
        vn_buf_addf(&b, "needs %llu MiB, the host has at most %llu MiB free on any set of "
                        "nodes: short by %llu MiB", (unsigned long long)need,
                    (unsigned long long)have, (unsigned long long)(need - have));
    }
    vn_error_set(err, VNUMA_ERR_HOST, "%s", b.s);
    if (c->ex)
        vn_buf_addf(c->ex, "result: %s\n", b.s);
    vn_buf_free(&b);
    return -1;
}

/* ---- entry point ---------------------------------------------------- */

static void fill_advice(const adv_ctx *c, const adv_set *best, vn_advice *out)
{
    out->nodes = vn_bitmap_new();
    out->cpus = vn_bitmap_new();
    for (size_t i = 0; i < c->n; i++) {
        if (!best->in[i])
            continue;
        const vn_host_node *hn = &c->h->nodes[i];
        vn_bitmap_set(out->nodes, hn->id);
        for (size_t k = 0; k < hn->ncpus; k++)
            vn_bitmap_set(out->cpus, hn->cpus[k].id);
    }
    out->cpus_free = best->cpus;
    out->mem_free_kib = best->mem;
    if (c->req->pagesize_kib && !vn_mul_u64(best->mem, c->req->pagesize_kib, &out->mem_free_kib))
        out->mem_free_kib = UINT64_MAX;
    out->distance_sum = (unsigned)(best->dist2 / 2);
}

static int search(adv_ctx *c, vn_advice *out, vn_error *err)
{
    adv_set best = {.in = vn_calloc(c->n, sizeof(bool)), .size = SIZE_MAX};
    adv_set cur = {.in = vn_calloc(c->n, sizeof(bool))};
    uint64_t *sumd = vn_calloc(c->n, sizeof(uint64_t));
    adv_set empty = {.in = cur.in};
    if (c->ex)
        vn_buf_add(c->ex, "candidates (grown from each node toward its nearest nodes):\n");
    for (size_t seed = 0; seed < c->n; seed++) {
        if (!node_helps(c, &empty, seed))
            continue;
        bool ok = grow(c, seed, best.size, &cur, sumd);
        explain_candidate(c, seed, &cur, ok);
        if (ok && (best.size == SIZE_MAX || set_better(c, &cur, &best))) {
            bool *t = best.in;
            best = cur;
            cur.in = t;
        }
    }
    int rc = 0;
    if (best.size == SIZE_MAX) {
        rc = not_fit(c, err);
    } else {
        fill_advice(c, &best, out);
        out->fits = true;
        if (c->ex) {
            if (c->n > 16)
                explain_distances(c, best.in);
            VN_AUTOFREE char *s = set_format(c, best.in);
            vn_buf_addf(c->ex, "chosen: %s (fewest nodes, then smallest distance sum, then "
                               "lowest ids)\n", s);
        }
    }
    free(best.in);
    free(cur.in);
    free(sumd);
    return rc;
}

int vn_advise(const vn_host *host, const vn_advice_request *req, vn_advice *out,
              vn_buf *explain, vn_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!host || !host->nnodes) {
        vn_error_set(err, VNUMA_ERR_HOST, "placement advice needs a host with NUMA nodes");
        return -1;
    }
    if (req->ncpus == 0 && req->mem_kib == 0) {
        vn_error_set(err, VNUMA_ERR_INVALID, "placement advice needs CPUs or memory to place");
        return -1;
    }
    if (req->rule == VN_ADVISE_NUMAD) {
        adv_numad(host, req, out, explain);
        return 0;
    }
    adv_ctx c = {.h = host, .req = req, .ex = explain, .need_mem = req->mem_kib};
    if (req->pagesize_kib)
        c.need_mem = VN_DIV_UP(req->mem_kib, req->pagesize_kib);
    build_model(&c);
    if (explain) {
        explain_nodes(&c);
        if (c.n > 16)
            vn_buf_add(explain, "(distance matrix: see `vnuma host`)\n");
        else
            explain_distances(&c, NULL);
    }
    int rc = search(&c, out, err);
    free(c.nodes);
    free(c.dist);
    return rc;
}

void vn_advice_clear(vn_advice *a)
{
    vn_bitmap_free(a->nodes);
    vn_bitmap_free(a->cpus);
    free(a->shortfall);
    memset(a, 0, sizeof(*a));
}
