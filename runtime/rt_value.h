/*
 * rt_value.h — the runtime's values: what flows through the interpreter,
 * lives in module attributes and crosses the C ABI.
 *
 * An rt_value is a small tagged union passed by value. Scalars (none, bool,
 * int, float) live inline; everything else points to a refcounted heap
 * object whose first member is an rt_obj header.
 *
 * Reference rule inside the runtime (mirrors the public one): a function
 * that returns an rt_value or writes one through an out pointer gives a new
 * reference; rt_value arguments are borrowed. rt_value_retain/release do
 * nothing for inline kinds.
 *
 * Which union member is live, per kind:
 *   RT_NONE: none          RT_BOOL: b         RT_INT: i        RT_FLOAT: f
 *   RT_STR: str            RT_TENSOR: tensor  RT_LIST/RT_TUPLE: list
 *   RT_DICT: dict          RT_OBJECT: object  RT_FUNC: obj (a callable)
 */
#ifndef RT_VALUE_H
#define RT_VALUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_error.h"

typedef enum rt_kind {
    RT_NONE = 0,
    RT_BOOL,
    RT_INT,
    RT_FLOAT,
    RT_STR,
    RT_TENSOR,
    RT_LIST,
    RT_TUPLE,
    RT_DICT,
    RT_OBJECT,
    RT_FUNC, /* a callable (a method or free function bound by the frontend) */
    RT_KIND_COUNT
} rt_kind;

/* Header of every heap object. */
typedef struct rt_obj {
    atomic_int refcount;
    uint8_t kind; /* rt_kind */
} rt_obj;

typedef struct rt_str rt_str;
typedef struct rt_tensor rt_tensor;
typedef struct rt_list rt_list;
typedef struct rt_dict rt_dict;
typedef struct rt_object rt_object;

typedef struct rt_value {
    uint8_t kind; /* rt_kind */
    union {
        bool b;
        int64_t i;
        double f;
        rt_obj *obj;
        rt_str *str;
        rt_tensor *tensor;
        rt_list *list;
        rt_dict *dict;
        rt_object *object;
    } u;
} rt_value;

struct rt_str {
    rt_obj hdr;
    size_t len;
    char data[]; /* NUL-terminated */
};

/* Lists and tuples share one layout; hdr.kind tells them apart. Lists grow
 * (cap >= len); tuples are immutable once built. */
struct rt_list {
    rt_obj hdr;
    size_t len, cap;
    rt_value *items;
};

/* An insertion-ordered dict with str, int, float, bool or tensor keys
 * (tensors compare by identity, as in TorchScript). Linear search is fine
 * for the small dicts models carry. */
struct rt_dict {
    rt_obj hdr;
    size_t len, cap;
    rt_value *keys, *values;
};

/* An instance of a TorchScript class (module, NamedTuple, ...). `cls` is
 * the class type owned by the loaded model (an ir_class); the runtime only
 * stores it. Slots follow the class's attribute order. */
struct rt_object {
    rt_obj hdr;
    const void *cls;
    size_t nslots;
    rt_value slots[];
};

/* A callable value; `fn` is owned by the loaded model. */
typedef struct rt_func {
    rt_obj hdr;
    const void *fn;
} rt_func;

/* ---- constructors (inline kinds never fail) ---- */
static inline rt_value rt_none(void) { rt_value v = {.kind = RT_NONE}; return v; }
static inline rt_value rt_bool(bool b) { rt_value v = {.kind = RT_BOOL, .u.b = b}; return v; }
static inline rt_value rt_int(int64_t i) { rt_value v = {.kind = RT_INT, .u.i = i}; return v; }
static inline rt_value rt_float(double f) { rt_value v = {.kind = RT_FLOAT, .u.f = f}; return v; }
static inline bool rt_is_obj(rt_value v) { return v.kind >= RT_STR; }

/* Wraps a heap object that the caller already holds a reference to (the
 * reference moves into the value). */
rt_value rt_from_obj(rt_obj *o);

static inline void rt_obj_retain(rt_obj *o)
{
    atomic_fetch_add_explicit(&o->refcount, 1, memory_order_relaxed);
}
void rt_obj_release(rt_obj *o);
static inline rt_value rt_value_retain(rt_value v)
{
    if (rt_is_obj(v) && v.u.obj)
        rt_obj_retain(v.u.obj);
    return v;
}
static inline void rt_value_release(rt_value v)
{
    if (rt_is_obj(v) && v.u.obj)
        rt_obj_release(v.u.obj);
}
/* Releases *v and sets it to none. */
static inline void rt_value_clear(rt_value *v)
{
    rt_value_release(*v);
    v->kind = RT_NONE;
}

/* ---- strings ---- */
/* New string value of len bytes (a NUL is appended). 0 or -1. */
int rt_str_new(const char *s, size_t len, rt_value *out, rt_err *e);
int rt_str_from_cstr(const char *s, rt_value *out, rt_err *e);
static inline const char *rt_str_cstr(rt_value v) { return v.u.str->data; }

/* ---- lists and tuples ---- */
int rt_list_new(rt_kind kind, size_t cap, rt_value *out, rt_err *e);
/* Appends `item` taking a new reference to it. */
int rt_list_append(rt_list *l, rt_value item, rt_err *e);
/* Builds a tuple/list from n borrowed items. */
int rt_list_from(rt_kind kind, const rt_value *items, size_t n, rt_value *out, rt_err *e);

/* ---- dicts ---- */
int rt_dict_new(rt_value *out, rt_err *e);
/* Inserts or replaces; both key and value are borrowed (retained). */
int rt_dict_set(rt_dict *d, rt_value key, rt_value value, rt_err *e);
/* Index of key or -1. */
long rt_dict_find(const rt_dict *d, rt_value key);

/* ---- objects ---- */
int rt_object_new(const void *cls, size_t nslots, rt_value *out, rt_err *e);

/* ---- callables ---- */
int rt_func_new(const void *fn, rt_value *out, rt_err *e);

/* ---- generic ---- */
/* Python-style equality for scalars/strings; identity for tensors and other
 * objects. */
bool rt_value_equal(rt_value a, rt_value b);
/* The kind name TorchScript would print: "Tensor", "int", "float", "bool",
 * "str", "NoneType", "List", "Tuple", "Dict", "Object", "Function". */
const char *rt_kind_name(rt_kind k);
/* Short human description of a value's type ("Tensor", "List[int]", ...)
 * written into buf. */
const char *rt_value_type_str(rt_value v, char *buf, size_t size);

#endif /* RT_VALUE_H */
