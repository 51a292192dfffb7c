/*
 * svg.h - SVG pictures of a host's NUMA topology (`vnuma host --format svg`)
 * and of a guest drawn onto its host (`vnuma plan --format svg`).
 *
 * Pure renderer in the spirit of hwloc's lstopo: models in, SVG 1.1 text
 * out, no I/O.  Packages (sockets, from the CPUs' socket ids) are boxes
 * holding their NUMA nodes (a node whose CPUs sit in several packages holds
 * one box per package instead); each node shows its id, memory (total,
 * free; a hatched bar and "free unknown" where the source has no free
 * figure) and huge page pools, and its cores as boxes holding their PUs
 * (SMT siblings share a core box; "P#n" is host CPU n).  Memory-only nodes
 * (CPU-less tiers) are drawn dashed, beside the CPU node nearest them by
 * distance (KNL's MCDRAM beside its DDR node, as lstopo groups them),
 * offline CPUs greyed.  A distance
 * heat-map table sits under the picture.  The layout is deterministic:
 * the same input gives the same bytes.
 *
 * The overlay draws guest cells on top: each cell has a label, a colour
 * (an index into a fixed palette), the host nodes it uses, the memory it
 * places on each of them and the host CPUs its vCPUs are pinned to.  Its
 * nodes get a coloured mark with the amount placed, its PUs are filled in
 * its colour (labelled with the first vCPU pinned there, "vN+" when other
 * vCPUs are pinned there too; the tooltip names all), the CPUs it holds
 * unpinned are framed ("rsvd"), and a legend lists the cells (other
 * guests, vn_svg_cell.other, apart and grey) and explains the labels.
 *
 * Filling an overlay: either use the helpers below (they copy strings and
 * keep host_nodes up to date), or fill the structs by hand with memory
 * from vn_malloc/vn_strdup/vn_bitmap_new so vn_svg_overlay_free can
 * release it.  Every pointer may be NULL / every count 0.
 */
#ifndef VN_SVG_H
#define VN_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "base/bitmap.h"
#include "model/host.h"

/* Memory a guest cell places on one host node. */
typedef struct vn_svg_mem {
    unsigned node;                /* host node id */
    uint64_t kib;
} vn_svg_mem;

/* One vCPU pinning shown on a host PU: host_cpu gets the cell's colour and,
 * when label is non-NULL, the label (e.g. "v3") written in the PU box. */
typedef struct vn_svg_pin {
    unsigned host_cpu;
    char *label;                  /* owned; may be NULL */
} vn_svg_pin;

typedef struct vn_svg_cell {
    char *label;                  /* owned; e.g. "guest cell 0"; may be NULL */
    unsigned colour;              /* palette index, taken modulo the palette size */
    vn_bitmap *host_nodes;        /* owned; host nodes the cell uses; may be NULL */
    vn_svg_mem *mem;              /* memory placed per host node */
    size_t nmem;
    vn_bitmap *host_cpus;         /* owned; host CPUs its vCPUs are pinned to; may be NULL */
    vn_svg_pin *pins;             /* optional vCPU labels per host CPU */
    size_t npins;
    vn_bitmap *reserved;          /* owned; host CPUs held for it but not pinned (the
                                     idle SMT siblings of thread policy isolate): drawn
                                     framed in its colour, "rsvd"; may be NULL */
    bool other;                   /* another guest (a ledger's, drawn under a plan):
                                     one neutral colour, listed apart in the legend */
} vn_svg_cell;

typedef struct vn_svg_overlay {
    char *title;                  /* owned; shown above the legend; may be NULL */
    vn_svg_cell *cells;
    size_t ncells;
} vn_svg_overlay;

/* The colour of other guests' cells (vn_svg_cell.other). */
#define VN_SVG_OTHER_COLOUR "#505050"
/* Number of colours in the palette (cell colour indexes wrap around). */
#define VN_SVG_NCOLOURS 12
/* "#rrggbb" of palette entry i % VN_SVG_NCOLOURS (static string). */
const char *vn_svg_colour(unsigned i);

/* Overlay helpers: copies of strings are taken; all return/keep ownership
 * in the overlay. */
vn_svg_overlay *vn_svg_overlay_new(const char *title);
vn_svg_cell *vn_svg_overlay_add_cell(vn_svg_overlay *ov, const char *label, unsigned colour);
/* Adds kib to the cell's memory on `node` (merging with an earlier entry,
 * saturating) and sets the node in host_nodes. */
void vn_svg_cell_add_mem(vn_svg_cell *c, unsigned node, uint64_t kib);
/* Marks host_cpu as pinned by this cell (sets it in host_cpus); label,
 * e.g. "v3", may be NULL. */
void vn_svg_cell_pin(vn_svg_cell *c, unsigned host_cpu, const char *label);
/* Marks host_cpu as reserved for the cell without a vCPU on it. */
void vn_svg_cell_reserve(vn_svg_cell *c, unsigned host_cpu);
void vn_svg_overlay_free(vn_svg_overlay *ov);

/* The picture; ov may be NULL (host only).  Caller frees. */
char *vn_svg_host(const vn_host *h, const vn_svg_overlay *ov);

#endif
