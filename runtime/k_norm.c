/*
 * k_norm.c — normalization: batch_norm, instance_norm, layer_norm,
 * native_layer_norm, group_norm.
 *
 * All of them reduce to one pattern on contiguous data viewed as
 * [outer, C, inner]: statistics (mean, biased variance, accumulated in
 * double) over some set of rows, then y = x * scale + shift per row with
 * scale/shift folded from the statistics and the affine parameters, in a
 * loop the compiler vectorizes.
 *
 * batch_norm in training mode (or without running stats) uses batch
 * statistics and, when running stats are given, updates them in place
 * with `momentum` (unbiased variance), as PyTorch does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_gemm.h"
#include "rt_kernels.h"

/* Hot loops get an AVX2 clone picked at load time (the build targets the
 * baseline ISA). */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__has_attribute) && !defined(__SANITIZE_THREAD__)
#if __has_attribute(target_clones)
#define RT_NORM_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef RT_NORM_CLONES
#define RT_NORM_CLONES
#endif

static int norm_dtype(rt_ctx *c, const rt_tensor *x, const char *impl)
{
    if (x->dtype == RT_F32 || x->dtype == RT_F64)
        return 0;
    return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for '%s'", impl,
                      rt_gemm_type_name((rt_dtype)x->dtype));
}

/* A parameter tensor (weight, bias, stats) must have x's dtype. */
static int param_dtype(rt_ctx *c, const rt_tensor *x, const rt_tensor *p)
{
    if (!p || p->dtype == x->dtype)
        return 0;
    return rt_err_set(c->err, TSJ_ERR_TYPE,
                      "mixed dtype (CPU): expect parameter to have scalar type of %s",
                      rt_gemm_type_name((rt_dtype)x->dtype));
}

/* A 1-D parameter as contiguous doubles (NULL in -> *out NULL). */
static int param_f64(rt_ctx *c, const rt_tensor *p, double **out)
{
    *out = NULL;
    if (!p)
        return 0;
    int64_t n = rt_tensor_numel(p);
    double *buf = malloc((size_t)(n ? n : 1) * sizeof *buf);
    if (!buf)
        return rt_err_nomem(c->err);
    rt_iter it;
    rt_iter_init(&it, p->ndim, p->shape, p->strides);
    size_t es = rt_dtype_size((rt_dtype)p->dtype);
    const char *base = rt_tensor_data(p);
    for (int64_t i = 0; i < n; i++) {
        buf[i] = rt_load_f64(base + it.off * (int64_t)es, (rt_dtype)p->dtype);
        rt_iter_next(&it);
    }
    *out = buf;
    return 0;
}

/* Mean and biased variance of a strided set of rows: `rows` rows of
 * `len` elements, row r starting at r * rstride. Two-pass in double. */
#define STATS_IMPL(T, SFX)                                                                      \
    RT_NORM_CLONES static void stats_##SFX(const T *x, int64_t rows, int64_t rstride,         \
                                           int64_t len, double *mean, double *var)             \
    {                                                                                           \
        int64_t n = rows * len;                                                                 \
        if (n == 0) {                                                                           \
            *mean = NAN;                                                                        \
            *var = NAN;                                                                         \
            return;                                                                             \
        }                                                                                       \
        double s = 0;                                                                           \
        for (int64_t r = 0; r < rows; r++) {                                                    \
            const T *p = x + r * rstride;                                                       \
            for (int64_t i = 0; i < len; i++)                                                   \
                s += p[i];                                                                      \
        }                                                                                       \
        double m = s / (double)n, q = 0;                                                        \
        for (int64_t r = 0; r < rows; r++) {                                                    \
            const T *p = x + r * rstride;                                                       \
            for (int64_t i = 0; i < len; i++) {                                                 \
                double d = p[i] - m;                                                            \
                q += d * d;                                                                     \
            }                                                                                   \
        }                                                                                       \
        *mean = m;                                                                              \
        *var = q / (double)n;                                                                   \
    }                                                                                           \
    /* y[i] = x[i] * a + b over one row. */                                                     \
    RT_NORM_CLONES static void affine_##SFX(const T *restrict x, T *restrict y, int64_t len,    \
                                            double a, double b)                                 \
    {                                                                                           \
        T fa = (T)a, fb = (T)b;                                                                 \
        for (int64_t i = 0; i < len; i++)                                                       \
            y[i] = x[i] * fa + fb;                                                              \
    }

STATS_IMPL(float, f32)
STATS_IMPL(double, f64)

static void stats_any(rt_dtype d, const void *x, int64_t rows, int64_t rstride, int64_t len,
                      double *mean, double *var)
{
    if (d == RT_F32)
        stats_f32(x, rows, rstride, len, mean, var);
    else
        stats_f64(x, rows, rstride, len, mean, var);
}

static void affine_any(rt_dtype d, const void *x, void *y, int64_t off, int64_t len, double a,
                       double b)
{
    if (d == RT_F32)
        affine_f32((const float *)x + off, (float *)y + off, len, a, b);
    else
        affine_f64((const double *)x + off, (double *)y + off, len, a, b);
}

/* Stores a double into element i of a 1-D (strided) tensor. */
static void param_store(rt_tensor *p, int64_t i, double v)
{
    char *base = rt_tensor_data(p);
    rt_store_f64(base + i * p->strides[0] * (int64_t)rt_dtype_size((rt_dtype)p->dtype),
                 (rt_dtype)p->dtype, v);
}

/* ---- batch_norm / instance_norm ---- */

static int count_check(rt_ctx *c, const rt_tensor *p, const char *what, int64_t want,
                       int64_t have_mult)
{
    if (p && rt_tensor_numel(p) * have_mult != want)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "%s should contain %lld elements not %lld",
                          what, (long long)want, (long long)(rt_tensor_numel(p) * have_mult));
    return 0;
}

/* x viewed as [N, C, S]. When `per_instance`, statistics are per (n, c)
 * (instance_norm), else per channel (batch_norm). */
static int bn_common(rt_ctx *c, rt_tensor *x, rt_tensor *w, rt_tensor *b, rt_tensor *rm,
                     rt_tensor *rv, bool use_batch, double momentum, double eps,
                     bool per_instance, rt_value *out)
{
    if (x->ndim < 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "batch_norm: expected an input with at least 2 dims, got %d", x->ndim);
    int64_t N = x->shape[0], C = x->shape[1], S = 1;
    for (int i = 2; i < x->ndim; i++)
        S *= x->shape[i];
    int64_t mult = per_instance ? N : 1, want = per_instance ? N * C : C;
    if (count_check(c, rm, "running_mean", want, mult) ||
        count_check(c, rv, "running_var", want, mult) ||
        count_check(c, w, "weight", want, mult) || count_check(c, b, "bias", want, mult) ||
        norm_dtype(c, x, "batch_norm") || param_dtype(c, x, w) || param_dtype(c, x, b) ||
        param_dtype(c, x, rm) || param_dtype(c, x, rv))
        return -1;
    if (!use_batch && (!rm || !rv))
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "running_mean and running_var must be defined in evaluation mode");
    rt_dtype d = (rt_dtype)x->dtype;
    double *pw = NULL, *pb = NULL, *pm = NULL, *pv = NULL, *scale = NULL;
    rt_tensor *xc = NULL, *y = NULL;
    if (param_f64(c, w, &pw) || param_f64(c, b, &pb) || param_f64(c, rm, &pm) ||
        param_f64(c, rv, &pv))
        goto fail;
    if (!(xc = rt_tensor_contiguous(x, c->err)) ||
        !(y = rt_tensor_empty(d, x->ndim, x->shape, c->err)))
        goto fail;
    const char *xp = rt_tensor_data(xc);
    size_t es = rt_dtype_size(d);
    if (!use_batch) {
        /* eval: fold running stats into one scale/shift per channel */
        for (int64_t ch = 0; ch < C; ch++) {
            double a = 1.0 / sqrt(pv[ch] + eps);
            if (pw)
                a *= pw[ch];
            double sh = (pb ? pb[ch] : 0) - pm[ch] * a;
            for (int64_t n = 0; n < N; n++)
                affine_any(d, xp, rt_tensor_data(y), (n * C + ch) * S, S, a, sh);
        }
    } else {
        int64_t groups = per_instance ? N * C : C;
        if (!(scale = calloc((size_t)(groups ? groups : 1), 2 * sizeof *scale))) {
            rt_err_nomem(c->err);
            goto fail;
        }
        for (int64_t gidx = 0; gidx < groups; gidx++) {
            int64_t ch = gidx % C, n0 = per_instance ? gidx / C : 0;
            int64_t rows = per_instance ? 1 : N;
            double mean, var;
            stats_any(d, xp + (size_t)((n0 * C + ch) * S) * es, rows, C * S, S, &mean, &var);
            scale[2 * gidx] = mean;
            scale[2 * gidx + 1] = var;
            double a = 1.0 / sqrt(var + eps);
            if (pw)
                a *= pw[ch];
            double sh = (pb ? pb[ch] : 0) - mean * a;
            for (int64_t r = 0; r < rows; r++)
                affine_any(d, xp, rt_tensor_data(y), ((n0 + r) * C + ch) * S, S, a, sh);
        }
        /* running stats: new = (1 - momentum) * old + momentum * batch (unbiased var);
         * per instance, averaged over the batch */
        int64_t cnt = per_instance ? S : N * S;
        for (int64_t ch = 0; ch < C && rm && rv && cnt > 0; ch++) {
            double m = 0, v = 0;
            for (int64_t k = 0; k < mult; k++) {
                int64_t gi = per_instance ? k * C + ch : ch;
                m += scale[2 * gi];
                v += scale[2 * gi + 1] * (cnt > 1 ? (double)cnt / (double)(cnt - 1) : INFINITY);
            }
            m /= (double)mult;
            v /= (double)mult;
            param_store(rm, ch, (1 - momentum) * pm[ch] + momentum * m);
            param_store(rv, ch, (1 - momentum) * pv[ch] + momentum * v);
        }
    }
    free(pw);
    free(pb);
    free(pm);
    free(pv);
    free(scale);
    rt_tensor_release(xc);
    rt_out_tensor(out, y);
    return 0;
fail:
    free(pw);
    free(pb);
    free(pm);
    free(pv);
    free(scale);
    rt_tensor_release(xc);
    rt_tensor_release(y);
    return -1;
}

/* A 1-D running-stat tensor must be addressable by param_store. */
static int stat_1d(rt_ctx *c, rt_tensor *t)
{
    if (!t || t->ndim == 1)
        return 0;
    return rt_err_set(c->err, TSJ_ERR_SHAPE, "running statistics must be 1-D tensors");
}

int k_batch_norm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x, *w, *b, *rm, *rv;
    bool training;
    double momentum, eps;
    if (rt_arg_tensor(c, in[0], "input", &x) || rt_arg_opt_tensor(c, in[1], "weight", &w) ||
        rt_arg_opt_tensor(c, in[2], "bias", &b) ||
        rt_arg_opt_tensor(c, in[3], "running_mean", &rm) ||
        rt_arg_opt_tensor(c, in[4], "running_var", &rv) ||
        rt_arg_bool(c, in[5], "training", &training) ||
        rt_arg_double(c, in[6], "momentum", &momentum) || rt_arg_double(c, in[7], "eps", &eps))
        return -1;
    if (training && (stat_1d(c, rm) || stat_1d(c, rv)))
        return -1;
    return bn_common(c, x, w, b, rm, rv, training, momentum, eps, false, out);
}

int k_instance_norm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x, *w, *b, *rm, *rv;
    bool use_input_stats;
    double momentum, eps;
    if (rt_arg_tensor(c, in[0], "input", &x) || rt_arg_opt_tensor(c, in[1], "weight", &w) ||
        rt_arg_opt_tensor(c, in[2], "bias", &b) ||
        rt_arg_opt_tensor(c, in[3], "running_mean", &rm) ||
        rt_arg_opt_tensor(c, in[4], "running_var", &rv) ||
        rt_arg_bool(c, in[5], "use_input_stats", &use_input_stats) ||
        rt_arg_double(c, in[6], "momentum", &momentum) || rt_arg_double(c, in[7], "eps", &eps))
        return -1;
    if (use_input_stats && (stat_1d(c, rm) || stat_1d(c, rv)))
        return -1;
    return bn_common(c, x, w, b, rm, rv, use_input_stats, momentum, eps, true, out);
}

/* ---- layer_norm ---- */

/* Normalizes the last `nn` dims; optional mean/rstd outputs of shape
 * x.shape[:-nn] + [1] * nn. */
static int ln_common(rt_ctx *c, const rt_value *in, bool native, rt_value *out)
{
    rt_tensor *x, *w, *b;
    int64_t ns[RT_MAX_DIMS];
    int nn;
    double eps;
    char b1[128], b2[128];
    if (rt_arg_tensor(c, in[0], "input", &x) ||
        rt_arg_intlist(c, in[1], "normalized_shape", ns, RT_MAX_DIMS, 0, &nn) ||
        rt_arg_opt_tensor(c, in[2], "weight", &w) || rt_arg_opt_tensor(c, in[3], "bias", &b) ||
        rt_arg_double(c, in[4], "eps", &eps))
        return -1;
    if (nn < 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected normalized_shape to be at least 1-dimensional, i.e., "
                          "containing at least one element, but got normalized_shape = []");
    bool fits = x->ndim >= nn;
    for (int i = 0; fits && i < nn; i++)
        fits = x->shape[x->ndim - nn + i] == ns[i];
    if (!fits) {
        char b3[160];
        int k = snprintf(b3, sizeof b3, "[*");
        for (int i = 0; i < nn && k < (int)sizeof b3; i++)
            k += snprintf(b3 + k, sizeof b3 - (size_t)k, ", %lld", (long long)ns[i]);
        if (k < (int)sizeof b3)
            snprintf(b3 + k, sizeof b3 - (size_t)k, "]");
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Given normalized_shape=%s, expected input with shape %s, but got "
                          "input of size%s",
                          rt_shape_str(nn, ns, b1, sizeof b1), b3,
                          rt_shape_str(x->ndim, x->shape, b2, sizeof b2));
    }
    rt_tensor *pr[2] = {w, b};
    const char *pn[2] = {"weight", "bias"};
    for (int k = 0; k < 2; k++) {
        if (!pr[k])
            continue;
        bool same = pr[k]->ndim == nn;
        for (int i = 0; same && i < nn; i++)
            same = pr[k]->shape[i] == ns[i];
        if (!same)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Expected %s to be of same shape as normalized_shape, but got %s "
                              "of shape %s and normalized_shape = %s",
                              pn[k], pn[k], rt_shape_str(pr[k]->ndim, pr[k]->shape, b1, sizeof b1),
                              rt_shape_str(nn, ns, b2, sizeof b2));
    }
    if (norm_dtype(c, x, "LayerNormKernelImpl") || param_dtype(c, x, w) || param_dtype(c, x, b))
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    int64_t L = 1, M = 1;
    for (int i = 0; i < nn; i++)
        L *= ns[i];
    for (int i = 0; i < x->ndim - nn; i++)
        M *= x->shape[i];
    int64_t sshape[RT_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++)
        sshape[i] = i < x->ndim - nn ? x->shape[i] : 1;
    rt_tensor *xc = NULL, *y = NULL, *tm = NULL, *tr = NULL, *wc = NULL, *bc = NULL;
    if (!(xc = rt_tensor_contiguous(x, c->err)) ||
        !(y = rt_tensor_empty(d, x->ndim, x->shape, c->err)) ||
        (w && !(wc = rt_tensor_contiguous(w, c->err))) ||
        (b && !(bc = rt_tensor_contiguous(b, c->err))) ||
        (native && (!(tm = rt_tensor_empty(d, x->ndim, sshape, c->err)) ||
                    !(tr = rt_tensor_empty(d, x->ndim, sshape, c->err)))))
        goto fail;
    for (int64_t r = 0; r < M; r++) {
        double mean, var;
        if (d == RT_F32) {
            const float *xr = (const float *)rt_tensor_data(xc) + r * L;
            float *yr = (float *)rt_tensor_data(y) + r * L;
            stats_f32(xr, 1, L, L, &mean, &var);
            float rs = (float)(1.0 / sqrt(var + eps)), fm = (float)mean;
            const float *pw = wc ? rt_tensor_data(wc) : NULL, *pb = bc ? rt_tensor_data(bc) : NULL;
            if (pw && pb)
                for (int64_t i = 0; i < L; i++)
                    yr[i] = (xr[i] - fm) * rs * pw[i] + pb[i];
            else
                for (int64_t i = 0; i < L; i++)
                    yr[i] = (xr[i] - fm) * rs * (pw ? pw[i] : 1.0f) + (pb ? pb[i] : 0.0f);
            if (native) {
                ((float *)rt_tensor_data(tm))[r] = (float)mean;
                ((float *)rt_tensor_data(tr))[r] = rs;
            }
        } else {
            const double *xr = (const double *)rt_tensor_data(xc) + r * L;
            double *yr = (double *)rt_tensor_data(y) + r * L;
            stats_f64(xr, 1, L, L, &mean, &var);
            double rs = 1.0 / sqrt(var + eps);
            const double *pw = wc ? rt_tensor_data(wc) : NULL, *pb = bc ? rt_tensor_data(bc) : NULL;
            for (int64_t i = 0; i < L; i++)
                yr[i] = (xr[i] - mean) * rs * (pw ? pw[i] : 1.0) + (pb ? pb[i] : 0.0);
            if (native) {
                ((double *)rt_tensor_data(tm))[r] = mean;
                ((double *)rt_tensor_data(tr))[r] = rs;
            }
        }
    }
    rt_tensor_release(xc);
    rt_tensor_release(wc);
    rt_tensor_release(bc);
    rt_out_tensor(&out[0], y);
    if (native) {
        rt_out_tensor(&out[1], tm);
        rt_out_tensor(&out[2], tr);
    }
    return 0;
fail:
    rt_tensor_release(xc);
    rt_tensor_release(y);
    rt_tensor_release(wc);
    rt_tensor_release(bc);
    rt_tensor_release(tm);
    rt_tensor_release(tr);
    return -1;
}

int k_layer_norm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return ln_common(c, in, false, out);
}

int k_native_layer_norm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return ln_common(c, in, true, out);
}

/* ---- group_norm ---- */

int k_group_norm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x, *w, *b;
    int64_t G;
    double eps;
    char b1[128], b2[128];
    if (rt_arg_tensor(c, in[0], "input", &x) || rt_arg_int(c, in[1], "num_groups", &G) ||
        rt_arg_opt_tensor(c, in[2], "weight", &w) || rt_arg_opt_tensor(c, in[3], "bias", &b) ||
        rt_arg_double(c, in[4], "eps", &eps))
        return -1;
    if (x->ndim < 2)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "Dimension out of range (expected to be in range of [-1, 0], but got "
                          "1)");
    int64_t N = x->shape[0], C = x->shape[1], S = 1;
    for (int i = 2; i < x->ndim; i++)
        S *= x->shape[i];
    if (G <= 0 || C % G)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected number of channels in input to be divisible by num_groups, "
                          "but got input of shape %s and num_groups=%lld",
                          rt_shape_str(x->ndim, x->shape, b1, sizeof b1), (long long)G);
    rt_tensor *pr[2] = {w, b};
    const char *pn[2] = {"weight", "bias"};
    for (int k = 0; k < 2; k++)
        if (pr[k] && (pr[k]->ndim != 1 || pr[k]->shape[0] != C))
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Expected %s to be a vector of size equal to the number of "
                              "channels in input, but got %s of shape %s and input of shape %s",
                              pn[k], pn[k], rt_shape_str(pr[k]->ndim, pr[k]->shape, b1, sizeof b1),
                              rt_shape_str(x->ndim, x->shape, b2, sizeof b2));
    if (norm_dtype(c, x, "GroupNormKernelImpl") || param_dtype(c, x, w) || param_dtype(c, x, b))
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    double *pw = NULL, *pb = NULL;
    rt_tensor *xc = NULL, *y = NULL;
    if (param_f64(c, w, &pw) || param_f64(c, b, &pb) ||
        !(xc = rt_tensor_contiguous(x, c->err)) ||
        !(y = rt_tensor_empty(d, x->ndim, x->shape, c->err)))
        goto fail;
    const char *xp = rt_tensor_data(xc);
    size_t es = rt_dtype_size(d);
    int64_t Cg = C / G;
    for (int64_t n = 0; n < N; n++)
        for (int64_t g = 0; g < G; g++) {
            int64_t base = (n * C + g * Cg) * S;
            double mean, var;
            stats_any(d, xp + (size_t)base * es, 1, Cg * S, Cg * S, &mean, &var);
            double rs = 1.0 / sqrt(var + eps);
            for (int64_t k = 0; k < Cg; k++) {
                int64_t ch = g * Cg + k;
                double a = rs * (pw ? pw[ch] : 1.0);
                double sh = (pb ? pb[ch] : 0.0) - mean * a;
                affine_any(d, xp, rt_tensor_data(y), base + k * S, S, a, sh);
            }
        }
    free(pw);
    free(pb);
    rt_tensor_release(xc);
    rt_out_tensor(out, y);
    return 0;
fail:
    free(pw);
    free(pb);
    rt_tensor_release(xc);
    rt_tensor_release(y);
    return -1;
}
