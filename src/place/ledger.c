/*
 * ledger.c - the placement ledger (see ledger.h): its line format and the
 * locked, atomic file updates `vnuma plan --ledger` relies on.
 *
 * This is an edge module: the parse/format half is pure, the file half does
 * the I/O (resolve, lock, read, write, fsync, rename), every call through
 * the seam (os/os.h).  The fitter (fit.c) never sees the file, only the
 * vn_usage summed from it.
 */
#include "place/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>

#define HEADER "vnuma-ledger 1"
#define MIN_PAGE_KIB 8                      /* huge pages: above the 4 KiB base page */
#define MAX_PAGE_KIB (UINT64_C(16) << 20)   /* 16 GiB, POWER's largest */

/* ---- pure half -------------------------------------------------------- */

bool vn_ledger_name_ok(const char *name)
{
    if (!name || !*name || name[0] == ' ' || name[strlen(name) - 1] == ' ')
        return false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

vn_ledger_entry *vn_ledger_find(const vn_ledger *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->entries[i].name, name))
            return &l->entries[i];
    return NULL;
}

/* A zeroed slot at the end (the array doubles: linear in the end). */
static vn_ledger_entry *append(vn_ledger *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->entries = vn_reallocarray(l->entries, l->cap, sizeof(*l->entries));
    }
    vn_ledger_entry *e = &l->entries[l->n++];
    *e = (vn_ledger_entry){0};
    return e;
}

void vn_ledger_add(vn_ledger *l, const char *name, const vn_usage *use)
{
    vn_ledger_entry *e = append(l);
    e->name = vn_strdup(name);
    if (!vn_usage_merge(&e->use, use))
        abort();   /* a copy into an empty usage cannot overflow */
}

bool vn_ledger_remove(vn_ledger *l, const char *name)
{
    vn_ledger_entry *e = vn_ledger_find(l, name);
    if (!e)
        return false;
    size_t i = (size_t)(e - l->entries);
    free(e->name);
    vn_usage_clear(&e->use);
    memmove(&l->entries[i], &l->entries[i + 1], (l->n - i - 1) * sizeof(*e));
    l->n--;
    return true;
}

bool vn_ledger_total(const vn_ledger *l, vn_usage *out)
{
    for (size_t i = 0; i < l->n; i++)
        if (!vn_usage_merge(out, &l->entries[i].use))
            return false;
    return true;
}

void vn_ledger_clear(vn_ledger *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->entries[i].name);
        vn_usage_clear(&l->entries[i].use);
    }
    free(l->entries);
    *l = (vn_ledger){0};
}

char *vn_ledger_format(const vn_ledger *l)
{
    vn_buf b = {0};
    vn_buf_add(&b, HEADER "\n");
    for (size_t i = 0; i < l->n; i++) {
        const vn_ledger_entry *e = &l->entries[i];
        vn_buf_addf(&b, "guest %s\n", e->name);
        for (size_t k = 0; k < e->use.ntakes; k++) {
            const vn_take *t = &e->use.takes[k];
            if (t->page_kib)
                vn_buf_addf(&b, "pages %u %llu %llu\n", t->node, (unsigned long long)t->page_kib,
                            (unsigned long long)t->amount);
            else
                vn_buf_addf(&b, "mem %u %llu\n", t->node, (unsigned long long)t->amount);
        }
        if (e->use.cpus && !vn_bitmap_is_empty(e->use.cpus)) {
            VN_AUTOFREE char *s = vn_bitmap_format(e->use.cpus);
            vn_buf_addf(&b, "cpus %s\n", s);
        }
        vn_buf_add(&b, "end\n");
    }
    return vn_buf_steal(&b);
}

/* Split a line into at most 4 space-separated words (in place). */
static size_t words(char *line, char **w, size_t max)
{
    size_t n = 0;
    for (char *p = line; *p && n < max;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        w[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

typedef struct lparse {
    const char *what;
    unsigned lineno;
    vn_error *err;
} lparse;

static int bad(lparse *p, const char *msg)
{
    vn_error_set(p->err, VNUMA_ERR_INVALID, "corrupt ledger %s, line %u: %s", p->what, p->lineno, msg);
    return -1;
}

/* A node id of a record: below VN_CPUMASK_LEN, as the host's. */
static bool parse_node(const char *w, unsigned *node)
{
    return vn_parse_uint(w, node) && *node < VN_CPUMASK_LEN;
}

/* Whether a list names a number of 16384 or more. */
static bool big_id(const char *list)
{
    for (const char *p = list; *p;) {
        if (*p < '0' || *p > '9') {
            p++;
            continue;
        }
        uint64_t v = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            if (v < VN_CPUMASK_LEN)
                v = v * 10 + (uint64_t)(*p - '0');
        if (v >= VN_CPUMASK_LEN)
            return true;
    }
    return false;
}

/* One line inside a guest record. */
static int parse_take(lparse *p, char *line, vn_ledger_entry *e)
{
    char *w[5];
    size_t n = words(line, w, 5);
    unsigned node;
    uint64_t a, b;
    if (n == 3 && !strcmp(w[0], "mem")) {
        if (!vn_parse_uint(w[1], &node) || !vn_parse_u64_dec(w[2], &a))
            return bad(p, "expected 'mem NODE KIB'");
        if (!parse_node(w[1], &node))
            return bad(p, "node ids must be below 16384");
        if (!vn_usage_add(&e->use, node, 0, a))
            return bad(p, "size overflows");
        return 0;
    }
    if (n == 4 && !strcmp(w[0], "pages")) {
        if (!vn_parse_uint(w[1], &node) || !vn_parse_u64_dec(w[2], &a) || !a ||
            !vn_parse_u64_dec(w[3], &b))
            return bad(p, "expected 'pages NODE PAGE_KIB COUNT'");
        if (!parse_node(w[1], &node))
            return bad(p, "node ids must be below 16384");
        if (a < MIN_PAGE_KIB || a > MAX_PAGE_KIB || (a & (a - 1)))
            return bad(p, "a huge page size must be a power of two from 8 KiB to 16 GiB");
        if (!vn_usage_add(&e->use, node, a, b))
            return bad(p, "count overflows");
        return 0;
    }
    if (n == 2 && !strcmp(w[0], "cpus")) {
        vn_error e2 = {0};
        vn_bitmap *cpus = vn_bitmap_parse(w[1], VN_CPUMASK_LEN, &e2);
        if (!cpus)
            return bad(p, big_id(w[1]) ? "CPU ids must be below 16384" : "expected 'cpus LIST'");
        if (!e->use.cpus)
            e->use.cpus = vn_bitmap_new();
        vn_bitmap_union(e->use.cpus, cpus);
        vn_bitmap_free(cpus);
        return 0;
    }
    return bad(p, "expected mem, pages, cpus or end");
}

/* At a record's "end": what the guest takes on each node, in KiB, must be
 * at most VN_LEDGER_MAX_KIB (a sum of lines: checked once they are all in). */
static int check_entry(lparse *p, const vn_ledger_entry *e)
{
    for (size_t i = 0; i < e->use.ntakes; i++) {
        const vn_take *t = &e->use.takes[i];
        uint64_t kib;
        if (!vn_mul_u64(t->amount, t->page_kib ? t->page_kib : 1, &kib) ||
            kib > VN_LEDGER_MAX_KIB) {
            vn_error_set(p->err, VNUMA_ERR_INVALID, "corrupt ledger %s, line %u: guest '%s' "
                         "takes more than 4 PiB on node %u", p->what, p->lineno, e->name,
                         t->node);
            return -1;
        }
    }
    return 0;
}

/* The names seen while parsing: open addressing over entry indexes + 1. */
typedef struct name_set {
    size_t *slot;
    size_t cap;     /* a power of two, kept at least twice the count */
    size_t n;
} name_set;

static uint64_t name_hash(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

static void set_put(name_set *set, const vn_ledger *l, size_t idx)
{
    size_t i = (size_t)name_hash(l->entries[idx].name) & (set->cap - 1);
    while (set->slot[i])
        i = (i + 1) & (set->cap - 1);
    set->slot[i] = idx + 1;
}

/* Add entry idx; false when its name is there already. */
static bool set_add(name_set *set, const vn_ledger *l, size_t idx)
{
    if (2 * (set->n + 1) > set->cap) {
        name_set bigger = {.cap = set->cap ? set->cap * 2 : 64};
        bigger.slot = vn_calloc(bigger.cap, sizeof(size_t));
        for (size_t i = 0; i < set->cap; i++)
            if (set->slot[i])
                set_put(&bigger, l, set->slot[i] - 1);
        bigger.n = set->n;
        free(set->slot);
        *set = bigger;
    }
    const char *name = l->entries[idx].name;
    size_t i = (size_t)name_hash(name) & (set->cap - 1);
    for (; set->slot[i]; i = (i + 1) & (set->cap - 1))
        if (!strcmp(l->entries[set->slot[i] - 1].name, name))
            return false;
    set->slot[i] = idx + 1;
    set->n++;
    return true;
}

int vn_ledger_parse(const char *text, size_t len, const char *what, vn_ledger *out,
                    vn_error *err)
{
    lparse p = {.what = what, .err = err};
    vn_ledger l = {0};
    vn_ledger_entry *cur = NULL;
    name_set names = {0};
    bool header = false;
    const char *s = text, *end = text + len;
    if (memchr(text, '\0', len)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "corrupt ledger %s: binary data", what);
        return -1;
    }
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        VN_AUTOFREE char *line = vn_strndup(s, n);
        s += n + (nl ? 1 : 0);
        p.lineno++;
        if (!nl) {
            bad(&p, "truncated (no newline at the end)");
            goto fail;
        }
        if (!*line || line[0] == '#')
            continue;
        if (!header) {
            if (strcmp(line, HEADER)) {
                bad(&p, "expected '" HEADER "'");
                goto fail;
            }
            header = true;
        } else if (!cur && !strncmp(line, "guest ", 6)) {
            if (!vn_ledger_name_ok(line + 6)) {
                bad(&p, "bad guest name");
                goto fail;
            }
            cur = append(&l);
            cur->name = vn_strdup(line + 6);
            if (!set_add(&names, &l, l.n - 1)) {
                bad(&p, "guest listed twice");
                goto fail;
            }
        } else if (cur && !strcmp(line, "end")) {
            if (check_entry(&p, cur) < 0)
                goto fail;
            cur = NULL;
        } else if (cur) {
            if (parse_take(&p, line, cur) < 0)
                goto fail;
        } else {
            bad(&p, "expected 'guest NAME'");
            goto fail;
        }
    }
    if (!header && len) {
        p.lineno++;
        bad(&p, "no '" HEADER "' header");
        goto fail;
    }
    if (cur) {
        bad(&p, "the last guest record has no 'end'");
        goto fail;
    }
    free(names.slot);
    *out = l;
    return 0;
fail:
    free(names.slot);
    vn_ledger_clear(&l);
    return -1;
}


/* ---- file half -------------------------------------------------------- */

/*
 * Symbolic links: followed, not refused.  A ledger kept elsewhere and
 * linked from where the admin's scripts look for it is a reasonable setup,
 * and what matters is that every path to one ledger ends at one file, one
 * lock file and one directory for the temporary file: vn_path_resolve
 * resolves the path once, to the real file's directory (held open) and its
 * name there, and every later step works relative to that descriptor with
 * O_NOFOLLOW on the name, so a link planted after the resolution is
 * refused rather than followed.  What following must not allow, creating a
 * file wherever a link points, is refused: a link to a missing file is an
 * error (vn_path_resolve), and so is anything at the end that is not a
 * regular file.  A second hard link is refused too: two names would mean
 * two lock files, the very split the resolution prevents.
 */

#define TEMP_RAND 6   /* .NAME.XXXXXX */

static const char temp_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* A fresh temporary name for base: ".base.XXXXXX". */
static char *temp_name(const vn_os *os, const char *base)
{
    static uint64_t counter;
    uint64_t x = os->monotonic_ns(os) ^ ((uint64_t)os->getpid(os) << 32) ^
                 (++counter * UINT64_C(0x9e3779b97f4a7c15));
    x ^= x >> 30;                               /* splitmix64's finaliser */
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    char r[TEMP_RAND + 1];
    for (int i = 0; i < TEMP_RAND; i++, x /= sizeof(temp_chars) - 1)
        r[i] = temp_chars[x % (sizeof(temp_chars) - 1)];
    r[TEMP_RAND] = '\0';
    return vn_asprintf(".%s.%s", base, r);
}

/* Whether name is one of base's temporary files, exactly. */
static bool is_temp_name(const char *name, const char *base)
{
    size_t bl = strlen(base);
    if (name[0] != '.' || strncmp(name + 1, base, bl) || name[1 + bl] != '.' ||
        strlen(name) != bl + 2 + TEMP_RAND)
        return false;
    for (const char *p = name + bl + 2; *p; p++)
        if (!strchr(temp_chars, *p))
            return false;
    return true;
}

/* The seam the ledger was opened through. */
static const vn_os *fos(const vn_ledger_file *f)
{
    return f->at.os ? f->at.os : vn_os_current();
}

static void file_clear(vn_ledger_file *f)
{
    const vn_os *os = fos(f);
    if (f->lock >= 0)
        os->close(os, f->lock);   /* releases the flock */
    vn_resolved_clear(&f->at);
    free(f->path);
    free(f->label);
    free(f->lock_path);
    *f = (vn_ledger_file){.lock = -1, .at = {.dirfd = -1}};
}

void vn_ledger_close(vn_ledger_file *f)
{
    file_clear(f);
}

/* What the ledger file (st: its lstat or fstat) must be: a regular file
 * with one name. */
static int check_stat(const vn_ledger_file *f, const struct stat *st, vn_error *err)
{
    if (!S_ISREG(st->st_mode)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "ledger %s is %s, not a regular file: refused",
                     f->label, vn_file_kind(st->st_mode));
        return -1;
    }
    if (st->st_nlink > 1) {
        vn_error_set(err, VNUMA_ERR_INVALID, "ledger %s has %ju hard links: refused (each "
                     "name would have its own lock; keep one name, or use a symbolic link)",
                     f->label, (uintmax_t)st->st_nlink);
        return -1;
    }
    return 0;
}

/* The ledger as it is now in its directory (without following a link):
 * 1 there (st filled), 0 absent, -1 refused. */
static int look(const vn_ledger_file *f, struct stat *st, vn_error *err)
{
    const vn_os *os = fos(f);
    if (os->fstatat(os, f->at.dirfd, f->at.base, st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return 0;
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot look up ledger %s", f->label);
        return -1;
    }
    if (S_ISLNK(st->st_mode)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "ledger %s: %s was replaced by a symbolic "
                     "link while in use: refused", f->label, f->at.path);
        return -1;
    }
    return check_stat(f, st, err) < 0 ? -1 : 1;
}

/* Resolve path into f (no lock): the shared start of open and read. */
static int file_resolve(vn_ledger_file *f, const char *path, size_t max_bytes, bool make_dirs,
                        vn_error *err)
{
    const vn_os *os = vn_os_current();
    *f = (vn_ledger_file){.lock = -1, .at = {.dirfd = -1}};
    f->path = vn_strdup(path);
    f->max_bytes = max_bytes ? max_bytes : VN_LEDGER_MAX_BYTES;
    if (vn_path_resolve(os, path, make_dirs, &f->at, err) < 0)
        return -1;
    f->label = f->at.links ? vn_asprintf("%s (really %s)", path, f->at.path) : vn_strdup(path);
    /* a FIFO, a device, a directory: refused before anything is made beside it */
    if (f->at.exists && check_stat(f, &f->at.st, err) < 0)
        return -1;
    return 0;
}

/* Remove the temporary files of runs killed before their rename: only the
 * lock holder writes, so none of them is in use. */
static void remove_stale(vn_ledger_file *f)
{
    const vn_os *os = fos(f);
    vn_os_dir *d = os->opendirat(os, f->at.dirfd, ".");
    if (!d)
        return;   /* best effort: a leftover harms nothing */
    char **names = NULL;
    size_t n = 0;
    for (const char *name; (name = os->readdir(os, d));)
        if (is_temp_name(name, f->at.base))
            *VN_APPEND(names, n) = vn_strdup(name);
    os->closedir(os, d);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (os->fstatat(os, f->at.dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode))
            (void)os->unlinkat(os, f->at.dirfd, names[i], 0);
        free(names[i]);
    }
    free(names);
}

int vn_ledger_open(vn_ledger_file *f, const char *path, size_t max_bytes, vn_error *err)
{
    if (file_resolve(f, path, max_bytes, true, err) < 0) {
        file_clear(f);
        return -1;
    }
    const vn_os *os = fos(f);
    VN_AUTOFREE char *lock = vn_asprintf("%s.lock", f->at.base);
    f->lock_path = vn_asprintf("%s.lock", f->at.path);
    /* O_NOFOLLOW: a planted link must not make root create or lock a file
     * elsewhere; O_NONBLOCK: a planted FIFO must not hang the open */
    int fd = os->openat(os, f->at.dirfd, lock,
                        O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644);
    if (fd < 0) {
        if (errno == ELOOP)
            vn_error_set(err, VNUMA_ERR_INVALID, "cannot open lock file %s: it is a symbolic "
                         "link: refused", f->lock_path);
        else
            vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot open lock file %s", f->lock_path);
        file_clear(f);
        return -1;
    }
    f->lock = fd;
    struct stat st;
    if (os->fstat(os, fd, &st) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot open lock file %s", f->lock_path);
        file_clear(f);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "lock file %s is %s, not a regular file: refused",
                     f->lock_path, vn_file_kind(st.st_mode));
        file_clear(f);
        return -1;
    }
    while (os->flock(os, fd, LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "cannot lock %s", f->lock_path);
        file_clear(f);
        return -1;
    }
    /* under the lock: what the path holds now (a writer may have made it) */
    if (look(f, &st, err) < 0) {
        file_clear(f);
        return -1;
    }
    remove_stale(f);
    return 0;
}

int vn_ledger_load(vn_ledger_file *f, vn_ledger *out, vn_error *err)
{
    const vn_os *os = fos(f);
    *out = (vn_ledger){0};
    VN_AUTOFREE char *why = vn_asprintf("cannot read ledger %s", f->label);
    struct stat st;
    vn_file_opts o = {.name = f->label, .what = "ledger ", .max_bytes = f->max_bytes,
                      .missing_ok = true, .nofollow = true, .open_fail = why, .st = &st};
    VN_AUTOCLEAR(vn_buf) b = {0};
    int r = vn_file_read_at(os, f->at.dirfd, f->at.base, &o, &b, err);
    if (r == VN_FILE_MISSING)
        return 0;
    if (r < 0)
        return -1;
    if (check_stat(f, &st, err) < 0)
        return -1;
    if (b.len == 0) {
        vn_error_set(err, VNUMA_ERR_INVALID, "corrupt ledger %s: the file is empty", f->label);
        return -1;
    }
    return vn_ledger_parse(b.s, b.len, f->label, out, err);
}

int vn_ledger_read(const char *path, vn_ledger *out, vn_error *err)
{
    *out = (vn_ledger){0};
    vn_error e = {0};
    VN_AUTOCLEAR(vn_ledger_file) f = {.lock = -1, .at = {.dirfd = -1}};
    if (file_resolve(&f, path, 0, false, &e) < 0) {
        /* a directory that is not there holds no ledger */
        if (e.cls == VN_ERRC_SYSTEM && e.sys_errno == ENOENT)
            return 0;
        vn_error_copy(err, &e);
        return -1;
    }
    return vn_ledger_load(&f, out, err);
}

/* A failed step of a save: the message, and the temporary file gone. */
static int save_fail(vn_ledger_file *f, const char *tmp, int e, const char *step,
                     const char *tmp_path, vn_error *err)
{
    const vn_os *os = fos(f);
    vn_error_sys(err, VNUMA_ERR_SYSTEM, e, "ledger %s not changed: %s %s failed", f->label,
                 step, tmp_path);
    if (tmp)
        (void)os->unlinkat(os, f->at.dirfd, tmp, 0);
    return -1;
}

int vn_ledger_save(vn_ledger_file *f, const vn_ledger *l, vn_error *err)
{
    const vn_os *os = fos(f);
    VN_AUTOFREE char *text = vn_ledger_format(l);
    size_t len = strlen(text);
    if (len > f->max_bytes) {
        vn_error_set(err, VNUMA_ERR_INVALID, "ledger %s not changed: it would be %zu bytes, "
                     "over the limit of %zu", f->label, len, f->max_bytes);
        return -1;
    }
    /* the new file gets the ledger's mode (0644 for a new ledger) */
    struct stat st;
    int there = look(f, &st, err);
    if (there < 0)
        return -1;
    mode_t mode = there ? st.st_mode & 0777 : 0644;
    VN_AUTOFREE char *tmp = NULL;
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        free(tmp);
        tmp = temp_name(os, f->at.base);
        /* O_EXCL|O_NOFOLLOW: never through a planted file or link */
        fd = os->openat(os, f->at.dirfd, tmp,
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        return save_fail(f, NULL, errno, "creating a temporary file in", f->at.dir, err);
    VN_AUTOFREE char *tmp_path = vn_asprintf("%s/%s", f->at.dir, tmp);
    if (os->fchmod(os, fd, mode) < 0) {   /* the umask may have taken bits away */
        int e = errno;
        os->close(os, fd);
        return save_fail(f, tmp, e, "setting the mode of", tmp_path, err);
    }
    if (vn_fd_write_all(os, fd, text, len) < 0) {
        int e = errno;
        os->close(os, fd);
        return save_fail(f, tmp, e, "writing", tmp_path, err);
    }
    if (os->fsync(os, fd) < 0) {
        int e = errno;
        os->close(os, fd);
        return save_fail(f, tmp, e, "flushing (fsync)", tmp_path, err);
    }
    if (os->close(os, fd) < 0)
        return save_fail(f, tmp, errno, "closing", tmp_path, err);
    if (os->renameat(os, f->at.dirfd, tmp, f->at.dirfd, f->at.base) < 0) {
        int e = errno;
        vn_error_sys(err, VNUMA_ERR_SYSTEM, e, "ledger %s not changed: renaming %s over %s "
                     "failed", f->label, tmp_path, f->at.path);
        (void)os->unlinkat(os, f->at.dirfd, tmp, 0);
        return -1;
    }
    /* the rename is done: the new ledger is in place whatever this says
     * (failing here would report a placement as not recorded that is) */
    (void)os->fsync(os, f->at.dirfd);
    return 0;
}
