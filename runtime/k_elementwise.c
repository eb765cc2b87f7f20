/*
 * k_elementwise.c — binary arithmetic, comparisons, logical/bitwise ops,
 * where and masked_fill.
 *
 * Every binary op goes through `binary()`: torch.result_type picks the
 * result dtype, the operands are brought to one compute type (float32,
 * float64, int64, or bool for bitwise/logical ops; narrower integers
 * compute in int64 and half types in float32, then round back), and a loop
 * from BLOOP[op][compute type] runs under rt_ew with contiguous and
 * scalar-broadcast fast paths.
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


/* ---- integer helpers (Python sign rules; no UB on INT64_MIN / -1) ---- */

static inline int64_t i_div_trunc(int64_t a, int64_t b)
{
    return b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b;
}
static inline int64_t i_div_floor(int64_t a, int64_t b)
{
    if (b == -1)
        return (int64_t)(0 - (uint64_t)a);
    int64_t q = a / b, r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? q - 1 : q;
}
static inline int64_t i_rem(int64_t a, int64_t b)
{
    if (b == -1)
        return 0;
    int64_t r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
static inline int64_t i_pow(int64_t b, int64_t e)
{
    if (e < 0)
        return b == 1 ? 1 : b == -1 ? ((e & 1) ? -1 : 1) : 0;
    uint64_t r = 1, x = (uint64_t)b;
    while (e) {
        if (e & 1)
            r *= x;
        x *= x;
        e >>= 1;
    }
    return (int64_t)r;
}
static inline int64_t i_wrap(uint64_t v) { return (int64_t)v; }

/* float helpers: Python's floor-mod and ATen's div_floor_floating */
#define FLOAT_HELPERS(T, SUF)                                  \
    static inline T f_rem_##SUF(T x, T y)                      \
    {                                                          \
        T m = fmod(x, y);                                      \
        return (m != 0 && (y < 0) != (m < 0)) ? m + y : m;     \
    }                                                          \
    static inline T f_floordiv_##SUF(T x, T y)                 \
    {                                                          \
        if (y == 0)                                            \
            return x / y;                                      \
        T m = fmod(x, y), d = (x - m) / y;                     \
        if (m != 0 && (y < 0) != (m < 0))                      \
            d -= 1;                                            \
        if (d == 0)                                            \
            return copysign((T)0, x / y);                      \
        T r = floor(d);                                        \
        return d - r > (T)0.5 ? r + 1 : r;                     \
    }
FLOAT_HELPERS(float, f32)
FLOAT_HELPERS(double, f64)
#define F_REM(x, y) _Generic((x), float: f_rem_f32, default: f_rem_f64)(x, y)
#define F_FLOORDIV(x, y) _Generic((x), float: f_floordiv_f32, default: f_floordiv_f64)(x, y)

/* ---- loops ---- */

typedef struct bctx {
    double af;
    int64_t ai;
    int zerodiv;
} bctx;

/* NAME: loop over (TO out, T a, T b); PRE declares per-run constants. */
#define LOOP2(NAME, TO, T, PRE, EXPR)                                                 \
    static void NAME(char **p, const int64_t *s, int64_t n, void *vctx)               \
    {                                                                                 \
        bctx *ctx = vctx;                                                             \
        (void)ctx;                                                                    \
        PRE;                                                                          \
        TO *o = (TO *)p[0];                                                           \
        const T *a = (const T *)p[1], *b = (const T *)p[2];                           \
        if (s[0] == sizeof(TO) && s[1] == sizeof(T) && s[2] == sizeof(T)) {           \
            for (int64_t i = 0; i < n; i++) {                                         \
                T x = a[i], y = b[i];                                                 \
                o[i] = (TO)(EXPR);                                                    \
            }                                                                         \
        } else if (s[0] == sizeof(TO) && s[1] == sizeof(T) && s[2] == 0) {            \
            const T y = b[0];                                                         \
            for (int64_t i = 0; i < n; i++) {                                         \
                T x = a[i];                                                           \
                o[i] = (TO)(EXPR);                                                    \
            }                                                                         \
        } else if (s[0] == sizeof(TO) && s[1] == 0 && s[2] == sizeof(T)) {            \
            const T x = a[0];                                                         \
            for (int64_t i = 0; i < n; i++) {                                         \
                T y = b[i];                                                           \
                o[i] = (TO)(EXPR);                                                    \
            }                                                                         \
        } else {                                                                      \
            for (int64_t i = 0; i < n; i++) {                                         \
                T x = *(const T *)(p[1] + i * s[1]), y = *(const T *)(p[2] + i * s[2]); \
                *(TO *)(p[0] + i * s[0]) = (TO)(EXPR);                                \
            }                                                                         \
        }                                                                             \
    }

#define NOPRE (void)0
#define PRE_AF(T) const T A = (T)ctx->af
#define PRE_AI const int64_t A = ctx->ai

/* arithmetic: f32, f64, i64 */
#define ARITH(OP, FEXPR, IEXPR, FPRE, IPRE)            \
    LOOP2(OP##_f32, float, float, FPRE(float), FEXPR)    \
    LOOP2(OP##_f64, double, double, FPRE(double), FEXPR) \
    LOOP2(OP##_i64, int64_t, int64_t, IPRE, IEXPR)
#define FNOPRE(T) NOPRE
#define INOPRE NOPRE

ARITH(add, x + A * y, i_wrap((uint64_t)x + (uint64_t)A * (uint64_t)y), PRE_AF, PRE_AI)
ARITH(sub, x - A * y, i_wrap((uint64_t)x - (uint64_t)A * (uint64_t)y), PRE_AF, PRE_AI)
ARITH(mul, x * y, i_wrap((uint64_t)x * (uint64_t)y), FNOPRE, INOPRE)
LOOP2(div_f32, float, float, NOPRE, x / y)
LOOP2(div_f64, double, double, NOPRE, x / y)
ARITH(divt, trunc(x / y), y == 0 ? (ctx->zerodiv = 1, 0) : i_div_trunc(x, y), FNOPRE, INOPRE)
ARITH(divf, F_FLOORDIV(x, y), y == 0 ? (ctx->zerodiv = 1, 0) : i_div_floor(x, y), FNOPRE,
      INOPRE)
ARITH(rem, F_REM(x, y), y == 0 ? (ctx->zerodiv = 1, 0) : i_rem(x, y), FNOPRE, INOPRE)
ARITH(pow, pow(x, y), i_pow(x, y), FNOPRE, INOPRE)
ARITH(max, (x > y || x != x) ? x : y, x > y ? x : y, FNOPRE, INOPRE)
ARITH(min, (x < y || x != x) ? x : y, x < y ? x : y, FNOPRE, INOPRE)

/* comparisons: bool out */
#define CMP(OP, EXPR)                                       \
    LOOP2(OP##_f32, uint8_t, float, NOPRE, EXPR)           \
    LOOP2(OP##_f64, uint8_t, double, NOPRE, EXPR)          \
    LOOP2(OP##_i64, uint8_t, int64_t, NOPRE, EXPR)         \
    LOOP2(OP##_b, uint8_t, uint8_t, NOPRE, EXPR)
CMP(eq, x == y)
CMP(ne, x != y)
CMP(lt, x < y)
CMP(le, x <= y)
CMP(gt, x > y)
CMP(ge, x >= y)

/* bitwise: i64 and bool */
LOOP2(and_i64, int64_t, int64_t, NOPRE, x & y)
LOOP2(or_i64, int64_t, int64_t, NOPRE, x | y)
LOOP2(xor_i64, int64_t, int64_t, NOPRE, x ^ y)
LOOP2(and_b, uint8_t, uint8_t, NOPRE, x & y)
LOOP2(or_b, uint8_t, uint8_t, NOPRE, x | y)
LOOP2(xor_b, uint8_t, uint8_t, NOPRE, x ^ y)

enum { CT_F32, CT_F64, CT_I64, CT_B, CT_N };

#define ROW3(OP) {OP##_f32, OP##_f64, OP##_i64, NULL}
#define ROW4(OP) {OP##_f32, OP##_f64, OP##_i64, OP##_b}
static const rt_ew_loop BLOOP[RT_EW_B_COUNT][CT_N] = {
    [RT_EW_ADD] = ROW3(add),   [RT_EW_SUB] = ROW3(sub),   [RT_EW_MUL] = ROW3(mul),
    [RT_EW_DIV] = {div_f32, div_f64, NULL, NULL},   [RT_EW_DIVT] = ROW3(divt), [RT_EW_DIVF] = ROW3(divf),
    [RT_EW_REM] = ROW3(rem),   [RT_EW_POW] = ROW3(pow),   [RT_EW_MAX] = ROW3(max),
    [RT_EW_MIN] = ROW3(min),   [RT_EW_EQ] = ROW4(eq),     [RT_EW_NE] = ROW4(ne),
    [RT_EW_LT] = ROW4(lt),     [RT_EW_LE] = ROW4(le),     [RT_EW_GT] = ROW4(gt),
    [RT_EW_GE] = ROW4(ge),     [RT_EW_AND] = {NULL, NULL, and_i64, and_b},
    [RT_EW_OR] = {NULL, NULL, or_i64, or_b},           [RT_EW_XOR] = {NULL, NULL, xor_i64, xor_b},
    [RT_EW_LAND] = {NULL, NULL, NULL, and_b},          [RT_EW_LOR] = {NULL, NULL, NULL, or_b},
    [RT_EW_LXOR] = {NULL, NULL, NULL, xor_b},
};

static int ct_index(rt_dtype d)
{
    switch (d) {
    case RT_F32: return CT_F32;
    case RT_F64: return CT_F64;
    case RT_I64: return CT_I64;
    default: return CT_B;
    }
}

static bool is_cmp(int op) { return op >= RT_EW_EQ && op <= RT_EW_GE; }
static bool is_logical(int op) { return op >= RT_EW_LAND && op <= RT_EW_LXOR; }
static bool is_bitwise(int op) { return op >= RT_EW_AND && op <= RT_EW_XOR; }

static const char *bitwise_name(int op)
{
    return op == RT_EW_AND ? "bitwise_and_cpu" : op == RT_EW_OR ? "bitwise_or_cpu" : "bitwise_xor_cpu";
}

int rt_ew_binary(rt_ctx *c, rt_value av, rt_value bv, int op, rt_value alpha, rt_tensor *self,
              rt_value *out)
{
    rt_value ab[2] = {av, bv};
    rt_dtype rt = rt_result_type(2, ab);
    if (rt == RT_DTYPE_INVALID)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected a tensor operand");
    rt_dtype od, ct;
    if (is_cmp(op)) {
        od = RT_BOOL_;
        ct = rt == RT_BOOL_ ? RT_BOOL_ : rt_ew_compute_type(rt);
    } else if (is_logical(op)) {
        od = RT_BOOL_;
        ct = RT_BOOL_;
    } else if (is_bitwise(op)) {
        if (rt_dtype_is_float(rt))
            return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for '%s'",
                              bitwise_name(op), rt_dtype_aten_name(rt));
        od = rt;
        ct = rt == RT_BOOL_ ? RT_BOOL_ : RT_I64;
    } else {
        od = rt;
        if (op == RT_EW_DIV && !rt_dtype_is_float(rt))
            od = RT_F32;
        if (op == RT_EW_SUB && rt == RT_BOOL_)
            return rt_err_set(c->err, TSJ_ERR_TYPE,
                              "Subtraction, the `-` operator, with two bool tensors is not "
                              "supported. Use the `^` or `logical_xor()` operator instead.");
        ct = rt_ew_compute_type(od);
    }
    bctx ctx = {1.0, 1, 0};
    if (alpha.kind != RT_NONE) {
        if (!rt_dtype_is_float(od) && alpha.kind == RT_FLOAT)
            return rt_err_set(c->err, TSJ_ERR_TYPE,
                              "For integral input tensors, argument alpha must not be a "
                              "floating point number.");
        if (rt_arg_double(c, alpha, "alpha", &ctx.af))
            return -1;
        ctx.ai = alpha.kind == RT_FLOAT ? 0 : alpha.kind == RT_BOOL ? alpha.u.b : alpha.u.i;
    }
    rt_ew_loop fn = BLOOP[op][ct_index(ct)];
    RT_CHECK(c->err, fn != NULL);
    if (self && !rt_dtype_can_cast(od, (rt_dtype)self->dtype))
        return rt_ew_cast_error(c, od, (rt_dtype)self->dtype);

    rt_tensor *a = NULL, *b = NULL, *res = NULL;
    int rc = -1;
    if (!(a = rt_ew_operand(c, av, ct)) || !(b = rt_ew_operand(c, bv, ct)))
        goto done;
    int nd;
    int64_t sh[RT_MAX_DIMS];
    rt_tensor *ops2[2] = {a, b};
    if (rt_broadcast_tensors_shape(2, ops2, &nd, sh, c->err))
        goto done;
    rt_dtype lo = (is_cmp(op) || is_logical(op)) ? RT_BOOL_ : ct;
    if (self) {
        bool same = nd == self->ndim;
        for (int i = 0; same && i < nd; i++)
            same = sh[i] == self->shape[i];
        if (!same) {
            char s1[160], s2[160];
            rt_err_set(c->err, TSJ_ERR_SHAPE,
                       "output with shape %s doesn't match the broadcast shape %s",
                       rt_shape_str(self->ndim, self->shape, s1, sizeof s1),
                       rt_shape_str(nd, sh, s2, sizeof s2));
            goto done;
        }
        if (self->dtype == lo && !rt_ew_overlaps(self, b) &&
            (a == self || !rt_ew_overlaps(self, a))) {
            res = self;
            rt_tensor_retain(res);
        }
    }
    if (!res && !(res = rt_tensor_empty(lo, nd, sh, c->err)))
        goto done;
    rt_ew it;
    rt_tensor *ops[3] = {res, a, b};
    if (rt_ew_init(&it, 3, ops, c->err))
        goto done;
    rt_ew_run(&it, fn, &ctx);
    if (ctx.zerodiv) {
        rt_err_set(c->err, TSJ_ERR_MODEL, "ZeroDivisionError");
        goto done;
    }
    rc = rt_ew_finish(c, res, od, self, out);
    res = NULL;
done:
    rt_tensor_release(a);
    rt_tensor_release(b);
    rt_tensor_release(res);
    return rc;
}

/* ---- kernels ---- */

static rt_tensor *self_tensor(rt_ctx *c, const rt_value *in)
{
    rt_tensor *t = NULL;
    rt_arg_tensor(c, in[0], "self", &t);
    return t;
}

#define BIN_KERNEL(NAME, OP)                                                        \
    int NAME(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)       \
    {                                                                               \
        return rt_ew_binary(c, in[0], in[1], OP, rt_none(), NULL, out);             \
    }                                                                               \
    int NAME##_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)    \
    {                                                                               \
        rt_tensor *self = self_tensor(c, in);                                       \
        return self ? rt_ew_binary(c, in[0], in[1], OP, rt_none(), self, out) : -1; \
    }

int k_add(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rt_ew_binary(c, in[0], in[1], RT_EW_ADD, in[2], NULL, out);
}
int k_add_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *self = self_tensor(c, in);
    return self ? rt_ew_binary(c, in[0], in[1], RT_EW_ADD, in[2], self, out) : -1;
}
int k_sub(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rt_ew_binary(c, in[0], in[1], RT_EW_SUB, in[2], NULL, out);
}
int k_sub_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *self = self_tensor(c, in);
    return self ? rt_ew_binary(c, in[0], in[1], RT_EW_SUB, in[2], self, out) : -1;
}
/* rsub(self, other, alpha) = other - alpha * self */
int k_rsub(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rt_ew_binary(c, in[1], in[0], RT_EW_SUB, in[2], NULL, out);
}

BIN_KERNEL(k_mul, RT_EW_MUL)
BIN_KERNEL(k_div, RT_EW_DIV)
BIN_KERNEL(k_remainder, RT_EW_REM)
BIN_KERNEL(k_floor_divide, RT_EW_DIVF)
BIN_KERNEL(k_maximum, RT_EW_MAX)
BIN_KERNEL(k_minimum, RT_EW_MIN)
BIN_KERNEL(k_eq, RT_EW_EQ)
BIN_KERNEL(k_ne, RT_EW_NE)
BIN_KERNEL(k_lt, RT_EW_LT)
BIN_KERNEL(k_le, RT_EW_LE)
BIN_KERNEL(k_gt, RT_EW_GT)
BIN_KERNEL(k_ge, RT_EW_GE)
BIN_KERNEL(k_bitwise_and, RT_EW_AND)
BIN_KERNEL(k_bitwise_or, RT_EW_OR)
BIN_KERNEL(k_bitwise_xor, RT_EW_XOR)
BIN_KERNEL(k_logical_and, RT_EW_LAND)
BIN_KERNEL(k_logical_or, RT_EW_LOR)
BIN_KERNEL(k_logical_xor, RT_EW_LXOR)

static int div_mode(rt_ctx *c, rt_value m, int *op)
{
    if (m.kind == RT_NONE) {
        *op = RT_EW_DIV;
        return 0;
    }
    if (m.kind == RT_STR && strcmp(rt_str_cstr(m), "trunc") == 0)
        *op = RT_EW_DIVT;
    else if (m.kind == RT_STR && strcmp(rt_str_cstr(m), "floor") == 0)
        *op = RT_EW_DIVF;
    else
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                          "div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                          "but found '%s'",
                          m.kind == RT_STR ? rt_str_cstr(m) : "?");
    return 0;
}

int k_div_mode(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    int op = 0;
    if (div_mode(c, in[2], &op))
        return -1;
    return rt_ew_binary(c, in[0], in[1], op, rt_none(), NULL, out);
}
int k_div_mode_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    int op = 0;
    rt_tensor *self = self_tensor(c, in);
    if (!self || div_mode(c, in[2], &op))
        return -1;
    return rt_ew_binary(c, in[0], in[1], op, rt_none(), self, out);
}

/* pow: an integer base may not take a negative scalar exponent; x ** 2 is
 * x * x (exact either way, and vectorizes). */
static int pow_common(rt_ctx *c, const rt_value *in, rt_tensor *self, rt_value *out)
{
    rt_value e = in[1];
    if (in[0].kind == RT_TENSOR && (e.kind == RT_INT || e.kind == RT_FLOAT || e.kind == RT_BOOL)) {
        rt_dtype rt = rt_result_type(2, in);
        if (!rt_dtype_is_float(rt) && e.kind == RT_INT && e.u.i < 0)
            return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                              "Integers to negative integer powers are not allowed.");
        if ((e.kind == RT_INT && e.u.i == 2) || (e.kind == RT_FLOAT && e.u.f == 2.0)) {
            if (rt_dtype_is_float(rt) && in[0].u.tensor->dtype == rt)
                return rt_ew_binary(c, in[0], in[0], RT_EW_MUL, rt_none(), self, out);
        }
    }
    return rt_ew_binary(c, in[0], e, RT_EW_POW, rt_none(), self, out);
}
int k_pow(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return pow_common(c, in, NULL, out);
}
int k_pow_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *self = self_tensor(c, in);
    return self ? pow_common(c, in, self, out) : -1;
}
