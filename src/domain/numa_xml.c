/*
 * numa_xml.c - the guest NUMA layout: <cpu><topology> (virCPUDefParseXML)
 * and <cpu><numa> with its cells, distances, caches and interconnects
 * (virDomainNumaDefParseXML / virDomainNumaDefFormatXML). The parser reads
 * the element into the model (model/domain.h) with libvirt's checks and
 * messages; the formatter writes it back from the model in libvirt's
 * layout.  See domain_xml.h for how the files fit.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "base/units.h"
#include "domain/domain_xml.h"

/* ---- <cpu><topology> (virCPUDefParseXML) ------------------------------ */

int dx_parse_topology(vn_domain *dom, xmlNode *cpu, vn_error *err)
{
    xmlNode *topo = dx_child(cpu, "topology");
    if (!topo)
        return 0;
    int rc;
    if (dx_prop_uint(topo, "sockets", 10, PROP_REQUIRED | PROP_NONZERO, &dom->sockets, err) < 0)
        return -1;
    if ((rc = dx_prop_uint(topo, "dies", 10, PROP_NONZERO, &dom->dies, err)) < 0)
        return -1;
    if (rc == 0)
        dom->dies = 1;
    if (dx_prop_uint(topo, "cores", 10, PROP_REQUIRED | PROP_NONZERO, &dom->cores, err) < 0 ||
        dx_prop_uint(topo, "threads", 10, PROP_REQUIRED | PROP_NONZERO, &dom->threads, err) < 0)
        return -1;
    dom->has_topology = true;
    return 0;
}

/* ---- <cpu><numa> (virDomainNumaDefParseXML) --------------------------- */

#define LOCAL_DISTANCE 10
#define UNREACHABLE 255

static vn_distance *cell_distances(vn_domain *dom, unsigned cell)
{
    vn_cell *c = &dom->cells[cell];
    if (!c->distances) {
        c->distances = vn_calloc(dom->ncells, sizeof(vn_distance));
        c->ndistances = dom->ncells;
        c->distances[cell].value = LOCAL_DISTANCE;
        c->distances[cell].cellid = cell;
    }
    return c->distances;
}

/* virDomainNumaDefNodeDistanceParseXML.  distances[] has one entry per
 * cell; value 0 means "not given". */
static int parse_distances(vn_domain *dom, xmlNode *cellnode, unsigned cur, vn_error *err)
{
    xmlNode *dist = dx_child(cellnode, "distances");
    if (!dist)
        return 0;
    if (!dx_count_children(dist, "sibling")) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "NUMA distances defined without siblings");
        return -1;
    }
    dx_for_each_child(dist, "sibling", sib) {
        unsigned id, value;
        if (dx_prop_uint(sib, "id", 10, PROP_REQUIRED, &id, err) < 0)
            return -1;
        if (id >= dom->ncells) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "'sibling_id %d' does not refer to a valid cell within NUMA 'cell id %d'",
                          (int)id, (int)cur);
            return -1;
        }
        if (dx_prop_uint(sib, "value", 10, PROP_REQUIRED, &value, err) < 0)
            return -1;
        if (value < LOCAL_DISTANCE || value > UNREACHABLE ||
            (id == cur && value != LOCAL_DISTANCE) ||
            (id != cur && value == LOCAL_DISTANCE)) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "'value %d' is invalid for 'sibling id %d' under NUMA 'cell id %d'",
                          (int)value, (int)id, (int)cur);
            return -1;
        }
        vn_distance *l = cell_distances(dom, cur);
        l[id].cellid = id;
        l[id].value = value;
        vn_distance *r = cell_distances(dom, id);   /* symmetry if none given */
        r[cur].cellid = cur;
        if (!r[cur].value)
            r[cur].value = value;
    }
    return 0;
}

/* virDomainNumaDefNodeCacheParseXML. */
static int parse_cache(xmlNode *cn, unsigned cell, vn_cache *cache, vn_error *err)
{
    VN_AUTOFREE char *level = dx_prop(cn, "level");
    if (!level) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Missing 'level' attribute in cache element for NUMA node %d", (int)cell);
        return -1;
    }
    if (!dx_str_to_uip(level, 10, &cache->level) || cache->level == 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Invalid 'level' attribute in cache element for NUMA node %d", (int)cell);
        return -1;
    }
    VN_AUTOFREE char *assoc = dx_prop(cn, "associativity");
    if (!assoc) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Missing 'associativity' attribute in cache element for NUMA node %d",
                      (int)cell);
        return -1;
    }
    int a = vn_cache_assoc_from_string(assoc);
    if (a < 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Invalid cache associativity '%s'", assoc);
        return -1;
    }
    VN_AUTOFREE char *policy = dx_prop(cn, "policy");
    if (!policy)   /* libvirt reports and goes on to fail just below */
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Missing 'policy' attribute in cache element for NUMA node %d", (int)cell);
    int p = policy ? vn_cache_policy_from_string(policy) : -1;
    if (p < 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "Invalid cache policy '%s'",
                      policy ? policy : "(null)");
        return -1;
    }
    cache->assoc = (vn_cache_assoc)a;
    cache->policy = (vn_cache_policy)p;
    /* libvirt reads the units from "./size/unit" and "./line/unit" (child
     * elements, never present): sizes are KiB and lines bytes. */
    VN_AUTOFREE char *size = dx_attr_string(dx_child(cn, "size"), "value");
    if (dx_parse_mem("./size/@value", size, NULL, true, &cache->size_kib, err) < 0)
        return -1;
    VN_AUTOFREE char *line = dx_attr_string(dx_child(cn, "line"), "value");
    if (!line) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "missing element or attribute '%s'", "./line/@value");
        return -1;
    }
    if (!dx_str_to_ullp(line, 10, &cache->line_bytes)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Invalid value '%s' for element or attribute '%s'", line, "./line/@value");
        return -1;
    }
    return 0;
}

static int parse_caches(vn_domain *dom, xmlNode *cellnode, unsigned cur, vn_error *err)
{
    vn_cell *c = &dom->cells[cur];
    size_t n = dx_count_children(cellnode, "cache");
    if (!n)
        return 0;
    c->caches = vn_calloc(n, sizeof(vn_cache));
    dx_for_each_child(cellnode, "cache", cn) {
        if (parse_cache(cn, cur, &c->caches[c->ncaches], err) < 0)
            return -1;
        c->ncaches++;
    }
    return 0;
}

/* owner[v]: 1 + the cell whose cpus hold vCPU v, 0 for none yet. */
static int parse_cell(vn_domain *dom, xmlNode *cellnode, size_t idx, unsigned *owner,
                      vn_error *err)
{
    unsigned cur;
    int rc = dx_prop_uint(cellnode, "id", 10, 0, &cur, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        cur = (unsigned)idx;
    if (cur >= dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Exactly one 'cell' element per guest NUMA cell allowed, "
                      "non-contiguous ranges or ranges not starting from 0 are not allowed");
        return -1;
    }
    vn_cell *c = &dom->cells[cur];
    if (c->mem_kib) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Duplicate NUMA cell info for cell id '%u'", cur);
        return -1;
    }
    VN_AUTOFREE char *cpus = dx_prop(cellnode, "cpus");
    if (cpus) {
        vn_bitmap *mask = dx_parse_set(cpus, err);
        if (!mask)
            return -1;
        if (vn_bitmap_is_empty(mask))
            vn_bitmap_free(mask);
        else {
            if (c->cpus)   /* a cell given twice (libvirt's quirk: memory 0 passes) */
                vn_bitmap_foreach(c->cpus, v)
                    owner[v] = 0;
            vn_bitmap_free(c->cpus);
            c->cpus = mask;
        }
    }
    /* libvirt compares the cell with every other one and names the first
     * that overlaps: with each vCPU's cell kept in owner[] (none overlap
     * so far, so each has at most one), that is the smallest owner of
     * the cell's vCPUs, found in time linear in them. */
    if (c->cpus) {
        unsigned first = UINT_MAX;
        vn_bitmap_foreach(c->cpus, v)
            if (owner[v] && owner[v] - 1 != cur && owner[v] - 1 < first)
                first = owner[v] - 1;
        if (first != UINT_MAX) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "NUMA cells %u and %u have overlapping vCPU ids", cur, first);
            return -1;
        }
        vn_bitmap_foreach(c->cpus, v)
            owner[v] = cur + 1;
    }
    VN_AUTOFREE char *mem = dx_attr_string(cellnode, "memory");
    VN_AUTOFREE char *unit = dx_attr_string(cellnode, "unit");
    if (dx_parse_mem("./@memory", mem, unit, true, &c->mem_kib, err) < 0)
        return -1;
    int acc;
    if (dx_prop_enum(cellnode, "memAccess", dx_from_access, PROP_NONZERO, 0, &acc, err) < 0)
        return -1;
    c->mem_access = (vn_mem_access)acc;
    if (dx_prop_tristate(cellnode, "discard", 0, &c->discard, err) < 0)
        return -1;
    if (parse_distances(dom, cellnode, cur, err) < 0)
        return -1;
    return parse_caches(dom, cellnode, cur, err);
}

static int parse_interconnect(vn_domain *dom, xmlNode *ic, vn_error *err)
{
    vn_interconnect l = {0};
    if (dx_name_is(ic, "latency")) {
        l.kind = VN_INTERCONNECT_LATENCY;
        if (dx_prop_ull(ic, "value", 10, PROP_REQUIRED, &l.value, err) < 0)
            return -1;
    } else {
        l.kind = VN_INTERCONNECT_BANDWIDTH;
        VN_AUTOFREE char *v = dx_attr_string(ic, "value");
        VN_AUTOFREE char *u = dx_attr_string(ic, "unit");
        if (dx_parse_mem("./@value", v, u, true, &l.value, err) < 0)
            return -1;
    }
    int type;
    if (dx_prop_uint(ic, "initiator", 10, PROP_REQUIRED, &l.initiator, err) < 0 ||
        dx_prop_uint(ic, "target", 10, PROP_REQUIRED, &l.target, err) < 0 ||
        dx_prop_uint(ic, "cache", 10, 0, &l.cache, err) < 0 ||
        dx_prop_enum(ic, "type", dx_from_latency, PROP_REQUIRED | PROP_NONZERO, 0, &type, err) < 0)
        return -1;
    l.type = (vn_memory_latency)type;
    *VN_APPEND(dom->interconnects, dom->ninterconnects) = l;
    return 0;
}

int dx_parse_numa(vn_domain *dom, xmlNode *cpu, vn_error *err)
{
    xmlNode *numa = dx_child(cpu, "numa");
    if (!numa)
        return 0;
    size_t n = dx_count_children(numa, "cell");
    if (!n) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "NUMA topology defined without NUMA cells");
        return -1;
    }
    /* Each cell's distances have one entry per cell: bound the square. */
    if (n > VN_DOMAIN_MAX_CELLS) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "%zu NUMA cells are more than vnuma supports (%u)",
                      n, VN_DOMAIN_MAX_CELLS);
        return -1;
    }
    dom->cells = vn_calloc(n, sizeof(vn_cell));
    dom->ncells = n;
    for (size_t i = 0; i < n; i++)
        dom->cells[i].id = (unsigned)i;
    size_t i = 0;
    VN_AUTOFREE unsigned *owner = vn_calloc(VN_CPUMASK_LEN, sizeof(unsigned));
    dx_for_each_child(numa, "cell", cellnode)
        if (parse_cell(dom, cellnode, i++, owner, err) < 0)
            return -1;
    /* Each size is below libvirt's limit; keep their sum there too, so
     * that totals derived from the cells cannot wrap (vn_domain.h's
     * vn_domain_cells_memory_kib relies on it). */
    uint64_t sum = 0;
    for (i = 0; i < n; i++)
        if (!vn_add_u64(sum, dom->cells[i].mem_kib, &sum) ||
            sum >= VN_DIV_UP(VN_MEMORY_MAX_BYTES, 1024)) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OVERFLOW, "size value too large");
            return -1;
        }
    for (xmlNode *ic = dx_child(numa, "interconnects") ? dx_child(numa, "interconnects")->children : NULL;
         ic; ic = ic->next)
        if ((dx_name_is(ic, "latency") || dx_name_is(ic, "bandwidth")) &&
            parse_interconnect(dom, ic, err) < 0)
            return -1;
    return 0;
}

/* The checks virDomainDefParseXML makes right after the NUMA cells. */
int dx_check_numa_cpus(const vn_domain *dom, vn_error *err)
{
    uint64_t total = 0;
    unsigned maxid = 0;
    for (size_t i = 0; i < dom->ncells; i++) {
        total += vn_bitmap_count(dom->cells[i].cpus);
        int last = vn_bitmap_last(dom->cells[i].cpus);
        if (last > (int)maxid)
            maxid = (unsigned)last;
    }
    if (total > dom->maxvcpus) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                      "Number of CPUs in <numa> exceeds the <vcpu> count");
        return -1;
    }
    if (maxid >= dom->maxvcpus) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                      "CPU IDs in <numa> exceed the <vcpu> count");
        return -1;
    }
    return 0;
}


/* ---- formatting: <cpu><topology>, virDomainNumaDefFormatXML ------------ */

/* virCPUDefFormatBuf, the topology part */
void dx_emit_topology(vn_buf *b, const vn_domain *dom)
{
    if (dom->has_topology && dom->sockets && dom->dies && dom->cores && dom->threads)
        vn_buf_line(b, "<topology sockets='%u' dies='%u' cores='%u' threads='%u'/>",
                    dom->sockets, dom->dies, dom->cores, dom->threads);
}

static int distance_cmp(const void *a, const void *b)
{
    unsigned x = ((const vn_distance *)a)->cellid, y = ((const vn_distance *)b)->cellid;
    return (x > y) - (x < y);
}

/* virNumaDistanceFormat: by sibling id, unset (0) values left out. */
static void emit_distances(vn_buf *b, const vn_cell *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->ndistances; i++)
        n += c->distances[i].value != 0;
    if (!n)
        return;
    vn_distance *d = vn_malloc(c->ndistances * sizeof(*d));
    memcpy(d, c->distances, c->ndistances * sizeof(*d));
    qsort(d, c->ndistances, sizeof(*d), distance_cmp);
    vn_buf_line(b, "<distances>");
    b->indent += 2;
    for (size_t i = 0; i < c->ndistances; i++)
        if (d[i].value)
            vn_buf_line(b, "<sibling id='%u' value='%u'/>", d[i].cellid, d[i].value);
    b->indent -= 2;
    vn_buf_line(b, "</distances>");
    free(d);
}

/* virNumaCacheFormat */
static void emit_caches(vn_buf *b, const vn_cell *c)
{
    for (size_t i = 0; i < c->ncaches; i++) {
        const vn_cache *k = &c->caches[i];
        dx_pad(b);
        vn_buf_addf(b, "<cache level='%u'", k->level);
        if (k->assoc)
            vn_buf_addf(b, " associativity='%s'", vn_cache_assoc_to_string(k->assoc));
        if (k->policy)
            vn_buf_addf(b, " policy='%s'", vn_cache_policy_to_string(k->policy));
        vn_buf_add(b, ">\n");
        b->indent += 2;
        vn_buf_line(b, "<size value='%llu' unit='KiB'/>", (unsigned long long)k->size_kib);
        if (k->line_bytes)
            vn_buf_line(b, "<line value='%llu' unit='B'/>", (unsigned long long)k->line_bytes);
        b->indent -= 2;
        vn_buf_line(b, "</cache>");
    }
}

/* virNumaInterconnectFormat */
void dx_emit_interconnects(vn_buf *b, const vn_domain *dom)
{
    if (!dom->ninterconnects)
        return;
    vn_buf_line(b, "<interconnects>");
    b->indent += 2;
    for (size_t i = 0; i < dom->ninterconnects; i++) {
        const vn_interconnect *l = &dom->interconnects[i];
        bool bw = l->kind == VN_INTERCONNECT_BANDWIDTH;
        dx_pad(b);
        vn_buf_addf(b, "<%s initiator='%u' target='%u'", bw ? "bandwidth" : "latency",
                    l->initiator, l->target);
        if (l->cache > 0)
            vn_buf_addf(b, " cache='%u'", l->cache);
        vn_buf_addf(b, " type='%s' value='%llu'%s/>\n", vn_memory_latency_to_string(l->type),
                    (unsigned long long)l->value, bw ? " unit='KiB'" : "");
    }
    b->indent -= 2;
    vn_buf_line(b, "</interconnects>");
}

/* virDomainNumaDefFormatXML: cell i is formatted with id i. */
void dx_emit_numa(vn_buf *b, const vn_domain *dom)
{
    if (!dom->ncells)
        return;
    vn_buf_line(b, "<numa>");
    b->indent += 2;
    for (size_t i = 0; i < dom->ncells; i++) {
        const vn_cell *c = &dom->cells[i];
        dx_pad(b);
        vn_buf_addf(b, "<cell id='%zu'", i);
        if (c->cpus && !vn_bitmap_is_empty(c->cpus)) {
            VN_AUTOFREE char *s = vn_bitmap_format(c->cpus);
            vn_buf_addf(b, " cpus='%s'", s);
        }
        vn_buf_addf(b, " memory='%llu' unit='KiB'", (unsigned long long)c->mem_kib);
        if (c->mem_access)
            vn_buf_addf(b, " memAccess='%s'", vn_mem_access_to_string(c->mem_access));
        if (c->discard)
            vn_buf_addf(b, " discard='%s'", vn_tristate_to_string(c->discard));

        vn_buf sub = {.indent = b->indent + 2};
        emit_distances(&sub, c);
        emit_caches(&sub, c);
        if (sub.len) {
            vn_buf_add(b, ">\n");
            vn_buf_add(b, sub.s);
            vn_buf_line(b, "</cell>");
        } else {
            vn_buf_add(b, "/>\n");
        }
        vn_buf_free(&sub);
    }
    dx_emit_interconnects(b, dom);
    b->indent -= 2;
    vn_buf_line(b, "</numa>");
}
