/*
 * os_real.c - the real operating system behind the seam (os.h): each
 * operation is its system call or libc function, nothing more.  This and
 * the rest of src/os/ are the only places libvnuma calls the system.
 */
#include "os/os.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/single_threaded.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct vn_os_dir {
    DIR *d;
};

static int r_open(const vn_os *os, const char *path, int flags, mode_t mode)
{
    (void)os;
    return open(path, flags, mode);
}

static int r_openat(const vn_os *os, int dirfd, const char *path, int flags, mode_t mode)
{
    (void)os;
    return openat(dirfd, path, flags, mode);
}

static ssize_t r_read(const vn_os *os, int fd, void *buf, size_t n)
{
    (void)os;
    return read(fd, buf, n);
}

static ssize_t r_write(const vn_os *os, int fd, const void *buf, size_t n)
{
    (void)os;
    return write(fd, buf, n);
}

static int r_close(const vn_os *os, int fd)
{
    (void)os;
    return close(fd);
}

static int r_fstat(const vn_os *os, int fd, struct stat *st)
{
    (void)os;
    return fstat(fd, st);
}

static int r_fstatat(const vn_os *os, int dirfd, const char *path, struct stat *st, int flags)
{
    (void)os;
    return fstatat(dirfd, path, st, flags);
}

static int r_fsync(const vn_os *os, int fd)
{
    (void)os;
    return fsync(fd);
}

static int r_fchmod(const vn_os *os, int fd, mode_t mode)
{
    (void)os;
    return fchmod(fd, mode);
}

static int r_renameat(const vn_os *os, int olddirfd, const char *oldpath, int newdirfd,
                      const char *newpath)
{
    (void)os;
    return renameat(olddirfd, oldpath, newdirfd, newpath);
}

static int r_exchangeat(const vn_os *os, int olddirfd, const char *oldpath, int newdirfd,
                        const char *newpath)
{
    (void)os;
    return renameat2(olddirfd, oldpath, newdirfd, newpath, RENAME_EXCHANGE);
}

static int r_unlinkat(const vn_os *os, int dirfd, const char *path, int flags)
{
    (void)os;
    return unlinkat(dirfd, path, flags);
}

static int r_mkdirat(const vn_os *os, int dirfd, const char *path, mode_t mode)
{
    (void)os;
    return mkdirat(dirfd, path, mode);
}

static ssize_t r_readlinkat(const vn_os *os, int dirfd, const char *path, char *buf, size_t n)
{
    (void)os;
    return readlinkat(dirfd, path, buf, n);
}

static int r_flock(const vn_os *os, int fd, int op)
{
    (void)os;
    return flock(fd, op);
}

static vn_os_dir *r_opendir(const vn_os *os, const char *path)
{
    (void)os;
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    vn_os_dir *w = malloc(sizeof(*w));
    if (!w) {
        closedir(d);
        errno = ENOMEM;
        return NULL;
    }
    w->d = d;
    return w;
}

static vn_os_dir *r_opendirat(const vn_os *os, int dirfd, const char *path)
{
    (void)os;
    int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    vn_os_dir *w = malloc(sizeof(*w));
    if (!w) {
        closedir(d);
        errno = ENOMEM;
        return NULL;
    }
    w->d = d;
    return w;
}

static const char *r_readdir(const vn_os *os, vn_os_dir *w)
{
    (void)os;
    struct dirent *de;
    while ((de = readdir(w->d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            return de->d_name;
    return NULL;
}

static void r_closedir(const vn_os *os, vn_os_dir *w)
{
    (void)os;
    if (!w)
        return;
    closedir(w->d);
    free(w);
}

static pid_t r_fork(const vn_os *os)
{
    (void)os;
    return fork();
}

/* struct clone_args as far as its cgroup member (CLONE_ARGS_SIZE_VER2),
 * spelled here: glibc 2.36 has no clone3 wrapper and <linux/sched.h>
 * clashes with <sched.h>. */
struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};
#define VN_CLONE_INTO_CGROUP 0x200000000ULL

/* A fork(2) without glibc's fork: no atfork handlers run (libvnuma
 * registers none, and the child only sets itself up and execs), and
 * glibc 2.34 and later ask the kernel for the thread id where it matters
 * (raise, abort), so the child's stale copy of its parent's does not
 * mislead them.  But only glibc's fork makes malloc safe in the child of a
 * process with threads (one may hold its lock): such a process - a
 * management daemon using the library - is told ENOSYS and forks. */
static pid_t r_fork_into_cgroup(const vn_os *os, int cgroup_fd)
{
    (void)os;
    if (!__libc_single_threaded) {
        errno = ENOSYS;
        return -1;
    }
#ifdef SYS_clone3
    struct clone_args_v2 a = {.flags = VN_CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
                              .cgroup = (uint64_t)cgroup_fd};
    return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
#else
    (void)cgroup_fd;
    errno = ENOSYS;
    return -1;
#endif
}

static int r_execve(const vn_os *os, const char *path, char *const argv[], char *const envp[])
{
    (void)os;
    return execve(path, argv, envp);
}

static pid_t r_waitpid(const vn_os *os, pid_t pid, int *status, int options)
{
    (void)os;
    return waitpid(pid, status, options);
}

static int r_kill(const vn_os *os, pid_t pid, int sig)
{
    (void)os;
    return kill(pid, sig);
}

static pid_t r_getpid(const vn_os *os)
{
    (void)os;
    return getpid();
}

static uid_t r_geteuid(const vn_os *os)
{
    (void)os;
    return geteuid();
}

static int r_pipe2(const vn_os *os, int fds[2], int flags)
{
    (void)os;
    return pipe2(fds, flags);
}

static int r_dup2(const vn_os *os, int oldfd, int newfd)
{
    (void)os;
    return dup2(oldfd, newfd);
}

static pid_t r_setsid(const vn_os *os)
{
    (void)os;
    return setsid();
}

static void r_exit_child(const vn_os *os, int status)
{
    (void)os;
    _exit(status);
}

static int r_sched_setaffinity(const vn_os *os, pid_t tid, size_t setsize, const cpu_set_t *set)
{
    (void)os;
    return sched_setaffinity(tid, setsize, set);
}

static int r_sched_getaffinity(const vn_os *os, pid_t tid, size_t setsize, cpu_set_t *set)
{
    (void)os;
    return sched_getaffinity(tid, setsize, set);
}

static long r_set_mempolicy(const vn_os *os, int mode, const unsigned long *nodemask,
                            unsigned long maxnode)
{
    (void)os;
    return syscall(SYS_set_mempolicy, mode, nodemask, maxnode);
}

static long r_get_mempolicy(const vn_os *os, int *mode, unsigned long *nodemask,
                            unsigned long maxnode, void *addr, unsigned long flags)
{
    (void)os;
    return syscall(SYS_get_mempolicy, mode, nodemask, maxnode, addr, flags);
}

static int r_socket(const vn_os *os, int domain, int type, int protocol)
{
    (void)os;
    return socket(domain, type, protocol);
}

static int r_connect(const vn_os *os, int fd, const struct sockaddr *addr, socklen_t len)
{
    (void)os;
    return connect(fd, addr, len);
}

static int r_bind(const vn_os *os, int fd, const struct sockaddr *addr, socklen_t len)
{
    (void)os;
    return bind(fd, addr, len);
}

static int r_listen(const vn_os *os, int fd, int backlog)
{
    (void)os;
    return listen(fd, backlog);
}

static int r_accept(const vn_os *os, int fd, int flags)
{
    (void)os;
    return accept4(fd, NULL, NULL, flags);
}

static int r_poll(const vn_os *os, struct pollfd *fds, nfds_t n, int timeout_ms)
{
    (void)os;
    return poll(fds, n, timeout_ms);
}

static long r_pagesize(const vn_os *os)
{
    (void)os;
    return sysconf(_SC_PAGESIZE);
}

static uint64_t r_monotonic_ns(const vn_os *os)
{
    (void)os;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void r_sleep_ns(const vn_os *os, uint64_t ns)
{
    (void)os;
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                          .tv_nsec = (long)(ns % 1000000000u)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int r_fcntl(const vn_os *os, int fd, int cmd, long arg)
{
    (void)os;
    return fcntl(fd, cmd, arg);
}

static int r_close_range(const vn_os *os, unsigned first, unsigned last, int flags)
{
    (void)os;
    return (int)syscall(SYS_close_range, first, last, flags);
}

static int r_execvp(const vn_os *os, const char *file, char *const argv[])
{
    (void)os;
    return execvp(file, argv);
}

static int r_sigaction(const vn_os *os, int sig, const struct sigaction *act,
                       struct sigaction *old)
{
    (void)os;
    return sigaction(sig, act, old);
}

static int r_sigprocmask(const vn_os *os, int how, const sigset_t *set, sigset_t *old)
{
    (void)os;
    return sigprocmask(how, set, old);
}

static const vn_os real_os = {
    .name = "real",
    .open = r_open,
    .openat = r_openat,
    .read = r_read,
    .write = r_write,
    .close = r_close,
    .fstat = r_fstat,
    .fstatat = r_fstatat,
    .fsync = r_fsync,
    .fchmod = r_fchmod,
    .renameat = r_renameat,
    .exchangeat = r_exchangeat,
    .unlinkat = r_unlinkat,
    .mkdirat = r_mkdirat,
    .readlinkat = r_readlinkat,
    .flock = r_flock,
    .opendir = r_opendir,
    .opendirat = r_opendirat,
    .readdir = r_readdir,
    .closedir = r_closedir,
    .fork = r_fork,
    .fork_into_cgroup = r_fork_into_cgroup,
    .execve = r_execve,
    .waitpid = r_waitpid,
    .kill = r_kill,
    .getpid = r_getpid,
    .geteuid = r_geteuid,
    .pipe2 = r_pipe2,
    .dup2 = r_dup2,
    .setsid = r_setsid,
    .exit_child = r_exit_child,
    .sched_setaffinity = r_sched_setaffinity,
    .sched_getaffinity = r_sched_getaffinity,
    .set_mempolicy = r_set_mempolicy,
    .get_mempolicy = r_get_mempolicy,
    .socket = r_socket,
    .connect = r_connect,
    .bind = r_bind,
    .listen = r_listen,
    .accept = r_accept,
    .poll = r_poll,
    .pagesize = r_pagesize,
    .monotonic_ns = r_monotonic_ns,
    .sleep_ns = r_sleep_ns,
    .fcntl = r_fcntl,
    .close_range = r_close_range,
    .execvp = r_execvp,
    .sigaction = r_sigaction,
    .sigprocmask = r_sigprocmask,
};

static const vn_os *current_os = &real_os;

const vn_os *vn_os_real(void)
{
    return &real_os;
}

const vn_os *vn_os_current(void)
{
    return current_os;
}

void vn_os_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        current_os->close(current_os, *fd);
        errno = saved;
    }
    *fd = -1;
}

const vn_os *vn_os_set(const vn_os *os)
{
    const vn_os *prev = current_os;
    current_os = os ? os : &real_os;
    return prev;
}
