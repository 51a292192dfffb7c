/*
 * fuzz_sysfs.c - libFuzzer harness for the sysfs host loader
 * (host_sysfs.c) on a small directory image decoded from the input into
 * the fake OS (src/os/os_fake.h): nothing touches the disk.  The image is
 * text, one entry per '@' line, paths relative to the tree's root:
 *
 *   @sys/devices/system/node/node0/cpulist      a regular file; its
 *   0-3                                         content is the lines up
 *   @dir sys/devices/system/cpu/cpu0            to the next '@' line
 *   @fifo sys/devices/system/node/node1/meminfo
 *   @chr PATH         a character device that reads zeros (/dev/zero)
 *   @link PATH TARGET a symbolic link
 *
 * (at most 4,096 entries, paths of 255 bytes).  Properties: the loader
 * never blocks (vn_fake_blocked() stays 0: a FIFO is refused, not waited
 * on), leaves no descriptor open, and a host it loads (up to 64 nodes)
 * writes caps that read back into the same caps.  Any crash, leak, UB
 * report or broken property is a failure (abort).  Seeds:
 * tests/fuzz/sysfs-seeds (small recorded trees and issue 11's reproducers).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/host_format.h"
#include "model/host.h"
#include "os/os_fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROOT "/r"

/* "/r/" + the path (NULL when too long or empty). */
static char *full(const char *p, size_t n)
{
    if (!n || n > 255)
        return NULL;
    char *s = vn_malloc(n + sizeof(ROOT) + 1);
    memcpy(s, ROOT "/", sizeof(ROOT));
    memcpy(s + sizeof(ROOT), p, n);
    s[sizeof(ROOT) + n] = '\0';
    return s;
}

static void build(vn_fake *f, const char *in, size_t size)
{
    const char *end = in + size;
    const char *p = in;
    unsigned entries = 0;
    while (p < end && entries < 4096) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (*p != '@') {           /* text before the first entry */
            p = nl ? nl + 1 : end;
            continue;
        }
        entries++;
        const char *h = p + 1;
        size_t hl = (size_t)(le - h);
        const char *body = nl ? nl + 1 : end, *bend = body;
        while (bend < end && *bend != '@') {   /* the lines up to the next '@' line */
            const char *n2 = memchr(bend, '\n', (size_t)(end - bend));
            bend = n2 ? n2 + 1 : end;
        }
        char *path = NULL;
        if (hl > 4 && !memcmp(h, "dir ", 4)) {
            if ((path = full(h + 4, hl - 4)))
                vn_fake_add_dir(f, path, 0755);
        } else if (hl > 5 && !memcmp(h, "fifo ", 5)) {
            if ((path = full(h + 5, hl - 5)))
                vn_fake_add_special(f, path, S_IFIFO);
        } else if (hl > 4 && !memcmp(h, "chr ", 4)) {
            if ((path = full(h + 4, hl - 4)))
                vn_fake_add_special(f, path, S_IFCHR);
        } else if (hl > 5 && !memcmp(h, "link ", 5)) {
            const char *sp = memchr(h + 5, ' ', hl - 5);
            if (sp && (path = full(h + 5, (size_t)(sp - h - 5)))) {
                char *target = vn_strndup(sp + 1, (size_t)(le - sp - 1));
                vn_fake_add_symlink(f, path, target);
                free(target);
            }
        } else if ((path = full(h, hl))) {
            vn_fake_add_filen(f, path, body, (size_t)(bend - body), 0644);
        }
        free(path);
        p = bend;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vn_fake *f = vn_fake_new();
    build(f, (const char *)data, size);
    const vn_os *prev = vn_os_set(vn_fake_os(f));
    vn_error e = {0};
    vn_host *h = vn_host_load_sysfs(ROOT, &e);
    vn_os_set(prev);
    if (vn_fake_blocked(f) || vn_fake_open_fds(f)) {
        fprintf(stderr, "the loader blocked (%u) or left descriptors open (%zu)\n",
                vn_fake_blocked(f), vn_fake_open_fds(f));
        abort();
    }
    if (h && h->nnodes <= 64) {
        char *a = vn_host_format_caps(h);
        vn_error e2 = {0};
        vn_host *back = vn_host_load_caps_memory(a, strlen(a), &e2);
        if (!back) {
            fprintf(stderr, "round trip: caps do not read back: %s\n%s\n", e2.msg, a);
            abort();
        }
        char *b = vn_host_format_caps(back);
        if (strcmp(a, b)) {
            fprintf(stderr, "round trip: read back differs\n%s\n---\n%s\n", a, b);
            abort();
        }
        free(vn_host_format_text(h));
        free(a);
        free(b);
        vn_host_free(back);
    }
    vn_host_free(h);
    vn_fake_free(f);
    return 0;
}
