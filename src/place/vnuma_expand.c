/*
 * vnuma_expand.c - <vnuma> -> guest cells, topology, memnodes, pins.
 *
 * See vnuma_expand.h.  The expansion is a plan built in four steps, then
 * written into the domain model in one go (so that a refusal leaves the
 * domain untouched):
 *
 *   1. nodes: the host nodes the cells sit on (mode host: every node with
 *      CPUs and memory; mode node: the partition nodeset, checked), each
 *      with its online CPUs grouped into cores (SMT sibling sets);
 *   2. cells -> nodes: contiguous and siblings put cell i on node
 *      floor(i*k/cells) of the k nodes, round-robin and interleave on node
 *      i mod k;
 *   3. vCPUs -> cells and the guest topology, per distribution;
 *   4. memory: an even split, each cell rounded up to 1 MiB, checked
 *      against each node's free memory or huge page pool.
 *
 * Messages are vnuma's own (libvirt has no <vnuma>); those that refuse
 * name the cell or node and the shortfall.
 */
#include <stdlib.h>

#include "place/vnuma_expand.h"

#include "base/units.h"

#define CELL_ALIGN_KIB 1024   /* libvirt aligns guest cells to 1 MiB */
#define DIST_LOCAL 10
#define DIST_SAME_NODE 11     /* two cells on one node: 10 is reserved for self */
#define QEMU_MAX_NODES 128    /* QEMU 7.2's MAX_NODES (include/sysemu/numa.h) */

typedef struct core {
    unsigned *cpus;           /* online sibling threads, ascending */
    size_t n;
} core;

typedef struct node_info {
    const vn_host_node *node;
    vn_bitmap *cpus;          /* online CPUs */
    core *cores;              /* in order of their first CPU */
    size_t ncores;
} node_info;

typedef struct plan {
    node_info *nodes;         /* the k nodes used, ascending id */
    size_t nnodes;
    size_t ncells;
    size_t *cell_node;        /* cell -> index into nodes */
    unsigned threads;         /* host threads per core (1 without SMT) */
    unsigned nvcpus;
    unsigned *vcpu_cell;
    unsigned *vcpu_core;      /* siblings: the guest core's index within its cell */
    unsigned *vcpu_thread;    /* siblings: the thread within the guest core */
    vn_vnuma_dist dist;
    unsigned sockets, cores, cthreads;
    uint64_t cell_mem_kib;
} plan;

static void plan_clear(plan *p)
{
    for (size_t i = 0; i < p->nnodes; i++) {
        node_info *n = &p->nodes[i];
        vn_bitmap_free(n->cpus);
        for (size_t c = 0; c < n->ncores; c++)
            free(n->cores[c].cpus);
        free(n->cores);
    }
    free(p->nodes);
    free(p->cell_node);
    free(p->vcpu_cell);
    free(p->vcpu_core);
    free(p->vcpu_thread);
}

static bool node_has_cpus(const vn_host_node *n)
{
    for (size_t i = 0; i < n->ncpus; i++)
        if (n->cpus[i].online)
            return true;
    return false;
}

static bool node_usable(const vn_host_node *n)
{
    return n->mem_kib > 0 && node_has_cpus(n);
}

/* ---- 1. nodes ----------------------------------------------------------- */

/* Group a node's online CPUs into cores: each CPU's sibling set restricted
 * to the node's online CPUs (the CPU alone when siblings are unknown). */
static void node_cores(node_info *ni)
{
    const vn_host_node *n = ni->node;
    vn_bitmap *seen = vn_bitmap_new();
    ni->cpus = vn_bitmap_new();
    for (size_t i = 0; i < n->ncpus; i++)
        if (n->cpus[i].online)
            vn_bitmap_set(ni->cpus, n->cpus[i].id);
    for (size_t i = 0; i < n->ncpus; i++) {
        const vn_host_cpu *c = &n->cpus[i];
        if (!c->online || vn_bitmap_is_set(seen, c->id))
            continue;
        core *k = VN_APPEND(ni->cores, ni->ncores);
        for (int b = -1; (b = vn_bitmap_next(ni->cpus, b)) >= 0;) {
            bool sib = (unsigned)b == c->id ||
                       (c->siblings && vn_bitmap_is_set(c->siblings, (unsigned)b));
            if (!sib || vn_bitmap_is_set(seen, (unsigned)b))
                continue;
            vn_bitmap_set(seen, (unsigned)b);
            *VN_APPEND(k->cpus, k->n) = (unsigned)b;
        }
    }
    vn_bitmap_free(seen);
}

static void add_node(plan *p, const vn_host_node *n)
{
    node_info *ni = VN_APPEND(p->nodes, p->nnodes);
    ni->node = n;
    node_cores(ni);
}

/* A node named by the partition nodeset must exist and have CPUs and memory. */
static int add_named_node(plan *p, const vn_host *host, unsigned id, vn_error *err)
{
    const vn_host_node *n = vn_host_find_node(host, id);
    const char *why = !n ? "does not exist" : !node_has_cpus(n) ? "has no CPUs"
                    : n->mem_kib == 0 ? "has no memory" : NULL;
    if (why) {
        vn_error_setc(err, VNUMA_ERR_HOST, VN_ERRC_UNSUPPORTED,
                      "vnuma: host node %u of the partition nodeset %s", id, why);
        return -1;
    }
    add_node(p, n);
    return 0;
}

static int pick_nodes(plan *p, const vn_domain *dom, const vn_host *host, vn_error *err)
{
    const vn_vnuma *v = &dom->vnuma;
    if (v->mode == VN_VNUMA_MODE_NODE && v->partition_nodeset) {
        for (int b = -1; (b = vn_bitmap_next(v->partition_nodeset, b)) >= 0;)
            if (add_named_node(p, host, (unsigned)b, err) < 0)
                return -1;
    } else {
        for (size_t i = 0; i < host->nnodes; i++)
            if (node_usable(&host->nodes[i]))
                add_node(p, &host->nodes[i]);
    }
    if (p->nnodes == 0) {
        vn_error_setc(err, VNUMA_ERR_HOST, VN_ERRC_UNSUPPORTED,
                      "vnuma: host '%s' has no node with both CPUs and memory",
                      host->source ? host->source : "");
        return -1;
    }
    p->threads = 1;
    for (size_t i = 0; i < p->nnodes; i++)
        for (size_t c = 0; c < p->nodes[i].ncores; c++)
            if (p->nodes[i].cores[c].n > p->threads)
                p->threads = (unsigned)p->nodes[i].cores[c].n;
    return 0;
}

/* ---- 2. cells -> nodes -------------------------------------------------- */

static bool dist_contiguous(vn_vnuma_dist d)
{
    return d == VN_VNUMA_DIST_CONTIGUOUS || d == VN_VNUMA_DIST_SIBLINGS;
}

static int place_cells(plan *p, const vn_domain *dom, vn_error *err)
{
    const vn_vnuma *v = &dom->vnuma;
    size_t k = p->nnodes;
    p->ncells = (v->mode == VN_VNUMA_MODE_NODE && v->partition_cells) ? v->partition_cells : k;
    if (p->ncells > QEMU_MAX_NODES) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "vnuma: %zu cells are more than QEMU's %u NUMA nodes",
                      p->ncells, QEMU_MAX_NODES);
        return -1;
    }
    p->cell_node = vn_calloc(p->ncells, sizeof(*p->cell_node));
    for (size_t i = 0; i < p->ncells; i++)
        p->cell_node[i] = dist_contiguous(v->distribution)
                              ? (size_t)((uint64_t)i * k / p->ncells) : i % k;
    return 0;
}

/* ---- 3. vCPUs -> cells, topology ----------------------------------------- */

static void set_topology(plan *p, unsigned sockets, unsigned cores, unsigned threads)
{
    p->sockets = sockets;
    p->cores = cores;
    p->cthreads = threads;
}

/* Units (vCPUs or guest cores) dealt in consecutive blocks, the first
 * cells taking one more: the cell of `unit`, and its index in the cell. */
static unsigned block_cell(unsigned unit, unsigned units, size_t cells, unsigned *local)
{
    unsigned base = (unsigned)(units / cells), extra = (unsigned)(units % cells);
    unsigned big = extra * (base + 1);
    unsigned cell = unit < big ? unit / (base + 1) : extra + (unit - big) / base;
    unsigned start = cell < extra ? cell * (base + 1) : big + (cell - extra) * base;
    *local = unit - start;
    return cell;
}

static int check_vcpu_counts(const plan *p, const vn_domain *dom, vn_error *err)
{
    vn_vnuma_dist d = dom->vnuma.distribution;
    const char *dn = vn_vnuma_dist_to_string(d);
    bool whole_cores = d == VN_VNUMA_DIST_SIBLINGS || d == VN_VNUMA_DIST_ROUND_ROBIN;
    if (whole_cores && p->nvcpus % p->threads) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "vnuma: distribution '%s' needs a vCPU count that is a multiple "
                      "of the host's %u threads per core, not %u", dn, p->threads, p->nvcpus);
        return -1;
    }
    unsigned units = whole_cores ? p->nvcpus / p->threads : p->nvcpus;
    if (units < p->ncells) {
        if (whole_cores)
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "vnuma: %u vCPUs make %u guest core%s of %u threads, too few "
                          "for %zu cells: a cell never gets zero vCPUs",
                          p->nvcpus, units, units == 1 ? "" : "s", p->threads, p->ncells);
        else
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                          "vnuma: %u vCPUs are too few for %zu cells: a cell never "
                          "gets zero vCPUs", p->nvcpus, p->ncells);
        return -1;
    }
    return 0;
}

static int deal_vcpus(plan *p, const vn_domain *dom, vn_error *err)
{
    vn_vnuma_dist d = dom->vnuma.distribution;
    unsigned n = p->nvcpus = dom->maxvcpus, t = p->threads, cells = (unsigned)p->ncells;
    if (check_vcpu_counts(p, dom, err) < 0)
        return -1;
    p->vcpu_cell = vn_calloc(n, sizeof(unsigned));
    p->vcpu_core = vn_calloc(n, sizeof(unsigned));
    p->vcpu_thread = vn_calloc(n, sizeof(unsigned));
    unsigned g = n / t;   /* guest cores, for the whole-core distributions */
    for (unsigned v = 0; v < n; v++) {
        switch (d) {
        case VN_VNUMA_DIST_SIBLINGS:
            p->vcpu_cell[v] = block_cell(v / t, g, cells, &p->vcpu_core[v]);
            p->vcpu_thread[v] = v % t;
            break;
        case VN_VNUMA_DIST_ROUND_ROBIN:
            p->vcpu_cell[v] = (v / t) % cells;
            break;
        case VN_VNUMA_DIST_INTERLEAVE:
            p->vcpu_cell[v] = v % cells;
            break;
        case VN_VNUMA_DIST_CONTIGUOUS:
        case VN_VNUMA_DIST_LAST:
            p->vcpu_cell[v] = block_cell(v, n, cells, &p->vcpu_core[v]);
            break;
        }
    }
    switch (d) {
    case VN_VNUMA_DIST_SIBLINGS:
        if (g % cells == 0)
            set_topology(p, cells, g / cells, t);
        else
            set_topology(p, g, 1, t);
        break;
    case VN_VNUMA_DIST_ROUND_ROBIN:
        set_topology(p, g, 1, t);
        break;
    case VN_VNUMA_DIST_INTERLEAVE:
        set_topology(p, n, 1, 1);
        break;
    case VN_VNUMA_DIST_CONTIGUOUS:
    case VN_VNUMA_DIST_LAST:
        if (n % cells == 0)
            set_topology(p, cells, n / cells, 1);
        else
            set_topology(p, n, 1, 1);
        break;
    }
    return 0;
}

/* ---- 4. memory ----------------------------------------------------------- */

static int split_memory(plan *p, const vn_domain *dom, vn_error *err)
{
    uint64_t m = dom->vnuma.has_memory ? dom->vnuma.memory_kib : vn_domain_memory_initial_kib(dom);
    uint64_t per = m / p->ncells + (m % p->ncells != 0), total;
    if (!vn_round_up_u64(per, CELL_ALIGN_KIB, &per) || !vn_mul_u64(per, p->ncells, &total) ||
        per == 0) {
        vn_buf mb = {0};
        vn_buf_add_mib(&mb, m, false);
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "vnuma: cannot split %s over %zu cells", mb.s, p->ncells);
        vn_buf_free(&mb);
        return -1;
    }
    p->cell_mem_kib = per;
    return 0;
}

/* The huge page size backing guest cell `cell` (0: ordinary memory), as
 * libvirt picks it: the <page> whose nodeset holds the cell, else the
 * <page> without a nodeset; size 0 there is the default huge page size. */
static uint64_t cell_page_kib(const vn_domain *dom, size_t cell, uint64_t default_kib)
{
    const vn_hugepage *hit = NULL;
    for (size_t i = 0; i < dom->nhugepages; i++) {
        const vn_hugepage *hp = &dom->hugepages[i];
        if (hp->nodemask ? vn_bitmap_is_set(hp->nodemask, (unsigned)cell) : !hit)
            hit = hp;
        if (hp->nodemask && vn_bitmap_is_set(hp->nodemask, (unsigned)cell))
            break;
    }
    if (!hit)
        return 0;
    uint64_t size = hit->size_kib ? hit->size_kib : default_kib;
    return size > 4 ? size : 0;   /* <page size='4'>: ordinary pages */
}

/* What a node has for cells backed by `page_kib` pages (0: free memory). */
static uint64_t node_available_kib(const vn_host_node *n, uint64_t page_kib)
{
    if (!page_kib)
        return n->free_kib;
    for (size_t i = 0; i < n->npages; i++) {
        uint64_t kib;
        if (n->pages[i].size_kib == page_kib)
            return vn_mul_u64(n->pages[i].free, page_kib, &kib) ? kib : UINT64_MAX;
    }
    return 0;
}

/* The cell does not fit its node: invalid (exit 1, as a plan that does
 * not fit), in MiB. */
static void report_shortfall(vn_error *err, size_t cell, uint64_t mem, uint64_t need,
                             unsigned node, uint64_t have, uint64_t page_kib)
{
    vn_buf b = {0};
    vn_buf_addf(&b, "vnuma: cell %zu needs ", cell);
    vn_buf_add_mib(&b, mem, true);
    vn_buf_addf(&b, " on host node %u", node);
    if (need > mem) {
        vn_buf_add(&b, ", ");
        vn_buf_add_mib(&b, need, true);
        vn_buf_add(&b, " with the cells before it there,");
    }
    vn_buf_add(&b, " which has ");
    vn_buf_add_mib(&b, have, false);
    if (page_kib) {
        vn_buf_add(&b, " free in its pool of ");
        vn_buf_add_page_size(&b, page_kib);
        vn_buf_add(&b, " huge pages: ");
    } else {
        vn_buf_add(&b, " free: ");
    }
    vn_buf_add_mib(&b, need - have, true);
    vn_buf_add(&b, " short");
    vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED, "%s", b.s);
    vn_buf_free(&b);
}

/* Each cell's memory, added up per node and page size, must fit.  The
 * running sums are kept per (node, page size) pair: few of them. */
typedef struct node_need {
    size_t node;
    uint64_t page_kib, sum;
} node_need;

static int check_memory(const plan *p, const vn_domain *dom, uint64_t default_page_kib,
                        vn_error *err)
{
    node_need *needs = NULL;
    size_t nneeds = 0;
    int rc = 0;
    for (size_t i = 0; i < p->ncells && rc == 0; i++) {
        const vn_host_node *n = p->nodes[p->cell_node[i]].node;
        uint64_t page = cell_page_kib(dom, i, default_page_kib);
        node_need *nn = NULL;
        for (size_t j = 0; j < nneeds && !nn; j++)
            if (needs[j].node == p->cell_node[i] && needs[j].page_kib == page)
                nn = &needs[j];
        if (!nn) {
            nn = VN_APPEND(needs, nneeds);
            nn->node = p->cell_node[i];
            nn->page_kib = page;
        }
        nn->sum += p->cell_mem_kib;   /* <= the cells' total, checked: no overflow */
        uint64_t have = node_available_kib(n, page);
        if (nn->sum > have) {
            report_shortfall(err, i, p->cell_mem_kib, nn->sum, n->id, have, page);
            rc = -1;
        }
    }
    free(needs);
    return rc;
}

/* More vCPUs on a node than it has CPUs: they share them. */
static void warn_overcommit(const plan *p, vn_warnings *w)
{
    for (size_t k = 0; k < p->nnodes; k++) {
        unsigned vcpus = 0;
        for (unsigned v = 0; v < p->nvcpus; v++)
            vcpus += p->cell_node[p->vcpu_cell[v]] == k;
        size_t cpus = vn_bitmap_count(p->nodes[k].cpus);
        if (vcpus > cpus)
            vn_warn(w, "vnuma: host node %u has %zu CPUs for %u vCPUs; the vCPUs share them",
                    p->nodes[k].node->id, cpus, vcpus);
    }
}

/* ---- writing the plan into the domain ---------------------------------- */

/* siblings: guest core j of a cell on the j-th core of the node (wrapping),
 * thread to thread; otherwise all the node's CPUs. */
static vn_bitmap *pin_for(const plan *p, unsigned v)
{
    const node_info *ni = &p->nodes[p->cell_node[p->vcpu_cell[v]]];
    if (p->dist != VN_VNUMA_DIST_SIBLINGS)
        return vn_bitmap_copy(ni->cpus);
    const core *k = &ni->cores[p->vcpu_core[v] % ni->ncores];
    vn_bitmap *b = vn_bitmap_new();
    vn_bitmap_set(b, k->cpus[p->vcpu_thread[v] % k->n]);
    return b;
}

static unsigned cell_distance(const plan *p, const vn_host *host, size_t a, size_t b)
{
    if (a == b)
        return DIST_LOCAL;
    unsigned na = p->nodes[p->cell_node[a]].node->id, nb = p->nodes[p->cell_node[b]].node->id;
    if (na == nb)
        return DIST_SAME_NODE;
    unsigned d = vn_host_distance(host, na, nb);
    return d <= DIST_LOCAL ? DIST_SAME_NODE : d > 255 ? 255 : d;   /* libvirt's range */
}

static void clear_layout(vn_domain *dom)
{
    for (size_t i = 0; i < dom->ncells; i++) {
        vn_cell *c = &dom->cells[i];
        vn_bitmap_free(c->cpus);
        vn_bitmap_free(c->memnode_nodeset);
        free(c->distances);
        free(c->caches);
    }
    free(dom->cells);
    dom->cells = NULL;
    dom->ncells = 0;
    free(dom->interconnects);
    dom->interconnects = NULL;
    dom->ninterconnects = 0;
    for (size_t i = 0; i < dom->nvcpupins; i++)
        vn_bitmap_free(dom->vcpupins[i].cpuset);
    free(dom->vcpupins);
    dom->vcpupins = NULL;
    dom->nvcpupins = 0;
    vn_bitmap_free(dom->numatune_nodeset);
    dom->numatune_nodeset = NULL;
    dom->numatune_specified = false;
}

static void write_cells(vn_domain *dom, const plan *p, const vn_host *host)
{
    dom->cells = vn_calloc(p->ncells, sizeof(*dom->cells));
    dom->ncells = p->ncells;
    for (size_t i = 0; i < p->ncells; i++) {
        vn_cell *c = &dom->cells[i];
        c->id = (unsigned)i;
        c->mem_kib = p->cell_mem_kib;
        c->cpus = vn_bitmap_new();
        c->distances = vn_calloc(p->ncells, sizeof(*c->distances));
        c->ndistances = p->ncells;
        for (size_t j = 0; j < p->ncells; j++)
            c->distances[j] = (vn_distance){(unsigned)j, cell_distance(p, host, i, j)};
        c->has_memnode = true;
        c->memnode_mode = VN_NUMATUNE_STRICT;
        c->memnode_nodeset = vn_bitmap_new();
        vn_bitmap_set(c->memnode_nodeset, p->nodes[p->cell_node[i]].node->id);
    }
    for (unsigned v = 0; v < p->nvcpus; v++)
        vn_bitmap_set(dom->cells[p->vcpu_cell[v]].cpus, v);
}

static void write_plan(vn_domain *dom, const plan *p, const vn_host *host)
{
    uint64_t old_total = dom->total_memory_kib;
    clear_layout(dom);
    write_cells(dom, p, host);
    dom->has_topology = true;
    dom->sockets = p->sockets;
    dom->dies = 1;
    dom->cores = p->cores;
    dom->threads = p->cthreads;
    dom->vcpupins = vn_calloc(p->nvcpus, sizeof(*dom->vcpupins));
    dom->nvcpupins = p->nvcpus;
    for (unsigned v = 0; v < p->nvcpus; v++)
        dom->vcpupins[v] = (vn_pin){v, pin_for(p, v)};
    dom->cpu_placement = VN_PLACEMENT_STATIC;
    /* the whole guest (QEMU's own allocations too) on the nodes used */
    dom->numatune_specified = true;
    dom->numatune_mode = VN_NUMATUNE_STRICT;
    dom->numatune_placement = VN_NUMATUNE_PLACEMENT_STATIC;
    dom->numatune_nodeset = vn_bitmap_new();
    for (size_t i = 0; i < p->ncells; i++)
        vn_bitmap_set(dom->numatune_nodeset, p->nodes[p->cell_node[i]].node->id);
    /* <memory>: the cells plus the memory devices (bounded: checked in split_memory) */
    uint64_t devs = dom->total_memory_kib - vn_domain_memory_initial_kib(dom);
    dom->total_memory_kib = p->cell_mem_kib * p->ncells + devs;
    if (dom->cur_balloon_kib == old_total || dom->cur_balloon_kib > dom->total_memory_kib)
        dom->cur_balloon_kib = dom->total_memory_kib;
    vn_bitmap_free(dom->vnuma.partition_nodeset);
    dom->vnuma = (vn_vnuma){0};
}

int vn_vnuma_expand(vn_domain *dom, const vn_host *host, uint64_t default_hugepage_kib,
                    vn_warnings *w, vn_error *err)
{
    if (!dom->vnuma.present)
        return 0;
    if (!host) {
        vn_error_setc(err, VNUMA_ERR_HOST, VN_ERRC_UNSUPPORTED,
                      "vnuma: expanding <vnuma> needs a host");
        return -1;
    }
    if (dom->ncells) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "element 'vnuma' cannot be combined with guest NUMA cells in <cpu><numa>");
        return -1;
    }
    plan p = {.dist = dom->vnuma.distribution};
    int rc = -1;
    if (pick_nodes(&p, dom, host, err) < 0)
        goto out;
    if (place_cells(&p, dom, err) < 0 || deal_vcpus(&p, dom, err) < 0 || split_memory(&p, dom, err) < 0 ||
        check_memory(&p, dom, default_hugepage_kib, err) < 0)
        goto out;
    warn_overcommit(&p, w);
    write_plan(dom, &p, host);
    rc = 0;
out:
    plan_clear(&p);
    return rc;
}

int vn_vnuma_partition(vn_domain *dom, vn_vnuma_mode mode, vn_vnuma_dist dist,
                       const vn_bitmap *nodeset, unsigned cells, vn_error *err)
{
    if (mode != VN_VNUMA_MODE_NODE && (nodeset || cells)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "element 'partition' in element 'vnuma' requires mode='node'");
        return -1;
    }
    /* the memory to split stays in <memory> (cells plus devices) */
    clear_layout(dom);
    dom->has_topology = false;
    dom->sockets = dom->dies = dom->cores = dom->threads = 0;
    vn_bitmap_free(dom->vnuma.partition_nodeset);
    dom->vnuma = (vn_vnuma){
        .present = true,
        .mode = mode,
        .distribution = dist,
        .has_partition = nodeset || cells,
        .partition_nodeset = nodeset ? vn_bitmap_copy(nodeset) : NULL,
        .partition_cells = cells,
    };
    return 0;
}
