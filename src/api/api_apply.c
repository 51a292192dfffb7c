/*
 * api_apply.c - the public apply API (include/vnuma.h): vnuma_apply_opts
 * owns copies of its strings and fills a vn_apply_opts; each operation
 * calls src/apply and converts its error.  Warnings go to the log
 * callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "vnuma.h"
#include "api/api_internal.h"

enum { S_STATE, S_CGROUP, S_HOST, S_NAME, S_LOG, S_QEMU, S_LAST };

struct vnuma_apply_opts {
    vn_apply_opts o;
    char *s[S_LAST];
    vnuma_log_fn log;
    void *opaque;
};


VNUMA_API vnuma_apply_opts *vnuma_apply_opts_new(void)
{
    vnuma_apply_opts *o = vn_calloc(1, sizeof(*o));
    vn_apply_opts_init(&o->o);
    return o;
}

VNUMA_API void vnuma_apply_opts_free(vnuma_apply_opts *o)
{
    if (!o)
        return;
    for (int i = 0; i < S_LAST; i++)
        free(o->s[i]);
    vn_apply_opts_clear(&o->o);
    free(o);
}

static void set_str(vnuma_apply_opts *o, int which, const char *v, const char **field)
{
    free(o->s[which]);
    o->s[which] = v ? vn_strdup(v) : NULL;
    *field = o->s[which];
}

VNUMA_API void vnuma_apply_opts_set_state_dir(vnuma_apply_opts *o, const char *d)
{
    set_str(o, S_STATE, d, &o->o.state_dir);
}
VNUMA_API void vnuma_apply_opts_set_cgroup_parent(vnuma_apply_opts *o, const char *d)
{
    set_str(o, S_CGROUP, d, &o->o.cgroup_parent);
}
VNUMA_API void vnuma_apply_opts_set_host(vnuma_apply_opts *o, const char *s)
{
    set_str(o, S_HOST, s, &o->o.host_source);
}
VNUMA_API void vnuma_apply_opts_set_name(vnuma_apply_opts *o, const char *n)
{
    set_str(o, S_NAME, n, &o->o.name);
}
VNUMA_API void vnuma_apply_opts_set_log_dir(vnuma_apply_opts *o, const char *d)
{
    set_str(o, S_LOG, d, &o->o.log_dir);
}
VNUMA_API void vnuma_apply_opts_set_qemu(vnuma_apply_opts *o, const char *p)
{
    set_str(o, S_QEMU, p, &o->o.qemu);
}
VNUMA_API void vnuma_apply_opts_set_domain_id(vnuma_apply_opts *o, int id)
{
    o->o.cfg.domain_id = id;
    o->o.domain_id_given = true;
}
VNUMA_API int vnuma_apply_opts_add_hugetlbfs(vnuma_apply_opts *o, const char *path,
                                             uint64_t page_size_kib, vnuma_error **err)
{
    if (!path || !*path || !page_size_kib) {
        vn_error e = {0};
        vn_error_set(&e, VNUMA_ERR_INVALID, "a hugetlbfs mount needs a path and a page size");
        vn_api_export_error(&e, err);
        return -1;
    }
    vn_config_add_mount(&o->o.cfg, path, page_size_kib);
    return 0;
}
VNUMA_API void vnuma_apply_opts_set_memory_backing_dir(vnuma_apply_opts *o, const char *d)
{
    free(o->o.cfg.memory_backing_dir);
    o->o.cfg.memory_backing_dir = vn_strdup(d ? d : "/var/lib/libvirt/qemu/ram");
}
VNUMA_API void vnuma_apply_opts_set_foreground(vnuma_apply_opts *o, int on)
{
    o->o.foreground = on != 0;
}
VNUMA_API void vnuma_apply_opts_set_qmp_timeout(vnuma_apply_opts *o, int s)
{
    o->o.qmp_timeout_ms = s > 0 ? s * 1000 : 0;
}
VNUMA_API void vnuma_apply_opts_set_stop_timeout(vnuma_apply_opts *o, int s)
{
    o->o.stop_timeout_ms = s > 0 ? s * 1000 : 0;
}
VNUMA_API void vnuma_apply_opts_set_log(vnuma_apply_opts *o, vnuma_log_fn fn, void *opaque)
{
    o->log = fn;
    o->opaque = opaque;
    o->o.verbose = fn;
    o->o.verbose_opaque = opaque;
}

/* The options to use for one call, with a warnings list of its own. */
typedef struct call {
    vn_apply_opts o;
    vn_warnings w;
    const vnuma_apply_opts *from;
} call;

static void call_begin(call *c, const vnuma_apply_opts *o)
{
    static vnuma_apply_opts *defaults;
    if (!o) {
        if (!defaults)
            defaults = vnuma_apply_opts_new();
        o = defaults;
    }
    c->from = o;
    c->o = o->o;
    c->w = (vn_warnings){0};
    c->o.warnings = &c->w;
}

static void call_end(call *c)
{
    for (size_t i = 0; i < c->w.n; i++)
        if (c->from->log) {
            char line[1100];
            snprintf(line, sizeof(line), "warning: %s", c->w.items[i]);
            c->from->log(c->from->opaque, line);
        }
    vn_warnings_clear(&c->w);
}

VNUMA_API int vnuma_run_exec(const char *xml, char *const cmd[], const vnuma_apply_opts *o,
                             vnuma_error **err)
{
    call c;
    vn_error e = {0};
    call_begin(&c, o);
    int rc = vn_apply_run_exec(xml, cmd, &c.o, &e);
    call_end(&c);
    vn_api_export_error(&e, err);
    return rc;
}

VNUMA_API int vnuma_launch(const char *xml, char *const extra[], size_t nextra,
                           const vnuma_apply_opts *o, int *pid, vnuma_error **err)
{
    call c;
    vn_error e = {0};
    pid_t p = 0;
    int status = 0;
    call_begin(&c, o);
    int rc = vn_apply_launch(xml, extra, nextra, &c.o, &p, &status, &e);
    call_end(&c);
    vn_api_export_error(&e, err);
    if (pid)
        *pid = c.o.foreground ? status : (int)p;
    return rc;
}

VNUMA_API int vnuma_stop(const char *name, const vnuma_apply_opts *o, vnuma_error **err)
{
    call c;
    vn_error e = {0};
    call_begin(&c, o);
    int rc = vn_apply_stop(name, &c.o, &e);
    call_end(&c);
    vn_api_export_error(&e, err);
    return rc;
}

VNUMA_API char *vnuma_list(const vnuma_apply_opts *o, int json, vnuma_error **err)
{
    call c;
    vn_error e = {0};
    vn_apply_list l = {0};
    call_begin(&c, o);
    char *s = vn_apply_list_entries(&c.o, &l, &e) == 0 ? vn_apply_list_format(&l, json) : NULL;
    vn_apply_list_clear(&l);
    call_end(&c);
    vn_api_export_error(&e, err);
    return s;
}

VNUMA_API int vnuma_numatune(const char *name, const char *nodeset, const vnuma_apply_opts *o,
                             vnuma_error **err)
{
    call c;
    vn_error e = {0};
    call_begin(&c, o);
    int rc = vn_apply_numatune(name, nodeset, &c.o, &e);
    call_end(&c);
    vn_api_export_error(&e, err);
    return rc;
}

VNUMA_API char *vnuma_status(const char *name, int json, const vnuma_apply_opts *o,
                             int *differs, vnuma_error **err)
{
    call c;
    vn_error e = {0};
    bool d = false;
    call_begin(&c, o);
    char *s = vn_apply_status(name, json != 0, &c.o, &d, &e);
    call_end(&c);
    vn_api_export_error(&e, err);
    if (differs)
        *differs = d;
    return s;
}
