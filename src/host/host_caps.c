/*
 * host_caps.c - the Host model from a libvirt capabilities document, the
 * output of `virsh capabilities` (libvirt's virCapabilitiesFormatXML).
 *
 * Read: /capabilities/host/topology/cells/cell with its id, <memory unit>,
 * <pages unit size>count</pages>, <distances><sibling id value/>, and
 * <cpus><cpu id socket_id die_id core_id siblings/>; the huge page sizes of
 * /capabilities/host/cpu/pages as well.  A <cpu> without `siblings` is an
 * offline CPU (libvirt formats only the id of those).  Everything else of
 * the document (caches, interconnects, guests) is ignored.
 *
 * A document without <topology> describes a host without NUMA: libvirt's
 * virNumaIsAvailable() is false there, so virNumaGetMaxNode() fails and
 * virNumaNodeIsAvailable() is false for every node.  Such a host gets no
 * nodes at all, and every nodeset naming a host node is then refused with
 * libvirt's "NUMA node %d is unavailable".
 *
 * Parsing is hardened like the domain parser: no network, no DTD loading,
 * no entity substitution, VN_XML_MAX_BYTES at most, libxml2's messages
 * captured into the vn_error instead of printed.
 */
#include "model/host.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/domain.h"   /* VN_XML_MAX_BYTES */
#include "base/units.h"
#include "os/fileio.h"

typedef struct caps_ctx {
    vn_host *host;
    const char *src;      /* for messages */
    vn_error *err;
} caps_ctx;

static VN_PRINTF(2, 3) int caps_fail(caps_ctx *c, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vn_error_set(c->err, VNUMA_ERR_HOST, "%s: %s", c->src, msg);
    return -1;
}

static bool is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *first_child(const xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next)
        if (is_elem(n, name))
            return n;
    return NULL;
}

/* The attribute's value (caller frees) or NULL. */
static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? vn_strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static char *text(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = vn_strdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

/* Unsigned attribute below `limit`; absent is an error when `required`. */
static int attr_uint(caps_ctx *c, const xmlNode *n, const char *name, unsigned limit,
                     bool required, unsigned *out)
{
    VN_AUTOFREE char *v = attr(n, name);
    if (!v) {
        if (required)
            return caps_fail(c, "missing attribute '%s' in <%s>", name, (const char *)n->name);
        return 0;
    }
    if (!vn_parse_uint(v, out) || *out >= limit)
        return caps_fail(c, "invalid %s '%s' in <%s>", name, v, (const char *)n->name);
    return 1;
}

static int attr_int_opt(caps_ctx *c, const xmlNode *n, const char *name, int *out)
{
    unsigned u;
    int r = attr_uint(c, n, name, (unsigned)INT32_MAX, false, &u);
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

/* <pages unit='KiB' size='2048'>COUNT</pages>; count may be absent (host/cpu). */
static int parse_pages(caps_ctx *c, const xmlNode *p, vn_host_node *node)
{
    VN_AUTOFREE char *size = attr(p, "size");
    VN_AUTOFREE char *unit = attr(p, "unit");
    uint64_t kib;
    if (!size)
        return caps_fail(c, "missing attribute 'size' in <pages>");
    if (size_kib(c, "pages", size, unit, &kib) < 0)
        return -1;
    if (kib == 0)
        return caps_fail(c, "invalid page size '%s'", size);
    vn_host_add_page_size(c->host, kib);
    if (!node)
        return 0;
    VN_AUTOFREE char *count = text(p);
    vn_host_pages *pg = VN_APPEND(node->pages, node->npages);
    pg->size_kib = kib;
    if (!vn_parse_u64_dec(count, &pg->total))
        return caps_fail(c, "invalid page count '%s' in cell %u", count, node->id);
    pg->free = pg->total;
    return 0;
}

static int parse_distances(caps_ctx *c, const xmlNode *d, vn_host_node *node)
{
    for (xmlNode *s = d->children; s; s = s->next) {
        if (!is_elem(s, "sibling"))
            continue;
        unsigned id, value;
        if (attr_uint(c, s, "id", VN_CPUMASK_LEN, true, &id) < 0 ||
            attr_uint(c, s, "value", UINT32_MAX, true, &value) < 0)
            return -1;
        node->distance_ids = vn_reallocarray(node->distance_ids, node->ndistances + 1,
                                             sizeof(unsigned));
        node->distances = vn_reallocarray(node->distances, node->ndistances + 1,
                                          sizeof(unsigned));
        node->distance_ids[node->ndistances] = id;
        node->distances[node->ndistances++] = value;
    }
    return 0;
}

static int parse_cpu(caps_ctx *c, const xmlNode *x, vn_host_node *node)
{
    vn_host_cpu *cpu = VN_APPEND(node->cpus, node->ncpus);
    cpu->socket_id = cpu->die_id = cpu->core_id = -1;
    if (attr_uint(c, x, "id", VN_CPUMASK_LEN, true, &cpu->id) < 0 ||
        attr_int_opt(c, x, "socket_id", &cpu->socket_id) < 0 ||
        attr_int_opt(c, x, "die_id", &cpu->die_id) < 0 ||
        attr_int_opt(c, x, "core_id", &cpu->core_id) < 0)
        return -1;
    VN_AUTOFREE char *sib = attr(x, "siblings");
    cpu->online = sib != NULL;
    if (sib) {
        vn_error e = {0};
        cpu->siblings = vn_bitmap_parse(sib, VN_CPUMASK_LEN, &e);
        if (!cpu->siblings)
            return caps_fail(c, "cpu %u: %s", cpu->id, vn_error_text(&e));
    }
    return 0;
}

static int parse_cell(caps_ctx *c, const xmlNode *x)
{
    unsigned id;
    if (attr_uint(c, x, "id", VN_CPUMASK_LEN, true, &id) < 0)
        return -1;
    if (vn_host_has_node(c->host, id))
        return caps_fail(c, "duplicate cell id %u", id);
    vn_host_node *node = VN_APPEND(c->host->nodes, c->host->nnodes);
    node->id = id;
    for (xmlNode *n = x->children; n; n = n->next) {
        if (is_elem(n, "memory")) {
            VN_AUTOFREE char *unit = attr(n, "unit");
            VN_AUTOFREE char *v = text(n);
            if (size_kib(c, "memory", v, unit, &node->mem_kib) < 0)
                return -1;
            node->free_kib = node->mem_kib;
        } else if (is_elem(n, "pages")) {
            if (parse_pages(c, n, node) < 0)
                return -1;
        } else if (is_elem(n, "distances")) {
            if (parse_distances(c, n, node) < 0)
                return -1;
        } else if (is_elem(n, "cpus")) {
            for (xmlNode *p = n->children; p; p = p->next)
                if (is_elem(p, "cpu") && parse_cpu(c, p, node) < 0)
                    return -1;
        }
    }
    return 0;
}

static int cmp_node(const void *a, const void *b)
{
    unsigned x = ((const vn_host_node *)a)->id, y = ((const vn_host_node *)b)->id;
    return x < y ? -1 : x > y;
}

static int parse_caps(caps_ctx *c, const xmlNode *root)
{
    if (!root || !is_elem(root, "capabilities"))
        return caps_fail(c, "not a capabilities document (no <capabilities> root)");
    xmlNode *host = first_child(root, "host");
    if (!host)
        return caps_fail(c, "no <host> element");
    for (xmlNode *p = first_child(host, "cpu") ? first_child(host, "cpu")->children : NULL;
         p; p = p->next)
        if (is_elem(p, "pages") && parse_pages(c, p, NULL) < 0)
            return -1;
    xmlNode *cells = first_child(first_child(host, "topology"), "cells");
    for (xmlNode *x = cells ? cells->children : NULL; x; x = x->next)
        if (is_elem(x, "cell") && parse_cell(c, x) < 0)
            return -1;
    if (c->host->nnodes)
        qsort(c->host->nodes, c->host->nnodes, sizeof(vn_host_node), cmp_node);
    return 0;
}

/* libxml2 reports into the parser context; keep the first message. */
static void caps_xml_error(caps_ctx *c, xmlParserCtxt *ctxt)
{
    const xmlError *xe = xmlCtxtGetLastError(ctxt);
    char msg[512] = "malformed XML";
    if (xe && xe->message) {
        snprintf(msg, sizeof(msg), "%s", xe->message);
        size_t l = strlen(msg);
        while (l && msg[l - 1] == '\n')
            msg[--l] = '\0';
        caps_fail(c, "line %d: %s", xe->line, msg);
        return;
    }
    caps_fail(c, "%s", msg);
}

static vn_host *load_caps(const char *xml, size_t len, const char *src, vn_error *err)
{
    caps_ctx c = {.src = src, .err = err};
    if (len > VN_XML_MAX_BYTES) {
        caps_fail(&c, "document larger than %u bytes", VN_XML_MAX_BYTES);
        return NULL;
    }
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt)
        abort();
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    if (!doc) {
        caps_xml_error(&c, ctxt);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset || doc->extSubset) {
        xmlFreeDoc(doc);
        caps_fail(&c, "a DOCTYPE is not allowed in a capabilities document");
        return NULL;
    }
    c.host = vn_host_new();
    c.host->source = vn_strdup(src);
    int r = parse_caps(&c, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    if (r < 0) {
        vn_host_free(c.host);
        return NULL;
    }
    return c.host;
}

vn_host *vn_host_load_caps_memory(const char *xml, size_t len, vn_error *err)
{
    return load_caps(xml, len, "capabilities", err);
}

vn_host *vn_host_load_caps_file(const char *path, vn_error *err)
{
    VN_AUTOFREE char *why = vn_asprintf("cannot read host capabilities '%s'", path);
    vn_file_opts o = {.max_bytes = VN_XML_MAX_BYTES, .code = VNUMA_ERR_HOST,
                      .refuse_code = VNUMA_ERR_HOST, .open_fail = why};
    VN_AUTOCLEAR(vn_buf) b = {0};
    if (vn_file_read(vn_os_current(), path, &o, &b, err) < 0)
        return NULL;
    return load_caps(b.s ? b.s : "", b.len, path, err);
}
