/*
 * host_synthetic.c - a Host model made up from a one-line description
 * ("synthetic:SPEC" wherever a --host source is taken), so the advisor,
 * the checks and the benchmarks can run on machines nobody has at hand.
 *
 * The topology part is hwloc's synthetic syntax: levels with counts,
 * outermost first ("package:2 numa:2 core:8 pu:2").  vnuma extends it with
 * KEY=VALUE tokens for what hwloc does not describe: per-node memory, free
 * memory, huge page pools, distances and offline CPUs.  docs/synthetic-hosts.md
 * is the reference; in short:
 *
 *   levels   package|socket, die, group, l3|l2|l1 (transparent), numa|node,
 *            core, pu|thread; each at most once, in that order except that
 *            numa may sit anywhere above core.  No numa level: one node.
 *            No pu level: one PU per core; no core level: one core per node.
 *   mem=LIST        MemTotal per node (default 16G)
 *   free=LIST       MemFree per node (default: not known, = mem)
 *   pages=SZ:LIST   huge pages of size SZ per node (repeat for each size)
 *   freepages=SZ:LIST  free huge pages of size SZ (default: = pages)
 *   dist=L,R | L,P,R | ROW;ROW;...  distances: self and remote; self, same
 *            package, other package; or the whole matrix (default 10,12,21)
 *   offline=CPUS    CPUs that are offline (libvirt bitmap syntax)
 *
 * LIST is one value for every node, or ITEM[,ITEM...] with ITEM = VALUE or
 * VALUE*COUNT, the counts adding up to the number of nodes.  Sizes take a
 * unit: K, M, G, T (binary; "KiB" etc. also accepted).
 *
 * Numbering is hwloc's logical order: PUs 0.. in depth-first order, node i
 * holds a contiguous run of PUs.  Limits: at most 16384 PUs (libvirt's
 * CPU mask length) and 1024 nodes (Linux's MAX_NUMNODES); every count 1 or
 * more; the result passes vn_host_check (4 PiB a node at most).  Pure:
 * parses a string, no I/O.
 */
#include "model/host.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define SYN_MAX_PUS VN_HOST_MAX_CPUS
#define SYN_MAX_NODES VN_HOST_MAX_NODES
#define SYN_DEFAULT_MEM_KIB (16ull * 1024 * 1024)
#define SYN_BASE_PAGE_KIB 4

typedef enum {
    LV_PACKAGE, LV_DIE, LV_GROUP, LV_CACHE, LV_NUMA, LV_CORE, LV_PU, LV_COUNT_
} syn_level_kind;

typedef struct syn_level {
    syn_level_kind kind;
    unsigned count;
    const char *tok;           /* for messages */
    size_t len;
} syn_level;

typedef struct syn_pages {
    const char *tok;           /* the pages= token, for messages */
    uint64_t size_kib;
    uint64_t *total, *free;    /* per node */
} syn_pages;

typedef struct syn_ctx {
    vn_error *err;
    syn_level levels[16];
    size_t nlevels;
    bool seen_level[LV_COUNT_];
    unsigned nnodes, npus, pus_per_node;
    /* attributes (raw text, parsed once the node count is known) */
    const char *mem, *free, *dist, *offline;
    size_t mem_len, free_len, dist_len, offline_len;
    const char *mem_tok, *free_tok, *dist_tok, *offline_tok;
    syn_pages *pages;
    size_t npages;
} syn_ctx;

static const struct {
    const char *name;
    syn_level_kind kind;
} level_names[] = {
    {"package", LV_PACKAGE}, {"socket", LV_PACKAGE}, {"die", LV_DIE}, {"group", LV_GROUP},
    {"l3", LV_CACHE}, {"l2", LV_CACHE}, {"l1", LV_CACHE}, {"l3cache", LV_CACHE},
    {"l2cache", LV_CACHE}, {"l1cache", LV_CACHE}, {"numa", LV_NUMA}, {"node", LV_NUMA},
    {"core", LV_CORE}, {"pu", LV_PU}, {"thread", LV_PU},
};

static int syn_fail(syn_ctx *c, const char *tok, size_t len, const char *why)
{
    vn_error_set(c->err, VNUMA_ERR_INVALID, "synthetic host: '%.*s': %s", (int)len, tok, why);
    return -1;
}

/* Decimal digits only, no sign; false on overflow or junk. */
static bool parse_dec(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        if (!vn_mul_u64(v, 10, &v) || !vn_add_u64(v, (uint64_t)(s[i] - '0'), &v))
            return false;
    }
    *out = v;
    return true;
}

/* "16G", "512M", "2MiB": a size with a mandatory binary unit, into KiB. */
static bool parse_size_kib(const char *s, size_t len, uint64_t *kib)
{
    size_t n = 0;
    while (n < len && isdigit((unsigned char)s[n]))
        n++;
    uint64_t v;
    if (!parse_dec(s, n, &v))
        return false;
    const char *u = s + n;
    size_t ulen = len - n;
    if (ulen == 0 && v == 0) {   /* "0": no memory (a memoryless node) */
        *kib = 0;
        return true;
    }
    if (ulen == 0)
        return false;
    if (!(ulen == 1 || (ulen == 3 && u[1] == 'i' && u[2] == 'B')))
        return false;
    uint64_t mult;
    switch (toupper((unsigned char)u[0])) {
    case 'K': mult = 1; break;
    case 'M': mult = 1024; break;
    case 'G': mult = 1024 * 1024; break;
    case 'T': mult = 1024ull * 1024 * 1024; break;
    default: return false;
    }
    if (!vn_mul_u64(v, mult, &v) || v > ((uint64_t)INT64_MAX >> 10))
        return false;
    *kib = v;
    return true;
}

/* ---- levels --------------------------------------------------------- */

static int add_level(syn_ctx *c, const char *tok, size_t len, size_t colon)
{
    syn_level_kind kind = LV_COUNT_;
    for (size_t i = 0; i < VN_ARRAY_LEN(level_names); i++)
        if (strlen(level_names[i].name) == colon && !strncmp(tok, level_names[i].name, colon))
            kind = level_names[i].kind;
    if (kind == LV_COUNT_)
        return syn_fail(c, tok, len, "unknown level (package, die, group, l1-l3, numa, core, pu)");
    uint64_t count;
    if (!parse_dec(tok + colon + 1, len - colon - 1, &count))
        return syn_fail(c, tok, len, "the count must be a decimal number from 1 to 16384");
    if (count == 0 || count > SYN_MAX_PUS)
        return syn_fail(c, tok, len, "the count must be between 1 and 16384");
    if (kind != LV_CACHE && kind != LV_GROUP && c->seen_level[kind])
        return syn_fail(c, tok, len, "level given twice");
    /* order: package > die > core > pu; numa anywhere above core */
    for (size_t i = 0; i < c->nlevels; i++) {
        syn_level_kind prev = c->levels[i].kind;
        bool bad = false;
        if (kind == LV_NUMA)
            bad = prev == LV_CORE || prev == LV_PU;
        else if (kind != LV_CACHE && kind != LV_GROUP && prev != LV_NUMA && prev != LV_CACHE &&
                 prev != LV_GROUP)
            bad = prev > kind;
        else if (kind == LV_CACHE || kind == LV_GROUP)
            bad = prev == LV_PU;
        if (bad)
            return syn_fail(c, tok, len, "levels must go from the outermost (package) to the "
                                         "innermost (pu); numa above core");
    }
    if (c->nlevels == VN_ARRAY_LEN(c->levels))
        return syn_fail(c, tok, len, "too many levels");
    c->seen_level[kind] = true;
    c->levels[c->nlevels++] = (syn_level){kind, (unsigned)count, tok, len};
    return 0;
}

/* Node count, PU count and PUs per node, refusing more than the limits. */
static int count_levels(syn_ctx *c)
{
    uint64_t nodes = 1, pus = 1;
    bool below_numa = !c->seen_level[LV_NUMA];
    for (size_t i = 0; i < c->nlevels; i++) {
        const syn_level *l = &c->levels[i];
        if (!vn_mul_u64(pus, l->count, &pus) || pus > SYN_MAX_PUS)
            return syn_fail(c, l->tok, l->len, "makes more than 16384 PUs in all");
        if (!below_numa)
            nodes *= l->count;   /* <= pus: no overflow */
        if (l->kind == LV_NUMA) {
            below_numa = true;
            if (nodes > SYN_MAX_NODES)
                return syn_fail(c, l->tok, l->len, "makes more than 1024 NUMA nodes in all");
        }
    }
    c->nnodes = (unsigned)nodes;
    c->npus = (unsigned)pus;
    c->pus_per_node = (unsigned)(pus / nodes);
    return 0;
}

/* ---- per-node lists ------------------------------------------------- */

typedef bool (*item_parser)(const char *s, size_t len, uint64_t *out);

/* "V" (every node) or "V[*N],V[*N]..." adding up to nnodes. */
static int parse_list(syn_ctx *c, const char *tok, const char *v, size_t vlen, item_parser p,
                      const char *what, uint64_t *out)
{
    size_t tlen = strcspn(tok, " \t\n");
    unsigned filled = 0;
    const char *end = v + vlen;
    bool single = memchr(v, ',', vlen) == NULL && memchr(v, '*', vlen) == NULL;
    while (v < end) {
        const char *comma = memchr(v, ',', (size_t)(end - v));
        const char *ie = comma ? comma : end;
        const char *star = memchr(v, '*', (size_t)(ie - v));
        uint64_t val, rep = 1;
        if (!p(v, (size_t)((star ? star : ie) - v), &val)) {
            VN_AUTOFREE char *why = vn_asprintf("'%.*s' is not a valid %s", (int)(ie - v), v, what);
            return syn_fail(c, tok, tlen, why);
        }
        if (star && (!parse_dec(star + 1, (size_t)(ie - star - 1), &rep) || rep == 0 ||
                     rep > c->nnodes - filled)) {
            VN_AUTOFREE char *why = vn_asprintf("'%.*s': the repeat count must be between 1 "
                                                "and the nodes left (%u)",
                                                (int)(ie - v), v, c->nnodes - filled);
            return syn_fail(c, tok, tlen, why);
        }
        if (single)
            rep = c->nnodes;
        if (rep > c->nnodes - filled) {
            VN_AUTOFREE char *why = vn_asprintf("more values than the %u nodes", c->nnodes);
            return syn_fail(c, tok, tlen, why);
        }
        for (uint64_t i = 0; i < rep; i++)
            out[filled++] = val;
        v = comma ? comma + 1 : end;
        if (comma && v == end)
            return syn_fail(c, tok, tlen, "empty value after ','");
    }
    if (filled != c->nnodes) {
        VN_AUTOFREE char *why = vn_asprintf("%u values for %u nodes", filled, c->nnodes);
        return syn_fail(c, tok, tlen, why);
    }
    return 0;
}

static bool parse_count_item(const char *s, size_t len, uint64_t *out)
{
    return parse_dec(s, len, out) && *out <= ((uint64_t)1 << 40);
}

/* ---- attributes ----------------------------------------------------- */

static int add_pages(syn_ctx *c, const char *tok, size_t len, const char *v, bool is_free)
{
    const char *colon = memchr(v, ':', (size_t)(tok + len - v));
    uint64_t size;
    if (!colon || !parse_size_kib(v, (size_t)(colon - v), &size))
        return syn_fail(c, tok, len, "expected SIZE:LIST, e.g. 2M:512");
    if (size <= SYN_BASE_PAGE_KIB || (size & (size - 1)))
        return syn_fail(c, tok, len, "a huge page size is a power of two above 4K");
    if (size > VN_HOST_MAX_PAGE_KIB)
        return syn_fail(c, tok, len, "a huge page size is 16G at most");
    syn_pages *pg = NULL;
    for (size_t i = 0; i < c->npages; i++)
        if (c->pages[i].size_kib == size)
            pg = &c->pages[i];
    if (is_free && !pg)
        return syn_fail(c, tok, len, "freepages= needs a pages= of the same size before it");
    if (!is_free && pg)
        return syn_fail(c, tok, len, "page size given twice");
    if (is_free && pg->free)
        return syn_fail(c, tok, len, "page size given twice");
    if (!pg) {
        pg = VN_APPEND(c->pages, c->npages);
        pg->size_kib = size;
        pg->tok = tok;
    }
    uint64_t *vals = vn_calloc(c->nnodes, sizeof(uint64_t));
    if (is_free)
        pg->free = vals;
    else
        pg->total = vals;
    if (parse_list(c, tok, colon + 1, (size_t)(tok + len - colon - 1), parse_count_item,
                   "page count", vals) < 0)
        return -1;
    for (unsigned i = 0; is_free && i < c->nnodes; i++)
        if (pg->free[i] > pg->total[i])
            return syn_fail(c, tok, len, "more free pages than pages on a node");
    return 0;
}

static int set_attr(syn_ctx *c, const char *tok, size_t len, const char **slot, size_t *slen,
                    const char **stok, const char *v)
{
    if (*slot)
        return syn_fail(c, tok, len, "given twice");
    *slot = v;
    *slen = (size_t)(tok + len - v);
    *stok = tok;
    if (*slen == 0)
        return syn_fail(c, tok, len, "empty value");
    return 0;
}

/* Attributes that need the node count are parsed in a second pass. */
static int add_attr(syn_ctx *c, const char *tok, size_t len, size_t eq, bool second_pass)
{
    const char *v = tok + eq + 1;
#define KEY(k) (eq == strlen(k) && !strncmp(tok, k, eq))
    if (KEY("pages") || KEY("freepages"))
        return second_pass ? add_pages(c, tok, len, v, KEY("freepages")) : 0;
    if (second_pass)
        return 0;
    if (KEY("mem"))
        return set_attr(c, tok, len, &c->mem, &c->mem_len, &c->mem_tok, v);
    if (KEY("free"))
        return set_attr(c, tok, len, &c->free, &c->free_len, &c->free_tok, v);
    if (KEY("dist"))
        return set_attr(c, tok, len, &c->dist, &c->dist_len, &c->dist_tok, v);
    if (KEY("offline"))
        return set_attr(c, tok, len, &c->offline, &c->offline_len, &c->offline_tok, v);
#undef KEY
    return syn_fail(c, tok, len, "unknown attribute (mem, free, pages, freepages, dist, offline)");
}

static int parse_tokens(syn_ctx *c, const char *spec, bool second_pass)
{
    const char *p = spec;
    while (*p) {
        p += strspn(p, " \t\n");
        if (!*p)
            break;
        size_t len = strcspn(p, " \t\n");
        const char *eq = memchr(p, '=', len);
        const char *colon = memchr(p, ':', len);
        int r;
        if (eq)
            r = add_attr(c, p, len, (size_t)(eq - p), second_pass);
        else if (colon)
            r = second_pass ? 0 : add_level(c, p, len, (size_t)(colon - p));
        else
            r = syn_fail(c, p, len, "expected LEVEL:COUNT or KEY=VALUE");
        if (r < 0)
            return -1;
        p += len;
    }
    return 0;
}

/* ---- building the host ---------------------------------------------- */

/* Count of instances of `kind` per node-sized run of PUs, and the number
 * of PUs in one instance (for ids).  Returns PUs per instance (npus if the
 * level is absent: one instance for the machine). */
static unsigned pus_per(const syn_ctx *c, syn_level_kind kind)
{
    unsigned per = c->npus;
    for (size_t i = 0; i < c->nlevels; i++) {
        per /= c->levels[i].count;
        if (c->levels[i].kind == kind)
            return per;
    }
    return c->npus;
}

static int build_cpus(syn_ctx *c, vn_host *h, const vn_bitmap *offline)
{
    unsigned per_pkg = pus_per(c, LV_PACKAGE), per_die = pus_per(c, LV_DIE);
    /* no core level: each PU is its own core */
    unsigned per_core = c->seen_level[LV_CORE] ? pus_per(c, LV_CORE) : 1;
    for (unsigned n = 0; n < c->nnodes; n++) {
        vn_host_node *node = &h->nodes[n];
        node->ncpus = c->pus_per_node;
        node->cpus = vn_calloc(node->ncpus, sizeof(vn_host_cpu));
        for (unsigned j = 0; j < node->ncpus; j++) {
            unsigned id = n * c->pus_per_node + j;
            vn_host_cpu *cpu = &node->cpus[j];
            cpu->id = id;
            cpu->socket_id = (int)(id / per_pkg);
            cpu->die_id = (int)((id % per_pkg) / per_die);
            cpu->core_id = (int)((id % per_pkg) / per_core);
            cpu->online = !offline || !vn_bitmap_is_set(offline, id);
            if (!cpu->online)
                continue;   /* libvirt knows nothing but the id of an offline CPU */
            cpu->siblings = vn_bitmap_new();
            unsigned first = id - id % per_core;
            for (unsigned s = first; s < first + per_core; s++)
                if (!offline || !vn_bitmap_is_set(offline, s))
                    vn_bitmap_set(cpu->siblings, s);
        }
    }
    return 0;
}

static int build_memory(syn_ctx *c, vn_host *h)
{
    VN_AUTOFREE uint64_t *mem = vn_calloc(c->nnodes, sizeof(uint64_t));
    VN_AUTOFREE uint64_t *fr = vn_calloc(c->nnodes, sizeof(uint64_t));
    for (unsigned n = 0; n < c->nnodes; n++)
        mem[n] = SYN_DEFAULT_MEM_KIB;
    if (c->mem && parse_list(c, c->mem_tok, c->mem, c->mem_len, parse_size_kib, "size", mem) < 0)
        return -1;
    if (c->free && parse_list(c, c->free_tok, c->free, c->free_len, parse_size_kib, "size", fr) < 0)
        return -1;
    for (unsigned n = 0; n < c->nnodes; n++) {
        vn_host_node *node = &h->nodes[n];
        node->mem_kib = mem[n];
        node->has_free = c->free != NULL;
        node->free_kib = c->free ? fr[n] : mem[n];
        if (node->free_kib > node->mem_kib)
            return syn_fail(c, c->free_tok, strcspn(c->free_tok, " \t\n"),
                            "more free memory than memory on a node");
        uint64_t huge = 0, huge_free = 0;
        /* base pages first, then the pools ascending (virNumaGetPages order) */
        node->pages = vn_calloc(c->npages + 1, sizeof(vn_host_pages));
        node->npages = c->npages + 1;
        for (size_t i = 0; i < c->npages; i++) {
            const syn_pages *sp = &c->pages[i];
            vn_host_pages *pg = &node->pages[i + 1];
            uint64_t kib, fkib;
            pg->size_kib = sp->size_kib;
            pg->total = sp->total[n];
            pg->has_free = sp->free != NULL;
            pg->free = sp->free ? sp->free[n] : sp->total[n];
            if (!vn_mul_u64(pg->total, sp->size_kib, &kib) || !vn_add_u64(huge, kib, &huge) ||
                huge > node->mem_kib) {
                VN_AUTOFREE char *why = vn_asprintf("huge pages exceed the memory of node %u", n);
                return syn_fail(c, sp->tok, strcspn(sp->tok, " \t\n"), why);
            }
            if (vn_mul_u64(pg->free, sp->size_kib, &fkib))
                huge_free += fkib;   /* <= huge */
        }
        node->pages[0].size_kib = SYN_BASE_PAGE_KIB;
        node->pages[0].total = (node->mem_kib - huge) / SYN_BASE_PAGE_KIB;
        node->pages[0].free = (node->free_kib > huge_free ? node->free_kib - huge_free : 0) /
                              SYN_BASE_PAGE_KIB;
        node->pages[0].has_free = node->has_free;
    }
    return 0;
}

/* Sort the page pools so pages[] is ascending, as the other loaders give it. */
static int cmp_pages(const void *a, const void *b)
{
    const syn_pages *x = a, *y = b;
    return x->size_kib < y->size_kib ? -1 : x->size_kib > y->size_kib;
}

static bool parse_dist_item(const char *s, size_t len, uint64_t *out)
{
    return parse_dec(s, len, out) && *out >= 10 && *out <= 255;
}

/* The package of a node's first PU: nodes inside one package share it;
 * nodes that span packages never do.  No package level: one package. */
static unsigned node_package(const syn_ctx *c, unsigned node)
{
    return node * c->pus_per_node / pus_per(c, LV_PACKAGE);
}

/* dist=L,R or L,P,R: self, same package, other package. */
static int parse_dist_rule(syn_ctx *c, unsigned *self, unsigned *same_pkg, unsigned *other)
{
    size_t tlen = strcspn(c->dist_tok, " \t\n");
    uint64_t v[3];
    size_t nv = 0;
    const char *p = c->dist, *end = c->dist + c->dist_len;
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *ie = comma ? comma : end;
        if (nv == 3 || !parse_dist_item(p, (size_t)(ie - p), &v[nv]))
            return syn_fail(c, c->dist_tok, tlen,
                            "expected L,R or L,P,R (10 to 255) or the matrix ROW;ROW...");
        nv++;
        p = ie + 1;
    }
    if (nv < 2)
        return syn_fail(c, c->dist_tok, tlen, "expected L,R or L,P,R or ROW;ROW...");
    *self = (unsigned)v[0];
    *same_pkg = (unsigned)v[1];
    *other = (unsigned)(nv == 3 ? v[2] : v[1]);
    if (*self != 10 || *same_pkg <= 10 || *other <= 10)
        return syn_fail(c, c->dist_tok, tlen, "a node is at 10 from itself, above 10 from others");
    return 0;
}

/* dist=ROW;ROW;...: nnodes rows of nnodes values into matrix. */
static int parse_dist_matrix(syn_ctx *c, uint64_t *matrix)
{
    size_t tlen = strcspn(c->dist_tok, " \t\n");
    const char *p = c->dist, *end = c->dist + c->dist_len;
    for (unsigned r = 0; r < c->nnodes; r++) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *re = semi ? semi : end;
        if ((semi != NULL) != (r + 1 < c->nnodes))
            return syn_fail(c, c->dist_tok, tlen, "the matrix needs one row per node");
        if (memchr(p, '*', (size_t)(re - p)))
            return syn_fail(c, c->dist_tok, tlen, "a row lists each distance (no '*')");
        if (parse_list(c, c->dist_tok, p, (size_t)(re - p), parse_dist_item, "distance",
                       &matrix[(size_t)r * c->nnodes]) < 0)
            return -1;
        if (c->nnodes > 1 && !memchr(p, ',', (size_t)(re - p)))
            return syn_fail(c, c->dist_tok, tlen, "a row lists one distance per node");
        p = re + 1;
    }
    for (unsigned i = 0; i < c->nnodes; i++)
        for (unsigned j = 0; j < c->nnodes; j++)
            if ((i == j) != (matrix[(size_t)i * c->nnodes + j] == 10))
                return syn_fail(c, c->dist_tok, tlen,
                                "a node is at 10 from itself, above 10 from others");
    return 0;
}

static int build_distances(syn_ctx *c, vn_host *h)
{
    unsigned self = 10, same_pkg = 12, other = 21;
    VN_AUTOFREE uint64_t *matrix = NULL;
    if (c->dist && (memchr(c->dist, ';', c->dist_len) || c->nnodes == 1)) {
        matrix = vn_calloc((size_t)c->nnodes * c->nnodes, sizeof(uint64_t));
        if (parse_dist_matrix(c, matrix) < 0)
            return -1;
    } else if (c->dist && parse_dist_rule(c, &self, &same_pkg, &other) < 0) {
        return -1;
    }
    for (unsigned i = 0; i < c->nnodes; i++) {
        vn_host_node *n = &h->nodes[i];
        n->ndistances = c->nnodes;
        n->distance_ids = vn_calloc(c->nnodes, sizeof(unsigned));
        n->distances = vn_calloc(c->nnodes, sizeof(unsigned));
        for (unsigned j = 0; j < c->nnodes; j++) {
            n->distance_ids[j] = j;
            if (matrix)
                n->distances[j] = (unsigned)matrix[(size_t)i * c->nnodes + j];
            else
                n->distances[j] = i == j ? self
                                  : node_package(c, i) == node_package(c, j) ? same_pkg : other;
        }
    }
    return 0;
}

static void syn_clear(syn_ctx *c)
{
    for (size_t i = 0; i < c->npages; i++) {
        free(c->pages[i].total);
        free(c->pages[i].free);
    }
    free(c->pages);
}

vn_host *vn_host_load_synthetic(const char *spec, vn_error *err)
{
    syn_ctx c = {.err = err};
    vn_host *h = NULL;
    vn_bitmap *offline = NULL;
    if (!spec || !spec[strspn(spec, " \t\n")]) {
        vn_error_set(err, VNUMA_ERR_INVALID, "synthetic host: empty description");
        return NULL;
    }
    if (parse_tokens(&c, spec, false) < 0 || count_levels(&c) < 0 ||
        parse_tokens(&c, spec, true) < 0)
        goto fail;
    if (!c.nlevels) {
        vn_error_set(err, VNUMA_ERR_INVALID, "synthetic host: '%s': no level (e.g. package:2 core:4)", spec);
        goto fail;
    }
    if (c.npages > 1)
        qsort(c.pages, c.npages, sizeof(*c.pages), cmp_pages);
    if (c.offline) {
        VN_AUTOFREE char *s = vn_strndup(c.offline, c.offline_len);
        vn_error e = {0};
        offline = vn_bitmap_parse(s, c.npus, &e);
        if (!offline) {
            syn_fail(&c, c.offline_tok, strcspn(c.offline_tok, " \t\n"),
                     "not a CPU list of this host's CPUs");
            goto fail;
        }
    }
    h = vn_host_new();
    h->nnodes = c.nnodes;
    h->nodes = vn_calloc(c.nnodes, sizeof(vn_host_node));
    for (unsigned i = 0; i < c.nnodes; i++)
        h->nodes[i].id = i;
    if (build_cpus(&c, h, offline) < 0 || build_memory(&c, h) < 0 || build_distances(&c, h) < 0)
        goto fail;
    h->nhugepage_sizes = c.npages;
    h->hugepage_sizes_kib = vn_calloc(c.npages ? c.npages : 1, sizeof(uint64_t));
    for (size_t i = 0; i < c.npages; i++)
        h->hugepage_sizes_kib[i] = c.pages[i].size_kib;
    h->source = vn_asprintf("synthetic:%s", spec);
    if (vn_host_check(h, err) < 0)
        goto fail;
    vn_bitmap_free(offline);
    syn_clear(&c);
    return h;
fail:
    vn_bitmap_free(offline);
    vn_host_free(h);
    syn_clear(&c);
    return NULL;
}
