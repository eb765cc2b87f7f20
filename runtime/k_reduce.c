/*
 * k_reduce.c — reductions over one or several dims: sum, mean, prod,
 * max/min/amax/amin, var/std, norm, logsumexp, all/any.
 *
 * A reduction permutes the reduced dims to the end and brings the input to
 * a contiguous [outer, inner] block in its compute type (no copy when it
 * already is one, e.g. a reduction over trailing dims of a contiguous
 * tensor); each output element is then a loop over one contiguous row.
 * Floating inputs accumulate in double; integer sums/products are exact in
 * int64 (wrapping like PyTorch); max/min propagate NaN.
 */
/* Kernel loops are written for the auto-vectorizer: -O2's "very cheap" cost
 * model would leave them scalar, and trapping math blocks if-conversion of
 * the selects in rt_vexpf (nothing here reads FP exception flags). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math")
#endif

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rt_broadcast.h"
#include "rt_kernels.h"


typedef struct red {
    rt_tensor *src;  /* contiguous [outer, inner], compute dtype (owned) */
    int64_t outer, inner;
    int ond;         /* output geometry */
    int64_t oshape[RT_MAX_DIMS];
} red;

/* Reads `dim` (None / int / int list; None or [] = every dim) into rmask. */
static int red_dims(rt_ctx *c, rt_value dimv, int ndim, bool *rmask)
{
    int64_t dims[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < RT_MAX_DIMS; i++)
        rmask[i] = false;
    if (dimv.kind != RT_NONE && rt_arg_intlist(c, dimv, "dim", dims, RT_MAX_DIMS, 1, &n))
        return -1;
    if (n == 0) {
        for (int i = 0; i < ndim; i++)
            rmask[i] = true;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        int64_t d;
        if (rt_arg_dim(c, dims[i], ndim, &d))
            return -1;
        if (ndim == 0)
            continue;
        if (rmask[d])
            return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                              "dim %lld appears multiple times in the list of dims", (long long)d);
        rmask[d] = true;
    }
    return 0;
}

/* x reduced over rmask: builds r->src of dtype ct and the output shape. */
static int red_prepare(rt_ctx *c, rt_tensor *x, const bool *rmask, bool keepdim, rt_dtype ct,
                       red *r)
{
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int n = 0;
    r->outer = r->inner = 1;
    r->ond = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < x->ndim; i++)
            if (rmask[i] == (pass == 1)) {
                shape[n] = x->shape[i];
                strides[n++] = x->strides[i];
                if (pass)
                    r->inner *= x->shape[i];
                else
                    r->outer *= x->shape[i];
            }
    for (int i = 0; i < x->ndim; i++) {
        if (!rmask[i])
            r->oshape[r->ond++] = x->shape[i];
        else if (keepdim)
            r->oshape[r->ond++] = 1;
    }
    rt_tensor *v = rt_tensor_view(x->storage, (rt_dtype)x->dtype, n, shape, strides, x->offset,
                                  c->err);
    if (!v)
        return -1;
    if (v->dtype == ct && rt_tensor_is_contiguous(v)) {
        r->src = v;
        return 0;
    }
    r->src = rt_tensor_to_dtype(v, ct, c->err);
    rt_tensor_release(v);
    return r->src ? 0 : -1;
}

/* The compute dtype for loops over dtype d: float32, float64 or int64. */
static rt_dtype red_ct(rt_dtype d) { return rt_ew_compute_type(d); }

static int float_only(rt_ctx *c, rt_dtype d, const char *msg)
{
    if (rt_dtype_is_float(d))
        return 0;
    return rt_err_set(c->err, TSJ_ERR_TYPE, "%s", msg);
}

/* ---- row kernels: a float row (f32 or f64) accumulated in double ---- */

typedef enum { R_SUM, R_PROD, R_MAX, R_MIN, R_SUMSQ, R_SUMABS, R_MAXABS, R_MINABS, R_NNZ,
               R_SUMPOW, R_LSE } rkind;

#define FROW(T)                                                                      \
    static double frow_##T(const T *x, int64_t n, rkind k, double p)                 \
    {                                                                                \
        double acc;                                                                  \
        switch (k) {                                                                 \
        case R_SUM: {                                                                \
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                   \
            int64_t i = 0;                                                           \
            for (; i + 4 <= n; i += 4) {                                             \
                s0 += x[i], s1 += x[i + 1], s2 += x[i + 2], s3 += x[i + 3];          \
            }                                                                        \
            for (; i < n; i++)                                                       \
                s0 += x[i];                                                          \
            return (s0 + s1) + (s2 + s3);                                            \
        }                                                                            \
        case R_PROD:                                                                 \
            acc = 1;                                                                 \
            for (int64_t i = 0; i < n; i++)                                          \
                acc *= x[i];                                                         \
            return acc;                                                              \
        case R_MAX:                                                                  \
        case R_MIN: {                                                                \
            T m = x[0];                                                              \
            for (int64_t i = 1; i < n; i++) {                                        \
                T v = x[i];                                                          \
                if (v != v)                                                          \
                    return v;                                                        \
                if (k == R_MAX ? v > m : v < m)                                      \
                    m = v;                                                           \
            }                                                                        \
            return m;                                                                \
        }                                                                            \
        case R_SUMSQ:                                                                \
            acc = 0;                                                                 \
            for (int64_t i = 0; i < n; i++)                                          \
                acc += (double)x[i] * x[i];                                          \
            return acc;                                                              \
        case R_SUMABS:                                                               \
            acc = 0;                                                                 \
            for (int64_t i = 0; i < n; i++)                                          \
                acc += fabs((double)x[i]);                                           \
            return acc;                                                              \
        case R_MAXABS:                                                               \
        case R_MINABS:                                                               \
            acc = k == R_MAXABS ? 0 : INFINITY;                                      \
            for (int64_t i = 0; i < n; i++) {                                        \
                double v = fabs((double)x[i]);                                       \
                if (v != v)                                                          \
                    return v;                                                        \
                acc = k == R_MAXABS ? (v > acc ? v : acc) : (v < acc ? v : acc);     \
            }                                                                        \
            return acc;                                                              \
        case R_NNZ:                                                                  \
            acc = 0;                                                                 \
            for (int64_t i = 0; i < n; i++)                                          \
                acc += x[i] != 0;                                                    \
            return acc;                                                              \
        case R_SUMPOW:                                                               \
            acc = 0;                                                                 \
            for (int64_t i = 0; i < n; i++)                                          \
                acc += pow(fabs((double)x[i]), p);                                   \
            return acc;                                                              \
        case R_LSE: {                                                                \
            if (n == 0)                                                              \
                return -INFINITY;                                                    \
            double m = frow_##T(x, n, R_MAX, 0);                                     \
            if (isinf(m))                                                            \
                m = 0;                                                               \
            if (m != m)                                                              \
                return m;                                                            \
            acc = 0;                                                                 \
            for (int64_t i = 0; i < n; i++)                                          \
                acc += exp((double)x[i] - m);                                        \
            return log(acc) + m;                                                     \
        }                                                                            \
        }                                                                            \
        return 0;                                                                    \
    }
FROW(float)
FROW(double)

static double frow(const rt_tensor *src, int64_t o, int64_t n, rkind k, double p)
{
    if (src->dtype == RT_F32)
        return frow_float((const float *)rt_tensor_data(src) + o * n, n, k, p);
    return frow_double((const double *)rt_tensor_data(src) + o * n, n, k, p);
}

static int64_t irow(const int64_t *x, int64_t n, rkind k)
{
    uint64_t acc;
    switch (k) {
    case R_SUM:
        acc = 0;
        for (int64_t i = 0; i < n; i++)
            acc += (uint64_t)x[i];
        return (int64_t)acc;
    case R_PROD:
        acc = 1;
        for (int64_t i = 0; i < n; i++)
            acc *= (uint64_t)x[i];
        return (int64_t)acc;
    case R_MAX:
    case R_MIN: {
        int64_t m = x[0];
        for (int64_t i = 1; i < n; i++)
            if (k == R_MAX ? x[i] > m : x[i] < m)
                m = x[i];
        return m;
    }
    default: return 0;
    }
}

/* Runs a row reduction of kind k over r into a new tensor of dtype od. */
static rt_tensor *red_run(rt_ctx *c, red *r, rkind k, double p, rt_dtype od)
{
    rt_tensor *out = rt_tensor_empty(od, r->ond, r->oshape, c->err);
    if (!out)
        return NULL;
    char *po = rt_tensor_data(out);
    size_t es = rt_dtype_size(od);
    if (r->src->dtype == RT_I64) {
        const int64_t *base = rt_tensor_data(r->src);
        for (int64_t o = 0; o < r->outer; o++)
            rt_store_i64(po + o * es, od, irow(base + o * r->inner, r->inner, k));
    } else if (od == RT_F32 && k == R_SUM && r->src->dtype == RT_F32) {
        float *fo = (float *)po;
        for (int64_t o = 0; o < r->outer; o++)
            fo[o] = (float)frow(r->src, o, r->inner, k, p);
    } else {
        for (int64_t o = 0; o < r->outer; o++)
            rt_store_f64(po + o * es, od, frow(r->src, o, r->inner, k, p));
    }
    return out;
}

/* The common driver: x over dimv, result dtype od, computing in ct. */
static int reduce(rt_ctx *c, rt_tensor *x, rt_value dimv, bool keepdim, rkind k, double p,
                  rt_dtype ct, rt_dtype od, const char *name, rt_value *out)
{
    bool rmask[RT_MAX_DIMS];
    if (red_dims(c, dimv, x->ndim, rmask))
        return -1;
    if (k == R_MAX || k == R_MIN) {
        bool full = dimv.kind == RT_NONE ||
                    ((dimv.kind == RT_LIST || dimv.kind == RT_TUPLE) && dimv.u.list->len == 0);
        if (rt_tensor_numel(x) == 0) {
            if (full)
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "%s(): Expected reduction dim to be specified for "
                                  "input.numel() == 0. Specify the reduction dim with the 'dim' "
                                  "argument.",
                                  name);
            for (int i = 0; i < x->ndim; i++)
                if (rmask[i] && x->shape[i] == 0)
                    return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                      "%s(): Expected reduction dim %d to have non-zero size.",
                                      name, i);
        }
    }
    red r;
    if (red_prepare(c, x, rmask, keepdim, ct, &r))
        return -1;
    rt_tensor *t = red_run(c, &r, k, p, od);
    rt_tensor_release(r.src);
    if (!t)
        return -1;
    rt_out_tensor(out, t);
    return 0;
}

static rt_dtype sum_dtype(rt_dtype d) { return rt_dtype_is_float(d) ? d : RT_I64; }

/* sum(self, dim?, keepdim, dtype?) and sum(self, dtype?) */
static int sum_like(rt_ctx *c, const rt_value *in, rt_value dimv, bool keepdim, rt_value dtv,
                    rkind k, rt_value *out)
{
    rt_tensor *x;
    rt_dtype od;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_dtype(c, dtv, RT_DTYPE_INVALID, &od))
        return -1;
    if (od == RT_DTYPE_INVALID)
        od = sum_dtype((rt_dtype)x->dtype);
    return reduce(c, x, dimv, keepdim, k, 0, red_ct(od), od, "sum", out);
}

int k_sum(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return sum_like(c, in, rt_none(), false, in[1], R_SUM, out);
}
int k_sum_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool keep;
    if (rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    return sum_like(c, in, in[1], keep, in[3], R_SUM, out);
}
int k_prod(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return sum_like(c, in, rt_none(), false, in[1], R_PROD, out);
}
int k_prod_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool keep;
    if (rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    return sum_like(c, in, in[1], keep, in[3], R_PROD, out);
}

static int mean_like(rt_ctx *c, const rt_value *in, rt_value dimv, bool keepdim, rt_value dtv,
                     rt_value *out)
{
    rt_tensor *x;
    rt_dtype od;
    if (rt_arg_tensor(c, in[0], "self", &x) ||
        rt_arg_dtype(c, dtv, (rt_dtype)x->dtype, &od))
        return -1;
    if (!rt_dtype_is_float(od))
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "mean(): could not infer output dtype. Input dtype must be either a "
                          "floating point or complex dtype. Got: %s",
                          rt_dtype_aten_name(od));
    bool rmask[RT_MAX_DIMS];
    red r;
    if (red_dims(c, dimv, x->ndim, rmask) || red_prepare(c, x, rmask, keepdim, red_ct(od), &r))
        return -1;
    rt_tensor *t = rt_tensor_empty(od, r.ond, r.oshape, c->err);
    if (t) {
        char *po = rt_tensor_data(t);
        size_t es = rt_dtype_size(od);
        for (int64_t o = 0; o < r.outer; o++)
            rt_store_f64(po + o * es, od, frow(r.src, o, r.inner, R_SUM, 0) / (double)r.inner);
    }
    rt_tensor_release(r.src);
    if (!t)
        return -1;
    rt_out_tensor(out, t);
    return 0;
}
int k_mean(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return mean_like(c, in, rt_none(), false, in[1], out);
}
int k_mean_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool keep;
    if (rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    return mean_like(c, in, in[1], keep, in[3], out);
}

/* max()/min() full, amax/amin(dim list) */
static int extreme(rt_ctx *c, const rt_value *in, rt_value dimv, bool keepdim, rkind k,
                   const char *name, rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    return reduce(c, x, dimv, keepdim, k, 0, red_ct(d), d, name, out);
}
int k_max(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return extreme(c, in, rt_none(), false, R_MAX, "max", out);
}
int k_min(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return extreme(c, in, rt_none(), false, R_MIN, "min", out);
}
int k_amax(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool keep;
    if (rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    return extreme(c, in, in[1], keep, R_MAX, "amax", out);
}
int k_amin(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool keep;
    if (rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    return extreme(c, in, in[1], keep, R_MIN, "amin", out);
}

/* var/std: two passes in double; divisor max(0, N - correction). */
static int var_like(rt_ctx *c, rt_tensor *x, rt_value dimv, double correction, bool keepdim,
                    bool take_sqrt, rt_value *out)
{
    rt_dtype d = (rt_dtype)x->dtype;
    if (float_only(c, d, "std and var only support floating point and complex dtypes"))
        return -1;
    bool rmask[RT_MAX_DIMS];
    red r;
    if (red_dims(c, dimv, x->ndim, rmask) || red_prepare(c, x, rmask, keepdim, red_ct(d), &r))
        return -1;
    rt_tensor *t = rt_tensor_empty(d, r.ond, r.oshape, c->err);
    if (t) {
        char *po = rt_tensor_data(t);
        size_t es = rt_dtype_size(d);
        int64_t n = r.inner;
        double div = (double)n - correction;
        if (div < 0)
            div = 0;
        for (int64_t o = 0; o < r.outer; o++) {
            double mean = frow(r.src, o, n, R_SUM, 0) / (double)n, ss = 0;
            for (int64_t i = 0; i < n; i++) {
                double v = (r.src->dtype == RT_F32
                                ? ((const float *)rt_tensor_data(r.src))[o * n + i]
                                : ((const double *)rt_tensor_data(r.src))[o * n + i]) -
                           mean;
                ss += v * v;
            }
            double var = ss / div;
            rt_store_f64(po + o * es, d, take_sqrt ? sqrt(var) : var);
        }
    }
    rt_tensor_release(r.src);
    if (!t)
        return -1;
    rt_out_tensor(out, t);
    return 0;
}
static int var_args(rt_ctx *c, const rt_value *in, int nin, int form, bool take_sqrt,
                    rt_value *out)
{
    rt_tensor *x;
    bool unbiased = true, keep = false;
    double corr = 1;
    rt_value dimv = rt_none();
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    if (form == 0) { /* (self, unbiased) */
        if (rt_arg_bool(c, in[1], "unbiased", &unbiased))
            return -1;
        corr = unbiased;
    } else if (form == 1) { /* (self, dim, unbiased, keepdim) */
        dimv = in[1];
        if (rt_arg_bool(c, in[2], "unbiased", &unbiased) || rt_arg_bool(c, in[3], "keepdim", &keep))
            return -1;
        corr = unbiased;
    } else { /* (self, dim, *, correction?, keepdim) */
        dimv = in[1];
        int64_t ci;
        bool present;
        if (rt_arg_opt_int(c, in[2], "correction", &ci, &present) ||
            rt_arg_bool(c, in[3], "keepdim", &keep))
            return -1;
        corr = present ? (double)ci : 1;
    }
    return var_like(c, x, dimv, corr, keep, take_sqrt, out);
}
int k_var(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return var_args(c, in, nin, 0, false, out);
}
int k_var_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return var_args(c, in, nin, 1, false, out);
}
int k_var_correction(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return var_args(c, in, nin, 2, false, out);
}
int k_std(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return var_args(c, in, nin, 0, true, out);
}
int k_std_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return var_args(c, in, nin, 1, true, out);
}
int k_std_correction(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return var_args(c, in, nin, 2, true, out);
}

/* norm(self, p?, dim, keepdim, dtype) */
static int norm_like(rt_ctx *c, rt_tensor *x, rt_value pv, rt_value dimv, bool keepdim,
                     rt_value dtv, rt_value *out)
{
    double p = 2;
    if (pv.kind != RT_NONE && rt_arg_double(c, pv, "p", &p))
        return -1;
    rt_dtype od;
    if (rt_arg_dtype(c, dtv, (rt_dtype)x->dtype, &od))
        return -1;
    if (!rt_dtype_is_float(od) || !rt_dtype_is_float((rt_dtype)x->dtype))
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "linalg.vector_norm: Expected a floating point or complex tensor as "
                          "input. Got %s",
                          rt_dtype_aten_name((rt_dtype)x->dtype));
    bool rmask[RT_MAX_DIMS];
    red r;
    if (red_dims(c, dimv, x->ndim, rmask) || red_prepare(c, x, rmask, keepdim, red_ct(od), &r))
        return -1;
    rt_tensor *t = rt_tensor_empty(od, r.ond, r.oshape, c->err);
    if (t) {
        char *po = rt_tensor_data(t);
        size_t es = rt_dtype_size(od);
        for (int64_t o = 0; o < r.outer; o++) {
            double v;
            if (p == 2)
                v = sqrt(frow(r.src, o, r.inner, R_SUMSQ, 0));
            else if (p == 1)
                v = frow(r.src, o, r.inner, R_SUMABS, 0);
            else if (isinf(p))
                v = frow(r.src, o, r.inner, p > 0 ? R_MAXABS : R_MINABS, 0);
            else if (p == 0)
                v = frow(r.src, o, r.inner, R_NNZ, 0);
            else
                v = pow(frow(r.src, o, r.inner, R_SUMPOW, p), 1.0 / p);
            rt_store_f64(po + o * es, od, v);
        }
    }
    rt_tensor_release(r.src);
    if (!t)
        return -1;
    rt_out_tensor(out, t);
    return 0;
}
int k_norm_Scalar(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    return norm_like(c, x, in[1], rt_none(), false, rt_none(), out);
}
int k_norm_ScalarOpt_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    bool keep;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_bool(c, in[3], "keepdim", &keep))
        return -1;
    return norm_like(c, x, in[1], in[2], keep, nin > 4 ? in[4] : rt_none(), out);
}
int k_norm_ScalarOpt_dtype(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    return norm_like(c, x, in[1], rt_none(), false, in[2], out);
}

int k_logsumexp(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    bool keep;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    rt_dtype od = rt_dtype_is_float((rt_dtype)x->dtype) ? (rt_dtype)x->dtype : RT_F32;
    return reduce(c, x, in[1], keep, R_LSE, 0, red_ct(od), od, "logsumexp", out);
}

/* all/any: bool result (uint8 for uint8 input). */
static int all_any(rt_ctx *c, const rt_value *in, rt_value dimv, bool keepdim, bool all,
                   rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    rt_dtype od = x->dtype == RT_U8 ? RT_U8 : RT_BOOL_;
    bool rmask[RT_MAX_DIMS];
    red r;
    if (red_dims(c, dimv, x->ndim, rmask) || red_prepare(c, x, rmask, keepdim, RT_BOOL_, &r))
        return -1;
    rt_tensor *t = rt_tensor_empty(od, r.ond, r.oshape, c->err);
    if (t) {
        uint8_t *po = rt_tensor_data(t);
        const uint8_t *s = rt_tensor_data(r.src);
        for (int64_t o = 0; o < r.outer; o++) {
            uint8_t v = all;
            const uint8_t *row = s + o * r.inner;
            for (int64_t i = 0; i < r.inner; i++)
                if (row[i] != all) {
                    v = !all;
                    break;
                }
            po[o] = v;
        }
    }
    rt_tensor_release(r.src);
    if (!t)
        return -1;
    rt_out_tensor(out, t);
    return 0;
}
int k_all(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return all_any(c, in, rt_none(), false, true, out);
}
int k_any(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return all_any(c, in, rt_none(), false, false, out);
}
int k_all_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool keep;
    if (rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    return all_any(c, in, in[1], keep, true, out);
}
int k_any_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool keep;
    if (rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    return all_any(c, in, in[1], keep, false, out);
}
