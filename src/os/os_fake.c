/*
 * os_fake.c - the fake operating system for tests (see os_fake.h): an
 * in-memory file tree with descriptors, or a pass-through to another seam;
 * both with a call log, injected faults and a hook.
 */
#include "os/os_fake.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

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

static bool starts(const char *s, const char *prefix)
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
        if (x->prefix && !starts(path, x->prefix) && !starts(path2, x->prefix))
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
            if (l->path && !starts(l->path, prefix) && !(l->path2 && starts(l->path2, prefix)))
                n++;
        } else if (!prefix || starts(l->path, prefix) || starts(l->path2, prefix)) {
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

/* ---- the tree -------------------------------------------------------- */

static fnode *node_new(vn_fake *f, mode_t mode)
{
    fnode *n = vn_calloc(1, sizeof(*n));
    n->mode = mode;
    n->ino = ++f->next_ino;
    n->all_next = f->all;
    f->all = n;
    return n;
}

static dent *dir_find(fnode *dir, const char *name)
{
    for (size_t i = 0; i < dir->nkids; i++)
        if (!strcmp(dir->kids[i].name, name))
            return &dir->kids[i];
    return NULL;
}

static void dir_add(fnode *dir, const char *name, fnode *n)
{
    dent *d = VN_APPEND(dir->kids, dir->nkids);
    d->name = vn_strdup(name);
    d->node = n;
    n->nlink++;
    if (S_ISDIR(n->mode)) {
        n->parent = dir;
        free(n->name);
        n->name = vn_strdup(name);
        dir->nlink++;
    }
}

static void dir_del(fnode *dir, const char *name)
{
    dent *d = dir_find(dir, name);
    if (!d)
        return;
    fnode *n = d->node;
    n->nlink--;
    if (S_ISDIR(n->mode)) {
        n->parent = NULL;
        dir->nlink--;
    }
    free(d->name);
    size_t i = (size_t)(d - dir->kids);
    memmove(&dir->kids[i], &dir->kids[i + 1], (dir->nkids - i - 1) * sizeof(*d));
    dir->nkids--;
}

static void dir_path(const vn_fake *f, const fnode *dir, vn_buf *b)
{
    if (!dir || dir == f->root) {
        vn_buf_add(b, "/");
        return;
    }
    if (!dir->parent) {
        vn_buf_add(b, "(deleted)/");
        vn_buf_add(b, dir->name ? dir->name : "?");
        return;
    }
    dir_path(f, dir->parent, b);
    if (b->s[b->len - 1] != '/')
        vn_buf_addc(b, '/');
    vn_buf_add(b, dir->name);
}

static char *path_in(const vn_fake *f, const fnode *dir, const char *name)
{
    vn_buf b = {0};
    dir_path(f, dir, &b);
    if (name && strcmp(name, ".")) {
        if (b.s[b.len - 1] != '/')
            vn_buf_addc(&b, '/');
        vn_buf_add(&b, name);
    }
    return vn_buf_steal(&b);
}

/* Walk path from start.  The last component's directory (*dirp), name
 * (*basep, malloc'd) and node (*nodep, NULL when absent); a link at the
 * end is followed when follow is set.  -1 with errno (ENOENT, ENOTDIR,
 * ELOOP) when a directory on the way is not there. */
static int resolve(vn_fake *f, fnode *start, const char *path, bool follow, int *depth,
                   fnode **dirp, char **basep, fnode **nodep)
{
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    fnode *dir = path[0] == '/' ? f->root : start;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p) {   /* "/" or "a/": the directory itself */
            *dirp = dir->parent ? dir->parent : dir;
            *basep = vn_strdup(".");
            *nodep = dir;
            return 0;
        }
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *q = p + n;
        while (*q == '/')
            q++;
        bool last = !*q;
        VN_AUTOFREE char *comp = vn_strndup(p, n);
        fnode *child;
        if (!strcmp(comp, "."))
            child = dir;
        else if (!strcmp(comp, ".."))
            child = dir->parent ? dir->parent : dir;
        else {
            dent *d = dir_find(dir, comp);
            child = d ? d->node : NULL;
        }
        if (child && S_ISLNK(child->mode) && (!last || follow)) {
            if (++*depth > FAKE_MAX_LINKS) {
                errno = ELOOP;
                return -1;
            }
            fnode *d2, *n2;
            char *b2;
            if (resolve(f, dir, child->data, true, depth, &d2, &b2, &n2) < 0)
                return -1;
            if (last) {
                *dirp = d2;
                *basep = b2;
                *nodep = n2;
                return 0;
            }
            free(b2);
            if (!n2) {
                errno = ENOENT;
                return -1;
            }
            child = n2;
        }
        if (last) {
            *dirp = dir;
            *basep = VN_STEAL(comp);
            *nodep = child;
            return 0;
        }
        if (!child) {
            errno = ENOENT;
            return -1;
        }
        if (!S_ISDIR(child->mode)) {
            errno = ENOTDIR;
            return -1;
        }
        dir = child;
        p = q;
    }
}

static fslot *slot_of(vn_fake *f, int fd)
{
    size_t i = (size_t)fd - FAKE_FD_BASE;
    if (fd < FAKE_FD_BASE || i >= f->nslots || !f->slots[i].used) {
        errno = EBADF;
        return NULL;
    }
    return &f->slots[i];
}

/* The directory a *at call starts from. */
static fnode *dir_of_fd(vn_fake *f, int dirfd)
{
    if (dirfd == AT_FDCWD)
        return f->root;
    fslot *s = slot_of(f, dirfd);
    if (!s)
        return NULL;
    if (!S_ISDIR(s->node->mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    return s->node;
}

/* The absolute path a call names, for the log and faults. */
static char *call_path(vn_fake *f, int dirfd, const char *path)
{
    if (!path)
        return NULL;
    if (f->under) {
        if (path[0] == '/' || dirfd == AT_FDCWD)
            return vn_strdup(path);
        const char *d = (size_t)dirfd < f->nfdpath && f->fdpath[dirfd] ? f->fdpath[dirfd] : "?";
        return !strcmp(path, ".") ? vn_strdup(d) : vn_asprintf("%s/%s", d, path);
    }
    if (path[0] == '/')
        return vn_strdup(path);
    vn_buf b = {0};
    if (dirfd == AT_FDCWD) {
        vn_buf_add(&b, "/");
    } else {
        fslot *s = slot_of(f, dirfd);
        vn_buf_add(&b, s && s->path ? s->path : "?");
    }
    if (strcmp(path, ".")) {
        if (b.s[b.len - 1] != '/')
            vn_buf_addc(&b, '/');
        vn_buf_add(&b, path);
    }
    return vn_buf_steal(&b);
}

static const char *fd_path(vn_fake *f, int fd)
{
    if (f->under)
        return fd >= 0 && (size_t)fd < f->nfdpath ? f->fdpath[fd] : NULL;
    size_t i = (size_t)fd - FAKE_FD_BASE;
    return fd >= FAKE_FD_BASE && i < f->nslots && f->slots[i].used ? f->slots[i].path : NULL;
}

static void set_fdpath(vn_fake *f, int fd, const char *path)
{
    if (fd < 0)
        return;
    if ((size_t)fd >= f->nfdpath) {
        size_t n = (size_t)fd + 16;
        f->fdpath = vn_reallocarray(f->fdpath, n, sizeof(char *));
        memset(f->fdpath + f->nfdpath, 0, (n - f->nfdpath) * sizeof(char *));
        f->nfdpath = n;
    }
    free(f->fdpath[fd]);
    f->fdpath[fd] = path ? vn_strdup(path) : NULL;
}

static void fill_stat(const fnode *n, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = 1;
    st->st_ino = n->ino;
    st->st_mode = n->mode;
    st->st_nlink = n->nlink;
    st->st_size = n->has_size ? n->size : S_ISDIR(n->mode) ? 4096 : (off_t)n->len;
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)((n->len + 511) / 512);
}

/* ---- files: in memory ----------------------------------------------- */

static int m_openat(vn_fake *f, int dirfd, const char *path, int flags, mode_t mode,
                    const char *logpath)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    bool excl = (flags & O_CREAT) && (flags & O_EXCL);
    bool follow = !(flags & O_NOFOLLOW) && !excl;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (resolve(f, start, path, follow, &depth, &dir, &base, &n) < 0)
        return -1;
    if (n && excl) {
        errno = EEXIST;
        return -1;
    }
    if (n && S_ISLNK(n->mode) && (flags & O_DIRECTORY)) {   /* as Linux: before ELOOP */
        errno = ENOTDIR;
        return -1;
    }
    if (n && S_ISLNK(n->mode) && !(flags & O_PATH)) {
        errno = ELOOP;
        return -1;
    }
    if (!n) {
        if (!(flags & O_CREAT)) {
            errno = ENOENT;
            return -1;
        }
        if (flags & O_DIRECTORY) {
            errno = EINVAL;
            return -1;
        }
        n = node_new(f, S_IFREG | (mode & 07777 & ~f->umask));
        dir_add(dir, base, n);
    }
    int acc = flags & O_ACCMODE;
    if ((flags & O_DIRECTORY) && !S_ISDIR(n->mode)) {
        errno = ENOTDIR;
        return -1;
    }
    if (!(flags & O_PATH)) {
        if (S_ISDIR(n->mode) && acc != O_RDONLY) {
            errno = EISDIR;
            return -1;
        }
        if (S_ISFIFO(n->mode)) {
            if (!(flags & O_NONBLOCK)) {   /* would wait for the other end */
                f->blocked++;
                errno = EDEADLK;
                return -1;
            }
            if (acc == O_WRONLY) {
                errno = ENXIO;
                return -1;
            }
        }
        if (S_ISSOCK(n->mode)) {
            errno = ENXIO;
            return -1;
        }
        if (S_ISREG(n->mode) && (flags & O_TRUNC) && acc != O_RDONLY) {
            free(n->data);
            n->data = NULL;
            n->len = 0;
            n->has_size = false;
        }
    }
    size_t i = 0;
    while (i < f->nslots && f->slots[i].used)
        i++;
    if (i == f->nslots)
        VN_APPEND(f->slots, f->nslots);
    f->slots[i] = (fslot){.used = true, .node = n, .flags = flags,
                          .path = S_ISDIR(n->mode) ? path_in(f, n, NULL) : vn_strdup(logpath)};
    return FAKE_FD_BASE + (int)i;
}

static ssize_t m_read(vn_fake *f, int fd, void *buf, size_t len)
{
    fslot *s = slot_of(f, fd);
    if (!s)
        return -1;
    fnode *n = s->node;
    if ((s->flags & O_PATH) || (s->flags & O_ACCMODE) == O_WRONLY) {
        errno = EBADF;
        return -1;
    }
    if (S_ISDIR(n->mode)) {
        errno = EISDIR;
        return -1;
    }
    if (S_ISFIFO(n->mode)) {
        if (!(s->flags & O_NONBLOCK))
            f->blocked++;
        errno = s->flags & O_NONBLOCK ? EAGAIN : EDEADLK;
        return -1;
    }
    if (S_ISCHR(n->mode)) {   /* /dev/zero */
        memset(buf, 0, len);
        return (ssize_t)len;
    }
    if ((size_t)s->off >= n->len)
        return 0;
    size_t k = n->len - (size_t)s->off;
    if (k > len)
        k = len;
    memcpy(buf, n->data + s->off, k);
    s->off += (off_t)k;
    return (ssize_t)k;
}

static ssize_t m_write(vn_fake *f, int fd, const void *buf, size_t len)
{
    fslot *s = slot_of(f, fd);
    if (!s)
        return -1;
    fnode *n = s->node;
    if ((s->flags & O_PATH) || (s->flags & O_ACCMODE) == O_RDONLY) {
        errno = EBADF;
        return -1;
    }
    if (S_ISCHR(n->mode))
        return (ssize_t)len;
    if (!S_ISREG(n->mode)) {
        errno = EINVAL;
        return -1;
    }
    if (s->flags & O_APPEND)
        s->off = (off_t)n->len;
    size_t end = (size_t)s->off + len;
    if (end > n->len) {
        n->data = vn_realloc(n->data, end);
        memset(n->data + n->len, 0, end - n->len);
        n->len = end;
    }
    memcpy(n->data + s->off, buf, len);
    s->off = (off_t)end;
    return (ssize_t)len;
}

static int m_close(vn_fake *f, int fd)
{
    fslot *s = slot_of(f, fd);
    if (!s)
        return -1;
    free(s->path);
    *s = (fslot){0};
    return 0;
}

static int m_flock(vn_fake *f, int fd, int op)
{
    fslot *s = slot_of(f, fd);
    if (!s)
        return -1;
    int want = op & ~LOCK_NB;
    if (want == LOCK_UN) {
        s->lock = 0;
        return 0;
    }
    if (want != LOCK_SH && want != LOCK_EX) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < f->nslots; i++) {
        fslot *o = &f->slots[i];
        if (o == s || !o->used || o->node != s->node || !o->lock)
            continue;
        if (want == LOCK_EX || o->lock == LOCK_EX) {
            if (!(op & LOCK_NB))
                f->blocked++;
            errno = op & LOCK_NB ? EWOULDBLOCK : EDEADLK;
            return -1;
        }
    }
    s->lock = want;
    return 0;
}

static int m_fstatat(vn_fake *f, int dirfd, const char *path, struct stat *st, int flags)
{
    if ((flags & AT_EMPTY_PATH) && !*path) {
        fslot *s = slot_of(f, dirfd);
        if (!s)
            return -1;
        fill_stat(s->node, st);
        return 0;
    }
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (resolve(f, start, path, !(flags & AT_SYMLINK_NOFOLLOW), &depth, &dir, &base, &n) < 0)
        return -1;
    if (!n) {
        errno = ENOENT;
        return -1;
    }
    fill_stat(n, st);
    return 0;
}

static bool dot(const char *base)
{
    return !strcmp(base, ".") || !strcmp(base, "..");
}

static int m_unlinkat(vn_fake *f, int dirfd, const char *path, int flags)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (resolve(f, start, path, false, &depth, &dir, &base, &n) < 0)
        return -1;
    if (!n) {
        errno = ENOENT;
        return -1;
    }
    if (dot(base)) {
        errno = EINVAL;
        return -1;
    }
    if (flags & AT_REMOVEDIR) {
        if (!S_ISDIR(n->mode)) {
            errno = ENOTDIR;
            return -1;
        }
        if (n->nkids) {
            errno = ENOTEMPTY;
            return -1;
        }
    } else if (S_ISDIR(n->mode)) {
        errno = EISDIR;
        return -1;
    }
    dir_del(dir, base);
    return 0;
}

static int m_mkdirat(vn_fake *f, int dirfd, const char *path, mode_t mode)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (resolve(f, start, path, false, &depth, &dir, &base, &n) < 0)
        return -1;
    if (n) {
        errno = EEXIST;
        return -1;
    }
    n = node_new(f, S_IFDIR | (mode & 07777 & ~f->umask));
    n->nlink = 1;   /* its "." */
    dir_add(dir, base, n);
    return 0;
}

static bool is_under(const fnode *dir, const fnode *n)
{
    for (const fnode *d = dir; d; d = d->parent == d ? NULL : d->parent)
        if (d == n)
            return true;
    return false;
}

static int m_renameat(vn_fake *f, int odirfd, const char *opath, int ndirfd, const char *npath)
{
    fnode *os = dir_of_fd(f, odirfd), *ns = dir_of_fd(f, ndirfd);
    if (!os || !ns)
        return -1;
    fnode *odir, *on, *ndir, *nn;
    int depth = 0;
    VN_AUTOFREE char *obase = NULL;
    VN_AUTOFREE char *nbase = NULL;
    if (resolve(f, os, opath, false, &depth, &odir, &obase, &on) < 0)
        return -1;
    depth = 0;
    if (resolve(f, ns, npath, false, &depth, &ndir, &nbase, &nn) < 0)
        return -1;
    if (!on) {
        errno = ENOENT;
        return -1;
    }
    if (dot(obase) || dot(nbase)) {
        errno = EINVAL;
        return -1;
    }
    if (on == nn)
        return 0;
    if (S_ISDIR(on->mode) && is_under(ndir, on)) {
        errno = EINVAL;
        return -1;
    }
    if (nn) {
        if (S_ISDIR(on->mode) && !S_ISDIR(nn->mode)) {
            errno = ENOTDIR;
            return -1;
        }
        if (!S_ISDIR(on->mode) && S_ISDIR(nn->mode)) {
            errno = EISDIR;
            return -1;
        }
        if (S_ISDIR(nn->mode) && nn->nkids) {
            errno = ENOTEMPTY;
            return -1;
        }
        dir_del(ndir, nbase);
    }
    dir_del(odir, obase);
    dir_add(ndir, nbase, on);
    return 0;
}

/* RENAME_EXCHANGE: both names exist; they swap their nodes. */
static int m_exchangeat(vn_fake *f, int odirfd, const char *opath, int ndirfd,
                        const char *npath)
{
    fnode *os = dir_of_fd(f, odirfd), *ns = dir_of_fd(f, ndirfd);
    if (!os || !ns)
        return -1;
    fnode *odir, *on, *ndir, *nn;
    int depth = 0;
    VN_AUTOFREE char *obase = NULL;
    VN_AUTOFREE char *nbase = NULL;
    if (resolve(f, os, opath, false, &depth, &odir, &obase, &on) < 0)
        return -1;
    depth = 0;
    if (resolve(f, ns, npath, false, &depth, &ndir, &nbase, &nn) < 0)
        return -1;
    if (!on || !nn) {
        errno = ENOENT;
        return -1;
    }
    if (dot(obase) || dot(nbase) || S_ISDIR(on->mode) || S_ISDIR(nn->mode)) {
        errno = EINVAL;   /* directories: not needed by vnuma, not modelled */
        return -1;
    }
    if (on == nn)
        return 0;
    dir_del(odir, obase);
    dir_del(ndir, nbase);
    dir_add(odir, obase, nn);
    dir_add(ndir, nbase, on);
    return 0;
}

static ssize_t m_readlinkat(vn_fake *f, int dirfd, const char *path, char *buf, size_t len)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (resolve(f, start, path, false, &depth, &dir, &base, &n) < 0)
        return -1;
    if (!n) {
        errno = ENOENT;
        return -1;
    }
    if (!S_ISLNK(n->mode)) {
        errno = EINVAL;
        return -1;
    }
    size_t k = n->len < len ? n->len : len;
    memcpy(buf, n->data, k);
    return (ssize_t)k;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static fake_dir *m_opendirat(vn_fake *f, int dirfd, const char *path)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return NULL;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (resolve(f, start, path, true, &depth, &dir, &base, &n) < 0)
        return NULL;
    if (!n) {
        errno = ENOENT;
        return NULL;
    }
    if (!S_ISDIR(n->mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    fake_dir *d = vn_calloc(1, sizeof(*d));
    d->names = vn_calloc(n->nkids + 1, sizeof(char *));
    for (size_t i = 0; i < n->nkids; i++)
        d->names[d->n++] = vn_strdup(n->kids[i].name);
    qsort(d->names, d->n, sizeof(char *), cmp_str);
    d->path = path_in(f, n, NULL);
    return d;
}

/* ---- the seam's operations ------------------------------------------ */

#define UNDER(f) ((f)->under)

static int x_openat(const vn_os *os, int dirfd, const char *path, int flags, mode_t mode)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_OPENAT, p, NULL))
        return (int)record(f, VN_FAKE_OPENAT, p, NULL, -1);
    int fd = UNDER(f) ? UNDER(f)->openat(UNDER(f), dirfd, path, flags, mode)
                      : m_openat(f, dirfd, path, flags, mode, p);
    if (UNDER(f) && fd >= 0)
        set_fdpath(f, fd, p);
    return (int)record(f, VN_FAKE_OPENAT, p, NULL, fd);
}

static int x_open(const vn_os *os, const char *path, int flags, mode_t mode)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = call_path(f, AT_FDCWD, path);
    if (enter(f, VN_FAKE_OPEN, p, NULL))
        return (int)record(f, VN_FAKE_OPEN, p, NULL, -1);
    int fd = UNDER(f) ? UNDER(f)->open(UNDER(f), path, flags, mode)
                      : m_openat(f, AT_FDCWD, path, flags, mode, p);
    if (UNDER(f) && fd >= 0)
        set_fdpath(f, fd, p);
    return (int)record(f, VN_FAKE_OPEN, p, NULL, fd);
}

static ssize_t x_read(const vn_os *os, int fd, void *buf, size_t n)
{
    vn_fake *f = F(os);
    const char *p = fd_path(f, fd);
    if (enter(f, VN_FAKE_READ, p, NULL))
        return record(f, VN_FAKE_READ, p, NULL, -1);
    ssize_t r = UNDER(f) ? UNDER(f)->read(UNDER(f), fd, buf, n) : m_read(f, fd, buf, n);
    return record(f, VN_FAKE_READ, p, NULL, r);
}

static ssize_t x_write(const vn_os *os, int fd, const void *buf, size_t n)
{
    vn_fake *f = F(os);
    const char *p = fd_path(f, fd);
    if (enter(f, VN_FAKE_WRITE, p, NULL))
        return record(f, VN_FAKE_WRITE, p, NULL, -1);
    ssize_t r = UNDER(f) ? UNDER(f)->write(UNDER(f), fd, buf, n) : m_write(f, fd, buf, n);
    return record(f, VN_FAKE_WRITE, p, NULL, r);
}

static int x_close(const vn_os *os, int fd)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = vn_strdup(fd_path(f, fd));
    if (enter(f, VN_FAKE_CLOSE, p, NULL)) {
        /* as Linux: the descriptor is gone even when close fails */
        int e = errno;
        if (UNDER(f)) {
            UNDER(f)->close(UNDER(f), fd);
            set_fdpath(f, fd, NULL);
        } else {
            m_close(f, fd);
        }
        errno = e;
        return (int)record(f, VN_FAKE_CLOSE, p, NULL, -1);
    }
    int r;
    if (UNDER(f)) {
        r = UNDER(f)->close(UNDER(f), fd);
        set_fdpath(f, fd, NULL);
    } else {
        r = m_close(f, fd);
    }
    return (int)record(f, VN_FAKE_CLOSE, p, NULL, r);
}

static int x_fstat(const vn_os *os, int fd, struct stat *st)
{
    vn_fake *f = F(os);
    const char *p = fd_path(f, fd);
    if (enter(f, VN_FAKE_FSTAT, p, NULL))
        return (int)record(f, VN_FAKE_FSTAT, p, NULL, -1);
    int r;
    if (UNDER(f)) {
        r = UNDER(f)->fstat(UNDER(f), fd, st);
    } else {
        fslot *s = slot_of(f, fd);
        r = s ? (fill_stat(s->node, st), 0) : -1;
    }
    return (int)record(f, VN_FAKE_FSTAT, p, NULL, r);
}

static int x_fstatat(const vn_os *os, int dirfd, const char *path, struct stat *st, int flags)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_FSTATAT, p, NULL))
        return (int)record(f, VN_FAKE_FSTATAT, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->fstatat(UNDER(f), dirfd, path, st, flags)
                     : m_fstatat(f, dirfd, path, st, flags);
    return (int)record(f, VN_FAKE_FSTATAT, p, NULL, r);
}

static int x_fsync(const vn_os *os, int fd)
{
    vn_fake *f = F(os);
    const char *p = fd_path(f, fd);
    if (enter(f, VN_FAKE_FSYNC, p, NULL))
        return (int)record(f, VN_FAKE_FSYNC, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->fsync(UNDER(f), fd) : slot_of(f, fd) ? 0 : -1;
    return (int)record(f, VN_FAKE_FSYNC, p, NULL, r);
}

static int x_fchmod(const vn_os *os, int fd, mode_t mode)
{
    vn_fake *f = F(os);
    const char *p = fd_path(f, fd);
    if (enter(f, VN_FAKE_FCHMOD, p, NULL))
        return (int)record(f, VN_FAKE_FCHMOD, p, NULL, -1);
    int r;
    if (UNDER(f)) {
        r = UNDER(f)->fchmod(UNDER(f), fd, mode);
    } else {
        fslot *s = slot_of(f, fd);
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
    VN_AUTOFREE char *p = call_path(f, odirfd, opath);
    VN_AUTOFREE char *q = call_path(f, ndirfd, npath);
    if (enter(f, VN_FAKE_RENAMEAT, p, q))
        return (int)record(f, VN_FAKE_RENAMEAT, p, q, -1);
    int r = UNDER(f) ? UNDER(f)->renameat(UNDER(f), odirfd, opath, ndirfd, npath)
                     : m_renameat(f, odirfd, opath, ndirfd, npath);
    return (int)record(f, VN_FAKE_RENAMEAT, p, q, r);
}

static int x_exchangeat(const vn_os *os, int odirfd, const char *opath, int ndirfd,
                        const char *npath)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = call_path(f, odirfd, opath);
    VN_AUTOFREE char *q = call_path(f, ndirfd, npath);
    if (enter(f, VN_FAKE_EXCHANGEAT, p, q))
        return (int)record(f, VN_FAKE_EXCHANGEAT, p, q, -1);
    int r = UNDER(f) ? UNDER(f)->exchangeat(UNDER(f), odirfd, opath, ndirfd, npath)
                     : m_exchangeat(f, odirfd, opath, ndirfd, npath);
    return (int)record(f, VN_FAKE_EXCHANGEAT, p, q, r);
}

static int x_unlinkat(const vn_os *os, int dirfd, const char *path, int flags)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_UNLINKAT, p, NULL))
        return (int)record(f, VN_FAKE_UNLINKAT, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->unlinkat(UNDER(f), dirfd, path, flags)
                     : m_unlinkat(f, dirfd, path, flags);
    return (int)record(f, VN_FAKE_UNLINKAT, p, NULL, r);
}

static int x_mkdirat(const vn_os *os, int dirfd, const char *path, mode_t mode)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_MKDIRAT, p, NULL))
        return (int)record(f, VN_FAKE_MKDIRAT, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->mkdirat(UNDER(f), dirfd, path, mode)
                     : m_mkdirat(f, dirfd, path, mode);
    return (int)record(f, VN_FAKE_MKDIRAT, p, NULL, r);
}

static ssize_t x_readlinkat(const vn_os *os, int dirfd, const char *path, char *buf, size_t n)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = call_path(f, dirfd, path);
    if (enter(f, VN_FAKE_READLINKAT, p, NULL))
        return record(f, VN_FAKE_READLINKAT, p, NULL, -1);
    ssize_t r = UNDER(f) ? UNDER(f)->readlinkat(UNDER(f), dirfd, path, buf, n)
                         : m_readlinkat(f, dirfd, path, buf, n);
    return record(f, VN_FAKE_READLINKAT, p, NULL, r);
}

static int x_flock(const vn_os *os, int fd, int op)
{
    vn_fake *f = F(os);
    const char *p = fd_path(f, fd);
    if (enter(f, VN_FAKE_FLOCK, p, NULL))
        return (int)record(f, VN_FAKE_FLOCK, p, NULL, -1);
    int r = UNDER(f) ? UNDER(f)->flock(UNDER(f), fd, op) : m_flock(f, fd, op);
    return (int)record(f, VN_FAKE_FLOCK, p, NULL, r);
}

static vn_os_dir *x_opendirat(const vn_os *os, int dirfd, const char *path)
{
    vn_fake *f = F(os);
    VN_AUTOFREE char *p = call_path(f, dirfd, path);
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
        d = m_opendirat(f, dirfd, path);
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
    f->root = node_new(f, S_IFDIR | 0755);
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

/* ---- building and looking ------------------------------------------- */

/* The directory that will hold path's last component, made as needed;
 * *basep its name there. */
static fnode *parent_made(vn_fake *f, const char *path, char **basep)
{
    if (f->under || path[0] != '/') {
        errno = f->under ? ENOTSUP : EINVAL;
        return NULL;
    }
    fnode *dir = f->root;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *q = p + n;
        while (*q == '/')
            q++;
        if (!n) {
            errno = EINVAL;
            return NULL;
        }
        VN_AUTOFREE char *comp = vn_strndup(p, n);
        if (!*q) {
            *basep = VN_STEAL(comp);
            return dir;
        }
        dent *d = dir_find(dir, comp);
        fnode *child = d ? d->node : NULL;
        if (child && S_ISLNK(child->mode)) {
            fnode *d2, *n2;
            char *b2;
            int depth = 0;
            if (resolve(f, dir, child->data, true, &depth, &d2, &b2, &n2) < 0)
                return NULL;
            free(b2);
            child = n2;
            if (!child) {
                errno = ENOENT;
                return NULL;
            }
        }
        if (!child) {
            child = node_new(f, S_IFDIR | 0755);
            child->nlink = 1;
            dir_add(dir, comp, child);
        }
        if (!S_ISDIR(child->mode)) {
            errno = ENOTDIR;
            return NULL;
        }
        dir = child;
        p = q;
    }
}

static fnode *add_node(vn_fake *f, const char *path, mode_t mode)
{
    VN_AUTOFREE char *base = NULL;
    fnode *dir = parent_made(f, path, &base);
    if (!dir)
        return NULL;
    if (dir_find(dir, base))
        dir_del(dir, base);
    fnode *n = node_new(f, mode);
    if (S_ISDIR(mode))
        n->nlink = 1;
    dir_add(dir, base, n);
    return n;
}

int vn_fake_add_dir(vn_fake *f, const char *path, mode_t mode)
{
    VN_AUTOFREE char *base = NULL;
    fnode *dir = parent_made(f, path, &base);
    if (!dir)
        return -1;
    dent *d = dir_find(dir, base);
    if (d && S_ISDIR(d->node->mode)) {
        d->node->mode = S_IFDIR | (mode & 07777);
        return 0;
    }
    return add_node(f, path, S_IFDIR | (mode & 07777)) ? 0 : -1;
}

int vn_fake_add_filen(vn_fake *f, const char *path, const void *data, size_t len, mode_t mode)
{
    fnode *n = add_node(f, path, S_IFREG | (mode & 07777));
    if (!n)
        return -1;
    n->data = vn_malloc(len);
    memcpy(n->data, data, len);
    n->len = len;
    return 0;
}

int vn_fake_add_file(vn_fake *f, const char *path, const char *text, mode_t mode)
{
    return vn_fake_add_filen(f, path, text, strlen(text), mode);
}

int vn_fake_add_symlink(vn_fake *f, const char *path, const char *target)
{
    fnode *n = add_node(f, path, S_IFLNK | 0777);
    if (!n)
        return -1;
    n->data = vn_strdup(target);
    n->len = strlen(target);
    return 0;
}

int vn_fake_add_special(vn_fake *f, const char *path, mode_t type)
{
    mode_t t = type & S_IFMT;
    if (t != S_IFIFO && t != S_IFCHR && t != S_IFBLK && t != S_IFSOCK) {
        errno = EINVAL;
        return -1;
    }
    return add_node(f, path, t | 0644) ? 0 : -1;
}

static fnode *find(vn_fake *f, const char *path)
{
    if (f->under) {
        errno = ENOTSUP;
        return NULL;
    }
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (resolve(f, f->root, path, false, &depth, &dir, &base, &n) < 0)
        return NULL;
    if (!n)
        errno = ENOENT;
    return n;
}

int vn_fake_add_hardlink(vn_fake *f, const char *existing, const char *path)
{
    fnode *n = find(f, existing);
    if (!n)
        return -1;
    if (S_ISDIR(n->mode)) {
        errno = EPERM;
        return -1;
    }
    VN_AUTOFREE char *base = NULL;
    fnode *dir = parent_made(f, path, &base);
    if (!dir)
        return -1;
    if (dir_find(dir, base)) {
        errno = EEXIST;
        return -1;
    }
    dir_add(dir, base, n);
    return 0;
}

int vn_fake_set_size(vn_fake *f, const char *path, off_t size)
{
    fnode *n = find(f, path);
    if (!n)
        return -1;
    n->has_size = true;
    n->size = size;
    return 0;
}

static void remove_tree(fnode *dir)
{
    while (dir->nkids) {
        dent *d = &dir->kids[dir->nkids - 1];
        if (S_ISDIR(d->node->mode))
            remove_tree(d->node);
        VN_AUTOFREE char *name = vn_strdup(d->name);
        dir_del(dir, name);
    }
}

int vn_fake_remove(vn_fake *f, const char *path)
{
    fnode *n = find(f, path);
    if (!n)
        return -1;
    fnode *dir, *m;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (resolve(f, f->root, path, false, &depth, &dir, &base, &m) < 0 || dot(base)) {
        errno = EINVAL;
        return -1;
    }
    if (S_ISDIR(n->mode))
        remove_tree(n);
    dir_del(dir, base);
    return 0;
}

char *vn_fake_contents(vn_fake *f, const char *path, size_t *len)
{
    fnode *n = find(f, path);
    if (!n || !S_ISREG(n->mode))
        return NULL;
    if (len)
        *len = n->len;
    return vn_strndup(n->data ? n->data : "", n->len);
}

bool vn_fake_lstat(vn_fake *f, const char *path, struct stat *st)
{
    fnode *n = find(f, path);
    if (!n)
        return false;
    fill_stat(n, st);
    return true;
}

char *vn_fake_list(vn_fake *f, const char *path)
{
    fnode *n = find(f, path);
    if (n && S_ISLNK(n->mode)) {
        fnode *dir;
        int depth = 0;
        VN_AUTOFREE char *base = NULL;
        if (resolve(f, f->root, path, true, &depth, &dir, &base, &n) < 0)
            return NULL;
    }
    if (!n || !S_ISDIR(n->mode))
        return NULL;
    VN_AUTOFREE char **names = vn_calloc(n->nkids + 1, sizeof(char *));
    for (size_t i = 0; i < n->nkids; i++)
        names[i] = n->kids[i].name;
    qsort(names, n->nkids, sizeof(char *), cmp_str);
    vn_buf b = {0};
    vn_buf_add(&b, "");
    for (size_t i = 0; i < n->nkids; i++)
        vn_buf_addf(&b, "%s\n", names[i]);
    return vn_buf_steal(&b);
}
