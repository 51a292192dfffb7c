/*
 * usage.h - what guests take from a host: memory and huge pages per node,
 * and dedicated host CPUs.
 *
 * A model next to the host (host.h): the placement ledger (place/ledger.h)
 * sums the usage of the guests it records, the fitter (place/fit.h) fits a
 * guest onto the host minus that usage and says what the guest takes.
 * Plain data and its accessors, no I/O.
 */
#ifndef VN_USAGE_H
#define VN_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bitmap.h"
#include "base/util.h"

struct vn_host;

/* What guests take from a host: memory and huge pages per node, host CPUs. */
typedef struct vn_take {
    unsigned node;
    uint64_t page_kib;        /* 0: ordinary memory (KiB in amount) */
    uint64_t amount;          /* KiB of memory, or a number of pages */
} vn_take;

typedef struct vn_usage {
    vn_take *takes;           /* one per (node, page size), sorted */
    size_t ntakes;
    vn_bitmap *cpus;          /* dedicated host CPUs (and isolate's reserved) */
} vn_usage;

/* Add amount to (node, page_kib); false on overflow. */
VN_NODISCARD bool vn_usage_add(vn_usage *u, unsigned node, uint64_t page_kib, uint64_t amount);
VN_NODISCARD bool vn_usage_merge(vn_usage *dst, const vn_usage *src);
uint64_t vn_usage_get(const vn_usage *u, unsigned node, uint64_t page_kib);
void vn_usage_clear(vn_usage *u);
VN_DEFINE_AUTOCLEAR(vn_usage, vn_usage_clear)
/* What u records that host lacks: "nodes 9,12", "CPUs 64-71", or both
 * joined by " and "; NULL when everything exists (caller frees). */
char *vn_usage_foreign(const vn_usage *u, const struct vn_host *host);

#endif
