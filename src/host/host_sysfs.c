/*
 * host_sysfs.c - the Host model from a sysfs tree: this machine's
 * (/sys, /proc) or one recorded elsewhere.
 *
 * Layouts accepted for ROOT: ROOT/sys/devices/system (+ ROOT/proc and
 * ROOT/sys/kernel/mm/hugepages), as real-machine dumps hold it; ROOT/system,
 * as libvirt's test fixtures hold it; or ROOT itself being the
 * devices/system folder (it holds node/ or cpu/).
 *
 * What is read, as libvirt 9.0 reads it (virCapabilitiesHostNUMAInitReal,
 * virhostcpu.c, virnuma.c):
 *   - nodes: the nodeN folders of node/ (sparse ids are fine);
 *   - a node's CPUs: nodeN/cpulist, or the hex mask nodeN/cpumap (32-bit
 *     words, most significant first) on kernels without cpulist;
 *   - memory: "Node N MemTotal: X kB", MemFree and Inactive(file) (for
 *     numad's free memory, advisor.h) in nodeN/meminfo;
 *   - distances: nodeN/distance, one value per online node (node/online,
 *     else the nodeN folders) in id order; a file with one value per
 *     possible node (node/possible, or 0..max) is mapped by index.
 *     Zero values are dropped, as libvirt drops them;
 *   - pages: nodeN/hugepages/hugepages-SIZEkB/{nr,free}_hugepages, plus the
 *     base page as libvirt counts it: (MemTotal - huge pages) / page size;
 *   - each CPU: cpu/cpuN/online (absent: online), and for an online CPU
 *     topology/{physical_package_id,die_id,core_id} (absent or negative: 0)
 *     and topology/thread_siblings_list (else the thread_siblings mask, else
 *     the CPU alone).  An offline CPU stays listed with online=false and an
 *     unknown topology (-1, no siblings), so that it is formatted as a bare
 *     <cpu id/> and reads back as offline (host_caps.c).  libvirt 9.0 itself
 *     would print socket 0, core 0 and itself as siblings there, the
 *     topology files being gone for an offline CPU.
 * Without node/ (a kernel without NUMA) the host gets one node 0 holding
 * every cpuN and the memory of /proc/meminfo, like libvirt's
 * virCapabilitiesHostNUMAInitFake; numa_fake is then set.
 * Then, unless whole_system, the host is restricted to the cpuset the
 * tree's proc/ and cgroup mounts give (host_cpuset.c), as hwloc does.
 *
 * Every file is read through the seam (os/os.h), whole, with a size cap,
 * a regular file only (a FIFO or device planted in a recorded tree is
 * refused, never waited on), and parsed strictly: a file
 * that is present but malformed is an error naming it; a missing optional
 * file takes libvirt's default.  CPU ids at or above VN_HOST_MAX_CPUS and
 * node ids at or above VN_HOST_MAX_NODES are refused, a CPU in two nodes
 * as soon as it is met (model/host.h's bounds, so that the work stays
 * linear in what the tree holds); vn_host_check runs on the result.
 */
#include "model/host.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "os/fileio.h"

#define SYSFS_FILE_MAX (1024 * 1024)   /* bytes read from one file at most */
#define SYSFS_MAX_IDS VN_HOST_MAX_CPUS /* CPU ids (and list files' ids) must be below this */
#define RECORDED_PAGE_KIB 4            /* base page of a recorded tree */

typedef struct sysfs_ctx {
    char *sys;          /* the devices/system folder */
    char *proc;         /* the proc folder, or NULL */
    char *mm_hugepages; /* kernel/mm/hugepages, or NULL */
    uint64_t page_kib;  /* the base page size */
    vn_host *host;
    vn_error *err;
    unsigned *cpu_owner;  /* per CPU id: 1 + the node that holds it, 0 for none yet */
} sysfs_ctx;

static int sys_fail(sysfs_ctx *c, const char *fmt, ...) VN_PRINTF(2, 3);
static int sys_fail(sysfs_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vn_error_setv(c->err, VNUMA_ERR_HOST, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_dir(const char *path)
{
    return vn_file_is_dir(vn_os_current(), path);
}

/* Read a whole small file as a NUL-terminated string (an embedded NUL ends
 * it), through the seam: a regular file only (a FIFO or a device in the
 * tree is refused, never waited on or read), SYSFS_FILE_MAX bytes at most.
 * 0 ok, -2 when it does not exist, -1 on error (err set). */
static int read_file(sysfs_ctx *c, const char *path, char **out)
{
    *out = NULL;
    VN_AUTOFREE char *why = vn_asprintf("cannot read '%s'", path);
    vn_file_opts o = {.max_bytes = SYSFS_FILE_MAX, .missing_ok = true, .code = VNUMA_ERR_HOST,
                      .refuse_code = VNUMA_ERR_HOST, .open_fail = why};
    vn_buf b = {0};
    int r = vn_file_read(vn_os_current(), path, &o, &b, c->err);
    if (r == VN_FILE_MISSING)
        return -2;
    if (r < 0)
        return -1;
    *out = b.s ? vn_buf_steal(&b) : vn_strdup("");
    return 0;
}

/* Strip leading and trailing white space in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t l = strlen(s);
    while (l && isspace((unsigned char)s[l - 1]))
        s[--l] = '\0';
    return s;
}

/* A file holding one integer.  0 ok, -2 absent, -1 error. */
static int read_int_file(sysfs_ctx *c, const char *path, int *out)
{
    VN_AUTOFREE char *s = NULL;
    int r = read_file(c, path, &s);
    if (r < 0)
        return r;
    if (!vn_parse_int(trim(s), out))
        return sys_fail(c, "cannot parse '%s': expected an integer", path);
    return 0;
}

static int read_u64_file(sysfs_ctx *c, const char *path, uint64_t *out)
{
    VN_AUTOFREE char *s = NULL;
    int r = read_file(c, path, &s);
    if (r < 0)
        return r;
    if (!vn_parse_u64_dec(trim(s), out))
        return sys_fail(c, "cannot parse '%s': expected a number", path);
    return 0;
}

/* A list file ("0-3,8") into a bitmap; an empty file is an empty set. */
static int read_list_file(sysfs_ctx *c, const char *path, vn_bitmap **out)
{
    VN_AUTOFREE char *s = NULL;
    *out = NULL;
    int r = read_file(c, path, &s);
    if (r < 0)
        return r;
    char *t = trim(s);
    if (!*t) {
        *out = vn_bitmap_new();
        return 0;
    }
    for (const char *p = t; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != ',' && *p != '-')
            return sys_fail(c, "cannot parse '%s': not a list of ids", path);
    vn_error e = {0};
    *out = vn_bitmap_parse(t, SYSFS_MAX_IDS, &e);
    if (!*out)
        return sys_fail(c, "cannot parse '%s' (ids must be below %d): %s", path,
                        SYSFS_MAX_IDS, vn_error_text(&e));
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = (char)tolower((unsigned char)ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* A mask file ("0000,00000011,11111111": 32-bit hex words, the most
 * significant first) into a bitmap. */
static int read_mask_file(sysfs_ctx *c, const char *path, vn_bitmap **out)
{
    VN_AUTOFREE char *s = NULL;
    *out = NULL;
    int r = read_file(c, path, &s);
    if (r < 0)
        return r;
    char *t = trim(s);
    size_t nwords = 1;
    for (const char *p = t; *p; p++)
        nwords += *p == ',';
    vn_bitmap *b = vn_bitmap_new();
    const char *p = t;
    for (size_t w = 0; w < nwords; w++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || len > 8)
            goto bad;
        uint32_t word = 0;
        for (size_t i = 0; i < len; i++) {
            int v = hexval(p[i]);
            if (v < 0)
                goto bad;
            word = word << 4 | (uint32_t)v;
        }
        size_t base_word = nwords - 1 - w;      /* from the least significant */
        for (unsigned bit = 0; word && bit < 32; bit++) {
            if (!(word & (1u << bit)))
                continue;
            if (base_word >= SYSFS_MAX_IDS / 32) {
                vn_bitmap_free(b);
                return sys_fail(c, "'%s' names an id at or above %d", path, SYSFS_MAX_IDS);
            }
            vn_bitmap_set(b, (unsigned)(base_word * 32 + bit));
            word &= ~(1u << bit);
        }
        p += len + (end ? 1 : 0);
    }
    *out = b;
    return 0;
bad:
    vn_bitmap_free(b);
    return sys_fail(c, "cannot parse '%s': not a hexadecimal mask", path);
}

/* "PREFIXdigits" -> the number (below limit); false otherwise. */
static bool parse_numbered(const char *name, const char *prefix, unsigned limit, unsigned *id,
                           bool *too_big)
{
    size_t pl = strlen(prefix);
    *too_big = false;
    if (strncmp(name, prefix, pl) != 0 || !isdigit((unsigned char)name[pl]))
        return false;
    for (const char *p = name + pl; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    uint64_t v;
    if (!vn_parse_u64_dec(name + pl, &v) || v >= limit) {
        *too_big = true;
        return false;
    }
    *id = (unsigned)v;
    return true;
}

/* The ids of the folders DIR/PREFIXn (n below limit) as a bitmap.  -2
 * when DIR is absent. */
static int list_numbered(sysfs_ctx *c, const char *dir, const char *prefix, unsigned limit,
                         vn_bitmap **out)
{
    *out = NULL;
    const vn_os *os = vn_os_current();
    vn_os_dir *d = os->opendir(os, dir);
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return -2;
        return sys_fail(c, "cannot list '%s': %s", dir, strerror(errno));
    }
    vn_bitmap *b = vn_bitmap_new();
    for (const char *name; (name = os->readdir(os, d));) {
        unsigned id;
        bool too_big;
        if (parse_numbered(name, prefix, limit, &id, &too_big)) {
            vn_bitmap_set(b, id);
        } else if (too_big) {
            sys_fail(c, "'%s/%s': ids must be below %u", dir, name, limit);
            os->closedir(os, d);
            vn_bitmap_free(b);
            return -1;
        }
    }
    os->closedir(os, d);
    *out = b;
    return 0;
}

/* ---- CPUs ---------------------------------------------------------- */

/* A topology id: absent or negative is 0, as virHostCPUGetSocket/Die/Core. */
static int read_topology_id(sysfs_ctx *c, unsigned cpu, const char *file, int *out)
{
    VN_AUTOFREE char *path = vn_asprintf("%s/cpu/cpu%u/topology/%s", c->sys, cpu, file);
    int r = read_int_file(c, path, out);
    if (r == -1)
        return -1;
    if (r == -2 || *out < 0)
        *out = 0;
    return 0;
}

static int read_siblings(sysfs_ctx *c, unsigned cpu, vn_bitmap **out)
{
    VN_AUTOFREE char *list = vn_asprintf("%s/cpu/cpu%u/topology/thread_siblings_list",
                                         c->sys, cpu);
    int r = read_list_file(c, list, out);
    if (r == -2) {
        VN_AUTOFREE char *mask = vn_asprintf("%s/cpu/cpu%u/topology/thread_siblings",
                                             c->sys, cpu);
        r = read_mask_file(c, mask, out);
    }
    if (r == -1)
        return -1;
    if (r == -2 || vn_bitmap_is_empty(*out)) {
        vn_bitmap_free(*out);
        *out = vn_bitmap_new();
        vn_bitmap_set(*out, cpu);
    }
    return 0;
}

static int load_cpu(sysfs_ctx *c, vn_host_node *node, unsigned id)
{
    vn_host_cpu *cpu = VN_APPEND(node->cpus, node->ncpus);
    cpu->id = id;
    cpu->socket_id = cpu->die_id = cpu->core_id = -1;
    VN_AUTOFREE char *path = vn_asprintf("%s/cpu/cpu%u/online", c->sys, id);
    uint64_t online = 1;
    if (read_u64_file(c, path, &online) == -1)
        return -1;
    cpu->online = online != 0;
    if (!cpu->online)
        return 0;
    if (read_topology_id(c, id, "physical_package_id", &cpu->socket_id) < 0 ||
        read_topology_id(c, id, "die_id", &cpu->die_id) < 0 ||
        read_topology_id(c, id, "core_id", &cpu->core_id) < 0)
        return -1;
    return read_siblings(c, id, &cpu->siblings);
}

static int load_cpus(sysfs_ctx *c, vn_host_node *node, const vn_bitmap *cpus)
{
    vn_bitmap_foreach(cpus, i) {
        unsigned *o = &c->cpu_owner[i];   /* i < SYSFS_MAX_IDS: the list's bound */
        if (*o)
            return sys_fail(c, "%s: CPU %d is in nodes %u and %u", c->host->source, i,
                            *o - 1, node->id);
        *o = node->id + 1;
        if (load_cpu(c, node, (unsigned)i) < 0)
            return -1;
    }
    return 0;
}

/* ---- memory and pages ---------------------------------------------- */

/* In meminfo text, the value in kB of KEY ("MemTotal:"), with or without
 * the "Node N " prefix.  0 ok, -2 absent, -1 malformed. */
static int meminfo_value(sysfs_ctx *c, const char *path, const char *text, const char *key,
                         uint64_t *kib)
{
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncmp(p, "Node ", 5)) {
            p += 5;
            while (isdigit((unsigned char)*p))
                p++;
            while (*p == ' ')
                p++;
        }
        size_t kl = strlen(key);
        if (strncmp(p, key, kl) != 0)
            continue;
        p += kl;
        while (*p == ' ' || *p == '\t')
            p++;
        const char *num = p;
        while (isdigit((unsigned char)*p))
            p++;
        VN_AUTOFREE char *digits = vn_strndup(num, (size_t)(p - num));
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*digits || !vn_parse_u64_dec(digits, kib) ||
            (strncmp(p, "kB", 2) != 0 && *p != '\n' && *p != '\0'))
            return sys_fail(c, "cannot parse '%s': bad %s line", path, key);
        return 0;
    }
    return -2;
}

static int load_meminfo(sysfs_ctx *c, const char *path, vn_host_node *node)
{
    VN_AUTOFREE char *text = NULL;
    int r = read_file(c, path, &text);
    if (r == -2)
        return 0;
    if (r < 0)
        return -1;
    r = meminfo_value(c, path, text, "MemTotal:", &node->mem_kib);
    if (r == -1)
        return -1;
    r = meminfo_value(c, path, text, "MemFree:", &node->free_kib);
    if (r == -1)
        return -1;
    node->has_free = r == 0;
    if (!node->has_free)
        node->free_kib = node->mem_kib;
    r = meminfo_value(c, path, text, "Inactive(file):", &node->inactive_file_kib);
    return r == -1 ? -1 : 0;
}

/* "hugepages-2048kB" -> 2048; false when the name is not one (a size
 * that is not a power of two from 8 KiB to VN_HOST_MAX_PAGE_KIB is not). */
static bool parse_hugepage_dir(const char *name, uint64_t *kib)
{
    static const char prefix[] = "hugepages-";
    size_t pl = sizeof(prefix) - 1, l = strlen(name);
    if (strncmp(name, prefix, pl) != 0 || l < pl + 3 || strcasecmp(name + l - 2, "kB") != 0)
        return false;
    VN_AUTOFREE char *num = vn_strndup(name + pl, l - pl - 2);
    for (const char *p = num; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return vn_parse_u64_dec(num, kib) && *kib > VN_BASE_PAGE_KIB &&
           *kib <= VN_HOST_MAX_PAGE_KIB && !(*kib & (*kib - 1));
}

/* Sizes listed in DIR (hugepages-SIZEkB folders), sorted, into *sizes. */
static int list_hugepage_dirs(sysfs_ctx *c, const char *dir, uint64_t **sizes, size_t *n)
{
    *sizes = NULL;
    *n = 0;
    const vn_os *os = vn_os_current();
    vn_os_dir *d = os->opendir(os, dir);
    if (!d)
        return (errno == ENOENT || errno == ENOTDIR) ? 0
               : sys_fail(c, "cannot list '%s': %s", dir, strerror(errno));
    for (const char *name; (name = os->readdir(os, d));) {
        uint64_t kib;
        if (!strncmp(name, "hugepages-", 10) && !parse_hugepage_dir(name, &kib)) {
            sys_fail(c, "unable to parse '%s/%s'", dir, name);
            os->closedir(os, d);
            free(*sizes);
            *sizes = NULL;
            *n = 0;
            return -1;
        }
        if (name[0] != 'h' || !parse_hugepage_dir(name, &kib))
            continue;
        for (size_t i = 0; i < *n; i++)   /* at most 22 sizes pass parse_hugepage_dir */
            if ((*sizes)[i] == kib) {
                sys_fail(c, "'%s/%s': page size %" PRIu64 " kB given twice", dir, name, kib);
                os->closedir(os, d);
                free(*sizes);
                *sizes = NULL;
                *n = 0;
                return -1;
            }
        *VN_APPEND(*sizes, *n) = kib;
    }
    os->closedir(os, d);
    for (size_t i = 1; i < *n; i++)              /* few entries: insertion sort */
        for (size_t j = i; j > 0 && (*sizes)[j - 1] > (*sizes)[j]; j--) {
            uint64_t t = (*sizes)[j];
            (*sizes)[j] = (*sizes)[j - 1];
            (*sizes)[j - 1] = t;
        }
    return 0;
}

static int load_pages(sysfs_ctx *c, const char *nodedir, vn_host_node *node)
{
    VN_AUTOFREE char *dir = vn_asprintf("%s/hugepages", nodedir);
    VN_AUTOFREE uint64_t *sizes = NULL;
    size_t n;
    if (list_hugepage_dirs(c, dir, &sizes, &n) < 0)
        return -1;
    uint64_t huge_kib = 0;
    /* The base page first: sizes ascending, as virNumaGetPages sorts. */
    vn_host_pages *base = VN_APPEND(node->pages, node->npages);
    base->size_kib = c->page_kib;
    for (size_t i = 0; i < n; i++) {
        vn_host_pages *pg = VN_APPEND(node->pages, node->npages);
        pg->size_kib = sizes[i];
        VN_AUTOFREE char *nr = vn_asprintf("%s/hugepages-%" PRIu64 "kB/nr_hugepages", dir, sizes[i]);
        VN_AUTOFREE char *fr = vn_asprintf("%s/hugepages-%" PRIu64 "kB/free_hugepages", dir, sizes[i]);
        int r = read_u64_file(c, nr, &pg->total);
        if (r == -1)
            return -1;
        r = read_u64_file(c, fr, &pg->free);
        if (r == -1)
            return -1;
        pg->has_free = r == 0;
        if (!pg->has_free)
            pg->free = pg->total;
        uint64_t kib;
        if (!vn_mul_u64(pg->total, sizes[i], &kib) || !vn_add_u64(huge_kib, kib, &huge_kib))
            return sys_fail(c, "'%s': huge page count too large", nr);
        vn_host_add_page_size(c->host, sizes[i]);
    }
    base = &node->pages[0];   /* VN_APPEND may have moved it */
    base->total = node->mem_kib > huge_kib ? (node->mem_kib - huge_kib) / c->page_kib : 0;
    base->free = node->free_kib / c->page_kib;
    base->has_free = node->has_free;
    return 0;
}

/* ---- distances ----------------------------------------------------- */

/* The node ids a distance file's values stand for: the online nodes, or
 * the possible ones (0..max) when the file has one value per possible node. */
static vn_bitmap *distance_order(sysfs_ctx *c, const vn_bitmap *dirs, size_t nvalues)
{
    VN_AUTOFREE char *online = vn_asprintf("%s/node/online", c->sys);
    VN_AUTOFREE char *possible = vn_asprintf("%s/node/possible", c->sys);
    vn_bitmap *b = NULL;
    if (read_list_file(c, online, &b) == -1)
        return NULL;
    if (b && vn_bitmap_count(b) == nvalues)
        return b;
    vn_bitmap_free(b);
    if (vn_bitmap_count(dirs) == nvalues)
        return vn_bitmap_copy(dirs);
    b = NULL;
    if (read_list_file(c, possible, &b) == -1)
        return NULL;
    if (b && vn_bitmap_count(b) == nvalues)
        return b;
    vn_bitmap_free(b);
    b = vn_bitmap_new();                          /* by index */
    for (size_t i = 0; i < nvalues && i < SYSFS_MAX_IDS; i++)
        vn_bitmap_set(b, (unsigned)i);
    return b;
}

static int load_distances(sysfs_ctx *c, const char *nodedir, const vn_bitmap *dirs,
                          vn_host_node *node)
{
    VN_AUTOFREE char *path = vn_asprintf("%s/distance", nodedir);
    VN_AUTOFREE char *text = NULL;
    int r = read_file(c, path, &text);
    if (r == -2)
        return 0;
    if (r < 0)
        return -1;
    VN_AUTOFREE unsigned *vals = NULL;
    size_t n = 0;
    for (char *save = NULL, *tok = strtok_r(text, " \t\n", &save); tok;
         tok = strtok_r(NULL, " \t\n", &save)) {
        uint64_t v;
        if (n >= VN_HOST_MAX_NODES || !vn_parse_u64_dec(tok, &v) || v > UINT32_MAX)
            return sys_fail(c, "cannot parse '%s': expected at most %u distances",
                            path, VN_HOST_MAX_NODES);
        *VN_APPEND(vals, n) = (unsigned)v;
    }
    vn_bitmap *order = distance_order(c, dirs, n);
    if (!order)
        return -1;
    size_t i = 0;
    vn_bitmap_foreach(order, id) {
        if (i >= n)
            break;
        unsigned v = vals[i++];
        if (!v || !vn_bitmap_is_set(dirs, (unsigned)id))
            continue;
        node->distance_ids = vn_reallocarray(node->distance_ids, node->ndistances + 1,
                                             sizeof(unsigned));
        node->distances = vn_reallocarray(node->distances, node->ndistances + 1,
                                          sizeof(unsigned));
        node->distance_ids[node->ndistances] = (unsigned)id;
        node->distances[node->ndistances++] = v;
    }
    vn_bitmap_free(order);
    return 0;
}

/* ---- nodes --------------------------------------------------------- */

static int load_node(sysfs_ctx *c, unsigned id, const vn_bitmap *dirs)
{
    vn_host_node *node = VN_APPEND(c->host->nodes, c->host->nnodes);
    node->id = id;
    VN_AUTOFREE char *dir = vn_asprintf("%s/node/node%u", c->sys, id);
    VN_AUTOFREE char *cpulist = vn_asprintf("%s/cpulist", dir);
    VN_AUTOFREE char *cpumap = vn_asprintf("%s/cpumap", dir);
    VN_AUTOFREE char *meminfo = vn_asprintf("%s/meminfo", dir);
    vn_bitmap *cpus = NULL;
    int r = read_list_file(c, cpulist, &cpus);
    if (r == -2)
        r = read_mask_file(c, cpumap, &cpus);
    if (r == -1)
        return -1;
    r = (cpus ? load_cpus(c, node, cpus) : 0);
    vn_bitmap_free(cpus);
    if (r < 0 || load_meminfo(c, meminfo, node) < 0 || load_pages(c, dir, node) < 0)
        return -1;
    return load_distances(c, dir, dirs, node);
}

static int load_numa(sysfs_ctx *c, const vn_bitmap *dirs)
{
    vn_bitmap_foreach(dirs, id)
        if (load_node(c, (unsigned)id, dirs) < 0)
            return -1;
    return 0;
}

/* No node/: one node 0 with every CPU and the machine's memory. */
static int load_fake(sysfs_ctx *c)
{
    VN_AUTOFREE char *cpudir = vn_asprintf("%s/cpu", c->sys);
    vn_bitmap *cpus = NULL;
    if (list_numbered(c, cpudir, "cpu", SYSFS_MAX_IDS, &cpus) == -1)
        return -1;
    vn_host_node *node = VN_APPEND(c->host->nodes, c->host->nnodes);
    c->host->numa_fake = true;
    int r = cpus ? load_cpus(c, node, cpus) : 0;
    vn_bitmap_free(cpus);
    if (r < 0)
        return -1;
    if (c->proc) {
        VN_AUTOFREE char *meminfo = vn_asprintf("%s/meminfo", c->proc);
        if (load_meminfo(c, meminfo, node) < 0)
            return -1;
    }
    vn_host_pages *base = VN_APPEND(node->pages, node->npages);
    base->size_kib = c->page_kib;
    base->total = node->mem_kib / c->page_kib;
    base->free = node->free_kib / c->page_kib;
    base->has_free = node->has_free;
    return 0;
}

/* Where the folders are, from ROOT. */
static int locate(sysfs_ctx *c, const char *root)
{
    bool live = !root[0] || !strcmp(root, "/");
    const char *r = live ? "" : root;
    char *p = vn_asprintf("%s/sys/devices/system", r);
    if (is_dir(p)) {
        c->sys = p;
        c->proc = vn_asprintf("%s/proc", r);
        c->mm_hugepages = vn_asprintf("%s/sys/kernel/mm/hugepages", r);
        return 0;
    }
    free(p);
    p = vn_asprintf("%s/system", r);
    if (is_dir(p)) {
        c->sys = p;
        return 0;
    }
    free(p);
    VN_AUTOFREE char *node = vn_asprintf("%s/node", r);
    VN_AUTOFREE char *cpu = vn_asprintf("%s/cpu", r);
    if (is_dir(node) || is_dir(cpu)) {
        c->sys = vn_strdup(root);
        return 0;
    }
    struct stat st;
    const vn_os *os = vn_os_current();
    if (os->fstatat(os, AT_FDCWD, live ? "/" : root, &st, 0) < 0)
        return sys_fail(c, "cannot read host '%s': %s", root, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return sys_fail(c, "cannot read host '%s': not a directory", root);
    return sys_fail(c, "no sysfs in '%s' (looked for sys/devices/system, system, node/ and cpu/)",
                    root);
}

vn_host *vn_host_load_sysfs(const char *root, vn_error *err)
{
    return vn_host_load_sysfs_with(root, NULL, err);
}

vn_host *vn_host_load_sysfs_with(const char *root, const vn_host_load_opts *o, vn_error *err)
{
    if (!root)
        root = "";
    sysfs_ctx c = {.host = vn_host_new(), .err = err, .page_kib = RECORDED_PAGE_KIB,
                   .cpu_owner = vn_calloc(SYSFS_MAX_IDS, sizeof(unsigned))};
    bool live = !root[0] || !strcmp(root, "/");
    c.host->source = vn_asprintf("sysfs:%s", live ? "/" : root);
    if (live) {
        const vn_os *os = vn_os_current();
        long ps = os->pagesize(os);
        if (ps >= 1024)
            c.page_kib = (uint64_t)ps / 1024;
    }
    int r = locate(&c, root);
    if (r == 0) {
        VN_AUTOFREE char *nodedir = vn_asprintf("%s/node", c.sys);
        vn_bitmap *dirs = NULL;
        r = list_numbered(&c, nodedir, "node", VN_HOST_MAX_NODES, &dirs);
        if (r == -2 || (r == 0 && vn_bitmap_is_empty(dirs)))
            r = load_fake(&c);
        else if (r == 0)
            r = load_numa(&c, dirs);
        vn_bitmap_free(dirs);
    }
    if (r == 0 && c.mm_hugepages) {
        VN_AUTOFREE uint64_t *sizes = NULL;
        size_t n;
        r = list_hugepage_dirs(&c, c.mm_hugepages, &sizes, &n);
        for (size_t i = 0; r == 0 && i < n; i++)
            vn_host_add_page_size(c.host, sizes[i]);
    }
    free(c.sys);
    free(c.proc);
    free(c.mm_hugepages);
    free(c.cpu_owner);
    if (r == 0 && !(o && o->whole_system)) {
        vn_host_cpuset cs;
        const char *cg = live && o && o->cpuset_root ? o->cpuset_root : root;
        r = vn_host_read_cpuset(cg, &cs, err);
        if (r == 0)
            vn_host_restrict(c.host, &cs);
    }
    if (r == 0)
        r = vn_host_check(c.host, err);
    if (r < 0) {
        if (!vn_error_isset(err))
            vn_error_set(err, VNUMA_ERR_HOST, "cannot read host '%s'", root);
        vn_host_free(c.host);
        return NULL;
    }
    return c.host;
}
