/*
 * domain_validate.c - what libvirt 9.0 refuses or adjusts when it starts a
 * QEMU 7.2 x86_64 guest, for the NUMA/memory part of the domain.
 *
 * vn_domain_validate_start follows libvirt's start sequence
 * (qemuProcessCreatePretendCmdPrepare/Build, as `virsh domxml-to-native`
 * runs it), in libvirt's order:
 *
 *  1. qemuProcessStartValidate: virDomainDefValidate again, i.e. the
 *     define-time rules (vn_domain_validate_define, domain_postparse.c),
 *     plus the parts of qemuValidateDomainVCpuTopology that need the QEMU
 *     binary (machine vCPU limit, topology vs. vCPU count).  The other
 *     QEMU capability checks always pass for QEMU 7.2.
 *  2. qemuProcessPrepareDomain: the automatic placement libvirt asks numad
 *     for (vnuma asks its advisor's numad rule, advisor.h: never refused,
 *     a warning when nothing really fits),
 *     then qemuDomainAlignMemorySizes, which MODIFIES the domain: the
 *     aligned sizes are what the QEMU command line carries.
 *  3. The refusals of qemuBuildCommandLine (qemu_command.c): the default
 *     RAM backend (no guest cells), then qemuBuildNumaCommandLine
 *     (numatune nodesets the host lacks, one backend per cell, a cell with
 *     CPUs), then the memory device backends.  Huge page sizes need a
 *     hugetlbfs mount (cfg) the host can back.
 *
 * With host == NULL the host rules are skipped.  Capacity shortfalls (a
 * backend asking for more huge pages than its host nodes hold) are
 * warnings, not errors: libvirt does not check them either.
 */
#include "model/domain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "model/config.h"
#include "model/host.h"
#include "place/advisor.h"
#include "qemu/machine.h"

/* libvirt prefixes each message with its error code's text (virErrorMsg);
 * virsh prints the whole, and so does vnuma. */

#define VN_SYSTEM_PAGE_KIB 4             /* virGetSystemPageSizeKB() on x86_64 */
#define VN_MAX_MEMORY_KIB ((uint64_t)INT64_MAX >> 10)   /* virMemoryMaxValue >> 10 */
#define VN_MAX_VCPUS_WITHOUT_EIM 255     /* QEMU_MAX_VCPUS_WITHOUT_EIM */

typedef struct start_ctx {
    vn_domain *dom;
    const vn_host *host;
    const vn_config *cfg;
    vn_warnings *w;
    vn_error *err;
    /* huge pages already claimed by earlier backends: parallel to the
     * host's nodes and their pages (lazily allocated) */
    uint64_t **claimed;
    vn_bitmap *warned_memoryless;   /* host nodes already warned about */
} start_ctx;

/* ---- helpers mirroring libvirt's accessors ---- */

static bool arch_is_ppc64(const vn_domain *d)
{
    return d->arch && !strncmp(d->arch, "ppc64", 5);
}

static bool needs_placement_advice(const vn_domain *d)
{
    return d->cpu_placement == VN_PLACEMENT_AUTO ||
           (d->numatune_specified && d->numatune_placement == VN_NUMATUNE_PLACEMENT_AUTO);
}

/* ---- 1. virDomainDefValidate, re-run at start ---- */

/* Online vCPUs of the cells (virDomainNumaGetCPUCountTotal). */
static unsigned numa_cpu_count(const vn_domain *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->ncells; i++)
        n += d->cells[i].cpus ? vn_bitmap_count(d->cells[i].cpus) : 0;
    return (unsigned)n;
}

/* qemuValidateDomainVCpuTopology (QEMU 7.2 has query-hotpluggable-cpus;
 * the x86 vCPU hot-plug granularity is 1). */
static int validate_vcpu_topology(start_ctx *c)
{
    const vn_domain *d = c->dom;
    unsigned max_cpus = vn_qemu_machine_max_cpus(d);

    if (max_cpus > 0 && d->maxvcpus > max_cpus) {
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "Maximum CPUs greater than specified machine type limit %u", max_cpus);
        return -1;
    }
    if (d->has_topology && d->sockets) {   /* virDomainDefGetVcpusTopology */
        uint64_t topo = d->sockets;
        if (!vn_mul_u64(topo, d->dies ? d->dies : 1, &topo) || !vn_mul_u64(topo, d->cores, &topo) ||
            !vn_mul_u64(topo, d->threads, &topo))
            topo = UINT64_MAX;
        if (topo != d->maxvcpus) {
            vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "CPU topology doesn't match maximum vcpu count");
            return -1;
        }
        unsigned numacpus = numa_cpu_count(d);
        if (numacpus != 0 && topo != numacpus)
            vn_warn(c->w, "CPU topology doesn't match numa CPU count; partial NUMA mapping "
                          "is obsoleted and will be removed in future");
    }
    if (d->maxvcpus > VN_MAX_VCPUS_WITHOUT_EIM && !vn_qemu_machine_is_q35(d)) {
        /* x86 only; the q35 requirement of an iommu with eim='on' is not
         * modelled (no <iommu> in the domain model). */
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "more than %d vCPUs are only supported on q35-based machine types",
                      VN_MAX_VCPUS_WITHOUT_EIM);
        return -1;
    }
    return 0;
}

/* qemuProcessStartValidate runs virDomainDefValidate again: the rules of
 * `virsh define` (vn_domain_validate_define: qemuValidateDomainDef's memory
 * hotplug, vCPU count and huge page rules, the device and generic rules),
 * then those of qemuValidateDomainVCpuTopology that depend on the QEMU
 * binary's capabilities, which libvirt's capability-less define tests skip. */
static int validate_qemu(start_ctx *c)
{
    if (vn_domain_validate_define(c->dom, c->err) < 0)
        return -1;
    return validate_vcpu_topology(c);
}

/* ---- 2. qemuProcessPrepareDomain ---- */

/* qemuProcessPrepareDomainNUMAPlacement: libvirt runs `numad -w
 * VCPUS:MiB` (virDomainDefGetVcpus, virDomainDefGetMemoryTotal rounded up
 * to MiB) and takes its answer, whatever it is: numad never refuses (when
 * nothing fits it answers every node), so neither does libvirt.  vnuma
 * asks the advisor's numad rule (advisor.h) the same question, in
 * ordinary memory as numad counts it even for a hugepage-backed guest
 * (the huge page checks below warn when the nodes lack pages), with every
 * CPU idle (no load sample at start), and warns when nothing really fits.
 * As libvirt does with numad's answer: autoCpuset = every CPU of the
 * advised nodes; autoNodeset = the advised nodes that have memory. */
static int prepare_placement(start_ctx *c)
{
    vn_domain *d = c->dom;
    if (!needs_placement_advice(d) || !c->host)
        return 0;
    vn_advice_request req = {.ncpus = d->vcpus_current,
                             .mem_kib = VN_DIV_UP(d->total_memory_kib, 1024) * 1024,
                             .rule = VN_ADVISE_NUMAD};
    vn_advice a;
    vn_error e = {0};
    if (vn_advise(c->host, &req, &a, NULL, &e) < 0) {
        vn_error_set(c->err, VNUMA_ERR_HOST, "placement='auto': %s", e.msg);
        return -1;
    }
    if (!a.fits) {
        VN_AUTOFREE char *nodes = vn_bitmap_format(a.nodes);
        vn_warn(c->w, "placement='auto': nothing fits the guest: %s; numad answers %s all the "
                      "same, and libvirt starts the guest there", a.shortfall, nodes);
    }
    vn_bitmap *mem_nodes = vn_host_nodes_with_memory(c->host);
    vn_bitmap_free(d->auto_nodeset);
    vn_bitmap_free(d->auto_cpuset);
    d->auto_nodeset = vn_bitmap_new();
    vn_bitmap_foreach(a.nodes, n)
        if (vn_bitmap_is_set(mem_nodes, (unsigned)n))
            vn_bitmap_set(d->auto_nodeset, (unsigned)n);
    d->auto_cpuset = a.cpus;
    a.cpus = NULL;
    vn_bitmap_free(mem_nodes);
    vn_advice_clear(&a);
    return 0;
}

/* qemuDomainAlignMemorySizes */
static int align_memory_sizes(start_ctx *c)
{
    vn_domain *d = c->dom;
    uint64_t align = arch_is_ppc64(d) ? 256 * 1024 : 1024;
    uint64_t initial = 0, hotplug = 0, mem;

    for (size_t i = 0; i < d->ncells; i++) {
        if (!vn_round_up_u64(d->cells[i].mem_kib, align, &mem) || mem > VN_MAX_MEMORY_KIB) {
            vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "memory size of NUMA node '%zu' overflowed after alignment", i);
            return -1;
        }
        initial += mem;   /* each <= 2^53: no overflow for any realistic count */
        d->cells[i].mem_kib = mem;
    }
    if (initial == 0 &&
        !vn_round_up_u64(vn_domain_memory_initial_kib(d), align, &initial))
        initial = UINT64_MAX;
    if (initial > VN_MAX_MEMORY_KIB) {
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "initial memory size overflowed after alignment");
        return -1;
    }
    if (!vn_round_up_u64(d->max_memory_kib, align, &mem) || mem > VN_MAX_MEMORY_KIB) {
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "maximum memory size overflowed after alignment");
        return -1;
    }
    d->max_memory_kib = mem;
    for (size_t i = 0; i < d->nmemdevs; i++) {
        /* dimm modules need 2 MiB; ppc64 256 MiB (its nvdimm rule is not ported) */
        uint64_t malign = arch_is_ppc64(d) ? 256 * 1024 : 2048;
        if (!vn_round_up_u64(d->memdevs[i].size_kib, malign, &mem) || mem > VN_MAX_MEMORY_KIB) {
            vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "size of memory module '%zu' overflowed after alignment", i);
            return -1;
        }
        d->memdevs[i].size_kib = mem;
        hotplug += mem;
    }
    d->total_memory_kib = initial + hotplug;
    return 0;
}

/* ---- 3. qemuBuildCommandLine ---- */

/* virNumaNodesetIsAvailable against the host.  A host whose kernel has
 * no NUMA (numa_fake: the loader made node 0 up, as libvirt's capabilities
 * do) has no available node: libnuma's node mask is empty there.  A node
 * without memory is available to libvirt, but QEMU cannot bind guest
 * memory to it alone: warned once per node. */
static int nodeset_available(start_ctx *c, const vn_bitmap *nodes)
{
    if (!nodes || !c->host)
        return 0;
    if (vn_host_nodeset_available(c->host, nodes, c->err) < 0)
        return -1;
    vn_bitmap_foreach(nodes, bit) {
        const vn_host_node *n = vn_host_find_node(c->host, (unsigned)bit);
        if (n->mem_kib == 0 && !vn_bitmap_is_set(c->warned_memoryless, (unsigned)bit)) {
            if (!c->warned_memoryless)
                c->warned_memoryless = vn_bitmap_new();
            vn_bitmap_set(c->warned_memoryless, (unsigned)bit);
            vn_warn(c->w, "host NUMA node %d has no memory", bit);
        }
    }
    return 0;
}

/* Which element gave the node set of cell (-1: the guest as a whole):
 * libvirt's "NUMA node N is unavailable" does not say, vnuma names it. */
static void numatune_where(const start_ctx *c, int cell)
{
    const vn_domain *d = c->dom;
    VN_AUTOFREE char *s = vn_bitmap_format(vn_domain_numatune_nodeset(d, cell));
    if (vn_domain_numatune_is_auto(d))
        vn_error_where(c->err, "<numatune><memory placement='auto'>: numad's nodes %s", s);
    else if (vn_domain_cell_has_memnode(d, cell))
        vn_error_where(c->err, "<numatune><memnode cellid='%d' nodeset='%s'>", cell, s);
    else
        vn_error_where(c->err, "<numatune><memory nodeset='%s'>", s);
}

/* virDomainNumatuneNodesetIsAvailable */
static int numatune_available(start_ctx *c)
{
    for (int i = -1; i < (int)c->dom->ncells; i++)
        if (nodeset_available(c, vn_domain_numatune_nodeset(c->dom, i)) < 0) {
            numatune_where(c, i);
            return -1;
        }
    return 0;
}

/* One memory backend as qemuBuildMemoryBackendProps sees it. */
typedef struct backend {
    const char *what;          /* for warnings: "guest cell 0", "memory device 1" */
    uint64_t size_kib;
    int target_node;
    uint64_t pagesize_kib;     /* explicit (memory device <source><pagesize>) */
    const vn_bitmap *source_nodes;
    bool has_path;             /* nvdimm / virtio-pmem <path> */
    bool epc;                  /* sgx-epc: memory-backend-epc, no huge pages */
} backend;

static bool host_lists_pages(const vn_host *h)
{
    for (size_t i = 0; h && i < h->nnodes; i++)
        if (h->nodes[i].npages)
            return true;
    return false;
}

static bool host_has_pagesize(const vn_host *h, uint64_t kib)
{
    for (size_t i = 0; i < h->nhugepage_sizes; i++)
        if (h->hugepage_sizes_kib[i] == kib)
            return true;
    return false;
}

/* qemuBuildMemoryGetPagesize: the page size of a backend (0 = none);
 * *use_huge tells whether huge pages back it. */
static int backend_pagesize(start_ctx *c, const backend *b, uint64_t *pagesize, bool *use_huge)
{
    const vn_domain *d = c->dom;
    uint64_t size = b->pagesize_kib;
    bool huge = size != 0;

    if (size == 0) {
        bool by_nodeset;
        const vn_hugepage *hp = vn_domain_hugepage_for_node(d, b->target_node, &by_nodeset);
        if (hp) {
            size = hp->size_kib;
            huge = true;
        }
    }
    if (size == VN_SYSTEM_PAGE_KIB) {
        size = 0;
        huge = false;
    } else if (huge && size == 0) {
        if (!c->cfg || !c->cfg->nmounts) {
            vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                          "hugetlbfs filesystem is not mounted or disabled by administrator config");
            return -1;
        }
        size = vn_config_default_page_kib(c->cfg);
    }
    *pagesize = size;
    *use_huge = huge;
    return 0;
}

/* qemuGetDomainHupageMemPath: a hugetlbfs mount for the size, which the host must back. */
static int hugepage_mount(start_ctx *c, uint64_t pagesize)
{
    if (!c->cfg || !c->cfg->nmounts) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                      "hugetlbfs filesystem is not mounted or disabled by administrator config");
        return -1;
    }
    /* A host whose kernel lacks the size cannot have such a mount either. */
    if (!vn_config_mount_for(c->cfg, pagesize) ||
        (host_lists_pages(c->host) && !host_has_pagesize(c->host, pagesize))) {
        vn_error_setc(c->err, VNUMA_ERR_HOST, VN_ERRC_INTERNAL,
                      "Unable to find any usable hugetlbfs mount for %llu KiB",
                      (unsigned long long)pagesize);
        return -1;
    }
    return 0;
}

/* Claim `need` huge pages of `pagesize` from the host nodes `set`, in
 * node order, out of what earlier backends left; returns what was
 * available before claiming. */
static uint64_t claim_pages(start_ctx *c, const vn_bitmap *set, uint64_t pagesize, uint64_t need)
{
    const vn_host *h = c->host;
    uint64_t have = 0;
    if (!c->claimed)
        c->claimed = vn_calloc(h->nnodes ? h->nnodes : 1, sizeof(uint64_t *));
    for (size_t i = 0; i < h->nnodes; i++) {
        const vn_host_node *hn = &h->nodes[i];
        if (!vn_bitmap_is_set(set, hn->id))
            continue;
        if (!c->claimed[i])
            c->claimed[i] = vn_calloc(hn->npages ? hn->npages : 1, sizeof(uint64_t));
        for (size_t j = 0; j < hn->npages; j++) {
            if (hn->pages[j].size_kib != pagesize)
                continue;
            uint64_t left = hn->pages[j].free - c->claimed[i][j];
            uint64_t take = need < left ? need : left;
            if (!vn_add_u64(have, left, &have))
                have = UINT64_MAX;
            c->claimed[i][j] += take;
            need -= take;
        }
    }
    return have;
}

static void free_claims(start_ctx *c)
{
    for (size_t i = 0; c->claimed && i < c->host->nnodes; i++)
        free(c->claimed[i]);
    free(c->claimed);
    c->claimed = NULL;
}

/* Warn when the huge pages a backend needs exceed what its host nodes'
 * pools have left (all host nodes when the backend is not bound). */
static void warn_capacity(start_ctx *c, const backend *b, uint64_t pagesize,
                          const vn_bitmap *nodes)
{
    if (!c->host || !host_lists_pages(c->host) || !pagesize)
        return;
    vn_bitmap *all = nodes ? NULL : vn_host_nodeset(c->host);
    const vn_bitmap *set = nodes ? nodes : all;
    uint64_t need = VN_DIV_UP(b->size_kib, pagesize);
    uint64_t have = claim_pages(c, set, pagesize, need);
    if (need > have) {
        VN_AUTOFREE char *s = vn_bitmap_format(set);
        vn_buf size = {0};
        vn_buf_add_page_size(&size, pagesize);
        bool one = vn_bitmap_count(set) == 1;
        vn_warn(c->w, "%s needs %llu huge pages of %s but host node%s %s ha%s %llu left",
                b->what, (unsigned long long)need, size.s, one ? "" : "s", s, one ? "s" : "ve",
                (unsigned long long)have);
        vn_buf_free(&size);
    }
    vn_bitmap_free(all);
}

/* qemuBuildMemoryBackendProps: the refusals. */
static int check_backend(start_ctx *c, const backend *b)
{
    const vn_domain *d = c->dom;
    uint64_t pagesize;
    bool use_huge;

    if (backend_pagesize(c, b, &pagesize, &use_huge) < 0)
        return -1;
    bool memfd = !b->has_path && d->source == VN_MEM_SOURCE_MEMFD;
    if (!b->epc && !memfd && !b->has_path && use_huge && hugepage_mount(c, pagesize) < 0)
        return -1;
    const vn_bitmap *nodes = b->source_nodes ? b->source_nodes : vn_domain_numatune_nodeset(d, b->target_node);
    if (nodeset_available(c, nodes) < 0) {
        if (b->source_nodes) {
            VN_AUTOFREE char *s = vn_bitmap_format(b->source_nodes);
            vn_error_where(c->err, "%s's <source><nodemask>%s</nodemask>", b->what, s);
        } else {
            numatune_where(c, b->target_node);
        }
        return -1;
    }
    if (use_huge && !b->has_path && !b->epc)
        warn_capacity(c, b, pagesize, nodes);
    return 0;
}

static int check_command_line(start_ctx *c)
{
    vn_domain *d = c->dom;
    char what[64];

    if (d->ncells == 0) {
        /* qemuBuildMemCommandLineMemoryDefaultBackend (pc/q35 have pc.ram) */
        backend b = {.what = "guest memory", .size_kib = vn_domain_memory_initial_kib(d),
                     .target_node = -1};
        if (check_backend(c, &b) < 0)
            return -1;
    } else {
        /* qemuBuildNumaCommandLine */
        if (numatune_available(c) < 0)
            return -1;
        for (size_t i = 0; i < d->ncells; i++) {
            snprintf(what, sizeof(what), "guest cell %zu", i);
            backend b = {.what = what, .size_kib = d->cells[i].mem_kib, .target_node = (int)i};
            if (check_backend(c, &b) < 0)
                return -1;
        }
        bool cpus = false;
        for (size_t i = 0; i < d->ncells && !cpus; i++)
            cpus = d->cells[i].cpus && !vn_bitmap_is_empty(d->cells[i].cpus);
        if (!cpus) {
            vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "At least one NUMA node has to have CPUs");
            return -1;
        }
    }
    /* qemuBuildMemoryDeviceCommandLine */
    for (size_t i = 0; i < d->nmemdevs; i++) {
        const vn_memdev *m = &d->memdevs[i];
        snprintf(what, sizeof(what), "memory device %zu", i);
        backend b = {.what = what, .size_kib = m->size_kib, .target_node = m->target_node,
                     .pagesize_kib = m->pagesize_kib, .source_nodes = m->source_nodes,
                     .has_path = m->path != NULL,
                     .epc = m->model == VN_MEMORY_MODEL_SGX_EPC};
        if (check_backend(c, &b) < 0)
            return -1;
    }
    return 0;
}

/* The start-time rules and the command line are libvirt's for x86 guests:
 * other architectures have rules of their own (ppc64 pseries aligns
 * nvdimm sizes to 256 MiB and needs no guest NUMA for memory hot-plug,
 * s390x and aarch64 have other machine and memory rules), which vnuma does
 * not implement, so such a guest is refused rather than given x86's. */
static int check_arch(const vn_domain *dom, vn_error *err)
{
    if (!dom->arch || !strcmp(dom->arch, "x86_64") || !strcmp(dom->arch, "i686"))
        return 0;
    vn_error_set(err, VNUMA_ERR_UNSUPPORTED,
                 "unsupported architecture '%s': vnuma applies libvirt 9.0's rules for x86 "
                 "guests (x86_64, i686) only", dom->arch);
    return -1;
}

int vn_domain_validate_start(vn_domain *dom, const struct vn_host *host,
                             const struct vn_config *cfg, vn_warnings *warnings,
                             vn_error *err)
{
    start_ctx c = {.dom = dom, .host = host, .cfg = cfg, .w = warnings, .err = err};
    if (check_arch(dom, err) < 0 || validate_qemu(&c) < 0)
        return -1;
    if (prepare_placement(&c) < 0 || align_memory_sizes(&c) < 0)
        return -1;
    int r = check_command_line(&c);
    free_claims(&c);
    vn_bitmap_free(c.warned_memoryless);
    return r;
}
