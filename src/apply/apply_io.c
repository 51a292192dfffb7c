/*
 * apply_io.c - the file helpers src/apply uses, every call through the
 * OS seam (os/os.h): whole small files (/proc, cgroup and state files),
 * one-write updates of cgroup files, mkdir -p that records what it made,
 * tree removal, and the step prefix of error messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply/apply_internal.h"
#include "os/os.h"

int vn_ap_slurp(const char *path, size_t cap, char **out)
{
    const vn_os *os = vn_os_current();
    *out = NULL;
    VN_AUTOFD int fd = os->open(os, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    VN_AUTOCLEAR(vn_buf) b = {0};
    char chunk[4096];
    for (;;) {
        ssize_t n = os->read(os, fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        if (b.len + (size_t)n > cap) {
            errno = EFBIG;
            return -1;
        }
        vn_buf_addn(&b, chunk, (size_t)n);
    }
    *out = b.s ? vn_buf_steal(&b) : vn_strdup("");
    return 0;
}

int vn_ap_read(const char *path, char **out, vn_error *err)
{
    if (vn_ap_slurp(path, VN_AP_MAX_FILE, out) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot read %s", path);
        return -1;
    }
    return 0;
}

/* Text for messages: without the trailing newline. */
static int shown_len(const char *text)
{
    size_t n = strlen(text);
    return (int)(n && text[n - 1] == '\n' ? n - 1 : n);
}

int vn_ap_write(const char *path, const char *text, vn_error *err)
{
    const vn_os *os = vn_os_current();
    VN_AUTOFD int fd = os->open(os, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
    size_t n = strlen(text);
    ssize_t w = fd < 0 ? -1 : os->write(os, fd, text, n);
    if (w < 0 || (size_t)w != n) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, w < 0 ? errno : EIO, "cannot write '%.*s' to %s",
                     shown_len(text), text, path);
        return -1;
    }
    return 0;
}

int vn_ap_create(const char *path, const char *text, mode_t mode, vn_error *err)
{
    const vn_os *os = vn_os_current();
    VN_AUTOFD int fd = os->open(os, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                                mode);
    if (fd < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot create %s", path);
        return -1;
    }
    size_t n = strlen(text), done = 0;
    while (done < n) {
        ssize_t w = os->write(os, fd, text + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, w < 0 ? errno : ENOSPC, "cannot write %s", path);
            return -1;
        }
        done += (size_t)w;
    }
    /* No fsync: these files describe running processes, which a crash
     * ends too (the entries are stale then); rename keeps them whole. */
    if (os->close(os, VN_STEAL_FD(fd)) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot write %s", path);
        return -1;
    }
    return 0;
}

bool vn_ap_is_dir(const char *path)
{
    const vn_os *os = vn_os_current();
    struct stat st;
    return os->fstatat(os, AT_FDCWD, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

int vn_ap_mkdir_p(const char *path, mode_t mode, vn_argv *made, vn_error *err)
{
    const vn_os *os = vn_os_current();
    VN_AUTOFREE char *p = vn_strdup(path);
    for (char *s = p + 1;; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        if (os->mkdirat(os, AT_FDCWD, p, mode) == 0) {
            if (made)
                vn_argv_add(made, p);
        } else if (errno != EEXIST || !vn_ap_is_dir(p)) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno == EEXIST ? ENOTDIR : errno,
                         "cannot create directory %s", p);
            return -1;
        }
        if (end)
            return 0;
        *s = '/';
    }
}

int vn_ap_remove_tree(const char *path, vn_error *err)
{
    const vn_os *os = vn_os_current();
    struct stat st;
    if (os->fstatat(os, AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : (vn_error_sys(err, VNUMA_ERR_SYSTEM, errno,
                                                   "cannot remove %s", path), -1);
    if (S_ISDIR(st.st_mode)) {
        vn_os_dir *d = os->opendir(os, path);
        if (!d) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot list %s", path);
            return -1;
        }
        int rc = 0;
        for (const char *n; rc == 0 && (n = os->readdir(os, d));) {
            VN_AUTOFREE char *child = vn_asprintf("%s/%s", path, n);
            rc = vn_ap_remove_tree(child, err);
        }
        os->closedir(os, d);
        if (rc < 0)
            return -1;
    }
    if (os->unlinkat(os, AT_FDCWD, path, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 &&
        errno != ENOENT) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot remove %s", path);
        return -1;
    }
    return 0;
}

int vn_ap_step_failed(vn_error *err, const char *fmt, ...)
{
    if (!err || !err->code)
        return -1;
    char step[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(step, sizeof(step), fmt, ap);
    va_end(ap);
    char text[sizeof(err->msg)];
    size_t at = err->text_at < sizeof(err->msg) ? err->text_at : 0;
    memcpy(text, err->msg + at, sizeof(err->msg) - at);
    text[sizeof(err->msg) - at - 1] = '\0';
    size_t sl = strnlen(step, sizeof(step));
    size_t room = sizeof(err->msg) - at;
    if (sl + 2 >= room)
        return -1;
    memcpy(err->msg + at, step, sl);
    memcpy(err->msg + at + sl, ": ", 2);
    size_t tl = strnlen(text, room - sl - 3);
    memcpy(err->msg + at + sl + 2, text, tl);
    err->msg[at + sl + 2 + tl] = '\0';
    return -1;
}

void vn_ap_log(const vn_apply_opts *o, const char *fmt, ...)
{
    if (!o || !o->verbose)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    o->verbose(o->verbose_opaque, line);
}

void vn_ap_sleep_ms(unsigned ms)
{
    const vn_os *os = vn_os_current();
    os->sleep_ns(os, (uint64_t)ms * 1000000u);
}
