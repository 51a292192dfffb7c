/*
 * test_advisor.c - vn_advise's smallest-set rule (VN_ADVISE_SMALLEST,
 * advisor.c; numad's rule is tests/advise/test_advisor_numad.c) on the
 * 8-node fixture host and on synthetic hosts up to 64 nodes: the node set
 * chosen, the CPUs that go with it, huge page pools, unequal and memory-only
 * nodes, distance preference, and every refusal with its figures.  Each
 * expected answer is worked out by hand from the host's numbers, in the
 * comment above it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "place/advisor.h"
#include "model/host.h"
#include "test_hosts.h"

static vn_host *host8;

static int setup(void **state)
{
    (void)state;
    vn_error e = {0};
    host8 = test_host_load("8node.xml", &e);
    if (!host8)
        print_error("8node.xml: %s\n", e.msg);
    return host8 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    vn_host_free(host8);
    return 0;
}

static vn_host *synth(const char *spec)
{
    vn_error e = {0};
    vn_host *h = vn_host_load_synthetic(spec, &e);
    if (!h)
        fail_msg("'%s': %s", spec, e.msg);
    return h;
}

/* Advise ncpus:mib (page size in KiB, 0 = ordinary memory); expect nodes. */
static void expect_nodes(const vn_host *h, unsigned ncpus, uint64_t mib, uint64_t page_kib,
                         const char *nodes)
{
    vn_advice_request r = {ncpus, mib * 1024, page_kib, VN_ADVISE_SMALLEST, NULL};
    vn_advice a;
    vn_error e = {0};
    if (vn_advise(h, &r, &a, NULL, &e) < 0)
        fail_msg("%u:%llu refused: %s", ncpus, (unsigned long long)mib, e.msg);
    char *s = vn_bitmap_format(a.nodes);
    if (strcmp(s, nodes))
        fail_msg("%u:%llu (page %llu KiB): got %s, expected %s", ncpus, (unsigned long long)mib,
                 (unsigned long long)page_kib, s, nodes);
    free(s);
    vn_advice_clear(&a);
}

static void expect_refused(const vn_host *h, unsigned ncpus, uint64_t mib, uint64_t page_kib,
                           int code, const char *msg)
{
    vn_advice_request r = {ncpus, mib * 1024, page_kib, VN_ADVISE_SMALLEST, NULL};
    vn_advice a;
    vn_error e = {0};
    assert_int_equal(vn_advise(h, &r, &a, NULL, &e), -1);
    assert_string_equal(e.msg, msg);
    assert_int_equal(e.code, code);
    assert_null(a.nodes);
}

/* 8node.xml: 8 nodes of 4 CPUs and 32 GiB (32768 MiB, no free figure: the
 * total counts), 2048 pages of 2 MiB and 4 of 1 GiB each; every pair of
 * nodes at 21. */
static void test_8node(void **state)
{
    (void)state;
    expect_nodes(host8, 2, 214, 0, "0");           /* numad case: fits any node; lowest */
    expect_nodes(host8, 4, 32768, 0, "0");         /* exactly one node */
    expect_nodes(host8, 4, 32769, 0, "0-1");       /* 1 MiB more: two nodes */
    expect_nodes(host8, 5, 1, 0, "0-1");           /* 5 CPUs: two nodes */
    expect_nodes(host8, 9, 1, 0, "0-2");           /* 9 CPUs: three */
    expect_nodes(host8, 32, 262144, 0, "0-7");     /* the whole host */
    /* 2 MiB pages: 2048 per node = 4096 MiB; 8192 MiB = 4096 pages: two nodes */
    expect_nodes(host8, 1, 4096, 2048, "0");
    expect_nodes(host8, 1, 8192, 2048, "0-1");
    /* 1 GiB pages: 4 per node; 4097 MiB rounds up to 5 pages: two nodes */
    expect_nodes(host8, 1, 4096, 1048576, "0");
    expect_nodes(host8, 1, 4097, 1048576, "0-1");
}

static void test_8node_refusals(void **state)
{
    (void)state;
    expect_refused(host8, 33, 1, 0, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 33 CPUs, the host has at most 32 online CPUs "
                   "on any set of nodes: short by 1");
    expect_refused(host8, 1, 262145, 0, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 262145 MiB, the host has at most 262144 MiB "
                   "free on any set of nodes: short by 1 MiB");
    /* 40960 MiB more than the 262144: both short */
    expect_refused(host8, 40, 303104, 0, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 40 CPUs, the host has at most 32 online CPUs "
                   "on any set of nodes: short by 8; needs 303104 MiB, the host has at most 262144 "
                   "MiB free on any set of nodes: short by 40960 MiB");
    /* 2 MiB pages: 8 x 2048 = 16384 pages; 32770 MiB = 16385 pages */
    expect_refused(host8, 1, 32770, 2048, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 16385 free 2048 KiB huge pages, the host has "
                   "at most 16384 on any set of nodes: short by 1 pages");
    /* a size the host has no pool of */
    expect_refused(host8, 1, 16, 16384, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 1 free 16384 KiB huge pages, the host has at "
                   "most 0 on any set of nodes: short by 1 pages");
    expect_refused(host8, 0, 0, 0, VNUMA_ERR_INVALID, "placement advice needs CPUs or memory to place");
    expect_refused(NULL, 1, 1, 0, VNUMA_ERR_HOST, "placement advice needs a host with NUMA nodes");
}

/* Two packages of two nodes, 4 CPUs each (distances 12 within a package,
 * 21 across); free memory 6, 6, 2, 2 GiB. */
static void test_unequal(void **state)
{
    (void)state;
    vn_host *h = synth("package:2 numa:2 core:2 pu:2 mem=8G,8G,4G,4G free=6G*2,2G*2");
    /* 8192 MiB: no node alone (6144 at most); pairs that fit: {0,1} 12288
     * at 12, {0,2} {0,3} {1,2} {1,3} 8192 at 21: {0,1} */
    expect_nodes(h, 4, 8192, 0, "0-1");
    /* 13000 MiB > 12288: three nodes; {0,1,2} and {0,1,3} have 14336 and
     * distance sums 12+21+21 = 54 each: lowest ids */
    expect_nodes(h, 8, 13000, 0, "0-2");
    /* 16 CPUs, 16384 MiB: exactly everything */
    expect_nodes(h, 16, 16384, 0, "0-3");
    /* 2048 MiB and 4 CPUs: node 0 alone */
    expect_nodes(h, 4, 2048, 0, "0");
    expect_refused(h, 17, 1, 0, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 17 CPUs, the host has at most 16 online CPUs "
                   "on any set of nodes: short by 1");
    vn_host_free(h);

    /* the big node is the only single one that fits 8192 MiB */
    h = synth("package:2 numa:2 core:4 mem=4G,32G,32G,32G");
    expect_nodes(h, 4, 8192, 0, "1");
    vn_host_free(h);
}

/* Memory-only and CPU-only nodes; the distance decides between equal sets. */
static void test_memory_only(void **state)
{
    (void)state;
    /* node 2's CPUs 4-5 are offline: it offers 64 GiB and no CPU.  2 CPUs
     * and 16 GiB: node 0 or 1 for the CPUs (2 GiB each), node 2 for the
     * memory; one package: all at 12; {0,2} and {1,2} tie: lowest ids */
    vn_host *h = synth("numa:3 core:2 mem=2G,2G,64G offline=4-5");
    expect_nodes(h, 2, 16384, 0, "0,2");
    vn_advice_request r = {2, 16384 * 1024ull, 0, VN_ADVISE_SMALLEST, NULL};
    vn_advice a;
    vn_error e = {0};
    assert_int_equal(vn_advise(h, &r, &a, NULL, &e), 0);
    char *s = vn_bitmap_format(a.cpus);
    assert_string_equal(s, "0-1,4-5");     /* every CPU of the nodes, as libvirt */
    free(s);
    assert_int_equal(a.cpus_free, 2);
    assert_int_equal(a.mem_free_kib, 66ull * 1024 * 1024);
    assert_int_equal(a.distance_sum, 12);
    vn_advice_clear(&a);
    vn_host_free(h);

    /* node 1 is nearer node 2 (15) than node 0 is (30): {1,2} */
    h = synth("numa:3 core:2 mem=2G,2G,64G offline=4-5 dist=10,30,30;30,10,15;30,15,10");
    expect_nodes(h, 2, 16384, 0, "1-2");
    vn_host_free(h);

    /* per-node free huge pages: 1G pools 0, 2, 8 free of 8 */
    h = synth("numa:3 core:4 mem=16G pages=1G:8 freepages=1G:0,2,8");
    expect_nodes(h, 1, 8192, 1048576, "2");       /* 8 pages: node 2 only */
    expect_nodes(h, 1, 9216, 1048576, "1-2");     /* 9 pages: 2 + 8 */
    expect_refused(h, 1, 11264, 1048576, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 11 free 1048576 KiB huge pages, the host has "
                   "at most 10 on any set of nodes: short by 1 pages");
    vn_host_free(h);
}

/* 8 packages of 8 nodes (12 within a package, 21 across), 8 PUs and
 * 16 GiB per node. */
static void test_64nodes(void **state)
{
    (void)state;
    vn_host *h = synth("package:8 numa:8 core:4 pu:2 mem=16G");
    assert_int_equal(h->nnodes, 64);
    expect_nodes(h, 8, 16384, 0, "0");
    expect_nodes(h, 9, 1, 0, "0-1");       /* a partner in the same package, 12 */
    /* 64 CPUs = 8 nodes: a whole package, 28 pairs at 12 */
    expect_nodes(h, 64, 1, 0, "0-7");
    /* 72 CPUs = 9 nodes: a package and one more node: 28*12 + 8*21 = 504,
     * less than a 7+2 split (21*12 + 12 + 14*21 = 558): 0-7 and node 8 */
    expect_nodes(h, 72, 1, 0, "0-8");
    /* memory: 16384 MiB x 3 = 49152: three nodes of package 0 */
    expect_nodes(h, 1, 49152, 0, "0-2");
    expect_nodes(h, 512, 1048576, 0, "0-63");
    expect_refused(h, 513, 1, 0, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 513 CPUs, the host has at most 512 online "
                   "CPUs on any set of nodes: short by 1");
    expect_refused(h, 1, 1048577, 0, VNUMA_ERR_HOST,
                   "no set of host nodes fits: needs 1048577 MiB, the host has at most 1048576 "
                   "MiB free on any set of nodes: short by 1 MiB");
    vn_host_free(h);

    /* the last node is the big one */
    h = synth("package:8 numa:8 core:4 pu:2 mem=16G*63,128G");
    expect_nodes(h, 8, 100000, 0, "63");
    /* 100000 MiB and 16 CPUs: node 63 and its nearest (package 7, at 12),
     * lowest id: 56 */
    expect_nodes(h, 16, 100000, 0, "56,63");
    vn_host_free(h);
}

static void test_explain(void **state)
{
    (void)state;
    vn_host *h = synth("package:2 numa:2 core:2 pu:2 mem=8G,8G,4G,4G free=6G*2,2G*2");
    vn_advice_request r = {4, 8192 * 1024ull, 0, VN_ADVISE_SMALLEST, NULL};
    vn_advice a;
    vn_error e = {0};
    vn_buf b = {0};
    assert_int_equal(vn_advise(h, &r, &a, &b, &e), 0);
    assert_non_null(strstr(b.s, "request: 4 CPUs, 8192 MiB\n"));
    assert_non_null(strstr(b.s, "  node 2: 4 CPUs, 2048 MiB free\n"));
    assert_non_null(strstr(b.s, "  from node 2: 0,2 (2 nodes, 8 CPUs, 8192 MiB free, distance sum 21)\n"));
    assert_non_null(strstr(b.s, "chosen: 0-1 "));
    vn_buf_free(&b);
    vn_advice_clear(&a);
    vn_host_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_8node),
        cmocka_unit_test(test_8node_refusals),
        cmocka_unit_test(test_unequal),
        cmocka_unit_test(test_memory_only),
        cmocka_unit_test(test_64nodes),
        cmocka_unit_test(test_explain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
