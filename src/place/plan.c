/*
 * plan.c - the `vnuma plan` workflow (plan.h): a fitted plan as one
 * ledger transaction (lock, read, refuse a foreign ledger or a known name,
 * subtract, fit, write the placement into the domain, self-check, record,
 * unlock), a <vnuma> domain expanded and checked instead, and the release
 * of a recorded guest.  The file work is the ledger's (ledger.c); this file
 * decides, in that order, and on any failure records nothing.
 */
#include "place/plan.h"

#include <stdlib.h>
#include <string.h>

#include "place/vnuma_expand.h"
#include "qemu/qemu.h"

void vn_plan_opts_init(vn_plan_opts *o)
{
    *o = (vn_plan_opts){.strategy = VN_FIT_PACK, .policy = VN_THREAD_PREFER};
    vn_config_init(&o->cfg);
}

void vn_plan_opts_clear(vn_plan_opts *o)
{
    vn_config_clear(&o->cfg);
    free(o->ledger);
    *o = (vn_plan_opts){0};
}

void vn_plan_clear(vn_plan *p)
{
    free(p->name);
    free(p->xml);
    free(p->json);
    vn_svg_overlay_free(p->ov);
    *p = (vn_plan){0};
}

char *vn_plan_svg(const vn_plan *p)
{
    return vn_svg_host(p->host, p->ov);
}

void vn_plan_json_refusal(const char *name, vn_error *e)
{
    vn_error_set(e, VNUMA_ERR_INVALID, "domain '%s' has a <vnuma> element, which places its "
                 "cells: it is expanded, not fitted, and cannot be printed as a JSON plan (use "
                 "--format xml or svg, without --ledger)", name ? name : "");
}

/* The result must pass `vnuma check` against the same host: parsed again
 * as a file would be, the start rules and the QEMU command line. */
static int self_check(const char *xml, const vn_host *host, const vn_config *cfg, vn_error *e)
{
    VN_AUTOCLEAR(vn_warnings) w = {0};
    VN_AUTOPTR(vn_domain) d = vn_domain_parse(xml, strlen(xml), VN_PARSE_ABI_UPDATE, e);
    vn_argv av = {0};
    int rc = d ? vn_qemu_build(d, host, cfg, &w, &av, e) : -1;
    vn_argv_clear(&av);
    return rc;
}

int vn_ledger_check_host(const vn_ledger *l, const char *label, const vn_host *host,
                         vn_error *e)
{
    VN_AUTOFREE char *fp = vn_host_fingerprint(host);
    const char *src = host->source ? host->source : "";
    if (l->host && strcmp(l->host, fp)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "ledger %s belongs to another host: it records host "
                     "%s, and host %s is %s (a host whose nodes, CPUs, memory or page sizes "
                     "changed is another host: remove the ledger's 'host' line to adopt it)",
                     label, l->host, src, fp);
        return -1;
    }
    /* a ledger written before fingerprints, of another host (or of this one
     * before it changed), would have its records silently ignored */
    VN_AUTOCLEAR(vn_usage) total = {0};
    if (!vn_ledger_total(l, &total)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "corrupt ledger %s: totals overflow", label);
        return -1;
    }
    VN_AUTOFREE char *foreign = vn_usage_foreign(&total, host);
    if (foreign) {
        vn_error_set(e, VNUMA_ERR_INVALID, "ledger %s records %s, which host %s lacks "
                     "(a ledger of another host?)", label, foreign, src);
        return -1;
    }
    return 0;
}

/* One fitted plan's state, cleared at once. */
typedef struct plan_run {
    vn_ledger ledger;
    vn_usage used;
    vn_fit_request req;
    vn_fit_result res;
    vn_ledger_file lf;      /* locked from before the read until after the write */
} plan_run;

static void plan_run_clear(plan_run *r)
{
    vn_ledger_clear(&r->ledger);
    vn_usage_clear(&r->used);
    vn_fit_request_clear(&r->req);
    vn_fit_result_clear(&r->res);
    vn_ledger_close(&r->lf);
}
VN_DEFINE_AUTOCLEAR(plan_run, plan_run_clear)

/* Steps 1-3 and the sum of step 4: read the ledger (under the lock, or
 * without it for a dry run), refuse another host's and a known name. */
static int ledger_prepare(const vn_plan_opts *o, const vn_domain *dom, const vn_host *host,
                          plan_run *r, vn_error *e)
{
    if (!dom->name || !vn_ledger_name_ok(dom->name)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "the domain needs a <name> (without control "
                     "characters or spaces at its ends) to be recorded in the ledger");
        return -1;
    }
    if (o->dry_run ? vn_ledger_read(o->ledger, &r->ledger, e) < 0
                   : vn_ledger_open(&r->lf, o->ledger, 0, e) < 0 ||
                         vn_ledger_load(&r->lf, &r->ledger, e) < 0)
        return -1;
    if (vn_ledger_check_host(&r->ledger, o->ledger, host, e) < 0)
        return -1;
    if (!r->ledger.host) {   /* adopted: this host's, recorded with the placement */
        VN_AUTOFREE char *fp = vn_host_fingerprint(host);
        vn_ledger_set_host(&r->ledger, fp);
    }
    if (vn_ledger_find(&r->ledger, dom->name)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "guest '%s' is already placed in ledger %s; "
                     "release it first (--release)", dom->name, o->ledger);
        return -1;
    }
    if (!vn_ledger_total(&r->ledger, &r->used)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "corrupt ledger %s: totals overflow", o->ledger);
        return -1;
    }
    return 0;
}

/* A <vnuma> domain: its element places the cells, so nothing is fitted; it
 * is expanded on the host and checked. */
static int plan_vnuma(vn_domain **dom, const vn_host *host, const vn_plan_opts *o,
                      vn_warnings *w, vn_plan *out, vn_error *e)
{
    if (o->ledger) {
        vn_error_set(e, VNUMA_ERR_INVALID, "domain '%s' has a <vnuma> element, which places "
                     "its cells: it is expanded, not fitted, and cannot be recorded in a ledger "
                     "(use --format xml or svg, without --ledger)",
                     (*dom)->name ? (*dom)->name : "");
        return -1;
    }
    if (o->format == VN_PLAN_JSON) {
        vn_plan_json_refusal((*dom)->name, e);
        return -1;
    }
    if (vn_vnuma_expand_domain(dom, host, &o->cfg, w, e) < 0)
        return -1;
    VN_AUTOFREE char *xml = vn_domain_format(*dom, e);
    if (!xml || self_check(xml, host, &o->cfg, e) < 0)
        return -1;
    out->ov = vn_plan_overlay(*dom, NULL, NULL);
    out->xml = VN_STEAL(xml);
    out->expanded = true;
    return 0;
}

static int plan_fit(vn_domain *dom, const vn_host *host, const vn_plan_opts *o, vn_plan *out,
                    vn_error *e)
{
    VN_AUTOCLEAR(plan_run) r = {.lf = {.lock = -1, .at = {.dirfd = -1}}};
    if (!vn_domain_wants_auto_placement(dom)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "domain '%s' does not ask for automatic placement "
                     "of guest NUMA cells: plan needs <cpu><numa> cells and <numatune><memory "
                     "placement='auto'/> or <vcpu placement='auto'>", dom->name ? dom->name : "");
        return -1;
    }
    if (o->reserve_kib && !o->ledger) {
        vn_error_set(e, VNUMA_ERR_INVALID, "a memory reserve needs a ledger: without one the "
                     "host's free memory counts");
        return -1;
    }
    bool dedicated = o->dedicated || dom->nvcpupins > 0;
    if (vn_fit_request_from_domain(dom, &o->cfg, dedicated, &r.req, e) < 0 ||
        (o->ledger && ledger_prepare(o, dom, host, &r, e) < 0))
        return -1;
    r.req.strategy = o->strategy;
    r.req.policy = o->policy;
    r.req.capacity_from_total = o->ledger != NULL;
    r.req.reserve_kib = o->reserve_kib;
    if (vn_fit(host, &r.used, &r.req, &r.res, e) < 0)
        return -1;
    vn_fit_apply_domain(dom, host, &r.used, &r.req, &r.res, dedicated);
    VN_AUTOFREE char *xml = vn_domain_format(dom, e);
    if (!xml || self_check(xml, host, &o->cfg, e) < 0)
        return -1;
    out->json = vn_plan_json_format(dom, o, &r.req, &r.res, dedicated);
    out->ov = vn_plan_overlay(dom, &r.req, &r.res);
    vn_plan_overlay_add_held(out->ov, host, &r.res, o->ledger ? &r.ledger : NULL);
    if (o->ledger && !o->dry_run) {
        vn_ledger_add(&r.ledger, dom->name, &r.res.taken);
        if (vn_ledger_save(&r.lf, &r.ledger, e) < 0)
            return -1;
        out->recorded = true;
    }
    out->xml = VN_STEAL(xml);
    return 0;
}

int vn_plan_domain(vn_domain **dom, const vn_host *host, const vn_plan_opts *o,
                   vn_warnings *w, vn_plan *out, vn_error *e)
{
    *out = (vn_plan){.host = host};
    if (!host) {
        vn_error_set(e, VNUMA_ERR_HOST, "no host");
        return -1;
    }
    out->name = (*dom)->name ? vn_strdup((*dom)->name) : NULL;
    int rc = (*dom)->vnuma.present ? plan_vnuma(dom, host, o, w, out, e)
                                   : plan_fit(*dom, host, o, out, e);
    if (rc < 0)
        vn_plan_clear(out);
    return rc;
}

int vn_plan_release(const char *ledger, const char *name, vn_error *e)
{
    VN_AUTOCLEAR(vn_ledger_file) lf = {.lock = -1, .at = {.dirfd = -1}};
    VN_AUTOCLEAR(vn_ledger) l = {0};
    if (vn_ledger_open(&lf, ledger, 0, e) < 0 || vn_ledger_load(&lf, &l, e) < 0)
        return -1;
    if (!vn_ledger_remove(&l, name)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "guest '%s' is not in ledger %s", name, ledger);
        return -1;
    }
    return vn_ledger_save(&lf, &l, e);
}
