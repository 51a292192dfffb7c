/*
 * test_host_check.c - hosts that cannot exist (issue 11): vn_host_check's
 * rules on hosts built by hand, and each loader (caps, a sysfs tree in the
 * fake OS, synthetic) refusing the reproducers with a message that
 * names the node; the caps writer's output reading back into the same
 * model (round trips of the golden hosts and of synthetic ones, the
 * largest included).  No timing: bench/hostile_bench measures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "host/host_format.h"
#include "model/host.h"
#include "os/os_fake.h"
#include "test_hosts.h"

/* A host of n nodes, ids 0..n-1, 8 GiB each, CPU i on node i. */
static vn_host *small(unsigned n)
{
    vn_host *h = vn_host_new();
    h->source = vn_strdup("test");
    h->nnodes = n;
    h->nodes = vn_calloc(n, sizeof(vn_host_node));
    for (unsigned i = 0; i < n; i++) {
        vn_host_node *node = &h->nodes[i];
        node->id = i;
        node->mem_kib = node->free_kib = 8u << 20;
        node->ncpus = 1;
        node->cpus = vn_calloc(1, sizeof(vn_host_cpu));
        node->cpus[0] = (vn_host_cpu){.id = i, .socket_id = 0, .die_id = 0, .core_id = (int)i,
                                      .siblings = vn_bitmap_new(), .online = true};
        vn_bitmap_set(node->cpus[0].siblings, i);
    }
    return h;
}

static void bad(vn_host *h, const char *msg)
{
    vn_error e = {0};
    assert_int_equal(vn_host_check(h, &e), -1);
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    assert_string_equal(e.msg, msg);
    vn_host_free(h);
}

static void add_pages(vn_host_node *n, uint64_t size, uint64_t total, uint64_t free)
{
    vn_host_pages *p = VN_APPEND(n->pages, n->npages);
    *p = (vn_host_pages){.size_kib = size, .total = total, .free = free, .has_free = true};
}

static void test_rules(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_host *h = small(2);
    assert_int_equal(vn_host_check(h, &e), 0);
    vn_host_free(h);

    /* issue 11: the same CPU in two nodes */
    h = small(2);
    h->nodes[1].cpus[0].id = 0;
    bad(h, "test: CPU 0 is in nodes 0 and 1");
    h = small(1);
    *VN_APPEND(h->nodes[0].cpus, h->nodes[0].ncpus) = (vn_host_cpu){.id = 0};
    bad(h, "test: node 0: CPU 0 is listed twice");
    h = small(1);
    h->nodes[0].cpus[0].id = VN_HOST_MAX_CPUS;
    bad(h, "test: node 0: CPU 16384: CPU ids must be below 16384");
    h = small(1);
    h->nodes[0].cpus[0].online = false;
    bad(h, "test: node 0: CPU 0 is offline with thread siblings");

    /* issue 11: 2^64-1 huge pages on an 8 GiB node */
    h = small(1);
    add_pages(&h->nodes[0], 2048, UINT64_MAX, 0);
    bad(h, "test: node 0: 18446744073709551615 pages of 2048 KiB are more than its "
           "8388608 KiB of memory");
    h = small(1);
    add_pages(&h->nodes[0], 2048, 4097, 0);   /* 8 GiB + 2 MiB */
    bad(h, "test: node 0: 4097 pages of 2048 KiB are more than its 8388608 KiB of memory");
    h = small(1);
    add_pages(&h->nodes[0], 2048, 4096, 0);   /* exactly the node: fine */
    add_pages(&h->nodes[0], 1048576, 8, 0);
    assert_int_equal(vn_host_check(h, &e), 0);
    add_pages(&h->nodes[0], 2048, 1, 0);
    bad(h, "test: node 0: page size 2048 KiB is given twice");
    h = small(1);
    add_pages(&h->nodes[0], 3, 1, 0);
    bad(h, "test: node 0: page size 3 KiB is not a power of two from 4 KiB to 16 GiB");
    h = small(1);
    add_pages(&h->nodes[0], 2048, 2, 3);
    bad(h, "test: node 0: 3 free pages of 2048 KiB are more than its 2");
    /* free base pages may be more than the base pages (libvirt counts them so) */
    h = small(1);
    add_pages(&h->nodes[0], 4, 1000, 2000);
    assert_int_equal(vn_host_check(h, &e), 0);
    vn_host_free(h);

    /* memory */
    h = small(1);
    h->nodes[0].mem_kib = h->nodes[0].free_kib = UINT64_MAX;
    bad(h, "test: node 0: 18446744073709551615 KiB of memory is more than the limit of "
           "4398046511104 KiB (4 PiB)");
    h = small(1);
    h->nodes[0].free_kib = h->nodes[0].mem_kib + 1;
    bad(h, "test: node 0: 8388609 KiB free is more than its 8388608 KiB of memory");

    /* nodes and distances */
    h = small(2);
    h->nodes[1].id = 0;
    bad(h, "test: node 0: given twice");
    h = small(1);
    h->nodes[0].id = VN_HOST_MAX_NODES;
    bad(h, "test: node 1024: node ids must be below 1024");
    h = small(1);
    vn_host_node *n = &h->nodes[0];
    n->ndistances = 2;
    n->distance_ids = vn_calloc(2, sizeof(unsigned));
    n->distances = vn_calloc(2, sizeof(unsigned));
    n->distances[0] = 10;
    n->distances[1] = 20;   /* node 0 again */
    bad(h, "test: node 0: the distance to node 0 is given twice");
    h = small(1);
    n = &h->nodes[0];
    n->ndistances = 1;
    n->distance_ids = vn_calloc(1, sizeof(unsigned));
    n->distances = vn_calloc(1, sizeof(unsigned));
    n->distances[0] = 256;
    bad(h, "test: node 0: distance 256 to node 0 is not between 1 and 255");

    /* the host's huge page sizes */
    h = small(1);
    vn_host_add_page_size(h, 2048);
    vn_host_add_page_size(h, UINT64_C(1) << 30);
    bad(h, "test: huge page size 1073741824 KiB is not a power of two above 4 KiB and up to "
           "16 GiB, or not in order");
}

static void caps_refused(const char *xml, const char *msg)
{
    vn_error e = {0};
    vn_host *h = vn_host_load_caps_memory(xml, strlen(xml), &e);
    if (h) {
        vn_host_free(h);
        fail_msg("accepted, expected: %s", msg);
    }
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    if (!strstr(e.msg, msg))
        fail_msg("'%s' lacks '%s'", e.msg, msg);
}

#define CAPS(cells) "<capabilities><host><topology><cells>" cells "</cells></topology></host></capabilities>"
#define CPU(i) "<cpu id='" #i "' socket_id='0' die_id='0' core_id='" #i "' siblings='" #i "'/>"

static void test_caps(void **state)
{
    (void)state;
    /* issue 11: 16,384 bare cells made plan take 7.7 s and 2.1 GB */
    vn_buf b = {0};
    vn_buf_add(&b, "<capabilities><host><topology><cells num='16384'>");
    for (int i = 0; i < 16384; i++)
        vn_buf_addf(&b, "<cell id='%d'/>", i);
    vn_buf_add(&b, "</cells></topology></host></capabilities>");
    caps_refused(b.s, "capabilities: invalid id '1024' in <cell> (at most 1023)");
    vn_buf_free(&b);
    /* 1,024 cells: read */
    vn_buf_add(&b, "<capabilities><host><topology><cells>");
    for (int i = 0; i < 1024; i++)
        vn_buf_addf(&b, "<cell id='%d'><memory unit='KiB'>1024</memory></cell>", 1023 - i);
    vn_buf_add(&b, "</cells></topology></host></capabilities>");
    vn_error e = {0};
    vn_host *h = vn_host_load_caps_memory(b.s, b.len, &e);
    assert_non_null(h);
    assert_int_equal(h->nnodes, 1024);
    assert_int_equal(h->nodes[1023].id, 1023);
    vn_host_free(h);
    vn_buf_free(&b);

    caps_refused(CAPS("<cell id='0'><memory unit='KiB'>8388608</memory><cpus>" CPU(0) CPU(1)
                      "</cpus></cell><cell id='1'><memory unit='KiB'>8388608</memory><cpus>"
                      CPU(1) CPU(2) "</cpus></cell>"),
                 "capabilities: CPU 1 is in nodes 0 and 1");
    caps_refused(CAPS("<cell id='0'><memory unit='KiB'>8388608</memory>"
                      "<pages unit='KiB' size='2048'>18446744073709551615</pages></cell>"),
                 "capabilities: node 0: 18446744073709551615 pages of 2048 KiB are more than "
                 "its 8388608 KiB of memory");
    caps_refused(CAPS("<cell id='0'><pages unit='KiB' size='3'>1</pages></cell>"),
                 "invalid page size '3' (a power of two from 4 KiB to 16 GiB)");
    caps_refused(CAPS("<cell id='0'><distances><sibling id='1024' value='10'/></distances></cell>"),
                 "invalid id '1024' in <sibling> (at most 1023)");
    caps_refused(CAPS("<cell id='0'><distances><sibling id='0' value='0'/></distances></cell>"),
                 "node 0: distance 0 to node 0 is not between 1 and 255");
    caps_refused(CAPS("<cell id='0'><memory>1<x>2</x>" "</memory></cell>") "<x a='1' a='2'/>",
                 "capabilities: line 1:");
    /* hostile documents meet the bounds of base/xml_bounds.h */
    vn_buf_add(&b, "<capabilities");
    for (int i = 0; i < 200; i++)
        vn_buf_addf(&b, " a%d='1'", i);
    vn_buf_add(&b, "/>");
    caps_refused(b.s, "capabilities: element 'capabilities' has more than 128 attributes (line 1)");
    vn_buf_free(&b);
    caps_refused("<?xml version='1.0' encoding='UTF-7'?><capabilities/>",
                 "capabilities: encoding 'UTF-7' is not supported");
    caps_refused("<!DOCTYPE c [<!ATTLIST capabilities a CDATA 'x'>]><capabilities/>",
                 "attribute-list declarations are not allowed");
    /* the first <host>, <cpu>, <topology> and <cells> count; the rest is skipped */
    const char *two = "<capabilities><host><topology><cells><cell id='3'/></cells><cells>"
                      "<cell id='x'/></cells></topology><topology><cell id='y'/></topology>"
                      "</host><host><bogus/></host><guest><cell id='z'/></guest></capabilities>";
    h = vn_host_load_caps_memory(two, strlen(two), &e);
    assert_non_null(h);
    assert_int_equal(h->nnodes, 1);
    assert_int_equal(h->nodes[0].id, 3);
    vn_host_free(h);
}

/* Writing caps and reading it back gives the same caps. */
static void round_trip(vn_host *h, const char *what)
{
    VN_AUTOFREE char *a = vn_host_format_caps(h);
    vn_error e = {0};
    vn_host *back = vn_host_load_caps_memory(a, strlen(a), &e);
    if (!back)
        fail_msg("%s: its caps do not read back: %s", what, e.msg);
    VN_AUTOFREE char *b = vn_host_format_caps(back);
    if (strcmp(a, b))
        fail_msg("%s: read back differs", what);
    vn_host_free(back);
}

static void test_round_trips(void **state)
{
    (void)state;
    static const char *const golden[] = {"8node.xml", "2node-2M.xml", "libvirt-linux-basic.xml",
                                         "libvirt-linux-caches.xml", "libvirt-linux-hmat.xml",
                                         "memtier-4node.xml", "nonuma.xml", "smt-2node.xml",
                                         "sparse-4node.xml"};
    for (size_t i = 0; i < VN_ARRAY_LEN(golden); i++) {
        vn_error e = {0};
        vn_host *h = test_host_load(golden[i], &e);
        if (!h)
            fail_msg("%s: %s", golden[i], e.msg);
        round_trip(h, golden[i]);
        vn_host_free(h);
    }
    /* issue 11: a CPU with siblings but no socket or core was written as
     * socket_id='-1', which the loader refused */
    const char *nosock = CAPS("<cell id='0'><cpus><cpu id='0' siblings='0-1'/>"
                              "<cpu id='1' siblings='0-1'/><cpu id='2'/></cpus></cell>");
    vn_error e = {0};
    vn_host *h = vn_host_load_caps_memory(nosock, strlen(nosock), &e);
    assert_non_null(h);
    assert_int_equal(h->nodes[0].cpus[0].socket_id, -1);
    VN_AUTOFREE char *s = vn_host_format_caps(h);
    assert_non_null(strstr(s, "<cpu id='0' siblings='0-1'/>"));
    round_trip(h, "no socket");
    vn_host_free(h);
    /* issue 11: synthetic:numa:512 wrote 11.4 MB, over the 10 MiB cap;
     * the largest host (1,024 nodes, 16,384 CPUs) writes 46 MB */
    static const char *const specs[] = {
        "numa:512", "numa:1024 core:16", "package:2 numa:2 core:4 pu:2 mem=8G,8G,4G,4G "
        "pages=2M:512 pages=1G:2,2,1,1 freepages=2M:100 offline=3,9", "numa:3 mem=0,4G,8G"};
    for (size_t i = 0; i < VN_ARRAY_LEN(specs); i++) {
        e = (vn_error){0};
        h = vn_host_load_synthetic(specs[i], &e);
        if (!h)
            fail_msg("%s: %s", specs[i], e.msg);
        round_trip(h, specs[i]);
        vn_host_free(h);
    }
}

/* ---- sysfs trees in the fake OS ---------------------------------------- */

#define SYS "/r/sys/devices/system/"

static vn_fake *fake;

static void put(const char *path, const char *text)
{
    assert_int_equal(vn_fake_add_file(fake, path, text, 0644), 0);
}

static void sysfs_node(unsigned n, const char *cpulist, const char *meminfo)
{
    char p[256];
    snprintf(p, sizeof(p), SYS "node/node%u/cpulist", n);
    put(p, cpulist);
    snprintf(p, sizeof(p), SYS "node/node%u/meminfo", n);
    put(p, meminfo);
}

static void sysfs_refused(const char *msg)
{
    const vn_os *prev = vn_os_set(vn_fake_os(fake));
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs("/r", &e);
    vn_os_set(prev);
    if (h) {
        vn_host_free(h);
        fail_msg("accepted, expected: %s", msg);
    }
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    if (!strstr(e.msg, msg))
        fail_msg("'%s' lacks '%s'", e.msg, msg);
    assert_int_equal(vn_fake_blocked(fake), 0);
    vn_fake_free(fake);
    fake = NULL;
}

static void test_sysfs(void **state)
{
    (void)state;
    /* issue 11: 16,384 empty nodeN folders took 27.9 s and 1.06 GB */
    fake = vn_fake_new();
    char p[256];
    for (unsigned i = 0; i < 16384; i += 7) {
        snprintf(p, sizeof(p), SYS "node/node%u", i);
        assert_int_equal(vn_fake_add_dir(fake, p, 0755), 0);
    }
    sysfs_refused("ids must be below 1024");

    /* issue 11: a FIFO where meminfo is: refused, never waited on */
    fake = vn_fake_new();
    put(SYS "node/node0/cpulist", "0\n");
    assert_int_equal(vn_fake_add_special(fake, SYS "node/node0/meminfo", S_IFIFO), 0);
    sysfs_refused("node0/meminfo' is a FIFO, not a regular file");

    /* a CPU in two nodes: refused when met, before its files are read */
    fake = vn_fake_new();
    sysfs_node(0, "0-1\n", "Node 0 MemTotal: 8388608 kB\n");
    sysfs_node(1, "1-2\n", "Node 1 MemTotal: 8388608 kB\n");
    sysfs_refused("sysfs:/r: CPU 1 is in nodes 0 and 1");

    /* MemTotal 2^64-1 kB: refused at load, so never written as caps */
    fake = vn_fake_new();
    sysfs_node(0, "0\n", "Node 0 MemTotal: 18446744073709551615 kB\n");
    sysfs_refused("node 0: 18446744073709551615 KiB of memory is more than the limit");

    /* more huge pages than memory */
    fake = vn_fake_new();
    sysfs_node(0, "0\n", "Node 0 MemTotal: 8388608 kB\n");
    put(SYS "node/node0/hugepages/hugepages-2048kB/nr_hugepages", "18446744073709551615\n");
    sysfs_refused("huge page count too large");
    fake = vn_fake_new();
    sysfs_node(0, "0\n", "Node 0 MemTotal: 8388608 kB\n");
    put(SYS "node/node0/hugepages/hugepages-1048576kB/nr_hugepages", "9\n");
    sysfs_refused("node 0: 9 pages of 1048576 KiB are more than its 8388608 KiB of memory");

    /* one size twice (leading zeros), a size that is not a power of two */
    fake = vn_fake_new();
    sysfs_node(0, "0\n", "Node 0 MemTotal: 8388608 kB\n");
    put(SYS "node/node0/hugepages/hugepages-2048kB/nr_hugepages", "1\n");
    put(SYS "node/node0/hugepages/hugepages-02048kB/nr_hugepages", "1\n");
    sysfs_refused("page size 2048 kB given twice");
    fake = vn_fake_new();
    sysfs_node(0, "0\n", "Node 0 MemTotal: 8388608 kB\n");
    put(SYS "node/node0/hugepages/hugepages-3000kB/nr_hugepages", "1\n");
    sysfs_refused("unable to parse");

    /* found by fuzz_sysfs: a host without NUMA listed its base page size
     * in <cpu><pages>, which did not come back (its node's pages are not
     * written); now its caps read back the same */
    fake = vn_fake_new();
    put(SYS "cpu/cpu0/online", "1\n");
    assert_int_equal(vn_fake_add_dir(fake, SYS "cpu/cpu1", 0755), 0);
    put("/r/proc/meminfo", "MemTotal: 4194304 kB\nMemFree: 1000 kB\n");
    const vn_os *prev = vn_os_set(vn_fake_os(fake));
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs("/r", &e);
    vn_os_set(prev);
    assert_non_null(h);
    assert_true(h->numa_fake);
    round_trip(h, "no NUMA");
    vn_host_free(h);
    vn_fake_free(fake);

    /* distances: at most one per possible node */
    fake = vn_fake_new();
    sysfs_node(0, "0\n", "Node 0 MemTotal: 8388608 kB\n");
    vn_buf b = {0};
    for (int i = 0; i < 1025; i++)
        vn_buf_add(&b, "10 ");
    put(SYS "node/node0/distance", b.s);
    vn_buf_free(&b);
    sysfs_refused("expected at most 1024 distances");
}

static void test_synthetic(void **state)
{
    (void)state;
    vn_error e = {0};
    assert_null(vn_host_load_synthetic("numa:2 mem=8G pages=1G:9", &e));
    assert_non_null(strstr(e.msg, "huge pages exceed the memory of node 0"));
    e = (vn_error){0};
    assert_null(vn_host_load_synthetic("numa:2 mem=5000T", &e));
    assert_non_null(strstr(e.msg, "node 0: 5368709120000 KiB of memory is more than the limit"));
    e = (vn_error){0};
    assert_null(vn_host_load_synthetic("numa:1 mem=64G pages=32G:1", &e));
    assert_non_null(strstr(e.msg, "a huge page size is 16G at most"));
    e = (vn_error){0};
    assert_null(vn_host_load_synthetic("numa:1025", &e));
    assert_non_null(strstr(e.msg, "makes more than 1024 NUMA nodes in all"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_sysfs),
        cmocka_unit_test(test_synthetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
