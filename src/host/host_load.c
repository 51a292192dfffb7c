/*
 * host_load.c - the table of host loaders: which one a source string
 * names.  The command's --host and the public vnuma_host_load take the
 * same strings:
 *
 *   NULL or ""       this machine (sysfs at /, host_sysfs.c)
 *   sysfs:DIR        a recorded sysfs tree (host_sysfs.c)
 *   synthetic:SPEC   a made-up host (host_synthetic.c)
 *   none             no host: host rules are skipped (NULL, no error)
 *   anything else    a libvirt capabilities XML file (host_caps.c)
 */
#include <string.h>

#include "model/host.h"

typedef struct loader {
    const char *prefix;
    vn_host *(*load)(const char *rest, vn_error *err);
} loader;

static const loader loaders[] = {
    {"sysfs:", vn_host_load_sysfs},
    {"synthetic:", vn_host_load_synthetic},
};

bool vn_host_source_is_none(const char *source)
{
    return source && !strcmp(source, "none");
}

vn_host *vn_host_load(const char *source, vn_error *err)
{
    if (!source || !*source)
        return vn_host_load_sysfs("/", err);
    if (vn_host_source_is_none(source))
        return NULL;
    for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
        size_t n = strlen(loaders[i].prefix);
        if (!strncmp(source, loaders[i].prefix, n))
            return loaders[i].load(source + n, err);
    }
    return vn_host_load_caps_file(source, err);
}
