/*
 * bitmap.h - sets of small non-negative integers (CPU ids, NUMA node ids)
 * in libvirt's textual syntax: "0-3,^2,8" with spaces allowed.
 *
 * Parsing follows libvirt's virBitmapParse(..., VIR_DOMAIN_CPUMASK_LEN):
 * an id at or beyond the limit is an error found before anything is
 * allocated for it, so "0-4294967295" costs nothing.  Formatting follows
 * virBitmapFormat ("0-3,5").  Storage grows with the largest id set.
 */
#ifndef VN_BITMAP_H
#define VN_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

#define VN_CPUMASK_LEN 16384   /* libvirt's VIR_DOMAIN_CPUMASK_LEN */

typedef struct vn_bitmap {
    uint64_t *w;
    size_t nwords;
} vn_bitmap;

vn_bitmap *vn_bitmap_new(void);
void vn_bitmap_free(vn_bitmap *b);
VN_DEFINE_AUTOPTR(vn_bitmap, vn_bitmap_free)
vn_bitmap *vn_bitmap_copy(const vn_bitmap *b);

/* Parse libvirt syntax; ids must be < limit.  Returns NULL on error, with
 * "Failed to parse bitmap '%s'" style message in err.  An empty result
 * ("0,^0") is NOT an error here: callers decide (libvirt does too). */
vn_bitmap *vn_bitmap_parse(const char *str, unsigned limit, vn_error *err);

void vn_bitmap_set(vn_bitmap *b, unsigned bit);
void vn_bitmap_clear(vn_bitmap *b, unsigned bit);
bool vn_bitmap_is_set(const vn_bitmap *b, unsigned bit);
bool vn_bitmap_is_empty(const vn_bitmap *b);
size_t vn_bitmap_count(const vn_bitmap *b);
/* Next set bit after `pos` (pass -1 to start); -1 when none. */
int vn_bitmap_next(const vn_bitmap *b, int pos);
int vn_bitmap_last(const vn_bitmap *b);
bool vn_bitmap_equal(const vn_bitmap *a, const vn_bitmap *b);
bool vn_bitmap_overlaps(const vn_bitmap *a, const vn_bitmap *b);
bool vn_bitmap_is_subset(const vn_bitmap *sub, const vn_bitmap *super);
void vn_bitmap_union(vn_bitmap *dst, const vn_bitmap *src);

/* "0-3,5"; "" for an empty set.  Caller frees. */
char *vn_bitmap_format(const vn_bitmap *b);

#define vn_bitmap_foreach(b, i) \
    for (int i = vn_bitmap_next((b), -1); i >= 0; i = vn_bitmap_next((b), i))

#endif
