/*
 * cg_rt.c — the fixed table of C entry points compiled code calls. Each
 * one does for one node what the interpreter (runtime/rt_interp.c) does,
 * on the call's frame of slots, so a node the code generator has no
 * emitter for runs exactly as it would in the interpreter. cg_jit.c
 * registers every function here as an absolute symbol.
 *
 * Slot rule (as in the interpreter): writing a slot releases what it held.
 * Constants and the arguments sit in their slots borrowed; they are never
 * written (SSA) and the caller does not release them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg_impl.h"

#define MAX_STACK 32

double cg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline void set_slot(cg_call *c, ir_vid v, rt_value val)
{
    rt_value_release(c->slots[v]);
    c->slots[v] = val;
}

static int fail_at(cg_call *c, const ir_node *n)
{
    rt_err_at(c->e, n->loc);
    return -1;
}

static int run_op(cg_call *c, const ir_node *n)
{
    const rt_op *op = rt_op_get(n->op);
    if (!op)
        return rt_err_set(c->e, TSJ_ERR_INTERNAL, "bad operator id %d", (int)n->op);
    rt_value in_stack[MAX_STACK], out_stack[MAX_STACK];
    rt_value *in = in_stack, *out = out_stack;
    if (n->nin > MAX_STACK || n->nout > MAX_STACK) {
        in = malloc(sizeof *in * (n->nin + 1));
        out = malloc(sizeof *out * (n->nout + 1));
        if (!in || !out) {
            free(in);
            free(out);
            return rt_err_nomem(c->e);
        }
    }
    for (uint32_t i = 0; i < n->nin; i++)
        in[i] = c->slots[n->in[i]];
    for (uint32_t i = 0; i < n->nout; i++)
        out[i] = rt_none();
    int rc = op->kernel(&c->rtc, in, (int)n->nin, out, (int)n->nout);
    if (rc == 0) {
        for (uint32_t i = 0; i < n->nout; i++)
            set_slot(c, n->out[i], out[i]);
    } else {
        for (uint32_t i = 0; i < n->nout; i++)
            rt_value_release(out[i]);
        if (c->e->status != TSJ_ERR_MODEL && !c->e->file[0]) {
            char name[128];
            rt_err_prefix(c->e, "%s", rt_op_full_name(op, name, sizeof name));
        }
        fail_at(c, n);
    }
    if (in != in_stack) {
        free(in);
        free(out);
    }
    return rc;
}

static int run_call(cg_call *c, const ir_node *n)
{
    const ir_func *fn = n->fn;
    if (!fn || !fn->graph) {
        rt_err_set(c->e, TSJ_ERR_UNSUPPORTED, "call of '%s', which has no body",
                   fn ? fn->qualname : "?");
        return fail_at(c, n);
    }
    rt_value in[MAX_STACK], out[MAX_STACK];
    if (n->nin > MAX_STACK || n->nout > MAX_STACK)
        return rt_err_set(c->e, TSJ_ERR_LIMIT, "call with more than %d arguments or results",
                          MAX_STACK);
    for (uint32_t i = 0; i < n->nin; i++)
        in[i] = c->slots[n->in[i]];
    if (rt_interp_run(fn->graph, in, (int)n->nin, out, (int)n->nout, c->opts, c->e))
        return fail_at(c, n);
    for (uint32_t i = 0; i < n->nout; i++)
        set_slot(c, n->out[i], out[i]);
    return 0;
}

int32_t cg_rt_node(cg_call *c, uint32_t nid)
{
    const ir_node *n = &c->spec->g->nodes[nid];
    switch ((ir_nkind)n->kind) {
    case IR_CONST:
        set_slot(c, n->out[0], rt_value_retain(n->attr));
        return 0;
    case IR_OP:
        return run_op(c, n);
    case IR_GETATTR: {
        rt_value obj = c->slots[n->in[0]];
        if (obj.kind != RT_OBJECT || n->slot >= obj.u.object->nslots) {
            rt_err_set(c->e, TSJ_ERR_TYPE, "cannot read attribute '%s' of a %s", n->name,
                       rt_kind_name((rt_kind)obj.kind));
            return fail_at(c, n);
        }
        set_slot(c, n->out[0], rt_value_retain(obj.u.object->slots[n->slot]));
        return 0;
    }
    case IR_SETATTR: {
        rt_value obj = c->slots[n->in[0]];
        if (obj.kind != RT_OBJECT || n->slot >= obj.u.object->nslots) {
            rt_err_set(c->e, TSJ_ERR_TYPE, "cannot set attribute '%s' of a %s", n->name,
                       rt_kind_name((rt_kind)obj.kind));
            return fail_at(c, n);
        }
        rt_value *slot = &obj.u.object->slots[n->slot];
        rt_value old = *slot;
        *slot = rt_value_retain(c->slots[n->in[1]]);
        rt_value_release(old);
        return 0;
    }
    case IR_CALL:
        return run_call(c, n);
    case IR_CREATE_OBJECT: {
        rt_value o;
        if (rt_object_new(n->cls, n->cls ? n->cls->nattrs : 0, &o, c->e))
            return fail_at(c, n);
        set_slot(c, n->out[0], o);
        return 0;
    }
    default:
        rt_err_set(c->e, TSJ_ERR_INTERNAL, "node kind %d has no entry point", n->kind);
        return fail_at(c, n);
    }
}

/* Truthiness of a condition value: 1, 0, or -1 with the error at nid. */
int32_t cg_rt_cond(cg_call *c, uint32_t vid, uint32_t nid)
{
    rt_value v = c->slots[vid];
    if (v.kind == RT_BOOL)
        return v.u.b ? 1 : 0;
    if (v.kind == RT_INT)
        return v.u.i != 0;
    rt_err_set(c->e, TSJ_ERR_TYPE, "condition must be a bool, not %s",
               rt_kind_name((rt_kind)v.kind));
    return fail_at(c, &c->spec->g->nodes[nid]);
}

int64_t cg_rt_trip(cg_call *c, uint32_t vid)
{
    rt_value v = c->slots[vid];
    return v.kind == RT_INT ? v.u.i : INT64_MAX;
}

void cg_rt_loop_enter(cg_call *c, uint32_t nid)
{
    const ir_graph *g = c->spec->g;
    const ir_node *n = &g->nodes[nid];
    const ir_block *body = &g->blocks[n->blocks[0]];
    for (uint32_t i = 0; i + 2 < n->nin; i++)
        set_slot(c, body->params[i + 1], rt_value_retain(c->slots[n->in[i + 2]]));
}

void cg_rt_loop_iter(cg_call *c, uint32_t nid, int64_t iter)
{
    const ir_graph *g = c->spec->g;
    const ir_block *body = &g->blocks[g->nodes[nid].blocks[0]];
    set_slot(c, body->params[0], rt_int(iter));
}

/* After one iteration: the new condition (1/0, -1 on error); rets move
 * into the params (retained first: a ret may be a param itself). */
int32_t cg_rt_loop_next(cg_call *c, uint32_t nid)
{
    const ir_graph *g = c->spec->g;
    const ir_node *n = &g->nodes[nid];
    const ir_block *body = &g->blocks[n->blocks[0]];
    int32_t cond = cg_rt_cond(c, body->rets[0], nid);
    if (cond < 0)
        return -1;
    uint32_t nc = n->nin - 2;
    rt_value stack[MAX_STACK];
    rt_value *tmp = nc > MAX_STACK ? malloc(sizeof *tmp * nc) : stack;
    if (!tmp) {
        rt_err_nomem(c->e);
        return -1;
    }
    for (uint32_t i = 0; i < nc; i++)
        tmp[i] = rt_value_retain(c->slots[body->rets[i + 1]]);
    for (uint32_t i = 0; i < nc; i++)
        set_slot(c, body->params[i + 1], tmp[i]);
    if (tmp != stack)
        free(tmp);
    return cond;
}

void cg_rt_loop_exit(cg_call *c, uint32_t nid)
{
    const ir_graph *g = c->spec->g;
    const ir_node *n = &g->nodes[nid];
    const ir_block *body = &g->blocks[n->blocks[0]];
    for (uint32_t i = 0; i < n->nout; i++)
        set_slot(c, n->out[i], rt_value_retain(c->slots[body->params[i + 1]]));
}

void cg_rt_if_bind(cg_call *c, uint32_t nid, uint32_t branch)
{
    const ir_graph *g = c->spec->g;
    const ir_node *n = &g->nodes[nid];
    const ir_block *blk = &g->blocks[n->blocks[branch]];
    for (uint32_t i = 0; i < n->nout; i++)
        set_slot(c, n->out[i], rt_value_retain(c->slots[blk->rets[i]]));
}

/* 1 when slot vid holds a contiguous tensor with exactly the metadata a
 * fused loop was compiled for, else 0 (the loop's slow path runs). */
int32_t cg_rt_guard(cg_call *c, uint32_t vid, const cg_meta *want)
{
    rt_value v = c->slots[vid];
    if (v.kind != RT_TENSOR)
        return 0;
    const rt_tensor *t = v.u.tensor;
    if (t->dtype != want->dtype || t->ndim != want->ndim)
        return 0;
    for (int i = 0; i < t->ndim; i++)
        if (t->shape[i] != want->shape[i])
            return 0;
    return rt_tensor_is_contiguous(t) ? 1 : 0;
}

/* A new contiguous result tensor for value vid in its slot; *data is its
 * first element. 0, or -1 with the error set. */
int32_t cg_rt_out(cg_call *c, uint32_t vid, const cg_meta *m, void **data)
{
    rt_tensor **pool = c->pool ? &c->pool[2 * (size_t)vid] : NULL;
    rt_value cur = c->slots[vid];
    rt_tensor *t = NULL;
    /* a tensor of an earlier call or iteration that only the pool (and
     * this very slot) still hold: no value, view or caller sees it, and
     * every element is about to be overwritten. Two per value, so a loop
     * can write one while the carried value still holds the other. */
    for (int i = 0; pool && i < 2 && !t; i++) {
        rt_tensor *p = pool[i];
        if (!p)
            continue;
        int want = cur.kind == RT_TENSOR && cur.u.tensor == p ? 2 : 1;
        if (atomic_load_explicit(&p->hdr.refcount, memory_order_acquire) == want &&
            atomic_load_explicit(&p->storage->refcount, memory_order_acquire) == 1)
            t = p;
    }
    if (t) {
        if (!(cur.kind == RT_TENSOR && cur.u.tensor == t)) {
            rt_tensor_retain(t);
            set_slot(c, vid, rt_tensor_value(t));
        }
    } else {
        t = rt_tensor_empty((rt_dtype)m->dtype, m->ndim, m->shape, c->e);
        if (!t)
            return -1;
        if (pool) {
            int i = !pool[0] ? 0 : !pool[1] ? 1 : (cur.kind == RT_TENSOR && cur.u.tensor == pool[0]);
            rt_tensor_release(pool[i]);
            rt_tensor_retain(t);
            pool[i] = t;
        }
        set_slot(c, vid, rt_tensor_value(t));
    }
    *data = rt_tensor_data(t);
    return 0;
}

double cg_rt_scalar_f(cg_call *c, uint32_t vid)
{
    rt_value v = c->slots[vid];
    switch (v.kind) {
    case RT_FLOAT: return v.u.f;
    case RT_INT: return (double)v.u.i;
    case RT_BOOL: return v.u.b ? 1.0 : 0.0;
    default: return 0.0;
    }
}

int64_t cg_rt_scalar_i(cg_call *c, uint32_t vid)
{
    rt_value v = c->slots[vid];
    switch (v.kind) {
    case RT_FLOAT: return (int64_t)v.u.f;
    case RT_INT: return v.u.i;
    case RT_BOOL: return v.u.b;
    default: return 0;
    }
}
