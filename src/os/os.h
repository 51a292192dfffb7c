/*
 * os.h - the library's one seam to the operating system.
 *
 * Every system call and file access libvnuma makes goes through a vn_os:
 * the host loaders' sysfs and /proc reads, the ledger's lock, write, fsync
 * and rename, cgroup files, memory policy, CPU affinity, fork/exec of QEMU,
 * the QMP socket.  As SQLite's VFS and hwloc's filesystem root do, this
 * lets the tests run the same code against a fake (os_fake.h): an
 * in-memory file tree, recorded effects, and faults injected at any call.
 *
 * Conventions: each operation takes the vn_os first and otherwise mirrors
 * its libc/syscall namesake, returning -1 (or NULL) with errno set on
 * failure, so call sites read as the system calls they are:
 *
 *     const vn_os *os = vn_os_current();
 *     int fd = os->open(os, path, O_RDONLY | O_CLOEXEC, 0);
 *
 * vn_os_current() is the real operating system unless a test (or a
 * program embedding the library) installed another with vn_os_set().
 * Nothing outside src/os/ calls the system directly (tests/unit/
 * test_os_seam.sh greps for it).
 */
#ifndef VN_OS_H
#define VN_OS_H

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

typedef struct vn_os vn_os;
typedef struct vn_os_dir vn_os_dir;

struct vn_os {
    const char *name;                 /* "real", "fake" */
    void *ctx;                        /* the implementation's state */

    /* files and directories */
    int (*open)(const vn_os *os, const char *path, int flags, mode_t mode);
    int (*openat)(const vn_os *os, int dirfd, const char *path, int flags, mode_t mode);
    ssize_t (*read)(const vn_os *os, int fd, void *buf, size_t n);
    ssize_t (*write)(const vn_os *os, int fd, const void *buf, size_t n);
    int (*close)(const vn_os *os, int fd);
    int (*fstat)(const vn_os *os, int fd, struct stat *st);
    /* fstatat: AT_SYMLINK_NOFOLLOW in flags gives lstat */
    int (*fstatat)(const vn_os *os, int dirfd, const char *path, struct stat *st, int flags);
    int (*fsync)(const vn_os *os, int fd);
    int (*fchmod)(const vn_os *os, int fd, mode_t mode);
    int (*renameat)(const vn_os *os, int olddirfd, const char *oldpath, int newdirfd,
                    const char *newpath);
    /* exchangeat: renameat2(RENAME_EXCHANGE), the two names swap their
     * files atomically; both must exist (ENOENT), and a file system without
     * it says EINVAL */
    int (*exchangeat)(const vn_os *os, int olddirfd, const char *oldpath, int newdirfd,
                      const char *newpath);
    /* unlinkat: AT_REMOVEDIR in flags removes a directory */
    int (*unlinkat)(const vn_os *os, int dirfd, const char *path, int flags);
    int (*mkdirat)(const vn_os *os, int dirfd, const char *path, mode_t mode);
    ssize_t (*readlinkat)(const vn_os *os, int dirfd, const char *path, char *buf, size_t n);
    int (*flock)(const vn_os *os, int fd, int op);
    /* the names in a directory, "." and ".." left out; NULL at the end */
    vn_os_dir *(*opendir)(const vn_os *os, const char *path);
    /* the same for path relative to dirfd ("." lists dirfd's directory) */
    vn_os_dir *(*opendirat)(const vn_os *os, int dirfd, const char *path);
    const char *(*readdir)(const vn_os *os, vn_os_dir *d);
    void (*closedir)(const vn_os *os, vn_os_dir *d);

    /* processes */
    pid_t (*fork)(const vn_os *os);
    /* fork whose child is born in the cgroup v2 directory cgroup_fd
     * (clone3 with CLONE_INTO_CGROUP, Linux 5.7): 0 in the child, its pid
     * in the parent; -1 with errno and no child otherwise (ENOSYS or E2BIG:
     * a kernel without it, or a caller with threads, whose child only
     * glibc's fork makes safe; EOPNOTSUPP, EBUSY, EINVAL: the cgroup
     * refuses).  The fake logs and faults it as fork. */
    pid_t (*fork_into_cgroup)(const vn_os *os, int cgroup_fd);
    int (*execve)(const vn_os *os, const char *path, char *const argv[], char *const envp[]);
    pid_t (*waitpid)(const vn_os *os, pid_t pid, int *status, int options);
    int (*kill)(const vn_os *os, pid_t pid, int sig);
    pid_t (*getpid)(const vn_os *os);
    uid_t (*geteuid)(const vn_os *os);
    int (*pipe2)(const vn_os *os, int fds[2], int flags);
    int (*dup2)(const vn_os *os, int oldfd, int newfd);
    pid_t (*setsid)(const vn_os *os);
    void (*exit_child)(const vn_os *os, int status);   /* _exit in a forked child */

    /* scheduling and memory policy; tid 0 = the calling thread */
    int (*sched_setaffinity)(const vn_os *os, pid_t tid, size_t setsize, const cpu_set_t *set);
    int (*sched_getaffinity)(const vn_os *os, pid_t tid, size_t setsize, cpu_set_t *set);
    /* set_mempolicy(2)/get_mempolicy(2): maxnode in bits, as the kernel takes it */
    long (*set_mempolicy)(const vn_os *os, int mode, const unsigned long *nodemask,
                          unsigned long maxnode);
    long (*get_mempolicy)(const vn_os *os, int *mode, unsigned long *nodemask,
                          unsigned long maxnode, void *addr, unsigned long flags);

    /* sockets */
    int (*socket)(const vn_os *os, int domain, int type, int protocol);
    int (*connect)(const vn_os *os, int fd, const struct sockaddr *addr, socklen_t len);
    int (*bind)(const vn_os *os, int fd, const struct sockaddr *addr, socklen_t len);
    int (*listen)(const vn_os *os, int fd, int backlog);
    int (*accept)(const vn_os *os, int fd, int flags);
    int (*poll)(const vn_os *os, struct pollfd *fds, nfds_t n, int timeout_ms);

    /* the base page size in bytes (sysconf(_SC_PAGESIZE)) */
    long (*pagesize)(const vn_os *os);

    /* time */
    uint64_t (*monotonic_ns)(const vn_os *os);
    void (*sleep_ns)(const vn_os *os, uint64_t ns);

    /* what starting a process under a placement needs (src/apply) */
    /* fcntl(2) with an integer argument (F_GETFD, F_SETFD, F_GETFL, ...) */
    int (*fcntl)(const vn_os *os, int fd, int cmd, long arg);
    /* close_range(2): every descriptor from first to last */
    int (*close_range)(const vn_os *os, unsigned first, unsigned last, int flags);
    /* execvp(3): file looked up in PATH, the current environment */
    int (*execvp)(const vn_os *os, const char *file, char *const argv[]);
    int (*sigaction)(const vn_os *os, int sig, const struct sigaction *act,
                     struct sigaction *old);
    int (*sigprocmask)(const vn_os *os, int how, const sigset_t *set, sigset_t *old);
};

/* The operating system the library uses now (the real one by default). */
const vn_os *vn_os_current(void);
/* Install os (NULL: the real one again); returns the previous one. */
const vn_os *vn_os_set(const vn_os *os);
/* The real operating system. */
const vn_os *vn_os_real(void);

/* A descriptor closed (through the current seam) at scope exit:
 * `VN_AUTOFD int fd = os->open(...);`; -1 is left alone.  VN_STEAL_FD
 * hands it out. */
void vn_os_closep(int *fd);
#define VN_AUTOFD __attribute__((cleanup(vn_os_closep)))
#define VN_STEAL_FD(fd) __extension__({ int vn_steal_fd_ = (fd); (fd) = -1; vn_steal_fd_; })

#endif
