/*
 * svg_layout.c - the layout pass: nodes grouped into packages, CPUs into
 * cores, every box sized and placed (svg_flow), header lines of the nodes;
 * with the geometry and text helpers the drawing (svg_draw.c) uses too.
 */
#include "picture/svg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- geometry ------------------------------------------------------ */

/* Number of items per row so that rows of items of width item_w fit in
 * max_w, balanced (8 items that fit 6 a row give 2 rows of 4). */
size_t svg_per_row_for(size_t n, int item_w, int max_w)
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
void svg_flow(box *b, size_t n, size_t per_row, int gap, int x0, int y0, int *w, int *h)
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
void svg_add_text(vn_buf *b, const char *s, size_t max)
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
            vn_buf_add_escaped(b, c, false);
            p++;
        } else {
            vn_buf_addn(b, (const char *)p, n);
            p += n;
        }
        chars++;
    }
}

/* Characters svg_add_text shows for s (for width estimates). */
size_t svg_text_chars(const char *s, size_t max)
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
void svg_fmt_kib(char *out, size_t len, uint64_t kib)
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

void svg_text_at(vn_buf *b, int x, int y, const char *cls, const char *s)
{
    vn_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, cls);
    svg_add_text(b, s, LABEL_MAX * 2);
    vn_buf_add(b, "</text>\n");
}

/* ---- layout model -------------------------------------------------- */

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
            VN_APPEND(ln->cores, ln->ncores)->socket = c->socket_id;
        }
        *VN_APPEND(ln->cores[j].pus, ln->cores[j].npus) = order[i];
        if (c->socket_id >= 0 && (ln->socket < 0 || c->socket_id < ln->socket))
            ln->socket = c->socket_id;
    }
}

static int cmp_sub(const void *a, const void *b)
{
    const lsub *x = a, *y = b;
    unsigned kx = x->socket >= 0 ? (unsigned)x->socket : UINT32_MAX;
    unsigned ky = y->socket >= 0 ? (unsigned)y->socket : UINT32_MAX;
    return kx < ky ? -1 : kx > ky;
}

/* A node whose cores sit in several packages holds one box per package
 * (cores in id order within each); one package or none: no boxes inside. */
static void group_subs(lnode *ln)
{
    for (size_t i = 0; i < ln->ncores; i++) {
        size_t j = 0;
        while (j < ln->nsubs && ln->subs[j].socket != ln->cores[i].socket)
            j++;
        if (j == ln->nsubs)
            VN_APPEND(ln->subs, ln->nsubs)->socket = ln->cores[i].socket;
        *VN_APPEND(ln->subs[j].cores, ln->subs[j].ncores) = i;
    }
    if (ln->nsubs == 1) {
        free(ln->subs[0].cores);
        free(ln->subs);
        ln->subs = NULL;
        ln->nsubs = 0;
    }
    if (ln->nsubs > 1)
        qsort(ln->subs, ln->nsubs, sizeof(*ln->subs), cmp_sub);
}

bool svg_cell_uses_node(const vn_svg_cell *c, unsigned node)
{
    if (c->host_nodes && vn_bitmap_is_set(c->host_nodes, node))
        return true;
    for (size_t i = 0; i < c->nmem; i++)
        if (c->mem[i].node == node && c->mem[i].kib)
            return true;
    return false;
}

uint64_t svg_cell_mem_on(const vn_svg_cell *c, unsigned node)
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
    svg_fmt_kib(a, sizeof(a), n->mem_kib);
    svg_fmt_kib(f, sizeof(f), n->free_kib);
    *VN_APPEND(ln->lines, ln->nlines) =
        !n->mem_kib ? vn_strdup("no memory")
        : n->has_free ? vn_asprintf("%s, %s free", a, f) : vn_asprintf("%s, free unknown", a);
    uint64_t base = base_page_kib(n);
    for (size_t i = 0; i < n->npages; i++) {
        const vn_host_pages *p = &n->pages[i];
        if (p->size_kib == base)
            continue;
        svg_fmt_kib(a, sizeof(a), p->size_kib);
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
        if (svg_cell_uses_node(c, ln->n->id)) {
            size_t k = svg_text_chars(c->label, LABEL_MAX) + 14;  /* ": 1023.9 GiB" and swatch */
            if (k > m)
                m = k;
        }
    }
    return (int)m * CW + 2 * GAP;
}

static bool overlay_has_labels(const vn_svg_overlay *ov)
{
    for (size_t i = 0; ov && i < ov->ncells; i++)
        if (ov->cells[i].npins || (ov->cells[i].reserved && !vn_bitmap_is_empty(ov->cells[i].reserved)))
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
        svg_flow(c->pub, c->npus, (size_t)L->tcols, PU_GAP, PU_GAP, PU_GAP, &w, &h);
        c->bx.w = L->core_w;
        c->bx.h = h + 2 * PU_GAP;
    }
}

/* Packages inside a node: each of width L->sub_w, its title then its
 * cores (L->sub_cpr a row); the packages in rows in the node, the cores
 * placed relative to the node.  cb: room for the node's cores. */
static void layout_subs(layout *L, lnode *ln, box *cb)
{
    VN_AUTOFREE box *sb = vn_calloc(ln->nsubs, sizeof(*sb));
    int w, h;
    for (size_t i = 0; i < ln->nsubs; i++) {
        lsub *s = &ln->subs[i];
        for (size_t j = 0; j < s->ncores; j++)
            cb[j] = ln->cores[s->cores[j]].bx;
        svg_flow(cb, s->ncores, L->sub_cpr, GAP, GAP, GAP + LH, &w, &h);
        for (size_t j = 0; j < s->ncores; j++)
            ln->cores[s->cores[j]].bx = cb[j];
        s->bx.w = L->sub_w;
        s->bx.h = GAP + LH + h + GAP;
        sb[i] = s->bx;
    }
    size_t per_row = svg_per_row_for(ln->nsubs, L->sub_w, L->node_w);
    svg_flow(sb, ln->nsubs, per_row, GAP, GAP, ln->cores_y, &w, &h);
    for (size_t i = 0; i < ln->nsubs; i++) {
        lsub *s = &ln->subs[i];
        s->bx = sb[i];
        for (size_t j = 0; j < s->ncores; j++) {
            ln->cores[s->cores[j]].bx.x += s->bx.x;
            ln->cores[s->cores[j]].bx.y += s->bx.y;
        }
    }
    ln->bx.h = ln->cores_y + h + GAP;
}

/* Size a node box and place its cores inside. */
static void layout_node(layout *L, lnode *ln, size_t cores_per_row)
{
    ln->nmarks = 0;
    for (size_t i = 0; L->ov && i < L->ov->ncells; i++)
        ln->nmarks += svg_cell_uses_node(&L->ov->cells[i], ln->n->id);
    ln->bx.w = L->node_w;
    if (ln->memonly) {   /* no cores: as wide as its text */
        int tw = node_text_w(L, ln);
        ln->bx.w = tw > NODE_MIN_W ? tw : NODE_MIN_W;
    }
    ln->cores_y = GAP + (int)ln->nlines * LH + BAR_H + GAP + (int)ln->nmarks * LH;
    ln->bx.h = ln->cores_y + GAP;
    if (!ln->ncores)
        return;
    layout_cores(L, ln);
    VN_AUTOFREE box *cb = vn_calloc(ln->ncores, sizeof(*cb));
    int w, h;
    if (ln->nsubs) {
        layout_subs(L, ln, cb);
        return;
    }
    for (size_t i = 0; i < ln->ncores; i++)
        cb[i] = ln->cores[i].bx;
    svg_flow(cb, ln->ncores, cores_per_row, GAP, GAP, ln->cores_y, &w, &h);
    for (size_t i = 0; i < ln->ncores; i++)
        ln->cores[i].bx = cb[i];
    ln->bx.h = ln->cores_y + h + GAP;
}

bool svg_host_has_distances(const vn_host *h)
{
    for (size_t i = 0; i < h->nnodes; i++)
        if (h->nodes[i].ndistances)
            return true;
    return false;
}

static lpkg *pkg_for(layout *L, int socket, bool inner)
{
    for (size_t i = 0; i < L->npkgs; i++)
        if (L->pkgs[i].socket == socket && L->pkgs[i].inner == inner)
            return &L->pkgs[i];
    lpkg *p = VN_APPEND(L->pkgs, L->npkgs);
    p->socket = socket;
    p->inner = inner;
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

/* A memory-only node goes beside the nearest node with CPUs, in its
 * package, as hwloc attaches memory to the CPUs near it (KNL's MCDRAM
 * beside its cluster's DDR node): *anchor is that node's index.  When
 * several CPU nodes are nearest (equal distances say nothing) it goes in
 * the package of the first of them on its own (*anchor -1); without
 * distances (or CPU nodes) in an unboxed group of its own (returns NULL). */
static const lnode *memonly_near(const layout *L, const lnode *m, long *anchor)
{
    *anchor = -1;
    if (!svg_host_has_distances(L->h))
        return NULL;
    long best = -1;
    unsigned bestd = 0;
    bool tie = false;
    for (size_t i = 0; i < L->nnodes; i++) {
        const lnode *c = &L->nodes[i];
        if (c->memonly)
            continue;
        unsigned d = vn_host_distance(L->h, m->n->id, c->n->id);
        if (best < 0 || d < bestd) {
            best = (long)i;
            bestd = d;
            tie = false;
        } else if (d == bestd) {
            tie = true;
        }
    }
    if (best >= 0 && !tie)
        *anchor = best;
    return best >= 0 ? &L->nodes[best] : NULL;
}

static void group_packages(layout *L)
{
    for (size_t i = 0; i < L->nnodes; i++) {
        lnode *ln = &L->nodes[i];
        const lnode *host = ln->memonly ? memonly_near(L, ln, &ln->anchor) : ln;
        if (!ln->memonly)
            ln->anchor = -1;
        lpkg *p = !host ? pkg_for(L, -2, false) : pkg_for(L, host->socket, host->nsubs > 0);
        *VN_APPEND(p->nodes, p->nnodes) = i;
    }
    if (L->npkgs > 1)
        qsort(L->pkgs, L->npkgs, sizeof(*L->pkgs), cmp_pkg);
}

/* A package's nodes as clusters: each node with CPUs followed, in one row,
 * by the memory-only nodes anchored to it; the clusters in rows of
 * balanced length.  p->nodes is reordered to the drawing order. */
static void layout_package(layout *L, lpkg *p)
{
    bool boxed = p->socket != -2 && !p->inner;
    int pad = boxed ? GAP : 0;
    int top = boxed ? GAP + LH : 0;
    VN_AUTOFREE size_t *order = vn_calloc(p->nnodes, sizeof(*order));
    VN_AUTOFREE size_t *start = vn_calloc(p->nnodes + 1, sizeof(*start));
    size_t n = 0, ncl = 0;
    for (size_t i = 0; i < p->nnodes; i++) {
        const lnode *ln = &L->nodes[p->nodes[i]];
        if (ln->anchor >= 0)
            continue;
        start[ncl++] = n;
        order[n++] = p->nodes[i];
        for (size_t j = 0; !ln->memonly && j < p->nnodes; j++)
            if (L->nodes[p->nodes[j]].anchor == (long)p->nodes[i])
                order[n++] = p->nodes[j];
    }
    start[ncl] = n;
    memcpy(p->nodes, order, n * sizeof(*order));
    p->nb = vn_calloc(p->nnodes, sizeof(*p->nb));
    VN_AUTOFREE box *cl = vn_calloc(ncl ? ncl : 1, sizeof(*cl));
    int w, h, clmax = 0;
    for (size_t c = 0; c < ncl; c++) {
        size_t k = start[c + 1] - start[c];
        for (size_t i = start[c]; i < start[c + 1]; i++)
            p->nb[i] = L->nodes[p->nodes[i]].bx;
        svg_flow(p->nb + start[c], k, k, GAP, 0, 0, &cl[c].w, &cl[c].h);
        clmax = cl[c].w > clmax ? cl[c].w : clmax;
    }
    size_t k = svg_per_row_for(ncl, clmax, PAGE_MAX_W - 4 * GAP);
    svg_flow(cl, ncl, k, GAP, pad, top, &w, &h);
    for (size_t c = 0; c < ncl; c++)
        for (size_t i = start[c]; i < start[c + 1]; i++) {
            p->nb[i].x += cl[c].x;
            p->nb[i].y += cl[c].y;
        }
    p->bx.w = w + 2 * pad;
    p->bx.h = top + h + pad;
}

/* Width of the packages inside nodes (room for their cores and title) and
 * the node width that holds them side by side. */
static void layout_sub_sizes(layout *L)
{
    size_t smax = 0, nsmax = 0;
    for (size_t i = 0; i < L->nnodes; i++) {
        const lnode *ln = &L->nodes[i];
        nsmax = ln->nsubs > nsmax ? ln->nsubs : nsmax;
        for (size_t j = 0; j < ln->nsubs; j++)
            smax = ln->subs[j].ncores > smax ? ln->subs[j].ncores : smax;
    }
    if (!nsmax)
        return;
    L->sub_cpr = svg_per_row_for(smax, L->core_w, NODE_INNER_MAX - 2 * GAP);
    L->sub_w = (int)L->sub_cpr * (L->core_w + GAP) + GAP;
    if (L->sub_w < (int)strlen("Package P#00000") * CW + 2 * GAP)
        L->sub_w = (int)strlen("Package P#00000") * CW + 2 * GAP;
    size_t spr = svg_per_row_for(nsmax, L->sub_w, NODE_INNER_MAX);
    if ((int)spr * (L->sub_w + GAP) + GAP > L->node_w)
        L->node_w = (int)spr * (L->sub_w + GAP) + GAP;
}

void svg_layout_build(layout *L, const vn_host *h, const vn_svg_overlay *ov)
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
        group_subs(ln);
        node_lines(ln);
        for (size_t j = 0; j < ln->ncores; j++)
            if (ln->cores[j].npus > tmax)
                tmax = ln->cores[j].npus;
        if (ln->ncores > cmax)
            cmax = ln->ncores;
    }
    L->tcols = (int)(tmax < TCOLS_MAX ? tmax : TCOLS_MAX);
    L->core_w = L->tcols * (PU_W + PU_GAP) + PU_GAP;
    size_t cpr = svg_per_row_for(cmax, L->core_w, NODE_INNER_MAX);
    L->node_w = NODE_MIN_W;
    if ((int)cpr * (L->core_w + GAP) + GAP > L->node_w)
        L->node_w = (int)cpr * (L->core_w + GAP) + GAP;
    layout_sub_sizes(L);
    for (size_t i = 0; i < L->nnodes; i++)
        if (node_text_w(L, &L->nodes[i]) > L->node_w)
            L->node_w = node_text_w(L, &L->nodes[i]);
    for (size_t i = 0; i < L->nnodes; i++)
        layout_node(L, &L->nodes[i], cpr);
    group_packages(L);
    for (size_t i = 0; i < L->npkgs; i++)
        layout_package(L, &L->pkgs[i]);
}

void svg_layout_free(layout *L)
{
    for (size_t i = 0; i < L->nnodes; i++) {
        lnode *ln = &L->nodes[i];
        for (size_t j = 0; j < ln->ncores; j++) {
            free(ln->cores[j].pus);
            free(ln->cores[j].pub);
        }
        free(ln->cores);
        for (size_t j = 0; j < ln->nsubs; j++)
            free(ln->subs[j].cores);
        free(ln->subs);
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
