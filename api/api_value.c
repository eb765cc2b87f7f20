/* api_value.c — public values: boxing runtime values, constructors,
 * refcounting and accessors. */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "rt_format.h"

tsj_value *api_box(rt_value v)
{
    tsj_value *b = malloc(sizeof *b);
    if (!b) {
        rt_value_release(v);
        return NULL;
    }
    atomic_init(&b->refcount, 1);
    b->v = v;
    return b;
}

TSJ_API tsj_value *tsj_value_none(void) { return api_box(rt_none()); }
TSJ_API tsj_value *tsj_value_bool(int b) { return api_box(rt_bool(b != 0)); }
TSJ_API tsj_value *tsj_value_int(int64_t i) { return api_box(rt_int(i)); }
TSJ_API tsj_value *tsj_value_float(double f) { return api_box(rt_float(f)); }

TSJ_API tsj_value *tsj_value_string(const char *s)
{
    rt_value v;
    if (!s || rt_str_from_cstr(s, &v, NULL))
        return NULL;
    return api_box(v);
}

static tsj_value *sequence(rt_kind kind, tsj_value *const *items, size_t n)
{
    if (n && !items)
        return NULL;
    rt_value v;
    if (rt_list_new(kind, n, &v, NULL))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!items[i]) {
            rt_value_release(v);
            return NULL;
        }
        v.u.list->items[i] = rt_value_retain(items[i]->v);
        v.u.list->len = i + 1;
    }
    return api_box(v);
}

TSJ_API tsj_value *tsj_value_list(tsj_value *const *items, size_t n)
{
    return sequence(RT_LIST, items, n);
}

TSJ_API tsj_value *tsj_value_tuple(tsj_value *const *items, size_t n)
{
    return sequence(RT_TUPLE, items, n);
}

TSJ_API tsj_value *tsj_value_retain(tsj_value *v)
{
    if (v)
        atomic_fetch_add_explicit(&v->refcount, 1, memory_order_relaxed);
    return v;
}

TSJ_API void tsj_value_release(tsj_value *v)
{
    if (!v || atomic_fetch_sub_explicit(&v->refcount, 1, memory_order_acq_rel) != 1)
        return;
    rt_value_release(v->v);
    free(v);
}

TSJ_API tsj_kind tsj_value_kind(const tsj_value *v)
{
    if (!v)
        return TSJ_KIND_NONE;
    switch ((rt_kind)v->v.kind) {
    case RT_BOOL: return TSJ_KIND_BOOL;
    case RT_INT: return TSJ_KIND_INT;
    case RT_FLOAT: return TSJ_KIND_FLOAT;
    case RT_STR: return TSJ_KIND_STRING;
    case RT_TENSOR: return TSJ_KIND_TENSOR;
    case RT_LIST: return TSJ_KIND_LIST;
    case RT_TUPLE: return TSJ_KIND_TUPLE;
    case RT_DICT: return TSJ_KIND_DICT;
    case RT_OBJECT:
    case RT_FUNC: return TSJ_KIND_OBJECT;
    default: return TSJ_KIND_NONE;
    }
}

TSJ_API const char *tsj_kind_name(tsj_kind kind)
{
    static const char *names[] = {"NoneType", "bool", "int",   "float", "str",
                                  "Tensor",   "List", "Tuple", "Dict",  "Object"};
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

TSJ_API tsj_status tsj_value_get_bool(const tsj_value *v, int *out)
{
    if (!v || !out || v->v.kind != RT_BOOL)
        return v && out ? TSJ_ERR_TYPE : TSJ_ERR_INVALID_ARGUMENT;
    *out = v->v.u.b;
    return TSJ_OK;
}

TSJ_API tsj_status tsj_value_get_int(const tsj_value *v, int64_t *out)
{
    if (!v || !out || v->v.kind != RT_INT)
        return v && out ? TSJ_ERR_TYPE : TSJ_ERR_INVALID_ARGUMENT;
    *out = v->v.u.i;
    return TSJ_OK;
}

TSJ_API tsj_status tsj_value_get_float(const tsj_value *v, double *out)
{
    if (!v || !out)
        return TSJ_ERR_INVALID_ARGUMENT;
    if (v->v.kind == RT_FLOAT)
        *out = v->v.u.f;
    else if (v->v.kind == RT_INT)
        *out = (double)v->v.u.i;
    else
        return TSJ_ERR_TYPE;
    return TSJ_OK;
}

TSJ_API tsj_status tsj_value_get_string(const tsj_value *v, const char **out)
{
    if (!v || !out || v->v.kind != RT_STR)
        return v && out ? TSJ_ERR_TYPE : TSJ_ERR_INVALID_ARGUMENT;
    *out = v->v.u.str->data;
    return TSJ_OK;
}

TSJ_API size_t tsj_value_len(const tsj_value *v)
{
    if (!v)
        return 0;
    switch ((rt_kind)v->v.kind) {
    case RT_LIST:
    case RT_TUPLE: return v->v.u.list->len;
    case RT_DICT: return v->v.u.dict->len;
    case RT_OBJECT: return v->v.u.object->nslots;
    default: return 0;
    }
}

TSJ_API tsj_status tsj_value_item(const tsj_value *v, size_t i, tsj_value **out)
{
    if (!v || !out)
        return TSJ_ERR_INVALID_ARGUMENT;
    rt_value item;
    switch ((rt_kind)v->v.kind) {
    case RT_LIST:
    case RT_TUPLE:
        if (i >= v->v.u.list->len)
            return TSJ_ERR_INDEX;
        item = rt_value_retain(v->v.u.list->items[i]);
        break;
    case RT_OBJECT:
        if (i >= v->v.u.object->nslots)
            return TSJ_ERR_INDEX;
        item = rt_value_retain(v->v.u.object->slots[i]);
        break;
    case RT_DICT: {
        rt_dict *d = v->v.u.dict;
        if (i >= d->len)
            return TSJ_ERR_INDEX;
        rt_value kv[2] = {d->keys[i], d->values[i]};
        if (rt_list_from(RT_TUPLE, kv, 2, &item, NULL))
            return TSJ_ERR_NOMEM;
        break;
    }
    default: return TSJ_ERR_TYPE;
    }
    *out = api_box(item);
    return *out ? TSJ_OK : TSJ_ERR_NOMEM;
}

TSJ_API tsj_status tsj_value_format(const tsj_value *v, char **text)
{
    if (!v || !text)
        return TSJ_ERR_INVALID_ARGUMENT;
    rt_sb sb = {0};
    rt_err e;
    rt_err_clear(&e);
    if (rt_format_value(&sb, v->v, RT_FMT_PY, &e) || rt_sb_append(&sb, "", 1, &e)) {
        rt_sb_free(&sb);
        return e.status ? e.status : TSJ_ERR_NOMEM;
    }
    *text = sb.data; /* NUL-terminated by the append above */
    return TSJ_OK;
}
