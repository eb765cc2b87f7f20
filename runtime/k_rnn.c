/*
 * k_rnn.c — recurrent layers and packed sequences:
 *   aten::lstm / gru / rnn_tanh / rnn_relu, each as .input (padded, optionally
 *   batch_first) and .data (packed: data + batch_sizes);
 *   aten::_pack_padded_sequence, aten::_pad_packed_sequence, aten::pad_sequence.
 *
 * One driver (rnn_run) serves every cell type, float32 and float64. A
 * sequence is a list of rows: step t owns bs[t] consecutive rows starting at
 * row off[t] (padded input: bs[t] = B, off[t] = t * B; packed input: the
 * batch_sizes tensor, non-increasing). Per layer and direction:
 *   pre[N, G*H] = X · W_ih^T + bias           one GEMM for all steps
 *   for each step (reversed for the backward direction):
 *     gates = pre[rows of t] + h[0:bs[t]] · W_hh^T      one GEMM per step
 *     cell update of h[0:bs[t]] (and c) in place; rows copied to the output.
 * The state h/c lives directly in the hy/cy results, initialised from hx:
 * rows past bs[t] keep their last value (forward direction of a packed
 * sequence) or their initial value until their first step (backward), which
 * is exactly PyTorch's packed semantics, so padded and packed share the code.
 *
 * Params follow PyTorch's flat weights list per layer and direction:
 * w_ih [G*H, in], w_hh [G*H, P], (b_ih [G*H], b_hh [G*H] if has_biases),
 * (w_hr [P, H] for LSTM with proj_size; then P = proj_size, else P = H).
 * Gate order: LSTM i,f,g,o; GRU r,z,n with n = tanh(W_in x + b_in +
 * r * (W_hn h + b_hn)).
 */
/* Let GCC vectorize the activation and softmax loops at -O2: FP compares in
 * selects are if-converted only without trapping math, and the default -O2
 * cost model refuses loops that need an epilogue. Results are unchanged. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math", "vect-cost-model=dynamic")
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_broadcast.h"
#include "rt_gemm.h"
#include "rt_kernels.h"

/* ---- small helpers ---- */

/* C[m, n] (row stride ldc) = A[m, k] (lda) · B[n, k]^T (ldb) + beta * C. */
static int gemm_nt(rt_dtype dt, int64_t m, int64_t n, int64_t k, const void *a, int64_t lda,
                   const void *b, int64_t ldb, double beta, void *c, int64_t ldc, rt_err *e)
{
    if (m == 0 || n == 0)
        return 0;
    if (dt == RT_F32)
        return rt_sgemm(false, true, m, n, k, 1.0f, a, lda, 1, b, ldb, 1, (float)beta, c, ldc, 1,
                        e);
    return rt_dgemm(false, true, m, n, k, 1.0, a, lda, 1, b, ldb, 1, beta, c, ldc, 1, e);
}

/* "(2, 3, 16)" as Python prints a tuple. */
static const char *tuple_str(int n, const int64_t *v, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    k += (size_t)snprintf(buf + k, size - k, "(");
    for (int i = 0; i < n && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%lld", i ? ", " : "", (long long)v[i]);
    if (k < size)
        snprintf(buf + k, size - k, ")");
    return buf;
}

/* PyTorch's checkLongTensor. */
static int check_long_1d(rt_ctx *c, const rt_tensor *t)
{
    if (t->ndim == 1 && t->dtype == RT_I64)
        return 0;
    return rt_err_set(c->err, TSJ_ERR_TYPE,
                      "'lengths' argument should be a 1D CPU int64 tensor, but got %dD cpu %s "
                      "tensor",
                      t->ndim, rt_gemm_type_name((rt_dtype)t->dtype));
}

static inline int64_t i64_at(const rt_tensor *t, int64_t i)
{
    return ((const int64_t *)rt_tensor_data(t))[i * t->strides[0]];
}

/* ---- cell math (float and double) ---- */

/* float exp, sigmoid and tanh in forms GCC vectorizes without -ffast-math
 * (libm's scalar calls otherwise dominate small and medium cells). exp is
 * Cephes' polynomial (about 1 ulp; exp(-inf) = 0, NaN stays NaN); tanh uses
 * Cephes' odd polynomial below 0.625 and 1 - 2 / (exp(2|x|) + 1) above. exp is
 * rt_vexpf (rt_broadcast.h), inline so that loops vectorize. */

static inline float tanh_f32(float x)
{
    float a = x < 0 ? -x : x, z = x * x;
    float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z +
                    1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
    float big = 1.0f - 2.0f / (rt_vexpf(2.0f * a) + 1.0f);
    big = x < 0 ? -big : big;
    return a < 0.625f ? small : big;
}

#define RNN_CELLS(T, S, EXP, TANH)                                                              \
    static inline T sigm_##S(T x) { return (T)1 / ((T)1 + EXP(-x)); }                           \
                                                                                                \
    /* pre[n, w] += bias[w] for every row. */                                                   \
    static void add_bias_##S(int64_t n, int64_t w, T *pre, const T *bias)                       \
    {                                                                                           \
        for (int64_t r = 0; r < n; r++) {                                                       \
            T *p = pre + r * w;                                                                 \
            for (int64_t j = 0; j < w; j++)                                                     \
                p[j] += bias[j];                                                                \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* g[b, 4H] = i,f,g,o preactivations; updates c[b, H]; h[b, :H] (row stride ldh). */       \
    static void lstm_cell_##S(int64_t bt, int64_t H, const T *g, T *c, T *h, int64_t ldh)       \
    {                                                                                           \
        for (int64_t b = 0; b < bt; b++) {                                                      \
            const T *gi = g + b * 4 * H, *gf = gi + H, *gg = gi + 2 * H, *go = gi + 3 * H;      \
            T *cb = c + b * H, *hb = h + b * ldh;                                               \
            for (int64_t j = 0; j < H; j++) {                                                   \
                T cn = sigm_##S(gf[j]) * cb[j] + sigm_##S(gi[j]) * TANH(gg[j]);                 \
                cb[j] = cn;                                                                     \
                hb[j] = sigm_##S(go[j]) * TANH(cn);                                             \
            }                                                                                   \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    /* gi[b, 3H] = x part (+ b_ih, b_hr, b_hz); gh[b, 3H] = h · W_hh^T; bhn may be NULL. */     \
    static void gru_cell_##S(int64_t bt, int64_t H, const T *gi, const T *gh, const T *bhn,     \
                             T *h)                                                              \
    {                                                                                           \
        for (int64_t b = 0; b < bt; b++) {                                                      \
            const T *xi = gi + b * 3 * H, *hi = gh + b * 3 * H;                                 \
            T *hb = h + b * H;                                                                  \
            for (int64_t j = 0; j < H; j++) {                                                   \
                T r = sigm_##S(xi[j] + hi[j]);                                                  \
                T z = sigm_##S(xi[H + j] + hi[H + j]);                                          \
                T hn = hi[2 * H + j] + (bhn ? bhn[j] : (T)0);                                   \
                T n = TANH(xi[2 * H + j] + r * hn);                                             \
                hb[j] = n + z * (hb[j] - n);                                                    \
            }                                                                                   \
        }                                                                                       \
    }                                                                                           \
                                                                                                \
    static void elman_cell_##S(int64_t bt, int64_t H, const T *g, T *h, bool relu)              \
    {                                                                                           \
        int64_t n = bt * H;                                                                     \
        if (relu)                                                                               \
            for (int64_t j = 0; j < n; j++)                                                     \
                h[j] = g[j] < (T)0 ? (T)0 : g[j];                                               \
        else                                                                                    \
            for (int64_t j = 0; j < n; j++)                                                     \
                h[j] = TANH(g[j]);                                                              \
    }

RNN_CELLS(float, f32, rt_vexpf, tanh_f32)
RNN_CELLS(double, f64, exp, tanh)

/* ---- the recurrent driver ---- */

typedef enum { RNN_LSTM, RNN_GRU, RNN_TANH, RNN_RELU } rnn_mode;

static const char *const rnn_names[] = {"lstm", "gru", "rnn_tanh", "rnn_relu"};

typedef struct rnn_spec {
    rnn_mode mode;
    int G;                /* gates: 4, 3, 1                          */
    rt_dtype dt;
    size_t es;            /* element size                            */
    int64_t L, D, In;     /* layers, directions, input features      */
    int64_t H, P;         /* hidden size, output size (proj or H)    */
    bool bias, proj;
    int64_t T, B, N;      /* steps, max batch, total rows            */
    int64_t *bs, *off;    /* [T] rows per step and first row         */
    rt_tensor **w;        /* [L*D*np] contiguous params (held)       */
    int np;               /* params per layer and direction          */
} rnn_spec;

enum { W_IH, W_HH, B_IH, B_HH, W_HR };

static rt_tensor *param(const rnn_spec *s, int64_t l, int64_t d, int which)
{
    int64_t base = (l * s->D + d) * s->np;
    if (which == W_HR)
        return s->w[base + (s->bias ? 4 : 2)];
    if ((which == B_IH || which == B_HH) && !s->bias)
        return NULL;
    return s->w[base + which];
}

static int shape_is(const rt_tensor *t, int n, int64_t d0, int64_t d1)
{
    return t->ndim == n && t->shape[0] == d0 && (n < 2 || t->shape[1] == d1);
}

/* Reads and checks params; fills s->w, H, P. */
static int rnn_params(rt_ctx *c, rnn_spec *s, rt_list *params)
{
    int np0 = s->bias ? 4 : 2;
    int64_t count = (int64_t)params->len;
    if (count == s->L * s->D * np0)
        s->proj = false;
    else if (s->mode == RNN_LSTM && count == s->L * s->D * (np0 + 1))
        s->proj = true;
    else
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "got an incorrect number of RNN parameters");
    s->np = np0 + (s->proj ? 1 : 0);
    s->w = calloc((size_t)count ? (size_t)count : 1, sizeof *s->w);
    if (!s->w)
        return rt_err_nomem(c->err);
    for (int64_t i = 0; i < count; i++) {
        rt_tensor *t = params->items[i].u.tensor;
        if (t->dtype != s->dt)
            return rt_err_set(c->err, TSJ_ERR_TYPE, "mat1 and mat2 must have the same dtype");
        if (!(s->w[i] = rt_tensor_contiguous(t, c->err)))
            return -1;
    }
    rt_tensor *w0 = s->w[0];
    if (w0->ndim != 2 || w0->shape[0] % s->G != 0 || w0->shape[0] == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "%s: weight_ih_l0 must have shape [%d * hidden_size, input_size]",
                          rnn_names[s->mode], s->G);
    s->H = w0->shape[0] / s->G;
    s->P = s->proj ? (s->w[s->np - 1]->ndim == 2 ? s->w[s->np - 1]->shape[0] : -1) : s->H;
    if (w0->shape[1] != s->In)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "input.size(-1) must be equal to input_size. Expected %lld, got %lld",
                          (long long)w0->shape[1], (long long)s->In);
    int64_t GH = s->G * s->H;
    char buf[64];
    for (int64_t l = 0; l < s->L; l++)
        for (int64_t d = 0; d < s->D; d++) {
            int64_t in = l == 0 ? s->In : s->D * s->P;
            const char *sfx = d ? "_reverse" : "";
            rt_tensor *t;
            if (!shape_is(t = param(s, l, d, W_IH), 2, GH, in))
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "%s: weight_ih_l%lld%s has shape %s, expected [%lld, %lld]",
                                  rnn_names[s->mode], (long long)l, sfx,
                                  rt_shape_str(t->ndim, t->shape, buf, sizeof buf),
                                  (long long)GH, (long long)in);
            if (!shape_is(t = param(s, l, d, W_HH), 2, GH, s->P))
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "%s: weight_hh_l%lld%s has shape %s, expected [%lld, %lld]",
                                  rnn_names[s->mode], (long long)l, sfx,
                                  rt_shape_str(t->ndim, t->shape, buf, sizeof buf),
                                  (long long)GH, (long long)s->P);
            for (int k = B_IH; s->bias && k <= B_HH; k++)
                if (!shape_is(t = param(s, l, d, k), 1, GH, 0))
                    return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                      "%s: bias_%s_l%lld%s has shape %s, expected [%lld]",
                                      rnn_names[s->mode], k == B_IH ? "ih" : "hh", (long long)l,
                                      sfx, rt_shape_str(t->ndim, t->shape, buf, sizeof buf),
                                      (long long)GH);
            if (s->proj && !shape_is(t = param(s, l, d, W_HR), 2, s->P, s->H))
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "%s: weight_hr_l%lld%s has shape %s, expected [%lld, %lld]",
                                  rnn_names[s->mode], (long long)l, sfx,
                                  rt_shape_str(t->ndim, t->shape, buf, sizeof buf),
                                  (long long)s->P, (long long)s->H);
        }
    return 0;
}

/* Checks one initial state against (L*D, B, width) and dtype. */
static int check_hidden(rt_ctx *c, const rnn_spec *s, const rt_tensor *h, const char *label,
                        int64_t width)
{
    int64_t want[3] = {s->L * s->D, s->B, width};
    bool ok = h->ndim == 3;
    for (int i = 0; ok && i < 3; i++)
        ok = h->shape[i] == want[i];
    if (!ok) {
        char a[96], b[96];
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "Expected %s size %s, got %s", label,
                          tuple_str(3, want, a, sizeof a),
                          rt_shape_str(h->ndim, h->shape, b, sizeof b));
    }
    if (h->dtype != s->dt)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "mat1 and mat2 must have the same dtype");
    return 0;
}

/* One layer and direction: reads x [N, in], writes columns [d*P, (d+1)*P)
 * of y [N, D*P]; h [B, P] and c [B, H] hold the state (updated in place).
 * work: pre [N, GH], gh [B, GH] (GRU), tmp [B, H] (proj). */
static int rnn_layer_dir(rt_ctx *c, const rnn_spec *s, int64_t l, int64_t d, const char *x,
                         int64_t in, char *y, char *h, char *cs, char *pre, char *gh, char *tmp)
{
    const int64_t GH = s->G * s->H, H = s->H, P = s->P, DP = s->D * s->P;
    const size_t es = s->es;
    const bool f32 = s->dt == RT_F32;
    rt_tensor *w_ih = param(s, l, d, W_IH), *w_hh = param(s, l, d, W_HH);
    rt_tensor *b_ih = param(s, l, d, B_IH), *b_hh = param(s, l, d, B_HH);
    const char *whh = rt_tensor_data(w_hh);

    if (gemm_nt(s->dt, s->N, GH, in, x, in, rt_tensor_data(w_ih), in, 0.0, pre, GH, c->err))
        return -1;
    const char *bhn = NULL;
    if (s->bias) {
        /* Fold b_ih and b_hh into pre, except GRU's b_hn which sits inside r * (.). */
        char *bsum = malloc((size_t)GH * es);
        if (!bsum)
            return rt_err_nomem(c->err);
        int64_t nh = s->mode == RNN_GRU ? 2 * H : GH;
        const char *bi = rt_tensor_data(b_ih), *bh = rt_tensor_data(b_hh);
        for (int64_t j = 0; j < GH; j++) {
            if (f32)
                ((float *)bsum)[j] = ((const float *)bi)[j] + (j < nh ? ((const float *)bh)[j] : 0);
            else
                ((double *)bsum)[j] =
                    ((const double *)bi)[j] + (j < nh ? ((const double *)bh)[j] : 0);
        }
        if (f32)
            add_bias_f32(s->N, GH, (float *)pre, (const float *)bsum);
        else
            add_bias_f64(s->N, GH, (double *)pre, (const double *)bsum);
        free(bsum);
        if (s->mode == RNN_GRU)
            bhn = bh + (size_t)(2 * H) * es;
    }

    for (int64_t step = 0; step < s->T; step++) {
        int64_t t = d == 0 ? step : s->T - 1 - step;
        int64_t bt = s->bs[t];
        char *g = pre + (size_t)(s->off[t] * GH) * es;
        switch (s->mode) {
        case RNN_LSTM:
            if (gemm_nt(s->dt, bt, GH, P, h, P, whh, P, 1.0, g, GH, c->err))
                return -1;
            if (s->proj) {
                if (f32)
                    lstm_cell_f32(bt, H, (float *)g, (float *)cs, (float *)tmp, H);
                else
                    lstm_cell_f64(bt, H, (double *)g, (double *)cs, (double *)tmp, H);
                if (gemm_nt(s->dt, bt, P, H, tmp, H, rt_tensor_data(param(s, l, d, W_HR)), H,
                            0.0, h, P, c->err))
                    return -1;
            } else if (f32) {
                lstm_cell_f32(bt, H, (float *)g, (float *)cs, (float *)h, P);
            } else {
                lstm_cell_f64(bt, H, (double *)g, (double *)cs, (double *)h, P);
            }
            break;
        case RNN_GRU:
            if (gemm_nt(s->dt, bt, GH, P, h, P, whh, P, 0.0, gh, GH, c->err))
                return -1;
            if (f32)
                gru_cell_f32(bt, H, (float *)g, (float *)gh, (const float *)bhn, (float *)h);
            else
                gru_cell_f64(bt, H, (double *)g, (double *)gh, (const double *)bhn, (double *)h);
            break;
        case RNN_TANH:
        case RNN_RELU:
            if (gemm_nt(s->dt, bt, GH, P, h, P, whh, P, 1.0, g, GH, c->err))
                return -1;
            if (f32)
                elman_cell_f32(bt, H, (float *)g, (float *)h, s->mode == RNN_RELU);
            else
                elman_cell_f64(bt, H, (double *)g, (double *)h, s->mode == RNN_RELU);
            break;
        }
        char *yr = y + (size_t)(s->off[t] * DP + d * P) * es;
        for (int64_t b = 0; b < bt; b++)
            memcpy(yr + (size_t)(b * DP) * es, h + (size_t)(b * P) * es, (size_t)P * es);
    }
    return 0;
}

/* Runs every layer: x0 [N, In] contiguous; y [N, D*P] (result rows);
 * hy [L*D, B, P], cy [L*D, B, H] (NULL unless LSTM) already hold hx/cx. */
static int rnn_layers(rt_ctx *c, const rnn_spec *s, const char *x0, char *y, char *hy, char *cy)
{
    const int64_t GH = s->G * s->H, DP = s->D * s->P;
    const size_t es = s->es;
    int rc = -1;
    char *pre = malloc((size_t)(s->N * GH) * es + 1);
    char *gh = malloc((size_t)(s->B * GH) * es + 1);
    char *tmp = malloc((size_t)(s->B * s->H) * es + 1);
    char *mid[2] = {NULL, NULL};
    if (!pre || !gh || !tmp)
        goto nomem;
    if (s->L > 1)
        for (int i = 0; i < (s->L > 2 ? 2 : 1); i++)
            if (!(mid[i] = malloc((size_t)(s->N * DP) * es + 1)))
                goto nomem;
    const char *x = x0;
    for (int64_t l = 0; l < s->L; l++) {
        char *yl = l == s->L - 1 ? y : mid[l % 2];
        int64_t in = l == 0 ? s->In : DP;
        for (int64_t d = 0; d < s->D; d++) {
            int64_t k = l * s->D + d;
            char *h = hy + (size_t)(k * s->B * s->P) * es;
            char *cs = cy ? cy + (size_t)(k * s->B * s->H) * es : NULL;
            if (rnn_layer_dir(c, s, l, d, x, in, yl, h, cs, pre, gh, tmp))
                goto out;
        }
        x = yl;
    }
    rc = 0;
    goto out;
nomem:
    rc = rt_err_nomem(c->err);
out:
    free(pre);
    free(gh);
    free(tmp);
    free(mid[0]);
    free(mid[1]);
    return rc;
}

/* Copies an initial state into a new contiguous result tensor. */
static rt_tensor *state_copy(const rt_tensor *h, rt_err *e) { return rt_tensor_clone(h, e); }

/* The common kernel: `packed` selects the .data schema. */
static int rnn_run(rt_ctx *c, rnn_mode mode, bool packed, const rt_value *in, rt_value *out,
                   int nout)
{
    rnn_spec s = {.mode = mode, .G = mode == RNN_LSTM ? 4 : mode == RNN_GRU ? 3 : 1};
    rt_tensor *input, *bst = NULL, *hx = NULL, *cx = NULL;
    rt_list *params, *hxl = NULL;
    bool has_biases, train, bidir, batch_first = false;
    int64_t num_layers;
    double dropout;
    int a = 0;
    if (rt_arg_tensor(c, in[a++], "input", &input))
        return -1;
    if (packed && rt_arg_tensor(c, in[a++], "batch_sizes", &bst))
        return -1;
    if (mode == RNN_LSTM ? rt_arg_tensorlist(c, in[a++], "hx", &hxl)
                         : rt_arg_tensor(c, in[a++], "hx", &hx))
        return -1;
    if (rt_arg_tensorlist(c, in[a++], "params", &params) ||
        rt_arg_bool(c, in[a++], "has_biases", &has_biases) ||
        rt_arg_int(c, in[a++], "num_layers", &num_layers) ||
        rt_arg_double(c, in[a++], "dropout", &dropout) ||
        rt_arg_bool(c, in[a++], "train", &train) ||
        rt_arg_bool(c, in[a++], "bidirectional", &bidir))
        return -1;
    if (!packed && rt_arg_bool(c, in[a++], "batch_first", &batch_first))
        return -1;
    if (hxl) {
        if (hxl->len != 2)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "lstm expects two hidden states");
        hx = hxl->items[0].u.tensor;
        cx = hxl->items[1].u.tensor;
    }
    if (num_layers < 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "num_layers must be at least 1, got %lld",
                          (long long)num_layers);
    if (train && dropout > 0 && num_layers > 1)
        return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED,
                          "%s: dropout in training mode is not supported (train=True, "
                          "dropout=%g)",
                          rnn_names[mode], dropout);
    int want_dim = packed ? 2 : 3;
    if (input->ndim != want_dim)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "input must have %d dimensions, got %d",
                          want_dim, input->ndim);
    if (input->dtype != RT_F32 && input->dtype != RT_F64)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "%s: expected a Float or Double input, got %s",
                          rnn_names[mode], rt_gemm_type_name((rt_dtype)input->dtype));
    s.dt = (rt_dtype)input->dtype;
    s.es = rt_dtype_size(s.dt);
    s.L = num_layers;
    s.D = bidir ? 2 : 1;
    s.bias = has_biases;
    s.In = input->shape[want_dim - 1];

    int rc = -1;
    rt_tensor *x = NULL, *y = NULL, *hy = NULL, *cy = NULL;
    /* ---- sequence layout ---- */
    if (packed) {
        if (bst->ndim != 1 || bst->dtype != RT_I64)
            return rt_err_set(c->err, TSJ_ERR_TYPE,
                              "'batch_sizes' argument should be a 1D CPU int64 tensor, but got "
                              "%dD cpu %s tensor",
                              bst->ndim, rt_gemm_type_name((rt_dtype)bst->dtype));
        s.T = bst->shape[0];
    } else {
        s.T = input->shape[batch_first ? 1 : 0];
        s.B = input->shape[batch_first ? 0 : 1];
    }
    if (s.T == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected sequence length to be larger than 0 in RNN");
    s.bs = malloc(sizeof(int64_t) * (size_t)s.T * 2);
    if (!s.bs)
        return rt_err_nomem(c->err);
    s.off = s.bs + s.T;
    int64_t rows = 0;
    for (int64_t t = 0; t < s.T; t++) {
        int64_t b = packed ? i64_at(bst, t) : s.B;
        if (packed && (b < 1 || (t > 0 && b > s.bs[t - 1]))) {
            rt_err_set(c->err, TSJ_ERR_SHAPE,
                       "batch_sizes must be positive and non-increasing, got %lld at step %lld",
                       (long long)b, (long long)t);
            goto out;
        }
        s.bs[t] = b;
        s.off[t] = rows;
        rows += b;
    }
    s.N = rows;
    if (packed) {
        s.B = s.bs[0];
        if (input->shape[0] != s.N) {
            rt_err_set(c->err, TSJ_ERR_SHAPE,
                       "packed data has %lld rows but batch_sizes sum to %lld",
                       (long long)input->shape[0], (long long)s.N);
            goto out;
        }
    }
    if (rnn_params(c, &s, params))
        goto out;
    if (check_hidden(c, &s, hx, mode == RNN_LSTM ? "hidden[0]" : "hidden", s.P) ||
        (cx && check_hidden(c, &s, cx, "hidden[1]", s.H)))
        goto out;

    /* ---- input rows [N, In], contiguous ---- */
    if (batch_first) {
        int64_t sh[3] = {s.T, s.B, s.In};
        int64_t st[3] = {input->strides[1], input->strides[0], input->strides[2]};
        rt_tensor *v = rt_tensor_view(input->storage, s.dt, 3, sh, st, input->offset, c->err);
        if (!v)
            goto out;
        x = rt_tensor_contiguous(v, c->err);
        rt_tensor_release(v);
    } else {
        x = rt_tensor_contiguous(input, c->err);
    }
    if (!x)
        goto out;

    /* ---- results ---- */
    int64_t DP = s.D * s.P;
    int64_t ysh[3] = {s.T, s.B, DP}, psh[2] = {s.N, DP};
    y = packed ? rt_tensor_empty(s.dt, 2, psh, c->err) : rt_tensor_empty(s.dt, 3, ysh, c->err);
    if (!y || !(hy = state_copy(hx, c->err)) || (cx && !(cy = state_copy(cx, c->err))))
        goto out;
    if (rnn_layers(c, &s, rt_tensor_data(x), rt_tensor_data(y), rt_tensor_data(hy),
                   cy ? rt_tensor_data(cy) : NULL))
        goto out;
    if (batch_first) {
        /* PyTorch returns output.transpose(0, 1): a non-contiguous view. */
        int64_t sh[3] = {s.B, s.T, DP}, st[3] = {DP, s.B * DP, 1};
        rt_tensor *v = rt_tensor_view(y->storage, s.dt, 3, sh, st, 0, c->err);
        if (!v)
            goto out;
        rt_tensor_release(y);
        y = v;
    }
    rt_out_tensor(&out[0], y);
    rt_out_tensor(&out[1], hy);
    if (nout > 2)
        rt_out_tensor(&out[2], cy);
    y = hy = cy = NULL;
    rc = 0;
out:
    rt_tensor_release(x);
    rt_tensor_release(y);
    rt_tensor_release(hy);
    rt_tensor_release(cy);
    if (s.w)
        for (size_t i = 0; i < params->len; i++)
            rt_tensor_release(s.w[i]);
    free(s.w);
    free(s.bs);
    return rc;
}

int k_lstm_input(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rnn_run(c, RNN_LSTM, false, in, out, nout);
}
int k_lstm_data(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rnn_run(c, RNN_LSTM, true, in, out, nout);
}
int k_gru_input(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rnn_run(c, RNN_GRU, false, in, out, nout);
}
int k_gru_data(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rnn_run(c, RNN_GRU, true, in, out, nout);
}
int k_rnn_tanh_input(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rnn_run(c, RNN_TANH, false, in, out, nout);
}
int k_rnn_tanh_data(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rnn_run(c, RNN_TANH, true, in, out, nout);
}
int k_rnn_relu_input(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rnn_run(c, RNN_RELU, false, in, out, nout);
}
int k_rnn_relu_data(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rnn_run(c, RNN_RELU, true, in, out, nout);
}

/* ---- packing ---- */

/* A view of t's rows [r0, r0 + n) along dim 0 (t has ndim >= 1). */
static rt_tensor *rows_view(rt_tensor *t, int64_t r0, int64_t n, rt_err *e)
{
    int64_t sh[RT_MAX_DIMS];
    memcpy(sh, t->shape, sizeof(int64_t) * (size_t)t->ndim);
    sh[0] = n;
    return rt_tensor_view(t->storage, (rt_dtype)t->dtype, t->ndim, sh, t->strides,
                          t->offset + r0 * t->strides[0], e);
}

/* Fills a contiguous tensor with a Scalar converted to its dtype. */
static void fill_scalar(rt_tensor *t, rt_value v)
{
    int64_t n = rt_tensor_numel(t);
    if (n == 0)
        return;
    rt_dtype d = (rt_dtype)t->dtype;
    size_t es = rt_dtype_size(d);
    char *p = rt_tensor_data(t);
    if (v.kind == RT_FLOAT)
        rt_store_f64(p, d, v.u.f);
    else
        rt_store_i64(p, d, v.kind == RT_BOOL ? v.u.b : v.u.i);
    for (int64_t i = 1; i < n; i++)
        memcpy(p + (size_t)i * es, p, es);
}

/* _pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first) -> (Tensor, Tensor) */
int k__pack_padded_sequence(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *input, *lengths;
    bool batch_first;
    int64_t dummy;
    if (rt_arg_tensor(c, in[0], "input", &input) ||
        rt_arg_tensor(c, in[1], "lengths", &lengths) ||
        rt_arg_bool(c, in[2], "batch_first", &batch_first))
        return -1;
    if (input->ndim < 2 && rt_arg_dim(c, 1, input->ndim, &dummy))
        return -1;
    /* time-major view */
    int nd = input->ndim;
    int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS];
    memcpy(sh, input->shape, sizeof(int64_t) * (size_t)nd);
    memcpy(st, input->strides, sizeof(int64_t) * (size_t)nd);
    if (batch_first) {
        int64_t t = sh[0];
        sh[0] = sh[1];
        sh[1] = t;
        t = st[0];
        st[0] = st[1];
        st[1] = t;
    }
    if (check_long_1d(c, lengths))
        return -1;
    if (rt_tensor_numel(input) == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "Cannot pack empty tensors.");
    int64_t T = sh[0], B = sh[1];
    if (lengths->shape[0] != B)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected `len(lengths)` to be equal to batch_size, but got %lld "
                          "(batch_size=%lld)",
                          (long long)lengths->shape[0], (long long)B);
    if (i64_at(lengths, B - 1) <= 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Length of all samples has to be greater than 0, but found an element "
                          "in 'lengths' that is <= 0");
    for (int64_t i = 0; i + 1 < B; i++)
        if (i64_at(lengths, B - 1 - i) > i64_at(lengths, B - 2 - i))
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "`lengths` array must be sorted in decreasing order when "
                              "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                              "pack_padded_sequence and/or pack_sequence to sidestep this "
                              "requirement if you do not need ONNX exportability.");
    int64_t steps = i64_at(lengths, 0);
    rt_tensor *bs = rt_tensor_empty(RT_I64, 1, &steps, c->err);
    if (!bs)
        return -1;
    int64_t *bsp = rt_tensor_data(bs), rows = 0, b = B;
    for (int64_t t = 0; t < steps; t++) {
        while (b > 0 && i64_at(lengths, b - 1) <= t)
            b--;
        bsp[t] = b;
        if (t < T)
            rows += b;
    }
    /* data [rows, *input.shape[2:]] */
    int64_t dsh[RT_MAX_DIMS];
    dsh[0] = rows;
    memcpy(dsh + 1, sh + 2, sizeof(int64_t) * (size_t)(nd - 2));
    rt_tensor *data = rt_tensor_empty((rt_dtype)input->dtype, nd - 1, dsh, c->err);
    if (!data)
        goto fail_bs;
    int64_t r = 0;
    for (int64_t t = 0; t < steps && t < T; t++) {
        /* input[t, 0:bs[t]] -> data[r : r + bs[t]] */
        int64_t ssh[RT_MAX_DIMS], sst[RT_MAX_DIMS];
        ssh[0] = bsp[t];
        sst[0] = st[1];
        memcpy(ssh + 1, sh + 2, sizeof(int64_t) * (size_t)(nd - 2));
        memcpy(sst + 1, st + 2, sizeof(int64_t) * (size_t)(nd - 2));
        rt_tensor *src = rt_tensor_view(input->storage, (rt_dtype)input->dtype, nd - 1, ssh, sst,
                                        input->offset + t * st[0], c->err);
        rt_tensor *dst = src ? rows_view(data, r, bsp[t], c->err) : NULL;
        int bad = !dst || rt_tensor_copy_into(dst, src, c->err);
        rt_tensor_release(src);
        rt_tensor_release(dst);
        if (bad)
            goto fail_data;
        r += bsp[t];
    }
    rt_out_tensor(&out[0], data);
    rt_out_tensor(&out[1], bs);
    return 0;
fail_data:
    rt_tensor_release(data);
fail_bs:
    rt_tensor_release(bs);
    return -1;
}

/* _pad_packed_sequence(Tensor data, Tensor batch_sizes, bool batch_first,
 *                      Scalar padding_value, int total_length) -> (Tensor, Tensor) */
int k__pad_packed_sequence(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *data, *bst;
    bool batch_first;
    int64_t total_length;
    if (rt_arg_tensor(c, in[0], "data", &data) ||
        rt_arg_tensor(c, in[1], "batch_sizes", &bst) ||
        rt_arg_bool(c, in[2], "batch_first", &batch_first) ||
        rt_arg_int(c, in[4], "total_length", &total_length))
        return -1;
    rt_value pad = in[3];
    if (pad.kind != RT_INT && pad.kind != RT_FLOAT && pad.kind != RT_BOOL)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected a number for argument 'padding_value'");
    if (check_long_1d(c, bst))
        return -1;
    int64_t T = bst->shape[0];
    if (T == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "batch_sizes must not be empty");
    if (data->ndim < 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "packed data must have at least 1 dimension");
    int64_t B = i64_at(bst, 0), rows = 0;
    for (int64_t t = 0; t < T; t++) {
        int64_t b = i64_at(bst, t);
        if (b < 1 || b > (t ? i64_at(bst, t - 1) : B))
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "batch_sizes must be positive and non-increasing, got %lld at "
                              "step %lld",
                              (long long)b, (long long)t);
        rows += b;
    }
    if (rows > data->shape[0])
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "packed data has %lld rows but batch_sizes sum to %lld",
                          (long long)data->shape[0], (long long)rows);
    int64_t maxT = T;
    if (total_length > 0) {
        if (total_length < T)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Expected total_length to be at least the length of the longest "
                              "sequence in input, but got total_length=%lld and max sequence "
                              "length being %lld",
                              (long long)total_length, (long long)T);
        maxT = total_length;
    }
    int nd = data->ndim + 1;
    if (nd > RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "too many dimensions");
    int64_t osh[RT_MAX_DIMS];
    osh[0] = maxT;
    osh[1] = B;
    memcpy(osh + 2, data->shape + 1, sizeof(int64_t) * (size_t)(nd - 2));
    rt_tensor *o = rt_tensor_empty((rt_dtype)data->dtype, nd, osh, c->err);
    rt_tensor *lens = o ? rt_tensor_empty(RT_I64, 1, &B, c->err) : NULL;
    if (!lens)
        goto fail;
    fill_scalar(o, pad);
    int64_t inner = 1;
    for (int i = 2; i < nd; i++)
        inner *= osh[i];
    int64_t *lp = rt_tensor_data(lens), r = 0;
    for (int64_t t = 0; t < T; t++) {
        int64_t b = i64_at(bst, t), next = t + 1 < T ? i64_at(bst, t + 1) : 0;
        rt_tensor *dst = rt_tensor_view(o->storage, (rt_dtype)o->dtype, nd - 1, osh + 1,
                                        o->strides + 1, t * B * inner, c->err);
        rt_tensor *dv = dst ? rows_view(dst, 0, b, c->err) : NULL;
        rt_tensor *src = dv ? rows_view(data, r, b, c->err) : NULL;
        int bad = !src || rt_tensor_copy_into(dv, src, c->err);
        rt_tensor_release(dst);
        rt_tensor_release(dv);
        rt_tensor_release(src);
        if (bad)
            goto fail;
        for (int64_t k = next; k < b; k++)
            lp[k] = t + 1;
        r += b;
    }
    if (batch_first) {
        int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS];
        memcpy(sh, o->shape, sizeof(int64_t) * (size_t)nd);
        memcpy(st, o->strides, sizeof(int64_t) * (size_t)nd);
        sh[0] = o->shape[1];
        sh[1] = o->shape[0];
        st[0] = o->strides[1];
        st[1] = o->strides[0];
        rt_tensor *v = rt_tensor_view(o->storage, (rt_dtype)o->dtype, nd, sh, st, 0, c->err);
        if (!v)
            goto fail;
        rt_tensor_release(o);
        o = v;
    }
    rt_out_tensor(&out[0], o);
    rt_out_tensor(&out[1], lens);
    return 0;
fail:
    rt_tensor_release(o);
    rt_tensor_release(lens);
    return -1;
}

/* pad_sequence(Tensor[] sequences, bool batch_first=False, float padding_value=0.) -> Tensor */
int k_pad_sequence(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_list *seqs;
    bool batch_first;
    double padv;
    if (rt_arg_tensorlist(c, in[0], "sequences", &seqs) ||
        rt_arg_bool(c, in[1], "batch_first", &batch_first) ||
        rt_arg_double(c, in[2], "padding_value", &padv))
        return -1;
    int64_t n = (int64_t)seqs->len;
    if (n == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "received an empty list of sequences");
    int64_t maxlen = 0;
    for (int64_t i = 0; i < n; i++) {
        rt_tensor *t = seqs->items[i].u.tensor;
        if (t->ndim == 0)
            return rt_err_set(c->err, TSJ_ERR_INDEX,
                              "Dimension specified as 0 but tensor has no dimensions");
        if (t->shape[0] > maxlen)
            maxlen = t->shape[0];
    }
    rt_tensor *s0 = seqs->items[0].u.tensor;
    int nd = s0->ndim + 1;
    if (nd > RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "too many dimensions");
    int64_t osh[RT_MAX_DIMS];
    osh[0] = batch_first ? n : maxlen;
    osh[1] = batch_first ? maxlen : n;
    memcpy(osh + 2, s0->shape + 1, sizeof(int64_t) * (size_t)(nd - 2));
    rt_tensor *o = rt_tensor_empty((rt_dtype)s0->dtype, nd, osh, c->err);
    if (!o)
        return -1;
    fill_scalar(o, rt_float(padv));
    for (int64_t i = 0; i < n; i++) {
        rt_tensor *t = seqs->items[i].u.tensor;
        /* the slot out[i, :len] (batch_first) or out[:len, i] */
        int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS];
        sh[0] = t->shape[0];
        st[0] = o->strides[batch_first ? 1 : 0];
        memcpy(sh + 1, osh + 2, sizeof(int64_t) * (size_t)(nd - 2));
        memcpy(st + 1, o->strides + 2, sizeof(int64_t) * (size_t)(nd - 2));
        rt_tensor *dst = rt_tensor_view(o->storage, (rt_dtype)o->dtype, nd - 1, sh, st,
                                        i * o->strides[batch_first ? 0 : 1], c->err);
        int bnd;
        int64_t bsh[RT_MAX_DIMS];
        rt_tensor *src = NULL;
        int bad = !dst || rt_broadcast_shape2(nd - 1, sh, t->ndim, t->shape, &bnd, bsh, c->err) ||
                  !(src = rt_broadcast_view(t, nd - 1, sh, c->err)) ||
                  rt_tensor_copy_into(dst, src, c->err);
        rt_tensor_release(dst);
        rt_tensor_release(src);
        if (bad) {
            rt_tensor_release(o);
            return -1;
        }
    }
    rt_out_tensor(&out[0], o);
    return 0;
}
