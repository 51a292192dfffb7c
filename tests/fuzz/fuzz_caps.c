/*
 * fuzz_caps.c - libFuzzer harness for the capabilities loader
 * (host_caps.c) with the round-trip property: a document that loads is
 * written as caps (host_format.c), read back, and written again; the two
 * documents must be equal (every host vnuma writes reads back
 * identically).  The text and JSON writers run on it too.  Any crash,
 * leak, UB report or round-trip difference is a failure (abort).
 * Seeds: tests/fuzz/caps-seeds (the golden hosts and issue 11's
 * reproducers); tests/run runs it for a bounded time.
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
    vn_error e = {0};
    vn_host *h = vn_host_load_caps_memory((const char *)data, size, &e);
    if (!h)
        return 0;
    char *a = vn_host_format_caps(h);
    vn_error e2 = {0};
    vn_host *back = vn_host_load_caps_memory(a, strlen(a), &e2);
    if (!back) {
        fprintf(stderr, "round trip: the caps written do not read back: %s\n%s\n", e2.msg, a);
        abort();
    }
    char *b = vn_host_format_caps(back);
    if (strcmp(a, b)) {
        fprintf(stderr, "round trip: read back differs\n--- first\n%s\n--- second\n%s\n", a, b);
        abort();
    }
    free(vn_host_format_text(h));
    free(vn_host_format_json(h));
    free(a);
    free(b);
    vn_host_free(back);
    vn_host_free(h);
    return 0;
}
