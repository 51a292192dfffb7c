/*
 * vnuma.h - public API of libvnuma.
 *
 * libvnuma reads the NUMA/memory part of a libvirt domain XML, checks it as
 * libvirt 9.0 does, writes it back as libvirt formats it, and turns it into
 * the QEMU 7.2 arguments libvirt would build.  Every type is opaque and every
 * name starts with vnuma_.  Functions that can fail return NULL or a negative
 * number and fill a vnuma_error (when one is passed); nothing is printed.
 *
 * Sizes cross this API in KiB, the unit libvirt's domain XML is normalised to.
 *
 * Typical use:
 *
 *     vnuma_error *err = NULL;
 *     vnuma_domain *dom = vnuma_domain_parse_file("guest.xml", &err);
 *     vnuma_host *host = vnuma_host_load("host-caps.xml", &err);
 *     if (!dom || !host || vnuma_domain_validate(dom, host, NULL, &err) < 0)
 *         fprintf(stderr, "error: %s\n", vnuma_error_message(err));
 *     char *xml = vnuma_domain_format(dom, &err);
 *     ...
 *     free(xml); vnuma_domain_free(dom); vnuma_host_free(host);
 *     vnuma_error_free(err);
 */
#ifndef VNUMA_H
#define VNUMA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VNUMA_VERSION "0.1.0"

#if defined(__GNUC__)
# define VNUMA_API __attribute__((visibility("default")))
#else
# define VNUMA_API
#endif

/* Error codes.  The command maps them to exit codes (see vnuma(1)). */
enum {
    VNUMA_OK = 0,
    VNUMA_ERR_INVALID = 1,     /* the input is not acceptable (XML, values, rules) */
    VNUMA_ERR_UNSUPPORTED = 2, /* valid, but this configuration cannot be realised */
    VNUMA_ERR_HOST = 3,        /* the host lacks what the domain asks, or cannot be read */
    VNUMA_ERR_SYSTEM = 4,      /* I/O or system call failure */
};

typedef struct vnuma_error vnuma_error;
typedef struct vnuma_domain vnuma_domain;
typedef struct vnuma_host vnuma_host;
typedef struct vnuma_config vnuma_config;

/* Errors. */
VNUMA_API int vnuma_error_code(const vnuma_error *err);
VNUMA_API const char *vnuma_error_message(const vnuma_error *err);
VNUMA_API void vnuma_error_free(vnuma_error *err);

/* Domains: parse (applies libvirt's post-parse defaults and domain-level
 * checks, as `virsh define` does), validate against a host, format. */
VNUMA_API vnuma_domain *vnuma_domain_parse_file(const char *path, vnuma_error **err);
VNUMA_API vnuma_domain *vnuma_domain_parse_memory(const char *xml, size_t len, vnuma_error **err);
VNUMA_API void vnuma_domain_free(vnuma_domain *dom);
/* Host-dependent and QEMU-level checks.  host may be NULL (host rules are
 * skipped), cfg may be NULL (defaults).  Warnings, if any, are returned as a
 * NULL-terminated array in *warnings (free with vnuma_strv_free). */
VNUMA_API int vnuma_domain_validate(vnuma_domain *dom, const vnuma_host *host,
                          const vnuma_config *cfg, char ***warnings,
                          vnuma_error **err);
/* The whole document, the owned elements formatted as libvirt formats them. */
VNUMA_API char *vnuma_domain_format(const vnuma_domain *dom, vnuma_error **err);
VNUMA_API const char *vnuma_domain_name(const vnuma_domain *dom);
VNUMA_API size_t vnuma_domain_cell_count(const vnuma_domain *dom);
VNUMA_API uint64_t vnuma_domain_memory_kib(const vnuma_domain *dom);

/* Hosts: a libvirt capabilities XML file, or NULL for this machine's sysfs. */
VNUMA_API vnuma_host *vnuma_host_load(const char *source, vnuma_error **err);
VNUMA_API void vnuma_host_free(vnuma_host *host);
VNUMA_API size_t vnuma_host_node_count(const vnuma_host *host);

/* Configuration (what libvirt reads from qemu.conf and the domain's state). */
VNUMA_API vnuma_config *vnuma_config_new(void);
VNUMA_API void vnuma_config_free(vnuma_config *cfg);
/* A hugetlbfs mount; the first one added is the default huge page size. */
VNUMA_API int vnuma_config_add_hugetlbfs(vnuma_config *cfg, const char *path,
                               uint64_t page_size_kib, vnuma_error **err);
VNUMA_API int vnuma_config_set_memory_backing_dir(vnuma_config *cfg, const char *dir,
                                        vnuma_error **err);
VNUMA_API void vnuma_config_set_domain_id(vnuma_config *cfg, int id);

VNUMA_API void vnuma_strv_free(char **strv);

/* ---- Applying a placement on this host (what `vnuma run|launch|stop|
 * list|numatune|status` do; see vnuma(1) and src/apply/README.md) ----
 *
 * Each operation takes options; NULL means every default: the state
 * directory /run/vnuma, the cgroup parent "machine" under the cpuset
 * hierarchy's root, this machine as the host, the domain's <name>, the
 * log directory /var/log/vnuma, the domain's <emulator>.  They need root.
 * A failure undoes every step already made (cgroups, processes, sockets,
 * state entry) and says which step failed with which value.  A process
 * using them should ignore SIGPIPE (a QEMU dying mid-command then reads as
 * a closed monitor). */
typedef struct vnuma_apply_opts vnuma_apply_opts;
typedef void (*vnuma_log_fn)(void *opaque, const char *line);

VNUMA_API vnuma_apply_opts *vnuma_apply_opts_new(void);
VNUMA_API void vnuma_apply_opts_free(vnuma_apply_opts *o);
/* Each string is copied; NULL restores the default. */
VNUMA_API void vnuma_apply_opts_set_state_dir(vnuma_apply_opts *o, const char *dir);
VNUMA_API void vnuma_apply_opts_set_cgroup_parent(vnuma_apply_opts *o, const char *dir);
/* A host source as vnuma_host_load takes it (NULL: this machine). */
VNUMA_API void vnuma_apply_opts_set_host(vnuma_apply_opts *o, const char *source);
VNUMA_API void vnuma_apply_opts_set_name(vnuma_apply_opts *o, const char *name);
VNUMA_API void vnuma_apply_opts_set_log_dir(vnuma_apply_opts *o, const char *dir);
VNUMA_API void vnuma_apply_opts_set_qemu(vnuma_apply_opts *o, const char *path);
/* The domain id in paths (default: the lowest one no entry uses, from 1). */
VNUMA_API void vnuma_apply_opts_set_domain_id(vnuma_apply_opts *o, int id);
VNUMA_API int vnuma_apply_opts_add_hugetlbfs(vnuma_apply_opts *o, const char *path,
                                   uint64_t page_size_kib, vnuma_error **err);
VNUMA_API void vnuma_apply_opts_set_memory_backing_dir(vnuma_apply_opts *o, const char *dir);
/* launch: stay until QEMU ends (then clean up); SIGINT/SIGTERM ask it to quit. */
VNUMA_API void vnuma_apply_opts_set_foreground(vnuma_apply_opts *o, int on);
/* launch: seconds QEMU may take to answer QMP, prealloc included (default 60). */
VNUMA_API void vnuma_apply_opts_set_qmp_timeout(vnuma_apply_opts *o, int seconds);
/* stop: seconds before SIGKILL (default 10, libvirt's). */
VNUMA_API void vnuma_apply_opts_set_stop_timeout(vnuma_apply_opts *o, int seconds);
/* A line per step (the command's --verbose); warnings come this way too,
 * prefixed "warning: ". */
VNUMA_API void vnuma_apply_opts_set_log(vnuma_apply_opts *o, vnuma_log_fn fn, void *opaque);

/* Join the domain's cgroup, set its memory policy (as numactl would) and
 * CPU affinity, register under the name and exec cmd[0] (PATH searched).
 * Returns only on failure (-1), everything undone. */
VNUMA_API int vnuma_run_exec(const char *domain_xml_path, char *const cmd[],
                   const vnuma_apply_opts *o, vnuma_error **err);
/* Start QEMU as libvirt 9.0 does, the placement enforced; extra are
 * appended to its arguments.  0 once the guest runs (*pid: QEMU's); with
 * foreground, once QEMU ended (*pid: its exit status). */
VNUMA_API int vnuma_launch(const char *domain_xml_path, char *const extra[], size_t nextra,
                 const vnuma_apply_opts *o, int *pid, vnuma_error **err);
/* End a guest or run process; remove its cgroups, directories and entry. */
VNUMA_API int vnuma_stop(const char *name, const vnuma_apply_opts *o, vnuma_error **err);
/* The entries (stale ones cleaned), as text or JSON (json != 0); free(). */
VNUMA_API char *vnuma_list(const vnuma_apply_opts *o, int json, vnuma_error **err);
/* virsh numatune --live: only a restrictive guest may change its nodes. */
VNUMA_API int vnuma_numatune(const char *name, const char *nodeset, const vnuma_apply_opts *o,
                   vnuma_error **err);
/* Where the memory is, per guest cell, against the domain; free().
 * *differs (may be NULL) is set when reality differs somewhere. */
VNUMA_API char *vnuma_status(const char *name, int json, const vnuma_apply_opts *o,
                   int *differs, vnuma_error **err);

#ifdef __cplusplus
}
#endif
#endif
