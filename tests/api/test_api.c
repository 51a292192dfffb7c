/*
 * test_api.c - the public API (include/vnuma.h) from the outside: built
 * against the public header only and linked with the shared libvnuma
 * only.  Errors keep their code, class, text and errno; argv is a
 * NULL-terminated array that formats as `vnuma argv` prints it; advice
 * gives numad's answer and an explanation; a plan without a ledger, with
 * one, a dry run and a reserve; a ledger read back, listed and drawn; the
 * fingerprint of one host from two sources.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <cmocka.h>

#include <vnuma.h>

#ifndef VN_TEST_DIR
#error "VN_TEST_DIR: the tests/ directory"
#endif

static const char auto_domain[] =
    "<domain type='kvm'><name>g</name><memory unit='GiB'>8</memory>"
    "<vcpu placement='static'>2</vcpu>"
    "<numatune><memory mode='strict' placement='auto'/></numatune>"
    "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
    "<cpu><numa><cell id='0' cpus='0' memory='4' unit='GiB'/>"
    "<cell id='1' cpus='1' memory='4' unit='GiB'/></numa></cpu></domain>";

static void test_errors(void **state)
{
    (void)state;
    vnuma_error *err = NULL;
    assert_int_equal(vnuma_error_code(NULL), VNUMA_OK);
    assert_string_equal(vnuma_error_message(NULL), "");
    static const char dup[] =
        "<domain type='kvm'><name>d</name><memory unit='GiB'>2</memory><vcpu>2</vcpu>"
        "<os><type arch='x86_64'>hvm</type></os><cpu><numa>"
        "<cell id='0' cpus='0' memory='1' unit='GiB'/><cell id='0' cpus='1' memory='1' unit='GiB'/>"
        "</numa></cpu></domain>";
    assert_null(vnuma_domain_parse_memory(dup, strlen(dup), &err));
    assert_int_equal(vnuma_error_code(err), VNUMA_ERR_INVALID);
    assert_int_equal(vnuma_error_class(err), VNUMA_ERRC_XML);
    assert_string_equal(vnuma_error_message(err), "XML error: Duplicate NUMA cell info for cell id '0'");
    assert_string_equal(vnuma_error_text(err), "Duplicate NUMA cell info for cell id '0'");
    assert_int_equal(vnuma_error_errno(err), 0);
    /* a second error replaces the first */
    assert_null(vnuma_domain_read("/nonexistent/d.xml", 0, &err));
    assert_int_equal(vnuma_error_code(err), VNUMA_ERR_SYSTEM);
    assert_int_equal(vnuma_error_class(err), VNUMA_ERRC_SYSTEM);
    assert_int_equal(vnuma_error_errno(err), ENOENT);
    assert_string_equal(vnuma_error_element(err), "");
    assert_string_equal(vnuma_error_element(NULL), "");
    /* libvirt's message kept as it is, the element it comes from apart */
    vnuma_host *host = vnuma_host_load(VN_TEST_DIR "/golden/hosts/8node.xml", &err);
    vnuma_domain *d = vnuma_domain_read(
        VN_TEST_DIR "/golden/check/numatune-static-nodeset-exceed-hostnode.xml",
        VNUMA_PARSE_ABI_UPDATE, &err);
    assert_non_null(host);
    assert_non_null(d);
    assert_int_equal(vnuma_domain_validate(d, host, NULL, NULL, &err), -1);
    assert_string_equal(vnuma_error_message(err),
                        "unsupported configuration: NUMA node 8 is unavailable");
    assert_string_equal(vnuma_error_element(err), "<numatune><memnode cellid='0' nodeset='0-8'>");
    vnuma_domain_free(d);
    vnuma_host_free(host);
    vnuma_error_free(err);
}

static void test_argv(void **state)
{
    (void)state;
    vnuma_error *err = NULL;
    char **w = NULL;
    vnuma_host *host = vnuma_host_load(VN_TEST_DIR "/golden/hosts/8node.xml", &err);
    assert_non_null(host);
    vnuma_domain *d = vnuma_domain_read(VN_TEST_DIR "/golden/argv/cpu-numa-memshared.xml",
                                        VNUMA_PARSE_ABI_UPDATE, &err);
    assert_non_null(d);
    char **args = vnuma_domain_argv(d, host, NULL, &w, &err);
    assert_non_null(args);
    assert_null(w);
    assert_string_equal(args[0], "qemu-system-x86_64");
    size_t n = 0;
    while (args[n])
        n++;
    assert_true(n > 4);
    char *text = vnuma_argv_format(args, VNUMA_ARGV_ARGS);
    FILE *f = fopen(VN_TEST_DIR "/golden/argv/cpu-numa-memshared.args", "r");
    assert_non_null(f);
    char want[65536];
    size_t len = fread(want, 1, sizeof(want) - 1, f);
    fclose(f);
    want[len] = '\0';
    assert_string_equal(text, want);
    free(text);
    char *json = vnuma_argv_format(args, VNUMA_ARGV_JSON);
    assert_memory_equal(json, "[\"qemu-system-x86_64\",", 22);
    free(json);
    vnuma_strv_free(args);
    /* check is argv without output */
    assert_int_equal(vnuma_domain_validate(d, host, NULL, NULL, &err), 0);
    vnuma_domain_free(d);
    vnuma_host_free(host);
    vnuma_error_free(err);
}

static void test_advise(void **state)
{
    (void)state;
    vnuma_error *err = NULL;
    vnuma_host *host = vnuma_host_load("synthetic:package:2 numa:2 core:4 pu:2 mem=16G", &err);
    assert_non_null(host);
    /* numad's rule (the default), as `vnuma advise -w 12:20000` */
    vnuma_advice_request *r = vnuma_advice_request_new(12, UINT64_C(20000) * 1024);
    char *ex = NULL;
    vnuma_advice *a = vnuma_advise(host, r, &ex, &err);
    assert_non_null(a);
    assert_string_equal(vnuma_advice_nodes(a), "0-2");
    assert_true(vnuma_advice_fits(a));
    assert_null(vnuma_advice_shortfall(a));
    assert_non_null(ex);
    free(ex);
    vnuma_advice_free(a);
    /* the smallest set */
    vnuma_advice_request_set_rule(r, VNUMA_ADVISE_SMALLEST);
    a = vnuma_advise(host, r, NULL, &err);
    assert_non_null(a);
    assert_string_equal(vnuma_advice_nodes(a), "0-1");
    assert_string_equal(vnuma_advice_cpus(a), "0-15");
    vnuma_advice_free(a);
    vnuma_advice_request_free(r);
    /* too large: numad answers every node, saying it does not fit; the
     * smallest-set rule refuses */
    r = vnuma_advice_request_new(1000, 0);
    a = vnuma_advise(host, r, NULL, &err);
    assert_non_null(a);
    assert_string_equal(vnuma_advice_nodes(a), "0-3");
    assert_false(vnuma_advice_fits(a));
    assert_non_null(strstr(vnuma_advice_shortfall(a), "short by 968 CPUs"));
    vnuma_advice_free(a);
    vnuma_advice_request_set_rule(r, VNUMA_ADVISE_SMALLEST);
    assert_null(vnuma_advise(host, r, NULL, &err));
    assert_int_equal(vnuma_error_code(err), VNUMA_ERR_HOST);
    /* a corrupt ledger is refused when set */
    char path[] = "/tmp/vnuma-test-api-ledger-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "garbage\n", 8), 8);
    close(fd);
    assert_int_equal(vnuma_advice_request_set_ledger(r, path, &err), -1);
    assert_int_equal(vnuma_error_code(err), VNUMA_ERR_INVALID);
    unlink(path);
    vnuma_advice_request_free(r);
    vnuma_host_free(host);
    vnuma_error_free(err);
}

static void test_plan_and_ledger(void **state)
{
    (void)state;
    vnuma_error *err = NULL;
    char **w = NULL;
    char dir[] = "/tmp/vnuma-test-api-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char ledger[128];
    snprintf(ledger, sizeof(ledger), "%s/sub/L", dir);
    const char *src = "synthetic:numa:2 core:4 mem=16G free=4G";
    vnuma_host *host = vnuma_host_load(src, &err);
    assert_non_null(host);
    vnuma_plan_options *o = vnuma_plan_options_new();
    assert_int_equal(vnuma_strategy_from_string("spread"), VNUMA_STRATEGY_SPREAD);
    assert_int_equal(vnuma_strategy_from_string("nope"), -1);
    assert_int_equal(vnuma_plan_options_set_strategy(o, 7, &err), -1);

    /* without a ledger: the free memory; 4 GiB cells fit 4 GiB free */
    vnuma_domain *d = vnuma_domain_parse_memory(auto_domain, strlen(auto_domain), &err);
    vnuma_plan *p = vnuma_plan_domain(d, host, o, &w, &err);
    assert_non_null(p);
    assert_false(vnuma_plan_recorded(p));
    assert_non_null(strstr(vnuma_plan_xml(p), "<memnode cellid='0' mode='strict'"));
    const char *json = vnuma_plan_json(p, &err);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"guest\": \"g\""));
    char *svg = vnuma_plan_svg(p);
    assert_non_null(strstr(svg, "Guest g"));
    free(svg);
    vnuma_plan_free(p);
    vnuma_domain_free(d);

    /* a reserve needs a ledger */
    vnuma_plan_options_set_reserve_memory(o, 1024);
    d = vnuma_domain_parse_memory(auto_domain, strlen(auto_domain), &err);
    assert_null(vnuma_plan_domain(d, host, o, &w, &err));
    assert_int_equal(vnuma_error_code(err), VNUMA_ERR_INVALID);
    vnuma_domain_free(d);

    /* a dry run makes nothing */
    vnuma_plan_options_set_ledger(o, ledger);
    vnuma_plan_options_set_dry_run(o, 1);
    d = vnuma_domain_parse_memory(auto_domain, strlen(auto_domain), &err);
    p = vnuma_plan_domain(d, host, o, &w, &err);
    assert_non_null(p);
    assert_false(vnuma_plan_recorded(p));
    vnuma_plan_free(p);
    vnuma_domain_free(d);
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    assert_int_equal(access(sub, F_OK), -1);

    /* recorded; then the name is known */
    vnuma_plan_options_set_dry_run(o, 0);
    d = vnuma_domain_parse_memory(auto_domain, strlen(auto_domain), &err);
    p = vnuma_plan_domain(d, host, o, &w, &err);
    assert_non_null(p);
    assert_true(vnuma_plan_recorded(p));
    vnuma_plan_free(p);
    vnuma_domain_free(d);
    d = vnuma_domain_parse_memory(auto_domain, strlen(auto_domain), &err);
    assert_null(vnuma_plan_domain(d, host, o, &w, &err));
    assert_non_null(strstr(vnuma_error_message(err), "already placed"));
    vnuma_domain_free(d);

    /* read back: this host's fingerprint, the guest; listed and drawn */
    vnuma_ledger *l = vnuma_ledger_read(ledger, &err);
    assert_non_null(l);
    assert_int_equal(vnuma_ledger_guest_count(l), 1);
    assert_string_equal(vnuma_ledger_guest_name(l, 0), "g");
    assert_null(vnuma_ledger_guest_name(l, 1));
    char *fp = vnuma_host_fingerprint(host);
    assert_string_equal(vnuma_ledger_host(l), fp);
    char *text = vnuma_ledger_format(l, VNUMA_LEDGER_TEXT);
    assert_non_null(strstr(text, "guest g: nodes 0-1, memory 8192 MiB, no CPUs\n"));
    free(text);
    svg = vnuma_ledger_svg(l, host, &err);
    assert_non_null(svg);
    free(svg);
    /* another host refuses it */
    vnuma_host *other = vnuma_host_load("synthetic:numa:2 core:4 mem=32G", &err);
    assert_null(vnuma_ledger_svg(l, other, &err));
    assert_non_null(strstr(vnuma_error_message(err), "belongs to another host"));
    vnuma_host_free(other);
    vnuma_ledger_free(l);

    /* released */
    assert_int_equal(vnuma_ledger_release(ledger, "g", &err), 0);
    assert_int_equal(vnuma_ledger_release(ledger, "g", &err), -1);
    char want[256];
    snprintf(want, sizeof(want), "guest 'g' is not in ledger %s", ledger);
    assert_string_equal(vnuma_error_message(err), want);
    free(fp);
    vnuma_plan_options_free(o);
    vnuma_host_free(host);
    vnuma_error_free(err);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_argv),
        cmocka_unit_test(test_advise),
        cmocka_unit_test(test_plan_and_ledger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
