/*
 * test_host_sysfs.c - the sysfs host loader (host_sysfs.c) and the host
 * renderers (host_format.c).
 *
 * Recorded machines: every archive of shared/fixtures/hosts (hwloc's
 * test dumps) and shared/fixtures/libvirt-sysfs (libvirt's vircaps2xml
 * trees) is unpacked into a temporary folder and loaded.  The expected
 * values are read from the tree's files by this test's own small readers
 * (node folders, cpulist/cpumap, meminfo, distance), from hwloc's reading
 * of the same tree (.hwloc-output: NUMA node memory, package/core/SMT
 * siblings of every PU) and from libvirt's capabilities output beside each
 * libvirt tree (cells, CPUs with socket/die/core/siblings).
 * Small trees written by the test cover errors, garbage and the non-NUMA
 * case.  Only one test looks at this machine: it loads and has a node.
 *
 * argv[1] (or $VN_FIXTURES) names the fixtures folder; without one the
 * recorded-machine tests are reported as skipped and the others still run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/host.h"
#include "host/host_format.h"

static const char *fixtures;      /* the shared fixtures folder, or NULL */
/* The trees' files are compared with the whole tree (--whole-system);
 * test_hwloc_cpuset compares the cpuset-restricted reading with hwloc's. */
static const vn_host_load_opts whole = {.whole_system = true};
static char unpacked[256];        /* where the archives were unpacked */

/* ---- small independent readers -------------------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap + 1);
    size_t r;
    while ((r = fread(s + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap)
            s = realloc(s, (cap *= 2) + 1);
    }
    fclose(f);
    s[len] = '\0';
    return s;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ids[] set to true for each id in "0-3,8" (ids < max). */
static void parse_list(const char *s, bool *ids, unsigned max)
{
    while (*s) {
        while (*s && !isdigit((unsigned char)*s))
            s++;
        if (!*s)
            break;
        char *end;
        unsigned a = (unsigned)strtoul(s, &end, 10), b = a;
        if (*end == '-')
            b = (unsigned)strtoul(end + 1, &end, 10);
        for (unsigned i = a; i <= b && i < max; i++)
            ids[i] = true;
        s = end;
    }
}

/* ids[] from a hex mask "00000003,ffffffff" (words most significant first). */
static void parse_mask(const char *s, bool *ids, unsigned max)
{
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    unsigned bit = 0;
    for (size_t i = len; i-- > 0;) {
        if (s[i] == ',')
            continue;
        unsigned v = (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0'
                                : tolower((unsigned char)s[i]) - 'a' + 10);
        for (unsigned k = 0; k < 4; k++, bit++)
            if ((v >> k & 1) && bit < max)
                ids[bit] = true;
    }
}

static char *sysdir_of(const char *tree)
{
    char *p = vn_asprintf("%s/sys/devices/system", tree);
    if (exists(p))
        return p;
    free(p);
    return vn_asprintf("%s/system", tree);
}

#define MAXN 256
#define MAXC 1024

/* ---- recorded machines ---------------------------------------------- */

static void check_node_cpus(const char *sys, const vn_host_node *n)
{
    static bool want[MAXC];
    memset(want, 0, sizeof(want));
    char *list = vn_asprintf("%s/node/node%u/cpulist", sys, n->id);
    char *map = vn_asprintf("%s/node/node%u/cpumap", sys, n->id);
    char *s = slurp(list);
    if (s)
        parse_list(s, want, MAXC);
    else if ((s = slurp(map)))
        parse_mask(s, want, MAXC);
    free(s);
    free(list);
    free(map);
    size_t k = 0;
    for (unsigned c = 0; c < MAXC; c++) {
        if (!want[c])
            continue;
        assert_true(k < n->ncpus);
        assert_int_equal(n->cpus[k].id, c);
        k++;
    }
    assert_int_equal(k, n->ncpus);
}

static void check_node_memory(const char *sys, const vn_host_node *n)
{
    char *path = vn_asprintf("%s/node/node%u/meminfo", sys, n->id);
    char *s = slurp(path);
    free(path);
    unsigned long long total = 0;
    for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        unsigned id;
        unsigned long long v;
        if (sscanf(line, "Node %u MemTotal: %llu kB", &id, &v) == 2)
            total = v;
    }
    free(s);
    assert_int_equal(n->mem_kib, total);
}

static void check_distances(const char *sys, const vn_host *h, const vn_host_node *n)
{
    char *path = vn_asprintf("%s/node/node%u/distance", sys, n->id);
    char *s = slurp(path);
    free(path);
    if (!s) {
        assert_int_equal(n->ndistances, 0);
        return;
    }
    unsigned vals[MAXN];
    size_t nv = 0;
    char *p = s, *end;
    for (unsigned long v = strtoul(p, &end, 10); end != p && nv < MAXN;
         p = end, v = strtoul(p, &end, 10))
        vals[nv++] = (unsigned)v;
    free(s);
    if (nv == h->nnodes) {                   /* one value per node, in id order */
        size_t expect = 0;
        for (size_t k = 0; k < nv; k++) {
            if (!vals[k])
                continue;
            expect++;
            assert_int_equal(vn_host_distance(h, n->id, h->nodes[k].id), vals[k]);
        }
        assert_int_equal(n->ndistances, expect);
    } else {                                 /* one value per possible node */
        for (size_t k = 0; k < n->ndistances; k++) {
            assert_true(n->distance_ids[k] < nv);
            assert_int_equal(n->distances[k], vals[n->distance_ids[k]]);
        }
    }
}

static void check_tree(const char *tree)
{
    char *sys = sysdir_of(tree);
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs_with(tree, &whole, &e);
    if (!h)
        fail_msg("%s: %s", tree, e.msg);
    /* node ids: the nodeN folders */
    char *nodedir = vn_asprintf("%s/node", sys);
    DIR *d = opendir(nodedir);
    assert_non_null(d);
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        unsigned id;
        int used = 0;
        if (sscanf(de->d_name, "node%u%n", &id, &used) == 1 && !de->d_name[used]) {
            count++;
            if (!vn_host_has_node(h, id))
                fail_msg("%s: node %u missing", tree, id);
        }
    }
    closedir(d);
    free(nodedir);
    assert_int_equal(h->nnodes, count);
    for (size_t i = 0; i < h->nnodes; i++) {
        if (i)
            assert_true(h->nodes[i - 1].id < h->nodes[i].id);
        check_node_cpus(sys, &h->nodes[i]);
        check_node_memory(sys, &h->nodes[i]);
        check_distances(sys, h, &h->nodes[i]);
    }
    /* the caps rendering reads back (host_caps.c) into the same rendering */
    char *caps = vn_host_format_caps(h);
    vn_host *back = vn_host_load_caps_memory(caps, strlen(caps), &e);
    if (!back)
        fail_msg("%s: caps do not load back: %s", tree, e.msg);
    char *again = vn_host_format_caps(back);
    assert_string_equal(again, caps);
    free(again);
    free(caps);
    vn_host_free(back);
    /* every renderer copes */
    char *s[3] = {vn_host_format_caps(h), vn_host_format_text(h), vn_host_format_json(h)};
    for (int i = 0; i < 3; i++) {
        assert_non_null(s[i]);
        assert_true(strlen(s[i]) > 0);
        free(s[i]);
    }
    vn_host_free(h);
    free(sys);
}

static void for_each_tree(void (*fn)(const char *tree))
{
    DIR *d = opendir(unpacked);
    assert_non_null(d);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char *tree = vn_asprintf("%s/%s", unpacked, de->d_name);
        fn(tree);
        free(tree);
        n++;
    }
    closedir(d);
    assert_true(n >= 15);   /* 12 hwloc trees + 3 libvirt trees */
}

static void test_recorded_trees(void **state)
{
    (void)state;
    if (!fixtures)
        skip();
    for_each_tree(check_tree);
}

static vn_host *load_fixture(const char *name)
{
    char *tree = vn_asprintf("%s/%s", unpacked, name);
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs_with(tree, &whole, &e);
    if (!h)
        fail_msg("%s: %s", tree, e.msg);
    free(tree);
    return h;
}

static const vn_host_cpu *find_cpu(const vn_host *h, unsigned id)
{
    for (size_t i = 0; i < h->nnodes; i++)
        for (size_t j = 0; j < h->nodes[i].ncpus; j++)
            if (h->nodes[i].cpus[j].id == id)
                return &h->nodes[i].cpus[j];
    return NULL;
}

static void assert_siblings(const vn_host *h, unsigned cpu, const char *want)
{
    const vn_host_cpu *c = find_cpu(h, cpu);
    assert_non_null(c);
    assert_non_null(c->siblings);
    char *s = vn_bitmap_format(c->siblings);
    assert_string_equal(s, want);
    free(s);
}

/* Facts stated in the fixtures' README and visible in the trees. */
static void test_known_facts(void **state)
{
    (void)state;
    if (!fixtures)
        skip();
    vn_host *h = load_fixture("48amd64-4d2n6c-sparse");
    vn_bitmap *ids = vn_host_nodeset(h);
    char *s = vn_bitmap_format(ids);
    assert_string_equal(s, "0-2,33-34,45,72-73");
    free(s);
    vn_bitmap_free(ids);
    assert_int_equal(vn_host_distance(h, 0, 73), 22);
    vn_host_free(h);

    h = load_fixture("8em64t-4c2t");                /* SMT, siblings list */
    assert_siblings(h, 0, "0,4");
    assert_siblings(h, 7, "3,7");
    assert_int_equal(h->nodes[0].ndistances, 0);    /* the file says "0" */
    vn_host_free(h);

    h = load_fixture("256ia64-64n2s2c");            /* cpumap + sibling masks */
    assert_int_equal(h->nnodes, 64);
    assert_siblings(h, 5, "5");              /* thread_siblings 0x20 */
    assert_int_equal(find_cpu(h, 5)->socket_id, 512);
    assert_int_equal(find_cpu(h, 5)->core_id, 1);
    vn_host_free(h);

    h = load_fixture("offline-cpu0-node0");         /* node 0 absent, offline CPUs */
    assert_int_equal(h->nnodes, 1);
    assert_int_equal(h->nodes[0].id, 1);
    assert_int_equal(vn_host_distance(h, 1, 1), 10);
    assert_int_equal(h->nodes[0].ndistances, 1);    /* "21 10": indexed by node id */
    const vn_host_cpu *c = find_cpu(h, 1);
    assert_non_null(c);
    assert_false(c->online);
    assert_null(c->siblings);
    assert_int_equal(c->socket_id, -1);
    assert_true(find_cpu(h, 5)->online);
    vn_host_free(h);

    h = load_fixture("fakeheteromemtiers");         /* memory-only nodes */
    const vn_host_node *n = vn_host_find_node(h, 9);
    assert_non_null(n);
    assert_int_equal(n->ncpus, 0);
    assert_true(n->mem_kib > 0);
    vn_host_free(h);

    h = load_fixture("40intel64-4n10c+pci-conflicts");   /* hugepages */
    n = vn_host_find_node(h, 0);
    assert_true(n->npages >= 2);
    assert_int_equal(n->pages[0].size_kib, 4);
    for (size_t i = 1; i < n->npages; i++)
        assert_true(n->pages[i - 1].size_kib < n->pages[i].size_kib);
    vn_host_free(h);
}

/* ---- libvirt's capabilities beside each libvirt tree ----------------- */

/* The <cells>, <cell>, <cpus> and <cpu> lines of a capabilities text. */
static char *topology_lines(const char *xml)
{
    vn_buf b = {0};
    for (const char *line = xml; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *t = line;
        while (*t == ' ')
            t++;
        if (!strncmp(t, "<cells ", 7) || !strncmp(t, "<cell ", 6) || !strncmp(t, "<cpus ", 6) ||
            !strncmp(t, "<cpu id", 7) || !strncmp(t, "</cell>", 7)) {
            vn_buf_addn(&b, line, len);
            vn_buf_addc(&b, '\n');
        }
        line = nl ? nl + 1 : NULL;
    }
    return vn_buf_steal(&b);
}

static void test_libvirt_caps(void **state)
{
    (void)state;
    if (!fixtures)
        skip();
    static const char *names[] = {"linux-basic", "linux-caches", "linux-hmat"};
    for (size_t i = 0; i < VN_ARRAY_LEN(names); i++) {
        vn_host *h = load_fixture(names[i]);
        char *ours = vn_host_format_caps(h);
        char *path = vn_asprintf("%s/libvirt-sysfs/%s.capabilities.xml", fixtures, names[i]);
        char *theirs = slurp(path);
        assert_non_null(theirs);
        char *a = topology_lines(ours), *b = topology_lines(theirs);
        assert_true(strlen(b) > 0);
        assert_string_equal(a, b);
        free(a);
        free(b);
        free(ours);
        free(theirs);
        free(path);
        vn_host_free(h);
    }
}

/* ---- hwloc's reading of the hwloc trees ------------------------------ */

/* Compare NUMA node memory and, for each PU, its package, core and the
 * PUs sharing its core with hwloc's console output. */
static void check_hwloc(const char *name, bool topology)
{
    char *path = vn_asprintf("%s/hosts/%s.hwloc-output", fixtures, name);
    char *out = slurp(path);
    free(path);
    assert_non_null(out);
    vn_host *h = load_fixture(name);
    int package = -1, core = -1;
    unsigned core_pus[16];
    size_t ncore_pus = 0, npus = 0;
    for (char *line = out; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        const char *t = line;
        while (*t == ' ')
            t++;
        unsigned l, p;
        unsigned long long kb;
        if (sscanf(t, "NUMANode L#%u (P#%u local=%lluKB", &l, &p, &kb) == 3) {
            const vn_host_node *n = vn_host_find_node(h, p);
            assert_non_null(n);
            assert_int_equal(n->mem_kib, kb);
        } else if (sscanf(t, "Package L#%u (P#%u", &l, &p) == 2) {
            package = (int)p;
        } else if (sscanf(t, "Core L#%u (P#%u", &l, &p) == 2) {
            core = (int)p;
            ncore_pus = 0;
        } else if (topology && sscanf(t, "PU L#%u (P#%u", &l, &p) == 2) {
            const vn_host_cpu *c = find_cpu(h, p);
            if (!c || c->socket_id != package || c->core_id != core)
                fail_msg("%s: PU %u: ours socket %d core %d, hwloc package %d core %d", name, p,
                         c ? c->socket_id : -2, c ? c->core_id : -2, package, core);
            assert_true(ncore_pus < 16);
            core_pus[ncore_pus++] = p;
            for (size_t k = 0; k < ncore_pus; k++)
                assert_true(vn_bitmap_is_set(c->siblings, core_pus[k]));
            npus++;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (topology) {
        assert_true(npus > 0);
        size_t ours = 0;                 /* and no more siblings than hwloc */
        for (size_t i = 0; i < h->nnodes; i++)
            for (size_t j = 0; j < h->nodes[i].ncpus; j++)
                ours += vn_bitmap_count(h->nodes[i].cpus[j].siblings);
        assert_true(ours >= npus);
    }
    free(out);
    vn_host_free(h);
}

static void test_hwloc(void **state)
{
    (void)state;
    if (!fixtures)
        skip();
    /* Trees whose PUs hwloc reports unrestricted (no cgroup, no offline). */
    static const char *full[] = {
        "16amd64-8n2c", "256ia64-64n2s2c",
        "48amd64-4d2n6c-sparse", "64amd64-4s2n4ca2co", "8em64t-4c2t",
        "96em64t-4n4d3ca2co", "64intel64-fakeKNL-SNC4-hybrid",
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(full); i++)
        check_hwloc(full[i], true);
    /* The tree has physical_package_id 0-3 but hwloc's output lists three
     * packages (NUMA node 3 hangs under none); compare the NUMA nodes only. */
    check_hwloc("40intel64-4n10c+pci-conflicts", false);
    check_hwloc("offline-cpu0-node0", false);
    check_hwloc("fakememinitiators-1np2c+1npp+gi", false);
}

/* The cpuset a recorded tree holds (its proc/self/cpuset or cgroup, its
 * cgroup mounts) restricts the reading as it restricts hwloc's: the
 * NUMANodes hwloc kept are our nodes less those outside cpuset.mems (kept
 * only for their allowed CPUs, with no memory), its PUs our CPUs.  hwloc
 * also lists PUs that sysfs puts in no node (offline-cpu0-node0): ours are
 * then among its PUs. */
static void check_hwloc_cpuset(const char *output, const char *tree, bool pus_exact)
{
    char *path = vn_asprintf("%s/hosts/%s.hwloc-output", fixtures, output);
    char *out = slurp(path);
    free(path);
    assert_non_null(out);
    vn_bitmap *nodes = vn_bitmap_new(), *pus = vn_bitmap_new();
    for (char *t = out; (t = strstr(t, "NUMANode")) != NULL; t++) {
        unsigned l, p;
        const char *q = t + 8;
        if (*q == '(')
            q = strchr(q, ')') + 1;
        if (sscanf(q, " L#%u (P#%u", &l, &p) == 2)
            vn_bitmap_set(nodes, p);
    }
    for (char *t = out; (t = strstr(t, "PU L#")) != NULL; t++) {
        unsigned l, p;
        if (sscanf(t, "PU L#%u (P#%u", &l, &p) == 2)
            vn_bitmap_set(pus, p);
    }
    char *root = vn_asprintf("%s/%s", unpacked, tree);
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs(root, &e);
    if (!h)
        fail_msg("%s: %s", root, e.msg);
    vn_bitmap *ours = vn_bitmap_new(), *cpus = vn_bitmap_new();
    for (size_t i = 0; i < h->nnodes; i++) {
        const vn_host_node *n = &h->nodes[i];
        bool outside = h->outside_mems && vn_bitmap_is_set(h->outside_mems, n->id);
        if (!outside)
            vn_bitmap_set(ours, n->id);
        else
            assert_int_equal(n->mem_kib, 0);
        for (size_t j = 0; j < n->ncpus; j++)
            vn_bitmap_set(cpus, n->cpus[j].id);
    }
    char *a = vn_bitmap_format(ours), *b = vn_bitmap_format(nodes);
    char *c = vn_bitmap_format(cpus), *d = vn_bitmap_format(pus);
    if (!vn_bitmap_equal(ours, nodes))
        fail_msg("%s: nodes %s, hwloc's %s", tree, a, b);
    if (pus_exact ? !vn_bitmap_equal(cpus, pus) : !vn_bitmap_is_subset(cpus, pus))
        fail_msg("%s: CPUs %s, hwloc's PUs %s", tree, c, d);
    free(a), free(b), free(c), free(d);
    vn_bitmap_free(ours), vn_bitmap_free(cpus), vn_bitmap_free(nodes), vn_bitmap_free(pus);
    vn_host_free(h);
    free(root);
    free(out);
}

static void test_hwloc_cpuset(void **state)
{
    (void)state;
    if (!fixtures)
        skip();
    static const char *same[] = {
        "16amd64-8n2c", "256ia64-64n2s2c", "48amd64-4d2n6c-sparse", "64amd64-4s2n4ca2co",
        "8em64t-4c2t", "96em64t-4n4d3ca2co", "64intel64-fakeKNL-SNC4-hybrid",
        "40intel64-4n10c+pci-conflicts", "fakeheteromemtiers", "fakememinitiators-1np2c+1npp+gi",
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(same); i++)
        check_hwloc_cpuset(same[i], same[i], true);
    check_hwloc_cpuset("offline-cpu0-node0", "offline-cpu0-node0", false);
    check_hwloc_cpuset("32amd64-4s2n4c-cgroup2", "32amd64-4s2n4c-cgroup", true);

    /* The cgroup v2 tree by hand: /proc/self/cpuset names
     * /uid_2008/job_15389/step_0 of the cgroup2 mount /cgroup/unified
     * (proc/mounts; its cgroup.controllers lists cpuset), whose
     * cpuset.cpus.effective and cpuset.mems.effective say 0-5. */
    char *root = vn_asprintf("%s/32amd64-4s2n4c-cgroup", unpacked);
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs_with(root, &whole, &e);
    assert_non_null(h);
    size_t ncpus = 0;
    for (size_t i = 0; i < h->nnodes; i++)
        ncpus += h->nodes[i].ncpus;
    assert_int_equal(h->nnodes, 8);              /* before: node0..node7, cpu0..cpu31 */
    assert_int_equal(ncpus, 32);
    assert_null(h->outside_mems);
    vn_host_free(h);
    h = vn_host_load_sysfs(root, &e);
    assert_non_null(h);
    assert_int_equal(h->nnodes, 6);
    char *want = vn_asprintf("%s/cgroup/unified/uid_2008/job_15389/step_0/cpuset.mems.effective", root);
    assert_string_equal(h->cpuset.mems_file, want);
    free(want);
    char *s = vn_bitmap_format(h->outside_mems);
    assert_string_equal(s, "6-7");
    free(s);
    assert_int_equal(h->hidden_cpus, 26);
    /* libvirt's message for a node the machine lacks; vnuma's for one the
     * cpuset leaves out, naming the set and the file */
    vn_bitmap *ask = vn_bitmap_parse("0,9", 1024, &e);
    assert_int_equal(vn_host_nodeset_available(h, ask, &e), -1);
    assert_string_equal(e.msg, "unsupported configuration: NUMA node 9 is unavailable");
    vn_bitmap_free(ask);
    ask = vn_bitmap_parse("5-6", 1024, &e);
    e = (vn_error){0};
    assert_int_equal(vn_host_nodeset_available(h, ask, &e), -1);
    char *msg = vn_asprintf("host NUMA node 6 is outside this process's cpuset.mems 0-5 "
                            "(%s/cgroup/unified/uid_2008/job_15389/step_0/cpuset.mems.effective)", root);
    assert_string_equal(e.msg, msg);
    free(msg);
    vn_bitmap_free(ask);
    vn_host_free(h);
    free(root);
}

/* ---- synthetic trees ------------------------------------------------- */

static char synth[256];

static void put(const char *rel, const char *content)
{
    char *path = vn_asprintf("%s/%s", synth, rel);
    char *cmd = vn_asprintf("mkdir -p \"$(dirname '%s')\"", path);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    free(cmd);
    free(path);
}

static void new_synth(void)
{
    if (synth[0]) {
        char *cmd = vn_asprintf("rm -rf '%s'", synth);
        assert_int_equal(system(cmd), 0);
        free(cmd);
    }
    snprintf(synth, sizeof(synth), "/tmp/vnuma-synth-XXXXXX");
    assert_non_null(mkdtemp(synth));
}

#define SYS "sys/devices/system/"

/* A two-node machine, old style (cpumap, sibling masks), with huge pages. */
static void write_two_nodes(void)
{
    new_synth();
    put(SYS "node/online", "0,2\n");
    put(SYS "node/node0/cpumap", "00000000,00000003\n");
    put(SYS "node/node0/meminfo",
        "\nNode 0 MemTotal:      4194304 kB\nNode 0 MemFree:       1048576 kB\n");
    put(SYS "node/node0/distance", "10 21\n");
    put(SYS "node/node0/hugepages/hugepages-2048kB/nr_hugepages", "512\n");
    put(SYS "node/node0/hugepages/hugepages-2048kB/free_hugepages", "100\n");
    put(SYS "node/node2/cpulist", "2-3\n");
    put(SYS "node/node2/meminfo", "Node 2 MemTotal:      2097152 kB\nNode 2 MemFree:       2097152 kB\n");
    put(SYS "node/node2/distance", "21 10\n");
    put(SYS "cpu/cpu0/topology/physical_package_id", "0\n");
    put(SYS "cpu/cpu0/topology/core_id", "0\n");
    put(SYS "cpu/cpu0/topology/thread_siblings", "00000003\n");
    put(SYS "cpu/cpu1/online", "1\n");
    put(SYS "cpu/cpu1/topology/physical_package_id", "0\n");
    put(SYS "cpu/cpu1/topology/core_id", "0\n");
    put(SYS "cpu/cpu1/topology/thread_siblings", "00000003\n");
    put(SYS "cpu/cpu2/topology/physical_package_id", "-1\n");
    put(SYS "cpu/cpu2/topology/die_id", "-1\n");
    put(SYS "cpu/cpu2/topology/core_id", "4\n");
    put(SYS "cpu/cpu2/topology/thread_siblings_list", "2\n");
    put(SYS "cpu/cpu3/online", "0\n");
    put("sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
}

static void test_synthetic_tree(void **state)
{
    (void)state;
    write_two_nodes();
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs(synth, &e);
    if (!h)
        fail_msg("%s", e.msg);
    assert_int_equal(h->nnodes, 2);
    assert_false(h->numa_fake);
    assert_int_equal(h->nhugepage_sizes, 2);
    assert_int_equal(h->hugepage_sizes_kib[0], 2048);
    assert_int_equal(h->hugepage_sizes_kib[1], 1048576);

    /* libvirt's layout: 4 KiB pages = (MemTotal - huge pages) / 4 */
    char *caps = vn_host_format_topology(h, 0);
    assert_string_equal(caps,
        "<topology>\n"
        "  <cells num='2'>\n"
        "    <cell id='0'>\n"
        "      <memory unit='KiB'>4194304</memory>\n"
        "      <pages unit='KiB' size='4'>786432</pages>\n"
        "      <pages unit='KiB' size='2048'>512</pages>\n"
        "      <distances>\n"
        "        <sibling id='0' value='10'/>\n"
        "        <sibling id='2' value='21'/>\n"
        "      </distances>\n"
        "      <cpus num='2'>\n"
        "        <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0-1'/>\n"
        "        <cpu id='1' socket_id='0' die_id='0' core_id='0' siblings='0-1'/>\n"
        "      </cpus>\n"
        "    </cell>\n"
        "    <cell id='2'>\n"
        "      <memory unit='KiB'>2097152</memory>\n"
        "      <pages unit='KiB' size='4'>524288</pages>\n"
        "      <distances>\n"
        "        <sibling id='0' value='21'/>\n"
        "        <sibling id='2' value='10'/>\n"
        "      </distances>\n"
        "      <cpus num='2'>\n"
        "        <cpu id='2' socket_id='0' die_id='0' core_id='4' siblings='2'/>\n"
        "        <cpu id='3'/>\n"
        "      </cpus>\n"
        "    </cell>\n"
        "  </cells>\n"
        "</topology>\n");
    free(caps);

    /* numactl --hardware: sizes in MB (>> 20 of bytes), "% 3d " columns */
    char *text = vn_host_format_text(h);
    assert_string_equal(text,
        "available: 2 nodes (0,2)\n"
        "node 0 cpus: 0 1\n"
        "node 0 size: 4096 MB\n"
        "node 0 free: 1024 MB\n"
        "node 2 cpus: 2 3\n"
        "node 2 size: 2048 MB\n"
        "node 2 free: 2048 MB\n"
        "node distances:\n"
        "node   0   2 \n"
        "  0:  10  21 \n"
        "  2:  21  10 \n");
    free(text);

    char *json = vn_host_format_json(h);
    assert_non_null(strstr(json, "{\"id\": 3, \"socket\": null, \"die\": null, \"core\": null, "
                                 "\"siblings\": null, \"online\": false}"));
    assert_non_null(strstr(json, "{\"size_kib\": 2048, \"total\": 512, \"free\": 100}"));
    assert_non_null(strstr(json, "\"distances\": [{\"id\": 0, \"value\": 21}, {\"id\": 2, \"value\": 10}]"));
    free(json);
    vn_host_free(h);
}

/* No node/: one node 0 with every CPU and /proc/meminfo's memory. */
static void test_non_numa(void **state)
{
    (void)state;
    new_synth();
    put(SYS "cpu/cpu0/topology/core_id", "0\n");
    put(SYS "cpu/cpu1/topology/core_id", "1\n");
    put(SYS "cpu/online", "0-1\n");
    put("proc/meminfo", "MemTotal:        8000000 kB\nMemFree:         5000000 kB\n");
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs(synth, &e);
    if (!h)
        fail_msg("%s", e.msg);
    assert_true(h->numa_fake);
    assert_int_equal(h->nnodes, 1);
    assert_int_equal(h->nodes[0].id, 0);
    assert_int_equal(h->nodes[0].ncpus, 2);
    assert_int_equal(h->nodes[0].cpus[1].core_id, 1);
    assert_int_equal(h->nodes[0].mem_kib, 8000000);
    assert_int_equal(h->nodes[0].free_kib, 5000000);
    vn_host_free(h);
}

static void assert_load_fails(const char *root, const char *needle)
{
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs(root, &e);
    if (h)
        fail_msg("loaded %s, expected an error with '%s'", root, needle);
    assert_int_equal(e.code, VNUMA_ERR_HOST);
    if (!strstr(e.msg, needle))
        fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void test_errors(void **state)
{
    (void)state;
    assert_load_fails("/nonexistent/vnuma-root", "/nonexistent/vnuma-root");
    new_synth();
    put("README", "not sysfs\n");
    assert_load_fails(synth, "no sysfs");
    char *file = vn_asprintf("%s/README", synth);
    assert_load_fails(file, "not a directory");
    free(file);

    static const struct { const char *rel, *content, *needle; } bad[] = {
        {SYS "node/node0/cpulist", "0-3,zz\n", "cpulist"},
        {SYS "node/node0/cpulist", "0-99999\n", "cpulist"},
        {SYS "node/node0/cpumap", "0000000g\n", "cpumap"},
        {SYS "node/node0/meminfo", "Node 0 MemTotal: lots kB\n", "meminfo"},
        {SYS "node/node0/meminfo", "Node 0 MemTotal: 99999999999999999999999 kB\n", "meminfo"},
        {SYS "node/node0/distance", "10 -3\n", "distance"},
        {SYS "node/node0/hugepages/hugepages-2MB/nr_hugepages", "1\n", "hugepages-2MB"},
        {SYS "node/node0/hugepages/hugepages-2048kB/nr_hugepages", "x\n", "nr_hugepages"},
        {SYS "cpu/cpu0/topology/core_id", "\x01\x02garbage\n", "core_id"},
        {SYS "cpu/cpu0/topology/thread_siblings_list", "0,a\n", "thread_siblings_list"},
        {SYS "node/node16384/cpulist", "0\n", "16384"},
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(bad); i++) {
        new_synth();
        if (!strstr(bad[i].rel, "cpumap"))
            put(SYS "node/node0/cpulist", "0\n");
        put(bad[i].rel, bad[i].content);
        assert_load_fails(synth, bad[i].needle);
    }

    /* a mask naming CPU 16384 (one word beyond the 512 words of 16384 bits) */
    vn_buf mask = {0};
    vn_buf_add(&mask, "1");
    for (int i = 0; i < 512; i++)
        vn_buf_add(&mask, ",00000000");
    vn_buf_add(&mask, "\n");
    new_synth();
    put(SYS "node/node0/cpumap", mask.s);
    assert_load_fails(synth, "16384");
    vn_buf_free(&mask);
}

/* The only test that depends on this machine. */
static void test_live_machine(void **state)
{
    (void)state;
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs("/", &e);
    if (!h)
        fail_msg("%s", e.msg);
    assert_true(h->nnodes >= 1);
    vn_host_free(h);
    h = vn_host_load_sysfs("", &e);
    assert_non_null(h);
    vn_host_free(h);
}

/* ---- setup ----------------------------------------------------------- */

static int unpack_all(void)
{
    /* tmpfs when there is one: tens of thousands of small files */
    snprintf(unpacked, sizeof(unpacked), "%s/vnuma-hosts-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(unpacked))
        return -1;
    static const char *dirs[] = {"hosts", "libvirt-sysfs"};
    for (size_t i = 0; i < VN_ARRAY_LEN(dirs); i++) {
        char *cmd = vn_asprintf("for f in '%s/%s'/*.tar.bz2; do tar -xjf \"$f\" -C '%s' || exit 1; done",
                                fixtures, dirs[i], unpacked);
        int r = system(cmd);
        free(cmd);
        if (r != 0)
            return -1;
    }
    return 0;
}

static void remove_dir(const char *d)
{
    if (!d[0])
        return;
    char *cmd = vn_asprintf("rm -rf '%s'", d);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", d);
    free(cmd);
}

int main(int argc, char **argv)
{
    const char *f = argc > 1 ? argv[1] : getenv("VN_FIXTURES");
    char *hosts = f ? vn_asprintf("%s/hosts", f) : NULL;
    if (hosts && exists(hosts))
        fixtures = f;
    else
        fprintf(stderr, "test_host_sysfs: no fixtures folder (%s): recorded trees skipped\n",
                f ? f : "none given");
    free(hosts);
    if (fixtures && unpack_all() < 0) {
        fprintf(stderr, "test_host_sysfs: cannot unpack the fixtures\n");
        remove_dir(unpacked);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_trees),
        cmocka_unit_test(test_known_facts),
        cmocka_unit_test(test_libvirt_caps),
        cmocka_unit_test(test_hwloc),
        cmocka_unit_test(test_hwloc_cpuset),
        cmocka_unit_test(test_synthetic_tree),
        cmocka_unit_test(test_non_numa),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_live_machine),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (fixtures)
        remove_dir(unpacked);
    remove_dir(synth);
    return rc;
}
