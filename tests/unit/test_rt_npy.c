/* test_rt_npy.c — .npy reading and writing: every dtype in C and Fortran
 * order, format versions 1-3, 0-dim and empty arrays, round trips, and a
 * clear error for each kind of malformed file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static const struct {
    const char *name;
    rt_dtype dtype;
} DTYPES[] = {{"bool", RT_BOOL_},   {"uint8", RT_U8},     {"int8", RT_I8},
              {"int16", RT_I16},    {"int32", RT_I32},    {"int64", RT_I64},
              {"float16", RT_F16},  {"float32", RT_F32},  {"float64", RT_F64}};

static void *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    void *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static void check_values(rt_tensor *t, const char *dtype_name, rt_dtype dt)
{
    char rel[128];
    snprintf(rel, sizeof rel, "npy/%s.raw", dtype_name);
    size_t size;
    void *raw = read_all(ts_data_path(rel), &size);
    assert_int_equal(t->dtype, dt);
    assert_int_equal(t->ndim, 3);
    assert_int_equal(t->shape[0], 2);
    assert_int_equal(t->shape[1], 3);
    assert_int_equal(t->shape[2], 4);
    assert_true(rt_tensor_is_contiguous(t));
    assert_int_equal(size, 24 * rt_dtype_size(dt));
    assert_memory_equal(rt_tensor_data(t), raw, size);
    free(raw);
}

static void every_dtype_both_orders(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof DTYPES / sizeof DTYPES[0]; i++) {
        for (int order = 0; order < 2; order++) {
            char rel[128];
            snprintf(rel, sizeof rel, "npy/%s_%c.npy", DTYPES[i].name, order ? 'f' : 'c');
            rt_tensor *t = ts_load_npy(rel);
            check_values(t, DTYPES[i].name, DTYPES[i].dtype);
            rt_tensor_release(t);
        }
    }
}

static void round_trip_every_dtype(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof DTYPES / sizeof DTYPES[0]; i++) {
        char rel[128], tmp[256];
        snprintf(rel, sizeof rel, "npy/%s_c.npy", DTYPES[i].name);
        rt_tensor *t = ts_load_npy(rel);
        rt_err e;
        void *buf;
        size_t size;
        assert_int_equal(rt_npy_encode(t, &buf, &size, &e), 0);
        assert_int_equal(size % 64, (size_t)(24 * rt_dtype_size(DTYPES[i].dtype)) % 64);
        rt_tensor *back = rt_npy_parse(buf, size, "buf", &e);
        assert_non_null(back);
        ts_assert_close(back, t, 0, 0, DTYPES[i].name);
        /* and through a file */
        snprintf(tmp, sizeof tmp, "/tmp/tsj_npy_rt_%d_%s.npy", (int)getpid(), DTYPES[i].name);
        assert_int_equal(rt_npy_save(t, tmp, &e), 0);
        rt_tensor *again = rt_npy_load(tmp, &e);
        assert_non_null(again);
        ts_assert_close(again, t, 0, 0, DTYPES[i].name);
        remove(tmp);
        free(buf);
        rt_tensor_release(t);
        rt_tensor_release(back);
        rt_tensor_release(again);
    }
}

static void versions_scalar_empty(void **state)
{
    (void)state;
    const char *files[] = {"npy/v2.npy", "npy/v3.npy"};
    for (int i = 0; i < 2; i++) {
        rt_tensor *t = ts_load_npy(files[i]);
        assert_int_equal(t->ndim, 2);
        assert_int_equal(t->shape[1], 3);
        assert_true(((float *)rt_tensor_data(t))[5] == 5.0f);
        rt_tensor_release(t);
    }
    rt_tensor *s = ts_load_npy("npy/scalar.npy");
    assert_int_equal(s->ndim, 0);
    assert_int_equal(s->dtype, RT_F64);
    assert_true(*(double *)rt_tensor_data(s) == 3.5);
    rt_tensor *z = ts_load_npy("npy/empty.npy");
    assert_int_equal(z->ndim, 2);
    assert_int_equal(z->shape[0], 0);
    assert_int_equal(rt_tensor_numel(z), 0);
    /* 0-dim and empty round trip */
    rt_err e;
    void *buf;
    size_t size;
    assert_int_equal(rt_npy_encode(s, &buf, &size, &e), 0);
    rt_tensor *s2 = rt_npy_parse(buf, size, "s", &e);
    assert_non_null(s2);
    assert_int_equal(s2->ndim, 0);
    free(buf);
    assert_int_equal(rt_npy_encode(z, &buf, &size, &e), 0);
    rt_tensor *z2 = rt_npy_parse(buf, size, "z", &e);
    assert_non_null(z2);
    assert_int_equal(z2->shape[1], 3);
    free(buf);
    rt_tensor_release(s);
    rt_tensor_release(s2);
    rt_tensor_release(z);
    rt_tensor_release(z2);
}

static void strided_save_is_c_order(void **state)
{
    (void)state;
    rt_tensor *t = ts_load_npy("npy/int64_c.npy"); /* [2,3,4] */
    int64_t shape[2] = {4, 3}, strides[2] = {1, 4};
    rt_err e;
    /* the transpose of t[0] */
    rt_tensor *v = rt_tensor_view(t->storage, RT_I64, 2, shape, strides, 0, &e);
    assert_non_null(v);
    void *buf;
    size_t size;
    assert_int_equal(rt_npy_encode(v, &buf, &size, &e), 0);
    rt_tensor *back = rt_npy_parse(buf, size, "v", &e);
    assert_non_null(back);
    ts_assert_close(back, v, 0, 0, "transposed");
    int64_t *d = rt_tensor_data(back);
    assert_int_equal(d[1], ((int64_t *)rt_tensor_data(t))[4]);
    free(buf);
    rt_tensor_release(back);
    rt_tensor_release(v);
    rt_tensor_release(t);
}

static void malformed_files(void **state)
{
    (void)state;
    static const struct {
        const char *file, *msg;
    } cases[] = {
        {"bad_magic.npy", "not a .npy file (bad magic)"},
        {"truncated_data.npy", "needs 96"},
        {"truncated_header.npy", "header length"},
        {"bad_header.npy", "unknown .npy header key 'shapf'"},
        {"bad_shape.npy", "shape entries must be non-negative integers"},
        {"bad_version.npy", "unsupported .npy format version 9.0"},
        {"huge_header_len.npy", "header length"},
        {"trailing.npy", "trailing bytes"},
        {"bad_dtype.npy", "unsupported .npy dtype '<c8'"},
        {"big_endian.npy", "unsupported .npy dtype '>f4'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "npy/%s", cases[i].file);
        rt_err e;
        rt_err_clear(&e);
        rt_tensor *t = rt_npy_load(ts_data_path(rel), &e);
        assert_null(t);
        assert_int_equal(e.status, TSJ_ERR_FORMAT);
        if (!strstr(e.msg, cases[i].msg))
            fail_msg("%s: message '%s' lacks '%s'", cases[i].file, e.msg, cases[i].msg);
    }
    rt_err e;
    assert_null(rt_npy_load("/nonexistent/x.npy", &e));
    assert_int_equal(e.status, TSJ_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_dtype_both_orders), cmocka_unit_test(round_trip_every_dtype),
        cmocka_unit_test(versions_scalar_empty),   cmocka_unit_test(strided_save_is_c_order),
        cmocka_unit_test(malformed_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
