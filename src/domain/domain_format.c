/*
 * domain_format.c - the Domain model back to XML, as libvirt 9.0 formats it.
 *
 * Two halves:
 *
 *  1. Emitters for the elements vnuma owns (in the element files,
 *     domain_xml.h lists them), each a port of the libvirt
 *     function named above it (virDomainDefFormatInternal, numa_conf.c's
 *     virDomainNumatuneFormatXML / virDomainNumaDefFormatXML,
 *     virDomainMemoryDefFormat, cpu_conf.c's topology, the cputune pins):
 *     sizes in KiB, defaults filled in, libvirt's attribute order and
 *     omission rules.  They read only the model.
 *
 *  2. A writer for the whole document kept by the parser (dom->doc): every
 *     element vnuma does not own is written back as it is, re-indented in
 *     libvirt's style (2 spaces, single-quoted attributes); the owned
 *     elements of the input are dropped and the emitters' output is put
 *     where libvirt's formatter puts it.  Placement uses libvirt's order of
 *     the children of <domain>, <cputune>, <cpu> and <devices>: an owned
 *     element goes just before the first kept sibling that libvirt writes
 *     after it.  <cputune>, <cpu> and <devices> are only partly owned:
 *     they stay where they are and only their owned children are rebuilt.
 *
 * The document is only read (a const walk); nothing in dom changes.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "domain/domain_xml.h"
#include "model/domain.h"

/* ------------------------------------------------------------------ */
/* 2. The document                                                     */
/* ------------------------------------------------------------------ */

/* How a child element of a container is treated. */
typedef enum {
    SLOT_KEPT,     /* not owned: written as the input has it */
    SLOT_OWNED,    /* dropped from the input, written by emit */
    SLOT_MERGED,   /* partly owned container: kept in place, rebuilt by merge */
} slot_kind;

typedef struct slot slot;
typedef void (*emit_fn)(vn_buf *b, const vn_domain *dom);
/* Write a partly owned container; orig is the input's element or NULL.
 * Only the first one in the input gets the owned children (the model was
 * read from it); later ones lose theirs. */
typedef void (*merge_fn)(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first);

struct slot {
    const char *name;
    slot_kind kind;
    emit_fn emit;
    merge_fn merge;
};

static void write_node(vn_buf *b, const vn_domain *dom, xmlNode *n);
static void write_children(vn_buf *b, const vn_domain *dom, xmlNode *parent,
                           const slot *slots, size_t nslots, bool owned);

static void add_qname(vn_buf *b, const xmlNs *ns, const xmlChar *name)
{
    if (ns && ns->prefix)
        vn_buf_addf(b, "%s:", (const char *)ns->prefix);
    vn_buf_add(b, (const char *)name);
}

/* "<name attr='v' xmlns:p='uri'" (not closed) */
static void add_start_tag(vn_buf *b, xmlNode *n)
{
    vn_buf_addc(b, '<');
    add_qname(b, n->ns, n->name);
    for (xmlAttr *a = n->properties; a; a = a->next) {
        vn_buf_addc(b, ' ');
        add_qname(b, a->ns, a->name);
        vn_buf_add(b, "='");
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        vn_buf_add_escaped(b, v ? (const char *)v : "", true);
        xmlFree(v);
        vn_buf_addc(b, '\'');
    }
    for (xmlNs *ns = n->nsDef; ns; ns = ns->next) {
        vn_buf_add(b, ns->prefix ? " xmlns:" : " xmlns");
        if (ns->prefix)
            vn_buf_add(b, (const char *)ns->prefix);
        vn_buf_add(b, "='");
        vn_buf_add_escaped(b, ns->href ? (const char *)ns->href : "", true);
        vn_buf_addc(b, '\'');
    }
}

static bool is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* An element is re-indented when its content is only elements, comments
 * and processing instructions (plus blank text); otherwise (dx_text, mixed
 * content) its content is written exactly as it is. */
static bool is_structured(xmlNode *n)
{
    bool any = false;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
            if (!is_blank(c->content))
                return false;
        } else if (c->type == XML_ELEMENT_NODE || c->type == XML_COMMENT_NODE ||
                   c->type == XML_PI_NODE) {
            any = true;
        } else {
            return false;
        }
    }
    return any;
}

/* Content written as it is, no whitespace added or removed. */
static void write_raw(vn_buf *b, xmlNode *n)
{
    switch (n->type) {
    case XML_ELEMENT_NODE:
        add_start_tag(b, n);
        if (!n->children) {
            vn_buf_add(b, "/>");
            return;
        }
        vn_buf_addc(b, '>');
        for (xmlNode *c = n->children; c; c = c->next)
            write_raw(b, c);
        vn_buf_add(b, "</");
        add_qname(b, n->ns, n->name);
        vn_buf_addc(b, '>');
        break;
    case XML_TEXT_NODE:
        vn_buf_add_escaped(b, n->content ? (const char *)n->content : "", false);
        break;
    case XML_CDATA_SECTION_NODE:
        vn_buf_addf(b, "<![CDATA[%s]]>", n->content ? (const char *)n->content : "");
        break;
    case XML_COMMENT_NODE:
        vn_buf_addf(b, "<!--%s-->", n->content ? (const char *)n->content : "");
        break;
    case XML_PI_NODE:
        vn_buf_addf(b, "<?%s%s%s?>", (const char *)n->name, n->content ? " " : "",
                    n->content ? (const char *)n->content : "");
        break;
    case XML_ENTITY_REF_NODE:
        vn_buf_addf(b, "&%s;", (const char *)n->name);
        break;
    default:
        break;
    }
}

/* An element not owned by vnuma, in libvirt's layout. */
static void write_element(vn_buf *b, const vn_domain *dom, xmlNode *n)
{
    dx_pad(b);
    if (!is_structured(n)) {
        write_raw(b, n);
        vn_buf_addc(b, '\n');
        return;
    }
    add_start_tag(b, n);
    vn_buf_add(b, ">\n");
    b->indent += 2;
    write_children(b, dom, n, NULL, 0, false);
    b->indent -= 2;
    dx_pad(b);
    vn_buf_add(b, "</");
    add_qname(b, n->ns, n->name);
    vn_buf_add(b, ">\n");
}

static void write_trimmed(vn_buf *b, const char *s)
{
    size_t len = strlen(s);
    while (*s && strchr(" \t\r\n", *s))
        s++, len--;
    while (len && strchr(" \t\r\n", s[len - 1]))
        len--;
    VN_AUTOFREE char *t = vn_strndup(s, len);
    dx_pad(b);
    vn_buf_add_escaped(b, t, false);
    vn_buf_addc(b, '\n');
}

static void write_node(vn_buf *b, const vn_domain *dom, xmlNode *n)
{
    switch (n->type) {
    case XML_ELEMENT_NODE:
        write_element(b, dom, n);
        break;
    case XML_TEXT_NODE:     /* stray text among elements: trimmed, on its own line */
        if (!is_blank(n->content))
            write_trimmed(b, (const char *)n->content);
        break;
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
    case XML_CDATA_SECTION_NODE:
    case XML_ENTITY_REF_NODE:
        dx_pad(b);
        write_raw(b, n);
        vn_buf_addc(b, '\n');
        break;
    default:    /* DTD and the like: libvirt drops them too */
        break;
    }
}

static int slot_index(const slot *slots, size_t nslots, xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE)
        return -1;
    for (size_t i = 0; i < nslots; i++)
        if (!strcmp(slots[i].name, (const char *)n->name))
            return (int)i;
    return -1;
}

/* Write the owned and the absent merged slots before `upto` not yet written. */
static void flush_slots(vn_buf *b, const vn_domain *dom, const slot *slots, bool *done,
                        size_t upto)
{
    for (size_t i = 0; i < upto; i++) {
        if (done[i])
            continue;
        done[i] = true;
        if (slots[i].kind == SLOT_OWNED)
            slots[i].emit(b, dom);
        else if (slots[i].kind == SLOT_MERGED)
            slots[i].merge(b, dom, NULL, true);
    }
}

/* The children of `parent` at b->indent: kept ones in input order, owned
 * ones (slots, in libvirt's order) just before the first kept sibling that
 * libvirt writes after them, or at the end. */
static void write_children(vn_buf *b, const vn_domain *dom, xmlNode *parent,
                           const slot *slots, size_t nslots, bool owned)
{
    bool done[64] = {false}, seen[64] = {false};

    for (size_t i = 0; i < nslots; i++)
        done[i] = slots[i].kind == SLOT_KEPT || !owned;
    for (xmlNode *c = parent->children; c; c = c->next) {
        int r = slot_index(slots, nslots, c);
        if (r >= 0 && slots[r].kind == SLOT_MERGED)
            done[r] = true;    /* written in place below */
    }
    for (xmlNode *c = parent->children; c; c = c->next) {
        int r = slot_index(slots, nslots, c);
        if (r >= 0 && slots[r].kind == SLOT_OWNED)
            continue;
        if (r >= 0)
            flush_slots(b, dom, slots, done, (size_t)r);
        if (r >= 0 && slots[r].kind == SLOT_MERGED) {
            slots[r].merge(b, dom, c, owned && !seen[r]);
            seen[r] = true;
        } else
            write_node(b, dom, c);
    }
    flush_slots(b, dom, slots, done, nslots);
}

/* virDomainCputuneDefFormat: the pins between the quotas and the schedulers. */
static const slot cputune_slots[] = {
    {"shares", SLOT_KEPT, NULL, NULL},
    {"period", SLOT_KEPT, NULL, NULL},
    {"quota", SLOT_KEPT, NULL, NULL},
    {"global_period", SLOT_KEPT, NULL, NULL},
    {"global_quota", SLOT_KEPT, NULL, NULL},
    {"emulator_period", SLOT_KEPT, NULL, NULL},
    {"emulator_quota", SLOT_KEPT, NULL, NULL},
    {"iothread_period", SLOT_KEPT, NULL, NULL},
    {"iothread_quota", SLOT_KEPT, NULL, NULL},
    {"vcpupin", SLOT_OWNED, dx_emit_vcpupins, NULL},
    {"emulatorpin", SLOT_OWNED, dx_emit_emulatorpin, NULL},
    {"iothreadpin", SLOT_OWNED, dx_emit_iothreadpins, NULL},
    {"emulatorsched", SLOT_KEPT, NULL, NULL},
    {"vcpusched", SLOT_KEPT, NULL, NULL},
    {"iothreadsched", SLOT_KEPT, NULL, NULL},
    {"cachetune", SLOT_KEPT, NULL, NULL},
    {"memorytune", SLOT_KEPT, NULL, NULL},
};

/* virCPUDefFormatBuf's children, then virDomainNumaDefFormatXML. */
static const slot cpu_slots[] = {
    {"arch", SLOT_KEPT, NULL, NULL},
    {"model", SLOT_KEPT, NULL, NULL},
    {"vendor", SLOT_KEPT, NULL, NULL},
    {"microcode", SLOT_KEPT, NULL, NULL},
    {"signature", SLOT_KEPT, NULL, NULL},
    {"counter", SLOT_KEPT, NULL, NULL},
    {"topology", SLOT_OWNED, dx_emit_topology, NULL},
    {"cache", SLOT_KEPT, NULL, NULL},
    {"maxphysaddr", SLOT_KEPT, NULL, NULL},
    {"feature", SLOT_KEPT, NULL, NULL},
    {"numa", SLOT_OWNED, dx_emit_numa, NULL},
};

/* virDomainDefFormatInternal's device order; <memory> after <shmem>. */
static const slot devices_slots[] = {
    {"emulator", SLOT_KEPT, NULL, NULL},
    {"disk", SLOT_KEPT, NULL, NULL},
    {"controller", SLOT_KEPT, NULL, NULL},
    {"lease", SLOT_KEPT, NULL, NULL},
    {"filesystem", SLOT_KEPT, NULL, NULL},
    {"interface", SLOT_KEPT, NULL, NULL},
    {"smartcard", SLOT_KEPT, NULL, NULL},
    {"serial", SLOT_KEPT, NULL, NULL},
    {"parallel", SLOT_KEPT, NULL, NULL},
    {"console", SLOT_KEPT, NULL, NULL},
    {"channel", SLOT_KEPT, NULL, NULL},
    {"input", SLOT_KEPT, NULL, NULL},
    {"tpm", SLOT_KEPT, NULL, NULL},
    {"graphics", SLOT_KEPT, NULL, NULL},
    {"sound", SLOT_KEPT, NULL, NULL},
    {"audio", SLOT_KEPT, NULL, NULL},
    {"video", SLOT_KEPT, NULL, NULL},
    {"hostdev", SLOT_KEPT, NULL, NULL},
    {"redirdev", SLOT_KEPT, NULL, NULL},
    {"redirfilter", SLOT_KEPT, NULL, NULL},
    {"hub", SLOT_KEPT, NULL, NULL},
    {"watchdog", SLOT_KEPT, NULL, NULL},
    {"memballoon", SLOT_KEPT, NULL, NULL},
    {"rng", SLOT_KEPT, NULL, NULL},
    {"nvram", SLOT_KEPT, NULL, NULL},
    {"panic", SLOT_KEPT, NULL, NULL},
    {"shmem", SLOT_KEPT, NULL, NULL},
    {"memory", SLOT_OWNED, dx_emit_memdevs, NULL},
    {"iommu", SLOT_KEPT, NULL, NULL},
    {"vsock", SLOT_KEPT, NULL, NULL},
};

/* When libvirt writes a partly owned container (virXMLFormatElement
 * leaves out an element with neither attributes nor children; <cputune>
 * has no attributes; <devices> is always written). */
typedef enum { WRITE_IF_CONTENT, WRITE_IF_CHILDREN, WRITE_ALWAYS } write_rule;

/* A partly owned container: its attributes and kept children from the
 * input (if any), its owned children from the model. */
static void merge_container(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first,
                            const char *name, const slot *slots, size_t nslots, write_rule rule)
{
    vn_buf c = {.indent = b->indent + 2};
    if (orig) {
        write_children(&c, dom, orig, slots, nslots, first);
    } else {
        bool done[64] = {false};   /* kept slots emit nothing */
        flush_slots(&c, dom, slots, done, nslots);
    }

    bool attrs = orig && (orig->properties || orig->nsDef);
    if (c.len || rule == WRITE_ALWAYS || (rule == WRITE_IF_CONTENT && attrs)) {
        dx_pad(b);
        if (orig)
            add_start_tag(b, orig);
        else
            vn_buf_addf(b, "<%s", name);
        if (c.len || rule == WRITE_ALWAYS) {   /* libvirt: <devices>\n</devices> */
            vn_buf_add(b, ">\n");
            vn_buf_add(b, c.s ? c.s : "");
            dx_pad(b);
            vn_buf_add(b, "</");
            if (orig)
                add_qname(b, orig->ns, orig->name);
            else
                vn_buf_add(b, name);
            vn_buf_add(b, ">\n");
        } else {
            vn_buf_add(b, "/>\n");
        }
    }
    vn_buf_free(&c);
}

static void merge_cputune(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first)
{
    merge_container(b, dom, orig, first, "cputune", cputune_slots, VN_ARRAY_LEN(cputune_slots),
                    WRITE_IF_CHILDREN);
}

static void merge_cpu(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first)
{
    merge_container(b, dom, orig, first, "cpu", cpu_slots, VN_ARRAY_LEN(cpu_slots), WRITE_IF_CONTENT);
}

static void merge_devices(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first)
{
    if (!orig && !dom->nmemdevs)
        return;
    merge_container(b, dom, orig, first, "devices", devices_slots, VN_ARRAY_LEN(devices_slots),
                    WRITE_ALWAYS);
}

/* virDomainDefFormatInternal's order of the children of <domain>; vnuma's
 * own <vnuma> follows <numatune>. */
static const slot domain_slots[] = {
    {"name", SLOT_KEPT, NULL, NULL},
    {"uuid", SLOT_KEPT, NULL, NULL},
    {"genid", SLOT_KEPT, NULL, NULL},
    {"title", SLOT_KEPT, NULL, NULL},
    {"description", SLOT_KEPT, NULL, NULL},
    {"metadata", SLOT_KEPT, NULL, NULL},
    {"maxMemory", SLOT_OWNED, dx_emit_max_memory, NULL},
    {"memory", SLOT_OWNED, dx_emit_memory, NULL},
    {"currentMemory", SLOT_OWNED, dx_emit_current_memory, NULL},
    {"blkiotune", SLOT_KEPT, NULL, NULL},
    {"memtune", SLOT_KEPT, NULL, NULL},
    {"memoryBacking", SLOT_OWNED, dx_emit_memory_backing, NULL},
    {"vcpu", SLOT_OWNED, dx_emit_vcpu, NULL},
    {"vcpus", SLOT_OWNED, dx_emit_vcpus, NULL},
    {"iothreads", SLOT_KEPT, NULL, NULL},
    {"iothreadids", SLOT_KEPT, NULL, NULL},
    {"defaultiothread", SLOT_KEPT, NULL, NULL},
    {"cputune", SLOT_MERGED, NULL, merge_cputune},
    {"numatune", SLOT_OWNED, dx_emit_numatune, NULL},
    {"vnuma", SLOT_OWNED, dx_emit_vnuma, NULL},
    {"resource", SLOT_KEPT, NULL, NULL},
    {"sysinfo", SLOT_KEPT, NULL, NULL},
    {"bootloader", SLOT_KEPT, NULL, NULL},
    {"bootloader_args", SLOT_KEPT, NULL, NULL},
    {"os", SLOT_KEPT, NULL, NULL},
    {"idmap", SLOT_KEPT, NULL, NULL},
    {"features", SLOT_KEPT, NULL, NULL},
    {"cpu", SLOT_MERGED, NULL, merge_cpu},
    {"clock", SLOT_KEPT, NULL, NULL},
    {"on_poweroff", SLOT_KEPT, NULL, NULL},
    {"on_reboot", SLOT_KEPT, NULL, NULL},
    {"on_crash", SLOT_KEPT, NULL, NULL},
    {"on_lockfailure", SLOT_KEPT, NULL, NULL},
    {"pm", SLOT_KEPT, NULL, NULL},
    {"perf", SLOT_KEPT, NULL, NULL},
    {"devices", SLOT_MERGED, NULL, merge_devices},
    {"seclabel", SLOT_KEPT, NULL, NULL},
    {"keywrap", SLOT_KEPT, NULL, NULL},
    {"launchSecurity", SLOT_KEPT, NULL, NULL},
};

_Static_assert(VN_ARRAY_LEN(domain_slots) <= 64 && VN_ARRAY_LEN(devices_slots) <= 64 &&
               VN_ARRAY_LEN(cpu_slots) <= 64 && VN_ARRAY_LEN(cputune_slots) <= 64,
               "write_children tracks at most 64 slots");

char *vn_domain_format(const vn_domain *dom, vn_error *err)
{
    xmlNode *root = dom && dom->doc ? xmlDocGetRootElement(dom->doc) : NULL;
    if (!root) {
        vn_error_set(err, VNUMA_ERR_INVALID, "missing root element");
        return NULL;
    }

    vn_buf b = {0};
    for (xmlNode *n = dom->doc->children; n; n = n->next) {
        if (n != root) {
            write_node(&b, dom, n);
            continue;
        }
        add_start_tag(&b, root);
        vn_buf_add(&b, ">\n");
        b.indent = 2;
        write_children(&b, dom, root, domain_slots, VN_ARRAY_LEN(domain_slots), true);
        b.indent = 0;
        vn_buf_add(&b, "</");
        add_qname(&b, root->ns, root->name);
        vn_buf_add(&b, ">\n");
    }
    return vn_buf_steal(&b);
}
