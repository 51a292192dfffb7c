/*
 * cli_common.h - what the subcommands of the `vnuma` command share
 * (cli_common.c): the exit codes, usage errors, `error:` and `warning:`
 * lines, loading the host (--host SOURCE) and the domain (a file, or - for
 * standard input), and expanding a <vnuma> domain into the plain libvirt
 * domain it stands for.
 */
#ifndef VN_CLI_COMMON_H
#define VN_CLI_COMMON_H

#include <stdbool.h>

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "base/util.h"

/* vnuma(1), EXIT STATUS. */
enum { VN_EXIT_OK = 0, VN_EXIT_INVALID = 1, VN_EXIT_USAGE = 2, VN_EXIT_HOST = 3 };

/* "vnuma CMD: MSG\nTry 'vnuma CMD --help'.\n" on stderr (cmd NULL: the
 * command itself); returns VN_EXIT_USAGE. */
int vn_cli_usage_error(const char *cmd, const char *msg);

/* The exit status for an error: VN_EXIT_HOST for host and system errors,
 * VN_EXIT_INVALID otherwise. */
int vn_cli_exit_for(const vn_error *e);

/* "error: MSG" on stderr; returns vn_cli_exit_for(e). */
int vn_cli_report(const vn_error *e);

/* The same with one "error: " per line of the message (the fitter says one
 * line per cell that does not fit). */
int vn_cli_report_lines(const vn_error *e);

/* "warning: ..." on stderr for each warning, then clears w. */
void vn_cli_print_warnings(vn_warnings *w);

/* --host SOURCE: NULL or "" = this machine (/sys), sysfs:DIR, synthetic:SPEC,
 * else a capabilities XML file.  "none" = no host: NULL without an error,
 * or, when `required`, NULL with VNUMA_ERR_HOST "no host". */
vn_host *vn_cli_load_host(const char *src, bool required, vn_error *e);

/* DOMAIN.xml: a file, or "-" for standard input (at most a little more than
 * VN_XML_MAX_BYTES read; the parser refuses what is larger). */
vn_domain *vn_cli_load_domain(const char *path, unsigned flags, vn_error *e);

/* A <vnuma> domain expanded on the host, then formatted and parsed again so
 * that the result is exactly the plain libvirt domain the XML says (libvirt's
 * post-parse defaults and define-time rules applied to it).  Takes d; a
 * domain without <vnuma> (or NULL) is returned as it is.  The first
 * --hugetlbfs mount of cfg gives the default huge page size. */
vn_domain *vn_cli_expand_domain(vn_domain *d, const vn_host *host, const vn_config *cfg,
                                vn_warnings *w, vn_error *e);

#endif
