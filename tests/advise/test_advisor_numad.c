/*
 * test_advisor_numad.c - the advisor's numad rule (src/place/advisor_numad.c,
 * advisor_numad_dist.c):
 *
 *  - hand-worked cases for each of numad's rules: the hyperthread
 *    discount, Inactive(file), a sampled load, dedicated CPUs, sparse ids,
 *    memory-only nodes, the 100 MiB margin, "every node", the warning text
 *    and the explanation;
 *  - a differential test against pick_numa_nodes transcribed line by line
 *    from numad.c (oracle_pick below: both O(n^2) selection sorts with
 *    their swaps, totmag, the allocation loop) on thousands of random
 *    hosts: unequal, memory-only and CPU-only nodes, ties everywhere,
 *    asymmetric distances, more distinct distances than the fast path
 *    counts, sparse ids;
 *  - vn_host_sample_cpu_load (src/host/host_cpuload.c) over a fake vn_os
 *    serving two /proc/stat texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <math.h>
#include <cmocka.h>

#include "place/advisor.h"
#include "model/host.h"
#include "model/usage.h"
#include "os/os.h"
#include "os/os_fake.h"

static vn_host *synth(const char *spec)
{
    vn_error e = {0};
    vn_host *h = vn_host_load_synthetic(spec, &e);
    if (!h)
        fail_msg("'%s': %s", spec, e.msg);
    return h;
}

static char *advise(const vn_host *h, unsigned ncpus, uint64_t mib, const vn_usage *u,
                    vn_advice *out)
{
    vn_advice_request r = {ncpus, mib * 1024, 0, VN_ADVISE_NUMAD, u};
    vn_error e = {0};
    if (vn_advise(h, &r, out, NULL, &e) < 0)
        fail_msg("%u:%llu refused: %s", ncpus, (unsigned long long)mib, e.msg);
    return vn_bitmap_format(out->nodes);
}

static void expect_nodes(const vn_host *h, unsigned ncpus, uint64_t mib, const char *nodes)
{
    vn_advice a;
    char *s = advise(h, ncpus, mib, NULL, &a);
    if (strcmp(s, nodes))
        fail_msg("%u:%llu: got %s, expected %s", ncpus, (unsigned long long)mib, s, nodes);
    free(s);
    vn_advice_clear(&a);
}

/* 2 nodes of 4 cores x 2 threads: capacity 4 x 100 + 4 x 20 = 480 each.
 * 4 vCPUs fit one node, 5 do not (500 > 480): ceil(500 / 480) = 2 nodes. */
static void test_hyperthreads(void **state)
{
    (void)state;
    vn_host *h = synth("numa:2 core:4 pu:2 mem=16G");
    expect_nodes(h, 4, 1024, "0");
    expect_nodes(h, 5, 1024, "0-1");
    vn_advice a;
    char *s = advise(h, 16, 1024, NULL, &a);
    assert_string_equal(s, "0-1");     /* 16 threads fit by count: no warning */
    assert_true(a.fits);
    free(s);
    vn_advice_clear(&a);
    s = advise(h, 17, 1024, NULL, &a);
    assert_string_equal(s, "0-1");
    assert_false(a.fits);
    assert_string_equal(a.shortfall, "needs 17 CPUs and 1024 MiB, and nodes 0-1 offer 16 idle "
                                     "CPUs and 32768 MiB free: short by 1 CPU");
    free(s);
    vn_advice_clear(&a);
    vn_host_free(h);
}

/* Free memory is MemFree + Inactive(file), each in whole MiB: with equal
 * MemFree, the node with page cache to drop scores higher and starts. */
static void test_inactive_file(void **state)
{
    (void)state;
    vn_host *h = synth("numa:3 core:2 mem=16G free=8G");
    expect_nodes(h, 1, 100, "0");
    h->nodes[2].inactive_file_kib = 1024 * 1024;
    expect_nodes(h, 1, 100, "2");
    /* 9000 MiB: node 2 has 8192 + 1024 = 9216 >= 9000 + 100: alone */
    expect_nodes(h, 1, 9000, "2");
    /* 1023 KiB of it: rounds down to 0 MiB, as numad's KB / 1024 */
    h->nodes[2].inactive_file_kib = 1023;
    expect_nodes(h, 1, 100, "0");
    vn_host_free(h);
}

/* A load sample: free CPU = idle ticks x 100 / time_diff.  Node 0's CPUs
 * idled 50 of 200 ticks (1 CPU's worth of 4: 100 < 200 needed), node 1's
 * 200 of 200 (400). */
static void test_sampled_load(void **state)
{
    (void)state;
    vn_host *h = synth("numa:2 core:4 mem=16G");
    h->sample_cs = 200;
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < 4; k++)
            h->nodes[i].cpus[k].idle_ticks = i ? 200 : 50;
    expect_nodes(h, 2, 1024, "1");
    vn_buf b = {0};
    vn_advice a;
    vn_advice_request r = {2, 1024 * 1024, 0, VN_ADVISE_NUMAD, NULL};
    vn_error e = {0};
    assert_int_equal(vn_advise(h, &r, &a, &b, &e), 0);
    assert_non_null(strstr(b.s, "CPU load: sampled over 2.00 s\n"));
    assert_non_null(strstr(b.s, "  node 0: 1/4 CPUs, 16384/16384 MiB"));
    vn_buf_free(&b);
    vn_advice_clear(&a);
    /* 7 vCPUs: 1 + 4 idle CPUs on the host: every node, not fitting */
    char *s = advise(h, 7, 1024, NULL, &a);
    assert_string_equal(s, "0-1");
    assert_false(a.fits);
    assert_string_equal(a.shortfall, "needs 7 CPUs and 1024 MiB, and nodes 0-1 offer 5 idle "
                                     "CPUs and 32768 MiB free: short by 2 CPUs");
    free(s);
    vn_advice_clear(&a);
    vn_host_free(h);
}

/* The ledger's dedicated CPUs are busy: node 0's four taken, it scores
 * least, node 1 starts. */
static void test_dedicated(void **state)
{
    (void)state;
    vn_host *h = synth("numa:2 core:4 mem=16G");
    vn_usage u = {0};
    vn_error e = {0};
    u.cpus = vn_bitmap_parse("0-3", VN_CPUMASK_LEN, &e);
    vn_advice a;
    char *s = advise(h, 2, 1024, &u, &a);
    assert_string_equal(s, "1");
    free(s);
    vn_advice_clear(&a);
    /* 5 CPUs: node 1 has 4 idle; node 0 counts 1/100 (numad's minimum) */
    s = advise(h, 5, 1024, &u, &a);
    assert_string_equal(s, "0-1");
    assert_false(a.fits);
    free(s);
    vn_advice_clear(&a);
    vn_usage_clear(&u);
    vn_host_free(h);
}

/* The 100 MiB margin (MBS_MARGIN): a node covers the memory only with 100
 * MiB to spare, else gives free - 100. */
static void test_margin(void **state)
{
    (void)state;
    vn_host *h = synth("numa:4 core:4 mem=4G");
    expect_nodes(h, 1, 3996, "0");      /* 4096 >= 3996 + 100 */
    expect_nodes(h, 1, 3997, "0-1");    /* 1 MiB left after node 0 */
    /* 2 nodes' memory exactly: 8192 - 2 x 3996 = 200 left: a third node */
    expect_nodes(h, 1, 8192, "0-2");
    vn_host_free(h);
}

/* Sparse ids: numad's bitmaps would lose 72 and 73; vnuma keeps them.
 * Node 73 has the most free memory: it starts, then its package. */
static void test_sparse_ids(void **state)
{
    (void)state;
    vn_host *h = synth("package:2 numa:2 core:2 mem=16G free=8G,8G,8G,12G");
    unsigned ids[] = {0, 1, 72, 73};
    for (size_t i = 0; i < 4; i++) {
        h->nodes[i].id = ids[i];
        for (size_t k = 0; k < h->nodes[i].ndistances; k++)
            h->nodes[i].distance_ids[k] = ids[h->nodes[i].distance_ids[k]];
    }
    expect_nodes(h, 1, 100, "73");
    expect_nodes(h, 3, 100, "72-73");
    expect_nodes(h, 8, 100, "0-1,72-73");
    vn_host_free(h);
}

/* Node 0 has no memory: the memory term of the minimum count is dropped
 * (numad divides by node 0's 0 MiB), and "every node" compares with the
 * nodes that have memory. */
static void test_memoryless(void **state)
{
    (void)state;
    vn_host *h = synth("numa:3 core:2 mem=0,4G,4G");
    /* 2 CPUs, 100 MiB: node 0 scores 0 (no memory); node 1 starts */
    expect_nodes(h, 2, 100, "1");
    /* 1 CPU, 7000 MiB: node 1 gives 3996, node 2 (scored above node 0)
     * is then the last node with memory: 1-2 (8192 MiB: it fits).  9000
     * MiB: the same nodes, not fitting. */
    vn_advice a;
    char *s = advise(h, 1, 7000, NULL, &a);
    assert_string_equal(s, "1-2");
    assert_true(a.fits);                /* 8192 MiB free >= 7000 */
    free(s);
    vn_advice_clear(&a);
    s = advise(h, 1, 9000, NULL, &a);
    assert_string_equal(s, "1-2");
    assert_false(a.fits);
    free(s);
    vn_advice_clear(&a);
    vn_host_free(h);
}

static void test_explain(void **state)
{
    (void)state;
    vn_host *h = synth("package:2 numa:2 core:2 pu:2 mem=8G,8G,4G,4G free=6G*2,2G*2");
    vn_advice_request r = {4, 8192 * 1024ull, 0, VN_ADVISE_NUMAD, NULL};
    vn_advice a;
    vn_error e = {0};
    vn_buf b = {0};
    assert_int_equal(vn_advise(h, &r, &a, &b, &e), 0);
    assert_non_null(strstr(b.s, "rule: numad (numad 0.5's pick_numa_nodes)\n"));
    assert_non_null(strstr(b.s, "threads per core: 2 (each extra thread counts 0.2 CPU)\n"));
    /* score: (10 x 6144) x (6 x 240) = 61440 x 1440 */
    assert_non_null(strstr(b.s, "  node 0: 2.4/2.4 CPUs, 6144/8192 MiB, score 88473600\n"));
    assert_non_null(strstr(b.s, "minimum node count: 2 (memory: 1, CPUs: 2, by node 0's size; "
                                "at most 4)\n"));
    /* 88473600 / 100 + 88473600 / 144 */
    assert_non_null(strstr(b.s, "  node 0: 1499136\n"));
    assert_non_null(strstr(b.s, "start node: 0 (the first with the largest sum)\n"));
    assert_non_null(strstr(b.s, "  take node 0 (distance 10): 8192 MiB and 4 CPU left; it has "
                                "6144 MiB and 2.4 CPU free -> 2148 MiB and 1.6 CPU left\n"));
    assert_non_null(strstr(b.s, "answer: 0-1 (the request is covered)\n"));
    vn_buf_free(&b);
    vn_advice_clear(&a);
    vn_host_free(h);
}

/* ---- the oracle: numad.c's pick_numa_nodes, transcribed --------------- */

typedef struct onode {
    unsigned node_id;
    uint64_t MBs_total, MBs_free, CPUs_total, CPUs_free, magnitude;
    uint8_t *distance;
} onode;

static uint64_t ocombined(int mbs, int cpus, uint64_t MBs_free, uint64_t CPUs_free)
{
    int64_t needed_mem, needed_cpu, excess_mem, excess_cpu;
    if (MBs_free > (uint64_t)mbs) {
        needed_mem = mbs;
        excess_mem = (int64_t)MBs_free - mbs;
    } else {
        needed_mem = (int64_t)MBs_free;
        excess_mem = 0;
    }
    if (CPUs_free > (uint64_t)cpus) {
        needed_cpu = cpus;
        excess_cpu = (int64_t)CPUs_free - cpus;
    } else {
        needed_cpu = (int64_t)CPUs_free;
        excess_cpu = 0;
    }
    int64_t memfactor = (needed_mem * 10 + excess_mem * 4);
    int64_t cpufactor = (needed_cpu * 6 + excess_cpu * 1);
    return (uint64_t)(memfactor * cpufactor);
}

/* (int)ceil(x), with x86-64's INT_MIN for what does not fit an int */
static int oceil(double x)
{
    double c = ceil(x);
    return isnan(c) || c > INT_MAX || c < INT_MIN ? INT_MIN : (int)c;
}

static void osort(onode *tmp, int *index, int n, int ix)
{
    for (int ij = 0; ij < n; ij++) {
        int best_ix = ij;
        for (int ik = ij + 1; ik < n; ik++) {
            int ik_dist = tmp[index[ik]].distance[ix];
            int best_ix_dist = tmp[index[best_ix]].distance[ix];
            if (best_ix_dist > ik_dist)
                best_ix = ik;
            else if (best_ix_dist == ik_dist &&
                     tmp[index[best_ix]].magnitude < tmp[index[ik]].magnitude)
                best_ix = ik;
        }
        if (best_ix != ij) {
            int t = index[ij];
            index[ij] = index[best_ix];
            index[best_ix] = t;
        }
    }
}

/* pick_numa_nodes(-1, cpus, mbs, 0); target[ix] set for the nodes taken.
 * Where numad would run past its array (memoryless nodes), it stops. */
static void oracle_pick(onode *node, int num_nodes, int cpus, int mbs, bool *target)
{
    onode *tmp = calloc((size_t)num_nodes, sizeof(onode));
    memcpy(tmp, node, (size_t)num_nodes * sizeof(onode));
    for (int ix = 0; ix < num_nodes; ix++) {
        if (tmp[ix].CPUs_free < 1)
            tmp[ix].CPUs_free = 1;
        tmp[ix].magnitude = ocombined(mbs, cpus, tmp[ix].MBs_free, tmp[ix].CPUs_free);
    }
    int mem_req_nodes = oceil((double)mbs / (double)node[0].MBs_total);
    int cpu_req_nodes = oceil((double)cpus / (double)node[0].CPUs_total);
    int min_req_nodes = mem_req_nodes;
    if (min_req_nodes < cpu_req_nodes)
        min_req_nodes = cpu_req_nodes;
    if (min_req_nodes > num_nodes)
        min_req_nodes = num_nodes;
    int *index = calloc((size_t)num_nodes, sizeof(int));
    uint64_t *totmag = calloc((size_t)num_nodes, sizeof(uint64_t));
    for (int ix = 0; ix < num_nodes; ix++) {
        for (int k = 0; k < num_nodes; k++)
            index[k] = k;
        osort(tmp, index, num_nodes, ix);
        for (int ij = 0; ij < min_req_nodes; ij++) {
            int dist = tmp[index[ij]].distance[ix];
            totmag[ix] += tmp[index[ij]].magnitude / (uint64_t)(dist * dist);
        }
    }
    int best_node_ix = 0;
    for (int ix = 0; ix < num_nodes; ix++)
        if (totmag[best_node_ix] < totmag[ix])
            best_node_ix = ix;
    for (int k = 0; k < num_nodes; k++)
        index[k] = k;
    osort(tmp, index, num_nodes, best_node_ix);
    memset(target, 0, (size_t)num_nodes * sizeof(bool));
    int ntarget = 0;
    best_node_ix = 0;
    while ((min_req_nodes > 0) || (mbs > 0) || (cpus > 0)) {
        if (best_node_ix >= num_nodes)
            break;              /* numad: out of bounds */
        onode *t = &tmp[index[best_node_ix]];
        target[index[best_node_ix]] = true;
        ntarget++;
        min_req_nodes -= 1;
        bool equal = true;      /* EQUAL_LISTS(target, all_nodes) */
        for (int k = 0; k < num_nodes; k++)
            equal = equal && target[k] == (node[k].MBs_total >= 1);
        if (equal)
            break;
        if (t->MBs_free >= (uint64_t)(mbs + 100)) {
            t->MBs_free -= (uint64_t)mbs;
            mbs = 0;
        } else {
            mbs -= (int)(t->MBs_free - 100);
            t->MBs_free = 100;
        }
        if (t->CPUs_free >= (uint64_t)cpus) {
            t->CPUs_free -= (uint64_t)cpus;
            cpus = 0;
        } else {
            cpus -= (int)t->CPUs_free;
            t->CPUs_free = 0;
        }
        best_node_ix += 1;
    }
    if (ntarget == 0)
        target[0] = true;
    free(totmag);
    free(index);
    free(tmp);
}

/* update_nodes on an idle host with one thread a core. */
static onode *onodes_of(const vn_host *h)
{
    onode *o = calloc(h->nnodes, sizeof(onode));
    for (size_t i = 0; i < h->nnodes; i++) {
        const vn_host_node *n = &h->nodes[i];
        o[i].node_id = n->id;
        o[i].MBs_total = n->mem_kib / 1024;
        o[i].MBs_free = (n->has_free ? n->free_kib : n->mem_kib) / 1024;
        o[i].CPUs_total = n->ncpus * 100;
        for (size_t k = 0; k < n->ncpus; k++)
            o[i].CPUs_free += n->cpus[k].online ? 100 : 0;
        o[i].distance = calloc(h->nnodes, 1);
        for (size_t j = 0; j < h->nnodes; j++)
            o[i].distance[j] = (uint8_t)vn_host_distance(h, n->id, h->nodes[j].id);
    }
    return o;
}

static unsigned seed = 12345;

static unsigned rnd(unsigned n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

/* A random host: n nodes (ids sparse at times), 0-4 CPUs each (some
 * offline), memory from a few values (ties) or none, distances from a few
 * values or many, symmetric or not. */
static vn_host *random_host(size_t n)
{
    vn_host *h = vn_host_new();
    h->nodes = vn_calloc(n, sizeof(vn_host_node));
    h->nnodes = n;
    bool sparse = rnd(4) == 0, many = rnd(5) == 0, asym = rnd(3) == 0;
    unsigned cpu = 0, id = 0;
    static const uint64_t mem[] = {0, 1024, 2048, 4096, 4096, 8192, 16384};
    for (size_t i = 0; i < n; i++) {
        vn_host_node *nd = &h->nodes[i];
        nd->id = id;
        id += sparse ? 1 + rnd(20) : 1;
        nd->mem_kib = mem[rnd(7)] * 1024;
        nd->has_free = rnd(2);
        nd->free_kib = nd->has_free ? (nd->mem_kib / 8) * rnd(9) : nd->mem_kib;
        nd->ncpus = rnd(5);
        nd->cpus = vn_calloc(nd->ncpus ? nd->ncpus : 1, sizeof(vn_host_cpu));
        for (size_t k = 0; k < nd->ncpus; k++) {
            nd->cpus[k].id = cpu++;
            nd->cpus[k].online = rnd(6) != 0;
        }
    }
    for (size_t i = 0; i < n; i++) {
        vn_host_node *nd = &h->nodes[i];
        nd->ndistances = n;
        nd->distance_ids = vn_calloc(n, sizeof(unsigned));
        nd->distances = vn_calloc(n, sizeof(unsigned));
        for (size_t j = 0; j < n; j++) {
            nd->distance_ids[j] = h->nodes[j].id;
            unsigned d = many ? 11 + rnd(40) : 12 + 4 * rnd(3);
            if (j == i)
                d = 10;
            else if (!asym && j < i)
                d = h->nodes[j].distances[i];
            nd->distances[j] = d;
        }
    }
    return h;
}

static void test_against_numad(void **state)
{
    (void)state;
    for (int round = 0; round < 3000; round++) {
        size_t n = 1 + rnd(round < 2500 ? 12 : 40);
        vn_host *h = random_host(n);
        onode *o = onodes_of(h);
        unsigned ncpus = 1 + rnd(12);
        uint64_t mib = rnd(3) ? rnd(40000) : 0;
        bool *want = calloc(n, sizeof(bool));
        oracle_pick(o, (int)n, (int)ncpus * 100, (int)mib, want);
        vn_advice a;
        char *got = advise(h, ncpus, mib, NULL, &a);
        vn_bitmap *w = vn_bitmap_new();
        for (size_t i = 0; i < n; i++)
            if (want[i])
                vn_bitmap_set(w, h->nodes[i].id);
        char *ws = vn_bitmap_format(w);
        if (strcmp(got, ws))
            fail_msg("round %d (%zu nodes) %u:%llu: vnuma %s, numad %s", round, n, ncpus,
                     (unsigned long long)mib, got, ws);
        free(ws);
        free(got);
        vn_bitmap_free(w);
        vn_advice_clear(&a);
        free(want);
        for (size_t i = 0; i < n; i++)
            free(o[i].distance);
        free(o);
        vn_host_free(h);
    }
}

/* ---- vn_host_sample_cpu_load over the fake OS --------------------------- */

static const char stat2[] = "cpu  9 9 9 9 9\ncpu0 1 2 3 300 5 6\ncpu1 9 9 9 150 5\n"
                            "cpu3 0 0 0 9 0\nintr 5\n";

/* The second open of /proc/stat finds the second sample (numad reads the
 * file again after its sleep). */
static void second_sample(vn_fake *f, vn_fake_op op, const char *path, void *arg)
{
    int *opens = arg;
    if ((op == VN_FAKE_OPEN || op == VN_FAKE_OPENAT) && path && !strcmp(path, "/proc/stat") &&
        ++*opens == 2) {
        vn_fake_remove(f, "/proc/stat");
        vn_fake_add_file(f, "/proc/stat", stat2, 0444);
    }
}

static void test_sample_cpu_load(void **state)
{
    (void)state;
    vn_fake *f = vn_fake_new();
    vn_fake_add_dir(f, "/proc", 0755);
    vn_fake_add_file(f, "/proc/stat", "cpu  9 9 9 9 9\ncpu0 1 2 3 100 5 6\ncpu1 1 2 3 100 5\n"
                     "cpu3 0 0 0 7 0\nintr 5\n", 0444);
    int opens = 0;
    vn_fake_set_hook(f, second_sample, &opens);
    const vn_os *os = vn_fake_os(f);
    uint64_t t0 = os->monotonic_ns(os);
    vn_host *h = synth("numa:2 core:2 mem=1G");
    const vn_os *prev = vn_os_set(os);
    vn_error e = {0};
    assert_int_equal(vn_host_sample_cpu_load(h, 2000, &e), 0);
    assert_int_equal(opens, 2);
    assert_true(os->monotonic_ns(os) - t0 >= 2000000000ull);
    assert_int_equal(h->sample_cs, (os->monotonic_ns(os) / 10000000) - (t0 / 10000000));
    assert_int_equal(h->nodes[0].cpus[0].idle_ticks, 200);
    assert_int_equal(h->nodes[0].cpus[1].idle_ticks, 50);
    assert_int_equal(h->nodes[1].cpus[0].idle_ticks, 0);     /* cpu2: not in /proc/stat */
    assert_int_equal(h->nodes[1].cpus[1].idle_ticks, 2);
    /* over 2 s: node 0 idle 250 x 100 / 200 = 125 of 200, node 1 1 of
     * 200: a 1-CPU request goes to node 0 */
    h->sample_cs = 200;
    expect_nodes(h, 1, 100, "0");
    /* 0 ms: nothing read */
    assert_int_equal(vn_host_sample_cpu_load(h, 0, &e), 0);
    assert_int_equal(opens, 2);
    /* /proc/stat missing: an error naming it */
    vn_fake_remove(f, "/proc/stat");
    assert_int_equal(vn_host_sample_cpu_load(h, 10, &e), -1);
    vn_os_set(prev);
    assert_string_equal(e.msg, "cannot read '/proc/stat': No such file or directory");
    assert_int_equal(vn_fake_open_fds(f), 0);
    vn_fake_free(f);
    vn_host_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hyperthreads),
        cmocka_unit_test(test_inactive_file),
        cmocka_unit_test(test_sampled_load),
        cmocka_unit_test(test_dedicated),
        cmocka_unit_test(test_margin),
        cmocka_unit_test(test_sparse_ids),
        cmocka_unit_test(test_memoryless),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_against_numad),
        cmocka_unit_test(test_sample_cpu_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
