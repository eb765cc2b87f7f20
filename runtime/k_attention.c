/*
 * k_attention.c — the fused attention kernels PyTorch's fast paths call:
 *   aten::_native_multi_head_attention  (nn.MultiheadAttention, eval)
 *   aten::_transformer_encoder_layer_fwd (nn.TransformerEncoderLayer, eval)
 * float32 and float64, dense [B, T, E] inputs (no nested tensors).
 *
 * Attention, per PyTorch 1.13 (attention.cpp):
 *   qkv[B*T, 3E] = [query·Wq^T | key·Wk^T | value·Wv^T] + qkv_bias
 *   per batch b and head h (dh = E / H):
 *     S = (Q_bh / sqrt(dh)) · K_bh^T            [T, T]
 *     P = masked_softmax(S)                      rows fully masked give NaN
 *     ctx[b, :, h*dh:(h+1)*dh] = P · V_bh
 *   out = ctx · proj_weight^T + proj_bias;  weights = P (averaged over heads
 *   when average_attn_weights) or None when need_weights is false.
 * Masks: mask_type 1 is a key padding mask [B, T], 2 a full [B, H, T, T]
 * mask (any mask that is not 2-D is treated as type 2), 0 (src_mask) is
 * refused on CPU as PyTorch does. True (or non-zero) means "masked out".
 *
 * Encoder layer: x = src; (norm_first: x = LN1(x)); a = MHA(x) + src;
 * (else a = LN1(a)); f = act(a'·W1^T + b1)·W2^T + b2 + a where a' = LN2(a)
 * when norm_first; (else f = LN2(f)). act is relu or exact (erf) gelu.
 */
/* Let GCC vectorize the activation and softmax loops at -O2: FP compares in
 * selects are if-converted only without trapping math, and the default -O2
 * cost model refuses loops that need an epilogue. Results are unchanged. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math", "vect-cost-model=dynamic")
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_gemm.h"
#include "rt_broadcast.h"
#include "rt_kernels.h"

/* ---- helpers ---- */

/* C[m, n] (ldc) = alpha * A[m, k] (lda) · op(B) + beta * C; op(B) = B[n, k]^T
 * when bt (row stride ldb), else B[k, n]. */
static int gemm(rt_dtype dt, bool bt, int64_t m, int64_t n, int64_t k, double alpha,
                const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c,
                int64_t ldc, rt_err *e)
{
    if (m == 0 || n == 0)
        return 0;
    if (dt == RT_F32)
        return rt_sgemm(false, bt, m, n, k, (float)alpha, a, lda, 1, b, ldb, 1, (float)beta, c,
                        ldc, 1, e);
    return rt_dgemm(false, bt, m, n, k, alpha, a, lda, 1, b, ldb, 1, beta, c, ldc, 1, e);
}

/* expf for softmax in a form the compiler vectorizes (Cephes polynomial,
 * about 1 ulp on the range softmax uses; exp(-inf) = 0, NaN stays NaN). */

#define ATTN_ROWS(T, S, EXP)                                                                    \
    /* x[r, :w] += bias[:w] for n rows of stride ld. */                                         \
    static void add_bias_##S(int64_t n, int64_t w, T *x, int64_t ld, const T *bias)             \
    {                                                                                           \
        for (int64_t r = 0; r < n; r++) {                                                       \
            T *p = x + r * ld;                                                                  \
            for (int64_t j = 0; j < w; j++)                                                     \
                p[j] += bias[j];                                                                \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* In-place softmax of one row; masked[j] != 0 drops j (masked may be NULL).                \
     * A row with nothing left becomes NaN, as PyTorch's CPU masked softmax; a NaN or           \
     * +inf score makes the row NaN through the sum. Eight accumulators keep the                \
     * reductions vectorizable without -ffast-math. */                                          \
    static void softmax_row_##S(T *x, int64_t n, const uint8_t *masked)                         \
    {                                                                                           \
        if (masked) {                                                                           \
            bool any = false;                                                                   \
            for (int64_t j = 0; j < n; j++) {                                                   \
                any |= !masked[j];                                                              \
                x[j] = masked[j] ? -(T)INFINITY : x[j];                                         \
            }                                                                                   \
            if (!any) {                                                                         \
                for (int64_t j = 0; j < n; j++)                                                 \
                    x[j] = (T)NAN;                                                              \
                return;                                                                         \
            }                                                                                   \
        }                                                                                       \
        T m8[8], s8[8];                                                                         \
        for (int k = 0; k < 8; k++)                                                             \
            m8[k] = -(T)INFINITY, s8[k] = 0;                                                    \
        int64_t n8 = n / 8 * 8;                                                                 \
        for (int64_t j = 0; j < n8; j += 8)                                                     \
            for (int k = 0; k < 8; k++)                                                         \
                m8[k] = x[j + k] > m8[k] ? x[j + k] : m8[k];                                    \
        for (int64_t j = n8; j < n; j++)                                                        \
            m8[0] = x[j] > m8[0] ? x[j] : m8[0];                                                \
        T mx = m8[0];                                                                           \
        for (int k = 1; k < 8; k++)                                                             \
            mx = m8[k] > mx ? m8[k] : mx;                                                       \
        for (int64_t j = 0; j < n; j++)                                                         \
            x[j] = EXP(x[j] - mx);                                                              \
        for (int64_t j = 0; j < n8; j += 8)                                                     \
            for (int k = 0; k < 8; k++)                                                         \
                s8[k] += x[j + k];                                                              \
        for (int64_t j = n8; j < n; j++)                                                        \
            s8[0] += x[j];                                                                      \
        T sum = ((s8[0] + s8[1]) + (s8[2] + s8[3])) + ((s8[4] + s8[5]) + (s8[6] + s8[7]));      \
        T inv = (T)1 / sum;                                                                     \
        for (int64_t j = 0; j < n; j++)                                                         \
            x[j] *= inv;                                                                        \
    }                                                                                           \
                                                                                                \
    /* LayerNorm of n rows of width w (contiguous), in place. */                                \
    static void layer_norm_##S(int64_t n, int64_t w, T *x, const T *g, const T *b, double eps)  \
    {                                                                                           \
        for (int64_t r = 0; r < n; r++) {                                                       \
            T *p = x + r * w;                                                                   \
            double mean = 0, var = 0;                                                           \
            for (int64_t j = 0; j < w; j++)                                                     \
                mean += p[j];                                                                   \
            mean /= (double)w;                                                                  \
            for (int64_t j = 0; j < w; j++) {                                                   \
                double d = p[j] - mean;                                                         \
                var += d * d;                                                                   \
            }                                                                                   \
            var /= (double)w;                                                                   \
            T rstd = (T)(1.0 / sqrt(var + eps)), m = (T)mean;                                   \
            for (int64_t j = 0; j < w; j++)                                                     \
                p[j] = (p[j] - m) * rstd * g[j] + b[j];                                         \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    static void activate_##S(int64_t n, T *x, bool gelu)                                       \
    {                                                                                           \
        if (gelu)                                                                               \
            for (int64_t j = 0; j < n; j++)                                                     \
                x[j] = (T)0.5 * x[j] * ((T)1 + (T)erf((double)x[j] * M_SQRT1_2));               \
        else                                                                                    \
            for (int64_t j = 0; j < n; j++)                                                     \
                x[j] = x[j] < (T)0 ? (T)0 : x[j];                                               \
    }                                                                                           \
                                                                                                \
    static void add_##S(int64_t n, T *x, const T *y)                                            \
    {                                                                                           \
        for (int64_t j = 0; j < n; j++)                                                         \
            x[j] += y[j];                                                                       \
    }

ATTN_ROWS(float, f32, rt_vexpf)
ATTN_ROWS(double, f64, exp)

#define DISPATCH(dt, fn, ...)                                                                   \
    do {                                                                                        \
        if ((dt) == RT_F32)                                                                     \
            fn##_f32(__VA_ARGS__);                                                              \
        else                                                                                    \
            fn##_f64(__VA_ARGS__);                                                              \
    } while (0)
#define P32(p) ((float *)(p))
#define P64(p) ((double *)(p))

/* ---- attention core ---- */

typedef struct mha {
    rt_dtype dt;
    size_t es;
    int64_t B, T, E, H;
    const char *q, *k, *v;        /* [B*T, E] contiguous; k/v may equal q       */
    const char *w, *bias;         /* [3E, E], [3E]                              */
    const char *pw, *pb;          /* [E, E], [E]                                */
    const uint8_t *kpm;           /* [B, T] key padding mask or NULL            */
    const uint8_t *full;          /* [B, H, T, T] mask or NULL                  */
    char *probs;                  /* [B, H, T, T] kept for the weights, or NULL */
    char *out;                    /* [B*T, E]                                   */
} mha;

/* Workspace elements mha_run needs: qkv [N, 3E] | ctx [N, E] | scores [T, T]. */
static int64_t mha_ws_elems(const mha *m)
{
    return m->B * m->T * 4 * m->E + (m->probs ? 0 : m->T * m->T);
}

/* Runs attention; ws is a workspace of mha_ws_elems elements, or NULL to
 * allocate one. */
static int mha_run(rt_ctx *c, const mha *m, char *ws)
{
    const int64_t B = m->B, T = m->T, E = m->E, H = m->H, dh = E / H, N = B * T, E3 = 3 * E;
    const size_t es = m->es;
    int rc = -1;
    char *own = NULL;
    if (!ws && !(ws = own = malloc((size_t)mha_ws_elems(m) * es + 1)))
        return rt_err_nomem(c->err);
    char *qkv = ws, *ctx = qkv + (size_t)(N * E3) * es, *scratch = ctx + (size_t)(N * E) * es;
    /* in-projection: one GEMM for self-attention, else three column blocks */
    if (m->q == m->k && m->k == m->v) {
        if (gemm(m->dt, true, N, E3, E, 1.0, m->q, E, m->w, E, 0.0, qkv, E3, c->err))
            goto out;
    } else {
        const char *src[3] = {m->q, m->k, m->v};
        for (int i = 0; i < 3; i++)
            if (gemm(m->dt, true, N, E, E, 1.0, src[i], E, m->w + (size_t)(i * E * E) * es, E,
                     0.0, qkv + (size_t)(i * E) * es, E3, c->err))
                goto out;
    }
    DISPATCH(m->dt, add_bias, N, E3, (void *)qkv, E3, (const void *)m->bias);

    const double scale = 1.0 / sqrt((double)dh);
    for (int64_t b = 0; b < B; b++) {
        const char *qb = qkv + (size_t)(b * T * E3) * es;
        for (int64_t h = 0; h < H; h++) {
            char *s = m->probs ? m->probs + (size_t)((b * H + h) * T * T) * es : scratch;
            const char *qh = qb + (size_t)(h * dh) * es;
            const char *kh = qh + (size_t)E * es, *vh = qh + (size_t)(2 * E) * es;
            if (gemm(m->dt, true, T, T, dh, scale, qh, E3, kh, E3, 0.0, s, T, c->err))
                goto out;
            for (int64_t i = 0; i < T; i++) {
                const uint8_t *mk = m->kpm ? m->kpm + b * T
                                  : m->full ? m->full + ((b * H + h) * T + i) * T
                                            : NULL;
                DISPATCH(m->dt, softmax_row, (void *)(s + (size_t)(i * T) * es), T, mk);
            }
            if (gemm(m->dt, false, T, dh, T, 1.0, s, T, vh, E3, 0.0,
                     ctx + (size_t)(b * T * E + h * dh) * es, E, c->err))
                goto out;
        }
    }
    if (gemm(m->dt, true, N, E, E, 1.0, ctx, E, m->pw, E, 0.0, m->out, E, c->err))
        goto out;
    DISPATCH(m->dt, add_bias, N, E, (void *)m->out, E, (const void *)m->pb);
    rc = 0;
out:
    free(own);
    return rc;
}

/* Checks the projection arguments shared by both ops (PyTorch's order and
 * wording); fills m's geometry. */
static int mha_check(rt_ctx *c, mha *m, rt_tensor *q, rt_tensor *k, rt_tensor *v, int64_t E,
                     int64_t H, rt_tensor *w, rt_tensor *bias, rt_tensor *pw, rt_tensor *pb)
{
    rt_err *e = c->err;
    if (q->ndim != 3)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected 3-D `query`, got %d-D tensor", q->ndim);
    if (q->shape[2] != E)
        return rt_err_set(e, TSJ_ERR_SHAPE,
                          "passed-in embed_dim %lld didn't match last dim of query %lld",
                          (long long)E, (long long)q->shape[2]);
    if (k->ndim != 3)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected 3-D `key`, got %d-D tensor", k->ndim);
    if (v->ndim != 3)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected 3-D `value`, got %d-D tensor", v->ndim);
    for (int i = 0; i < 3; i++)
        if (q->shape[i] != k->shape[i] || k->shape[i] != v->shape[i])
            return rt_err_set(e, TSJ_ERR_SHAPE, "expected `query`/`key`/`value` shapes to match");
    if (w->ndim != 2)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected 2-D `qkv_weight`, got %d-D tensor",
                          w->ndim);
    if (w->shape[0] != 3 * E)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected `qkv_weight` first dim to be 3x embed_dim");
    if (w->shape[1] != E)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected `qkv_weight` second dim to be embed_Dim");
    if (bias->ndim != 1)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected 2-D `qkv_bias`, got %d-D tensor",
                          bias->ndim);
    if (bias->shape[0] != 3 * E)
        return rt_err_set(e, TSJ_ERR_SHAPE,
                          "expected `qkv_bias` first dim and first dim of query to be equal");
    if (H <= 0 || E % H != 0)
        return rt_err_set(e, TSJ_ERR_SHAPE, "`embed_dim` must divide evenly by `num_heads`");
    if (pw->ndim != 2 || pw->shape[0] != E || pw->shape[1] != E)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected `proj_weight` of shape [%lld, %lld]",
                          (long long)E, (long long)E);
    if (pb->ndim != 1 || pb->shape[0] != E)
        return rt_err_set(e, TSJ_ERR_SHAPE, "expected `proj_bias` of shape [%lld]",
                          (long long)E);
    rt_dtype dt = (rt_dtype)q->dtype;
    if (dt != RT_F32 && dt != RT_F64)
        return rt_err_set(e, TSJ_ERR_TYPE,
                          "\"transform_bias_rescale_qkv\" not implemented for '%s'",
                          rt_gemm_type_name(dt));
    const rt_tensor *all[6] = {k, v, w, bias, pw, pb};
    for (int i = 0; i < 6; i++)
        if (all[i]->dtype != dt)
            return rt_err_set(e, TSJ_ERR_TYPE, "expected scalar type %s but found %s",
                              rt_gemm_type_name(dt), rt_gemm_type_name((rt_dtype)all[i]->dtype));
    m->dt = dt;
    m->es = rt_dtype_size(dt);
    m->B = q->shape[0];
    m->T = q->shape[1];
    m->E = E;
    m->H = H;
    return 0;
}

/* Validates the mask against PyTorch's rules and converts it to a bool
 * (uint8) buffer the caller frees: m->kpm or m->full. */
static int mha_mask(rt_ctx *c, mha *m, rt_tensor *mask, rt_value mask_type_v, uint8_t **buf)
{
    *buf = NULL;
    if (!mask)
        return 0;
    rt_err *e = c->err;
    if (mask->ndim == 2) {
        if (mask->shape[0] != m->B)
            return rt_err_set(e, TSJ_ERR_SHAPE,
                              "Expected attn_mask->sizes()[0] == batch_size to be true, but got "
                              "false.");
        if (mask->shape[1] != m->T)
            return rt_err_set(e, TSJ_ERR_SHAPE,
                              "Expected attn_mask->sizes()[1] == seq_len to be true, but got "
                              "false.");
    }
    int64_t mt;
    bool present;
    if (rt_arg_opt_int(c, mask_type_v, "mask_type", &mt, &present))
        return -1;
    if (!present)
        return rt_err_set(e, TSJ_ERR_SHAPE, "Mask Type should be defined");
    if (mt < 0 || mt > 2)
        return rt_err_set(e, TSJ_ERR_SHAPE,
                          "Mask Type should be 0 (src_mask) or 1 (src_key_padding_mask), or 2 "
                          "(default_mask)");
    if (mask->ndim != 2)
        mt = 2;
    if (mt == 2) {
        int64_t want[4] = {m->B, m->H, m->T, m->T};
        bool ok = mask->ndim == 4;
        for (int i = 0; ok && i < 4; i++)
            ok = mask->shape[i] == want[i];
        if (!ok)
            return rt_err_set(e, TSJ_ERR_SHAPE, "Mask shape should match input shape");
    } else if (mt == 0) {
        return rt_err_set(e, TSJ_ERR_UNSUPPORTED, "src_mask not currently supported on CPU");
    }
    int64_t n = rt_tensor_numel(mask);
    uint8_t *p = malloc((size_t)n + 1);
    if (!p)
        return rt_err_nomem(e);
    rt_iter it;
    rt_iter_init(&it, mask->ndim, mask->shape, mask->strides);
    const char *base = rt_tensor_data(mask);
    rt_dtype md = (rt_dtype)mask->dtype;
    size_t mes = rt_dtype_size(md);
    for (int64_t i = 0; i < n; i++) {
        const char *x = base + it.off * (int64_t)mes;
        p[i] = md == RT_BOOL_ ? *(const uint8_t *)x != 0 : rt_load_f64(x, md) != 0;
        rt_iter_next(&it);
    }
    if (mt == 1)
        m->kpm = p;
    else
        m->full = p;
    *buf = p;
    return 0;
}

/* _native_multi_head_attention(Tensor query, Tensor key, Tensor value, int embed_dim,
 *   int num_head, Tensor qkv_weight, Tensor qkv_bias, Tensor proj_weight, Tensor proj_bias,
 *   Tensor? mask=None, bool need_weights=True, bool average_attn_weights=True,
 *   int? mask_type=None) -> (Tensor, Tensor) */
int k__native_multi_head_attention(rt_ctx *c, const rt_value *in, int nin, rt_value *out,
                                   int nout)
{
    rt_tensor *q, *k, *v, *w, *bias, *pw, *pb, *mask;
    int64_t E, H;
    bool need_weights, average;
    if (rt_arg_tensor(c, in[0], "query", &q) || rt_arg_tensor(c, in[1], "key", &k) ||
        rt_arg_tensor(c, in[2], "value", &v) || rt_arg_int(c, in[3], "embed_dim", &E) ||
        rt_arg_int(c, in[4], "num_head", &H) || rt_arg_tensor(c, in[5], "qkv_weight", &w) ||
        rt_arg_tensor(c, in[6], "qkv_bias", &bias) ||
        rt_arg_tensor(c, in[7], "proj_weight", &pw) ||
        rt_arg_tensor(c, in[8], "proj_bias", &pb) || rt_arg_opt_tensor(c, in[9], "mask", &mask) ||
        rt_arg_bool(c, in[10], "need_weights", &need_weights) ||
        rt_arg_bool(c, in[11], "average_attn_weights", &average))
        return -1;
    mha m = {0};
    if (mha_check(c, &m, q, k, v, E, H, w, bias, pw, pb))
        return -1;
    int64_t osh[3] = {m.B, m.T, E};
    if (m.B * m.T == 0) {
        rt_tensor *o = rt_tensor_new(m.dt, 3, osh, c->err);
        if (!o)
            return -1;
        rt_out_tensor(&out[0], o);
        out[1] = rt_none();
        return 0;
    }
    uint8_t *maskbuf = NULL;
    if (mha_mask(c, &m, mask, in[12], &maskbuf))
        return -1;

    int rc = -1;
    rt_tensor *tq = NULL, *tk = NULL, *tv = NULL, *tw = NULL, *tb = NULL, *tpw = NULL,
              *tpb = NULL, *o = NULL, *probs = NULL, *wout = NULL;
    if (!(tq = rt_tensor_contiguous(q, c->err)) ||
        !(tk = k == q ? (rt_tensor_retain(tq), tq) : rt_tensor_contiguous(k, c->err)) ||
        !(tv = v == q ? (rt_tensor_retain(tq), tq)
               : v == k ? (rt_tensor_retain(tk), tk)
                        : rt_tensor_contiguous(v, c->err)) ||
        !(tw = rt_tensor_contiguous(w, c->err)) || !(tb = rt_tensor_contiguous(bias, c->err)) ||
        !(tpw = rt_tensor_contiguous(pw, c->err)) || !(tpb = rt_tensor_contiguous(pb, c->err)) ||
        !(o = rt_tensor_empty(m.dt, 3, osh, c->err)))
        goto out;
    if (need_weights) {
        int64_t psh[4] = {m.B, m.H, m.T, m.T};
        if (!(probs = rt_tensor_empty(m.dt, 4, psh, c->err)))
            goto out;
        m.probs = rt_tensor_data(probs);
    }
    m.q = rt_tensor_data(tq);
    m.k = rt_tensor_data(tk);
    m.v = rt_tensor_data(tv);
    m.w = rt_tensor_data(tw);
    m.bias = rt_tensor_data(tb);
    m.pw = rt_tensor_data(tpw);
    m.pb = rt_tensor_data(tpb);
    m.out = rt_tensor_data(o);
    if (mha_run(c, &m, NULL))
        goto out;
    if (need_weights && average) {
        int64_t wsh[3] = {m.B, m.T, m.T}, TT = m.T * m.T;
        if (!(wout = rt_tensor_new(m.dt, 3, wsh, c->err)))
            goto out;
        for (int64_t b = 0; b < m.B; b++)
            for (int64_t h = 0; h < m.H; h++) {
                char *dst = (char *)rt_tensor_data(wout) + (size_t)(b * TT) * m.es;
                char *src = m.probs + (size_t)((b * m.H + h) * TT) * m.es;
                DISPATCH(m.dt, add, TT, (void *)dst, (const void *)src);
            }
        int64_t n = m.B * TT;
        if (m.dt == RT_F32)
            for (int64_t i = 0; i < n; i++)
                P32(rt_tensor_data(wout))[i] /= (float)m.H;
        else
            for (int64_t i = 0; i < n; i++)
                P64(rt_tensor_data(wout))[i] /= (double)m.H;
    } else if (need_weights) {
        wout = probs;
        probs = NULL;
    }
    rt_out_tensor(&out[0], o);
    o = NULL;
    out[1] = wout ? rt_tensor_value(wout) : rt_none();
    wout = NULL;
    rc = 0;
out:;
    rt_tensor *all[] = {tq, tk, tv, tw, tb, tpw, tpb, o, probs, wout};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        rt_tensor_release(all[i]);
    free(maskbuf);
    return rc;
}

static int vec_check(rt_ctx *c, const rt_tensor *t, const char *name, rt_dtype dt, int64_t n0,
                     int64_t n1)
{
    bool ok = n1 ? (t->ndim == 2 && t->shape[0] == n0 && t->shape[1] == n1)
                 : (t->ndim == 1 && t->shape[0] == n0);
    if (!ok) {
        char want[64], got[64];
        int64_t sh[2] = {n0, n1};
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "expected `%s` of shape %s, got %s", name,
                          rt_shape_str(n1 ? 2 : 1, sh, want, sizeof want),
                          rt_shape_str(t->ndim, t->shape, got, sizeof got));
    }
    if (t->dtype != dt)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected scalar type %s but found %s",
                          rt_gemm_type_name(dt), rt_gemm_type_name((rt_dtype)t->dtype));
    return 0;
}

/* _transformer_encoder_layer_fwd(Tensor src, int embed_dim, int num_heads, Tensor qkv_weight,
 *   Tensor qkv_bias, Tensor proj_weight, Tensor proj_bias, bool use_gelu, bool norm_first,
 *   float eps, Tensor norm_weight_1, Tensor norm_bias_1, Tensor norm_weight_2,
 *   Tensor norm_bias_2, Tensor ffn_weight_1, Tensor ffn_bias_1, Tensor ffn_weight_2,
 *   Tensor ffn_bias_2, Tensor? mask=None, int? mask_type=None) -> Tensor */
int k__transformer_encoder_layer_fwd(rt_ctx *c, const rt_value *in, int nin, rt_value *out,
                                     int nout)
{
    rt_tensor *src, *w, *bias, *pw, *pb, *n1w, *n1b, *n2w, *n2b, *f1w, *f1b, *f2w, *f2b, *mask;
    int64_t E, H;
    bool use_gelu, norm_first;
    double eps;
    if (rt_arg_tensor(c, in[0], "src", &src) || rt_arg_int(c, in[1], "embed_dim", &E) ||
        rt_arg_int(c, in[2], "num_heads", &H) || rt_arg_tensor(c, in[3], "qkv_weight", &w) ||
        rt_arg_tensor(c, in[4], "qkv_bias", &bias) ||
        rt_arg_tensor(c, in[5], "proj_weight", &pw) ||
        rt_arg_tensor(c, in[6], "proj_bias", &pb) || rt_arg_bool(c, in[7], "use_gelu", &use_gelu) ||
        rt_arg_bool(c, in[8], "norm_first", &norm_first) || rt_arg_double(c, in[9], "eps", &eps) ||
        rt_arg_tensor(c, in[10], "norm_weight_1", &n1w) ||
        rt_arg_tensor(c, in[11], "norm_bias_1", &n1b) ||
        rt_arg_tensor(c, in[12], "norm_weight_2", &n2w) ||
        rt_arg_tensor(c, in[13], "norm_bias_2", &n2b) ||
        rt_arg_tensor(c, in[14], "ffn_weight_1", &f1w) ||
        rt_arg_tensor(c, in[15], "ffn_bias_1", &f1b) ||
        rt_arg_tensor(c, in[16], "ffn_weight_2", &f2w) ||
        rt_arg_tensor(c, in[17], "ffn_bias_2", &f2b) ||
        rt_arg_opt_tensor(c, in[18], "mask", &mask))
        return -1;
    if (rt_tensor_numel(src) == 0) {
        rt_tensor *o = rt_tensor_clone(src, c->err);
        if (!o)
            return -1;
        rt_out_tensor(&out[0], o);
        return 0;
    }
    mha m = {0};
    if (mha_check(c, &m, src, src, src, E, H, w, bias, pw, pb))
        return -1;
    int64_t F = f1w->ndim == 2 ? f1w->shape[0] : -1;
    if (vec_check(c, n1w, "norm_weight_1", m.dt, E, 0) ||
        vec_check(c, n1b, "norm_bias_1", m.dt, E, 0) ||
        vec_check(c, n2w, "norm_weight_2", m.dt, E, 0) ||
        vec_check(c, n2b, "norm_bias_2", m.dt, E, 0) ||
        vec_check(c, f1w, "ffn_weight_1", m.dt, F, E) ||
        vec_check(c, f1b, "ffn_bias_1", m.dt, F, 0) ||
        vec_check(c, f2w, "ffn_weight_2", m.dt, E, F) ||
        vec_check(c, f2b, "ffn_bias_2", m.dt, E, 0))
        return -1;
    uint8_t *maskbuf = NULL;
    if (mha_mask(c, &m, mask, in[19], &maskbuf))
        return -1;

    const int64_t N = m.B * m.T;
    const size_t es = m.es;
    int rc = -1;
    char *xn = NULL, *hid, *y;
    rt_tensor *held[13] = {0};
    rt_tensor *const args[13] = {src, w, bias, pw, pb, n1w, n1b, n2w, n2b, f1w, f1b, f2w, f2b};
    for (int i = 0; i < 13; i++)
        if (!(held[i] = rt_tensor_contiguous(args[i], c->err)))
            goto out;
#define D(i) ((const void *)rt_tensor_data(held[i]))
    int64_t osh[3] = {m.B, m.T, E};
    rt_tensor *o = rt_tensor_empty(m.dt, 3, osh, c->err);
    if (!o)
        goto out;
    char *x = rt_tensor_data(o); /* the residual stream, [N, E] */
    /* one workspace: xn [N, E], then the attention's (mha_ws_elems), which the
     * feed-forward block reuses as hid [N, F] | y [N, E] */
    int64_t ws_att = mha_ws_elems(&m), ws_ffn = N * F + N * E;
    if (!(xn = malloc((size_t)(N * E + (ws_att > ws_ffn ? ws_att : ws_ffn)) * es))) {
        rt_err_nomem(c->err);
        goto out_o;
    }
    char *ws = xn + (size_t)(N * E) * es;
    hid = ws;
    y = hid + (size_t)(N * F) * es;
    /* attention block */
    const char *ain = D(0);
    if (norm_first) {
        memcpy(xn, D(0), (size_t)(N * E) * es);
        DISPATCH(m.dt, layer_norm, N, E, (void *)xn, D(5), D(6), eps);
        ain = xn;
    }
    m.q = m.k = m.v = ain;
    m.w = D(1);
    m.bias = D(2);
    m.pw = D(3);
    m.pb = D(4);
    m.out = x;
    if (mha_run(c, &m, ws))
        goto out_o;
    DISPATCH(m.dt, add, N * E, (void *)x, D(0));
    if (!norm_first)
        DISPATCH(m.dt, layer_norm, N, E, (void *)x, D(5), D(6), eps);
    /* feed-forward block */
    const char *fin = x;
    if (norm_first) {
        memcpy(xn, x, (size_t)(N * E) * es);
        DISPATCH(m.dt, layer_norm, N, E, (void *)xn, D(7), D(8), eps);
        fin = xn;
    }
    if (gemm(m.dt, true, N, F, E, 1.0, fin, E, D(9), E, 0.0, hid, F, c->err))
        goto out_o;
    DISPATCH(m.dt, add_bias, N, F, (void *)hid, F, D(10));
    DISPATCH(m.dt, activate, N * F, (void *)hid, use_gelu);
    if (gemm(m.dt, true, N, E, F, 1.0, hid, F, D(11), F, 0.0, y, E, c->err))
        goto out_o;
    DISPATCH(m.dt, add_bias, N, E, (void *)y, E, D(12));
    DISPATCH(m.dt, add, N * E, (void *)x, (const void *)y);
    if (!norm_first)
        DISPATCH(m.dt, layer_norm, N, E, (void *)x, D(7), D(8), eps);
#undef D
    rt_out_tensor(&out[0], o);
    rc = 0;
    goto out;
out_o:
    rt_tensor_release(o);
out:
    for (int i = 0; i < 13; i++)
        rt_tensor_release(held[i]);
    free(xn);
    free(maskbuf);
    return rc;
}
