/*
 * host_internal.h - what the host files share (only for src/host/): paths
 * under a root (this machine's / or a recorded tree) and /proc/mounts'
 * lines.
 */
#ifndef VN_HOST_INTERNAL_H
#define VN_HOST_INTERNAL_H

#include <stddef.h>

/* ROOT/REL (REL with or without its leading '/'); a NULL, empty or "/"
 * root is this machine's. */
char *vn_hs_path_in(const char *root, const char *rel);

typedef struct vn_hs_mount {
    char *dir;                 /* octal escapes (\040 for a space) undone */
    char *type;
    char *opts;
} vn_hs_mount;

/* The lines of /proc/mounts, "SRC DIR TYPE OPTS FREQ PASS", with at least
 * four fields; *out holds the returned count. */
size_t vn_hs_mounts_parse(const char *text, vn_hs_mount **out);
void vn_hs_mounts_free(vn_hs_mount *m, size_t n);

#endif
