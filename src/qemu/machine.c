/*
 * machine.c - QEMU 7.2 machine facts (machine.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/machine.h"

/* "pc-i440fx-X.Y" / "pc-q35-X.Y": version as X*100+Y, or -1. */
static int machine_version(const char *machine, const char *prefix)
{
    size_t n = strlen(prefix);
    unsigned major, minor;
    if (strncmp(machine, prefix, n) != 0)
        return -1;
    int r = sscanf(machine + n, "%u.%u", &major, &minor);
    if (r < 2 || major > 100 || minor > 99)
        return -1;
    return (int)(major * 100 + minor);
}

/* numaMemSupported: machine types up to 5.0 still take -numa node,mem=. */
bool vn_qemu_machine_numa_mem_supported(const char *machine)
{
    int v;
    if (!machine)
        return false;
    if ((v = machine_version(machine, "pc-i440fx-")) >= 0)
        return v >= 104 && v <= 500;
    if ((v = machine_version(machine, "pc-q35-")) >= 0)
        return v >= 204 && v <= 500;
    return false;
}

/* defaultRAMid */
const char *vn_qemu_machine_default_ram_id(const char *machine)
{
    if (!machine)
        return "pc.ram";
    if (!strcmp(machine, "microvm"))
        return "microvm.ram";
    if (!strcmp(machine, "pc") || !strcmp(machine, "q35") || !strcmp(machine, "isapc") ||
        !strncmp(machine, "pc-", 3))
        return "pc.ram";
    return NULL;
}

/* qemuDomainMachineIsQ35: an x86 guest (a domain without os/type/@arch
 * gets the host's, x86_64) whose machine is "q35" or "pc-q35-X.Y". */
bool vn_qemu_machine_is_q35(const vn_domain *d)
{
    bool x86 = !d->arch || !strcmp(d->arch, "x86_64") || !strcmp(d->arch, "i686");
    return x86 && d->machine &&
           (!strcmp(d->machine, "q35") || !strncmp(d->machine, "pc-q35-", 7));
}

/* virQEMUCapsGetMachineMaxCpus for QEMU 7.2's x86 machines; 0 = unknown. */
unsigned vn_qemu_machine_max_cpus(const vn_domain *d)
{
    if (!d->machine)
        return 0;
    if (vn_qemu_machine_is_q35(d))
        return 288;
    if (!strcmp(d->machine, "pc") || !strncmp(d->machine, "pc-i440fx", 9) ||
        !strncmp(d->machine, "pc-", 3))
        return 255;
    return 0;
}

bool vn_domain_has_memory_hotplug(const vn_domain *d)
{
    return d->memory_slots > 0 || d->max_memory_kib > 0;
}

bool vn_domain_numa_has_hmat(const vn_domain *d)
{
    if (d->ninterconnects)
        return true;
    for (size_t i = 0; i < d->ncells; i++)
        if (d->cells[i].ncaches)
            return true;
    return false;
}
