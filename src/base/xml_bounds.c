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

/* line: where the tag or the attribute's quote is */
static int count_node(vn_xml_bounds *b, unsigned line, vn_error *err)
{
    if (b->max_nodes && ++b->nodes > b->max_nodes) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "more than %zu tags and attributes (line %u)", b->max_nodes, line);
        return fail(b);
    }
    if (!b->max_nodes)
        b->nodes++;
    return 0;
}

static int count_attr(vn_xml_bounds *b, unsigned line, vn_error *err)
{
    if (++b->seg_attrs > VN_XML_MAX_ATTRS_PER_ELEMENT) {
        b->name[b->name_len] = '\0';
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "element '%s' has more than %u attributes (line %u)",
                      b->name, VN_XML_MAX_ATTRS_PER_ELEMENT, b->seg_line);
        return fail(b);
    }
    return count_node(b, line, err);
}

static int refuse_attlist(vn_xml_bounds *b, vn_error *err)
{
    vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                  "attribute-list declarations are not allowed (line %u)", b->line);
    return fail(b);
}

static int count_ns(vn_xml_bounds *b, vn_error *err)
{
    if (++b->ns > VN_XML_MAX_NS_DECLS) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_XML,
                      "more than %u namespace declarations (line %u)", VN_XML_MAX_NS_DECLS,
                      b->line);
        return fail(b);
    }
    return 0;
}

static void start_tag(vn_xml_bounds *b)
{
    b->seg_attrs = 0;
    b->seg_line = b->line;
    b->name_len = 0;
}

/* One byte with the matches carried over from the previous chunk (a
 * match that a chunk's end cut): the whole state machine, byte by byte. */
static int step(vn_xml_bounds *b, char c, vn_error *err)
{
    b->attlist = c == attlist[b->attlist] ? b->attlist + 1 : c == '<';
    if (b->attlist == sizeof(attlist) - 1)
        return refuse_attlist(b, err);
    b->xmlns = c == xmlns[b->xmlns] ? b->xmlns + 1 : c == 'x';
    if (b->xmlns == sizeof(xmlns) - 1) {
        b->xmlns = 0;
        if (count_ns(b, err) < 0)
            return -1;
    }
    if (b->in_name) {
        if (is_name_char(c) && b->name_len < 40)
            b->name[b->name_len++] = c;
        else
            b->in_name = false;
    }
    if (b->eq_pending && (c == '\'' || c == '"')) {
        b->eq_pending = false;
        if (count_attr(b, b->line, err) < 0)
            return -1;
    } else if (!is_blank(c)) {
        b->eq_pending = c == '=';
    }
    if (c == '\n') {
        b->line++;
    } else if (c == '<') {
        start_tag(b);
        b->in_name = true;
        if (count_node(b, b->line, err) < 0)
            return -1;
    }
    return 0;
}

static bool carrying(const vn_xml_bounds *b)
{
    return b->attlist || b->xmlns || b->in_name || b->eq_pending;
}

/* Count n bytes (the head judged already). */
static int scan(vn_xml_bounds *b, const char *data, size_t n, vn_error *err)
{
    /* the bytes that move a count or start a match; the others are skipped */
    static const unsigned char special[256] = {
        ['<'] = 1, ['='] = 1, ['\n'] = 1, ['x'] = 1,
    };
    size_t i = 0;
    for (; i < n && carrying(b); i++)
        if (step(b, data[i], err) < 0)
            return -1;
    /* Matches are looked for ahead within the chunk; one that its end
     * cuts is carried (step) into the next. */
    while (i < n) {
        while (i < n && !special[(unsigned char)data[i]])
            i++;
        if (i == n)
            break;
        char c = data[i];
        if (c == '\n') {
            b->line++;
        } else if (c == '<') {
            start_tag(b);
            if (count_node(b, b->line, err) < 0)
                return -1;
            size_t k = 1;
            while (k < sizeof(attlist) - 1 && i + k < n && data[i + k] == attlist[k])
                k++;
            if (k == sizeof(attlist) - 1)
                return refuse_attlist(b, err);
            size_t j = i + 1;
            while (j < n && b->name_len < 40 && is_name_char(data[j]))
                b->name[b->name_len++] = data[j++];
            if (i + k == n || (j == n && b->name_len < 40)) {
                /* the chunk ends inside a match: from this '<' on, byte
                 * by byte, in the state step() leaves after a '<' */
                b->attlist = 1;
                b->xmlns = 0;
                b->in_name = true;
                b->eq_pending = false;
                b->name_len = 0;
                for (i++; i < n; i++)
                    if (step(b, data[i], err) < 0)
                        return -1;
                return 0;
            }
        } else if (c == 'x') {
            size_t k = 1;
            while (k < sizeof(xmlns) - 1 && i + k < n && data[i + k] == xmlns[k])
                k++;
            if (k == sizeof(xmlns) - 1) {
                if (count_ns(b, err) < 0)
                    return -1;
            } else if (i + k == n) {
                b->xmlns = (unsigned)k;
                return 0;   /* the rest of the chunk is the match's start */
            }
        } else {   /* '=': an attribute when blanks and a quote follow */
            size_t j = i + 1;
            while (j < n && is_blank(data[j]))
                j++;
            if (j == n) {
                for (size_t l = i + 1; l < n; l++)   /* blanks: only lines to count */
                    b->line += data[l] == '\n';
                b->eq_pending = true;
                return 0;
            }
            if (data[j] == '\'' || data[j] == '"') {
                unsigned line = b->line;   /* the quote's: blanks may hold newlines */
                for (size_t l = i + 1; l < j; l++)
                    line += data[l] == '\n';
                if (count_attr(b, line, err) < 0)
                    return -1;
            }
        }
        i++;
    }
    return 0;
}

int vn_xml_bounds_feed(vn_xml_bounds *b, const char *data, size_t n, vn_error *err)
{
    if (b->failed)
        return -1;
    if (b->head_done)
        return scan(b, data, n, err);
    /* the head is kept until its first '>': judged, then counted, before
     * anything else, so that the message does not depend on the chunks */
    size_t take = sizeof(b->head) - b->head_len;
    const char *gt = memchr(data, '>', n < take ? n : take);
    if (gt)
        take = (size_t)(gt - data) + 1;
    if (take > n)
        take = n;
    memcpy(b->head + b->head_len, data, take);
    b->head_len += take;
    if (!gt && b->head_len < sizeof(b->head))
        return 0;
    if (close_head(b, err) < 0 || scan(b, b->head, b->head_len, err) < 0)
        return -1;
    return scan(b, data + take, n - take, err);
}

int vn_xml_bounds_finish(vn_xml_bounds *b, vn_error *err)
{
    if (b->failed)
        return -1;
    if (b->head_done)
        return 0;
    return close_head(b, err) < 0 ? -1 : scan(b, b->head, b->head_len, err);
}

int vn_xml_bounds_check(const char *xml, size_t len, size_t max_nodes, vn_error *err)
{
    vn_xml_bounds b;
    vn_xml_bounds_init(&b, max_nodes);
    if (vn_xml_bounds_feed(&b, xml, len, err) < 0)
        return -1;
    return vn_xml_bounds_finish(&b, err);
}
