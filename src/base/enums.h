/*
 * enums.h - every enumeration of the models, each with one string table.
 *
 * As in libvirt (VIR_ENUM_DECL / VIR_ENUM_IMPL), each enum NAME gets
 *   const char *NAME_to_string(NAME v);   NULL when out of range
 *   int NAME_from_string(const char *s);  -1 when unknown
 * generated from a single table in enums.c, so the spelling of a value is
 * written once.  Value 0 is the "unset/default" entry where libvirt has one.
 */
#ifndef VN_ENUMS_H
#define VN_ENUMS_H

#define VN_ENUM_DECL(name) \
    const char *name##_to_string(name v); \
    int name##_from_string(const char *s)

typedef enum { VN_TRISTATE_ABSENT, VN_TRISTATE_YES, VN_TRISTATE_NO, VN_TRISTATE_LAST } vn_tristate;
VN_ENUM_DECL(vn_tristate);          /* "default", "yes", "no" */
typedef enum { VN_SWITCH_ABSENT, VN_SWITCH_ON, VN_SWITCH_OFF, VN_SWITCH_LAST } vn_switch;
VN_ENUM_DECL(vn_switch);            /* "default", "on", "off" */

typedef enum {
    VN_NUMATUNE_STRICT, VN_NUMATUNE_PREFERRED, VN_NUMATUNE_INTERLEAVE,
    VN_NUMATUNE_RESTRICTIVE, VN_NUMATUNE_MODE_LAST
} vn_numatune_mode;
VN_ENUM_DECL(vn_numatune_mode);

typedef enum {
    VN_NUMATUNE_PLACEMENT_DEFAULT, VN_NUMATUNE_PLACEMENT_STATIC,
    VN_NUMATUNE_PLACEMENT_AUTO, VN_NUMATUNE_PLACEMENT_LAST
} vn_numatune_placement;
VN_ENUM_DECL(vn_numatune_placement);

typedef enum { VN_PLACEMENT_STATIC, VN_PLACEMENT_AUTO, VN_PLACEMENT_LAST } vn_placement;
VN_ENUM_DECL(vn_placement);

typedef enum { VN_MEM_ACCESS_DEFAULT, VN_MEM_ACCESS_SHARED, VN_MEM_ACCESS_PRIVATE, VN_MEM_ACCESS_LAST } vn_mem_access;
VN_ENUM_DECL(vn_mem_access);

typedef enum { VN_MEM_SOURCE_NONE, VN_MEM_SOURCE_FILE, VN_MEM_SOURCE_ANONYMOUS, VN_MEM_SOURCE_MEMFD, VN_MEM_SOURCE_LAST } vn_mem_source;
VN_ENUM_DECL(vn_mem_source);

typedef enum { VN_MEM_ALLOC_NONE, VN_MEM_ALLOC_IMMEDIATE, VN_MEM_ALLOC_ONDEMAND, VN_MEM_ALLOC_LAST } vn_mem_allocation;
VN_ENUM_DECL(vn_mem_allocation);

typedef enum {
    VN_MEMORY_MODEL_NONE, VN_MEMORY_MODEL_DIMM, VN_MEMORY_MODEL_NVDIMM,
    VN_MEMORY_MODEL_VIRTIO_PMEM, VN_MEMORY_MODEL_VIRTIO_MEM, VN_MEMORY_MODEL_SGX_EPC,
    VN_MEMORY_MODEL_LAST
} vn_memory_model;
VN_ENUM_DECL(vn_memory_model);

typedef enum { VN_MEMDEV_ADDR_NONE, VN_MEMDEV_ADDR_DIMM, VN_MEMDEV_ADDR_PCI, VN_MEMDEV_ADDR_LAST } vn_memdev_addr_type;
VN_ENUM_DECL(vn_memdev_addr_type);

typedef enum { VN_CACHE_ASSOC_NONE, VN_CACHE_ASSOC_DIRECT, VN_CACHE_ASSOC_FULL, VN_CACHE_ASSOC_LAST } vn_cache_assoc;
VN_ENUM_DECL(vn_cache_assoc);

typedef enum { VN_CACHE_POLICY_NONE, VN_CACHE_POLICY_WRITEBACK, VN_CACHE_POLICY_WRITETHROUGH, VN_CACHE_POLICY_LAST } vn_cache_policy;
VN_ENUM_DECL(vn_cache_policy);

typedef enum { VN_MEMORY_LATENCY_NONE, VN_MEMORY_LATENCY_ACCESS, VN_MEMORY_LATENCY_READ, VN_MEMORY_LATENCY_WRITE, VN_MEMORY_LATENCY_LAST } vn_memory_latency;
VN_ENUM_DECL(vn_memory_latency);

typedef enum { VN_INTERCONNECT_LATENCY, VN_INTERCONNECT_BANDWIDTH, VN_INTERCONNECT_LAST } vn_interconnect_kind;
VN_ENUM_DECL(vn_interconnect_kind);

typedef enum { VN_VNUMA_MODE_HOST, VN_VNUMA_MODE_NODE, VN_VNUMA_MODE_LAST } vn_vnuma_mode;
VN_ENUM_DECL(vn_vnuma_mode);

/* The fitter's (place/fit.h; `vnuma plan --strategy`, `--thread-policy`). */
typedef enum { VN_FIT_PACK, VN_FIT_SPREAD, VN_FIT_STRATEGY_LAST } vn_fit_strategy;
VN_ENUM_DECL(vn_fit_strategy);      /* "pack", "spread" */
typedef enum {
    VN_THREAD_PREFER, VN_THREAD_ISOLATE, VN_THREAD_REQUIRE, VN_THREAD_POLICY_LAST
} vn_thread_policy;
VN_ENUM_DECL(vn_thread_policy);     /* "prefer", "isolate", "require" (Nova's hw:cpu_thread_policy) */

typedef enum {
    VN_VNUMA_DIST_CONTIGUOUS, VN_VNUMA_DIST_SIBLINGS, VN_VNUMA_DIST_ROUND_ROBIN,
    VN_VNUMA_DIST_INTERLEAVE, VN_VNUMA_DIST_LAST
} vn_vnuma_dist;
VN_ENUM_DECL(vn_vnuma_dist);

#endif
