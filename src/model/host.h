/*
 * host.h - the Host model: the NUMA topology of the machine a guest runs on.
 *
 * Plain structs, no I/O.  Loaders fill it (host_caps.c: a libvirt
 * capabilities XML; host_sysfs.c: a sysfs tree, live or recorded).  Node ids
 * may be sparse; nodes may have memory and no CPUs (memory tiers) or CPUs
 * and no memory.  Sizes are in KiB like the domain model.
 */
#ifndef VN_HOST_H
#define VN_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bitmap.h"
#include "base/util.h"

/* The bounds every loader keeps and vn_host_check enforces (doc/vnuma.1,
 * "Limits").  Memory and time stay linear in the nodes that exist. */
#define VN_HOST_MAX_NODES 1024u         /* nodes, ids 0..1023: Linux's MAX_NUMNODES */
#define VN_HOST_MAX_CPUS VN_CPUMASK_LEN /* CPUs, ids below it: libvirt's CPU mask length */
#define VN_HOST_MAX_NODE_KIB (UINT64_C(1) << 42)   /* 4 PiB: a 52-bit physical address space */
#define VN_HOST_MAX_PAGE_KIB (UINT64_C(16) << 20)  /* 16 GiB: the largest huge page (ppc64) */
#define VN_HOST_MAX_DISTANCE 255u       /* Linux keeps node distances in a byte (ACPI SLIT) */
/* A capabilities file: the full distance matrix of a 1,024-node host is
 * about 46 MB as libvirt formats it (host_caps.c streams it). */
#define VN_HOST_CAPS_MAX_BYTES (64u * 1024 * 1024)

typedef struct vn_host_cpu {
    unsigned id;
    int socket_id, die_id, core_id;   /* -1 = unknown */
    vn_bitmap *siblings;              /* SMT siblings incl. itself; may be NULL */
    bool online;
    uint64_t idle_ticks;              /* idle during the host's load sample (/proc/stat's
                                         USER_HZ ticks); see vn_host.sample_cs */
} vn_host_cpu;

typedef struct vn_host_pages {
    uint64_t size_kib;
    uint64_t total;                   /* pages */
    uint64_t free;                    /* pages; == total where the source does not say */
    bool has_free;
} vn_host_pages;

typedef struct vn_host_node {
    unsigned id;
    uint64_t mem_kib;                 /* MemTotal */
    uint64_t free_kib;                /* MemFree; == mem_kib where unknown */
    bool has_free;
    uint64_t inactive_file_kib;       /* Inactive(file) (numad counts it free); 0 where unknown */
    vn_host_cpu *cpus;
    size_t ncpus;
    vn_host_pages *pages;
    size_t npages;
    unsigned *distance_ids;           /* parallel arrays: distance to node id */
    unsigned *distances;
    size_t ndistances;
} vn_host_node;

/* The calling process's cpuset (host_cpuset.c): the CPUs and memory nodes
 * its cgroup lets it use.  NULL set: everything (no cpuset controller, no
 * cgroup, or the file is absent); _file: where the set was read. */
typedef struct vn_host_cpuset {
    vn_bitmap *cpus;
    char *cpus_file;
    vn_bitmap *mems;
    char *mems_file;
} vn_host_cpuset;

typedef struct vn_host {
    vn_host_node *nodes;              /* sorted by id */
    size_t nnodes;
    uint64_t *hugepage_sizes_kib;     /* sizes the host supports */
    size_t nhugepage_sizes;
    char *source;                     /* what it was loaded from, for messages */
    bool numa_fake;                   /* the source has no NUMA: one node 0 made up
                                         (libvirt's virCapabilitiesHostNUMAInitFake) */
    uint64_t sample_cs;               /* length of the CPU load sample in 1/100 s; 0: no
                                         sample, every online CPU counts as idle */
    vn_host_cpuset cpuset;            /* what the host was restricted to (vn_host_restrict);
                                         all NULL: not restricted (--whole-system, or
                                         a source without a cgroup) */
    vn_bitmap *outside_mems;          /* the machine's nodes outside cpuset.mems (NULL:
                                         none): removed from nodes, or kept with no
                                         memory where they hold allowed CPUs */
    size_t hidden_cpus;               /* CPUs removed: outside cpuset.cpus or in a hidden node */
} vn_host;

vn_host *vn_host_new(void);
/* What a node holds freed (its CPUs, pages, distances); *n zeroed. */
void vn_host_node_clear(vn_host_node *n);
void vn_host_free(vn_host *h);
VN_DEFINE_AUTOPTR(vn_host, vn_host_free)
const vn_host_node *vn_host_find_node(const vn_host *h, unsigned id);
/* The index of node `id` in h->nodes (sorted by id: a binary search), -1
 * when there is none. */
long vn_host_node_index(const vn_host *h, unsigned id);
#define VN_BASE_PAGE_KIB 4   /* the base page: not a huge page size */

/* Record a huge page size the host offers (kept sorted, no duplicates;
 * the base page size is not a huge page size and is ignored). */
void vn_host_add_page_size(vn_host *h, uint64_t kib);
bool vn_host_has_node(const vn_host *h, unsigned id);
/* virNumaNodeIsAvailable: the node exists and the host has NUMA at all
 * (on a host without it, numa_fake, libnuma's node mask is empty, so
 * libvirt finds no node available, not even 0). */
bool vn_host_node_available(const vn_host *h, unsigned id);
/* virNumaNodesetIsAvailable: every node of `nodes` is available, else
 * "NUMA node N is unavailable" (VNUMA_ERR_HOST), libvirt's message for a
 * node the machine does not have (a node hidden by the process's cpuset is
 * one libvirt sees).  Then vnuma's own check, before QEMU's "cannot bind
 * memory to host NUMA nodes": no node outside the process's cpuset.mems
 * ("host NUMA node 6 is outside this process's cpuset.mems 0-5 (FILE)").
 * NULL nodes or host: nothing to check. */
int vn_host_nodeset_available(const vn_host *h, const vn_bitmap *nodes, vn_error *err);
/* Distance between two nodes; 10 for itself, 20 when not recorded. */
unsigned vn_host_distance(const vn_host *h, unsigned from, unsigned to);
/* Node ids as a bitmap (caller frees). */
vn_bitmap *vn_host_nodeset(const vn_host *h);
/* Node ids with memory (> 0) as a bitmap. */
vn_bitmap *vn_host_nodes_with_memory(const vn_host *h);
/* The key of a CPU's core: the smallest id among the CPU and its SMT
 * siblings (whether or not the sibling list names the CPU itself; its own
 * id when it has no siblings).  CPUs of one core have one key: the fitter
 * counts cores and the SVG picture draws core boxes by it. */
unsigned vn_host_cpu_core_key(const vn_host_cpu *cpu);

/* host_fingerprint.c: which host this is, for a placement ledger: 16 hex
 * digits hashing the node ids, each node's CPU ids and MemTotal (in whole
 * GiB, rounded up) and the huge page sizes; the same across reboots and
 * sources of one machine (caller frees).  _text: the text hashed. */
char *vn_host_fingerprint(const vn_host *h);
char *vn_host_fingerprint_text(const vn_host *h);
/* The model's consistency, checked by every loader after loading (and
 * by anyone building a host by other means); host_check.c:
 *   - at most VN_HOST_MAX_NODES nodes, ids ascending, unique, below it;
 *   - each CPU id below VN_HOST_MAX_CPUS and in exactly one node ("CPU 3
 *     is in nodes 0 and 1"); an online CPU has siblings, an offline one none;
 *   - memory at most VN_HOST_MAX_NODE_KIB, free at most total;
 *   - page sizes powers of two from 4 KiB to VN_HOST_MAX_PAGE_KIB, each
 *     once per node; pages x size at most the node's memory; free huge
 *     pages, where known, at most the pages;
 *   - distances to node ids below VN_HOST_MAX_NODES, each once, 1 to
 *     VN_HOST_MAX_DISTANCE.
 * 0, or -1 with a VNUMA_ERR_HOST error naming the node ("SOURCE: node 2: ..."). */
int vn_host_check(const vn_host *h, vn_error *err);

/* host_cpuset.c: the cpuset of the process whose /proc and cgroup mounts
 * are under root ("" or "/": this process), as hwloc reads it (cgroup v2
 * cpuset.{cpus,mems}.effective, v1 cpuset.effective_{cpus,mems} else
 * cpuset.{cpus,mems}).  0 (cs filled, NULL sets where unrestricted) or -1. */
int vn_host_read_cpuset(const char *root, vn_host_cpuset *cs, vn_error *err);
void vn_host_cpuset_clear(vn_host_cpuset *cs);
/* Keep only the nodes of cs->mems and the CPUs of cs->cpus, as hwloc
 * restricts its topology: a node whose CPUs are all outside stays, without
 * CPUs; a node outside cs->mems goes, unless it holds allowed CPUs (hwloc
 * keeps those PUs): then it stays with them and no memory.  The nodes
 * outside cs->mems are recorded in h->outside_mems.  Takes cs over
 * (h->cpuset; cs cleared). */
void vn_host_restrict(vn_host *h, vn_host_cpuset *cs);

/* How a host is loaded.  whole_system: not restricted to the cpuset
 * (hwloc's --whole-system); cpuset_root: where this machine's /proc and
 * cgroup mounts are read for its cpuset (NULL: /), for the live source
 * only (a recorded tree holds its own). */
typedef struct vn_host_load_opts {
    bool whole_system;
    const char *cpuset_root;
} vn_host_load_opts;

/* Loaders.  vn_host_load picks one from a source string (host_load.c):
 * NULL or "" this machine, "sysfs:DIR", "synthetic:SPEC", "none" (no host:
 * NULL without an error), else a capabilities XML file. */
vn_host *vn_host_load(const char *source, vn_error *err);
vn_host *vn_host_load_with(const char *source, const vn_host_load_opts *o, vn_error *err);
bool vn_host_source_is_none(const char *source);
vn_host *vn_host_load_caps_file(const char *path, vn_error *err);
vn_host *vn_host_load_caps_memory(const char *xml, size_t len, vn_error *err);
/* root: "" or "/" for the live machine; else a recorded tree holding sys/
 * (or system/, as libvirt's fixtures do). */
vn_host *vn_host_load_sysfs(const char *root, vn_error *err);
/* The same, the cpuset honoured unless o->whole_system (o NULL: honoured,
 * read under root). */
vn_host *vn_host_load_sysfs_with(const char *root, const vn_host_load_opts *o, vn_error *err);
/* spec: hwloc's synthetic syntax plus memory, pages and distances
 * ("package:2 numa:2 core:4 pu:2 mem=16G"); see host_synthetic.c and
 * docs/synthetic-hosts.md.  The part after "synthetic:" in a --host source. */
vn_host *vn_host_load_synthetic(const char *spec, vn_error *err);

/* The live machine's CPU load, as numad samples it (update_cpu_data): read
 * /proc/stat, sleep interval_ms, read it again; each CPU's idle_ticks is
 * the growth of its idle field, h->sample_cs the time between the reads.
 * Through the OS seam (host_cpuload.c).  interval_ms 0: nothing done. */
int vn_host_sample_cpu_load(vn_host *h, unsigned interval_ms, vn_error *err);

#endif
