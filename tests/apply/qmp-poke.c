/* qmp-poke.c - a minimal QMP client for the apply test bed's guest
 * (tests/apply/; busybox's nc cannot talk to a unix socket).
 *
 *   qmp-poke [-t SECONDS] SOCKET JSON...
 *
 * Connects to the QMP unix socket SOCKET (retrying while it does not exist
 * or refuses, up to the time limit, default 60 s), reads the greeting, sends
 * {"execute":"qmp_capabilities"} and waits for its reply (QEMU answers only
 * once its start-up, backend preallocation included, is done), then sends
 * each JSON command in turn and prints its reply, one line each.  Events
 * ({"event": ...}) are skipped.  Exit status: 0 when every reply was a
 * "return", 1 when one was an "error" (it is still printed), 2 on a usage,
 * connection or time-out error (message on stderr).  A "quit" whose reply
 * never comes because QEMU closed the socket counts as a return.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

static char buf[1 << 20];
static size_t have;

static void on_alarm(int sig)
{
    (void)sig;
    static const char m[] = "qmp-poke: timed out\n";
    if (write(2, m, sizeof m - 1) < 0) { /* nothing to do */ }
    _exit(2);
}

/* read_line: the next line (without \r\n) into a static buffer; NULL at EOF */
static char *read_line(int fd)
{
    static char line[sizeof buf];
    for (;;) {
        char *nl = memchr(buf, '\n', have);
        if (nl) {
            size_t n = (size_t)(nl - buf);
            memcpy(line, buf, n);
            line[n] = 0;
            if (n && line[n - 1] == '\r')
                line[n - 1] = 0;
            memmove(buf, nl + 1, have - n - 1);
            have -= n + 1;
            return line;
        }
        if (have == sizeof buf)
            return NULL;
        ssize_t r = read(fd, buf + have, sizeof buf - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return NULL;
        have += (size_t)r;
    }
}

static int is_return(const char *l) { return strncmp(l, "{\"return\"", 9) == 0; }
static int is_error(const char *l) { return strncmp(l, "{\"error\"", 8) == 0; }

/* reply: the next "return" or "error" line (events are skipped); NULL at EOF */
static char *reply(int fd)
{
    char *l;
    while ((l = read_line(fd)) && !is_return(l) && !is_error(l))
        ;
    return l;
}

static int send_cmd(int fd, const char *json)
{
    size_t n = strlen(json);
    if (write(fd, json, n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
        perror("qmp-poke: write");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int opt, limit = 60;
    while ((opt = getopt(argc, argv, "t:")) != -1) {
        if (opt == 't')
            limit = atoi(optarg);
        else
            goto usage;
    }
    if (optind >= argc) {
usage:
        fprintf(stderr, "usage: qmp-poke [-t SECONDS] SOCKET JSON...\n");
        return 2;
    }
    signal(SIGALRM, on_alarm);
    signal(SIGPIPE, SIG_IGN);
    alarm((unsigned)limit);

    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(argv[optind]) >= sizeof sa.sun_path) {
        fprintf(stderr, "qmp-poke: socket path too long\n");
        return 2;
    }
    strcpy(sa.sun_path, argv[optind]);
    int fd;
    for (;;) {
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) {
            perror("qmp-poke: socket");
            return 2;
        }
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
            break;
        if (errno != ENOENT && errno != ECONNREFUSED) {
            fprintf(stderr, "qmp-poke: connect %s: %s\n", sa.sun_path, strerror(errno));
            return 2;
        }
        close(fd);
        nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
    }
    char *l = read_line(fd);
    if (!l || !strstr(l, "\"QMP\"")) {
        fprintf(stderr, "qmp-poke: no QMP greeting on %s\n", sa.sun_path);
        return 2;
    }
    if (send_cmd(fd, "{\"execute\":\"qmp_capabilities\"}") < 0)
        return 2;
    l = reply(fd);
    if (!l || !is_return(l)) {
        fprintf(stderr, "qmp-poke: qmp_capabilities: %s\n", l ? l : "no reply");
        return 2;
    }
    int status = 0;
    for (int i = optind + 1; i < argc; i++) {
        if (send_cmd(fd, argv[i]) < 0)
            return 2;
        l = reply(fd);
        if (!l) {
            if (strstr(argv[i], "\"quit\""))
                break;
            fprintf(stderr, "qmp-poke: no reply to %s\n", argv[i]);
            return 2;
        }
        printf("%s\n", l);
        if (!is_return(l))
            status = 1;
    }
    return status;
}
