/*
 * stop.c - `vnuma stop NAME`, as libvirt's qemuProcessStop and
 * virProcessKillPainfullyDelay end a guest:
 *   1. a launched guest is asked to `quit` over QMP, a run process gets
 *      SIGTERM (and so does QEMU when QMP does not answer);
 *   2. poll every 200 ms; SIGKILL at 10 s (--timeout); give up at 40 s;
 *   3. what is left in its cgroups (a run command's children) is killed;
 *   4. its cgroups are removed leaf first, once empty (v2: "populated 0"
 *      in cgroup.events; v1: no task left), retrying EBUSY 5 x 200 ms;
 *   5. its memory directories and its state entry are removed.
 * A stale entry (the process already gone) goes through 3-5 only: that
 * is vn_ap_entry_reap, which list and a new claim of the name use too.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "apply/apply_internal.h"
#include "os/os.h"
#include "qmp/qmp.h"

int vn_ap_entry_reap(vn_ap_entry *e, const vn_apply_opts *o, vn_error *err)
{
    const vn_ap_info *i = &e->info;
    VN_AUTOCLEAR(vn_cgroups) cg = {0};
    vn_cg_for_kind(i->cg_kind, i->cg_mount, &cg);
    for (size_t k = i->cg_made.n; k-- > 0;)
        if (vn_cg_kill_tasks(&cg, i->cg_made.v[k], SIGKILL, err) < 0)
            return vn_ap_step_failed(err, "stop %s", i->name);
    for (size_t k = i->cg_made.n; k-- > 0;) {
        if (vn_cg_remove(&cg, i->cg_made.v[k], err) < 0)
            return vn_ap_step_failed(err, "stop %s", i->name);
        vn_ap_log(o, "removed cgroup %s", i->cg_made.v[k]);
    }
    if (vn_ap_memdirs_destroy(&i->memdirs, err) < 0)
        return vn_ap_step_failed(err, "stop %s", i->name);
    if (vn_ap_entry_remove(e, err) < 0)
        return vn_ap_step_failed(err, "stop %s", i->name);
    vn_ap_log(o, "removed the state entry %s", e->dir);
    return 0;
}

static void ask_to_end(const vn_ap_entry *e, const vn_apply_opts *o)
{
    const vn_os *os = vn_os_current();
    const vn_ap_info *i = &e->info;
    if (!strcmp(i->kind, "launch")) {
        vn_error qe = {0};
        VN_QMP_AUTO vn_qmp *q = vn_qmp_connect(e->sock, 2000, &qe);
        if (q && vn_qmp_execute(q, "quit", NULL, NULL, 2000, &qe) == VN_QMP_OK) {
            vn_ap_log(o, "QMP quit sent to pid %d", (int)i->pid);
            return;
        }
        vn_ap_log(o, "QMP quit failed (%s): SIGTERM", qe.msg);
    }
    os->kill(os, i->pid, SIGTERM);
    vn_ap_log(o, "SIGTERM sent to pid %d", (int)i->pid);
}

/* virProcessKillPainfullyDelay: poll every 200 ms, SIGKILL at the timeout,
 * give up at four times it. */
static int wait_gone(const vn_ap_info *i, const vn_apply_opts *o, vn_error *err)
{
    const vn_os *os = vn_os_current();
    int kill_at = (o->stop_timeout_ms > 0 ? o->stop_timeout_ms : 10000) / 200;
    for (int tick = 0; tick <= kill_at * 4; tick++) {
        if (!vn_ap_proc_alive(i->pid, i->start))
            return 0;
        if (tick == kill_at) {
            os->kill(os, i->pid, SIGKILL);
            vn_ap_log(o, "SIGKILL sent to pid %d", (int)i->pid);
        }
        vn_ap_sleep_ms(200);
    }
    vn_error_set(err, VNUMA_ERR_SYSTEM, "pid %d of %s did not end, even after SIGKILL",
                 (int)i->pid, i->name);
    return -1;
}

int vn_apply_stop(const char *name, const vn_apply_opts *o, vn_error *err)
{
    if (vn_ap_check_name(name, false, NULL, err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_ap_entry) e = {.dirfd = -1, .lockfd = -1};
    if (vn_ap_entry_open(o, name, &e, err) < 0)
        return -1;
    if (vn_ap_proc_alive(e.info.pid, e.info.start)) {
        ask_to_end(&e, o);
        if (wait_gone(&e.info, o, err) < 0)
            return vn_ap_step_failed(err, "stop %s", name);
    } else {
        vn_ap_log(o, "pid %d of %s is already gone (stale entry)", (int)e.info.pid, name);
    }
    return vn_ap_entry_reap(&e, o, err);
}
