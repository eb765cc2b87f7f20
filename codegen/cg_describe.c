/*
 * cg_describe.c — the text of `tsjit info --jit`: the specialized IR, the
 * fusion groups with their inputs, outputs and guards, the arena, and
 * how every node runs (fused, native control flow, or a kernel call
 * through the interpreter's entry point). LLVM IR, assembly and times
 * are added by cg_method_describe.
 */
#include <stdlib.h>
#include <string.h>

#include "cg_impl.h"

static const char *vname(const ir_graph *g, ir_vid v, char *buf, size_t size)
{
    const char *n = g->values[v].name;
    if (n)
        snprintf(buf, size, "%%%s", n);
    else
        snprintf(buf, size, "%%%u", v);
    return buf;
}

static const char *node_name(const ir_node *n, char *buf, size_t size)
{
    switch (n->kind) {
    case IR_OP: {
        const rt_op *op = rt_op_get(n->op);
        return op ? rt_op_full_name(op, buf, size) : "?";
    }
    case IR_IF: return "prim::If";
    case IR_LOOP: return "prim::Loop";
    case IR_GETATTR: return "prim::GetAttr";
    case IR_SETATTR: return "prim::SetAttr";
    case IR_CALL: return "prim::CallMethod";
    case IR_CREATE_OBJECT: return "prim::CreateObject";
    default: return "prim::Constant";
    }
}

static void node_line(cg_buf *b, const cg_spec *s, ir_nid nid, int depth)
{
    const ir_graph *g = s->g;
    const ir_node *n = &g->nodes[nid];
    char nb[160], vb[160], mb[256];
    cg_buf_printf(b, "%*s", 2 + depth * 2, "");
    for (uint32_t k = 0; k < n->nout; k++)
        cg_buf_printf(b, "%s%s : %s", k ? ", " : "", vname(g, n->out[k], vb, sizeof vb),
                      cg_meta_str(&s->meta[n->out[k]], mb, sizeof mb));
    cg_buf_printf(b, "%s%s", n->nout ? " = " : "", node_name(n, nb, sizeof nb));
    int32_t gi = s->group_of[nid];
    if (gi >= 0)
        cg_buf_printf(b, "   [fused: group %d%s]\n", gi,
                      s->groups[gi].anchor == nid ? ", loop runs here" : "");
    else if (n->kind == IR_IF || n->kind == IR_LOOP)
        cg_buf_printf(b, "   [native control flow]\n");
    else
        cg_buf_printf(b, "   [kernel via cg_rt_node]\n");
}

static void nodes_of(cg_buf *b, const cg_spec *s, ir_bid blk, int depth)
{
    const ir_graph *g = s->g;
    for (uint32_t i = 0; i < g->blocks[blk].nnodes; i++) {
        ir_nid nid = g->blocks[blk].nodes[i];
        const ir_node *n = &g->nodes[nid];
        if (n->dead || n->kind == IR_CONST)
            continue;
        node_line(b, s, nid, depth);
        for (uint32_t k = 0; k < n->nblocks; k++) {
            cg_buf_printf(b, "%*sblock%u:\n", 4 + depth * 2, "", k);
            nodes_of(b, s, n->blocks[k], depth + 2);
        }
    }
}

void cg_describe_spec(cg_buf *b, const cg_spec *s)
{
    const ir_graph *g = s->g;
    uint32_t narena = 0;
    for (uint32_t v = 0; v < g->nvalues; v++)
        narena += s->buf_off && s->buf_off[v] >= 0;
    cg_buf_printf(b,
                  "nodes: %u fused into %u loop(s), %u native control flow, %u kernel call(s) "
                  "through the interpreter's kernels\n",
                  s->n_fused, s->ngroups, s->n_native, s->n_fallback);
    cg_buf_printf(b, "arena: %zu bytes, %u buffer(s)\n", s->arena_size, narena);
    char *ir = ir_print(g);
    cg_buf_printf(b, "\n== specialized IR ==\n%s", ir ? ir : "(out of memory)\n");
    free(ir);
    cg_buf_printf(b, "\n== fusion groups ==\n");
    if (!s->ngroups)
        cg_buf_printf(b, "(none)\n");
    for (uint32_t i = 0; i < s->ngroups; i++) {
        const cg_group *gr = &s->groups[i];
        char sh[256], vb[160], mb[256], nb[160];
        rt_shape_str(gr->ndim, gr->shape, sh, sizeof sh);
        cg_buf_printf(b, "group %u: %s %s, %u op(s)%s\n", i,
                      gr->kind == CG_GROUP_LINEAR ? "native linear (small GEMM loop nest) ->"
                                                  : "loop over",
                      sh, gr->nnodes, gr->guarded ? ", guarded (slow path: the kernels)" : "");
        for (uint32_t k = 0; k < gr->nnodes; k++) {
            const ir_node *n = &g->nodes[gr->nodes[k]];
            cg_buf_printf(b, "    %s = %s\n", vname(g, n->out[0], vb, sizeof vb),
                          node_name(n, nb, sizeof nb));
        }
        for (uint32_t k = 0; k < gr->nins; k++) {
            const cg_meta *m = &s->meta[gr->ins[k]];
            const rt_value *c = ir_value_const(g, gr->ins[k]);
            cg_buf_printf(b, "  in  %s : %s%s%s\n", vname(g, gr->ins[k], vb, sizeof vb),
                          cg_meta_str(m, mb, sizeof mb), c ? " (constant)" : "",
                          s->buf_off && s->buf_off[gr->ins[k]] >= 0 ? " (arena)" : "");
        }
        for (uint32_t k = 0; k < gr->nouts; k++) {
            ir_vid v = gr->outs[k];
            if (s->buf_off && s->buf_off[v] >= 0)
                cg_buf_printf(b, "  out %s : %s -> arena+%lld\n", vname(g, v, vb, sizeof vb),
                              cg_meta_str(&s->meta[v], mb, sizeof mb), (long long)s->buf_off[v]);
            else
                cg_buf_printf(b, "  out %s : %s -> new tensor\n", vname(g, v, vb, sizeof vb),
                              cg_meta_str(&s->meta[v], mb, sizeof mb));
        }
    }
    cg_buf_printf(b, "\n== how each node runs ==\n");
    nodes_of(b, s, 0, 0);
}
