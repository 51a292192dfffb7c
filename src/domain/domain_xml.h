/*
 * domain_xml.h - what the files of src/domain share, and nothing else may
 * use: the small libxml2 helpers the element parsers are written with
 * (libvirt's virXMLProp* / virXPath* equivalents, numbers as its
 * virStrToLong_* read them), the document reader, and each element file's
 * parse and format entry points.  The dx_ prefix marks these: internal to
 * the folder, not part of the library.
 *
 * The element files keep a parser beside its formatter, as libvirt's
 * numa_conf.c keeps virDomainNumaDefParseXML beside
 * virDomainNumaDefFormatXML:
 *   memory_xml.c    <memory>, <currentMemory>, <maxMemory>, <memoryBacking>
 *   vcpu_xml.c      <vcpu>, <vcpus>, <iothreads>, <cputune> pinning
 *   numa_xml.c      <cpu><topology>, <cpu><numa> (cells, distances, caches,
 *                   interconnects)
 *   numatune_xml.c  <numatune>
 *   memdev_xml.c    <devices><memory>, and the devices that need shared memory
 *   vnuma_xml.c     <vnuma> (vnuma's own element)
 * numa_rules.c holds the define-time NUMA rules (huge page node sets,
 * interconnects), postparse.c the other post-parse and define-time rules.
 * domain_parse.c runs the parsers in libvirt's order, domain_format.c writes
 * the document with the formatters' output in libvirt's places, and
 * domain_xml.c holds the helpers and the hostile-input-proof reader.
 */
#ifndef VN_DOMAIN_XML_H
#define VN_DOMAIN_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "base/bitmap.h"
#include "base/util.h"
#include "model/domain.h"

/* More vCPUs than this are refused before anything is allocated for them
 * (libvirt leaves it to QEMU's machine limit, far below this). */
#define VN_MAX_VCPUS VN_CPUMASK_LEN

/* The document, owned by the caller (xmlFreeDoc). */
VN_DEFINE_AUTOPTR(xmlDoc, xmlFreeDoc)

/* ---- helpers (domain_xml.c) ---------------------------------------------- */

#define dx_for_each_child(parent, name, var) \
    for (xmlNode *var = (parent) ? (parent)->children : NULL; var; var = var->next) \
        if (dx_name_is(var, name))

/* Flags of dx_prop_num and its wrappers. */
enum { PROP_REQUIRED = 1, PROP_NONZERO = 2 };

bool dx_name_is(const xmlNode *n, const char *name);

/* First element child called name, or NULL. */
xmlNode *dx_child(const xmlNode *parent, const char *name);

size_t dx_count_children(const xmlNode *parent, const char *name);

/* virXMLPropString: the attribute's value ("" when empty), NULL if absent. */
char *dx_prop(const xmlNode *n, const char *name);

/* virXPathString("string(node)"): text content, NULL when absent or empty. */
char *dx_text(const xmlNode *n);

/* String value of attribute `name` of n, NULL when absent or empty
 * (virXPathString("string(./x/@name)")). */
char *dx_attr_string(const xmlNode *n, const char *name);

/* virStrToLong_uip: unsigned, no '-' anywhere, whole string, fits uint. */
bool dx_str_to_uip(const char *s, int base, unsigned *out);

/* virStrToLong_ui: as above but "-N" wraps as libvirt allows. */
bool dx_str_to_ui(const char *s, unsigned *out);

/* virStrToLong_ullp: unsigned long long, no '-', whole string. */
bool dx_str_to_ullp(const char *s, int base, uint64_t *out);

/* virXMLPropUInt and virXMLPropULongLong: -1 error, 0 absent, 1 set; a
 * value above max is invalid (virStrToLong_uip's range). */
int dx_prop_num(const xmlNode *n, const char *name, int base, int flags, uint64_t max,
                uint64_t *out, vn_error *err);

int dx_prop_uint(const xmlNode *n, const char *name, int base, int flags,
                 unsigned *out, vn_error *err);

int dx_prop_ull(const xmlNode *n, const char *name, int base, int flags,
                uint64_t *out, vn_error *err);

/* virXMLPropEnum / virXMLPropEnumDefault with a vn enum's _from_string. */
int dx_prop_enum(const xmlNode *n, const char *name, int (*from)(const char *),
                 int flags, int dflt, int *out, vn_error *err);

/* virXMLPropTristateBool (value 0 "default" is not accepted). */
int dx_prop_tristate(const xmlNode *n, const char *name, int flags,
                     vn_tristate *out, vn_error *err);

/* virDomainParseMemory on an already-extracted value (NULL = missing) and
 * unit; `xpath` names it as libvirt does.  Returns -1, 0 absent, 1 set. */
int dx_parse_mem(const char *xpath, const char *value, const char *unit,
                 bool required, uint64_t *kib, vn_error *err);

/* Element `name` under n: <name unit='...'>N</name>. */
int dx_parse_mem_elem(const xmlNode *n, const char *name, const char *xpath,
                      bool required, uint64_t *kib, vn_error *err);

/* virBitmapParse(..., VIR_DOMAIN_CPUMASK_LEN). */
vn_bitmap *dx_parse_set(const char *s, vn_error *err);

/* A set that must not be empty: "Invalid value of '<what>': <s>". */
vn_bitmap *dx_parse_nonempty_set(const char *s, const char *what, vn_error *err);

/* The indentation of a line being started by hand (vn_buf_line does its own). */
void dx_pad(vn_buf *b);

/* A line: open, the bitmap in libvirt's syntax, close. */
void dx_line_bitmap(vn_buf *b, const char *open, const vn_bitmap *map, const char *close);

/* The first top-level element of the input called `name` (namespaces are
 * not looked at, as in the parser). */
xmlNode *dx_top_child(const vn_domain *dom, const char *name);

/* Enum parsers for dx_prop_enum, from the tables of base/enums.h. */
static inline int dx_from_tristate(const char *s) { return vn_tristate_from_string(s); }
static inline int dx_from_switch(const char *s) { return vn_switch_from_string(s); }
static inline int dx_from_access(const char *s) { return vn_mem_access_from_string(s); }
static inline int dx_from_placement(const char *s) { return vn_placement_from_string(s); }
static inline int dx_from_model(const char *s) { return vn_memory_model_from_string(s); }
static inline int dx_from_latency(const char *s) { return vn_memory_latency_from_string(s); }
static inline int dx_from_vnuma_mode(const char *s) { return vn_vnuma_mode_from_string(s); }
static inline int dx_from_vnuma_dist(const char *s) { return vn_vnuma_dist_from_string(s); }
static inline int dx_from_numatune_mode(const char *s) { return vn_numatune_mode_from_string(s); }

/* ---- the document (domain_xml.c) ----------------------------------------- */

/* Parse xml as a hostile document: no network, no DTD, no entities (a
 * declaration refuses it), VN_XML_MAX_BYTES at most, the tag, attribute
 * and namespace bounds of base/xml_bounds.h, root <domain>. */
xmlDoc *dx_read_xml(const char *xml, size_t len, vn_error *err);
/* The same for a document whose root element is `root` (a device XML). */
xmlDoc *dx_read_xml_as(const char *xml, size_t len, const char *root, vn_error *err);

/* A set of non-zero ids (hashed: the checks for duplicates among
 * thousands of pins or iothreads stay linear).  Zeroed is empty. */
typedef struct dx_idset {
    unsigned *slot;   /* 0 = free */
    size_t cap, n;
} dx_idset;

bool dx_idset_has(const dx_idset *s, unsigned id);
void dx_idset_add(dx_idset *s, unsigned id);
void dx_idset_clear(dx_idset *s);
VN_DEFINE_AUTOCLEAR(dx_idset, dx_idset_clear)

/* <iothreadids>: the iothread ids the domain defines (vcpu_xml.c), which
 * <iothreadpin> must name, in order and as a set. */
typedef struct iothread_ids {
    unsigned *ids;
    size_t n;
    dx_idset set;
} iothread_ids;

/* ---- numa_rules.c: define-time NUMA rules (postparse.c runs them) -------- */

/* virDomainDefMemtuneValidate: huge page node sets. */
int dx_validate_hugepages(const vn_domain *dom, vn_error *err);
/* virDomainNumaDefValidate: cache levels, interconnects. */
int dx_validate_numa(const vn_domain *dom, vn_error *err);

/* ---- memory_xml.c ---------------------------------------------------------- */

int dx_parse_memory(vn_domain *dom, xmlNode *root, vn_error *err);
void dx_emit_max_memory(vn_buf *b, const vn_domain *dom);
void dx_emit_memory(vn_buf *b, const vn_domain *dom);
void dx_emit_current_memory(vn_buf *b, const vn_domain *dom);
void dx_emit_memory_backing(vn_buf *b, const vn_domain *dom);

/* ---- vcpu_xml.c ------------------------------------------------------------ */

int dx_parse_vcpu(vn_domain *dom, xmlNode *root, vn_error *err);
int dx_parse_iothreads(vn_domain *dom, xmlNode *root, iothread_ids *t, vn_error *err);
int dx_parse_cputune(vn_domain *dom, xmlNode *root, const iothread_ids *t, vn_error *err);
void dx_emit_vcpu(vn_buf *b, const vn_domain *dom);
void dx_emit_vcpus(vn_buf *b, const vn_domain *dom);
void dx_emit_vcpupins(vn_buf *b, const vn_domain *dom);
void dx_emit_emulatorpin(vn_buf *b, const vn_domain *dom);
void dx_emit_iothreadpins(vn_buf *b, const vn_domain *dom);

/* ---- numa_xml.c ------------------------------------------------------------ */

int dx_parse_topology(vn_domain *dom, xmlNode *cpu, vn_error *err);
int dx_parse_numa(vn_domain *dom, xmlNode *cpu, vn_error *err);
int dx_check_numa_cpus(const vn_domain *dom, vn_error *err);
void dx_emit_topology(vn_buf *b, const vn_domain *dom);
void dx_emit_interconnects(vn_buf *b, const vn_domain *dom);
void dx_emit_numa(vn_buf *b, const vn_domain *dom);

/* ---- numatune_xml.c -------------------------------------------------------- */

int dx_parse_numatune(vn_domain *dom, xmlNode *root, vn_error *err);
void dx_emit_numatune(vn_buf *b, const vn_domain *dom);

/* ---- memdev_xml.c ---------------------------------------------------------- */

int dx_parse_memdevs(vn_domain *dom, xmlNode *devices, vn_error *err);
/* One <memory> element into m (zeroed by the caller), VN_PARSE_* flags. */
int dx_parse_memdev(vn_memdev *m, xmlNode *n, unsigned flags, vn_error *err);
void dx_scan_shared_memory_users(vn_domain *dom, xmlNode *devices);
void dx_emit_memdevs(vn_buf *b, const vn_domain *dom);

/* ---- vnuma_xml.c ----------------------------------------------------------- */

int dx_parse_vnuma(vn_domain *dom, xmlNode *root, vn_error *err);
void dx_emit_vnuma(vn_buf *b, const vn_domain *dom);

#endif
