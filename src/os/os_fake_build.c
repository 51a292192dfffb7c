/*
 * os_fake_build.c - building a fake tree for a test (directories, files,
 * links, FIFOs and devices, sizes) and looking at what the code under test
 * left in it.
 */
#include "os/os_fake_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

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
        dent *d = vf_dir_find(dir, comp);
        fnode *child = d ? d->node : NULL;
        if (child && S_ISLNK(child->mode)) {
            fnode *d2, *n2;
            char *b2;
            int depth = 0;
            if (vf_resolve(f, dir, child->data, true, &depth, &d2, &b2, &n2) < 0)
                return NULL;
            free(b2);
            child = n2;
            if (!child) {
                errno = ENOENT;
                return NULL;
            }
        }
        if (!child) {
            child = vf_node_new(f, S_IFDIR | 0755);
            child->nlink = 1;
            vf_dir_add(dir, comp, child);
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
    if (vf_dir_find(dir, base))
        vf_dir_del(dir, base);
    fnode *n = vf_node_new(f, mode);
    if (S_ISDIR(mode))
        n->nlink = 1;
    vf_dir_add(dir, base, n);
    return n;
}

int vn_fake_add_dir(vn_fake *f, const char *path, mode_t mode)
{
    VN_AUTOFREE char *base = NULL;
    fnode *dir = parent_made(f, path, &base);
    if (!dir)
        return -1;
    dent *d = vf_dir_find(dir, base);
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
    if (vf_resolve(f, f->root, path, false, &depth, &dir, &base, &n) < 0)
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
    if (vf_dir_find(dir, base)) {
        errno = EEXIST;
        return -1;
    }
    vf_dir_add(dir, base, n);
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
        vf_dir_del(dir, name);
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
    if (vf_resolve(f, f->root, path, false, &depth, &dir, &base, &m) < 0 || vf_dot(base)) {
        errno = EINVAL;
        return -1;
    }
    if (S_ISDIR(n->mode))
        remove_tree(n);
    vf_dir_del(dir, base);
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
    vf_fill_stat(n, st);
    return true;
}

char *vn_fake_list(vn_fake *f, const char *path)
{
    fnode *n = find(f, path);
    if (n && S_ISLNK(n->mode)) {
        fnode *dir;
        int depth = 0;
        VN_AUTOFREE char *base = NULL;
        if (vf_resolve(f, f->root, path, true, &depth, &dir, &base, &n) < 0)
            return NULL;
    }
    if (!n || !S_ISDIR(n->mode))
        return NULL;
    VN_AUTOFREE char **names = vn_calloc(n->nkids + 1, sizeof(char *));
    for (size_t i = 0; i < n->nkids; i++)
        names[i] = n->kids[i].name;
    qsort(names, n->nkids, sizeof(char *), vf_cmp_str);
    vn_buf b = {0};
    vn_buf_add(&b, "");
    for (size_t i = 0; i < n->nkids; i++)
        vn_buf_addf(&b, "%s\n", names[i]);
    return vn_buf_steal(&b);
}
