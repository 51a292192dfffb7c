/*
 * fuzz_qmp.c - libFuzzer harness for the QMP client (src/qmp): the fuzz
 * input is what "QEMU" sends after a valid greeting and the reply to
 * qmp_capabilities.  A fake vn_os stands in for the socket: read serves the
 * greeting, then the input, then EOF; write swallows the client's commands;
 * poll is always ready; the clock moves 1 ms a call, so no wait is real.
 * The client then runs every query wrapper, HMP, a command and waits for
 * events, with ids 2, 3, ... as a fresh connection numbers them (the seeds
 * in tests/fuzz/qmp-seeds, built from tests/qmp/recorded, use those ids).
 * Built by `meson setup build-fuzz -Dfuzz=true` with CC=clang.  Any crash,
 * leak, UB report or hang is a failure.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "os/os.h"
#include "qmp/qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAKE_FD 1000

static const char prelude[] =
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, "
    "\"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, \"capabilities\": [\"oob\"]}}\r\n"
    "{\"return\": {}, \"id\": 1}\r\n";

static struct stream {
    const uint8_t *data;
    size_t size, pos;           /* over the prelude, then the input */
    uint64_t clock_ns;
} st;

static ssize_t f_read(const vn_os *os, int fd, void *buf, size_t n)
{
    size_t plen = sizeof prelude - 1;
    size_t total = plen + st.size;
    if (st.pos >= total)
        return 0;
    /* short reads of varying length, from the input's own bytes */
    size_t k = 1 + (st.pos * 7919u) % 97u;
    if (k > n)
        k = n;
    if (k > total - st.pos)
        k = total - st.pos;
    for (size_t i = 0; i < k; i++, st.pos++)
        ((char *)buf)[i] = st.pos < plen ? prelude[st.pos] : (char)st.data[st.pos - plen];
    return (ssize_t)k;
}

static ssize_t f_write(const vn_os *os, int fd, const void *buf, size_t n)
{
    return (ssize_t)n;
}

static int f_close(const vn_os *os, int fd)
{
    return 0;
}

static int f_socket(const vn_os *os, int domain, int type, int protocol)
{
    return FAKE_FD;
}

static int f_connect(const vn_os *os, int fd, const struct sockaddr *addr, socklen_t len)
{
    return 0;
}

static int f_poll(const vn_os *os, struct pollfd *fds, nfds_t n, int timeout_ms)
{
    for (nfds_t i = 0; i < n; i++)
        fds[i].revents = fds[i].events;
    return (int)n;
}

static uint64_t f_monotonic_ns(const vn_os *os)
{
    return st.clock_ns += 1000000u;
}

static void f_sleep_ns(const vn_os *os, uint64_t ns)
{
    st.clock_ns += ns;
}

static void run_queries(vn_qmp *q)
{
    vn_error err = {0};
    vn_qmp_cpu_list cpus = {0};
    vn_qmp_hotpluggable_cpu_list hot = {0};
    vn_qmp_iothread_list io = {0};
    vn_qmp_memory_device_list mem = {0};
    vn_qmp_memdev_list md = {0};
    vn_qmp_query_cpus_fast(q, &cpus, &err);
    vn_qmp_query_hotpluggable_cpus(q, &hot, &err);
    vn_qmp_query_iothreads(q, &io, &err);
    vn_qmp_query_memory_devices(q, &mem, &err);
    vn_qmp_query_memdev(q, &md, &err);
    vn_qmp_cpu_list_clear(&cpus);
    vn_qmp_hotpluggable_cpu_list_clear(&hot);
    vn_qmp_iothread_list_clear(&io);
    vn_qmp_memory_device_list_clear(&mem);
    vn_qmp_memdev_list_clear(&md);
}

static void run_commands(vn_qmp *q)
{
    vn_error err = {0};
    char *text = NULL;
    vn_qmp_hmp(q, "gpa2hva 0", &text, &err);
    free(text);
    json_object *args = json_tokener_parse("{\"driver\": \"pc-dimm\", \"id\": \"dimm0\"}");
    json_object *ret = NULL;
    vn_qmp_execute(q, "device_add", args, &ret, 1000, &err);
    json_object_put(ret);
    json_object_put(args);
    vn_qmp_data_match m = {"device", "dimm0"};
    json_object *ev = NULL;
    vn_qmp_wait_event(q, "DEVICE_DELETED", vn_qmp_match_data, &m, 1000, &ev, &err);
    json_object_put(ev);
    vn_qmp_wait_event(q, "STOP", NULL, NULL, 0, NULL, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vn_os fake;
    if (!fake.name) {
        fake = *vn_os_real();
        fake.name = "fuzz";
        fake.read = f_read;
        fake.write = f_write;
        fake.close = f_close;
        fake.socket = f_socket;
        fake.connect = f_connect;
        fake.poll = f_poll;
        fake.monotonic_ns = f_monotonic_ns;
        fake.sleep_ns = f_sleep_ns;
        vn_os_set(&fake);
    }
    st = (struct stream){.data = data, .size = size};
    vn_error err = {0};
    VN_QMP_AUTO vn_qmp *q = vn_qmp_connect("/fuzz/qmp.sock", 1000, &err);
    if (!q)
        abort();        /* the prelude is a valid greeting: connect must work */
    run_queries(q);
    run_commands(q);
    return 0;
}
