/*
 * test_base.c - errors with a class, typed cleanups, the undo journal
 * (src/base/error.h, cleanup.h, undo.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/bitmap.h"
#include "base/undo.h"
#include "base/util.h"

static void test_error_class_prefix(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_error_setc(&e, VNUMA_ERR_INVALID, VN_ERRC_XML, "missing element '%s'", "cell");
    assert_string_equal(e.msg, "XML error: missing element 'cell'");
    assert_string_equal(vn_error_text(&e), "missing element 'cell'");
    assert_int_equal(e.cls, VN_ERRC_XML);
    /* the first error wins */
    vn_error_setc(&e, VNUMA_ERR_HOST, VN_ERRC_INTERNAL, "later");
    assert_string_equal(e.msg, "XML error: missing element 'cell'");
    assert_int_equal(e.code, VNUMA_ERR_INVALID);

    vn_error u = {0};
    vn_error_setc(&u, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "x");
    assert_string_equal(u.msg, "unsupported configuration: x");
    vn_error n = {0};
    vn_error_set(&n, VNUMA_ERR_HOST, "plain %d", 3);
    assert_string_equal(n.msg, "plain 3");
    assert_string_equal(vn_error_text(&n), "plain 3");
    assert_int_equal(n.cls, VN_ERRC_NONE);
}

static void test_error_sys_and_qmp(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_error_sys(&e, VNUMA_ERR_SYSTEM, ENOENT, "cannot open '%s'", "/x");
    assert_string_equal(e.msg, "cannot open '/x': No such file or directory");
    assert_int_equal(e.sys_errno, ENOENT);
    assert_int_equal(e.cls, VN_ERRC_SYSTEM);

    vn_error q = {0};
    vn_error_qmp(&q, "GenericError", "QMP device_add: Duplicate device ID 'dimm0'");
    assert_string_equal(q.qmp_class, "GenericError");
    assert_int_equal(q.cls, VN_ERRC_QMP);
    assert_int_equal(q.code, VNUMA_ERR_SYSTEM);

    vn_error c = {0};
    vn_error_copy(&c, &q);
    assert_string_equal(c.msg, q.msg);
    vn_error_copy(&c, &e);          /* first wins */
    assert_int_equal(c.cls, VN_ERRC_QMP);
}

static int freed_bitmaps;
static void count_free(vn_bitmap *b)
{
    freed_bitmaps++;
    vn_bitmap_free(b);
}
typedef vn_bitmap vn_bitmap_counted;
VN_DEFINE_AUTOPTR(vn_bitmap_counted, count_free)

static vn_bitmap *make_and_keep(bool keep)
{
    VN_AUTOPTR(vn_bitmap_counted) b = vn_bitmap_new();
    VN_AUTOPTR(vn_bitmap_counted) other = vn_bitmap_new();
    vn_bitmap_set(b, 3);
    if (!keep)
        return NULL;        /* both freed */
    return VN_STEAL(b);     /* only `other` freed */
}

static void test_cleanups(void **state)
{
    (void)state;
    freed_bitmaps = 0;
    assert_null(make_and_keep(false));
    assert_int_equal(freed_bitmaps, 2);
    freed_bitmaps = 0;
    vn_bitmap *b = make_and_keep(true);
    assert_int_equal(freed_bitmaps, 1);
    assert_true(vn_bitmap_is_set(b, 3));
    vn_bitmap_free(b);
    {
        VN_AUTOCLEAR(vn_buf) buf = {0};
        vn_buf_add(&buf, "freed at the brace (ASan says if not)");
    }
}

/* The journal: inverses newest first, a failing one reported and the
 * others still run, commit forgets. */
static char order[16];
static size_t norder;

static int note(void *arg, vn_error *err)
{
    const char *tag = arg;
    order[norder++] = tag[0];
    if (tag[1] == '!') {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "busy");
        return -1;
    }
    return 0;
}

static void test_undo_reverse_order(void **state)
{
    (void)state;
    vn_warnings w = {0};
    vn_undo u = {.warnings = &w};
    norder = 0;
    vn_undo_push(&u, note, "a", NULL, "step %d", 1);
    vn_undo_push(&u, note, "b!", NULL, "step %d", 2);
    vn_undo_push(&u, note, vn_strdup("c"), free, "step %d", 3);
    assert_int_equal(vn_undo_run(&u), 1);
    assert_int_equal(norder, 3);
    assert_memory_equal(order, "cba", 3);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.items[0], "could not undo 'step 2': busy");
    assert_int_equal(u.n, 0);
    assert_int_equal(vn_undo_run(&u), 0);   /* nothing left */
    vn_warnings_clear(&w);
}

static void test_undo_commit_and_scope(void **state)
{
    (void)state;
    norder = 0;
    {
        vn_undo u = VN_UNDO_INIT;
        vn_undo_push(&u, note, "x", NULL, "x");
        vn_undo_commit(&u);
        vn_undo_run(&u);
    }
    assert_int_equal(norder, 0);
    {
        VN_AUTOCLEAR(vn_undo) u = VN_UNDO_INIT;
        vn_undo_push(&u, note, "y", NULL, "y");
        vn_undo_push(&u, note, "z", NULL, "z");
    }                       /* uncommitted: run at scope exit */
    assert_int_equal(norder, 2);
    assert_memory_equal(order, "zy", 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_class_prefix),
        cmocka_unit_test(test_error_sys_and_qmp),
        cmocka_unit_test(test_cleanups),
        cmocka_unit_test(test_undo_reverse_order),
        cmocka_unit_test(test_undo_commit_and_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
