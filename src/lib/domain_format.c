/* domain_format.c - placeholder while being written (replaced in this session) */
#include "domain.h"
char *vn_domain_format(const vn_domain *dom, vn_error *err)
{ (void)dom; vn_error_set(err, VNUMA_ERR_INVALID, "formatter not written yet"); return NULL; }
