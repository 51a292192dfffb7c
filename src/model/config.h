/*
 * config.h - what libvirt reads from qemu.conf and the domain's run state,
 * and vnuma takes from the command line: hugetlbfs mounts (one of them
 * marks the default huge page size), the memory-backing directory, the
 * domain id.  host/host_mounts.c discovers the mounts and the directory as
 * libvirt does (qemu.conf, else /proc/mounts).
 */
#ifndef VN_CONFIG_H
#define VN_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/util.h"

typedef struct vn_hugetlbfs {
    char *path;
    uint64_t size_kib;
    bool deflt;                /* libvirt's virHugeTLBFS.deflt */
} vn_hugetlbfs;

typedef struct vn_config {
    vn_hugetlbfs *mounts;
    size_t nmounts;
    char *mounts_source;       /* where the mounts came from, for --verbose
                                  ("--hugetlbfs", "/etc/libvirt/qemu.conf",
                                  "/proc/mounts"); NULL: none given */
    char *memory_backing_dir;  /* default /var/lib/libvirt/qemu/ram */
    char *backing_dir_source;  /* the same for the directory; NULL: default */
    int domain_id;             /* default -1: not running */
} vn_config;

void vn_config_init(vn_config *cfg);
void vn_config_clear(vn_config *cfg);
VN_DEFINE_AUTOCLEAR(vn_config, vn_config_clear)
/* dst (initialised or cleared) becomes a copy of src. */
void vn_config_copy(vn_config *dst, const vn_config *src);
/* dst's mounts and their source become a copy of src's (the rest stays). */
void vn_config_copy_mounts(vn_config *dst, const vn_config *src);
/* A mount; the first one added this way is the default (the rule of
 * libvirt's own tests and of --hugetlbfs). */
void vn_config_add_mount(vn_config *cfg, const char *path, uint64_t size_kib);
void vn_config_add_mount_deflt(vn_config *cfg, const char *path, uint64_t size_kib,
                               bool deflt);
/* The memory backing directory, and where it came from (for --verbose). */
void vn_config_set_backing_dir(vn_config *cfg, const char *dir, const char *source);
/* The source the command line gives: --memory-backing-dir DIR. */
#define VN_CONFIG_FROM_BACKING_DIR_OPTION "--memory-backing-dir"
/* Whether the command line gave the mounts (--hugetlbfs, "none" too) and
 * the directory, rather than discovery or the default. */
bool vn_config_mounts_given(const vn_config *cfg);
bool vn_config_backing_dir_given(const vn_config *cfg);
/* Parse "PATH=SIZE" (SIZE like 2M, 1G, 2048k, 2048 = KiB), or "none": no
 * mounts at all (nothing discovered either).  Sets mounts_source. */
int vn_config_add_mount_spec(vn_config *cfg, const char *spec, vn_error *err);
/* qemuBuildMemoryGetDefaultPagesize's mount: the first marked default,
 * else the first; NULL when there is none. */
const vn_hugetlbfs *vn_config_default_mount(const vn_config *cfg);
/* The default huge page size, 0 without mounts. */
uint64_t vn_config_default_page_kib(const vn_config *cfg);
/* The mount for a page size (0 = the default one); NULL when none. */
const vn_hugetlbfs *vn_config_mount_for(const vn_config *cfg, uint64_t size_kib);

/* host/host_mounts.c: what cfg does not have yet (mounts_source NULL:
 * no --hugetlbfs; backing_dir_source NULL: no --memory-backing-dir), found
 * as libvirt's QEMU driver finds it: qemu.conf's hugetlbfs_mount, else the
 * hugetlbfs mounts of /proc/mounts; qemu.conf's memory_backing_dir.  root:
 * NULL or "/" for this machine, else a tree holding etc/libvirt/qemu.conf,
 * proc/mounts and proc/meminfo.  Missing files find nothing; a malformed
 * qemu.conf, or a hugetlbfs_mount that is no hugetlbfs mount, is an error
 * naming it. */
int vn_config_discover(vn_config *cfg, const char *root, vn_error *err);
/* "hugetlbfs mounts (from SOURCE): PATH (SIZE KiB, default), ...; memory
 * backing directory DIR (from SOURCE)", for --verbose.  Caller frees. */
char *vn_config_describe(const vn_config *cfg);

#endif
