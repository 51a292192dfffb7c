/*
 * api.c - the public API (include/vnuma.h): opaque handles over the
 * internal models, and vn_error -> vnuma_error conversion.  No logic of
 * its own beyond choosing a host loader from a source string.
 */
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "vnuma.h"
#include "api/api_internal.h"

struct vnuma_error {
    int code;
    char *msg;
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

void vn_api_export_error(const vn_error *e, vnuma_error **out)
{
    if (!out || !e->code)
        return;
    vnuma_error_free(*out);
    *out = vn_calloc(1, sizeof(**out));
    (*out)->code = e->code;
    (*out)->msg = vn_strdup(e->msg);
}

VNUMA_API int vnuma_error_code(const vnuma_error *err)
{
    return err ? err->code : VNUMA_OK;
}

VNUMA_API const char *vnuma_error_message(const vnuma_error *err)
{
    return err ? err->msg : "";
}

VNUMA_API void vnuma_error_free(vnuma_error *err)
{
    if (!err)
        return;
    free(err->msg);
    free(err);
}

static vnuma_domain *wrap_domain(vn_domain *d)
{
    if (!d)
        return NULL;
    vnuma_domain *w = vn_calloc(1, sizeof(*w));
    w->d = d;
    return w;
}

VNUMA_API vnuma_domain *vnuma_domain_parse_file(const char *path, vnuma_error **err)
{
    vn_error e = {0};
    vn_domain *d = vn_domain_parse_file(path, VN_PARSE_ABI_UPDATE, &e);
    vn_api_export_error(&e, err);
    return wrap_domain(d);
}

VNUMA_API vnuma_domain *vnuma_domain_parse_memory(const char *xml, size_t len, vnuma_error **err)
{
    vn_error e = {0};
    vn_domain *d = vn_domain_parse(xml, len, VN_PARSE_ABI_UPDATE, &e);
    vn_api_export_error(&e, err);
    return wrap_domain(d);
}

VNUMA_API void vnuma_domain_free(vnuma_domain *dom)
{
    if (!dom)
        return;
    vn_domain_free(dom->d);
    free(dom);
}

static char **export_warnings(vn_warnings *w)
{
    char **v = vn_calloc(w->n + 1, sizeof(char *));
    for (size_t i = 0; i < w->n; i++)
        v[i] = w->items[i];
    free(w->items);
    w->items = NULL;
    w->n = 0;
    return v;
}

VNUMA_API int vnuma_domain_validate(vnuma_domain *dom, const vnuma_host *host,
                                    const vnuma_config *cfg, char ***warnings,
                                    vnuma_error **err)
{
    vn_error e = {0};
    vn_warnings w = {0};
    vn_config defaults;
    vn_config_init(&defaults);
    int rc = vn_domain_validate_start(dom->d, host ? host->h : NULL,
                                      cfg ? &cfg->c : &defaults, &w, &e);
    vn_config_clear(&defaults);
    vn_api_export_error(&e, err);
    if (warnings)
        *warnings = export_warnings(&w);
    vn_warnings_clear(&w);
    return rc;
}

VNUMA_API char *vnuma_domain_format(const vnuma_domain *dom, vnuma_error **err)
{
    vn_error e = {0};
    char *s = vn_domain_format(dom->d, &e);
    vn_api_export_error(&e, err);
    return s;
}

VNUMA_API const char *vnuma_domain_name(const vnuma_domain *dom)
{
    return dom->d->name;
}

VNUMA_API size_t vnuma_domain_cell_count(const vnuma_domain *dom)
{
    return dom->d->ncells;
}

VNUMA_API uint64_t vnuma_domain_memory_kib(const vnuma_domain *dom)
{
    return dom->d->total_memory_kib;
}

VNUMA_API vnuma_host *vnuma_host_load(const char *source, vnuma_error **err)
{
    vn_error e = {0};
    vn_host *h = vn_host_load(source, &e);
    if (!h && !e.code)
        vn_error_set(&e, VNUMA_ERR_HOST, "no host");
    vn_api_export_error(&e, err);
    if (!h)
        return NULL;
    vnuma_host *w = vn_calloc(1, sizeof(*w));
    w->h = h;
    return w;
}

VNUMA_API void vnuma_host_free(vnuma_host *host)
{
    if (!host)
        return;
    vn_host_free(host->h);
    free(host);
}

VNUMA_API size_t vnuma_host_node_count(const vnuma_host *host)
{
    return host ? host->h->nnodes : 0;
}

VNUMA_API vnuma_config *vnuma_config_new(void)
{
    vnuma_config *c = vn_calloc(1, sizeof(*c));
    vn_config_init(&c->c);
    return c;
}

VNUMA_API void vnuma_config_free(vnuma_config *cfg)
{
    if (!cfg)
        return;
    vn_config_clear(&cfg->c);
    free(cfg);
}

VNUMA_API int vnuma_config_add_hugetlbfs(vnuma_config *cfg, const char *path,
                                         uint64_t page_size_kib, vnuma_error **err)
{
    if (!path || !*path || !page_size_kib) {
        vn_error e = {0};
        vn_error_set(&e, VNUMA_ERR_INVALID, "hugetlbfs mount needs a path and a page size");
        vn_api_export_error(&e, err);
        return -1;
    }
    vn_config_add_mount(&cfg->c, path, page_size_kib);
    return 0;
}

VNUMA_API int vnuma_config_set_memory_backing_dir(vnuma_config *cfg, const char *dir,
                                                  vnuma_error **err)
{
    if (!dir || !*dir) {
        vn_error e = {0};
        vn_error_set(&e, VNUMA_ERR_INVALID, "memory backing directory must not be empty");
        vn_api_export_error(&e, err);
        return -1;
    }
    free(cfg->c.memory_backing_dir);
    cfg->c.memory_backing_dir = vn_strdup(dir);
    return 0;
}

VNUMA_API void vnuma_config_set_domain_id(vnuma_config *cfg, int id)
{
    cfg->c.domain_id = id;
}

VNUMA_API void vnuma_strv_free(char **strv)
{
    for (size_t i = 0; strv && strv[i]; i++)
        free(strv[i]);
    free(strv);
}
