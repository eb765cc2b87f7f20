/* ir_program.c — the program around the graphs: classes (attributes,
 * methods, final constants), free functions and the module object tree.
 * Everything but graphs and values lives in the program's arena. */
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"

/* Arena arrays grow by doubling at powers of two (the count alone tells
 * the capacity). */
static void *grow_pow2(rt_arena *a, void *arr, uint32_t n, size_t elem)
{
    if (n != 0 && (n & (n - 1)) != 0 && n >= 4)
        return arr;
    if (n != 0 && n < 4)
        return arr; /* initial capacity 4 */
    uint32_t cap = n ? 2 * n : 4;
    void *p = rt_arena_alloc(a, cap * elem);
    if (p && n)
        memcpy(p, arr, n * elem);
    return p;
}

ir_program *ir_program_new(rt_err *e)
{
    ir_program *p = calloc(1, sizeof *p);
    if (!p) {
        rt_err_nomem(e);
        return NULL;
    }
    rt_arena_init(&p->arena);
    p->root = rt_none();
    return p;
}

static void free_func(ir_func *f)
{
    for (uint32_t i = 0; i < f->nargs; i++)
        if (f->args[i].has_default)
            rt_value_release(f->args[i].default_value);
    ir_graph_free(f->graph);
    f->graph = NULL;
}

void ir_program_free(ir_program *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < p->nclasses; i++) {
        ir_class *c = p->classes[i];
        for (uint32_t k = 0; k < c->nmethods; k++)
            free_func(c->methods[k]);
        for (uint32_t k = 0; k < c->nconsts; k++)
            rt_value_release(c->const_values[k]);
    }
    for (uint32_t i = 0; i < p->nfuncs; i++)
        free_func(p->funcs[i]);
    free(p->classes);
    free(p->funcs);
    rt_value_release(p->root);
    rt_arena_free(&p->arena);
    free(p);
}

static int push_ptr(void ***arr, uint32_t *n, uint32_t *cap, void *item, rt_err *e)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 8;
        void **q = realloc(*arr, c * sizeof *q);
        if (!q)
            return rt_err_nomem(e);
        *arr = q;
        *cap = c;
    }
    (*arr)[(*n)++] = item;
    return 0;
}

ir_class *ir_program_add_class(ir_program *p, const char *qualname, rt_err *e)
{
    if (ir_program_find_class(p, qualname)) {
        rt_err_set(e, TSJ_ERR_INTERNAL, "class %s is defined twice", qualname);
        return NULL;
    }
    ir_class *c = RT_ARENA_NEW(&p->arena, ir_class);
    if (!c || !(c->qualname = rt_arena_strdup(&p->arena, qualname)) ||
        !(c->type = rt_type_class(&p->arena, qualname, c))) {
        rt_err_nomem(e);
        return NULL;
    }
    if (push_ptr((void ***)&p->classes, &p->nclasses, &p->cap_classes, c, e))
        return NULL;
    return c;
}

ir_class *ir_program_find_class(const ir_program *p, const char *qualname)
{
    for (uint32_t i = 0; i < p->nclasses; i++)
        if (!strcmp(p->classes[i]->qualname, qualname))
            return p->classes[i];
    return NULL;
}

ir_func *ir_program_add_func(ir_program *p, ir_class *owner, const char *name, rt_err *e)
{
    ir_func *f = RT_ARENA_NEW(&p->arena, ir_func);
    if (!f) {
        rt_err_nomem(e);
        return NULL;
    }
    f->owner = owner;
    if (owner) {
        if (ir_class_find_method(owner, name)) {
            rt_err_set(e, TSJ_ERR_INTERNAL, "method %s.%s is defined twice", owner->qualname,
                       name);
            return NULL;
        }
        f->name = rt_arena_strdup(&p->arena, name);
        f->qualname = rt_arena_printf(&p->arena, "%s.%s", owner->qualname, name);
        ir_func **m = grow_pow2(&p->arena, owner->methods, owner->nmethods, sizeof *m);
        if (!m || !f->name || !f->qualname) {
            rt_err_nomem(e);
            return NULL;
        }
        owner->methods = m;
        owner->methods[owner->nmethods++] = f;
        return f;
    }
    if (ir_program_find_func(p, name)) {
        rt_err_set(e, TSJ_ERR_INTERNAL, "function %s is defined twice", name);
        return NULL;
    }
    const char *dot = strrchr(name, '.');
    f->qualname = rt_arena_strdup(&p->arena, name);
    f->name = rt_arena_strdup(&p->arena, dot ? dot + 1 : name);
    if (!f->qualname || !f->name) {
        rt_err_nomem(e);
        return NULL;
    }
    if (push_ptr((void ***)&p->funcs, &p->nfuncs, &p->cap_funcs, f, e))
        return NULL;
    return f;
}

ir_func *ir_class_find_method(const ir_class *c, const char *name)
{
    for (uint32_t i = 0; i < c->nmethods; i++)
        if (!strcmp(c->methods[i]->name, name))
            return c->methods[i];
    return NULL;
}

ir_func *ir_program_find_func(const ir_program *p, const char *qualname)
{
    for (uint32_t i = 0; i < p->nfuncs; i++)
        if (!strcmp(p->funcs[i]->qualname, qualname))
            return p->funcs[i];
    const char *dot = strrchr(qualname, '.');
    if (!dot)
        return NULL;
    for (uint32_t i = 0; i < p->nclasses; i++) {
        const ir_class *c = p->classes[i];
        size_t n = strlen(c->qualname);
        if (n == (size_t)(dot - qualname) && !strncmp(c->qualname, qualname, n))
            return ir_class_find_method(c, dot + 1);
    }
    return NULL;
}

int ir_class_find_attr(const ir_class *c, const char *name)
{
    for (uint32_t i = 0; i < c->nattrs; i++)
        if (!strcmp(c->attrs[i].name, name))
            return (int)i;
    return -1;
}

int ir_class_add_attr(ir_program *p, ir_class *c, const char *name, const rt_type *type,
                      rt_err *e)
{
    if (ir_class_find_attr(c, name) >= 0)
        return rt_err_set(e, TSJ_ERR_INTERNAL, "class %s: attribute %s defined twice",
                          c->qualname, name);
    ir_attr *a = grow_pow2(&p->arena, c->attrs, c->nattrs, sizeof *a);
    const char *nm = rt_arena_strdup(&p->arena, name);
    if (!a || !nm)
        return rt_err_nomem(e);
    c->attrs = a;
    memset(&a[c->nattrs], 0, sizeof *a);
    a[c->nattrs].name = nm;
    a[c->nattrs].type = type;
    a[c->nattrs].is_module = type && type->kind == RT_T_CLASS;
    return (int)c->nattrs++;
}

int ir_class_add_const(ir_program *p, ir_class *c, const char *name, rt_value v, rt_err *e)
{
    const char **names = grow_pow2(&p->arena, c->const_names, c->nconsts, sizeof *names);
    if (!names)
        return rt_err_nomem(e);
    c->const_names = names;
    rt_value *vals = grow_pow2(&p->arena, c->const_values, c->nconsts, sizeof *vals);
    const char *nm = rt_arena_strdup(&p->arena, name);
    if (!vals || !nm)
        return rt_err_nomem(e);
    c->const_values = vals;
    c->const_names[c->nconsts] = nm;
    c->const_values[c->nconsts] = rt_value_retain(v);
    c->nconsts++;
    return 0;
}
