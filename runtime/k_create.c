/*
 * k_create.c — creation ops (zeros, ones, full, empty and their _like /
 * new_ forms, arange, eye, linspace, tensor, as_tensor, scalar_tensor),
 * identity-like ops (clone, detach, alias, lift_fresh) and conversions
 * (to, type_as, cpu, one_hot).
 *
 * tsjit runs on the CPU only: a Device argument must be "cpu" (or
 * "cpu:N"); a layout must be strided (0). The default dtype is float32.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_kernels.h"

#define DEFAULT_DTYPE RT_F32

/* ---- argument helpers ---- */

static int check_device(rt_ctx *c, rt_value v)
{
    if (v.kind == RT_NONE)
        return 0;
    if (v.kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected Device for argument 'device'");
    const char *s = rt_str_cstr(v);
    if (!strcmp(s, "cpu") || !strncmp(s, "cpu:", 4))
        return 0;
    return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED,
                      "tsjit runs on the CPU only; cannot use device '%s'", s);
}

static int check_layout(rt_ctx *c, rt_value v)
{
    if (v.kind == RT_NONE || (v.kind == RT_INT && v.u.i == 0))
        return 0;
    return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED, "only the strided layout is supported");
}

/* dtype (in[k]), layout, device, pin_memory (in[k..k+3]). */
static int tensor_options(rt_ctx *c, const rt_value *in, int k, rt_dtype dflt, rt_dtype *dt)
{
    if (rt_arg_dtype(c, in[k], dflt, dt) || check_layout(c, in[k + 1]) ||
        check_device(c, in[k + 2]))
        return -1;
    return 0;
}

static int size_arg(rt_ctx *c, rt_value v, int64_t *shape, int *n)
{
    char buf[256];
    if (rt_arg_intlist(c, v, "size", shape, RT_MAX_DIMS, 0, n))
        return -1;
    for (int i = 0; i < *n; i++)
        if (shape[i] < 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Trying to create tensor with negative dimension %lld: %s",
                              (long long)shape[i], rt_shape_str(*n, shape, buf, sizeof buf));
    return 0;
}

static bool is_scalar(rt_value v)
{
    return v.kind == RT_INT || v.kind == RT_FLOAT || v.kind == RT_BOOL;
}

/* dtype a Python scalar gets by itself: float -> default, int -> int64. */
static rt_dtype scalar_default_dtype(rt_value v)
{
    return v.kind == RT_FLOAT ? DEFAULT_DTYPE : v.kind == RT_BOOL ? RT_BOOL_ : RT_I64;
}

static void store_scalar(void *p, rt_dtype d, rt_value v)
{
    if (v.kind == RT_FLOAT)
        rt_store_f64(p, d, v.u.f);
    else if (v.kind == RT_BOOL)
        rt_store_i64(p, d, v.u.b);
    else
        rt_store_i64(p, d, v.u.i);
}

/* Fills a contiguous tensor with a scalar. */
static void fill(rt_tensor *t, rt_value v)
{
    int64_t n = rt_tensor_numel(t);
    if (!n)
        return;
    rt_dtype d = (rt_dtype)t->dtype;
    size_t es = rt_dtype_size(d);
    char *p = rt_tensor_data(t);
    store_scalar(p, d, v);
    if (d == RT_F32) {
        float f = *(float *)p, *q = (float *)p;
        for (int64_t i = 1; i < n; i++)
            q[i] = f;
        return;
    }
    int64_t done = 1;
    while (done < n) {
        int64_t k = done < n - done ? done : n - done;
        memcpy(p + done * (int64_t)es, p, (size_t)k * es);
        done += k;
    }
}

/* A new tensor of the given shape filled with v (or zeros when v is none,
 * or uninitialized-but-zeroed memory for empty). */
static int make_filled(rt_ctx *c, rt_dtype dt, int n, const int64_t *shape, rt_value v,
                       rt_value *out)
{
    rt_tensor *t = rt_tensor_new(dt, n, shape, c->err);
    if (!t)
        return -1;
    if (v.kind != RT_NONE)
        fill(t, v);
    rt_out_tensor(out, t);
    return 0;
}

/* ---- zeros, ones, full, empty ---- */

static int sized(rt_ctx *c, const rt_value *in, int opt, rt_value fillv, bool full,
                 rt_value *out)
{
    int64_t shape[RT_MAX_DIMS];
    int n;
    rt_dtype dt;
    if (size_arg(c, in[0], shape, &n))
        return -1;
    if (full && !is_scalar(fillv))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected Scalar for argument 'fill_value'");
    if (tensor_options(c, in, opt, full ? scalar_default_dtype(fillv) : DEFAULT_DTYPE, &dt))
        return -1;
    return make_filled(c, dt, n, shape, fillv, out);
}

int k_zeros(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return sized(c, in, 1, rt_none(), false, out);
}

int k_ones(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return sized(c, in, 1, rt_int(1), false, out);
}

int k_full(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return sized(c, in, 2, in[1], true, out);
}

int k_empty_memory_format(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return sized(c, in, 1, rt_none(), false, out);
}

/* _like: self, [fill], dtype, layout, device, pin_memory, memory_format */
static int like(rt_ctx *c, const rt_value *in, int opt, rt_value fillv, bool full, rt_value *out)
{
    rt_tensor *t;
    rt_dtype dt;
    if (rt_arg_tensor(c, in[0], "self", &t))
        return -1;
    if (full && !is_scalar(fillv))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected Scalar for argument 'fill_value'");
    if (tensor_options(c, in, opt, (rt_dtype)t->dtype, &dt))
        return -1;
    return make_filled(c, dt, t->ndim, t->shape, fillv, out);
}

int k_zeros_like(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return like(c, in, 1, rt_none(), false, out);
}

int k_ones_like(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return like(c, in, 1, rt_int(1), false, out);
}

int k_full_like(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return like(c, in, 2, in[1], true, out);
}

int k_empty_like(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return like(c, in, 1, rt_none(), false, out);
}

/* new_*: self, size, [fill], dtype, layout, device, pin_memory */
static int new_sized(rt_ctx *c, const rt_value *in, int opt, rt_value fillv, bool full,
                     rt_value *out)
{
    rt_tensor *t;
    rt_dtype dt;
    int64_t shape[RT_MAX_DIMS];
    int n;
    if (rt_arg_tensor(c, in[0], "self", &t) || size_arg(c, in[1], shape, &n))
        return -1;
    if (full && !is_scalar(fillv))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected Scalar for argument 'fill_value'");
    if (tensor_options(c, in, opt, (rt_dtype)t->dtype, &dt))
        return -1;
    return make_filled(c, dt, n, shape, fillv, out);
}

int k_new_zeros(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return new_sized(c, in, 2, rt_none(), false, out);
}

int k_new_ones(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return new_sized(c, in, 2, rt_int(1), false, out);
}

int k_new_full(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return new_sized(c, in, 3, in[2], true, out);
}

int k_new_empty(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return new_sized(c, in, 2, rt_none(), false, out);
}

/* ---- arange, eye, linspace ---- */

static int arange(rt_ctx *c, rt_value start, rt_value end, rt_value step, const rt_value *opts,
                  rt_value *out)
{
    if (!is_scalar(start) || !is_scalar(end) || !is_scalar(step))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "arange() expects Scalar arguments");
    bool any_float = start.kind == RT_FLOAT || end.kind == RT_FLOAT || step.kind == RT_FLOAT;
    rt_dtype dt;
    if (tensor_options(c, opts, 0, any_float ? DEFAULT_DTYPE : RT_I64, &dt))
        return -1;
    double ds, de, dst;
    rt_arg_double(c, start, "start", &ds);
    rt_arg_double(c, end, "end", &de);
    rt_arg_double(c, step, "step", &dst);
    bool integral = !rt_dtype_is_float(dt);
    int64_t is = 0, ie = 0, ist = 0;
    double size_d;
    if (integral) {
        /* accumulate type int64: scalars are truncated first */
        is = start.kind == RT_FLOAT ? (int64_t)ds : start.kind == RT_BOOL ? start.u.b : start.u.i;
        ie = end.kind == RT_FLOAT ? (int64_t)de : end.kind == RT_BOOL ? end.u.b : end.u.i;
        ist = step.kind == RT_FLOAT ? (int64_t)dst : step.kind == RT_BOOL ? step.u.b : step.u.i;
        if (ist == 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "step must be nonzero");
        size_d = ceil((double)(ie - is) / (double)ist);
        if (!((ist > 0 && ie >= is) || (ist < 0 && ie <= is)))
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "upper bound and larger bound inconsistent with step sign");
    } else {
        if (!(dst > 0 || dst < 0))
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "step must be nonzero");
        if (!isfinite(ds) || !isfinite(de))
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "unsupported range: %g -> %g", ds, de);
        if (!((dst > 0 && de >= ds) || (dst < 0 && de <= ds)))
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "upper bound and larger bound inconsistent with step sign");
        size_d = ceil((de - ds) / dst);
    }
    if (!(size_d >= 0 && size_d <= 9.2e18))
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "invalid size, possible overflow?");
    int64_t n = (int64_t)size_d;
    rt_tensor *t = rt_tensor_empty(dt, 1, &n, c->err);
    if (!t)
        return -1;
    char *p = rt_tensor_data(t);
    size_t es = rt_dtype_size(dt);
    if (dt == RT_I64) {
        int64_t *q = (int64_t *)p;
        for (int64_t i = 0; i < n; i++)
            q[i] = is + ist * i;
    } else if (dt == RT_F32) {
        float *q = (float *)p;
        for (int64_t i = 0; i < n; i++)
            q[i] = (float)(ds + dst * (double)i);
    } else {
        for (int64_t i = 0; i < n; i++) {
            if (integral)
                rt_store_i64(p + i * (int64_t)es, dt, is + ist * i);
            else
                rt_store_f64(p + i * (int64_t)es, dt, ds + dst * (double)i);
        }
    }
    rt_out_tensor(out, t);
    return 0;
}

int k_arange(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return arange(c, rt_int(0), in[0], rt_int(1), in + 1, out);
}

int k_arange_start(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return arange(c, in[0], in[1], rt_int(1), in + 2, out);
}

int k_arange_start_step(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return arange(c, in[0], in[1], in[2], in + 3, out);
}

static int eye(rt_ctx *c, int64_t n, int64_t m, const rt_value *opts, rt_value *out)
{
    rt_dtype dt;
    if (n < 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "n must be greater or equal to 0, got %lld",
                          (long long)n);
    if (m < 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "m must be greater or equal to 0, got %lld",
                          (long long)m);
    if (tensor_options(c, opts, 0, DEFAULT_DTYPE, &dt))
        return -1;
    int64_t shape[2] = {n, m};
    rt_tensor *t = rt_tensor_new(dt, 2, shape, c->err);
    if (!t)
        return -1;
    char *p = rt_tensor_data(t);
    size_t es = rt_dtype_size(dt);
    for (int64_t i = 0; i < n && i < m; i++)
        rt_store_i64(p + (i * m + i) * (int64_t)es, dt, 1);
    rt_out_tensor(out, t);
    return 0;
}

int k_eye(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    int64_t n;
    if (rt_arg_int(c, in[0], "n", &n))
        return -1;
    return eye(c, n, n, in + 1, out);
}

int k_eye_m(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    int64_t n, m;
    if (rt_arg_int(c, in[0], "n", &n) || rt_arg_int(c, in[1], "m", &m))
        return -1;
    return eye(c, n, m, in + 2, out);
}

int k_linspace(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    double s, e;
    int64_t steps;
    rt_dtype dt;
    if (rt_arg_double(c, in[0], "start", &s) || rt_arg_double(c, in[1], "end", &e) ||
        rt_arg_int(c, in[2], "steps", &steps) || tensor_options(c, in, 3, DEFAULT_DTYPE, &dt))
        return -1;
    if (steps < 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "number of steps must be non-negative");
    rt_tensor *t = rt_tensor_empty(dt, 1, &steps, c->err);
    if (!t)
        return -1;
    char *p = rt_tensor_data(t);
    size_t es = rt_dtype_size(dt);
    int64_t half = steps / 2;
    if (steps == 1) {
        rt_store_f64(p, dt, s);
    } else if (dt == RT_F32) {
        float fs = (float)s, fe = (float)e, step = (fe - fs) / (float)(steps - 1);
        float *q = (float *)p;
        for (int64_t i = 0; i < steps; i++)
            q[i] = i < half ? fs + step * (float)i : fe - step * (float)(steps - i - 1);
    } else if (rt_dtype_is_float(dt)) {
        double step = (e - s) / (double)(steps - 1);
        for (int64_t i = 0; i < steps; i++)
            rt_store_f64(p + i * (int64_t)es, dt,
                         i < half ? s + step * (double)i : e - step * (double)(steps - i - 1));
    } else {
        int64_t is = (int64_t)s, ie = (int64_t)e;
        double step = (double)(ie - is) / (double)(steps - 1);
        for (int64_t i = 0; i < steps; i++)
            rt_store_i64(p + i * (int64_t)es, dt,
                         (int64_t)(i < half ? (double)is + step * (double)i
                                            : (double)ie - step * (double)(steps - i - 1)));
    }
    rt_out_tensor(out, t);
    return 0;
}

/* ---- tensor, as_tensor, scalar_tensor ---- */

/* A 0-dim tensor from a Python scalar; dtype None infers (float -> default). */
static int from_scalar(rt_ctx *c, rt_value v, rt_value dtype, rt_value device, rt_value *out)
{
    rt_dtype dt;
    if (!is_scalar(v))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected a number for argument 't'");
    if (rt_arg_dtype(c, dtype, scalar_default_dtype(v), &dt) || check_device(c, device))
        return -1;
    rt_tensor *t = rt_tensor_empty(dt, 0, NULL, c->err);
    if (!t)
        return -1;
    store_scalar(rt_tensor_data(t), dt, v);
    rt_out_tensor(out, t);
    return 0;
}

/* Shape of a nested list (checked rectangular) and the kind of its leaves. */
static int list_shape(rt_ctx *c, rt_value v, int depth, int *nd, int64_t *shape, int *leaf)
{
    if (v.kind == RT_LIST || v.kind == RT_TUPLE) {
        rt_list *l = v.u.list;
        if (depth >= RT_MAX_DIMS)
            return rt_err_set(c->err, TSJ_ERR_LIMIT, "too many dimensions");
        if (depth == *nd) {
            shape[depth] = (int64_t)l->len;
            (*nd)++;
            if (l->len == 0)
                return 0;
            return list_shape(c, l->items[0], depth + 1, nd, shape, leaf);
        }
        return 0;
    }
    if (v.kind == RT_FLOAT)
        *leaf = *leaf > 2 ? *leaf : 2;
    else if (v.kind == RT_INT)
        *leaf = *leaf > 1 ? *leaf : 1;
    else if (v.kind == RT_BOOL)
        *leaf = *leaf > 0 ? *leaf : 0;
    else {
        char buf[64];
        return rt_err_set(c->err, TSJ_ERR_TYPE, "tensor(): unsupported element of type %s",
                          rt_value_type_str(v, buf, sizeof buf));
    }
    return 0;
}

/* Copies leaves in C order, checking every sublist's length. */
static int list_fill(rt_ctx *c, rt_value v, int depth, int nd, const int64_t *shape, char *p,
                     rt_dtype dt, int64_t *pos)
{
    if (depth == nd) {
        if (!is_scalar(v))
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "expected a number at dim %d", depth);
        store_scalar(p + *pos * (int64_t)rt_dtype_size(dt), dt, v);
        (*pos)++;
        return 0;
    }
    if (v.kind != RT_LIST && v.kind != RT_TUPLE)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "expected a sequence at dim %d", depth);
    rt_list *l = v.u.list;
    if ((int64_t)l->len != shape[depth])
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "expected sequence of length %lld at dim %d (got %zu)",
                          (long long)shape[depth], depth, l->len);
    for (size_t i = 0; i < l->len; i++)
        if (list_fill(c, l->items[i], depth + 1, nd, shape, p, dt, pos))
            return -1;
    return 0;
}

static int from_list(rt_ctx *c, rt_value data, rt_value dtype, rt_value device, rt_value *out)
{
    int nd = 0, leaf = -1;
    int64_t shape[RT_MAX_DIMS];
    if (data.kind != RT_LIST && data.kind != RT_TUPLE)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected a list for argument 'data'");
    if (list_shape(c, data, 0, &nd, shape, &leaf) || check_device(c, device))
        return -1;
    rt_dtype dflt = leaf == 2 || leaf < 0 ? DEFAULT_DTYPE : leaf == 1 ? RT_I64 : RT_BOOL_;
    rt_dtype dt;
    if (rt_arg_dtype(c, dtype, dflt, &dt))
        return -1;
    rt_tensor *t = rt_tensor_empty(dt, nd, shape, c->err);
    if (!t)
        return -1;
    int64_t pos = 0;
    if (list_fill(c, data, 0, nd, shape, rt_tensor_data(t), dt, &pos)) {
        rt_tensor_release(t);
        return -1;
    }
    rt_out_tensor(out, t);
    return 0;
}

int k_tensor_float(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return from_scalar(c, in[0], in[1], in[2], out);
}

int k_tensor_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return from_scalar(c, in[0], in[1], in[2], out);
}

int k_tensor_bool(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return from_scalar(c, in[0], in[1], in[2], out);
}

int k_tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return from_list(c, in[0], in[1], in[2], out);
}

int k_as_tensor_float(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return from_scalar(c, in[0], in[1], in[2], out);
}

int k_as_tensor_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return from_scalar(c, in[0], in[1], in[2], out);
}

int k_as_tensor_bool(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return from_scalar(c, in[0], in[1], in[2], out);
}

int k_as_tensor_list(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return from_list(c, in[0], in[1], in[2], out);
}

/* Converts self to dt: self itself when nothing changes and !copy. */
static int convert(rt_ctx *c, rt_value self, rt_dtype dt, bool copy, rt_value *out)
{
    rt_tensor *t = self.u.tensor;
    if (dt == (rt_dtype)t->dtype && !copy) {
        *out = rt_value_retain(self);
        return 0;
    }
    rt_tensor *r = rt_tensor_to_dtype(t, dt, c->err);
    if (!r)
        return -1;
    rt_out_tensor(out, r);
    return 0;
}

int k_as_tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    rt_dtype dt;
    if (rt_arg_tensor(c, in[0], "data", &t) ||
        rt_arg_dtype(c, in[1], (rt_dtype)t->dtype, &dt) || check_device(c, in[2]))
        return -1;
    return convert(c, in[0], dt, false, out);
}

int k_scalar_tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_dtype dt;
    if (!is_scalar(in[0]))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected Scalar for argument 's'");
    if (tensor_options(c, in, 1, DEFAULT_DTYPE, &dt))
        return -1;
    rt_tensor *t = rt_tensor_empty(dt, 0, NULL, c->err);
    if (!t)
        return -1;
    store_scalar(rt_tensor_data(t), dt, in[0]);
    rt_out_tensor(out, t);
    return 0;
}

/* ---- clone, detach, alias, lift_fresh ---- */

static int same_view(rt_ctx *c, const rt_value *in, rt_value *out)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "self", &t))
        return -1;
    rt_tensor *v = rt_tensor_view(t->storage, (rt_dtype)t->dtype, t->ndim, t->shape, t->strides,
                                  t->offset, c->err);
    if (!v)
        return -1;
    rt_out_tensor(out, v);
    return 0;
}

int k_detach(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return same_view(c, in, out);
}

int k_alias(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return same_view(c, in, out);
}

int k_lift_fresh(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "self", &t))
        return -1;
    *out = rt_value_retain(in[0]);
    return 0;
}

int k_clone(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "self", &t))
        return -1;
    rt_tensor *r = rt_tensor_clone(t, c->err);
    if (!r)
        return -1;
    rt_out_tensor(out, r);
    return 0;
}

/* ---- to, type_as, cpu ---- */

int k_to_device(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    rt_dtype dt;
    bool nb, copy;
    if (rt_arg_tensor(c, in[0], "self", &t) || check_device(c, in[1]) ||
        rt_arg_dtype(c, in[2], (rt_dtype)t->dtype, &dt) ||
        rt_arg_bool(c, in[3], "non_blocking", &nb) || rt_arg_bool(c, in[4], "copy", &copy))
        return -1;
    return convert(c, in[0], dt, copy, out);
}

int k_to_dtype(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    rt_dtype dt;
    bool nb, copy;
    if (rt_arg_tensor(c, in[0], "self", &t) || rt_arg_dtype(c, in[1], (rt_dtype)t->dtype, &dt) ||
        rt_arg_bool(c, in[2], "non_blocking", &nb) || rt_arg_bool(c, in[3], "copy", &copy))
        return -1;
    return convert(c, in[0], dt, copy, out);
}

int k_to_other(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t, *o;
    bool nb, copy;
    if (rt_arg_tensor(c, in[0], "self", &t) || rt_arg_tensor(c, in[1], "other", &o) ||
        rt_arg_bool(c, in[2], "non_blocking", &nb) || rt_arg_bool(c, in[3], "copy", &copy))
        return -1;
    return convert(c, in[0], (rt_dtype)o->dtype, copy, out);
}

int k_to_dtype_layout(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    rt_dtype dt;
    bool nb, copy;
    if (rt_arg_tensor(c, in[0], "self", &t) ||
        tensor_options(c, in, 1, (rt_dtype)t->dtype, &dt) ||
        rt_arg_bool(c, in[5], "non_blocking", &nb) || rt_arg_bool(c, in[6], "copy", &copy))
        return -1;
    return convert(c, in[0], dt, copy, out);
}

int k_to_prim_Device(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    rt_dtype dt;
    bool nb, copy;
    if (rt_arg_tensor(c, in[0], "self", &t) || check_device(c, in[1]) ||
        rt_arg_dtype(c, in[2], (rt_dtype)t->dtype, &dt) ||
        rt_arg_bool(c, in[3], "non_blocking", &nb) || rt_arg_bool(c, in[4], "copy", &copy))
        return -1;
    return convert(c, in[0], dt, copy, out);
}

int k_to_prim_dtype(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    rt_dtype dt;
    bool nb, copy;
    if (rt_arg_tensor(c, in[0], "self", &t) || rt_arg_dtype(c, in[1], (rt_dtype)t->dtype, &dt) ||
        rt_arg_bool(c, in[2], "non_blocking", &nb) || rt_arg_bool(c, in[3], "copy", &copy))
        return -1;
    return convert(c, in[0], dt, copy, out);
}

int k_to_prim_other(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    bool nb, copy;
    if (rt_arg_tensor(c, in[0], "self", &t) || rt_arg_bool(c, in[1], "non_blocking", &nb) ||
        rt_arg_bool(c, in[2], "copy", &copy))
        return -1;
    return convert(c, in[0], (rt_dtype)t->dtype, copy, out);
}

int k_type_as(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t, *o;
    if (rt_arg_tensor(c, in[0], "self", &t) || rt_arg_tensor(c, in[1], "other", &o))
        return -1;
    return convert(c, in[0], (rt_dtype)o->dtype, false, out);
}

int k_cpu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "self", &t))
        return -1;
    *out = rt_value_retain(in[0]);
    return 0;
}

/* ---- one_hot ---- */

int k_one_hot(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t nc;
    if (rt_arg_tensor(c, in[0], "self", &t) || rt_arg_int(c, in[1], "num_classes", &nc))
        return -1;
    if (t->dtype != RT_I64)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "one_hot is only applicable to index tensor.");
    if (t->ndim >= RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "too many dimensions");
    int64_t n = rt_tensor_numel(t);
    if (n == 0 && nc == -1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Can not infer total number of classes from empty tensor.");
    const int64_t *p = rt_tensor_data(t);
    int64_t mn = INT64_MAX, mx = INT64_MIN;
    rt_iter it;
    rt_iter_init(&it, t->ndim, t->shape, t->strides);
    for (int64_t k = 0; k < n; k++, rt_iter_next(&it)) {
        int64_t v = p[it.off];
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
    }
    if (n > 0) {
        if (mn < 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "Class values must be non-negative.");
        if (nc == -1)
            nc = mx + 1;
        else if (mx >= nc)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Class values must be smaller than num_classes.");
    }
    if (nc < 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Trying to create tensor with negative dimension %lld", (long long)nc);
    int64_t shape[RT_MAX_DIMS];
    memcpy(shape, t->shape, sizeof(int64_t) * (size_t)t->ndim);
    shape[t->ndim] = nc;
    rt_tensor *r = rt_tensor_new(RT_I64, t->ndim + 1, shape, c->err);
    if (!r)
        return -1;
    int64_t *q = rt_tensor_data(r);
    rt_iter_init(&it, t->ndim, t->shape, t->strides);
    for (int64_t k = 0; k < n; k++, rt_iter_next(&it))
        q[k * nc + p[it.off]] = 1;
    rt_out_tensor(out, r);
    return 0;
}
