/*
 * host_format.c - renderers of the Host model: libvirt's capabilities
 * <topology> (virCapabilitiesHostNUMAFormat in libvirt 9.0's
 * src/conf/capabilities.c), numactl's `--hardware` text, and JSON.
 * Used by `vnuma host`; see host_format.h.
 *
 * Caps layout, per cell: <memory> when non-zero, one <pages> per page size
 * (count = pages in the pool), <distances> with the non-zero values (no
 * element when there are none), then <cpus num>: a CPU with siblings
 * carries socket_id/die_id/core_id/siblings, one without (offline) only
 * its id; a <cpus num='0'/> when the cell has none.  Caches and
 * interconnects are not in the model and are not printed.
 */
#include "host/host_format.h"

#include <stdlib.h>

/* ---- libvirt capabilities ------------------------------------------ */

/* The indentation of a line started by hand (vn_buf_line does its own). */
static void caps_pad(vn_buf *b)
{
    for (int i = 0; i < b->indent; i++)
        vn_buf_addc(b, ' ');
}

static void caps_cpus(vn_buf *b, const vn_host_node *n)
{
    if (!n->ncpus) {
        vn_buf_line(b, "<cpus num='0'/>");
        return;
    }
    vn_buf_line(b, "<cpus num='%zu'>", n->ncpus);
    b->indent += 2;
    for (size_t j = 0; j < n->ncpus; j++) {
        const vn_host_cpu *cpu = &n->cpus[j];
        if (!cpu->siblings) {
            vn_buf_line(b, "<cpu id='%u'/>", cpu->id);
            continue;
        }
        /* an id the source did not give (-1) is left out, as the caps
         * loader reads an absent one: what is written reads back */
        VN_AUTOFREE char *sib = vn_bitmap_format(cpu->siblings);
        caps_pad(b);
        vn_buf_addf(b, "<cpu id='%u'", cpu->id);
        if (cpu->socket_id >= 0)
            vn_buf_addf(b, " socket_id='%d'", cpu->socket_id);
        if (cpu->die_id >= 0)
            vn_buf_addf(b, " die_id='%d'", cpu->die_id);
        if (cpu->core_id >= 0)
            vn_buf_addf(b, " core_id='%d'", cpu->core_id);
        vn_buf_addf(b, " siblings='%s'/>\n", sib);
    }
    b->indent -= 2;
    vn_buf_line(b, "</cpus>");
}

static void caps_distances(vn_buf *b, const vn_host_node *n)
{
    size_t shown = 0;
    for (size_t k = 0; k < n->ndistances; k++) {
        if (!n->distances[k])
            continue;
        if (!shown++) {
            vn_buf_line(b, "<distances>");
            b->indent += 2;
        }
        vn_buf_line(b, "<sibling id='%u' value='%u'/>", n->distance_ids[k], n->distances[k]);
    }
    if (shown) {
        b->indent -= 2;
        vn_buf_line(b, "</distances>");
    }
}

static void caps_cell(vn_buf *b, const vn_host *h, const vn_host_node *n)
{
    vn_buf_line(b, "<cell id='%u'>", n->id);
    b->indent += 2;
    if (n->mem_kib)
        vn_buf_line(b, "<memory unit='KiB'>%llu</memory>", (unsigned long long)n->mem_kib);
    for (size_t j = 0; !h->numa_fake && j < n->npages; j++)
        vn_buf_line(b, "<pages unit='KiB' size='%llu'>%llu</pages>",
                    (unsigned long long)n->pages[j].size_kib,
                    (unsigned long long)n->pages[j].total);
    caps_distances(b, n);
    caps_cpus(b, n);
    b->indent -= 2;
    vn_buf_line(b, "</cell>");
}

static void caps_topology(vn_buf *b, const vn_host *h)
{
    vn_buf_line(b, "<topology>");
    b->indent += 2;
    vn_buf_line(b, "<cells num='%zu'>", h->nnodes);
    b->indent += 2;
    for (size_t i = 0; i < h->nnodes; i++)
        caps_cell(b, h, &h->nodes[i]);
    b->indent -= 2;
    vn_buf_line(b, "</cells>");
    b->indent -= 2;
    vn_buf_line(b, "</topology>");
}

char *vn_host_format_topology(const vn_host *h, int indent)
{
    vn_buf b = {0};
    b.indent = indent;
    caps_topology(&b, h);
    return vn_buf_steal(&b);
}

/* Every page size of the host, ascending: the nodes' and the huge ones. */
static size_t page_sizes(const vn_host *h, uint64_t **out)
{
    uint64_t *s = NULL;
    size_t n = 0;
    for (size_t i = 0; i < h->nhugepage_sizes; i++)
        *VN_APPEND(s, n) = h->hugepage_sizes_kib[i];
    /* the nodes' sizes where their pages are written (not on a host
     * without NUMA, whose made-up node has none in caps): what is listed
     * must come back when the document is read again */
    for (size_t i = 0; !h->numa_fake && i < h->nnodes; i++)
        for (size_t j = 0; j < h->nodes[i].npages; j++)
            *VN_APPEND(s, n) = h->nodes[i].pages[j].size_kib;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {          /* insertion sort, dropping duplicates */
        uint64_t v = s[i];
        size_t k = m;
        bool dup = false;
        for (size_t j = 0; j < m; j++)
            dup = dup || s[j] == v;
        if (dup)
            continue;
        while (k > 0 && s[k - 1] > v) {
            s[k] = s[k - 1];
            k--;
        }
        s[k] = v;
        m++;
    }
    *out = s;
    return m;
}

char *vn_host_format_caps(const vn_host *h)
{
    vn_buf b = {0};
    vn_buf_add(&b, "<capabilities>\n\n");
    b.indent = 2;
    vn_buf_line(&b, "<host>");
    b.indent = 4;
    VN_AUTOFREE uint64_t *sizes = NULL;
    size_t n = page_sizes(h, &sizes);
    if (n) {
        vn_buf_line(&b, "<cpu>");
        for (size_t i = 0; i < n; i++)
            vn_buf_line(&b, "  <pages unit='KiB' size='%llu'/>", (unsigned long long)sizes[i]);
        vn_buf_line(&b, "</cpu>");
    }
    if (h->nnodes)              /* libvirt prints no <topology> without NUMA */
        caps_topology(&b, h);
    b.indent = 2;
    vn_buf_line(&b, "</host>");
    vn_buf_add(&b, "\n</capabilities>\n");
    return vn_buf_steal(&b);
}

/* ---- numactl --hardware -------------------------------------------- */

/* The distance recorded from one node to another, 0 when none is. */
static unsigned recorded_distance(const vn_host_node *n, unsigned to)
{
    for (size_t k = 0; k < n->ndistances; k++)
        if (n->distance_ids[k] == to)
            return n->distances[k];
    return 0;
}

static void text_distances(vn_buf *b, const vn_host *h)
{
    bool any = false;
    for (size_t i = 0; i < h->nnodes; i++)
        any = any || h->nodes[i].ndistances;
    if (!any) {
        vn_buf_add(b, "No distance information available.\n");
        return;
    }
    vn_buf_add(b, "node distances:\nnode ");
    for (size_t i = 0; i < h->nnodes; i++)
        vn_buf_addf(b, "%3u ", h->nodes[i].id);
    vn_buf_add(b, "\n");
    for (size_t i = 0; i < h->nnodes; i++) {
        vn_buf_addf(b, "%3u: ", h->nodes[i].id);
        for (size_t k = 0; k < h->nnodes; k++)
            vn_buf_addf(b, "%3u ", recorded_distance(&h->nodes[i], h->nodes[k].id));
        vn_buf_add(b, "\n");
    }
}

char *vn_host_format_text(const vn_host *h)
{
    vn_buf b = {0};
    vn_bitmap *ids = vn_host_nodeset(h);
    VN_AUTOFREE char *list = vn_bitmap_format(ids);
    vn_bitmap_free(ids);
    vn_buf_addf(&b, "available: %zu nodes (%s)\n", h->nnodes, list);
    for (size_t i = 0; i < h->nnodes; i++) {
        const vn_host_node *n = &h->nodes[i];
        vn_buf_addf(&b, "node %u cpus:", n->id);
        for (size_t j = 0; j < n->ncpus; j++)
            vn_buf_addf(&b, " %u", n->cpus[j].id);
        vn_buf_addf(&b, "\nnode %u size: %llu MB\n", n->id, (unsigned long long)(n->mem_kib >> 10));
        if (n->has_free)
            vn_buf_addf(&b, "node %u free: %llu MB\n", n->id,
                        (unsigned long long)(n->free_kib >> 10));
        else
            vn_buf_addf(&b, "node %u free: <not available>\n", n->id);
    }
    text_distances(&b, h);
    return vn_buf_steal(&b);
}

/* ---- JSON ---------------------------------------------------------- */

static void json_int_or_null(vn_buf *b, const char *key, int v)
{
    if (v < 0)
        vn_buf_addf(b, "\"%s\": null", key);
    else
        vn_buf_addf(b, "\"%s\": %d", key, v);
}

static void json_cpu(vn_buf *b, const vn_host_cpu *cpu)
{
    vn_buf_addf(b, "{\"id\": %u, ", cpu->id);
    json_int_or_null(b, "socket", cpu->socket_id);
    vn_buf_add(b, ", ");
    json_int_or_null(b, "die", cpu->die_id);
    vn_buf_add(b, ", ");
    json_int_or_null(b, "core", cpu->core_id);
    if (cpu->siblings) {
        VN_AUTOFREE char *sib = vn_bitmap_format(cpu->siblings);
        vn_buf_add(b, ", \"siblings\": ");
        vn_buf_add_json_string(b, sib);
    } else {
        vn_buf_add(b, ", \"siblings\": null");
    }
    vn_buf_addf(b, ", \"online\": %s}", cpu->online ? "true" : "false");
}

static void json_node(vn_buf *b, const vn_host_node *n)
{
    vn_buf_line(b, "{");
    b->indent += 2;
    vn_buf_line(b, "\"id\": %u,", n->id);
    vn_buf_line(b, "\"memory_kib\": %llu,", (unsigned long long)n->mem_kib);
    if (n->has_free)
        vn_buf_line(b, "\"free_kib\": %llu,", (unsigned long long)n->free_kib);
    else
        vn_buf_line(b, "\"free_kib\": null,");
    vn_buf_line(b, "\"cpus\": [");
    for (size_t j = 0; j < n->ncpus; j++) {
        vn_buf_addf(b, "%*s", b->indent + 2, "");
        json_cpu(b, &n->cpus[j]);
        vn_buf_add(b, j + 1 < n->ncpus ? ",\n" : "\n");
    }
    vn_buf_line(b, "],");
    vn_buf_line(b, "\"pages\": [");
    for (size_t j = 0; j < n->npages; j++) {
        const vn_host_pages *p = &n->pages[j];
        vn_buf_addf(b, "%*s{\"size_kib\": %llu, \"total\": %llu, \"free\": ", b->indent + 2, "",
                    (unsigned long long)p->size_kib, (unsigned long long)p->total);
        if (p->has_free)
            vn_buf_addf(b, "%llu}", (unsigned long long)p->free);
        else
            vn_buf_add(b, "null}");
        vn_buf_add(b, j + 1 < n->npages ? ",\n" : "\n");
    }
    vn_buf_line(b, "],");
    vn_buf_addf(b, "%*s\"distances\": [", b->indent, "");
    for (size_t k = 0; k < n->ndistances; k++)
        vn_buf_addf(b, "%s{\"id\": %u, \"value\": %u}", k ? ", " : "", n->distance_ids[k],
                    n->distances[k]);
    vn_buf_add(b, "]\n");
    b->indent -= 2;
    vn_buf_addf(b, "%*s}", b->indent, "");
}

/* What the process's cpuset restricted, only when it did (host_cpuset.c):
 * "cpuset": {"cpus": "0-5", "cpus_file": ..., "mems": ..., "mems_file": ...,
 * "outside_mems": "6-7", "hidden_cpus": 26}; a set the cgroup does not
 * restrict is null. */
static void json_cpuset(vn_buf *b, const vn_host *h)
{
    const vn_host_cpuset *cs = &h->cpuset;
    if (!cs->cpus && !cs->mems)
        return;
    const vn_bitmap *sets[3] = {cs->cpus, cs->mems, h->outside_mems};
    const char *files[2] = {cs->cpus_file, cs->mems_file};
    static const char *const keys[3] = {"cpus", "mems", "outside_mems"};
    vn_buf_add(b, "\n  \"cpuset\": {");
    for (int i = 0; i < 3; i++) {
        vn_buf_addf(b, "%s\"%s\": ", i ? ", " : "", keys[i]);
        if (sets[i]) {
            VN_AUTOFREE char *s = vn_bitmap_format(sets[i]);
            vn_buf_add_json_string(b, s);
        } else {
            vn_buf_add(b, i == 2 ? "\"\"" : "null");
        }
        if (i < 2) {
            vn_buf_addf(b, ", \"%s_file\": ", keys[i]);
            if (files[i])
                vn_buf_add_json_string(b, files[i]);
            else
                vn_buf_add(b, "null");
        }
    }
    vn_buf_addf(b, ", \"hidden_cpus\": %zu},", h->hidden_cpus);
}

char *vn_host_format_json(const vn_host *h)
{
    vn_buf b = {0};
    vn_buf_add(&b, "{\n  \"source\": ");
    vn_buf_add_json_string(&b, h->source);
    vn_buf_addf(&b, ",\n  \"numa_fake\": %s,", h->numa_fake ? "true" : "false");
    json_cpuset(&b, h);
    vn_buf_add(&b, "\n  \"hugepage_sizes_kib\": [");
    for (size_t i = 0; i < h->nhugepage_sizes; i++)
        vn_buf_addf(&b, "%s%llu", i ? ", " : "", (unsigned long long)h->hugepage_sizes_kib[i]);
    vn_buf_add(&b, "],\n  \"nodes\": [\n");
    b.indent = 4;
    for (size_t i = 0; i < h->nnodes; i++) {
        json_node(&b, &h->nodes[i]);
        vn_buf_add(&b, i + 1 < h->nnodes ? ",\n" : "\n");
    }
    vn_buf_add(&b, "  ]\n}\n");
    return vn_buf_steal(&b);
}
