/* ir_graph.c — the graph: value/node/block arrays (malloc'd, growable, ids
 * stable), per-graph arena for node operands and names, editing helpers,
 * clone and block copying. */
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"

static int grow(void **arr, uint32_t *cap, uint32_t need, size_t elem, rt_err *e)
{
    if (need <= *cap)
        return 0;
    uint32_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > UINT32_MAX / 2 - 1)
            return rt_err_set(e, TSJ_ERR_LIMIT, "ir: graph too large");
        c *= 2;
    }
    void *p = realloc(*arr, (size_t)c * elem);
    if (!p)
        return rt_err_nomem(e);
    *arr = p;
    *cap = c;
    return 0;
}

ir_graph *ir_graph_new(rt_err *e)
{
    ir_graph *g = calloc(1, sizeof *g);
    if (!g) {
        rt_err_nomem(e);
        return NULL;
    }
    rt_arena_init(&g->arena);
    if (ir_block_new(g, e) == IR_NONE) {
        ir_graph_free(g);
        return NULL;
    }
    return g;
}

void ir_graph_free(ir_graph *g)
{
    if (!g)
        return;
    for (uint32_t i = 0; i < g->nnodes; i++)
        if (g->nodes[i].kind == IR_CONST)
            rt_value_release(g->nodes[i].attr);
    for (uint32_t i = 0; i < g->nblocks; i++)
        free(g->blocks[i].nodes);
    free(g->values);
    free(g->nodes);
    free(g->blocks);
    rt_arena_free(&g->arena);
    free(g);
}

ir_bid ir_block_new(ir_graph *g, rt_err *e)
{
    if (grow((void **)&g->blocks, &g->cap_blocks, g->nblocks + 1, sizeof(ir_block), e))
        return IR_NONE;
    ir_block *b = &g->blocks[g->nblocks];
    memset(b, 0, sizeof *b);
    b->owner = IR_NONE;
    return g->nblocks++;
}

static ir_vid new_value(ir_graph *g, const rt_type *t, ir_nid def, ir_bid block, uint32_t index,
                        rt_err *e)
{
    if (grow((void **)&g->values, &g->cap_values, g->nvalues + 1, sizeof(ir_value), e))
        return IR_NONE;
    ir_value *v = &g->values[g->nvalues];
    v->type = t;
    v->def = def;
    v->block = block;
    v->index = index;
    v->name = NULL;
    return g->nvalues++;
}

ir_vid ir_block_add_param(ir_graph *g, ir_bid b, const rt_type *t, const char *name, rt_err *e)
{
    if (b >= g->nblocks) {
        rt_err_set(e, TSJ_ERR_INTERNAL, "ir_block_add_param: bad block %u", b);
        return IR_NONE;
    }
    ir_block *blk = &g->blocks[b];
    uint32_t n = blk->nparams;
    /* arena arrays double at powers of two */
    if (n == 0 || (n & (n - 1)) == 0) {
        ir_vid *p = RT_ARENA_ARRAY(&g->arena, ir_vid, n ? 2 * n : 4);
        if (!p) {
            rt_err_nomem(e);
            return IR_NONE;
        }
        if (n)
            memcpy(p, blk->params, n * sizeof *p);
        blk->params = p;
    }
    ir_vid v = new_value(g, t, IR_NONE, b, n, e);
    if (v == IR_NONE)
        return IR_NONE;
    blk = &g->blocks[b];
    blk->params[n] = v;
    blk->nparams = n + 1;
    if (name && ir_value_set_name(g, v, name, e))
        return IR_NONE;
    return v;
}

int ir_block_set_rets(ir_graph *g, ir_bid b, const ir_vid *rets, uint32_t n, rt_err *e)
{
    if (b >= g->nblocks)
        return rt_err_set(e, TSJ_ERR_INTERNAL, "ir_block_set_rets: bad block %u", b);
    ir_vid *r = RT_ARENA_ARRAY(&g->arena, ir_vid, n ? n : 1);
    if (!r)
        return rt_err_nomem(e);
    if (n)
        memcpy(r, rets, n * sizeof *r);
    g->blocks[b].rets = r;
    g->blocks[b].nrets = n;
    return 0;
}

static int block_push(ir_graph *g, ir_bid b, ir_nid n, rt_err *e)
{
    ir_block *blk = &g->blocks[b];
    if (grow((void **)&blk->nodes, &blk->cap, blk->nnodes + 1, sizeof(ir_nid), e))
        return -1;
    blk->nodes[blk->nnodes++] = n;
    return 0;
}

ir_nid ir_node_append(ir_graph *g, ir_bid b, ir_nkind kind, const ir_vid *in, uint32_t nin,
                      const rt_type *const *out_types, uint32_t nout, const ir_bid *blocks,
                      uint32_t nblocks, rt_loc loc, rt_err *e)
{
    if (b >= g->nblocks || kind >= IR_NKIND_COUNT) {
        rt_err_set(e, TSJ_ERR_INTERNAL, "ir_node_append: bad block %u or kind %d", b, kind);
        return IR_NONE;
    }
    for (uint32_t i = 0; i < nblocks; i++) {
        if (blocks[i] >= g->nblocks || blocks[i] == 0 || g->blocks[blocks[i]].owner != IR_NONE) {
            rt_err_set(e, TSJ_ERR_INTERNAL, "ir_node_append: block %u is not a free block",
                       blocks[i]);
            return IR_NONE;
        }
        for (uint32_t j = 0; j < i; j++)
            if (blocks[j] == blocks[i]) {
                rt_err_set(e, TSJ_ERR_INTERNAL, "ir_node_append: block %u given twice",
                           blocks[i]);
                return IR_NONE;
            }
    }
    if (grow((void **)&g->nodes, &g->cap_nodes, g->nnodes + 1, sizeof(ir_node), e))
        return IR_NONE;
    ir_nid n = g->nnodes;
    ir_node nd;
    memset(&nd, 0, sizeof nd);
    nd.kind = (uint8_t)kind;
    nd.parent = b;
    nd.loc = loc;
    nd.slot = IR_NONE;
    nd.attr = rt_none();
    nd.nin = nin;
    nd.nout = nout;
    nd.nblocks = nblocks;
    nd.in = RT_ARENA_ARRAY(&g->arena, ir_vid, nin ? nin : 1);
    nd.out = RT_ARENA_ARRAY(&g->arena, ir_vid, nout ? nout : 1);
    nd.blocks = RT_ARENA_ARRAY(&g->arena, ir_bid, nblocks ? nblocks : 1);
    if (!nd.in || !nd.out || !nd.blocks) {
        rt_err_nomem(e);
        return IR_NONE;
    }
    if (nin)
        memcpy(nd.in, in, nin * sizeof *in);
    if (nblocks)
        memcpy(nd.blocks, blocks, nblocks * sizeof *blocks);
    for (uint32_t i = 0; i < nout; i++) {
        ir_vid v = new_value(g, out_types[i], n, b, i, e);
        if (v == IR_NONE)
            return IR_NONE;
        nd.out[i] = v;
    }
    if (block_push(g, b, n, e))
        return IR_NONE;
    g->nodes[n] = nd;
    g->nnodes++;
    for (uint32_t i = 0; i < nblocks; i++)
        g->blocks[blocks[i]].owner = n;
    return n;
}

ir_vid ir_const(ir_graph *g, ir_bid b, rt_value v, const rt_type *t, rt_loc loc, rt_err *e)
{
    ir_nid n = ir_node_append(g, b, IR_CONST, NULL, 0, &t, 1, NULL, 0, loc, e);
    if (n == IR_NONE)
        return IR_NONE;
    g->nodes[n].attr = rt_value_retain(v);
    return g->nodes[n].out[0];
}

ir_nid ir_op(ir_graph *g, ir_bid b, rt_op_id op, const ir_vid *in, uint32_t nin,
             const rt_type *const *out_types, uint32_t nout, rt_loc loc, rt_err *e)
{
    ir_nid n = ir_node_append(g, b, IR_OP, in, nin, out_types, nout, NULL, 0, loc, e);
    if (n != IR_NONE)
        g->nodes[n].op = op;
    return n;
}

static uint32_t index_in_block(const ir_block *blk, ir_nid n)
{
    for (uint32_t i = 0; i < blk->nnodes; i++)
        if (blk->nodes[i] == n)
            return i;
    return IR_NONE;
}

void ir_node_move_before(ir_graph *g, ir_nid n, ir_nid before)
{
    if (n >= g->nnodes || before >= g->nnodes || n == before)
        return;
    ir_block *blk = &g->blocks[g->nodes[n].parent];
    uint32_t from = index_in_block(blk, n), to = index_in_block(blk, before);
    if (from == IR_NONE || to == IR_NONE)
        return;
    if (from > to) {
        memmove(&blk->nodes[to + 1], &blk->nodes[to], (from - to) * sizeof(ir_nid));
        blk->nodes[to] = n;
    } else if (from + 1 < to) {
        memmove(&blk->nodes[from], &blk->nodes[from + 1], (to - from - 1) * sizeof(ir_nid));
        blk->nodes[to - 1] = n;
    }
}

void ir_block_move_tail_before(ir_graph *g, ir_bid b, uint32_t count, ir_nid before)
{
    ir_block *blk = &g->blocks[b];
    uint32_t to = index_in_block(blk, before);
    if (to == IR_NONE || count == 0 || count > blk->nnodes || to >= blk->nnodes - count)
        return;
    ir_nid small[64];
    ir_nid *tmp = count <= 64 ? small : malloc(count * sizeof *tmp);
    if (!tmp) { /* fall back to one at a time */
        for (uint32_t i = 0; i < count; i++)
            ir_node_move_before(g, blk->nodes[blk->nnodes - count + i], before);
        return;
    }
    uint32_t start = blk->nnodes - count;
    memcpy(tmp, &blk->nodes[start], count * sizeof *tmp);
    memmove(&blk->nodes[to + count], &blk->nodes[to], (start - to) * sizeof(ir_nid));
    memcpy(&blk->nodes[to], tmp, count * sizeof *tmp);
    if (tmp != small)
        free(tmp);
}

void ir_block_splice_before(ir_graph *g, ir_bid src, ir_nid before)
{
    ir_bid dst = g->nodes[before].parent;
    ir_block *s = &g->blocks[src];
    uint32_t count = s->nnodes;
    rt_err e;
    for (uint32_t i = 0; i < count; i++) {
        ir_nid n = g->blocks[src].nodes[i];
        if (block_push(g, dst, n, &e)) {
            /* out of memory: leave the rest in src (the graph stays valid
             * only for the moved prefix; callers verify afterwards) */
            count = i;
            break;
        }
        g->nodes[n].parent = dst;
        for (uint32_t k = 0; k < g->nodes[n].nout; k++)
            g->values[g->nodes[n].out[k]].block = dst;
    }
    s = &g->blocks[src];
    if (s->nnodes > count)
        memmove(s->nodes, s->nodes + count, (s->nnodes - count) * sizeof(ir_nid));
    s->nnodes -= count;
    ir_block_move_tail_before(g, dst, count, before);
}

void ir_value_replace_uses(ir_graph *g, ir_vid old, ir_vid new_v)
{
    for (uint32_t n = 0; n < g->nnodes; n++) {
        ir_node *nd = &g->nodes[n];
        if (nd->dead)
            continue;
        for (uint32_t i = 0; i < nd->nin; i++)
            if (nd->in[i] == old)
                nd->in[i] = new_v;
    }
    for (uint32_t b = 0; b < g->nblocks; b++) {
        ir_block *blk = &g->blocks[b];
        for (uint32_t i = 0; i < blk->nrets; i++)
            if (blk->rets[i] == old)
                blk->rets[i] = new_v;
    }
}

static void kill_block(ir_graph *g, ir_bid b);

static void kill_node(ir_graph *g, ir_nid n)
{
    ir_node *nd = &g->nodes[n];
    if (nd->dead)
        return;
    nd->dead = true;
    if (nd->kind == IR_CONST)
        rt_value_clear(&nd->attr);
    for (uint32_t i = 0; i < nd->nblocks; i++)
        kill_block(g, g->nodes[n].blocks[i]);
}

static void kill_block(ir_graph *g, ir_bid b)
{
    ir_block *blk = &g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++)
        kill_node(g, blk->nodes[i]);
    blk->nnodes = 0;
    blk->nrets = 0;
}

void ir_node_remove(ir_graph *g, ir_nid n)
{
    if (n >= g->nnodes || g->nodes[n].dead)
        return;
    ir_block *blk = &g->blocks[g->nodes[n].parent];
    uint32_t i = index_in_block(blk, n);
    if (i != IR_NONE) {
        memmove(&blk->nodes[i], &blk->nodes[i + 1], (blk->nnodes - i - 1) * sizeof(ir_nid));
        blk->nnodes--;
    }
    kill_node(g, n);
}

void ir_node_make_const(ir_graph *g, ir_nid n, rt_value v)
{
    ir_node *nd = &g->nodes[n];
    for (uint32_t i = 0; i < nd->nblocks; i++)
        kill_block(g, g->nodes[n].blocks[i]);
    nd = &g->nodes[n];
    if (nd->kind == IR_CONST)
        rt_value_release(nd->attr);
    nd->kind = IR_CONST;
    nd->attr = rt_value_retain(v);
    nd->nin = 0;
    nd->nblocks = 0;
    nd->nout = 1;
    nd->name = NULL;
    nd->slot = IR_NONE;
    nd->fn = NULL;
    nd->cls = NULL;
}

int ir_value_set_name(ir_graph *g, ir_vid v, const char *name, rt_err *e)
{
    if (v >= g->nvalues)
        return rt_err_set(e, TSJ_ERR_INTERNAL, "ir_value_set_name: bad value %u", v);
    if (!name) {
        g->values[v].name = NULL;
        return 0;
    }
    const char *s = rt_arena_strdup(&g->arena, name);
    if (!s)
        return rt_err_nomem(e);
    g->values[v].name = s;
    return 0;
}

const rt_value *ir_value_const(const ir_graph *g, ir_vid v)
{
    if (v >= g->nvalues || g->values[v].def == IR_NONE)
        return NULL;
    const ir_node *nd = &g->nodes[g->values[v].def];
    return nd->kind == IR_CONST && !nd->dead ? &nd->attr : NULL;
}

int ir_node_set_inputs(ir_graph *g, ir_nid n, const ir_vid *in, uint32_t nin, rt_err *e)
{
    ir_vid *p = RT_ARENA_ARRAY(&g->arena, ir_vid, nin ? nin : 1);
    if (!p)
        return rt_err_nomem(e);
    if (nin)
        memcpy(p, in, nin * sizeof *p);
    g->nodes[n].in = p;
    g->nodes[n].nin = nin;
    return 0;
}

static void count_block(const ir_graph *g, ir_bid b, uint32_t *uses)
{
    const ir_block *blk = &g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        const ir_node *nd = &g->nodes[blk->nodes[i]];
        for (uint32_t k = 0; k < nd->nin; k++)
            if (nd->in[k] < g->nvalues)
                uses[nd->in[k]]++;
        for (uint32_t k = 0; k < nd->nblocks; k++)
            count_block(g, nd->blocks[k], uses);
    }
    for (uint32_t i = 0; i < blk->nrets; i++)
        if (blk->rets[i] < g->nvalues)
            uses[blk->rets[i]]++;
}

void ir_graph_count_uses(const ir_graph *g, uint32_t *uses)
{
    memset(uses, 0, g->nvalues * sizeof *uses);
    if (g->nblocks)
        count_block(g, 0, uses);
}

/* ---- copying ---- */

typedef struct copier {
    rt_arena *a;
    ir_pmap types, files;
    rt_err *e;
} copier;

static const char *copy_str(copier *c, const char *s)
{
    return s ? rt_arena_strdup(c->a, s) : NULL;
}

static int copy_loc(copier *c, rt_loc *loc)
{
    if (!loc->file)
        return 0;
    const char *f = ir_pmap_get(&c->files, loc->file);
    if (!f) {
        if (!(f = rt_arena_strdup(c->a, loc->file)) ||
            ir_pmap_put(&c->files, loc->file, (void *)f))
            return rt_err_nomem(c->e);
    }
    loc->file = f;
    return 0;
}

static ir_vid *copy_ids(copier *c, const ir_vid *ids, uint32_t n)
{
    ir_vid *p = RT_ARENA_ARRAY(c->a, ir_vid, n ? n : 1);
    if (p && n)
        memcpy(p, ids, n * sizeof *p);
    return p;
}

ir_graph *ir_graph_clone(const ir_graph *g, rt_err *e)
{
    ir_graph *c = calloc(1, sizeof *c);
    if (!c) {
        rt_err_nomem(e);
        return NULL;
    }
    rt_arena_init(&c->arena);
    copier cp = {.a = &c->arena, .e = e};
    c->values = malloc((g->nvalues ? g->nvalues : 1) * sizeof(ir_value));
    c->nodes = malloc((g->nnodes ? g->nnodes : 1) * sizeof(ir_node));
    c->blocks = calloc(g->nblocks ? g->nblocks : 1, sizeof(ir_block));
    if (!c->values || !c->nodes || !c->blocks)
        goto nomem;
    c->cap_values = g->nvalues ? g->nvalues : 1;
    c->cap_nodes = g->nnodes ? g->nnodes : 1;
    c->cap_blocks = g->nblocks ? g->nblocks : 1;
    c->nblocks = g->nblocks;
    for (uint32_t i = 0; i < g->nblocks; i++) {
        const ir_block *s = &g->blocks[i];
        ir_block *d = &c->blocks[i];
        d->owner = s->owner;
        d->nparams = s->nparams;
        d->nrets = s->nrets;
        /* params arrays double at powers of two: leave room for the next */
        uint32_t room = 4;
        while (room < 2 * s->nparams)
            room *= 2;
        d->params = RT_ARENA_ARRAY(&c->arena, ir_vid, room);
        d->rets = copy_ids(&cp, s->rets, s->nrets);
        if (!d->params || !d->rets)
            goto nomem;
        if (s->nparams)
            memcpy(d->params, s->params, s->nparams * sizeof(ir_vid));
        if (s->nnodes) {
            d->nodes = malloc(s->nnodes * sizeof(ir_nid));
            if (!d->nodes)
                goto nomem;
            memcpy(d->nodes, s->nodes, s->nnodes * sizeof(ir_nid));
        }
        d->nnodes = d->cap = s->nnodes;
    }
    c->nvalues = g->nvalues;
    for (uint32_t i = 0; i < g->nvalues; i++) {
        c->values[i] = g->values[i];
        c->values[i].type = ir_type_copy(&c->arena, g->values[i].type, &cp.types);
        if (g->values[i].type && !c->values[i].type)
            goto nomem;
        if (g->values[i].name && !(c->values[i].name = copy_str(&cp, g->values[i].name)))
            goto nomem;
    }
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const ir_node *s = &g->nodes[i];
        ir_node *d = &c->nodes[i];
        *d = *s;
        d->attr = rt_none();
        c->nnodes = i + 1;
        d->in = copy_ids(&cp, s->in, s->nin);
        d->out = copy_ids(&cp, s->out, s->nout);
        d->blocks = copy_ids(&cp, s->blocks, s->nblocks);
        if (!d->in || !d->out || !d->blocks)
            goto nomem;
        if (s->name && !(d->name = copy_str(&cp, s->name)))
            goto nomem;
        if (copy_loc(&cp, &d->loc))
            goto fail;
        if (s->kind == IR_CONST && !s->dead)
            d->attr = rt_value_retain(s->attr);
    }
    ir_pmap_free(&cp.types);
    ir_pmap_free(&cp.files);
    return c;
nomem:
    rt_err_nomem(e);
fail:
    ir_pmap_free(&cp.types);
    ir_pmap_free(&cp.files);
    ir_graph_free(c);
    return NULL;
}

/* Copies block sb of src into the existing block db of dst; map[src vid]
 * holds the dst value of every src value already bound. */
static int copy_into(ir_graph *dst, ir_bid db, const ir_graph *src, ir_bid sb, ir_vid *map,
                     copier *cp)
{
    const ir_block *sblk = &src->blocks[sb];
    for (uint32_t i = 0; i < sblk->nnodes; i++) {
        const ir_node *s = &src->nodes[sblk->nodes[i]];
        ir_bid blocks[8];
        ir_bid *bl = s->nblocks <= 8 ? blocks : malloc(s->nblocks * sizeof *bl);
        ir_vid vin[16];
        ir_vid *in = s->nin <= 16 ? vin : malloc(s->nin * sizeof *in);
        const rt_type *tsmall[8];
        const rt_type **types = s->nout <= 8 ? tsmall : malloc(s->nout * sizeof *types);
        int rc = -1;
        if (!bl || !in || !types) {
            rt_err_nomem(cp->e);
            goto done;
        }
        for (uint32_t k = 0; k < s->nin; k++) {
            in[k] = s->in[k] < src->nvalues ? map[s->in[k]] : IR_NONE;
            if (in[k] == IR_NONE) {
                rt_err_set(cp->e, TSJ_ERR_INTERNAL, "ir_graph_copy_block: unbound input");
                goto done;
            }
        }
        for (uint32_t k = 0; k < s->nblocks; k++) {
            const ir_block *ssub = &src->blocks[s->blocks[k]];
            ir_bid nb = ir_block_new(dst, cp->e);
            if (nb == IR_NONE)
                goto done;
            bl[k] = nb;
            for (uint32_t p = 0; p < ssub->nparams; p++) {
                const ir_value *sv = &src->values[ssub->params[p]];
                const rt_type *t = ir_type_copy(cp->a, sv->type, &cp->types);
                ir_vid v = t ? ir_block_add_param(dst, nb, t, sv->name, cp->e) : IR_NONE;
                if (!t)
                    rt_err_nomem(cp->e);
                if (v == IR_NONE)
                    goto done;
                map[ssub->params[p]] = v;
            }
            if (copy_into(dst, nb, src, s->blocks[k], map, cp))
                goto done;
            ssub = &src->blocks[s->blocks[k]];
            ir_vid *rets = ssub->nrets ? malloc(ssub->nrets * sizeof *rets) : NULL;
            if (ssub->nrets && !rets) {
                rt_err_nomem(cp->e);
                goto done;
            }
            for (uint32_t r = 0; r < ssub->nrets; r++)
                rets[r] = map[ssub->rets[r]];
            int st = ir_block_set_rets(dst, nb, rets, ssub->nrets, cp->e);
            free(rets);
            if (st)
                goto done;
        }
        for (uint32_t k = 0; k < s->nout; k++) {
            types[k] = ir_type_copy(cp->a, src->values[s->out[k]].type, &cp->types);
            if (!types[k]) {
                rt_err_nomem(cp->e);
                goto done;
            }
        }
        rt_loc loc = s->loc;
        if (copy_loc(cp, &loc))
            goto done;
        ir_nid n = ir_node_append(dst, db, (ir_nkind)s->kind, in, s->nin, types, s->nout, bl,
                                  s->nblocks, loc, cp->e);
        if (n == IR_NONE)
            goto done;
        ir_node *d = &dst->nodes[n];
        d->op = s->op;
        d->slot = s->slot;
        d->fn = s->fn;
        d->cls = s->cls;
        if (s->name && !(d->name = copy_str(cp, s->name))) {
            rt_err_nomem(cp->e);
            goto done;
        }
        if (s->kind == IR_CONST)
            d->attr = rt_value_retain(s->attr);
        for (uint32_t k = 0; k < s->nout; k++) {
            ir_vid v = d->out[k];
            map[s->out[k]] = v;
            const char *nm = src->values[s->out[k]].name;
            if (nm && ir_value_set_name(dst, v, nm, cp->e))
                goto done;
        }
        rc = 0;
    done:
        if (bl != blocks)
            free(bl);
        if (in != vin)
            free(in);
        if (types != tsmall)
            free(types);
        if (rc)
            return -1;
        sblk = &src->blocks[sb];
    }
    return 0;
}

int ir_graph_copy_block(ir_graph *dst, ir_bid db, const ir_graph *src, ir_bid sb,
                        const ir_vid *param_map, ir_vid *ret_map, rt_err *e)
{
    if (db >= dst->nblocks || sb >= src->nblocks)
        return rt_err_set(e, TSJ_ERR_INTERNAL, "ir_graph_copy_block: bad block");
    ir_vid *map = malloc((src->nvalues ? src->nvalues : 1) * sizeof *map);
    if (!map)
        return rt_err_nomem(e);
    for (uint32_t i = 0; i < src->nvalues; i++)
        map[i] = IR_NONE;
    const ir_block *sblk = &src->blocks[sb];
    for (uint32_t i = 0; i < sblk->nparams; i++)
        map[sblk->params[i]] = param_map[i];
    copier cp = {.a = &dst->arena, .e = e};
    int rc = copy_into(dst, db, src, sb, map, &cp);
    if (!rc) {
        sblk = &src->blocks[sb];
        for (uint32_t i = 0; i < sblk->nrets; i++) {
            ret_map[i] = sblk->rets[i] < src->nvalues ? map[sblk->rets[i]] : IR_NONE;
            if (ret_map[i] == IR_NONE) {
                rc = rt_err_set(e, TSJ_ERR_INTERNAL, "ir_graph_copy_block: unbound return");
                break;
            }
        }
    }
    ir_pmap_free(&cp.types);
    ir_pmap_free(&cp.files);
    free(map);
    return rc;
}
