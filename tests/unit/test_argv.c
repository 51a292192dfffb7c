/*
 * test_argv.c - the QEMU command line builder (qemu_argv.c) on hand-built
 * domains, and the three output layouts of vn_argv_format.
 *
 * Expected command lines are libvirt 9.0's own (the conformance suite's
 * expected.args and libvirt's tests/qemuxml2argvdata/NAME.x86_64-latest.args);
 * the quoting follows virBufferEscapeShell / virCommandToString.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "qemu/qemu.h"

/* ---- helpers ---------------------------------------------------------- */

static vn_bitmap *bits(const char *s)
{
    vn_error e = {0};
    vn_bitmap *b = vn_bitmap_parse(s, VN_CPUMASK_LEN, &e);
    assert_non_null(b);
    return b;
}

static vn_domain *new_domain(const char *name, const char *machine, unsigned vcpus)
{
    vn_domain *d = vn_calloc(1, sizeof(*d));
    d->name = vn_strdup(name);
    d->type = vn_strdup("qemu");
    d->arch = vn_strdup("x86_64");
    d->machine = vn_strdup(machine);
    d->maxvcpus = vcpus;
    d->vcpus_current = vcpus;
    d->vcpu_info = vn_calloc(vcpus, sizeof(vn_vcpu_info));
    for (unsigned i = 0; i < vcpus; i++)
        d->vcpu_info[i].online = true;
    return d;
}

static vn_cell *add_cell(vn_domain *d, const char *cpus, uint64_t mem_kib)
{
    vn_cell *c = VN_APPEND(d->cells, d->ncells);
    c->id = (unsigned)(d->ncells - 1);
    c->cpus = cpus ? bits(cpus) : NULL;
    c->mem_kib = mem_kib;
    d->total_memory_kib += mem_kib;
    d->cur_balloon_kib = d->total_memory_kib;
    return c;
}

static void set_memnode(vn_cell *c, vn_numatune_mode mode, const char *nodeset)
{
    c->has_memnode = true;
    c->memnode_mode = mode;
    c->memnode_nodeset = bits(nodeset);
}

static void set_numatune(vn_domain *d, vn_numatune_mode mode, const char *nodeset)
{
    d->numatune_specified = true;
    d->numatune_mode = mode;
    d->numatune_placement = VN_NUMATUNE_PLACEMENT_STATIC;
    d->numatune_nodeset = bits(nodeset);
}

static vn_host *host_8node(void)
{
    vn_host *h = vn_host_new();
    for (unsigned i = 0; i < 8; i++) {
        vn_host_node *n = VN_APPEND(h->nodes, h->nnodes);
        n->id = i;
        n->mem_kib = n->free_kib = 33554432;
    }
    return h;
}

static void std_config(vn_config *cfg)
{
    vn_config_init(cfg);
    vn_config_add_mount(cfg, "/dev/hugepages2M", 2048);
    vn_config_add_mount(cfg, "/dev/hugepages1G", 1048576);
}

/* Build and print in the .args layout; NULL (with err) on refusal. */
static char *build(vn_domain *d, vn_error *err)
{
    vn_config cfg;
    vn_warnings w = {0};
    vn_argv av = {0};
    vn_host *h = host_8node();
    std_config(&cfg);
    char *s = NULL;
    if (vn_qemu_build(d, h, &cfg, &w, &av, err) == 0)
        s = vn_argv_format(&av, VN_ARGV_ARGS);
    vn_argv_clear(&av);
    vn_warnings_clear(&w);
    vn_config_clear(&cfg);
    vn_host_free(h);
    vn_domain_free(d);
    return s;
}

static void assert_builds(vn_domain *d, const char *want)
{
    vn_error e = {0};
    char *got = build(d, &e);
    if (!got)
        fail_msg("refused: %s", e.msg);
    assert_string_equal(got, want);
    free(got);
}

/* ---- vn_argv_format ---------------------------------------------------- */

static vn_argv sample(void)
{
    vn_argv a = {0};
    vn_argv_add(&a, "qemu-system-x86_64");
    vn_argv_add(&a, "-m");
    vn_argv_add(&a, "214");
    vn_argv_add(&a, "-mem-prealloc");
    vn_argv_add(&a, "-object");
    vn_argv_add(&a, "{\"qom-type\":\"memory-backend-file\",\"mem-path\":\"/a b/it's\"}");
    vn_argv_add(&a, "-numa");
    vn_argv_add(&a, "node,nodeid=0,cpus=0-1,memdev=ram-node0");
    vn_argv_addf(&a, "%s", "");
    return a;
}

static void test_format_args(void **state)
{
    (void)state;
    vn_argv a = sample();
    char *s = vn_argv_format(&a, VN_ARGV_ARGS);
    /* an empty trailing argument follows an option-less value: own line */
    assert_string_equal(s,
        "qemu-system-x86_64 \\\n"
        "-m 214 \\\n"
        "-mem-prealloc \\\n"
        "-object '{\"qom-type\":\"memory-backend-file\",\"mem-path\":\"/a b/it'\\''s\"}' \\\n"
        "-numa node,nodeid=0,cpus=0-1,memdev=ram-node0 \\\n"
        "''\n");
    free(s);
    vn_argv_clear(&a);
}

static void test_format_shell(void **state)
{
    (void)state;
    vn_argv a = sample();
    char *s = vn_argv_format(&a, VN_ARGV_SHELL);
    assert_string_equal(s,
        "qemu-system-x86_64 -m 214 -mem-prealloc -object "
        "'{\"qom-type\":\"memory-backend-file\",\"mem-path\":\"/a b/it'\\''s\"}' "
        "-numa node,nodeid=0,cpus=0-1,memdev=ram-node0 ''\n");
    free(s);
    vn_argv_clear(&a);
}

static void test_format_json(void **state)
{
    (void)state;
    vn_argv a = {0};
    vn_argv_add(&a, "-object");
    vn_argv_add(&a, "{\"id\":\"a\\b\"}\n\t\x01");
    char *s = vn_argv_format(&a, VN_ARGV_JSON);
    assert_string_equal(s, "[\"-object\",\"{\\\"id\\\":\\\"a\\\\b\\\"}\\n\\t\\u0001\"]\n");
    free(s);
    vn_argv_clear(&a);
    s = vn_argv_format(&a, VN_ARGV_JSON);
    assert_string_equal(s, "[]\n");
    free(s);
}

/* ---- the builder ------------------------------------------------------- */

/* conformance cases/numatune-memnode (libvirt's numatune-memnode test):
 * per-cell policies, cpus= split per range, sizes aligned to 1 MiB. */
static void test_numatune_memnode(void **state)
{
    (void)state;
    vn_domain *d = new_domain("QEMUGuest", "pc", 32);
    set_numatune(d, VN_NUMATUNE_STRICT, "0-7");
    set_memnode(add_cell(d, "0", 20002), VN_NUMATUNE_PREFERRED, "3");
    add_cell(d, "1-27,29", 660066);
    set_memnode(add_cell(d, "28,30-31", 24002400), VN_NUMATUNE_STRICT, "1-2,5,7");
    assert_builds(d,
        "qemu-system-x86_64 \\\n"
        "-machine pc \\\n"
        "-m 24105 \\\n"
        "-overcommit mem-lock=off \\\n"
        "-smp 32,sockets=32,cores=1,threads=1 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node0\",\"size\":20971520,\"host-nodes\":[3],\"policy\":\"preferred\"}' \\\n"
        "-numa node,nodeid=0,cpus=0,memdev=ram-node0 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node1\",\"size\":676331520,\"host-nodes\":[0,1,2,3,4,5,6,7],\"policy\":\"bind\"}' \\\n"
        "-numa node,nodeid=1,cpus=1-27,cpus=29,memdev=ram-node1 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node2\",\"size\":24578621440,\"host-nodes\":[1,2,5,7],\"policy\":\"bind\"}' \\\n"
        "-numa node,nodeid=2,cpus=28,cpus=30-31,memdev=ram-node2\n");
}

/* cases/numatune-memnode-restrictive-mode: no host-nodes/policy at all */
static void test_restrictive(void **state)
{
    (void)state;
    vn_domain *d = new_domain("QEMUGuest", "pc", 32);
    set_numatune(d, VN_NUMATUNE_RESTRICTIVE, "0-7");
    set_memnode(add_cell(d, "0", 20002), VN_NUMATUNE_RESTRICTIVE, "3");
    add_cell(d, "1-27,29", 660066);
    set_memnode(add_cell(d, "28,30-31", 24002400), VN_NUMATUNE_RESTRICTIVE, "1-2,5,7");
    assert_builds(d,
        "qemu-system-x86_64 \\\n"
        "-machine pc \\\n"
        "-m 24105 \\\n"
        "-overcommit mem-lock=off \\\n"
        "-smp 32,sockets=32,cores=1,threads=1 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node0\",\"size\":20971520}' \\\n"
        "-numa node,nodeid=0,cpus=0,memdev=ram-node0 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node1\",\"size\":676331520}' \\\n"
        "-numa node,nodeid=1,cpus=1-27,cpus=29,memdev=ram-node1 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node2\",\"size\":24578621440}' \\\n"
        "-numa node,nodeid=2,cpus=28,cpus=30-31,memdev=ram-node2\n");
}

/* cases/hugepages-default-2M: no cells, default huge pages -> pc.ram file
 * backend named through -machine memory-backend=; name cut to 20 chars */
static void test_hugepages_no_numa(void **state)
{
    (void)state;
    vn_domain *d = new_domain("SomeDummyHugepagesGuest", "pc", 2);
    d->total_memory_kib = d->cur_balloon_kib = 1048576;
    VN_APPEND(d->hugepages, d->nhugepages)->size_kib = 2048;
    assert_builds(d,
        "qemu-system-x86_64 \\\n"
        "-machine pc,memory-backend=pc.ram \\\n"
        "-m 1024 \\\n"
        "-object '{\"qom-type\":\"memory-backend-file\",\"id\":\"pc.ram\",\"mem-path\":\"/dev/hugepages2M/libvirt/qemu/-1-SomeDummyHugepagesGu\",\"x-use-canonical-path-for-ramblock-id\":false,\"prealloc\":true,\"size\":1073741824}' \\\n"
        "-overcommit mem-lock=off \\\n"
        "-smp 2,sockets=2,cores=1,threads=1\n");
}

/* cases/numatune-memory: no cells, numatune nodeset on pc.ram */
static void test_numatune_no_numa(void **state)
{
    (void)state;
    vn_domain *d = new_domain("QEMUGuest1", "pc", 2);
    d->total_memory_kib = d->cur_balloon_kib = 219136;
    d->has_topology = true;
    d->sockets = 2, d->dies = 1, d->cores = 1, d->threads = 1;
    set_numatune(d, VN_NUMATUNE_STRICT, "0-3,5");
    assert_builds(d,
        "qemu-system-x86_64 \\\n"
        "-machine pc,memory-backend=pc.ram \\\n"
        "-m 214 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":224395264,\"host-nodes\":[0,1,2,3,5],\"policy\":\"bind\"}' \\\n"
        "-overcommit mem-lock=off \\\n"
        "-smp 2,sockets=2,dies=1,cores=1,threads=1\n");
}

/* cases/cpu-numa-memshared: memAccess per cell -> memory-backend-file
 * under the memory backing dir */
static void test_memaccess(void **state)
{
    (void)state;
    vn_domain *d = new_domain("QEMUGuest1", "pc", 16);
    d->has_topology = true;
    d->sockets = 2, d->dies = 1, d->cores = 4, d->threads = 2;
    add_cell(d, "0-7", 109550)->mem_access = VN_MEM_ACCESS_SHARED;
    add_cell(d, "8-15", 109550)->mem_access = VN_MEM_ACCESS_PRIVATE;
    assert_builds(d,
        "qemu-system-x86_64 \\\n"
        "-machine pc \\\n"
        "-m 214 \\\n"
        "-overcommit mem-lock=off \\\n"
        "-smp 16,sockets=2,dies=1,cores=4,threads=2 \\\n"
        "-object '{\"qom-type\":\"memory-backend-file\",\"id\":\"ram-node0\",\"mem-path\":\"/var/lib/libvirt/qemu/ram/-1-QEMUGuest1/ram-node0\",\"share\":true,\"size\":112197632}' \\\n"
        "-numa node,nodeid=0,cpus=0-7,memdev=ram-node0 \\\n"
        "-object '{\"qom-type\":\"memory-backend-file\",\"id\":\"ram-node1\",\"mem-path\":\"/var/lib/libvirt/qemu/ram/-1-QEMUGuest1/ram-node1\",\"share\":false,\"size\":112197632}' \\\n"
        "-numa node,nodeid=1,cpus=8-15,memdev=ram-node1\n");
}

/* libvirt's fd-memory-numa-topology4 (x86_64-latest.args): pc-i440fx-5.0
 * still takes -numa node,mem= (numaMemSupported in caps_7.2.0.x86_64.xml);
 * a cell that needs no backend (discard alone does not) goes the legacy
 * way, with -mem-prealloc for allocation='immediate'. */
static void test_legacy_numa_mem(void **state)
{
    (void)state;
    vn_domain *d = new_domain("pc", "pc-i440fx-5.0", 2);
    add_cell(d, "0-1", 1048576)->discard = VN_TRISTATE_YES;
    d->allocation = VN_MEM_ALLOC_IMMEDIATE;
    assert_builds(d,
        "qemu-system-x86_64 \\\n"
        "-machine pc-i440fx-5.0 \\\n"
        "-m 1024 \\\n"
        "-overcommit mem-lock=off \\\n"
        "-smp 2,sockets=2,cores=1,threads=1 \\\n"
        "-mem-prealloc \\\n"
        "-numa node,nodeid=0,cpus=0-1,mem=1024\n");
}

/* The same machine with huge pages for every cell: the backend is still not
 * needed (no page size tied to a cell), so qemuBuildMemPathStr gives
 * -mem-prealloc -mem-path; -machine carries mem-merge=off. */
static void test_legacy_mem_path(void **state)
{
    (void)state;
    vn_domain *d = new_domain("QEMUGuest1", "pc-i440fx-5.0", 2);
    add_cell(d, "0", 524288);
    add_cell(d, "1", 524288);
    d->nosharepages = true;
    d->locked = true;
    VN_APPEND(d->hugepages, d->nhugepages)->size_kib = 1048576;
    assert_builds(d,
        "qemu-system-x86_64 \\\n"
        "-machine pc-i440fx-5.0,mem-merge=off \\\n"
        "-m 1024 \\\n"
        "-overcommit mem-lock=on \\\n"
        "-smp 2,sockets=2,cores=1,threads=1 \\\n"
        "-mem-prealloc \\\n"
        "-mem-path /dev/hugepages1G/libvirt/qemu/-1-QEMUGuest1 \\\n"
        "-numa node,nodeid=0,cpus=0,mem=512 \\\n"
        "-numa node,nodeid=1,cpus=1,mem=512\n");
}

/* A cell without vCPUs everywhere is refused by the builder itself. */
static void test_no_cpus_refused(void **state)
{
    (void)state;
    vn_domain *d = new_domain("QEMUGuest1", "pc", 2);
    add_cell(d, NULL, 524288);
    add_cell(d, NULL, 524288);
    vn_error e = {0};
    char *got = build(d, &e);
    assert_null(got);
    assert_int_equal(e.code, VNUMA_ERR_INVALID);
    assert_string_equal(e.msg, "unsupported configuration: At least one NUMA node has to have CPUs");
}

/* cases/numatune-distances (first rows) and -numa dist for every pair */
static void test_distances(void **state)
{
    (void)state;
    vn_domain *d = new_domain("QEMUGuest", "pc", 2);
    add_cell(d, "0", 1048576);
    add_cell(d, "1", 1048576);
    vn_cell *a = &d->cells[0], *b = &d->cells[1];   /* after the last append */
    *VN_APPEND(a->distances, a->ndistances) = (vn_distance){0, 10};
    *VN_APPEND(a->distances, a->ndistances) = (vn_distance){1, 21};
    *VN_APPEND(b->distances, b->ndistances) = (vn_distance){0, 21};
    *VN_APPEND(b->distances, b->ndistances) = (vn_distance){1, 10};
    vn_error e = {0};
    char *got = build(d, &e);
    assert_non_null(got);
    assert_non_null(strstr(got,
        "-numa dist,src=0,dst=0,val=10 \\\n"
        "-numa dist,src=0,dst=1,val=21 \\\n"
        "-numa dist,src=1,dst=0,val=21 \\\n"
        "-numa dist,src=1,dst=1,val=10\n"));
    free(got);
}

/* cases/numatune-hmat: initiator for CPU-less cells, hmat-lb, hmat-cache */
static void test_hmat(void **state)
{
    (void)state;
    vn_domain *d = new_domain("QEMUGuest", "pc", 4);
    add_cell(d, "0-3", 2097152);
    add_cell(d, NULL, 2097152);
    vn_cell *a = &d->cells[0];   /* after the last append */
    *VN_APPEND(a->caches, a->ncaches) = (vn_cache){1, VN_CACHE_ASSOC_DIRECT,
                                                    VN_CACHE_POLICY_WRITEBACK, 10, 8};
    *VN_APPEND(d->interconnects, d->ninterconnects) =
        (vn_interconnect){VN_INTERCONNECT_LATENCY, 0, 0, 0, VN_MEMORY_LATENCY_ACCESS, 5};
    *VN_APPEND(d->interconnects, d->ninterconnects) =
        (vn_interconnect){VN_INTERCONNECT_BANDWIDTH, 0, 0, 1, VN_MEMORY_LATENCY_ACCESS, 208896};
    assert_builds(d,
        "qemu-system-x86_64 \\\n"
        "-machine pc,hmat=on \\\n"
        "-m 4096 \\\n"
        "-overcommit mem-lock=off \\\n"
        "-smp 4,sockets=4,cores=1,threads=1 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node0\",\"size\":2147483648}' \\\n"
        "-numa node,nodeid=0,cpus=0-3,initiator=0,memdev=ram-node0 \\\n"
        "-object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node1\",\"size\":2147483648}' \\\n"
        "-numa node,nodeid=1,initiator=0,memdev=ram-node1 \\\n"
        "-numa hmat-lb,initiator=0,target=0,hierarchy=memory,data-type=access-latency,latency=5 \\\n"
        "-numa hmat-lb,initiator=0,target=0,hierarchy=first-level,data-type=access-bandwidth,bandwidth=208896K \\\n"
        "-numa hmat-cache,node-id=0,size=10K,level=1,associativity=direct,policy=write-back,line=8\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_args),
        cmocka_unit_test(test_format_shell),
        cmocka_unit_test(test_format_json),
        cmocka_unit_test(test_numatune_memnode),
        cmocka_unit_test(test_restrictive),
        cmocka_unit_test(test_hugepages_no_numa),
        cmocka_unit_test(test_numatune_no_numa),
        cmocka_unit_test(test_memaccess),
        cmocka_unit_test(test_legacy_numa_mem),
        cmocka_unit_test(test_legacy_mem_path),
        cmocka_unit_test(test_no_cpus_refused),
        cmocka_unit_test(test_distances),
        cmocka_unit_test(test_hmat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
