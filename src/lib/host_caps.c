/* host_caps.c - placeholder while being written (replaced in this session) */
#include "host.h"
vn_host *vn_host_load_caps_file(const char *path, vn_error *err) { (void)path; vn_error_set(err, VNUMA_ERR_HOST, "not yet"); return NULL; }
vn_host *vn_host_load_caps_memory(const char *xml, size_t len, vn_error *err) { (void)xml; (void)len; vn_error_set(err, VNUMA_ERR_HOST, "not yet"); return NULL; }
