/* test_rt_reduce.c — reductions, softmax, cumsum, sort/topk: replays the
 * PyTorch cases of tests/data/ops/reduce/cases.txt (written by
 * tests/gen/gen_ops_reduce.py) through the operator table, plus direct
 * checks of large rows, multi-output reference counts and error paths. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* ---- manifest replay (format: see gen_ops_elementwise.py) ---- */

#define MAXARGS 8
#define MAXOUTS 4

static char g_dir[64];

static rt_tensor *load_rel(const char *file)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", g_dir, file);
    return ts_load_npy(rel);
}

/* Parses one argument; *owned tells whether the value must be released. */
static rt_value parse_arg(char *s)
{
    rt_err e;
    if (strcmp(s, "n") == 0)
        return rt_none();
    char *colon = strchr(s, ':');
    assert_non_null(colon);
    *colon = 0;
    char *v = colon + 1;
    if (strcmp(s, "i") == 0)
        return rt_int(strtoll(v, NULL, 10));
    if (strcmp(s, "f") == 0)
        return rt_float(strtod(v, NULL));
    if (strcmp(s, "b") == 0)
        return rt_bool(atoi(v) != 0);
    if (strcmp(s, "s") == 0) {
        rt_value r;
        assert_int_equal(rt_str_from_cstr(v, &r, &e), 0);
        return r;
    }
    if (strcmp(s, "l") == 0) {
        int64_t items[16];
        int n = 0;
        for (char *tok = strtok(v, ","); tok && n < 16; tok = strtok(NULL, ","))
            items[n++] = strtoll(tok, NULL, 10);
        return ts_intlist(n, items);
    }
    rt_tensor *t = load_rel(v);
    if (strcmp(s, "t") == 0)
        return rt_tensor_value(t);
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int nd = t->ndim;
    memcpy(shape, t->shape, sizeof shape);
    memcpy(strides, t->strides, sizeof strides);
    if (strcmp(s, "tt") == 0) {
        assert_true(nd >= 2);
        int64_t x = shape[nd - 1];
        shape[nd - 1] = shape[nd - 2], shape[nd - 2] = x;
        x = strides[nd - 1];
        strides[nd - 1] = strides[nd - 2], strides[nd - 2] = x;
    } else {
        assert_string_equal(s, "ts");
        shape[nd - 1] = (shape[nd - 1] + 1) / 2;
        strides[nd - 1] *= 2;
    }
    rt_tensor *view =
        rt_tensor_view(t->storage, (rt_dtype)t->dtype, nd, shape, strides, t->offset, &e);
    assert_non_null(view);
    rt_tensor_release(t);
    return rt_tensor_value(view);
}

/* Like ts_assert_close but reports instead of failing; returns ok. */
static bool close_enough(const rt_tensor *got, const rt_tensor *want, double rtol, double atol,
                         char *why, size_t size)
{
    char a[128], b[128];
    if (got->dtype != want->dtype) {
        snprintf(why, size, "dtype %s, expected %s", rt_dtype_get(got->dtype)->name,
                 rt_dtype_get(want->dtype)->name);
        return false;
    }
    if (got->ndim != want->ndim ||
        memcmp(got->shape, want->shape, sizeof(int64_t) * (size_t)got->ndim) != 0) {
        snprintf(why, size, "shape %s, expected %s", rt_shape_str(got->ndim, got->shape, a, 128),
                 rt_shape_str(want->ndim, want->shape, b, 128));
        return false;
    }
    rt_iter gi, wi;
    rt_iter_init(&gi, got->ndim, got->shape, got->strides);
    rt_iter_init(&wi, want->ndim, want->shape, want->strides);
    rt_dtype d = (rt_dtype)got->dtype;
    int64_t es = (int64_t)rt_dtype_size(d), n = rt_tensor_numel(got);
    const char *gp = rt_tensor_data(got), *wp = rt_tensor_data(want);
    for (int64_t k = 0; k < n; k++) {
        const void *g = gp + gi.off * es, *w = wp + wi.off * es;
        if (rt_dtype_is_float(d)) {
            double x = rt_load_f64(g, d), y = rt_load_f64(w, d);
            bool ok = (isnan(x) && isnan(y)) || x == y || fabs(x - y) <= atol + rtol * fabs(y);
            if (!ok) {
                snprintf(why, size, "element %lld is %.9g, expected %.9g", (long long)k, x, y);
                return false;
            }
        } else if (rt_load_i64(g, d) != rt_load_i64(w, d)) {
            snprintf(why, size, "element %lld is %lld, expected %lld", (long long)k,
                     (long long)rt_load_i64(g, d), (long long)rt_load_i64(w, d));
            return false;
        }
        rt_iter_next(&gi);
        rt_iter_next(&wi);
    }
    return true;
}

/* Runs one manifest line; returns 0 when it passes. */
static int run_case(char *line, int *ncases)
{
    char *fields[5] = {0};
    int nf = 0;
    for (char *p = line; nf < 5; nf++) {
        fields[nf] = p;
        char *bar = strchr(p, '|');
        if (!bar) {
            nf++;
            break;
        }
        *bar = 0;
        p = bar + 1;
    }
    assert_int_equal(nf, 5);
    const char *name = fields[0], *op = fields[1];
    char *expect = fields[3];
    double rtol = strtod(fields[4], NULL), atol = strtod(strchr(fields[4], ',') + 1, NULL);
    rt_value in[MAXARGS], out[MAXOUTS];
    int nin = 0, nout = 0;
    char *save = NULL;
    for (char *tok = strtok_r(fields[2], ";", &save); tok; tok = strtok_r(NULL, ";", &save))
        in[nin++] = parse_arg(tok);
    const char *files[MAXOUTS];
    bool want_err = expect[0] == '!';
    if (want_err) {
        nout = 1;
    } else {
        for (char *tok = strtok_r(expect, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            files[nout++] = tok;
    }
    rt_err e;
    rt_err_clear(&e);
    int rc = ts_run_op(op, in, nin, out, nout, &e);
    int bad = 0;
    char why[2400] = "";
    (*ncases)++;
    if (want_err) {
        if (rc == 0) {
            snprintf(why, sizeof why, "expected error '%s', got success", expect + 1);
            bad = 1;
        } else if (!strstr(e.msg, expect + 1)) {
            snprintf(why, sizeof why, "error '%s', expected '%s'", e.msg, expect + 1);
            bad = 1;
        }
        for (int i = 0; i < nout; i++)
            if (out[i].kind != RT_NONE) {
                snprintf(why, sizeof why, "out[%d] set on error", i);
                bad = 1;
            }
    } else if (rc != 0) {
        snprintf(why, sizeof why, "failed: %s", e.msg);
        bad = 1;
    } else {
        for (int i = 0; i < nout && !bad; i++) {
            if (out[i].kind != RT_TENSOR) {
                snprintf(why, sizeof why, "out[%d] is not a tensor", i);
                bad = 1;
                break;
            }
            rt_tensor *want = load_rel(files[i]);
            if (!close_enough(out[i].u.tensor, want, rtol, atol, why, sizeof why))
                bad = 1;
            rt_tensor_release(want);
        }
        /* in-place ops return their first argument itself */
        const char *dot = strchr(op, '.');
        size_t len = dot ? (size_t)(dot - op) : strlen(op);
        bool inplace = op[len - 1] == '_' && op[len - 2] != '_';
        if (!bad && (inplace || strncmp(op, "aten::__i", 9) == 0) &&
            out[0].u.tensor != in[0].u.tensor) {
            snprintf(why, sizeof why, "in-place op did not return self");
            bad = 1;
        }
    }
    /* no kernel may keep a reference to an input beyond what it returns */
    for (int i = 0; i < nin && !bad; i++) {
        if (in[i].kind != RT_TENSOR)
            continue;
        int want = 1;
        for (int j = 0; j < nout; j++)
            want += out[j].kind == RT_TENSOR && out[j].u.tensor == in[i].u.tensor;
        int have = atomic_load(&in[i].u.tensor->hdr.refcount);
        if (have != want) {
            snprintf(why, sizeof why, "argument %d has refcount %d, expected %d", i, have, want);
            bad = 1;
        }
    }
    if (bad)
        print_error("case %s (%s): %s\n", name, op, why);
    for (int i = 0; i < nin; i++)
        rt_value_release(in[i]);
    for (int i = 0; i < nout; i++)
        rt_value_release(out[i]);
    return bad;
}

static void replay(const char *family)
{
    snprintf(g_dir, sizeof g_dir, "ops/%s", family);
    char rel[128];
    snprintf(rel, sizeof rel, "%s/cases.txt", g_dir);
    FILE *f = fopen(ts_data_path(rel), "r");
    if (!f)
        fail_msg("cannot open %s", ts_data_path(rel));
    char line[8192];
    int failures = 0, ncases = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0])
            failures += run_case(line, &ncases);
    }
    fclose(f);
    print_message("%d cases, %d failed\n", ncases, failures);
    assert_true(ncases > 0);
    assert_int_equal(failures, 0);
}

static void pytorch_cases(void **state)
{
    (void)state;
    replay("reduce");
}

/* Row-wise softmax over a long float32 row, and sums of 1e5 ones (the
 * accumulator must not drift). */
static void long_rows(void **state)
{
    (void)state;
    rt_err e;
    enum { N = 100000 };
    float *d = malloc(N * sizeof(float));
    for (int i = 0; i < N; i++)
        d[i] = 1.0f;
    rt_tensor *x = ts_tensor_f32(2, (int64_t[]){2, N / 2}, d);
    rt_value in[4] = {rt_tensor_value(x), rt_int(-1), rt_none()}, out;
    assert_int_equal(ts_run_op("aten::softmax.int", in, 3, &out, 1, &e), 0);
    const float *r = rt_tensor_data(out.u.tensor);
    for (int i = 0; i < N; i++)
        assert_true(fabsf(r[i] - 2.0f / N) < 1e-9f);
    rt_value_release(out);
    in[1] = rt_none();
    assert_int_equal(ts_run_op("aten::sum", in, 2, &out, 1, &e), 0);
    assert_true(*(const float *)rt_tensor_data(out.u.tensor) == (float)N);
    assert_int_equal(out.u.tensor->ndim, 0);
    rt_value_release(out);
    rt_tensor_release(x);
    free(d);
}

/* Two-output ops hand back two fresh tensors; errors leave outputs none. */
static void multi_output(void **state)
{
    (void)state;
    rt_err e;
    float d[6] = {3, 1, 2, 6, 5, 4};
    rt_tensor *x = ts_tensor_f32(2, (int64_t[]){2, 3}, d);
    rt_value in[5] = {rt_tensor_value(x), rt_int(1), rt_bool(false)}, out[2];
    assert_int_equal(ts_run_op("aten::max.dim", in, 3, out, 2, &e), 0);
    assert_int_equal(atomic_load(&out[0].u.tensor->hdr.refcount), 1);
    assert_int_equal(atomic_load(&out[1].u.tensor->hdr.refcount), 1);
    assert_int_equal(((const int64_t *)rt_tensor_data(out[1].u.tensor))[0], 0);
    assert_int_equal(((const int64_t *)rt_tensor_data(out[1].u.tensor))[1], 0);
    rt_value_release(out[0]);
    rt_value_release(out[1]);
    in[1] = rt_int(5);
    rt_err_clear(&e);
    assert_int_equal(ts_run_op("aten::max.dim", in, 3, out, 2, &e), -1);
    assert_int_equal(e.status, TSJ_ERR_INDEX);
    assert_int_equal(out[0].kind, RT_NONE);
    assert_int_equal(out[1].kind, RT_NONE);
    in[1] = rt_int(2), in[2] = rt_int(-1), in[3] = rt_bool(true), in[4] = rt_bool(true);
    assert_int_equal(ts_run_op("aten::topk", in, 5, out, 2, &e), 0);
    assert_true(((const float *)rt_tensor_data(out[0].u.tensor))[0] == 3);
    assert_true(((const float *)rt_tensor_data(out[0].u.tensor))[3] == 5);
    rt_value_release(out[0]);
    rt_value_release(out[1]);
    rt_tensor_release(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_rows),
        cmocka_unit_test(multi_output),
        cmocka_unit_test(pytorch_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
