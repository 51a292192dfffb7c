/*
 * fuzz_caps.c - libFuzzer harness for the capabilities loader
 * (host_caps.c) with the round-trip property: a document that loads is
 * written as caps (host_format.c), read back, and written again; the two
 * documents must be equal (every host vnuma writes reads back
 * identically).  The document bounds (base/xml_bounds.h) counted on the
 * input in chunks must equal those counted on it whole.  The text and JSON writers run on it too.  Any crash,
 * leak, UB report or round-trip difference is a failure (abort).
 * Seeds: tests/fuzz/caps-seeds (the golden hosts and issue 11's
 * reproducers); tests/run runs it for a bounded time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xml_bounds.h"
#include "host/host_format.h"
#include "model/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bounds fed in chunks of `chunk` bytes: the result and the counts. */
static int bounds(const uint8_t *data, size_t size, size_t chunk, vn_xml_bounds *b,
                  vn_error *e)
{
    vn_xml_bounds_init(b, 1000);
    int rc = 0;
    for (size_t off = 0; off < size && rc == 0; off += chunk)
        rc = vn_xml_bounds_feed(b, (const char *)data + off,
                                size - off < chunk ? size - off : chunk, e);
    return rc ? rc : vn_xml_bounds_finish(b, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vn_xml_bounds whole, part;
    vn_error ew = {0}, ep = {0};
    int rw = bounds(data, size, size ? size : 1, &whole, &ew);
    int rp = bounds(data, size, 1 + (size ? data[0] % 13 : 0), &part, &ep);
    if (rw != rp || strcmp(ew.msg, ep.msg) ||
        (!rw && (whole.nodes != part.nodes || whole.ns != part.ns || whole.line != part.line))) {
        fprintf(stderr, "bounds differ in chunks: %d '%s' / %d '%s'\n", rw, ew.msg, rp, ep.msg);
        abort();
    }
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
