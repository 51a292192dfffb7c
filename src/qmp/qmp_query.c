/*
 * qmp_query.c - the query commands the apply side needs, as plain C
 * structs: query-cpus-fast, query-iothreads, query-hotpluggable-cpus,
 * query-memory-devices and query-memdev (QEMU's qapi/machine.json and
 * qapi/misc.json give their shapes).  Each runs through vn_qmp_execute
 * (qmp.c) and checks every member it reads: a reply that lacks a required
 * member or has one of the wrong type is "malformed reply", never a crash.
 */
#include "qmp/qmp.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json_object.h>

/* Where in which reply a member is read, for the error message. */
typedef struct field_ctx {
    vn_qmp *q;
    const char *command;
    size_t entry;
    vn_error *err;
} field_ctx;

static bool VN_PRINTF(2, 3) malformed(field_ctx *c, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    vn_error_set(c->err, VNUMA_ERR_SYSTEM, "QMP %s on %s: malformed reply (entry %zu: %s)",
                 c->command, vn_qmp_path(c->q), c->entry, why);
    return false;
}

static const char *type_name(json_type type)
{
    switch (type) {
    case json_type_int: return "an integer";
    case json_type_string: return "a string";
    case json_type_boolean: return "a boolean";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    default: return "of the expected type";
    }
}

/* Each getter: true with *out set; a missing member leaves *out alone and
 * is an error only when required. */
static bool member(json_object *o, const char *key, json_type type, bool required,
                   json_object **v, bool *found, field_ctx *c)
{
    *found = json_object_object_get_ex(o, key, v);
    if (!*found)
        return required ? malformed(c, "no %s", key) : true;
    if (!json_object_is_type(*v, type))
        return malformed(c, "%s is not %s", key, type_name(type));
    return true;
}

static bool get_i64(json_object *o, const char *key, bool required, int64_t *out, field_ctx *c)
{
    json_object *v;
    bool found;
    if (!member(o, key, json_type_int, required, &v, &found, c))
        return false;
    if (found)
        *out = json_object_get_int64(v);
    return true;
}

static bool get_u64(json_object *o, const char *key, bool required, uint64_t *out, field_ctx *c)
{
    json_object *v;
    bool found;
    if (!member(o, key, json_type_int, required, &v, &found, c))
        return false;
    if (found && json_object_get_int64(v) < 0)
        return malformed(c, "%s is negative", key);
    if (found)
        *out = json_object_get_uint64(v);
    return true;
}

static bool get_str(json_object *o, const char *key, bool required, char **out, field_ctx *c)
{
    json_object *v;
    bool found;
    if (!member(o, key, json_type_string, required, &v, &found, c))
        return false;
    if (found)
        *out = vn_strdup(json_object_get_string(v));
    return true;
}

static bool get_bool(json_object *o, const char *key, bool required, bool *out, field_ctx *c)
{
    json_object *v;
    bool found;
    if (!member(o, key, json_type_boolean, required, &v, &found, c))
        return false;
    if (found)
        *out = json_object_get_boolean(v);
    return true;
}

static bool get_object(json_object *o, const char *key, bool required, json_object **out,
                       field_ctx *c)
{
    bool found;
    *out = NULL;
    return member(o, key, json_type_object, required, out, &found, c);
}

/* ---- the generic list query ---- */

typedef bool (*entry_parser)(json_object *entry, void *item, field_ctx *c);
typedef void (*item_clear)(void *item);

/* Run command and parse each element of its array reply into items of
 * item_size bytes; on failure the items parsed so far are cleared. */
static vn_qmp_rc query_list(vn_qmp *q, const char *command, size_t item_size, void **items,
                            size_t *n, entry_parser parse, item_clear clear, vn_error *err)
{
    VN_JSON_AUTO json_object *ret = NULL;
    vn_qmp_rc rc = vn_qmp_execute(q, command, NULL, &ret, VN_QMP_DEFAULT_TIMEOUT_MS, err);
    if (rc != VN_QMP_OK)
        return rc;
    field_ctx c = {.q = q, .command = command, .err = err};
    if (!json_object_is_type(ret, json_type_array)) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "QMP %s on %s: malformed reply (not an array)",
                     command, vn_qmp_path(q));
        return VN_QMP_FAILED;
    }
    size_t len = json_object_array_length(ret);
    char *arr = vn_calloc(len ? len : 1, item_size);
    for (c.entry = 0; c.entry < len; c.entry++) {
        json_object *entry = json_object_array_get_idx(ret, c.entry);
        void *item = arr + c.entry * item_size;
        if (json_object_is_type(entry, json_type_object) && parse(entry, item, &c))
            continue;
        if (!json_object_is_type(entry, json_type_object))
            malformed(&c, "not an object");
        for (size_t j = 0; j <= c.entry; j++)
            clear(arr + j * item_size);
        free(arr);
        return VN_QMP_FAILED;
    }
    *items = arr;
    *n = len;
    return VN_QMP_OK;
}

/* ---- CPUs ---- */

/* CpuInstanceProperties: every member optional. */
static bool parse_props(json_object *props, vn_qmp_cpu_props *p, field_ctx *c)
{
    *p = (vn_qmp_cpu_props){.node_id = -1, .socket_id = -1, .die_id = -1, .core_id = -1,
                            .thread_id = -1};
    if (!props)
        return true;
    return get_i64(props, "node-id", false, &p->node_id, c) &&
           get_i64(props, "socket-id", false, &p->socket_id, c) &&
           get_i64(props, "die-id", false, &p->die_id, c) &&
           get_i64(props, "core-id", false, &p->core_id, c) &&
           get_i64(props, "thread-id", false, &p->thread_id, c);
}

static bool parse_cpu(json_object *e, void *item, field_ctx *c)
{
    vn_qmp_cpu *cpu = item;
    json_object *props;
    return get_i64(e, "cpu-index", true, &cpu->cpu_index, c) &&
           get_i64(e, "thread-id", true, &cpu->thread_id, c) &&
           get_str(e, "qom-path", true, &cpu->qom_path, c) &&
           get_object(e, "props", false, &props, c) && parse_props(props, &cpu->props, c);
}

static void clear_cpu(void *item)
{
    free(((vn_qmp_cpu *)item)->qom_path);
}

vn_qmp_rc vn_qmp_query_cpus_fast(vn_qmp *q, vn_qmp_cpu_list *out, vn_error *err)
{
    void *items = NULL;
    vn_qmp_rc rc = query_list(q, "query-cpus-fast", sizeof(*out->items), &items, &out->n,
                              parse_cpu, clear_cpu, err);
    out->items = items;
    return rc;
}

void vn_qmp_cpu_list_clear(vn_qmp_cpu_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        clear_cpu(&l->items[i]);
    free(l->items);
    *l = (vn_qmp_cpu_list){0};
}

static bool parse_hotpluggable(json_object *e, void *item, field_ctx *c)
{
    vn_qmp_hotpluggable_cpu *cpu = item;
    json_object *props;
    return get_str(e, "type", true, &cpu->type, c) &&
           get_i64(e, "vcpus-count", true, &cpu->vcpus_count, c) &&
           get_str(e, "qom-path", false, &cpu->qom_path, c) &&
           get_object(e, "props", true, &props, c) && parse_props(props, &cpu->props, c);
}

static void clear_hotpluggable(void *item)
{
    vn_qmp_hotpluggable_cpu *cpu = item;
    free(cpu->type);
    free(cpu->qom_path);
}

vn_qmp_rc vn_qmp_query_hotpluggable_cpus(vn_qmp *q, vn_qmp_hotpluggable_cpu_list *out,
                                         vn_error *err)
{
    void *items = NULL;
    vn_qmp_rc rc = query_list(q, "query-hotpluggable-cpus", sizeof(*out->items), &items, &out->n,
                              parse_hotpluggable, clear_hotpluggable, err);
    out->items = items;
    return rc;
}

void vn_qmp_hotpluggable_cpu_list_clear(vn_qmp_hotpluggable_cpu_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        clear_hotpluggable(&l->items[i]);
    free(l->items);
    *l = (vn_qmp_hotpluggable_cpu_list){0};
}

/* ---- iothreads ---- */

static bool parse_iothread(json_object *e, void *item, field_ctx *c)
{
    vn_qmp_iothread *t = item;
    return get_str(e, "id", true, &t->id, c) && get_i64(e, "thread-id", true, &t->thread_id, c);
}

static void clear_iothread(void *item)
{
    free(((vn_qmp_iothread *)item)->id);
}

vn_qmp_rc vn_qmp_query_iothreads(vn_qmp *q, vn_qmp_iothread_list *out, vn_error *err)
{
    void *items = NULL;
    vn_qmp_rc rc = query_list(q, "query-iothreads", sizeof(*out->items), &items, &out->n,
                              parse_iothread, clear_iothread, err);
    out->items = items;
    return rc;
}

void vn_qmp_iothread_list_clear(vn_qmp_iothread_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        clear_iothread(&l->items[i]);
    free(l->items);
    *l = (vn_qmp_iothread_list){0};
}

/* ---- memory devices ---- */

/* PCDIMMDeviceInfo, the data of "dimm" and "nvdimm". */
static bool parse_dimm(json_object *d, vn_qmp_memory_device *m, field_ctx *c)
{
    return get_str(d, "id", false, &m->id, c) && get_u64(d, "addr", true, &m->addr, c) &&
           get_u64(d, "size", true, &m->size, c) && get_i64(d, "slot", true, &m->slot, c) &&
           get_i64(d, "node", true, &m->node, c) && get_str(d, "memdev", true, &m->memdev, c) &&
           get_bool(d, "hotplugged", true, &m->hotplugged, c) &&
           get_bool(d, "hotpluggable", true, &m->hotpluggable, c);
}

/* VirtioMEMDeviceInfo. */
static bool parse_virtio_mem(json_object *d, vn_qmp_memory_device *m, field_ctx *c)
{
    return get_str(d, "id", false, &m->id, c) && get_u64(d, "memaddr", true, &m->addr, c) &&
           get_u64(d, "size", true, &m->size, c) && get_i64(d, "node", true, &m->node, c) &&
           get_u64(d, "requested-size", true, &m->requested_size, c) &&
           get_u64(d, "block-size", true, &m->block_size, c) &&
           get_u64(d, "max-size", true, &m->max_size, c) &&
           get_str(d, "memdev", true, &m->memdev, c);
}

static bool parse_memory_device(json_object *e, void *item, field_ctx *c)
{
    vn_qmp_memory_device *m = item;
    json_object *data;
    m->slot = -1;
    m->node = -1;
    if (!get_str(e, "type", true, &m->type_name, c) || !get_object(e, "data", true, &data, c))
        return false;
    if (!strcmp(m->type_name, "dimm") || !strcmp(m->type_name, "nvdimm")) {
        m->type = m->type_name[0] == 'd' ? VN_QMP_MEM_DIMM : VN_QMP_MEM_NVDIMM;
        return parse_dimm(data, m, c);
    }
    if (!strcmp(m->type_name, "virtio-mem")) {
        m->type = VN_QMP_MEM_VIRTIO_MEM;
        return parse_virtio_mem(data, m, c);
    }
    m->type = VN_QMP_MEM_OTHER;
    return true;
}

static void clear_memory_device(void *item)
{
    vn_qmp_memory_device *m = item;
    free(m->type_name);
    free(m->id);
    free(m->memdev);
}

vn_qmp_rc vn_qmp_query_memory_devices(vn_qmp *q, vn_qmp_memory_device_list *out, vn_error *err)
{
    void *items = NULL;
    vn_qmp_rc rc = query_list(q, "query-memory-devices", sizeof(*out->items), &items, &out->n,
                              parse_memory_device, clear_memory_device, err);
    out->items = items;
    return rc;
}

void vn_qmp_memory_device_list_clear(vn_qmp_memory_device_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        clear_memory_device(&l->items[i]);
    free(l->items);
    *l = (vn_qmp_memory_device_list){0};
}

/* ---- memory backends ---- */

static bool parse_host_nodes(json_object *e, vn_qmp_memdev *m, field_ctx *c)
{
    json_object *nodes;
    bool found;
    if (!member(e, "host-nodes", json_type_array, true, &nodes, &found, c))
        return false;
    size_t n = json_object_array_length(nodes);
    m->host_nodes = vn_calloc(n ? n : 1, sizeof(*m->host_nodes));
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(nodes, i);
        int64_t node = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
        if (node < 0 || node > UINT16_MAX)
            return malformed(c, "host-nodes[%zu] is not a node number", i);
        m->host_nodes[m->n_host_nodes++] = (unsigned)node;
    }
    return true;
}

static bool parse_memdev(json_object *e, void *item, field_ctx *c)
{
    vn_qmp_memdev *m = item;
    return get_str(e, "id", false, &m->id, c) && get_u64(e, "size", true, &m->size, c) &&
           get_str(e, "policy", true, &m->policy, c) && parse_host_nodes(e, m, c) &&
           get_bool(e, "prealloc", true, &m->prealloc, c) &&
           get_bool(e, "share", true, &m->share, c);
}

static void clear_memdev(void *item)
{
    vn_qmp_memdev *m = item;
    free(m->id);
    free(m->policy);
    free(m->host_nodes);
}

vn_qmp_rc vn_qmp_query_memdev(vn_qmp *q, vn_qmp_memdev_list *out, vn_error *err)
{
    void *items = NULL;
    vn_qmp_rc rc = query_list(q, "query-memdev", sizeof(*out->items), &items, &out->n,
                              parse_memdev, clear_memdev, err);
    out->items = items;
    return rc;
}

void vn_qmp_memdev_list_clear(vn_qmp_memdev_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        clear_memdev(&l->items[i]);
    free(l->items);
    *l = (vn_qmp_memdev_list){0};
}

/* ---- hot-pluggable CPUs -------------------------------------------- */

static int cmp_entity(const void *a, const void *b)
{
    const vn_qmp_cpu_props *x = &((const vn_qmp_hotpluggable_cpu *)a)->props;
    const vn_qmp_cpu_props *y = &((const vn_qmp_hotpluggable_cpu *)b)->props;
    int64_t kx[] = {x->socket_id, x->die_id, x->core_id, x->thread_id};
    int64_t ky[] = {y->socket_id, y->die_id, y->core_id, y->thread_id};
    for (size_t i = 0; i < VN_ARRAY_LEN(kx); i++)
        if (kx[i] != ky[i])
            return kx[i] < ky[i] ? -1 : 1;
    return 0;
}

vn_qmp_rc vn_qmp_query_vcpu_entities(vn_qmp *q, unsigned nvcpus,
                                     vn_qmp_hotpluggable_cpu_list *out, vn_error *err)
{
    vn_qmp_rc rc = vn_qmp_query_hotpluggable_cpus(q, out, err);
    if (rc != VN_QMP_OK)
        return rc;
    if (out->n != nvcpus) {
        vn_error_set(err, VNUMA_ERR_SYSTEM, "QEMU lists %zu hot-pluggable CPUs, the domain has "
                     "%u vCPUs", out->n, nvcpus);
        vn_qmp_hotpluggable_cpu_list_clear(out);
        return VN_QMP_FAILED;
    }
    if (out->n > 1)
        qsort(out->items, out->n, sizeof(*out->items), cmp_entity);
    return VN_QMP_OK;
}

char *vn_qmp_vcpu_device_args(const vn_qmp_hotpluggable_cpu *e, unsigned v, int node)
{
    vn_buf b = {0};
    vn_buf_add(&b, "{\"driver\":");
    vn_buf_add_json_string(&b, e->type);
    vn_buf_addf(&b, ",\"id\":\"vcpu%u\"", v);
    const struct { const char *key; int64_t v; } p[] = {
        {"socket-id", e->props.socket_id}, {"die-id", e->props.die_id},
        {"core-id", e->props.core_id}, {"thread-id", e->props.thread_id},
        {"node-id", node >= 0 ? node : e->props.node_id},
    };
    for (size_t i = 0; i < VN_ARRAY_LEN(p); i++)
        if (p[i].v >= 0)
            vn_buf_addf(&b, ",\"%s\":%lld", p[i].key, (long long)p[i].v);
    vn_buf_addc(&b, '}');
    return vn_buf_steal(&b);
}
