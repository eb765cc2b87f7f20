/* ir_pass_fold.c — folding module attributes: GetAttr chains rooted at
 * the graph's self param are resolved against the object tree. Immutable
 * values (tensors, scalars, strings, None, tuples of those) become
 * constants; submodule objects become constants of their class type when
 * something still reads them, and go away otherwise. An attribute that is
 * the target of a SetAttr is never folded (nor is anything read through
 * it); a SetAttr on an object we cannot identify blocks that attribute
 * name everywhere, and so does a SetAttr inside a called graph; a callee
 * without a graph may write anything reachable from the objects it gets.
 * Lists and dicts are mutable and stay GetAttrs. */
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"

typedef struct slotref {
    const rt_object *obj;
    uint32_t slot;
} slotref;

typedef struct folder {
    ir_graph *g;
    const rt_object **objs; /* per value: the known object it holds, or NULL */
    slotref *mut;           /* (object, slot) pairs written by SetAttr       */
    uint32_t nmut, cap_mut;
    const char **mut_names; /* attribute names written on unknown objects   */
    uint32_t nmut_names, cap_mut_names;
    ir_nid *objgets;        /* GetAttrs yielding known objects, walk order   */
    uint32_t nobjgets;
    rt_err *e;
} folder;

static int slot_of(const ir_graph *g, const ir_node *nd, const rt_object *obj)
{
    const ir_class *c = obj->cls;
    int slot = c && nd->name ? ir_class_find_attr(c, nd->name) : -1;
    if (slot < 0 && !c && nd->slot != IR_NONE)
        slot = (int)nd->slot;
    (void)g;
    return slot >= 0 && (size_t)slot < obj->nslots ? slot : -1;
}

static bool is_mutable(const folder *f, const rt_object *obj, uint32_t slot, const char *name)
{
    for (uint32_t i = 0; i < f->nmut; i++)
        if (f->mut[i].obj == obj && f->mut[i].slot == slot)
            return true;
    for (uint32_t i = 0; name && i < f->nmut_names; i++)
        if (!strcmp(f->mut_names[i], name))
            return true;
    return false;
}

/* Forward walk: which values hold known objects (honouring the writes
 * found so far). */
static void track_block(folder *f, ir_bid b)
{
    const ir_graph *g = f->g;
    const ir_block *blk = &g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        const ir_node *nd = &g->nodes[blk->nodes[i]];
        if (nd->kind == IR_GETATTR && f->objs[nd->in[0]]) {
            const rt_object *obj = f->objs[nd->in[0]];
            int slot = slot_of(g, nd, obj);
            if (slot >= 0 && obj->slots[slot].kind == RT_OBJECT &&
                !is_mutable(f, obj, (uint32_t)slot, nd->name))
                f->objs[nd->out[0]] = obj->slots[slot].u.object;
        }
        for (uint32_t k = 0; k < nd->nblocks; k++)
            track_block(f, nd->blocks[k]);
    }
}

static int add_mut(folder *f, const rt_object *obj, uint32_t slot, uint32_t *added)
{
    if (is_mutable(f, obj, slot, NULL))
        return 0;
    if (f->nmut == f->cap_mut) {
        uint32_t cap = f->cap_mut ? 2 * f->cap_mut : 8;
        slotref *q = realloc(f->mut, cap * sizeof *q);
        if (!q)
            return rt_err_nomem(f->e);
        f->mut = q;
        f->cap_mut = cap;
    }
    f->mut[f->nmut++] = (slotref){obj, slot};
    (*added)++;
    return 0;
}

static int add_mut_name(folder *f, const char *name, uint32_t *added)
{
    for (uint32_t i = 0; i < f->nmut_names; i++)
        if (!strcmp(f->mut_names[i], name))
            return 0;
    if (f->nmut_names == f->cap_mut_names) {
        uint32_t cap = f->cap_mut_names ? 2 * f->cap_mut_names : 8;
        const char **q = realloc(f->mut_names, cap * sizeof *q);
        if (!q)
            return rt_err_nomem(f->e);
        f->mut_names = q;
        f->cap_mut_names = cap;
    }
    f->mut_names[f->nmut_names++] = name;
    (*added)++;
    return 0;
}

/* Every slot of obj and of the objects below it may change. */
static int add_opaque(folder *f, const rt_object *obj, int depth, uint32_t *added)
{
    for (size_t i = 0; i < obj->nslots; i++) {
        if (add_mut(f, obj, (uint32_t)i, added))
            return -1;
        if (obj->slots[i].kind == RT_OBJECT && depth < 16 &&
            add_opaque(f, obj->slots[i].u.object, depth + 1, added))
            return -1;
    }
    return 0;
}

/* The attribute names a callee (and what it calls) may write; 1 when
 * that cannot be known (a callee without a graph, or too deep). */
static int callee_writes(folder *f, const ir_graph *g, ir_bid b, int depth, uint32_t *added)
{
    const ir_block *blk = &g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        const ir_node *nd = &g->nodes[blk->nodes[i]];
        int rc = 0;
        if (nd->kind == IR_SETATTR && nd->name)
            rc = add_mut_name(f, nd->name, added);
        else if (nd->kind == IR_CALL)
            rc = !nd->fn || !nd->fn->graph || depth >= 16
                     ? 1
                     : callee_writes(f, nd->fn->graph, 0, depth + 1, added);
        for (uint32_t k = 0; !rc && k < nd->nblocks; k++)
            rc = callee_writes(f, g, nd->blocks[k], depth, added);
        if (rc)
            return rc;
    }
    return 0;
}

/* Records what may be written: SetAttrs, and what calls may write (the
 * names their graphs set, or everything reachable from the objects passed
 * to a callee we cannot see into). Counts new entries in *added. */
static int collect_writes(folder *f, ir_bid b, uint32_t *added)
{
    const ir_graph *g = f->g;
    const ir_block *blk = &g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        const ir_node *nd = &g->nodes[blk->nodes[i]];
        if (nd->kind == IR_SETATTR) {
            const rt_object *obj = f->objs[nd->in[0]];
            int slot = obj ? slot_of(g, nd, obj) : -1;
            if (slot >= 0 ? add_mut(f, obj, (uint32_t)slot, added)
                          : nd->name && add_mut_name(f, nd->name, added))
                return -1;
        } else if (nd->kind == IR_CALL) {
            int rc = nd->fn && nd->fn->graph ? callee_writes(f, nd->fn->graph, 0, 0, added) : 1;
            if (rc < 0)
                return -1;
            for (uint32_t k = 0; rc == 1 && k < nd->nin; k++)
                if (f->objs[nd->in[k]] && add_opaque(f, f->objs[nd->in[k]], 0, added))
                    return -1;
        }
        for (uint32_t k = 0; k < nd->nblocks; k++)
            if (collect_writes(f, nd->blocks[k], added))
                return -1;
    }
    return 0;
}

static bool foldable(rt_value v, int depth)
{
    switch ((rt_kind)v.kind) {
    case RT_NONE:
    case RT_BOOL:
    case RT_INT:
    case RT_FLOAT:
    case RT_STR:
    case RT_TENSOR:
        return true;
    case RT_TUPLE:
        if (depth > 16)
            return false;
        for (size_t i = 0; i < v.u.list->len; i++)
            if (!foldable(v.u.list->items[i], depth + 1))
                return false;
        return true;
    default:
        return false;
    }
}

static int fold_block(folder *f, ir_bid b)
{
    ir_graph *g = f->g;
    for (uint32_t i = 0; i < g->blocks[b].nnodes; i++) {
        ir_nid n = g->blocks[b].nodes[i];
        ir_node *nd = &g->nodes[n];
        if (nd->kind == IR_GETATTR && f->objs[nd->in[0]]) {
            const rt_object *obj = f->objs[nd->in[0]];
            int slot = slot_of(g, nd, obj);
            if (slot >= 0 && !is_mutable(f, obj, (uint32_t)slot, nd->name)) {
                rt_value v = obj->slots[slot];
                if (v.kind == RT_OBJECT) {
                    f->objgets[f->nobjgets++] = n;
                } else if (foldable(v, 0) && rt_value_matches(v, g->values[nd->out[0]].type)) {
                    ir_node_make_const(g, n, v);
                }
            }
        }
        for (uint32_t k = 0; k < g->nodes[n].nblocks; k++)
            if (fold_block(f, g->nodes[n].blocks[k]))
                return -1;
    }
    return 0;
}

int ir_pass_fold_attrs(ir_graph *g, rt_value root, rt_err *e)
{
    if (root.kind != RT_OBJECT || g->nblocks == 0 || g->blocks[0].nparams == 0)
        return 0;
    ir_vid self = g->blocks[0].params[0];
    if (g->values[self].type->kind != RT_T_CLASS)
        return 0;
    folder f = {.g = g, .e = e};
    int rc = -1;
    uint32_t *uses = NULL;
    f.objs = calloc(g->nvalues + 1, sizeof *f.objs);
    f.objgets = malloc((g->nnodes + 1) * sizeof *f.objgets);
    uses = malloc((g->nvalues + 1) * sizeof *uses);
    if (!f.objs || !f.objgets || !uses) {
        rt_err_nomem(e);
        goto done;
    }
    /* writes hide objects, hidden objects widen writes: iterate */
    for (;;) {
        memset(f.objs, 0, (g->nvalues + 1) * sizeof *f.objs);
        f.objs[self] = root.u.object;
        track_block(&f, 0);
        uint32_t added = 0;
        if (collect_writes(&f, 0, &added))
            goto done;
        if (!added)
            break;
    }
    if (fold_block(&f, 0))
        goto done;
    /* object-valued GetAttrs, innermost reads first: constant if still
     * read, removed otherwise */
    ir_graph_count_uses(g, uses);
    for (uint32_t i = f.nobjgets; i-- > 0;) {
        ir_nid n = f.objgets[i];
        ir_node *nd = &g->nodes[n];
        ir_vid in0 = nd->in[0], out = nd->out[0];
        rt_value v = {.kind = RT_OBJECT, .u.object = (rt_object *)f.objs[out]};
        if (uses[out] == 0)
            ir_node_remove(g, n);
        else
            ir_node_make_const(g, n, v);
        uses[in0]--;
    }
    rc = 0;
done:
    free(f.objs);
    free(f.objgets);
    free(f.mut);
    free(f.mut_names);
    free(uses);
    return rc;
}
