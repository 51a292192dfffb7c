/*
 * test_live.c - src/live (attach, detach, set-memory, setvcpus) on a state
 * entry made here, with the fake QMP peer (tests/qmp/qmp_peer.h) as the
 * guest's monitor.
 *
 *   - every refusal: the live command fails with the element or value
 *     named, and no QMP traffic happened at all: under a pass-through fake
 *     OS (os/os_fake.h) the log holds no socket() and no connect(), and the
 *     live XML is byte for byte as before;
 *   - the exchanges: exactly the QMP lines scripted (the peer fails on any
 *     other), among them libvirt's names and arguments as a real libvirt
 *     9.0 sent them for the same device (captured with its monitor log):
 *     object-add {"qom-type":"memory-backend-ram","id":"memdimm0",
 *     "size":268435456,"host-nodes":[0],"policy":"bind"}, device_add
 *     {"driver":"pc-dimm","node":1,"memdev":"memdimm0","id":"dimm0","slot":0},
 *     virtio-mem at bus pci.0 addr 0x2;
 *   - rollback: a device_add QEMU refuses is followed by object-del of its
 *     backend, and the live XML does not change;
 *   - detach: DEVICE_DELETED (then object-del), the guest's refusal
 *     (ACPI_DEVICE_OST failure status, DEVICE_UNPLUG_GUEST_ERROR), no answer
 *     (pending, exit 0), and the next command's reconciliation;
 *   - set-memory's qom-set and MEMORY_DEVICE_SIZE_CHANGE; setvcpus' device_add
 *     with the cell's node-id and the new thread's affinity (a real thread of
 *     this test stands for the vCPU), and the unplug.
 * The guest "runs" as this test process (its pid and start time are in the
 * entry), without cgroups (cgroup_kind none).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "apply/apply_internal.h"
#include "live/live.h"
#include "os/os_fake.h"
#include "qmp_peer.h"
#include "vnuma.h"

#define NAME "g"

static char state[64];
static char entry[80];

/* A two-cell guest: 2 x 256 MiB, maxMemory 2 GiB with `slots` slots,
 * vCPUs 0-1 online in cell 0, 2-3 offline in cell 1, strict on node 0. */
static char *domain_xml(unsigned slots, const char *devices, const char *extra)
{
    char *s = NULL;
    int n = asprintf(&s,
        "<domain type='qemu'>\n"
        "  <name>" NAME "</name>\n"
        "%s"
        "  <memory unit='KiB'>%u</memory>\n"
        "  <vcpu placement='static' current='2'>4</vcpu>\n"
        "  <cputune>\n"
        "    <vcpupin vcpu='2' cpuset='0'/>\n"
        "  </cputune>\n"
        "  <numatune>\n"
        "    <memory mode='strict' nodeset='0'/>\n"
        "  </numatune>\n"
        "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
        "  <cpu>\n"
        "    <numa>\n"
        "      <cell id='0' cpus='0-1' memory='262144' unit='KiB'/>\n"
        "      <cell id='1' cpus='2-3' memory='262144' unit='KiB'/>\n"
        "    </numa>\n"
        "  </cpu>\n"
        "  <devices>\n%s  </devices>\n"
        "%s"
        "</domain>\n",
        slots ? "  <maxMemory slots='X' unit='KiB'>2097152</maxMemory>\n" : "",
        524288u, devices ? devices : "", extra ? extra : "");
    assert_true(n > 0);
    char *x = strstr(s, "slots='X'");
    if (x) {
        char *t = NULL;
        *x = '\0';
        assert_true(asprintf(&t, "%sslots='%u'%s", s, slots, x + 9) > 0);
        free(s);
        s = t;
    }
    return s;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *s = calloc(1, 1 << 20);
    size_t n = fread(s, 1, (1 << 20) - 1, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* STATE/g/{lock,info,domain.xml}: a running launched guest (this process). */
static void make_entry(const char *xml, const char *kind, const char *extra_info)
{
    char path[256];
    strcpy(state, "/tmp/vnlive-XXXXXX");
    assert_non_null(mkdtemp(state));
    snprintf(entry, sizeof entry, "%s/" NAME, state);
    assert_int_equal(mkdir(entry, 0700), 0);
    snprintf(path, sizeof path, "%s/lock", entry);
    write_file(path, "");
    vn_ap_info i = {0};
    char st;
    assert_int_equal(vn_ap_proc_stat(getpid(), &st, &i.start), 0);
    i.name = strdup(NAME);
    i.kind = strdup(kind);
    i.state = strdup("running");
    i.pid = getpid();
    i.domain_id = 1;
    i.cg_kind = VN_CG_NONE;
    i.qmp = NULL;
    char sock[256];
    snprintf(sock, sizeof sock, "%s/qmp.sock", entry);
    i.qmp = strdup(sock);
    char *text = vn_ap_info_format(&i);
    vn_ap_info_clear(&i);
    snprintf(path, sizeof path, "%s/info", entry);
    char *all = NULL;
    assert_true(asprintf(&all, "%s%s", text, extra_info ? extra_info : "") > 0);
    write_file(path, all);
    free(all);
    free(text);
    /* the live XML as launch writes it: the parsed domain, formatted */
    vn_error err = {0};
    vn_domain *d = vn_domain_parse(xml, strlen(xml), VN_PARSE_ABI_UPDATE, &err);
    if (!d)
        fail_msg("domain: %s", err.msg);
    char *live = vn_domain_format(d, &err);
    vn_domain_free(d);
    snprintf(path, sizeof path, "%s/domain.xml", entry);
    write_file(path, live);
    free(live);
}

/* The entry of a guest `vnuma launch` started with 4 memory slots and
 * these devices. */
static void make_launched_entry(const char *devices)
{
    char *xml = domain_xml(4, devices, NULL);
    make_entry(xml, "launch", NULL);
    free(xml);
}

static char *live_xml(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/domain.xml", entry);
    return read_file(path);
}

static char *info_text(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/info", entry);
    return read_file(path);
}

static void remove_entry(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", state);
    assert_int_equal(system(cmd), 0);
}

static void opts(vn_apply_opts *o, vn_warnings *w, const char *host)
{
    vn_apply_opts_init(o);
    o->state_dir = state;
    o->host_source = host;
    o->warnings = w;
}

/* ---- refusals: nothing reaches QMP ---- */

typedef enum { OP_ATTACH, OP_DETACH, OP_SETMEM, OP_SETVCPUS } op_kind;

typedef struct refusal {
    const char *what;
    op_kind op;
    const char *arg;           /* device XML, alias */
    uint64_t num;              /* set-memory KiB, setvcpus count */
    const char *want;          /* in the message */
    unsigned slots;            /* maxMemory slots (0: no maxMemory) */
    const char *devices;       /* memory devices of the running guest */
    const char *host;          /* --host */
    const char *ledger;        /* ledger file contents (NULL: no --ledger) */
    const char *kind;          /* entry kind (NULL: launch) */
    const char *info;          /* extra info lines */
    bool hugetlbfs;            /* --hugetlbfs /dev/hugepages1G=1G, 2M */
} refusal;

#define DIMM(size, node) \
    "<memory model='dimm'><target><size unit='KiB'>" size "</size><node>" node \
    "</node></target></memory>"
#define VMEM(size, node, block, req) \
    "<memory model='virtio-mem'><target><size unit='KiB'>" size "</size><node>" node \
    "</node><block unit='KiB'>" block "</block><requested unit='KiB'>" req \
    "</requested></target></memory>"

/* positional: what, op, arg, num, want, slots, devices, host, ledger */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const refusal refusals[] = {
    {"no maxMemory", OP_ATTACH, DIMM("262144", "1"), 0,
     "unsupported configuration: cannot use/hotplug a memory device when domain 'maxMemory' "
     "is not defined", 0},
    {"over maxMemory", OP_ATTACH, DIMM("1574912", "1"), 0,
     "Attaching memory device with size '1574912' would exceed domain's maxMemory config size "
     "'2097152'", 4},
    {"slots full", OP_ATTACH, DIMM("131072", "1"), 0,
     "unsupported configuration: memory device count '2' exceeds slots count '1'", 1,
     "    " DIMM("131072", "0") "\n"},
    {"virtio-mem counts against slots", OP_ATTACH, DIMM("131072", "1"), 0,
     "memory device count '3' exceeds slots count '2'", 2,
     "    " DIMM("131072", "0") "\n    " VMEM("131072", "0", "2048", "0") "\n"},
    {"no target node", OP_ATTACH,
     "<memory model='dimm'><target><size unit='MiB'>128</size></target></memory>", 0,
     "unsupported configuration: target NUMA node needs to be specified for memory device", 4},
    {"target node beyond the cells", OP_ATTACH, DIMM("131072", "2"), 0,
     "can't add memory backend for guest node '2' as the guest has only '2' NUMA nodes "
     "configured", 4},
    {"slot beyond the count", OP_ATTACH,
     "<memory model='dimm'><target><size unit='MiB'>128</size><node>1</node></target>"
     "<address type='dimm' slot='7'/></memory>", 0,
     "memory device slot '7' exceeds slots count '4'", 4},
    {"slot in use", OP_ATTACH,
     "<memory model='dimm'><target><size unit='MiB'>128</size><node>1</node></target>"
     "<address type='dimm' slot='0'/></memory>", 0,
     "memory device slot '0' is already being used by another memory device", 4,
     "    " DIMM("131072", "0") "\n"},
    {"a user alias in use", OP_ATTACH,
     "<memory model='dimm'><target><size unit='MiB'>128</size><node>1</node></target>"
     "<alias name='ua-m'/></memory>", 0, "non unique alias detected: ua-m", 4,
     "    <memory model='dimm'><target><size unit='MiB'>128</size><node>0</node></target>"
     "<alias name='ua-m'/></memory>\n"},
    {"dimm not 2 MiB aligned", OP_ATTACH, DIMM("3072", "1"), 0,
     "<target><size> of 3 MiB is not a multiple of 2 MiB, which QEMU 7.2's pc-dimm needs", 4},
    {"size below the huge page size", OP_ATTACH,
     "<memory model='dimm'><source><pagesize unit='KiB'>1048576</pagesize></source><target>"
     "<size unit='MiB'>128</size><node>1</node></target></memory>", 0,
     "<target><size> of 128 MiB is not a multiple of the huge page size 1 GiB", 4,
     .hugetlbfs = true},
    /* the mounts the guest was launched with, not this command's discovery
     * (.hugetlbfs: found on the host now; the entry: launched with none) */
    {"the launch's mounts, from the entry", OP_ATTACH,
     "<memory model='dimm'><source><pagesize unit='KiB'>2048</pagesize></source><target>"
     "<size unit='MiB'>128</size><node>1</node></target></memory>", 0,
     "hugetlbfs filesystem is not mounted or disabled by administrator config", 4, NULL,
     "synthetic:numa:2 core:1 pu:1 pages=2M:100 freepages=2M:100", .hugetlbfs = true,
     .info = "hugetlbfs_source=--hugetlbfs none\n"},
    {"no free huge pages", OP_ATTACH,
     "<memory model='dimm'><source><pagesize unit='KiB'>2048</pagesize></source><target>"
     "<size unit='MiB'>128</size><node>1</node></target></memory>", 0,
     "host node 0 has 10 free 2 MiB huge pages; the device needs 64", 4, NULL,
     "synthetic:numa:2 core:1 pu:1 pages=2M:10 freepages=2M:10", .hugetlbfs = true},
    {"huge page size the host lacks", OP_ATTACH,
     "<memory model='dimm'><source><nodemask>0</nodemask><pagesize unit='KiB'>1048576"
     "</pagesize></source><target><size unit='GiB'>1</size><node>1</node></target></memory>",
     0, "host node 0 has no 1 GiB huge pages", 4, NULL,
     "synthetic:numa:2 core:1 pu:1 pages=2M:10", .hugetlbfs = true},
    {"host node the host lacks", OP_ATTACH,
     "<memory model='dimm'><source><nodemask>5</nodemask></source><target><size unit='MiB'>"
     "128</size><node>1</node></target></memory>", 0,
     "unsupported configuration: NUMA node 5 is unavailable (in the device's "
     "<source><nodemask>5</nodemask>)", 4, NULL,
     "synthetic:numa:2 core:1 pu:1"},
    {"nvdimm without nvdimm=on", OP_ATTACH,
     "<memory model='nvdimm'><source><path>/tmp/nv</path></source><target><size unit='MiB'>"
     "128</size><node>1</node></target></memory>", 0,
     "an nvdimm needs a machine started with nvdimm=on", 4},
    {"virtio-mem block not a power of two", OP_ATTACH, VMEM("131072", "1", "3072", "0"), 0,
     "block size must be a power of two", 4},
    {"virtio-mem block below 2 MiB", OP_ATTACH, VMEM("131072", "1", "1024", "0"), 0,
     "block size too small, must be at least 2048KiB", 4},
    {"virtio-mem requested above size", OP_ATTACH, VMEM("131072", "1", "2048", "262144"), 0,
     "requested size must be smaller than or equal to @size (131072KiB)", 4},
    {"virtio-mem requested not a block multiple", OP_ATTACH,
     VMEM("131072", "1", "4096", "2048"), 0,
     "requested size must be an integer multiple of block size", 4},
    {"virtio-mem size not a block multiple", OP_ATTACH, VMEM("6144", "1", "4096", "0"), 0,
     "<target><size> of 6 MiB is not a multiple of the <block> size 4 MiB", 4},
    {"ledger: no free memory", OP_ATTACH, DIMM("262144", "1"), 0,
     "leaves 0 KiB free on host node 0; the device needs 256 MiB", 4, NULL,
     "synthetic:numa:2 core:1 pu:1 mem=2G free=1G",
     "vnuma-ledger 1\nguest other\nmem 0 1048576\nend\n"},
    {"a run entry", OP_ATTACH, DIMM("262144", "1"), 0,
     "was started by vnuma run, not vnuma launch", 4, .kind = "run"},
    {"detach an unknown alias", OP_DETACH, "dimm9", 0, "no device found with alias dimm9", 4},
    {"detach a vCPU", OP_DETACH, "vcpu2", 0, "vCPUs are unplugged with vnuma setvcpus", 4},
    {"detach virtio-mem", OP_DETACH, "virtiomem0", 0,
     "virtiomem0 is a virtio-mem device, which QEMU 7.2 cannot unplug (virtio based memory "
     "devices cannot be unplugged): give its memory back with `vnuma set-memory g virtiomem0 0`",
     4, "    " VMEM("131072", "0", "2048", "0") "\n"},
    {"set-memory of a dimm", OP_SETMEM, "dimm0", 0,
     "dimm0 is a dimm device: only a virtio-mem device's requested size can change live", 4,
     "    " DIMM("131072", "0") "\n"},
    {"set-memory above size", OP_SETMEM, "virtiomem0", 262144,
     "requested size must be smaller than or equal to @size (131072KiB)", 4,
     "    " VMEM("131072", "0", "2048", "0") "\n"},
    {"set-memory not a block multiple", OP_SETMEM, "virtiomem0", 1024,
     "requested size must be an integer multiple of block size", 4,
     "    " VMEM("131072", "0", "2048", "0") "\n"},
    {"setvcpus above the maximum", OP_SETVCPUS, NULL, 5,
     "invalid argument: requested vcpus is greater than max allowable vcpus for the live "
     "domain: 5 > 4", 4},
    {"setvcpus below the hot-pluggable ones", OP_SETVCPUS, NULL, 1,
     "failed to find appropriate hotpluggable vcpus to reach the desired target vcpu count", 4},
    {"setvcpus re-plug under TCG", OP_SETVCPUS, NULL, 3,
     "vCPU 2 was unplugged from this QEMU process, and QEMU 7.2 under TCG aborts", 4,
     .info = "vcpu_unplugged=vcpu2\n"},
};
#pragma GCC diagnostic pop

static int run_op(const refusal *t, const vn_apply_opts *o, const vn_live_opts *lo,
                  vn_live_result *r, vn_error *err)
{
    switch (t->op) {
    case OP_ATTACH:
        return vn_live_attach(NAME, t->arg, strlen(t->arg), o, lo, r, err);
    case OP_DETACH:
        return vn_live_detach(NAME, t->arg, o, lo, r, err);
    case OP_SETMEM:
        return vn_live_set_memory(NAME, t->arg, t->num, o, lo, r, err);
    case OP_SETVCPUS:
        return vn_live_setvcpus(NAME, (unsigned)t->num, o, lo, r, err);
    }
    return -1;
}

static void test_refusals(void **unused)
{
    (void)unused;
    for (size_t k = 0; k < VN_ARRAY_LEN(refusals); k++) {
        const refusal *t = &refusals[k];
        char *xml = domain_xml(t->slots, t->devices, NULL);
        make_entry(xml, t->kind ? t->kind : "launch", t->info);
        free(xml);
        char *before = live_xml(), *info_before = info_text();
        char ledger[256];
        snprintf(ledger, sizeof ledger, "%s/ledger", state);
        if (t->ledger)
            write_file(ledger, t->ledger);
        vn_warnings w = {0};
        vn_apply_opts o;
        opts(&o, &w, t->host);
        if (t->hugetlbfs) {
            vn_config_add_mount(&o.cfg, "/dev/hugepages1G", 1048576);
            vn_config_add_mount(&o.cfg, "/dev/hugepages2M", 2048);
        }
        vn_live_opts lo = {.ledger = t->ledger ? ledger : NULL, .wait_ms = 100};
        vn_fake *f = vn_fake_new_passthrough(vn_os_current());
        const vn_os *prev = vn_os_set(vn_fake_os(f));
        vn_error err = {0};
        vn_live_result r = {0};
        int rc = run_op(t, &o, &lo, &r, &err);
        vn_os_set(prev);
        if (rc == 0)
            fail_msg("%s: accepted (%s)", t->what, r.message);
        char said[1400];     /* as the command prints it: the element after the message */
        snprintf(said, sizeof said, err.where[0] ? "%s (in %s)" : "%s", err.msg, err.where);
        if (!strstr(said, t->want))
            fail_msg("%s: '%s' not in '%s'", t->what, t->want, said);
        if (vn_fake_count(f, VN_FAKE_SOCKET, NULL) || vn_fake_count(f, VN_FAKE_CONNECT, NULL))
            fail_msg("%s: QMP was reached before the refusal", t->what);
        char *after = live_xml(), *info_after = info_text();
        if (strcmp(before, after) || strcmp(info_before, info_after))
            fail_msg("%s: the entry changed", t->what);
        if (t->ledger) {
            char *l = read_file(ledger);
            assert_string_equal(l, t->ledger);
            free(l);
        }
        free(before);
        free(after);
        free(info_before);
        free(info_after);
        vn_fake_free(f);
        vn_live_result_clear(&r);
        vn_apply_opts_clear(&o);
        vn_warnings_clear(&w);
        remove_entry();
    }
}

/* QEMU's cpuset.mems: a node the test process may not use is refused
 * before QMP (skipped where this process may use node 1). */
static void test_refusal_cpuset(void **unused)
{
    (void)unused;
    char *st = read_file("/proc/self/status");
    const char *m = st ? strstr(st, "Mems_allowed_list:") : NULL;
    bool only0 = m && !strncmp(m + strspn(m + 18, " \t") + 18, "0\n", 2);
    free(st);
    if (!only0)
        skip();
    make_launched_entry(NULL);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, "synthetic:numa:2 core:1 pu:1");
    vn_fake *f = vn_fake_new_passthrough(vn_os_current());
    const vn_os *prev = vn_os_set(vn_fake_os(f));
    const char *dev = "<memory model='dimm'><source><nodemask>1</nodemask></source><target>"
                      "<size unit='MiB'>128</size><node>1</node></target></memory>";
    vn_error err = {0};
    vn_live_result r = {0};
    assert_int_equal(vn_live_attach(NAME, dev, strlen(dev), &o, NULL, &r, &err), -1);
    vn_os_set(prev);
    assert_non_null(strstr(err.msg, "host node 1 of the device's <source><nodemask> is "
                                    "outside QEMU's cpuset.mems 0"));
    assert_int_equal(vn_fake_count(f, VN_FAKE_CONNECT, NULL), 0);
    vn_fake_free(f);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

/* ---- exchanges with the fake monitor ---- */

static void peer_at_entry(peer *p)
{
    peer_init(p, PEER_LINES);
    snprintf(p->path, sizeof p->path, "%s/qmp.sock", entry);
    peer_load(p, "greeting");
}

static void finish_peer(peer *p)
{
    const char *failure = peer_finish(p);
    if (failure[0])
        fail_msg("peer: %s", failure);
}

static const char dimm_add[] =
    "> {\"execute\": \"object-add\", \"arguments\": {\"qom-type\": \"memory-backend-ram\", "
    "\"id\": \"memdimm0\", \"size\": 268435456, \"host-nodes\": [0], \"policy\": \"bind\"}}";
static const char dimm_device[] =
    "> {\"execute\": \"device_add\", \"arguments\": {\"driver\": \"pc-dimm\", \"node\": 1, "
    "\"memdev\": \"memdimm0\", \"id\": \"dimm0\", \"slot\": 0}}";
static const char dimm_listed[] =
    "< {\"return\": [{\"type\": \"dimm\", \"data\": {\"memdev\": \"/objects/memdimm0\", "
    "\"hotplugged\": true, \"addr\": 4294967296, \"hotpluggable\": true, \"size\": "
    "268435456, \"slot\": 0, \"node\": 1, \"id\": \"dimm0\"}}], \"id\": 1}";

static void test_attach_dimm(void **unused)
{
    (void)unused;
    make_launched_entry(NULL);
    peer p;
    peer_at_entry(&p);
    peer_add(&p, dimm_add);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, dimm_device);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, dimm_listed);
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);
    const char *dev = DIMM("262144", "1");
    vn_error err = {0};
    vn_live_result r = {0};
    if (vn_live_attach(NAME, dev, strlen(dev), &o, NULL, &r, &err) < 0)
        fail_msg("attach: %s", err.msg);
    finish_peer(&p);
    assert_string_equal(r.alias, "dimm0");
    assert_non_null(strstr(r.message, "slot 0, base 0x100000000"));
    char *live = live_xml();
    assert_non_null(strstr(live, "<memory unit='KiB'>786432</memory>"));
    assert_non_null(strstr(live, "<currentMemory unit='KiB'>786432</currentMemory>"));
    assert_non_null(strstr(live, "      <alias name='dimm0'/>\n"
                                 "      <address type='dimm' slot='0' base='0x100000000'/>\n"));
    free(live);
    vn_live_result_clear(&r);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

/* libvirt rounds to 1 MiB: 1536 KiB goes as 2 MiB. */
static void test_attach_rounds(void **unused)
{
    (void)unused;
    make_launched_entry(NULL);
    peer p;
    peer_at_entry(&p);
    peer_add(&p, "> {\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
                 "\"memory-backend-ram\", \"id\": \"memdimm0\", \"size\": 2097152, "
                 "\"host-nodes\": [0], \"policy\": \"bind\"}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, dimm_device);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, "< {\"return\": [], \"id\": 1}");
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);
    const char *dev = DIMM("1536", "1");
    vn_error err = {0};
    vn_live_result r = {0};
    if (vn_live_attach(NAME, dev, strlen(dev), &o, NULL, &r, &err) < 0)
        fail_msg("attach: %s", err.msg);
    finish_peer(&p);
    char *live = live_xml();
    assert_non_null(strstr(live, "<size unit='KiB'>2048</size>"));
    free(live);
    vn_live_result_clear(&r);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

/* device_add refused: object-del follows, nothing changes. */
static void test_attach_rollback(void **unused)
{
    (void)unused;
    make_launched_entry(NULL);
    char *before = live_xml();
    peer p;
    peer_at_entry(&p);
    peer_add(&p, dimm_add);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, dimm_device);
    peer_add(&p, "< {\"id\": 1, \"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"Duplicate device ID 'dimm0'\"}}");
    peer_add(&p, "> {\"execute\": \"object-del\", \"arguments\": {\"id\": \"memdimm0\"}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);
    const char *dev = DIMM("262144", "1");
    vn_error err = {0};
    vn_live_result r = {0};
    assert_int_equal(vn_live_attach(NAME, dev, strlen(dev), &o, NULL, &r, &err), -1);
    finish_peer(&p);
    assert_string_equal(err.msg, "attaching dimm0: QMP device_add: GenericError: Duplicate "
                                 "device ID 'dimm0' (its backend memdimm0 was deleted again)");
    assert_int_equal(w.n, 0);
    char *after = live_xml();
    assert_string_equal(before, after);
    free(before);
    free(after);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

/* virtio-mem: reserve false, the first free PCI slot after QEMU's. */
static void test_attach_virtio_mem(void **unused)
{
    (void)unused;
    make_launched_entry(NULL);
    peer p;
    peer_at_entry(&p);
    peer_add(&p, "> {\"execute\": \"query-pci\"}");
    peer_add(&p, "< {\"return\": [{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 0, "
                 "\"function\": 0}, {\"bus\": 0, \"slot\": 1, \"function\": 0}, {\"bus\": 0, "
                 "\"slot\": 1, \"function\": 1}, {\"bus\": 0, \"slot\": 1, \"function\": 3}]}], "
                 "\"id\": 1}");
    peer_add(&p, "> {\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
                 "\"memory-backend-ram\", \"id\": \"memvirtiomem0\", \"reserve\": false, "
                 "\"size\": 536870912, \"host-nodes\": [0], \"policy\": \"bind\"}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"device_add\", \"arguments\": {\"driver\": "
                 "\"virtio-mem-pci\", \"node\": 1, \"block-size\": 2097152, \"requested-size\": "
                 "134217728, \"memdev\": \"memvirtiomem0\", \"id\": \"virtiomem0\", \"bus\": "
                 "\"pci.0\", \"addr\": \"0x2\"}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, "< {\"return\": [{\"type\": \"virtio-mem\", \"data\": {\"memdev\": "
                 "\"/objects/memvirtiomem0\", \"memaddr\": 4294967296, \"block-size\": 2097152, "
                 "\"size\": 134217728, \"node\": 1, \"max-size\": 536870912, \"requested-size\": "
                 "134217728, \"id\": \"virtiomem0\"}}], \"id\": 1}");
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);
    const char *dev = VMEM("524288", "1", "2048", "131072");
    vn_error err = {0};
    vn_live_result r = {0};
    if (vn_live_attach(NAME, dev, strlen(dev), &o, NULL, &r, &err) < 0)
        fail_msg("attach: %s", err.msg);
    finish_peer(&p);
    assert_string_equal(r.alias, "virtiomem0");
    char *live = live_xml();
    assert_non_null(strstr(live, "<current unit='KiB'>131072</current>"));
    assert_non_null(strstr(live, "<address type='pci' domain='0x0000' bus='0x00' slot='0x02' "
                                 "function='0x0'/>"));
    free(live);
    vn_live_result_clear(&r);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

/* --ledger: booked for the guest after the attach. */
static void test_attach_ledger(void **unused)
{
    (void)unused;
    make_launched_entry(NULL);
    char ledger[256];
    snprintf(ledger, sizeof ledger, "%s/ledger", state);
    write_file(ledger, "vnuma-ledger 1\nguest g\nmem 0 524288\nend\n");
    peer p;
    peer_at_entry(&p);
    peer_add(&p, dimm_add);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, dimm_device);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, dimm_listed);
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, "synthetic:numa:2 core:1 pu:1 mem=2G");
    vn_live_opts lo = {.ledger = ledger};
    const char *dev = DIMM("262144", "1");
    vn_error err = {0};
    vn_live_result r = {0};
    if (vn_live_attach(NAME, dev, strlen(dev), &o, &lo, &r, &err) < 0)
        fail_msg("attach: %s", err.msg);
    finish_peer(&p);
    char *l = read_file(ledger);
    assert_non_null(strstr(l, "guest g\nmem 0 786432\nend\n"));
    free(l);
    vn_live_result_clear(&r);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

/* ---- detach ---- */

static const char *const dev_dimm0 =
    "    <memory model='dimm'><target><size unit='KiB'>262144</size><node>1</node></target>"
    "</memory>\n";

static void detach_setup(peer *p)
{
    make_launched_entry(dev_dimm0);
    peer_at_entry(p);
    peer_add(p, "> {\"execute\": \"device_del\", \"arguments\": {\"id\": \"dimm0\"}}");
    peer_add(p, "< {\"return\": {}, \"id\": 1}");
}

static void test_detach_done(void **unused)
{
    (void)unused;
    peer p;
    detach_setup(&p);
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": "
                 "\"DEVICE_DELETED\", \"data\": {\"device\": \"dimm0\", \"path\": "
                 "\"/machine/peripheral/dimm0\"}}");
    peer_add(&p, "> {\"execute\": \"object-del\", \"arguments\": {\"id\": \"memdimm0\"}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);
    vn_live_opts lo = {.wait_ms = 2000};
    vn_error err = {0};
    vn_live_result r = {0};
    if (vn_live_detach(NAME, "dimm0", &o, &lo, &r, &err) < 0)
        fail_msg("detach: %s", err.msg);
    finish_peer(&p);
    assert_int_equal(r.outcome, VN_LIVE_DONE);
    assert_string_equal(r.message, "detached dimm0");
    char *live = live_xml();
    assert_null(strstr(live, "model='dimm'"));
    assert_non_null(strstr(live, "<memory unit='KiB'>524288</memory>"));
    free(live);
    vn_live_result_clear(&r);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

static void detach_refused(const char *event, const char *want)
{
    peer p;
    detach_setup(&p);
    peer_add(&p, event);
    peer_start(&p);
    char *before = live_xml();
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);
    vn_live_opts lo = {.wait_ms = 2000};
    vn_error err = {0};
    vn_live_result r = {0};
    assert_int_equal(vn_live_detach(NAME, "dimm0", &o, &lo, &r, &err), -1);
    finish_peer(&p);
    if (!strstr(err.msg, want))
        fail_msg("'%s' not in '%s'", want, err.msg);
    char *after = live_xml();
    assert_string_equal(before, after);
    free(before);
    free(after);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

static void test_detach_refused(void **unused)
{
    (void)unused;
    detach_refused("< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": "
                   "\"ACPI_DEVICE_OST\", \"data\": {\"info\": {\"device\": \"dimm0\", \"source\": "
                   "3, \"status\": 1, \"slot\": \"0\", \"slot-type\": \"DIMM\"}}}",
                   "operation failed: the guest refused to unplug dimm0 (ACPI _OST status 0x1 "
                   "for the eject request)");
    detach_refused("< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": "
                   "\"DEVICE_UNPLUG_GUEST_ERROR\", \"data\": {\"device\": \"dimm0\", \"path\": "
                   "\"/machine/peripheral/dimm0\"}}",
                   "the guest refused to unplug dimm0 (DEVICE_UNPLUG_GUEST_ERROR)");
}

/* No answer: exit 0, pending; the next command reconciles. */
static void test_detach_pending(void **unused)
{
    (void)unused;
    peer p;
    detach_setup(&p);
    /* a successful eject's _OST (status 0) is no refusal */
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": "
                 "\"ACPI_DEVICE_OST\", \"data\": {\"info\": {\"device\": \"dimm0\", \"source\": "
                 "3, \"status\": 132, \"slot\": \"0\", \"slot-type\": \"DIMM\"}}}");
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);
    vn_live_opts lo = {.wait_ms = 300};
    vn_error err = {0};
    vn_live_result r = {0};
    if (vn_live_detach(NAME, "dimm0", &o, &lo, &r, &err) < 0)
        fail_msg("detach: %s", err.msg);
    finish_peer(&p);
    assert_int_equal(r.outcome, VN_LIVE_SENT);
    assert_non_null(strstr(r.message, "detach request sent for dimm0"));
    char *info = info_text();
    assert_non_null(strstr(info, "unplug_pending=dimm0\n"));
    free(info);
    char *live = live_xml();
    assert_non_null(strstr(live, "<alias name='dimm0'/>"));
    free(live);
    vn_live_result_clear(&r);

    /* later the guest ejected it: the next attach finds it gone, deletes
     * its backend, then takes its slot */
    peer_at_entry(&p);
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, "< {\"return\": [], \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"object-del\", \"arguments\": {\"id\": \"memdimm0\"}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, dimm_add);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, dimm_device);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, dimm_listed);
    peer_start(&p);
    const char *dev = DIMM("262144", "1");
    if (vn_live_attach(NAME, dev, strlen(dev), &o, &lo, &r, &err) < 0)
        fail_msg("attach: %s", err.msg);
    finish_peer(&p);
    assert_string_equal(r.alias, "dimm0");
    info = info_text();
    assert_null(strstr(info, "unplug_pending"));
    free(info);
    live = live_xml();
    assert_non_null(strstr(live, "<memory unit='KiB'>786432</memory>"));
    free(live);
    vn_live_result_clear(&r);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

/* ---- set-memory ---- */

static void test_set_memory(void **unused)
{
    (void)unused;
    char *xml = domain_xml(4, "    <memory model='virtio-mem'><target><size unit='KiB'>524288"
                              "</size><node>1</node><block unit='KiB'>2048</block><requested "
                              "unit='KiB'>0</requested></target></memory>\n", NULL);
    make_entry(xml, "launch", NULL);
    free(xml);
    peer p;
    peer_at_entry(&p);
    peer_add(&p, "> {\"execute\": \"qom-set\", \"arguments\": {\"path\": "
                 "\"/machine/peripheral/virtiomem0\", \"property\": \"requested-size\", "
                 "\"value\": 134217728}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": "
                 "\"MEMORY_DEVICE_SIZE_CHANGE\", \"data\": {\"id\": \"virtiomem0\", \"size\": "
                 "67108864, \"qom-path\": \"/machine/peripheral/virtiomem0\"}}");
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": "
                 "\"MEMORY_DEVICE_SIZE_CHANGE\", \"data\": {\"id\": \"virtiomem0\", \"size\": "
                 "134217728, \"qom-path\": \"/machine/peripheral/virtiomem0\"}}");
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);
    vn_live_opts lo = {.wait_ms = 2000};
    vn_error err = {0};
    vn_live_result r = {0};
    if (vn_live_set_memory(NAME, "virtiomem0", 131072, &o, &lo, &r, &err) < 0)
        fail_msg("set-memory: %s", err.msg);
    finish_peer(&p);
    assert_int_equal(r.outcome, VN_LIVE_DONE);
    assert_string_equal(r.message, "virtiomem0: the guest has 128 MiB plugged, as requested");
    char *live = live_xml();
    assert_non_null(strstr(live, "<requested unit='KiB'>131072</requested>\n"
                                 "        <current unit='KiB'>131072</current>"));
    free(live);
    vn_live_result_clear(&r);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
}

/* ---- setvcpus ---- */

static pid_t vcpu_tid;
static volatile int vcpu_stop;

static void *fake_vcpu(void *arg)
{
    (void)arg;
    vcpu_tid = (pid_t)syscall(SYS_gettid);
    while (!vcpu_stop)
        usleep(1000);
    return NULL;
}

static const char entities[] =
    "< {\"return\": ["
    "{\"props\": {\"core-id\": 0, \"thread-id\": 0, \"node-id\": 1, \"socket-id\": 3}, "
    "\"vcpus-count\": 1, \"type\": \"qemu64-x86_64-cpu\"}, "
    "{\"props\": {\"core-id\": 0, \"thread-id\": 0, \"node-id\": 1, \"socket-id\": 2}, "
    "\"vcpus-count\": 1, \"type\": \"qemu64-x86_64-cpu\"%s}, "
    "{\"props\": {\"core-id\": 0, \"thread-id\": 0, \"node-id\": 0, \"socket-id\": 1}, "
    "\"vcpus-count\": 1, \"qom-path\": \"/machine/unattached/device[2]\", \"type\": "
    "\"qemu64-x86_64-cpu\"}, "
    "{\"props\": {\"core-id\": 0, \"thread-id\": 0, \"node-id\": 0, \"socket-id\": 0}, "
    "\"vcpus-count\": 1, \"qom-path\": \"/machine/unattached/device[0]\", \"type\": "
    "\"qemu64-x86_64-cpu\"}], \"id\": 1}";

static void test_setvcpus(void **unused)
{
    (void)unused;
    pthread_t th;
    vcpu_stop = 0;
    assert_int_equal(pthread_create(&th, NULL, fake_vcpu, NULL), 0);
    while (!vcpu_tid)
        usleep(1000);
    make_launched_entry(NULL);
    peer p;
    peer_at_entry(&p);
    peer_add(&p, "> {\"execute\": \"query-hotpluggable-cpus\"}");
    peer_addf(&p, entities, "");
    peer_add(&p, "> {\"execute\": \"device_add\", \"arguments\": {\"driver\": "
                 "\"qemu64-x86_64-cpu\", \"id\": \"vcpu2\", \"socket-id\": 2, \"core-id\": 0, "
                 "\"thread-id\": 0, \"node-id\": 1}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"query-cpus-fast\"}");
    peer_addf(&p, "< {\"return\": [{\"thread-id\": %d, \"props\": {\"core-id\": 0, "
                  "\"thread-id\": 0, \"node-id\": 1, \"socket-id\": 2}, \"qom-path\": "
                  "\"/machine/peripheral/vcpu2\", \"cpu-index\": 2, \"target\": \"x86_64\"}, "
                  "{\"thread-id\": 1, \"props\": {\"core-id\": 0, \"thread-id\": 0, "
                  "\"node-id\": 0, \"socket-id\": 0}, \"qom-path\": "
                  "\"/machine/unattached/device[0]\", \"cpu-index\": 0, \"target\": "
                  "\"x86_64\"}], \"id\": 1}", (int)vcpu_tid);
    peer_start(&p);
    vn_warnings w = {0};
    vn_apply_opts o;
    opts(&o, &w, NULL);   /* this machine: its CPU 0 */
    vn_live_opts lo = {.wait_ms = 2000};
    vn_error err = {0};
    vn_live_result r = {0};
    if (vn_live_setvcpus(NAME, 3, &o, &lo, &r, &err) < 0)
        fail_msg("setvcpus: %s", err.msg);
    finish_peer(&p);
    assert_non_null(strstr(r.message, "plugged vCPU 2 on guest node 1"));
    cpu_set_t set;
    assert_int_equal(sched_getaffinity(vcpu_tid, sizeof set, &set), 0);
    assert_int_equal(CPU_COUNT(&set), 1);
    assert_true(CPU_ISSET(0, &set));
    char *live = live_xml();
    assert_non_null(strstr(live, "<vcpu placement='static' current='3'>4</vcpu>"));
    assert_non_null(strstr(live, "<vcpu id='2' enabled='yes' hotpluggable='yes'/>"));
    free(live);
    vn_live_result_clear(&r);

    /* and back: vcpu2 is the hot-pluggable one */
    peer_at_entry(&p);
    peer_add(&p, "> {\"execute\": \"device_del\", \"arguments\": {\"id\": \"vcpu2\"}}");
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": "
                 "\"DEVICE_DELETED\", \"data\": {\"device\": \"vcpu2\", \"path\": "
                 "\"/machine/peripheral/vcpu2\"}}");
    peer_start(&p);
    if (vn_live_setvcpus(NAME, 2, &o, &lo, &r, &err) < 0)
        fail_msg("setvcpus 2: %s", err.msg);
    finish_peer(&p);
    assert_non_null(strstr(r.message, "unplugged vCPU 2"));
    live = live_xml();
    assert_non_null(strstr(live, "<vcpu id='2' enabled='no' hotpluggable='yes'/>"));
    free(live);
    char *info = info_text();
    assert_non_null(strstr(info, "vcpu_unplugged=vcpu2\n"));
    free(info);
    vn_live_result_clear(&r);
    vn_apply_opts_clear(&o);
    vn_warnings_clear(&w);
    remove_entry();
    vcpu_stop = 1;
    pthread_join(th, NULL);
}

/* ---- the public API (include/vnuma.h) ---- */

static void test_public_api(void **unused)
{
    (void)unused;
    make_launched_entry(NULL);
    vnuma_apply_opts *o = vnuma_apply_opts_new();
    vnuma_apply_opts_set_state_dir(o, state);
    vnuma_error *err = NULL;
    char *msg = (char *)"unset";
    assert_int_equal(vnuma_setvcpus(NAME, 9, 0, o, &msg, &err), -1);
    assert_null(msg);
    assert_int_equal(vnuma_error_code(err), VNUMA_ERR_INVALID);
    assert_non_null(strstr(vnuma_error_message(err), "9 > 4"));
    assert_int_equal(vnuma_detach_memory(NAME, "dimm7", 0, NULL, o, NULL, &err), -1);
    assert_non_null(strstr(vnuma_error_message(err), "no device found with alias dimm7"));
    peer p;
    peer_at_entry(&p);
    peer_add(&p, dimm_add);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, dimm_device);
    peer_add(&p, "< {\"return\": {}, \"id\": 1}");
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, dimm_listed);
    peer_start(&p);
    const char *dev = DIMM("262144", "1");
    char *alias = NULL;
    assert_int_equal(vnuma_attach_memory(NAME, dev, strlen(dev), NULL, o, &alias, &msg, &err),
                     0);
    finish_peer(&p);
    assert_string_equal(alias, "dimm0");
    assert_non_null(strstr(msg, "attached dimm0"));
    free(alias);
    free(msg);
    vnuma_error_free(err);
    vnuma_apply_opts_free(o);
    remove_entry();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_refusal_cpuset),
        cmocka_unit_test(test_attach_dimm),
        cmocka_unit_test(test_attach_rounds),
        cmocka_unit_test(test_attach_rollback),
        cmocka_unit_test(test_attach_virtio_mem),
        cmocka_unit_test(test_attach_ledger),
        cmocka_unit_test(test_detach_done),
        cmocka_unit_test(test_detach_refused),
        cmocka_unit_test(test_detach_pending),
        cmocka_unit_test(test_set_memory),
        cmocka_unit_test(test_setvcpus),
        cmocka_unit_test(test_public_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
