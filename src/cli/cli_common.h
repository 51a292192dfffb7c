/*
 * cli_common.h - what the subcommands of the `vnuma` command share
 * (cli_common.c): the exit codes, usage errors, `error:` and `warning:`
 * lines, and the option values every command spells the same way.
 *
 * The commands over the public API (vnuma.c, cmd_plan.c, cmd_advise.c,
 * cmd_host.c, cmd_partition.c, cmd_ledger.c) print vnuma_error and
 * warning arrays; the commands over the internals (the apply commands)
 * print vn_error and vn_warnings.  Both end at the same lines.
 */
#ifndef VN_CLI_COMMON_H
#define VN_CLI_COMMON_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "vnuma.h"
#include "base/util.h"

/* vnuma(1), EXIT STATUS. */
enum { VN_EXIT_OK = 0, VN_EXIT_INVALID = 1, VN_EXIT_USAGE = 2, VN_EXIT_HOST = 3 };

/* "vnuma CMD: MSG (see 'vnuma CMD --help')\n" on stderr, one line (cmd
 * NULL: the command itself); returns VN_EXIT_USAGE. */
int vn_cli_usage_error(const char *cmd, const char *msg);

struct option;
/* getopt_long without getopt's own messages.  shortopts must start with
 * ':' after an optional '+' ("+:h"), so that a missing value is told
 * apart.  An unknown option, a missing value or a value given to a flag
 * prints one usage error naming the option ("vnuma CMD: unknown option
 * '--hots' (see ...)") and returns '?': the caller exits with
 * VN_EXIT_USAGE without printing more. */
int vn_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts);

/* The exit status for an error code: VN_EXIT_HOST for host and system
 * errors, VN_EXIT_INVALID otherwise. */
int vn_cli_exit_code(int code);

/* ---- over the public API ---------------------------------------------- */

/* --format json given: from now on every error below goes to stderr as
 * one JSON object, {"error": {"code": "invalid|unsupported|host|system",
 * "class": "xml|unsupported|internal|...|none", "message": "...",
 * "element": "<numatune>..." or null}}, instead of "error: ..." lines.
 * Usage errors stay lines. */
void vn_cli_set_json_errors(bool on);
struct json_object;
/* The {"code", "class", "message", "element"} object (a new reference). */
struct json_object *vn_cli_json_error(int code, int cls, const char *msg, const char *where);
/* o, pretty-printed, and a newline on f; drops the reference. */
void vn_cli_json_print(FILE *f, struct json_object *o);
/* "error: MSG" (a VNUMA_ERR_* code, no class); the exit status for it. */
int vn_cli_error(int code, const char *msg);

/* "error: MSG" on stderr; returns the exit status for err. */
int vn_cli_fail(const vnuma_error *err);
/* The same with one "error: " per line of the message (the fitter says one
 * line per cell that does not fit). */
int vn_cli_fail_lines(const vnuma_error *err);
/* "warning: ..." on stderr for each warning, then frees the array. */
void vn_cli_warn(char **warnings);

/* The --host SOURCE lines every command taking --host shows in its help
 * (the sources vnuma_host_load reads; "none", where a command takes it, is
 * the command's own line). */
extern const char vn_cli_host_help[];
/* Print a help text on stdout, the line "@HOST\n" replaced by
 * vn_cli_host_help. */
void vn_cli_print_help(const char *text);

/* --host SOURCE: NULL or "" = this machine, sysfs:DIR, synthetic:SPEC, else
 * a capabilities XML file.  "none" = no host: NULL without an error, or,
 * when `required`, NULL with VNUMA_ERR_HOST "no host". */
vnuma_host *vn_cli_host(const char *src, bool required, vnuma_error **err);
/* --whole-system, wherever --host is taken: hosts read from sysfs (this
 * machine, sysfs:DIR) are not restricted to this process's cpuset.  The
 * cpuset of this machine is read under VNUMA_CONFIG_ROOT when it is set. */
#define VN_CLI_OPT_WHOLE_SYSTEM 1000
void vn_cli_set_whole_system(void);
bool vn_cli_whole_system(void);

/* --domain-id N: an integer >= -1. */
bool vn_cli_parse_domain_id(const char *s, int *id);
/* What --hugetlbfs and --memory-backing-dir did not give, found as
 * libvirt's QEMU driver finds it (vnuma_config_discover: qemu.conf, then
 * /proc/mounts); the environment's VNUMA_CONFIG_ROOT, when set, is read
 * instead of / (the test suite points it at an empty tree, so tests do not
 * depend on the machine's mounts).  verbose: say on stderr what was found
 * and where.  VN_EXIT_OK, or the exit status after "error: ...". */
int vn_cli_discover(vnuma_config *cfg, bool verbose);
/* The root VNUMA_CONFIG_ROOT names (NULL: this machine). */
const char *vn_cli_config_root(void);
/* --reserve-memory SIZE: a number with a unit as libvirt spells them (512M,
 * 2G, 1536MiB), or 0; into KiB. */
bool vn_cli_parse_size(const char *s, uint64_t *kib);

/* ---- over the internals (the apply commands) --------------------------- */

/* The exit status for an error. */
int vn_cli_exit_for(const vn_error *e);
/* "error: MSG" on stderr; returns vn_cli_exit_for(e). */
int vn_cli_report(const vn_error *e);
/* The same with one "error: " per line of the message. */
int vn_cli_report_lines(const vn_error *e);
/* "warning: ..." on stderr for each warning, then clears w. */
void vn_cli_print_warnings(vn_warnings *w);

#endif
