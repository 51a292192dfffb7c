/*
 * test_format.c - the domain formatter (domain_format.c) on models built
 * by hand, independent of the parser: placement of the owned elements in
 * libvirt's order, the partly owned <cputune>/<cpu>/<devices>, and the
 * verbatim (re-indented) writing of everything else.  Expected texts are
 * libvirt's formatting (qemuxml2xmloutdata and domain_conf.c's rules).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "model/domain.h"

static vn_domain *dom_new(const char *xml)
{
    vn_domain *d = vn_calloc(1, sizeof(*d));
    d->doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
    assert_non_null(d->doc);
    return d;
}

static vn_bitmap *bm(const char *s)
{
    vn_error e = {0};
    vn_bitmap *b = vn_bitmap_parse(s, VN_CPUMASK_LEN, &e);
    assert_non_null(b);
    return b;
}

static void check(const vn_domain *d, const char *want)
{
    vn_error e = {0};
    char *got = vn_domain_format(d, &e);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* libvirt's cpu-numa1: ids added, devices re-indented. */
static void test_cpu_numa1(void **state)
{
    (void)state;
    vn_domain *d = dom_new(
        "<domain type='qemu'>\n"
        "  <name>QEMUGuest1</name>\n"
        "  <memory unit='KiB'>219100</memory>\n"
        "  <currentMemory unit='KiB'>219100</currentMemory>\n"
        "  <vcpu placement='static'>16</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "  </os>\n"
        "  <cpu>\n"
        "    <topology sockets='2' dies='1' cores='4' threads='2'/>\n"
        "    <numa>\n"
        "      <cell cpus='0-7' memory='109550' unit='KiB'/>\n"
        "      <cell cpus='8-15' memory='109550' unit='KiB'/>\n"
        "    </numa>\n"
        "  </cpu>\n"
        "  <devices>\n"
        "      <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
        "  </devices>\n"
        "</domain>\n");
    d->total_memory_kib = d->cur_balloon_kib = 219100;
    d->maxvcpus = d->vcpus_current = 16;
    d->has_topology = true;
    d->sockets = 2, d->dies = 1, d->cores = 4, d->threads = 2;
    d->ncells = 2;
    d->cells = vn_calloc(2, sizeof(*d->cells));
    d->cells[0] = (vn_cell){.id = 0, .mem_kib = 109550, .cpus = bm("0-7")};
    d->cells[1] = (vn_cell){.id = 1, .mem_kib = 109550, .cpus = bm("8-15")};
    check(d,
        "<domain type='qemu'>\n"
        "  <name>QEMUGuest1</name>\n"
        "  <memory unit='KiB'>219100</memory>\n"
        "  <currentMemory unit='KiB'>219100</currentMemory>\n"
        "  <vcpu placement='static'>16</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "  </os>\n"
        "  <cpu>\n"
        "    <topology sockets='2' dies='1' cores='4' threads='2'/>\n"
        "    <numa>\n"
        "      <cell id='0' cpus='0-7' memory='109550' unit='KiB'/>\n"
        "      <cell id='1' cpus='8-15' memory='109550' unit='KiB'/>\n"
        "    </numa>\n"
        "  </cpu>\n"
        "  <devices>\n"
        "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
        "  </devices>\n"
        "</domain>\n");
    vn_domain_free(d);
}

/* Owned elements out of order or missing in the input go where libvirt
 * writes them; the pins go between the quotas and the schedulers; the
 * memory devices after <shmem>, before <vsock>. */
static void test_placement(void **state)
{
    (void)state;
    vn_domain *d = dom_new(
        "<domain type='kvm'>"
        "<name>g</name>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
        "<vcpu cpuset='0-3'>4</vcpu>"
        "<memory unit='GiB' dumpCore='off'>1</memory>"
        "<cputune><vcpusched vcpus='0' scheduler='fifo' priority='1'/>"
        "<vcpupin vcpu='1' cpuset='1'/><shares>2048</shares></cputune>"
        "<cpu mode='host-passthrough'><numa><cell cpus='0-3' memory='1' unit='GiB'/></numa></cpu>"
        "<devices><memballoon model='none'/><vsock model='virtio'/></devices>"
        "</domain>");
    d->total_memory_kib = 1048576 + 524288;
    d->cur_balloon_kib = 1048576 + 524288;
    d->max_memory_kib = 4194304;
    d->memory_slots = 16;
    d->maxvcpus = 4;
    d->vcpus_current = 2;
    d->cpumask = bm("0-3");
    d->nvcpupins = 2;
    d->vcpupins = vn_calloc(2, sizeof(*d->vcpupins));
    d->vcpupins[0] = (vn_pin){.id = 3, .cpuset = bm("3")};
    d->vcpupins[1] = (vn_pin){.id = 1, .cpuset = bm("1")};
    d->emulatorpin = bm("0-1");
    d->nhugepages = 2;
    d->hugepages = vn_calloc(2, sizeof(*d->hugepages));
    d->hugepages[0] = (vn_hugepage){.size_kib = 2048, .nodemask = bm("0")};
    d->hugepages[1] = (vn_hugepage){.size_kib = 1048576};
    d->access = VN_MEM_ACCESS_SHARED;
    d->allocation = VN_MEM_ALLOC_IMMEDIATE;
    d->allocation_threads = 8;
    d->numatune_specified = true;
    d->numatune_mode = VN_NUMATUNE_INTERLEAVE;
    d->numatune_placement = VN_NUMATUNE_PLACEMENT_AUTO;
    d->ncells = 1;
    d->cells = vn_calloc(1, sizeof(*d->cells));
    d->cells[0] = (vn_cell){.mem_kib = 1048576, .cpus = bm("0-3"),
                            .mem_access = VN_MEM_ACCESS_SHARED, .discard = VN_TRISTATE_NO};
    d->nmemdevs = 1;
    d->memdevs = vn_calloc(1, sizeof(*d->memdevs));
    d->memdevs[0] = (vn_memdev){.model = VN_MEMORY_MODEL_DIMM, .target_node = 0,
                                .size_kib = 524288, .pagesize_kib = 2048,
                                .source_nodes = bm("1-3"),
                                .addr_type = VN_MEMDEV_ADDR_DIMM, .addr_slot = 0};
    check(d,
        "<domain type='kvm'>\n"
        "  <name>g</name>\n"
        "  <maxMemory slots='16' unit='KiB'>4194304</maxMemory>\n"
        "  <memory dumpCore='off' unit='KiB'>1572864</memory>\n"
        "  <currentMemory unit='KiB'>1572864</currentMemory>\n"
        "  <memoryBacking>\n"
        "    <hugepages>\n"
        "      <page size='2048' unit='KiB' nodeset='0'/>\n"
        "      <page size='1048576' unit='KiB'/>\n"
        "    </hugepages>\n"
        "    <access mode='shared'/>\n"
        "    <allocation mode='immediate' threads='8'/>\n"
        "  </memoryBacking>\n"
        "  <vcpu placement='static' cpuset='0-3' current='2'>4</vcpu>\n"
        "  <numatune>\n"
        "    <memory mode='interleave' placement='auto'/>\n"
        "  </numatune>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "  </os>\n"
        "  <cputune>\n"
        "    <vcpupin vcpu='1' cpuset='1'/>\n"
        "    <vcpupin vcpu='3' cpuset='3'/>\n"
        "    <emulatorpin cpuset='0-1'/>\n"
        "    <vcpusched vcpus='0' scheduler='fifo' priority='1'/>\n"
        "    <shares>2048</shares>\n"
        "  </cputune>\n"
        "  <cpu mode='host-passthrough'>\n"
        "    <numa>\n"
        "      <cell id='0' cpus='0-3' memory='1048576' unit='KiB' memAccess='shared' discard='no'/>\n"
        "    </numa>\n"
        "  </cpu>\n"
        "  <devices>\n"
        "    <memballoon model='none'/>\n"
        "    <memory model='dimm'>\n"
        "      <source>\n"
        "        <nodemask>1-3</nodemask>\n"
        "        <pagesize unit='KiB'>2048</pagesize>\n"
        "      </source>\n"
        "      <target>\n"
        "        <size unit='KiB'>524288</size>\n"
        "        <node>0</node>\n"
        "      </target>\n"
        "      <address type='dimm' slot='0'/>\n"
        "    </memory>\n"
        "    <vsock model='virtio'/>\n"
        "  </devices>\n"
        "</domain>\n");
    vn_domain_free(d);
}

/* Elements vnuma does not own keep their content: comments, namespaces,
 * text with markup characters, mixed content; an emptied <cputune> and
 * <cpu> disappear as in libvirt. */
static void test_kept(void **state)
{
    (void)state;
    vn_domain *d = dom_new(
        "<!-- before -->\n"
        "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
        "  <name>a&amp;b&apos;</name>\n"
        "  <!-- a comment -->\n"
        "  <description>line one\n  line two &lt;x&gt; </description>\n"
        "  <metadata><app:x xmlns:app='urn:app' v='1&#10;2'>t <b>bold</b> t</app:x></metadata>\n"
        "  <memory>1024</memory>\n"
        "  <cputune><vcpupin vcpu='0' cpuset='1'/></cputune>\n"
        "  <cpu><numa><cell cpus='0' memory='1024'/></numa></cpu>\n"
        "  <devices>\n"
        "  </devices>\n"
        "  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\n"
        "</domain>\n");
    d->total_memory_kib = d->cur_balloon_kib = 1024;
    d->maxvcpus = d->vcpus_current = 1;
    check(d,
        "<!-- before -->\n"
        "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
        "  <name>a&amp;b&apos;</name>\n"
        "  <!-- a comment -->\n"
        "  <description>line one\n  line two &lt;x&gt; </description>\n"
        "  <metadata>\n"
        "    <app:x v='1&#10;2' xmlns:app='urn:app'>t <b>bold</b> t</app:x>\n"
        "  </metadata>\n"
        "  <memory unit='KiB'>1024</memory>\n"
        "  <currentMemory unit='KiB'>1024</currentMemory>\n"
        "  <vcpu placement='static'>1</vcpu>\n"
        "  <devices>\n"
        "  </devices>\n"
        "  <qemu:commandline>\n"
        "    <qemu:arg value='-S'/>\n"
        "  </qemu:commandline>\n"
        "</domain>\n");
    vn_domain_free(d);
}

/* <vcpus>, HMAT (distances, caches, interconnects), memnodes, nvdimm and
 * virtio-mem devices, <vnuma>. */
static void test_details(void **state)
{
    (void)state;
    vn_domain *d = dom_new(
        "<domain type='kvm'><name>h</name><vcpu>2</vcpu>"
        "<vcpus><vcpu id='0' enabled='yes'/><vcpu id='1' enabled='no' hotpluggable='yes' order='2'/></vcpus>"
        "<vnuma mode='node'/>"
        "<cpu><numa/></cpu><devices><memory model='nvdimm'/></devices></domain>");
    d->total_memory_kib = d->cur_balloon_kib = 2097152;
    d->maxvcpus = 2;
    d->vcpus_current = 1;
    d->vcpu_info = vn_calloc(2, sizeof(*d->vcpu_info));
    d->vcpu_info[0] = (vn_vcpu_info){.online = true};
    d->vcpu_info[1] = (vn_vcpu_info){.hotpluggable = VN_TRISTATE_YES, .order = 2};
    d->ncells = 2;
    d->cells = vn_calloc(2, sizeof(*d->cells));
    d->cells[0] = (vn_cell){.mem_kib = 1048576, .cpus = bm("0-1"),
                            .memnode_mode = VN_NUMATUNE_PREFERRED, .memnode_nodeset = bm("3")};
    d->cells[0].ndistances = 2;
    d->cells[0].distances = vn_calloc(2, sizeof(vn_distance));
    d->cells[0].distances[0] = (vn_distance){.cellid = 1, .value = 21};
    d->cells[0].distances[1] = (vn_distance){.cellid = 0, .value = 10};
    d->cells[1] = (vn_cell){.id = 1, .mem_kib = 1048576};
    d->cells[1].ncaches = 1;
    d->cells[1].caches = vn_calloc(1, sizeof(vn_cache));
    d->cells[1].caches[0] = (vn_cache){.level = 1, .assoc = VN_CACHE_ASSOC_DIRECT,
                                       .policy = VN_CACHE_POLICY_WRITEBACK,
                                       .size_kib = 10, .line_bytes = 8};
    d->ninterconnects = 2;
    d->interconnects = vn_calloc(2, sizeof(vn_interconnect));
    d->interconnects[0] = (vn_interconnect){.kind = VN_INTERCONNECT_LATENCY, .initiator = 0,
                                            .target = 0, .type = VN_MEMORY_LATENCY_ACCESS,
                                            .value = 5};
    d->interconnects[1] = (vn_interconnect){.kind = VN_INTERCONNECT_BANDWIDTH, .initiator = 0,
                                            .target = 1, .cache = 1,
                                            .type = VN_MEMORY_LATENCY_READ, .value = 204800};
    d->nmemdevs = 2;
    d->memdevs = vn_calloc(2, sizeof(*d->memdevs));
    d->memdevs[0] = (vn_memdev){.model = VN_MEMORY_MODEL_NVDIMM, .access = VN_MEM_ACCESS_PRIVATE,
                                .path = vn_strdup("/tmp/nvdimm'"), .alignsize_kib = 2048,
                                .pmem = true, .target_node = -1, .size_kib = 524288,
                                .labelsize_kib = 128, .readonly = true,
                                .uuid = vn_strdup("9066901e-c90a-46ad-8b55-c18868cf92ae")};
    d->memdevs[1] = (vn_memdev){.model = VN_MEMORY_MODEL_VIRTIO_MEM, .discard = VN_TRISTATE_YES,
                                .target_node = 1, .size_kib = 1048576, .blocksize_kib = 2048,
                                .requested_kib = 524288, .current_kib = 524288,
                                .alias = vn_strdup("ua-mem0"),
                                .addr_type = VN_MEMDEV_ADDR_PCI, .pci_slot = 2};
    d->vnuma = (vn_vnuma){.present = true, .mode = VN_VNUMA_MODE_NODE,
                          .distribution = VN_VNUMA_DIST_ROUND_ROBIN, .has_memory = true,
                          .memory_kib = 1048576, .has_partition = true,
                          .partition_nodeset = bm("0-3"), .partition_cells = 2};
    check(d,
        "<domain type='kvm'>\n"
        "  <name>h</name>\n"
        "  <memory unit='KiB'>2097152</memory>\n"
        "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
        "  <vcpu placement='static' current='1'>2</vcpu>\n"
        "  <vcpus>\n"
        "    <vcpu id='0' enabled='yes'/>\n"
        "    <vcpu id='1' enabled='no' hotpluggable='yes' order='2'/>\n"
        "  </vcpus>\n"
        "  <numatune>\n"
        "    <memnode cellid='0' mode='preferred' nodeset='3'/>\n"
        "  </numatune>\n"
        "  <vnuma mode='node' distribution='round-robin'>\n"
        "    <memory unit='KiB'>1048576</memory>\n"
        "    <partition nodeset='0-3' cells='2'/>\n"
        "  </vnuma>\n"
        "  <cpu>\n"
        "    <numa>\n"
        "      <cell id='0' cpus='0-1' memory='1048576' unit='KiB'>\n"
        "        <distances>\n"
        "          <sibling id='0' value='10'/>\n"
        "          <sibling id='1' value='21'/>\n"
        "        </distances>\n"
        "      </cell>\n"
        "      <cell id='1' memory='1048576' unit='KiB'>\n"
        "        <cache level='1' associativity='direct' policy='writeback'>\n"
        "          <size value='10' unit='KiB'/>\n"
        "          <line value='8' unit='B'/>\n"
        "        </cache>\n"
        "      </cell>\n"
        "      <interconnects>\n"
        "        <latency initiator='0' target='0' type='access' value='5'/>\n"
        "        <bandwidth initiator='0' target='1' cache='1' type='read' value='204800' unit='KiB'/>\n"
        "      </interconnects>\n"
        "    </numa>\n"
        "  </cpu>\n"
        "  <devices>\n"
        "    <memory model='nvdimm' access='private'>\n"
        "      <uuid>9066901e-c90a-46ad-8b55-c18868cf92ae</uuid>\n"
        "      <source>\n"
        "        <path>/tmp/nvdimm&apos;</path>\n"
        "        <alignsize unit='KiB'>2048</alignsize>\n"
        "        <pmem/>\n"
        "      </source>\n"
        "      <target>\n"
        "        <size unit='KiB'>524288</size>\n"
        "        <label>\n"
        "          <size unit='KiB'>128</size>\n"
        "        </label>\n"
        "        <readonly/>\n"
        "      </target>\n"
        "    </memory>\n"
        "    <memory model='virtio-mem' discard='yes'>\n"
        "      <target>\n"
        "        <size unit='KiB'>1048576</size>\n"
        "        <node>1</node>\n"
        "        <block unit='KiB'>2048</block>\n"
        "        <requested unit='KiB'>524288</requested>\n"
        "      </target>\n"
        "      <alias name='ua-mem0'/>\n"
        "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
        "    </memory>\n"
        "  </devices>\n"
        "</domain>\n");
    vn_domain_free(d);
}

/* Repeated partly owned containers: the first gets the model's children,
 * later ones lose their owned children; stray text is kept, trimmed. */
static void test_repeated(void **state)
{
    (void)state;
    vn_domain *d = dom_new(
        "<domain><name>d</name>"
        "<cputune> x <vcpupin vcpu='0' cpuset='2'/></cputune>"
        "<cpu><numa><cell cpus='0' memory='1'/></numa></cpu>"
        "<cpu mode='host-model'><numa><cell cpus='0' memory='9'/></numa></cpu>"
        "<devices/><devices><memory model='dimm'/></devices></domain>");
    d->total_memory_kib = d->cur_balloon_kib = 1024;
    d->maxvcpus = d->vcpus_current = 1;
    d->nvcpupins = 1;
    d->vcpupins = vn_calloc(1, sizeof(*d->vcpupins));
    d->vcpupins[0] = (vn_pin){.id = 0, .cpuset = bm("1")};
    d->ncells = 1;
    d->cells = vn_calloc(1, sizeof(*d->cells));
    d->cells[0] = (vn_cell){.mem_kib = 1024, .cpus = bm("0")};
    check(d,
        "<domain>\n"
        "  <name>d</name>\n"
        "  <memory unit='KiB'>1024</memory>\n"
        "  <currentMemory unit='KiB'>1024</currentMemory>\n"
        "  <vcpu placement='static'>1</vcpu>\n"
        "  <cputune>\n"
        "    x\n"
        "    <vcpupin vcpu='0' cpuset='1'/>\n"
        "  </cputune>\n"
        "  <cpu>\n"
        "    <numa>\n"
        "      <cell id='0' cpus='0' memory='1024' unit='KiB'/>\n"
        "    </numa>\n"
        "  </cpu>\n"
        "  <cpu mode='host-model'/>\n"
        "  <devices>\n"
        "  </devices>\n"
        "  <devices>\n"
        "  </devices>\n"
        "</domain>\n");
    vn_domain_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_numa1),
        cmocka_unit_test(test_placement),
        cmocka_unit_test(test_kept),
        cmocka_unit_test(test_details),
        cmocka_unit_test(test_repeated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
