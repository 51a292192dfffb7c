/*
 * test_os_fake.c - the fake operating system (os/os_fake.h) and what runs
 * on it: the file semantics the library relies on (O_EXCL, O_NOFOLLOW,
 * rename over, FIFOs that would block, /dev/zero), faults (the Nth call,
 * every call under a path), the call log, the pass-through mode on a real
 * temporary directory; the file helpers (os/fileio.h): whole-file reads
 * that refuse FIFOs and devices, sysfs's 4096-byte st_size, the cap, path
 * resolution through links with and without making directories; and the
 * sysfs host loader reading a small tree built in the fake (a FIFO
 * meminfo refused, never waited on).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cmocka.h>

#include "os/fileio.h"
#include "os/os_fake.h"
#include "model/host.h"

static vn_fake *fake;
static const vn_os *os;

static int setup(void **state)
{
    (void)state;
    fake = vn_fake_new();
    os = vn_fake_os(fake);
    vn_os_set(os);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vn_os_set(NULL);
    assert_int_equal(vn_fake_open_fds(fake), 0);   /* nothing leaked */
    vn_fake_free(fake);
    return 0;
}

static char *slurp(const char *path)
{
    VN_AUTOFD int fd = os->open(os, path, O_RDONLY, 0);
    if (fd < 0)
        return NULL;
    vn_buf b = {0};
    assert_int_equal(vn_fd_read_capped(os, fd, &b, 1 << 20), 0);
    return b.s ? vn_buf_steal(&b) : vn_strdup("");
}

/* ---- the fake itself ------------------------------------------------- */

static void test_files(void **state)
{
    (void)state;
    assert_int_equal(vn_fake_add_file(fake, "/d/a", "hello\n", 0600), 0);
    char *s = slurp("/d/a");
    assert_string_equal(s, "hello\n");
    free(s);
    struct stat st;
    assert_int_equal(os->fstatat(os, AT_FDCWD, "/d/a", &st, 0), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 6);

    /* O_CREAT: the umask (022) applies; O_EXCL refuses what is there */
    int fd = os->open(os, "/d/b", O_WRONLY | O_CREAT | O_EXCL, 0666);
    assert_true(fd >= 0);
    assert_int_equal(os->write(os, fd, "xyz", 3), 3);
    assert_int_equal(os->close(os, fd), 0);
    assert_true(vn_fake_lstat(fake, "/d/b", &st));
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(os->open(os, "/d/b", O_WRONLY | O_CREAT | O_EXCL, 0644), -1);
    assert_int_equal(errno, EEXIST);

    /* links: followed, or not with O_NOFOLLOW; O_EXCL never follows */
    assert_int_equal(vn_fake_add_symlink(fake, "/d/l", "a"), 0);
    s = slurp("/d/l");
    assert_string_equal(s, "hello\n");
    free(s);
    assert_int_equal(os->open(os, "/d/l", O_RDONLY | O_NOFOLLOW, 0), -1);
    assert_int_equal(errno, ELOOP);
    assert_int_equal(vn_fake_add_symlink(fake, "/d/dangling", "/nowhere"), 0);
    assert_int_equal(os->open(os, "/d/dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), -1);
    assert_int_equal(errno, EEXIST);
    assert_false(vn_fake_lstat(fake, "/nowhere", &st));
    char buf[64];
    assert_int_equal(os->readlinkat(os, AT_FDCWD, "/d/l", buf, sizeof(buf)), 1);
    assert_int_equal(os->readlinkat(os, AT_FDCWD, "/d/a", buf, sizeof(buf)), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(vn_fake_add_symlink(fake, "/loop", "/loop"), 0);
    assert_int_equal(os->open(os, "/loop", O_RDONLY, 0), -1);
    assert_int_equal(errno, ELOOP);

    /* rename over, unlink, directories */
    int dfd = os->open(os, "/d", O_RDONLY | O_DIRECTORY, 0);
    assert_true(dfd >= 0);
    assert_int_equal(os->renameat(os, dfd, "b", dfd, "a"), 0);
    s = slurp("/d/a");
    assert_string_equal(s, "xyz");
    free(s);
    assert_int_equal(os->unlinkat(os, dfd, "b", 0), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(os->mkdirat(os, dfd, "sub", 0777), 0);
    assert_int_equal(os->mkdirat(os, dfd, "sub", 0777), -1);
    assert_int_equal(errno, EEXIST);
    assert_int_equal(os->mkdirat(os, dfd, "l", 0777), -1);   /* never follows */
    assert_int_equal(errno, EEXIST);
    assert_int_equal(os->unlinkat(os, dfd, "sub", 0), -1);
    assert_int_equal(errno, EISDIR);
    assert_int_equal(os->unlinkat(os, dfd, "sub", AT_REMOVEDIR), 0);
    assert_int_equal(os->open(os, "/d/a", O_RDONLY | O_DIRECTORY, 0), -1);
    assert_int_equal(errno, ENOTDIR);
    char *names = vn_fake_list(fake, "/d");
    assert_string_equal(names, "a\ndangling\nl\n");
    free(names);
    vn_os_dir *d = os->opendirat(os, dfd, ".");
    assert_non_null(d);
    assert_string_equal(os->readdir(os, d), "a");
    assert_string_equal(os->readdir(os, d), "dangling");
    assert_string_equal(os->readdir(os, d), "l");
    assert_null(os->readdir(os, d));
    os->closedir(os, d);
    assert_int_equal(os->close(os, dfd), 0);

    /* hard links count */
    assert_int_equal(vn_fake_add_hardlink(fake, "/d/a", "/e/a2"), 0);
    assert_true(vn_fake_lstat(fake, "/e/a2", &st));
    assert_int_equal(st.st_nlink, 2);
}

static void test_blocking(void **state)
{
    (void)state;
    assert_int_equal(vn_fake_add_special(fake, "/fifo", S_IFIFO), 0);
    assert_int_equal(vn_fake_add_special(fake, "/zero", S_IFCHR), 0);
    /* a FIFO without O_NONBLOCK would wait: EDEADLK, counted */
    assert_int_equal(os->open(os, "/fifo", O_RDONLY, 0), -1);
    assert_int_equal(errno, EDEADLK);
    assert_int_equal(vn_fake_blocked(fake), 1);
    int fd = os->open(os, "/fifo", O_RDONLY | O_NONBLOCK, 0);
    assert_true(fd >= 0);
    char buf[8];
    assert_int_equal(os->read(os, fd, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EAGAIN);
    os->close(os, fd);
    /* /dev/zero never ends */
    fd = os->open(os, "/zero", O_RDONLY, 0);
    assert_int_equal(os->read(os, fd, buf, sizeof(buf)), 8);
    os->close(os, fd);
    /* flock held by another open file */
    assert_int_equal(vn_fake_add_file(fake, "/lk", "", 0644), 0);
    int a = os->open(os, "/lk", O_RDWR, 0), b = os->open(os, "/lk", O_RDWR, 0);
    assert_int_equal(os->flock(os, a, LOCK_EX), 0);
    assert_int_equal(os->flock(os, b, LOCK_EX | LOCK_NB), -1);
    assert_int_equal(errno, EWOULDBLOCK);
    os->close(os, a);   /* releases it */
    assert_int_equal(os->flock(os, b, LOCK_EX | LOCK_NB), 0);
    os->close(os, b);
    assert_int_equal(vn_fake_blocked(fake), 1);
}

static void test_faults_and_log(void **state)
{
    (void)state;
    assert_int_equal(vn_fake_add_file(fake, "/d/a", "abc", 0644), 0);
    vn_fake_fail_nth(fake, VN_FAKE_WRITE, 2, ENOSPC);   /* the second write */
    int fd = os->open(os, "/d/a", O_WRONLY | O_APPEND, 0);
    assert_int_equal(os->write(os, fd, "1", 1), 1);
    assert_int_equal(os->write(os, fd, "2", 1), -1);
    assert_int_equal(errno, ENOSPC);
    assert_int_equal(os->write(os, fd, "3", 1), 1);
    os->close(os, fd);
    char *s = vn_fake_contents(fake, "/d/a", NULL);
    assert_string_equal(s, "abc13");
    free(s);
    vn_fake_clear_faults(fake);

    vn_fake_fail_path(fake, VN_FAKE_ANY, "/secret", EACCES);
    assert_int_equal(os->open(os, "/secret/x", O_RDONLY, 0), -1);
    assert_int_equal(errno, EACCES);
    assert_int_equal(os->mkdirat(os, AT_FDCWD, "/secret", 0755), -1);
    assert_int_equal(errno, EACCES);
    assert_int_equal(os->mkdirat(os, AT_FDCWD, "/public", 0755), 0);

    /* the log: counts by operation and path, and its text */
    assert_int_equal(vn_fake_count(fake, VN_FAKE_WRITE, NULL), 3);
    assert_int_equal(vn_fake_count(fake, VN_FAKE_WRITE, "/d/"), 3);
    assert_int_equal(vn_fake_count(fake, VN_FAKE_OPEN, "/secret"), 1);
    assert_int_equal(vn_fake_count_outside(fake, VN_FAKE_OPEN, "/d/"), 1);
    assert_int_equal(vn_fake_count(fake, VN_FAKE_RENAMEAT, NULL), 0);
    char *log = vn_fake_log(fake);
    assert_non_null(strstr(log, "write /d/a = -1 ENOSPC\n"));
    assert_non_null(strstr(log, "mkdirat /secret = -1 EACCES\n"));
    assert_non_null(strstr(log, "mkdirat /public = 0\n"));
    free(log);
    vn_fake_log_clear(fake);
    assert_int_equal(vn_fake_count(fake, VN_FAKE_ANY, NULL), 0);
    /* processes and sockets are not faked */
    assert_int_equal(os->fork(os), -1);
    assert_int_equal(errno, ENOSYS);
    assert_int_equal(os->socket(os, AF_UNIX, SOCK_STREAM, 0), -1);
    uint64_t t = os->monotonic_ns(os);
    os->sleep_ns(os, 1000);
    assert_int_equal(os->monotonic_ns(os) - t, 1000);
}

/* A real temporary directory through the pass-through fake. */
static void test_passthrough(void **state)
{
    (void)state;
    char dir[] = "/tmp/vnuma-fake-XXXXXX";
    assert_non_null(mkdtemp(dir));
    vn_fake *p = vn_fake_new_passthrough(NULL);
    const vn_os *po = vn_fake_os(p);
    VN_AUTOFREE char *file = vn_asprintf("%s/f", dir);
    vn_fake_fail(p, VN_FAKE_FSYNC, dir, 1, EIO);
    int fd = po->open(po, file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(vn_fd_write_all(po, fd, "data", 4), 0);
    assert_int_equal(po->fsync(po, fd), -1);
    assert_int_equal(errno, EIO);
    assert_int_equal(po->fsync(po, fd), 0);   /* only the first */
    assert_int_equal(po->close(po, fd), 0);
    assert_int_equal(vn_fake_add_file(p, "/x", "", 0644), -1);   /* no tree */
    assert_int_equal(vn_fake_count(p, VN_FAKE_FSYNC, file), 2);
    assert_int_equal(vn_fake_open_fds(p), 0);
    vn_buf b = {0};
    vn_error e = {0};
    assert_int_equal(vn_file_read(po, file, NULL, &b, &e), 0);
    assert_string_equal(b.s, "data");
    vn_buf_free(&b);
    assert_int_equal(po->unlinkat(po, AT_FDCWD, file, 0), 0);
    assert_int_equal(po->unlinkat(po, AT_FDCWD, dir, AT_REMOVEDIR), 0);
    vn_fake_free(p);
}

/* ---- file helpers (fileio.h) ---------------------------------------- */

static void test_file_read(void **state)
{
    (void)state;
    vn_buf b = {0};
    vn_error e = {0};
    assert_int_equal(vn_fake_add_file(fake, "/f", "0-3\n", 0644), 0);
    assert_int_equal(vn_fake_set_size(fake, "/f", 4096), 0);   /* as sysfs says */
    assert_int_equal(vn_file_read(os, "/f", NULL, &b, &e), 0);
    assert_string_equal(b.s, "0-3\n");
    vn_buf_free(&b);

    static const struct { const char *path; mode_t type; const char *msg; } bad[] = {
        {"/fifo", S_IFIFO, "'/fifo' is a FIFO, not a regular file"},
        {"/dev/zero", S_IFCHR, "'/dev/zero' is a character device, not a regular file"},
        {"/sock", S_IFSOCK, NULL},
        {"/dir", S_IFDIR, "'/dir' is a directory, not a regular file"},
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(bad); i++) {
        if (bad[i].type == S_IFDIR)
            assert_int_equal(vn_fake_add_dir(fake, bad[i].path, 0755), 0);
        else
            assert_int_equal(vn_fake_add_special(fake, bad[i].path, bad[i].type), 0);
        e = (vn_error){0};
        vn_fake_log_clear(fake);
        assert_int_equal(vn_file_read(os, bad[i].path, NULL, &b, &e), -1);
        if (bad[i].msg)
            assert_string_equal(e.msg, bad[i].msg);
        assert_int_equal(vn_fake_count(fake, VN_FAKE_READ, NULL), 0);   /* nothing read */
    }
    assert_int_equal(vn_fake_blocked(fake), 0);

    /* the cap: reading stops one byte past it */
    VN_AUTOFREE char *big = vn_malloc(100000);
    memset(big, 'x', 100000);
    assert_int_equal(vn_fake_add_filen(fake, "/big", big, 100000, 0644), 0);
    vn_fake_log_clear(fake);
    e = (vn_error){0};
    vn_file_opts o = {.max_bytes = 1000, .what = "thing "};
    assert_int_equal(vn_file_read(os, "/big", &o, &b, &e), -1);
    assert_string_equal(e.msg, "thing '/big' is larger than the limit of 1000 bytes");
    assert_int_equal(vn_fake_count(fake, VN_FAKE_READ, NULL), 1);
    assert_null(b.s);

    /* missing: an error, or VN_FILE_MISSING */
    e = (vn_error){0};
    assert_int_equal(vn_file_read(os, "/none", NULL, &b, &e), -1);
    assert_string_equal(e.msg, "cannot open '/none': No such file or directory");
    o = (vn_file_opts){.missing_ok = true};
    assert_int_equal(vn_file_read(os, "/none/x", &o, &b, &e), VN_FILE_MISSING);
    /* a failing read names the file */
    vn_fake_fail_nth(fake, VN_FAKE_READ, 1, EIO);
    e = (vn_error){0};
    assert_int_equal(vn_file_read(os, "/f", NULL, &b, &e), -1);
    assert_string_equal(e.msg, "cannot read '/f': Input/output error");

    assert_true(vn_file_is_dir(os, "/dir"));
    assert_false(vn_file_is_dir(os, "/f"));
}

static void test_resolve(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_resolved r;
    assert_int_equal(vn_fake_add_file(fake, "/a/L", "x", 0644), 0);
    assert_int_equal(vn_fake_add_symlink(fake, "/b/L", "../a/L"), 0);
    assert_int_equal(vn_fake_add_symlink(fake, "/c", "/b"), 0);
    assert_int_equal(vn_path_resolve(os, "/c/L", false, &r, &e), 0);
    assert_string_equal(r.path, "/a/L");
    assert_string_equal(r.dir, "/a");
    assert_string_equal(r.base, "L");
    assert_true(r.exists && r.via_link);
    assert_int_equal(r.links, 2);
    vn_resolved_clear(&r);
    /* missing at the end: fine; behind a link: refused */
    assert_int_equal(vn_path_resolve(os, "/b/./../a/new", false, &r, &e), 0);
    assert_string_equal(r.path, "/a/new");
    assert_false(r.exists);
    vn_resolved_clear(&r);
    assert_int_equal(vn_fake_add_symlink(fake, "/b/M", "../a/missing"), 0);
    assert_int_equal(vn_path_resolve(os, "/b/M", true, &r, &e), -1);
    assert_string_equal(e.msg, "'/b/M' is a symbolic link to '../a/missing', which does not "
                               "exist: refused (nothing is created through a link)");
    struct stat st;
    assert_false(vn_fake_lstat(fake, "/a/missing", &st));
    /* directories made on the way, 0755, none through a link */
    e = (vn_error){0};
    assert_int_equal(vn_path_resolve(os, "/var/lib/vnuma/ledger", false, &r, &e), -1);
    assert_string_equal(e.msg, "cannot open directory '/var': No such file or directory");
    e = (vn_error){0};
    assert_int_equal(vn_path_resolve(os, "/var/lib/vnuma/ledger", true, &r, &e), 0);
    assert_true(vn_fake_lstat(fake, "/var/lib/vnuma", &st) && S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0755);
    vn_resolved_clear(&r);
    assert_int_equal(vn_fake_add_symlink(fake, "/p", "/elsewhere/deep"), 0);
    assert_int_equal(vn_path_resolve(os, "/p/ledger", true, &r, &e), -1);
    assert_false(vn_fake_lstat(fake, "/elsewhere", &st));
    /* a file on the way */
    e = (vn_error){0};
    assert_int_equal(vn_path_resolve(os, "/a/L/x", true, &r, &e), -1);
    assert_string_equal(e.msg, "cannot open directory '/a/L': Not a directory");
    /* relative paths stay relative (the fake's working directory is /) */
    e = (vn_error){0};
    assert_int_equal(vn_path_resolve(os, "b/L", false, &r, &e), 0);
    assert_string_equal(r.path, "a/L");
    vn_resolved_clear(&r);
    /* loops */
    assert_int_equal(vn_fake_add_symlink(fake, "/l1", "/l2"), 0);
    assert_int_equal(vn_fake_add_symlink(fake, "/l2", "/l1"), 0);
    e = (vn_error){0};
    assert_int_equal(vn_path_resolve(os, "/l1", false, &r, &e), -1);
    assert_non_null(strstr(e.msg, "Too many levels of symbolic links"));
}

/* A link planted between mkdirat and the open that follows it. */
static void plant_link(vn_fake *f, vn_fake_op op, const char *path, void *arg)
{
    (void)arg;
    if (op == VN_FAKE_OPENAT && path && !strcmp(path, "/v/new")) {
        vn_fake_set_hook(f, NULL, NULL);
        vn_fake_remove(f, "/v/new");
        vn_fake_add_symlink(f, "/v/new", "/target");
    }
}

static void test_resolve_race(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_resolved r;
    assert_int_equal(vn_fake_add_dir(fake, "/v", 0755), 0);
    assert_int_equal(vn_fake_add_dir(fake, "/target", 0755), 0);
    vn_fake_set_hook(fake, plant_link, NULL);
    assert_int_equal(vn_path_resolve(os, "/v/new/ledger", true, &r, &e), -1);
    assert_string_equal(e.msg, "cannot open directory '/v/new': Not a directory");
    char *l = vn_fake_list(fake, "/target");
    assert_string_equal(l, "");
    free(l);
}

/* ---- the sysfs loader on a fake tree -------------------------------- */

#define SYS "/r/sys/devices/system/"

static void put(const char *path, const char *text)
{
    assert_int_equal(vn_fake_add_file(fake, path, text, 0444), 0);
    assert_int_equal(vn_fake_set_size(fake, path, 4096), 0);
}

static void sysfs_tree(void)
{
    put(SYS "node/online", "0-1\n");
    put(SYS "node/node0/cpulist", "0-1\n");
    put(SYS "node/node0/meminfo", "Node 0 MemTotal: 4194304 kB\nNode 0 MemFree: 1048576 kB\n");
    put(SYS "node/node0/distance", "10 20\n");
    put(SYS "node/node1/cpulist", "2-3\n");
    put(SYS "node/node1/meminfo", "Node 1 MemTotal: 2097152 kB\nNode 1 MemFree: 2097152 kB\n");
    put(SYS "node/node1/distance", "20 10\n");
    for (int c = 0; c < 4; c++) {
        char p[128], v[8];
        snprintf(p, sizeof(p), SYS "cpu/cpu%d/topology/core_id", c);
        snprintf(v, sizeof(v), "%d\n", c / 2);
        put(p, v);
        snprintf(p, sizeof(p), SYS "cpu/cpu%d/topology/thread_siblings_list", c);
        put(p, c < 2 ? "0-1\n" : "2-3\n");
    }
}

static void test_sysfs(void **state)
{
    (void)state;
    sysfs_tree();
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs("/r", &e);
    if (!h)
        fail_msg("%s", e.msg);
    assert_int_equal(h->nnodes, 2);
    assert_int_equal(h->nodes[0].mem_kib, 4194304);
    assert_int_equal(h->nodes[1].free_kib, 2097152);
    assert_int_equal(h->nodes[1].ncpus, 2);
    assert_int_equal(h->nodes[1].cpus[0].core_id, 1);
    vn_host_free(h);
    /* it looked at nothing outside its tree */
    assert_int_equal(vn_fake_count_outside(fake, VN_FAKE_ANY, "/r"), 0);
    assert_true(vn_fake_count(fake, VN_FAKE_READ, SYS "node/node0/meminfo") >= 1);

    /* a FIFO meminfo: refused with its name, not waited on */
    assert_int_equal(vn_fake_remove(fake, SYS "node/node1/meminfo"), 0);
    assert_int_equal(vn_fake_add_special(fake, SYS "node/node1/meminfo", S_IFIFO), 0);
    e = (vn_error){0};
    assert_null(vn_host_load_sysfs("/r", &e));
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    assert_string_equal(e.msg, "'" SYS "node/node1/meminfo' is a FIFO, not a regular file");
    assert_int_equal(vn_fake_blocked(fake), 0);

    /* /dev/zero as a distance file: refused, not read */
    assert_int_equal(vn_fake_remove(fake, SYS "node/node1/meminfo"), 0);
    put(SYS "node/node1/meminfo", "Node 1 MemTotal: 2097152 kB\n");
    assert_int_equal(vn_fake_add_symlink(fake, SYS "node/node0/distance", "/dev/zero"), 0);
    assert_int_equal(vn_fake_add_special(fake, "/dev/zero", S_IFCHR), 0);
    vn_fake_log_clear(fake);
    e = (vn_error){0};
    assert_null(vn_host_load_sysfs("/r", &e));
    assert_non_null(strstr(e.msg, "distance' is a character device, not a regular file"));
    assert_int_equal(vn_fake_count(fake, VN_FAKE_READ, "/dev"), 0);

    /* a file over the cap (1 MiB) */
    vn_buf big = {0};
    for (int i = 0; i < 200000; i++)
        vn_buf_add(&big, "10 20 ");
    assert_int_equal(vn_fake_add_filen(fake, SYS "node/node0/distance", big.s, big.len, 0444), 0);
    vn_buf_free(&big);
    e = (vn_error){0};
    assert_null(vn_host_load_sysfs("/r", &e));
    assert_string_equal(e.msg, "'" SYS "node/node0/distance' is larger than the limit of "
                               "1048576 bytes");

    /* a failed directory listing names the directory */
    put(SYS "node/node0/distance", "10 20\n");
    vn_fake_fail_path(fake, VN_FAKE_OPENDIR, SYS "node", EACCES);
    e = (vn_error){0};
    assert_null(vn_host_load_sysfs("/r", &e));
    assert_string_equal(e.msg, "cannot list '" SYS "node': Permission denied");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults_and_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passthrough, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sysfs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
