/*
 * util.h - small helpers shared by every part of libvnuma.
 *
 * Errors and warnings are in error.h (included here).  Growable strings (vn_buf), checked arithmetic and allocation that aborts
 * on out-of-memory (like GLib's g_malloc, which libvirt relies on) live here
 * too.  Nothing in this file does I/O.
 */
#ifndef VN_UTIL_H
#define VN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vnuma.h"
#include "base/cleanup.h"
#include "base/error.h"

#define VN_NODISCARD __attribute__((warn_unused_result))
#define VN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VN_DIV_UP(a, b) (((a) + (b) - 1) / (b))


/* Allocation: aborts on OOM, never returns NULL for a non-zero size. */
void *vn_malloc(size_t n);
void *vn_calloc(size_t nmemb, size_t size);
void *vn_realloc(void *p, size_t n);
void *vn_reallocarray(void *p, size_t nmemb, size_t size);
char *vn_strdup(const char *s);
char *vn_strndup(const char *s, size_t n);
char *vn_asprintf(const char *fmt, ...) VN_PRINTF(1, 2);

/* Grow an array by one element: VN_APPEND(arr, n) returns a zeroed slot. */
#define VN_APPEND(arr, n) \
    ((arr) = vn_reallocarray((arr), (n) + 1, sizeof(*(arr))), \
     memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++])

/* Checked arithmetic: return false on overflow, leaving *out untouched. */
static inline VN_NODISCARD bool vn_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    uint64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}
static inline VN_NODISCARD bool vn_mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    uint64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}
/* Round up to a multiple of align (align > 0); false on overflow. */
static inline VN_NODISCARD bool vn_round_up_u64(uint64_t v, uint64_t align, uint64_t *out)
{
    uint64_t r = v % align;
    if (r == 0) {
        *out = v;
        return true;
    }
    return vn_add_u64(v, align - r, out);
}

/* Growable NUL-terminated string. */
typedef struct vn_buf {
    char *s;
    size_t len, cap;
    int indent;         /* spaces added at the start of each vn_buf_line */
} vn_buf;

void vn_buf_add(vn_buf *b, const char *s);
void vn_buf_addn(vn_buf *b, const char *s, size_t n);
void vn_buf_addf(vn_buf *b, const char *fmt, ...) VN_PRINTF(2, 3);
void vn_buf_addc(vn_buf *b, char c);
/* Indented line: indent, then formatted text, then '\n'. */
void vn_buf_line(vn_buf *b, const char *fmt, ...) VN_PRINTF(2, 3);
/* XML-escape a text (attr false) or attribute value: & < > ' " as
 * libvirt's virBufferEscapeString writes them; a CR, and in an attribute
 * a line break or tab, as a character reference, so that the value reads
 * back the same (an XML parser turns a raw CR into LF, and those in an
 * attribute into spaces). */
void vn_buf_add_escaped(vn_buf *b, const char *s, bool attr);
char *vn_buf_steal(vn_buf *b);
void vn_buf_free(vn_buf *b);
VN_DEFINE_AUTOCLEAR(vn_buf, vn_buf_free)
/* s (NULL: "") as a JSON string, quotes included; escapes as json-c writes
 * them (\" \\ \b \f \n \r \t, \u00XX for other control bytes), which is
 * what libvirt's JSON command-line values hold. */
void vn_buf_add_json_string(vn_buf *b, const char *s);
/* (Reading files and descriptors into a vn_buf: os/fileio.h.) */

/* Parsing of plain numbers, as libvirt's virStrToLong_* do it. */
bool vn_parse_u64(const char *s, uint64_t *out);   /* decimal or 0x hex, no sign */
bool vn_parse_uint(const char *s, unsigned int *out);
bool vn_parse_int(const char *s, int *out);
/* libvirt's virStrToLong_uip-like: decimal only, no sign, whitespace around allowed */
bool vn_parse_u64_dec(const char *s, uint64_t *out);

#endif
