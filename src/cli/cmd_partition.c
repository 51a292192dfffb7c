/*
 * cmd_partition.c - `vnuma partition`: convert an existing domain into a
 * vNUMA one (the seed's planned "virsh vnuma" command).
 *
 * The domain's own guest NUMA layout (<cpu><numa> cells, <numatune>,
 * <vcpupin>s, the CPU topology) is dropped and a <vnuma> element put in its
 * place (vnuma_domain_partition).  The result is checked by expanding it
 * on the host (unless --host none), so that a partition the host cannot
 * hold is refused here; the <vnuma> domain is printed, or with --expand
 * the plain libvirt domain it expands to.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cmd_partition.h"

static const char usage[] =
    "usage: vnuma partition [--host SOURCE] --mode host|node\n"
    "                       [--distribution contiguous|siblings|round-robin|interleave]\n"
    "                       [--cells N] [--nodeset SET] [--expand] DOMAIN.xml\n"
    "\n"
    "Convert a domain into a vNUMA one: drop its guest NUMA cells, memnodes,\n"
    "vcpupins and CPU topology and add <vnuma mode distribution> (with\n"
    "<partition nodeset cells> for mode node).  The result is expanded on the\n"
    "host to check that it fits; the <vnuma> domain is printed, or with\n"
    "--expand the plain libvirt domain it stands for.\n"
    "\n"
    "options:\n"
    "  --mode host|node        one cell per host node with CPUs and memory, or\n"
    "                          --cells cells over the nodes of --nodeset\n"
    "  --distribution D        how vCPUs go to cells (default contiguous)\n"
    "  --cells N               mode node: the number of guest cells\n"
    "  --nodeset SET           mode node: the host nodes (libvirt syntax)\n"
    "  --expand                print the expanded domain\n"
    "@HOST\n"
    "                            none            no host: nothing is checked\n"
    "  --hugetlbfs PATH=SIZE   a hugetlbfs mount (the first: default page size)\n";

typedef struct opts {
    const char *host_src;
    int mode, dist;
    unsigned cells;
    const char *nodeset;
    bool expand;
    vnuma_config *cfg;
} opts;

enum { OPT_HOST = 256, OPT_MODE, OPT_DIST, OPT_CELLS, OPT_NODESET, OPT_EXPAND, OPT_HUGETLBFS };

static int parse_one(opts *o, int c)
{
    vnuma_error *err = NULL;
    switch (c) {
    case OPT_HOST:
        o->host_src = optarg;
        return 0;
    case VN_CLI_OPT_WHOLE_SYSTEM:
        vn_cli_set_whole_system();
        return 0;
    case OPT_MODE:
        if ((o->mode = vnuma_mode_from_string(optarg)) < 0)
            return vn_cli_usage_error("partition", "--mode takes host or node");
        return 0;
    case OPT_DIST:
        if ((o->dist = vnuma_distribution_from_string(optarg)) < 0)
            return vn_cli_usage_error("partition", "--distribution takes contiguous, siblings, "
                                      "round-robin or interleave");
        return 0;
    case OPT_CELLS:
        if (!vn_parse_uint(optarg, &o->cells) || o->cells == 0)
            return vn_cli_usage_error("partition", "--cells takes a number > 0");
        return 0;
    case OPT_NODESET:
        if (!vnuma_nodeset_valid(optarg))
            return vn_cli_usage_error("partition", "--nodeset takes a non-empty set like 0-3,^2");
        o->nodeset = optarg;
        return 0;
    case OPT_EXPAND:
        o->expand = true;
        return 0;
    case OPT_HUGETLBFS:
        if (vnuma_config_add_hugetlbfs_spec(o->cfg, optarg, &err) < 0) {
            vn_cli_usage_error("partition", vnuma_error_text(err));
            vnuma_error_free(err);
            return VN_EXIT_USAGE;
        }
        return 0;
    default:
        return VN_EXIT_USAGE;   /* vn_cli_getopt said why */
    }
}

static int parse_opts(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"whole-system", no_argument, NULL, VN_CLI_OPT_WHOLE_SYSTEM},
        {"mode", required_argument, NULL, OPT_MODE},
        {"distribution", required_argument, NULL, OPT_DIST},
        {"cells", required_argument, NULL, OPT_CELLS},
        {"nodeset", required_argument, NULL, OPT_NODESET},
        {"expand", no_argument, NULL, OPT_EXPAND},
        {"hugetlbfs", required_argument, NULL, OPT_HUGETLBFS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = vn_cli_getopt("partition", argc, argv, "+:h", lo)) != -1) {
        if (c == 'h') {
            vn_cli_print_help(usage);
            exit(VN_EXIT_OK);
        }
        if (parse_one(o, c) != 0)
            return -1;
    }
    if (o->mode < 0)
        return vn_cli_usage_error("partition", "--mode is required"), -1;
    if (o->mode != VNUMA_MODE_NODE && (o->cells || o->nodeset))
        return vn_cli_usage_error("partition", "--cells and --nodeset need --mode node"), -1;
    if (argc - optind != 1)
        return vn_cli_usage_error("partition", "expected one DOMAIN.xml"), -1;
    return optind;
}

int vn_cmd_partition(int argc, char **argv)
{
    opts o = {.mode = -1, .dist = VNUMA_DIST_CONTIGUOUS, .cfg = vnuma_config_new()};
    vnuma_error *err = NULL;
    vnuma_host *host = NULL;
    vnuma_domain *d = NULL;
    char **w = NULL, *s = NULL;
    int rc = VN_EXIT_OK;
    int i = parse_opts(argc, argv, &o);
    if (i < 0) {
        vnuma_config_free(o.cfg);
        return VN_EXIT_USAGE;
    }
    if ((rc = vn_cli_discover(o.cfg, false)) != VN_EXIT_OK) {
        vnuma_config_free(o.cfg);
        return rc;
    }
    host = vn_cli_host(o.host_src, false, &err);
    if (!err)
        d = vnuma_domain_read(argv[i], VNUMA_PARSE_ABI_UPDATE, &err);
    if (d)
        s = vnuma_domain_partition(d, o.mode, o.dist, o.nodeset, o.cells, host, o.cfg, o.expand,
                                   &w, &err);
    vn_cli_warn(w);
    rc = s ? (fputs(s, stdout), VN_EXIT_OK) : vn_cli_fail(err);
    free(s);
    vnuma_domain_free(d);
    vnuma_host_free(host);
    vnuma_error_free(err);
    vnuma_config_free(o.cfg);
    return rc;
}
