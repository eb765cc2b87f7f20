/* rt_value.c — heap objects behind rt_value: strings, lists, tuples, dicts,
 * objects, callables; refcounting and freeing. */
#include "rt_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_tensor.h"

static void obj_init(rt_obj *o, rt_kind kind)
{
    atomic_init(&o->refcount, 1);
    o->kind = (uint8_t)kind;
}

rt_value rt_from_obj(rt_obj *o)
{
    rt_value v = {.kind = o->kind, .u.obj = o};
    return v;
}

static void tensor_free(rt_tensor *t)
{
    rt_storage_release(t->storage);
    free(t);
}

void rt_obj_release(rt_obj *o)
{
    if (atomic_fetch_sub_explicit(&o->refcount, 1, memory_order_acq_rel) != 1)
        return;
    switch ((rt_kind)o->kind) {
    case RT_STR:
    case RT_FUNC:
        break;
    case RT_TENSOR:
        tensor_free((rt_tensor *)o);
        return;
    case RT_LIST:
    case RT_TUPLE: {
        rt_list *l = (rt_list *)o;
        for (size_t i = 0; i < l->len; i++)
            rt_value_release(l->items[i]);
        free(l->items);
        break;
    }
    case RT_DICT: {
        rt_dict *d = (rt_dict *)o;
        for (size_t i = 0; i < d->len; i++) {
            rt_value_release(d->keys[i]);
            rt_value_release(d->values[i]);
        }
        free(d->keys);
        free(d->values);
        break;
    }
    case RT_OBJECT: {
        rt_object *ob = (rt_object *)o;
        for (size_t i = 0; i < ob->nslots; i++)
            rt_value_release(ob->slots[i]);
        break;
    }
    default:
        break;
    }
    free(o);
}

int rt_str_new(const char *s, size_t len, rt_value *out, rt_err *e)
{
    rt_str *st = malloc(sizeof *st + len + 1);
    if (!st)
        return rt_err_nomem(e);
    obj_init(&st->hdr, RT_STR);
    st->len = len;
    if (len)
        memcpy(st->data, s, len);
    st->data[len] = '\0';
    out->kind = RT_STR;
    out->u.str = st;
    return 0;
}

int rt_str_from_cstr(const char *s, rt_value *out, rt_err *e)
{
    return rt_str_new(s, strlen(s), out, e);
}

int rt_list_new(rt_kind kind, size_t cap, rt_value *out, rt_err *e)
{
    rt_list *l = malloc(sizeof *l);
    if (!l)
        return rt_err_nomem(e);
    obj_init(&l->hdr, kind);
    l->len = 0;
    l->cap = cap;
    l->items = NULL;
    if (cap && !(l->items = malloc(cap * sizeof *l->items))) {
        free(l);
        return rt_err_nomem(e);
    }
    out->kind = (uint8_t)kind;
    out->u.list = l;
    return 0;
}

int rt_list_append(rt_list *l, rt_value item, rt_err *e)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        rt_value *items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return rt_err_nomem(e);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->len++] = rt_value_retain(item);
    return 0;
}

int rt_list_from(rt_kind kind, const rt_value *items, size_t n, rt_value *out, rt_err *e)
{
    if (rt_list_new(kind, n, out, e))
        return -1;
    for (size_t i = 0; i < n; i++)
        out->u.list->items[i] = rt_value_retain(items[i]);
    out->u.list->len = n;
    return 0;
}

int rt_dict_new(rt_value *out, rt_err *e)
{
    rt_dict *d = calloc(1, sizeof *d);
    if (!d)
        return rt_err_nomem(e);
    obj_init(&d->hdr, RT_DICT);
    out->kind = RT_DICT;
    out->u.dict = d;
    return 0;
}

long rt_dict_find(const rt_dict *d, rt_value key)
{
    for (size_t i = 0; i < d->len; i++)
        if (rt_value_equal(d->keys[i], key))
            return (long)i;
    return -1;
}

int rt_dict_set(rt_dict *d, rt_value key, rt_value value, rt_err *e)
{
    long at = rt_dict_find(d, key);
    if (at >= 0) {
        rt_value_release(d->values[at]);
        d->values[at] = rt_value_retain(value);
        return 0;
    }
    if (d->len == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 4;
        rt_value *k = realloc(d->keys, cap * sizeof *k);
        if (!k)
            return rt_err_nomem(e);
        d->keys = k;
        rt_value *v = realloc(d->values, cap * sizeof *v);
        if (!v)
            return rt_err_nomem(e);
        d->values = v;
        d->cap = cap;
    }
    d->keys[d->len] = rt_value_retain(key);
    d->values[d->len] = rt_value_retain(value);
    d->len++;
    return 0;
}

int rt_object_new(const void *cls, size_t nslots, rt_value *out, rt_err *e)
{
    rt_object *o = malloc(sizeof *o + nslots * sizeof(rt_value));
    if (!o)
        return rt_err_nomem(e);
    obj_init(&o->hdr, RT_OBJECT);
    o->cls = cls;
    o->nslots = nslots;
    for (size_t i = 0; i < nslots; i++)
        o->slots[i] = rt_none();
    out->kind = RT_OBJECT;
    out->u.object = o;
    return 0;
}

int rt_func_new(const void *fn, rt_value *out, rt_err *e)
{
    rt_func *f = malloc(sizeof *f);
    if (!f)
        return rt_err_nomem(e);
    obj_init(&f->hdr, RT_FUNC);
    f->fn = fn;
    out->kind = RT_FUNC;
    out->u.obj = &f->hdr;
    return 0;
}

bool rt_value_equal(rt_value a, rt_value b)
{
    bool an = a.kind == RT_INT || a.kind == RT_FLOAT || a.kind == RT_BOOL;
    bool bn = b.kind == RT_INT || b.kind == RT_FLOAT || b.kind == RT_BOOL;
    if (an && bn) {
        if (a.kind != RT_FLOAT && b.kind != RT_FLOAT) {
            int64_t x = a.kind == RT_BOOL ? a.u.b : a.u.i;
            int64_t y = b.kind == RT_BOOL ? b.u.b : b.u.i;
            return x == y;
        }
        double x = a.kind == RT_FLOAT ? a.u.f : a.kind == RT_BOOL ? a.u.b : (double)a.u.i;
        double y = b.kind == RT_FLOAT ? b.u.f : b.kind == RT_BOOL ? b.u.b : (double)b.u.i;
        return x == y;
    }
    if (a.kind != b.kind)
        return false;
    switch ((rt_kind)a.kind) {
    case RT_NONE:
        return true;
    case RT_STR:
        return a.u.str->len == b.u.str->len && memcmp(a.u.str->data, b.u.str->data, a.u.str->len) == 0;
    case RT_LIST:
    case RT_TUPLE:
        if (a.u.list->len != b.u.list->len)
            return false;
        for (size_t i = 0; i < a.u.list->len; i++)
            if (!rt_value_equal(a.u.list->items[i], b.u.list->items[i]))
                return false;
        return true;
    default:
        return a.u.obj == b.u.obj;
    }
}

const char *rt_kind_name(rt_kind k)
{
    static const char *names[RT_KIND_COUNT] = {
        [RT_NONE] = "NoneType", [RT_BOOL] = "bool",   [RT_INT] = "int",
        [RT_FLOAT] = "float",   [RT_STR] = "str",     [RT_TENSOR] = "Tensor",
        [RT_LIST] = "List",     [RT_TUPLE] = "Tuple", [RT_DICT] = "Dict",
        [RT_OBJECT] = "Object", [RT_FUNC] = "Function"};
    return (unsigned)k < RT_KIND_COUNT ? names[k] : "?";
}

const char *rt_value_type_str(rt_value v, char *buf, size_t size)
{
    if ((v.kind == RT_LIST || v.kind == RT_TUPLE) && size > 8) {
        rt_list *l = v.u.list;
        size_t n = (size_t)snprintf(buf, size, "%s[", v.kind == RT_LIST ? "List" : "Tuple");
        if (v.kind == RT_LIST) {
            char inner[128];
            const char *t = l->len ? rt_value_type_str(l->items[0], inner, sizeof inner) : "t";
            snprintf(buf + n, size - n, "%s]", t);
        } else {
            for (size_t i = 0; i < l->len && n + 2 < size; i++) {
                char inner[128];
                n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                                      rt_value_type_str(l->items[i], inner, sizeof inner));
            }
            if (n + 2 < size)
                snprintf(buf + n, size - n, "]");
        }
        return buf;
    }
    snprintf(buf, size, "%s", rt_kind_name((rt_kind)v.kind));
    return buf;
}
