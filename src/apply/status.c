/*
 * status.c - `vnuma status NAME`: where a guest's memory really is, per
 * guest cell, next to what the domain asks.
 *
 * The pages come from /proc/PID/numa_maps (per mapping: its policy, and
 * N<node>=<pages> in the mapping's page size, kernelpagesize_kB; a THP
 * counts as 512 pages of 4 KiB), the mappings' extents from
 * /proc/PID/maps.  A launched guest's cells are found through QEMU: HMP
 * `gpa2hva GPA` over QMP names the RAM block at a guest physical address
 * and gives its host address, and cell i starts at the sum of the earlier
 * cells' sizes (above 4 GiB past the PCI hole: QEMU 7.2 keeps 3 GiB low
 * on pc when the RAM reaches 3.5 GiB, 2 GiB on q35 from 2.75 GiB).  This
 * works for every backend (memory-backend-ram, -memfd, whose numa_maps
 * name is always /memfd:memory-backend-memfd, -file), where names alone
 * cannot tell cells apart; mmap order is not cell order.  A run process has
 * no cells: its anonymous memory (anon=, heap, stack) is one row.
 *
 * A row is marked (!!) when reality differs: pages outside the nodeset of
 * a strict or restrictive cell, or an interleave not spread (a node of
 * its nodeset holding less than half its share, or pages elsewhere).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply_internal.h"
#include "apply/status.h"
#include "qemu/machine.h"
#include "qmp/qmp.h"

/* ---- numa_maps (pure) ---- */

void vn_numa_maps_clear(vn_numa_maps *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].policy);
        free(m->v[i].file);
        free(m->v[i].pages);
    }
    free(m->v);
    *m = (vn_numa_maps){0};
}

static void add_pages(vn_numa_map *e, unsigned node, uint64_t count)
{
    if (node >= e->npages) {
        e->pages = vn_reallocarray(e->pages, node + 1, sizeof(*e->pages));
        memset(e->pages + e->npages, 0, (node + 1 - e->npages) * sizeof(*e->pages));
        e->npages = node + 1;
    }
    e->pages[node] += count;
}

static int parse_token(vn_numa_map *e, const char *t)
{
    uint64_t v;
    unsigned node;
    if (!strncmp(t, "file=", 5))
        e->file = vn_strdup(t + 5);
    else if (!strncmp(t, "anon=", 5))
        e->anon = true;
    else if (!strcmp(t, "heap") || !strcmp(t, "stack"))
        e->anon = true;
    else if (!strcmp(t, "huge"))
        e->huge = true;
    else if (!strncmp(t, "kernelpagesize_kB=", 18)) {
        if (!vn_parse_u64_dec(t + 18, &e->page_kib))
            return -1;
    } else if (t[0] == 'N' && strchr(t, '=')) {
        VN_AUTOFREE char *n = vn_strndup(t + 1, (size_t)(strchr(t, '=') - t - 1));
        if (!vn_parse_uint(n, &node) || node >= VN_CPUMASK_LEN ||
            !vn_parse_u64_dec(strchr(t, '=') + 1, &v))
            return -1;
        add_pages(e, node, v);
    }
    return 0;
}

int vn_numa_maps_parse(const char *text, vn_numa_maps *out, vn_error *err)
{
    unsigned lineno = 0;
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        VN_AUTOFREE char *l = vn_strndup(line, nl ? (size_t)(nl - line) : strlen(line));
        lineno++;
        char *save = NULL, *addr = strtok_r(l, " ", &save), *pol = strtok_r(NULL, " ", &save);
        if (addr) {
            vn_numa_map *e = VN_APPEND(out->v, out->n);
            char *end;
            e->start = strtoull(addr, &end, 16);
            e->page_kib = 4;
            if (*end || !pol) {
                vn_error_set(err, VNUMA_ERR_SYSTEM, "numa_maps line %u is malformed", lineno);
                return -1;
            }
            e->policy = vn_strdup(pol);
            for (char *t; (t = strtok_r(NULL, " ", &save));)
                if (parse_token(e, t) < 0) {
                    vn_error_set(err, VNUMA_ERR_SYSTEM, "numa_maps line %u: bad '%s'",
                                 lineno, t);
                    return -1;
                }
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    return 0;
}

/* /proc/PID/maps: the end of the mapping starting at start (0: none). */
static uint64_t map_end(const char *maps, uint64_t start)
{
    for (const char *line = maps; line && *line;) {
        char *end;
        uint64_t a = strtoull(line, &end, 16);
        if (*end == '-' && a == start)
            return strtoull(end + 1, NULL, 16);
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return 0;
}

/* Sum the mappings in [lo, hi) (hi 0: the anonymous ones) into row. */
void vn_status_sum(const vn_numa_maps *m, const char *maps, uint64_t lo, uint64_t hi,
                   vn_status_row *row)
{
    for (size_t i = 0; i < m->n; i++) {
        const vn_numa_map *e = &m->v[i];
        bool in = hi ? e->start >= lo && e->start < hi : e->anon;
        if (!in)
            continue;
        uint64_t end = map_end(maps, e->start);
        row->mapped_kib += end > e->start ? (end - e->start) / 1024 : 0;
        for (unsigned n = 0; n < e->npages; n++)
            if (e->pages[n]) {
                if (n >= row->nkib) {
                    row->kib = vn_reallocarray(row->kib, n + 1, sizeof(*row->kib));
                    memset(row->kib + row->nkib, 0, (n + 1 - row->nkib) * sizeof(*row->kib));
                    row->nkib = n + 1;
                }
                row->kib[n] += e->pages[n] * e->page_kib;
            }
        if (!row->policy && e->policy)
            row->policy = vn_strdup(e->policy);
    }
}

/* The mark: what differs from the request. */
void vn_status_judge(vn_status_row *r)
{
    uint64_t total = 0, outside = 0;
    for (unsigned n = 0; n < r->nkib; n++) {
        total += r->kib[n];
        if (r->nodes && !vn_bitmap_is_set(r->nodes, n))
            outside += r->kib[n];
    }
    bool confining = r->has_mode && (r->mode == VN_NUMATUNE_STRICT ||
                                     r->mode == VN_NUMATUNE_RESTRICTIVE ||
                                     r->mode == VN_NUMATUNE_INTERLEAVE);
    VN_AUTOFREE char *want = r->nodes ? vn_bitmap_format(r->nodes) : vn_strdup("");
    if (confining && r->nodes && outside) {
        r->why = vn_asprintf("%" PRIu64 " KiB outside nodes %s", outside, want);
        return;
    }
    if (!r->has_mode || r->mode != VN_NUMATUNE_INTERLEAVE || !r->nodes || !total)
        return;
    uint64_t share = total / vn_bitmap_count(r->nodes);
    vn_bitmap_foreach(r->nodes, n) {
        uint64_t have = (unsigned)n < r->nkib ? r->kib[n] : 0;
        if (have * 2 < share) {
            r->why = vn_asprintf("interleave not spread: node %d holds %" PRIu64
                                 " KiB, its share is %" PRIu64, n, have, share);
            return;
        }
    }
}

/* ---- the rows of a guest ---- */

void vn_status_rows_clear(vn_status_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++) {
        vn_status_row *r = &rows->v[i];
        free(r->label);
        free(r->block);
        free(r->policy);
        free(r->why);
        free(r->kib);
        vn_bitmap_free(r->nodes);
    }
    free(rows->v);
    *rows = (vn_status_rows){0};
}

static void row_intent(const vn_domain *dom, int cell, vn_status_row *r)
{
    vn_numatune_mode m;
    r->has_mode = vn_domain_numatune_mode(dom, cell, &m) == 0;
    r->mode = m;
    const vn_bitmap *n = vn_domain_numatune_nodeset(dom, cell);
    r->nodes = n && !vn_bitmap_is_empty(n) ? vn_bitmap_copy(n) : NULL;
}

/* "Host virtual address for 0x0 (ram-node0) is 0x7f12a4000000" */
static int gpa2hva(vn_qmp *q, uint64_t gpa, uint64_t *hva, char **block, vn_error *err)
{
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "gpa2hva 0x%" PRIx64, gpa);
    VN_AUTOFREE char *text = NULL;
    if (vn_qmp_hmp(q, cmd, &text, err) != VN_QMP_OK)
        return -1;
    const char *open = strchr(text, '('), *close = open ? strstr(open, ") is 0x") : NULL;
    if (!close) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "HMP %s: %s", cmd, text);
        return -1;
    }
    *block = vn_strndup(open + 1, (size_t)(close - open - 1));
    *hva = strtoull(close + 7, NULL, 16);
    return 0;
}

/* QEMU 7.2's split of RAM below and above 4 GiB (pc_init1, pc_q35_init). */
static uint64_t gpa_of(const vn_domain *dom, uint64_t offset_kib, uint64_t ram_kib)
{
    uint64_t ram = ram_kib * 1024, off = offset_kib * 1024, low = ram;
    if (vn_qemu_machine_is_q35(dom) ? ram >= 0xb0000000ull : ram >= 0xe0000000ull)
        low = vn_qemu_machine_is_q35(dom) ? 0x80000000ull : 0xc0000000ull;
    return off < low ? off : off - low + 0x100000000ull;
}

static int guest_rows(const vn_domain *dom, vn_qmp *q, const vn_numa_maps *m,
                      const char *maps, vn_status_rows *rows, vn_error *err)
{
    uint64_t ram = vn_domain_memory_initial_kib(dom), offset = 0;
    size_t ncells = dom->ncells ? dom->ncells : 1;
    for (size_t i = 0; i < ncells; i++) {
        vn_status_row *r = VN_APPEND(rows->v, rows->n);
        int cell = dom->ncells ? (int)i : -1;
        uint64_t size = dom->ncells ? dom->cells[i].mem_kib : ram;
        r->label = dom->ncells ? vn_asprintf("cell %zu", i) : vn_strdup("memory");
        row_intent(dom, cell, r);
        uint64_t hva;
        if (gpa2hva(q, gpa_of(dom, offset, ram), &hva, &r->block, err) < 0)
            return -1;
        vn_status_sum(m, maps, hva, hva + size * 1024, r);
        r->size_kib = size;
        vn_status_judge(r);
        offset += size;
    }
    return 0;
}

static void process_row(const vn_domain *dom, const vn_numa_maps *m, const char *maps,
                        vn_status_rows *rows)
{
    vn_status_row *r = VN_APPEND(rows->v, rows->n);
    r->label = vn_strdup("process");
    r->block = vn_strdup("anonymous memory");
    row_intent(dom, -1, r);
    vn_status_sum(m, maps, 0, 0, r);
    r->size_kib = r->mapped_kib;
    vn_status_judge(r);
}

int vn_status_collect(const vn_ap_entry *e, const vn_domain *dom, vn_status_rows *rows,
                      vn_error *err)
{
    char path[64];
    VN_AUTOFREE char *nm = NULL, *maps = NULL;
    snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)e->info.pid);
    if (vn_ap_read(path, &nm, err) < 0)
        return -1;
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)e->info.pid);
    if (vn_ap_read(path, &maps, err) < 0)
        return -1;
    VN_AUTOCLEAR(vn_numa_maps) m = {0};
    if (vn_numa_maps_parse(nm, &m, err) < 0)
        return -1;
    if (strcmp(e->info.kind, "launch")) {
        process_row(dom, &m, maps, rows);
        return 0;
    }
    VN_QMP_AUTO vn_qmp *q = vn_qmp_connect(e->sock, 5000, err);
    if (!q)
        return -1;
    return guest_rows(dom, q, &m, maps, rows, err);
}
