/*
 * host_format.h - renderers of the Host model (host.h) for `vnuma host`.
 *
 * Pure: strings in, strings out, no I/O.  Each returns a string the caller
 * frees.
 */
#ifndef VN_HOST_FORMAT_H
#define VN_HOST_FORMAT_H

#include "model/host.h"

/* The <topology> element of libvirt's capabilities XML, laid out as
 * virCapabilitiesHostNUMAFormat does, each line indented by `indent`. */
char *vn_host_format_topology(const vn_host *h, int indent);
/* A capabilities document holding the host's page sizes (<host><cpu>) and
 * its <topology>: what vn_host_load_caps_memory reads back. */
char *vn_host_format_caps(const vn_host *h);
/* Like `numactl --hardware`. */
char *vn_host_format_text(const vn_host *h);
/* JSON: {"source", "numa_fake", "hugepage_sizes_kib", "nodes": [...]}. */
char *vn_host_format_json(const vn_host *h);

#endif
