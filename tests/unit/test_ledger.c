/*
 * test_ledger.c - the placement ledger (ledger.c): the line format both
 * ways, every kind of corruption refused with its line, the bounds (ids,
 * page sizes, amounts), add/remove/total, and the file half: on a real
 * directory (missing file = empty, empty file = corrupt, atomic write
 * leaves no temporary file, the lock file), and on the fake operating
 * system (os/os_fake.h): every injected fault (create, chmod, write,
 * fsync, close, rename, lock) gives a message naming its step and leaves
 * the old ledger byte-identical with no temporary file; links, hard links,
 * FIFOs, devices, planted lock files and stale temporary files.
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
#include <errno.h>
#include <cmocka.h>

#include "place/ledger.h"
#include "os/os_fake.h"

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

static void test_bounds(void **state)
{
    (void)state;
    assert_corrupt("vnuma-ledger 1\nguest a\nmem 4294967295 1\nend\n",
                   "corrupt ledger L, line 3: node ids must be below 16384");
    assert_corrupt("vnuma-ledger 1\nguest a\npages 16384 2048 1\nend\n",
                   "corrupt ledger L, line 3: node ids must be below 16384");
    assert_corrupt("vnuma-ledger 1\nguest a\ncpus 0,16384\nend\n",
                   "corrupt ledger L, line 3: CPU ids must be below 16384");
    static const char *const bad_pages[] = {"3", "4", "6", "3000", "33554432"};
    for (size_t i = 0; i < VN_ARRAY_LEN(bad_pages); i++) {
        VN_AUTOFREE char *t = vn_asprintf("vnuma-ledger 1\nguest a\npages 0 %s 1\nend\n",
                                          bad_pages[i]);
        assert_corrupt(t, "corrupt ledger L, line 3: a huge page size must be a power of two "
                          "from 8 KiB to 16 GiB");
    }
    /* what a guest takes on a node: 4 PiB at most, checked at its end */
    assert_corrupt("vnuma-ledger 1\nguest a\nmem 0 18446744073709551615\nend\n",
                   "corrupt ledger L, line 4: guest 'a' takes more than 4 PiB on node 0");
    assert_corrupt("vnuma-ledger 1\nguest a\npages 1 1048576 4294967296\nend\n",
                   "corrupt ledger L, line 4: guest 'a' takes more than 4 PiB on node 1");
    assert_corrupt("vnuma-ledger 1\nguest a\nmem 2 4398046511104\nmem 2 1\nend\n",
                   "corrupt ledger L, line 5: guest 'a' takes more than 4 PiB on node 2");
    static const char ok[] = "vnuma-ledger 1\nguest a\nmem 16383 4398046511104\n"
                             "pages 0 16777216 262144\npages 0 8 1\ncpus 16383\nend\n";
    vn_ledger l = {0};
    vn_error e = {0};
    assert_int_equal(vn_ledger_parse(ok, strlen(ok), "L", &l, &e), 0);
    vn_ledger_clear(&l);
    /* a name listed twice among many (the hash set grows) */
    vn_buf b = {0};
    vn_buf_add(&b, "vnuma-ledger 1\n");
    for (int i = 0; i < 1000; i++)
        vn_buf_addf(&b, "guest g%d\nend\n", i);
    vn_buf_add(&b, "guest g500\nend\n");
    assert_int_equal(vn_ledger_parse(b.s, b.len, "L", &l, &e), -1);
    assert_string_equal(e.msg, "corrupt ledger L, line 2002: guest listed twice");
    vn_buf_free(&b);
}

/* ---- the file half on the fake --------------------------------------- */

static vn_fake *fk;

static const char OLD[] = "vnuma-ledger 1\nguest old\nmem 0 1024\ncpus 0\nend\n";

static int fake_setup(void **state)
{
    (void)state;
    fk = vn_fake_new();
    assert_int_equal(vn_fake_add_file(fk, "/d/L", OLD, 0640), 0);
    vn_os_set(vn_fake_os(fk));
    return 0;
}

static int fake_teardown(void **state)
{
    (void)state;
    vn_os_set(NULL);
    assert_int_equal(vn_fake_open_fds(fk), 0);
    assert_int_equal(vn_fake_blocked(fk), 0);   /* nothing would have hung */
    vn_fake_free(fk);
    return 0;
}

/* Lock, read, add a guest, write, unlock: the rc of the first failure. */
static int place_new(const char *path, vn_error *e)
{
    vn_ledger_file f;
    vn_ledger l = {0};
    if (vn_ledger_open(&f, path, 0, e) < 0)
        return -1;
    int rc = vn_ledger_load(&f, &l, e);
    if (rc == 0) {
        vn_usage u = {0};
        assert_true(vn_usage_add(&u, 1, 0, 2048));
        vn_ledger_add(&l, "new", &u);
        vn_usage_clear(&u);
        rc = vn_ledger_save(&f, &l, e);
    }
    vn_ledger_clear(&l);
    vn_ledger_close(&f);
    return rc;
}

/* The old ledger as it was, and no temporary file beside it. */
static void assert_intact(const char *dir_list)
{
    size_t len;
    VN_AUTOFREE char *s = vn_fake_contents(fk, "/d/L", &len);
    assert_non_null(s);
    assert_int_equal(len, strlen(OLD));
    assert_memory_equal(s, OLD, len);
    struct stat st;
    assert_true(vn_fake_lstat(fk, "/d/L", &st));
    assert_int_equal(st.st_mode & 0777, 0640);
    VN_AUTOFREE char *names = vn_fake_list(fk, "/d");
    assert_string_equal(names, dir_list);
}

static void test_fake_save(void **state)
{
    (void)state;
    vn_error e = {0};
    assert_int_equal(place_new("/d/L", &e), 0);
    VN_AUTOFREE char *s = vn_fake_contents(fk, "/d/L", NULL);
    assert_string_equal(s, "vnuma-ledger 1\nguest old\nmem 0 1024\ncpus 0\nend\n"
                           "guest new\nmem 1 2048\nend\n");
    struct stat st;
    assert_true(vn_fake_lstat(fk, "/d/L", &st));
    assert_int_equal(st.st_mode & 0777, 0640);    /* the ledger's mode kept */
    VN_AUTOFREE char *names = vn_fake_list(fk, "/d");
    assert_string_equal(names, "L\nL.lock\n");
    /* one rename, of a temporary file beside the ledger; nothing made or
     * opened outside /d */
    assert_int_equal(vn_fake_count(fk, VN_FAKE_RENAMEAT, NULL), 1);
    assert_int_equal(vn_fake_count(fk, VN_FAKE_RENAMEAT, "/d/.L."), 1);
    assert_int_equal(vn_fake_count_outside(fk, VN_FAKE_OPENAT, "/d"), 0);
    assert_int_equal(vn_fake_count(fk, VN_FAKE_MKDIRAT, NULL), 0);
    assert_int_equal(vn_fake_count(fk, VN_FAKE_FSYNC, "/d/.L."), 1);
    assert_int_equal(vn_fake_count(fk, VN_FAKE_FSYNC, NULL), 2);   /* and the directory */
    VN_AUTOFREE char *log = vn_fake_log(fk);
    assert_non_null(strstr(log, "openat /d/L.lock = "));
    assert_non_null(strstr(log, "flock /d/L.lock = 0\n"));

    /* a new ledger: 0644, its directories made */
    vn_fake_log_clear(fk);
    e = (vn_error){0};
    assert_int_equal(place_new("/var/lib/vnuma/ledger", &e), 0);
    assert_true(vn_fake_lstat(fk, "/var/lib/vnuma/ledger", &st));
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_true(vn_fake_lstat(fk, "/var/lib/vnuma", &st));
    assert_int_equal(st.st_mode & 0777, 0755);
    assert_int_equal(vn_fake_count(fk, VN_FAKE_MKDIRAT, NULL), 3);

    /* a temporary name taken: another one */
    vn_fake_remove(fk, "/d/L");
    assert_int_equal(vn_fake_add_file(fk, "/d/L", OLD, 0640), 0);
    vn_fake_fail(fk, VN_FAKE_OPENAT, "/d/.L.", 1, EEXIST);
    vn_fake_log_clear(fk);
    assert_int_equal(place_new("/d/L", &e), 0);
    assert_int_equal(vn_fake_count(fk, VN_FAKE_OPENAT, "/d/.L."), 2);
    assert_int_equal(vn_fake_count(fk, VN_FAKE_RENAMEAT, NULL), 1);
}

static void test_fake_faults(void **state)
{
    (void)state;
    static const struct {
        vn_fake_op op;
        const char *prefix;
        unsigned nth;
        int err;
        const char *msg;        /* the message starts with this */
        const char *list;       /* /d afterwards */
    } faults[] = {
        {VN_FAKE_WRITE, "/d/.L.", 1, ENOSPC, "ledger /d/L not changed: writing /d/.L.", "L\nL.lock\n"},
        {VN_FAKE_FSYNC, "/d/.L.", 1, EIO, "ledger /d/L not changed: flushing (fsync) /d/.L.", "L\nL.lock\n"},
        {VN_FAKE_RENAMEAT, NULL, 1, EXDEV, "ledger /d/L not changed: renaming /d/.L.", "L\nL.lock\n"},
        {VN_FAKE_OPENAT, "/d/.L.", 0, EROFS, "ledger /d/L not changed: creating a temporary file in /d failed: Read-only file system", "L\nL.lock\n"},
        {VN_FAKE_FCHMOD, NULL, 1, EPERM, "ledger /d/L not changed: setting the mode of /d/.L.", "L\nL.lock\n"},
        {VN_FAKE_CLOSE, "/d/.L.", 1, EIO, "ledger /d/L not changed: closing /d/.L.", "L\nL.lock\n"},
        {VN_FAKE_OPENAT, "/d/L.lock", 0, EACCES, "cannot open lock file /d/L.lock: Permission denied", "L\n"},
        {VN_FAKE_FLOCK, NULL, 1, ENOLCK, "cannot lock /d/L.lock: No locks available", "L\nL.lock\n"},
        {VN_FAKE_READ, "/d/L", 1, EIO, "cannot read ledger /d/L: Input/output error", "L\nL.lock\n"},
        {VN_FAKE_MKDIRAT, NULL, 0, EACCES, NULL, NULL},   /* below: a new directory */
    };
    static const char *const strs[] = {
        [ENOSPC] = "No space left on device", [EIO] = "Input/output error",
        [EXDEV] = "Invalid cross-device link", [EPERM] = "Operation not permitted",
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(faults); i++) {
        if (!faults[i].msg)
            continue;
        vn_fake_remove(fk, "/d");
        assert_int_equal(vn_fake_add_file(fk, "/d/L", OLD, 0640), 0);
        vn_fake_clear_faults(fk);
        vn_fake_log_clear(fk);
        vn_fake_fail(fk, faults[i].op, faults[i].prefix, faults[i].nth, faults[i].err);
        vn_error e = {0};
        assert_int_equal(place_new("/d/L", &e), -1);
        if (strncmp(e.msg, faults[i].msg, strlen(faults[i].msg)))
            fail_msg("fault %zu (%s): message '%s'", i, vn_fake_op_name(faults[i].op), e.msg);
        if ((size_t)faults[i].err < VN_ARRAY_LEN(strs) && strs[faults[i].err])
            assert_non_null(strstr(e.msg, strs[faults[i].err]));
        assert_int_equal(e.code, VNUMA_ERR_SYSTEM);
        assert_intact(faults[i].list);
        assert_int_equal(vn_fake_count(fk, VN_FAKE_RENAMEAT, NULL),
                         faults[i].op == VN_FAKE_RENAMEAT);
    }
    /* a directory that cannot be made */
    vn_fake_remove(fk, "/d");
    assert_int_equal(vn_fake_add_file(fk, "/d/L", OLD, 0640), 0);
    vn_fake_clear_faults(fk);
    vn_fake_fail(fk, VN_FAKE_MKDIRAT, NULL, 0, EACCES);
    vn_error e = {0};
    assert_int_equal(place_new("/d/sub/L", &e), -1);
    assert_string_equal(e.msg, "cannot create directory '/d/sub': Permission denied");
    assert_intact("L\n");
}

static void test_fake_refusals(void **state)
{
    (void)state;
    vn_error e = {0};
    /* a link to the ledger: the same file, lock and directory */
    assert_int_equal(vn_fake_add_symlink(fk, "/b/L", "../d/L"), 0);
    assert_int_equal(place_new("/b/L", &e), 0);
    struct stat st;
    assert_true(vn_fake_lstat(fk, "/b/L", &st) && S_ISLNK(st.st_mode));
    VN_AUTOFREE char *b = vn_fake_list(fk, "/b");
    assert_string_equal(b, "L\n");
    VN_AUTOFREE char *d = vn_fake_list(fk, "/d");
    assert_string_equal(d, "L\nL.lock\n");
    VN_AUTOFREE char *s = vn_fake_contents(fk, "/d/L", NULL);
    assert_non_null(strstr(s, "guest new\n"));
    vn_fake_remove(fk, "/d/L");
    assert_int_equal(vn_fake_add_file(fk, "/d/L", OLD, 0640), 0);

    static const struct { const char *setup, *path, *msg; } bad[] = {
        {"dangling", "/b/M", "'/b/M' is a symbolic link to '../d/missing', which does not exist"},
        {"hardlink", "/d/L", "ledger /d/L has 2 hard links: refused"},
        {"fifo", "/d/F", "ledger /d/F is a FIFO, not a regular file: refused"},
        {"zero", "/d/Z", "ledger /d/Z (really /dev/zero) is a character device, not a regular file"},
        {"dir", "/d/D", "ledger /d/D is a directory, not a regular file"},
        {"locklink", "/d/L", "cannot open lock file /d/L.lock: it is a symbolic link: refused"},
        {"lockfifo", "/d/L", "lock file /d/L.lock is a FIFO, not a regular file: refused"},
        {"big", "/d/L", "ledger '/d/L' is larger than the limit of 4194304 bytes"},
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(bad); i++) {
        const char *w = bad[i].setup;
        if (!strcmp(w, "dangling"))
            vn_fake_add_symlink(fk, "/b/M", "../d/missing");
        else if (!strcmp(w, "hardlink"))
            vn_fake_add_hardlink(fk, "/d/L", "/e/L");
        else if (!strcmp(w, "fifo"))
            vn_fake_add_special(fk, "/d/F", S_IFIFO);
        else if (!strcmp(w, "zero")) {
            vn_fake_add_special(fk, "/dev/zero", S_IFCHR);
            vn_fake_add_symlink(fk, "/d/Z", "/dev/zero");
        } else if (!strcmp(w, "dir"))
            vn_fake_add_dir(fk, "/d/D", 0755);
        else if (!strcmp(w, "locklink"))
            vn_fake_add_symlink(fk, "/d/L.lock", "/etc/victim");
        else if (!strcmp(w, "lockfifo"))
            vn_fake_add_special(fk, "/d/L.lock", S_IFIFO);
        else if (!strcmp(w, "big")) {
            vn_buf big = {0};
            vn_buf_add(&big, "vnuma-ledger 1\n");
            while (big.len <= VN_LEDGER_MAX_BYTES)
                vn_buf_add(&big, "# padding padding padding padding padding padding\n");
            vn_fake_add_filen(fk, "/d/L", big.s, big.len, 0640);
            vn_buf_free(&big);
        }
        VN_AUTOFREE char *before = vn_fake_list(fk, "/d");
        vn_fake_log_clear(fk);
        e = (vn_error){0};
        assert_int_equal(place_new(bad[i].path, &e), -1);
        if (strncmp(e.msg, bad[i].msg, strlen(bad[i].msg)))
            fail_msg("%s: message '%s'", w, e.msg);
        /* nothing made, renamed or followed */
        assert_int_equal(vn_fake_count(fk, VN_FAKE_RENAMEAT, NULL), 0);
        assert_false(vn_fake_lstat(fk, "/d/missing", &st));
        assert_false(vn_fake_lstat(fk, "/etc/victim", &st));
        assert_int_equal(vn_fake_count(fk, VN_FAKE_READ, "/dev"), 0);
        VN_AUTOFREE char *after = vn_fake_list(fk, "/d");
        if (strcmp(w, "big") && strcmp(w, "hardlink"))   /* these two got their lock file */
            assert_string_equal(after, before);
        /* undo */
        if (!strcmp(w, "hardlink"))
            vn_fake_remove(fk, "/e/L");
        else if (!strcmp(w, "locklink") || !strcmp(w, "lockfifo"))
            vn_fake_remove(fk, "/d/L.lock");
        else if (!strcmp(w, "big"))
            vn_fake_add_file(fk, "/d/L", OLD, 0640);
    }
    assert_intact("D\nF\nL\nL.lock\nZ\n");
}

/* A writer replacing the ledger by a link while we wait for the lock. */
static void swap_for_link(vn_fake *f, vn_fake_op op, const char *path, void *arg)
{
    (void)arg;
    if (op == VN_FAKE_FLOCK) {
        vn_fake_set_hook(f, NULL, NULL);
        vn_fake_remove(f, "/d/L");
        vn_fake_add_symlink(f, "/d/L", "/etc/shadow");
    }
    (void)path;
}

static void test_fake_race_and_stale(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_fake_set_hook(fk, swap_for_link, NULL);
    assert_int_equal(place_new("/d/L", &e), -1);
    assert_string_equal(e.msg, "ledger /d/L: /d/L was replaced by a symbolic link while in "
                               "use: refused");
    assert_int_equal(vn_fake_count(fk, VN_FAKE_ANY, "/etc"), 0);
    vn_fake_remove(fk, "/d/L");
    assert_int_equal(vn_fake_add_file(fk, "/d/L", OLD, 0640), 0);

    /* leftovers of killed runs: the exact pattern, regular files only */
    static const char *const junk[] = {"/d/.L.abc123", "/d/.L.ZZZZZZ"};
    static const char *const kept[] = {"/d/.L.abc12", "/d/.L.abc1234", "/d/.M.abc123",
                                       "/d/L.abc123", "/d/.L.tmp", "/d/.L.ab-123", "/d/L.tmp"};
    for (size_t i = 0; i < VN_ARRAY_LEN(junk); i++)
        vn_fake_add_file(fk, junk[i], "partial", 0644);
    for (size_t i = 0; i < VN_ARRAY_LEN(kept); i++)
        vn_fake_add_file(fk, kept[i], "keep", 0644);
    vn_fake_add_file(fk, "/etc/passwd", "root:x:0:0\n", 0644);
    vn_fake_add_symlink(fk, "/d/.L.xyz789", "/etc/passwd");   /* a link: left alone */
    vn_fake_add_dir(fk, "/d/.L.dir123", 0755);
    e = (vn_error){0};
    assert_int_equal(place_new("/d/L", &e), 0);
    struct stat st;
    for (size_t i = 0; i < VN_ARRAY_LEN(junk); i++)
        assert_false(vn_fake_lstat(fk, junk[i], &st));
    for (size_t i = 0; i < VN_ARRAY_LEN(kept); i++)
        assert_true(vn_fake_lstat(fk, kept[i], &st));
    assert_true(vn_fake_lstat(fk, "/d/.L.xyz789", &st) && S_ISLNK(st.st_mode));
    assert_true(vn_fake_lstat(fk, "/d/.L.dir123", &st) && S_ISDIR(st.st_mode));
    VN_AUTOFREE char *pw = vn_fake_contents(fk, "/etc/passwd", NULL);
    assert_string_equal(pw, "root:x:0:0\n");

    /* a ledger that would outgrow the limit is not written */
    vn_ledger_file f;
    vn_ledger l = {0};
    e = (vn_error){0};
    assert_int_equal(vn_ledger_open(&f, "/d/L", 120, &e), 0);
    assert_int_equal(vn_ledger_load(&f, &l, &e), 0);
    vn_ledger_add(&l, "a-guest-with-a-long-name-to-pass-the-limit", &l.entries[0].use);
    VN_AUTOFREE char *before = vn_fake_contents(fk, "/d/L", NULL);
    assert_int_equal(vn_ledger_save(&f, &l, &e), -1);
    assert_non_null(strstr(e.msg, "not changed: it would be "));
    assert_non_null(strstr(e.msg, "over the limit of 120"));
    VN_AUTOFREE char *after = vn_fake_contents(fk, "/d/L", NULL);
    assert_string_equal(before, after);
    vn_ledger_clear(&l);
    vn_ledger_close(&f);
    /* the lock-free reader: missing directory, missing file */
    assert_int_equal(vn_ledger_read("/nowhere/L", &l, &e), 0);
    assert_int_equal(l.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test_setup_teardown(test_fake_save, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fake_faults, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fake_refusals, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fake_race_and_stale, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
