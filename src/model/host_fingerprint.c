/*
 * host_fingerprint.c - which host a placement ledger belongs to (host.h,
 * vn_host_fingerprint): a hash of the host's topology, the parts of it that
 * stay the same across reboots of one machine and tell two machines apart.
 *
 * The hashed text, one line per node in id order, then the page sizes:
 *
 *     vnuma-host 1
 *     node ID cpus LIST memory GIB
 *     ...
 *     pages SIZE_KIB SIZE_KIB ...
 *
 * ID the node id, LIST every CPU id the node lists (online or not; libvirt
 * syntax, "" when none), GIB its MemTotal rounded up to whole GiB (MemTotal
 * moves by some MiB between kernels and firmware settings, always below
 * the installed size: the ceiling absorbs that), the huge page sizes the
 * host offers in KiB, ascending.  Not hashed: free memory, pool sizes,
 * distances, online states, where the host was read from (a capabilities
 * XML of a machine and its sysfs give one fingerprint).  The fingerprint
 * is FNV-1a (64 bits) of that text in 16 lowercase hex digits.
 */
#include "model/host.h"

#include <stdlib.h>

#define GIB_KIB (UINT64_C(1) << 20)

char *vn_host_fingerprint_text(const vn_host *h)
{
    vn_buf b = {0};
    vn_buf_add(&b, "vnuma-host 1\n");
    for (size_t i = 0; i < h->nnodes; i++) {
        const vn_host_node *n = &h->nodes[i];
        VN_AUTOPTR(vn_bitmap) cpus = vn_bitmap_new();
        for (size_t k = 0; k < n->ncpus; k++)
            vn_bitmap_set(cpus, n->cpus[k].id);
        VN_AUTOFREE char *list = vn_bitmap_format(cpus);
        vn_buf_addf(&b, "node %u cpus %s memory %llu\n", n->id, list,
                    (unsigned long long)(n->mem_kib / GIB_KIB + (n->mem_kib % GIB_KIB != 0)));
    }
    vn_buf_add(&b, "pages");
    for (size_t i = 0; i < h->nhugepage_sizes; i++)
        vn_buf_addf(&b, " %llu", (unsigned long long)h->hugepage_sizes_kib[i]);
    vn_buf_addc(&b, '\n');
    return vn_buf_steal(&b);
}

char *vn_host_fingerprint(const vn_host *h)
{
    VN_AUTOFREE char *text = vn_host_fingerprint_text(h);
    uint64_t x = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        x = (x ^ *p) * UINT64_C(1099511628211);
    return vn_asprintf("%016llx", (unsigned long long)x);
}
