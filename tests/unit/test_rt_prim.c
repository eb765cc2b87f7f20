/* test_rt_prim.c — structural prim ops, tensor metadata queries and the
 * tensor <-> scalar conversions (ops_prim.def), called through the table. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static rt_value pool[256];
static int npool;

static rt_value keep(rt_value v)
{
    assert_true(npool < 256);
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
static rt_value S(const char *s)
{
    rt_value v;
    assert_int_equal(rt_str_from_cstr(s, &v, NULL), 0);
    return keep(v);
}
static rt_value tens_f32(int ndim, const int64_t *shape, const float *data)
{
    return keep(rt_tensor_value(ts_tensor_f32(ndim, shape, data)));
}
static rt_value tens_i64(int ndim, const int64_t *shape, const int64_t *data)
{
    return keep(rt_tensor_value(ts_tensor_i64(ndim, shape, data)));
}

#define ARGS(...) (rt_value[]){__VA_ARGS__}, (int)(sizeof((rt_value[]){__VA_ARGS__}) / sizeof(rt_value))
/* Runs an op with nout results that must succeed; results are kept. */
static void run_n(const char *name, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_err e;
    rt_err_clear(&e);
    if (ts_run_op(name, in, nin, out, nout, &e))
        fail_msg("%s failed: %s", name, e.msg);
    for (int i = 0; i < nout; i++)
        keep(out[i]);
}
static rt_value run1(const char *name, const rt_value *in, int nin)
{
    rt_value out;
    run_n(name, in, nin, &out, 1);
    return out;
}
#define RUN(name, ...) run1(name, ARGS(__VA_ARGS__))
#define RUN0(name) run1(name, NULL, 0)
static void run_fail(tsj_status status, const char *msg, const char *name, const rt_value *in,
                     int nin, int nout)
{
    rt_err e;
    rt_err_clear(&e);
    rt_value out[8];
    if (!ts_run_op(name, in, nin, out, nout, &e))
        fail_msg("%s should have failed", name);
    for (int i = 0; i < nout; i++)
        assert_int_equal(out[i].kind, RT_NONE);
    if (e.status != status || strcmp(e.msg, msg) != 0)
        fail_msg("%s: got status %d '%s', expected %d '%s'", name, e.status, e.msg, status, msg);
}
#define FAILS(status, msg, name, ...) run_fail(status, msg, name, ARGS(__VA_ARGS__), 1)

static void test_schemas_parse(void **state)
{
    rt_err e;
    rt_err_clear(&e);
    if (rt_ops_init(&e))
        fail_msg("op table: %s", e.msg);
    const rt_op *op = rt_op_get(rt_op_lookup("prim::ListConstruct"));
    assert_non_null(op);
    assert_true(op->schema.varargs);
    assert_true(op->flags & RT_OPF_VARARGS);
    op = rt_op_get(rt_op_lookup("prim::TupleUnpack"));
    assert_true(op->schema.varret);
    assert_true(op->flags & RT_OPF_VAROUTS);
    op = rt_op_get(rt_op_lookup("prim::RaiseException"));
    assert_true(op->flags & RT_OPF_IMPURE);
    assert_int_equal(op->schema.nargs, 2);
    assert_true(op->schema.args[1].has_default);
    assert_int_equal(op->schema.args[1].default_value.kind, RT_NONE);
    assert_int_equal(op->schema.nrets, 0);
    op = rt_op_get(rt_op_lookup("aten::warn"));
    assert_true(op->flags & RT_OPF_IMPURE);
    assert_int_equal(op->schema.args[1].default_value.u.i, 2);
    assert_int_not_equal(rt_op_lookup("prim::NumToTensor.Scalar"), RT_OP_COUNT);
    assert_int_not_equal(rt_op_lookup("aten::_unwrap_optional"), RT_OP_COUNT);
}

static void test_construct(void **state)
{
    rt_value l = RUN("prim::ListConstruct", rt_int(1), rt_int(2), S("x"));
    assert_int_equal(l.kind, RT_LIST);
    assert_int_equal(l.u.list->len, 3);
    assert_int_equal(l.u.list->items[1].u.i, 2);
    rt_value empty = RUN0("prim::ListConstruct");
    assert_int_equal(empty.kind, RT_LIST);
    assert_int_equal(empty.u.list->len, 0);
    rt_value t = RUN("prim::TupleConstruct", rt_float(0.5), l);
    assert_int_equal(t.kind, RT_TUPLE);
    assert_ptr_equal(t.u.list->items[1].u.list, l.u.list); /* shares the list */
    rt_value d = RUN("prim::DictConstruct", S("a"), rt_int(1), S("b"), rt_int(2));
    assert_int_equal(d.kind, RT_DICT);
    assert_int_equal(d.u.dict->len, 2);
    assert_int_equal(d.u.dict->values[rt_dict_find(d.u.dict, S("b"))].u.i, 2);
    FAILS(TSJ_ERR_TYPE, "prim::DictConstruct expects key/value pairs, got 1 inputs",
          "prim::DictConstruct", S("a"));
}

static void test_unpack(void **state)
{
    rt_value t = RUN("prim::TupleConstruct", rt_int(1), S("s"), rt_none());
    rt_value out[3];
    run_n("prim::TupleUnpack", ARGS(t), out, 3);
    assert_int_equal(out[0].u.i, 1);
    assert_string_equal(rt_str_cstr(out[1]), "s");
    assert_int_equal(out[2].kind, RT_NONE);
    rt_value l = RUN("prim::ListConstruct", rt_int(1), rt_int(2));
    run_n("prim::ListUnpack", ARGS(l), out, 2);
    assert_int_equal(out[1].u.i, 2);
    run_fail(TSJ_ERR_SHAPE, "Expected 3 elements in a list but found 2", "prim::ListUnpack",
             ARGS(l), 3);
    run_fail(TSJ_ERR_SHAPE, "Expected 2 elements in a tuple but found 3", "prim::TupleUnpack",
             ARGS(t), 2);
    run_fail(TSJ_ERR_TYPE, "cannot unpack a value of type int", "prim::TupleUnpack",
             ARGS(rt_int(3)), 1);
    assert_string_equal(rt_str_cstr(RUN("prim::TupleIndex", t, rt_int(1))), "s");
    assert_int_equal(RUN("prim::TupleIndex", t, rt_int(-3)).u.i, 1);
    FAILS(TSJ_ERR_INDEX, "tuple index out of range", "prim::TupleIndex", t, rt_int(3));
}

static void test_raise(void **state)
{
    FAILS(TSJ_ERR_MODEL, "ValueError: bad value 3", "prim::RaiseException", S("bad value 3"),
          S("builtins.ValueError"));
    FAILS(TSJ_ERR_MODEL, "TypeError: Integer argument 'n' must have dtype torch.int64.",
          "prim::RaiseException", S("Integer argument 'n' must have dtype torch.int64."),
          S("builtins.TypeError"));
    FAILS(TSJ_ERR_MODEL, "AssertionError: must be negative", "prim::RaiseException",
          S("AssertionError: must be negative"), rt_none());
    FAILS(TSJ_ERR_MODEL, "Custom: x", "prim::RaiseException", S("x"), S("Custom"));
}

static void test_casts(void **state)
{
    assert_int_equal(RUN0("prim::Uninitialized").kind, RT_NONE);
    rt_value s = S("v");
    assert_ptr_equal(RUN("prim::unchecked_cast", s).u.str, s.u.str);
    assert_ptr_equal(RUN("prim::unchecked_unwrap_optional", s).u.str, s.u.str);
    assert_ptr_equal(RUN("aten::_unwrap_optional", s).u.str, s.u.str);
    FAILS(TSJ_ERR_TYPE, "Unwrapping null optional", "aten::_unwrap_optional", rt_none());
    assert_true(RUN("prim::isinstance", rt_int(1), S("int")).u.b);
    assert_false(RUN("prim::isinstance", rt_int(1), S("float")).u.b);
    assert_true(RUN("prim::isinstance", rt_bool(true), S("int")).u.b);
    assert_true(RUN("prim::isinstance", rt_none(), S("Optional[int]")).u.b);
    rt_value l = RUN("prim::ListConstruct", rt_int(1), rt_int(2));
    assert_true(RUN("prim::isinstance", l, S("List[int]")).u.b);
    assert_false(RUN("prim::isinstance", l, S("List[str]")).u.b);
    assert_true(RUN("prim::isinstance", S("x"), S("Union[int, str]")).u.b);
    rt_err e;
    rt_err_clear(&e);
    rt_value out;
    assert_int_not_equal(ts_run_op("prim::isinstance", ARGS(l, S("List[")), &out, 1, &e), 0);
}

static void test_metadata(void **state)
{
    int64_t shape[2] = {2, 3};
    float data[6] = {1, 2, 3, 4, 5, 6};
    rt_value t = tens_f32(2, shape, data);
    assert_int_equal(RUN("prim::dtype", t).u.i, RT_F32);
    rt_value dev = RUN("prim::device", t);
    assert_string_equal(rt_str_cstr(dev), "cpu");
    assert_string_equal(rt_str_cstr(RUN("prim::type", dev)), "cpu");
    assert_string_equal(rt_str_cstr(RUN("prim::type", S("cpu:0"))), "cpu");
    assert_string_equal(rt_str_cstr(RUN("aten::device", S("cpu"))), "cpu");
    FAILS(TSJ_ERR_UNSUPPORTED, "device 'cuda' is not available (tsjit runs on the CPU only)",
          "aten::device", S("cuda"));
    assert_false(RUN("prim::is_cuda", t).u.b);
    assert_false(RUN("prim::is_nested", t).u.b);
    assert_false(RUN("prim::requires_grad", t).u.b);
    assert_int_equal(RUN("prim::layout", t).u.i, 0);
    assert_int_equal(RUN("aten::len.Tensor", t).u.i, 2);
    FAILS(TSJ_ERR_TYPE, "expected Tensor for argument 'a' but found int", "prim::dtype",
          rt_int(1));
    rt_value d = RUN("prim::data", t);
    assert_ptr_not_equal(d.u.tensor, t.u.tensor);
    assert_ptr_equal(d.u.tensor->storage, t.u.tensor->storage);
    assert_int_equal(d.u.tensor->shape[1], 3);
    assert_false(RUN("aten::__is__", d, t).u.b);
    assert_true(RUN("aten::__is__", t, t).u.b);
    assert_true(RUN("aten::__isnot__", d, t).u.b);
    assert_true(RUN("aten::__is__", rt_none(), rt_none()).u.b);
    assert_false(RUN("aten::__is__", t, rt_none()).u.b);
    assert_true(RUN("aten::__isnot__", t, rt_none()).u.b);
    assert_false(RUN("aten::__is__", rt_int(1), rt_float(1.0)).u.b);
    assert_true(RUN("aten::__is__", rt_int(7), rt_int(7)).u.b);
    assert_false(RUN("aten::__is__", S("a"), S("a")).u.b);
}

static void test_zero_dim_len(void **state)
{
    int64_t v = 5;
    rt_value t = tens_i64(0, NULL, &v);
    FAILS(TSJ_ERR_TYPE, "len() of a 0-d tensor", "aten::len.Tensor", t);
}

static void test_item_and_casts(void **state)
{
    int64_t one[1] = {1}, two[1] = {2}, zero[1] = {0};
    float f27 = 2.75f, fm27 = -2.75f;
    int64_t iv = -7;
    rt_value ti = tens_i64(0, NULL, &iv);
    rt_value tf = tens_f32(1, one, &f27);
    rt_value tfm = tens_f32(0, NULL, &fm27);
    float two_f[2] = {1, 2};
    rt_value t2 = tens_f32(1, two, two_f);
    rt_value t0 = tens_f32(1, zero, two_f);
    rt_value it = RUN("aten::item", ti);
    assert_int_equal(it.kind, RT_INT);
    assert_int_equal(it.u.i, -7);
    rt_value ft = RUN("aten::item", tf);
    assert_int_equal(ft.kind, RT_FLOAT);
    assert_true(ft.u.f == 2.75);
    assert_int_equal(RUN("aten::ScalarImplicit", tf).kind, RT_FLOAT);
    FAILS(TSJ_ERR_SHAPE, "a Tensor with 2 elements cannot be converted to Scalar", "aten::item",
          t2);
    FAILS(TSJ_ERR_SHAPE, "a Tensor with 0 elements cannot be converted to Scalar",
          "aten::Int.Tensor", t0);
    assert_int_equal(RUN("aten::Int.Tensor", tf).u.i, 2);
    assert_int_equal(RUN("aten::Int.Tensor", tfm).u.i, -2);
    assert_int_equal(RUN("aten::Int.Tensor", ti).u.i, -7);
    rt_value fl = RUN("aten::Float.Tensor", ti);
    assert_int_equal(fl.kind, RT_FLOAT);
    assert_true(fl.u.f == -7.0);
    assert_true(RUN("aten::Bool.Tensor", tf).u.b);
    FAILS(TSJ_ERR_SHAPE, "Boolean value of Tensor with more than one value is ambiguous",
          "aten::Bool.Tensor", t2);
    FAILS(TSJ_ERR_SHAPE, "Boolean value of Tensor with no values is ambiguous",
          "aten::Bool.Tensor", t0);
    /* a bool tensor gives a bool */
    rt_err e;
    rt_err_clear(&e);
    rt_tensor *tb = rt_tensor_scalar_i64(1, RT_BOOL_, &e);
    rt_value tbv = keep(rt_tensor_value(tb));
    rt_value bv = RUN("aten::item", tbv);
    assert_int_equal(bv.kind, RT_BOOL);
    assert_true(bv.u.b);
    assert_false(RUN("aten::Bool.Tensor", keep(rt_tensor_value(rt_tensor_scalar_f64(0, RT_F32, &e)))).u.b);
}

static void test_num_to_tensor(void **state)
{
    rt_value a = RUN("prim::NumToTensor.Scalar", rt_int(3));
    assert_int_equal(a.u.tensor->dtype, RT_I64);
    assert_int_equal(a.u.tensor->ndim, 0);
    assert_int_equal(*(int64_t *)rt_tensor_data(a.u.tensor), 3);
    rt_value b = RUN("prim::NumToTensor.Scalar", rt_float(2.5));
    assert_int_equal(b.u.tensor->dtype, RT_F64);
    assert_true(*(double *)rt_tensor_data(b.u.tensor) == 2.5);
    rt_value c = RUN("prim::NumToTensor.bool", rt_bool(true));
    assert_int_equal(c.u.tensor->dtype, RT_BOOL_);
    assert_int_equal(*(uint8_t *)rt_tensor_data(c.u.tensor), 1);
    FAILS(TSJ_ERR_TYPE, "NumToTensor expects a number, got str", "prim::NumToTensor.Scalar",
          S("x"));
}

static void test_state_and_warn(void **state)
{
    assert_false(RUN0("aten::is_grad_enabled").u.b);
    assert_false(RUN0("aten::is_autocast_enabled").u.b);
    rt_err e;
    rt_err_clear(&e);
    assert_int_equal(ts_run_op("aten::warn", ARGS(S("careful"), rt_int(2)), NULL, 0, &e), 0);
    assert_int_equal(e.status, TSJ_OK);
}

static void test_str_of_values(void **state)
{
    int64_t shape[1] = {3};
    int64_t data[3] = {0, 1, 2};
    rt_value t = tens_i64(1, shape, data);
    assert_string_equal(rt_str_cstr(RUN("aten::str", t)), " 0\n 1\n 2\n[ CPULongType{3} ]");
    rt_value l = RUN("prim::ListConstruct", rt_float(0.5), rt_none(), S("s"));
    assert_string_equal(rt_str_cstr(RUN("aten::str", l)), "[0.5, None, s]");
    assert_string_equal(rt_str_cstr(RUN("aten::format", S("x={} t={}"), rt_int(1), rt_bool(false))),
                        "x=1 t=False");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_schemas_parse, teardown),
        cmocka_unit_test_teardown(test_construct, teardown),
        cmocka_unit_test_teardown(test_unpack, teardown),
        cmocka_unit_test_teardown(test_raise, teardown),
        cmocka_unit_test_teardown(test_casts, teardown),
        cmocka_unit_test_teardown(test_metadata, teardown),
        cmocka_unit_test_teardown(test_zero_dim_len, teardown),
        cmocka_unit_test_teardown(test_item_and_casts, teardown),
        cmocka_unit_test_teardown(test_num_to_tensor, teardown),
        cmocka_unit_test_teardown(test_state_and_warn, teardown),
        cmocka_unit_test_teardown(test_str_of_values, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
