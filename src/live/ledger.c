/*
 * ledger.c - `vnuma attach --ledger FILE` (and detach): the placement
 * ledger of `vnuma plan --ledger` (place/ledger.h) books what a guest takes
 * from the host; a hot-plugged memory device takes more.  The check, under
 * the ledger's lock held until the booking is saved: on the device's host
 * nodes (all of them when it is not bound), the host's free memory (or free
 * huge pages of its page size) minus what the ledger books there must hold
 * the device; the device is booked node by node in node order, as much on
 * each as is free there.  Detaching gives back the same amount, taken off
 * the guest's bookings in the same order.
 */
#include <stdlib.h>
#include <string.h>

#include "live/live_internal.h"
#include "place/ledger.h"

struct vn_lv_ledger {
    vn_ledger_file f;
    vn_ledger book;
    char *name;
    vn_usage take;             /* what the device takes, per node */
};

void vn_lv_ledger_free(vn_lv_ledger *lg)
{
    if (!lg)
        return;
    vn_ledger_close(&lg->f);
    vn_ledger_clear(&lg->book);
    vn_usage_clear(&lg->take);
    free(lg->name);
    free(lg);
}

/* Free on (node, page) per the host, minus the ledger's bookings. */
static uint64_t host_free(const vn_host_node *hn, uint64_t page_kib, const vn_usage *booked)
{
    uint64_t have = 0;
    if (!page_kib) {
        have = hn->free_kib;
    } else {
        for (size_t k = 0; k < hn->npages; k++)
            if (hn->pages[k].size_kib == page_kib)
                have = hn->pages[k].free;
    }
    uint64_t used = vn_usage_get(booked, hn->id, page_kib);
    return have > used ? have - used : 0;
}

static int open_ledger(vn_live *l, vn_lv_ledger **out, vn_error *err)
{
    vn_lv_ledger *lg = vn_calloc(1, sizeof(*lg));
    lg->f.lock = -1;
    lg->name = vn_strdup(l->e.info.name);
    if (vn_ledger_open(&lg->f, l->lo->ledger, 0, err) < 0 ||
        vn_ledger_load(&lg->f, &lg->book, err) < 0) {
        vn_lv_ledger_free(lg);
        return -1;
    }
    *out = lg;
    return 0;
}

int vn_lv_ledger_check(vn_live *l, const vn_memdev *m, uint64_t page_kib, vn_lv_ledger **out,
                       vn_error *err)
{
    *out = NULL;
    const vn_host *h = vn_lv_host(l, err);
    if (!h) {
        if (!err->code)
            vn_error_set(err, VNUMA_ERR_INVALID, "--ledger needs a host (not --host none)");
        return -1;
    }
    vn_lv_ledger *lg;
    if (open_ledger(l, &lg, err) < 0)
        return -1;
    vn_usage booked = {0};
    if (!vn_ledger_total(&lg->book, &booked)) {
        vn_error_set(err, VNUMA_ERR_INVALID, "ledger %s: the bookings overflow", l->lo->ledger);
        vn_lv_ledger_free(lg);
        return -1;
    }
    const vn_bitmap *nodes = vn_lv_memdev_nodes(l->dom, m);
    VN_AUTOPTR(vn_bitmap) all = nodes ? NULL : vn_host_nodeset(h);
    const vn_bitmap *set = nodes ? nodes : all;
    uint64_t need = page_kib ? VN_DIV_UP(m->size_kib, page_kib) : m->size_kib, have = 0;
    vn_bitmap_foreach(set, n) {
        const vn_host_node *hn = vn_host_find_node(h, (unsigned)n);
        uint64_t f = hn ? host_free(hn, page_kib, &booked) : 0;
        uint64_t take = f < need ? f : need;
        have += f;
        if (take && !vn_usage_add(&lg->take, (unsigned)n, page_kib, take))
            take = 0;
        need -= take;
    }
    vn_usage_clear(&booked);
    if (need) {
        VN_AUTOFREE char *s = vn_lv_nodes(set);
        VN_AUTOFREE char *size = vn_lv_size(m->size_kib);
        if (page_kib)
            vn_error_set(err, VNUMA_ERR_HOST, "the ledger %s leaves %llu free huge pages of "
                         "%llu KiB on %s; the device (%s) needs %llu",
                         l->lo->ledger, (unsigned long long)have,
                         (unsigned long long)page_kib, s, size,
                         (unsigned long long)VN_DIV_UP(m->size_kib, page_kib));
        else
            vn_error_set(err, VNUMA_ERR_HOST, "the ledger %s leaves %llu KiB free on %s; "
                         "the device needs %s", l->lo->ledger,
                         (unsigned long long)have, s, size);
        vn_lv_ledger_free(lg);
        return -1;
    }
    *out = lg;
    return 0;
}

/* u minus what take books (not below 0). */
static void subtract(vn_usage *u, const vn_usage *take)
{
    vn_usage out = {0};
    for (size_t i = 0; i < u->ntakes; i++) {
        const vn_take *t = &u->takes[i];
        uint64_t less = vn_usage_get(take, t->node, t->page_kib);
        uint64_t left = t->amount > less ? t->amount - less : 0;
        if (left && !vn_usage_add(&out, t->node, t->page_kib, left))
            continue;
    }
    out.cpus = u->cpus;
    u->cpus = NULL;
    vn_usage_clear(u);
    *u = out;
}

int vn_lv_ledger_commit(vn_lv_ledger *lg, int sign, vn_error *err)
{
    vn_ledger_entry *e = vn_ledger_find(&lg->book, lg->name);
    if (sign > 0) {
        if (!e) {
            vn_ledger_add(&lg->book, lg->name, &lg->take);
        } else if (!vn_usage_merge(&e->use, &lg->take)) {
            vn_error_set(err, VNUMA_ERR_INVALID, "the booking of '%s' overflows", lg->name);
            return -1;
        }
    } else if (e) {
        subtract(&e->use, &lg->take);
    }
    return vn_ledger_save(&lg->f, &lg->book, err);
}

int vn_lv_ledger_release(vn_live *l, const vn_memdev *m, vn_error *err)
{
    uint64_t page_kib = 0;
    ssize_t idx = vn_lv_find_memdev(l->dom, m->alias);
    if (idx >= 0 && vn_qemu_memdev_pagesize(l->dom, (size_t)idx, &l->cfg, &page_kib, err) < 0)
        return -1;
    vn_lv_ledger *lg;
    if (open_ledger(l, &lg, err) < 0)
        return -1;
    vn_ledger_entry *e = vn_ledger_find(&lg->book, lg->name);
    uint64_t left = page_kib ? VN_DIV_UP(m->size_kib, page_kib) : m->size_kib;
    for (size_t i = 0; e && i < e->use.ntakes && left; i++) {
        const vn_take *t = &e->use.takes[i];
        if (t->page_kib != page_kib)
            continue;
        uint64_t give = t->amount < left ? t->amount : left;
        if (!vn_usage_add(&lg->take, t->node, page_kib, give))
            break;
        left -= give;
    }
    int rc = vn_lv_ledger_commit(lg, -1, err);
    vn_lv_ledger_free(lg);
    return rc;
}
