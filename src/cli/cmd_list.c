/*
 * cmd_list.c - `vnuma list [--format text|json]` (src/apply/list.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli_apply.h"
#include "cli_common.h"

static const char usage[] =
    "usage: vnuma list [OPTIONS]\n"
    "\n"
    "Show each registered name with its kind (run or launch), pid, state, memory\n"
    "mode and nodes, CPUs and cgroup.  An entry whose process is gone is stale: it\n"
    "is cleaned (cgroups, memory directories, entry) and shown as\n"
    "\"stale (removed)\".\n"
    "\n"
    "options:\n"
    "  --format text|json      the output (default text)\n";

int vn_cmd_list(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    int i = vn_cli_apply_parse(argc, argv, "list", usage, VN_CA_FORMAT, &c);
    if (i < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (i != argc)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("list", "takes no argument");
    vn_error e = {0};
    VN_AUTOCLEAR(vn_apply_list) l = {0};
    if (vn_apply_list_entries(&c.o, &l, &e) == 0) {
        char *s = vn_apply_list_format(&l, c.json);
        fputs(s, stdout);
        free(s);
    }
    return vn_cli_apply_finish(&c, &e);
}
