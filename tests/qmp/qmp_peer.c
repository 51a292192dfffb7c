/*
 * qmp_peer.c - the fake QEMU monitor of qmp_peer.h: replays a recorded
 * (or hand-written) QMP exchange to one client over a unix socket.  Test
 * code: it calls the system directly, not through src/os.
 */
#include "qmp_peer.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#define PEER_WAIT_MS 10000      /* for the client to connect, send or close */

/* One connection's state, in the peer's thread. */
typedef struct conn {
    peer *p;
    char in[65536];             /* bytes from the client not yet taken as lines */
    size_t in_len;
    char *out;                  /* bytes to the client not yet written */
    size_t out_len, out_cap;
    json_object *client_id;     /* the id of the client's last command */
    bool gone;                  /* the client hung up */
} conn;

static void __attribute__((format(printf, 2, 3))) fail(peer *p, const char *fmt, ...)
{
    if (p->failure[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->failure, sizeof p->failure, fmt, ap);
    va_end(ap);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

void peer_init(peer *p, peer_mode mode)
{
    memset(p, 0, sizeof(*p));
    p->mode = mode;
    p->listen_fd = p->fd = -1;
    snprintf(p->dir, sizeof p->dir, "/tmp/vnuma-qmp-test-XXXXXX");
    if (!mkdtemp(p->dir))
        abort();
    snprintf(p->path, sizeof p->path, "%s/qmp.sock", p->dir);
}

void peer_add(peer *p, const char *line)
{
    p->lines = realloc(p->lines, (p->n + 1) * sizeof(*p->lines));
    if (!p->lines || !(p->lines[p->n] = strdup(line)))
        abort();
    p->n++;
}

void peer_addf(peer *p, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    peer_add(p, s);
    free(s);
}

void peer_load(peer *p, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.jsonl", VN_QMP_RECORDED_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "qmp_peer: cannot open %s\n", path);
        abort();
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len > 0 && line[0] != '#')
            peer_add(p, line);
    }
    free(line);
    fclose(f);
}

/* ---- output ---- */

static void send_all(conn *c, const char *s, size_t n)
{
    while (n > 0 && !c->gone) {
        ssize_t w = send(c->p->fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            c->gone = true;
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void flush(conn *c)
{
    if (c->p->mode == PEER_BYTES) {
        for (size_t i = 0; i < c->out_len && !c->gone; i++) {
            send_all(c, c->out + i, 1);
            struct timespec ts = {.tv_nsec = 100000};
            nanosleep(&ts, NULL);
        }
    } else {
        send_all(c, c->out, c->out_len);
    }
    c->out_len = 0;
}

static void emit(conn *c, const char *s, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        c->out_cap = 2 * (c->out_len + n);
        c->out = realloc(c->out, c->out_cap);
        if (!c->out)
            abort();
    }
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
    if (c->p->mode != PEER_COALESCED)
        flush(c);
}

/* A "<" line: its id replaced by the client's when they differ. */
static void send_message(conn *c, const char *text)
{
    json_object *msg = json_tokener_parse(text), *id;
    if (msg && c->client_id && json_object_object_get_ex(msg, "id", &id) &&
        !json_object_equal(id, c->client_id)) {
        json_object_object_add(msg, "id", json_object_get(c->client_id));
        text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE);
    }
    size_t n = strlen(text);
    char *line = malloc(n + 2);
    if (!line)
        abort();
    memcpy(line, text, n);
    memcpy(line + n, "\r\n", 2);
    emit(c, line, n + 2);          /* one write, as QEMU does */
    free(line);
    json_object_put(msg);
}

static void send_repeated(conn *c, char ch, size_t n)
{
    char chunk[65536];
    memset(chunk, ch, sizeof chunk);
    for (size_t left = n; left > 0 && !c->gone;) {
        size_t k = left < sizeof chunk ? left : sizeof chunk;
        send_all(c, chunk, k);
        left -= k;
    }
}

/* "! raw": the two characters \0 stand for a NUL byte. */
static void send_raw(conn *c, const char *text)
{
    for (const char *s = text; *s; s++) {
        if (s[0] == '\\' && s[1] == '0') {
            emit(c, "", 1);
            s++;
        } else {
            emit(c, s, 1);
        }
    }
}

static void send_big(conn *c, size_t n)
{
    flush(c);
    send_all(c, "{\"return\": \"", 12);
    send_repeated(c, 'x', n);
    char tail[64];
    snprintf(tail, sizeof tail, "\", \"id\": %s}\r\n",
             c->client_id ? json_object_to_json_string(c->client_id) : "0");
    send_all(c, tail, strlen(tail));
}

/* ---- input ---- */

/* The client's next line without its line end; NULL when it closed. */
static char *read_line(conn *c)
{
    for (;;) {
        char *nl = memchr(c->in, '\n', c->in_len);
        if (nl) {
            size_t len = (size_t)(nl - c->in);
            char *line = strndup(c->in, len && nl[-1] == '\r' ? len - 1 : len);
            memmove(c->in, nl + 1, c->in_len - len - 1);
            c->in_len -= len + 1;
            return line;
        }
        if (c->in_len == sizeof c->in) {
            fail(c->p, "the client sent a line over %zu bytes", sizeof c->in);
            return NULL;
        }
        struct pollfd pfd = {.fd = c->p->fd, .events = POLLIN};
        if (poll(&pfd, 1, PEER_WAIT_MS) == 0) {
            fail(c->p, "the client sent nothing for %d ms", PEER_WAIT_MS);
            return NULL;
        }
        ssize_t n = read(c->p->fd, c->in + c->in_len, sizeof c->in - c->in_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        c->in_len += (size_t)n;
    }
}

/* A ">" line: the client must send it (ids aside). */
static bool expect(conn *c, const char *want_text)
{
    flush(c);
    char *got = read_line(c);
    if (!got) {
        fail(c->p, "the client closed instead of sending %s", want_text);
        return false;
    }
    json_object *want = json_tokener_parse(want_text), *have = json_tokener_parse(got), *id;
    bool ok = want && have;
    if (ok && json_object_object_get_ex(have, "id", &id)) {
        json_object_put(c->client_id);
        c->client_id = json_object_get(id);
    }
    if (ok) {
        json_object_object_del(want, "id");
        json_object_object_del(have, "id");
        ok = json_object_equal(want, have);
    }
    if (!ok)
        fail(c->p, "the client sent %s where the script has %s", got, want_text);
    json_object_put(want);
    json_object_put(have);
    free(got);
    return ok;
}

/* ---- the replay ---- */

static bool run_line(conn *c, const char *line)
{
    if (line[0] == '>')
        return expect(c, line + 2);
    if (line[0] == '<') {
        send_message(c, line + 2);
        return true;
    }
    if (!strncmp(line, "! raw ", 6)) {
        send_raw(c, line + 6);
        return true;
    }
    if (!strncmp(line, "! spaces ", 9)) {
        flush(c);
        send_repeated(c, ' ', strtoull(line + 9, NULL, 10));
        return true;
    }
    if (!strncmp(line, "! big ", 6)) {
        send_big(c, strtoull(line + 6, NULL, 10));
        return true;
    }
    if (!strncmp(line, "! sleep ", 8)) {
        flush(c);
        sleep_ms(atoi(line + 8));
        return true;
    }
    if (!strcmp(line, "! close")) {
        flush(c);
        return false;
    }
    fail(c->p, "bad script line: %s", line);
    return false;
}

static void replay(peer *p)
{
    conn *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    c->p = p;
    bool closed_by_script = false;
    for (size_t i = 0; i < p->n && !c->gone; i++) {
        if (!run_line(c, p->lines[i])) {
            closed_by_script = true;
            break;
        }
    }
    flush(c);
    if (!closed_by_script && !c->gone) {
        char *extra;
        while ((extra = read_line(c))) {
            fail(p, "the client sent %s after the end of the script", extra);
            free(extra);
        }
    }
    json_object_put(c->client_id);
    free(c->out);
    free(c);
}

static int listen_at(peer *p)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", p->path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        abort();
    sleep_ms(p->listen_delay_ms);
    if (listen(fd, 4) < 0)
        abort();
    return fd;
}

static void *peer_main(void *arg)
{
    peer *p = arg;
    sleep_ms(p->bind_delay_ms);
    p->listen_fd = listen_at(p);
    struct pollfd pfd = {.fd = p->listen_fd, .events = POLLIN};
    if (poll(&pfd, 1, PEER_WAIT_MS) <= 0) {
        fail(p, "no client connected");
        return NULL;
    }
    p->fd = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (p->fd < 0) {
        fail(p, "accept: %s", strerror(errno));
        return NULL;
    }
    replay(p);
    close(p->fd);
    p->fd = -1;
    return NULL;
}

void peer_start(peer *p)
{
    if (pthread_create(&p->thread, NULL, peer_main, p) != 0)
        abort();
    p->started = true;
}

const char *peer_finish(peer *p)
{
    if (p->started)
        pthread_join(p->thread, NULL);
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    unlink(p->path);
    rmdir(p->dir);
    for (size_t i = 0; i < p->n; i++)
        free(p->lines[i]);
    free(p->lines);
    p->lines = NULL;
    p->n = 0;
    return p->failure;
}
