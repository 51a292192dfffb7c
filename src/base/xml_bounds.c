/*
 * xml_bounds.c - vn_xml_bounds_check: one linear pass over a document's
 * bytes that refuses what would make libxml2 slow or large (xml_bounds.h
 * says which bounds and why they are upper bounds of libxml2's work).
 */
#include "base/xml_bounds.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The element name after the '<' at s (for messages): name characters
 * only, at most 40 of them. */
static void tag_name(const char *s, size_t len, char out[48])
{
    size_t n = 0;
    for (size_t i = 1; i < len && n < 40; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == ':' || c == '.' || c == '-'))
            break;
        out[n++] = c;
    }
    out[n] = '\0';
}

static bool ascii_compatible(const char *enc, size_t n)
{
    static const char *const ok[] = {"UTF-8", "UTF8", "US-ASCII", "ASCII",
                                     "ISO-LATIN-1", "LATIN1"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strlen(ok[i]) == n && !strncasecmp(enc, ok[i], n))
            return true;
    /* ISO-8859-N, ISO_8859-N, ISO8859-N: single-byte, ASCII below 0x80 */
    static const char *const iso[] = {"ISO-8859-", "ISO_8859-", "ISO8859-"};
    for (size_t i = 0; i < sizeof(iso) / sizeof(iso[0]); i++) {
        size_t l = strlen(iso[i]);
        if (n > l && n <= l + 2 && !strncasecmp(enc, iso[i], l)) {
            for (size_t j = l; j < n; j++)
                if (enc[j] < '0' || enc[j] > '9')
                    return false;
            return true;
        }
    }
    return false;
}

/* The first bytes (libxml2's xmlDetectCharEncoding) and the XML
 * declaration's encoding: -1 unless the bytes are ASCII-compatible. */
static int check_encoding(const char *xml, size_t len, vn_error *err)
{
    const unsigned char *u = (const unsigned char *)xml;
    bool wide = (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE))) ||
                (len >= 4 && u[0] == 0x4C && u[1] == 0x6F && u[2] == 0xA7 && u[3] == 0x94);
    for (size_t i = 0; i < len && i < 4; i++)
        wide |= u[i] == 0;
    if (wide) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "the document is in UTF-16, UCS-4 or EBCDIC: only UTF-8, ASCII "
                      "and ISO-8859 documents are read");
        return -1;
    }
    size_t i = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF ? 3 : 0;
    if (len - i < 6 || memcmp(xml + i, "<?xml", 5) || !is_blank(xml[i + 5]))
        return 0;
    const char *end = memchr(xml + i, '>', len - i);
    size_t declen = (end ? (size_t)(end - xml) : len) - i;
    const char *decl = xml + i;
    for (size_t k = 0; k + 8 <= declen; k++) {
        if (memcmp(decl + k, "encoding", 8))
            continue;
        size_t p = k + 8;
        while (p < declen && is_blank(decl[p]))
            p++;
        if (p >= declen || decl[p] != '=')
            continue;
        p++;
        while (p < declen && is_blank(decl[p]))
            p++;
        if (p >= declen || (decl[p] != '"' && decl[p] != '\''))
            continue;
        char q = decl[p++];
        size_t s = p;
        while (p < declen && decl[p] != q)
            p++;
        if (!ascii_compatible(decl + s, p - s)) {
            int n = (int)(p - s > 40 ? 40 : p - s);
            for (int j = 0; j < n; j++)
                if ((unsigned char)decl[s + (size_t)j] < 0x20 || (unsigned char)decl[s + (size_t)j] >= 0x7f)
                    n = j;
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "encoding '%.*s' is not supported: only UTF-8, ASCII and "
                          "ISO-8859 documents are read", n, decl + s);
            return -1;
        }
    }
    return 0;
}

int vn_xml_bounds_check(const char *xml, size_t len, vn_error *err)
{
    if (check_encoding(xml, len, err) < 0)
        return -1;
    size_t nodes = 0, ns = 0, seg_attrs = 0, seg = 0;
    unsigned line = 1, seg_line = 1;
    for (size_t i = 0; i < len; i++) {
        char c = xml[i];
        if (c == '\n') {
            line++;
        } else if (c == '<') {
            seg = i;
            seg_line = line;
            seg_attrs = 0;
            nodes++;
            if (len - i >= 9 && !memcmp(xml + i, "<!ATTLIST", 9)) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                              "attribute-list declarations are not allowed (line %u)", line);
                return -1;
            }
        } else if (c == '=') {
            size_t k = i + 1;
            while (k < len && is_blank(xml[k]))
                k++;
            if (k < len && (xml[k] == '\'' || xml[k] == '"')) {
                nodes++;
                if (++seg_attrs > VN_XML_MAX_ATTRS_PER_ELEMENT) {
                    char name[48];
                    tag_name(xml + seg, len - seg, name);
                    vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                                  "element '%s' has more than %u attributes (line %u)",
                                  name, VN_XML_MAX_ATTRS_PER_ELEMENT, seg_line);
                    return -1;
                }
            }
        } else if (c == 'x' && len - i >= 5 && !memcmp(xml + i, "xmlns", 5)) {
            if (++ns > VN_XML_MAX_NS_DECLS) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                              "more than %u namespace declarations (line %u)",
                              VN_XML_MAX_NS_DECLS, line);
                return -1;
            }
        }
        if (nodes > VN_XML_MAX_NODES) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "more than %u tags and attributes (line %u)", VN_XML_MAX_NODES, line);
            return -1;
        }
    }
    return 0;
}
