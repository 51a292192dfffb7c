/*
 * svg.c - SVG pictures of a host's NUMA topology with an optional guest
 * overlay.  See svg.h for what is drawn; this file has two halves:
 *
 *   - a layout pass: nodes are grouped into packages (the lowest socket id
 *     of their CPUs), CPUs into cores (vn_host_cpu_core_key: the lowest id
 *     among a CPU and its SMT siblings), and every box gets a size; boxes
 *     of one level are placed by one helper (flow) in rows of balanced
 *     length, so 64 nodes or 1024 CPUs wrap instead of running off to the
 *     right;
 *   - a drawing pass that walks the same structures and prints elements.
 *
 * Everything is integer arithmetic and input order (host nodes sorted by
 * id, CPUs sorted by id), so the output is byte-for-byte deterministic.
 * Text from the input (labels, the source path) is made valid UTF-8 and
 * XML-escaped.  Elements carry class names (package, node, core, pu, ...)
 * and ids (node3, pu12) that tests and style sheets can find.
 */
#include "picture/svg.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- overlay helpers ----------------------------------------------- */

static const char *const palette[VN_SVG_NCOLOURS] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a",
};
/* Text colour readable on each palette entry. */
static const char *const palette_ink[VN_SVG_NCOLOURS] = {
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
    }
    free(ov->cells);
    free(ov->title);
    free(ov);
}

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

/* Number of items per row so that rows of items of width item_w fit in
 * max_w, balanced (8 items that fit 6 a row give 2 rows of 4). */
static size_t per_row_for(size_t n, int item_w, int max_w)
{
    if (!n)
        return 1;
    size_t k = max_w > item_w + GAP ? (size_t)((max_w - GAP) / (item_w + GAP)) : 1;
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    size_t rows = VN_DIV_UP(n, k);
    return VN_DIV_UP(n, rows);
}

/* Place boxes (w, h set) in rows of per_row, gap apart, starting at
 * (x0, y0); returns the extent (right, bottom) through *w and *h. */
static void flow(box *b, size_t n, size_t per_row, int gap, int x0, int y0, int *w, int *h)
{
    int x = x0, y = y0, row_h = 0, right = x0, bottom = y0;
    for (size_t i = 0; i < n; i++) {
        if (i && i % per_row == 0) {
            y += row_h + gap;
            x = x0;
            row_h = 0;
        }
        b[i].x = x;
        b[i].y = y;
        x += b[i].w + gap;
        if (b[i].h > row_h)
            row_h = b[i].h;
        if (b[i].x + b[i].w > right)
            right = b[i].x + b[i].w;
        if (b[i].y + b[i].h > bottom)
            bottom = b[i].y + b[i].h;
    }
    *w = right - x0;
    *h = bottom - y0;
}

/* ---- text ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1-4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
        return 0;   /* overlong, surrogate */
    if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
        return 0;
    return n;
}

/* Append s as XML text: valid UTF-8 only (bad bytes and control characters
 * become '?'), escaped, at most max characters (then "..."). */
static void add_text(vn_buf *b, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t chars = 0;
    while (*p) {
        if (chars == max) {
            vn_buf_add(b, "...");
            return;
        }
        size_t n = utf8_len(p);
        if (!n || *p < 0x20 || *p == 0x7f) {
            vn_buf_addc(b, '?');
            p++;
        } else if (n == 1) {
            char c[2] = {(char)*p, 0};
            vn_buf_add_escaped(b, c);
            p++;
        } else {
            vn_buf_addn(b, (const char *)p, n);
            p += n;
        }
        chars++;
    }
}

/* Characters add_text shows for s (for width estimates). */
static size_t text_chars(const char *s, size_t max)
{
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = utf8_len(p);
        p += n ? n : 1;
        if (++chars > max)
            return max + 3;
    }
    return chars;
}

/* "32 GiB", "1.5 GiB", "512 MiB", "4 KiB": one decimal, trailing ".0" dropped. */
static void fmt_kib(char *out, size_t len, uint64_t kib)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    size_t u = 0;
    uint64_t div = 1;
    while (u + 1 < VN_ARRAY_LEN(units) && kib / div >= 1024) {
        div *= 1024;
        u++;
    }
    uint64_t whole = kib / div, tenth = (kib % div) * 10 / div;
    if (tenth)
        snprintf(out, len, "%llu.%llu %s", (unsigned long long)whole,
                 (unsigned long long)tenth, units[u]);
    else
        snprintf(out, len, "%llu %s", (unsigned long long)whole, units[u]);
}

static void text_at(vn_buf *b, int x, int y, const char *cls, const char *s)
{
    vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, cls);
    add_text(b, s, LABEL_MAX * 2);
    vn_buf_add(b, "</text>\n");
}

/* ---- layout model -------------------------------------------------- */

typedef struct lcore {
    size_t *pus;                 /* indices into the node's cpus */
    size_t npus;
    box bx;
    box *pub;                    /* PU boxes, relative to the core */
} lcore;

typedef struct lnode {
    const vn_host_node *n;
    int socket;                  /* lowest known socket id; -1 unknown */
    bool memonly;
    lcore *cores;
    size_t ncores;
    char **lines;                /* header lines (the first is the title) */
    size_t nlines;
    size_t nmarks;               /* overlay cells using this node */
    int cores_y;                 /* where the cores start, relative */
    box bx;
} lnode;

typedef struct lpkg {
    int socket;                  /* -1: unknown; -2: memory-only nodes without a package (no box) */
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
} layout;

static int cmp_cpu_id(const void *a, const void *b, void *arg)
{
    const vn_host_cpu *cpus = arg;
    unsigned x = cpus[*(const size_t *)a].id, y = cpus[*(const size_t *)b].id;
    return x < y ? -1 : x > y;
}

static void group_cores(lnode *ln)
{
    const vn_host_node *n = ln->n;
    VN_AUTOFREE size_t *order = vn_calloc(n->ncpus, sizeof(*order));
    for (size_t i = 0; i < n->ncpus; i++)
        order[i] = i;
    qsort_r(order, n->ncpus, sizeof(*order), cmp_cpu_id, n->cpus);
    VN_AUTOFREE unsigned *keys = NULL;
    size_t nkeys = 0;
    for (size_t i = 0; i < n->ncpus; i++) {
        const vn_host_cpu *c = &n->cpus[order[i]];
        unsigned k = vn_host_cpu_core_key(c);
        size_t j = 0;
        while (j < nkeys && keys[j] != k)
            j++;
        if (j == nkeys) {
            *VN_APPEND(keys, nkeys) = k;
            VN_APPEND(ln->cores, ln->ncores);
        }
        *VN_APPEND(ln->cores[j].pus, ln->cores[j].npus) = order[i];
        if (c->socket_id >= 0 && (ln->socket < 0 || c->socket_id < ln->socket))
            ln->socket = c->socket_id;
    }
}

static bool cell_uses_node(const vn_svg_cell *c, unsigned node)
{
    if (c->host_nodes && vn_bitmap_is_set(c->host_nodes, node))
        return true;
    for (size_t i = 0; i < c->nmem; i++)
        if (c->mem[i].node == node && c->mem[i].kib)
            return true;
    return false;
}

static uint64_t cell_mem_on(const vn_svg_cell *c, unsigned node)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < c->nmem; i++)
        if (c->mem[i].node == node && !vn_add_u64(sum, c->mem[i].kib, &sum))
            return UINT64_MAX;
    return sum;
}

/* The smallest page size of a node is its base page: not a huge page pool. */
static uint64_t base_page_kib(const vn_host_node *n)
{
    uint64_t m = UINT64_MAX;
    for (size_t i = 0; i < n->npages; i++)
        if (n->pages[i].size_kib < m)
            m = n->pages[i].size_kib;
    return m;
}

static void node_lines(lnode *ln)
{
    const vn_host_node *n = ln->n;
    char a[32], f[32];
    *VN_APPEND(ln->lines, ln->nlines) =
        vn_asprintf(ln->memonly ? "NUMA node %u (no CPUs)" : "NUMA node %u", n->id);
    fmt_kib(a, sizeof(a), n->mem_kib);
    fmt_kib(f, sizeof(f), n->free_kib);
    *VN_APPEND(ln->lines, ln->nlines) =
        !n->mem_kib ? vn_strdup("no memory")
        : n->has_free ? vn_asprintf("%s, %s free", a, f) : vn_asprintf("%s", a);
    uint64_t base = base_page_kib(n);
    for (size_t i = 0; i < n->npages; i++) {
        const vn_host_pages *p = &n->pages[i];
        if (p->size_kib == base)
            continue;
        fmt_kib(a, sizeof(a), p->size_kib);
        *VN_APPEND(ln->lines, ln->nlines) =
            p->has_free ? vn_asprintf("%s pages: %llu, %llu free", a,
                                      (unsigned long long)p->total, (unsigned long long)p->free)
                        : vn_asprintf("%s pages: %llu", a, (unsigned long long)p->total);
    }
}

static int node_text_w(const layout *L, const lnode *ln)
{
    size_t m = 0;
    for (size_t i = 0; i < ln->nlines; i++)
        if (strlen(ln->lines[i]) > m)
            m = strlen(ln->lines[i]);
    for (size_t i = 0; L->ov && i < L->ov->ncells; i++) {
        const vn_svg_cell *c = &L->ov->cells[i];
        if (cell_uses_node(c, ln->n->id)) {
            size_t k = text_chars(c->label, LABEL_MAX) + 14;  /* ": 1023.9 GiB" and swatch */
            if (k > m)
                m = k;
        }
    }
    return (int)m * CW + 2 * GAP;
}

static bool overlay_has_labels(const vn_svg_overlay *ov)
{
    for (size_t i = 0; ov && i < ov->ncells; i++)
        if (ov->cells[i].npins)
            return true;
    return false;
}

static void layout_cores(layout *L, lnode *ln)
{
    for (size_t i = 0; i < ln->ncores; i++) {
        lcore *c = &ln->cores[i];
        c->pub = vn_calloc(c->npus, sizeof(*c->pub));
        for (size_t j = 0; j < c->npus; j++) {
            c->pub[j].w = PU_W;
            c->pub[j].h = L->pu_h;
        }
        int w, h;
        flow(c->pub, c->npus, (size_t)L->tcols, PU_GAP, PU_GAP, PU_GAP, &w, &h);
        c->bx.w = L->core_w;
        c->bx.h = h + 2 * PU_GAP;
    }
}

/* Size a node box and place its cores inside. */
static void layout_node(layout *L, lnode *ln, size_t cores_per_row)
{
    ln->nmarks = 0;
    for (size_t i = 0; L->ov && i < L->ov->ncells; i++)
        ln->nmarks += cell_uses_node(&L->ov->cells[i], ln->n->id);
    ln->bx.w = L->node_w;
    ln->cores_y = GAP + (int)ln->nlines * LH + BAR_H + GAP + (int)ln->nmarks * LH;
    ln->bx.h = ln->cores_y + GAP;
    if (!ln->ncores)
        return;
    layout_cores(L, ln);
    VN_AUTOFREE box *cb = vn_calloc(ln->ncores, sizeof(*cb));
    for (size_t i = 0; i < ln->ncores; i++)
        cb[i] = ln->cores[i].bx;
    int w, h;
    flow(cb, ln->ncores, cores_per_row, GAP, GAP, ln->cores_y, &w, &h);
    for (size_t i = 0; i < ln->ncores; i++)
        ln->cores[i].bx = cb[i];
    ln->bx.h = ln->cores_y + h + GAP;
}

static bool host_has_distances(const vn_host *h)
{
    for (size_t i = 0; i < h->nnodes; i++)
        if (h->nodes[i].ndistances)
            return true;
    return false;
}

static lpkg *pkg_for(layout *L, int socket)
{
    for (size_t i = 0; i < L->npkgs; i++)
        if (L->pkgs[i].socket == socket)
            return &L->pkgs[i];
    lpkg *p = VN_APPEND(L->pkgs, L->npkgs);
    p->socket = socket;
    return p;
}

static int cmp_pkg(const void *a, const void *b)
{
    const lpkg *x = a, *y = b;
    /* sockets in order, then unknown (-1), then memory-only (-2) */
    unsigned kx = x->socket >= 0 ? (unsigned)x->socket : x->socket == -1 ? UINT32_MAX - 1 : UINT32_MAX;
    unsigned ky = y->socket >= 0 ? (unsigned)y->socket : y->socket == -1 ? UINT32_MAX - 1 : UINT32_MAX;
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return x->nodes[0] < y->nodes[0] ? -1 : x->nodes[0] > y->nodes[0];
}

/* A memory-only node goes with the package of the nearest node with CPUs
 * (ties: the lowest id), as hwloc attaches memory to the CPUs near it;
 * without distances (or CPU nodes) they form their own unboxed group. */
static int memonly_socket(const layout *L, const lnode *m)
{
    if (!host_has_distances(L->h))
        return -2;
    const lnode *best = NULL;
    unsigned bestd = 0;
    for (size_t i = 0; i < L->nnodes; i++) {
        const lnode *c = &L->nodes[i];
        if (c->memonly)
            continue;
        unsigned d = vn_host_distance(L->h, m->n->id, c->n->id);
        if (!best || d < bestd) {
            best = c;
            bestd = d;
        }
    }
    return best ? best->socket : -2;
}

static void group_packages(layout *L)
{
    for (size_t i = 0; i < L->nnodes; i++) {
        lnode *ln = &L->nodes[i];
        lpkg *p = pkg_for(L, ln->memonly ? memonly_socket(L, ln) : ln->socket);
        *VN_APPEND(p->nodes, p->nnodes) = i;
    }
    if (L->npkgs > 1)
        qsort(L->pkgs, L->npkgs, sizeof(*L->pkgs), cmp_pkg);
}

static void layout_package(layout *L, lpkg *p)
{
    int pad = p->socket == -2 ? 0 : GAP;
    int top = p->socket == -2 ? 0 : GAP + LH;
    p->nb = vn_calloc(p->nnodes, sizeof(*p->nb));
    for (size_t i = 0; i < p->nnodes; i++)
        p->nb[i] = L->nodes[p->nodes[i]].bx;
    int w, h;
    size_t k = per_row_for(p->nnodes, L->node_w, PAGE_MAX_W - 4 * GAP);
    flow(p->nb, p->nnodes, k, GAP, pad, top, &w, &h);
    p->bx.w = w + 2 * pad;
    p->bx.h = top + h + pad;
}

static void layout_build(layout *L, const vn_host *h, const vn_svg_overlay *ov)
{
    L->h = h;
    L->ov = ov;
    L->pu_h = overlay_has_labels(ov) ? PU_H_LABELLED : PU_H;
    L->nodes = vn_calloc(h->nnodes, sizeof(*L->nodes));
    L->nnodes = h->nnodes;
    size_t tmax = 1, cmax = 0;
    for (size_t i = 0; i < h->nnodes; i++) {
        lnode *ln = &L->nodes[i];
        ln->n = &h->nodes[i];
        ln->socket = -1;
        ln->memonly = !ln->n->ncpus;
        group_cores(ln);
        node_lines(ln);
        for (size_t j = 0; j < ln->ncores; j++)
            if (ln->cores[j].npus > tmax)
                tmax = ln->cores[j].npus;
        if (ln->ncores > cmax)
            cmax = ln->ncores;
    }
    L->tcols = (int)(tmax < TCOLS_MAX ? tmax : TCOLS_MAX);
    L->core_w = L->tcols * (PU_W + PU_GAP) + PU_GAP;
    size_t cpr = per_row_for(cmax, L->core_w, NODE_INNER_MAX);
    L->node_w = NODE_MIN_W;
    if ((int)cpr * (L->core_w + GAP) + GAP > L->node_w)
        L->node_w = (int)cpr * (L->core_w + GAP) + GAP;
    for (size_t i = 0; i < L->nnodes; i++)
        if (node_text_w(L, &L->nodes[i]) > L->node_w)
            L->node_w = node_text_w(L, &L->nodes[i]);
    for (size_t i = 0; i < L->nnodes; i++)
        layout_node(L, &L->nodes[i], cpr);
    group_packages(L);
    for (size_t i = 0; i < L->npkgs; i++)
        layout_package(L, &L->pkgs[i]);
}

static void layout_free(layout *L)
{
    for (size_t i = 0; i < L->nnodes; i++) {
        lnode *ln = &L->nodes[i];
        for (size_t j = 0; j < ln->ncores; j++) {
            free(ln->cores[j].pus);
            free(ln->cores[j].pub);
        }
        free(ln->cores);
        for (size_t j = 0; j < ln->nlines; j++)
            free(ln->lines[j]);
        free(ln->lines);
    }
    free(L->nodes);
    for (size_t i = 0; i < L->npkgs; i++) {
        free(L->pkgs[i].nodes);
        free(L->pkgs[i].nb);
    }
    free(L->pkgs);
}

/* ---- drawing ------------------------------------------------------- */

static const char style[] =
    "<style type=\"text/css\"><![CDATA[\n"
    "text { font-family: DejaVu Sans Mono, monospace; font-size: 11px; fill: #000000; }\n"
    "text.title { font-size: 14px; font-weight: bold; }\n"
    "text.head { font-weight: bold; }\n"
    "text.pu { font-size: 9px; text-anchor: middle; }\n"
    "text.puoff { font-size: 9px; text-anchor: middle; fill: #555555; }\n"
    "text.dist { font-size: 9px; text-anchor: middle; }\n"
    "rect.package { fill: #dedede; stroke: #555555; }\n"
    "rect.node { fill: #efe6c8; stroke: #8a7a3c; }\n"
    "rect.memonly { fill: #dbe7f3; stroke: #3c6a8a; stroke-dasharray: 6,3; }\n"
    "rect.core { fill: #bebebe; stroke: #666666; }\n"
    "rect.pu { fill: #ffffff; stroke: #444444; }\n"
    "rect.puoff { fill: #9a9a9a; stroke: #666666; stroke-dasharray: 2,2; }\n"
    "rect.bar { fill: #ffffff; stroke: #888888; }\n"
    "rect.used { fill: #9a9a9a; }\n"
    "]]></style>\n";

/* PU fill: the colours of the overlay cells pinning it, as stripes. */
static void draw_pu(vn_buf *b, const layout *L, const vn_host_cpu *c, int x, int y)
{
    const vn_svg_overlay *ov = L->ov;
    size_t ncol = 0, first = 0;
    const char *label = NULL;
    size_t nlabels = 0;
    for (size_t i = 0; ov && i < ov->ncells; i++) {
        const vn_svg_cell *cell = &ov->cells[i];
        if (!cell->host_cpus || !vn_bitmap_is_set(cell->host_cpus, c->id))
            continue;
        if (!ncol++)
            first = i;
        for (size_t j = 0; j < cell->npins; j++) {
            if (cell->pins[j].host_cpu == c->id && cell->pins[j].label) {
                if (!nlabels++)
                    label = cell->pins[j].label;
            }
        }
    }
    vn_buf_addf(b, "<g id=\"pu%u\" class=\"pu%s\">\n", c->id, c->online ? "" : " offline");
    vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"%s\"/>\n",
                x, y, PU_W, L->pu_h, c->online ? "pu" : "puoff");
    if (ncol) {
        int sw = PU_W / (int)ncol, k = 0;
        for (size_t i = first; i < ov->ncells; i++) {
            const vn_svg_cell *cell = &ov->cells[i];
            if (!cell->host_cpus || !vn_bitmap_is_set(cell->host_cpus, c->id))
                continue;
            int w = k + 1 == (int)ncol ? PU_W - k * sw : sw;
            vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        "fill=\"%s\" stroke=\"#444444\"/>\n",
                        x + k * sw, y, w, L->pu_h, vn_svg_colour(cell->colour));
            k++;
        }
    }
    const char *ink = ncol ? palette_ink[ov->cells[first].colour % VN_SVG_NCOLOURS] : NULL;
    vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"%s\"%s%s%s>P#%u</text>\n",
                x + PU_W / 2, y + 12, c->online ? "pu" : "puoff",
                ink ? " style=\"fill:" : "", ink ? ink : "", ink ? "\"" : "", c->id);
    if (label) {
        vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"pu\"%s%s%s>",
                    x + PU_W / 2, y + 25,
                    ink ? " style=\"fill:" : "", ink ? ink : "", ink ? "\"" : "");
        add_text(b, label, 6);
        vn_buf_add(b, nlabels > 1 ? "+</text>\n" : "</text>\n");
    }
    vn_buf_add(b, "</g>\n");
}

static void draw_core(vn_buf *b, const layout *L, const lnode *ln, const lcore *c, int x, int y)
{
    vn_buf_addf(b, "<g class=\"core\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                "class=\"core\"/>\n", x, y, c->bx.w, c->bx.h);
    for (size_t i = 0; i < c->npus; i++)
        draw_pu(b, L, &ln->n->cpus[c->pus[i]], x + c->pub[i].x, y + c->pub[i].y);
    vn_buf_add(b, "</g>\n");
}

/* Memory bar: used memory grey, then each cell's placement in its colour. */
static void draw_bar(vn_buf *b, const layout *L, const vn_host_node *n, int x, int y, int w)
{
    vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bar\"/>\n",
                x, y, w, BAR_H);
    if (!n->mem_kib)
        return;
    uint64_t used = n->mem_kib > n->free_kib ? n->mem_kib - n->free_kib : 0;
    int pos = (int)((long double)used * w / (long double)n->mem_kib);
    if (pos > 0)
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"used\"/>\n",
                    x, y, pos, BAR_H);
    for (size_t i = 0; L->ov && i < L->ov->ncells; i++) {
        const vn_svg_cell *c = &L->ov->cells[i];
        uint64_t kib = cell_mem_on(c, n->id);
        if (!kib || pos >= w)
            continue;
        int sw = kib >= n->mem_kib ? w : (int)((long double)kib * w / (long double)n->mem_kib);
        if (sw < 2)
            sw = 2;
        if (pos + sw > w)
            sw = w - pos;
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
                    x + pos, y, sw, BAR_H, vn_svg_colour(c->colour));
        pos += sw;
    }
}

static void draw_marks(vn_buf *b, const layout *L, const vn_host_node *n, int x, int y)
{
    for (size_t i = 0; L->ov && i < L->ov->ncells; i++) {
        const vn_svg_cell *c = &L->ov->cells[i];
        if (!cell_uses_node(c, n->id))
            continue;
        char amount[32] = "";
        uint64_t kib = cell_mem_on(c, n->id);
        if (kib)
            fmt_kib(amount, sizeof(amount), kib);
        vn_buf_addf(b, "<g class=\"mark\"><rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
                    "fill=\"%s\" stroke=\"#333333\"/>", x, y + 2, vn_svg_colour(c->colour));
        vn_buf_addf(b, "<text x=\"%d\" y=\"%d\">", x + 14, y + 11);
        add_text(b, c->label ? c->label : "cell", LABEL_MAX);
        vn_buf_addf(b, "%s%s</text></g>\n", kib ? ": " : "", amount);
        y += LH;
    }
}

/* <title> (a tooltip in browsers): the node's CPUs, online ones first. */
static void node_tooltip(vn_buf *b, const lnode *ln)
{
    vn_bitmap *all = vn_bitmap_new(), *off = vn_bitmap_new();
    for (size_t i = 0; i < ln->n->ncpus; i++) {
        vn_bitmap_set(all, ln->n->cpus[i].id);
        if (!ln->n->cpus[i].online)
            vn_bitmap_set(off, ln->n->cpus[i].id);
    }
    VN_AUTOFREE char *a = vn_bitmap_format(all);
    VN_AUTOFREE char *o = vn_bitmap_format(off);
    vn_bitmap_free(all);
    vn_bitmap_free(off);
    vn_buf_addf(b, "<title>NUMA node %u: CPUs %s%s%s%s</title>\n", ln->n->id, *a ? a : "none",
                *o ? " (offline: " : "", o, *o ? ")" : "");
}

static void draw_node(vn_buf *b, const layout *L, const lnode *ln, int x, int y)
{
    vn_buf_addf(b, "<g id=\"node%u\" class=\"node%s\">\n", ln->n->id, ln->memonly ? " memonly" : "");
    node_tooltip(b, ln);
    vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"%s\"/>\n",
                x, y, ln->bx.w, ln->bx.h, ln->memonly ? "memonly" : "node");
    int ty = y + GAP;
    for (size_t i = 0; i < ln->nlines; i++, ty += LH)
        text_at(b, x + GAP, ty + 10, i ? "info" : "head", ln->lines[i]);
    draw_bar(b, L, ln->n, x + GAP, ty + 2, ln->bx.w - 2 * GAP);
    draw_marks(b, L, ln->n, x + GAP, ty + BAR_H + GAP);
    for (size_t i = 0; i < ln->ncores; i++)
        draw_core(b, L, ln, &ln->cores[i], x + ln->cores[i].bx.x, y + ln->cores[i].bx.y);
    vn_buf_add(b, "</g>\n");
}

static void draw_package(vn_buf *b, const layout *L, const lpkg *p, int x, int y)
{
    if (p->socket != -2) {
        vn_buf_addf(b, "<g class=\"package\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                    "height=\"%d\" class=\"package\"/>\n", x, y, p->bx.w, p->bx.h);
        char t[48];
        if (p->socket >= 0)
            snprintf(t, sizeof(t), "Package P#%d", p->socket);
        else
            snprintf(t, sizeof(t), "Package (unknown socket)");
        text_at(b, x + GAP, y + GAP + 10, "head", t);
    }
    for (size_t i = 0; i < p->nnodes; i++)
        draw_node(b, L, &L->nodes[p->nodes[i]], x + p->nb[i].x, y + p->nb[i].y);
    if (p->socket != -2)
        vn_buf_add(b, "</g>\n");
}

/* Distance heat colour: light green for the smallest value, salmon for the
 * largest, linear in between. */
static void heat(char *out, size_t len, unsigned v, unsigned lo, unsigned hi)
{
    static const int a[3] = {0xe5, 0xf5, 0xe0}, z[3] = {0xfb, 0x6a, 0x4a};
    unsigned t = hi > lo ? (v - lo) * 256 / (hi - lo + 1) : 0;
    unsigned char c[3];
    if (t > 255)
        t = 255;
    for (int i = 0; i < 3; i++)
        c[i] = (unsigned char)(a[i] + (z[i] - a[i]) * (int)t / 255);
    snprintf(out, len, "#%02x%02x%02x", c[0], c[1], c[2]);
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Key of a colour-only table: each distinct value (at most 16) and its colour. */
static int dist_key(vn_buf *b, const vn_host *h, int x, int y, unsigned lo, unsigned hi)
{
    VN_AUTOFREE unsigned *vals = NULL;
    size_t n = 0;
    for (size_t i = 0; i < h->nnodes; i++)
        for (size_t j = 0; j < h->nnodes; j++) {
            unsigned v = vn_host_distance(h, h->nodes[i].id, h->nodes[j].id);
            size_t k = 0;
            while (k < n && vals[k] != v)
                k++;
            if (k == n)
                *VN_APPEND(vals, n) = v;
        }
    qsort(vals, n, sizeof(*vals), cmp_unsigned);
    for (size_t k = 0; k < n && k < 16; k++, x += 56) {
        char col[16];
        heat(col, sizeof(col), vals[k], lo, hi);
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    "<text x=\"%d\" y=\"%d\">%u</text>\n", x, y + 4, col, x + 16, y + 14, vals[k]);
    }
    return LH + 6;
}

/* Distance table: a header row and column of node ids, each value's cell
 * coloured; beyond DIST_TEXT_MAX nodes, colour only, runs merged. */
static int draw_distances(vn_buf *b, const vn_host *h, int x, int y)
{
    if (!host_has_distances(h)) {
        text_at(b, x, y + 10, "info", "Distances: none recorded");
        return LH;
    }
    text_at(b, x, y + 10, "head", "Distances");
    y += LH + 4;
    unsigned lo = UINT32_MAX, hi = 0;
    for (size_t i = 0; i < h->nnodes; i++)
        for (size_t j = 0; j < h->nnodes; j++) {
            unsigned v = vn_host_distance(h, h->nodes[i].id, h->nodes[j].id);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    bool numbers = h->nnodes <= DIST_TEXT_MAX;
    int cw = numbers ? DCELL_W : DCELL_SMALL, ch = numbers ? DCELL_H : DCELL_SMALL;
    int hx = x + DCELL_W;   /* room for the row header */
    vn_buf_add(b, "<g class=\"distances\">\n");
    for (size_t j = 0; j < h->nnodes; j++)
        if (numbers || h->nodes[j].id % 4 == 0)
            vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"dist\">%u</text>\n",
                        hx + (int)j * cw + cw / 2, y + 11, h->nodes[j].id);
    y += DCELL_H;
    for (size_t i = 0; i < h->nnodes; i++, y += ch) {
        vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"dist\">%u</text>\n",
                    x + DCELL_W / 2, y + ch - 3, h->nodes[i].id);
        size_t j = 0;
        while (j < h->nnodes) {
            unsigned v = vn_host_distance(h, h->nodes[i].id, h->nodes[j].id);
            size_t k = j + 1;
            while (!numbers && k < h->nnodes &&
                   vn_host_distance(h, h->nodes[i].id, h->nodes[k].id) == v)
                k++;
            char col[16];
            heat(col, sizeof(col), v, lo, hi);
            vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                        "stroke=\"#ffffff\"/>\n", hx + (int)j * cw, y, (int)(k - j) * cw, ch, col);
            if (numbers)
                vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"dist\">%u</text>\n",
                            hx + (int)j * cw + cw / 2, y + ch - 4, v);
            j = k;
        }
    }
    if (!numbers)
        y += dist_key(b, h, x, y, lo, hi);
    vn_buf_add(b, "</g>\n");
    return LH + 4 + DCELL_H + (int)h->nnodes * ch + (numbers ? 0 : LH + 6);
}

static int distances_width(const vn_host *h)
{
    int cw = h->nnodes <= DIST_TEXT_MAX ? DCELL_W : DCELL_SMALL;
    return DCELL_W + (int)h->nnodes * cw;
}

/* One legend line per overlay cell: swatch, label, PUs, memory per node. */
static int draw_legend(vn_buf *b, const layout *L, int x, int y, int *maxw)
{
    const vn_svg_overlay *ov = L->ov;
    if (!ov || !ov->ncells)
        return 0;
    int y0 = y;
    vn_buf_add(b, "<g class=\"legend\">\n");
    text_at(b, x, y + 10, "head", ov->title ? ov->title : "Guest");
    y += LH + 2;
    for (size_t i = 0; i < ov->ncells; i++, y += LH + 2) {
        const vn_svg_cell *c = &ov->cells[i];
        vn_buf_add(b, "<g class=\"legend-cell\">");
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\" "
                    "stroke=\"#333333\"/>", x, y + 1, vn_svg_colour(c->colour));
        vn_buf_addf(b, "<text x=\"%d\" y=\"%d\">", x + 18, y + 11);
        vn_buf line = {0};
        add_text(&line, c->label ? c->label : "cell", LABEL_MAX);
        size_t ncpu = c->host_cpus ? vn_bitmap_count(c->host_cpus) : 0;
        if (ncpu) {
            VN_AUTOFREE char *cpus = vn_bitmap_format(c->host_cpus);
            vn_buf_addf(&line, " - CPUs %s", cpus);
        }
        uint64_t total = 0;
        for (size_t j = 0; j < c->nmem; j++)
            if (!vn_add_u64(total, c->mem[j].kib, &total))
                total = UINT64_MAX;
        if (total) {
            char a[32];
            fmt_kib(a, sizeof(a), total);
            vn_buf_addf(&line, " - %s", a);
        }
        if (c->host_nodes && !vn_bitmap_is_empty(c->host_nodes)) {
            VN_AUTOFREE char *nodes = vn_bitmap_format(c->host_nodes);
            vn_buf_addf(&line, " on node%s %s", vn_bitmap_count(c->host_nodes) > 1 ? "s" : "", nodes);
        }
        VN_AUTOFREE char *s = vn_buf_steal(&line);
        vn_buf_add(b, s);
        vn_buf_add(b, "</text></g>\n");
        int w = 18 + (int)text_chars(s, 400) * CW;
        if (x + w > *maxw)
            *maxw = x + w;
    }
    vn_buf_add(b, "</g>\n");
    return y - y0;
}

/* Key of the box styles, one line. */
static int draw_key(vn_buf *b, int x, int y)
{
    static const struct { const char *cls, *name; } k[] = {
        {"package", "package"}, {"node", "NUMA node"}, {"memonly", "memory-only node"},
        {"core", "core"}, {"pu", "PU (CPU)"}, {"puoff", "offline CPU"},
    };
    vn_buf_add(b, "<g class=\"key\">\n");
    for (size_t i = 0; i < VN_ARRAY_LEN(k); i++) {
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"12\" class=\"%s\"/>",
                    x, y + 1, k[i].cls);
        text_at(b, x + 20, y + 11, "info", k[i].name);
        x += 20 + (int)strlen(k[i].name) * CW + 14;
    }
    vn_buf_add(b, "</g>\n");
    return LH + 2;
}

enum { KEY_W = 760 };

char *vn_svg_host(const vn_host *h, const vn_svg_overlay *ov)
{
    layout L = {0};
    layout_build(&L, h, ov);
    VN_AUTOFREE box *pb = vn_calloc(L.npkgs, sizeof(*pb));
    int maxpw = 0;
    for (size_t i = 0; i < L.npkgs; i++) {
        pb[i] = L.pkgs[i].bx;
        maxpw = pb[i].w > maxpw ? pb[i].w : maxpw;
    }
    int top = MARGIN + LH + 10, tw, th;
    flow(pb, L.npkgs, per_row_for(L.npkgs, maxpw, PAGE_MAX_W), GAP, MARGIN, top, &tw, &th);

    vn_buf body = {0};
    for (size_t i = 0; i < L.npkgs; i++)
        draw_package(&body, &L, &L.pkgs[i], pb[i].x, pb[i].y);
    int y = top + th + 2 * GAP, maxw = MARGIN + tw;
    y += draw_key(&body, MARGIN, y) + GAP;
    int lh = draw_legend(&body, &L, MARGIN, y, &maxw);
    y += lh ? lh + GAP : 0;
    y += draw_distances(&body, h, MARGIN, y);
    int width = maxw, height = y + MARGIN;
    if (MARGIN + distances_width(h) > width)
        width = MARGIN + distances_width(h);
    if (MARGIN + KEY_W > width)
        width = MARGIN + KEY_W;
    int title_w = MARGIN + (int)(text_chars(h->source, 120) + 50) * 9;
    if (title_w > width)
        width = title_w;
    width += MARGIN;

    vn_buf b = {0};
    vn_buf_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    vn_buf_addf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", width, height, width, height);
    vn_buf_add(&b, style);
    vn_buf_addf(&b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
                width, height);
    vn_buf_add(&b, "<text x=\"10\" y=\"24\" class=\"title\">");
    vn_buf_add(&b, "Host");
    if (h->source) {
        vn_buf_add(&b, ": ");
        add_text(&b, h->source, 120);
    }
    vn_buf_addf(&b, " - %zu NUMA node%s%s</text>\n", h->nnodes, h->nnodes == 1 ? "" : "s",
                !h->nnodes ? " (no topology recorded)"
                : h->numa_fake ? " (no NUMA: one node made up)" : "");
    VN_AUTOFREE char *s = vn_buf_steal(&body);
    vn_buf_add(&b, s);
    vn_buf_add(&b, "</svg>\n");
    layout_free(&L);
    return vn_buf_steal(&b);
}
