/*
 * api_live.c - the public live API (include/vnuma.h): vnuma_attach_memory,
 * vnuma_detach_memory, vnuma_set_memory and vnuma_setvcpus over src/live,
 * with the apply options (api_apply.c) and their log callback.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "live/live.h"
#include "vnuma.h"

static int finish(vn_api_call *c, int rc, vn_live_result *r, char **alias, char **message,
                  const vn_error *e, vnuma_error **err)
{
    vn_api_call_end(c);
    vn_api_export_error(e, err);
    if (alias)
        *alias = rc == 0 && r->alias ? vn_strdup(r->alias) : NULL;
    if (message)
        *message = rc == 0 && r->message ? vn_strdup(r->message) : NULL;
    int out = rc < 0 ? -1 : r->outcome == VN_LIVE_SENT ? 1 : 0;
    vn_live_result_clear(r);
    return out;
}

static vn_live_opts live_opts(const char *ledger, int wait_seconds)
{
    return (vn_live_opts){.ledger = ledger, .wait_ms = wait_seconds > 0 ? wait_seconds * 1000 : 0};
}

VNUMA_API int vnuma_attach_memory(const char *name, const char *device_xml, size_t len,
                                  const char *ledger, const vnuma_apply_opts *o, char **alias,
                                  char **message, vnuma_error **err)
{
    vn_api_call c;
    vn_error e = {0};
    vn_live_result r = {0};
    vn_live_opts lo = live_opts(ledger, 0);
    vn_api_call_begin(&c, o);
    int rc = vn_live_attach(name, device_xml, len, &c.o, &lo, &r, &e);
    return finish(&c, rc, &r, alias, message, &e, err);
}

VNUMA_API int vnuma_detach_memory(const char *name, const char *alias, int wait_seconds,
                                  const char *ledger, const vnuma_apply_opts *o,
                                  char **message, vnuma_error **err)
{
    vn_api_call c;
    vn_error e = {0};
    vn_live_result r = {0};
    vn_live_opts lo = live_opts(ledger, wait_seconds);
    vn_api_call_begin(&c, o);
    int rc = vn_live_detach(name, alias, &c.o, &lo, &r, &e);
    return finish(&c, rc, &r, NULL, message, &e, err);
}

VNUMA_API int vnuma_set_memory(const char *name, const char *alias, uint64_t requested_kib,
                               int wait_seconds, const vnuma_apply_opts *o, char **message,
                               vnuma_error **err)
{
    vn_api_call c;
    vn_error e = {0};
    vn_live_result r = {0};
    vn_live_opts lo = live_opts(NULL, wait_seconds);
    vn_api_call_begin(&c, o);
    int rc = vn_live_set_memory(name, alias, requested_kib, &c.o, &lo, &r, &e);
    return finish(&c, rc, &r, NULL, message, &e, err);
}

VNUMA_API int vnuma_setvcpus(const char *name, unsigned count, int wait_seconds,
                             const vnuma_apply_opts *o, char **message, vnuma_error **err)
{
    vn_api_call c;
    vn_error e = {0};
    vn_live_result r = {0};
    vn_live_opts lo = live_opts(NULL, wait_seconds);
    vn_api_call_begin(&c, o);
    int rc = vn_live_setvcpus(name, count, &c.o, &lo, &r, &e);
    return finish(&c, rc, &r, NULL, message, &e, err);
}
