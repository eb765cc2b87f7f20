/* fe_emit_stmt.c — function bodies to IR: scopes, statements, assignment
 * and unpacking, `if` with merged branch values, `for`/`while` as one Loop
 * form with carried variables. The serializer's output is already close to
 * SSA: loops reassign their carried variables at the end of the body, and
 * `return` only ends a function body. */
#include <string.h>

#include "fe_emit_impl.h"

/* ---- scopes ---- */

fe_scope *fe_scope_push(fe_em *em)
{
    fe_scope *s = RT_ARENA_NEW(em->a, fe_scope);
    if (!s) {
        rt_err_nomem(em->e);
        return NULL;
    }
    s->parent = em->scope;
    fe_scope *saved = em->scope;
    em->scope = s;
    return saved;
}

void fe_scope_pop(fe_em *em, fe_scope *saved) { em->scope = saved; }

static int local_index(const fe_scope *s, const char *name)
{
    for (int i = s->n - 1; i >= 0; i--)
        if (!strcmp(s->names[i], name))
            return i;
    return -1;
}

ir_vid fe_scope_lookup(const fe_scope *s, const char *name)
{
    for (; s; s = s->parent) {
        int i = local_index(s, name);
        if (i >= 0)
            return s->vids[i];
    }
    return IR_NONE;
}

int fe_scope_bind(fe_em *em, fe_scope *s, const char *name, ir_vid v)
{
    int i = local_index(s, name);
    if (i >= 0) {
        s->vids[i] = v;
        return 0;
    }
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 8;
        const char **names = RT_ARENA_ARRAY(em->a, const char *, cap);
        ir_vid *vids = RT_ARENA_ARRAY(em->a, ir_vid, cap);
        if (!names || !vids)
            return rt_err_nomem(em->e);
        if (s->n) {
            memcpy(names, s->names, sizeof *names * (size_t)s->n);
            memcpy(vids, s->vids, sizeof *vids * (size_t)s->n);
        }
        s->names = names;
        s->vids = vids;
        s->cap = cap;
    }
    s->names[s->n] = name;
    s->vids[s->n] = v;
    s->n++;
    return 0;
}

int fe_bind_sugar(fe_em *em, const char *name, const sv *s)
{
    for (int i = 0; i < em->nsugar; i++) {
        if (!strcmp(em->sugar_names[i], name)) {
            em->sugar[i] = *s;
            return 0;
        }
    }
    if (em->nsugar == em->cap_sugar) {
        int cap = em->cap_sugar ? em->cap_sugar * 2 : 8;
        const char **names = RT_ARENA_ARRAY(em->a, const char *, cap);
        sv *vals = RT_ARENA_ARRAY(em->a, sv, cap);
        if (!names || !vals)
            return rt_err_nomem(em->e);
        if (em->nsugar) {
            memcpy(names, em->sugar_names, sizeof *names * (size_t)em->nsugar);
            memcpy(vals, em->sugar, sizeof *vals * (size_t)em->nsugar);
        }
        em->sugar_names = names;
        em->sugar = vals;
        em->cap_sugar = cap;
    }
    em->sugar_names[em->nsugar] = name;
    em->sugar[em->nsugar++] = *s;
    return 0;
}

const sv *fe_lookup_sugar(const fe_em *em, const char *name)
{
    for (int i = 0; i < em->nsugar; i++)
        if (!strcmp(em->sugar_names[i], name))
            return &em->sugar[i];
    return NULL;
}

/* ---- constants and raw ops ---- */

ir_vid fe_const_val(fe_em *em, rt_value v, const rt_type *t, rt_loc loc)
{
    ir_vid r = ir_const(em->g, em->blk, v, t, loc, em->e);
    rt_value_release(v); /* the graph holds its own reference */
    return r;
}

ir_vid fe_const_int(fe_em *em, int64_t i, rt_loc loc)
{
    return fe_const_val(em, rt_int(i), &rt_type_int, loc);
}

ir_vid fe_const_bool(fe_em *em, bool b, rt_loc loc)
{
    return fe_const_val(em, rt_bool(b), &rt_type_bool, loc);
}

ir_vid fe_const_none(fe_em *em, rt_loc loc)
{
    return fe_const_val(em, rt_none(), &rt_type_none, loc);
}

int fe_op_raw(fe_em *em, const char *full_name, const ir_vid *in, int nin,
              const rt_type *const *out_types, int nout, ir_vid *out, rt_loc loc)
{
    rt_op_id id = rt_op_lookup(full_name);
    if (id == RT_OP_COUNT)
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, loc, "operator '%s' is not supported", full_name);
    ir_nid n = ir_op(em->g, em->blk, id, in, (uint32_t)nin, out_types, (uint32_t)nout, loc, em->e);
    if (n == IR_NONE)
        return -1;
    for (int i = 0; i < nout; i++)
        out[i] = em->g->nodes[n].out[i];
    return 0;
}

const rt_type *fe_unify(fe_em *em, const rt_type *a, const rt_type *b)
{
    if (rt_type_equal(a, b))
        return a;
    if (a->kind == RT_T_NONE)
        return rt_type_optional(em->fp->arena, b);
    if (b->kind == RT_T_NONE)
        return rt_type_optional(em->fp->arena, a);
    if (rt_type_subtype(a, b))
        return b;
    if (rt_type_subtype(b, a))
        return a;
    if (a->kind == RT_T_ANY) /* Any only comes from unsupported operators */
        return b;
    if (b->kind == RT_T_ANY)
        return a;
    if (a->kind == RT_T_TUPLE && b->kind == RT_T_TUPLE && a->n == b->n && a->n <= 32) {
        const rt_type *els[32];
        for (int i = 0; i < a->n; i++)
            if (!(els[i] = fe_unify(em, a->elems[i], b->elems[i])))
                return NULL;
        return rt_type_tuple(em->fp->arena, els, a->n);
    }
    if (a->kind == RT_T_OPTIONAL && b->kind != RT_T_OPTIONAL) {
        const rt_type *u = fe_unify(em, a->elems[0], b);
        return u ? rt_type_optional(em->fp->arena, u) : NULL;
    }
    if (b->kind == RT_T_OPTIONAL && a->kind != RT_T_OPTIONAL) {
        const rt_type *u = fe_unify(em, a, b->elems[0]);
        return u ? rt_type_optional(em->fp->arena, u) : NULL;
    }
    return NULL;
}

/* ---- statements ---- */

static int emit_stmts(fe_em *em, const fe_stmt_list *l);

static bool is_raise_call(const fe_em *em, const fe_stmt *s)
{
    if (s->kind == FE_ST_RAISE)
        return true;
    if (s->kind != FE_ST_EXPR || s->u.expr->kind != FE_EX_CALL)
        return false;
    const char *fn = fe_expr_dotted(em->fp->arena, s->u.expr->u.call.fn);
    return fn && !strcmp(fn, "ops.prim.RaiseException");
}

static int bind_name(fe_em *em, const char *name, ir_vid v)
{
    return fe_scope_bind(em, em->scope, name, v);
}

/* Retypes v as t through prim::unchecked_cast when the types differ. */
static ir_vid cast_to(fe_em *em, ir_vid v, const rt_type *t, rt_loc loc)
{
    if (rt_type_equal(fe_vtype(em, v), t))
        return v;
    ir_vid out;
    if (fe_op_raw(em, "prim::unchecked_cast", &v, 1, &t, 1, &out, loc))
        return IR_NONE;
    return out;
}

static int assign_to(fe_em *em, const fe_expr *target, ir_vid v, rt_loc loc);

static int assign_many(fe_em *em, const fe_expr *target, const ir_vid *vals, int n, rt_loc loc)
{
    if (target->u.list.n != n)
        return FE_FAIL(em, TSJ_ERR_TYPE, loc, "cannot unpack %d values into %d targets", n,
                       target->u.list.n);
    for (int i = 0; i < n; i++)
        if (assign_to(em, target->u.list.items[i], vals[i], loc))
            return -1;
    return 0;
}

static int assign_to(fe_em *em, const fe_expr *target, ir_vid v, rt_loc loc)
{
    switch (target->kind) {
    case FE_EX_NAME:
        return bind_name(em, target->u.name, v);
    case FE_EX_TUPLE:
    case FE_EX_LIST: {
        int n = target->u.list.n;
        ir_vid *vals = RT_ARENA_ARRAY(em->a, ir_vid, n ? n : 1);
        if (!vals)
            return rt_err_nomem(em->e);
        if (fe_unpack(em, v, n, vals, loc))
            return -1;
        return assign_many(em, target, vals, n, loc);
    }
    case FE_EX_ATTR: {
        sv obj;
        if (fe_emit_sv(em, target->u.attr.obj, NULL, &obj))
            return -1;
        const rt_type *t = obj.k == SV_VAL ? fe_vtype(em, obj.v) : NULL;
        if (!t || t->kind != RT_T_CLASS || !t->cls)
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, target->loc,
                           "can only assign attributes of objects");
        const ir_class *c = t->cls;
        int slot = ir_class_find_attr(c, target->u.attr.name);
        if (slot < 0)
            return FE_FAIL(em, TSJ_ERR_TYPE, target->loc, "class %s has no attribute '%s'",
                           c->qualname, target->u.attr.name);
        ir_vid in[2] = {obj.v, v};
        ir_nid n = ir_node_append(em->g, em->blk, IR_SETATTR, in, 2, NULL, 0, NULL, 0, loc, em->e);
        if (n == IR_NONE)
            return -1;
        em->g->nodes[n].slot = (uint32_t)slot;
        em->g->nodes[n].name = c->attrs[slot].name;
        return 0;
    }
    case FE_EX_INDEX: {
        if (target->u.index.idx.n != 1)
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, target->loc,
                           "assignment to a multi-dimensional subscript is not supported");
        ir_vid obj = fe_emit_value(em, target->u.index.obj, NULL);
        if (obj == IR_NONE)
            return -1;
        if (fe_vtype(em, obj)->kind == RT_T_TENSOR)
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, target->loc,
                           "assignment into a tensor subscript is not supported");
        ir_vid idx = fe_emit_value(em, target->u.index.idx.items[0], NULL);
        if (idx == IR_NONE)
            return -1;
        ir_vid pos[3] = {obj, idx, v};
        fe_args args = {.pos = pos, .npos = 3, .loc = loc};
        return fe_call_op(em, "aten::_set_item", &args) == IR_NONE ? -1 : 0;
    }
    default:
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, target->loc, "cannot assign to this expression");
    }
}

static int emit_assign(fe_em *em, const fe_stmt *s)
{
    const fe_expr *target = s->u.assign.target, *value = s->u.assign.value;
    const rt_type *ann = NULL;
    if (s->u.assign.type && !(ann = fe_type_from_expr(em->fp, s->u.assign.type, em->e)))
        return -1;
    /* a, b = c, d: evaluate every right-hand side first */
    if ((target->kind == FE_EX_TUPLE || target->kind == FE_EX_LIST) &&
        value->kind == FE_EX_TUPLE && value->u.list.n == target->u.list.n) {
        int n = value->u.list.n;
        ir_vid *vals = RT_ARENA_ARRAY(em->a, ir_vid, n ? n : 1);
        if (!vals)
            return rt_err_nomem(em->e);
        for (int i = 0; i < n; i++)
            if ((vals[i] = fe_emit_value(em, value->u.list.items[i], NULL)) == IR_NONE)
                return -1;
        return assign_many(em, target, vals, n, s->loc);
    }
    if (!ann && target->kind == FE_EX_NAME) {
        sv sugared;
        if (fe_emit_sv(em, value, NULL, &sugared))
            return -1;
        if (sugared.k != SV_VAL)
            return fe_bind_sugar(em, target->u.name, &sugared);
        return assign_to(em, target, sugared.v, s->loc);
    }
    ir_vid v = fe_emit_value(em, value, ann);
    if (v == IR_NONE)
        return -1;
    if (ann) {
        if (!fe_fits(fe_vtype(em, v), ann)) {
            char a[128], b[128];
            return FE_FAIL(em, TSJ_ERR_TYPE, s->loc, "cannot assign a %s to a variable of type %s",
                           rt_type_format(fe_vtype(em, v), a, sizeof a),
                           rt_type_format(ann, b, sizeof b));
        }
        if ((v = cast_to(em, v, ann, s->loc)) == IR_NONE)
            return -1;
    }
    return assign_to(em, target, v, s->loc);
}

static int emit_augassign(fe_em *em, const fe_stmt *s)
{
    static const struct {
        fe_op op;
        const char *name;
    } ops[] = {{FE_OP_ADD, "aten::add"},      {FE_OP_SUB, "aten::sub"},
               {FE_OP_MUL, "aten::mul"},      {FE_OP_DIV, "aten::div"},
               {FE_OP_FLOORDIV, "aten::floordiv"}, {FE_OP_MOD, "aten::remainder"}};
    const char *name = NULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].op == s->u.augassign.op)
            name = ops[i].name;
    if (!name || s->u.augassign.target->kind != FE_EX_NAME)
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, s->loc, "unsupported augmented assignment");
    ir_vid pos[2];
    if ((pos[0] = fe_emit_value(em, s->u.augassign.target, NULL)) == IR_NONE ||
        (pos[1] = fe_emit_value(em, s->u.augassign.value, NULL)) == IR_NONE)
        return -1;
    fe_args args = {.pos = pos, .npos = 2, .loc = s->loc};
    ir_vid r = fe_call_op(em, name, &args);
    return r == IR_NONE ? -1 : assign_to(em, s->u.augassign.target, r, s->loc);
}

/* Names the statements assign (recursively), in first-seen order. */
static int collect_assigned(fe_em *em, const fe_stmt_list *l, const char ***names, int *n, int *cap);

static int add_name(fe_em *em, const char *name, const char ***names, int *n, int *cap)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp((*names)[i], name))
            return 0;
    if (*n == *cap) {
        int c = *cap ? *cap * 2 : 16;
        const char **nn = RT_ARENA_ARRAY(em->a, const char *, c);
        if (!nn)
            return rt_err_nomem(em->e);
        if (*n)
            memcpy(nn, *names, sizeof *nn * (size_t)*n);
        *names = nn;
        *cap = c;
    }
    (*names)[(*n)++] = name;
    return 0;
}

static int collect_target(fe_em *em, const fe_expr *t, const char ***names, int *n, int *cap)
{
    if (t->kind == FE_EX_NAME)
        return add_name(em, t->u.name, names, n, cap);
    if (t->kind == FE_EX_TUPLE || t->kind == FE_EX_LIST)
        for (int i = 0; i < t->u.list.n; i++)
            if (collect_target(em, t->u.list.items[i], names, n, cap))
                return -1;
    return 0;
}

static int collect_assigned(fe_em *em, const fe_stmt_list *l, const char ***names, int *n, int *cap)
{
    for (int i = 0; i < l->n; i++) {
        const fe_stmt *s = l->items[i];
        int rc = 0;
        switch (s->kind) {
        case FE_ST_ASSIGN: rc = collect_target(em, s->u.assign.target, names, n, cap); break;
        case FE_ST_AUGASSIGN: rc = collect_target(em, s->u.augassign.target, names, n, cap); break;
        case FE_ST_IF:
            rc = collect_assigned(em, &s->u.if_.then, names, n, cap) ||
                 collect_assigned(em, &s->u.if_.other, names, n, cap);
            break;
        case FE_ST_FOR:
            rc = collect_target(em, s->u.for_.target, names, n, cap) ||
                 collect_assigned(em, &s->u.for_.body, names, n, cap);
            break;
        case FE_ST_WHILE: rc = collect_assigned(em, &s->u.while_.body, names, n, cap); break;
        default: break;
        }
        if (rc)
            return -1;
    }
    return 0;
}

/* Emits a statement list into a fresh block; returns the block. */
static ir_bid emit_branch(fe_em *em, const fe_stmt_list *l, fe_scope **scope_out, bool *term)
{
    ir_bid b = ir_block_new(em->g, em->e);
    if (b == IR_NONE)
        return IR_NONE;
    ir_bid saved_blk = em->blk;
    bool saved_term = em->terminated;
    fe_scope *saved = fe_scope_push(em);
    if (!em->scope)
        return IR_NONE;
    em->blk = b;
    em->terminated = false;
    em->depth++;
    int rc = emit_stmts(em, l);
    em->depth--;
    *scope_out = em->scope;
    *term = em->terminated;
    fe_scope_pop(em, saved);
    em->blk = saved_blk;
    em->terminated = saved_term;
    return rc ? IR_NONE : b;
}

/* A placeholder value of type t in block b (for a branch that raised). */
static ir_vid uninit_in(fe_em *em, ir_bid b, const rt_type *t, rt_loc loc)
{
    ir_bid saved = em->blk;
    em->blk = b;
    ir_vid v;
    int rc = fe_op_raw(em, "prim::Uninitialized", NULL, 0, &t, 1, &v, loc);
    em->blk = saved;
    return rc ? IR_NONE : v;
}

static int emit_if(fe_em *em, const fe_stmt *s)
{
    ir_vid cond = fe_emit_cond(em, s->u.if_.cond);
    if (cond == IR_NONE)
        return -1;
    fe_scope *st, *se;
    bool tt, te;
    ir_bid bt = emit_branch(em, &s->u.if_.then, &st, &tt);
    if (bt == IR_NONE)
        return -1;
    ir_bid be = emit_branch(em, &s->u.if_.other, &se, &te);
    if (be == IR_NONE)
        return -1;
    /* the names either branch wrote, then-first */
    const char **names = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < st->n; i++)
        if (add_name(em, st->names[i], &names, &n, &cap))
            return -1;
    for (int i = 0; i < se->n; i++)
        if (add_name(em, se->names[i], &names, &n, &cap))
            return -1;
    ir_vid *rt = RT_ARENA_ARRAY(em->a, ir_vid, n + 1), *re = RT_ARENA_ARRAY(em->a, ir_vid, n + 1);
    const rt_type **types = RT_ARENA_ARRAY(em->a, const rt_type *, n + 1);
    const char **out_names = RT_ARENA_ARRAY(em->a, const char *, n + 1);
    if (!rt || !re || !types || !out_names)
        return rt_err_nomem(em->e);
    int nout = 0;
    for (int i = 0; i < n && !(tt && te); i++) {
        ir_vid vt = fe_scope_lookup(st, names[i]), ve = fe_scope_lookup(se, names[i]);
        if ((vt == IR_NONE && !tt) || (ve == IR_NONE && !te))
            continue; /* defined on one path only: not visible after */
        const rt_type *t;
        if (tt)
            t = fe_vtype(em, ve);
        else if (te)
            t = fe_vtype(em, vt);
        else if (!(t = fe_unify(em, fe_vtype(em, vt), fe_vtype(em, ve)))) {
            char a[128], b[128];
            return FE_FAIL(em, TSJ_ERR_TYPE, s->loc,
                           "'%s' is %s in the true branch and %s in the false branch", names[i],
                           rt_type_format(fe_vtype(em, vt), a, sizeof a),
                           rt_type_format(fe_vtype(em, ve), b, sizeof b));
        }
        if (vt == IR_NONE)
            vt = uninit_in(em, bt, t, s->loc);
        if (ve == IR_NONE)
            ve = uninit_in(em, be, t, s->loc);
        if (vt == IR_NONE || ve == IR_NONE)
            return -1;
        /* retype branch values to the merged type inside their blocks */
        ir_bid saved = em->blk;
        em->blk = bt;
        vt = cast_to(em, vt, t, s->loc);
        em->blk = be;
        ve = cast_to(em, ve, t, s->loc);
        em->blk = saved;
        if (vt == IR_NONE || ve == IR_NONE)
            return -1;
        rt[nout] = vt;
        re[nout] = ve;
        types[nout] = t;
        out_names[nout] = names[i];
        nout++;
    }
    if (ir_block_set_rets(em->g, bt, rt, (uint32_t)nout, em->e) ||
        ir_block_set_rets(em->g, be, re, (uint32_t)nout, em->e))
        return -1;
    ir_bid blocks[2] = {bt, be};
    ir_nid node = ir_node_append(em->g, em->blk, IR_IF, &cond, 1, types, (uint32_t)nout, blocks, 2,
                                 s->loc, em->e);
    if (node == IR_NONE)
        return -1;
    for (int i = 0; i < nout; i++)
        if (bind_name(em, out_names[i], em->g->nodes[node].out[i]))
            return -1;
    if (tt && te)
        em->terminated = true;
    return 0;
}

/* for/while share this: `iter_name` (may be NULL) gets the iteration
 * value, `range_start`/`range_step` (IR_NONE for 0/1) derive it. */
static int emit_loop(fe_em *em, const fe_stmt *s, ir_vid max_trip, ir_vid cond_init,
                     const fe_expr *target, ir_vid range_start, ir_vid range_step,
                     const fe_stmt_list *body, const fe_expr *while_cond)
{
    const char **assigned = NULL;
    int nassigned = 0, cap = 0;
    if (collect_assigned(em, body, &assigned, &nassigned, &cap))
        return -1;
    const char **carried = RT_ARENA_ARRAY(em->a, const char *, nassigned + 1);
    ir_vid *init = RT_ARENA_ARRAY(em->a, ir_vid, nassigned + 3);
    if (!carried || !init)
        return rt_err_nomem(em->e);
    int nc = 0;
    for (int i = 0; i < nassigned; i++) {
        ir_vid v = fe_scope_lookup(em->scope, assigned[i]);
        if (v != IR_NONE) {
            carried[nc] = assigned[i];
            init[2 + nc] = v;
            nc++;
        }
    }
    init[0] = max_trip;
    init[1] = cond_init;
    ir_bid b = ir_block_new(em->g, em->e);
    if (b == IR_NONE)
        return -1;
    ir_vid iter = ir_block_add_param(em->g, b, &rt_type_int, "i", em->e);
    if (iter == IR_NONE)
        return -1;
    ir_bid saved_blk = em->blk;
    bool saved_term = em->terminated;
    fe_scope *saved = fe_scope_push(em);
    if (!em->scope)
        return -1;
    fe_scope *body_scope = em->scope;
    for (int i = 0; i < nc; i++) {
        ir_vid p = ir_block_add_param(em->g, b, fe_vtype(em, init[2 + i]), carried[i], em->e);
        if (p == IR_NONE || fe_scope_bind(em, body_scope, carried[i], p))
            return -1;
    }
    em->blk = b;
    em->terminated = false;
    em->depth++;
    if (target) {
        ir_vid iv = iter;
        if (range_start != IR_NONE) { /* start + i * step */
            ir_vid pos[3] = {iter, range_start, range_step};
            fe_args args = {.pos = pos, .npos = 3, .loc = s->loc};
            if ((iv = fe_call_op(em, "aten::__derive_index", &args)) == IR_NONE)
                return -1;
        }
        if (assign_to(em, target, iv, s->loc))
            return -1;
    }
    if (emit_stmts(em, body))
        return -1;
    ir_vid *rets = RT_ARENA_ARRAY(em->a, ir_vid, nc + 1);
    if (!rets)
        return rt_err_nomem(em->e);
    rets[0] = while_cond ? fe_emit_cond(em, while_cond) : fe_const_bool(em, true, s->loc);
    if (rets[0] == IR_NONE)
        return -1;
    for (int i = 0; i < nc; i++) {
        ir_vid v = fe_scope_lookup(em->scope, carried[i]);
        const rt_type *want = fe_vtype(em, init[2 + i]);
        if (!fe_fits(fe_vtype(em, v), want)) {
            char a[128], bb[128];
            return FE_FAIL(em, TSJ_ERR_TYPE, s->loc,
                           "loop variable '%s' changes type from %s to %s in the loop body",
                           carried[i], rt_type_format(want, a, sizeof a),
                           rt_type_format(fe_vtype(em, v), bb, sizeof bb));
        }
        if ((rets[i + 1] = cast_to(em, v, want, s->loc)) == IR_NONE)
            return -1;
    }
    em->depth--;
    fe_scope_pop(em, saved);
    em->blk = saved_blk;
    em->terminated = saved_term;
    if (ir_block_set_rets(em->g, b, rets, (uint32_t)nc + 1, em->e))
        return -1;
    const rt_type **types = RT_ARENA_ARRAY(em->a, const rt_type *, nc + 1);
    if (!types)
        return rt_err_nomem(em->e);
    for (int i = 0; i < nc; i++)
        types[i] = fe_vtype(em, init[2 + i]);
    ir_nid node = ir_node_append(em->g, em->blk, IR_LOOP, init, (uint32_t)nc + 2, types,
                                 (uint32_t)nc, &b, 1, s->loc, em->e);
    if (node == IR_NONE)
        return -1;
    for (int i = 0; i < nc; i++)
        if (bind_name(em, carried[i], em->g->nodes[node].out[i]))
            return -1;
    return 0;
}

static int emit_for(fe_em *em, const fe_stmt *s)
{
    const fe_expr *it = s->u.for_.iter;
    const char *fn = it->kind == FE_EX_CALL ? fe_expr_dotted(em->fp->arena, it->u.call.fn) : NULL;
    ir_vid trip, start = IR_NONE, step = IR_NONE;
    if (fn && !strcmp(fn, "range") && it->u.call.nkwargs == 0 && it->u.call.args.n >= 1 &&
        it->u.call.args.n <= 3) {
        int n = it->u.call.args.n;
        ir_vid a[3];
        for (int i = 0; i < n; i++)
            if ((a[i] = fe_emit_value(em, it->u.call.args.items[i], NULL)) == IR_NONE)
                return -1;
        if (n == 1) {
            trip = a[0];
        } else {
            start = a[0];
            step = n == 3 ? a[2] : fe_const_int(em, 1, s->loc);
            ir_vid pos[3] = {a[0], a[1], step};
            fe_args args = {.pos = pos, .npos = 3, .loc = s->loc};
            if (step == IR_NONE || (trip = fe_call_op(em, "aten::__range_length", &args)) == IR_NONE)
                return -1;
        }
    } else {
        /* for x in <list or tuple>: a loop over indices */
        ir_vid seq = fe_emit_value(em, it, NULL);
        if (seq == IR_NONE)
            return -1;
        if (fe_vtype(em, seq)->kind != RT_T_LIST)
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, it->loc,
                           "for loops must iterate over range(...) or a list");
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, it->loc,
                       "for loops over lists are not supported yet; iterate over range(len(l))");
    }
    if (fe_vtype(em, trip)->kind != RT_T_INT)
        return FE_FAIL(em, TSJ_ERR_TYPE, it->loc, "range() needs int arguments");
    ir_vid t = fe_const_bool(em, true, s->loc);
    if (t == IR_NONE)
        return -1;
    return emit_loop(em, s, trip, t, s->u.for_.target, start, step, &s->u.for_.body, NULL);
}

static int emit_while(fe_em *em, const fe_stmt *s)
{
    ir_vid c = fe_emit_cond(em, s->u.while_.cond);
    if (c == IR_NONE)
        return -1;
    ir_vid trip = fe_const_int(em, INT64_MAX, s->loc);
    if (trip == IR_NONE)
        return -1;
    return emit_loop(em, s, trip, c, NULL, IR_NONE, IR_NONE, &s->u.while_.body,
                     s->u.while_.cond);
}

/* with ctx [as t]: body  ==  t = ctx.__enter__(); body; ctx.__exit__(None, None, None)
 * (an exception inside the body ends the call, so __exit__ only runs on the
 * normal path, which is all an inference engine can observe). */
static int emit_with(fe_em *em, const fe_stmt *s)
{
    ir_vid ctx = fe_emit_value(em, s->u.with_.ctx, NULL);
    if (ctx == IR_NONE)
        return -1;
    const rt_type *t = fe_vtype(em, ctx);
    ir_func *enter = t->kind == RT_T_CLASS && t->cls ? ir_class_find_method(t->cls, "__enter__") : NULL;
    ir_func *exit_ = t->kind == RT_T_CLASS && t->cls ? ir_class_find_method(t->cls, "__exit__") : NULL;
    if (!enter || !exit_)
        return FE_FAIL(em, TSJ_ERR_TYPE, s->loc,
                       "'with' needs an object whose class has __enter__ and __exit__");
    fe_args none_args = {.loc = s->loc};
    ir_vid entered = fe_call_func(em, enter, ctx, &none_args);
    if (entered == IR_NONE)
        return -1;
    if (s->u.with_.target && assign_to(em, s->u.with_.target, entered, s->loc))
        return -1;
    if (emit_stmts(em, &s->u.with_.body))
        return -1;
    ir_vid nones[3];
    for (int i = 0; i < 3; i++)
        if ((nones[i] = fe_const_none(em, s->loc)) == IR_NONE)
            return -1;
    fe_args exit_args = {.pos = nones, .npos = 3, .loc = s->loc};
    return fe_call_func(em, exit_, ctx, &exit_args) == IR_NONE ? -1 : 0;
}

static int emit_stmt(fe_em *em, const fe_stmt *s)
{
    if (em->has_ret && em->depth == 0)
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, s->loc, "statement after return");
    switch (s->kind) {
    case FE_ST_EXPR: {
        sv v;
        if (fe_emit_sv(em, s->u.expr, NULL, &v))
            return -1;
        if (is_raise_call(em, s))
            em->terminated = true;
        return 0;
    }
    case FE_ST_ASSIGN: return emit_assign(em, s);
    case FE_ST_AUGASSIGN: return emit_augassign(em, s);
    case FE_ST_IF: return emit_if(em, s);
    case FE_ST_FOR: return emit_for(em, s);
    case FE_ST_WHILE: return emit_while(em, s);
    case FE_ST_PASS: return 0;
    case FE_ST_RETURN:
        if (em->depth != 0)
            return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, s->loc,
                           "return inside a block is not supported (TorchScript's serializer "
                           "never writes one)");
        if (s->u.ret) {
            if ((em->ret = fe_emit_value(em, s->u.ret, em->fn->ret)) == IR_NONE)
                return -1;
        } else if ((em->ret = fe_const_none(em, s->loc)) == IR_NONE) {
            return -1;
        }
        em->has_ret = true;
        return 0;
    case FE_ST_BREAK:
    case FE_ST_CONTINUE:
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, s->loc,
                       "break/continue are not supported (the serializer rewrites them)");
    case FE_ST_WITH:
        return emit_with(em, s);
    case FE_ST_RAISE:
    case FE_ST_ASSERT:
    case FE_ST_DEL:
    default:
        return FE_FAIL(em, TSJ_ERR_UNSUPPORTED, s->loc, "this statement is not supported");
    }
}

static int emit_stmts(fe_em *em, const fe_stmt_list *l)
{
    for (int i = 0; i < l->n; i++)
        if (emit_stmt(em, l->items[i]))
            return -1;
    return 0;
}

int fe_emit_func(fe_program *fp, ir_func *fn, rt_err *e)
{
    if (fn->graph)
        return 0;
    fe_fstate *st = fn->emit_state;
    if (!st)
        return rt_err_set(e, TSJ_ERR_UNSUPPORTED, "function %s has no source", fn->qualname);
    if (st->emitting)
        return fe_error_at(fp, e, TSJ_ERR_UNSUPPORTED, fn->loc,
                           "recursive call of %s is not supported", fn->qualname);
    st->emitting = 1;
    rt_arena tmp;
    rt_arena_init(&tmp);
    fe_em em = {.fp = fp, .fn = fn, .a = &tmp, .e = e, .blk = 0};
    int rc = -1;
    em.g = ir_graph_new(e);
    if (!em.g)
        goto out;
    fe_scope_push(&em);
    if (!em.scope)
        goto out;
    for (uint32_t i = 0; i < fn->nargs; i++) {
        ir_vid p = ir_block_add_param(em.g, 0, fn->args[i].type, fn->args[i].name, e);
        if (p == IR_NONE || fe_scope_bind(&em, em.scope, fn->args[i].name, p))
            goto out;
    }
    if (emit_stmts(&em, &st->ast->body))
        goto out;
    if (!em.has_ret && (em.ret = fe_const_none(&em, fn->loc)) == IR_NONE)
        goto out;
    if (fn->ret) {
        if (!fe_fits(fe_vtype(&em, em.ret), fn->ret)) {
            char a[128], b[128];
            fe_error_at(fp, e, TSJ_ERR_TYPE, fn->loc, "%s returns %s but is declared to return %s",
                        fn->qualname, rt_type_format(fe_vtype(&em, em.ret), a, sizeof a),
                        rt_type_format(fn->ret, b, sizeof b));
            goto out;
        }
        if ((em.ret = cast_to(&em, em.ret, fn->ret, fn->loc)) == IR_NONE)
            goto out;
    } else {
        fn->ret = fe_vtype(&em, em.ret);
    }
    if (ir_block_set_rets(em.g, 0, &em.ret, 1, e))
        goto out;
    fn->graph = em.g;
    em.g = NULL;
    rc = 0;
out:
    ir_graph_free(em.g);
    rt_arena_free(&tmp);
    st->emitting = 0;
    return rc;
}
