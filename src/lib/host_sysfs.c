/* host_sysfs.c - placeholder while being written (replaced in this session) */
#include "host.h"
vn_host *vn_host_load_sysfs(const char *root, vn_error *err) { (void)root; vn_error_set(err, VNUMA_ERR_HOST, "not yet"); return NULL; }
