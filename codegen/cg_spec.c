/*
 * cg_spec.c — specialization of a graph for one signature: a clone of the
 * load-time graph in which
 *   - int, bool and None arguments become constants (their values are in
 *     the signature),
 *   - tensor metadata queries on values whose metadata the signature
 *     guarantees (size, dim, numel, len, dtype) become constants,
 *   - the IR's constant propagation then folds what depends on them,
 *     including If on known conditions and loops that never run, and DCE
 *     drops what became dead;
 * and cg_infer, which gives every value its static metadata (cg_meta):
 * shapes flow forward through the op table's rules (cg_shape.c), If
 * outputs join their branches, loop-carried values iterate to a fixpoint.
 */
#include <stdlib.h>
#include <string.h>

#include "cg_impl.h"

static void meta_from_type(cg_meta *m, const rt_type *t)
{
    memset(m, 0, sizeof *m);
    m->kind = CG_K_UNKNOWN;
    if (!t)
        return;
    switch (t->kind) {
    case RT_T_TENSOR: m->kind = RT_TENSOR; break;
    case RT_T_INT: m->kind = RT_INT; break;
    case RT_T_FLOAT: m->kind = RT_FLOAT; break;
    case RT_T_BOOL: m->kind = RT_BOOL; break;
    case RT_T_NONE: m->kind = RT_NONE; break;
    case RT_T_STR: m->kind = RT_STR; break;
    case RT_T_LIST: m->kind = RT_LIST; break;
    case RT_T_TUPLE: m->kind = RT_TUPLE; break;
    default: break;
    }
}

static void meta_from_value(cg_meta *m, rt_value v)
{
    memset(m, 0, sizeof *m);
    m->kind = v.kind;
    if (v.kind == RT_TENSOR) {
        const rt_tensor *t = v.u.tensor;
        m->shaped = true;
        m->dtype = t->dtype;
        m->ndim = t->ndim;
        memcpy(m->shape, t->shape, sizeof(int64_t) * (size_t)t->ndim);
        m->contig = rt_tensor_is_contiguous(t);
        m->certain = true;
    } else if (v.kind == RT_FUNC || v.kind == RT_DICT || v.kind == RT_OBJECT) {
        m->kind = v.kind;
    }
}

static cg_meta meta_join(const cg_meta *a, const cg_meta *b)
{
    cg_meta r = *a;
    if (a->kind != b->kind) {
        memset(&r, 0, sizeof r);
        r.kind = CG_K_UNKNOWN;
        return r;
    }
    if (a->kind != RT_TENSOR)
        return r;
    bool same = a->shaped && b->shaped && a->dtype == b->dtype && a->ndim == b->ndim &&
                !memcmp(a->shape, b->shape, sizeof(int64_t) * (size_t)a->ndim);
    if (!same) {
        memset(&r, 0, sizeof r);
        r.kind = RT_TENSOR;
        return r;
    }
    r.contig = a->contig && b->contig;
    r.certain = a->certain && b->certain;
    return r;
}

typedef struct infer {
    cg_spec *s;
    rt_err *e;
} infer;

static void infer_block(infer *in, ir_bid b);

static void infer_node(infer *in, ir_nid nid)
{
    cg_spec *s = in->s;
    const ir_graph *g = s->g;
    const ir_node *n = &g->nodes[nid];
    for (uint32_t k = 0; k < n->nout; k++)
        meta_from_type(&s->meta[n->out[k]], g->values[n->out[k]].type);
    switch ((ir_nkind)n->kind) {
    case IR_CONST:
        meta_from_value(&s->meta[n->out[0]], n->attr);
        return;
    case IR_OP: {
        cg_shape_rule r = cg_shape_rule_for(n->op);
        if (!r || n->nout != 1 || n->nin > 16)
            return;
        cg_meta ins[16], out = s->meta[n->out[0]];
        for (uint32_t k = 0; k < n->nin; k++)
            ins[k] = s->meta[n->in[k]];
        cg_rule_ctx rc = {.g = g, .n = n, .meta = s->meta};
        if (r(&rc, ins, &out) == 0) {
            out.certain = false; /* a kernel computes it: guarded */
            s->meta[n->out[0]] = out;
        }
        return;
    }
    case IR_IF: {
        infer_block(in, n->blocks[0]);
        infer_block(in, n->blocks[1]);
        const ir_block *t = &g->blocks[n->blocks[0]], *f = &g->blocks[n->blocks[1]];
        for (uint32_t k = 0; k < n->nout; k++)
            s->meta[n->out[k]] = meta_join(&s->meta[t->rets[k]], &s->meta[f->rets[k]]);
        return;
    }
    case IR_LOOP: {
        const ir_block *body = &g->blocks[n->blocks[0]];
        uint32_t nc = n->nin - 2;
        meta_from_type(&s->meta[body->params[0]], &rt_type_int);
        for (uint32_t k = 0; k < nc; k++)
            s->meta[body->params[k + 1]] = s->meta[n->in[k + 2]];
        for (int round = 0;; round++) {
            infer_block(in, n->blocks[0]);
            bool changed = false;
            for (uint32_t k = 0; k < nc; k++) {
                cg_meta *p = &s->meta[body->params[k + 1]];
                cg_meta j = meta_join(p, &s->meta[body->rets[k + 1]]);
                if (!cg_meta_same(&j, p)) {
                    *p = j;
                    changed = true;
                }
            }
            if (!changed)
                break;
            if (round >= 8) { /* give up on precision, keep it sound */
                for (uint32_t k = 0; k < nc; k++)
                    meta_from_type(&s->meta[body->params[k + 1]],
                                   g->values[body->params[k + 1]].type);
                infer_block(in, n->blocks[0]);
                break;
            }
        }
        for (uint32_t k = 0; k < n->nout; k++)
            s->meta[n->out[k]] = s->meta[body->params[k + 1]];
        return;
    }
    default:
        return;
    }
}

static void infer_block(infer *in, ir_bid b)
{
    const ir_block *blk = &in->s->g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        ir_nid nid = blk->nodes[i];
        if (!in->s->g->nodes[nid].dead)
            infer_node(in, nid);
    }
}

int cg_infer(cg_spec *s, const rt_value *args, int nargs, rt_err *e)
{
    ir_graph *g = s->g;
    free(s->meta);
    s->meta = calloc(g->nvalues + 1, sizeof *s->meta);
    if (!s->meta)
        return rt_err_nomem(e);
    for (uint32_t v = 0; v < g->nvalues; v++)
        meta_from_type(&s->meta[v], g->values[v].type);
    const ir_block *body = &g->blocks[0];
    for (int i = 0; i < nargs && (uint32_t)i < body->nparams; i++) {
        cg_meta *m = &s->meta[body->params[i]];
        meta_from_value(m, args[i]);
        if (args[i].kind == RT_OBJECT || args[i].kind == RT_STR || args[i].kind == RT_LIST ||
            args[i].kind == RT_TUPLE || args[i].kind == RT_DICT || args[i].kind == RT_FUNC) {
            memset(m, 0, sizeof *m);
            m->kind = args[i].kind;
        }
    }
    infer mi = {s, e};
    infer_block(&mi, 0);
    return 0;
}

/* ---- folding metadata into constants ----------------------------------- */

static int make_const(ir_graph *g, ir_nid nid, rt_value v)
{
    ir_node_make_const(g, nid, v);
    rt_value_release(v);
    return 1;
}

/* Folds one node when its result follows from guaranteed metadata;
 * returns 1 when it did, 0 when not, -1 on error. */
static int fold_meta(cg_spec *s, ir_nid nid, rt_err *e)
{
    ir_graph *g = s->g;
    const ir_node *n = &g->nodes[nid];
    if (n->kind != IR_OP || n->nout != 1 || n->nin < 1)
        return 0;
    const cg_meta *x = &s->meta[n->in[0]];
    if (n->op == RT_OP___is__ || n->op == RT_OP___isnot__) {
        /* `v is None` for a v whose kind is known */
        if (n->nin != 2)
            return 0;
        const rt_value *a = ir_value_const(g, n->in[0]), *b = ir_value_const(g, n->in[1]);
        const cg_meta *other = NULL;
        if (a && a->kind == RT_NONE)
            other = &s->meta[n->in[1]];
        else if (b && b->kind == RT_NONE)
            other = &s->meta[n->in[0]];
        if (!other || other->kind == CG_K_UNKNOWN)
            return 0;
        bool is = other->kind == RT_NONE;
        return make_const(g, nid, rt_bool(n->op == RT_OP___is__ ? is : !is));
    }
    if (x->kind != RT_TENSOR || !x->shaped || !x->certain)
        return 0;
    switch (n->op) {
    case RT_OP_size_int: {
        const rt_value *d = ir_value_const(g, n->in[1]);
        if (!d || d->kind != RT_INT)
            return 0;
        int64_t k = d->u.i, nd = x->ndim > 0 ? x->ndim : 1;
        if (k < -nd || k >= nd || x->ndim == 0)
            return 0; /* the kernel reports the error */
        if (k < 0)
            k += nd;
        return make_const(g, nid, rt_int(x->shape[k]));
    }
    case RT_OP_size: {
        rt_value items[RT_MAX_DIMS], l;
        if (x->ndim < 0 || x->ndim > RT_MAX_DIMS)
            return 0;
        for (int i = 0; i < x->ndim; i++)
            items[i] = rt_int(x->shape[i]);
        if (rt_list_from(RT_LIST, items, (size_t)x->ndim, &l, e))
            return -1;
        return make_const(g, nid, l);
    }
    case RT_OP_dim:
        return make_const(g, nid, rt_int(x->ndim));
    case RT_OP_numel:
        return make_const(g, nid, rt_int(cg_meta_numel(x)));
    case RT_OP_len_Tensor:
        if (x->ndim == 0)
            return 0;
        return make_const(g, nid, rt_int(x->shape[0]));
    case RT_OP_prim_dtype:
        return make_const(g, nid, rt_int(x->dtype));
    default:
        return 0;
    }
}

static int fold_block(cg_spec *s, ir_bid b, rt_err *e)
{
    int folded = 0;
    for (uint32_t i = 0; i < s->g->blocks[b].nnodes; i++) {
        ir_nid nid = s->g->blocks[b].nodes[i];
        const ir_node *n = &s->g->nodes[nid];
        if (n->dead)
            continue;
        for (uint32_t k = 0; k < n->nblocks; k++) {
            int r = fold_block(s, s->g->nodes[nid].blocks[k], e);
            if (r < 0)
                return -1;
            folded += r;
        }
        int r = fold_meta(s, nid, e);
        if (r < 0)
            return -1;
        folded += r;
    }
    return folded;
}

/* ---- in-place ops on fresh temporaries --------------------------------- */

/* `y = relu_(x)` where x is a fresh result nobody else reads is `y =
 * relu(x)`: the same values, and no one can observe that y is not x. The
 * out-of-place form can then be fused. */
static const struct {
    rt_op_id inplace, pure;
} inplace_map[] = {
    {RT_OP_relu_, RT_OP_relu},           {RT_OP_relu6_, RT_OP_relu6},
    {RT_OP_hardtanh_, RT_OP_hardtanh},   {RT_OP_sigmoid_, RT_OP_sigmoid},
    {RT_OP_tanh_, RT_OP_tanh},           {RT_OP_exp_, RT_OP_exp},
    {RT_OP_neg_, RT_OP_neg},             {RT_OP_abs_, RT_OP_abs},
    {RT_OP_clamp_, RT_OP_clamp},         {RT_OP_clamp_min_, RT_OP_clamp_min},
    {RT_OP_clamp_max_, RT_OP_clamp_max}, {RT_OP_leaky_relu_, RT_OP_leaky_relu},
    {RT_OP_elu_, RT_OP_elu},             {RT_OP_gelu_, RT_OP_gelu},
    {RT_OP_silu_, RT_OP_silu},           {RT_OP_hardswish_, RT_OP_hardswish},
    {RT_OP_hardsigmoid_, RT_OP_hardsigmoid},
    {RT_OP_add__Tensor, RT_OP_add_Tensor}, {RT_OP_add__Scalar, RT_OP_add_Scalar},
    {RT_OP_sub__Tensor, RT_OP_sub_Tensor}, {RT_OP_sub__Scalar, RT_OP_sub_Scalar},
    {RT_OP_mul__Tensor, RT_OP_mul_Tensor}, {RT_OP_mul__Scalar, RT_OP_mul_Scalar},
    {RT_OP_div__Tensor, RT_OP_div_Tensor}, {RT_OP_div__Scalar, RT_OP_div_Scalar},
};

/* Ops whose result is always a new tensor (never an argument or a view). */
static bool fresh_result(const ir_node *d)
{
    if (d->kind != IR_OP || d->nout != 1)
        return false;
    switch (d->op) {
    case RT_OP__convolution: case RT_OP__convolution_deprecated: case RT_OP_convolution:
    case RT_OP_conv2d: case RT_OP_batch_norm: case RT_OP_layer_norm: case RT_OP_group_norm:
    case RT_OP_linear: case RT_OP_addmm: case RT_OP_mm: case RT_OP_bmm: case RT_OP_matmul:
    case RT_OP_max_pool2d: case RT_OP_avg_pool2d: case RT_OP_adaptive_avg_pool2d:
    case RT_OP_cat:
        return true;
    default: {
        const rt_op *op = rt_op_get(d->op);
        return op && (op->flags & RT_OPF_ELEMENTWISE) && !(op->flags & RT_OPF_INPLACE) &&
               d->op != RT_OP_to_dtype;
    }
    }
}

static int rewrite_inplace(cg_spec *s, rt_err *e)
{
    ir_graph *g = s->g;
    uint32_t *uses = calloc(g->nvalues + 1, sizeof *uses);
    if (!uses)
        return rt_err_nomem(e);
    ir_graph_count_uses(g, uses);
    int changed = 0;
    for (uint32_t nid = 0; nid < g->nnodes; nid++) {
        ir_node *n = &g->nodes[nid];
        if (n->dead || n->kind != IR_OP || n->nin < 1 || n->nout != 1)
            continue;
        rt_op_id pure = RT_OP_COUNT;
        for (size_t k = 0; k < sizeof inplace_map / sizeof *inplace_map; k++)
            if (inplace_map[k].inplace == n->op)
                pure = inplace_map[k].pure;
        if (pure == RT_OP_COUNT)
            continue;
        ir_vid x = n->in[0];
        ir_nid d = g->values[x].def;
        if (d == IR_NONE || uses[x] != 1 || g->nodes[d].parent != n->parent ||
            !fresh_result(&g->nodes[d]))
            continue;
        const cg_meta *mx = &s->meta[x];
        cg_shape_rule r = cg_shape_rule_for(pure);
        if (!r || mx->kind != RT_TENSOR || !mx->shaped || n->nin > 16)
            continue;
        cg_meta ins[16], out;
        for (uint32_t k = 0; k < n->nin; k++)
            ins[k] = s->meta[n->in[k]];
        memset(&out, 0, sizeof out);
        ir_node probe = *n;
        probe.op = pure;
        cg_rule_ctx rc = {.g = g, .n = &probe, .meta = s->meta};
        if (r(&rc, ins, &out) || out.dtype != mx->dtype || out.ndim != mx->ndim ||
            memcmp(out.shape, mx->shape, sizeof(int64_t) * (size_t)mx->ndim))
            continue;
        n->op = pure;
        changed++;
    }
    free(uses);
    return changed;
}

/* Replaces uses of int/bool/None parameters by constants. */
static int bind_scalar_args(cg_spec *s, const rt_value *args, int nargs, rt_err *e)
{
    ir_graph *g = s->g;
    for (int i = 0; i < nargs && (uint32_t)i < g->blocks[0].nparams; i++) {
        rt_value v = args[i];
        if (v.kind != RT_INT && v.kind != RT_BOOL && v.kind != RT_NONE)
            continue;
        ir_vid p = g->blocks[0].params[i];
        if (!rt_value_matches(v, g->values[p].type))
            continue; /* a mistyped call: the interpreter reports it */
        rt_loc loc = {0};
        ir_vid c = ir_const(g, 0, v, g->values[p].type, loc, e);
        if (c == IR_NONE)
            return -1;
        if (g->blocks[0].nnodes > 1)
            ir_node_move_before(g, g->values[c].def, g->blocks[0].nodes[0]);
        ir_value_replace_uses(g, p, c);
    }
    return 0;
}

int cg_spec_build(const ir_graph *src, const rt_value *args, int nargs, cg_spec **out,
                  rt_err *e)
{
    *out = NULL;
    cg_spec *s = calloc(1, sizeof *s);
    if (!s)
        return rt_err_nomem(e);
    rt_arena_init(&s->arena);
    s->g = ir_graph_clone(src, e);
    if (!s->g)
        goto fail;
    if (bind_scalar_args(s, args, nargs, e))
        goto fail;
    for (int round = 0; round < 8; round++) {
        if (cg_infer(s, args, nargs, e))
            goto fail;
        int folded = fold_block(s, 0, e);
        if (folded < 0)
            goto fail;
        int rewritten = rewrite_inplace(s, e);
        if (rewritten < 0)
            goto fail;
        folded += rewritten;
        if (ir_pass_const_prop(s->g, e) || ir_pass_dce(s->g, e))
            goto fail;
        if (!folded)
            break;
    }
    if (cg_infer(s, args, nargs, e))
        goto fail;
    if (ir_verify(s->g, e)) {
        rt_err_prefix(e, "specialized graph");
        goto fail;
    }
    *out = s;
    return 0;
fail:
    cg_spec_free(s);
    return -1;
}

void cg_spec_free(cg_spec *s)
{
    if (!s)
        return;
    if (s->g)
        ir_graph_free(s->g);
    free(s->meta);
    free(s->group_of);
    for (uint32_t i = 0; i < s->ngroups; i++) {
        free(s->groups[i].nodes);
        free(s->groups[i].ins);
        free(s->groups[i].outs);
    }
    free(s->groups);
    free(s->buf_off);
    free(s->frame_tmpl); /* borrowed constants: nothing to release */
    free(s->release);
    rt_arena_free(&s->arena);
    free(s);
}
