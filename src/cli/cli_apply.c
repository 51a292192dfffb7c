/*
 * cli_apply.c - the options the apply commands share (see cli_apply.h).
 */
#include "cli_apply.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"

static const char common_help[] =
    "  --state-dir DIR         the state directory (default /run/vnuma)\n"
    "  --verbose               report each step on stderr\n";
static const char host_help[] =
    "@HOST\n"
    "  --hugetlbfs PATH=SIZE   a hugetlbfs mount (repeatable; the first is the default)\n"
    "  --memory-backing-dir DIR  file-backed memory (default /var/lib/libvirt/qemu/ram)\n"
    "  --domain-id N           the id in paths (default: the lowest one free, from 1)\n";

enum {
    O_STATE = 256, O_VERBOSE, O_HOST, O_HUGETLBFS, O_BACKING, O_DOMID, O_NAME, O_CGROUP,
    O_QEMU, O_LOGDIR, O_FOREGROUND, O_QMPTIMEOUT, O_FORMAT, O_NODESET, O_TIMEOUT, O_LEDGER, O_WHOLE,
};

static const struct {
    struct option opt;
    unsigned need;
} table[] = {
    {{"state-dir", required_argument, NULL, O_STATE}, 0},
    {{"verbose", no_argument, NULL, O_VERBOSE}, 0},
    {{"host", required_argument, NULL, O_HOST}, VN_CA_HOST},
    {{"whole-system", no_argument, NULL, O_WHOLE}, VN_CA_HOST},
    {{"hugetlbfs", required_argument, NULL, O_HUGETLBFS}, VN_CA_HOST},
    {{"memory-backing-dir", required_argument, NULL, O_BACKING}, VN_CA_HOST},
    {{"domain-id", required_argument, NULL, O_DOMID}, VN_CA_HOST},
    {{"name", required_argument, NULL, O_NAME}, VN_CA_NAME},
    {{"cgroup-parent", required_argument, NULL, O_CGROUP}, VN_CA_CGROUP},
    {{"qemu", required_argument, NULL, O_QEMU}, VN_CA_LAUNCH},
    {{"log-dir", required_argument, NULL, O_LOGDIR}, VN_CA_LAUNCH},
    {{"foreground", no_argument, NULL, O_FOREGROUND}, VN_CA_LAUNCH},
    {{"qmp-timeout", required_argument, NULL, O_QMPTIMEOUT}, VN_CA_LAUNCH},
    {{"format", required_argument, NULL, O_FORMAT}, VN_CA_FORMAT},
    {{"nodeset", required_argument, NULL, O_NODESET}, VN_CA_NODESET},
    {{"timeout", required_argument, NULL, O_TIMEOUT}, VN_CA_TIMEOUT},
    {{"ledger", required_argument, NULL, O_LEDGER}, VN_CA_LEDGER},
    {{"help", no_argument, NULL, 'h'}, 0},
};

static void say(void *opaque, const char *line)
{
    (void)opaque;
    fprintf(stderr, "vnuma: %s\n", line);
}

void vn_cli_apply_init(vn_cli_apply *c)
{
    *c = (vn_cli_apply){0};
    vn_apply_opts_init(&c->o);
    c->o.host_load.cpuset_root = vn_cli_config_root();
    c->o.warnings = &c->w;
    /* QEMU dying mid-command must read as a closed monitor (qmp.h). */
    signal(SIGPIPE, SIG_IGN);
}

void vn_cli_apply_clear(vn_cli_apply *c)
{
    vn_apply_opts_clear(&c->o);
    vn_warnings_clear(&c->w);
}

static int seconds_ms(const char *cmd, const char *opt, const char *v, int *out)
{
    unsigned s;
    if (!vn_parse_uint(v, &s) || s == 0 || s > 86400)
        return vn_cli_usage_error(cmd, opt), -1;
    *out = (int)s * 1000;
    return 0;
}

static int one(int o, const char *cmd, vn_cli_apply *c)
{
    vn_error e = {0};
    switch (o) {
    case O_STATE: c->o.state_dir = optarg; break;
    case O_VERBOSE: c->o.verbose = say; break;
    case O_HOST: c->o.host_source = optarg; break;
    case O_WHOLE: c->o.host_load.whole_system = true; break;
    case O_HUGETLBFS:
        if (vn_config_add_mount_spec(&c->o.cfg, optarg, &e) < 0)
            return vn_cli_usage_error(cmd, vn_error_text(&e)), -1;
        break;
    case O_BACKING:
        vn_config_set_backing_dir(&c->o.cfg, optarg, VN_CONFIG_FROM_BACKING_DIR_OPTION);
        break;
    case O_DOMID:
        if (!vn_parse_int(optarg, &c->o.cfg.domain_id) || c->o.cfg.domain_id < -1)
            return vn_cli_usage_error(cmd, "--domain-id takes an integer >= -1"), -1;
        c->o.domain_id_given = true;
        break;
    case O_NAME: c->o.name = optarg; break;
    case O_CGROUP: c->o.cgroup_parent = optarg; break;
    case O_QEMU: c->o.qemu = optarg; break;
    case O_LOGDIR: c->o.log_dir = optarg; break;
    case O_FOREGROUND: c->o.foreground = true; break;
    case O_QMPTIMEOUT:
        return seconds_ms(cmd, "--qmp-timeout takes seconds (1-86400)", optarg,
                          &c->o.qmp_timeout_ms);
    case O_TIMEOUT:
        return seconds_ms(cmd, "--timeout takes seconds (1-86400)", optarg,
                          &c->o.stop_timeout_ms);
    case O_FORMAT:
        if (strcmp(optarg, "text") && strcmp(optarg, "json"))
            return vn_cli_usage_error(cmd, "--format takes text or json"), -1;
        c->json = !strcmp(optarg, "json");
        vn_cli_set_json_errors(c->json);
        break;
    case O_NODESET: c->nodeset = optarg; break;
    case O_LEDGER: c->ledger = optarg; break;
    default: return -1;   /* vn_cli_getopt said why */
    }
    return 0;
}

int vn_cli_apply_parse(int argc, char **argv, const char *cmd, const char *usage,
                       unsigned allowed, vn_cli_apply *c)
{
    struct option opts[VN_ARRAY_LEN(table) + 1];
    size_t n = 0;
    for (size_t i = 0; i < VN_ARRAY_LEN(table); i++)
        if (!table[i].need || (table[i].need & allowed))
            opts[n++] = table[i].opt;
    opts[n] = (struct option){0};
    optind = 1;
    for (int o; (o = vn_cli_getopt(cmd, argc, argv, "+:h", opts)) != -1;) {
        if (o == 'h') {
            fputs(usage, stdout);
            fputs(common_help, stdout);
            if (allowed & VN_CA_HOST)
                vn_cli_print_help(host_help);
            exit(VN_EXIT_OK);
        }
        if (one(o, cmd, c) < 0)
            return -1;
    }
    if (allowed & VN_CA_HOST) {     /* the mounts and directory libvirt would find */
        vn_error e = {0};
        if (vn_config_discover(&c->o.cfg, vn_cli_config_root(), &e) < 0)
            exit(vn_cli_report(&e));    /* a broken qemu.conf: a host failure */
        if (c->o.verbose) {
            VN_AUTOFREE char *s = vn_config_describe(&c->o.cfg);
            c->o.verbose(c->o.verbose_opaque, s);
        }
    }
    return optind;
}

int vn_cli_apply_finish(vn_cli_apply *c, const vn_error *e)
{
    vn_cli_print_warnings(&c->w);
    int rc = e && e->code ? vn_cli_report(e) : VN_EXIT_OK;
    vn_cli_apply_clear(c);
    return rc;
}
