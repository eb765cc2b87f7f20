/* ir_pass_inline.c — inlining: every IR_CALL whose callee has a graph is
 * replaced by a copy of the callee's body (itself inlined first), its
 * params bound to the call's arguments and its returns to the call's
 * outputs. A call chain that reaches a function already being inlined is
 * recursion and is refused with an error naming the chain.
 *
 * Each callee is inlined once per pass: the inlined body is kept (a memo
 * per function) and copied into every later call site, and a callee that
 * calls nothing is copied straight from its own graph. Models made of many
 * instances of a few module classes (a BatchNorm2d forward called 50
 * times) then cost one copy per call site, not one per level of nesting. */
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"

#define INLINE_MAX_DEPTH 64

typedef struct inlined {
    const ir_func *fn;
    ir_graph *g;  /* fn's body with its own calls inlined          */
    bool owned;   /* a clone (freed at the end), or fn->graph       */
} inlined;

typedef struct inliner {
    const ir_func *chain[INLINE_MAX_DEPTH];
    int depth;
    rt_err *e;
    inlined *memo;
    uint32_t nmemo, capmemo;
} inliner;

static bool calls_anything(const ir_graph *g)
{
    for (uint32_t n = 0; n < g->nnodes; n++)
        if (!g->nodes[n].dead && g->nodes[n].kind == IR_CALL && g->nodes[n].fn &&
            g->nodes[n].fn->graph)
            return true;
    return false;
}

static int inline_graph(inliner *in, ir_graph *g);

static int refuse_recursion(inliner *in, const ir_func *fn)
{
    char chain[1024];
    size_t n = 0;
    chain[0] = '\0';
    for (int i = 0; i < in->depth && n < sizeof chain; i++)
        n += (size_t)snprintf(chain + n, sizeof chain - n, "%s -> ", in->chain[i]->qualname);
    if (n < sizeof chain)
        snprintf(chain + n, sizeof chain - n, "%s", fn->qualname);
    return rt_err_set(in->e, TSJ_ERR_UNSUPPORTED,
                      "ir_pass_inline: recursive call to %s cannot be inlined (%s)",
                      fn->qualname, chain);
}

/* Replaces call node n (in block b) by the callee's body. Sets *count to
 * the number of nodes put in its place. */
static int inline_call(inliner *in, ir_graph *g, ir_bid b, ir_nid n, uint32_t *count)
{
    const ir_func *fn = g->nodes[n].fn;
    for (int i = 0; i < in->depth; i++)
        if (in->chain[i] == fn)
            return refuse_recursion(in, fn);
    if (in->depth == INLINE_MAX_DEPTH)
        return rt_err_set(in->e, TSJ_ERR_LIMIT, "ir_pass_inline: calls nested deeper than %d",
                          INLINE_MAX_DEPTH);
    const ir_graph *callee = NULL;
    for (uint32_t i = 0; i < in->nmemo && !callee; i++)
        if (in->memo[i].fn == fn)
            callee = in->memo[i].g;
    if (!callee) {
        ir_graph *c = NULL;
        if (calls_anything(fn->graph)) {
            if (!(c = ir_graph_clone(fn->graph, in->e)))
                return -1;
            in->chain[in->depth++] = fn;
            int irc = inline_graph(in, c);
            in->depth--;
            if (irc) {
                ir_graph_free(c);
                return -1;
            }
        }
        if (in->nmemo == in->capmemo) {
            uint32_t cap = in->capmemo ? 2 * in->capmemo : 16;
            inlined *p = realloc(in->memo, cap * sizeof *p);
            if (!p) {
                ir_graph_free(c);
                return rt_err_nomem(in->e);
            }
            in->memo = p;
            in->capmemo = cap;
        }
        in->memo[in->nmemo++] = (inlined){.fn = fn, .g = c ? c : fn->graph, .owned = c != NULL};
        callee = c ? c : fn->graph;
    }
    int rc = 0;
    ir_vid *rets = NULL;
    const ir_block *body = &callee->blocks[0];
    const ir_node *call = &g->nodes[n];
    if (body->nparams != call->nin || body->nrets != call->nout) {
        char label[512];
        rc = rt_err_set(in->e, TSJ_ERR_INTERNAL,
                        "ir_pass_inline: %s passes %u arguments and takes %u results, but %s "
                        "has %u params and %u returns",
                        ir_node_label(g, n, label, sizeof label), call->nin, call->nout,
                        fn->qualname, body->nparams, body->nrets);
        goto done;
    }
    rets = malloc((body->nrets ? body->nrets : 1) * sizeof *rets);
    ir_vid *args = malloc((call->nin ? call->nin : 1) * sizeof *args);
    if (!rets || !args) {
        free(args);
        rc = rt_err_nomem(in->e);
        goto done;
    }
    memcpy(args, call->in, call->nin * sizeof *args);
    uint32_t before = g->blocks[b].nnodes;
    rc = ir_graph_copy_block(g, b, callee, 0, args, rets, in->e);
    free(args);
    if (rc)
        goto done;
    *count = g->blocks[b].nnodes - before;
    ir_block_move_tail_before(g, b, *count, n);
    for (uint32_t k = 0; k < g->nodes[n].nout; k++)
        ir_value_replace_uses(g, g->nodes[n].out[k], rets[k]);
    ir_node_remove(g, n);
done:
    free(rets);
    return rc;
}

static int inline_block(inliner *in, ir_graph *g, ir_bid b)
{
    for (uint32_t i = 0; i < g->blocks[b].nnodes;) {
        ir_nid n = g->blocks[b].nodes[i];
        const ir_node *nd = &g->nodes[n];
        if (nd->kind == IR_CALL && nd->fn && nd->fn->graph) {
            uint32_t count = 0;
            if (inline_call(in, g, b, n, &count))
                return -1;
            i += count; /* the copied body is already inlined */
            continue;
        }
        for (uint32_t k = 0; k < g->nodes[n].nblocks; k++) /* nodes may move */
            if (inline_block(in, g, g->nodes[n].blocks[k]))
                return -1;
        i++;
    }
    return 0;
}

static int inline_graph(inliner *in, ir_graph *g) { return inline_block(in, g, 0); }

int ir_pass_inline(ir_graph *g, rt_err *e)
{
    inliner in = {.e = e};
    int rc = inline_graph(&in, g);
    for (uint32_t i = 0; i < in.nmemo; i++)
        if (in.memo[i].owned)
            ir_graph_free(in.memo[i].g);
    free(in.memo);
    return rc;
}
