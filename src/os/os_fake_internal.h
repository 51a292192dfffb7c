/*
 * os_fake_internal.h - what the fake's three files share: its tree and
 * descriptor types, and the in-memory file operations (os_fake_tree.c) the
 * seam's operations (os_fake.c) and the builders (os_fake_build.c) call.
 * Only for src/os/os_fake*.c.
 */
#ifndef VN_OS_FAKE_INTERNAL_H
#define VN_OS_FAKE_INTERNAL_H

#include "os/os_fake.h"

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/util.h"

#define FAKE_FD_BASE 1000   /* in-memory descriptors: 1000, 1001, ... */
#define FAKE_MAX_LINKS 40

typedef struct fnode fnode;

typedef struct dent {
    char *name;
    fnode *node;
} dent;

struct fnode {
    mode_t mode;            /* type and permissions */
    fnode *parent;          /* directories: the one holding it (root: itself) */
    char *name;             /* directories: its name there */
    dent *kids;             /* directories */
    size_t nkids;
    char *data;             /* a file's contents, a link's target */
    size_t len;
    bool has_size;          /* report size instead of len */
    off_t size;
    nlink_t nlink;
    ino_t ino;
    fnode *all_next;        /* every node, freed with the fake */
};

typedef struct fslot {
    bool used;
    fnode *node;
    off_t off;
    int flags;
    int lock;               /* LOCK_SH, LOCK_EX or 0 */
    char *path;
} fslot;

typedef struct fault {
    vn_fake_op op;
    char *prefix;
    unsigned nth, seen;
    int err;
} fault;

typedef struct logent {
    vn_fake_op op;
    char *path, *path2;
    long rc;
    int err;
} logent;

typedef struct fake_dir {
    char **names;
    size_t n, i;
    char *path;
    vn_os_dir *under;       /* pass-through */
} fake_dir;

struct vn_fake {
    vn_os os;
    const vn_os *under;     /* pass-through: the seam called */
    fnode *root, *all;
    ino_t next_ino;
    mode_t umask;
    fslot *slots;
    size_t nslots;
    char **fdpath;          /* pass-through: the path of each real descriptor */
    size_t nfdpath;
    size_t ndirs;
    unsigned blocked;
    uint64_t clock_ns;
    fault *faults;
    size_t nfaults;
    logent *log;
    size_t nlog, caplog;
    vn_fake_hook *hook;
    void *hook_arg;
};

bool vf_starts(const char *s, const char *prefix);
fnode *vf_node_new(vn_fake *f, mode_t mode);
dent *vf_dir_find(fnode *dir, const char *name);
void vf_dir_add(fnode *dir, const char *name, fnode *n);
void vf_dir_del(fnode *dir, const char *name);
int vf_resolve(vn_fake *f, fnode *start, const char *path, bool follow, int *depth,
               fnode **dirp, char **basep, fnode **nodep);
fslot *vf_slot_of(vn_fake *f, int fd);
char *vf_call_path(vn_fake *f, int dirfd, const char *path);
const char *vf_fd_path(vn_fake *f, int fd);
void vf_set_fdpath(vn_fake *f, int fd, const char *path);
void vf_fill_stat(const fnode *n, struct stat *st);
int vf_m_openat(vn_fake *f, int dirfd, const char *path, int flags, mode_t mode,
                const char *logpath);
ssize_t vf_m_read(vn_fake *f, int fd, void *buf, size_t len);
ssize_t vf_m_write(vn_fake *f, int fd, const void *buf, size_t len);
int vf_m_close(vn_fake *f, int fd);
int vf_m_flock(vn_fake *f, int fd, int op);
int vf_m_fstatat(vn_fake *f, int dirfd, const char *path, struct stat *st, int flags);
bool vf_dot(const char *base);
int vf_m_unlinkat(vn_fake *f, int dirfd, const char *path, int flags);
int vf_m_mkdirat(vn_fake *f, int dirfd, const char *path, mode_t mode);
int vf_m_renameat(vn_fake *f, int odirfd, const char *opath, int ndirfd, const char *npath);
int vf_m_exchangeat(vn_fake *f, int odirfd, const char *opath, int ndirfd, const char *npath);
ssize_t vf_m_readlinkat(vn_fake *f, int dirfd, const char *path, char *buf, size_t len);
int vf_cmp_str(const void *a, const void *b);
fake_dir *vf_m_opendirat(vn_fake *f, int dirfd, const char *path);

#endif
