/*
 * svg_demo.c - renders a host with a made-up guest overlay, for
 * tests/svg/check.sh (which turns it into a PNG to look at) until
 * `vnuma plan --format svg` draws real guests.
 *
 * usage: svg_demo SOURCE > picture.svg, SOURCE a capabilities file or
 * synthetic:SPEC.  The overlay: up to 4 cells, cell i on the i-th node
 * with CPUs, a quarter of its memory there (and an eighth of the first
 * memory-only node's, if any), pinned to the first half of its CPUs with
 * labels v0, v1, ...; the last cell also pinned to the first CPU of cell 0
 * so a shared PU shows two colours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/host.h"
#include "picture/svg.h"

static vn_svg_overlay *demo(const vn_host *h)
{
    vn_svg_overlay *ov = vn_svg_overlay_new("guest demo (svg_demo)");
    const vn_host_node *tier = NULL;
    for (size_t i = 0; i < h->nnodes && !tier; i++)
        if (!h->nodes[i].ncpus && h->nodes[i].mem_kib)
            tier = &h->nodes[i];
    unsigned vcpu = 0, ncells = 0;
    for (size_t i = 0; i < h->nnodes && ncells < 4; i++) {
        const vn_host_node *n = &h->nodes[i];
        if (!n->ncpus)
            continue;
        char label[32];
        snprintf(label, sizeof(label), "guest cell %u", ncells);
        vn_svg_cell *c = vn_svg_overlay_add_cell(ov, label, ncells);
        vn_svg_cell_add_mem(c, n->id, n->mem_kib / 4);
        if (tier)
            vn_svg_cell_add_mem(c, tier->id, tier->mem_kib / 8);
        for (size_t j = 0; j < (n->ncpus + 1) / 2; j++) {
            char v[16];
            snprintf(v, sizeof(v), "v%u", vcpu++);
            vn_svg_cell_pin(c, n->cpus[j].id, v);
        }
        ncells++;
    }
    if (ncells > 1)
        vn_svg_cell_pin(&ov->cells[ncells - 1], ov->cells[0].pins[0].host_cpu, "x");
    return ov;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: svg_demo SOURCE\n", stderr);
        return 2;
    }
    vn_error e = {0};
    vn_host *h = !strncmp(argv[1], "synthetic:", 10) ? vn_host_load_synthetic(argv[1] + 10, &e)
                                                     : vn_host_load_caps_file(argv[1], &e);
    if (!h) {
        fprintf(stderr, "error: %s\n", e.msg);
        return 3;
    }
    vn_svg_overlay *ov = demo(h);
    char *s = vn_svg_host(h, ov);
    fputs(s, stdout);
    free(s);
    vn_svg_overlay_free(ov);
    vn_host_free(h);
    return 0;
}
