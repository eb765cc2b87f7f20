/* rt_interp.c — a tree-walking interpreter over IR blocks. Every value id
 * of a graph owns one slot in the call's frame; writing a slot releases
 * what it held (loop bodies rewrite their slots each iteration). */
#include "rt_interp.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_INPUTS_ON_STACK 32

typedef struct frame {
    const ir_graph *g;
    rt_value *slots;
    const rt_interp_opts *opts;
    rt_err *e;
    int depth;
} frame;

static int exec_block(frame *f, ir_bid b);
static int run_graph(const ir_graph *g, const rt_value *args, int nargs, rt_value *out, int nout,
                     const rt_interp_opts *opts, rt_err *e, int depth);

static inline void set_slot(frame *f, ir_vid v, rt_value val)
{
    rt_value_release(f->slots[v]);
    f->slots[v] = val;
}

static int fail_at(frame *f, const ir_node *n)
{
    rt_err_at(f->e, n->loc);
    return -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int exec_op(frame *f, const ir_node *n)
{
    const rt_op *op = rt_op_get(n->op);
    if (!op)
        return rt_err_set(f->e, TSJ_ERR_INTERNAL, "bad operator id %d", (int)n->op);
    rt_value in_stack[MAX_INPUTS_ON_STACK], out_stack[MAX_INPUTS_ON_STACK];
    rt_value *in = in_stack, *out = out_stack;
    if (n->nin > MAX_INPUTS_ON_STACK || n->nout > MAX_INPUTS_ON_STACK) {
        in = malloc(sizeof *in * (n->nin + 1));
        out = malloc(sizeof *out * (n->nout + 1));
        if (!in || !out) {
            free(in);
            free(out);
            return rt_err_nomem(f->e);
        }
    }
    for (uint32_t i = 0; i < n->nin; i++)
        in[i] = f->slots[n->in[i]];
    for (uint32_t i = 0; i < n->nout; i++)
        out[i] = rt_none();
    rt_ctx c = {.err = f->e, .threads = f->opts->threads, .model = f->opts->model};
    double t0 = f->opts->profile ? now() : 0;
    int rc = op->kernel(&c, in, (int)n->nin, out, (int)n->nout);
    if (f->opts->profile) {
        f->opts->profile->seconds[n->op] += now() - t0;
        f->opts->profile->calls[n->op]++;
    }
    if (rc == 0) {
        for (uint32_t i = 0; i < n->nout; i++)
            set_slot(f, n->out[i], out[i]);
    } else {
        for (uint32_t i = 0; i < n->nout; i++)
            rt_value_release(out[i]);
        if (f->e->status != TSJ_ERR_MODEL && !f->e->file[0]) {
            char name[128];
            rt_err_prefix(f->e, "%s", rt_op_full_name(op, name, sizeof name));
        }
        fail_at(f, n);
    }
    if (in != in_stack) {
        free(in);
        free(out);
    }
    return rc;
}

static int truthy(frame *f, const ir_node *n, rt_value v, bool *out)
{
    if (v.kind == RT_BOOL) {
        *out = v.u.b;
        return 0;
    }
    if (v.kind == RT_INT) {
        *out = v.u.i != 0;
        return 0;
    }
    rt_err_set(f->e, TSJ_ERR_TYPE, "condition must be a bool, not %s",
               rt_kind_name((rt_kind)v.kind));
    return fail_at(f, n);
}

/* Copies block b's rets into the node's outputs. */
static void bind_rets(frame *f, const ir_block *blk, const ir_node *n, uint32_t first)
{
    for (uint32_t i = 0; i < n->nout; i++)
        set_slot(f, n->out[i], rt_value_retain(f->slots[blk->rets[first + i]]));
}

static int exec_if(frame *f, const ir_node *n)
{
    bool c;
    if (truthy(f, n, f->slots[n->in[0]], &c))
        return -1;
    ir_bid b = n->blocks[c ? 0 : 1];
    if (exec_block(f, b))
        return -1;
    bind_rets(f, &f->g->blocks[b], n, 0);
    return 0;
}

static int exec_loop(frame *f, const ir_node *n)
{
    const ir_block *body = &f->g->blocks[n->blocks[0]];
    rt_value trip_v = f->slots[n->in[0]];
    int64_t max_trip = trip_v.kind == RT_INT ? trip_v.u.i : INT64_MAX;
    bool cond;
    if (truthy(f, n, f->slots[n->in[1]], &cond))
        return -1;
    uint32_t ncarried = n->nin - 2;
    /* carried values start as the loop's inputs */
    for (uint32_t i = 0; i < ncarried; i++)
        set_slot(f, body->params[i + 1], rt_value_retain(f->slots[n->in[i + 2]]));
    for (int64_t iter = 0; cond && iter < max_trip; iter++) {
        set_slot(f, body->params[0], rt_int(iter));
        if (exec_block(f, body - f->g->blocks))
            return -1;
        if (truthy(f, n, f->slots[body->rets[0]], &cond))
            return -1;
        /* rets -> params; retain first: a ret may be a param itself */
        rt_value next[MAX_INPUTS_ON_STACK];
        rt_value *tmp = ncarried > MAX_INPUTS_ON_STACK ? malloc(sizeof *tmp * ncarried) : next;
        if (!tmp)
            return rt_err_nomem(f->e);
        for (uint32_t i = 0; i < ncarried; i++)
            tmp[i] = rt_value_retain(f->slots[body->rets[i + 1]]);
        for (uint32_t i = 0; i < ncarried; i++)
            set_slot(f, body->params[i + 1], tmp[i]);
        if (tmp != next)
            free(tmp);
    }
    for (uint32_t i = 0; i < n->nout; i++)
        set_slot(f, n->out[i], rt_value_retain(f->slots[body->params[i + 1]]));
    return 0;
}

static int exec_call(frame *f, const ir_node *n)
{
    const ir_func *fn = n->fn;
    if (!fn || !fn->graph) {
        rt_err_set(f->e, TSJ_ERR_UNSUPPORTED, "call of '%s', which has no body",
                   fn ? fn->qualname : "?");
        return fail_at(f, n);
    }
    int limit = f->opts->max_depth ? f->opts->max_depth : 200;
    if (f->depth >= limit) {
        rt_err_set(f->e, TSJ_ERR_LIMIT, "calls nested deeper than %d (recursion?)", limit);
        return fail_at(f, n);
    }
    rt_value in_stack[MAX_INPUTS_ON_STACK], out_stack[MAX_INPUTS_ON_STACK];
    if (n->nin > MAX_INPUTS_ON_STACK || n->nout > MAX_INPUTS_ON_STACK)
        return rt_err_set(f->e, TSJ_ERR_LIMIT, "call with more than %d arguments or results",
                          MAX_INPUTS_ON_STACK);
    for (uint32_t i = 0; i < n->nin; i++)
        in_stack[i] = f->slots[n->in[i]];
    int rc = run_graph(fn->graph, in_stack, (int)n->nin, out_stack, (int)n->nout, f->opts, f->e,
                       f->depth + 1);
    if (rc)
        return fail_at(f, n);
    for (uint32_t i = 0; i < n->nout; i++)
        set_slot(f, n->out[i], out_stack[i]);
    return 0;
}

static int exec_node(frame *f, const ir_node *n)
{
    switch ((ir_nkind)n->kind) {
    case IR_CONST:
        set_slot(f, n->out[0], rt_value_retain(n->attr));
        return 0;
    case IR_OP:
        return exec_op(f, n);
    case IR_IF:
        return exec_if(f, n);
    case IR_LOOP:
        return exec_loop(f, n);
    case IR_GETATTR: {
        rt_value obj = f->slots[n->in[0]];
        if (obj.kind != RT_OBJECT || n->slot >= obj.u.object->nslots) {
            rt_err_set(f->e, TSJ_ERR_TYPE, "cannot read attribute '%s' of a %s", n->name,
                       rt_kind_name((rt_kind)obj.kind));
            return fail_at(f, n);
        }
        set_slot(f, n->out[0], rt_value_retain(obj.u.object->slots[n->slot]));
        return 0;
    }
    case IR_SETATTR: {
        rt_value obj = f->slots[n->in[0]];
        if (obj.kind != RT_OBJECT || n->slot >= obj.u.object->nslots) {
            rt_err_set(f->e, TSJ_ERR_TYPE, "cannot set attribute '%s' of a %s", n->name,
                       rt_kind_name((rt_kind)obj.kind));
            return fail_at(f, n);
        }
        rt_value *slot = &obj.u.object->slots[n->slot];
        rt_value old = *slot;
        *slot = rt_value_retain(f->slots[n->in[1]]);
        rt_value_release(old);
        return 0;
    }
    case IR_CALL:
        return exec_call(f, n);
    case IR_CREATE_OBJECT: {
        rt_value o;
        if (rt_object_new(n->cls, n->cls ? n->cls->nattrs : 0, &o, f->e))
            return fail_at(f, n);
        set_slot(f, n->out[0], o);
        return 0;
    }
    default:
        rt_err_set(f->e, TSJ_ERR_INTERNAL, "unknown node kind %d", n->kind);
        return fail_at(f, n);
    }
}

static int exec_block(frame *f, ir_bid b)
{
    const ir_block *blk = &f->g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        const ir_node *n = &f->g->nodes[blk->nodes[i]];
        if (n->dead)
            continue;
        if (exec_node(f, n))
            return -1;
    }
    return 0;
}

int rt_interp_run(const ir_graph *g, const rt_value *args, int nargs, rt_value *out, int nout,
                  const rt_interp_opts *opts, rt_err *e)
{
    for (int i = 0; i < nout; i++)
        out[i] = rt_none();
    if (rt_ops_init(e))
        return -1;
    return run_graph(g, args, nargs, out, nout, opts, e, 0);
}

static int run_graph(const ir_graph *g, const rt_value *args, int nargs, rt_value *out, int nout,
                     const rt_interp_opts *opts, rt_err *e, int depth)
{
    const ir_block *body = &g->blocks[0];
    if ((uint32_t)nargs != body->nparams)
        return rt_err_set(e, TSJ_ERR_TYPE, "graph takes %u arguments, got %d", body->nparams,
                          nargs);
    if ((uint32_t)nout != body->nrets)
        return rt_err_set(e, TSJ_ERR_INTERNAL, "graph returns %u values, caller wants %d",
                          body->nrets, nout);
    rt_value *slots = calloc(g->nvalues ? g->nvalues : 1, sizeof *slots);
    if (!slots)
        return rt_err_nomem(e);
    frame f = {g, slots, opts, e, depth};
    for (int i = 0; i < nargs; i++)
        slots[body->params[i]] = rt_value_retain(args[i]);
    int rc = exec_block(&f, 0);
    if (rc == 0)
        for (int i = 0; i < nout; i++)
            out[i] = rt_value_retain(slots[body->rets[i]]);
    for (uint32_t i = 0; i < g->nvalues; i++)
        rt_value_release(slots[i]);
    free(slots);
    return rc;
}
