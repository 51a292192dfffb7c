/*
 * cmd_live.c - the live changes to a guest started by `vnuma launch`
 * (src/live): `vnuma attach NAME DEVICE.xml`, `vnuma detach NAME ALIAS`,
 * `vnuma set-memory NAME ALIAS SIZE`, `vnuma setvcpus NAME COUNT`.  Options
 * may come before, between or after the arguments; the shared ones are the
 * apply commands' (cli_apply.c).  What happened goes to stdout, one line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "cli_apply.h"
#include "cli_common.h"
#include "live/live.h"
#include "os/fileio.h"

static const char usage_attach[] =
    "usage: vnuma attach [OPTIONS] NAME DEVICE.xml\n"
    "\n"
    "Hot-plug a memory device into the running guest NAME, as virsh attach-device\n"
    "--live: DEVICE.xml is one <memory model='dimm|nvdimm|virtio-mem|virtio-pmem'>\n"
    "element.  libvirt 9.0's checks come first (maxMemory and its slots, the target\n"
    "node, the size rounded up to 1 MiB, virtio-mem's block and requested sizes),\n"
    "then what QEMU 7.2 would refuse (2 MiB alignment, huge page and block sizes,\n"
    "nvdimm=on, host nodes, pages, QEMU's cpuset.mems), all before any QMP command.\n"
    "The device gets libvirt's names (the first free slot, dimm<slot>,\n"
    "nvdimm<slot>, virtiomem<N>, backend mem<alias>, a free PCI slot); object-add,\n"
    "then device_add (on failure the backend is deleted again); the live XML\n"
    "records it with the address QEMU gave it.  The hugetlbfs mounts and memory\n"
    "backing directory are the guest's, from launch, unless --hugetlbfs or\n"
    "--memory-backing-dir is given.\n"
    "\n"
    "options:\n"
    "  --ledger FILE           the memory must be free on the device's host nodes\n"
    "                          after what FILE books; it is booked there for NAME\n";

static const char usage_detach[] =
    "usage: vnuma detach [OPTIONS] NAME ALIAS\n"
    "\n"
    "Unplug the memory device ALIAS (dimm0, nvdimm1, ...) of the running guest\n"
    "NAME, as virsh detach-device-alias --live, waiting for the guest like virsh\n"
    "detach-device: device_del, then up to the timeout for DEVICE_DELETED; then\n"
    "its backend is deleted and the live XML loses it.  A guest that refuses\n"
    "(ACPI _OST failure, DEVICE_UNPLUG_GUEST_ERROR) is an error.  No answer in time\n"
    "prints \"detach request sent\" (exit 0): the next vnuma command on NAME\n"
    "finishes the detach once QEMU no longer lists the device.  virtio-mem cannot\n"
    "be unplugged (QEMU 7.2): shrink it with `vnuma set-memory NAME ALIAS 0`.\n"
    "\n"
    "options:\n"
    "  --timeout SECS          wait for the guest this long (default 5, libvirt's)\n"
    "  --ledger FILE           give the device's memory back in FILE\n";

static const char usage_set_memory[] =
    "usage: vnuma set-memory [OPTIONS] NAME ALIAS SIZE\n"
    "\n"
    "Change the requested size of the virtio-mem device ALIAS of the running guest\n"
    "NAME, as virsh update-memory-device --requested-size: at most its <size>, a\n"
    "multiple of its <block> (checked before QMP); qom-set requested-size, then\n"
    "the guest's driver plugs or unplugs blocks and QEMU reports the size now\n"
    "plugged (MEMORY_DEVICE_SIZE_CHANGE), waited for up to the timeout.  SIZE is\n"
    "an integer with an optional unit (KiB when none: 131072, 128M, 128MiB, 1G).\n"
    "\n"
    "options:\n"
    "  --timeout SECS          wait for the guest this long (default 5)\n";

static const char usage_setvcpus[] =
    "usage: vnuma setvcpus [OPTIONS] NAME COUNT\n"
    "\n"
    "Set the number of online vCPUs of the running guest NAME, as virsh setvcpus\n"
    "--live: the next offline vCPUs are plugged with device_add using the\n"
    "properties QEMU lists (query-hotpluggable-cpus) and the node-id of their cell\n"
    "in <cpu><numa>; each new thread gets its own vcpuN cgroup with its cell's\n"
    "memory nodes and its <vcpupin> CPUs, then its affinity, as launch places\n"
    "vCPUs.  Fewer vCPUs unplug the hot-plugged ones, the highest first (the guest\n"
    "must eject each within the timeout).\n"
    "\n"
    "options:\n"
    "  --timeout SECS          wait for each unplug this long (default 5)\n";

/* Options anywhere: the arguments that are not options into pos[]
 * (at most npos); their number, or -1 after a usage error. */
static int parse_all(int argc, char **argv, const char *cmd, const char *usage,
                     unsigned allowed, vn_cli_apply *c, const char **pos, int npos)
{
    int n = 0;
    for (int base = 0; base < argc;) {
        int i = vn_cli_apply_parse(argc - base, argv + base, cmd, usage, allowed, c);
        if (i < 0)
            return -1;
        base += i;
        if (base >= argc)
            break;
        if (n == npos)
            return vn_cli_usage_error(cmd, "too many arguments"), -1;
        pos[n++] = argv[base];
        /* the next round treats this argument as its argv[0] */
    }
    return n;
}

static void live_opts(const vn_cli_apply *c, vn_live_opts *lo)
{
    *lo = (vn_live_opts){.ledger = c->ledger, .wait_ms = c->o.stop_timeout_ms};
}

static int finish(vn_cli_apply *c, vn_live_result *r, const vn_error *e)
{
    if (!e->code && r->message)
        printf("%s\n", r->message);
    vn_live_result_clear(r);
    return vn_cli_apply_finish(c, e);
}

static int stdin_read(vn_buf *b, vn_error *e)
{
    if (vn_fd_read_capped(vn_os_current(), 0, b, 1u << 20) < 0) {
        vn_error_sys(e, VNUMA_ERR_INVALID, errno, "cannot read the device XML from stdin");
        return -1;
    }
    return 0;
}

int vn_cmd_attach(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    const char *pos[2];
    int n = parse_all(argc, argv, "attach", usage_attach, VN_CA_HOST | VN_CA_LEDGER, &c, pos, 2);
    if (n < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (n != 2)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("attach", "expected NAME DEVICE.xml");
    vn_error e = {0};
    vn_live_result r = {0};
    vn_live_opts lo;
    live_opts(&c, &lo);
    VN_AUTOCLEAR(vn_buf) xml = {0};
    VN_AUTOFREE char *why = vn_asprintf("cannot open '%s'", pos[1]);
    VN_AUTOFREE char *rwhy = vn_asprintf("cannot read '%s'", pos[1]);
    vn_file_opts fo = {.max_bytes = 1u << 20, .open_fail = why, .read_fail = rwhy,
                       .code = VNUMA_ERR_INVALID};
    int rc = strcmp(pos[1], "-") ? vn_file_read(vn_os_current(), pos[1], &fo, &xml, &e)
                                 : stdin_read(&xml, &e);
    if (rc == 0)
        vn_live_attach(pos[0], xml.s ? xml.s : "", xml.len, &c.o, &lo, &r, &e);
    return finish(&c, &r, &e);
}

int vn_cmd_detach(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    const char *pos[2];
    int n = parse_all(argc, argv, "detach", usage_detach, VN_CA_TIMEOUT | VN_CA_LEDGER, &c,
                      pos, 2);
    if (n < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (n != 2)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("detach", "expected NAME ALIAS");
    vn_error e = {0};
    vn_live_result r = {0};
    vn_live_opts lo;
    live_opts(&c, &lo);
    vn_live_detach(pos[0], pos[1], &c.o, &lo, &r, &e);
    return finish(&c, &r, &e);
}

/* "131072", "128M", "128MiB", "1G": KiB (rounded up) */
static int parse_size(const char *s, uint64_t *kib, vn_error *e)
{
    char *end;
    uint64_t v = strtoull(s, &end, 10);
    if (end == s || *s == '-' || *s == '+') {
        vn_error_set(e, VNUMA_ERR_INVALID, "invalid size '%s'", s);
        return -1;
    }
    if (vn_scale_integer(&v, end, 1024, VN_MEMORY_MAX_BYTES, e) < 0)
        return -1;
    *kib = VN_DIV_UP(v, 1024);
    return 0;
}

int vn_cmd_set_memory(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    const char *pos[3];
    int n = parse_all(argc, argv, "set-memory", usage_set_memory, VN_CA_TIMEOUT, &c, pos, 3);
    if (n < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    if (n != 3)
        return vn_cli_apply_clear(&c), vn_cli_usage_error("set-memory",
                                                          "expected NAME ALIAS SIZE");
    vn_error e = {0};
    vn_live_result r = {0};
    vn_live_opts lo;
    live_opts(&c, &lo);
    uint64_t kib;
    if (parse_size(pos[2], &kib, &e) == 0)
        vn_live_set_memory(pos[0], pos[1], kib, &c.o, &lo, &r, &e);
    return finish(&c, &r, &e);
}

int vn_cmd_setvcpus(int argc, char **argv)
{
    vn_cli_apply c;
    vn_cli_apply_init(&c);
    const char *pos[2];
    int n = parse_all(argc, argv, "setvcpus", usage_setvcpus, VN_CA_TIMEOUT | VN_CA_HOST, &c,
                      pos, 2);
    if (n < 0)
        return vn_cli_apply_clear(&c), VN_EXIT_USAGE;
    unsigned count;
    if (n != 2 || !vn_parse_uint(pos[1], &count))
        return vn_cli_apply_clear(&c), vn_cli_usage_error("setvcpus", "expected NAME COUNT");
    vn_error e = {0};
    vn_live_result r = {0};
    vn_live_opts lo;
    live_opts(&c, &lo);
    vn_live_setvcpus(pos[0], count, &c.o, &lo, &r, &e);
    return finish(&c, &r, &e);
}
