/*
 * error.c - errors with a code, a class and a message; warnings.  See
 * error.h.
 */
#include "base/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static const char *const prefixes[VN_ERRC_LAST] = {
    [VN_ERRC_NONE] = "",
    [VN_ERRC_XML] = "XML error: ",
    [VN_ERRC_UNSUPPORTED] = "unsupported configuration: ",
    [VN_ERRC_INTERNAL] = "internal error: ",
    [VN_ERRC_INVALID_ARG] = "invalid argument: ",
    [VN_ERRC_OVERFLOW] = "numerical overflow: ",
    [VN_ERRC_OPERATION_INVALID] = "Requested operation is not valid: ",
    [VN_ERRC_OPERATION_FAILED] = "operation failed: ",
    [VN_ERRC_SYSTEM] = "",
    [VN_ERRC_QMP] = "",
};

const char *vn_error_class_prefix(vn_error_class cls)
{
    return cls < VN_ERRC_LAST ? prefixes[cls] : "";
}

void vn_error_setcv(vn_error *err, int code, vn_error_class cls, const char *fmt, va_list ap)
{
    if (!err || err->code != VNUMA_OK)
        return;
    const char *pfx = vn_error_class_prefix(cls);
    size_t n = strlen(pfx);
    err->code = code;
    err->cls = cls;
    err->sys_errno = 0;
    err->qmp_class[0] = '\0';
    err->where[0] = '\0';
    err->text_at = (unsigned short)n;
    memcpy(err->msg, pfx, n);
    vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
}

void vn_error_setc(vn_error *err, int code, vn_error_class cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vn_error_setcv(err, code, cls, fmt, ap);
    va_end(ap);
}

void vn_error_setv(vn_error *err, int code, const char *fmt, va_list ap)
{
    vn_error_setcv(err, code, VN_ERRC_NONE, fmt, ap);
}

void vn_error_set(vn_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vn_error_setcv(err, code, VN_ERRC_NONE, fmt, ap);
    va_end(ap);
}

void vn_error_sys(vn_error *err, int code, int errnum, const char *fmt, ...)
{
    if (!err || err->code != VNUMA_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    vn_error_setcv(err, code, VN_ERRC_SYSTEM, fmt, ap);
    va_end(ap);
    size_t n = strlen(err->msg);
    snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
    err->sys_errno = errnum;
}

void vn_error_qmp(vn_error *err, const char *qmp_class, const char *fmt, ...)
{
    if (!err || err->code != VNUMA_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    vn_error_setcv(err, VNUMA_ERR_SYSTEM, VN_ERRC_QMP, fmt, ap);
    va_end(ap);
    snprintf(err->qmp_class, sizeof(err->qmp_class), "%s", qmp_class ? qmp_class : "");
}

void vn_error_where(vn_error *err, const char *fmt, ...)
{
    if (!err || err->code == VNUMA_OK || err->where[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->where, sizeof(err->where), fmt, ap);
    va_end(ap);
}

const char *vn_error_text(const vn_error *err)
{
    return err->msg + (err->text_at < sizeof(err->msg) ? err->text_at : 0);
}

void vn_error_copy(vn_error *err, const vn_error *src)
{
    if (!err || err->code != VNUMA_OK || !src || src->code == VNUMA_OK)
        return;
    *err = *src;
}

void vn_warn(vn_warnings *w, const char *fmt, ...)
{
    va_list ap;
    char *s;
    if (!w)
        return;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    *(char **)VN_APPEND(w->items, w->n) = s;
}

void vn_warnings_clear(vn_warnings *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->items[i]);
    free(w->items);
    w->items = NULL;
    w->n = 0;
}
