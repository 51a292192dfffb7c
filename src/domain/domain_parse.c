/*
 * domain_parse.c - domain XML -> Domain model (domain.h).
 *
 * A port of the parts of libvirt 9.0's virDomainDefParseXML that fill the
 * owned elements: virDomainDefParseMemory (<memory>, <currentMemory>,
 * <maxMemory>, <memoryBacking>), virDomainVcpuParse (<vcpu>, <vcpus>),
 * the <cputune> pinning of virDomainDefTunablesParse, the topology part of
 * virCPUDefParseXML, virDomainNumaDefParseXML (cells, distances, caches,
 * interconnects), virDomainNumatuneParseXML and virDomainMemoryDefParseXML
 * (<devices><memory>).  Checks are made in libvirt's order with libvirt's
 * messages, prefixed as virsh prints them ("XML error: ...",
 * "unsupported configuration: ...").  <vnuma> is vnuma's own element.
 *
 * The input is hostile until parsed: size limit, no network, no DTD
 * loading, no entity substitution, and any entity declaration refuses the
 * document (checked while parsing, so "billion laughs" stops at once).
 * libxml2's own messages are captured, never printed.
 *
 * vn_domain_parse then runs vn_domain_postparse and
 * vn_domain_validate_define (domain_postparse.c), as `virsh define` does.
 */
#include "model/domain.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "base/units.h"

/* virErrorMsg prefixes of the error classes libvirt uses here. */

/* More vCPUs than this are refused before anything is allocated for them
 * (libvirt leaves it to QEMU's machine limit, far below this). */
#define VN_MAX_VCPUS VN_CPUMASK_LEN

/* ---- small XML helpers ------------------------------------------------ */

static bool name_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* First element child called name, or NULL. */
static xmlNode *child(const xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (name_is(c, name))
            return c;
    return NULL;
}

static size_t count_children(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        n += name_is(c, name);
    return n;
}

#define for_each_child(parent, name, var) \
    for (xmlNode *var = (parent) ? (parent)->children : NULL; var; var = var->next) \
        if (name_is(var, name))

/* virXMLPropString: the attribute's value ("" when empty), NULL if absent. */
static char *prop(const xmlNode *n, const char *name)
{
    if (!n)
        return NULL;
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = vn_strdup((const char *)v);
    xmlFree(v);
    return s;
}

/* virXPathString("string(node)"): text content, NULL when absent or empty. */
static char *text(const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *v = xmlNodeGetContent(n);
    if (!v)
        return NULL;
    char *s = *v ? vn_strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* String value of attribute `name` of n, NULL when absent or empty
 * (virXPathString("string(./x/@name)")). */
static char *attr_string(const xmlNode *n, const char *name)
{
    char *s = prop(n, name);
    if (s && !*s) {
        free(s);
        return NULL;
    }
    return s;
}

/* ---- numbers as libvirt's virStrToLong_* read them --------------------- */

/* virStrToLong_uip: unsigned, no '-' anywhere, whole string, fits uint. */
static bool str_to_uip(const char *s, int base, unsigned *out)
{
    char *p;
    errno = 0;
    unsigned long v = strtoul(s, &p, base);
    if (memchr(s, '-', (size_t)(p - s)) || errno || *p || p == s || (unsigned)v != v)
        return false;
    *out = (unsigned)v;
    return true;
}

/* virStrToLong_ui: as above but "-N" wraps as libvirt allows. */
static bool str_to_ui(const char *s, unsigned *out)
{
    char *p;
    errno = 0;
    unsigned long v = strtoul(s, &p, 10);
    if (memchr(s, '-', (size_t)(p - s))) {
        if (-v > UINT_MAX)
            return false;
        v &= UINT_MAX;
    }
    if (errno || *p || p == s || (unsigned)v != v)
        return false;
    *out = (unsigned)v;
    return true;
}

/* virStrToLong_ullp: unsigned long long, no '-', whole string. */
static bool str_to_ullp(const char *s, int base, uint64_t *out)
{
    char *p;
    errno = 0;
    unsigned long long v = strtoull(s, &p, base);
    if (memchr(s, '-', (size_t)(p - s)) || errno || *p || p == s)
        return false;
    *out = v;
    return true;
}

enum { PROP_REQUIRED = 1, PROP_NONZERO = 2 };

/* virXMLPropUInt and virXMLPropULongLong: -1 error, 0 absent, 1 set; a
 * value above max is invalid (virStrToLong_uip's range). */
static int prop_num(const xmlNode *n, const char *name, int base, int flags, uint64_t max,
                    uint64_t *out, vn_error *err)
{
    VN_AUTOFREE char *s = prop(n, name);
    *out = 0;
    if (!s) {
        if (!(flags & PROP_REQUIRED))
            return 0;
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Missing required attribute '%s' in element '%s'",
                     name, (const char *)n->name);
        return -1;
    }
    uint64_t v;
    if (!str_to_ullp(s, base, &v) || v > max) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Invalid value for attribute '%s' in element '%s': '%s'. Expected non-negative integer value",
                     name, (const char *)n->name, s);
        return -1;
    }
    if ((flags & PROP_NONZERO) && v == 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Invalid value for attribute '%s' in element '%s': Zero is not permitted",
                     name, (const char *)n->name);
        return -1;
    }
    *out = v;
    return 1;
}

static int prop_uint(const xmlNode *n, const char *name, int base, int flags,
                     unsigned *out, vn_error *err)
{
    uint64_t v;
    int rc = prop_num(n, name, base, flags, UINT_MAX, &v, err);
    *out = (unsigned)v;
    return rc;
}

static int prop_ull(const xmlNode *n, const char *name, int base, int flags,
                    uint64_t *out, vn_error *err)
{
    return prop_num(n, name, base, flags, UINT64_MAX, out, err);
}

/* virXMLPropEnum / virXMLPropEnumDefault with a vn enum's _from_string. */
static int prop_enum(const xmlNode *n, const char *name, int (*from)(const char *),
                     int flags, int dflt, int *out, vn_error *err)
{
    VN_AUTOFREE char *s = prop(n, name);
    *out = dflt;
    if (!s) {
        if (!(flags & PROP_REQUIRED))
            return 0;
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Missing required attribute '%s' in element '%s'",
                     name, (const char *)n->name);
        return -1;
    }
    int v = from(s);
    if (v < 0 || ((flags & PROP_NONZERO) && v == 0)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Invalid value for attribute '%s' in element '%s': '%s'.",
                     name, (const char *)n->name, s);
        return -1;
    }
    *out = v;
    return 1;
}

static int from_tristate(const char *s) { return vn_tristate_from_string(s); }
static int from_switch(const char *s) { return vn_switch_from_string(s); }
static int from_access(const char *s) { return vn_mem_access_from_string(s); }
static int from_placement(const char *s) { return vn_placement_from_string(s); }
static int from_model(const char *s) { return vn_memory_model_from_string(s); }
static int from_latency(const char *s) { return vn_memory_latency_from_string(s); }
static int from_vnuma_mode(const char *s) { return vn_vnuma_mode_from_string(s); }
static int from_vnuma_dist(const char *s) { return vn_vnuma_dist_from_string(s); }
static int from_numatune_mode(const char *s) { return vn_numatune_mode_from_string(s); }

/* virXMLPropTristateBool (value 0 "default" is not accepted). */
static int prop_tristate(const xmlNode *n, const char *name, int flags,
                         vn_tristate *out, vn_error *err)
{
    int v;
    int rc = prop_enum(n, name, from_tristate, flags | PROP_NONZERO, 0, &v, err);
    *out = (vn_tristate)v;
    return rc;
}

/* virDomainParseMemory on an already-extracted value (NULL = missing) and
 * unit; `xpath` names it as libvirt does.  Returns -1, 0 absent, 1 set. */
static int parse_mem(const char *xpath, const char *value, const char *unit,
                     bool required, uint64_t *kib, vn_error *err)
{
    uint64_t bytes;
    *kib = 0;
    if (!value) {
        if (!required)
            return 0;
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "missing element or attribute '%s'", xpath);
        return -1;
    }
    if (!str_to_ullp(value, 10, &bytes)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Invalid value '%s' for element or attribute '%s'", value, xpath);
        return -1;
    }
    if (vn_parse_memory(xpath, value, unit && *unit ? unit : NULL, kib, err) < 0)
        return -1;
    return 1;
}

/* Element `name` under n: <name unit='...'>N</name>. */
static int parse_mem_elem(const xmlNode *n, const char *name, const char *xpath,
                          bool required, uint64_t *kib, vn_error *err)
{
    xmlNode *e = child(n, name);
    VN_AUTOFREE char *v = text(e);
    VN_AUTOFREE char *u = attr_string(e, "unit");
    return parse_mem(xpath, v, u, required, kib, err);
}

/* virBitmapParse(..., VIR_DOMAIN_CPUMASK_LEN). */
static vn_bitmap *parse_set(const char *s, vn_error *err)
{
    return vn_bitmap_parse(s, VN_CPUMASK_LEN, err);
}

/* A set that must not be empty: "Invalid value of '<what>': <s>". */
static vn_bitmap *parse_nonempty_set(const char *s, const char *what, vn_error *err)
{
    vn_bitmap *b = parse_set(s, err);
    if (b && vn_bitmap_is_empty(b)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "Invalid value of '%s': %s", what, s);
        vn_bitmap_free(b);
        return NULL;
    }
    return b;
}

/* ---- the document --------------------------------------------------------- */

typedef struct parse_state {
    vn_error *err;
    bool entity_declared;
    int entity_line;
} parse_state;

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    parse_state *st = ctx;
    if (!e || e->level < XML_ERR_ERROR || vn_error_isset(st->err))
        return;
    char msg[512];
    snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "unknown error");
    size_t l = strlen(msg);
    while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
        msg[--l] = '\0';
    vn_error_setc(st->err, VNUMA_ERR_INVALID, VN_ERRC_XML, "%s (line %d)", msg, e->line);
}

static void on_generic_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

/* SAX entityDecl hook: any entity declaration stops the parse at once. */
static void on_entity_decl(void *ctx, const xmlChar *name, int type,
                           const xmlChar *publicId, const xmlChar *systemId,
                           xmlChar *content)
{
    xmlParserCtxtPtr pctx = ctx;
    parse_state *st = pctx->_private;
    (void)name; (void)type; (void)publicId; (void)systemId; (void)content;
    if (!st->entity_declared) {
        st->entity_declared = true;
        st->entity_line = xmlSAX2GetLineNumber(ctx);
    }
    xmlStopParser(pctx);
}

static bool doc_has_entities(const xmlDoc *doc)
{
    const xmlDtd *dtds[2] = {doc->intSubset, doc->extSubset};
    for (size_t i = 0; i < 2; i++)
        if (dtds[i] && (dtds[i]->entities || dtds[i]->pentities))
            return true;
    return false;
}

static xmlDoc *read_xml(const char *xml, size_t len, vn_error *err)
{
    if (len > VN_XML_MAX_BYTES) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "document is %zu bytes, more than the limit of %u bytes",
                     len, VN_XML_MAX_BYTES);
        return NULL;
    }
    parse_state st = {.err = err};
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        abort();
    ctxt->_private = &st;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->serror = NULL;

    xmlSetStructuredErrorFunc(&st, on_xml_error);
    xmlSetGenericErrorFunc(NULL, on_generic_error);
    /* No XML_PARSE_NOENT / DTDLOAD / DTDATTR / HUGE: entities are never
     * substituted, no external subset is loaded, libxml2's limits hold.
     * (XML_PARSE_NO_XXE only exists from libxml2 2.13.) */
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "domain.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlSetGenericErrorFunc(NULL, NULL);
    xmlFreeParserCtxt(ctxt);

    if (st.entity_declared || (doc && doc_has_entities(doc))) {
        if (doc)
            xmlFreeDoc(doc);
        if (err)
            err->code = VNUMA_OK;   /* this message wins over libxml2's "stopped" */
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "entity declarations are not allowed (line %d)", st.entity_line);
        return NULL;
    }
    if (!doc) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "failed to parse the document");
        return NULL;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !name_is(root, "domain")) {
        xmlFreeDoc(doc);
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "expected root element 'domain'");
        return NULL;
    }
    return doc;
}

/* ---- virDomainDefParseCaps (identity only) ---------------------------- */

static void parse_ids(vn_domain *dom, xmlNode *root)
{
    dom->name = text(child(root, "name"));
    dom->type = attr_string(root, "type");
    xmlNode *type = child(child(root, "os"), "type");
    dom->arch = attr_string(type, "arch");
    dom->machine = attr_string(type, "machine");
}

/* ---- virDomainDefParseMemory ------------------------------------------ */

static int parse_hugepage(xmlNode *page, vn_hugepage *hp, vn_error *err)
{
    VN_AUTOFREE char *size = attr_string(page, "size");
    VN_AUTOFREE char *unit = attr_string(page, "unit");
    if (parse_mem("./@size", size, unit, true, &hp->size_kib, err) < 0)
        return -1;
    if (!hp->size_kib) {
        vn_error_set(err, VNUMA_ERR_INVALID, "hugepage size can't be zero");
        return -1;
    }
    VN_AUTOFREE char *nodeset = prop(page, "nodeset");
    if (nodeset && !(hp->nodemask = parse_nonempty_set(nodeset, "nodeset", err)))
        return -1;
    return 0;
}

static int parse_memory_backing(vn_domain *dom, xmlNode *mb, vn_error *err)
{
    VN_AUTOFREE char *src = attr_string(child(mb, "source"), "type");
    if (src && (int)(dom->source = vn_mem_source_from_string(src)) <= 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "unknown memoryBacking/source/type '%s'", src);
        return -1;
    }
    VN_AUTOFREE char *acc = attr_string(child(mb, "access"), "mode");
    if (acc && (int)(dom->access = vn_mem_access_from_string(acc)) <= 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "unknown memoryBacking/access/mode '%s'", acc);
        return -1;
    }
    xmlNode *alloc = child(mb, "allocation");
    VN_AUTOFREE char *amode = attr_string(alloc, "mode");
    if (amode && (int)(dom->allocation = vn_mem_allocation_from_string(amode)) <= 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "unknown memoryBacking/allocation/mode '%s'", amode);
        return -1;
    }
    VN_AUTOFREE char *threads = attr_string(alloc, "threads");
    if (threads && !str_to_ui(threads, &dom->allocation_threads)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Failed to parse memory allocation threads");
        return -1;
    }
    xmlNode *hp = child(mb, "hugepages");
    if (hp) {
        size_t n = count_children(hp, "page");
        if (n) {
            dom->hugepages = vn_calloc(n, sizeof(*dom->hugepages));
            for_each_child(hp, "page", page) {
                if (parse_hugepage(page, &dom->hugepages[dom->nhugepages], err) < 0) {
                    dom->nhugepages++;   /* so that it is freed */
                    return -1;
                }
                dom->nhugepages++;
            }
        } else {
            dom->hugepages = vn_calloc(1, sizeof(*dom->hugepages));
            dom->nhugepages = 1;
        }
    }
    dom->nosharepages = child(mb, "nosharepages") != NULL;
    dom->locked = child(mb, "locked") != NULL;
    if (child(mb, "discard"))
        dom->discard = VN_TRISTATE_YES;
    return 0;
}

static int parse_memory(vn_domain *dom, xmlNode *root, vn_error *err)
{
    if (parse_mem_elem(root, "memory", "./memory[1]", false, &dom->total_memory_kib, err) < 0 ||
        parse_mem_elem(root, "currentMemory", "./currentMemory[1]", false, &dom->cur_balloon_kib, err) < 0 ||
        parse_mem_elem(root, "maxMemory", "./maxMemory[1]", false, &dom->max_memory_kib, err) < 0)
        return -1;
    VN_AUTOFREE char *slots = attr_string(child(root, "maxMemory"), "slots");
    if (slots && !str_to_ui(slots, &dom->memory_slots)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Failed to parse memory slot count");
        return -1;
    }
    xmlNode *mb = child(root, "memoryBacking");
    return mb ? parse_memory_backing(dom, mb, err) : 0;
}

/* ---- virDomainVcpuParse ----------------------------------------------- */

static int parse_vcpu_elem(vn_domain *dom, xmlNode *vcpu, unsigned *maxvcpus,
                           unsigned *vcpus, vn_error *err)
{
    VN_AUTOFREE char *count = NULL;
    xmlChar *c = xmlNodeGetContent(vcpu);
    count = vn_strdup(c ? (const char *)c : "");
    xmlFree(c);
    if (!str_to_ui(count, maxvcpus)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "maximum vcpus count must be an integer");
        return -1;
    }
    int rc = prop_uint(vcpu, "current", 10, 0, vcpus, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        *vcpus = *maxvcpus;
    int pl;
    if (prop_enum(vcpu, "placement", from_placement, 0, VN_PLACEMENT_STATIC, &pl, err) < 0)
        return -1;
    dom->cpu_placement = (vn_placement)pl;
    if (dom->cpu_placement != VN_PLACEMENT_AUTO) {
        VN_AUTOFREE char *cpuset = prop(vcpu, "cpuset");
        if (cpuset && !(dom->cpumask = parse_nonempty_set(cpuset, "cpuset", err)))
            return -1;
    }
    return 0;
}

static int parse_vcpus_list(vn_domain *dom, xmlNode *list, vn_error *err)
{
    for_each_child(list, "vcpu", v) {
        unsigned id;
        vn_tristate state;
        if (prop_uint(v, "id", 10, PROP_REQUIRED, &id, err) < 0)
            return -1;
        if (id >= dom->maxvcpus) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                         "vcpu id '%u' is out of range of maximum vcpu count", id);
            return -1;
        }
        vn_vcpu_info *info = &dom->vcpu_info[id];
        if (prop_tristate(v, "enabled", PROP_REQUIRED, &state, err) < 0)
            return -1;
        info->online = state == VN_TRISTATE_YES;
        if (prop_tristate(v, "hotpluggable", 0, &info->hotpluggable, err) < 0)
            return -1;
        if (prop_uint(v, "order", 10, 0, &info->order, err) < 0)
            return -1;
    }
    return 0;
}

static int parse_vcpu(vn_domain *dom, xmlNode *root, vn_error *err)
{
    unsigned maxvcpus = 1, vcpus = 1;
    xmlNode *vcpu = child(root, "vcpu");
    if (vcpu && parse_vcpu_elem(dom, vcpu, &maxvcpus, &vcpus, err) < 0)
        return -1;
    if (maxvcpus > VN_MAX_VCPUS) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                     "vcpu count %u is more than vnuma supports (%u)",
                     maxvcpus, VN_MAX_VCPUS);
        return -1;
    }
    dom->maxvcpus = maxvcpus;
    dom->vcpu_info = vn_calloc(maxvcpus ? maxvcpus : 1, sizeof(*dom->vcpu_info));
    xmlNode *list = child(root, "vcpus");
    if (list && count_children(list, "vcpu"))
        return parse_vcpus_list(dom, list, err);
    if (vcpus > maxvcpus) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                     "maximum vCPU count must not be less than current vCPU count");
        return -1;
    }
    for (unsigned i = 0; i < vcpus; i++)
        dom->vcpu_info[i].online = true;
    return 0;
}

/* ---- <iothreads>, <iothreadids> and <cputune> pinning ----------------- */

typedef struct iothread_ids {
    unsigned *ids;
    size_t n;
} iothread_ids;

static bool ids_has(const iothread_ids *t, unsigned id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->ids[i] == id)
            return true;
    return false;
}

/* virDomainDefParseIOThreads + virDomainIOThreadIDDefArrayInit: the ids
 * given, then the lowest free ids up to the <iothreads> count. */
static int parse_iothreads(vn_domain *dom, xmlNode *root, iothread_ids *t, vn_error *err)
{
    unsigned count = 0;
    VN_AUTOFREE char *s = text(child(root, "iothreads"));
    if (s && !str_to_uip(s, 10, &count)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "invalid iothreads count '%s'", s);
        return -1;
    }
    for_each_child(child(root, "iothreadids"), "iothread", io) {
        unsigned id;
        if (prop_uint(io, "id", 10, PROP_REQUIRED | PROP_NONZERO, &id, err) < 0)
            return -1;
        if (ids_has(t, id)) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "duplicate iothread id '%u' found", id);
            return -1;
        }
        *VN_APPEND(t->ids, t->n) = id;
    }
    if (t->n > count)
        count = (unsigned)t->n;
    if (count > VN_MAX_VCPUS) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                     "iothread count %u is more than vnuma supports (%u)",
                     count, VN_MAX_VCPUS);
        return -1;
    }
    for (unsigned next = 1; t->n < count; next++)
        if (!ids_has(t, next))
            *VN_APPEND(t->ids, t->n) = next;
    dom->niothreads = count;
    return 0;
}

static vn_pin *find_pin(vn_pin *pins, size_t n, unsigned id)
{
    for (size_t i = 0; i < n; i++)
        if (pins[i].id == id)
            return &pins[i];
    return NULL;
}

static int parse_vcpupin(vn_domain *dom, xmlNode *pin, vn_error *err)
{
    unsigned id;
    if (prop_uint(pin, "vcpu", 10, PROP_REQUIRED, &id, err) < 0)
        return -1;
    if (id >= dom->maxvcpus)
        return 0;   /* "Ignoring vcpupin for missing vcpus" */
    VN_AUTOFREE char *cpuset = prop(pin, "cpuset");
    if (!cpuset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "missing cpuset for vcpupin");
        return -1;
    }
    if (find_pin(dom->vcpupins, dom->nvcpupins, id)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "duplicate vcpupin for vcpu '%d'", (int)id);
        return -1;
    }
    vn_bitmap *set = parse_nonempty_set(cpuset, "cpuset", err);
    if (!set)
        return -1;
    vn_pin *p = VN_APPEND(dom->vcpupins, dom->nvcpupins);
    p->id = id;
    p->cpuset = set;
    return 0;
}

static int parse_iothreadpin(vn_domain *dom, xmlNode *pin, const iothread_ids *t,
                             vn_error *err)
{
    unsigned id;
    if (prop_uint(pin, "iothread", 10, PROP_REQUIRED | PROP_NONZERO, &id, err) < 0)
        return -1;
    if (!ids_has(t, id)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "Cannot find 'iothread' : %u", id);
        return -1;
    }
    VN_AUTOFREE char *cpuset = prop(pin, "cpuset");
    if (!cpuset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "missing cpuset for iothreadpin");
        return -1;
    }
    vn_bitmap *set = parse_nonempty_set(cpuset, "cpuset", err);
    if (!set)
        return -1;
    if (find_pin(dom->iothreadpins, dom->niothreadpins, id)) {
        vn_bitmap_free(set);
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                     "duplicate iothreadpin for same iothread '%u'", id);
        return -1;
    }
    vn_pin *p = VN_APPEND(dom->iothreadpins, dom->niothreadpins);
    p->id = id;
    p->cpuset = set;
    return 0;
}

static int parse_cputune(vn_domain *dom, xmlNode *root, const iothread_ids *t, vn_error *err)
{
    xmlNode *ct = child(root, "cputune");
    for_each_child(ct, "vcpupin", pin)
        if (parse_vcpupin(dom, pin, err) < 0)
            return -1;
    size_t nemu = count_children(ct, "emulatorpin");
    if (nemu > 1) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "only one emulatorpin is supported");
        return -1;
    }
    if (nemu) {
        VN_AUTOFREE char *cpuset = prop(child(ct, "emulatorpin"), "cpuset");
        if (!cpuset) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "missing cpuset for emulatorpin");
            return -1;
        }
        if (!(dom->emulatorpin = parse_nonempty_set(cpuset, "cpuset", err)))
            return -1;
    }
    for_each_child(ct, "iothreadpin", pin)
        if (parse_iothreadpin(dom, pin, t, err) < 0)
            return -1;
    return 0;
}

/* ---- <cpu><topology> (virCPUDefParseXML) ------------------------------ */

static int parse_topology(vn_domain *dom, xmlNode *cpu, vn_error *err)
{
    xmlNode *topo = child(cpu, "topology");
    if (!topo)
        return 0;
    int rc;
    if (prop_uint(topo, "sockets", 10, PROP_REQUIRED | PROP_NONZERO, &dom->sockets, err) < 0)
        return -1;
    if ((rc = prop_uint(topo, "dies", 10, PROP_NONZERO, &dom->dies, err)) < 0)
        return -1;
    if (rc == 0)
        dom->dies = 1;
    if (prop_uint(topo, "cores", 10, PROP_REQUIRED | PROP_NONZERO, &dom->cores, err) < 0 ||
        prop_uint(topo, "threads", 10, PROP_REQUIRED | PROP_NONZERO, &dom->threads, err) < 0)
        return -1;
    dom->has_topology = true;
    return 0;
}

/* ---- <cpu><numa> (virDomainNumaDefParseXML) --------------------------- */

#define LOCAL_DISTANCE 10
#define UNREACHABLE 255

static vn_distance *cell_distances(vn_domain *dom, unsigned cell)
{
    vn_cell *c = &dom->cells[cell];
    if (!c->distances) {
        c->distances = vn_calloc(dom->ncells, sizeof(vn_distance));
        c->ndistances = dom->ncells;
        c->distances[cell].value = LOCAL_DISTANCE;
        c->distances[cell].cellid = cell;
    }
    return c->distances;
}

/* virDomainNumaDefNodeDistanceParseXML.  distances[] has one entry per
 * cell; value 0 means "not given". */
static int parse_distances(vn_domain *dom, xmlNode *cellnode, unsigned cur, vn_error *err)
{
    xmlNode *dist = child(cellnode, "distances");
    if (!dist)
        return 0;
    if (!count_children(dist, "sibling")) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "NUMA distances defined without siblings");
        return -1;
    }
    for_each_child(dist, "sibling", sib) {
        unsigned id, value;
        if (prop_uint(sib, "id", 10, PROP_REQUIRED, &id, err) < 0)
            return -1;
        if (id >= dom->ncells) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                         "'sibling_id %d' does not refer to a valid cell within NUMA 'cell id %d'",
                         (int)id, (int)cur);
            return -1;
        }
        if (prop_uint(sib, "value", 10, PROP_REQUIRED, &value, err) < 0)
            return -1;
        if (value < LOCAL_DISTANCE || value > UNREACHABLE ||
            (id == cur && value != LOCAL_DISTANCE) ||
            (id != cur && value == LOCAL_DISTANCE)) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                         "'value %d' is invalid for 'sibling id %d' under NUMA 'cell id %d'",
                         (int)value, (int)id, (int)cur);
            return -1;
        }
        vn_distance *l = cell_distances(dom, cur);
        l[id].cellid = id;
        l[id].value = value;
        vn_distance *r = cell_distances(dom, id);   /* symmetry if none given */
        r[cur].cellid = cur;
        if (!r[cur].value)
            r[cur].value = value;
    }
    return 0;
}

/* virDomainNumaDefNodeCacheParseXML. */
static int parse_cache(xmlNode *cn, unsigned cell, vn_cache *cache, vn_error *err)
{
    VN_AUTOFREE char *level = prop(cn, "level");
    if (!level) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Missing 'level' attribute in cache element for NUMA node %d", (int)cell);
        return -1;
    }
    if (!str_to_uip(level, 10, &cache->level) || cache->level == 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Invalid 'level' attribute in cache element for NUMA node %d", (int)cell);
        return -1;
    }
    VN_AUTOFREE char *assoc = prop(cn, "associativity");
    if (!assoc) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Missing 'associativity' attribute in cache element for NUMA node %d",
                     (int)cell);
        return -1;
    }
    int a = vn_cache_assoc_from_string(assoc);
    if (a < 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Invalid cache associativity '%s'", assoc);
        return -1;
    }
    VN_AUTOFREE char *policy = prop(cn, "policy");
    if (!policy)   /* libvirt reports and goes on to fail just below */
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Missing 'policy' attribute in cache element for NUMA node %d", (int)cell);
    int p = policy ? vn_cache_policy_from_string(policy) : -1;
    if (p < 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Invalid cache policy '%s'",
                     policy ? policy : "(null)");
        return -1;
    }
    cache->assoc = (vn_cache_assoc)a;
    cache->policy = (vn_cache_policy)p;
    /* libvirt reads the units from "./size/unit" and "./line/unit" (child
     * elements, never present): sizes are KiB and lines bytes. */
    VN_AUTOFREE char *size = attr_string(child(cn, "size"), "value");
    if (parse_mem("./size/@value", size, NULL, true, &cache->size_kib, err) < 0)
        return -1;
    VN_AUTOFREE char *line = attr_string(child(cn, "line"), "value");
    if (!line) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "missing element or attribute '%s'", "./line/@value");
        return -1;
    }
    if (!str_to_ullp(line, 10, &cache->line_bytes)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Invalid value '%s' for element or attribute '%s'", line, "./line/@value");
        return -1;
    }
    return 0;
}

static int parse_caches(vn_domain *dom, xmlNode *cellnode, unsigned cur, vn_error *err)
{
    vn_cell *c = &dom->cells[cur];
    size_t n = count_children(cellnode, "cache");
    if (!n)
        return 0;
    c->caches = vn_calloc(n, sizeof(vn_cache));
    for_each_child(cellnode, "cache", cn) {
        if (parse_cache(cn, cur, &c->caches[c->ncaches], err) < 0)
            return -1;
        c->ncaches++;
    }
    return 0;
}

static int parse_cell(vn_domain *dom, xmlNode *cellnode, size_t idx, vn_error *err)
{
    unsigned cur;
    int rc = prop_uint(cellnode, "id", 10, 0, &cur, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        cur = (unsigned)idx;
    if (cur >= dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Exactly one 'cell' element per guest NUMA cell allowed, "
                     "non-contiguous ranges or ranges not starting from 0 are not allowed");
        return -1;
    }
    vn_cell *c = &dom->cells[cur];
    if (c->mem_kib) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Duplicate NUMA cell info for cell id '%u'", cur);
        return -1;
    }
    VN_AUTOFREE char *cpus = prop(cellnode, "cpus");
    if (cpus) {
        vn_bitmap *mask = parse_set(cpus, err);
        if (!mask)
            return -1;
        if (vn_bitmap_is_empty(mask))
            vn_bitmap_free(mask);
        else {
            vn_bitmap_free(c->cpus);
            c->cpus = mask;
        }
    }
    for (size_t j = 0; j < dom->ncells; j++) {
        if (j == cur || !dom->cells[j].cpus || !c->cpus)
            continue;
        if (vn_bitmap_overlaps(dom->cells[j].cpus, c->cpus)) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                         "NUMA cells %u and %zu have overlapping vCPU ids", cur, j);
            return -1;
        }
    }
    VN_AUTOFREE char *mem = attr_string(cellnode, "memory");
    VN_AUTOFREE char *unit = attr_string(cellnode, "unit");
    if (parse_mem("./@memory", mem, unit, true, &c->mem_kib, err) < 0)
        return -1;
    int acc;
    if (prop_enum(cellnode, "memAccess", from_access, PROP_NONZERO, 0, &acc, err) < 0)
        return -1;
    c->mem_access = (vn_mem_access)acc;
    if (prop_tristate(cellnode, "discard", 0, &c->discard, err) < 0)
        return -1;
    if (parse_distances(dom, cellnode, cur, err) < 0)
        return -1;
    return parse_caches(dom, cellnode, cur, err);
}

static int parse_interconnect(vn_domain *dom, xmlNode *ic, vn_error *err)
{
    vn_interconnect l = {0};
    if (name_is(ic, "latency")) {
        l.kind = VN_INTERCONNECT_LATENCY;
        if (prop_ull(ic, "value", 10, PROP_REQUIRED, &l.value, err) < 0)
            return -1;
    } else {
        l.kind = VN_INTERCONNECT_BANDWIDTH;
        VN_AUTOFREE char *v = attr_string(ic, "value");
        VN_AUTOFREE char *u = attr_string(ic, "unit");
        if (parse_mem("./@value", v, u, true, &l.value, err) < 0)
            return -1;
    }
    int type;
    if (prop_uint(ic, "initiator", 10, PROP_REQUIRED, &l.initiator, err) < 0 ||
        prop_uint(ic, "target", 10, PROP_REQUIRED, &l.target, err) < 0 ||
        prop_uint(ic, "cache", 10, 0, &l.cache, err) < 0 ||
        prop_enum(ic, "type", from_latency, PROP_REQUIRED | PROP_NONZERO, 0, &type, err) < 0)
        return -1;
    l.type = (vn_memory_latency)type;
    *VN_APPEND(dom->interconnects, dom->ninterconnects) = l;
    return 0;
}

static int parse_numa(vn_domain *dom, xmlNode *cpu, vn_error *err)
{
    xmlNode *numa = child(cpu, "numa");
    if (!numa)
        return 0;
    size_t n = count_children(numa, "cell");
    if (!n) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "NUMA topology defined without NUMA cells");
        return -1;
    }
    dom->cells = vn_calloc(n, sizeof(vn_cell));
    dom->ncells = n;
    for (size_t i = 0; i < n; i++)
        dom->cells[i].id = (unsigned)i;
    size_t i = 0;
    for_each_child(numa, "cell", cellnode)
        if (parse_cell(dom, cellnode, i++, err) < 0)
            return -1;
    /* Each size is below libvirt's limit; keep their sum there too, so
     * that totals derived from the cells cannot wrap (vn_domain.h's
     * vn_domain_cells_memory_kib relies on it). */
    uint64_t sum = 0;
    for (i = 0; i < n; i++)
        if (!vn_add_u64(sum, dom->cells[i].mem_kib, &sum) ||
            sum >= VN_DIV_UP(VN_MEMORY_MAX_BYTES, 1024)) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OVERFLOW, "size value too large");
            return -1;
        }
    for (xmlNode *ic = child(numa, "interconnects") ? child(numa, "interconnects")->children : NULL;
         ic; ic = ic->next)
        if ((name_is(ic, "latency") || name_is(ic, "bandwidth")) &&
            parse_interconnect(dom, ic, err) < 0)
            return -1;
    return 0;
}

/* The checks virDomainDefParseXML makes right after the NUMA cells. */
static int check_numa_cpus(const vn_domain *dom, vn_error *err)
{
    uint64_t total = 0;
    unsigned maxid = 0;
    for (size_t i = 0; i < dom->ncells; i++) {
        total += vn_bitmap_count(dom->cells[i].cpus);
        int last = vn_bitmap_last(dom->cells[i].cpus);
        if (last > (int)maxid)
            maxid = (unsigned)last;
    }
    if (total > dom->maxvcpus) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                     "Number of CPUs in <numa> exceeds the <vcpu> count");
        return -1;
    }
    if (maxid >= dom->maxvcpus) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "CPU IDs in <numa> exceed the <vcpu> count");
        return -1;
    }
    return 0;
}

/* ---- <numatune> (virDomainNumatuneParseXML) --------------------------- */

/* virDomainNumatuneSet: -1 for "not given" in mode and placement. */
static int numatune_set(vn_domain *dom, bool placement_static, int placement,
                        int mode, vn_bitmap *nodeset, vn_error *err)
{
    if (mode == -1 && placement == -1 && !nodeset)
        return 0;
    if (!dom->numatune_specified) {
        if (mode == -1)
            mode = VN_NUMATUNE_STRICT;
        if (placement == -1)
            placement = VN_NUMATUNE_PLACEMENT_DEFAULT;
    }
    if (mode != -1)
        dom->numatune_mode = (vn_numatune_mode)mode;
    if (nodeset) {
        vn_bitmap_free(dom->numatune_nodeset);
        dom->numatune_nodeset = vn_bitmap_copy(nodeset);
        if (placement == -1)
            placement = VN_NUMATUNE_PLACEMENT_STATIC;
    }
    if (placement == VN_NUMATUNE_PLACEMENT_DEFAULT)
        placement = dom->numatune_nodeset || placement_static ? VN_NUMATUNE_PLACEMENT_STATIC
                                                              : VN_NUMATUNE_PLACEMENT_AUTO;
    if (placement == VN_NUMATUNE_PLACEMENT_STATIC && !dom->numatune_nodeset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                     "nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
        return -1;
    }
    if (placement == VN_NUMATUNE_PLACEMENT_AUTO && dom->numatune_nodeset) {
        vn_bitmap_free(dom->numatune_nodeset);
        dom->numatune_nodeset = NULL;
    }
    if (placement != -1)
        dom->numatune_placement = (vn_numatune_placement)placement;
    dom->numatune_specified = true;
    return 0;
}

static int parse_memnode(vn_domain *dom, xmlNode *mn, vn_error *err)
{
    unsigned cellid;
    if (prop_uint(mn, "cellid", 10, PROP_REQUIRED, &cellid, err) < 0)
        return -1;
    if (cellid >= dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Argument 'cellid' in memnode element must correspond to existing guest's NUMA cell");
        return -1;
    }
    vn_cell *c = &dom->cells[cellid];
    if (c->memnode_nodeset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Multiple memnode elements with cellid %u", cellid);
        return -1;
    }
    int mode;
    if (prop_enum(mn, "mode", from_numatune_mode, 0, VN_NUMATUNE_STRICT, &mode, err) < 0)
        return -1;
    c->memnode_mode = (vn_numatune_mode)mode;
    if (dom->numatune_mode == VN_NUMATUNE_RESTRICTIVE && mode != VN_NUMATUNE_RESTRICTIVE) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "'restrictive' mode is required in memnode element when mode is 'restrictive' in memory element");
        return -1;
    }
    VN_AUTOFREE char *nodeset = prop(mn, "nodeset");
    if (!nodeset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Missing required nodeset attribute in memnode element");
        return -1;
    }
    if (!(c->memnode_nodeset = parse_nonempty_set(nodeset, "nodeset", err)))
        return -1;
    c->has_memnode = true;
    return 0;
}

static int parse_numatune(vn_domain *dom, xmlNode *root, vn_error *err)
{
    bool placement_static = dom->cpu_placement == VN_PLACEMENT_STATIC;
    if (count_children(root, "numatune") > 1) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "only one numatune is supported");
        return -1;
    }
    xmlNode *nt = child(root, "numatune");
    xmlNode *mem = child(nt, "memory");
    int mode = -1, placement = -1;
    vn_bitmap *nodeset = NULL;

    if (!placement_static && !mem)
        placement = VN_NUMATUNE_PLACEMENT_AUTO;
    if (mem) {
        VN_AUTOFREE char *m = prop(mem, "mode");
        if (m && (mode = vn_numatune_mode_from_string(m)) < 0) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "Unsupported NUMA memory tuning mode '%s'", m);
            return -1;
        }
        VN_AUTOFREE char *p = prop(mem, "placement");
        if (p && (placement = vn_numatune_placement_from_string(p)) < 0) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "Unsupported NUMA memory placement mode '%s'", p);
            return -1;
        }
        VN_AUTOFREE char *ns = prop(mem, "nodeset");
        if (ns && !(nodeset = parse_nonempty_set(ns, "nodeset", err)))
            return -1;
    }
    int rc = numatune_set(dom, placement_static, placement, mode, nodeset, err);
    vn_bitmap_free(nodeset);
    if (rc < 0)
        return -1;

    if (!count_children(nt, "memnode"))
        return 0;
    if (dom->numatune_specified && dom->numatune_placement == VN_NUMATUNE_PLACEMENT_AUTO) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                     "Per-node binding is not compatible with automatic NUMA placement.");
        return -1;
    }
    if (!dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "Element 'memnode' is invalid without any guest NUMA cells");
        return -1;
    }
    for_each_child(nt, "memnode", mn)
        if (parse_memnode(dom, mn, err) < 0)
            return -1;
    return 0;
}

/* ---- <devices><memory> (virDomainMemoryDefParseXML) ------------------- */

static int parse_memdev_source(vn_memdev *m, xmlNode *src, vn_error *err)
{
    VN_AUTOFREE char *mask = NULL;
    switch (m->model) {
    case VN_MEMORY_MODEL_DIMM:
    case VN_MEMORY_MODEL_VIRTIO_MEM:
        if (parse_mem_elem(src, "pagesize", "./pagesize", false, &m->pagesize_kib, err) < 0)
            return -1;
        /* fall through */
    case VN_MEMORY_MODEL_SGX_EPC:
        if ((mask = text(child(src, "nodemask"))) &&
            !(m->source_nodes = parse_nonempty_set(mask, "nodemask", err)))
            return -1;
        break;
    case VN_MEMORY_MODEL_NVDIMM:
        m->path = text(child(src, "path"));
        if (parse_mem_elem(src, "alignsize", "./alignsize", false, &m->alignsize_kib, err) < 0)
            return -1;
        m->pmem = child(src, "pmem") != NULL;
        break;
    case VN_MEMORY_MODEL_VIRTIO_PMEM:
        m->path = text(child(src, "path"));
        break;
    default:
        break;
    }
    return 0;
}

static int parse_memdev_target(vn_memdev *m, xmlNode *tgt, vn_error *err)
{
    VN_AUTOFREE char *node = text(child(tgt, "node"));
    if (node && (!vn_parse_int(node, &m->target_node) || m->target_node < 0)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "invalid value of memory device node");
        return -1;
    }
    if (parse_mem_elem(tgt, "size", "./size", true, &m->size_kib, err) < 0)
        return -1;
    if (m->model == VN_MEMORY_MODEL_NVDIMM) {
        if (parse_mem_elem(child(tgt, "label"), "size", "./label/size", false,
                           &m->labelsize_kib, err) < 0)
            return -1;
        if (m->labelsize_kib && m->labelsize_kib < 128) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "nvdimm label must be at least 128KiB");
            return -1;
        }
        if (m->labelsize_kib >= m->size_kib) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "label size must be smaller than NVDIMM size");
            return -1;
        }
        m->readonly = child(tgt, "readonly") != NULL;
    } else if (m->model == VN_MEMORY_MODEL_VIRTIO_MEM) {
        if (parse_mem_elem(tgt, "block", "./block", false, &m->blocksize_kib, err) < 0 ||
            parse_mem_elem(tgt, "requested", "./requested", false, &m->requested_kib, err) < 0)
            return -1;
    }
    return 0;
}

/* virDomainDeviceAddressParseXML for the dimm and pci address types. */
static int parse_memdev_address(vn_memdev *m, xmlNode *addr, vn_error *err)
{
    VN_AUTOFREE char *type = prop(addr, "type");
    if (!type) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "No type specified for device address");
        return -1;
    }
    if (!strcmp(type, "dimm")) {
        m->addr_type = VN_MEMDEV_ADDR_DIMM;
        if (prop_uint(addr, "slot", 10, PROP_REQUIRED, &m->addr_slot, err) < 0 ||
            prop_ull(addr, "base", 16, 0, &m->addr_base, err) < 0)
            return -1;
        m->addr_has_slot = true;
    } else if (!strcmp(type, "pci")) {
        int multi;
        m->addr_type = VN_MEMDEV_ADDR_PCI;
        if (prop_uint(addr, "domain", 0, 0, &m->pci_domain, err) < 0 ||
            prop_uint(addr, "bus", 0, 0, &m->pci_bus, err) < 0 ||
            prop_uint(addr, "slot", 0, 0, &m->pci_slot, err) < 0 ||
            prop_uint(addr, "function", 0, 0, &m->pci_function, err) < 0 ||
            prop_enum(addr, "multifunction", from_switch, PROP_NONZERO, 0, &multi, err) < 0)
            return -1;
        /* on/off stored with the same numbers as yes/no (vn_switch). */
        m->pci_multifunction = (vn_tristate)multi;
    } else {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "unsupported memory device address type '%s'", type);
        return -1;
    }
    return 0;
}

/* virUUIDParse's syntax: 32 hex digits, '-' and ' ' allowed between
 * pairs, spaces around. */
static bool uuid_valid(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    for (int i = 0; i < 16; i++) {
        while (*s == '-' || *s == ' ')
            s++;
        if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
            return false;
        s += 2;
    }
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

static int parse_memdev_body(vn_memdev *m, xmlNode *n, vn_error *err)
{
    int model, access;
    if (prop_enum(n, "model", from_model, PROP_REQUIRED | PROP_NONZERO, 0, &model, err) < 0)
        return -1;
    m->model = (vn_memory_model)model;
    m->target_node = -1;
    if (prop_enum(n, "access", from_access, PROP_NONZERO, 0, &access, err) < 0 ||
        prop_tristate(n, "discard", 0, &m->discard, err) < 0)
        return -1;
    m->access = (vn_mem_access)access;
    if (m->model == VN_MEMORY_MODEL_NVDIMM && (m->uuid = text(child(n, "uuid"))) &&
        !uuid_valid(m->uuid)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "malformed uuid element");
        return -1;
    }
    xmlNode *src = child(n, "source");
    if (src && parse_memdev_source(m, src, err) < 0)
        return -1;
    xmlNode *tgt = child(n, "target");
    if (!tgt) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "missing <target> element for <memory> device");
        return -1;
    }
    if (parse_memdev_target(m, tgt, err) < 0)
        return -1;
    VN_AUTOFREE char *alias = attr_string(child(n, "alias"), "name");
    if (alias && !strncmp(alias, "ua-", 3) &&
        strspn(alias, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(alias))
        m->alias = vn_strdup(alias);
    xmlNode *addr = child(n, "address");
    return addr ? parse_memdev_address(m, addr, err) : 0;
}

static int parse_memdevs(vn_domain *dom, xmlNode *devices, vn_error *err)
{
    for_each_child(devices, "memory", n) {
        vn_memdev *m = VN_APPEND(dom->memdevs, dom->nmemdevs);
        if (parse_memdev_body(m, n, err) < 0)
            return -1;
    }
    return 0;
}

/* vhost-user devices that qemu_validate.c requires shared memory for. */
static void scan_shared_memory_users(vn_domain *dom, xmlNode *devices)
{
    for_each_child(devices, "disk", d) {
        VN_AUTOFREE char *t = prop(d, "type");
        if (t && !strcmp(t, "vhostuser"))
            dom->needs_shared_memory = true;
    }
    for_each_child(devices, "filesystem", fs) {
        VN_AUTOFREE char *t = prop(child(fs, "driver"), "type");
        if (t && !strcmp(t, "virtiofs"))
            dom->needs_shared_memory = true;
    }
}

/* ---- <vnuma> ------------------------------------------------------------ */

static int parse_vnuma(vn_domain *dom, xmlNode *root, vn_error *err)
{
    if (count_children(root, "vnuma") > 1) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "only one vnuma element is supported");
        return -1;
    }
    xmlNode *v = child(root, "vnuma");
    if (!v)
        return 0;
    vn_vnuma *vn = &dom->vnuma;
    int mode, dist;
    if (prop_enum(v, "mode", from_vnuma_mode, PROP_REQUIRED, 0, &mode, err) < 0 ||
        prop_enum(v, "distribution", from_vnuma_dist, 0, VN_VNUMA_DIST_CONTIGUOUS, &dist, err) < 0)
        return -1;
    vn->present = true;
    vn->mode = (vn_vnuma_mode)mode;
    vn->distribution = (vn_vnuma_dist)dist;
    xmlNode *mem = child(v, "memory");
    if (mem) {
        if (parse_mem_elem(v, "memory", "./vnuma/memory", true, &vn->memory_kib, err) < 0)
            return -1;
        vn->has_memory = true;
    }
    xmlNode *part = child(v, "partition");
    if (part) {
        if (vn->mode != VN_VNUMA_MODE_NODE) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                         "element 'partition' in element 'vnuma' requires mode='node'");
            return -1;
        }
        VN_AUTOFREE char *ns = prop(part, "nodeset");
        if (ns && !(vn->partition_nodeset = parse_nonempty_set(ns, "nodeset", err)))
            return -1;
        if (prop_uint(part, "cells", 10, PROP_NONZERO, &vn->partition_cells, err) < 0)
            return -1;
        vn->has_partition = true;
    }
    if (dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                     "element 'vnuma' cannot be combined with guest NUMA cells in <cpu><numa>");
        return -1;
    }
    return 0;
}

/* ---- the whole domain --------------------------------------------------- */

/* virDomainDefParseXML, owned elements only, in libvirt's order. */
static int parse_domain(vn_domain *dom, xmlNode *root, vn_error *err)
{
    iothread_ids t = {0};
    int rc = -1;
    xmlNode *cpu = child(root, "cpu");

    parse_ids(dom, root);
    if (parse_memory(dom, root, err) < 0 ||
        parse_vcpu(dom, root, err) < 0 ||
        parse_iothreads(dom, root, &t, err) < 0 ||
        parse_cputune(dom, root, &t, err) < 0 ||
        parse_topology(dom, cpu, err) < 0 ||
        parse_numa(dom, cpu, err) < 0 ||
        check_numa_cpus(dom, err) < 0 ||
        parse_numatune(dom, root, err) < 0)
        goto out;
    if (dom->numatune_specified && dom->numatune_placement == VN_NUMATUNE_PLACEMENT_AUTO &&
        !dom->cpumask && !dom->nvcpupins && !dom->emulatorpin && !dom->niothreadpins)
        dom->cpu_placement = VN_PLACEMENT_AUTO;
    xmlNode *devices = child(root, "devices");
    if (parse_memdevs(dom, devices, err) < 0)
        goto out;
    scan_shared_memory_users(dom, devices);
    if (parse_vnuma(dom, root, err) < 0)
        goto out;
    rc = 0;
out:
    free(t.ids);
    return rc;
}

vn_domain *vn_domain_parse(const char *xml, size_t len, vn_error *err)
{
    xmlDoc *doc = read_xml(xml, len, err);
    if (!doc)
        return NULL;
    vn_domain *dom = vn_calloc(1, sizeof(*dom));
    dom->doc = doc;
    if (parse_domain(dom, xmlDocGetRootElement(doc), err) < 0 ||
        vn_domain_postparse(dom, err) < 0 ||
        vn_domain_validate_define(dom, err) < 0) {
        vn_domain_free(dom);
        return NULL;
    }
    return dom;
}

#include "os/fileio.h"   /* for vn_domain_parse_file only */

vn_domain *vn_domain_parse_file(const char *path, vn_error *err)
{
    /* a regular file only (a FIFO is refused, never waited on), read
     * through the seam, VN_XML_MAX_BYTES at most */
    VN_AUTOFREE char *why = vn_asprintf("cannot open '%s'", path);
    VN_AUTOFREE char *rwhy = vn_asprintf("cannot read '%s'", path);
    vn_file_opts o = {.max_bytes = VN_XML_MAX_BYTES, .open_fail = why, .read_fail = rwhy};
    VN_AUTOCLEAR(vn_buf) b = {0};
    if (vn_file_read(vn_os_current(), path, &o, &b, err) < 0)
        return NULL;
    return vn_domain_parse(b.s ? b.s : "", b.len, err);
}
