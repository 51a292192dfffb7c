/*
 * os_fake_tree.c - the fake's in-memory file tree: nodes, path resolution
 * (symlinks, "..", O_NOFOLLOW), descriptors and the file operations the
 * seam's calls land on (os_fake.c).
 */
#include "os/os_fake_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* ---- the tree -------------------------------------------------------- */

fnode *vf_node_new(vn_fake *f, mode_t mode)
{
    fnode *n = vn_calloc(1, sizeof(*n));
    n->mode = mode;
    n->ino = ++f->next_ino;
    n->all_next = f->all;
    f->all = n;
    return n;
}

dent *vf_dir_find(fnode *dir, const char *name)
{
    for (size_t i = 0; i < dir->nkids; i++)
        if (!strcmp(dir->kids[i].name, name))
            return &dir->kids[i];
    return NULL;
}

void vf_dir_add(fnode *dir, const char *name, fnode *n)
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

void vf_dir_del(fnode *dir, const char *name)
{
    dent *d = vf_dir_find(dir, name);
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
int vf_resolve(vn_fake *f, fnode *start, const char *path, bool follow, int *depth,
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
            dent *d = vf_dir_find(dir, comp);
            child = d ? d->node : NULL;
        }
        if (child && S_ISLNK(child->mode) && (!last || follow)) {
            if (++*depth > FAKE_MAX_LINKS) {
                errno = ELOOP;
                return -1;
            }
            fnode *d2, *n2;
            char *b2;
            if (vf_resolve(f, dir, child->data, true, depth, &d2, &b2, &n2) < 0)
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

fslot *vf_slot_of(vn_fake *f, int fd)
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
    fslot *s = vf_slot_of(f, dirfd);
    if (!s)
        return NULL;
    if (!S_ISDIR(s->node->mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    return s->node;
}

/* The absolute path a call names, for the log and faults. */
char *vf_call_path(vn_fake *f, int dirfd, const char *path)
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
        fslot *s = vf_slot_of(f, dirfd);
        vn_buf_add(&b, s && s->path ? s->path : "?");
    }
    if (strcmp(path, ".")) {
        if (b.s[b.len - 1] != '/')
            vn_buf_addc(&b, '/');
        vn_buf_add(&b, path);
    }
    return vn_buf_steal(&b);
}

const char *vf_fd_path(vn_fake *f, int fd)
{
    if (f->under)
        return fd >= 0 && (size_t)fd < f->nfdpath ? f->fdpath[fd] : NULL;
    size_t i = (size_t)fd - FAKE_FD_BASE;
    return fd >= FAKE_FD_BASE && i < f->nslots && f->slots[i].used ? f->slots[i].path : NULL;
}

void vf_set_fdpath(vn_fake *f, int fd, const char *path)
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

void vf_fill_stat(const fnode *n, struct stat *st)
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

int vf_m_openat(vn_fake *f, int dirfd, const char *path, int flags, mode_t mode,
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
    if (vf_resolve(f, start, path, follow, &depth, &dir, &base, &n) < 0)
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
        n = vf_node_new(f, S_IFREG | (mode & 07777 & ~f->umask));
        vf_dir_add(dir, base, n);
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

ssize_t vf_m_read(vn_fake *f, int fd, void *buf, size_t len)
{
    fslot *s = vf_slot_of(f, fd);
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

ssize_t vf_m_write(vn_fake *f, int fd, const void *buf, size_t len)
{
    fslot *s = vf_slot_of(f, fd);
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

int vf_m_close(vn_fake *f, int fd)
{
    fslot *s = vf_slot_of(f, fd);
    if (!s)
        return -1;
    free(s->path);
    *s = (fslot){0};
    return 0;
}

int vf_m_flock(vn_fake *f, int fd, int op)
{
    fslot *s = vf_slot_of(f, fd);
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

int vf_m_fstatat(vn_fake *f, int dirfd, const char *path, struct stat *st, int flags)
{
    if ((flags & AT_EMPTY_PATH) && !*path) {
        fslot *s = vf_slot_of(f, dirfd);
        if (!s)
            return -1;
        vf_fill_stat(s->node, st);
        return 0;
    }
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (vf_resolve(f, start, path, !(flags & AT_SYMLINK_NOFOLLOW), &depth, &dir, &base, &n) < 0)
        return -1;
    if (!n) {
        errno = ENOENT;
        return -1;
    }
    vf_fill_stat(n, st);
    return 0;
}

bool vf_dot(const char *base)
{
    return !strcmp(base, ".") || !strcmp(base, "..");
}

int vf_m_unlinkat(vn_fake *f, int dirfd, const char *path, int flags)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (vf_resolve(f, start, path, false, &depth, &dir, &base, &n) < 0)
        return -1;
    if (!n) {
        errno = ENOENT;
        return -1;
    }
    if (vf_dot(base)) {
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
    vf_dir_del(dir, base);
    return 0;
}

int vf_m_mkdirat(vn_fake *f, int dirfd, const char *path, mode_t mode)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (vf_resolve(f, start, path, false, &depth, &dir, &base, &n) < 0)
        return -1;
    if (n) {
        errno = EEXIST;
        return -1;
    }
    n = vf_node_new(f, S_IFDIR | (mode & 07777 & ~f->umask));
    n->nlink = 1;   /* its "." */
    vf_dir_add(dir, base, n);
    return 0;
}

static bool is_under(const fnode *dir, const fnode *n)
{
    for (const fnode *d = dir; d; d = d->parent == d ? NULL : d->parent)
        if (d == n)
            return true;
    return false;
}

int vf_m_renameat(vn_fake *f, int odirfd, const char *opath, int ndirfd, const char *npath)
{
    fnode *os = dir_of_fd(f, odirfd), *ns = dir_of_fd(f, ndirfd);
    if (!os || !ns)
        return -1;
    fnode *odir, *on, *ndir, *nn;
    int depth = 0;
    VN_AUTOFREE char *obase = NULL;
    VN_AUTOFREE char *nbase = NULL;
    if (vf_resolve(f, os, opath, false, &depth, &odir, &obase, &on) < 0)
        return -1;
    depth = 0;
    if (vf_resolve(f, ns, npath, false, &depth, &ndir, &nbase, &nn) < 0)
        return -1;
    if (!on) {
        errno = ENOENT;
        return -1;
    }
    if (vf_dot(obase) || vf_dot(nbase)) {
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
        vf_dir_del(ndir, nbase);
    }
    vf_dir_del(odir, obase);
    vf_dir_add(ndir, nbase, on);
    return 0;
}

/* RENAME_EXCHANGE: both names exist; they swap their nodes. */
int vf_m_exchangeat(vn_fake *f, int odirfd, const char *opath, int ndirfd, const char *npath)
{
    fnode *os = dir_of_fd(f, odirfd), *ns = dir_of_fd(f, ndirfd);
    if (!os || !ns)
        return -1;
    fnode *odir, *on, *ndir, *nn;
    int depth = 0;
    VN_AUTOFREE char *obase = NULL;
    VN_AUTOFREE char *nbase = NULL;
    if (vf_resolve(f, os, opath, false, &depth, &odir, &obase, &on) < 0)
        return -1;
    depth = 0;
    if (vf_resolve(f, ns, npath, false, &depth, &ndir, &nbase, &nn) < 0)
        return -1;
    if (!on || !nn) {
        errno = ENOENT;
        return -1;
    }
    if (vf_dot(obase) || vf_dot(nbase) || S_ISDIR(on->mode) || S_ISDIR(nn->mode)) {
        errno = EINVAL;   /* directories: not needed by vnuma, not modelled */
        return -1;
    }
    if (on == nn)
        return 0;
    vf_dir_del(odir, obase);
    vf_dir_del(ndir, nbase);
    vf_dir_add(odir, obase, nn);
    vf_dir_add(ndir, nbase, on);
    return 0;
}

ssize_t vf_m_readlinkat(vn_fake *f, int dirfd, const char *path, char *buf, size_t len)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return -1;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (vf_resolve(f, start, path, false, &depth, &dir, &base, &n) < 0)
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

int vf_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

fake_dir *vf_m_opendirat(vn_fake *f, int dirfd, const char *path)
{
    fnode *start = dir_of_fd(f, dirfd);
    if (!start)
        return NULL;
    fnode *dir, *n;
    int depth = 0;
    VN_AUTOFREE char *base = NULL;
    if (vf_resolve(f, start, path, true, &depth, &dir, &base, &n) < 0)
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
    qsort(d->names, d->n, sizeof(char *), vf_cmp_str);
    d->path = path_in(f, n, NULL);
    return d;
}

