/*
 * domain_xml.c - the helpers the element files of src/domain share
 * (domain_xml.h) and the reader of a hostile domain document.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "base/units.h"
#include "base/xml_bounds.h"
#include "domain/domain_xml.h"

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

/* ---- small XML helpers ------------------------------------------------ */

bool dx_name_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* First element child called name, or NULL. */
xmlNode *dx_child(const xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (dx_name_is(c, name))
            return c;
    return NULL;
}

size_t dx_count_children(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        n += dx_name_is(c, name);
    return n;
}


/* virXMLPropString: the attribute's value ("" when empty), NULL if absent. */
char *dx_prop(const xmlNode *n, const char *name)
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
char *dx_text(const xmlNode *n)
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
char *dx_attr_string(const xmlNode *n, const char *name)
{
    char *s = dx_prop(n, name);
    if (s && !*s) {
        free(s);
        return NULL;
    }
    return s;
}

/* ---- sets of ids ---------------------------------------------------------- */

static size_t idset_home(unsigned id, size_t cap)
{
    return (size_t)((id * 2654435761u) & (cap - 1));
}

bool dx_idset_has(const dx_idset *s, unsigned id)
{
    if (!s->cap)
        return false;
    for (size_t i = idset_home(id, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
        if (s->slot[i] == id)
            return true;
    return false;
}

void dx_idset_add(dx_idset *s, unsigned id)
{
    if (dx_idset_has(s, id))
        return;
    if (2 * (s->n + 1) > s->cap) {
        dx_idset old = *s;
        s->cap = old.cap ? 2 * old.cap : 64;
        s->slot = vn_calloc(s->cap, sizeof(unsigned));
        s->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slot[i])
                dx_idset_add(s, old.slot[i]);
        free(old.slot);
    }
    size_t i = idset_home(id, s->cap);
    while (s->slot[i])
        i = (i + 1) & (s->cap - 1);
    s->slot[i] = id;
    s->n++;
}

void dx_idset_clear(dx_idset *s)
{
    free(s->slot);
    *s = (dx_idset){0};
}

/* ---- numbers as libvirt's virStrToLong_* read them --------------------- */

/* virStrToLong_uip: unsigned, no '-' anywhere, whole string, fits uint. */
bool dx_str_to_uip(const char *s, int base, unsigned *out)
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
bool dx_str_to_ui(const char *s, unsigned *out)
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
bool dx_str_to_ullp(const char *s, int base, uint64_t *out)
{
    char *p;
    errno = 0;
    unsigned long long v = strtoull(s, &p, base);
    if (memchr(s, '-', (size_t)(p - s)) || errno || *p || p == s)
        return false;
    *out = v;
    return true;
}


/* virXMLPropUInt and virXMLPropULongLong: -1 error, 0 absent, 1 set; a
 * value above max is invalid (virStrToLong_uip's range). */
int dx_prop_num(const xmlNode *n, const char *name, int base, int flags, uint64_t max,
                uint64_t *out, vn_error *err)
{
    VN_AUTOFREE char *s = dx_prop(n, name);
    *out = 0;
    if (!s) {
        if (!(flags & PROP_REQUIRED))
            return 0;
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Missing required attribute '%s' in element '%s'",
                     name, (const char *)n->name);
        return -1;
    }
    uint64_t v;
    if (!dx_str_to_ullp(s, base, &v) || v > max) {
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

int dx_prop_uint(const xmlNode *n, const char *name, int base, int flags,
                 unsigned *out, vn_error *err)
{
    uint64_t v;
    int rc = dx_prop_num(n, name, base, flags, UINT_MAX, &v, err);
    *out = (unsigned)v;
    return rc;
}

int dx_prop_ull(const xmlNode *n, const char *name, int base, int flags,
                uint64_t *out, vn_error *err)
{
    return dx_prop_num(n, name, base, flags, UINT64_MAX, out, err);
}

/* virXMLPropEnum / virXMLPropEnumDefault with a vn enum's _from_string. */
int dx_prop_enum(const xmlNode *n, const char *name, int (*from)(const char *),
                 int flags, int dflt, int *out, vn_error *err)
{
    VN_AUTOFREE char *s = dx_prop(n, name);
    *out = dflt;
    if (!s) {
        if (!(flags & PROP_REQUIRED))
            return 0;
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Missing required attribute '%s' in element '%s'",
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


/* virXMLPropTristateBool (value 0 "default" is not accepted). */
int dx_prop_tristate(const xmlNode *n, const char *name, int flags,
                     vn_tristate *out, vn_error *err)
{
    int v;
    int rc = dx_prop_enum(n, name, dx_from_tristate, flags | PROP_NONZERO, 0, &v, err);
    *out = (vn_tristate)v;
    return rc;
}

/* virDomainParseMemory on an already-extracted value (NULL = missing) and
 * unit; `xpath` names it as libvirt does.  Returns -1, 0 absent, 1 set. */
int dx_parse_mem(const char *xpath, const char *value, const char *unit,
                 bool required, uint64_t *kib, vn_error *err)
{
    uint64_t bytes;
    *kib = 0;
    if (!value) {
        if (!required)
            return 0;
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "missing element or attribute '%s'", xpath);
        return -1;
    }
    if (!dx_str_to_ullp(value, 10, &bytes)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Invalid value '%s' for element or attribute '%s'", value, xpath);
        return -1;
    }
    if (vn_parse_memory(xpath, value, unit && *unit ? unit : NULL, kib, err) < 0)
        return -1;
    return 1;
}

/* Element `name` under n: <name unit='...'>N</name>. */
int dx_parse_mem_elem(const xmlNode *n, const char *name, const char *xpath,
                      bool required, uint64_t *kib, vn_error *err)
{
    xmlNode *e = dx_child(n, name);
    VN_AUTOFREE char *v = dx_text(e);
    VN_AUTOFREE char *u = dx_attr_string(e, "unit");
    return dx_parse_mem(xpath, v, u, required, kib, err);
}

/* virBitmapParse(..., VIR_DOMAIN_CPUMASK_LEN). */
vn_bitmap *dx_parse_set(const char *s, vn_error *err)
{
    return vn_bitmap_parse(s, VN_CPUMASK_LEN, err);
}

/* A set that must not be empty: "Invalid value of '<what>': <s>". */
vn_bitmap *dx_parse_nonempty_set(const char *s, const char *what, vn_error *err)
{
    vn_bitmap *b = dx_parse_set(s, err);
    if (b && vn_bitmap_is_empty(b)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "Invalid value of '%s': %s", what, s);
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

xmlDoc *dx_read_xml(const char *xml, size_t len, vn_error *err)
{
    return dx_read_xml_as(xml, len, "domain", err);
}

xmlDoc *dx_read_xml_as(const char *xml, size_t len, const char *root_name, vn_error *err)
{
    if (len > VN_XML_MAX_BYTES) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "document is %zu bytes, more than the limit of %u bytes",
                      len, VN_XML_MAX_BYTES);
        return NULL;
    }
    if (vn_xml_bounds_check(xml, len, VN_XML_MAX_NODES, err) < 0)
        return NULL;
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
    if (!root || !dx_name_is(root, root_name)) {
        xmlFreeDoc(doc);
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "expected root element '%s'",
                      root_name);
        return NULL;
    }
    return doc;
}


/* The indentation of a line being started by hand (vn_buf_line does its own). */
void dx_pad(vn_buf *b)
{
    for (int i = 0; i < b->indent; i++)
        vn_buf_addc(b, ' ');
}

/* A line: open, the bitmap in libvirt's syntax, close. */
void dx_line_bitmap(vn_buf *b, const char *open, const vn_bitmap *map, const char *close)
{
    VN_AUTOFREE char *s = vn_bitmap_format(map);
    vn_buf_line(b, "%s%s%s", open, s, close);
}

/* The first top-level element of the input called `name` (namespaces are
 * not looked at, as in the parser). */
xmlNode *dx_top_child(const vn_domain *dom, const char *name)
{
    xmlNode *root = dom->doc ? xmlDocGetRootElement(dom->doc) : NULL;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
            return c;
    return NULL;
}
