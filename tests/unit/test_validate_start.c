/*
 * test_validate_start.c - vn_domain_validate_start (domain_validate.c) on
 * hand-built domains against the 8-node host: libvirt 9.0's start-time
 * refusals with its messages, the memory alignment it applies, automatic
 * placement and the capacity warnings.  The golden files in
 * tests/golden/check cover the same rules end to end through the parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "test_hosts.h"

static vn_host *host8;

static int setup(void **state)
{
    (void)state;
    vn_error e = {0};
    host8 = test_host_load("8node.xml", &e);
    if (!host8)
        print_error("8node.xml: %s\n", e.msg);
    return host8 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    vn_host_free(host8);
    return 0;
}

/* `max` vCPUs, the first `online` of them online (as post-parse leaves them). */
static void set_vcpus(vn_domain *d, unsigned max, unsigned online)
{
    free(d->vcpu_info);
    d->maxvcpus = max;
    d->vcpus_current = online;
    d->vcpu_info = vn_calloc(max, sizeof(*d->vcpu_info));
    for (unsigned i = 0; i < online; i++)
        d->vcpu_info[i].online = true;
}

/* A 4-vCPU guest with `ncells` cells of `cell_kib` each (0 = no cells). */
static vn_domain *guest(size_t ncells, uint64_t cell_kib)
{
    vn_domain *d = vn_calloc(1, sizeof(*d));
    d->arch = vn_strdup("x86_64");
    d->machine = vn_strdup("pc-i440fx-7.2");
    set_vcpus(d, 4, 4);
    d->total_memory_kib = ncells ? ncells * cell_kib : 4194304;
    for (size_t i = 0; i < ncells; i++) {
        vn_cell *c = VN_APPEND(d->cells, d->ncells);
        c->id = (unsigned)i;
        c->mem_kib = cell_kib;
        c->cpus = vn_bitmap_new();
        vn_bitmap_set(c->cpus, (unsigned)i);
    }
    return d;
}

static vn_bitmap *set_of(const char *s)
{
    vn_error e = {0};
    vn_bitmap *b = vn_bitmap_parse(s, VN_CPUMASK_LEN, &e);
    assert_non_null(b);
    return b;
}

static void add_hugepage(vn_domain *d, uint64_t size_kib, const char *nodemask)
{
    vn_hugepage *h = VN_APPEND(d->hugepages, d->nhugepages);
    h->size_kib = size_kib;
    h->nodemask = nodemask ? set_of(nodemask) : NULL;
}

static vn_memdev *add_dimm(vn_domain *d, uint64_t size_kib, int node)
{
    vn_memdev *m = VN_APPEND(d->memdevs, d->nmemdevs);
    m->model = VN_MEMORY_MODEL_DIMM;
    m->size_kib = size_kib;
    m->target_node = node;
    d->total_memory_kib += size_kib;
    return m;
}

static void std_cfg(vn_config *cfg)
{
    vn_config_init(cfg);
    vn_config_add_mount(cfg, "/dev/hugepages2M", 2048);
    vn_config_add_mount(cfg, "/dev/hugepages1G", 1048576);
}

/* Run the start checks; returns the error message ("" when accepted). */
static int run(vn_domain *d, const vn_host *h, vn_warnings *w, vn_error *e)
{
    vn_config cfg;
    std_cfg(&cfg);
    int r = vn_domain_validate_start(d, h, &cfg, w, e);
    vn_config_clear(&cfg);
    return r;
}

static void expect_refused(vn_domain *d, const vn_host *h, int code, const char *msg)
{
    vn_error e = {0};
    vn_warnings w = {0};
    assert_int_equal(run(d, h, &w, &e), -1);
    assert_string_equal(e.msg, msg);
    assert_int_equal(e.code, code);
    vn_warnings_clear(&w);
    vn_domain_free(d);
}

static void expect_ok(vn_domain *d, const vn_host *h)
{
    vn_error e = {0};
    vn_warnings w = {0};
    if (run(d, h, &w, &e) < 0)
        fail_msg("refused: %s", e.msg);
    vn_warnings_clear(&w);
    vn_domain_free(d);
}

static void test_numatune_unavailable(void **state)
{
    (void)state;
    vn_domain *d = guest(1, 1048576);
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("0,8");
    expect_refused(d, host8, VNUMA_ERR_HOST, "unsupported configuration: NUMA node 8 is unavailable");

    d = guest(1, 1048576);
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("0,8");
    expect_ok(d, NULL);                     /* no host: host rules skipped */

    d = guest(2, 1048576);
    d->cells[1].has_memnode = true;
    d->cells[1].memnode_nodeset = set_of("999");
    expect_refused(d, host8, VNUMA_ERR_HOST, "unsupported configuration: NUMA node 999 is unavailable");

    d = guest(0, 0);                        /* no cells: the pc.ram backend */
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("7-8");
    expect_refused(d, host8, VNUMA_ERR_HOST, "unsupported configuration: NUMA node 8 is unavailable");
}

static void test_hugepage_mounts(void **state)
{
    (void)state;
    vn_domain *d = guest(1, 1048576);
    add_hugepage(d, 5120, NULL);
    expect_refused(d, host8, VNUMA_ERR_HOST, "internal error: Unable to find any usable hugetlbfs mount for 5120 KiB");

    d = guest(0, 0);
    add_hugepage(d, 5120, NULL);
    expect_refused(d, NULL, VNUMA_ERR_HOST, "internal error: Unable to find any usable hugetlbfs mount for 5120 KiB");

    d = guest(2, 1048576);
    add_hugepage(d, 2048, NULL);
    add_hugepage(d, 1048576, "1");
    expect_ok(d, host8);

    d = guest(2, 1048576);
    add_hugepage(d, 0, NULL);               /* default size: the first mount */
    vn_error e = {0};
    vn_config cfg;
    vn_config_init(&cfg);
    assert_int_equal(vn_domain_validate_start(d, host8, &cfg, NULL, &e), -1);
    assert_string_equal(e.msg, "internal error: hugetlbfs filesystem is not mounted or disabled by administrator config");
    vn_config_clear(&cfg);
    vn_domain_free(d);

    d = guest(1, 1048576);
    add_hugepage(d, 4, NULL);               /* the system page size: no huge pages */
    expect_ok(d, host8);

    /* A size mounted but the host lacks: no such mount can exist. */
    vn_error e2 = {0};
    static const char caps2m[] =
        "<capabilities><host><topology><cells><cell id='0'><memory unit='KiB'>8388608</memory>"
        "<pages unit='KiB' size='4'>2097152</pages><pages unit='KiB' size='2048'>16</pages>"
        "</cell></cells></topology></host></capabilities>";
    vn_host *h = vn_host_load_caps_memory(caps2m, strlen(caps2m), &e2);
    assert_non_null(h);
    d = guest(1, 1048576);
    add_hugepage(d, 1048576, NULL);
    expect_refused(d, h, VNUMA_ERR_HOST, "internal error: Unable to find any usable hugetlbfs mount for 1048576 KiB");
    vn_host_free(h);

    d = guest(1, 1048576);
    add_hugepage(d, 2048, NULL);
    d->allocation = VN_MEM_ALLOC_ONDEMAND;
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: hugepages are not allowed with memory allocation ondemand");

    d = guest(1, 1048576);
    add_hugepage(d, 2048, NULL);
    d->source = VN_MEM_SOURCE_ANONYMOUS;
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: hugepages are not allowed with anonymous memory source");
}

static void test_alignment(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_domain *d = guest(2, 1000);
    d->max_memory_kib = 4194305;
    d->memory_slots = 4;
    add_dimm(d, 1025, 1);
    assert_int_equal(run(d, host8, NULL, &e), 0);
    assert_int_equal(d->cells[0].mem_kib, 1024);
    assert_int_equal(d->cells[1].mem_kib, 1024);
    assert_int_equal(d->memdevs[0].size_kib, 2048);
    assert_int_equal(d->max_memory_kib, 4195328);
    assert_int_equal(d->total_memory_kib, 1024 + 1024 + 2048);
    vn_domain_free(d);

    d = guest(0, 0);
    d->total_memory_kib = 1000;
    assert_int_equal(run(d, host8, NULL, &e), 0);
    assert_int_equal(d->total_memory_kib, 1024);
    vn_domain_free(d);

    d = guest(1, UINT64_C(9007199254740991));
    expect_refused(d, host8, VNUMA_ERR_INVALID,
                   "unsupported configuration: memory size of NUMA node '0' overflowed after alignment");

    d = guest(0, 0);
    d->total_memory_kib = UINT64_C(9007199254740991);
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: initial memory size overflowed after alignment");
}

static void test_hotplug(void **state)
{
    (void)state;
    vn_domain *d = guest(0, 0);
    d->max_memory_kib = 8388608;
    d->memory_slots = 16;
    expect_refused(d, host8, VNUMA_ERR_INVALID,
                   "unsupported configuration: At least one numa node has to be configured when enabling memory hotplug");

    d = guest(1, 1048576);
    add_dimm(d, 524288, 0);
    expect_refused(d, host8, VNUMA_ERR_INVALID,
                   "unsupported configuration: cannot use/hotplug a memory device when domain 'maxMemory' is not defined");

    d = guest(1, 1048576);
    d->max_memory_kib = 8388608;
    d->memory_slots = 1;
    add_dimm(d, 524288, 0);
    add_dimm(d, 524288, 0);
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: memory device count '2' exceeds slots count '1'");

    d = guest(1, 1048576);
    d->max_memory_kib = 8388608;
    d->memory_slots = 4;
    add_dimm(d, 524288, -1);
    expect_refused(d, host8, VNUMA_ERR_INVALID,
                   "unsupported configuration: target NUMA node needs to be specified for memory device");

    d = guest(1, 1048576);
    d->max_memory_kib = 8388608;
    d->memory_slots = 4;
    vn_memdev *m = add_dimm(d, 524288, 0);
    m->addr_type = VN_MEMDEV_ADDR_DIMM;
    m->addr_slot = 4;
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: memory device slot '4' exceeds slots count '4'");

    d = guest(1, 1048576);
    d->max_memory_kib = 8388608;
    d->memory_slots = 4;
    m = add_dimm(d, 524288, 0);
    m->addr_type = VN_MEMDEV_ADDR_DIMM;
    m->addr_slot = 1;
    m = add_dimm(d, 524288, 0);
    m->addr_type = VN_MEMDEV_ADDR_DIMM;
    m->addr_slot = 1;
    expect_refused(d, host8, VNUMA_ERR_INVALID,
                   "unsupported configuration: memory device slot '1' is already being used by another memory device");

    d = guest(1, 1048576);
    d->max_memory_kib = 1572864;
    d->memory_slots = 4;
    add_dimm(d, 524288, 0);
    add_dimm(d, 524288, 0);
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: memory device total size exceeds hotplug space");

    d = guest(1, 1048576);
    d->max_memory_kib = 8388608;
    d->memory_slots = 4;
    m = add_dimm(d, 524288, 0);
    m->source_nodes = set_of("9");
    expect_refused(d, host8, VNUMA_ERR_HOST, "unsupported configuration: NUMA node 9 is unavailable");
}

static void test_vcpus(void **state)
{
    (void)state;
    vn_domain *d = guest(1, 1048576);
    d->has_topology = true;
    d->sockets = 1, d->dies = 1, d->cores = 8, d->threads = 1;
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: CPU topology doesn't match maximum vcpu count");

    d = guest(1, 1048576);
    d->has_topology = true;
    d->sockets = 2, d->dies = 1, d->cores = 2, d->threads = 1;
    expect_ok(d, host8);

    d = guest(1, 1048576);
    set_vcpus(d, 4, 0);
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: Domain requires at least 1 vCPU");

    d = guest(1, 1048576);
    set_vcpus(d, 256, 256);
    expect_refused(d, host8, VNUMA_ERR_INVALID,
                   "unsupported configuration: Maximum CPUs greater than specified machine type limit 255");

    d = guest(2, 1048576);
    vn_bitmap_free(d->cells[0].cpus);
    vn_bitmap_free(d->cells[1].cpus);
    d->cells[0].cpus = d->cells[1].cpus = NULL;
    expect_refused(d, host8, VNUMA_ERR_INVALID, "unsupported configuration: At least one NUMA node has to have CPUs");
}

static void test_auto_placement(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_warnings w = {0};
    vn_domain *d = guest(1, 1048576);
    d->cpu_placement = VN_PLACEMENT_AUTO;
    d->numatune_specified = true;
    d->numatune_placement = VN_NUMATUNE_PLACEMENT_AUTO;
    /* The advisor's numad rule (advisor.h) on the 8-node host: 4 CPUs and
     * 32 GiB per node, all at distance 21, every node the same score: the
     * start node is the first, node 0.  4 vCPUs and 1 GiB fit it alone. */
    assert_int_equal(run(d, host8, &w, &e), 0);
    assert_non_null(d->auto_nodeset);
    char *s = vn_bitmap_format(d->auto_nodeset);
    assert_string_equal(s, "0");
    free(s);
    s = vn_bitmap_format(d->auto_cpuset);
    assert_string_equal(s, "0-3");
    free(s);
    assert_int_equal(w.n, 0);
    vn_domain_free(d);

    /* 5 vCPUs need two nodes (ceil(500 / 400)): node 0, then the first of
     * the equal nodes at 21, node 1. */
    d = guest(1, 1048576);
    set_vcpus(d, 5, 5);
    d->cpu_placement = VN_PLACEMENT_AUTO;
    assert_int_equal(run(d, host8, &w, &e), 0);
    s = vn_bitmap_format(d->auto_nodeset);
    assert_string_equal(s, "0-1");
    free(s);
    vn_domain_free(d);

    /* 40 vCPUs: the host has 32 CPUs in all.  numad's pick_numa_nodes
     * takes node 0, then the others (all at 21, equal scores) in id order,
     * and stops when every node with memory is taken: it answers 0-7 and
     * libvirt starts the guest there.  Accepted, with a warning. */
    d = guest(1, 1048576);
    set_vcpus(d, 40, 40);
    d->cpu_placement = VN_PLACEMENT_AUTO;
    assert_int_equal(run(d, host8, &w, &e), 0);
    s = vn_bitmap_format(d->auto_nodeset);
    assert_string_equal(s, "0-7");
    free(s);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.items[0], "placement='auto': nothing fits the guest: needs 40 CPUs and "
                                    "1024 MiB, and nodes 0-7 offer 32 idle CPUs and 262144 MiB "
                                    "free: short by 8 CPUs; numad answers 0-7 all the same, and "
                                    "libvirt starts the guest there");
    vn_warnings_clear(&w);
    vn_domain_free(d);

    d = guest(1, 1048576);
    assert_int_equal(run(d, host8, &w, &e), 0);
    assert_null(d->auto_nodeset);
    assert_int_equal(w.n, 0);
    vn_domain_free(d);
}

static void test_capacity_warning(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_warnings w = {0};
    vn_domain *d = guest(1, 16777216);      /* 16 GiB of 1 GiB pages on node 0 (4 pages) */
    add_hugepage(d, 1048576, NULL);
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("0");
    assert_int_equal(run(d, host8, &w, &e), 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.items[0], "guest cell 0 needs 16 huge pages of 1048576 KiB "
                                    "but host nodes 0 have 4 left");
    vn_warnings_clear(&w);
    vn_domain_free(d);

    d = guest(2, 2097152);                  /* 2 + 2 GiB fit in node 0's 4 pages ... */
    add_hugepage(d, 1048576, NULL);
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("0");
    assert_int_equal(run(d, host8, &w, &e), 0);
    assert_int_equal(w.n, 0);
    vn_domain_free(d);

    d = guest(3, 2097152);                  /* ... 3 x 2 GiB do not: the third cell finds none left */
    add_hugepage(d, 1048576, NULL);
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("0");
    assert_int_equal(run(d, host8, &w, &e), 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.items[0], "guest cell 2 needs 2 huge pages of 1048576 KiB "
                                    "but host nodes 0 have 0 left");
    vn_warnings_clear(&w);
    vn_domain_free(d);

    d = guest(1, 4194304);                  /* 4 GiB fits */
    add_hugepage(d, 1048576, NULL);
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("0");
    assert_int_equal(run(d, host8, &w, &e), 0);
    assert_int_equal(w.n, 0);
    vn_domain_free(d);
}

/* A host node without memory: available, warned once. */
static void test_memoryless_node(void **state)
{
    (void)state;
    static const char caps[] =
        "<capabilities><host><topology><cells>"
        "<cell id='0'><memory unit='KiB'>8388608</memory></cell>"
        "<cell id='1'><memory unit='KiB'>0</memory>"
        "<cpus num='1'><cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0'/></cpus>"
        "</cell></cells></topology></host></capabilities>";
    vn_error e = {0};
    vn_warnings w = {0};
    vn_host *h = vn_host_load_caps_memory(caps, strlen(caps), &e);
    assert_non_null(h);
    vn_domain *d = guest(2, 1048576);
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("0-1");
    assert_int_equal(run(d, h, &w, &e), 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.items[0], "host NUMA node 1 has no memory");
    vn_warnings_clear(&w);
    vn_domain_free(d);
    vn_host_free(h);
}

/* A kernel without NUMA: the made-up node 0 is not available to bind to. */
static void test_numa_fake_host(void **state)
{
    (void)state;
    vn_host *h = vn_host_new();
    vn_host_node *n = VN_APPEND(h->nodes, h->nnodes);
    n->mem_kib = 8388608;
    h->numa_fake = true;
    vn_domain *d = guest(1, 1048576);
    d->numatune_specified = true;
    d->numatune_nodeset = set_of("0");
    expect_refused(d, h, VNUMA_ERR_HOST, "unsupported configuration: NUMA node 0 is unavailable");
    expect_ok(guest(1, 1048576), h);        /* unbound: fine */
    vn_host_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numatune_unavailable),
        cmocka_unit_test(test_hugepage_mounts),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_hotplug),
        cmocka_unit_test(test_vcpus),
        cmocka_unit_test(test_auto_placement),
        cmocka_unit_test(test_capacity_warning),
        cmocka_unit_test(test_memoryless_node),
        cmocka_unit_test(test_numa_fake_host),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
