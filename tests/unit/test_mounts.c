/*
 * test_mounts.c - the hugetlbfs mounts and memory backing directory found
 * as libvirt 9.0's QEMU driver finds them (host/host_mounts.c), on trees
 * built in the fake OS.  The expectations are libvirt's rules:
 *   - qemu.conf's hugetlbfs_mount wins; virQEMUDriverConfigHugeTLBFSInit
 *     marks every mount but the first as default, so with the oracle's
 *     ["/dev/hugepages1G", "/dev/hugepages2M"] the default is 2M (as
 *     ../shared/oracle/README.md observed on the real daemon);
 *   - without it virFileFindHugeTLBFS takes every hugetlbfs mount of
 *     /proc/mounts, default = the kernel's Hugepagesize;
 *   - --hugetlbfs (mounts_source set) and --memory-backing-dir win over both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "model/config.h"
#include "os/os_fake.h"

static vn_fake *fake;

static const char mounts[] =
    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
    "none /dev/hugepages2M hugetlbfs rw,relatime,pagesize=2M 0 0\n"
    "none /dev/hugepages1G hugetlbfs rw,relatime,pagesize=1024M 0 0\n"
    "none /mnt/huge\\040pages hugetlbfs rw,relatime,pagesize=2M 0 0\n"
    "tmpfs /run tmpfs rw 0 0\n";

static int setup(void **state)
{
    (void)state;
    fake = vn_fake_new();
    vn_os_set(vn_fake_os(fake));
    assert_int_equal(vn_fake_add_file(fake, "/r/proc/mounts", mounts, 0444), 0);
    assert_int_equal(vn_fake_add_file(fake, "/r/proc/meminfo",
                                      "MemTotal: 8000000 kB\nHugepagesize:       2048 kB\n", 0444), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vn_os_set(NULL);
    assert_int_equal(vn_fake_open_fds(fake), 0);
    vn_fake_free(fake);
    return 0;
}

static void conf(const char *text)
{
    assert_int_equal(vn_fake_add_file(fake, "/r/etc/libvirt/qemu.conf", text, 0644), 0);
}

static void test_proc_mounts(void **state)
{
    (void)state;
    VN_AUTOCLEAR(vn_config) cfg;
    vn_config_init(&cfg);
    vn_error e = {0};
    assert_int_equal(vn_config_discover(&cfg, "/r", &e), 0);
    assert_int_equal(cfg.nmounts, 3);
    assert_string_equal(cfg.mounts[0].path, "/dev/hugepages2M");
    assert_int_equal(cfg.mounts[0].size_kib, 2048);
    assert_true(cfg.mounts[0].deflt);
    assert_string_equal(cfg.mounts[1].path, "/dev/hugepages1G");
    assert_int_equal(cfg.mounts[1].size_kib, 1048576);
    assert_false(cfg.mounts[1].deflt);
    assert_string_equal(cfg.mounts[2].path, "/mnt/huge pages");    /* \040 undone */
    assert_int_equal(vn_config_default_page_kib(&cfg), 2048);
    assert_string_equal(cfg.mounts_source, "/r/proc/mounts");
    assert_null(cfg.backing_dir_source);
    assert_string_equal(cfg.memory_backing_dir, "/var/lib/libvirt/qemu/ram");
}

static void test_qemu_conf_list(void **state)
{
    (void)state;
    conf("# libvirt's qemu.conf\nuser = \"root\"\nmax_files = 32768\n"
         "hugetlbfs_mount = [\"/dev/hugepages1G\",\n   \"/dev/hugepages2M\"]  # two\n"
         "memory_backing_dir = \"/srv/ram\"\n");
    VN_AUTOCLEAR(vn_config) cfg;
    vn_config_init(&cfg);
    vn_error e = {0};
    assert_int_equal(vn_config_discover(&cfg, "/r", &e), 0);
    assert_int_equal(cfg.nmounts, 2);
    assert_string_equal(cfg.mounts[0].path, "/dev/hugepages1G");
    assert_false(cfg.mounts[0].deflt);               /* i != 0 */
    assert_true(cfg.mounts[1].deflt);
    assert_int_equal(vn_config_default_page_kib(&cfg), 2048);
    assert_string_equal(cfg.mounts_source, "/r/etc/libvirt/qemu.conf (hugetlbfs_mount)");
    assert_string_equal(cfg.memory_backing_dir, "/srv/ram");
    assert_string_equal(cfg.backing_dir_source, "/r/etc/libvirt/qemu.conf (memory_backing_dir)");
}

static void test_qemu_conf_one_or_none(void **state)
{
    (void)state;
    conf("hugetlbfs_mount = \"/dev/hugepages1G\"\n");
    VN_AUTOCLEAR(vn_config) one;
    vn_config_init(&one);
    vn_error e = {0};
    assert_int_equal(vn_config_discover(&one, "/r", &e), 0);
    assert_int_equal(one.nmounts, 1);
    assert_false(one.mounts[0].deflt);              /* no default: the first serves */
    assert_int_equal(vn_config_default_page_kib(&one), 1048576);

    assert_int_equal(vn_fake_remove(fake, "/r/etc/libvirt/qemu.conf"), 0);
    conf("hugetlbfs_mount = []\n");                 /* disabled by the administrator */
    VN_AUTOCLEAR(vn_config) none;
    vn_config_init(&none);
    assert_int_equal(vn_config_discover(&none, "/r", &e), 0);
    assert_int_equal(none.nmounts, 0);
    assert_non_null(none.mounts_source);
}

static void test_given_wins(void **state)
{
    (void)state;
    conf("hugetlbfs_mount = [\"/dev/hugepages1G\"]\nmemory_backing_dir = \"/srv/ram\"\n");
    VN_AUTOCLEAR(vn_config) cfg;
    vn_config_init(&cfg);
    vn_error e = {0};
    vn_config_add_mount(&cfg, "/x", 2048);
    cfg.mounts_source = vn_strdup("--hugetlbfs");
    cfg.backing_dir_source = vn_strdup("--memory-backing-dir");
    assert_int_equal(vn_config_discover(&cfg, "/r", &e), 0);
    assert_int_equal(cfg.nmounts, 1);
    assert_string_equal(cfg.mounts[0].path, "/x");
    assert_string_equal(cfg.memory_backing_dir, "/var/lib/libvirt/qemu/ram");
}

static void test_refusals(void **state)
{
    (void)state;
    conf("hugetlbfs_mount = [\"/tmp\"]\n");
    VN_AUTOCLEAR(vn_config) cfg;
    vn_config_init(&cfg);
    vn_error e = {0};
    assert_int_equal(vn_config_discover(&cfg, "/r", &e), -1);
    assert_string_equal(e.msg, "internal error: not a hugetlbfs mount: '/tmp' (hugetlbfs_mount in "
                               "/r/etc/libvirt/qemu.conf)");
    assert_int_equal(vn_fake_remove(fake, "/r/etc/libvirt/qemu.conf"), 0);
    conf("user = \"root\"\nhugetlbfs_mount = [\"/dev/hugepages2M\"\n");
    VN_AUTOCLEAR(vn_config) bad;
    vn_config_init(&bad);
    vn_error e2 = {0};
    assert_int_equal(vn_config_discover(&bad, "/r", &e2), -1);
    assert_string_equal(e2.msg, "cannot parse /r/etc/libvirt/qemu.conf, line 2: expected NAME = VALUE");
}

static void test_nothing_there(void **state)
{
    (void)state;
    VN_AUTOCLEAR(vn_config) cfg;
    vn_config_init(&cfg);
    vn_error e = {0};
    assert_int_equal(vn_config_discover(&cfg, "/nowhere", &e), 0);
    assert_int_equal(cfg.nmounts, 0);
    assert_null(cfg.mounts_source);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_proc_mounts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qemu_conf_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qemu_conf_one_or_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_given_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_there, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
