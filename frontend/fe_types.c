/* fe_types.c — type annotations, literal constants and located error
 * messages for the emitter. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fe_emit.h"

int fe_error_at(fe_program *fp, rt_err *e, tsj_status st, rt_loc loc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const fe_source *src = NULL;
    for (size_t i = 0; fp && loc.file && i < fp->nsources; i++)
        if (!strcmp(fp->sources[i].path, loc.file))
            src = &fp->sources[i];
    if (!loc.file) {
        rt_err_set(e, st, "%s", msg);
        return -1;
    }
    /* the source line and a caret under the column */
    char line[512] = "", caret[512] = "";
    if (src && loc.line > 0) {
        const char *p = src->text, *end = src->text + src->len;
        for (int l = 1; l < loc.line && p < end; l++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        int col = loc.col > 0 ? loc.col - 1 : 0;
        if (col > (int)sizeof caret - 2)
            col = (int)sizeof caret - 2;
        for (int i = 0; i < col; i++)
            caret[i] = line[i] == '\t' ? '\t' : ' ';
        caret[col] = '^';
        caret[col + 1] = '\0';
    }
    if (line[0])
        rt_err_set(e, st, "%s:%d:%d: error: %s\n%s\n%s", loc.file, loc.line, loc.col, msg, line,
                   caret);
    else
        rt_err_set(e, st, "%s:%d:%d: error: %s", loc.file, loc.line, loc.col, msg);
    rt_err_at(e, loc);
    return -1;
}

static const rt_type *simple_type(const char *n)
{
    static const struct {
        const char *name;
        const rt_type *t;
    } map[] = {{"Tensor", &rt_type_tensor}, {"int", &rt_type_int},       {"float", &rt_type_float},
               {"bool", &rt_type_bool},     {"str", &rt_type_str},       {"None", &rt_type_none},
               {"NoneType", &rt_type_none}, {"Any", &rt_type_any},       {"number", &rt_type_number},
               {"Device", &rt_type_device}, {"device", &rt_type_device}, {"Scalar", &rt_type_number}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].name, n))
            return map[i].t;
    return NULL;
}

const rt_type *fe_type_from_expr(fe_program *fp, const fe_expr *x, rt_err *e)
{
    rt_arena *a = fp->arena;
    switch (x->kind) {
    case FE_EX_NONE: return &rt_type_none;
    case FE_EX_NAME:
    case FE_EX_ATTR: {
        const char *name = fe_expr_dotted(a, x);
        if (!name)
            break;
        const rt_type *t = simple_type(name);
        if (t)
            return t;
        if (!strncmp(name, "torch.", 6) && simple_type(name + 6))
            return simple_type(name + 6);
        ir_class *c = ir_program_find_class(fp->prog, name);
        if (c)
            return c->type;
        fe_error_at(fp, e, TSJ_ERR_UNSUPPORTED, x->loc, "unknown type '%s'", name);
        return NULL;
    }
    case FE_EX_INDEX: {
        const char *head = fe_expr_dotted(a, x->u.index.obj);
        if (!head)
            break;
        /* Tuple[A, B] parses as one TUPLE item or several items */
        const fe_expr *const *items = (const fe_expr *const *)x->u.index.idx.items;
        int n = x->u.index.idx.n;
        if (n == 1 && items[0]->kind == FE_EX_TUPLE) {
            const fe_expr *tup = items[0];
            n = tup->u.list.n;
            items = (const fe_expr *const *)tup->u.list.items;
        }
        const rt_type *args[64];
        if (n > 64) {
            fe_error_at(fp, e, TSJ_ERR_LIMIT, x->loc, "type has too many arguments");
            return NULL;
        }
        for (int i = 0; i < n; i++)
            if (!(args[i] = fe_type_from_expr(fp, items[i], e)))
                return NULL;
        if (!strcmp(head, "List") && n == 1)
            return rt_type_list(a, args[0]);
        if (!strcmp(head, "Optional") && n == 1)
            return rt_type_optional(a, args[0]);
        if (!strcmp(head, "Final") && n == 1)
            return args[0];
        if (!strcmp(head, "Tuple"))
            return rt_type_tuple(a, args, n);
        if (!strcmp(head, "Dict") && n == 2)
            return rt_type_dict(a, args[0], args[1]);
        if (!strcmp(head, "Union")) {
            const rt_type *rest[64];
            int m = 0;
            bool none = false;
            for (int i = 0; i < n; i++) {
                if (args[i]->kind == RT_T_NONE)
                    none = true;
                else
                    rest[m++] = args[i];
            }
            const rt_type *u = m == 1 ? rest[0] : rt_type_union(a, rest, m);
            return none ? rt_type_optional(a, u) : u;
        }
        fe_error_at(fp, e, TSJ_ERR_UNSUPPORTED, x->loc, "unknown generic type '%s'", head);
        return NULL;
    }
    case FE_EX_TUPLE:
        if (x->u.list.n == 0)
            return rt_type_tuple(a, NULL, 0);
        break;
    default:
        break;
    }
    fe_error_at(fp, e, TSJ_ERR_UNSUPPORTED, x->loc, "expected a type");
    return NULL;
}

int fe_literal_value(fe_program *fp, const fe_expr *x, rt_value *out, rt_err *e)
{
    switch (x->kind) {
    case FE_EX_INT: *out = rt_int(x->u.ival); return 0;
    case FE_EX_FLOAT: *out = rt_float(x->u.fval); return 0;
    case FE_EX_BOOL: *out = rt_bool(x->u.bval); return 0;
    case FE_EX_NONE: *out = rt_none(); return 0;
    case FE_EX_STR: return rt_str_new(x->u.str.s, x->u.str.len, out, e);
    case FE_EX_UNARY:
        if (x->u.unary.op == FE_OP_NEG) {
            rt_value v;
            if (fe_literal_value(fp, x->u.unary.operand, &v, e))
                return -1;
            if (v.kind == RT_INT) {
                *out = rt_int(-v.u.i);
                return 0;
            }
            if (v.kind == RT_FLOAT) {
                *out = rt_float(-v.u.f);
                return 0;
            }
            rt_value_release(v);
        }
        break;
    case FE_EX_TUPLE:
    case FE_EX_LIST: {
        int n = x->u.list.n;
        if (rt_list_new(x->kind == FE_EX_TUPLE ? RT_TUPLE : RT_LIST, (size_t)n, out, e))
            return -1;
        for (int i = 0; i < n; i++) {
            if (fe_literal_value(fp, x->u.list.items[i], &out->u.list->items[i], e)) {
                rt_value_release(*out);
                return -1;
            }
            out->u.list->len = (size_t)i + 1;
        }
        return 0;
    }
    case FE_EX_CALL: {
        /* torch.device("cpu") and the like keep their string argument */
        const char *fn = fe_expr_dotted(fp->arena, x->u.call.fn);
        if (fn && !strcmp(fn, "torch.device") && x->u.call.args.n == 1)
            return fe_literal_value(fp, x->u.call.args.items[0], out, e);
        break;
    }
    default:
        break;
    }
    return fe_error_at(fp, e, TSJ_ERR_UNSUPPORTED, x->loc, "expected a constant value");
}

const rt_type *fe_type_of_value(rt_arena *a, rt_value v)
{
    switch ((rt_kind)v.kind) {
    case RT_NONE: return &rt_type_none;
    case RT_BOOL: return &rt_type_bool;
    case RT_INT: return &rt_type_int;
    case RT_FLOAT: return &rt_type_float;
    case RT_STR: return &rt_type_str;
    case RT_TENSOR: return &rt_type_tensor;
    case RT_LIST: {
        rt_list *l = v.u.list;
        const rt_type *el = l->len ? fe_type_of_value(a, l->items[0]) : &rt_type_tensor;
        return el ? rt_type_list(a, el) : NULL;
    }
    case RT_TUPLE: {
        rt_list *l = v.u.list;
        const rt_type *els[64];
        if (l->len > 64)
            return &rt_type_any;
        for (size_t i = 0; i < l->len; i++)
            if (!(els[i] = fe_type_of_value(a, l->items[i])))
                return NULL;
        return rt_type_tuple(a, els, (int)l->len);
    }
    case RT_OBJECT: {
        const ir_class *c = v.u.object->cls;
        return c && c->type ? c->type : &rt_type_any;
    }
    default: return &rt_type_any;
    }
}
