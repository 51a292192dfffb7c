/*
 * domain.c - life cycle of the Domain model and small derived queries.
 * See domain.h.
 */
#include "model/domain.h"

#include <libxml/tree.h>
#include <stdlib.h>

static void cell_clear(vn_cell *c)
{
    vn_bitmap_free(c->cpus);
    free(c->distances);
    free(c->caches);
    vn_bitmap_free(c->memnode_nodeset);
}

static void memdev_clear(vn_memdev *m)
{
    vn_bitmap_free(m->source_nodes);
    free(m->path);
    free(m->uuid);
    free(m->alias);
}

void vn_domain_free(vn_domain *dom)
{
    if (!dom)
        return;
    if (dom->doc)
        xmlFreeDoc(dom->doc);
    free(dom->name);
    free(dom->type);
    free(dom->arch);
    free(dom->machine);
    for (size_t i = 0; i < dom->nhugepages; i++)
        vn_bitmap_free(dom->hugepages[i].nodemask);
    free(dom->hugepages);
    free(dom->vcpu_info);
    vn_bitmap_free(dom->cpumask);
    for (size_t i = 0; i < dom->nvcpupins; i++)
        vn_bitmap_free(dom->vcpupins[i].cpuset);
    free(dom->vcpupins);
    vn_bitmap_free(dom->emulatorpin);
    for (size_t i = 0; i < dom->niothreadpins; i++)
        vn_bitmap_free(dom->iothreadpins[i].cpuset);
    free(dom->iothreadpins);
    vn_bitmap_free(dom->numatune_nodeset);
    for (size_t i = 0; i < dom->ncells; i++)
        cell_clear(&dom->cells[i]);
    free(dom->cells);
    free(dom->interconnects);
    for (size_t i = 0; i < dom->nmemdevs; i++)
        memdev_clear(&dom->memdevs[i]);
    free(dom->memdevs);
    vn_bitmap_free(dom->vnuma.partition_nodeset);
    free(dom->virtiofs);
    vn_bitmap_free(dom->auto_nodeset);
    vn_bitmap_free(dom->auto_cpuset);
    free(dom);
}

uint64_t vn_domain_cells_memory_kib(const vn_domain *dom)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < dom->ncells; i++)
        sum += dom->cells[i].mem_kib;   /* bounded: checked when parsed */
    return sum;
}

uint64_t vn_domain_memory_initial_kib(const vn_domain *dom)
{
    uint64_t devs = 0;
    for (size_t i = 0; i < dom->nmemdevs; i++)
        devs += dom->memdevs[i].size_kib;
    return dom->total_memory_kib > devs ? dom->total_memory_kib - devs : 0;
}

int vn_domain_vcpu_cell(const vn_domain *dom, unsigned vcpu)
{
    for (size_t i = 0; i < dom->ncells; i++)
        if (vn_bitmap_is_set(dom->cells[i].cpus, vcpu))
            return (int)i;
    return -1;
}

const vn_hugepage *vn_domain_hugepage_for_node(const vn_domain *dom, int node,
                                               bool *by_nodeset)
{
    const vn_hugepage *master = NULL;
    *by_nodeset = false;
    for (size_t i = 0; i < dom->nhugepages; i++) {
        const vn_hugepage *hp = &dom->hugepages[i];
        if (!hp->nodemask) {
            master = hp;
            continue;
        }
        if (node >= 0 && vn_bitmap_is_set(hp->nodemask, (unsigned)node)) {
            *by_nodeset = true;
            return hp;
        }
    }
    return master;
}

unsigned vn_domain_online_vcpus(const vn_domain *dom)
{
    if (!dom->vcpu_info)
        return dom->vcpus_current;
    unsigned n = 0;
    for (unsigned i = 0; i < dom->maxvcpus; i++)
        n += dom->vcpu_info[i].online;
    return n;
}

bool vn_domain_numatune_is_auto(const vn_domain *dom)
{
    return dom->numatune_specified && dom->numatune_placement == VN_NUMATUNE_PLACEMENT_AUTO;
}

bool vn_domain_cell_has_memnode(const vn_domain *dom, int cell)
{
    return cell >= 0 && (size_t)cell < dom->ncells && dom->cells[cell].has_memnode;
}

const vn_bitmap *vn_domain_numatune_nodeset(const vn_domain *dom, int cell)
{
    if (vn_domain_numatune_is_auto(dom))
        return dom->auto_nodeset;
    if (vn_domain_cell_has_memnode(dom, cell))
        return dom->cells[cell].memnode_nodeset;
    if (!dom->numatune_specified)
        return NULL;
    return dom->numatune_nodeset;
}

int vn_domain_numatune_mode(const vn_domain *dom, int cell, vn_numatune_mode *mode)
{
    if (vn_domain_cell_has_memnode(dom, cell))
        *mode = dom->cells[cell].memnode_mode;
    else if (dom->numatune_specified)
        *mode = dom->numatune_mode;
    else
        return -1;
    return 0;
}

char *vn_domain_short_name(const vn_domain *dom, int id)
{
    const char *name = dom->name ? dom->name : "";
    const unsigned char *p = (const unsigned char *)name;
    size_t chars = 0;
    bool utf8 = true;

    while (*p && chars < VN_DOMAIN_SHORT_NAME_MAX) {
        size_t len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
                   : (*p & 0xf8) == 0xf0 ? 4 : 0;
        for (size_t k = 1; k < len; k++)
            if ((p[k] & 0xc0) != 0x80)
                len = 0;
        if (!len) {
            utf8 = false;
            break;
        }
        p += len;
        chars++;
    }
    size_t bytes = utf8 ? (size_t)(p - (const unsigned char *)name)
                        : strnlen(name, VN_DOMAIN_SHORT_NAME_MAX);
    return vn_asprintf("%d-%.*s", id, (int)bytes, name);
}
