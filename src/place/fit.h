/*
 * placement.h - per-cell automatic placement: fit the guest NUMA cells of a
 * domain onto the nodes of a host (`vnuma plan`).
 *
 * Pure: no I/O.  The inputs are a host (host.h), what other guests already
 * took on it (a vn_usage, usually the sum of a placement ledger, ledger.h)
 * and a request (one vn_fit_cell per guest cell).  The output says, per
 * cell, which host nodes hold its memory (and how much on each), its huge
 * pages and the host CPUs its vCPUs are pinned to, plus what the placement
 * takes from the host (a vn_usage for the ledger).
 *
 * Rules (doc/vnuma.1, `vnuma plan --help`):
 *  - a cell's memory must fit the free memory of its node; a cell backed by
 *    huge pages needs that many free pages of its size on its node instead;
 *  - with dedicated vCPUs, each vCPU needs a free host CPU on the cell's
 *    node, chosen by the thread policy (OpenStack Nova's
 *    hw:cpu_thread_policy): prefer (siblings of one core first, any free
 *    CPU else), isolate (one whole free core per vCPU, its other threads
 *    reserved), require (only threads of cores with >= 2 free threads);
 *  - cells go to distinct nodes; a cell larger than every node of the host
 *    (its memory, pages or CPUs exceed what any single node has in total)
 *    spans the smallest set of nodes close to each other that holds it;
 *  - among the placements that fit, the smallest sum over cell pairs of the
 *    host distance between their nodes wins; then the strategy: pack sums
 *    the free memory left on the chosen nodes (smaller wins: fullest nodes
 *    that fit), spread the free memory before (larger wins: emptiest);
 *    then the lowest node ids, cell by cell.  Deterministic.
 *
 * The search: when the cells are all of one shape and the host has twin
 * groups (nodes at one distance from every other node, as a package's
 * nodes are), a branch and bound over how many cells each group holds,
 * interchangeable groups searched once: exact (distance, then strategy)
 * within its budget; ties on both go to the first found, mostly the lowest
 * ids.  Otherwise (or past that budget): greedy construction from the few
 * nodes that can add the least distance, for the first (largest) cell, and
 * a first fit in node order; then local improvement (moves to free nodes,
 * swaps of two cells) of the best few, then branch and bound from the best
 * with a fixed budget of work (exact on hosts of up to 8 nodes; larger ones
 * keep the best found).  About 1 us for one cell and 4 us for 16 cells on a
 * 64-node host of 16 packages (bench/fit_bench.py).
 */
#ifndef VN_PLACEMENT_H
#define VN_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bitmap.h"
#include "base/enums.h"               /* vn_fit_strategy, vn_thread_policy */
#include "base/util.h"
#include "model/usage.h"

struct vn_host;
struct vn_domain;
struct vn_config;

typedef struct vn_fit_cell {
    unsigned id;              /* guest cell id, for messages */
    uint64_t mem_kib;
    uint64_t page_kib;        /* huge page size backing it; 0 = ordinary memory */
    unsigned nvcpus;          /* vCPUs needing dedicated host CPUs (0: none) */
} vn_fit_cell;

typedef struct vn_fit_request {
    vn_fit_cell *cells;
    size_t ncells;
    vn_fit_strategy strategy;
    vn_thread_policy policy;
    /* What a node offers before `used` is subtracted.  false: its free
     * memory and its pools' free pages (MemFree and free_hugepages: what a
     * live host has left, running guests already counted).  true: its
     * total memory minus reserve_kib, and its pools' total pages - the
     * accounting of a placement ledger, which holds every guest itself
     * (MemFree would count each running guest twice). */
    bool capacity_from_total;
    uint64_t reserve_kib;     /* with capacity_from_total: kept for the host on each node */
} vn_fit_request;

typedef struct vn_fit_cell_result {
    unsigned *nodes;          /* host node ids, in fill order */
    uint64_t *amount;         /* per node: KiB, or pages when page_kib */
    size_t nnodes;
    unsigned *cpus;           /* host CPU for each vCPU of the cell, in order */
    size_t ncpus;
} vn_fit_cell_result;

typedef struct vn_fit_result {
    vn_fit_cell_result *cells;   /* parallel to the request's cells */
    size_t ncells;
    uint64_t distance_sum;
    vn_usage taken;              /* what the placement takes from the host */
    void *store;                 /* owns cells and their arrays */
} vn_fit_result;

/* Fit req onto host minus used (may be NULL).  0 on success; -1 with
 * VNUMA_ERR_INVALID and one line per cell that does not fit ("cell 2:
 * needs 8192 MiB, the largest free node has 6144 MiB"). */
int vn_fit(const struct vn_host *host, const vn_usage *used, const vn_fit_request *req,
           vn_fit_result *out, vn_error *err);
void vn_fit_result_clear(vn_fit_result *r);

/* The host prepared for fitting (distances by index, cores, nearest
 * neighbours): build it once to fit many requests on one host.  It points
 * into host, which must outlive it and stay unchanged. */
typedef struct vn_fit_host vn_fit_host;
vn_fit_host *vn_fit_host_new(const struct vn_host *host);
void vn_fit_host_free(vn_fit_host *fh);
/* vn_fit on a prepared host (vn_fit prepares one and frees it). */
int vn_fit_prepared(const vn_fit_host *fh, const vn_usage *used, const vn_fit_request *req,
                    vn_fit_result *out, vn_error *err);

/* The request for a domain: its cells' memory, the huge page size of each
 * (as libvirt picks it: the <page> whose nodeset names the cell, else the
 * one without nodeset; size 0 = cfg's default mount) and, when dedicated,
 * the vCPUs of each cell (vCPUs in no cell count with cell 0).  -1 when the
 * domain has no cells or a default huge page size is unknown. */
int vn_fit_request_from_domain(const struct vn_domain *dom, const struct vn_config *cfg,
                               bool dedicated, vn_fit_request *req, vn_error *err);
void vn_fit_request_clear(vn_fit_request *req);

/* Does the domain ask for automatic placement with guest cells?  (cells,
 * and <numatune><memory placement='auto'> or <vcpu placement='auto'>) */
bool vn_domain_wants_auto_placement(const struct vn_domain *dom);

/* Write the placement into the domain: <numatune><memory> static with the
 * union of the nodes (mode kept), one <memnode> per cell (strict, or
 * restrictive when the memory mode is), <vcpu placement='static'>; with
 * dedicated CPUs a <vcpupin> per vCPU and <emulatorpin> on their union;
 * without, <vcpu cpuset> = the online CPUs of the chosen nodes that are not
 * in `used` (none when that is empty). */
void vn_fit_apply_domain(struct vn_domain *dom, const struct vn_host *host,
                         const vn_usage *used, const vn_fit_request *req,
                         const vn_fit_result *res, bool dedicated);

#endif
