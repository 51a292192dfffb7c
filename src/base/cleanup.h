/*
 * cleanup.h - typed cleanups: owned values released at scope exit, so
 * error paths are plain returns, never gotos (in the spirit of systemd's
 * _cleanup_ and GLib's g_autoptr).
 *
 *     VN_AUTOFREE char *s = vn_strdup(x);            free()
 *     VN_AUTOPTR(vn_bitmap) b = vn_bitmap_new();     vn_bitmap_free()
 *     VN_AUTOCLEAR(vn_buf) buf = {0};                vn_buf_free(&buf)
 *     VN_AUTOFD int fd = os->open(...);              os->close() (os/os.h)
 *     return VN_STEAL(b);                            keep it: hand it out
 *
 * A type gets its cleanup where it is declared, with one line:
 *     VN_DEFINE_AUTOPTR(vn_bitmap, vn_bitmap_free)   for T * freed by f(T *)
 *     VN_DEFINE_AUTOCLEAR(vn_buf, vn_buf_free)       for a T cleared by f(T *)
 * The free function must accept NULL (AUTOPTR skips NULL anyway).
 */
#ifndef VN_CLEANUP_H
#define VN_CLEANUP_H

#include <stdlib.h>

void vn_freep(void *pp);
#define VN_AUTOFREE __attribute__((cleanup(vn_freep)))

#define VN_DEFINE_AUTOPTR(T, fn) \
    static inline void T##_autoptr_cleanup(T **p) \
    { \
        if (*p) \
            fn(*p); \
        *p = NULL; \
    }
#define VN_AUTOPTR(T) __attribute__((cleanup(T##_autoptr_cleanup))) T *

#define VN_DEFINE_AUTOCLEAR(T, fn) \
    static inline void T##_autoclear_cleanup(T *p) { fn(p); }
#define VN_AUTOCLEAR(T) __attribute__((cleanup(T##_autoclear_cleanup))) T

/* Take the value out of an owning variable, leaving NULL behind. */
#define VN_STEAL(p) __extension__({ __typeof__(p) vn_steal_tmp_ = (p); (p) = NULL; vn_steal_tmp_; })

#endif
