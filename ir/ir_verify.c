/* ir_verify.c — structural and type checks of a graph: ids in range, every
 * value defined once and used only where its definition dominates (inside
 * the blocks nested below it, never after the If/Loop that encloses it),
 * If/Loop arities and types, op arities and types against the schemas,
 * attribute and call checks. Errors name the node, the value and the rule. */
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"

typedef struct verifier {
    const ir_graph *g;
    rt_err *e;
    uint8_t *state;  /* per value: 0 unseen, 1 visible, 2 defined then out of scope */
    uint8_t *seen_block;
    uint8_t *seen_node;
    ir_vid *stack;   /* values made visible, in order, for scope exits  */
    uint32_t nstack;
} verifier;

/* Lenient type compatibility: `have` may flow where `want` is expected.
 * Accepts the implicit forms kernels accept (int for float, ints for
 * ScalarType/Layout, str for Device, a single int for int[N]) and, for
 * refinements the frontend leaves implicit, Optional[T] for T. */
static bool compat(const rt_type *have, const rt_type *want)
{
    if (!have || !want)
        return true;
    if (have->kind == RT_T_ANY || want->kind == RT_T_ANY || have->kind == RT_T_VAR ||
        want->kind == RT_T_VAR)
        return true;
    if (rt_type_subtype(have, want))
        return true;
    rt_tkind h = have->kind, w = want->kind;
    if (w == RT_T_OPTIONAL)
        return h == RT_T_NONE || compat(h == RT_T_OPTIONAL ? have->elems[0] : have, want->elems[0]);
    if (h == RT_T_OPTIONAL)
        return compat(have->elems[0], want);
    if (w == RT_T_UNION || h == RT_T_UNION)
        return true;
    bool hnum = h == RT_T_INT || h == RT_T_FLOAT || h == RT_T_BOOL || h == RT_T_NUMBER ||
                h == RT_T_LAYOUT;
    bool wnum = w == RT_T_INT || w == RT_T_FLOAT || w == RT_T_BOOL || w == RT_T_NUMBER ||
                w == RT_T_LAYOUT;
    if (w == RT_T_NUMBER || h == RT_T_NUMBER)
        return hnum && wnum;
    if ((w == RT_T_LAYOUT || w == RT_T_INT) && (h == RT_T_LAYOUT || h == RT_T_INT))
        return true;
    if (w == RT_T_FLOAT && (h == RT_T_INT || h == RT_T_LAYOUT))
        return true;
    if ((w == RT_T_DEVICE && h == RT_T_STR) || (w == RT_T_STR && h == RT_T_DEVICE))
        return true;
    if (w == RT_T_LIST && h != RT_T_LIST)
        return compat(have, want->elems[0]); /* int[N] given one int */
    if (h != w || have->n != want->n)
        return false;
    if (h == RT_T_CLASS)
        return (have->cls && want->cls) ? have->cls == want->cls
                                        : strcmp(have->name, want->name) == 0;
    for (int i = 0; i < have->n; i++)
        if (!compat(have->elems[i], want->elems[i]))
            return false;
    return true;
}

#define NODE(n) ir_node_label(v->g, (n), nbuf, sizeof nbuf)
#define VAL(x) ir_value_label(v->g, (x), vbuf, sizeof vbuf)
#define TY(t) rt_type_format((t), tbuf, sizeof tbuf)
#define TY2(t) rt_type_format((t), tbuf2, sizeof tbuf2)

static int vfail(verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vfail(verifier *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_err_vset(v->e, TSJ_ERR_INTERNAL, fmt, ap);
    va_end(ap);
    rt_err_prefix(v->e, "ir_verify");
    return -1;
}

static int use(verifier *v, ir_vid x, ir_nid user, ir_bid blk, const char *what)
{
    char nbuf[512], vbuf[160];
    if (x >= v->g->nvalues) {
        if (user != IR_NONE)
            return vfail(v, "%s: %s is a bad value id %u", NODE(user), what, x);
        return vfail(v, "block %u: %s is a bad value id %u", blk, what, x);
    }
    if (v->state[x] == 1)
        return 0;
    const char *why = v->state[x] == 2
                          ? "which is defined in a block that does not enclose this use "
                            "(values leave If/Loop blocks only as outputs)"
                          : "which is not defined before it";
    if (user != IR_NONE)
        return vfail(v, "%s uses %s as %s, %s", NODE(user), VAL(x), what, why);
    return vfail(v, "block %u returns %s as %s, %s", blk, VAL(x), what, why);
}

static int define(verifier *v, ir_vid x)
{
    char vbuf[160];
    if (v->state[x])
        return vfail(v, "%s is defined twice", VAL(x));
    v->state[x] = 1;
    v->stack[v->nstack++] = x;
    return 0;
}

static int check_node(verifier *v, ir_nid n);

static int check_block(verifier *v, ir_bid b, ir_nid owner)
{
    char vbuf[160];
    const ir_graph *g = v->g;
    if (b >= g->nblocks)
        return vfail(v, "bad block id %u", b);
    if (v->seen_block[b])
        return vfail(v, "block %u is owned by two nodes", b);
    v->seen_block[b] = 1;
    const ir_block *blk = &g->blocks[b];
    if (blk->owner != owner)
        return vfail(v, "block %u records owner %d but belongs to node %d", b, (int)blk->owner,
                     (int)owner);
    uint32_t mark = v->nstack;
    for (uint32_t i = 0; i < blk->nparams; i++) {
        ir_vid p = blk->params[i];
        if (p >= g->nvalues)
            return vfail(v, "block %u: param %u is a bad value id %u", b, i, p);
        const ir_value *pv = &g->values[p];
        if (pv->def != IR_NONE || pv->block != b || pv->index != i)
            return vfail(v, "block %u: param %s does not record itself as param %u of it", b,
                         VAL(p), i);
        if (!pv->type)
            return vfail(v, "block %u: param %s has no type", b, VAL(p));
        if (define(v, p))
            return -1;
    }
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        ir_nid n = blk->nodes[i];
        if (n >= g->nnodes)
            return vfail(v, "block %u lists a bad node id %u", b, n);
        if (v->seen_node[n])
            return vfail(v, "node %u is listed twice", n);
        v->seen_node[n] = 1;
        if (g->nodes[n].dead)
            return vfail(v, "block %u lists the removed node %u", b, n);
        if (g->nodes[n].parent != b)
            return vfail(v, "node %u is in block %u but records parent %u", n, b,
                         g->nodes[n].parent);
        if (check_node(v, n))
            return -1;
    }
    for (uint32_t i = 0; i < blk->nrets; i++)
        if (use(v, blk->rets[i], IR_NONE, b, "a return"))
            return -1;
    /* leave the scope: values defined here are no longer visible */
    while (v->nstack > mark)
        v->state[v->stack[--v->nstack]] = 2;
    return 0;
}

static int check_arity(verifier *v, ir_nid n, uint32_t nin, uint32_t nout, uint32_t nblocks)
{
    char nbuf[512];
    const ir_node *nd = &v->g->nodes[n];
    if (nin != IR_NONE && nd->nin != nin)
        return vfail(v, "%s has %u inputs, expected %u", NODE(n), nd->nin, nin);
    if (nout != IR_NONE && nd->nout != nout)
        return vfail(v, "%s has %u outputs, expected %u", NODE(n), nd->nout, nout);
    if (nd->nblocks != nblocks)
        return vfail(v, "%s has %u blocks, expected %u", NODE(n), nd->nblocks, nblocks);
    return 0;
}

static const rt_type *vtype(const verifier *v, ir_vid x) { return v->g->values[x].type; }

static int check_in_type(verifier *v, ir_nid n, uint32_t i, const rt_type *want,
                         const char *what)
{
    char nbuf[512], vbuf[160], tbuf[256], tbuf2[256];
    ir_vid x = v->g->nodes[n].in[i];
    if (!compat(vtype(v, x), want))
        return vfail(v, "%s: input %u (%s) %s has type %s, expected %s", NODE(n), i, what,
                     VAL(x), TY(vtype(v, x)), TY2(want));
    return 0;
}

static int check_attr_node(verifier *v, ir_nid n, const ir_node *nd)
{
    char nbuf[512], tbuf[256], tbuf2[256];
    const rt_type *ot = vtype(v, nd->in[0]);
    if (!nd->name)
        return vfail(v, "%s has no attribute name", NODE(n));
    if (ot->kind != RT_T_CLASS)
        return vfail(v, "%s: the object has type %s, not a class", NODE(n), TY(ot));
    const ir_class *c = ot->cls;
    if (!c)
        return 0; /* an unresolved class: nothing more to check */
    int slot = ir_class_find_attr(c, nd->name);
    if (slot < 0)
        return vfail(v, "%s: class %s has no attribute '%s'", NODE(n), c->qualname, nd->name);
    if (nd->slot != (uint32_t)slot)
        return vfail(v, "%s: slot %u, but '%s' is slot %d of %s", NODE(n), nd->slot, nd->name,
                     slot, c->qualname);
    const rt_type *at = c->attrs[slot].type;
    const rt_type *vt = nd->kind == IR_GETATTR ? vtype(v, nd->out[0]) : vtype(v, nd->in[1]);
    if (at && !compat(vt, at) && !compat(at, vt))
        return vfail(v, "%s: attribute '%s' has type %s, the value %s", NODE(n), nd->name,
                     TY(at), TY2(vt));
    return 0;
}

static int check_op(verifier *v, ir_nid n, const ir_node *nd)
{
    char nbuf[512], vbuf[160], tbuf[256], tbuf2[256];
    const rt_op *op = rt_op_get(nd->op);
    if (!op)
        return vfail(v, "node %u: bad operator id %d", n, (int)nd->op);
    const rt_schema *s = &op->schema;
    bool varargs = s->varargs || (op->flags & RT_OPF_VARARGS);
    bool varouts = s->varret || (op->flags & RT_OPF_VAROUTS);
    if (nd->nblocks)
        return vfail(v, "%s: an operator node has blocks", NODE(n));
    if (!varargs && nd->nin != (uint32_t)s->nargs)
        return vfail(v, "%s has %u inputs, its schema '%s' takes %d", NODE(n), nd->nin,
                     op->schema_text, s->nargs);
    if (!varouts && nd->nout != (uint32_t)s->nrets)
        return vfail(v, "%s has %u outputs, its schema '%s' returns %d", NODE(n), nd->nout,
                     op->schema_text, s->nrets);
    if (!varargs)
        for (uint32_t i = 0; i < nd->nin; i++)
            if (check_in_type(v, n, i, s->args[i].type, s->args[i].name))
                return -1;
    if (!varouts)
        for (uint32_t i = 0; i < nd->nout; i++) {
            const rt_type *have = vtype(v, nd->out[i]), *want = s->rets[i].type;
            if (!compat(have, want) && !compat(want, have))
                return vfail(v, "%s: output %s has type %s, the schema returns %s", NODE(n),
                             VAL(nd->out[i]), TY(have), TY2(want));
        }
    return 0;
}

static int check_node(verifier *v, ir_nid n)
{
    char nbuf[512], vbuf[160], tbuf[256], tbuf2[256];
    const ir_graph *g = v->g;
    const ir_node *nd = &g->nodes[n];
    if (nd->kind >= IR_NKIND_COUNT)
        return vfail(v, "node %u has a bad kind %d", n, nd->kind);
    for (uint32_t i = 0; i < nd->nin; i++) {
        char what[32];
        snprintf(what, sizeof what, "input %u", i);
        if (use(v, nd->in[i], n, nd->parent, what))
            return -1;
    }
    for (uint32_t i = 0; i < nd->nout; i++) {
        ir_vid o = nd->out[i];
        if (o >= g->nvalues)
            return vfail(v, "%s: output %u is a bad value id %u", NODE(n), i, o);
        if (g->values[o].def != n || g->values[o].index != i)
            return vfail(v, "%s: output %s does not record itself as output %u of it",
                         NODE(n), VAL(o), i);
        if (!g->values[o].type)
            return vfail(v, "%s: output %s has no type", NODE(n), VAL(o));
    }
    switch ((ir_nkind)nd->kind) {
    case IR_CONST:
        if (check_arity(v, n, 0, 1, 0))
            return -1;
        if (!rt_value_matches(nd->attr, vtype(v, nd->out[0])) &&
            vtype(v, nd->out[0])->kind != RT_T_CLASS) {
            char vt[128];
            return vfail(v, "%s: the constant is a %s, its output has type %s", NODE(n),
                         rt_value_type_str(nd->attr, vt, sizeof vt), TY(vtype(v, nd->out[0])));
        }
        break;
    case IR_OP:
        if (check_op(v, n, nd))
            return -1;
        break;
    case IR_IF: {
        if (check_arity(v, n, 1, IR_NONE, 2))
            return -1;
        if (vtype(v, nd->in[0])->kind != RT_T_BOOL)
            return vfail(v, "%s: the condition %s has type %s, not bool", NODE(n),
                         VAL(nd->in[0]), TY(vtype(v, nd->in[0])));
        for (uint32_t k = 0; k < 2; k++) {
            if (nd->blocks[k] >= g->nblocks)
                return vfail(v, "%s: bad block id %u", NODE(n), nd->blocks[k]);
            const ir_block *b = &g->blocks[nd->blocks[k]];
            if (b->nparams)
                return vfail(v, "%s: block%u has %u params, expected none", NODE(n), k,
                             b->nparams);
            if (check_block(v, nd->blocks[k], n))
                return -1;
            b = &g->blocks[nd->blocks[k]];
            if (b->nrets != nd->nout)
                return vfail(v, "%s: block%u returns %u values for %u outputs", NODE(n), k,
                             b->nrets, nd->nout);
            for (uint32_t i = 0; i < b->nrets; i++)
                if (!compat(vtype(v, b->rets[i]), vtype(v, nd->out[i])))
                    return vfail(v, "%s: block%u returns %s of type %s for output %u of type %s",
                                 NODE(n), k, VAL(b->rets[i]), TY(vtype(v, b->rets[i])), i,
                                 TY2(vtype(v, nd->out[i])));
        }
        break;
    }
    case IR_LOOP: {
        if (nd->nin < 2)
            return vfail(v, "%s has %u inputs, expected (max_trip, cond, carried...)",
                         NODE(n), nd->nin);
        uint32_t nc = nd->nin - 2;
        if (check_arity(v, n, IR_NONE, nc, 1))
            return -1;
        if (!compat(vtype(v, nd->in[0]), &rt_type_int))
            return vfail(v, "%s: max_trip %s has type %s, not int", NODE(n), VAL(nd->in[0]),
                         TY(vtype(v, nd->in[0])));
        if (vtype(v, nd->in[1])->kind != RT_T_BOOL)
            return vfail(v, "%s: the condition %s has type %s, not bool", NODE(n),
                         VAL(nd->in[1]), TY(vtype(v, nd->in[1])));
        if (nd->blocks[0] >= g->nblocks)
            return vfail(v, "%s: bad block id %u", NODE(n), nd->blocks[0]);
        const ir_block *b = &g->blocks[nd->blocks[0]];
        if (b->nparams != nc + 1)
            return vfail(v, "%s: the body has %u params, expected %u (iter, carried...)",
                         NODE(n), b->nparams, nc + 1);
        if (b->nparams && b->params[0] < g->nvalues &&
            !compat(vtype(v, b->params[0]), &rt_type_int))
            return vfail(v, "%s: the iteration param has type %s, not int", NODE(n),
                         TY(vtype(v, b->params[0])));
        if (check_block(v, nd->blocks[0], n))
            return -1;
        b = &g->blocks[nd->blocks[0]];
        if (b->nrets != nc + 1)
            return vfail(v, "%s: the body returns %u values, expected %u (cond, carried...)",
                         NODE(n), b->nrets, nc + 1);
        if (vtype(v, b->rets[0])->kind != RT_T_BOOL)
            return vfail(v, "%s: the body's condition %s has type %s, not bool", NODE(n),
                         VAL(b->rets[0]), TY(vtype(v, b->rets[0])));
        for (uint32_t i = 0; i < nc; i++) {
            const rt_type *ot = vtype(v, nd->out[i]);
            const rt_type *pt = vtype(v, b->params[i + 1]);
            if (!rt_type_equal(pt, ot))
                return vfail(v, "%s: carried value %u: the body param %s has type %s, the "
                             "output type %s", NODE(n), i, VAL(b->params[i + 1]), TY(pt), TY2(ot));
            if (!compat(vtype(v, nd->in[i + 2]), ot))
                return vfail(v, "%s: carried value %u: the initial %s has type %s, the "
                             "output type %s", NODE(n), i, VAL(nd->in[i + 2]),
                             TY(vtype(v, nd->in[i + 2])), TY2(ot));
            if (!compat(vtype(v, b->rets[i + 1]), ot))
                return vfail(v, "%s: carried value %u: the body returns %s of type %s, the "
                             "output type %s", NODE(n), i, VAL(b->rets[i + 1]),
                             TY(vtype(v, b->rets[i + 1])), TY2(ot));
        }
        break;
    }
    case IR_GETATTR:
        if (check_arity(v, n, 1, 1, 0) || check_attr_node(v, n, nd))
            return -1;
        break;
    case IR_SETATTR:
        if (check_arity(v, n, 2, 0, 0) || check_attr_node(v, n, nd))
            return -1;
        break;
    case IR_CALL: {
        if (nd->nblocks)
            return vfail(v, "%s: a call has blocks", NODE(n));
        const ir_func *f = nd->fn;
        if (!f)
            return vfail(v, "%s has no callee", NODE(n));
        if (f->args && nd->nin != f->nargs)
            return vfail(v, "%s: %u arguments for %s, which takes %u", NODE(n), nd->nin,
                         f->qualname, f->nargs);
        for (uint32_t i = 0; f->args && i < nd->nin; i++)
            if (check_in_type(v, n, i, f->args[i].type, f->args[i].name))
                return -1;
        if (f->ret && nd->nout != 1)
            return vfail(v, "%s has %u outputs, a call returns one value", NODE(n), nd->nout);
        if (f->ret && !compat(f->ret, vtype(v, nd->out[0])) &&
            !compat(vtype(v, nd->out[0]), f->ret))
            return vfail(v, "%s: output %s has type %s, %s returns %s", NODE(n),
                         VAL(nd->out[0]), TY(vtype(v, nd->out[0])), f->qualname, TY2(f->ret));
        break;
    }
    case IR_CREATE_OBJECT:
        if (check_arity(v, n, 0, 1, 0))
            return -1;
        if (!nd->cls)
            return vfail(v, "%s has no class", NODE(n));
        if (vtype(v, nd->out[0])->kind != RT_T_CLASS)
            return vfail(v, "%s: output has type %s, not a class", NODE(n),
                         TY(vtype(v, nd->out[0])));
        break;
    default:
        break;
    }
    if (nd->kind != IR_IF && nd->kind != IR_LOOP && nd->nblocks)
        return vfail(v, "%s has blocks", NODE(n));
    for (uint32_t i = 0; i < nd->nout; i++)
        if (define(v, nd->out[i]))
            return -1;
    return 0;
}

int ir_verify(const ir_graph *g, rt_err *e)
{
    if (!g || g->nblocks == 0)
        return rt_err_set(e, TSJ_ERR_INTERNAL, "ir_verify: a graph without a body");
    if (rt_ops_init(e))
        return -1;
    verifier v = {.g = g, .e = e};
    v.state = calloc(g->nvalues + 1, 1);
    v.seen_block = calloc(g->nblocks + 1, 1);
    v.seen_node = calloc(g->nnodes + 1, 1);
    v.stack = malloc((g->nvalues + 1) * sizeof *v.stack);
    int rc;
    if (!v.state || !v.seen_block || !v.seen_node || !v.stack)
        rc = rt_err_nomem(e);
    else
        rc = check_block(&v, 0, IR_NONE);
    free(v.state);
    free(v.seen_block);
    free(v.seen_node);
    free(v.stack);
    return rc;
}
