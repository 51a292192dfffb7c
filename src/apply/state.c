/*
 * state.c - the state directory (default /run/vnuma, --state-dir DIR).
 *
 * It holds one entry per registered name, STATE/NAME/, and nothing else:
 *   lock        flock'ed LOCK_EX by the command working on the entry
 *               (launch until the guest runs, run until it execs, stop,
 *               numatune); list and a new claim use LOCK_NB
 *   info        key=value lines (vn_ap_info_format): pid, start time,
 *               cgroup paths, memory directories, QMP socket, log, the
 *               hugetlbfs mounts and memory-backing directory it started
 *               with (which the live changes use)
 *   domain.xml  the live domain XML (numatune and the live changes of
 *               src/live update it)
 *   qmp.sock    a launched guest's QMP socket (bound by vnuma, then
 *               passed to QEMU as a listening descriptor)
 * An entry is created atomically: made as STATE/.new-PID-NAME with its
 * lock taken, then renamed to STATE/NAME, which fails when NAME exists -
 * so exactly one of two racing claims wins, and nobody ever sees an entry
 * without its lock.  It is removed file by file (only the names above),
 * under its lock.  Files vnuma did not make are left alone.
 *
 * sun_path holds 108 bytes: when STATE/NAME/qmp.sock is longer, the socket
 * is bound and reached through /proc/self/fd/DIRFD/qmp.sock, the entry
 * held open - a short form of the path, as libvirt shortens names
 * (virDomainDefGetShortName) for the same reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "apply/apply_internal.h"
#include "os/os.h"

static const char *const entry_files[] = {"info", "info.tmp", "domain.xml", "domain.xml.tmp",
                                          "qmp.sock", "lock"};

const char *vn_ap_state_dir(const vn_apply_opts *o)
{
    return o && o->state_dir && *o->state_dir ? o->state_dir : VN_APPLY_STATE_DIR;
}

void vn_ap_info_clear(vn_ap_info *i)
{
    free(i->name);
    free(i->kind);
    free(i->state);
    free(i->mode);
    free(i->nodes);
    free(i->cpus);
    free(i->cg_mount);
    free(i->cg_domain);
    vn_argv_clear(&i->cg_threads);
    vn_argv_clear(&i->cg_made);
    vn_argv_clear(&i->memdirs);
    vn_argv_clear(&i->unplug_pending);
    vn_argv_clear(&i->vcpu_unplugged);
    free(i->qmp);
    free(i->log);
    vn_config_clear(&i->cfg);
    *i = (vn_ap_info){0};
}

/* ---- info: key=value, '\' and newline escaped ---- */

static void put(vn_buf *b, const char *key, const char *v)
{
    vn_buf_addf(b, "%s=", key);
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '\\')
            vn_buf_add(b, "\\\\");
        else if (*p == '\n')
            vn_buf_add(b, "\\n");
        else
            vn_buf_addc(b, *p);
    }
    vn_buf_addc(b, '\n');
}

char *vn_ap_info_format(const vn_ap_info *i)
{
    VN_AUTOCLEAR(vn_buf) b = {0};
    char num[32];
    vn_buf_add(&b, "vnuma-entry 1\n");
    put(&b, "name", i->name);
    put(&b, "kind", i->kind);
    put(&b, "state", i->state);
    snprintf(num, sizeof(num), "%d", (int)i->pid);
    put(&b, "pid", num);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)i->start);
    put(&b, "start", num);
    snprintf(num, sizeof(num), "%d", i->domain_id);
    put(&b, "domain_id", num);
    put(&b, "mode", i->mode);
    put(&b, "nodes", i->nodes);
    put(&b, "cpus", i->cpus);
    put(&b, "cgroup_kind", vn_cg_kind_name(i->cg_kind));
    put(&b, "cgroup_mount", i->cg_mount);
    put(&b, "cgroup_domain", i->cg_domain);
    for (size_t k = 0; k < i->cg_made.n; k++)
        put(&b, "cgroup_made", i->cg_made.v[k]);
    for (size_t k = 0; k < i->cg_threads.n; k++)
        put(&b, "cgroup_thread", i->cg_threads.v[k]);
    for (size_t k = 0; k < i->memdirs.n; k++)
        put(&b, "memdir", i->memdirs.v[k]);
    put(&b, "qmp", i->qmp);
    put(&b, "log", i->log);
    for (size_t k = 0; k < i->unplug_pending.n; k++)
        put(&b, "unplug_pending", i->unplug_pending.v[k]);
    for (size_t k = 0; k < i->vcpu_unplugged.n; k++)
        put(&b, "vcpu_unplugged", i->vcpu_unplugged.v[k]);
    if (i->has_cfg) {   /* "hugetlbfs=* 2048 /dev/hugepages": '*' the default mount */
        put(&b, "hugetlbfs_source", i->cfg.mounts_source ? i->cfg.mounts_source : "");
        for (size_t k = 0; k < i->cfg.nmounts; k++) {
            const vn_hugetlbfs *m = &i->cfg.mounts[k];
            VN_AUTOFREE char *v = vn_asprintf("%c %llu %s", m->deflt ? '*' : '-',
                                              (unsigned long long)m->size_kib, m->path);
            put(&b, "hugetlbfs", v);
        }
        put(&b, "memory_backing_dir", i->cfg.memory_backing_dir);
        put(&b, "memory_backing_dir_source",
            i->cfg.backing_dir_source ? i->cfg.backing_dir_source : "");
    }
    return vn_buf_steal(&b);
}

static char *unescape(const char *s, size_t n)
{
    char *out = vn_malloc(n + 1), *o = out;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '\\' && k + 1 < n) {
            k++;
            *o++ = s[k] == 'n' ? '\n' : s[k];
        } else {
            *o++ = s[k];
        }
    }
    *o = '\0';
    return out;
}

static int set_field(vn_ap_info *i, const char *key, char *v, vn_error *err)
{
    char **str[] = {&i->name, &i->kind, &i->state, &i->mode, &i->nodes, &i->cpus,
                    &i->cg_mount, &i->cg_domain, &i->qmp, &i->log};
    static const char *const keys[] = {"name", "kind", "state", "mode", "nodes", "cpus",
                                       "cgroup_mount", "cgroup_domain", "qmp", "log"};
    for (size_t k = 0; k < VN_ARRAY_LEN(keys); k++)
        if (!strcmp(key, keys[k])) {
            free(*str[k]);
            *str[k] = v;
            return 0;
        }
    VN_AUTOFREE char *val = v;
    vn_argv *lists[] = {&i->cg_made, &i->cg_threads, &i->memdirs, &i->unplug_pending,
                        &i->vcpu_unplugged};
    static const char *const lkeys[] = {"cgroup_made", "cgroup_thread", "memdir",
                                        "unplug_pending", "vcpu_unplugged"};
    for (size_t k = 0; k < VN_ARRAY_LEN(lkeys); k++)
        if (!strcmp(key, lkeys[k])) {
            vn_argv_add(lists[k], val);
            return 0;
        }
    bool mounts_source = !strcmp(key, "hugetlbfs_source");
    if (mounts_source || !strcmp(key, "memory_backing_dir_source")) {
        char **f = mounts_source ? &i->cfg.mounts_source : &i->cfg.backing_dir_source;
        free(*f);
        *f = *val ? vn_strdup(val) : NULL;
        i->has_cfg = true;
        return 0;
    }
    if (!strcmp(key, "memory_backing_dir")) {
        free(i->cfg.memory_backing_dir);
        i->cfg.memory_backing_dir = vn_strdup(val);
        i->has_cfg = true;
        return 0;
    }
    if (!strcmp(key, "hugetlbfs")) {
        char *sp = strchr(val, ' '), *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
        uint64_t kib;
        if (!sp2 || sp != val + 1 || (val[0] != '*' && val[0] != '-') || !sp2[1]) {
            vn_error_set(err, VNUMA_ERR_SYSTEM, "bad value '%s' for hugetlbfs", val);
            return -1;
        }
        *sp2 = '\0';
        if (!vn_parse_u64_dec(sp + 1, &kib) || kib == 0) {
            *sp2 = ' ';
            vn_error_set(err, VNUMA_ERR_SYSTEM, "bad value '%s' for hugetlbfs", val);
            return -1;
        }
        vn_config_add_mount_deflt(&i->cfg, sp2 + 1, kib, val[0] == '*');
        i->has_cfg = true;
        return 0;
    }
    uint64_t n;
    int id;
    if (!strcmp(key, "pid") && vn_parse_u64_dec(val, &n) && n <= 0x7fffffff)
        i->pid = (pid_t)n;
    else if (!strcmp(key, "start") && vn_parse_u64_dec(val, &n))
        i->start = n;
    else if (!strcmp(key, "domain_id") && vn_parse_int(val, &id))
        i->domain_id = id;
    else if (!strcmp(key, "cgroup_kind") && vn_cg_kind_parse(val, &i->cg_kind) == 0)
        ;
    else if (!strcmp(key, "pid") || !strcmp(key, "start") || !strcmp(key, "domain_id") ||
             !strcmp(key, "cgroup_kind")) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "bad value '%s' for %s", val, key);
        return -1;
    }
    return 0;   /* unknown keys: a newer vnuma's; ignored */
}

int vn_ap_info_parse(const char *text, vn_ap_info *i, vn_error *err)
{
    if (strncmp(text, "vnuma-entry 1\n", 14)) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "not a vnuma entry (no 'vnuma-entry 1' line)");
        return -1;
    }
    for (const char *line = text + 14; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *eq = memchr(line, '=', len);
        if (eq) {
            VN_AUTOFREE char *key = vn_strndup(line, (size_t)(eq - line));
            if (set_field(i, key, unescape(eq + 1, len - (size_t)(eq + 1 - line)), err) < 0)
                return -1;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    if (!i->name || !i->kind) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "entry without name or kind");
        return -1;
    }
    return 0;
}

/* ---- entries ---- */

void vn_ap_entry_clear(vn_ap_entry *e)
{
    const vn_os *os = vn_os_current();
    if (e->lockfd >= 0)
        os->close(os, e->lockfd);
    if (e->dirfd >= 0)
        os->close(os, e->dirfd);
    free(e->state_dir);
    free(e->dir);
    free(e->sock);
    vn_ap_info_clear(&e->info);
    *e = (vn_ap_entry){.dirfd = -1, .lockfd = -1};
}

static void set_sock(vn_ap_entry *e)
{
    free(e->sock);
    VN_AUTOFREE char *full = vn_asprintf("%s/qmp.sock", e->dir);
    if (strlen(full) < sizeof(((struct sockaddr_un *)0)->sun_path))
        e->sock = VN_STEAL(full);
    else
        e->sock = vn_asprintf("/proc/self/fd/%d/qmp.sock", e->dirfd);
}

static int open_dirfd(vn_ap_entry *e, vn_error *err)
{
    const vn_os *os = vn_os_current();
    e->dirfd = os->open(os, e->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, 0);
    if (e->dirfd < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot open %s", e->dir);
        return -1;
    }
    set_sock(e);
    return 0;
}

static int read_info(vn_ap_entry *e, vn_error *err)
{
    VN_AUTOFREE char *path = vn_asprintf("%s/info", e->dir);
    VN_AUTOFREE char *text = NULL;
    vn_ap_info_clear(&e->info);
    if (vn_ap_read(path, &text, err) < 0)
        return -1;
    if (vn_ap_info_parse(text, &e->info, err) < 0)
        return vn_ap_step_failed(err, "%s", path);
    return 0;
}

/* NAME replaced by TMP atomically (a reader sees the old file or the new
 * one), TMP gone.  rename(2) over an existing file makes ext4
 * (auto_da_alloc) write TMP's data out first: milliseconds each on a busy
 * disk, and launch replaces info five times.  Exchanging the two names and
 * removing the old file is as atomic for readers and writes nothing out
 * (these files need no durability: see vn_ap_create).  The first save
 * (no NAME yet) and a file system without RENAME_EXCHANGE rename. */
static int replace(int dirfd, const char *tmp, const char *name)
{
    const vn_os *os = vn_os_current();
    if (os->exchangeat(os, dirfd, tmp, dirfd, name) == 0) {
        os->unlinkat(os, dirfd, tmp, 0);
        return 0;
    }
    if (errno != ENOENT && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return -1;
    return os->renameat(os, dirfd, tmp, dirfd, name);
}

int vn_ap_entry_save(vn_ap_entry *e, vn_error *err)
{
    const vn_os *os = vn_os_current();
    VN_AUTOFREE char *text = vn_ap_info_format(&e->info);
    VN_AUTOFREE char *tmp = vn_asprintf("%s/info.tmp", e->dir);
    os->unlinkat(os, e->dirfd, "info.tmp", 0);
    if (vn_ap_create(tmp, text, 0600, err) < 0)
        return -1;
    if (replace(e->dirfd, "info.tmp", "info") < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot rename %s to info", tmp);
        os->unlinkat(os, e->dirfd, "info.tmp", 0);
        return -1;
    }
    return 0;
}

int vn_ap_entry_save_xml(vn_ap_entry *e, const char *xml, vn_error *err)
{
    const vn_os *os = vn_os_current();
    VN_AUTOFREE char *tmp = vn_asprintf("%s/domain.xml.tmp", e->dir);
    os->unlinkat(os, e->dirfd, "domain.xml.tmp", 0);
    if (vn_ap_create(tmp, xml, 0600, err) < 0)
        return -1;
    if (replace(e->dirfd, "domain.xml.tmp", "domain.xml") < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot rename %s", tmp);
        os->unlinkat(os, e->dirfd, "domain.xml.tmp", 0);
        return -1;
    }
    return 0;
}

int vn_ap_entry_remove(vn_ap_entry *e, vn_error *err)
{
    const vn_os *os = vn_os_current();
    for (size_t k = 0; k < VN_ARRAY_LEN(entry_files); k++)
        if (os->unlinkat(os, e->dirfd, entry_files[k], 0) < 0 && errno != ENOENT) {
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot remove %s/%s", e->dir,
                         entry_files[k]);
            return -1;
        }
    if (os->unlinkat(os, AT_FDCWD, e->dir, AT_REMOVEDIR) < 0 && errno != ENOENT) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot remove %s (files vnuma did not "
                     "make are left there)", e->dir);
        return -1;
    }
    return 0;
}

/* The lock file of dir, open; flock'ed with op (LOCK_EX, maybe LOCK_NB). */
static int take_lock(const char *dir, bool create, int op, int *fd_out, vn_error *err)
{
    const vn_os *os = vn_os_current();
    VN_AUTOFREE char *path = vn_asprintf("%s/lock", dir);
    int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT | O_EXCL : 0);
    VN_AUTOFD int fd = os->open(os, path, flags, 0600);
    if (fd < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot open %s", path);
        return -1;
    }
    if (os->flock(os, fd, op) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot lock %s", path);
        return -1;
    }
    *fd_out = VN_STEAL_FD(fd);
    return 0;
}

/* After taking the lock: the entry is still STATE/NAME (not removed or
 * replaced while waiting). */
static bool lock_is_current(const vn_ap_entry *e)
{
    const vn_os *os = vn_os_current();
    struct stat a, b;
    VN_AUTOFREE char *path = vn_asprintf("%s/lock", e->dir);
    return os->fstat(os, e->lockfd, &a) == 0 &&
           os->fstatat(os, AT_FDCWD, path, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
           a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int entry_init(const vn_apply_opts *o, const char *name, vn_ap_entry *e)
{
    *e = (vn_ap_entry){.dirfd = -1, .lockfd = -1};
    e->state_dir = vn_strdup(vn_ap_state_dir(o));
    e->dir = vn_asprintf("%s/%s", e->state_dir, name);
    return 0;
}

int vn_ap_entry_open(const vn_apply_opts *o, const char *name, vn_ap_entry *e, vn_error *err)
{
    entry_init(o, name, e);
    if (!vn_ap_is_dir(e->dir)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "no domain '%s' is registered in %s", name, e->state_dir);
        return -1;
    }
    for (int i = 0;; i++) {
        vn_error le = {0};
        if (take_lock(e->dir, false, LOCK_EX | LOCK_NB, &e->lockfd, &le) == 0)
            break;
        if (le.sys_errno != EWOULDBLOCK || i == 600) {
            vn_error_copy(err, &le);
            return -1;
        }
        vn_ap_sleep_ms(100);
    }
    if (!lock_is_current(e)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "domain '%s' went away from %s", name, e->state_dir);
        return -1;
    }
    return open_dirfd(e, err) < 0 || read_info(e, err) < 0 ? -1 : 0;
}

/* STATE/NAME exists: refuse it when its process lives (or a command holds
 * it), else reap it.  0: reaped, the claim may go on. */
static int existing_entry(const vn_apply_opts *o, const char *name, vn_error *err)
{
    VN_AUTOCLEAR(vn_ap_entry) e;
    entry_init(o, name, &e);
    vn_error le = {0};
    if (take_lock(e.dir, false, LOCK_EX | LOCK_NB, &e.lockfd, &le) < 0) {
        if (le.sys_errno == EWOULDBLOCK)
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                          "domain '%s' is already active: another vnuma command is working "
                          "on %s", name, e.dir);
        else
            vn_error_copy(err, &le);
        return -1;
    }
    if (!lock_is_current(&e) || open_dirfd(&e, err) < 0)
        return 0;
    vn_error ie = {0};
    if (read_info(&e, &ie) < 0) {
        if (ie.sys_errno != ENOENT) {
            vn_error_copy(err, &ie);
            return -1;
        }
        /* a claim that died before writing its info */
        return vn_ap_entry_remove(&e, err);
    }
    if (vn_ap_proc_alive(e.info.pid, e.info.start)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID,
                      "domain '%s' is already active (pid %d, %s)", name, (int)e.info.pid,
                      e.dir);
        return -1;
    }
    vn_ap_log(o, "reaping the stale entry %s (pid %d is gone)", e.dir, (int)e.info.pid);
    return vn_ap_entry_reap(&e, o, err);
}

typedef struct entry_undo {
    vn_ap_entry *e;
} entry_undo;

static int undo_entry(void *arg, vn_error *err)
{
    return vn_ap_entry_remove(arg, err);
}

static int make_new(const vn_apply_opts *o, const char *tmpdir, vn_ap_entry *e, vn_error *err)
{
    const vn_os *os = vn_os_current();
    (void)o;
    if (os->mkdirat(os, AT_FDCWD, tmpdir, 0700) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot create %s", tmpdir);
        return -1;
    }
    if (take_lock(tmpdir, true, LOCK_EX, &e->lockfd, err) < 0) {
        os->unlinkat(os, AT_FDCWD, tmpdir, AT_REMOVEDIR);
        return -1;
    }
    return 0;
}

int vn_ap_entry_create(const vn_apply_opts *o, const char *name, vn_ap_entry *e, vn_undo *u,
                       vn_error *err)
{
    const vn_os *os = vn_os_current();
    entry_init(o, name, e);
    if (vn_ap_mkdir_p(e->state_dir, 0755, NULL, err) < 0)
        return vn_ap_step_failed(err, "state directory");
    VN_AUTOFREE char *tmp = vn_asprintf("%s/.new-%d-%s", e->state_dir,
                                        (int)os->getpid(os), name);
    if (make_new(o, tmp, e, err) < 0)
        return -1;
    for (int attempt = 0;; attempt++) {
        if (os->renameat(os, AT_FDCWD, tmp, AT_FDCWD, e->dir) == 0)
            break;
        int rc = errno;
        if ((rc != EEXIST && rc != ENOTEMPTY) || attempt == 3 ||
            existing_entry(o, name, err) < 0) {
            if (rc != EEXIST && rc != ENOTEMPTY)
                vn_error_sys(err, VNUMA_ERR_SYSTEM, rc, "cannot rename %s to %s", tmp, e->dir);
            VN_AUTOFREE char *lock = vn_asprintf("%s/lock", tmp);
            os->unlinkat(os, AT_FDCWD, lock, 0);
            os->unlinkat(os, AT_FDCWD, tmp, AT_REMOVEDIR);
            return -1;
        }
    }
    if (open_dirfd(e, err) < 0) {
        vn_error e2 = {0};
        vn_ap_entry_remove(e, &e2);
        return -1;
    }
    vn_undo_push(u, undo_entry, e, NULL, "remove the state entry %s", e->dir);
    return 0;
}

int vn_ap_state_names(const vn_apply_opts *o, vn_argv *names, vn_error *err)
{
    const vn_os *os = vn_os_current();
    const char *dir = vn_ap_state_dir(o);
    vn_os_dir *d = os->opendir(os, dir);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot list %s", dir);
        return -1;
    }
    for (const char *n; (n = os->readdir(os, d));) {
        VN_AUTOFREE char *p = vn_asprintf("%s/%s/info", dir, n);
        struct stat st;
        if (n[0] != '.' && os->fstatat(os, AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW) == 0)
            vn_argv_add(names, n);
    }
    os->closedir(os, d);
    for (size_t i = 1; i < names->n; i++)
        for (size_t j = i; j > 0 && strcmp(names->v[j - 1], names->v[j]) > 0; j--) {
            char *t = names->v[j];
            names->v[j] = names->v[j - 1];
            names->v[j - 1] = t;
        }
    return 0;
}

int vn_ap_state_free_id(const vn_apply_opts *o)
{
    VN_AUTOCLEAR(vn_argv) names = {0};
    vn_error e = {0};
    if (vn_ap_state_names(o, &names, &e) < 0)
        return 1;
    VN_AUTOPTR(vn_bitmap) used = vn_bitmap_new();
    for (size_t i = 0; i < names.n; i++) {
        VN_AUTOFREE char *p = vn_asprintf("%s/%s/info", vn_ap_state_dir(o), names.v[i]);
        VN_AUTOFREE char *text = NULL;
        VN_AUTOCLEAR(vn_ap_info) info = {0};
        vn_error pe = {0};
        if (vn_ap_slurp(p, VN_AP_MAX_FILE, &text) == 0 &&
            vn_ap_info_parse(text, &info, &pe) == 0 && info.domain_id > 0 &&
            info.domain_id < VN_CPUMASK_LEN)
            vn_bitmap_set(used, (unsigned)info.domain_id);
    }
    int id = 1;
    while (vn_bitmap_is_set(used, (unsigned)id))
        id++;
    return id;
}
