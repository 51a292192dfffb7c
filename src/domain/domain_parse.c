/*
 * domain_parse.c - domain XML -> Domain model (model/domain.h): the
 * document read, each owned element parsed in libvirt's order by its
 * element file (domain_xml.h lists them), then post-parse and define-time
 * rules.
 *
 * A port of the parts of libvirt 9.0's virDomainDefParseXML that fill the
 * owned elements: virDomainDefParseMemory (<memory>, <currentMemory>,
 * <maxMemory>, <memoryBacking>), virDomainVcpuParse (<vcpu>, <vcpus>),
 * the <cputune> pinning of virDomainDefTunablesParse, the topology part of
 * virCPUDefParseXML, virDomainNumaDefParseXML (cells, distances, caches,
 * interconnects), virDomainNumatuneParseXML and virDomainMemoryDefParseXML
 * (<devices><memory>).  Checks are made in libvirt's order with libvirt's
 * messages, prefixed as virsh prints them ("XML error: ...",
 * "unsupported configuration: ...").  <vnuma> is vnuma's own element.
 *
 * The input is hostile until parsed: size limit, no network, no DTD
 * loading, no entity substitution, and any entity declaration refuses the
 * document (checked while parsing, so "billion laughs" stops at once).
 * libxml2's own messages are captured, never printed.
 *
 * vn_domain_parse then runs vn_domain_postparse and
 * vn_domain_validate_define (domain_postparse.c), as `virsh define` does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>

#include "domain/domain_xml.h"

/* ---- virDomainDefParseCaps (identity only) ---------------------------- */

static void parse_ids(vn_domain *dom, xmlNode *root)
{
    dom->name = dx_text(dx_child(root, "name"));
    dom->type = dx_attr_string(root, "type");
    xmlNode *type = dx_child(dx_child(root, "os"), "type");
    dom->arch = dx_attr_string(type, "arch");
    dom->machine = dx_attr_string(type, "machine");
}


/* ---- the whole domain --------------------------------------------------- */

/* virDomainDefParseXML, owned elements only, in libvirt's order. */
static int parse_domain(vn_domain *dom, xmlNode *root, vn_error *err)
{
    iothread_ids t = {0};
    int rc = -1;
    xmlNode *cpu = dx_child(root, "cpu");

    parse_ids(dom, root);
    if (dx_parse_memory(dom, root, err) < 0 ||
        dx_parse_vcpu(dom, root, err) < 0 ||
        dx_parse_iothreads(dom, root, &t, err) < 0 ||
        dx_parse_cputune(dom, root, &t, err) < 0 ||
        dx_parse_topology(dom, cpu, err) < 0 ||
        dx_parse_numa(dom, cpu, err) < 0 ||
        dx_check_numa_cpus(dom, err) < 0 ||
        dx_parse_numatune(dom, root, err) < 0)
        goto out;
    if (dom->numatune_specified && dom->numatune_placement == VN_NUMATUNE_PLACEMENT_AUTO &&
        !dom->cpumask && !dom->nvcpupins && !dom->emulatorpin && !dom->niothreadpins)
        dom->cpu_placement = VN_PLACEMENT_AUTO;
    xmlNode *devices = dx_child(root, "devices");
    if (dx_parse_memdevs(dom, devices, err) < 0)
        goto out;
    dx_scan_shared_memory_users(dom, devices);
    if (dx_parse_vnuma(dom, root, err) < 0)
        goto out;
    rc = 0;
out:
    free(t.ids);
    dx_idset_clear(&t.set);
    return rc;
}

vn_domain *vn_domain_parse(const char *xml, size_t len, unsigned flags, vn_error *err)
{
    xmlDoc *doc = dx_read_xml(xml, len, err);
    if (!doc)
        return NULL;
    vn_domain *dom = vn_calloc(1, sizeof(*dom));
    dom->doc = doc;
    dom->parse_flags = flags;
    if (parse_domain(dom, xmlDocGetRootElement(doc), err) < 0 ||
        vn_domain_postparse(dom, err) < 0 ||
        vn_domain_validate_define(dom, err) < 0) {
        vn_domain_free(dom);
        return NULL;
    }
    return dom;
}

#include "os/fileio.h"   /* for vn_domain_parse_file only */

vn_domain *vn_domain_parse_file(const char *path, unsigned flags, vn_error *err)
{
    /* a regular file only (a FIFO is refused, never waited on), read
     * through the seam, VN_XML_MAX_BYTES at most */
    VN_AUTOFREE char *why = vn_asprintf("cannot open '%s'", path);
    VN_AUTOFREE char *rwhy = vn_asprintf("cannot read '%s'", path);
    vn_file_opts o = {.max_bytes = VN_XML_MAX_BYTES, .open_fail = why, .read_fail = rwhy};
    VN_AUTOCLEAR(vn_buf) b = {0};
    if (vn_file_read(vn_os_current(), path, &o, &b, err) < 0)
        return NULL;
    return vn_domain_parse(b.s ? b.s : "", b.len, flags, err);
}
