/*
 * qemu.h - the QEMU 7.2 command line for a domain's memory and NUMA layout,
 * as libvirt 9.0 builds it (qemu_command.c): -machine memory properties,
 * -m, -overcommit, -smp, memory backends, -numa, memory devices.
 *
 * vn_qemu_build runs vn_domain_validate_start first, so whatever it refuses
 * `vnuma check` refuses too.
 */
#ifndef VN_QEMU_H
#define VN_QEMU_H

#include "model/config.h"
#include "model/domain.h"
#include "model/host.h"

typedef struct vn_argv {
    char **v;
    size_t n;
} vn_argv;

void vn_argv_add(vn_argv *a, const char *s);
void vn_argv_addf(vn_argv *a, const char *fmt, ...) VN_PRINTF(2, 3);
void vn_argv_clear(vn_argv *a);
VN_DEFINE_AUTOCLEAR(vn_argv, vn_argv_clear)

typedef enum { VN_ARGV_ARGS, VN_ARGV_SHELL, VN_ARGV_JSON } vn_argv_style;
/* args: libvirt's .args layout (one option and its value per line, ` \`
 * continuations); shell: one shell-quoted line; json: an array of strings. */
char *vn_argv_format(const vn_argv *a, vn_argv_style style);

int vn_qemu_build(vn_domain *dom, const vn_host *host, const vn_config *cfg,
                  vn_warnings *warnings, vn_argv *out, vn_error *err);

#endif
