/*
 * units.c - scaled integers as libvirt parses them.  See units.h.
 */
#include "base/units.h"

#include <ctype.h>
#include <strings.h>

int vn_scale_integer(uint64_t *value, const char *suffix, uint64_t scale,
                     uint64_t limit, vn_error *err)
{
    if (!suffix || !*suffix) {
        if (!scale) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INVALID_ARG, "invalid scale %llu",
                          (unsigned long long)scale);
            return -1;
        }
        suffix = "";
    } else if (!strcasecmp(suffix, "b") || !strcasecmp(suffix, "byte") ||
               !strcasecmp(suffix, "bytes")) {
        scale = 1;
    } else {
        uint64_t base;
        if (!suffix[1] || !strcasecmp(suffix + 1, "iB"))
            base = 1024;
        else if (tolower((unsigned char)suffix[1]) == 'b' && !suffix[2])
            base = 1000;
        else
            goto unknown;
        int steps;
        switch (tolower((unsigned char)*suffix)) {
        case 'k': steps = 1; break;
        case 'm': steps = 2; break;
        case 'g': steps = 3; break;
        case 't': steps = 4; break;
        case 'p': steps = 5; break;
        case 'e': steps = 6; break;
        default: goto unknown;
        }
        scale = 1;
        while (steps--)
            scale *= base;
    }
    if (*value && *value > limit / scale) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OVERFLOW, "value too large: %llu%s",
                      (unsigned long long)*value, suffix);
        return -1;
    }
    *value *= scale;
    return 0;

unknown:
    vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INVALID_ARG, "unknown suffix '%s'", suffix);
    return -1;
}

int vn_parse_memory(const char *what, const char *text, const char *unit,
                    uint64_t *kib, vn_error *err)
{
    uint64_t bytes;
    if (!vn_parse_u64_dec(text, &bytes)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "Invalid value '%s' for element or attribute '%s'",
                     text ? text : "", what);
        return -1;
    }
    if (vn_scale_integer(&bytes, unit, 1024, VN_MEMORY_MAX_BYTES, err) < 0)
        return -1;
    *kib = VN_DIV_UP(bytes, 1024);
    if (*kib >= VN_DIV_UP(VN_MEMORY_MAX_BYTES, 1024)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OVERFLOW, "size value too large");
        return -1;
    }
    return 0;
}

void vn_buf_add_mib(vn_buf *b, uint64_t kib, bool up)
{
    /* tenths of a MiB: 1024 KiB / 10 = 102.4 KiB each */
    uint64_t tenths = up ? kib / 1024 * 10 + VN_DIV_UP(kib % 1024 * 10, 1024)
                         : kib / 1024 * 10 + kib % 1024 * 10 / 1024;
    if (tenths % 10)
        vn_buf_addf(b, "%llu.%llu MiB", (unsigned long long)(tenths / 10),
                    (unsigned long long)(tenths % 10));
    else
        vn_buf_addf(b, "%llu MiB", (unsigned long long)(tenths / 10));
}

void vn_buf_add_page_size(vn_buf *b, uint64_t kib)
{
    if (kib && kib % (1024 * 1024) == 0)
        vn_buf_addf(b, "%lluG", (unsigned long long)(kib / (1024 * 1024)));
    else if (kib && kib % 1024 == 0)
        vn_buf_addf(b, "%lluM", (unsigned long long)(kib / 1024));
    else
        vn_buf_addf(b, "%lluK", (unsigned long long)kib);
}
