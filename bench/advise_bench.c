/*
 * advise_bench.c - in-process timing of the placement advisor (advisor.h)
 * for bench/advise_bench.sh: loads a host (synthetic:SPEC, sysfs:DIR or a
 * caps file) once, then answers many different requests (vCPU
 * counts 1..all, memory from 1 GiB up to the host's free total, ordinary
 * and, where the host has them, huge pages), each ROUNDS times, and prints
 * the figures: the fastest of the rounds counts for each request.  Each
 * answer is a whole vn_advise call: numad's rule reads the distances from
 * the model every time.
 *
 * usage: advise_bench HOST [ROUNDS] [numad|smallest]   (default 20, numad)
 * Built with the tests (meson option tests); not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "place/advisor.h"
#include "model/host.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static vn_host *load(const char *src, vn_error *e)
{
    if (!strncmp(src, "synthetic:", 10))
        return vn_host_load_synthetic(src + 10, e);
    if (!strncmp(src, "sysfs:", 6))
        return vn_host_load_sysfs(src + 6, e);
    return vn_host_load_caps_file(src, e);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: advise_bench HOST [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 20;
    vn_advise_rule rule = argc > 3 && !strcmp(argv[3], "smallest") ? VN_ADVISE_SMALLEST
                                                                   : VN_ADVISE_NUMAD;
    vn_error e = {0};
    double t0 = now();
    vn_host *h = load(argv[1], &e);
    double tload = now() - t0;
    if (!h) {
        fprintf(stderr, "error: %s\n", e.msg);
        return 3;
    }
    unsigned cpus = 0;
    uint64_t mem = 0;
    for (size_t i = 0; i < h->nnodes; i++) {
        cpus += (unsigned)h->nodes[i].ncpus;
        mem += h->nodes[i].has_free ? h->nodes[i].free_kib : h->nodes[i].mem_kib;
    }
    uint64_t page = h->nhugepage_sizes ? h->hugepage_sizes_kib[0] : 0;
    /* requests: vCPUs 1, 2, 4, ... up to all; memory 1 GiB, doubling, up to the total */
    long n = 0, fit = 0;
    double *times = NULL;
    size_t ntimes = 0;
    /* each request `rounds` times; its figure is the fastest of them (the
     * others measure the machine's load, not the advisor) */
    t0 = now();
    for (unsigned c = 1; c <= cpus; c *= 2) {
        for (uint64_t m = 1024 * 1024; m <= mem; m *= 2) {
            for (int hp = 0; hp < (page ? 2 : 1); hp++) {
                vn_advice_request req = {c, m, hp ? page : 0, rule, NULL};
                double best = 1e9;
                for (int r = 0; r < rounds; r++) {
                    vn_advice a;
                    vn_error ae = {0};
                    double t1 = now();
                    int rc = vn_advise(h, &req, &a, NULL, &ae);
                    double dt = now() - t1;
                    if (dt < best)
                        best = dt;
                    fit += rc == 0 && a.fits;
                    n++;
                    if (rc == 0)
                        vn_advice_clear(&a);
                }
                *VN_APPEND(times, ntimes) = best;
            }
        }
    }
    double total = now() - t0;
    printf("host: %zu nodes, %u CPUs, %llu MiB (loaded in %.3f ms)\n", h->nnodes, cpus,
           (unsigned long long)(mem / 1024), tload * 1e3);
    qsort(times, ntimes, sizeof(double), cmp_double);
    printf("in-process (%s rule): %ld answers (%ld fit) in %.3f s, mean %.1f us; %zu distinct requests, "
           "fastest of %d each: median %.1f us, slowest request %.1f us\n",
           rule == VN_ADVISE_NUMAD ? "numad" : "smallest", n, fit, total,
           n ? total / (double)n * 1e6 : 0.0, ntimes, rounds,
           ntimes ? times[ntimes / 2] * 1e6 : 0.0, ntimes ? times[ntimes - 1] * 1e6 : 0.0);
    free(times);
    vn_host_free(h);
    return 0;
}
