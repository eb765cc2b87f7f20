/* fe_load.c — the load pipeline, one straight line: open the archive, parse
 * every source, declare classes and functions, unpickle the constants and
 * the module tree, emit every method of the top-level class, optimize. */
#include "fe_load.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fe_archive.h"
#include "fe_emit.h"
#include "fe_parse.h"
#include "fe_pickle.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "code/__torch__/torch/nn/modules/rnn.py" -> "__torch__.torch.nn.modules.rnn" */
static char *module_name(rt_arena *a, const char *path)
{
    const char *p = !strncmp(path, "code/", 5) ? path + 5 : path;
    size_t n = strlen(p);
    if (n > 3 && !strcmp(p + n - 3, ".py"))
        n -= 3;
    char *m = rt_arena_strndup(a, p, n);
    if (m)
        for (char *c = m; *c; c++)
            if (*c == '/')
                *c = '.';
    return m;
}

typedef struct load_ctx {
    fe_program *fp;
} load_ctx;

static const void *resolve_class(void *ctx, const char *qualname, rt_err *e)
{
    load_ctx *lc = ctx;
    ir_class *c = ir_program_find_class(lc->fp->prog, qualname);
    if (!c)
        rt_err_set(e, TSJ_ERR_FORMAT, "the pickle names class '%s', which the archive's code "
                                      "does not define", qualname);
    return c;
}

static int build_object(void *ctx, const void *cls, rt_value state, rt_value *out, rt_err *e)
{
    (void)ctx;
    const ir_class *c = cls;
    if (state.kind != RT_DICT)
        return rt_err_set(e, TSJ_ERR_UNSUPPORTED,
                          "objects of class %s carry a custom state (__setstate__), which is "
                          "not supported",
                          c->qualname);
    /* set[k]: slot k got a value from the state */
    bool *set = calloc(c->nattrs ? c->nattrs : 1, sizeof *set);
    if (!set)
        return rt_err_nomem(e);
    if (rt_object_new(c, c->nattrs, out, e)) {
        free(set);
        return -1;
    }
    rt_dict *d = state.u.dict;
    for (size_t i = 0; i < d->len; i++) {
        if (d->keys[i].kind != RT_STR) {
            free(set);
            rt_value_release(*out);
            return rt_err_set(e, TSJ_ERR_FORMAT, "state of %s has a non-string key", c->qualname);
        }
        int slot = ir_class_find_attr(c, rt_str_cstr(d->keys[i]));
        if (slot < 0)
            continue; /* state the code never declares is never read */
        rt_value *s = &out->u.object->slots[slot];
        rt_value_release(*s);
        *s = rt_value_retain(d->values[i]);
        set[slot] = true;
    }
    /* like torch.jit.load, which takes every declared attribute from the
     * state: one the state lacks makes the archive invalid (it would
     * otherwise read as None, whatever its declared type) */
    for (uint32_t k = 0; k < c->nattrs; k++) {
        if (!set[k]) {
            rt_err_set(e, TSJ_ERR_FORMAT,
                       "the state of an object of class %s has no value for its attribute "
                       "'%s', which the class's code declares",
                       c->qualname, c->attrs[k].name);
            free(set);
            rt_value_release(*out);
            return -1;
        }
    }
    free(set);
    return 0;
}

static int load_sources(fe_program *fp, fe_archive *ar, rt_arena *ast_arena, rt_err *e)
{
    size_t n = fe_archive_code_count(ar);
    fp->sources = RT_ARENA_ARRAY(ast_arena, fe_source, n ? n : 1);
    if (!fp->sources)
        return rt_err_nomem(e);
    for (size_t i = 0; i < n; i++) {
        fe_source *s = &fp->sources[fp->nsources];
        const char *path = fe_archive_code_path(ar, i);
        void *text;
        size_t len;
        if (fe_archive_read(ar, path, &text, &len, e))
            return -1;
        s->path = rt_arena_strdup(fp->arena, path);
        s->module = module_name(fp->arena, path);
        s->text = rt_arena_strndup(ast_arena, text, len);
        s->len = len;
        free(text);
        if (!s->path || !s->module || !s->text)
            return rt_err_nomem(e);
        if (!(s->ast = fe_parse(ast_arena, s->path, s->text, len, e)))
            return -1;
        fp->nsources++;
    }
    return 0;
}

static const char *program_path(const fe_program *fp, const char *file, size_t *hint)
{
    if (!file)
        return NULL;
    if (*hint < fp->nsources && !strcmp(fp->sources[*hint].path, file))
        return fp->sources[*hint].path;
    for (size_t i = 0; i < fp->nsources; i++) {
        if (!strcmp(fp->sources[i].path, file)) {
            *hint = i;
            return fp->sources[i].path;
        }
    }
    return NULL;
}

static void relocate_func(const fe_program *fp, ir_func *f)
{
    size_t hint = 0;
    f->loc.file = program_path(fp, f->loc.file, &hint);
    for (uint32_t i = 0; f->graph && i < f->graph->nnodes; i++) {
        rt_loc *l = &f->graph->nodes[i].loc;
        l->file = program_path(fp, l->file, &hint);
    }
}

static void relocate_all(const fe_program *fp, ir_program *p)
{
    for (uint32_t i = 0; i < p->nclasses; i++)
        for (uint32_t k = 0; k < p->classes[i]->nmethods; k++)
            relocate_func(fp, p->classes[i]->methods[k]);
    for (uint32_t i = 0; i < p->nfuncs; i++)
        relocate_func(fp, p->funcs[i]);
}

int fe_load(const char *path, const void *data, size_t size, const fe_load_opts *opts,
            fe_loaded **out, rt_err *e)
{
    fe_load_opts dflt = {.fold_attributes = true, .optimize = true};
    if (!opts)
        opts = &dflt;
    *out = NULL;
    if (rt_ops_init(e))
        return -1;
    fe_loaded *m = calloc(1, sizeof *m);
    rt_arena ast_arena;
    rt_arena_init(&ast_arena);
    fe_program fp = {0};
    fp.constants = rt_none();
    fe_archive *ar = NULL;
    int rc = -1;
    double t0 = now();
    if (!m) {
        rt_err_nomem(e);
        goto out;
    }
    fe_archive_limits limits = {.copy_storages = opts->copy_weights};
    ar = fe_archive_open_ex(path, path ? NULL : data, size, NULL, &limits, e);
    if (!ar || !(m->prog = ir_program_new(e)))
        goto out;
    m->version = fe_archive_version(ar);
    fp.prog = m->prog;
    fp.arena = &m->prog->arena;
    double t1 = now();
    if (load_sources(&fp, ar, &ast_arena, e) || fe_declare_all(&fp, e))
        goto out;
    double t2 = now();
    load_ctx lc = {&fp};
    fe_pickle_opts po = {.ctx = &lc, .resolve_class = resolve_class, .build_object = build_object};
    if (fe_archive_has(ar, "constants.pkl", NULL) &&
        fe_pickle_load_archive(ar, "constants", &po, &fp.constants, e))
        goto out;
    if (fe_pickle_load_archive(ar, "data", &po, &m->prog->root, e))
        goto out;
    if (m->prog->root.kind != RT_OBJECT || !m->prog->root.u.object->cls) {
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: data.pkl does not hold a module object",
                   fe_archive_name(ar));
        goto out;
    }
    m->prog->root_class = (ir_class *)m->prog->root.u.object->cls;
    double t3 = now();
    /* every method of the top-level class, and what they call */
    ir_class *top = m->prog->root_class;
    for (uint32_t i = 0; i < top->nmethods; i++)
        if (fe_emit_func(&fp, top->methods[i], e))
            goto out;
    double t4 = now();
    if (opts->optimize) {
        for (uint32_t i = 0; i < top->nmethods; i++) {
            ir_graph *g = top->methods[i]->graph;
            if (opts->fold_attributes ? ir_optimize(g, m->prog->root, e)
                                      : ir_pass_inline(g, e) || ir_pass_dce(g, e)) {
                rt_err_prefix(e, "optimizing %s", top->methods[i]->qualname);
                goto out;
            }
        }
    }
    double t5 = now();
    m->t_archive = t1 - t0;
    m->t_parse = t2 - t1;
    m->t_pickle = t3 - t2;
    m->t_emit = t4 - t3;
    m->t_optimize = t5 - t4;
    rc = 0;
out:
    /* the AST is not needed once the methods exist; locations move to
     * the program's copies of the file names first */
    if (m && m->prog)
        relocate_all(&fp, m->prog);
    if (m && m->prog) {
        for (uint32_t i = 0; i < m->prog->nclasses; i++)
            for (uint32_t k = 0; k < m->prog->classes[i]->nmethods; k++)
                m->prog->classes[i]->methods[k]->emit_state = NULL;
        for (uint32_t i = 0; i < m->prog->nfuncs; i++)
            m->prog->funcs[i]->emit_state = NULL;
    }
    rt_value_release(fp.constants);
    rt_arena_free(&ast_arena);
    fe_archive_close(ar);
    if (rc) {
        fe_loaded_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

void fe_loaded_free(fe_loaded *m)
{
    if (!m)
        return;
    ir_program_free(m->prog);
    free(m);
}

size_t fe_loaded_method_count(const fe_loaded *m)
{
    return m->prog->root_class ? m->prog->root_class->nmethods : 0;
}

ir_func *fe_loaded_method(const fe_loaded *m, size_t i)
{
    return i < fe_loaded_method_count(m) ? m->prog->root_class->methods[i] : NULL;
}

ir_func *fe_loaded_find_method(const fe_loaded *m, const char *name)
{
    return m->prog->root_class ? ir_class_find_method(m->prog->root_class, name) : NULL;
}
