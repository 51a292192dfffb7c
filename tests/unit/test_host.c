/*
 * test_host.c - accessors of the host model (model/host.c): the key of a
 * CPU's core, the smallest id among the CPU and its SMT siblings, whether
 * or not the sibling list names the CPU itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
