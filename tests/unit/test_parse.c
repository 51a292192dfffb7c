/*
 * test_parse.c - the domain XML parser, libvirt's post-parse defaults and
 * its define-time rules (domain_parse.c, domain_postparse.c).
 *
 * Documents are parsed from memory.  Accepted ones have their model
 * fields checked; refused ones their exact message, which is libvirt
 * 9.0's text (numa_conf.c, domain_conf.c, domain_validate.c,
 * domain_postparse.c, qemu_domain.c) with virsh's class prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "model/domain.h"

#define HEAD "<domain type='kvm'><name>t</name>"
#define OS "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
#define TAIL "</domain>"

static vn_domain *parse_ok(const char *xml)
{
    vn_error e = {0};
    vn_domain *d = vn_domain_parse(xml, strlen(xml), 0, &e);
    if (!d)
        fail_msg("refused: %s\n%s", e.msg, xml);
    return d;
}

static void refused(const char *xml, const char *msg)
{
    vn_error e = {0};
    vn_domain *d = vn_domain_parse(xml, strlen(xml), 0, &e);
    if (d) {
        vn_domain_free(d);
        fail_msg("accepted, expected: %s\n%s", msg, xml);
    }
    assert_int_equal(e.code, VNUMA_ERR_INVALID);
    assert_string_equal(e.msg, msg);
}

static char *set_str(const vn_bitmap *b)
{
    static char buf[256];
    char *s = vn_bitmap_format(b);
    snprintf(buf, sizeof(buf), "%s", s);
    free(s);
    return buf;
}

static void test_sizes(void **state)
{
    (void)state;
    vn_domain *d = parse_ok(HEAD "<memory unit='GiB'>4</memory><vcpu>4</vcpu>" OS
                            "<memoryBacking><hugepages><page size='2' unit='M' nodeset='1'/>"
                            "<page size='1048576'/></hugepages></memoryBacking>"
                            "<cpu><numa><cell cpus='0-1' memory='2' unit='GiB'/>"
                            "<cell cpus='2-3' memory='2097152'/></numa></cpu>" TAIL);
    assert_int_equal(d->total_memory_kib, 4194304);
    assert_int_equal(d->cur_balloon_kib, 4194304);     /* currentMemory defaults to memory */
    assert_int_equal(d->ncells, 2);
    assert_int_equal(d->cells[0].mem_kib, 2097152);
    assert_int_equal(d->cells[1].mem_kib, 2097152);
    assert_int_equal(d->nhugepages, 2);
    assert_int_equal(d->hugepages[0].size_kib, 2048);
    assert_string_equal(set_str(d->hugepages[0].nodemask), "1");
    assert_int_equal(d->hugepages[1].size_kib, 1048576);
    assert_null(d->hugepages[1].nodemask);
    vn_domain_free(d);

    /* bytes round up to KiB; memory from the cells when <memory> is absent */
    d = parse_ok(HEAD "<vcpu>2</vcpu>" OS "<cpu><numa><cell cpus='0' memory='1025' unit='b'/>"
                 "<cell cpus='1' memory='1' unit='MiB'/></numa></cpu>" TAIL);
    assert_int_equal(d->cells[0].mem_kib, 2);
    assert_int_equal(d->total_memory_kib, 1026);
    vn_domain_free(d);
}

static void test_sets_and_pins(void **state)
{
    (void)state;
    vn_domain *d = parse_ok(HEAD "<memory>1048576</memory><vcpu cpuset='0-3,^2'>4</vcpu>"
                            "<iothreads>2</iothreads>"
                            "<cputune><vcpupin vcpu='1' cpuset='4-5'/><vcpupin vcpu='9' cpuset='1'/>"
                            "<emulatorpin cpuset='6'/><iothreadpin iothread='2' cpuset='7'/></cputune>"
                            "<numatune><memory mode='interleave' nodeset='0-1'/>"
                            "<memnode cellid='0' mode='preferred' nodeset='1'/></numatune>" OS
                            "<cpu><topology sockets='1' cores='2' threads='2'/><numa>"
                            "<cell id='0' cpus='0-1' memory='524288' memAccess='shared' discard='yes'/>"
                            "<cell id='1' cpus='2-3' memory='524288'/></numa></cpu>" TAIL);
    assert_string_equal(set_str(d->cpumask), "0-1,3");
    assert_int_equal(d->nvcpupins, 1);              /* vcpupin of a missing vCPU is ignored */
    assert_int_equal(d->vcpupins[0].id, 1);
    assert_string_equal(set_str(d->vcpupins[0].cpuset), "4-5");
    assert_string_equal(set_str(d->emulatorpin), "6");
    assert_int_equal(d->niothreads, 2);
    assert_int_equal(d->iothreadpins[0].id, 2);
    assert_true(d->numatune_specified);
    assert_int_equal(d->numatune_mode, VN_NUMATUNE_INTERLEAVE);
    assert_int_equal(d->numatune_placement, VN_NUMATUNE_PLACEMENT_STATIC);
    assert_string_equal(set_str(d->numatune_nodeset), "0-1");
    assert_true(d->cells[0].has_memnode);
    assert_int_equal(d->cells[0].memnode_mode, VN_NUMATUNE_PREFERRED);
    assert_string_equal(set_str(d->cells[0].memnode_nodeset), "1");
    assert_false(d->cells[1].has_memnode);
    assert_int_equal(d->cells[0].mem_access, VN_MEM_ACCESS_SHARED);
    assert_int_equal(d->cells[0].discard, VN_TRISTATE_YES);
    assert_true(d->has_topology);
    assert_int_equal(d->dies, 1);                   /* dies default to 1 */
    assert_int_equal(d->cores, 2);
    vn_domain_free(d);
}

static void test_placement_defaults(void **state)
{
    (void)state;
    /* vcpu placement auto without <numatune>: memory placement auto */
    vn_domain *d = parse_ok(HEAD "<memory>1048576</memory><vcpu placement='auto' cpuset='1'>2</vcpu>"
                            OS TAIL);
    assert_int_equal(d->cpu_placement, VN_PLACEMENT_AUTO);
    assert_null(d->cpumask);                       /* cpuset ignored with placement auto */
    assert_true(d->numatune_specified);
    assert_int_equal(d->numatune_placement, VN_NUMATUNE_PLACEMENT_AUTO);
    assert_int_equal(d->numatune_mode, VN_NUMATUNE_STRICT);
    vn_domain_free(d);

    /* numatune placement auto turns static vCPU placement to auto */
    d = parse_ok(HEAD "<memory>1048576</memory><vcpu>2</vcpu>"
                 "<numatune><memory mode='preferred' placement='auto' nodeset='3'/></numatune>" OS TAIL);
    assert_int_equal(d->cpu_placement, VN_PLACEMENT_AUTO);
    assert_int_equal(d->numatune_placement, VN_NUMATUNE_PLACEMENT_AUTO);
    assert_null(d->numatune_nodeset);              /* dropped with placement auto */
    vn_domain_free(d);

    /* ... unless vCPUs are pinned */
    d = parse_ok(HEAD "<memory>1048576</memory><vcpu cpuset='0'>2</vcpu>"
                 "<numatune><memory placement='auto'/></numatune>" OS TAIL);
    assert_int_equal(d->cpu_placement, VN_PLACEMENT_STATIC);
    vn_domain_free(d);

    /* no numatune at all with static placement: not specified */
    d = parse_ok(HEAD "<memory>1048576</memory><vcpu current='1'>2</vcpu>" OS TAIL);
    assert_false(d->numatune_specified);
    assert_int_equal(d->vcpus_current, 1);
    assert_true(d->vcpu_info[0].online);
    assert_false(d->vcpu_info[1].online);
    assert_int_equal(d->vcpu_info[0].hotpluggable, VN_TRISTATE_NO);
    assert_int_equal(d->vcpu_info[1].hotpluggable, VN_TRISTATE_YES);
    vn_domain_free(d);
}

static void test_postparse(void **state)
{
    (void)state;
    /* hugepage nodeset '0' dropped on a guest without cells */
    vn_domain *d = parse_ok(HEAD "<memory>1048576</memory><vcpu>1</vcpu>"
                            "<memoryBacking><hugepages><page size='2048' nodeset='0'/></hugepages>"
                            "</memoryBacking>" OS TAIL);
    assert_null(d->hugepages[0].nodemask);
    vn_domain_free(d);

    /* empty <hugepages/>: one page of the default size */
    d = parse_ok(HEAD "<memory>1048576</memory><vcpu>1</vcpu>"
                 "<memoryBacking><hugepages/><locked/><nosharepages/><discard/>"
                 "<source type='memfd'/><access mode='shared'/><allocation mode='immediate' threads='4'/>"
                 "</memoryBacking>" OS TAIL);
    assert_int_equal(d->nhugepages, 1);
    assert_int_equal(d->hugepages[0].size_kib, 0);
    assert_true(d->locked && d->nosharepages);
    assert_int_equal(d->discard, VN_TRISTATE_YES);
    assert_int_equal(d->source, VN_MEM_SOURCE_MEMFD);
    assert_int_equal(d->access, VN_MEM_ACCESS_SHARED);
    assert_int_equal(d->allocation, VN_MEM_ALLOC_IMMEDIATE);
    assert_int_equal(d->allocation_threads, 4);
    vn_domain_free(d);

    /* vCPUs in no cell go to cell 0; currentMemory above memory is clamped */
    d = parse_ok(HEAD "<memory>1048576</memory><currentMemory>2097152</currentMemory><vcpu>4</vcpu>" OS
                 "<cpu><numa><cell cpus='0' memory='524288'/><cell cpus='2' memory='524288'/></numa></cpu>"
                 TAIL);
    assert_string_equal(set_str(d->cells[0].cpus), "0-1,3");
    assert_int_equal(d->cur_balloon_kib, 1048576);
    vn_domain_free(d);

    /* memory devices: slots assigned, virtio-pmem shared, initial memory */
    d = parse_ok(HEAD "<maxMemory slots='4' unit='GiB'>8</maxMemory><memory unit='GiB'>3</memory>"
                 "<vcpu>1</vcpu>" OS "<cpu><numa><cell cpus='0' memory='1' unit='GiB'/></numa></cpu>"
                 "<devices><memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target>"
                 "<address type='dimm' slot='0'/></memory>"
                 "<memory model='dimm'><source><pagesize unit='KiB'>2048</pagesize><nodemask>1-2</nodemask>"
                 "</source><target><size unit='MiB'>512</size><node>0</node></target></memory>"
                 "<memory model='virtio-pmem'><source><path>/tmp/p</path></source>"
                 "<target><size unit='MiB'>512</size></target></memory></devices>" TAIL);
    assert_int_equal(d->nmemdevs, 3);
    assert_int_equal(d->max_memory_kib, 8388608);
    assert_int_equal(d->memory_slots, 4);
    assert_int_equal(d->memdevs[1].addr_type, VN_MEMDEV_ADDR_DIMM);
    assert_int_equal(d->memdevs[1].addr_slot, 1);
    assert_int_equal(d->memdevs[1].pagesize_kib, 2048);
    assert_string_equal(set_str(d->memdevs[1].source_nodes), "1-2");
    assert_int_equal(d->memdevs[1].target_node, 0);
    assert_int_equal(d->memdevs[2].access, VN_MEM_ACCESS_SHARED);
    assert_int_equal(d->memdevs[2].target_node, -1);
    assert_int_equal(d->memdevs[2].addr_type, VN_MEMDEV_ADDR_NONE);
    assert_int_equal(vn_domain_memory_initial_kib(d), 1048576);
    vn_domain_free(d);
}

static void test_numa_extras(void **state)
{
    (void)state;
    vn_domain *d = parse_ok(HEAD "<memory>2097152</memory><vcpu>2</vcpu>" OS
                            "<cpu><numa><cell id='0' cpus='0' memory='1048576'>"
                            "<distances><sibling id='0' value='10'/><sibling id='1' value='21'/></distances>"
                            "<cache level='1' associativity='direct' policy='writeback'>"
                            "<size value='10' unit='KiB'/><line value='8' unit='B'/></cache></cell>"
                            "<cell id='1' cpus='1' memory='1048576'/>"
                            "<interconnects><latency initiator='0' target='0' type='access' value='5'/>"
                            "<bandwidth initiator='0' target='1' type='read' value='204800' unit='KiB'/>"
                            "</interconnects></numa></cpu>" TAIL);
    assert_int_equal(d->cells[0].ndistances, 2);
    assert_int_equal(d->cells[0].distances[1].value, 21);
    assert_int_equal(d->cells[1].distances[0].value, 21);   /* symmetric */
    assert_int_equal(d->cells[1].distances[1].value, 10);
    assert_int_equal(d->cells[0].ncaches, 1);
    assert_int_equal(d->cells[0].caches[0].size_kib, 10);
    assert_int_equal(d->cells[0].caches[0].line_bytes, 8);
    assert_int_equal(d->cells[0].caches[0].policy, VN_CACHE_POLICY_WRITEBACK);
    assert_int_equal(d->ninterconnects, 2);
    assert_int_equal(d->interconnects[1].kind, VN_INTERCONNECT_BANDWIDTH);
    assert_int_equal(d->interconnects[1].value, 204800);
    assert_int_equal(d->interconnects[1].type, VN_MEMORY_LATENCY_READ);
    vn_domain_free(d);
}

static void test_vnuma(void **state)
{
    (void)state;
    vn_domain *d = parse_ok(HEAD "<memory>1048576</memory><vcpu>2</vcpu>" OS
                            "<vnuma mode='node'><memory unit='MiB'>512</memory>"
                            "<partition nodeset='0-3' cells='2'/></vnuma>" TAIL);
    assert_true(d->vnuma.present);
    assert_int_equal(d->vnuma.mode, VN_VNUMA_MODE_NODE);
    assert_int_equal(d->vnuma.distribution, VN_VNUMA_DIST_CONTIGUOUS);
    assert_int_equal(d->vnuma.memory_kib, 524288);
    assert_string_equal(set_str(d->vnuma.partition_nodeset), "0-3");
    assert_int_equal(d->vnuma.partition_cells, 2);
    vn_domain_free(d);

    d = parse_ok(HEAD "<memory>1048576</memory><vcpu>2</vcpu>" OS
                 "<vnuma mode='host' distribution='round-robin'/>" TAIL);
    assert_int_equal(d->vnuma.distribution, VN_VNUMA_DIST_ROUND_ROBIN);
    assert_false(d->vnuma.has_partition);
    vn_domain_free(d);

    refused(HEAD "<memory>1048576</memory><vcpu>2</vcpu>" OS "<vnuma/>" TAIL,
            "XML error: Missing required attribute 'mode' in element 'vnuma'");
    refused(HEAD "<memory>1048576</memory><vcpu>2</vcpu>" OS "<vnuma mode='x'/>" TAIL,
            "XML error: Invalid value for attribute 'mode' in element 'vnuma': 'x'.");
    refused(HEAD "<memory>1048576</memory><vcpu>2</vcpu>" OS
            "<vnuma mode='host'><partition cells='2'/></vnuma>" TAIL,
            "XML error: element 'partition' in element 'vnuma' requires mode='node'");
    refused(HEAD "<memory>1048576</memory><vcpu>2</vcpu>" OS
            "<vnuma mode='node'><partition cells='0'/></vnuma>" TAIL,
            "XML error: Invalid value for attribute 'cells' in element 'partition': Zero is not permitted");
    refused(HEAD "<memory>1048576</memory><vcpu>2</vcpu>" OS
            "<cpu><numa><cell cpus='0-1' memory='1048576'/></numa></cpu><vnuma mode='host'/>" TAIL,
            "XML error: element 'vnuma' cannot be combined with guest NUMA cells in <cpu><numa>");
}

#define M "<memory>1048576</memory>"
#define CELLS2 "<cpu><numa><cell id='0' cpus='0' memory='524288'/><cell id='1' cpus='1' memory='524288'/></numa></cpu>"

static void test_parse_refusals(void **state)
{
    (void)state;
    refused(HEAD M "<vcpu>2</vcpu>" OS
            "<cpu><numa><cell id='0' cpus='0' memory='524288'/><cell id='2' cpus='1' memory='524288'/></numa></cpu>" TAIL,
            "XML error: Exactly one 'cell' element per guest NUMA cell allowed, non-contiguous ranges "
            "or ranges not starting from 0 are not allowed");
    refused(HEAD M "<vcpu>2</vcpu><numatune><memnode cellid='0' nodeset='0'/></numatune>" OS TAIL,
            "XML error: Element 'memnode' is invalid without any guest NUMA cells");
    refused(HEAD M "<vcpu>2</vcpu><numatune><memory nodeset='0,^0'/></numatune>" OS TAIL,
            "unsupported configuration: Invalid value of 'nodeset': 0,^0");
    refused(HEAD M "<vcpu placement='auto'>2</vcpu><numatune><memory placement='auto'/>"
            "<memnode cellid='0' nodeset='3'/></numatune>" OS CELLS2 TAIL,
            "unsupported configuration: Per-node binding is not compatible with automatic NUMA placement.");
    refused(HEAD M "<vcpu>2</vcpu><numatune><memory mode='restrictive' nodeset='0'/>"
            "<memnode cellid='0' mode='strict' nodeset='0'/></numatune>" OS CELLS2 TAIL,
            "XML error: 'restrictive' mode is required in memnode element when mode is 'restrictive' in memory element");
    refused(HEAD M "<vcpu placement='auto'>2</vcpu><numatune><memory placement='static'/></numatune>" OS TAIL,
            "unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
    refused(HEAD M "<vcpu>2</vcpu><numatune><memory mode='strange'/></numatune>" OS TAIL,
            "unsupported configuration: Unsupported NUMA memory tuning mode 'strange'");
    refused(HEAD M "<vcpu>x</vcpu>" OS TAIL, "XML error: maximum vcpus count must be an integer");
    refused(HEAD M "<vcpu current='3'>2</vcpu>" OS TAIL,
            "unsupported configuration: maximum vCPU count must not be less than current vCPU count");
    refused(HEAD M "<vcpu>2</vcpu>" OS
            "<cpu><numa><cell cpus='0-1' memory='524288'/><cell cpus='1' memory='524288'/></numa></cpu>" TAIL,
            "unsupported configuration: NUMA cells 1 and 0 have overlapping vCPU ids");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa><cell cpus='0-2' memory='524288'/></numa></cpu>" TAIL,
            "internal error: Number of CPUs in <numa> exceeds the <vcpu> count");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa><cell cpus='5' memory='524288'/></numa></cpu>" TAIL,
            "internal error: CPU IDs in <numa> exceed the <vcpu> count");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa><cell cpus='0'/></numa></cpu>" TAIL,
            "XML error: missing element or attribute './@memory'");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa/></cpu>" TAIL,
            "XML error: NUMA topology defined without NUMA cells");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa><cell cpus='0' memory='1' memAccess='x'/></numa></cpu>" TAIL,
            "XML error: Invalid value for attribute 'memAccess' in element 'cell': 'x'.");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa><cell id='0' cpus='0' memory='524288'><distances>"
            "<sibling id='1' value='10'/></distances></cell><cell id='1' cpus='1' memory='524288'/></numa></cpu>" TAIL,
            "XML error: 'value 10' is invalid for 'sibling id 1' under NUMA 'cell id 0'");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><topology sockets='0' cores='1' threads='1'/></cpu>" TAIL,
            "XML error: Invalid value for attribute 'sockets' in element 'topology': Zero is not permitted");
    refused(HEAD "<memory unit='XiB'>1</memory><vcpu>1</vcpu>" OS TAIL,
            "invalid argument: unknown suffix 'XiB'");
    refused(HEAD "<memory>-5</memory><vcpu>1</vcpu>" OS TAIL,
            "XML error: Invalid value '-5' for element or attribute './memory[1]'");
    refused(HEAD M "<vcpu>1</vcpu><memoryBacking><hugepages><page size='0'/></hugepages></memoryBacking>" OS TAIL,
            "hugepage size can't be zero");
    refused(HEAD M "<vcpu>1</vcpu><memoryBacking><source type='bogus'/></memoryBacking>" OS TAIL,
            "unsupported configuration: unknown memoryBacking/source/type 'bogus'");
    refused(HEAD M "<vcpu>2</vcpu><cputune><vcpupin vcpu='0'/></cputune>" OS TAIL,
            "internal error: missing cpuset for vcpupin");
    refused(HEAD M "<vcpu>2</vcpu><cputune><iothreadpin iothread='1' cpuset='0'/></cputune>" OS TAIL,
            "unsupported configuration: Cannot find 'iothread' : 1");
    refused(HEAD M "<vcpu>1</vcpu>" OS "<devices><memory model='dimm'/></devices>" TAIL,
            "XML error: missing <target> element for <memory> device");
}

static void test_define_refusals(void **state)
{
    (void)state;
    refused(HEAD M "<vcpu>2</vcpu><memoryBacking><hugepages><page size='2048'/>"
            "<page size='1048576'/></hugepages></memoryBacking>" OS CELLS2 TAIL,
            "two master hugepages detected: 1048576 and 2048");   /* [i] then [j < i] */
    refused(HEAD M "<vcpu>2</vcpu><memoryBacking><hugepages><page size='2048' nodeset='0-1'/>"
            "<page size='1048576' nodeset='1'/></hugepages></memoryBacking>" OS CELLS2 TAIL,
            "nodeset attribute of hugepages of sizes 1048576 and 2048 intersect");
    refused(HEAD M "<vcpu>2</vcpu><memoryBacking><hugepages><page size='2048' nodeset='2'/>"
            "</hugepages></memoryBacking>" OS CELLS2 TAIL,
            "hugepages: node 2 not found");
    refused(HEAD M "<vcpu>2</vcpu><memoryBacking><hugepages><page size='2048' nodeset='1'/>"
            "</hugepages></memoryBacking>" OS TAIL,
            "hugepages: node 1 not found");
    refused(HEAD "<maxMemory slots='4'>4194304</maxMemory>" M "<vcpu>1</vcpu>" OS TAIL,
            "unsupported configuration: At least one numa node has to be configured when enabling memory hotplug");
    refused(HEAD "<maxMemory slots='4'>524288</maxMemory>" M "<vcpu>1</vcpu>" OS TAIL,
            "XML error: maximum memory size must be equal or greater than the actual memory size");
    refused(HEAD "<maxMemory>4194304</maxMemory>" M "<vcpu>1</vcpu>" OS TAIL,
            "XML error: both maximum memory size and memory slot count must be specified");
    refused(HEAD "<vcpu>1</vcpu>" OS TAIL,
            "XML error: Memory size must be specified via <memory> or in the <numa> configuration");
    refused(HEAD "<maxMemory slots='4'>4194304</maxMemory>" M "<vcpu>2</vcpu>" OS CELLS2
            "<devices><memory model='dimm'><target><size>524288</size><node>2</node></target></memory></devices>" TAIL,
            "can't add memory backend for guest node '2' as the guest has only '2' NUMA nodes configured");
    refused(HEAD M "<vcpu>1</vcpu>" OS
            "<devices><memory model='dimm'><target><size>524288</size></target></memory></devices>" TAIL,
            "unsupported configuration: cannot use/hotplug a memory device when domain 'maxMemory' is not defined");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<devices><memory model='dimm'><target><size>2097152</size></target>"
            "</memory></devices>" TAIL,
            "XML error: Total size of memory devices exceeds the total memory size");
    refused(HEAD M "<vcpu>2</vcpu><vcpus><vcpu id='0' enabled='no'/><vcpu id='1' enabled='yes'/></vcpus>" OS TAIL,
            "unsupported configuration: vcpu 0 can't be offline");
    refused(HEAD M "<vcpu>2</vcpu><vcpus><vcpu id='0' enabled='yes'/>"
            "<vcpu id='1' enabled='no' hotpluggable='no'/></vcpus>" OS TAIL,
            "unsupported configuration: vcpu '1' is both offline and not hotpluggable");
    /* libvirt's max-CPU-id check (0 >= 0 vCPUs) comes first */
    refused(HEAD M "<vcpu>0</vcpu>" OS TAIL, "internal error: CPU IDs in <numa> exceed the <vcpu> count");
    refused(HEAD M "<vcpu current='0'>2</vcpu>" OS TAIL, "unsupported configuration: vcpu 0 can't be offline");
    refused(HEAD M "<vcpu>1</vcpu><memoryBacking><hugepages/><allocation mode='ondemand'/></memoryBacking>" OS TAIL,
            "unsupported configuration: hugepages are not allowed with memory allocation ondemand");
    refused(HEAD M "<vcpu>1</vcpu>" OS "<devices><disk type='vhostuser' device='disk'>"
            "<source type='unix' path='/tmp/s'/><target dev='vda' bus='virtio'/></disk></devices>" TAIL,
            "unsupported configuration: 'vhostuser' requires shared memory");
    refused(HEAD M "<vcpu>2</vcpu>" OS
            "<cpu><numa><cell cpus='0' memory='524288' memAccess='private'/><cell cpus='1' memory='524288'/></numa></cpu>"
            "<devices><filesystem type='mount'><driver type='virtiofs'/><source socket='/tmp/s'/>"
            "<target dir='t'/></filesystem></devices>" TAIL,
            "unsupported configuration: 'virtiofs' requires shared memory");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa><cell cpus='0' memory='524288'/>"
            "<cell cpus='1' memory='524288'/><interconnects>"
            "<latency initiator='0' target='2' type='access' value='5'/></interconnects></numa></cpu>" TAIL,
            "XML error: 'target' refers to a non-existent NUMA node");
    refused(HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa><cell cpus='0' memory='524288'>"
            "<cache level='4' associativity='direct' policy='writeback'><size value='1'/><line value='8'/></cache>"
            "</cell><cell cpus='1' memory='524288'/></numa></cpu>" TAIL,
            "XML error: Ain't nobody heard of that much cache level");
    refused(HEAD "<maxMemory slots='4'>4194304</maxMemory>" M "<vcpu>2</vcpu>" OS CELLS2
            "<devices><memory model='nvdimm'><uuid>not-a-uuid</uuid><source><path>/tmp/n</path></source>"
            "<target><size>524288</size><node>0</node></target></memory></devices>" TAIL,
            "internal error: malformed uuid element");
    refused(HEAD "<maxMemory slots='4'>4194304</maxMemory>" M "<vcpu>2</vcpu>" OS CELLS2
            "<devices><memory model='nvdimm'><uuid>49545eb3-75e1-2d0a-acdd-f0294406c99e</uuid>"
            "<source><path>/tmp/n</path></source>"
            "<target><size>524288</size><node>0</node></target></memory></devices>" TAIL,
            "unsupported configuration: UUID is not supported for NVDIMM device");
    /* ppc64 needs no guest NUMA for memory hotplug */
    vn_domain_free(parse_ok(HEAD "<maxMemory slots='4'>4194304</maxMemory>" M "<vcpu>1</vcpu>"
                            "<os><type arch='ppc64' machine='pseries'>hvm</type></os>" TAIL));
    /* shared memory given: accepted */
    vn_domain_free(parse_ok(HEAD M "<vcpu>1</vcpu><memoryBacking><access mode='shared'/></memoryBacking>" OS
                            "<devices><disk type='vhostuser' device='disk'><source type='unix' path='/tmp/s'/>"
                            "<target dev='vda' bus='virtio'/></disk></devices>" TAIL));
    /* topology and vCPU count disagreeing is a start-time (QEMU) rule */
    vn_domain_free(parse_ok(HEAD M "<vcpu>3</vcpu>" OS
                            "<cpu><topology sockets='1' cores='2' threads='1'/></cpu>" TAIL));
}

static void test_hostile(void **state)
{
    (void)state;
    /* entity declarations are refused before anything expands: the
     * billion laughs costs nothing (no timing here: bench/ measures) */
    refused("<?xml version='1.0'?>\n<!DOCTYPE domain [\n"
            " <!ENTITY a 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>\n"
            " <!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>\n"
            " <!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>\n"
            " <!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>\n"
            " <!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'>\n"
            " <!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'>\n"
            " <!ENTITY g '&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;'>\n"
            " <!ENTITY h '&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;'>\n"
            "]>\n<domain type='kvm'><name>&h;</name></domain>",
            "XML error: entity declarations are not allowed (line 3)");
    refused("<?xml version='1.0'?>\n<!DOCTYPE domain [ <!ENTITY x SYSTEM 'file:///etc/passwd'> ]>\n"
            "<domain type='kvm'><name>&x;</name></domain>",
            "XML error: entity declarations are not allowed (line 2)");
    refused("<?xml version='1.0'?>\n<!DOCTYPE domain [ <!ENTITY % p SYSTEM 'file:///etc/passwd'> %p; ]>\n"
            "<domain type='kvm'/>",
            "XML error: entity declarations are not allowed (line 2)");
    refused(HEAD "<memory unit='EiB'>18446744073709551615</memory><vcpu>1</vcpu>" OS TAIL,
            "numerical overflow: value too large: 18446744073709551615EiB");
    refused(HEAD M "<vcpu>1</vcpu><numatune><memory nodeset='0-4294967295'/></numatune>" OS TAIL,
            "invalid argument: Failed to parse bitmap '0-4294967295'");
    refused(HEAD M "<vcpu>4294967295</vcpu>" OS TAIL,
            "unsupported configuration: vcpu count 4294967295 is more than vnuma supports (16384)");
    refused(HEAD "<vcpu>2</vcpu>" OS "<cpu><numa><cell cpus='0' memory='4' unit='EiB'/>"
            "<cell cpus='1' memory='4' unit='EiB'/></numa></cpu>" TAIL,
            "numerical overflow: size value too large");
    refused("<notdomain/>", "XML error: expected root element 'domain'");
    refused("<domain><unclosed></domain>",
            "XML error: Opening and ending tag mismatch: unclosed line 1 and domain (line 1)");

    /* deep nesting: libxml2's depth limit (no XML_PARSE_HUGE); deeper
     * and longer documents meet base/xml_bounds.h first (test_xml_bounds) */
    vn_buf b = {0};
    vn_buf_add(&b, "<domain type='kvm'>");
    for (int i = 0; i < 1000; i++)
        vn_buf_add(&b, "<a>");
    for (int i = 0; i < 1000; i++)
        vn_buf_add(&b, "</a>");
    vn_buf_add(&b, "</domain>");
    vn_error e = {0};
    assert_null(vn_domain_parse(b.s, b.len, 0, &e));
    assert_non_null(strstr(e.msg, "Excessive depth in document: 256"));
    vn_buf_free(&b);

    /* 11 MiB: refused before parsing */
    size_t big = 11u * 1024 * 1024;
    char *s = vn_malloc(big);
    memset(s, ' ', big);
    e = (vn_error){0};
    assert_null(vn_domain_parse(s, big, 0, &e));
    assert_string_equal(e.msg, "XML error: document is 11534336 bytes, more than the limit of 10485760 bytes");
    free(s);

}

static void test_file(void **state)
{
    (void)state;
    char path[] = "/tmp/vnuma-test-parse-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    const char *xml = HEAD M "<vcpu>1</vcpu>" OS TAIL;
    fputs(xml, f);
    fclose(f);
    vn_error e = {0};
    vn_domain *d = vn_domain_parse_file(path, 0, &e);
    assert_non_null(d);
    assert_string_equal(d->name, "t");
    assert_string_equal(d->arch, "x86_64");
    assert_string_equal(d->machine, "pc");
    assert_string_equal(d->type, "kvm");
    vn_domain_free(d);

    assert_int_equal(truncate(path, 11 * 1024 * 1024), 0);
    e = (vn_error){0};
    assert_null(vn_domain_parse_file(path, 0, &e));
    char want[256];
    snprintf(want, sizeof(want), "'%s' is larger than the limit of 10485760 bytes", path);
    assert_string_equal(e.msg, want);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_sets_and_pins),
        cmocka_unit_test(test_placement_defaults),
        cmocka_unit_test(test_postparse),
        cmocka_unit_test(test_numa_extras),
        cmocka_unit_test(test_vnuma),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_define_refusals),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
