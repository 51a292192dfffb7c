/*
 * launch_qmp.c - launch's steps after exec, over QMP (libvirt's
 * qemuProcessLaunch after the handshake):
 *   1. connect and qmp_capabilities (vn_qmp_connect_idle, keeping the
 *      threadgroup lock warm meanwhile: keep_warm below).  QEMU answers
 *      once its start-up, prealloc included, is done; if it exits instead,
 *      its end of the socket closes and the error says how it exited, with
 *      the last line of its log;
 *   2. query-cpus-fast gives each vCPU's thread (qemuDomainRefreshVcpuInfo;
 *      when threads are shared, as under TCG thread=single, libvirt treats
 *      the ids as invalid and places no vCPU: so does vnuma, with a
 *      warning);
 *   3. each online vCPU gets vcpuN (threaded on v2): cpus vcpupin, else
 *      autoCpuset, else <vcpu cpuset>; mems the strict/restrictive nodeset,
 *      or its cell's restrictive memnode's; the thread moves in, then
 *      sched_setaffinity (qemuProcessSetupVcpu);
 *   4. iothreads likewise from query-iothreads (iothreadN);
 *   5. cont.
 * And --foreground's wait.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <json-c/json_tokener.h>

#include "apply/launch.h"
#include "os/os.h"

/* The last non-empty line of the log (for a QEMU that died at start). */
static char *log_tail(const char *path)
{
    VN_AUTOFREE char *text = NULL;
    if (!path || vn_ap_slurp(path, VN_AP_MAX_FILE, &text) < 0)
        return vn_strdup("");
    size_t n = strlen(text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    char *nl = strrchr(text, '\n');
    return vn_strdup(nl ? nl + 1 : text);
}

/* QMP failed: did QEMU exit?  The message says which. */
static int qmp_failed(vn_ap_launch *l, const vn_error *qe, vn_error *err)
{
    const vn_os *os = vn_os_current();
    int status;
    /* A QEMU that exits closes the monitor a moment before it can be
     * reaped: give it half a second to become so. */
    pid_t r = 0;
    for (int i = 0; i < 50 && r == 0; i++) {
        r = os->waitpid(os, l->pid, &status, WNOHANG);
        if (r == 0)
            os->sleep_ns(os, 10 * 1000 * 1000);
    }
    if (r == l->pid) {
        VN_AUTOFREE char *tail = log_tail(l->log_path);
        l->pid = -l->pid;   /* reaped: the undo must not kill a reused pid */
        vn_error_set(err, VNUMA_ERR_SYSTEM, "QEMU exited at start (%s %d); %s: %s",
                     WIFEXITED(status) ? "status" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                     l->log_path, tail);
        return -1;
    }
    vn_error_set(err, VNUMA_ERR_SYSTEM, "QEMU (pid %d) is not answering on QMP: %s",
                 (int)l->pid, qe->msg);
    return -1;
}

/* One thread in its own cgroup, then its affinity. */
int vn_ap_place_thread(const vn_cgroups *cg, const char *domain_cg, const vn_ap_plan *p,
                       vn_ap_info *info, vn_undo *u, const vn_apply_opts *o, const char *kind,
                       unsigned id, pid_t tid, const vn_ap_thread *t, vn_error *err)
{
    const vn_bitmap *cpus = t ? t->cpus : NULL;
    const vn_bitmap *mems = t ? t->mems : p->emulator_mems;
    if (cg->kind != VN_CG_NONE) {
        VN_AUTOFREE char *path = vn_asprintf("%s/%s%u", domain_cg, kind, id);
        if (vn_cg_make(cg, domain_cg, path, true, u, err) < 0)
            return -1;
        vn_argv_add(&info->cg_made, path);
        vn_argv_add(&info->cg_threads, path);
        if ((cpus && cg->be->set_cpus(cg, path, cpus, err) < 0) ||
            (mems && cg->be->set_mems(cg, path, mems, err) < 0) ||
            cg->be->add_thread(cg, path, tid, err) < 0)
            return -1;
    }
    if (vn_ap_set_affinity(tid, vn_ap_cpus_or_all(p, cpus), err) < 0)
        return -1;
    VN_AUTOFREE char *c = vn_bitmap_format(vn_ap_cpus_or_all(p, cpus));
    VN_AUTOFREE char *m = mems ? vn_bitmap_format(mems) : vn_strdup("-");
    vn_ap_log(o, "%s%u: thread %d, cpus %s, mems %s", kind, id, (int)tid, c, m);
    return 0;
}

static int place_thread(vn_ap_launch *l, const char *kind, unsigned id, pid_t tid,
                        const vn_ap_thread *t, vn_error *err)
{
    return vn_ap_place_thread(&l->s->cg, l->domain_cg, &l->s->plan, &l->e->info, l->u, l->o,
                              kind, id, tid, t, err);
}

static const vn_ap_thread *find(const vn_ap_thread *t, size_t n, unsigned id)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].id == id)
            return &t[i];
    return NULL;
}

static bool tids_unique(const vn_qmp_cpu_list *c)
{
    for (size_t i = 0; i < c->n; i++)
        for (size_t j = i + 1; j < c->n; j++)
            if (c->items[i].thread_id == c->items[j].thread_id)
                return false;
    return true;
}

/* The vCPUs the domain has online and hot-pluggable are not on -smp's
 * count: they are plugged now, before cont, in their <vcpu order>
 * (qemuProcessSetupHotpluggableVcpus), as `vnuma setvcpus` plugs one, the
 * emulator cgroup allowed every node meanwhile (vn_cg_emulator_all_nodes). */
static int plug_boot_vcpus(vn_ap_launch *l, vn_error *err)
{
    const vn_domain *dom = l->s->dom;
    VN_AUTOFREE unsigned *boot = NULL;
    unsigned n = 0;
    for (unsigned v = 0; dom->vcpu_info && v < dom->maxvcpus; v++)
        if (dom->vcpu_info[v].online && dom->vcpu_info[v].hotpluggable == VN_TRISTATE_YES) {
            if (!boot)
                boot = vn_calloc(dom->maxvcpus, sizeof(*boot));
            boot[n++] = v;
        }
    if (!n)
        return 0;
    /* qemuProcessVcpusSortOrder: by order (insertion sort keeps ties in
     * vCPU order) */
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && dom->vcpu_info[boot[j - 1]].order >
                                      dom->vcpu_info[boot[j]].order; j--) {
            unsigned t = boot[j];
            boot[j] = boot[j - 1];
            boot[j - 1] = t;
        }
    VN_AUTOCLEAR(vn_qmp_hotpluggable_cpu_list) cpus = {0};
    if (vn_qmp_query_vcpu_entities(l->qmp, dom->maxvcpus, &cpus, err) != VN_QMP_OK)
        return -1;
    int timeout = l->o->qmp_timeout_ms > 0 ? l->o->qmp_timeout_ms : 60000;
    VN_AUTOPTR(vn_bitmap) all = vn_host_nodes_with_memory(l->s->host);
    vn_cg_all_nodes wide;
    if (vn_cg_emulator_all_nodes(&l->s->cg, l->emulator_cg, all, &wide, err) < 0)
        return vn_ap_step_failed(err, "every node for the emulator cgroup");
    int rc = 0;
    for (unsigned i = 0; i < n && rc == 0; i++) {
        unsigned v = boot[i];
        VN_AUTOFREE char *text = vn_qmp_vcpu_device_args(&cpus.items[v], v,
                                                         vn_domain_vcpu_cell(dom, v));
        VN_JSON_AUTO json_object *args = json_tokener_parse(text);
        if (!args)
            vn_error_set(err, VNUMA_ERR_SYSTEM, "internal error: bad JSON for device_add: %s",
                         text);
        if (!args || vn_qmp_execute(l->qmp, "device_add", args, NULL, timeout, err) != VN_QMP_OK)
            rc = vn_ap_step_failed(err, "vCPU %u", v);
        else
            vn_ap_log(l->o, "device_add vcpu%u: hot-pluggable vCPU %u online at start", v, v);
    }
    vn_cg_emulator_restore(&wide, l->o->warnings);
    return rc;
}

/* Which vCPU a query-cpus-fast entry is: a plugged one by its id
 * (/machine/peripheral/vcpuN), one of -smp's by its index. */
static bool vcpu_id(const vn_qmp_cpu *c, unsigned *id)
{
    const char *pfx = "/machine/peripheral/vcpu";
    if (c->qom_path && !strncmp(c->qom_path, pfx, strlen(pfx)))
        return vn_parse_uint(c->qom_path + strlen(pfx), id);
    if (c->cpu_index < 0)
        return false;
    *id = (unsigned)c->cpu_index;
    return true;
}

static int place_vcpus(vn_ap_launch *l, vn_error *err)
{
    VN_AUTOCLEAR(vn_qmp_cpu_list) cpus = {0};
    if (vn_qmp_query_cpus_fast(l->qmp, &cpus, err) != VN_QMP_OK)
        return -1;
    if (cpus.n > 1 && !tids_unique(&cpus)) {
        vn_warn(l->o->warnings, "the vCPUs of %s share thread %lld (TCG thread=single?): "
                "they get no cgroup or affinity of their own", l->s->name,
                (long long)cpus.items[0].thread_id);
        return 0;
    }
    const vn_ap_plan *p = &l->s->plan;
    for (size_t i = 0; i < cpus.n; i++) {
        const vn_qmp_cpu *c = &cpus.items[i];
        unsigned id;
        if (c->thread_id <= 0 || !vcpu_id(c, &id))
            continue;
        const vn_ap_thread *t = find(p->vcpus, p->nvcpus, id);
        if (place_thread(l, "vcpu", id, (pid_t)c->thread_id, t, err) < 0)
            return vn_ap_step_failed(err, "vCPU %u", id);
    }
    return 0;
}

static int place_iothreads(vn_ap_launch *l, vn_error *err)
{
    VN_AUTOCLEAR(vn_qmp_iothread_list) io = {0};
    if (vn_qmp_query_iothreads(l->qmp, &io, err) != VN_QMP_OK)
        return -1;
    const vn_ap_plan *p = &l->s->plan;
    for (size_t i = 0; i < io.n; i++) {
        unsigned id;
        const char *s = io.items[i].id;
        if (!s || strncmp(s, "iothread", 8) || !vn_parse_uint(s + 8, &id)) {
            vn_warn(l->o->warnings, "iothread '%s' of %s is not libvirt's iothreadN: left "
                    "in the emulator cgroup", s ? s : "", l->s->name);
            continue;
        }
        const vn_ap_thread *t = find(p->iothreads, p->niothreads, id);
        if (place_thread(l, "iothread", id, (pid_t)io.items[i].thread_id, t, err) < 0)
            return vn_ap_step_failed(err, "iothread %u", id);
    }
    return 0;
}

static int mark_running(vn_ap_launch *l, vn_error *err)
{
    free(l->e->info.state);
    l->e->info.state = vn_strdup("running");
    return vn_ap_entry_save(l->e, err);
}

/* Keeping the threadgroup lock warm.  A move of another task between
 * cgroups (v1 and v2 alike) takes the kernel's cgroup_threadgroup_rwsem
 * for writing.  Once that lock has gone unused for about an RCU grace
 * period, taking it waits for a new grace period (percpu_down_write ->
 * rcu_sync_enter -> synchronize_rcu: 5-20 ms on this project's machines);
 * within that time it is immediate (rcu_sync stays in its slow mode: ~20
 * us a move).  The vCPU and iothread moves come after QMP answers, on the
 * path to cont, so while QEMU starts launch writes QEMU's main thread,
 * which is in emulator, into emulator's thread file every few
 * milliseconds: a move to where it is already, for which the kernel does
 * nothing but take the lock.  The first of them waits the grace period,
 * while QEMU is still busy starting; the vCPU moves then find the lock
 * warm (bench/launch_bench: 12 ms less).  Mounting the hierarchy with
 * favordynmods gets the same for every move on the host, at a cost to
 * every fork and exit.  While the lock is warm, every fork and exit on the
 * host takes its slower path, so launch stops after WARM_MAX_MS: a QEMU
 * that takes longer to start (a large preallocation) dwarfs one grace
 * period anyway.  A failure is harmless and ignored. */
#define WARM_PERIOD_MS 4
#define WARM_MAX_MS 2000

static bool keep_warm(void *opaque)
{
    vn_ap_launch *l = opaque;
    const vn_os *os = vn_os_current();
    uint64_t now = os->monotonic_ns(os);
    if (!l->warming) {
        l->warming = true;
        l->warm_since_ns = now;
    }
    if (now - l->warm_since_ns > (uint64_t)WARM_MAX_MS * 1000000u)
        return false;
    vn_error ignored = {0};
    l->s->cg.be->add_thread(&l->s->cg, l->emulator_cg, l->pid, &ignored);
    return true;
}

int vn_ap_launch_qmp(vn_ap_launch *l, vn_error *err)
{
    int timeout = l->o->qmp_timeout_ms > 0 ? l->o->qmp_timeout_ms : 60000;
    vn_error qe = {0};
    vn_qmp_idle warm = {.fn = keep_warm, .opaque = l, .period_ms = WARM_PERIOD_MS};
    l->qmp = vn_qmp_connect_idle(l->e->sock, timeout,
                                 l->s->cg.kind != VN_CG_NONE ? &warm : NULL, &qe);
    if (!l->qmp) {
        qmp_failed(l, &qe, err);
        return vn_ap_step_failed(err, "QMP");
    }
    vn_ap_log(l->o, "QMP answered on %s", l->e->info.qmp);
    if (plug_boot_vcpus(l, err) < 0)
        return vn_ap_step_failed(err, "hot-pluggable vCPUs");
    if (place_vcpus(l, err) < 0)
        return vn_ap_step_failed(err, "vCPU threads");
    if (place_iothreads(l, err) < 0)
        return vn_ap_step_failed(err, "iothreads");
    vn_qmp_set_idle(l->qmp, NULL);   /* every thread is placed */
    if (vn_ap_entry_save(l->e, err) < 0)
        return vn_ap_step_failed(err, "state entry");
    if (vn_qmp_execute(l->qmp, "cont", NULL, NULL, timeout, err) != VN_QMP_OK)
        return vn_ap_step_failed(err, "cont");
    vn_ap_log(l->o, "cont: the guest runs");
    if (mark_running(l, err) < 0)
        return vn_ap_step_failed(err, "state entry");
    return 0;
}

/* ---- --foreground ---- */

static volatile sig_atomic_t stop_asked;

static void on_signal(int sig)
{
    (void)sig;
    stop_asked = 1;
}

static void ask_quit(vn_ap_launch *l)
{
    const vn_os *os = vn_os_current();
    vn_error e = {0};
    if (!l->qmp || vn_qmp_execute(l->qmp, "quit", NULL, NULL, 2000, &e) != VN_QMP_OK)
        os->kill(os, l->pid, SIGTERM);
}

int vn_ap_launch_wait(vn_ap_launch *l, int *exit_status, vn_error *err)
{
    const vn_os *os = vn_os_current();
    /* Another command (stop) may work on the entry meanwhile. */
    os->close(os, l->e->lockfd);
    l->e->lockfd = -1;
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    os->sigaction(os, SIGINT, &sa, &old_int);
    os->sigaction(os, SIGTERM, &sa, &old_term);
    int status = 0;
    for (;;) {
        pid_t r = os->waitpid(os, l->pid, &status, 0);
        if (r == l->pid)
            break;
        if (r < 0 && errno != EINTR) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "waitpid(%d)", (int)l->pid);
            return -1;
        }
        if (stop_asked) {
            stop_asked = 0;
            ask_quit(l);
        }
    }
    os->sigaction(os, SIGINT, &old_int, NULL);
    os->sigaction(os, SIGTERM, &old_term, NULL);
    if (exit_status)
        *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    vn_qmp_close(l->qmp);
    l->qmp = NULL;
    VN_AUTOCLEAR(vn_ap_entry) e = {.dirfd = -1, .lockfd = -1};
    vn_error oe = {0};
    if (vn_ap_entry_open(l->o, l->s->name, &e, &oe) < 0)
        return 0;   /* `vnuma stop` cleaned it already */
    if (e.info.pid != l->pid)
        return 0;
    return vn_ap_entry_reap(&e, l->o, err);
}
