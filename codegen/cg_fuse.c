/*
 * cg_fuse.c — fusion groups: runs of fusable elementwise nodes (an
 * emitter in cg_emit_ew.c, known shapes, contiguous inputs) of one block
 * with the same output shape become one loop, placed at the last member.
 *
 * Between two members may sit other nodes, as long as they are pure ops
 * that read no member's result (the group runs after them, so every
 * member input is ready and nothing the group reads can change). An
 * impure node, control flow, or a node reading a member's result closes
 * the group.
 *
 * Per group: its external inputs, its outputs (member results used
 * outside it), whether a tensor input needs a run-time guard (kernel
 * outputs: their shapes come from rules, not from the signature). Results
 * of an unguarded group are themselves guaranteed, so later groups
 * reading them need no guard.
 */
#include <stdlib.h>
#include <string.h>

#include "cg_impl.h"
#include "cg_llvm.h"

typedef struct fuser {
    cg_spec *s;
    rt_err *e;
    /* the group being formed */
    ir_nid *cur;
    uint32_t ncur, cap;
    int ndim;
    int64_t shape[RT_MAX_DIMS];
    uint8_t kind;
} fuser;

static bool is_member_value(const fuser *f, ir_vid v)
{
    ir_nid d = f->s->g->values[v].def;
    for (uint32_t i = 0; i < f->ncur; i++)
        if (f->cur[i] == d)
            return true;
    return false;
}

static int push_u32(uint32_t **a, uint32_t *n, uint32_t v, rt_err *e)
{
    for (uint32_t i = 0; i < *n; i++)
        if ((*a)[i] == v)
            return 0;
    uint32_t *p = realloc(*a, sizeof **a * (*n + 1));
    if (!p)
        return rt_err_nomem(e);
    *a = p;
    (*a)[(*n)++] = v;
    return 0;
}

/* Closes the current group: records it with inputs; outputs later. */
static int close_group(fuser *f)
{
    if (f->ncur == 0)
        return 0;
    cg_spec *s = f->s;
    cg_group *gs = realloc(s->groups, sizeof *gs * (s->ngroups + 1));
    if (!gs)
        return rt_err_nomem(f->e);
    s->groups = gs;
    cg_group *gr = &gs[s->ngroups];
    memset(gr, 0, sizeof *gr);
    gr->nodes = malloc(sizeof *gr->nodes * f->ncur);
    if (!gr->nodes)
        return rt_err_nomem(f->e);
    memcpy(gr->nodes, f->cur, sizeof *gr->nodes * f->ncur);
    gr->nnodes = f->ncur;
    gr->anchor = f->cur[f->ncur - 1];
    gr->ndim = f->ndim;
    memcpy(gr->shape, f->shape, sizeof gr->shape);
    gr->kind = f->kind;
    f->kind = CG_GROUP_EW;
    s->ngroups++;
    for (uint32_t i = 0; i < f->ncur; i++) {
        s->group_of[f->cur[i]] = (int32_t)(s->ngroups - 1);
        const ir_node *n = &s->g->nodes[f->cur[i]];
        for (uint32_t k = 0; k < n->nin; k++) {
            ir_vid v = n->in[k];
            if (is_member_value(f, v))
                continue;
            const cg_meta *m = &s->meta[v];
            /* tensors and numbers; other attributes (strings, None) are
             * constants the emitter reads at compile time */
            if (m->kind == RT_TENSOR || m->kind == RT_INT || m->kind == RT_FLOAT ||
                m->kind == RT_BOOL)
                if (push_u32(&gr->ins, &gr->nins, v, f->e))
                    return -1;
        }
    }
    for (uint32_t i = 0; i < gr->nins; i++) {
        const cg_meta *m = &s->meta[gr->ins[i]];
        if (m->kind == RT_TENSOR && !m->certain)
            gr->guarded = true;
    }
    f->ncur = 0;
    return 0;
}

static int add_member(fuser *f, ir_nid n)
{
    if (f->ncur == f->cap) {
        uint32_t cap = f->cap ? f->cap * 2 : 8;
        ir_nid *p = realloc(f->cur, sizeof *p * cap);
        if (!p)
            return rt_err_nomem(f->e);
        f->cur = p;
        f->cap = cap;
    }
    f->cur[f->ncur++] = n;
    return 0;
}

static bool reads_member(const fuser *f, const ir_node *n)
{
    for (uint32_t k = 0; k < n->nin; k++)
        if (is_member_value(f, n->in[k]))
            return true;
    return false;
}

static bool pure_op(const ir_node *n)
{
    if (n->kind != IR_OP)
        return false;
    const rt_op *op = rt_op_get(n->op);
    return op && !(op->flags & (RT_OPF_IMPURE | RT_OPF_INPLACE));
}

static int fuse_block(fuser *f, ir_bid b)
{
    cg_spec *s = f->s;
    for (uint32_t i = 0; i < s->g->blocks[b].nnodes; i++) {
        ir_nid nid = s->g->blocks[b].nodes[i];
        const ir_node *n = &s->g->nodes[nid];
        if (n->dead || n->kind == IR_CONST)
            continue;
        if (cg_ew_fusable(s, n)) {
            const cg_meta *o = &s->meta[n->out[0]];
            bool same = f->ncur && o->ndim == f->ndim &&
                        !memcmp(o->shape, f->shape, sizeof(int64_t) * (size_t)o->ndim);
            if (f->ncur && !same && close_group(f))
                return -1;
            if (!f->ncur) {
                f->ndim = o->ndim;
                memset(f->shape, 0, sizeof f->shape);
                memcpy(f->shape, o->shape, sizeof(int64_t) * (size_t)o->ndim);
            }
            if (add_member(f, nid))
                return -1;
            continue;
        }
        if (cg_linear_emittable(s, n)) {
            /* its own group: a native loop nest instead of the GEMM call */
            if (close_group(f) || add_member(f, nid))
                return -1;
            f->ndim = s->meta[n->out[0]].ndim;
            memset(f->shape, 0, sizeof f->shape);
            memcpy(f->shape, s->meta[n->out[0]].shape, sizeof(int64_t) * (size_t)f->ndim);
            f->kind = CG_GROUP_LINEAR;
            if (close_group(f))
                return -1;
            continue;
        }
        if (f->ncur && (!pure_op(n) || reads_member(f, n)) && close_group(f))
            return -1;
        if (n->nblocks) {
            /* nested blocks form their own groups */
            if (close_group(f))
                return -1;
            for (uint32_t k = 0; k < n->nblocks; k++)
                if (fuse_block(f, s->g->nodes[nid].blocks[k]) || close_group(f))
                    return -1;
        }
    }
    return close_group(f);
}

/* Outputs of every group: member results read by a non-member, by a
 * different group, or by a block's rets. */
static int find_outputs(cg_spec *s, rt_err *e)
{
    const ir_graph *g = s->g;
    for (uint32_t nid = 0; nid < g->nnodes; nid++) {
        const ir_node *n = &g->nodes[nid];
        if (n->dead)
            continue;
        for (uint32_t k = 0; k < n->nin; k++) {
            ir_nid d = g->values[n->in[k]].def;
            if (d == IR_NONE || s->group_of[d] < 0 || s->group_of[d] == s->group_of[nid])
                continue;
            cg_group *gr = &s->groups[s->group_of[d]];
            if (push_u32(&gr->outs, &gr->nouts, n->in[k], e))
                return -1;
        }
    }
    for (uint32_t b = 0; b < g->nblocks; b++) {
        const ir_block *blk = &g->blocks[b];
        if (b != 0 && (blk->owner == IR_NONE || g->nodes[blk->owner].dead))
            continue;
        for (uint32_t k = 0; k < blk->nrets; k++) {
            ir_nid d = g->values[blk->rets[k]].def;
            if (d == IR_NONE || s->group_of[d] < 0)
                continue;
            cg_group *gr = &s->groups[s->group_of[d]];
            if (push_u32(&gr->outs, &gr->nouts, blk->rets[k], e))
                return -1;
        }
    }
    return 0;
}

int cg_fuse(cg_spec *s, rt_err *e)
{
    s->group_of = malloc(sizeof *s->group_of * (s->g->nnodes + 1));
    if (!s->group_of)
        return rt_err_nomem(e);
    for (uint32_t i = 0; i < s->g->nnodes; i++)
        s->group_of[i] = -1;
    const char *env = getenv("TSJ_JIT_FUSE");
    if (env && !strcmp(env, "0"))
        return 0; /* debugging: every node through its kernel */
    fuser f = {.s = s, .e = e};
    int rc = fuse_block(&f, 0);
    free(f.cur);
    if (rc || find_outputs(s, e))
        return -1;
    /* Groups are in execution order; an unguarded group's outputs are
     * guaranteed. Guards of later groups depend on that, so recompute. */
    for (uint32_t i = 0; i < s->ngroups; i++) {
        cg_group *gr = &s->groups[i];
        gr->guarded = false;
        for (uint32_t k = 0; k < gr->nins; k++) {
            const cg_meta *m = &s->meta[gr->ins[k]];
            if (m->kind == RT_TENSOR && !m->certain)
                gr->guarded = true;
        }
        if (!gr->guarded)
            for (uint32_t k = 0; k < gr->nouts; k++) {
                s->meta[gr->outs[k]].certain = true;
                s->meta[gr->outs[k]].contig = true;
            }
    }
    return 0;
}
