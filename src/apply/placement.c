/*
 * placement.c - what a domain asks of the host at run time, worked out
 * once from the model as libvirt 9.0 works it out at start
 * (qemu_process.c): the memory mode and nodes, the emulator's CPUs and
 * memory nodes, and each online vCPU's and iothread's.  Pure.
 *
 *   - CPUs (qemuProcessSetupPid): the thread's own pin (emulatorpin,
 *     vcpupin, iothreadpin), else the advisor's autoCpuset for
 *     <vcpu placement='auto'>, else <vcpu cpuset>, else every online CPU
 *     of the host (NULL here: cpuset.cpus is then left as inherited).
 *   - Memory nodes: the global strict or restrictive nodeset
 *     (placement='auto': the advisor's autoNodeset); a vCPU whose guest
 *     cell has a restrictive <memnode> takes that memnode's nodeset
 *     instead.  preferred and interleave restrict nothing: restricting
 *     cpuset.mems would turn them into strict.
 */
#include <stdlib.h>

#include "apply/apply_internal.h"

static vn_bitmap *copy_or_null(const vn_bitmap *b)
{
    return b && !vn_bitmap_is_empty(b) ? vn_bitmap_copy(b) : NULL;
}

static const vn_bitmap *pin_of(const vn_pin *pins, size_t n, unsigned id)
{
    for (size_t i = 0; i < n; i++)
        if (pins[i].id == id)
            return pins[i].cpuset;
    return NULL;
}

static vn_bitmap *host_online_cpus(const vn_host *host)
{
    vn_bitmap *b = vn_bitmap_new();
    for (size_t i = 0; host && i < host->nnodes; i++)
        for (size_t c = 0; c < host->nodes[i].ncpus; c++)
            if (host->nodes[i].cpus[c].online)
                vn_bitmap_set(b, host->nodes[i].cpus[c].id);
    return b;
}

static bool vcpu_online(const vn_domain *dom, unsigned v)
{
    return dom->vcpu_info ? dom->vcpu_info[v].online : v < dom->vcpus_current;
}

static void plan_vcpu(const vn_domain *dom, const vn_ap_plan *p, const vn_bitmap *fallback,
                      unsigned v, vn_ap_thread *t)
{
    t->id = v;
    const vn_bitmap *pin = pin_of(dom->vcpupins, dom->nvcpupins, v);
    t->cpus = copy_or_null(pin ? pin : fallback);
    t->mems = copy_or_null(p->emulator_mems);
    int cell = vn_domain_vcpu_cell(dom, v);
    vn_numatune_mode m;
    if (cell >= 0 && vn_domain_numatune_mode(dom, cell, &m) == 0 &&
        m == VN_NUMATUNE_RESTRICTIVE) {
        vn_bitmap_free(t->mems);
        t->mems = copy_or_null(vn_domain_numatune_nodeset(dom, cell));
    }
}

int vn_ap_plan_build(const vn_domain *dom, const vn_host *host, vn_ap_plan *p, vn_error *err)
{
    p->has_mode = vn_domain_numatune_mode(dom, -1, &p->mode) == 0;
    p->nodeset = copy_or_null(vn_domain_numatune_nodeset(dom, -1));
    for (size_t i = 0; !dom->numatune_specified && i < dom->ncells; i++)
        p->per_cell_only |= dom->cells[i].has_memnode;
    p->all_cpus = host_online_cpus(host);
    if (vn_bitmap_is_empty(p->all_cpus)) {
        vn_error_set(err, VNUMA_ERR_HOST, "the host (%s) has no online CPU",
                     host && host->source ? host->source : "none");
        return -1;
    }
    const vn_bitmap *fallback = dom->cpu_placement == VN_PLACEMENT_AUTO ? dom->auto_cpuset
                                                                        : dom->cpumask;
    p->emulator_cpus = copy_or_null(dom->emulatorpin ? dom->emulatorpin : fallback);
    if (p->has_mode && (p->mode == VN_NUMATUNE_STRICT || p->mode == VN_NUMATUNE_RESTRICTIVE))
        p->emulator_mems = copy_or_null(p->nodeset);
    for (unsigned v = 0; v < dom->maxvcpus; v++)
        if (vcpu_online(dom, v))
            plan_vcpu(dom, p, fallback, v, VN_APPEND(p->vcpus, p->nvcpus));
    for (unsigned id = 1; id <= dom->niothreads; id++) {
        vn_ap_thread *t = VN_APPEND(p->iothreads, p->niothreads);
        const vn_bitmap *pin = pin_of(dom->iothreadpins, dom->niothreadpins, id);
        t->id = id;
        t->cpus = copy_or_null(pin ? pin : fallback);
        t->mems = copy_or_null(p->emulator_mems);
    }
    return 0;
}

static void threads_clear(vn_ap_thread *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vn_bitmap_free(t[i].cpus);
        vn_bitmap_free(t[i].mems);
    }
    free(t);
}

void vn_ap_plan_clear(vn_ap_plan *p)
{
    vn_bitmap_free(p->nodeset);
    vn_bitmap_free(p->all_cpus);
    vn_bitmap_free(p->emulator_cpus);
    vn_bitmap_free(p->emulator_mems);
    threads_clear(p->vcpus, p->nvcpus);
    threads_clear(p->iothreads, p->niothreads);
    *p = (vn_ap_plan){0};
}
