/*
 * cmd_host.c - `vnuma host`: print the NUMA topology of a host as vnuma
 * reads it, from this machine's sysfs, a recorded sysfs tree or a libvirt
 * capabilities file.  Formats: libvirt's capabilities <topology> (caps),
 * numactl --hardware's text (text, the default), JSON, or an
 * SVG picture (picture/svg.h).
 *
 * Exit codes as for every vnuma command: 0 ok, 2 usage, 3 the host cannot
 * be read.  Called from vnuma.c with argv[0] = "host".
 */
#include "cmd_host.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "model/host.h"
#include "host/host_format.h"
#include "picture/svg.h"

enum { OPT_HOST = 256, OPT_FORMAT };
typedef enum { FMT_TEXT, FMT_CAPS, FMT_JSON, FMT_SVG } host_fmt;

static const char usage_host[] =
    "usage: vnuma host [--host SOURCE] [--format text|caps|json|svg]\n"
    "\n"
    "Print the NUMA topology of a host as vnuma sees it: nodes, their CPUs\n"
    "(socket, die, core, SMT siblings, online), memory, page pools and\n"
    "distances.\n"
    "\n"
    "options:\n"
    "  --host SOURCE           the host: a libvirt capabilities XML file, or\n"
    "                          sysfs:DIR (a recorded tree holding sys/devices/system\n"
    "                          and proc/, or libvirt's system/); default: this\n"
    "                          machine (/sys, /proc); or synthetic:SPEC, a made-up\n"
    "                          host: 'package:2 numa:2 core:4 pu:2 mem=16G ...'\n"
    "                          (docs/synthetic-hosts.md)\n"
    "  --format text|caps|json like `numactl --hardware` (default); the\n"
    "                          capabilities document libvirt 9.0 would print\n"
    "                          (its <topology> part, plus the page sizes); or JSON\n"
    "  --format svg            a picture (SVG 1.1) in the manner of hwloc's lstopo:\n"
    "                          packages, nodes, cores, PUs, memory and distances\n"
    "\n"
    "exit status: 0 ok, 2 usage, 3 the host cannot be read\n";

int vn_cmd_host(int argc, char **argv)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *src = NULL;
    host_fmt fmt = FMT_TEXT;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (o) {
        case OPT_HOST:
            src = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "text"))
                fmt = FMT_TEXT;
            else if (!strcmp(optarg, "caps"))
                fmt = FMT_CAPS;
            else if (!strcmp(optarg, "json"))
                fmt = FMT_JSON;
            else if (!strcmp(optarg, "svg"))
                fmt = FMT_SVG;
            else
                return vn_cli_usage_error("host", "--format takes text, caps, json or svg");
            break;
        case 'h':
            fputs(usage_host, stdout);
            return VN_EXIT_OK;
        default:
            return vn_cli_usage_error("host", "invalid option");
        }
    }
    if (optind < argc)
        return vn_cli_usage_error("host", "unexpected argument");
    vn_error e = {0};
    vn_host *h = vn_cli_load_host(src, true, &e);
    if (!h) {
        vn_cli_report(&e);
        return VN_EXIT_HOST;
    }
    char *s = fmt == FMT_CAPS ? vn_host_format_caps(h)
              : fmt == FMT_SVG ? vn_svg_host(h, NULL)
              : fmt == FMT_JSON ? vn_host_format_json(h) : vn_host_format_text(h);
    fputs(s, stdout);
    free(s);
    vn_host_free(h);
    return VN_EXIT_OK;
}
