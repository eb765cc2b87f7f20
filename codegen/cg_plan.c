/*
 * cg_plan.c — memory plan of a specialization.
 *
 * Arena: a group result that only other unguarded groups read (not a
 * kernel, not a block's rets) never becomes a tensor: it lives in the
 * call's arena. Nodes are numbered in execution order (depth first, a
 * node with blocks spanning its blocks' numbers); a buffer is live from
 * its group to its last reader, a reader inside a nested block counting
 * as the end of the outermost If/Loop that holds it in the producer's
 * block (a loop body re-reads it every iteration). Buffers whose live
 * ranges overlap get disjoint offsets (first fit, biggest first); 64-byte
 * aligned.
 *
 * Frame: the template a call copies into its slots — constants (borrowed
 * from the graph) in their slots, none elsewhere — and the list of slots
 * a call must release afterwards (everything but constants and the
 * arguments).
 */
#include <stdlib.h>
#include <string.h>

#include "cg_impl.h"

typedef struct planner {
    cg_spec *s;
    uint32_t *pos;  /* per node: execution order number       */
    uint32_t *end;  /* per node: last number inside its blocks */
    uint32_t next;
} planner;

static void number_block(planner *p, ir_bid b)
{
    const ir_graph *g = p->s->g;
    for (uint32_t i = 0; i < g->blocks[b].nnodes; i++) {
        ir_nid n = g->blocks[b].nodes[i];
        if (g->nodes[n].dead)
            continue;
        p->pos[n] = p->next++;
        for (uint32_t k = 0; k < g->nodes[n].nblocks; k++)
            number_block(p, g->nodes[n].blocks[k]);
        p->end[n] = p->next - 1;
    }
}

/* The position a use by node u counts at, seen from block `home`. */
static uint32_t use_pos(const planner *p, ir_nid u, ir_bid home)
{
    const ir_graph *g = p->s->g;
    ir_nid at = u;
    bool nested = false;
    while (g->nodes[at].parent != home) {
        ir_nid owner = g->blocks[g->nodes[at].parent].owner;
        if (owner == IR_NONE)
            return p->end[u]; /* not under home: cannot happen in SSA */
        at = owner;
        nested = true;
    }
    return nested ? p->end[at] : p->pos[at];
}

typedef struct buf {
    ir_vid v;
    size_t size;
    uint32_t from, to;
    int64_t off;
} buf;

static int cmp_size(const void *a, const void *b)
{
    const buf *x = a, *y = b;
    return x->size < y->size ? 1 : x->size > y->size ? -1 : (int)x->v - (int)y->v;
}

static int plan_arena(cg_spec *s, rt_err *e)
{
    const ir_graph *g = s->g;
    s->buf_off = malloc(sizeof *s->buf_off * (g->nvalues + 1));
    if (!s->buf_off)
        return rt_err_nomem(e);
    for (uint32_t v = 0; v < g->nvalues; v++)
        s->buf_off[v] = -1;
    s->arena_size = 0;
    if (!s->ngroups)
        return 0;
    /* candidates: outputs of unguarded groups */
    uint8_t *cand = calloc(g->nvalues + 1, 1);
    planner p = {.s = s};
    p.pos = calloc(g->nnodes + 1, sizeof *p.pos);
    p.end = calloc(g->nnodes + 1, sizeof *p.end);
    buf *bufs = NULL;
    uint32_t nbufs = 0;
    int rc = -1;
    if (!cand || !p.pos || !p.end)
        goto done;
    for (uint32_t i = 0; i < s->ngroups; i++)
        if (!s->groups[i].guarded)
            for (uint32_t k = 0; k < s->groups[i].nouts; k++)
                cand[s->groups[i].outs[k]] = 1;
    for (uint32_t b = 0; b < g->nblocks; b++) /* returned values stay tensors */
        for (uint32_t k = 0; k < g->blocks[b].nrets; k++)
            cand[g->blocks[b].rets[k]] = 0;
    for (uint32_t n = 0; n < g->nnodes; n++) {
        const ir_node *nd = &g->nodes[n];
        if (nd->dead)
            continue;
        bool group_reader = s->group_of[n] >= 0 && !s->groups[s->group_of[n]].guarded;
        if (!group_reader)
            for (uint32_t k = 0; k < nd->nin; k++)
                cand[nd->in[k]] = 0;
    }
    number_block(&p, 0);
    for (uint32_t v = 0; v < g->nvalues; v++) {
        if (!cand[v])
            continue;
        const cg_meta *m = &s->meta[v];
        size_t bytes = (size_t)cg_meta_numel(m) * rt_dtype_size((rt_dtype)m->dtype);
        ir_nid def = g->values[v].def;
        ir_bid home = g->nodes[def].parent;
        buf bf = {.v = v, .size = (bytes + 63) & ~(size_t)63, .off = -1};
        bf.from = p.pos[s->groups[s->group_of[def]].anchor];
        bf.to = bf.from;
        for (uint32_t n = 0; n < g->nnodes; n++) {
            const ir_node *nd = &g->nodes[n];
            if (nd->dead || s->group_of[n] == s->group_of[def])
                continue;
            for (uint32_t k = 0; k < nd->nin; k++)
                if (nd->in[k] == v) {
                    uint32_t u = use_pos(&p, s->groups[s->group_of[n]].anchor, home);
                    if (u > bf.to)
                        bf.to = u;
                }
        }
        buf *nb = realloc(bufs, sizeof *nb * (nbufs + 1));
        if (!nb)
            goto done;
        bufs = nb;
        bufs[nbufs++] = bf;
    }
    if (nbufs)
        qsort(bufs, nbufs, sizeof *bufs, cmp_size);
    for (uint32_t i = 0; i < nbufs; i++) {
        int64_t off = 0;
        for (bool moved = true; moved;) {
            moved = false;
            for (uint32_t j = 0; j < i; j++) {
                const buf *o = &bufs[j];
                bool live = !(o->to < bufs[i].from || bufs[i].to < o->from);
                bool mem = off < o->off + (int64_t)o->size && o->off < off + (int64_t)bufs[i].size;
                if (live && mem) {
                    off = o->off + (int64_t)o->size;
                    moved = true;
                }
            }
        }
        bufs[i].off = off;
        s->buf_off[bufs[i].v] = off;
        if ((size_t)off + bufs[i].size > s->arena_size)
            s->arena_size = (size_t)off + bufs[i].size;
    }
    rc = 0;
done:
    if (rc)
        rt_err_nomem(e);
    free(cand);
    free(p.pos);
    free(p.end);
    free(bufs);
    return rc;
}

static int plan_frame(cg_spec *s, rt_err *e)
{
    const ir_graph *g = s->g;
    s->frame_tmpl = calloc(g->nvalues + 1, sizeof *s->frame_tmpl);
    s->release = malloc(sizeof *s->release * (g->nvalues + 1));
    uint8_t *keep = calloc(g->nvalues + 1, 1);
    if (!s->frame_tmpl || !s->release || !keep) {
        free(keep);
        return rt_err_nomem(e);
    }
    for (uint32_t n = 0; n < g->nnodes; n++) {
        const ir_node *nd = &g->nodes[n];
        if (nd->dead || nd->kind != IR_CONST)
            continue;
        s->frame_tmpl[nd->out[0]] = nd->attr; /* borrowed */
        keep[nd->out[0]] = 1;
    }
    for (uint32_t i = 0; i < g->blocks[0].nparams; i++)
        keep[g->blocks[0].params[i]] = 1;
    s->nrelease = 0;
    for (uint32_t v = 0; v < g->nvalues; v++)
        if (!keep[v] && (!s->buf_off || s->buf_off[v] < 0))
            s->release[s->nrelease++] = v;
    free(keep);
    /* counts for describe */
    s->n_native = s->n_fallback = s->n_fused = 0;
    for (uint32_t n = 0; n < g->nnodes; n++) {
        const ir_node *nd = &g->nodes[n];
        if (nd->dead || nd->kind == IR_CONST)
            continue;
        if (s->group_of && s->group_of[n] >= 0)
            s->n_fused++;
        else if (nd->kind == IR_IF || nd->kind == IR_LOOP)
            s->n_native++;
        else
            s->n_fallback++;
    }
    return 0;
}

int cg_plan(cg_spec *s, rt_err *e)
{
    if (plan_arena(s, e))
        return -1;
    return plan_frame(s, e);
}
