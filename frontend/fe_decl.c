/* fe_decl.c — declarations: every class (attributes, parameters, buffers,
 * Final constants, method signatures; NamedTuples as named tuple types) and
 * every free function of every source file, before any body is emitted. */
#include <stdio.h>
#include <string.h>

#include "fe_emit.h"

static char *qualify(fe_program *fp, const fe_source *src, const char *name)
{
    return rt_arena_printf(fp->arena, "%s.%s", src->module, name);
}

static bool in_list(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

/* Signature of a function or method from its `def`. */
static int declare_signature(fe_program *fp, ir_func *f, const fe_func *ast, ir_class *owner,
                             rt_err *e)
{
    f->nargs = (uint32_t)ast->nparams;
    f->args = RT_ARENA_ARRAY(fp->arena, ir_arg, ast->nparams ? ast->nparams : 1);
    if (!f->args)
        return rt_err_nomem(e);
    for (int i = 0; i < ast->nparams; i++) {
        const fe_param *p = &ast->params[i];
        ir_arg *a = &f->args[i];
        a->name = rt_arena_strdup(fp->arena, p->name);
        if (!a->name)
            return rt_err_nomem(e);
        if (p->type) {
            if (!(a->type = fe_type_from_expr(fp, p->type, e)))
                return -1;
        } else {
            a->type = (i == 0 && owner) ? owner->type : &rt_type_tensor;
        }
        if (p->dflt) {
            if (fe_literal_value(fp, p->dflt, &a->default_value, e))
                return -1;
            a->has_default = true;
        }
    }
    if (ast->ret) {
        if (!(f->ret = fe_type_from_expr(fp, ast->ret, e)))
            return -1;
    }
    f->loc = ast->loc;
    return 0;
}

static int attach(fe_program *fp, ir_func *f, const fe_func *ast, const fe_source *src, rt_err *e)
{
    fe_fstate *st = RT_ARENA_NEW(fp->arena, fe_fstate);
    if (!st)
        return rt_err_nomem(e);
    st->ast = ast;
    st->src = src;
    f->emit_state = st;
    return 0;
}

static int declare_class_members(fe_program *fp, ir_class *c, const fe_class *k,
                                 const fe_source *src, rt_err *e)
{
    if (k->kind == FE_CLASS_NAMEDTUPLE) {
        const rt_type *els[64];
        const char **names = RT_ARENA_ARRAY(fp->arena, const char *, k->nfields + 1);
        if (k->nfields > 64 || !names)
            return fe_error_at(fp, e, TSJ_ERR_LIMIT, k->loc, "NamedTuple has too many fields");
        for (int i = 0; i < k->nfields; i++) {
            if (!(els[i] = fe_type_from_expr(fp, k->fields[i].type, e)))
                return -1;
            names[i] = rt_arena_strdup(fp->arena, k->fields[i].name);
            if (ir_class_add_attr(fp->prog, c, k->fields[i].name, els[i], e) < 0)
                return -1;
        }
        rt_type *t = (rt_type *)rt_type_tuple(fp->arena, els, k->nfields);
        if (!t)
            return rt_err_nomem(e);
        t->field_names = names;
        t->name = c->qualname;
        t->cls = c;
        c->type = t;
        return 0;
    }
    for (int i = 0; i < k->nfields; i++) {
        const fe_field *fd = &k->fields[i];
        const rt_type *t = fe_type_from_expr(fp, fd->type, e);
        if (!t)
            return -1;
        int slot = ir_class_add_attr(fp->prog, c, fd->name, t, e);
        if (slot < 0)
            return -1;
        c->attrs[slot].is_param = in_list(k->parameters, k->nparameters, fd->name);
        c->attrs[slot].is_buffer = in_list(k->buffers, k->nbuffers, fd->name);
        if (t->kind == RT_T_CLASS) {
            const ir_class *sub = t->cls;
            c->attrs[slot].is_module = sub && sub->is_module;
        } else {
            c->attrs[slot].is_module = false;
        }
    }
    for (int i = 0; i < k->nconsts; i++) {
        rt_value v;
        if (fe_literal_value(fp, k->consts[i].value, &v, e))
            return -1;
        int rc = ir_class_add_const(fp->prog, c, k->consts[i].name, v, e);
        rt_value_release(v);
        if (rc < 0)
            return -1;
    }
    for (int i = 0; i < k->nmethods; i++) {
        const fe_func *m = k->methods[i];
        ir_func *f = ir_program_add_func(fp->prog, c, m->name, e);
        if (!f || declare_signature(fp, f, m, c, e) || attach(fp, f, m, src, e))
            return f ? -1 : fe_error_at(fp, e, e->status, m->loc, "%s", e->msg);
    }
    return 0;
}

int fe_declare_all(fe_program *fp, rt_err *e)
{
    /* pass 1: names, so that annotations may refer to any class */
    for (size_t s = 0; s < fp->nsources; s++) {
        const fe_source *src = &fp->sources[s];
        for (int i = 0; i < src->ast->nitems; i++) {
            const fe_item *it = &src->ast->items[i];
            if (it->kind != FE_ITEM_CLASS)
                continue;
            const fe_class *k = it->u.cls;
            if (k->kind == FE_CLASS_ENUM || k->kind == FE_CLASS_INTERFACE)
                return fe_error_at(fp, e, TSJ_ERR_UNSUPPORTED, k->loc,
                                   "%s classes are not supported",
                                   k->kind == FE_CLASS_ENUM ? "Enum" : "Interface");
            const char *qn = qualify(fp, src, k->name);
            ir_class *c = qn ? ir_program_add_class(fp->prog, qn, e) : NULL;
            if (!c)
                return qn ? fe_error_at(fp, e, TSJ_ERR_FORMAT, k->loc, "%s", e->msg)
                          : rt_err_nomem(e);
            c->is_module = k->kind == FE_CLASS_MODULE;
            c->is_namedtuple = k->kind == FE_CLASS_NAMEDTUPLE;
        }
    }
    /* pass 2: members and signatures, NamedTuples first (their tuple
     * types replace the placeholder class types) */
    for (int nt = 1; nt >= 0; nt--)
    for (size_t s = 0; s < fp->nsources; s++) {
        const fe_source *src = &fp->sources[s];
        for (int i = 0; i < src->ast->nitems; i++) {
            const fe_item *it = &src->ast->items[i];
            if (it->kind == FE_ITEM_CLASS &&
                (it->u.cls->kind == FE_CLASS_NAMEDTUPLE) == (nt == 1)) {
                const char *qn = qualify(fp, src, it->u.cls->name);
                ir_class *c = ir_program_find_class(fp->prog, qn);
                if (declare_class_members(fp, c, it->u.cls, src, e))
                    return -1;
            }
        }
    }
    /* NamedTuple types changed in pass 2: re-resolve attributes that were
     * declared with the placeholder class type */
    for (uint32_t i = 0; i < fp->prog->nclasses; i++) {
        ir_class *c = fp->prog->classes[i];
        for (uint32_t k = 0; k < c->nattrs; k++) {
            const rt_type *t = c->attrs[k].type;
            if (t->kind == RT_T_CLASS && t->cls && ((const ir_class *)t->cls)->is_namedtuple)
                c->attrs[k].type = ((const ir_class *)t->cls)->type;
        }
    }
    /* pass 3: free functions */
    for (size_t s = 0; s < fp->nsources; s++) {
        const fe_source *src = &fp->sources[s];
        for (int i = 0; i < src->ast->nitems; i++) {
            const fe_item *it = &src->ast->items[i];
            if (it->kind != FE_ITEM_FUNC)
                continue;
            const char *qn = qualify(fp, src, it->u.func->name);
            ir_func *f = qn ? ir_program_add_func(fp->prog, NULL, qn, e) : NULL;
            if (!f)
                return qn ? fe_error_at(fp, e, TSJ_ERR_FORMAT, it->u.func->loc, "%s", e->msg)
                          : rt_err_nomem(e);
            if (declare_signature(fp, f, it->u.func, NULL, e) ||
                attach(fp, f, it->u.func, src, e))
                return -1;
        }
    }
    return 0;
}
