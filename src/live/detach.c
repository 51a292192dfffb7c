/*
 * detach.c - `vnuma detach NAME ALIAS`: a memory device unplugged, as
 * libvirt 9.0's qemuDomainDetachDeviceLive does it for a synchronous
 * detach (qemu_hotplug.c):
 *   1. the device by alias (virDomainDefFindDevice: "no device found with
 *      alias X"); virtio-mem and virtio-pmem are refused before QMP: QEMU
 *      7.2 cannot unplug them ("virtio based memory devices cannot be
 *      unplugged") - a virtio-mem device is shrunk instead, with
 *      `vnuma set-memory NAME ALIAS 0`;
 *   2. device_del, then wait (qemuDomainWaitForDeviceRemoval, 5 s,
 *      --timeout) for DEVICE_DELETED naming it.  Meanwhile an
 *      ACPI_DEVICE_OST for its DIMM slot with an eject source (0x003,
 *      0x103) and a failure status (0x01, 0x80-0x83), or a
 *      DEVICE_UNPLUG_GUEST_ERROR naming it, is the guest refusing
 *      (qemuProcessHandleAcpiOstInfo, qemuProcessHandleDeviceUnplugErr):
 *      an error, "the guest refused to unplug ALIAS";
 *   3. once deleted: object-del of its backend, the device out of the live
 *      XML, <memory> smaller by its size (qemuDomainRemoveMemoryDevice);
 *   4. no answer within the wait: libvirt returns success and keeps the
 *      device until a late DEVICE_DELETED reaches its daemon; vnuma has no
 *      daemon, so it records the alias as pending and says "detach request
 *      sent" (exit 0, as virsh).  The next live command asks QEMU
 *      (query-memory-devices) and finishes step 3 if the device is gone
 *      (vn_lv_reconcile, session.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/live_internal.h"

#define SLICE_MS 50

static bool ost_refused(json_object *ev, void *alias)
{
    json_object *info, *v;
    json_object *data = vn_qmp_event_data(ev);
    if (!data || !json_object_object_get_ex(data, "info", &info))
        return false;
    if (!json_object_object_get_ex(info, "device", &v) ||
        strcmp(json_object_get_string(v), (const char *)alias))
        return false;
    if (!json_object_object_get_ex(info, "slot-type", &v) ||
        strcmp(json_object_get_string(v), "DIMM"))
        return false;
    int64_t source = json_object_object_get_ex(info, "source", &v) ? json_object_get_int64(v) : -1;
    int64_t status = json_object_object_get_ex(info, "status", &v) ? json_object_get_int64(v) : -1;
    return (source == 0x003 || source == 0x103) &&
           (status == 0x01 || (status >= 0x80 && status <= 0x83));
}

/* Whether QEMU still has the device: a vCPU in query-hotpluggable-cpus
 * (its qom-path), a memory device in query-memory-devices.  QEMU 7.2 under
 * TCG sends DEVICE_DELETED for an unplugged vCPU's lapic child only, never
 * for the vCPU itself (the TCG thread keeps a reference), so vnuma looks
 * too, every POLL_MS. */
static int still_there(vn_live *l, const char *alias, bool *there, vn_error *err)
{
    unsigned v;
    *there = false;
    if (!strncmp(alias, "vcpu", 4) && vn_parse_uint(alias + 4, &v)) {
        VN_AUTOCLEAR(vn_qmp_hotpluggable_cpu_list) cpus = {0};
        VN_AUTOFREE char *path = vn_asprintf("/machine/peripheral/%s", alias);
        if (vn_qmp_query_hotpluggable_cpus(l->qmp, &cpus, err) != VN_QMP_OK)
            return -1;
        for (size_t i = 0; i < cpus.n; i++)
            *there |= cpus.items[i].qom_path && !strcmp(cpus.items[i].qom_path, path);
        return 0;
    }
    VN_AUTOCLEAR(vn_qmp_memory_device_list) mem = {0};
    if (vn_qmp_query_memory_devices(l->qmp, &mem, err) != VN_QMP_OK)
        return -1;
    for (size_t i = 0; i < mem.n; i++)
        *there |= mem.items[i].id && !strcmp(mem.items[i].id, alias);
    return 0;
}

#define POLL_MS 500

int vn_lv_device_del(vn_live *l, const char *alias, vn_error *err)
{
    VN_AUTOFREE char *args = vn_asprintf("{\"id\":\"%s\"}", alias);
    vn_qmp_rc rc = vn_lv_exec(l, "device_del", args, NULL, err);
    if (rc == VN_QMP_QEMU_ERROR && vn_qmp_last_error(l->qmp) &&
        !strcmp(vn_qmp_last_error(l->qmp)->cls, "DeviceNotFound")) {
        vn_warn(l->o->warnings, "QEMU has no device %s any more: the live XML was behind",
                alias);
        *err = (vn_error){0};
        return 1;
    }
    return rc == VN_QMP_OK ? 0 : -1;
}

int vn_lv_wait_unplug(vn_live *l, const char *alias, int ms, vn_lv_unplug *out, char **why,
                      vn_error *err)
{
    vn_qmp *q = vn_lv_qmp(l, err);
    if (!q)
        return -1;
    vn_qmp_data_match dev = {"device", alias};
    for (int left = ms, waited = 0;; waited += SLICE_MS) {
        if (waited && waited % POLL_MS == 0) {
            bool there;
            if (still_there(l, alias, &there, err) < 0)
                return -1;
            if (!there) {
                *out = VN_LV_GONE;
                return 0;
            }
        }
        int slice = left < SLICE_MS ? left : SLICE_MS;
        VN_JSON_AUTO json_object *ev = NULL;
        vn_qmp_rc rc = vn_qmp_wait_event(q, "DEVICE_DELETED", vn_qmp_match_data, &dev, slice,
                                         NULL, err);
        if (rc == VN_QMP_OK) {
            *out = VN_LV_GONE;
            return 0;
        }
        if (rc != VN_QMP_TIMEOUT)
            return -1;
        if (vn_qmp_wait_event(q, "ACPI_DEVICE_OST", ost_refused, (void *)alias, 0, &ev,
                              err) == VN_QMP_OK) {
            json_object *info, *st;
            int64_t status = json_object_object_get_ex(vn_qmp_event_data(ev), "info", &info) &&
                             json_object_object_get_ex(info, "status", &st)
                             ? json_object_get_int64(st) : 0;
            *why = vn_asprintf("ACPI _OST status 0x%llx for the eject request",
                               (unsigned long long)status);
            *out = VN_LV_REFUSED;
            return 0;
        }
        if (vn_qmp_wait_event(q, "DEVICE_UNPLUG_GUEST_ERROR", vn_qmp_match_data, &dev, 0,
                              NULL, err) == VN_QMP_OK) {
            *why = vn_strdup("DEVICE_UNPLUG_GUEST_ERROR");
            *out = VN_LV_REFUSED;
            return 0;
        }
        left -= slice;
        if (left <= 0) {
            *out = VN_LV_NO_ANSWER;
            return 0;
        }
    }
}

int vn_lv_memdev_removed(vn_live *l, size_t idx, vn_error *err)
{
    vn_domain *dom = l->dom;
    vn_memdev *m = &dom->memdevs[idx];
    VN_AUTOFREE char *args = vn_asprintf("{\"id\":\"mem%s\"}", m->alias);
    vn_qmp_rc rc = vn_lv_exec(l, "object-del", args, NULL, err);
    if (rc == VN_QMP_QEMU_ERROR && l->qmp && vn_qmp_last_error(l->qmp) &&
        strstr(vn_qmp_last_error(l->qmp)->desc, "not found")) {
        *err = (vn_error){0};   /* gone already (a previous run got that far) */
    } else if (rc != VN_QMP_OK) {
        return vn_ap_step_failed(err, "removing the backend of %s", m->alias);
    }
    if (l->lo->ledger && vn_lv_ledger_release(l, m, err) < 0) {
        vn_warn(l->o->warnings, "%s is gone, but the ledger was not updated: %s", m->alias,
                err->msg);
        *err = (vn_error){0};
    }
    vn_ap_log(l->o, "%s and its backend mem%s are gone", m->alias, m->alias);
    vn_lv_pending_drop(l, m->alias);
    dom->total_memory_kib -= m->size_kib < dom->total_memory_kib ? m->size_kib : 0;
    vn_memdev_clear(m);
    memmove(m, m + 1, (dom->nmemdevs - idx - 1) * sizeof(*m));
    dom->nmemdevs--;
    return 0;
}

static int refuse_model(const vn_live *l, const vn_memdev *m, vn_error *err)
{
    switch (m->model) {
    case VN_MEMORY_MODEL_VIRTIO_MEM:
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "%s is a virtio-mem device, which QEMU 7.2 cannot unplug (virtio based "
                      "memory devices cannot be unplugged): give its memory back with `vnuma "
                      "set-memory %s %s 0`", m->alias, l->e.info.name, m->alias);
        return -1;
    case VN_MEMORY_MODEL_VIRTIO_PMEM:
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "%s is a virtio-pmem device, which QEMU 7.2 cannot unplug (virtio based "
                      "memory devices cannot be unplugged)", m->alias);
        return -1;
    case VN_MEMORY_MODEL_SGX_EPC:
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "hotplug is not supported for the sgx-epc device");
        return -1;
    default:
        return 0;
    }
}

int vn_live_detach(const char *name, const char *alias, const vn_apply_opts *o,
                   const vn_live_opts *lo, vn_live_result *r, vn_error *err)
{
    *r = (vn_live_result){0};
    VN_AUTOCLEAR(vn_live) l;
    if (vn_lv_open(name, o, lo, &l, err) < 0)
        return -1;
    ssize_t idx = vn_lv_find_memdev(l.dom, alias);
    if (idx < 0) {
        unsigned v;
        if (!strncmp(alias, "vcpu", 4) && vn_parse_uint(alias + 4, &v))
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "no device found with "
                          "alias %s (vCPUs are unplugged with vnuma setvcpus)", alias);
        else
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                          "no device found with alias %s", alias);
        return -1;
    }
    if (refuse_model(&l, &l.dom->memdevs[idx], err) < 0)
        return -1;
    bool was_pending = vn_lv_pending(&l, alias);
    if (vn_lv_reconcile(&l, err) < 0)
        return -1;
    idx = vn_lv_find_memdev(l.dom, alias);
    if (idx < 0) {
        r->outcome = VN_LIVE_DONE;
        r->message = vn_asprintf("detached %s (the guest finished its unplug after the "
                                 "earlier request)", alias);
        return 0;
    }
    int del = vn_lv_device_del(&l, alias, err);
    if (del < 0)
        return vn_ap_step_failed(err, "detaching %s", alias);
    vn_lv_unplug how = VN_LV_GONE;
    VN_AUTOFREE char *why = NULL;
    if (!del && vn_lv_wait_unplug(&l, alias, vn_lv_wait(&l), &how, &why, err) < 0)
        return vn_ap_step_failed(err, "detaching %s", alias);
    switch (how) {
    case VN_LV_GONE:
        if (vn_lv_memdev_removed(&l, (size_t)idx, err) < 0 || vn_lv_save(&l, err) < 0)
            return -1;
        r->outcome = VN_LIVE_DONE;
        r->message = vn_asprintf("detached %s", alias);
        return 0;
    case VN_LV_REFUSED:
        vn_error_setc(err, VNUMA_ERR_SYSTEM, VN_ERRC_OPERATION_FAILED,
                      "the guest refused to unplug %s (%s): unplug of device was rejected by "
                      "the guest; it stays attached", alias, why);
        if (was_pending) {
            vn_lv_pending_drop(&l, alias);
            vn_error err2 = {0};
            vn_lv_save(&l, &err2);
        }
        return -1;
    case VN_LV_NO_ANSWER:
        vn_lv_pending_add(&l, alias);
        if (vn_lv_save(&l, err) < 0)
            return -1;
        r->outcome = VN_LIVE_SENT;
        r->message = vn_asprintf("detach request sent for %s: the guest has not ejected it "
                                 "within %d ms; the next vnuma command on %s completes the "
                                 "detach once it has", alias, vn_lv_wait(&l), name);
        return 0;
    }
    return -1;
}
