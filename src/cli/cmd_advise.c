/*
 * cmd_advise.c - `vnuma advise`: numad's `-w NCPUS[:MB]` pre-placement
 * advice without numad: the host nodes a guest of NCPUS vCPUs and MB MiB
 * should be placed on, printed in numad's format ("0-1", "2-3,6") on one
 * line of stdout so the callers of numad can read it.  The rules are the
 * advisor's (src/place/advisor.h): numad's by default, vnuma's earlier
 * smallest-set rule with --rule smallest.  --explain writes the reasoning
 * to stderr, leaving stdout as numad's.  On the live host the CPU load is
 * sampled first (--sample-ms, as numad samples /proc/stat).  The options
 * fill a vn_advice_request; the advice itself goes through the public API
 * (vnuma_advise, vnuma_host_sample_cpu_load).
 *
 * Exit codes: 0 advice printed (numad's rule: also when nothing really
 * fits, with a warning, as numad answers then), 1 the request does not
 * fit (--rule smallest, or --require-fit), or a synthetic host's spec is
 * wrong, 2 usage, 3 the host cannot be read.
 */
#include "cmd_advise.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/advisor.h"   /* vn_advice_request: what the options fill */
#include "cli_common.h"
#include "base/units.h"

enum { ADV_EXIT_NOFIT = VN_EXIT_INVALID };   /* the request does not fit */
enum { OPT_HOST = 256, OPT_HUGEPAGES, OPT_EXPLAIN, OPT_RULE, OPT_REQUIRE_FIT, OPT_SAMPLE,
       OPT_LEDGER, OPT_FORMAT };
#define ADV_SAMPLE_MS_DEFAULT 200     /* the live host's load sample (numad: 2000) */
#define ADV_SAMPLE_MS_MAX 60000

static const char usage_advise[] =
    "usage: vnuma advise [--host SOURCE] -w NCPUS[:MB] [--rule numad|smallest]\n"
    "                    [--hugepages SIZE] [--ledger FILE] [--sample-ms N]\n"
    "                    [--require-fit] [--explain] [--format text|json]\n"
    "\n"
    "Print the host NUMA nodes a guest of NCPUS vCPUs and MB MiB of memory\n"
    "should be placed on, in numad's `-w` format (e.g. 0-1), as libvirt asks\n"
    "numad for placement='auto'.  Answers from the host's model.\n"
    "\n"
    "--rule numad (the default) gives numad 0.5's answer: a node offers 100\n"
    "per CPU (each extra SMT thread 20), its idle share of that, and MemFree +\n"
    "Inactive(file); the first node with the best score (memory weighing more\n"
    "than CPU) divided by distance^2 over the nodes it needs starts, and the\n"
    "nodes nearest it are added until the request is covered (memory with\n"
    "100 MiB to spare on each node).  When nothing fits, numad answers every\n"
    "node, and so does vnuma, with a warning; exit status 0.\n"
    "--rule smallest gives the smallest set whose online CPUs >= NCPUS and\n"
    "free memory >= MB, then the nearest, then the lowest ids; when no set\n"
    "fits, nothing is printed and stderr says what is short.\n"
    "\n"
    "options:\n"
    "@HOST\n"
    "  -w, --what NCPUS[:MB]   the request: vCPUs, and memory in MiB (optional)\n"
    "  --rule numad|smallest   numad's choice (default) or the smallest set\n"
    "  --hugepages SIZE        the memory is backed by huge pages of SIZE (2M,\n"
    "                          1G, 2048K; a plain number is KiB): count free\n"
    "                          pages of that size instead of free memory (numad\n"
    "                          itself counts ordinary memory only)\n"
    "  --ledger FILE           the CPUs dedicated to the guests recorded in FILE\n"
    "                          (vnuma plan --ledger) count as busy\n"
    "  --sample-ms N           on this machine, sample the CPU load from\n"
    "                          /proc/stat over N ms (default 200; numad takes\n"
    "                          2000); 0: every CPU counts as idle.  Recorded and\n"
    "                          synthetic hosts carry no load: every CPU is idle\n"
    "  --require-fit           exit 1 when nothing really fits (the nodes'\n"
    "                          idle CPUs or free memory fall short)\n"
    "  --explain               write the nodes, the scores, the start node and\n"
    "                          the growth (or the candidates) to stderr\n"
    "  --format text|json      the nodes (default), or one JSON object: {\"nodes\",\n"
    "                          \"cpus\", \"fits\", \"shortfall\" (null when it fits),\n"
    "                          \"warnings\": [...], \"explanation\": what --explain\n"
    "                          writes, or null without it}; errors as {\"error\":\n"
    "                          {\"code\", \"class\", \"message\", \"element\"}} on stderr\n"
    "\n"
    "exit status: 0 advice printed, 1 the request does not fit (--rule\n"
    "smallest, --require-fit) or synthetic:SPEC is wrong, 2 usage, 3 the host\n"
    "cannot be read\n";

typedef struct advise_opts {
    const char *src, *ledger;
    vn_advice_request req;
    unsigned sample_ms;
    bool explain, require_fit, json;
} advise_opts;

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

static bool is_live(const char *src)
{
    return !src || !src[0] || !strcmp(src, "sysfs:/") || !strcmp(src, "sysfs:");
}

/* The host, with the live machine's CPU load sampled; NULL with *rc the
 * exit status (3, or 1 for a synthetic spec that is wrong). */
static vnuma_host *load_host(const advise_opts *o, int *rc)
{
    vnuma_error *err = NULL;
    vnuma_host *h = vn_cli_host(o->src, true, &err);
    *rc = VN_EXIT_HOST;
    if (h && !vnuma_host_node_count(h)) {
        vn_cli_error(VNUMA_ERR_HOST, "the host has no NUMA nodes");
        vnuma_host_free(h);
        return NULL;
    }
    if (h && is_live(o->src) && vnuma_host_sample_cpu_load(h, o->sample_ms, &err) < 0) {
        vnuma_host_free(h);
        h = NULL;
    }
    if (!h && err)
        *rc = vn_cli_fail(err);
    vnuma_error_free(err);
    return h;
}

/* --format json: the advice as one object on stdout. */
static int print_advice_json(const advise_opts *o, const vnuma_advice *a, const char *ex)
{
    bool fits = vnuma_advice_fits(a);
    if (!fits && o->require_fit) {
        VN_AUTOFREE char *msg = vn_asprintf("nothing fits the request: %s",
                                            vnuma_advice_shortfall(a));
        vn_cli_error(VNUMA_ERR_INVALID, msg);
        return ADV_EXIT_NOFIT;
    }
    struct json_object *j = json_object_new_object(), *w = json_object_new_array();
    json_object_object_add(j, "nodes", json_object_new_string(vnuma_advice_nodes(a)));
    json_object_object_add(j, "cpus", json_object_new_string(vnuma_advice_cpus(a)));
    json_object_object_add(j, "fits", json_object_new_boolean(fits));
    json_object_object_add(j, "shortfall",
                           fits ? NULL : json_object_new_string(vnuma_advice_shortfall(a)));
    if (!fits) {
        VN_AUTOFREE char *s = vn_asprintf("nothing fits the request: %s; numad answers %s "
                                          "all the same", vnuma_advice_shortfall(a),
                                          vnuma_advice_nodes(a));
        json_object_array_add(w, json_object_new_string(s));
    }
    json_object_object_add(j, "warnings", w);
    VN_AUTOFREE char *explanation =
        o->explain ? vn_asprintf("%sCPUs of the chosen nodes (libvirt's vCPU affinity): %s\n",
                                 ex ? ex : "", vnuma_advice_cpus(a))
                   : NULL;
    json_object_object_add(j, "explanation",
                           explanation ? json_object_new_string(explanation) : NULL);
    vn_cli_json_print(stdout, j);
    return VN_EXIT_OK;
}

static int print_advice(const advise_opts *o, const vnuma_advice *a)
{
    if (o->explain)
        fprintf(stderr, "CPUs of the chosen nodes (libvirt's vCPU affinity): %s\n",
                vnuma_advice_cpus(a));
    const char *nodes = vnuma_advice_nodes(a);
    if (!vnuma_advice_fits(a) && o->require_fit) {
        fprintf(stderr, "error: nothing fits the request: %s\n", vnuma_advice_shortfall(a));
        return ADV_EXIT_NOFIT;
    }
    if (!vnuma_advice_fits(a))
        fprintf(stderr, "warning: nothing fits the request: %s; numad answers %s all the same\n",
                vnuma_advice_shortfall(a), nodes);
    printf("%s\n", nodes);
    return VN_EXIT_OK;
}

/* The advice through the public API (vnuma_advise): the request as the
 * options parsed it, the ledger's dedicated CPUs counted busy. */
static int run_advice(advise_opts *o)
{
    vnuma_error *err = NULL;
    vnuma_advice_request *r = vnuma_advice_request_new(o->req.ncpus, o->req.mem_kib);
    vnuma_advice_request_set_hugepages(r, o->req.pagesize_kib);
    vnuma_advice_request_set_rule(r, o->req.rule == VN_ADVISE_SMALLEST ? VNUMA_ADVISE_SMALLEST
                                                                        : VNUMA_ADVISE_NUMAD);
    if (o->ledger && vnuma_advice_request_set_ledger(r, o->ledger, &err) < 0) {
        int rc = vn_cli_fail(err);
        vnuma_error_free(err);
        vnuma_advice_request_free(r);
        return rc;
    }
    int rc;
    vnuma_host *h = load_host(o, &rc);
    if (!h) {
        vnuma_advice_request_free(r);
        return rc;
    }
    char *ex = NULL;
    vnuma_advice *a = vnuma_advise(h, r, o->explain ? &ex : NULL, &err);
    if (ex && !(o->json && a))
        fputs(ex, stderr);
    vnuma_host_free(h);
    vnuma_advice_request_free(r);
    if (!a) {
        vn_cli_fail(err);
        rc = vnuma_error_code(err) == VNUMA_ERR_HOST ? ADV_EXIT_NOFIT : VN_EXIT_USAGE;
    } else {
        rc = o->json ? print_advice_json(o, a, ex) : print_advice(o, a);
    }
    free(ex);
    vnuma_advice_free(a);
    vnuma_error_free(err);
    return rc;
}

static int parse_option(int opt, advise_opts *o, bool *have_what)
{
    switch (opt) {
    case OPT_HOST:
        o->src = optarg;
        return 0;
    case VN_CLI_OPT_WHOLE_SYSTEM:
        vn_cli_set_whole_system();
        return 0;
    case 'w':
        if (!parse_what(optarg, &o->req))
            return vn_cli_usage_error("advise", "-w takes NCPUS[:MB]: NCPUS >= 1, MB in MiB");
        *have_what = true;
        return 0;
    case OPT_HUGEPAGES:
        if (!parse_pagesize(optarg, &o->req.pagesize_kib))
            return vn_cli_usage_error("advise", "--hugepages takes a page size above 4K, "
                                      "a power of two (2M, 1G, 2048K)");
        return 0;
    case OPT_RULE:
        if (strcmp(optarg, "numad") && strcmp(optarg, "smallest"))
            return vn_cli_usage_error("advise", "--rule takes numad or smallest");
        o->req.rule = strcmp(optarg, "numad") ? VN_ADVISE_SMALLEST : VN_ADVISE_NUMAD;
        return 0;
    case OPT_SAMPLE:
        if (!vn_parse_uint(optarg, &o->sample_ms) || optarg[0] < '0' || optarg[0] > '9' ||
            o->sample_ms > ADV_SAMPLE_MS_MAX)
            return vn_cli_usage_error("advise", "--sample-ms takes milliseconds, 0 to 60000");
        return 0;
    case OPT_LEDGER:
        o->ledger = optarg;
        return 0;
    case OPT_REQUIRE_FIT:
        o->require_fit = true;
        return 0;
    case OPT_EXPLAIN:
        o->explain = true;
        return 0;
    case OPT_FORMAT:
        if (strcmp(optarg, "text") && strcmp(optarg, "json"))
            return vn_cli_usage_error("advise", "--format takes text or json");
        o->json = !strcmp(optarg, "json");
        vn_cli_set_json_errors(o->json);
        return 0;
    case 'h':
        vn_cli_print_help(usage_advise);
        return -1;
    default:
        return VN_EXIT_USAGE;   /* vn_cli_getopt said why */
    }
}

int vn_cmd_advise(int argc, char **argv)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"whole-system", no_argument, NULL, VN_CLI_OPT_WHOLE_SYSTEM},
        {"what", required_argument, NULL, 'w'},
        {"hugepages", required_argument, NULL, OPT_HUGEPAGES},
        {"rule", required_argument, NULL, OPT_RULE},
        {"sample-ms", required_argument, NULL, OPT_SAMPLE},
        {"ledger", required_argument, NULL, OPT_LEDGER},
        {"require-fit", no_argument, NULL, OPT_REQUIRE_FIT},
        {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    advise_opts o = {.sample_ms = ADV_SAMPLE_MS_DEFAULT};
    bool have_what = false;
    int opt;
    optind = 1;
    while ((opt = vn_cli_getopt("advise", argc, argv, "+:hw:", opts)) != -1) {
        int r = parse_option(opt, &o, &have_what);
        if (r)
            return r < 0 ? VN_EXIT_OK : r;
    }
    if (optind < argc)
        return vn_cli_usage_error("advise", "unexpected argument");
    if (!have_what)
        return vn_cli_usage_error("advise", "-w NCPUS[:MB] is required");
    if (o.src && !strcmp(o.src, "none"))
        return vn_cli_usage_error("advise", "advice needs a host");
    return run_advice(&o);
}
