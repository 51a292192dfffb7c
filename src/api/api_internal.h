/*
 * api_internal.h - what the files of the public API (api.c, api_plan.c, api_apply.c)
 * share: the opaque handles over the internal models, and the export of
 * errors and warnings.  For src/api only.
 */
#ifndef VN_API_INTERNAL_H
#define VN_API_INTERNAL_H

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "vnuma.h"

struct vnuma_error {
    vn_error e;                 /* code, class, errno, message as the library set them */
};
struct vnuma_domain {
    vn_domain *d;
};
struct vnuma_host {
    vn_host *h;
};
struct vnuma_config {
    vn_config c;
};

/* *out = a copy of e (when out is non-NULL and e is set). */
void vn_api_export_error(const vn_error *e, vnuma_error **out);
/* *out = w's warnings as a NULL-terminated array, NULL when none (when out
 * is non-NULL); w is cleared either way. */
void vn_api_export_warnings(vn_warnings *w, char ***out);

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
