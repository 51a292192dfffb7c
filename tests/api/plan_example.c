/*
 * plan_example.c - what `vnuma plan --ledger FILE DOMAIN.xml` does, as a
 * program of its own over the public API: compiled against include/vnuma.h
 * only and linked with the shared libvnuma only (tests/meson.build), it
 * shows that the command's plan workflow - the ledger transaction
 * included - is the library's.  plan_example.sh runs it beside `vnuma
 * plan` on copies of one ledger and compares what both print and write.
 *
 *     plan_example [--host SOURCE] [--hugetlbfs PATH=SIZE] [--dedicated]
 *                  --ledger FILE DOMAIN.xml
 *
 * Exit status as vnuma(1): 0 placed, 1 invalid or does not fit, 2 usage,
 * 3 host or system failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnuma.h>

static int usage(void)
{
    fprintf(stderr, "usage: plan_example [--host SOURCE] [--hugetlbfs PATH=SIZE] [--dedicated] "
                    "--ledger FILE DOMAIN.xml\n");
    return 2;
}

/* "error: " before each line, and the exit status for the error. */
static int fail(const vnuma_error *err)
{
    const char *s = vnuma_error_message(err);
    for (;;) {
        const char *nl = strchr(s, '\n');
        fprintf(stderr, "error: %.*s\n", nl ? (int)(nl - s) : (int)strlen(s), s);
        if (!nl)
            break;
        s = nl + 1;
    }
    int code = vnuma_error_code(err);
    return code == VNUMA_ERR_HOST || code == VNUMA_ERR_SYSTEM ? 3 : 1;
}

int main(int argc, char **argv)
{
    const char *host_src = NULL, *ledger = NULL, *path = NULL;
    vnuma_error *err = NULL;
    vnuma_config *cfg = vnuma_config_new();
    vnuma_plan_options *opts = vnuma_plan_options_new();
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (!strcmp(argv[i], "--host") && i + 1 < argc)
            host_src = argv[++i];
        else if (!strcmp(argv[i], "--ledger") && i + 1 < argc)
            ledger = argv[++i];
        else if (!strcmp(argv[i], "--hugetlbfs") && i + 1 < argc)
            rc = vnuma_config_add_hugetlbfs_spec(cfg, argv[++i], &err) < 0 ? usage() : 0;
        else if (!strcmp(argv[i], "--dedicated"))
            vnuma_plan_options_set_dedicated(opts, 1);
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            rc = usage();
    }
    if (rc == 0 && (!ledger || !path))
        rc = usage();
    if (rc) {
        vnuma_error_free(err);
        vnuma_plan_options_free(opts);
        vnuma_config_free(cfg);
        return rc;
    }
    vnuma_plan_options_set_config(opts, cfg);
    vnuma_plan_options_set_ledger(opts, ledger);

    vnuma_domain *dom = NULL;
    vnuma_plan *plan = NULL;
    char **warnings = NULL;
    vnuma_host *host = vnuma_host_load(host_src, &err);
    if (host)
        dom = vnuma_domain_read(path, VNUMA_PARSE_ABI_UPDATE, &err);
    if (dom)
        plan = vnuma_plan_domain(dom, host, opts, &warnings, &err);
    for (size_t i = 0; warnings && warnings[i]; i++)
        fprintf(stderr, "warning: %s\n", warnings[i]);
    if (plan)
        fputs(vnuma_plan_xml(plan), stdout);   /* recorded: vnuma_plan_recorded */
    else
        rc = fail(err);

    vnuma_strv_free(warnings);
    vnuma_plan_free(plan);
    vnuma_domain_free(dom);
    vnuma_host_free(host);
    vnuma_plan_options_free(opts);
    vnuma_config_free(cfg);
    vnuma_error_free(err);
    return rc;
}
