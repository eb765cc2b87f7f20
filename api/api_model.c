/* api_model.c — loading models and calling their methods through the C ABI:
 * the frontend builds the program, calls are checked against the method's
 * signature (worded as PyTorch words it) and run by the interpreter; the
 * code generator plugs in at api_call_method. */
#include <cblas.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "cg.h"
#include "fe_load.h"
#include "ir.h"
#include "rt_interp.h"

typedef struct api_progress {
    tsj_progress_fn fn;
    void *user;
    const char *method;
} api_progress;

struct tsj_model {
    struct tsj_options opts;
    fe_loaded *fl;
    char **signatures; /* per method, "forward(Tensor x) -> Tensor" */
    cg_method **jit;   /* per method: specialization cache, compiled code */
    struct api_progress *progress; /* per method: tsj_model_set_progress's hook */
    size_t nmethods;
    /* Option "profile": per-operator totals of the calls made while it is
     * on; each call profiles into its own rt_profile, merged under the lock. */
    pthread_mutex_t profile_lock;
    rt_profile *profile;
    size_t profile_calls;
};

/* OpenBLAS's thread count is process-wide: it is set when a model is
 * loaded or its "threads" option changes, never on the call path. */
static void apply_threads(int threads)
{
    if (threads > 0)
        openblas_set_num_threads(threads);
}

static char *signature_text(const ir_func *f)
{
    char buf[4096];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s(", f->name);
    uint32_t first = f->owner ? 1 : 0;
    for (uint32_t i = first; i < f->nargs && n < sizeof buf; i++) {
        char t[256];
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s %s", i > first ? ", " : "",
                              rt_type_format(f->args[i].type, t, sizeof t), f->args[i].name);
    }
    char rt[256] = "None";
    if (f->ret)
        rt_type_format(f->ret, rt, sizeof rt);
    if (n < sizeof buf)
        snprintf(buf + n, sizeof buf - n, ") -> %s", rt);
    return strdup(buf);
}

/* Live nodes of one graph (nested blocks included). */
static uint32_t live_nodes(const ir_graph *g)
{
    uint32_t n = 0;
    for (uint32_t i = 0; g && i < g->nnodes; i++)
        n += !g->nodes[i].dead;
    return n;
}

static int check_graph_limit(const ir_func *f, uint32_t limit, rt_err *e)
{
    uint32_t n = live_nodes(f->graph);
    if (n > limit)
        return rt_err_set(e, TSJ_ERR_LIMIT,
                          "%s has %u graph nodes after loading, more than the limit of %u "
                          "(option max_graph_nodes)",
                          f->qualname, n, limit);
    return 0;
}

/* Every method of every class and every free function, after the load-time
 * passes. */
static int check_graph_limits(const fe_loaded *fl, uint32_t limit, rt_err *e)
{
    const ir_program *p = fl->prog;
    for (uint32_t c = 0; c < p->nclasses; c++)
        for (uint32_t i = 0; i < p->classes[c]->nmethods; i++)
            if (check_graph_limit(p->classes[c]->methods[i], limit, e))
                return -1;
    for (uint32_t i = 0; i < p->nfuncs; i++)
        if (check_graph_limit(p->funcs[i], limit, e))
            return -1;
    return 0;
}

static tsj_status load_common(const char *path, const void *data, size_t size,
                              const tsj_options *opts, tsj_model **out, tsj_error **err)
{
    *out = NULL;
    tsj_model *m = calloc(1, sizeof *m);
    if (!m)
        return api_failf(err, TSJ_ERR_NOMEM, "out of memory");
    if (opts)
        m->opts = *opts;
    else
        api_options_default(&m->opts);
    pthread_mutex_init(&m->profile_lock, NULL);
    rt_err e;
    rt_err_clear(&e);
    fe_load_opts lo = {.fold_attributes = m->opts.fold_attributes != 0,
                       .optimize = true,
                       .copy_weights = m->opts.mmap_weights == 0};
    if (fe_load(path, data, size, &lo, &m->fl, &e)) {
        free(m);
        return api_fail(&e, err);
    }
    if (m->opts.max_graph_nodes && check_graph_limits(m->fl, m->opts.max_graph_nodes, &e)) {
        fe_loaded_free(m->fl);
        free(m);
        return api_fail(&e, err);
    }
    apply_threads(m->opts.threads);
    m->nmethods = fe_loaded_method_count(m->fl);
    m->signatures = calloc(m->nmethods ? m->nmethods : 1, sizeof *m->signatures);
    m->jit = calloc(m->nmethods ? m->nmethods : 1, sizeof *m->jit);
    m->progress = calloc(m->nmethods ? m->nmethods : 1, sizeof(struct api_progress));
    if (!m->signatures || !m->jit || !m->progress) {
        tsj_model_free(m);
        return api_failf(err, TSJ_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < m->nmethods; i++) {
        const ir_func *f = fe_loaded_method(m->fl, i);
        m->signatures[i] = signature_text(f);
        if (f->graph &&
            !(m->jit[i] = cg_method_new(f, m->fl->prog->root, m->opts.cache_size,
                                               m->opts.jit_threshold, &e))) {
            tsj_model_free(m);
            return api_fail(&e, err);
        }
    }
    *out = m;
    return TSJ_OK;
}

TSJ_API tsj_status tsj_model_load(const char *path, const tsj_options *opts, tsj_model **out,
                                  tsj_error **err)
{
    if (!path || !out)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "path and out must not be NULL");
    return load_common(path, NULL, 0, opts, out, err);
}

TSJ_API tsj_status tsj_model_load_buffer(const void *data, size_t size, const tsj_options *opts,
                                         tsj_model **out, tsj_error **err)
{
    if (!data || !out)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "data and out must not be NULL");
    return load_common(NULL, data, size, opts, out, err);
}

TSJ_API void tsj_model_free(tsj_model *model)
{
    if (!model)
        return;
    for (size_t i = 0; model->signatures && i < model->nmethods; i++)
        free(model->signatures[i]);
    for (size_t i = 0; model->jit && i < model->nmethods; i++)
        cg_method_free(model->jit[i]);
    free(model->jit);
    free(model->progress);
    free(model->signatures);
    fe_loaded_free(model->fl);
    free(model->profile);
    pthread_mutex_destroy(&model->profile_lock);
    free(model);
}

TSJ_API size_t tsj_model_method_count(const tsj_model *model)
{
    return model ? model->nmethods : 0;
}

TSJ_API const char *tsj_model_method_name(const tsj_model *model, size_t i)
{
    if (!model || i >= model->nmethods)
        return NULL;
    return fe_loaded_method(model->fl, i)->name;
}

TSJ_API const char *tsj_model_method_signature(const tsj_model *model, const char *method)
{
    if (!model || !method)
        return NULL;
    for (size_t i = 0; i < model->nmethods; i++)
        if (!strcmp(fe_loaded_method(model->fl, i)->name, method))
            return model->signatures ? model->signatures[i] : NULL;
    return NULL;
}

static const char *declaration(const tsj_model *m, const ir_func *f)
{
    const char *s = tsj_model_method_signature(m, f->name);
    return s ? s : f->name;
}

/* Checks and completes the arguments (self first, defaults filled in). */
static tsj_status bind_args(tsj_model *m, const ir_func *f, tsj_value *const *args, size_t nargs,
                            rt_value *bound, tsj_error **err)
{
    size_t want = f->nargs - 1;
    if (nargs > want)
        return api_failf(err, TSJ_ERR_TYPE,
                         "%s() expected at most %zu argument(s) but received %zu argument(s). "
                         "Declaration: %s",
                         f->name, want, nargs, declaration(m, f));
    bound[0] = m->fl->prog->root;
    for (size_t i = 0; i < want; i++) {
        const ir_arg *a = &f->args[i + 1];
        if (i >= nargs) {
            if (!a->has_default)
                return api_failf(err, TSJ_ERR_TYPE,
                                 "%s() is missing value for argument '%s'. Declaration: %s",
                                 f->name, a->name, declaration(m, f));
            bound[i + 1] = a->default_value;
            continue;
        }
        if (!args[i])
            return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "argument %zu is NULL", i);
        rt_value v = args[i]->v;
        if (!rt_value_matches(v, a->type)) {
            char t[256], have[256];
            return api_failf(err, TSJ_ERR_TYPE,
                             "%s() Expected a value of type '%s' for argument '%s' but instead "
                             "found type '%s'.\nPosition: %zu\nDeclaration: %s",
                             f->name, rt_type_format(a->type, t, sizeof t), a->name,
                             rt_value_type_str(v, have, sizeof have), i + 1, declaration(m, f));
        }
        bound[i + 1] = v;
    }
    return TSJ_OK;
}

TSJ_API tsj_status tsj_model_call(tsj_model *model, const char *method, tsj_value *const *args,
                                  size_t nargs, tsj_value **result, tsj_error **err)
{
    if (!model || !method || (nargs && !args) || !result)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT,
                         "model, method, args and result must not be NULL");
    *result = NULL;
    ir_func *f = NULL;
    size_t mi = 0;
    for (; mi < model->nmethods; mi++) {
        if (!strcmp(fe_loaded_method(model->fl, mi)->name, method)) {
            f = fe_loaded_method(model->fl, mi);
            break;
        }
    }
    if (!f || !f->graph)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT,
                         "the model has no method '%s' (see tsjit info for its methods)", method);
    rt_value stack_args[16];
    rt_value *bound = f->nargs <= 16 ? stack_args : malloc(sizeof *bound * f->nargs);
    if (!bound)
        return api_failf(err, TSJ_ERR_NOMEM, "out of memory");
    tsj_status st = bind_args(model, f, args, nargs, bound, err);
    if (st == TSJ_OK) {
        rt_interp_opts io = {.threads = model->opts.threads > 0 ? model->opts.threads : 1,
                             .model = model};
        if (model->opts.profile && !(io.profile = calloc(1, sizeof *io.profile))) {
            if (bound != stack_args)
                free(bound);
            return api_failf(err, TSJ_ERR_NOMEM, "out of memory");
        }
        rt_err e;
        rt_err_clear(&e);
        rt_value out;
        /* the model's tensor size limit, on this thread, for this call */
        size_t prev_limit = rt_tensor_set_max_bytes(model->opts.max_tensor_bytes);
        int rc = model->opts.mode == TSJ_MODE_JIT && model->jit[mi]
                     ? cg_method_call(model->jit[mi], bound, (int)f->nargs, &out, &io, &e)
                     : rt_interp_run(f->graph, bound, (int)f->nargs, &out, 1, &io, &e);
        rt_tensor_set_max_bytes(prev_limit);
        if (rc) {
            st = api_fail(&e, err);
        } else if (!(*result = api_box(out))) {
            st = api_failf(err, TSJ_ERR_NOMEM, "out of memory");
        }
        if (io.profile) {
            pthread_mutex_lock(&model->profile_lock);
            if (!model->profile)
                model->profile = calloc(1, sizeof *model->profile);
            for (int i = 0; model->profile && i <= RT_OP_COUNT; i++) {
                model->profile->seconds[i] += io.profile->seconds[i];
                model->profile->calls[i] += io.profile->calls[i];
            }
            model->profile_calls++;
            pthread_mutex_unlock(&model->profile_lock);
            free(io.profile);
        }
    }
    if (bound != stack_args)
        free(bound);
    return st;
}

TSJ_API tsj_status tsj_model_set_option(tsj_model *model, const char *key, const char *value,
                                        tsj_error **err)
{
    if (!model)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "model must not be NULL");
    rt_err e;
    rt_err_clear(&e);
    if (api_options_set(&model->opts, key, value, &e))
        return api_fail(&e, err);
    if (!strcmp(key, "profile") && model->opts.profile) { /* turning it on starts afresh */
        pthread_mutex_lock(&model->profile_lock);
        if (model->profile)
            memset(model->profile, 0, sizeof *model->profile);
        model->profile_calls = 0;
        pthread_mutex_unlock(&model->profile_lock);
    }
    if (!strcmp(key, "threads"))
        apply_threads(model->opts.threads);
    if (!strcmp(key, "jit_threshold"))
        for (size_t i = 0; i < model->nmethods; i++)
            if (model->jit[i])
                cg_method_set_threshold(model->jit[i], model->opts.jit_threshold);
    return TSJ_OK;
}

/* ---- progress ---- */

static void progress_relay(void *p, const char *stage)
{
    const api_progress *ap = p;
    ap->fn(ap->user, ap->method, stage);
}

TSJ_API void tsj_model_set_progress(tsj_model *model, tsj_progress_fn fn, void *user)
{
    if (!model)
        return;
    for (size_t i = 0; i < model->nmethods; i++) {
        if (!model->jit[i])
            continue;
        model->progress[i] = (api_progress){fn, user, fe_loaded_method(model->fl, i)->name};
        cg_method_set_progress(model->jit[i], fn ? progress_relay : NULL, &model->progress[i]);
    }
}

/* ---- describe ---- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

static void describe_object(sbuf *b, rt_value obj, const char *name, int depth)
{
    const ir_class *c = obj.u.object->cls;
    size_t nparams = 0, nbuffers = 0, pbytes = 0, bbytes = 0;
    for (uint32_t i = 0; c && i < c->nattrs; i++) {
        rt_value v = obj.u.object->slots[i];
        if (v.kind != RT_TENSOR)
            continue;
        size_t bytes = (size_t)rt_tensor_numel(v.u.tensor) * rt_dtype_size(v.u.tensor->dtype);
        if (c->attrs[i].is_param) {
            nparams++;
            pbytes += bytes;
        } else if (c->attrs[i].is_buffer) {
            nbuffers++;
            bbytes += bytes;
        }
    }
    sb_printf(b, "%*s%s: %s  (%zu parameters, %zu bytes; %zu buffers, %zu bytes)\n", depth * 2, "",
              name, c ? c->qualname : "?", nparams, pbytes, nbuffers, bbytes);
    if (depth > 32)
        return;
    for (uint32_t i = 0; c && i < c->nattrs; i++) {
        rt_value v = obj.u.object->slots[i];
        if (v.kind == RT_OBJECT && c->attrs[i].is_module)
            describe_object(b, v, c->attrs[i].name, depth + 1);
    }
}

typedef struct prof_row {
    int op;
    double seconds;
    uint64_t calls;
} prof_row;

static int prof_row_cmp(const void *a, const void *b)
{
    const prof_row *x = a, *y = b;
    return (x->seconds < y->seconds) - (x->seconds > y->seconds);
}

/* The "profile" table: operators by total time over the calls made while
 * the option was on (every method: the counters are per model). */
static void describe_profile(sbuf *b, tsj_model *m)
{
    prof_row *rows = calloc(RT_OP_COUNT + 1, sizeof *rows);
    if (!rows) {
        b->oom = 1;
        return;
    }
    size_t n = 0, ncalls;
    double total = 0;
    pthread_mutex_lock(&m->profile_lock);
    ncalls = m->profile_calls;
    for (int i = 0; m->profile && i <= RT_OP_COUNT; i++)
        if (m->profile->calls[i]) {
            rows[n++] = (prof_row){i, m->profile->seconds[i], m->profile->calls[i]};
            total += m->profile->seconds[i];
        }
    pthread_mutex_unlock(&m->profile_lock);
    qsort(rows, n, sizeof *rows, prof_row_cmp);
    sb_printf(b, "%-44s %10s %12s %11s %7s\n", "operator", "calls", "total ms", "us/call",
              "share");
    for (size_t i = 0; i < n; i++) {
        char name[128];
        const rt_op *op = rt_op_get((rt_op_id)rows[i].op);
        sb_printf(b, "%-44s %10llu %12.3f %11.2f %6.1f%%\n",
                  op ? rt_op_full_name(op, name, sizeof name) : "?",
                  (unsigned long long)rows[i].calls, rows[i].seconds * 1e3,
                  rows[i].seconds * 1e6 / (double)rows[i].calls,
                  total > 0 ? 100.0 * rows[i].seconds / total : 0.0);
    }
    sb_printf(b, "%-44s %10s %12.3f\n", "total (operators only)", "", total * 1e3);
    sb_printf(b, "%zu profiled call(s)%s\n", ncalls,
              ncalls ? "" : ": set the option \"profile\" to \"true\", then call the model");
    free(rows);
}

static void describe_ops(sbuf *b, const ir_graph *g, bool *seen)
{
    rt_op_id unsupported = rt_op_lookup("prim::UnsupportedOp");
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const ir_node *n = &g->nodes[i];
        if (n->dead || n->kind != IR_OP)
            continue;
        if (n->op == unsupported && n->nin > 0) {
            /* the operator's name is the node's first input, a constant */
            const ir_node *d = g->values[n->in[0]].def != IR_NONE
                                   ? &g->nodes[g->values[n->in[0]].def]
                                   : NULL;
            if (d && d->kind == IR_CONST && d->attr.kind == RT_STR)
                sb_printf(b, "%-48s %-8s %s\n", rt_str_cstr(d->attr), "MISSING",
                          "not supported: fails if this path runs");
            continue;
        }
        seen[n->op] = true;
    }
}

static tsj_status describe_jit(tsj_model *model, const char *what, const char *method,
                               tsj_value *const *args, size_t nargs, char **text, tsj_error **err)
{
    const char *name = method ? method : "forward";
    size_t mi = 0;
    while (mi < model->nmethods && strcmp(fe_loaded_method(model->fl, mi)->name, name))
        mi++;
    if (mi == model->nmethods || !model->jit[mi])
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "the model has no method '%s'", name);
    const ir_func *f = fe_loaded_method(model->fl, mi);
    rt_err e;
    rt_err_clear(&e);
    if (!strcmp(what, "cache"))
        return cg_method_cache_describe(model->jit[mi], text, &e) ? api_fail(&e, err) : TSJ_OK;
    rt_value stack_args[16];
    rt_value *bound = f->nargs <= 16 ? stack_args : malloc(sizeof *bound * f->nargs);
    if (!bound)
        return api_failf(err, TSJ_ERR_NOMEM, "out of memory");
    tsj_status st = bind_args(model, f, args, nargs, bound, err);
    if (st == TSJ_OK && cg_method_describe(model->jit[mi], bound, (int)f->nargs, text, &e))
        st = api_fail(&e, err);
    if (bound != stack_args)
        free(bound);
    return st;
}

TSJ_API tsj_status tsj_model_describe(tsj_model *model, const char *what, const char *method,
                                      tsj_value *const *args, size_t nargs, char **text,
                                      tsj_error **err)
{
    if (!model || !what || !text)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "model, what and text must not be NULL");
    (void)args;
    (void)nargs;
    *text = NULL;
    sbuf b = {0};
    sb_printf(&b, "%s", "");
    if (!strcmp(what, "classes")) {
        describe_object(&b, model->fl->prog->root, "(root)", 0);
    } else if (!strcmp(what, "methods")) {
        for (size_t i = 0; i < model->nmethods; i++)
            sb_printf(&b, "%s\n", model->signatures[i] ? model->signatures[i] : "?");
    } else if (!strcmp(what, "ir") || !strcmp(what, "ops")) {
        bool *seen = calloc(RT_OP_COUNT + 1, sizeof *seen);
        if (!seen)
            return api_failf(err, TSJ_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < model->nmethods; i++) {
            const ir_func *f = fe_loaded_method(model->fl, i);
            if (method && strcmp(method, f->name))
                continue;
            if (!strcmp(what, "ops")) {
                describe_ops(&b, f->graph, seen);
                continue;
            }
            char *t = ir_print(f->graph);
            sb_printf(&b, "# %s\n%s\n", model->signatures[i], t ? t : "(out of memory)\n");
            free(t);
        }
        if (!strcmp(what, "ops")) {
            sb_printf(&b, "%-48s %-8s %s\n", "operator", "interp", "jit");
            for (int i = 0; i < RT_OP_COUNT; i++) {
                if (!seen[i])
                    continue;
                char name[128];
                const rt_op *op = rt_op_get((rt_op_id)i);
                sb_printf(&b, "%-48s %-8s %s\n", rt_op_full_name(op, name, sizeof name),
                          op->kernel ? "yes" : "no", "no (interpreter fallback)");
            }
        }
        free(seen);
    } else if (!strcmp(what, "load")) {
        const fe_loaded *fl = model->fl;
        sb_printf(&b, "archive %.3f ms, parse %.3f ms, unpickle %.3f ms, emit %.3f ms, "
                      "passes %.3f ms\n",
                  fl->t_archive * 1e3, fl->t_parse * 1e3, fl->t_pickle * 1e3, fl->t_emit * 1e3,
                  fl->t_optimize * 1e3);
    } else if (!strcmp(what, "profile")) {
        describe_profile(&b, model);
    } else if (!strcmp(what, "jit") || !strcmp(what, "cache")) {
        free(b.s);
        return describe_jit(model, what, method, args, nargs, text, err);
    } else {
        free(b.s);
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT,
                         "unknown description '%s' (classes, methods, ir, ops, jit, cache, profile, "
                         "load)",
                         what);
    }
    if (b.oom) {
        free(b.s);
        return api_failf(err, TSJ_ERR_NOMEM, "out of memory");
    }
    *text = b.s;
    return TSJ_OK;
}


