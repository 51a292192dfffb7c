/*
 * qemu.h - the QEMU 7.2 command line for a domain's memory and NUMA layout,
 * as libvirt 9.0 builds it (qemu_command.c): -machine memory properties,
 * -m, -overcommit, -smp, memory backends, -numa, memory devices.
 *
 * vn_qemu_build runs vn_domain_validate_start first, so whatever it refuses
 * `vnuma check` refuses too.
 */
#ifndef VN_QEMU_H
#define VN_QEMU_H

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"

typedef struct vn_argv {
    char **v;
    size_t n;
} vn_argv;

void vn_argv_add(vn_argv *a, const char *s);
void vn_argv_addf(vn_argv *a, const char *fmt, ...) VN_PRINTF(2, 3);
void vn_argv_clear(vn_argv *a);
VN_DEFINE_AUTOCLEAR(vn_argv, vn_argv_clear)

typedef enum { VN_ARGV_ARGS, VN_ARGV_SHELL, VN_ARGV_JSON } vn_argv_style;
/* args: libvirt's .args layout (one option and its value per line, ` \`
 * continuations); shell: one shell-quoted line; json: an array of strings. */
char *vn_argv_format(const vn_argv *a, vn_argv_style style);

int vn_qemu_build(vn_domain *dom, const vn_host *host, const vn_config *cfg,
                  vn_warnings *warnings, vn_argv *out, vn_error *err);

/* ---- memory hot-plug (memdev.c), for src/live ---- */

/* Give every memory device of dom without an alias the one the command
 * line gave it (qemuAssignDeviceMemoryAlias, in device order). */
int vn_qemu_memdev_aliases(vn_domain *dom, vn_error *err);
/* The alias a device about to be hot-plugged into dom gets (its user
 * alias, else dimm<slot>, nvdimm<slot>, virtiomem<N>...). */
char *vn_qemu_memdev_new_alias(const vn_domain *dom, const vn_memdev *mem, vn_error *err);

/* What QMP needs to hot-plug dom->memdevs[i] (named, with its slot or PCI
 * address): the arguments of object-add (qemuBuildMemoryBackendProps, the
 * same builder as -object) and of device_add (qemuBuildMemoryDeviceProps,
 * the same as -device), as JSON objects' text. */
typedef struct vn_qemu_hotplug {
    char *backend_id;          /* "mem" + alias */
    char *object_json;         /* {"qom-type":...,"id":...,...} */
    char *device_json;         /* {"driver":...,"id":...,...} */
} vn_qemu_hotplug;
void vn_qemu_hotplug_clear(vn_qemu_hotplug *h);
VN_DEFINE_AUTOCLEAR(vn_qemu_hotplug, vn_qemu_hotplug_clear)
int vn_qemu_memdev_hotplug(vn_domain *dom, size_t i, const vn_host *host,
                           const vn_config *cfg, vn_qemu_hotplug *out, vn_error *err);
/* The huge page size backing dom->memdevs[i] (qemuBuildMemoryGetPagesize):
 * 0 for ordinary memory or a file of its own (nvdimm, virtio-pmem). */
int vn_qemu_memdev_pagesize(const vn_domain *dom, size_t i, const vn_config *cfg,
                            uint64_t *page_kib, vn_error *err);

#endif
