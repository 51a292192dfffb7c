/*
 * fit_feasible.c - which host node can hold which cell alone (the fit
 * matrix), the refusal messages when some cell fits nowhere, and the cells
 * larger than any node, each spread over the smallest close set of free
 * nodes.  Steps 2 and 3 of fit.c's list; the search (fit.c, fit_groups.c)
 * places the other cells.
 */
#include "place/fit_internal.h"

#include <stdlib.h>

#include "base/units.h"

/* ---- feasibility and messages ----------------------------------------- */

/* "8192 MiB" (one unit per message: MiB, a need rounded up, what a node
 * has down) or "512 huge pages of 2M" */
static void add_amount(vn_buf *b, uint64_t amount, uint64_t page_kib, bool need)
{
    if (page_kib) {
        vn_buf_addf(b, "%llu huge pages of ", (unsigned long long)amount);
        vn_buf_add_page_size(b, page_kib);
    } else {
        vn_buf_add_mib(b, amount, need);
    }
}

static int64_t strategy_score(const ctx *c, uint64_t free_units, uint64_t need, uint64_t page_kib)
{
    uint64_t unit = page_kib ? page_kib : 1;
    int64_t before = (int64_t)(free_units * unit), after = (int64_t)((free_units - need) * unit);
    return c->req->strategy == VN_FIT_PACK ? after : -before;
}

/* Fill the fit matrix; decide which cells span; explain the cells no node
 * can hold.  Returns false when some cell cannot be placed at all. */
bool fit_compute(ctx *c)
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
            add_amount(&c->why, need, fc->page_kib, true);
            vn_buf_add(&c->why, fc->page_kib ? ", the most free on a node is " :
                                               ", the largest free node has ");
            if (fc->page_kib)
                vn_buf_addf(&c->why, "%llu", (unsigned long long)best_free);
            else
                add_amount(&c->why, best_free, 0, false);
        } else if (!cpu_ok) {
            vn_buf_addf(&c->why, "needs %u dedicated host CPU%s (thread policy %s), "
                        "the most free on a node is %u", fc->nvcpus, fc->nvcpus == 1 ? "" : "s",
                        vn_thread_policy_to_string(pol), best_cpu);
        } else {
            vn_buf_add(&c->why, "no node has both ");
            add_amount(&c->why, need, fc->page_kib, true);
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

bool fit_place_spanning(ctx *c)
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
            add_amount(&c->why, cell_need(fc), fc->page_kib, true);
            if (fc->nvcpus)
                vn_buf_addf(&c->why, " and %u host CPUs (thread policy %s)", fc->nvcpus,
                            vn_thread_policy_to_string(c->req->policy));
            vn_buf_add(&c->why, ", more than any node; the free nodes together have ");
            add_amount(&c->why, all, fc->page_kib, false);
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
