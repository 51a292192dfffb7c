/*
 * xml_bounds.c - the bounds of xml_bounds.h, counted in one linear pass
 * over a document's bytes, whole (vn_xml_bounds_check) or as it streams
 * in (vn_xml_bounds_feed: each chunk is checked before the parser is
 * given it).  The counts do not depend on the document's syntax, so a
 * malformed document cannot hide attributes from them.
 */
#include "base/xml_bounds.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == ':' || c == '.' || c == '-';
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
 * declaration's encoding, in head (the document up to its first '>'):
 * -1 unless the bytes are ASCII-compatible. */
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
    const char *decl = xml + i;
    size_t declen = len - i;
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

void vn_xml_bounds_init(vn_xml_bounds *b, size_t max_nodes)
{
    memset(b, 0, sizeof(*b));
    b->max_nodes = max_nodes;
    b->line = b->seg_line = 1;
}

static int fail(vn_xml_bounds *b)
{
    b->failed = true;
    return -1;
}

/* The head is complete (its first '>' seen, full, or the end): check it. */
static int close_head(vn_xml_bounds *b, vn_error *err)
{
    b->head_done = true;
    if (b->head_len == sizeof(b->head) && !memchr(b->head, '>', b->head_len) &&
        b->head_len >= 5 && !memcmp(b->head + (b->head[0] == '\xef' ? 3 : 0), "<?xml", 5)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "the XML declaration is longer than %zu bytes", sizeof(b->head));
        return fail(b);
    }
    return check_encoding(b->head, b->head_len, err) < 0 ? fail(b) : 0;
}

static const char attlist[] = "<!ATTLIST";
static const char xmlns[] = "xmlns";

int vn_xml_bounds_feed(vn_xml_bounds *b, const char *data, size_t n, vn_error *err)
{
    if (b->failed)
        return -1;
    if (!b->head_done) {
        size_t take = sizeof(b->head) - b->head_len;
        const char *gt = memchr(data, '>', n < take ? n : take);
        if (gt)
            take = (size_t)(gt - data) + 1;
        if (take > n)
            take = n;
        memcpy(b->head + b->head_len, data, take);
        b->head_len += take;
        if ((gt || b->head_len == sizeof(b->head)) && close_head(b, err) < 0)
            return -1;
    }
    /* the bytes that move a count or start a match; others are skipped
     * while no match is under way */
    static const unsigned char special[256] = {
        ['<'] = 1, ['='] = 1, ['\''] = 1, ['"'] = 1, ['\n'] = 1, ['x'] = 1,
    };
    for (size_t i = 0; i < n; i++) {
        if (!b->attlist && !b->xmlns && !b->in_name && !b->eq_pending) {
            while (i < n && !special[(unsigned char)data[i]])
                i++;
            if (i == n)
                break;
        }
        char c = data[i];
        /* "<!ATTLIST" and "xmlns" across chunks: how much of each is matched */
        b->attlist = c == attlist[b->attlist] ? b->attlist + 1 : c == '<';
        if (b->attlist == sizeof(attlist) - 1) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "attribute-list declarations are not allowed (line %u)", b->line);
            return fail(b);
        }
        b->xmlns = c == xmlns[b->xmlns] ? b->xmlns + 1 : c == 'x';
        if (b->xmlns == sizeof(xmlns) - 1) {
            b->xmlns = 0;
            if (++b->ns > VN_XML_MAX_NS_DECLS) {
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                              "more than %u namespace declarations (line %u)",
                              VN_XML_MAX_NS_DECLS, b->line);
                return fail(b);
            }
        }
        /* the name after '<', for messages */
        if (b->in_name) {
            if (is_name_char(c) && b->name_len < 40)
                b->name[b->name_len++] = c;
            else
                b->in_name = false;
        }
        /* '=' then blanks then a quote: one attribute */
        if (b->eq_pending && (c == '\'' || c == '"')) {
            b->eq_pending = false;
            b->nodes++;
            if (++b->seg_attrs > VN_XML_MAX_ATTRS_PER_ELEMENT) {
                b->name[b->name_len] = '\0';
                vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                              "element '%s' has more than %u attributes (line %u)",
                              b->name, VN_XML_MAX_ATTRS_PER_ELEMENT, b->seg_line);
                return fail(b);
            }
        } else if (!is_blank(c)) {
            b->eq_pending = c == '=';
        }
        if (c == '\n') {
            b->line++;
        } else if (c == '<') {
            b->nodes++;
            b->seg_attrs = 0;
            b->seg_line = b->line;
            b->in_name = true;
            b->name_len = 0;
        }
        if (b->max_nodes && b->nodes > b->max_nodes) {
            vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                          "more than %zu tags and attributes (line %u)", b->max_nodes, b->line);
            return fail(b);
        }
    }
    return 0;
}

int vn_xml_bounds_finish(vn_xml_bounds *b, vn_error *err)
{
    if (b->failed)
        return -1;
    return b->head_done ? 0 : close_head(b, err);
}

int vn_xml_bounds_check(const char *xml, size_t len, size_t max_nodes, vn_error *err)
{
    vn_xml_bounds b;
    vn_xml_bounds_init(&b, max_nodes);
    if (vn_xml_bounds_feed(&b, xml, len, err) < 0)
        return -1;
    return vn_xml_bounds_finish(&b, err);
}
