/*
 * cmd_advise.c - `vnuma advise`: numad's `-w NCPUS[:MB]` pre-placement
 * advice without numad: the host nodes a guest of NCPUS vCPUs and MB MiB
 * should be placed on, printed in numad's format ("0-1", "2-3,6") on one
 * line of stdout so the callers of numad can read it.  The rules are the
 * advisor's (src/place/advisor.h), reached through vnuma_advise; --explain
 * writes the reasoning to stderr, leaving stdout as numad's.
 *
 * Exit codes: 0 advice printed, 1 the request does not fit (stderr says by
 * how much), 2 usage, 3 the host cannot be read.
 */
#include "cmd_advise.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/advisor.h"   /* vn_advice_request: what the options fill */
#include "cli_common.h"
#include "base/units.h"

enum { ADV_EXIT_NOFIT = VN_EXIT_INVALID };   /* the request does not fit */
enum { OPT_HOST = 256, OPT_HUGEPAGES, OPT_EXPLAIN };

static const char usage_advise[] =
    "usage: vnuma advise [--host SOURCE] -w NCPUS[:MB] [--hugepages SIZE] [--explain]\n"
    "\n"
    "Print the host NUMA nodes a guest of NCPUS vCPUs and MB MiB of memory\n"
    "should be placed on, in numad's `-w` format (e.g. 0-1), as libvirt asks\n"
    "numad for placement='auto'.  Answers at once from the host's model:\n"
    "a node offers its online CPUs and its free memory (or, with --hugepages,\n"
    "its free huge pages of SIZE).  The answer is the smallest set of nodes\n"
    "whose CPUs >= NCPUS and memory >= MB, then the nearest (smallest sum of\n"
    "distances), then the lowest ids.  When no set fits, nothing is printed\n"
    "on stdout and stderr says what is short and by how much.\n"
    "\n"
    "options:\n"
    "  --host SOURCE           a libvirt capabilities XML file, sysfs:DIR (a\n"
    "                          recorded sysfs tree) or synthetic:SPEC (a made-up\n"
    "                          host, e.g. synthetic:'package:2 numa:2 core:4 pu:2\n"
    "                          mem=16G'; see docs/synthetic-hosts.md); default:\n"
    "                          this machine\n"
    "  -w, --what NCPUS[:MB]   the request: vCPUs, and memory in MiB (optional)\n"
    "  --hugepages SIZE        the memory is backed by huge pages of SIZE (2M,\n"
    "                          1G, 2048K; a plain number is KiB): count free\n"
    "                          pages of that size instead of free memory\n"
    "  --explain               write the nodes, the candidates and the choice\n"
    "                          to stderr\n"
    "\n"
    "exit status: 0 advice printed, 1 the request does not fit, 2 usage,\n"
    "3 the host cannot be read\n";

/* "NCPUS[:MB]", decimal, NCPUS >= 1. */
static bool parse_what(const char *s, vn_advice_request *r)
{
    VN_AUTOFREE char *copy = vn_strdup(s);
    char *colon = strchr(copy, ':');
    uint64_t mb = 0;
    if (colon) {
        *colon = '\0';
        if (!vn_parse_u64_dec(colon + 1, &mb) || !vn_mul_u64(mb, 1024, &r->mem_kib))
            return false;
    }
    return vn_parse_uint(copy, &r->ncpus) && copy[0] >= '0' && copy[0] <= '9' && r->ncpus >= 1;
}

/* "2M", "1G", "2048K", "2048" (KiB): a power of two above 4 KiB. */
static bool parse_pagesize(const char *s, uint64_t *kib)
{
    size_t n = strspn(s, "0123456789");
    VN_AUTOFREE char *num = vn_strndup(s, n);
    uint64_t v;
    vn_error e = {0};
    if (n == 0 || !vn_parse_u64_dec(num, &v))
        return false;
    if (vn_scale_integer(&v, s[n] ? s + n : NULL, 1024, (uint64_t)1 << 50, &e) < 0)
        return false;
    v /= 1024;
    if (v <= 4 || (v & (v - 1)))
        return false;
    *kib = v;
    return true;
}

/* The advice through the public API (vnuma_advise): the request as the
 * options parsed it. */
static int run_advice(const char *src, const vn_advice_request *req, bool explain)
{
    vnuma_error *err = NULL;
    vnuma_host *h = vn_cli_host(src, true, &err);
    if (!h) {
        vn_cli_fail(err);
        vnuma_error_free(err);
        return VN_EXIT_HOST;
    }
    if (!vnuma_host_node_count(h)) {
        fprintf(stderr, "error: the host has no NUMA nodes\n");
        vnuma_host_free(h);
        return VN_EXIT_HOST;
    }
    vnuma_advice_request *r = vnuma_advice_request_new(req->ncpus, req->mem_kib);
    vnuma_advice_request_set_hugepages(r, req->pagesize_kib);
    char *ex = NULL;
    vnuma_advice *a = vnuma_advise(h, r, explain ? &ex : NULL, &err);
    if (ex)
        fputs(ex, stderr);
    free(ex);
    vnuma_advice_request_free(r);
    vnuma_host_free(h);
    int rc = VN_EXIT_OK;
    if (!a) {
        vn_cli_fail(err);
        rc = vnuma_error_code(err) == VNUMA_ERR_HOST ? ADV_EXIT_NOFIT : VN_EXIT_USAGE;
    } else {
        if (explain)
            fprintf(stderr, "CPUs of the chosen nodes (libvirt's vCPU affinity): %s\n",
                    vnuma_advice_cpus(a));
        printf("%s\n", vnuma_advice_nodes(a));
    }
    vnuma_advice_free(a);
    vnuma_error_free(err);
    return rc;
}

int vn_cmd_advise(int argc, char **argv)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"what", required_argument, NULL, 'w'},
        {"hugepages", required_argument, NULL, OPT_HUGEPAGES},
        {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *src = NULL;
    vn_advice_request req = {0};
    bool have_what = false, explain = false;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "+hw:", opts, NULL)) != -1) {
        switch (o) {
        case OPT_HOST:
            src = optarg;
            break;
        case 'w':
            if (!parse_what(optarg, &req))
                return vn_cli_usage_error("advise", "-w takes NCPUS[:MB]: NCPUS >= 1, MB in MiB");
            have_what = true;
            break;
        case OPT_HUGEPAGES:
            if (!parse_pagesize(optarg, &req.pagesize_kib))
                return vn_cli_usage_error("advise", "--hugepages takes a page size above 4K, "
                                          "a power of two (2M, 1G, 2048K)");
            break;
        case OPT_EXPLAIN:
            explain = true;
            break;
        case 'h':
            fputs(usage_advise, stdout);
            return VN_EXIT_OK;
        default:
            return vn_cli_usage_error("advise", "invalid option");
        }
    }
    if (optind < argc)
        return vn_cli_usage_error("advise", "unexpected argument");
    if (!have_what)
        return vn_cli_usage_error("advise", "-w NCPUS[:MB] is required");
    if (src && !strcmp(src, "none"))
        return vn_cli_usage_error("advise", "advice needs a host");
    return run_advice(src, &req, explain);
}
