/*
 * test_apply.c - src/apply on recorded text and on the fake OS.
 *
 * Parsers from recorded text: mountinfo of this project's CI machine (v1
 * cpuset beside a hugetlb-only cgroup2), of a v2-only host and of a host
 * without cpuset -> the backend chosen; /proc/PID/stat (a comm with spaces
 * and parentheses), /proc/PID/cgroup, numa_maps and the status marks; the
 * entry's info round trip; names.
 *
 * On the fake OS (os/os_fake.h) with a small cgroupfs model in its hook
 * (a new cgroup gets its control files, effective files follow what was
 * written - v1 as asked, v2 falling back to the parent's set when the
 * request does not intersect it -, rmdir takes the control files away):
 * v1 inherit, v2 fallback detected, run end to end until its exec (which
 * the fake refuses, so everything is undone), and every fault of the
 * issue injected - not root, a controller not enabled, an impossible
 * node, an effective set that differs, a policy or affinity refused, a
 * second start of a running name, fork refused for launch - each with a
 * message naming its step and the fake's tree back as it was.
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
#include <sys/stat.h>
#include <cmocka.h>

#include "apply/apply_internal.h"
#include "apply/status.h"
#include "os/os_fake.h"

/* ---- recorded text ---- */

static const char mountinfo_ci[] =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char mountinfo_v2[] =
    "25 1 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";
static const char mountinfo_nocpuset[] =
    "32 31 0:29 / /sys/fs/cgroup/cpu\\040acct rw - cgroup cgroup rw,cpu,cpuacct\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static void test_backend_choice(void **state)
{
    (void)state;
    struct { const char *text, *controllers; vn_cg_kind kind; const char *mount; } c[] = {
        {mountinfo_ci, "hugetlb\n", VN_CG_V1, "/sys/fs/cgroup/cpuset"},
        {mountinfo_v2, "cpuset cpu io memory hugetlb pids\n", VN_CG_V2, "/sys/fs/cgroup"},
        {mountinfo_nocpuset, "hugetlb\n", VN_CG_NONE, NULL},
        {mountinfo_v2, "memory pids\n", VN_CG_NONE, NULL},
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(c); i++) {
        VN_AUTOCLEAR(vn_cg_mounts) m = {0};
        VN_AUTOCLEAR(vn_cgroups) cg = {0};
        vn_error e = {0};
        assert_int_equal(vn_cg_parse_mountinfo(c[i].text, &m, &e), 0);
        vn_cg_choose(&m, c[i].controllers, &cg);
        assert_int_equal(cg.kind, c[i].kind);
        if (c[i].mount)
            assert_string_equal(cg.mount, c[i].mount);
    }
    VN_AUTOCLEAR(vn_cg_mounts) m = {0};
    vn_error e = {0};
    assert_int_equal(vn_cg_parse_mountinfo(mountinfo_nocpuset, &m, &e), 0);
    assert_null(m.v1_cpuset);
    assert_int_equal(vn_cg_parse_mountinfo("1 2 3\n", &m, &e), -1);
    assert_non_null(strstr(e.msg, "mountinfo line 1"));
}

static void test_proc_parsers(void **state)
{
    (void)state;
    char st;
    uint64_t start;
    const char stat[] = "4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 "
                        "1 0 987654 1000 10 18446744073709551615\n";
    assert_int_equal(vn_ap_parse_stat(stat, &st, &start), 0);
    assert_int_equal(st, 'S');
    assert_int_equal(start, 987654);
    assert_int_equal(vn_ap_parse_stat("4242 (x) S 1", &st, &start), -1);
    const char cg[] = "12:pids:/\n3:cpuset:/machine/x\n1:name=systemd:/\n0::/user.slice\n";
    VN_AUTOFREE char *v1 = vn_ap_parse_proc_cgroup(cg, "cpuset");
    VN_AUTOFREE char *v2 = vn_ap_parse_proc_cgroup(cg, "");
    assert_string_equal(v1, "/machine/x");
    assert_string_equal(v2, "/user.slice");
    assert_null(vn_ap_parse_proc_cgroup(cg, "memory"));
}

static void test_numa_maps(void **state)
{
    (void)state;
    const char nm[] =
        "7f0000000000 bind:1 anon=8192 dirty=8192 N1=8000 N2=192 kernelpagesize_kB=4\n"
        "7f1000000000 interleave:0-1 anon=100 N0=100 kernelpagesize_kB=4\n"
        "7f2000000000 bind:2 file=/dev/hugepages/x\\040(deleted) huge anon=32 N2=32 "
        "kernelpagesize_kB=2048\n";
    const char maps[] = "7f0000000000-7f0002000000 rw-p 0 00:00 0\n"
                        "7f1000000000-7f1000064000 rw-p 0 00:00 0\n"
                        "7f2000000000-7f2004000000 rw-s 0 00:10 5 /dev/hugepages/x\n";
    VN_AUTOCLEAR(vn_numa_maps) m = {0};
    vn_error e = {0};
    assert_int_equal(vn_numa_maps_parse(nm, &m, &e), 0);
    assert_int_equal(m.n, 3);
    assert_true(m.v[2].huge);
    assert_int_equal(m.v[2].page_kib, 2048);
    vn_status_row strict = {.has_mode = true, .mode = VN_NUMATUNE_STRICT,
                            .nodes = vn_bitmap_parse("1", 64, &e)};
    vn_status_sum(&m, maps, 0x7f0000000000ull, 0x7f0002000000ull, &strict);
    vn_status_judge(&strict);
    assert_int_equal(strict.kib[1], 32000);
    assert_non_null(strict.why);
    assert_non_null(strstr(strict.why, "768 KiB outside nodes 1"));
    vn_status_row il = {.has_mode = true, .mode = VN_NUMATUNE_INTERLEAVE,
                        .nodes = vn_bitmap_parse("0-1", 64, &e)};
    vn_status_sum(&m, maps, 0x7f1000000000ull, 0x7f1000064000ull, &il);
    vn_status_judge(&il);
    assert_non_null(il.why);
    assert_non_null(strstr(il.why, "interleave not spread"));
    vn_status_row huge = {.has_mode = true, .mode = VN_NUMATUNE_STRICT,
                          .nodes = vn_bitmap_parse("2", 64, &e)};
    vn_status_sum(&m, maps, 0x7f2000000000ull, 0x7f2004000000ull, &huge);
    vn_status_judge(&huge);
    assert_null(huge.why);
    assert_int_equal(huge.kib[2], 65536);
    vn_status_rows rows = {0};
    *(vn_status_row *)VN_APPEND(rows.v, rows.n) = strict;
    *(vn_status_row *)VN_APPEND(rows.v, rows.n) = il;
    *(vn_status_row *)VN_APPEND(rows.v, rows.n) = huge;
    vn_status_rows_clear(&rows);
}

static void test_info_and_names(void **state)
{
    (void)state;
    vn_ap_info i = {.name = vn_strdup("g"), .kind = vn_strdup("launch"),
                    .state = vn_strdup("running"), .pid = 99, .start = 12345,
                    .domain_id = 3, .cg_kind = VN_CG_V2, .qmp = vn_strdup("/a\nb\\c")};
    vn_argv_add(&i.cg_made, "/sys/fs/cgroup/machine/qemu-3-g.libvirt-qemu");
    vn_argv_add(&i.memdirs, "/dev/hugepages/libvirt/qemu/3-g");
    VN_AUTOFREE char *text = vn_ap_info_format(&i);
    VN_AUTOCLEAR(vn_ap_info) back = {0};
    vn_error e = {0};
    assert_int_equal(vn_ap_info_parse(text, &back, &e), 0);
    assert_string_equal(back.qmp, "/a\nb\\c");
    assert_int_equal(back.pid, 99);
    assert_int_equal(back.start, 12345);
    assert_int_equal(back.cg_kind, VN_CG_V2);
    assert_int_equal(back.cg_made.n, 1);
    assert_string_equal(back.memdirs.v[0], "/dev/hugepages/libvirt/qemu/3-g");
    assert_false(back.has_cfg);   /* none recorded, none read */
    /* the launch's mounts (the default not first, a path with a space) and directory */
    vn_config_init(&i.cfg);
    i.has_cfg = true;
    vn_config_add_mount_deflt(&i.cfg, "/dev/huge 1G", 1048576, false);
    vn_config_add_mount_deflt(&i.cfg, "/dev/hugepages", 2048, true);
    i.cfg.mounts_source = vn_strdup("/etc/libvirt/qemu.conf");
    vn_config_set_backing_dir(&i.cfg, "/srv/ram", "--memory-backing-dir");
    VN_AUTOFREE char *text2 = vn_ap_info_format(&i);
    assert_non_null(strstr(text2, "\nhugetlbfs=- 1048576 /dev/huge 1G\nhugetlbfs=* 2048 "
                                  "/dev/hugepages\n"));
    VN_AUTOCLEAR(vn_ap_info) back2 = {0};
    assert_int_equal(vn_ap_info_parse(text2, &back2, &e), 0);
    assert_true(back2.has_cfg);
    assert_int_equal(back2.cfg.nmounts, 2);
    assert_string_equal(back2.cfg.mounts[0].path, "/dev/huge 1G");
    assert_int_equal(back2.cfg.mounts[0].size_kib, 1048576);
    assert_false(back2.cfg.mounts[0].deflt);
    assert_true(back2.cfg.mounts[1].deflt);
    assert_int_equal(vn_config_default_page_kib(&back2.cfg), 2048);
    assert_string_equal(back2.cfg.mounts_source, "/etc/libvirt/qemu.conf");
    assert_string_equal(back2.cfg.memory_backing_dir, "/srv/ram");
    assert_string_equal(back2.cfg.backing_dir_source, "--memory-backing-dir");
    VN_AUTOCLEAR(vn_ap_info) bad = {0};
    vn_error be = {0};
    assert_int_equal(vn_ap_info_parse("vnuma-entry 1\nname=g\nkind=launch\n"
                                      "hugetlbfs=* x /dev/hugepages\n", &bad, &be), -1);
    assert_string_equal(be.msg, "bad value '* x /dev/hugepages' for hugetlbfs");
    vn_ap_info_clear(&i);

    vn_error ne = {0};
    assert_int_equal(vn_ap_check_name("a/b", false, NULL, &ne), -1);
    assert_string_equal(ne.msg, "XML error: name a/b cannot contain '/'");
    vn_warnings w = {0};
    assert_int_equal(vn_ap_check_name(".hidden", false, &w, &ne), 0);
    assert_int_equal(w.n, 1);
    vn_warnings_clear(&w);
    vn_error re = {0};
    assert_int_equal(vn_ap_check_name(".hidden", true, NULL, &re), -1);
    assert_non_null(strstr(re.msg, "starts with '.'"));
    vn_error ce = {0};
    assert_int_equal(vn_ap_check_name("a\tb", true, NULL, &ce), -1);
    assert_non_null(strstr(ce.msg, "control character"));
    VN_AUTOFREE char *m = vn_ap_cgroup_dir_name(7, "my guest.-x_y..z");
    assert_string_equal(m, "qemu-7-myguest.xy.z.libvirt-qemu");
    assert_true(vn_ap_cgroup_needs_escape("cpuset.x"));
    assert_false(vn_ap_cgroup_needs_escape("qemu-1-a.libvirt-qemu"));
}

/* ---- a cgroupfs in the fake ---- */

#define CG1 "/sys/fs/cgroup/cpuset"
#define CG2 "/sys/fs/cgroup"

typedef struct cgfs {
    vn_fake *f;
    bool v2;
    char *pending;          /* a mkdir whose control files come next */
} cgfs;

static const char *const v1_files[] = {"cpuset.cpus", "cpuset.mems", "cpuset.memory_migrate",
                                       "cpuset.effective_cpus", "cpuset.effective_mems",
                                       "tasks", "cgroup.procs"};
static const char *const v2_files[] = {"cpuset.cpus", "cpuset.mems", "cpuset.cpus.effective",
                                       "cpuset.mems.effective", "cgroup.procs",
                                       "cgroup.threads", "cgroup.type",
                                       "cgroup.subtree_control", "cgroup.events",
                                       "cgroup.controllers"};

static void populate(cgfs *c, const char *dir)
{
    const char *const *files = c->v2 ? v2_files : v1_files;
    size_t n = c->v2 ? VN_ARRAY_LEN(v2_files) : VN_ARRAY_LEN(v1_files);
    for (size_t i = 0; i < n; i++) {
        VN_AUTOFREE char *p = vn_asprintf("%s/%s", dir, files[i]);
        const char *text = !strcmp(files[i], "cgroup.events") ? "populated 0\n"
                         : !strcmp(files[i], "cgroup.type") ? "domain\n"
                         : !strcmp(files[i], "cgroup.controllers") ? "cpuset cpu memory\n"
                         : !strcmp(files[i], "cpuset.memory_migrate") ? "0\n" : "";
        vn_fake_add_file(c->f, p, text, 0644);
    }
}

static vn_bitmap *file_set(vn_fake *f, const char *dir, const char *file)
{
    VN_AUTOFREE char *p = vn_asprintf("%s/%s", dir, file);
    VN_AUTOFREE char *t = vn_fake_contents(f, p, NULL);
    vn_error e = {0};
    if (!t)
        return vn_bitmap_new();
    t[strcspn(t, "\n")] = '\0';
    vn_bitmap *b = vn_bitmap_parse(t, 1024, &e);
    return b ? b : vn_bitmap_new();
}

/* v2: the request within the parent's effective set, else the parent's. */
static vn_bitmap *effective(cgfs *c, const char *dir, const char *what)
{
    VN_AUTOFREE char *want = vn_asprintf("cpuset.%s", what);
    VN_AUTOFREE char *eff = vn_asprintf(c->v2 ? "cpuset.%s.effective" : "cpuset.effective_%s",
                                        what);
    vn_bitmap *asked = file_set(c->f, dir, want);
    if (!c->v2 || !strcmp(dir, CG2)) {
        if (!c->v2 || !vn_bitmap_is_empty(asked))
            return asked;
        vn_bitmap_free(asked);
        return file_set(c->f, dir, eff);
    }
    VN_AUTOFREE char *up = vn_strndup(dir, (size_t)(strrchr(dir, '/') - dir));
    VN_AUTOPTR(vn_bitmap) parent = effective(c, up, what);
    if (vn_bitmap_is_empty(asked) || !vn_bitmap_overlaps(asked, parent)) {
        vn_bitmap_free(asked);
        return vn_bitmap_copy(parent);
    }
    return asked;
}

static void cg_hook(vn_fake *f, vn_fake_op op, const char *path, void *arg)
{
    cgfs *c = arg;
    struct stat st;
    if (c->pending && vn_fake_lstat(f, c->pending, &st))
        populate(c, c->pending);
    free(c->pending);
    c->pending = NULL;
    if (!path || strncmp(path, "/sys/fs/cgroup/", 15))
        return;
    if (op == VN_FAKE_MKDIRAT)
        c->pending = vn_strdup(path);
    if (op == VN_FAKE_UNLINKAT && vn_fake_lstat(f, path, &st) && S_ISDIR(st.st_mode)) {
        const char *const *files = c->v2 ? v2_files : v1_files;
        size_t n = c->v2 ? VN_ARRAY_LEN(v2_files) : VN_ARRAY_LEN(v1_files);
        for (size_t i = 0; i < n; i++) {
            VN_AUTOFREE char *p = vn_asprintf("%s/%s", path, files[i]);
            vn_fake_remove(f, p);
        }
    }
    const char *base = strrchr(path, '/');
    if (op == VN_FAKE_OPEN && base && strstr(base, "effective")) {
        VN_AUTOFREE char *dir = vn_strndup(path, (size_t)(base - path));
        VN_AUTOPTR(vn_bitmap) b = effective(c, dir, strstr(base, "mems") ? "mems" : "cpus");
        VN_AUTOFREE char *s = vn_bitmap_format(b);
        vn_fake_remove(f, path);
        vn_fake_add_file(f, path, s, 0644);
    }
}

/* The fake, with processes, policy and affinity that succeed (recorded in
 * the fake's log as the calls they are). */
static vn_fake *fake;
static cgfs cgm;
static vn_os test_os;
static int euid;
static int policy_errno;   /* set_mempolicy fails with it (0: succeeds) */

static long ok_set_mempolicy(const vn_os *os, int mode, const unsigned long *m, unsigned long n)
{
    (void)os, (void)mode, (void)m, (void)n;
    errno = policy_errno;
    return policy_errno ? -1 : 0;
}
static int ok_setaff(const vn_os *os, pid_t t, size_t s, const cpu_set_t *c)
{
    (void)os, (void)t, (void)s, (void)c;
    return 0;
}
static int ok_getaff(const vn_os *os, pid_t t, size_t s, cpu_set_t *c)
{
    (void)os, (void)t;
    CPU_ZERO_S(s, c);
    CPU_SET_S(0, s, c);
    return 0;
}
static uid_t test_euid(const vn_os *os)
{
    (void)os;
    return (uid_t)euid;
}
static int ok_socket(const vn_os *os, int d, int t, int p)
{
    (void)d, (void)t, (void)p;
    return os->open(os, "/dev/null", O_RDWR, 0);
}
static int ok_sockop(const vn_os *os, int fd, const struct sockaddr *a, socklen_t l)
{
    (void)os, (void)fd, (void)a, (void)l;
    return 0;
}
static int ok_listen(const vn_os *os, int fd, int b)
{
    (void)os, (void)fd, (void)b;
    return 0;
}
static int ok_pipe2(const vn_os *os, int fds[2], int flags)
{
    (void)flags;
    fds[0] = os->open(os, "/dev/null", O_RDONLY, 0);
    fds[1] = os->open(os, "/dev/null", O_WRONLY, 0);
    return 0;
}
static pid_t no_fork(const vn_os *os)
{
    (void)os;
    errno = EAGAIN;
    return -1;
}

static const char domain_strict[] =
    "<domain type='qemu'><name>g</name><memory unit='MiB'>64</memory>"
    "<vcpu placement='static' cpuset='1'>2</vcpu>"
    "<numatune><memory mode='strict' nodeset='1'/></numatune>"
    "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
    "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>";

static void build_host(bool v2)
{
    fake = vn_fake_new();
    cgm = (cgfs){.f = fake, .v2 = v2};
    vn_fake_add_file(fake, "/proc/self/mountinfo", v2 ? mountinfo_v2 : mountinfo_ci, 0444);
    vn_fake_add_file(fake, "/proc/self/cgroup", v2 ? "0::/\n" : "3:cpuset:/\n", 0444);
    vn_fake_add_file(fake, "/proc/4242/stat", "4242 (vnuma) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 "
                     "20 0 1 0 5555 1 1\n", 0444);
    vn_fake_add_special(fake, "/dev/null", S_IFCHR);
    vn_fake_add_file(fake, "/d/g.xml", domain_strict, 0644);
    vn_fake_add_dir(fake, "/run/vnuma", 0755);
    const char *root = v2 ? CG2 : CG1;
    vn_fake_add_dir(fake, root, 0755);
    populate(&cgm, root);
    VN_AUTOFREE char *cpus = vn_asprintf("%s/cpuset.%s", root, v2 ? "cpus.effective" : "cpus");
    VN_AUTOFREE char *mems = vn_asprintf("%s/cpuset.%s", root, v2 ? "mems.effective" : "mems");
    vn_fake_remove(fake, cpus);
    vn_fake_remove(fake, mems);
    vn_fake_add_file(fake, cpus, "0-1\n", 0644);
    vn_fake_add_file(fake, mems, "0-1\n", 0644);
    VN_AUTOFREE char *machine = vn_asprintf("%s/machine", root);
    vn_fake_add_dir(fake, machine, 0755);
    populate(&cgm, machine);
    if (v2) {
        vn_fake_remove(fake, CG2 "/cgroup.subtree_control");
        vn_fake_add_file(fake, CG2 "/cgroup.subtree_control", "cpuset\n", 0644);
        vn_fake_remove(fake, CG2 "/machine/cgroup.subtree_control");
        vn_fake_add_file(fake, CG2 "/machine/cgroup.subtree_control", "cpuset\n", 0644);
    } else {
        vn_fake_remove(fake, CG1 "/machine/cpuset.cpus");
        vn_fake_add_file(fake, CG1 "/machine/cpuset.cpus", "0-1\n", 0644);
        vn_fake_remove(fake, CG1 "/machine/cpuset.mems");
        vn_fake_add_file(fake, CG1 "/machine/cpuset.mems", "0-1\n", 0644);
    }
    vn_fake_set_hook(fake, cg_hook, &cgm);
    test_os = *vn_fake_os(fake);
    test_os.set_mempolicy = ok_set_mempolicy;
    test_os.sched_setaffinity = ok_setaff;
    test_os.sched_getaffinity = ok_getaff;
    test_os.geteuid = test_euid;
    test_os.socket = ok_socket;
    test_os.bind = ok_sockop;
    test_os.listen = ok_listen;
    test_os.pipe2 = ok_pipe2;
    test_os.fork = no_fork;
    euid = 0;
    policy_errno = 0;
    vn_os_set(&test_os);
}

static void drop_host(void)
{
    vn_os_set(NULL);
    free(cgm.pending);
    vn_fake_free(fake);
}

/* Every path of the tree, one a line. */
static void snapshot(vn_buf *b, const char *dir)
{
    VN_AUTOFREE char *names = vn_fake_list(fake, dir);
    for (char *p = names, *nl; p && *p; p = nl + 1) {
        nl = strchr(p, '\n');
        *nl = '\0';
        VN_AUTOFREE char *child = vn_asprintf("%s/%s", strcmp(dir, "/") ? dir : "", p);
        vn_buf_line(b, "%s", child);
        struct stat st;
        if (vn_fake_lstat(fake, child, &st) && S_ISDIR(st.st_mode))
            snapshot(b, child);
    }
}

static char *tree(void)
{
    VN_AUTOCLEAR(vn_buf) b = {0};
    snapshot(&b, "/");
    return vn_buf_steal(&b);
}

static void opts(vn_apply_opts *o)
{
    vn_apply_opts_init(o);
    o->host_source = "synthetic:numa:2 core:1 pu:1 mem=4G";
}

static void test_v1_inherit(void **state)
{
    (void)state;
    build_host(false);
    VN_AUTOCLEAR(vn_cgroups) cg = {0};
    vn_cg_for_kind(VN_CG_V1, CG1, &cg);
    VN_AUTOCLEAR(vn_undo) u = VN_UNDO_INIT;
    vn_error e = {0};
    assert_int_equal(vn_cg_make(&cg, CG1 "/machine", CG1 "/machine/x", false, &u, &e), 0);
    VN_AUTOFREE char *cpus = vn_fake_contents(fake, CG1 "/machine/x/cpuset.cpus", NULL);
    VN_AUTOFREE char *mems = vn_fake_contents(fake, CG1 "/machine/x/cpuset.mems", NULL);
    assert_string_equal(cpus, "0-1\n");
    assert_string_equal(mems, "0-1\n");
    vn_undo_run(&u);
    struct stat st;
    assert_false(vn_fake_lstat(fake, CG1 "/machine/x", &st));
    drop_host();
}

static void test_v2_fallback_detected(void **state)
{
    (void)state;
    build_host(true);
    VN_AUTOCLEAR(vn_cgroups) cg = {0};
    vn_cg_for_kind(VN_CG_V2, CG2, &cg);
    VN_AUTOCLEAR(vn_undo) u = VN_UNDO_INIT;
    vn_error e = {0};
    vn_fake_remove(fake, CG2 "/machine/cpuset.mems");
    vn_fake_add_file(fake, CG2 "/machine/cpuset.mems", "0\n", 0644);
    assert_int_equal(vn_cg_make(&cg, CG2 "/machine", CG2 "/machine/x", false, &u, &e), 0);
    VN_AUTOPTR(vn_bitmap) one = vn_bitmap_parse("1", 64, &e);
    assert_int_equal(cg.be->set_mems(&cg, CG2 "/machine/x", one, &e), -1);
    if (!strstr(e.msg, "cpuset.mems asked '1' but") ||
        !strstr(e.msg, "cpuset.mems.effective is '0'"))
        fail_msg("%s", e.msg);
    vn_undo_run(&u);
    drop_host();
}

/* virDomainCgroupEmulatorAllNodesAllow/Restore: a strict emulator on node
 * 1 may use nodes 0-1 while vCPUs are plugged, then is node 1 again; one
 * that allows them all already, or a v2 one unset, is not written. */
static void test_emulator_all_nodes(void **state)
{
    (void)state;
    for (int v2 = 0; v2 <= 1; v2++) {
        build_host(v2);
        const char *root = v2 ? CG2 "/machine" : CG1 "/machine";
        VN_AUTOCLEAR(vn_cgroups) cg = {0};
        vn_cg_for_kind(v2 ? VN_CG_V2 : VN_CG_V1, v2 ? CG2 : CG1, &cg);
        VN_AUTOCLEAR(vn_undo) u = VN_UNDO_INIT;
        vn_error e = {0};
        VN_AUTOFREE char *emu = vn_asprintf("%s/emulator", root);
        VN_AUTOFREE char *mems = vn_asprintf("%s/cpuset.mems", emu);
        assert_int_equal(vn_cg_make(&cg, root, emu, false, &u, &e), 0);
        VN_AUTOPTR(vn_bitmap) all = vn_bitmap_parse("0-1", 64, &e);
        VN_AUTOPTR(vn_bitmap) one = vn_bitmap_parse("1", 64, &e);
        vn_cg_all_nodes wide;
        vn_warnings w = {0};
        if (v2) {   /* unset: the parent's, nothing written */
            size_t writes = vn_fake_count(fake, VN_FAKE_WRITE, mems);
            assert_int_equal(vn_cg_emulator_all_nodes(&cg, emu, all, &wide, &e), 0);
            assert_null(wide.path);
            assert_int_equal(vn_fake_count(fake, VN_FAKE_WRITE, mems), writes);
        }
        assert_int_equal(cg.be->set_mems(&cg, emu, one, &e), 0);
        assert_int_equal(vn_cg_emulator_all_nodes(&cg, emu, all, &wide, &e), 0);
        /* the set the file says (the fake writes in place, as into a regular
         * file: "1" over "0-1" reads "1-1", the same set) */
        VN_AUTOFREE char *during = vn_fake_contents(fake, mems, NULL);
        VN_AUTOPTR(vn_bitmap) d = vn_bitmap_parse(during, 64, &e);
        assert_true(d && vn_bitmap_equal(d, all));
        vn_cg_emulator_restore(&wide, &w);
        VN_AUTOFREE char *after = vn_fake_contents(fake, mems, NULL);
        VN_AUTOPTR(vn_bitmap) a = vn_bitmap_parse(after, 64, &e);
        assert_true(a && vn_bitmap_equal(a, one));
        assert_int_equal(w.n, 0);
        assert_null(wide.path);
        /* all allowed already: nothing to widen or restore */
        assert_int_equal(cg.be->set_mems(&cg, emu, all, &e), 0);
        size_t writes = vn_fake_count(fake, VN_FAKE_WRITE, mems);
        assert_int_equal(vn_cg_emulator_all_nodes(&cg, emu, all, &wide, &e), 0);
        assert_null(wide.path);
        vn_cg_emulator_restore(&wide, &w);
        assert_int_equal(vn_fake_count(fake, VN_FAKE_WRITE, mems), writes);
        vn_undo_run(&u);
        drop_host();
    }
}

/* run on the fake: everything until exec, which the fake refuses. */
static void run_expect(bool v2, void (*inject)(void), const char *step)
{
    build_host(v2);
    if (inject)
        inject();
    VN_AUTOFREE char *before = tree();
    VN_AUTOCLEAR(vn_apply_opts) o;
    opts(&o);
    vn_error e = {0};
    char *cmd[] = {"true", NULL};
    assert_int_equal(vn_apply_run_exec("/d/g.xml", cmd, &o, &e), -1);
    if (!strstr(e.msg, step)) {
        VN_AUTOFREE char *log = vn_fake_log(fake);
        fail_msg("want '%s' in: %s\n%s", step, e.msg, getenv("VN_TEST_LOG") ? log : "");
    }
    VN_AUTOFREE char *after = tree();
    assert_string_equal(before, after);
    assert_int_equal(vn_fake_open_fds(fake), 0);
    drop_host();
}

static void inject_not_root(void) { euid = 1000; }
static void inject_mems_einval(void)
{
    /* the 1st open is the inherit's (0-1, the parent's), the 2nd the domain's 1 */
    vn_fake_fail(fake, VN_FAKE_OPEN, CG1 "/machine/qemu-1-g.libvirt-qemu/cpuset.mems", 2,
                 EINVAL);
}
static void inject_no_controller(void)
{
    vn_fake_remove(fake, CG2 "/machine/cgroup.subtree_control");
    vn_fake_add_file(fake, CG2 "/machine/cgroup.subtree_control", "", 0644);
    vn_fake_fail_path(fake, VN_FAKE_WRITE, CG2 "/machine/cgroup.subtree_control", ENOENT);
}
static void inject_effective(void)
{
    vn_fake_remove(fake, CG2 "/machine/cpuset.mems");
    vn_fake_add_file(fake, CG2 "/machine/cpuset.mems", "0\n", 0644);
}
static void inject_policy(void) { policy_errno = EINVAL; }
static void inject_mkdir(void)
{
    vn_fake_fail_path(fake, VN_FAKE_MKDIRAT, CG1 "/machine/qemu", EACCES);
}
static void inject_join(void)
{
    vn_fake_fail_path(fake, VN_FAKE_OPEN, CG1 "/machine/qemu-1-g.libvirt-qemu/cgroup.procs",
                      ENOSPC);
}
static void inject_state(void)
{
    vn_fake_fail_nth(fake, VN_FAKE_RENAMEAT, 2, ENOSPC);
}

/* Saving an entry again replaces info by exchanging the two names and
 * removing the old file, not by renaming over it (on ext4 that writes the
 * file out first: milliseconds per save); only the first save, with no
 * info yet, renames.  A file system without RENAME_EXCHANGE renames. */
static void test_entry_save_exchanges(void **state)
{
    (void)state;
    for (int noexchange = 0; noexchange < 2; noexchange++) {
        build_host(false);
        if (noexchange)
            vn_fake_fail_nth(fake, VN_FAKE_EXCHANGEAT, 0, EINVAL);
        VN_AUTOCLEAR(vn_apply_opts) o;
        opts(&o);
        VN_AUTOCLEAR(vn_ap_entry) e = {.dirfd = -1, .lockfd = -1};
        VN_AUTOCLEAR(vn_undo) u = {0};
        vn_error err = {0};
        assert_int_equal(vn_ap_entry_create(&o, "g", &e, &u, &err), 0);
        const char *states[] = {"starting", "placed", "running"};
        for (size_t i = 0; i < VN_ARRAY_LEN(states); i++) {
            free(e.info.state);
            e.info.state = vn_strdup(states[i]);
            free(e.info.name);
            e.info.name = vn_strdup("g");
            assert_int_equal(vn_ap_entry_save(&e, &err), 0);
            VN_AUTOFREE char *text = vn_fake_contents(fake, "/run/vnuma/g/info", NULL);
            VN_AUTOFREE char *want = vn_asprintf("state=%s\n", states[i]);
            assert_non_null(strstr(text, want));
            struct stat st;
            assert_false(vn_fake_lstat(fake, "/run/vnuma/g/info.tmp", &st));
        }
        assert_int_equal(vn_fake_count(fake, VN_FAKE_RENAMEAT, "/run/vnuma/g/info.tmp"),
                         noexchange ? 3 : 1);
        assert_int_equal(vn_fake_count(fake, VN_FAKE_EXCHANGEAT, "/run/vnuma/g/info.tmp"), 3);
        assert_int_equal(vn_ap_entry_save_xml(&e, "<domain/>\n", &err), 0);
        assert_int_equal(vn_ap_entry_save_xml(&e, "<domain type='qemu'/>\n", &err), 0);
        VN_AUTOFREE char *xml = vn_fake_contents(fake, "/run/vnuma/g/domain.xml", NULL);
        assert_string_equal(xml, "<domain type='qemu'/>\n");
        assert_int_equal(vn_fake_count(fake, VN_FAKE_RENAMEAT, "/run/vnuma/g/domain.xml.tmp"),
                         noexchange ? 2 : 1);
        vn_undo_commit(&u);
        vn_ap_entry_clear(&e);
        drop_host();
    }
}

static void test_run_undone(void **state)
{
    (void)state;
    run_expect(false, NULL, "exec: cannot run 'true'");
    run_expect(true, NULL, "exec: cannot run 'true'");
    run_expect(false, inject_not_root, "run: vnuma must run as root");
    run_expect(false, inject_mems_einval, "domain cgroup: cannot write '1' to "
               CG1 "/machine/qemu-1-g.libvirt-qemu/cpuset.mems: Invalid argument");
    run_expect(true, inject_no_controller, "domain cgroup: cannot write '+cpuset' to "
               CG2 "/machine/cgroup.subtree_control");
    run_expect(true, inject_effective, "domain cgroup: cpuset.mems asked '1' but");
    run_expect(false, inject_policy, "memory policy: set_mempolicy(MPOL_BIND, nodes '1')");
    run_expect(false, inject_mkdir, "domain cgroup: cannot create cgroup");
    run_expect(false, inject_join, "domain cgroup: cannot write '4242' to");
    run_expect(false, inject_state, "state entry");
}

static void test_second_start_refused(void **state)
{
    (void)state;
    build_host(false);
    vn_fake_add_file(fake, "/run/vnuma/g/lock", "", 0600);
    vn_fake_add_file(fake, "/run/vnuma/g/info", "vnuma-entry 1\nname=g\nkind=run\n"
                     "state=running\npid=4242\nstart=5555\n", 0600);
    VN_AUTOFREE char *before = tree();
    VN_AUTOCLEAR(vn_apply_opts) o;
    opts(&o);
    vn_error e = {0};
    char *cmd[] = {"true", NULL};
    assert_int_equal(vn_apply_run_exec("/d/g.xml", cmd, &o, &e), -1);
    assert_non_null(strstr(e.msg, "state entry: domain 'g' is already active (pid 4242"));
    VN_AUTOFREE char *after = tree();
    assert_string_equal(before, after);
    /* the same entry with another start time is stale: reaped, run goes on */
    vn_fake_remove(fake, "/run/vnuma/g/info");
    vn_fake_add_file(fake, "/run/vnuma/g/info", "vnuma-entry 1\nname=g\nkind=run\n"
                     "state=running\npid=4242\nstart=1\n", 0600);
    vn_error e2 = {0};
    assert_int_equal(vn_apply_run_exec("/d/g.xml", cmd, &o, &e2), -1);
    assert_non_null(strstr(e2.msg, "exec: cannot run"));
    struct stat st;
    assert_false(vn_fake_lstat(fake, "/run/vnuma/g", &st));
    drop_host();
}

static void test_launch_fork_refused(void **state)
{
    (void)state;
    build_host(true);
    vn_fake_add_dir(fake, "/var/log/vnuma", 0755);
    VN_AUTOFREE char *before = tree();
    VN_AUTOCLEAR(vn_apply_opts) o;
    opts(&o);
    vn_error e = {0};
    assert_int_equal(vn_apply_launch("/d/g.xml", NULL, 0, &o, NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "starting QEMU: fork: Resource temporarily unavailable"));
    VN_AUTOFREE char *after = tree();
    /* the log file stays, as libvirt keeps its domain log; nothing else */
    VN_AUTOCLEAR(vn_buf) want = {0};
    vn_buf_add(&want, before);
    assert_non_null(strstr(after, "/var/log/vnuma/g.log"));
    assert_null(strstr(after, "qemu-1-g.libvirt-qemu"));
    assert_null(strstr(after, "/run/vnuma/g"));
    assert_int_equal(vn_fake_open_fds(fake), 0);
    drop_host();
}

/* The public API (include/vnuma.h) over the same code. */
static void test_public_api(void **state)
{
    (void)state;
    build_host(false);
    vnuma_apply_opts *o = vnuma_apply_opts_new();
    vnuma_apply_opts_set_state_dir(o, "/run/vnuma");
    vnuma_apply_opts_set_host(o, "synthetic:numa:2 core:1 pu:1 mem=4G");
    vnuma_error *err = NULL;
    char *l = vnuma_list(o, 1, &err);
    assert_string_equal(l, "[]\n");
    free(l);
    assert_int_equal(vnuma_stop("nope", o, &err), -1);
    assert_non_null(strstr(vnuma_error_message(err), "no domain 'nope' is registered"));
    char *cmd[] = {"true", NULL};
    assert_int_equal(vnuma_run_exec("/d/g.xml", cmd, o, &err), -1);
    assert_non_null(strstr(vnuma_error_message(err), "exec: cannot run 'true'"));
    vnuma_error_free(err);
    vnuma_apply_opts_free(o);
    drop_host();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backend_choice),
        cmocka_unit_test(test_proc_parsers),
        cmocka_unit_test(test_numa_maps),
        cmocka_unit_test(test_info_and_names),
        cmocka_unit_test(test_v1_inherit),
        cmocka_unit_test(test_v2_fallback_detected),
        cmocka_unit_test(test_entry_save_exchanges),
        cmocka_unit_test(test_run_undone),
        cmocka_unit_test(test_second_start_refused),
        cmocka_unit_test(test_launch_fork_refused),
        cmocka_unit_test(test_emulator_all_nodes),
        cmocka_unit_test(test_public_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
