/*
 * api_internal.h - what the public API's files (api.c, api_apply.c) share.
 */
#ifndef VN_API_INTERNAL_H
#define VN_API_INTERNAL_H

#include "base/error.h"
#include "vnuma.h"

/* e into *out (when e is set and out is not NULL), replacing what was there. */
void vn_api_export_error(const vn_error *e, vnuma_error **out);

#endif
