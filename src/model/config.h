/*
 * config.h - what libvirt reads from qemu.conf and the domain's run state,
 * and vnuma takes from the command line: hugetlbfs mounts (the first is
 * the default huge page size), the memory-backing directory, the domain id.
 */
#ifndef VN_CONFIG_H
#define VN_CONFIG_H

#include <stdint.h>

#include "base/util.h"

typedef struct vn_hugetlbfs {
    char *path;
    uint64_t size_kib;
} vn_hugetlbfs;

typedef struct vn_config {
    vn_hugetlbfs *mounts;
    size_t nmounts;
    char *memory_backing_dir;  /* default /var/lib/libvirt/qemu/ram */
    int domain_id;             /* default -1: not running */
} vn_config;

void vn_config_init(vn_config *cfg);
void vn_config_clear(vn_config *cfg);
VN_DEFINE_AUTOCLEAR(vn_config, vn_config_clear)
void vn_config_add_mount(vn_config *cfg, const char *path, uint64_t size_kib);
/* Parse "PATH=SIZE" (SIZE like 2M, 1G, 2048k, 2048 = KiB). */
int vn_config_add_mount_spec(vn_config *cfg, const char *spec, vn_error *err);
/* The mount for a page size (0 = default); NULL when none. */
const vn_hugetlbfs *vn_config_mount_for(const vn_config *cfg, uint64_t size_kib);

#endif
