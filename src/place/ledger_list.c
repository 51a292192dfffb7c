/*
 * ledger_list.c - `vnuma ledger FILE`: what a placement ledger holds
 * (plan.h), for people and for scripts.  Per guest and in total: the nodes,
 * the memory on each (huge pages counted in it, and listed by size), the
 * host CPUs.  Pure: a ledger in, text out.
 *
 * Text (memory in MiB, KiB when not whole MiB):
 *
 *     ledger FILE: 2 guests, host 0123456789abcdef
 *     guest a: nodes 0-1, memory 8192 MiB, CPUs 0-3
 *       node 0: memory 4096 MiB
 *       node 1: memory 4096 MiB
 *     guest b: node 2, memory 2048 MiB (1024 pages of 2 MiB), no CPUs
 *       node 2: memory 2048 MiB (1024 pages of 2 MiB)
 *     total: nodes 0-2, memory 10240 MiB (1024 pages of 2 MiB), CPUs 0-3 (4)
 *       ...
 *
 * JSON: {"ledger", "version", "host", "guests": [{"name", "nodes": [{"node",
 * "memory_kib", "pages"}], "memory_kib", "pages", "cpus", "ncpus"}],
 * "totals": {"guests", "nodes", "memory_kib", "pages", "cpus", "ncpus"}},
 * "pages" an object of counts by page size in KiB ({"2048": 1024}).
 */
#include "place/plan.h"

#include <stdlib.h>

#define MIB_KIB 1024

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    uint64_t r;
    return vn_add_u64(a, b, &r) ? r : UINT64_MAX;
}

static uint64_t take_kib(const vn_take *t)
{
    uint64_t kib = t->amount;
    if (t->page_kib && !vn_mul_u64(kib, t->page_kib, &kib))
        kib = UINT64_MAX;
    return kib;
}

/* One node's share (takes[from, to) are that node's, sorted by page size). */
typedef struct node_row {
    unsigned node;
    uint64_t kib;
    size_t from, to;
} node_row;

/* The rows of u, one per node, in node order (caller frees). */
static node_row *rows_of(const vn_usage *u, size_t *n)
{
    node_row *rows = NULL;
    *n = 0;
    for (size_t i = 0; i < u->ntakes; i++) {
        const vn_take *t = &u->takes[i];
        if (!*n || rows[*n - 1].node != t->node)
            *VN_APPEND(rows, *n) = (node_row){.node = t->node, .from = i, .to = i};
        node_row *r = &rows[*n - 1];
        r->kib = sat_add(r->kib, take_kib(t));
        r->to = i + 1;
    }
    return rows;
}

/* Huge pages by size over takes[from, to) (sizes sorted, counts summed). */
typedef struct page_sum {
    uint64_t size_kib, count;
} page_sum;

static page_sum *pages_of(const vn_take *takes, size_t from, size_t to, size_t *n)
{
    page_sum *p = NULL;
    *n = 0;
    for (size_t i = from; i < to; i++) {
        if (!takes[i].page_kib)
            continue;
        size_t k = 0;
        while (k < *n && p[k].size_kib < takes[i].page_kib)
            k++;
        if (k == *n || p[k].size_kib != takes[i].page_kib) {
            VN_APPEND(p, *n);
            memmove(&p[k + 1], &p[k], (*n - 1 - k) * sizeof(*p));
            p[k] = (page_sum){.size_kib = takes[i].page_kib};
        }
        p[k].count = sat_add(p[k].count, takes[i].amount);
    }
    return p;
}

static void add_mem(vn_buf *b, uint64_t kib)
{
    if (kib % MIB_KIB)
        vn_buf_addf(b, "%llu KiB", (unsigned long long)kib);
    else
        vn_buf_addf(b, "%llu MiB", (unsigned long long)(kib / MIB_KIB));
}

static void add_page_size(vn_buf *b, uint64_t kib)
{
    if (kib % (MIB_KIB * MIB_KIB) == 0)
        vn_buf_addf(b, "%llu GiB", (unsigned long long)(kib / (MIB_KIB * MIB_KIB)));
    else if (kib % MIB_KIB == 0)
        vn_buf_addf(b, "%llu MiB", (unsigned long long)(kib / MIB_KIB));
    else
        vn_buf_addf(b, "%llu KiB", (unsigned long long)kib);
}

/* "memory 2048 MiB (1024 pages of 2 MiB)" */
static void text_memory(vn_buf *b, uint64_t kib, const vn_take *takes, size_t from, size_t to)
{
    size_t np;
    VN_AUTOFREE page_sum *p = pages_of(takes, from, to, &np);
    vn_buf_add(b, "memory ");
    add_mem(b, kib);
    for (size_t k = 0; k < np; k++) {
        vn_buf_addf(b, "%s%llu pages of ", k ? ", " : " (", (unsigned long long)p[k].count);
        add_page_size(b, p[k].size_kib);
    }
    if (np)
        vn_buf_addc(b, ')');
}

/* "HEAD: nodes 0-1, memory ..., CPUs 0-3" and a line per node. */
static void text_usage(vn_buf *b, const char *head, const vn_usage *u, bool count_cpus)
{
    size_t n;
    VN_AUTOFREE node_row *rows = rows_of(u, &n);
    VN_AUTOPTR(vn_bitmap) nodes = vn_bitmap_new();
    uint64_t kib = 0;
    for (size_t i = 0; i < n; i++) {
        vn_bitmap_set(nodes, rows[i].node);
        kib = sat_add(kib, rows[i].kib);
    }
    VN_AUTOFREE char *ns = vn_bitmap_format(nodes);
    vn_buf_addf(b, "%s: %s%s, ", head, !n ? "no nodes" : n == 1 ? "node " : "nodes ", ns);
    text_memory(b, kib, u->takes, 0, u->ntakes);
    size_t ncpus = u->cpus ? vn_bitmap_count(u->cpus) : 0;
    if (ncpus) {
        VN_AUTOFREE char *cs = vn_bitmap_format(u->cpus);
        vn_buf_addf(b, ", CPUs %s", cs);
        if (count_cpus)
            vn_buf_addf(b, " (%zu)", ncpus);
    } else {
        vn_buf_add(b, ", no CPUs");
    }
    vn_buf_addc(b, '\n');
    for (size_t i = 0; i < n; i++) {
        vn_buf_addf(b, "  node %u: ", rows[i].node);
        text_memory(b, rows[i].kib, u->takes, rows[i].from, rows[i].to);
        vn_buf_addc(b, '\n');
    }
}

char *vn_ledger_list_text(const vn_ledger *l, const char *label)
{
    vn_buf b = {0};
    vn_buf_addf(&b, "ledger %s: %zu guest%s", label, l->n, l->n == 1 ? "" : "s");
    if (l->host)
        vn_buf_addf(&b, ", host %s\n", l->host);
    else if (l->version)
        vn_buf_add(&b, ", no host fingerprint (the next plan records its host's)\n");
    else
        vn_buf_add(&b, " (no file yet)\n");
    VN_AUTOCLEAR(vn_usage) total = {0};
    bool overflow = false;
    for (size_t i = 0; i < l->n; i++) {
        VN_AUTOFREE char *head = vn_asprintf("guest %s", l->entries[i].name);
        text_usage(&b, head, &l->entries[i].use, false);
        overflow |= !vn_usage_merge(&total, &l->entries[i].use);
    }
    if (l->n)
        text_usage(&b, overflow ? "total (overflows: saturated)" : "total", &total, true);
    return vn_buf_steal(&b);
}

static void json_pages(vn_buf *b, const vn_take *takes, size_t from, size_t to)
{
    size_t np;
    VN_AUTOFREE page_sum *p = pages_of(takes, from, to, &np);
    vn_buf_add(b, "\"pages\": {");
    for (size_t k = 0; k < np; k++)
        vn_buf_addf(b, "%s\"%llu\": %llu", k ? ", " : "", (unsigned long long)p[k].size_kib,
                    (unsigned long long)p[k].count);
    vn_buf_addc(b, '}');
}

/* "nodes": [...], "memory_kib": N, "pages": {...}, "cpus": "0-3", "ncpus": 4 */
static void json_usage(vn_buf *b, const vn_usage *u)
{
    size_t n;
    VN_AUTOFREE node_row *rows = rows_of(u, &n);
    uint64_t kib = 0;
    vn_buf_add(b, "\"nodes\": [");
    for (size_t i = 0; i < n; i++) {
        vn_buf_addf(b, "%s{\"node\": %u, \"memory_kib\": %llu, ", i ? ", " : "", rows[i].node,
                    (unsigned long long)rows[i].kib);
        json_pages(b, u->takes, rows[i].from, rows[i].to);
        vn_buf_addc(b, '}');
        kib = sat_add(kib, rows[i].kib);
    }
    vn_buf_addf(b, "], \"memory_kib\": %llu, ", (unsigned long long)kib);
    json_pages(b, u->takes, 0, u->ntakes);
    VN_AUTOFREE char *cs = u->cpus ? vn_bitmap_format(u->cpus) : vn_strdup("");
    vn_buf_addf(b, ", \"cpus\": \"%s\", \"ncpus\": %zu", cs,
                u->cpus ? vn_bitmap_count(u->cpus) : 0);
}

char *vn_ledger_list_json(const vn_ledger *l, const char *label)
{
    vn_buf b = {0};
    vn_buf_add(&b, "{\n  \"ledger\": ");
    vn_buf_add_json_string(&b, label);
    if (l->version)
        vn_buf_addf(&b, ",\n  \"version\": %u", l->version);
    else
        vn_buf_add(&b, ",\n  \"version\": null");
    vn_buf_add(&b, ",\n  \"host\": ");
    if (l->host)
        vn_buf_add_json_string(&b, l->host);
    else
        vn_buf_add(&b, "null");
    vn_buf_add(&b, ",\n  \"guests\": [");
    VN_AUTOCLEAR(vn_usage) total = {0};
    for (size_t i = 0; i < l->n; i++) {
        vn_buf_add(&b, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
        vn_buf_add_json_string(&b, l->entries[i].name);
        vn_buf_add(&b, ", ");
        json_usage(&b, &l->entries[i].use);
        vn_buf_addc(&b, '}');
        (void)!vn_usage_merge(&total, &l->entries[i].use);   /* saturated below */
    }
    vn_buf_addf(&b, "%s],\n  \"totals\": {\"guests\": %zu, ", l->n ? "\n  " : "", l->n);
    json_usage(&b, &total);
    vn_buf_add(&b, "}\n}\n");
    return vn_buf_steal(&b);
}
