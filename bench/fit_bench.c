/*
 * fit_bench.c - how fast vnuma's fitter (placement.c, `vnuma plan`) places
 * guest cells, in process.  bench/fit_bench.py runs it beside OpenStack
 * Nova's numa_fit_instance_to_host on the same topologies.
 *
 * usage: fit_bench NODES CELLS [REPS [BUSY [SHAPE]]]
 *
 * The host: synthetic "package:NODES/4 numa:4 core:4 pu:2 mem=16G"
 * (distance 10 self, 12 in a package, 21 across; 8 host CPUs a node, SMT
 * pairs).  Busy nodes (BUSY=mod4, the default): every node with
 * id % 4 == 1; BUSY=pkg0: nodes 1-3 (package 0 keeps one free node).  A
 * busy node has 14 GiB of its 16 taken and its first core's two CPUs
 * pinned by another guest.  The guest:
 * CELLS cells of 4 GiB with 2 dedicated vCPUs each, thread policy prefer,
 * strategy pack; SHAPE=mixed: the odd cells have 2 GiB (cells of two
 * shapes take the node-level search, not the twin-group one).
 *
 * The host is prepared once (vn_fit_host_new: distances by index, cores,
 * twin groups), as Nova's host topology object is built once; each
 * timed call is vn_fit_prepared.  The median of vn_fit (preparing the host
 * on every call, what one `vnuma plan` run pays) is printed too.
 *
 * Prints one line: NODES CELLS min_us median_us distance_sum nodes(comma
 * separated, per cell) median_unprepared_us - or "none" for distance_sum
 * and nodes when nothing fits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/host.h"
#include "place/fit.h"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fit_bench NODES CELLS [REPS [mod4|pkg0 [same|mixed]]]\n");
        return 2;
    }
    unsigned nodes = (unsigned)atoi(argv[1]), cells = (unsigned)atoi(argv[2]);
    int reps = argc > 3 ? atoi(argv[3]) : 200;
    bool pkg0 = argc > 4 && !strcmp(argv[4], "pkg0");
    bool mixed = argc > 5 && !strcmp(argv[5], "mixed");
    if (nodes < 4 || nodes % 4 || !cells || reps < 1) {
        fprintf(stderr, "fit_bench: NODES a multiple of 4, CELLS >= 1\n");
        return 2;
    }
    char spec[128];
    snprintf(spec, sizeof(spec), "package:%u numa:4 core:4 pu:2 mem=16G", nodes / 4);
    vn_error e = {0};
    vn_host *h = vn_host_load_synthetic(spec, &e);
    if (!h) {
        fprintf(stderr, "fit_bench: %s\n", e.msg);
        return 3;
    }
    vn_usage used = {0};
    used.cpus = vn_bitmap_new();
    for (unsigned n = 1; n < nodes; n++) {
        if (pkg0 ? n > 3 : n % 4 != 1)
            continue;
        if (!vn_usage_add(&used, n, 0, 14ull * 1024 * 1024))
            return 3;
        vn_bitmap_set(used.cpus, n * 8);
        vn_bitmap_set(used.cpus, n * 8 + 1);
    }
    vn_fit_request req = {.ncells = cells, .strategy = VN_FIT_PACK, .policy = VN_THREAD_PREFER};
    req.cells = calloc(cells, sizeof(*req.cells));
    for (unsigned i = 0; i < cells; i++)
        req.cells[i] = (vn_fit_cell){.id = i, .mem_kib = (mixed && i % 2 ? 2ull : 4ull) * 1024 * 1024,
                                     .nvcpus = 2};

    double *t = calloc((size_t)reps, sizeof(*t));
    vn_fit_result res = {0};
    int rc = 0;
    /* unprepared: vn_fit as `vnuma plan` calls it once */
    for (int r = 0; r < reps; r++) {
        vn_error fe = {0};
        double t0 = now_us();
        rc = vn_fit(h, &used, &req, &res, &fe);
        t[r] = now_us() - t0;
        if (rc == 0)
            vn_fit_result_clear(&res);
    }
    qsort(t, (size_t)reps, sizeof(*t), dbl_cmp);
    double unprepared = t[reps / 2];
    vn_fit_host *fh = vn_fit_host_new(h);
    for (int r = 0; r < reps; r++) {
        vn_error fe = {0};
        double t0 = now_us();
        rc = vn_fit_prepared(fh, &used, &req, &res, &fe);
        t[r] = now_us() - t0;
        if (r + 1 < reps && rc == 0)
            vn_fit_result_clear(&res);
    }
    vn_fit_host_free(fh);
    qsort(t, (size_t)reps, sizeof(*t), dbl_cmp);
    printf("%u %u %.2f %.2f ", nodes, cells, t[0], t[reps / 2]);
    if (rc < 0) {
        printf("none none");
    } else {
        printf("%llu ", (unsigned long long)res.distance_sum);
        for (unsigned i = 0; i < cells; i++)
            printf("%s%u", i ? "," : "", res.cells[i].nodes[0]);
        vn_fit_result_clear(&res);
    }
    printf(" %.2f\n", unprepared);
    free(t);
    free(req.cells);
    vn_usage_clear(&used);
    vn_host_free(h);
    return 0;
}
