/*
 * host_mounts.c - the hugetlbfs mounts and the memory backing directory,
 * found as libvirt 9.0's QEMU driver finds them (qemu_conf.c,
 * virQEMUDriverConfigNew and virQEMUDriverConfigLoadFile; util/virfile.c,
 * virFileFindHugeTLBFS):
 *
 *  - qemu.conf's hugetlbfs_mount (a string or a list of strings), each
 *    path's page size that of its mount.  libvirt 9.0 calls
 *    virQEMUDriverConfigHugeTLBFSInit(..., deflt = i != 0): every mount but
 *    the first is marked default, so with several the second gives the
 *    default page size (with one, the first, for want of a default);
 *  - without it, every hugetlbfs mount of /proc/mounts, the default being
 *    those whose page size is the kernel's (/proc/meminfo Hugepagesize);
 *  - memory_backing_dir from qemu.conf.
 *
 * libvirt reads a mount's page size with statfs (f_bsize); the kernel also
 * writes it into the mount's options (hugetlbfs_show_options: pagesize=2M),
 * which is what is read here, from the same /proc/mounts line.  Every read
 * goes through the OS seam.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "host/host_internal.h"
#include "model/config.h"
#include "model/host.h"
#include "os/fileio.h"

#define QEMU_CONF "etc/libvirt/qemu.conf"
#define CONF_MAX_BYTES (1024 * 1024)

typedef struct mnt {
    char *dir;
    uint64_t page_kib;      /* 0: the options do not say */
} mnt;

typedef struct mounts {
    mnt *v;
    size_t n;
} mounts;

static void mounts_clear(mounts *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].dir);
    free(m->v);
    m->v = NULL;
    m->n = 0;
}
VN_DEFINE_AUTOCLEAR(mounts, mounts_clear)

char *vn_hs_path_in(const char *root, const char *rel)
{
    const char *sep = rel[0] == '/' ? "" : "/";
    if (!root || !*root || !strcmp(root, "/"))
        return vn_asprintf("%s%s", sep, rel);
    return vn_asprintf("%s%s%s", root, sep, rel);
}

/* Read root/rel; 1 when it is missing. */
static int read_text(const char *root, const char *rel, vn_buf *b, vn_error *err)
{
    VN_AUTOFREE char *p = vn_hs_path_in(root, rel);
    vn_file_opts o = {.max_bytes = CONF_MAX_BYTES, .missing_ok = true, .code = VNUMA_ERR_HOST,
                      .refuse_code = VNUMA_ERR_HOST};
    return vn_file_read(vn_os_current(), p, &o, b, err);
}

/* A /proc/mounts field: octal escapes (\040 for a space) undone. */
static char *unescape(const char *s, size_t n)
{
    char *out = vn_malloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
            s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            *o++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* "pagesize=2M" among the options, in KiB; 0 when absent or unreadable. */
static uint64_t option_pagesize(const char *opts)
{
    for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (strncmp(p, "pagesize=", 9))
            continue;
        const char *v = p + 9;
        size_t digits = strspn(v, "0123456789"), len = strcspn(v, ",");
        if (!digits || len > digits + 3)
            return 0;
        VN_AUTOFREE char *num = vn_strndup(v, digits);
        VN_AUTOFREE char *unit = vn_strndup(v + digits, len - digits);
        uint64_t kib;
        vn_error e = {0};
        if (vn_parse_memory("pagesize", num, *unit ? unit : "b", &kib, &e) < 0)
            return 0;
        return kib;
    }
    return 0;
}

size_t vn_hs_mounts_parse(const char *text, vn_hs_mount **out)
{
    size_t n = 0;
    *out = NULL;
    for (const char *l = text; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        const char *f[4];
        size_t fl[4], nf = 0;
        for (size_t i = 0; i < len && nf < 4;) {
            while (i < len && l[i] == ' ')
                i++;
            size_t s = i;
            while (i < len && l[i] != ' ')
                i++;
            if (i > s) {
                f[nf] = l + s;
                fl[nf++] = i - s;
            }
        }
        if (nf == 4) {
            vn_hs_mount *m = VN_APPEND(*out, n);
            m->dir = unescape(f[1], fl[1]);
            m->type = vn_strndup(f[2], fl[2]);
            m->opts = vn_strndup(f[3], fl[3]);
        }
        l = nl ? nl + 1 : NULL;
    }
    return n;
}

void vn_hs_mounts_free(vn_hs_mount *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].dir);
        free(m[i].type);
        free(m[i].opts);
    }
    free(m);
}

/* The hugetlbfs mounts of /proc/mounts. */
static void parse_mounts(const char *text, mounts *out)
{
    vn_hs_mount *all;
    size_t n = vn_hs_mounts_parse(text, &all);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(all[i].type, "hugetlbfs")) {
            mnt *m = VN_APPEND(out->v, out->n);
            m->dir = VN_STEAL(all[i].dir);
            m->page_kib = option_pagesize(all[i].opts);
        }
    vn_hs_mounts_free(all, n);
}

/* "Hugepagesize:    2048 kB" of /proc/meminfo; 0 when absent. */
static uint64_t default_pagesize(const char *meminfo)
{
    const char *p = meminfo ? strstr(meminfo, "Hugepagesize:") : NULL;
    uint64_t v = 0;
    if (!p)
        return 0;
    for (p += 13; *p == ' ' || *p == '\t'; p++)
        ;
    size_t n = strspn(p, "0123456789");
    VN_AUTOFREE char *num = vn_strndup(p, n);
    return n && vn_parse_u64_dec(num, &v) ? v : 0;
}

/* ---- qemu.conf (virConf: NAME = "string" | [ "a", "b" ] | number) ------ */

typedef struct conf_value {
    bool found, is_list;
    char **items;           /* the string or the list's strings */
    size_t n;
} conf_value;

static void conf_value_clear(conf_value *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->items[i]);
    free(v->items);
    memset(v, 0, sizeof(*v));
}
VN_DEFINE_AUTOCLEAR(conf_value, conf_value_clear)

static const char *skip_blank(const char *p)
{
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (*p != '#')
            return p;
        while (*p && *p != '\n')
            p++;
    }
}

/* A quoted string at p ("..." or '...'); its end, or NULL. */
static const char *conf_string(const char *p, char **out)
{
    char q = *p;
    const char *e = strchr(p + 1, q);
    if ((q != '"' && q != '\'') || !e)
        return NULL;
    *out = vn_strndup(p + 1, (size_t)(e - p - 1));
    return e + 1;
}

/* A value at p; its end, or NULL when malformed.  Numbers and other words
 * are skipped (only strings matter here). */
static const char *conf_value_at(const char *p, conf_value *v)
{
    char *s = NULL;
    if (*p == '[') {
        v->is_list = true;
        for (p = skip_blank(p + 1); *p != ']'; p = skip_blank(p)) {
            if (!(p = conf_string(p, &s)))
                return NULL;
            *(char **)VN_APPEND(v->items, v->n) = s;
            p = skip_blank(p);
            if (*p == ',')
                p = skip_blank(p + 1);
            else if (*p != ']')
                return NULL;
        }
        return p + 1;
    }
    if (*p == '"' || *p == '\'') {
        if (!(p = conf_string(p, &s)))
            return NULL;
        *(char **)VN_APPEND(v->items, v->n) = s;
        return p;
    }
    while (*p && !isspace((unsigned char)*p) && *p != '#')
        p++;
    return p;
}

/* The value of `name` in a qemu.conf text; -1 when the file is malformed
 * (err names it and the line). */
static int conf_get(const char *text, const char *path, const char *name, conf_value *out,
                    vn_error *err)
{
    for (const char *p = skip_blank(text); *p; p = skip_blank(p)) {
        const char *k = p;
        while (*p && (isalnum((unsigned char)*p) || *p == '_'))
            p++;
        size_t klen = (size_t)(p - k);
        p = skip_blank(p);
        conf_value v = {0};
        const char *end = klen && *p == '=' ? conf_value_at(skip_blank(p + 1), &v) : NULL;
        if (!end) {
            unsigned line = 1;
            for (const char *c = text; c < k; c++)
                line += *c == '\n';
            conf_value_clear(&v);
            vn_error_set(err, VNUMA_ERR_HOST, "cannot parse %s, line %u: expected NAME = VALUE",
                         path, line);
            return -1;
        }
        if (klen == strlen(name) && !strncmp(k, name, klen)) {
            conf_value_clear(out);
            *out = v;
            out->found = true;
        } else {
            conf_value_clear(&v);
        }
        p = end;
    }
    return 0;
}

/* ---- putting it together ---------------------------------------------- */

static const mnt *mount_at(const mounts *m, const char *dir)
{
    for (size_t i = m->n; i-- > 0;)     /* the last mount over a path wins */
        if (!strcmp(m->v[i].dir, dir))
            return &m->v[i];
    return NULL;
}

static int from_qemu_conf(vn_config *cfg, const conf_value *v, const mounts *m,
                          uint64_t deflt_kib, const char *conf_path, vn_error *err)
{
    for (size_t i = 0; i < v->n; i++) {
        const mnt *mt = mount_at(m, v->items[i]);
        if (!mt) {
            vn_error_setc(err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                          "not a hugetlbfs mount: '%s' (hugetlbfs_mount in %s)", v->items[i],
                          conf_path);
            return -1;
        }
        vn_config_add_mount_deflt(cfg, mt->dir, mt->page_kib ? mt->page_kib : deflt_kib, i != 0);
    }
    cfg->mounts_source = vn_asprintf("%s (hugetlbfs_mount)", conf_path);
    return 0;
}

int vn_config_discover(vn_config *cfg, const char *root, vn_error *err)
{
    VN_AUTOCLEAR(vn_buf) conf = {0};
    VN_AUTOCLEAR(vn_buf) mtext = {0};
    VN_AUTOCLEAR(vn_buf) meminfo = {0};
    VN_AUTOCLEAR(mounts) m = {0};
    VN_AUTOCLEAR(conf_value) hv = {0};
    VN_AUTOCLEAR(conf_value) bv = {0};
    VN_AUTOFREE char *conf_path = vn_hs_path_in(root, QEMU_CONF);
    VN_AUTOFREE char *mounts_path = vn_hs_path_in(root, "proc/mounts");
    if (read_text(root, QEMU_CONF, &conf, err) < 0 ||
        read_text(root, "proc/mounts", &mtext, err) < 0 ||
        read_text(root, "proc/meminfo", &meminfo, err) < 0)
        return -1;
    if (conf.s && (conf_get(conf.s, conf_path, "hugetlbfs_mount", &hv, err) < 0 ||
                   conf_get(conf.s, conf_path, "memory_backing_dir", &bv, err) < 0))
        return -1;
    parse_mounts(mtext.s, &m);
    uint64_t deflt_kib = default_pagesize(meminfo.s);
    if (!cfg->mounts_source) {
        if (hv.found) {
            if (from_qemu_conf(cfg, &hv, &m, deflt_kib, conf_path, err) < 0)
                return -1;
        } else if (m.n) {
            for (size_t i = 0; i < m.n; i++) {
                uint64_t kib = m.v[i].page_kib ? m.v[i].page_kib : deflt_kib;
                vn_config_add_mount_deflt(cfg, m.v[i].dir, kib, kib == deflt_kib);
            }
            cfg->mounts_source = vn_strdup(mounts_path);
        }
    }
    if (!cfg->backing_dir_source && bv.found && !bv.is_list && bv.n == 1) {
        VN_AUTOFREE char *src = vn_asprintf("%s (memory_backing_dir)", conf_path);
        vn_config_set_backing_dir(cfg, bv.items[0], src);
    }
    return 0;
}

char *vn_config_describe(const vn_config *cfg)
{
    vn_buf b = {0};
    vn_buf_addf(&b, "hugetlbfs mounts (%s):", cfg->mounts_source ? cfg->mounts_source : "none found");
    const vn_hugetlbfs *d = vn_config_default_mount(cfg);
    for (size_t i = 0; i < cfg->nmounts; i++)
        vn_buf_addf(&b, "%s %s (%llu KiB%s)", i ? "," : "", cfg->mounts[i].path,
                    (unsigned long long)cfg->mounts[i].size_kib,
                    &cfg->mounts[i] == d ? ", the default" : "");
    if (!cfg->nmounts)
        vn_buf_add(&b, " none");
    vn_buf_addf(&b, "; memory backing directory %s (%s)", cfg->memory_backing_dir,
                cfg->backing_dir_source ? cfg->backing_dir_source : "libvirt's default");
    return vn_buf_steal(&b);
}
