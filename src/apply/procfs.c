/*
 * procfs.c - what src/apply reads from /proc: a process's state and start
 * time (/proc/PID/stat, so that a reused pid is not taken for the process
 * an entry registered) and its cgroup (/proc/PID/cgroup).  The parsers are
 * pure and take the files' text; tests feed them recorded text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply_internal.h"

int vn_ap_parse_stat(const char *text, char *state, uint64_t *starttime)
{
    /* "PID (COMM) S ppid ...": COMM may hold spaces and ')' - the last
     * ')' ends it.  starttime is field 22, the 20th after the state. */
    const char *p = strrchr(text, ')');
    if (!p || p[1] != ' ' || !p[2])
        return -1;
    p += 2;
    char st = *p;
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        p++;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno || end == p || (*end != ' ' && *end != '\n' && *end))
        return -1;
    *state = st;
    *starttime = v;
    return 0;
}

int vn_ap_proc_stat(pid_t pid, char *state, uint64_t *starttime)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    VN_AUTOFREE char *text = NULL;
    if (vn_ap_slurp(path, 8192, &text) < 0)
        return -1;
    if (vn_ap_parse_stat(text, state, starttime) < 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

bool vn_ap_proc_alive(pid_t pid, uint64_t starttime)
{
    char state;
    uint64_t start;
    if (pid <= 0 || vn_ap_proc_stat(pid, &state, &start) < 0)
        return false;
    return start == starttime && state != 'Z' && state != 'X' && state != 'x';
}

char *vn_ap_parse_proc_cgroup(const char *text, const char *controller)
{
    /* "ID:CONTROLLERS:PATH" per line; v2's line is "0::PATH". */
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *c1 = memchr(line, ':', len);
        const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
        if (c2) {
            size_t clen = (size_t)(c2 - c1 - 1);
            bool match = !*controller ? clen == 0 : false;
            for (const char *t = c1 + 1; *controller && t < c2;) {
                const char *comma = memchr(t, ',', (size_t)(c2 - t));
                size_t tl = comma ? (size_t)(comma - t) : (size_t)(c2 - t);
                if (tl == strlen(controller) && !memcmp(t, controller, tl))
                    match = true;
                t = comma ? comma + 1 : c2;
            }
            if (match)
                return vn_strndup(c2 + 1, len - (size_t)(c2 + 1 - line));
        }
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}
