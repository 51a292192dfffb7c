/*
 * cmd_numatune.c - `vnuma numatune NAME --nodeset SET`
 * (src/apply/numatune.c), as `virsh numatune --live`.
 */
#include <stdio.h>

#include "cli_apply.h"
#include "cli_common.h"

static const char usage[] =
    "usage: vnuma numatune [OPTIONS] NAME --nodeset SET\n"
    "\n"
    "Change the memory nodes of a running guest or process, as virsh numatune --live\n"
    "does: only a restrictive <numatune><memory> may change (libvirt refuses the\n"
    "others).  cpuset.mems of every cgroup of NAME is written (on cgroup v1 with\n"
    "memory_migrate=1 first) and read back; the kernel moves the pages.\n"
    "\n"
    "options:\n"
    "  --nodeset SET           the new host nodes (libvirt syntax: 0-2,^1)\n";

int vn_cmd_numatune(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    int i = vn_cli_apply_parse(argc, argv, "numatune", usage, VN_CA_NODESET, &c);
    if (i < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    /* NAME may come before the options */
    const char *name = i < argc ? argv[i++] : NULL;
    if (i < argc && vn_cli_apply_parse(argc - i + 1, argv + i - 1, "numatune", usage,
                                       VN_CA_NODESET, &c) != argc - i + 1)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (!name || !c.nodeset)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("numatune", "expected NAME and "
                                                          "--nodeset SET");
    vn_error e = {0};
    vn_apply_numatune(name, c.nodeset, &c.o, &e);
    return vn_cli_apply_finish(&c, &e);
}
