/*
 * cmd_stop.c - `vnuma stop [OPTIONS] NAME` (src/apply/stop.c).
 */
#include <stdio.h>

#include "cli_apply.h"
#include "cli_common.h"

static const char usage[] =
    "usage: vnuma stop [OPTIONS] NAME\n"
    "\n"
    "End a guest (QMP quit) or a process started by vnuma run (SIGTERM); SIGKILL\n"
    "after the timeout, as libvirt does.  Then its cgroups are removed leaf first,\n"
    "once empty, with its memory directories and its state entry: nothing of NAME\n"
    "remains.  A stale entry (the process already gone) is cleaned the same way.\n"
    "\n"
    "options:\n"
    "  --timeout SECS          SIGKILL after SECS (default 10)\n";

int vn_cmd_stop(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    int i = vn_cli_apply_parse(argc, argv, "stop", usage, VN_CA_TIMEOUT, &c);
    if (i < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (argc - i != 1)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("stop", "expected one NAME");
    vn_error e = {0};
    vn_apply_stop(argv[i], &c.o, &e);
    return vn_cli_apply_finish(&c, &e);
}
