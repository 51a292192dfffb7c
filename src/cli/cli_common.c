/*
 * cli_common.c - what the subcommands of the `vnuma` command share: usage
 * errors, error and warning lines, the host and domain loaders and the
 * expansion of a <vnuma> domain.  See cli_common.h.
 */
#include "cli_common.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/fileio.h"
#include "place/vnuma_expand.h"

int vn_cli_usage_error(const char *cmd, const char *msg)
{
    fprintf(stderr, "vnuma%s%s: %s\nTry 'vnuma%s%s --help'.\n", cmd ? " " : "",
            cmd ? cmd : "", msg, cmd ? " " : "", cmd ? cmd : "");
    return VN_EXIT_USAGE;
}

int vn_cli_exit_for(const vn_error *e)
{
    return (e->code == VNUMA_ERR_HOST || e->code == VNUMA_ERR_SYSTEM) ? VN_EXIT_HOST
                                                                       : VN_EXIT_INVALID;
}

int vn_cli_report(const vn_error *e)
{
    fprintf(stderr, "error: %s\n", e->msg);
    return vn_cli_exit_for(e);
}

int vn_cli_report_lines(const vn_error *e)
{
    const char *s = e->msg;
    for (;;) {
        const char *nl = strchr(s, '\n');
        fprintf(stderr, "error: %.*s\n", nl ? (int)(nl - s) : (int)strlen(s), s);
        if (!nl)
            break;
        s = nl + 1;
    }
    return vn_cli_exit_for(e);
}

void vn_cli_print_warnings(vn_warnings *w)
{
    for (size_t i = 0; i < w->n; i++)
        fprintf(stderr, "warning: %s\n", w->items[i]);
    vn_warnings_clear(w);
}

vn_host *vn_cli_load_host(const char *src, bool required, vn_error *e)
{
    if (vn_host_source_is_none(src)) {
        if (required)
            vn_error_set(e, VNUMA_ERR_HOST, "no host");
        return NULL;
    }
    return vn_host_load(src, e);
}

vn_domain *vn_cli_load_domain(const char *path, unsigned flags, vn_error *e)
{
    if (!strcmp(path, "-")) {
        vn_buf b = {0};
        int rerr = vn_fd_read_capped(vn_os_current(), 0, &b, VN_XML_MAX_BYTES);
        if (rerr || b.len > VN_XML_MAX_BYTES) {
            if (rerr)
                vn_error_set(e, VNUMA_ERR_SYSTEM, "cannot read the domain from standard "
                             "input: %s", strerror(rerr));
            else
                vn_error_set(e, VNUMA_ERR_INVALID, "standard input is larger than the limit "
                             "of %u bytes", VN_XML_MAX_BYTES);
            vn_buf_free(&b);
            return NULL;
        }
        vn_domain *d = vn_domain_parse(b.s ? b.s : "", b.len, flags, e);
        vn_buf_free(&b);
        return d;
    }
    return vn_domain_parse_file(path, flags, e);
}

vn_domain *vn_cli_expand_domain(vn_domain *d, const vn_host *host, const vn_config *cfg,
                                vn_warnings *w, vn_error *e)
{
    if (!d || !d->vnuma.present)
        return d;
    unsigned flags = d->parse_flags;
    uint64_t page = vn_config_default_page_kib(cfg);
    char *s = NULL;
    if (vn_vnuma_expand(d, host, page, w, e) == 0)
        s = vn_domain_format(d, e);
    vn_domain_free(d);
    if (!s)
        return NULL;
    vn_domain *x = vn_domain_parse(s, strlen(s), flags, e);
    free(s);
    return x;
}
