/*
 * vnuma_domain.c - <vnuma> on whole domains (vnuma_expand.h): a domain
 * expanded and parsed again, so that what `check`, `argv`, `plan` and
 * `xml --expand` work on is exactly the plain libvirt domain the expanded
 * XML says (libvirt's post-parse defaults and define-time rules applied to
 * it); and `vnuma partition`'s result, checked by expanding it.
 */
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "place/vnuma_expand.h"

static uint64_t default_page(const vn_config *cfg)
{
    return vn_config_default_page_kib(cfg);
}

int vn_vnuma_expand_domain(vn_domain **dom, const vn_host *host, const vn_config *cfg,
                           vn_warnings *w, vn_error *e)
{
    vn_domain *d = *dom;
    if (!d || !d->vnuma.present)
        return 0;
    if (vn_vnuma_expand(d, host, default_page(cfg), w, e) < 0)
        return -1;
    VN_AUTOFREE char *s = vn_domain_format(d, e);
    vn_domain *x = s ? vn_domain_parse(s, strlen(s), d->parse_flags, e) : NULL;
    if (!x)
        return -1;
    vn_domain_free(d);
    *dom = x;
    return 0;
}

char *vn_vnuma_partition_text(vn_domain *d, vn_vnuma_mode mode, vn_vnuma_dist dist,
                              const vn_bitmap *nodeset, unsigned cells, const vn_host *host,
                              const vn_config *cfg, bool expand, vn_warnings *w, vn_error *e)
{
    if (vn_vnuma_partition(d, mode, dist, nodeset, cells, e) < 0)
        return NULL;
    /* format, parse again (libvirt's define rules on the result) and, with
     * a host, expand the copy */
    char *s = vn_domain_format(d, e);
    VN_AUTOPTR(vn_domain) x = s ? vn_domain_parse(s, strlen(s), VN_PARSE_ABI_UPDATE, e) : NULL;
    if (x && (host || expand) && vn_vnuma_expand(x, host, default_page(cfg), w, e) < 0) {
        vn_domain_free(x);
        x = NULL;
    }
    if (x && expand) {
        free(s);
        s = vn_domain_format(x, e);
    }
    if (!x) {
        free(s);
        s = NULL;
    }
    return s;
}
