/* qemu_argv.c - placeholder while being written (replaced in this session) */
#include <stdlib.h>
#include "qemu.h"
void vn_argv_add(vn_argv *a, const char *s) { *(char **)VN_APPEND(a->v, a->n) = vn_strdup(s); }
void vn_argv_clear(vn_argv *a) { for (size_t i = 0; i < a->n; i++) free(a->v[i]); free(a->v); a->v = NULL; a->n = 0; }
char *vn_argv_format(const vn_argv *a, vn_argv_style style) { (void)a; (void)style; return vn_strdup(""); }
int vn_qemu_build(vn_domain *dom, const vn_host *host, const vn_config *cfg, vn_warnings *w, vn_argv *out, vn_error *err)
{ (void)out; return vn_domain_validate_start(dom, host, cfg, w, err); }
