/* ir_pass_inline.c — inlining: every IR_CALL whose callee has a graph is
 * replaced by a copy of the callee's body, its params bound to the call's
 * arguments and its returns to the call's outputs.
 *
 * Top down, in one sweep: a call is replaced by the callee's own graph as
 * it is, and the sweep goes on over the copied nodes, so the calls inside
 * are inlined in their turn. Every node of a model is copied once per
 * place it ends up in, however deep its module sits (a bottom-up inliner
 * copies it once per level of nesting: mobilenet_v2's eight levels).
 *
 * Each copied node remembers the inline frame it came from (the callee and
 * the frame of the call), so a call that reaches a function already being
 * inlined on its own chain is recursion, refused with an error naming the
 * chain, and chains deeper than INLINE_MAX_DEPTH are refused too. */
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"

#define INLINE_MAX_DEPTH 64

typedef struct frame {
    const ir_func *fn;
    int32_t parent; /* index of the caller's frame, -1: the graph itself */
    int32_t depth;
} frame;

typedef struct inliner {
    rt_err *e;
    frame *frames;
    uint32_t nframes, capframes;
    int32_t *frame_of; /* per node id: its frame, -1 for the graph's own */
    uint32_t capnodes;
} inliner;

/* frame_of covers node ids [0, n); new ids get `f`. */
static int cover(inliner *in, uint32_t n, int32_t f)
{
    if (n <= in->capnodes)
        return 0;
    uint32_t cap = in->capnodes ? in->capnodes : 256;
    while (cap < n)
        cap *= 2;
    int32_t *p = realloc(in->frame_of, cap * sizeof *p);
    if (!p)
        return rt_err_nomem(in->e);
    for (uint32_t i = in->capnodes; i < cap; i++)
        p[i] = f;
    in->frame_of = p;
    in->capnodes = cap;
    return 0;
}

static int refuse_recursion(inliner *in, int32_t f, const ir_func *fn)
{
    /* the chain, outermost first */
    const ir_func *chain[INLINE_MAX_DEPTH + 1];
    int n = 0;
    for (int32_t k = f; k >= 0 && n < INLINE_MAX_DEPTH; k = in->frames[k].parent)
        chain[n++] = in->frames[k].fn;
    char text[1024];
    size_t len = 0;
    text[0] = '\0';
    for (int i = n - 1; i >= 0 && len < sizeof text; i--)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s -> ", chain[i]->qualname);
    if (len < sizeof text)
        snprintf(text + len, sizeof text - len, "%s", fn->qualname);
    return rt_err_set(in->e, TSJ_ERR_UNSUPPORTED,
                      "ir_pass_inline: recursive call to %s cannot be inlined (%s)", fn->qualname,
                      text);
}

/* Replaces call node n (in block b, at position pos) by a copy of the
 * callee's graph; the copied nodes take its place. */
static int inline_call(inliner *in, ir_graph *g, ir_bid b, ir_nid n)
{
    const ir_func *fn = g->nodes[n].fn;
    int32_t f = n < in->capnodes ? in->frame_of[n] : -1;
    for (int32_t k = f; k >= 0; k = in->frames[k].parent)
        if (in->frames[k].fn == fn)
            return refuse_recursion(in, f, fn);
    int32_t depth = f >= 0 ? in->frames[f].depth + 1 : 1;
    if (depth > INLINE_MAX_DEPTH)
        return rt_err_set(in->e, TSJ_ERR_LIMIT, "ir_pass_inline: calls nested deeper than %d",
                          INLINE_MAX_DEPTH);
    const ir_graph *callee = fn->graph;
    const ir_block *body = &callee->blocks[0];
    const ir_node *call = &g->nodes[n];
    if (body->nparams != call->nin || body->nrets != call->nout) {
        char label[512];
        return rt_err_set(in->e, TSJ_ERR_INTERNAL,
                          "ir_pass_inline: %s passes %u arguments and takes %u results, but %s "
                          "has %u params and %u returns",
                          ir_node_label(g, n, label, sizeof label), call->nin, call->nout,
                          fn->qualname, body->nparams, body->nrets);
    }
    if (in->nframes == in->capframes) {
        uint32_t cap = in->capframes ? 2 * in->capframes : 64;
        frame *p = realloc(in->frames, cap * sizeof *p);
        if (!p)
            return rt_err_nomem(in->e);
        in->frames = p;
        in->capframes = cap;
    }
    int32_t nf = (int32_t)in->nframes++;
    in->frames[nf] = (frame){.fn = fn, .parent = f, .depth = depth};
    /* nodes up to now keep their frames; the copies get the new one */
    uint32_t first = g->nnodes;
    if (cover(in, first, -1))
        return -1;
    ir_vid *rets = malloc((body->nrets ? body->nrets : 1) * sizeof *rets);
    ir_vid *args = malloc((call->nin ? call->nin : 1) * sizeof *args);
    int rc = 0;
    if (!rets || !args) {
        rc = rt_err_nomem(in->e);
        goto done;
    }
    memcpy(args, call->in, call->nin * sizeof *args);
    uint32_t before = g->blocks[b].nnodes;
    if ((rc = ir_graph_copy_block(g, b, callee, 0, args, rets, in->e)))
        goto done;
    if ((rc = cover(in, g->nnodes, nf)))
        goto done;
    for (uint32_t k = first; k < g->nnodes; k++)
        in->frame_of[k] = nf;
    uint32_t count = g->blocks[b].nnodes - before;
    ir_block_move_tail_before(g, b, count, n);
    for (uint32_t k = 0; k < g->nodes[n].nout; k++)
        ir_value_replace_uses(g, g->nodes[n].out[k], rets[k]);
    ir_node_remove(g, n);
done:
    free(args);
    free(rets);
    return rc;
}

static int inline_block(inliner *in, ir_graph *g, ir_bid b)
{
    for (uint32_t i = 0; i < g->blocks[b].nnodes;) {
        ir_nid n = g->blocks[b].nodes[i];
        const ir_node *nd = &g->nodes[n];
        if (nd->kind == IR_CALL && nd->fn && nd->fn->graph) {
            if (inline_call(in, g, b, n))
                return -1;
            continue; /* position i now holds the first copied node */
        }
        for (uint32_t k = 0; k < g->nodes[n].nblocks; k++) /* nodes may move */
            if (inline_block(in, g, g->nodes[n].blocks[k]))
                return -1;
        i++;
    }
    return 0;
}

int ir_pass_inline(ir_graph *g, rt_err *e)
{
    inliner in = {.e = e};
    int rc = inline_block(&in, g, 0);
    free(in.frames);
    free(in.frame_of);
    return rc;
}
