/*
 * fileio.h - file helpers on top of the seam (os.h): what the library's
 * readers and the ledger need, written once, every call through a vn_os.
 *
 *   - vn_file_read: a whole file into a vn_buf, with a size cap, refusing
 *     what is not a regular file ("'/x' is a FIFO, not a regular file").
 *     It opens with O_NONBLOCK and checks with fstat before reading, so a
 *     FIFO never blocks and /dev/zero is never read.  st_size is not
 *     trusted (sysfs files report 4096 whatever they hold): it reads to
 *     EOF and stops one byte past the cap;
 *   - vn_file_read_chunks: the same, a chunk at a time (for a document
 *     parsed as it streams in, never held whole);
 *   - vn_fd_read_capped: any descriptor (standard input, a pipe) to EOF
 *     with a cap;
 *   - vn_fd_write_all: every byte, through short writes and EINTR;
 *   - vn_path_resolve: realpath(3) done through the seam, ending with the
 *     directory that holds the file open, so that what follows acts on
 *     that directory (openat, renameat) and not on a path that can change
 *     under it; missing directories can be made on the way (mkdir -p).
 */
#ifndef VN_FILEIO_H
#define VN_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "base/util.h"
#include "os/os.h"

/* What a file type is, for messages: "a FIFO", "a directory",
 * "a character device", "a block device", "a socket", "a symbolic link",
 * "a regular file". */
const char *vn_file_kind(mode_t mode);

/* Read fd to its end into b, stopping once b holds more than cap bytes
 * (b->len > cap then tells an input over the limit, read no further).
 * EINTR is retried.  0, or the errno of the failed read. */
int vn_fd_read_capped(const vn_os *os, int fd, vn_buf *b, size_t cap);

/* Write all n bytes (short writes and EINTR retried).  0, or -1 with
 * errno set (a write that returns 0 counts as ENOSPC). */
int vn_fd_write_all(const vn_os *os, int fd, const void *buf, size_t n);

typedef struct vn_file_opts {
    const char *name;       /* the file in messages (NULL: the path) */
    const char *what;       /* put before the quoted name in refusals
                               ("ledger "; NULL: nothing) */
    size_t max_bytes;       /* larger is refused (0: no limit) */
    bool missing_ok;        /* ENOENT/ENOTDIR: return VN_FILE_MISSING */
    bool nofollow;          /* a symbolic link is not followed (ELOOP) */
    int code;               /* VNUMA_ERR_* of a failed open or read
                               (0: VNUMA_ERR_SYSTEM) */
    int refuse_code;        /* ... of a refusal: not a regular file, too
                               large (0: VNUMA_ERR_INVALID) */
    const char *open_fail;  /* text of a failed open, ": strerror" added
                               (NULL: "cannot open 'NAME'") */
    const char *read_fail;  /* ... of a failed read (NULL: open_fail, or
                               "cannot read 'NAME'") */
    struct stat *st;        /* out (may be NULL): the file's fstat */
} vn_file_opts;

#define VN_FILE_MISSING 1

/* Read path (relative to dirfd: AT_FDCWD or a directory) whole into out,
 * NUL-terminated (out->s NULL for an empty file).  0, VN_FILE_MISSING
 * (missing_ok, nothing read), or -1 with err set:
 *   open/read failure: "<open_fail>: strerror", code;
 *   not a regular file: "<what>'NAME' is a FIFO, not a regular file";
 *   over the cap: "<what>'NAME' is larger than the limit of N bytes". */
int vn_file_read_at(const vn_os *os, int dirfd, const char *path, const vn_file_opts *o,
                    vn_buf *out, vn_error *err);
int vn_file_read(const vn_os *os, const char *path, const vn_file_opts *o, vn_buf *out,
                 vn_error *err);

/* Read path as vn_file_read does (a regular file, the same refusals and
 * cap), but a chunk at a time: fn gets each chunk as it is read (return
 * -1 to stop, with the caller's own error set), nothing is kept.  0 at
 * the end of the file, VN_FILE_MISSING (missing_ok), or -1. */
typedef int vn_file_chunk_fn(void *arg, const char *data, size_t n);
int vn_file_read_chunks(const vn_os *os, const char *path, const vn_file_opts *o,
                        vn_file_chunk_fn *fn, void *arg, vn_error *err);

/* Whether path is a directory (symbolic links followed). */
bool vn_file_is_dir(const vn_os *os, const char *path);

/* Where a path leads, as realpath(3) finds it: each symbolic link
 * followed (40 at most), "." and ".." folded. */
typedef struct vn_resolved {
    const vn_os *os;    /* the seam it was resolved through */
    int dirfd;          /* the directory holding the final file, open
                           (O_RDONLY | O_DIRECTORY) */
    char *dir;          /* its path, as resolved (relative paths stay
                           relative to the working directory) */
    char *base;         /* the final file's name in it */
    char *path;         /* dir/base, for messages */
    bool exists;        /* base is there (st: its lstat) */
    bool via_link;      /* the last component was a symbolic link */
    unsigned links;     /* symbolic links followed on the way */
    struct stat st;
} vn_resolved;

/* Resolve path.  The final file may be missing, except at the end of a
 * symbolic link (a dangling link is refused: nothing is created through
 * a link).  With make_dirs, directories missing on the way are made, mode
 * 0755 (not at the end of a link either); each is made with mkdirat, which
 * never follows a link, and then opened O_NOFOLLOW, so a link planted in
 * between is refused, not followed.  0, or -1 with err set naming the
 * component.  Clear the result with vn_resolved_clear. */
int vn_path_resolve(const vn_os *os, const char *path, bool make_dirs, vn_resolved *out,
                    vn_error *err);
void vn_resolved_clear(vn_resolved *r);
VN_DEFINE_AUTOCLEAR(vn_resolved, vn_resolved_clear)

#endif
