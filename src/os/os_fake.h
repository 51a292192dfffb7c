/*
 * os_fake.h - a fake operating system behind the seam (os.h), for tests.
 * Built into the internal static library only (the tests link it), never
 * into libvnuma.so.
 *
 * Two modes:
 *   - in memory (vn_fake_new): a file tree of directories, regular files
 *     (contents, mode, an optional st_size to report, as sysfs's 4096),
 *     symbolic links, hard links and special files (FIFOs, character
 *     devices that read as zeros like /dev/zero, sockets), with
 *     descriptors, offsets, O_CREAT/O_EXCL/O_NOFOLLOW/O_DIRECTORY/O_TRUNC/
 *     O_NONBLOCK, flock and a umask (022).  Permissions are not checked
 *     (the caller is root).  What would block on a real system (opening a
 *     FIFO without O_NONBLOCK, reading it, a flock held elsewhere) fails
 *     with EDEADLK instead and is counted: vn_fake_blocked() must stay 0
 *     in a test of "never hangs".  Processes, sockets and memory policy
 *     fail with ENOSYS; time is a counter that sleep_ns advances.
 *   - pass-through (vn_fake_new_passthrough): every call goes to another
 *     seam (the real one), with the same log, faults and hook, for tests
 *     on a real temporary directory.
 *
 * Faults: "the Nth call of OP (from now) fails with errno E", or "every
 * call of OP on a path under PREFIX fails with E" (OP may be VN_FAKE_ANY;
 * descriptor calls match the path the descriptor was opened with).
 * The log records every call (operation, paths, result, errno), for
 * assertions such as "renameat was called once" or "nothing was opened
 * outside DIR".  A hook runs before each call (before its fault is
 * checked): a test can change the tree between two steps of the code
 * under test, or sleep.
 *
 *     vn_fake *f = vn_fake_new();
 *     vn_fake_add_file(f, "/d/L", "vnuma-ledger 1\n", 0644);
 *     vn_fake_fail_nth(f, VN_FAKE_WRITE, 1, ENOSPC);
 *     const vn_os *prev = vn_os_set(vn_fake_os(f));
 *     ... code under test ...
 *     vn_os_set(prev);
 *     assert(vn_fake_count(f, VN_FAKE_RENAMEAT, NULL) == 0);
 *     vn_fake_free(f);
 */
#ifndef VN_OS_FAKE_H
#define VN_OS_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "os/os.h"

typedef enum vn_fake_op {
    VN_FAKE_ANY,
    VN_FAKE_OPEN, VN_FAKE_OPENAT, VN_FAKE_READ, VN_FAKE_WRITE, VN_FAKE_CLOSE,
    VN_FAKE_FSTAT, VN_FAKE_FSTATAT, VN_FAKE_FSYNC, VN_FAKE_FCHMOD, VN_FAKE_RENAMEAT,
    VN_FAKE_UNLINKAT, VN_FAKE_MKDIRAT, VN_FAKE_READLINKAT, VN_FAKE_FLOCK,
    VN_FAKE_OPENDIR,     /* opendir and opendirat */
    VN_FAKE_READDIR, VN_FAKE_CLOSEDIR,
    VN_FAKE_FORK, VN_FAKE_EXECVE, VN_FAKE_WAITPID, VN_FAKE_KILL, VN_FAKE_PIPE2,
    VN_FAKE_DUP2, VN_FAKE_SETSID,
    VN_FAKE_SCHED_SETAFFINITY, VN_FAKE_SCHED_GETAFFINITY,
    VN_FAKE_SET_MEMPOLICY, VN_FAKE_GET_MEMPOLICY,
    VN_FAKE_SOCKET, VN_FAKE_CONNECT, VN_FAKE_BIND, VN_FAKE_LISTEN, VN_FAKE_ACCEPT,
    VN_FAKE_POLL, VN_FAKE_SLEEP,
    VN_FAKE_FCNTL, VN_FAKE_CLOSE_RANGE, VN_FAKE_EXECVP, VN_FAKE_SIGACTION,
    VN_FAKE_SIGPROCMASK, VN_FAKE_EXCHANGEAT,
    VN_FAKE_NOPS
} vn_fake_op;

typedef struct vn_fake vn_fake;

/* "open", "renameat", ... ("any" for VN_FAKE_ANY). */
const char *vn_fake_op_name(vn_fake_op op);

vn_fake *vn_fake_new(void);
vn_fake *vn_fake_new_passthrough(const vn_os *under);
void vn_fake_free(vn_fake *f);
/* The seam to install (vn_os_set) or call. */
const vn_os *vn_fake_os(vn_fake *f);

/* Building the tree (in memory only; parents are made, mode 0755).  No
 * log, no faults.  0, or -1 with errno set. */
int vn_fake_add_dir(vn_fake *f, const char *path, mode_t mode);
int vn_fake_add_file(vn_fake *f, const char *path, const char *text, mode_t mode);
int vn_fake_add_filen(vn_fake *f, const char *path, const void *data, size_t len, mode_t mode);
int vn_fake_add_symlink(vn_fake *f, const char *path, const char *target);
/* A hard link: path names the same file as existing. */
int vn_fake_add_hardlink(vn_fake *f, const char *existing, const char *path);
/* S_IFIFO, S_IFCHR (reads zeros, swallows writes), S_IFBLK or S_IFSOCK. */
int vn_fake_add_special(vn_fake *f, const char *path, mode_t type);
/* What fstat reports as st_size from now on (sysfs: 4096). */
int vn_fake_set_size(vn_fake *f, const char *path, off_t size);
/* Remove a file, link or (recursively) directory. */
int vn_fake_remove(vn_fake *f, const char *path);

/* Looking at the tree (in memory only; links not followed at the end). */
/* The contents of a regular file (malloc'd, NUL added; *len may be NULL), or NULL. */
char *vn_fake_contents(vn_fake *f, const char *path, size_t *len);
bool vn_fake_lstat(vn_fake *f, const char *path, struct stat *st);
/* The names in a directory, sorted, one per line (malloc'd), or NULL. */
char *vn_fake_list(vn_fake *f, const char *dir);
/* Descriptors open now, and the directory handles. */
size_t vn_fake_open_fds(const vn_fake *f);
/* Calls that would have blocked on a real system. */
unsigned vn_fake_blocked(const vn_fake *f);

/* Faults.  The nth matching call from now (1: the next; 0: every one)
 * fails with err; prefix NULL matches any path (and calls without one). */
void vn_fake_fail(vn_fake *f, vn_fake_op op, const char *prefix, unsigned nth, int err);
static inline void vn_fake_fail_nth(vn_fake *f, vn_fake_op op, unsigned nth, int err)
{
    vn_fake_fail(f, op, NULL, nth, err);
}
static inline void vn_fake_fail_path(vn_fake *f, vn_fake_op op, const char *prefix, int err)
{
    vn_fake_fail(f, op, prefix, 0, err);
}
void vn_fake_clear_faults(vn_fake *f);

/* The log.  Calls of op (VN_FAKE_ANY: all) on a path starting with prefix
 * (NULL: any call), or, _outside, on a path not starting with it (calls
 * without a path are not counted there). */
size_t vn_fake_count(const vn_fake *f, vn_fake_op op, const char *prefix);
size_t vn_fake_count_outside(const vn_fake *f, vn_fake_op op, const char *prefix);
/* One line per call: "renameat /d/.L.x1Y2z3 /d/L = 0", "write /d/x = -1 ENOSPC" (malloc'd). */
char *vn_fake_log(const vn_fake *f);
void vn_fake_log_clear(vn_fake *f);

/* Run fn before each call (NULL: none). */
typedef void vn_fake_hook(vn_fake *f, vn_fake_op op, const char *path, void *arg);
void vn_fake_set_hook(vn_fake *f, vn_fake_hook *fn, void *arg);

#endif
