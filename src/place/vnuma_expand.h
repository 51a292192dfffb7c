/*
 * vnuma_expand.h - <vnuma>: a guest NUMA layout that mirrors the host.
 *
 * vn_vnuma_expand turns a domain carrying vnuma's own <vnuma> element into
 * a plain libvirt domain: it fills the model's guest cells (<cpu><numa>
 * with <distances>), the CPU topology, one strict <numatune><memnode> per
 * cell (and <numatune><memory mode='strict'> over the nodes used), and a
 * <vcpupin> per vCPU, then clears dom->vnuma.present, so that the existing
 * formatter (domain_format.c) and argv builder (qemu_argv.c) produce the
 * result.  Pure: no I/O; the host comes from a loader (host.h).
 *
 * The rules are those of issue 5 ("The <vnuma> element"): which host nodes
 * the cells sit on (modes host and node), how vCPUs go to cells (the four
 * distributions), the even memory split rounded up to 1 MiB per cell, the
 * distances, the pins, and the checks against the host.
 *
 * vn_vnuma_partition is the converse front end of `vnuma partition`: it
 * strips a plain domain's guest NUMA layout and puts a <vnuma> in its place.
 */
#ifndef VN_VNUMA_EXPAND_H
#define VN_VNUMA_EXPAND_H

#include <stdint.h>

#include "model/domain.h"
#include "model/host.h"
#include "base/util.h"

/* Expand dom->vnuma in place (nothing to do when it is absent: returns 0).
 * default_hugepage_kib: the host's default huge page size (the first
 * hugetlbfs mount), for <page> elements without a size; 0 = unknown (such
 * cells are then checked against free memory).  Warnings (more vCPUs than
 * CPUs on a node) go to w.  On error dom is left unexpanded. */
int vn_vnuma_expand(vn_domain *dom, const vn_host *host, uint64_t default_hugepage_kib,
                    vn_warnings *w, vn_error *err);

/* Replace dom's guest NUMA layout (cells, memnodes, <numatune><memory>,
 * vcpupins, topology) by <vnuma mode distribution> with an optional
 * <partition nodeset cells> (mode node only; nodeset NULL / cells 0 =
 * defaults).  The memory to split stays the domain's. */
int vn_vnuma_partition(vn_domain *dom, vn_vnuma_mode mode, vn_vnuma_dist dist,
                       const vn_bitmap *nodeset, unsigned cells, vn_error *err);

/* vnuma_domain.c, on whole domains.  struct vn_config: model/config.h;
 * its default hugetlbfs mount (vn_config_default_page_kib) gives the
 * default huge page size. */
struct vn_config;
/* *dom expanded on host, formatted and parsed again (with its parse
 * flags): exactly the plain libvirt domain the expanded XML says.  Nothing
 * to do without <vnuma> (or with *dom NULL).  On success *dom is replaced
 * (the old one freed); on failure it stays a valid domain. */
int vn_vnuma_expand_domain(vn_domain **dom, const vn_host *host, const struct vn_config *cfg,
                           vn_warnings *w, vn_error *e);
/* `vnuma partition`: d partitioned (vn_vnuma_partition), formatted and
 * parsed again, and expanded on host to check that it fits (skipped when
 * host is NULL, unless expand); the <vnuma> document, or with expand the
 * plain domain it expands to (caller frees); NULL on error. */
char *vn_vnuma_partition_text(vn_domain *d, vn_vnuma_mode mode, vn_vnuma_dist dist,
                              const vn_bitmap *nodeset, unsigned cells, const vn_host *host,
                              const struct vn_config *cfg, bool expand, vn_warnings *w,
                              vn_error *e);

#endif
