/* fe_emit_call.c — calls: choosing an operator overload from the one
 * operator table by the arguments' static types and keyword names, filling
 * in schema defaults, typing the results (schema type variables bound by
 * the arguments); and calls of TorchScript functions and methods. */
#include <stdio.h>
#include <string.h>

#include "fe_emit_impl.h"

#define MAX_OVERLOADS 64
#define MAX_VARS 8

typedef struct bindings {
    const char *names[MAX_VARS];
    const rt_type *types[MAX_VARS];
    int n;
} bindings;

static const rt_type *bound(const bindings *b, const char *name)
{
    for (int i = 0; i < b->n; i++)
        if (!strcmp(b->names[i], name))
            return b->types[i];
    return NULL;
}

/* How well a value of static type `have` fits schema type `want`: 3 exact,
 * 2 through a subtype, 1 through a conversion the kernels accept (int for
 * float, str for Device), -1 not at all. Binds type variables. */
static int fit(fe_em *em, const rt_type *have, const rt_type *want, int fixed_len, bindings *b)
{
    if (have->kind == RT_T_ANY)
        return 0; /* e.g. the result of an unsupported operator */
    switch (want->kind) {
    case RT_T_ANY: return 1;
    case RT_T_VAR: {
        const rt_type *t = bound(b, want->name);
        if (!t) {
            if (b->n == MAX_VARS)
                return -1;
            b->names[b->n] = want->name;
            b->types[b->n++] = have;
            return 2;
        }
        if (rt_type_equal(t, have))
            return 2;
        if (rt_type_subtype(have, t))
            return 1;
        return -1;
    }
    case RT_T_OPTIONAL:
        if (have->kind == RT_T_NONE)
            return 2;
        if (have->kind == RT_T_OPTIONAL)
            return fit(em, have->elems[0], want->elems[0], fixed_len, b);
        {
            int r = fit(em, have, want->elems[0], fixed_len, b);
            return r > 2 ? 2 : r;
        }
    case RT_T_LIST:
        if (have->kind == RT_T_LIST) {
            const rt_type *we = want->elems[0], *he = have->elems[0];
            if (we->kind == RT_T_VAR || we->kind == RT_T_ANY)
                return fit(em, he, we, 0, b) < 0 ? -1 : 3;
            if (rt_type_equal(he, we))
                return 3;
            /* Tensor?[] accepts List[Tensor]; List[Optional] accepts None items */
            if (we->kind == RT_T_OPTIONAL && rt_type_subtype(he, we))
                return 2;
            return -1;
        }
        if (fixed_len > 0 && have->kind == RT_T_INT && want->elems[0]->kind == RT_T_INT)
            return 1;
        if (have->kind == RT_T_TUPLE) { /* a tuple of ints for int[] */
            for (int i = 0; i < have->n; i++)
                if (!rt_type_subtype(have->elems[i], want->elems[0]))
                    return -1;
            return 1;
        }
        return -1;
    case RT_T_TUPLE:
        if (have->kind != RT_T_TUPLE || have->n != want->n)
            return -1;
        for (int i = 0; i < want->n; i++)
            if (fit(em, have->elems[i], want->elems[i], 0, b) < 0)
                return -1;
        return 3;
    case RT_T_DICT:
        if (have->kind != RT_T_DICT)
            return -1;
        return fit(em, have->elems[0], want->elems[0], 0, b) < 0 ||
                       fit(em, have->elems[1], want->elems[1], 0, b) < 0
                   ? -1
                   : 3;
    case RT_T_NUMBER:
        return have->kind == RT_T_INT || have->kind == RT_T_FLOAT || have->kind == RT_T_BOOL ||
                       have->kind == RT_T_NUMBER
                   ? 2
                   : -1;
    case RT_T_FLOAT:
        return have->kind == RT_T_FLOAT ? 3 : have->kind == RT_T_INT ? 1 : -1;
    case RT_T_INT:
        return have->kind == RT_T_INT ? 3 : have->kind == RT_T_LAYOUT ? 2 : -1;
    case RT_T_LAYOUT:
        return have->kind == RT_T_INT || have->kind == RT_T_LAYOUT ? 3 : -1;
    case RT_T_DEVICE:
        return have->kind == RT_T_DEVICE ? 3 : have->kind == RT_T_STR ? 1 : -1;
    case RT_T_UNION:
        for (int i = 0; i < want->n; i++)
            if (fit(em, have, want->elems[i], 0, b) >= 0)
                return 2;
        return -1;
    default:
        if (have->kind == RT_T_ANY)
            return 1;
        return rt_type_equal(have, want) ? 3 : -1;
    }
}

/* The schema type with bound variables substituted (unbound: Any). */
static const rt_type *subst(fe_em *em, const rt_type *t, const bindings *b)
{
    if (t->kind == RT_T_VAR) {
        const rt_type *x = bound(b, t->name);
        return x ? x : &rt_type_any;
    }
    if (t->n == 0 || t->kind == RT_T_CLASS)
        return t;
    const rt_type *els[16];
    if (t->n > 16)
        return t;
    bool changed = false;
    for (int i = 0; i < t->n; i++) {
        els[i] = subst(em, t->elems[i], b);
        changed |= els[i] != t->elems[i];
    }
    if (!changed)
        return t;
    rt_arena *a = em->fp->arena;
    switch (t->kind) {
    case RT_T_OPTIONAL: return rt_type_optional(a, els[0]);
    case RT_T_LIST: return rt_type_list(a, els[0]);
    case RT_T_TUPLE: return rt_type_tuple(a, els, t->n);
    case RT_T_DICT: return rt_type_dict(a, els[0], els[1]);
    default: return t;
    }
}

/* Maps the call's arguments onto schema `s`: slot[i] = value id or
 * IR_NONE for "use the default". Returns the total fit score, -1 when
 * the schema cannot take these arguments. */
static int match(fe_em *em, const rt_schema *s, const fe_args *args, ir_vid *slot, bindings *b)
{
    if (s->varargs && s->nargs == 0)
        return -1; /* prim::ListConstruct and alike are emitted directly */
    if (args->npos > s->nargs && !s->varargs)
        return -1;
    if (args->npos > 64)
        return -1;
    for (int i = 0; i < s->nargs; i++)
        slot[i] = IR_NONE;
    for (int i = 0; i < args->npos; i++) {
        if (i < s->nargs && s->args[i].kwarg_only)
            return -1;
        slot[i] = args->pos[i]; /* past nargs: the `...` of a varargs schema */
    }
    for (int k = 0; k < args->nkw; k++) {
        int at = -1;
        for (int i = 0; i < s->nargs; i++)
            if (!strcmp(s->args[i].name, args->kwnames[k]))
                at = i;
        if (at < 0 || slot[at] != IR_NONE)
            return -1;
        slot[at] = args->kw[k];
    }
    int score = 0;
    b->n = 0;
    for (int i = 0; i < s->nargs; i++) {
        if (slot[i] == IR_NONE) {
            if (!s->args[i].has_default)
                return -1;
            continue;
        }
        int f = fit(em, fe_vtype(em, slot[i]), s->args[i].type, s->args[i].fixed_len, b);
        if (f < 0)
            return -1;
        score += f;
    }
    return score;
}

static const rt_type *default_type(fe_em *em, rt_value v, const rt_type *schema_type)
{
    if (v.kind == RT_NONE)
        return &rt_type_none;
    const rt_type *t = fe_type_of_value(em->fp->arena, v);
    if (v.kind == RT_LIST && v.u.list->len == 0 && schema_type->kind == RT_T_LIST)
        return schema_type;
    if (v.kind == RT_LIST && v.u.list->len == 0 && schema_type->kind == RT_T_OPTIONAL)
        return schema_type->elems[0];
    return t;
}

static void describe_args(fe_em *em, const fe_args *args, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < args->npos + args->nkw && n + 4 < size; i++) {
        char t[96];
        const ir_vid v = i < args->npos ? args->pos[i] : args->kw[i - args->npos];
        rt_type_format(fe_vtype(em, v), t, sizeof t);
        n += (size_t)snprintf(buf + n, size - n, "%s%s%s%s", i ? ", " : "",
                              i >= args->npos ? args->kwnames[i - args->npos] : "",
                              i >= args->npos ? "=" : "", t);
    }
}

/* An operator the table lacks: the model still loads; the call fails with
 * a clear error if that path runs (dead branches disappear at load). */
static ir_vid defer_unknown(fe_em *em, const char *qualname, const fe_args *args)
{
    int n = 1 + args->npos + args->nkw;
    ir_vid *in = RT_ARENA_ARRAY(em->a, ir_vid, n);
    rt_value name;
    if (!in || rt_str_from_cstr(qualname, &name, em->e))
        return in ? IR_NONE : (rt_err_nomem(em->e), IR_NONE);
    if ((in[0] = fe_const_val(em, name, &rt_type_str, args->loc)) == IR_NONE)
        return IR_NONE;
    for (int i = 0; i < args->npos; i++)
        in[1 + i] = args->pos[i];
    for (int i = 0; i < args->nkw; i++)
        in[1 + args->npos + i] = args->kw[i];
    const rt_type *any = &rt_type_any;
    ir_vid out;
    if (fe_op_raw(em, "prim::UnsupportedOp", in, n, &any, 1, &out, args->loc))
        return IR_NONE;
    return out;
}

ir_vid fe_call_op(fe_em *em, const char *qualname, const fe_args *args)
{
    rt_op_id ids[MAX_OVERLOADS];
    int n = rt_ops_find(qualname, ids, MAX_OVERLOADS);
    if (n == 0)
        return defer_unknown(em, qualname, args);
    if (n > MAX_OVERLOADS)
        n = MAX_OVERLOADS;
    int best = -1, best_score = -1;
    ir_vid slots[64], best_slots[64];
    bindings b, best_b = {0};
    for (int i = 0; i < n; i++) {
        const rt_schema *s = &rt_op_get(ids[i])->schema;
        if (s->nargs > 64)
            continue;
        int score = match(em, s, args, slots, &b);
        if (score >= 0 && s->varargs)
            score -= 1; /* a fixed overload that fits wins */
        /* prefer the overload with the best fit; on a tie, fewer defaults */
        if (score > best_score) {
            best = i;
            best_score = score;
            memcpy(best_slots, slots, sizeof(ir_vid) * (size_t)(args->npos > s->nargs ? args->npos : s->nargs));
            best_b = b;
        }
    }
    if (best < 0) {
        /* `out=t`: the functional overload, then a copy into t */
        for (int k = 0; k < args->nkw; k++) {
            if (strcmp(args->kwnames[k], "out"))
                continue;
            fe_args rest = *args;
            const char *names[64];
            ir_vid kws[64];
            if (args->nkw > 64)
                break;
            rest.nkw = 0;
            rest.kwnames = names;
            rest.kw = kws;
            for (int j = 0; j < args->nkw; j++) {
                if (j == k)
                    continue;
                names[rest.nkw] = args->kwnames[j];
                kws[rest.nkw++] = args->kw[j];
            }
            ir_vid r = fe_call_op(em, qualname, &rest);
            if (r == IR_NONE)
                return IR_NONE;
            ir_vid pos[2] = {args->kw[k], r};
            fe_args cp = {.pos = pos, .npos = 2, .loc = args->loc};
            return fe_call_op(em, "aten::copy_", &cp);
        }
        char have[512], list[1536];
        describe_args(em, args, have, sizeof have);
        size_t k = 0;
        list[0] = '\0';
        for (int i = 0; i < n && k + 8 < sizeof list; i++)
            k += (size_t)snprintf(list + k, sizeof list - k, "\n    %s",
                                  rt_op_get(ids[i])->schema_text);
        FE_FAIL(em, TSJ_ERR_TYPE, args->loc, "no overload of %s takes (%s); candidates:%s",
                qualname, have, list);
        return IR_NONE;
    }
    const rt_op *op = rt_op_get(ids[best]);
    const rt_schema *s = &op->schema;
    ir_vid in[64];
    int nin = s->nargs;
    if (s->varargs && args->npos > s->nargs) {
        for (int i = s->nargs; i < args->npos; i++)
            in[i] = args->pos[i];
        nin = args->npos;
    }
    for (int i = 0; i < s->nargs; i++) {
        if (best_slots[i] != IR_NONE) {
            in[i] = best_slots[i];
            continue;
        }
        rt_value d = s->args[i].default_value;
        in[i] = fe_const_val(em, rt_value_retain(d), default_type(em, d, s->args[i].type),
                             args->loc);
        if (in[i] == IR_NONE)
            return IR_NONE;
    }
    const rt_type *outs[16];
    int nout = s->nrets;
    if (nout > 16) {
        FE_FAIL(em, TSJ_ERR_LIMIT, args->loc, "%s has too many results", qualname);
        return IR_NONE;
    }
    for (int i = 0; i < nout; i++)
        outs[i] = subst(em, s->rets[i].type, &best_b);
    ir_nid node = ir_op(em->g, em->blk, op->id, in, (uint32_t)nin, outs, (uint32_t)nout,
                        args->loc, em->e);
    if (node == IR_NONE)
        return IR_NONE;
    const ir_node *nd = &em->g->nodes[node];
    if (nout == 1)
        return nd->out[0];
    /* several results (or none) form a tuple at the language level */
    ir_vid res[16];
    for (int i = 0; i < nout; i++)
        res[i] = nd->out[i];
    if (nout == 0)
        return fe_const_none(em, args->loc);
    const rt_type *tt = rt_type_tuple(em->fp->arena, outs, nout);
    ir_vid v;
    if (!tt || fe_op_raw(em, "prim::TupleConstruct", res, nout, &tt, 1, &v, args->loc))
        return IR_NONE;
    return v;
}

ir_vid fe_call_func(fe_em *em, ir_func *fn, ir_vid self, const fe_args *args)
{
    uint32_t first = self != IR_NONE ? 1 : 0;
    uint32_t n = fn->nargs;
    ir_vid in[64];
    if (n > 64 || (uint32_t)args->npos + first > n) {
        FE_FAIL(em, TSJ_ERR_TYPE, args->loc, "%s() takes %u arguments but %d were given",
                fn->name, n - first, args->npos);
        return IR_NONE;
    }
    for (uint32_t i = 0; i < n; i++)
        in[i] = IR_NONE;
    if (first)
        in[0] = self;
    for (int i = 0; i < args->npos; i++)
        in[first + (uint32_t)i] = args->pos[i];
    for (int k = 0; k < args->nkw; k++) {
        uint32_t at = n;
        for (uint32_t i = first; i < n; i++)
            if (!strcmp(fn->args[i].name, args->kwnames[k]))
                at = i;
        if (at == n || in[at] != IR_NONE) {
            FE_FAIL(em, TSJ_ERR_TYPE, args->loc, "%s() got an unexpected keyword argument '%s'",
                    fn->name, args->kwnames[k]);
            return IR_NONE;
        }
        in[at] = args->kw[k];
    }
    for (uint32_t i = 0; i < n; i++) {
        if (in[i] == IR_NONE) {
            if (!fn->args[i].has_default) {
                FE_FAIL(em, TSJ_ERR_TYPE, args->loc, "%s() is missing argument '%s'", fn->name,
                        fn->args[i].name);
                return IR_NONE;
            }
            rt_value d = fn->args[i].default_value;
            const rt_type *t = d.kind == RT_NONE ? &rt_type_none : fn->args[i].type;
            if ((in[i] = fe_const_val(em, rt_value_retain(d), t, args->loc)) == IR_NONE)
                return IR_NONE;
        } else if (!fe_fits(fe_vtype(em, in[i]), fn->args[i].type) &&
                   !(fn->args[i].type->kind == RT_T_FLOAT &&
                     fe_vtype(em, in[i])->kind == RT_T_INT)) {
            char a[128], b[128];
            FE_FAIL(em, TSJ_ERR_TYPE, args->loc,
                    "%s(): argument '%s' expects %s but got %s", fn->name, fn->args[i].name,
                    rt_type_format(fn->args[i].type, a, sizeof a),
                    rt_type_format(fe_vtype(em, in[i]), b, sizeof b));
            return IR_NONE;
        }
    }
    /* the callee's body gives its return type when it has no annotation */
    if (fe_emit_func(em->fp, fn, em->e))
        return IR_NONE;
    const rt_type *ret = fn->ret ? fn->ret : &rt_type_any;
    ir_nid node = ir_node_append(em->g, em->blk, IR_CALL, in, n, &ret, 1, NULL, 0, args->loc, em->e);
    if (node == IR_NONE)
        return IR_NONE;
    em->g->nodes[node].fn = fn;
    return em->g->nodes[node].out[0];
}
