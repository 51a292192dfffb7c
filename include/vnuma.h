/*
 * vnuma.h - public API of libvnuma.
 *
 * libvnuma reads the NUMA/memory part of a libvirt domain XML, checks it as
 * libvirt 9.0 does, writes it back as libvirt formats it, turns it into the
 * QEMU 7.2 arguments libvirt would build, advises host nodes as numad
 * does, and places guest NUMA cells on host nodes with a placement ledger.
 * The `vnuma` command is a thin program over this API; everything it does
 * with a domain, a host or a ledger is here.
 *
 * Conventions:
 *   - every type is opaque and every name starts with vnuma_;
 *   - functions that can fail return NULL or a negative number and, when
 *     err is non-NULL, set *err to a new vnuma_error (replacing one already
 *     there) with a code, a class and a message; nothing is printed;
 *   - strings returned as `char *` belong to the caller (free()); those
 *     returned as `const char *` belong to the object they come from and
 *     live as long as it does; string arrays (`char **`) are
 *     NULL-terminated and freed with vnuma_strv_free;
 *   - warnings (findings that do not refuse) come back as a string array
 *     in *warnings when warnings is non-NULL, also when the call fails
 *     (then they explain what led to the failure); *warnings is set to NULL
 *     when there are none;
 *   - sizes cross this API in KiB, the unit libvirt's domain XML is
 *     normalised to;
 *   - the library reads files only where a function says so (a domain, a
 *     host source, a ledger), and writes only ledgers.
 *
 * Typical use, `vnuma check` and `vnuma argv`:
 *
 *     vnuma_error *err = NULL;
 *     char **warnings = NULL;
 *     vnuma_domain *dom = vnuma_domain_read("guest.xml", VNUMA_PARSE_ABI_UPDATE, &err);
 *     vnuma_host *host = dom ? vnuma_host_load("host-caps.xml", &err) : NULL;
 *     char **args = host ? vnuma_domain_argv(dom, host, NULL, &warnings, &err) : NULL;
 *     if (args) {
 *         char *text = vnuma_argv_format(args, VNUMA_ARGV_SHELL);
 *         fputs(text, stdout);
 *         free(text);
 *     } else {
 *         fprintf(stderr, "error: %s\n", vnuma_error_message(err));
 *     }
 *     vnuma_strv_free(args); vnuma_strv_free(warnings);
 *     vnuma_domain_free(dom); vnuma_host_free(host); vnuma_error_free(err);
 *
 * and `vnuma plan --ledger FILE`: tests/api/plan_example.c.
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

/* ---- Errors ------------------------------------------------------------ */

/* Error codes: what kind of failure.  The command maps them to its exit
 * status (vnuma(1)): INVALID and UNSUPPORTED 1, HOST and SYSTEM 3. */
enum {
    VNUMA_OK = 0,
    VNUMA_ERR_INVALID = 1,     /* the input is not acceptable (XML, values, rules), or does not fit */
    VNUMA_ERR_UNSUPPORTED = 2, /* valid, but this configuration cannot be realised */
    VNUMA_ERR_HOST = 3,        /* the host lacks what the domain asks, or cannot be read */
    VNUMA_ERR_SYSTEM = 4,      /* I/O or system call failure */
};

/* Error classes: which of libvirt's error classes the message belongs to
 * (its prefix is part of the message, as virsh prints it), a failed system
 * call, or a QEMU monitor refusal. */
enum {
    VNUMA_ERRC_NONE = 0,               /* vnuma's own message: no prefix */
    VNUMA_ERRC_XML,                    /* "XML error: " */
    VNUMA_ERRC_UNSUPPORTED,            /* "unsupported configuration: " */
    VNUMA_ERRC_INTERNAL,               /* "internal error: " */
    VNUMA_ERRC_INVALID_ARG,            /* "invalid argument: " */
    VNUMA_ERRC_OVERFLOW,               /* "numerical overflow: " */
    VNUMA_ERRC_OPERATION_INVALID,      /* "Requested operation is not valid: " */
    VNUMA_ERRC_OPERATION_FAILED,       /* "operation failed: " */
    VNUMA_ERRC_SYSTEM,                 /* a system call failed: vnuma_error_errno says why */
    VNUMA_ERRC_QMP,                    /* QEMU refused a monitor command */
};

typedef struct vnuma_error vnuma_error;

/* Code, class and message of err; VNUMA_OK, VNUMA_ERRC_NONE and "" for
 * NULL.  The message is the whole text, class prefix included; _text is
 * the message without the prefix.  A message may hold several lines (a
 * plan that does not fit says one line per guest cell). */
VNUMA_API int vnuma_error_code(const vnuma_error *err);
VNUMA_API int vnuma_error_class(const vnuma_error *err);
VNUMA_API const char *vnuma_error_message(const vnuma_error *err);
VNUMA_API const char *vnuma_error_text(const vnuma_error *err);
/* The element (or option) the error comes from where the message, libvirt's
 * own text kept as it is, does not name it ("<numatune><memnode cellid='0'
 * nodeset='9'>"; `vnuma` prints "MSG (in ELEMENT)"); "" when the message
 * says it or none is known. */
VNUMA_API const char *vnuma_error_element(const vnuma_error *err);
/* VNUMA_ERRC_SYSTEM: the errno of the failed call; else 0. */
VNUMA_API int vnuma_error_errno(const vnuma_error *err);
VNUMA_API void vnuma_error_free(vnuma_error *err);

/* A NULL-terminated string array returned by this API (NULL is fine). */
VNUMA_API void vnuma_strv_free(char **strv);

typedef struct vnuma_domain vnuma_domain;
typedef struct vnuma_host vnuma_host;
typedef struct vnuma_config vnuma_config;

/* ---- Configuration ----------------------------------------------------- */

/* What libvirt reads from qemu.conf and the domain's state: hugetlbfs
 * mounts, the memory backing directory, the domain id.  Every function
 * taking a const vnuma_config * accepts NULL for the defaults (no mounts,
 * /var/lib/libvirt/qemu/ram, domain id -1). */
VNUMA_API vnuma_config *vnuma_config_new(void);
VNUMA_API void vnuma_config_free(vnuma_config *cfg);
/* A hugetlbfs mount; the first one added is the default huge page size.
 * -1 (VNUMA_ERR_INVALID) for an empty path or a zero size. */
VNUMA_API int vnuma_config_add_hugetlbfs(vnuma_config *cfg, const char *path,
                               uint64_t page_size_kib, vnuma_error **err);
/* The same from "PATH=SIZE" (SIZE: 2M, 1G, 2048k; a plain number is KiB),
 * as --hugetlbfs takes it, or "none" (no mounts, none discovered); -1
 * (VNUMA_ERR_INVALID) when it does not parse. */
VNUMA_API int vnuma_config_add_hugetlbfs_spec(vnuma_config *cfg, const char *spec,
                                              vnuma_error **err);
/* -1 (VNUMA_ERR_INVALID) for an empty directory. */
VNUMA_API int vnuma_config_set_memory_backing_dir(vnuma_config *cfg, const char *dir,
                                        vnuma_error **err);
VNUMA_API void vnuma_config_set_domain_id(vnuma_config *cfg, int id);
/* Fill in what cfg was not given, as libvirt 9.0's QEMU driver finds it:
 * the hugetlbfs mounts from /etc/libvirt/qemu.conf's hugetlbfs_mount (every
 * mount but the first marked default, as libvirt 9.0 marks them), else
 * every hugetlbfs mount of /proc/mounts (the default: the kernel's
 * Hugepagesize); memory_backing_dir from qemu.conf.  Mounts given with
 * vnuma_config_add_hugetlbfs(_spec) ("none" included) and a directory given
 * with vnuma_config_set_memory_backing_dir are kept.  root: NULL for this
 * machine, else a tree holding etc/libvirt/qemu.conf, proc/mounts and
 * proc/meminfo.  -1 (VNUMA_ERR_HOST) for a malformed qemu.conf or a
 * hugetlbfs_mount that is no hugetlbfs mount. */
VNUMA_API int vnuma_config_discover(vnuma_config *cfg, const char *root, vnuma_error **err);
/* One line saying the mounts, the default page size, the backing directory
 * and where each came from (caller frees). */
VNUMA_API char *vnuma_config_describe(const vnuma_config *cfg);

/* ---- Domains ----------------------------------------------------------- */

/* Parse flags.  VNUMA_PARSE_ABI_UPDATE is what `virsh define` and `virsh
 * domxml-to-native` pass (libvirt's VIR_DOMAIN_DEF_PARSE_ABI_UPDATE): a
 * domain with guest NUMA cells gets its <memory> from the cells.  Without
 * it (`vnuma xml`, libvirt's qemuxml2xml), <memory> stays as written. */
#define VNUMA_PARSE_ABI_UPDATE (1u << 0)

/* Parse a domain (libvirt's post-parse defaults and the checks `virsh
 * define` makes applied).  _read: a regular file, or "-" for standard
 * input, with flags; _parse_file and _parse_memory: with
 * VNUMA_PARSE_ABI_UPDATE.  Input over 10 MiB, entity declarations and
 * network access are refused.  NULL on error (VNUMA_ERR_INVALID for the
 * document, VNUMA_ERR_SYSTEM for a file that cannot be read). */
VNUMA_API vnuma_domain *vnuma_domain_read(const char *path, unsigned flags, vnuma_error **err);
VNUMA_API vnuma_domain *vnuma_domain_parse_file(const char *path, vnuma_error **err);
VNUMA_API vnuma_domain *vnuma_domain_parse_memory(const char *xml, size_t len, vnuma_error **err);
VNUMA_API void vnuma_domain_free(vnuma_domain *dom);

/* `vnuma check`: the rules libvirt applies when it starts a QEMU guest -
 * host rules (skipped when host is NULL), huge page mounts and sizes,
 * memory alignment, automatic placement (numad's answer, from the
 * advisor), the QEMU command line's own refusals.  A <vnuma> domain is
 * expanded in place first (vnuma_domain_expand).  dom is updated as libvirt
 * updates it at start (aligned sizes).  0, or -1: it would not start. */
VNUMA_API int vnuma_domain_validate(vnuma_domain *dom, const vnuma_host *host,
                          const vnuma_config *cfg, char ***warnings,
                          vnuma_error **err);

/* `vnuma argv`: the memory and NUMA part of the QEMU 7.2 command line
 * libvirt 9.0 builds for dom (argv[0] the emulator), after what
 * vnuma_domain_validate checks; refuses exactly what it refuses.  A
 * NULL-terminated array (vnuma_strv_free), or NULL on error. */
VNUMA_API char **vnuma_domain_argv(vnuma_domain *dom, const vnuma_host *host,
                                   const vnuma_config *cfg, char ***warnings,
                                   vnuma_error **err);
typedef enum {
    VNUMA_ARGV_ARGS,           /* libvirt's .args layout: an option and its value per line */
    VNUMA_ARGV_SHELL,          /* one line, shell-quoted where needed */
    VNUMA_ARGV_JSON,           /* a JSON array of strings */
} vnuma_argv_style;
/* The text of a command line from vnuma_domain_argv (or any NULL-terminated
 * array), ending in a newline (caller frees). */
VNUMA_API char *vnuma_argv_format(char *const *argv, vnuma_argv_style style);

/* The whole document, the owned elements formatted as libvirt formats them
 * (caller frees); NULL on error. */
VNUMA_API char *vnuma_domain_format(const vnuma_domain *dom, vnuma_error **err);
VNUMA_API const char *vnuma_domain_name(const vnuma_domain *dom);   /* NULL: none */
VNUMA_API size_t vnuma_domain_cell_count(const vnuma_domain *dom);
VNUMA_API uint64_t vnuma_domain_memory_kib(const vnuma_domain *dom);
/* Whether dom carries vnuma's own <vnuma> element. */
VNUMA_API int vnuma_domain_has_vnuma(const vnuma_domain *dom);

/* `vnuma xml --expand`: a <vnuma> element replaced by the guest NUMA
 * layout it stands for on host (cells, distances, topology, memnodes,
 * vcpupins), the result formatted and parsed again (with dom's parse
 * flags) so that dom becomes exactly that plain libvirt domain.  The first
 * hugetlbfs mount of cfg is the default huge page size.  Nothing happens to
 * a domain without <vnuma>.  0, or -1 (VNUMA_ERR_HOST: it does not fit or
 * no host; dom is then unchanged). */
VNUMA_API int vnuma_domain_expand(vnuma_domain *dom, const vnuma_host *host,
                                  const vnuma_config *cfg, char ***warnings,
                                  vnuma_error **err);

/* `vnuma partition`: dom's guest NUMA layout (cells, memnodes,
 * <numatune><memory>, vcpupins, CPU topology) replaced by <vnuma mode
 * distribution> (and <partition nodeset cells> for mode node; nodeset in
 * libvirt's syntax, NULL and cells 0 for the defaults).  The result is
 * parsed again and, when host is non-NULL (or with expand), expanded on the
 * host to check that it fits.  Returns the <vnuma> document, or with
 * expand the plain domain it expands to (caller frees); NULL on error.
 * dom holds the partitioned domain afterwards. */
enum { VNUMA_MODE_HOST, VNUMA_MODE_NODE };
enum { VNUMA_DIST_CONTIGUOUS, VNUMA_DIST_SIBLINGS, VNUMA_DIST_ROUND_ROBIN,
       VNUMA_DIST_INTERLEAVE };
/* "host", "node"; "contiguous", "siblings", "round-robin", "interleave";
 * -1 for another name. */
VNUMA_API int vnuma_mode_from_string(const char *name);
VNUMA_API int vnuma_distribution_from_string(const char *name);
/* Whether set is a non-empty node set in libvirt's syntax ("0-3,^2"). */
VNUMA_API int vnuma_nodeset_valid(const char *set);
VNUMA_API char *vnuma_domain_partition(vnuma_domain *dom, int mode, int distribution,
                                       const char *nodeset, unsigned cells,
                                       const vnuma_host *host, const vnuma_config *cfg,
                                       int expand, char ***warnings, vnuma_error **err);

/* ---- Hosts ------------------------------------------------------------- */

/* A host: NULL or "" this machine (/sys and /proc), "sysfs:DIR" a recorded
 * sysfs tree, "synthetic:SPEC" a made-up host (docs/synthetic-hosts.md),
 * anything else a libvirt capabilities XML file.  "none" is no host: NULL
 * with VNUMA_ERR_HOST "no host" (functions taking a host accept NULL where
 * they say so; vnuma_host_source_is_none tells the caller first). */
VNUMA_API vnuma_host *vnuma_host_load(const char *source, vnuma_error **err);
/* This machine and sysfs:DIR trees are restricted to the calling process's
 * cpuset (its cgroup's cpuset.cpus.effective and cpuset.mems.effective, or
 * cgroup v1's), as hwloc restricts its topology: nodes outside the allowed
 * memory nodes and CPUs outside the allowed CPUs are left out.  With
 * VNUMA_HOST_WHOLE_SYSTEM in flags everything is kept (hwloc's
 * --whole-system).  cpuset_root: where this machine's /proc and cgroup
 * mounts are read for the cpuset (NULL: /). */
#define VNUMA_HOST_WHOLE_SYSTEM 1u
VNUMA_API vnuma_host *vnuma_host_load_ex(const char *source, unsigned flags,
                                         const char *cpuset_root, vnuma_error **err);
VNUMA_API int vnuma_host_source_is_none(const char *source);
VNUMA_API void vnuma_host_free(vnuma_host *host);
VNUMA_API size_t vnuma_host_node_count(const vnuma_host *host);
/* Which host this is, as a placement ledger records it: 16 hex digits
 * hashing the node ids, each node's CPU ids and MemTotal (whole GiB,
 * rounded up) and the huge page sizes - the same across reboots and
 * sources of one machine, another for another topology (caller frees). */
VNUMA_API char *vnuma_host_fingerprint(const vnuma_host *host);

/* `vnuma host`: the host's topology as text like `numactl --hardware`, as
 * libvirt's capabilities <topology> (with the page sizes), as JSON, or as
 * an SVG 1.1 picture in the manner of lstopo (caller frees). */
typedef enum {
    VNUMA_HOST_TEXT, VNUMA_HOST_CAPS, VNUMA_HOST_JSON, VNUMA_HOST_SVG,
} vnuma_host_style;
VNUMA_API char *vnuma_host_format(const vnuma_host *host, vnuma_host_style style);

/* ---- Advice: numad's -w NCPUS:MB --------------------------------------- */

/* A request: ncpus vCPUs (>= 1) and mem_kib of memory (0: none), by
 * default of ordinary memory. */
typedef struct vnuma_advice_request vnuma_advice_request;
VNUMA_API vnuma_advice_request *vnuma_advice_request_new(unsigned ncpus, uint64_t mem_kib);
/* The memory is backed by huge pages of page_kib (0: ordinary memory). */
VNUMA_API void vnuma_advice_request_set_hugepages(vnuma_advice_request *req, uint64_t page_kib);
/* The rule: numad 0.5's choice (VNUMA_ADVISE_NUMAD, the default) or the
 * smallest fitting set, then the nearest, then the lowest ids. */
enum { VNUMA_ADVISE_NUMAD, VNUMA_ADVISE_SMALLEST };
VNUMA_API void vnuma_advice_request_set_rule(vnuma_advice_request *req, int rule);
/* The CPUs dedicated to the guests of the placement ledger at path count
 * as busy.  The ledger is read now (without its lock, as
 * vnuma_ledger_read); -1 when it cannot be (VNUMA_ERR_INVALID: corrupt,
 * VNUMA_ERR_SYSTEM: unreadable). */
VNUMA_API int vnuma_advice_request_set_ledger(vnuma_advice_request *req, const char *path,
                                              vnuma_error **err);
VNUMA_API void vnuma_advice_request_free(vnuma_advice_request *req);

typedef struct vnuma_advice vnuma_advice;
/* The CPU load of this machine's host (loaded from NULL, "" or "sysfs:/"),
 * sampled from /proc/stat over interval_ms as numad samples it (0: every
 * CPU idle); a recorded or synthetic host carries none.  -1 when
 * /proc/stat cannot be read (VNUMA_ERR_HOST or _SYSTEM). */
VNUMA_API int vnuma_host_sample_cpu_load(vnuma_host *host, unsigned interval_ms,
                                         vnuma_error **err);

/* The host nodes a guest of req should be placed on, as numad answers
 * libvirt for placement='auto'.  With explanation non-NULL, *explanation
 * gets a readable account of the nodes, the candidates and the choice (or
 * of what is short), also on failure (caller frees; NULL when there is
 * none).  With numad's rule there is always an answer (every node when
 * nothing fits, as numad answers; vnuma_advice_fits says whether it
 * really does).  NULL on error: VNUMA_ERR_HOST when nothing fits with the
 * smallest-set rule (the message says what is short and by how much),
 * VNUMA_ERR_INVALID for a page size the host does not have. */
VNUMA_API vnuma_advice *vnuma_advise(const vnuma_host *host, const vnuma_advice_request *req,
                                     char **explanation, vnuma_error **err);
/* The nodes in numad's -w output format ("0-1", "2-3,6"), and every CPU
 * of them (libvirt's vCPU affinity for the guest). */
VNUMA_API const char *vnuma_advice_nodes(const vnuma_advice *advice);
VNUMA_API const char *vnuma_advice_cpus(const vnuma_advice *advice);
/* Whether the nodes' idle CPUs and free memory really cover the request
 * (always with the smallest-set rule); when not, what is short (NULL when
 * it fits). */
VNUMA_API int vnuma_advice_fits(const vnuma_advice *advice);
VNUMA_API const char *vnuma_advice_shortfall(const vnuma_advice *advice);
VNUMA_API void vnuma_advice_free(vnuma_advice *advice);

/* ---- Plans: per-cell placement with a ledger --------------------------- */

/* Fitter strategies and thread policies (OpenStack Nova's
 * hw:cpu_thread_policy), and their names ("pack", "spread"; "prefer",
 * "isolate", "require"; -1 for another name). */
enum { VNUMA_STRATEGY_PACK, VNUMA_STRATEGY_SPREAD };
enum { VNUMA_THREADS_PREFER, VNUMA_THREADS_ISOLATE, VNUMA_THREADS_REQUIRE };
VNUMA_API int vnuma_strategy_from_string(const char *name);
VNUMA_API int vnuma_thread_policy_from_string(const char *name);

/* The options of a plan; each setter returns -1 (VNUMA_ERR_INVALID) for
 * a value out of range and 0 otherwise. */
typedef struct vnuma_plan_options vnuma_plan_options;
VNUMA_API vnuma_plan_options *vnuma_plan_options_new(void);
VNUMA_API void vnuma_plan_options_free(vnuma_plan_options *opts);
/* pack (default): the fullest nodes that fit; spread: the emptiest. */
VNUMA_API int vnuma_plan_options_set_strategy(vnuma_plan_options *opts, int strategy,
                                              vnuma_error **err);
/* With dedicated CPUs: prefer (default), isolate or require. */
VNUMA_API int vnuma_plan_options_set_thread_policy(vnuma_plan_options *opts, int policy,
                                                   vnuma_error **err);
/* Pin each vCPU to its own host CPU (also implied by <vcpupin> in the domain). */
VNUMA_API void vnuma_plan_options_set_dedicated(vnuma_plan_options *opts, int dedicated);
/* The hugetlbfs mounts and the rest (copied; NULL: the defaults): the
 * default huge page size, and the configuration the result is checked with. */
VNUMA_API void vnuma_plan_options_set_config(vnuma_plan_options *opts, const vnuma_config *cfg);
/* The placement ledger (copied; NULL: none).  Without one, each node
 * offers its live free memory (and free huge pages); with one, its total
 * memory minus the reserve minus what the ledger records there (and its
 * pools' total pages minus the ledger's), and the placement is recorded. */
VNUMA_API void vnuma_plan_options_set_ledger(vnuma_plan_options *opts, const char *path);
/* With a ledger: read it (without its lock, making nothing on disk), place,
 * and record nothing. */
VNUMA_API void vnuma_plan_options_set_dry_run(vnuma_plan_options *opts, int dry_run);
/* With a ledger: memory kept for the host on each node (KiB; default 0),
 * like Nova's reserved_host_memory_mb.  A plan with a reserve and no
 * ledger is refused. */
VNUMA_API void vnuma_plan_options_set_reserve_memory(vnuma_plan_options *opts, uint64_t kib);
/* The output the caller means to take (VNUMA_PLAN_XML by default): with
 * VNUMA_PLAN_JSON a <vnuma> domain, which has no JSON plan, is refused
 * before anything is done. */
typedef enum { VNUMA_PLAN_XML, VNUMA_PLAN_JSON, VNUMA_PLAN_SVG } vnuma_plan_output;
VNUMA_API void vnuma_plan_options_set_output(vnuma_plan_options *opts, vnuma_plan_output output);

typedef struct vnuma_plan vnuma_plan;
/* `vnuma plan`: place each guest NUMA cell of dom, a domain asking for
 * automatic placement (<cpu><numa> cells with <numatune><memory
 * placement='auto'/> or <vcpu placement='auto'>), on host nodes.  With a
 * ledger, one transaction: lock the ledger, read it, refuse another host's
 * ledger (its fingerprint; a ledger without one is adopted), refuse a
 * guest name already there, subtract what it holds, fit, write the
 * placement into dom, check the result as vnuma_domain_validate would on
 * host, record the guest (unless dry run), unlock; any failure leaves the
 * ledger as it was.  A <vnuma> domain is expanded on host instead of
 * fitted (no ledger, no JSON).
 *
 * dom is changed in place: on success it is the resolved domain (what
 * vnuma_plan_xml formats); on failure it is a valid domain, possibly with
 * the placement written in it.  The plan refers to host (for its picture):
 * free the plan before the host.  Warnings: those of a <vnuma> expansion.
 * NULL on error: VNUMA_ERR_INVALID when the domain does not ask for
 * automatic placement, when it does not fit (one line per guest cell that
 * does not), for a corrupt or foreign ledger or a name already recorded;
 * VNUMA_ERR_HOST for no host; VNUMA_ERR_SYSTEM when the ledger cannot be
 * locked, read or written. */
VNUMA_API vnuma_plan *vnuma_plan_domain(vnuma_domain *dom, const vnuma_host *host,
                                        const vnuma_plan_options *opts, char ***warnings,
                                        vnuma_error **err);
/* The resolved domain XML: <numatune> with the union of the nodes and one
 * strict <memnode> per cell, <vcpu placement='static'>, with dedicated
 * CPUs a <vcpupin> per vCPU and an <emulatorpin>. */
VNUMA_API const char *vnuma_plan_xml(const vnuma_plan *plan);
/* The plan as JSON: per cell its nodes (memory or pages on each) and host
 * CPUs, totals, the distance sum.  NULL (VNUMA_ERR_INVALID) for a <vnuma>
 * domain's plan. */
VNUMA_API const char *vnuma_plan_json(const vnuma_plan *plan, vnuma_error **err);
/* The host picture with each guest cell drawn on it (caller frees). */
VNUMA_API char *vnuma_plan_svg(const vnuma_plan *plan);
/* Whether the plan was recorded in its ledger. */
VNUMA_API int vnuma_plan_recorded(const vnuma_plan *plan);
VNUMA_API void vnuma_plan_free(vnuma_plan *plan);

/* ---- Ledgers ----------------------------------------------------------- */

/* `vnuma plan --ledger FILE --release NAME`: under the ledger's lock,
 * remove guest NAME (VNUMA_ERR_INVALID when it is not there) and write the
 * ledger back.  0 or -1. */
VNUMA_API int vnuma_ledger_release(const char *path, const char *name, vnuma_error **err);

/* A ledger as it is now, read without its lock (a writer replaces it by a
 * rename, so the read sees one version) and without making anything; a
 * missing file is an empty ledger.  NULL on error (VNUMA_ERR_INVALID for a
 * corrupt or refused file, VNUMA_ERR_SYSTEM for one that cannot be read). */
typedef struct vnuma_ledger vnuma_ledger;
VNUMA_API vnuma_ledger *vnuma_ledger_read(const char *path, vnuma_error **err);
VNUMA_API void vnuma_ledger_free(vnuma_ledger *ledger);
VNUMA_API size_t vnuma_ledger_guest_count(const vnuma_ledger *ledger);
VNUMA_API const char *vnuma_ledger_guest_name(const vnuma_ledger *ledger, size_t i);
/* The fingerprint of the host it belongs to; NULL when none is recorded. */
VNUMA_API const char *vnuma_ledger_host(const vnuma_ledger *ledger);
/* `vnuma ledger FILE`: per guest its nodes, memory (huge pages counted in
 * it and listed by size), CPUs, and the totals (caller frees). */
typedef enum { VNUMA_LEDGER_TEXT, VNUMA_LEDGER_JSON } vnuma_ledger_style;
VNUMA_API char *vnuma_ledger_format(const vnuma_ledger *ledger, vnuma_ledger_style style);
/* `vnuma host --ledger FILE --format svg`: the host picture with every
 * guest the ledger records drawn on it (its memory on its nodes, its
 * CPUs).  NULL (VNUMA_ERR_INVALID) for another host's ledger. */
VNUMA_API char *vnuma_ledger_svg(const vnuma_ledger *ledger, const vnuma_host *host,
                                 vnuma_error **err);

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

/* ---- Live changes to a guest started by vnuma_launch (what `vnuma
 * attach|detach|set-memory|setvcpus` do; see vnuma(1) and src/live/live.h)
 * ----
 *
 * As libvirt 9.0 makes them over the guest's QMP monitor: every refusal
 * (libvirt's checks, then what QEMU would refuse: alignment, nvdimm=on,
 * host nodes and pages, QEMU's cpuset.mems) comes before any QMP command,
 * and a change QEMU refuses half-way is undone.  The live domain XML in
 * the state entry records what QEMU confirmed.  Each returns 0 when done
 * (or nothing was to do), 1 when the request went out but the guest has
 * not answered within the wait (the next live operation on the guest
 * completes it once QEMU says it is done), -1 on error.  *message (may be
 * NULL) is one line saying what happened; free() it.  wait_seconds 0 is 5
 * (libvirt's).  The options are vnuma_launch's: the state directory, the
 * host, the hugetlbfs mounts and memory backing directory (give those the
 * guest was launched with). */

/* Hot-plug one <memory model='dimm|nvdimm|virtio-mem|virtio-pmem'> device
 * (device_xml, len bytes): the first free slot, alias dimm<slot>,
 * nvdimm<slot> or virtiomem<N> (*alias, free()), backend mem<alias>, a
 * free PCI slot.  ledger (NULL: none): the placement ledger of vnuma plan,
 * where the memory must be free and gets booked. */
VNUMA_API int vnuma_attach_memory(const char *name, const char *device_xml, size_t len,
                                  const char *ledger, const vnuma_apply_opts *o, char **alias,
                                  char **message, vnuma_error **err);
/* Unplug a memory device by alias; the guest's refusal is an error.
 * virtio-mem cannot be unplugged (shrink it with vnuma_set_memory to 0). */
VNUMA_API int vnuma_detach_memory(const char *name, const char *alias, int wait_seconds,
                                  const char *ledger, const vnuma_apply_opts *o,
                                  char **message, vnuma_error **err);
/* The requested size of a virtio-mem device (a multiple of its block, at
 * most its size); 0 once the guest has plugged that much. */
VNUMA_API int vnuma_set_memory(const char *name, const char *alias, uint64_t requested_kib,
                               int wait_seconds, const vnuma_apply_opts *o, char **message,
                               vnuma_error **err);
/* The number of online vCPUs: new ones go to their <cpu><numa> cell, their
 * threads get their own cgroup and <vcpupin> CPUs; fewer unplug the
 * hot-plugged ones, highest first. */
VNUMA_API int vnuma_setvcpus(const char *name, unsigned count, int wait_seconds,
                             const vnuma_apply_opts *o, char **message, vnuma_error **err);

#ifdef __cplusplus
}
#endif
#endif
