/*
 * domain_format.c - the Domain model back to XML, as libvirt 9.0 formats it.
 *
 * Two halves:
 *
 *  1. Emitters for the elements vnuma owns, each a port of the libvirt
 *     function named above it (virDomainDefFormatInternal, numa_conf.c's
 *     virDomainNumatuneFormatXML / virDomainNumaDefFormatXML,
 *     virDomainMemoryDefFormat, cpu_conf.c's topology, the cputune pins):
 *     sizes in KiB, defaults filled in, libvirt's attribute order and
 *     omission rules.  They read only the model.
 *
 *  2. A writer for the whole document kept by the parser (dom->doc): every
 *     element vnuma does not own is written back as it is, re-indented in
 *     libvirt's style (2 spaces, single-quoted attributes); the owned
 *     elements of the input are dropped and the emitters' output is put
 *     where libvirt's formatter puts it.  Placement uses libvirt's order of
 *     the children of <domain>, <cputune>, <cpu> and <devices>: an owned
 *     element goes just before the first kept sibling that libvirt writes
 *     after it.  <cputune>, <cpu> and <devices> are only partly owned:
 *     they stay where they are and only their owned children are rebuilt.
 *
 * The document is only read (a const walk); nothing in dom changes.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "model/domain.h"

/* ------------------------------------------------------------------ */
/* 1. Owned elements                                                   */
/* ------------------------------------------------------------------ */

/* The indentation of a line being started by hand (vn_buf_line does its own). */
static void pad(vn_buf *b)
{
    for (int i = 0; i < b->indent; i++)
        vn_buf_addc(b, ' ');
}

/* A line: open, the bitmap in libvirt's syntax, close. */
static void line_bitmap(vn_buf *b, const char *open, const vn_bitmap *map, const char *close)
{
    VN_AUTOFREE char *s = vn_bitmap_format(map);
    vn_buf_line(b, "%s%s%s", open, s, close);
}

/* The first top-level element of the input called `name` (namespaces are
 * not looked at, as in the parser). */
static xmlNode *top_child(const vn_domain *dom, const char *name)
{
    xmlNode *root = dom->doc ? xmlDocGetRootElement(dom->doc) : NULL;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
            return c;
    return NULL;
}

/* virDomainDefHasMemoryHotplug */
static void emit_max_memory(vn_buf *b, const vn_domain *dom)
{
    if (dom->memory_slots > 0 || dom->max_memory_kib > 0)
        vn_buf_line(b, "<maxMemory slots='%u' unit='KiB'>%llu</maxMemory>",
                    dom->memory_slots, (unsigned long long)dom->max_memory_kib);
}

/* <memory dumpCore> is a tristate switch the model does not carry: it is
 * taken from the input as libvirt would have parsed it (on/off only). */
static void emit_memory(vn_buf *b, const vn_domain *dom)
{
    xmlNode *mem = top_child(dom, "memory");
    VN_AUTOFREE char *dump = mem ? (char *)xmlGetNoNsProp(mem, (const xmlChar *)"dumpCore") : NULL;
    const char *dc = (dump && (!strcmp(dump, "on") || !strcmp(dump, "off"))) ? dump : NULL;

    vn_buf_line(b, "<memory%s%s%s unit='KiB'>%llu</memory>",
                dc ? " dumpCore='" : "", dc ? dc : "", dc ? "'" : "",
                (unsigned long long)dom->total_memory_kib);
}

static void emit_current_memory(vn_buf *b, const vn_domain *dom)
{
    vn_buf_line(b, "<currentMemory unit='KiB'>%llu</currentMemory>",
                (unsigned long long)dom->cur_balloon_kib);
}

/* virDomainHugepagesFormat: a lone page of the default size is <hugepages/>. */
static void emit_hugepages(vn_buf *b, const vn_domain *dom)
{
    if (dom->nhugepages == 1 && dom->hugepages[0].size_kib == 0) {
        vn_buf_line(b, "<hugepages/>");
        return;
    }
    vn_buf_line(b, "<hugepages>");
    b->indent += 2;
    for (size_t i = 0; i < dom->nhugepages; i++) {
        const vn_hugepage *hp = &dom->hugepages[i];
        if (hp->nodemask) {
            VN_AUTOFREE char *ns = vn_bitmap_format(hp->nodemask);
            vn_buf_line(b, "<page size='%llu' unit='KiB' nodeset='%s'/>",
                        (unsigned long long)hp->size_kib, ns);
        } else {
            vn_buf_line(b, "<page size='%llu' unit='KiB'/>", (unsigned long long)hp->size_kib);
        }
    }
    b->indent -= 2;
    vn_buf_line(b, "</hugepages>");
}

/* virDomainMemorybackingFormat */
static void emit_memory_backing(vn_buf *b, const vn_domain *dom)
{
    vn_buf c = {.indent = b->indent + 2};

    if (dom->nhugepages)
        emit_hugepages(&c, dom);
    if (dom->nosharepages)
        vn_buf_line(&c, "<nosharepages/>");
    if (dom->locked)
        vn_buf_line(&c, "<locked/>");
    if (dom->source)
        vn_buf_line(&c, "<source type='%s'/>", vn_mem_source_to_string(dom->source));
    if (dom->access)
        vn_buf_line(&c, "<access mode='%s'/>", vn_mem_access_to_string(dom->access));
    if (dom->allocation || dom->allocation_threads > 0) {
        pad(&c);
        vn_buf_add(&c, "<allocation");
        if (dom->allocation)
            vn_buf_addf(&c, " mode='%s'", vn_mem_allocation_to_string(dom->allocation));
        if (dom->allocation_threads > 0)
            vn_buf_addf(&c, " threads='%u'", dom->allocation_threads);
        vn_buf_add(&c, "/>\n");
    }
    if (dom->discard)
        vn_buf_line(&c, "<discard/>");

    if (c.len) {
        vn_buf_line(b, "<memoryBacking>");
        vn_buf_add(b, c.s);
        vn_buf_line(b, "</memoryBacking>");
    }
    vn_buf_free(&c);
}

/* libvirt keeps individual vCPU states (<vcpus>) only when the input gave
 * them: virDomainVcpuParse sets individualvcpus when ./vcpus/vcpu exists. */
static bool has_individual_vcpus(const vn_domain *dom)
{
    xmlNode *root = dom->doc ? xmlDocGetRootElement(dom->doc) : NULL;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "vcpus"))
            continue;
        for (xmlNode *v = c->children; v; v = v->next)
            if (v->type == XML_ELEMENT_NODE && !strcmp((const char *)v->name, "vcpu"))
                return true;
    }
    return false;
}

/* virDomainDefGetVcpus: the online vCPUs (the model's count when the
 * per-vCPU states are not filled in). */
static unsigned online_vcpus(const vn_domain *dom)
{
    if (!dom->vcpu_info)
        return dom->vcpus_current;
    unsigned n = 0;
    for (unsigned i = 0; i < dom->maxvcpus; i++)
        n += dom->vcpu_info[i].online;
    return n;
}

/* virDomainCpuDefFormat: <vcpu> (cpuset unless all set, current when some
 * vCPUs are offline). */
static void emit_vcpu(vn_buf *b, const vn_domain *dom)
{
    pad(b);
    vn_buf_addf(b, "<vcpu placement='%s'", vn_placement_to_string(dom->cpu_placement));
    if (dom->cpumask && vn_bitmap_count(dom->cpumask) < VN_CPUMASK_LEN) {
        VN_AUTOFREE char *s = vn_bitmap_format(dom->cpumask);
        vn_buf_addf(b, " cpuset='%s'", s);
    }
    unsigned online = online_vcpus(dom);
    if (online < dom->maxvcpus)
        vn_buf_addf(b, " current='%u'", online);
    vn_buf_addf(b, ">%u</vcpu>\n", dom->maxvcpus);
}

static void emit_vcpus(vn_buf *b, const vn_domain *dom)
{
    if (!has_individual_vcpus(dom) || !dom->vcpu_info)
        return;
    vn_buf_line(b, "<vcpus>");
    b->indent += 2;
    for (unsigned i = 0; i < dom->maxvcpus; i++) {
        const vn_vcpu_info *v = &dom->vcpu_info[i];
        pad(b);
        vn_buf_addf(b, "<vcpu id='%u' enabled='%s'", i, v->online ? "yes" : "no");
        if (v->hotpluggable)
            vn_buf_addf(b, " hotpluggable='%s'", vn_tristate_to_string(v->hotpluggable));
        if (v->order != 0)
            vn_buf_addf(b, " order='%u'", v->order);
        vn_buf_add(b, "/>\n");
    }
    b->indent -= 2;
    vn_buf_line(b, "</vcpus>");
}

static int pin_cmp(const void *a, const void *b)
{
    unsigned x = ((const vn_pin *)a)->id, y = ((const vn_pin *)b)->id;
    return (x > y) - (x < y);
}

/* Pins in libvirt's order: by vCPU (def->vcpus[i]) or by iothread id. */
static void emit_pins(vn_buf *b, const vn_pin *pins, size_t n, const char *elem,
                      const char *idattr)
{
    if (!n)
        return;
    vn_pin *sorted = vn_malloc(n * sizeof(*sorted));
    memcpy(sorted, pins, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), pin_cmp);
    for (size_t i = 0; i < n; i++) {
        if (!sorted[i].cpuset)
            continue;
        VN_AUTOFREE char *s = vn_bitmap_format(sorted[i].cpuset);
        vn_buf_line(b, "<%s %s='%u' cpuset='%s'/>", elem, idattr, sorted[i].id, s);
    }
    free(sorted);
}

/* virDomainCputuneDefFormat, the pinning part */
static void emit_vcpupins(vn_buf *b, const vn_domain *dom)
{
    emit_pins(b, dom->vcpupins, dom->nvcpupins, "vcpupin", "vcpu");
}

static void emit_emulatorpin(vn_buf *b, const vn_domain *dom)
{
    if (dom->emulatorpin)
        line_bitmap(b, "<emulatorpin cpuset='", dom->emulatorpin, "'/>");
}

static void emit_iothreadpins(vn_buf *b, const vn_domain *dom)
{
    emit_pins(b, dom->iothreadpins, dom->niothreadpins, "iothreadpin", "iothread");
}

/* virDomainNumatuneFormatXML; cell i's memnode is formatted as cellid i. */
static void emit_numatune(vn_buf *b, const vn_domain *dom)
{
    bool memnodes = false;
    for (size_t i = 0; i < dom->ncells; i++)
        if (dom->cells[i].memnode_nodeset)
            memnodes = true;
    if (!memnodes && !dom->numatune_specified)
        return;

    vn_buf_line(b, "<numatune>");
    b->indent += 2;
    if (dom->numatune_specified) {
        const char *mode = vn_numatune_mode_to_string(dom->numatune_mode);
        vn_numatune_placement pl = dom->numatune_placement;
        if (pl == VN_NUMATUNE_PLACEMENT_DEFAULT)   /* post-parse resolves it; be safe */
            pl = dom->numatune_nodeset ? VN_NUMATUNE_PLACEMENT_STATIC : VN_NUMATUNE_PLACEMENT_AUTO;
        if (pl == VN_NUMATUNE_PLACEMENT_STATIC) {
            VN_AUTOFREE char *ns = vn_bitmap_format(dom->numatune_nodeset);
            vn_buf_line(b, "<memory mode='%s' nodeset='%s'/>", mode, ns);
        } else {
            vn_buf_line(b, "<memory mode='%s' placement='%s'/>", mode,
                        vn_numatune_placement_to_string(pl));
        }
    }
    for (size_t i = 0; i < dom->ncells; i++) {
        const vn_cell *c = &dom->cells[i];
        if (!c->memnode_nodeset)
            continue;
        VN_AUTOFREE char *ns = vn_bitmap_format(c->memnode_nodeset);
        vn_buf_line(b, "<memnode cellid='%zu' mode='%s' nodeset='%s'/>", i,
                    vn_numatune_mode_to_string(c->memnode_mode), ns);
    }
    b->indent -= 2;
    vn_buf_line(b, "</numatune>");
}

/* vnuma's own element, symmetric with its grammar. */
static void emit_vnuma(vn_buf *b, const vn_domain *dom)
{
    const vn_vnuma *v = &dom->vnuma;
    if (!v->present)
        return;
    pad(b);
    vn_buf_addf(b, "<vnuma mode='%s' distribution='%s'", vn_vnuma_mode_to_string(v->mode),
                vn_vnuma_dist_to_string(v->distribution));
    if (!v->has_memory && !v->has_partition) {
        vn_buf_add(b, "/>\n");
        return;
    }
    vn_buf_add(b, ">\n");
    b->indent += 2;
    if (v->has_memory)
        vn_buf_line(b, "<memory unit='KiB'>%llu</memory>", (unsigned long long)v->memory_kib);
    if (v->has_partition) {
        pad(b);
        vn_buf_add(b, "<partition");
        if (v->partition_nodeset) {
            VN_AUTOFREE char *ns = vn_bitmap_format(v->partition_nodeset);
            vn_buf_addf(b, " nodeset='%s'", ns);
        }
        if (v->partition_cells)
            vn_buf_addf(b, " cells='%u'", v->partition_cells);
        vn_buf_add(b, "/>\n");
    }
    b->indent -= 2;
    vn_buf_line(b, "</vnuma>");
}

/* virCPUDefFormatBuf, the topology part */
static void emit_topology(vn_buf *b, const vn_domain *dom)
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
        pad(b);
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
static void emit_interconnects(vn_buf *b, const vn_domain *dom)
{
    if (!dom->ninterconnects)
        return;
    vn_buf_line(b, "<interconnects>");
    b->indent += 2;
    for (size_t i = 0; i < dom->ninterconnects; i++) {
        const vn_interconnect *l = &dom->interconnects[i];
        bool bw = l->kind == VN_INTERCONNECT_BANDWIDTH;
        pad(b);
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
static void emit_numa(vn_buf *b, const vn_domain *dom)
{
    if (!dom->ncells)
        return;
    vn_buf_line(b, "<numa>");
    b->indent += 2;
    for (size_t i = 0; i < dom->ncells; i++) {
        const vn_cell *c = &dom->cells[i];
        pad(b);
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
    emit_interconnects(b, dom);
    b->indent -= 2;
    vn_buf_line(b, "</numa>");
}

/* virDomainMemorySourceDefFormat */
static void emit_memdev_source(vn_buf *b, const vn_memdev *m)
{
    vn_buf c = {.indent = b->indent + 2};
    switch (m->model) {
    case VN_MEMORY_MODEL_DIMM:
    case VN_MEMORY_MODEL_VIRTIO_MEM:
        if (m->source_nodes)
            line_bitmap(&c, "<nodemask>", m->source_nodes, "</nodemask>");
        if (m->pagesize_kib)
            vn_buf_line(&c, "<pagesize unit='KiB'>%llu</pagesize>",
                        (unsigned long long)m->pagesize_kib);
        break;
    case VN_MEMORY_MODEL_NVDIMM:
    case VN_MEMORY_MODEL_VIRTIO_PMEM:
        if (m->path) {
            pad(&c);
            vn_buf_add(&c, "<path>");
            vn_buf_add_escaped(&c, m->path);
            vn_buf_add(&c, "</path>\n");
        }
        if (m->model == VN_MEMORY_MODEL_VIRTIO_PMEM)
            break;
        if (m->alignsize_kib)
            vn_buf_line(&c, "<alignsize unit='KiB'>%llu</alignsize>",
                        (unsigned long long)m->alignsize_kib);
        if (m->pmem)
            vn_buf_line(&c, "<pmem/>");
        break;
    case VN_MEMORY_MODEL_SGX_EPC:
        if (m->source_nodes)
            line_bitmap(&c, "<nodemask>", m->source_nodes, "</nodemask>");
        break;
    case VN_MEMORY_MODEL_NONE:
    case VN_MEMORY_MODEL_LAST:
        break;
    }
    if (c.len) {
        vn_buf_line(b, "<source>");
        vn_buf_add(b, c.s);
        vn_buf_line(b, "</source>");
    }
    vn_buf_free(&c);
}

/* virDomainMemoryTargetDefFormat, inactive (no <current>) */
static void emit_memdev_target(vn_buf *b, const vn_memdev *m)
{
    vn_buf_line(b, "<target>");
    b->indent += 2;
    vn_buf_line(b, "<size unit='KiB'>%llu</size>", (unsigned long long)m->size_kib);
    if (m->target_node >= 0)
        vn_buf_line(b, "<node>%d</node>", m->target_node);
    if (m->labelsize_kib) {
        vn_buf_line(b, "<label>");
        b->indent += 2;
        vn_buf_line(b, "<size unit='KiB'>%llu</size>", (unsigned long long)m->labelsize_kib);
        b->indent -= 2;
        vn_buf_line(b, "</label>");
    }
    if (m->readonly)
        vn_buf_line(b, "<readonly/>");
    if (m->blocksize_kib) {
        vn_buf_line(b, "<block unit='KiB'>%llu</block>", (unsigned long long)m->blocksize_kib);
        vn_buf_line(b, "<requested unit='KiB'>%llu</requested>",
                    (unsigned long long)m->requested_kib);
    }
    b->indent -= 2;
    vn_buf_line(b, "</target>");
}

/* virDomainDeviceInfoFormat for the address types a memory device has */
static void emit_memdev_info(vn_buf *b, const vn_memdev *m)
{
    if (m->alias) {
        pad(b);
        vn_buf_add(b, "<alias name='");
        vn_buf_add_escaped(b, m->alias);
        vn_buf_add(b, "'/>\n");
    }
    if (m->addr_type == VN_MEMDEV_ADDR_DIMM) {
        pad(b);
        vn_buf_addf(b, "<address type='dimm' slot='%u'", m->addr_slot);
        if (m->addr_base)
            vn_buf_addf(b, " base='0x%llx'", (unsigned long long)m->addr_base);
        vn_buf_add(b, "/>\n");
    } else if (m->addr_type == VN_MEMDEV_ADDR_PCI) {
        pad(b);
        vn_buf_add(b, "<address type='pci'");
        if (m->pci_domain || m->pci_bus || m->pci_slot || m->pci_function)
            vn_buf_addf(b, " domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%u'",
                        m->pci_domain, m->pci_bus, m->pci_slot, m->pci_function);
        if (m->pci_multifunction)
            vn_buf_addf(b, " multifunction='%s'",
                        m->pci_multifunction == VN_TRISTATE_YES ? "on" : "off");
        vn_buf_add(b, "/>\n");
    }
}

/* virDomainMemoryDefFormat, for every memory device */
static void emit_memdevs(vn_buf *b, const vn_domain *dom)
{
    for (size_t i = 0; i < dom->nmemdevs; i++) {
        const vn_memdev *m = &dom->memdevs[i];
        pad(b);
        vn_buf_addf(b, "<memory model='%s'", vn_memory_model_to_string(m->model));
        if (m->access)
            vn_buf_addf(b, " access='%s'", vn_mem_access_to_string(m->access));
        if (m->discard)
            vn_buf_addf(b, " discard='%s'", vn_tristate_to_string(m->discard));
        vn_buf_add(b, ">\n");
        b->indent += 2;
        if (m->uuid) {
            pad(b);
            vn_buf_add(b, "<uuid>");
            vn_buf_add_escaped(b, m->uuid);
            vn_buf_add(b, "</uuid>\n");
        }
        emit_memdev_source(b, m);
        emit_memdev_target(b, m);
        emit_memdev_info(b, m);
        b->indent -= 2;
        vn_buf_line(b, "</memory>");
    }
}

/* ------------------------------------------------------------------ */
/* 2. The document                                                     */
/* ------------------------------------------------------------------ */

/* How a child element of a container is treated. */
typedef enum {
    SLOT_KEPT,     /* not owned: written as the input has it */
    SLOT_OWNED,    /* dropped from the input, written by emit */
    SLOT_MERGED,   /* partly owned container: kept in place, rebuilt by merge */
} slot_kind;

typedef struct slot slot;
typedef void (*emit_fn)(vn_buf *b, const vn_domain *dom);
/* Write a partly owned container; orig is the input's element or NULL.
 * Only the first one in the input gets the owned children (the model was
 * read from it); later ones lose theirs. */
typedef void (*merge_fn)(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first);

struct slot {
    const char *name;
    slot_kind kind;
    emit_fn emit;
    merge_fn merge;
};

static void write_node(vn_buf *b, const vn_domain *dom, xmlNode *n);
static void write_children(vn_buf *b, const vn_domain *dom, xmlNode *parent,
                           const slot *slots, size_t nslots, bool owned);

/* Text and attribute values, escaped as libvirt's virBufferEscapeString
 * does; line breaks and tabs in attributes as character references so
 * that the value reads back the same. */
static void add_escaped(vn_buf *b, const char *s, bool attr)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': vn_buf_add(b, "&amp;"); break;
        case '<': vn_buf_add(b, "&lt;"); break;
        case '>': vn_buf_add(b, "&gt;"); break;
        case '\'': vn_buf_add(b, "&apos;"); break;
        case '"': vn_buf_add(b, "&quot;"); break;
        case '\r': vn_buf_add(b, "&#13;"); break;
        case '\n': vn_buf_add(b, attr ? "&#10;" : "\n"); break;
        case '\t': vn_buf_add(b, attr ? "&#9;" : "\t"); break;
        default: vn_buf_addc(b, *s);
        }
    }
}

static void add_qname(vn_buf *b, const xmlNs *ns, const xmlChar *name)
{
    if (ns && ns->prefix)
        vn_buf_addf(b, "%s:", (const char *)ns->prefix);
    vn_buf_add(b, (const char *)name);
}

/* "<name attr='v' xmlns:p='uri'" (not closed) */
static void add_start_tag(vn_buf *b, xmlNode *n)
{
    vn_buf_addc(b, '<');
    add_qname(b, n->ns, n->name);
    for (xmlAttr *a = n->properties; a; a = a->next) {
        vn_buf_addc(b, ' ');
        add_qname(b, a->ns, a->name);
        vn_buf_add(b, "='");
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        add_escaped(b, v ? (const char *)v : "", true);
        xmlFree(v);
        vn_buf_addc(b, '\'');
    }
    for (xmlNs *ns = n->nsDef; ns; ns = ns->next) {
        vn_buf_add(b, ns->prefix ? " xmlns:" : " xmlns");
        if (ns->prefix)
            vn_buf_add(b, (const char *)ns->prefix);
        vn_buf_add(b, "='");
        add_escaped(b, ns->href ? (const char *)ns->href : "", true);
        vn_buf_addc(b, '\'');
    }
}

static bool is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* An element is re-indented when its content is only elements, comments
 * and processing instructions (plus blank text); otherwise (text, mixed
 * content) its content is written exactly as it is. */
static bool is_structured(xmlNode *n)
{
    bool any = false;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
            if (!is_blank(c->content))
                return false;
        } else if (c->type == XML_ELEMENT_NODE || c->type == XML_COMMENT_NODE ||
                   c->type == XML_PI_NODE) {
            any = true;
        } else {
            return false;
        }
    }
    return any;
}

/* Content written as it is, no whitespace added or removed. */
static void write_raw(vn_buf *b, xmlNode *n)
{
    switch (n->type) {
    case XML_ELEMENT_NODE:
        add_start_tag(b, n);
        if (!n->children) {
            vn_buf_add(b, "/>");
            return;
        }
        vn_buf_addc(b, '>');
        for (xmlNode *c = n->children; c; c = c->next)
            write_raw(b, c);
        vn_buf_add(b, "</");
        add_qname(b, n->ns, n->name);
        vn_buf_addc(b, '>');
        break;
    case XML_TEXT_NODE:
        add_escaped(b, n->content ? (const char *)n->content : "", false);
        break;
    case XML_CDATA_SECTION_NODE:
        vn_buf_addf(b, "<![CDATA[%s]]>", n->content ? (const char *)n->content : "");
        break;
    case XML_COMMENT_NODE:
        vn_buf_addf(b, "<!--%s-->", n->content ? (const char *)n->content : "");
        break;
    case XML_PI_NODE:
        vn_buf_addf(b, "<?%s%s%s?>", (const char *)n->name, n->content ? " " : "",
                    n->content ? (const char *)n->content : "");
        break;
    case XML_ENTITY_REF_NODE:
        vn_buf_addf(b, "&%s;", (const char *)n->name);
        break;
    default:
        break;
    }
}

/* An element not owned by vnuma, in libvirt's layout. */
static void write_element(vn_buf *b, const vn_domain *dom, xmlNode *n)
{
    pad(b);
    if (!is_structured(n)) {
        write_raw(b, n);
        vn_buf_addc(b, '\n');
        return;
    }
    add_start_tag(b, n);
    vn_buf_add(b, ">\n");
    b->indent += 2;
    write_children(b, dom, n, NULL, 0, false);
    b->indent -= 2;
    pad(b);
    vn_buf_add(b, "</");
    add_qname(b, n->ns, n->name);
    vn_buf_add(b, ">\n");
}

static void write_trimmed(vn_buf *b, const char *s)
{
    size_t len = strlen(s);
    while (*s && strchr(" \t\r\n", *s))
        s++, len--;
    while (len && strchr(" \t\r\n", s[len - 1]))
        len--;
    VN_AUTOFREE char *t = vn_strndup(s, len);
    pad(b);
    add_escaped(b, t, false);
    vn_buf_addc(b, '\n');
}

static void write_node(vn_buf *b, const vn_domain *dom, xmlNode *n)
{
    switch (n->type) {
    case XML_ELEMENT_NODE:
        write_element(b, dom, n);
        break;
    case XML_TEXT_NODE:     /* stray text among elements: trimmed, on its own line */
        if (!is_blank(n->content))
            write_trimmed(b, (const char *)n->content);
        break;
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
    case XML_CDATA_SECTION_NODE:
    case XML_ENTITY_REF_NODE:
        pad(b);
        write_raw(b, n);
        vn_buf_addc(b, '\n');
        break;
    default:    /* DTD and the like: libvirt drops them too */
        break;
    }
}

static int slot_index(const slot *slots, size_t nslots, xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE)
        return -1;
    for (size_t i = 0; i < nslots; i++)
        if (!strcmp(slots[i].name, (const char *)n->name))
            return (int)i;
    return -1;
}

/* Write the owned and the absent merged slots before `upto` not yet written. */
static void flush_slots(vn_buf *b, const vn_domain *dom, const slot *slots, bool *done,
                        size_t upto)
{
    for (size_t i = 0; i < upto; i++) {
        if (done[i])
            continue;
        done[i] = true;
        if (slots[i].kind == SLOT_OWNED)
            slots[i].emit(b, dom);
        else if (slots[i].kind == SLOT_MERGED)
            slots[i].merge(b, dom, NULL, true);
    }
}

/* The children of `parent` at b->indent: kept ones in input order, owned
 * ones (slots, in libvirt's order) just before the first kept sibling that
 * libvirt writes after them, or at the end. */
static void write_children(vn_buf *b, const vn_domain *dom, xmlNode *parent,
                           const slot *slots, size_t nslots, bool owned)
{
    bool done[64] = {false}, seen[64] = {false};

    for (size_t i = 0; i < nslots; i++)
        done[i] = slots[i].kind == SLOT_KEPT || !owned;
    for (xmlNode *c = parent->children; c; c = c->next) {
        int r = slot_index(slots, nslots, c);
        if (r >= 0 && slots[r].kind == SLOT_MERGED)
            done[r] = true;    /* written in place below */
    }
    for (xmlNode *c = parent->children; c; c = c->next) {
        int r = slot_index(slots, nslots, c);
        if (r >= 0 && slots[r].kind == SLOT_OWNED)
            continue;
        if (r >= 0)
            flush_slots(b, dom, slots, done, (size_t)r);
        if (r >= 0 && slots[r].kind == SLOT_MERGED) {
            slots[r].merge(b, dom, c, owned && !seen[r]);
            seen[r] = true;
        } else
            write_node(b, dom, c);
    }
    flush_slots(b, dom, slots, done, nslots);
}

/* virDomainCputuneDefFormat: the pins between the quotas and the schedulers. */
static const slot cputune_slots[] = {
    {"shares", SLOT_KEPT, NULL, NULL},
    {"period", SLOT_KEPT, NULL, NULL},
    {"quota", SLOT_KEPT, NULL, NULL},
    {"global_period", SLOT_KEPT, NULL, NULL},
    {"global_quota", SLOT_KEPT, NULL, NULL},
    {"emulator_period", SLOT_KEPT, NULL, NULL},
    {"emulator_quota", SLOT_KEPT, NULL, NULL},
    {"iothread_period", SLOT_KEPT, NULL, NULL},
    {"iothread_quota", SLOT_KEPT, NULL, NULL},
    {"vcpupin", SLOT_OWNED, emit_vcpupins, NULL},
    {"emulatorpin", SLOT_OWNED, emit_emulatorpin, NULL},
    {"iothreadpin", SLOT_OWNED, emit_iothreadpins, NULL},
    {"emulatorsched", SLOT_KEPT, NULL, NULL},
    {"vcpusched", SLOT_KEPT, NULL, NULL},
    {"iothreadsched", SLOT_KEPT, NULL, NULL},
    {"cachetune", SLOT_KEPT, NULL, NULL},
    {"memorytune", SLOT_KEPT, NULL, NULL},
};

/* virCPUDefFormatBuf's children, then virDomainNumaDefFormatXML. */
static const slot cpu_slots[] = {
    {"arch", SLOT_KEPT, NULL, NULL},
    {"model", SLOT_KEPT, NULL, NULL},
    {"vendor", SLOT_KEPT, NULL, NULL},
    {"microcode", SLOT_KEPT, NULL, NULL},
    {"signature", SLOT_KEPT, NULL, NULL},
    {"counter", SLOT_KEPT, NULL, NULL},
    {"topology", SLOT_OWNED, emit_topology, NULL},
    {"cache", SLOT_KEPT, NULL, NULL},
    {"maxphysaddr", SLOT_KEPT, NULL, NULL},
    {"feature", SLOT_KEPT, NULL, NULL},
    {"numa", SLOT_OWNED, emit_numa, NULL},
};

/* virDomainDefFormatInternal's device order; <memory> after <shmem>. */
static const slot devices_slots[] = {
    {"emulator", SLOT_KEPT, NULL, NULL},
    {"disk", SLOT_KEPT, NULL, NULL},
    {"controller", SLOT_KEPT, NULL, NULL},
    {"lease", SLOT_KEPT, NULL, NULL},
    {"filesystem", SLOT_KEPT, NULL, NULL},
    {"interface", SLOT_KEPT, NULL, NULL},
    {"smartcard", SLOT_KEPT, NULL, NULL},
    {"serial", SLOT_KEPT, NULL, NULL},
    {"parallel", SLOT_KEPT, NULL, NULL},
    {"console", SLOT_KEPT, NULL, NULL},
    {"channel", SLOT_KEPT, NULL, NULL},
    {"input", SLOT_KEPT, NULL, NULL},
    {"tpm", SLOT_KEPT, NULL, NULL},
    {"graphics", SLOT_KEPT, NULL, NULL},
    {"sound", SLOT_KEPT, NULL, NULL},
    {"audio", SLOT_KEPT, NULL, NULL},
    {"video", SLOT_KEPT, NULL, NULL},
    {"hostdev", SLOT_KEPT, NULL, NULL},
    {"redirdev", SLOT_KEPT, NULL, NULL},
    {"redirfilter", SLOT_KEPT, NULL, NULL},
    {"hub", SLOT_KEPT, NULL, NULL},
    {"watchdog", SLOT_KEPT, NULL, NULL},
    {"memballoon", SLOT_KEPT, NULL, NULL},
    {"rng", SLOT_KEPT, NULL, NULL},
    {"nvram", SLOT_KEPT, NULL, NULL},
    {"panic", SLOT_KEPT, NULL, NULL},
    {"shmem", SLOT_KEPT, NULL, NULL},
    {"memory", SLOT_OWNED, emit_memdevs, NULL},
    {"iommu", SLOT_KEPT, NULL, NULL},
    {"vsock", SLOT_KEPT, NULL, NULL},
};

/* When libvirt writes a partly owned container (virXMLFormatElement
 * leaves out an element with neither attributes nor children; <cputune>
 * has no attributes; <devices> is always written). */
typedef enum { WRITE_IF_CONTENT, WRITE_IF_CHILDREN, WRITE_ALWAYS } write_rule;

/* A partly owned container: its attributes and kept children from the
 * input (if any), its owned children from the model. */
static void merge_container(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first,
                            const char *name, const slot *slots, size_t nslots, write_rule rule)
{
    vn_buf c = {.indent = b->indent + 2};
    if (orig) {
        write_children(&c, dom, orig, slots, nslots, first);
    } else {
        bool done[64] = {false};   /* kept slots emit nothing */
        flush_slots(&c, dom, slots, done, nslots);
    }

    bool attrs = orig && (orig->properties || orig->nsDef);
    if (c.len || rule == WRITE_ALWAYS || (rule == WRITE_IF_CONTENT && attrs)) {
        pad(b);
        if (orig)
            add_start_tag(b, orig);
        else
            vn_buf_addf(b, "<%s", name);
        if (c.len || rule == WRITE_ALWAYS) {   /* libvirt: <devices>\n</devices> */
            vn_buf_add(b, ">\n");
            vn_buf_add(b, c.s ? c.s : "");
            pad(b);
            vn_buf_add(b, "</");
            if (orig)
                add_qname(b, orig->ns, orig->name);
            else
                vn_buf_add(b, name);
            vn_buf_add(b, ">\n");
        } else {
            vn_buf_add(b, "/>\n");
        }
    }
    vn_buf_free(&c);
}

static void merge_cputune(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first)
{
    merge_container(b, dom, orig, first, "cputune", cputune_slots, VN_ARRAY_LEN(cputune_slots),
                    WRITE_IF_CHILDREN);
}

static void merge_cpu(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first)
{
    merge_container(b, dom, orig, first, "cpu", cpu_slots, VN_ARRAY_LEN(cpu_slots), WRITE_IF_CONTENT);
}

static void merge_devices(vn_buf *b, const vn_domain *dom, xmlNode *orig, bool first)
{
    if (!orig && !dom->nmemdevs)
        return;
    merge_container(b, dom, orig, first, "devices", devices_slots, VN_ARRAY_LEN(devices_slots),
                    WRITE_ALWAYS);
}

/* virDomainDefFormatInternal's order of the children of <domain>; vnuma's
 * own <vnuma> follows <numatune>. */
static const slot domain_slots[] = {
    {"name", SLOT_KEPT, NULL, NULL},
    {"uuid", SLOT_KEPT, NULL, NULL},
    {"genid", SLOT_KEPT, NULL, NULL},
    {"title", SLOT_KEPT, NULL, NULL},
    {"description", SLOT_KEPT, NULL, NULL},
    {"metadata", SLOT_KEPT, NULL, NULL},
    {"maxMemory", SLOT_OWNED, emit_max_memory, NULL},
    {"memory", SLOT_OWNED, emit_memory, NULL},
    {"currentMemory", SLOT_OWNED, emit_current_memory, NULL},
    {"blkiotune", SLOT_KEPT, NULL, NULL},
    {"memtune", SLOT_KEPT, NULL, NULL},
    {"memoryBacking", SLOT_OWNED, emit_memory_backing, NULL},
    {"vcpu", SLOT_OWNED, emit_vcpu, NULL},
    {"vcpus", SLOT_OWNED, emit_vcpus, NULL},
    {"iothreads", SLOT_KEPT, NULL, NULL},
    {"iothreadids", SLOT_KEPT, NULL, NULL},
    {"defaultiothread", SLOT_KEPT, NULL, NULL},
    {"cputune", SLOT_MERGED, NULL, merge_cputune},
    {"numatune", SLOT_OWNED, emit_numatune, NULL},
    {"vnuma", SLOT_OWNED, emit_vnuma, NULL},
    {"resource", SLOT_KEPT, NULL, NULL},
    {"sysinfo", SLOT_KEPT, NULL, NULL},
    {"bootloader", SLOT_KEPT, NULL, NULL},
    {"bootloader_args", SLOT_KEPT, NULL, NULL},
    {"os", SLOT_KEPT, NULL, NULL},
    {"idmap", SLOT_KEPT, NULL, NULL},
    {"features", SLOT_KEPT, NULL, NULL},
    {"cpu", SLOT_MERGED, NULL, merge_cpu},
    {"clock", SLOT_KEPT, NULL, NULL},
    {"on_poweroff", SLOT_KEPT, NULL, NULL},
    {"on_reboot", SLOT_KEPT, NULL, NULL},
    {"on_crash", SLOT_KEPT, NULL, NULL},
    {"on_lockfailure", SLOT_KEPT, NULL, NULL},
    {"pm", SLOT_KEPT, NULL, NULL},
    {"perf", SLOT_KEPT, NULL, NULL},
    {"devices", SLOT_MERGED, NULL, merge_devices},
    {"seclabel", SLOT_KEPT, NULL, NULL},
    {"keywrap", SLOT_KEPT, NULL, NULL},
    {"launchSecurity", SLOT_KEPT, NULL, NULL},
};

_Static_assert(VN_ARRAY_LEN(domain_slots) <= 64 && VN_ARRAY_LEN(devices_slots) <= 64 &&
               VN_ARRAY_LEN(cpu_slots) <= 64 && VN_ARRAY_LEN(cputune_slots) <= 64,
               "write_children tracks at most 64 slots");

char *vn_domain_format(const vn_domain *dom, vn_error *err)
{
    xmlNode *root = dom && dom->doc ? xmlDocGetRootElement(dom->doc) : NULL;
    if (!root) {
        vn_error_set(err, VNUMA_ERR_INVALID, "missing root element");
        return NULL;
    }

    vn_buf b = {0};
    for (xmlNode *n = dom->doc->children; n; n = n->next) {
        if (n != root) {
            write_node(&b, dom, n);
            continue;
        }
        add_start_tag(&b, root);
        vn_buf_add(&b, ">\n");
        b.indent = 2;
        write_children(&b, dom, root, domain_slots, VN_ARRAY_LEN(domain_slots), true);
        b.indent = 0;
        vn_buf_add(&b, "</");
        add_qname(&b, root->ns, root->name);
        vn_buf_add(&b, ">\n");
    }
    return vn_buf_steal(&b);
}
