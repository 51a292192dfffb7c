/*
 * run.c - `vnuma run DOMAIN.xml -- CMD ARGS`: CMD under the domain's host
 * policy, as numactl would run it, but driven by the domain; and the
 * preparation run and launch share (vn_ap_start_prepare).
 *
 * Steps, each registering its undo:
 *   1. claim the name in the state directory;
 *   2. the per-domain memory directories (memdirs.c);
 *   3. the domain cgroup PARENT/qemu-ID-NAME.libvirt-qemu: cpuset.cpus
 *      (emulatorpin, else autoCpuset, else <vcpu cpuset>, else left as
 *      inherited) and, for strict and restrictive only, cpuset.mems (for
 *      preferred or interleave it would make them strict); then this
 *      process joins it;
 *   4. the memory policy, as numactl sets it, cpuset or not: strict
 *      MPOL_BIND, preferred MPOL_PREFERRED(_MANY), interleave
 *      MPOL_INTERLEAVE, restrictive none (unlike libvirt's pre-exec hook,
 *      which leaves strict to the cgroup);
 *   5. the CPU affinity, the same CPUs (all when none is asked);
 *   6. register pid and start time, then exec CMD.
 * run's exit status is CMD's.  After exec nothing of vnuma is left to
 * clean up when CMD ends: the entry then shows as stale, and `vnuma
 * stop`, `vnuma list` or the next run of the name removes it and its
 * cgroup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply_internal.h"
#include "os/os.h"

void vn_apply_opts_init(vn_apply_opts *o)
{
    *o = (vn_apply_opts){0};
    vn_config_init(&o->cfg);
}

void vn_apply_opts_clear(vn_apply_opts *o)
{
    vn_config_clear(&o->cfg);
}

void vn_ap_start_clear(vn_ap_start *s)
{
    vn_domain_free(s->dom);
    vn_host_free(s->host);
    vn_config_clear(&s->cfg);
    free(s->name);
    vn_argv_clear(&s->argv);
    vn_ap_plan_clear(&s->plan);
    vn_cgroups_clear(&s->cg);
    *s = (vn_ap_start){0};
}

int vn_ap_require_root(const char *step, vn_error *err)
{
    const vn_os *os = vn_os_current();
    if (os->geteuid(os) == 0)
        return 0;
    vn_error_set(err, VNUMA_ERR_SYSTEM, "%s: vnuma must run as root (euid 0) to create "
                 "cgroups and set the placement of other processes; euid is %d", step,
                 (int)os->geteuid(os));
    return -1;
}

static int load(const char *xml_path, const vn_apply_opts *o, vn_ap_start *s, vn_error *err)
{
    s->dom = vn_domain_parse_file(xml_path, VN_PARSE_ABI_UPDATE, err);
    if (!s->dom)
        return -1;
    if (s->dom->vnuma.present) {
        vn_error_set(err, VNUMA_ERR_UNSUPPORTED, "%s has a <vnuma> element: expand it into a "
                     "plain libvirt domain first (vnuma xml --expand)", xml_path);
        return -1;
    }
    s->name = vn_strdup(o->name ? o->name : s->dom->name);
    if (vn_ap_check_name(s->name, true, NULL, err) < 0)
        return -1;
    if (vn_host_source_is_none(o->host_source)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "--host none: run and launch need the host "
                     "they place the guest on");
        return -1;
    }
    s->host = vn_host_load_with(o->host_source, &o->host_load, err);
    return s->host ? 0 : -1;
}

static void warn_no_cpuset(const vn_ap_start *s, const vn_apply_opts *o)
{
    if (s->cg.kind != VN_CG_NONE)
        return;
    if (s->plan.has_mode && s->plan.mode == VN_NUMATUNE_RESTRICTIVE) {
        VN_AUTOFREE char *n = s->plan.nodeset ? vn_bitmap_format(s->plan.nodeset)
                                              : vn_strdup("");
        vn_warn(o->warnings, "no cpuset cgroup controller on this host: the restrictive "
                "nodeset '%s' of %s cannot be enforced (only the CPU affinity is set)", n,
                s->name);
    }
    else
        vn_warn(o->warnings, "no cpuset cgroup controller on this host: %s gets only its "
                "CPU affinity and memory policy", s->name);
}

int vn_ap_start_prepare(const char *xml_path, const vn_apply_opts *o, bool for_launch,
                        vn_ap_start *s, vn_error *err)
{
    if (load(xml_path, o, s, err) < 0)
        return -1;
    vn_config_copy(&s->cfg, &o->cfg);
    if (!o->domain_id_given)
        s->cfg.domain_id = vn_ap_state_free_id(o);
    if (vn_qemu_build(s->dom, s->host, &s->cfg, o->warnings, &s->argv, err) < 0)
        return -1;
    if (vn_ap_plan_build(s->dom, s->host, &s->plan, err) < 0)
        return -1;
    if (s->plan.per_cell_only && !for_launch) {
        vn_error_set(err, VNUMA_ERR_UNSUPPORTED, "the memory policy of %s is per guest cell "
                     "only (<memnode> without <numatune><memory>): a process has no guest "
                     "cells; start it as a guest with vnuma launch", s->name);
        return -1;
    }
    if (vn_cg_detect(NULL, &s->cg, err) < 0)
        return vn_ap_step_failed(err, "cgroup backend");
    warn_no_cpuset(s, o);
    return 0;
}

/* ---- the steps of run ---- */

typedef struct move_back {
    vn_cgroups cg;
    char *orig;                /* the cgroup this process came from */
} move_back;

static int undo_move_back(void *arg, vn_error *err)
{
    move_back *m = arg;
    const vn_os *os = vn_os_current();
    return m->cg.be->add_proc(&m->cg, m->orig, os->getpid(os), err);
}

static void free_move_back(void *arg)
{
    move_back *m = arg;
    vn_cgroups_clear(&m->cg);
    free(m->orig);
    free(m);
}

/* This process's cgroup in the hierarchy, for the undo of joining one. */
static char *own_cgroup(const vn_cgroups *cg, vn_error *err)
{
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_read("/proc/self/cgroup", &text, err) < 0)
        return NULL;
    VN_AUTOFREE char *rel = vn_ap_parse_proc_cgroup(text, cg->kind == VN_CG_V1 ? "cpuset" : "");
    if (!rel) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "/proc/self/cgroup names no %s cgroup",
                     cg->kind == VN_CG_V1 ? "cpuset" : "v2");
        return NULL;
    }
    return vn_asprintf("%s%s", cg->mount, strcmp(rel, "/") ? rel : "");
}

/* The domain cgroup, its sets, and this process in it. */
static int run_cgroup(vn_ap_start *s, vn_ap_entry *e, const vn_apply_opts *o, vn_undo *u,
                      vn_error *err)
{
    const vn_cgroups *cg = &s->cg;
    if (cg->kind == VN_CG_NONE)
        return 0;
    VN_AUTOFREE char *parent = vn_cg_parent(cg, o->cgroup_parent, NULL, err);
    if (!parent || cg->be->prepare_parent(cg, parent, &e->info.cg_made, err) < 0)
        return -1;
    vn_argv_clear(&e->info.cg_made);   /* the partition is shared: kept, as libvirt's /machine */
    VN_AUTOFREE char *dname = vn_ap_cgroup_dir_name(s->cfg.domain_id, s->name);
    VN_AUTOFREE char *d = vn_asprintf("%s/%s", parent, dname);
    if (vn_cg_make(cg, parent, d, false, u, err) < 0)
        return -1;
    e->info.cg_domain = vn_strdup(d);
    vn_argv_add(&e->info.cg_made, d);
    if (vn_ap_entry_save(e, err) < 0)
        return -1;
    vn_ap_log(o, "cgroup %s (%s)", d, cg->be->name);
    if (s->plan.emulator_cpus && cg->be->set_cpus(cg, d, s->plan.emulator_cpus, err) < 0)
        return -1;
    if (s->plan.emulator_mems && cg->be->set_mems(cg, d, s->plan.emulator_mems, err) < 0)
        return -1;
    move_back *m = vn_calloc(1, sizeof(*m));
    vn_cg_for_kind(cg->kind, cg->mount, &m->cg);
    m->orig = own_cgroup(cg, err);
    if (!m->orig) {
        free_move_back(m);
        return -1;
    }
    const vn_os *os = vn_os_current();
    if (cg->be->add_proc(cg, d, os->getpid(os), err) < 0) {
        free_move_back(m);
        return -1;
    }
    vn_undo_push(u, undo_move_back, m, free_move_back, "move back to cgroup %s", m->orig);
    return 0;
}

static int undo_policy(void *arg, vn_error *err)
{
    (void)arg;
    return vn_ap_reset_mempolicy(err);
}

static int undo_affinity(void *arg, vn_error *err)
{
    return vn_ap_set_affinity(0, arg, err);
}

static void free_bitmap(void *arg)
{
    vn_bitmap_free(arg);
}

static int run_policy(const vn_ap_plan *p, vn_undo *u, const vn_apply_opts *o, vn_error *err)
{
    if (!p->has_mode || p->mode == VN_NUMATUNE_RESTRICTIVE)
        return 0;
    if (vn_ap_set_mempolicy(p->mode, p->nodeset, err) < 0)
        return -1;
    vn_undo_push(u, undo_policy, NULL, NULL, "reset the memory policy");
    VN_AUTOFREE char *n = p->nodeset ? vn_bitmap_format(p->nodeset) : vn_strdup("");
    vn_ap_log(o, "memory policy %s nodes %s", vn_numatune_mode_to_string(p->mode), n);
    return 0;
}

static int run_affinity(const vn_ap_plan *p, vn_undo *u, const vn_apply_opts *o, vn_error *err)
{
    vn_bitmap *old = NULL;
    if (vn_ap_get_affinity(0, &old, err) < 0)
        return -1;
    const vn_bitmap *cpus = vn_ap_cpus_or_all(p, p->emulator_cpus);
    if (vn_ap_set_affinity(0, cpus, err) < 0) {
        vn_bitmap_free(old);
        return -1;
    }
    vn_undo_push(u, undo_affinity, old, free_bitmap, "restore the CPU affinity");
    VN_AUTOFREE char *c = vn_bitmap_format(cpus);
    vn_ap_log(o, "CPU affinity %s", c);
    return 0;
}

void vn_ap_info_from_plan(vn_ap_info *i, const vn_ap_start *s, const char *kind)
{
    i->name = vn_strdup(s->name);
    i->kind = vn_strdup(kind);
    i->state = vn_strdup("starting");
    i->domain_id = s->cfg.domain_id;
    i->mode = vn_strdup(s->plan.has_mode ? vn_numatune_mode_to_string(s->plan.mode) : "");
    i->nodes = s->plan.nodeset ? vn_bitmap_format(s->plan.nodeset) : vn_strdup("");
    i->cpus = s->plan.emulator_cpus ? vn_bitmap_format(s->plan.emulator_cpus) : vn_strdup("");
    i->cg_kind = s->cg.kind;
    i->cg_mount = vn_strdup(s->cg.mount ? s->cg.mount : "");
    i->cg_domain = NULL;
    vn_config_copy(&i->cfg, &s->cfg);
    i->has_cfg = true;
}

static int register_self(vn_ap_start *s, vn_ap_entry *e, vn_error *err)
{
    const vn_os *os = vn_os_current();
    char state;
    e->info.pid = os->getpid(os);
    if (vn_ap_proc_stat(e->info.pid, &state, &e->info.start) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot read /proc/%d/stat",
                     (int)e->info.pid);
        return -1;
    }
    free(e->info.state);
    e->info.state = vn_strdup("running");
    VN_AUTOFREE char *xml = vn_domain_format(s->dom, err);
    if (!xml || vn_ap_entry_save_xml(e, xml, err) < 0)
        return -1;
    return vn_ap_entry_save(e, err);
}

int vn_apply_run_exec(const char *domain_xml_path, char *const cmd[], const vn_apply_opts *o,
                      vn_error *err)
{
    if (!cmd || !cmd[0]) {
        vn_error_set(err, VNUMA_ERR_INVALID, "run: no command to run");
        return -1;
    }
    if (vn_ap_require_root("run", err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_ap_start) s = {0};
    if (vn_ap_start_prepare(domain_xml_path, o, false, &s, err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_ap_entry) e = {.dirfd = -1, .lockfd = -1};
    VN_AUTOCLEAR(vn_undo) u = {.warnings = o->warnings};
    if (vn_ap_entry_create(o, s.name, &e, &u, err) < 0)
        return vn_ap_step_failed(err, "state entry");
    vn_ap_info_from_plan(&e.info, &s, "run");
    if (vn_ap_entry_save(&e, err) < 0)
        return vn_ap_step_failed(err, "state entry");
    if (vn_ap_memdirs_build(s.dom, &s.cfg, &e.info.memdirs, &u, err) < 0)
        return -1;
    if (run_cgroup(&s, &e, o, &u, err) < 0)
        return vn_ap_step_failed(err, "domain cgroup");
    if (run_policy(&s.plan, &u, o, err) < 0)
        return vn_ap_step_failed(err, "memory policy");
    if (run_affinity(&s.plan, &u, o, err) < 0)
        return vn_ap_step_failed(err, "CPU affinity");
    if (register_self(&s, &e, err) < 0)
        return vn_ap_step_failed(err, "state entry");
    vn_ap_log(o, "exec %s", cmd[0]);
    const vn_os *os = vn_os_current();
    os->execvp(os, cmd[0], cmd);
    vn_error_sys(err, VNUMA_ERR_INVALID, errno, "exec: cannot run '%s'", cmd[0]);
    return -1;
}
