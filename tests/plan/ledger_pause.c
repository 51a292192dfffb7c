/*
 * ledger_pause.c - `vnuma plan` with a pause between writing the new
 * ledger and renaming it into place, for kill_during_write.sh.
 *
 *     ledger_pause SECONDS plan [PLAN OPTIONS] DOMAIN.xml
 *
 * It runs the command's own code (src/cli/cmd_plan.c, linked in) over a
 * seam that passes every call to the real system, except that renameat
 * first sleeps SECONDS.  The pause used to be an environment variable the
 * library read (VNUMA_LEDGER_TEST_PAUSE); it lives here instead because
 * this is the cleaner of the two ways that keep the library free of the
 * environment: neither the library nor the installed vnuma has a hook a
 * stray variable could trigger (a root command that sleeps on request
 * while holding the ledger's lock), the test reaches exactly the point
 * it means (the seam's renameat, the step after the fsync), and nothing
 * in the product exists only for a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_plan.h"
#include "os/os.h"

static vn_os paused;
static uint64_t pause_ns;

static int slow_renameat(const vn_os *os, int olddirfd, const char *oldpath, int newdirfd,
                         const char *newpath)
{
    const vn_os *real = vn_os_real();
    (void)os;
    real->sleep_ns(real, pause_ns);
    return real->renameat(real, olddirfd, oldpath, newdirfd, newpath);
}

int main(int argc, char **argv)
{
    char *end;
    double s = argc > 2 ? strtod(argv[1], &end) : -1;
    if (argc < 3 || s < 0 || *end || strcmp(argv[2], "plan")) {
        fprintf(stderr, "usage: ledger_pause SECONDS plan [OPTIONS] DOMAIN.xml\n");
        return 2;
    }
    pause_ns = (uint64_t)(s * 1e9);
    paused = *vn_os_real();
    paused.name = "real, renameat paused";
    paused.renameat = slow_renameat;
    vn_os_set(&paused);
    return vn_cmd_plan(argc - 2, argv + 2);
}
