/*
 * test_synthetic.c - vn_host_load_synthetic (host_synthetic.c): the
 * topology a "synthetic:SPEC" host gets (node, CPU, socket, core and
 * sibling numbering in hwloc's logical order), the memory, page and
 * distance extensions and their defaults, and every refusal with the
 * token it names.  Expected values are worked out from the spec by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/host.h"

#define GiB (1024ull * 1024)

static vn_host *load_ok(const char *spec)
{
    vn_error e = {0};
    vn_host *h = vn_host_load_synthetic(spec, &e);
    if (!h)
        fail_msg("'%s' refused: %s", spec, e.msg);
    return h;
}

static void test_topology(void **state)
{
    (void)state;
    /* 2 packages x 2 nodes x 4 cores x 2 PUs: 4 nodes of 8 PUs; node n
     * holds PUs 8n..8n+7; package = PU / 16; core = (PU % 16) / 2. */
    vn_host *h = load_ok("package:2 numa:2 core:4 pu:2");
    assert_int_equal(h->nnodes, 4);
    for (unsigned n = 0; n < 4; n++) {
        assert_int_equal(h->nodes[n].id, n);
        assert_int_equal(h->nodes[n].ncpus, 8);
        assert_int_equal(h->nodes[n].cpus[0].id, 8 * n);
    }
    const vn_host_cpu *cpu = &h->nodes[2].cpus[3];   /* PU 19 */
    assert_int_equal(cpu->id, 19);
    assert_int_equal(cpu->socket_id, 1);
    assert_int_equal(cpu->die_id, 0);
    assert_int_equal(cpu->core_id, 1);             /* (19 % 16) / 2 */
    assert_true(cpu->online);
    char *s = vn_bitmap_format(cpu->siblings);
    assert_string_equal(s, "18-19");
    free(s);
    assert_string_equal(h->source, "synthetic:package:2 numa:2 core:4 pu:2");
    vn_host_free(h);

    /* numa above package: 2 nodes of 2 packages of 2 cores (no pu: 1 each) */
    h = load_ok("numa:2 package:2 core:2");
    assert_int_equal(h->nnodes, 2);
    assert_int_equal(h->nodes[1].ncpus, 4);
    assert_int_equal(h->nodes[1].cpus[2].socket_id, 3);   /* PU 6: package 6 / 2 */
    assert_int_equal(h->nodes[1].cpus[2].core_id, 0);
    /* nodes span packages: never the same package, distance 21 */
    assert_int_equal(vn_host_distance(h, 0, 1), 21);
    vn_host_free(h);

    /* no numa level: one node with every PU */
    h = load_ok("package:2 core:3");
    assert_int_equal(h->nnodes, 1);
    assert_int_equal(h->nodes[0].ncpus, 6);
    assert_int_equal(h->nodes[0].cpus[5].socket_id, 1);
    vn_host_free(h);

    /* caches and groups are transparent multipliers */
    h = load_ok("package:1 l3:2 numa:1 core:2 pu:1");
    assert_int_equal(h->nnodes, 2);
    assert_int_equal(h->nodes[1].ncpus, 2);
    vn_host_free(h);
}

static void test_memory_defaults(void **state)
{
    (void)state;
    vn_host *h = load_ok("numa:2 core:2");
    for (unsigned n = 0; n < 2; n++) {
        assert_int_equal(h->nodes[n].mem_kib, 16 * GiB);
        assert_int_equal(h->nodes[n].free_kib, 16 * GiB);
        assert_false(h->nodes[n].has_free);
        assert_int_equal(h->nodes[n].npages, 1);               /* 4 KiB only */
        assert_int_equal(h->nodes[n].pages[0].size_kib, 4);
        assert_int_equal(h->nodes[n].pages[0].total, 16 * GiB / 4);
    }
    assert_int_equal(h->nhugepage_sizes, 0);
    vn_host_free(h);
}

static void test_memory_lists(void **state)
{
    (void)state;
    /* 4 nodes: 32G 32G 8G 8G; free 30G 2G 512M 0 */
    vn_host *h = load_ok("package:2 numa:2 core:1 mem=32G*2,8G*2 free=30G,2G,512M,0");
    assert_int_equal(h->nodes[0].mem_kib, 32 * GiB);
    assert_int_equal(h->nodes[1].mem_kib, 32 * GiB);
    assert_int_equal(h->nodes[2].mem_kib, 8 * GiB);
    assert_int_equal(h->nodes[3].mem_kib, 8 * GiB);
    assert_int_equal(h->nodes[0].free_kib, 30 * GiB);
    assert_int_equal(h->nodes[2].free_kib, 512 * 1024);
    assert_int_equal(h->nodes[3].free_kib, 0);
    assert_true(h->nodes[3].has_free);
    vn_host_free(h);

    /* memoryless node, KiB/MiB/TiB units */
    h = load_ok("numa:3 mem=0,1024MiB,1T");
    assert_int_equal(h->nodes[0].mem_kib, 0);
    assert_int_equal(h->nodes[1].mem_kib, GiB);
    assert_int_equal(h->nodes[2].mem_kib, 1024 * GiB);
    vn_host_free(h);
}

static void test_pages(void **state)
{
    (void)state;
    /* 1G pools given first: pages[] still comes out ascending */
    vn_host *h = load_ok("numa:2 mem=8G pages=1G:2,0 pages=2M:512 freepages=2M:100*1,512");
    assert_int_equal(h->nhugepage_sizes, 2);
    assert_int_equal(h->hugepage_sizes_kib[0], 2048);
    assert_int_equal(h->hugepage_sizes_kib[1], GiB);
    const vn_host_node *n0 = &h->nodes[0], *n1 = &h->nodes[1];
    assert_int_equal(n0->npages, 3);
    assert_int_equal(n0->pages[1].size_kib, 2048);
    assert_int_equal(n0->pages[1].total, 512);
    assert_int_equal(n0->pages[1].free, 100);
    assert_true(n0->pages[1].has_free);
    assert_int_equal(n0->pages[2].total, 2);
    assert_int_equal(n0->pages[2].free, 2);          /* no freepages: = total */
    assert_false(n0->pages[2].has_free);
    assert_int_equal(n1->pages[2].total, 0);
    assert_int_equal(n1->pages[1].free, 512);
    /* node 0: 8G - 2G - 1G of huge pages = 5G of 4 KiB pages */
    assert_int_equal(n0->pages[0].total, 5 * GiB / 4);
    vn_host_free(h);
}

static void test_distances(void **state)
{
    (void)state;
    /* default: 10 self, 12 same package, 21 other package */
    vn_host *h = load_ok("package:2 numa:2 core:1");
    assert_int_equal(vn_host_distance(h, 0, 0), 10);
    assert_int_equal(vn_host_distance(h, 0, 1), 12);
    assert_int_equal(vn_host_distance(h, 1, 2), 21);
    assert_int_equal(vn_host_distance(h, 3, 2), 12);
    vn_host_free(h);

    h = load_ok("package:2 numa:2 core:1 dist=10,20");
    assert_int_equal(vn_host_distance(h, 0, 1), 20);
    assert_int_equal(vn_host_distance(h, 0, 3), 20);
    vn_host_free(h);

    h = load_ok("package:2 numa:2 core:1 dist=10,11,31");
    assert_int_equal(vn_host_distance(h, 2, 3), 11);
    assert_int_equal(vn_host_distance(h, 2, 1), 31);
    vn_host_free(h);

    h = load_ok("numa:3 dist=10,15,30;15,10,20;30,20,10");
    assert_int_equal(vn_host_distance(h, 0, 2), 30);
    assert_int_equal(vn_host_distance(h, 2, 1), 20);
    vn_host_free(h);
}

static void test_offline(void **state)
{
    (void)state;
    vn_host *h = load_ok("numa:2 core:2 pu:2 offline=1,4-5");
    assert_false(h->nodes[0].cpus[1].online);
    assert_null(h->nodes[0].cpus[1].siblings);
    assert_true(h->nodes[0].cpus[0].online);
    char *s = vn_bitmap_format(h->nodes[0].cpus[0].siblings);
    assert_string_equal(s, "0");
    free(s);
    assert_false(h->nodes[1].cpus[0].online);
    assert_true(h->nodes[1].cpus[2].online);
    vn_host_free(h);
}

static void test_scale(void **state)
{
    (void)state;
    /* 64 nodes x 16 PUs = 1024 PUs; 1024 nodes (the limit) of 16 PUs */
    vn_host *h = load_ok("package:8 numa:8 core:8 pu:2 mem=64G");
    assert_int_equal(h->nnodes, 64);
    assert_int_equal(h->nodes[63].cpus[15].id, 1023);
    assert_int_equal(vn_host_distance(h, 8, 15), 12);
    assert_int_equal(vn_host_distance(h, 7, 8), 21);
    vn_host_free(h);
    h = load_ok("numa:1024 core:8 pu:2");
    assert_int_equal(h->nnodes, 1024);
    assert_int_equal(h->nodes[1023].cpus[15].id, 16383);
    vn_host_free(h);
}

static const struct {
    const char *spec, *msg;
} refusals[] = {
    {"", "synthetic host: empty description"},
    {"  ", "synthetic host: empty description"},
    {"package:0", "synthetic host: 'package:0': the count must be between 1 and 16384"},
    {"package:2 numa:0", "synthetic host: 'numa:0': the count must be between 1 and 16384"},
    {"pu:16385", "synthetic host: 'pu:16385': the count must be between 1 and 16384"},
    {"package:x", "synthetic host: 'package:x': the count must be a decimal number from 1 to 16384"},
    {"package:-1", "synthetic host: 'package:-1': the count must be a decimal number from 1 to 16384"},
    {"package:99999999999999999999",
     "synthetic host: 'package:99999999999999999999': the count must be a decimal number from 1 to 16384"},
    {"package:128 core:128 pu:2", "synthetic host: 'pu:2': makes more than 16384 PUs in all"},
    {"package:16384 core:16384 pu:16384", "synthetic host: 'core:16384': makes more than 16384 PUs in all"},
    {"numa:1025", "synthetic host: 'numa:1025': makes more than 1024 NUMA nodes in all"},
    {"package:64 numa:17", "synthetic host: 'numa:17': makes more than 1024 NUMA nodes in all"},
    {"core:2 numa:2", "synthetic host: 'numa:2': levels must go from the outermost (package) to the "
                      "innermost (pu); numa above core"},
    {"core:2 package:2", "synthetic host: 'package:2': levels must go from the outermost (package) to "
                         "the innermost (pu); numa above core"},
    {"pu:2 l3:1", "synthetic host: 'l3:1': levels must go from the outermost (package) to the "
                  "innermost (pu); numa above core"},
    {"package:2 package:2", "synthetic host: 'package:2': level given twice"},
    {"numa:2 node:2", "synthetic host: 'node:2': level given twice"},
    {"cpu:2", "synthetic host: 'cpu:2': unknown level (package, die, group, l1-l3, numa, core, pu)"},
    {"numa:2 junk", "synthetic host: 'junk': expected LEVEL:COUNT or KEY=VALUE"},
    {"mem=1G", "synthetic host: 'mem=1G': no level (e.g. package:2 core:4)"},
    {"numa:2 x=1", "synthetic host: 'x=1': unknown attribute (mem, free, pages, freepages, dist, offline)"},
    {"numa:2 mem=", "synthetic host: 'mem=': empty value"},
    {"numa:2 mem=1G mem=2G", "synthetic host: 'mem=2G': given twice"},
    {"numa:2 mem=16", "synthetic host: 'mem=16': '16' is not a valid size"},
    {"numa:2 mem=16Q", "synthetic host: 'mem=16Q': '16Q' is not a valid size"},
    {"numa:2 mem=99999999999T", "synthetic host: 'mem=99999999999T': '99999999999T' is not a valid size"},
    {"numa:2 mem=1G,", "synthetic host: 'mem=1G,': empty value after ','"},
    {"numa:2 mem=1G,2G,3G", "synthetic host: 'mem=1G,2G,3G': more values than the 2 nodes"},
    {"numa:3 mem=1G,2G", "synthetic host: 'mem=1G,2G': 2 values for 3 nodes"},
    {"numa:2 mem=1G*3", "synthetic host: 'mem=1G*3': '1G*3': the repeat count must be between 1 and the "
                        "nodes left (2)"},
    {"numa:2 mem=1G*0,1G*2", "synthetic host: 'mem=1G*0,1G*2': '1G*0': the repeat count must be between "
                             "1 and the nodes left (2)"},
    {"numa:2 mem=1G free=2G", "synthetic host: 'free=2G': more free memory than memory on a node"},
    {"numa:2 pages=3M:2", "synthetic host: 'pages=3M:2': a huge page size is a power of two above 4K"},
    {"numa:2 pages=4K:2", "synthetic host: 'pages=4K:2': a huge page size is a power of two above 4K"},
    {"numa:2 pages=2M", "synthetic host: 'pages=2M': expected SIZE:LIST, e.g. 2M:512"},
    {"numa:2 pages=2M:1 pages=2M:2", "synthetic host: 'pages=2M:2': page size given twice"},
    {"numa:2 freepages=2M:1", "synthetic host: 'freepages=2M:1': freepages= needs a pages= of the same "
                              "size before it"},
    {"numa:2 pages=2M:10 freepages=2M:11", "synthetic host: 'freepages=2M:11': more free pages than "
                                           "pages on a node"},
    {"numa:2 mem=16G pages=1G:17", "synthetic host: 'pages=1G:17': huge pages exceed the memory of node 0"},
    {"numa:2 pages=2M:x", "synthetic host: 'pages=2M:x': 'x' is not a valid page count"},
    {"numa:2 dist=10", "synthetic host: 'dist=10': expected L,R or L,P,R or ROW;ROW..."},
    {"numa:2 dist=10,5", "synthetic host: 'dist=10,5': expected L,R or L,P,R (10 to 255) or the matrix "
                         "ROW;ROW..."},
    {"numa:2 dist=10,256", "synthetic host: 'dist=10,256': expected L,R or L,P,R (10 to 255) or the "
                           "matrix ROW;ROW..."},
    {"numa:2 dist=10,20,30,40", "synthetic host: 'dist=10,20,30,40': expected L,R or L,P,R (10 to 255) or "
                                "the matrix ROW;ROW..."},
    {"numa:2 dist=11,20", "synthetic host: 'dist=11,20': a node is at 10 from itself, above 10 from others"},
    {"numa:2 dist=10,10", "synthetic host: 'dist=10,10': a node is at 10 from itself, above 10 from others"},
    {"numa:2 dist=10,20;20", "synthetic host: 'dist=10,20;20': a row lists one distance per node"},
    {"numa:2 dist=10,20;20,10;10,10", "synthetic host: 'dist=10,20;20,10;10,10': the matrix needs one row "
                                      "per node"},
    {"numa:2 dist=10,20;20,20", "synthetic host: 'dist=10,20;20,20': a node is at 10 from itself, above 10 "
                                "from others"},
    {"numa:2 dist=10,20*1;20,10", "synthetic host: 'dist=10,20*1;20,10': a row lists each distance (no '*')"},
    {"numa:2 offline=4", "synthetic host: 'offline=4': not a CPU list of this host's CPUs"},
    {"numa:2 offline=x", "synthetic host: 'offline=x': not a CPU list of this host's CPUs"},
};

static void test_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < VN_ARRAY_LEN(refusals); i++) {
        vn_error e = {0};
        vn_host *h = vn_host_load_synthetic(refusals[i].spec, &e);
        if (h)
            fail_msg("'%s' accepted", refusals[i].spec);
        if (strcmp(e.msg, refusals[i].msg))
            fail_msg("'%s':\n  got      %s\n  expected %s", refusals[i].spec, e.msg, refusals[i].msg);
        assert_int_equal(e.code, VNUMA_ERR_INVALID);   /* the input, not the host: exit 1 */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topology),
        cmocka_unit_test(test_memory_defaults),
        cmocka_unit_test(test_memory_lists),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_distances),
        cmocka_unit_test(test_offline),
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
