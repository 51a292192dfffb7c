/*
 * test_svg.c - the SVG renderer (picture/svg_*.c): element counts for known hosts
 * (packages, nodes, memory-only nodes, cores, PUs, offline PUs), escaping
 * and UTF-8 repair of text from the input, well-formed XML (libxml2 parses
 * every picture), determinism, overlay colours on the right PUs and nodes,
 * the overlay helpers, and a 64-node / 1024-CPU host staying small.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>

#include "model/host.h"
#include "test_hosts.h"
#include "picture/svg.h"

static vn_host *load(const char *name)
{
    vn_error e = {0};
    vn_host *h = test_host_load(name, &e);
    if (!h)
        fail_msg("%s: %s", name, e.msg);
    return h;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The svg must be well-formed XML with an <svg> root. */
static void assert_well_formed(const char *svg)
{
    xmlDocPtr doc = xmlReadMemory(svg, (int)strlen(svg), "svg.svg", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_non_null(root);
    assert_string_equal((const char *)root->name, "svg");
    xmlFreeDoc(doc);
}

/* The text of the element with id="ID" up to its closing </g>. */
static char *group(const char *svg, const char *id)
{
    VN_AUTOFREE char *key = vn_asprintf("id=\"%s\"", id);
    const char *p = strstr(svg, key);
    if (!p)
        fail_msg("no element %s", key);
    const char *e = strstr(p, "</g>");
    assert_non_null(e);
    return vn_strndup(p, (size_t)(e - p));
}

static void check_counts(const char *name, size_t pkgs, size_t nodes, size_t memonly,
                         size_t cores, size_t pus, size_t offline)
{
    vn_host *h = load(name);
    char *s = vn_svg_host(h, NULL);
    assert_well_formed(s);
    assert_int_equal(count(s, "<g class=\"package\">"), pkgs);
    assert_int_equal(count(s, "<g id=\"node"), nodes);
    assert_int_equal(count(s, "class=\"node memonly\""), memonly);
    assert_int_equal(count(s, "<g class=\"core\">"), cores);
    assert_int_equal(count(s, "<g id=\"pu"), pus);
    assert_int_equal(count(s, "class=\"pu offline\""), offline);
    free(s);
    vn_host_free(h);
}

static void test_counts(void **state)
{
    (void)state;
    check_counts("8node.xml", 8, 8, 0, 32, 32, 0);
    /* 2 nodes x 2 cores x 2 threads: SMT siblings share one core box */
    check_counts("smt-2node.xml", 2, 2, 0, 4, 8, 0);
    check_counts("sparse-4node.xml", 4, 4, 0, 8, 8, 0);
    /* 2 CPU nodes, 2 memory-only nodes drawn outside any package */
    check_counts("memtier-4node.xml", 2, 4, 2, 4, 4, 0);
    check_counts("nonuma.xml", 0, 0, 0, 0, 0, 0);   /* no topology at all */
}

static void test_no_topology(void **state)
{
    (void)state;
    vn_host *h = load("nonuma.xml");
    char *s = vn_svg_host(h, NULL);
    assert_well_formed(s);
    assert_non_null(strstr(s, "0 NUMA nodes (no topology recorded)"));
    assert_non_null(strstr(s, "Distances: none recorded"));
    free(s);
    vn_host_free(h);
}

/* Memory-only nodes sit in the package of the nearest CPU node: node 2
 * (17 from node 0) in package 0, node 3 (17 from node 1) in package 1. */
static void test_memonly_placement(void **state)
{
    (void)state;
    vn_host *h = load("memtier-4node.xml");
    char *s = vn_svg_host(h, NULL);
    const char *p0 = strstr(s, "Package P#0"), *p1 = strstr(s, "Package P#1");
    const char *n2 = strstr(s, "id=\"node2\""), *n3 = strstr(s, "id=\"node3\"");
    assert_true(p0 && p1 && n2 && n3);
    assert_true(p0 < n2 && n2 < p1 && p1 < n3);
    assert_non_null(strstr(s, "NUMA node 3 (no CPUs)"));
    free(s);
    vn_host_free(h);
}

static void test_8node_content(void **state)
{
    (void)state;
    vn_host *h = load("8node.xml");
    char *s = vn_svg_host(h, NULL);
    /* node 0 with its memory and pools; the 2 MiB pool of 2048 pages */
    char *n0 = group(s, "node0");
    assert_non_null(strstr(n0, "NUMA node 0</text>"));
    assert_non_null(strstr(n0, "32 GiB"));
    assert_non_null(strstr(n0, "2 MiB pages: 2048"));
    assert_non_null(strstr(n0, "1 GiB pages: 4"));
    assert_null(strstr(n0, "4 KiB pages"));   /* base pages are no pool */
    free(n0);
    /* distance table: 64 values with numbers (10 on the diagonal) */
    assert_int_equal(count(s, ">21</text>"), 56);
    assert_int_equal(count(s, ">10</text>"), 8);
    assert_non_null(strstr(s, "Package P#7"));
    free(s);
    vn_host_free(h);
}

static const char offline_caps[] =
    "<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells num='1'>"
    "<cell id='0'><memory unit='KiB'>1048576</memory><cpus num='3'>"
    "<cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0'/>"
    "<cpu id='1' socket_id='0' die_id='0' core_id='1' siblings='1'/>"
    "<cpu id='2'/>"
    "</cpus></cell></cells></topology></host></capabilities>";

static void test_offline(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_host *h = vn_host_load_caps_memory(offline_caps, strlen(offline_caps), &e);
    assert_non_null(h);
    char *s = vn_svg_host(h, NULL);
    assert_well_formed(s);
    assert_int_equal(count(s, "class=\"pu offline\""), 1);
    char *pu2 = group(s, "pu2");
    assert_non_null(strstr(pu2, "class=\"puoff\""));
    free(pu2);
    char *pu1 = group(s, "pu1");
    assert_null(strstr(pu1, "puoff"));
    free(pu1);
    free(s);
    vn_host_free(h);
}

/* CPUs without topology (offline in the capabilities: no socket, no
 * siblings) make a package of unknown socket, each CPU its own core. */
static const char nosocket_caps[] =
    "<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells num='1'>"
    "<cell id='0'><memory unit='KiB'>1048576</memory><cpus num='2'>"
    "<cpu id='0'/><cpu id='1'/>"
    "</cpus></cell></cells></topology></host></capabilities>";

static void test_unknown_socket(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_host *h = vn_host_load_caps_memory(nosocket_caps, strlen(nosocket_caps), &e);
    assert_non_null(h);
    char *s = vn_svg_host(h, NULL);
    assert_well_formed(s);
    assert_non_null(strstr(s, "Package (unknown socket)"));
    assert_int_equal(count(s, "<g class=\"core\">"), 2);
    assert_int_equal(count(s, "class=\"pu offline\""), 2);
    assert_non_null(strstr(s, "<title>NUMA node 0: CPUs 0-1 (offline: 0-1)</title>"));
    free(s);
    vn_host_free(h);
}

static void test_escaping(void **state)
{
    (void)state;
    vn_host *h = load("2node-2M.xml");
    free(h->source);
    h->source = vn_strdup("a<b>&\"c'\x01\xff\xc3\xa9");   /* control, bad byte, é */
    vn_svg_overlay *ov = vn_svg_overlay_new("guest <x> & 'y'");
    vn_svg_cell *c = vn_svg_overlay_add_cell(ov, "</text><script>", 0);
    vn_svg_cell_add_mem(c, 0, 1024);
    vn_svg_cell_pin(c, 0, "v<0>");
    char *s = vn_svg_host(h, ov);
    assert_well_formed(s);
    assert_non_null(strstr(s, "a&lt;b&gt;&amp;&quot;c&apos;??\xc3\xa9"));
    assert_non_null(strstr(s, "guest &lt;x&gt; &amp; &apos;y&apos;"));
    assert_non_null(strstr(s, "&lt;/text&gt;&lt;script&gt;"));
    assert_null(strstr(s, "<script"));
    assert_non_null(strstr(s, "v&lt;0&gt;"));
    free(s);
    /* a long label is cut at a character boundary, still valid UTF-8 */
    free(ov->cells[0].label);
    ov->cells[0].label = vn_strdup("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                   "\xc3\xa9\xc3\xa9");
    s = vn_svg_host(h, ov);
    assert_well_formed(s);
    assert_non_null(strstr(s, "\xc3\xa9..."));
    free(s);
    vn_svg_overlay_free(ov);
    vn_host_free(h);
}

/* The overlay used by the colour and determinism tests: cell 0 on node 0
 * pinned to CPUs 0-3, cell 1 on node 1 pinned to 4-7, cell 2 split over
 * nodes 2 and 3, sharing CPU 3 with cell 0. */
static vn_svg_overlay *demo_overlay(void)
{
    vn_svg_overlay *ov = vn_svg_overlay_new("guest demo");
    vn_svg_cell *c0 = vn_svg_overlay_add_cell(ov, "cell 0", 0);
    vn_svg_cell_add_mem(c0, 0, 8u << 20);
    for (unsigned i = 0; i < 4; i++) {
        char l[8];
        snprintf(l, sizeof(l), "v%u", i);
        vn_svg_cell_pin(c0, i, l);
    }
    vn_svg_cell *c1 = vn_svg_overlay_add_cell(ov, "cell 1", 1);
    vn_svg_cell_add_mem(c1, 1, 4u << 20);
    for (unsigned i = 4; i < 8; i++)
        vn_svg_cell_pin(c1, i, NULL);
    vn_svg_cell *c2 = vn_svg_overlay_add_cell(ov, "cell 2", 2);
    vn_svg_cell_add_mem(c2, 2, 2u << 20);
    vn_svg_cell_add_mem(c2, 3, 2u << 20);
    vn_svg_cell_pin(c2, 3, "v9");
    vn_svg_cell_pin(c2, 8, NULL);
    return ov;
}

static void test_overlay_colours(void **state)
{
    (void)state;
    vn_host *h = load("8node.xml");
    vn_svg_overlay *ov = demo_overlay();
    char *s = vn_svg_host(h, ov);
    assert_well_formed(s);
    const char *k0 = vn_svg_colour(0), *k1 = vn_svg_colour(1), *k2 = vn_svg_colour(2);
    char *pu;
    pu = group(s, "pu0");
    assert_non_null(strstr(pu, k0));
    assert_null(strstr(pu, k1));
    assert_non_null(strstr(pu, ">v0<"));
    free(pu);
    pu = group(s, "pu3");   /* shared: both colours, both labels ("v3+") */
    assert_non_null(strstr(pu, k0));
    assert_non_null(strstr(pu, k2));
    assert_non_null(strstr(pu, ">v3+<"));
    free(pu);
    pu = group(s, "pu5");
    assert_non_null(strstr(pu, k1));
    assert_null(strstr(pu, k0));
    free(pu);
    pu = group(s, "pu8");
    assert_non_null(strstr(pu, k2));
    free(pu);
    pu = group(s, "pu20");  /* not pinned */
    assert_null(strstr(pu, k0));
    assert_null(strstr(pu, k1));
    assert_null(strstr(pu, k2));
    assert_null(strstr(pu, "fill=\""));
    free(pu);
    /* node marks: the amount placed, in the cell's colour */
    char *n2 = vn_strndup(strstr(s, "id=\"node2\""),
                          (size_t)(strstr(s, "id=\"node3\"") - strstr(s, "id=\"node2\"")));
    assert_non_null(strstr(n2, "cell 2: 2 GiB"));
    assert_non_null(strstr(n2, k2));
    assert_null(strstr(n2, "cell 0"));
    free(n2);
    /* legend: one line per cell */
    assert_int_equal(count(s, "class=\"legend-cell\""), 3);
    assert_non_null(strstr(s, "cell 0 - host CPUs 0-3 - 8 GiB on node 0"));
    assert_non_null(strstr(s, "cell 2 - host CPUs 3,8 - 4 GiB on nodes 2-3"));
    /* PU numbers are host CPUs: the key says so (next to vCPU labels "vN") */
    assert_non_null(strstr(s, ">PU P#n = host CPU n</text>"));
    free(s);
    vn_svg_overlay_free(ov);
    vn_host_free(h);
}

static void test_deterministic(void **state)
{
    (void)state;
    vn_host *h = load("8node.xml");
    vn_svg_overlay *ov = demo_overlay();
    char *a = vn_svg_host(h, ov), *b = vn_svg_host(h, ov);
    assert_string_equal(a, b);
    vn_host *h2 = load("8node.xml");
    vn_svg_overlay *ov2 = demo_overlay();
    char *c = vn_svg_host(h2, ov2);
    assert_string_equal(a, c);
    char *plain = vn_svg_host(h, NULL);
    assert_string_not_equal(a, plain);
    free(a);
    free(b);
    free(c);
    free(plain);
    vn_svg_overlay_free(ov);
    vn_svg_overlay_free(ov2);
    vn_host_free(h);
    vn_host_free(h2);
}

static void test_helpers(void **state)
{
    (void)state;
    vn_svg_overlay *ov = vn_svg_overlay_new(NULL);
    vn_svg_cell *c = vn_svg_overlay_add_cell(ov, NULL, 13);
    vn_svg_cell_add_mem(c, 5, 100);
    vn_svg_cell_add_mem(c, 5, 28);
    vn_svg_cell_add_mem(c, 2, UINT64_MAX);
    vn_svg_cell_add_mem(c, 2, 1);          /* saturates */
    assert_int_equal(c->nmem, 2);
    assert_int_equal(c->mem[0].kib, 128);
    assert_true(c->mem[1].kib == UINT64_MAX);
    assert_true(vn_bitmap_is_set(c->host_nodes, 5));
    assert_true(vn_bitmap_is_set(c->host_nodes, 2));
    vn_svg_cell_pin(c, 7, NULL);
    vn_svg_cell_pin(c, 9, "v1");
    assert_int_equal(vn_bitmap_count(c->host_cpus), 2);
    assert_int_equal(c->npins, 1);
    assert_string_equal(vn_svg_colour(13), vn_svg_colour(1));
    /* cells pinned or placed outside the host are simply not drawn */
    vn_host *h = load("2node-2M.xml");
    char *s = vn_svg_host(h, ov);
    assert_well_formed(s);
    assert_int_equal(count(s, "class=\"legend-cell\""), 1);
    free(s);
    vn_host_free(h);
    vn_svg_overlay_free(ov);
    vn_svg_overlay_free(NULL);
}

static void test_large(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_host *h = vn_host_load_synthetic("package:8 numa:8 core:8 pu:2", &e);
    if (!h)
        fail_msg("synthetic: %s", e.msg);
    assert_int_equal(h->nnodes, 64);
    char *s = vn_svg_host(h, NULL);
    assert_well_formed(s);
    assert_int_equal(count(s, "<g id=\"node"), 64);
    assert_int_equal(count(s, "<g id=\"pu"), 1024);
    assert_int_equal(count(s, "<g class=\"core\">"), 512);
    assert_true(strlen(s) < 400 * 1024);
    /* rows wrap: the picture is not wider than a page */
    int w = 0;
    assert_int_equal(sscanf(strstr(s, "width=\""), "width=\"%d\"", &w), 1);
    assert_true(w <= 1600);
    free(s);
    vn_host_free(h);
}

/* A host whose sibling lists omit the CPU itself (CPU 0: siblings 4, CPU 4:
 * siblings 0): both are threads of one core, drawn in one core box, as the
 * fitter counts them (vn_host_cpu_core_key). */
static void test_siblings_without_self(void **state)
{
    (void)state;
    vn_host *h = vn_host_new();
    h->nodes = vn_calloc(1, sizeof(*h->nodes));
    h->nnodes = 1;
    vn_host_node *n = &h->nodes[0];
    n->mem_kib = n->free_kib = 1024 * 1024;
    n->cpus = vn_calloc(2, sizeof(*n->cpus));
    n->ncpus = 2;
    for (size_t i = 0; i < 2; i++) {
        vn_host_cpu *c = &n->cpus[i];
        *c = (vn_host_cpu){.id = i ? 4 : 0, .socket_id = 0, .die_id = 0, .core_id = 0,
                           .online = true};
        c->siblings = vn_bitmap_new();
        vn_bitmap_set(c->siblings, i ? 0 : 4);
    }
    char *s = vn_svg_host(h, NULL);
    assert_well_formed(s);
    assert_int_equal(count(s, "<g id=\"pu"), 2);
    assert_int_equal(count(s, "<g class=\"core\">"), 1);
    free(s);
    vn_host_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_no_topology),
        cmocka_unit_test(test_8node_content),
        cmocka_unit_test(test_memonly_placement),
        cmocka_unit_test(test_offline),
        cmocka_unit_test(test_unknown_socket),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_overlay_colours),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_siblings_without_self),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
