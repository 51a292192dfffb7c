/*
 * fuzz_synthetic.c - libFuzzer harness for the synthetic host spec
 * (host_synthetic.c, "synthetic:SPEC" of --host): the input is the spec.
 * A spec that loads must pass vn_host_check (the loader runs it) and, for
 * hosts of up to 64 nodes and 1,024 CPUs (bigger ones only cost time
 * here), write caps that read back into the same caps.  Any crash, leak,
 * UB report or round-trip difference is a failure (abort).
 * Seeds: tests/fuzz/synthetic-seeds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_format.h"
#include "model/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *spec = vn_strndup((const char *)data, size);
    vn_error e = {0};
    vn_host *h = vn_host_load_synthetic(spec, &e);
    free(spec);
    if (!h)
        return 0;
    size_t ncpus = 0;
    for (size_t i = 0; i < h->nnodes; i++)
        ncpus += h->nodes[i].ncpus;
    if (h->nnodes <= 64 && ncpus <= 1024) {
        char *a = vn_host_format_caps(h);
        vn_error e2 = {0};
        vn_host *back = vn_host_load_caps_memory(a, strlen(a), &e2);
        if (!back) {
            fprintf(stderr, "round trip: caps do not read back: %s\n%s\n", e2.msg, a);
            abort();
        }
        char *b = vn_host_format_caps(back);
        if (strcmp(a, b)) {
            fprintf(stderr, "round trip: read back differs\n%s\n---\n%s\n", a, b);
            abort();
        }
        free(vn_host_format_text(h));
        free(a);
        free(b);
        vn_host_free(back);
    }
    vn_host_free(h);
    return 0;
}
