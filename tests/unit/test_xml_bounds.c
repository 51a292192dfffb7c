/*
 * test_xml_bounds.c - hostile domain documents (issue 11): each reproducer
 * is refused with its message or answered, and the checks that used to
 * compare every element with every earlier one (cells' vCPUs, huge page
 * node sets, interconnects, pins, iothread ids) still name the same pair.
 * No timing here: bench/hostile_bench measures time and memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/xml_bounds.h"
#include "model/domain.h"

#define HEAD "<domain type='kvm'><name>t</name>"
#define M "<memory>1048576</memory>"
#define OS "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
#define TAIL "</domain>"

static vn_domain *parse_buf(const vn_buf *b, vn_error *e)
{
    *e = (vn_error){0};
    return vn_domain_parse(b->s, b->len, 0, e);
}

static void accepted(const vn_buf *b)
{
    vn_error e;
    vn_domain *d = parse_buf(b, &e);
    if (!d)
        fail_msg("refused: %s", e.msg);
    vn_domain_free(d);
}

static void refused_buf(const vn_buf *b, const char *msg)
{
    vn_error e;
    vn_domain *d = parse_buf(b, &e);
    if (d) {
        vn_domain_free(d);
        fail_msg("accepted, expected: %s", msg);
    }
    assert_int_equal(e.code, VNUMA_ERR_INVALID);
    assert_string_equal(e.msg, msg);
}

static void refused(const char *xml, const char *msg)
{
    vn_buf b = {.s = (char *)xml, .len = strlen(xml)};
    refused_buf(&b, msg);
}

/* HEAD M <vcpu>vcpus</vcpu> OS <cpu><numa> n cells </numa></cpu> TAIL */
static void cells_doc(vn_buf *b, unsigned n, unsigned vcpus, bool cpus)
{
    vn_buf_addf(b, HEAD "<memory unit='KiB'>%u</memory><vcpu>%u</vcpu>" OS "<cpu><numa>",
                n * 1024, vcpus);
    for (unsigned i = 0; i < n; i++) {
        if (cpus)
            vn_buf_addf(b, "<cell cpus='%u' memory='1024' unit='KiB'/>", i);
        else
            vn_buf_add(b, "<cell memory='1024' unit='KiB'/>");
    }
    vn_buf_add(b, "</numa></cpu>" TAIL);
}

static void test_cells(void **state)
{
    (void)state;
    vn_buf b = {0};
    /* issue 11: 100,000 cells without cpus took 12.5 s */
    cells_doc(&b, 100000, 1, false);
    refused_buf(&b, "XML error: more than 200000 tags and attributes (line 1)");
    vn_buf_free(&b);
    /* the most cells, each with a vCPU: answered (the overlap check is linear) */
    cells_doc(&b, VN_DOMAIN_MAX_CELLS, VN_DOMAIN_MAX_CELLS, true);
    accepted(&b);
    vn_buf_free(&b);
    cells_doc(&b, VN_DOMAIN_MAX_CELLS + 1, 1, false);
    refused_buf(&b, "unsupported configuration: 1025 NUMA cells are more than vnuma supports (1024)");
    vn_buf_free(&b);

    /* the first earlier cell that overlaps is named, whatever the id order */
    refused(HEAD M "<vcpu>3</vcpu>" OS "<cpu><numa><cell id='1' cpus='0' memory='1'/>"
            "<cell id='0' cpus='1' memory='1'/><cell id='2' cpus='0-1' memory='1'/></numa></cpu>" TAIL,
            "unsupported configuration: NUMA cells 2 and 0 have overlapping vCPU ids");
    refused(HEAD M "<vcpu>3</vcpu>" OS "<cpu><numa><cell id='2' cpus='2' memory='1'/>"
            "<cell id='0' cpus='0' memory='1'/><cell id='1' cpus='2' memory='1'/></numa></cpu>" TAIL,
            "unsupported configuration: NUMA cells 1 and 2 have overlapping vCPU ids");
    /* a cell given again (memory 0 lets libvirt take it twice) drops its
     * first vCPUs: a later cell may take them (libvirt accepts this) */
    vn_buf s = {0};
    vn_buf_add(&s, HEAD M "<vcpu>2</vcpu>" OS "<cpu><numa><cell id='0' cpus='0' memory='0'/>"
               "<cell id='0' cpus='1' memory='1024'/><cell id='1' cpus='0' memory='1024'/>"
               "</numa></cpu>" TAIL);
    accepted(&s);
    vn_buf_free(&s);
}

static void test_attributes(void **state)
{
    (void)state;
    vn_buf b = {0};
    /* issue 11: 200,000 attributes on one element took over 60 s */
    vn_buf_add(&b, "<domain type='kvm'");
    for (int i = 0; i < 200000; i++)
        vn_buf_addf(&b, " a%d=''", i);
    vn_buf_add(&b, "><name>t</name></domain>");
    refused_buf(&b, "XML error: element 'domain' has more than 128 attributes (line 1)");
    vn_buf_free(&b);

    /* 128 on one element are read (libvirt's own tests have 15 at most) */
    vn_buf_add(&b, HEAD M "<vcpu>1</vcpu>" OS "<metadata>\n<m");
    for (int i = 0; i < VN_XML_MAX_ATTRS_PER_ELEMENT; i++)
        vn_buf_addf(&b, " a%d = \"%d\"", i, i);
    vn_buf_add(&b, "/></metadata>" TAIL);
    accepted(&b);
    /* one more: refused, naming the element and its line */
    b.len -= strlen("/></metadata>" TAIL);
    vn_buf_add(&b, " z='1'/></metadata>" TAIL);
    refused_buf(&b, "XML error: element 'm' has more than 128 attributes (line 2)");
    vn_buf_free(&b);

    /* '=' in text and values is not an attribute unless a quote follows */
    vn_buf_add(&b, HEAD M "<vcpu>1</vcpu>" OS "<description>");
    for (int i = 0; i < 1000; i++)
        vn_buf_add(&b, "a=b ==== ");
    vn_buf_add(&b, "</description>" TAIL);
    accepted(&b);
    vn_buf_free(&b);
}

static void test_size(void **state)
{
    (void)state;
    vn_buf b = {0};
    /* issue 11: 9.9 MB of empty elements used 334 MB */
    vn_buf_add(&b, HEAD M "<vcpu>1</vcpu>" OS "<metadata>");
    while (b.len < 9900000)
        vn_buf_add(&b, "<a/>");
    vn_buf_add(&b, "</metadata>" TAIL);
    refused_buf(&b, "XML error: more than 200000 tags and attributes (line 1)");
    vn_buf_free(&b);

    /* 16,384 vCPUs, each listed and pinned (~115,000 tags and attributes),
     * and 128 cells with all their distances: read */
    vn_buf_add(&b, HEAD M "<vcpu placement='static'>16384</vcpu>\n<vcpus>\n");
    for (int i = 0; i < 16384; i++)
        vn_buf_addf(&b, "  <vcpu id='%d' enabled='yes' hotpluggable='no' order='%d'/>\n", i, i + 1);
    vn_buf_add(&b, "</vcpus>\n<cputune>\n");
    for (int i = 0; i < 16384; i++)
        vn_buf_addf(&b, "  <vcpupin vcpu='%d' cpuset='%d'/>\n", i, i % 64);
    vn_buf_add(&b, "</cputune>" OS TAIL);
    accepted(&b);
    vn_buf_free(&b);

    vn_buf_add(&b, HEAD "<memory unit='KiB'>131072</memory><vcpu>1</vcpu>" OS "<cpu><numa>\n");
    for (int i = 0; i < 128; i++) {
        vn_buf_addf(&b, "<cell id='%d' memory='1024' unit='KiB'><distances>\n", i);
        for (int j = 0; j < 128; j++)
            vn_buf_addf(&b, "<sibling id='%d' value='%d'/>\n", j, i == j ? 10 : 20);
        vn_buf_add(&b, "</distances></cell>\n");
    }
    vn_buf_add(&b, "</numa></cpu>" TAIL);
    accepted(&b);
    vn_buf_free(&b);
}

static void test_namespaces_and_dtd(void **state)
{
    (void)state;
    vn_buf b = {0};
    vn_buf_add(&b, HEAD M "<vcpu>1</vcpu>" OS "<metadata>");
    for (int i = 0; i < VN_XML_MAX_NS_DECLS; i++)
        vn_buf_addf(&b, "<m%d xmlns:p%d='urn:x:%d'/>", i, i, i);
    vn_buf_add(&b, "</metadata>" TAIL);
    accepted(&b);
    b.len -= strlen("</metadata>" TAIL);
    vn_buf_add(&b, "<m xmlns='urn:y'/></metadata>" TAIL);
    refused_buf(&b, "XML error: more than 64 namespace declarations (line 1)");
    vn_buf_free(&b);

    /* <!ATTLIST> defaults would reach every start tag */
    refused("<!DOCTYPE domain [\n<!ATTLIST domain a CDATA 'x' b CDATA 'y'>\n]>\n"
            "<domain type='kvm'><name>t</name></domain>",
            "XML error: attribute-list declarations are not allowed (line 2)");
    /* entity declarations keep their own message */
    refused("<!DOCTYPE domain [ <!ENTITY x 'y'> ]><domain type='kvm'/>",
            "XML error: entity declarations are not allowed (line 1)");
}

static void test_encodings(void **state)
{
    (void)state;
    /* bytes the bounds would not see as libxml2 does are refused */
    const char wide[] = "<\0d\0o\0m\0a\0i\0n\0/\0>\0";
    vn_buf b = {.s = (char *)wide, .len = sizeof(wide) - 1};
    refused_buf(&b, "XML error: the document is in UTF-16, UCS-4 or EBCDIC: only UTF-8, "
                    "ASCII and ISO-8859 documents are read");
    const char bom[] = "\xff\xfe<\0d\0/\0>\0";
    b = (vn_buf){.s = (char *)bom, .len = sizeof(bom) - 1};
    refused_buf(&b, "XML error: the document is in UTF-16, UCS-4 or EBCDIC: only UTF-8, "
                    "ASCII and ISO-8859 documents are read");
    refused("<?xml version='1.0' encoding='UTF-7'?><domain type='kvm'/>",
            "XML error: encoding 'UTF-7' is not supported: only UTF-8, ASCII and ISO-8859 "
            "documents are read");
    refused("<?xml version=\"1.0\" encoding = \"utf-16\"?><domain type='kvm'/>",
            "XML error: encoding 'utf-16' is not supported: only UTF-8, ASCII and ISO-8859 "
            "documents are read");
    /* ASCII-compatible ones are read, a UTF-8 byte order mark too */
    const char *ok[] = {
        "<?xml version='1.0' encoding='UTF-8'?>",
        "<?xml version='1.0' encoding='iso-8859-15'?>",
        "<?xml version='1.0' encoding='US-ASCII'?>",
        "\xef\xbb\xbf<?xml version='1.0'?>",
        "",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        vn_buf d = {0};
        vn_buf_add(&d, ok[i]);
        vn_buf_add(&d, HEAD M "<vcpu>1</vcpu>" OS TAIL);
        accepted(&d);
        vn_buf_free(&d);
    }
}

/* Checks that compared each element with every earlier one: same answers. */
static void test_pairwise_checks(void **state)
{
    (void)state;
    vn_buf b = {0};
    /* 16,384 huge page sizes on a <vnuma> guest took 90 s: answered */
    vn_buf_add(&b, HEAD M "<vcpu>1</vcpu><memoryBacking><hugepages>");
    for (int i = 0; i < 16384; i++)
        vn_buf_addf(&b, "<page size='2048' unit='KiB' nodeset='%d'/>", 16383 - i);
    vn_buf_add(&b, "</hugepages></memoryBacking>" OS "<vnuma mode='host'/>" TAIL);
    accepted(&b);
    vn_buf_free(&b);
    refused(HEAD M "<vcpu>1</vcpu><memoryBacking><hugepages><page size='4' nodeset='0'/>"
            "<page size='8' nodeset='1'/><page size='16' nodeset='2-3'/><page size='32' nodeset='1,3'/>"
            "</hugepages></memoryBacking>" OS "<vnuma mode='host'/>" TAIL,
            "nodeset attribute of hugepages of sizes 32 and 8 intersect");
    refused(HEAD M "<vcpu>1</vcpu><memoryBacking><hugepages><page size='4' nodeset='0'/>"
            "<page size='8'/><page size='16' nodeset='1'/><page size='32'/>"
            "</hugepages></memoryBacking>" OS "<vnuma mode='host'/>" TAIL,
            "two master hugepages detected: 32 and 8");

    /* interconnects: duplicates and reversed links, the first one met */
#define IC_HEAD HEAD M "<vcpu>3</vcpu>" OS "<cpu><numa><cell cpus='0' memory='1'/>" \
    "<cell cpus='1' memory='1'/><cell cpus='2' memory='1'/><interconnects>"
#define IC_TAIL "</interconnects></numa></cpu>" TAIL
    refused(IC_HEAD "<latency initiator='0' target='1' type='access' value='5'/>"
            "<latency initiator='0' target='2' type='access' value='5'/>"
            "<latency initiator='0' target='1' type='read' value='5'/>"
            "<latency initiator='0' target='2' type='access' value='6'/>" IC_TAIL,
            "XML error: Duplicate info for NUMA latencies");
    refused(IC_HEAD "<latency initiator='0' target='1' type='access' value='5'/>"
            "<latency initiator='1' target='1' type='access' value='5'/>"
            "<bandwidth initiator='1' target='0' type='read' value='5' unit='KiB'/>" IC_TAIL,
            "XML error: Link already defined");
    vn_buf_add(&b, IC_HEAD "<latency initiator='0' target='1' type='access' value='5'/>"
               "<bandwidth initiator='0' target='1' type='access' value='5' unit='KiB'/>"
               "<latency initiator='1' target='1' type='access' value='5'/>"
               "<latency initiator='2' target='1' type='read' value='5'/>" IC_TAIL);
    accepted(&b);
    vn_buf_free(&b);

    /* pins and iothread ids */
    refused(HEAD M "<vcpu>4</vcpu><cputune><vcpupin vcpu='3' cpuset='0'/><vcpupin vcpu='1' cpuset='0'/>"
            "<vcpupin vcpu='3' cpuset='1'/></cputune>" OS TAIL,
            "internal error: duplicate vcpupin for vcpu '3'");
    refused(HEAD M "<vcpu>1</vcpu><iothreads>2</iothreads><cputune>"
            "<iothreadpin iothread='2' cpuset='0'/><iothreadpin iothread='2' cpuset='1'/>"
            "</cputune>" OS TAIL,
            "internal error: duplicate iothreadpin for same iothread '2'");
    refused(HEAD M "<vcpu>1</vcpu><iothreadids><iothread id='7'/><iothread id='3'/><iothread id='7'/>"
            "</iothreadids>" OS TAIL,
            "XML error: duplicate iothread id '7' found");
    /* ids given, then the lowest free ones */
    vn_buf_add(&b, HEAD M "<vcpu>1</vcpu><iothreads>4</iothreads><iothreadids><iothread id='2'/>"
               "<iothread id='5'/></iothreadids><cputune><iothreadpin iothread='3' cpuset='0'/>"
               "</cputune>" OS TAIL);
    vn_error e;
    vn_domain *d = parse_buf(&b, &e);
    assert_non_null(d);
    assert_int_equal(d->niothreads, 4);
    assert_int_equal(d->niothreadpins, 1);
    vn_domain_free(d);
    vn_buf_free(&b);
    /* 60,000 ids: refused by the count */
    vn_buf_add(&b, HEAD M "<vcpu>1</vcpu><iothreadids>");
    for (int i = 1; i <= 60000; i++)
        vn_buf_addf(&b, "<iothread id='%d'/>", i);
    vn_buf_add(&b, "</iothreadids>" OS TAIL);
    refused_buf(&b, "unsupported configuration: iothread count 60000 is more than vnuma supports (16384)");
    vn_buf_free(&b);
}

/* The counts of a document fed in chunks equal those of it whole, however
 * the chunks cut it (a match cut by a chunk's end is carried over). */
static void feed_chunked(const char *doc, size_t len, size_t chunk, size_t max_nodes,
                         vn_xml_bounds *b, vn_error *e, int *rc)
{
    vn_xml_bounds_init(b, max_nodes);
    *e = (vn_error){0};
    *rc = 0;
    for (size_t off = 0; off < len && *rc == 0; off += chunk)
        *rc = vn_xml_bounds_feed(b, doc + off, len - off < chunk ? len - off : chunk, e);
    if (*rc == 0)
        *rc = vn_xml_bounds_finish(b, e);
}

static void test_streamed(void **state)
{
    (void)state;
    static const char alphabet[] = "<<!ATTLISTxmlns==  ''\"\n\tab>/";
    uint64_t seed = 88172645463325252ull;
    char doc[600];
    for (int round = 0; round < 3000; round++) {
        size_t len = 1 + (size_t)(round % 599);
        for (size_t i = 0; i < len; i++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            doc[i] = alphabet[seed % (sizeof(alphabet) - 1)];
        }
        if (round % 5 == 0)
            memcpy(doc, "<!ATTLIST", len < 9 ? len : 9);
        size_t max = round % 3 ? 0 : 40;
        vn_xml_bounds whole, part;
        vn_error ew, ep;
        int rw, rp;
        feed_chunked(doc, len, len, max, &whole, &ew, &rw);
        static const size_t chunks[] = {1, 2, 3, 5, 8, 13};
        for (size_t c = 0; c < VN_ARRAY_LEN(chunks); c++) {
            feed_chunked(doc, len, chunks[c], max, &part, &ep, &rp);
            if (rw != rp || strcmp(ew.msg, ep.msg) ||
                (rw == 0 && (whole.nodes != part.nodes || whole.ns != part.ns ||
                             whole.line != part.line)))
                fail_msg("round %d, chunks of %zu: whole %d '%s' (%zu nodes, %zu ns, line %u), "
                         "chunked %d '%s' (%zu, %zu, %u)", round, chunks[c], rw, ew.msg,
                         whole.nodes, whole.ns, whole.line, rp, ep.msg, part.nodes, part.ns,
                         part.line);
        }
    }
    /* counts by hand: 3 tags, 2 attributes (one '=' has no quote), 1 xmlns */
    const char *d = "<a x = 'y' z=w q=\"1\"><b xmlns:p='u'/></a>";
    vn_xml_bounds b;
    vn_error e = {0};
    vn_xml_bounds_init(&b, 0);
    assert_int_equal(vn_xml_bounds_feed(&b, d, strlen(d), &e), 0);
    assert_int_equal(b.nodes, 3 + 3);
    assert_int_equal(b.ns, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_attributes),
        cmocka_unit_test(test_size),
        cmocka_unit_test(test_namespaces_and_dtd),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_pairwise_checks),
        cmocka_unit_test(test_streamed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
