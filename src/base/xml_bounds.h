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

#include <stddef.h>

#include "base/error.h"

#define VN_XML_MAX_ATTRS_PER_ELEMENT 128   /* attributes on one element */
#define VN_XML_MAX_NODES 200000            /* tags + attributes in a document */
#define VN_XML_MAX_NS_DECLS 64             /* namespace declarations in a document */

/* 0 when xml keeps the bounds; else -1 with a VNUMA_ERR_INVALID,
 * VN_ERRC_XML error naming the limit (and the element, for attributes). */
int vn_xml_bounds_check(const char *xml, size_t len, vn_error *err);

#endif
