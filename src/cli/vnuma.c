/*
 * vnuma.c - the `vnuma` command: a thin front end over libvnuma.
 *
 * Each subcommand parses its options, loads the models (domain, host,
 * configuration), calls the core and prints.  Exit codes (vnuma(1)):
 *   0 ok, 1 invalid input (the domain or a value), 2 usage,
 *   3 host or system failure (a file that cannot be read, a host that
 *     lacks what the domain asks).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_apply.h"
#include "cmd_advise.h"
#include "cmd_host.h"
#include "cmd_plan.h"
#include "cmd_partition.h"
#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "qemu/qemu.h"

/* The built-in example `vnuma` runs with no arguments: a two-cell guest
 * with per-cell binding, as in the README. */
static const char example_domain[] =
    "<domain type='kvm'>\n"
    "  <name>example</name>\n"
    "  <memory unit='GiB'>4</memory>\n"
    "  <vcpu placement='static'>4</vcpu>\n"
    "  <numatune>\n"
    "    <memory mode='strict' nodeset='0'/>\n"
    "    <memnode cellid='0' mode='strict' nodeset='0'/>\n"
    "    <memnode cellid='1' mode='preferred' nodeset='0'/>\n"
    "  </numatune>\n"
    "  <os>\n"
    "    <type arch='x86_64' machine='pc'>hvm</type>\n"
    "  </os>\n"
    "  <cpu>\n"
    "    <topology sockets='2' dies='1' cores='2' threads='1'/>\n"
    "    <numa>\n"
    "      <cell id='0' cpus='0-1' memory='2' unit='GiB'/>\n"
    "      <cell id='1' cpus='2-3' memory='2' unit='GiB'/>\n"
    "    </numa>\n"
    "  </cpu>\n"
    "</domain>\n";

static const char usage_main[] =
    "usage: vnuma [--version] [--help] COMMAND [OPTIONS] [DOMAIN.xml...]\n"
    "\n"
    "Place the memory and vCPUs of QEMU/KVM guests on NUMA hosts, from the\n"
    "NUMA/memory part of a libvirt domain XML.\n"
    "\n"
    "commands:\n"
    "  xml     print the domain, formatted as libvirt 9.0 formats it\n"
    "  check   check the domain as libvirt does (against a host); exit 0 if valid\n"
    "  argv    print the QEMU 7.2 arguments libvirt 9.0 builds for its memory and NUMA\n"
    "  host    print a host's NUMA topology (this machine, sysfs:DIR or a caps XML)\n"
    "  plan    place each guest NUMA cell of an auto-placed domain on host nodes\n"
    "  advise  print the host nodes for NCPUS:MB in numad's -w format, without numad\n"
    "  partition  convert a domain into a <vnuma> one mirroring the host\n"
    "  run     run a command under the domain's host policy (cgroup, policy, affinity)\n"
    "  launch  start QEMU for the domain as libvirt 9.0 does, placement enforced\n"
    "  stop    end a guest or run process; remove its cgroups and state\n"
    "  list    show what runs (and clean stale entries)\n"
    "  numatune  change the nodes of a running restrictive guest (virsh numatune --live)\n"
    "  status  show where a guest's memory really is, per guest cell\n"
    "\n"
    "With no command, vnuma runs `argv` on a built-in two-cell example against\n"
    "this machine.  `vnuma COMMAND --help` describes a command.\n"
    "\n"
    "exit status: 0 ok, 1 invalid input, 2 usage, 3 host or system failure\n";

static const char usage_xml[] =
    "usage: vnuma xml [--expand [--host SOURCE] [--hugetlbfs PATH=SIZE]] DOMAIN.xml\n"
    "\n"
    "Print the whole domain document with the NUMA/memory elements formatted as\n"
    "libvirt 9.0 formats them (defaults filled in, sizes in KiB).  Applies the\n"
    "rules `virsh define` applies, not the host rules.\n"
    "\n"
    "  --expand                replace <vnuma> by the guest NUMA layout it stands\n"
    "                          for on the host (cells, distances, topology,\n"
    "                          memnodes, vcpupins): a plain libvirt domain\n"
    "  --host SOURCE           the host for --expand (default: this machine)\n"
    "  --hugetlbfs PATH=SIZE   the first gives the default huge page size\n";

static const char usage_host_opts[] =
    "  --host SOURCE           the host: a libvirt capabilities XML file,\n"
    "                          sysfs:DIR (a recorded sysfs tree), synthetic:SPEC\n"
    "                          (a made-up host: docs/synthetic-hosts.md), or none\n"
    "                          (skip host rules); default: this machine\n"
    "  --hugetlbfs PATH=SIZE   a hugetlbfs mount and its page size (repeatable;\n"
    "                          the first is the default huge page size)\n"
    "  --memory-backing-dir DIR  where file-backed guest memory goes\n"
    "                          (default /var/lib/libvirt/qemu/ram)\n"
    "  --domain-id N           the domain id used in paths (default -1)\n";

static const char usage_check[] =
    "usage: vnuma check [OPTIONS] DOMAIN.xml...\n"
    "\n"
    "Check each domain as libvirt 9.0 does when it starts a QEMU guest: the\n"
    "domain rules, the QEMU rules and the host rules.  Exit 0 when every domain\n"
    "is valid (warnings go to stderr), 1 with `error: ...` otherwise.\n"
    "`check` refuses exactly what `argv` refuses.\n"
    "\n"
    "options:\n";

static const char usage_argv[] =
    "usage: vnuma argv [OPTIONS] [--format args|shell|json] DOMAIN.xml...\n"
    "\n"
    "Print the memory and NUMA part of the QEMU 7.2 command line libvirt 9.0\n"
    "builds for each domain.  With several domains, each output is preceded\n"
    "by a `# FILE` line.\n"
    "\n"
    "options:\n"
    "  --format args|shell|json  libvirt's .args layout (default), one\n"
    "                          shell-quoted line, or a JSON array of strings\n";

typedef struct cli {
    const char *host_src;      /* NULL = this machine */
    bool expand;               /* xml --expand */
    vn_config cfg;
    vn_argv_style style;
} cli;

enum { OPT_HOST = 256, OPT_HUGETLBFS, OPT_BACKING_DIR, OPT_DOMAIN_ID, OPT_FORMAT, OPT_EXPAND };

/* Parse the options shared by check and argv; returns optind or -1. */
static int parse_opts(int argc, char **argv, const char *cmd, const char *help,
                      bool with_format, cli *c)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"hugetlbfs", required_argument, NULL, OPT_HUGETLBFS},
        {"memory-backing-dir", required_argument, NULL, OPT_BACKING_DIR},
        {"domain-id", required_argument, NULL, OPT_DOMAIN_ID},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"expand", no_argument, NULL, OPT_EXPAND},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int o;
    vn_error e = {0};
    optind = 1;
    while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (o) {
        case OPT_HOST:
            c->host_src = optarg;
            break;
        case OPT_HUGETLBFS:
            if (vn_config_add_mount_spec(&c->cfg, optarg, &e) < 0)
                return vn_cli_usage_error(cmd, vn_error_text(&e)), -1;
            break;
        case OPT_BACKING_DIR:
            if (!*optarg)
                return vn_cli_usage_error(cmd, "--memory-backing-dir must not be empty"), -1;
            free(c->cfg.memory_backing_dir);
            c->cfg.memory_backing_dir = vn_strdup(optarg);
            break;
        case OPT_DOMAIN_ID:
            if (!vn_parse_int(optarg, &c->cfg.domain_id) || c->cfg.domain_id < -1)
                return vn_cli_usage_error(cmd, "--domain-id takes an integer >= -1"), -1;
            break;
        case OPT_FORMAT:
            if (!with_format)
                return vn_cli_usage_error(cmd, "unknown option '--format'"), -1;
            if (!strcmp(optarg, "args"))
                c->style = VN_ARGV_ARGS;
            else if (!strcmp(optarg, "shell"))
                c->style = VN_ARGV_SHELL;
            else if (!strcmp(optarg, "json"))
                c->style = VN_ARGV_JSON;
            else
                return vn_cli_usage_error(cmd, "--format takes args, shell or json"), -1;
            break;
        case OPT_EXPAND:
            if (help != usage_xml)
                return vn_cli_usage_error(cmd, "unknown option '--expand'"), -1;
            c->expand = true;
            break;
        case 'h':
            fputs(help, stdout);
            if (help != usage_xml)
                fputs(usage_host_opts, stdout);
            exit(VN_EXIT_OK);
        default:
            return vn_cli_usage_error(cmd, "invalid option"), -1;
        }
    }
    return optind;
}

static int cmd_xml(int argc, char **argv)
{
    cli c = {0};
    vn_host *host = NULL;
    vn_error e = {0};
    vn_warnings w = {0};
    char *s = NULL;
    int rc = VN_EXIT_OK;
    vn_config_init(&c.cfg);
    int i = parse_opts(argc, argv, "xml", usage_xml, false, &c);
    if (i < 0) {
        rc = VN_EXIT_USAGE;
        goto out;
    }
    if (argc - i != 1) {
        rc = vn_cli_usage_error("xml", "expected one DOMAIN.xml");
        goto out;
    }
    vn_domain *d = vn_cli_load_domain(argv[i], 0, &e);
    if (d && c.expand && d->vnuma.present) {
        host = vn_cli_load_host(c.host_src, false, &e);
        d = e.code ? (vn_domain_free(d), NULL) : vn_cli_expand_domain(d, host, &c.cfg, &w, &e);
        vn_cli_print_warnings(&w);
    }
    if (d)
        s = vn_domain_format(d, &e);
    vn_domain_free(d);
    if (!s) {
        rc = vn_cli_report(&e);
        goto out;
    }
    fputs(s, stdout);
    free(s);
out:
    vn_host_free(host);
    vn_config_clear(&c.cfg);
    return rc;
}

/* check and argv: the same pipeline; argv also prints. */
static int run_domains(int argc, char **argv, const char *cmd, const char *help, bool print)
{
    cli c = {0};
    int rc = VN_EXIT_OK;
    vn_error e = {0};
    vn_host *host = NULL;

    vn_config_init(&c.cfg);
    int i = parse_opts(argc, argv, cmd, help, print, &c);
    if (i < 0) {
        rc = VN_EXIT_USAGE;
        goto out;
    }
    if (i >= argc) {
        rc = vn_cli_usage_error(cmd, "expected DOMAIN.xml");
        goto out;
    }
    host = vn_cli_load_host(c.host_src, false, &e);
    if (e.code) {
        rc = vn_cli_report(&e);
        goto out;
    }
    int ndomains = argc - i;
    for (; i < argc; i++) {
        vn_error de = {0};
        vn_warnings w = {0};
        vn_argv av = {0};
        vn_domain *d = vn_cli_expand_domain(vn_cli_load_domain(argv[i], VN_PARSE_ABI_UPDATE, &de), host, &c.cfg,
                                            &w, &de);
        int r = d ? vn_qemu_build(d, host, &c.cfg, &w, &av, &de) : -1;
        vn_cli_print_warnings(&w);
        if (r < 0) {
            if (ndomains > 1)
                fprintf(stderr, "%s: ", argv[i]);
            int x = vn_cli_report(&de);
            if (rc == VN_EXIT_OK || x == VN_EXIT_HOST)
                rc = x;
        } else if (print) {
            if (ndomains > 1)
                printf("# %s\n", argv[i]);
            char *s = vn_argv_format(&av, c.style);
            fputs(s, stdout);
            free(s);
        }
        vn_argv_clear(&av);
        vn_domain_free(d);
    }
out:
    vn_host_free(host);
    vn_config_clear(&c.cfg);
    return rc;
}

static int run_example(void)
{
    vn_error e = {0};
    vn_warnings w = {0};
    vn_argv av = {0};
    vn_config cfg;
    vn_config_init(&cfg);
    vn_host *host = vn_host_load_sysfs("/", &e);
    if (!host) {
        fprintf(stderr, "warning: cannot read this machine's NUMA topology (%s); "
                        "checking without host rules\n", e.msg);
        e = (vn_error){0};
    }
    printf("# vnuma argv on the built-in example domain:\n#\n");
    for (const char *p = example_domain; *p;) {
        const char *nl = strchr(p, '\n');
        printf("#   %.*s\n", (int)(nl - p), p);
        p = nl + 1;
    }
    vn_domain *d = vn_domain_parse(example_domain, strlen(example_domain), VN_PARSE_ABI_UPDATE, &e);
    int rc = VN_EXIT_OK;
    if (!d || vn_qemu_build(d, host, &cfg, &w, &av, &e) < 0) {
        vn_cli_print_warnings(&w);
        rc = vn_cli_report(&e);
    } else {
        vn_cli_print_warnings(&w);
        char *s = vn_argv_format(&av, VN_ARGV_ARGS);
        fputs(s, stdout);
        free(s);
    }
    vn_argv_clear(&av);
    vn_domain_free(d);
    vn_host_free(host);
    vn_config_clear(&cfg);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return run_example();
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return VN_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("vnuma %s\n", VNUMA_VERSION);
        return VN_EXIT_OK;
    }
    if (!strcmp(cmd, "xml"))
        return cmd_xml(argc - 1, argv + 1);
    if (!strcmp(cmd, "check"))
        return run_domains(argc - 1, argv + 1, "check", usage_check, false);
    if (!strcmp(cmd, "argv"))
        return run_domains(argc - 1, argv + 1, "argv", usage_argv, true);
    if (!strcmp(cmd, "host"))
        return vn_cmd_host(argc - 1, argv + 1);
    if (!strcmp(cmd, "plan"))
        return vn_cmd_plan(argc - 1, argv + 1);
    if (!strcmp(cmd, "advise"))
        return vn_cmd_advise(argc - 1, argv + 1);
    if (!strcmp(cmd, "partition"))
        return vn_cmd_partition(argc - 1, argv + 1);
    static const struct { const char *name; int (*fn)(int, char **); } apply[] = {
        {"run", vn_cmd_run}, {"launch", vn_cmd_launch}, {"stop", vn_cmd_stop},
        {"list", vn_cmd_list}, {"numatune", vn_cmd_numatune}, {"status", vn_cmd_status},
    };
    for (size_t k = 0; k < sizeof(apply) / sizeof(apply[0]); k++)
        if (!strcmp(cmd, apply[k].name))
            return apply[k].fn(argc - 1, argv + 1);
    fprintf(stderr, "vnuma: unknown command '%s'\n", cmd);
    fputs(usage_main, stderr);
    return VN_EXIT_USAGE;
}
