/*
 * qemu_internal.h - what the files of src/qemu share, and nothing else may
 * use (the vq_ prefix): the build context, a memory backend as
 * qemuBuildMemoryBackendProps sees it, and the JSON property writers.
 *
 *   argv.c          vn_argv: the arguments and their printing
 *   machine.c       QEMU 7.2 machine facts (machine.h, for the rest of the
 *                   library too)
 *   backend.c       memory backend objects (qemuBuildMemoryBackendProps):
 *                   one builder for the command line's -object and QMP's
 *                   object-add, as libvirt's qemu_hotplug.c reuses it
 *   memdev.c        memory devices (aliases, qemuBuildMemoryDeviceProps),
 *                   for -device and device_add alike
 *   qemu_command.c  the command line (qemuBuildCommandLine's memory part)
 */
#ifndef VN_QEMU_INTERNAL_H
#define VN_QEMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "qemu/qemu.h"

#define SYSTEM_PAGE_SIZE_KIB 4u     /* virGetSystemPageSizeKB() on x86_64 */

typedef struct ctx {
    vn_domain *dom;
    const vn_host *host;
    const vn_config *cfg;
    bool mem_prealloc;         /* priv->memPrealloc: -mem-prealloc given */
    char **mem_alias;          /* per memory device */
    unsigned *mem_slot;        /* per dimm/nvdimm device */
    bool *mem_has_slot;
    vn_argv *out;
    vn_error *err;
} ctx;

/* One memory backend as qemuBuildMemoryBackendProps sees it
 * (virDomainMemoryDef: a cell's RAM, the default RAM or a device). */
typedef struct memview {
    vn_memory_model model;
    vn_mem_access access;
    vn_tristate discard;
    int target_node;
    uint64_t size_kib;
    uint64_t pagesize_kib;
    const char *nvdimm_path;
    uint64_t alignsize_kib;
    bool pmem;
    const vn_bitmap *source_nodes;
    const char *alias;         /* mem->info.alias, for file paths */
} memview;

/* The result: {"qom-type":type,"id":id<body>} */
typedef struct backend {
    const char *type;
    char *id;
    vn_buf body;
    const vn_bitmap *host_nodes;   /* set when "host-nodes" was added */
    bool prealloc;
    int rc;                    /* 1: no backend needed (legacy -numa mem=) */
} backend;

typedef struct pageinfo {
    uint64_t pagesize;
    bool need_hugepage, use_hugepage, prealloc;
} pageinfo;

/* ---- backend.c ---- */

void vq_jkey(vn_buf *b, const char *key);

void vq_jstr(vn_buf *b, const char *key, const char *v);

void vq_jbool(vn_buf *b, const char *key, bool v);

void vq_ju64(vn_buf *b, const char *key, uint64_t v);

/* "T:": a tristate, left out when absent. */
void vq_jtristate(vn_buf *b, const char *key, vn_tristate v);

void vq_jnodes(vn_buf *b, const char *key, const vn_bitmap *nodes);

void vq_backend_clear(backend *be);

/* virDomainNumatuneMaybeGetNodeset */
int vq_numatune_maybe_nodeset(const ctx *c, int cell, const vn_bitmap **out);

/* qemuGetDomainHupageMemPath */
char *vq_hugepage_path(const ctx *c, uint64_t pagesize_kib);

/* qemuGetMemoryBackingPath */
char *vq_backing_path(const ctx *c, const char *alias);

/* qemuBuildMemoryGetDefaultPagesize */
int vq_default_pagesize(const ctx *c, uint64_t *pagesize);

/* qemuBuildMemoryGetPagesize */
int vq_get_pagesize(const ctx *c, const memview *m, pageinfo *pi);

int vq_add_bytes(const ctx *c, vn_buf *b, const char *key, uint64_t kib, bool positive_only);

/* qemuBuildMemoryBackendProps */
int vq_backend_props(ctx *c, const char *alias, const memview *m, bool force,
                         bool system_memory, backend *be);

void vq_add_object(ctx *c, const char *type, const char *id, const char *body);

/* qemuBuildThreadContextProps, then the backend object itself. */
void vq_emit_backend(ctx *c, backend *be);

/* ---- memdev.c ---- */

/* "dimm", "nvdimm", "virtiopmem", "virtiomem", "epc"; NULL. */
const char *vq_memdev_prefix(vn_memory_model m);
/* qemuDomainDeviceAliasIndex: N of PREFIXN, else -1. */
int vq_memdev_alias_index(const char *alias, const char *prefix);
/* qemuAssignDeviceMemoryAlias over the n aliases assigned so far (NULLs
 * skipped); slot is the dimm slot. */
char *vq_memdev_alias(const vn_memdev *md, unsigned slot, char *const *aliases, size_t n,
                      vn_error *err);
memview vq_memdev_view(const vn_memdev *md, const char *alias);
/* qemuBuildMemoryDeviceProps of c->dom->memdevs[i]: the JSON object into b. */
int vq_memdev_device_props(ctx *c, size_t i, vn_buf *b);

#endif
