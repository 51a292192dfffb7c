/*
 * cmd_plan.c - `vnuma plan`: per-cell automatic placement of a guest's NUMA
 * cells on a host, optionally recorded in a placement ledger.  The options
 * become a vnuma_plan_options; vnuma_plan_domain (place/plan.c) runs the
 * whole workflow - the ledger transaction included - and this prints the
 * output asked for: the resolved domain XML, the JSON plan or the SVG
 * picture.  `--release NAME` is vnuma_ledger_release.
 *
 * Exit codes: 0 ok, 1 invalid input or does not fit (or corrupt ledger),
 * 2 usage, 3 host or system failure.
 */
#include "cmd_plan.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"

enum { OPT_HOST = 256, OPT_LEDGER, OPT_RELEASE, OPT_STRATEGY, OPT_FORMAT, OPT_DEDICATED,
       OPT_THREADS, OPT_HUGETLBFS, OPT_DRY_RUN, OPT_RESERVE };

static const char usage_plan[] =
    "usage: vnuma plan [--host SOURCE] [--ledger FILE [--reserve-memory SIZE] [--dry-run]]\n"
    "                  [--strategy pack|spread] [--dedicated]\n"
    "                  [--thread-policy prefer|isolate|require]\n"
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
    "the node's free pages of that size); with --ledger, what a node offers is\n"
    "its total memory (pages) less --reserve-memory and less what the ledger\n"
    "records there, since the free memory already counts running guests.\n"
    "Cells go to distinct nodes, except that a cell larger than any node\n"
    "spans the fewest nodes close together.\n"
    "The smallest sum of host distances between the cells' nodes wins, then\n"
    "the strategy, then the lowest node ids.\n"
    "\n"
    "A <vnuma> domain is placed by its element: it is expanded on the host as\n"
    "`vnuma xml --expand` does and checked; --format xml prints it, svg draws\n"
    "it (--strategy, --dedicated and --thread-policy do not apply; --format\n"
    "json and --ledger are refused).\n"
    "\n"
    "options:\n"
    "@HOST\n"
    "  --ledger FILE           subtract what the guests recorded in FILE took,\n"
    "                          and record this one (by domain name; a name\n"
    "                          already there is refused).  Locked and atomic.\n"
    "                          FILE records its host's fingerprint: another\n"
    "                          host's ledger is refused\n"
    "  --reserve-memory SIZE   with --ledger: memory kept for the host on each\n"
    "                          node (512M, 2G; default 0), like Nova's\n"
    "                          reserved_host_memory_mb\n"
    "  --dry-run               with --ledger: show the placement, record nothing\n"
    "                          (the ledger is read, nothing is written or made)\n"
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
    "                          vCPUs on the host CPUs they are pinned to (vN;\n"
    "                          vN+: other vCPUs too), CPUs held idle (rsvd);\n"
    "                          with --ledger the other guests too, in grey\n"
    "\n"
    "exit status: 0 ok, 1 invalid input or it does not fit, 2 usage,\n"
    "3 host or system failure\n";

typedef struct plan_cli {
    const char *host_src, *ledger, *release;
    vnuma_plan_output format;
    bool reserve;                 /* --reserve-memory given */
    vnuma_plan_options *opts;
    vnuma_config *cfg;
} plan_cli;

static int parse_plan_opts(int argc, char **argv, plan_cli *o)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"whole-system", no_argument, NULL, VN_CLI_OPT_WHOLE_SYSTEM},
        {"ledger", required_argument, NULL, OPT_LEDGER},
        {"release", required_argument, NULL, OPT_RELEASE},
        {"strategy", required_argument, NULL, OPT_STRATEGY},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"dedicated", no_argument, NULL, OPT_DEDICATED},
        {"thread-policy", required_argument, NULL, OPT_THREADS},
        {"hugetlbfs", required_argument, NULL, OPT_HUGETLBFS},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"reserve-memory", required_argument, NULL, OPT_RESERVE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, v;
    uint64_t kib;
    optind = 1;
    while ((c = vn_cli_getopt("plan", argc, argv, "+:h", opts)) != -1) {
        vnuma_error *err = NULL;
        switch (c) {
        case OPT_HOST: o->host_src = optarg; break;
        case VN_CLI_OPT_WHOLE_SYSTEM: vn_cli_set_whole_system(); break;
        case OPT_LEDGER: o->ledger = optarg; break;
        case OPT_RELEASE: o->release = optarg; break;
        case OPT_DEDICATED: vnuma_plan_options_set_dedicated(o->opts, 1); break;
        case OPT_DRY_RUN: vnuma_plan_options_set_dry_run(o->opts, 1); break;
        case OPT_STRATEGY:
            if ((v = vnuma_strategy_from_string(optarg)) < 0)
                return vn_cli_usage_error("plan", "--strategy takes pack or spread"), -1;
            (void)vnuma_plan_options_set_strategy(o->opts, v, NULL);
            break;
        case OPT_THREADS:
            if ((v = vnuma_thread_policy_from_string(optarg)) < 0)
                return vn_cli_usage_error("plan", "--thread-policy takes prefer, isolate or "
                                          "require"), -1;
            (void)vnuma_plan_options_set_thread_policy(o->opts, v, NULL);
            break;
        case OPT_FORMAT:
            vn_cli_set_json_errors(!strcmp(optarg, "json"));
            if (!strcmp(optarg, "xml"))
                o->format = VNUMA_PLAN_XML;
            else if (!strcmp(optarg, "json"))
                o->format = VNUMA_PLAN_JSON;
            else if (!strcmp(optarg, "svg"))
                o->format = VNUMA_PLAN_SVG;
            else
                return vn_cli_usage_error("plan", "--format takes xml, json or svg"), -1;
            break;
        case OPT_HUGETLBFS:
            if (vnuma_config_add_hugetlbfs_spec(o->cfg, optarg, &err) < 0) {
                vn_cli_usage_error("plan", vnuma_error_text(err));
                vnuma_error_free(err);
                return -1;
            }
            break;
        case OPT_RESERVE:
            if (!vn_cli_parse_size(optarg, &kib))
                return vn_cli_usage_error("plan", "--reserve-memory takes a size with its "
                                          "unit (512M, 2G)"), -1;
            vnuma_plan_options_set_reserve_memory(o->opts, kib);
            o->reserve = true;
            break;
        case 'h':
            vn_cli_print_help(usage_plan);
            exit(VN_EXIT_OK);
        default:
            return -1;   /* vn_cli_getopt said why */
        }
    }
    return optind;
}

static int do_release(const plan_cli *o)
{
    vnuma_error *err = NULL;
    int rc = vnuma_ledger_release(o->ledger, o->release, &err) < 0 ? vn_cli_fail_lines(err)
                                                                    : VN_EXIT_OK;
    vnuma_error_free(err);
    return rc;
}

/* The output asked for (caller frees). */
static char *plan_output(const plan_cli *o, const vnuma_plan *plan, vnuma_error **err)
{
    if (o->format == VNUMA_PLAN_SVG)
        return vnuma_plan_svg(plan);
    const char *s = o->format == VNUMA_PLAN_JSON ? vnuma_plan_json(plan, err)
                                                 : vnuma_plan_xml(plan);
    return s ? strdup(s) : NULL;
}

static int do_plan(plan_cli *o, const char *path)
{
    vnuma_error *err = NULL;
    vnuma_domain *dom = NULL;
    vnuma_plan *plan = NULL;
    char **w = NULL, *out = NULL;
    vnuma_plan_options_set_config(o->opts, o->cfg);
    vnuma_plan_options_set_ledger(o->opts, o->ledger);
    vnuma_plan_options_set_output(o->opts, o->format);
    vnuma_host *host = vn_cli_host(o->host_src, true, &err);
    if (host)
        dom = vnuma_domain_read(path, VNUMA_PARSE_ABI_UPDATE, &err);
    if (dom)
        plan = vnuma_plan_domain(dom, host, o->opts, &w, &err);
    vn_cli_warn(w);
    if (plan)
        out = plan_output(o, plan, &err);
    int rc = out ? (fputs(out, stdout), VN_EXIT_OK) : vn_cli_fail_lines(err);
    free(out);
    vnuma_plan_free(plan);
    vnuma_domain_free(dom);
    vnuma_host_free(host);
    vnuma_error_free(err);
    return rc;
}

int vn_cmd_plan(int argc, char **argv)
{
    plan_cli o = {.opts = vnuma_plan_options_new(), .cfg = vnuma_config_new()};
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
    else if (o.reserve && !o.ledger)
        rc = vn_cli_usage_error("plan", "--reserve-memory needs --ledger FILE (without a "
                                "ledger, the host's free memory counts)");
    else if ((rc = vn_cli_discover(o.cfg, false)) == VN_EXIT_OK)
        rc = do_plan(&o, argv[i]);
    vnuma_plan_options_free(o.opts);
    vnuma_config_free(o.cfg);
    return rc;
}
