/*
 * test_bitmap.c - libvirt-syntax sets: parsing, limits, formatting.
 * Expected values follow libvirt's virBitmapParse/virBitmapFormat.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/bitmap.h"

static char *roundtrip(const char *in, unsigned limit)
{
    vn_error e = {0};
    vn_bitmap *b = vn_bitmap_parse(in, limit, &e);
    if (!b)
        return NULL;
    char *s = vn_bitmap_format(b);
    vn_bitmap_free(b);
    return s;
}

static void assert_roundtrip(const char *in, const char *want)
{
    char *got = roundtrip(in, VN_CPUMASK_LEN);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void assert_refused(const char *in, unsigned limit)
{
    vn_error e = {0};
    vn_bitmap *b = vn_bitmap_parse(in, limit, &e);
    assert_null(b);
    assert_int_equal(e.code, VNUMA_ERR_INVALID);
    assert_non_null(strstr(e.msg, "Failed to parse bitmap"));
}

static void test_parse_forms(void **state)
{
    (void)state;
    assert_roundtrip("0", "0");
    assert_roundtrip("0-3", "0-3");
    assert_roundtrip("1-4,^3", "1-2,4");
    assert_roundtrip(" 1 - 4 , ^3 ", "1-2,4");
    assert_roundtrip("1-2,5-7,^6", "1-2,5,7");
    assert_roundtrip("3,1,2", "1-3");
    assert_roundtrip("0,2,4,6", "0,2,4,6");
    assert_roundtrip("16383", "16383");
    /* an empty result is a valid bitmap; callers refuse it where libvirt does */
    assert_roundtrip("0,^0", "");
}

static void test_parse_refusals(void **state)
{
    (void)state;
    assert_refused("", VN_CPUMASK_LEN);
    assert_refused("   ", VN_CPUMASK_LEN);
    assert_refused("a", VN_CPUMASK_LEN);
    assert_roundtrip("1,", "1");   /* libvirt accepts a trailing comma */
    assert_refused("-1", VN_CPUMASK_LEN);
    assert_refused("3-1", VN_CPUMASK_LEN);
    assert_refused("^1-3", VN_CPUMASK_LEN);
    assert_refused("1;2", VN_CPUMASK_LEN);
    assert_refused("16384", VN_CPUMASK_LEN);
    assert_refused("0-16384", VN_CPUMASK_LEN);
    /* absurd ranges fail before anything is allocated for them */
    assert_refused("0-4294967295", VN_CPUMASK_LEN);
    assert_refused("0-2147483647", VN_CPUMASK_LEN);
    assert_refused("99999999999999999999", VN_CPUMASK_LEN);
    assert_refused("8", 8);
}

static void test_ops(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_bitmap *a = vn_bitmap_parse("0-3,64,200", VN_CPUMASK_LEN, &e);
    vn_bitmap *b = vn_bitmap_parse("3-5", VN_CPUMASK_LEN, &e);
    vn_bitmap *c = vn_bitmap_parse("1-2", VN_CPUMASK_LEN, &e);
    assert_non_null(a);
    assert_int_equal(vn_bitmap_count(a), 6);
    assert_int_equal(vn_bitmap_next(a, 3), 64);
    assert_int_equal(vn_bitmap_next(a, 64), 200);
    assert_int_equal(vn_bitmap_next(a, 200), -1);
    assert_int_equal(vn_bitmap_last(a), 200);
    assert_true(vn_bitmap_overlaps(a, b));
    assert_false(vn_bitmap_overlaps(b, c));
    assert_true(vn_bitmap_is_subset(c, a));
    assert_false(vn_bitmap_is_subset(b, a));
    vn_bitmap *d = vn_bitmap_copy(c);
    assert_true(vn_bitmap_equal(c, d));
    vn_bitmap_set(d, 1000);
    assert_false(vn_bitmap_equal(c, d));
    vn_bitmap_clear(d, 1000);
    assert_true(vn_bitmap_equal(c, d)); /* trailing zero words do not matter */
    vn_bitmap_union(d, b);
    char *s = vn_bitmap_format(d);
    assert_string_equal(s, "1-5");
    free(s);
    assert_true(vn_bitmap_is_empty(NULL));
    vn_bitmap_free(a);
    vn_bitmap_free(b);
    vn_bitmap_free(c);
    vn_bitmap_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_ops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
