/*
 * error.h - errors and warnings, shared by every part of libvnuma.
 *
 * Every fallible function takes a `vn_error *` and fills it with a code
 * (the public VNUMA_ERR_* values: what kind of failure, which the command
 * maps to its exit status), a class (which of libvirt's error classes, or
 * a system call, or a QMP reply; the class gives the prefix virsh prints,
 * "XML error: ", "unsupported configuration: ", ...) and a message.  The
 * first error wins: later ones are ignored, so a caller deep in a parser
 * reports the most precise message and the callers above just propagate.
 *
 * The class travels as a field, never as text: vn_error_setc writes the
 * prefix in front of the message once, and vn_error_text gives the message
 * without it (for embedding it in another).  System-call failures keep
 * their errno (vn_error_sys appends ": strerror(errno)"), QMP failures
 * QEMU's own error class.
 */
#ifndef VN_ERROR_H
#define VN_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "vnuma.h"
#include "base/cleanup.h"

#define VN_PRINTF(a, b) __attribute__((format(printf, a, b)))

typedef enum vn_error_class {
    VN_ERRC_NONE,                /* vnuma's own messages: no prefix */
    VN_ERRC_XML,                 /* VIR_ERR_XML_ERROR: "XML error: " */
    VN_ERRC_UNSUPPORTED,         /* VIR_ERR_CONFIG_UNSUPPORTED: "unsupported configuration: " */
    VN_ERRC_INTERNAL,            /* VIR_ERR_INTERNAL_ERROR: "internal error: " */
    VN_ERRC_INVALID_ARG,         /* VIR_ERR_INVALID_ARG: "invalid argument: " */
    VN_ERRC_OVERFLOW,            /* VIR_ERR_OVERFLOW: "numerical overflow: " */
    VN_ERRC_OPERATION_INVALID,   /* VIR_ERR_OPERATION_INVALID: "Requested operation is not valid: " */
    VN_ERRC_OPERATION_FAILED,    /* VIR_ERR_OPERATION_FAILED: "operation failed: " */
    VN_ERRC_SYSTEM,              /* a system call failed: sys_errno says why */
    VN_ERRC_QMP,                 /* QEMU refused a QMP command: qmp_class says how */
    VN_ERRC_LAST
} vn_error_class;

typedef struct vn_error {
    int code;                    /* VNUMA_OK or a VNUMA_ERR_* value */
    vn_error_class cls;
    int sys_errno;               /* VN_ERRC_SYSTEM: the errno; else 0 */
    char qmp_class[48];          /* VN_ERRC_QMP: QEMU's class ("GenericError") */
    unsigned short text_at;      /* where the text starts in msg, after the prefix */
    char msg[1024];              /* prefix + text, as virsh prints it */
    char where[256];             /* the element or option the error comes from, when
                                    the message (libvirt's own, kept as it is) does
                                    not say: "<numatune><memnode cellid='0'
                                    nodeset='9'>"; "" when it does or none is known */
} vn_error;

/* The prefix virsh prints for a class ("" for none, system and QMP). */
const char *vn_error_class_prefix(vn_error_class cls);

void vn_error_setc(vn_error *err, int code, vn_error_class cls, const char *fmt, ...)
    VN_PRINTF(4, 5);
void vn_error_setcv(vn_error *err, int code, vn_error_class cls, const char *fmt, va_list ap)
    VN_PRINTF(4, 0);
/* Without a class (vnuma's own messages). */
void vn_error_set(vn_error *err, int code, const char *fmt, ...) VN_PRINTF(3, 4);
void vn_error_setv(vn_error *err, int code, const char *fmt, va_list ap) VN_PRINTF(3, 0);
/* A failed system call: "TEXT: strerror(errnum)", class VN_ERRC_SYSTEM. */
void vn_error_sys(vn_error *err, int code, int errnum, const char *fmt, ...) VN_PRINTF(4, 5);
/* QEMU's error reply: "TEXT: QMPCLASS: DESC"-style text built by the
 * caller; qmp_class is kept apart for matching. */
void vn_error_qmp(vn_error *err, const char *qmp_class, const char *fmt, ...) VN_PRINTF(3, 4);
/* Name the element (or option) a set error comes from, unless one is
 * named already: the command prints it after the message, "MSG (in
 * WHERE)", and JSON errors carry it apart; the message stays as it is. */
void vn_error_where(vn_error *err, const char *fmt, ...) VN_PRINTF(2, 3);
/* The message without its class prefix. */
const char *vn_error_text(const vn_error *err);
/* Copy src into err (first error wins), prefix and all. */
void vn_error_copy(vn_error *err, const vn_error *src);

static inline bool vn_error_isset(const vn_error *err) { return err && err->code != VNUMA_OK; }

/* Warnings: non-fatal findings (capacity shortfalls, fallbacks). */
typedef struct vn_warnings {
    char **items;
    size_t n;
} vn_warnings;

void vn_warn(vn_warnings *w, const char *fmt, ...) VN_PRINTF(2, 3);
void vn_warnings_clear(vn_warnings *w);
VN_DEFINE_AUTOCLEAR(vn_warnings, vn_warnings_clear)

#endif
