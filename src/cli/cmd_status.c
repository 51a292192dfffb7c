/*
 * cmd_status.c - `vnuma status NAME [--format text|json]`
 * (src/apply/status.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli_apply.h"
#include "cli_common.h"

static const char usage[] =
    "usage: vnuma status [OPTIONS] NAME\n"
    "\n"
    "Show where the memory of a guest really is: for each guest cell (memory\n"
    "backend, found through QEMU's gpa2hva) or, for a process started by run, its\n"
    "anonymous memory, the KiB per host node read from /proc/PID/numa_maps next to\n"
    "the mode and nodes the domain asks.  `!!` marks where reality differs: memory\n"
    "outside a strict or restrictive nodeset, an interleave that is not spread.\n"
    "Exit status 0, or 1 when something differs.\n"
    "\n"
    "options:\n"
    "  --format text|json      the output (default text)\n";

int vn_cmd_status(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    int i = vn_cli_apply_parse(argc, argv, "status", usage, VN_CA_FORMAT, &c);
    if (i < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    const char *name = i < argc ? argv[i++] : NULL;
    if (i < argc && vn_cli_apply_parse(argc - i + 1, argv + i - 1, "status", usage,
                                       VN_CA_FORMAT, &c) != argc - i + 1)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (!name)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("status", "expected NAME");
    vn_error e = {0};
    bool differs = false;
    char *s = vn_apply_status(name, c.json, &c.o, &differs, &e);
    if (s)
        fputs(s, stdout);
    free(s);
    int rc = vn_cli_apply_finish(&c, &e);
    return rc == VN_EXIT_OK && differs ? VN_EXIT_INVALID : rc;
}
