/*
 * fuzz_ledger.c - libFuzzer harness for the ledger's text format (the
 * pure half of src/place/ledger.h) with the round-trip property: a text
 * that parses is formatted, parsed again and formatted again; the two
 * texts must be equal, and the second parse must succeed.  The sum of the
 * entries is taken too.  Any crash, leak, UB report or round-trip
 * difference is a failure (abort).  Seeds: tests/fuzz/ledger-seeds (the
 * plan cases' ledgers and issue 11's absurd records).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vn_ledger l = {0};
    vn_error e = {0};
    if (vn_ledger_parse((const char *)data, size, "fuzz", &l, &e) < 0)
        return 0;
    char *a = vn_ledger_format(&l);
    vn_ledger back = {0};
    vn_error e2 = {0};
    if (vn_ledger_parse(a, strlen(a), "fuzz", &back, &e2) < 0) {
        fprintf(stderr, "round trip: the formatted ledger does not parse: %s\n%s\n", e2.msg, a);
        abort();
    }
    char *b = vn_ledger_format(&back);
    if (strcmp(a, b)) {
        fprintf(stderr, "round trip: differs\n%s\n---\n%s\n", a, b);
        abort();
    }
    vn_usage total = {0};
    (void)vn_ledger_total(&l, &total);   /* false on overflow: still cleared */
    vn_usage_clear(&total);
    free(a);
    free(b);
    vn_ledger_clear(&back);
    vn_ledger_clear(&l);
    return 0;
}
