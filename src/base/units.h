/*
 * units.h - libvirt's scaled integers: "<memory unit='GiB'>4</memory>".
 *
 * vn_scale_integer is virScaleInteger: the unit spellings libvirt accepts
 * (b, byte, bytes, k, KiB, KB, ..., e, EiB, EB, case-insensitive; one
 * letter or *iB is binary, *B is decimal) and its overflow rule.
 * vn_parse_memory is virDomainParseMemory: a value in `unit` (KiB when
 * absent), limited to LLONG_MAX bytes, returned in KiB rounded up.
 *
 * vn_buf_add_mib and vn_buf_add_page_size write sizes for people in
 * vnuma's own messages: one unit per message, MiB (the unit numad and
 * `vnuma advise -w` speak), and page sizes spelled as the options take
 * them (2M, 1G).
 */
#ifndef VN_UNITS_H
#define VN_UNITS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/util.h"

#define VN_MEMORY_MAX_BYTES ((uint64_t)INT64_MAX)  /* virMemoryMaxValue(false) */

/* value * scale(suffix) into *value; scale is the default multiplier used
 * when suffix is NULL or empty.  Fails on unknown suffix or when the result
 * would exceed limit. */
int vn_scale_integer(uint64_t *value, const char *suffix, uint64_t scale,
                     uint64_t limit, vn_error *err);

/* Parse "N" with unit `unit` (NULL = KiB) into KiB, rounding up.
 * `what` names the element for messages. */
int vn_parse_memory(const char *what, const char *text, const char *unit,
                    uint64_t *kib, vn_error *err);

/* kib in MiB: "8192 MiB", or with one decimal where it is not whole,
 * "7848.1 MiB", rounded down (up with `up`: a shortfall or a need is never
 * shown smaller than it is). */
void vn_buf_add_mib(vn_buf *b, uint64_t kib, bool up);
/* A huge page size as the options spell it: "2M", "1G", "64K". */
void vn_buf_add_page_size(vn_buf *b, uint64_t kib);

#endif
