/*
 * memdev_xml.c - memory devices, <devices><memory>
 * (virDomainMemoryDefParseXML / virDomainMemoryDefFormat), and the other
 * devices whose rules depend on shared guest memory. The parser reads the
 * element into the model (model/domain.h) with libvirt's checks and
 * messages; the formatter writes it back from the model in libvirt's
 * layout.  See domain_xml.h for how the files fit.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "base/units.h"
#include "domain/domain_xml.h"

/* ---- <devices><memory> (virDomainMemoryDefParseXML) ------------------- */

static int parse_memdev_source(vn_memdev *m, xmlNode *src, vn_error *err)
{
    VN_AUTOFREE char *mask = NULL;
    switch (m->model) {
    case VN_MEMORY_MODEL_DIMM:
    case VN_MEMORY_MODEL_VIRTIO_MEM:
        if (dx_parse_mem_elem(src, "pagesize", "./pagesize", false, &m->pagesize_kib, err) < 0)
            return -1;
        /* fall through */
    case VN_MEMORY_MODEL_SGX_EPC:
        if ((mask = dx_text(dx_child(src, "nodemask"))) &&
            !(m->source_nodes = dx_parse_nonempty_set(mask, "nodemask", err)))
            return -1;
        break;
    case VN_MEMORY_MODEL_NVDIMM:
        m->path = dx_text(dx_child(src, "path"));
        if (dx_parse_mem_elem(src, "alignsize", "./alignsize", false, &m->alignsize_kib, err) < 0)
            return -1;
        m->pmem = dx_child(src, "pmem") != NULL;
        break;
    case VN_MEMORY_MODEL_VIRTIO_PMEM:
        m->path = dx_text(dx_child(src, "path"));
        break;
    default:
        break;
    }
    return 0;
}

static int parse_memdev_target(vn_memdev *m, xmlNode *tgt, vn_error *err)
{
    VN_AUTOFREE char *node = dx_text(dx_child(tgt, "node"));
    if (node && (!vn_parse_int(node, &m->target_node) || m->target_node < 0)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "invalid value of memory device node");
        return -1;
    }
    if (dx_parse_mem_elem(tgt, "size", "./size", true, &m->size_kib, err) < 0)
        return -1;
    if (m->model == VN_MEMORY_MODEL_NVDIMM) {
        if (dx_parse_mem_elem(dx_child(tgt, "label"), "size", "./label/size", false,
                              &m->labelsize_kib, err) < 0)
            return -1;
        if (m->labelsize_kib && m->labelsize_kib < 128) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "nvdimm label must be at least 128KiB");
            return -1;
        }
        if (m->labelsize_kib >= m->size_kib) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "label size must be smaller than NVDIMM size");
            return -1;
        }
        m->readonly = dx_child(tgt, "readonly") != NULL;
    } else if (m->model == VN_MEMORY_MODEL_VIRTIO_MEM) {
        if (dx_parse_mem_elem(tgt, "block", "./block", false, &m->blocksize_kib, err) < 0 ||
            dx_parse_mem_elem(tgt, "requested", "./requested", false, &m->requested_kib, err) < 0)
            return -1;
    }
    return 0;
}

/* virDomainDeviceAddressParseXML for the dimm and pci address types. */
static int parse_memdev_address(vn_memdev *m, xmlNode *addr, vn_error *err)
{
    VN_AUTOFREE char *type = dx_prop(addr, "type");
    if (!type) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                      "No type specified for device address");
        return -1;
    }
    if (!strcmp(type, "dimm")) {
        m->addr_type = VN_MEMDEV_ADDR_DIMM;
        if (dx_prop_uint(addr, "slot", 10, PROP_REQUIRED, &m->addr_slot, err) < 0 ||
            dx_prop_ull(addr, "base", 16, 0, &m->addr_base, err) < 0)
            return -1;
        m->addr_has_slot = true;
    } else if (!strcmp(type, "pci")) {
        int multi;
        m->addr_type = VN_MEMDEV_ADDR_PCI;
        if (dx_prop_uint(addr, "domain", 0, 0, &m->pci_domain, err) < 0 ||
            dx_prop_uint(addr, "bus", 0, 0, &m->pci_bus, err) < 0 ||
            dx_prop_uint(addr, "slot", 0, 0, &m->pci_slot, err) < 0 ||
            dx_prop_uint(addr, "function", 0, 0, &m->pci_function, err) < 0 ||
            dx_prop_enum(addr, "multifunction", dx_from_switch, PROP_NONZERO, 0, &multi, err) < 0)
            return -1;
        /* on/off stored with the same numbers as yes/no (vn_switch). */
        m->pci_multifunction = (vn_tristate)multi;
    } else {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "unsupported memory device address type '%s'", type);
        return -1;
    }
    return 0;
}

/* virUUIDParse's syntax: 32 hex digits, '-' and ' ' allowed between
 * pairs, spaces around. */
static bool uuid_valid(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    for (int i = 0; i < 16; i++) {
        while (*s == '-' || *s == ' ')
            s++;
        if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
            return false;
        s += 2;
    }
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

static int parse_memdev_body(vn_memdev *m, xmlNode *n, vn_error *err)
{
    int model, access;
    if (dx_prop_enum(n, "model", dx_from_model, PROP_REQUIRED | PROP_NONZERO, 0, &model, err) < 0)
        return -1;
    m->model = (vn_memory_model)model;
    m->target_node = -1;
    if (dx_prop_enum(n, "access", dx_from_access, PROP_NONZERO, 0, &access, err) < 0 ||
        dx_prop_tristate(n, "discard", 0, &m->discard, err) < 0)
        return -1;
    m->access = (vn_mem_access)access;
    if (m->model == VN_MEMORY_MODEL_NVDIMM && (m->uuid = dx_text(dx_child(n, "uuid"))) &&
        !uuid_valid(m->uuid)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "malformed uuid element");
        return -1;
    }
    xmlNode *src = dx_child(n, "source");
    if (src && parse_memdev_source(m, src, err) < 0)
        return -1;
    xmlNode *tgt = dx_child(n, "target");
    if (!tgt) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "missing <target> element for <memory> device");
        return -1;
    }
    if (parse_memdev_target(m, tgt, err) < 0)
        return -1;
    VN_AUTOFREE char *alias = dx_attr_string(dx_child(n, "alias"), "name");
    if (alias && !strncmp(alias, "ua-", 3) &&
        strspn(alias, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(alias))
        m->alias = vn_strdup(alias);
    xmlNode *addr = dx_child(n, "address");
    return addr ? parse_memdev_address(m, addr, err) : 0;
}

int dx_parse_memdevs(vn_domain *dom, xmlNode *devices, vn_error *err)
{
    dx_for_each_child(devices, "memory", n) {
        vn_memdev *m = VN_APPEND(dom->memdevs, dom->nmemdevs);
        if (parse_memdev_body(m, n, err) < 0)
            return -1;
    }
    return 0;
}

static bool attr_is(const xmlNode *n, const char *name, const char *value)
{
    VN_AUTOFREE char *v = dx_prop(n, name);
    return v && !strcmp(v, value);
}

static bool attr_set(const xmlNode *n, const char *name, const char *unset)
{
    VN_AUTOFREE char *v = dx_prop(n, name);
    return v && (!unset || strcmp(v, unset));
}

/* What virDomainFSDefParseXML reads that qemuValidateDomainDeviceDefFS
 * checks for virtiofs. */
static void scan_virtiofs(vn_virtiofs *v, const xmlNode *fs, const xmlNode *drv)
{
    unsigned fmode = 0, dmode = 0;
    VN_AUTOFREE char *f = dx_prop(fs, "fmode");
    VN_AUTOFREE char *d = dx_prop(fs, "dmode");
    v->type_mount = !attr_set(fs, "type", NULL) || attr_is(fs, "type", "mount");
    v->accessmode_mapped = attr_is(fs, "accessmode", "mapped");
    v->accessmode_other = attr_set(fs, "accessmode", "passthrough");
    v->has_fdmode = (f && dx_str_to_uip(f, 8, &fmode) && fmode) ||
                    (d && dx_str_to_uip(d, 8, &dmode) && dmode);
    v->has_socket = attr_set(dx_child(fs, "source"), "socket", NULL);
    v->readonly = dx_child(fs, "readonly") != NULL;
    v->has_wrpolicy = attr_set(drv, "wrpolicy", "default");
    v->has_model = attr_set(fs, "model", NULL);
    v->has_format = attr_set(drv, "format", NULL);
    v->has_multidevs = attr_set(fs, "multidevs", "default");
}

/* vhost-user devices that qemu_validate.c requires shared memory for. */
void dx_scan_shared_memory_users(vn_domain *dom, xmlNode *devices)
{
    dx_for_each_child(devices, "disk", d) {
        VN_AUTOFREE char *t = dx_prop(d, "type");
        if (t && !strcmp(t, "vhostuser"))
            dom->has_vhostuser_disk = true;
    }
    dx_for_each_child(devices, "filesystem", fs) {
        xmlNode *drv = dx_child(fs, "driver");
        VN_AUTOFREE char *t = dx_prop(drv, "type");
        if (t && !strcmp(t, "virtiofs"))
            scan_virtiofs(VN_APPEND(dom->virtiofs, dom->nvirtiofs), fs, drv);
    }
}


/* ---- formatting: virDomainMemoryDefFormat ------------------------------ */

/* virDomainMemorySourceDefFormat */
static void emit_memdev_source(vn_buf *b, const vn_memdev *m)
{
    vn_buf c = {.indent = b->indent + 2};
    switch (m->model) {
    case VN_MEMORY_MODEL_DIMM:
    case VN_MEMORY_MODEL_VIRTIO_MEM:
        if (m->source_nodes)
            dx_line_bitmap(&c, "<nodemask>", m->source_nodes, "</nodemask>");
        if (m->pagesize_kib)
            vn_buf_line(&c, "<pagesize unit='KiB'>%llu</pagesize>",
                        (unsigned long long)m->pagesize_kib);
        break;
    case VN_MEMORY_MODEL_NVDIMM:
    case VN_MEMORY_MODEL_VIRTIO_PMEM:
        if (m->path) {
            dx_pad(&c);
            vn_buf_add(&c, "<path>");
            vn_buf_add_escaped(&c, m->path, false);
            vn_buf_add(&c, "</path>\n");
        }
        if (m->model == VN_MEMORY_MODEL_VIRTIO_PMEM)
            break;
        if (m->alignsize_kib)
            vn_buf_line(&c, "<alignsize unit='KiB'>%llu</alignsize>",
                        (unsigned long long)m->alignsize_kib);
        if (m->pmem)
            vn_buf_line(&c, "<pmem/>");
        break;
    case VN_MEMORY_MODEL_SGX_EPC:
        if (m->source_nodes)
            dx_line_bitmap(&c, "<nodemask>", m->source_nodes, "</nodemask>");
        break;
    case VN_MEMORY_MODEL_NONE:
    case VN_MEMORY_MODEL_LAST:
        break;
    }
    if (c.len) {
        vn_buf_line(b, "<source>");
        vn_buf_add(b, c.s);
        vn_buf_line(b, "</source>");
    }
    vn_buf_free(&c);
}

/* virDomainMemoryTargetDefFormat, inactive (no <current>) */
static void emit_memdev_target(vn_buf *b, const vn_memdev *m)
{
    vn_buf_line(b, "<target>");
    b->indent += 2;
    vn_buf_line(b, "<size unit='KiB'>%llu</size>", (unsigned long long)m->size_kib);
    if (m->target_node >= 0)
        vn_buf_line(b, "<node>%d</node>", m->target_node);
    if (m->labelsize_kib) {
        vn_buf_line(b, "<label>");
        b->indent += 2;
        vn_buf_line(b, "<size unit='KiB'>%llu</size>", (unsigned long long)m->labelsize_kib);
        b->indent -= 2;
        vn_buf_line(b, "</label>");
    }
    if (m->readonly)
        vn_buf_line(b, "<readonly/>");
    if (m->blocksize_kib) {
        vn_buf_line(b, "<block unit='KiB'>%llu</block>", (unsigned long long)m->blocksize_kib);
        vn_buf_line(b, "<requested unit='KiB'>%llu</requested>",
                    (unsigned long long)m->requested_kib);
    }
    b->indent -= 2;
    vn_buf_line(b, "</target>");
}

/* virDomainDeviceInfoFormat for the address types a memory device has */
static void emit_memdev_info(vn_buf *b, const vn_memdev *m)
{
    if (m->alias) {
        dx_pad(b);
        vn_buf_add(b, "<alias name='");
        vn_buf_add_escaped(b, m->alias, true);
        vn_buf_add(b, "'/>\n");
    }
    if (m->addr_type == VN_MEMDEV_ADDR_DIMM) {
        dx_pad(b);
        vn_buf_addf(b, "<address type='dimm' slot='%u'", m->addr_slot);
        if (m->addr_base)
            vn_buf_addf(b, " base='0x%llx'", (unsigned long long)m->addr_base);
        vn_buf_add(b, "/>\n");
    } else if (m->addr_type == VN_MEMDEV_ADDR_PCI) {
        dx_pad(b);
        vn_buf_add(b, "<address type='pci'");
        if (m->pci_domain || m->pci_bus || m->pci_slot || m->pci_function)
            vn_buf_addf(b, " domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%u'",
                        m->pci_domain, m->pci_bus, m->pci_slot, m->pci_function);
        if (m->pci_multifunction)
            vn_buf_addf(b, " multifunction='%s'",
                        m->pci_multifunction == VN_TRISTATE_YES ? "on" : "off");
        vn_buf_add(b, "/>\n");
    }
}

/* virDomainMemoryDefFormat, for every memory device */
void dx_emit_memdevs(vn_buf *b, const vn_domain *dom)
{
    for (size_t i = 0; i < dom->nmemdevs; i++) {
        const vn_memdev *m = &dom->memdevs[i];
        dx_pad(b);
        vn_buf_addf(b, "<memory model='%s'", vn_memory_model_to_string(m->model));
        if (m->access)
            vn_buf_addf(b, " access='%s'", vn_mem_access_to_string(m->access));
        if (m->discard)
            vn_buf_addf(b, " discard='%s'", vn_tristate_to_string(m->discard));
        vn_buf_add(b, ">\n");
        b->indent += 2;
        if (m->uuid) {
            dx_pad(b);
            vn_buf_add(b, "<uuid>");
            vn_buf_add_escaped(b, m->uuid, false);
            vn_buf_add(b, "</uuid>\n");
        }
        emit_memdev_source(b, m);
        emit_memdev_target(b, m);
        emit_memdev_info(b, m);
        b->indent -= 2;
        vn_buf_line(b, "</memory>");
    }
}
