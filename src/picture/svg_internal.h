/*
 * svg_internal.h - internal to the SVG renderer (src/picture/svg*.c); not
 * for other folders: they use svg.h.
 *
 * SVG pictures of a host's NUMA topology with an optional guest overlay.
 * See svg.h for what is drawn; the renderer has two halves:
 *
 *   - a layout pass: nodes are grouped into packages (the lowest socket id
 *     of their CPUs; a node with CPUs in several packages holds them as
 *     lsub boxes and goes unboxed), memory-only nodes beside their nearest
 *     CPU node (a cluster, one row), CPUs into cores (vn_host_cpu_core_key: the lowest id
 *     among a CPU and its SMT siblings), and every box gets a size; boxes
 *     of one level are placed by one helper (svg_flow) in rows of balanced
 *     length, so 64 nodes or 1024 CPUs wrap instead of running off to the
 *     right;
 *   - a drawing pass that walks the same structures and prints elements.
 *
 * Everything is integer arithmetic and input order (host nodes sorted by
 * id, CPUs sorted by id), so the output is byte-for-byte deterministic.
 * Text from the input (labels, the source path) is made valid UTF-8 and
 * XML-escaped.  Elements carry class names (package, node, core, pu, ...)
 * and ids (node3, pu12) that tests and style sheets can find.
 *
 * The files:
 *   svg_overlay.c  the palette and the overlay helpers (svg.h's API to fill
 *                  an overlay);
 *   svg_layout.c   geometry (rows of boxes), text (UTF-8 repair, escaping,
 *                  widths, sizes) and the layout pass;
 *   svg_draw.c     the drawing pass and vn_svg_host.
 * Names one file uses from another start with svg_.
 */
#ifndef VN_SVG_INTERNAL_H
#define VN_SVG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "picture/svg.h"

/* ---- overlay helpers ----------------------------------------------- */

/* svg_overlay.c: text colour readable on each palette entry. */
extern const char *const svg_palette_ink[VN_SVG_NCOLOURS];
/* svg_overlay.c: a cell's fill colour (other guests: VN_SVG_OTHER_COLOUR)
 * and the text colour readable on it. */
const char *svg_cell_colour(const vn_svg_cell *c);
const char *svg_cell_ink(const vn_svg_cell *c);

/* ---- geometry ------------------------------------------------------ */

enum {
    FS = 11,            /* font size of box text */
    FS_SMALL = 9,       /* PU text */
    CW = 7,             /* width of one character at FS, generous for monospace */
    LH = 14,            /* line height at FS */
    GAP = 6,            /* between boxes and around their contents */
    PU_W = 42,
    PU_H = 18,
    PU_H_LABELLED = 30, /* room for a vCPU label under the PU number */
    PU_GAP = 3,         /* between PUs and around them in a core box */
    TCOLS_MAX = 4,      /* PUs side by side in a core box */
    NODE_MIN_W = 200,
    NODE_INNER_MAX = 420,
    PAGE_MAX_W = 1500,
    BAR_H = 8,
    MARGIN = 10,
    DIST_TEXT_MAX = 24, /* nodes up to which distance cells carry numbers */
    DCELL_W = 28, DCELL_H = 16, DCELL_SMALL = 12,
    LABEL_MAX = 40,     /* characters of a cell label shown */
};

typedef struct box {
    int x, y, w, h;
} box;

/* svg_layout.c: items per row, balanced; boxes placed in rows. */
size_t svg_per_row_for(size_t n, int item_w, int max_w);
void svg_flow(box *b, size_t n, size_t per_row, int gap, int x0, int y0, int *w, int *h);

/* ---- text ---------------------------------------------------------- */

/* svg_layout.c: s as XML text (valid UTF-8, escaped, at most max
 * characters); the characters svg_add_text shows; "1.5 GiB"; a <text>. */
void svg_add_text(vn_buf *b, const char *s, size_t max);
size_t svg_text_chars(const char *s, size_t max);
void svg_fmt_kib(char *out, size_t len, uint64_t kib);
void svg_text_at(vn_buf *b, int x, int y, const char *cls, const char *s);

/* ---- layout model -------------------------------------------------- */

typedef struct lcore {
    size_t *pus;                 /* indices into the node's cpus */
    size_t npus;
    int socket;                  /* socket id of its first PU; -1 unknown */
    box bx;
    box *pub;                    /* PU boxes, relative to the core */
} lcore;

/* A package drawn inside a node: a node whose CPUs sit in several
 * packages (e.g. 2 sockets per node) holds one box per package, as lstopo
 * draws a NUMA node beside the packages of its group. */
typedef struct lsub {
    int socket;
    size_t *cores;               /* indices into the node's cores */
    size_t ncores;
    box bx;                      /* relative to the node */
} lsub;

typedef struct lnode {
    const vn_host_node *n;
    int socket;                  /* lowest known socket id; -1 unknown */
    bool memonly;
    long anchor;                 /* memory-only: index of the nearest CPU node, -1 none */
    lcore *cores;
    size_t ncores;
    lsub *subs;                  /* packages inside the node, when more than one */
    size_t nsubs;
    char **lines;                /* header lines (the first is the title) */
    size_t nlines;
    size_t nmarks;               /* overlay cells using this node */
    int cores_y;                 /* where the cores start, relative */
    box bx;
} lnode;

typedef struct lpkg {
    int socket;                  /* -1: unknown; -2: memory-only nodes without a package (no box) */
    bool inner;                  /* nodes holding their packages (lsub): no box around them */
    size_t *nodes;               /* indices into layout.nodes */
    size_t nnodes;
    box bx;
    box *nb;                     /* node boxes, relative to the package */
} lpkg;

typedef struct layout {
    const vn_host *h;
    const vn_svg_overlay *ov;
    lnode *nodes;
    size_t nnodes;
    lpkg *pkgs;
    size_t npkgs;
    int pu_h, core_w, tcols, node_w;
    int sub_w;                   /* width of a package box inside a node */
    size_t sub_cpr;              /* cores per row in it */
} layout;

/* svg_layout.c: does overlay cell c use the node, its memory there; does
 * the host record distances; the layout of a host and overlay; its end. */
bool svg_cell_uses_node(const vn_svg_cell *c, unsigned node);
uint64_t svg_cell_mem_on(const vn_svg_cell *c, unsigned node);
bool svg_host_has_distances(const vn_host *h);
void svg_layout_build(layout *L, const vn_host *h, const vn_svg_overlay *ov);
void svg_layout_free(layout *L);

#endif
