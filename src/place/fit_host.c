/*
 * fit_host.c - the fitter's view of a host, prepared once (vn_fit_host_new:
 * distances by node index, cores, nodes by distance, twin groups), the
 * per-fit arena, and the per-fit context (fit_ctx_init: what is free on each
 * node now).  Steps 0 and 1 of fit.c's list; fit_internal.h has the structs.
 */
#include "place/fit_internal.h"

#include <stdlib.h>

/* ---- a per-fit arena ---------------------------------------------------- */

/* n zeroed objects of `size` bytes; aborts on overflow or OOM. */
void *fit_arena_calloc(arena *a, size_t n, size_t size)
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

void fit_arena_free(arena *a)
{
    while (a->head) {
        ablock *n = a->head->next;
        free(a->head);
        a->head = n;
    }
}

/* ---- the host as the fitter sees it ----------------------------------- */

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

/* Free resources per node: memory (free, or with capacity_from_total the
 * total less the reserve) minus usage; CPUs per thread policy,
 * recounted only on the nodes where `used` holds CPUs. */
void fit_ctx_init(ctx *c, arena *ar, const vn_fit_host *fh, const vn_usage *used,
                  const vn_fit_request *req)
{
    *c = (ctx){.ar = ar, .fh = fh, .h = fh->h, .used = used, .req = req, .N = fh->N,
               .C = req->ncells, .D = fh->D};
    size_t N = c->N, C = c->C;
    c->nodes = ANEW(c, N, fnode);
    for (size_t i = 0; i < N; i++) {
        const vn_host_node *hn = fh->nodes[i].hn;
        c->nodes[i].mem_free = !req->capacity_from_total ? hn->free_kib
                               : hn->mem_kib > req->reserve_kib ? hn->mem_kib - req->reserve_kib
                               : 0;
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

void fit_ctx_clear(ctx *c)
{
    for (size_t i = 0; i < c->C; i++)
        free(c->span_set[i]);
    vn_buf_free(&c->why);
}
