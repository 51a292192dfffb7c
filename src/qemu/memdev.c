/*
 * memdev.c - memory devices for QEMU 7.2, built once for both ways in:
 * the command line's -object/-device (qemu_command.c) and QMP's
 * object-add/device_add when a device is hot-plugged (src/live), as
 * libvirt 9.0's qemuDomainAttachMemory (qemu_hotplug.c) reuses
 * qemuBuildMemoryBackendProps and qemuBuildMemoryDeviceProps of
 * qemu_command.c.  The JSON text built here is the -object/-device value
 * on the command line and the "arguments" object of the QMP command.
 *
 *   - the alias (qemuAssignDeviceMemoryAlias, qemu_alias.c): a user alias
 *     stays; dimm/nvdimm are <prefix><slot>; virtio-mem, virtio-pmem and
 *     sgx-epc take one more than the highest index of their prefix;
 *   - the device (qemuBuildMemoryDeviceProps): driver, node, label-size,
 *     block-size, requested-size, uuid, unarmed, memdev, prealloc (virtio-mem
 *     on huge pages), id, then the address (qemuBuildDeviceAddressProps:
 *     slot and addr for a dimm, bus/multifunction/addr for PCI);
 *   - the backend (qemuBuildMemoryBackendProps with force, as for every
 *     memory device): backend.c.  Hot-plug sends it without the
 *     thread-context the command line puts before it (libvirt 9.0's
 *     qemuDomainAttachMemory builds none).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/machine.h"
#include "qemu/qemu_internal.h"

const char *vq_memdev_prefix(vn_memory_model m)
{
    switch (m) {
    case VN_MEMORY_MODEL_DIMM: return "dimm";
    case VN_MEMORY_MODEL_NVDIMM: return "nvdimm";
    case VN_MEMORY_MODEL_VIRTIO_PMEM: return "virtiopmem";
    case VN_MEMORY_MODEL_VIRTIO_MEM: return "virtiomem";
    case VN_MEMORY_MODEL_SGX_EPC: return "epc";
    default: return NULL;
    }
}

/* qemuDomainDeviceAliasIndex */
int vq_memdev_alias_index(const char *alias, const char *prefix)
{
    size_t n = strlen(prefix);
    int idx;
    if (!alias || strncmp(alias, prefix, n) != 0 || !vn_parse_int(alias + n, &idx))
        return -1;
    return idx;
}

/* qemuAssignDeviceMemoryAlias / qemuDeviceMemoryGetAliasID (oldAlias
 * false): the aliases given are those assigned so far (NULL: none yet). */
char *vq_memdev_alias(const vn_memdev *md, unsigned slot, char *const *aliases, size_t n,
                      vn_error *err)
{
    const char *prefix = vq_memdev_prefix(md->model);
    if (md->alias)
        return vn_strdup(md->alias);
    if (!prefix) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "unsupported memory model");
        return NULL;
    }
    int idx = 0;
    if (md->model == VN_MEMORY_MODEL_DIMM || md->model == VN_MEMORY_MODEL_NVDIMM) {
        idx = (int)slot;
    } else {
        for (size_t j = 0; j < n; j++) {
            int k = vq_memdev_alias_index(aliases[j], prefix);
            if (k >= idx)
                idx = k + 1;
        }
    }
    return vn_asprintf("%s%d", prefix, idx);
}

/* qemuBuildDeviceAddressProps for DIMM and PCI addresses */
static void add_device_address(const ctx *c, vn_buf *b, size_t i)
{
    const vn_memdev *md = &c->dom->memdevs[i];
    if (md->addr_type == VN_MEMDEV_ADDR_PCI) {
        const char *root = vn_qemu_machine_is_q35(c->dom) ? "pcie.0" : "pci.0";
        VN_AUTOFREE char *bus = md->pci_bus ? vn_asprintf("pci.%u", md->pci_bus) : vn_strdup(root);
        vq_jstr(b, "bus", bus);
        vq_jtristate(b, "multifunction", md->pci_multifunction);
        VN_AUTOFREE char *addr = md->pci_function
            ? vn_asprintf("0x%x.0x%x", md->pci_slot, md->pci_function)
            : vn_asprintf("0x%x", md->pci_slot);
        vq_jstr(b, "addr", addr);
    } else if (c->mem_has_slot[i]) {
        vq_ju64(b, "slot", c->mem_slot[i]);
        if (md->addr_base)
            vq_ju64(b, "addr", md->addr_base);
    }
}

memview vq_memdev_view(const vn_memdev *md, const char *alias)
{
    bool has_path = md->model == VN_MEMORY_MODEL_NVDIMM || md->model == VN_MEMORY_MODEL_VIRTIO_PMEM;
    memview m = {
        .model = md->model, .access = md->access, .discard = md->discard,
        .target_node = md->target_node, .size_kib = md->size_kib,
        .pagesize_kib = md->pagesize_kib, .nvdimm_path = has_path ? md->path : NULL,
        .alignsize_kib = md->alignsize_kib, .pmem = md->pmem,
        .source_nodes = md->source_nodes, .alias = alias,
    };
    return m;
}

/* qemuBuildMemoryDeviceProps */
int vq_memdev_device_props(ctx *c, size_t i, vn_buf *b)
{
    static const char *const driver[] = {
        [VN_MEMORY_MODEL_DIMM] = "pc-dimm", [VN_MEMORY_MODEL_NVDIMM] = "nvdimm",
        [VN_MEMORY_MODEL_VIRTIO_PMEM] = "virtio-pmem-pci",
        [VN_MEMORY_MODEL_VIRTIO_MEM] = "virtio-mem-pci",
    };
    const vn_memdev *md = &c->dom->memdevs[i];
    memview m = vq_memdev_view(md, c->mem_alias[i]);
    pageinfo pi = {0};

    if ((size_t)md->model >= VN_ARRAY_LEN(driver) || !driver[md->model]) {
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                      "memory device model '%s' has no QEMU device",
                      vn_memory_model_to_string(md->model));
        return -1;
    }
    if (md->model == VN_MEMORY_MODEL_VIRTIO_MEM && vq_get_pagesize(c, &m, &pi) < 0)
        return -1;
    vn_buf_add(b, "{\"driver\":");
    vn_buf_add_json_string(b, driver[md->model]);
    if (md->target_node >= 0)
        vq_ju64(b, "node", (uint64_t)md->target_node);
    if (vq_add_bytes(c, b, "label-size", md->labelsize_kib, true) < 0 ||
        vq_add_bytes(c, b, "block-size", md->blocksize_kib, true) < 0 ||
        vq_add_bytes(c, b, "requested-size", md->requested_kib, true) < 0)
        return -1;
    if (md->uuid)
        vq_jstr(b, "uuid", md->uuid);
    if (md->readonly)
        vq_jbool(b, "unarmed", true);
    VN_AUTOFREE char *memdev = vn_asprintf("mem%s", c->mem_alias[i]);
    vq_jstr(b, "memdev", memdev);
    if (pi.prealloc)
        vq_jbool(b, "prealloc", true);
    vq_jstr(b, "id", c->mem_alias[i]);
    add_device_address(c, b, i);
    vn_buf_addc(b, '}');
    return 0;
}

/* ---- hot-plug (qemu.h) ---- */

int vn_qemu_memdev_aliases(vn_domain *dom, vn_error *err)
{
    size_t n = dom->nmemdevs;
    VN_AUTOFREE char **aliases = vn_calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        aliases[i] = dom->memdevs[i].alias;
    for (size_t i = 0; i < n; i++) {
        vn_memdev *md = &dom->memdevs[i];
        if (md->alias)
            continue;
        unsigned slot = md->addr_type == VN_MEMDEV_ADDR_DIMM ? md->addr_slot : 0;
        /* at start, the devices before this one are named already and
         * those after it not yet: scan only the earlier ones */
        if (!(md->alias = vq_memdev_alias(md, slot, aliases, i, err)))
            return -1;
        aliases[i] = md->alias;
    }
    return 0;
}

char *vn_qemu_memdev_new_alias(const vn_domain *dom, const vn_memdev *mem, vn_error *err)
{
    VN_AUTOFREE char **aliases = vn_calloc(dom->nmemdevs + 1, sizeof(char *));
    for (size_t i = 0; i < dom->nmemdevs; i++)
        aliases[i] = dom->memdevs[i].alias;
    unsigned slot = mem->addr_type == VN_MEMDEV_ADDR_DIMM ? mem->addr_slot : 0;
    return vq_memdev_alias(mem, slot, aliases, dom->nmemdevs, err);
}

void vn_qemu_hotplug_clear(vn_qemu_hotplug *h)
{
    free(h->backend_id);
    free(h->object_json);
    free(h->device_json);
    *h = (vn_qemu_hotplug){0};
}

int vn_qemu_memdev_hotplug(vn_domain *dom, size_t i, const vn_host *host,
                           const vn_config *cfg, vn_qemu_hotplug *out, vn_error *err)
{
    size_t n = dom->nmemdevs;
    vn_config defaults;
    vn_config_init(&defaults);
    ctx c = {.dom = dom, .host = host, .cfg = cfg ? cfg : &defaults, .err = err};
    c.mem_alias = vn_calloc(n + 1, sizeof(char *));
    c.mem_slot = vn_calloc(n + 1, sizeof(unsigned));
    c.mem_has_slot = vn_calloc(n + 1, sizeof(bool));
    for (size_t k = 0; k < n; k++) {
        c.mem_alias[k] = dom->memdevs[k].alias;
        c.mem_has_slot[k] = dom->memdevs[k].addr_type == VN_MEMDEV_ADDR_DIMM;
        c.mem_slot[k] = dom->memdevs[k].addr_slot;
    }
    /* priv->memPrealloc: -mem-prealloc is on the command line only for a
     * guest without cells, which cannot have memory hot-plug */
    c.mem_prealloc = false;
    int rc = -1;
    backend be = {0};
    vn_buf dev = {0}, obj = {0};
    VN_AUTOFREE char *id = NULL;
    const vn_memdev *md = i < n ? &dom->memdevs[i] : NULL;
    if (!md || !md->alias) {
        vn_error_set(err, VNUMA_ERR_INVALID, "memory device %zu has no alias", i);
        goto out;
    }
    id = vn_asprintf("mem%s", md->alias);
    memview m = vq_memdev_view(md, md->alias);
    /* qemuBuildMemoryDeviceProps, then qemuBuildMemoryBackendProps(...,
     * force true, systemMemory false), in qemuDomainAttachMemory's order */
    if (vq_memdev_device_props(&c, i, &dev) < 0 ||
        vq_backend_props(&c, id, &m, true, false, &be) < 0)
        goto out;
    vn_buf_add(&obj, "{\"qom-type\":");
    vn_buf_add_json_string(&obj, be.type);
    vn_buf_add(&obj, ",\"id\":");
    vn_buf_add_json_string(&obj, be.id);
    vn_buf_add(&obj, be.body.s);
    vn_buf_addc(&obj, '}');
    out->backend_id = vn_strdup(id);
    out->object_json = vn_buf_steal(&obj);
    out->device_json = vn_buf_steal(&dev);
    rc = 0;
out:
    vq_backend_clear(&be);
    vn_buf_free(&dev);
    vn_buf_free(&obj);
    free(c.mem_alias);
    free(c.mem_slot);
    free(c.mem_has_slot);
    vn_config_clear(&defaults);
    return rc;
}

int vn_qemu_memdev_pagesize(const vn_domain *dom, size_t i, const vn_config *cfg,
                            uint64_t *page_kib, vn_error *err)
{
    vn_config defaults;
    vn_config_init(&defaults);
    ctx c = {.dom = (vn_domain *)dom, .cfg = cfg ? cfg : &defaults, .err = err};
    const vn_memdev *md = &dom->memdevs[i];
    memview m = vq_memdev_view(md, md->alias);
    pageinfo pi = {0};
    int rc = vq_get_pagesize(&c, &m, &pi);
    vn_config_clear(&defaults);
    *page_kib = rc == 0 && pi.use_hugepage && !m.nvdimm_path ? pi.pagesize : 0;
    return rc;
}
