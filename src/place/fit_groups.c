/*
 * fit_groups.c - cells all of one shape on a host with twin groups
 * (packages): a branch and bound over how many cells each group holds,
 * interchangeable groups searched once.  Called by search() (fit.c),
 * which takes its answer when it is exact and falls back to the node-level
 * search otherwise.
 */
#include "place/fit_internal.h"

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

/* Search over group counts (see above); the placement into s.  GS_NA when
 * it does not apply: cells of several shapes, spanning cells, or no group
 * with room for two cells (then it is the node search). */
int fit_group_search(ctx *c, const size_t *order, size_t norder, sol *s)
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
    fit_sol_eval(c, s);
    return g.budget > 0 ? GS_EXACT : GS_PARTIAL;
}
