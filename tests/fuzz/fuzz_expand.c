/*
 * fuzz_expand.c - libFuzzer harness for the <vnuma> expansion
 * (src/place/vnuma_expand.c): the input is a domain; a first line
 * "#host SPEC" picks a synthetic host (up to 64 nodes and 512 CPUs; else,
 * or without the line, "package:2 numa:2 core:4 pu:2 mem=8G pages=2M:512
 * pages=1G:2").  A domain with <vnuma> is expanded on it, as the command
 * does (vn_cli_expand_domain): the expanded domain is formatted and parsed
 * again (it parses, or is refused as invalid input: the define-time rules
 * that need the cells meet them only then), then the QEMU arguments are
 * built from it.  Any crash, leak, UB report, or an expanded domain that
 * neither parses nor is refused as invalid, is a failure (abort).
 * Seeds: tests/fuzz/expand-seeds (the expand goldens, <vnuma> cases).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "place/vnuma_expand.h"
#include "qemu/qemu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEFAULT_HOST "package:2 numa:2 core:4 pu:2 mem=8G pages=2M:512 pages=1G:2"

static vn_host *default_host;
static vn_config cfg;

static vn_host *pick_host(const char **in, size_t *size, bool *owned)
{
    *owned = false;
    if (*size > 6 && !memcmp(*in, "#host ", 6)) {
        const char *nl = memchr(*in, '\n', *size);
        size_t l = nl ? (size_t)(nl - *in) : *size;
        char *spec = vn_strndup(*in + 6, l - 6);
        *in += nl ? l + 1 : l;
        *size -= nl ? l + 1 : l;
        vn_error e = {0};
        vn_host *h = vn_host_load_synthetic(spec, &e);
        free(spec);
        size_t ncpus = 0;
        for (size_t i = 0; h && i < h->nnodes; i++)
            ncpus += h->nodes[i].ncpus;
        if (h && h->nnodes <= 64 && ncpus <= 512) {
            *owned = true;
            return h;
        }
        vn_host_free(h);
    }
    return default_host;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!default_host) {
        vn_error e = {0};
        default_host = vn_host_load_synthetic(DEFAULT_HOST, &e);
        if (!default_host)
            abort();
        vn_config_init(&cfg);
        vn_config_add_mount(&cfg, "/dev/hugepages2M", 2048);
        vn_config_add_mount(&cfg, "/dev/hugepages1G", 1048576);
    }
    const char *in = (const char *)data;
    bool owned;
    vn_host *host = pick_host(&in, &size, &owned);
    vn_error e = {0};
    vn_domain *d = vn_domain_parse(in, size, VN_PARSE_ABI_UPDATE, &e);
    if (!d || !d->vnuma.present)
        goto out;
    vn_warnings w = {0};
    if (vn_vnuma_expand(d, host, 2048, &w, &e) == 0) {
        char *s = vn_domain_format(d, &e);
        if (!s) {
            fprintf(stderr, "expanded domain does not format: %s\n", e.msg);
            abort();
        }
        vn_error e2 = {0};
        vn_domain *x = vn_domain_parse(s, strlen(s), VN_PARSE_ABI_UPDATE, &e2);
        if (!x) {
            /* the define-time rules that need the cells (a memory device's
             * node, huge page node sets) meet them only now: a refusal of
             * the invalid input, with libvirt's message, as the command
             * gives it; anything else is a bug */
            if (e2.code != VNUMA_ERR_INVALID || !e2.msg[0]) {
                fprintf(stderr, "expanded domain: not a refusal (%d): %s\n%s\n", e2.code,
                        e2.msg, s);
                abort();
            }
            free(s);
            goto done;
        }
        vn_argv av = {0};
        vn_qemu_build(x, host, &cfg, &w, &av, &e2);
        vn_argv_clear(&av);
        vn_domain_free(x);
        free(s);
    }
done:
    vn_warnings_clear(&w);
out:
    vn_domain_free(d);
    if (owned)
        vn_host_free(host);
    return 0;
}
