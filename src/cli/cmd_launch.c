/*
 * cmd_launch.c - `vnuma launch [OPTIONS] DOMAIN.xml [-- EXTRA-QEMU-ARGS]`:
 * QEMU started as libvirt 9.0 starts it (src/apply/launch.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli_apply.h"
#include "cli_common.h"

static const char usage[] =
    "usage: vnuma launch [OPTIONS] DOMAIN.xml [-- EXTRA-QEMU-ARGS...]\n"
    "\n"
    "Start QEMU (the domain's <emulator>, or --qemu) as libvirt 9.0 does: the\n"
    "domain's arguments (vnuma argv) plus -name guest=NAME,debug-threads=on, -S, a\n"
    "QMP socket in the state entry, -nodefaults -display none and the accelerator\n"
    "unless EXTRA-QEMU-ARGS say otherwise, then EXTRA-QEMU-ARGS.  Before exec QEMU\n"
    "joins the emulator cgroup (mems for strict and restrictive; CPUs emulatorpin,\n"
    "else the advisor's, else <vcpu cpuset>, else all); after, over QMP, each vCPU\n"
    "and iothread gets its own cgroup and affinity, then `cont`.  QEMU's output goes\n"
    "to LOG-DIR/NAME.log.  Returns once the guest runs.\n"
    "\n"
    "options:\n"
    "  --name NAME             register under NAME (default: the domain's <name>)\n"
    "  --qemu PATH             the QEMU binary (default: <emulator>)\n"
    "  --log-dir DIR           QEMU's log (default /var/log/vnuma)\n"
    "  --foreground            stay attached until QEMU ends, then clean up;\n"
    "                          SIGINT/SIGTERM ask QEMU to quit\n"
    "  --qmp-timeout SECS      how long QEMU may take to answer QMP (default 60)\n"
    "  --cgroup-parent DIR     the parent cgroup (default: machine under the cpuset\n"
    "                          hierarchy's root)\n";

int vn_cmd_launch(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    int i = vn_cli_apply_parse(argc, argv, "launch", usage,
                               VN_CA_HOST | VN_CA_NAME | VN_CA_CGROUP | VN_CA_LAUNCH, &c);
    if (i < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (i >= argc)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("launch", "expected DOMAIN.xml");
    const char *xml = argv[i++];
    if (i < argc && strcmp(argv[i], "--"))
        return vn_cli_apply_clear(&c), vn_cli_usage_error("launch", "extra QEMU arguments "
                                                          "go after --");
    if (i < argc)
        i++;
    vn_error e = {0};
    pid_t pid = 0;
    int status = 0;
    fflush(stdout);
    if (vn_apply_launch(xml, argv + i, (size_t)(argc - i), &c.o, &pid, &status, &e) < 0)
        return vn_cli_apply_finish(&c, &e);
    if (!c.o.foreground)
        printf("QEMU pid %d runs (%s)\n", (int)pid, xml);
    int rc = vn_cli_apply_finish(&c, NULL);
    return c.o.foreground ? status : rc;
}
