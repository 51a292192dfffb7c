/*
 * qemu_command.c - the memory and NUMA part of the QEMU 7.2 command line, built
 * as libvirt 9.0's qemuBuildCommandLine builds it (src/qemu/qemu_command.c).
 *
 * Order and spelling follow libvirt: qemuBuildMachineCommandLine (only its
 * memory properties: mem-merge, nvdimm, sgx-epc, memory-backend, hmat),
 * qemuBuildMemCommandLine (-m, the default RAM backend "pc.ram",
 * -overcommit), qemuBuildSmpCommandLine, qemuBuildNumaCommandLine (cell
 * backends, thread contexts, -numa node/dist/hmat-lb/hmat-cache) and
 * qemuBuildMemoryDeviceCommandLine (backend objects and -device JSON).
 * Objects and devices are JSON with libvirt's key order
 * (qemuBuildMemoryBackendProps, qemuBuildMemoryDeviceProps).
 *
 * The QEMU 7.2 capabilities libvirt consults are fixed here: thread-context,
 * x-use-canonical-path-for-ramblock-id, memory-backend-memfd, smp dies,
 * virtio-mem prealloc, memory-backend reserve, memory-backend-file pmem; the
 * per-machine facts (default RAM id, numa-mem support) come from
 * caps_7.2.0.x86_64.xml.
 *
 * The backends come from backend.c, the machine facts from machine.c, and
 * vn_argv_format (argv.c) prints the result as libvirt's
 * virCommandToString does.
 */
#include "qemu/machine.h"
#include "qemu/qemu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCAL_DISTANCE 10
#define REMOTE_DISTANCE 20

/* qemuDomainAssignMemorySlots, then qemuAssignDeviceMemoryAlias. */
static int assign_memdevs(ctx *c)
{
    vn_domain *d = c->dom;
    size_t n = d->nmemdevs;

    c->mem_alias = vn_calloc(n + 1, sizeof(char *));
    c->mem_slot = vn_calloc(n + 1, sizeof(unsigned));
    c->mem_has_slot = vn_calloc(n + 1, sizeof(bool));
    for (size_t i = 0; i < n; i++) {
        c->mem_has_slot[i] = d->memdevs[i].addr_type == VN_MEMDEV_ADDR_DIMM;
        c->mem_slot[i] = d->memdevs[i].addr_slot;
    }

    if (vn_domain_has_memory_hotplug(d)) {
        /* n devices take at most n slots, so the first free slot is below
         * n + 1: only those are tracked (slots='-6' is 4294967290 slots, as
         * libvirt's virStrToLong_ui reads it; no array that large) */
        size_t track = d->memory_slots < n + 1 ? d->memory_slots : n + 1;
        VN_AUTOFREE bool *used = vn_calloc(track + 1, sizeof(bool));
        for (size_t i = 0; i < n; i++)
            if (c->mem_has_slot[i] && c->mem_slot[i] < track)
                used[c->mem_slot[i]] = true;
        for (size_t i = 0; i < n; i++) {
            vn_memory_model m = d->memdevs[i].model;
            if ((m != VN_MEMORY_MODEL_DIMM && m != VN_MEMORY_MODEL_NVDIMM) || c->mem_has_slot[i])
                continue;
            unsigned s = 0;
            while (s < track && used[s])
                s++;
            if (s >= track) {
                vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                              "failed to find an empty memory slot");
                return -1;
            }
            used[s] = true;
            c->mem_slot[i] = s;
            c->mem_has_slot[i] = true;
        }
    }

    for (size_t i = 0; i < n; i++)
        if (!(c->mem_alias[i] = vq_memdev_alias(&d->memdevs[i], c->mem_slot[i],
                                                c->mem_alias, n, c->err)))
            return -1;
    return 0;
}

/* qemuBuildMachineCommandLine: the machine type and its memory properties */
static void build_machine(ctx *c)
{
    const vn_domain *d = c->dom;
    vn_buf b = {0};
    bool nvdimm = false;
    int epc = 0;

    vn_buf_add(&b, d->machine ? d->machine : "pc");
    if (d->nosharepages)
        vn_buf_add(&b, ",mem-merge=off");
    for (size_t i = 0; i < d->nmemdevs; i++) {
        if (d->memdevs[i].model == VN_MEMORY_MODEL_NVDIMM && !nvdimm) {
            vn_buf_add(&b, ",nvdimm=on");
            nvdimm = true;
        } else if (d->memdevs[i].model == VN_MEMORY_MODEL_SGX_EPC) {
            int node = d->memdevs[i].target_node < 0 ? 0 : d->memdevs[i].target_node;
            vn_buf_addf(&b, ",sgx-epc.%d.memdev=mem%s,sgx-epc.%d.node=%d",
                        epc, c->mem_alias[i], epc, node);
            epc++;
        }
    }
    if (!d->ncells) {
        const char *ram = vn_qemu_machine_default_ram_id(d->machine);
        if (ram)
            vn_buf_addf(&b, ",memory-backend=%s", ram);
    }
    if (vn_domain_numa_has_hmat(d))
        vn_buf_add(&b, ",hmat=on");
    vn_argv_add(c->out, "-machine");
    vn_argv_add(c->out, b.s);
    vn_buf_free(&b);
}

/* qemuBuildMemPathStr: legacy -mem-prealloc / -mem-path */
static int build_mem_path(ctx *c)
{
    const vn_domain *d = c->dom;
    VN_AUTOFREE char *path = NULL;
    bool prealloc = false;

    if (d->nhugepages && d->hugepages[0].size_kib != SYSTEM_PAGE_SIZE_KIB) {
        uint64_t pagesize = d->hugepages[0].size_kib;
        if (!pagesize && vq_default_pagesize(c, &pagesize) < 0)
            return -1;
        if (!(path = vq_hugepage_path(c, pagesize)))
            return -1;
        prealloc = true;
    } else if (d->source == VN_MEM_SOURCE_FILE) {
        path = vq_backing_path(c, "ram");
    }
    if (d->allocation == VN_MEM_ALLOC_IMMEDIATE)
        prealloc = true;
    if (prealloc && !c->mem_prealloc) {
        vn_argv_add(c->out, "-mem-prealloc");
        c->mem_prealloc = true;
    }
    if (path) {
        vn_argv_add(c->out, "-mem-path");
        vn_argv_add(c->out, path);
    }
    return 0;
}

/* qemuBuildMemCommandLine */
static int build_mem(ctx *c)
{
    const vn_domain *d = c->dom;
    uint64_t initial = vn_domain_memory_initial_kib(d);
    const char *ram = vn_qemu_machine_default_ram_id(d->machine);

    vn_argv_add(c->out, "-m");
    if (vn_domain_has_memory_hotplug(d))
        vn_argv_addf(c->out, "size=%lluk,slots=%u,maxmem=%lluk", (unsigned long long)initial,
                     d->memory_slots, (unsigned long long)d->max_memory_kib);
    else
        vn_argv_addf(c->out, "%llu", (unsigned long long)(initial / 1024));

    if (ram) {
        if (!d->ncells) {
            memview m = {.target_node = -1, .size_kib = initial, .alias = ram};
            backend be;
            int r = vq_backend_props(c, ram, &m, false, true, &be);
            if (r == 0)
                vq_emit_backend(c, &be);
            vq_backend_clear(&be);
            if (r < 0)
                return -1;
        }
    } else if (!d->ncells && build_mem_path(c) < 0) {
        return -1;
    }

    vn_argv_add(c->out, "-overcommit");
    vn_argv_addf(c->out, "mem-lock=%s", d->locked ? "on" : "off");
    return 0;
}

/* qemuBuildSmpCommandLine */
static void build_smp(ctx *c)
{
    const vn_domain *d = c->dom;
    unsigned nvcpus = 0;
    vn_buf b = {0};

    if (d->vcpu_info) {
        for (unsigned i = 0; i < d->maxvcpus; i++)
            if (d->vcpu_info[i].online && d->vcpu_info[i].hotpluggable != VN_TRISTATE_YES)
                nvcpus++;
    } else {
        nvcpus = d->vcpus_current ? d->vcpus_current : d->maxvcpus;
    }
    vn_buf_addf(&b, "%u", nvcpus);
    if (nvcpus != d->maxvcpus)
        vn_buf_addf(&b, ",maxcpus=%u", d->maxvcpus);
    if (d->has_topology && d->sockets)
        vn_buf_addf(&b, ",sockets=%u,dies=%u,cores=%u,threads=%u", d->sockets,
                    d->dies ? d->dies : 1, d->cores, d->threads);
    else
        vn_buf_addf(&b, ",sockets=%u,cores=1,threads=1", d->maxvcpus);
    vn_argv_add(c->out, "-smp");
    vn_argv_add(c->out, b.s);
    vn_buf_free(&b);
}

/* virDomainNumaGetNodeInitiator */
static long cell_initiator(const vn_domain *d, size_t node)
{
    uint64_t max_bw = 0, min_lat = UINT64_MAX;
    long cand_bw = -1, cand_lat = -1;

    if (d->cells[node].cpus && !vn_bitmap_is_empty(d->cells[node].cpus))
        return (long)node;
    for (size_t i = 0; i < d->ninterconnects; i++) {
        const vn_interconnect *l = &d->interconnects[i];
        if (l->target != node)
            continue;
        if (l->kind == VN_INTERCONNECT_LATENCY && l->value < min_lat) {
            min_lat = l->value;
            cand_lat = l->initiator;
        } else if (l->kind == VN_INTERCONNECT_BANDWIDTH && l->value > max_bw) {
            max_bw = l->value;
            cand_bw = l->initiator;
        }
    }
    return cand_lat >= 0 ? cand_lat : cand_bw;
}

/* virDomainNumaGetNodeDistance: 0 when not configured */
static unsigned cell_distance_raw(const vn_domain *d, size_t node, size_t sibling)
{
    const vn_cell *cell = &d->cells[node];
    for (size_t k = 0; k < cell->ndistances; k++)
        if (cell->distances[k].cellid == sibling)
            return cell->distances[k].value;
    return 0;
}

static unsigned cell_distance(const vn_domain *d, size_t node, size_t sibling)
{
    unsigned v = cell_distance_raw(d, node, sibling);
    if (!v)
        return node == sibling ? LOCAL_DISTANCE : REMOTE_DISTANCE;
    return v;
}

/* virDomainNumaNodesDistancesAreBeingSet */
static bool distances_set(const vn_domain *d)
{
    for (size_t i = 0; i < d->ncells; i++) {
        if (!d->cells[i].ndistances)
            continue;
        for (size_t j = 0; j < d->ncells; j++) {
            unsigned v = cell_distance_raw(d, i, j);
            if (v != LOCAL_DISTANCE && v != REMOTE_DISTANCE)
                return true;
        }
    }
    return false;
}

/* qemuBuildNumaCPUs: one cpus= per range */
static void add_numa_cpus(vn_buf *b, const vn_bitmap *cpus)
{
    if (!cpus || vn_bitmap_is_empty(cpus))
        return;
    VN_AUTOFREE char *s = vn_bitmap_format(cpus);
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        vn_buf_addf(b, ",cpus=%s", tok);
}

/* qemuBuildNumaHMATCommandLine */
static void build_hmat_lb(ctx *c)
{
    static const char *const hierarchy[] = {"memory", "first-level", "second-level", "third-level"};
    static const char *const access[] = {"none", "access", "read", "write"};
    const vn_domain *d = c->dom;

    for (size_t i = 0; i < d->ninterconnects; i++) {
        const vn_interconnect *l = &d->interconnects[i];
        const char *h = l->cache < VN_ARRAY_LEN(hierarchy) ? hierarchy[l->cache] : "(null)";
        const char *a = (unsigned)l->type < VN_ARRAY_LEN(access) ? access[l->type] : "(null)";
        vn_argv_add(c->out, "-numa");
        if (l->kind == VN_INTERCONNECT_LATENCY)
            vn_argv_addf(c->out, "hmat-lb,initiator=%u,target=%u,hierarchy=%s,data-type=%s-latency,latency=%llu",
                         l->initiator, l->target, h, a, (unsigned long long)l->value);
        else
            vn_argv_addf(c->out, "hmat-lb,initiator=%u,target=%u,hierarchy=%s,data-type=%s-bandwidth,bandwidth=%lluK",
                         l->initiator, l->target, h, a, (unsigned long long)l->value);
    }
}

/* qemuBuildNumaCellCache */
static void build_cell_caches(ctx *c, size_t cell)
{
    static const char *const assoc[] = {"none", "direct", "complex"};
    static const char *const policy[] = {"none", "write-back", "write-through"};
    const vn_cell *cl = &c->dom->cells[cell];

    for (size_t i = 0; i < cl->ncaches; i++) {
        const vn_cache *k = &cl->caches[i];
        vn_buf b = {0};
        vn_buf_addf(&b, "hmat-cache,node-id=%zu,size=%lluK,level=%u", cell,
                    (unsigned long long)k->size_kib, k->level);
        if ((unsigned)k->assoc < VN_ARRAY_LEN(assoc))
            vn_buf_addf(&b, ",associativity=%s", assoc[k->assoc]);
        if ((unsigned)k->policy < VN_ARRAY_LEN(policy))
            vn_buf_addf(&b, ",policy=%s", policy[k->policy]);
        if (k->line_bytes > 0)
            vn_buf_addf(&b, ",line=%llu", (unsigned long long)k->line_bytes);
        vn_argv_add(c->out, "-numa");
        vn_argv_add(c->out, b.s);
        vn_buf_free(&b);
    }
}

/* virDomainNumatuneNodesetIsAvailable */
static bool numatune_nodesets_available(ctx *c)
{
    if (vn_host_nodeset_available(c->host, vn_domain_numatune_nodeset(c->dom, -1), c->err) < 0)
        return false;
    for (size_t i = 0; i < c->dom->ncells; i++)
        if (vn_host_nodeset_available(c->host, vn_domain_numatune_nodeset(c->dom, (int)i), c->err) < 0)
            return false;
    return true;
}

static void build_numa_nodes(ctx *c, backend *be, bool need_backend, bool hmat, long master)
{
    const vn_domain *d = c->dom;
    for (size_t i = 0; i < d->ncells; i++) {
        long initiator = cell_initiator(d, i);
        vn_buf b = {0};
        if (need_backend)
            vq_emit_backend(c, &be[i]);
        vn_buf_addf(&b, "node,nodeid=%zu", i);
        add_numa_cpus(&b, d->cells[i].cpus);
        if (hmat)
            vn_buf_addf(&b, ",initiator=%ld", initiator < 0 ? master : initiator);
        if (need_backend)
            vn_buf_addf(&b, ",memdev=ram-node%zu", i);
        else
            vn_buf_addf(&b, ",mem=%llu", (unsigned long long)(d->cells[i].mem_kib / 1024));
        vn_argv_add(c->out, "-numa");
        vn_argv_add(c->out, b.s);
        vn_buf_free(&b);
    }
}

/* qemuBuildNumaCommandLine */
static int build_numa(ctx *c)
{
    const vn_domain *d = c->dom;
    size_t n = d->ncells;
    bool need_backend = !vn_qemu_machine_numa_mem_supported(d->machine);
    bool hmat = vn_domain_numa_has_hmat(d);
    long master = -1;
    int ret = -1;
    backend *be = vn_calloc(n + 1, sizeof(backend));

    if (!numatune_nodesets_available(c))
        goto out;
    if (hmat)
        need_backend = true;

    for (size_t i = 0; i < n; i++) {
        VN_AUTOFREE char *alias = vn_asprintf("ram-node%zu", i);
        memview m = {.target_node = (int)i, .size_kib = d->cells[i].mem_kib, .alias = alias};
        if (vq_backend_props(c, alias, &m, false, false, &be[i]) < 0)
            goto out;
        if (be[i].rc == 0)
            need_backend = true;
    }
    if (!need_backend && build_mem_path(c) < 0)
        goto out;

    for (size_t i = 0; i < n && master < 0; i++)
        if (d->cells[i].cpus && !vn_bitmap_is_empty(d->cells[i].cpus))
            master = (long)i;
    if (master < 0) {
        vn_error_setc(c->err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "At least one NUMA node has to have CPUs");
        goto out;
    }

    build_numa_nodes(c, be, need_backend, hmat, master);

    if (distances_set(d)) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                vn_argv_add(c->out, "-numa");
                vn_argv_addf(c->out, "dist,src=%zu,dst=%zu,val=%u", i, j, cell_distance(d, i, j));
            }
        }
    }
    if (hmat) {
        build_hmat_lb(c);
        for (size_t i = 0; i < n; i++)
            build_cell_caches(c, i);
    }
    ret = 0;
out:
    for (size_t i = 0; i < n; i++)
        vq_backend_clear(&be[i]);
    free(be);
    return ret;
}

/* qemuBuildMemoryDeviceProps (memdev.c), as -device */
static int build_memdev_device(ctx *c, size_t i)
{
    vn_buf b = {0};
    if (vq_memdev_device_props(c, i, &b) < 0) {
        vn_buf_free(&b);
        return -1;
    }
    vn_argv_add(c->out, "-device");
    vn_argv_add(c->out, b.s);
    vn_buf_free(&b);
    return 0;
}

/* qemuBuildMemoryDeviceCommandLine */
static int build_memdevs(ctx *c)
{
    for (size_t i = 0; i < c->dom->nmemdevs; i++) {
        const vn_memdev *md = &c->dom->memdevs[i];
        VN_AUTOFREE char *alias = vn_asprintf("mem%s", c->mem_alias[i]);
        memview m = vq_memdev_view(md, c->mem_alias[i]);
        backend be;
        int r = vq_backend_props(c, alias, &m, true, false, &be);
        if (r == 0)
            vq_emit_backend(c, &be);
        vq_backend_clear(&be);
        if (r < 0)
            return -1;
        switch (md->model) {
        case VN_MEMORY_MODEL_DIMM:
        case VN_MEMORY_MODEL_NVDIMM:
        case VN_MEMORY_MODEL_VIRTIO_PMEM:
        case VN_MEMORY_MODEL_VIRTIO_MEM:
            if (build_memdev_device(c, i) < 0)
                return -1;
            break;
        default:
            break;   /* sgx-epc goes onto -machine */
        }
    }
    return 0;
}

int vn_qemu_build(vn_domain *dom, const vn_host *host, const vn_config *cfg,
                  vn_warnings *warnings, vn_argv *out, vn_error *err)
{
    vn_config defaults;
    int ret = -1;

    if (vn_domain_validate_start(dom, host, cfg, warnings, err) < 0)
        return -1;
    vn_config_init(&defaults);
    /* placement='auto': validate_start has put the chosen nodes in
     * dom->auto_nodeset (libvirt's priv->autoNodeset) */
    ctx c = {.dom = dom, .host = host, .cfg = cfg ? cfg : &defaults,
             .out = out, .err = err};

    /* argv[0]: QEMU 7.2's x86_64 system emulator, whatever <emulator> says */
    vn_argv_add(out, "qemu-system-x86_64");
    if (assign_memdevs(&c) < 0)
        goto out;
    build_machine(&c);
    if (build_mem(&c) < 0)
        goto out;
    build_smp(&c);
    if (dom->ncells && build_numa(&c) < 0)
        goto out;
    if (build_memdevs(&c) < 0)
        goto out;
    ret = 0;
out:
    if (ret < 0)
        vn_argv_clear(out);
    for (size_t i = 0; i < dom->nmemdevs && c.mem_alias; i++)
        free(c.mem_alias[i]);
    free(c.mem_alias);
    free(c.mem_slot);
    free(c.mem_has_slot);
    vn_config_clear(&defaults);
    return ret;
}
