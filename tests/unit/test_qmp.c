/*
 * test_qmp.c - the QMP client (src/qmp) against a fake monitor
 * (tests/qmp/qmp_peer.h) replaying exchanges recorded from QEMU 7.2.22
 * (tests/qmp/recorded/, made by tests/qmp/record.py), and hand-written
 * scripts for what a healthy QEMU does not do: EOF mid-reply, malformed or
 * oversized messages, silence.  A flaky vn_os (short reads and writes,
 * EINTR) checks that the client goes through the seam and retries.
 *
 * The concrete values asserted (thread ids, timestamps, addresses) are the
 * recordings'; re-recording changes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "os/os.h"
#include "qmp/qmp.h"
#include "qmp_peer.h"

#define GREETING_PACKAGE "Debian 1:7.2+dfsg-7+deb12u18+b3"

/* ---- helpers ---- */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static json_object *json(const char *text)
{
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

/* Start p and connect to it. */
static vn_qmp *connect_peer(peer *p)
{
    vn_error err = {0};
    peer_start(p);
    vn_qmp *q = vn_qmp_connect(p->path, 5000, &err);
    if (!q)
        fail_msg("connect: %s", err.msg);
    return q;
}

/* Close q, then check the peer saw exactly its script. */
static void finish(peer *p, vn_qmp *q)
{
    vn_qmp_close(q);
    const char *failure = peer_finish(p);
    if (failure[0])
        fail_msg("peer: %s", failure);
}

/* A peer that plays the recorded greeting, then the given lines. */
static void greeted(peer *p, peer_mode mode)
{
    peer_init(p, mode);
    peer_load(p, "greeting");
}

static void ok(vn_qmp_rc rc, const vn_error *err)
{
    if (rc != VN_QMP_OK)
        fail_msg("rc %d: %s", rc, err->msg);
}

static void run(vn_qmp *q, const char *command, const char *args)
{
    vn_error err = {0};
    VN_JSON_AUTO json_object *a = args ? json(args) : NULL;
    VN_JSON_AUTO json_object *ret = NULL;
    ok(vn_qmp_execute(q, command, a, &ret, 5000, &err), &err);
    assert_true(json_object_is_type(ret, json_type_object));
}

static void message_has(const vn_error *err, const char *part)
{
    if (!strstr(err->msg, part))
        fail_msg("\"%s\" is not in \"%s\"", part, err->msg);
}

/* ---- the greeting ---- */

static void test_greeting(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    vn_qmp *q = connect_peer(&p);
    const vn_qmp_version *v = vn_qmp_get_version(q);
    assert_int_equal(v->major, 7);
    assert_int_equal(v->minor, 2);
    assert_int_equal(v->micro, 22);
    assert_string_equal(v->package, GREETING_PACKAGE);
    assert_string_equal(vn_qmp_path(q), p.path);
    assert_null(vn_qmp_last_error(q));
    finish(&p, q);
}

static void test_greeting_auto_cleanup(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    {
        VN_QMP_AUTO vn_qmp *q = connect_peer(&p);
        assert_non_null(q);
    }
    assert_string_equal(peer_finish(&p), "");
}

static void test_not_qmp(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_add(&p, "< {\"hello\": \"world\"}");
    peer_start(&p);
    vn_error err = {0};
    assert_null(vn_qmp_connect(p.path, 5000, &err));
    message_has(&err, "QMP greeting on ");
    message_has(&err, "not a QMP greeting");
    assert_string_equal(peer_finish(&p), "");
}

static void test_capabilities_refused(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_add(&p, "< {\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7},"
                 " \"package\": \"\"}, \"capabilities\": []}}");
    peer_add(&p, "> {\"execute\": \"qmp_capabilities\"}");
    peer_add(&p, "< {\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                 "\"Capabilities negotiation is already complete, command ignored\"}}");
    peer_start(&p);
    vn_error err = {0};
    assert_null(vn_qmp_connect(p.path, 5000, &err));
    assert_string_equal(err.msg, "QMP qmp_capabilities: CommandNotFound: Capabilities "
                                 "negotiation is already complete, command ignored");
    assert_string_equal(peer_finish(&p), "");
}

/* ---- connecting ---- */

static void test_connect_late_socket(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    p.bind_delay_ms = 150;      /* no socket file: ENOENT */
    p.listen_delay_ms = 150;    /* then a socket nobody listens on: ECONNREFUSED */
    uint64_t t0 = now_ms();
    vn_qmp *q = connect_peer(&p);
    assert_true(now_ms() - t0 >= 300);
    assert_int_equal(vn_qmp_get_version(q)->major, 7);
    finish(&p, q);
}

static void test_connect_timeout(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);  /* never started: the socket never appears */
    vn_error err = {0};
    uint64_t t0 = now_ms();
    assert_null(vn_qmp_connect(p.path, 200, &err));
    uint64_t took = now_ms() - t0;
    assert_true(took >= 200 && took < 3000);
    char want[256];
    snprintf(want, sizeof want, "QMP connect on %s: timed out after 200 ms (No such file or directory)",
             p.path);
    assert_string_equal(err.msg, want);
    assert_int_equal(err.code, VNUMA_ERR_SYSTEM);
    peer_finish(&p);
}

static void test_connect_bad_path(void **state)
{
    (void)state;
    char path[200];
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    vn_error err = {0};
    assert_null(vn_qmp_connect(path, 100, &err));
    message_has(&err, "not a usable socket path (too long)");
    vn_error err2 = {0};
    assert_null(vn_qmp_connect("/nonexistent-dir/x/../qmp.sock", 0, &err2));
    message_has(&err2, "timed out after 0 ms");
}

static void test_greeting_timeout(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_add(&p, "! sleep 400");
    peer_start(&p);
    vn_error err = {0};
    assert_null(vn_qmp_connect(p.path, 150, &err));
    char want[256];
    snprintf(want, sizeof want, "QMP greeting on %s: timed out after 150 ms", p.path);
    assert_string_equal(err.msg, want);
    assert_string_equal(peer_finish(&p), "");
}

/* ---- idle work (vn_qmp_idle) ---- */

static struct idle_log {
    unsigned n;
    uint64_t first_ms, last_ms, min_gap_ms;
} il;

static bool idle_tick(void *opaque)
{
    unsigned *stop_after = opaque;
    uint64_t t = now_ms();
    if (il.n == 0)
        il.first_ms = t;
    else if (t - il.last_ms < il.min_gap_ms)
        il.min_gap_ms = t - il.last_ms;
    il.last_ms = t;
    il.n++;
    return !stop_after || il.n < *stop_after;
}

/* It runs at once in the first wait, then every period while a wait lasts
 * (the greeting 200 ms late, a reply 150 ms late), never outside a wait,
 * and no more once taken away. */
static void test_idle_work(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_add(&p, "! sleep 200");
    peer_load(&p, "greeting");
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, "! sleep 150");
    peer_add(&p, "< {\"return\": {\"status\": \"prelaunch\"}, \"id\": 2}");
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, "! sleep 100");
    peer_add(&p, "< {\"return\": {\"status\": \"prelaunch\"}, \"id\": 3}");
    peer_start(&p);
    il = (struct idle_log){.min_gap_ms = UINT64_MAX};
    vn_qmp_idle idle = {.fn = idle_tick, .period_ms = 20};
    vn_error err = {0};
    uint64_t t0 = now_ms();
    vn_qmp *q = vn_qmp_connect_idle(p.path, 5000, &idle, &err);
    if (!q)
        fail_msg("connect: %s", err.msg);
    uint64_t t1 = now_ms();
    assert_true(il.first_ms - t0 < 50);
    /* ~200 ms at one run per 20 ms: about 10 (scheduling may stretch a gap) */
    assert_in_range(il.n, 5, 12);
    assert_true(il.min_gap_ms >= 19);
    unsigned after_connect = il.n;
    assert_true(t1 - il.last_ms < 60);
    VN_JSON_AUTO json_object *a = NULL;
    ok(vn_qmp_execute(q, "query-status", NULL, &a, 5000, &err), &err);
    assert_in_range(il.n - after_connect, 4, 9);   /* ~150 ms */
    unsigned after_reply = il.n;
    vn_qmp_set_idle(q, NULL);
    VN_JSON_AUTO json_object *b = NULL;
    ok(vn_qmp_execute(q, "query-status", NULL, &b, 5000, &err), &err);
    assert_int_equal(il.n, after_reply);
    finish(&p, q);
}

/* Idle work that says it is done (false) runs no more, though the wait
 * goes on. */
static void test_idle_work_done(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_add(&p, "! sleep 200");
    peer_load(&p, "greeting");
    peer_start(&p);
    il = (struct idle_log){.min_gap_ms = UINT64_MAX};
    unsigned stop_after = 3;
    vn_qmp_idle idle = {.fn = idle_tick, .opaque = &stop_after, .period_ms = 20};
    vn_error err = {0};
    vn_qmp *q = vn_qmp_connect_idle(p.path, 5000, &idle, &err);
    if (!q)
        fail_msg("connect: %s", err.msg);
    assert_int_equal(il.n, 3);
    finish(&p, q);
}

/* ---- the query wrappers over the recordings ---- */

static void test_query_cpus_fast(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "query-cpus-fast");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    vn_qmp_cpu_list cpus = {0};
    ok(vn_qmp_query_cpus_fast(q, &cpus, &err), &err);
    assert_int_equal(cpus.n, 2);
    assert_int_equal(cpus.items[0].cpu_index, 0);
    assert_int_equal(cpus.items[0].thread_id, 17778);
    assert_string_equal(cpus.items[0].qom_path, "/machine/unattached/device[0]");
    assert_int_equal(cpus.items[1].cpu_index, 1);
    assert_int_equal(cpus.items[1].thread_id, 17779);
    assert_int_equal(cpus.items[1].props.node_id, 0);
    assert_int_equal(cpus.items[1].props.socket_id, 0);
    assert_int_equal(cpus.items[1].props.core_id, 1);
    assert_int_equal(cpus.items[1].props.thread_id, 0);
    assert_int_equal(cpus.items[1].props.die_id, -1);     /* not reported */
    vn_qmp_cpu_list_clear(&cpus);
    assert_int_equal(cpus.n, 0);
    finish(&p, q);
}

static void test_query_iothreads(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "query-iothreads");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    vn_qmp_iothread_list l = {0};
    ok(vn_qmp_query_iothreads(q, &l, &err), &err);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].id, "iothread1");
    assert_int_equal(l.items[0].thread_id, 17813);
    vn_qmp_iothread_list_clear(&l);
    finish(&p, q);
}

static void test_query_hotpluggable_cpus(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "query-hotpluggable-cpus");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    vn_qmp_hotpluggable_cpu_list l = {0};
    ok(vn_qmp_query_hotpluggable_cpus(q, &l, &err), &err);
    assert_int_equal(l.n, 4);
    /* QEMU lists the slots last first; the two absent ones are node 1's */
    assert_string_equal(l.items[0].type, "qemu64-x86_64-cpu");
    assert_int_equal(l.items[0].vcpus_count, 1);
    assert_null(l.items[0].qom_path);
    assert_int_equal(l.items[0].props.core_id, 3);
    assert_int_equal(l.items[0].props.node_id, 1);
    assert_null(l.items[1].qom_path);
    assert_int_equal(l.items[1].props.core_id, 2);
    assert_string_equal(l.items[2].qom_path, "/machine/unattached/device[2]");
    assert_int_equal(l.items[2].props.node_id, 0);
    assert_string_equal(l.items[3].qom_path, "/machine/unattached/device[0]");
    assert_int_equal(l.items[3].props.socket_id, 0);
    assert_int_equal(l.items[3].props.thread_id, 0);
    vn_qmp_hotpluggable_cpu_list_clear(&l);
    finish(&p, q);
}

static void test_cpu_hotplug(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "cpu-hotplug");
    vn_qmp *q = connect_peer(&p);
    run(q, "device_add", "{\"driver\": \"qemu64-x86_64-cpu\", \"id\": \"vcpu2\", \"socket-id\": 0,"
                         " \"core-id\": 2, \"thread-id\": 0, \"node-id\": 1}");
    vn_error err = {0};
    vn_qmp_hotpluggable_cpu_list h = {0};
    ok(vn_qmp_query_hotpluggable_cpus(q, &h, &err), &err);
    assert_int_equal(h.n, 4);
    assert_null(h.items[0].qom_path);
    assert_string_equal(h.items[1].qom_path, "/machine/peripheral/vcpu2");
    vn_qmp_hotpluggable_cpu_list_clear(&h);
    vn_qmp_cpu_list cpus = {0};
    ok(vn_qmp_query_cpus_fast(q, &cpus, &err), &err);
    assert_int_equal(cpus.n, 3);
    assert_int_equal(cpus.items[2].cpu_index, 2);
    assert_int_equal(cpus.items[2].thread_id, 22088);
    assert_int_equal(cpus.items[2].props.node_id, 1);
    assert_int_equal(cpus.items[2].props.core_id, 2);
    assert_string_equal(cpus.items[2].qom_path, "/machine/peripheral/vcpu2");
    vn_qmp_cpu_list_clear(&cpus);
    finish(&p, q);
}

static const char dimm_backend[] = "{\"qom-type\": \"memory-backend-ram\", \"id\": \"memdimm0\","
                                   " \"size\": 268435456, \"host-nodes\": [0], \"policy\": \"bind\"}";
static const char dimm[] = "{\"driver\": \"pc-dimm\", \"id\": \"dimm0\", \"memdev\": \"memdimm0\","
                           " \"node\": 1}";

static void check_dimm0(vn_qmp *q)
{
    vn_error err = {0};
    vn_qmp_memory_device_list l = {0};
    ok(vn_qmp_query_memory_devices(q, &l, &err), &err);
    assert_int_equal(l.n, 1);
    vn_qmp_memory_device *m = &l.items[0];
    assert_int_equal(m->type, VN_QMP_MEM_DIMM);
    assert_string_equal(m->type_name, "dimm");
    assert_string_equal(m->id, "dimm0");
    assert_string_equal(m->memdev, "/objects/memdimm0");
    assert_int_equal(m->addr, 4294967296u);
    assert_int_equal(m->size, 268435456u);
    assert_int_equal(m->slot, 0);
    assert_int_equal(m->node, 1);
    assert_true(m->hotplugged);
    assert_true(m->hotpluggable);
    assert_int_equal(m->requested_size, 0);
    vn_qmp_memory_device_list_clear(&l);
}

static void test_dimm_hotplug(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "dimm-hotplug");
    vn_qmp *q = connect_peer(&p);
    run(q, "object-add", dimm_backend);
    run(q, "device_add", dimm);
    check_dimm0(q);
    vn_error err = {0};
    vn_qmp_memdev_list l = {0};
    ok(vn_qmp_query_memdev(q, &l, &err), &err);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.items[0].id, "ram-node1");
    assert_int_equal(l.items[0].size, 134217728u);
    assert_string_equal(l.items[0].policy, "default");
    assert_int_equal(l.items[0].n_host_nodes, 0);
    vn_qmp_memdev *m = &l.items[1];
    assert_string_equal(m->id, "memdimm0");
    assert_int_equal(m->size, 268435456u);
    assert_string_equal(m->policy, "bind");
    assert_int_equal(m->n_host_nodes, 1);
    assert_int_equal(m->host_nodes[0], 0);
    assert_false(m->prealloc);
    assert_false(m->share);
    assert_string_equal(l.items[2].id, "ram-node0");
    vn_qmp_memdev_list_clear(&l);
    finish(&p, q);
}

static void test_virtio_mem(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "virtio-mem");
    vn_qmp *q = connect_peer(&p);
    run(q, "object-add", "{\"qom-type\": \"memory-backend-ram\", \"id\": \"memvm0\","
                         " \"size\": 536870912}");
    run(q, "device_add", "{\"driver\": \"virtio-mem-pci\", \"id\": \"virtiomem0\", \"memdev\":"
                         " \"memvm0\", \"node\": 0, \"requested-size\": 0}");
    run(q, "qom-set", "{\"path\": \"/machine/peripheral/virtiomem0\", \"property\":"
                      " \"requested-size\", \"value\": 134217728}");
    vn_error err = {0};
    vn_qmp_memory_device_list l = {0};
    ok(vn_qmp_query_memory_devices(q, &l, &err), &err);
    assert_int_equal(l.n, 1);
    vn_qmp_memory_device *m = &l.items[0];
    assert_int_equal(m->type, VN_QMP_MEM_VIRTIO_MEM);
    assert_string_equal(m->id, "virtiomem0");
    assert_string_equal(m->memdev, "/objects/memvm0");
    assert_int_equal(m->addr, 4294967296u);
    assert_int_equal(m->size, 0);               /* no guest driver plugged anything */
    assert_int_equal(m->requested_size, 134217728u);
    assert_int_equal(m->block_size, 2097152u);
    assert_int_equal(m->max_size, 536870912u);
    assert_int_equal(m->node, 0);
    assert_int_equal(m->slot, -1);
    vn_qmp_memory_device_list_clear(&l);
    /* and no MEMORY_DEVICE_SIZE_CHANGE came */
    assert_int_equal(vn_qmp_wait_event(q, "MEMORY_DEVICE_SIZE_CHANGE", NULL, NULL, 0, NULL, &err),
                     VN_QMP_TIMEOUT);
    finish(&p, q);
}

static void test_hmp(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "hmp-gpa2hva");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    VN_AUTOFREE char *text = NULL;
    ok(vn_qmp_hmp(q, "gpa2hva 0", &text, &err), &err);
    assert_string_equal(text, "Host virtual address for 0x0 (ram-node0) is 0x7fc6a7e00000\r\n");
    VN_AUTOFREE char *text2 = NULL;
    ok(vn_qmp_hmp(q, "gpa2hva 0x80000000", &text2, &err), &err);   /* an HMP error is text */
    assert_string_equal(text2, "No memory is mapped at address 0x80000000\r\n");
    finish(&p, q);
}

/* ---- QEMU's error replies ---- */

static void test_device_add_duplicate(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "device-add-duplicate");
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, "< {\"return\": {\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false},"
                 " \"id\": 5}");
    vn_qmp *q = connect_peer(&p);
    run(q, "object-add", dimm_backend);
    run(q, "device_add", dimm);
    vn_error err = {0};
    VN_JSON_AUTO json_object *args = json(dimm);
    json_object *ret = (json_object *)1;
    assert_int_equal(vn_qmp_execute(q, "device_add", args, &ret, 5000, &err), VN_QMP_QEMU_ERROR);
    assert_null(ret);
    assert_string_equal(err.msg, "QMP device_add: GenericError: Duplicate device ID 'dimm0'");
    assert_int_equal(err.cls, VN_ERRC_QMP);
    assert_string_equal(err.qmp_class, "GenericError");
    const vn_qmp_error *qe = vn_qmp_last_error(q);
    assert_non_null(qe);
    assert_string_equal(qe->cls, "GenericError");
    assert_string_equal(qe->desc, "Duplicate device ID 'dimm0'");
    /* the connection is still good */
    run(q, "query-status", NULL);
    assert_null(vn_qmp_last_error(q));
    finish(&p, q);
}

static void test_object_del_in_use(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "object-del-in-use");
    vn_qmp *q = connect_peer(&p);
    run(q, "object-add", dimm_backend);
    run(q, "device_add", dimm);
    vn_error err = {0};
    VN_JSON_AUTO json_object *args = json("{\"id\": \"memdimm0\"}");
    assert_int_equal(vn_qmp_execute(q, "object-del", args, NULL, 5000, &err), VN_QMP_QEMU_ERROR);
    assert_string_equal(vn_qmp_last_error(q)->desc, "object 'memdimm0' is in use, can not be deleted");
    assert_string_equal(err.msg, "QMP object-del: GenericError: object 'memdimm0' is in use, can not be deleted");
    finish(&p, q);
}

static void test_error_without_id(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    /* what QEMU answers to a request it cannot parse: no id */
    peer_add(&p, "! raw {\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, "
                 "invalid keyword 'x'\"}}\r\n");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    assert_int_equal(vn_qmp_execute(q, "query-status", NULL, NULL, 5000, &err), VN_QMP_QEMU_ERROR);
    assert_string_equal(vn_qmp_last_error(q)->desc, "JSON parse error, invalid keyword 'x'");
    finish(&p, q);
}

/* ---- the fake peer itself ---- */

static void test_peer_renumbers_ids(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"query-status\", \"id\": 41}");
    peer_add(&p, "< {\"return\": {\"status\": \"prelaunch\"}, \"id\": 41}");   /* sent with id 2 */
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    ok(vn_qmp_execute(q, "query-status", NULL, NULL, 2000, &err), &err);
    finish(&p, q);
}

static void test_peer_catches_wrong_command(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    assert_int_equal(vn_qmp_execute(q, "stop", NULL, NULL, 2000, &err), VN_QMP_FAILED);
    message_has(&err, "QEMU closed the monitor");
    vn_qmp_close(q);
    assert_non_null(strstr(peer_finish(&p), "where the script has {\"execute\": \"query-status\"}"));
}

/* ---- events ---- */

static void test_events_before_reply(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "stop-cont");   /* QEMU sends RESUME, then cont's return */
    vn_qmp *q = connect_peer(&p);
    run(q, "cont", NULL);
    vn_error err = {0};
    VN_JSON_AUTO json_object *ev = NULL;
    /* queued: found without waiting */
    ok(vn_qmp_wait_event(q, "RESUME", NULL, NULL, 0, &ev, &err), &err);
    json_object *ts = NULL, *v = NULL;
    assert_true(json_object_object_get_ex(ev, "timestamp", &ts));
    assert_true(json_object_object_get_ex(ts, "seconds", &v));
    assert_int_equal(json_object_get_int64(v), 1796160953);
    assert_true(json_object_object_get_ex(ts, "microseconds", &v));
    assert_int_equal(json_object_get_int64(v), 521219);
    assert_null(vn_qmp_event_data(ev));
    run(q, "stop", NULL);
    run(q, "query-status", NULL);
    ok(vn_qmp_wait_event(q, "STOP", NULL, NULL, 0, NULL, &err), &err);
    /* each event is returned once */
    assert_int_equal(vn_qmp_wait_event(q, "STOP", NULL, NULL, 0, NULL, &err), VN_QMP_TIMEOUT);
    assert_int_equal(vn_qmp_wait_event(q, "RESUME", NULL, NULL, 0, NULL, &err), VN_QMP_TIMEOUT);
    assert_int_equal(err.code, VNUMA_OK);
    finish(&p, q);
}

static void test_device_deleted(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "device-del-sync");
    vn_qmp *q = connect_peer(&p);
    run(q, "device_add", "{\"driver\": \"virtserialport\", \"id\": \"port0\", \"name\": \"org.vnuma.0\"}");
    run(q, "device_del", "{\"id\": \"port0\"}");
    vn_error err = {0};
    VN_JSON_AUTO json_object *ev = NULL;
    vn_qmp_data_match other = {"device", "port1"}, port0 = {"device", "port0"};
    assert_int_equal(vn_qmp_wait_event(q, "DEVICE_DELETED", vn_qmp_match_data, &other, 100, NULL, &err),
                     VN_QMP_TIMEOUT);
    ok(vn_qmp_wait_event(q, "DEVICE_DELETED", vn_qmp_match_data, &port0, 2000, &ev, &err), &err);
    json_object *path;
    assert_true(json_object_object_get_ex(vn_qmp_event_data(ev), "path", &path));
    assert_string_equal(json_object_get_string(path), "/machine/peripheral/port0");
    VN_JSON_AUTO json_object *args = json("{\"path\": \"/machine/peripheral\"}");
    VN_JSON_AUTO json_object *ret = NULL;
    ok(vn_qmp_execute(q, "qom-list", args, &ret, 5000, &err), &err);
    assert_int_equal(json_object_array_length(ret), 2);     /* type and vser0: port0 is gone */
    finish(&p, q);
}

static void test_device_del_no_guest(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_LINES);
    peer_load(&p, "device-del-no-guest");
    vn_qmp *q = connect_peer(&p);
    run(q, "object-add", dimm_backend);
    run(q, "device_add", dimm);
    run(q, "device_del", "{\"id\": \"dimm0\"}");
    vn_error err = {0};
    vn_qmp_data_match m = {"device", "dimm0"};
    json_object *ev = (json_object *)1;
    uint64_t t0 = now_ms();
    assert_int_equal(vn_qmp_wait_event(q, "DEVICE_DELETED", vn_qmp_match_data, &m, 300, &ev, &err),
                     VN_QMP_TIMEOUT);
    assert_true(now_ms() - t0 >= 300);
    assert_null(ev);
    assert_int_equal(err.code, VNUMA_OK);       /* a timeout is not an error */
    check_dimm0(q);                             /* still there */
    finish(&p, q);
}

/* Hand-written events in QEMU 7.2's form, queued in an order a filter
 * picks from. */
static void test_wait_event_picks(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_COALESCED);
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 1}, \"event\": \"DEVICE_DELETED\","
                 " \"data\": {\"device\": \"dimm1\", \"path\": \"/machine/peripheral/dimm1\"}}");
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"ACPI_DEVICE_OST\","
                 " \"data\": {\"info\": {\"device\": \"dimm0\", \"source\": 3, \"status\": 0,"
                 " \"slot\": \"0\", \"slot-type\": \"DIMM\"}}}");
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": 3}, \"event\": \"DEVICE_DELETED\","
                 " \"data\": {\"device\": \"dimm0\", \"path\": \"/machine/peripheral/dimm0\"}}");
    peer_add(&p, "< {\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": 2}");
    peer_add(&p, "! sleep 150");
    peer_add(&p, "< {\"timestamp\": {\"seconds\": 2, \"microseconds\": 0}, \"event\": "
                 "\"DEVICE_UNPLUG_GUEST_ERROR\", \"data\": {\"device\": \"dimm2\", \"path\": "
                 "\"/machine/peripheral/dimm2\"}}");
    vn_qmp *q = connect_peer(&p);
    run(q, "query-status", NULL);
    vn_error err = {0};
    vn_qmp_data_match d0 = {"device", "dimm0"}, d1 = {"device", "dimm1"};
    VN_JSON_AUTO json_object *ev = NULL;
    ok(vn_qmp_wait_event(q, "DEVICE_DELETED", vn_qmp_match_data, &d0, 0, &ev, &err), &err);
    json_object *us;
    json_object_object_get_ex(json_object_object_get(ev, "timestamp"), "microseconds", &us);
    assert_int_equal(json_object_get_int(us), 3);
    ok(vn_qmp_wait_event(q, "ACPI_DEVICE_OST", NULL, NULL, 0, NULL, &err), &err);
    ok(vn_qmp_wait_event(q, "DEVICE_DELETED", vn_qmp_match_data, &d1, 0, NULL, &err), &err);
    assert_int_equal(vn_qmp_wait_event(q, "DEVICE_DELETED", NULL, NULL, 0, NULL, &err), VN_QMP_TIMEOUT);
    /* one that arrives while waiting */
    uint64_t t0 = now_ms();
    ok(vn_qmp_wait_event(q, "DEVICE_UNPLUG_GUEST_ERROR", NULL, NULL, 5000, NULL, &err), &err);
    assert_true(now_ms() - t0 >= 100);
    assert_int_equal(vn_qmp_events_dropped(q), 0);
    finish(&p, q);
}

static void test_event_queue_bound(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_COALESCED);
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    for (int i = 0; i < VN_QMP_MAX_EVENTS + 6; i++)
        peer_addf(&p, "< {\"timestamp\": {\"seconds\": 1, \"microseconds\": %d}, \"event\": \"BALLOON_CHANGE\","
                      " \"data\": {\"actual\": %d}}", i, i);
    peer_add(&p, "< {\"return\": {}, \"id\": 2}");
    vn_qmp *q = connect_peer(&p);
    run(q, "query-status", NULL);
    assert_int_equal(vn_qmp_events_dropped(q), 6);
    vn_error err = {0};
    VN_JSON_AUTO json_object *ev = NULL;
    ok(vn_qmp_wait_event(q, "BALLOON_CHANGE", NULL, NULL, 0, &ev, &err), &err);
    assert_int_equal(json_object_get_int(json_object_object_get(vn_qmp_event_data(ev), "actual")), 6);
    finish(&p, q);
}

/* ---- the framed reader ---- */

static void cpus_two(vn_qmp *q)
{
    vn_error err = {0};
    vn_qmp_cpu_list cpus = {0};
    ok(vn_qmp_query_cpus_fast(q, &cpus, &err), &err);
    assert_int_equal(cpus.n, 2);
    assert_int_equal(cpus.items[1].thread_id, 17779);
    vn_qmp_cpu_list_clear(&cpus);
}

static void test_partial_reads(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_BYTES);          /* a write per byte */
    peer_load(&p, "query-cpus-fast");
    vn_qmp *q = connect_peer(&p);
    cpus_two(q);
    finish(&p, q);
}

static void test_two_messages_one_write(void **state)
{
    (void)state;
    peer p;
    peer_init(&p, PEER_COALESCED);      /* RESUME and the return in one write */
    peer_load(&p, "stop-cont");
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    /* two messages, the second split by a pause */
    peer_add(&p, "! raw {\"timestamp\": {\"seconds\": 5, \"microseconds\": 0}, \"event\": \"STOP\"}\r\n"
                 "{\"return\": {\"status\": \"pau");
    peer_add(&p, "! sleep 50");
    peer_add(&p, "! raw sed\", \"singlestep\": false, \"running\": false}, \"id\": 5}\r\n");
    vn_qmp *q = connect_peer(&p);
    run(q, "cont", NULL);
    run(q, "stop", NULL);
    vn_error err = {0};
    VN_JSON_AUTO json_object *ret = NULL;
    ok(vn_qmp_execute(q, "query-status", NULL, &ret, 5000, &err), &err);
    VN_JSON_AUTO json_object *ret2 = NULL;
    ok(vn_qmp_execute(q, "query-status", NULL, &ret2, 5000, &err), &err);
    assert_string_equal(json_object_get_string(json_object_object_get(ret2, "status")), "paused");
    ok(vn_qmp_wait_event(q, "RESUME", NULL, NULL, 0, NULL, &err), &err);
    ok(vn_qmp_wait_event(q, "STOP", NULL, NULL, 0, NULL, &err), &err);
    ok(vn_qmp_wait_event(q, "STOP", NULL, NULL, 0, NULL, &err), &err);
    finish(&p, q);
}

/* A reply, then garbage in the same write: the reply stands, the garbage
 * is the next message's problem. */
static void test_garbage_after_reply(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, "! raw {\"return\": {}, \"id\": 2}\r\n\xb7{}\r\n");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    ok(vn_qmp_execute(q, "query-status", NULL, NULL, 5000, &err), &err);
    assert_int_equal(vn_qmp_wait_event(q, "STOP", NULL, NULL, 1000, NULL, &err), VN_QMP_FAILED);
    message_has(&err, "malformed QMP reply (invalid utf-8 string)");
    finish(&p, q);
}

/* A script after the greeting whose reply to query-status is `raw`; the
 * command must fail with a message holding `why`. */
static void broken_reply(const char *raw, const char *why)
{
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, raw);
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    assert_int_equal(vn_qmp_execute(q, "query-status", NULL, NULL, 5000, &err), VN_QMP_FAILED);
    char prefix[160];
    snprintf(prefix, sizeof prefix, "QMP query-status on %s: ", p.path);
    message_has(&err, prefix);
    message_has(&err, why);
    /* and the connection is not used again */
    vn_error err2 = {0};
    assert_int_equal(vn_qmp_execute(q, "query-status", NULL, NULL, 5000, &err2), VN_QMP_FAILED);
    message_has(&err2, "unusable after an earlier error");
    assert_int_equal(vn_qmp_wait_event(q, "STOP", NULL, NULL, 0, NULL, &err2), VN_QMP_FAILED);
    finish(&p, q);
}

static void test_eof_mid_reply(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, "! raw {\"return\": {\"sta");
    peer_add(&p, "! close");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    assert_int_equal(vn_qmp_execute(q, "query-status", NULL, NULL, 5000, &err), VN_QMP_FAILED);
    char want[256];
    snprintf(want, sizeof want, "QMP query-status on %s: QEMU closed the monitor in the middle of a message",
             p.path);
    assert_string_equal(err.msg, want);
    finish(&p, q);
}

static void test_eof_waiting_event(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_BYTES);    /* the last "\r\n" apart: not "in the middle" */
    peer_add(&p, "! sleep 50");
    peer_add(&p, "! close");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    assert_int_equal(vn_qmp_wait_event(q, "DEVICE_DELETED", NULL, NULL, 5000, NULL, &err), VN_QMP_FAILED);
    char want[256];
    snprintf(want, sizeof want, "QMP waiting for DEVICE_DELETED on %s: QEMU closed the monitor", p.path);
    assert_string_equal(err.msg, want);
    finish(&p, q);
}

static void test_malformed(void **state)
{
    (void)state;
    broken_reply("! raw {\"return\": [1, 2}\r\n", "malformed QMP reply (");
    broken_reply("! raw [1, 2]\r\n", "malformed QMP reply (a message that is not a JSON object)");
    broken_reply("! raw \"return\"\r\n", "malformed QMP reply (a message that is not a JSON object)");
    broken_reply("! raw {\"return\": {}, }\r\n", "malformed QMP reply (");
    broken_reply("! raw {\"return\": \"\xff\xfe\"}\r\n", "malformed QMP reply (");
    broken_reply("! raw {\"return\": \"a\\0b\"}\r\n", "malformed QMP reply (");  /* a NUL */
    broken_reply("< {\"foo\": 1}", "malformed QMP reply (neither a reply nor an event: ");
    broken_reply("< {\"event\": 7}", "malformed QMP reply (neither a reply nor an event: ");
    broken_reply("< {\"QMP\": {}}", "malformed QMP reply (neither a reply nor an event: ");
    broken_reply("< {\"error\": \"GenericError\", \"id\": 2}", "malformed QMP reply (an error without class and desc)");
    broken_reply("! close", "QEMU closed the monitor");
}

static void test_too_deep(void **state)
{
    (void)state;
    char deep[16 + 4 * VN_QMP_MAX_DEPTH];
    size_t n = 0;
    n += (size_t)sprintf(deep + n, "! raw {\"return\": ");
    for (int i = 0; i < VN_QMP_MAX_DEPTH + 1; i++)
        deep[n++] = '[';
    for (int i = 0; i < VN_QMP_MAX_DEPTH + 1; i++)
        deep[n++] = ']';
    sprintf(deep + n, "}\r\n");
    broken_reply(deep, "malformed QMP reply (JSON nested too deep)");
}

static void test_oversized(void **state)
{
    (void)state;
    broken_reply("! big 17000000", "malformed QMP reply (a message over 16 MiB)");
    /* whitespace counts too: no unbounded reading */
    broken_reply("! spaces 17000000", "malformed QMP reply (a message over 16 MiB)");
}

static void test_large_reply(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info mtree\"}}");
    peer_add(&p, "! big 4000000");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    VN_AUTOFREE char *text = NULL;
    ok(vn_qmp_hmp(q, "info mtree", &text, &err), &err);
    assert_int_equal(strlen(text), 4000000);
    finish(&p, q);
}

/* ---- timeouts ---- */

static void test_execute_timeout_late_reply(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, "! sleep 600");
    peer_add(&p, "< {\"return\": {\"status\": \"late\"}, \"id\": 2}");
    peer_add(&p, "> {\"execute\": \"query-status\"}");
    peer_add(&p, "< {\"return\": {\"status\": \"prelaunch\"}, \"id\": 3}");
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    uint64_t t0 = now_ms();
    assert_int_equal(vn_qmp_execute(q, "query-status", NULL, NULL, 100, &err), VN_QMP_TIMEOUT);
    uint64_t took = now_ms() - t0;
    assert_true(took >= 100 && took < 590);
    char want[256];
    snprintf(want, sizeof want, "QMP query-status on %s: timed out after 100 ms", p.path);
    assert_string_equal(err.msg, want);
    /* the late reply (id 2) is not taken for the next command's (id 3) */
    vn_error err2 = {0};
    VN_JSON_AUTO json_object *ret = NULL;
    ok(vn_qmp_execute(q, "query-status", NULL, &ret, 5000, &err2), &err2);
    assert_string_equal(json_object_get_string(json_object_object_get(ret, "status")), "prelaunch");
    finish(&p, q);
}

/* ---- the system-call seam: short reads and writes, EINTR ---- */

static struct flaky {
    vn_os os;
    int socket_type;
    unsigned reads, writes, polls, eintr;
} fl;

static ssize_t flaky_read(const vn_os *os, int fd, void *buf, size_t n)
{
    const vn_os *r = vn_os_real();
    if (fl.reads++ % 3 == 1) {
        fl.eintr++;
        errno = EINTR;
        return -1;
    }
    return r->read(r, fd, buf, n < 1 ? n : 1);
}

static ssize_t flaky_write(const vn_os *os, int fd, const void *buf, size_t n)
{
    const vn_os *r = vn_os_real();
    if (fl.writes++ % 2 == 1) {
        fl.eintr++;
        errno = EINTR;
        return -1;
    }
    return r->write(r, fd, buf, n < 3 ? n : 3);
}

static int flaky_poll(const vn_os *os, struct pollfd *fds, nfds_t n, int timeout_ms)
{
    const vn_os *r = vn_os_real();
    if (fl.polls++ % 4 == 3) {
        fl.eintr++;
        errno = EINTR;
        return -1;
    }
    return r->poll(r, fds, n, timeout_ms);
}

static int flaky_socket(const vn_os *os, int domain, int type, int protocol)
{
    const vn_os *r = vn_os_real();
    fl.socket_type = type;
    return r->socket(r, domain, type, protocol);
}

static void test_flaky_os(void **state)
{
    (void)state;
    fl = (struct flaky){.os = *vn_os_real()};
    fl.os.name = "flaky";
    fl.os.read = flaky_read;
    fl.os.write = flaky_write;
    fl.os.poll = flaky_poll;
    fl.os.socket = flaky_socket;
    const vn_os *prev = vn_os_set(&fl.os);
    peer p;
    peer_init(&p, PEER_COALESCED);
    peer_load(&p, "query-cpus-fast");
    vn_qmp *q = connect_peer(&p);
    cpus_two(q);
    finish(&p, q);
    vn_os_set(prev);
    assert_int_equal(fl.socket_type, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK);
    assert_true(fl.reads > 500);    /* one byte a read */
    assert_true(fl.eintr > 100);
}

/* ---- the wrappers refuse replies of the wrong shape ---- */

static void test_wrapper_bad_shape(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    peer_add(&p, "> {\"execute\": \"query-cpus-fast\"}");
    peer_add(&p, "< {\"return\": [{\"thread-id\": 1, \"props\": {}, \"qom-path\": \"/a\", \"cpu-index\": 0},"
                 " {\"thread-id\": \"x\", \"qom-path\": \"/b\", \"cpu-index\": 1}], \"id\": 2}");
    peer_add(&p, "> {\"execute\": \"query-memdev\"}");
    peer_add(&p, "< {\"return\": [{\"size\": 1, \"policy\": \"bind\", \"host-nodes\": [70000],"
                 " \"prealloc\": false, \"share\": false}], \"id\": 3}");
    peer_add(&p, "> {\"execute\": \"query-iothreads\"}");
    peer_add(&p, "< {\"return\": {}, \"id\": 4}");
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, "< {\"return\": [{\"type\": \"dimm\", \"data\": {\"addr\": -1}}], \"id\": 5}");
    peer_add(&p, "> {\"execute\": \"query-hotpluggable-cpus\"}");
    peer_add(&p, "< {\"return\": [7], \"id\": 6}");
    peer_add(&p, "> {\"execute\": \"query-memory-devices\"}");
    peer_add(&p, "< {\"return\": [{\"type\": \"virtio-pmem\", \"data\": {\"memaddr\": 1}}], \"id\": 7}");
    vn_qmp *q = connect_peer(&p);
    char want[256];
    vn_error err = {0};
    vn_qmp_cpu_list cpus = {0};
    assert_int_equal(vn_qmp_query_cpus_fast(q, &cpus, &err), VN_QMP_FAILED);
    snprintf(want, sizeof want, "QMP query-cpus-fast on %s: malformed reply (entry 1: thread-id is not an integer)",
             p.path);
    assert_string_equal(err.msg, want);
    assert_null(cpus.items);
    vn_error e2 = {0};
    vn_qmp_memdev_list md = {0};
    assert_int_equal(vn_qmp_query_memdev(q, &md, &e2), VN_QMP_FAILED);
    message_has(&e2, "malformed reply (entry 0: host-nodes[0] is not a node number)");
    vn_error e3 = {0};
    vn_qmp_iothread_list io = {0};
    assert_int_equal(vn_qmp_query_iothreads(q, &io, &e3), VN_QMP_FAILED);
    message_has(&e3, "malformed reply (not an array)");
    vn_error e4 = {0};
    vn_qmp_memory_device_list mem = {0};
    assert_int_equal(vn_qmp_query_memory_devices(q, &mem, &e4), VN_QMP_FAILED);
    message_has(&e4, "malformed reply (entry 0: addr is negative)");
    vn_error e5 = {0};
    vn_qmp_hotpluggable_cpu_list h = {0};
    assert_int_equal(vn_qmp_query_hotpluggable_cpus(q, &h, &e5), VN_QMP_FAILED);
    message_has(&e5, "malformed reply (entry 0: not an object)");
    /* a type this client does not know: kept by name */
    vn_error e6 = {0};
    ok(vn_qmp_query_memory_devices(q, &mem, &e6), &e6);
    assert_int_equal(mem.n, 1);
    assert_int_equal(mem.items[0].type, VN_QMP_MEM_OTHER);
    assert_string_equal(mem.items[0].type_name, "virtio-pmem");
    vn_qmp_memory_device_list_clear(&mem);
    finish(&p, q);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    peer p;
    greeted(&p, PEER_LINES);
    vn_qmp *q = connect_peer(&p);
    vn_error err = {0};
    VN_JSON_AUTO json_object *arr = json("[1]");
    assert_int_equal(vn_qmp_execute(q, "device_add", arr, NULL, 100, &err), VN_QMP_FAILED);
    assert_int_equal(err.code, VNUMA_ERR_INVALID);
    message_has(&err, "arguments must be a JSON object");
    finish(&p, q);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_greeting),
        cmocka_unit_test(test_greeting_auto_cleanup),
        cmocka_unit_test(test_not_qmp),
        cmocka_unit_test(test_capabilities_refused),
        cmocka_unit_test(test_connect_late_socket),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_connect_bad_path),
        cmocka_unit_test(test_greeting_timeout),
        cmocka_unit_test(test_idle_work),
        cmocka_unit_test(test_idle_work_done),
        cmocka_unit_test(test_query_cpus_fast),
        cmocka_unit_test(test_query_iothreads),
        cmocka_unit_test(test_query_hotpluggable_cpus),
        cmocka_unit_test(test_cpu_hotplug),
        cmocka_unit_test(test_dimm_hotplug),
        cmocka_unit_test(test_virtio_mem),
        cmocka_unit_test(test_hmp),
        cmocka_unit_test(test_device_add_duplicate),
        cmocka_unit_test(test_object_del_in_use),
        cmocka_unit_test(test_error_without_id),
        cmocka_unit_test(test_peer_renumbers_ids),
        cmocka_unit_test(test_peer_catches_wrong_command),
        cmocka_unit_test(test_events_before_reply),
        cmocka_unit_test(test_device_deleted),
        cmocka_unit_test(test_device_del_no_guest),
        cmocka_unit_test(test_wait_event_picks),
        cmocka_unit_test(test_event_queue_bound),
        cmocka_unit_test(test_partial_reads),
        cmocka_unit_test(test_two_messages_one_write),
        cmocka_unit_test(test_garbage_after_reply),
        cmocka_unit_test(test_eof_mid_reply),
        cmocka_unit_test(test_eof_waiting_event),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_too_deep),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_large_reply),
        cmocka_unit_test(test_execute_timeout_late_reply),
        cmocka_unit_test(test_flaky_os),
        cmocka_unit_test(test_wrapper_bad_shape),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
