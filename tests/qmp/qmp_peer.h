/*
 * qmp_peer.h - a fake QEMU monitor for tests: a thread listening on a unix
 * socket in a temporary directory that replays a script.
 *
 * A script is what tests/qmp/record.py writes (tests/qmp/recorded/NAME.jsonl)
 * or lines a test adds in the same form:
 *
 *     # comment                    ignored
 *     > {"execute": ...}           the client must send this (compared as
 *                                  JSON; the "id" value is not compared)
 *     < {"return": ..., "id": 2}   sent, followed by \r\n; an "id" is
 *                                  replaced by the id the client used in
 *                                  its last command (the line is then sent
 *                                  re-serialised, else byte for byte)
 *     ! raw TEXT                   TEXT sent as it is (no \r\n added; the
 *                                  two characters \0 stand for a NUL byte)
 *     ! big N                      {"return": "<N x's>", "id": <client id>}\r\n
 *     ! spaces N                   N spaces
 *     ! sleep MS                   pause
 *     ! close                      close the connection (EOF to the client)
 *
 * After the last line the peer reads until the client closes; anything the
 * client sends that the script does not expect is a failure, reported by
 * peer_finish() (the peer itself never calls cmocka).
 */
#ifndef QMP_PEER_H
#define QMP_PEER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum peer_mode {
    PEER_LINES,         /* one write per message */
    PEER_BYTES,         /* one write per byte, 100 us apart: partial reads */
    PEER_COALESCED,     /* consecutive messages in one write */
} peer_mode;

typedef struct peer {
    char dir[64];
    char path[96];              /* the socket */
    char **lines;
    size_t n;
    peer_mode mode;
    int bind_delay_ms;          /* create the socket file only after this */
    int listen_delay_ms;        /* then refuse connections for this long */
    int listen_fd, fd;
    bool started;
    pthread_t thread;
    char failure[1024];         /* "" when the client did as scripted */
} peer;

/* An empty peer with a fresh temporary directory. */
void peer_init(peer *p, peer_mode mode);
/* Add a script line, or every line of tests/qmp/recorded/<name>.jsonl. */
void peer_add(peer *p, const char *line);
void peer_addf(peer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void peer_load(peer *p, const char *name);
/* Start listening (after bind_delay_ms/listen_delay_ms, in the thread). */
void peer_start(peer *p);
/* Wait for the replay to end (the client must have closed by then), remove
 * the directory; the failure text, "" if none. */
const char *peer_finish(peer *p);

#endif
