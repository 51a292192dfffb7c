/*
 * test_accessors.c - the one accessor per concept that replaced copies
 * which disagreed (the shape issue): each is checked against the libvirt
 * 9.0 function it ports.
 *
 *  - vn_qemu_machine_is_q35: qemuDomainMachineIsQ35 (qemu_domain.c:8649):
 *    !ARCH_IS_X86(arch) -> false; STREQ(machine, "q35") ||
 *    STRPREFIX(machine, "pc-q35-").  One copy matched the prefix "pc-q35".
 *  - vn_host_node_available: virNumaNodeIsAvailable is
 *    numa_bitmask_isbitset(numa_nodes_ptr, node); on a kernel without NUMA
 *    libnuma's node mask is empty, so not even node 0 is available.  One
 *    copy (the command line's) ignored that.
 *  - vn_domain_online_vcpus: a domain without per-vCPU info counts
 *    <vcpu current>; one copy read the missing array.
 *  - vn_domain_numatune_nodeset / _mode: virDomainNumatuneGetNodeset /
 *    GetMode precedence (auto, memnode, global).
 *  - vn_buf_add_escaped: one XML escaper (virBufferEscapeString's entities;
 *    character references where XML would not read the value back).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/domain.h"
#include "model/host.h"
#include "qemu/machine.h"

static bool q35(const char *arch, const char *machine)
{
    vn_domain d = {.arch = (char *)arch, .machine = (char *)machine};
    return vn_qemu_machine_is_q35(&d);
}

static void test_q35_as_libvirt(void **state)
{
    (void)state;
    assert_true(q35("x86_64", "q35"));
    assert_true(q35("x86_64", "pc-q35-7.2"));
    assert_true(q35("i686", "pc-q35-2.12"));
    assert_true(q35(NULL, "q35"));               /* no arch: the host's, x86_64 */
    assert_false(q35("x86_64", "pc-q35"));       /* STRPREFIX "pc-q35-" */
    assert_false(q35("x86_64", "pc-q35x"));
    assert_false(q35("x86_64", "pc-i440fx-7.2"));
    assert_false(q35("aarch64", "q35"));         /* !ARCH_IS_X86 */
    assert_false(q35("ppc64le", "pc-q35-7.2"));
    assert_false(q35("x86_64", NULL));
    /* the vCPU limit follows: 288 for q35, 255 for the other pc types */
    vn_domain d = {.arch = "x86_64", .machine = "pc-q35"};
    assert_int_equal(vn_qemu_machine_max_cpus(&d), 255);
    d.machine = "pc-q35-7.2";
    assert_int_equal(vn_qemu_machine_max_cpus(&d), 288);
}

static vn_host *host_with_nodes(bool fake)
{
    vn_host *h = vn_host_new();
    h->nodes = vn_calloc(2, sizeof(*h->nodes));
    h->nnodes = fake ? 1 : 2;
    h->nodes[0].id = 0;
    h->nodes[1].id = 2;
    h->numa_fake = fake;
    return h;
}

static void test_node_available(void **state)
{
    (void)state;
    VN_AUTOPTR(vn_host) real = host_with_nodes(false);
    VN_AUTOPTR(vn_host) fake = host_with_nodes(true);
    assert_true(vn_host_node_available(real, 0));
    assert_true(vn_host_node_available(real, 2));
    assert_false(vn_host_node_available(real, 1));
    assert_false(vn_host_node_available(fake, 0));   /* no NUMA: no node */

    vn_error e = {0};
    VN_AUTOPTR(vn_bitmap) n0 = vn_bitmap_new();
    vn_bitmap_set(n0, 0);
    assert_int_equal(vn_host_nodeset_available(real, n0, &e), 0);
    assert_int_equal(vn_host_nodeset_available(fake, n0, &e), -1);
    assert_string_equal(e.msg, "unsupported configuration: NUMA node 0 is unavailable");
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    vn_error e2 = {0};
    assert_int_equal(vn_host_nodeset_available(NULL, n0, &e2), 0);   /* no host: skipped */
    assert_int_equal(vn_host_nodeset_available(real, NULL, &e2), 0);
}

static void test_online_vcpus(void **state)
{
    (void)state;
    vn_domain d = {.maxvcpus = 4, .vcpus_current = 3};
    assert_int_equal(vn_domain_online_vcpus(&d), 3);      /* no per-vCPU info */
    vn_vcpu_info info[4] = {{.online = true}, {.online = false}, {.online = true}, {.online = true}};
    d.vcpu_info = info;
    assert_int_equal(vn_domain_online_vcpus(&d), 3);
    info[3].online = false;
    assert_int_equal(vn_domain_online_vcpus(&d), 2);
}

static void test_numatune_precedence(void **state)
{
    (void)state;
    VN_AUTOPTR(vn_bitmap) global = vn_bitmap_new();
    VN_AUTOPTR(vn_bitmap) memnode = vn_bitmap_new();
    VN_AUTOPTR(vn_bitmap) advised = vn_bitmap_new();
    vn_bitmap_set(global, 1);
    vn_bitmap_set(memnode, 3);
    vn_bitmap_set(advised, 5);
    vn_cell cells[2] = {{.id = 0, .has_memnode = true, .memnode_mode = VN_NUMATUNE_RESTRICTIVE,
                         .memnode_nodeset = memnode},
                        {.id = 1}};
    vn_domain d = {.cells = cells, .ncells = 2};
    vn_numatune_mode mode;
    /* no <memory>: only the memnode says something */
    assert_null(vn_domain_numatune_nodeset(&d, -1));
    assert_null(vn_domain_numatune_nodeset(&d, 1));
    assert_ptr_equal(vn_domain_numatune_nodeset(&d, 0), memnode);
    assert_int_equal(vn_domain_numatune_mode(&d, 1, &mode), -1);
    assert_int_equal(vn_domain_numatune_mode(&d, 0, &mode), 0);
    assert_int_equal(mode, VN_NUMATUNE_RESTRICTIVE);
    /* <memory mode='interleave' nodeset='1'>: cells without a memnode get it */
    d.numatune_specified = true;
    d.numatune_mode = VN_NUMATUNE_INTERLEAVE;
    d.numatune_placement = VN_NUMATUNE_PLACEMENT_STATIC;
    d.numatune_nodeset = global;
    assert_ptr_equal(vn_domain_numatune_nodeset(&d, -1), global);
    assert_ptr_equal(vn_domain_numatune_nodeset(&d, 1), global);
    assert_ptr_equal(vn_domain_numatune_nodeset(&d, 0), memnode);
    assert_int_equal(vn_domain_numatune_mode(&d, 1, &mode), 0);
    assert_int_equal(mode, VN_NUMATUNE_INTERLEAVE);
    assert_ptr_equal(vn_domain_numatune_nodeset(&d, 7), global);    /* no such cell */
    /* placement='auto': the advice wins everywhere */
    d.numatune_placement = VN_NUMATUNE_PLACEMENT_AUTO;
    d.auto_nodeset = advised;
    assert_true(vn_domain_numatune_is_auto(&d));
    assert_ptr_equal(vn_domain_numatune_nodeset(&d, -1), advised);
    assert_ptr_equal(vn_domain_numatune_nodeset(&d, 0), advised);
    d.auto_nodeset = NULL;
}

static void test_short_name(void **state)
{
    (void)state;
    vn_domain d = {.name = "a-very-long-domain-name-indeed"};
    VN_AUTOFREE char *s = vn_domain_short_name(&d, 7);
    assert_string_equal(s, "7-a-very-long-domain-n");          /* 20 characters */
    vn_domain u = {.name = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"};   /* 22 x 'é' */
    VN_AUTOFREE char *su = vn_domain_short_name(&u, -1);
    assert_int_equal(strlen(su), 3 + 40);                         /* "-1-" + 20 x 2 bytes */
}

static void test_escaping(void **state)
{
    (void)state;
    VN_AUTOCLEAR(vn_buf) t = {0};
    VN_AUTOCLEAR(vn_buf) a = {0};
    vn_buf_add_escaped(&t, "<a href='x'>&\"\n\t\r", false);
    vn_buf_add_escaped(&a, "<a href='x'>&\"\n\t\r", true);
    assert_string_equal(t.s, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\n\t&#13;");
    assert_string_equal(a.s, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&#10;&#9;&#13;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_q35_as_libvirt),
        cmocka_unit_test(test_node_available),
        cmocka_unit_test(test_online_vcpus),
        cmocka_unit_test(test_numatune_precedence),
        cmocka_unit_test(test_short_name),
        cmocka_unit_test(test_escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
