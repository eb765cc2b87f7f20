/*
 * repl_eval.c — evaluating REPL expressions into tsj_values: literals,
 * variables, indexing, the builtin functions (randn, zeros, ones, arange,
 * full, load, save, seed) and calls of the loaded model's methods. Every
 * result is a new reference; every failure is a message plus a hint.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repl.h"

const char *const repl_builtin_names[] = {"randn", "zeros", "ones", "arange", "full",
                                          "load",  "save",  "seed", NULL};

typedef struct ev {
    repl_session *s;
    char *err;
    size_t errsize;
    int *pos;
} ev;

static tsj_value *failf(ev *v, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static tsj_value *failf(ev *v, int pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->err, v->errsize, fmt, ap);
    va_end(ap);
    if (v->pos)
        *v->pos = pos;
    return NULL;
}

/* ---- variables ---- */

tsj_value *repl_var_get(repl_session *s, const char *name)
{
    for (size_t i = 0; i < s->nvars; i++)
        if (!strcmp(s->vars[i].name, name))
            return s->vars[i].value;
    return NULL;
}

int repl_var_set(repl_session *s, const char *name, tsj_value *v)
{
    for (size_t i = 0; i < s->nvars; i++)
        if (!strcmp(s->vars[i].name, name)) {
            tsj_value_release(s->vars[i].value);
            s->vars[i].value = tsj_value_retain(v);
            return 0;
        }
    if (s->nvars == s->capvars) {
        size_t cap = s->capvars ? s->capvars * 2 : 16;
        repl_var *nv = realloc(s->vars, cap * sizeof *nv);
        if (!nv)
            return -1;
        s->vars = nv;
        s->capvars = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -1;
    s->vars[s->nvars].name = copy;
    s->vars[s->nvars++].value = tsj_value_retain(v);
    return 0;
}

/* ---- random numbers: xorshift128+ and Box-Muller ---- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void repl_seed(repl_session *s, uint64_t seed)
{
    s->rng[0] = splitmix64(&seed);
    s->rng[1] = splitmix64(&seed);
}

static uint64_t rng_next(repl_session *s)
{
    uint64_t a = s->rng[0], b = s->rng[1];
    s->rng[0] = b;
    a ^= a << 23;
    s->rng[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
    return s->rng[1] + b;
}

/* uniform in (0, 1] */
static double rng_uniform(repl_session *s) { return ((double)(rng_next(s) >> 11) + 1.0) * 0x1p-53; }

static void rng_normal_pair(repl_session *s, double *z0, double *z1)
{
    double u1 = rng_uniform(s), u2 = rng_uniform(s);
    double r = sqrt(-2.0 * log(u1)), t = 2.0 * 3.14159265358979323846 * u2;
    *z0 = r * cos(t);
    *z1 = r * sin(t);
}

/* ---- dtypes and tensor building ---- */

static const struct {
    const char *name;
    tsj_dtype dtype;
} DTYPES[] = {{"float32", TSJ_FLOAT32}, {"float", TSJ_FLOAT32}, {"float64", TSJ_FLOAT64},
              {"double", TSJ_FLOAT64},  {"int64", TSJ_INT64},   {"long", TSJ_INT64},
              {"int32", TSJ_INT32},     {"int", TSJ_INT32},     {"int16", TSJ_INT16},
              {"short", TSJ_INT16},     {"int8", TSJ_INT8},     {"uint8", TSJ_UINT8},
              {"bool", TSJ_BOOL}};

static int dtype_by_name(const char *name, tsj_dtype *out)
{
    if (!strncmp(name, "torch.", 6))
        name += 6;
    for (size_t i = 0; i < sizeof DTYPES / sizeof DTYPES[0]; i++)
        if (!strcmp(name, DTYPES[i].name)) {
            *out = DTYPES[i].dtype;
            return 0;
        }
    return -1;
}

static void store(tsj_dtype dt, void *data, int64_t i, double x)
{
    switch (dt) {
    case TSJ_FLOAT32: ((float *)data)[i] = (float)x; break;
    case TSJ_FLOAT64: ((double *)data)[i] = x; break;
    case TSJ_INT64: ((int64_t *)data)[i] = (int64_t)x; break;
    case TSJ_INT32: ((int32_t *)data)[i] = (int32_t)x; break;
    case TSJ_INT16: ((int16_t *)data)[i] = (int16_t)x; break;
    case TSJ_INT8: ((int8_t *)data)[i] = (int8_t)x; break;
    case TSJ_UINT8: ((uint8_t *)data)[i] = (uint8_t)x; break;
    case TSJ_BOOL: ((uint8_t *)data)[i] = x != 0; break;
    default: break;
    }
}

static int is_float_dtype(tsj_dtype dt) { return dt == TSJ_FLOAT32 || dt == TSJ_FLOAT64; }

typedef struct shape {
    int ndim;
    int64_t dims[TSJ_MAX_DIMS];
    int64_t numel;
} shape;

/* Makes a new tensor of `sh` and `dt` whose data the caller fills. */
static tsj_value *new_tensor(ev *v, int pos, tsj_dtype dt, const shape *sh, void **data)
{
    tsj_value *t = NULL;
    tsj_error *err = NULL;
    if (tsj_tensor_create(dt, sh->ndim, sh->dims, NULL, &t, &err) != TSJ_OK) {
        failf(v, pos, "%s", tsj_error_message(err));
        tsj_error_free(err);
        return NULL;
    }
    *data = tsj_tensor_data(t);
    return t;
}

/* ---- evaluation ---- */

static tsj_value *eval(ev *v, const repl_expr *e);

/* A shape from the positional args `randn(2, 3)`, or one list/tuple arg
 * `randn((2, 3))`. */
static int eval_shape(ev *v, const repl_expr *call, size_t first, size_t count, shape *sh)
{
    const repl_expr *const *items = (const repl_expr *const *)call->items + first;
    if (count == 1 && (items[0]->kind == REPL_E_LIST || items[0]->kind == REPL_E_TUPLE)) {
        count = items[0]->nitems;
        items = (const repl_expr *const *)items[0]->items;
    }
    if (count > TSJ_MAX_DIMS)
        return failf(v, call->pos, "%s: at most %d dimensions", call->text, TSJ_MAX_DIMS), -1;
    sh->ndim = (int)count;
    sh->numel = 1;
    for (size_t i = 0; i < count; i++) {
        tsj_value *d = eval(v, items[i]);
        int64_t n;
        int ok = d && tsj_value_get_int(d, &n) == TSJ_OK;
        tsj_value_release(d);
        if (!d)
            return -1;
        if (!ok || n < 0)
            return failf(v, items[i]->pos, "%s: a size must be an int >= 0\n"
                         "hint: %s(2, 3) or %s((2, 3))", call->text, call->text, call->text), -1;
        if (n && sh->numel > ((int64_t)1 << 40) / n)
            return failf(v, items[i]->pos, "%s: that tensor would be too large", call->text), -1;
        sh->dims[i] = n;
        sh->numel *= n;
    }
    return 0;
}

/* The dtype= keyword (a name such as float32 or torch.int64, or a string). */
static int eval_kwargs(ev *v, const repl_expr *call, int *has_dtype, tsj_dtype *dt)
{
    *has_dtype = 0;
    for (size_t i = 0; i < call->nkwargs; i++) {
        const repl_kwarg *k = &call->kwargs[i];
        if (strcmp(k->name, "dtype")) {
            failf(v, k->value->pos, "%s() takes no keyword '%s' (only dtype=)", call->text,
                  k->name);
            return -1;
        }
        const char *name = k->value->kind == REPL_E_NAME || k->value->kind == REPL_E_STRING
                               ? k->value->text
                               : "";
        if (dtype_by_name(name, dt)) {
            failf(v, k->value->pos, "unknown dtype '%s'\nhint: float32, float64, int64, int32, "
                  "int16, int8, uint8, bool", name);
            return -1;
        }
        *has_dtype = 1;
    }
    return 0;
}

static tsj_value *builtin_fill(ev *v, const repl_expr *c, double value)
{
    shape sh;
    int has;
    tsj_dtype dt = TSJ_FLOAT32;
    if (eval_kwargs(v, c, &has, &dt) || eval_shape(v, c, 0, c->nitems, &sh))
        return NULL;
    void *data;
    tsj_value *t = new_tensor(v, c->pos, dt, &sh, &data);
    for (int64_t i = 0; t && value != 0 && i < sh.numel; i++)
        store(dt, data, i, value);
    return t;
}

static tsj_value *builtin_randn(ev *v, const repl_expr *c)
{
    shape sh;
    int has;
    tsj_dtype dt = TSJ_FLOAT32;
    if (eval_kwargs(v, c, &has, &dt) || eval_shape(v, c, 0, c->nitems, &sh))
        return NULL;
    if (!is_float_dtype(dt))
        return failf(v, c->pos, "randn makes float32 or float64 tensors, not %s",
                     tsj_dtype_name(dt));
    void *data;
    tsj_value *t = new_tensor(v, c->pos, dt, &sh, &data);
    for (int64_t i = 0; t && i < sh.numel; i += 2) {
        double z0, z1;
        rng_normal_pair(v->s, &z0, &z1);
        store(dt, data, i, z0);
        if (i + 1 < sh.numel)
            store(dt, data, i + 1, z1);
    }
    return t;
}

/* Evaluates call argument i as a number; *is_int tells whether it was an int. */
static int eval_number(ev *v, const repl_expr *e, double *out, int *is_int, int *is_bool)
{
    tsj_value *x = eval(v, e);
    if (!x)
        return -1;
    int64_t i;
    int b;
    int rc = 0;
    *is_int = *is_bool = 0;
    if (tsj_value_get_bool(x, &b) == TSJ_OK) {
        *out = b;
        *is_bool = 1;
    } else if (tsj_value_get_int(x, &i) == TSJ_OK) {
        *out = (double)i;
        *is_int = 1;
    } else if (tsj_value_get_float(x, out) != TSJ_OK) {
        failf(v, e->pos, "expected a number here");
        rc = -1;
    }
    tsj_value_release(x);
    return rc;
}

/* arange(end) | arange(start, end) | arange(start, end, step) */
static tsj_value *builtin_arange(ev *v, const repl_expr *c)
{
    if (c->nitems < 1 || c->nitems > 3)
        return failf(v, c->pos, "arange takes 1 to 3 numbers: arange(end), arange(start, end), "
                     "arange(start, end, step)");
    double a[3] = {0, 0, 1};
    int all_int = 1;
    for (size_t i = 0; i < c->nitems; i++) {
        int is_int, is_bool;
        if (eval_number(v, c->items[i], &a[c->nitems == 1 ? 1 : i], &is_int, &is_bool))
            return NULL;
        all_int &= is_int | is_bool;
    }
    int has;
    tsj_dtype dt = all_int ? TSJ_INT64 : TSJ_FLOAT32;
    if (eval_kwargs(v, c, &has, &dt))
        return NULL;
    if (a[2] == 0 || !isfinite(a[0]) || !isfinite(a[1]) || !isfinite(a[2]))
        return failf(v, c->pos, "arange: step must be non-zero and bounds finite");
    double n = ceil((a[1] - a[0]) / a[2]);
    if (n > (double)((int64_t)1 << 32))
        return failf(v, c->pos, "arange: that tensor would be too large");
    shape sh = {.ndim = 1, .dims = {n > 0 ? (int64_t)n : 0}};
    sh.numel = sh.dims[0];
    void *data;
    tsj_value *t = new_tensor(v, c->pos, dt, &sh, &data);
    for (int64_t i = 0; t && i < sh.numel; i++)
        store(dt, data, i, a[0] + (double)i * a[2]);
    return t;
}

/* full(shape, value) | full(d0, d1, ..., value) */
static tsj_value *builtin_full(ev *v, const repl_expr *c)
{
    if (c->nitems < 2)
        return failf(v, c->pos, "full needs a shape and a value: full((2, 3), 1.5)");
    double value;
    int is_int, is_bool, has;
    if (eval_number(v, c->items[c->nitems - 1], &value, &is_int, &is_bool))
        return NULL;
    tsj_dtype dt = is_bool ? TSJ_BOOL : is_int ? TSJ_INT64 : TSJ_FLOAT32;
    shape sh;
    if (eval_kwargs(v, c, &has, &dt) || eval_shape(v, c, 0, c->nitems - 1, &sh))
        return NULL;
    void *data;
    tsj_value *t = new_tensor(v, c->pos, dt, &sh, &data);
    for (int64_t i = 0; t && i < sh.numel; i++)
        store(dt, data, i, value);
    return t;
}

static const char *string_arg(ev *v, const repl_expr *c, size_t i, tsj_value **hold)
{
    *hold = eval(v, c->items[i]);
    const char *s = NULL;
    if (*hold && tsj_value_get_string(*hold, &s) != TSJ_OK) {
        failf(v, c->items[i]->pos, "%s: expected a path in quotes, like \"x.npy\"", c->text);
        return NULL;
    }
    return s;
}

static tsj_value *builtin_load(ev *v, const repl_expr *c)
{
    if (c->nitems != 1 || c->nkwargs)
        return failf(v, c->pos, "load takes one path: x = load(\"x.npy\")");
    tsj_value *hold, *t = NULL;
    const char *path = string_arg(v, c, 0, &hold);
    tsj_error *err = NULL;
    if (path && tsj_npy_load(path, &t, &err) != TSJ_OK) {
        failf(v, c->items[0]->pos, "%s\nhint: load() reads NumPy .npy files; check the path",
              tsj_error_message(err));
        tsj_error_free(err);
    }
    tsj_value_release(hold);
    return t;
}

/* A scalar becomes a 0-dim tensor (int64 / float64 / bool), as in `tsjit run`. */
static tsj_value *as_tensor(const tsj_value *x)
{
    tsj_value *t = NULL;
    int64_t i;
    double f;
    int b;
    uint8_t u;
    if (tsj_value_get_bool(x, &b) == TSJ_OK) {
        u = (uint8_t)(b != 0);
        tsj_tensor_create(TSJ_BOOL, 0, NULL, &u, &t, NULL);
    } else if (tsj_value_get_int(x, &i) == TSJ_OK) {
        tsj_tensor_create(TSJ_INT64, 0, NULL, &i, &t, NULL);
    } else if (tsj_value_get_float(x, &f) == TSJ_OK) {
        tsj_tensor_create(TSJ_FLOAT64, 0, NULL, &f, &t, NULL);
    }
    return t;
}

/* Saves x to path; a tuple or list goes to BASE.0.npy, BASE.1.npy, ... */
static int save_value(ev *v, int pos, const tsj_value *x, const char *path, int *nfiles)
{
    tsj_kind k = tsj_value_kind(x);
    if (k == TSJ_KIND_NONE)
        return 0;
    if (k == TSJ_KIND_LIST || k == TSJ_KIND_TUPLE) {
        size_t len = strlen(path);
        size_t base = len > 4 && !strcmp(path + len - 4, ".npy") ? len - 4 : len;
        for (size_t i = 0; i < tsj_value_len(x); i++) {
            char sub[4096];
            snprintf(sub, sizeof sub, "%.*s.%zu.npy", (int)base, path, i);
            tsj_value *item = NULL;
            if (tsj_value_item(x, i, &item) != TSJ_OK)
                return failf(v, pos, "save: cannot read item %zu", i), -1;
            int rc = save_value(v, pos, item, sub, nfiles);
            tsj_value_release(item);
            if (rc)
                return -1;
        }
        return 0;
    }
    tsj_value *t = k == TSJ_KIND_TENSOR ? tsj_value_retain((tsj_value *)x) : as_tensor(x);
    if (!t)
        return failf(v, pos, "save: a %s cannot be written as .npy", tsj_kind_name(k)), -1;
    tsj_error *err = NULL;
    int rc = 0;
    if (tsj_npy_save(t, path, &err) != TSJ_OK) {
        failf(v, pos, "save: %s", tsj_error_message(err));
        tsj_error_free(err);
        rc = -1;
    }
    tsj_value_release(t);
    *nfiles += !rc;
    return rc;
}

static tsj_value *builtin_save(ev *v, const repl_expr *c)
{
    if (c->nitems != 2 || c->nkwargs)
        return failf(v, c->pos, "save takes a value and a path: save(y, \"y.npy\")");
    tsj_value *x = eval(v, c->items[0]);
    if (!x)
        return NULL;
    tsj_value *hold;
    const char *path = string_arg(v, c, 1, &hold);
    int nfiles = 0;
    int rc = path ? save_value(v, c->items[1]->pos, x, path, &nfiles) : -1;
    if (!rc && nfiles > 1) {
        size_t len = strlen(path);
        printf("saved %d files %.*s.*.npy\n", nfiles,
               (int)(len > 4 && !strcmp(path + len - 4, ".npy") ? len - 4 : len), path);
    }
    tsj_value_release(hold); /* path points into it */
    tsj_value_release(x);
    return rc ? NULL : tsj_value_none();
}

static tsj_value *builtin_seed(ev *v, const repl_expr *c)
{
    double n;
    int is_int, is_bool;
    if (c->nitems != 1 || c->nkwargs)
        return failf(v, c->pos, "seed takes one int: seed(0)");
    if (eval_number(v, c->items[0], &n, &is_int, &is_bool))
        return NULL;
    if (!is_int)
        return failf(v, c->items[0]->pos, "seed takes an int");
    repl_seed(v->s, (uint64_t)(int64_t)n);
    return tsj_value_none();
}

/* Calls a method of the loaded model. */
static tsj_value *call_method(ev *v, const repl_expr *c, const char *method)
{
    repl_session *s = v->s;
    if (c->nkwargs)
        return failf(v, c->kwargs[0].value->pos, "keyword arguments are not supported for model "
                     "methods; pass them by position\nhint: :sig %s", method);
    tsj_value **args = calloc(c->nitems ? c->nitems : 1, sizeof *args);
    if (!args)
        return failf(v, c->pos, "out of memory");
    tsj_value *r = NULL;
    size_t n = 0;
    for (; n < c->nitems; n++)
        if (!(args[n] = eval(v, c->items[n])))
            goto done;
    tsj_error *err = NULL;
    if (tsj_model_call(s->model, method, args, n, &r, &err) != TSJ_OK) {
        int line = 0, col = 0;
        const char *file = tsj_error_location(err, &line, &col);
        const char *msg = tsj_error_message(err);
        char where[512] = "";
        if (file && line && strncmp(msg, file, strlen(file)))
            snprintf(where, sizeof where, "%s:%d:%d: ", file, line, col);
        failf(v, c->pos, "%s%s\nhint: %s", where, msg,
              tsj_error_status(err) == TSJ_ERR_TYPE
                  ? "check the arguments against the signature (:sig METHOD)"
                  : "the model raised this error; check the inputs (:vars shows them)");
        tsj_error_free(err);
        r = NULL;
    }
done:
    for (size_t i = 0; i < n; i++)
        tsj_value_release(args[i]);
    free(args);
    return r;
}

static int has_method(repl_session *s, const char *name)
{
    for (size_t i = 0; s->model && i < tsj_model_method_count(s->model); i++)
        if (!strcmp(tsj_model_method_name(s->model, i), name))
            return 1;
    return 0;
}

static tsj_value *eval_call(ev *v, const repl_expr *c)
{
    const char *f = c->text;
    static const struct {
        const char *name;
        tsj_value *(*fn)(ev *, const repl_expr *);
    } builtins[] = {{"randn", builtin_randn}, {"arange", builtin_arange}, {"full", builtin_full},
                    {"load", builtin_load},   {"save", builtin_save},     {"seed", builtin_seed}};
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (!strcmp(f, builtins[i].name))
            return builtins[i].fn(v, c);
    if (!strcmp(f, "zeros") || !strcmp(f, "ones"))
        return builtin_fill(v, c, f[0] == 'o' ? 1.0 : 0.0);
    const char *method = !strncmp(f, "self.", 5) ? f + 5 : f;
    if (has_method(v->s, method))
        return call_method(v, c, method);
    if (!v->s->model)
        return failf(v, c->pos, "unknown function '%s' and no model is loaded\nhint: :load "
                     "MODEL.pt first, or :help for the builtins", f);
    return failf(v, c->pos, "unknown function '%s': neither a builtin nor a method of the "
                 "model\nhint: :methods lists the model's methods, :help the builtins", f);
}

/* Element i along dim 0 of a tensor, copied into a new tensor. */
static tsj_value *tensor_index(ev *v, int pos, const tsj_value *t, int64_t i)
{
    int nd = tsj_tensor_ndim(t);
    const int64_t *shp = tsj_tensor_shape(t), *str = tsj_tensor_strides(t);
    if (nd == 0)
        return failf(v, pos, "a 0-dim tensor cannot be indexed");
    if (i < 0)
        i += shp[0];
    if (i < 0 || i >= shp[0])
        return failf(v, pos, "index %lld is out of range for dimension 0 of size %lld",
                     (long long)i, (long long)shp[0]);
    tsj_dtype dt = tsj_tensor_dtype(t);
    size_t es = tsj_dtype_size(dt);
    tsj_value *out = NULL;
    if (tsj_tensor_create(dt, nd - 1, shp + 1, NULL, &out, NULL) != TSJ_OK)
        return failf(v, pos, "out of memory");
    const char *src = (const char *)tsj_tensor_data(t) + i * str[0] * (int64_t)es;
    char *dst = tsj_tensor_data(out);
    int64_t n = tsj_tensor_numel(out), idx[TSJ_MAX_DIMS] = {0};
    for (int64_t k = 0; k < n; k++) {
        int64_t off = 0;
        for (int d = 1; d < nd; d++)
            off += idx[d - 1] * str[d];
        memcpy(dst + k * (int64_t)es, src + off * (int64_t)es, es);
        for (int d = nd - 2; d >= 0; d--) {
            if (++idx[d] < shp[d + 1])
                break;
            idx[d] = 0;
        }
    }
    return out;
}

static tsj_value *eval_index(ev *v, const repl_expr *e)
{
    tsj_value *base = eval(v, e->items[0]);
    if (!base)
        return NULL;
    tsj_value *ix = eval(v, e->items[1]), *r = NULL;
    int64_t i;
    if (!ix) {
        tsj_value_release(base);
        return NULL;
    }
    tsj_kind k = tsj_value_kind(base);
    if (tsj_value_get_int(ix, &i) != TSJ_OK) {
        failf(v, e->items[1]->pos, "an index must be an int");
    } else if (k == TSJ_KIND_TENSOR) {
        r = tensor_index(v, e->items[1]->pos, base, i);
    } else if (k == TSJ_KIND_LIST || k == TSJ_KIND_TUPLE || k == TSJ_KIND_OBJECT) {
        int64_t n = (int64_t)tsj_value_len(base);
        if (i < 0)
            i += n;
        if (i < 0 || i >= n)
            failf(v, e->items[1]->pos, "index %lld is out of range: the %s has %lld item(s)",
                  (long long)i, tsj_kind_name(k), (long long)n);
        else if (tsj_value_item(base, (size_t)i, &r) != TSJ_OK)
            failf(v, e->pos, "cannot read item %lld", (long long)i);
    } else {
        failf(v, e->pos, "a value of kind %s cannot be indexed", tsj_kind_name(k));
    }
    tsj_value_release(ix);
    tsj_value_release(base);
    return r;
}

static tsj_value *eval_items(ev *v, const repl_expr *e)
{
    tsj_value **items = calloc(e->nitems ? e->nitems : 1, sizeof *items), *r = NULL;
    if (!items)
        return failf(v, e->pos, "out of memory");
    size_t n = 0;
    for (; n < e->nitems; n++)
        if (!(items[n] = eval(v, e->items[n])))
            break;
    if (n == e->nitems) {
        r = e->kind == REPL_E_LIST ? tsj_value_list(items, n) : tsj_value_tuple(items, n);
        if (!r)
            failf(v, e->pos, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        tsj_value_release(items[i]);
    free(items);
    return r;
}

/* x.shape (a tuple), x.dtype (a string), x.ndim, x.numel of a tensor variable. */
static tsj_value *eval_attribute(ev *v, const repl_expr *e)
{
    const char *dot = strrchr(e->text, '.'), *attr = dot + 1;
    char base[256];
    snprintf(base, sizeof base, "%.*s", (int)(dot - e->text), e->text);
    tsj_value *x = repl_var_get(v->s, base);
    if (!x)
        return failf(v, e->pos, "name '%s' is not defined\nhint: :vars lists the variables",
                     base);
    if (tsj_value_kind(x) != TSJ_KIND_TENSOR)
        return failf(v, e->pos, "'%s' is a %s; only tensors have attributes (shape, dtype, "
                     "ndim, numel)", base, tsj_kind_name(tsj_value_kind(x)));
    if (!strcmp(attr, "dtype"))
        return tsj_value_string(tsj_dtype_name(tsj_tensor_dtype(x)));
    if (!strcmp(attr, "ndim"))
        return tsj_value_int(tsj_tensor_ndim(x));
    if (!strcmp(attr, "numel"))
        return tsj_value_int(tsj_tensor_numel(x));
    if (strcmp(attr, "shape"))
        return failf(v, e->pos, "a tensor has no attribute '%s'\nhint: shape, dtype, ndim, "
                     "numel", attr);
    tsj_value *dims[TSJ_MAX_DIMS];
    int nd = tsj_tensor_ndim(x);
    for (int d = 0; d < nd; d++)
        dims[d] = tsj_value_int(tsj_tensor_shape(x)[d]);
    tsj_value *t = tsj_value_tuple(dims, (size_t)nd);
    for (int d = 0; d < nd; d++)
        tsj_value_release(dims[d]);
    return t ? t : failf(v, e->pos, "out of memory");
}

static tsj_value *eval(ev *v, const repl_expr *e)
{
    tsj_value *r = NULL;
    switch (e->kind) {
    case REPL_E_NONE: r = tsj_value_none(); break;
    case REPL_E_BOOL: r = tsj_value_bool(e->b); break;
    case REPL_E_INT: r = tsj_value_int(e->i); break;
    case REPL_E_FLOAT: r = tsj_value_float(e->f); break;
    case REPL_E_STRING: r = tsj_value_string(e->text); break;
    case REPL_E_NAME:
        if ((r = repl_var_get(v->s, e->text)))
            return tsj_value_retain(r);
        if (strchr(e->text, '.'))
            return eval_attribute(v, e);
        if (has_method(v->s, e->text))
            return failf(v, e->pos, "'%s' is a method of the model: call it, %s(...)\nhint: "
                         ":sig %s shows its arguments", e->text, e->text, e->text);
        return failf(v, e->pos, "name '%s' is not defined\nhint: :vars lists the variables; "
                     "make one with %s = randn(2, 3) or %s = load(\"x.npy\")",
                     e->text, e->text, e->text);
    case REPL_E_CALL: return eval_call(v, e);
    case REPL_E_LIST:
    case REPL_E_TUPLE: return eval_items(v, e);
    case REPL_E_INDEX: return eval_index(v, e);
    }
    if (!r)
        failf(v, e->pos, "out of memory");
    return r;
}

tsj_value *repl_eval(repl_session *s, const repl_expr *e, char *err, size_t errsize, int *pos)
{
    ev v = {.s = s, .err = err, .errsize = errsize, .pos = pos};
    if (pos)
        *pos = -1;
    if (errsize)
        err[0] = 0;
    return eval(&v, e);
}

void repl_value_summary(const tsj_value *v, char *buf, size_t size)
{
    tsj_kind k = tsj_value_kind(v);
    if (k == TSJ_KIND_TENSOR) {
        int n = snprintf(buf, size, "Tensor %s[", tsj_dtype_name(tsj_tensor_dtype(v)));
        const int64_t *sh = tsj_tensor_shape(v);
        for (int d = 0; d < tsj_tensor_ndim(v) && n > 0 && (size_t)n < size; d++)
            n += snprintf(buf + n, size - (size_t)n, "%s%lld", d ? ", " : "", (long long)sh[d]);
        if (n > 0 && (size_t)n < size)
            snprintf(buf + n, size - (size_t)n, "]");
        return;
    }
    if (k == TSJ_KIND_LIST || k == TSJ_KIND_TUPLE || k == TSJ_KIND_DICT || k == TSJ_KIND_OBJECT) {
        snprintf(buf, size, "%s of %zu item(s)", tsj_kind_name(k), tsj_value_len(v));
        return;
    }
    char *text = NULL;
    if (tsj_value_format(v, &text) == TSJ_OK) {
        snprintf(buf, size, "%s %s", tsj_kind_name(k), text);
        tsj_string_free(text);
    } else {
        snprintf(buf, size, "%s", tsj_kind_name(k));
    }
}
