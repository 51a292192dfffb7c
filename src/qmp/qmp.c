/*
 * qmp.c - the QMP connection: connecting and the greeting, the framed
 * reader that turns the socket's bytes into JSON messages, commands and
 * their replies, and the queue of events that arrive meanwhile.  The
 * query wrappers built on vn_qmp_execute are in qmp_query.c.  qmp.h
 * describes the protocol and the API.
 *
 * All I/O is through the vn_os captured at connect time (os.h).  The
 * socket is non-blocking; every wait is an os->poll bounded by a deadline
 * on os->monotonic_ns, and EINTR/EAGAIN are retried.
 */
#include "qmp/qmp.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <json-c/json_tokener.h>

#include "os/os.h"

#define READ_CHUNK 65536
#define CONNECT_RETRY_NS 10000000u      /* 10 ms between connection attempts */
#define NS_PER_MS 1000000u

/* The framed reader.  QEMU ends each message with "\r\n", but a read can
 * return part of a message or several; json_tokener parses incrementally
 * and says where a message ended, so the bytes after it stay buffered for
 * the next one.  It is given a line at a time; the line ends are
 * whitespace to it. */
typedef struct qmp_reader {
    json_tokener *tok;
    size_t msg_bytes;           /* given to the tokener since the last whole message */
    bool partial;               /* ... and some were not whitespace */
    size_t pos, len;            /* buf[pos..len): read but not yet parsed */
    char buf[READ_CHUNK];
} qmp_reader;

/* The idle work of a connection (vn_qmp_idle) and when it last ran. */
typedef struct idle_work {
    vn_qmp_idle w;            /* w.fn NULL: none */
    uint64_t last_ns;
    bool ran;
} idle_work;

struct vn_qmp {
    const vn_os *os;
    int fd;
    char *path;
    bool broken;                /* a failure left the stream unusable */
    int64_t last_id;
    vn_qmp_version version;
    vn_qmp_error last_error;    /* cls == NULL: none */
    json_object **events;       /* queued events, oldest first */
    size_t nevents, events_cap, dropped;
    idle_work idle;
    qmp_reader rd;
};

/* An absolute time limit; timeout_ms < 0 is none. */
typedef struct deadline {
    uint64_t end_ns;
    int timeout_ms;
} deadline;

void vn_json_putp(json_object **op)
{
    if (*op)
        json_object_put(*op);
    *op = NULL;
}

/* json-c reports out-of-memory as NULL; the library aborts on it (util.h). */
static json_object *json_checked(json_object *o)
{
    if (!o)
        abort();
    return o;
}

/* ---- time ---- */

static deadline deadline_in(const vn_os *os, int timeout_ms)
{
    deadline d = {.timeout_ms = timeout_ms};
    if (timeout_ms >= 0)
        d.end_ns = os->monotonic_ns(os) + (uint64_t)timeout_ms * NS_PER_MS;
    return d;
}

/* Milliseconds left, rounded up: -1 without a deadline, 0 once it passed. */
static int deadline_left_ms(const vn_os *os, const deadline *d)
{
    if (d->timeout_ms < 0)
        return -1;
    uint64_t now = os->monotonic_ns(os);
    if (now >= d->end_ns)
        return 0;
    uint64_t left = VN_DIV_UP(d->end_ns - now, NS_PER_MS);
    return left > INT_MAX ? INT_MAX : (int)left;
}

/* ---- idle work ---- */

/* Run the idle work if it is due. */
static void idle_run(const vn_os *os, idle_work *iw)
{
    if (!iw->w.fn)
        return;
    uint64_t now = os->monotonic_ns(os);
    if (iw->ran && now - iw->last_ns < (uint64_t)iw->w.period_ms * NS_PER_MS)
        return;
    if (!iw->w.fn(iw->w.opaque))
        iw->w.fn = NULL;   /* done: no more wake-ups for it */
    iw->ran = true;
    iw->last_ns = os->monotonic_ns(os);
}

/* How long a wait of at most left ms (< 0: unbounded) may sleep before the
 * idle work is due again. */
static int idle_cap_ms(const vn_os *os, const idle_work *iw, int left)
{
    if (!iw->w.fn)
        return left;
    uint64_t due = iw->last_ns + (uint64_t)iw->w.period_ms * NS_PER_MS, now = os->monotonic_ns(os);
    uint64_t until = now >= due ? 0 : VN_DIV_UP(due - now, NS_PER_MS);
    return left < 0 || until < (uint64_t)left ? (int)until : left;
}

static void idle_set(idle_work *iw, const vn_qmp_idle *idle)
{
    *iw = (idle_work){0};
    if (idle && idle->fn && idle->period_ms > 0)
        iw->w = *idle;
}

/* ---- errors ---- */

/* A failure that leaves the stream unusable: "QMP <op> on <path>: <why>". */
static vn_qmp_rc VN_PRINTF(4, 5) qmp_fail(vn_qmp *q, const char *op, vn_error *err,
                                          const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    q->broken = true;
    vn_error_set(err, VNUMA_ERR_SYSTEM, "QMP %s on %s: %s", op, q->path, why);
    return VN_QMP_FAILED;
}

static vn_qmp_rc qmp_fail_errno(vn_qmp *q, const char *op, const char *call, vn_error *err)
{
    int e = errno;
    if (e == EPIPE || e == ECONNRESET)
        return qmp_fail(q, op, err, "QEMU closed the monitor");
    return qmp_fail(q, op, err, "%s: %s", call, strerror(e));
}

static void clear_last_error(vn_qmp *q)
{
    free(q->last_error.cls);
    free(q->last_error.desc);
    q->last_error = (vn_qmp_error){0};
}

/* ---- the framed reader ---- */

/* One whole message from what is buffered: 1 with *msg, 0 when more bytes
 * are needed (the buffer is then empty), -1 when the stream is malformed
 * (*why says how). */
static int reader_next(qmp_reader *r, json_object **msg, const char **why)
{
    while (r->pos < r->len) {
        /* up to a line end at most: what follows a message is the next
         * one's, even to the tokener's look-ahead (its UTF-8 check) */
        const char *at = r->buf + r->pos;
        const char *nl = memchr(at, '\n', r->len - r->pos);
        size_t avail = nl ? (size_t)(nl - at) + 1 : r->len - r->pos;
        json_object *o = json_tokener_parse_ex(r->tok, at, (int)avail);
        enum json_tokener_error e = json_tokener_get_error(r->tok);
        size_t used = json_tokener_get_parse_end(r->tok);
        for (size_t i = 0; i < used && !r->partial; i++)
            r->partial = !memchr(" \t\r\n", r->buf[r->pos + i], 4);
        r->pos += used;
        r->msg_bytes += used;
        if (r->msg_bytes > VN_QMP_MAX_MESSAGE) {
            json_object_put(o);
            *why = "a message over 16 MiB";
            return -1;
        }
        if (e == json_tokener_continue) {
            if (used == 0) {            /* no progress: never loop on it */
                *why = "the JSON parser is stuck";
                return -1;
            }
            continue;
        }
        if (e != json_tokener_success) {
            *why = e == json_tokener_error_depth ? "JSON nested too deep"
                                                 : json_tokener_error_desc(e);
            return -1;
        }
        json_tokener_reset(r->tok);
        r->msg_bytes = 0;
        r->partial = false;
        if (!json_object_is_type(o, json_type_object)) {
            json_object_put(o);
            *why = "a message that is not a JSON object";
            return -1;
        }
        *msg = o;
        return 1;
    }
    r->pos = r->len = 0;
    return 0;
}

/* Wait until the socket is ready for events: 1 ready, 0 deadline passed,
 * -1 poll failed (errno). */
static int wait_fd(vn_qmp *q, short events, const deadline *d)
{
    for (;;) {
        idle_run(q->os, &q->idle);
        int left = deadline_left_ms(q->os, d);
        struct pollfd p = {.fd = q->fd, .events = events};
        int rc = q->os->poll(q->os, &p, 1, idle_cap_ms(q->os, &q->idle, left));
        if (rc > 0)
            return 1;
        if (rc == 0 && left == 0)
            return 0;
        if (rc < 0 && errno != EINTR)
            return -1;
    }
}

/* The next message from the socket.  VN_QMP_TIMEOUT leaves err alone. */
static vn_qmp_rc read_message(vn_qmp *q, const char *op, const deadline *d,
                              json_object **msg, vn_error *err)
{
    for (;;) {
        const char *why = NULL;
        int got = reader_next(&q->rd, msg, &why);
        if (got > 0)
            return VN_QMP_OK;
        if (got < 0)
            return qmp_fail(q, op, err, "malformed QMP reply (%s)", why);
        int ready = wait_fd(q, POLLIN, d);
        if (ready == 0)
            return VN_QMP_TIMEOUT;
        if (ready < 0)
            return qmp_fail_errno(q, op, "poll", err);
        ssize_t n = q->os->read(q->os, q->fd, q->rd.buf, sizeof q->rd.buf);
        if (n == 0)
            return qmp_fail(q, op, err, "QEMU closed the monitor%s",
                            q->rd.partial ? " in the middle of a message" : "");
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n < 0)
            return qmp_fail_errno(q, op, "read", err);
        q->rd.pos = 0;
        q->rd.len = (size_t)n;
    }
}

static vn_qmp_rc write_all(vn_qmp *q, const char *op, const char *s, size_t len,
                           const deadline *d, vn_error *err)
{
    while (len > 0) {
        ssize_t n = q->os->write(q->os, q->fd, s, len);
        if (n > 0) {
            s += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            return qmp_fail_errno(q, op, "write", err);
        int ready = wait_fd(q, POLLOUT, d);
        if (ready == 0)     /* part of a command is out: the stream is lost */
            return qmp_fail(q, op, err, "timed out after %d ms sending the command",
                            d->timeout_ms);
        if (ready < 0)
            return qmp_fail_errno(q, op, "poll", err);
    }
    return VN_QMP_OK;
}

/* ---- messages ---- */

typedef enum msg_kind { MSG_EVENT, MSG_REPLY, MSG_GREETING, MSG_UNKNOWN } msg_kind;

static msg_kind kind_of(json_object *msg)
{
    json_object *v;
    if (json_object_object_get_ex(msg, "event", &v))
        return json_object_is_type(v, json_type_string) ? MSG_EVENT : MSG_UNKNOWN;
    if (json_object_object_get_ex(msg, "return", NULL) ||
        json_object_object_get_ex(msg, "error", NULL))
        return MSG_REPLY;
    if (json_object_object_get_ex(msg, "QMP", NULL))
        return MSG_GREETING;
    return MSG_UNKNOWN;
}

/* Whether a reply answers command id: it carries that id, or none (QEMU's
 * answer to a request it could not parse has none).  Other ids are late
 * replies to commands that timed out. */
static bool reply_is_for(json_object *msg, int64_t id)
{
    json_object *v;
    if (!json_object_object_get_ex(msg, "id", &v))
        return true;
    return json_object_is_type(v, json_type_int) && json_object_get_int64(v) == id;
}

static const char *event_name(json_object *ev)
{
    json_object *v;
    return json_object_object_get_ex(ev, "event", &v) ? json_object_get_string(v) : "";
}

json_object *vn_qmp_event_data(json_object *event)
{
    json_object *v;
    return event && json_object_object_get_ex(event, "data", &v) ? v : NULL;
}

bool vn_qmp_match_data(json_object *event, void *match)
{
    const vn_qmp_data_match *m = match;
    json_object *data = vn_qmp_event_data(event), *v;
    return data && json_object_object_get_ex(data, m->key, &v) &&
           json_object_is_type(v, json_type_string) && !strcmp(json_object_get_string(v), m->value);
}

/* Keep ev (taking the reference) for vn_qmp_wait_event. */
static void queue_event(vn_qmp *q, json_object *ev)
{
    if (q->nevents == VN_QMP_MAX_EVENTS) {
        json_object_put(q->events[0]);
        memmove(q->events, q->events + 1, (q->nevents - 1) * sizeof(*q->events));
        q->nevents--;
        q->dropped++;
    }
    if (q->nevents == q->events_cap) {
        q->events_cap = q->events_cap ? 2 * q->events_cap : 16;
        q->events = vn_reallocarray(q->events, q->events_cap, sizeof(*q->events));
    }
    q->events[q->nevents++] = ev;
}

static bool event_matches(json_object *ev, const char *name, vn_qmp_event_filter filter,
                          void *opaque)
{
    return !strcmp(event_name(ev), name) && (!filter || filter(ev, opaque));
}

/* Take the oldest queued event that matches into *out (or drop it if out
 * is NULL). */
static bool take_queued(vn_qmp *q, const char *name, vn_qmp_event_filter filter, void *opaque,
                        json_object **out)
{
    for (size_t i = 0; i < q->nevents; i++) {
        json_object *ev = q->events[i];
        if (!event_matches(ev, name, filter, opaque))
            continue;
        memmove(q->events + i, q->events + i + 1, (q->nevents - i - 1) * sizeof(*q->events));
        q->nevents--;
        if (out)
            *out = ev;
        else
            json_object_put(ev);
        return true;
    }
    return false;
}

static bool usable(vn_qmp *q, const char *op, vn_error *err)
{
    if (!q->broken)
        return true;
    vn_error_set(err, VNUMA_ERR_SYSTEM,
                 "QMP %s on %s: the connection is unusable after an earlier error", op, q->path);
    return false;
}

/* ---- commands ---- */

static vn_qmp_rc send_command(vn_qmp *q, const char *command, json_object *arguments,
                              int64_t id, const deadline *d, vn_error *err)
{
    VN_JSON_AUTO json_object *req = json_checked(json_object_new_object());
    json_object_object_add(req, "execute", json_checked(json_object_new_string(command)));
    if (arguments)
        json_object_object_add(req, "arguments", json_object_get(arguments));
    json_object_object_add(req, "id", json_checked(json_object_new_int64(id)));
    size_t len = 0;
    const char *s = json_object_to_json_string_length(
        req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (!s)
        abort();
    vn_buf line = {0};
    vn_buf_addn(&line, s, len);
    vn_buf_add(&line, "\r\n");
    vn_qmp_rc rc = write_all(q, command, line.s, line.len, d, err);
    vn_buf_free(&line);
    return rc;
}

/* The reply for command: its return value, or QEMU's error kept in
 * q->last_error. */
static vn_qmp_rc take_reply(vn_qmp *q, const char *command, json_object *msg,
                            json_object **reply, vn_error *err)
{
    json_object *e, *cls, *desc, *ret;
    if (json_object_object_get_ex(msg, "error", &e)) {
        if (!json_object_object_get_ex(e, "class", &cls) ||
            !json_object_object_get_ex(e, "desc", &desc) ||
            !json_object_is_type(cls, json_type_string) ||
            !json_object_is_type(desc, json_type_string))
            return qmp_fail(q, command, err, "malformed QMP reply (an error without class and desc)");
        q->last_error.cls = vn_strdup(json_object_get_string(cls));
        q->last_error.desc = vn_strdup(json_object_get_string(desc));
        vn_error_qmp(err, q->last_error.cls, "QMP %s: %s: %s", command, q->last_error.cls,
                     q->last_error.desc);
        return VN_QMP_QEMU_ERROR;
    }
    json_object_object_get_ex(msg, "return", &ret);
    if (reply)
        *reply = json_object_get(ret);
    return VN_QMP_OK;
}

/* Read until the reply to command id; queue events, drop late replies. */
static vn_qmp_rc await_reply(vn_qmp *q, const char *command, int64_t id, const deadline *d,
                             json_object **reply, vn_error *err)
{
    for (;;) {
        VN_JSON_AUTO json_object *msg = NULL;
        vn_qmp_rc rc = read_message(q, command, d, &msg, err);
        if (rc == VN_QMP_TIMEOUT)
            vn_error_set(err, VNUMA_ERR_SYSTEM, "QMP %s on %s: timed out after %d ms",
                         command, q->path, d->timeout_ms);
        if (rc != VN_QMP_OK)
            return rc;
        switch (kind_of(msg)) {
        case MSG_EVENT:
            queue_event(q, msg);
            msg = NULL;
            break;
        case MSG_REPLY:
            if (reply_is_for(msg, id))
                return take_reply(q, command, msg, reply, err);
            break;
        default:
            return qmp_fail(q, command, err,
                            "malformed QMP reply (neither a reply nor an event: %.80s)",
                            json_object_to_json_string(msg));
        }
    }
}

static vn_qmp_rc execute_by(vn_qmp *q, const char *command, json_object *arguments,
                            json_object **reply, const deadline *d, vn_error *err)
{
    if (reply)
        *reply = NULL;
    if (!command || !*command || (arguments && !json_object_is_type(arguments, json_type_object))) {
        vn_error_set(err, VNUMA_ERR_INVALID, "QMP %s on %s: arguments must be a JSON object",
                     command ? command : "(null)", q->path);
        return VN_QMP_FAILED;
    }
    if (!usable(q, command, err))
        return VN_QMP_FAILED;
    clear_last_error(q);
    int64_t id = ++q->last_id;
    vn_qmp_rc rc = send_command(q, command, arguments, id, d, err);
    if (rc != VN_QMP_OK)
        return rc;
    return await_reply(q, command, id, d, reply, err);
}

vn_qmp_rc vn_qmp_execute(vn_qmp *q, const char *command, json_object *arguments,
                         json_object **reply, int timeout_ms, vn_error *err)
{
    deadline d = deadline_in(q->os, timeout_ms);
    return execute_by(q, command, arguments, reply, &d, err);
}

vn_qmp_rc vn_qmp_hmp(vn_qmp *q, const char *command_line, char **text, vn_error *err)
{
    *text = NULL;
    VN_JSON_AUTO json_object *args = json_checked(json_object_new_object());
    json_object_object_add(args, "command-line",
                           json_checked(json_object_new_string(command_line)));
    VN_JSON_AUTO json_object *ret = NULL;
    vn_qmp_rc rc = vn_qmp_execute(q, "human-monitor-command", args, &ret,
                                  VN_QMP_DEFAULT_TIMEOUT_MS, err);
    if (rc != VN_QMP_OK)
        return rc;
    if (!json_object_is_type(ret, json_type_string)) {
        vn_error_set(err, VNUMA_ERR_SYSTEM,
                     "QMP human-monitor-command on %s: malformed reply (the return is not a string)",
                     q->path);
        return VN_QMP_FAILED;
    }
    *text = vn_strdup(json_object_get_string(ret));
    return VN_QMP_OK;
}

/* ---- events ---- */

vn_qmp_rc vn_qmp_wait_event(vn_qmp *q, const char *name, vn_qmp_event_filter filter,
                            void *opaque, int timeout_ms, json_object **event, vn_error *err)
{
    if (event)
        *event = NULL;
    if (take_queued(q, name, filter, opaque, event))
        return VN_QMP_OK;
    char op[160];
    snprintf(op, sizeof op, "waiting for %s", name);
    if (!usable(q, op, err))
        return VN_QMP_FAILED;
    deadline d = deadline_in(q->os, timeout_ms);
    for (;;) {
        VN_JSON_AUTO json_object *msg = NULL;
        vn_qmp_rc rc = read_message(q, op, &d, &msg, err);
        if (rc != VN_QMP_OK)
            return rc;
        msg_kind k = kind_of(msg);
        if (k == MSG_EVENT && event_matches(msg, name, filter, opaque)) {
            if (event) {
                *event = msg;
                msg = NULL;
            }
            return VN_QMP_OK;
        }
        if (k == MSG_EVENT) {
            queue_event(q, msg);
            msg = NULL;
        } else if (k != MSG_REPLY) {    /* a reply now is a late one: dropped */
            return qmp_fail(q, op, err,
                            "malformed QMP reply (neither a reply nor an event: %.80s)",
                            json_object_to_json_string(msg));
        }
    }
}

size_t vn_qmp_events_dropped(const vn_qmp *q)
{
    return q->dropped;
}

/* ---- connecting ---- */

static bool connect_retryable(int e)
{
    return e == ENOENT || e == ECONNREFUSED || e == EAGAIN || e == EINTR || e == EINPROGRESS;
}

/* A connected socket, retrying while QEMU has not made it yet; -1 on failure. */
static int connect_retry(const vn_os *os, const char *path, const deadline *d, idle_work *iw,
                         vn_error *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, path, strlen(path) + 1);
    for (;;) {
        idle_run(os, iw);
        int fd = os->socket(os, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            vn_error_set(err, VNUMA_ERR_SYSTEM, "QMP connect on %s: socket: %s", path,
                         strerror(errno));
            return -1;
        }
        if (os->connect(os, fd, (const struct sockaddr *)&sa, sizeof sa) == 0)
            return fd;
        int e = errno;
        os->close(os, fd);
        int left = deadline_left_ms(os, d);
        if (!connect_retryable(e)) {
            vn_error_set(err, VNUMA_ERR_SYSTEM, "QMP connect on %s: %s", path, strerror(e));
            return -1;
        }
        if (left == 0) {
            vn_error_set(err, VNUMA_ERR_SYSTEM, "QMP connect on %s: timed out after %d ms (%s)",
                         path, d->timeout_ms, strerror(e));
            return -1;
        }
        uint64_t nap = CONNECT_RETRY_NS;
        int cap = idle_cap_ms(os, iw, left);
        if (cap >= 0 && (uint64_t)cap * NS_PER_MS < nap)
            nap = (uint64_t)cap * NS_PER_MS;
        os->sleep_ns(os, nap);
    }
}

static bool get_int(json_object *o, const char *key, int *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return false;
    int64_t x = json_object_get_int64(v);
    if (x < 0 || x > INT_MAX)
        return false;
    *out = (int)x;
    return true;
}

/* {"QMP": {"version": {"qemu": {"major": 7, ...}, "package": "..."}, "capabilities": [...]}} */
static vn_qmp_rc take_greeting(vn_qmp *q, json_object *msg, vn_error *err)
{
    json_object *qmp, *version, *qemu, *caps, *package;
    if (!json_object_object_get_ex(msg, "QMP", &qmp) ||
        !json_object_object_get_ex(qmp, "version", &version) ||
        !json_object_object_get_ex(version, "qemu", &qemu) ||
        !get_int(qemu, "major", &q->version.major) || !get_int(qemu, "minor", &q->version.minor) ||
        !get_int(qemu, "micro", &q->version.micro) ||
        !json_object_object_get_ex(qmp, "capabilities", &caps) ||
        !json_object_is_type(caps, json_type_array))
        return qmp_fail(q, "greeting", err, "not a QMP greeting: %.80s",
                        json_object_to_json_string(msg));
    bool has_package = json_object_object_get_ex(version, "package", &package) &&
                       json_object_is_type(package, json_type_string);
    q->version.package = vn_strdup(has_package ? json_object_get_string(package) : "");
    return VN_QMP_OK;
}

/* Greeting, then qmp_capabilities (which must return {}). */
static vn_qmp_rc handshake(vn_qmp *q, const deadline *d, vn_error *err)
{
    VN_JSON_AUTO json_object *greeting = NULL;
    vn_qmp_rc rc = read_message(q, "greeting", d, &greeting, err);
    if (rc == VN_QMP_TIMEOUT)
        return qmp_fail(q, "greeting", err, "timed out after %d ms", d->timeout_ms);
    if (rc != VN_QMP_OK)
        return rc;
    rc = take_greeting(q, greeting, err);
    if (rc != VN_QMP_OK)
        return rc;
    VN_JSON_AUTO json_object *ret = NULL;
    rc = execute_by(q, "qmp_capabilities", NULL, &ret, d, err);
    if (rc != VN_QMP_OK)
        return rc;
    if (!json_object_is_type(ret, json_type_object) || json_object_object_length(ret) != 0)
        return qmp_fail(q, "qmp_capabilities", err, "unexpected return %.80s",
                        json_object_to_json_string(ret));
    return VN_QMP_OK;
}

static vn_qmp *qmp_new(const vn_os *os, int fd, const char *path)
{
    vn_qmp *q = vn_calloc(1, sizeof(*q));
    q->os = os;
    q->fd = fd;
    q->path = vn_strdup(path);
    q->rd.tok = json_tokener_new_ex(VN_QMP_MAX_DEPTH);
    if (!q->rd.tok)
        abort();
    json_tokener_set_flags(q->rd.tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
                                          JSON_TOKENER_VALIDATE_UTF8);
    return q;
}

vn_qmp *vn_qmp_connect(const char *path, int timeout_ms, vn_error *err)
{
    return vn_qmp_connect_idle(path, timeout_ms, NULL, err);
}

vn_qmp *vn_qmp_connect_idle(const char *path, int timeout_ms, const vn_qmp_idle *idle,
                            vn_error *err)
{
    const vn_os *os = vn_os_current();
    if (!path || !*path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "QMP connect on %s: not a usable socket path (%s)",
                     path ? path : "(null)", path && *path ? "too long" : "empty");
        return NULL;
    }
    deadline d = deadline_in(os, timeout_ms);
    idle_work iw;
    idle_set(&iw, idle);
    int fd = connect_retry(os, path, &d, &iw, err);
    if (fd < 0)
        return NULL;
    VN_QMP_AUTO vn_qmp *q = qmp_new(os, fd, path);
    q->idle = iw;
    if (handshake(q, &d, err) != VN_QMP_OK)
        return NULL;
    vn_qmp *ret = q;
    q = NULL;
    return ret;
}

void vn_qmp_set_idle(vn_qmp *q, const vn_qmp_idle *idle)
{
    idle_set(&q->idle, idle);
}

void vn_qmp_close(vn_qmp *q)
{
    if (!q)
        return;
    if (q->fd >= 0)
        q->os->close(q->os, q->fd);
    for (size_t i = 0; i < q->nevents; i++)
        json_object_put(q->events[i]);
    free(q->events);
    json_tokener_free(q->rd.tok);
    clear_last_error(q);
    free(q->version.package);
    free(q->path);
    free(q);
}

void vn_qmp_closep(vn_qmp **qp)
{
    vn_qmp_close(*qp);
    *qp = NULL;
}

const vn_qmp_version *vn_qmp_get_version(const vn_qmp *q)
{
    return &q->version;
}

const char *vn_qmp_path(const vn_qmp *q)
{
    return q->path;
}

const vn_qmp_error *vn_qmp_last_error(const vn_qmp *q)
{
    return q->last_error.cls ? &q->last_error : NULL;
}
