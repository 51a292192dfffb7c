/*
 * vcpu_xml.c - the vCPUs and their pinning: <vcpu>, <vcpus>
 * (virDomainVcpuParse), <iothreads>/<iothreadids>, and the <cputune> pins
 * (vcpupin, emulatorpin, iothreadpin), parsed and formatted as libvirt 9.0
 * does. The parser reads the element into the model (model/domain.h) with
 * libvirt's checks and messages; the formatter writes it back from the
 * model in libvirt's layout.  See domain_xml.h for how the files fit.
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

/* ---- virDomainVcpuParse ----------------------------------------------- */

static int parse_vcpu_elem(vn_domain *dom, xmlNode *vcpu, unsigned *maxvcpus,
                           unsigned *vcpus, vn_error *err)
{
    VN_AUTOFREE char *count = NULL;
    xmlChar *c = xmlNodeGetContent(vcpu);
    count = vn_strdup(c ? (const char *)c : "");
    xmlFree(c);
    if (!dx_str_to_ui(count, maxvcpus)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "maximum vcpus count must be an integer");
        return -1;
    }
    int rc = dx_prop_uint(vcpu, "current", 10, 0, vcpus, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        *vcpus = *maxvcpus;
    int pl;
    if (dx_prop_enum(vcpu, "placement", dx_from_placement, 0, VN_PLACEMENT_STATIC, &pl, err) < 0)
        return -1;
    dom->cpu_placement = (vn_placement)pl;
    if (dom->cpu_placement != VN_PLACEMENT_AUTO) {
        VN_AUTOFREE char *cpuset = dx_prop(vcpu, "cpuset");
        if (cpuset && !(dom->cpumask = dx_parse_nonempty_set(cpuset, "cpuset", err)))
            return -1;
    }
    return 0;
}

static int parse_vcpus_list(vn_domain *dom, xmlNode *list, vn_error *err)
{
    dx_for_each_child(list, "vcpu", v) {
        unsigned id;
        vn_tristate state;
        if (dx_prop_uint(v, "id", 10, PROP_REQUIRED, &id, err) < 0)
            return -1;
        if (id >= dom->maxvcpus) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "vcpu id '%u' is out of range of maximum vcpu count", id);
            return -1;
        }
        vn_vcpu_info *info = &dom->vcpu_info[id];
        if (dx_prop_tristate(v, "enabled", PROP_REQUIRED, &state, err) < 0)
            return -1;
        info->online = state == VN_TRISTATE_YES;
        if (dx_prop_tristate(v, "hotpluggable", 0, &info->hotpluggable, err) < 0)
            return -1;
        if (dx_prop_uint(v, "order", 10, 0, &info->order, err) < 0)
            return -1;
    }
    return 0;
}

int dx_parse_vcpu(vn_domain *dom, xmlNode *root, vn_error *err)
{
    unsigned maxvcpus = 1, vcpus = 1;
    xmlNode *vcpu = dx_child(root, "vcpu");
    if (vcpu && parse_vcpu_elem(dom, vcpu, &maxvcpus, &vcpus, err) < 0)
        return -1;
    if (maxvcpus > VN_MAX_VCPUS) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "vcpu count %u is more than vnuma supports (%u)",
                      maxvcpus, VN_MAX_VCPUS);
        return -1;
    }
    dom->maxvcpus = maxvcpus;
    dom->vcpu_info = vn_calloc(maxvcpus ? maxvcpus : 1, sizeof(*dom->vcpu_info));
    xmlNode *list = dx_child(root, "vcpus");
    if (list && dx_count_children(list, "vcpu"))
        return parse_vcpus_list(dom, list, err);
    if (vcpus > maxvcpus) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "maximum vCPU count must not be less than current vCPU count");
        return -1;
    }
    for (unsigned i = 0; i < vcpus; i++)
        dom->vcpu_info[i].online = true;
    return 0;
}

/* ---- <iothreads>, <iothreadids> and <cputune> pinning ----------------- */


static bool ids_has(const iothread_ids *t, unsigned id)
{
    return dx_idset_has(&t->set, id);
}

static void ids_add(iothread_ids *t, unsigned id)
{
    *VN_APPEND(t->ids, t->n) = id;
    dx_idset_add(&t->set, id);
}

/* virDomainDefParseIOThreads + virDomainIOThreadIDDefArrayInit: the ids
 * given, then the lowest free ids up to the <iothreads> count. */
int dx_parse_iothreads(vn_domain *dom, xmlNode *root, iothread_ids *t, vn_error *err)
{
    unsigned count = 0;
    VN_AUTOFREE char *s = dx_text(dx_child(root, "iothreads"));
    if (s && !dx_str_to_uip(s, 10, &count)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "invalid iothreads count '%s'", s);
        return -1;
    }
    dx_for_each_child(dx_child(root, "iothreadids"), "iothread", io) {
        unsigned id;
        if (dx_prop_uint(io, "id", 10, PROP_REQUIRED | PROP_NONZERO, &id, err) < 0)
            return -1;
        if (ids_has(t, id)) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "duplicate iothread id '%u' found", id);
            return -1;
        }
        ids_add(t, id);
    }
    if (t->n > count)
        count = (unsigned)t->n;
    if (count > VN_MAX_VCPUS) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "iothread count %u is more than vnuma supports (%u)",
                      count, VN_MAX_VCPUS);
        return -1;
    }
    for (unsigned next = 1; t->n < count; next++)
        if (!ids_has(t, next))
            ids_add(t, next);
    dom->niothreads = count;
    return 0;
}

/* seen: the vCPUs (id + 1) already pinned. */
static int parse_vcpupin(vn_domain *dom, xmlNode *pin, dx_idset *seen, vn_error *err)
{
    unsigned id;
    if (dx_prop_uint(pin, "vcpu", 10, PROP_REQUIRED, &id, err) < 0)
        return -1;
    if (id >= dom->maxvcpus)
        return 0;   /* "Ignoring vcpupin for missing vcpus" */
    VN_AUTOFREE char *cpuset = dx_prop(pin, "cpuset");
    if (!cpuset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "missing cpuset for vcpupin");
        return -1;
    }
    if (dx_idset_has(seen, id + 1)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                      "duplicate vcpupin for vcpu '%d'", (int)id);
        return -1;
    }
    vn_bitmap *set = dx_parse_nonempty_set(cpuset, "cpuset", err);
    if (!set)
        return -1;
    dx_idset_add(seen, id + 1);
    vn_pin *p = VN_APPEND(dom->vcpupins, dom->nvcpupins);
    p->id = id;
    p->cpuset = set;
    return 0;
}

/* seen: the iothreads already pinned. */
static int parse_iothreadpin(vn_domain *dom, xmlNode *pin, const iothread_ids *t,
                             dx_idset *seen, vn_error *err)
{
    unsigned id;
    if (dx_prop_uint(pin, "iothread", 10, PROP_REQUIRED | PROP_NONZERO, &id, err) < 0)
        return -1;
    if (!ids_has(t, id)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_UNSUPPORTED,
                      "Cannot find 'iothread' : %u", id);
        return -1;
    }
    VN_AUTOFREE char *cpuset = dx_prop(pin, "cpuset");
    if (!cpuset) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL, "missing cpuset for iothreadpin");
        return -1;
    }
    vn_bitmap *set = dx_parse_nonempty_set(cpuset, "cpuset", err);
    if (!set)
        return -1;
    if (dx_idset_has(seen, id)) {
        vn_bitmap_free(set);
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                      "duplicate iothreadpin for same iothread '%u'", id);
        return -1;
    }
    dx_idset_add(seen, id);
    vn_pin *p = VN_APPEND(dom->iothreadpins, dom->niothreadpins);
    p->id = id;
    p->cpuset = set;
    return 0;
}

int dx_parse_cputune(vn_domain *dom, xmlNode *root, const iothread_ids *t, vn_error *err)
{
    xmlNode *ct = dx_child(root, "cputune");
    VN_AUTOCLEAR(dx_idset) vseen = {0};
    VN_AUTOCLEAR(dx_idset) iseen = {0};
    dx_for_each_child(ct, "vcpupin", pin)
        if (parse_vcpupin(dom, pin, &vseen, err) < 0)
            return -1;
    size_t nemu = dx_count_children(ct, "emulatorpin");
    if (nemu > 1) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML, "only one emulatorpin is supported");
        return -1;
    }
    if (nemu) {
        VN_AUTOFREE char *cpuset = dx_prop(dx_child(ct, "emulatorpin"), "cpuset");
        if (!cpuset) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_INTERNAL,
                          "missing cpuset for emulatorpin");
            return -1;
        }
        if (!(dom->emulatorpin = dx_parse_nonempty_set(cpuset, "cpuset", err)))
            return -1;
    }
    dx_for_each_child(ct, "iothreadpin", pin)
        if (parse_iothreadpin(dom, pin, t, &iseen, err) < 0)
            return -1;
    return 0;
}


/* ---- formatting: <vcpu>, <vcpus>, <cputune> pins ----------------------- */

/* libvirt keeps individual vCPU states (<vcpus>) only when the input gave
 * them: virDomainVcpuParse sets individualvcpus when ./vcpus/vcpu exists. */
static bool has_individual_vcpus(const vn_domain *dom)
{
    xmlNode *root = dom->doc ? xmlDocGetRootElement(dom->doc) : NULL;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "vcpus"))
            continue;
        for (xmlNode *v = c->children; v; v = v->next)
            if (v->type == XML_ELEMENT_NODE && !strcmp((const char *)v->name, "vcpu"))
                return true;
    }
    return false;
}

/* virDomainDefGetVcpus: the online vCPUs (the model's count when the
 * per-vCPU states are not filled in). */
/* virDomainCpuDefFormat: <vcpu> (cpuset unless all set, current when some
 * vCPUs are offline). */
void dx_emit_vcpu(vn_buf *b, const vn_domain *dom)
{
    dx_pad(b);
    vn_buf_addf(b, "<vcpu placement='%s'", vn_placement_to_string(dom->cpu_placement));
    if (dom->cpumask && vn_bitmap_count(dom->cpumask) < VN_CPUMASK_LEN) {
        VN_AUTOFREE char *s = vn_bitmap_format(dom->cpumask);
        vn_buf_addf(b, " cpuset='%s'", s);
    }
    unsigned online = vn_domain_online_vcpus(dom);
    if (online < dom->maxvcpus)
        vn_buf_addf(b, " current='%u'", online);
    vn_buf_addf(b, ">%u</vcpu>\n", dom->maxvcpus);
}

void dx_emit_vcpus(vn_buf *b, const vn_domain *dom)
{
    if (!has_individual_vcpus(dom) || !dom->vcpu_info)
        return;
    vn_buf_line(b, "<vcpus>");
    b->indent += 2;
    for (unsigned i = 0; i < dom->maxvcpus; i++) {
        const vn_vcpu_info *v = &dom->vcpu_info[i];
        dx_pad(b);
        vn_buf_addf(b, "<vcpu id='%u' enabled='%s'", i, v->online ? "yes" : "no");
        if (v->hotpluggable)
            vn_buf_addf(b, " hotpluggable='%s'", vn_tristate_to_string(v->hotpluggable));
        if (v->order != 0)
            vn_buf_addf(b, " order='%u'", v->order);
        vn_buf_add(b, "/>\n");
    }
    b->indent -= 2;
    vn_buf_line(b, "</vcpus>");
}

static int pin_cmp(const void *a, const void *b)
{
    unsigned x = ((const vn_pin *)a)->id, y = ((const vn_pin *)b)->id;
    return (x > y) - (x < y);
}

/* Pins in libvirt's order: by vCPU (def->vcpus[i]) or by iothread id. */
static void emit_pins(vn_buf *b, const vn_pin *pins, size_t n, const char *elem,
                      const char *idattr)
{
    if (!n)
        return;
    vn_pin *sorted = vn_malloc(n * sizeof(*sorted));
    memcpy(sorted, pins, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), pin_cmp);
    for (size_t i = 0; i < n; i++) {
        if (!sorted[i].cpuset)
            continue;
        VN_AUTOFREE char *s = vn_bitmap_format(sorted[i].cpuset);
        vn_buf_line(b, "<%s %s='%u' cpuset='%s'/>", elem, idattr, sorted[i].id, s);
    }
    free(sorted);
}

/* virDomainCputuneDefFormat, the pinning part */
void dx_emit_vcpupins(vn_buf *b, const vn_domain *dom)
{
    emit_pins(b, dom->vcpupins, dom->nvcpupins, "vcpupin", "vcpu");
}

void dx_emit_emulatorpin(vn_buf *b, const vn_domain *dom)
{
    if (dom->emulatorpin)
        dx_line_bitmap(b, "<emulatorpin cpuset='", dom->emulatorpin, "'/>");
}

void dx_emit_iothreadpins(vn_buf *b, const vn_domain *dom)
{
    emit_pins(b, dom->iothreadpins, dom->niothreadpins, "iothreadpin", "iothread");
}
