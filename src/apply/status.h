/*
 * status.h - what status.c reads (numa_maps, per guest cell) and
 * status_report.c prints.
 */
#ifndef VN_APPLY_STATUS_H
#define VN_APPLY_STATUS_H

#include "apply/apply_internal.h"

typedef struct vn_numa_map {      /* one line of /proc/PID/numa_maps */
    uint64_t start;
    char *policy;                 /* "default", "bind:3", "interleave:0-3", ... */
    char *file;                   /* file=..., as the kernel escapes it; NULL */
    bool anon, huge;              /* anon=/heap/stack; huge */
    uint64_t page_kib;            /* kernelpagesize_kB (default 4) */
    uint64_t *pages;              /* per node, in that page size */
    unsigned npages;
} vn_numa_map;
typedef struct vn_numa_maps { vn_numa_map *v; size_t n; } vn_numa_maps;
int vn_numa_maps_parse(const char *text, vn_numa_maps *out, vn_error *err);
void vn_numa_maps_clear(vn_numa_maps *m);
VN_DEFINE_AUTOCLEAR(vn_numa_maps, vn_numa_maps_clear)

typedef struct vn_status_row {
    char *label;                  /* "cell 0", "memory", "process" */
    char *block;                  /* QEMU's RAM block ("ram-node0") */
    uint64_t size_kib;
    bool has_mode;                /* what the domain asks */
    vn_numatune_mode mode;
    vn_bitmap *nodes;             /* NULL: any */
    uint64_t mapped_kib;          /* what is there */
    uint64_t *kib;                /* KiB per host node */
    unsigned nkib;
    char *policy;                 /* the kernel's, from numa_maps */
    char *why;                    /* NULL, or how reality differs */
} vn_status_row;
typedef struct vn_status_rows { vn_status_row *v; size_t n; } vn_status_rows;
void vn_status_rows_clear(vn_status_rows *rows);
VN_DEFINE_AUTOCLEAR(vn_status_rows, vn_status_rows_clear)

/* Pure: sum mappings starting in [lo, hi) (hi 0: the anonymous ones), judge. */
void vn_status_sum(const vn_numa_maps *m, const char *maps, uint64_t lo, uint64_t hi,
                   vn_status_row *row);
void vn_status_judge(vn_status_row *r);
/* The rows of a running entry (QMP for a launched guest). */
int vn_status_collect(const vn_ap_entry *e, const vn_domain *dom, vn_status_rows *rows,
                      vn_error *err);
char *vn_status_format(const vn_ap_entry *e, const vn_status_rows *rows, bool json);

#endif
