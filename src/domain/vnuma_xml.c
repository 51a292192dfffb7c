/*
 * vnuma_xml.c - <vnuma>, vnuma's own element: a guest NUMA layout that
 * mirrors the host (place/vnuma_expand.c expands it). The parser reads the
 * element into the model (model/domain.h) with libvirt's checks and
 * messages; the formatter writes it back from the model in libvirt's
 * layout.  See domain_xml.h for how the files fit.
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

/* ---- <vnuma> ------------------------------------------------------------ */

int dx_parse_vnuma(vn_domain *dom, xmlNode *root, vn_error *err)
{
    if (dx_count_children(root, "vnuma") > 1) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "only one vnuma element is supported");
        return -1;
    }
    xmlNode *v = dx_child(root, "vnuma");
    if (!v)
        return 0;
    vn_vnuma *vn = &dom->vnuma;
    int mode, dist;
    if (dx_prop_enum(v, "mode", dx_from_vnuma_mode, PROP_REQUIRED, 0, &mode, err) < 0 ||
        dx_prop_enum(v, "distribution", dx_from_vnuma_dist, 0, VN_VNUMA_DIST_CONTIGUOUS, &dist, err) < 0)
        return -1;
    vn->present = true;
    vn->mode = (vn_vnuma_mode)mode;
    vn->distribution = (vn_vnuma_dist)dist;
    xmlNode *mem = dx_child(v, "memory");
    if (mem) {
        if (dx_parse_mem_elem(v, "memory", "./vnuma/memory", true, &vn->memory_kib, err) < 0)
            return -1;
        vn->has_memory = true;
    }
    xmlNode *part = dx_child(v, "partition");
    if (part) {
        if (vn->mode != VN_VNUMA_MODE_NODE) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "element 'partition' in element 'vnuma' requires mode='node'");
            return -1;
        }
        VN_AUTOFREE char *ns = dx_prop(part, "nodeset");
        if (ns && !(vn->partition_nodeset = dx_parse_nonempty_set(ns, "nodeset", err)))
            return -1;
        if (dx_prop_uint(part, "cells", 10, PROP_NONZERO, &vn->partition_cells, err) < 0)
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


/* ---- formatting: <vnuma> ----------------------------------------------- */

/* vnuma's own element, symmetric with its grammar. */
void dx_emit_vnuma(vn_buf *b, const vn_domain *dom)
{
    const vn_vnuma *v = &dom->vnuma;
    if (!v->present)
        return;
    dx_pad(b);
    vn_buf_addf(b, "<vnuma mode='%s' distribution='%s'", vn_vnuma_mode_to_string(v->mode),
                vn_vnuma_dist_to_string(v->distribution));
    if (!v->has_memory && !v->has_partition) {
        vn_buf_add(b, "/>\n");
        return;
    }
    vn_buf_add(b, ">\n");
    b->indent += 2;
    if (v->has_memory)
        vn_buf_line(b, "<memory unit='KiB'>%llu</memory>", (unsigned long long)v->memory_kib);
    if (v->has_partition) {
        dx_pad(b);
        vn_buf_add(b, "<partition");
        if (v->partition_nodeset) {
            VN_AUTOFREE char *ns = vn_bitmap_format(v->partition_nodeset);
            vn_buf_addf(b, " nodeset='%s'", ns);
        }
        if (v->partition_cells)
            vn_buf_addf(b, " cells='%u'", v->partition_cells);
        vn_buf_add(b, "/>\n");
    }
    b->indent -= 2;
    vn_buf_line(b, "</vnuma>");
}
