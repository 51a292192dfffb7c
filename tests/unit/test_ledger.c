/*
 * test_ledger.c - the placement ledger (ledger.c): the line format both
 * ways, every kind of corruption refused with its line, add/remove/total,
 * and the file half (missing file = empty, empty file = corrupt, atomic
 * write leaves no temporary file, the lock file).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>

#include "place/ledger.h"

static const char sample[] =
    "vnuma-ledger 1\n"
    "# a comment\n"
    "guest web 1\n"
    "mem 0 4194304\n"
    "pages 1 2048 512\n"
    "cpus 0-1,8\n"
    "end\n"
    "\n"
    "guest db\n"
    "mem 0 1024\n"
    "end\n";

static void test_parse_format(void **state)
{
    (void)state;
    vn_ledger l = {0};
    vn_error e = {0};
    assert_int_equal(vn_ledger_parse(sample, strlen(sample), "L", &l, &e), 0);
    assert_int_equal(l.n, 2);
    vn_ledger_entry *w = vn_ledger_find(&l, "web 1");
    assert_non_null(w);
    assert_int_equal(vn_usage_get(&w->use, 0, 0), 4194304);
    assert_int_equal(vn_usage_get(&w->use, 1, 2048), 512);
    assert_int_equal(vn_bitmap_count(w->use.cpus), 3);
    char *s = vn_ledger_format(&l);
    assert_string_equal(s, "vnuma-ledger 1\n"
                           "guest web 1\n"
                           "mem 0 4194304\n"
                           "pages 1 2048 512\n"
                           "cpus 0-1,8\n"
                           "end\n"
                           "guest db\n"
                           "mem 0 1024\n"
                           "end\n");
    vn_usage tot = {0};
    assert_true(vn_ledger_total(&l, &tot));
    assert_int_equal(vn_usage_get(&tot, 0, 0), 4194304 + 1024);
    vn_usage_clear(&tot);
    assert_true(vn_ledger_remove(&l, "web 1"));
    assert_false(vn_ledger_remove(&l, "web 1"));
    assert_int_equal(l.n, 1);
    vn_usage u = {0};
    assert_true(vn_usage_add(&u, 5, 0, 9));
    vn_ledger_add(&l, "new", &u);
    vn_usage_clear(&u);
    assert_int_equal(l.n, 2);
    assert_int_equal(vn_usage_get(&vn_ledger_find(&l, "new")->use, 5, 0), 9);
    free(s);
    vn_ledger_clear(&l);
}

static void assert_corrupt(const char *text, const char *msg)
{
    vn_ledger l = {0};
    vn_error e = {0};
    assert_int_equal(vn_ledger_parse(text, strlen(text), "L", &l, &e), -1);
    assert_int_equal(e.code, VNUMA_ERR_INVALID);
    assert_string_equal(e.msg, msg);
}

static void test_corrupt(void **state)
{
    (void)state;
    assert_corrupt("garbage\n", "corrupt ledger L, line 1: expected 'vnuma-ledger 1'");
    assert_corrupt("vnuma-ledger 1\nmem 0 1\n", "corrupt ledger L, line 2: expected 'guest NAME'");
    assert_corrupt("vnuma-ledger 1\nguest a\nmem 0 x\nend\n",
                   "corrupt ledger L, line 3: expected 'mem NODE KIB'");
    assert_corrupt("vnuma-ledger 1\nguest a\npages 0 0 1\nend\n",
                   "corrupt ledger L, line 3: expected 'pages NODE PAGE_KIB COUNT'");
    assert_corrupt("vnuma-ledger 1\nguest a\ncpus 0-\nend\n",
                   "corrupt ledger L, line 3: expected 'cpus LIST'");
    assert_corrupt("vnuma-ledger 1\nguest a\nfoo\nend\n",
                   "corrupt ledger L, line 3: expected mem, pages, cpus or end");
    assert_corrupt("vnuma-ledger 1\nguest a\nmem 0 1\n",
                   "corrupt ledger L, line 3: the last guest record has no 'end'");
    assert_corrupt("vnuma-ledger 1\nguest a\nend",
                   "corrupt ledger L, line 3: truncated (no newline at the end)");
    assert_corrupt("vnuma-ledger 1\nguest a\nend\nguest a\nend\n",
                   "corrupt ledger L, line 4: guest listed twice");
    assert_corrupt("vnuma-ledger 1\nguest a\nmem 0 18446744073709551615\nmem 0 1\nend\n",
                   "corrupt ledger L, line 4: size overflows");
    assert_corrupt("# only a comment\n", "corrupt ledger L, line 2: no 'vnuma-ledger 1' header");
    static const char nul[] = "vnuma-ledger 1\n\0\n";
    vn_ledger l = {0};
    vn_error e = {0};
    assert_int_equal(vn_ledger_parse(nul, sizeof(nul) - 1, "L", &l, &e), -1);
    assert_string_equal(e.msg, "corrupt ledger L: binary data");
}

static void test_names(void **state)
{
    (void)state;
    assert_true(vn_ledger_name_ok("a b"));
    assert_false(vn_ledger_name_ok(""));
    assert_false(vn_ledger_name_ok(" a"));
    assert_false(vn_ledger_name_ok("a\nb"));
    assert_false(vn_ledger_name_ok(NULL));
}

static void test_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/vnuma-ledger-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], lock[300];
    snprintf(path, sizeof(path), "%s/ledger", dir);
    snprintf(lock, sizeof(lock), "%s.lock", path);
    vn_ledger l = {0};
    vn_error e = {0};
    assert_int_equal(vn_ledger_read(path, &l, &e), 0);   /* missing: empty */
    assert_int_equal(l.n, 0);
    vn_ledger_file lf;
    assert_int_equal(vn_ledger_open(&lf, path, 0, &e), 0);
    assert_true(lf.lock >= 0);
    vn_usage u = {0};
    assert_true(vn_usage_add(&u, 2, 0, 77));
    vn_ledger_add(&l, "g", &u);
    assert_int_equal(vn_ledger_save(&lf, &l, &e), 0);
    vn_ledger_close(&lf);
    vn_ledger_clear(&l);
    assert_int_equal(vn_ledger_read(path, &l, &e), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(vn_usage_get(&l.entries[0].use, 2, 0), 77);
    vn_ledger_clear(&l);
    /* only the ledger and its lock file: no temporary left */
    DIR *d = opendir(dir);
    int files = 0;
    for (struct dirent *de; (de = readdir(d));)
        files += de->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 2);
    /* an empty file is corrupt, not an empty ledger */
    FILE *f = fopen(path, "w");
    fclose(f);
    assert_int_equal(vn_ledger_read(path, &l, &e), -1);
    assert_non_null(strstr(e.msg, "the file is empty"));
    unlink(path);
    unlink(lock);
    rmdir(dir);
    vn_usage_clear(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
