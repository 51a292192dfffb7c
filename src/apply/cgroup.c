/*
 * cgroup.c - choosing the cgroup backend from /proc/self/mountinfo, the
 * parent directory (and systemd's ownership of it), and what the backends
 * share: writing a set and reading the effective one back, moving tasks,
 * making a cgroup with its undo, removing one once it is empty.  See
 * cgroup.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply/apply_internal.h"
#include "apply/cgroup.h"
#include "os/os.h"

const char *vn_cg_kind_name(vn_cg_kind k)
{
    return k == VN_CG_V1 ? "v1" : k == VN_CG_V2 ? "v2" : "none";
}

int vn_cg_kind_parse(const char *s, vn_cg_kind *k)
{
    if (!strcmp(s, "v1"))
        *k = VN_CG_V1;
    else if (!strcmp(s, "v2"))
        *k = VN_CG_V2;
    else if (!strcmp(s, "none"))
        *k = VN_CG_NONE;
    else
        return -1;
    return 0;
}

void vn_cg_mounts_clear(vn_cg_mounts *m)
{
    free(m->v1_cpuset);
    free(m->v2);
    m->v1_cpuset = m->v2 = NULL;
}

void vn_cgroups_clear(vn_cgroups *cg)
{
    free(cg->mount);
    cg->mount = NULL;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_octal(const char *s, size_t n)
{
    char *out = vn_malloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 3 < n + 1 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
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

static bool has_option(const char *opts, size_t n, const char *want)
{
    size_t wl = strlen(want);
    for (const char *p = opts; p < opts + n;) {
        const char *comma = memchr(p, ',', (size_t)(opts + n - p));
        size_t len = comma ? (size_t)(comma - p) : (size_t)(opts + n - p);
        if (len == wl && !memcmp(p, want, wl))
            return true;
        p += len + 1;
    }
    return false;
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] -
 * FSTYPE SOURCE SUPEROPTS". */
static int parse_mount_line(const char *line, size_t len, vn_cg_mounts *m)
{
    const char *f[5];
    size_t fl[5];
    const char *p = line, *end = line + len;
    for (int i = 0; i < 5; i++) {
        while (p < end && *p == ' ')
            p++;
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        if (!sp)
            return -1;
        f[i] = p;
        fl[i] = (size_t)(sp - p);
        p = sp + 1;
    }
    const char *dash = NULL;
    for (const char *q = p; q + 2 < end; q++)
        if (q[0] == '-' && q[1] == ' ' && (q == p || q[-1] == ' ')) {
            dash = q + 2;
            break;
        }
    if (!dash)
        return -1;
    const char *sp = memchr(dash, ' ', (size_t)(end - dash));
    if (!sp)
        return -1;
    size_t tl = (size_t)(sp - dash);
    const char *src_end = memchr(sp + 1, ' ', (size_t)(end - sp - 1));
    const char *sopts = src_end ? src_end + 1 : end;
    size_t sol = (size_t)(end - sopts);
    if (tl == 7 && !memcmp(dash, "cgroup2", 7) && !m->v2)
        m->v2 = unescape_octal(f[4], fl[4]);
    else if (tl == 6 && !memcmp(dash, "cgroup", 6) && !m->v1_cpuset &&
             has_option(sopts, sol, "cpuset"))
        m->v1_cpuset = unescape_octal(f[4], fl[4]);
    return 0;
}

int vn_cg_parse_mountinfo(const char *text, vn_cg_mounts *m, vn_error *err)
{
    unsigned lineno = 0;
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        lineno++;
        if (len && parse_mount_line(line, len, m) < 0) {
            vn_error_set(err, VNUMA_ERR_SYSTEM, "mountinfo line %u is malformed: %.*s", lineno,
                         (int)(len > 120 ? 120 : len), line);
            return -1;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    return 0;
}

static bool lists_word(const char *text, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = text; (p = strstr(p, word)); p += wl) {
        bool start = p == text || p[-1] == ' ' || p[-1] == '\n';
        bool stop = p[wl] == '\0' || p[wl] == ' ' || p[wl] == '\n';
        if (start && stop)
            return true;
    }
    return false;
}

void vn_cg_for_kind(vn_cg_kind kind, const char *mount, vn_cgroups *cg)
{
    cg->kind = kind;
    cg->mount = kind == VN_CG_NONE || !mount ? NULL : vn_strdup(mount);
    cg->be = kind == VN_CG_V1 ? &vn_cg_v1_backend
           : kind == VN_CG_V2 ? &vn_cg_v2_backend : &vn_cg_none_backend;
}

void vn_cg_choose(const vn_cg_mounts *m, const char *v2_controllers, vn_cgroups *cg)
{
    if (m->v1_cpuset)
        vn_cg_for_kind(VN_CG_V1, m->v1_cpuset, cg);
    else if (m->v2 && v2_controllers && lists_word(v2_controllers, "cpuset"))
        vn_cg_for_kind(VN_CG_V2, m->v2, cg);
    else
        vn_cg_for_kind(VN_CG_NONE, NULL, cg);
}

int vn_cg_detect(const char *mountinfo_path, vn_cgroups *cg, vn_error *err)
{
    const char *path = mountinfo_path ? mountinfo_path : "/proc/self/mountinfo";
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_read(path, &text, err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_cg_mounts) m = {0};
    if (vn_cg_parse_mountinfo(text, &m, err) < 0)
        return -1;
    VN_AUTOFREE char *controllers = NULL;
    if (m.v2 && !m.v1_cpuset) {
        VN_AUTOFREE char *f = vn_asprintf("%s/cgroup.controllers", m.v2);
        if (vn_ap_slurp(f, 65536, &controllers) < 0)
            controllers = NULL;
    }
    vn_cg_choose(&m, controllers, cg);
    return 0;
}

/* A parent given relative to the hierarchy root, or absolute under it;
 * no "." or ".." components. */
static char *parent_path(const vn_cgroups *cg, const char *option, vn_error *err)
{
    size_t ml = strlen(cg->mount);
    const char *rel = option;
    if (!strncmp(option, cg->mount, ml) && (option[ml] == '/' || !option[ml]))
        rel = option + ml;
    while (*rel == '/')
        rel++;
    VN_AUTOCLEAR(vn_buf) b = {0};
    vn_buf_add(&b, cg->mount);
    for (const char *p = rel; *p;) {
        const char *sl = strchr(p, '/');
        size_t n = sl ? (size_t)(sl - p) : strlen(p);
        if ((n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2))) {
            vn_error_set(err, VNUMA_ERR_INVALID, "--cgroup-parent %s: '.' and '..' are not "
                         "allowed", option);
            return NULL;
        }
        if (n)
            vn_buf_addf(&b, "/%.*s", (int)n, p);
        p += n;
        while (*p == '/')
            p++;
    }
    if (b.len == ml) {
        vn_error_set(err, VNUMA_ERR_INVALID, "--cgroup-parent %s: the hierarchy's root "
                     "cannot be the parent (name a directory below %s)", option, cg->mount);
        return NULL;
    }
    return vn_buf_steal(&b);
}

char *vn_cg_parent(const vn_cgroups *cg, const char *option, const char *systemd_dir,
                   vn_error *err)
{
    if (cg->kind == VN_CG_NONE)
        return vn_strdup("");
    if (option && *option)
        return parent_path(cg, option, err);
    const vn_os *os = vn_os_current();
    struct stat st;
    const char *sd = systemd_dir ? systemd_dir : "/run/systemd/system";
    if (cg->kind == VN_CG_V2 && os->fstatat(os, AT_FDCWD, sd, &st, 0) == 0) {
        vn_error_set(err, VNUMA_ERR_HOST, "this host was booted with systemd (%s exists), "
                     "which owns the cgroup tree under %s: run vnuma in a delegated unit "
                     "(systemd-run --scope -p Delegate=yes ...) and name its cgroup with "
                     "--cgroup-parent", sd, cg->mount);
        return NULL;
    }
    return vn_asprintf("%s/machine", cg->mount);
}

int vn_cg_emulator_all_nodes(const vn_cgroups *cg, const char *emulator, const vn_bitmap *all,
                             vn_cg_all_nodes *an, vn_error *err)
{
    *an = (vn_cg_all_nodes){0};
    if (cg->kind == VN_CG_NONE || !emulator || !*emulator || !all || vn_bitmap_is_empty(all))
        return 0;
    VN_AUTOFREE char *f = vn_asprintf("%s/cpuset.mems", emulator);
    VN_AUTOFREE char *now = NULL;
    if (vn_ap_read(f, &now, err) < 0)
        return -1;
    now[strcspn(now, "\n")] = '\0';
    if (!*now)
        return 0;   /* v2, unset: the parent's */
    vn_error pe = {0};
    VN_AUTOPTR(vn_bitmap) cur = vn_bitmap_parse(now, VN_CPUMASK_LEN, &pe);
    if (cur && vn_bitmap_equal(cur, all))
        return 0;
    if (vn_cg_write_set(emulator, "cpuset.mems", all, err) < 0)
        return -1;
    an->path = vn_strdup(emulator);
    an->saved = VN_STEAL(now);
    return 0;
}

void vn_cg_emulator_restore(vn_cg_all_nodes *an, vn_warnings *w)
{
    if (an->path) {
        VN_AUTOFREE char *f = vn_asprintf("%s/cpuset.mems", an->path);
        vn_error e = {0};
        if (vn_ap_write(f, an->saved, &e) < 0)
            vn_warn(w, "the emulator cgroup keeps every node after the vCPU plug: %s", e.msg);
    }
    free(an->path);
    free(an->saved);
    *an = (vn_cg_all_nodes){0};
}

int vn_cg_write_set(const char *path, const char *file, const vn_bitmap *set, vn_error *err)
{
    VN_AUTOFREE char *f = vn_asprintf("%s/%s", path, file);
    VN_AUTOFREE char *s = vn_bitmap_format(set);
    return vn_ap_write(f, s, err);
}

int vn_cg_check_effective(const char *path, const char *file, const char *what,
                          const vn_bitmap *want, vn_error *err)
{
    VN_AUTOFREE char *f = vn_asprintf("%s/%s", path, file);
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_read(f, &text, err) < 0)
        return -1;
    text[strcspn(text, "\n")] = '\0';
    vn_error pe = {0};
    VN_AUTOPTR(vn_bitmap) got = vn_bitmap_parse(text, VN_CPUMASK_LEN, &pe);
    VN_AUTOFREE char *w = vn_bitmap_format(want);
    if (!got || !vn_bitmap_equal(got, want)) {
        vn_error_set(err, VNUMA_ERR_HOST, "%s asked '%s' but %s is '%s' (outside what the "
                     "parent cgroup allows?)", what, w, f, text);
        return -1;
    }
    return 0;
}

int vn_cg_write_pid(const char *path, const char *file, pid_t pid, vn_error *err)
{
    VN_AUTOFREE char *f = vn_asprintf("%s/%s", path, file);
    char num[32];
    snprintf(num, sizeof(num), "%d", (int)pid);
    return vn_ap_write(f, num, err);
}

/* virCgroupV1CpuSetInherit: a new v1 cpuset child starts with empty cpus
 * and mems (no task can join it); copy the parent's. */
int vn_cg_inherit(const char *parent, const char *path, vn_error *err)
{
    static const char *const files[] = {"cpuset.cpus", "cpuset.mems", "cpuset.memory_migrate"};
    for (size_t i = 0; i < VN_ARRAY_LEN(files); i++) {
        VN_AUTOFREE char *from = vn_asprintf("%s/%s", parent, files[i]);
        VN_AUTOFREE char *to = vn_asprintf("%s/%s", path, files[i]);
        VN_AUTOFREE char *v = NULL;
        if (vn_ap_read(from, &v, err) < 0 || vn_ap_write(to, v, err) < 0)
            return -1;
    }
    return 0;
}

typedef struct cg_undo {
    vn_cgroups cg;
    char *path;
} cg_undo;

static void cg_undo_free(void *arg)
{
    cg_undo *c = arg;
    vn_cgroups_clear(&c->cg);
    free(c->path);
    free(c);
}

static int cg_undo_remove(void *arg, vn_error *err)
{
    cg_undo *c = arg;
    return vn_cg_remove(&c->cg, c->path, err);
}

/* The child cgroups of path (directories), for removal depth first. */
static void child_dirs(const char *path, vn_argv *out)
{
    const vn_os *os = vn_os_current();
    vn_os_dir *d = os->opendir(os, path);
    for (const char *n; d && (n = os->readdir(os, d));) {
        VN_AUTOFREE char *sub = vn_asprintf("%s/%s", path, n);
        if (vn_ap_is_dir(sub))
            vn_argv_add(out, sub);
    }
    if (d)
        os->closedir(os, d);
}

/* No task in path or below it. */
static int tree_empty(const vn_cgroups *cg, const char *path, bool *empty, vn_error *err)
{
    VN_AUTOCLEAR(vn_argv) subs = {0};
    child_dirs(path, &subs);
    for (size_t i = 0; i < subs.n; i++) {
        if (tree_empty(cg, subs.v[i], empty, err) < 0)
            return -1;
        if (!*empty)
            return 0;
    }
    return cg->be->is_empty(cg, path, empty, err);
}

/* A cgroup left by a vnuma killed before its undo ran (the caller holds
 * the name's state entry, so no guest of this state directory owns it):
 * removed when no task is in it; one in use is someone's guest. */
static int remove_leftover(const vn_cgroups *cg, const char *path, vn_error *err)
{
    bool empty = false;
    if (tree_empty(cg, path, &empty, err) < 0)
        return -1;
    if (!empty) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "cgroup %s exists and holds tasks: another guest "
                     "(of another state directory?) uses its name and domain id", path);
        return -1;
    }
    return vn_cg_remove(cg, path, err);
}

int vn_cg_make(const vn_cgroups *cg, const char *parent, const char *path, bool threaded,
               vn_undo *u, vn_error *err)
{
    /* The caller holds the name's state entry, so a cgroup already there is
     * a leftover of an earlier run of the name that was killed: libvirt
     * reuses such a directory (virCgroupV1MakeGroup makes it only when
     * missing); vnuma starts it afresh, so no old setting lingers. */
    if (cg->kind != VN_CG_NONE && vn_ap_is_dir(path) && remove_leftover(cg, path, err) < 0)
        return -1;
    if (cg->be->make(cg, parent, path, threaded, err) < 0)
        return -1;
    cg_undo *c = vn_calloc(1, sizeof(*c));
    vn_cg_for_kind(cg->kind, cg->mount, &c->cg);
    c->path = vn_strdup(path);
    vn_undo_push(u, cg_undo_remove, c, cg_undo_free, "remove cgroup %s", path);
    return 0;
}

static int wait_empty(const vn_cgroups *cg, const char *path, vn_error *err)
{
    for (int i = 0; i < 100; i++) {
        bool empty = false;
        if (cg->be->is_empty(cg, path, &empty, err) < 0)
            return -1;
        if (empty)
            return 0;
        vn_ap_sleep_ms(20);
    }
    vn_error_set(err, VNUMA_ERR_SYSTEM, "cgroup %s still has tasks after 2 s", path);
    return -1;
}

int vn_cg_remove(const vn_cgroups *cg, const char *path, vn_error *err)
{
    if (cg->kind == VN_CG_NONE || !path || !*path || !vn_ap_is_dir(path))
        return 0;
    /* children first, as virCgroupRemoveRecursively does */
    VN_AUTOCLEAR(vn_argv) subs = {0};
    child_dirs(path, &subs);
    for (size_t i = 0; i < subs.n; i++)
        if (vn_cg_remove(cg, subs.v[i], err) < 0)
            return -1;
    if (wait_empty(cg, path, err) < 0)
        return -1;
    const vn_os *os = vn_os_current();
    for (int attempt = 0;; attempt++) {
        if (os->unlinkat(os, AT_FDCWD, path, AT_REMOVEDIR) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY || attempt == 5) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot remove cgroup %s", path);
            return -1;
        }
        vn_ap_sleep_ms(200);
    }
}

int vn_cg_kill_tasks(const vn_cgroups *cg, const char *path, int sig, vn_error *err)
{
    if (cg->kind == VN_CG_NONE || !path || !*path || !vn_ap_is_dir(path))
        return 0;
    VN_AUTOFREE char *f = vn_asprintf("%s/%s", path, cg->be->tasks_file);
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_slurp(f, VN_AP_MAX_FILE, &text) < 0)
        return errno == ENOENT ? 0 : (vn_error_sys(err, VNUMA_ERR_SYSTEM, errno,
                                                   "cannot read %s", f), -1);
    const vn_os *os = vn_os_current();
    for (char *p = text, *end; *p; p = end) {
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        if (pid > 0)
            os->kill(os, (pid_t)pid, sig);
        while (*end == '\n')
            end++;
    }
    return 0;
}
