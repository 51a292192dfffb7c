/*
 * vcpus.c - `vnuma setvcpus NAME COUNT`, as `virsh setvcpus --live`
 * (qemu_hotplug.c, qemuDomainSetVcpusInternal and qemuDomainSetVcpusLive):
 *   1. before any QMP traffic: COUNT <= the maximum ("requested vcpus is
 *      greater than max allowable vcpus for the live domain: N > M"), and
 *      the vCPUs to change (qemuDomainSelectHotplugVcpuEntities): to plug,
 *      the offline ones in increasing order; to unplug, the online
 *      hot-pluggable ones from the highest down (the vCPUs of -smp cannot
 *      go: "failed to find appropriate hotpluggable vcpus to reach the
 *      desired target vcpu count");
 *   2. the emulator cgroup may use every host node with memory until the
 *      plugs or unplugs are done (virDomainCgroupEmulatorAllNodesAllow,
 *      then ...Restore; cgroup.h's vn_cg_emulator_all_nodes);
 *      query-hotpluggable-cpus: QEMU's entities sorted by socket, die,
 *      core and thread are the vCPUs in order (libvirt's
 *      qemuMonitorQueryHotpluggableCpusEntrySort);
 *   3. plugging vCPU N (qemuDomainHotplugAddVcpu): device_add of the
 *      entity's type with id vcpuN, its socket-id, die-id, core-id and
 *      thread-id, and the node-id of N's cell in <cpu><numa> (which must be
 *      the node QEMU lists for it); then query-cpus-fast for its thread,
 *      which gets its own vcpuN cgroup with its cell's memory nodes and its
 *      <vcpupin> CPUs, then its affinity, as launch places every vCPU
 *      (qemuProcessSetupVcpu, apply's vn_ap_place_thread);
 *   4. unplugging (qemuDomainHotplugDelVcpu), highest first: device_del
 *      vcpuN, DEVICE_DELETED within the wait (5 s), then its cgroup is
 *      removed.  A refusal or no answer is an error, as libvirt's ("vcpu
 *      unplug request timed out. Unplug result must be manually inspected
 *      in the domain"); vnuma records it as pending and the next live
 *      command finishes it if QEMU no longer has the vCPU;
 *   5. under TCG, QEMU 7.2 aborts when a vCPU is plugged into a slot another
 *      left earlier: the entry remembers the vCPUs unplugged, and plugging
 *      one of them again is refused (restart the guest).
 * The live XML records each vCPU's state from then on (<vcpus>, libvirt's
 * individualvcpus).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/live_internal.h"

static bool vcpu_online(const vn_domain *dom, unsigned v)
{
    return dom->vcpu_info ? dom->vcpu_info[v].online : v < dom->vcpus_current;
}

static bool vcpu_hotpluggable(const vn_domain *dom, unsigned v)
{
    return dom->vcpu_info && dom->vcpu_info[v].hotpluggable == VN_TRISTATE_YES;
}

/* qemuDomainSelectHotplugVcpuEntities (one vCPU per entity on x86). */
static int select_vcpus(const vn_domain *dom, unsigned count, bool *enable, vn_bitmap *sel,
                        vn_error *err)
{
    unsigned cur = vn_domain_online_vcpus(dom);
    *enable = count > cur;
    if (*enable) {
        for (unsigned v = 0; v < dom->maxvcpus && cur < count; v++)
            if (!vcpu_online(dom, v)) {
                vn_bitmap_set(sel, v);
                cur++;
            }
    } else {
        for (unsigned v = dom->maxvcpus; v-- > 0 && cur > count;)
            if (vcpu_online(dom, v) && vcpu_hotpluggable(dom, v)) {
                vn_bitmap_set(sel, v);
                cur--;
            }
    }
    if (cur != count) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "failed to find appropriate hotpluggable vcpus to reach the desired "
                      "target vcpu count");
        return -1;
    }
    return 0;
}

static int query_entities(vn_live *l, vn_qmp_hotpluggable_cpu_list *cpus, vn_error *err)
{
    vn_qmp *q = vn_lv_qmp(l, err);
    return q && vn_qmp_query_vcpu_entities(q, l->dom->maxvcpus, cpus, err) == VN_QMP_OK ? 0 : -1;
}

/* The host thread of vCPU v (query-cpus-fast), -1 when QEMU has none. */
static int vcpu_thread(vn_live *l, unsigned v, int64_t *tid, bool *shared, vn_error *err)
{
    VN_AUTOCLEAR(vn_qmp_cpu_list) cpus = {0};
    if (vn_qmp_query_cpus_fast(l->qmp, &cpus, err) != VN_QMP_OK)
        return -1;
    *tid = -1;
    *shared = false;
    VN_AUTOFREE char *path = vn_asprintf("/machine/peripheral/vcpu%u", v);
    for (size_t i = 0; i < cpus.n; i++)
        if (cpus.items[i].qom_path && !strcmp(cpus.items[i].qom_path, path))
            *tid = cpus.items[i].thread_id;
    for (size_t i = 0; i < cpus.n && *tid > 0; i++)
        if (cpus.items[i].thread_id == *tid &&
            (!cpus.items[i].qom_path || strcmp(cpus.items[i].qom_path, path)))
            *shared = true;
    return 0;
}

static int place(vn_live *l, unsigned v, pid_t tid, vn_buf *say, vn_error *err)
{
    const vn_host *h = vn_lv_host(l, err);
    VN_AUTOCLEAR(vn_ap_plan) plan = {0};
    if (vn_ap_plan_build(l->dom, h, &plan, err) < 0)
        return -1;
    const vn_ap_thread *t = NULL;
    for (size_t i = 0; i < plan.nvcpus; i++)
        if (plan.vcpus[i].id == v)
            t = &plan.vcpus[i];
    const vn_ap_info *info = &l->e.info;
    VN_AUTOCLEAR(vn_cgroups) cg = {0};
    vn_cg_for_kind(info->cg_kind, info->cg_mount, &cg);
    if (vn_ap_place_thread(&cg, info->cg_domain, &plan, &l->e.info, &l->undo, l->o, "vcpu", v,
                           tid, t, err) < 0)
        return -1;
    VN_AUTOFREE char *cpus = vn_bitmap_format(vn_ap_cpus_or_all(&plan, t ? t->cpus : NULL));
    vn_buf_addf(say, ", thread %d on host CPUs %s", (int)tid, cpus);
    return 0;
}

static int plug(vn_live *l, unsigned v, const vn_qmp_hotpluggable_cpu *e, vn_buf *say,
                vn_error *err)
{
    vn_domain *dom = l->dom;
    int cell = vn_domain_vcpu_cell(dom, v);
    if (e->qom_path) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "QEMU has vCPU %u plugged already (%s) though the "
                     "live XML says it is offline", v, e->qom_path);
        return -1;
    }
    if (cell >= 0 && e->props.node_id >= 0 && e->props.node_id != cell) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "QEMU puts vCPU %u on guest node %lld, the "
                     "domain's <cpu><numa> on %d", v, (long long)e->props.node_id, cell);
        return -1;
    }
    VN_AUTOFREE char *args = vn_qmp_vcpu_device_args(e, v, cell);
    if (vn_lv_exec(l, "device_add", args, NULL, err) != VN_QMP_OK)
        return -1;
    dom->vcpu_info[v].online = true;
    dom->vcpu_info[v].hotpluggable = VN_TRISTATE_YES;
    dom->vcpus_current = vn_domain_online_vcpus(dom);
    vn_domain_keep_vcpu_states(dom);
    vn_buf_addf(say, "%svCPU %u on guest node %d", say->len ? "; " : "plugged ", v, cell);
    int64_t tid;
    bool shared;
    if (vcpu_thread(l, v, &tid, &shared, err) < 0)
        return -1;
    if (tid <= 0) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "qemu didn't report thread id for vcpu '%u'", v);
        return -1;
    }
    if (shared) {
        vn_warn(l->o->warnings, "vCPU %u of %s shares thread %lld with another vCPU (TCG "
                "thread=single?): it gets no cgroup or affinity of its own", v,
                l->e.info.name, (long long)tid);
        return 0;
    }
    return place(l, v, (pid_t)tid, say, err);
}

/* The vcpuN cgroup of an unplugged vCPU: removed, and out of the entry. */
static void drop_list(vn_argv *a, const char *s)
{
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->v[i], s)) {
            free(a->v[i]);
            memmove(a->v + i, a->v + i + 1, (a->n - i - 1) * sizeof(*a->v));
            a->n--;
            return;
        }
}

static bool tcg(const vn_domain *dom)
{
    return !dom->type || strcmp(dom->type, "kvm");
}

static bool listed(const vn_argv *a, const char *s)
{
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->v[i], s))
            return true;
    return false;
}

/* QEMU 7.2 under TCG aborts ("double free or corruption") when a vCPU is
 * plugged into a slot a vCPU was unplugged from earlier in the same
 * process: refused before QMP, so the guest lives on. */
static int check_replug(const vn_live *l, const vn_bitmap *sel, vn_error *err)
{
    if (!tcg(l->dom))
        return 0;
    vn_bitmap_foreach(sel, v) {
        VN_AUTOFREE char *alias = vn_asprintf("vcpu%d", v);
        if (listed(&l->e.info.vcpu_unplugged, alias)) {
            vn_error_setc(err, VNUMA_ERR_UNSUPPORTED, VN_ERRC_OPERATION_INVALID,
                          "vCPU %d was unplugged from this QEMU process, and QEMU 7.2 under TCG "
                          "aborts (double free or corruption) when a vCPU is plugged again into "
                          "a slot it left; restart '%s' to have it back", v, l->e.info.name);
            return -1;
        }
    }
    return 0;
}

static int vcpu_gone(vn_live *l, unsigned v, vn_error *err)
{
    vn_ap_info *info = &l->e.info;
    l->dom->vcpu_info[v].online = false;
    l->dom->vcpus_current = vn_domain_online_vcpus(l->dom);
    VN_AUTOFREE char *alias = vn_asprintf("vcpu%u", v);
    vn_lv_pending_drop(l, alias);
    if (tcg(l->dom) && !listed(&info->vcpu_unplugged, alias))
        vn_argv_add(&info->vcpu_unplugged, alias);
    if (info->cg_kind == VN_CG_NONE || !info->cg_domain || !*info->cg_domain)
        return 0;
    VN_AUTOFREE char *path = vn_asprintf("%s/vcpu%u", info->cg_domain, v);
    VN_AUTOCLEAR(vn_cgroups) cg = {0};
    vn_cg_for_kind(info->cg_kind, info->cg_mount, &cg);
    if (vn_cg_remove(&cg, path, err) < 0)
        return -1;
    drop_list(&info->cg_made, path);
    drop_list(&info->cg_threads, path);
    return 0;
}

static int unplug(vn_live *l, unsigned v, vn_buf *say, vn_error *err)
{
    VN_AUTOFREE char *alias = vn_asprintf("vcpu%u", v);
    int del = vn_lv_device_del(l, alias, err);
    if (del < 0)
        return -1;
    vn_lv_unplug how = VN_LV_GONE;
    VN_AUTOFREE char *why = NULL;
    if (!del && vn_lv_wait_unplug(l, alias, vn_lv_wait(l), &how, &why, err) < 0)
        return -1;
    if (how == VN_LV_REFUSED) {
        vn_error_setc(err, VNUMA_ERR_SYSTEM, VN_ERRC_OPERATION_FAILED, "the guest refused to "
                      "unplug vCPU %u (%s): unplug of device was rejected by the guest", v, why);
        return -1;
    }
    if (how == VN_LV_NO_ANSWER) {
        vn_lv_pending_add(l, alias);
        vn_error_setc(err, VNUMA_ERR_SYSTEM, VN_ERRC_NONE, "Timed out during operation: vcpu "
                      "unplug request timed out. Unplug result must be manually inspected in "
                      "the domain (vCPU %u did not go within %d ms; the next vnuma command "
                      "on %s completes it if the guest ejects it later)", v, vn_lv_wait(l),
                      l->e.info.name);
        return -1;
    }
    vn_buf_addf(say, "%svCPU %u", say->len ? ", " : "unplugged ", v);
    return vcpu_gone(l, v, err);
}

int vn_lv_vcpus_reconcile(vn_live *l, vn_error *err)
{
    bool any = false;
    for (size_t i = 0; i < l->e.info.unplug_pending.n; i++) {
        unsigned v;
        const char *a = l->e.info.unplug_pending.v[i];
        any |= !strncmp(a, "vcpu", 4) && vn_parse_uint(a + 4, &v) && v < l->dom->maxvcpus;
    }
    if (!any)
        return 0;
    VN_AUTOCLEAR(vn_qmp_hotpluggable_cpu_list) cpus = {0};
    vn_qmp *q = vn_lv_qmp(l, err);
    if (!q || vn_qmp_query_hotpluggable_cpus(q, &cpus, err) != VN_QMP_OK)
        return -1;
    int changed = 0;
    for (unsigned v = 0; v < l->dom->maxvcpus; v++) {
        VN_AUTOFREE char *alias = vn_asprintf("vcpu%u", v);
        VN_AUTOFREE char *path = vn_asprintf("/machine/peripheral/%s", alias);
        if (!vn_lv_pending(l, alias))
            continue;
        bool there = false;
        for (size_t i = 0; i < cpus.n; i++)
            there |= cpus.items[i].qom_path && !strcmp(cpus.items[i].qom_path, path);
        if (there)
            continue;
        vn_ap_log(l->o, "vCPU %u is gone: its unplug finished after the last command", v);
        if (vcpu_gone(l, v, err) < 0)
            return -1;
        changed = 1;
    }
    return changed;
}

int vn_live_setvcpus(const char *name, unsigned count, const vn_apply_opts *o,
                     const vn_live_opts *lo, vn_live_result *r, vn_error *err)
{
    *r = (vn_live_result){0};
    VN_AUTOCLEAR(vn_live) l;
    if (vn_lv_open(name, o, lo, &l, err) < 0)
        return -1;
    vn_domain *dom = l.dom;
    if (count > dom->maxvcpus) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INVALID_ARG, "requested vcpus is greater "
                      "than max allowable vcpus for the live domain: %u > %u", count,
                      dom->maxvcpus);
        return -1;
    }
    /* a vCPU whose unplug was pending may be gone by now (QMP only then) */
    if (vn_lv_reconcile(&l, err) < 0)
        return -1;
    bool enable;
    VN_AUTOPTR(vn_bitmap) sel = vn_bitmap_new();
    if (select_vcpus(dom, count, &enable, sel, err) < 0)
        return -1;
    if (vn_bitmap_is_empty(sel)) {
        r->outcome = VN_LIVE_UNCHANGED;
        r->message = vn_asprintf("%s has %u vCPUs online already", name, count);
        return 0;
    }
    if (enable && check_replug(&l, sel, err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_buf) say = {0};
    /* qemuDomainSetVcpusLive: the emulator cgroup may use every node meanwhile */
    const vn_ap_info *info = &l.e.info;
    const vn_host *h = vn_lv_host(&l, err);
    if (!h)
        return -1;
    VN_AUTOPTR(vn_bitmap) all = vn_host_nodes_with_memory(h);
    VN_AUTOCLEAR(vn_cgroups) cg = {0};
    vn_cg_for_kind(info->cg_kind, info->cg_mount, &cg);
    VN_AUTOFREE char *emulator = info->cg_domain && *info->cg_domain
                                     ? vn_asprintf("%s/emulator", info->cg_domain) : NULL;
    vn_cg_all_nodes wide;
    if (vn_cg_emulator_all_nodes(&cg, emulator, all, &wide, err) < 0)
        return vn_ap_step_failed(err, "setvcpus %s: every node for the emulator cgroup", name);
    int rc = 0;
    VN_AUTOCLEAR(vn_qmp_hotpluggable_cpu_list) ents = {0};
    if (enable && query_entities(&l, &ents, err) < 0) {
        vn_cg_emulator_restore(&wide, o->warnings);
        return vn_ap_step_failed(err, "setvcpus %s", name);
    }
    if (enable) {
        vn_bitmap_foreach(sel, v) {
            rc = plug(&l, (unsigned)v, &ents.items[v], &say, err);
            /* the vCPU is there once device_add succeeded: what was made for
             * it stays (recorded in the entry, removed at stop) */
            vn_undo_commit(&l.undo);
            if (rc < 0)
                break;
        }
    } else {
        for (unsigned v = dom->maxvcpus; v-- > 0 && rc == 0;)
            if (vn_bitmap_is_set(sel, v))
                rc = unplug(&l, v, &say, err);
    }
    vn_cg_emulator_restore(&wide, o->warnings);
    vn_error e2 = {0};
    if (vn_lv_save(&l, rc < 0 ? &e2 : err) < 0 && rc == 0)
        return -1;
    if (rc < 0)
        return vn_ap_step_failed(err, "setvcpus %s", name);
    r->outcome = VN_LIVE_DONE;
    r->message = vn_asprintf("%s has %u vCPUs online: %s", name,
                             vn_domain_online_vcpus(dom), say.s ? say.s : "");
    return 0;
}
