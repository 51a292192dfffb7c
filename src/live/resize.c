/*
 * resize.c - `vnuma set-memory NAME ALIAS SIZE`: the requested size of a
 * virtio-mem device, as `virsh update-memory-device --requested-size`
 * (qemu_driver.c, qemuDomainUpdateDeviceLive for a memory device, then
 * qemu_hotplug.c, qemuDomainChangeMemoryLive):
 *   1. only a virtio-mem device's requested size may change live; the new
 *      value is checked as the device is (virDomainMemoryDefValidate):
 *      at most <size>, a multiple of <block> - before any QMP traffic;
 *   2. qom-set /machine/peripheral/ALIAS requested-size BYTES; the live XML
 *      records the new <requested>;
 *   3. the guest's driver plugs or unplugs blocks; QEMU reports the size
 *      now plugged with MEMORY_DEVICE_SIZE_CHANGE (libvirt updates
 *      <current> from it, qemuProcessHandleMemoryDeviceSizeChange).  vnuma
 *      waits for it up to the wait (5 s, --timeout): DONE once the plugged
 *      size reaches the request, else SENT with what is plugged so far
 *      (query-memory-devices).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/live_internal.h"

static bool size_event(json_object *ev, void *alias)
{
    json_object *id, *data = vn_qmp_event_data(ev);
    return data && json_object_object_get_ex(data, "id", &id) &&
           !strcmp(json_object_get_string(id), (const char *)alias);
}

static uint64_t event_size(json_object *ev)
{
    json_object *v;
    json_object *data = vn_qmp_event_data(ev);
    return data && json_object_object_get_ex(data, "size", &v) ? (uint64_t)json_object_get_int64(v)
                                                                : 0;
}

static int check_request(const vn_memdev *m, uint64_t kib, vn_error *err)
{
    if (m->model != VN_MEMORY_MODEL_VIRTIO_MEM) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "%s is a %s device: only a virtio-mem device's requested size can change "
                      "live (detach a %s and attach another)", m->alias,
                      vn_memory_model_to_string(m->model), vn_memory_model_to_string(m->model));
        return -1;
    }
    /* virDomainMemoryDefValidate on the changed device */
    vn_memdev changed = *m;
    changed.requested_kib = kib;
    changed.target_node = -1;   /* only the virtio-mem rules */
    vn_domain none = {0};
    return vn_domain_validate_memdev(&none, &changed, err);
}

/* The plugged size QEMU reports now (query-memory-devices), KiB. */
static int plugged_now(vn_live *l, const char *alias, uint64_t *kib, vn_error *err)
{
    VN_AUTOCLEAR(vn_qmp_memory_device_list) devs = {0};
    vn_qmp *q = vn_lv_qmp(l, err);
    if (!q || vn_qmp_query_memory_devices(q, &devs, err) != VN_QMP_OK)
        return -1;
    for (size_t i = 0; i < devs.n; i++)
        if (devs.items[i].id && !strcmp(devs.items[i].id, alias)) {
            *kib = VN_DIV_UP(devs.items[i].size, 1024);
            return 0;
        }
    vn_error_set(err, VNUMA_ERR_SYSTEM, "QEMU does not list %s in query-memory-devices", alias);
    return -1;
}

int vn_live_set_memory(const char *name, const char *alias, uint64_t requested_kib,
                       const vn_apply_opts *o, const vn_live_opts *lo, vn_live_result *r,
                       vn_error *err)
{
    *r = (vn_live_result){0};
    VN_AUTOCLEAR(vn_live) l;
    if (vn_lv_open(name, o, lo, &l, err) < 0)
        return -1;
    ssize_t idx = vn_lv_find_memdev(l.dom, alias);
    if (idx < 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "no device found with alias %s",
                      alias);
        return -1;
    }
    if (check_request(&l.dom->memdevs[idx], requested_kib, err) < 0 ||
        vn_lv_reconcile(&l, err) < 0)
        return -1;
    idx = vn_lv_find_memdev(l.dom, alias);
    uint64_t bytes;
    if (idx < 0 || !vn_mul_u64(requested_kib, 1024, &bytes)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "no device %s / size", alias);
        return -1;
    }
    VN_AUTOFREE char *args = vn_asprintf("{\"path\":\"/machine/peripheral/%s\",\"property\":"
                                         "\"requested-size\",\"value\":%llu}", alias,
                                         (unsigned long long)bytes);
    if (vn_lv_exec(&l, "qom-set", args, NULL, err) != VN_QMP_OK)
        return vn_ap_step_failed(err, "set-memory %s", alias);
    vn_memdev *m = &l.dom->memdevs[idx];
    m->requested_kib = requested_kib;
    uint64_t now = m->current_kib;
    bool reached = false;
    for (int left = vn_lv_wait(&l); left > 0 && !reached; left -= 100) {
        VN_JSON_AUTO json_object *ev = NULL;
        vn_qmp_rc rc = vn_qmp_wait_event(l.qmp, "MEMORY_DEVICE_SIZE_CHANGE", size_event,
                                         (void *)alias, 100, &ev, err);
        if (rc == VN_QMP_OK) {
            now = VN_DIV_UP(event_size(ev), 1024);
            vn_ap_log(o, "MEMORY_DEVICE_SIZE_CHANGE %s: %llu KiB plugged", alias,
                      (unsigned long long)now);
            reached = now == requested_kib;
        } else if (rc != VN_QMP_TIMEOUT) {
            return vn_ap_step_failed(err, "set-memory %s", alias);
        }
    }
    if (!reached && plugged_now(&l, alias, &now, err) < 0)
        return vn_ap_step_failed(err, "set-memory %s", alias);
    reached = now == requested_kib;
    m->current_kib = now;
    if (vn_lv_save(&l, err) < 0)
        return -1;
    VN_AUTOFREE char *req = vn_lv_size(requested_kib);
    VN_AUTOFREE char *cur = vn_lv_size(now);
    r->outcome = reached ? VN_LIVE_DONE : VN_LIVE_SENT;
    r->message = reached
        ? vn_asprintf("%s: the guest has %s plugged, as requested", alias, cur)
        : vn_asprintf("%s: requested %s; the guest has %s plugged so far (no "
                      "MEMORY_DEVICE_SIZE_CHANGE reached it within %d ms)", alias, req, cur,
                      vn_lv_wait(&l));
    return 0;
}
