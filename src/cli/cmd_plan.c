/*
 * cmd_plan.c - `vnuma plan`: resolve automatic NUMA placement per guest
 * cell, the one thing libvirt refuses (<numatune><memory placement='auto'>
 * with per-cell <memnode>s).  Loads the host and the domain, sums the
 * ledger (if any) into what is already taken, asks the fitter
 * (placement.c), writes the placement into the domain and prints it as
 * the resolved domain XML, a JSON plan or an SVG picture of the guest on
 * the host (svg.h's overlay); records it in the ledger.
 *
 * The trigger: the domain has <cpu><numa> cells and asks for automatic
 * placement, by <numatune><memory placement='auto'/> or by
 * <vcpu placement='auto'> (libvirt then defaults numatune to auto too).
 * Dedicated CPUs: --dedicated, or any <vcpupin> in the domain (its pins are
 * replaced by the plan's).
 *
 * A <vnuma> domain needs no fitting: its element says where each cell goes.
 * It is expanded on the host (as `vnuma xml --expand` does), checked, and
 * printed as XML or drawn; JSON and the ledger are for fitted plans only.
 *
 * The ledger is locked (flock on FILE.lock) from before it is read until
 * after it is written, so parallel runs serialise; placing a name already
 * in the ledger is refused (release it first).
 *
 * Exit codes: 0 ok, 1 invalid input or does not fit (or corrupt ledger),
 * 2 usage, 3 host or system failure.
 */
#include "cmd_plan.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_common.h"
#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "place/ledger.h"
#include "place/fit.h"
#include "picture/svg.h"

enum { OPT_HOST = 256, OPT_LEDGER, OPT_RELEASE, OPT_STRATEGY, OPT_FORMAT, OPT_DEDICATED,
       OPT_THREADS, OPT_HUGETLBFS };

static const char usage_plan[] =
    "usage: vnuma plan [--host SOURCE] [--ledger FILE] [--strategy pack|spread]\n"
    "                  [--dedicated] [--thread-policy prefer|isolate|require]\n"
    "                  [--hugetlbfs PATH=SIZE] [--format xml|json|svg] DOMAIN.xml\n"
    "       vnuma plan --ledger FILE --release NAME\n"
    "\n"
    "Place each guest NUMA cell of a domain that asks for automatic placement\n"
    "(<cpu><numa> cells with <numatune><memory placement='auto'/> or\n"
    "<vcpu placement='auto'>) on host nodes, and print the resolved domain:\n"
    "<numatune> with the union of the nodes and one strict <memnode> per cell,\n"
    "and with dedicated CPUs a <vcpupin> per vCPU and an <emulatorpin>.\n"
    "\n"
    "Each cell's memory must fit a node's free memory (huge-page-backed cells:\n"
    "the node's free pages of that size); cells go to distinct nodes, except\n"
    "that a cell larger than any node spans the fewest nodes close together.\n"
    "The smallest sum of host distances between the cells' nodes wins, then\n"
    "the strategy, then the lowest node ids.\n"
    "\n"
    "A <vnuma> domain is placed by its element: it is expanded on the host as\n"
    "`vnuma xml --expand` does and checked; --format xml prints it, svg draws\n"
    "it (--strategy, --dedicated and --thread-policy do not apply; --format\n"
    "json and --ledger are refused).\n"
    "\n"
    "options:\n"
    "  --host SOURCE           a libvirt capabilities XML file, sysfs:DIR or\n"
    "                          synthetic:SPEC; default: this machine\n"
    "  --ledger FILE           subtract what the guests recorded in FILE took,\n"
    "                          and record this one (by domain name; a name\n"
    "                          already there is refused).  Locked and atomic.\n"
    "  --release NAME          remove NAME from the ledger (give its share back)\n"
    "  --strategy pack|spread  prefer the fullest nodes that fit (default) or\n"
    "                          the emptiest (by free memory)\n"
    "  --dedicated             pin each vCPU to its own host CPU (also implied\n"
    "                          by <vcpupin> in the domain)\n"
    "  --thread-policy P       with dedicated CPUs, as Nova's hw:cpu_thread_policy:\n"
    "                          prefer (default): SMT siblings of a core first;\n"
    "                          isolate: a whole core per vCPU, its siblings left\n"
    "                          idle; require: only cores with free siblings\n"
    "  --hugetlbfs PATH=SIZE   a hugetlbfs mount (the first: the default huge\n"
    "                          page size); also used to check the result\n"
    "  --format xml|json|svg   the resolved domain XML (default), the plan, or\n"
    "                          a picture (SVG 1.1) of the host with each guest\n"
    "                          cell drawn on it: its memory on its nodes, its\n"
    "                          vCPUs on the host CPUs they are pinned to\n"
    "\n"
    "exit status: 0 ok, 1 invalid input or it does not fit, 2 usage,\n"
    "3 host or system failure\n";

typedef enum { PLAN_XML, PLAN_JSON, PLAN_SVG } plan_format;

typedef struct plan_opts {
    const char *host_src, *ledger, *release;
    vn_fit_strategy strategy;
    vn_thread_policy policy;
    plan_format format;
    bool dedicated;
    vn_config cfg;
} plan_opts;

static int parse_plan_opts(int argc, char **argv, plan_opts *o)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"ledger", required_argument, NULL, OPT_LEDGER},
        {"release", required_argument, NULL, OPT_RELEASE},
        {"strategy", required_argument, NULL, OPT_STRATEGY},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"dedicated", no_argument, NULL, OPT_DEDICATED},
        {"thread-policy", required_argument, NULL, OPT_THREADS},
        {"hugetlbfs", required_argument, NULL, OPT_HUGETLBFS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, v;
    vn_error e = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_HOST: o->host_src = optarg; break;
        case OPT_LEDGER: o->ledger = optarg; break;
        case OPT_RELEASE: o->release = optarg; break;
        case OPT_DEDICATED: o->dedicated = true; break;
        case OPT_STRATEGY:
            if ((v = vn_fit_strategy_from_string(optarg)) < 0)
                return vn_cli_usage_error("plan", "--strategy takes pack or spread"), -1;
            o->strategy = (vn_fit_strategy)v;
            break;
        case OPT_THREADS:
            if ((v = vn_thread_policy_from_string(optarg)) < 0)
                return vn_cli_usage_error("plan", "--thread-policy takes prefer, isolate or "
                                          "require"), -1;
            o->policy = (vn_thread_policy)v;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "xml"))
                o->format = PLAN_XML;
            else if (!strcmp(optarg, "json"))
                o->format = PLAN_JSON;
            else if (!strcmp(optarg, "svg"))
                o->format = PLAN_SVG;
            else
                return vn_cli_usage_error("plan", "--format takes xml, json or svg"), -1;
            break;
        case OPT_HUGETLBFS:
            if (vn_config_add_mount_spec(&o->cfg, optarg, &e) < 0)
                return vn_cli_usage_error("plan", vn_error_text(&e)), -1;
            break;
        case 'h':
            fputs(usage_plan, stdout);
            exit(VN_EXIT_OK);
        default:
            return vn_cli_usage_error("plan", "invalid option"), -1;
        }
    }
    return optind;
}

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

static char *plan_json(const vn_domain *dom, const plan_opts *o, const vn_fit_request *req,
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

/* The picture: the host with one overlay cell per guest cell (colour = its
 * index).  Memory: from the fit when there is one (res, parallel to req's
 * cells; amounts in pages when the cell is backed by huge pages), else from
 * the cell's <memnode> (a <vnuma> expansion binds each cell to one node; the
 * nodes of a nodeset of several are marked without amounts, the split not
 * being known).  Pins: the domain's <vcpupin>s, a vCPU in no cell counting
 * with cell 0 as in the fit. */
static char *plan_svg(const vn_host *host, const vn_domain *dom, const vn_fit_request *req,
                      const vn_fit_result *res)
{
    VN_AUTOFREE char *title = dom->name ? vn_asprintf("Guest %s", dom->name) : NULL;
    vn_svg_overlay *ov = vn_svg_overlay_new(title);
    for (size_t i = 0; i < dom->ncells; i++) {
        VN_AUTOFREE char *label = vn_asprintf("guest cell %u", dom->cells[i].id);
        vn_svg_overlay_add_cell(ov, label, (unsigned)i);
    }
    for (size_t i = 0; res && i < res->ncells; i++) {
        const vn_fit_cell *fc = &req->cells[i];
        const vn_fit_cell_result *cr = &res->cells[i];
        if (fc->id >= ov->ncells)
            continue;
        for (size_t k = 0; k < cr->nnodes; k++) {
            uint64_t kib = cr->amount[k];
            if (fc->page_kib && !vn_mul_u64(kib, fc->page_kib, &kib))
                kib = UINT64_MAX;
            vn_svg_cell_add_mem(&ov->cells[fc->id], cr->nodes[k], kib);
        }
    }
    for (size_t i = 0; !res && i < dom->ncells; i++) {
        const vn_cell *cell = &dom->cells[i];
        if (!cell->has_memnode || !cell->memnode_nodeset)
            continue;
        bool one = vn_bitmap_count(cell->memnode_nodeset) == 1;
        vn_bitmap_foreach(cell->memnode_nodeset, n)
            vn_svg_cell_add_mem(&ov->cells[i], (unsigned)n, one ? cell->mem_kib : 0);
    }
    for (size_t i = 0; ov->ncells && i < dom->nvcpupins; i++) {
        const vn_pin *p = &dom->vcpupins[i];
        int cell = vn_domain_vcpu_cell(dom, p->id);
        VN_AUTOFREE char *label = vn_asprintf("v%u", p->id);
        vn_bitmap_foreach(p->cpuset, cpu)
            vn_svg_cell_pin(&ov->cells[cell >= 0 ? (size_t)cell : 0], (unsigned)cpu, label);
    }
    char *svg = vn_svg_host(host, ov);
    vn_svg_overlay_free(ov);
    return svg;
}

/* The result must pass `vnuma check` against the same host: check it. */
static int self_check(const char *xml, const vn_host *host, const vn_config *cfg, vn_error *e)
{
    vn_warnings w = {0};
    vn_domain *d = vn_domain_parse(xml, strlen(xml), VN_PARSE_ABI_UPDATE, e);
    int rc = d ? vn_domain_validate_start(d, host, cfg, &w, e) : -1;
    vn_warnings_clear(&w);
    vn_domain_free(d);
    return rc;
}

static int do_release(const plan_opts *o)
{
    vn_error e = {0};
    vn_ledger l = {0};
    int rc = VN_EXIT_OK;
    vn_ledger_file lf;
    if (vn_ledger_open(&lf, o->ledger, 0, &e) < 0)
        return vn_cli_report_lines(&e);
    if (vn_ledger_load(&lf, &l, &e) < 0) {
        rc = vn_cli_report_lines(&e);
    } else if (!vn_ledger_remove(&l, o->release)) {
        fprintf(stderr, "error: guest '%s' is not in ledger %s\n", o->release, o->ledger);
        rc = VN_EXIT_INVALID;
    } else if (vn_ledger_save(&lf, &l, &e) < 0) {
        rc = vn_cli_report_lines(&e);
    }
    vn_ledger_clear(&l);
    vn_ledger_close(&lf);
    return rc;
}

typedef struct plan_run {
    vn_host *host;
    vn_domain *dom;
    vn_ledger ledger;
    vn_usage used;
    vn_fit_request req;
    vn_fit_result res;
    vn_ledger_file lf;      /* locked from before the read until after the write */
    char *out;
} plan_run;

static void plan_run_clear(plan_run *r)
{
    vn_host_free(r->host);
    vn_domain_free(r->dom);
    vn_ledger_clear(&r->ledger);
    vn_usage_clear(&r->used);
    vn_fit_request_clear(&r->req);
    vn_fit_result_clear(&r->res);
    vn_ledger_close(&r->lf);
    free(r->out);
}

/* Under the lock: read the ledger, refuse a known name, sum it. */
static int ledger_prepare(const plan_opts *o, plan_run *r, vn_error *e)
{
    if (!r->dom->name || !vn_ledger_name_ok(r->dom->name)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "the domain needs a <name> (without control "
                     "characters or spaces at its ends) to be recorded in the ledger");
        return -1;
    }
    if (vn_ledger_open(&r->lf, o->ledger, 0, e) < 0 ||
        vn_ledger_load(&r->lf, &r->ledger, e) < 0)
        return -1;
    if (vn_ledger_find(&r->ledger, r->dom->name)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "guest '%s' is already placed in ledger %s; "
                     "release it first (--release)", r->dom->name, o->ledger);
        return -1;
    }
    if (!vn_ledger_total(&r->ledger, &r->used)) {
        vn_error_set(e, VNUMA_ERR_INVALID, "corrupt ledger %s: totals overflow", o->ledger);
        return -1;
    }
    /* a ledger of another host (or of this one before it changed) would
     * have its records silently ignored: refuse it */
    VN_AUTOFREE char *foreign = vn_usage_foreign(&r->used, r->host);
    if (foreign) {
        vn_error_set(e, VNUMA_ERR_INVALID, "ledger %s records %s, which host %s lacks "
                     "(a ledger of another host?)", o->ledger, foreign,
                     r->host->source ? r->host->source : "");
        return -1;
    }
    return 0;
}

/* A <vnuma> domain: its element places the cells, so nothing is fitted; it
 * is expanded on the host, checked, and printed or drawn. */
static int plan_vnuma(const plan_opts *o, plan_run *r)
{
    vn_error e = {0};
    vn_warnings w = {0};
    const char *why = o->ledger ? "recorded in a ledger"
                      : o->format == PLAN_JSON ? "printed as a JSON plan" : NULL;
    if (why) {
        fprintf(stderr, "error: domain '%s' has a <vnuma> element, which places its cells: "
                "it is expanded, not fitted, and cannot be %s (use --format xml or svg, "
                "without --ledger)\n", r->dom->name ? r->dom->name : "", why);
        return VN_EXIT_INVALID;
    }
    r->dom = vn_cli_expand_domain(r->dom, r->host, &o->cfg, &w, &e);
    vn_cli_print_warnings(&w);
    VN_AUTOFREE char *xml = r->dom ? vn_domain_format(r->dom, &e) : NULL;
    if (!xml || self_check(xml, r->host, &o->cfg, &e) < 0)
        return vn_cli_report_lines(&e);
    r->out = o->format == PLAN_SVG ? plan_svg(r->host, r->dom, NULL, NULL) : vn_strdup(xml);
    fputs(r->out, stdout);
    return VN_EXIT_OK;
}

static int do_plan(const plan_opts *o, const char *path)
{
    plan_run r = {.lf = {.lock = -1, .at = {.dirfd = -1}}};
    vn_error e = {0};
    int rc = VN_EXIT_OK;
    char *xml = NULL;   /* not VN_AUTOFREE: the gotos jump over declarations */
    if (!(r.host = vn_cli_load_host(o->host_src, true, &e)) ||
        !(r.dom = vn_cli_load_domain(path, VN_PARSE_ABI_UPDATE, &e))) {
        rc = vn_cli_report_lines(&e);
        goto out;
    }
    if (r.dom->vnuma.present) {
        rc = plan_vnuma(o, &r);
        goto out;
    }
    if (!vn_domain_wants_auto_placement(r.dom)) {
        fprintf(stderr, "error: domain '%s' does not ask for automatic placement of guest "
                "NUMA cells: plan needs <cpu><numa> cells and <numatune><memory "
                "placement='auto'/> or <vcpu placement='auto'>\n", r.dom->name ? r.dom->name : "");
        rc = VN_EXIT_INVALID;
        goto out;
    }
    bool dedicated = o->dedicated || r.dom->nvcpupins > 0;
    if (vn_fit_request_from_domain(r.dom, &o->cfg, dedicated, &r.req, &e) < 0 ||
        (o->ledger && ledger_prepare(o, &r, &e) < 0)) {
        rc = vn_cli_report_lines(&e);
        goto out;
    }
    r.req.strategy = o->strategy;
    r.req.policy = o->policy;
    if (vn_fit(r.host, &r.used, &r.req, &r.res, &e) < 0) {
        rc = vn_cli_report_lines(&e);
        goto out;
    }
    vn_fit_apply_domain(r.dom, r.host, &r.used, &r.req, &r.res, dedicated);
    xml = vn_domain_format(r.dom, &e);
    if (!xml || self_check(xml, r.host, &o->cfg, &e) < 0) {
        rc = vn_cli_report_lines(&e);
        goto out;
    }
    r.out = o->format == PLAN_JSON ? plan_json(r.dom, o, &r.req, &r.res, dedicated)
            : o->format == PLAN_SVG ? plan_svg(r.host, r.dom, &r.req, &r.res)
            : vn_strdup(xml);
    if (o->ledger) {
        vn_ledger_add(&r.ledger, r.dom->name, &r.res.taken);
        if (vn_ledger_save(&r.lf, &r.ledger, &e) < 0) {
            rc = vn_cli_report_lines(&e);
            goto out;
        }
    }
    fputs(r.out, stdout);
out:
    free(xml);
    plan_run_clear(&r);
    return rc;
}

int vn_cmd_plan(int argc, char **argv)
{
    plan_opts o = {.strategy = VN_FIT_PACK, .policy = VN_THREAD_PREFER};
    vn_config_init(&o.cfg);
    int rc;
    int i = parse_plan_opts(argc, argv, &o);
    if (i < 0)
        rc = VN_EXIT_USAGE;
    else if (o.release && (!o.ledger || i != argc))
        rc = vn_cli_usage_error("plan", "--release NAME needs --ledger FILE and no DOMAIN.xml");
    else if (o.release)
        rc = do_release(&o);
    else if (argc - i != 1)
        rc = vn_cli_usage_error("plan", "expected one DOMAIN.xml");
    else
        rc = do_plan(&o, argv[i]);
    vn_config_clear(&o.cfg);
    return rc;
}
