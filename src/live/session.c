/*
 * session.c - one live command on one guest (see live_internal.h): the
 * state entry, locked from the first check to the last write, so that two
 * live commands on a guest (or a live command and `vnuma stop`) take
 * turns; the live domain XML, parsed as libvirt parses its status XML
 * (VN_PARSE_STATUS), with the memory devices named as the command line
 * named them (vn_qemu_memdev_aliases); QMP, connected on first use only,
 * so a refusal never reaches QEMU; and the reconciliation of unplugs a
 * previous command left pending (the guest may have finished them since).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/live_internal.h"
#include "os/os.h"

void vn_live_result_clear(vn_live_result *r)
{
    free(r->alias);
    free(r->message);
    *r = (vn_live_result){0};
}

/* The hugetlbfs mounts and memory-backing directory the guest was launched
 * with, unless this command names its own (--hugetlbfs,
 * --memory-backing-dir): a backend plugged now goes where launch put the
 * others, as libvirt keeps the qemu.conf it started the guest with. */
static void launch_config(vn_config *cfg, const vn_ap_info *i)
{
    if (!i->has_cfg)
        return;   /* an entry of a vnuma that did not record them */
    if (!vn_config_mounts_given(cfg))
        vn_config_copy_mounts(cfg, &i->cfg);
    if (!vn_config_backing_dir_given(cfg) && i->cfg.memory_backing_dir)
        vn_config_set_backing_dir(cfg, i->cfg.memory_backing_dir, i->cfg.backing_dir_source);
}

int vn_lv_open(const char *name, const vn_apply_opts *o, const vn_live_opts *lo, vn_live *l,
               vn_error *err)
{
    static const vn_live_opts none = {0};
    *l = (vn_live){.o = o, .lo = lo ? lo : &none, .e = {.dirfd = -1, .lockfd = -1}};
    l->undo.warnings = o->warnings;
    vn_config_copy(&l->cfg, &o->cfg);   /* the domain id comes from the entry */
    if (vn_ap_entry_open(o, name, &l->e, err) < 0)
        return -1;
    const vn_ap_info *i = &l->e.info;
    if (strcmp(i->kind, "launch")) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "'%s' was started by vnuma run, not vnuma launch: there is no QEMU "
                      "monitor to change it through", name);
        return -1;
    }
    if (!vn_ap_proc_alive(i->pid, i->start)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID, "domain is not "
                      "running: pid %d of '%s' is gone (vnuma stop cleans the entry)",
                      (int)i->pid, name);
        return -1;
    }
    if (!i->state || strcmp(i->state, "running") || !i->qmp || !*i->qmp) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "domain '%s' is still starting", name);
        return -1;
    }
    l->cfg.domain_id = i->domain_id;
    launch_config(&l->cfg, i);
    VN_AUTOFREE char *path = vn_asprintf("%s/domain.xml", l->e.dir);
    l->dom = vn_domain_parse_file(path, VN_PARSE_STATUS, err);
    if (!l->dom)
        return vn_ap_step_failed(err, "the live XML of '%s'", name);
    if (vn_qemu_memdev_aliases(l->dom, err) < 0)
        return -1;
    return 0;
}

void vn_lv_close(vn_live *l)
{
    vn_undo_clear(&l->undo);
    vn_qmp_close(l->qmp);
    vn_domain_free(l->dom);
    vn_host_free(l->host);
    vn_config_clear(&l->cfg);
    vn_ap_entry_clear(&l->e);
    *l = (vn_live){.e = {.dirfd = -1, .lockfd = -1}};
}

const vn_host *vn_lv_host(vn_live *l, vn_error *err)
{
    if (!l->host && !vn_host_source_is_none(l->o->host_source))
        l->host = vn_host_load_with(l->o->host_source, &l->o->host_load, err);
    if (!l->host && !vn_host_source_is_none(l->o->host_source))
        vn_ap_step_failed(err, "the host");
    return l->host;
}

int vn_lv_timeout(const vn_live *l)
{
    return l->lo->qmp_timeout_ms > 0 ? l->lo->qmp_timeout_ms : 10000;
}

int vn_lv_wait(const vn_live *l)
{
    return l->lo->wait_ms > 0 ? l->lo->wait_ms : VN_LIVE_UNPLUG_WAIT_MS;
}

vn_qmp *vn_lv_qmp(vn_live *l, vn_error *err)
{
    if (l->qmp)
        return l->qmp;
    vn_error qe = {0};
    l->qmp = vn_qmp_connect(l->e.sock, vn_lv_timeout(l), &qe);
    if (!l->qmp) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "QEMU (pid %d) of '%s' is not answering on QMP: %s",
                     (int)l->e.info.pid, l->e.info.name, qe.msg);
        return NULL;
    }
    vn_ap_log(l->o, "QMP connected: %s", l->e.info.qmp);
    return l->qmp;
}

vn_qmp_rc vn_lv_exec(vn_live *l, const char *cmd, const char *json_args, json_object **reply,
                     vn_error *err)
{
    vn_qmp *q = vn_lv_qmp(l, err);
    if (!q)
        return VN_QMP_FAILED;
    VN_JSON_AUTO json_object *args = NULL;
    if (json_args && !(args = json_tokener_parse(json_args))) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "internal error: bad JSON for %s: %s", cmd,
                     json_args);
        return VN_QMP_FAILED;
    }
    vn_ap_log(l->o, "QMP %s %s", cmd, json_args ? json_args : "");
    return vn_qmp_execute(q, cmd, args, reply, vn_lv_timeout(l), err);
}

int vn_lv_save(vn_live *l, vn_error *err)
{
    /* libvirt keeps currentMemory equal to the total without a balloon
     * (qemuProcessRefreshBalloonState); vnuma launches none */
    l->dom->cur_balloon_kib = l->dom->total_memory_kib;
    VN_AUTOFREE char *xml = vn_domain_format(l->dom, err);
    if (!xml || vn_ap_entry_save_xml(&l->e, xml, err) < 0 || vn_ap_entry_save(&l->e, err) < 0)
        return vn_ap_step_failed(err, "the live XML of '%s'", l->e.info.name);
    return 0;
}

ssize_t vn_lv_find_memdev(const vn_domain *dom, const char *alias)
{
    for (size_t i = 0; i < dom->nmemdevs; i++)
        if (dom->memdevs[i].alias && !strcmp(dom->memdevs[i].alias, alias))
            return (ssize_t)i;
    return -1;
}

bool vn_lv_pending(const vn_live *l, const char *alias)
{
    const vn_argv *p = &l->e.info.unplug_pending;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i], alias))
            return true;
    return false;
}

void vn_lv_pending_add(vn_live *l, const char *alias)
{
    if (!vn_lv_pending(l, alias))
        vn_argv_add(&l->e.info.unplug_pending, alias);
}

void vn_lv_pending_drop(vn_live *l, const char *alias)
{
    vn_argv *p = &l->e.info.unplug_pending;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i], alias)) {
            free(p->v[i]);
            memmove(p->v + i, p->v + i + 1, (p->n - i - 1) * sizeof(*p->v));
            p->n--;
            return;
        }
}

char *vn_lv_size(uint64_t kib)
{
    if (kib && kib % (1024 * 1024) == 0)
        return vn_asprintf("%llu GiB", (unsigned long long)(kib >> 20));
    if (kib && kib % 1024 == 0)
        return vn_asprintf("%llu MiB", (unsigned long long)(kib >> 10));
    return vn_asprintf("%llu KiB", (unsigned long long)kib);
}

char *vn_lv_nodes(const vn_bitmap *nodes)
{
    VN_AUTOFREE char *s = vn_bitmap_format(nodes);
    return vn_asprintf("host node%s %s", vn_bitmap_count(nodes) == 1 ? "" : "s", s);
}

/* ---- QEMU's /proc files ---- */

int vn_lv_qemu_mems(const vn_live *l, vn_bitmap **mems, vn_error *err)
{
    *mems = NULL;
    VN_AUTOFREE char *path = vn_asprintf("/proc/%d/status", (int)l->e.info.pid);
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_read(path, &text, err) < 0)
        return -1;
    const char *p = strstr(text, "\nMems_allowed_list:");
    if (!p) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "%s has no Mems_allowed_list", path);
        return -1;
    }
    p += strlen("\nMems_allowed_list:");
    p += strspn(p, " \t");
    VN_AUTOFREE char *list = vn_strndup(p, strcspn(p, "\n"));
    *mems = vn_bitmap_parse(list, VN_CPUMASK_LEN, err);
    return *mems ? 0 : -1;
}

int vn_lv_qemu_nvdimm(const vn_live *l, bool *on, vn_error *err)
{
    *on = false;
    VN_AUTOFREE char *path = vn_asprintf("/proc/%d/cmdline", (int)l->e.info.pid);
    const vn_os *os = vn_os_current();
    VN_AUTOFD int fd = os->open(os, path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot read %s", path);
        return -1;
    }
    VN_AUTOCLEAR(vn_buf) b = {0};
    char chunk[4096];
    ssize_t n;
    while ((n = os->read(os, fd, chunk, sizeof(chunk))) > 0 && b.len < VN_AP_MAX_FILE)
        vn_buf_addn(&b, chunk, (size_t)n);
    /* NUL-separated arguments: the value after -machine (or -M) */
    bool machine_next = false;
    for (size_t k = 0; b.s && k < b.len; k += strlen(b.s + k) + 1) {
        const char *a = b.s + k;
        if (machine_next && strstr(a, "nvdimm=on"))
            *on = true;
        machine_next = !strcmp(a, "-machine") || !strcmp(a, "-M");
    }
    return 0;
}

/* ---- reconciliation ---- */

static bool listed(const vn_qmp_memory_device_list *l, const char *alias)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].id && !strcmp(l->items[i].id, alias))
            return true;
    return false;
}

int vn_lv_reconcile(vn_live *l, vn_error *err)
{
    if (!l->e.info.unplug_pending.n)
        return 0;
    vn_qmp *q = vn_lv_qmp(l, err);
    if (!q)
        return -1;
    VN_AUTOCLEAR(vn_qmp_memory_device_list) mem = {0};
    if (vn_qmp_query_memory_devices(q, &mem, err) != VN_QMP_OK)
        return vn_ap_step_failed(err, "reconciling the pending unplugs");
    VN_AUTOCLEAR(vn_argv) pend = {0};
    for (size_t i = 0; i < l->e.info.unplug_pending.n; i++)
        vn_argv_add(&pend, l->e.info.unplug_pending.v[i]);
    bool changed = false;
    for (size_t i = 0; i < pend.n; i++) {
        ssize_t idx = vn_lv_find_memdev(l->dom, pend.v[i]);
        if (idx < 0 || listed(&mem, pend.v[i]))
            continue;   /* a vCPU (below), or still there */
        vn_ap_log(l->o, "%s is gone: its unplug finished after the last command", pend.v[i]);
        if (vn_lv_memdev_removed(l, (size_t)idx, err) < 0)
            return vn_ap_step_failed(err, "reconciling the pending unplugs");
        changed = true;
    }
    int v = vn_lv_vcpus_reconcile(l, err);
    if (v < 0)
        return vn_ap_step_failed(err, "reconciling the pending unplugs");
    return changed || v > 0 ? vn_lv_save(l, err) : 0;
}
