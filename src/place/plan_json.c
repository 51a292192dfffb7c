/*
 * plan_json.c - the JSON plan of `vnuma plan --format json` (plan.h): the
 * guest, the options that shaped the fit, per cell its memory, page size,
 * nodes (memory or pages on each) and host CPUs, the totals and the
 * distance sum.  Pure: a fit in, text out.
 */
#include "place/plan.h"

#include <stdlib.h>

/* "pages": {"2048": 1024, ...}: huge pages taken per size (when any). */
static void add_page_totals(vn_buf *b, const vn_fit_result *res)
{
    uint64_t sizes[8] = {0}, counts[8] = {0};
    size_t n = 0;
    for (size_t i = 0; i < res->taken.ntakes; i++) {
        const vn_take *t = &res->taken.takes[i];
        if (!t->page_kib)
            continue;
        size_t k = 0;
        while (k < n && sizes[k] != t->page_kib)
            k++;
        if (k == n) {
            if (n == VN_ARRAY_LEN(sizes))
                continue;
            sizes[n++] = t->page_kib;
        }
        counts[k] += t->amount;
    }
    if (!n)
        return;
    vn_buf_add(b, ", \"pages\": {");
    for (size_t k = 0; k < n; k++)
        vn_buf_addf(b, "%s\"%llu\": %llu", k ? ", " : "", (unsigned long long)sizes[k],
                    (unsigned long long)counts[k]);
    vn_buf_addc(b, '}');
}

char *vn_plan_json_format(const vn_domain *dom, const vn_plan_opts *o, const vn_fit_request *req,
                          const vn_fit_result *res, bool dedicated)
{
    vn_buf b = {0};
    vn_buf_add(&b, "{\n  \"guest\": ");
    vn_buf_add_json_string(&b, dom->name);
    vn_buf_addf(&b, ",\n  \"strategy\": \"%s\",\n  \"dedicated\": %s,\n",
                vn_fit_strategy_to_string(o->strategy), dedicated ? "true" : "false");
    if (dedicated)
        vn_buf_addf(&b, "  \"thread_policy\": \"%s\",\n",
                    vn_thread_policy_to_string(o->policy));
    vn_buf_add(&b, "  \"cells\": [\n");
    uint64_t mem = 0;
    size_t ncpus = 0;
    for (size_t i = 0; i < res->ncells; i++) {
        const vn_fit_cell *fc = &req->cells[i];
        const vn_fit_cell_result *cr = &res->cells[i];
        vn_buf_addf(&b, "    {\"cell\": %u, \"memory_kib\": %llu, \"page_kib\": %llu, \"nodes\": [",
                    fc->id, (unsigned long long)fc->mem_kib, (unsigned long long)fc->page_kib);
        for (size_t k = 0; k < cr->nnodes; k++)
            vn_buf_addf(&b, "%s{\"node\": %u, \"%s\": %llu}", k ? ", " : "", cr->nodes[k],
                        fc->page_kib ? "pages" : "memory_kib", (unsigned long long)cr->amount[k]);
        vn_buf_add(&b, "], \"cpus\": [");
        for (size_t k = 0; k < cr->ncpus; k++)
            vn_buf_addf(&b, "%s%u", k ? ", " : "", cr->cpus[k]);
        vn_buf_addf(&b, "]}%s\n", i + 1 < res->ncells ? "," : "");
        mem += fc->mem_kib;
        ncpus += cr->ncpus;
    }
    VN_AUTOFREE char *ns = vn_bitmap_format(dom->numatune_nodeset);
    VN_AUTOFREE char *cpus = vn_bitmap_format(res->taken.cpus);
    vn_buf_addf(&b, "  ],\n  \"totals\": {\"memory_kib\": %llu, \"cpus\": %zu, \"nodeset\": \"%s\", "
                "\"host_cpus_taken\": \"%s\"", (unsigned long long)mem, ncpus, ns, cpus);
    add_page_totals(&b, res);
    vn_buf_addf(&b, "},\n  \"distance_sum\": %llu\n}\n", (unsigned long long)res->distance_sum);
    return vn_buf_steal(&b);
}
