/*
 * ledger_bench.c - how long vn_ledger_parse takes on a ledger of N guests
 * (each with a memory record, a huge page record and a CPU), for
 * bench/ledger_bench.sh.  Prints "N guests: parse X ms (best of R)".
 *
 * usage: ledger_bench N [ROUNDS]
 * Built with the tests (meson option tests); not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "place/ledger.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ledger_bench N [ROUNDS]\n");
        return 2;
    }
    long n = atol(argv[1]);
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    vn_buf b = {0};
    vn_buf_add(&b, "vnuma-ledger 1\n");
    for (long i = 0; i < n; i++)
        vn_buf_addf(&b, "guest guest-%ld\nmem %ld 1048576\npages %ld 2048 16\ncpus %ld\nend\n",
                    i, i % 8, i % 8, i % 1024);
    double best = 0;
    for (int r = 0; r < rounds; r++) {
        vn_ledger l = {0};
        vn_error e = {0};
        double t0 = now();
        if (vn_ledger_parse(b.s, b.len, "bench", &l, &e) < 0) {
            fprintf(stderr, "ledger_bench: %s\n", e.msg);
            return 1;
        }
        double t = now() - t0;
        if (r == 0 || t < best)
            best = t;
        vn_ledger_clear(&l);
    }
    printf("%ld guests (%zu bytes): parse %.1f ms (best of %d)\n", n, b.len, best * 1e3, rounds);
    vn_buf_free(&b);
    return 0;
}
