/*
 * attach.c - `vnuma attach NAME DEVICE.xml`: a memory device hot-plugged
 * into a running guest as libvirt 9.0 does it (qemu_driver.c,
 * qemuDomainAttachDeviceLiveAndConfig, then qemu_hotplug.c,
 * qemuDomainAttachMemory).
 *
 * Before any QMP traffic, in libvirt's order:
 *   1. the device XML (virDomainDeviceDefParse: the element's rules,
 *      virDomainMemoryDefValidate against the live domain: the target
 *      cell exists, nvdimm has a path, virtio-mem's requested <= size, a
 *      power-of-two block of at least 2 MiB, requested a multiple of it);
 *   2. a user alias is not in use (virDomainDeviceValidateAliasForHotplug);
 *   3. maxMemory is defined and total + size <= maxMemory
 *      (virDomainDefCompatibleDevice);
 *   4. the size rounded up to 1 MiB (qemuDomainMemoryDeviceAlignSize);
 *   5. qemuDomainDefValidateMemoryHotplug(def, mem): the address type, a
 *      target node, an explicit slot below the count and free, devices + 1
 *      <= slots (virtio-mem counts), the devices within maxMemory minus the
 *      initial memory;
 *   6. the first free slot for dimm/nvdimm (qemuDomainAssignMemoryDeviceSlot),
 *      the alias dimm<slot>, nvdimm<slot>, virtiomem<N>
 *      (qemuAssignDeviceMemoryAlias), the backend id mem<alias>;
 *   7. what QEMU would refuse, said first (checks.c): its size alignment,
 *      nvdimm=on, the host nodes and huge pages, its cpuset.mems;
 *      --ledger: the memory is free there (ledger.c);
 *   8. the QMP arguments, from the command line's builders (qemu/memdev.c):
 *      a missing hugetlbfs mount is refused here.
 * Then:
 *   9. the memory directories the backend needs (memdirs.c, as
 *      qemuProcessBuildDestroyMemoryPaths);
 *  10. virtio-mem/virtio-pmem: a PCI slot (pci.c, query-pci);
 *  11. object-add; device_add - if it fails, object-del, so that no
 *      backend is left (libvirt's exit_monitor path);
 *  12. query-memory-devices: the slot and base address (dimm), the plugged
 *      size (virtio-mem) into the device (qemuDomainUpdateMemoryDeviceInfo);
 *  13. the device into the live XML, <memory> grows by its size
 *      (virDomainMemoryInsert), the ledger books it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/live_internal.h"

/* virDomainDeviceValidateAliasImpl, for the memory devices vnuma models. */
static int check_alias(const vn_domain *dom, const vn_memdev *m, vn_error *err)
{
    if (m->alias && vn_lv_find_memdev(dom, m->alias) >= 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "non unique alias detected: %s", m->alias);
        return -1;
    }
    return 0;
}

/* virDomainDefCompatibleDevice, VIR_DOMAIN_DEVICE_MEMORY / ACTION_ATTACH */
static int check_compatible(const vn_domain *dom, const vn_memdev *m, vn_error *err)
{
    if (!dom->max_memory_kib || !dom->memory_slots) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "cannot use/hotplug a memory device when domain 'maxMemory' is not "
                      "defined");
        return -1;
    }
    uint64_t total;
    if (!vn_add_u64(dom->total_memory_kib, m->size_kib, &total) ||
        total > dom->max_memory_kib) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "Attaching memory device with size '%llu' would exceed domain's "
                      "maxMemory config size '%llu'", (unsigned long long)m->size_kib,
                      (unsigned long long)dom->max_memory_kib);
        return -1;
    }
    return 0;
}

/* qemuDomainMemoryDeviceAlignSize: 1 MiB on x86 (qemuDomainGetMemorySizeAlignment) */
static int align_size(vn_memdev *m, vn_error *err)
{
    if (!vn_round_up_u64(m->size_kib, 1024, &m->size_kib)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OVERFLOW, "size value too large");
        return -1;
    }
    return 0;
}

/* qemuDomainGetMemorySlotMap + qemuAssignMemoryDeviceSlot */
static int assign_slot(const vn_domain *dom, vn_memdev *m, vn_error *err)
{
    if ((m->model != VN_MEMORY_MODEL_DIMM && m->model != VN_MEMORY_MODEL_NVDIMM) ||
        m->addr_type == VN_MEMDEV_ADDR_DIMM)
        return 0;
    for (unsigned s = 0; s < dom->memory_slots; s++) {
        bool used = false;
        for (size_t i = 0; i < dom->nmemdevs && !used; i++)
            used = dom->memdevs[i].addr_type == VN_MEMDEV_ADDR_DIMM &&
                   dom->memdevs[i].addr_slot == s;
        if (!used) {
            m->addr_type = VN_MEMDEV_ADDR_DIMM;
            m->addr_slot = s;
            m->addr_has_slot = true;
            return 0;
        }
    }
    vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "failed to find an empty memory slot");
    return -1;
}

static int libvirt_checks(const vn_domain *dom, vn_memdev *m, vn_error *err)
{
    if (check_alias(dom, m, err) < 0 || check_compatible(dom, m, err) < 0 ||
        align_size(m, err) < 0 || vn_domain_validate_memory_hotplug(dom, m, err) < 0 ||
        assign_slot(dom, m, err) < 0)
        return -1;
    if (!m->alias && !(m->alias = vn_qemu_memdev_new_alias(dom, m, err)))
        return -1;
    return 0;
}

/* ---- the QMP half ---- */

typedef struct objdel {
    vn_live *l;
    char *id;
} objdel;

static int undo_object_add(void *arg, vn_error *err)
{
    objdel *d = arg;
    VN_AUTOFREE char *args = vn_asprintf("{\"id\":\"%s\"}", d->id);
    if (vn_lv_exec(d->l, "object-del", args, NULL, err) != VN_QMP_OK)
        return -1;
    vn_ap_log(d->l->o, "object-del %s: the backend is gone again", d->id);
    return 0;
}

static void free_objdel(void *arg)
{
    objdel *d = arg;
    free(d->id);
    free(d);
}

/* qemuDomainUpdateMemoryDeviceInfo for the new device (best effort, as
 * libvirt's). */
static void read_back(vn_live *l, vn_memdev *m)
{
    vn_error e = {0};
    VN_AUTOCLEAR(vn_qmp_memory_device_list) devs = {0};
    vn_qmp *q = vn_lv_qmp(l, &e);
    if (!q || vn_qmp_query_memory_devices(q, &devs, &e) != VN_QMP_OK) {
        vn_warn(l->o->warnings, "query-memory-devices after attaching %s: %s", m->alias, e.msg);
        return;
    }
    for (size_t i = 0; i < devs.n; i++) {
        const vn_qmp_memory_device *d = &devs.items[i];
        if (!d->id || strcmp(d->id, m->alias))
            continue;
        if (d->type == VN_QMP_MEM_VIRTIO_MEM) {
            m->current_kib = VN_DIV_UP(d->size, 1024);
        } else if (d->type == VN_QMP_MEM_DIMM || d->type == VN_QMP_MEM_NVDIMM) {
            m->addr_type = VN_MEMDEV_ADDR_DIMM;
            m->addr_has_slot = true;
            m->addr_slot = d->slot >= 0 ? (unsigned)d->slot : m->addr_slot;
            m->addr_base = d->addr;
        }
    }
}

static char *describe(const vn_memdev *m)
{
    VN_AUTOFREE char *size = vn_lv_size(m->size_kib);
    vn_buf b = {0};
    vn_buf_addf(&b, "attached %s (%s, %s on guest node %d", m->alias,
                vn_memory_model_to_string(m->model), size, m->target_node);
    if (m->addr_type == VN_MEMDEV_ADDR_DIMM)
        vn_buf_addf(&b, ", slot %u", m->addr_slot);
    if (m->addr_base)
        vn_buf_addf(&b, ", base 0x%llx", (unsigned long long)m->addr_base);
    if (m->addr_type == VN_MEMDEV_ADDR_PCI)
        vn_buf_addf(&b, ", PCI %04x:%02x:%02x.%x", m->pci_domain, m->pci_bus, m->pci_slot,
                    m->pci_function);
    if (m->model == VN_MEMORY_MODEL_VIRTIO_MEM) {
        VN_AUTOFREE char *req = vn_lv_size(m->requested_kib);
        vn_buf_addf(&b, ", requested %s", req);
    }
    vn_buf_addf(&b, "; backend mem%s)", m->alias);
    return vn_buf_steal(&b);
}

static int plug(vn_live *l, size_t i, vn_error *err)
{
    vn_domain *dom = l->dom;
    /* the memory directories its backend needs */
    if (vn_ap_memdirs_build(dom, &l->cfg, &l->e.info.memdirs, &l->undo, err) < 0)
        return -1;
    vn_memdev *m = &dom->memdevs[i];
    if ((m->model == VN_MEMORY_MODEL_VIRTIO_MEM || m->model == VN_MEMORY_MODEL_VIRTIO_PMEM) &&
        vn_lv_pci_address(l, m, err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_qemu_hotplug) hp = {0};
    if (vn_qemu_memdev_hotplug(dom, i, vn_lv_host(l, err), &l->cfg, &hp, err) < 0)
        return -1;
    if (vn_lv_exec(l, "object-add", hp.object_json, NULL, err) != VN_QMP_OK)
        return vn_ap_step_failed(err, "attaching %s", m->alias);
    objdel *d = vn_calloc(1, sizeof(*d));
    d->l = l;
    d->id = vn_strdup(hp.backend_id);
    vn_undo_push(&l->undo, undo_object_add, d, free_objdel, "object-del %s", hp.backend_id);
    if (vn_lv_exec(l, "device_add", hp.device_json, NULL, err) != VN_QMP_OK) {
        vn_ap_step_failed(err, "attaching %s", m->alias);
        size_t failed = vn_undo_run(&l->undo);
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof(err->msg) - n, failed ?
                 " (the backend %s may be left: object-del failed)" :
                 " (its backend %s was deleted again)", hp.backend_id);
        return -1;
    }
    /* in QEMU now: from here on nothing is undone */
    vn_undo_commit(&l->undo);
    read_back(l, m);
    return 0;
}

int vn_live_attach(const char *name, const char *device_xml, size_t len,
                   const vn_apply_opts *o, const vn_live_opts *lo, vn_live_result *r,
                   vn_error *err)
{
    *r = (vn_live_result){0};
    VN_AUTOCLEAR(vn_live) l;
    if (vn_lv_open(name, o, lo, &l, err) < 0)
        return -1;
    vn_memdev m;
    if (vn_memdev_parse(device_xml, len, l.dom, &m, err) < 0)
        return -1;
    vn_lv_ledger *lg = NULL;
    /* an unplug the guest finished since frees a slot: learn it first
     * (QMP only when one is pending) */
    if (vn_lv_reconcile(&l, err) < 0 || libvirt_checks(l.dom, &m, err) < 0) {
        vn_memdev_clear(&m);
        return -1;
    }
    vn_domain *dom = l.dom;
    *VN_APPEND(dom->memdevs, dom->nmemdevs) = m;   /* owned by dom from here */
    size_t i = dom->nmemdevs - 1;
    uint64_t page_kib = 0;
    VN_AUTOCLEAR(vn_qemu_hotplug) dry = {0};
    int rc = -1;
    if (vn_lv_check_qemu(&l, i, err) < 0 ||
        vn_qemu_memdev_pagesize(dom, i, &l.cfg, &page_kib, err) < 0 ||
        (lo && lo->ledger && vn_lv_ledger_check(&l, &dom->memdevs[i], page_kib, &lg, err) < 0))
        goto out;
    /* the arguments once, for their refusals (a PCI slot comes later) */
    if (vn_qemu_memdev_hotplug(dom, i, vn_lv_host(&l, err), &l.cfg, &dry, err) < 0)
        goto out;
    if (plug(&l, i, err) < 0)
        goto out;
    dom->total_memory_kib += dom->memdevs[i].size_kib;
    r->alias = vn_strdup(dom->memdevs[i].alias);
    r->message = describe(&dom->memdevs[i]);
    r->outcome = VN_LIVE_DONE;
    i = SIZE_MAX;   /* stays */
    if (vn_lv_save(&l, err) < 0) {
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof(err->msg) - n, " (%s is attached in QEMU)", r->alias);
        goto out;
    }
    if (lg && vn_lv_ledger_commit(lg, +1, err) < 0) {
        vn_warn(o->warnings, "%s is attached, but the ledger was not updated: %s", r->alias,
                err->msg);
        *err = (vn_error){0};
    }
    rc = 0;
out:
    vn_lv_ledger_free(lg);
    if (i != SIZE_MAX) {
        vn_memdev_clear(&dom->memdevs[i]);
        dom->nmemdevs--;
    }
    if (rc < 0)
        vn_live_result_clear(r);
    return rc;
}
