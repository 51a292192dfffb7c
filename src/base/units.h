/*
 * units.h - libvirt's scaled integers: "<memory unit='GiB'>4</memory>".
 *
 * vn_scale_integer is virScaleInteger: the unit spellings libvirt accepts
 * (b, byte, bytes, k, KiB, KB, ..., e, EiB, EB, case-insensitive; one
 * letter or *iB is binary, *B is decimal) and its overflow rule.
 * vn_parse_memory is virDomainParseMemory: a value in `unit` (KiB when
 * absent), limited to LLONG_MAX bytes, returned in KiB rounded up.
 */
#ifndef VN_UNITS_H
#define VN_UNITS_H

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

#endif
