/*
 * launch.c - `vnuma launch DOMAIN.xml [-- EXTRA-QEMU-ARGS]`: QEMU started
 * as libvirt 9.0 starts it (qemu_process.c, qemuProcessLaunch), without a
 * daemon.
 *
 * Before fork, in the parent (each step with its undo):
 *   1. the state entry, the memory directories;
 *   2. the domain cgroup and its `emulator` child (threaded on v2): cpus
 *      emulatorpin, else autoCpuset, else <vcpu cpuset>; mems the global
 *      nodeset for strict and restrictive only (qemuProcessSetupEmulator);
 *   3. the log file (--log-dir, default /var/log/vnuma/NAME.log);
 *   4. the QMP socket STATE/NAME/qmp.sock, bound and listening here and
 *      handed to QEMU as descriptor 3 (-chardev socket,fd=3,server=on,
 *      wait=off, as libvirt passes its monitor).  Binding it ourselves
 *      means: the socket exists before QEMU does, so connecting needs no
 *      polling; a second launch of the name cannot race for the path; and
 *      the file is vnuma's to remove.
 * In the child, before exec (qemuProcessHook's part, done by the child
 * itself instead of a parent writing its pid):
 *   5. default signal handling, a new session;
 *   6. join the domain cgroup (v2: born there, CLONE_INTO_CGROUP, where
 *      the kernel has it), then move its only thread to `emulator`: every
 *      later QEMU thread is born there;
 *   7. no cpuset controller, or a mode that is not strict/restrictive:
 *      set_mempolicy (virNumaSetupMemoryPolicy); sched_setaffinity;
 *   8. stdin /dev/null, stdout and stderr the log, the socket at 3, and
 *      every other descriptor closed; exec.
 * A pipe with close-on-exec tells the parent whether exec happened (EOF)
 * or which step failed (its message).  After exec, over QMP (launch_qmp.c):
 * qmp_capabilities, one cgroup per vCPU and iothread, affinity, `cont`.
 */
#include <errno.h>
#include <fcntl.h>
#include <libxml/xpath.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "apply/apply_internal.h"
#include "apply/launch.h"
#include "os/os.h"

void vn_ap_launch_clear(vn_ap_launch *l)
{
    const vn_os *os = vn_os_current();
    int fds[] = {l->logfd, l->sockfd, l->nullfd};
    for (size_t i = 0; i < VN_ARRAY_LEN(fds); i++)
        if (fds[i] >= 0)
            os->close(os, fds[i]);
    free(l->qemu);
    free(l->log_path);
    free(l->domain_cg);
    free(l->emulator_cg);
    vn_argv_clear(&l->cmd);
    vn_qmp_close(l->qmp);
    l->qmp = NULL;
}

/* <devices><emulator>, or NULL. */
static char *domain_emulator(const vn_domain *dom)
{
    if (!dom->doc)
        return NULL;
    xmlXPathContextPtr ctx = xmlXPathNewContext(dom->doc);
    xmlXPathObjectPtr r = ctx ? xmlXPathEvalExpression(
        (const xmlChar *)"string(/domain/devices/emulator)", ctx) : NULL;
    char *s = r && r->stringval && *r->stringval ? vn_strdup((const char *)r->stringval)
                                                 : NULL;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    return s;
}

static bool has_arg(char *const extra[], size_t n, const char *a)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(extra[i], a))
            return true;
    return false;
}

/* QEMU's whole command line. */
static void build_cmd(vn_ap_launch *l, char *const extra[], size_t nextra)
{
    vn_argv *c = &l->cmd;
    vn_argv_add(c, l->qemu);
    vn_argv_add(c, "-name");
    vn_argv_addf(c, "guest=%s,debug-threads=on", l->s->name);
    vn_argv_add(c, "-S");
    vn_argv_add(c, "-chardev");
    vn_argv_add(c, "socket,id=charmonitor,fd=3,server=on,wait=off");
    vn_argv_add(c, "-mon");
    vn_argv_add(c, "chardev=charmonitor,id=monitor,mode=control");
    if (!has_arg(extra, nextra, "-nodefaults"))
        vn_argv_add(c, "-nodefaults");
    if (!has_arg(extra, nextra, "-display") && !has_arg(extra, nextra, "-nographic")) {
        vn_argv_add(c, "-display");
        vn_argv_add(c, "none");
    }
    if (!has_arg(extra, nextra, "-accel")) {
        vn_argv_add(c, "-accel");
        vn_argv_add(c, l->s->dom->type && !strcmp(l->s->dom->type, "kvm") ? "kvm" : "tcg");
    }
    for (size_t i = 1; i < l->s->argv.n; i++)   /* [0] is the binary's name */
        vn_argv_add(c, l->s->argv.v[i]);
    for (size_t i = 0; i < nextra; i++)
        vn_argv_add(c, extra[i]);
}

/* The domain cgroup and its emulator child, with their sets. */
static int launch_cgroups(vn_ap_launch *l, vn_undo *u, vn_error *err)
{
    const vn_cgroups *cg = &l->s->cg;
    vn_ap_info *info = &l->e->info;
    if (cg->kind == VN_CG_NONE)
        return 0;
    VN_AUTOFREE char *parent = vn_cg_parent(cg, l->o->cgroup_parent, NULL, err);
    VN_AUTOCLEAR(vn_argv) partition = {0};
    if (!parent || cg->be->prepare_parent(cg, parent, &partition, err) < 0)
        return -1;
    VN_AUTOFREE char *dname = vn_ap_cgroup_dir_name(l->s->cfg.domain_id, l->s->name);
    l->domain_cg = vn_asprintf("%s/%s", parent, dname);
    l->emulator_cg = vn_asprintf("%s/emulator", l->domain_cg);
    if (vn_cg_make(cg, parent, l->domain_cg, false, u, err) < 0)
        return -1;
    info->cg_domain = vn_strdup(l->domain_cg);
    vn_argv_add(&info->cg_made, l->domain_cg);
    if (vn_cg_make(cg, l->domain_cg, l->emulator_cg, true, u, err) < 0)
        return -1;
    vn_argv_add(&info->cg_made, l->emulator_cg);
    vn_argv_add(&info->cg_threads, l->emulator_cg);
    if (vn_ap_entry_save(l->e, err) < 0)
        return -1;
    const vn_ap_plan *p = &l->s->plan;
    if (p->emulator_cpus && cg->be->set_cpus(cg, l->emulator_cg, p->emulator_cpus, err) < 0)
        return -1;
    if (p->emulator_mems && cg->be->set_mems(cg, l->emulator_cg, p->emulator_mems, err) < 0)
        return -1;
    vn_ap_log(l->o, "cgroups %s and emulator/ (%s)", l->domain_cg, cg->be->name);
    return 0;
}

static int open_log(vn_ap_launch *l, vn_error *err)
{
    const vn_os *os = vn_os_current();
    const char *dir = l->o->log_dir && *l->o->log_dir ? l->o->log_dir : VN_APPLY_LOG_DIR;
    if (vn_ap_mkdir_p(dir, 0755, NULL, err) < 0)
        return -1;
    l->log_path = vn_asprintf("%s/%s.log", dir, l->s->name);
    l->logfd = os->open(os, l->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
                        0600);
    l->nullfd = os->open(os, "/dev/null", O_RDONLY | O_CLOEXEC, 0);
    if (l->logfd < 0 || l->nullfd < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot open %s",
                     l->logfd < 0 ? l->log_path : "/dev/null");
        return -1;
    }
    l->e->info.log = vn_strdup(l->log_path);
    return 0;
}

static int undo_socket(void *arg, vn_error *err)
{
    vn_ap_entry *e = arg;
    const vn_os *os = vn_os_current();
    if (os->unlinkat(os, e->dirfd, "qmp.sock", 0) < 0 && errno != ENOENT) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot remove %s/qmp.sock", e->dir);
        return -1;
    }
    return 0;
}

static int bind_socket(vn_ap_launch *l, vn_undo *u, vn_error *err)
{
    const vn_os *os = vn_os_current();
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", l->e->sock);
    l->sockfd = os->socket(os, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l->sockfd < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "socket(AF_UNIX)");
        return -1;
    }
    if (os->bind(os, l->sockfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot bind %s/qmp.sock", l->e->dir);
        return -1;
    }
    vn_undo_push(u, undo_socket, l->e, NULL, "remove %s/qmp.sock", l->e->dir);
    if (os->listen(os, l->sockfd, 4) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot listen on %s/qmp.sock", l->e->dir);
        return -1;
    }
    l->e->info.qmp = vn_asprintf("%s/qmp.sock", l->e->dir);
    return 0;
}

/* ---- the child ---- */

static int child_signals(void)
{
    const vn_os *os = vn_os_current();
    static const int sigs[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT};
    struct sigaction sa = {.sa_handler = SIG_DFL};
    sigset_t none;
    sigemptyset(&none);
    for (size_t i = 0; i < VN_ARRAY_LEN(sigs); i++)
        os->sigaction(os, sigs[i], &sa, NULL);
    return os->sigprocmask(os, SIG_SETMASK, &none, NULL);
}

/* stdin, stdout, stderr, the socket at 3, the status pipe at 4
 * (close-on-exec); nothing else. */
static int child_fds(const vn_ap_launch *l, int *statusfd, vn_error *err)
{
    const vn_os *os = vn_os_current();
    int src[] = {l->nullfd, l->logfd, l->logfd, l->sockfd, *statusfd};
    int high[VN_ARRAY_LEN(src)];
    for (size_t i = 0; i < VN_ARRAY_LEN(src); i++)
        if ((high[i] = os->fcntl(os, src[i], F_DUPFD_CLOEXEC, 16)) < 0) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "fcntl(F_DUPFD_CLOEXEC)");
            return -1;
        }
    for (int i = 0; i < (int)VN_ARRAY_LEN(src); i++)
        if (os->dup2(os, high[i], i) < 0) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "dup2(%d)", i);
            return -1;
        }
    *statusfd = 4;
    if (os->fcntl(os, 4, F_SETFD, FD_CLOEXEC) < 0 || os->close_range(os, 5, ~0u, 0) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "closing the other descriptors");
        return -1;
    }
    return 0;
}

static int child_setup(const vn_ap_launch *l, int *statusfd, vn_error *err)
{
    const vn_os *os = vn_os_current();
    const vn_cgroups *cg = &l->s->cg;
    const vn_ap_plan *p = &l->s->plan;
    pid_t self = os->getpid(os);
    if (child_signals() < 0 || os->setsid(os) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "signals and session");
        return -1;
    }
    /* v2: the process joins the threaded domain, then its one thread
     * moves to emulator (virCgroupAddProcess, virCgroupAddThread).  v1
     * has no threaded domain: one write of the only thread to emulator's
     * tasks puts it where the two writes would.  The thread is written as
     * 0, itself: the kernel then moves it without the process-wide lock
     * whose first taker waits an RCU grace period (cgroup.h), and QEMU's
     * exec does not wait for one. */
    bool two = cg->kind == VN_CG_V2 && !l->born_in_domain;
    if (cg->kind != VN_CG_NONE &&
        ((two && cg->be->add_proc(cg, l->domain_cg, self, err) < 0) ||
         cg->be->add_thread(cg, l->emulator_cg, 0, err) < 0))
        return vn_ap_step_failed(err, "joining the emulator cgroup");
    bool cgroup_does_it = cg->kind != VN_CG_NONE && p->has_mode &&
                          (p->mode == VN_NUMATUNE_STRICT || p->mode == VN_NUMATUNE_RESTRICTIVE);
    if (p->has_mode && !cgroup_does_it && vn_ap_set_mempolicy(p->mode, p->nodeset, err) < 0)
        return vn_ap_step_failed(err, "memory policy");
    if (vn_ap_set_affinity(0, vn_ap_cpus_or_all(p, p->emulator_cpus), err) < 0)
        return vn_ap_step_failed(err, "emulator CPU affinity");
    return child_fds(l, statusfd, err);
}

static void child(const vn_ap_launch *l, int statusfd)
{
    const vn_os *os = vn_os_current();
    vn_error err = {0};
    if (child_setup(l, &statusfd, &err) == 0) {
        char **argv = vn_calloc(l->cmd.n + 1, sizeof(*argv));
        memcpy(argv, l->cmd.v, l->cmd.n * sizeof(*argv));
        os->execvp(os, l->qemu, argv);
        vn_error_sys(&err, VNUMA_ERR_SYSTEM, errno, "exec %s", l->qemu);
    }
    size_t n = strlen(err.msg);
    for (size_t done = 0; done < n;) {
        ssize_t w = os->write(os, statusfd, err.msg + done, n - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    os->exit_child(os, 127);
}

/* ---- the parent ---- */

static int undo_kill(void *arg, vn_error *err)
{
    (void)err;
    const vn_os *os = vn_os_current();
    pid_t pid = *(pid_t *)arg;
    int status;
    if (pid <= 0)
        return 0;   /* already reaped */
    os->kill(os, pid, SIGKILL);
    while (os->waitpid(os, pid, &status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

/* What the child said before exec ("" when exec happened). */
static int read_status(int fd, char *buf, size_t size)
{
    const vn_os *os = vn_os_current();
    size_t got = 0;
    for (;;) {
        ssize_t n = os->read(os, fd, buf + got, size - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || got + (size_t)n >= size - 1) {
            got += n > 0 ? (size_t)n : 0;
            break;
        }
        got += (size_t)n;
    }
    buf[got] = '\0';
    return 0;
}

/* v2: the child born in the domain cgroup (CLONE_INTO_CGROUP), so that it
 * needs no cgroup.procs write - a move of the whole process, which waits an
 * RCU grace period when the threadgroup lock is cold (cgroup.h) - before
 * its own move to emulator as tid 0.  A kernel or cgroup without it: fork,
 * and the child joins by cgroup.procs, as before. */
static pid_t fork_child(vn_ap_launch *l)
{
    const vn_os *os = vn_os_current();
    l->born_in_domain = false;
    if (l->s->cg.kind == VN_CG_V2) {
        VN_AUTOFD int dir = os->open(os, l->domain_cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (dir >= 0) {
            l->born_in_domain = true;   /* what the child sees, if born so */
            pid_t pid = os->fork_into_cgroup(os, dir);
            if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL &&
                             errno != EOPNOTSUPP && errno != EBUSY))
                return pid;
            l->born_in_domain = false;
        }
    }
    return os->fork(os);
}

static int start_qemu(vn_ap_launch *l, vn_undo *u, vn_error *err)
{
    const vn_os *os = vn_os_current();
    int p[2];
    if (os->pipe2(os, p, O_CLOEXEC) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "pipe2");
        return -1;
    }
    pid_t pid = fork_child(l);
    if (pid < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "fork");
        os->close(os, p[0]);
        os->close(os, p[1]);
        return -1;
    }
    if (pid == 0) {
        os->close(os, p[0]);
        child(l, p[1]);
    }
    os->close(os, p[1]);
    os->close(os, l->sockfd);   /* QEMU's now: its death must reach our QMP connection */
    l->sockfd = -1;
    l->pid = pid;
    vn_undo_push(u, undo_kill, &l->pid, NULL, "kill QEMU (pid %d)", (int)pid);
    char msg[sizeof(err->msg)];
    read_status(p[0], msg, sizeof(msg));
    os->close(os, p[0]);
    if (msg[0]) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "%s", msg);
        return -1;
    }
    vn_ap_log(l->o, "QEMU pid %d: %s%s", (int)pid, l->qemu,
              l->born_in_domain ? " (forked into the domain cgroup)" : "");
    char state;
    if (vn_ap_proc_stat(pid, &state, &l->e->info.start) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot read /proc/%d/stat", (int)pid);
        return -1;
    }
    l->e->info.pid = pid;
    /* The live XML now, while QEMU starts, rather than after cont. */
    VN_AUTOFREE char *xml = vn_domain_format(l->s->dom, err);
    if (!xml || vn_ap_entry_save_xml(l->e, xml, err) < 0)
        return -1;
    return vn_ap_entry_save(l->e, err);
}

static int prepare_launch(vn_ap_launch *l, vn_undo *u, vn_error *err)
{
    if (vn_ap_entry_create(l->o, l->s->name, l->e, u, err) < 0)
        return vn_ap_step_failed(err, "state entry");
    vn_ap_info_from_plan(&l->e->info, l->s, "launch");
    if (vn_ap_entry_save(l->e, err) < 0)
        return vn_ap_step_failed(err, "state entry");
    if (vn_ap_memdirs_build(l->s->dom, &l->s->cfg, &l->e->info.memdirs, u, err) < 0)
        return -1;
    if (launch_cgroups(l, u, err) < 0)
        return vn_ap_step_failed(err, "emulator cgroup");
    if (open_log(l, err) < 0)
        return vn_ap_step_failed(err, "log file");
    if (bind_socket(l, u, err) < 0)
        return vn_ap_step_failed(err, "QMP socket");
    return vn_ap_entry_save(l->e, err) < 0 ? vn_ap_step_failed(err, "state entry") : 0;
}

int vn_apply_launch(const char *domain_xml_path, char *const extra_args[], size_t nextra,
                    const vn_apply_opts *o, pid_t *pid_out, int *exit_status, vn_error *err)
{
    if (vn_ap_require_root("launch", err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_ap_start) s = {0};
    if (vn_ap_start_prepare(domain_xml_path, o, true, &s, err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_ap_entry) e = {.dirfd = -1, .lockfd = -1};
    VN_AUTOCLEAR(vn_ap_launch) l = {.s = &s, .e = &e, .o = o, .logfd = -1, .sockfd = -1,
                                    .nullfd = -1};
    l.qemu = o->qemu ? vn_strdup(o->qemu) : domain_emulator(s.dom);
    if (!l.qemu) {
        vn_error_set(err, VNUMA_ERR_INVALID, "launch: %s has no <emulator> and no --qemu "
                     "was given", domain_xml_path);
        return -1;
    }
    VN_AUTOCLEAR(vn_undo) u = {.warnings = o->warnings};
    l.u = &u;
    if (prepare_launch(&l, &u, err) < 0)
        return -1;
    build_cmd(&l, extra_args, nextra);
    if (start_qemu(&l, &u, err) < 0)
        return vn_ap_step_failed(err, "starting QEMU");
    if (vn_ap_launch_qmp(&l, err) < 0)
        return -1;
    vn_undo_commit(&u);
    if (pid_out)
        *pid_out = l.pid;
    if (!o->foreground)
        return 0;
    return vn_ap_launch_wait(&l, exit_status, err);
}
