/*
 * util.c - allocation, growable strings, number parsing.
 * See util.h.
 */
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vn_freep(void *pp)
{
    free(*(void **)pp);
    *(void **)pp = NULL;
}

static void *vn_oom(void)
{
    fputs("vnuma: out of memory\n", stderr);
    abort();
}

void *vn_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : vn_oom();
}

void *vn_calloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    return p ? p : vn_oom();
}

void *vn_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : vn_oom();
}

void *vn_reallocarray(void *p, size_t nmemb, size_t size)
{
    size_t n;
    if (__builtin_mul_overflow(nmemb, size, &n))
        return vn_oom();
    return vn_realloc(p, n);
}

char *vn_strdup(const char *s)
{
    return s ? vn_strndup(s, strlen(s)) : NULL;
}

char *vn_strndup(const char *s, size_t n)
{
    char *d = vn_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *vn_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return s;
}

static void vn_buf_grow(vn_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->s = vn_realloc(b->s, cap);
    b->cap = cap;
}

void vn_buf_add_json_string(vn_buf *b, const char *s)
{
    vn_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': vn_buf_add(b, "\\\""); break;
        case '\\': vn_buf_add(b, "\\\\"); break;
        case '\b': vn_buf_add(b, "\\b"); break;
        case '\f': vn_buf_add(b, "\\f"); break;
        case '\n': vn_buf_add(b, "\\n"); break;
        case '\r': vn_buf_add(b, "\\r"); break;
        case '\t': vn_buf_add(b, "\\t"); break;
        default:
            if (*p < 0x20)
                vn_buf_addf(b, "\\u%04x", *p);
            else
                vn_buf_addc(b, (char)*p);
        }
    }
    vn_buf_addc(b, '"');
}

void vn_buf_addn(vn_buf *b, const char *s, size_t n)
{
    vn_buf_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void vn_buf_add(vn_buf *b, const char *s)
{
    vn_buf_addn(b, s, strlen(s));
}

void vn_buf_addc(vn_buf *b, char c)
{
    vn_buf_addn(b, &c, 1);
}

static void vn_buf_addv(vn_buf *b, const char *fmt, va_list ap) VN_PRINTF(2, 0);
static void vn_buf_addv(vn_buf *b, const char *fmt, va_list ap)
{
    if (!fmt)   /* never; but gcc 12 with -fsanitize=undefined sees a NULL path */
        abort();
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        abort();
    vn_buf_grow(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void vn_buf_addf(vn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vn_buf_addv(b, fmt, ap);
    va_end(ap);
}

void vn_buf_line(vn_buf *b, const char *fmt, ...)
{
    va_list ap;
    for (int i = 0; i < b->indent; i++)
        vn_buf_addc(b, ' ');
    va_start(ap, fmt);
    vn_buf_addv(b, fmt, ap);
    va_end(ap);
    vn_buf_addc(b, '\n');
}

void vn_buf_add_escaped(vn_buf *b, const char *s, bool attr)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': vn_buf_add(b, "&amp;"); break;
        case '<': vn_buf_add(b, "&lt;"); break;
        case '>': vn_buf_add(b, "&gt;"); break;
        case '\'': vn_buf_add(b, "&apos;"); break;
        case '"': vn_buf_add(b, "&quot;"); break;
        case '\r': vn_buf_add(b, "&#13;"); break;
        case '\n': vn_buf_add(b, attr ? "&#10;" : "\n"); break;
        case '\t': vn_buf_add(b, attr ? "&#9;" : "\t"); break;
        default: vn_buf_addc(b, *s);
        }
    }
}

char *vn_buf_steal(vn_buf *b)
{
    char *s = b->s ? b->s : vn_strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void vn_buf_free(vn_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

bool vn_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

bool vn_parse_u64_dec(const char *s, uint64_t *out)
{
    char *end;
    if (!s)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

bool vn_parse_uint(const char *s, unsigned int *out)
{
    uint64_t v;
    if (!vn_parse_u64_dec(s, &v) || v > UINT_MAX)
        return false;
    *out = (unsigned int)v;
    return true;
}

bool vn_parse_int(const char *s, int *out)
{
    char *end;
    if (!s || !*s)
        return false;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < INT_MIN || v > INT_MAX)
        return false;
    *out = (int)v;
    return true;
}
