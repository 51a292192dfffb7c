/*
 * advisor_internal.h - what the advisor's files share (place/ only):
 * advisor.c holds vn_advise, which checks the request and hands it to a
 * rule, and the smallest-set rule; advisor_numad.c holds numad's rule,
 * advisor_numad_dist.c its distance rows and start sums.
 */
#ifndef VN_ADVISOR_INTERNAL_H
#define VN_ADVISOR_INTERNAL_H

#include "place/advisor.h"

/* numad's rule (advisor_numad.c): fills out; never refuses. */
void adv_numad(const vn_host *h, const vn_advice_request *req, vn_advice *out, vn_buf *ex);

/* numad's distance rows and start sums (advisor_numad_dist.c). */
typedef struct adv_dist {
    const vn_host *h;
    size_t n;
    uint8_t *rows;              /* rows[from * n + to] = node[from].distance[to] */
    uint8_t dvals[256];         /* the distinct distances, ascending */
    uint8_t slot[256];          /* slot[dvals[s]] = s */
    size_t ndvals;
    uint32_t *cnt;              /* cnt[to * ndvals + s]: rows with distance[to] = dvals[s] */
} adv_dist;

void adv_dist_build(adv_dist *d, const vn_host *h);
void adv_dist_free(adv_dist *d);
/* pick_numa_nodes' totmag: for every node `to`, score / distance^2 summed
 * over the k nodes nearest it (ties: the higher score); totmag zeroed by
 * the caller, k >= 1. */
void adv_start_sums(const adv_dist *d, const uint64_t *score, size_t k, uint64_t *totmag);

/* Is host CPU id dedicated to a placed guest (the request's usage)? */
static inline bool adv_cpu_taken(const vn_advice_request *req, unsigned id)
{
    return req->usage && req->usage->cpus && vn_bitmap_is_set(req->usage->cpus, id);
}

/* "2", "4.8", "0.25": a CPU count given in hundredths (caller frees). */
char *adv_cpus_text(int64_t hundredths);

#endif
