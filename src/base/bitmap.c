/*
 * bitmap.c - libvirt-syntax integer sets.  See bitmap.h.
 */
#include "base/bitmap.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

vn_bitmap *vn_bitmap_new(void)
{
    return vn_calloc(1, sizeof(vn_bitmap));
}

void vn_bitmap_free(vn_bitmap *b)
{
    if (!b)
        return;
    free(b->w);
    free(b);
}

vn_bitmap *vn_bitmap_copy(const vn_bitmap *b)
{
    if (!b)
        return NULL;
    vn_bitmap *c = vn_bitmap_new();
    if (b->nwords) {
        c->w = vn_calloc(b->nwords, sizeof(uint64_t));
        memcpy(c->w, b->w, b->nwords * sizeof(uint64_t));
        c->nwords = b->nwords;
    }
    return c;
}

void vn_bitmap_set(vn_bitmap *b, unsigned bit)
{
    size_t word = bit / 64;
    if (word >= b->nwords) {
        b->w = vn_reallocarray(b->w, word + 1, sizeof(uint64_t));
        memset(b->w + b->nwords, 0, (word + 1 - b->nwords) * sizeof(uint64_t));
        b->nwords = word + 1;
    }
    b->w[word] |= UINT64_C(1) << (bit % 64);
}

void vn_bitmap_clear(vn_bitmap *b, unsigned bit)
{
    size_t word = bit / 64;
    if (word < b->nwords)
        b->w[word] &= ~(UINT64_C(1) << (bit % 64));
}

bool vn_bitmap_is_set(const vn_bitmap *b, unsigned bit)
{
    size_t word = bit / 64;
    return b && word < b->nwords && (b->w[word] >> (bit % 64)) & 1;
}

bool vn_bitmap_is_empty(const vn_bitmap *b)
{
    return vn_bitmap_next(b, -1) < 0;
}

size_t vn_bitmap_count(const vn_bitmap *b)
{
    size_t n = 0;
    for (size_t i = 0; b && i < b->nwords; i++)
        n += (size_t)__builtin_popcountll(b->w[i]);
    return n;
}

int vn_bitmap_next(const vn_bitmap *b, int pos)
{
    if (!b)
        return -1;
    size_t bit = (size_t)(pos + 1);
    size_t word = bit / 64;
    if (word >= b->nwords)
        return -1;
    uint64_t cur = b->w[word] & (~UINT64_C(0) << (bit % 64));
    while (!cur) {
        if (++word >= b->nwords)
            return -1;
        cur = b->w[word];
    }
    return (int)(word * 64 + (size_t)__builtin_ctzll(cur));
}

int vn_bitmap_last(const vn_bitmap *b)
{
    for (size_t i = b ? b->nwords : 0; i-- > 0;)
        if (b->w[i])
            return (int)(i * 64 + 63 - (size_t)__builtin_clzll(b->w[i]));
    return -1;
}

static uint64_t word_at(const vn_bitmap *b, size_t i)
{
    return b && i < b->nwords ? b->w[i] : 0;
}

static size_t max_words(const vn_bitmap *a, const vn_bitmap *b)
{
    size_t na = a ? a->nwords : 0, nb = b ? b->nwords : 0;
    return na > nb ? na : nb;
}

bool vn_bitmap_equal(const vn_bitmap *a, const vn_bitmap *b)
{
    for (size_t i = 0, n = max_words(a, b); i < n; i++)
        if (word_at(a, i) != word_at(b, i))
            return false;
    return true;
}

bool vn_bitmap_overlaps(const vn_bitmap *a, const vn_bitmap *b)
{
    for (size_t i = 0, n = max_words(a, b); i < n; i++)
        if (word_at(a, i) & word_at(b, i))
            return true;
    return false;
}

bool vn_bitmap_is_subset(const vn_bitmap *sub, const vn_bitmap *super)
{
    for (size_t i = 0, n = max_words(sub, super); i < n; i++)
        if (word_at(sub, i) & ~word_at(super, i))
            return false;
    return true;
}

void vn_bitmap_union(vn_bitmap *dst, const vn_bitmap *src)
{
    vn_bitmap_foreach(src, i)
        vn_bitmap_set(dst, (unsigned)i);
}

static void skip_spaces(const char **p)
{
    while (isspace((unsigned char)**p))
        (*p)++;
}

/* virStrToLong_i: strtol semantics, int range. */
static bool parse_int(const char *s, const char **end, long *out)
{
    char *e;
    errno = 0;
    long v = strtol(s, &e, 10);
    if (errno || e == s || v < INT_MIN || v > INT_MAX)
        return false;
    *end = e;
    *out = v;
    return true;
}

vn_bitmap *vn_bitmap_parse(const char *str, unsigned limit, vn_error *err)
{
    vn_bitmap *b = vn_bitmap_new();
    const char *cur = str;
    bool neg = false;
    long start, last;

    if (!str)
        goto error;
    skip_spaces(&cur);
    if (!*cur)
        goto error;

    while (*cur) {
        if (*cur == '^') {
            cur++;
            neg = true;
        }
        if (!isdigit((unsigned char)*cur))
            goto error;
        if (!parse_int(cur, &cur, &start) || start < 0)
            goto error;
        skip_spaces(&cur);
        if (*cur == ',' || !*cur) {
            if ((unsigned long)start >= limit)
                goto error;
            if (neg)
                vn_bitmap_clear(b, (unsigned)start);
            else
                vn_bitmap_set(b, (unsigned)start);
        } else if (*cur == '-') {
            if (neg)
                goto error;
            cur++;
            skip_spaces(&cur);
            if (!parse_int(cur, &cur, &last) || last < start)
                goto error;
            if ((unsigned long)last >= limit)
                goto error;
            for (long i = start; i <= last; i++)
                vn_bitmap_set(b, (unsigned)i);
            skip_spaces(&cur);
        }
        if (*cur == ',') {
            cur++;
            skip_spaces(&cur);
            neg = false;
        } else if (!*cur) {
            break;
        } else {
            goto error;
        }
    }
    return b;

error:
    vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INVALID_ARG,
                  "Failed to parse bitmap '%s'", str ? str : "(null)");
    vn_bitmap_free(b);
    return NULL;
}

char *vn_bitmap_format(const vn_bitmap *b)
{
    vn_buf buf = {0};
    int start, prev, cur;
    bool first = true;

    if ((cur = vn_bitmap_next(b, -1)) < 0)
        return vn_strdup("");
    start = prev = cur;
    while (prev >= 0) {
        cur = vn_bitmap_next(b, prev);
        if (cur == prev + 1) {
            prev = cur;
            continue;
        }
        if (!first)
            vn_buf_addc(&buf, ',');
        first = false;
        if (prev == start)
            vn_buf_addf(&buf, "%d", start);
        else
            vn_buf_addf(&buf, "%d-%d", start, prev);
        start = prev = cur;
    }
    return vn_buf_steal(&buf);
}
