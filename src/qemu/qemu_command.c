/*
 * qemu_argv.c - the memory and NUMA part of the QEMU 7.2 command line, built
 * as libvirt 9.0's qemuBuildCommandLine builds it (src/qemu/qemu_command.c).
 *
 * Order and spelling follow libvirt: qemuBuildMachineCommandLine (only its
 * memory properties: mem-merge, nvdimm, sgx-epc, memory-backend, hmat),
 * qemuBuildMemCommandLine (-m, the default RAM backend "pc.ram",
 * -overcommit), qemuBuildSmpCommandLine, qemuBuildNumaCommandLine (cell
 * backends, thread contexts, -numa node/dist/hmat-lb/hmat-cache) and
 * qemuBuildMemoryDeviceCommandLine (backend objects and -device JSON).
 * Objects and devices are JSON with libvirt's key order
 * (qemuBuildMemoryBackendProps, qemuBuildMemoryDeviceProps).
 *
 * The QEMU 7.2 capabilities libvirt consults are fixed here: thread-context,
 * x-use-canonical-path-for-ramblock-id, memory-backend-memfd, smp dies,
 * virtio-mem prealloc, memory-backend reserve, memory-backend-file pmem; the
 * per-machine facts (default RAM id, numa-mem support) come from
 * caps_7.2.0.x86_64.xml.
 *
 * vn_argv_format prints the result as libvirt's virCommandToString does.
 */
#include "qemu/qemu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSTEM_PAGE_SIZE_KIB 4u     /* virGetSystemPageSizeKB() on x86_64 */
#define SHORT_NAME_MAX 20           /* VIR_DOMAIN_SHORT_NAME_MAX */
#define LOCAL_DISTANCE 10
#define REMOTE_DISTANCE 20

/* libvirt's error classes, as virsh prints them before the message */

/* ------------------------------------------------------------------ */
/* argv and its printing                                               */

void vn_argv_add(vn_argv *a, const char *s)
{
    *(char **)VN_APPEND(a->v, a->n) = vn_strdup(s);
}

void vn_argv_addf(vn_argv *a, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        abort();
    *(char **)VN_APPEND(a->v, a->n) = s;
}

void vn_argv_clear(vn_argv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

/* virBufferEscapeShell: quote only when a shell metacharacter is present. */
static void add_shell_escaped(vn_buf *b, const char *s)
{
    if (!*s) {
        vn_buf_add(b, "''");
        return;
    }
    if (!strpbrk(s, "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~")) {
        vn_buf_add(b, s);
        return;
    }
    vn_buf_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            vn_buf_add(b, "'\\'");
        vn_buf_addc(b, *s);
    }
    vn_buf_addc(b, '\'');
}

/* virCommandToStringBuf's line-break rule: a value stays on its option's
 * line; everything else starts a new line. */
static bool args_linebreak(const vn_argv *a, size_t i, bool *had_option)
{
    if (a->v[i][0] == '-') {
        *had_option = true;
        return true;
    }
    if (!*had_option)
        return true;
    for (size_t j = i - 1; j < a->n; j++)
        if (a->v[j][0] == '-')
            return false;
    return true;
}

char *vn_argv_format(const vn_argv *a, vn_argv_style style)
{
    vn_buf b = {0};
    bool had_option = false;

    vn_buf_add(&b, "");
    if (style == VN_ARGV_JSON) {
        vn_buf_addc(&b, '[');
        for (size_t i = 0; i < a->n; i++) {
            if (i)
                vn_buf_addc(&b, ',');
            vn_buf_add_json_string(&b, a->v[i]);
        }
        vn_buf_add(&b, "]\n");
        return vn_buf_steal(&b);
    }
    for (size_t i = 0; i < a->n; i++) {
        if (i) {
            vn_buf_addc(&b, ' ');
            if (style == VN_ARGV_ARGS && args_linebreak(a, i, &had_option))
                vn_buf_add(&b, "\\\n");
        }
        add_shell_escaped(&b, a->v[i]);
    }
    if (a->n)
        vn_buf_addc(&b, '\n');
    return vn_buf_steal(&b);
}

/* ------------------------------------------------------------------ */
/* JSON objects: libvirt's virJSONValueObjectAdd, in insertion order    */

static void jkey(vn_buf *b, const char *key)
{
    vn_buf_addc(b, ',');
    vn_buf_add_json_string(b, key);
    vn_buf_addc(b, ':');
}

static void jstr(vn_buf *b, const char *key, const char *v)
{
    jkey(b, key);
    vn_buf_add_json_string(b, v);
}

static void jbool(vn_buf *b, const char *key, bool v)
{
    jkey(b, key);
    vn_buf_add(b, v ? "true" : "false");
}

static void ju64(vn_buf *b, const char *key, uint64_t v)
{
    jkey(b, key);
    vn_buf_addf(b, "%llu", (unsigned long long)v);
}

/* "T:": a tristate, left out when absent. */
static void jtristate(vn_buf *b, const char *key, vn_tristate v)
{
    if (v == VN_TRISTATE_YES || v == VN_TRISTATE_NO)
        jbool(b, key, v == VN_TRISTATE_YES);
}

static void jnodes(vn_buf *b, const char *key, const vn_bitmap *nodes)
{
    bool first = true;
    jkey(b, key);
    vn_buf_addc(b, '[');
    vn_bitmap_foreach(nodes, n) {
        vn_buf_addf(b, "%s%d", first ? "" : ",", n);
        first = false;
    }
    vn_buf_addc(b, ']');
}

/* ------------------------------------------------------------------ */
/* Build context                                                        */

typedef struct ctx {
    vn_domain *dom;
    const vn_host *host;
    const vn_config *cfg;
    const vn_bitmap *auto_nodeset; /* priv->autoNodeset: dom->auto_nodeset */
    bool mem_prealloc;         /* priv->memPrealloc: -mem-prealloc given */
    char **mem_alias;          /* per memory device */
    unsigned *mem_slot;        /* per dimm/nvdimm device */
    bool *mem_has_slot;
    vn_argv *out;
    vn_error *err;
} ctx;

/* One memory backend as qemuBuildMemoryBackendProps sees it
 * (virDomainMemoryDef: a cell's RAM, the default RAM or a device). */
typedef struct memview {
    vn_memory_model model;
    vn_mem_access access;
    vn_tristate discard;
    int target_node;
    uint64_t size_kib;
    uint64_t pagesize_kib;
    const char *nvdimm_path;
    uint64_t alignsize_kib;
    bool pmem;
    const vn_bitmap *source_nodes;
    const char *alias;         /* mem->info.alias, for file paths */
} memview;

/* The result: {"qom-type":type,"id":id<body>} */
typedef struct backend {
    const char *type;
    char *id;
    vn_buf body;
    const vn_bitmap *host_nodes;   /* set when "host-nodes" was added */
    bool prealloc;
    int rc;                    /* 1: no backend needed (legacy -numa mem=) */
} backend;

static void backend_clear(backend *be)
{
    free(be->id);
    vn_buf_free(&be->body);
    memset(be, 0, sizeof(*be));
}

static bool is_auto_placement(const vn_domain *d)
{
    return d->numatune_specified && d->numatune_placement == VN_NUMATUNE_PLACEMENT_AUTO;
}

static bool cell_memnode(const vn_domain *d, int cell)
{
    return cell >= 0 && (size_t)cell < d->ncells && d->cells[cell].has_memnode;
}

/* virDomainNumatuneGetNodeset */
static const vn_bitmap *numatune_nodeset(const ctx *c, int cell)
{
    const vn_domain *d = c->dom;
    if (is_auto_placement(d))
        return c->auto_nodeset;
    if (cell_memnode(d, cell))
        return d->cells[cell].memnode_nodeset;
    if (!d->numatune_specified)
        return NULL;
    return d->numatune_nodeset;
}

/* virDomainNumatuneMaybeGetNodeset */
static int numatune_maybe_nodeset(const ctx *c, int cell, const vn_bitmap **out)
{
    *out = NULL;
    if (!cell_memnode(c->dom, cell) && !c->dom->numatune_specified)
        return 0;
    if (is_auto_placement(c->dom) && !c->auto_nodeset) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                     "Advice from numad is needed in case of automatic numa placement");
        return -1;
    }
    *out = numatune_nodeset(c, cell);
    return 0;
}

/* virDomainNumatuneGetMode: -1 when no mode was given */
static int numatune_mode(const vn_domain *d, int cell, vn_numatune_mode *mode)
{
    if (cell_memnode(d, cell))
        *mode = d->cells[cell].memnode_mode;
    else if (d->numatune_specified)
        *mode = d->numatune_mode;
    else
        return -1;
    return 0;
}

/* virNumaNodesetIsAvailable (skipped without a host) */
static bool nodeset_available(const ctx *c, const vn_bitmap *nodes)
{
    if (!nodes || !c->host)
        return true;
    vn_bitmap_foreach(nodes, n) {
        if (!vn_host_has_node(c->host, (unsigned)n)) {
            vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_UNSUPPORTED,
                          "NUMA node %d is unavailable", n);
            return false;
        }
    }
    return true;
}

/* virDomainDefGetShortName: "ID-NAME" with NAME cut to 20 characters. */
static char *short_name(const ctx *c)
{
    const char *name = c->dom->name ? c->dom->name : "";
    const unsigned char *p = (const unsigned char *)name;
    size_t chars = 0;
    bool utf8 = true;

    while (*p && chars < SHORT_NAME_MAX) {
        size_t len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
                   : (*p & 0xf8) == 0xf0 ? 4 : 0;
        for (size_t k = 1; k < len; k++)
            if ((p[k] & 0xc0) != 0x80)
                len = 0;
        if (!len) {
            utf8 = false;
            break;
        }
        p += len;
        chars++;
    }
    size_t bytes = utf8 ? (size_t)(p - (const unsigned char *)name)
                        : strnlen(name, SHORT_NAME_MAX);
    return vn_asprintf("%d-%.*s", c->cfg->domain_id, (int)bytes, name);
}

/* qemuGetDomainHupageMemPath */
static char *hugepage_path(const ctx *c, uint64_t pagesize_kib)
{
    if (!c->cfg->nmounts) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                     "hugetlbfs filesystem is not mounted or disabled by administrator config");
        return NULL;
    }
    const vn_hugetlbfs *m = vn_config_mount_for(c->cfg, pagesize_kib);
    if (!m || pagesize_kib == 0) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                     "Unable to find any usable hugetlbfs mount for %llu KiB",
                     (unsigned long long)pagesize_kib);
        return NULL;
    }
    VN_AUTOFREE char *sn = short_name(c);
    return vn_asprintf("%s/libvirt/qemu/%s", m->path, sn);
}

/* qemuGetMemoryBackingPath */
static char *backing_path(const ctx *c, const char *alias)
{
    VN_AUTOFREE char *sn = short_name(c);
    return vn_asprintf("%s/%s/%s", c->cfg->memory_backing_dir, sn, alias);
}

/* qemuBuildMemoryGetDefaultPagesize */
static int default_pagesize(const ctx *c, uint64_t *pagesize)
{
    if (!c->cfg->nmounts) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                     "hugetlbfs filesystem is not mounted or disabled by administrator config");
        return -1;
    }
    *pagesize = c->cfg->mounts[0].size_kib;
    return 0;
}

typedef struct pageinfo {
    uint64_t pagesize;
    bool need_hugepage, use_hugepage, prealloc;
} pageinfo;

/* qemuBuildMemoryGetPagesize */
static int get_pagesize(const ctx *c, const memview *m, pageinfo *pi)
{
    const vn_domain *d = c->dom;
    uint64_t pagesize = m->pagesize_kib;
    bool need = pagesize != 0, use = pagesize != 0, prealloc = false;

    if (pagesize == 0) {
        bool by_nodeset;
        const vn_hugepage *hp = vn_domain_hugepage_for_node(d, m->target_node, &by_nodeset);
        if (by_nodeset)
            need = true;
        if (hp) {
            pagesize = hp->size_kib;
            use = true;
        }
    }

    if (pagesize == SYSTEM_PAGE_SIZE_KIB) {
        pagesize = 0;
        need = use = false;
    } else if (use && pagesize == 0) {
        if (default_pagesize(c, &pagesize) < 0)
            return -1;
    }

    if (d->allocation == VN_MEM_ALLOC_IMMEDIATE)
        prealloc = true;
    if (m->nvdimm_path) {
        if (!m->pmem && m->model != VN_MEMORY_MODEL_VIRTIO_PMEM)
            prealloc = true;
    } else if (use) {
        prealloc = true;
    }

    pi->pagesize = pagesize;
    pi->need_hugepage = need;
    pi->use_hugepage = use;
    pi->prealloc = prealloc;
    return 0;
}

static void add_share(vn_buf *b, vn_mem_access access)
{
    if (access == VN_MEM_ACCESS_SHARED)
        jbool(b, "share", true);
    else if (access == VN_MEM_ACCESS_PRIVATE)
        jbool(b, "share", false);
}

static int add_bytes(const ctx *c, vn_buf *b, const char *key, uint64_t kib, bool positive_only)
{
    uint64_t bytes;
    if (positive_only && kib == 0)
        return 0;
    if (!vn_mul_u64(kib, 1024, &bytes)) {
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "size of '%s' overflows", key);
        return -1;
    }
    ju64(b, key, bytes);
    return 0;
}

/* The backend type and its file/memfd properties. */
static int backend_source(const ctx *c, const memview *m, const pageinfo *pi,
                          vn_mem_access access, vn_tristate discard,
                          bool system_memory, backend *be, bool *no_canonical)
{
    const vn_domain *d = c->dom;
    if (m->model == VN_MEMORY_MODEL_SGX_EPC) {
        be->type = "memory-backend-epc";
    } else if (!m->nvdimm_path && d->source == VN_MEM_SOURCE_MEMFD) {
        be->type = "memory-backend-memfd";
        if (pi->use_hugepage) {
            jbool(&be->body, "hugetlb", true);
            if (add_bytes(c, &be->body, "hugetlbsize", pi->pagesize, false) < 0)
                return -1;
        }
        add_share(&be->body, access);
        *no_canonical = system_memory;
    } else if (pi->use_hugepage || m->nvdimm_path || access != VN_MEM_ACCESS_DEFAULT ||
               d->source == VN_MEM_SOURCE_FILE) {
        be->type = "memory-backend-file";
        VN_AUTOFREE char *path = NULL;
        if (m->nvdimm_path)
            path = vn_strdup(m->nvdimm_path);
        else if (pi->use_hugepage)
            path = hugepage_path(c, pi->pagesize);
        else
            path = backing_path(c, m->alias);
        if (!path)
            return -1;
        jstr(&be->body, "mem-path", path);
        if (!m->nvdimm_path)
            jtristate(&be->body, "discard-data", discard);
        add_share(&be->body, access);
        *no_canonical = system_memory;
    } else {
        be->type = "memory-backend-ram";
    }
    return 0;
}

/* qemuBuildMemoryBackendProps */
static int backend_props(ctx *c, const char *alias, const memview *m, bool force,
                         bool system_memory, backend *be)
{
    const vn_domain *d = c->dom;
    vn_mem_access access = m->access;
    vn_tristate discard = m->discard;
    vn_numatune_mode mode;
    pageinfo pi;
    bool no_canonical = false;
    const vn_bitmap *nodemask = NULL;

    memset(be, 0, sizeof(*be));
    be->id = vn_strdup(alias);
    vn_buf_add(&be->body, "");

    if (m->target_node >= 0 && (size_t)m->target_node < d->ncells) {
        const vn_cell *cell = &d->cells[m->target_node];
        if (access == VN_MEM_ACCESS_DEFAULT)
            access = cell->mem_access;
        if (discard == VN_TRISTATE_ABSENT)
            discard = cell->discard;
    }
    if (access == VN_MEM_ACCESS_DEFAULT)
        access = d->access;
    if (discard == VN_TRISTATE_ABSENT)
        discard = d->discard;

    if (numatune_mode(d, m->target_node, &mode) < 0 && numatune_mode(d, -1, &mode) < 0)
        mode = VN_NUMATUNE_STRICT;

    if (get_pagesize(c, m, &pi) < 0)
        return -1;
    if (backend_source(c, m, &pi, access, discard, system_memory, be, &no_canonical) < 0)
        return -1;
    if (m->model == VN_MEMORY_MODEL_SGX_EPC && !c->mem_prealloc)
        pi.prealloc = true;

    if (no_canonical)
        jbool(&be->body, "x-use-canonical-path-for-ramblock-id", false);

    if (m->model == VN_MEMORY_MODEL_VIRTIO_MEM) {
        /* QEMU 7.2 has virtio-mem-pci.prealloc: the device gets it */
        jbool(&be->body, "reserve", false);
    } else if (!c->mem_prealloc) {
        if (pi.prealloc)
            jbool(&be->body, "prealloc", true);
        if (d->allocation_threads)
            ju64(&be->body, "prealloc-threads", d->allocation_threads);
        be->prealloc = pi.prealloc;
    }

    if (add_bytes(c, &be->body, "size", m->size_kib, false) < 0 ||
        add_bytes(c, &be->body, "align", m->alignsize_kib, true) < 0)
        return -1;
    if (m->pmem)
        jbool(&be->body, "pmem", true);

    if (m->source_nodes)
        nodemask = m->source_nodes;
    else if (numatune_maybe_nodeset(c, m->target_node, &nodemask) < 0)
        return -1;
    if (nodemask && !nodeset_available(c, nodemask))
        return -1;
    if (nodemask && mode != VN_NUMATUNE_RESTRICTIVE) {
        static const char *const policy[] = {"bind", "preferred", "interleave", "restrictive"};
        jnodes(&be->body, "host-nodes", nodemask);
        jstr(&be->body, "policy", policy[mode]);
        be->host_nodes = nodemask;
    }

    if (!pi.need_hugepage && !m->source_nodes && !cell_memnode(d, m->target_node) &&
        !m->nvdimm_path && access == VN_MEM_ACCESS_DEFAULT &&
        d->source != VN_MEM_SOURCE_FILE && d->source != VN_MEM_SOURCE_MEMFD && !force)
        be->rc = 1;
    return 0;
}

static void add_object(ctx *c, const char *type, const char *id, const char *body)
{
    vn_buf b = {0};
    vn_buf_add(&b, "{\"qom-type\":");
    vn_buf_add_json_string(&b, type);
    vn_buf_add(&b, ",\"id\":");
    vn_buf_add_json_string(&b, id);
    vn_buf_add(&b, body);
    vn_buf_addc(&b, '}');
    vn_argv_add(c->out, "-object");
    vn_argv_add(c->out, b.s);
    vn_buf_free(&b);
}

/* qemuBuildThreadContextProps, then the backend object itself. */
static void emit_backend(ctx *c, backend *be)
{
    if (be->host_nodes && be->prealloc) {
        VN_AUTOFREE char *tc = vn_asprintf("tc-%s", be->id);
        vn_buf b = {0};
        jnodes(&b, "node-affinity", be->host_nodes);
        add_object(c, "thread-context", tc, b.s);
        vn_buf_free(&b);
        jstr(&be->body, "prealloc-context", tc);
    }
    add_object(c, be->type, be->id, be->body.s);
}

/* ------------------------------------------------------------------ */
/* QEMU 7.2 machine facts (caps_7.2.0.x86_64.xml)                        */

/* "pc-i440fx-X.Y" / "pc-q35-X.Y": version as X*100+Y, or -1. */
static int machine_version(const char *machine, const char *prefix)
{
    size_t n = strlen(prefix);
    unsigned major, minor;
    if (strncmp(machine, prefix, n) != 0)
        return -1;
    int r = sscanf(machine + n, "%u.%u", &major, &minor);
    if (r < 2 || major > 100 || minor > 99)
        return -1;
    return (int)(major * 100 + minor);
}

/* numaMemSupported: machine types up to 5.0 still take -numa node,mem=. */
static bool machine_numa_mem_supported(const char *machine)
{
    int v;
    if (!machine)
        return false;
    if ((v = machine_version(machine, "pc-i440fx-")) >= 0)
        return v >= 104 && v <= 500;
    if ((v = machine_version(machine, "pc-q35-")) >= 0)
        return v >= 204 && v <= 500;
    return false;
}

/* defaultRAMid */
static const char *machine_default_ram_id(const char *machine)
{
    if (!machine)
        return "pc.ram";
    if (!strcmp(machine, "microvm"))
        return "microvm.ram";
    if (!strcmp(machine, "pc") || !strcmp(machine, "q35") || !strcmp(machine, "isapc") ||
        !strncmp(machine, "pc-", 3))
        return "pc.ram";
    return NULL;
}

static bool machine_is_q35(const char *machine)
{
    return machine && (!strcmp(machine, "q35") || !strncmp(machine, "pc-q35-", 7));
}

static bool has_memory_hotplug(const vn_domain *d)
{
    return d->memory_slots > 0 || d->max_memory_kib > 0;
}

static bool numa_has_hmat(const vn_domain *d)
{
    if (d->ninterconnects)
        return true;
    for (size_t i = 0; i < d->ncells; i++)
        if (d->cells[i].ncaches)
            return true;
    return false;
}

/* ------------------------------------------------------------------ */
/* Memory device aliases and slots (qemu_alias.c, qemu_domain_address.c)  */

static const char *memdev_prefix(vn_memory_model m)
{
    switch (m) {
    case VN_MEMORY_MODEL_DIMM: return "dimm";
    case VN_MEMORY_MODEL_NVDIMM: return "nvdimm";
    case VN_MEMORY_MODEL_VIRTIO_PMEM: return "virtiopmem";
    case VN_MEMORY_MODEL_VIRTIO_MEM: return "virtiomem";
    case VN_MEMORY_MODEL_SGX_EPC: return "epc";
    default: return NULL;
    }
}

/* qemuDomainDeviceAliasIndex */
static int alias_index(const char *alias, const char *prefix)
{
    size_t n = strlen(prefix);
    int idx;
    if (!alias || strncmp(alias, prefix, n) != 0 || !vn_parse_int(alias + n, &idx))
        return -1;
    return idx;
}

/* qemuDomainAssignMemorySlots, then qemuAssignDeviceMemoryAlias. */
static int assign_memdevs(ctx *c)
{
    vn_domain *d = c->dom;
    size_t n = d->nmemdevs;

    c->mem_alias = vn_calloc(n + 1, sizeof(char *));
    c->mem_slot = vn_calloc(n + 1, sizeof(unsigned));
    c->mem_has_slot = vn_calloc(n + 1, sizeof(bool));
    for (size_t i = 0; i < n; i++) {
        c->mem_has_slot[i] = d->memdevs[i].addr_type == VN_MEMDEV_ADDR_DIMM;
        c->mem_slot[i] = d->memdevs[i].addr_slot;
    }

    if (has_memory_hotplug(d)) {
        /* n devices take at most n slots, so the first free slot is below
         * n + 1: only those are tracked (slots='-6' is 4294967290 slots, as
         * libvirt's virStrToLong_ui reads it; no array that large) */
        size_t track = d->memory_slots < n + 1 ? d->memory_slots : n + 1;
        VN_AUTOFREE bool *used = vn_calloc(track + 1, sizeof(bool));
        for (size_t i = 0; i < n; i++)
            if (c->mem_has_slot[i] && c->mem_slot[i] < track)
                used[c->mem_slot[i]] = true;
        for (size_t i = 0; i < n; i++) {
            vn_memory_model m = d->memdevs[i].model;
            if ((m != VN_MEMORY_MODEL_DIMM && m != VN_MEMORY_MODEL_NVDIMM) || c->mem_has_slot[i])
                continue;
            unsigned s = 0;
            while (s < track && used[s])
                s++;
            if (s >= track) {
                vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                              "failed to find an empty memory slot");
                return -1;
            }
            used[s] = true;
            c->mem_slot[i] = s;
            c->mem_has_slot[i] = true;
        }
    }

    for (size_t i = 0; i < n; i++) {
        const vn_memdev *md = &d->memdevs[i];
        const char *prefix = memdev_prefix(md->model);
        if (md->alias) {
            c->mem_alias[i] = vn_strdup(md->alias);
            continue;
        }
        if (!prefix) {
            vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "unsupported memory model");
            return -1;
        }
        int idx = 0;
        if (md->model == VN_MEMORY_MODEL_DIMM || md->model == VN_MEMORY_MODEL_NVDIMM) {
            idx = (int)c->mem_slot[i];
        } else {
            for (size_t j = 0; j < n; j++) {
                int k = alias_index(c->mem_alias[j], prefix);
                if (k >= idx)
                    idx = k + 1;
            }
        }
        c->mem_alias[i] = vn_asprintf("%s%d", prefix, idx);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The command line sections                                           */

/* qemuBuildMachineCommandLine: the machine type and its memory properties */
static void build_machine(ctx *c)
{
    const vn_domain *d = c->dom;
    vn_buf b = {0};
    bool nvdimm = false;
    int epc = 0;

    vn_buf_add(&b, d->machine ? d->machine : "pc");
    if (d->nosharepages)
        vn_buf_add(&b, ",mem-merge=off");
    for (size_t i = 0; i < d->nmemdevs; i++) {
        if (d->memdevs[i].model == VN_MEMORY_MODEL_NVDIMM && !nvdimm) {
            vn_buf_add(&b, ",nvdimm=on");
            nvdimm = true;
        } else if (d->memdevs[i].model == VN_MEMORY_MODEL_SGX_EPC) {
            int node = d->memdevs[i].target_node < 0 ? 0 : d->memdevs[i].target_node;
            vn_buf_addf(&b, ",sgx-epc.%d.memdev=mem%s,sgx-epc.%d.node=%d",
                        epc, c->mem_alias[i], epc, node);
            epc++;
        }
    }
    if (!d->ncells) {
        const char *ram = machine_default_ram_id(d->machine);
        if (ram)
            vn_buf_addf(&b, ",memory-backend=%s", ram);
    }
    if (numa_has_hmat(d))
        vn_buf_add(&b, ",hmat=on");
    vn_argv_add(c->out, "-machine");
    vn_argv_add(c->out, b.s);
    vn_buf_free(&b);
}

/* qemuBuildMemPathStr: legacy -mem-prealloc / -mem-path */
static int build_mem_path(ctx *c)
{
    const vn_domain *d = c->dom;
    VN_AUTOFREE char *path = NULL;
    bool prealloc = false;

    if (d->nhugepages && d->hugepages[0].size_kib != SYSTEM_PAGE_SIZE_KIB) {
        uint64_t pagesize = d->hugepages[0].size_kib;
        if (!pagesize && default_pagesize(c, &pagesize) < 0)
            return -1;
        if (!(path = hugepage_path(c, pagesize)))
            return -1;
        prealloc = true;
    } else if (d->source == VN_MEM_SOURCE_FILE) {
        path = backing_path(c, "ram");
    }
    if (d->allocation == VN_MEM_ALLOC_IMMEDIATE)
        prealloc = true;
    if (prealloc && !c->mem_prealloc) {
        vn_argv_add(c->out, "-mem-prealloc");
        c->mem_prealloc = true;
    }
    if (path) {
        vn_argv_add(c->out, "-mem-path");
        vn_argv_add(c->out, path);
    }
    return 0;
}

/* qemuBuildMemCommandLine */
static int build_mem(ctx *c)
{
    const vn_domain *d = c->dom;
    uint64_t initial = vn_domain_memory_initial_kib(d);
    const char *ram = machine_default_ram_id(d->machine);

    vn_argv_add(c->out, "-m");
    if (has_memory_hotplug(d))
        vn_argv_addf(c->out, "size=%lluk,slots=%u,maxmem=%lluk", (unsigned long long)initial,
                     d->memory_slots, (unsigned long long)d->max_memory_kib);
    else
        vn_argv_addf(c->out, "%llu", (unsigned long long)(initial / 1024));

    if (ram) {
        if (!d->ncells) {
            memview m = {.target_node = -1, .size_kib = initial, .alias = ram};
            backend be;
            int r = backend_props(c, ram, &m, false, true, &be);
            if (r == 0)
                emit_backend(c, &be);
            backend_clear(&be);
            if (r < 0)
                return -1;
        }
    } else if (!d->ncells && build_mem_path(c) < 0) {
        return -1;
    }

    vn_argv_add(c->out, "-overcommit");
    vn_argv_addf(c->out, "mem-lock=%s", d->locked ? "on" : "off");
    return 0;
}

/* qemuBuildSmpCommandLine */
static void build_smp(ctx *c)
{
    const vn_domain *d = c->dom;
    unsigned nvcpus = 0;
    vn_buf b = {0};

    if (d->vcpu_info) {
        for (unsigned i = 0; i < d->maxvcpus; i++)
            if (d->vcpu_info[i].online && d->vcpu_info[i].hotpluggable != VN_TRISTATE_YES)
                nvcpus++;
    } else {
        nvcpus = d->vcpus_current ? d->vcpus_current : d->maxvcpus;
    }
    vn_buf_addf(&b, "%u", nvcpus);
    if (nvcpus != d->maxvcpus)
        vn_buf_addf(&b, ",maxcpus=%u", d->maxvcpus);
    if (d->has_topology && d->sockets)
        vn_buf_addf(&b, ",sockets=%u,dies=%u,cores=%u,threads=%u", d->sockets,
                    d->dies ? d->dies : 1, d->cores, d->threads);
    else
        vn_buf_addf(&b, ",sockets=%u,cores=1,threads=1", d->maxvcpus);
    vn_argv_add(c->out, "-smp");
    vn_argv_add(c->out, b.s);
    vn_buf_free(&b);
}

/* virDomainNumaGetNodeInitiator */
static long cell_initiator(const vn_domain *d, size_t node)
{
    uint64_t max_bw = 0, min_lat = UINT64_MAX;
    long cand_bw = -1, cand_lat = -1;

    if (d->cells[node].cpus && !vn_bitmap_is_empty(d->cells[node].cpus))
        return (long)node;
    for (size_t i = 0; i < d->ninterconnects; i++) {
        const vn_interconnect *l = &d->interconnects[i];
        if (l->target != node)
            continue;
        if (l->kind == VN_INTERCONNECT_LATENCY && l->value < min_lat) {
            min_lat = l->value;
            cand_lat = l->initiator;
        } else if (l->kind == VN_INTERCONNECT_BANDWIDTH && l->value > max_bw) {
            max_bw = l->value;
            cand_bw = l->initiator;
        }
    }
    return cand_lat >= 0 ? cand_lat : cand_bw;
}

/* virDomainNumaGetNodeDistance: 0 when not configured */
static unsigned cell_distance_raw(const vn_domain *d, size_t node, size_t sibling)
{
    const vn_cell *cell = &d->cells[node];
    for (size_t k = 0; k < cell->ndistances; k++)
        if (cell->distances[k].cellid == sibling)
            return cell->distances[k].value;
    return 0;
}

static unsigned cell_distance(const vn_domain *d, size_t node, size_t sibling)
{
    unsigned v = cell_distance_raw(d, node, sibling);
    if (!v)
        return node == sibling ? LOCAL_DISTANCE : REMOTE_DISTANCE;
    return v;
}

/* virDomainNumaNodesDistancesAreBeingSet */
static bool distances_set(const vn_domain *d)
{
    for (size_t i = 0; i < d->ncells; i++) {
        if (!d->cells[i].ndistances)
            continue;
        for (size_t j = 0; j < d->ncells; j++) {
            unsigned v = cell_distance_raw(d, i, j);
            if (v != LOCAL_DISTANCE && v != REMOTE_DISTANCE)
                return true;
        }
    }
    return false;
}

/* qemuBuildNumaCPUs: one cpus= per range */
static void add_numa_cpus(vn_buf *b, const vn_bitmap *cpus)
{
    if (!cpus || vn_bitmap_is_empty(cpus))
        return;
    VN_AUTOFREE char *s = vn_bitmap_format(cpus);
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        vn_buf_addf(b, ",cpus=%s", tok);
}

/* qemuBuildNumaHMATCommandLine */
static void build_hmat_lb(ctx *c)
{
    static const char *const hierarchy[] = {"memory", "first-level", "second-level", "third-level"};
    static const char *const access[] = {"none", "access", "read", "write"};
    const vn_domain *d = c->dom;

    for (size_t i = 0; i < d->ninterconnects; i++) {
        const vn_interconnect *l = &d->interconnects[i];
        const char *h = l->cache < VN_ARRAY_LEN(hierarchy) ? hierarchy[l->cache] : "(null)";
        const char *a = (unsigned)l->type < VN_ARRAY_LEN(access) ? access[l->type] : "(null)";
        vn_argv_add(c->out, "-numa");
        if (l->kind == VN_INTERCONNECT_LATENCY)
            vn_argv_addf(c->out, "hmat-lb,initiator=%u,target=%u,hierarchy=%s,data-type=%s-latency,latency=%llu",
                         l->initiator, l->target, h, a, (unsigned long long)l->value);
        else
            vn_argv_addf(c->out, "hmat-lb,initiator=%u,target=%u,hierarchy=%s,data-type=%s-bandwidth,bandwidth=%lluK",
                         l->initiator, l->target, h, a, (unsigned long long)l->value);
    }
}

/* qemuBuildNumaCellCache */
static void build_cell_caches(ctx *c, size_t cell)
{
    static const char *const assoc[] = {"none", "direct", "complex"};
    static const char *const policy[] = {"none", "write-back", "write-through"};
    const vn_cell *cl = &c->dom->cells[cell];

    for (size_t i = 0; i < cl->ncaches; i++) {
        const vn_cache *k = &cl->caches[i];
        vn_buf b = {0};
        vn_buf_addf(&b, "hmat-cache,node-id=%zu,size=%lluK,level=%u", cell,
                    (unsigned long long)k->size_kib, k->level);
        if ((unsigned)k->assoc < VN_ARRAY_LEN(assoc))
            vn_buf_addf(&b, ",associativity=%s", assoc[k->assoc]);
        if ((unsigned)k->policy < VN_ARRAY_LEN(policy))
            vn_buf_addf(&b, ",policy=%s", policy[k->policy]);
        if (k->line_bytes > 0)
            vn_buf_addf(&b, ",line=%llu", (unsigned long long)k->line_bytes);
        vn_argv_add(c->out, "-numa");
        vn_argv_add(c->out, b.s);
        vn_buf_free(&b);
    }
}

/* virDomainNumatuneNodesetIsAvailable */
static bool numatune_nodesets_available(ctx *c)
{
    if (!nodeset_available(c, numatune_nodeset(c, -1)))
        return false;
    for (size_t i = 0; i < c->dom->ncells; i++)
        if (!nodeset_available(c, numatune_nodeset(c, (int)i)))
            return false;
    return true;
}

static void build_numa_nodes(ctx *c, backend *be, bool need_backend, bool hmat, long master)
{
    const vn_domain *d = c->dom;
    for (size_t i = 0; i < d->ncells; i++) {
        long initiator = cell_initiator(d, i);
        vn_buf b = {0};
        if (need_backend)
            emit_backend(c, &be[i]);
        vn_buf_addf(&b, "node,nodeid=%zu", i);
        add_numa_cpus(&b, d->cells[i].cpus);
        if (hmat)
            vn_buf_addf(&b, ",initiator=%ld", initiator < 0 ? master : initiator);
        if (need_backend)
            vn_buf_addf(&b, ",memdev=ram-node%zu", i);
        else
            vn_buf_addf(&b, ",mem=%llu", (unsigned long long)(d->cells[i].mem_kib / 1024));
        vn_argv_add(c->out, "-numa");
        vn_argv_add(c->out, b.s);
        vn_buf_free(&b);
    }
}

/* qemuBuildNumaCommandLine */
static int build_numa(ctx *c)
{
    const vn_domain *d = c->dom;
    size_t n = d->ncells;
    bool need_backend = !machine_numa_mem_supported(d->machine);
    bool hmat = numa_has_hmat(d);
    long master = -1;
    int ret = -1;
    backend *be = vn_calloc(n + 1, sizeof(backend));

    if (!numatune_nodesets_available(c))
        goto out;
    if (hmat)
        need_backend = true;

    for (size_t i = 0; i < n; i++) {
        VN_AUTOFREE char *alias = vn_asprintf("ram-node%zu", i);
        memview m = {.target_node = (int)i, .size_kib = d->cells[i].mem_kib, .alias = alias};
        if (backend_props(c, alias, &m, false, false, &be[i]) < 0)
            goto out;
        if (be[i].rc == 0)
            need_backend = true;
    }
    if (!need_backend && build_mem_path(c) < 0)
        goto out;

    for (size_t i = 0; i < n && master < 0; i++)
        if (d->cells[i].cpus && !vn_bitmap_is_empty(d->cells[i].cpus))
            master = (long)i;
    if (master < 0) {
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "At least one NUMA node has to have CPUs");
        goto out;
    }

    build_numa_nodes(c, be, need_backend, hmat, master);

    if (distances_set(d)) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                vn_argv_add(c->out, "-numa");
                vn_argv_addf(c->out, "dist,src=%zu,dst=%zu,val=%u", i, j, cell_distance(d, i, j));
            }
        }
    }
    if (hmat) {
        build_hmat_lb(c);
        for (size_t i = 0; i < n; i++)
            build_cell_caches(c, i);
    }
    ret = 0;
out:
    for (size_t i = 0; i < n; i++)
        backend_clear(&be[i]);
    free(be);
    return ret;
}

/* qemuBuildDeviceAddressProps for DIMM and PCI addresses */
static void add_device_address(const ctx *c, vn_buf *b, size_t i)
{
    const vn_memdev *md = &c->dom->memdevs[i];
    if (md->addr_type == VN_MEMDEV_ADDR_PCI) {
        const char *root = machine_is_q35(c->dom->machine) ? "pcie.0" : "pci.0";
        VN_AUTOFREE char *bus = md->pci_bus ? vn_asprintf("pci.%u", md->pci_bus) : vn_strdup(root);
        jstr(b, "bus", bus);
        jtristate(b, "multifunction", md->pci_multifunction);
        VN_AUTOFREE char *addr = md->pci_function
            ? vn_asprintf("0x%x.0x%x", md->pci_slot, md->pci_function)
            : vn_asprintf("0x%x", md->pci_slot);
        jstr(b, "addr", addr);
    } else if (c->mem_has_slot[i]) {
        ju64(b, "slot", c->mem_slot[i]);
        if (md->addr_base)
            ju64(b, "addr", md->addr_base);
    }
}

static memview memdev_view(const vn_memdev *md, const char *alias)
{
    bool has_path = md->model == VN_MEMORY_MODEL_NVDIMM || md->model == VN_MEMORY_MODEL_VIRTIO_PMEM;
    memview m = {
        .model = md->model, .access = md->access, .discard = md->discard,
        .target_node = md->target_node, .size_kib = md->size_kib,
        .pagesize_kib = md->pagesize_kib, .nvdimm_path = has_path ? md->path : NULL,
        .alignsize_kib = md->alignsize_kib, .pmem = md->pmem,
        .source_nodes = md->source_nodes, .alias = alias,
    };
    return m;
}

/* qemuBuildMemoryDeviceProps */
static int build_memdev_device(ctx *c, size_t i)
{
    static const char *const driver[] = {
        [VN_MEMORY_MODEL_DIMM] = "pc-dimm", [VN_MEMORY_MODEL_NVDIMM] = "nvdimm",
        [VN_MEMORY_MODEL_VIRTIO_PMEM] = "virtio-pmem-pci",
        [VN_MEMORY_MODEL_VIRTIO_MEM] = "virtio-mem-pci",
    };
    const vn_memdev *md = &c->dom->memdevs[i];
    memview m = memdev_view(md, c->mem_alias[i]);
    pageinfo pi = {0};
    vn_buf b = {0};

    if (md->model == VN_MEMORY_MODEL_VIRTIO_MEM && get_pagesize(c, &m, &pi) < 0)
        return -1;
    vn_buf_add(&b, "{\"driver\":");
    vn_buf_add_json_string(&b, driver[md->model]);
    if (md->target_node >= 0)
        ju64(&b, "node", (uint64_t)md->target_node);
    if (add_bytes(c, &b, "label-size", md->labelsize_kib, true) < 0 ||
        add_bytes(c, &b, "block-size", md->blocksize_kib, true) < 0 ||
        add_bytes(c, &b, "requested-size", md->requested_kib, true) < 0) {
        vn_buf_free(&b);
        return -1;
    }
    if (md->uuid)
        jstr(&b, "uuid", md->uuid);
    if (md->readonly)
        jbool(&b, "unarmed", true);
    VN_AUTOFREE char *memdev = vn_asprintf("mem%s", c->mem_alias[i]);
    jstr(&b, "memdev", memdev);
    if (pi.prealloc)
        jbool(&b, "prealloc", true);
    jstr(&b, "id", c->mem_alias[i]);
    add_device_address(c, &b, i);
    vn_buf_addc(&b, '}');
    vn_argv_add(c->out, "-device");
    vn_argv_add(c->out, b.s);
    vn_buf_free(&b);
    return 0;
}

/* qemuBuildMemoryDeviceCommandLine */
static int build_memdevs(ctx *c)
{
    for (size_t i = 0; i < c->dom->nmemdevs; i++) {
        const vn_memdev *md = &c->dom->memdevs[i];
        VN_AUTOFREE char *alias = vn_asprintf("mem%s", c->mem_alias[i]);
        memview m = memdev_view(md, c->mem_alias[i]);
        backend be;
        int r = backend_props(c, alias, &m, true, false, &be);
        if (r == 0)
            emit_backend(c, &be);
        backend_clear(&be);
        if (r < 0)
            return -1;
        switch (md->model) {
        case VN_MEMORY_MODEL_DIMM:
        case VN_MEMORY_MODEL_NVDIMM:
        case VN_MEMORY_MODEL_VIRTIO_PMEM:
        case VN_MEMORY_MODEL_VIRTIO_MEM:
            if (build_memdev_device(c, i) < 0)
                return -1;
            break;
        default:
            break;   /* sgx-epc goes onto -machine */
        }
    }
    return 0;
}

int vn_qemu_build(vn_domain *dom, const vn_host *host, const vn_config *cfg,
                  vn_warnings *warnings, vn_argv *out, vn_error *err)
{
    vn_config defaults;
    int ret = -1;

    if (vn_domain_validate_start(dom, host, cfg, warnings, err) < 0)
        return -1;
    vn_config_init(&defaults);
    /* placement='auto': validate_start has put the chosen nodes in
     * dom->auto_nodeset (libvirt's priv->autoNodeset) */
    ctx c = {.dom = dom, .host = host, .cfg = cfg ? cfg : &defaults,
             .auto_nodeset = dom->auto_nodeset, .out = out, .err = err};

    /* argv[0]: QEMU 7.2's x86_64 system emulator, whatever <emulator> says */
    vn_argv_add(out, "qemu-system-x86_64");
    if (assign_memdevs(&c) < 0)
        goto out;
    build_machine(&c);
    if (build_mem(&c) < 0)
        goto out;
    build_smp(&c);
    if (dom->ncells && build_numa(&c) < 0)
        goto out;
    if (build_memdevs(&c) < 0)
        goto out;
    ret = 0;
out:
    if (ret < 0)
        vn_argv_clear(out);
    for (size_t i = 0; i < dom->nmemdevs && c.mem_alias; i++)
        free(c.mem_alias[i]);
    free(c.mem_alias);
    free(c.mem_slot);
    free(c.mem_has_slot);
    vn_config_clear(&defaults);
    return ret;
}
