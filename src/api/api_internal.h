/*
 * api_internal.h - what the public API's files (api.c, api_apply.c) share.
 */
#ifndef VN_API_INTERNAL_H
#define VN_API_INTERNAL_H

#include "base/error.h"
#include "vnuma.h"

/* e into *out (when e is set and out is not NULL), replacing what was there. */
void vn_api_export_error(const vn_error *e, vnuma_error **out);

/* One call of an apply or live operation (api_apply.c): the options' copy
 * with a warnings list of its own, which end sends to the log callback. */
#include "apply/apply.h"
typedef struct vn_api_call {
    vn_apply_opts o;
    vn_warnings w;
    const vnuma_apply_opts *from;
} vn_api_call;
void vn_api_call_begin(vn_api_call *c, const vnuma_apply_opts *o);
void vn_api_call_end(vn_api_call *c);

#endif
