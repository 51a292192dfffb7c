/*
 * live_internal.h - what the files of src/live share (the vn_lv_ prefix):
 *
 *   session.c   one live command on one guest: the entry (locked), the live
 *               domain XML, the host, QMP connected on first use, the
 *               reconciliation of pending unplugs, saving
 *   attach.c    vn_live_attach (qemuDomainAttachMemory)
 *   checks.c    what vnuma refuses before QMP on top of libvirt: QEMU's own
 *               alignments, nvdimm=on, the host's nodes, pages and cpuset
 *   ledger.c    --ledger: the host memory a device takes, booked
 *   pci.c       a free PCI slot for virtio-mem/virtio-pmem (query-pci)
 *   detach.c    vn_live_detach, and the end of an unplug (object-del, the
 *               live XML), now or when reconciling
 *   resize.c    vn_live_set_memory
 *   vcpus.c     vn_live_setvcpus
 */
#ifndef VN_LIVE_INTERNAL_H
#define VN_LIVE_INTERNAL_H

#include <json-c/json.h>

#include "apply/apply_internal.h"
#include "live/live.h"
#include "model/host.h"
#include "qmp/qmp.h"

VN_DEFINE_AUTOCLEAR(vn_qmp_memory_device_list, vn_qmp_memory_device_list_clear)
VN_DEFINE_AUTOCLEAR(vn_qmp_hotpluggable_cpu_list, vn_qmp_hotpluggable_cpu_list_clear)
VN_DEFINE_AUTOCLEAR(vn_qmp_cpu_list, vn_qmp_cpu_list_clear)

typedef struct vn_live {
    const vn_apply_opts *o;
    const vn_live_opts *lo;
    vn_ap_entry e;             /* locked */
    vn_domain *dom;            /* the live XML (VN_PARSE_STATUS), aliases assigned */
    vn_config cfg;             /* the options' configuration with the entry's domain id */
    vn_host *host;             /* loaded on first use */
    vn_qmp *qmp;               /* connected on first use */
    vn_undo undo;              /* the command's journal (run unless committed) */
} vn_live;

/* Open NAME: its entry (waits for another command on it), which must be a
 * running guest of `vnuma launch`; its live XML. */
int vn_lv_open(const char *name, const vn_apply_opts *o, const vn_live_opts *lo, vn_live *l,
               vn_error *err);
void vn_lv_close(vn_live *l);
VN_DEFINE_AUTOCLEAR(vn_live, vn_lv_close)
/* The host (--host, else this machine). */
const vn_host *vn_lv_host(vn_live *l, vn_error *err);
/* The QMP connection (made once). */
vn_qmp *vn_lv_qmp(vn_live *l, vn_error *err);
int vn_lv_timeout(const vn_live *l);
int vn_lv_wait(const vn_live *l);
/* A command whose arguments are JSON text (NULL: none); QEMU's refusal as
 * "STEP: QMP CMD: Class: desc". */
vn_qmp_rc vn_lv_exec(vn_live *l, const char *cmd, const char *json_args, json_object **reply,
                     vn_error *err);
/* Write the live XML and the entry. */
int vn_lv_save(vn_live *l, vn_error *err);
/* Finish the unplugs recorded as pending whose device QEMU no longer has. */
int vn_lv_reconcile(vn_live *l, vn_error *err);
/* The pending list. */
bool vn_lv_pending(const vn_live *l, const char *alias);
void vn_lv_pending_add(vn_live *l, const char *alias);
void vn_lv_pending_drop(vn_live *l, const char *alias);
/* The memory device called alias, or -1. */
ssize_t vn_lv_find_memdev(const vn_domain *dom, const char *alias);
/* QEMU's pid's /proc files: its allowed memory nodes; its command line
 * has "nvdimm=on" in -machine. */
int vn_lv_qemu_mems(const vn_live *l, vn_bitmap **mems, vn_error *err);
int vn_lv_qemu_nvdimm(const vn_live *l, bool *on, vn_error *err);
/* "256 MiB", "1536 KiB" */
char *vn_lv_size(uint64_t kib);
/* "host node 1", "host nodes 0-3" */
char *vn_lv_nodes(const vn_bitmap *nodes);

/* ---- waiting for the guest (detach.c) ---- */

typedef enum { VN_LV_GONE, VN_LV_REFUSED, VN_LV_NO_ANSWER } vn_lv_unplug;
/* device_del was sent for alias: wait up to ms for DEVICE_DELETED, while
 * watching for ACPI_DEVICE_OST with a failure status or
 * DEVICE_UNPLUG_GUEST_ERROR (the why into *why, malloc'd). */
int vn_lv_wait_unplug(vn_live *l, const char *alias, int ms, vn_lv_unplug *out, char **why,
                      vn_error *err);
/* device_del of alias: 0 sent; 1 when QEMU has no such device (DeviceNotFound:
 * the live XML was behind, the device is gone); -1. */
int vn_lv_device_del(vn_live *l, const char *alias, vn_error *err);
/* qemuDomainRemoveMemoryDevice once QEMU no longer has it: object-del of
 * its backend, the device out of the live XML (and the ledger). */
int vn_lv_memdev_removed(vn_live *l, size_t idx, vn_error *err);

/* ---- vcpus.c ---- */

/* The pending vcpuN unplugs QEMU has finished since: 1 when some were, 0
 * when none, -1. */
int vn_lv_vcpus_reconcile(vn_live *l, vn_error *err);

/* ---- checks.c ---- */

/* After libvirt's checks (attach.c), on the domain with the new device at
 * index i: QEMU 7.2's alignment of the size, nvdimm needing nvdimm=on, the
 * host nodes and huge pages, QEMU's cpuset.mems. */
int vn_lv_check_qemu(vn_live *l, size_t i, vn_error *err);
/* The host nodes the device's memory is bound to (its nodemask, else its
 * cell's <numatune>), or NULL (not bound). */
const vn_bitmap *vn_lv_memdev_nodes(const vn_domain *dom, const vn_memdev *m);

/* ---- ledger.c ---- */

typedef struct vn_lv_ledger vn_lv_ledger;
/* Lock and read the ledger, check that the device's memory is free on its
 * nodes (host free memory or huge pages minus what the ledger books). */
int vn_lv_ledger_check(vn_live *l, const vn_memdev *m, uint64_t page_kib, vn_lv_ledger **out,
                       vn_error *err);
/* Book it for the guest (sign +1) or give it back (-1), save, unlock. */
int vn_lv_ledger_commit(vn_lv_ledger *lg, int sign, vn_error *err);
void vn_lv_ledger_free(vn_lv_ledger *lg);
/* detach --ledger: give a removed device's memory back. */
int vn_lv_ledger_release(vn_live *l, const vn_memdev *m, vn_error *err);

/* ---- pci.c ---- */

/* virDomainPCIAddressReserveNextAddr's choice for a PCI memory device on
 * the pc machine's pci.0: the lowest slot (from 1) with no function in use
 * by QEMU (query-pci) or by a memory device of the live XML; an address
 * the device XML gives must be free.  q35 is refused (its devices go on
 * pcie-root-ports libvirt would have added at start). */
int vn_lv_pci_address(vn_live *l, vn_memdev *m, vn_error *err);

#endif
