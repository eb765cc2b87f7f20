/*
 * test_rt_create.c — creation and conversion ops against PyTorch references
 * (tests/gen/gen_ops_create.py writes tests/data/ops/create/cases.txt).
 * The manifest driver is the one in test_rt_shape.c.
 */
#define RT_CASES_DRIVER_ONLY
#include "test_rt_shape.c"

static void test_create_cases(void **state)
{
    (void)state;
    cr_run("ops/create");
}

/* Devices other than the CPU are refused with a clear error. */
static void test_device_refused(void **state)
{
    (void)state;
    rt_err e = {0};
    rt_value size, dev, out = rt_none();
    int64_t two = 2;
    size = ts_intlist(1, &two);
    assert_int_equal(rt_str_from_cstr("cuda:0", &dev, &e), 0);
    rt_value in[5] = {size, rt_none(), rt_none(), dev, rt_none()};
    assert_int_equal(ts_run_op("aten::zeros", in, 5, &out, 1, &e), -1);
    assert_int_equal(e.status, TSJ_ERR_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "cuda:0"));
    assert_int_equal(out.kind, RT_NONE);
    rt_value_release(dev);
    rt_value_release(size);
}

/* to() without a dtype change returns the very same tensor; with one it
 * converts (float -> int64 truncates toward zero). */
static void test_to_identity(void **state)
{
    (void)state;
    rt_err e = {0};
    int64_t shape[1] = {3};
    float data[3] = {1.9f, -1.9f, 0.5f};
    rt_tensor *x = ts_tensor_f32(1, shape, data);
    rt_value in[5] = {rt_tensor_value(x), rt_int(RT_F32), rt_bool(false), rt_bool(false),
                      rt_none()},
             out;
    assert_int_equal(ts_run_op("aten::to.dtype", in, 5, &out, 1, &e), 0);
    assert_ptr_equal(out.u.tensor, x);
    rt_value_release(out);
    in[1] = rt_int(RT_I64);
    assert_int_equal(ts_run_op("aten::to.dtype", in, 5, &out, 1, &e), 0);
    const int64_t *p = rt_tensor_data(out.u.tensor);
    assert_true(p[0] == 1 && p[1] == -1 && p[2] == 0);
    rt_value_release(out);
    rt_tensor_release(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_cases),
        cmocka_unit_test(test_device_refused),
        cmocka_unit_test(test_to_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
