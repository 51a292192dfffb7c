/*
 * advisor_numad_dist.c - the distance half of numad's rule (advisor_numad.c
 * has the rest): the distance rows numad reads into node[].distance in
 * update_nodes, and the start sums of pick_numa_nodes (totmag).
 *
 * numad keeps each row by position (node[ix].distance[d] for the d-th node)
 * in a byte; here rows[from * n + to], nodes in ascending id order, values
 * capped at 255 and 0 raised to 1 (numad would divide by it: SIGFPE).
 *
 * totmag[to] sums magnitude / distance^2 over the k nodes nearest `to`,
 * nearness being node[from].distance[to] and ties going to the higher
 * magnitude.  numad sorts every node's neighbours with an unstable
 * selection sort, O(n^3) in all; but nodes of one distance and one
 * magnitude add the same, so only how many nodes lie at each distance
 * matters, and which magnitudes come first at the distance where the k
 * end.  The rows are read once from the model, counting the nodes at each
 * distance as they come (cnt); one pass over them in descending magnitude
 * then adds what counts.  O(n^2) with small constants: about 3 ms at 1,024
 * nodes on a 2 GHz machine.
 */
#include "place/advisor_internal.h"

#include <stdlib.h>
#include <string.h>

#define ND_MAX_DIST 255         /* node_data_t keeps distances in a uint8_t */

typedef struct nd_rank {
    uint64_t score;
    uint32_t ix;
} nd_rank;

static uint8_t dist_byte(unsigned d)
{
    return d - 1 < ND_MAX_DIST ? (uint8_t)d : d ? ND_MAX_DIST : 1;
}

#define ND_SLOTS 8              /* distinct distances counted while the rows are read */
#define ND_NO_SLOT 0xff

/* A slot for distance d (as the distances come); false when full. */
static bool new_slot(adv_dist *c, uint8_t d, uint8_t *slot_of)
{
    if (c->ndvals == ND_SLOTS)
        return false;
    slot_of[d] = (uint8_t)c->ndvals;
    c->dvals[c->ndvals++] = d;
    return true;
}

/* Row `from` (node[from].distance, by position) into r, counted into
 * cnt[to * ND_SLOTS + slot]; false when there are more than ND_SLOTS
 * distinct distances (r is filled all the same).  The fast path: a row
 * naming every node in order, as the loaders make it. */
static bool aligned_row(adv_dist *c, const unsigned *dv, uint8_t *r, uint8_t *slot_of,
                        uint32_t *cnt)
{
    bool ok = true;
    for (size_t to = 0; to < c->n; to++) {
        uint8_t b = r[to] = dist_byte(dv[to]);
        if (slot_of[b] == ND_NO_SLOT && !(ok = new_slot(c, b, slot_of))) {
            for (; to < c->n; to++)
                r[to] = dist_byte(dv[to]);
            break;
        }
        cnt[to * ND_SLOTS + slot_of[b]]++;
    }
    return ok;
}

/* Any other row: vn_host_distance's defaults (10 itself, 20) where the
 * source says nothing. */
static bool other_row(adv_dist *c, size_t from, uint8_t *r, uint8_t *slot_of, uint32_t *cnt)
{
    const vn_host_node *hn = &c->h->nodes[from];
    memset(r, 20, c->n);
    r[from] = 10;
    for (size_t k = 0; k < hn->ndistances; k++) {
        long to = vn_host_node_index(c->h, hn->distance_ids[k]);
        if (to >= 0)
            r[to] = dist_byte(hn->distances[k]);
    }
    for (size_t to = 0; to < c->n; to++) {
        if (slot_of[r[to]] == ND_NO_SLOT && !new_slot(c, r[to], slot_of))
            return false;
        cnt[to * ND_SLOTS + slot_of[r[to]]]++;
    }
    return true;
}

static bool fill_row(adv_dist *c, const unsigned *ids, size_t from, uint8_t *slot_of,
                     uint32_t *cnt, bool count)
{
    const vn_host_node *hn = &c->h->nodes[from];
    uint8_t *r = c->rows + from * c->n;
    uint8_t none[ND_MAX_DIST + 1];
    if (!count) {               /* too many distances: rows only, count_all counts */
        memset(none, 0, sizeof(none));
        slot_of = none;
    }
    if (hn->ndistances == c->n && !memcmp(hn->distance_ids, ids, c->n * sizeof(unsigned)))
        return aligned_row(c, hn->distances, r, slot_of, cnt) && count;
    return other_row(c, from, r, slot_of, cnt) && count;
}

/* The slots in ascending distance, and the counts so ordered: cnt[to *
 * ndvals + s] rows with distance[to] = dvals[s]. */
static void order_slots(adv_dist *c, const uint8_t *slot_of, const uint32_t *wide)
{
    size_t ns = 0, n = c->n;
    uint8_t old[ND_MAX_DIST + 1];
    for (unsigned d = 0; d <= ND_MAX_DIST; d++)
        if (slot_of[d] != ND_NO_SLOT) {
            old[ns] = slot_of[d];
            c->slot[d] = (uint8_t)ns;
            c->dvals[ns++] = (uint8_t)d;
        }
    c->cnt = vn_malloc(n * ns * sizeof(uint32_t));
    for (size_t to = 0; to < n; to++)
        for (size_t s = 0; s < ns; s++)
            c->cnt[to * ns + s] = wide[to * ND_SLOTS + old[s]];
}

/* More distinct distances than ND_SLOTS: count again, by every distance. */
static void count_all(adv_dist *c)
{
    size_t n = c->n;
    bool seen[ND_MAX_DIST + 1] = {false};
    for (size_t i = 0; i < n * n; i++)
        seen[c->rows[i]] = true;
    c->ndvals = 0;
    for (unsigned d = 0; d <= ND_MAX_DIST; d++)
        if (seen[d]) {
            c->slot[d] = (uint8_t)c->ndvals;
            c->dvals[c->ndvals++] = (uint8_t)d;
        }
    c->cnt = vn_calloc(n * c->ndvals, sizeof(uint32_t));
    for (size_t from = 0; from < n; from++)
        for (size_t to = 0; to < n; to++)
            c->cnt[to * c->ndvals + c->slot[c->rows[from * n + to]]]++;
}

/* The rows, the distinct distances, and how many nodes each node has at
 * each distance (in one pass over the model when the distances are few). */
void adv_dist_build(adv_dist *c, const vn_host *h)
{
    memset(c, 0, sizeof(*c));
    c->h = h;
    c->n = h->nnodes;
    size_t n = c->n;
    unsigned *ids = vn_malloc(n * sizeof(unsigned));
    for (size_t i = 0; i < n; i++)
        ids[i] = c->h->nodes[i].id;
    c->rows = vn_malloc(n * n);
    uint8_t slot_of[ND_MAX_DIST + 1];
    memset(slot_of, ND_NO_SLOT, sizeof(slot_of));
    uint32_t *wide = vn_calloc(n * ND_SLOTS, sizeof(uint32_t));
    bool few = true;
    for (size_t from = 0; from < n; from++)
        few = fill_row(c, ids, from, slot_of, wide, few);
    if (few)
        order_slots(c, slot_of, wide);
    else
        count_all(c);
    free(wide);
    free(ids);
}

static int rank_cmp(const void *a, const void *b)
{
    const nd_rank *x = a, *y = b;
    return x->score < y->score ? 1 : x->score > y->score ? -1 : (x->ix > y->ix) - (x->ix < y->ix);
}

/* Where the k nearest nodes of `to` end: every node nearer than
 * dvals[*cut], and *need of those at dvals[*cut] (*cut = ndvals: all). */
static void cut_at(const adv_dist *c, size_t to, size_t k, uint16_t *cut, uint32_t *need)
{
    const uint32_t *cnt = c->cnt + to * c->ndvals;
    size_t taken = 0, s = 0;
    while (s < c->ndvals && taken + cnt[s] <= k)
        taken += cnt[s++];
    *cut = (uint16_t)(s < c->ndvals ? c->dvals[s] : ND_MAX_DIST + 1);
    *need = (uint32_t)(k - taken);
}

/* totmag[to] for every node: magnitude / distance^2 summed over the k
 * nodes nearest `to` (by node[from].distance[to]; ties: the higher
 * magnitude).  Nodes of one distance and one magnitude add the same, so
 * numad's unstable sort does not matter here.  The counts by distance give
 * where the k nearest end (cut_at); one pass over the rows in descending
 * magnitude then adds every node nearer than that and the first `need`
 * at it. */
void adv_start_sums(const adv_dist *c, const uint64_t *score, size_t k, uint64_t *totmag)
{
    size_t n = c->n;
    uint16_t *cut = vn_malloc(n * sizeof(uint16_t));
    uint32_t *need = vn_malloc(n * sizeof(uint32_t));
    for (size_t to = 0; to < n; to++)
        cut_at(c, to, k, &cut[to], &need[to]);
    nd_rank *rank = vn_malloc(n * sizeof(nd_rank));
    for (size_t j = 0; j < n; j++)
        rank[j] = (nd_rank){score[j], (uint32_t)j};
    qsort(rank, n, sizeof(nd_rank), rank_cmp);
    uint64_t q[ND_MAX_DIST + 1];
    for (size_t r = 0; r < n; r++) {
        const uint8_t *row = c->rows + (size_t)rank[r].ix * n;
        for (size_t s = 0; s < c->ndvals; s++)
            q[c->dvals[s]] = rank[r].score / ((uint64_t)c->dvals[s] * c->dvals[s]);
        for (size_t to = 0; to < n; to++) {
            uint8_t d = row[to];
            bool at = d == cut[to] && need[to] > 0;
            if (d < cut[to] || at)
                totmag[to] += q[d];
            need[to] -= at;
        }
    }
    free(rank);
    free(need);
    free(cut);
}

void adv_dist_free(adv_dist *d)
{
    free(d->rows);
    free(d->cnt);
    memset(d, 0, sizeof(*d));
}
