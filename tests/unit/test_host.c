/*
 * test_host.c - accessors of the host model (model/host.c): the key of a
 * CPU's core, the smallest id among the CPU and its SMT siblings, whether
 * or not the sibling list names the CPU itself; and the fingerprint a
 * placement ledger records (model/host_fingerprint.c): what changes it and
 * what does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/host_format.h"
#include "model/host.h"

static vn_host_cpu cpu_with(unsigned id, const char *siblings)
{
    vn_host_cpu c = {.id = id, .socket_id = 0, .die_id = 0, .core_id = 0, .online = true};
    if (siblings && !*siblings) {
        c.siblings = vn_bitmap_new();
    } else if (siblings) {
        vn_error e = {0};
        c.siblings = vn_bitmap_parse(siblings, VN_CPUMASK_LEN, &e);
        assert_non_null(c.siblings);
    }
    return c;
}

static void check_key(unsigned id, const char *siblings, unsigned want)
{
    vn_host_cpu c = cpu_with(id, siblings);
    assert_int_equal(vn_host_cpu_core_key(&c), want);
    vn_bitmap_free(c.siblings);
}

static void test_core_key(void **state)
{
    (void)state;
    check_key(4, "0,4", 0);      /* the first sibling, smaller than the CPU */
    check_key(0, "0,4", 0);
    check_key(0, "4", 0);        /* the list omits the CPU itself: its own id is smaller */
    check_key(4, "0", 0);
    check_key(5, NULL, 5);       /* no siblings: its own id */
    check_key(7, "", 7);         /* an empty list: its own id */
    check_key(9, "9", 9);
}

static char *fp_of(const char *spec)
{
    vn_error e = {0};
    vn_host *h = vn_host_load_synthetic(spec, &e);
    assert_non_null(h);
    char *fp = vn_host_fingerprint(h);
    vn_host_free(h);
    assert_int_equal(strlen(fp), 16);
    assert_int_equal(strspn(fp, "0123456789abcdef"), 16);
    return fp;
}

static void same_fp(const char *a, const char *b, bool same)
{
    char *x = fp_of(a), *y = fp_of(b);
    if (same)
        assert_string_equal(x, y);
    else
        assert_string_not_equal(x, y);
    free(x);
    free(y);
}

static void test_fingerprint(void **state)
{
    (void)state;
    const char *base = "package:2 numa:2 core:2 pu:2 mem=16G pages=2M:512";
    /* what a reboot or a running guest changes does not count */
    same_fp(base, "package:2 numa:2 core:2 pu:2 mem=16G free=3G pages=2M:512", true);
    same_fp(base, "package:2 numa:2 core:2 pu:2 mem=16G pages=2M:64", true);
    same_fp(base, "package:2 numa:2 core:2 pu:2 mem=16G pages=2M:512 offline=3", true);
    same_fp(base, "package:2 numa:2 core:2 pu:2 mem=16G pages=2M:512 "
                  "dist=10,21,31,31;21,10,31,31;31,31,10,21;31,31,21,10", true);
    /* MemTotal moving below the same whole GiB (kernels, firmware) */
    same_fp("numa:2 core:2 mem=15600M", "numa:2 core:2 mem=15900M", true);
    /* another topology is another host */
    same_fp(base, "package:2 numa:2 core:2 pu:2 mem=32G pages=2M:512", false);
    same_fp(base, "package:2 numa:2 core:2 pu:2 mem=16G*3,8G pages=2M:512", false);
    same_fp(base, "package:2 numa:2 core:3 pu:2 mem=16G pages=2M:512", false);
    same_fp(base, "package:2 numa:2 core:2 pu:2 mem=16G pages=1G:4", false);
    same_fp(base, "package:2 numa:2 core:2 pu:2 mem=16G", false);
    same_fp(base, "package:1 numa:4 core:2 pu:2 mem=16G pages=2M:512", true);  /* same nodes, CPUs */
    same_fp(base, "package:2 numa:1 core:4 pu:2 mem=32G pages=2M:512", false);
    /* one machine read from two sources: its capabilities XML */
    vn_error e = {0};
    vn_host *h = vn_host_load_synthetic(base, &e);
    assert_non_null(h);
    char *caps = vn_host_format_caps(h);
    vn_host *h2 = vn_host_load_caps_memory(caps, strlen(caps), &e);
    assert_non_null(h2);
    char *a = vn_host_fingerprint(h), *b = vn_host_fingerprint(h2);
    assert_string_equal(a, b);
    char *text = vn_host_fingerprint_text(h);
    assert_string_equal(text, "vnuma-host 1\n"
                              "node 0 cpus 0-3 memory 16\nnode 1 cpus 4-7 memory 16\n"
                              "node 2 cpus 8-11 memory 16\nnode 3 cpus 12-15 memory 16\n"
                              "pages 2048\n");
    free(text);
    free(a);
    free(b);
    free(caps);
    vn_host_free(h);
    vn_host_free(h2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_key),
        cmocka_unit_test(test_fingerprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
