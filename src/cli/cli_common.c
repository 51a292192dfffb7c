/*
 * cli_common.c - what the subcommands of the `vnuma` command share: usage
 * errors, error and warning lines, the --host source, and the option
 * values spelled alike.  See cli_common.h.
 */
#include "cli_common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/units.h"

int vn_cli_usage_error(const char *cmd, const char *msg)
{
    fprintf(stderr, "vnuma%s%s: %s (see 'vnuma%s%s --help')\n", cmd ? " " : "",
            cmd ? cmd : "", msg, cmd ? " " : "", cmd ? cmd : "");
    return VN_EXIT_USAGE;
}

/* The option getopt stopped at, as the user wrote it: "--name" without
 * its "=value" (a long option: optopt is 0 for an unknown one, its value
 * for one given a value it does not take), else "-x". */
static char *bad_option_name(char **argv, bool *is_long)
{
    const char *a = optind > 0 ? argv[optind - 1] : "";
    *is_long = !strncmp(a, "--", 2) && (optopt == 0 || optopt >= 256 || strchr(a, '='));
    if (*is_long)
        return vn_strndup(a, strcspn(a, "="));
    return vn_asprintf("-%c", optopt);
}

int vn_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts)
{
    opterr = 0;    /* the messages are ours: one line, one prefix */
    int o = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (o != '?' && o != ':')
        return o;
    bool is_long;
    VN_AUTOFREE char *name = bad_option_name(argv, &is_long);
    VN_AUTOFREE char *msg = NULL;
    if (o == ':')
        msg = vn_asprintf("option '%s' needs a value", name);
    else if (is_long && optopt != 0)
        msg = vn_asprintf("option '%s' takes no value", name);
    else
        msg = vn_asprintf("unknown option '%s'", name);
    vn_cli_usage_error(cmd, msg);
    return '?';
}

int vn_cli_exit_code(int code)
{
    return (code == VNUMA_ERR_HOST || code == VNUMA_ERR_SYSTEM) ? VN_EXIT_HOST : VN_EXIT_INVALID;
}

static bool json_errors;   /* --format json: errors as JSON objects */

void vn_cli_set_json_errors(bool on)
{
    json_errors = on;
}

static const char *code_name(int code)
{
    static const char *const names[] = {"ok", "invalid", "unsupported", "host", "system"};
    return code >= 0 && code < 5 ? names[code] : "invalid";
}

static const char *class_name(int cls)
{
    static const char *const names[] = {
        "none", "xml", "unsupported", "internal", "invalid-argument", "overflow",
        "operation-invalid", "operation-failed", "system", "qmp",
    };
    return cls >= 0 && cls < (int)(sizeof(names) / sizeof(names[0])) ? names[cls] : "none";
}

struct json_object *vn_cli_json_error(int code, int cls, const char *msg, const char *where)
{
    struct json_object *e = json_object_new_object();
    json_object_object_add(e, "code", json_object_new_string(code_name(code)));
    json_object_object_add(e, "class", json_object_new_string(class_name(cls)));
    json_object_object_add(e, "message", json_object_new_string(msg ? msg : ""));
    json_object_object_add(e, "element",
                           where && *where ? json_object_new_string(where) : NULL);
    return e;
}

void vn_cli_json_print(FILE *f, struct json_object *o)
{
    fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                JSON_C_TO_STRING_NOSLASHESCAPE),
          f);
    fputc('\n', f);
    json_object_put(o);
}

/* "error: " before each line of msg (or only the first); the element it
 * comes from, when the message does not name it, after the last.  With
 * JSON errors: {"error": {...}} on stderr instead. */
static void print_error(int code, int cls, const char *msg, const char *where, bool lines)
{
    if (json_errors) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "error", vn_cli_json_error(code, cls, msg, where));
        vn_cli_json_print(stderr, o);
        return;
    }
    for (const char *s = msg;;) {
        const char *nl = lines ? strchr(s, '\n') : NULL;
        fprintf(stderr, "error: %.*s", nl ? (int)(nl - s) : (int)strlen(s), s);
        if (!nl && where && *where)
            fprintf(stderr, " (in %s)", where);
        fputc('\n', stderr);
        if (!nl)
            break;
        s = nl + 1;
    }
}

int vn_cli_error(int code, const char *msg)
{
    print_error(code, VNUMA_ERRC_NONE, msg, NULL, true);
    return vn_cli_exit_code(code);
}

int vn_cli_fail(const vnuma_error *err)
{
    print_error(vnuma_error_code(err), vnuma_error_class(err), vnuma_error_message(err),
                vnuma_error_element(err), false);
    return vn_cli_exit_code(vnuma_error_code(err));
}

int vn_cli_fail_lines(const vnuma_error *err)
{
    print_error(vnuma_error_code(err), vnuma_error_class(err), vnuma_error_message(err),
                vnuma_error_element(err), true);
    return vn_cli_exit_code(vnuma_error_code(err));
}

void vn_cli_warn(char **warnings)
{
    for (size_t i = 0; warnings && warnings[i]; i++)
        fprintf(stderr, "warning: %s\n", warnings[i]);
    vnuma_strv_free(warnings);
}

static bool whole_system;

void vn_cli_set_whole_system(void)
{
    whole_system = true;
}

bool vn_cli_whole_system(void)
{
    return whole_system;
}

const char vn_cli_host_help[] =
    "  --host SOURCE           the host (default: this machine, /sys and /proc):\n"
    "                            FILE            a libvirt capabilities XML file\n"
    "                            sysfs:DIR       a recorded tree (sys/devices/system\n"
    "                                            and proc/, or libvirt's system/)\n"
    "                            synthetic:SPEC  a made-up host, e.g. synthetic:\n"
    "                                            'package:2 numa:2 core:4 pu:2 mem=16G'\n"
    "                                            (docs/synthetic-hosts.md)\n";

static const char vn_cli_whole_system_help[] =
    "  --whole-system          this machine or sysfs:DIR whole, not only the CPUs\n"
    "                          and nodes of this process's cpuset (its cgroup)\n";

void vn_cli_print_help(const char *text)
{
    static const char mark[] = "@HOST\n";
    const char *m = strstr(text, mark);
    if (!m) {
        fputs(text, stdout);
        return;
    }
    fwrite(text, 1, (size_t)(m - text), stdout);
    fputs(vn_cli_host_help, stdout);
    /* a command's own sources ("none") follow the shared ones, then
     * --whole-system, which goes with every --host */
    const char *rest = m + strlen(mark);
    static const char more[] = "                            ";
    while (!strncmp(rest, more, strlen(more))) {
        const char *nl = strchr(rest, '\n');
        size_t len = nl ? (size_t)(nl - rest) + 1 : strlen(rest);
        fwrite(rest, 1, len, stdout);
        rest += len;
    }
    fputs(vn_cli_whole_system_help, stdout);
    fputs(rest, stdout);
}

vnuma_host *vn_cli_host(const char *src, bool required, vnuma_error **err)
{
    if (!required && vnuma_host_source_is_none(src))
        return NULL;
    return vnuma_host_load_ex(src, whole_system ? VNUMA_HOST_WHOLE_SYSTEM : 0, vn_cli_config_root(),
                              err);
}

bool vn_cli_parse_domain_id(const char *s, int *id)
{
    return vn_parse_int(s, id) && *id >= -1;
}

bool vn_cli_parse_size(const char *s, uint64_t *kib)
{
    size_t n = strspn(s, "0123456789");
    VN_AUTOFREE char *digits = vn_strndup(s, n);
    vn_error e = {0};
    if (!n)
        return false;
    if (!s[n])   /* a plain number: only 0 has no unit to miss */
        return !strcmp(digits, "0") ? (*kib = 0, true) : false;
    return vn_parse_memory("--reserve-memory", digits, s + n, kib, &e) == 0;
}

int vn_cli_exit_for(const vn_error *e)
{
    return vn_cli_exit_code(e->code);
}

int vn_cli_report(const vn_error *e)
{
    print_error(e->code, (int)e->cls, e->msg, e->where, false);
    return vn_cli_exit_for(e);
}

int vn_cli_report_lines(const vn_error *e)
{
    print_error(e->code, (int)e->cls, e->msg, e->where, true);
    return vn_cli_exit_for(e);
}

void vn_cli_print_warnings(vn_warnings *w)
{
    for (size_t i = 0; i < w->n; i++)
        fprintf(stderr, "warning: %s\n", w->items[i]);
    vn_warnings_clear(w);
}

const char *vn_cli_config_root(void)
{
    const char *r = getenv("VNUMA_CONFIG_ROOT");
    return r && *r ? r : NULL;
}

int vn_cli_discover(vnuma_config *cfg, bool verbose)
{
    vnuma_error *err = NULL;
    if (vnuma_config_discover(cfg, vn_cli_config_root(), &err) < 0) {
        int rc = vn_cli_fail(err);
        vnuma_error_free(err);
        return rc;
    }
    if (verbose) {
        char *s = vnuma_config_describe(cfg);
        fprintf(stderr, "vnuma: %s\n", s);
        free(s);
    }
    return VN_EXIT_OK;
}
