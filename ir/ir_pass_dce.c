/* ir_pass_dce.c — dead code elimination by liveness (mark and sweep).
 *
 * Live roots: the graph's returns and every node with effects (impure or
 * in-place ops, ops without outputs such as prim::RaiseException, SetAttr,
 * calls). A live value makes its defining node live; a live node makes its
 * inputs and its enclosing If/Loop live. If outputs are live one by one
 * (making both branches' matching returns live); a Loop's carried slot is
 * live when its output or its body param is, making its initial value and
 * body return live. The sweep removes dead nodes and prunes dead If
 * outputs and Loop carried slots. */
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"

typedef struct dce {
    ir_graph *g;
    uint8_t *vlive, *nlive;
    ir_vid *work;
    uint32_t nwork;
} dce;

static void mark_value(dce *d, ir_vid v)
{
    if (v >= d->g->nvalues || d->vlive[v])
        return;
    d->vlive[v] = 1;
    d->work[d->nwork++] = v;
}

static void mark_node(dce *d, ir_nid n)
{
    while (n != IR_NONE && !d->nlive[n]) {
        d->nlive[n] = 1;
        const ir_node *nd = &d->g->nodes[n];
        if (nd->kind == IR_IF) {
            mark_value(d, nd->in[0]);
        } else if (nd->kind == IR_LOOP) {
            mark_value(d, nd->in[0]);
            mark_value(d, nd->in[1]);
            mark_value(d, d->g->blocks[nd->blocks[0]].rets[0]);
        } else {
            for (uint32_t k = 0; k < nd->nin; k++)
                mark_value(d, nd->in[k]);
        }
        n = d->g->blocks[nd->parent].owner;
    }
}

static void mark_slot(dce *d, ir_nid loop, uint32_t k)
{
    const ir_node *nd = &d->g->nodes[loop];
    const ir_block *body = &d->g->blocks[nd->blocks[0]];
    mark_node(d, loop);
    mark_value(d, nd->in[k + 2]);
    mark_value(d, nd->out[k]);
    mark_value(d, body->params[k + 1]);
    mark_value(d, body->rets[k + 1]);
}

static void process(dce *d, ir_vid v)
{
    const ir_value *val = &d->g->values[v];
    if (val->def != IR_NONE) {
        const ir_node *nd = &d->g->nodes[val->def];
        if (nd->kind == IR_IF) {
            mark_node(d, val->def);
            mark_value(d, d->g->blocks[nd->blocks[0]].rets[val->index]);
            mark_value(d, d->g->blocks[nd->blocks[1]].rets[val->index]);
        } else if (nd->kind == IR_LOOP) {
            mark_slot(d, val->def, val->index);
        } else {
            mark_node(d, val->def);
        }
        return;
    }
    ir_nid owner = d->g->blocks[val->block].owner;
    if (owner == IR_NONE)
        return;
    mark_node(d, owner);
    if (d->g->nodes[owner].kind == IR_LOOP && val->index >= 1)
        mark_slot(d, owner, val->index - 1);
}

static void mark_effects(dce *d, ir_bid b)
{
    const ir_block *blk = &d->g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        ir_nid n = blk->nodes[i];
        const ir_node *nd = &d->g->nodes[n];
        if (ir_node_has_effects(d->g, nd))
            mark_node(d, n);
        for (uint32_t k = 0; k < nd->nblocks; k++)
            mark_effects(d, nd->blocks[k]);
    }
}

static void prune_if(dce *d, ir_node *nd)
{
    ir_graph *g = d->g;
    ir_block *b0 = &g->blocks[nd->blocks[0]], *b1 = &g->blocks[nd->blocks[1]];
    uint32_t m = 0;
    for (uint32_t k = 0; k < nd->nout; k++) {
        if (!d->vlive[nd->out[k]])
            continue;
        nd->out[m] = nd->out[k];
        g->values[nd->out[m]].index = m;
        b0->rets[m] = b0->rets[k];
        b1->rets[m] = b1->rets[k];
        m++;
    }
    nd->nout = b0->nrets = b1->nrets = m;
}

static void prune_loop(dce *d, ir_node *nd)
{
    ir_graph *g = d->g;
    ir_block *body = &g->blocks[nd->blocks[0]];
    uint32_t m = 0;
    for (uint32_t k = 0; k < nd->nout; k++) {
        if (!d->vlive[nd->out[k]])
            continue;
        nd->out[m] = nd->out[k];
        g->values[nd->out[m]].index = m;
        nd->in[m + 2] = nd->in[k + 2];
        body->params[m + 1] = body->params[k + 1];
        g->values[body->params[m + 1]].index = m + 1;
        body->rets[m + 1] = body->rets[k + 1];
        m++;
    }
    nd->nout = m;
    nd->nin = m + 2;
    body->nparams = body->nrets = m + 1;
}

static void sweep(dce *d, ir_bid b)
{
    ir_graph *g = d->g;
    for (uint32_t i = 0; i < g->blocks[b].nnodes;) {
        ir_nid n = g->blocks[b].nodes[i];
        if (!d->nlive[n]) {
            ir_node_remove(g, n);
            continue;
        }
        ir_node *nd = &g->nodes[n];
        if (nd->kind == IR_IF)
            prune_if(d, nd);
        else if (nd->kind == IR_LOOP)
            prune_loop(d, nd);
        for (uint32_t k = 0; k < nd->nblocks; k++)
            sweep(d, g->nodes[n].blocks[k]);
        i++;
    }
}

int ir_pass_dce(ir_graph *g, rt_err *e)
{
    if (rt_ops_init(e))
        return -1;
    dce d = {.g = g};
    d.vlive = calloc(g->nvalues + 1, 1);
    d.nlive = calloc(g->nnodes + 1, 1);
    d.work = malloc((g->nvalues + 1) * sizeof *d.work);
    if (!d.vlive || !d.nlive || !d.work) {
        free(d.vlive);
        free(d.nlive);
        free(d.work);
        return rt_err_nomem(e);
    }
    for (uint32_t i = 0; i < g->blocks[0].nrets; i++)
        mark_value(&d, g->blocks[0].rets[i]);
    mark_effects(&d, 0);
    while (d.nwork)
        process(&d, d.work[--d.nwork]);
    sweep(&d, 0);
    free(d.vlive);
    free(d.nlive);
    free(d.work);
    return 0;
}
