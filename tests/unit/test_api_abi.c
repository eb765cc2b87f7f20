/* test_api_abi.c — the public C ABI (tsjit.h) used as a user would:
 * values and their ownership rule, tensors by copy and by wrapping, .npy
 * through the ABI, errors, options. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "tsjit.h"

static void scalars_and_kinds(void **state)
{
    (void)state;
    tsj_value *n = tsj_value_none(), *b = tsj_value_bool(7), *i = tsj_value_int(-3),
              *f = tsj_value_float(2.5), *s = tsj_value_string("héllo");
    assert_int_equal(tsj_value_kind(n), TSJ_KIND_NONE);
    int bv = 0;
    assert_int_equal(tsj_value_get_bool(b, &bv), TSJ_OK);
    assert_int_equal(bv, 1);
    int64_t iv = 0;
    assert_int_equal(tsj_value_get_int(i, &iv), TSJ_OK);
    assert_int_equal(iv, -3);
    double fv = 0;
    assert_int_equal(tsj_value_get_float(i, &fv), TSJ_OK); /* int widens */
    assert_true(fv == -3.0);
    assert_int_equal(tsj_value_get_float(f, &fv), TSJ_OK);
    assert_true(fv == 2.5);
    const char *sv = NULL;
    assert_int_equal(tsj_value_get_string(s, &sv), TSJ_OK);
    assert_string_equal(sv, "héllo");
    /* wrong kinds are TSJ_ERR_TYPE and leave out untouched */
    iv = 99;
    assert_int_equal(tsj_value_get_int(f, &iv), TSJ_ERR_TYPE);
    assert_int_equal(iv, 99);
    assert_int_equal(tsj_value_get_string(i, &sv), TSJ_ERR_TYPE);
    assert_int_equal(tsj_value_get_int(NULL, &iv), TSJ_ERR_INVALID_ARGUMENT);
    assert_string_equal(tsj_kind_name(TSJ_KIND_TENSOR), "Tensor");
    tsj_value_release(n);
    tsj_value_release(b);
    tsj_value_release(i);
    tsj_value_release(f);
    tsj_value_release(s);
    tsj_value_release(NULL);
}

static void containers_follow_the_ownership_rule(void **state)
{
    (void)state;
    tsj_value *a = tsj_value_int(1), *b = tsj_value_string("x");
    tsj_value *items[2] = {a, b};
    tsj_value *l = tsj_value_list(items, 2);
    tsj_value *t = tsj_value_tuple(items, 2);
    /* items were borrowed: the caller still owns a and b */
    tsj_value_release(a);
    tsj_value_release(b);
    assert_int_equal(tsj_value_len(l), 2);
    tsj_value *got = NULL;
    assert_int_equal(tsj_value_item(l, 1, &got), TSJ_OK); /* new reference */
    const char *s;
    assert_int_equal(tsj_value_get_string(got, &s), TSJ_OK);
    assert_string_equal(s, "x");
    tsj_value_release(l); /* got keeps the string alive */
    assert_string_equal(s, "x");
    tsj_value_release(got);
    assert_int_equal(tsj_value_item(t, 2, &got), TSJ_ERR_INDEX);
    assert_int_equal(tsj_value_kind(t), TSJ_KIND_TUPLE);
    assert_ptr_equal(tsj_value_retain(t), t);
    tsj_value_release(t);
    tsj_value_release(t);
    tsj_value *empty = tsj_value_list(NULL, 0);
    assert_int_equal(tsj_value_len(empty), 0);
    tsj_value_release(empty);
}

static void tensors_by_copy(void **state)
{
    (void)state;
    float data[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[2] = {2, 3};
    tsj_value *t = NULL;
    tsj_error *err = NULL;
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT32, 2, shape, data, &t, &err), TSJ_OK);
    data[0] = 100; /* copied: the tensor does not see it */
    assert_int_equal(tsj_tensor_dtype(t), TSJ_FLOAT32);
    assert_int_equal(tsj_tensor_ndim(t), 2);
    assert_int_equal(tsj_tensor_shape(t)[1], 3);
    assert_int_equal(tsj_tensor_strides(t)[0], 3);
    assert_int_equal(tsj_tensor_numel(t), 6);
    assert_true(((float *)tsj_tensor_data(t))[0] == 1.0f);
    assert_true(tsj_tensor_is_contiguous(t));
    assert_int_equal(tsj_dtype_size(TSJ_BFLOAT16), 2);
    assert_string_equal(tsj_dtype_name(TSJ_BOOL), "bool");
    tsj_value_release(t);
    /* zeros, scalar */
    assert_int_equal(tsj_tensor_create(TSJ_INT64, 0, NULL, NULL, &t, &err), TSJ_OK);
    assert_int_equal(tsj_tensor_numel(t), 1);
    assert_int_equal(*(int64_t *)tsj_tensor_data(t), 0);
    tsj_value_release(t);
    /* bad arguments get errors with messages */
    int64_t bad[1] = {-2};
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT32, 1, bad, NULL, &t, &err),
                     TSJ_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(tsj_error_message(err), "negative"));
    tsj_error_free(err);
    err = NULL;
    assert_int_equal(tsj_tensor_create((tsj_dtype)9, 1, shape, NULL, &t, &err), TSJ_ERR_TYPE);
    tsj_error_free(err);
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT32, 99, shape, NULL, &t, NULL),
                     TSJ_ERR_INVALID_ARGUMENT);
}

static int freed;
static void release_cb(void *data, void *ctx)
{
    assert_ptr_equal(ctx, &freed);
    (void)data;
    freed++;
}

static void tensors_wrapping_caller_memory(void **state)
{
    (void)state;
    double mem[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[2] = {3, 2}, strides[2] = {1, 3}; /* a transposed view */
    tsj_value *t = NULL;
    freed = 0;
    assert_int_equal(tsj_tensor_wrap(TSJ_FLOAT64, 2, shape, strides, mem, sizeof mem, release_cb,
                                     &freed, &t, NULL),
                     TSJ_OK);
    assert_ptr_equal(tsj_tensor_data(t), mem);
    assert_false(tsj_tensor_is_contiguous(t));
    mem[1] = 20; /* no copy: visible */
    assert_true(((double *)tsj_tensor_data(t))[1] == 20);
    tsj_value *items[1] = {t};
    tsj_value *tup = tsj_value_tuple(items, 1);
    tsj_value_release(t);
    assert_int_equal(freed, 0); /* the tuple still holds it */
    tsj_value_release(tup);
    assert_int_equal(freed, 1);
    /* out-of-bounds geometry is refused and the memory is not released */
    tsj_error *err = NULL;
    int64_t too_big[1] = {7};
    assert_int_equal(tsj_tensor_wrap(TSJ_FLOAT64, 1, too_big, NULL, mem, sizeof mem, release_cb,
                                     &freed, &t, &err),
                     TSJ_ERR_INVALID_ARGUMENT);
    assert_int_equal(freed, 1);
    assert_non_null(strstr(tsj_error_message(err), "outside its storage"));
    tsj_error_free(err);
}

static void npy_through_the_abi(void **state)
{
    (void)state;
    tsj_value *t = NULL;
    tsj_error *err = NULL;
    assert_int_equal(tsj_npy_load(ts_data_path("npy/float32_f.npy"), &t, &err), TSJ_OK);
    assert_int_equal(tsj_tensor_ndim(t), 3);
    char path[128];
    snprintf(path, sizeof path, "/tmp/tsj_api_%d.npy", (int)getpid());
    assert_int_equal(tsj_npy_save(t, path, &err), TSJ_OK);
    tsj_value *back = NULL;
    assert_int_equal(tsj_npy_load(path, &back, &err), TSJ_OK);
    assert_memory_equal(tsj_tensor_data(back), tsj_tensor_data(t), 24 * 4);
    remove(path);
    assert_int_equal(tsj_npy_load(ts_data_path("npy/bad_magic.npy"), &back, &err), TSJ_ERR_FORMAT);
    assert_non_null(strstr(tsj_error_message(err), "bad magic"));
    assert_null(tsj_error_location(err, NULL, NULL));
    tsj_error_free(err);
    tsj_value *i = tsj_value_int(3);
    assert_int_equal(tsj_npy_save(i, path, NULL), TSJ_ERR_INVALID_ARGUMENT);
    tsj_value_release(i);
    tsj_value_release(t);
    tsj_value_release(back);
}

static void options_and_errors(void **state)
{
    (void)state;
    tsj_options *o = tsj_options_create();
    assert_int_equal(tsj_options_set_mode(o, TSJ_MODE_INTERP), TSJ_OK);
    assert_int_equal(tsj_options_set_threads(o, 2), TSJ_OK);
    assert_int_equal(tsj_options_set_threads(o, -1), TSJ_ERR_INVALID_ARGUMENT);
    assert_int_equal(tsj_options_set(o, "mode", "jit"), TSJ_OK);
    assert_int_equal(tsj_options_set(o, "mode", "fast"), TSJ_ERR_INVALID_ARGUMENT);
    assert_int_equal(tsj_options_set(o, "threads", "x"), TSJ_ERR_INVALID_ARGUMENT);
    assert_int_equal(tsj_options_set(o, "no_such_option", "1"), TSJ_ERR_INVALID_ARGUMENT);
    assert_int_equal(tsj_options_set(o, "cache_size", "8"), TSJ_OK);
    tsj_model *m = NULL;
    tsj_error *err = NULL;
    tsj_status st = tsj_model_load("/nonexistent/model.pt", o, &m, &err);
    assert_int_not_equal(st, TSJ_OK);
    assert_null(m);
    assert_non_null(err);
    assert_int_equal(tsj_error_status(err), st);
    assert_true(strlen(tsj_error_message(err)) > 0);
    tsj_error_free(err);
    assert_string_equal(tsj_status_name(TSJ_ERR_MODEL), "model error");
    assert_non_null(tsj_version());
    tsj_options_free(o);
}

static void values_format_like_python(void **state)
{
    (void)state;
    float data[4] = {1, 2.5f, -3, 0};
    int64_t shape[2] = {2, 2};
    tsj_value *t = NULL;
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT32, 2, shape, data, &t, NULL), TSJ_OK);
    tsj_value *items[3] = {t, tsj_value_int(7), tsj_value_none()};
    tsj_value *tup = tsj_value_tuple(items, 3);
    char *text = NULL;
    assert_int_equal(tsj_value_format(tup, &text), TSJ_OK);
    assert_non_null(strstr(text, "tensor([[ 1.0000,  2.5000]"));
    assert_non_null(strstr(text, ", 7, None)"));
    tsj_string_free(text);
    assert_int_equal(tsj_value_format(NULL, &text), TSJ_ERR_INVALID_ARGUMENT);
    tsj_value_release(tup);
    for (int i = 0; i < 3; i++)
        tsj_value_release(items[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalars_and_kinds),
        cmocka_unit_test(containers_follow_the_ownership_rule),
        cmocka_unit_test(tensors_by_copy),
        cmocka_unit_test(tensors_wrapping_caller_memory),
        cmocka_unit_test(npy_through_the_abi),
        cmocka_unit_test(options_and_errors),
        cmocka_unit_test(values_format_like_python),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
