/* test_rt_scalar.c — scalar, list, dict and str builtins (ops_scalar.def)
 * and value formatting (rt_format.h), called through the operator table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "rt_format.h"

#include "../data/ops/scalar/format_cases.inc"

/* ---- helpers: values created by a test are released at its end ---- */
static rt_value pool[512];
static int npool;

static rt_value keep(rt_value v)
{
    assert_true(npool < 512);
    pool[npool++] = v;
    return v;
}
static int teardown(void **state)
{
    for (int i = 0; i < npool; i++)
        rt_value_release(pool[i]);
    npool = 0;
    return 0;
}
static rt_value I(int64_t v) { return rt_int(v); }
static rt_value F(double v) { return rt_float(v); }
static rt_value B(bool v) { return rt_bool(v); }
static rt_value N(void) { return rt_none(); }
static rt_value S(const char *s)
{
    rt_value v;
    assert_int_equal(rt_str_from_cstr(s, &v, NULL), 0);
    return keep(v);
}
static rt_value L(int n, ...)
{
    rt_value l;
    assert_int_equal(rt_list_new(RT_LIST, 0, &l, NULL), 0);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(rt_list_append(l.u.list, va_arg(ap, rt_value), NULL), 0);
    va_end(ap);
    return keep(l);
}
static rt_value T(int n, ...)
{
    rt_value items[16];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        items[i] = va_arg(ap, rt_value);
    va_end(ap);
    rt_value t;
    assert_int_equal(rt_list_from(RT_TUPLE, items, (size_t)n, &t, NULL), 0);
    return keep(t);
}

/* Runs an op that must succeed; its single result is kept for release. */
#define RUN(name, ...) run_ok(name, (rt_value[]){__VA_ARGS__}, \
                              (int)(sizeof((rt_value[]){__VA_ARGS__}) / sizeof(rt_value)))
#define RUN0(name) run_ok(name, NULL, 0)
static rt_value run_ok(const char *name, const rt_value *in, int nin)
{
    rt_err e;
    rt_err_clear(&e);
    rt_value out = rt_none();
    if (ts_run_op(name, in, nin, &out, 1, &e))
        fail_msg("%s failed: %s", name, e.msg);
    return keep(out);
}
/* Runs an op that must fail with `status` and a message containing `msg`. */
#define FAILS(status, msg, name, ...) run_fail(status, msg, name, (rt_value[]){__VA_ARGS__}, \
                              (int)(sizeof((rt_value[]){__VA_ARGS__}) / sizeof(rt_value)))
static void run_fail(tsj_status status, const char *msg, const char *name, const rt_value *in,
                     int nin)
{
    rt_err e;
    rt_err_clear(&e);
    rt_value out = rt_none();
    if (!ts_run_op(name, in, nin, &out, 1, &e))
        fail_msg("%s should have failed", name);
    assert_int_equal(out.kind, RT_NONE);
    if (e.status != status || !strstr(e.msg, msg))
        fail_msg("%s: got status %d '%s', expected %d '%s'", name, e.status, e.msg, status, msg);
}

static void is_int(rt_value v, int64_t x)
{
    assert_int_equal(v.kind, RT_INT);
    assert_int_equal(v.u.i, x);
}
static void is_float(rt_value v, double x)
{
    assert_int_equal(v.kind, RT_FLOAT);
    if (isnan(x))
        assert_true(isnan(v.u.f));
    else
        assert_true(v.u.f == x);
}
static void is_bool(rt_value v, bool x)
{
    assert_int_equal(v.kind, RT_BOOL);
    assert_int_equal(v.u.b, x);
}
static void is_str(rt_value v, const char *s)
{
    assert_int_equal(v.kind, RT_STR);
    assert_string_equal(rt_str_cstr(v), s);
}
static void is_ts(rt_value v, const char *text)
{
    rt_value s = RUN("aten::str", v);
    is_str(s, text);
}

/* ---- arithmetic ---- */

static void test_add_sub_mul(void **state)
{
    is_int(RUN("aten::add.int", I(2), I(3)), 5);
    is_float(RUN("aten::add.float", F(0.5), F(0.25)), 0.75);
    is_float(RUN("aten::add.float", I(1), I(2)), 3.0); /* ints given for float params */
    is_float(RUN("aten::add.int_float", I(1), F(0.5)), 1.5);
    is_float(RUN("aten::add.float_int", F(0.5), I(1)), 1.5);
    is_int(RUN("aten::add", I(1), I(2)), 3);
    is_float(RUN("aten::add", I(1), F(2)), 3.0);
    is_int(RUN("aten::add", B(true), I(2)), 3);
    is_int(RUN("aten::add.int", I(INT64_MAX), I(1)), INT64_MIN); /* wraps like int64 */
    is_int(RUN("aten::sub.int", I(INT64_MIN), I(1)), INT64_MAX);
    is_int(RUN("aten::mul.int", I(INT64_MAX), I(2)), -2);
    is_int(RUN("aten::sub.int", I(2), I(5)), -3);
    is_float(RUN("aten::sub", F(2), I(5)), -3.0);
    is_int(RUN("aten::mul", I(6), I(7)), 42);
    is_float(RUN("aten::mul.float_int", F(1.5), I(2)), 3.0);
}

static void test_div_floordiv_remainder(void **state)
{
    is_float(RUN("aten::div.int", I(7), I(2)), 3.5);
    is_float(RUN("aten::div.int", I(1), I(0)), INFINITY);
    is_float(RUN("aten::div.float", F(1), F(0)), INFINITY);
    is_float(RUN("aten::div", I(1), I(4)), 0.25);
    is_int(RUN("aten::floordiv.int", I(-7), I(2)), -4);
    is_int(RUN("aten::floordiv.int", I(7), I(-2)), -4);
    is_int(RUN("aten::floordiv.int", I(7), I(2)), 3);
    is_int(RUN("aten::floordiv.int", I(-8), I(2)), -4);
    is_int(RUN("aten::floordiv.int", I(INT64_MIN), I(-1)), INT64_MIN);
    FAILS(TSJ_ERR_MODEL, "division by 0", "aten::floordiv.int", I(7), I(0));
    is_float(RUN("aten::floordiv.float", F(-7), F(2)), -4.0);
    is_float(RUN("aten::floordiv.float", F(7), F(0)), INFINITY);
    is_int(RUN("aten::floordiv", I(7), I(2)), 3);
    is_float(RUN("aten::floordiv", F(7), I(2)), 3.0);
    is_int(RUN("aten::remainder.int", I(-7), I(2)), 1);
    is_int(RUN("aten::remainder.int", I(7), I(-2)), -1);
    is_int(RUN("aten::remainder.int", I(-7), I(-2)), -1);
    is_int(RUN("aten::remainder.int", I(6), I(3)), 0);
    is_int(RUN("aten::remainder.int", I(INT64_MIN), I(-1)), 0);
    FAILS(TSJ_ERR_MODEL, "ZeroDivisionError", "aten::remainder.int", I(7), I(0));
    is_float(RUN("aten::remainder.float", F(-7.5), F(2)), 0.5);
    is_float(RUN("aten::remainder.float", F(7.5), F(-2)), -0.5);
    is_float(RUN("aten::remainder.float", F(7), F(0)), NAN);
    is_float(RUN("aten::remainder", F(-7), I(2)), 1.0);
    is_int(RUN("aten::remainder", I(-7), I(2)), 1);
    is_float(RUN("aten::fmod.int", I(-7), I(2)), -1.0);
}

static void test_pow_and_math(void **state)
{
    is_float(RUN("aten::pow.int", I(2), I(3)), 8.0);
    is_float(RUN("aten::pow.int", I(2), I(-1)), 0.5);
    FAILS(TSJ_ERR_MODEL, "0.0 cannot be raised to a negative power", "aten::pow.int", I(0), I(-1));
    FAILS(TSJ_ERR_MODEL, "negative power", "aten::pow.float", F(0), F(-1));
    is_float(RUN("aten::pow.float", F(-8), F(1.0 / 3)), NAN);
    is_float(RUN("aten::pow.Scalar_Scalar", I(3), I(2)), 9.0);
    is_int(RUN("aten::neg.int", I(5)), -5);
    is_int(RUN("aten::neg.int", I(INT64_MIN)), INT64_MIN);
    is_float(RUN("aten::neg.float", F(1.5)), -1.5);
    is_int(RUN("aten::neg.Scalar", I(2)), -2);
    is_float(RUN("aten::neg.Scalar", F(2)), -2.0);
    is_int(RUN("prim::abs.int", I(-3)), 3);
    is_float(RUN("prim::abs.float", F(-3.5)), 3.5);
    is_int(RUN("prim::abs.Scalar", I(-3)), 3);
    is_int(RUN("aten::floor.float", F(-2.5)), -3);
    is_int(RUN("aten::floor.int", I(4)), 4);
    is_int(RUN("aten::ceil.float", F(2.1)), 3);
    is_int(RUN("aten::floor.Scalar", F(2.5)), 2);
    is_float(RUN("aten::sqrt.int", I(4)), 2.0);
    is_float(RUN("aten::sqrt.float", F(2.25)), 1.5);
    is_float(RUN("aten::exp.int", I(0)), 1.0);
    is_float(RUN("aten::log.int", I(1)), 0.0);
    is_float(RUN("aten::log.int_int", I(8), I(2)), 3.0);
    is_float(RUN("aten::round.float", F(2.5)), 2.0);
    is_float(RUN("aten::round.float", F(3.5)), 4.0);
    is_bool(RUN("aten::isnan.float", F(NAN)), true);
}

static void test_compare(void **state)
{
    is_bool(RUN("aten::lt.int", I(1), I(2)), true);
    is_bool(RUN("aten::ge.int", I(1), I(2)), false);
    is_bool(RUN("aten::le.float", F(2), F(2)), true);
    is_bool(RUN("aten::gt.int_float", I(3), F(2.5)), true);
    is_bool(RUN("aten::lt", I(1), F(1.5)), true);
    is_bool(RUN("aten::lt.float", F(NAN), F(1)), false);
    is_bool(RUN("aten::lt.str", S("abc"), S("abd")), true);
    is_bool(RUN("aten::gt.str", S("ab"), S("a")), true);
    is_bool(RUN("aten::eq.int", I(3), I(3)), true);
    is_bool(RUN("aten::eq", I(1), F(1.0)), true);
    is_bool(RUN("aten::eq.str", S("relu"), S("relu")), true);
    is_bool(RUN("aten::ne.str", S("relu"), S("gelu")), true);
    is_bool(RUN("aten::eq.int_list", L(2, I(1), I(2)), L(2, I(1), I(2))), true);
    is_bool(RUN("aten::eq.int_list", L(2, I(1), I(2)), L(1, I(1))), false);
    is_bool(RUN("aten::ne.float", F(NAN), F(NAN)), true);
    is_bool(RUN("aten::eq.device", S("cpu"), S("cpu")), true);
    is_bool(RUN("aten::eq.bool", B(true), B(false)), false);
}

static void test_bool_int_ops(void **state)
{
    is_bool(RUN("aten::__and__.bool", B(true), B(false)), false);
    is_bool(RUN("aten::__or__.bool", B(true), B(false)), true);
    is_bool(RUN("aten::__xor__.bool", B(true), B(true)), false);
    is_int(RUN("aten::__and__.int", I(6), I(3)), 2);
    is_int(RUN("aten::__or__.int", I(6), I(3)), 7);
    is_int(RUN("aten::__xor__.int", I(6), I(3)), 5);
    is_int(RUN("aten::__lshift__.int", I(1), I(4)), 16);
    is_int(RUN("aten::__rshift__.int", I(-16), I(2)), -4);
    is_bool(RUN("aten::__not__", B(false)), true);
}

static void test_min_max(void **state)
{
    is_int(RUN("prim::max.int", I(3), I(7)), 7);
    is_int(RUN("prim::min.int", I(3), I(7)), 3);
    is_float(RUN("prim::max.int_float", I(3), F(2.5)), 3.0);
    is_float(RUN("prim::min.float_int", F(2.5), I(3)), 2.5);
    is_float(RUN("prim::max", I(3), F(2.5)), 3.0);
    is_int(RUN("prim::max", I(3), I(2)), 3);
    /* PyTorch: a > b ? a : b and a < b ? a : b */
    is_float(RUN("prim::max.float", F(NAN), F(1)), 1.0);
    is_float(RUN("prim::max.float", F(1), F(NAN)), NAN);
    is_float(RUN("prim::min.float", F(NAN), F(1)), 1.0);
    rt_value a = L(2, I(1), I(2)), b = L(2, I(1), I(3)), c3 = L(3, I(1), I(2), I(3));
    assert_ptr_equal(RUN("prim::max.int_list", a, b).u.list, b.u.list);
    assert_ptr_equal(RUN("prim::max.int_list", c3, a).u.list, c3.u.list);
    assert_ptr_equal(RUN("prim::min.int_list", c3, a).u.list, a.u.list);
    is_int(RUN("prim::max.self_int", L(3, I(3), I(1), I(4))), 4);
    is_float(RUN("prim::min.self_float", L(2, F(0.5), F(-1))), -1.0);
    FAILS(TSJ_ERR_MODEL, "max() arg is an empty sequence", "prim::max.self_int", L(0));
}

static void test_conversions(void **state)
{
    is_int(RUN("aten::Int.float", F(2.7)), 2);
    is_int(RUN("aten::Int.float", F(-2.7)), -2);
    is_int(RUN("aten::Int.float", F(INFINITY)), INT64_MIN);
    is_int(RUN("aten::Int.float", F(NAN)), INT64_MIN);
    is_int(RUN("aten::Int.bool", B(true)), 1);
    is_int(RUN("aten::Int.Scalar", F(3.9)), 3);
    is_int(RUN("aten::Int.str", S("12")), 12);
    is_int(RUN("aten::Int.str", S("-3")), -3);
    is_int(RUN("aten::Int.str", S(" 12")), 12);
    FAILS(TSJ_ERR_MODEL, "invalid literal for int() with base 10: ' 12 '", "aten::Int.str",
          S(" 12 "));
    FAILS(TSJ_ERR_MODEL, "invalid literal for int() with base 10: '1.5'", "aten::Int.str",
          S("1.5"));
    FAILS(TSJ_ERR_MODEL, "invalid literal", "aten::Int.str", S("0x10"));
    FAILS(TSJ_ERR_MODEL, "invalid literal", "aten::Int.str", S(""));
    is_float(RUN("aten::Float.int", I(3)), 3.0);
    is_float(RUN("aten::Float.bool", B(true)), 1.0);
    is_float(RUN("aten::Float.Scalar", F(0.5)), 0.5);
    is_float(RUN("aten::Float.str", S("1e3")), 1000.0);
    is_float(RUN("aten::Float.str", S("inf")), INFINITY);
    FAILS(TSJ_ERR_MODEL, "could not convert string to float: 'abc'", "aten::Float.str", S("abc"));
    FAILS(TSJ_ERR_MODEL, "could not convert", "aten::Float.str", S(" 2 "));
    is_bool(RUN("aten::Bool.int", I(0)), false);
    is_bool(RUN("aten::Bool.int", I(-2)), true);
    is_bool(RUN("aten::Bool.float", F(0.5)), true);
}

static void test_range_helpers(void **state)
{
    is_int(RUN("aten::__range_length", I(0), I(10), I(3)), 4);
    is_int(RUN("aten::__range_length", I(10), I(0), I(-3)), 4);
    is_int(RUN("aten::__range_length", I(5), I(0), I(1)), 0);
    is_int(RUN("aten::__range_length", I(0), I(0), I(1)), 0);
    is_int(RUN("aten::__range_length", I(INT64_MIN), I(INT64_MAX), I(INT64_MAX)), 3);
    FAILS(TSJ_ERR_MODEL, "range() arg 3 must not be zero", "aten::__range_length", I(0), I(10),
          I(0));
    is_int(RUN("aten::__derive_index", I(2), I(1), I(3)), 7);
    is_int(RUN("aten::__derive_index", I(2), I(10), I(-3)), 4);
}

/* ---- lists ---- */

static void test_list_basic(void **state)
{
    rt_value l = L(3, I(10), I(20), I(30));
    is_int(RUN("aten::len.t", l), 3);
    is_int(RUN("aten::len.any", l), 3);
    is_int(RUN("aten::__getitem__.t", l, I(0)), 10);
    is_int(RUN("aten::__getitem__.t", l, I(-1)), 30);
    FAILS(TSJ_ERR_INDEX, "list index out of range", "aten::__getitem__.t", l, I(3));
    FAILS(TSJ_ERR_INDEX, "list index out of range", "aten::__getitem__.t", l, I(-4));
    rt_value r = RUN("aten::_set_item.t", l, I(-1), I(5));
    assert_ptr_equal(r.u.list, l.u.list);
    is_int(l.u.list->items[2], 5);
    FAILS(TSJ_ERR_INDEX, "list index out of range", "aten::_set_item.t", l, I(5), I(1));
    is_bool(RUN("aten::__contains__.int_list", l, I(20)), true);
    is_bool(RUN("aten::__contains__.int_list", l, I(21)), false);
    is_bool(RUN("aten::__contains__.str_list", L(2, S("a"), S("relu")), S("relu")), true);
    is_bool(RUN("aten::__contains__.float_list", L(1, F(0.5)), F(0.5)), true);
    is_int(RUN("aten::index.list_int", l, I(20)), 1);
    FAILS(TSJ_ERR_MODEL, "'3' is not in list", "aten::index.list_int", l, I(3));
    is_int(RUN("aten::count.int", L(4, I(1), I(2), I(1), I(1)), I(1)), 3);
    is_int(RUN("aten::count.str", L(2, S("a"), S("b")), S("b")), 1);
}

static void test_list_aliasing(void **state)
{
    /* append mutates the list every alias sees, and returns it */
    rt_value l = L(0);
    rt_value alias = rt_value_retain(l);
    keep(alias);
    rt_value r = RUN("aten::append.t", l, I(1));
    assert_ptr_equal(r.u.list, l.u.list);
    RUN("aten::append.t", alias, S("x"));
    assert_int_equal(l.u.list->len, 2);
    is_ts(l, "[1, x]");
    /* a list inside a list stays shared */
    rt_value outer = L(1, l);
    RUN("aten::append.t", l, I(3));
    is_ts(outer, "[[1, x, 3]]");
    /* copy / list are shallow copies */
    rt_value cp = RUN("aten::copy.t", l);
    rt_value cp2 = RUN("aten::list.t", l);
    assert_ptr_not_equal(cp.u.list, l.u.list);
    RUN("aten::append.t", l, I(4));
    is_int(RUN("aten::len.t", cp), 3);
    is_int(RUN("aten::len.t", cp2), 3);
    is_int(RUN("aten::len.t", l), 4);
}

static void test_list_mutation(void **state)
{
    rt_value l = L(2, I(1), I(2));
    RUN("aten::insert.t", l, I(10), I(9));
    RUN("aten::insert.t", l, I(-10), I(8));
    RUN("aten::insert.t", l, I(-1), I(7));
    is_ts(l, "[8, 1, 2, 7, 9]");
    is_int(RUN("aten::pop.t", l, I(-1)), 9);
    is_int(RUN("aten::pop.t", l, I(0)), 8);
    is_ts(l, "[1, 2, 7]");
    FAILS(TSJ_ERR_INDEX, "pop index out of range", "aten::pop.t", l, I(3));
    FAILS(TSJ_ERR_INDEX, "pop from empty list", "aten::pop.t", L(0), I(-1));
    RUN("aten::extend.t", l, L(2, I(4), I(5)));
    RUN("aten::extend.t", l, l);
    is_ts(l, "[1, 2, 7, 4, 5, 1, 2, 7, 4, 5]");
    RUN("aten::reverse.t", l);
    is_ts(l, "[5, 4, 7, 2, 1, 5, 4, 7, 2, 1]");
    RUN("aten::sort.int", l, B(false));
    is_ts(l, "[1, 1, 2, 2, 4, 4, 5, 5, 7, 7]");
    RUN("aten::sort.int", l, B(true));
    is_ts(l, "[7, 7, 5, 5, 4, 4, 2, 2, 1, 1]");
    RUN("aten::clear.t", l);
    is_int(RUN("aten::len.t", l), 0);
    rt_value s = L(3, S("b"), S("a"), S("C"));
    is_ts(RUN("aten::sorted.str", s), "[C, a, b]");
    is_ts(s, "[b, a, C]");
    RUN("aten::sort.str", s, B(false));
    is_ts(s, "[C, a, b]");
    is_ts(RUN("aten::sorted.float", L(3, F(2.5), F(-1), F(0))), "[-1., 0., 2.5]");
}

static void test_list_slice_concat(void **state)
{
    rt_value l = L(6, I(0), I(1), I(2), I(3), I(4), I(5));
    is_ts(RUN("aten::slice.t", l, I(1), I(5), I(2)), "[1, 3]");
    is_ts(RUN("aten::slice.t", l, I(-1), I(-7), I(-1)), "[5, 4, 3, 2, 1, 0]");
    is_ts(RUN("aten::slice.t", l, N(), N(), I(-2)), "[5, 3, 1]");
    is_ts(RUN("aten::slice.t", l, I(4), N(), I(1)), "[4, 5]");
    is_ts(RUN("aten::slice.t", l, I(-100), I(100), I(1)), "[0, 1, 2, 3, 4, 5]");
    is_ts(RUN("aten::slice.t", l, I(4), I(2), I(1)), "[]");
    FAILS(TSJ_ERR_MODEL, "slice step cannot be zero", "aten::slice.t", l, I(0), I(6), I(0));
    is_ts(RUN("aten::add.t", L(1, I(1)), L(2, I(2), I(3))), "[1, 2, 3]");
    is_ts(RUN("aten::mul.left_t", L(2, I(1), I(2)), I(2)), "[1, 2, 1, 2]");
    is_ts(RUN("aten::mul.right_", I(-1), L(1, I(1))), "[]");
}

/* ---- dicts ---- */

static void test_dict(void **state)
{
    rt_value d;
    assert_int_equal(rt_dict_new(&d, NULL), 0);
    keep(d);
    RUN0("aten::dict"); /* an empty dict */
    is_int(RUN("aten::len.Dict_str", d), 0);
    /* _set_item returns nothing: call with nout 0 */
    rt_err e;
    rt_err_clear(&e);
    rt_value in[3] = {d, S("a"), I(1)};
    assert_int_equal(ts_run_op("aten::_set_item.str", in, 3, NULL, 0, &e), 0);
    in[1] = S("b");
    in[2] = I(2);
    assert_int_equal(ts_run_op("aten::_set_item.str", in, 3, NULL, 0, &e), 0);
    is_int(RUN("aten::len.Dict_str", d), 2);
    is_int(RUN("aten::__getitem__.Dict_str", d, S("b")), 2);
    FAILS(TSJ_ERR_INDEX, "KeyError: zz", "aten::__getitem__.Dict_str", d, S("zz"));
    is_bool(RUN("aten::__contains__.str", d, S("a")), true);
    is_bool(RUN("aten::__contains__.str", d, S("q")), false);
    is_ts(RUN("aten::keys.str", d), "[a, b]");
    is_ts(RUN("aten::values.str", d), "[1, 2]");
    is_ts(RUN("aten::items.str", d), "[(a, 1), (b, 2)]");
    is_ts(d, "{a: 1, b: 2}");
    assert_int_equal(RUN("aten::get.str", d, S("q")).kind, RT_NONE);
    is_int(RUN("aten::get.default_str", d, S("q"), I(7)), 7);
    is_int(RUN("aten::get.str", d, S("a")), 1);
    is_int(RUN("aten::setdefault.str", d, S("c"), I(3)), 3);
    is_int(RUN("aten::setdefault.str", d, S("c"), I(4)), 3);
    rt_value cp = RUN("aten::copy.Dict_str", d);
    is_int(RUN("aten::pop.Dict_str", d, S("a")), 1);
    FAILS(TSJ_ERR_INDEX, "KeyError: a", "aten::pop.Dict_str", d, S("a"));
    is_int(RUN("aten::pop.Dict_default_str", d, S("a"), I(0)), 0);
    is_ts(d, "{b: 2, c: 3}");
    is_ts(cp, "{a: 1, b: 2, c: 3}");
    in[0] = d;
    assert_int_equal(ts_run_op("aten::clear.str", in, 1, NULL, 0, &e), 0);
    is_int(RUN("aten::len.Dict_str", d), 0);
    /* int keys */
    rt_value di;
    assert_int_equal(rt_dict_new(&di, NULL), 0);
    keep(di);
    rt_value in2[3] = {di, I(5), S("five")};
    assert_int_equal(ts_run_op("aten::_set_item.int", in2, 3, NULL, 0, &e), 0);
    is_str(RUN("aten::__getitem__.Dict_int", di, I(5)), "five");
    FAILS(TSJ_ERR_INDEX, "KeyError: 2", "aten::__getitem__.Dict_int", di, I(2));
}

/* ---- strings ---- */

static void test_str_ops(void **state)
{
    is_int(RUN("aten::len.str", S("hello")), 5);
    is_str(RUN("aten::add.str", S("bad value "), S("3")), "bad value 3");
    is_str(RUN("aten::__getitem__.str", S("ab"), I(-1)), "b");
    FAILS(TSJ_ERR_INDEX, "string index out of range", "aten::__getitem__.str", S("ab"), I(5));
    is_str(RUN("aten::slice.str", S("hello"), I(1), I(-1), I(1)), "ell");
    is_str(RUN("aten::slice.str", S("hello"), N(), N(), I(-1)), "olleh");
    is_ts(RUN("aten::list", S("abc")), "[a, b, c]");
    is_int(RUN("aten::find", S("hello"), S("l"), I(0), I(-1)), 2);
    is_int(RUN("aten::find", S("hello"), S("z"), I(0), I(-1)), -1);
    is_int(RUN("aten::find", S("hello"), S(""), I(0), I(-1)), 0);
    is_int(RUN("aten::find", S("hello"), S("l"), I(3), I(5)), 3);
    is_int(RUN("aten::find", S("hello"), S("l"), I(4), I(-1)), -1);
    is_int(RUN("aten::find", S("hello"), S("l"), I(-2), I(-1)), 3);
    is_bool(RUN("aten::startswith", S("hello"), S("lo"), I(3), I(5)), true);
    is_bool(RUN("aten::startswith", S("hello"), S("lo"), I(-2), I(100)), true);
    is_bool(RUN("aten::startswith", S("lo"), S("lo"), I(0), I(-1)), true);
    is_bool(RUN("aten::startswith", S("hello"), S("he"), I(0), I(-1)), true);
    is_bool(RUN("aten::endswith", S("hello"), S("ll"), I(0), I(4)), true);
    is_bool(RUN("aten::endswith", S("hello"), S("ll"), I(0), I(-1)), false);
    is_bool(RUN("aten::endswith", S("hello"), S("hello!"), I(0), I(-1)), false);
    is_int(RUN("aten::count", S("hello"), S("l"), I(0), I(-1)), 2);
    is_int(RUN("aten::count", S("aaaa"), S("aa"), I(0), I(-1)), 2);
    is_int(RUN("aten::count", S("abc"), S("a"), I(9), I(-1)), 0);
    is_str(RUN("aten::lower", S("ReLU")), "relu");
    is_str(RUN("aten::upper", S("ReLU")), "RELU");
    is_str(RUN("aten::strip", S(" \t a b \n"), S(" \n\t\f\v")), "a b");
    is_str(RUN("aten::strip", S("xxaxx"), S("x")), "a");
    is_str(RUN("aten::strip", S("   "), S(" ")), "");
    is_ts(RUN("aten::split.str", S("  a b  c "), N(), I(-1)), "[a, b, c]");
    is_ts(RUN("aten::split.str", S("  a b  c "), N(), I(1)), "[a, b, c]");
    is_ts(RUN("aten::split.str", S("a,,b,"), S(","), I(-1)), "[a, , b, ]");
    is_ts(RUN("aten::split.str", S("a b c"), S(" "), I(1)), "[a, b c]");
    FAILS(TSJ_ERR_MODEL, "empty separator", "aten::split.str", S("abc"), S(""), I(-1));
    is_str(RUN("aten::join", S("-"), L(2, S("a"), S("b"))), "a-b");
    is_str(RUN("aten::join", S("-"), L(0)), "");
    is_str(RUN("aten::replace", S("banana"), S("a"), S("XY"), I(-1)), "bXYnXYnXY");
    is_str(RUN("aten::replace", S("banana"), S("a"), S(""), I(2)), "bnna");
    is_str(RUN("aten::replace", S("abc"), S(""), S("-"), I(-1)), "-a-b-c-");
}

/* ---- formatting ---- */

static void test_format_values(void **state)
{
    rt_value fmt = S("{} {} {} {} {} {} {} {} {}");
    rt_value d;
    assert_int_equal(rt_dict_new(&d, NULL), 0);
    keep(d);
    assert_int_equal(rt_dict_set(d.u.dict, S("k"), I(1), NULL), 0);
    assert_int_equal(rt_dict_set(d.u.dict, S("j"), I(2), NULL), 0);
    rt_value r = RUN("aten::format", fmt, I(3), B(true), N(), L(2, I(1), I(2)),
                     T(3, I(1), S("a"), F(2)), L(2, S("x"), S("y")), d, L(2, F(0.5), F(1)),
                     L(2, B(true), B(false)));
    is_str(r, "3 True None [1, 2] (1, a, 2.) [x, y] {k: 1, j: 2} [0.5, 1.] [True, False]");
    is_str(RUN("aten::format", S("a{}b{}c"), S("Q"), I(5)), "aQb5c");
    is_str(RUN("aten::format", S("a{}b"), I(1), I(2), I(3)), "a1b");
    is_str(RUN("aten::format", S("no placeholders")), "no placeholders");
    is_str(RUN("aten::format", S("{x}{}"), I(1)), "{x}1");
    FAILS(TSJ_ERR_TYPE, "Too few arguments for format string: a{}b{}c{}", "aten::format",
          S("a{}b{}c{}"), I(1), I(2));
    is_ts(T(1, I(1)), "(1,)");
    is_ts(T(0), "()");
    is_ts(L(0), "[]");
    is_ts(S("plain"), "plain");
    is_ts(F(-0.0), "0.");
}

static void test_format_floats(void **state)
{
    char buf[64];
    for (size_t i = 0; i < sizeof FLOAT_CASES / sizeof FLOAT_CASES[0]; i++) {
        const struct float_case *fc = &FLOAT_CASES[i];
        if (strcmp(rt_format_double(fc->v, RT_FMT_TS, buf, sizeof buf), fc->ts))
            fail_msg("TS float %.17g: got '%s', expected '%s'", fc->v, buf, fc->ts);
        if (strcmp(rt_format_double(fc->v, RT_FMT_PY, buf, sizeof buf), fc->py))
            fail_msg("PY float %.17g: got '%s', expected '%s'", fc->v, buf, fc->py);
        is_ts(F(fc->v), fc->ts); /* aten::str */
    }
}

static rt_tensor *case_tensor(const struct fmt_case *fc)
{
    rt_err e;
    rt_err_clear(&e);
    rt_tensor *t = rt_tensor_new((rt_dtype)fc->dtype, fc->ndim, fc->shape, &e);
    assert_non_null(t);
    int64_t n = rt_tensor_numel(t);
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    for (int64_t i = 0; i < n; i++)
        rt_store_f64((char *)rt_tensor_data(t) + i * (int64_t)es, (rt_dtype)t->dtype, fc->data[i]);
    return t;
}

static void test_format_tensors(void **state)
{
    rt_err e;
    for (size_t i = 0; i < sizeof FMT_CASES / sizeof FMT_CASES[0]; i++) {
        const struct fmt_case *fc = &FMT_CASES[i];
        rt_tensor *t = case_tensor(fc);
        rt_value tv = keep(rt_tensor_value(t));
        if (fc->ts) {
            rt_value s = RUN("aten::format", S("{}"), tv);
            if (strcmp(rt_str_cstr(s), fc->ts))
                fail_msg("TS tensor %s:\n%s\nexpected:\n%s", fc->name, rt_str_cstr(s), fc->ts);
        }
        rt_sb sb = {0};
        rt_err_clear(&e);
        assert_int_equal(rt_format_value(&sb, tv, RT_FMT_PY, &e), 0);
        if (strcmp(sb.data, fc->py))
            fail_msg("PY tensor %s:\n%s\nexpected:\n%s", fc->name, sb.data, fc->py);
        rt_sb_free(&sb);
    }
}

static void test_format_noncontiguous(void **state)
{
    /* a transposed view prints its logical order */
    int64_t shape[2] = {2, 3};
    int64_t data[6] = {1, 2, 3, 4, 5, 6};
    rt_tensor *t = ts_tensor_i64(2, shape, data);
    keep(rt_tensor_value(t));
    int64_t tshape[2] = {3, 2}, tstrides[2] = {1, 3};
    rt_err e;
    rt_err_clear(&e);
    rt_tensor *v = rt_tensor_view(t->storage, RT_I64, 2, tshape, tstrides, 0, &e);
    assert_non_null(v);
    rt_value vv = keep(rt_tensor_value(v));
    rt_value s = RUN("aten::str", vv);
    is_str(s, " 1  4\n 2  5\n 3  6\n[ CPULongType{3,2} ]");
    rt_sb sb = {0};
    assert_int_equal(rt_format_value(&sb, vv, RT_FMT_PY, &e), 0);
    assert_string_equal(sb.data, "tensor([[1, 4],\n        [2, 5],\n        [3, 6]])");
    rt_sb_free(&sb);
    /* PY style quotes strings inside containers */
    assert_int_equal(rt_format_value(&sb, L(3, S("a'b"), S("x"), N()), RT_FMT_PY, &e), 0);
    assert_string_equal(sb.data, "[\"a'b\", 'x', None]");
    rt_sb_free(&sb);
    rt_value str;
    assert_int_equal(rt_format_to_str(T(2, F(0.1), B(false)), RT_FMT_PY, &str, &e), 0);
    keep(str);
    is_str(str, "(0.1, False)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_add_sub_mul, teardown),
        cmocka_unit_test_teardown(test_div_floordiv_remainder, teardown),
        cmocka_unit_test_teardown(test_pow_and_math, teardown),
        cmocka_unit_test_teardown(test_compare, teardown),
        cmocka_unit_test_teardown(test_bool_int_ops, teardown),
        cmocka_unit_test_teardown(test_min_max, teardown),
        cmocka_unit_test_teardown(test_conversions, teardown),
        cmocka_unit_test_teardown(test_range_helpers, teardown),
        cmocka_unit_test_teardown(test_list_basic, teardown),
        cmocka_unit_test_teardown(test_list_aliasing, teardown),
        cmocka_unit_test_teardown(test_list_mutation, teardown),
        cmocka_unit_test_teardown(test_list_slice_concat, teardown),
        cmocka_unit_test_teardown(test_dict, teardown),
        cmocka_unit_test_teardown(test_str_ops, teardown),
        cmocka_unit_test_teardown(test_format_values, teardown),
        cmocka_unit_test_teardown(test_format_floats, teardown),
        cmocka_unit_test_teardown(test_format_tensors, teardown),
        cmocka_unit_test_teardown(test_format_noncontiguous, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
