/*
 * undo.c - the undo journal (see undo.h).
 */
#include "base/undo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"

void vn_undo_push(vn_undo *u, vn_undo_fn fn, void *arg, void (*free_arg)(void *),
                  const char *what_fmt, ...)
{
    vn_undo_step *s = VN_APPEND(u->steps, u->n);
    va_list ap;
    va_start(ap, what_fmt);
    if (vasprintf(&s->what, what_fmt, ap) < 0)
        abort();
    va_end(ap);
    s->fn = fn;
    s->arg = arg;
    s->free_arg = free_arg;
}

static void drop_step(vn_undo_step *s)
{
    if (s->free_arg)
        s->free_arg(s->arg);
    free(s->what);
}

size_t vn_undo_run(vn_undo *u)
{
    size_t failed = 0;
    while (u->n) {
        vn_undo_step *s = &u->steps[--u->n];
        vn_error e = {0};
        if (s->fn(s->arg, &e) < 0) {
            failed++;
            vn_warn(u->warnings, "could not undo '%s': %s", s->what,
                    e.code ? e.msg : "failed");
        }
        drop_step(s);
    }
    free(u->steps);
    u->steps = NULL;
    return failed;
}

void vn_undo_commit(vn_undo *u)
{
    for (size_t i = 0; i < u->n; i++)
        drop_step(&u->steps[i]);
    free(u->steps);
    u->steps = NULL;
    u->n = 0;
}

void vn_undo_clear(vn_undo *u)
{
    (void)vn_undo_run(u);
}
