/*
 * svg_draw.c - the drawing pass: walks the layout (svg_layout.c) and prints
 * the elements (packages, nodes with their memory bars and overlay marks,
 * cores, PUs in the colours of the cells pinning them), the key, the
 * legend and the distance table; vn_svg_host puts the picture together.
 */
#include "picture/svg_internal.h"

#include <stdio.h>
#include <stdlib.h>

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
    "rect.unknown { fill: url(#unknown); stroke: #888888; }\n"
    "]]></style>\n"
    "<defs><pattern id=\"unknown\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#d0d0d0\"/>"
    "<path d=\"M0,6 L6,0\" stroke=\"#707070\" stroke-width=\"1.5\"/></pattern></defs>\n";

/* The vCPU labels of the pins on host CPU `cpu`, ", "-separated, and their
 * number. */
static size_t pu_labels(const vn_svg_overlay *ov, unsigned cpu, vn_buf *all, const char **first)
{
    size_t n = 0;
    for (size_t i = 0; ov && i < ov->ncells; i++) {
        const vn_svg_cell *cell = &ov->cells[i];
        for (size_t j = 0; j < cell->npins; j++) {
            if (cell->pins[j].host_cpu != cpu || !cell->pins[j].label)
                continue;
            if (!n++)
                *first = cell->pins[j].label;
            else
                vn_buf_add(all, ", ");
            svg_add_text(all, cell->pins[j].label, LABEL_MAX);
        }
    }
    return n;
}

/* The cell holding host CPU `cpu` reserved and unpinned, if any. */
static const vn_svg_cell *pu_reserver(const vn_svg_overlay *ov, unsigned cpu)
{
    for (size_t i = 0; ov && i < ov->ncells; i++)
        if (ov->cells[i].reserved && vn_bitmap_is_set(ov->cells[i].reserved, cpu))
            return &ov->cells[i];
    return NULL;
}

/* PU fill: the colours of the overlay cells pinning it, as stripes; its
 * label the first vCPU pinned to it, "vN+" when other vCPUs are pinned to
 * it too (all named in its tooltip); a PU reserved unpinned is framed in
 * its cell's colour and says "rsvd". */
static void draw_pu(vn_buf *b, const layout *L, const vn_host_cpu *c, int x, int y)
{
    const vn_svg_overlay *ov = L->ov;
    size_t ncol = 0, first = 0;
    for (size_t i = 0; ov && i < ov->ncells; i++) {
        const vn_svg_cell *cell = &ov->cells[i];
        if (cell->host_cpus && vn_bitmap_is_set(cell->host_cpus, c->id) && !ncol++)
            first = i;
    }
    const char *label = NULL;
    vn_buf all = {0};
    size_t nlabels = pu_labels(ov, c->id, &all, &label);
    VN_AUTOFREE char *names = vn_buf_steal(&all);
    const vn_svg_cell *rsv = ncol ? NULL : pu_reserver(ov, c->id);
    vn_buf_addf(b, "<g id=\"pu%u\" class=\"pu%s%s\">\n", c->id, c->online ? "" : " offline",
                rsv ? " reserved" : "");
    if (nlabels)
        vn_buf_addf(b, "<title>PU P#%u (host CPU %u): vCPU%s %s</title>\n", c->id, c->id,
                    nlabels > 1 ? "s" : "", names);
    else if (rsv)
        vn_buf_addf(b, "<title>PU P#%u (host CPU %u): reserved, no vCPU</title>\n", c->id, c->id);
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
                        x + k * sw, y, w, L->pu_h, svg_cell_colour(cell));
            k++;
        }
    }
    if (rsv)
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                    "stroke=\"%s\" stroke-width=\"3\" class=\"reserved\"/>\n",
                    x + 2, y + 2, PU_W - 4, L->pu_h - 4, svg_cell_colour(rsv));
    const char *ink = ncol ? svg_cell_ink(&ov->cells[first]) : NULL;
    vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"%s\"%s%s%s>P#%u</text>\n",
                x + PU_W / 2, y + 12, c->online ? "pu" : "puoff",
                ink ? " style=\"fill:" : "", ink ? ink : "", ink ? "\"" : "", c->id);
    if (label || (rsv && L->pu_h >= PU_H_LABELLED)) {
        vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"pu\"%s%s%s>",
                    x + PU_W / 2, y + 25,
                    ink ? " style=\"fill:" : "", ink ? ink : "", ink ? "\"" : "");
        if (label)
            svg_add_text(b, label, 6);
        vn_buf_add(b, !label ? "rsvd</text>\n" : nlabels > 1 ? "+</text>\n" : "</text>\n");
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

/* Memory bar: used memory grey, then each cell's placement in its colour;
 * a node whose free memory the source does not give (a capabilities file
 * without it, a sysfs node without MemFree) has a hatched bar ("bar
 * unknown"): empty would read as all free. */
static void draw_bar(vn_buf *b, const layout *L, const vn_host_node *n, int x, int y, int w)
{
    vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bar%s\"/>\n",
                x, y, w, BAR_H, n->has_free || !n->mem_kib ? "" : " unknown");
    if (!n->mem_kib)
        return;
    uint64_t used = n->mem_kib > n->free_kib ? n->mem_kib - n->free_kib : 0;
    int pos = (int)((long double)used * w / (long double)n->mem_kib);
    if (pos > 0)
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"used\"/>\n",
                    x, y, pos, BAR_H);
    for (size_t i = 0; L->ov && i < L->ov->ncells; i++) {
        const vn_svg_cell *c = &L->ov->cells[i];
        uint64_t kib = svg_cell_mem_on(c, n->id);
        if (!kib || pos >= w)
            continue;
        int sw = kib >= n->mem_kib ? w : (int)((long double)kib * w / (long double)n->mem_kib);
        if (sw < 2)
            sw = 2;
        if (pos + sw > w)
            sw = w - pos;
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
                    x + pos, y, sw, BAR_H, svg_cell_colour(c));
        pos += sw;
    }
}

static void draw_marks(vn_buf *b, const layout *L, const vn_host_node *n, int x, int y)
{
    for (size_t i = 0; L->ov && i < L->ov->ncells; i++) {
        const vn_svg_cell *c = &L->ov->cells[i];
        if (!svg_cell_uses_node(c, n->id))
            continue;
        char amount[32] = "";
        uint64_t kib = svg_cell_mem_on(c, n->id);
        if (kib)
            svg_fmt_kib(amount, sizeof(amount), kib);
        vn_buf_addf(b, "<g class=\"mark\"><rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
                    "fill=\"%s\" stroke=\"#333333\"/>", x, y + 2, svg_cell_colour(c));
        vn_buf_addf(b, "<text x=\"%d\" y=\"%d\">", x + 14, y + 11);
        svg_add_text(b, c->label ? c->label : "cell", LABEL_MAX);
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

static void package_title(vn_buf *b, int socket, int x, int y)
{
    char t[48];
    if (socket >= 0)
        snprintf(t, sizeof(t), "Package P#%d", socket);
    else
        snprintf(t, sizeof(t), "Package (unknown socket)");
    svg_text_at(b, x + GAP, y + GAP + 10, "head", t);
}

static void draw_node(vn_buf *b, const layout *L, const lnode *ln, int x, int y)
{
    vn_buf_addf(b, "<g id=\"node%u\" class=\"node%s\">\n", ln->n->id, ln->memonly ? " memonly" : "");
    node_tooltip(b, ln);
    vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"%s\"/>\n",
                x, y, ln->bx.w, ln->bx.h, ln->memonly ? "memonly" : "node");
    int ty = y + GAP;
    for (size_t i = 0; i < ln->nlines; i++, ty += LH)
        svg_text_at(b, x + GAP, ty + 10, i ? "info" : "head", ln->lines[i]);
    draw_bar(b, L, ln->n, x + GAP, ty + 2, ln->bx.w - 2 * GAP);
    draw_marks(b, L, ln->n, x + GAP, ty + BAR_H + GAP);
    for (size_t i = 0; i < ln->nsubs; i++) {
        const lsub *s = &ln->subs[i];
        int sx = x + s->bx.x, sy = y + s->bx.y;
        vn_buf_addf(b, "<g class=\"package\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                    "height=\"%d\" class=\"package\"/>\n", sx, sy, s->bx.w, s->bx.h);
        package_title(b, s->socket, sx, sy);
        for (size_t j = 0; j < s->ncores; j++) {
            const lcore *c = &ln->cores[s->cores[j]];
            draw_core(b, L, ln, c, x + c->bx.x, y + c->bx.y);
        }
        vn_buf_add(b, "</g>\n");
    }
    for (size_t i = 0; !ln->nsubs && i < ln->ncores; i++)
        draw_core(b, L, ln, &ln->cores[i], x + ln->cores[i].bx.x, y + ln->cores[i].bx.y);
    vn_buf_add(b, "</g>\n");
}

static void draw_package(vn_buf *b, const layout *L, const lpkg *p, int x, int y)
{
    bool boxed = p->socket != -2 && !p->inner;
    if (boxed) {
        vn_buf_addf(b, "<g class=\"package\">\n<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                    "height=\"%d\" class=\"package\"/>\n", x, y, p->bx.w, p->bx.h);
        package_title(b, p->socket, x, y);
    }
    for (size_t i = 0; i < p->nnodes; i++)
        draw_node(b, L, &L->nodes[p->nodes[i]], x + p->nb[i].x, y + p->nb[i].y);
    if (boxed)
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
    if (!svg_host_has_distances(h)) {
        svg_text_at(b, x, y + 10, "info", "Distances: none recorded");
        return LH;
    }
    svg_text_at(b, x, y + 10, "head", "Distances");
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

/* One legend line: swatch, label, host CPUs, memory, nodes. */
static int legend_cell(vn_buf *b, const vn_svg_cell *c, int x, int y)
{
    vn_buf_addf(b, "<g class=\"legend-cell%s\">", c->other ? " other" : "");
    vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\" "
                "stroke=\"#333333\"/>", x, y + 1, svg_cell_colour(c));
    vn_buf_addf(b, "<text x=\"%d\" y=\"%d\">", x + 18, y + 11);
    vn_buf line = {0};
    svg_add_text(&line, c->label ? c->label : "cell", LABEL_MAX);
    if (c->host_cpus && !vn_bitmap_is_empty(c->host_cpus)) {
        VN_AUTOFREE char *cpus = vn_bitmap_format(c->host_cpus);
        vn_buf_addf(&line, " - host CPU%s %s", vn_bitmap_count(c->host_cpus) > 1 ? "s" : "", cpus);
    }
    if (c->reserved && !vn_bitmap_is_empty(c->reserved)) {
        VN_AUTOFREE char *cpus = vn_bitmap_format(c->reserved);
        vn_buf_addf(&line, " (reserved idle: %s)", cpus);
    }
    uint64_t total = 0;
    for (size_t j = 0; j < c->nmem; j++)
        if (!vn_add_u64(total, c->mem[j].kib, &total))
            total = UINT64_MAX;
    if (total) {
        char a[32];
        svg_fmt_kib(a, sizeof(a), total);
        vn_buf_addf(&line, " - %s", a);
    }
    if (c->host_nodes && !vn_bitmap_is_empty(c->host_nodes)) {
        VN_AUTOFREE char *nodes = vn_bitmap_format(c->host_nodes);
        vn_buf_addf(&line, " on node%s %s", vn_bitmap_count(c->host_nodes) > 1 ? "s" : "", nodes);
    }
    VN_AUTOFREE char *s = vn_buf_steal(&line);
    vn_buf_add(b, s);
    vn_buf_add(b, "</text></g>\n");
    return x + 18 + (int)svg_text_chars(s, 400) * CW;
}

/* The legend: the guest's cells, then the other guests (a ledger's, under
 * a plan), then what the PU labels mean. */
static int draw_legend(vn_buf *b, const layout *L, int x, int y, int *maxw)
{
    const vn_svg_overlay *ov = L->ov;
    if (!ov || !ov->ncells)
        return 0;
    int y0 = y;
    bool labels = false, reserved = false;
    vn_buf_add(b, "<g class=\"legend\">\n");
    for (int pass = 0; pass < 2; pass++) {
        bool head = false;
        for (size_t i = 0; i < ov->ncells; i++) {
            const vn_svg_cell *c = &ov->cells[i];
            if (c->other != (pass == 1))
                continue;
            if (!head) {
                svg_text_at(b, x, y + 10, "head", pass ? "Other guests (in the ledger)"
                                                       : ov->title ? ov->title : "Guest");
                y += LH + 2;
                head = true;
            }
            labels |= c->npins > 0;
            reserved |= c->reserved && !vn_bitmap_is_empty(c->reserved);
            int w = legend_cell(b, c, x, y);
            *maxw = w > *maxw ? w : *maxw;
            y += LH + 2;
        }
    }
    static const char *const notes[] = {
        "vN on a PU: vCPU N is pinned to that host CPU; vN+: vCPU N and other vCPUs are "
        "pinned to it and share it (its tooltip names them)",
        "rsvd: host CPU reserved for the guest with no vCPU on it (thread policy isolate "
        "keeps SMT siblings idle)",
    };
    for (int k = 0; k < 2; k++) {
        if (!(k ? reserved : labels))
            continue;
        vn_buf_add(b, "<g class=\"legend-note\">");
        vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"info\">%s</text>", x, y + 10, notes[k]);
        vn_buf_add(b, "</g>\n");
        int w = x + (int)strlen(notes[k]) * CW;
        *maxw = w > *maxw ? w : *maxw;
        y += LH + 2;
    }
    vn_buf_add(b, "</g>\n");
    return y - y0;
}

/* Key of the box styles, one line. */
static int draw_key(vn_buf *b, int x, int y)
{
    static const struct { const char *cls, *name; } k[] = {
        {"package", "package"}, {"node", "NUMA node"}, {"memonly", "memory-only node"},
        {"core", "core"}, {"pu", "PU P#n = host CPU n"}, {"puoff", "offline CPU"},
        {"bar unknown", "free memory unknown"},
    };
    vn_buf_add(b, "<g class=\"key\">\n");
    for (size_t i = 0; i < VN_ARRAY_LEN(k); i++) {
        vn_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"12\" class=\"%s\"/>",
                    x, y + 1, k[i].cls);
        svg_text_at(b, x + 20, y + 11, "info", k[i].name);
        x += 20 + (int)strlen(k[i].name) * CW + 14;
    }
    vn_buf_add(b, "</g>\n");
    return LH + 2;
}

enum { KEY_W = 840 };   /* draw_key's line */

char *vn_svg_host(const vn_host *h, const vn_svg_overlay *ov)
{
    layout L = {0};
    svg_layout_build(&L, h, ov);
    VN_AUTOFREE box *pb = vn_calloc(L.npkgs, sizeof(*pb));
    int maxpw = 0;
    for (size_t i = 0; i < L.npkgs; i++) {
        pb[i] = L.pkgs[i].bx;
        maxpw = pb[i].w > maxpw ? pb[i].w : maxpw;
    }
    int top = MARGIN + LH + 10, tw, th;
    svg_flow(pb, L.npkgs, svg_per_row_for(L.npkgs, maxpw, PAGE_MAX_W), GAP, MARGIN, top, &tw, &th);

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
    int title_w = MARGIN + (int)(svg_text_chars(h->source, 120) + 50) * 9;
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
        svg_add_text(&b, h->source, 120);
    }
    vn_buf_addf(&b, " - %zu NUMA node%s%s</text>\n", h->nnodes, h->nnodes == 1 ? "" : "s",
                !h->nnodes ? " (no topology recorded)"
                : h->numa_fake ? " (no NUMA: one node made up)" : "");
    VN_AUTOFREE char *s = vn_buf_steal(&body);
    vn_buf_add(&b, s);
    vn_buf_add(&b, "</svg>\n");
    svg_layout_free(&L);
    return vn_buf_steal(&b);
}
