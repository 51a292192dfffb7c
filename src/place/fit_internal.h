/*
 * fit_internal.h - internal to the fitter (src/place/fit*.c); not for other
 * folders, nor for the rest of place/: they use fit.h.
 *
 * What the fitter's files share: the per-fit arena, the host as the fitter
 * sees it (vn_fit_host, prepared once per host), the per-fit context (ctx)
 * and its small accessors, a placement being searched (sol), and the
 * functions one file calls in another (named fit_*).  The files, in the
 * order a fit runs them (fit.c lists the steps):
 *   fit_host.c      the arena, the prepared host, the per-fit context;
 *   fit_feasible.c  which node can hold which cell, the refusal messages,
 *                   cells that span several nodes;
 *   fit_groups.c    identical cells on twin groups: a branch and bound over
 *                   how many cells each group holds;
 *   fit.c           single-node cells: matching, greedy, local search,
 *                   branch and bound, seeds; search(), which runs them and
 *                   fit_group_search; vn_fit_prepared and vn_fit, which run
 *                   the steps.  One file: search() inlined into
 *                   vn_fit_prepared, where the context is a local, runs
 *                   about 5% fewer instructions than called through a
 *                   pointer (callgrind, fit_bench 64 16 mixed);
 *   fit_result.c    host CPUs for the vCPUs and the result; domains.
 */
#ifndef VN_FIT_INTERNAL_H
#define VN_FIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/host.h"
#include "place/fit.h"

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

/* n zeroed objects (fit_host.c) */
void *fit_arena_calloc(arena *a, size_t n, size_t size);
void fit_arena_free(arena *a);

#define ANEW(c, n, type) ((type *)fit_arena_calloc((c)->ar, (n), sizeof(type)))

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

static inline uint64_t pages_free(const ctx *c, size_t n, uint64_t page_kib)
{
    const vn_host_node *hn = &c->h->nodes[n];
    for (size_t i = 0; i < hn->npages; i++) {
        if (hn->pages[i].size_kib != page_kib)
            continue;
        uint64_t u = vn_usage_get(c->used, hn->id, page_kib);
        uint64_t have = c->req->capacity_from_total ? hn->pages[i].total : hn->pages[i].free;
        return have > u ? have - u : 0;
    }
    return 0;
}

static inline uint64_t pages_total(const ctx *c, size_t n, uint64_t page_kib)
{
    const vn_host_node *hn = &c->h->nodes[n];
    for (size_t i = 0; i < hn->npages; i++)
        if (hn->pages[i].size_kib == page_kib)
            return hn->pages[i].total;
    return 0;
}

/* What a cell needs in its unit: KiB, or pages. */
static inline uint64_t cell_need(const vn_fit_cell *fc)
{
    return fc->page_kib ? VN_DIV_UP(fc->mem_kib, fc->page_kib) : fc->mem_kib;
}

static inline uint64_t node_free(const ctx *c, size_t n, uint64_t page_kib)
{
    return page_kib ? pages_free(c, n, page_kib) : c->nodes[n].mem_free;
}

static inline uint64_t node_total(const ctx *c, size_t n, uint64_t page_kib)
{
    return page_kib ? pages_total(c, n, page_kib) : c->h->nodes[n].mem_kib;
}

static inline size_t node_index(const vn_fit_host *fh, unsigned id)
{
    return id < fh->nids && fh->idx_of[id] ? fh->idx_of[id] - 1 : NO_NODE;
}

/* fit_host.c: the per-fit context on a prepared host, and its end. */
void fit_ctx_init(ctx *c, arena *ar, const vn_fit_host *fh, const vn_usage *used,
              const vn_fit_request *req);
void fit_ctx_clear(ctx *c);

/* ---- feasibility and messages ----------------------------------------- */

static inline void why_line(ctx *c)
{
    if (c->why.len)
        vn_buf_addc(&c->why, '\n');
}

static inline bool same_cell(const vn_fit_cell *a, const vn_fit_cell *b)
{
    return a->mem_kib == b->mem_kib && a->page_kib == b->page_kib && a->nvcpus == b->nvcpus;
}

/* fit_feasible.c: the fit matrix and the refusals; the spanning cells on
 * their nodes.  False when some cell cannot be placed. */
bool fit_compute(ctx *c);
bool fit_place_spanning(ctx *c);

/* ---- single-node cells: matching, greedy, local search ----------------- */

typedef struct sol {
    size_t *pos;              /* C: node index (NO_NODE for spanning cells) */
    uint64_t dist;
    int64_t score;
    bool valid;
} sol;

/* fit.c: the distance and score of placement s. */
void fit_sol_eval(const ctx *c, sol *s);

/* ---- identical cells on twin groups ------------------------------------ */

enum { GS_NA, GS_EXACT, GS_PARTIAL };

/* fit_groups.c: like cells on twin groups (GS_NA when it does not apply). */
int fit_group_search(ctx *c, const size_t *order, size_t norder, sol *s);

/* ---- host CPUs and the result ----------------------------------------- */

/* fit_result.c: the result of placement s (false when it does not fill). */
bool fit_build_result(ctx *c, const sol *s, vn_fit_result *res);

#endif
