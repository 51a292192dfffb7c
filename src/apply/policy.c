/*
 * policy.c - a process's memory policy and CPU affinity, as numactl sets
 * them, through the seam's raw set_mempolicy(2) and sched_setaffinity(2).
 *
 * Raw system calls rather than libnuma: the calls are two, their modes
 * come from <linux/mempolicy.h>, and libnuma's process-wide state (its
 * node masks read at load time, its error hooks that print and exit)
 * would sit outside the OS seam, where the fault-injection tests cannot
 * reach.  MPOL_PREFERRED_MANY (Linux 5.15) is tried for a preferred
 * nodeset of several nodes; a kernel without it answers EINVAL, and that
 * is refused with libvirt's message (virNumaSetupMemoryPolicy).
 */
#include <errno.h>
#include <linux/mempolicy.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply_internal.h"
#include "os/os.h"

#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY 5
#endif

static const char *mpol_name(int mode)
{
    switch (mode) {
    case MPOL_BIND: return "MPOL_BIND";
    case MPOL_PREFERRED: return "MPOL_PREFERRED";
    case MPOL_PREFERRED_MANY: return "MPOL_PREFERRED_MANY";
    case MPOL_INTERLEAVE: return "MPOL_INTERLEAVE";
    default: return "MPOL_DEFAULT";
    }
}

static long call_set(int mode, const vn_bitmap *nodes)
{
    const vn_os *os = vn_os_current();
    if (!nodes || vn_bitmap_is_empty(nodes))
        return os->set_mempolicy(os, mode, NULL, 0);
    size_t words = (size_t)vn_bitmap_last(nodes) / 64 + 1;
    unsigned long mask[words];
    memset(mask, 0, sizeof(mask));
    vn_bitmap_foreach(nodes, n)
        mask[(unsigned)n / 64] |= 1ul << ((unsigned)n % 64);
    return os->set_mempolicy(os, mode, mask, (unsigned long)words * 64 + 1);
}

int vn_ap_set_mempolicy(vn_numatune_mode mode, const vn_bitmap *nodes, vn_error *err)
{
    int mpol;
    switch (mode) {
    case VN_NUMATUNE_STRICT: mpol = MPOL_BIND; break;
    case VN_NUMATUNE_INTERLEAVE: mpol = MPOL_INTERLEAVE; break;
    case VN_NUMATUNE_PREFERRED:
        mpol = nodes && vn_bitmap_count(nodes) > 1 ? MPOL_PREFERRED_MANY : MPOL_PREFERRED;
        break;
    default:
        return 0;   /* restrictive: the default policy within cpuset.mems */
    }
    VN_AUTOFREE char *list = nodes ? vn_bitmap_format(nodes) : vn_strdup("");
    if (call_set(mpol, nodes) == 0)
        return 0;
    int e = errno;
    if (mpol == MPOL_PREFERRED_MANY && e == EINVAL) {
        vn_error_setc(err, VNUMA_ERR_UNSUPPORTED, VN_ERRC_UNSUPPORTED,
                      "NUMA memory tuning in 'preferred' mode only supports single node "
                      "(nodeset '%s'; this kernel has no MPOL_PREFERRED_MANY)", list);
        return -1;
    }
    vn_error_sys(err, VNUMA_ERR_SYSTEM, e, "set_mempolicy(%s, nodes '%s')", mpol_name(mpol),
                 list);
    return -1;
}

int vn_ap_reset_mempolicy(vn_error *err)
{
    if (call_set(MPOL_DEFAULT, NULL) == 0)
        return 0;
    vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "set_mempolicy(MPOL_DEFAULT)");
    return -1;
}

int vn_ap_set_affinity(pid_t tid, const vn_bitmap *cpus, vn_error *err)
{
    const vn_os *os = vn_os_current();
    int last = vn_bitmap_last(cpus);
    size_t ncpus = last < 0 ? 1 : (size_t)last + 1;
    size_t size = CPU_ALLOC_SIZE(ncpus);
    cpu_set_t *set = CPU_ALLOC(ncpus);
    CPU_ZERO_S(size, set);
    vn_bitmap_foreach(cpus, c)
        CPU_SET_S((size_t)c, size, set);
    int rc = os->sched_setaffinity(os, tid, size, set);
    int e = errno;
    CPU_FREE(set);
    if (rc == 0)
        return 0;
    VN_AUTOFREE char *list = vn_bitmap_format(cpus);
    vn_error_sys(err, VNUMA_ERR_SYSTEM, e, "sched_setaffinity(%d, CPUs '%s')", (int)tid, list);
    return -1;
}

int vn_ap_get_affinity(pid_t tid, vn_bitmap **cpus, vn_error *err)
{
    const vn_os *os = vn_os_current();
    size_t ncpus = VN_CPUMASK_LEN;
    size_t size = CPU_ALLOC_SIZE(ncpus);
    cpu_set_t *set = CPU_ALLOC(ncpus);
    CPU_ZERO_S(size, set);
    if (os->sched_getaffinity(os, tid, size, set) < 0) {
        vn_error_sys(err, VNUMA_ERR_SYSTEM, errno, "sched_getaffinity(%d)", (int)tid);
        CPU_FREE(set);
        return -1;
    }
    vn_bitmap *b = vn_bitmap_new();
    for (size_t c = 0; c < ncpus; c++)
        if (CPU_ISSET_S(c, size, set))
            vn_bitmap_set(b, (unsigned)c);
    CPU_FREE(set);
    *cpus = b;
    return 0;
}
