/*
 * config.c - hugetlbfs mounts, memory-backing directory, domain id.
 * See config.h.
 */
#include "model/config.h"

#include <stdlib.h>
#include <string.h>

#include "base/units.h"

void vn_config_init(vn_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->memory_backing_dir = vn_strdup("/var/lib/libvirt/qemu/ram");
    cfg->domain_id = -1;
}

void vn_config_clear(vn_config *cfg)
{
    for (size_t i = 0; i < cfg->nmounts; i++)
        free(cfg->mounts[i].path);
    free(cfg->mounts);
    free(cfg->mounts_source);
    free(cfg->memory_backing_dir);
    free(cfg->backing_dir_source);
    memset(cfg, 0, sizeof(*cfg));
}

void vn_config_add_mount_deflt(vn_config *cfg, const char *path, uint64_t size_kib,
                               bool deflt)
{
    vn_hugetlbfs *m = VN_APPEND(cfg->mounts, cfg->nmounts);
    m->path = vn_strdup(path);
    m->size_kib = size_kib;
    m->deflt = deflt;
}

void vn_config_add_mount(vn_config *cfg, const char *path, uint64_t size_kib)
{
    vn_config_add_mount_deflt(cfg, path, size_kib, cfg->nmounts == 0);
}

const vn_hugetlbfs *vn_config_default_mount(const vn_config *cfg)
{
    if (!cfg || !cfg->nmounts)
        return NULL;
    for (size_t i = 0; i < cfg->nmounts; i++)
        if (cfg->mounts[i].deflt)
            return &cfg->mounts[i];
    return &cfg->mounts[0];
}

uint64_t vn_config_default_page_kib(const vn_config *cfg)
{
    const vn_hugetlbfs *m = vn_config_default_mount(cfg);
    return m ? m->size_kib : 0;
}

void vn_config_set_backing_dir(vn_config *cfg, const char *dir, const char *source)
{
    free(cfg->memory_backing_dir);
    cfg->memory_backing_dir = vn_strdup(dir);
    free(cfg->backing_dir_source);
    cfg->backing_dir_source = vn_strdup(source);
}

bool vn_config_mounts_given(const vn_config *cfg)
{
    /* the sources vn_config_add_mount_spec sets */
    return cfg->mounts_source && !strncmp(cfg->mounts_source, "--hugetlbfs", 11);
}

bool vn_config_backing_dir_given(const vn_config *cfg)
{
    return cfg->backing_dir_source &&
           !strcmp(cfg->backing_dir_source, VN_CONFIG_FROM_BACKING_DIR_OPTION);
}

int vn_config_add_mount_spec(vn_config *cfg, const char *spec, vn_error *err)
{
    if (!strcmp(spec, "none")) {       /* no mounts, and none to discover */
        free(cfg->mounts_source);
        cfg->mounts_source = vn_strdup("--hugetlbfs none");
        return 0;
    }
    const char *eq = strrchr(spec, '=');
    if (!eq || eq == spec || !eq[1]) {
        vn_error_set(err, VNUMA_ERR_INVALID,
                     "--hugetlbfs '%s': expected PATH=SIZE (e.g. /dev/hugepages=2M)", spec);
        return -1;
    }
    /* split SIZE into digits and unit */
    const char *num = eq + 1, *unit = num;
    while (*unit >= '0' && *unit <= '9')
        unit++;
    VN_AUTOFREE char *digits = vn_strndup(num, (size_t)(unit - num));
    uint64_t kib;
    vn_error e = {0};
    if (vn_parse_memory("--hugetlbfs", digits, *unit ? unit : NULL, &kib, &e) < 0 || kib == 0) {
        vn_error_set(err, VNUMA_ERR_INVALID, "--hugetlbfs '%s': invalid page size '%s'%s%s",
                     spec, num, e.code ? ": " : "", e.code ? vn_error_text(&e) : "");
        return -1;
    }
    VN_AUTOFREE char *path = vn_strndup(spec, (size_t)(eq - spec));
    vn_config_add_mount(cfg, path, kib);
    if (!cfg->mounts_source)
        cfg->mounts_source = vn_strdup("--hugetlbfs");
    return 0;
}

const vn_hugetlbfs *vn_config_mount_for(const vn_config *cfg, uint64_t size_kib)
{
    if (!cfg->nmounts)
        return NULL;
    if (size_kib == 0)
        return vn_config_default_mount(cfg);
    for (size_t i = 0; i < cfg->nmounts; i++)
        if (cfg->mounts[i].size_kib == size_kib)
            return &cfg->mounts[i];
    return NULL;
}

void vn_config_copy_mounts(vn_config *dst, const vn_config *src)
{
    for (size_t i = 0; i < dst->nmounts; i++)
        free(dst->mounts[i].path);
    free(dst->mounts);
    dst->mounts = NULL;
    dst->nmounts = 0;
    for (size_t i = 0; i < src->nmounts; i++)
        vn_config_add_mount_deflt(dst, src->mounts[i].path, src->mounts[i].size_kib,
                                  src->mounts[i].deflt);
    free(dst->mounts_source);
    dst->mounts_source = src->mounts_source ? vn_strdup(src->mounts_source) : NULL;
}

void vn_config_copy(vn_config *dst, const vn_config *src)
{
    vn_config_clear(dst);
    vn_config_copy_mounts(dst, src);
    dst->memory_backing_dir = src->memory_backing_dir ? vn_strdup(src->memory_backing_dir) : NULL;
    dst->backing_dir_source = src->backing_dir_source ? vn_strdup(src->backing_dir_source) : NULL;
    dst->domain_id = src->domain_id;
}
