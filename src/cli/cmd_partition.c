/*
 * cmd_partition.c - `vnuma partition`: convert an existing domain into a
 * vNUMA one (the seed's planned "virsh vnuma" command).
 *
 * The domain's own guest NUMA layout (<cpu><numa> cells, <numatune>,
 * <vcpupin>s, the CPU topology) is dropped and a <vnuma> element put in its
 * place (vn_vnuma_partition, vnuma_expand.c).  The result is checked by
 * expanding it on the host (unless --host none), so that a partition the
 * host cannot hold is refused here; the <vnuma> domain is printed, or with
 * --expand the plain libvirt domain it expands to.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cmd_partition.h"
#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "place/vnuma_expand.h"

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
    "  --host SOURCE           a capabilities XML, sysfs:DIR, or none (no check);\n"
    "                          default: this machine\n"
    "  --hugetlbfs PATH=SIZE   a hugetlbfs mount (the first: default page size)\n";

typedef struct opts {
    const char *host_src;
    int mode, dist;
    unsigned cells;
    vn_bitmap *nodeset;
    bool expand;
    vn_config cfg;
} opts;

enum { OPT_HOST = 256, OPT_MODE, OPT_DIST, OPT_CELLS, OPT_NODESET, OPT_EXPAND, OPT_HUGETLBFS };

static int parse_one(opts *o, int c)
{
    vn_error e = {0};
    switch (c) {
    case OPT_HOST:
        o->host_src = optarg;
        return 0;
    case OPT_MODE:
        if ((o->mode = vn_vnuma_mode_from_string(optarg)) < 0)
            return vn_cli_usage_error("partition", "--mode takes host or node");
        return 0;
    case OPT_DIST:
        if ((o->dist = vn_vnuma_dist_from_string(optarg)) < 0)
            return vn_cli_usage_error("partition", "--distribution takes contiguous, siblings, "
                                      "round-robin or interleave");
        return 0;
    case OPT_CELLS:
        if (!vn_parse_uint(optarg, &o->cells) || o->cells == 0)
            return vn_cli_usage_error("partition", "--cells takes a number > 0");
        return 0;
    case OPT_NODESET:
        vn_bitmap_free(o->nodeset);
        if (!(o->nodeset = vn_bitmap_parse(optarg, VN_CPUMASK_LEN, &e)) ||
            vn_bitmap_is_empty(o->nodeset))
            return vn_cli_usage_error("partition", "--nodeset takes a non-empty set like 0-3,^2");
        return 0;
    case OPT_EXPAND:
        o->expand = true;
        return 0;
    case OPT_HUGETLBFS:
        if (vn_config_add_mount_spec(&o->cfg, optarg, &e) < 0)
            return vn_cli_usage_error("partition", vn_error_text(&e));
        return 0;
    default:
        return vn_cli_usage_error("partition", "invalid option");
    }
}

static int parse_opts(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {
        {"host", required_argument, NULL, OPT_HOST},
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
    while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            exit(VN_EXIT_OK);
        }
        if (parse_one(o, c) != 0)
            return -1;
    }
    if (o->mode < 0)
        return vn_cli_usage_error("partition", "--mode is required"), -1;
    if (o->mode != VN_VNUMA_MODE_NODE && (o->cells || o->nodeset))
        return vn_cli_usage_error("partition", "--cells and --nodeset need --mode node"), -1;
    if (argc - optind != 1)
        return vn_cli_usage_error("partition", "expected one DOMAIN.xml"), -1;
    return optind;
}

/* Format d, parse it again (libvirt's define rules on the result) and, with
 * a host, expand the copy; returns the text to print or NULL. */
static char *partitioned_text(vn_domain *d, const vn_host *host, const opts *o, vn_error *e)
{
    vn_warnings w = {0};
    char *s = vn_domain_format(d, e);
    vn_domain *x = s ? vn_domain_parse(s, strlen(s), VN_PARSE_ABI_UPDATE, e) : NULL;
    uint64_t page = vn_config_default_page_kib(&o->cfg);
    if (x && (host || o->expand) && vn_vnuma_expand(x, host, page, &w, e) < 0) {
        vn_domain_free(x);
        x = NULL;
    }
    vn_cli_print_warnings(&w);
    if (x && o->expand) {
        free(s);
        s = vn_domain_format(x, e);
    }
    if (!x) {
        free(s);
        s = NULL;
    }
    vn_domain_free(x);
    return s;
}

int vn_cmd_partition(int argc, char **argv)
{
    opts o = {.mode = -1, .dist = VN_VNUMA_DIST_CONTIGUOUS};
    vn_error e = {0};
    vn_host *host = NULL;
    vn_domain *d = NULL;
    char *s = NULL;
    int rc = VN_EXIT_OK;
    vn_config_init(&o.cfg);
    int i = parse_opts(argc, argv, &o);
    if (i < 0) {
        rc = VN_EXIT_USAGE;
        goto out;
    }
    host = vn_cli_load_host(o.host_src, false, &e);
    if (!e.code)
        d = vn_cli_load_domain(argv[i], VN_PARSE_ABI_UPDATE, &e);
    if (d && vn_vnuma_partition(d, (vn_vnuma_mode)o.mode, (vn_vnuma_dist)o.dist, o.nodeset,
                                o.cells, &e) == 0)
        s = partitioned_text(d, host, &o, &e);
    if (!s) {
        rc = vn_cli_report(&e);
        goto out;
    }
    fputs(s, stdout);
out:
    free(s);
    vn_domain_free(d);
    vn_host_free(host);
    vn_bitmap_free(o.nodeset);
    vn_config_clear(&o.cfg);
    return rc;
}
