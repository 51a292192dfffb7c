/*
 * advisor.h - the placement advisor: which host nodes a guest should live
 * on, answered at once from the Host model (what numad's `-w NCPUS:MB`
 * answers after sampling the machine for two seconds).
 *
 * Used by `vnuma advise` (src/cli/cmd_advise.c) and by start-time
 * validation for placement='auto' (domain_validate.c), where libvirt asks
 * numad.  Pure: no I/O.  The rules (advisor.c has the details):
 *
 *  - a node offers its online CPUs, its free memory (MemFree; MemTotal
 *    where the source does not say) or, for a huge-page-backed guest, its
 *    free pages of that size;
 *  - a set of nodes fits when its CPUs >= NCPUS and its memory >= the
 *    request;
 *  - the answer is the smallest fitting set found by growing a set from
 *    each node toward its nearest nodes; ties go to the smallest sum of
 *    pairwise distances, then to the lowest node ids;
 *  - when even every node together does not fit, the answer is an error
 *    (VNUMA_ERR_HOST) saying what is short and by how much.
 */
#ifndef VN_ADVISOR_H
#define VN_ADVISOR_H

#include <stdint.h>

#include "base/bitmap.h"
#include "model/host.h"
#include "base/util.h"

typedef struct vn_advice_request {
    unsigned ncpus;            /* vCPUs (0: no CPU need) */
    uint64_t mem_kib;          /* memory (0: no memory need) */
    uint64_t pagesize_kib;     /* huge page size backing it; 0 = ordinary memory */
} vn_advice_request;

typedef struct vn_advice {
    vn_bitmap *nodes;          /* the chosen node ids (numad's answer) */
    vn_bitmap *cpus;           /* every CPU of those nodes (libvirt's autoCpuset) */
    unsigned cpus_free;        /* what the chosen set offers */
    uint64_t mem_free_kib;
    unsigned distance_sum;     /* sum over unordered pairs of the set */
} vn_advice;

/* Fill *out (caller clears with vn_advice_clear).  explain: when non-NULL,
 * a readable account of the nodes, the candidates and the choice.  Returns
 * 0, or -1 with err set (VNUMA_ERR_HOST: does not fit; VNUMA_ERR_INVALID:
 * a page size the host does not have). */
int vn_advise(const vn_host *host, const vn_advice_request *req, vn_advice *out,
              vn_buf *explain, vn_error *err);
void vn_advice_clear(vn_advice *a);

#endif
