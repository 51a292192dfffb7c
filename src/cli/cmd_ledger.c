/*
 * cmd_ledger.c - `vnuma ledger FILE [--format text|json]`: what a placement
 * ledger holds, per guest (nodes, memory, huge pages, CPUs) and in total,
 * with the host it belongs to.  The ledger is read as it is now, without
 * its lock and without making anything (vnuma_ledger_read); a missing file
 * is an empty ledger.
 *
 * Exit codes: 0 listed, 1 a corrupt or refused ledger, 2 usage, 3 it
 * cannot be read.
 */
#include "cmd_ledger.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"

enum { OPT_FORMAT = 256 };

static const char usage_ledger[] =
    "usage: vnuma ledger FILE [--format text|json]\n"
    "\n"
    "List what the placement ledger FILE (`vnuma plan --ledger FILE`) holds:\n"
    "the host it belongs to (its fingerprint), each recorded guest with its\n"
    "nodes, its memory on each (huge pages counted in it and listed by size)\n"
    "and its host CPUs, and the totals.  The ledger is read as it is, without\n"
    "its lock; a missing file is an empty ledger.\n"
    "\n"
    "options:\n"
    "  --format text|json      for people (default, memory in MiB) or scripts\n"
    "                          (sizes in KiB)\n"
    "\n"
    "exit status: 0 ok, 1 a corrupt or refused ledger, 2 usage,\n"
    "3 it cannot be read\n";

int vn_cmd_ledger(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vnuma_ledger_style style = VNUMA_LEDGER_TEXT;
    int o;
    optind = 1;
    while ((o = vn_cli_getopt("ledger", argc, argv, ":h", opts)) != -1) {
        switch (o) {
        case OPT_FORMAT:
            vn_cli_set_json_errors(!strcmp(optarg, "json"));
            if (!strcmp(optarg, "text"))
                style = VNUMA_LEDGER_TEXT;
            else if (!strcmp(optarg, "json"))
                style = VNUMA_LEDGER_JSON;
            else
                return vn_cli_usage_error("ledger", "--format takes text or json");
            break;
        case 'h':
            fputs(usage_ledger, stdout);
            return VN_EXIT_OK;
        default:
            return VN_EXIT_USAGE;   /* vn_cli_getopt said why */
        }
    }
    /* options may follow FILE: getopt permutes (no "+") */
    if (argc - optind != 1)
        return vn_cli_usage_error("ledger", "expected one FILE");
    vnuma_error *err = NULL;
    vnuma_ledger *l = vnuma_ledger_read(argv[optind], &err);
    char *s = l ? vnuma_ledger_format(l, style) : NULL;
    int rc = s ? (fputs(s, stdout), VN_EXIT_OK) : vn_cli_fail_lines(err);
    free(s);
    vnuma_ledger_free(l);
    vnuma_error_free(err);
    return rc;
}
