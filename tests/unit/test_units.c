/*
 * test_units.c - libvirt's scaled integers (virScaleInteger,
 * virDomainParseMemory) and the checked arithmetic helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/config.h"
#include "base/units.h"

static uint64_t mem(const char *text, const char *unit)
{
    uint64_t kib = 0;
    vn_error e = {0};
    assert_int_equal(vn_parse_memory("memory", text, unit, &kib, &e), 0);
    return kib;
}

/* The message and libvirt's class for it (virScaleInteger: invalid
 * argument for a suffix, overflow for a size; virDomainParseScaledValue:
 * XML error for a value), which gives the prefix virsh prints. */
static void refused(const char *text, const char *unit, const char *msg)
{
    uint64_t kib = 0;
    vn_error e = {0};
    assert_int_equal(vn_parse_memory("memory", text, unit, &kib, &e), -1);
    assert_string_equal(vn_error_text(&e), msg);
    vn_error_class want = !strncmp(msg, "unknown suffix", 14) ? VN_ERRC_INVALID_ARG
                          : strstr(msg, "too large") ? VN_ERRC_OVERFLOW : VN_ERRC_XML;
    assert_int_equal(e.cls, want);
    assert_string_equal(e.msg + strlen(e.msg) - strlen(msg), msg);
    assert_int_equal(strlen(e.msg), strlen(vn_error_class_prefix(want)) + strlen(msg));
}

static void test_unit_spellings(void **state)
{
    (void)state;
    assert_int_equal(mem("1024", NULL), 1024);          /* KiB by default */
    assert_int_equal(mem("1024", ""), 1024);
    assert_int_equal(mem("2048", "b"), 2);
    assert_int_equal(mem("2048", "bytes"), 2);
    assert_int_equal(mem("2048", "Byte"), 2);
    assert_int_equal(mem("1", "b"), 1);                 /* rounded up to a KiB */
    assert_int_equal(mem("1", "k"), 1);
    assert_int_equal(mem("1", "KiB"), 1);
    assert_int_equal(mem("1000", "KB"), 977);           /* 1,000,000 B */
    assert_int_equal(mem("1", "M"), 1024);
    assert_int_equal(mem("1", "MiB"), 1024);
    assert_int_equal(mem("1", "mb"), 977);
    assert_int_equal(mem("1", "G"), 1048576);
    assert_int_equal(mem("1", "GiB"), 1048576);
    assert_int_equal(mem("1", "GB"), 976563);
    assert_int_equal(mem("1", "T"), UINT64_C(1073741824));
    assert_int_equal(mem("1", "PiB"), UINT64_C(1) << 40);
    assert_int_equal(mem("4", "EiB") , UINT64_C(4) << 50);
    assert_int_equal(mem(" 12 ", NULL), 12);
}

static void test_unit_refusals(void **state)
{
    (void)state;
    refused("1", "X", "unknown suffix 'X'");
    refused("1", "KiBs", "unknown suffix 'KiBs'");
    refused("1", "kx", "unknown suffix 'kx'");
    refused("-1", NULL, "Invalid value '-1' for element or attribute 'memory'");
    refused("abc", NULL, "Invalid value 'abc' for element or attribute 'memory'");
    refused("", NULL, "Invalid value '' for element or attribute 'memory'");
    refused("18446744073709551615", "EiB", "value too large: 18446744073709551615EiB");
    refused("8", "EiB", "value too large: 8EiB");
    refused("18446744073709551616", NULL,
            "Invalid value '18446744073709551616' for element or attribute 'memory'");
    /* LLONG_MAX bytes is the limit; its KiB equivalent is "too large" */
    refused("9223372036854775807", "b", "size value too large");
}

static void test_checked_math(void **state)
{
    (void)state;
    uint64_t r = 7;
    assert_false(vn_add_u64(UINT64_MAX, 1, &r));
    assert_int_equal(r, 7);
    assert_true(vn_add_u64(1, 2, &r));
    assert_int_equal(r, 3);
    assert_false(vn_mul_u64(UINT64_MAX / 2 + 1, 2, &r));
    assert_true(vn_round_up_u64(1025, 1024, &r));
    assert_int_equal(r, 2048);
    assert_false(vn_round_up_u64(UINT64_MAX, 1024, &r));
}

static void test_hugetlbfs_spec(void **state)
{
    (void)state;
    vn_config cfg;
    vn_error e = {0};
    vn_config_init(&cfg);
    assert_int_equal(vn_config_add_mount_spec(&cfg, "/dev/hugepages2M=2M", &e), 0);
    assert_int_equal(vn_config_add_mount_spec(&cfg, "/dev/hugepages1G=1G", &e), 0);
    assert_int_equal(vn_config_add_mount_spec(&cfg, "/mnt/x=2048", &e), 0);
    assert_int_equal(cfg.nmounts, 3);
    assert_int_equal(cfg.mounts[0].size_kib, 2048);
    assert_int_equal(cfg.mounts[1].size_kib, 1048576);
    assert_string_equal(vn_config_mount_for(&cfg, 0)->path, "/dev/hugepages2M");
    assert_string_equal(vn_config_mount_for(&cfg, 1048576)->path, "/dev/hugepages1G");
    assert_null(vn_config_mount_for(&cfg, 5120));
    assert_int_equal(vn_config_add_mount_spec(&cfg, "/dev/hugepages", &e), -1);
    e = (vn_error){0};
    assert_int_equal(vn_config_add_mount_spec(&cfg, "/x=2Q", &e), -1);
    e = (vn_error){0};
    assert_int_equal(vn_config_add_mount_spec(&cfg, "/x=0", &e), -1);
    vn_config_clear(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unit_spellings),
        cmocka_unit_test(test_unit_refusals),
        cmocka_unit_test(test_checked_math),
        cmocka_unit_test(test_hugetlbfs_spec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
