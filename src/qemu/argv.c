/*
 * argv.c - a QEMU command line (vn_argv) and its printing, as libvirt's
 * virCommandToString prints it (qemu.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/qemu.h"

void vn_argv_add(vn_argv *a, const char *s)
{
    *(char **)VN_APPEND(a->v, a->n) = vn_strdup(s);
}

void vn_argv_addf(vn_argv *a, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        abort();
    *(char **)VN_APPEND(a->v, a->n) = s;
}

void vn_argv_clear(vn_argv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

/* virBufferEscapeShell: quote only when a shell metacharacter is present. */
static void add_shell_escaped(vn_buf *b, const char *s)
{
    if (!*s) {
        vn_buf_add(b, "''");
        return;
    }
    if (!strpbrk(s, "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~")) {
        vn_buf_add(b, s);
        return;
    }
    vn_buf_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            vn_buf_add(b, "'\\'");
        vn_buf_addc(b, *s);
    }
    vn_buf_addc(b, '\'');
}

/* virCommandToStringBuf's line-break rule: a value stays on its option's
 * line; everything else starts a new line. */
static bool args_linebreak(const vn_argv *a, size_t i, bool *had_option)
{
    if (a->v[i][0] == '-') {
        *had_option = true;
        return true;
    }
    if (!*had_option)
        return true;
    for (size_t j = i - 1; j < a->n; j++)
        if (a->v[j][0] == '-')
            return false;
    return true;
}

char *vn_argv_format(const vn_argv *a, vn_argv_style style)
{
    vn_buf b = {0};
    bool had_option = false;

    vn_buf_add(&b, "");
    if (style == VN_ARGV_JSON) {
        vn_buf_addc(&b, '[');
        for (size_t i = 0; i < a->n; i++) {
            if (i)
                vn_buf_addc(&b, ',');
            vn_buf_add_json_string(&b, a->v[i]);
        }
        vn_buf_add(&b, "]\n");
        return vn_buf_steal(&b);
    }
    for (size_t i = 0; i < a->n; i++) {
        if (i) {
            vn_buf_addc(&b, ' ');
            if (style == VN_ARGV_ARGS && args_linebreak(a, i, &had_option))
                vn_buf_add(&b, "\\\n");
        }
        add_shell_escaped(&b, a->v[i]);
    }
    if (a->n)
        vn_buf_addc(&b, '\n');
    return vn_buf_steal(&b);
}
