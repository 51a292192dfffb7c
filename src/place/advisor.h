/*
 * advisor.h - the placement advisor: which host nodes a guest should live
 * on, answered from the Host model: numad's `-w NCPUS:MB` answer without
 * the numad daemon.
 *
 * Used by `vnuma advise` (src/cli/cmd_advise.c) and by the start-time
 * rules for placement='auto' (domain/start_rules.c), where libvirt asks
 * numad.  Pure: no I/O (the live CPU load is sampled at the edge,
 * vn_host_sample_cpu_load, into the model).  Two rules:
 *
 * VN_ADVISE_NUMAD (the default; advisor_numad.c has the details) - numad
 *   0.5's choice (numad.c: update_nodes, combined_value_of_weighted_
 *   resources, pick_numa_nodes):
 *   - a node offers CPU capacity, 100 per CPU with every extra SMT thread
 *     counted 20 (threads per core from cpu0's siblings); free CPU = its
 *     CPUs' idle share (every online CPU idle without a load sample; the
 *     usage's dedicated CPUs busy) less that discount; free memory =
 *     MemFree + Inactive(file), in MiB (with a page size: its free huge
 *     pages, a vnuma extension: numad counts ordinary memory only);
 *   - score = (10 needed_mem + 4 excess_mem) x (6 needed_cpu + excess_cpu);
 *   - minimum node count from the first node's size; the start node has
 *     the largest sum of score / distance^2 over its nearest that many
 *     nodes; nodes are taken nearest first (ties: higher score) until the
 *     count is reached and the request covered, memory with a 100 MiB
 *     margin per node;
 *   - nothing fits: every node (numad's answer, which libvirt uses): the
 *     advice is given with fits = false and a shortfall message.
 *   Unlike numad: ascending node ids where numad takes directory order,
 *   and no loss of sparse node ids above its bitmap size.
 *
 * VN_ADVISE_SMALLEST (advisor.c) - vnuma's earlier rule:
 *   - a node offers its online CPUs (less dedicated ones), its free memory
 *     (MemFree; MemTotal where the source does not say) or, with a page
 *     size, its free pages of that size;
 *   - the answer is the smallest fitting set found by growing a set from
 *     each node toward its nearest nodes; ties go to the smallest sum of
 *     pairwise distances, then to the lowest node ids;
 *   - when even every node together does not fit, the answer is an error
 *     (VNUMA_ERR_HOST) saying what is short and by how much.
 */
#ifndef VN_ADVISOR_H
#define VN_ADVISOR_H

#include <stdint.h>

#include "base/bitmap.h"
#include "model/host.h"
#include "model/usage.h"
#include "base/util.h"

typedef enum vn_advise_rule {
    VN_ADVISE_NUMAD = 0,       /* numad 0.5's pick_numa_nodes */
    VN_ADVISE_SMALLEST,        /* the smallest fitting set, nearest, lowest ids */
} vn_advise_rule;

typedef struct vn_advice_request {
    unsigned ncpus;            /* vCPUs (0: no CPU need) */
    uint64_t mem_kib;          /* memory (0: no memory need); numad's rule rounds up to MiB */
    uint64_t pagesize_kib;     /* huge page size backing it; 0 = ordinary memory */
    vn_advise_rule rule;
    const vn_usage *usage;     /* what placed guests take (a ledger's sum): its CPUs
                                  count as busy; NULL: nothing */
} vn_advice_request;

typedef struct vn_advice {
    vn_bitmap *nodes;          /* the chosen node ids (numad's answer) */
    vn_bitmap *cpus;           /* every CPU of those nodes (libvirt's autoCpuset) */
    unsigned cpus_free;        /* what the chosen set offers: idle CPUs (whole) */
    uint64_t mem_free_kib;
    unsigned distance_sum;     /* sum over unordered pairs of the set (the smallest
                                  rule's measure; 0 with numad's) */
    bool fits;                 /* the chosen nodes' idle CPUs and free memory cover
                                  the request (always, for VN_ADVISE_SMALLEST) */
    char *shortfall;           /* !fits: what is short, for a warning */
} vn_advice;

/* Fill *out (caller clears with vn_advice_clear).  explain: when non-NULL,
 * a readable account of the nodes, the scores, the start node and the
 * growth (numad) or the candidates (smallest).  Returns 0, or -1 with err
 * set (VNUMA_ERR_HOST: no NUMA nodes, or with VN_ADVISE_SMALLEST does not
 * fit; VNUMA_ERR_INVALID: nothing requested). */
int vn_advise(const vn_host *host, const vn_advice_request *req, vn_advice *out,
              vn_buf *explain, vn_error *err);
void vn_advice_clear(vn_advice *a);

#endif
