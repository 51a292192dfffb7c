/*
 * svg_overlay.c - the palette of overlay cells and the helpers that fill an
 * overlay (svg.h): cells, the memory they place on host nodes, the host
 * CPUs they pin.  The drawing (svg_draw.c) reads the overlay and the
 * palette.
 */
#include "picture/svg_internal.h"

#include <stdlib.h>

/* ---- overlay helpers ----------------------------------------------- */

static const char *const palette[VN_SVG_NCOLOURS] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a",
};
/* Text colour readable on each palette entry. */
const char *const svg_palette_ink[VN_SVG_NCOLOURS] = {
    "#ffffff", "#000000", "#ffffff", "#ffffff", "#ffffff", "#ffffff",
    "#000000", "#000000", "#000000", "#000000", "#000000", "#000000",
};

const char *vn_svg_colour(unsigned i)
{
    return palette[i % VN_SVG_NCOLOURS];
}

vn_svg_overlay *vn_svg_overlay_new(const char *title)
{
    vn_svg_overlay *ov = vn_calloc(1, sizeof(*ov));
    ov->title = title ? vn_strdup(title) : NULL;
    return ov;
}

vn_svg_cell *vn_svg_overlay_add_cell(vn_svg_overlay *ov, const char *label, unsigned colour)
{
    vn_svg_cell *c = VN_APPEND(ov->cells, ov->ncells);
    c->label = label ? vn_strdup(label) : NULL;
    c->colour = colour;
    return c;
}

void vn_svg_cell_add_mem(vn_svg_cell *c, unsigned node, uint64_t kib)
{
    if (!c->host_nodes)
        c->host_nodes = vn_bitmap_new();
    vn_bitmap_set(c->host_nodes, node);
    for (size_t i = 0; i < c->nmem; i++) {
        if (c->mem[i].node == node) {
            if (!vn_add_u64(c->mem[i].kib, kib, &c->mem[i].kib))
                c->mem[i].kib = UINT64_MAX;
            return;
        }
    }
    vn_svg_mem *m = VN_APPEND(c->mem, c->nmem);
    m->node = node;
    m->kib = kib;
}

void vn_svg_cell_pin(vn_svg_cell *c, unsigned host_cpu, const char *label)
{
    if (!c->host_cpus)
        c->host_cpus = vn_bitmap_new();
    vn_bitmap_set(c->host_cpus, host_cpu);
    if (label) {
        vn_svg_pin *p = VN_APPEND(c->pins, c->npins);
        p->host_cpu = host_cpu;
        p->label = vn_strdup(label);
    }
}

void vn_svg_cell_reserve(vn_svg_cell *c, unsigned host_cpu)
{
    if (!c->reserved)
        c->reserved = vn_bitmap_new();
    vn_bitmap_set(c->reserved, host_cpu);
}

const char *svg_cell_colour(const vn_svg_cell *c)
{
    return c->other ? VN_SVG_OTHER_COLOUR : vn_svg_colour(c->colour);
}

const char *svg_cell_ink(const vn_svg_cell *c)
{
    return c->other ? "#ffffff" : svg_palette_ink[c->colour % VN_SVG_NCOLOURS];
}

void vn_svg_overlay_free(vn_svg_overlay *ov)
{
    if (!ov)
        return;
    for (size_t i = 0; i < ov->ncells; i++) {
        vn_svg_cell *c = &ov->cells[i];
        free(c->label);
        vn_bitmap_free(c->host_nodes);
        free(c->mem);
        vn_bitmap_free(c->host_cpus);
        for (size_t j = 0; j < c->npins; j++)
            free(c->pins[j].label);
        free(c->pins);
        vn_bitmap_free(c->reserved);
    }
    free(ov->cells);
    free(ov->title);
    free(ov);
}
