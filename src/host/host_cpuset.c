/*
 * host_cpuset.c - the calling process's cpuset: which CPUs and memory nodes
 * it may use, found as hwloc 2.9 finds them (topology-linux.c,
 * hwloc_find_linux_cgroup_mntpnt, hwloc_read_linux_cgroup_name,
 * hwloc_admin_disable_set_from_cgroup), and the host model restricted to
 * them as hwloc restricts its topology by default (lstopo --whole-system
 * keeps everything; vnuma's --whole-system likewise).
 *
 *  - the hierarchy: ROOT/sys/fs/cgroup/cpuset.cpus.effective (cgroup v2),
 *    ROOT/sys/fs/cgroup/cpuset/cpuset.cpus (v1), ROOT/dev/cpuset/cpus (the
 *    old cpuset file system), else the first of ROOT/proc/mounts: a cgroup2
 *    mount whose cgroup.controllers lists cpuset, a cpuset mount, or a
 *    cgroup mount with the cpuset option (noprefix: cpuset file names);
 *  - the process's cgroup: ROOT/proc/self/cpuset, else the line of
 *    ROOT/proc/self/cgroup for that hierarchy ("0::PATH" for v2,
 *    "N:...cpuset...:PATH" for v1);
 *  - the sets: v2 cpuset.cpus.effective and cpuset.mems.effective; v1
 *    cpuset.effective_cpus / cpuset.effective_mems, else cpuset.cpus /
 *    cpuset.mems (hwloc reads the latter); the cpuset file system
 *    effective_cpus / effective_mems, else cpus / mems.  A missing file:
 *    everything allowed, as hwloc fills the set.  No hierarchy or no cgroup
 *    line: everything allowed.
 *
 * Every read goes through the OS seam.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_internal.h"
#include "model/host.h"
#include "os/fileio.h"

#define CPUSET_FILE_MAX (1024 * 1024)

typedef enum { CG_NONE, CG_V2, CG_V1, CG_CPUSETFS } cg_type;

/* root/rel read whole; 1 when missing (or not a directory on the way). */
static int read_rel(const char *root, const char *rel, vn_buf *b, vn_error *err)
{
    VN_AUTOFREE char *p = vn_hs_path_in(root, rel);
    VN_AUTOFREE char *why = vn_asprintf("cannot read '%s'", p);
    vn_file_opts o = {.max_bytes = CPUSET_FILE_MAX, .missing_ok = true, .code = VNUMA_ERR_HOST,
                      .refuse_code = VNUMA_ERR_HOST, .open_fail = why};
    return vn_file_read(vn_os_current(), p, &o, b, err);
}

static bool exists_rel(const char *root, const char *rel)
{
    vn_buf b = {0};
    vn_error e = {0};
    int r = read_rel(root, rel, &b, &e);
    vn_buf_free(&b);
    return r == 0;
}

/* The first line of s (NUL-terminated), trailing white space cut. */
static char *first_line(const char *s)
{
    size_t n = strcspn(s, "\n");
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return vn_strndup(s, n);
}

/* Whether word appears in list, separated by sep. */
static bool has_word(const char *list, size_t len, const char *word, char sep)
{
    size_t w = strlen(word);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && list[j] != sep && list[j] != '\n')
            j++;
        if (j - i == w && !memcmp(list + i, word, w))
            return true;
        i = j + 1;
    }
    return false;
}

/* The mount point of the cpuset hierarchy, relative to root. */
static int find_mount(const char *root, cg_type *t, char **mnt, vn_error *err)
{
    *t = CG_NONE;
    *mnt = NULL;
    static const struct { const char *probe, *dir; cg_type t; } std[] = {
        {"/sys/fs/cgroup/cpuset.cpus.effective", "/sys/fs/cgroup", CG_V2},
        {"/sys/fs/cgroup/cpuset/cpuset.cpus", "/sys/fs/cgroup/cpuset", CG_V1},
        {"/dev/cpuset/cpus", "/dev/cpuset", CG_CPUSETFS},
    };
    for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
        if (exists_rel(root, std[i].probe)) {
            *t = std[i].t;
            *mnt = vn_strdup(std[i].dir);
            return 0;
        }
    vn_buf b = {0};
    int r = read_rel(root, "/proc/mounts", &b, err);
    if (r != 0 || !b.s) {
        vn_buf_free(&b);
        return r < 0 ? -1 : 0;
    }
    vn_hs_mount *all;
    size_t n = vn_hs_mounts_parse(b.s, &all);
    for (size_t i = 0; i < n && *t == CG_NONE; i++) {
        const vn_hs_mount *m = &all[i];
        size_t ol = strlen(m->opts);
        if (!strcmp(m->type, "cgroup2")) {
            VN_AUTOFREE char *ctl = vn_asprintf("%s/cgroup.controllers", m->dir);
            vn_buf cb = {0};
            vn_error e = {0};
            if (read_rel(root, ctl, &cb, &e) == 0 && cb.s &&
                has_word(cb.s, strlen(cb.s), "cpuset", ' '))
                *t = CG_V2;
            vn_buf_free(&cb);
        } else if (!strcmp(m->type, "cpuset")) {
            *t = CG_CPUSETFS;
        } else if (!strcmp(m->type, "cgroup") && has_word(m->opts, ol, "cpuset", ',')) {
            *t = has_word(m->opts, ol, "noprefix", ',') ? CG_CPUSETFS : CG_V1;
        }
        if (*t != CG_NONE)
            *mnt = vn_strdup(m->dir);
    }
    vn_hs_mounts_free(all, n);
    vn_buf_free(&b);
    return 0;
}

/* The process's cgroup in that hierarchy; NULL when none is named. */
static int find_cgroup(const char *root, cg_type t, char **name, vn_error *err)
{
    *name = NULL;
    vn_buf b = {0};
    int r = read_rel(root, "/proc/self/cpuset", &b, err);
    if (r < 0)
        return -1;
    if (r == 0 && b.s && *b.s && *b.s != '\n') {
        *name = first_line(b.s);
        vn_buf_free(&b);
        return 0;
    }
    vn_buf_free(&b);
    r = read_rel(root, "/proc/self/cgroup", &b, err);
    if (r != 0 || !b.s) {
        vn_buf_free(&b);
        return r < 0 ? -1 : 0;
    }
    for (char *line = b.s; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *c1 = memchr(line, ':', len);
        char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
        if (c2) {
            size_t clen = (size_t)(c2 - c1 - 1);
            bool v2 = clen == 0 && c1 - line == 1 && line[0] == '0';
            bool v1 = clen > 0 && has_word(c1 + 1, clen, "cpuset", ',');
            if ((t == CG_V2 && v2) || (t != CG_V2 && v1)) {
                *name = vn_strndup(c2 + 1, len - (size_t)(c2 + 1 - line));
                break;
            }
        }
        line = nl ? nl + 1 : line + len;
    }
    vn_buf_free(&b);
    return 0;
}

/* One set: the first of the candidate files that exists; *set NULL when
 * none does (everything allowed). */
static int read_set(const char *root, const char *dir, const char *const names[2], vn_bitmap **set,
                    char **file, vn_error *err)
{
    *set = NULL;
    *file = NULL;
    for (int i = 0; i < 2 && names[i]; i++) {
        VN_AUTOFREE char *rel = vn_asprintf("%s/%s", dir, names[i]);
        vn_buf b = {0};
        int r = read_rel(root, rel, &b, err);
        if (r < 0)
            return -1;
        if (r == VN_FILE_MISSING)
            continue;
        VN_AUTOFREE char *t = first_line(b.s ? b.s : "");
        vn_buf_free(&b);
        VN_AUTOFREE char *path = vn_hs_path_in(root, rel);
        vn_error e = {0};
        vn_bitmap *m = *t ? vn_bitmap_parse(t, VN_HOST_MAX_CPUS, &e) : NULL;
        if (!m) {
            vn_error_setc(err, VNUMA_ERR_HOST, VN_ERRC_NONE, "cannot parse '%s': %s", path,
                          *t ? vn_error_text(&e) : "the set is empty");
            return -1;
        }
        *set = m;
        *file = VN_STEAL(path);
        return 0;
    }
    return 0;
}

int vn_host_read_cpuset(const char *root, vn_host_cpuset *cs, vn_error *err)
{
    memset(cs, 0, sizeof(*cs));
    cg_type t;
    VN_AUTOFREE char *mnt = NULL;
    VN_AUTOFREE char *name = NULL;
    if (find_mount(root, &t, &mnt, err) < 0)
        return -1;
    if (t == CG_NONE)
        return 0;
    if (find_cgroup(root, t, &name, err) < 0)
        return -1;
    if (!name)
        return 0;
    VN_AUTOFREE char *dir = vn_asprintf("%s%s", mnt, !strcmp(name, "/") ? "" : name);
    static const char *const v2c[2] = {"cpuset.cpus.effective", NULL};
    static const char *const v2m[2] = {"cpuset.mems.effective", NULL};
    static const char *const v1c[2] = {"cpuset.effective_cpus", "cpuset.cpus"};
    static const char *const v1m[2] = {"cpuset.effective_mems", "cpuset.mems"};
    static const char *const fsc[2] = {"effective_cpus", "cpus"};
    static const char *const fsm[2] = {"effective_mems", "mems"};
    const char *const *c = t == CG_V2 ? v2c : t == CG_V1 ? v1c : fsc;
    const char *const *m = t == CG_V2 ? v2m : t == CG_V1 ? v1m : fsm;
    if (read_set(root, dir, c, &cs->cpus, &cs->cpus_file, err) < 0 ||
        read_set(root, dir, m, &cs->mems, &cs->mems_file, err) < 0) {
        vn_host_cpuset_clear(cs);
        return -1;
    }
    return 0;
}

/* Whether any CPU of n is in cpus (NULL: all are). */
static bool keeps_cpus(const vn_host_node *n, const vn_bitmap *cpus)
{
    for (size_t j = 0; j < n->ncpus; j++)
        if (!cpus || vn_bitmap_is_set(cpus, n->cpus[j].id))
            return true;
    return false;
}

void vn_host_restrict(vn_host *h, vn_host_cpuset *cs)
{
    size_t kept = 0;
    for (size_t i = 0; i < h->nnodes; i++) {
        vn_host_node *n = &h->nodes[i];
        bool outside = cs->mems && !vn_bitmap_is_set(cs->mems, n->id);
        if (outside) {
            if (!h->outside_mems)
                h->outside_mems = vn_bitmap_new();
            vn_bitmap_set(h->outside_mems, n->id);
        }
        if (outside && !keeps_cpus(n, cs->cpus)) {
            h->hidden_cpus += n->ncpus;
            vn_host_node_clear(n);
            continue;
        }
        if (outside) {   /* its CPUs stay usable, its memory is not */
            n->mem_kib = n->free_kib = n->inactive_file_kib = 0;
            for (size_t k = 0; k < n->npages; k++)
                n->pages[k].total = n->pages[k].free = 0;
        }
        size_t kc = 0;
        for (size_t j = 0; j < n->ncpus; j++) {
            vn_host_cpu *cpu = &n->cpus[j];
            if (cs->cpus && !vn_bitmap_is_set(cs->cpus, cpu->id)) {
                vn_bitmap_free(cpu->siblings);
                h->hidden_cpus++;
                continue;
            }
            n->cpus[kc++] = *cpu;
        }
        n->ncpus = kc;
        h->nodes[kept++] = *n;
    }
    h->nnodes = kept;
    /* thread siblings outside the set are gone too (hwloc drops their PUs) */
    for (size_t i = 0; cs->cpus && i < h->nnodes; i++)
        for (size_t j = 0; j < h->nodes[i].ncpus; j++) {
            vn_bitmap *s = h->nodes[i].cpus[j].siblings;
            if (!s)
                continue;
            for (int b = vn_bitmap_next(s, -1); b >= 0; b = vn_bitmap_next(s, b))
                if (!vn_bitmap_is_set(cs->cpus, (unsigned)b))
                    vn_bitmap_clear(s, (unsigned)b);
        }
    h->cpuset = *cs;
    memset(cs, 0, sizeof(*cs));
}
