/* rt_type.c — building, comparing, printing and parsing TorchScript types,
 * and matching run-time values against them. */
#include "rt_type.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "rt_tensor.h"

const rt_type rt_type_any = {.kind = RT_T_ANY};
const rt_type rt_type_tensor = {.kind = RT_T_TENSOR};
const rt_type rt_type_int = {.kind = RT_T_INT};
const rt_type rt_type_float = {.kind = RT_T_FLOAT};
const rt_type rt_type_bool = {.kind = RT_T_BOOL};
const rt_type rt_type_str = {.kind = RT_T_STR};
const rt_type rt_type_none = {.kind = RT_T_NONE};
const rt_type rt_type_number = {.kind = RT_T_NUMBER};
const rt_type rt_type_device = {.kind = RT_T_DEVICE};
const rt_type rt_type_layout = {.kind = RT_T_LAYOUT};

static const rt_type *composite(rt_arena *a, rt_tkind kind, const rt_type *const *elems, int n)
{
    rt_type *t = RT_ARENA_NEW(a, rt_type);
    if (!t)
        return NULL;
    t->kind = kind;
    t->n = n;
    if (n) {
        t->elems = RT_ARENA_ARRAY(a, const rt_type *, n);
        if (!t->elems)
            return NULL;
        for (int i = 0; i < n; i++)
            t->elems[i] = elems[i];
    }
    return t;
}

const rt_type *rt_type_optional(rt_arena *a, const rt_type *elem)
{
    if (elem->kind == RT_T_OPTIONAL || elem->kind == RT_T_NONE)
        return elem;
    return composite(a, RT_T_OPTIONAL, &elem, 1);
}
const rt_type *rt_type_list(rt_arena *a, const rt_type *elem)
{
    return composite(a, RT_T_LIST, &elem, 1);
}
const rt_type *rt_type_tuple(rt_arena *a, const rt_type *const *elems, int n)
{
    return composite(a, RT_T_TUPLE, elems, n);
}
const rt_type *rt_type_dict(rt_arena *a, const rt_type *key, const rt_type *value)
{
    const rt_type *kv[2] = {key, value};
    return composite(a, RT_T_DICT, kv, 2);
}
const rt_type *rt_type_union(rt_arena *a, const rt_type *const *elems, int n)
{
    return composite(a, RT_T_UNION, elems, n);
}
const rt_type *rt_type_class(rt_arena *a, const char *qualname, const void *cls)
{
    rt_type *t = RT_ARENA_NEW(a, rt_type);
    if (!t)
        return NULL;
    t->kind = RT_T_CLASS;
    t->name = rt_arena_strdup(a, qualname);
    t->cls = cls;
    return t->name ? t : NULL;
}
const rt_type *rt_type_var(rt_arena *a, const char *name)
{
    rt_type *t = RT_ARENA_NEW(a, rt_type);
    if (!t)
        return NULL;
    t->kind = RT_T_VAR;
    t->name = rt_arena_strdup(a, name);
    return t->name ? t : NULL;
}

bool rt_type_equal(const rt_type *a, const rt_type *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind || a->n != b->n)
        return false;
    if (a->kind == RT_T_CLASS)
        return a->cls ? a->cls == b->cls : strcmp(a->name, b->name) == 0;
    if (a->kind == RT_T_VAR)
        return strcmp(a->name, b->name) == 0;
    for (int i = 0; i < a->n; i++)
        if (!rt_type_equal(a->elems[i], b->elems[i]))
            return false;
    return true;
}

bool rt_type_subtype(const rt_type *sub, const rt_type *super)
{
    if (rt_type_equal(sub, super) || super->kind == RT_T_ANY || super->kind == RT_T_VAR)
        return true;
    switch (super->kind) {
    case RT_T_OPTIONAL:
        if (sub->kind == RT_T_NONE)
            return true;
        if (sub->kind == RT_T_OPTIONAL)
            return rt_type_subtype(sub->elems[0], super->elems[0]);
        return rt_type_subtype(sub, super->elems[0]);
    case RT_T_NUMBER:
        return sub->kind == RT_T_INT || sub->kind == RT_T_FLOAT || sub->kind == RT_T_BOOL;
    case RT_T_UNION:
        if (sub->kind == RT_T_UNION) {
            for (int i = 0; i < sub->n; i++)
                if (!rt_type_subtype(sub->elems[i], super))
                    return false;
            return true;
        }
        for (int i = 0; i < super->n; i++)
            if (rt_type_subtype(sub, super->elems[i]))
                return true;
        return false;
    case RT_T_TUPLE:
        if (sub->kind != RT_T_TUPLE || sub->n != super->n)
            return false;
        for (int i = 0; i < sub->n; i++)
            if (!rt_type_subtype(sub->elems[i], super->elems[i]))
                return false;
        return true;
    case RT_T_LIST:
        /* element type variables and Any match anything */
        return sub->kind == RT_T_LIST &&
               (super->elems[0]->kind == RT_T_VAR || super->elems[0]->kind == RT_T_ANY ||
                rt_type_equal(sub->elems[0], super->elems[0]));
    default:
        return false;
    }
}

static size_t put(char *buf, size_t size, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (n < size) {
        size_t room = size - n - 1;
        memcpy(buf + n, s, len < room ? len : room);
        buf[n + (len < room ? len : room)] = '\0';
    }
    return n + len;
}

static size_t type_str(const rt_type *t, char *buf, size_t size, size_t n)
{
    static const char *simple[RT_T_TKIND_COUNT] = {
        [RT_T_ANY] = "Any",      [RT_T_TENSOR] = "Tensor", [RT_T_INT] = "int",
        [RT_T_FLOAT] = "float",  [RT_T_BOOL] = "bool",     [RT_T_STR] = "str",
        [RT_T_NONE] = "NoneType", [RT_T_NUMBER] = "number", [RT_T_DEVICE] = "Device",
        [RT_T_LAYOUT] = "int",   [RT_T_FUNC] = "Function"};
    const char *head = NULL;
    switch (t->kind) {
    case RT_T_OPTIONAL: head = "Optional["; break;
    case RT_T_LIST: head = "List["; break;
    case RT_T_TUPLE: head = "Tuple["; break;
    case RT_T_DICT: head = "Dict["; break;
    case RT_T_UNION: head = "Union["; break;
    case RT_T_CLASS:
    case RT_T_VAR: return put(buf, size, n, t->name);
    default: return put(buf, size, n, simple[t->kind] ? simple[t->kind] : "?");
    }
    n = put(buf, size, n, head);
    if (t->kind == RT_T_TUPLE && t->n == 0)
        n = put(buf, size, n, "()");
    for (int i = 0; i < t->n; i++) {
        if (i)
            n = put(buf, size, n, ", ");
        n = type_str(t->elems[i], buf, size, n);
    }
    return put(buf, size, n, "]");
}

const char *rt_type_format(const rt_type *t, char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    type_str(t, buf, size, 0);
    return buf;
}

/* ---- parsing ----
 * type   = base ("?" | "[" INT? "]")*
 * base   = NAME ("[" type ("," type)* "]")? | "(" ")"
 */
typedef struct tparser {
    rt_arena *a;
    const char *s, *p;
    rt_err *e;
    int depth;
} tparser;

static void skip_ws(tparser *tp)
{
    while (*tp->p == ' ')
        tp->p++;
}

static const rt_type *parse_type(tparser *tp);

static const rt_type *fail(tparser *tp, const char *what)
{
    rt_err_set(tp->e, TSJ_ERR_FORMAT, "bad type '%s': %s at offset %d", tp->s, what,
               (int)(tp->p - tp->s));
    return NULL;
}

static const rt_type *named(tparser *tp, const char *name, size_t len)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
    if (IS("Tensor"))
        return &rt_type_tensor;
    if (IS("int") || IS("SymInt"))
        return &rt_type_int;
    if (IS("float"))
        return &rt_type_float;
    if (IS("bool"))
        return &rt_type_bool;
    if (IS("str"))
        return &rt_type_str;
    if (IS("NoneType") || IS("None"))
        return &rt_type_none;
    if (IS("Scalar") || IS("number"))
        return &rt_type_number;
    if (IS("Device"))
        return &rt_type_device;
    if (IS("ScalarType") || IS("Layout") || IS("MemoryFormat") || IS("QScheme"))
        return &rt_type_layout;
    if (IS("Any") || IS("Generator") || IS("Storage"))
        return &rt_type_any;
    if (IS("t") || IS("t1") || IS("t2") || IS("k") || IS("v"))
        return rt_type_var(tp->a, rt_arena_strndup(tp->a, name, len));
#undef IS
    return rt_type_class(tp->a, rt_arena_strndup(tp->a, name, len), NULL);
}

static const rt_type *parse_base(tparser *tp)
{
    skip_ws(tp);
    if (tp->p[0] == '(' && tp->p[1] == ')') {
        tp->p += 2;
        return rt_type_tuple(tp->a, NULL, 0);
    }
    const char *start = tp->p;
    while (isalnum((unsigned char)*tp->p) || *tp->p == '_' || *tp->p == '.')
        tp->p++;
    size_t len = (size_t)(tp->p - start);
    if (!len)
        return fail(tp, "expected a type name");
    if (*tp->p != '[' || tp->p[1] == ']' || isdigit((unsigned char)tp->p[1]))
        return named(tp, start, len);
    /* generic: Name[T, ...] */
    tp->p++;
    const rt_type *args[64];
    int n = 0;
    skip_ws(tp);
    if (tp->p[0] == '(' && tp->p[1] == ')' && tp->p[2] == ']')
        tp->p += 2; /* Tuple[()] is the empty tuple */
    else if (*tp->p != ']') {
        for (;;) {
            if (n == 64)
                return fail(tp, "too many type arguments");
            if (!(args[n++] = parse_type(tp)))
                return NULL;
            skip_ws(tp);
            if (*tp->p == ',') {
                tp->p++;
                continue;
            }
            break;
        }
    }
    if (*tp->p != ']')
        return fail(tp, "expected ']'");
    tp->p++;
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(start, lit, len) == 0)
    if (IS("List") && n == 1)
        return rt_type_list(tp->a, args[0]);
    if (IS("Optional") && n == 1)
        return rt_type_optional(tp->a, args[0]);
    if (IS("Final") && n == 1)
        return args[0];
    if (IS("Tuple"))
        return rt_type_tuple(tp->a, args, n);
    if (IS("Dict") && n == 2)
        return rt_type_dict(tp->a, args[0], args[1]);
    if (IS("Union")) {
        /* Union[T, None] is Optional[T] */
        int nn = 0;
        const rt_type *rest[64];
        bool has_none = false;
        for (int i = 0; i < n; i++) {
            if (args[i]->kind == RT_T_NONE)
                has_none = true;
            else
                rest[nn++] = args[i];
        }
        const rt_type *u = nn == 1 ? rest[0] : rt_type_union(tp->a, rest, nn);
        return has_none && u ? rt_type_optional(tp->a, u) : u;
    }
#undef IS
    return fail(tp, "unknown generic type");
}

static const rt_type *parse_type(tparser *tp)
{
    if (++tp->depth > 64)
        return fail(tp, "nesting too deep");
    const rt_type *t = parse_base(tp);
    while (t) {
        if (*tp->p == '?') {
            tp->p++;
            t = rt_type_optional(tp->a, t);
        } else if (*tp->p == '[') {
            tp->p++;
            while (isdigit((unsigned char)*tp->p))
                tp->p++;
            if (*tp->p != ']')
                return fail(tp, "expected ']'");
            tp->p++;
            t = rt_type_list(tp->a, t);
        } else {
            break;
        }
    }
    tp->depth--;
    return t;
}

const rt_type *rt_type_parse(rt_arena *a, const char *text, rt_err *e)
{
    tparser tp = {a, text, text, e, 0};
    const rt_type *t = parse_type(&tp);
    if (!t)
        return NULL;
    skip_ws(&tp);
    if (*tp.p)
        return fail(&tp, "trailing characters");
    return t;
}

/* ---- run-time matching ---- */

bool rt_value_matches(rt_value v, const rt_type *t)
{
    switch (t->kind) {
    case RT_T_ANY:
    case RT_T_VAR: return true;
    case RT_T_TENSOR: return v.kind == RT_TENSOR;
    case RT_T_INT:
    case RT_T_LAYOUT: return v.kind == RT_INT;
    case RT_T_FLOAT: return v.kind == RT_FLOAT || v.kind == RT_INT;
    case RT_T_BOOL: return v.kind == RT_BOOL;
    case RT_T_STR:
    case RT_T_DEVICE: return v.kind == RT_STR;
    case RT_T_NONE: return v.kind == RT_NONE;
    case RT_T_NUMBER: return v.kind == RT_INT || v.kind == RT_FLOAT || v.kind == RT_BOOL;
    case RT_T_OPTIONAL: return v.kind == RT_NONE || rt_value_matches(v, t->elems[0]);
    case RT_T_UNION:
        for (int i = 0; i < t->n; i++)
            if (rt_value_matches(v, t->elems[i]))
                return true;
        return false;
    case RT_T_LIST:
        if (v.kind != RT_LIST)
            return false;
        for (size_t i = 0; i < v.u.list->len; i++)
            if (!rt_value_matches(v.u.list->items[i], t->elems[0]))
                return false;
        return true;
    case RT_T_TUPLE:
        if (v.kind != RT_TUPLE || v.u.list->len != (size_t)t->n)
            return false;
        for (int i = 0; i < t->n; i++)
            if (!rt_value_matches(v.u.list->items[i], t->elems[i]))
                return false;
        return true;
    case RT_T_DICT:
        if (v.kind != RT_DICT)
            return false;
        for (size_t i = 0; i < v.u.dict->len; i++)
            if (!rt_value_matches(v.u.dict->keys[i], t->elems[0]) ||
                !rt_value_matches(v.u.dict->values[i], t->elems[1]))
                return false;
        return true;
    case RT_T_CLASS: return v.kind == RT_OBJECT && (!t->cls || v.u.object->cls == t->cls);
    case RT_T_FUNC: return v.kind == RT_FUNC;
    default: return false;
    }
}
