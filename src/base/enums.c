/*
 * enums.c - the string table of every enumeration (see enums.h).
 * Spellings are libvirt 9.0's (domain_conf.c, numa_conf.c).
 */
#include "base/enums.h"

#include <string.h>

#define VN_ENUM_IMPL(name, last, ...) \
    static const char *const name##_names[] = {__VA_ARGS__}; \
    _Static_assert(sizeof(name##_names) / sizeof(name##_names[0]) == (last), \
                   #name " table size"); \
    const char *name##_to_string(name v) \
    { \
        return (unsigned)v < (unsigned)(last) ? name##_names[v] : NULL; \
    } \
    int name##_from_string(const char *s) \
    { \
        for (int i = 0; s && i < (int)(last); i++) \
            if (strcmp(name##_names[i], s) == 0) \
                return i; \
        return -1; \
    }

VN_ENUM_IMPL(vn_tristate, VN_TRISTATE_LAST, "default", "yes", "no")
VN_ENUM_IMPL(vn_switch, VN_SWITCH_LAST, "default", "on", "off")
VN_ENUM_IMPL(vn_numatune_mode, VN_NUMATUNE_MODE_LAST, "strict", "preferred", "interleave", "restrictive")
VN_ENUM_IMPL(vn_numatune_placement, VN_NUMATUNE_PLACEMENT_LAST, "default", "static", "auto")
VN_ENUM_IMPL(vn_placement, VN_PLACEMENT_LAST, "static", "auto")
VN_ENUM_IMPL(vn_mem_access, VN_MEM_ACCESS_LAST, "default", "shared", "private")
VN_ENUM_IMPL(vn_mem_source, VN_MEM_SOURCE_LAST, "none", "file", "anonymous", "memfd")
VN_ENUM_IMPL(vn_mem_allocation, VN_MEM_ALLOC_LAST, "none", "immediate", "ondemand")
VN_ENUM_IMPL(vn_memory_model, VN_MEMORY_MODEL_LAST, "", "dimm", "nvdimm", "virtio-pmem", "virtio-mem", "sgx-epc")
VN_ENUM_IMPL(vn_memdev_addr_type, VN_MEMDEV_ADDR_LAST, "none", "dimm", "pci")
VN_ENUM_IMPL(vn_cache_assoc, VN_CACHE_ASSOC_LAST, "none", "direct", "full")
VN_ENUM_IMPL(vn_cache_policy, VN_CACHE_POLICY_LAST, "none", "writeback", "writethrough")
VN_ENUM_IMPL(vn_memory_latency, VN_MEMORY_LATENCY_LAST, "none", "access", "read", "write")
VN_ENUM_IMPL(vn_interconnect_kind, VN_INTERCONNECT_LAST, "latency", "bandwidth")
VN_ENUM_IMPL(vn_vnuma_mode, VN_VNUMA_MODE_LAST, "host", "node")
VN_ENUM_IMPL(vn_vnuma_dist, VN_VNUMA_DIST_LAST, "contiguous", "siblings", "round-robin", "interleave")
/* vnuma's own: `vnuma plan`'s options and JSON */
VN_ENUM_IMPL(vn_fit_strategy, VN_FIT_STRATEGY_LAST, "pack", "spread")
VN_ENUM_IMPL(vn_thread_policy, VN_THREAD_POLICY_LAST, "prefer", "isolate", "require")
