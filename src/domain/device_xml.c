/*
 * device_xml.c - device XML on its own, as `virsh attach-device` takes it,
 * and the marks the live XML of a changed guest needs (src/live uses
 * these):
 *   - vn_memdev_parse: a lone <memory model='...'> element, parsed as
 *     libvirt's live attach parses it (qemuDomainAttachDeviceLiveAndConfig:
 *     virDomainDeviceDefParse with VIR_DOMAIN_DEF_PARSE_INACTIVE |
 *     VIR_DOMAIN_DEF_PARSE_ABI_UPDATE): memdev_xml.c's parser, the device
 *     post-parse (virDomainMemoryDefPostParse) and the device validation
 *     against the running domain (virDomainMemoryDefValidate);
 *   - vn_domain_keep_vcpu_states: what libvirt's vCPU hot-plug sets
 *     (def->individualvcpus = true in qemuDomainHotplugAddVcpu), so that the
 *     formatter writes <vcpus> and each vCPU's state survives a re-read.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "domain/domain_xml.h"
#include "os/fileio.h"

int vn_memdev_parse(const char *xml, size_t len, const vn_domain *dom, vn_memdev *out,
                    vn_error *err)
{
    *out = (vn_memdev){.target_node = -1};
    VN_AUTOPTR(xmlDoc) doc = dx_read_xml_as(xml, len, "memory", err);
    if (!doc)
        return -1;
    if (dx_parse_memdev(out, xmlDocGetRootElement(doc), 0, err) < 0) {
        vn_memdev_clear(out);
        return -1;
    }
    /* virDomainMemoryDefPostParse */
    if (out->model == VN_MEMORY_MODEL_VIRTIO_PMEM && out->access == VN_MEM_ACCESS_DEFAULT)
        out->access = VN_MEM_ACCESS_SHARED;
    if (vn_domain_validate_memdev(dom, out, err) < 0) {
        vn_memdev_clear(out);
        return -1;
    }
    return 0;
}

int vn_memdev_parse_file(const char *path, const vn_domain *dom, vn_memdev *out,
                         vn_error *err)
{
    *out = (vn_memdev){.target_node = -1};
    VN_AUTOFREE char *why = vn_asprintf("cannot open '%s'", path);
    VN_AUTOFREE char *rwhy = vn_asprintf("cannot read '%s'", path);
    vn_file_opts o = {.max_bytes = VN_XML_MAX_BYTES, .open_fail = why, .read_fail = rwhy};
    VN_AUTOCLEAR(vn_buf) b = {0};
    if (vn_file_read(vn_os_current(), path, &o, &b, err) < 0)
        return -1;
    return vn_memdev_parse(b.s ? b.s : "", b.len, dom, out, err);
}

void vn_domain_keep_vcpu_states(vn_domain *dom)
{
    xmlNode *root = dom->doc ? xmlDocGetRootElement(dom->doc) : NULL;
    if (!root)
        return;
    xmlNode *vcpus = dx_child(root, "vcpus");
    if (!vcpus)
        vcpus = xmlNewChild(root, NULL, (const xmlChar *)"vcpus", NULL);
    if (!dx_child(vcpus, "vcpu"))
        xmlNewChild(vcpus, NULL, (const xmlChar *)"vcpu", NULL);
}
