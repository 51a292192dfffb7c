/*
 * qmp.h - libvnuma's client for the QEMU Machine Protocol (QMP).
 *
 * The "apply" side of vnuma launches QEMU with `-qmp unix:PATH,server=on,
 * wait=off` and then inspects and changes the running guest through this
 * client: which host threads run the vCPUs and iothreads (to pin them),
 * which memory devices and backends exist, hot-plug of DIMMs, virtio-mem
 * and vCPUs, and the events that say a guest finished an unplug.
 *
 * The protocol (QEMU's docs/interop/qmp-spec): one JSON object per message,
 * each ended by "\r\n".  QEMU first sends a greeting
 *     {"QMP": {"version": {...}, "capabilities": [...]}}
 * and accepts only qmp_capabilities until it is sent; after that a client
 * sends {"execute": NAME, "arguments": {...}, "id": N} and QEMU answers
 * {"return": VALUE, "id": N} or {"error": {"class": C, "desc": D}, "id": N}.
 * Between them QEMU sends events, {"event": NAME, "data": {...},
 * "timestamp": {...}}, at any time - also before the reply to the command
 * that caused them (QEMU 7.2's `cont` sends RESUME, then its return).  This
 * client keeps such events in a queue for vn_qmp_wait_event() instead of
 * losing them.  One command is in flight at a time; a handle is not
 * thread-safe.
 *
 * Every system call goes through the vn_os in use when vn_qmp_connect()
 * ran (src/os/os.h), so tests can run the client against a fake peer or a
 * fake operating system.  Writes use os->write, so a process using this
 * client should ignore SIGPIPE (QEMU dying mid-command then reads as
 * "QEMU closed the monitor" instead of killing the process).
 *
 * Bounds: one message may be at most VN_QMP_MAX_MESSAGE bytes and nest
 * VN_QMP_MAX_DEPTH deep; at most VN_QMP_MAX_EVENTS events are queued (the
 * oldest is dropped past that).  Anything else than well-formed JSON
 * objects is "malformed QMP reply".
 *
 * Errors go to a vn_error (util.h) naming the command and the socket:
 *     QMP query-cpus-fast on /run/vnuma/x/qmp.sock: timed out after 5000 ms
 * and, for QEMU's own error replies, QEMU's class and desc:
 *     QMP device_add: GenericError: Duplicate device ID 'dimm0'
 * which vn_qmp_last_error() also gives as separate strings.
 *
 * Typical use:
 *     VN_QMP_AUTO vn_qmp *q = vn_qmp_connect(path, 10000, err);
 *     vn_qmp_cpu_list cpus = {0};
 *     if (!q || vn_qmp_query_cpus_fast(q, &cpus, err) != VN_QMP_OK)
 *         return -1;
 *     ... cpus.items[i].thread_id ...
 *     vn_qmp_cpu_list_clear(&cpus);
 */
#ifndef VN_QMP_H
#define VN_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json_object.h>

#include "base/util.h"

#define VN_QMP_MAX_MESSAGE (16u << 20)   /* bytes of one message */
#define VN_QMP_MAX_DEPTH 64              /* JSON nesting of one message */
#define VN_QMP_MAX_EVENTS 1024           /* events kept for vn_qmp_wait_event */
#define VN_QMP_DEFAULT_TIMEOUT_MS 5000   /* vn_qmp_hmp and the query wrappers */

typedef struct vn_qmp vn_qmp;

/* What a call did.  After a VN_QMP_FAILED from the stream (I/O, EOF,
 * malformed JSON) every later call fails at once; a reply of the wrong
 * shape for a wrapper, or bad arguments, leave the handle usable. */
typedef enum vn_qmp_rc {
    VN_QMP_OK = 0,
    VN_QMP_TIMEOUT = 1,       /* nothing came in time (err set by execute, not by wait_event) */
    VN_QMP_QEMU_ERROR = 2,    /* QEMU answered {"error": ...}: see vn_qmp_last_error; err set */
    VN_QMP_FAILED = -1,       /* I/O error, malformed stream, QEMU closed the monitor; err set */
} vn_qmp_rc;

/* QEMU's version, from the greeting. */
typedef struct vn_qmp_version {
    int major, minor, micro;
    char *package;            /* e.g. "Debian 1:7.2+dfsg-7+deb12u18+b3"; "" when empty */
} vn_qmp_version;

/* QEMU's error reply to the last command, verbatim. */
typedef struct vn_qmp_error {
    char *cls;                /* "GenericError", "DeviceNotFound", "CommandNotFound", ... */
    char *desc;               /* "Duplicate device ID 'dimm0'" */
} vn_qmp_error;

/* Connect to the QMP socket at path, read the greeting and leave
 * capabilities negotiation.  While the socket file does not exist yet or
 * refuses connections (QEMU creates it a little after it starts), retry
 * every 10 ms; timeout_ms bounds the whole of it (negative: no bound).
 * NULL, with err set, on failure. */
vn_qmp *vn_qmp_connect(const char *path, int timeout_ms, vn_error *err);

/* Work to do while a call waits for QEMU: fn(opaque) runs when a wait
 * (the connection, the greeting, a reply, an event) has gone period_ms
 * without it - at once in the first wait - and never outside a wait; once
 * it returns false it runs no more.  launch keeps the kernel's cgroup
 * threadgroup lock warm with it while QEMU starts
 * (src/apply/launch_qmp.c). */
typedef struct vn_qmp_idle {
    bool (*fn)(void *opaque);
    void *opaque;
    int period_ms;            /* >= 1 */
} vn_qmp_idle;
/* vn_qmp_connect with idle work in its waits and in every later call's,
 * until vn_qmp_set_idle(q, NULL); idle NULL: none. */
vn_qmp *vn_qmp_connect_idle(const char *path, int timeout_ms, const vn_qmp_idle *idle,
                            vn_error *err);
void vn_qmp_set_idle(vn_qmp *q, const vn_qmp_idle *idle);
/* Close the socket and free the handle and its queued events (NULL: no-op). */
void vn_qmp_close(vn_qmp *q);
void vn_qmp_closep(vn_qmp **qp);
#define VN_QMP_AUTO __attribute__((cleanup(vn_qmp_closep)))

const vn_qmp_version *vn_qmp_get_version(const vn_qmp *q);
const char *vn_qmp_path(const vn_qmp *q);
/* QEMU's error reply to the last command run (vn_qmp_execute returned
 * VN_QMP_QEMU_ERROR); NULL if it got none.  Valid until the next command. */
const vn_qmp_error *vn_qmp_last_error(const vn_qmp *q);
/* Events dropped since connecting because the queue was full. */
size_t vn_qmp_events_dropped(const vn_qmp *q);

/* Run a command: arguments is a JSON object or NULL (not consumed).  On
 * VN_QMP_OK, *reply (if reply is not NULL) is the "return" value, owned by
 * the caller (json_object_put).  Events arriving meanwhile are queued.
 * timeout_ms bounds the exchange (negative: no bound); on VN_QMP_TIMEOUT
 * the command may still complete in QEMU, its late reply is discarded. */
vn_qmp_rc vn_qmp_execute(vn_qmp *q, const char *command, json_object *arguments,
                         json_object **reply, int timeout_ms, vn_error *err);

/* Which events vn_qmp_wait_event returns: called with the whole event
 * ({"event": ..., "data": ..., "timestamp": ...}); true to take it. */
typedef bool (*vn_qmp_event_filter)(json_object *event, void *opaque);

/* A ready filter: the event's data[key] is the string value. */
typedef struct vn_qmp_data_match {
    const char *key;
    const char *value;
} vn_qmp_data_match;
bool vn_qmp_match_data(json_object *event, void *match /* const vn_qmp_data_match * */);

/* The first queued or newly arriving event called name (and accepted by
 * filter, if not NULL), removed from the queue; other events stay queued.
 * VN_QMP_OK with *event owned by the caller (if event is not NULL);
 * VN_QMP_TIMEOUT when none came within timeout_ms (0: only look at the
 * queue and what is already readable), err untouched; VN_QMP_FAILED. */
vn_qmp_rc vn_qmp_wait_event(vn_qmp *q, const char *name, vn_qmp_event_filter filter,
                            void *opaque, int timeout_ms, json_object **event,
                            vn_error *err);
/* The event's "data" member (borrowed; NULL if it has none). */
json_object *vn_qmp_event_data(json_object *event);

/* An HMP command through human-monitor-command ("gpa2hva 0x0"); *text is
 * its output (owned by the caller, "\r\n"-ended lines as QEMU prints them).
 * HMP reports most of its errors as text, not as a QMP error. */
vn_qmp_rc vn_qmp_hmp(vn_qmp *q, const char *command_line, char **text, vn_error *err);

/* --- query wrappers (qmp_query.c); each uses VN_QMP_DEFAULT_TIMEOUT_MS --- */

/* A CPU's place in the topology; -1 where QEMU did not report it. */
typedef struct vn_qmp_cpu_props {
    int64_t node_id, socket_id, die_id, core_id, thread_id;
} vn_qmp_cpu_props;

typedef struct vn_qmp_cpu {       /* query-cpus-fast */
    int64_t cpu_index;
    int64_t thread_id;            /* the host thread running the vCPU */
    char *qom_path;
    vn_qmp_cpu_props props;
} vn_qmp_cpu;
typedef struct vn_qmp_cpu_list { vn_qmp_cpu *items; size_t n; } vn_qmp_cpu_list;

typedef struct vn_qmp_iothread {  /* query-iothreads */
    char *id;
    int64_t thread_id;
} vn_qmp_iothread;
typedef struct vn_qmp_iothread_list { vn_qmp_iothread *items; size_t n; } vn_qmp_iothread_list;

typedef struct vn_qmp_hotpluggable_cpu {  /* query-hotpluggable-cpus */
    char *type;                   /* the device_add driver, "qemu64-x86_64-cpu" */
    int64_t vcpus_count;
    char *qom_path;               /* NULL: not plugged */
    vn_qmp_cpu_props props;
} vn_qmp_hotpluggable_cpu;
typedef struct vn_qmp_hotpluggable_cpu_list {
    vn_qmp_hotpluggable_cpu *items;
    size_t n;
} vn_qmp_hotpluggable_cpu_list;

typedef enum vn_qmp_memory_device_type {
    VN_QMP_MEM_DIMM,
    VN_QMP_MEM_NVDIMM,
    VN_QMP_MEM_VIRTIO_MEM,
    VN_QMP_MEM_OTHER,             /* virtio-pmem, sgx-epc, ...: only type_name is set */
} vn_qmp_memory_device_type;

typedef struct vn_qmp_memory_device {     /* query-memory-devices */
    vn_qmp_memory_device_type type;
    char *type_name;              /* QEMU's "type": "dimm", "virtio-mem", ... */
    char *id;                     /* NULL: the device has no id */
    char *memdev;                 /* the backend's QOM path, "/objects/memdimm0" */
    uint64_t addr;                /* guest physical ("addr"; "memaddr" for virtio-mem) */
    uint64_t size;                /* bytes (virtio-mem: plugged now) */
    int64_t slot;                 /* -1 for virtio-mem */
    int64_t node;
    bool hotplugged, hotpluggable;  /* dimm/nvdimm */
    uint64_t requested_size, block_size, max_size;  /* virtio-mem; 0 otherwise */
} vn_qmp_memory_device;
typedef struct vn_qmp_memory_device_list {
    vn_qmp_memory_device *items;
    size_t n;
} vn_qmp_memory_device_list;

typedef struct vn_qmp_memdev {    /* query-memdev */
    char *id;                     /* NULL if QEMU did not say (before 6.0) */
    uint64_t size;
    char *policy;                 /* "default", "preferred", "bind", "interleave" */
    unsigned *host_nodes;
    size_t n_host_nodes;
    bool prealloc, share;
} vn_qmp_memdev;
typedef struct vn_qmp_memdev_list { vn_qmp_memdev *items; size_t n; } vn_qmp_memdev_list;

/* Each fills *out (which must be empty) and returns VN_QMP_OK, or returns
 * another vn_qmp_rc with *out left empty; a reply that does not have the
 * shape QEMU documents is VN_QMP_FAILED ("malformed reply"). */
vn_qmp_rc vn_qmp_query_cpus_fast(vn_qmp *q, vn_qmp_cpu_list *out, vn_error *err);
vn_qmp_rc vn_qmp_query_iothreads(vn_qmp *q, vn_qmp_iothread_list *out, vn_error *err);
vn_qmp_rc vn_qmp_query_hotpluggable_cpus(vn_qmp *q, vn_qmp_hotpluggable_cpu_list *out,
                                         vn_error *err);
vn_qmp_rc vn_qmp_query_memory_devices(vn_qmp *q, vn_qmp_memory_device_list *out,
                                      vn_error *err);
vn_qmp_rc vn_qmp_query_memdev(vn_qmp *q, vn_qmp_memdev_list *out, vn_error *err);

/* query-hotpluggable-cpus as the domain's vCPUs: the entities in libvirt's
 * order, by socket, die, core and thread
 * (qemuMonitorQueryHotpluggableCpusEntrySort), so entity N is vCPU N on x86
 * (one vCPU per entity); VN_QMP_FAILED unless there are nvcpus of them. */
vn_qmp_rc vn_qmp_query_vcpu_entities(vn_qmp *q, unsigned nvcpus,
                                     vn_qmp_hotpluggable_cpu_list *out, vn_error *err);
/* device_add's arguments for vCPU v on entity e (qemuBuildHotpluggableCPUProps):
 * the entity's type, id "vcpuV", its socket/die/core/thread ids and node-id
 * (node >= 0: the vCPU's guest cell; else the entity's own). */
char *vn_qmp_vcpu_device_args(const vn_qmp_hotpluggable_cpu *e, unsigned v, int node);

void vn_qmp_cpu_list_clear(vn_qmp_cpu_list *l);
void vn_qmp_iothread_list_clear(vn_qmp_iothread_list *l);
void vn_qmp_hotpluggable_cpu_list_clear(vn_qmp_hotpluggable_cpu_list *l);
void vn_qmp_memory_device_list_clear(vn_qmp_memory_device_list *l);
void vn_qmp_memdev_list_clear(vn_qmp_memdev_list *l);

/* json_object released at scope exit: `VN_JSON_AUTO json_object *o = ...;` */
void vn_json_putp(json_object **op);
#define VN_JSON_AUTO __attribute__((cleanup(vn_json_putp)))

#endif
