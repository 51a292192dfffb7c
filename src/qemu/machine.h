/*
 * machine.h - facts of QEMU 7.2's x86 machine types and of a domain that
 * libvirt 9.0 consults when it builds the command line and checks a
 * domain at start (caps_7.2.0.x86_64.xml, qemu_domain.c).
 */
#ifndef VN_QEMU_MACHINE_H
#define VN_QEMU_MACHINE_H

#include <stdbool.h>

#include "model/domain.h"

/* numaMemSupported: machine types up to 5.0 still take -numa node,mem=. */
bool vn_qemu_machine_numa_mem_supported(const char *machine);

/* defaultRAMid */
const char *vn_qemu_machine_default_ram_id(const char *machine);

/* qemuDomainMachineIsQ35: x86 and "q35" or "pc-q35-X.Y". */
bool vn_qemu_machine_is_q35(const vn_domain *d);
/* The machine's vCPU limit (virQEMUCapsGetMachineMaxCpus); 0 = unknown. */
unsigned vn_qemu_machine_max_cpus(const vn_domain *d);

bool vn_domain_has_memory_hotplug(const vn_domain *d);

bool vn_domain_numa_has_hmat(const vn_domain *d);

#endif
