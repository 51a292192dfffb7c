/*
 * host_cpuload.c - the live machine's CPU load, for the advisor
 * (place/advisor.h), sampled as numad samples it: numad.c's
 * update_cpu_data reads the idle field of each "cpuN" line of /proc/stat,
 * update_nodes does it twice (main() sleeps 2 s between them) and takes
 * the idle growth over the time between the reads, time stamped in
 * hundredths of a second (get_time_stamp).
 *
 * This is the edge: the reads (os/fileio.h) and the sleep go through the
 * OS seam (os/os.h), and the result lands in the Host model (vn_host_cpu's
 * idle_ticks, vn_host's sample_cs), so the advisor itself stays pure.
 */
#include "model/host.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "os/fileio.h"
#include "os/os.h"

#define STAT_PATH "/proc/stat"
#define STAT_MAX ((size_t)64 * 1024 * 1024)   /* bytes of /proc/stat read at most */
#define NS_PER_CS 10000000ull                /* get_time_stamp's unit: 1/100 s */

/* /proc/stat whole (os/fileio.h). */
static int read_stat(const vn_os *os, char **out, vn_error *err)
{
    vn_file_opts o = {.max_bytes = STAT_MAX, .code = VNUMA_ERR_HOST,
                      .refuse_code = VNUMA_ERR_HOST, .open_fail = "cannot read '" STAT_PATH "'"};
    vn_buf b = {0};
    if (vn_file_read(os, STAT_PATH, &o, &b, err) < 0) {
        vn_buf_free(&b);
        return -1;
    }
    *out = b.s ? vn_buf_steal(&b) : vn_strdup("");
    return 0;
}

/* The fields after "cpuN": user nice system idle ...; idle[N] = idle for
 * N < ncpu (update_cpu_data skips three numbers and takes the fourth). */
static void parse_idle(const char *text, uint64_t *idle, size_t ncpu)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        if (strncmp(l, "cpu", 3) != 0 || !isdigit((unsigned char)l[3]))
            continue;
        char *p;
        unsigned long long id = strtoull(l + 3, &p, 10);
        unsigned long long v = 0;
        for (int field = 0; field < 4; field++)
            v = strtoull(p, &p, 10);
        if (id < ncpu)
            idle[id] = v;
    }
}

static size_t cpu_id_bound(const vn_host *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->nnodes; i++)
        for (size_t k = 0; k < h->nodes[i].ncpus; k++)
            if (h->nodes[i].cpus[k].id >= n)
                n = (size_t)h->nodes[i].cpus[k].id + 1;
    return n;
}

/* One sample: the time stamp (1/100 s), then the idle fields. */
static int sample(const vn_os *os, uint64_t *idle, size_t ncpu, uint64_t *cs, vn_error *err)
{
    *cs = os->monotonic_ns(os) / NS_PER_CS;
    char *text = NULL;
    if (read_stat(os, &text, err) < 0)
        return -1;
    parse_idle(text, idle, ncpu);
    free(text);
    return 0;
}

int vn_host_sample_cpu_load(vn_host *h, unsigned interval_ms, vn_error *err)
{
    if (!interval_ms || !h)
        return 0;
    const vn_os *os = vn_os_current();
    size_t ncpu = cpu_id_bound(h);
    uint64_t *a = vn_calloc(ncpu ? ncpu : 1, sizeof(uint64_t));
    uint64_t *b = vn_calloc(ncpu ? ncpu : 1, sizeof(uint64_t));
    uint64_t t0, t1;
    int rc = sample(os, a, ncpu, &t0, err);
    if (rc == 0) {
        os->sleep_ns(os, (uint64_t)interval_ms * 1000000ull);
        /* update_nodes waits until time has passed; one tick at least here */
        while (os->monotonic_ns(os) / NS_PER_CS == t0)
            os->sleep_ns(os, NS_PER_CS);
        rc = sample(os, b, ncpu, &t1, err);
    }
    if (rc == 0) {
        h->sample_cs = t1 - t0;
        for (size_t i = 0; i < h->nnodes; i++)
            for (size_t k = 0; k < h->nodes[i].ncpus; k++) {
                vn_host_cpu *c = &h->nodes[i].cpus[k];
                c->idle_ticks = b[c->id] > a[c->id] ? b[c->id] - a[c->id] : 0;
            }
    }
    free(a);
    free(b);
    return rc;
}
