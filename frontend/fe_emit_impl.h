/*
 * fe_emit_impl.h — private to the fe_emit_*.c files: the emitter's state
 * (current graph, block, scope chain), sugared values (namespaces,
 * classes, functions and bound methods that are not IR values), and the
 * helpers the statement, expression and call emitters share.
 */
#ifndef FE_EMIT_IMPL_H
#define FE_EMIT_IMPL_H

#include "fe_emit.h"

/* Names bound in one block; lookups walk to the enclosing scopes. */
typedef struct fe_scope {
    struct fe_scope *parent;
    const char **names;
    ir_vid *vids;
    int n, cap;
} fe_scope;

typedef struct fe_em {
    fe_program *fp;
    ir_func *fn;
    ir_graph *g;
    ir_bid blk;          /* where nodes go                           */
    fe_scope *scope;
    rt_arena *a;         /* scopes, temporary arrays (per function)  */
    rt_err *e;
    bool terminated;     /* the current block raised: rest is dead   */
    ir_vid ret;          /* value of the top-level return            */
    bool has_ret;
    int depth;           /* block nesting, for `return` placement    */
    /* names bound to functions, classes or namespaces (`_0 = f`) */
    const char **sugar_names;
    struct sv *sugar;
    int nsugar, cap_sugar;
} fe_em;

typedef enum sv_kind {
    SV_VAL,     /* an IR value: v                                     */
    SV_NS,      /* a namespace path: "torch", "ops.prim", "__torch__.a" */
    SV_CLASS,   /* cls (a NamedTuple constructor, or a class)          */
    SV_FUNC,    /* fn: a free function                                */
    SV_METHOD,  /* fn bound to the object v                           */
    SV_BUILTIN, /* path: "annotate", "int", "len", ...                */
    SV_NEW      /* Class.__new__: cls                                   */
} sv_kind;

typedef struct sv {
    sv_kind k;
    ir_vid v;
    const char *path;
    ir_class *cls;
    ir_func *fn;
} sv;

/* An argument list: positional values then keyword values. */
typedef struct fe_args {
    ir_vid *pos;
    int npos;
    const char **kwnames;
    ir_vid *kw;
    int nkw;
    rt_loc loc;
} fe_args;

/* ---- scopes ---- */
/* Binds a name to a sugared (non-value) thing for the rest of the function. */
int fe_bind_sugar(fe_em *em, const char *name, const struct sv *s);
const struct sv *fe_lookup_sugar(const fe_em *em, const char *name);
fe_scope *fe_scope_push(fe_em *em);
void fe_scope_pop(fe_em *em, fe_scope *saved);
ir_vid fe_scope_lookup(const fe_scope *s, const char *name);
/* Binds in the innermost scope; -1 on allocation failure. */
int fe_scope_bind(fe_em *em, fe_scope *s, const char *name, ir_vid v);

/* ---- values ---- */
static inline const rt_type *fe_vtype(const fe_em *em, ir_vid v) { return em->g->values[v].type; }
/* A constant node; takes over the caller's reference to v. */
ir_vid fe_const_val(fe_em *em, rt_value v, const rt_type *t, rt_loc loc);
ir_vid fe_const_int(fe_em *em, int64_t i, rt_loc loc);
ir_vid fe_const_bool(fe_em *em, bool b, rt_loc loc);
ir_vid fe_const_none(fe_em *em, rt_loc loc);
/* An op node by full name with explicit output types; outputs in out[]. */
int fe_op_raw(fe_em *em, const char *full_name, const ir_vid *in, int nin,
              const rt_type *const *out_types, int nout, ir_vid *out, rt_loc loc);
/* Can a value of static type `have` be used as `want`? Subtyping, plus
 * Any (the result of an unsupported operator, checked when it runs). */
static inline bool fe_fits(const rt_type *have, const rt_type *want)
{
    return have->kind == RT_T_ANY || rt_type_subtype(have, want);
}
/* Smallest common type of two, or NULL ("None" + T -> Optional[T]). */
const rt_type *fe_unify(fe_em *em, const rt_type *a, const rt_type *b);

/* ---- expressions (fe_emit_expr.c) ---- */
int fe_emit_sv(fe_em *em, const fe_expr *x, const rt_type *hint, sv *out);
/* A value (IR_NONE with em->e set on failure). hint: expected type for
 * empty lists and the like (may be NULL). */
ir_vid fe_emit_value(fe_em *em, const fe_expr *x, const rt_type *hint);
/* A bool for an `if`/`while` test. */
ir_vid fe_emit_cond(fe_em *em, const fe_expr *x);
/* Splits a tuple value into n values (static when built by TupleConstruct). */
int fe_unpack(fe_em *em, ir_vid v, int n, ir_vid *out, rt_loc loc);

/* ---- calls (fe_emit_call.c) ---- */
/* Calls operator `qualname` ("aten::add") choosing the overload by the
 * arguments' static types and keyword names; the result is one value (a
 * tuple built with prim::TupleConstruct when the op returns several). */
ir_vid fe_call_op(fe_em *em, const char *qualname, const fe_args *args);
/* Calls a TorchScript function (self as first positional for methods). */
ir_vid fe_call_func(fe_em *em, ir_func *fn, ir_vid self, const fe_args *args);

/* ---- errors ---- */
#define FE_FAIL(em, st, loc, ...) fe_error_at((em)->fp, (em)->e, (st), (loc), __VA_ARGS__)

#endif /* FE_EMIT_IMPL_H */
