/* domain_parse.c - placeholder while being written (replaced in this session) */
#include "domain.h"
vn_domain *vn_domain_parse(const char *xml, size_t len, vn_error *err)
{ (void)xml; (void)len; vn_error_set(err, VNUMA_ERR_INVALID, "parser not written yet"); return NULL; }
vn_domain *vn_domain_parse_file(const char *path, vn_error *err)
{ (void)path; vn_error_set(err, VNUMA_ERR_INVALID, "parser not written yet"); return NULL; }
