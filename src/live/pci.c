/*
 * pci.c - the PCI address of a hot-plugged virtio-mem or virtio-pmem
 * device, chosen as libvirt 9.0 chooses it (domain_addr.c,
 * virDomainPCIAddressEnsureAddr -> virDomainPCIAddressReserveNextAddr ->
 * virDomainPCIAddressGetNextAddr): on the pc machine, the first slot of
 * pci.0 from its minSlot (1) up to 31 none of whose functions is in use,
 * function 0.  libvirt knows the slots in use from its own device list;
 * vnuma's guest has the devices of its QEMU command line, so QEMU says
 * (query-pci: the host bridge at 0, the PIIX3 at 1, what extra arguments
 * added), together with the PCI memory devices of the live XML.  A real
 * libvirt 9.0 gives the first virtio-mem of a pc guest without other PCI
 * devices slot 0x02, as this does.
 *
 * An address the device XML gives is kept (bus 0, a free slot).  q35 has
 * no hot-pluggable slot on pcie.0: libvirt plugs into a free
 * pcie-root-port it added at start, which vnuma's command line has none
 * of; refused.
 */
#include <stdio.h>
#include <string.h>

#include "live/live_internal.h"
#include "qemu/machine.h"

#define PCI_MAX_SLOT 31

static void mark_query_pci(json_object *reply, bool used[PCI_MAX_SLOT + 1])
{
    size_t nb = json_object_is_type(reply, json_type_array) ? json_object_array_length(reply) : 0;
    for (size_t b = 0; b < nb; b++) {
        json_object *bus = json_object_array_get_idx(reply, b), *num, *devs;
        if (!json_object_object_get_ex(bus, "bus", &num) || json_object_get_int(num) != 0 ||
            !json_object_object_get_ex(bus, "devices", &devs) ||
            !json_object_is_type(devs, json_type_array))
            continue;
        for (size_t d = 0; d < json_object_array_length(devs); d++) {
            json_object *slot;
            if (json_object_object_get_ex(json_object_array_get_idx(devs, d), "slot", &slot)) {
                int s = json_object_get_int(slot);
                if (s >= 0 && s <= PCI_MAX_SLOT)
                    used[s] = true;
            }
        }
    }
}

int vn_lv_pci_address(vn_live *l, vn_memdev *m, vn_error *err)
{
    const vn_domain *dom = l->dom;
    const char *model = vn_memory_model_to_string(m->model);
    if (vn_qemu_machine_is_q35(dom)) {
        vn_error_set(err, VNUMA_ERR_UNSUPPORTED, "a %s device on q35 needs a free "
                     "pcie-root-port, which vnuma's QEMU command line does not make; attach "
                     "it on the pc machine", model);
        return -1;
    }
    bool used[PCI_MAX_SLOT + 1] = {[0] = true};
    VN_JSON_AUTO json_object *reply = NULL;
    if (vn_lv_exec(l, "query-pci", NULL, &reply, err) != VN_QMP_OK)
        return vn_ap_step_failed(err, "a PCI slot for %s", m->alias);
    mark_query_pci(reply, used);
    for (size_t i = 0; i < dom->nmemdevs; i++) {
        const vn_memdev *o = &dom->memdevs[i];
        if (o != m && o->addr_type == VN_MEMDEV_ADDR_PCI && o->pci_bus == 0 &&
            o->pci_slot <= PCI_MAX_SLOT)
            used[o->pci_slot] = true;
    }
    if (m->addr_type == VN_MEMDEV_ADDR_PCI) {
        if (m->pci_domain || m->pci_bus || m->pci_slot > PCI_MAX_SLOT || m->pci_slot == 0) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Invalid PCI address "
                          "%04x:%02x:%02x.%x for %s: vnuma hot-plugs on pci.0 (bus 0), slots "
                          "1-31", m->pci_domain, m->pci_bus, m->pci_slot, m->pci_function, model);
            return -1;
        }
        if (used[m->pci_slot]) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "Attempted double use of "
                          "PCI Address 0000:00:%02x.%x", m->pci_slot, m->pci_function);
            return -1;
        }
        return 0;
    }
    for (unsigned s = 1; s <= PCI_MAX_SLOT; s++)
        if (!used[s]) {
            m->addr_type = VN_MEMDEV_ADDR_PCI;
            m->pci_domain = m->pci_bus = m->pci_function = 0;
            m->pci_slot = s;
            vn_ap_log(l->o, "%s goes to PCI slot 0x%02x", m->alias, s);
            return 0;
        }
    vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "No more available PCI slots");
    return -1;
}
