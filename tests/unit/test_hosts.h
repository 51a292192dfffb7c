/*
 * test_hosts.h - the golden host capabilities files (tests/golden/hosts)
 * for the unit tests.  The build passes their directory as
 * VN_TEST_HOSTS_DIR (tests/meson.build), so a test runs from any directory.
 */
#ifndef VN_TEST_HOSTS_H
#define VN_TEST_HOSTS_H

#include <stdlib.h>

#include "model/host.h"

#ifndef VN_TEST_HOSTS_DIR
#error "VN_TEST_HOSTS_DIR: the build passes tests/golden/hosts"
#endif

/* tests/golden/hosts/NAME loaded; NULL with the reason in *e. */
static inline vn_host *test_host_load(const char *name, vn_error *e)
{
    char *p = vn_asprintf("%s/%s", VN_TEST_HOSTS_DIR, name);
    vn_host *h = vn_host_load_caps_file(p, e);
    free(p);
    return h;
}

#endif
