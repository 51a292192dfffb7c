/*
 * memory_xml.c - the memory sizes and backing of a domain: <memory>,
 * <currentMemory>, <maxMemory> and <memoryBacking>
 * (virDomainDefParseMemory), parsed and formatted as libvirt 9.0 does. The
 * parser reads the element into the model (model/domain.h) with libvirt's
 * checks and messages; the formatter writes it back from the model in
 * libvirt's layout.  See domain_xml.h for how the files fit.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "base/units.h"
#include "domain/domain_xml.h"

/* ---- virDomainDefParseMemory ------------------------------------------ */

static int parse_hugepage(xmlNode *page, vn_hugepage *hp, vn_error *err)
{
    VN_AUTOFREE char *size = dx_attr_string(page, "size");
    VN_AUTOFREE char *unit = dx_attr_string(page, "unit");
    if (dx_parse_mem("./@size", size, unit, true, &hp->size_kib, err) < 0)
        return -1;
    if (!hp->size_kib) {
        vn_error_set(err, VNUMA_ERR_INVALID, "hugepage size can't be zero");
        return -1;
    }
    VN_AUTOFREE char *nodeset = dx_prop(page, "nodeset");
    if (nodeset && !(hp->nodemask = dx_parse_nonempty_set(nodeset, "nodeset", err)))
        return -1;
    return 0;
}

static int parse_memory_backing(vn_domain *dom, xmlNode *mb, vn_error *err)
{
    VN_AUTOFREE char *src = dx_attr_string(dx_child(mb, "source"), "type");
    if (src && (int)(dom->source = vn_mem_source_from_string(src)) <= 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "unknown memoryBacking/source/type '%s'", src);
        return -1;
    }
    VN_AUTOFREE char *acc = dx_attr_string(dx_child(mb, "access"), "mode");
    if (acc && (int)(dom->access = vn_mem_access_from_string(acc)) <= 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "unknown memoryBacking/access/mode '%s'", acc);
        return -1;
    }
    xmlNode *alloc = dx_child(mb, "allocation");
    VN_AUTOFREE char *amode = dx_attr_string(alloc, "mode");
    if (amode && (int)(dom->allocation = vn_mem_allocation_from_string(amode)) <= 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "unknown memoryBacking/allocation/mode '%s'", amode);
        return -1;
    }
    VN_AUTOFREE char *threads = dx_attr_string(alloc, "threads");
    if (threads && !dx_str_to_ui(threads, &dom->allocation_threads)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Failed to parse memory allocation threads");
        return -1;
    }
    xmlNode *hp = dx_child(mb, "hugepages");
    if (hp) {
        size_t n = dx_count_children(hp, "page");
        if (n) {
            dom->hugepages = vn_calloc(n, sizeof(*dom->hugepages));
            dx_for_each_child(hp, "page", page) {
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
    dom->nosharepages = dx_child(mb, "nosharepages") != NULL;
    dom->locked = dx_child(mb, "locked") != NULL;
    if (dx_child(mb, "discard"))
        dom->discard = VN_TRISTATE_YES;
    return 0;
}

int dx_parse_memory(vn_domain *dom, xmlNode *root, vn_error *err)
{
    if (dx_parse_mem_elem(root, "memory", "./memory[1]", false, &dom->total_memory_kib, err) < 0 ||
        dx_parse_mem_elem(root, "currentMemory", "./currentMemory[1]", false, &dom->cur_balloon_kib, err) < 0 ||
        dx_parse_mem_elem(root, "maxMemory", "./maxMemory[1]", false, &dom->max_memory_kib, err) < 0)
        return -1;
    VN_AUTOFREE char *slots = dx_attr_string(dx_child(root, "maxMemory"), "slots");
    if (slots && !dx_str_to_ui(slots, &dom->memory_slots)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Failed to parse memory slot count");
        return -1;
    }
    xmlNode *mb = dx_child(root, "memoryBacking");
    return mb ? parse_memory_backing(dom, mb, err) : 0;
}


/* ---- formatting: virDomainDefFormatInternal (memory part) -------------- */

/* virDomainDefHasMemoryHotplug */
void dx_emit_max_memory(vn_buf *b, const vn_domain *dom)
{
    if (dom->memory_slots > 0 || dom->max_memory_kib > 0)
        vn_buf_line(b, "<maxMemory slots='%u' unit='KiB'>%llu</maxMemory>",
                    dom->memory_slots, (unsigned long long)dom->max_memory_kib);
}

/* <memory dumpCore> is a tristate switch the model does not carry: it is
 * taken from the input as libvirt would have parsed it (on/off only). */
void dx_emit_memory(vn_buf *b, const vn_domain *dom)
{
    xmlNode *mem = dx_top_child(dom, "memory");
    VN_AUTOFREE char *dump = mem ? (char *)xmlGetNoNsProp(mem, (const xmlChar *)"dumpCore") : NULL;
    const char *dc = (dump && (!strcmp(dump, "on") || !strcmp(dump, "off"))) ? dump : NULL;

    vn_buf_line(b, "<memory%s%s%s unit='KiB'>%llu</memory>",
                dc ? " dumpCore='" : "", dc ? dc : "", dc ? "'" : "",
                (unsigned long long)dom->total_memory_kib);
}

void dx_emit_current_memory(vn_buf *b, const vn_domain *dom)
{
    vn_buf_line(b, "<currentMemory unit='KiB'>%llu</currentMemory>",
                (unsigned long long)dom->cur_balloon_kib);
}

/* virDomainHugepagesFormat: a lone page of the default size is <hugepages/>. */
static void emit_hugepages(vn_buf *b, const vn_domain *dom)
{
    if (dom->nhugepages == 1 && dom->hugepages[0].size_kib == 0) {
        vn_buf_line(b, "<hugepages/>");
        return;
    }
    vn_buf_line(b, "<hugepages>");
    b->indent += 2;
    for (size_t i = 0; i < dom->nhugepages; i++) {
        const vn_hugepage *hp = &dom->hugepages[i];
        if (hp->nodemask) {
            VN_AUTOFREE char *ns = vn_bitmap_format(hp->nodemask);
            vn_buf_line(b, "<page size='%llu' unit='KiB' nodeset='%s'/>",
                        (unsigned long long)hp->size_kib, ns);
        } else {
            vn_buf_line(b, "<page size='%llu' unit='KiB'/>", (unsigned long long)hp->size_kib);
        }
    }
    b->indent -= 2;
    vn_buf_line(b, "</hugepages>");
}

/* virDomainMemorybackingFormat */
void dx_emit_memory_backing(vn_buf *b, const vn_domain *dom)
{
    vn_buf c = {.indent = b->indent + 2};

    if (dom->nhugepages)
        emit_hugepages(&c, dom);
    if (dom->nosharepages)
        vn_buf_line(&c, "<nosharepages/>");
    if (dom->locked)
        vn_buf_line(&c, "<locked/>");
    if (dom->source)
        vn_buf_line(&c, "<source type='%s'/>", vn_mem_source_to_string(dom->source));
    if (dom->access)
        vn_buf_line(&c, "<access mode='%s'/>", vn_mem_access_to_string(dom->access));
    if (dom->allocation || dom->allocation_threads > 0) {
        dx_pad(&c);
        vn_buf_add(&c, "<allocation");
        if (dom->allocation)
            vn_buf_addf(&c, " mode='%s'", vn_mem_allocation_to_string(dom->allocation));
        if (dom->allocation_threads > 0)
            vn_buf_addf(&c, " threads='%u'", dom->allocation_threads);
        vn_buf_add(&c, "/>\n");
    }
    if (dom->discard)
        vn_buf_line(&c, "<discard/>");

    if (c.len) {
        vn_buf_line(b, "<memoryBacking>");
        vn_buf_add(b, c.s);
        vn_buf_line(b, "</memoryBacking>");
    }
    vn_buf_free(&c);
}
