/*
 * test_host_caps.c - the Host model loaded from libvirt capabilities XML
 * (host_caps.c): the project's 8-node host, libvirt 9.0's own
 * capabilities outputs for its sysfs test trees (tests/vircaps2xmldata,
 * copied to tests/golden/hosts/libvirt-*.xml, their huge page pools cut to
 * fit their cells), a host without NUMA, and
 * the refusals (missing file, malformed or hostile documents).
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
#include "test_hosts.h"

/* The tests run from the build directory or the source tree. */
static vn_host *load(const char *name)
{
    vn_error e = {0};
    vn_host *h = test_host_load(name, &e);
    if (!h)
        fail_msg("%s: %s", name, e.msg);
    return h;
}

static vn_host *load_mem(const char *xml, vn_error *e)
{
    return vn_host_load_caps_memory(xml, strlen(xml), e);
}

static uint64_t pages_of(const vn_host_node *n, uint64_t size_kib)
{
    for (size_t i = 0; i < n->npages; i++)
        if (n->pages[i].size_kib == size_kib)
            return n->pages[i].total;
    return UINT64_MAX;
}

static void test_8node(void **state)
{
    (void)state;
    vn_host *h = load("8node.xml");
    assert_int_equal(h->nnodes, 8);
    for (unsigned i = 0; i < 8; i++) {
        const vn_host_node *n = &h->nodes[i];
        assert_int_equal(n->id, i);
        assert_int_equal(n->mem_kib, 33554432);
        assert_int_equal(n->ncpus, 4);
        assert_int_equal(n->cpus[0].id, 4 * i);
        assert_int_equal(n->cpus[0].socket_id, (int)i);
        assert_int_equal(n->cpus[3].core_id, 3);
        assert_true(n->cpus[0].online);
        assert_true(vn_bitmap_is_set(n->cpus[2].siblings, 4 * i + 2));
        assert_int_equal(vn_bitmap_count(n->cpus[2].siblings), 1);
        assert_int_equal(pages_of(n, 4), 6291456);
        assert_int_equal(pages_of(n, 2048), 2048);
        assert_int_equal(pages_of(n, 1048576), 4);
    }
    assert_int_equal(vn_host_distance(h, 0, 1), 21);
    assert_int_equal(vn_host_distance(h, 3, 3), 10);
    assert_int_equal(h->nhugepage_sizes, 2);
    assert_int_equal(h->hugepage_sizes_kib[0], 2048);
    assert_int_equal(h->hugepage_sizes_kib[1], 1048576);
    assert_non_null(strstr(h->source, "8node.xml"));
    vn_host_free(h);
}

static void test_libvirt_basic(void **state)
{
    (void)state;
    vn_host *h = load("libvirt-linux-basic.xml");
    assert_int_equal(h->nnodes, 4);
    assert_int_equal(h->nodes[0].mem_kib, 1048576);
    assert_int_equal(h->nodes[3].mem_kib, 4194304);
    assert_int_equal(pages_of(&h->nodes[1], 2048), 256);   /* cut to fit: the file's comment */
    assert_int_equal(h->nodes[1].cpus[0].id, 4);
    assert_int_equal(h->nodes[1].cpus[0].core_id, 4);
    assert_int_equal(h->nodes[2].cpus[3].id, 11);
    assert_int_equal(h->nodes[2].cpus[3].socket_id, 2);
    assert_int_equal(h->nodes[0].ndistances, 0);
    assert_int_equal(vn_host_distance(h, 0, 1), 20);   /* not recorded */
    assert_int_equal(h->nhugepage_sizes, 2);
    vn_host_free(h);
}

static void test_libvirt_caches_smt(void **state)
{
    (void)state;
    vn_host *h = load("libvirt-linux-caches.xml");
    assert_int_equal(h->nnodes, 1);
    assert_int_equal(h->nodes[0].ncpus, 8);
    const vn_host_cpu *c0 = &h->nodes[0].cpus[0];
    assert_int_equal(vn_bitmap_count(c0->siblings), 2);
    assert_true(vn_bitmap_is_set(c0->siblings, 0));
    assert_true(vn_bitmap_is_set(c0->siblings, 4));
    vn_host_free(h);
}

static void test_libvirt_hmat_memory_only_node(void **state)
{
    (void)state;
    vn_host *h = load("libvirt-linux-hmat.xml");
    assert_int_equal(h->nnodes, 2);
    assert_int_equal(h->nodes[0].ncpus, 24);
    assert_int_equal(h->nodes[1].ncpus, 0);
    assert_int_equal(h->nodes[1].mem_kib, 2097152);
    vn_bitmap *mem = vn_host_nodes_with_memory(h);
    assert_int_equal(vn_bitmap_count(mem), 2);
    vn_bitmap_free(mem);
    vn_host_free(h);
}

/* Sparse ids, out of order, offline CPU, units other than KiB. */
static void test_sparse_sorted_units(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_host *h = load_mem(
        "<capabilities><host><topology><cells num='2'>"
        "<cell id='5'><memory unit='GiB'>2</memory>"
        "<pages unit='MiB' size='2'>10</pages>"
        "<cpus num='2'><cpu id='3' socket_id='1' die_id='0' core_id='0' siblings='3'/>"
        "<cpu id='4'/></cpus></cell>"
        "<cell id='1'><memory unit='KiB'>1024</memory>"
        "<distances><sibling id='1' value='10'/><sibling id='5' value='32'/></distances>"
        "</cell></cells></topology></host></capabilities>", &e);
    assert_non_null(h);
    assert_int_equal(h->nnodes, 2);
    assert_int_equal(h->nodes[0].id, 1);
    assert_int_equal(h->nodes[1].id, 5);
    assert_int_equal(h->nodes[1].mem_kib, 2097152);
    assert_int_equal(pages_of(&h->nodes[1], 2048), 10);
    assert_true(h->nodes[1].cpus[0].online);
    assert_false(h->nodes[1].cpus[1].online);       /* no siblings: offline */
    assert_int_equal(h->nodes[1].cpus[1].socket_id, -1);
    assert_int_equal(vn_host_distance(h, 1, 5), 32);
    assert_true(vn_host_has_node(h, 5));
    assert_false(vn_host_has_node(h, 0));
    vn_host_free(h);
}

/* No <topology>: libvirt's virNumaIsAvailable() is false, no node is available. */
static void test_no_topology(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_host *h = load_mem("<capabilities><host><cpu><arch>x86_64</arch>"
                          "<pages unit='KiB' size='4'/><pages unit='KiB' size='2048'/>"
                          "</cpu></host></capabilities>", &e);
    assert_non_null(h);
    assert_int_equal(h->nnodes, 0);
    assert_false(vn_host_has_node(h, 0));
    assert_int_equal(h->nhugepage_sizes, 1);
    assert_int_equal(h->hugepage_sizes_kib[0], 2048);
    vn_host_free(h);
}

static void test_missing_file(void **state)
{
    (void)state;
    vn_error e = {0};
    assert_null(vn_host_load_caps_file("/nonexistent/caps.xml", &e));
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    assert_string_equal(e.msg, "cannot read host capabilities '/nonexistent/caps.xml': "
                               "No such file or directory");
}

static void refused(const char *xml, const char *needle)
{
    vn_error e = {0};
    assert_null(load_mem(xml, &e));
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    if (!strstr(e.msg, needle))
        fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void test_malformed(void **state)
{
    (void)state;
    refused("<capabilities><host>", "capabilities: line 1");
    refused("", "capabilities:");
    refused("<domain/>", "not a capabilities document");
    refused("<capabilities/>", "no <host> element");
    refused("<capabilities><host><topology><cells><cell><memory>1</memory></cell>"
            "</cells></topology></host></capabilities>", "missing attribute 'id' in <cell>");
    refused("<capabilities><host><topology><cells><cell id='x'/></cells></topology>"
            "</host></capabilities>", "invalid id 'x' in <cell>");
    refused("<capabilities><host><topology><cells><cell id='99999999'/></cells></topology>"
            "</host></capabilities>", "invalid id '99999999'");
    refused("<capabilities><host><topology><cells><cell id='0'/><cell id='0'/></cells>"
            "</topology></host></capabilities>", "duplicate cell id 0");
    refused("<capabilities><host><topology><cells><cell id='0'><memory unit='parsec'>1"
            "</memory></cell></cells></topology></host></capabilities>", "parsec");
    refused("<capabilities><host><topology><cells><cell id='0'><pages unit='KiB' size='2048'>"
            "many</pages></cell></cells></topology></host></capabilities>",
            "invalid page count 'many' in cell 0");
    refused("<capabilities><host><topology><cells><cell id='0'><cpus><cpu id='0' "
            "siblings='0-99999'/></cpus></cell></cells></topology></host></capabilities>",
            "cpu 0:");
}

/* Entities and external DTDs are refused before anything is read. */
static void test_hostile(void **state)
{
    (void)state;
    refused("<!DOCTYPE capabilities [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]>"
            "<capabilities><host/></capabilities>", "DOCTYPE is not allowed");
    refused("<!DOCTYPE capabilities SYSTEM 'http://example.invalid/x.dtd'>"
            "<capabilities><host/></capabilities>", "DOCTYPE is not allowed");
    size_t n = VN_HOST_CAPS_MAX_BYTES + 1;
    char *big = vn_malloc(n);
    memset(big, ' ', n);
    vn_error e = {0};
    assert_null(vn_host_load_caps_memory(big, n, &e));
    assert_non_null(strstr(e.msg, "larger than"));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_8node),
        cmocka_unit_test(test_libvirt_basic),
        cmocka_unit_test(test_libvirt_caches_smt),
        cmocka_unit_test(test_libvirt_hmat_memory_only_node),
        cmocka_unit_test(test_sparse_sorted_units),
        cmocka_unit_test(test_no_topology),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
