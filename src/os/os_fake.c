/*
 * os_fake.c - the fake operating system for tests (see os_fake.h): an
 * in-memory file tree with descriptors, or a pass-through to another seam;
 * both with a call log, injected faults and a hook.
 */
#include "os/os_fake_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static const char *const op_names[VN_FAKE_NOPS] = {
    "any", "open", "openat", "read", "write", "close", "fstat", "fstatat", "fsync",
    "fchmod", "renameat", "unlinkat", "mkdirat", "readlinkat", "flock", "opendir",
    "readdir", "closedir", "fork", "execve", "waitpid", "kill", "pipe2", "dup2", "setsid",
    "sched_setaffinity", "sched_getaffinity", "set_mempolicy", "get_mempolicy", "socket",
    "connect", "bind", "listen", "accept", "poll", "sleep", "fcntl", "close_range",
    "execvp", "sigaction", "sigprocmask", "exchangeat",
};

const char *vn_fake_op_name(vn_fake_op op)
{
    return op < VN_FAKE_NOPS ? op_names[op] : "?";
}

static vn_fake *F(const vn_os *os)
{
    return os->ctx;
}

/* ---- log, faults, hook ---------------------------------------------- */

bool vf_starts(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

/* Before a call: the hook, then the faults.  true: fail with errno set. */
static bool enter(vn_fake *f, vn_fake_op op, const char *path, const char *path2)
{
    if (f->hook)
        f->hook(f, op, path, f->hook_arg);
    for (size_t i = 0; i < f->nfaults; i++) {
        fault *x = &f->faults[i];
        if (x->op != VN_FAKE_ANY && x->op != op)
            continue;
        if (x->prefix && !vf_starts(path, x->prefix) && !vf_starts(path2, x->prefix))
            continue;
        x->seen++;
        if (x->nth == 0 || x->seen == x->nth) {
            errno = x->err;
            return true;
        }
    }
    return false;
}

static long record(vn_fake *f, vn_fake_op op, const char *path, const char *path2, long rc)
{
    int e = errno;
    if (f->nlog == f->caplog) {
        f->caplog = f->caplog ? f->caplog * 2 : 64;
        f->log = vn_reallocarray(f->log, f->caplog, sizeof(*f->log));
    }
    f->log[f->nlog++] = (logent){.op = op, .path = vn_strdup(path), .path2 = vn_strdup(path2),
                                 .rc = rc, .err = rc < 0 ? e : 0};
    errno = e;
    return rc;
}

void vn_fake_fail(vn_fake *f, vn_fake_op op, const char *prefix, unsigned nth, int err)
{
    fault *x = VN_APPEND(f->faults, f->nfaults);
    *x = (fault){.op = op, .prefix = vn_strdup(prefix), .nth = nth, .err = err};
}

void vn_fake_clear_faults(vn_fake *f)
{
    for (size_t i = 0; i < f->nfaults; i++)
        free(f->faults[i].prefix);
    free(f->faults);
    f->faults = NULL;
    f->nfaults = 0;
}

static size_t count(const vn_fake *f, vn_fake_op op, const char *prefix, bool outside)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nlog; i++) {
        const logent *l = &f->log[i];
        if (op != VN_FAKE_ANY && l->op != op)
            continue;
        if (outside) {
            if (l->path && !vf_starts(l->path, prefix) && !(l->path2 && vf_starts(l->path2, prefix)))
                n++;
        } else if (!prefix || vf_starts(l->path, prefix) || vf_starts(l->path2, prefix)) {
            n++;
        }
    }
    return n;
}

size_t vn_fake_count(const vn_fake *f, vn_fake_op op, const char *prefix)
{
    return count(f, op, prefix, false);
}

size_t vn_fake_count_outside(const vn_fake *f, vn_fake_op op, const char *prefix)
{
    return count(f, op, prefix, true);
}

char *vn_fake_log(const vn_fake *f)
{
    vn_buf b = {0};
    for (size_t i = 0; i < f->nlog; i++) {
        const logent *l = &f->log[i];
        vn_buf_add(&b, vn_fake_op_name(l->op));
        if (l->path)
            vn_buf_addf(&b, " %s", l->path);
        if (l->path2)
            vn_buf_addf(&b, " %s", l->path2);
        vn_buf_addf(&b, " = %ld", l->rc);
        if (l->rc < 0) {
            const char *name = strerrorname_np(l->err);
            vn_buf_addf(&b, " %s", name ? name : "?");
        }
        vn_buf_addc(&b, '\n');
    }
    return vn_buf_steal(&b);
}

void vn_fake_log_clear(vn_fake *f)
{
    for (size_t i = 0; i < f->nlog; i++) {
        free(f->log[i].path);
        free(f->log[i].path2);
    }
    f->nlog = 0;
}

void vn_fake_set_hook(vn_fake *f, vn_fake_hook *fn, void *arg)
{
    f->hook = fn;
    f->hook_arg = arg;
}

unsigned vn_fake_blocked(const vn_fake *f)
{
    return f->blocked;
}

/* ---- the seam's operations ------------------------------------------ */

#define UNDER(f) ((f)->under)

static int x_openat(const vn_os *os, int dirfd, const char *path, int flags, mode_t mode)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_OPENAT, p, NULL))
        return (int)record(f, VN_FAKE_OPENAT, p, NULL, -1);
    int fd = UNDER(f) ? UNDER(f)->openat(UNDER(f), dirfd, path, flags, mode)
                      : vf_m_openat(f, dirfd, path, flags, mode, p);
    if (UNDER(f) && fd >= 0)
        vf_set_fdpath(f, fd, p);
    return (int)record(f, VN_FAKE_OPENAT, p, NULL, fd);
}

static int x_open(const vn_os *os, const char *path, int flags, mode_t mode)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, AT_FDCWD, path);
    if (enter(f, VN_FAKE_OPEN, p, NULL))
        return (int)record(f, VN_FAKE_OPEN, p, NULL, -1);
    int fd = UNDER(f) ? UNDER(f)->open(UNDER(f), path, flags, mode)
                      : vf_m_openat(f, AT_FDCWD, path, flags, mode, p);
    if (UNDER(f) && fd >= 0)
        vf_set_fdpath(f, fd, p);
    return (int)record(f, VN_FAKE_OPEN, p, NULL, fd);
}

static ssize_t x_read(const vn_os *os, int fd, void *buf, size_t n)
{
    vn_fake *f = F(os);
    const char *p = vf_fd_path(f, fd);
    if (enter(f, VN_FAKE_READ, p, NULL))
        return record(f, VN_FAKE_READ, p, NULL, -1);
    ssize_t r = UNDER(f) ? UNDER(f)->read(UNDER(f), fd, buf, n) : vf_m_read(f, fd, buf, n);
    return record(f, VN_FAKE_READ, p, NULL, r);
}

static ssize_t x_write(const vn_os *os, int fd, const void *buf, size_t n)
{
    vn_fake *f = F(os);
    const char *p = vf_fd_path(f, fd);
    if (enter(f, VN_FAKE_WRITE, p, NULL))
        return record(f, VN_FAKE_WRITE, p, NULL, -1);
    ssize_t r = UNDER(f) ? UNDER(f)->write(UNDER(f), fd, buf, n) : vf_m_write(f, fd, buf, n);
    return record(f, VN_FAKE_WRITE, p, NULL, r);
}

static int x_close(const vn_os *os, int fd)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vn_strdup(vf_fd_path(f, fd));
    if (enter(f, VN_FAKE_CLOSE, p, NULL)) {
        /* as Linux: the descriptor is gone even when close fails */
        int e = errno;
        if (UNDER(f)) {
            UNDER(f)->close(UNDER(f), fd);
            vf_set_fdpath(f, fd, NULL);
        } else {
            vf_m_close(f, fd);
        }
        errno = e;
        return (int)record(f, VN_FAKE_CLOSE, p, NULL, -1);
    }
    int r;
    if (UNDER(f)) {
        r = UNDER(f)->close(UNDER(f), fd);
        vf_set_fdpath(f, fd, NULL);
    } else {
        r = vf_m_close(f, fd);
    }
    return (int)record(f, VN_FAKE_CLOSE, p, NULL, r);
}

static int x_fstat(const vn_os *os, int fd, struct stat *st)
{
    vn_fake *f = F(os);
    const char *p = vf_fd_path(f, fd);
    if (enter(f, VN_FAKE_FSTAT, p, NULL))
        return (int)record(f, VN_FAKE_FSTAT, p, NULL, -1);
    int r;
    if (UNDER(f)) {
        r = UNDER(f)->fstat(UNDER(f), fd, st);
    } else {
        fslot *s = vf_slot_of(f, fd);
        r = s ? (vf_fill_stat(s->node, st), 0) : -1;
    }
    return (int)record(f, VN_FAKE_FSTAT, p, NULL, r);
}

static int x_fstatat(const vn_os *os, int dirfd, const char *path, struct stat *st, int flags)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_FSTATAT, p, NULL))
        return (int)record(f, VN_FAKE_FSTATAT, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->fstatat(UNDER(f), dirfd, path, st, flags)
                     : vf_m_fstatat(f, dirfd, path, st, flags);
    return (int)record(f, VN_FAKE_FSTATAT, p, NULL, r);
}

static int x_fsync(const vn_os *os, int fd)
{
    vn_fake *f = F(os);
    const char *p = vf_fd_path(f, fd);
    if (enter(f, VN_FAKE_FSYNC, p, NULL))
        return (int)record(f, VN_FAKE_FSYNC, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->fsync(UNDER(f), fd) : vf_slot_of(f, fd) ? 0 : -1;
    return (int)record(f, VN_FAKE_FSYNC, p, NULL, r);
}

static int x_fchmod(const vn_os *os, int fd, mode_t mode)
{
    vn_fake *f = F(os);
    const char *p = vf_fd_path(f, fd);
    if (enter(f, VN_FAKE_FCHMOD, p, NULL))
        return (int)record(f, VN_FAKE_FCHMOD, p, NULL, -1);
    int r;
    if (UNDER(f)) {
        r = UNDER(f)->fchmod(UNDER(f), fd, mode);
    } else {
        fslot *s = vf_slot_of(f, fd);
        r = s ? 0 : -1;
        if (s)
            s->node->mode = (s->node->mode & S_IFMT) | (mode & 07777);
    }
    return (int)record(f, VN_FAKE_FCHMOD, p, NULL, r);
}

static int x_renameat(const vn_os *os, int odirfd, const char *opath, int ndirfd,
                      const char *npath)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, odirfd, opath);
    VN_AUTOFREE char *q = vf_call_path(f, ndirfd, npath);
    if (enter(f, VN_FAKE_RENAMEAT, p, q))
        return (int)record(f, VN_FAKE_RENAMEAT, p, q, -1);
    int r = UNDER(f) ? UNDER(f)->renameat(UNDER(f), odirfd, opath, ndirfd, npath)
                     : vf_m_renameat(f, odirfd, opath, ndirfd, npath);
    return (int)record(f, VN_FAKE_RENAMEAT, p, q, r);
}

static int x_exchangeat(const vn_os *os, int odirfd, const char *opath, int ndirfd,
                        const char *npath)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, odirfd, opath);
    VN_AUTOFREE char *q = vf_call_path(f, ndirfd, npath);
    if (enter(f, VN_FAKE_EXCHANGEAT, p, q))
        return (int)record(f, VN_FAKE_EXCHANGEAT, p, q, -1);
    int r = UNDER(f) ? UNDER(f)->exchangeat(UNDER(f), odirfd, opath, ndirfd, npath)
                     : vf_m_exchangeat(f, odirfd, opath, ndirfd, npath);
    return (int)record(f, VN_FAKE_EXCHANGEAT, p, q, r);
}

static int x_unlinkat(const vn_os *os, int dirfd, const char *path, int flags)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_UNLINKAT, p, NULL))
        return (int)record(f, VN_FAKE_UNLINKAT, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->unlinkat(UNDER(f), dirfd, path, flags)
                     : vf_m_unlinkat(f, dirfd, path, flags);
    return (int)record(f, VN_FAKE_UNLINKAT, p, NULL, r);
}

static int x_mkdirat(const vn_os *os, int dirfd, const char *path, mode_t mode)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_MKDIRAT, p, NULL))
        return (int)record(f, VN_FAKE_MKDIRAT, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->mkdirat(UNDER(f), dirfd, path, mode)
                     : vf_m_mkdirat(f, dirfd, path, mode);
    return (int)record(f, VN_FAKE_MKDIRAT, p, NULL, r);
}

static ssize_t x_readlinkat(const vn_os *os, int dirfd, const char *path, char *buf, size_t n)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_READLINKAT, p, NULL))
        return record(f, VN_FAKE_READLINKAT, p, NULL, -1);
    ssize_t r = UNDER(f) ? UNDER(f)->readlinkat(UNDER(f), dirfd, path, buf, n)
                         : vf_m_readlinkat(f, dirfd, path, buf, n);
    return record(f, VN_FAKE_READLINKAT, p, NULL, r);
}

static int x_flock(const vn_os *os, int fd, int op)
{
    vn_fake *f = F(os);
    const char *p = vf_fd_path(f, fd);
    if (enter(f, VN_FAKE_FLOCK, p, NULL))
        return (int)record(f, VN_FAKE_FLOCK, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->flock(UNDER(f), fd, op) : vf_m_flock(f, fd, op);
    return (int)record(f, VN_FAKE_FLOCK, p, NULL, r);
}

static vn_os_dir *x_opendirat(const vn_os *os, int dirfd, const char *path)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vf_call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_OPENDIR, p, NULL)) {
        record(f, VN_FAKE_OPENDIR, p, NULL, -1);
        return NULL;
    }
    fake_dir *d;
    if (UNDER(f)) {
        vn_os_dir *u = dirfd == AT_FDCWD ? UNDER(f)->opendir(UNDER(f), path)
                                         : UNDER(f)->opendirat(UNDER(f), dirfd, path);
        d = NULL;
        if (u) {
            d = vn_calloc(1, sizeof(*d));
            d->under = u;
            d->path = vn_strdup(p);
        }
    } else {
        d = vf_m_opendirat(f, dirfd, path);
    }
    if (d)
        f->ndirs++;
    record(f, VN_FAKE_OPENDIR, p, NULL, d ? 0 : -1);
    return (vn_os_dir *)d;
}

static vn_os_dir *x_opendir(const vn_os *os, const char *path)
{
    return x_opendirat(os, AT_FDCWD, path);
}

static const char *x_readdir(const vn_os *os, vn_os_dir *dir)
{
    vn_fake *f = F(os);
    fake_dir *d = (fake_dir *)dir;
    if (enter(f, VN_FAKE_READDIR, d->path, NULL)) {
        record(f, VN_FAKE_READDIR, d->path, NULL, -1);
        return NULL;
    }
    errno = 0;
    const char *name = d->under ? UNDER(f)->readdir(UNDER(f), d->under)
                                : d->i < d->n ? d->names[d->i++] : NULL;
    record(f, VN_FAKE_READDIR, d->path, NULL, name ? 0 : errno ? -1 : 0);
    return name;
}

static void x_closedir(const vn_os *os, vn_os_dir *dir)
{
    vn_fake *f = F(os);
    fake_dir *d = (fake_dir *)dir;
    if (!d)
        return;
    (void)enter(f, VN_FAKE_CLOSEDIR, d->path, NULL);   /* closedir cannot fail */
    record(f, VN_FAKE_CLOSEDIR, d->path, NULL, 0);
    if (d->under)
        UNDER(f)->closedir(UNDER(f), d->under);
    for (size_t i = 0; i < d->n; i++)
        free(d->names[i]);
    free(d->names);
    free(d->path);
    free(d);
    f->ndirs--;
}

/* Calls with no file: forwarded in pass-through mode, ENOSYS in memory. */
#define NOSYS_CALL(op, fail)                                                      \
    do {                                                                          \
        vn_fake *f_ = F(os);                                                      \
        if (enter(f_, op, NULL, NULL) || (!UNDER(f_) && ((errno = ENOSYS) != 0))) { \
            record(f_, op, NULL, NULL, -1);                                       \
            return fail;                                                          \
        }                                                                         \
    } while (0)

static pid_t x_fork(const vn_os *os)
{
    NOSYS_CALL(VN_FAKE_FORK, -1);
    vn_fake *f = F(os);
    return (pid_t)record(f, VN_FAKE_FORK, NULL, NULL, UNDER(f)->fork(UNDER(f)));
}

static pid_t x_fork_into_cgroup(const vn_os *os, int cgroup_fd)
{
    NOSYS_CALL(VN_FAKE_FORK, -1);
    vn_fake *f = F(os);
    return (pid_t)record(f, VN_FAKE_FORK, NULL, NULL,
                         UNDER(f)->fork_into_cgroup(UNDER(f), cgroup_fd));
}

static int x_execve(const vn_os *os, const char *path, char *const argv[], char *const envp[])
{
    vn_fake *f = F(os);
    if (enter(f, VN_FAKE_EXECVE, path, NULL) || (!UNDER(f) && ((errno = ENOSYS) != 0)))
        return (int)record(f, VN_FAKE_EXECVE, path, NULL, -1);
    record(f, VN_FAKE_EXECVE, path, NULL, 0);
    return UNDER(f)->execve(UNDER(f), path, argv, envp);
}

static pid_t x_waitpid(const vn_os *os, pid_t pid, int *status, int options)
{
    NOSYS_CALL(VN_FAKE_WAITPID, -1);
    vn_fake *f = F(os);
    return (pid_t)record(f, VN_FAKE_WAITPID, NULL, NULL,
                         UNDER(f)->waitpid(UNDER(f), pid, status, options));
}

static int x_kill(const vn_os *os, pid_t pid, int sig)
{
    NOSYS_CALL(VN_FAKE_KILL, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_KILL, NULL, NULL, UNDER(f)->kill(UNDER(f), pid, sig));
}

static pid_t x_getpid(const vn_os *os)
{
    vn_fake *f = F(os);
    return UNDER(f) ? UNDER(f)->getpid(UNDER(f)) : 4242;
}

static uid_t x_geteuid(const vn_os *os)
{
    vn_fake *f = F(os);
    return UNDER(f) ? UNDER(f)->geteuid(UNDER(f)) : 0;
}

static int x_pipe2(const vn_os *os, int fds[2], int flags)
{
    NOSYS_CALL(VN_FAKE_PIPE2, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_PIPE2, NULL, NULL, UNDER(f)->pipe2(UNDER(f), fds, flags));
}

static int x_dup2(const vn_os *os, int oldfd, int newfd)
{
    NOSYS_CALL(VN_FAKE_DUP2, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_DUP2, NULL, NULL, UNDER(f)->dup2(UNDER(f), oldfd, newfd));
}

static pid_t x_setsid(const vn_os *os)
{
    NOSYS_CALL(VN_FAKE_SETSID, -1);
    vn_fake *f = F(os);
    return (pid_t)record(f, VN_FAKE_SETSID, NULL, NULL, UNDER(f)->setsid(UNDER(f)));
}

static void x_exit_child(const vn_os *os, int status)
{
    vn_fake *f = F(os);
    if (UNDER(f))
        UNDER(f)->exit_child(UNDER(f), status);
    abort();   /* no child in memory */
}

static int x_sched_setaffinity(const vn_os *os, pid_t tid, size_t setsize, const cpu_set_t *set)
{
    NOSYS_CALL(VN_FAKE_SCHED_SETAFFINITY, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_SCHED_SETAFFINITY, NULL, NULL,
                       UNDER(f)->sched_setaffinity(UNDER(f), tid, setsize, set));
}

static int x_sched_getaffinity(const vn_os *os, pid_t tid, size_t setsize, cpu_set_t *set)
{
    NOSYS_CALL(VN_FAKE_SCHED_GETAFFINITY, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_SCHED_GETAFFINITY, NULL, NULL,
                       UNDER(f)->sched_getaffinity(UNDER(f), tid, setsize, set));
}

static long x_set_mempolicy(const vn_os *os, int mode, const unsigned long *nodemask,
                            unsigned long maxnode)
{
    NOSYS_CALL(VN_FAKE_SET_MEMPOLICY, -1);
    vn_fake *f = F(os);
    return record(f, VN_FAKE_SET_MEMPOLICY, NULL, NULL,
                  UNDER(f)->set_mempolicy(UNDER(f), mode, nodemask, maxnode));
}

static long x_get_mempolicy(const vn_os *os, int *mode, unsigned long *nodemask,
                            unsigned long maxnode, void *addr, unsigned long flags)
{
    NOSYS_CALL(VN_FAKE_GET_MEMPOLICY, -1);
    vn_fake *f = F(os);
    return record(f, VN_FAKE_GET_MEMPOLICY, NULL, NULL,
                  UNDER(f)->get_mempolicy(UNDER(f), mode, nodemask, maxnode, addr, flags));
}

static int x_socket(const vn_os *os, int domain, int type, int protocol)
{
    NOSYS_CALL(VN_FAKE_SOCKET, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_SOCKET, NULL, NULL,
                       UNDER(f)->socket(UNDER(f), domain, type, protocol));
}

static int x_connect(const vn_os *os, int fd, const struct sockaddr *addr, socklen_t len)
{
    NOSYS_CALL(VN_FAKE_CONNECT, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_CONNECT, NULL, NULL, UNDER(f)->connect(UNDER(f), fd, addr, len));
}

static int x_bind(const vn_os *os, int fd, const struct sockaddr *addr, socklen_t len)
{
    NOSYS_CALL(VN_FAKE_BIND, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_BIND, NULL, NULL, UNDER(f)->bind(UNDER(f), fd, addr, len));
}

static int x_listen(const vn_os *os, int fd, int backlog)
{
    NOSYS_CALL(VN_FAKE_LISTEN, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_LISTEN, NULL, NULL, UNDER(f)->listen(UNDER(f), fd, backlog));
}

static int x_accept(const vn_os *os, int fd, int flags)
{
    NOSYS_CALL(VN_FAKE_ACCEPT, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_ACCEPT, NULL, NULL, UNDER(f)->accept(UNDER(f), fd, flags));
}

static int x_poll(const vn_os *os, struct pollfd *fds, nfds_t n, int timeout_ms)
{
    NOSYS_CALL(VN_FAKE_POLL, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_POLL, NULL, NULL, UNDER(f)->poll(UNDER(f), fds, n, timeout_ms));
}

static long x_pagesize(const vn_os *os)
{
    vn_fake *f = F(os);
    return UNDER(f) ? UNDER(f)->pagesize(UNDER(f)) : 4096;
}

static uint64_t x_monotonic_ns(const vn_os *os)
{
    vn_fake *f = F(os);
    return UNDER(f) ? UNDER(f)->monotonic_ns(UNDER(f)) : f->clock_ns;
}

static void x_sleep_ns(const vn_os *os, uint64_t ns)
{
    vn_fake *f = F(os);
    (void)enter(f, VN_FAKE_SLEEP, NULL, NULL);
    record(f, VN_FAKE_SLEEP, NULL, NULL, 0);
    if (UNDER(f))
        UNDER(f)->sleep_ns(UNDER(f), ns);
    else
        f->clock_ns += ns;
}

/* fcntl on a descriptor: forwarded in pass-through mode; in memory only
 * F_GETFD/F_SETFD/F_DUPFD_CLOEXEC are not modelled (ENOSYS). */
static int x_fcntl(const vn_os *os, int fd, int cmd, long arg)
{
    NOSYS_CALL(VN_FAKE_FCNTL, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_FCNTL, NULL, NULL, UNDER(f)->fcntl(UNDER(f), fd, cmd, arg));
}

static int x_close_range(const vn_os *os, unsigned first, unsigned last, int flags)
{
    NOSYS_CALL(VN_FAKE_CLOSE_RANGE, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_CLOSE_RANGE, NULL, NULL,
                       UNDER(f)->close_range(UNDER(f), first, last, flags));
}

static int x_execvp(const vn_os *os, const char *file, char *const argv[])
{
    vn_fake *f = F(os);
    if (enter(f, VN_FAKE_EXECVP, file, NULL) || (!UNDER(f) && ((errno = ENOSYS) != 0)))
        return (int)record(f, VN_FAKE_EXECVP, file, NULL, -1);
    record(f, VN_FAKE_EXECVP, file, NULL, 0);
    return UNDER(f)->execvp(UNDER(f), file, argv);
}

static int x_sigaction(const vn_os *os, int sig, const struct sigaction *act,
                       struct sigaction *old)
{
    NOSYS_CALL(VN_FAKE_SIGACTION, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_SIGACTION, NULL, NULL,
                       UNDER(f)->sigaction(UNDER(f), sig, act, old));
}

static int x_sigprocmask(const vn_os *os, int how, const sigset_t *set, sigset_t *old)
{
    NOSYS_CALL(VN_FAKE_SIGPROCMASK, -1);
    vn_fake *f = F(os);
    return (int)record(f, VN_FAKE_SIGPROCMASK, NULL, NULL,
                       UNDER(f)->sigprocmask(UNDER(f), how, set, old));
}

static const vn_os fake_ops = {
    .name = "fake",
    .open = x_open,
    .openat = x_openat,
    .read = x_read,
    .write = x_write,
    .close = x_close,
    .fstat = x_fstat,
    .fstatat = x_fstatat,
    .fsync = x_fsync,
    .fchmod = x_fchmod,
    .renameat = x_renameat,
    .exchangeat = x_exchangeat,
    .unlinkat = x_unlinkat,
    .mkdirat = x_mkdirat,
    .readlinkat = x_readlinkat,
    .flock = x_flock,
    .opendir = x_opendir,
    .opendirat = x_opendirat,
    .readdir = x_readdir,
    .closedir = x_closedir,
    .fork = x_fork,
    .fork_into_cgroup = x_fork_into_cgroup,
    .execve = x_execve,
    .waitpid = x_waitpid,
    .kill = x_kill,
    .getpid = x_getpid,
    .geteuid = x_geteuid,
    .pipe2 = x_pipe2,
    .dup2 = x_dup2,
    .setsid = x_setsid,
    .exit_child = x_exit_child,
    .sched_setaffinity = x_sched_setaffinity,
    .sched_getaffinity = x_sched_getaffinity,
    .set_mempolicy = x_set_mempolicy,
    .get_mempolicy = x_get_mempolicy,
    .socket = x_socket,
    .connect = x_connect,
    .bind = x_bind,
    .listen = x_listen,
    .accept = x_accept,
    .poll = x_poll,
    .pagesize = x_pagesize,
    .monotonic_ns = x_monotonic_ns,
    .sleep_ns = x_sleep_ns,
    .fcntl = x_fcntl,
    .close_range = x_close_range,
    .execvp = x_execvp,
    .sigaction = x_sigaction,
    .sigprocmask = x_sigprocmask,
};

/* ---- life ------------------------------------------------------------ */

vn_fake *vn_fake_new(void)
{
    vn_fake *f = vn_calloc(1, sizeof(*f));
    f->os = fake_ops;
    f->os.ctx = f;
    f->umask = 022;
    f->root = vf_node_new(f, S_IFDIR | 0755);
    f->root->parent = f->root;
    f->root->nlink = 2;
    return f;
}

vn_fake *vn_fake_new_passthrough(const vn_os *under)
{
    vn_fake *f = vn_fake_new();
    f->os.name = "fake-passthrough";
    f->under = under ? under : vn_os_real();
    return f;
}

void vn_fake_free(vn_fake *f)
{
    if (!f)
        return;
    for (fnode *n = f->all, *next; n; n = next) {
        next = n->all_next;
        for (size_t i = 0; i < n->nkids; i++)
            free(n->kids[i].name);
        free(n->kids);
        free(n->name);
        free(n->data);
        free(n);
    }
    for (size_t i = 0; i < f->nslots; i++)
        free(f->slots[i].path);
    free(f->slots);
    for (size_t i = 0; i < f->nfdpath; i++)
        free(f->fdpath[i]);
    free(f->fdpath);
    vn_fake_clear_faults(f);
    vn_fake_log_clear(f);
    free(f->log);
    free(f);
}

const vn_os *vn_fake_os(vn_fake *f)
{
    return &f->os;
}

size_t vn_fake_open_fds(const vn_fake *f)
{
    size_t n = f->ndirs;
    for (size_t i = 0; i < f->nslots; i++)
        n += f->slots[i].used;
    for (size_t i = 0; i < f->nfdpath; i++)
        n += f->fdpath[i] != NULL;
    return n;
}

