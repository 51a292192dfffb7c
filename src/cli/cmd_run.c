/*
 * cmd_run.c - `vnuma run [OPTIONS] DOMAIN.xml -- CMD [ARGS...]`: CMD under
 * the domain's host policy (src/apply/run.c).  On success vnuma becomes
 * CMD, so the exit status and output are CMD's.
 */
#include <stdio.h>
#include <string.h>

#include "cli_apply.h"
#include "cli_common.h"

static const char usage[] =
    "usage: vnuma run [OPTIONS] DOMAIN.xml -- CMD [ARGS...]\n"
    "\n"
    "Run CMD under the domain's host policy, as numactl would, driven by the domain:\n"
    "join the domain's cgroup (cpuset.mems restricted for strict and restrictive\n"
    "only), set the memory policy of <numatune><memory> (or the advisor's answer\n"
    "for placement='auto': strict MPOL_BIND, preferred MPOL_PREFERRED(_MANY),\n"
    "interleave MPOL_INTERLEAVE, restrictive none), set the CPU affinity\n"
    "(emulatorpin, else the advisor's CPUs, else <vcpu cpuset>, else all), register\n"
    "the process under NAME and exec CMD.  The exit status is CMD's.  When CMD\n"
    "ends, its entry is stale: vnuma stop, vnuma list or the next run of the name\n"
    "removes it.\n"
    "\n"
    "options:\n"
    "  --name NAME             register under NAME (default: the domain's <name>)\n"
    "  --cgroup-parent DIR     the parent cgroup (default: machine under the cpuset\n"
    "                          hierarchy's root)\n";

int vn_cmd_run(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    int i = vn_cli_apply_parse(argc, argv, "run", usage,
                               VN_CA_HOST | VN_CA_NAME | VN_CA_CGROUP, &c);
    if (i < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (i >= argc)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("run", "expected DOMAIN.xml");
    const char *xml = argv[i++];
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    if (i >= argc)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("run", "expected -- CMD");
    vn_error e = {0};
    fflush(stdout);
    vn_cli_print_warnings(&c.w);
    vn_apply_run_exec(xml, argv + i, &c.o, &e);
    return vn_cli_apply_finish(&c, &e);
}
