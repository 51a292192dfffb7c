/*
 * numatune_xml.c - <numatune>: the host nodes the guest memory is bound
 * to, globally and per cell (virDomainNumatuneParseXML /
 * virDomainNumatuneFormatXML). The parser reads the element into the model
 * (model/domain.h) with libvirt's checks and messages; the formatter
 * writes it back from the model in libvirt's layout.  See domain_xml.h for
 * how the files fit.
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
    if (dx_prop_uint(mn, "cellid", 10, PROP_REQUIRED, &cellid, err) < 0)
        return -1;
    if (cellid >= dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Argument 'cellid' in memnode element must correspond to existing guest's NUMA cell");
        return -1;
    }
    vn_cell *c = &dom->cells[cellid];
    if (c->memnode_nodeset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Multiple memnode elements with cellid %u", cellid);
        return -1;
    }
    int mode;
    if (dx_prop_enum(mn, "mode", dx_from_numatune_mode, 0, VN_NUMATUNE_STRICT, &mode, err) < 0)
        return -1;
    c->memnode_mode = (vn_numatune_mode)mode;
    if (dom->numatune_mode == VN_NUMATUNE_RESTRICTIVE && mode != VN_NUMATUNE_RESTRICTIVE) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "'restrictive' mode is required in memnode element when mode is 'restrictive' in memory element");
        return -1;
    }
    VN_AUTOFREE char *nodeset = dx_prop(mn, "nodeset");
    if (!nodeset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Missing required nodeset attribute in memnode element");
        return -1;
    }
    if (!(c->memnode_nodeset = dx_parse_nonempty_set(nodeset, "nodeset", err)))
        return -1;
    c->has_memnode = true;
    return 0;
}

int dx_parse_numatune(vn_domain *dom, xmlNode *root, vn_error *err)
{
    bool placement_static = dom->cpu_placement == VN_PLACEMENT_STATIC;
    if (dx_count_children(root, "numatune") > 1) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "only one numatune is supported");
        return -1;
    }
    xmlNode *nt = dx_child(root, "numatune");
    xmlNode *mem = dx_child(nt, "memory");
    int mode = -1, placement = -1;
    vn_bitmap *nodeset = NULL;

    if (!placement_static && !mem)
        placement = VN_NUMATUNE_PLACEMENT_AUTO;
    if (mem) {
        VN_AUTOFREE char *m = dx_prop(mem, "mode");
        if (m && (mode = vn_numatune_mode_from_string(m)) < 0) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "Unsupported NUMA memory tuning mode '%s'", m);
            return -1;
        }
        VN_AUTOFREE char *p = dx_prop(mem, "placement");
        if (p && (placement = vn_numatune_placement_from_string(p)) < 0) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "Unsupported NUMA memory placement mode '%s'", p);
            return -1;
        }
        VN_AUTOFREE char *ns = dx_prop(mem, "nodeset");
        if (ns && !(nodeset = dx_parse_nonempty_set(ns, "nodeset", err)))
            return -1;
    }
    int rc = numatune_set(dom, placement_static, placement, mode, nodeset, err);
    vn_bitmap_free(nodeset);
    if (rc < 0)
        return -1;

    if (!dx_count_children(nt, "memnode"))
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
    dx_for_each_child(nt, "memnode", mn)
        if (parse_memnode(dom, mn, err) < 0)
            return -1;
    return 0;
}


/* ---- formatting: virDomainNumatuneFormatXML ---------------------------- */

/* virDomainNumatuneFormatXML; cell i's memnode is formatted as cellid i. */
void dx_emit_numatune(vn_buf *b, const vn_domain *dom)
{
    bool memnodes = false;
    for (size_t i = 0; i < dom->ncells; i++)
        if (dom->cells[i].memnode_nodeset)
            memnodes = true;
    if (!memnodes && !dom->numatune_specified)
        return;

    vn_buf_line(b, "<numatune>");
    b->indent += 2;
    if (dom->numatune_specified) {
        const char *mode = vn_numatune_mode_to_string(dom->numatune_mode);
        vn_numatune_placement pl = dom->numatune_placement;
        if (pl == VN_NUMATUNE_PLACEMENT_DEFAULT)   /* post-parse resolves it; be safe */
            pl = dom->numatune_nodeset ? VN_NUMATUNE_PLACEMENT_STATIC : VN_NUMATUNE_PLACEMENT_AUTO;
        if (pl == VN_NUMATUNE_PLACEMENT_STATIC) {
            VN_AUTOFREE char *ns = vn_bitmap_format(dom->numatune_nodeset);
            vn_buf_line(b, "<memory mode='%s' nodeset='%s'/>", mode, ns);
        } else {
            vn_buf_line(b, "<memory mode='%s' placement='%s'/>", mode,
                        vn_numatune_placement_to_string(pl));
        }
    }
    for (size_t i = 0; i < dom->ncells; i++) {
        const vn_cell *c = &dom->cells[i];
        if (!c->memnode_nodeset)
            continue;
        VN_AUTOFREE char *ns = vn_bitmap_format(c->memnode_nodeset);
        vn_buf_line(b, "<memnode cellid='%zu' mode='%s' nodeset='%s'/>", i,
                    vn_numatune_mode_to_string(c->memnode_mode), ns);
    }
    b->indent -= 2;
    vn_buf_line(b, "</numatune>");
}
