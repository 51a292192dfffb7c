/*
 * name.c - names, before they touch a path.
 *
 *   - libvirt's rule (virDomainDefPostParseCheckFeatures, without
 *     VIR_DOMAIN_DEF_FEATURE_NAME_SLASH): a name containing '/' is refused
 *     with libvirt's own message;
 *   - run and launch register a name as a directory of the state dir, so
 *     they also refuse a leading '.', control characters, an empty name
 *     and one longer than VN_AP_NAME_MAX bytes (libvirt accepts all of
 *     them: `vnuma check` only warns);
 *   - the cgroup directory is libvirt's: virDomainDriverGenerateMachineName
 *     ("qemu-ID-" + the name's hostname characters, 64 at most) then
 *     virCgroupNewDomainPartition (".libvirt-qemu", escaped as
 *     virCgroupPartitionEscape does).
 * The QMP socket's path is kept within sun_path's 108 bytes by state.c.
 */
#include <string.h>

#include "apply/apply_internal.h"

int vn_ap_check_name(const char *name, bool registering, vn_warnings *w, vn_error *err)
{
    if (!name) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "missing domain name");
        return -1;
    }
    if (strchr(name, '/')) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "name %s cannot contain '/'", name);
        return -1;
    }
    const char *why = NULL;
    if (!*name)
        why = "is empty";
    else if (name[0] == '.')
        why = "starts with '.'";
    else if (strlen(name) > VN_AP_NAME_MAX)
        why = "is longer than 200 bytes";
    for (const unsigned char *p = (const unsigned char *)name; !why && *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            why = "contains a control character";
    if (!why)
        return 0;
    if (!registering) {
        vn_warn(w, "name '%s' %s: vnuma run and launch refuse it", name, why);
        return 0;
    }
    vn_error_set(err, VNUMA_ERR_INVALID, "name '%s' %s: it cannot name an entry of the "
                 "state directory (use --name)", name, why);
    return -1;
}

char *vn_ap_machine_name(int id, const char *name)
{
    static const char hostname_chars[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
    VN_AUTOCLEAR(vn_buf) b = {0};
    vn_buf_addf(&b, "qemu-%d-", id);
    bool skip = true;
    for (const char *p = name; *p && b.len < 64; p++) {
        if (*p == '.' || *p == '-') {
            if (!skip)
                vn_buf_addc(&b, *p);
            skip = true;
            continue;
        }
        if (!strchr(hostname_chars, *p))
            continue;
        vn_buf_addc(&b, *p);
        skip = false;
    }
    while (b.len && (b.s[b.len - 1] == '-' || b.s[b.len - 1] == '.'))
        b.s[--b.len] = '\0';
    return vn_buf_steal(&b);
}

bool vn_ap_cgroup_needs_escape(const char *c)
{
    static const char *const controllers[] = {
        "cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "net_cls", "blkio",
        "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc",
    };
    if (!strncmp(c, "cgroup.", 7) || c[0] == '_' || c[0] == '.')
        return true;
    for (size_t i = 0; i < VN_ARRAY_LEN(controllers); i++) {
        size_t n = strlen(controllers[i]);
        if (!strncmp(c, controllers[i], n) && c[n] == '.')
            return true;
    }
    return false;
}

char *vn_ap_cgroup_dir_name(int id, const char *name)
{
    VN_AUTOFREE char *machine = vn_ap_machine_name(id, name);
    VN_AUTOFREE char *grp = vn_asprintf("%s.libvirt-qemu", machine);
    return vn_ap_cgroup_needs_escape(grp) ? vn_asprintf("_%s", grp) : VN_STEAL(grp);
}
