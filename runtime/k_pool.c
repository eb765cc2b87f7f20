/*
 * k_pool.c — pooling: max_pool1d/2d (+ max_pool2d_with_indices),
 * avg_pool1d/2d, adaptive_avg_pool1d/2d, adaptive_max_pool1d/2d.
 *
 * Every variant runs on contiguous planes [P, H, W] (P = batch x
 * channels; 1-D pooling is 2-D with H = 1). Max pooling propagates NaN and
 * reports indices as flat positions within the input plane (ih * W + iw),
 * as PyTorch does. Output sizes follow PyTorch's pooling_output_shape
 * (ceil_mode drops a last window that would start in the right padding).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rt_gemm.h"
#include "rt_kernels.h"

/* Window geometry of one call (2-D; h entries are trivial for 1-D). */
typedef struct poolp {
    int nsp;
    int64_t P, H, W, OH, OW;
    int64_t kh, kw, sh, sw, ph, pw, dh, dw;
} poolp;

/* ---- arguments ---- */

/* int[N] parameter with PyTorch's "single int or tuple" rule; an empty
 * list gives n = 0. */
static int pool_param(rt_ctx *c, rt_value v, const char *op, const char *what, int nsp,
                      bool allow_empty, int64_t *out, int *n)
{
    int64_t tmp[RT_MAX_DIMS];
    int cnt;
    if (rt_arg_intlist(c, v, what, tmp, RT_MAX_DIMS, nsp, &cnt))
        return -1;
    if (cnt == 0 && allow_empty) {
        *n = 0;
        return 0;
    }
    if (cnt != 1 && cnt != nsp) {
        if (nsp == 1)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "%s: %s must be a single int", op, what);
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "%s: %s must either be a single int, or a tuple of two ints", op,
                          what);
    }
    for (int i = 0; i < nsp; i++)
        out[i] = cnt == 1 ? tmp[0] : tmp[i];
    *n = nsp;
    return 0;
}

static int64_t out_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil,
                        bool ceil_mode)
{
    int64_t num = in + 2 * pad - dil * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0);
    int64_t o = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
    if (ceil_mode && (o - 1) * stride >= in + pad)
        o--;
    return o;
}

/* Input dims check: nsp + 1 or nsp + 2 dims, non-batch dims non-empty. */
static int pool_input(rt_ctx *c, const rt_tensor *x, int nsp, const char *op)
{
    bool ok = x->ndim == nsp + 1 || x->ndim == nsp + 2;
    for (int i = x->ndim == nsp + 2 ? 1 : 0; ok && i < x->ndim; i++)
        if (x->shape[i] == 0)
            ok = false;
    if (ok)
        return 0;
    char buf[128];
    if (nsp == 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "%s: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch "
                          "size for input, but got:%s",
                          op, rt_shape_str(x->ndim, x->shape, buf, sizeof buf));
    return rt_err_set(c->err, TSJ_ERR_SHAPE,
                      "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for "
                      "input, but got:%s",
                      rt_shape_str(x->ndim, x->shape, buf, sizeof buf));
}

/* Reads kernel/stride/padding(/dilation) and computes the geometry. */
static int pool_plan(rt_ctx *c, const rt_tensor *x, int nsp, const char *op, rt_value vk,
                     rt_value vs, rt_value vp, const rt_value *vd, bool ceil_mode, poolp *p)
{
    int64_t k[2] = {1, 1}, s[2] = {1, 1}, pd[2] = {0, 0}, d[2] = {1, 1};
    int n;
    if (pool_param(c, vk, op, "kernel_size", nsp, false, k, &n) ||
        pool_param(c, vs, op, "stride", nsp, true, s, &n))
        return -1;
    if (n == 0)
        memcpy(s, k, sizeof s);
    if (pool_param(c, vp, op, "padding", nsp, false, pd, &n) ||
        (vd && pool_param(c, *vd, op, "dilation", nsp, false, d, &n)))
        return -1;
    if (pool_input(c, x, nsp, op))
        return -1;
    memset(p, 0, sizeof *p);
    p->nsp = nsp;
    int w = nsp - 1;
    p->kh = nsp == 2 ? k[0] : 1, p->kw = k[w];
    p->sh = nsp == 2 ? s[0] : 1, p->sw = s[w];
    p->ph = nsp == 2 ? pd[0] : 0, p->pw = pd[w];
    p->dh = nsp == 2 ? d[0] : 1, p->dw = d[w];
    if (p->kh <= 0 || p->kw <= 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "kernel size should be greater than zero, but got kH: %lld kW: %lld",
                          (long long)p->kh, (long long)p->kw);
    if (p->sh <= 0 || p->sw <= 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "stride should be greater than zero, but got dH: %lld dW: %lld",
                          (long long)p->sh, (long long)p->sw);
    if (p->dh <= 0 || p->dw <= 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "dilation should be greater than zero, but got dilationH: %lld "
                          "dilationW: %lld",
                          (long long)p->dh, (long long)p->dw);
    for (int i = 0; i < nsp; i++)
        if (pd[i] < 0 || pd[i] > k[i] / 2)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "pad should be at most half of kernel size, but got pad=%lld and "
                              "kernel_size=%lld",
                              (long long)pd[i], (long long)k[i]);
    p->H = nsp == 2 ? x->shape[x->ndim - 2] : 1;
    p->W = x->shape[x->ndim - 1];
    p->P = 1;
    for (int i = 0; i < x->ndim - nsp; i++)
        p->P *= x->shape[i];
    p->OH = out_size(p->H, p->kh, p->ph, p->sh, p->dh, ceil_mode);
    p->OW = out_size(p->W, p->kw, p->pw, p->sw, p->dw, ceil_mode);
    if (p->OH < 1 || p->OW < 1) {
        int64_t C = x->shape[x->ndim - nsp - 1];
        if (nsp == 2)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Given input size: (%lldx%lldx%lld). Calculated output size: "
                              "(%lldx%lldx%lld). Output size is too small",
                              (long long)C, (long long)p->H, (long long)p->W, (long long)C,
                              (long long)p->OH, (long long)p->OW);
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Given input size: (%lldx1x%lld). Calculated output size: "
                          "(%lldx1x%lld). Output size is too small",
                          (long long)C, (long long)p->W, (long long)C, (long long)p->OW);
    }
    return 0;
}

/* New output tensor: x's leading dims + (OH,) OW. */
static rt_tensor *pool_output(rt_ctx *c, const rt_tensor *x, int nsp, int64_t OH, int64_t OW,
                              rt_dtype d)
{
    int64_t shp[RT_MAX_DIMS];
    int nd = x->ndim;
    for (int i = 0; i < nd - nsp; i++)
        shp[i] = x->shape[i];
    if (nsp == 2)
        shp[nd - 2] = OH;
    shp[nd - 1] = OW;
    return rt_tensor_empty(d, nd, shp, c->err);
}

static int float_only(rt_ctx *c, const rt_tensor *x, const char *op)
{
    if (x->dtype == RT_F32 || x->dtype == RT_F64)
        return 0;
    return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for '%s'", op,
                      rt_gemm_type_name((rt_dtype)x->dtype));
}

/* ---- max pooling ---- */

#define MAXPOOL_IMPL(T, SFX)                                                                    \
    static void maxpool_##SFX(const poolp *p, const T *x, T *y, int64_t *idx)                   \
    {                                                                                           \
        for (int64_t pl = 0; pl < p->P; pl++) {                                                 \
            const T *xp = x + pl * p->H * p->W;                                                 \
            for (int64_t oh = 0; oh < p->OH; oh++) {                                            \
                int64_t h0 = oh * p->sh - p->ph;                                                \
                for (int64_t ow = 0; ow < p->OW; ow++) {                                        \
                    int64_t w0 = ow * p->sw - p->pw, best = -1;                                 \
                    T m = -INFINITY;                                                            \
                    for (int64_t i = 0; i < p->kh; i++) {                                       \
                        int64_t ih = h0 + i * p->dh;                                            \
                        if (ih < 0 || ih >= p->H)                                               \
                            continue;                                                           \
                        for (int64_t j = 0; j < p->kw; j++) {                                   \
                            int64_t iw = w0 + j * p->dw;                                        \
                            if (iw < 0 || iw >= p->W)                                           \
                                continue;                                                       \
                            T v = xp[ih * p->W + iw];                                           \
                            if (best < 0)                                                       \
                                best = ih * p->W + iw;                                          \
                            if (v > m || isnan(v)) {                                            \
                                m = v;                                                          \
                                best = ih * p->W + iw;                                          \
                            }                                                                   \
                        }                                                                       \
                    }                                                                           \
                    int64_t o = (pl * p->OH + oh) * p->OW + ow;                                 \
                    y[o] = m;                                                                   \
                    if (idx)                                                                    \
                        idx[o] = best;                                                          \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }

MAXPOOL_IMPL(float, f32)
MAXPOOL_IMPL(double, f64)

/* float32 without indices and dilation: the window's valid rows and
 * columns are computed once, the inner loop has no bounds checks and no
 * branches (NaN still wins, as in PyTorch). */
static void maxpool_f32_fast(const poolp *p, const float *x, float *y)
{
    for (int64_t pl = 0; pl < p->P; pl++) {
        const float *xp = x + pl * p->H * p->W;
        float *yp = y + pl * p->OH * p->OW;
        for (int64_t oh = 0; oh < p->OH; oh++) {
            int64_t h0 = oh * p->sh - p->ph, hlo = h0 < 0 ? 0 : h0, hhi = h0 + p->kh;
            if (hhi > p->H)
                hhi = p->H;
            for (int64_t ow = 0; ow < p->OW; ow++) {
                int64_t w0 = ow * p->sw - p->pw, wlo = w0 < 0 ? 0 : w0, whi = w0 + p->kw;
                if (whi > p->W)
                    whi = p->W;
                float m = -INFINITY;
                for (int64_t ih = hlo; ih < hhi; ih++) {
                    const float *row = xp + ih * p->W;
                    for (int64_t iw = wlo; iw < whi; iw++) {
                        float v = row[iw];
                        m = (v > m || v != v) ? v : m;
                    }
                }
                yp[oh * p->OW + ow] = m;
            }
        }
    }
}

/* self, kernel_size, stride, padding, dilation, ceil_mode */
static int max_pool(rt_ctx *c, const rt_value *in, int nsp, const char *op, bool with_idx,
                    rt_value *out)
{
    rt_tensor *x;
    bool ceil_mode;
    poolp p;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_bool(c, in[5], "ceil_mode", &ceil_mode) ||
        pool_plan(c, x, nsp, op, in[1], in[2], in[3], &in[4], ceil_mode, &p) ||
        float_only(c, x, nsp == 1 ? "max_pool1d" : "max_pool2d"))
        return -1;
    rt_tensor *xc = rt_tensor_contiguous(x, c->err), *y = NULL, *ix = NULL;
    if (!xc)
        return -1;
    y = pool_output(c, x, nsp, p.OH, p.OW, (rt_dtype)x->dtype);
    if (!y || (with_idx && !(ix = pool_output(c, x, nsp, p.OH, p.OW, RT_I64)))) {
        rt_tensor_release(y);
        rt_tensor_release(xc);
        return -1;
    }
    int64_t *ip = ix ? rt_tensor_data(ix) : NULL;
    if (x->dtype == RT_F32 && !ip && p.dh == 1 && p.dw == 1)
        maxpool_f32_fast(&p, rt_tensor_data(xc), rt_tensor_data(y));
    else if (x->dtype == RT_F32)
        maxpool_f32(&p, rt_tensor_data(xc), rt_tensor_data(y), ip);
    else
        maxpool_f64(&p, rt_tensor_data(xc), rt_tensor_data(y), ip);
    rt_tensor_release(xc);
    rt_out_tensor(&out[0], y);
    if (with_idx)
        rt_out_tensor(&out[1], ix);
    return 0;
}

int k_max_pool1d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return max_pool(c, in, 1, "max_pool1d", false, out);
}

int k_max_pool2d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return max_pool(c, in, 2, "max_pool2d", false, out);
}

int k_max_pool2d_with_indices(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return max_pool(c, in, 2, "max_pool2d", true, out);
}

/* ---- average pooling ---- */

/* One output element's sum and divisor (0 when the window misses the
 * input entirely). */
#define AVGPOOL_IMPL(T, SFX)                                                                    \
    static void avgpool_##SFX(const poolp *p, const T *x, T *y, bool include_pad,               \
                              int64_t divisor)                                                  \
    {                                                                                           \
        for (int64_t pl = 0; pl < p->P; pl++) {                                                 \
            const T *xp = x + pl * p->H * p->W;                                                 \
            for (int64_t oh = 0; oh < p->OH; oh++) {                                            \
                int64_t h0 = oh * p->sh - p->ph, h1 = h0 + p->kh;                               \
                if (h1 > p->H + p->ph)                                                          \
                    h1 = p->H + p->ph;                                                          \
                int64_t hs = h1 - h0;                                                           \
                h0 = h0 < 0 ? 0 : h0;                                                           \
                h1 = h1 > p->H ? p->H : h1;                                                     \
                for (int64_t ow = 0; ow < p->OW; ow++) {                                        \
                    int64_t w0 = ow * p->sw - p->pw, w1 = w0 + p->kw;                           \
                    if (w1 > p->W + p->pw)                                                      \
                        w1 = p->W + p->pw;                                                      \
                    int64_t size = hs * (w1 - w0);                                              \
                    w0 = w0 < 0 ? 0 : w0;                                                       \
                    w1 = w1 > p->W ? p->W : w1;                                                 \
                    T *o = y + (pl * p->OH + oh) * p->OW + ow;                                  \
                    if (h0 >= h1 || w0 >= w1) {                                                 \
                        *o = 0;                                                                 \
                        continue;                                                               \
                    }                                                                           \
                    double sum = 0;                                                             \
                    for (int64_t i = h0; i < h1; i++)                                           \
                        for (int64_t j = w0; j < w1; j++)                                       \
                            sum += xp[i * p->W + j];                                            \
                    int64_t div = divisor ? divisor                                             \
                                          : include_pad ? size : (h1 - h0) * (w1 - w0);         \
                    *o = (T)(sum / (double)div);                                                \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }

AVGPOOL_IMPL(float, f32)
AVGPOOL_IMPL(double, f64)

/* self, kernel_size, stride, padding, ceil_mode, count_include_pad
 * [, divisor_override] */
static int avg_pool(rt_ctx *c, const rt_value *in, int nin, int nsp, const char *op,
                    rt_value *out)
{
    rt_tensor *x;
    bool ceil_mode, include_pad, has_div = false;
    int64_t divisor = 0;
    poolp p;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_bool(c, in[4], "ceil_mode", &ceil_mode) ||
        rt_arg_bool(c, in[5], "count_include_pad", &include_pad) ||
        (nin > 6 && rt_arg_opt_int(c, in[6], "divisor_override", &divisor, &has_div)))
        return -1;
    if (nsp == 1 && x->ndim != 2 && x->ndim != 3)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected 2 to 3 dimensions, but got %d-dimensional tensor for "
                          "argument #1 'self' (while checking arguments for avg_pool1d)",
                          x->ndim);
    if (has_div && divisor == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "divisor must be not zero");
    if (pool_plan(c, x, nsp, op, in[1], in[2], in[3], NULL, ceil_mode, &p))
        return -1;
    if (x->dtype == RT_BOOL_ || x->dtype == RT_F16 || x->dtype == RT_BF16)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for '%s'",
                          nsp == 1 ? "avg_pool1d" : "avg_pool2d",
                          rt_gemm_type_name((rt_dtype)x->dtype));
    rt_dtype d = (rt_dtype)x->dtype, cd = d == RT_F32 ? RT_F32 : RT_F64;
    rt_tensor *xc = d == cd ? rt_tensor_contiguous(x, c->err) : rt_tensor_to_dtype(x, cd, c->err);
    if (!xc)
        return -1;
    rt_tensor *y = pool_output(c, x, nsp, p.OH, p.OW, cd);
    if (!y) {
        rt_tensor_release(xc);
        return -1;
    }
    if (cd == RT_F32)
        avgpool_f32(&p, rt_tensor_data(xc), rt_tensor_data(y), include_pad, divisor);
    else
        avgpool_f64(&p, rt_tensor_data(xc), rt_tensor_data(y), include_pad, divisor);
    rt_tensor_release(xc);
    if (d != cd) { /* integer input: truncate back like PyTorch's integer division */
        rt_tensor *yd = rt_tensor_to_dtype(y, d, c->err);
        rt_tensor_release(y);
        if (!(y = yd))
            return -1;
    }
    rt_out_tensor(out, y);
    return 0;
}

int k_avg_pool1d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return avg_pool(c, in, nin, 1, "avg_pool1d", out);
}

int k_avg_pool2d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return avg_pool(c, in, nin, 2, "avg_pool2d", out);
}

/* ---- adaptive pooling ---- */

static inline int64_t ad_start(int64_t o, int64_t in, int64_t out)
{
    return (o * in) / out;
}
static inline int64_t ad_end(int64_t o, int64_t in, int64_t out)
{
    return ((o + 1) * in + out - 1) / out;
}

#define ADAPTIVE_IMPL(T, SFX)                                                                   \
    static void adaptive_##SFX(const poolp *p, const T *x, T *y, int64_t *idx, bool is_max)     \
    {                                                                                           \
        for (int64_t pl = 0; pl < p->P; pl++) {                                                 \
            const T *xp = x + pl * p->H * p->W;                                                 \
            for (int64_t oh = 0; oh < p->OH; oh++) {                                            \
                int64_t h0 = ad_start(oh, p->H, p->OH), h1 = ad_end(oh, p->H, p->OH);           \
                for (int64_t ow = 0; ow < p->OW; ow++) {                                        \
                    int64_t w0 = ad_start(ow, p->W, p->OW), w1 = ad_end(ow, p->W, p->OW);       \
                    int64_t o = (pl * p->OH + oh) * p->OW + ow;                                 \
                    if (is_max) {                                                               \
                        T m = -INFINITY;                                                        \
                        int64_t best = h0 * p->W + w0;                                          \
                        for (int64_t i = h0; i < h1; i++)                                       \
                            for (int64_t j = w0; j < w1; j++) {                                 \
                                T v = xp[i * p->W + j];                                         \
                                if (v > m || isnan(v)) {                                        \
                                    m = v;                                                      \
                                    best = i * p->W + j;                                        \
                                    if (isnan(v))                                               \
                                        break;                                                  \
                                }                                                               \
                            }                                                                   \
                        y[o] = m;                                                               \
                        idx[o] = best;                                                          \
                    } else {                                                                    \
                        double sum = 0;                                                         \
                        for (int64_t i = h0; i < h1; i++) {                                     \
                            const T *r = xp + i * p->W;                                         \
                            for (int64_t j = w0; j < w1; j++)                                   \
                                sum += r[j];                                                    \
                        }                                                                       \
                        y[o] = (T)(sum / (double)((h1 - h0) * (w1 - w0)));                      \
                    }                                                                           \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }

ADAPTIVE_IMPL(float, f32)
ADAPTIVE_IMPL(double, f64)

static int adaptive_pool(rt_ctx *c, const rt_value *in, int nsp, bool is_max, rt_value *out)
{
    const char *op = is_max ? (nsp == 1 ? "adaptive_max_pool1d" : "adaptive_max_pool2d")
                            : (nsp == 1 ? "adaptive_avg_pool1d" : "adaptive_avg_pool2d");
    rt_tensor *x;
    int64_t os[RT_MAX_DIMS];
    int n;
    char buf[128];
    if (rt_arg_tensor(c, in[0], "self", &x) ||
        rt_arg_intlist(c, in[1], "output_size", os, RT_MAX_DIMS, nsp, &n))
        return -1;
    if (x->ndim != nsp + 1 && x->ndim != nsp + 2) {
        if (nsp == 1)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Expected 2 to 3 dimensions, but got %d-dimensional tensor for "
                              "argument #1 'self' (while checking arguments for %s)",
                              x->ndim, op);
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "%s(): Expected 3D or 4D tensor, but got%s %s",
                          op, is_max ? ":" : "", rt_shape_str(x->ndim, x->shape, buf, sizeof buf));
    }
    if (n != nsp)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "%s: output_size must be %d", op, nsp);
    for (int i = x->ndim == nsp + 2 ? 1 : 0; i < x->ndim; i++)
        if (x->shape[i] == 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "%s(): Expected input to have non-zero size for non-batch "
                              "dimensions, but input has sizes %s with dimension %d being empty",
                              op, rt_shape_str(x->ndim, x->shape, buf, sizeof buf), i);
    for (int i = 0; i < nsp; i++)
        if (os[i] < 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "%s: elements of output_size must be greater than or equal to 0 "
                              "but received {%lld, %lld}",
                              op, nsp == 1 ? 1LL : (long long)os[0], (long long)os[nsp - 1]);
    if (float_only(c, x, op))
        return -1;
    poolp p = {.nsp = nsp};
    p.H = nsp == 2 ? x->shape[x->ndim - 2] : 1;
    p.W = x->shape[x->ndim - 1];
    p.OH = nsp == 2 ? os[0] : 1;
    p.OW = os[nsp - 1];
    p.P = 1;
    for (int i = 0; i < x->ndim - nsp; i++)
        p.P *= x->shape[i];
    rt_tensor *xc = rt_tensor_contiguous(x, c->err), *y = NULL, *ix = NULL;
    if (!xc)
        return -1;
    y = pool_output(c, x, nsp, p.OH, p.OW, (rt_dtype)x->dtype);
    if (!y || (is_max && !(ix = pool_output(c, x, nsp, p.OH, p.OW, RT_I64)))) {
        rt_tensor_release(y);
        rt_tensor_release(xc);
        return -1;
    }
    int64_t *ip = ix ? rt_tensor_data(ix) : NULL;
    if (x->dtype == RT_F32)
        adaptive_f32(&p, rt_tensor_data(xc), rt_tensor_data(y), ip, is_max);
    else
        adaptive_f64(&p, rt_tensor_data(xc), rt_tensor_data(y), ip, is_max);
    rt_tensor_release(xc);
    rt_out_tensor(&out[0], y);
    if (is_max)
        rt_out_tensor(&out[1], ix);
    return 0;
}

int k_adaptive_avg_pool1d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return adaptive_pool(c, in, 1, false, out);
}

int k_adaptive_avg_pool2d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return adaptive_pool(c, in, 2, false, out);
}

int k_adaptive_max_pool1d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return adaptive_pool(c, in, 1, true, out);
}

int k_adaptive_max_pool2d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return adaptive_pool(c, in, 2, true, out);
}
