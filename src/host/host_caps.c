/*
 * host_caps.c - the Host model from a libvirt capabilities document, the
 * output of `virsh capabilities` (libvirt's virCapabilitiesFormatXML).
 *
 * Read: /capabilities/host/topology/cells/cell with its id, <memory unit>,
 * <pages unit size>count</pages>, <distances><sibling id value/>, and
 * <cpus><cpu id socket_id die_id core_id siblings/>; the huge page sizes of
 * /capabilities/host/cpu/pages as well.  A <cpu> without `siblings` is an
 * offline CPU (libvirt formats only the id of those).  Everything else of
 * the document (caches, interconnects, guests) is ignored.  Only the first
 * <host>, its first <cpu> and <topology>, and that one's first <cells>
 * count, as a tree walk taking the first child of each name would read.
 *
 * A document without <topology> describes a host without NUMA: libvirt's
 * virNumaIsAvailable() is false there, so virNumaGetMaxNode() fails and
 * virNumaNodeIsAvailable() is false for every node.  Such a host gets no
 * nodes at all, and every nodeset naming a host node is then refused with
 * libvirt's "NUMA node %d is unavailable".
 *
 * The document is streamed (libxml2's SAX2 callbacks, no tree), so that
 * memory follows the model, never the document: the full distance matrix
 * of a 1,024-node host is a million <sibling> elements, some 46 MB of
 * text, which a tree would hold in 600 MB.  Hence the larger input bound
 * for host files, VN_HOST_CAPS_MAX_BYTES (64 MiB).  The model is bounded
 * while it is read (VN_HOST_MAX_NODES cells, VN_HOST_MAX_CPUS CPUs, a
 * distance per node and a few page sizes per cell) and vn_host_check runs
 * on the result.  Hardened like the domain reader: no network, no DTD
 * (a DOCTYPE is refused), no entities, the bounds of base/xml_bounds.h
 * but the tag count, libxml2's messages captured into the vn_error.
 */
#include "model/host.h"

#include <errno.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "base/xml_bounds.h"
#include "os/fileio.h"

#define CAPS_MAX_PAGES 32   /* <pages> of one cell (23 sizes pass vn_host_check) */

/* Where the reader is: the elements it reads, by what encloses them. */
typedef enum {
    AT_OUT,        /* outside anything read (or in an ignored subtree) */
    AT_ROOT,       /* in <capabilities> */
    AT_HOST,       /* in the first <host> */
    AT_HOST_CPU,   /* in host/cpu (the first) */
    AT_TOPOLOGY,   /* in host/topology (the first) */
    AT_CELLS,      /* in topology/cells (the first) */
    AT_CELL,       /* in a cell */
    AT_DISTANCES,  /* in cell/distances */
    AT_CPUS,       /* in cell/cpus */
} caps_at;

typedef struct caps_ctx {
    vn_host *host;
    const char *src;      /* for messages */
    vn_error *err;
    xmlParserCtxt *pctx;
    bool failed, doctype;
    int depth;            /* of the element being read */
    caps_at at;           /* where the reader is */
    int skip_depth;       /* > 0: inside an ignored subtree opened at this depth */
    bool seen_root, seen_host, seen_host_cpu, seen_topology, seen_cells;
    vn_host_node *node;   /* the cell being read */
    /* text of the <memory> or <pages> being read (collect_depth > 0) */
    int collect_depth;
    vn_buf text;
    char *unit, *size;    /* its attributes */
    bool in_pages;
    bool pages_of_host;   /* host/cpu/pages: a size, no count */
    unsigned char node_seen[VN_HOST_MAX_NODES];
    size_t ncpus;         /* CPUs read so far, in all cells */
    vn_xml_bounds bounds; /* counted on each chunk before libxml2 sees it */
    vn_buf held;          /* chunks held back until the bounds judge the encoding */
} caps_ctx;

static VN_PRINTF(2, 3) int caps_fail(caps_ctx *c, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!c->failed)
        vn_error_set(c->err, VNUMA_ERR_HOST, "%s: %s", c->src, msg);
    c->failed = true;
    if (c->pctx)
        xmlStopParser(c->pctx);
    return -1;
}

/* ---- attributes --------------------------------------------------------- */

typedef struct caps_attrs {
    const xmlChar **a;   /* SAX2's 5-tuples: localname, prefix, URI, value, end */
    int n;
} caps_attrs;

/* The first attribute called name (whatever its namespace, as xmlGetProp
 * finds it), copied; NULL when absent. */
static char *attr(const caps_attrs *at, const char *name)
{
    for (int i = 0; i < at->n; i++)
        if (!strcmp((const char *)at->a[5 * i], name))
            return vn_strndup((const char *)at->a[5 * i + 3],
                              (size_t)(at->a[5 * i + 4] - at->a[5 * i + 3]));
    return NULL;
}

/* Unsigned attribute below `limit`; absent is an error when `required`. */
static int attr_uint(caps_ctx *c, const caps_attrs *at, const char *elem, const char *name,
                     unsigned limit, bool required, unsigned *out)
{
    VN_AUTOFREE char *v = attr(at, name);
    if (!v) {
        if (required)
            return caps_fail(c, "missing attribute '%s' in <%s>", name, elem);
        return 0;
    }
    if (!vn_parse_uint(v, out))
        return caps_fail(c, "invalid %s '%s' in <%s>", name, v, elem);
    if (*out >= limit)
        return caps_fail(c, "invalid %s '%s' in <%s> (at most %u)", name, v, elem, limit - 1);
    return 1;
}

static int attr_int_opt(caps_ctx *c, const caps_attrs *at, const char *name, int *out)
{
    unsigned u;
    int r = attr_uint(c, at, "cpu", name, (unsigned)INT32_MAX, false, &u);
    *out = r == 1 ? (int)u : -1;
    return r < 0 ? -1 : 0;
}

/* <memory unit='KiB'>N</memory> or <pages unit size='N'>: a size in KiB. */
static int size_kib(caps_ctx *c, const char *what, const char *value, const char *unit,
                    uint64_t *kib)
{
    vn_error e = {0};
    if (vn_parse_memory(what, value, unit, kib, &e) < 0)
        return caps_fail(c, "%s", vn_error_text(&e));
    return 0;
}

/* ---- the elements read -------------------------------------------------- */

static int start_cell(caps_ctx *c, const caps_attrs *at)
{
    unsigned id;
    if (attr_uint(c, at, "cell", "id", VN_HOST_MAX_NODES, true, &id) < 0)
        return -1;
    if (c->node_seen[id])
        return caps_fail(c, "duplicate cell id %u", id);
    if (c->host->nnodes == VN_HOST_MAX_NODES)   /* unreachable with unique ids below it */
        return caps_fail(c, "more than %u cells", VN_HOST_MAX_NODES);
    c->node_seen[id] = 1;
    c->node = VN_APPEND(c->host->nodes, c->host->nnodes);
    c->node->id = id;
    return 0;
}

static int start_sibling(caps_ctx *c, const caps_attrs *at)
{
    vn_host_node *node = c->node;
    unsigned id, value;
    if (attr_uint(c, at, "sibling", "id", VN_HOST_MAX_NODES, true, &id) < 0 ||
        attr_uint(c, at, "sibling", "value", UINT32_MAX, true, &value) < 0)
        return -1;
    if (node->ndistances == VN_HOST_MAX_NODES)
        return caps_fail(c, "cell %u: more than %u distances", node->id, VN_HOST_MAX_NODES);
    node->distance_ids = vn_reallocarray(node->distance_ids, node->ndistances + 1,
                                         sizeof(unsigned));
    node->distances = vn_reallocarray(node->distances, node->ndistances + 1, sizeof(unsigned));
    node->distance_ids[node->ndistances] = id;
    node->distances[node->ndistances++] = value;
    return 0;
}

static int start_cpu(caps_ctx *c, const caps_attrs *at)
{
    vn_host_node *node = c->node;
    if (c->ncpus++ == VN_HOST_MAX_CPUS)
        return caps_fail(c, "more than %u CPUs", VN_HOST_MAX_CPUS);
    vn_host_cpu *cpu = VN_APPEND(node->cpus, node->ncpus);
    cpu->socket_id = cpu->die_id = cpu->core_id = -1;
    if (attr_uint(c, at, "cpu", "id", VN_HOST_MAX_CPUS, true, &cpu->id) < 0 ||
        attr_int_opt(c, at, "socket_id", &cpu->socket_id) < 0 ||
        attr_int_opt(c, at, "die_id", &cpu->die_id) < 0 ||
        attr_int_opt(c, at, "core_id", &cpu->core_id) < 0)
        return -1;
    VN_AUTOFREE char *sib = attr(at, "siblings");
    cpu->online = sib != NULL;
    if (sib) {
        vn_error e = {0};
        cpu->siblings = vn_bitmap_parse(sib, VN_HOST_MAX_CPUS, &e);
        if (!cpu->siblings)
            return caps_fail(c, "cpu %u: %s", cpu->id, vn_error_text(&e));
    }
    return 0;
}

/* <memory> or <pages>: keep the attributes, collect the text. */
static void start_collect(caps_ctx *c, const caps_attrs *at, bool pages, bool of_host)
{
    c->collect_depth = c->depth;
    c->text.len = 0;
    if (c->text.s)
        c->text.s[0] = '\0';
    c->unit = attr(at, "unit");
    c->size = pages ? attr(at, "size") : NULL;
    c->in_pages = pages;
    c->pages_of_host = of_host;
}

static int end_pages(caps_ctx *c)
{
    uint64_t kib;
    if (!c->size)
        return caps_fail(c, "missing attribute 'size' in <pages>");
    if (size_kib(c, "pages", c->size, c->unit, &kib) < 0)
        return -1;
    if (kib < VN_BASE_PAGE_KIB || kib > VN_HOST_MAX_PAGE_KIB || (kib & (kib - 1)))
        return caps_fail(c, "invalid page size '%s' (a power of two from 4 KiB to 16 GiB)",
                         c->size);
    vn_host_add_page_size(c->host, kib);
    if (c->pages_of_host)
        return 0;
    vn_host_node *node = c->node;
    if (node->npages == CAPS_MAX_PAGES)
        return caps_fail(c, "cell %u: more than %u <pages>", node->id, CAPS_MAX_PAGES);
    const char *count = c->text.s ? c->text.s : "";
    vn_host_pages *pg = VN_APPEND(node->pages, node->npages);
    pg->size_kib = kib;
    if (!vn_parse_u64_dec(count, &pg->total))
        return caps_fail(c, "invalid page count '%.64s' in cell %u", count, node->id);
    pg->free = pg->total;
    return 0;
}

static int end_collect(caps_ctx *c)
{
    int r;
    if (c->in_pages) {
        r = end_pages(c);
    } else {
        r = size_kib(c, "memory", c->text.s ? c->text.s : "", c->unit, &c->node->mem_kib);
        c->node->free_kib = c->node->mem_kib;
    }
    free(c->unit);
    free(c->size);
    c->unit = c->size = NULL;
    c->collect_depth = 0;
    return r;
}

/* ---- SAX callbacks ------------------------------------------------------ */

static caps_ctx *ctx_of(void *user)
{
    return ((xmlParserCtxt *)user)->_private;
}


static bool named(const xmlChar *n, const char *s)
{
    return !strcmp((const char *)n, s);
}

/* Enter an element: decide whether it is read, and where that puts us. */
static void on_start(void *user, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                     const xmlChar **attrs)
{
    (void)prefix; (void)uri; (void)nns; (void)ns; (void)ndefaulted;
    caps_ctx *c = ctx_of(user);
    if (c->failed)
        return;
    c->depth++;
    if (c->skip_depth || c->collect_depth)
        return;
    caps_attrs at = {attrs, nattrs};
    caps_at next = AT_OUT;
    switch (c->at) {
    case AT_OUT:
        if (c->depth == 1) {
            if (!named(name, "capabilities")) {
                caps_fail(c, "not a capabilities document (no <capabilities> root)");
                return;
            }
            c->seen_root = true;
            next = AT_ROOT;
        }
        break;
    case AT_ROOT:
        if (named(name, "host") && !c->seen_host) {
            c->seen_host = true;
            next = AT_HOST;
        }
        break;
    case AT_HOST:
        if (named(name, "cpu") && !c->seen_host_cpu) {
            c->seen_host_cpu = true;
            next = AT_HOST_CPU;
        } else if (named(name, "topology") && !c->seen_topology) {
            c->seen_topology = true;
            next = AT_TOPOLOGY;
        }
        break;
    case AT_HOST_CPU:
        if (named(name, "pages")) {
            start_collect(c, &at, true, true);
            return;
        }
        break;
    case AT_TOPOLOGY:
        if (named(name, "cells") && !c->seen_cells) {
            c->seen_cells = true;
            next = AT_CELLS;
        }
        break;
    case AT_CELLS:
        if (named(name, "cell")) {
            if (start_cell(c, &at) < 0)
                return;
            next = AT_CELL;
        }
        break;
    case AT_CELL:
        if (named(name, "memory") || named(name, "pages")) {
            start_collect(c, &at, named(name, "pages"), false);
            return;
        }
        if (named(name, "distances"))
            next = AT_DISTANCES;
        else if (named(name, "cpus"))
            next = AT_CPUS;
        break;
    case AT_DISTANCES:
        if (named(name, "sibling"))
            start_sibling(c, &at);
        break;
    case AT_CPUS:
        if (named(name, "cpu"))
            start_cpu(c, &at);
        break;
    }
    if (next == AT_OUT)
        c->skip_depth = c->depth;   /* not read: skip the subtree */
    else
        c->at = next;
}

static caps_at parent_of(caps_at at)
{
    switch (at) {
    case AT_ROOT: return AT_OUT;
    case AT_HOST: return AT_ROOT;
    case AT_HOST_CPU: case AT_TOPOLOGY: return AT_HOST;
    case AT_CELLS: return AT_TOPOLOGY;
    case AT_CELL: return AT_CELLS;
    case AT_DISTANCES: case AT_CPUS: return AT_CELL;
    default: return AT_OUT;
    }
}

static void on_end(void *user, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    (void)name; (void)prefix; (void)uri;
    caps_ctx *c = ctx_of(user);
    if (c->failed)
        return;
    int d = c->depth--;
    if (c->skip_depth) {
        if (c->skip_depth == d)
            c->skip_depth = 0;
        return;
    }
    if (c->collect_depth) {
        if (c->collect_depth == d)
            end_collect(c);
        return;
    }
    if (c->at == AT_CELL)
        c->node = NULL;
    c->at = parent_of(c->at);
}

static void on_text(void *user, const xmlChar *s, int len)
{
    caps_ctx *c = ctx_of(user);
    if (!c->failed && c->collect_depth && len > 0) {
        if (c->text.len + (size_t)len > 4096) {   /* a number and its blanks */
            caps_fail(c, "the text of a <%s> is longer than 4096 bytes",
                      c->in_pages ? "pages" : "memory");
            return;
        }
        vn_buf_addn(&c->text, (const char *)s, (size_t)len);
    }
}

static void on_doctype(void *user, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name; (void)ext; (void)sys;
    caps_ctx *c = ctx_of(user);
    c->doctype = true;
    xmlStopParser(c->pctx);
}

/* libxml2 reports into the parser context; keep the first message. */
static void caps_xml_error(caps_ctx *c, xmlParserCtxt *ctxt)
{
    const xmlError *xe = xmlCtxtGetLastError(ctxt);
    if (xe && xe->message) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", xe->message);
        size_t l = strlen(msg);
        while (l && msg[l - 1] == '\n')
            msg[--l] = '\0';
        caps_fail(c, "line %d: %s", xe->line, msg);
        return;
    }
    caps_fail(c, "malformed XML");
}

static int cmp_node(const void *a, const void *b)
{
    unsigned x = ((const vn_host_node *)a)->id, y = ((const vn_host_node *)b)->id;
    return x < y ? -1 : x > y;
}

/* ---- the stream --------------------------------------------------------- */

/* Give libxml2's push parser a chunk (created on the first one). */
static void push(caps_ctx *c, const char *data, size_t n, bool last)
{
    if (!c->pctx) {
        xmlSAXHandler sax;
        xmlSAXVersion(&sax, 2);
        sax.startElementNs = on_start;
        sax.endElementNs = on_end;
        sax.characters = on_text;
        sax.ignorableWhitespace = on_text;
        sax.cdataBlock = on_text;
        sax.internalSubset = on_doctype;
        sax.externalSubset = on_doctype;
        sax.entityDecl = NULL;
        sax.reference = NULL;
        sax.comment = NULL;
        sax.processingInstruction = NULL;
        sax.startElement = NULL;
        sax.endElement = NULL;
        sax.serror = NULL;
        sax.error = NULL;
        sax.warning = NULL;
        c->pctx = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
        if (!c->pctx)
            abort();
        c->pctx->_private = c;
        xmlCtxtUseOptions(c->pctx, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    }
    while (!c->failed && !c->doctype && (n || last)) {
        size_t part = n > (1u << 20) ? (1u << 20) : n;   /* int-sized */
        bool end = last && part == n;
        xmlParseChunk(c->pctx, part ? data : NULL, (int)part, end);
        if (end)
            break;
        data += part;
        n -= part;
    }
}

/* One chunk of the document: bounded first, then parsed.  The parser
 * waits until the bounds have judged the encoding (the head). */
static int caps_chunk(void *arg, const char *data, size_t n)
{
    caps_ctx *c = arg;
    vn_error be = {0};
    if (vn_xml_bounds_feed(&c->bounds, data, n, &be) < 0)
        return caps_fail(c, "%s", vn_error_text(&be));
    if (!vn_xml_bounds_head_done(&c->bounds)) {
        vn_buf_addn(&c->held, data, n);
        return 0;
    }
    if (c->held.len) {
        push(c, c->held.s, c->held.len, false);
        vn_buf_free(&c->held);
    }
    push(c, data, n, false);
    return c->failed || c->doctype ? -1 : 0;
}

static vn_host *caps_end(caps_ctx *c)
{
    vn_error be = {0};
    if (!c->failed && !c->doctype) {
        if (vn_xml_bounds_finish(&c->bounds, &be) < 0) {
            caps_fail(c, "%s", vn_error_text(&be));
        } else {
            push(c, c->held.s, c->held.len, true);
            vn_buf_free(&c->held);
        }
    }
    xmlParserCtxt *ctxt = c->pctx;
    c->pctx = NULL;
    if (c->doctype)
        caps_fail(c, "a DOCTYPE is not allowed in a capabilities document");
    else if (ctxt && !ctxt->wellFormed)
        caps_xml_error(c, ctxt);
    if (ctxt) {
        if (ctxt->myDoc)
            xmlFreeDoc(ctxt->myDoc);
        ctxt->myDoc = NULL;
        xmlFreeParserCtxt(ctxt);
    }
    if (!c->failed && !c->seen_host)
        caps_fail(c, "no <host> element");
    vn_host *h = NULL;
    if (!c->failed) {
        if (c->host->nnodes)
            qsort(c->host->nodes, c->host->nnodes, sizeof(vn_host_node), cmp_node);
        if (vn_host_check(c->host, c->err) == 0)
            h = VN_STEAL(c->host);
    }
    vn_host_free(c->host);
    vn_buf_free(&c->text);
    vn_buf_free(&c->held);
    free(c->unit);
    free(c->size);
    free(c);
    return h;
}

static caps_ctx *caps_begin(const char *src, vn_error *err)
{
    caps_ctx *c = vn_calloc(1, sizeof(caps_ctx));
    c->src = src;
    c->err = err;
    c->host = vn_host_new();
    c->host->source = vn_strdup(src);
    vn_xml_bounds_init(&c->bounds, 0);   /* no tree: the tag count is free */
    return c;
}

vn_host *vn_host_load_caps_memory(const char *xml, size_t len, vn_error *err)
{
    caps_ctx *c = caps_begin("capabilities", err);
    if (len > VN_HOST_CAPS_MAX_BYTES)
        caps_fail(c, "document larger than %u bytes", VN_HOST_CAPS_MAX_BYTES);
    for (size_t off = 0; !c->failed && off < len; off += 65536)
        if (caps_chunk(c, xml + off, len - off < 65536 ? len - off : 65536) < 0)
            break;
    return caps_end(c);
}

vn_host *vn_host_load_caps_file(const char *path, vn_error *err)
{
    VN_AUTOFREE char *why = vn_asprintf("cannot read host capabilities '%s'", path);
    vn_file_opts o = {.max_bytes = VN_HOST_CAPS_MAX_BYTES, .code = VNUMA_ERR_HOST,
                      .refuse_code = VNUMA_ERR_HOST, .open_fail = why};
    caps_ctx *c = caps_begin(path, err);
    if (vn_file_read_chunks(vn_os_current(), path, &o, caps_chunk, c, err) < 0 && !c->failed) {
        c->failed = true;   /* the read's own error is in err */
    }
    return caps_end(c);
}
