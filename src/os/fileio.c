/*
 * fileio.c - file helpers on top of the seam.  See fileio.h.
 */
#include "os/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINKS 40   /* as the kernel's MAXSYMLINKS */

const char *vn_file_kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    case S_IFLNK: return "a symbolic link";
    default: return "a special file";
    }
}

int vn_fd_read_capped(const vn_os *os, int fd, vn_buf *b, size_t cap)
{
    char chunk[16384];
    while (b->len <= cap) {
        size_t room = cap - b->len;   /* read one byte past the cap at most */
        size_t want = room < sizeof(chunk) ? room + 1 : sizeof(chunk);
        ssize_t r = os->read(os, fd, chunk, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno ? errno : EIO;
        if (r == 0)
            break;
        vn_buf_addn(b, chunk, (size_t)r);
    }
    return 0;
}

int vn_fd_write_all(const vn_os *os, int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = os->write(os, fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) {
            errno = ENOSPC;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Open path as vn_file_read_at reads it: a regular file, else refused.
 * 0 with *fdp set, VN_FILE_MISSING, or -1 with err set. */
static int open_regular(const vn_os *os, int dirfd, const char *path, const vn_file_opts *o,
                        int *fdp, vn_error *err)
{
    const char *name = o->name ? o->name : path;
    const char *what = o->what ? o->what : "";
    int code = o->code ? o->code : VNUMA_ERR_SYSTEM;
    int refuse = o->refuse_code ? o->refuse_code : VNUMA_ERR_INVALID;
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (o->nofollow ? O_NOFOLLOW : 0);
    VN_AUTOFD int fd = os->openat(os, dirfd, path, flags, 0);
    if (fd < 0) {
        int e = errno;
        if (o->missing_ok && (e == ENOENT || e == ENOTDIR))
            return VN_FILE_MISSING;
        if (o->open_fail)
            vn_error_sys(err, code, e, "%s", o->open_fail);
        else
            vn_error_sys(err, code, e, "cannot open '%s'", name);
        return -1;
    }
    struct stat st;
    if (os->fstat(os, fd, &st) < 0) {
        int e = errno;
        if (o->read_fail || o->open_fail)
            vn_error_sys(err, code, e, "%s", o->read_fail ? o->read_fail : o->open_fail);
        else
            vn_error_sys(err, code, e, "cannot read '%s'", name);
        return -1;
    }
    if (o->st)
        *o->st = st;
    if (!S_ISREG(st.st_mode)) {
        vn_error_set(err, refuse, "%s'%s' is %s, not a regular file", what, name,
                     vn_file_kind(st.st_mode));
        return -1;
    }
    *fdp = fd;
    fd = -1;
    return 0;
}

int vn_file_read_chunks(const vn_os *os, const char *path, const vn_file_opts *o,
                        vn_file_chunk_fn *fn, void *arg, vn_error *err)
{
    static const vn_file_opts none = {0};
    if (!o)
        o = &none;
    VN_AUTOFD int fd = -1;
    int r = open_regular(os, AT_FDCWD, path, o, &fd, err);
    if (r)
        return r;
    const char *name = o->name ? o->name : path;
    int code = o->code ? o->code : VNUMA_ERR_SYSTEM;
    size_t cap = o->max_bytes ? o->max_bytes : SIZE_MAX;
    size_t total = 0;
    char chunk[65536];
    for (;;) {
        ssize_t n = os->read(os, fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno ? errno : EIO;
            if (o->read_fail || o->open_fail)
                vn_error_sys(err, code, e, "%s", o->read_fail ? o->read_fail : o->open_fail);
            else
                vn_error_sys(err, code, e, "cannot read '%s'", name);
            return -1;
        }
        if (n == 0)
            return 0;
        if ((size_t)n > cap - total) {
            vn_error_set(err, o->refuse_code ? o->refuse_code : VNUMA_ERR_INVALID,
                         "%s'%s' is larger than the limit of %zu bytes",
                         o->what ? o->what : "", name, cap);
            return -1;
        }
        total += (size_t)n;
        if (fn(arg, chunk, (size_t)n) < 0)
            return -1;
    }
}

int vn_file_read_at(const vn_os *os, int dirfd, const char *path, const vn_file_opts *o,
                    vn_buf *out, vn_error *err)
{
    static const vn_file_opts none = {0};
    if (!o)
        o = &none;
    const char *name = o->name ? o->name : path;
    const char *what = o->what ? o->what : "";
    int code = o->code ? o->code : VNUMA_ERR_SYSTEM;
    int refuse = o->refuse_code ? o->refuse_code : VNUMA_ERR_INVALID;
    size_t cap = o->max_bytes ? o->max_bytes : SIZE_MAX - 1;
    /* O_NONBLOCK (open_regular): opening a FIFO must not wait for a
     * writer (it is refused); it changes nothing for a regular file */
    VN_AUTOFD int fd = -1;
    int opened = open_regular(os, dirfd, path, o, &fd, err);
    if (opened)
        return opened;
    /* st_size is not trusted (sysfs says 4096 for every file): read to
     * the end, one byte past the cap at most */
    int r = vn_fd_read_capped(os, fd, out, cap);
    if (r) {
        if (o->read_fail || o->open_fail)
            vn_error_sys(err, code, r, "%s", o->read_fail ? o->read_fail : o->open_fail);
        else
            vn_error_sys(err, code, r, "cannot read '%s'", name);
        vn_buf_free(out);
        return -1;
    }
    if (out->len > cap) {
        vn_error_set(err, refuse, "%s'%s' is larger than the limit of %zu bytes", what, name,
                     cap);
        vn_buf_free(out);
        return -1;
    }
    return 0;
}

int vn_file_read(const vn_os *os, const char *path, const vn_file_opts *o, vn_buf *out,
                 vn_error *err)
{
    return vn_file_read_at(os, AT_FDCWD, path, o, out, err);
}

bool vn_file_is_dir(const vn_os *os, const char *path)
{
    struct stat st;
    return os->fstatat(os, AT_FDCWD, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

/* ---- path resolution ------------------------------------------------ */

typedef struct walk {
    const vn_os *os;
    int dirfd;          /* where we are (AT_FDCWD at the start of a relative path) */
    vn_buf real;        /* its path: "" (the working directory), "/", "a/b", "../a" */
    char *rest;         /* what remains to walk, from pos */
    size_t pos;
    size_t link_end;    /* rest[..link_end) came from a link's target */
    unsigned links;
    char *link, *target;  /* the last link followed, and what it holds */
    vn_error *err;
} walk;

static void walk_clear(walk *w)
{
    if (w->dirfd >= 0)
        w->os->close(w->os, w->dirfd);
    w->dirfd = -1;
    vn_buf_free(&w->real);
    free(w->rest);
    free(w->link);
    free(w->target);
}

/* real/comp, as text. */
static char *joined(const vn_buf *real, const char *comp)
{
    if (!real->len)
        return vn_strdup(comp);
    return vn_asprintf("%s%s%s", real->s, real->s[real->len - 1] == '/' ? "" : "/", comp);
}

static void real_push(vn_buf *real, const char *comp)
{
    if (real->len && real->s[real->len - 1] != '/')
        vn_buf_addc(real, '/');
    vn_buf_add(real, comp);
}

static void real_pop(vn_buf *real)
{
    if (real->len == 1 && real->s[0] == '/')
        return;                                  /* "/.." is "/" */
    const char *slash = real->len ? strrchr(real->s, '/') : NULL;
    const char *last = slash ? slash + 1 : real->s;
    if (!real->len || !strcmp(last, "..")) {     /* above the working directory */
        real_push(real, "..");
        return;
    }
    size_t keep = slash ? (size_t)(slash - real->s) : 0;
    if (slash == real->s)
        keep = 1;                                /* "/a" -> "/" */
    real->len = keep;
    real->s[keep] = '\0';
}

/* Move into dirfd's child (or ".."), opened without following a link. */
static int walk_into(walk *w, const char *comp)
{
    bool up = !strcmp(comp, "..");
    int flags = O_PATH | O_DIRECTORY | O_CLOEXEC | (up ? 0 : O_NOFOLLOW);
    int fd = w->os->openat(w->os, w->dirfd, comp, flags, 0);
    if (fd < 0) {
        int e = errno;
        VN_AUTOFREE char *p = joined(&w->real, comp);
        vn_error_sys(w->err, VNUMA_ERR_SYSTEM, e, "cannot open directory '%s'", p);
        return -1;
    }
    if (w->dirfd >= 0)
        w->os->close(w->os, w->dirfd);
    w->dirfd = fd;
    if (up)
        real_pop(&w->real);
    else
        real_push(&w->real, comp);
    return 0;
}

static int walk_root(walk *w)
{
    int fd = w->os->open(w->os, "/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0) {
        vn_error_sys(w->err, VNUMA_ERR_SYSTEM, errno, "cannot open directory '/'");
        return -1;
    }
    if (w->dirfd >= 0)
        w->os->close(w->os, w->dirfd);
    w->dirfd = fd;
    w->real.len = 0;
    vn_buf_add(&w->real, "/");
    return 0;
}

/* The next component of rest (NULL at the end); *from_link: it came from a
 * link's target; *last: nothing but slashes follows it. */
static char *next_comp(walk *w, bool *from_link, bool *last)
{
    const char *s = w->rest + w->pos;
    while (*s == '/')
        s++;
    if (!*s)
        return NULL;
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    *from_link = (size_t)(s - w->rest) < w->link_end;
    w->pos = (size_t)(s - w->rest) + n;
    const char *t = w->rest + w->pos;
    while (*t == '/')
        t++;
    *last = !*t;
    return vn_strndup(s, n);
}

/* Replace what has been walked of rest by the link's target. */
static int follow_link(walk *w, const char *comp)
{
    VN_AUTOFREE char *link = joined(&w->real, comp);
    if (++w->links > MAX_LINKS) {
        vn_error_sys(w->err, VNUMA_ERR_SYSTEM, ELOOP, "cannot resolve '%s'", link);
        return -1;
    }
    char buf[PATH_MAX];
    ssize_t n = w->os->readlinkat(w->os, w->dirfd, comp, buf, sizeof(buf));
    if (n < 0 || (size_t)n >= sizeof(buf)) {
        vn_error_sys(w->err, VNUMA_ERR_SYSTEM, n < 0 ? errno : ENAMETOOLONG,
                     "cannot read symbolic link '%s'", link);
        return -1;
    }
    if (n == 0) {
        vn_error_sys(w->err, VNUMA_ERR_SYSTEM, ENOENT, "cannot resolve '%s'", link);
        return -1;
    }
    free(w->link);
    free(w->target);
    w->link = VN_STEAL(link);
    w->target = vn_strndup(buf, (size_t)n);
    const char *remaining = w->rest + w->pos;
    size_t tl = (size_t)n;
    size_t le = w->link_end > w->pos ? tl + 1 + (w->link_end - w->pos) : tl;
    char *rest = vn_asprintf("%s/%s", w->target, remaining);
    free(w->rest);
    w->rest = rest;
    w->pos = 0;
    w->link_end = le;
    if (w->target[0] == '/')
        return walk_root(w);
    return 0;
}

/* "cannot DO 'real/comp': strerror(e)" */
static int walk_fail(walk *w, int e, const char *doing, const char *comp)
{
    VN_AUTOFREE char *p = joined(&w->real, comp);
    vn_error_sys(w->err, VNUMA_ERR_SYSTEM, e, "cannot %s '%s'", doing, p);
    return -1;
}

int vn_path_resolve(const vn_os *os, const char *path, bool make_dirs, vn_resolved *out,
                    vn_error *err)
{
    *out = (vn_resolved){.dirfd = -1, .os = os};
    walk w = {.os = os, .dirfd = -1, .rest = vn_strdup(path), .err = err};
    vn_buf_add(&w.real, "");
    int rc = -1;
    if (!*path) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, ENOENT, "cannot resolve ''");
        goto out;
    }
    if (path[0] == '/') {
        if (walk_root(&w) < 0)
            goto out;
    } else {
        w.dirfd = AT_FDCWD;
    }
    for (;;) {
        bool from_link = false, last = false;
        VN_AUTOFREE char *comp = next_comp(&w, &from_link, &last);
        if (!comp || ((!strcmp(comp, ".") || !strcmp(comp, "..")) && last)) {
            if (comp && !strcmp(comp, "..") && walk_into(&w, comp) < 0)
                goto out;
            vn_error_sys(err, VNUMA_ERR_SYSTEM, EISDIR, "'%s' names a directory", path);
            goto out;
        }
        if (!strcmp(comp, "."))
            continue;
        if (!strcmp(comp, "..")) {
            if (walk_into(&w, comp) < 0)
                goto out;
            continue;
        }
        struct stat st;
        if (os->fstatat(os, w.dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT) {
                walk_fail(&w, errno, "look up", comp);
                goto out;
            }
            if (from_link) {
                /* nothing is made through a link: it may point anywhere */
                vn_error_set(err, VNUMA_ERR_INVALID, "'%s' is a symbolic link to '%s', "
                             "which does not exist: refused (nothing is created through a "
                             "link)", w.link, w.target);
                goto out;
            }
            if (last) {
                out->base = VN_STEAL(comp);
                break;
            }
            if (!make_dirs) {
                walk_fail(&w, ENOENT, "open directory", comp);
                goto out;
            }
            if (os->mkdirat(os, w.dirfd, comp, 0755) < 0 && errno != EEXIST) {
                walk_fail(&w, errno, "create directory", comp);
                goto out;
            }
            if (walk_into(&w, comp) < 0)   /* O_NOFOLLOW: a link planted since is refused */
                goto out;
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            if (follow_link(&w, comp) < 0)
                goto out;
            if (last)
                out->via_link = true;
            continue;
        }
        if (last) {
            out->exists = true;
            out->st = st;
            out->base = VN_STEAL(comp);
            break;
        }
        if (!S_ISDIR(st.st_mode)) {
            walk_fail(&w, ENOTDIR, "open directory", comp);
            goto out;
        }
        if (walk_into(&w, comp) < 0)
            goto out;
    }
    /* the directory itself, readable (for listing and fsync) */
    out->dirfd = os->openat(os, w.dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (out->dirfd < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot open directory '%s'",
                     w.real.len ? w.real.s : ".");
        goto out;
    }
    out->dir = vn_strdup(w.real.len ? w.real.s : ".");
    out->links = w.links;
    out->path = joined(&w.real, out->base);
    rc = 0;
out:
    if (w.dirfd == AT_FDCWD)
        w.dirfd = -1;
    walk_clear(&w);
    if (rc < 0)
        vn_resolved_clear(out);
    return rc;
}

void vn_resolved_clear(vn_resolved *r)
{
    if (r->dirfd >= 0 && r->os)
        r->os->close(r->os, r->dirfd);
    free(r->dir);
    free(r->base);
    free(r->path);
    *r = (vn_resolved){.dirfd = -1, .os = r->os};
}
