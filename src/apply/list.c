/*
 * list.c - `vnuma list`: every entry of the state directory with its pid,
 * mode, nodes, CPUs and cgroup.  An entry whose process is gone is stale:
 * run execs its command and so cannot clean up after it, which is why list
 * reaps such entries (their cgroups, memory directories and the entry) and
 * shows them as "stale (removed)".  An entry another command holds is
 * "starting" (or being stopped).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "apply/apply_internal.h"
#include "os/os.h"

void vn_apply_list_clear(vn_apply_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        vn_apply_item *it = &l->items[i];
        free(it->name);
        free(it->kind);
        free(it->state);
        free(it->mode);
        free(it->nodes);
        free(it->cpus);
        free(it->cgroup);
    }
    free(l->items);
    *l = (vn_apply_list){0};
}

static void fill(vn_apply_item *it, const vn_ap_info *i, const char *state)
{
    it->name = vn_strdup(i->name);
    it->kind = vn_strdup(i->kind);
    it->pid = i->pid;
    it->state = vn_strdup(state);
    it->mode = vn_strdup(i->mode ? i->mode : "");
    it->nodes = vn_strdup(i->nodes ? i->nodes : "");
    it->cpus = vn_strdup(i->cpus ? i->cpus : "");
    it->cgroup = vn_strdup(i->cg_domain ? i->cg_domain : "");
}

/* One entry: busy (another command holds it), running, or stale (reaped). */
static int list_one(const vn_apply_opts *o, const char *name, vn_apply_list *out,
                    vn_error *err)
{
    const vn_os *os = vn_os_current();
    VN_AUTOFREE char *dir = vn_asprintf("%s/%s", vn_ap_state_dir(o), name);
    VN_AUTOFREE char *lock = vn_asprintf("%s/lock", dir);
    VN_AUTOFD int fd = os->open(os, lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0);
    bool busy = fd >= 0 && os->flock(os, fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    VN_AUTOFREE char *path = vn_asprintf("%s/info", dir);
    VN_AUTOFREE char *text = NULL;
    VN_AUTOCLEAR(vn_ap_info) info = {0};
    vn_error pe = {0};
    if (vn_ap_slurp(path, VN_AP_MAX_FILE, &text) < 0 || vn_ap_info_parse(text, &info, &pe) < 0)
        return 0;   /* not an entry (any more) */
    vn_apply_item *it = VN_APPEND(out->items, out->n);
    if (busy || vn_ap_proc_alive(info.pid, info.start)) {
        fill(it, &info, busy && strcmp(info.state, "running") ? "starting" : "running");
        return 0;
    }
    fill(it, &info, "stale");
    os->close(os, VN_STEAL_FD(fd));
    VN_AUTOCLEAR(vn_ap_entry) e = {.dirfd = -1, .lockfd = -1};
    if (vn_ap_entry_open(o, name, &e, err) < 0 ||
        vn_ap_proc_alive(e.info.pid, e.info.start))
        return 0;
    if (vn_ap_entry_reap(&e, o, err) < 0)
        return -1;
    it->reaped = true;
    return 0;
}

int vn_apply_list_entries(const vn_apply_opts *o, vn_apply_list *out, vn_error *err)
{
    VN_AUTOCLEAR(vn_argv) names = {0};
    if (vn_ap_state_names(o, &names, err) < 0)
        return -1;
    for (size_t i = 0; i < names.n; i++)
        if (list_one(o, names.v[i], out, err) < 0)
            return -1;
    return 0;
}
