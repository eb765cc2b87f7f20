/* ir_pass_constprop.c — constant propagation: a pure op whose inputs are
 * all constants is run once through its kernel and replaced by its
 * results; an If on a constant condition becomes its taken branch; a Loop
 * that never runs (max_trip <= 0 or a false condition) becomes its
 * initial values.
 *
 * Not folded: ops flagged IMPURE, INPLACE or NOFOLD, ops with mutable
 * alias arguments or without outputs, results with more than
 * CONSTPROP_MAX_ELEMS tensor elements, kernels that fail (the error
 * surfaces at run time, where it belongs), and results that may be
 * mutated later — a constant is one object shared by every run, so a
 * value that reaches an in-place op, a call, a SetAttr, an impure op or
 * the graph's return (directly or through an op whose result may alias
 * its arguments: views, containers) is left to be computed at run time. */
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"
#include "rt_tensor.h"

#define CONSTPROP_MAX_ELEMS 4096

typedef struct cprop {
    ir_graph *g;
    uint8_t *tainted; /* per value: may be mutated or escape */
    rt_err *e;
} cprop;

/* Can a value of this type be changed in place (tensors, lists, ...)? */
static bool type_mutable(const rt_type *t)
{
    switch (t->kind) {
    case RT_T_INT:
    case RT_T_FLOAT:
    case RT_T_BOOL:
    case RT_T_STR:
    case RT_T_NONE:
    case RT_T_NUMBER:
    case RT_T_DEVICE:
    case RT_T_LAYOUT:
        return false;
    case RT_T_OPTIONAL:
        return type_mutable(t->elems[0]);
    case RT_T_TUPLE:
        for (int i = 0; i < t->n; i++)
            if (type_mutable(t->elems[i]))
                return true;
        return false;
    default:
        return true;
    }
}

/* Marks v as possibly mutated; values of immutable types never are. */
static bool taint(cprop *c, ir_vid v)
{
    if (v >= c->g->nvalues || c->tainted[v] || !type_mutable(c->g->values[v].type))
        return false;
    c->tainted[v] = 1;
    return true;
}

static void seed_block(cprop *c, ir_bid b)
{
    const ir_graph *g = c->g;
    const ir_block *blk = &g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        const ir_node *nd = &g->nodes[blk->nodes[i]];
        switch (nd->kind) {
        case IR_OP: {
            const rt_op *op = rt_op_get(nd->op);
            if (!op)
                break;
            if (op->flags & RT_OPF_IMPURE) {
                for (uint32_t k = 0; k < nd->nin; k++)
                    taint(c, nd->in[k]);
            } else if ((op->flags & RT_OPF_INPLACE) && nd->nin) {
                taint(c, nd->in[0]);
            }
            for (int k = 0; k < op->schema.nargs && (uint32_t)k < nd->nin; k++)
                if (op->schema.args[k].is_out_alias)
                    taint(c, nd->in[k]);
            break;
        }
        case IR_SETATTR:
        case IR_CALL:
            for (uint32_t k = 0; k < nd->nin; k++)
                taint(c, nd->in[k]);
            break;
        default:
            break;
        }
        for (uint32_t k = 0; k < nd->nblocks; k++)
            seed_block(c, nd->blocks[k]);
    }
}

/* May a result of this op share an object with an argument? True when
 * the schema's returns carry an alias annotation ("Tensor(a)"), or return
 * containers, Any or a type variable (which may hold the arguments). */
static bool op_may_alias(const rt_op *op)
{
    if (op->flags & (RT_OPF_VARARGS | RT_OPF_VAROUTS) || op->schema.varret)
        return true;
    const char *arrow = strstr(op->schema_text, ") ->");
    if (arrow && strchr(arrow + 4, '('))
        for (const char *q = strchr(arrow + 4, '('); q; q = strchr(q + 1, '('))
            if ((q[1] >= 'a' && q[1] <= 'z') && q > arrow + 4 && q[-1] != ' ')
                return true;
    for (int i = 0; i < op->schema.nrets; i++) {
        rt_tkind k = op->schema.rets[i].type->kind;
        if (k == RT_T_LIST || k == RT_T_TUPLE || k == RT_T_DICT || k == RT_T_ANY ||
            k == RT_T_VAR || k == RT_T_OPTIONAL || k == RT_T_UNION || k == RT_T_CLASS)
            return true;
    }
    return false;
}

/* One sweep of alias propagation; returns whether anything changed. */
static bool spread_block(cprop *c, ir_bid b)
{
    const ir_graph *g = c->g;
    const ir_block *blk = &g->blocks[b];
    bool changed = false;
    for (uint32_t i = blk->nnodes; i-- > 0;) {
        const ir_node *nd = &g->nodes[blk->nodes[i]];
        for (uint32_t k = 0; k < nd->nblocks; k++)
            changed |= spread_block(c, nd->blocks[k]);
        if (nd->kind == IR_OP && rt_op_get(nd->op) && op_may_alias(rt_op_get(nd->op))) {
            bool any = false;
            for (uint32_t k = 0; k < nd->nout; k++)
                any |= c->tainted[nd->out[k]] != 0;
            if (any) /* a result may alias any argument */
                for (uint32_t k = 0; k < nd->nin; k++)
                    changed |= taint(c, nd->in[k]);
        } else if (nd->kind == IR_IF) {
            for (uint32_t k = 0; k < nd->nout; k++)
                if (c->tainted[nd->out[k]])
                    for (uint32_t j = 0; j < 2; j++)
                        changed |= taint(c, g->blocks[nd->blocks[j]].rets[k]);
        } else if (nd->kind == IR_LOOP) {
            const ir_block *body = &g->blocks[nd->blocks[0]];
            for (uint32_t k = 0; k < nd->nout; k++) {
                if (c->tainted[nd->out[k]] || c->tainted[body->params[k + 1]] ||
                    c->tainted[body->rets[k + 1]] || c->tainted[nd->in[k + 2]]) {
                    changed |= taint(c, nd->out[k]);
                    changed |= taint(c, body->params[k + 1]);
                    changed |= taint(c, body->rets[k + 1]);
                    changed |= taint(c, nd->in[k + 2]);
                }
            }
        }
    }
    return changed;
}

static int64_t value_elems(rt_value v, int depth)
{
    if (depth > 16)
        return CONSTPROP_MAX_ELEMS + 1;
    if (v.kind == RT_TENSOR)
        return rt_tensor_numel(v.u.tensor);
    if (v.kind == RT_LIST || v.kind == RT_TUPLE) {
        int64_t n = 0;
        for (size_t i = 0; i < v.u.list->len && n <= CONSTPROP_MAX_ELEMS; i++)
            n += value_elems(v.u.list->items[i], depth + 1);
        return n;
    }
    if (v.kind == RT_DICT)
        return CONSTPROP_MAX_ELEMS + 1; /* not folded */
    return 0;
}

static bool may_fold(const cprop *c, const ir_node *nd)
{
    const rt_op *op = rt_op_get(nd->op);
    if (!op || !op->kernel || nd->nout == 0 ||
        (op->flags & (RT_OPF_IMPURE | RT_OPF_INPLACE | RT_OPF_NOFOLD)))
        return false;
    for (int k = 0; k < op->schema.nargs; k++)
        if (op->schema.args[k].is_out_alias)
            return false;
    for (uint32_t k = 0; k < nd->nin; k++)
        if (!ir_value_const(c->g, nd->in[k]))
            return false;
    for (uint32_t k = 0; k < nd->nout; k++)
        if (c->tainted[nd->out[k]])
            return false;
    return true;
}

/* Runs the kernel of node n and replaces the node by constants. */
static int fold_op(cprop *c, ir_nid n)
{
    ir_graph *g = c->g;
    const ir_node *nd = &g->nodes[n];
    const rt_op *op = rt_op_get(nd->op);
    uint32_t nin = nd->nin, nout = nd->nout;
    rt_value *vals = calloc(nin + nout + 1, sizeof *vals);
    if (!vals)
        return rt_err_nomem(c->e);
    rt_value *in = vals, *out = vals + nin;
    for (uint32_t k = 0; k < nin; k++)
        in[k] = *ir_value_const(g, nd->in[k]);
    rt_err kerr;
    rt_err_clear(&kerr);
    rt_ctx ctx = {.err = &kerr, .threads = 1, .model = NULL};
    int rc = 0;
    if (op->kernel(&ctx, in, (int)nin, out, (int)nout) == 0) {
        bool ok = true;
        for (uint32_t k = 0; k < nout; k++)
            ok &= value_elems(out[k], 0) <= CONSTPROP_MAX_ELEMS &&
                  rt_value_matches(out[k], g->values[nd->out[k]].type);
        if (ok && nout == 1) {
            ir_node_make_const(g, n, out[0]);
        } else if (ok) {
            ir_bid b = nd->parent;
            rt_loc loc = nd->loc;
            for (uint32_t k = 0; k < nout && !rc; k++) {
                ir_vid old = g->nodes[n].out[k];
                ir_vid v = ir_const(g, b, out[k], g->values[old].type, loc, c->e);
                if (v == IR_NONE) {
                    rc = -1;
                    break;
                }
                ir_node_move_before(g, g->values[v].def, n);
                if (g->values[old].name && ir_value_set_name(g, v, g->values[old].name, c->e))
                    rc = -1;
                ir_value_replace_uses(g, old, v);
            }
            if (!rc)
                ir_node_remove(g, n);
        }
    }
    for (uint32_t k = 0; k < nout; k++)
        rt_value_release(out[k]);
    free(vals);
    return rc;
}

static int prop_block(cprop *c, ir_bid b)
{
    ir_graph *g = c->g;
    for (uint32_t i = 0; i < g->blocks[b].nnodes;) {
        ir_nid n = g->blocks[b].nodes[i];
        ir_node *nd = &g->nodes[n];
        if (nd->kind == IR_IF) {
            const rt_value *cond = ir_value_const(g, nd->in[0]);
            if (cond && cond->kind == RT_BOOL) {
                ir_bid taken = nd->blocks[cond->u.b ? 0 : 1];
                ir_block_splice_before(g, taken, n);
                nd = &g->nodes[n];
                for (uint32_t k = 0; k < nd->nout; k++)
                    ir_value_replace_uses(g, nd->out[k], g->blocks[taken].rets[k]);
                ir_node_remove(g, n);
                continue; /* visit the spliced nodes */
            }
        } else if (nd->kind == IR_LOOP) {
            const rt_value *trip = ir_value_const(g, nd->in[0]);
            const rt_value *cond = ir_value_const(g, nd->in[1]);
            if ((trip && trip->kind == RT_INT && trip->u.i <= 0) ||
                (cond && cond->kind == RT_BOOL && !cond->u.b)) {
                for (uint32_t k = 0; k < nd->nout; k++)
                    ir_value_replace_uses(g, nd->out[k], nd->in[k + 2]);
                ir_node_remove(g, n);
                continue;
            }
        } else if (nd->kind == IR_OP && may_fold(c, nd)) {
            if (fold_op(c, n))
                return -1;
        }
        /* sub-blocks may append nodes, which moves g->nodes: index afresh */
        for (uint32_t k = 0; !g->nodes[n].dead && k < g->nodes[n].nblocks; k++)
            if (prop_block(c, g->nodes[n].blocks[k]))
                return -1;
        /* fold_op may have put constants before n: find n again */
        uint32_t j = i;
        while (j < g->blocks[b].nnodes && g->blocks[b].nodes[j] != n)
            j++;
        i = j < g->blocks[b].nnodes ? j + 1 : i + 1;
    }
    return 0;
}

int ir_pass_const_prop(ir_graph *g, rt_err *e)
{
    if (rt_ops_init(e))
        return -1;
    cprop c = {.g = g, .e = e};
    c.tainted = calloc(g->nvalues + 1, 1);
    if (!c.tainted)
        return rt_err_nomem(e);
    for (uint32_t i = 0; i < g->blocks[0].nrets; i++)
        taint(&c, g->blocks[0].rets[i]);
    seed_block(&c, 0);
    while (spread_block(&c, 0)) {
    }
    int rc = prop_block(&c, 0);
    free(c.tainted);
    return rc;
}
