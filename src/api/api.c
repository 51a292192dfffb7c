/*
 * api.c - the public API (include/vnuma.h): errors, configuration,
 * domains (read, check, argv, expansion, partition) and hosts, as opaque
 * handles over the internal models.  The plan, advice and ledger parts
 * are in api_plan.c.  No logic of its own: each call is one internal
 * function, its error exported with code, class and message.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "base/enums.h"
#include "host/host_format.h"
#include "os/fileio.h"
#include "picture/svg.h"
#include "place/vnuma_expand.h"
#include "qemu/qemu.h"

_Static_assert(VNUMA_ERRC_NONE == (int)VN_ERRC_NONE && VNUMA_ERRC_XML == (int)VN_ERRC_XML &&
               VNUMA_ERRC_UNSUPPORTED == (int)VN_ERRC_UNSUPPORTED &&
               VNUMA_ERRC_INTERNAL == (int)VN_ERRC_INTERNAL &&
               VNUMA_ERRC_INVALID_ARG == (int)VN_ERRC_INVALID_ARG &&
               VNUMA_ERRC_OVERFLOW == (int)VN_ERRC_OVERFLOW &&
               VNUMA_ERRC_OPERATION_INVALID == (int)VN_ERRC_OPERATION_INVALID &&
               VNUMA_ERRC_OPERATION_FAILED == (int)VN_ERRC_OPERATION_FAILED &&
               VNUMA_ERRC_SYSTEM == (int)VN_ERRC_SYSTEM && VNUMA_ERRC_QMP == (int)VN_ERRC_QMP &&
               VN_ERRC_LAST == VN_ERRC_QMP + 1, "public error classes");
_Static_assert(VNUMA_PARSE_ABI_UPDATE == VN_PARSE_ABI_UPDATE, "parse flags");
_Static_assert(VNUMA_ARGV_ARGS == (int)VN_ARGV_ARGS && VNUMA_ARGV_SHELL == (int)VN_ARGV_SHELL &&
               VNUMA_ARGV_JSON == (int)VN_ARGV_JSON, "argv styles");
_Static_assert(VNUMA_MODE_HOST == (int)VN_VNUMA_MODE_HOST &&
               VNUMA_MODE_NODE == (int)VN_VNUMA_MODE_NODE &&
               VNUMA_DIST_CONTIGUOUS == (int)VN_VNUMA_DIST_CONTIGUOUS &&
               VNUMA_DIST_SIBLINGS == (int)VN_VNUMA_DIST_SIBLINGS &&
               VNUMA_DIST_ROUND_ROBIN == (int)VN_VNUMA_DIST_ROUND_ROBIN &&
               VNUMA_DIST_INTERLEAVE == (int)VN_VNUMA_DIST_INTERLEAVE, "vnuma modes");

/* ---- errors and warnings ---------------------------------------------- */

void vn_api_export_error(const vn_error *e, vnuma_error **out)
{
    if (!out || !e->code)
        return;
    vnuma_error_free(*out);
    *out = vn_calloc(1, sizeof(**out));
    (*out)->e = *e;
}

void vn_api_export_warnings(vn_warnings *w, char ***out)
{
    if (out) {
        *out = NULL;
        if (w->n) {
            *out = vn_calloc(w->n + 1, sizeof(char *));
            memcpy(*out, w->items, w->n * sizeof(char *));
            free(w->items);
            *w = (vn_warnings){0};
        }
    }
    vn_warnings_clear(w);
}

/* An error of the API itself (a NULL argument, a bad value). */
static void api_error(vnuma_error **out, int code, const char *msg)
{
    vn_error e = {0};
    vn_error_set(&e, code, "%s", msg);
    vn_api_export_error(&e, out);
}

VNUMA_API int vnuma_error_code(const vnuma_error *err)
{
    return err ? err->e.code : VNUMA_OK;
}

VNUMA_API int vnuma_error_class(const vnuma_error *err)
{
    return err ? (int)err->e.cls : VNUMA_ERRC_NONE;
}

VNUMA_API const char *vnuma_error_message(const vnuma_error *err)
{
    return err ? err->e.msg : "";
}

VNUMA_API const char *vnuma_error_text(const vnuma_error *err)
{
    return err ? vn_error_text(&err->e) : "";
}

VNUMA_API const char *vnuma_error_element(const vnuma_error *err)
{
    return err ? err->e.where : "";
}

VNUMA_API int vnuma_error_errno(const vnuma_error *err)
{
    return err ? err->e.sys_errno : 0;
}

VNUMA_API void vnuma_error_free(vnuma_error *err)
{
    free(err);
}

VNUMA_API void vnuma_strv_free(char **strv)
{
    for (size_t i = 0; strv && strv[i]; i++)
        free(strv[i]);
    free(strv);
}

/* ---- configuration ----------------------------------------------------- */

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
        api_error(err, VNUMA_ERR_INVALID, "hugetlbfs mount needs a path and a page size");
        return -1;
    }
    vn_config_add_mount(&cfg->c, path, page_size_kib);
    return 0;
}

VNUMA_API int vnuma_config_add_hugetlbfs_spec(vnuma_config *cfg, const char *spec,
                                              vnuma_error **err)
{
    vn_error e = {0};
    int rc = vn_config_add_mount_spec(&cfg->c, spec ? spec : "", &e);
    vn_api_export_error(&e, err);
    return rc < 0 ? -1 : 0;
}

VNUMA_API int vnuma_config_set_memory_backing_dir(vnuma_config *cfg, const char *dir,
                                                  vnuma_error **err)
{
    if (!dir || !*dir) {
        api_error(err, VNUMA_ERR_INVALID, "memory backing directory must not be empty");
        return -1;
    }
    vn_config_set_backing_dir(&cfg->c, dir, VN_CONFIG_FROM_BACKING_DIR_OPTION);
    return 0;
}

VNUMA_API int vnuma_config_discover(vnuma_config *cfg, const char *root, vnuma_error **err)
{
    vn_error e = {0};
    int rc = vn_config_discover(&cfg->c, root, &e);
    vn_api_export_error(&e, err);
    return rc;
}

VNUMA_API char *vnuma_config_describe(const vnuma_config *cfg)
{
    return vn_config_describe(&cfg->c);
}

VNUMA_API void vnuma_config_set_domain_id(vnuma_config *cfg, int id)
{
    cfg->c.domain_id = id;
}

/* ---- domains ----------------------------------------------------------- */

static vnuma_domain *wrap_domain(vn_domain *d)
{
    if (!d)
        return NULL;
    vnuma_domain *w = vn_calloc(1, sizeof(*w));
    w->d = d;
    return w;
}

/* Standard input, at most a little more than VN_XML_MAX_BYTES (the parser
 * refuses what is larger). */
static vn_domain *parse_stdin(unsigned flags, vn_error *e)
{
    VN_AUTOCLEAR(vn_buf) b = {0};
    int rerr = vn_fd_read_capped(vn_os_current(), 0, &b, VN_XML_MAX_BYTES);
    if (rerr) {
        vn_error_set(e, VNUMA_ERR_SYSTEM, "cannot read the domain from standard input: %s",
                     strerror(rerr));
        return NULL;
    }
    if (b.len > VN_XML_MAX_BYTES) {
        vn_error_set(e, VNUMA_ERR_INVALID, "standard input is larger than the limit of %u bytes",
                     VN_XML_MAX_BYTES);
        return NULL;
    }
    return vn_domain_parse(b.s ? b.s : "", b.len, flags, e);
}

VNUMA_API vnuma_domain *vnuma_domain_read(const char *path, unsigned flags, vnuma_error **err)
{
    vn_error e = {0};
    unsigned f = flags & VNUMA_PARSE_ABI_UPDATE ? VN_PARSE_ABI_UPDATE : 0;
    vn_domain *d = !path ? (vn_error_set(&e, VNUMA_ERR_INVALID, "no domain file"), NULL)
                   : !strcmp(path, "-") ? parse_stdin(f, &e)
                   : vn_domain_parse_file(path, f, &e);
    vn_api_export_error(&e, err);
    return wrap_domain(d);
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

static const vn_config *config_of(const vnuma_config *cfg, vn_config *defaults)
{
    if (cfg)
        return &cfg->c;
    vn_config_init(defaults);
    return defaults;
}

/* What check and argv share: expansion, then the command line. */
static int build(vnuma_domain *dom, const vnuma_host *host, const vnuma_config *cfg,
                 char ***warnings, vn_argv *av, vnuma_error **err)
{
    vn_error e = {0};
    VN_AUTOCLEAR(vn_warnings) w = {0};
    VN_AUTOCLEAR(vn_config) defaults = {0};
    const vn_config *c = config_of(cfg, &defaults);
    const vn_host *h = host ? host->h : NULL;
    int rc = vn_vnuma_expand_domain(&dom->d, h, c, &w, &e);
    if (rc == 0)
        rc = vn_qemu_build(dom->d, h, c, &w, av, &e);
    vn_api_export_error(&e, err);
    vn_api_export_warnings(&w, warnings);
    return rc;
}

VNUMA_API int vnuma_domain_validate(vnuma_domain *dom, const vnuma_host *host,
                                    const vnuma_config *cfg, char ***warnings,
                                    vnuma_error **err)
{
    vn_argv av = {0};
    int rc = build(dom, host, cfg, warnings, &av, err);
    vn_argv_clear(&av);
    return rc < 0 ? -1 : 0;
}

VNUMA_API char **vnuma_domain_argv(vnuma_domain *dom, const vnuma_host *host,
                                   const vnuma_config *cfg, char ***warnings,
                                   vnuma_error **err)
{
    vn_argv av = {0};
    if (build(dom, host, cfg, warnings, &av, err) < 0)
        return NULL;
    char **v = vn_calloc(av.n + 1, sizeof(char *));
    memcpy(v, av.v, av.n * sizeof(char *));
    free(av.v);
    return v;
}

VNUMA_API char *vnuma_argv_format(char *const *argv, vnuma_argv_style style)
{
    vn_argv av = {.v = (char **)argv};
    while (argv && argv[av.n])
        av.n++;
    return vn_argv_format(&av, (vn_argv_style)style);
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

VNUMA_API int vnuma_domain_has_vnuma(const vnuma_domain *dom)
{
    return dom->d->vnuma.present;
}

VNUMA_API int vnuma_domain_expand(vnuma_domain *dom, const vnuma_host *host,
                                  const vnuma_config *cfg, char ***warnings,
                                  vnuma_error **err)
{
    vn_error e = {0};
    VN_AUTOCLEAR(vn_warnings) w = {0};
    VN_AUTOCLEAR(vn_config) defaults = {0};
    int rc = vn_vnuma_expand_domain(&dom->d, host ? host->h : NULL, config_of(cfg, &defaults),
                                    &w, &e);
    vn_api_export_error(&e, err);
    vn_api_export_warnings(&w, warnings);
    return rc < 0 ? -1 : 0;
}

VNUMA_API int vnuma_mode_from_string(const char *name)
{
    return name ? vn_vnuma_mode_from_string(name) : -1;
}

VNUMA_API int vnuma_distribution_from_string(const char *name)
{
    return name ? vn_vnuma_dist_from_string(name) : -1;
}

VNUMA_API int vnuma_nodeset_valid(const char *set)
{
    vn_error e = {0};
    VN_AUTOPTR(vn_bitmap) b = set ? vn_bitmap_parse(set, VN_CPUMASK_LEN, &e) : NULL;
    return b && !vn_bitmap_is_empty(b);
}

VNUMA_API char *vnuma_domain_partition(vnuma_domain *dom, int mode, int distribution,
                                       const char *nodeset, unsigned cells,
                                       const vnuma_host *host, const vnuma_config *cfg,
                                       int expand, char ***warnings, vnuma_error **err)
{
    vn_error e = {0};
    VN_AUTOCLEAR(vn_warnings) w = {0};
    VN_AUTOCLEAR(vn_config) defaults = {0};
    VN_AUTOPTR(vn_bitmap) ns = NULL;
    char *s = NULL;
    if (mode < 0 || mode >= VN_VNUMA_MODE_LAST || distribution < 0 ||
        distribution >= VN_VNUMA_DIST_LAST)
        vn_error_set(&e, VNUMA_ERR_INVALID, "unknown <vnuma> mode or distribution");
    else if (!nodeset || (ns = vn_bitmap_parse(nodeset, VN_CPUMASK_LEN, &e)))
        s = vn_vnuma_partition_text(dom->d, (vn_vnuma_mode)mode, (vn_vnuma_dist)distribution,
                                    ns, cells, host ? host->h : NULL,
                                    config_of(cfg, &defaults), expand, &w, &e);
    vn_api_export_error(&e, err);
    vn_api_export_warnings(&w, warnings);
    return s;
}

/* ---- hosts ------------------------------------------------------------- */

VNUMA_API vnuma_host *vnuma_host_load(const char *source, vnuma_error **err)
{
    return vnuma_host_load_ex(source, 0, NULL, err);
}

VNUMA_API vnuma_host *vnuma_host_load_ex(const char *source, unsigned flags,
                                         const char *cpuset_root, vnuma_error **err)
{
    vn_error e = {0};
    vn_host_load_opts o = {.whole_system = (flags & VNUMA_HOST_WHOLE_SYSTEM) != 0,
                           .cpuset_root = cpuset_root};
    vn_host *h = vn_host_load_with(source, &o, &e);
    if (!h && !e.code)
        vn_error_set(&e, VNUMA_ERR_HOST, "no host");
    vn_api_export_error(&e, err);
    if (!h)
        return NULL;
    vnuma_host *w = vn_calloc(1, sizeof(*w));
    w->h = h;
    return w;
}

VNUMA_API int vnuma_host_source_is_none(const char *source)
{
    return vn_host_source_is_none(source);
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

VNUMA_API char *vnuma_host_fingerprint(const vnuma_host *host)
{
    return vn_host_fingerprint(host->h);
}

VNUMA_API char *vnuma_host_format(const vnuma_host *host, vnuma_host_style style)
{
    switch (style) {
    case VNUMA_HOST_CAPS:
        return vn_host_format_caps(host->h);
    case VNUMA_HOST_JSON:
        return vn_host_format_json(host->h);
    case VNUMA_HOST_SVG:
        return vn_svg_host(host->h, NULL);
    case VNUMA_HOST_TEXT:
    default:
        return vn_host_format_text(host->h);
    }
}
