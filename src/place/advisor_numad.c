/*
 * advisor_numad.c - numad 0.5's answer to `numad -w NCPUS:MB` computed
 * from the Host model (advisor.h), following numad.c (Debian 12's
 * 0.5+20150602) function by function:
 *
 *  - update_nodes: per node, CPU capacity 100 per CPU, except that with
 *    more than one thread per core (counted on cpu0's thread_siblings)
 *    every extra thread counts htt_percent = 20; free CPU = the idle
 *    share between two /proc/stat samples (idle_ticks * 100 / time_diff)
 *    less the same discount (never below 0), capped at the capacity;
 *    memory total = MemTotal / 1024, free = MemFree / 1024 +
 *    Inactive(file) / 1024 (MiB); a node of less than 1 MiB is left out
 *    of all_nodes_list_p; distances by position in nodeN/distance.
 *  - pick_numa_nodes (pid -1, so no process terms and cpu_flex = 0):
 *    free CPU at least 1; each node's magnitude is
 *    combined_value_of_weighted_resources; the minimum node count is
 *    max(ceil(MB / node[0] MiB), ceil(CPUs / node[0] capacity)), at most
 *    the node count; for every node, the others sorted by distance to it
 *    (ties: higher magnitude) and magnitude / distance^2 summed over the
 *    minimum count of them (totmag); the first node with the largest sum
 *    starts; the nodes sorted by distance from it are taken in turn, each
 *    consuming what is left of the request (memory only when it has 100
 *    MiB to spare, MBS_MARGIN), until the minimum count is reached and
 *    nothing is left, or until every node with memory is taken
 *    (EQUAL_LISTS(target, all_nodes)).  No node taken: node[0].
 *
 * Where vnuma departs from numad, on purpose:
 *  - numad indexes nodes in scandir's directory order (on sysfs, kernfs's
 *    hash order, which also misaligns the positional distance rows);
 *    vnuma uses ascending ids, numad's evident intent.
 *  - numad's node bitmaps hold as many ids as it has nodes (rounded up to
 *    64): higher sparse ids vanish from its answer and from its "every
 *    node" test.  vnuma keeps every id.
 *  - numad reads threads per core from cpu0 and exits when cpu0 has no
 *    topology (offline); vnuma takes the lowest online CPU that knows its
 *    siblings, else 1.
 *  - numad divides by distance^2 and exits on 0 distances (SIGFPE); the
 *    model has none (the loaders drop them), and distances are capped at
 *    255 as numad's byte holds them.
 *  - node[0] of zero memory or capacity makes numad's ceil() infinite and
 *    the (int) conversion INT_MIN on x86-64, which drops that term; vnuma
 *    drops it the same way.
 *
 * Without a load sample (vn_host.sample_cs == 0: recorded and synthetic
 * hosts, or the live host unsampled) every online CPU is idle; CPUs
 * dedicated in the request's usage are busy.  With a page size, a node's
 * memory is its huge pages of that size (a vnuma extension).
 *
 * Cost, for n nodes: O(n^2) for the distance rows and the start sums
 * (advisor_numad_dist.c: numad's own sorts are O(n^3)); the growth's
 * selection sort, O(n^2) in numad, is replayed with a heap, O(log n) for
 * each node taken.  A request whose minimum node count is every node, on
 * a host whose nodes all have memory, takes them all whatever the start:
 * without --explain it is answered without the distances.  About 3 ms at
 * 1,024 nodes (bench/advise_bench.sh).
 */
#include "place/advisor_internal.h"

#include <limits.h>

#include <stdlib.h>
#include <string.h>

#define ND_HTT_PERCENT 20       /* numad's DEFAULT_HTT_PERCENT */
#define ND_MBS_MARGIN 100       /* pick_numa_nodes' MBS_MARGIN (CPUS_MARGIN is 0) */
#define ND_MAX_MIB ((int64_t)1 << 40)   /* keeps the magnitudes inside 64 bits */
#define ND_EXPLAIN_ALL 16       /* --explain lists every node up to this many */
#define ND_NO_TERM LONG_MIN     /* (int)ceil(x / 0.0) on x86-64 */

typedef struct nd_node {
    unsigned id;
    int64_t mb_total, mb_free;  /* MiB */
    int64_t cpu_total, cpu_free;   /* hundredths of a CPU */
    int64_t idle;               /* idle share without the SMT discount, hundredths */
    uint64_t score;             /* pick_numa_nodes' tmp_node[].magnitude */
} nd_node;

typedef struct nd_ctx {
    const vn_host *h;
    const vn_advice_request *req;
    size_t n;
    nd_node *nodes;
    adv_dist d;                 /* the distance rows (advisor_numad_dist.c) */
    int64_t mbs, cpus;          /* the request: MiB, hundredths of a CPU */
    unsigned tpc;               /* threads per core */
    long min_nodes;
    long mem_term, cpu_term;
    size_t start;               /* index of the start node */
    uint64_t *totmag;           /* per candidate start */
    vn_buf *ex;
} nd_ctx;

/* ---- update_nodes: what each node offers ------------------------------ */

/* threads_per_core: cpu0's thread_siblings (see the top of the file). */
static unsigned threads_per_core(const vn_host *h)
{
    const vn_host_cpu *first = NULL;
    for (size_t i = 0; i < h->nnodes; i++)
        for (size_t k = 0; k < h->nodes[i].ncpus; k++) {
            const vn_host_cpu *c = &h->nodes[i].cpus[k];
            if (c->online && c->siblings && (!first || c->id < first->id))
                first = c;
        }
    size_t t = first ? vn_bitmap_count(first->siblings) : 1;
    return t ? (unsigned)t : 1;
}

/* CPUs_total: n/tpc cores at 100, their extra threads at htt_percent. */
static int64_t cpu_capacity(size_t ncpus, unsigned tpc)
{
    int64_t n = (int64_t)ncpus;
    if (tpc == 1)
        return n * 100;
    n /= tpc;
    return n * 100 + n * (tpc - 1) * ND_HTT_PERCENT;
}

/* The idle share of a node's CPUs (idle_ticks * ONE_HUNDRED / time_diff);
 * 100 per online CPU without a sample; dedicated CPUs are busy. */
static int64_t cpu_idle(const nd_ctx *c, const vn_host_node *hn)
{
    uint64_t ticks = 0, idle_cpus = 0;
    for (size_t k = 0; k < hn->ncpus; k++) {
        const vn_host_cpu *cpu = &hn->cpus[k];
        if (!cpu->online || adv_cpu_taken(c->req, cpu->id))
            continue;
        ticks += cpu->idle_ticks;
        idle_cpus++;
    }
    if (c->h->sample_cs)
        return (int64_t)(ticks * 100 / c->h->sample_cs);
    return (int64_t)idle_cpus * 100;
}

static void node_cpu(const nd_ctx *c, const vn_host_node *hn, nd_node *nd)
{
    nd->cpu_total = cpu_capacity(hn->ncpus, c->tpc);
    nd->idle = cpu_idle(c, hn);
    int64_t free = nd->idle;
    if (c->tpc > 1) {           /* "Possibly discount hyper-threads" */
        int64_t n = (int64_t)hn->ncpus;
        int64_t discount = (n - n / c->tpc) * (100 - ND_HTT_PERCENT);
        free = free > discount ? free - discount : 0;
    }
    nd->cpu_free = free < nd->cpu_total ? free : nd->cpu_total;
}

static int64_t mib_of(uint64_t kib)
{
    kib /= 1024;
    return kib > (uint64_t)ND_MAX_MIB ? ND_MAX_MIB : (int64_t)kib;
}

static int64_t pages_mib(uint64_t pages, uint64_t size_kib)
{
    uint64_t kib;
    return vn_mul_u64(pages, size_kib, &kib) ? mib_of(kib) : ND_MAX_MIB;
}

/* MBs_total and MBs_free (MemFree + Inactive(file), each in whole MiB),
 * or with a page size that pool's total and free pages in MiB. */
static void node_memory(const nd_ctx *c, const vn_host_node *hn, nd_node *nd)
{
    uint64_t ps = c->req->pagesize_kib;
    if (!ps) {
        nd->mb_total = mib_of(hn->mem_kib);
        nd->mb_free = mib_of(hn->has_free ? hn->free_kib : hn->mem_kib) +
                      mib_of(hn->inactive_file_kib);
        return;
    }
    nd->mb_total = nd->mb_free = 0;
    for (size_t i = 0; i < hn->npages; i++)
        if (hn->pages[i].size_kib == ps) {
            const vn_host_pages *p = &hn->pages[i];
            nd->mb_total = pages_mib(p->total, ps);
            nd->mb_free = pages_mib(p->has_free ? p->free : p->total, ps);
        }
}

/* combined_value_of_weighted_resources: (10 needed + 4 excess memory) x
 * (6 needed + 1 excess CPU), needed = what of the request the node has. */
static uint64_t weighted(int64_t mbs, int64_t cpus, int64_t mb_free, int64_t cpu_free)
{
    int64_t need_mem = mb_free > mbs ? mbs : mb_free;
    int64_t need_cpu = cpu_free > cpus ? cpus : cpu_free;
    int64_t memf = need_mem * 10 + (mb_free - need_mem) * 4;
    int64_t cpuf = need_cpu * 6 + (cpu_free - need_cpu);
    return (uint64_t)memf * (uint64_t)cpuf;
}

static void build_nodes(nd_ctx *c)
{
    c->tpc = threads_per_core(c->h);
    c->nodes = vn_calloc(c->n, sizeof(nd_node));
    for (size_t i = 0; i < c->n; i++) {
        const vn_host_node *hn = &c->h->nodes[i];
        nd_node *nd = &c->nodes[i];
        nd->id = hn->id;
        node_cpu(c, hn, nd);
        node_memory(c, hn, nd);
        int64_t cpu_free = nd->cpu_free < 1 ? 1 : nd->cpu_free;  /* 1/100th CPU minimum */
        nd->score = weighted(c->mbs, c->cpus, nd->mb_free, cpu_free);
    }
}

/* ---- pick_numa_nodes: the minimum node count and the start node --------- */

/* (int)ceil((double)a / b): the division by zero gives INT_MIN on x86-64. */
static long ceil_term(int64_t a, int64_t b)
{
    return b > 0 ? (long)((a + b - 1) / b) : ND_NO_TERM;
}

static void min_node_count(nd_ctx *c)
{
    c->mem_term = ceil_term(c->mbs, c->nodes[0].mb_total);
    c->cpu_term = ceil_term(c->cpus, c->nodes[0].cpu_total);
    long m = c->mem_term > c->cpu_term ? c->mem_term : c->cpu_term;
    c->min_nodes = m > (long)c->n ? (long)c->n : m;
}

/* The first node with the largest totmag starts. */
static void pick_start(nd_ctx *c)
{
    c->totmag = vn_calloc(c->n, sizeof(uint64_t));
    c->start = 0;
    if (c->min_nodes <= 0)
        return;                 /* no node summed: every totmag 0 */
    uint64_t *score = vn_malloc(c->n * sizeof(uint64_t));
    for (size_t j = 0; j < c->n; j++)
        score[j] = c->nodes[j].score;
    adv_start_sums(&c->d, score, (size_t)c->min_nodes, c->totmag);
    free(score);
    for (size_t to = 1; to < c->n; to++)
        if (c->totmag[to] > c->totmag[c->start])
            c->start = to;
}

/* ---- pick_numa_nodes: taking nodes ------------------------------------- */

typedef struct nd_grow {
    uint32_t *index;            /* numad's index[]: node at each position */
    uint32_t *pos;              /* position of each node in index[] */
    uint32_t *heap, *hpos;      /* the nodes not taken, least key first */
    uint8_t *dk;                /* node[j].distance[start] */
    size_t nheap;
    bool *in;
    size_t taken, mem_taken, memless_taken, mem_nodes;
    int64_t mbs, cpus;          /* what is left of the request */
    long min_left;
    bool every_node;            /* stopped by EQUAL_LISTS(target, all_nodes) */
} nd_grow;

/* pick_numa_nodes' second selection sort: nearest the start first, ties
 * to the higher magnitude, full ties to the earlier position in index[]
 * (which its swaps keep changing). */
static bool key_less(const nd_ctx *c, const nd_grow *g, uint32_t a, uint32_t b)
{
    if (g->dk[a] != g->dk[b])
        return g->dk[a] < g->dk[b];
    if (c->nodes[a].score != c->nodes[b].score)
        return c->nodes[a].score > c->nodes[b].score;
    return g->pos[a] < g->pos[b];
}

static void heap_put(nd_grow *g, size_t i, uint32_t node)
{
    g->heap[i] = node;
    g->hpos[node] = (uint32_t)i;
}

static void sift_down(const nd_ctx *c, nd_grow *g, size_t i)
{
    uint32_t node = g->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        uint32_t best = node;
        if (l < g->nheap && key_less(c, g, g->heap[l], best))
            m = l, best = g->heap[l];
        if (l + 1 < g->nheap && key_less(c, g, g->heap[l + 1], best))
            m = l + 1, best = g->heap[l + 1];
        if (m == i)
            break;
        heap_put(g, i, best);
        i = m;
    }
    heap_put(g, i, node);
}

/* One step of the selection sort, as numad takes it: the least of the
 * positions taken.. swaps places with the node at position `taken`; that
 * node's position grows, so it sinks in the heap.  O(log n) a step. */
static uint32_t select_next(const nd_ctx *c, nd_grow *g)
{
    uint32_t e = g->heap[0];
    heap_put(g, 0, g->heap[--g->nheap]);
    if (g->nheap)
        sift_down(c, g, 0);
    uint32_t p = (uint32_t)g->taken, pe = g->pos[e];
    if (pe != p) {
        uint32_t f = g->index[p];
        g->index[pe] = f;
        g->pos[f] = pe;
        g->index[p] = e;
        g->pos[e] = p;
        sift_down(c, g, g->hpos[f]);
    }
    return e;
}

static void grow_init(const nd_ctx *c, nd_grow *g)
{
    size_t n = c->n;
    g->index = vn_malloc(n * sizeof(uint32_t));
    g->pos = vn_malloc(n * sizeof(uint32_t));
    g->heap = vn_malloc(n * sizeof(uint32_t));
    g->hpos = vn_malloc(n * sizeof(uint32_t));
    g->dk = vn_malloc(n);
    g->in = vn_calloc(n, sizeof(bool));
    for (size_t i = 0; i < n; i++) {
        g->index[i] = g->pos[i] = (uint32_t)i;
        heap_put(g, i, (uint32_t)i);
        g->dk[i] = c->d.rows[i * n + c->start];
        g->mem_nodes += c->nodes[i].mb_total >= 1;
    }
    g->nheap = n;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(c, g, i);
    g->mbs = c->mbs;
    g->cpus = c->cpus;
    g->min_left = c->min_nodes;
}

static void grow_free(nd_grow *g)
{
    free(g->index);
    free(g->pos);
    free(g->heap);
    free(g->hpos);
    free(g->dk);
    free(g->in);
}

static void explain_take(const nd_ctx *c, const nd_grow *g, size_t j, const nd_node *nd)
{
    vn_buf *b = c->ex;
    VN_AUTOFREE char *cl = adv_cpus_text(g->cpus);
    VN_AUTOFREE char *cf = adv_cpus_text(nd->cpu_free < 1 ? 1 : nd->cpu_free);
    vn_buf_addf(b, "  take node %u (distance %u): %lld MiB and %s CPU left; it has %lld MiB and "
                   "%s CPU free", nd->id, c->d.rows[j * c->n + c->start], (long long)g->mbs, cl,
                (long long)nd->mb_free, cf);
}

/* "Consume" the node's resources: memory only with MBS_MARGIN to spare
 * (else it gives free - 100, which adds to the need below 100 MiB). */
static void consume(const nd_ctx *c, nd_grow *g, const nd_node *nd)
{
    int64_t cpu_free = nd->cpu_free < 1 ? 1 : nd->cpu_free;
    if (nd->mb_free >= g->mbs + ND_MBS_MARGIN)
        g->mbs = 0;
    else
        g->mbs -= nd->mb_free - ND_MBS_MARGIN;
    if (cpu_free >= g->cpus)
        g->cpus = 0;
    else
        g->cpus -= cpu_free;
    if (c->ex) {
        VN_AUTOFREE char *cl = adv_cpus_text(g->cpus);
        vn_buf_addf(c->ex, " -> %lld MiB and %s CPU left\n", (long long)g->mbs, cl);
    }
}

static void take(const nd_ctx *c, nd_grow *g, size_t j)
{
    const nd_node *nd = &c->nodes[j];
    g->in[j] = true;
    g->taken++;
    if (nd->mb_total >= 1)
        g->mem_taken++;
    else
        g->memless_taken++;
    g->min_left--;
    if (c->ex)
        explain_take(c, g, j, nd);
    if (g->mem_taken == g->mem_nodes && !g->memless_taken) {
        g->every_node = true;   /* "Apparently we must use all resource nodes..." */
        if (c->ex)
            vn_buf_add(c->ex, ": every node with memory is taken\n");
        return;
    }
    consume(c, g, nd);
}

static void grow(const nd_ctx *c, nd_grow *g)
{
    grow_init(c, g);
    while ((g->min_left > 0 || g->mbs > 0 || g->cpus > 0) && g->taken < c->n && !g->every_node)
        take(c, g, select_next(c, g));
    if (!g->taken)
        g->in[0] = true;        /* "Must always provide at least one node" */
}

/* ---- the advice ---------------------------------------------------------- */

char *adv_cpus_text(int64_t hundredths)
{
    int64_t w = hundredths / 100, f = hundredths % 100;
    if (hundredths < 0)
        return vn_asprintf("%lld", (long long)w);
    if (!f)
        return vn_asprintf("%lld", (long long)w);
    if (f % 10 == 0)
        return vn_asprintf("%lld.%lld", (long long)w, (long long)(f / 10));
    return vn_asprintf("%lld.%02lld", (long long)w, (long long)f);
}

static const char *cpus_word(int64_t hundredths)
{
    return hundredths == 100 ? "CPU" : "CPUs";
}

/* "needs 4 CPUs and 214 MiB, and node 0 offers 2 idle CPUs and 100 MiB
 * free: short by 2 CPUs" */
static void shortfall(const nd_ctx *c, vn_advice *out, int64_t idle, int64_t mb)
{
    vn_buf b = {0};
    VN_AUTOFREE char *nodes = vn_bitmap_format(out->nodes);
    VN_AUTOFREE char *need = adv_cpus_text(c->cpus);
    VN_AUTOFREE char *have = adv_cpus_text(idle);
    bool many = vn_bitmap_count(out->nodes) > 1;
    vn_buf_addf(&b, "needs %s %s and %lld MiB, and node%s %s offer%s %s idle %s and %lld MiB "
                    "free: short by ", need, cpus_word(c->cpus), (long long)c->mbs,
                many ? "s" : "", nodes, many ? "" : "s", have, cpus_word(idle), (long long)mb);
    if (idle < c->cpus) {
        VN_AUTOFREE char *s = adv_cpus_text(c->cpus - idle);
        vn_buf_addf(&b, "%s %s%s", s, cpus_word(c->cpus - idle), mb < c->mbs ? " and " : "");
    }
    if (mb < c->mbs)
        vn_buf_addf(&b, "%lld MiB", (long long)(c->mbs - mb));
    out->shortfall = vn_buf_steal(&b);
}

static void fill_advice(const nd_ctx *c, const bool *in, vn_advice *out)
{
    out->nodes = vn_bitmap_new();
    out->cpus = vn_bitmap_new();
    int64_t idle = 0, mb = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (!in[i])
            continue;
        const vn_host_node *hn = &c->h->nodes[i];
        vn_bitmap_set(out->nodes, hn->id);
        for (size_t k = 0; k < hn->ncpus; k++)
            vn_bitmap_set(out->cpus, hn->cpus[k].id);
        idle += c->nodes[i].idle;
        mb += c->nodes[i].mb_free;
    }
    out->cpus_free = (unsigned)(idle / 100);
    out->mem_free_kib = (uint64_t)mb * 1024;
    out->fits = idle >= c->cpus && mb >= c->mbs;
    if (!out->fits)
        shortfall(c, out, idle, mb);
}

/* ---- explanation ---------------------------------------------------------- */

static bool listed(const nd_ctx *c, const bool *in, size_t i)
{
    return c->n <= ND_EXPLAIN_ALL || i == c->start || (in && in[i]);
}

static void explain_nodes(const nd_ctx *c, const bool *in)
{
    vn_buf *b = c->ex;
    VN_AUTOFREE char *cpus = adv_cpus_text(c->cpus);
    vn_buf_addf(b, "rule: numad (numad 0.5's pick_numa_nodes)\nrequest: %s %s, %lld MiB%s\n",
                cpus, cpus_word(c->cpus), (long long)c->mbs,
                c->req->pagesize_kib ? " of huge pages" : "");
    vn_buf_addf(b, "threads per core: %u%s\n", c->tpc,
                c->tpc > 1 ? " (each extra thread counts 0.2 CPU)" : "");
    if (c->h->sample_cs)
        vn_buf_addf(b, "CPU load: sampled over %llu.%02llu s\n",
                    (unsigned long long)(c->h->sample_cs / 100),
                    (unsigned long long)(c->h->sample_cs % 100));
    else
        vn_buf_add(b, "CPU load: not sampled: every online CPU idle\n");
    vn_buf_addf(b, "nodes (%zu%s): CPUs free/capacity, MiB free/total, score\n", c->n,
                c->n > ND_EXPLAIN_ALL ? "; the start node and the chosen ones" : "");
    for (size_t i = 0; i < c->n; i++) {
        if (!listed(c, in, i))
            continue;
        const nd_node *nd = &c->nodes[i];
        VN_AUTOFREE char *f = adv_cpus_text(nd->cpu_free);
        VN_AUTOFREE char *t = adv_cpus_text(nd->cpu_total);
        vn_buf_addf(b, "  node %u: %s/%s CPUs, %lld/%lld MiB, score %llu\n", nd->id, f, t,
                    (long long)nd->mb_free, (long long)nd->mb_total,
                    (unsigned long long)nd->score);
    }
}

static void explain_term(vn_buf *b, const char *what, long term)
{
    if (term == ND_NO_TERM)
        vn_buf_addf(b, "%s: none (node 0 has none)", what);
    else
        vn_buf_addf(b, "%s: %ld", what, term);
}

static void explain_start(const nd_ctx *c, const bool *in)
{
    vn_buf *b = c->ex;
    vn_buf_addf(b, "minimum node count: %ld (", c->min_nodes < 0 ? 0 : c->min_nodes);
    explain_term(b, "memory", c->mem_term);
    explain_term(b, ", CPUs", c->cpu_term);
    vn_buf_addf(b, ", by node %u's size; at most %zu)\n", c->nodes[0].id, c->n);
    vn_buf_addf(b, "start sums (score / distance^2 over the %ld nearest nodes):\n",
                c->min_nodes < 0 ? 0 : c->min_nodes);
    for (size_t i = 0; i < c->n; i++)
        if (listed(c, in, i))
            vn_buf_addf(b, "  node %u: %llu\n", c->nodes[i].id,
                        (unsigned long long)c->totmag[i]);
    vn_buf_addf(b, "start node: %u (the first with the largest sum)\n"
                   "growth (nearest to node %u first; ties: the higher score):\n",
                c->nodes[c->start].id, c->nodes[c->start].id);
}

static void explain_answer(const nd_ctx *c, const nd_grow *g, const vn_advice *out)
{
    VN_AUTOFREE char *s = vn_bitmap_format(out->nodes);
    const char *why = g->every_node ? "every node with memory: numad's answer when the "
                                      "request is not covered before"
                      : g->taken == c->n ? "every node" : "the request is covered";
    if (!g->taken)
        why = "nothing requested: node[0]";
    vn_buf_addf(c->ex, "answer: %s (%s)\n", s, why);
}

/* ---- entry point ------------------------------------------------------------ */

/* The minimum node count is every node, and every node has memory: the
 * growth takes them all (min_req_nodes only reaches 0 at the last, which
 * is also when the target equals all_nodes), whichever node starts. */
static bool takes_every_node(const nd_ctx *c)
{
    if (c->min_nodes < (long)c->n)
        return false;
    for (size_t i = 0; i < c->n; i++)
        if (c->nodes[i].mb_total < 1)
            return false;
    return true;
}

void adv_numad(const vn_host *h, const vn_advice_request *req, vn_advice *out, vn_buf *ex)
{
    nd_ctx c = {.h = h, .req = req, .n = h->nnodes, .ex = ex,
                .mbs = mib_of(req->mem_kib) + (req->mem_kib % 1024 != 0),
                .cpus = (int64_t)req->ncpus * 100};
    build_nodes(&c);
    min_node_count(&c);
    if (!ex && takes_every_node(&c)) {
        bool *all = vn_malloc(c.n * sizeof(bool));
        memset(all, true, c.n * sizeof(bool));
        fill_advice(&c, all, out);
        free(all);
        free(c.nodes);
        return;
    }
    adv_dist_build(&c.d, h);
    pick_start(&c);
    vn_buf growth = {0};        /* told as it happens, printed after the nodes */
    c.ex = ex ? &growth : NULL;
    nd_grow g = {0};
    grow(&c, &g);
    c.ex = ex;
    fill_advice(&c, g.in, out);
    if (ex) {
        explain_nodes(&c, g.in);
        explain_start(&c, g.in);
        vn_buf_add(ex, growth.s ? growth.s : "");
        explain_answer(&c, &g, out);
    }
    vn_buf_free(&growth);
    grow_free(&g);
    free(c.totmag);
    adv_dist_free(&c.d);
    free(c.nodes);
}
