/*
 * live.h - live changes to a guest started by `vnuma launch`, over its QMP
 * monitor, as libvirt 9.0 makes them (qemu_hotplug.c, qemu_driver.c):
 *
 *   vn_live_attach      virsh attach-device --live of a <memory> device
 *                       (dimm, nvdimm, virtio-mem, virtio-pmem):
 *                       qemuDomainAttachMemory
 *   vn_live_detach      virsh detach-device-alias --live of a memory device:
 *                       qemuDomainDetachDeviceLive, then
 *                       qemuDomainRemoveMemoryDevice once QEMU says it is gone
 *   vn_live_set_memory  virsh update-memory-device --requested-size of a
 *                       virtio-mem device: qemuDomainUpdateMemoryDevice
 *   vn_live_setvcpus    virsh setvcpus --live: qemuDomainSetVcpusLive
 *                       (qemuDomainHotplugAddVcpu / qemuDomainHotplugDelVcpu),
 *                       each new vCPU placed as launch places it
 *
 * Each works on the guest's state entry (src/apply: STATE/NAME, locked for
 * the whole command): the live domain XML in STATE/NAME/domain.xml is the
 * model every check reads, and what each change updates once QEMU has
 * confirmed it.  Every refusal comes before the first QMP byte (the
 * checks libvirt makes, then the ones QEMU would make with a worse
 * message); QMP is connected only when there is something to send.  A
 * change QEMU refuses half-way is undone (a backend whose device_add
 * failed is deleted again).
 *
 * Unplugs the guest has not finished within the wait are recorded in the
 * entry (unplug_pending); the next live command on the guest asks QEMU
 * (query-memory-devices, query-hotpluggable-cpus) and completes them: the
 * backend deleted, the device or vCPU removed from the live XML.
 *
 * Messages name the element or the value refused, in libvirt's words where
 * libvirt has some ("unsupported configuration: memory device count '5'
 * exceeds slots count '4'").
 */
#ifndef VN_LIVE_H
#define VN_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apply/apply.h"

#define VN_LIVE_UNPLUG_WAIT_MS 5000   /* libvirt's QEMU_UNPLUG_TIMEOUT */

typedef struct vn_live_opts {
    const char *ledger;        /* attach/detach: the placement ledger (NULL: none) */
    int wait_ms;               /* detach/setvcpus: DEVICE_DELETED (0: 5 s);
                                  set-memory: MEMORY_DEVICE_SIZE_CHANGE (0: 5 s) */
    int qmp_timeout_ms;        /* each QMP command (0: 10 s) */
} vn_live_opts;

typedef enum vn_live_outcome {
    VN_LIVE_DONE,              /* QEMU (and the guest, where it takes part) confirmed */
    VN_LIVE_SENT,              /* asked; the guest has not answered within the wait */
    VN_LIVE_UNCHANGED,         /* nothing to do (setvcpus to the current count) */
} vn_live_outcome;

typedef struct vn_live_result {
    vn_live_outcome outcome;
    char *alias;               /* attach: the new device's alias */
    char *message;             /* one line saying what happened */
} vn_live_result;
void vn_live_result_clear(vn_live_result *r);
VN_DEFINE_AUTOCLEAR(vn_live_result, vn_live_result_clear)

/* DEVICE.xml's text (len bytes): one <memory model='...'> element. */
int vn_live_attach(const char *name, const char *device_xml, size_t len,
                   const vn_apply_opts *o, const vn_live_opts *lo, vn_live_result *r,
                   vn_error *err);
/* By alias (dimm0, nvdimm1, ...).  A refusal by the guest is an error
 * ("the guest refused to unplug dimm0 ..."); no answer within the wait is
 * VN_LIVE_SENT (0), as virsh reports "Device detach request sent". */
int vn_live_detach(const char *name, const char *alias, const vn_apply_opts *o,
                   const vn_live_opts *lo, vn_live_result *r, vn_error *err);
/* requested_kib: the new requested size of a virtio-mem device.  DONE when
 * the guest's MEMORY_DEVICE_SIZE_CHANGE came within the wait, else SENT. */
int vn_live_set_memory(const char *name, const char *alias, uint64_t requested_kib,
                       const vn_apply_opts *o, const vn_live_opts *lo, vn_live_result *r,
                       vn_error *err);
/* The number of online vCPUs. */
int vn_live_setvcpus(const char *name, unsigned count, const vn_apply_opts *o,
                     const vn_live_opts *lo, vn_live_result *r, vn_error *err);

#endif
