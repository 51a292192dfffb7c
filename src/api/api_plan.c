/*
 * api_plan.c - the public API (include/vnuma.h) of placement: numad-style
 * advice, plans with their ledger transaction and outputs, ledgers read,
 * listed, drawn and released.  Thin: the workflow is place/plan.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "base/enums.h"
#include "picture/svg.h"
#include "place/advisor.h"
#include "place/plan.h"

_Static_assert(VNUMA_STRATEGY_PACK == (int)VN_FIT_PACK &&
               VNUMA_STRATEGY_SPREAD == (int)VN_FIT_SPREAD &&
               VNUMA_THREADS_PREFER == (int)VN_THREAD_PREFER &&
               VNUMA_THREADS_ISOLATE == (int)VN_THREAD_ISOLATE &&
               VNUMA_THREADS_REQUIRE == (int)VN_THREAD_REQUIRE, "fit enums");
_Static_assert(VNUMA_PLAN_XML == (int)VN_PLAN_XML && VNUMA_PLAN_JSON == (int)VN_PLAN_JSON &&
               VNUMA_PLAN_SVG == (int)VN_PLAN_SVG, "plan outputs");

struct vnuma_advice_request {
    vn_advice_request r;
    vn_usage use;               /* a ledger's sum, when set (r.usage points here) */
};
struct vnuma_advice {
    char *nodes, *cpus, *shortfall;
    bool fits;
};
struct vnuma_plan_options {
    vn_plan_opts o;
};
struct vnuma_plan {
    vn_plan p;
};
struct vnuma_ledger {
    vn_ledger l;
    char *path;
};

static void api_error(vnuma_error **out, int code, const char *msg)
{
    vn_error e = {0};
    vn_error_set(&e, code, "%s", msg);
    vn_api_export_error(&e, out);
}

/* ---- advice ------------------------------------------------------------ */

VNUMA_API vnuma_advice_request *vnuma_advice_request_new(unsigned ncpus, uint64_t mem_kib)
{
    vnuma_advice_request *r = vn_calloc(1, sizeof(*r));
    r->r.ncpus = ncpus;
    r->r.mem_kib = mem_kib;
    return r;
}

VNUMA_API void vnuma_advice_request_set_hugepages(vnuma_advice_request *req, uint64_t page_kib)
{
    req->r.pagesize_kib = page_kib;
}

VNUMA_API void vnuma_advice_request_set_rule(vnuma_advice_request *req, int rule)
{
    req->r.rule = rule == VNUMA_ADVISE_SMALLEST ? VN_ADVISE_SMALLEST : VN_ADVISE_NUMAD;
}

VNUMA_API int vnuma_advice_request_set_ledger(vnuma_advice_request *req, const char *path,
                                              vnuma_error **err)
{
    vn_error e = {0};
    VN_AUTOCLEAR(vn_ledger) l = {0};
    vn_usage_clear(&req->use);
    req->r.usage = NULL;
    if (!path || vn_ledger_read(path, &l, &e) < 0) {
        if (!path)
            vn_error_set(&e, VNUMA_ERR_INVALID, "no ledger");
        vn_api_export_error(&e, err);
        return -1;
    }
    if (!vn_ledger_total(&l, &req->use)) {
        vn_usage_clear(&req->use);
        vn_error_set(&e, VNUMA_ERR_INVALID, "ledger %s: the totals overflow", path);
        vn_api_export_error(&e, err);
        return -1;
    }
    req->r.usage = &req->use;
    return 0;
}

VNUMA_API void vnuma_advice_request_free(vnuma_advice_request *req)
{
    if (!req)
        return;
    vn_usage_clear(&req->use);
    free(req);
}

VNUMA_API int vnuma_host_sample_cpu_load(vnuma_host *host, unsigned interval_ms,
                                         vnuma_error **err)
{
    vn_error e = {0};
    int rc = vn_host_sample_cpu_load(host->h, interval_ms, &e);
    vn_api_export_error(&e, err);
    return rc < 0 ? -1 : 0;
}

VNUMA_API vnuma_advice *vnuma_advise(const vnuma_host *host, const vnuma_advice_request *req,
                                     char **explanation, vnuma_error **err)
{
    if (explanation)
        *explanation = NULL;
    if (!host) {
        api_error(err, VNUMA_ERR_HOST, "no host");
        return NULL;
    }
    vn_error e = {0};
    VN_AUTOCLEAR(vn_buf) ex = {0};
    vn_advice a = {0};
    int rc = vn_advise(host->h, &req->r, &a, explanation ? &ex : NULL, &e);
    if (explanation && ex.len)
        *explanation = vn_buf_steal(&ex);
    vn_api_export_error(&e, err);
    if (rc < 0)
        return NULL;
    vnuma_advice *out = vn_calloc(1, sizeof(*out));
    out->nodes = vn_bitmap_format(a.nodes);
    out->cpus = vn_bitmap_format(a.cpus);
    out->fits = a.fits;
    out->shortfall = a.shortfall ? vn_strdup(a.shortfall) : NULL;
    vn_advice_clear(&a);
    return out;
}

VNUMA_API const char *vnuma_advice_nodes(const vnuma_advice *advice)
{
    return advice->nodes;
}

VNUMA_API const char *vnuma_advice_cpus(const vnuma_advice *advice)
{
    return advice->cpus;
}

VNUMA_API int vnuma_advice_fits(const vnuma_advice *advice)
{
    return advice->fits;
}

VNUMA_API const char *vnuma_advice_shortfall(const vnuma_advice *advice)
{
    return advice->fits ? NULL : advice->shortfall;
}

VNUMA_API void vnuma_advice_free(vnuma_advice *advice)
{
    if (!advice)
        return;
    free(advice->shortfall);
    free(advice->nodes);
    free(advice->cpus);
    free(advice);
}

/* ---- plans ------------------------------------------------------------- */

VNUMA_API int vnuma_strategy_from_string(const char *name)
{
    return name ? vn_fit_strategy_from_string(name) : -1;
}

VNUMA_API int vnuma_thread_policy_from_string(const char *name)
{
    return name ? vn_thread_policy_from_string(name) : -1;
}

VNUMA_API vnuma_plan_options *vnuma_plan_options_new(void)
{
    vnuma_plan_options *o = vn_calloc(1, sizeof(*o));
    vn_plan_opts_init(&o->o);
    return o;
}

VNUMA_API void vnuma_plan_options_free(vnuma_plan_options *opts)
{
    if (!opts)
        return;
    vn_plan_opts_clear(&opts->o);
    free(opts);
}

VNUMA_API int vnuma_plan_options_set_strategy(vnuma_plan_options *opts, int strategy,
                                              vnuma_error **err)
{
    if (strategy < 0 || strategy >= VN_FIT_STRATEGY_LAST) {
        api_error(err, VNUMA_ERR_INVALID, "unknown strategy");
        return -1;
    }
    opts->o.strategy = (vn_fit_strategy)strategy;
    return 0;
}

VNUMA_API int vnuma_plan_options_set_thread_policy(vnuma_plan_options *opts, int policy,
                                                   vnuma_error **err)
{
    if (policy < 0 || policy >= VN_THREAD_POLICY_LAST) {
        api_error(err, VNUMA_ERR_INVALID, "unknown thread policy");
        return -1;
    }
    opts->o.policy = (vn_thread_policy)policy;
    return 0;
}

VNUMA_API void vnuma_plan_options_set_dedicated(vnuma_plan_options *opts, int dedicated)
{
    opts->o.dedicated = dedicated != 0;
}

VNUMA_API void vnuma_plan_options_set_config(vnuma_plan_options *opts, const vnuma_config *cfg)
{
    vn_config_clear(&opts->o.cfg);
    if (cfg)
        vn_config_copy(&opts->o.cfg, &cfg->c);
    else
        vn_config_init(&opts->o.cfg);
}

VNUMA_API void vnuma_plan_options_set_ledger(vnuma_plan_options *opts, const char *path)
{
    free(opts->o.ledger);
    opts->o.ledger = path ? vn_strdup(path) : NULL;
}

VNUMA_API void vnuma_plan_options_set_dry_run(vnuma_plan_options *opts, int dry_run)
{
    opts->o.dry_run = dry_run != 0;
}

VNUMA_API void vnuma_plan_options_set_reserve_memory(vnuma_plan_options *opts, uint64_t kib)
{
    opts->o.reserve_kib = kib;
}

VNUMA_API void vnuma_plan_options_set_output(vnuma_plan_options *opts, vnuma_plan_output output)
{
    opts->o.format = (vn_plan_format)output;
}

VNUMA_API vnuma_plan *vnuma_plan_domain(vnuma_domain *dom, const vnuma_host *host,
                                        const vnuma_plan_options *opts, char ***warnings,
                                        vnuma_error **err)
{
    vn_error e = {0};
    VN_AUTOCLEAR(vn_warnings) w = {0};
    vn_plan_opts defaults;
    vn_plan_opts_init(&defaults);
    vn_plan p;
    int rc = vn_plan_domain(&dom->d, host ? host->h : NULL, opts ? &opts->o : &defaults, &w,
                            &p, &e);
    vn_plan_opts_clear(&defaults);
    vn_api_export_error(&e, err);
    vn_api_export_warnings(&w, warnings);
    if (rc < 0)
        return NULL;
    vnuma_plan *out = vn_calloc(1, sizeof(*out));
    out->p = p;
    return out;
}

VNUMA_API const char *vnuma_plan_xml(const vnuma_plan *plan)
{
    return plan->p.xml;
}

VNUMA_API const char *vnuma_plan_json(const vnuma_plan *plan, vnuma_error **err)
{
    if (!plan->p.json) {
        vn_error e = {0};
        vn_plan_json_refusal(plan->p.name, &e);
        vn_api_export_error(&e, err);
    }
    return plan->p.json;
}

VNUMA_API char *vnuma_plan_svg(const vnuma_plan *plan)
{
    return vn_plan_svg(&plan->p);
}

VNUMA_API int vnuma_plan_recorded(const vnuma_plan *plan)
{
    return plan->p.recorded;
}

VNUMA_API void vnuma_plan_free(vnuma_plan *plan)
{
    if (!plan)
        return;
    vn_plan_clear(&plan->p);
    free(plan);
}

/* ---- ledgers ----------------------------------------------------------- */

VNUMA_API int vnuma_ledger_release(const char *path, const char *name, vnuma_error **err)
{
    vn_error e = {0};
    int rc = path && name ? vn_plan_release(path, name, &e)
                          : (vn_error_set(&e, VNUMA_ERR_INVALID, "no ledger or no name"), -1);
    vn_api_export_error(&e, err);
    return rc < 0 ? -1 : 0;
}

VNUMA_API vnuma_ledger *vnuma_ledger_read(const char *path, vnuma_error **err)
{
    vn_error e = {0};
    vn_ledger l = {0};
    if (!path || vn_ledger_read(path, &l, &e) < 0) {
        if (!path)
            vn_error_set(&e, VNUMA_ERR_INVALID, "no ledger");
        vn_api_export_error(&e, err);
        return NULL;
    }
    vnuma_ledger *out = vn_calloc(1, sizeof(*out));
    out->l = l;
    out->path = vn_strdup(path);
    return out;
}

VNUMA_API void vnuma_ledger_free(vnuma_ledger *ledger)
{
    if (!ledger)
        return;
    vn_ledger_clear(&ledger->l);
    free(ledger->path);
    free(ledger);
}

VNUMA_API size_t vnuma_ledger_guest_count(const vnuma_ledger *ledger)
{
    return ledger->l.n;
}

VNUMA_API const char *vnuma_ledger_guest_name(const vnuma_ledger *ledger, size_t i)
{
    return i < ledger->l.n ? ledger->l.entries[i].name : NULL;
}

VNUMA_API const char *vnuma_ledger_host(const vnuma_ledger *ledger)
{
    return ledger->l.host;
}

VNUMA_API char *vnuma_ledger_format(const vnuma_ledger *ledger, vnuma_ledger_style style)
{
    return style == VNUMA_LEDGER_JSON ? vn_ledger_list_json(&ledger->l, ledger->path)
                                      : vn_ledger_list_text(&ledger->l, ledger->path);
}

VNUMA_API char *vnuma_ledger_svg(const vnuma_ledger *ledger, const vnuma_host *host,
                                 vnuma_error **err)
{
    vn_error e = {0};
    if (!host) {
        api_error(err, VNUMA_ERR_HOST, "no host");
        return NULL;
    }
    if (vn_ledger_check_host(&ledger->l, ledger->path, host->h, &e) < 0) {
        vn_api_export_error(&e, err);
        return NULL;
    }
    VN_AUTOFREE char *title = vn_asprintf("Ledger %s", ledger->path);
    vn_svg_overlay *ov = vn_ledger_overlay(&ledger->l, title);
    char *svg = vn_svg_host(host->h, ov);
    vn_svg_overlay_free(ov);
    return svg;
}
