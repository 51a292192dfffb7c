/*
 * test_vnuma_expand.c - <vnuma> expansion (vnuma_expand.c) on hosts and
 * domains built in code.
 *
 * Hand-checked cases pin down the rules of issue 5 (cell -> node, the four
 * distributions, memory rounding, refusals leaving the domain untouched,
 * partition).  The property tests then expand many random domains on many
 * random hosts (sparse ids, SMT or not, memory-only and CPU-only nodes,
 * random symmetric distances) and check, for every accepted expansion:
 * every vCPU in exactly one cell; cell sizes differ by at most one unit (a
 * vCPU, or a guest core for siblings/round-robin); no guest socket spans two
 * cells; memory sums to <memory>, covers the request and is 1 MiB-aligned
 * per cell; every pin inside its cell's node; sibling vCPUs never split
 * across cells or host cores; distances symmetric and equal to the host's
 * (10 self, 11 for two cells on one node); the cell -> node rule; every
 * node holds its cells' memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "place/vnuma_expand.h"

#define GIB (1024ull * 1024)

/* ---- hosts built in code ------------------------------------------------ */

typedef struct node_spec {
    unsigned id;
    uint64_t mem_kib;
    unsigned cores, threads;
} node_spec;

/* CPUs numbered node after node, core after core; distances from dist(). */
static vn_host *make_host(const node_spec *spec, size_t n, unsigned (*dist)(unsigned, unsigned))
{
    vn_host *h = vn_host_new();
    unsigned cpu = 0;
    h->nodes = vn_calloc(n, sizeof(*h->nodes));
    h->nnodes = n;
    for (size_t i = 0; i < n; i++) {
        vn_host_node *nd = &h->nodes[i];
        nd->id = spec[i].id;
        nd->mem_kib = nd->free_kib = spec[i].mem_kib;
        for (unsigned c = 0; c < spec[i].cores; c++) {
            vn_bitmap *sib = vn_bitmap_new();
            for (unsigned t = 0; t < spec[i].threads; t++)
                vn_bitmap_set(sib, cpu + t);
            for (unsigned t = 0; t < spec[i].threads; t++) {
                vn_host_cpu *hc = VN_APPEND(nd->cpus, nd->ncpus);
                hc->id = cpu + t;
                hc->socket_id = hc->die_id = -1;
                hc->core_id = (int)c;
                hc->online = true;
                hc->siblings = vn_bitmap_copy(sib);
            }
            cpu += spec[i].threads;
            vn_bitmap_free(sib);
        }
        nd->distance_ids = vn_calloc(n, sizeof(unsigned));
        nd->distances = vn_calloc(n, sizeof(unsigned));
        nd->ndistances = n;
        for (size_t j = 0; j < n; j++) {
            nd->distance_ids[j] = spec[j].id;
            nd->distances[j] = i == j ? 10 : dist(spec[i].id, spec[j].id);
        }
    }
    return h;
}

static unsigned dist_21(unsigned a, unsigned b)
{
    (void)a, (void)b;
    return 21;
}

static vn_domain *make_domain(unsigned vcpus, uint64_t mem_kib, vn_vnuma_mode mode,
                              vn_vnuma_dist dist)
{
    vn_domain *d = vn_calloc(1, sizeof(*d));
    d->maxvcpus = d->vcpus_current = vcpus;
    d->total_memory_kib = d->cur_balloon_kib = mem_kib;
    d->vnuma.present = true;
    d->vnuma.mode = mode;
    d->vnuma.distribution = dist;
    return d;
}

static unsigned cell_node(const vn_domain *d, size_t cell)
{
    assert_non_null(d->cells[cell].memnode_nodeset);
    assert_int_equal(vn_bitmap_count(d->cells[cell].memnode_nodeset), 1);
    return (unsigned)vn_bitmap_next(d->cells[cell].memnode_nodeset, -1);
}

static char *pin_str(const vn_domain *d, unsigned v)
{
    for (size_t i = 0; i < d->nvcpupins; i++)
        if (d->vcpupins[i].id == v)
            return vn_bitmap_format(d->vcpupins[i].cpuset);
    return NULL;
}

/* ---- hand-checked cases -------------------------------------------------- */

static const node_spec smt2[] = {{0, 8 * GIB, 2, 2}, {1, 8 * GIB, 2, 2}};

/* siblings on 2 nodes of 2 cores x 2 threads (CPUs 0-3 on node 0, 4-7 on 1):
 * 8 vCPUs, 2 per guest core, 2 cores per cell, thread to thread. */
static void test_siblings(void **state)
{
    (void)state;
    vn_host *h = make_host(smt2, 2, dist_21);
    vn_domain *d = make_domain(8, 2 * GIB, VN_VNUMA_MODE_HOST, VN_VNUMA_DIST_SIBLINGS);
    vn_error e = {0};
    vn_warnings w = {0};
    assert_int_equal(vn_vnuma_expand(d, h, 0, &w, &e), 0);
    assert_false(d->vnuma.present);
    assert_int_equal(d->ncells, 2);
    assert_int_equal(d->sockets, 2);
    assert_int_equal(d->cores, 2);
    assert_int_equal(d->threads, 2);
    const char *want[] = {"0", "1", "2", "3", "4", "5", "6", "7"};
    for (unsigned v = 0; v < 8; v++) {
        char *s = pin_str(d, v);
        assert_string_equal(s, want[v]);
        free(s);
    }
    assert_int_equal(d->cells[0].mem_kib, GIB);
    assert_int_equal(w.n, 0);
    vn_domain_free(d);
    vn_host_free(h);
}

/* contiguous: cell i on node floor(i*k/cells): 5 cells over 2 nodes -> 0,0,0,1,1;
 * round-robin/interleave: i mod k -> 0,1,0,1,0. */
static void test_cell_nodes(void **state)
{
    (void)state;
    vn_host *h = make_host(smt2, 2, dist_21);
    vn_error e = {0};
    vn_warnings w = {0};
    vn_domain *d = make_domain(10, 5 * GIB, VN_VNUMA_MODE_NODE, VN_VNUMA_DIST_CONTIGUOUS);
    d->vnuma.partition_cells = 5;
    assert_int_equal(vn_vnuma_expand(d, h, 0, &w, &e), 0);
    unsigned want_c[] = {0, 0, 0, 1, 1};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(cell_node(d, i), want_c[i]);
    assert_int_equal(d->cells[0].distances[1].value, 11);
    assert_int_equal(d->cells[0].distances[3].value, 21);
    vn_domain_free(d);
    d = make_domain(10, 5 * GIB, VN_VNUMA_MODE_NODE, VN_VNUMA_DIST_INTERLEAVE);
    d->vnuma.partition_cells = 5;
    assert_int_equal(vn_vnuma_expand(d, h, 0, &w, &e), 0);
    unsigned want_r[] = {0, 1, 0, 1, 0};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(cell_node(d, i), want_r[i]);
    /* interleave: vCPU v in cell v mod 5 */
    assert_true(vn_bitmap_is_set(d->cells[2].cpus, 7));
    vn_domain_free(d);
    vn_warnings_clear(&w);
    vn_host_free(h);
}

/* 1000000 KiB over 3 cells: 333334 rounded up to 1 MiB = 333824 each. */
static void test_memory_rounding(void **state)
{
    (void)state;
    const node_spec s[] = {{0, 4 * GIB, 2, 1}, {4, 4 * GIB, 2, 1}, {6, 4 * GIB, 2, 1}};
    vn_host *h = make_host(s, 3, dist_21);
    vn_domain *d = make_domain(3, 1000000, VN_VNUMA_MODE_HOST, VN_VNUMA_DIST_CONTIGUOUS);
    vn_error e = {0};
    vn_warnings w = {0};
    assert_int_equal(vn_vnuma_expand(d, h, 0, &w, &e), 0);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(d->cells[i].mem_kib, 333824);
    assert_int_equal(d->total_memory_kib, 3 * 333824);
    assert_int_equal(d->cur_balloon_kib, 3 * 333824);
    vn_domain_free(d);
    vn_host_free(h);
}

/* Refusals leave the domain as it was and say why. */
static void test_refusals(void **state)
{
    (void)state;
    vn_host *h = make_host(smt2, 2, dist_21);
    vn_warnings w = {0};
    struct {
        unsigned vcpus;
        uint64_t mem;
        vn_vnuma_dist dist;
        unsigned cells;
        const char *msg;
    } cases[] = {
        {3, GIB, VN_VNUMA_DIST_SIBLINGS, 0, "multiple of the host's 2 threads per core, not 3"},
        {2, GIB, VN_VNUMA_DIST_ROUND_ROBIN, 0, "2 vCPUs make 1 guest core of 2 threads"},
        {3, GIB, VN_VNUMA_DIST_INTERLEAVE, 4, "3 vCPUs are too few for 4 cells"},
        {4, 20 * GIB, VN_VNUMA_DIST_CONTIGUOUS, 0, "cell 0 needs 10240 MiB on host node 0"},
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(cases); i++) {
        vn_error e = {0};
        vn_domain *d = make_domain(cases[i].vcpus, cases[i].mem, VN_VNUMA_MODE_NODE,
                                   cases[i].dist);
        d->vnuma.partition_cells = cases[i].cells;
        assert_int_equal(vn_vnuma_expand(d, h, 0, &w, &e), -1);
        assert_non_null(strstr(e.msg, cases[i].msg));
        assert_true(d->vnuma.present);
        assert_int_equal(d->ncells, 0);
        assert_int_equal(d->nvcpupins, 0);
        vn_domain_free(d);
    }
    vn_error e = {0};
    vn_domain *d = make_domain(4, GIB, VN_VNUMA_MODE_NODE, VN_VNUMA_DIST_CONTIGUOUS);
    d->vnuma.partition_nodeset = vn_bitmap_new();
    vn_bitmap_set(d->vnuma.partition_nodeset, 3);
    assert_int_equal(vn_vnuma_expand(d, h, 0, &w, &e), -1);
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    assert_non_null(strstr(e.msg, "host node 3 of the partition nodeset does not exist"));
    vn_domain_free(d);
    vn_host_free(h);
}

/* partition: the old layout goes, <vnuma> comes; expanding it gives cells again. */
static void test_partition(void **state)
{
    (void)state;
    vn_host *h = make_host(smt2, 2, dist_21);
    vn_domain *d = make_domain(4, 2 * GIB, VN_VNUMA_MODE_HOST, VN_VNUMA_DIST_CONTIGUOUS);
    vn_error e = {0};
    vn_warnings w = {0};
    assert_int_equal(vn_vnuma_expand(d, h, 0, &w, &e), 0);
    assert_int_equal(d->ncells, 2);
    vn_bitmap *ns = vn_bitmap_new();
    vn_bitmap_set(ns, 1);
    assert_int_equal(vn_vnuma_partition(d, VN_VNUMA_MODE_NODE, VN_VNUMA_DIST_INTERLEAVE, ns, 3, &e), 0);
    assert_true(d->vnuma.present);
    assert_int_equal(d->ncells, 0);
    assert_int_equal(d->nvcpupins, 0);
    assert_false(d->numatune_specified);
    assert_false(d->has_topology);
    assert_int_equal(vn_vnuma_expand(d, h, 0, &w, &e), 0);
    assert_int_equal(d->ncells, 3);
    assert_int_equal(cell_node(d, 2), 1);
    assert_int_equal(vn_vnuma_partition(d, VN_VNUMA_MODE_HOST, VN_VNUMA_DIST_INTERLEAVE, ns, 0, &e), -1);
    vn_bitmap_free(ns);
    vn_warnings_clear(&w);
    vn_domain_free(d);
    vn_host_free(h);
}

/* ---- properties over random hosts and domains ---------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)   /* 0 .. n-1, xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static unsigned rand_dist_table[64][64];

static unsigned rand_dist(unsigned a, unsigned b)
{
    return rand_dist_table[a < b ? a : b][a < b ? b : a];
}

static vn_host *random_host(unsigned *threads)
{
    node_spec s[8];
    size_t n = 1 + rnd(8);
    unsigned id = rnd(3);
    *threads = 1 + rnd(2);
    for (size_t i = 0; i < n; i++) {
        s[i].id = id;
        id += 1 + rnd(3);   /* sparse ids */
        unsigned kind = rnd(6);
        s[i].mem_kib = kind == 0 ? 0 : (uint64_t)(1 + rnd(64)) * GIB / (1 + rnd(4));
        s[i].cores = kind == 1 ? 0 : 1 + rnd(4);   /* memory-only nodes */
        s[i].threads = *threads;
    }
    for (unsigned a = 0; a < 64; a++)
        for (unsigned b = a + 1; b < 64; b++)
            rand_dist_table[a][b] = 11 + rnd(30);
    return make_host(s, n, rand_dist);
}

static bool usable(const vn_host_node *n)
{
    return n->mem_kib > 0 && n->ncpus > 0;
}

static void random_domain_vnuma(vn_domain *d, const vn_host *h)
{
    if (d->vnuma.mode != VN_VNUMA_MODE_NODE)
        return;
    if (rnd(2)) {
        d->vnuma.partition_nodeset = vn_bitmap_new();
        for (size_t i = 0; i < h->nnodes; i++)
            if (usable(&h->nodes[i]) && rnd(2))
                vn_bitmap_set(d->vnuma.partition_nodeset, h->nodes[i].id);
        if (vn_bitmap_is_empty(d->vnuma.partition_nodeset))
            vn_bitmap_set(d->vnuma.partition_nodeset, h->nodes[rnd((unsigned)h->nnodes)].id);
    }
    if (rnd(2))
        d->vnuma.partition_cells = 1 + rnd(10);
    if (rnd(4) == 0) {
        d->vnuma.has_memory = true;
        d->vnuma.memory_kib = 1 + rnd(8 * 1024 * 1024);
    }
}

/* The nodes the cells may use, in id order (what the rules say). */
static size_t expected_nodes(const vn_domain *orig, const vn_host *h, unsigned *ids)
{
    size_t k = 0;
    for (size_t i = 0; i < h->nnodes; i++) {
        bool in = orig->vnuma.partition_nodeset
                      ? vn_bitmap_is_set(orig->vnuma.partition_nodeset, h->nodes[i].id)
                      : usable(&h->nodes[i]);
        if (in)
            ids[k++] = h->nodes[i].id;
    }
    return k;
}

static void check_cells_vcpus(const vn_domain *d, unsigned unit)
{
    size_t lo = SIZE_MAX, hi = 0;
    for (unsigned v = 0; v < d->maxvcpus; v++) {
        int owners = 0;
        for (size_t i = 0; i < d->ncells; i++)
            owners += vn_bitmap_is_set(d->cells[i].cpus, v);
        assert_int_equal(owners, 1);   /* every vCPU in exactly one cell */
    }
    for (size_t i = 0; i < d->ncells; i++) {
        size_t c = vn_bitmap_count(d->cells[i].cpus);
        assert_true(c > 0);
        assert_int_equal(vn_bitmap_last(d->cells[i].cpus) < (int)d->maxvcpus, 1);
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
    }
    assert_true(hi - lo <= unit);   /* by at most one vCPU / guest core */
    /* topology: the product is the vCPU count; no socket spans two cells */
    unsigned per_socket = d->cores * d->threads * d->dies;
    assert_int_equal(d->sockets * per_socket, d->maxvcpus);
    for (unsigned v = 0; v < d->maxvcpus; v++)
        assert_int_equal(vn_domain_vcpu_cell(d, v), vn_domain_vcpu_cell(d, v - v % per_socket));
}

static const vn_host_node *node_of(const vn_host *h, unsigned id)
{
    const vn_host_node *n = vn_host_find_node(h, id);
    assert_non_null(n);
    return n;
}

static bool cpu_in_node(const vn_host_node *n, unsigned cpu, const vn_host_cpu **hc)
{
    for (size_t i = 0; i < n->ncpus; i++)
        if (n->cpus[i].id == cpu) {
            *hc = &n->cpus[i];
            return true;
        }
    return false;
}

static void check_pins(const vn_domain *d, const vn_host *h, vn_vnuma_dist dist, unsigned t)
{
    assert_int_equal(d->nvcpupins, d->maxvcpus);
    for (size_t p = 0; p < d->nvcpupins; p++) {
        unsigned v = d->vcpupins[p].id;
        int cell = vn_domain_vcpu_cell(d, v);
        assert_true(cell >= 0);
        const vn_host_node *n = node_of(h, cell_node(d, (size_t)cell));
        const vn_host_cpu *hc = NULL;
        for (int b = -1; (b = vn_bitmap_next(d->vcpupins[p].cpuset, b)) >= 0;)
            assert_true(cpu_in_node(n, (unsigned)b, &hc));   /* every pin inside its node */
        if (dist != VN_VNUMA_DIST_SIBLINGS && dist != VN_VNUMA_DIST_ROUND_ROBIN)
            continue;
        /* the threads of a guest core stay in one cell ... */
        unsigned first = v - v % t;
        assert_int_equal(vn_domain_vcpu_cell(d, v), vn_domain_vcpu_cell(d, first));
        if (dist != VN_VNUMA_DIST_SIBLINGS)
            continue;
        /* ... and on one host core, thread to thread */
        assert_int_equal(vn_bitmap_count(d->vcpupins[p].cpuset), 1);
        unsigned cpu = (unsigned)vn_bitmap_next(d->vcpupins[p].cpuset, -1);
        assert_true(cpu_in_node(n, cpu, &hc));
        const vn_bitmap *fp = d->vcpupins[first].cpuset;
        assert_true(vn_bitmap_is_set(hc->siblings, (unsigned)vn_bitmap_next(fp, -1)));
        if (v != first)
            assert_false(vn_bitmap_equal(fp, d->vcpupins[p].cpuset));
    }
}

static void check_distances(const vn_domain *d, const vn_host *h)
{
    for (size_t i = 0; i < d->ncells; i++) {
        assert_int_equal(d->cells[i].ndistances, d->ncells);
        for (size_t j = 0; j < d->ncells; j++) {
            unsigned v = d->cells[i].distances[j].value;
            assert_int_equal(d->cells[i].distances[j].cellid, j);
            assert_int_equal(v, d->cells[j].distances[i].value);   /* symmetric */
            unsigned ni = cell_node(d, i), nj = cell_node(d, j);
            unsigned want = i == j ? 10 : ni == nj ? 11 : vn_host_distance(h, ni, nj);
            assert_int_equal(v, want);   /* the host's */
        }
    }
}

static void check_memory(const vn_domain *d, uint64_t asked)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < d->ncells; i++) {
        assert_int_equal(d->cells[i].mem_kib % 1024, 0);
        assert_int_equal(d->cells[i].mem_kib, d->cells[0].mem_kib);
        sum += d->cells[i].mem_kib;
    }
    assert_int_equal(sum, d->total_memory_kib);   /* sums to the domain's */
    assert_true(sum >= asked);
    assert_true(sum - asked < 1024 * d->ncells);
}

/* Every node holds the cells on it (no huge pages here: free memory). */
static void check_fits(const vn_domain *d, const vn_host *h)
{
    for (size_t k = 0; k < h->nnodes; k++) {
        uint64_t sum = 0;
        for (size_t i = 0; i < d->ncells; i++)
            if (cell_node(d, i) == h->nodes[k].id)
                sum += d->cells[i].mem_kib;
        assert_true(sum <= h->nodes[k].free_kib);
    }
}

static void check_one(vn_domain *d, const vn_host *h, unsigned t)
{
    vn_vnuma_dist dist = d->vnuma.distribution;
    unsigned ids[16];
    size_t k = expected_nodes(d, h, ids);
    size_t cells = d->vnuma.partition_cells ? d->vnuma.partition_cells : k;
    uint64_t asked = d->vnuma.has_memory ? d->vnuma.memory_kib : d->total_memory_kib;
    bool whole = dist == VN_VNUMA_DIST_SIBLINGS || dist == VN_VNUMA_DIST_ROUND_ROBIN;
    vn_error e = {0};
    vn_warnings w = {0};
    int rc = vn_vnuma_expand(d, h, 0, &w, &e);
    vn_warnings_clear(&w);
    if (rc < 0) {
        assert_true(d->vnuma.present);   /* refused: untouched */
        assert_int_equal(d->ncells, 0);
        if (k > 0 && !(whole && d->maxvcpus % t) && (whole ? d->maxvcpus / t : d->maxvcpus) >= cells)
            /* only the host can refuse then: it lacks a node with CPUs and
             * memory (a host failure), or the cells do not fit (invalid) */
            assert_true(e.code == VNUMA_ERR_HOST ||
                        (e.code == VNUMA_ERR_INVALID && strstr(e.msg, " short")));
        return;
    }
    assert_int_equal(d->ncells, cells);
    for (size_t i = 0; i < cells; i++) {
        size_t want = (dist == VN_VNUMA_DIST_CONTIGUOUS || dist == VN_VNUMA_DIST_SIBLINGS)
                          ? (size_t)((uint64_t)i * k / cells) : i % k;
        assert_int_equal(cell_node(d, i), ids[want]);
    }
    check_cells_vcpus(d, whole ? t : 1);
    check_pins(d, h, dist, t);
    check_distances(d, h);
    check_memory(d, asked);
    check_fits(d, h);
}

static void test_properties(void **state)
{
    (void)state;
    unsigned accepted = 0;
    for (int round = 0; round < 3000; round++) {
        unsigned t;
        vn_host *h = random_host(&t);
        vn_domain *d = make_domain(1 + rnd(32), (uint64_t)(1 + rnd(16 * 1024)) * 1024,
                                   (vn_vnuma_mode)rnd(2), (vn_vnuma_dist)rnd(4));
        random_domain_vnuma(d, h);
        check_one(d, h, t);
        accepted += !d->vnuma.present;
        vn_domain_free(d);
        vn_host_free(h);
    }
    assert_true(accepted > 500);   /* the properties were exercised */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siblings),
        cmocka_unit_test(test_cell_nodes),
        cmocka_unit_test(test_memory_rounding),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_partition),
        cmocka_unit_test(test_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
