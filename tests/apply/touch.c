/* touch.c - a memory toucher for the apply test bed's guest (tests/apply/).
 *
 *   touch [-s MODE:NODES] [-p] [-g FILE] [MIB]
 *
 * Maps MIB MiB of private anonymous memory (default 0: none), writes to
 * every 4 KiB page, prints "ready ADDR" (the mapping's start, as in
 * /proc/PID/numa_maps) and waits until killed, or with -g until FILE exists,
 * then exits 0.  A case reads /proc/PID/numa_maps and /proc/PID/status while
 * it waits.  -s first sets the thread's policy with set_mempolicy(2)
 * (MODE: bind, preferred, interleave, preferred_many; NODES: a list such as
 * 1,3 or 0-3), to check the printing and the placement.  -p then prints the calling thread's memory policy as
 * get_mempolicy(2) reports it:
 *     policy MODE nodes LIST      e.g. "policy bind nodes 2-3", "policy default nodes "
 * (MODE: default, preferred, bind, interleave, local, preferred_many; LIST
 * in cpulist form, empty when the mask is empty).  Built statically by
 * tests/apply/run (no libnuma: the system call is made directly).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define MAXNODE 1024

static const char *const modes[] = {
    "default", "preferred", "bind", "interleave", "local", "preferred_many",
};

/* set_policy "MODE:LIST": set_mempolicy(MODE, LIST) or exit 2 */
static void set_policy(const char *arg)
{
    unsigned long mask[MAXNODE / (8 * sizeof(unsigned long))];
    const int bits = 8 * (int)sizeof(unsigned long);
    const char *colon = strchr(arg, ':');
    int mode = -1;

    for (int i = 0; colon && i < (int)(sizeof modes / sizeof modes[0]); i++)
        if (strlen(modes[i]) == (size_t)(colon - arg) && !strncmp(arg, modes[i], (size_t)(colon - arg)))
            mode = i;
    if (mode < 0) {
        fprintf(stderr, "touch: bad policy %s (MODE:NODES)\n", arg);
        exit(2);
    }
    memset(mask, 0, sizeof mask);
    for (const char *p = colon + 1; *p;) {
        char *end;
        long a = strtol(p, &end, 10), b = a;
        if (end == p)
            goto bad;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        if (a < 0 || b < a || b >= MAXNODE)
            goto bad;
        for (long n = a; n <= b; n++)
            mask[n / bits] |= 1UL << (n % bits);
        if (*end == ',')
            end++;
        else if (*end)
            goto bad;
        p = end;
    }
    if (syscall(SYS_set_mempolicy, mode, mask, (unsigned long)MAXNODE + 1) != 0) {
        perror("touch: set_mempolicy");
        exit(1);
    }
    return;
bad:
    fprintf(stderr, "touch: bad node list in %s\n", arg);
    exit(2);
}

static void print_policy(void)
{
    unsigned long mask[MAXNODE / (8 * sizeof(unsigned long))];
    int mode = -1;
    const int bits = 8 * (int)sizeof(unsigned long);

    memset(mask, 0, sizeof mask);
    if (syscall(SYS_get_mempolicy, &mode, mask, (unsigned long)MAXNODE, NULL, 0UL) != 0) {
        perror("touch: get_mempolicy");
        exit(1);
    }
    if (mode >= 0 && mode < (int)(sizeof modes / sizeof modes[0]))
        printf("policy %s nodes ", modes[mode]);
    else
        printf("policy mode%d nodes ", mode);
    /* the mask as a list: runs of set bits as A-B, joined by commas */
    const char *sep = "";
    for (int n = 0; n < MAXNODE; n++) {
        if (!(mask[n / bits] >> (n % bits) & 1))
            continue;
        int e = n;
        while (e + 1 < MAXNODE && (mask[(e + 1) / bits] >> ((e + 1) % bits) & 1))
            e++;
        if (e == n)
            printf("%s%d", sep, n);
        else
            printf("%s%d-%d", sep, n, e);
        sep = ",";
        n = e;
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    const char *go = NULL;
    int opt, policy = 0;

    while ((opt = getopt(argc, argv, "ps:g:")) != -1) {
        switch (opt) {
        case 'p': policy = 1; break;
        case 's': set_policy(optarg); break;
        case 'g': go = optarg; break;
        default:
            fprintf(stderr, "usage: touch [-s MODE:NODES] [-p] [-g FILE] [MIB]\n");
            return 2;
        }
    }
    long mib = optind < argc ? strtol(argv[optind], NULL, 10) : 0;
    if (mib < 0) {
        fprintf(stderr, "touch: bad size %s\n", argv[optind]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (policy)
        print_policy();
    char *p = NULL;
    if (mib > 0) {
        size_t len = (size_t)mib << 20;
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("touch: mmap");
            return 1;
        }
        for (size_t off = 0; off < len; off += 4096)
            p[off] = 1;
    }
    printf("ready %lx\n", (unsigned long)p);
    for (;;) {
        struct stat st;
        if (go && stat(go, &st) == 0)
            return 0;
        if (go)
            usleep(50000);
        else
            pause();
    }
}
