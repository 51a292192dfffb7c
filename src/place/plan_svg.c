/*
 * plan_svg.c - what the pictures draw on a host (plan.h): a planned guest
 * (`vnuma plan --format svg`) and every guest a ledger records (`vnuma
 * host --ledger FILE --format svg`), as overlays of picture/svg.h.  Pure:
 * models in, an overlay out; svg.h draws it.
 */
#include "place/plan.h"

#include <stdlib.h>

/* One overlay cell per guest cell (colour = its index).  Memory: from the
 * fit when there is one (res, parallel to req's cells; amounts in pages
 * when the cell is backed by huge pages), else from the cell's <memnode>
 * (a <vnuma> expansion binds each cell to one node; the nodes of a nodeset
 * of several are marked without amounts, the split not being known).
 * Pins: the domain's <vcpupin>s, a vCPU in no cell counting with cell 0 as
 * in the fit. */
vn_svg_overlay *vn_plan_overlay(const vn_domain *dom, const vn_fit_request *req,
                                const vn_fit_result *res)
{
    VN_AUTOFREE char *title = dom->name ? vn_asprintf("Guest %s", dom->name) : NULL;
    vn_svg_overlay *ov = vn_svg_overlay_new(title);
    for (size_t i = 0; i < dom->ncells; i++) {
        VN_AUTOFREE char *label = vn_asprintf("guest cell %u", dom->cells[i].id);
        vn_svg_overlay_add_cell(ov, label, (unsigned)i);
    }
    for (size_t i = 0; res && i < res->ncells; i++) {
        const vn_fit_cell *fc = &req->cells[i];
        const vn_fit_cell_result *cr = &res->cells[i];
        if (fc->id >= ov->ncells)
            continue;
        for (size_t k = 0; k < cr->nnodes; k++) {
            uint64_t kib = cr->amount[k];
            if (fc->page_kib && !vn_mul_u64(kib, fc->page_kib, &kib))
                kib = UINT64_MAX;
            vn_svg_cell_add_mem(&ov->cells[fc->id], cr->nodes[k], kib);
        }
    }
    for (size_t i = 0; !res && i < dom->ncells; i++) {
        const vn_cell *cell = &dom->cells[i];
        if (!cell->has_memnode || !cell->memnode_nodeset)
            continue;
        bool one = vn_bitmap_count(cell->memnode_nodeset) == 1;
        vn_bitmap_foreach(cell->memnode_nodeset, n)
            vn_svg_cell_add_mem(&ov->cells[i], (unsigned)n, one ? cell->mem_kib : 0);
    }
    for (size_t i = 0; ov->ncells && i < dom->nvcpupins; i++) {
        const vn_pin *p = &dom->vcpupins[i];
        int cell = vn_domain_vcpu_cell(dom, p->id);
        VN_AUTOFREE char *label = vn_asprintf("v%u", p->id);
        vn_bitmap_foreach(p->cpuset, cpu)
            vn_svg_cell_pin(&ov->cells[cell >= 0 ? (size_t)cell : 0], (unsigned)cpu, label);
    }
    return ov;
}

/* One cell per ledger guest: its memory on its nodes, its CPUs. */
static void add_ledger_cells(vn_svg_overlay *ov, const vn_ledger *l, bool other)
{
    for (size_t i = 0; i < l->n; i++) {
        const vn_ledger_entry *g = &l->entries[i];
        VN_AUTOFREE char *label = other ? vn_asprintf("other guest %s", g->name) : NULL;
        vn_svg_cell *c = vn_svg_overlay_add_cell(ov, other ? label : g->name, (unsigned)i);
        c->other = other;
        for (size_t k = 0; k < g->use.ntakes; k++) {
            const vn_take *t = &g->use.takes[k];
            uint64_t kib = t->amount;
            if (t->page_kib && !vn_mul_u64(kib, t->page_kib, &kib))
                kib = UINT64_MAX;
            vn_svg_cell_add_mem(c, t->node, kib);
        }
        if (g->use.cpus)
            vn_bitmap_foreach(g->use.cpus, cpu)
                vn_svg_cell_pin(c, (unsigned)cpu, NULL);
    }
}

vn_svg_overlay *vn_ledger_overlay(const vn_ledger *l, const char *title)
{
    vn_svg_overlay *ov = vn_svg_overlay_new(title);
    add_ledger_cells(ov, l, false);
    return ov;
}

/* The SMT siblings of host CPU `id` (NULL: unknown). */
static const vn_bitmap *cpu_siblings(const vn_host *host, unsigned id)
{
    for (size_t i = 0; i < host->nnodes; i++)
        for (size_t j = 0; j < host->nodes[i].ncpus; j++)
            if (host->nodes[i].cpus[j].id == id)
                return host->nodes[i].cpus[j].siblings;
    return NULL;
}

void vn_plan_overlay_add_held(vn_svg_overlay *ov, const vn_host *host, const vn_fit_result *res,
                              const vn_ledger *others)
{
    size_t ncells = ov->ncells;
    if (res && res->taken.cpus && ncells) {
        vn_bitmap_foreach(res->taken.cpus, cpu) {
            bool pinned = false;
            for (size_t i = 0; i < ncells && !pinned; i++)
                pinned = ov->cells[i].host_cpus &&
                         vn_bitmap_is_set(ov->cells[i].host_cpus, (unsigned)cpu);
            if (pinned)
                continue;
            const vn_bitmap *sib = cpu_siblings(host, (unsigned)cpu);
            size_t owner = 0;
            for (size_t i = 0; sib && i < ncells; i++)
                if (ov->cells[i].host_cpus && vn_bitmap_overlaps(sib, ov->cells[i].host_cpus)) {
                    owner = i;
                    break;
                }
            vn_svg_cell_reserve(&ov->cells[owner], (unsigned)cpu);
        }
    }
    if (others)
        add_ledger_cells(ov, others, true);
}
