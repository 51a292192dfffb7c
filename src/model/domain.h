/*
 * domain.h - the Domain model: the NUMA/memory part of a libvirt domain.
 *
 * Plain structs, no I/O.  Field meanings and defaults follow libvirt 9.0's
 * virDomainDef (src/conf/domain_conf.h, numa_conf.c) so that the rules
 * ported from libvirt read the same here.  All sizes are in KiB, the unit
 * libvirt normalises every size to (fields say so with a _kib suffix);
 * libvirt's rounding and alignment rules are defined in KiB, so keeping
 * that unit avoids re-deriving them.
 *
 * The parser (domain_parse.c) fills this from XML and keeps the whole
 * libxml2 document, so that elements vnuma does not own are written back
 * unchanged by the formatter (domain_format.c).
 */
#ifndef VN_DOMAIN_H
#define VN_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bitmap.h"
#include "base/enums.h"
#include "base/util.h"

struct _xmlDoc;

typedef struct vn_distance {
    unsigned cellid;
    unsigned value;
} vn_distance;

typedef struct vn_cache {
    unsigned level;
    vn_cache_assoc assoc;
    vn_cache_policy policy;
    uint64_t size_kib;         /* <size value unit>, stored in KiB */
    uint64_t line_bytes;       /* <line value unit>, stored in bytes */
} vn_cache;

typedef struct vn_interconnect {
    vn_interconnect_kind kind; /* latency | bandwidth */
    unsigned initiator, target;
    unsigned cache;            /* 0 = none */
    vn_memory_latency type;    /* access | read | write */
    uint64_t value;            /* latency: ns; bandwidth: KiB/s */
} vn_interconnect;

typedef struct vn_cell {
    unsigned id;
    uint64_t mem_kib;
    vn_bitmap *cpus;           /* vCPUs of this cell; NULL or empty = none */
    vn_mem_access mem_access;
    vn_tristate discard;
    vn_distance *distances;
    size_t ndistances;
    vn_cache *caches;
    size_t ncaches;
    /* <numatune><memnode> for this cell */
    bool has_memnode;
    vn_numatune_mode memnode_mode;
    vn_bitmap *memnode_nodeset;
} vn_cell;

typedef struct vn_hugepage {
    vn_bitmap *nodemask;       /* guest cells; NULL = all (the default size) */
    uint64_t size_kib;         /* 0 = the host's default huge page size */
} vn_hugepage;

typedef struct vn_vcpu_info {
    bool online;
    vn_tristate hotpluggable;
    unsigned order;            /* 0 = unset */
} vn_vcpu_info;

typedef struct vn_pin {
    unsigned id;               /* vCPU or iothread id */
    vn_bitmap *cpuset;
} vn_pin;

typedef struct vn_memdev {
    vn_memory_model model;
    vn_mem_access access;
    vn_tristate discard;
    /* <source> */
    vn_bitmap *source_nodes;
    uint64_t pagesize_kib;
    char *path;
    uint64_t alignsize_kib;
    bool pmem;
    /* <target> */
    int target_node;           /* -1 = unset */
    uint64_t size_kib;
    uint64_t labelsize_kib;
    uint64_t blocksize_kib;
    uint64_t requested_kib;
    uint64_t current_kib;
    bool readonly;
    char *uuid;
    char *alias;               /* a user alias (ua-...); any alias in live XML (VN_PARSE_STATUS) */
    /* <address> */
    vn_memdev_addr_type addr_type;
    unsigned addr_slot;
    bool addr_has_slot;
    uint64_t addr_base;        /* dimm base, 0 = unset */
    unsigned pci_domain, pci_bus, pci_slot, pci_function;
    vn_tristate pci_multifunction;
} vn_memdev;

/* A <filesystem> with <driver type='virtiofs'>: what libvirt's
 * qemuValidateDomainDeviceDefFS checks before it requires shared memory
 * (values as written; the rest of the element is not vnuma's). */
typedef struct vn_virtiofs {
    bool type_mount;           /* type absent or 'mount' */
    bool accessmode_mapped;    /* accessmode='mapped' */
    bool accessmode_other;     /* accessmode neither absent nor 'passthrough' */
    bool has_fdmode;           /* a non-zero fmode or dmode */
    bool has_socket;           /* <source socket>: an externally started virtiofsd */
    bool readonly;             /* <readonly/> */
    bool has_wrpolicy;         /* <driver wrpolicy> other than 'default' */
    bool has_model;            /* model='...' */
    bool has_format;           /* <driver format> */
    bool has_multidevs;        /* multidevs other than 'default' */
} vn_virtiofs;

typedef struct vn_vnuma {
    bool present;
    vn_vnuma_mode mode;
    vn_vnuma_dist distribution;
    bool has_memory;
    uint64_t memory_kib;
    bool has_partition;
    vn_bitmap *partition_nodeset;   /* NULL = all usable host nodes */
    unsigned partition_cells;       /* 0 = one per node */
} vn_vnuma;

typedef struct vn_domain {
    struct _xmlDoc *doc;       /* the whole document, kept for round-tripping */
    unsigned parse_flags;      /* VN_PARSE_*: how it was parsed (a re-parse keeps them) */

    char *name;
    char *type;                /* domain type attribute: qemu, kvm, ... */
    char *arch;                /* os/type/@arch */
    char *machine;             /* os/type/@machine */

    /* <memory>, <currentMemory>, <maxMemory> */
    uint64_t total_memory_kib; /* libvirt's memory.total_memory (incl. devices) */
    uint64_t cur_balloon_kib;
    uint64_t max_memory_kib;   /* 0 = no <maxMemory> */
    unsigned memory_slots;

    /* <memoryBacking> */
    vn_hugepage *hugepages;
    size_t nhugepages;
    bool nosharepages;
    bool locked;
    vn_mem_source source;
    vn_mem_access access;
    vn_mem_allocation allocation;
    unsigned allocation_threads;
    vn_tristate discard;

    /* <vcpu>, <vcpus> */
    unsigned maxvcpus;
    unsigned vcpus_current;    /* online vCPUs */
    vn_vcpu_info *vcpu_info;   /* maxvcpus entries */
    vn_placement cpu_placement;/* static | auto */
    vn_bitmap *cpumask;        /* <vcpu cpuset> */

    /* <cputune> pinning */
    vn_pin *vcpupins;
    size_t nvcpupins;
    vn_bitmap *emulatorpin;
    vn_pin *iothreadpins;
    size_t niothreadpins;
    unsigned niothreads;       /* <iothreads> */

    /* <numatune><memory> */
    bool numatune_specified;
    vn_numatune_mode numatune_mode;
    vn_numatune_placement numatune_placement;
    vn_bitmap *numatune_nodeset;

    /* <cpu> */
    bool has_topology;
    unsigned sockets, dies, cores, threads;
    vn_cell *cells;
    size_t ncells;
    vn_interconnect *interconnects;
    size_t ninterconnects;

    /* <devices><memory> */
    vn_memdev *memdevs;
    size_t nmemdevs;

    /* Other devices whose rules need shared guest memory (vhost-user),
     * recorded by the parser so that the define-time rules need not read
     * the document: a <disk type='vhostuser'>, a <filesystem> with
     * <driver type='virtiofs'>. */
    bool has_vhostuser_disk;
    vn_virtiofs *virtiofs;     /* in document order */
    size_t nvirtiofs;

    /* <vnuma> */
    vn_vnuma vnuma;

    /* Set by vn_domain_validate_start when placement='auto' (vcpu or
     * numatune) and a host is known: the host nodes chosen for the guest
     * (libvirt's priv->autoNodeset, numad's advice).  NULL otherwise. */
    vn_bitmap *auto_nodeset;
    /* With it: every CPU of the advised nodes, memoryless ones included
     * (libvirt's priv->autoCpuset, used for vCPU/emulator affinity). */
    vn_bitmap *auto_cpuset;
} vn_domain;

void vn_domain_free(vn_domain *dom);
VN_DEFINE_AUTOPTR(vn_domain, vn_domain_free)
/* Free what a memory device holds (and reset it: target_node -1). */
void vn_memdev_clear(vn_memdev *m);

/* domain_parse.c: XML -> model, then libvirt's post-parse defaults and the
 * checks `virsh define` makes (vn_domain_postparse, vn_domain_validate_define).
 * Hostile input is refused: no network, no DTD, no entity expansion,
 * VN_XML_MAX_BYTES at most. */
#define VN_XML_MAX_BYTES (10u * 1024 * 1024)
/* Guest NUMA cells in one domain (QEMU 7.2 takes 128; each cell's
 * distances have an entry per cell, so this bounds their square). */
#define VN_DOMAIN_MAX_CELLS 1024u
/* Parse flags, as libvirt's virDomainDefParse* take them.
 * VN_PARSE_ABI_UPDATE (VIR_DOMAIN_DEF_PARSE_ABI_UPDATE): what `virsh
 * define`, `virsh create` and `virsh domxml-to-native` pass, so a domain
 * with guest NUMA cells gets its memory from the cells (<memory> = the
 * cells plus the memory devices) before the memory rules apply.  Without
 * it (libvirt's qemuxml2xml tests, `vnuma xml`), <memory> stays as written.
 * VN_PARSE_STATUS (libvirt parsing its status XML, without
 * VIR_DOMAIN_DEF_PARSE_INACTIVE): the live XML of a running guest, whose
 * memory devices keep every alias (not only ua- ones) and a virtio-mem
 * device its <current>; the formatter then writes them back (src/live). */
enum { VN_PARSE_ABI_UPDATE = 1, VN_PARSE_STATUS = 2 };
vn_domain *vn_domain_parse(const char *xml, size_t len, unsigned flags, vn_error *err);
vn_domain *vn_domain_parse_file(const char *path, unsigned flags, vn_error *err);

/* device_xml.c: a lone <memory> device (virsh attach-device's DEVICE.xml),
 * parsed as libvirt's live attach parses it: the element's rules, the
 * device post-parse and virDomainMemoryDefValidate against dom (the
 * running domain).  out is filled (vn_memdev_clear frees it); -1 with err
 * set and out cleared. */
int vn_memdev_parse(const char *xml, size_t len, const vn_domain *dom, vn_memdev *out,
                    vn_error *err);
int vn_memdev_parse_file(const char *path, const vn_domain *dom, vn_memdev *out,
                         vn_error *err);
/* libvirt's individualvcpus after a vCPU hot-plug: from now on the
 * formatter writes <vcpus> (each vCPU's enabled and hotpluggable). */
void vn_domain_keep_vcpu_states(vn_domain *dom);

/* domain_format.c: the whole document with the owned elements formatted as
 * libvirt 9.0 formats them. */
char *vn_domain_format(const vn_domain *dom, vn_error *err);

/* domain_postparse.c: defaults and adjustments libvirt makes after parsing
 * (its domain_postparse.c, qemu_domain.c post-parse callbacks), then the
 * rules libvirt applies at define time (domain_validate.c, numa_conf.c).
 * vn_domain_parse calls both. */
int vn_domain_postparse(vn_domain *dom, vn_error *err);
int vn_domain_validate_define(const vn_domain *dom, vn_error *err);
/* Their parts for one memory device about to be hot-plugged (src/live):
 * virDomainMemoryDefValidate, and qemuDomainDefValidateMemoryHotplug(def,
 * mem) (mem NULL: the define-time check of the devices already there). */
int vn_domain_validate_memdev(const vn_domain *dom, const vn_memdev *m, vn_error *err);
int vn_domain_validate_memory_hotplug(const vn_domain *dom, const vn_memdev *mem,
                                      vn_error *err);

/* domain_validate.c: the rules libvirt applies when starting a QEMU guest: host nodes, huge
 * page sizes and mounts, memory alignment (which can refuse), QEMU-level
 * checks (qemu_validate.c, qemu_domain.c, qemu_command.c).  Modifies dom
 * (aligned sizes).  host may be NULL (host rules skipped). */
struct vn_host;
struct vn_config;
int vn_domain_validate_start(vn_domain *dom, const struct vn_host *host,
                             const struct vn_config *cfg, vn_warnings *warnings,
                             vn_error *err);

/* libvirt's virDomainDefGetMemoryInitial: total memory minus the memory
 * devices (post-parse guarantees the devices fit). */
uint64_t vn_domain_memory_initial_kib(const vn_domain *dom);
/* Sum of the cells' memory. */
uint64_t vn_domain_cells_memory_kib(const vn_domain *dom);
/* The <hugepages><page> that backs guest cell `node` (-1: no cell), as
 * qemuBuildMemoryGetPagesize picks it: the page whose nodeset names the
 * cell (*by_nodeset = true), else the page without a nodeset (the default
 * size), else NULL. */
const vn_hugepage *vn_domain_hugepage_for_node(const vn_domain *dom, int node,
                                               bool *by_nodeset);
/* The cell a vCPU belongs to, or -1. */
int vn_domain_vcpu_cell(const vn_domain *dom, unsigned vcpu);
/* Online vCPUs (the <vcpu current>, or every vCPU marked online). */
unsigned vn_domain_online_vcpus(const vn_domain *dom);

/* <numatune>, as libvirt's virDomainNumatune* accessors read it.  `cell`
 * is a guest cell index, or -1 for the whole guest. */
/* <numatune><memory placement='auto'> (the nodes then come from the
 * advisor, dom->auto_nodeset). */
bool vn_domain_numatune_is_auto(const vn_domain *dom);
/* The cell has a <memnode>. */
bool vn_domain_cell_has_memnode(const vn_domain *dom, int cell);
/* virDomainNumatuneGetNodeset: the host nodes memory of `cell` is bound
 * to: the advisor's answer for placement='auto', else the cell's memnode,
 * else the global nodeset; NULL when <numatune> says nothing. */
const vn_bitmap *vn_domain_numatune_nodeset(const vn_domain *dom, int cell);
/* virDomainNumatuneGetMode: the memnode's mode, else the global one; -1
 * when neither is given. */
int vn_domain_numatune_mode(const vn_domain *dom, int cell, vn_numatune_mode *mode);

/* virDomainDefGetShortName: "ID-NAME" with NAME cut to 20 characters (as
 * far as it is valid UTF-8; else to 20 bytes).  Names paths: huge page
 * and memory-backing directories, sockets. */
#define VN_DOMAIN_SHORT_NAME_MAX 20
char *vn_domain_short_name(const vn_domain *dom, int id);

#endif
