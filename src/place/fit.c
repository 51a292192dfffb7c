/*
 * placement.c - fit guest NUMA cells onto host nodes (see placement.h for
 * the rules).  Pure: the host and the request in, the placement out.
 *
 * Steps (vn_fit_prepared; vn_fit prepares the host first):
 *  0. once per host (vn_fit_host_new): distances by node index, each node's
 *     cores (SMT siblings), nodes by distance from each (a counting sort
 *     over the few distinct distances), twin
 *     groups (nodes at one distance from every other node: packages);
 *  1. free resources per host node: memory, huge pages of each size, host
 *     CPUs per thread policy, minus what `used` holds;
 *  2. which node can hold which cell alone (fit matrix) and which cells
 *     must span several nodes (larger than any node of the host);
 *  3. spanning cells first, each on the smallest close set of free nodes;
 *  4. cells all of one shape on a host with twin groups: a branch and bound
 *     over how many cells each group holds (group_search), exact within
 *     its budget; otherwise, or when the budget runs out,
 *     the other cells: the free nodes ranked by the least distance they
 *     can add (which also bounds the answer from below); greedy
 *     construction from the best few seeds, plus a first fit in node
 *     order; local improvement of the best few; then branch and bound from
 *     the best with a budget (exact on hosts of up to 8 nodes, a bounded
 *     refinement on larger ones).  When no heuristic finds a placement, a
 *     perfect matching of cells to distinct nodes does, or names the cells
 *     that compete for too few nodes;
 *  5. host CPUs for the vCPUs per the thread policy, the usage taken.
 * Ties are broken by node index, so the result is deterministic.
 */
#include "place/fit.h"

#include <stdio.h>
#include <stdlib.h>

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"

/* ---- a per-fit arena ---------------------------------------------------- */

/* Everything one fit needs lives in an arena freed at once: a fit of 16
 * cells on 64 nodes otherwise spends more time in malloc than in search. */
typedef struct ablock {
    struct ablock *next;
    size_t cap, used;
    max_align_t data[];
} ablock;

typedef struct arena {
    ablock *head;
} arena;

/* n zeroed objects of `size` bytes; aborts on overflow or OOM. */
static void *arena_calloc(arena *a, size_t n, size_t size)
{
    if (size && n > (SIZE_MAX - 4096) / size)
        abort();                            /* a size no fit can need */
    size_t bytes = (n * size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!bytes)
        bytes = sizeof(max_align_t);
    if (!a->head || a->head->cap - a->head->used < bytes) {
        size_t cap = a->head ? 2 * a->head->cap : 8192;
        if (cap < bytes)
            cap = bytes;
        ablock *b = vn_malloc(sizeof(*b) + cap);
        *b = (ablock){.next = a->head, .cap = cap};
        a->head = b;
    }
    char *p = (char *)a->head->data + a->head->used;
    a->head->used += bytes;
    memset(p, 0, bytes);
    return p;
}

static void arena_free(arena *a)
{
    while (a->head) {
        ablock *n = a->head->next;
        free(a->head);
        a->head = n;
    }
}

#define ANEW(c, n, type) ((type *)arena_calloc((c)->ar, (n), sizeof(type)))

/* ---- the host as the fitter sees it ----------------------------------- */

/* Prepared once per host (vn_fit_host_new): what does not depend on usage
 * or the request, so that repeated fits on one host (a ledger of guests,
 * the benchmark) do not pay for it again. */
typedef struct pcore {
    unsigned *threads;        /* online threads on this node, ascending */
    size_t nonline;
} pcore;

typedef struct pnode {
    const vn_host_node *hn;
    pcore *cores;
    size_t ncores;
    size_t core0;             /* its first core in the flat numbering */
    unsigned cap_total[3];    /* CPUs usable per thread policy on an idle node */
} pnode;

struct vn_fit_host {
    const vn_host *h;
    size_t N, ncores;
    pnode *nodes;
    unsigned *D;              /* N*N distances by node index */
    unsigned dmin;            /* least distance between two different nodes */
    uint64_t *rowsum;         /* N: distance from a node to all nodes */
    uint32_t *nbr;            /* N*N: row x = node indexes by distance from x */
    unsigned vals[256];       /* the distinct distances, ascending */
    size_t nvals;
    uint8_t *vrank;           /* distance -> its index in vals; NULL when the
                               * host has more than 256 distinct distances or
                               * one above 65535 */
    size_t ncpumap;
    uint32_t *cpu_core;       /* CPU id -> 1 + flat core index; 0: not an online CPU */
    uint32_t *core_node;      /* flat core index -> node index */
    unsigned *core_online;    /* flat core index -> online threads */
    size_t nids;
    uint32_t *idx_of;         /* node id -> 1 + node index; 0: no such node */
    /* Twin groups: nodes at the same distance from every other node (and
     * from each other): a package's nodes on most hosts.  Which nodes of a
     * group hold cells does not change the distance sum, only how many. */
    size_t ngroups;
    size_t *group;            /* N: node index -> group */
    size_t *gstart;           /* ngroups + 1: members are gnodes[gstart[g]..] */
    size_t *gnodes;           /* N: node indexes by group, ascending */
    unsigned *gdist;          /* ngroups^2: distance between groups; the
                               * diagonal: between two nodes of the group */
    size_t *gclass;           /* ngroups: twin class of the group itself */
};

/* Per fit: the free resources now. */
typedef struct fnode {
    uint64_t mem_free;        /* KiB */
    unsigned cap_free[3];     /* CPUs usable per thread policy, now */
    bool used;                /* holds a cell of this placement */
} fnode;

/* A core's free threads while host CPUs are handed out (take_cpus). */
typedef struct fcore {
    unsigned *threads;        /* free threads, ascending */
    size_t nfree;
    size_t nonline;
} fcore;

typedef struct ctx {
    arena *ar;                /* every array below */
    const vn_fit_host *fh;
    const vn_host *h;
    const vn_usage *used;
    const vn_fit_request *req;
    size_t N, C;
    fnode *nodes;
    const unsigned *D;
    size_t *shape;            /* C: the cell whose fit/score row this cell shares */
    size_t *cand;             /* free nodes that can hold some cell, ascending */
    size_t ncand;
    bool *fit;                /* C*N: node can hold the cell alone */
    bool *anyfit;             /* N: node can hold some cell alone */
    uint64_t *room0;          /* N: distance to the nodes left for the greedy */
    uint64_t *acc0;           /* N: distance to the spanning cells */
    bool *busy0;              /* N: nodes the spanning cells took */
    int64_t *score;           /* C*N: strategy score, smaller is better */
    bool *spans;              /* C */
    size_t **span_set;        /* C: node indexes of a spanning cell */
    size_t *span_n;
    unsigned *span_drow;      /* C*N: distance from a node to a spanning cell */
    vn_buf why;               /* refusal lines */
} ctx;

#define NO_NODE ((size_t)-1)
#define FIT(c, i, x) ((c)->fit[(c)->shape[i] * (c)->N + (x)])
#define SCORE(c, i, x) ((c)->score[(c)->shape[i] * (c)->N + (x)])

static uint64_t pages_free(const ctx *c, size_t n, uint64_t page_kib)
{
    const vn_host_node *hn = &c->h->nodes[n];
    for (size_t i = 0; i < hn->npages; i++) {
        if (hn->pages[i].size_kib != page_kib)
            continue;
        uint64_t u = vn_usage_get(c->used, hn->id, page_kib);
        return hn->pages[i].free > u ? hn->pages[i].free - u : 0;
    }
    return 0;
}

static uint64_t pages_total(const ctx *c, size_t n, uint64_t page_kib)
{
    const vn_host_node *hn = &c->h->nodes[n];
    for (size_t i = 0; i < hn->npages; i++)
        if (hn->pages[i].size_kib == page_kib)
            return hn->pages[i].total;
    return 0;
}

/* What a cell needs in its unit: KiB, or pages. */
static uint64_t cell_need(const vn_fit_cell *fc)
{
    return fc->page_kib ? VN_DIV_UP(fc->mem_kib, fc->page_kib) : fc->mem_kib;
}

static uint64_t node_free(const ctx *c, size_t n, uint64_t page_kib)
{
    return page_kib ? pages_free(c, n, page_kib) : c->nodes[n].mem_free;
}

static uint64_t node_total(const ctx *c, size_t n, uint64_t page_kib)
{
    return page_kib ? pages_total(c, n, page_kib) : c->h->nodes[n].mem_kib;
}

/* CPUs usable per thread policy, from a core's free and online threads. */
static void cap_add(unsigned cap[3], size_t nfree, size_t nonline)
{
    cap[VN_THREAD_PREFER] += (unsigned)nfree;
    cap[VN_THREAD_ISOLATE] += nfree == nonline;
    cap[VN_THREAD_REQUIRE] += nfree >= 2 ? (unsigned)nfree : 0;
}

static void prep_cores(pnode *pn)
{
    const vn_host_node *hn = pn->hn;
    unsigned *keys = vn_calloc(hn->ncpus + 1, sizeof(*keys));
    for (size_t i = 0; i < hn->ncpus; i++) {
        const vn_host_cpu *cpu = &hn->cpus[i];
        if (!cpu->online)
            continue;
        unsigned k = vn_host_cpu_core_key(cpu);
        size_t j;
        for (j = 0; j < pn->ncores && keys[j] != k; j++)
            ;
        if (j == pn->ncores) {
            keys[j] = k;
            VN_APPEND(pn->cores, pn->ncores);
        }
        pcore *co = &pn->cores[j];
        co->threads = vn_reallocarray(co->threads, co->nonline + 1, sizeof(unsigned));
        size_t p = co->nonline++;
        while (p > 0 && co->threads[p - 1] > cpu->id) {
            co->threads[p] = co->threads[p - 1];
            p--;
        }
        co->threads[p] = cpu->id;
    }
    free(keys);
    for (size_t j = 0; j < pn->ncores; j++)
        cap_add(pn->cap_total, pn->cores[j].nonline, pn->cores[j].nonline);
}

static size_t node_index(const vn_fit_host *fh, unsigned id)
{
    return id < fh->nids && fh->idx_of[id] ? fh->idx_of[id] - 1 : NO_NODE;
}

/* Twin classes of an n x n distance matrix M: u and v are twins when
 * M[u][u] == M[v][v], M[u][v] == M[v][u] and every other w is as far from
 * (and to) u as from v.  That is an equivalence, and the members of a class
 * are all at one distance from each other.  Only a node's nearest earlier
 * nodes are tried as twins (twins are each other's nearest on the hosts
 * this is for), a few classes at most: O(n^2).  cls[u] = its class, in
 * order of first member; returns the number of classes. */
static size_t twin_classes(const unsigned *M, size_t n, size_t *cls, size_t *rep)
{
    size_t ncls = 0;
    for (size_t u = 0; u < n; u++) {
        const unsigned *ru = &M[u * n];
        unsigned near = UINT32_MAX;
        for (size_t v = 0; v < u; v++)
            near = ru[v] < near ? ru[v] : near;
        cls[u] = NO_NODE;
        int tries = 0;
        for (size_t v = 0; v < u && tries < 4 && cls[u] == NO_NODE; v++) {
            if (ru[v] != near || rep[cls[v]] != v)
                continue;       /* not nearest, or not its class's first */
            tries++;
            const unsigned *rv = &M[v * n];
            bool twin = ru[u] == rv[v] && ru[v] == rv[u];
            for (size_t w = 0; twin && w < n; w++)
                if (w != u && w != v && (ru[w] != rv[w] || M[w * n + u] != M[w * n + v]))
                    twin = false;
            if (twin)
                cls[u] = cls[v];
        }
        if (cls[u] == NO_NODE) {
            rep[ncls] = u;
            cls[u] = ncls++;
        }
    }
    return ncls;
}

static void prep_groups(vn_fit_host *fh)
{
    size_t N = fh->N;
    size_t *rep = vn_calloc(N + 1, sizeof(*rep));
    fh->group = vn_calloc(N + 1, sizeof(*fh->group));
    fh->ngroups = twin_classes(fh->D, N, fh->group, rep);
    size_t m = fh->ngroups;
    fh->gstart = vn_calloc(m + 1, sizeof(*fh->gstart));
    fh->gnodes = vn_calloc(N + 1, sizeof(*fh->gnodes));
    for (size_t x = 0; x < N; x++)
        fh->gstart[fh->group[x] + 1]++;
    for (size_t g = 0; g < m; g++)
        fh->gstart[g + 1] += fh->gstart[g];
    size_t *fill = vn_calloc(m + 1, sizeof(*fill));
    for (size_t x = 0; x < N; x++) {
        size_t g = fh->group[x];
        fh->gnodes[fh->gstart[g] + fill[g]++] = x;
    }
    free(fill);
    fh->gdist = vn_calloc(m * m + 1, sizeof(*fh->gdist));
    for (size_t g = 0; g < m; g++) {
        for (size_t h = 0; h < m; h++)
            fh->gdist[g * m + h] = fh->D[rep[g] * N + rep[h]];
        /* between two members; a group of one has no such pair */
        fh->gdist[g * m + g] = fh->gstart[g + 1] - fh->gstart[g] > 1
                                   ? fh->D[fh->gnodes[fh->gstart[g]] * N + fh->gnodes[fh->gstart[g] + 1]]
                                   : 0;
    }
    fh->gclass = vn_calloc(m + 1, sizeof(*fh->gclass));
    (void)twin_classes(fh->gdist, m, fh->gclass, rep);
    free(rep);
}

typedef struct nbr_key {
    const unsigned *drow;     /* distances from the row's node */
    uint32_t row;
} nbr_key;

/* Nearest first; the node itself before a node at the same distance. */
static int nbr_cmp(const void *a, const void *b, void *arg)
{
    const nbr_key *k = arg;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    unsigned dx = k->drow[x], dy = k->drow[y];
    if (dx != dy)
        return dx < dy ? -1 : 1;
    if ((x == k->row) != (y == k->row))
        return x == k->row ? -1 : 1;
    return (x > y) - (x < y);
}

/* Row x of nbr: the nodes nearest first, x itself first at its distance,
 * then by index.  With the distance ranks (prep_vals) each row is a
 * counting sort, O(N); else a comparison sort. */
static void prep_nbr(vn_fit_host *fh)
{
    size_t N = fh->N, V = fh->nvals;
    size_t *start = vn_calloc(V + 1, sizeof(*start));
    for (size_t x = 0; x < N; x++) {
        const unsigned *row = &fh->D[x * N];
        uint32_t *out = &fh->nbr[x * N];
        if (!fh->vrank) {
            for (size_t y = 0; y < N; y++)
                out[y] = (uint32_t)y;
            nbr_key k = {.drow = row, .row = (uint32_t)x};
            qsort_r(out, N, sizeof(*out), nbr_cmp, &k);
            continue;
        }
        memset(start, 0, (V + 1) * sizeof(*start));
        for (size_t y = 0; y < N; y++)
            start[fh->vrank[row[y]] + 1]++;
        for (size_t v = 0; v < V; v++)
            start[v + 1] += start[v];
        out[start[fh->vrank[row[x]]]++] = (uint32_t)x;
        for (size_t y = 0; y < N; y++)
            if (y != x)
                out[start[fh->vrank[row[y]]]++] = (uint32_t)y;
    }
    free(start);
}

/* Distances take few values (a SLIT holds bytes, and hosts have a handful
 * of levels): a table from distance to rank makes prep_nbr a counting
 * sort. */
static void prep_vals(vn_fit_host *fh)
{
    size_t NN = fh->N * fh->N;
    unsigned maxd = 0;
    for (size_t k = 0; k < NN; k++)
        maxd = fh->D[k] > maxd ? fh->D[k] : maxd;
    if (maxd > 65535)
        return;
    fh->vrank = vn_calloc((size_t)maxd + 1, 1);
    for (size_t k = 0; k < NN; k++)
        fh->vrank[fh->D[k]] = 1;
    for (unsigned v = 0; v <= maxd; v++) {
        if (!fh->vrank[v])
            continue;
        if (fh->nvals == 256) {
            free(fh->vrank);
            fh->vrank = NULL;
            return;
        }
        fh->vals[fh->nvals] = v;
        fh->vrank[v] = (uint8_t)fh->nvals++;
    }
}

vn_fit_host *vn_fit_host_new(const vn_host *h)
{
    vn_fit_host *fh = vn_calloc(1, sizeof(*fh));
    size_t N = h->nnodes;
    fh->h = h;
    fh->N = N;
    fh->nodes = vn_calloc(N + 1, sizeof(*fh->nodes));
    fh->D = vn_calloc(N * N + 1, sizeof(*fh->D));
    for (size_t i = 0; i < N; i++)
        if (h->nodes[i].id + (size_t)1 > fh->nids)
            fh->nids = h->nodes[i].id + (size_t)1;
    fh->idx_of = vn_calloc(fh->nids + 1, sizeof(*fh->idx_of));
    for (size_t i = 0; i < N; i++)
        fh->idx_of[h->nodes[i].id] = (uint32_t)(i + 1);
    fh->rowsum = vn_calloc(N + 1, sizeof(*fh->rowsum));
    fh->dmin = UINT32_MAX;
    unsigned maxcpu = 0;
    for (size_t i = 0; i < N; i++) {
        pnode *pn = &fh->nodes[i];
        pn->hn = &h->nodes[i];
        prep_cores(pn);
        pn->core0 = fh->ncores;
        fh->ncores += pn->ncores;
        for (size_t k = 0; k < pn->hn->ncpus; k++)
            if (pn->hn->cpus[k].id + 1 > maxcpu)
                maxcpu = pn->hn->cpus[k].id + 1;
        for (size_t j = 0; j < N; j++)
            fh->D[i * N + j] = i == j ? 10 : 20;
        for (size_t k = 0; k < pn->hn->ndistances; k++) {
            size_t j = node_index(fh, pn->hn->distance_ids[k]);
            if (j != NO_NODE && j != i)
                fh->D[i * N + j] = pn->hn->distances[k];
        }
    }
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < N; j++) {
            if (j != i && fh->D[i * N + j] < fh->dmin)
                fh->dmin = fh->D[i * N + j];
            fh->rowsum[i] += fh->D[i * N + j];
        }
    }
    prep_vals(fh);
    fh->nbr = vn_malloc((N * N + 1) * sizeof(*fh->nbr));
    prep_nbr(fh);
    if (fh->dmin == UINT32_MAX)
        fh->dmin = 0;
    fh->ncpumap = maxcpu;
    fh->cpu_core = vn_calloc(maxcpu + 1, sizeof(*fh->cpu_core));
    fh->core_node = vn_calloc(fh->ncores + 1, sizeof(*fh->core_node));
    fh->core_online = vn_calloc(fh->ncores + 1, sizeof(*fh->core_online));
    for (size_t i = 0; i < N; i++) {
        const pnode *pn = &fh->nodes[i];
        for (size_t j = 0; j < pn->ncores; j++) {
            size_t f = pn->core0 + j;
            fh->core_node[f] = (uint32_t)i;
            fh->core_online[f] = (unsigned)pn->cores[j].nonline;
            for (size_t t = 0; t < pn->cores[j].nonline; t++)
                fh->cpu_core[pn->cores[j].threads[t]] = (uint32_t)(f + 1);
        }
    }
    prep_groups(fh);
    return fh;
}

void vn_fit_host_free(vn_fit_host *fh)
{
    if (!fh)
        return;
    for (size_t i = 0; i < fh->N; i++) {
        for (size_t j = 0; j < fh->nodes[i].ncores; j++)
            free(fh->nodes[i].cores[j].threads);
        free(fh->nodes[i].cores);
    }
    free(fh->nodes);
    free(fh->D);
    free(fh->vrank);
    free(fh->nbr);
    free(fh->rowsum);
    free(fh->cpu_core);
    free(fh->core_node);
    free(fh->core_online);
    free(fh->idx_of);
    free(fh->group);
    free(fh->gstart);
    free(fh->gnodes);
    free(fh->gdist);
    free(fh->gclass);
    free(fh);
}

static bool cpu_is_used(const vn_bitmap *b, unsigned cpu)
{
    return b && vn_bitmap_is_set(b, cpu);
}

/* Free resources per node: memory minus usage; CPUs per thread policy,
 * recounted only on the nodes where `used` holds CPUs. */
static void ctx_init(ctx *c, arena *ar, const vn_fit_host *fh, const vn_usage *used,
                     const vn_fit_request *req)
{
    *c = (ctx){.ar = ar, .fh = fh, .h = fh->h, .used = used, .req = req, .N = fh->N,
               .C = req->ncells, .D = fh->D};
    size_t N = c->N, C = c->C;
    c->nodes = ANEW(c, N, fnode);
    for (size_t i = 0; i < N; i++) {
        c->nodes[i].mem_free = fh->nodes[i].hn->free_kib;
        memcpy(c->nodes[i].cap_free, fh->nodes[i].cap_total, sizeof(c->nodes[i].cap_free));
    }
    for (size_t t = 0; used && t < used->ntakes; t++) {
        const vn_take *tk = &used->takes[t];
        size_t i = node_index(fh, tk->node);
        if (tk->page_kib || i == NO_NODE)
            continue;
        fnode *fn = &c->nodes[i];
        fn->mem_free = fn->mem_free > tk->amount ? fn->mem_free - tk->amount : 0;
    }
    if (used && used->cpus) {
        unsigned *nfree = NULL;
        bool *touched = NULL;
        for (int b = vn_bitmap_next(used->cpus, -1); b >= 0 && (size_t)b < fh->ncpumap;
             b = vn_bitmap_next(used->cpus, b)) {
            uint32_t f = fh->cpu_core[b];
            if (!f)
                continue;
            if (!nfree) {
                nfree = ANEW(c, fh->ncores, unsigned);
                touched = ANEW(c, N, bool);
                memcpy(nfree, fh->core_online, fh->ncores * sizeof(*nfree));
            }
            nfree[f - 1]--;
            touched[fh->core_node[f - 1]] = true;
        }
        for (size_t i = 0; nfree && i < N; i++) {
            if (!touched[i])
                continue;
            const pnode *pn = &fh->nodes[i];
            memset(c->nodes[i].cap_free, 0, sizeof(c->nodes[i].cap_free));
            for (size_t j = 0; j < pn->ncores; j++)
                cap_add(c->nodes[i].cap_free, nfree[pn->core0 + j], pn->cores[j].nonline);
        }
    }
    c->shape = ANEW(c, C, size_t);
    c->fit = ANEW(c, C * N, bool);
    c->anyfit = ANEW(c, N, bool);
    c->room0 = ANEW(c, N, uint64_t);
    c->acc0 = ANEW(c, N, uint64_t);
    c->busy0 = ANEW(c, N, bool);
    c->score = ANEW(c, C * N, int64_t);
    c->spans = ANEW(c, C, bool);
    c->span_set = ANEW(c, C, size_t *);
    c->span_n = ANEW(c, C, size_t);
    c->span_drow = ANEW(c, C * N, unsigned);
}

static void ctx_clear(ctx *c)
{
    for (size_t i = 0; i < c->C; i++)
        free(c->span_set[i]);
    vn_buf_free(&c->why);
}

/* ---- feasibility and messages ----------------------------------------- */

/* "8192 MiB" or "1000 KiB" or "512 pages of 2048 KiB" */
static void add_amount(vn_buf *b, uint64_t amount, uint64_t page_kib)
{
    if (page_kib)
        vn_buf_addf(b, "%llu huge pages of %llu KiB", (unsigned long long)amount,
                    (unsigned long long)page_kib);
    else if (amount % 1024 == 0)
        vn_buf_addf(b, "%llu MiB", (unsigned long long)(amount / 1024));
    else
        vn_buf_addf(b, "%llu KiB", (unsigned long long)amount);
}

static void why_line(ctx *c)
{
    if (c->why.len)
        vn_buf_addc(&c->why, '\n');
}

static int64_t strategy_score(const ctx *c, uint64_t free_units, uint64_t need, uint64_t page_kib)
{
    uint64_t unit = page_kib ? page_kib : 1;
    int64_t before = (int64_t)(free_units * unit), after = (int64_t)((free_units - need) * unit);
    return c->req->strategy == VN_FIT_PACK ? after : -before;
}

/* Fill the fit matrix; decide which cells span; explain the cells no node
 * can hold.  Returns false when some cell cannot be placed at all. */
static bool same_cell(const vn_fit_cell *a, const vn_fit_cell *b)
{
    return a->mem_kib == b->mem_kib && a->page_kib == b->page_kib && a->nvcpus == b->nvcpus;
}

static bool compute_fit(ctx *c)
{
    const vn_fit_request *r = c->req;
    vn_thread_policy pol = r->policy;
    bool ok = true;
    bool *rowany = ANEW(c, c->C, bool);
    for (size_t i = 0; i < c->C; i++) {
        const vn_fit_cell *fc = &r->cells[i];
        /* a cell like an earlier one that fits somewhere shares its rows */
        size_t j = 0;
        while (j < i && !(rowany[j] && same_cell(fc, &r->cells[j])))
            j++;
        c->shape[i] = i;
        if (j < i) {
            c->shape[i] = j;
            continue;
        }
        uint64_t need = cell_need(fc), best_free = 0;
        unsigned best_cpu = 0;
        bool ever = false, mem_ok = false, cpu_ok = false, any = false;
        for (size_t n = 0; n < c->N; n++) {
            const fnode *fn = &c->nodes[n];
            uint64_t fr = node_free(c, n, fc->page_kib);
            if (need <= node_total(c, n, fc->page_kib) &&
                fc->nvcpus <= c->fh->nodes[n].cap_total[pol])
                ever = true;
            bool m = need <= fr, p = fc->nvcpus <= fn->cap_free[pol];
            mem_ok |= m;
            cpu_ok |= p;
            best_free = fr > best_free ? fr : best_free;
            best_cpu = fn->cap_free[pol] > best_cpu ? fn->cap_free[pol] : best_cpu;
            c->fit[i * c->N + n] = m && p;
            c->anyfit[n] |= m && p;
            if (m && p) {
                any = true;
                c->score[i * c->N + n] = strategy_score(c, fr, need, fc->page_kib);
            }
        }
        if (!ever) {
            c->spans[i] = true;
            continue;
        }
        rowany[i] = any;
        if (any)
            continue;
        ok = false;
        why_line(c);
        vn_buf_addf(&c->why, "cell %u: ", fc->id);
        if (!mem_ok) {
            vn_buf_add(&c->why, "needs ");
            add_amount(&c->why, need, fc->page_kib);
            vn_buf_add(&c->why, fc->page_kib ? ", the most free on a node is " :
                                               ", the largest free node has ");
            if (fc->page_kib)
                vn_buf_addf(&c->why, "%llu", (unsigned long long)best_free);
            else
                add_amount(&c->why, best_free, 0);
        } else if (!cpu_ok) {
            vn_buf_addf(&c->why, "needs %u dedicated host CPU%s (thread policy %s), "
                        "the most free on a node is %u", fc->nvcpus, fc->nvcpus == 1 ? "" : "s",
                        vn_thread_policy_to_string(pol), best_cpu);
        } else {
            vn_buf_add(&c->why, "no node has both ");
            add_amount(&c->why, need, fc->page_kib);
            vn_buf_addf(&c->why, " and %u host CPUs (thread policy %s) free", fc->nvcpus,
                        vn_thread_policy_to_string(pol));
        }
    }
    return ok;
}

/* ---- spanning cells --------------------------------------------------- */

typedef struct span_try {
    size_t *set;
    size_t n;
    uint64_t internal;
    int64_t score;
} span_try;

/* From seed s, add the nearest free nodes until the cell fits. */
static bool span_from(ctx *c, size_t i, size_t s, span_try *t)
{
    const vn_fit_cell *fc = &c->req->cells[i];
    vn_thread_policy pol = c->req->policy;
    uint64_t need = cell_need(fc), got = 0;
    unsigned cpus = 0;
    bool *in = vn_calloc(c->N, sizeof(*in));
    t->set = vn_calloc(c->N, sizeof(*t->set));
    t->n = 0;
    t->score = 0;
    for (;;) {
        size_t best = NO_NODE;
        for (size_t x = 0; x < c->N; x++) {
            if (in[x] || c->nodes[x].used)
                continue;
            if (!node_free(c, x, fc->page_kib) && (!fc->nvcpus || !c->nodes[x].cap_free[pol]))
                continue;
            if (best == NO_NODE || c->D[s * c->N + x] < c->D[s * c->N + best])
                best = x;
        }
        if (t->n == 0 && best != s)
            break;      /* the seed itself has nothing to give */
        if (best == NO_NODE)
            break;
        in[best] = true;
        t->set[t->n++] = best;
        uint64_t fr = node_free(c, best, fc->page_kib);
        got += fr;
        cpus += c->nodes[best].cap_free[pol];
        t->score += strategy_score(c, fr, 0, fc->page_kib);
        if (got >= need && cpus >= fc->nvcpus)
            break;
    }
    free(in);
    if (got < need || cpus < fc->nvcpus)
        return false;
    t->internal = 0;
    for (size_t a = 0; a < t->n; a++)
        for (size_t b = a + 1; b < t->n; b++)
            t->internal += c->D[t->set[a] * c->N + t->set[b]];
    return true;
}

static bool span_better(const span_try *a, const span_try *b)
{
    if (a->n != b->n)
        return a->n < b->n;
    if (a->internal != b->internal)
        return a->internal < b->internal;
    return a->score < b->score;
}

static bool host_has_smt(const ctx *c)
{
    for (size_t x = 0; x < c->N; x++)
        if (c->fh->nodes[x].cap_total[VN_THREAD_REQUIRE])
            return true;
    return false;
}

static bool place_spanning(ctx *c)
{
    bool ok = true;
    for (size_t i = 0; i < c->C; i++) {
        if (!c->spans[i])
            continue;
        const vn_fit_cell *fc = &c->req->cells[i];
        span_try best = {0};
        for (size_t s = 0; s < c->N; s++) {
            span_try t = {0};
            if (!c->nodes[s].used && span_from(c, i, s, &t) && (!best.set || span_better(&t, &best))) {
                free(best.set);
                best = t;
            } else {
                free(t.set);
            }
        }
        if (!best.set) {
            uint64_t all = 0;
            unsigned cpus = 0;
            for (size_t x = 0; x < c->N; x++)
                if (!c->nodes[x].used) {
                    all += node_free(c, x, fc->page_kib);
                    cpus += c->nodes[x].cap_free[c->req->policy];
                }
            ok = false;
            why_line(c);
            if (fc->nvcpus && c->req->policy == VN_THREAD_REQUIRE && !host_has_smt(c)) {
                vn_buf_addf(&c->why, "cell %u: thread policy require needs SMT siblings, "
                            "the host has none", fc->id);
                continue;
            }
            vn_buf_addf(&c->why, "cell %u: needs ", fc->id);
            add_amount(&c->why, cell_need(fc), fc->page_kib);
            if (fc->nvcpus)
                vn_buf_addf(&c->why, " and %u host CPUs (thread policy %s)", fc->nvcpus,
                            vn_thread_policy_to_string(c->req->policy));
            vn_buf_add(&c->why, ", more than any node; the free nodes together have ");
            add_amount(&c->why, all, fc->page_kib);
            if (fc->nvcpus)
                vn_buf_addf(&c->why, " and %u CPUs", cpus);
            continue;
        }
        c->span_set[i] = best.set;
        c->span_n[i] = best.n;
        for (size_t k = 0; k < best.n; k++)
            c->nodes[best.set[k]].used = true;
        for (size_t x = 0; x < c->N; x++) {
            unsigned m = 0;
            for (size_t k = 0; k < best.n; k++)
                if (c->D[x * c->N + best.set[k]] > m)
                    m = c->D[x * c->N + best.set[k]];
            c->span_drow[i * c->N + x] = m;
        }
    }
    return ok;
}

/* ---- single-node cells: matching, greedy, local search ----------------- */

typedef struct sol {
    size_t *pos;              /* C: node index (NO_NODE for spanning cells) */
    uint64_t dist;
    int64_t score;
    bool valid;
} sol;

/* Distance from node x to cell j as placed in s. */
static unsigned cell_dist(const ctx *c, const sol *s, size_t j, size_t x)
{
    return c->spans[j] ? c->span_drow[j * c->N + x] : c->D[x * c->N + s->pos[j]];
}

static void sol_eval(const ctx *c, sol *s)
{
    s->dist = 0;
    s->score = 0;
    for (size_t i = 0; i < c->C; i++) {
        if (!c->spans[i])
            s->score += SCORE(c, i, s->pos[i]);
        for (size_t j = i + 1; j < c->C; j++) {
            if (c->spans[i] && c->spans[j]) {
                unsigned m = 0;
                for (size_t k = 0; k < c->span_n[i]; k++) {
                    unsigned d = c->span_drow[j * c->N + c->span_set[i][k]];
                    m = d > m ? d : m;
                }
                s->dist += m;
            } else if (c->spans[i]) {
                s->dist += cell_dist(c, s, i, s->pos[j]);
            } else {
                s->dist += cell_dist(c, s, j, s->pos[i]);
            }
        }
    }
}

static bool sol_better(const ctx *c, const sol *a, const sol *b)
{
    if (!b->valid)
        return a->valid;
    if (!a->valid)
        return false;
    if (a->dist != b->dist)
        return a->dist < b->dist;
    if (a->score != b->score)
        return a->score < b->score;
    for (size_t i = 0; i < c->C; i++)
        if (!c->spans[i] && a->pos[i] != b->pos[i])
            return c->h->nodes[a->pos[i]].id < c->h->nodes[b->pos[i]].id;
    return false;
}

static bool augment(const ctx *c, size_t i, size_t *node_cell, bool *seen)
{
    for (size_t x = 0; x < c->N; x++) {
        if (!FIT(c, i, x) || c->nodes[x].used || seen[x])
            continue;
        seen[x] = true;
        if (node_cell[x] == NO_NODE || augment(c, node_cell[x], node_cell, seen)) {
            node_cell[x] = i;
            return true;
        }
    }
    return false;
}

/* A feasible assignment (Kuhn's matching) into s; when there is none,
 * names the cells that compete for too few nodes (Hall's condition). */
static bool match(ctx *c, sol *s)
{
    size_t *node_cell = ANEW(c, c->N, size_t);
    bool *seen = ANEW(c, c->N, bool);
    bool ok = true;
    for (size_t x = 0; x < c->N; x++)
        node_cell[x] = NO_NODE;
    for (size_t i = 0; i < c->C && ok; i++) {
        if (c->spans[i])
            continue;
        memset(seen, 0, c->N * sizeof(*seen));
        if (augment(c, i, node_cell, seen))
            continue;
        ok = false;
        /* seen = the nodes reachable from cell i by alternating paths; the
         * cells matched to them plus i fit only on those nodes. */
        vn_bitmap *cells = vn_bitmap_new(), *nodes = vn_bitmap_new();
        vn_bitmap_set(cells, c->req->cells[i].id);
        for (size_t x = 0; x < c->N; x++)
            if (seen[x]) {
                vn_bitmap_set(nodes, c->h->nodes[x].id);
                vn_bitmap_set(cells, c->req->cells[node_cell[x]].id);
            }
        VN_AUTOFREE char *cs = vn_bitmap_format(cells);
        VN_AUTOFREE char *ns = vn_bitmap_format(nodes);
        why_line(c);
        vn_buf_addf(&c->why, "cells %s need %zu distinct host nodes, only %zu can hold them%s%s",
                    cs, vn_bitmap_count(cells), vn_bitmap_count(nodes), *ns ? ": " : "", ns);
        vn_bitmap_free(cells);
        vn_bitmap_free(nodes);
    }
    for (size_t x = 0; ok && x < c->N; x++)
        if (node_cell[x] != NO_NODE)
            s->pos[node_cell[x]] = x;
    return ok;
}

/* Greedy: cell order[0] on node `seed`, each next cell on the free node
 * that adds the least distance; ties go to the better score, or (when
 * `roomy`) first to the node closest to the free nodes left - it keeps a
 * group of close nodes with room together (a package with a busy node
 * loses to a whole free one) - then by index. */
static bool greedy(const ctx *c, const size_t *order, size_t norder, size_t seed, bool roomy,
                   sol *s, bool *busy, uint64_t *acc, uint64_t *room)
{
    size_t N = c->N;
    memcpy(busy, c->busy0, N * sizeof(*busy));
    memcpy(acc, c->acc0, N * sizeof(*acc));
    if (roomy)
        memcpy(room, c->room0, N * sizeof(*room));
    for (size_t k = 0; k < norder; k++) {
        size_t i = order[k], best = NO_NODE;
        if (k == 0) {
            best = seed;
        } else {
            for (size_t q = 0; q < c->ncand; q++) {
                size_t x = c->cand[q];
                if (busy[x] || !FIT(c, i, x))
                    continue;
                if (best == NO_NODE || acc[x] < acc[best]) {
                    best = x;
                    continue;
                }
                if (acc[x] != acc[best])
                    continue;
                if (roomy && room[x] != room[best]) {
                    if (room[x] < room[best])
                        best = x;
                    continue;
                }
                if (SCORE(c, i, x) < SCORE(c, i, best))
                    best = x;
            }
        }
        if (best == NO_NODE)
            return false;
        s->pos[i] = best;
        busy[best] = true;
        for (size_t q = 0; q < c->ncand; q++) {
            size_t x = c->cand[q];
            acc[x] += c->D[x * N + best];
            if (roomy && c->anyfit[best])
                room[x] -= c->D[x * N + best];
        }
    }
    return true;
}

/* Moves to free nodes and swaps, while they lower (distance, score).
 * tot[x] = the distance from node x to every cell, kept up to date, makes
 * a move's change O(1): cell i from a to x changes the sum by
 * (tot[x] - D[x][a]) - (tot[a] - D[a][a]). */
static void improve(const ctx *c, sol *s, bool *busy, uint64_t *tot)
{
    size_t C = c->C, N = c->N;
    for (size_t x = 0; x < N; x++)
        busy[x] = c->nodes[x].used;
    for (size_t q = 0; q < c->ncand; q++) {
        size_t x = c->cand[q];
        tot[x] = 0;
        for (size_t j = 0; j < C; j++)
            tot[x] += cell_dist(c, s, j, x);
    }
    for (size_t i = 0; i < C; i++)
        if (!c->spans[i])
            busy[s->pos[i]] = true;
    for (int pass = 0; pass < 64; pass++) {
        bool changed = false;
        for (size_t i = 0; i < C; i++) {
            if (c->spans[i])
                continue;
            size_t a = s->pos[i], bestx = NO_NODE;
            int64_t bestd = 0, bests = 0;
            int64_t here = (int64_t)tot[a] - (int64_t)c->D[a * N + a];
            for (size_t q = 0; q < c->ncand; q++) {
                size_t x = c->cand[q];
                if (busy[x] || !FIT(c, i, x))
                    continue;
                int64_t dd = (int64_t)tot[x] - (int64_t)c->D[x * N + a] - here;
                int64_t ds = SCORE(c, i, x) - SCORE(c, i, a);
                if (dd < bestd || (dd == bestd && ds < bests)) {
                    bestd = dd;
                    bests = ds;
                    bestx = x;
                }
            }
            if (bestx != NO_NODE) {
                busy[a] = false;
                busy[bestx] = true;
                s->pos[i] = bestx;
                for (size_t q = 0; q < c->ncand; q++) {
                    size_t x = c->cand[q];
                    tot[x] += (uint64_t)c->D[x * N + bestx] - c->D[x * N + a];
                }
                changed = true;
            }
        }
        for (size_t i = 0; i < C; i++) {
            for (size_t j = i + 1; j < C; j++) {
                if (c->spans[i] || c->spans[j])
                    continue;
                size_t a = s->pos[i], b = s->pos[j];
                if (!FIT(c, i, b) || !FIT(c, j, a))
                    continue;
                /* a swap keeps the set of nodes, so the distance sum: only
                 * the score can change */
                int64_t ds = SCORE(c, i, b) + SCORE(c, j, a) - SCORE(c, i, a) -
                             SCORE(c, j, b);
                if (ds < 0) {
                    s->pos[i] = b;
                    s->pos[j] = a;
                    changed = true;
                }
            }
        }
        if (!changed)
            break;
    }
}

/* Cells in the greedy's order: largest memory first, then most vCPUs. */
static bool order_before(const vn_fit_request *r, size_t a, size_t b)
{
    const vn_fit_cell *x = &r->cells[a], *y = &r->cells[b];
    if (x->mem_kib != y->mem_kib)
        return x->mem_kib > y->mem_kib;
    if (x->nvcpus != y->nvcpus)
        return x->nvcpus > y->nvcpus;
    return a < b;
}

#define KEEP 4   /* greedy results improved locally */

static void sol_copy(const ctx *c, sol *dst, const sol *src)
{
    memcpy(dst->pos, src->pos, c->C * sizeof(*dst->pos));
    dst->dist = src->dist;
    dst->score = src->score;
    dst->valid = src->valid;
}

static void sol_init(const ctx *c, sol *s)
{
    s->pos = ANEW(c, c->C, size_t);
    for (size_t i = 0; i < c->C; i++)
        s->pos[i] = NO_NODE;
    s->valid = false;
}

/* Insert s among the KEEP best (sorted), unless it is there already. */
static void keep_best(const ctx *c, sol *top, const sol *s)
{
    for (size_t k = 0; k < KEEP && top[k].valid; k++)
        if (top[k].dist == s->dist && top[k].score == s->score &&
            !memcmp(top[k].pos, s->pos, c->C * sizeof(*s->pos)))
            return;
    size_t k = KEEP;
    while (k > 0 && sol_better(c, s, &top[k - 1]))
        k--;
    if (k == KEEP)
        return;
    for (size_t m = KEEP - 1; m > k; m--)
        sol_copy(c, &top[m], &top[m - 1]);
    sol_copy(c, &top[k], s);
}

/* Branch and bound over the cells in order, from the heuristic's best:
 * exact when it finishes within its budget of expansions (3e6 / N^2, each
 * O(N): about 0.1 ms; hosts of up to 8 nodes with 4 cells always finish,
 * larger ones often), else it keeps the best found.  The bound: the
 * distance so far, plus for each cell left the least distance from a free
 * node to the cells placed, plus the least distance between two nodes for
 * each pair of cells left.  Identical cells take increasing nodes (swapping
 * them changes nothing), which also keeps the lowest-ids tie-break. */
typedef struct bb {
    ctx *c;
    const size_t *order;
    size_t norder;
    sol *best, *cur;
    bool *busy;
    uint64_t *acc;            /* distance from each node to the cells placed */
    unsigned dmin;
    long budget;
} bb;

static void bb_step(bb *b, size_t k, uint64_t partial)
{
    ctx *c = b->c;
    size_t N = c->N;
    if (b->budget-- <= 0)
        return;
    if (k == b->norder) {
        sol_eval(c, b->cur);
        b->cur->valid = true;
        if (sol_better(c, b->cur, b->best))
            sol_copy(c, b->best, b->cur);
        return;
    }
    uint64_t left = b->norder - k, minacc = UINT64_MAX;
    for (size_t q = 0; q < c->ncand; q++) {
        size_t x = c->cand[q];
        if (!b->busy[x] && b->acc[x] < minacc)
            minacc = b->acc[x];
    }
    if (minacc == UINT64_MAX)
        return;
    if (partial + left * minacc + left * (left - 1) / 2 * b->dmin > b->best->dist)
        return;
    size_t i = b->order[k], from = 0;
    if (k > 0 && same_cell(&c->req->cells[i], &c->req->cells[b->order[k - 1]]))
        from = b->cur->pos[b->order[k - 1]] + 1;
    for (size_t q = 0; q < c->ncand; q++) {
        size_t x = c->cand[q];
        if (x < from)
            continue;
        if (b->busy[x] || !FIT(c, i, x))
            continue;
        b->busy[x] = true;
        b->cur->pos[i] = x;
        uint64_t add = b->acc[x];
        for (size_t r = 0; r < c->ncand; r++)
            b->acc[c->cand[r]] += c->D[c->cand[r] * N + x];
        bb_step(b, k + 1, partial + add);
        for (size_t r = 0; r < c->ncand; r++)
            b->acc[c->cand[r]] -= c->D[c->cand[r] * N + x];
        b->busy[x] = false;
        if (b->budget <= 0)
            return;
    }
}

/* Work allowed to branch and bound, in node visits (each expansion visits
 * every node about three times): about 10 us on these machines.  Small
 * hosts (up to 8 nodes) get far more, enough to finish: exact there. */
#define BB_WORK 6144
#define BB_SMALL_HOST 8

static void exact(ctx *c, const size_t *order, size_t norder, sol *best, sol *cur, bool *busy,
                  uint64_t *acc, bool at_bound)
{
    long budget = c->N <= BB_SMALL_HOST ? (long)(3000000 / (c->N * c->N + 1))
                                        : (long)(BB_WORK / (3 * c->N));
    /* at the lower bound the distance cannot improve, only the score: a
     * large host does not search further for that */
    if (at_bound && c->N > BB_SMALL_HOST)
        return;
    bb b = {.c = c, .order = order, .norder = norder, .best = best, .cur = cur, .busy = busy,
            .acc = acc, .dmin = c->fh->dmin, .budget = budget};
    memcpy(busy, c->busy0, c->N * sizeof(*busy));
    memcpy(acc, c->acc0, c->N * sizeof(*acc));
    sol_copy(c, cur, best);
    /* spanning cells are fixed: their pairs are in acc0 and in sol_eval */
    bb_step(&b, 0, 0);
}

/* The distance between spanning cells: the same for every placement of the
 * others (as sol_eval counts it). */
static uint64_t span_pairs(const ctx *c)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < c->C; i++) {
        if (!c->spans[i])
            continue;
        for (size_t j = i + 1; j < c->C; j++) {
            if (!c->spans[j])
                continue;
            unsigned m = 0;
            for (size_t k = 0; k < c->span_n[i]; k++) {
                unsigned d = c->span_drow[j * c->N + c->span_set[i][k]];
                m = d > m ? d : m;
            }
            sum += m;
        }
    }
    return sum;
}

typedef struct seed_key {
    uint64_t key;
    size_t x;
} seed_key;

static int seed_cmp(const void *a, const void *b)
{
    const seed_key *p = a, *q = b;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return (p->x > q->x) - (p->x < q->x);
}

/* Rank the free nodes that can hold a cell by what they cost at best:
 * key(x) = 2 * (distance to the spanning cells) + the distances to the
 * nearest `norder - 1` other such nodes.  A placement's distance is at
 * least the span pairs plus half the sum of its nodes' keys, so half the
 * sum of the `norder` smallest keys bounds it from below; the cheapest
 * nodes are the greedy's seeds.  Returns the number of ranked nodes. */
static size_t rank_seeds(const ctx *c, size_t norder, seed_key *keys)
{
    size_t N = c->N, nk = 0;
    for (size_t q = 0; q < c->ncand; q++) {
        size_t x = c->cand[q], got = 0;
        uint64_t sum = 0;
        const uint32_t *row = &c->fh->nbr[x * N];
        for (size_t k = 0; k < N && got + 1 < norder; k++) {
            size_t y = row[k];
            if (y == x || c->busy0[y] || !c->anyfit[y])
                continue;
            sum += c->D[x * N + y];
            got++;
        }
        if (got + 1 < norder)
            continue;           /* too few nodes around: no placement uses x */
        keys[nk++] = (seed_key){.key = 2 * c->acc0[x] + sum, .x = x};
    }
    qsort(keys, nk, sizeof(*keys), seed_cmp);
    return nk;
}

/* Cells in request order, each on the lowest free node that holds it: the
 * placement a first fit in node order finds (OpenStack Nova's, when it
 * needs no backtracking), so the result is never worse than that. */
static bool first_fit(const ctx *c, sol *s, bool *busy)
{
    memcpy(busy, c->busy0, c->N * sizeof(*busy));
    for (size_t i = 0; i < c->C; i++) {
        if (c->spans[i])
            continue;
        size_t x = 0;
        while (x < c->N && (busy[x] || !FIT(c, i, x)))
            x++;
        if (x == c->N)
            return false;
        s->pos[i] = x;
        busy[x] = true;
    }
    return true;
}

/* ---- identical cells on twin groups ------------------------------------ */

/* When every cell has the same shape, a placement's distance depends only
 * on how many cells each twin group holds (k[g]): k[g](k[g]-1)/2 pairs at
 * the group's inner distance, k[g]k[h] pairs at the distance between g and
 * h.  Within a group the k[g] best-scoring nodes that hold a cell are the
 * best choice.  So the search runs over the counts of groups, not over
 * nodes: a 64-node host of 16 packages is a 16-group problem, and groups
 * that are interchangeable (twins of each other with the same room and
 * scores) are searched once, the earlier taking at least as many cells. */

typedef struct gsearch {
    ctx *c;
    size_t m;                 /* groups with room for a cell, in search order */
    unsigned *cap;            /* m: their nodes that hold a cell */
    const size_t **nodes;     /* m: those nodes, best score (then id) first */
    int64_t **pre;            /* m: pre[a][k] = score of the k best */
    unsigned *G;              /* m*m: distances; the diagonal: inside a group */
    bool *tied;               /* m: interchangeable with group a - 1 */
    unsigned *capsuf;         /* m+1: cells groups a.. can hold */
    unsigned *bminsuf;        /* m+1: least distance between two of groups a.. */
    unsigned *aminsuf;        /* m+1: least inner distance of groups a.. with cap >= 2 */
    int64_t *sminsuf;         /* m+1: least node score in groups a.. */
    size_t *bycap;            /* m: groups by cap, largest first */
    uint64_t *acc;            /* m: from a node of group a to the cells placed */
    uint64_t *lbv;            /* m: scratch of the bound */
    unsigned *lbc;
    size_t *ida, *idb;        /* C: scratch of the id tie-break */
    unsigned *k, *bestk;
    uint64_t bestf;
    int64_t bests;
    bool have;
    long budget;
} gsearch;

#define GS_WORK 16384         /* bound evaluations x groups: about 20 us */

/* The node ids a count vector uses, ascending, into ids. */
static void gs_ids(const gsearch *g, const unsigned *k, size_t *ids)
{
    size_t n = 0;
    for (size_t a = 0; a < g->m; a++)
        for (unsigned j = 0; j < k[a]; j++) {
            unsigned id = g->c->h->nodes[g->nodes[a][j]].id;
            size_t p = n++;
            while (p > 0 && ids[p - 1] > id) {
                ids[p] = ids[p - 1];
                p--;
            }
            ids[p] = id;
        }
}

static void gs_leaf(gsearch *g, uint64_t f, int64_t sc)
{
    if (g->have) {
        if (f != g->bestf || sc != g->bests) {
            if (f > g->bestf || (f == g->bestf && sc > g->bests))
                return;
        } else {
            gs_ids(g, g->k, g->ida);
            gs_ids(g, g->bestk, g->idb);
            size_t i = 0;
            while (i < g->c->C && g->ida[i] == g->idb[i])
                i++;
            if (i == g->c->C || g->ida[i] > g->idb[i])
                return;
        }
    }
    g->have = true;
    g->bestf = f;
    g->bests = sc;
    memcpy(g->bestk, g->k, g->m * sizeof(*g->k));
}

/* Least distance R more cells can add, placed on groups d..: to the cells
 * placed (the R smallest acc, a group counted up to its cap) plus among
 * themselves (as many pairs inside groups as the caps allow, at the least
 * inner distance, the rest at the least distance between groups). */
static uint64_t gs_bound(gsearch *g, size_t d, unsigned R)
{
    size_t n = 0;
    unsigned held = 0;
    for (size_t a = d; a < g->m; a++) {
        uint64_t v = g->acc[a];
        if (held >= R && v >= g->lbv[n - 1])
            continue;
        size_t p = n++;
        while (p > 0 && g->lbv[p - 1] > v) {
            g->lbv[p] = g->lbv[p - 1];
            g->lbc[p] = g->lbc[p - 1];
            p--;
        }
        g->lbv[p] = v;
        g->lbc[p] = g->cap[a];
        held += g->cap[a];
        while (n > 1 && held - g->lbc[n - 1] >= R)
            held -= g->lbc[--n];
    }
    uint64_t lb = 0;
    unsigned left = R;
    for (size_t i = 0; i < n && left; i++) {
        unsigned t = g->lbc[i] < left ? g->lbc[i] : left;
        lb += (uint64_t)t * g->lbv[i];
        left -= t;
    }
    uint64_t inner = 0;
    left = R;
    for (size_t i = 0; i < g->m && left; i++) {
        size_t a = g->bycap[i];
        if (a < d)
            continue;
        unsigned t = g->cap[a] < left ? g->cap[a] : left;
        inner += (uint64_t)t * (t - 1) / 2;
        left -= t;
    }
    uint64_t pairs = (uint64_t)R * (R - 1) / 2;
    if (inner) {
        unsigned lo = g->aminsuf[d] < g->bminsuf[d] ? g->aminsuf[d] : g->bminsuf[d];
        lb += inner * lo;
    }
    if (pairs > inner)
        lb += (pairs - inner) * g->bminsuf[d];
    return lb;
}

static void gs_step(gsearch *g, size_t d, unsigned R, uint64_t f, int64_t sc)
{
    if (R == 0) {
        gs_leaf(g, f, sc);
        return;
    }
    g->budget -= (long)(g->m - d) + 1;
    if (g->budget <= 0 || d == g->m || g->capsuf[d] < R)
        return;
    if (g->have) {
        uint64_t lb = f + gs_bound(g, d, R);
        if (lb > g->bestf || (lb == g->bestf && sc + (int64_t)R * g->sminsuf[d] >= g->bests))
            return;
    }
    unsigned hi = g->cap[d] < R ? g->cap[d] : R;
    if (g->tied[d] && g->k[d - 1] < hi)
        hi = g->k[d - 1];
    const unsigned *row = &g->G[d * g->m];
    for (unsigned kk = hi + 1; kk-- > 0;) {
        if (R - kk > g->capsuf[d + 1])
            break;
        g->k[d] = kk;
        uint64_t add = (uint64_t)kk * g->acc[d] + (uint64_t)kk * (kk - 1) / 2 * row[d];
        for (size_t b = d + 1; kk && b < g->m; b++)
            g->acc[b] += (uint64_t)kk * row[b];
        gs_step(g, d + 1, R - kk, f + add, sc + g->pre[d][kk]);
        for (size_t b = d + 1; kk && b < g->m; b++)
            g->acc[b] -= (uint64_t)kk * row[b];
        if (g->budget <= 0)
            break;
    }
    g->k[d] = 0;
}

typedef struct gkey {
    size_t grp;               /* the host's group */
    unsigned cap, inner;
    size_t cls;               /* its twin class among groups */
    const size_t *nodes;      /* its nodes that hold the cell, best first */
} gkey;

/* The search order: most room first, then closest inside, then twins
 * together (by their nodes' scores), then the host's order. */
static int gkey_cmp(const ctx *c, size_t shape, const gkey *p, const gkey *q)
{
    if (p->cap != q->cap)
        return p->cap > q->cap ? -1 : 1;
    if (p->inner != q->inner)
        return p->inner < q->inner ? -1 : 1;
    if (p->cls != q->cls)
        return p->cls < q->cls ? -1 : 1;
    for (unsigned j = 0; j < p->cap; j++) {
        int64_t a = c->score[shape * c->N + p->nodes[j]], b = c->score[shape * c->N + q->nodes[j]];
        if (a != b)
            return a < b ? -1 : 1;
    }
    return (p->grp > q->grp) - (p->grp < q->grp);
}

enum { GS_NA, GS_EXACT, GS_PARTIAL };

/* Search over group counts (see above); the placement into s.  GS_NA when
 * it does not apply: cells of several shapes, spanning cells, or no group
 * with room for two cells (then it is the node search). */
static int group_search(ctx *c, const size_t *order, size_t norder, sol *s)
{
    const vn_fit_host *fh = c->fh;
    size_t C = c->C, M = fh->ngroups, shape = c->shape[order[0]];
    if (norder != C || C < 2 || M == fh->N)
        return GS_NA;
    for (size_t k = 0; k < norder; k++)
        if (c->shape[order[k]] != shape)
            return GS_NA;
    /* the groups' nodes that hold the cell, by score then id */
    size_t *start = ANEW(c, M + 1, size_t), *fitn = ANEW(c, c->ncand + 1, size_t);
    unsigned *cnt = ANEW(c, M, unsigned);
    for (size_t q = 0; q < c->ncand; q++)
        if (FIT(c, order[0], c->cand[q]))
            cnt[fh->group[c->cand[q]]]++;
    size_t m = 0;
    bool two = false;
    for (size_t gi = 0; gi < M; gi++) {
        start[gi + 1] = start[gi] + cnt[gi];
        m += cnt[gi] > 0;
        two |= cnt[gi] > 1;
    }
    if (!two)
        return GS_NA;
    memset(cnt, 0, M * sizeof(*cnt));
    for (size_t q = 0; q < c->ncand; q++) {
        size_t x = c->cand[q], gi = fh->group[x];
        if (!FIT(c, order[0], x))
            continue;
        size_t *arr = &fitn[start[gi]], p = cnt[gi]++;
        int64_t sx = SCORE(c, order[0], x);
        while (p > 0 && (SCORE(c, order[0], arr[p - 1]) > sx ||
                         (SCORE(c, order[0], arr[p - 1]) == sx &&
                          c->h->nodes[arr[p - 1]].id > c->h->nodes[x].id))) {
            arr[p] = arr[p - 1];
            p--;
        }
        arr[p] = x;
    }
    gsearch g = {.c = c, .m = m, .budget = GS_WORK};
    g.cap = ANEW(c, m, unsigned);
    g.nodes = ANEW(c, m, const size_t *);
    g.pre = ANEW(c, m, int64_t *);
    g.G = ANEW(c, m * m, unsigned);
    g.tied = ANEW(c, m, bool);
    g.capsuf = ANEW(c, m + 1, unsigned);
    g.bminsuf = ANEW(c, m + 1, unsigned);
    g.aminsuf = ANEW(c, m + 1, unsigned);
    g.sminsuf = ANEW(c, m + 1, int64_t);
    g.bycap = ANEW(c, m, size_t);
    g.acc = ANEW(c, m, uint64_t);
    g.lbv = ANEW(c, m, uint64_t);
    g.lbc = ANEW(c, m, unsigned);
    g.ida = ANEW(c, C, size_t);
    g.idb = ANEW(c, C, size_t);
    g.k = ANEW(c, m, unsigned);
    g.bestk = ANEW(c, m, unsigned);
    gkey *keys = ANEW(c, m, gkey);
    size_t n = 0;
    for (size_t gi = 0; gi < M; gi++)
        if (start[gi + 1] > start[gi])
            keys[n++] = (gkey){.grp = gi, .cap = (unsigned)(start[gi + 1] - start[gi]),
                               .inner = fh->gdist[gi * M + gi], .cls = fh->gclass[gi],
                               .nodes = &fitn[start[gi]]};
    for (size_t i = 1; i < m; i++) {
        gkey t = keys[i];
        size_t p = i;
        while (p > 0 && gkey_cmp(c, shape, &keys[p - 1], &t) > 0) {
            keys[p] = keys[p - 1];
            p--;
        }
        keys[p] = t;
    }
    for (size_t a = 0; a < m; a++) {
        size_t gi = keys[a].grp;
        g.cap[a] = keys[a].cap;
        g.nodes[a] = keys[a].nodes;
        g.pre[a] = ANEW(c, g.cap[a] + 1, int64_t);
        for (unsigned j = 0; j < g.cap[a]; j++)
            g.pre[a][j + 1] = g.pre[a][j] + SCORE(c, order[0], g.nodes[a][j]);
        for (size_t b = 0; b < m; b++)
            g.G[a * m + b] = fh->gdist[gi * M + keys[b].grp];
        g.tied[a] = a > 0 && keys[a].cls == keys[a - 1].cls && keys[a].cap == keys[a - 1].cap &&
                    !memcmp(g.pre[a], g.pre[a - 1], (g.cap[a] + 1) * sizeof(int64_t));
    }
    g.capsuf[m] = 0;
    g.bminsuf[m] = g.aminsuf[m] = UINT32_MAX;
    g.sminsuf[m] = INT64_MAX;
    for (size_t a = m; a-- > 0;) {
        g.capsuf[a] = g.capsuf[a + 1] + g.cap[a];
        unsigned bm = g.bminsuf[a + 1];
        for (size_t b = a + 1; b < m; b++)
            bm = g.G[a * m + b] < bm ? g.G[a * m + b] : bm;
        g.bminsuf[a] = bm;
        g.aminsuf[a] = g.cap[a] >= 2 && g.G[a * m + a] < g.aminsuf[a + 1] ? g.G[a * m + a]
                                                                           : g.aminsuf[a + 1];
        int64_t s1 = g.pre[a][1];
        g.sminsuf[a] = s1 < g.sminsuf[a + 1] ? s1 : g.sminsuf[a + 1];
        size_t p = m - 1 - a;   /* insertion by cap, largest first */
        g.bycap[p] = a;
        while (p > 0 && g.cap[g.bycap[p - 1]] < g.cap[a]) {
            g.bycap[p] = g.bycap[p - 1];
            p--;
        }
        g.bycap[p] = a;
    }
    if (g.capsuf[0] < C)
        return GS_NA;           /* the node search explains the refusal */
    /* incumbent: cells one by one to the group that adds least, the one
     * with more room left on a tie, then the better next node */
    uint64_t f = 0;
    int64_t sc = 0;
    for (size_t i = 0; i < C; i++) {
        size_t best = NO_NODE;
        for (size_t a = 0; a < m; a++) {
            if (g.k[a] == g.cap[a])
                continue;
            if (best == NO_NODE || g.acc[a] < g.acc[best] ||
                (g.acc[a] == g.acc[best] && g.cap[a] - g.k[a] > g.cap[best] - g.k[best]))
                best = a;
        }
        f += g.acc[best];
        sc += g.pre[best][g.k[best] + 1] - g.pre[best][g.k[best]];
        g.k[best]++;
        for (size_t b = 0; b < m; b++)
            g.acc[b] += g.G[best * m + b];
    }
    gs_leaf(&g, f, sc);
    memset(g.k, 0, m * sizeof(*g.k));
    memset(g.acc, 0, m * sizeof(*g.acc));
    gs_step(&g, 0, (unsigned)C, 0, 0);
    /* the nodes, ascending by id, to the cells in index order */
    gs_ids(&g, g.bestk, g.ida);
    for (size_t i = 0; i < C; i++)
        s->pos[i] = node_index(fh, (unsigned)g.ida[i]);
    s->valid = true;
    sol_eval(c, s);
    return g.budget > 0 ? GS_EXACT : GS_PARTIAL;
}

#define SEEDS 3   /* greedy starts, the cheapest nodes by rank_seeds */

static void search(ctx *c, sol *best)
{
    size_t N = c->N;
    size_t *order = ANEW(c, c->C, size_t), norder = 0;
    for (size_t i = 0; i < c->C; i++) {
        if (c->spans[i])
            continue;
        size_t p = norder++;
        while (p > 0 && order_before(c->req, i, order[p - 1])) {
            order[p] = order[p - 1];
            p--;
        }
        order[p] = i;
    }

    bool *busy = ANEW(c, N, bool);
    uint64_t *acc = ANEW(c, N, uint64_t);
    uint64_t *room = ANEW(c, N, uint64_t);
    seed_key *keys = ANEW(c, N, seed_key);
    sol top[KEEP], cur;
    for (size_t k = 0; k < KEEP; k++)
        sol_init(c, &top[k]);
    sol_init(c, &cur);

    c->cand = ANEW(c, N, size_t);
    c->ncand = 0;
    bool spans = norder < c->C;
    for (size_t x = 0; x < N; x++) {
        c->busy0[x] = c->nodes[x].used;
        if (!c->busy0[x] && c->anyfit[x])
            c->cand[c->ncand++] = x;
        for (size_t j = 0; spans && j < c->C; j++)
            if (c->spans[j])
                c->acc0[x] += c->span_drow[j * N + x];
    }
    if (norder > 1) {
        int gr = group_search(c, order, norder, &cur);
        if (gr == GS_EXACT) {
            sol_copy(c, best, &cur);
            /* never worse than a first fit, even on the tie-breaks */
            if (first_fit(c, &cur, busy)) {
                cur.valid = true;
                sol_eval(c, &cur);
                if (sol_better(c, &cur, best))
                    sol_copy(c, best, &cur);
            }
            return;
        }
        if (gr == GS_PARTIAL)
            keep_best(c, top, &cur);
    }
    /* room0[x]: the distance from x to the candidates (the greedy reads it
     * for candidates only): the row sum less the nodes that are not */
    if (norder > 1) {
        bool *isc = ANEW(c, N, bool);
        for (size_t q = 0; q < c->ncand; q++)
            isc[c->cand[q]] = true;
        for (size_t q = 0; q < c->ncand; q++) {
            size_t x = c->cand[q];
            c->room0[x] = c->fh->rowsum[x];
            for (size_t y = 0; y < N; y++)
                if (!isc[y])
                    c->room0[x] -= c->D[x * N + y];
        }
    }
    uint64_t lower = span_pairs(c);
    if (norder == 1) {
        /* one cell: every free node that holds it, directly */
        size_t i = order[0];
        for (size_t q = 0; q < c->ncand; q++) {
            size_t x = c->cand[q];
            if (!FIT(c, i, x))
                continue;
            cur.pos[i] = x;
            cur.valid = true;
            sol_eval(c, &cur);
            if (sol_better(c, &cur, best))
                sol_copy(c, best, &cur);
        }
        if (!best->valid)
            (void)match(c, &cur);   /* says which cells compete for the nodes */
    } else if (!norder) {
        /* only spanning cells: their placement is the answer */
        cur.valid = true;
        sol_eval(c, &cur);
        keep_best(c, top, &cur);
    } else {
        size_t nk = rank_seeds(c, norder, keys), seeds = 0;
        uint64_t half = 0;
        for (size_t k = 0; k < norder && k < nk; k++)
            half += keys[k].key;
        lower += (half + 1) / 2;
        for (size_t k = 0; k < nk && seeds < SEEDS; k++) {
            size_t x = keys[k].x;
            if (!FIT(c, order[0], x))
                continue;
            seeds++;
            for (int roomy = 0; roomy < 2; roomy++) {
                if (!greedy(c, order, norder, x, roomy, &cur, busy, acc, room))
                    continue;
                cur.valid = true;
                sol_eval(c, &cur);
                keep_best(c, top, &cur);
            }
        }
        if (first_fit(c, &cur, busy)) {
            cur.valid = true;
            sol_eval(c, &cur);
            keep_best(c, top, &cur);
        }
        /* none: a matching finds a placement where the heuristics miss one,
         * or names the cells that compete for too few nodes */
        if (!top[0].valid && match(c, &cur)) {
            cur.valid = true;
            sol_eval(c, &cur);
            keep_best(c, top, &cur);
        }
    }
    for (size_t k = 0; k < KEEP && norder != 1; k++) {
        if (!top[k].valid)
            continue;
        improve(c, &top[k], busy, acc);
        sol_eval(c, &top[k]);
        if (sol_better(c, &top[k], best))
            sol_copy(c, best, &top[k]);
    }
    if (best->valid && norder > 1) {
        exact(c, order, norder, best, &cur, busy, acc, best->dist == lower);
    }
}

/* ---- host CPUs and the result ----------------------------------------- */

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
 * build_result's, sized for n nodes and the cell's vCPUs. */
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
static bool build_result(ctx *c, const sol *s, vn_fit_result *res)
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

int vn_fit_prepared(const vn_fit_host *fh, const vn_usage *used, const vn_fit_request *req,
                    vn_fit_result *out, vn_error *err)
{
    *out = (vn_fit_result){0};
    if (!fh || !fh->N || !req->ncells) {
        vn_error_set(err, VNUMA_ERR_INVALID, "nothing to place: %s",
                     req->ncells ? "the host has no NUMA nodes" : "the guest has no cells");
        return -1;
    }
    ctx c;
    arena ar = {0};
    ctx_init(&c, &ar, fh, used, req);
    sol best;
    sol_init(&c, &best);
    int rc = -1;
    bool fits = compute_fit(&c);
    if (fits && place_spanning(&c))
        search(&c, &best);
    if (!best.valid) {
        if (!c.why.len)
            vn_buf_add(&c.why, "no placement fits");
        vn_error_set(err, VNUMA_ERR_INVALID, "%s", c.why.s);
    } else if (!build_result(&c, &best, out)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "internal error: the placement does not fill");
        vn_fit_result_clear(out);
    } else {
        rc = 0;
    }
    ctx_clear(&c);
    arena_free(&ar);
    return rc;
}

int vn_fit(const vn_host *host, const vn_usage *used, const vn_fit_request *req,
           vn_fit_result *out, vn_error *err)
{
    if (!host || !host->nnodes) {
        *out = (vn_fit_result){0};
        vn_error_set(err, VNUMA_ERR_INVALID, "nothing to place: %s",
                     req->ncells ? "the host has no NUMA nodes" : "the guest has no cells");
        return -1;
    }
    vn_fit_host *fh = vn_fit_host_new(host);
    int rc = vn_fit_prepared(fh, used, req, out, err);
    vn_fit_host_free(fh);
    return rc;
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
        size = cfg->mounts[0].size_kib;
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
