/* k_scalar.c — arithmetic, comparison, math and conversion kernels on
 * int / float / bool / str scalars with TorchScript's semantics (int64
 * wrap-around, Python floor division and remainder signs, int / int ->
 * float). Table lines live in runtime/ops_scalar.def.
 *
 * One kernel serves the overloads of one result category:
 *   k_<op>_int    int operands (bool accepted), int result (bool for
 *                 comparisons, float for div/pow)
 *   k_<op>_float  float result for the .float, .int_float and .float_int
 *                 overloads (ints are promoted)
 *   k_scalar_<op> the Scalar overload: int when both operands are int/bool,
 *                 else float (k_<op> is taken by the Tensor kernels) */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_format.h"
#include "rt_kernels.h"

typedef enum binop {
    B_ADD, B_SUB, B_MUL, B_DIV, B_FLOORDIV, B_REM, B_POW, B_FMOD, B_LOG,
    B_MIN, B_MAX, B_LT, B_LE, B_GT, B_GE, B_AND, B_OR, B_XOR, B_LSHIFT, B_RSHIFT
} binop;
typedef enum nmode { M_INT, M_FLOAT, M_SCALAR } nmode;

static bool is_intlike(rt_value v) { return v.kind == RT_INT || v.kind == RT_BOOL; }

static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wrap_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

static int int_binop(rt_ctx *c, binop op, int64_t a, int64_t b, rt_value *out)
{
    switch (op) {
    case B_ADD: *out = rt_int(wrap_add(a, b)); return 0;
    case B_SUB: *out = rt_int(wrap_sub(a, b)); return 0;
    case B_MUL: *out = rt_int(wrap_mul(a, b)); return 0;
    case B_DIV: *out = rt_float((double)a / (double)b); return 0;
    case B_FLOORDIV:
        if (b == 0)
            return rt_err_set(c->err, TSJ_ERR_MODEL, "ZeroDivisionError: division by 0");
        if (b == -1) {
            *out = rt_int(wrap_sub(0, a));
            return 0;
        }
        {
            int64_t q = a / b, r = a % b;
            if (r != 0 && ((r < 0) != (b < 0)))
                q--;
            *out = rt_int(q);
        }
        return 0;
    case B_REM:
        if (b == 0)
            return rt_err_set(c->err, TSJ_ERR_MODEL,
                              "ZeroDivisionError: integer division or modulo by zero");
        if (b == -1) {
            *out = rt_int(0);
            return 0;
        }
        {
            int64_t r = a % b;
            if (r != 0 && ((r < 0) != (b < 0)))
                r += b;
            *out = rt_int(r);
        }
        return 0;
    case B_POW:
        if (a == 0 && b < 0)
            return rt_err_set(c->err, TSJ_ERR_MODEL, "0.0 cannot be raised to a negative power");
        *out = rt_float(pow((double)a, (double)b));
        return 0;
    case B_FMOD: *out = rt_float(fmod((double)a, (double)b)); return 0;
    case B_LOG: *out = rt_float(log((double)a) / log((double)b)); return 0;
    case B_MIN: *out = rt_int(a < b ? a : b); return 0;
    case B_MAX: *out = rt_int(a > b ? a : b); return 0;
    case B_LT: *out = rt_bool(a < b); return 0;
    case B_LE: *out = rt_bool(a <= b); return 0;
    case B_GT: *out = rt_bool(a > b); return 0;
    case B_GE: *out = rt_bool(a >= b); return 0;
    case B_AND: *out = rt_int(a & b); return 0;
    case B_OR: *out = rt_int(a | b); return 0;
    case B_XOR: *out = rt_int(a ^ b); return 0;
    case B_LSHIFT: *out = rt_int(b < 0 || b >= 64 ? 0 : (int64_t)((uint64_t)a << b)); return 0;
    case B_RSHIFT: *out = rt_int(b < 0 ? 0 : b >= 64 ? (a < 0 ? -1 : 0) : a >> b); return 0;
    }
    return rt_err_set(c->err, TSJ_ERR_INTERNAL, "bad scalar op");
}

static int float_binop(rt_ctx *c, binop op, double a, double b, rt_value *out)
{
    switch (op) {
    case B_ADD: *out = rt_float(a + b); return 0;
    case B_SUB: *out = rt_float(a - b); return 0;
    case B_MUL: *out = rt_float(a * b); return 0;
    case B_DIV: *out = rt_float(a / b); return 0;
    case B_FLOORDIV: *out = rt_float(floor(a / b)); return 0;
    case B_REM: *out = rt_float(fmod(b + fmod(a, b), b)); return 0;
    case B_POW:
        if (a == 0 && b < 0)
            return rt_err_set(c->err, TSJ_ERR_MODEL, "0.0 cannot be raised to a negative power");
        *out = rt_float(pow(a, b));
        return 0;
    case B_FMOD: *out = rt_float(fmod(a, b)); return 0;
    case B_LOG: *out = rt_float(log(a) / log(b)); return 0;
    case B_MIN: *out = rt_float(a < b ? a : b); return 0;
    case B_MAX: *out = rt_float(a > b ? a : b); return 0;
    case B_LT: *out = rt_bool(a < b); return 0;
    case B_LE: *out = rt_bool(a <= b); return 0;
    case B_GT: *out = rt_bool(a > b); return 0;
    case B_GE: *out = rt_bool(a >= b); return 0;
    default: return rt_err_set(c->err, TSJ_ERR_TYPE, "unsupported operand type(s): float");
    }
}

static int str_compare(rt_value a, rt_value b)
{
    size_t la = a.u.str->len, lb = b.u.str->len;
    int r = memcmp(a.u.str->data, b.u.str->data, la < lb ? la : lb);
    return r ? r : (la < lb ? -1 : la > lb);
}

static int binary(rt_ctx *c, const rt_value *in, rt_value *out, binop op, nmode mode)
{
    if (op >= B_LT && op <= B_GE && in[0].kind == RT_STR && in[1].kind == RT_STR) {
        int r = str_compare(in[0], in[1]);
        bool v = op == B_LT ? r < 0 : op == B_LE ? r <= 0 : op == B_GT ? r > 0 : r >= 0;
        out[0] = rt_bool(v);
        return 0;
    }
    if (mode == M_INT || (mode == M_SCALAR && is_intlike(in[0]) && is_intlike(in[1]))) {
        int64_t a, b;
        if (rt_arg_int(c, in[0], "a", &a) || rt_arg_int(c, in[1], "b", &b))
            return -1;
        return int_binop(c, op, a, b, out);
    }
    double a, b;
    if (rt_arg_double(c, in[0], "a", &a) || rt_arg_double(c, in[1], "b", &b))
        return -1;
    return float_binop(c, op, a, b, out);
}

#define BIN_KERNEL(name, op, mode)                                                              \
    int name(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)                  \
    {                                                                                           \
        return binary(c, in, out, op, mode);                                                    \
    }
#define BIN_KERNELS(stem, op)                \
    BIN_KERNEL(k_##stem##_int, op, M_INT)     \
    BIN_KERNEL(k_##stem##_float, op, M_FLOAT) \
    BIN_KERNEL(k_scalar_##stem, op, M_SCALAR)

BIN_KERNELS(add, B_ADD)
BIN_KERNELS(sub, B_SUB)
BIN_KERNELS(mul, B_MUL)
BIN_KERNELS(div, B_DIV)
BIN_KERNELS(floordiv, B_FLOORDIV)
BIN_KERNELS(remainder, B_REM)
BIN_KERNELS(pow, B_POW)
BIN_KERNELS(fmod, B_FMOD)
BIN_KERNEL(k_log_int_int, B_LOG, M_INT)
BIN_KERNEL(k_log_float_float, B_LOG, M_FLOAT)
BIN_KERNEL(k_log_Scalar_Scalar, B_LOG, M_SCALAR)
BIN_KERNELS(lt, B_LT)
BIN_KERNELS(le, B_LE)
BIN_KERNELS(gt, B_GT)
BIN_KERNELS(ge, B_GE)
BIN_KERNELS(prim_min, B_MIN)
BIN_KERNELS(prim_max, B_MAX)
BIN_KERNEL(k___and___int, B_AND, M_INT)
BIN_KERNEL(k___or___int, B_OR, M_INT)
BIN_KERNEL(k___xor___int, B_XOR, M_INT)
BIN_KERNEL(k___lshift___int, B_LSHIFT, M_INT)
BIN_KERNEL(k___rshift___int, B_RSHIFT, M_INT)

/* aten::__and__.bool / __or__.bool / __xor__.bool (bool a, bool b) -> bool */
static int bool_binop(rt_ctx *c, const rt_value *in, rt_value *out, binop op)
{
    bool a, b;
    if (rt_arg_bool(c, in[0], "a", &a) || rt_arg_bool(c, in[1], "b", &b))
        return -1;
    out[0] = rt_bool(op == B_AND ? (a && b) : op == B_OR ? (a || b) : (a != b));
    return 0;
}
int k___and___bool(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return bool_binop(c, in, out, B_AND);
}
int k___or___bool(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return bool_binop(c, in, out, B_OR);
}
int k___xor___bool(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return bool_binop(c, in, out, B_XOR);
}

/* aten::__not__(bool self) -> bool */
int k___not__(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool a;
    if (rt_arg_bool(c, in[0], "self", &a))
        return -1;
    out[0] = rt_bool(!a);
    return 0;
}

/* aten::eq / ne, every overload (int, float, bool, str, Device, lists):
 * Python equality. */
int k_scalar_eq(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    out[0] = rt_bool(rt_value_equal(in[0], in[1]));
    return 0;
}

int k_scalar_ne(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    out[0] = rt_bool(!rt_value_equal(in[0], in[1]));
    return 0;
}

/* ---- unary ---- */

typedef enum unop { U_NEG, U_ABS, U_FLOOR, U_CEIL, U_SQRT, U_LOG, U_EXP, U_ROUND } unop;

static int64_t f2i(double d)
{
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)d;
}

static double float_unop(unop op, double a)
{
    switch (op) {
    case U_NEG: return -a;
    case U_ABS: return fabs(a);
    case U_FLOOR: return floor(a);
    case U_CEIL: return ceil(a);
    case U_SQRT: return sqrt(a);
    case U_LOG: return log(a);
    case U_EXP: return exp(a);
    case U_ROUND: return nearbyint(a);
    }
    return a;
}

/* mode M_INT: an int operand; M_FLOAT: a float operand; M_SCALAR: either.
 * neg/abs keep the operand's kind; floor/ceil give int; sqrt/log/exp/round
 * give float. */
static int unary(rt_ctx *c, const rt_value *in, rt_value *out, unop op, nmode mode)
{
    bool as_int = mode == M_INT || (mode == M_SCALAR && is_intlike(in[0]));
    if (as_int) {
        int64_t a;
        if (rt_arg_int(c, in[0], "a", &a))
            return -1;
        switch (op) {
        case U_NEG: out[0] = rt_int(wrap_sub(0, a)); return 0;
        case U_ABS: out[0] = rt_int(a < 0 ? wrap_sub(0, a) : a); return 0;
        case U_FLOOR:
        case U_CEIL: out[0] = rt_int(a); return 0;
        default: out[0] = rt_float(float_unop(op, (double)a)); return 0;
        }
    }
    double a;
    if (rt_arg_double(c, in[0], "a", &a))
        return -1;
    double r = float_unop(op, a);
    out[0] = op == U_FLOOR || op == U_CEIL ? rt_int(f2i(r)) : rt_float(r);
    return 0;
}

#define UN_KERNEL(name, op, mode)                                              \
    int name(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout) \
    {                                                                          \
        return unary(c, in, out, op, mode);                                    \
    }
#define UN_KERNELS(stem, op)                \
    UN_KERNEL(k_##stem##_int, op, M_INT)     \
    UN_KERNEL(k_##stem##_float, op, M_FLOAT) \
    UN_KERNEL(k_##stem##_Scalar, op, M_SCALAR)

UN_KERNELS(neg, U_NEG)
UN_KERNELS(prim_abs, U_ABS)
UN_KERNELS(floor, U_FLOOR)
UN_KERNELS(ceil, U_CEIL)
UN_KERNELS(sqrt, U_SQRT)
UN_KERNELS(log, U_LOG)
UN_KERNELS(exp, U_EXP)
UN_KERNELS(round, U_ROUND)

/* aten::isnan.float(float a) -> bool */
int k_isnan_float(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    double a;
    if (rt_arg_double(c, in[0], "a", &a))
        return -1;
    out[0] = rt_bool(isnan(a));
    return 0;
}

/* ---- conversions ---- */

/* aten::Int.float / Int.bool / Int.Scalar -> int (truncation) */
int k_Int_Scalar(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    switch (in[0].kind) {
    case RT_INT: out[0] = in[0]; return 0;
    case RT_BOOL: out[0] = rt_int(in[0].u.b); return 0;
    case RT_FLOAT: out[0] = rt_int(f2i(in[0].u.f)); return 0;
    default: {
        char buf[64];
        return rt_err_set(c->err, TSJ_ERR_TYPE, "int() expects a number, got %s",
                          rt_value_type_str(in[0], buf, sizeof buf));
    }
    }
}

/* aten::Float.int / Float.bool / Float.Scalar -> float */
int k_Float_Scalar(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    double d;
    if (rt_arg_double(c, in[0], "a", &d))
        return -1;
    out[0] = rt_float(d);
    return 0;
}

/* aten::Bool.int / Bool.float -> bool */
int k_Bool_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    double d;
    if (in[0].kind == RT_INT) {
        out[0] = rt_bool(in[0].u.i != 0);
        return 0;
    }
    if (rt_arg_double(c, in[0], "a", &d))
        return -1;
    out[0] = rt_bool(d != 0);
    return 0;
}

/* aten::Int.str(str a) -> int: base 10, leading blanks allowed, nothing
 * after the digits (c10::stoll with a full-length check). */
int k_Int_str(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    if (in[0].kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "int() expects a str");
    const char *s = rt_str_cstr(in[0]);
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno == ERANGE)
        return rt_err_set(c->err, TSJ_ERR_MODEL, "invalid literal for int() with base 10: '%s'",
                          s);
    out[0] = rt_int(v);
    return 0;
}

/* aten::Float.str(str a) -> float */
int k_Float_str(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    if (in[0].kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "float() expects a str");
    const char *s = rt_str_cstr(in[0]);
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end)
        return rt_err_set(c->err, TSJ_ERR_MODEL, "could not convert string to float: '%s'", s);
    out[0] = rt_float(v);
    return 0;
}

/* ---- range helpers emitted for `for i in range(...)` ---- */

/* aten::__range_length(int lo, int hi, int step) -> int */
int k___range_length(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    int64_t lo, hi, step;
    if (rt_arg_int(c, in[0], "lo", &lo) || rt_arg_int(c, in[1], "hi", &hi) ||
        rt_arg_int(c, in[2], "step", &step))
        return -1;
    if (step == 0)
        return rt_err_set(c->err, TSJ_ERR_MODEL, "range() arg 3 must not be zero");
    int64_t n = 0;
    if (step > 0 && lo < hi)
        n = (int64_t)(((uint64_t)hi - (uint64_t)lo - 1) / (uint64_t)step) + 1;
    else if (step < 0 && lo > hi)
        n = (int64_t)(((uint64_t)lo - (uint64_t)hi - 1) / (0 - (uint64_t)step)) + 1;
    out[0] = rt_int(n);
    return 0;
}

/* aten::__derive_index(int index, int start, int step) -> int */
int k___derive_index(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    int64_t index, start, step;
    if (rt_arg_int(c, in[0], "index", &index) || rt_arg_int(c, in[1], "start", &start) ||
        rt_arg_int(c, in[2], "step", &step))
        return -1;
    out[0] = rt_int(wrap_add(start, wrap_mul(index, step)));
    return 0;
}
