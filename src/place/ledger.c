/*
 * ledger.c - the placement ledger (see ledger.h): its line format and the
 * locked, atomic file updates `vnuma plan --ledger` relies on.
 *
 * This is an edge module: the parse/format half is pure, the file half does
 * the I/O (open, flock, write, fsync, rename).  The fitter (placement.c)
 * never sees the file, only the vn_usage summed from it.
 */
#include "place/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER "vnuma-ledger 1"

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

void vn_ledger_add(vn_ledger *l, const char *name, const vn_usage *use)
{
    vn_ledger_entry *e = VN_APPEND(l->entries, l->n);
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
        if (!vn_usage_add(&e->use, node, 0, a))
            return bad(p, "size overflows");
        return 0;
    }
    if (n == 4 && !strcmp(w[0], "pages")) {
        if (!vn_parse_uint(w[1], &node) || !vn_parse_u64_dec(w[2], &a) || !a ||
            !vn_parse_u64_dec(w[3], &b))
            return bad(p, "expected 'pages NODE PAGE_KIB COUNT'");
        if (!vn_usage_add(&e->use, node, a, b))
            return bad(p, "count overflows");
        return 0;
    }
    if (n == 2 && !strcmp(w[0], "cpus")) {
        vn_error e2 = {0};
        vn_bitmap *cpus = vn_bitmap_parse(w[1], VN_CPUMASK_LEN, &e2);
        if (!cpus)
            return bad(p, "expected 'cpus LIST'");
        if (!e->use.cpus)
            e->use.cpus = vn_bitmap_new();
        vn_bitmap_union(e->use.cpus, cpus);
        vn_bitmap_free(cpus);
        return 0;
    }
    return bad(p, "expected mem, pages, cpus or end");
}

int vn_ledger_parse(const char *text, size_t len, const char *what, vn_ledger *out,
                    vn_error *err)
{
    lparse p = {.what = what, .err = err};
    vn_ledger l = {0};
    vn_ledger_entry *cur = NULL;
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
            if (vn_ledger_find(&l, line + 6)) {
                bad(&p, "guest listed twice");
                goto fail;
            }
            cur = VN_APPEND(l.entries, l.n);
            cur->name = vn_strdup(line + 6);
        } else if (cur && !strcmp(line, "end")) {
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
    *out = l;
    return 0;
fail:
    vn_ledger_clear(&l);
    return -1;
}

/* ---- file half -------------------------------------------------------- */

int vn_ledger_read(const char *path, vn_ledger *out, vn_error *err)
{
    *out = (vn_ledger){0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        vn_error_set(err, VNUMA_ERR_SYSTEM, "cannot read ledger %s: %s", path, strerror(errno));
        return -1;
    }
    vn_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vn_buf_addn(&b, chunk, n);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        vn_buf_free(&b);
        vn_error_set(err, VNUMA_ERR_SYSTEM, "cannot read ledger %s", path);
        return -1;
    }
    if (b.len == 0) {
        vn_buf_free(&b);
        vn_error_set(err, VNUMA_ERR_INVALID, "corrupt ledger %s: the file is empty", path);
        return -1;
    }
    int rc = vn_ledger_parse(b.s, b.len, path, out, err);
    vn_buf_free(&b);
    return rc;
}

static int write_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t w = write(fd, s, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        len -= (size_t)w;
    }
    return 0;
}

static char *dir_of(const char *path)
{
    VN_AUTOFREE char *copy = vn_strdup(path);
    return vn_strdup(dirname(copy));
}

int vn_ledger_write(const char *path, const vn_ledger *l, vn_error *err)
{
    VN_AUTOFREE char *text = vn_ledger_format(l);
    /* one name, not one per process: writers hold the lock, and a file a
     * killed run left behind is truncated here rather than piling up */
    VN_AUTOFREE char *tmp = vn_asprintf("%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    const char *pause = getenv("VNUMA_LEDGER_TEST_PAUSE");
    if (pause && *pause)
        sleep((unsigned)atoi(pause));
    if (rename(tmp, path) < 0) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "cannot replace ledger %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    VN_AUTOFREE char *dir = dir_of(path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

int vn_ledger_lock(const char *path, vn_error *err)
{
    VN_AUTOFREE char *lock = vn_asprintf("%s.lock", path);
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "cannot open lock file %s: %s", lock, strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        vn_error_set(err, VNUMA_ERR_SYSTEM, "cannot lock %s: %s", lock, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}
