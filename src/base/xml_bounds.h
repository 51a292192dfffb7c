/*
 * xml_bounds.h - the bounds every XML document vnuma reads must keep
 * (domains and capabilities), checked on the raw bytes before libxml2
 * sees them.
 *
 * libxml2 2.9 compares each attribute of a start tag with every earlier
 * one (quadratic: 200,000 attributes took over a minute), builds a tree
 * of about 130 bytes per tag and 240 per attribute (9.9 MB of empty
 * elements took 334 MB), and applies <!ATTLIST> defaults to every start
 * tag.  vn_xml_bounds_check counts, in one linear pass that does not
 * depend on the document being well formed:
 *   - tags: every '<' (start and end tags, comments, CDATA, PIs), an upper
 *     bound of the elements and text nodes libxml2 builds;
 *   - attributes: every '=' followed by blanks and a quote, an upper bound
 *     of the attributes (namespace declarations included) libxml2 reads,
 *     both per tag (an attribute never spans a raw '<') and in all;
 *   - namespace declarations: every "xmlns";
 * and refuses <!ATTLIST> and encodings that are not ASCII-compatible
 * (UTF-16, UCS-4, EBCDIC, or a declared encoding outside UTF-8, ASCII and
 * ISO-8859-*), in which those bytes would not be what libxml2 reads.
 * The largest document of libvirt's own tests has 15 attributes on one
 * element and 3,750 tags; a domain with 16,384 vCPUs listed and pinned
 * and 128 cells' distances has about 180,000 tags and attributes.
 * At the limits the tree stays under about 50 MB.
 */
#ifndef VN_XML_BOUNDS_H
#define VN_XML_BOUNDS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define VN_XML_MAX_ATTRS_PER_ELEMENT 128   /* attributes on one element */
#define VN_XML_MAX_NODES 200000            /* tags + attributes in a document */
#define VN_XML_MAX_NS_DECLS 64             /* namespace declarations in a document */

/* The count so far of a document streamed in (fields are private). */
typedef struct vn_xml_bounds {
    size_t max_nodes, nodes, ns, seg_attrs;
    unsigned line, seg_line;
    unsigned attlist, xmlns;   /* how much of "<!ATTLIST", "xmlns" is matched */
    bool eq_pending, in_name, head_done, failed;
    size_t name_len, head_len;
    char name[48];             /* the element after the last '<' */
    char head[4096];           /* the document up to its first '>' */
} vn_xml_bounds;

/* Streamed: init, feed each chunk before the parser sees it (-1 once a
 * bound is broken, err set), finish at the end.  The encoding is judged
 * on the document's first '>' (4096 bytes at most), so the parser must
 * not be given anything before the feed that contains it has passed. */
void vn_xml_bounds_init(vn_xml_bounds *b, size_t max_nodes);
int vn_xml_bounds_feed(vn_xml_bounds *b, const char *data, size_t n, vn_error *err);
int vn_xml_bounds_finish(vn_xml_bounds *b, vn_error *err);
/* True once the encoding has been judged (and passed). */
static inline bool vn_xml_bounds_head_done(const vn_xml_bounds *b) { return b->head_done; }

/* 0 when xml keeps the bounds, with at most max_nodes tags and
 * attributes (0: no such bound, for a reader that builds no tree); else
 * -1 with a VNUMA_ERR_INVALID, VN_ERRC_XML error naming the limit (and
 * the element, for attributes). */
int vn_xml_bounds_check(const char *xml, size_t len, size_t max_nodes, vn_error *err);

#endif
