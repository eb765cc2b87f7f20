/*
 * k_elementwise_unary.c — unary math and activations (with their in-place
 * forms), clamp, where and masked_fill.
 *
 * `unary()` runs one loop from ULOOP[op] over a tensor in its compute type
 * (float32, float64 or int64; half types compute in float32, narrow ints in
 * int64). Float-only ops (exp, sigmoid, gelu, ...) turn integer inputs into
 * float32 results, as PyTorch does; the others keep the input dtype.
 */
/* Kernel loops are written for the auto-vectorizer: -O2's "very cheap" cost
 * model would leave them scalar, and trapping math blocks if-conversion of
 * the selects in rt_vexpf (nothing here reads FP exception flags). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math")
#endif

#include <stdio.h>
#include <string.h>
#include <tgmath.h>

#include "rt_broadcast.h"
#include "rt_kernels.h"


typedef struct uctx {
    double p[4];  /* float parameters (per op, see ULOOP)   */
    int64_t i[4]; /* the same for int64 compute             */
} uctx;

#define LOOP1(NAME, TO, T, PRE, EXPR)                                         \
    static void NAME(char **pp, const int64_t *s, int64_t n, void *vctx)      \
    {                                                                         \
        const uctx *ctx = vctx;                                               \
        (void)ctx;                                                            \
        PRE;                                                                  \
        TO *o = (TO *)pp[0];                                                  \
        const T *a = (const T *)pp[1];                                        \
        if (s[0] == sizeof(TO) && s[1] == sizeof(T)) {                        \
            for (int64_t i = 0; i < n; i++) {                                 \
                T x = a[i];                                                   \
                o[i] = (TO)(EXPR);                                            \
            }                                                                 \
        } else {                                                              \
            for (int64_t i = 0; i < n; i++) {                                 \
                T x = *(const T *)(pp[1] + i * s[1]);                         \
                *(TO *)(pp[0] + i * s[0]) = (TO)(EXPR);                       \
            }                                                                 \
        }                                                                     \
    }

#define PREF(T)                                                                          \
    const T P0 = (T)ctx->p[0], P1 = (T)ctx->p[1], P2 = (T)ctx->p[2], P3 = (T)ctx->p[3]; \
    (void)P0, (void)P1, (void)P2, (void)P3
#define PREI                                                                     \
    const int64_t P0 = ctx->i[0], P1 = ctx->i[1], P2 = ctx->i[2], P3 = ctx->i[3]; \
    (void)P0, (void)P1, (void)P2, (void)P3

/* exp in a loop: the vectorizable rt_vexpf for float32, libm for double */
#define VEXP(x) _Generic((x), float: rt_vexpf, default: exp)(x)

/* Float helpers, one per precision (tgmath picks expf/exp). */
#define UHELPERS(T, SUF)                                                        \
    static inline T u_sigmoid_##SUF(T x) { return (T)1 / ((T)1 + VEXP(-x)); }    \
    static inline T u_silu_##SUF(T x) { return x / ((T)1 + VEXP(-x)); }          \
    static inline T u_gelu_##SUF(T x)                                           \
    {                                                                           \
        return x * (T)0.5 * ((T)1 + erf(x * (T)M_SQRT1_2));                     \
    }                                                                           \
    static inline T u_gelu_tanh_##SUF(T x)                                      \
    {                                                                           \
        const T k = (T)(M_SQRT2 * M_2_SQRTPI * 0.5), c = (T)0.044715;           \
        return (T)0.5 * x * ((T)1 + tanh(k * (x + c * x * x * x)));             \
    }                                                                           \
    static inline T u_hsig_##SUF(T x)                                           \
    {                                                                           \
        T t = x + (T)3;                                                         \
        t = t < (T)0 ? (T)0 : t;                                                \
        t = t > (T)6 ? (T)6 : t;                                                \
        return t / (T)6;                                                        \
    }                                                                           \
    static inline T u_hswish_##SUF(T x)                                         \
    {                                                                           \
        T t = x + (T)3;                                                         \
        t = t < (T)0 ? (T)0 : t;                                                \
        t = t > (T)6 ? (T)6 : t;                                                \
        return x * t / (T)6;                                                    \
    }                                                                           \
    static inline T u_mish_##SUF(T x) { return x * tanh(log1p(exp(x))); }       \
    static inline T u_softplus_##SUF(T x, T beta, T thr)                        \
    {                                                                           \
        return x * beta > thr ? x : log1p(exp(x * beta)) / beta;                \
    }                                                                           \
    static inline T u_elu_##SUF(T x, T alpha, T scale, T iscale)                \
    {                                                                           \
        return x <= (T)0 ? expm1(x * iscale) * (alpha * scale) : x * scale;     \
    }                                                                           \
    static inline T u_round_dec_##SUF(T x, T tenpow, T neg)                     \
    {                                                                           \
        return neg != (T)0 ? nearbyint(x / tenpow) * tenpow                     \
                           : nearbyint(x * tenpow) / tenpow;                    \
    }
UHELPERS(float, f32)
UHELPERS(double, f64)
#define GEN(name) _Generic((x), float: name##_f32, default: name##_f64)

#define UF(OP, EXPR)                                   \
    LOOP1(OP##_f32, float, float, PREF(float), EXPR)   \
    LOOP1(OP##_f64, double, double, PREF(double), EXPR)
#define UI(OP, EXPR) LOOP1(OP##_i64, int64_t, int64_t, PREI, EXPR)

/* the element type inside a loop expression */
#define TX __typeof__(x)

enum {
    U_NEG, U_ABS, U_SIGN, U_RECIP, U_EXP, U_LOG, U_LOG1P, U_SQRT, U_RSQRT, U_SIN, U_COS,
    U_TANH, U_SIGMOID, U_ERF, U_FLOOR, U_CEIL, U_ROUND, U_ROUNDD, U_EXPM1, U_EXP2, U_LOG2,
    U_LOG10, U_SQUARE, U_CLAMP, U_RELU, U_LEAKY, U_ELU, U_GELU, U_GELU_TANH, U_SILU,
    U_HSWISH, U_HSIG, U_SOFTPLUS, U_MISH, U_BNOT, U_COUNT
};

UF(neg, -x) UI(neg, (int64_t)(0 - (uint64_t)x))
UF(abs, fabs(x)) UI(abs, x < 0 ? (int64_t)(0 - (uint64_t)x) : x)
UF(sign, (x > 0) - (x < 0)) UI(sign, (x > 0) - (x < 0))
UF(recip, (TX)1 / x)
UF(exp, VEXP(x))
UF(log, log(x))
UF(log1p, log1p(x))
UF(sqrt, sqrt(x))
UF(rsqrt, (TX)1 / sqrt(x))
UF(sin, sin(x))
UF(cos, cos(x))
UF(tanh, tanh(x))
UF(sigmoid, (TX)1 / ((TX)1 + VEXP(-x)))
UF(erf, erf(x))
UF(floor, floor(x)) UI(floor, x)
UF(ceil, ceil(x)) UI(ceil, x)
UF(round, nearbyint(x)) UI(round, x)
UF(roundd, GEN(u_round_dec)(x, P0, P1)) UI(roundd, x)
UF(expm1, expm1(x))
UF(exp2, exp2(x))
UF(log2, log2(x))
UF(log10, log10(x))
UF(square, x * x) UI(square, (int64_t)((uint64_t)x * (uint64_t)x))
/* clamp: P0 low, P1 high (NaN input stays NaN; low > high gives high) */
UF(clamp, (x < P0 ? P0 : x) > P1 ? P1 : (x < P0 ? P0 : x))
UI(clamp, (x < P0 ? P0 : x) > P1 ? P1 : (x < P0 ? P0 : x))
UF(relu, x < 0 ? (TX)0 : x) UI(relu, x < 0 ? 0 : x)
UF(leaky, x > 0 ? x : x * P0)
UF(elu, GEN(u_elu)(x, P0, P1, P2))
UF(gelu, GEN(u_gelu)(x))
UF(gelu_tanh, GEN(u_gelu_tanh)(x))
UF(silu, x / ((TX)1 + VEXP(-x)))
UF(hswish, GEN(u_hswish)(x))
UF(hsig, GEN(u_hsig)(x))
UF(softplus, GEN(u_softplus)(x, P0, P1))
UF(mish, GEN(u_mish)(x))
UI(bnot, ~x)

typedef struct uop_info {
    rt_ew_loop f32, f64, i64; /* i64 NULL: integer inputs give float32 */
    const char *cpu_name;     /* for "not implemented for 'Bool'"      */
} uop_info;

#define UFONLY(OP, NAME) {OP##_f32, OP##_f64, NULL, NAME}
#define UBOTH(OP, NAME) {OP##_f32, OP##_f64, OP##_i64, NAME}
static const uop_info ULOOP[U_COUNT] = {
    [U_NEG] = UBOTH(neg, "neg_cpu"),         [U_ABS] = UBOTH(abs, "abs_cpu"),
    [U_SIGN] = UBOTH(sign, "sign_cpu"),      [U_RECIP] = UFONLY(recip, NULL),
    [U_EXP] = UFONLY(exp, NULL),             [U_LOG] = UFONLY(log, NULL),
    [U_LOG1P] = UFONLY(log1p, NULL),         [U_SQRT] = UFONLY(sqrt, NULL),
    [U_RSQRT] = UFONLY(rsqrt, NULL),         [U_SIN] = UFONLY(sin, NULL),
    [U_COS] = UFONLY(cos, NULL),             [U_TANH] = UFONLY(tanh, NULL),
    [U_SIGMOID] = UFONLY(sigmoid, NULL),     [U_ERF] = UFONLY(erf, NULL),
    [U_FLOOR] = UBOTH(floor, NULL),          [U_CEIL] = UBOTH(ceil, NULL),
    [U_ROUND] = UBOTH(round, NULL),          [U_ROUNDD] = UBOTH(roundd, NULL),
    [U_EXPM1] = UFONLY(expm1, NULL),         [U_EXP2] = UFONLY(exp2, NULL),
    [U_LOG2] = UFONLY(log2, NULL),           [U_LOG10] = UFONLY(log10, NULL),
    [U_SQUARE] = UBOTH(square, NULL),        [U_CLAMP] = UBOTH(clamp, "clamp_cpu"),
    [U_RELU] = UBOTH(relu, "clamp_min_cpu"), [U_LEAKY] = UFONLY(leaky, "leaky_relu_cpu"),
    [U_ELU] = UFONLY(elu, "elu_cpu"),        [U_GELU] = UFONLY(gelu, "GeluKernelImpl"),
    [U_GELU_TANH] = UFONLY(gelu_tanh, "GeluKernelImpl"),
    [U_SILU] = UFONLY(silu, "silu_cpu"),     [U_HSWISH] = UFONLY(hswish, "hardswish_cpu"),
    [U_HSIG] = UFONLY(hsig, "hardsigmoid_cpu"),
    [U_SOFTPLUS] = UFONLY(softplus, "softplus_cpu"),
    [U_MISH] = UFONLY(mish, "mish_cpu"),     [U_BNOT] = {NULL, NULL, bnot_i64, NULL},
};

/* The result dtype of op on a tensor of dtype d. */
static rt_dtype unary_dtype(int op, rt_dtype d)
{
    if (!rt_dtype_is_float(d) && !ULOOP[op].i64)
        return RT_F32;
    if (op == U_SQUARE && d == RT_BOOL_)
        return RT_I64;
    return d;
}

/* op(x) -> out (od: result dtype); into self when in-place. */
static int unary_to(rt_ctx *c, rt_tensor *x, int op, const uctx *p, rt_dtype od, rt_tensor *self,
                    rt_value *out)
{
    if (self && !rt_dtype_can_cast(od, (rt_dtype)self->dtype))
        return rt_ew_cast_error(c, od, (rt_dtype)self->dtype);
    rt_dtype ct = rt_ew_compute_type(od);
    rt_ew_loop fn = ct == RT_F32 ? ULOOP[op].f32 : ct == RT_F64 ? ULOOP[op].f64 : ULOOP[op].i64;
    if (!fn)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for '%s'",
                          ULOOP[op].cpu_name ? ULOOP[op].cpu_name : "unary",
                          rt_dtype_aten_name((rt_dtype)x->dtype));
    rt_tensor *a = rt_ew_operand(c, rt_tensor_value(x), ct), *res = NULL;
    if (!a)
        return -1;
    int rc = -1;
    if (self && self->dtype == ct && (a == self || !rt_ew_overlaps(self, a))) {
        res = self;
    } else if (!(res = rt_tensor_empty(ct, x->ndim, x->shape, c->err))) {
        goto done;
    }
    rt_ew it;
    rt_tensor *ops[2] = {res, a};
    if (rt_ew_init(&it, 2, ops, c->err))
        goto done;
    rt_ew_run(&it, fn, (void *)p);
    if (res == self)
        rt_tensor_retain(res); /* rt_ew_finish takes a reference */
    rc = rt_ew_finish(c, res, od, self, out);
    res = NULL;
done:
    rt_tensor_release(a);
    if (res != self)
        rt_tensor_release(res);
    return rc;
}

static int unary(rt_ctx *c, const rt_value *in, int op, const uctx *p, bool inplace,
                 rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    if (op == U_NEG && d == RT_BOOL_)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "Negation, the `-` operator, on a bool tensor is not supported. If "
                          "you are trying to invert a mask, use the `~` or `logical_not()` "
                          "operator instead.");
    if (d == RT_BOOL_ && ULOOP[op].cpu_name && op != U_SIGN && op != U_CLAMP)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for 'Bool'",
                          ULOOP[op].cpu_name);
    if (op == U_SIGN && d == RT_BOOL_) { /* sign of a bool is itself */
        rt_tensor *t = inplace ? (rt_tensor_retain(x), x) : rt_tensor_clone(x, c->err);
        if (!t)
            return -1;
        rt_out_tensor(out, t);
        return 0;
    }
    return unary_to(c, x, op, p, unary_dtype(op, d), inplace ? x : NULL, out);
}

static const uctx NOPAR = {{0}, {0}};

/* double -> int64 without UB (saturating; NaN -> 0). */
static int64_t to_i64(double v)
{
    if (v != v)
        return 0;
    if (v >= 9.2233720368547758e18)
        return INT64_MAX;
    if (v <= -9.2233720368547758e18)
        return INT64_MIN;
    return (int64_t)v;
}

#define UNARY_KERNEL(NAME, OP)                                                    \
    int k_##NAME(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)  \
    {                                                                              \
        return unary(c, in, OP, &NOPAR, false, out);                               \
    }                                                                              \
    int k_##NAME##_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout) \
    {                                                                              \
        return unary(c, in, OP, &NOPAR, true, out);                                \
    }

UNARY_KERNEL(neg, U_NEG)
UNARY_KERNEL(abs, U_ABS)
UNARY_KERNEL(sign, U_SIGN)
UNARY_KERNEL(reciprocal, U_RECIP)
UNARY_KERNEL(exp, U_EXP)
UNARY_KERNEL(log, U_LOG)
UNARY_KERNEL(log1p, U_LOG1P)
UNARY_KERNEL(sqrt, U_SQRT)
UNARY_KERNEL(rsqrt, U_RSQRT)
UNARY_KERNEL(sin, U_SIN)
UNARY_KERNEL(cos, U_COS)
UNARY_KERNEL(tanh, U_TANH)
UNARY_KERNEL(sigmoid, U_SIGMOID)
UNARY_KERNEL(erf, U_ERF)
UNARY_KERNEL(floor, U_FLOOR)
UNARY_KERNEL(ceil, U_CEIL)
UNARY_KERNEL(round, U_ROUND)
UNARY_KERNEL(expm1, U_EXPM1)
UNARY_KERNEL(exp2, U_EXP2)
UNARY_KERNEL(log2, U_LOG2)
UNARY_KERNEL(log10, U_LOG10)
UNARY_KERNEL(square, U_SQUARE)
UNARY_KERNEL(relu, U_RELU)
UNARY_KERNEL(silu, U_SILU)
UNARY_KERNEL(hardswish, U_HSWISH)
UNARY_KERNEL(hardsigmoid, U_HSIG)
UNARY_KERNEL(mish, U_MISH)

static int scalar_arg(rt_ctx *c, rt_value v, const char *what, double *d)
{
    return rt_arg_double(c, v, what, d);
}

int k_round_decimals(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    int64_t dec;
    if (rt_arg_int(c, in[1], "decimals", &dec))
        return -1;
    uctx p = NOPAR;
    bool neg = dec < 0;
    p.p[0] = pow(10.0, (double)(neg ? -dec : dec));
    p.p[1] = neg;
    return unary(c, in, U_ROUNDD, &p, false, out);
}

/* clamp family with scalar bounds; result dtype from torch.result_type of
 * self and the bounds. */
static int clamp_scalar(rt_ctx *c, const rt_value *in, rt_value lo, rt_value hi, bool inplace,
                        rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    if (lo.kind == RT_NONE && hi.kind == RT_NONE)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                          "torch.clamp: At least one of 'min' or 'max' must not be None");
    rt_value vals[3] = {in[0], lo, hi};
    rt_dtype od = rt_result_type(3, vals);
    if (od == RT_BOOL_)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"clamp_cpu\" not implemented for 'Bool'");
    uctx p = NOPAR;
    p.p[0] = -INFINITY, p.p[1] = INFINITY;
    p.i[0] = INT64_MIN, p.i[1] = INT64_MAX;
    if (lo.kind != RT_NONE) {
        if (scalar_arg(c, lo, "min", &p.p[0]))
            return -1;
        p.i[0] = lo.kind == RT_INT ? lo.u.i : to_i64(p.p[0]);
    }
    if (hi.kind != RT_NONE) {
        if (scalar_arg(c, hi, "max", &p.p[1]))
            return -1;
        p.i[1] = hi.kind == RT_INT ? hi.u.i : to_i64(p.p[1]);
    }
    return unary_to(c, x, U_CLAMP, &p, od, inplace ? x : NULL, out);
}

int k_clamp(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_scalar(c, in, in[1], in[2], false, out);
}
int k_clamp_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_scalar(c, in, in[1], in[2], true, out);
}
int k_clamp_min(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_scalar(c, in, in[1], rt_none(), false, out);
}
int k_clamp_min_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_scalar(c, in, in[1], rt_none(), true, out);
}
int k_clamp_max(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_scalar(c, in, rt_none(), in[1], false, out);
}
int k_clamp_max_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_scalar(c, in, rt_none(), in[1], true, out);
}

/* clamp with tensor bounds: maximum with min, then minimum with max. */
static int clamp_tensor(rt_ctx *c, const rt_value *in, rt_value lo, rt_value hi, bool inplace,
                        rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    if (lo.kind == RT_NONE && hi.kind == RT_NONE)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                          "torch.clamp: At least one of 'min' or 'max' must not be None");
    rt_value cur = rt_value_retain(in[0]), next;
    if (lo.kind != RT_NONE) {
        bool last = hi.kind == RT_NONE;
        if (rt_ew_binary(c, cur, lo, RT_EW_MAX, rt_none(), inplace && last ? x : NULL, &next)) {
            rt_value_release(cur);
            return -1;
        }
        rt_value_release(cur);
        cur = next;
    }
    if (hi.kind != RT_NONE) {
        int rc = rt_ew_binary(c, cur, hi, RT_EW_MIN, rt_none(), inplace ? x : NULL, &next);
        rt_value_release(cur);
        if (rc)
            return -1;
        cur = next;
    }
    *out = cur;
    return 0;
}
int k_clamp_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_tensor(c, in, in[1], in[2], false, out);
}
int k_clamp__Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_tensor(c, in, in[1], in[2], true, out);
}
int k_clamp_min_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_tensor(c, in, in[1], rt_none(), false, out);
}
int k_clamp_min__Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_tensor(c, in, in[1], rt_none(), true, out);
}
int k_clamp_max_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_tensor(c, in, rt_none(), in[1], false, out);
}
int k_clamp_max__Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return clamp_tensor(c, in, rt_none(), in[1], true, out);
}

/* hardtanh / relu6 keep the input dtype. */
static int hardtanh(rt_ctx *c, const rt_value *in, double lo, double hi, bool inplace,
                    rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    if (x->dtype == RT_BOOL_)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"hardtanh_cpu\" not implemented for 'Bool'");
    uctx p = NOPAR;
    p.p[0] = lo, p.p[1] = hi;
    p.i[0] = to_i64(lo), p.i[1] = to_i64(hi);
    return unary_to(c, x, U_CLAMP, &p, (rt_dtype)x->dtype, inplace ? x : NULL, out);
}
static int hardtanh_args(rt_ctx *c, const rt_value *in, bool inplace, rt_value *out)
{
    double lo, hi;
    if (rt_arg_double(c, in[1], "min_val", &lo) || rt_arg_double(c, in[2], "max_val", &hi))
        return -1;
    return hardtanh(c, in, lo, hi, inplace, out);
}
int k_hardtanh(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return hardtanh_args(c, in, false, out);
}
int k_hardtanh_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return hardtanh_args(c, in, true, out);
}
int k_relu6(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return hardtanh(c, in, 0, 6, false, out);
}
int k_relu6_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return hardtanh(c, in, 0, 6, true, out);
}

static int leaky(rt_ctx *c, const rt_value *in, bool inplace, rt_value *out)
{
    uctx p = NOPAR;
    if (rt_arg_double(c, in[1], "negative_slope", &p.p[0]))
        return -1;
    return unary(c, in, U_LEAKY, &p, inplace, out);
}
int k_leaky_relu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return leaky(c, in, false, out);
}
int k_leaky_relu_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return leaky(c, in, true, out);
}

static int elu(rt_ctx *c, const rt_value *in, bool inplace, rt_value *out)
{
    uctx p = NOPAR;
    if (rt_arg_double(c, in[1], "alpha", &p.p[0]) || rt_arg_double(c, in[2], "scale", &p.p[1]) ||
        rt_arg_double(c, in[3], "input_scale", &p.p[2]))
        return -1;
    return unary(c, in, U_ELU, &p, inplace, out);
}
int k_elu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return elu(c, in, false, out);
}
int k_elu_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return elu(c, in, true, out);
}

static int gelu(rt_ctx *c, const rt_value *in, bool inplace, rt_value *out)
{
    int op = U_GELU;
    if (in[1].kind == RT_STR && strcmp(rt_str_cstr(in[1]), "tanh") == 0)
        op = U_GELU_TANH;
    else if (in[1].kind != RT_STR || strcmp(rt_str_cstr(in[1]), "none") != 0)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT, "approximate argument must be "
                          "either none or tanh.");
    return unary(c, in, op, &NOPAR, inplace, out);
}
int k_gelu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return gelu(c, in, false, out);
}
int k_gelu_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return gelu(c, in, true, out);
}

int k_softplus(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    uctx p = NOPAR;
    if (rt_arg_double(c, in[1], "beta", &p.p[0]) || rt_arg_double(c, in[2], "threshold", &p.p[1]))
        return -1;
    return unary(c, in, U_SOFTPLUS, &p, false, out);
}

int k_bitwise_not(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    if (rt_dtype_is_float((rt_dtype)x->dtype))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"bitwise_not_cpu\" not implemented for '%s'",
                          rt_dtype_aten_name((rt_dtype)x->dtype));
    if (x->dtype == RT_BOOL_)
        return rt_ew_binary(c, in[0], rt_bool(true), RT_EW_XOR, rt_none(), NULL, out);
    return unary_to(c, x, U_BNOT, &NOPAR, (rt_dtype)x->dtype, NULL, out);
}

int k_logical_not(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    return rt_ew_binary(c, in[0], rt_bool(false), RT_EW_EQ, rt_none(), NULL, out);
}
