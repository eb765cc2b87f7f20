/* fe_emit_expr.c — expressions to IR: names and namespaces (torch, ops,
 * __torch__, CONSTANTS), attributes of objects and NamedTuples, literals,
 * containers, subscripts, operators (short-circuit and/or as If nodes),
 * and the builtins the serializer prints (annotate, unchecked_cast,
 * uninitialized, isinstance, getattr, int/float/bool/str, len). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_emit_impl.h"

static const char *const BUILTINS[] = {"annotate", "unchecked_cast", "uninitialized", "isinstance",
                                       "getattr",  "int",            "float",         "bool",
                                       "str",      "len",            "range",         "min",
                                       "max",      "abs",            "print",         "hasattr",
                                       "list",     "tuple",          "dict"};

static sv val(ir_vid v)
{
    sv s = {.k = SV_VAL, .v = v};
    return s;
}

static ir_vid as_value(fe_em *em, const sv *s, rt_loc loc)
{
    if (s->k == SV_VAL)
        return s->v;
    FE_FAIL(em, TSJ_ERR_UNSUPPORTED, loc, "'%s' is not a value",
            s->path ? s->path : s->fn ? s->fn->qualname : s->cls ? s->cls->qualname : "?");
    return IR_NONE;
}

static const char *join(fe_em *em, const char *a, const char *b)
{
    return rt_arena_printf(em->fp->arena, "%s.%s", a, b);
}

/* A name under __torch__: a class, a free function, or a deeper path. */
static int resolve_path(fe_em *em, const char *path, sv *out)
{
    ir_class *c = ir_program_find_class(em->fp->prog, path);
    if (c) {
        *out = (sv){.k = SV_CLASS, .cls = c, .path = path};
        return 0;
    }
    for (uint32_t i = 0; i < em->fp->prog->nfuncs; i++) {
        ir_func *f = em->fp->prog->funcs[i];
        if (!strcmp(f->qualname, path)) {
            *out = (sv){.k = SV_FUNC, .fn = f, .path = path};
            return 0;
        }
    }
    *out = (sv){.k = SV_NS, .path = path};
    return 0;
}

/* ---- tuples ---- */

int fe_unpack(fe_em *em, ir_vid v, int n, ir_vid *out, rt_loc loc)
{
    const rt_type *t = fe_vtype(em, v);
    const ir_value *iv = &em->g->values[v];
    if (t->kind == RT_T_TUPLE) {
        if (t->n != n)
            return FE_FAIL(em, TSJ_ERR_TYPE, loc, "cannot unpack a tuple of %d into %d names", t->n,
                           n);
        if (iv->def != IR_NONE) {
            const ir_node *d = &em->g->nodes[iv->def];
            if (d->kind == IR_OP && d->op == rt_op_lookup("prim::TupleConstruct")) {
                for (int i = 0; i < n; i++)
                    out[i] = d->in[i];
                return 0;
            }
        }
        return fe_op_raw(em, "prim::TupleUnpack", &v, 1, t->elems, n, out, loc);
    }
    if (t->kind == RT_T_LIST) {
        const rt_type **ts = RT_ARENA_ARRAY(em->a, const rt_type *, n ? n : 1);
        if (!ts)
            return rt_err_nomem(em->e);
        for (int i = 0; i < n; i++)
            ts[i] = t->elems[0];
        return fe_op_raw(em, "prim::ListUnpack", &v, 1, ts, n, out, loc);
    }
    char b[128];
    return FE_FAIL(em, TSJ_ERR_TYPE, loc, "cannot unpack a value of type %s",
                   rt_type_format(t, b, sizeof b));
}

static ir_vid tuple_index(fe_em *em, ir_vid tup, int i, rt_loc loc)
{
    const rt_type *t = fe_vtype(em, tup);
    if (i < 0)
        i += t->n;
    if (i < 0 || i >= t->n) {
        FE_FAIL(em, TSJ_ERR_INDEX, loc, "tuple index %d out of range", i);
        return IR_NONE;
    }
    const ir_value *iv = &em->g->values[tup];
    if (iv->def != IR_NONE) {
        const ir_node *d = &em->g->nodes[iv->def];
        if (d->kind == IR_OP && d->op == rt_op_lookup("prim::TupleConstruct"))
            return d->in[i];
    }
    ir_vid in[2] = {tup, fe_const_int(em, i, loc)};
    ir_vid out;
    if (in[1] == IR_NONE || fe_op_raw(em, "prim::TupleIndex", in, 2, &t->elems[i], 1, &out, loc))
        return IR_NONE;
    return out;
}

/* ---- attributes ---- */

static int emit_attr(fe_em *em, const fe_expr *x, sv *out)
{
    sv obj;
    if (fe_emit_sv(em, x->u.attr.obj, NULL, &obj))
        return -1;
    const char *name = x->u.attr.name;
    if (!strcmp(name, "__new__") && obj.k == SV_CLASS) {
        *out = (sv){.k = SV_NEW, .cls = obj.cls, .path = obj.path};
        return 0;
    }
    switch (obj.k) {
    case SV_NS:
        if (!strcmp(obj.path, "CONSTANTS") && name[0] == 'c') {
            char *end;
            long k = strtol(name + 1, &end, 10);
            rt_value cs = em->fp->constants;
            if (*end || k < 0 || cs.kind != RT_TUPLE || (size_t)k >= cs.u.list->len)
                return FE_FAIL(em, TSJ_ERR_FORMAT, x->loc, "no constant CONSTANTS.%s", name);
            rt_value c = cs.u.list->items[k];
            const rt_type *t = fe_type_of_value(em->fp->arena, c);
            ir_vid v = fe_const_val(em, rt_value_retain(c), t, x->loc);
            if (v == IR_NONE)
                return -1;
            *out = val(v);
            return 0;
        }
        if (!strncmp(obj.path, "__torch__", 9))
            return resolve_path(em, join(em, obj.path, name), out);
        *out = (sv){.k = SV_NS, .path = join(em, obj.path, name)};
        return 0;
    case SV_VAL:
        break;
    default:
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc, "unsupported attribute access '.%s'", name);
    }
    const rt_type *t = fe_vtype(em, obj.v);
    if (t->kind == RT_T_TUPLE && t->field_names) {
        for (int i = 0; i < t->n; i++) {
            if (!strcmp(t->field_names[i], name)) {
                ir_vid v = tuple_index(em, obj.v, i, x->loc);
                if (v == IR_NONE)
                    return -1;
                *out = val(v);
                return 0;
            }
        }
        return FE_FAIL(em, TSJ_ERR_TYPE, x->loc, "%s has no field '%s'", t->name, name);
    }
    if (t->kind == RT_T_CLASS && t->cls) {
        ir_class *c = (ir_class *)t->cls;
        int slot = ir_class_find_attr(c, name);
        if (slot >= 0) {
            ir_nid n = ir_node_append(em->g, em->blk, IR_GETATTR, &obj.v, 1, &c->attrs[slot].type, 1,
                                      NULL, 0, x->loc, em->e);
            if (n == IR_NONE)
                return -1;
            em->g->nodes[n].slot = (uint32_t)slot;
            em->g->nodes[n].name = c->attrs[slot].name;
            *out = val(em->g->nodes[n].out[0]);
            return 0;
        }
        for (uint32_t i = 0; i < c->nconsts; i++) {
            if (!strcmp(c->const_names[i], name)) {
                rt_value cv = c->const_values[i];
                ir_vid v = fe_const_val(em, rt_value_retain(cv),
                                        fe_type_of_value(em->fp->arena, cv), x->loc);
                if (v == IR_NONE)
                    return -1;
                *out = val(v);
                return 0;
            }
        }
        ir_func *m = ir_class_find_method(c, name);
        if (m) {
            *out = (sv){.k = SV_METHOD, .v = obj.v, .fn = m};
            return 0;
        }
        return FE_FAIL(em, TSJ_ERR_TYPE, x->loc, "class %s has no attribute '%s'", c->qualname,
                       name);
    }
    if (t->kind == RT_T_TENSOR) {
        static const struct {
            const char *attr, *op;
        } props[] = {{"dtype", "prim::dtype"},     {"device", "prim::device"},
                     {"is_cuda", "prim::is_cuda"}, {"requires_grad", "prim::requires_grad"},
                     {"shape", "aten::size"},      {"data", "prim::data"},
                     {"is_nested", "prim::is_nested"}};
        for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
            if (!strcmp(props[i].attr, name)) {
                fe_args args = {.pos = &obj.v, .npos = 1, .loc = x->loc};
                const char *q = props[i].op;
                ir_vid v = fe_call_op(em, q, &args);
                if (v == IR_NONE)
                    return -1;
                *out = val(v);
                return 0;
            }
        }
        /* x.method(...): an aten op with x as self */
        *out = (sv){.k = SV_NS, .path = rt_arena_printf(em->fp->arena, "tensor.%s", name),
                    .v = obj.v};
        return 0;
    }
    char b[128];
    return FE_FAIL(em, TSJ_ERR_TYPE, x->loc, "a value of type %s has no attribute '%s'",
                   rt_type_format(t, b, sizeof b), name);
}

/* ---- calls ---- */

static int emit_args(fe_em *em, const fe_expr *call, int skip, fe_args *out)
{
    int n = call->u.call.args.n - skip, nk = call->u.call.nkwargs;
    out->pos = RT_ARENA_ARRAY(em->a, ir_vid, n + 2);
    out->kw = RT_ARENA_ARRAY(em->a, ir_vid, nk + 1);
    out->kwnames = RT_ARENA_ARRAY(em->a, const char *, nk + 1);
    if (!out->pos || !out->kw || !out->kwnames)
        return rt_err_nomem(em->e);
    out->npos = n;
    out->nkw = nk;
    out->loc = call->loc;
    for (int i = 0; i < n; i++)
        if ((out->pos[i] = fe_emit_value(em, call->u.call.args.items[skip + i], NULL)) == IR_NONE)
            return -1;
    for (int i = 0; i < nk; i++) {
        out->kwnames[i] = call->u.call.kwargs[i].name;
        if ((out->kw[i] = fe_emit_value(em, call->u.call.kwargs[i].value, NULL)) == IR_NONE)
            return -1;
    }
    return 0;
}

/* Does a value of static type `have` satisfy isinstance(., want)? 1 yes,
 * 0 no, -1 only known at run time. */
static int static_isinstance(const rt_type *have, const rt_type *want)
{
    if (want->kind == RT_T_TUPLE && !want->field_names && want->n > 0) {
        /* isinstance(x, (A, B)) parses as a tuple of types */
        int any_unknown = 0;
        for (int i = 0; i < want->n; i++) {
            int r = static_isinstance(have, want->elems[i]);
            if (r == 1)
                return 1;
            if (r < 0)
                any_unknown = 1;
        }
        return any_unknown ? -1 : 0;
    }
    if (rt_type_subtype(have, want))
        return 1;
    if (have->kind == RT_T_OPTIONAL || have->kind == RT_T_UNION || have->kind == RT_T_ANY)
        return -1;
    if (want->kind == RT_T_LIST && have->kind == RT_T_LIST)
        return 1;
    return 0;
}

/* annotate(List[List[float]], x.tolist()): TorchScript takes the nesting
 * depth and element type from the annotation (prim::tolist). */
static int emit_tolist(fe_em *em, const fe_expr *obj, const rt_type *t, rt_loc loc, sv *out)
{
    int dim = 0;
    const rt_type *el = t;
    while (el->kind == RT_T_LIST) {
        el = el->elems[0];
        dim++;
    }
    int code = el->kind == RT_T_INT ? 0 : el->kind == RT_T_FLOAT ? 1 : el->kind == RT_T_BOOL ? 2 : -1;
    if (code < 0)
        return FE_FAIL(em, TSJ_ERR_TYPE, loc, "tolist() needs a List annotation of int, float or bool");
    ir_vid in[3] = {fe_emit_value(em, obj, NULL), fe_const_int(em, dim, loc),
                    fe_const_int(em, code, loc)};
    if (in[0] == IR_NONE || in[1] == IR_NONE || in[2] == IR_NONE)
        return -1;
    ir_vid v;
    if (fe_op_raw(em, "prim::tolist", in, 3, &t, 1, &v, loc))
        return -1;
    *out = val(v);
    return 0;
}

static int emit_builtin(fe_em *em, const char *name, const fe_expr *x, const rt_type *hint, sv *out)
{
    const fe_expr_list *a = &x->u.call.args;
    ir_vid v;
    if (!strcmp(name, "annotate") || !strcmp(name, "unchecked_cast")) {
        if (a->n != 2)
            return FE_FAIL(em, TSJ_ERR_FORMAT, x->loc, "%s takes a type and a value", name);
        const rt_type *t = fe_type_from_expr(em->fp, a->items[0], em->e);
        if (!t)
            return -1;
        const fe_expr *val_x = a->items[1];
        if (!strcmp(name, "annotate") && val_x->kind == FE_EX_CALL &&
            val_x->u.call.fn->kind == FE_EX_ATTR && val_x->u.call.args.n == 0 &&
            !strcmp(val_x->u.call.fn->u.attr.name, "tolist"))
            return emit_tolist(em, val_x->u.call.fn->u.attr.obj, t, x->loc, out);
        if ((v = fe_emit_value(em, val_x, t)) == IR_NONE)
            return -1;
        /* traced code annotates 0-dim tensors (prim::NumToTensor) as numbers */
        const char *conv = NULL;
        if (fe_vtype(em, v)->kind == RT_T_TENSOR)
            conv = t->kind == RT_T_NUMBER ? "aten::ScalarImplicit"
                   : t->kind == RT_T_INT  ? "aten::Int"
                   : t->kind == RT_T_FLOAT ? "aten::Float"
                                           : NULL;
        if (conv) {
            fe_args args1 = {.pos = &v, .npos = 1, .loc = x->loc};
            if ((v = fe_call_op(em, conv, &args1)) == IR_NONE)
                return -1;
        }
        if (!rt_type_equal(fe_vtype(em, v), t) &&
            fe_op_raw(em, "prim::unchecked_cast", &v, 1, &t, 1, &v, x->loc))
            return -1;
        *out = val(v);
        return 0;
    }
    if (!strcmp(name, "uninitialized")) {
        const rt_type *t = a->n == 1 ? fe_type_from_expr(em->fp, a->items[0], em->e) : NULL;
        if (!t || fe_op_raw(em, "prim::Uninitialized", NULL, 0, &t, 1, &v, x->loc))
            return t ? -1 : FE_FAIL(em, TSJ_ERR_FORMAT, x->loc, "uninitialized takes a type");
        *out = val(v);
        return 0;
    }
    if (!strcmp(name, "isinstance")) {
        if (a->n != 2)
            return FE_FAIL(em, TSJ_ERR_FORMAT, x->loc, "isinstance takes a value and a type");
        ir_vid obj = fe_emit_value(em, a->items[0], NULL);
        if (obj == IR_NONE)
            return -1;
        const rt_type *t;
        if (a->items[1]->kind == FE_EX_TUPLE) {
            const fe_expr_list *tl = &a->items[1]->u.list;
            const rt_type *ts[16];
            if (tl->n > 16)
                return FE_FAIL(em, TSJ_ERR_LIMIT, x->loc, "too many types");
            for (int i = 0; i < tl->n; i++)
                if (!(ts[i] = fe_type_from_expr(em->fp, tl->items[i], em->e)))
                    return -1;
            t = rt_type_tuple(em->fp->arena, ts, tl->n);
        } else if (!(t = fe_type_from_expr(em->fp, a->items[1], em->e))) {
            return -1;
        }
        int r = static_isinstance(fe_vtype(em, obj), t);
        if (r < 0) {
            /* only known at run time: prim::isinstance with the type's text */
            const rt_type *want = t;
            if (t->kind == RT_T_TUPLE && !t->field_names)
                want = rt_type_union(em->fp->arena, t->elems, t->n);
            char text[256];
            rt_value s;
            if (!want || rt_str_from_cstr(rt_type_format(want, text, sizeof text), &s, em->e))
                return want ? -1 : rt_err_nomem(em->e);
            ir_vid pos[2] = {obj, fe_const_val(em, s, &rt_type_str, x->loc)};
            if (pos[1] == IR_NONE)
                return -1;
            const rt_type *bt = &rt_type_bool;
            if (fe_op_raw(em, "prim::isinstance", pos, 2, &bt, 1, &v, x->loc))
                return -1;
            *out = val(v);
            return 0;
        }
        if ((v = fe_const_bool(em, r == 1, x->loc)) == IR_NONE)
            return -1;
        *out = val(v);
        return 0;
    }
    if (!strcmp(name, "getattr")) {
        if (a->n != 2 || a->items[1]->kind != FE_EX_STR)
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc,
                           "getattr needs an object and a string literal");
        fe_expr attr = {.kind = FE_EX_ATTR, .loc = x->loc};
        attr.u.attr.obj = a->items[0];
        attr.u.attr.name = a->items[1]->u.str.s;
        return fe_emit_sv(em, &attr, hint, out);
    }
    static const struct {
        const char *name, *op;
    } casts[] = {{"int", "aten::Int"}, {"float", "aten::Float"}, {"bool", "aten::Bool"},
                 {"str", "aten::str"}, {"len", "aten::len"},     {"abs", "prim::abs"},
                 {"min", "prim::min"}, {"max", "prim::max"},     {"list", "aten::list"}};
    for (size_t i = 0; i < sizeof casts / sizeof casts[0]; i++) {
        if (!strcmp(name, casts[i].name)) {
            fe_args args;
            if (emit_args(em, x, 0, &args))
                return -1;
            /* int(x) on an int (and alike) is the identity */
            if (args.npos == 1 && args.nkw == 0 &&
                ((!strcmp(name, "int") && fe_vtype(em, args.pos[0])->kind == RT_T_INT) ||
                 (!strcmp(name, "float") && fe_vtype(em, args.pos[0])->kind == RT_T_FLOAT) ||
                 (!strcmp(name, "bool") && fe_vtype(em, args.pos[0])->kind == RT_T_BOOL) ||
                 (!strcmp(name, "str") && fe_vtype(em, args.pos[0])->kind == RT_T_STR))) {
                *out = val(args.pos[0]);
                return 0;
            }
            if ((v = fe_call_op(em, casts[i].op, &args)) == IR_NONE)
                return -1;
            *out = val(v);
            return 0;
        }
    }
    return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc, "builtin '%s' is not supported here", name);
}

static int emit_call(fe_em *em, const fe_expr *x, const rt_type *hint, sv *out)
{
    sv fn;
    if (fe_emit_sv(em, x->u.call.fn, NULL, &fn))
        return -1;
    fe_args args;
    ir_vid v;
    switch (fn.k) {
    case SV_NEW: {
        /* Class.__new__(Class): a new object; __init__ is called next */
        if (fn.cls->is_namedtuple)
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc, "__new__ of a NamedTuple");
        const rt_type *t = fn.cls->type;
        ir_nid n = ir_node_append(em->g, em->blk, IR_CREATE_OBJECT, NULL, 0, &t, 1, NULL, 0,
                                  x->loc, em->e);
        if (n == IR_NONE)
            return -1;
        em->g->nodes[n].cls = fn.cls;
        *out = val(em->g->nodes[n].out[0]);
        return 0;
    }
    case SV_BUILTIN:
        return emit_builtin(em, fn.path, x, hint, out);
    case SV_NS: {
        const char *p = fn.path, *q;
        if (!strncmp(p, "torch.", 6))
            q = rt_arena_printf(em->fp->arena, "aten::%s", p + 6);
        else if (!strncmp(p, "ops.", 4) && strchr(p + 4, '.')) {
            const char *dot = strchr(p + 4, '.');
            q = rt_arena_printf(em->fp->arena, "%.*s::%s", (int)(dot - p - 4), p + 4, dot + 1);
        } else if (!strncmp(p, "tensor.", 7)) {
            /* x.method(args): self first */
            if (emit_args(em, x, 0, &args))
                return -1;
            memmove(args.pos + 1, args.pos, sizeof *args.pos * (size_t)args.npos);
            args.pos[0] = fn.v;
            args.npos++;
            q = rt_arena_printf(em->fp->arena, "aten::%s", p + 7);
            if ((v = fe_call_op(em, q, &args)) == IR_NONE)
                return -1;
            *out = val(v);
            return 0;
        } else {
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc, "unknown function '%s'", p);
        }
        if (!q || emit_args(em, x, 0, &args))
            return q ? -1 : rt_err_nomem(em->e);
        if ((v = fe_call_op(em, q, &args)) == IR_NONE)
            return -1;
        *out = val(v);
        return 0;
    }
    case SV_FUNC:
    case SV_METHOD:
        if (emit_args(em, x, 0, &args))
            return -1;
        if ((v = fe_call_func(em, fn.fn, fn.k == SV_METHOD ? fn.v : IR_NONE, &args)) == IR_NONE)
            return -1;
        *out = val(v);
        return 0;
    case SV_CLASS: {
        ir_class *c = fn.cls;
        if (!c->is_namedtuple)
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc,
                           "constructing objects of class %s is not supported", c->qualname);
        if (emit_args(em, x, 0, &args))
            return -1;
        const rt_type *t = c->type;
        if (args.nkw || args.npos != t->n)
            return FE_FAIL(em, TSJ_ERR_TYPE, x->loc, "%s takes %d positional fields",
                           c->qualname, t->n);
        if (fe_op_raw(em, "prim::TupleConstruct", args.pos, args.npos, &t, 1, &v, x->loc))
            return -1;
        *out = val(v);
        return 0;
    }
    default:
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc, "this value cannot be called");
    }
}

/* ---- containers and subscripts ---- */

static int emit_list(fe_em *em, const fe_expr *x, const rt_type *hint, sv *out)
{
    int n = x->u.list.n;
    ir_vid *items = RT_ARENA_ARRAY(em->a, ir_vid, n + 1);
    if (!items)
        return rt_err_nomem(em->e);
    const rt_type *el = hint && hint->kind == RT_T_LIST ? hint->elems[0] : NULL;
    if (hint && hint->kind == RT_T_OPTIONAL && hint->elems[0]->kind == RT_T_LIST)
        el = hint->elems[0]->elems[0];
    for (int i = 0; i < n; i++) {
        if ((items[i] = fe_emit_value(em, x->u.list.items[i], el)) == IR_NONE)
            return -1;
        if (!el) {
            el = fe_vtype(em, items[i]);
        } else if (!rt_type_subtype(fe_vtype(em, items[i]), el)) {
            const rt_type *u = fe_unify(em, el, fe_vtype(em, items[i]));
            if (!u)
                return FE_FAIL(em, TSJ_ERR_TYPE, x->u.list.items[i]->loc,
                               "list items have different types");
            el = u;
        }
    }
    if (!el)
        el = &rt_type_tensor; /* TorchScript's type of an empty list */
    const rt_type *t = rt_type_list(em->fp->arena, el);
    ir_vid v;
    if (!t || fe_op_raw(em, "prim::ListConstruct", items, n, &t, 1, &v, x->loc))
        return -1;
    *out = val(v);
    return 0;
}

static int emit_tuple(fe_em *em, const fe_expr *x, const rt_type *hint, sv *out)
{
    int n = x->u.list.n;
    ir_vid *items = RT_ARENA_ARRAY(em->a, ir_vid, n + 1);
    const rt_type **ts = RT_ARENA_ARRAY(em->a, const rt_type *, n + 1);
    if (!items || !ts)
        return rt_err_nomem(em->e);
    for (int i = 0; i < n; i++) {
        const rt_type *h = hint && hint->kind == RT_T_TUPLE && hint->n == n ? hint->elems[i] : NULL;
        if ((items[i] = fe_emit_value(em, x->u.list.items[i], h)) == IR_NONE)
            return -1;
        ts[i] = fe_vtype(em, items[i]);
    }
    const rt_type *t = rt_type_tuple(em->fp->arena, ts, n);
    ir_vid v;
    if (!t || fe_op_raw(em, "prim::TupleConstruct", items, n, &t, 1, &v, x->loc))
        return -1;
    *out = val(v);
    return 0;
}

static int emit_dict(fe_em *em, const fe_expr *x, const rt_type *hint, sv *out)
{
    int n = x->u.dict.n;
    ir_vid *items = RT_ARENA_ARRAY(em->a, ir_vid, 2 * n + 1);
    if (!items)
        return rt_err_nomem(em->e);
    const rt_type *kt = hint && hint->kind == RT_T_DICT ? hint->elems[0] : NULL;
    const rt_type *vt = hint && hint->kind == RT_T_DICT ? hint->elems[1] : NULL;
    for (int i = 0; i < n; i++) {
        if ((items[2 * i] = fe_emit_value(em, x->u.dict.keys[i], kt)) == IR_NONE ||
            (items[2 * i + 1] = fe_emit_value(em, x->u.dict.values[i], vt)) == IR_NONE)
            return -1;
        if (!kt)
            kt = fe_vtype(em, items[2 * i]);
        if (!vt)
            vt = fe_vtype(em, items[2 * i + 1]);
    }
    const rt_type *t = rt_type_dict(em->fp->arena, kt ? kt : &rt_type_str, vt ? vt : &rt_type_tensor);
    ir_vid v;
    if (!t || fe_op_raw(em, "prim::DictConstruct", items, 2 * n, &t, 1, &v, x->loc))
        return -1;
    *out = val(v);
    return 0;
}

/* Constant int of a literal index expression, if it is one. */
static bool literal_int(const fe_expr *x, int64_t *out)
{
    if (x->kind == FE_EX_INT) {
        *out = x->u.ival;
        return true;
    }
    if (x->kind == FE_EX_UNARY && x->u.unary.op == FE_OP_NEG &&
        x->u.unary.operand->kind == FE_EX_INT) {
        *out = -x->u.unary.operand->u.ival;
        return true;
    }
    return false;
}

static ir_vid emit_tensor_index(fe_em *em, ir_vid obj, const fe_expr *x)
{
    /* x[a, b:c, ...]: select/slice per dimension, left to right */
    ir_vid cur = obj;
    int64_t dim = 0;
    for (int i = 0; i < x->u.index.idx.n; i++) {
        const fe_expr *it = x->u.index.idx.items[i];
        ir_vid d = fe_const_int(em, dim, it->loc);
        if (d == IR_NONE)
            return IR_NONE;
        if (it->kind == FE_EX_SLICE) {
            ir_vid pos[5] = {cur, d, IR_NONE, IR_NONE, IR_NONE};
            const fe_expr *parts[3] = {it->u.slice.start, it->u.slice.stop, it->u.slice.step};
            for (int k = 0; k < 3; k++) {
                pos[2 + k] = parts[k] ? fe_emit_value(em, parts[k], NULL)
                             : k == 2 ? fe_const_int(em, 1, it->loc)
                                      : fe_const_none(em, it->loc);
                if (pos[2 + k] == IR_NONE)
                    return IR_NONE;
            }
            fe_args args = {.pos = pos, .npos = 5, .loc = it->loc};
            if ((cur = fe_call_op(em, "aten::slice", &args)) == IR_NONE)
                return IR_NONE;
            dim++;
        } else if (it->kind == FE_EX_NONE) {
            ir_vid pos[2] = {cur, d};
            fe_args args = {.pos = pos, .npos = 2, .loc = it->loc};
            if ((cur = fe_call_op(em, "aten::unsqueeze", &args)) == IR_NONE)
                return IR_NONE;
            dim++;
        } else {
            ir_vid idx = fe_emit_value(em, it, NULL);
            if (idx == IR_NONE)
                return IR_NONE;
            if (fe_vtype(em, idx)->kind != RT_T_INT) {
                FE_FAIL(em, TSJ_ERR_UNSUPPORTED, it->loc,
                        "tensor indexing with a non-int index is not supported");
                return IR_NONE;
            }
            ir_vid pos[3] = {cur, d, idx};
            fe_args args = {.pos = pos, .npos = 3, .loc = it->loc};
            if ((cur = fe_call_op(em, "aten::select", &args)) == IR_NONE)
                return IR_NONE;
        }
    }
    return cur;
}

static int emit_index(fe_em *em, const fe_expr *x, sv *out)
{
    ir_vid obj = fe_emit_value(em, x->u.index.obj, NULL);
    if (obj == IR_NONE)
        return -1;
    const rt_type *t = fe_vtype(em, obj);
    ir_vid v;
    if (t->kind == RT_T_TENSOR) {
        if ((v = emit_tensor_index(em, obj, x)) == IR_NONE)
            return -1;
        *out = val(v);
        return 0;
    }
    if (x->u.index.idx.n != 1)
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc, "multi-dimensional subscript of a %s",
                       rt_type_format(t, (char[64]){0}, 64));
    const fe_expr *ix = x->u.index.idx.items[0];
    if (t->kind == RT_T_TUPLE) {
        int64_t k;
        if (!literal_int(ix, &k))
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, ix->loc, "tuple indices must be constants");
        if ((v = tuple_index(em, obj, (int)k, ix->loc)) == IR_NONE)
            return -1;
        *out = val(v);
        return 0;
    }
    if (ix->kind == FE_EX_SLICE && t->kind == RT_T_LIST) {
        ir_vid pos[4] = {obj, IR_NONE, IR_NONE, IR_NONE};
        const fe_expr *parts[3] = {ix->u.slice.start, ix->u.slice.stop, ix->u.slice.step};
        for (int k = 0; k < 3; k++) {
            pos[1 + k] = parts[k] ? fe_emit_value(em, parts[k], NULL)
                         : k == 2 ? fe_const_int(em, 1, ix->loc)
                                  : fe_const_none(em, ix->loc);
            if (pos[1 + k] == IR_NONE)
                return -1;
        }
        fe_args args = {.pos = pos, .npos = 4, .loc = ix->loc};
        if ((v = fe_call_op(em, "aten::slice", &args)) == IR_NONE)
            return -1;
        *out = val(v);
        return 0;
    }
    ir_vid pos[2] = {obj, fe_emit_value(em, ix, NULL)};
    if (pos[1] == IR_NONE)
        return -1;
    fe_args args = {.pos = pos, .npos = 2, .loc = x->loc};
    if ((v = fe_call_op(em, "aten::__getitem__", &args)) == IR_NONE)
        return -1;
    *out = val(v);
    return 0;
}

/* ---- operators ---- */

static const char *binary_op_name(fe_op op)
{
    switch (op) {
    case FE_OP_ADD: return "aten::add";
    case FE_OP_SUB: return "aten::sub";
    case FE_OP_MUL: return "aten::mul";
    case FE_OP_DIV: return "aten::div";
    case FE_OP_FLOORDIV: return "aten::floordiv";
    case FE_OP_MOD: return "aten::remainder";
    case FE_OP_POW: return "aten::pow";
    case FE_OP_MATMUL: return "aten::matmul";
    case FE_OP_BITAND: return "aten::__and__";
    case FE_OP_BITOR: return "aten::__or__";
    case FE_OP_BITXOR: return "aten::__xor__";
    case FE_OP_LSHIFT: return "aten::__lshift__";
    case FE_OP_RSHIFT: return "aten::__rshift__";
    case FE_OP_EQ: return "aten::eq";
    case FE_OP_NE: return "aten::ne";
    case FE_OP_LT: return "aten::lt";
    case FE_OP_LE: return "aten::le";
    case FE_OP_GT: return "aten::gt";
    case FE_OP_GE: return "aten::ge";
    case FE_OP_IS: return "aten::__is__";
    case FE_OP_IS_NOT: return "aten::__isnot__";
    default: return NULL;
    }
}

static ir_vid call2(fe_em *em, const char *op, ir_vid a, ir_vid b, rt_loc loc)
{
    ir_vid pos[2] = {a, b};
    fe_args args = {.pos = pos, .npos = 2, .loc = loc};
    return fe_call_op(em, op, &args);
}

static ir_vid compare(fe_em *em, fe_op op, ir_vid a, ir_vid b, rt_loc loc)
{
    if (op == FE_OP_IN || op == FE_OP_NOT_IN) {
        ir_vid r = call2(em, "aten::__contains__", b, a, loc);
        if (r == IR_NONE || op == FE_OP_IN)
            return r;
        fe_args args = {.pos = &r, .npos = 1, .loc = loc};
        return fe_call_op(em, "aten::__not__", &args);
    }
    return call2(em, binary_op_name(op), a, b, loc);
}

/* `a and b` / `a or b` / `c ? x : y` as an If with one output. */
static ir_vid emit_select(fe_em *em, ir_vid cond, const fe_expr *then_x, ir_vid then_v,
                          const fe_expr *else_x, ir_vid else_v, rt_loc loc)
{
    ir_bid bt = ir_block_new(em->g, em->e), be = ir_block_new(em->g, em->e);
    if (bt == IR_NONE || be == IR_NONE)
        return IR_NONE;
    ir_bid saved = em->blk;
    em->blk = bt;
    if (then_x)
        then_v = fe_emit_value(em, then_x, NULL);
    em->blk = be;
    if (then_v != IR_NONE && else_x)
        else_v = fe_emit_value(em, else_x, NULL);
    em->blk = saved;
    if (then_v == IR_NONE || else_v == IR_NONE)
        return IR_NONE;
    const rt_type *t = fe_unify(em, fe_vtype(em, then_v), fe_vtype(em, else_v));
    if (!t) {
        FE_FAIL(em, TSJ_ERR_TYPE, loc, "both sides of the expression must have the same type");
        return IR_NONE;
    }
    if (ir_block_set_rets(em->g, bt, &then_v, 1, em->e) ||
        ir_block_set_rets(em->g, be, &else_v, 1, em->e))
        return IR_NONE;
    ir_bid blocks[2] = {bt, be};
    ir_nid n = ir_node_append(em->g, em->blk, IR_IF, &cond, 1, &t, 1, blocks, 2, loc, em->e);
    return n == IR_NONE ? IR_NONE : em->g->nodes[n].out[0];
}

static int emit_binary(fe_em *em, const fe_expr *x, sv *out)
{
    fe_op op = x->u.binary.op;
    ir_vid v;
    if (op == FE_OP_AND || op == FE_OP_OR) {
        ir_vid lhs = fe_emit_cond(em, x->u.binary.lhs);
        if (lhs == IR_NONE)
            return -1;
        ir_vid k = fe_const_bool(em, op == FE_OP_OR, x->loc);
        if (k == IR_NONE)
            return -1;
        /* and: lhs ? rhs : false    or: lhs ? true : rhs */
        v = op == FE_OP_AND ? emit_select(em, lhs, x->u.binary.rhs, IR_NONE, NULL, k, x->loc)
                            : emit_select(em, lhs, NULL, k, x->u.binary.rhs, IR_NONE, x->loc);
    } else {
        const char *name = binary_op_name(op);
        ir_vid a = fe_emit_value(em, x->u.binary.lhs, NULL), b;
        if (!name || a == IR_NONE || (b = fe_emit_value(em, x->u.binary.rhs, NULL)) == IR_NONE)
            return name ? -1 : FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc, "unsupported operator");
        v = call2(em, name, a, b, x->loc);
    }
    if (v == IR_NONE)
        return -1;
    *out = val(v);
    return 0;
}

static int emit_compare(fe_em *em, const fe_expr *x, sv *out)
{
    int n = x->u.compare.n;
    ir_vid prev = fe_emit_value(em, x->u.compare.operands[0], NULL), acc = IR_NONE;
    if (prev == IR_NONE)
        return -1;
    for (int i = 1; i < n; i++) {
        ir_vid cur = fe_emit_value(em, x->u.compare.operands[i], NULL);
        if (cur == IR_NONE)
            return -1;
        ir_vid r = compare(em, x->u.compare.ops[i - 1], prev, cur, x->loc);
        if (r == IR_NONE)
            return -1;
        acc = acc == IR_NONE ? r : call2(em, "aten::__and__", acc, r, x->loc);
        if (acc == IR_NONE)
            return -1;
        prev = cur;
    }
    *out = val(acc);
    return 0;
}

static int emit_unary(fe_em *em, const fe_expr *x, sv *out)
{
    ir_vid a = x->u.unary.op == FE_OP_NOT ? fe_emit_cond(em, x->u.unary.operand)
                                          : fe_emit_value(em, x->u.unary.operand, NULL);
    if (a == IR_NONE)
        return -1;
    const char *name = x->u.unary.op == FE_OP_NEG      ? "aten::neg"
                       : x->u.unary.op == FE_OP_NOT    ? "aten::__not__"
                       : x->u.unary.op == FE_OP_INVERT ? "aten::bitwise_not"
                                                       : NULL;
    if (!name) { /* unary plus */
        *out = val(a);
        return 0;
    }
    fe_args args = {.pos = &a, .npos = 1, .loc = x->loc};
    ir_vid v = fe_call_op(em, name, &args);
    if (v == IR_NONE)
        return -1;
    *out = val(v);
    return 0;
}

/* ---- entry points ---- */

int fe_emit_sv(fe_em *em, const fe_expr *x, const rt_type *hint, sv *out)
{
    ir_vid v = IR_NONE;
    switch (x->kind) {
    case FE_EX_NAME: {
        const char *n = x->u.name;
        if ((v = fe_scope_lookup(em->scope, n)) != IR_NONE) {
            *out = val(v);
            return 0;
        }
        const sv *sug = fe_lookup_sugar(em, n);
        if (sug) {
            *out = *sug;
            return 0;
        }
        if (!strcmp(n, "torch") || !strcmp(n, "ops") || !strcmp(n, "__torch__") ||
            !strcmp(n, "CONSTANTS") || !strcmp(n, "math")) {
            *out = (sv){.k = SV_NS, .path = n};
            return 0;
        }
        for (size_t i = 0; i < sizeof BUILTINS / sizeof BUILTINS[0]; i++) {
            if (!strcmp(n, BUILTINS[i])) {
                *out = (sv){.k = SV_BUILTIN, .path = BUILTINS[i]};
                return 0;
            }
        }
        return FE_FAIL(em, TSJ_ERR_FORMAT, x->loc, "undefined name '%s'", n);
    }
    case FE_EX_INT: v = fe_const_int(em, x->u.ival, x->loc); break;
    case FE_EX_FLOAT: v = fe_const_val(em, rt_float(x->u.fval), &rt_type_float, x->loc); break;
    case FE_EX_BOOL: v = fe_const_bool(em, x->u.bval, x->loc); break;
    case FE_EX_NONE: v = fe_const_none(em, x->loc); break;
    case FE_EX_STR: {
        rt_value s;
        if (rt_str_new(x->u.str.s, x->u.str.len, &s, em->e))
            return -1;
        v = fe_const_val(em, s, &rt_type_str, x->loc);
        break;
    }
    case FE_EX_ATTR: return emit_attr(em, x, out);
    case FE_EX_CALL: return emit_call(em, x, hint, out);
    case FE_EX_INDEX: return emit_index(em, x, out);
    case FE_EX_LIST: return emit_list(em, x, hint, out);
    case FE_EX_TUPLE: return emit_tuple(em, x, hint, out);
    case FE_EX_DICT: return emit_dict(em, x, hint, out);
    case FE_EX_UNARY: return emit_unary(em, x, out);
    case FE_EX_BINARY: return emit_binary(em, x, out);
    case FE_EX_COMPARE: return emit_compare(em, x, out);
    case FE_EX_TERNARY: {
        ir_vid c = fe_emit_cond(em, x->u.ternary.cond);
        if (c == IR_NONE)
            return -1;
        v = emit_select(em, c, x->u.ternary.then, IR_NONE, x->u.ternary.other, IR_NONE, x->loc);
        break;
    }
    default:
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, x->loc, "unsupported expression");
    }
    if (v == IR_NONE)
        return -1;
    *out = val(v);
    return 0;
}

ir_vid fe_emit_value(fe_em *em, const fe_expr *x, const rt_type *hint)
{
    sv s;
    if (fe_emit_sv(em, x, hint, &s))
        return IR_NONE;
    return as_value(em, &s, x->loc);
}

ir_vid fe_emit_cond(fe_em *em, const fe_expr *x)
{
    ir_vid v = fe_emit_value(em, x, NULL);
    if (v == IR_NONE)
        return IR_NONE;
    rt_tkind k = fe_vtype(em, v)->kind;
    if (k == RT_T_BOOL)
        return v;
    if (k == RT_T_ANY) {
        const rt_type *bt = &rt_type_bool;
        ir_vid b;
        return fe_op_raw(em, "prim::unchecked_cast", &v, 1, &bt, 1, &b, x->loc) ? IR_NONE : b;
    }
    if (k == RT_T_TENSOR || k == RT_T_INT || k == RT_T_FLOAT) {
        fe_args args = {.pos = &v, .npos = 1, .loc = x->loc};
        return fe_call_op(em, "aten::Bool", &args);
    }
    char b[128];
    FE_FAIL(em, TSJ_ERR_TYPE, x->loc, "a condition must be a bool, not %s",
            rt_type_format(fe_vtype(em, v), b, sizeof b));
    return IR_NONE;
}
