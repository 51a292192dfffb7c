/*
 * fit.c - fit guest NUMA cells onto host nodes (see fit.h for the rules).
 * Pure: the host and the request in, the placement out.
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
 *     over how many cells each group holds (fit_group_search), exact within
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
 *
 * This file holds step 4's node-level search, search() and the entry points
 * that run the steps; fit_internal.h says which file holds the others.
 */
#include "place/fit_internal.h"

#include <stdlib.h>

/* ---- single-node cells: matching, greedy, local search ----------------- */

/* Distance from node x to cell j as placed in s. */
static unsigned cell_dist(const ctx *c, const sol *s, size_t j, size_t x)
{
    return c->spans[j] ? c->span_drow[j * c->N + x] : c->D[x * c->N + s->pos[j]];
}

void fit_sol_eval(const ctx *c, sol *s)
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
        fit_sol_eval(c, b->cur);
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
    /* spanning cells are fixed: their pairs are in acc0 and in fit_sol_eval */
    bb_step(&b, 0, 0);
}

/* The distance between spanning cells: the same for every placement of the
 * others (as fit_sol_eval counts it). */
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
        int gr = fit_group_search(c, order, norder, &cur);
        if (gr == GS_EXACT) {
            sol_copy(c, best, &cur);
            /* never worse than a first fit, even on the tie-breaks */
            if (first_fit(c, &cur, busy)) {
                cur.valid = true;
                fit_sol_eval(c, &cur);
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
            fit_sol_eval(c, &cur);
            if (sol_better(c, &cur, best))
                sol_copy(c, best, &cur);
        }
        if (!best->valid)
            (void)match(c, &cur);   /* says which cells compete for the nodes */
    } else if (!norder) {
        /* only spanning cells: their placement is the answer */
        cur.valid = true;
        fit_sol_eval(c, &cur);
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
                fit_sol_eval(c, &cur);
                keep_best(c, top, &cur);
            }
        }
        if (first_fit(c, &cur, busy)) {
            cur.valid = true;
            fit_sol_eval(c, &cur);
            keep_best(c, top, &cur);
        }
        /* none: a matching finds a placement where the heuristics miss one,
         * or names the cells that compete for too few nodes */
        if (!top[0].valid && match(c, &cur)) {
            cur.valid = true;
            fit_sol_eval(c, &cur);
            keep_best(c, top, &cur);
        }
    }
    for (size_t k = 0; k < KEEP && norder != 1; k++) {
        if (!top[k].valid)
            continue;
        improve(c, &top[k], busy, acc);
        fit_sol_eval(c, &top[k]);
        if (sol_better(c, &top[k], best))
            sol_copy(c, best, &top[k]);
    }
    if (best->valid && norder > 1) {
        exact(c, order, norder, best, &cur, busy, acc, best->dist == lower);
    }
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
    fit_ctx_init(&c, &ar, fh, used, req);
    sol best;
    sol_init(&c, &best);
    int rc = -1;
    bool fits = fit_compute(&c);
    if (fits && fit_place_spanning(&c))
        search(&c, &best);
    if (!best.valid) {
        if (!c.why.len)
            vn_buf_add(&c.why, "no placement fits");
        vn_error_set(err, VNUMA_ERR_INVALID, "%s", c.why.s);
    } else if (!fit_build_result(&c, &best, out)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "the placement does not fill");
        vn_fit_result_clear(out);
    } else {
        rc = 0;
    }
    fit_ctx_clear(&c);
    fit_arena_free(&ar);
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
