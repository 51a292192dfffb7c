/*
 * plan.h - the `vnuma plan` workflow as one library call (plan.c), its
 * outputs (plan_json.c: the JSON plan; plan_svg.c: the overlays of the
 * pictures) and the ledger listed (ledger_list.c).  The public API
 * (vnuma_plan_domain, include/vnuma.h) and the command are thin layers
 * over it.
 *
 * A plan resolves automatic NUMA placement per guest cell, the one thing
 * libvirt refuses (<numatune><memory placement='auto'> with per-cell
 * <memnode>s).  The domain asks for it when it has <cpu><numa> cells and
 * <numatune><memory placement='auto'/> or <vcpu placement='auto'>.  The
 * steps, with a ledger (place/ledger.h) one transaction:
 *
 *   1. lock the ledger (FILE.lock) and read it; with dry_run, read it
 *      without the lock (a writer replaces it by a rename: the read sees
 *      one version) and make nothing on disk;
 *   2. refuse a ledger of another host (its fingerprint, or records of
 *      nodes or CPUs the host lacks); a ledger without a fingerprint is
 *      adopted: this host's is recorded with the placement;
 *   3. refuse a name already there (release it first);
 *   4. subtract: with a ledger, each node offers its total memory minus
 *      reserve_kib minus what the ledger holds there (and its pools' total
 *      pages minus the ledger's: the ledger holds every guest, so the live
 *      free memory, which counts the running ones already, would count
 *      them twice); without a ledger, the live free memory;
 *   5. fit (place/fit.h) and write the placement into the domain;
 *   6. self-check: the resolved domain, parsed again, must pass what
 *      `vnuma check` applies (start rules and the QEMU command line) on
 *      the same host and configuration;
 *   7. record it (unless dry_run: nothing is written) and unlock.
 * Any failure leaves the ledger as it was.
 *
 * A <vnuma> domain needs no fitting: its element says where each cell
 * goes.  It is expanded on the host (as `vnuma xml --expand` does),
 * checked, and printed as XML or drawn; JSON and the ledger are for
 * fitted plans only (refused up front).
 */
#ifndef VN_PLAN_H
#define VN_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "picture/svg.h"
#include "place/fit.h"
#include "place/ledger.h"

typedef enum { VN_PLAN_XML, VN_PLAN_JSON, VN_PLAN_SVG } vn_plan_format;

typedef struct vn_plan_opts {
    vn_fit_strategy strategy;     /* default pack */
    vn_thread_policy policy;      /* default prefer */
    bool dedicated;               /* also implied by <vcpupin> in the domain */
    vn_config cfg;                /* hugetlbfs mounts (the default page size), for the check too */
    char *ledger;                 /* the ledger file; NULL: none */
    bool dry_run;                 /* with a ledger: read it, record nothing */
    uint64_t reserve_kib;         /* with a ledger: memory kept for the host on each node */
    vn_plan_format format;        /* the output wanted: JSON refuses <vnuma> domains up front */
} vn_plan_opts;

void vn_plan_opts_init(vn_plan_opts *o);
void vn_plan_opts_clear(vn_plan_opts *o);

typedef struct vn_plan {
    const vn_host *host;          /* not owned: what the picture is drawn on */
    char *name;                   /* the domain's <name>, for messages */
    char *xml;                    /* the resolved (or expanded) domain */
    char *json;                   /* the plan; NULL for a <vnuma> domain */
    vn_svg_overlay *ov;           /* the guest's cells, for the picture */
    bool expanded;                /* a <vnuma> domain: expanded, not fitted */
    bool recorded;                /* written to the ledger */
} vn_plan;

/* Plan *dom on host with o.  *dom is changed in place (the placement is
 * written into it; a <vnuma> domain is replaced by its expansion) and
 * stays a valid domain on failure.  Warnings: those of a <vnuma>
 * expansion.  0, or -1 with e set: VNUMA_ERR_INVALID for a domain that
 * does not ask for automatic placement or does not fit (one line per cell
 * that does not), a corrupt or foreign ledger, a name already recorded;
 * VNUMA_ERR_HOST / _SYSTEM for a host or file failure. */
int vn_plan_domain(vn_domain **dom, const vn_host *host, const vn_plan_opts *o,
                   vn_warnings *w, vn_plan *out, vn_error *e);
/* The picture: host with the plan's cells drawn on it (caller frees). */
char *vn_plan_svg(const vn_plan *p);
/* For a <vnuma> plan, which has no JSON: the error. */
void vn_plan_json_refusal(const char *name, vn_error *e);
void vn_plan_clear(vn_plan *p);

/* `vnuma plan --ledger FILE --release NAME`: under the lock, remove NAME
 * (VNUMA_ERR_INVALID when it is not there) and write the ledger back. */
int vn_plan_release(const char *ledger, const char *name, vn_error *e);

/* Whether ledger l (read from `label`) may be used on host: refused when
 * its fingerprint is another host's, or when it records nodes or CPUs the
 * host lacks (a ledger older than fingerprints, of another host). */
int vn_ledger_check_host(const vn_ledger *l, const char *label, const vn_host *host,
                         vn_error *e);

/* plan_json.c: the JSON plan of a fit. */
char *vn_plan_json_format(const vn_domain *dom, const vn_plan_opts *o, const vn_fit_request *req,
                          const vn_fit_result *res, bool dedicated);

/* plan_svg.c: the overlay of a guest (one cell per guest cell, colour =
 * its index).  Memory from the fit when there is one (res, parallel to
 * req's cells), else from each cell's <memnode> (a <vnuma> expansion);
 * pins from the domain's <vcpupin>s. */
vn_svg_overlay *vn_plan_overlay(const vn_domain *dom, const vn_fit_request *req,
                                const vn_fit_result *res);
/* The overlay of a ledger: one cell per recorded guest (labelled with its
 * name), its memory (pages counted in KiB) on its nodes, its CPUs. */
vn_svg_overlay *vn_ledger_overlay(const vn_ledger *l, const char *title);
/* What else a fitted plan's picture shows: the host CPUs the fit takes
 * without a vCPU pinned to them (thread policy isolate's idle SMT
 * siblings), as reserved by the cell pinning a sibling (else cell 0); and,
 * with a ledger (others: its guests before this one), every other guest as
 * vn_ledger_overlay draws it, in the neutral colour (vn_svg_cell.other). */
void vn_plan_overlay_add_held(vn_svg_overlay *ov, const vn_host *host, const vn_fit_result *res,
                              const vn_ledger *others);

/* ledger_list.c: `vnuma ledger FILE`: per guest its nodes, memory, pages
 * and CPUs, and the totals; for people (text) or scripts (JSON). */
char *vn_ledger_list_text(const vn_ledger *l, const char *label);
char *vn_ledger_list_json(const vn_ledger *l, const char *label);

#endif
