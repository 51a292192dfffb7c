/*
 * vnuma.c - the `vnuma` command: a thin front end over libvnuma.
 *
 * Each subcommand parses its options, calls the library (include/vnuma.h)
 * and prints; xml, check, argv and the built-in example are here, the
 * others in cmd_*.c (README.md lists them).  Exit codes (vnuma(1)):
 *   0 ok, 1 invalid input (the domain or a value), 2 usage,
 *   3 host or system failure (a file that cannot be read, a host that
 *     lacks what the domain asks).
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_apply.h"
#include "cmd_advise.h"
#include "cmd_host.h"
#include "cmd_ledger.h"
#include "cmd_plan.h"
#include "cmd_partition.h"

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
    "  ledger  list what a placement ledger holds (the guests `plan` recorded)\n"
    "  run     run a command under the domain's host policy (cgroup, policy, affinity)\n"
    "  launch  start QEMU for the domain as libvirt 9.0 does, placement enforced\n"
    "  stop    end a guest or run process; remove its cgroups and state\n"
    "  list    show what runs (and clean stale entries)\n"
    "  numatune  change the nodes of a running restrictive guest (virsh numatune --live)\n"
    "  status  show where a guest's memory really is, per guest cell\n"
    "  attach  hot-plug a memory device into a running guest (virsh attach-device --live)\n"
    "  detach  unplug a memory device of a running guest, by alias\n"
    "  set-memory  change the requested size of a running guest's virtio-mem device\n"
    "  setvcpus  plug or unplug vCPUs of a running guest, each into its cell\n"
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
    "@HOST\n"
    "  --hugetlbfs PATH=SIZE   the first gives the default huge page size\n";

static const char usage_host_opts[] =
    "@HOST\n"
    "                            none            skip the host rules\n"
    "  --hugetlbfs PATH=SIZE   a hugetlbfs mount and its page size (repeatable;\n"
    "                          the first is the default huge page size), or\n"
    "                          none; default: as libvirt finds them, from\n"
    "                          /etc/libvirt/qemu.conf's hugetlbfs_mount, else the\n"
    "                          hugetlbfs mounts of /proc/mounts\n"
    "  --memory-backing-dir DIR  where file-backed guest memory goes (default:\n"
    "                          qemu.conf's memory_backing_dir, else\n"
    "                          /var/lib/libvirt/qemu/ram)\n"
    "  --domain-id N           the domain id used in paths (default -1)\n"
    "  --verbose               say which mounts and directory are used, and why\n";

static const char usage_check[] =
    "usage: vnuma check [OPTIONS] [--format text|json] DOMAIN.xml...\n"
    "\n"
    "Check each domain as libvirt 9.0 does when it starts a QEMU guest: the\n"
    "domain rules, the QEMU rules and the host rules.  Exit 0 when every domain\n"
    "is valid (warnings go to stderr), 1 with `error: ...` otherwise.\n"
    "`check` refuses exactly what `argv` refuses.\n"
    "\n"
    "options:\n"
    "  --format text|json      lines on stderr (default), or one JSON object on\n"
    "                          stdout: {\"valid\": BOOL, \"domains\": [{\"file\",\n"
    "                          \"valid\", \"warnings\": [...], \"error\": {\"code\",\n"
    "                          \"class\", \"message\", \"element\"} or null}]}; other\n"
    "                          errors as {\"error\": {...}} on stderr\n";

static const char usage_argv[] =
    "usage: vnuma argv [OPTIONS] [--format args|shell|json] DOMAIN.xml...\n"
    "\n"
    "Print the memory and NUMA part of the QEMU 7.2 command line libvirt 9.0\n"
    "builds for each domain.  With several domains, each output is preceded\n"
    "by a `# FILE` line.\n"
    "\n"
    "options:\n"
    "  --format args|shell|json  libvirt's .args layout (default), one\n"
    "                          shell-quoted line, or a JSON array of strings\n"
    "                          (and errors as {\"error\": {\"code\", \"class\",\n"
    "                          \"message\", \"element\"}} on stderr)\n";

typedef struct cli {
    const char *host_src;      /* NULL = this machine */
    bool expand;               /* xml --expand */
    vnuma_config *cfg;
    vnuma_argv_style style;
    bool verbose;              /* say where the mounts came from */
    bool json;                 /* check --format json */
} cli;

enum { OPT_HOST = 256, OPT_HUGETLBFS, OPT_BACKING_DIR, OPT_DOMAIN_ID, OPT_FORMAT, OPT_EXPAND,
       OPT_VERBOSE };

/* Parse the options shared by check and argv; returns optind or -1. */
static int parse_opts(int argc, char **argv, const char *cmd, const char *help,
                      bool with_format, cli *c)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"whole-system", no_argument, NULL, VN_CLI_OPT_WHOLE_SYSTEM},
        {"hugetlbfs", required_argument, NULL, OPT_HUGETLBFS},
        {"memory-backing-dir", required_argument, NULL, OPT_BACKING_DIR},
        {"domain-id", required_argument, NULL, OPT_DOMAIN_ID},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"expand", no_argument, NULL, OPT_EXPAND},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int o, id;
    optind = 1;
    while ((o = vn_cli_getopt(cmd, argc, argv, "+:h", opts)) != -1) {
        vnuma_error *err = NULL;
        switch (o) {
        case OPT_HOST:
            c->host_src = optarg;
            break;
        case VN_CLI_OPT_WHOLE_SYSTEM:
            vn_cli_set_whole_system();
            break;
        case OPT_HUGETLBFS:
            if (vnuma_config_add_hugetlbfs_spec(c->cfg, optarg, &err) < 0) {
                vn_cli_usage_error(cmd, vnuma_error_text(err));
                vnuma_error_free(err);
                return -1;
            }
            break;
        case OPT_BACKING_DIR:
            if (vnuma_config_set_memory_backing_dir(c->cfg, optarg, &err) < 0) {
                vnuma_error_free(err);
                return vn_cli_usage_error(cmd, "--memory-backing-dir must not be empty"), -1;
            }
            break;
        case OPT_DOMAIN_ID:
            if (!vn_cli_parse_domain_id(optarg, &id))
                return vn_cli_usage_error(cmd, "--domain-id takes an integer >= -1"), -1;
            vnuma_config_set_domain_id(c->cfg, id);
            break;
        case OPT_FORMAT:
            vn_cli_set_json_errors(!strcmp(optarg, "json"));
            if (help == usage_check) {
                if (strcmp(optarg, "text") && strcmp(optarg, "json"))
                    return vn_cli_usage_error(cmd, "--format takes text or json"), -1;
                c->json = !strcmp(optarg, "json");
            } else if (!with_format)
                return vn_cli_usage_error(cmd, "unknown option '--format'"), -1;
            else if (!strcmp(optarg, "args"))
                c->style = VNUMA_ARGV_ARGS;
            else if (!strcmp(optarg, "shell"))
                c->style = VNUMA_ARGV_SHELL;
            else if (!strcmp(optarg, "json"))
                c->style = VNUMA_ARGV_JSON;
            else
                return vn_cli_usage_error(cmd, "--format takes args, shell or json"), -1;
            break;
        case OPT_VERBOSE:
            c->verbose = true;
            break;
        case OPT_EXPAND:
            if (help != usage_xml)
                return vn_cli_usage_error(cmd, "unknown option '--expand'"), -1;
            c->expand = true;
            break;
        case 'h':
            vn_cli_print_help(help);
            if (help != usage_xml)
                vn_cli_print_help(usage_host_opts);
            exit(VN_EXIT_OK);
        default:
            return -1;   /* vn_cli_getopt said why */
        }
    }
    return vn_cli_discover(c->cfg, c->verbose) == VN_EXIT_OK ? optind : -2;
}

/* xml: the document as libvirt formats it (as qemuxml2xml parses it: no
 * ABI update), a <vnuma> one expanded first with --expand. */
static int do_xml(const cli *c, const char *path)
{
    vnuma_error *err = NULL;
    vnuma_host *host = NULL;
    char *s = NULL;
    vnuma_domain *d = vnuma_domain_read(path, 0, &err);
    if (d && c->expand && vnuma_domain_has_vnuma(d)) {
        char **w = NULL;
        host = vn_cli_host(c->host_src, false, &err);
        if (!err && vnuma_domain_expand(d, host, c->cfg, &w, &err) < 0) {
            vnuma_domain_free(d);
            d = NULL;
        }
        vn_cli_warn(w);
    }
    if (d && !err)
        s = vnuma_domain_format(d, &err);
    int rc = s ? (fputs(s, stdout), VN_EXIT_OK) : vn_cli_fail(err);
    free(s);
    vnuma_domain_free(d);
    vnuma_host_free(host);
    vnuma_error_free(err);
    return rc;
}

static int cmd_xml(int argc, char **argv)
{
    cli c = {.cfg = vnuma_config_new()};
    int rc, i = parse_opts(argc, argv, "xml", usage_xml, false, &c);
    if (i == -2)
        rc = VN_EXIT_HOST;
    else if (i < 0)
        rc = VN_EXIT_USAGE;
    else if (argc - i != 1)
        rc = vn_cli_usage_error("xml", "expected one DOMAIN.xml");
    else
        rc = do_xml(&c, argv[i]);
    vnuma_config_free(c.cfg);
    return rc;
}

/* check --format json: the domain's entry {"file", "valid", "warnings",
 * "error"} into report; takes w. */
static void report_domain(struct json_object *report, const char *path, char **w,
                          const vnuma_error *err)
{
    struct json_object *o = json_object_new_object(), *ws = json_object_new_array();
    json_object_object_add(o, "file", json_object_new_string(path));
    json_object_object_add(o, "valid", json_object_new_boolean(!err));
    for (size_t i = 0; w && w[i]; i++)
        json_object_array_add(ws, json_object_new_string(w[i]));
    vnuma_strv_free(w);
    json_object_object_add(o, "warnings", ws);
    json_object_object_add(o, "error",
                           err ? vn_cli_json_error(vnuma_error_code(err), vnuma_error_class(err),
                                                   vnuma_error_message(err),
                                                   vnuma_error_element(err))
                               : NULL);
    json_object_array_add(report, o);
}

/* One domain of check or argv: its exit status.  report: check --format
 * json's array of domains, NULL otherwise. */
static int one_domain(const cli *c, const vnuma_host *host, const char *path, bool several,
                      bool print, struct json_object *report)
{
    vnuma_error *err = NULL;
    char **w = NULL, **args = NULL;
    vnuma_domain *d = vnuma_domain_read(path, VNUMA_PARSE_ABI_UPDATE, &err);
    if (d)
        args = vnuma_domain_argv(d, host, c->cfg, &w, &err);
    int rc = VN_EXIT_OK;
    if (report) {
        rc = args ? VN_EXIT_OK : vn_cli_exit_code(vnuma_error_code(err));
        report_domain(report, path, w, args ? NULL : err);
        vnuma_strv_free(args);
        vnuma_domain_free(d);
        vnuma_error_free(err);
        return rc;
    }
    vn_cli_warn(w);
    if (!args) {
        if (several)
            fprintf(stderr, "%s: ", path);
        rc = vn_cli_fail(err);
    } else if (print) {
        if (several)
            printf("# %s\n", path);
        char *s = vnuma_argv_format(args, c->style);
        fputs(s, stdout);
        free(s);
    }
    vnuma_strv_free(args);
    vnuma_domain_free(d);
    vnuma_error_free(err);
    return rc;
}

/* check and argv: the same pipeline; argv also prints. */
static int run_domains(int argc, char **argv, const char *cmd, const char *help, bool print)
{
    cli c = {.cfg = vnuma_config_new()};
    vnuma_error *err = NULL;
    vnuma_host *host = NULL;
    int rc = VN_EXIT_OK;
    int i = parse_opts(argc, argv, cmd, help, print, &c);
    if (i == -2)
        rc = VN_EXIT_HOST;
    else if (i < 0)
        rc = VN_EXIT_USAGE;
    else if (i >= argc)
        rc = vn_cli_usage_error(cmd, "expected DOMAIN.xml");
    else if (host = vn_cli_host(c.host_src, false, &err), err)
        rc = vn_cli_fail(err);
    else {
        struct json_object *report = c.json ? json_object_new_array() : NULL;
        for (int k = i; k < argc; k++) {
            int x = one_domain(&c, host, argv[k], argc - i > 1, print, report);
            if (rc == VN_EXIT_OK || x == VN_EXIT_HOST)
                rc = x;
        }
        if (report) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "valid", json_object_new_boolean(rc == VN_EXIT_OK));
            json_object_object_add(o, "domains", report);
            vn_cli_json_print(stdout, o);
        }
    }
    vnuma_host_free(host);
    vnuma_error_free(err);
    vnuma_config_free(c.cfg);
    return rc;
}

static int run_example(void)
{
    vnuma_error *err = NULL;
    char **w = NULL, **args = NULL;
    vnuma_host *host = vnuma_host_load(NULL, &err);
    if (!host) {
        fprintf(stderr, "warning: cannot read this machine's NUMA topology (%s); "
                        "checking without host rules\n", vnuma_error_message(err));
        vnuma_error_free(err);
        err = NULL;
    }
    printf("# vnuma argv on the built-in example domain:\n#\n");
    for (const char *p = example_domain; *p;) {
        const char *nl = strchr(p, '\n');
        printf("#   %.*s\n", (int)(nl - p), p);
        p = nl + 1;
    }
    vnuma_config *cfg = vnuma_config_new();
    vnuma_domain *d = vnuma_domain_parse_memory(example_domain, strlen(example_domain), &err);
    if (d && vnuma_config_discover(cfg, vn_cli_config_root(), &err) == 0)
        args = vnuma_domain_argv(d, host, cfg, &w, &err);
    vnuma_config_free(cfg);
    vn_cli_warn(w);
    int rc = VN_EXIT_OK;
    if (!args) {
        rc = vn_cli_fail(err);
    } else {
        char *s = vnuma_argv_format(args, VNUMA_ARGV_ARGS);
        fputs(s, stdout);
        free(s);
    }
    vnuma_strv_free(args);
    vnuma_domain_free(d);
    vnuma_host_free(host);
    vnuma_error_free(err);
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
    if (!strcmp(cmd, "ledger"))
        return vn_cmd_ledger(argc - 1, argv + 1);
    static const struct { const char *name; int (*fn)(int, char **); } apply[] = {
        {"run", vn_cmd_run}, {"launch", vn_cmd_launch}, {"stop", vn_cmd_stop},
        {"list", vn_cmd_list}, {"numatune", vn_cmd_numatune}, {"status", vn_cmd_status},
        {"attach", vn_cmd_attach}, {"detach", vn_cmd_detach},
        {"set-memory", vn_cmd_set_memory}, {"setvcpus", vn_cmd_setvcpus},
    };
    for (size_t k = 0; k < sizeof(apply) / sizeof(apply[0]); k++)
        if (!strcmp(cmd, apply[k].name))
            return apply[k].fn(argc - 1, argv + 1);
    VN_AUTOFREE char *msg = vn_asprintf("unknown command '%s'", cmd);
    return vn_cli_usage_error(NULL, msg);
}
