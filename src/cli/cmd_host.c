/*
 * cmd_host.c - `vnuma host`: print the NUMA topology of a host as vnuma
 * reads it, from this machine's sysfs, a recorded sysfs tree or a libvirt
 * capabilities file.  Formats: libvirt's capabilities <topology> (caps),
 * numactl --hardware's text (text, the default), JSON, or an
 * SVG picture (vnuma_host_format); with --ledger FILE, the picture has
 * every guest the ledger records drawn on the host (vnuma_ledger_svg).
 *
 * Exit codes as for every vnuma command: 0 ok, 1 a synthetic host's spec
 * or the ledger is wrong, 2 usage, 3 the host cannot be read.  Called from vnuma.c with argv[0] = "host".
 */
#include "cmd_host.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"

enum { OPT_HOST = 256, OPT_FORMAT, OPT_LEDGER };

static const char usage_host[] =
    "usage: vnuma host [--host SOURCE] [--whole-system] [--format text|caps|json|svg]\n"
    "       vnuma host [--host SOURCE] --ledger FILE --format svg\n"
    "\n"
    "Print the NUMA topology of a host as vnuma sees it: nodes, their CPUs\n"
    "(socket, die, core, SMT siblings, online), memory, page pools and\n"
    "distances.\n"
    "\n"
    "options:\n"
    "@HOST\n"
    "  --format text|caps|json like `numactl --hardware` (default); the\n"
    "                          capabilities document libvirt 9.0 would print\n"
    "                          (its <topology> part, plus the page sizes); or JSON\n"
    "  --format svg            a picture (SVG 1.1) in the manner of hwloc's lstopo:\n"
    "                          packages, nodes, cores, PUs (P#n: host CPU n),\n"
    "                          memory (hatched: free unknown) and distances\n"
    "  --ledger FILE           with --format svg: draw every guest the placement\n"
    "                          ledger FILE records on the host (its memory on its\n"
    "                          nodes, its CPUs); another host's ledger is refused\n"
    "\n"
    "exit status: 0 ok, 1 a synthetic:SPEC that is wrong, or the ledger is corrupt\n"
    "or another host's, 2 usage, 3 the host or the ledger cannot be read\n";

/* The picture of the ledger's guests on the host. */
static char *ledger_svg(const vnuma_host *h, const char *path, vnuma_error **err)
{
    vnuma_ledger *l = vnuma_ledger_read(path, err);
    char *s = l ? vnuma_ledger_svg(l, h, err) : NULL;
    vnuma_ledger_free(l);
    return s;
}

int vn_cmd_host(int argc, char **argv)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"whole-system", no_argument, NULL, VN_CLI_OPT_WHOLE_SYSTEM},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"ledger", required_argument, NULL, OPT_LEDGER},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *src = NULL, *ledger = NULL;
    vnuma_host_style fmt = VNUMA_HOST_TEXT;
    int o;
    optind = 1;
    while ((o = vn_cli_getopt("host", argc, argv, "+:h", opts)) != -1) {
        switch (o) {
        case OPT_HOST:
            src = optarg;
            break;
        case VN_CLI_OPT_WHOLE_SYSTEM:
            vn_cli_set_whole_system();
            break;
        case OPT_LEDGER:
            ledger = optarg;
            break;
        case OPT_FORMAT:
            vn_cli_set_json_errors(!strcmp(optarg, "json"));
            if (!strcmp(optarg, "text"))
                fmt = VNUMA_HOST_TEXT;
            else if (!strcmp(optarg, "caps"))
                fmt = VNUMA_HOST_CAPS;
            else if (!strcmp(optarg, "json"))
                fmt = VNUMA_HOST_JSON;
            else if (!strcmp(optarg, "svg"))
                fmt = VNUMA_HOST_SVG;
            else
                return vn_cli_usage_error("host", "--format takes text, caps, json or svg");
            break;
        case 'h':
            vn_cli_print_help(usage_host);
            return VN_EXIT_OK;
        default:
            return VN_EXIT_USAGE;   /* vn_cli_getopt said why */
        }
    }
    if (optind < argc)
        return vn_cli_usage_error("host", "unexpected argument");
    if (ledger && fmt != VNUMA_HOST_SVG)
        return vn_cli_usage_error("host", "--ledger draws the guests: it needs --format svg "
                                  "(`vnuma ledger FILE` lists them)");
    vnuma_error *err = NULL;
    vnuma_host *h = vn_cli_host(src, true, &err);
    if (!h) {
        int rc = vn_cli_fail(err);   /* 3, or 1 for a synthetic spec that is wrong */
        vnuma_error_free(err);
        return rc;
    }
    char *s = ledger ? ledger_svg(h, ledger, &err) : vnuma_host_format(h, fmt);
    int rc = s ? (fputs(s, stdout), VN_EXIT_OK) : vn_cli_fail_lines(err);
    free(s);
    vnuma_host_free(h);
    vnuma_error_free(err);
    return rc;
}
