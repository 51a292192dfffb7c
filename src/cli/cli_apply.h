/*
 * cli_apply.h - what the apply commands (cmd_run.c, cmd_launch.c,
 * cmd_stop.c, cmd_list.c, cmd_numatune.c, cmd_status.c) share: their
 * options, parsed into a vn_apply_opts, and their help text.
 */
#ifndef VN_CLI_APPLY_H
#define VN_CLI_APPLY_H

#include <stdbool.h>

#include "apply/apply.h"

enum {
    VN_CA_HOST = 1 << 0,      /* --host --hugetlbfs --memory-backing-dir --domain-id */
    VN_CA_NAME = 1 << 1,      /* --name */
    VN_CA_CGROUP = 1 << 2,    /* --cgroup-parent */
    VN_CA_LAUNCH = 1 << 3,    /* --qemu --log-dir --foreground --qmp-timeout */
    VN_CA_FORMAT = 1 << 4,    /* --format text|json */
    VN_CA_NODESET = 1 << 5,   /* --nodeset */
    VN_CA_TIMEOUT = 1 << 6,   /* --timeout (stop) */
};

typedef struct vn_cli_apply {
    vn_apply_opts o;
    vn_warnings w;
    bool json;
    const char *nodeset;
} vn_cli_apply;

void vn_cli_apply_init(vn_cli_apply *c);
void vn_cli_apply_clear(vn_cli_apply *c);
/* Options of cmd (those in `allowed`, plus --state-dir, --verbose and
 * --help, which prints usage and exits 0).  optind, or -1 after a usage
 * error was printed. */
int vn_cli_apply_parse(int argc, char **argv, const char *cmd, const char *usage,
                       unsigned allowed, vn_cli_apply *c);
/* Print the warnings, then "error: ..." when e is set; the exit status. */
int vn_cli_apply_finish(vn_cli_apply *c, const vn_error *e);

int vn_cmd_run(int argc, char **argv);
int vn_cmd_launch(int argc, char **argv);
int vn_cmd_stop(int argc, char **argv);
int vn_cmd_list(int argc, char **argv);
int vn_cmd_numatune(int argc, char **argv);
int vn_cmd_status(int argc, char **argv);

#endif
