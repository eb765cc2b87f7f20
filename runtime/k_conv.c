/*
 * k_conv.c — 1-D and 2-D convolution and transposed convolution:
 * aten::_convolution (13- and 12-argument forms), aten::convolution,
 * conv1d / conv2d (int padding and str 'same'/'valid' padding),
 * conv_transpose1d / conv_transpose2d.
 *
 * Everything is computed as 2-D (a 1-D convolution is a 2-D one with
 * height 1) on contiguous NCHW data, per image and per group:
 *   depthwise (1 input channel per group)  direct loop over a zero-padded
 *                                          copy of the channel, 3-wide
 *                                          kernels unrolled;
 *   1x1, stride 1, no padding              one GEMM on the input itself;
 *   otherwise                              im2col + GEMM (rt_gemm).
 * Transposed convolution is GEMM (W^T · x) followed by col2im.
 * float32 and float64 run natively; integer dtypes are computed in float64
 * and converted back (PyTorch accepts them on CPU).
 * Asymmetric padding (pad_lo / pad_hi) serves padding='same' with even
 * effective kernel sizes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_gemm.h"
#include "rt_kernels.h"

/* Hot loops get an AVX2 clone picked at load time (the build targets the
 * baseline ISA). */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__has_attribute) && !defined(__SANITIZE_THREAD__)
#if __has_attribute(target_clones)
#define RT_CONV_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef RT_CONV_CLONES
#define RT_CONV_CLONES
#endif

/* Geometry of one convolution, always 2-D (h = 1 for 1-D). */
typedef struct convp {
    int nsp;                         /* spatial dims of the call: 1 or 2 */
    bool transposed;
    int64_t N, C, H, W;              /* input                            */
    int64_t O, kh, kw;               /* output channels, kernel          */
    int64_t groups, Cg, Og;          /* per-group channels in / out      */
    int64_t sh, sw, dh, dw;
    int64_t ph, pw, ph_hi, pw_hi;    /* padding before / after           */
    int64_t oph, opw;                /* output_padding (transposed)      */
    int64_t OH, OW;
} convp;

/* ---- per-dtype compute (float, double) ---- */

#define CONV_IMPL(T, SFX, GEMM)                                                                 \
    /* col[(c*kh+ki)*kw+kj][oh*OW+ow] = x[c][ih][iw] (0 outside). */                            \
    RT_CONV_CLONES static void im2col_##SFX(const convp *p, const T *x, int64_t C, T *col)     \
    {                                                                                           \
        int64_t H = p->H, W = p->W, OH = p->OH, OW = p->OW, sw = p->sw;                         \
        for (int64_t c = 0; c < C; c++)                                                         \
            for (int64_t ki = 0; ki < p->kh; ki++)                                              \
                for (int64_t kj = 0; kj < p->kw; kj++) {                                        \
                    T *row = col + ((c * p->kh + ki) * p->kw + kj) * OH * OW;                   \
                    int64_t off = kj * p->dw - p->pw;                                           \
                    int64_t ow0 = off >= 0 ? 0 : (-off + sw - 1) / sw;                          \
                    int64_t ow1 = W - off <= 0 ? 0 : (W - off + sw - 1) / sw;                   \
                    if (ow0 > OW)                                                               \
                        ow0 = OW;                                                               \
                    if (ow1 > OW)                                                               \
                        ow1 = OW;                                                               \
                    if (ow1 < ow0)                                                              \
                        ow1 = ow0;                                                              \
                    for (int64_t oh = 0; oh < OH; oh++) {                                       \
                        T *r = row + oh * OW;                                                   \
                        int64_t ih = oh * p->sh - p->ph + ki * p->dh;                           \
                        if (ih < 0 || ih >= H) {                                                \
                            memset(r, 0, (size_t)OW * sizeof(T));                               \
                            continue;                                                           \
                        }                                                                       \
                        const T *xr = x + (c * H + ih) * W + off;                               \
                        for (int64_t ow = 0; ow < ow0; ow++)                                    \
                            r[ow] = 0;                                                          \
                        if (sw == 1)                                                            \
                            memcpy(r + ow0, xr + ow0, (size_t)(ow1 - ow0) * sizeof(T));         \
                        else                                                                    \
                            for (int64_t ow = ow0; ow < ow1; ow++)                              \
                                r[ow] = xr[ow * sw];                                            \
                        for (int64_t ow = ow1; ow < OW; ow++)                                   \
                            r[ow] = 0;                                                          \
                    }                                                                           \
                }                                                                               \
    }                                                                                           \
                                                                                                \
    /* y[o][oh][ow] += col[(o*kh+ki)*kw+kj][ih*W+iw] (the adjoint of im2col). */                \
    RT_CONV_CLONES static void col2im_##SFX(const convp *p, const T *col, int64_t O, T *y)     \
    {                                                                                           \
        int64_t H = p->H, W = p->W, OH = p->OH, OW = p->OW;                                     \
        for (int64_t o = 0; o < O; o++)                                                         \
            for (int64_t ki = 0; ki < p->kh; ki++)                                              \
                for (int64_t kj = 0; kj < p->kw; kj++) {                                        \
                    const T *row = col + ((o * p->kh + ki) * p->kw + kj) * H * W;               \
                    for (int64_t ih = 0; ih < H; ih++) {                                        \
                        int64_t oh = ih * p->sh - p->ph + ki * p->dh;                           \
                        if (oh < 0 || oh >= OH)                                                 \
                            continue;                                                           \
                        T *yr = y + (o * OH + oh) * OW;                                         \
                        const T *r = row + ih * W;                                              \
                        for (int64_t iw = 0; iw < W; iw++) {                                    \
                            int64_t ow = iw * p->sw - p->pw + kj * p->dw;                       \
                            if (ow >= 0 && ow < OW)                                             \
                                yr[ow] += r[iw];                                                \
                        }                                                                       \
                    }                                                                           \
                }                                                                               \
    }                                                                                           \
                                                                                                \
    /* Depthwise: one input channel x[H][W] to mult outputs. buf holds the       \
     * zero-padded channel: its border is zero on entry and stays zero. */      \
    RT_CONV_CLONES static void dwconv_##SFX(const convp *p, const T *x, const T *w,             \
                                            const T *bias, int64_t mult, T *buf, T *y)          \
    {                                                                                           \
        int64_t H = p->H, W = p->W, OH = p->OH, OW = p->OW, sh = p->sh, sw = p->sw;             \
        int64_t PW = W, kh = p->kh, kw = p->kw, dh = p->dh, dw = p->dw;                         \
        const T *src = x;                                                                       \
        if (p->ph || p->pw || p->ph_hi || p->pw_hi) {                                           \
            PW = W + p->pw + p->pw_hi;                                                          \
            for (int64_t i = 0; i < H; i++)                                                     \
                memcpy(buf + (i + p->ph) * PW + p->pw, x + i * W, (size_t)W * sizeof(T));       \
            src = buf;                                                                          \
        }                                                                                       \
        for (int64_t m = 0; m < mult; m++) {                                                    \
            const T *wm = w + m * kh * kw;                                                      \
            T b = bias ? bias[m] : (T)0;                                                        \
            T *ym = y + m * OH * OW;                                                            \
            if (kh == 3 && kw == 3) {                                                           \
                T w0 = wm[0], w1 = wm[1], w2 = wm[2], w3 = wm[3], w4 = wm[4], w5 = wm[5];       \
                T w6 = wm[6], w7 = wm[7], w8 = wm[8];                                           \
                int64_t d1 = dw, d2 = 2 * dw;                                                   \
                for (int64_t oh = 0; oh < OH; oh++) {                                           \
                    const T *r0 = src + oh * sh * PW, *r1 = r0 + dh * PW, *r2 = r1 + dh * PW;   \
                    T *restrict yr = ym + oh * OW;                                              \
                    if (sw == 1 && dw == 1)                                                     \
                        for (int64_t ow = 0; ow < OW; ow++)                                     \
                            yr[ow] = b + w0 * r0[ow] + w1 * r0[ow + 1] + w2 * r0[ow + 2] +      \
                                     w3 * r1[ow] + w4 * r1[ow + 1] + w5 * r1[ow + 2] +          \
                                     w6 * r2[ow] + w7 * r2[ow + 1] + w8 * r2[ow + 2];           \
                    else                                                                        \
                        for (int64_t ow = 0; ow < OW; ow++) {                                   \
                            int64_t q = ow * sw;                                                \
                            yr[ow] = b + w0 * r0[q] + w1 * r0[q + d1] + w2 * r0[q + d2] +       \
                                     w3 * r1[q] + w4 * r1[q + d1] + w5 * r1[q + d2] +           \
                                     w6 * r2[q] + w7 * r2[q + d1] + w8 * r2[q + d2];            \
                        }                                                                       \
                }                                                                               \
                continue;                                                                       \
            }                                                                                   \
            for (int64_t oh = 0; oh < OH; oh++) {                                               \
                T *restrict yr = ym + oh * OW;                                                  \
                for (int64_t ow = 0; ow < OW; ow++)                                             \
                    yr[ow] = b;                                                                 \
                for (int64_t ki = 0; ki < kh; ki++) {                                           \
                    const T *pr = src + (oh * sh + ki * dh) * PW;                               \
                    for (int64_t kj = 0; kj < kw; kj++) {                                       \
                        T wv = wm[ki * kw + kj];                                                \
                        const T *pk = pr + kj * dw;                                             \
                        if (sw == 1)                                                            \
                            for (int64_t ow = 0; ow < OW; ow++)                                 \
                                yr[ow] += wv * pk[ow];                                          \
                        else                                                                    \
                            for (int64_t ow = 0; ow < OW; ow++)                                 \
                                yr[ow] += wv * pk[ow * sw];                                     \
                    }                                                                           \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* y[O][L] = bias[o] (or 0). */                                                             \
    RT_CONV_CLONES static void fill_bias_##SFX(T *y, const T *bias, int64_t O, int64_t L)      \
    {                                                                                           \
        for (int64_t o = 0; o < O; o++) {                                                       \
            T b = bias ? bias[o] : (T)0;                                                        \
            for (int64_t i = 0; i < L; i++)                                                     \
                y[o * L + i] = b;                                                               \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* The whole convolution: x [N,C,H,W], w, bias [O] or NULL, y [N,O,OH,OW]. */               \
    static int conv_run_##SFX(rt_ctx *c, const convp *p, const T *x, const T *w, const T *bias, \
                              T *y)                                                             \
    {                                                                                           \
        int64_t HW = p->H * p->W, L = p->OH * p->OW, K = p->Cg * p->kh * p->kw;                 \
        int64_t Cg = p->Cg, Og = p->Og;                                                         \
        T *buf = NULL;                                                                          \
        size_t nbuf = 0;                                                                        \
        if (p->transposed) {                                                                    \
            nbuf = (size_t)(Og * p->kh * p->kw * HW);                                           \
        } else if (Cg == 1 && p->groups > 1) { /* depthwise: padded channel, border zero */    \
            nbuf = (size_t)((p->H + p->ph + p->ph_hi) * (p->W + p->pw + p->pw_hi));             \
        } else if (!(p->kh == 1 && p->kw == 1 && p->sh == 1 && p->sw == 1 && !p->ph &&          \
                     !p->pw && !p->ph_hi && !p->pw_hi)) {                                       \
            nbuf = (size_t)(K * L);                                                             \
        }                                                                                       \
        bool dw = !p->transposed && Cg == 1 && p->groups > 1;                                   \
        if (nbuf && !(buf = dw ? calloc(nbuf, sizeof(T)) : malloc(nbuf * sizeof(T))))           \
            return rt_err_nomem(c->err);                                                        \
        int rc = 0;                                                                             \
        for (int64_t n = 0; n < p->N && !rc; n++) {                                             \
            const T *xn = x + n * p->C * HW;                                                    \
            T *yn = y + n * p->O * L;                                                           \
            if (p->transposed) {                                                                \
                /* weight [C, Og, kh, kw]: cols = W_g^T · x_g, then col2im */                  \
                fill_bias_##SFX(yn, bias, p->O, L);                                             \
                int64_t R = Og * p->kh * p->kw;                                                 \
                for (int64_t g = 0; g < p->groups && !rc; g++) {                                \
                    rc = GEMM(true, false, R, HW, Cg, (T)1, w + g * Cg * R, R, 1,               \
                              xn + g * Cg * HW, HW, 1, (T)0, buf, HW, 1, c->err);               \
                    if (!rc)                                                                    \
                        col2im_##SFX(p, buf, Og, yn + g * Og * L);                              \
                }                                                                               \
            } else if (dw) {                                                                    \
                for (int64_t g = 0; g < p->groups; g++)                                         \
                    dwconv_##SFX(p, xn + g * HW, w + g * Og * p->kh * p->kw,                    \
                                 bias ? bias + g * Og : NULL, Og, buf, yn + g * Og * L);        \
            } else {                                                                            \
                if (bias)                                                                       \
                    fill_bias_##SFX(yn, bias, p->O, L);                                         \
                for (int64_t g = 0; g < p->groups && !rc; g++) {                                \
                    const T *col = xn + g * Cg * HW;                                            \
                    if (buf) {                                                                  \
                        im2col_##SFX(p, col, Cg, buf);                                          \
                        col = buf;                                                              \
                    }                                                                           \
                    rc = GEMM(false, false, Og, L, K, (T)1, w + g * Og * K, K, 1, col, L, 1,    \
                              bias ? (T)1 : (T)0, yn + g * Og * L, L, 1, c->err);               \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
        free(buf);                                                                              \
        return rc;                                                                              \
    }

CONV_IMPL(float, f32, rt_sgemm)
CONV_IMPL(double, f64, rt_dgemm)

/* ---- arguments and checks ---- */

static const char *shape_s(const rt_tensor *t, char *buf, size_t n)
{
    return rt_shape_str(t->ndim, t->shape, buf, n);
}

/* "float", "double", "long", ... as PyTorch's conv messages print dtypes. */
static void lower_name(rt_dtype d, char *buf, size_t size)
{
    snprintf(buf, size, "%s", rt_gemm_type_name(d));
    for (char *q = buf; *q; q++)
        *q = (char)tolower((unsigned char)*q);
}

/* An int[] convolution parameter: a single value expands to nsp. */
static int conv_param(rt_ctx *c, rt_value v, const char *what, int nsp, int64_t *out)
{
    int64_t tmp[RT_MAX_DIMS];
    int n = 0;
    if (rt_arg_intlist(c, v, what, tmp, RT_MAX_DIMS, nsp, &n))
        return -1;
    if (n == 1) {
        for (int i = 0; i < nsp; i++)
            out[i] = tmp[0];
        return 0;
    }
    if (n != nsp) {
        char buf[128];
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "expected %s to be a single integer value or a list of %d values to "
                          "match the convolution dimensions, but got %s=%s",
                          what, nsp, what, rt_shape_str(n, tmp, buf, sizeof buf));
    }
    memcpy(out, tmp, (size_t)nsp * sizeof *out);
    return 0;
}

/* The parsed call: tensors plus parameters as given (nsp entries). */
typedef struct convargs {
    rt_tensor *x, *w, *b;
    int64_t stride[3], pad[3], pad_hi[3], dil[3], opad[3];
    int64_t groups;
    bool transposed;
    const char *pad_mode; /* "same"/"valid" or NULL for explicit padding */
} convargs;

static int dims_str(int nsp, const int64_t *v, const char *sep, char *buf, size_t size)
{
    if (nsp == 1)
        return snprintf(buf, size, "%lld", (long long)v[0]);
    return snprintf(buf, size, "%lld%s%lld", (long long)v[0], sep, (long long)v[1]);
}

/* Validates a (batched) call and computes its 2-D geometry. */
static int conv_plan(rt_ctx *c, convargs *a, convp *p)
{
    rt_tensor *x = a->x, *w = a->w;
    int nsp = w->ndim - 2;
    char b1[128], b2[128];
    for (int i = 0; i < nsp; i++)
        if (a->pad[i] < 0 || a->pad_hi[i] < 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "negative padding is not supported");
    for (int i = 0; i < nsp; i++)
        if (a->stride[i] <= 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "non-positive stride is not supported");
    for (int i = 0; i < nsp; i++)
        if (a->dil[i] <= 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "dilation should be greater than zero, but got %s",
                              rt_shape_str(nsp, a->dil, b1, sizeof b1));
    if (a->groups <= 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "non-positive groups is not supported");
    if (x->ndim != w->ndim)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected %d-dimensional input for %d-dimensional weight %s, but got "
                          "%d-dimensional input of size %s instead",
                          w->ndim, w->ndim, shape_s(w, b1, sizeof b1), x->ndim,
                          shape_s(x, b2, sizeof b2));
    if (nsp > 2)
        return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED, "%d-D convolution is not supported",
                          nsp);
    if (x->dtype != w->dtype)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected scalar type %s but found %s",
                          rt_gemm_type_name((rt_dtype)x->dtype),
                          rt_gemm_type_name((rt_dtype)w->dtype));
    if (a->b && a->b->dtype != x->dtype) {
        char tx[16], tb[16];
        lower_name((rt_dtype)x->dtype, tx, sizeof tx);
        lower_name((rt_dtype)a->b->dtype, tb, sizeof tb);
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "Input type (%s) and bias type (%s) should be the same", tx, tb);
    }
    if (x->dtype == RT_BOOL_ || x->dtype == RT_F16 || x->dtype == RT_BF16)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"slow_conv2d_cpu\" not implemented for '%s'",
                          rt_gemm_type_name((rt_dtype)x->dtype));
    memset(p, 0, sizeof *p);
    p->nsp = nsp;
    p->transposed = a->transposed;
    p->groups = a->groups;
    p->N = x->shape[0];
    p->C = x->shape[1];
    p->H = nsp == 2 ? x->shape[2] : 1;
    p->W = x->shape[x->ndim - 1];
    p->kh = nsp == 2 ? w->shape[2] : 1;
    p->kw = w->shape[w->ndim - 1];
    int s = nsp - 1; /* index of the width entry */
    p->sh = nsp == 2 ? a->stride[0] : 1;
    p->sw = a->stride[s];
    p->dh = nsp == 2 ? a->dil[0] : 1;
    p->dw = a->dil[s];
    p->ph = nsp == 2 ? a->pad[0] : 0;
    p->pw = a->pad[s];
    p->ph_hi = nsp == 2 ? a->pad_hi[0] : 0;
    p->pw_hi = a->pad_hi[s];
    p->oph = nsp == 2 ? a->opad[0] : 0;
    p->opw = a->opad[s];
    if (!a->transposed) {
        if (w->shape[0] % a->groups)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Given groups=%lld, expected weight to be divisible by %lld at "
                              "dimension 0, but got weight of size [%s] instead",
                              (long long)a->groups, (long long)a->groups,
                              shape_s(w, b1, sizeof b1));
        if (p->C != w->shape[1] * a->groups)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Given groups=%lld, weight of size %s, expected input%s to have "
                              "%lld channels, but got %lld channels instead",
                              (long long)a->groups, shape_s(w, b1, sizeof b1),
                              shape_s(x, b2, sizeof b2), (long long)(w->shape[1] * a->groups),
                              (long long)p->C);
        p->O = w->shape[0];
        p->Cg = w->shape[1];
        p->Og = p->O / a->groups;
    } else {
        if (p->C != w->shape[0])
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Given transposed=1, weight of size %s, expected input%s to have "
                              "%lld channels, but got %lld channels instead",
                              shape_s(w, b1, sizeof b1), shape_s(x, b2, sizeof b2),
                              (long long)w->shape[0], (long long)p->C);
        if (p->C % a->groups)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Given groups=%lld, expected weight to be divisible by %lld at "
                              "dimension 0, but got weight of size [%s] instead",
                              (long long)a->groups, (long long)a->groups,
                              shape_s(w, b1, sizeof b1));
        p->Og = w->shape[1];
        p->O = p->Og * a->groups;
        p->Cg = p->C / a->groups;
    }
    if (a->b && (a->b->ndim != 1 || a->b->shape[0] != p->O))
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Given weight of size %s, expected bias to be 1-dimensional with %lld "
                          "elements, but got bias of size %s instead",
                          shape_s(w, b1, sizeof b1), (long long)p->O,
                          shape_s(a->b, b2, sizeof b2));
    int64_t in_sz[2] = {p->H, p->W};
    if (!a->transposed) {
        int64_t padded[2] = {p->H + p->ph + p->ph_hi, p->W + p->pw + p->pw_hi};
        int64_t eff[2] = {p->dh * (p->kh - 1) + 1, p->dw * (p->kw - 1) + 1};
        if (padded[0] < eff[0] || padded[1] < eff[1]) {
            int64_t *pp = nsp == 2 ? padded : padded + 1, *ek = nsp == 2 ? eff : eff + 1;
            char s1[64], s2[64];
            dims_str(nsp, pp, " x ", s1, sizeof s1);
            dims_str(nsp, ek, " x ", s2, sizeof s2);
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Calculated padded input size per channel: (%s). Kernel size: "
                              "(%s). Kernel size can't be greater than actual input size",
                              s1, s2);
        }
        p->OH = (padded[0] - eff[0]) / p->sh + 1;
        p->OW = (padded[1] - eff[1]) / p->sw + 1;
    } else {
        if ((p->oph >= p->sh && p->oph >= p->dh) || (p->opw >= p->sw && p->opw >= p->dw) ||
            p->oph < 0 || p->opw < 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "output padding must be smaller than either stride or dilation, "
                              "but got output_padding_height: %lld output_padding_width: %lld "
                              "stride_height: %lld stride_width: %lld dilation_height: %lld "
                              "dilation_width: %lld",
                              (long long)p->oph, (long long)p->opw, (long long)p->sh,
                              (long long)p->sw, (long long)p->dh, (long long)p->dw);
        p->OH = (p->H - 1) * p->sh - p->ph - p->ph_hi + p->dh * (p->kh - 1) + p->oph + 1;
        p->OW = (p->W - 1) * p->sw - p->pw - p->pw_hi + p->dw * (p->kw - 1) + p->opw + 1;
        if (p->OH <= 0 || p->OW <= 0) {
            int64_t o_sz[2] = {p->OH, p->OW};
            char s1[64], s2[64];
            dims_str(nsp, nsp == 2 ? in_sz : in_sz + 1, " x ", s1, sizeof s1);
            dims_str(nsp, nsp == 2 ? o_sz : o_sz + 1, " x ", s2, sizeof s2);
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Given input size per channel: (%s). Calculated output size per "
                              "channel: (%s). Output size is too small",
                              s1, s2);
        }
    }
    return 0;
}

/* Runs a validated, batched call into a new output tensor. */
static rt_tensor *conv_exec(rt_ctx *c, convargs *a, const convp *p)
{
    rt_dtype d = (rt_dtype)a->x->dtype, cd = d == RT_F32 ? RT_F32 : RT_F64;
    int64_t oshape[4] = {p->N, p->O, p->OH, p->OW};
    if (p->nsp == 1)
        oshape[2] = p->OW;
    rt_tensor *y = rt_tensor_empty(cd, p->nsp + 2, oshape, c->err);
    rt_tensor *xs[3] = {a->x, a->w, a->b}, *xc[3] = {NULL, NULL, NULL};
    if (!y)
        return NULL;
    for (int i = 0; i < 3; i++) {
        if (!xs[i])
            continue;
        xc[i] = d == cd ? rt_tensor_contiguous(xs[i], c->err)
                        : rt_tensor_to_dtype(xs[i], cd, c->err);
        if (!xc[i])
            goto fail;
    }
    int rc;
    if (cd == RT_F32)
        rc = conv_run_f32(c, p, rt_tensor_data(xc[0]), rt_tensor_data(xc[1]),
                          xc[2] ? rt_tensor_data(xc[2]) : NULL, rt_tensor_data(y));
    else
        rc = conv_run_f64(c, p, rt_tensor_data(xc[0]), rt_tensor_data(xc[1]),
                          xc[2] ? rt_tensor_data(xc[2]) : NULL, rt_tensor_data(y));
    if (rc)
        goto fail;
    for (int i = 0; i < 3; i++)
        rt_tensor_release(xc[i]);
    if (d != cd) {
        rt_tensor *yd = rt_tensor_to_dtype(y, d, c->err);
        rt_tensor_release(y);
        return yd;
    }
    return y;
fail:
    for (int i = 0; i < 3; i++)
        rt_tensor_release(xc[i]);
    rt_tensor_release(y);
    return NULL;
}

/* Plans and runs; an unbatched input (one dim short) gets a batch of 1. */
static int conv_call(rt_ctx *c, convargs *a, bool allow_unbatched, rt_value *out)
{
    rt_tensor *x = a->x, *xb = NULL;
    bool unbatched = allow_unbatched && x->ndim == a->w->ndim - 1;
    if (unbatched) {
        int64_t shp[RT_MAX_DIMS], st[RT_MAX_DIMS];
        shp[0] = 1;
        st[0] = x->ndim ? x->strides[0] * x->shape[0] : 1;
        for (int i = 0; i < x->ndim; i++) {
            shp[i + 1] = x->shape[i];
            st[i + 1] = x->strides[i];
        }
        if (!(xb = rt_tensor_view(x->storage, (rt_dtype)x->dtype, x->ndim + 1, shp, st,
                                  x->offset, c->err)))
            return -1;
        a->x = xb;
    }
    convp p;
    rt_tensor *y = NULL;
    if (!conv_plan(c, a, &p))
        y = conv_exec(c, a, &p);
    rt_tensor_release(xb);
    if (!y)
        return -1;
    if (unbatched) { /* drop the batch dim: a view of the same storage */
        rt_tensor *v = rt_tensor_view(y->storage, (rt_dtype)y->dtype, y->ndim - 1, y->shape + 1,
                                      y->strides + 1, y->offset, c->err);
        rt_tensor_release(y);
        if (!(y = v))
            return -1;
    }
    rt_out_tensor(out, y);
    return 0;
}

static int weight_nsp(rt_ctx *c, const rt_tensor *w, int *nsp)
{
    if (w->ndim < 3)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "weight should have at least three dimensions");
    *nsp = w->ndim - 2;
    return 0;
}

/* aten::_convolution (13 or 12 args) and aten::convolution (9 args): input,
 * weight, bias, stride, padding, dilation, transposed, output_padding,
 * groups, ... */
int k__convolution(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    convargs a = {0};
    int nsp = 0;
    if (rt_arg_tensor(c, in[0], "input", &a.x) || rt_arg_tensor(c, in[1], "weight", &a.w) ||
        rt_arg_opt_tensor(c, in[2], "bias", &a.b) || weight_nsp(c, a.w, &nsp) ||
        conv_param(c, in[3], "stride", nsp, a.stride) ||
        conv_param(c, in[4], "padding", nsp, a.pad) ||
        conv_param(c, in[5], "dilation", nsp, a.dil) ||
        rt_arg_bool(c, in[6], "transposed", &a.transposed) ||
        conv_param(c, in[7], "output_padding", nsp, a.opad) ||
        rt_arg_int(c, in[8], "groups", &a.groups))
        return -1;
    memcpy(a.pad_hi, a.pad, sizeof a.pad);
    return conv_call(c, &a, false, out);
}

/* conv1d / conv2d, with int[] or str padding: input, weight, bias, stride,
 * padding, dilation, groups. */
static int conv_nd(rt_ctx *c, const rt_value *in, int nsp, rt_value *out)
{
    convargs a = {0};
    int wnsp = 0;
    if (rt_arg_tensor(c, in[0], "input", &a.x) || rt_arg_tensor(c, in[1], "weight", &a.w) ||
        rt_arg_opt_tensor(c, in[2], "bias", &a.b))
        return -1;
    if (a.x->ndim != nsp + 1 && a.x->ndim != nsp + 2) {
        char buf[128];
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected %dD (unbatched) or %dD (batched) input to conv%dd, but got "
                          "input of size: %s",
                          nsp + 1, nsp + 2, nsp, shape_s(a.x, buf, sizeof buf));
    }
    if (weight_nsp(c, a.w, &wnsp) || conv_param(c, in[3], "stride", wnsp, a.stride) ||
        conv_param(c, in[5], "dilation", wnsp, a.dil) ||
        rt_arg_int(c, in[6], "groups", &a.groups))
        return -1;
    if (in[4].kind == RT_STR) {
        const char *mode = rt_str_cstr(in[4]);
        if (!strcmp(mode, "valid")) {
            /* zero padding */
        } else if (!strcmp(mode, "same")) {
            for (int i = 0; i < wnsp; i++)
                if (a.stride[i] != 1)
                    return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                      "padding='same' is not supported for strided "
                                      "convolutions");
            for (int i = 0; i < wnsp; i++) {
                int64_t total = a.dil[i] * (a.w->shape[2 + i] - 1);
                a.pad[i] = total / 2;
                a.pad_hi[i] = total - total / 2;
            }
        } else {
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "Invalid padding string: '%s'", mode);
        }
    } else {
        if (conv_param(c, in[4], "padding", wnsp, a.pad))
            return -1;
        memcpy(a.pad_hi, a.pad, sizeof a.pad);
    }
    return conv_call(c, &a, true, out);
}

int k_conv1d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return conv_nd(c, in, 1, out);
}

int k_conv2d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return conv_nd(c, in, 2, out);
}

/* conv_transpose1d / conv_transpose2d.input: input, weight, bias, stride,
 * padding, output_padding, groups, dilation. */
static int conv_transpose_nd(rt_ctx *c, const rt_value *in, int nsp, rt_value *out)
{
    convargs a = {.transposed = true};
    int wnsp = 0;
    if (rt_arg_tensor(c, in[0], "input", &a.x) || rt_arg_tensor(c, in[1], "weight", &a.w) ||
        rt_arg_opt_tensor(c, in[2], "bias", &a.b))
        return -1;
    if (a.x->ndim != nsp + 1 && a.x->ndim != nsp + 2) {
        char buf[128];
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected %dD (unbatched) or %dD (batched) input to "
                          "conv_transpose%dd, but got input of size: %s",
                          nsp + 1, nsp + 2, nsp, shape_s(a.x, buf, sizeof buf));
    }
    if (weight_nsp(c, a.w, &wnsp) || conv_param(c, in[3], "stride", wnsp, a.stride) ||
        conv_param(c, in[4], "padding", wnsp, a.pad) ||
        conv_param(c, in[5], "output_padding", wnsp, a.opad) ||
        rt_arg_int(c, in[6], "groups", &a.groups) ||
        conv_param(c, in[7], "dilation", wnsp, a.dil))
        return -1;
    memcpy(a.pad_hi, a.pad, sizeof a.pad);
    return conv_call(c, &a, true, out);
}

int k_conv_transpose1d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return conv_transpose_nd(c, in, 1, out);
}

int k_conv_transpose2d(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return conv_transpose_nd(c, in, 2, out);
}
