/*
 * domain_postparse.c - what libvirt 9.0 does to a freshly parsed QEMU
 * x86_64 domain before it accepts it with `virsh define`.
 *
 * vn_domain_postparse: the adjustments, in libvirt's order: the QEMU
 * driver's post-parse callback (qemuDomainDefVcpusPostParse,
 * qemuDomainDefNumaCPUsRectify), the per-device one (virtio-pmem access),
 * then virDomainDefPostParseCommon (virDomainVcpuDefPostParse,
 * virDomainDefPostParseMemory, virDomainDefPostParseMemtune).
 *
 * vn_domain_validate_define: virDomainDefValidate for the owned elements:
 * first the QEMU driver's domain callback (qemuValidateDomainDef: memory
 * hotplug, vCPU topology, huge pages), then each device (vhost-user
 * shared memory, memory devices), then virDomainDefValidateInternal
 * (topology overflow; huge page node sets and HMAT in numa_rules.c).
 *
 * Rules that need the host, the hugetlbfs mounts, or that libvirt applies
 * only when starting (memory alignment, host node sets, QEMU command line
 * checks) are in domain_validate.c.  Messages carry libvirt's error-class
 * prefix as virsh prints them.
 */
#include "model/domain.h"
#include "domain/domain_xml.h"

#include <stdlib.h>
#include <string.h>


/* virHostMemGetTHPSize's fallback, and x86_64's transparent huge page. */
#define THP_SIZE_KIB 2048

/* ARCH_IS_PPC64: the few rules that differ there are kept. */
static bool is_ppc64(const vn_domain *dom)
{
    return dom->arch && !strncmp(dom->arch, "ppc64", 5);
}

/* ---- post-parse ------------------------------------------------------- */

/* qemuDomainDefVcpusPostParse. */
static int qemu_vcpus_postparse(const vn_domain *dom, vn_error *err)
{
    if (!dom->maxvcpus)
        return 0;
    const vn_vcpu_info *v = &dom->vcpu_info[0], *prev = v;
    if (!v->online) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "vcpu 0 can't be offline");
        return -1;
    }
    if (v->hotpluggable == VN_TRISTATE_YES) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "vcpu0 can't be hotpluggable");
        return -1;
    }
    if (v->order != 0 && v->order != 1) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "vcpu0 must be enabled first");
        return -1;
    }
    bool has_order = v->order != 0;
    for (unsigned i = 1; i < dom->maxvcpus; i++) {
        v = &dom->vcpu_info[i];
        if (v->online && (v->order != 0) != has_order) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "all vcpus must have either set or unset order");
            return -1;
        }
        if (v->hotpluggable == VN_TRISTATE_NO) {
            if (prev->hotpluggable == VN_TRISTATE_YES) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                              "online non-hotpluggable vcpus need to be ordered prior to hotplugable vcpus");
                return -1;
            }
            if (prev->order > v->order) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                              "online non-hotpluggable vcpus must be ordered in ascending order");
                return -1;
            }
        }
        prev = v;
    }
    return 0;
}

/* A <vnuma> domain gets its guest cells when it is expanded on a host
 * (vnuma_expand.c), and the expanded document is parsed and checked again
 * with every rule below.  Until then, rules that count guest cells
 * (hot-plug, memory device target nodes, huge page node sets) wait. */
static bool cells_pending(const vn_domain *dom)
{
    return dom->vnuma.present && dom->ncells == 0;
}

/* qemuDomainDefNumaCPUsRectify: vCPUs in no cell go to cell 0. */
static void qemu_numa_cpus_rectify(vn_domain *dom)
{
    if (!dom->ncells)
        return;
    size_t numacpus = 0;
    for (size_t i = 0; i < dom->ncells; i++)
        numacpus += vn_bitmap_count(dom->cells[i].cpus);
    if (numacpus >= dom->maxvcpus)
        return;
    vn_bitmap *all = vn_bitmap_new();
    for (unsigned c = 0; c < dom->maxvcpus; c++)
        vn_bitmap_set(all, c);
    for (size_t i = 1; i < dom->ncells; i++)
        vn_bitmap_foreach(dom->cells[i].cpus, c)
            vn_bitmap_clear(all, (unsigned)c);
    vn_bitmap_free(dom->cells[0].cpus);
    dom->cells[0].cpus = all;
}

/* virDomainMemoryDefPostParse. */
static void memdevs_postparse(vn_domain *dom)
{
    for (size_t i = 0; i < dom->nmemdevs; i++)
        if (dom->memdevs[i].model == VN_MEMORY_MODEL_VIRTIO_PMEM &&
            dom->memdevs[i].access == VN_MEM_ACCESS_DEFAULT)
            dom->memdevs[i].access = VN_MEM_ACCESS_SHARED;
}

/* virDomainVcpuDefPostParse. */
static int vcpus_postparse(vn_domain *dom, vn_error *err)
{
    dom->vcpus_current = 0;
    for (unsigned i = 0; i < dom->maxvcpus; i++) {
        vn_vcpu_info *v = &dom->vcpu_info[i];
        dom->vcpus_current += v->online;
        if (v->hotpluggable == VN_TRISTATE_ABSENT)
            v->hotpluggable = v->online ? VN_TRISTATE_NO : VN_TRISTATE_YES;
        else if (v->hotpluggable == VN_TRISTATE_NO && !v->online) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "vcpu '%u' is both offline and not hotpluggable", i);
            return -1;
        }
    }
    return 0;
}

/* virDomainDefPostParseMemory. */
static int memory_postparse(vn_domain *dom, vn_error *err)
{
    uint64_t numa = 0, hotplug = 0;
    /* virDomainDefPostParseMemory: the cells give the memory when <memory>
     * is missing or the ABI may be updated (virsh define) */
    if (dom->total_memory_kib == 0 || (dom->parse_flags & VN_PARSE_ABI_UPDATE))
        numa = vn_domain_cells_memory_kib(dom);
    for (size_t i = 0; i < dom->nmemdevs; i++)
        if (!vn_add_u64(hotplug, dom->memdevs[i].size_kib, &hotplug))
            hotplug = UINT64_MAX;
    if (numa) {
        if (!vn_add_u64(numa, hotplug, &dom->total_memory_kib)) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OVERFLOW, "size value too large");
            return -1;
        }
    } else if (hotplug > dom->total_memory_kib) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Total size of memory devices exceeds the total memory size");
        return -1;
    }
    if (vn_domain_memory_initial_kib(dom) == 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Memory size must be specified via <memory> or in the <numa> configuration");
        return -1;
    }
    if (dom->cur_balloon_kib > dom->total_memory_kib || dom->cur_balloon_kib == 0)
        dom->cur_balloon_kib = dom->total_memory_kib;
    if ((dom->max_memory_kib || dom->memory_slots) &&
        !(dom->max_memory_kib && dom->memory_slots)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "both maximum memory size and memory slot count must be specified");
        return -1;
    }
    if (dom->max_memory_kib && dom->max_memory_kib < dom->total_memory_kib) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "maximum memory size must be equal or greater than the actual memory size");
        return -1;
    }
    return 0;
}

/* virDomainDefPostParseMemtune: without guest cells a huge page node set
 * naming node 0 only is dropped (libvirt looks for a bit after 0). */
static void memtune_postparse(vn_domain *dom)
{
    if (dom->ncells || cells_pending(dom))
        return;
    for (size_t i = 0; i < dom->nhugepages; i++) {
        vn_hugepage *hp = &dom->hugepages[i];
        if (hp->nodemask && vn_bitmap_next(hp->nodemask, 0) < 0) {
            vn_bitmap_free(hp->nodemask);
            hp->nodemask = NULL;
        }
    }
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* qemuDomainAssignMemorySlots (the QEMU address-assignment callback):
 * dimm and nvdimm devices without an address get the lowest free slot
 * below the slot count.  The used slots are kept sorted rather than in a
 * bitmap, since the slot count comes from the input. */
static int assign_memory_slots(vn_domain *dom, vn_error *err)
{
    if (!dom->memory_slots && !dom->max_memory_kib)
        return 0;
    unsigned *used = vn_calloc(dom->nmemdevs + 1, sizeof(unsigned));
    size_t nused = 0, idx = 0;
    for (size_t i = 0; i < dom->nmemdevs; i++)
        if (dom->memdevs[i].addr_type == VN_MEMDEV_ADDR_DIMM &&
            dom->memdevs[i].addr_slot < dom->memory_slots)
            used[nused++] = dom->memdevs[i].addr_slot;
    qsort(used, nused, sizeof(unsigned), cmp_uint);
    uint64_t cand = 0;
    int rc = 0;
    for (size_t i = 0; i < dom->nmemdevs; i++) {
        vn_memdev *m = &dom->memdevs[i];
        if ((m->model != VN_MEMORY_MODEL_DIMM && m->model != VN_MEMORY_MODEL_NVDIMM) ||
            m->addr_type == VN_MEMDEV_ADDR_DIMM)
            continue;
        for (; idx < nused && used[idx] <= cand; idx++)
            if (used[idx] == cand)
                cand++;
        if (cand >= dom->memory_slots) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                          "failed to find an empty memory slot");
            rc = -1;
            break;
        }
        m->addr_type = VN_MEMDEV_ADDR_DIMM;
        m->addr_slot = (unsigned)cand++;
        m->addr_has_slot = true;
    }
    free(used);
    return rc;
}

/* virDomainDefPostParseCheckFeatures: the QEMU driver lacks
 * VIR_DOMAIN_DEF_FEATURE_NAME_SLASH, so a name with '/' is refused (it
 * would name paths: /dev/hugepages/libvirt/qemu/-1-web/01). */
static int check_features(const vn_domain *dom, vn_error *err)
{
    if (dom->name && strchr(dom->name, '/')) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "name %s cannot contain '/'", dom->name);
        return -1;
    }
    return 0;
}

int vn_domain_postparse(vn_domain *dom, vn_error *err)
{
    if (qemu_vcpus_postparse(dom, err) < 0)
        return -1;
    qemu_numa_cpus_rectify(dom);
    memdevs_postparse(dom);
    if (vcpus_postparse(dom, err) < 0 || memory_postparse(dom, err) < 0)
        return -1;
    memtune_postparse(dom);
    if (assign_memory_slots(dom, err) < 0)
        return -1;
    return check_features(dom, err);
}

/* ---- define-time validation: the QEMU driver's domain callback --------- */

/* qemuCheckMemoryDimmConflict. */
static int dimm_conflict(const vn_domain *dom, const vn_memdev *m, vn_error *err)
{
    for (size_t i = 0; i < dom->nmemdevs; i++) {
        const vn_memdev *o = &dom->memdevs[i];
        if (o == m || o->addr_type != VN_MEMDEV_ADDR_DIMM)
            continue;
        if (m->addr_slot == o->addr_slot) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "memory device slot '%u' is already being used by another memory device",
                          m->addr_slot);
            return -1;
        }
        if (m->addr_base && m->addr_base == o->addr_base) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "memory device base '0x%llx' is already being used by another memory device",
                          (unsigned long long)m->addr_base);
            return -1;
        }
    }
    return 0;
}

static int need_target_node(const vn_domain *dom, const vn_memdev *m, vn_error *err)
{
    if (dom->ncells && m->target_node == -1) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "target NUMA node needs to be specified for memory device");
        return -1;
    }
    return 0;
}

/* qemuDomainDefValidateMemoryHotplugDevice. */
static int hotplug_device(const vn_domain *dom, const vn_memdev *m, vn_error *err)
{
    switch (m->model) {
    case VN_MEMORY_MODEL_DIMM:
    case VN_MEMORY_MODEL_NVDIMM:
        if (m->addr_type != VN_MEMDEV_ADDR_DIMM && m->addr_type != VN_MEMDEV_ADDR_NONE) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "only 'dimm' addresses are supported for the pc-dimm device");
            return -1;
        }
        if (need_target_node(dom, m, err) < 0)
            return -1;
        if (m->addr_type == VN_MEMDEV_ADDR_DIMM) {
            if (m->addr_slot >= dom->memory_slots) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                              "memory device slot '%u' exceeds slots count '%u'",
                              m->addr_slot, dom->memory_slots);
                return -1;
            }
            if (dimm_conflict(dom, m, err) < 0)
                return -1;
        }
        return need_target_node(dom, m, err);
    case VN_MEMORY_MODEL_VIRTIO_PMEM:
        if (m->addr_type != VN_MEMDEV_ADDR_PCI && m->addr_type != VN_MEMDEV_ADDR_NONE) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "only 'pci' addresses are supported for the virtio-pmem device");
            return -1;
        }
        return 0;
    case VN_MEMORY_MODEL_VIRTIO_MEM:
        if (m->addr_type != VN_MEMDEV_ADDR_PCI && m->addr_type != VN_MEMDEV_ADDR_NONE) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "only 'pci' addresses are supported for the %s device",
                          vn_memory_model_to_string(m->model));
            return -1;
        }
        return need_target_node(dom, m, err);
    case VN_MEMORY_MODEL_SGX_EPC:
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "hotplug is not supported for the %s device",
                     vn_memory_model_to_string(m->model));
        return -1;
    default:
        return -1;
    }
}

/* qemuDomainDefValidateMemoryHotplug(def, mem): mem is NULL at define
 * time, else the device about to be hot-plugged (src/live), which is
 * checked first and counts; the devices already there are not checked
 * again then. */
int vn_domain_validate_memory_hotplug(const vn_domain *dom, const vn_memdev *mem,
                                      vn_error *err)
{
    uint64_t initial = vn_domain_memory_initial_kib(dom);
    uint64_t space = dom->max_memory_kib - initial;   /* unsigned, as libvirt's */
    uint64_t used = 0;
    size_t nmems = dom->nmemdevs;

    if (mem) {
        nmems++;
        used = mem->size_kib;
        if (hotplug_device(dom, mem, err) < 0)
            return -1;
    }
    if (!dom->max_memory_kib) {
        if (nmems) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "cannot use/hotplug a memory device when domain 'maxMemory' is not defined");
            return -1;
        }
        return 0;
    }
    if (!is_ppc64(dom) && !dom->ncells && !cells_pending(dom)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "At least one numa node has to be configured when enabling memory hotplug");
        return -1;
    }
    if (nmems > dom->memory_slots) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "memory device count '%u' exceeds slots count '%u'",
                     (unsigned)nmems, dom->memory_slots);
        return -1;
    }
    for (size_t i = 0; i < dom->nmemdevs; i++) {
        const vn_memdev *m = &dom->memdevs[i];
        used += m->size_kib;   /* bounded by total memory (post-parse) */
        if (!mem && m->model != VN_MEMORY_MODEL_SGX_EPC && hotplug_device(dom, m, err) < 0)
            return -1;
    }
    if (used > space) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "memory device total size exceeds hotplug space");
        return -1;
    }
    return 0;
}

/* virDomainDefGetVcpusTopology: -1 on overflow, 1 without topology. */
static int topology_cpus(const vn_domain *dom, unsigned *out)
{
    if (!dom->has_topology || !dom->sockets)
        return 1;
    uint64_t t = dom->sockets;
    if ((t *= dom->dies) > UINT32_MAX || (t *= dom->cores) > UINT32_MAX ||
        (t *= dom->threads) > UINT32_MAX)
        return -1;
    *out = (unsigned)t;
    return 0;
}

/* qemuValidateDomainVCpuTopology, the part that needs no QEMU capability.
 * The machine's vCPU limit and the topology/vCPU count agreement depend
 * on the QEMU binary's capabilities (libvirt's qemuxml2xml tests, run
 * without them, accept such domains): domain_validate.c applies them. */
static int validate_vcpu_count(const vn_domain *dom, vn_error *err)
{
    if (vn_domain_online_vcpus(dom) == 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "Domain requires at least 1 vCPU");
        return -1;
    }
    return 0;
}

/* qemuValidateDomainDefMemory (QEMU 7.2 has every capability it asks). */
static int validate_qemu_memory(const vn_domain *dom, vn_error *err)
{
    if (!dom->nhugepages)
        return 0;
    if (dom->allocation == VN_MEM_ALLOC_ONDEMAND) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "hugepages are not allowed with memory allocation ondemand");
        return -1;
    }
    if (dom->source == VN_MEM_SOURCE_ANONYMOUS) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "hugepages are not allowed with anonymous memory source");
        return -1;
    }
    return 0;
}

/* ---- define-time validation: devices --------------------------------- */

/* qemuValidateDomainDefVhostUserRequireSharedMemory (x86 machines have a
 * default RAM id, so memoryBacking access='shared' suffices without cells). */
static int require_shared_memory(const vn_domain *dom, const char *name, vn_error *err)
{
    bool ok = true;
    if (!dom->ncells)
        ok = dom->access == VN_MEM_ACCESS_SHARED;
    for (size_t i = 0; ok && i < dom->ncells; i++) {
        vn_mem_access a = dom->cells[i].mem_access;
        if (a == VN_MEM_ACCESS_PRIVATE ||
            (a == VN_MEM_ACCESS_DEFAULT && dom->access != VN_MEM_ACCESS_SHARED))
            ok = false;
    }
    if (!ok) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "'%s' requires shared memory", name);
        return -1;
    }
    return 0;
}

/* qemuValidateDomainDeviceDefFS for a virtiofs file system, in its order;
 * QEMU 7.2 has the capabilities it asks for (multidevs, vhost-user-fs) and
 * vnuma stands for a privileged (qemu:///system) daemon. */
static int validate_virtiofs(const vn_domain *dom, const vn_virtiofs *v, vn_error *err)
{
    const char *why = NULL;
    if (!v->type_mount)
        why = "only supports mount filesystem type";
    else if (v->has_fdmode && !v->accessmode_mapped)
        why = "fmode and dmode must be used with accessmode=mapped";
    else if (!v->has_socket && v->readonly)
        why = "virtiofs does not yet support read-only mode";
    else if (!v->has_socket && v->accessmode_other)
        why = "virtiofs only supports passthrough accessmode";
    else if (!v->has_socket && v->has_wrpolicy)
        why = "virtiofs does not support wrpolicy";
    else if (v->has_model)
        why = "virtiofs does not support model";
    else if (v->has_format)
        why = "virtiofs does not support format";
    else if (v->has_multidevs)
        why = "virtiofs does not support multidevs";
    else if (v->has_fdmode)
        why = "virtiofs does not support fmode and dmode";
    if (why) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "%s", why);
        return -1;
    }
    return require_shared_memory(dom, "virtiofs", err);
}

/* vhost-user disks, then file systems (libvirt's device order). */
static int validate_vhost_user(const vn_domain *dom, vn_error *err)
{
    if (dom->has_vhostuser_disk && require_shared_memory(dom, "vhostuser", err) < 0)
        return -1;
    for (size_t i = 0; i < dom->nvirtiofs; i++)
        if (validate_virtiofs(dom, &dom->virtiofs[i], err) < 0)
            return -1;
    return 0;
}

static int validate_virtio_mem(const vn_memdev *m, vn_error *err)
{
    if (m->requested_kib > m->size_kib) {
        vn_error_set(err, VNUMA_ERR_INVALID,
                     "requested size must be smaller than or equal to @size (%lluKiB)",
                     (unsigned long long)m->size_kib);
        return -1;
    }
    if (m->blocksize_kib & (m->blocksize_kib - 1)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "block size must be a power of two");
        return -1;
    }
    if (m->blocksize_kib < THP_SIZE_KIB) {
        vn_error_set(err, VNUMA_ERR_INVALID, "block size too small, must be at least %lluKiB",
                     (unsigned long long)THP_SIZE_KIB);
        return -1;
    }
    if (m->requested_kib % m->blocksize_kib) {
        vn_error_set(err, VNUMA_ERR_INVALID,
                     "requested size must be an integer multiple of block size");
        return -1;
    }
    return 0;
}

/* virDomainMemoryDefValidate. */
int vn_domain_validate_memdev(const vn_domain *dom, const vn_memdev *m, vn_error *err)
{
    const char *model = vn_memory_model_to_string(m->model);
    if (m->target_node != -1 && !cells_pending(dom)) {
        if (!dom->ncells) {
            vn_error_set(err, VNUMA_ERR_INVALID,
                         "can't add memory backend as guest has no NUMA nodes configured");
            return -1;
        }
        if ((size_t)m->target_node >= dom->ncells) {
            vn_error_set(err, VNUMA_ERR_INVALID,
                         "can't add memory backend for guest node '%d' as the guest has only '%zu' NUMA nodes configured",
                         m->target_node, dom->ncells);
            return -1;
        }
    }
    switch (m->model) {
    case VN_MEMORY_MODEL_NVDIMM:
        if (!m->path) {
            vn_error_set(err, VNUMA_ERR_INVALID, "path is required for model 'nvdimm'");
            return -1;
        }
        if (m->discard == VN_TRISTATE_YES) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "discard is not supported for nvdimms");
            return -1;
        }
        if (is_ppc64(dom)) {
            if (!m->labelsize_kib) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                              "label size is required for NVDIMM device");
                return -1;
            }
        } else if (m->uuid) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "UUID is not supported for NVDIMM device");
            return -1;
        }
        return 0;
    case VN_MEMORY_MODEL_VIRTIO_PMEM:
        if (!m->path) {
            vn_error_set(err, VNUMA_ERR_INVALID, "path is required for model '%s'", model);
            return -1;
        }
        if (m->discard == VN_TRISTATE_YES) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "discard is not supported for model '%s'", model);
            return -1;
        }
        if (m->access != VN_MEM_ACCESS_SHARED) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "shared access mode required for virtio-pmem device");
            return -1;
        }
        if (m->target_node != -1) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "virtio-pmem does not support NUMA nodes");
            return -1;
        }
        return 0;
    case VN_MEMORY_MODEL_VIRTIO_MEM:
        return validate_virtio_mem(m, err);
    case VN_MEMORY_MODEL_SGX_EPC:
        if (m->addr_type != VN_MEMDEV_ADDR_NONE) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "memory device address is not supported for model '%s'", model);
            return -1;
        }
        return 0;
    default:
        return 0;
    }
}

/* ---- define-time validation: virDomainDefValidateInternal ------------ */

/* Huge page node sets and the NUMA checks (HMAT) are in numa_rules.c. */

int vn_domain_validate_define(const vn_domain *dom, vn_error *err)
{
    unsigned topo;
    /* qemuValidateDomainDef */
    if (vn_domain_validate_memory_hotplug(dom, NULL, err) < 0 ||
        validate_vcpu_count(dom, err) < 0 ||
        validate_qemu_memory(dom, err) < 0)
        return -1;
    /* devices: disks, file systems, then memory devices */
    if (validate_vhost_user(dom, err) < 0)
        return -1;
    for (size_t i = 0; i < dom->nmemdevs; i++)
        if (vn_domain_validate_memdev(dom, &dom->memdevs[i], err) < 0)
            return -1;
    /* virDomainDefValidateInternal */
    if (topology_cpus(dom, &topo) < 0) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "cpu topology results in more than %u cpus",
                     UINT32_MAX);
        return -1;
    }
    if (dx_validate_hugepages(dom, err) < 0 || dx_validate_numa(dom, err) < 0)
        return -1;
    return 0;
}
