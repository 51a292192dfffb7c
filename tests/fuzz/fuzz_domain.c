/*
 * fuzz_domain.c - libFuzzer harness for the domain parser, formatter and
 * the define- and start-time checks (with the 8-node test host).
 * Built by `meson setup build-fuzz -Dfuzz=true` with CC=clang; tests/run
 * runs it for a bounded time.  Any crash, leak or UB report is a failure.
 */
#include <stdint.h>
#include <stdlib.h>

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"
#include "qemu/qemu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vn_host *host;
static vn_config cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vn_error e = {0};
    if (!host) {
        host = vn_host_load_caps_file(FUZZ_HOST_XML, &e);
        vn_config_init(&cfg);
        vn_config_add_mount(&cfg, "/dev/hugepages2M", 2048);
        vn_config_add_mount(&cfg, "/dev/hugepages1G", 1048576);
        e = (vn_error){0};
    }
    vn_domain *d = vn_domain_parse((const char *)data, size, 0, &e);
    if (!d)
        return 0;
    char *s = vn_domain_format(d, &e);
    free(s);
    vn_warnings w = {0};
    vn_argv av = {0};
    vn_qemu_build(d, host, &cfg, &w, &av, &e);
    vn_argv_clear(&av);
    vn_warnings_clear(&w);
    vn_domain_free(d);
    return 0;
}
