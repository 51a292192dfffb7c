/*
 * status_report.c - `vnuma status` and `vnuma list` as text and JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/status.h"

static void kib_list(vn_buf *b, const vn_status_row *r, bool json)
{
    bool first = true;
    for (unsigned n = 0; n < r->nkib; n++) {
        if (!r->kib[n])
            continue;
        if (json)
            vn_buf_addf(b, "%s\"%u\": %" PRIu64, first ? "" : ", ", n, r->kib[n]);
        else
            vn_buf_addf(b, "%sN%u=%" PRIu64, first ? "" : " ", n, r->kib[n]);
        first = false;
    }
    if (first && !json)
        vn_buf_add(b, "-");
}

static void row_text(vn_buf *b, const vn_status_row *r)
{
    VN_AUTOFREE char *nodes = r->nodes ? vn_bitmap_format(r->nodes) : vn_strdup("any");
    vn_buf_addf(b, "%-8s %-16s %8" PRIu64 " MiB  %-11s %-8s %-16s ", r->label,
                r->block ? r->block : "-", r->size_kib / 1024,
                r->has_mode ? vn_numatune_mode_to_string(r->mode) : "-", nodes,
                r->policy ? r->policy : "-");
    kib_list(b, r, false);
    vn_buf_addf(b, "%s%s\n", r->why ? "  !! " : "", r->why ? r->why : "");
}

static void row_json(vn_buf *b, const vn_status_row *r, bool last)
{
    VN_AUTOFREE char *nodes = r->nodes ? vn_bitmap_format(r->nodes) : vn_strdup("");
    vn_buf_add(b, "    {\"row\": ");
    vn_buf_add_json_string(b, r->label);
    vn_buf_add(b, ", \"block\": ");
    vn_buf_add_json_string(b, r->block);
    vn_buf_addf(b, ", \"size_kib\": %" PRIu64 ", \"mode\": ", r->size_kib);
    vn_buf_add_json_string(b, r->has_mode ? vn_numatune_mode_to_string(r->mode) : "");
    vn_buf_add(b, ", \"nodeset\": ");
    vn_buf_add_json_string(b, nodes);
    vn_buf_add(b, ", \"policy\": ");
    vn_buf_add_json_string(b, r->policy);
    vn_buf_add(b, ", \"kib_per_node\": {");
    kib_list(b, r, true);
    vn_buf_addf(b, "}, \"differs\": %s, \"why\": ", r->why ? "true" : "false");
    vn_buf_add_json_string(b, r->why ? r->why : "");
    vn_buf_addf(b, "}%s\n", last ? "" : ",");
}

char *vn_status_format(const vn_ap_entry *e, const vn_status_rows *rows, bool json)
{
    VN_AUTOCLEAR(vn_buf) b = {0};
    const vn_ap_info *i = &e->info;
    if (!json) {
        vn_buf_addf(&b, "%s: %s, pid %d\n", i->name, i->kind, (int)i->pid);
        vn_buf_addf(&b, "%-8s %-16s %12s  %-11s %-8s %-16s %s\n", "row", "backend", "size",
                    "mode", "nodeset", "kernel policy", "KiB per host node");
        for (size_t k = 0; k < rows->n; k++)
            row_text(&b, &rows->v[k]);
        return vn_buf_steal(&b);
    }
    vn_buf_add(&b, "{\"name\": ");
    vn_buf_add_json_string(&b, i->name);
    vn_buf_add(&b, ", \"kind\": ");
    vn_buf_add_json_string(&b, i->kind);
    vn_buf_addf(&b, ", \"pid\": %d, \"rows\": [\n", (int)i->pid);
    for (size_t k = 0; k < rows->n; k++)
        row_json(&b, &rows->v[k], k + 1 == rows->n);
    vn_buf_add(&b, "]}\n");
    return vn_buf_steal(&b);
}

char *vn_apply_status(const char *name, bool json, const vn_apply_opts *o, bool *differs,
                      vn_error *err)
{
    if (vn_ap_check_name(name, false, NULL, err) < 0)
        return NULL;
    VN_AUTOCLEAR(vn_ap_entry) e = {.dirfd = -1, .lockfd = -1};
    if (vn_ap_entry_open(o, name, &e, err) < 0)
        return NULL;
    if (!vn_ap_proc_alive(e.info.pid, e.info.start)) {
        vn_error_setc(err, VNUMA_ERR_INVALID, VN_ERRC_OPERATION_INVALID, "domain is not "
                      "running: pid %d of '%s' is gone (vnuma stop cleans the entry)",
                      (int)e.info.pid, name);
        return NULL;
    }
    VN_AUTOFREE char *xml = vn_asprintf("%s/domain.xml", e.dir);
    VN_AUTOPTR(vn_domain) dom = vn_domain_parse_file(xml, 0, err);
    VN_AUTOCLEAR(vn_status_rows) rows = {0};
    if (!dom || vn_status_collect(&e, dom, &rows, err) < 0)
        return NULL;
    if (differs) {
        *differs = false;
        for (size_t k = 0; k < rows.n; k++)
            *differs |= rows.v[k].why != NULL;
    }
    return vn_status_format(&e, &rows, json);
}

/* ---- list ---- */

char *vn_apply_list_format(const vn_apply_list *l, bool json)
{
    VN_AUTOCLEAR(vn_buf) b = {0};
    if (json)
        vn_buf_add(&b, "[");
    else
        vn_buf_addf(&b, "%-20s %-6s %8s %-18s %-11s %-8s %-8s %s\n", "name", "kind", "pid",
                    "state", "mode", "nodes", "cpus", "cgroup");
    for (size_t k = 0; k < l->n; k++) {
        const vn_apply_item *it = &l->items[k];
        const char *state = it->reaped ? "stale (removed)" : it->state;
        if (!json) {
            vn_buf_addf(&b, "%-20s %-6s %8d %-18s %-11s %-8s %-8s %s\n", it->name, it->kind,
                        (int)it->pid, state, *it->mode ? it->mode : "-",
                        *it->nodes ? it->nodes : "-", *it->cpus ? it->cpus : "all",
                        *it->cgroup ? it->cgroup : "-");
            continue;
        }
        const char *keys[] = {"name", "kind", "state", "mode", "nodes", "cpus", "cgroup"};
        const char *vals[] = {it->name, it->kind, state, it->mode, it->nodes, it->cpus,
                              it->cgroup};
        vn_buf_addf(&b, "%s\n  {\"pid\": %d", k ? "," : "", (int)it->pid);
        for (size_t f = 0; f < VN_ARRAY_LEN(keys); f++) {
            vn_buf_addf(&b, ", \"%s\": ", keys[f]);
            vn_buf_add_json_string(&b, vals[f]);
        }
        vn_buf_add(&b, "}");
    }
    if (json)
        vn_buf_add(&b, l->n ? "\n]\n" : "]\n");
    return vn_buf_steal(&b);
}
