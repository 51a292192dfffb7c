/*
 * host_load.c - the table of host loaders: which one a source string
 * names.  The command's --host and the public vnuma_host_load take the
 * same strings:
 *
 *   NULL or ""       this machine (sysfs at /, host_sysfs.c), restricted to
 *                    this process's cpuset (host_cpuset.c) unless
 *                    whole_system
 *   sysfs:DIR        a recorded sysfs tree (host_sysfs.c), restricted to the
 *                    cpuset its proc/ and cgroup mounts record
 *   synthetic:SPEC   a made-up host (host_synthetic.c)
 *   none             no host: host rules are skipped (NULL, no error)
 *   anything else    a libvirt capabilities XML file (host_caps.c)
 */
#include <string.h>

#include "model/host.h"

typedef struct loader {
    const char *prefix;
    vn_host *(*load)(const char *rest, const vn_host_load_opts *o, vn_error *err);
} loader;

/* A recorded tree: its own /proc and cgroup mounts give the cpuset. */
static vn_host *load_recorded(const char *rest, const vn_host_load_opts *o, vn_error *err)
{
    vn_host_load_opts r = {.whole_system = o->whole_system};
    return vn_host_load_sysfs_with(rest, &r, err);
}

static vn_host *load_synthetic(const char *rest, const vn_host_load_opts *o, vn_error *err)
{
    (void)o;
    return vn_host_load_synthetic(rest, err);
}

static const loader loaders[] = {
    {"sysfs:", load_recorded},
    {"synthetic:", load_synthetic},
};

bool vn_host_source_is_none(const char *source)
{
    return source && !strcmp(source, "none");
}

vn_host *vn_host_load(const char *source, vn_error *err)
{
    return vn_host_load_with(source, NULL, err);
}

vn_host *vn_host_load_with(const char *source, const vn_host_load_opts *o, vn_error *err)
{
    vn_host_load_opts none = {0};
    if (!o)
        o = &none;
    if (!source || !*source)
        return vn_host_load_sysfs_with("/", o, err);
    if (vn_host_source_is_none(source))
        return NULL;
    for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
        size_t n = strlen(loaders[i].prefix);
        if (!strncmp(source, loaders[i].prefix, n))
            return loaders[i].load(source + n, o, err);
    }
    return vn_host_load_caps_file(source, err);
}
