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
