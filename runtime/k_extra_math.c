/*
 * k_extra_math.c — elementwise ops beyond the core family: inverse and
 * hyperbolic trig, tan, trunc, frac, erfinv, isnan/isinf/isfinite/
 * isposinf/isneginf, nan_to_num, atan2, hypot, lerp, logit, celu, selu,
 * log_sigmoid, threshold, hardshrink, softshrink, rrelu (eval), glu.
 *
 * Unary ops run one rt_ew loop in the compute type (float32 / float64;
 * half types compute in float32; integer inputs of float-only ops give
 * float32 results, as PyTorch does). Binary ops promote with
 * rt_result_type and broadcast through rt_ew.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math")
#endif

#include <float.h>
#include <string.h>
#include <tgmath.h>

#include "rt_broadcast.h"
#include "rt_kernels.h"

typedef struct mctx {
    double p[4];
} mctx;

#define MLOOP1(NAME, T, EXPR)                                                 \
    static void NAME(char **pp, const int64_t *s, int64_t n, void *vctx)      \
    {                                                                         \
        const mctx *ctx = vctx;                                               \
        const T P0 = (T)ctx->p[0], P1 = (T)ctx->p[1], P2 = (T)ctx->p[2];      \
        (void)P0, (void)P1, (void)P2;                                         \
        T *o = (T *)pp[0];                                                    \
        const T *a = (const T *)pp[1];                                        \
        if (s[0] == sizeof(T) && s[1] == sizeof(T)) {                         \
            for (int64_t i = 0; i < n; i++) {                                 \
                T x = a[i];                                                   \
                o[i] = (T)(EXPR);                                             \
            }                                                                 \
        } else {                                                              \
            for (int64_t i = 0; i < n; i++) {                                 \
                T x = *(const T *)(pp[1] + i * s[1]);                         \
                *(T *)(pp[0] + i * s[0]) = (T)(EXPR);                         \
            }                                                                 \
        }                                                                     \
    }
#define MF(OP, EXPR) MLOOP1(OP##_f32, float, EXPR) MLOOP1(OP##_f64, double, EXPR)
#define TX __typeof__(x)

/* erfinv: a rational first guess refined by two Newton steps on erf. */
static double erfinv_d(double y)
{
    if (y != y || y < -1 || y > 1)
        return NAN;
    if (y == 1)
        return INFINITY;
    if (y == -1)
        return -INFINITY;
    double w = -log((1.0 - y) * (1.0 + y)), x;
    if (w < 6.25) {
        w -= 3.125;
        x = -3.6444120640178196996e-21;
        x = -1.685059138182016589e-19 + x * w;
        x = 1.2858480715256400167e-18 + x * w;
        x = 1.115787767802518096e-17 + x * w;
        x = -1.333171662854620906e-16 + x * w;
        x = 2.0972767875968561637e-17 + x * w;
        x = 6.6376381343583238325e-15 + x * w;
        x = -4.0545662729752068639e-14 + x * w;
        x = -8.1519341976054721522e-14 + x * w;
        x = 2.6335093153082322977e-12 + x * w;
        x = -1.2975133253453532498e-11 + x * w;
        x = -5.4154120542946279317e-11 + x * w;
        x = 1.051212273321532285e-09 + x * w;
        x = -4.1126339803469836976e-09 + x * w;
        x = -2.9070369957882005086e-08 + x * w;
        x = 4.2347877827932403518e-07 + x * w;
        x = -1.3654692000834678645e-06 + x * w;
        x = -1.3882523362786468719e-05 + x * w;
        x = 0.0001867342080340571352 + x * w;
        x = -0.00074070253416626697512 + x * w;
        x = -0.0060336708714301490533 + x * w;
        x = 0.24015818242558961693 + x * w;
        x = 1.6536545626831027356 + x * w;
    } else if (w < 16.0) {
        w = sqrt(w) - 3.25;
        x = 2.2137376921775787049e-09;
        x = 9.0756561938885390979e-08 + x * w;
        x = -2.7517406297064545428e-07 + x * w;
        x = 1.8239629214389227755e-08 + x * w;
        x = 1.5027403968909827627e-06 + x * w;
        x = -4.013867526981545969e-06 + x * w;
        x = 2.9234449089955446044e-06 + x * w;
        x = 1.2475304481671778723e-05 + x * w;
        x = -4.7318229009055733981e-05 + x * w;
        x = 6.8284851459573175448e-05 + x * w;
        x = 2.4031110387097893999e-05 + x * w;
        x = -0.0003550375203628474796 + x * w;
        x = 0.00095328937973738049703 + x * w;
        x = -0.0016882755560235047313 + x * w;
        x = 0.0024914420961078508066 + x * w;
        x = -0.0037512085075692412107 + x * w;
        x = 0.005370914553590063617 + x * w;
        x = 1.0052589676941592334 + x * w;
        x = 3.0838856104922207635 + x * w;
    } else {
        w = sqrt(w) - 5.0;
        x = -2.7109920616438573243e-11;
        x = -2.5556418169965252055e-10 + x * w;
        x = 1.5076572693500548083e-09 + x * w;
        x = -3.7894654401267369937e-09 + x * w;
        x = 7.6157012080783393804e-09 + x * w;
        x = -1.4960026627149240478e-08 + x * w;
        x = 2.9147953450901080826e-08 + x * w;
        x = -6.7711997758452339498e-08 + x * w;
        x = 2.2900482228026654717e-07 + x * w;
        x = -9.9298272942317002539e-07 + x * w;
        x = 4.5260625972231537039e-06 + x * w;
        x = -1.9681778105531670567e-05 + x * w;
        x = 7.5995277030017761139e-05 + x * w;
        x = -0.00021503011930044477347 + x * w;
        x = -0.00013871931833623122026 + x * w;
        x = 1.0103004648645343977 + x * w;
        x = 4.8499064014085844221 + x * w;
    }
    x *= y;
    for (int k = 0; k < 2; k++) /* Newton on erf(x) - y */
        x -= (erf(x) - y) / (M_2_SQRTPI * exp(-x * x));
    return x;
}

static inline float log_sigmoid_f(float x)
{
    float m = x < 0 ? x : 0.0f;
    return m - log1pf(expf(-fabsf(x)));
}
static inline double log_sigmoid_d(double x)
{
    double m = x < 0 ? x : 0.0;
    return m - log1p(exp(-fabs(x)));
}
#define LOGSIG(x) _Generic((x), float: log_sigmoid_f, default: log_sigmoid_d)(x)

MF(tan, tan(x))
MF(asin, asin(x))
MF(acos, acos(x))
MF(atan, atan(x))
MF(sinh, sinh(x))
MF(cosh, cosh(x))
MF(asinh, asinh(x))
MF(acosh, acosh(x))
MF(atanh, atanh(x))
MF(trunc, trunc(x))
MF(frac, x - trunc(x))
MF(erfinv, (TX)erfinv_d((double)x))
MF(erfc, erfc(x))
/* logit: P0 < 0 means no eps, else clamp to [P0, P1] */
MF(logit, P0 < 0 ? log(x / ((TX)1 - x))
                 : log((x < P0 ? P0 : x > P1 ? P1 : x) / ((TX)1 - (x < P0 ? P0 : x > P1 ? P1 : x))))
/* elu form: x <= 0 ? expm1(x * P2) * P0 * P1 : x * P1 (alpha, scale, input_scale) */
MF(elu, x <= 0 ? expm1(x * P2) * (P0 * P1) : x * P1)
MF(logsig, LOGSIG(x))
MF(threshold, x <= P0 ? P1 : x)
MF(hardshrink, (x >= -P0 && x <= P0) ? (TX)0 : x)
MF(softshrink, x > P0 ? x - P0 : (x < -P0 ? x + P0 : (TX)0))
MF(leaky, x > 0 ? x : x * P0)
/* nan_to_num: P0 nan, P1 posinf, P2 neginf */
MF(nan2num, x != x ? P0 : x == (TX)INFINITY ? P1 : x == -(TX)INFINITY ? P2 : x)

enum {
    M_TAN, M_ASIN, M_ACOS, M_ATAN, M_SINH, M_COSH, M_ASINH, M_ACOSH, M_ATANH, M_TRUNC, M_FRAC,
    M_ERFINV, M_ERFC, M_LOGIT, M_ELU, M_LOGSIG, M_THRESHOLD, M_HARDSHRINK, M_SOFTSHRINK,
    M_LEAKY, M_NAN2NUM, M_COUNT
};

typedef struct minfo {
    rt_ew_loop f32, f64;
    bool keep_int;       /* integer inputs keep their dtype (identity / int path) */
    const char *cpu;     /* name in "not implemented for" messages, NULL: none    */
} minfo;
#define MI(OP, KEEP, CPU) {OP##_f32, OP##_f64, KEEP, CPU}
static const minfo MOPS[M_COUNT] = {
    [M_TAN] = MI(tan, false, NULL),       [M_ASIN] = MI(asin, false, NULL),
    [M_ACOS] = MI(acos, false, NULL),     [M_ATAN] = MI(atan, false, NULL),
    [M_SINH] = MI(sinh, false, NULL),     [M_COSH] = MI(cosh, false, NULL),
    [M_ASINH] = MI(asinh, false, NULL),   [M_ACOSH] = MI(acosh, false, NULL),
    [M_ATANH] = MI(atanh, false, NULL),   [M_TRUNC] = MI(trunc, true, NULL),
    [M_FRAC] = MI(frac, true, "frac_cpu"), [M_ERFINV] = MI(erfinv, false, NULL),
    [M_ERFC] = MI(erfc, false, NULL),     [M_LOGIT] = MI(logit, false, NULL),
    [M_ELU] = MI(elu, false, "elu_cpu"),  [M_LOGSIG] = MI(logsig, false, "log_sigmoid_cpu"),
    [M_THRESHOLD] = MI(threshold, true, NULL),
    [M_HARDSHRINK] = MI(hardshrink, true, "hardshrink_cpu"),
    [M_SOFTSHRINK] = MI(softshrink, true, "softshrink_cpu"),
    [M_LEAKY] = MI(leaky, false, "leaky_relu_cpu"), [M_NAN2NUM] = MI(nan2num, true, NULL),
};

/* Integer paths of the ops that keep integer dtypes (int64 compute). */
static void int_path(int op, const mctx *p, rt_tensor *res, rt_tensor *a)
{
    int64_t n = rt_tensor_numel(res);
    const int64_t *x = rt_tensor_data(a);
    int64_t *o = rt_tensor_data(res);
    for (int64_t i = 0; i < n; i++) {
        int64_t v = x[i];
        if (op == M_THRESHOLD)
            v = (double)v <= p->p[0] ? (int64_t)p->p[1] : v;
        else if (op == M_HARDSHRINK)
            v = ((double)v >= -p->p[0] && (double)v <= p->p[0]) ? 0 : v;
        else if (op == M_SOFTSHRINK)
            v = (double)v > p->p[0]   ? (int64_t)((double)v - p->p[0])
                : (double)v < -p->p[0] ? (int64_t)((double)v + p->p[0])
                                       : 0;
        else if (op == M_FRAC)
            v = 0;
        o[i] = v;
    }
}

static int munary(rt_ctx *c, rt_tensor *x, int op, const mctx *p, rt_value *out)
{
    rt_dtype d = (rt_dtype)x->dtype;
    bool isint = !rt_dtype_is_float(d);
    if (isint && MOPS[op].cpu && (d == RT_BOOL_ || !MOPS[op].keep_int || op == M_FRAC))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for '%s'", MOPS[op].cpu,
                          rt_dtype_aten_name(d));
    rt_dtype od = isint ? (MOPS[op].keep_int ? d : RT_F32) : d;
    rt_dtype ct = isint && MOPS[op].keep_int ? RT_I64 : rt_ew_compute_type(od);
    rt_tensor *a = rt_ew_operand(c, rt_tensor_value(x), ct), *res = NULL;
    if (!a)
        return -1;
    int rc = -1;
    if (!(res = rt_tensor_empty(ct, x->ndim, x->shape, c->err)))
        goto done;
    if (ct == RT_I64) {
        rt_tensor *ac = rt_tensor_contiguous(a, c->err);
        if (!ac)
            goto done;
        int_path(op, p, res, ac);
        rt_tensor_release(ac);
    } else {
        rt_ew it;
        rt_tensor *ops[2] = {res, a};
        if (rt_ew_init(&it, 2, ops, c->err))
            goto done;
        rt_ew_run(&it, ct == RT_F32 ? MOPS[op].f32 : MOPS[op].f64, (void *)p);
    }
    rc = rt_ew_finish(c, res, od, NULL, out);
    res = NULL;
done:
    rt_tensor_release(a);
    rt_tensor_release(res);
    return rc;
}

static int munary_in(rt_ctx *c, const rt_value *in, int op, const mctx *p, rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    return munary(c, x, op, p, out);
}

static const mctx MNONE = {{0}};

#define MKERNEL(NAME, OP)                                                          \
    int k_##NAME(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)  \
    {                                                                              \
        (void)nin, (void)nout;                                                     \
        return munary_in(c, in, OP, &MNONE, out);                                  \
    }
MKERNEL(tan, M_TAN)
MKERNEL(asin, M_ASIN)
MKERNEL(acos, M_ACOS)
MKERNEL(atan, M_ATAN)
MKERNEL(sinh, M_SINH)
MKERNEL(cosh, M_COSH)
MKERNEL(asinh, M_ASINH)
MKERNEL(acosh, M_ACOSH)
MKERNEL(atanh, M_ATANH)
MKERNEL(trunc, M_TRUNC)
MKERNEL(frac, M_FRAC)
MKERNEL(erfinv, M_ERFINV)
MKERNEL(erfc, M_ERFC)
MKERNEL(log_sigmoid, M_LOGSIG)

int k_logit(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    mctx p = {{-1, 0, 0, 0}};
    if (in[1].kind != RT_NONE) {
        double eps;
        if (rt_arg_double(c, in[1], "eps", &eps))
            return -1;
        if (eps >= 0)
            p.p[0] = eps, p.p[1] = 1 - eps;
    }
    return munary_in(c, in, M_LOGIT, &p, out);
}

int k_celu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    double alpha;
    if (rt_arg_double(c, in[1], "alpha", &alpha))
        return -1;
    if (alpha == 0)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                          "ZeroDivisionError: alpha cannot be 0 for CELU");
    mctx p = {{alpha, 1.0, 1.0 / alpha, 0}};
    return munary_in(c, in, M_ELU, &p, out);
}

int k_selu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    mctx p = {{1.6732632423543772848170429916717, 1.0507009873554804934193349852946, 1.0, 0}};
    return munary_in(c, in, M_ELU, &p, out);
}

int k_threshold(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    mctx p = MNONE;
    if (rt_arg_double(c, in[1], "threshold", &p.p[0]) || rt_arg_double(c, in[2], "value", &p.p[1]))
        return -1;
    return munary_in(c, in, M_THRESHOLD, &p, out);
}

int k_hardshrink(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    mctx p = MNONE;
    if (rt_arg_double(c, in[1], "lambd", &p.p[0]))
        return -1;
    return munary_in(c, in, M_HARDSHRINK, &p, out);
}

int k_softshrink(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    mctx p = MNONE;
    if (rt_arg_double(c, in[1], "lambd", &p.p[0]))
        return -1;
    if (p.p[0] < 0)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                          "lambda must be greater or equal to 0, but found to be %g.", p.p[0]);
    return munary_in(c, in, M_SOFTSHRINK, &p, out);
}

int k_rrelu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    double lo, hi;
    bool training;
    if (rt_arg_double(c, in[1], "lower", &lo) || rt_arg_double(c, in[2], "upper", &hi) ||
        rt_arg_bool(c, in[3], "training", &training))
        return -1;
    if (training)
        return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED,
                          "rrelu with training=True (random slopes) is not supported");
    mctx p = {{(lo + hi) / 2, 0, 0, 0}};
    return munary_in(c, in, M_LEAKY, &p, out);
}

int k_nan_to_num(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    double big = d == RT_F64 ? DBL_MAX : d == RT_F16 ? 65504.0 : d == RT_BF16 ? 3.3895313892515355e38
                                                                              : (double)FLT_MAX;
    mctx p = {{0, big, -big, 0}};
    for (int k = 0; k < 3; k++)
        if (in[1 + k].kind != RT_NONE &&
            rt_arg_double(c, in[1 + k], k == 0 ? "nan" : k == 1 ? "posinf" : "neginf", &p.p[k]))
            return -1;
    if (!rt_dtype_is_float(d)) { /* integers: a copy */
        rt_tensor *t = rt_tensor_clone(x, c->err);
        if (!t)
            return -1;
        rt_out_tensor(out, t);
        return 0;
    }
    return munary(c, x, M_NAN2NUM, &p, out);
}

/* ---- float predicates: bool results ---- */

enum { P_NAN, P_INF, P_FINITE, P_POSINF, P_NEGINF };

static int predicate(rt_ctx *c, const rt_value *in, int kind, rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    rt_tensor *res = rt_tensor_empty(RT_BOOL_, x->ndim, x->shape, c->err);
    if (!res)
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    int64_t n = rt_tensor_numel(x);
    bool *o = rt_tensor_data(res);
    if (!rt_dtype_is_float(d)) {
        memset(o, kind == P_FINITE, (size_t)n);
    } else {
        size_t es = rt_dtype_size(d);
        const char *p = rt_tensor_data(x);
        rt_iter it;
        rt_iter_init(&it, x->ndim, x->shape, x->strides);
        for (int64_t i = 0; i < n; i++, rt_iter_next(&it)) {
            double v = rt_load_f64(p + it.off * (int64_t)es, d);
            o[i] = kind == P_NAN      ? v != v
                   : kind == P_INF    ? isinf(v)
                   : kind == P_FINITE ? isfinite(v)
                   : kind == P_POSINF ? v == INFINITY
                                      : v == -INFINITY;
        }
    }
    rt_out_tensor(out, res);
    return 0;
}

#define PKERNEL(NAME, KIND)                                                        \
    int k_##NAME(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)  \
    {                                                                              \
        (void)nin, (void)nout;                                                     \
        return predicate(c, in, KIND, out);                                        \
    }
PKERNEL(isnan, P_NAN)
PKERNEL(isinf, P_INF)
PKERNEL(isfinite, P_FINITE)
PKERNEL(isposinf, P_POSINF)
PKERNEL(isneginf, P_NEGINF)

/* ---- binary / ternary float ops ---- */

#define BLOOP(NAME, T, EXPR)                                                  \
    static void NAME(char **pp, const int64_t *s, int64_t n, void *vctx)      \
    {                                                                         \
        const mctx *ctx = vctx;                                               \
        const T P0 = (T)ctx->p[0];                                            \
        (void)P0;                                                             \
        if (s[0] == sizeof(T) && s[1] == sizeof(T) && s[2] == sizeof(T)) {    \
            T *o = (T *)pp[0];                                                \
            const T *A = (const T *)pp[1], *B = (const T *)pp[2];             \
            for (int64_t i = 0; i < n; i++) {                                 \
                T a = A[i], b = B[i];                                         \
                o[i] = (T)(EXPR);                                             \
            }                                                                 \
        } else {                                                              \
            for (int64_t i = 0; i < n; i++) {                                 \
                T a = *(const T *)(pp[1] + i * s[1]);                         \
                T b = *(const T *)(pp[2] + i * s[2]);                         \
                *(T *)(pp[0] + i * s[0]) = (T)(EXPR);                         \
            }                                                                 \
        }                                                                     \
    }
BLOOP(atan2_f32, float, atan2(a, b))
BLOOP(atan2_f64, double, atan2(a, b))
BLOOP(hypot_f32, float, hypot(a, b))
BLOOP(hypot_f64, double, hypot(a, b))
/* lerp with a scalar weight P0 */
BLOOP(lerps_f32, float, fabs(P0) < 0.5f ? a + P0 * (b - a) : b - (b - a) * (1.0f - P0))
BLOOP(lerps_f64, double, fabs(P0) < 0.5 ? a + P0 * (b - a) : b - (b - a) * (1.0 - P0))

#define TLOOP(NAME, T, EXPR)                                                  \
    static void NAME(char **pp, const int64_t *s, int64_t n, void *vctx)      \
    {                                                                         \
        (void)vctx;                                                           \
        for (int64_t i = 0; i < n; i++) {                                     \
            T a = *(const T *)(pp[1] + i * s[1]);                             \
            T b = *(const T *)(pp[2] + i * s[2]);                             \
            T w = *(const T *)(pp[3] + i * s[3]);                             \
            *(T *)(pp[0] + i * s[0]) = (T)(EXPR);                             \
        }                                                                     \
    }
TLOOP(lerpt_f32, float, fabs(w) < 0.5f ? a + w * (b - a) : b - (b - a) * (1.0f - w))
TLOOP(lerpt_f64, double, fabs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1.0 - w))

/* out = f(a, b[, w]) in the float result type of the operands. */
static int mbinary(rt_ctx *c, int n, const rt_value *v, rt_dtype od, rt_ew_loop f32,
                   rt_ew_loop f64, const mctx *p, rt_value *out)
{
    rt_dtype ct = rt_ew_compute_type(od);
    rt_tensor *ops[4] = {NULL, NULL, NULL, NULL};
    int rc = -1;
    for (int i = 0; i < n; i++)
        if (!(ops[1 + i] = rt_ew_operand(c, v[i], ct)))
            goto done;
    if (!(ops[0] = rt_ew_output(ct, n, ops + 1, c->err)))
        goto done;
    rt_ew it;
    if (rt_ew_init(&it, n + 1, ops, c->err))
        goto done;
    rt_ew_run(&it, ct == RT_F32 ? f32 : f64, (void *)p);
    rc = rt_ew_finish(c, ops[0], od, NULL, out);
    ops[0] = NULL;
done:
    for (int i = 0; i < 4; i++)
        rt_tensor_release(ops[i]);
    return rc;
}

static rt_dtype float_result(const rt_value *v, int n)
{
    rt_dtype d = rt_result_type(n, v);
    return rt_dtype_is_float(d) ? d : RT_F32;
}

int k_atan2(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *a, *b;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "other", &b))
        return -1;
    return mbinary(c, 2, in, float_result(in, 2), atan2_f32, atan2_f64, &MNONE, out);
}

int k_hypot(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *a, *b;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "other", &b))
        return -1;
    rt_dtype d = rt_result_type(2, in);
    if (!rt_dtype_is_float(d))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"hypot_cpu\" not implemented for '%s'",
                          rt_dtype_aten_name(d));
    return mbinary(c, 2, in, d, hypot_f32, hypot_f64, &MNONE, out);
}

/* The C type name PyTorch's TypeMeta prints ("float", "double", ...). */
static const char *meta_name(int d)
{
    switch (d) {
    case RT_F32: return "float";
    case RT_F64: return "double";
    case RT_I64: return "long int";
    case RT_I32: return "int";
    case RT_I16: return "short int";
    case RT_I8: return "signed char";
    case RT_U8: return "unsigned char";
    case RT_BOOL_: return "bool";
    case RT_F16: return "c10::Half";
    case RT_BF16: return "c10::BFloat16";
    default: return "?";
    }
}

static int lerp_check(rt_ctx *c, rt_tensor *a, rt_tensor *b, rt_tensor *w)
{
    if (b->dtype != a->dtype)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected dtype %s for `end` but got dtype %s",
                          meta_name(a->dtype), meta_name(b->dtype));
    if (w && w->dtype != a->dtype)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "expected dtype %s for `weight` but got dtype %s",
                          meta_name(a->dtype), meta_name(w->dtype));
    if (!rt_dtype_is_float((rt_dtype)a->dtype))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"lerp_kernel_scalar\" not implemented for '%s'",
                          rt_dtype_aten_name((rt_dtype)a->dtype));
    return 0;
}

int k_lerp_Scalar(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *a, *b;
    mctx p = MNONE;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "end", &b) ||
        rt_arg_double(c, in[2], "weight", &p.p[0]) || lerp_check(c, a, b, NULL))
        return -1;
    return mbinary(c, 2, in, (rt_dtype)a->dtype, lerps_f32, lerps_f64, &p, out);
}

int k_lerp_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *a, *b, *w;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "end", &b) ||
        rt_arg_tensor(c, in[2], "weight", &w) || lerp_check(c, a, b, w))
        return -1;
    return mbinary(c, 3, in, (rt_dtype)a->dtype, lerpt_f32, lerpt_f64, &MNONE, out);
}

/* ---- glu: first half * sigmoid(second half) along dim ---- */

BLOOP(glu_f32, float, a / (1.0f + exp(-b)))
BLOOP(glu_f64, double, a / (1.0 + exp(-b)))

int k_glu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *x;
    int64_t dim;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "dim", &dim))
        return -1;
    if (x->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "glu does not support 0-dimensional tensors");
    if (rt_arg_dim(c, dim, x->ndim, &dim))
        return -1;
    int64_t n = x->shape[dim];
    if (n % 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Halving dimension must be even, but dimension %lld is size %lld",
                          (long long)dim, (long long)n);
    rt_dtype d = (rt_dtype)x->dtype;
    if (!rt_dtype_is_float(d))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"glu_cpu\" not implemented for '%s'",
                          rt_dtype_aten_name(d));
    int64_t sh[RT_MAX_DIMS];
    memcpy(sh, x->shape, sizeof sh);
    sh[dim] = n / 2;
    rt_tensor *a = rt_tensor_view(x->storage, d, x->ndim, sh, x->strides, x->offset, c->err);
    if (!a)
        return -1;
    rt_tensor *b = rt_tensor_view(x->storage, d, x->ndim, sh, x->strides,
                                  x->offset + (n / 2) * x->strides[dim], c->err);
    if (!b) {
        rt_tensor_release(a);
        return -1;
    }
    rt_value v[2] = {rt_tensor_value(a), rt_tensor_value(b)};
    int rc = mbinary(c, 2, v, d, glu_f32, glu_f64, &MNONE, out);
    rt_tensor_release(a);
    rt_tensor_release(b);
    return rc;
}
