/*
 * k_reduce_dim.c — operators along one dim: max/min with indices,
 * argmax/argmin, cumsum, softmax/log_softmax, sort/argsort, topk.
 *
 * The input is brought to a contiguous tensor in its compute type and seen
 * as [outer, D, inner] around the dim; element (o, j, i) sits at
 * (o * D + j) * inner + i. Softmax over the last dim (inner == 1) of
 * float32 data runs a tight row loop.
 */
/* Kernel loops are written for the auto-vectorizer: -O2's "very cheap" cost
 * model would leave them scalar, and trapping math blocks if-conversion of
 * the selects in rt_vexpf (nothing here reads FP exception flags). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math")
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_broadcast.h"
#include "rt_kernels.h"


typedef struct slices {
    rt_tensor *src; /* contiguous, compute dtype (owned) */
    int64_t outer, D, inner;
    int dim;        /* normalized; 0 for a 0-dim input */
} slices;

static int slices_prepare(rt_ctx *c, rt_tensor *x, int64_t dim, rt_dtype ct, slices *s)
{
    int64_t d;
    if (rt_arg_dim(c, dim, x->ndim, &d))
        return -1;
    s->dim = (int)d;
    s->outer = s->inner = 1;
    s->D = x->ndim ? x->shape[d] : 1;
    for (int i = 0; i < x->ndim; i++) {
        if (i < d)
            s->outer *= x->shape[i];
        else if (i > d)
            s->inner *= x->shape[i];
    }
    if (x->dtype == ct && rt_tensor_is_contiguous(x)) {
        rt_tensor_retain(x);
        s->src = x;
        return 0;
    }
    s->src = rt_tensor_to_dtype(x, ct, c->err);
    return s->src ? 0 : -1;
}

/* The shape of x reduced over dim (kept as 1 with keepdim). */
static int reduced_shape(const rt_tensor *x, int dim, bool keepdim, int64_t *shape)
{
    int n = 0;
    for (int i = 0; i < x->ndim; i++) {
        if (i != dim)
            shape[n++] = x->shape[i];
        else if (keepdim)
            shape[n++] = 1;
    }
    return n;
}

static inline double ld(const void *base, rt_dtype d, int64_t k)
{
    return d == RT_F32 ? ((const float *)base)[k] : ((const double *)base)[k];
}

/* ---- max/min over a dim with indices; argmax/argmin ---- */

/* Index of the extreme of slice (o, i): first occurrence; a NaN wins. */
static int64_t arg_extreme(const slices *s, int64_t o, int64_t i, bool want_max)
{
    const void *base = rt_tensor_data(s->src);
    rt_dtype d = (rt_dtype)s->src->dtype;
    int64_t k0 = o * s->D * s->inner + i, best = 0;
    if (d == RT_I64) {
        const int64_t *x = base;
        int64_t m = x[k0];
        for (int64_t j = 1; j < s->D; j++) {
            int64_t v = x[k0 + j * s->inner];
            if (want_max ? v > m : v < m)
                m = v, best = j;
        }
        return best;
    }
    double m = ld(base, d, k0);
    if (m != m)
        return 0;
    for (int64_t j = 1; j < s->D; j++) {
        double v = ld(base, d, k0 + j * s->inner);
        if (v != v)
            return j;
        if (want_max ? v > m : v < m)
            m = v, best = j;
    }
    return best;
}

static int check_nonempty_dim(rt_ctx *c, const rt_tensor *x, const slices *s, const char *name)
{
    if (s->D == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "%s(): Expected reduction dim %d to have non-zero size.", name, s->dim);
    (void)x;
    return 0;
}

static int max_min_dim(rt_ctx *c, const rt_value *in, bool want_max, rt_value *out)
{
    rt_tensor *x;
    int64_t dim;
    bool keep;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    slices s;
    if (slices_prepare(c, x, dim, rt_ew_compute_type(d), &s))
        return -1;
    const char *name = want_max ? "max" : "min";
    int64_t shape[RT_MAX_DIMS];
    int nd = reduced_shape(x, s.dim, keep, shape);
    rt_tensor *vals = NULL, *idx = NULL;
    if (check_nonempty_dim(c, x, &s, name) || !(vals = rt_tensor_empty(d, nd, shape, c->err)) ||
        !(idx = rt_tensor_empty(RT_I64, nd, shape, c->err))) {
        rt_tensor_release(s.src);
        rt_tensor_release(vals);
        return -1;
    }
    char *pv = rt_tensor_data(vals);
    int64_t *pi = rt_tensor_data(idx);
    size_t es = rt_dtype_size(d), ses = rt_dtype_size((rt_dtype)s.src->dtype);
    const char *src = rt_tensor_data(s.src);
    for (int64_t o = 0; o < s.outer; o++)
        for (int64_t i = 0; i < s.inner; i++) {
            int64_t j = arg_extreme(&s, o, i, want_max), k = o * s.inner + i;
            const char *e = src + ((o * s.D + j) * s.inner + i) * (int64_t)ses;
            if (s.src->dtype == RT_I64)
                rt_store_i64(pv + k * (int64_t)es, d, *(const int64_t *)e);
            else
                rt_store_f64(pv + k * (int64_t)es, d, rt_load_f64(e, (rt_dtype)s.src->dtype));
            pi[k] = j;
        }
    rt_tensor_release(s.src);
    rt_out_tensor(&out[0], vals);
    rt_out_tensor(&out[1], idx);
    return 0;
}
int k_max_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return max_min_dim(c, in, true, out);
}
int k_min_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return max_min_dim(c, in, false, out);
}

static int argmax_min(rt_ctx *c, const rt_value *in, bool want_max, rt_value *out)
{
    rt_tensor *x;
    int64_t dim;
    bool has_dim, keep;
    if (rt_arg_tensor(c, in[0], "self", &x) ||
        rt_arg_opt_int(c, in[1], "dim", &dim, &has_dim) || rt_arg_bool(c, in[2], "keepdim", &keep))
        return -1;
    const char *name = want_max ? "argmax" : "argmin";
    rt_tensor *flat = NULL;
    int64_t shape[RT_MAX_DIMS];
    int nd;
    if (!has_dim) {
        int64_t n = rt_tensor_numel(x);
        if (n == 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "%s(): Expected reduction dim to be specified for input.numel() "
                              "== 0.",
                              name);
        rt_tensor *ct = rt_tensor_contiguous(x, c->err);
        if (!ct)
            return -1;
        flat = rt_tensor_view(ct->storage, (rt_dtype)ct->dtype, 1, &n, (int64_t[]){1}, ct->offset,
                              c->err);
        rt_tensor_release(ct);
        if (!flat)
            return -1;
        nd = keep ? x->ndim : 0;
        for (int i = 0; i < nd; i++)
            shape[i] = 1;
        dim = 0;
    }
    rt_tensor *t = flat ? flat : x;
    slices s;
    if (slices_prepare(c, t, dim, rt_ew_compute_type((rt_dtype)x->dtype), &s)) {
        rt_tensor_release(flat);
        return -1;
    }
    if (!flat)
        nd = reduced_shape(x, s.dim, keep, shape);
    rt_tensor *idx = NULL;
    if (!check_nonempty_dim(c, t, &s, name) && (idx = rt_tensor_empty(RT_I64, nd, shape, c->err))) {
        int64_t *pi = rt_tensor_data(idx);
        for (int64_t o = 0; o < s.outer; o++)
            for (int64_t i = 0; i < s.inner; i++)
                pi[o * s.inner + i] = arg_extreme(&s, o, i, want_max);
    }
    rt_tensor_release(s.src);
    rt_tensor_release(flat);
    if (!idx)
        return -1;
    rt_out_tensor(out, idx);
    return 0;
}
int k_argmax(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return argmax_min(c, in, true, out);
}
int k_argmin(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return argmax_min(c, in, false, out);
}

/* ---- cumsum ---- */

int k_cumsum(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    int64_t dim;
    rt_dtype od;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_dtype(c, in[2], RT_DTYPE_INVALID, &od))
        return -1;
    if (od == RT_DTYPE_INVALID)
        od = rt_dtype_is_float((rt_dtype)x->dtype) ? (rt_dtype)x->dtype : RT_I64;
    rt_dtype ct = rt_ew_compute_type(od);
    slices s;
    if (slices_prepare(c, x, dim, ct, &s))
        return -1;
    rt_tensor *res = rt_tensor_empty(ct, x->ndim, x->shape, c->err);
    if (res) {
        for (int64_t o = 0; o < s.outer; o++)
            for (int64_t i = 0; i < s.inner; i++) {
                int64_t k0 = o * s.D * s.inner + i;
                if (ct == RT_I64) {
                    const int64_t *a = rt_tensor_data(s.src);
                    int64_t *r = rt_tensor_data(res);
                    uint64_t acc = 0;
                    for (int64_t j = 0; j < s.D; j++) {
                        acc += (uint64_t)a[k0 + j * s.inner];
                        r[k0 + j * s.inner] = (int64_t)acc;
                    }
                } else {
                    double acc = 0;
                    for (int64_t j = 0; j < s.D; j++) {
                        acc += ld(rt_tensor_data(s.src), ct, k0 + j * s.inner);
                        rt_store_f64((char *)rt_tensor_data(res) +
                                         (k0 + j * s.inner) * (int64_t)rt_dtype_size(ct),
                                     ct, acc);
                    }
                }
            }
    }
    rt_tensor_release(s.src);
    if (!res)
        return -1;
    return rt_ew_finish(c, res, od, NULL, out);
}

/* ---- softmax / log_softmax ---- */

/* Max and sum over a float32 row in 8 independent lanes (so they
 * vectorize without reassociation flags); NaN propagates through max. */
static float row_max_f32(const float *x, int64_t n)
{
    float m[8];
    for (int l = 0; l < 8; l++)
        m[l] = -INFINITY;
    int64_t j = 0;
    for (; j + 8 <= n; j += 8)
        for (int l = 0; l < 8; l++)
            m[l] = (x[j + l] > m[l] || x[j + l] != x[j + l]) ? x[j + l] : m[l];
    for (; j < n; j++)
        m[0] = (x[j] > m[0] || x[j] != x[j]) ? x[j] : m[0];
    float r = m[0];
    for (int l = 1; l < 8; l++)
        r = (m[l] > r || m[l] != m[l]) ? m[l] : r;
    return r;
}
static float row_sum_f32(const float *x, int64_t n)
{
    float s[8] = {0};
    int64_t j = 0;
    for (; j + 8 <= n; j += 8)
        for (int l = 0; l < 8; l++)
            s[l] += x[j + l];
    for (; j < n; j++)
        s[0] += x[j];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* y = softmax(x) or log_softmax(x) over one contiguous float32 row. */
static void softmax_row_f32(const float *x, float *y, int64_t n, bool logsm)
{
    float m = row_max_f32(x, n);
    if (m == -INFINITY)
        m = 0; /* an all -inf row gives NaN like PyTorch, without inf - inf */
    for (int64_t j = 0; j < n; j++)
        y[j] = rt_vexpf(x[j] - m);
    float sum = row_sum_f32(y, n);
    if (logsm) {
        float lse = m + logf(sum);
        for (int64_t j = 0; j < n; j++)
            y[j] = x[j] - lse;
    } else {
        float inv = 1.0f / sum;
        for (int64_t j = 0; j < n; j++)
            y[j] *= inv;
    }
}

static int softmax_impl(rt_ctx *c, rt_tensor *x, int64_t dim, rt_dtype od, bool logsm,
                        rt_value *out)
{
    if (!rt_dtype_is_float(od))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for '%s'",
                          logsm ? "log_softmax_lastdim_kernel_impl" : "softmax_kernel_impl",
                          rt_dtype_aten_name(od));
    rt_dtype ct = rt_ew_compute_type(od);
    slices s;
    if (slices_prepare(c, x, dim, ct, &s))
        return -1;
    rt_tensor *res = rt_tensor_empty(ct, x->ndim, x->shape, c->err);
    if (res) {
        if (ct == RT_F32 && s.inner == 1) {
            const float *a = rt_tensor_data(s.src);
            float *r = rt_tensor_data(res);
            for (int64_t o = 0; o < s.outer; o++)
                softmax_row_f32(a + o * s.D, r + o * s.D, s.D, logsm);
        } else {
            const void *a = rt_tensor_data(s.src);
            char *r = rt_tensor_data(res);
            size_t es = rt_dtype_size(ct);
            for (int64_t o = 0; o < s.outer; o++)
                for (int64_t i = 0; i < s.inner; i++) {
                    int64_t k0 = o * s.D * s.inner + i;
                    double m = -INFINITY, sum = 0;
                    for (int64_t j = 0; j < s.D; j++) {
                        double v = ld(a, ct, k0 + j * s.inner);
                        m = v > m || v != v ? v : m;
                    }
                    for (int64_t j = 0; j < s.D; j++)
                        sum += exp(ld(a, ct, k0 + j * s.inner) - m);
                    for (int64_t j = 0; j < s.D; j++) {
                        double v = ld(a, ct, k0 + j * s.inner) - m;
                        rt_store_f64(r + (k0 + j * s.inner) * (int64_t)es, ct,
                                     logsm ? v - log(sum) : exp(v) / sum);
                    }
                }
        }
    }
    rt_tensor_release(s.src);
    if (!res)
        return -1;
    return rt_ew_finish(c, res, od, NULL, out);
}

static int softmax_int(rt_ctx *c, const rt_value *in, bool logsm, rt_value *out)
{
    rt_tensor *x;
    int64_t dim;
    rt_dtype od;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_dtype(c, in[2], (rt_dtype)x->dtype, &od))
        return -1;
    return softmax_impl(c, x, dim, od, logsm, out);
}
int k_softmax_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return softmax_int(c, in, false, out);
}
int k_log_softmax_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return softmax_int(c, in, true, out);
}
static int softmax_half(rt_ctx *c, const rt_value *in, bool logsm, rt_value *out)
{
    rt_tensor *x;
    int64_t dim;
    bool h2f;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_bool(c, in[2], "half_to_float", &h2f))
        return -1;
    rt_dtype od = (rt_dtype)x->dtype;
    if (h2f && od == RT_F16)
        od = RT_F32;
    return softmax_impl(c, x, dim, od, logsm, out);
}
int k__softmax(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return softmax_half(c, in, false, out);
}
int k__log_softmax(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return softmax_half(c, in, true, out);
}

/* ---- sort / argsort / topk ---- */

/* Sort keys: NaN is greater than everything (PyTorch's order). */
typedef struct skey {
    double f;
    int64_t i;
    int64_t idx;
} skey;

static bool key_less(const skey *a, const skey *b, bool is_int)
{
    if (is_int)
        return a->i < b->i;
    if (a->f != a->f)
        return false;
    if (b->f != b->f)
        return true;
    return a->f < b->f;
}

/* Stable merge sort of n keys (tmp has room for n). */
static void merge_sort(skey *k, skey *tmp, int64_t n, bool is_int, bool desc)
{
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t a = lo, b = mid, t = lo;
            while (a < mid && b < hi) {
                /* take from the right only when strictly before the left */
                bool right = desc ? key_less(&k[a], &k[b], is_int) : key_less(&k[b], &k[a], is_int);
                tmp[t++] = right ? k[b++] : k[a++];
            }
            while (a < mid)
                tmp[t++] = k[a++];
            while (b < hi)
                tmp[t++] = k[b++];
        }
        memcpy(k, tmp, sizeof(skey) * (size_t)n);
    }
}

/* Sorts every slice along dim; writes the first `k` of each (values in x's
 * dtype, indices int64). want_vals / want_idx select the outputs. */
static int sort_impl(rt_ctx *c, rt_tensor *x, int64_t dim, bool desc, int64_t k,
                     bool want_vals, rt_value *vals_out, rt_value *idx_out)
{
    rt_dtype d = (rt_dtype)x->dtype, ct = rt_ew_compute_type(d);
    slices s;
    if (slices_prepare(c, x, dim, ct, &s))
        return -1;
    if (k < 0)
        k = s.D;
    int64_t shape[RT_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++)
        shape[i] = i == s.dim ? k : x->shape[i];
    rt_tensor *vals = NULL, *idx = NULL;
    skey *keys = malloc(sizeof(skey) * (size_t)(2 * s.D + 1));
    if (!keys) {
        rt_tensor_release(s.src);
        return rt_err_nomem(c->err);
    }
    if ((want_vals && !(vals = rt_tensor_empty(d, x->ndim, shape, c->err))) ||
        !(idx = rt_tensor_empty(RT_I64, x->ndim, shape, c->err))) {
        free(keys);
        rt_tensor_release(s.src);
        rt_tensor_release(vals);
        return -1;
    }
    bool is_int = ct == RT_I64;
    const void *a = rt_tensor_data(s.src);
    int64_t *pi = rt_tensor_data(idx);
    char *pv = vals ? rt_tensor_data(vals) : NULL;
    size_t es = rt_dtype_size(d);
    for (int64_t o = 0; o < s.outer; o++)
        for (int64_t i = 0; i < s.inner; i++) {
            int64_t k0 = o * s.D * s.inner + i;
            for (int64_t j = 0; j < s.D; j++) {
                int64_t e = k0 + j * s.inner;
                keys[j].idx = j;
                if (is_int)
                    keys[j].i = ((const int64_t *)a)[e];
                else
                    keys[j].f = ld(a, ct, e);
            }
            merge_sort(keys, keys + s.D, s.D, is_int, desc);
            int64_t ko = o * k * s.inner + i;
            for (int64_t j = 0; j < k; j++) {
                int64_t e = ko + j * s.inner;
                pi[e] = keys[j].idx;
                if (pv) {
                    if (is_int)
                        rt_store_i64(pv + e * (int64_t)es, d, keys[j].i);
                    else
                        rt_store_f64(pv + e * (int64_t)es, d, keys[j].f);
                }
            }
        }
    free(keys);
    rt_tensor_release(s.src);
    if (vals)
        rt_out_tensor(vals_out, vals);
    rt_out_tensor(idx_out, idx);
    return 0;
}

int k_sort(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    int64_t dim;
    bool desc;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_bool(c, in[2], "descending", &desc))
        return -1;
    return sort_impl(c, x, dim, desc, -1, true, &out[0], &out[1]);
}
/* sort.stable(self, *, stable?, dim, descending) — every sort here is stable */
int k_sort_stable(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    int64_t dim;
    bool desc;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[2], "dim", &dim) ||
        rt_arg_bool(c, in[3], "descending", &desc))
        return -1;
    return sort_impl(c, x, dim, desc, -1, true, &out[0], &out[1]);
}
int k_argsort(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    int64_t dim;
    bool desc;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_bool(c, in[2], "descending", &desc))
        return -1;
    return sort_impl(c, x, dim, desc, -1, false, NULL, out);
}
int k_argsort_stable(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    int64_t dim;
    bool desc;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[2], "dim", &dim) ||
        rt_arg_bool(c, in[3], "descending", &desc))
        return -1;
    return sort_impl(c, x, dim, desc, -1, false, NULL, out);
}

/* topk(self, k, dim, largest, sorted): results are always sorted. */
int k_topk(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    int64_t k, dim, d;
    bool largest, sorted;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "k", &k) ||
        rt_arg_int(c, in[2], "dim", &dim) || rt_arg_bool(c, in[3], "largest", &largest) ||
        rt_arg_bool(c, in[4], "sorted", &sorted) || rt_arg_dim(c, dim, x->ndim, &d))
        return -1;
    int64_t size = x->ndim ? x->shape[d] : 1;
    if (k < 0 || k > size)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "selected index k out of range");
    return sort_impl(c, x, dim, largest, k, true, &out[0], &out[1]);
}
