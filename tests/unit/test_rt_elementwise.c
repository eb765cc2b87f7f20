/* test_rt_elementwise.c — elementwise operators: replays the PyTorch cases
 * of tests/data/ops/elementwise/cases.txt (written by
 * tests/gen/gen_ops_elementwise.py) through the operator table, and tests
 * rt_broadcast.h directly: broadcast shapes, torch.result_type, loop
 * coalescing, in-place aliasing and reference counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "rt_broadcast.h"

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
    replay("elementwise");
}

/* ---- rt_broadcast.h ---- */

static void broadcast_shapes(void **state)
{
    (void)state;
    rt_err e;
    int nd;
    int64_t out[RT_MAX_DIMS];
    int64_t a[] = {4, 1, 3}, b[] = {5, 1}, c0[] = {0, 1}, c1[] = {1, 4};
    assert_int_equal(rt_broadcast_shape2(3, a, 2, b, &nd, out, &e), 0);
    assert_int_equal(nd, 3);
    assert_true(out[0] == 4 && out[1] == 5 && out[2] == 3);
    assert_int_equal(rt_broadcast_shape2(2, c0, 2, c1, &nd, out, &e), 0);
    assert_true(out[0] == 0 && out[1] == 4 && nd == 2);
    assert_int_equal(rt_broadcast_shape2(0, NULL, 0, NULL, &nd, out, &e), 0);
    assert_int_equal(nd, 0);
    int64_t x[] = {2, 3}, y[] = {4, 2};
    assert_int_equal(rt_broadcast_shape2(2, x, 2, y, &nd, out, &e), -1);
    assert_string_equal(e.msg, "The size of tensor a (3) must match the size of tensor b (2) at "
                               "non-singleton dimension 1");
    const int64_t *shapes[3] = {a, b, x};
    int nds[3] = {3, 2, 2};
    assert_int_equal(rt_broadcast_shapes(2, nds, shapes, &nd, out, &e), 0);
    assert_int_equal(rt_broadcast_shapes(3, nds, shapes, &nd, out, &e), -1);
    assert_int_equal(e.status, TSJ_ERR_SHAPE);

    rt_tensor *t = rt_tensor_new(RT_F32, 2, (int64_t[]){1, 3}, &e);
    int64_t st[RT_MAX_DIMS];
    assert_int_equal(rt_broadcast_strides(t, 3, (int64_t[]){2, 4, 3}, st, &e), 0);
    assert_true(st[0] == 0 && st[1] == 0 && st[2] == 1);
    assert_int_equal(rt_broadcast_strides(t, 2, (int64_t[]){2, 4}, st, &e), -1);
    assert_string_equal(e.msg, "The expanded size of the tensor (4) must match the existing size "
                               "(3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor "
                               "sizes: [1, 3]");
    rt_tensor *v = rt_broadcast_view(t, 2, (int64_t[]){5, 3}, &e);
    assert_non_null(v);
    assert_true(v->storage == t->storage && v->strides[0] == 0 && v->shape[0] == 5);
    rt_tensor_release(v);
    rt_tensor_release(t);
}

static void result_types(void **state)
{
    (void)state;
    rt_err e;
    rt_tensor *i32 = rt_tensor_new(RT_I32, 1, (int64_t[]){2}, &e);
    rt_tensor *f32 = rt_tensor_new(RT_F32, 1, (int64_t[]){2}, &e);
    rt_tensor *bl = rt_tensor_new(RT_BOOL_, 1, (int64_t[]){2}, &e);
    rt_tensor *u8 = rt_tensor_new(RT_U8, 1, (int64_t[]){2}, &e);
    rt_tensor *f16 = rt_tensor_new(RT_F16, 1, (int64_t[]){2}, &e);
    rt_tensor *z64 = rt_tensor_scalar_f64(1.0, RT_F64, &e);
    rt_tensor *zi64 = rt_tensor_scalar_i64(1, RT_I64, &e);
#define RT2(a, b) rt_result_type(2, (rt_value[]){a, b})
#define T(x) rt_tensor_value(x)
    assert_int_equal(RT2(T(i32), rt_float(2.5)), RT_F32);
    assert_int_equal(RT2(T(bl), rt_int(3)), RT_I64);
    assert_int_equal(RT2(T(bl), rt_bool(true)), RT_BOOL_);
    assert_int_equal(RT2(T(i32), rt_int(3)), RT_I32);
    assert_int_equal(RT2(T(f32), T(z64)), RT_F32);
    assert_int_equal(RT2(T(i32), T(z64)), RT_F64);
    assert_int_equal(RT2(T(u8), T(zi64)), RT_U8);
    assert_int_equal(RT2(T(f16), rt_float(2.5)), RT_F16);
    assert_int_equal(RT2(T(u8), T(i32)), RT_I32);
    assert_int_equal(RT2(T(zi64), rt_float(1.0)), RT_F32);
    assert_int_equal(RT2(T(z64), rt_float(1.0)), RT_F64);
    assert_int_equal(RT2(T(i32), T(f16)), RT_F16);
    assert_int_equal(RT2(rt_int(1), rt_float(1.0)), RT_F32);
    assert_int_equal(RT2(rt_none(), rt_none()), RT_DTYPE_INVALID);
    assert_int_equal(rt_scalar_dtype(rt_float(1)), RT_F64);
    assert_true(rt_dtype_can_cast(RT_I64, RT_F32));
    assert_false(rt_dtype_can_cast(RT_F32, RT_I64));
    assert_false(rt_dtype_can_cast(RT_I64, RT_BOOL_));
    assert_string_equal(rt_dtype_aten_name(RT_F32), "Float");
#undef RT2
#undef T
    rt_tensor *all[] = {i32, f32, bl, u8, f16, z64, zi64};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        rt_tensor_release(all[i]);
}

static int g_runs;
static void count_runs(char **p, const int64_t *s, int64_t n, void *ctx)
{
    (void)p, (void)s, (void)n, (void)ctx;
    g_runs++;
}

static void ew_coalescing(void **state)
{
    (void)state;
    rt_err e;
    rt_tensor *o = rt_tensor_new(RT_F32, 3, (int64_t[]){4, 5, 6}, &e);
    rt_tensor *a = rt_tensor_new(RT_F32, 3, (int64_t[]){4, 5, 6}, &e);
    rt_tensor *b = rt_tensor_new(RT_F32, 1, (int64_t[]){6}, &e);
    rt_ew it;
    rt_tensor *ops[3] = {o, a, a};
    assert_int_equal(rt_ew_init(&it, 3, ops, &e), 0);
    assert_int_equal(it.ndim, 1); /* fully contiguous: one run */
    assert_int_equal(it.shape[0], 120);
    ops[2] = b;
    assert_int_equal(rt_ew_init(&it, 3, ops, &e), 0);
    assert_int_equal(it.ndim, 2);
    assert_int_equal(it.shape[1], 6);
    assert_int_equal(it.strides[2][0], 0);
    g_runs = 0;
    rt_ew_run(&it, count_runs, NULL);
    assert_int_equal(g_runs, 20);
    rt_tensor *bad = rt_tensor_new(RT_F32, 1, (int64_t[]){4}, &e);
    ops[2] = bad;
    assert_int_equal(rt_ew_init(&it, 3, ops, &e), -1);
    rt_tensor *z = rt_tensor_scalar_f64(1.0, RT_F32, &e);
    ops[0] = z, ops[1] = z, ops[2] = z;
    assert_int_equal(rt_ew_init(&it, 3, ops, &e), 0);
    assert_true(it.ndim == 1 && it.shape[0] == 1 && it.numel == 1);
    rt_tensor_release(o);
    rt_tensor_release(a);
    rt_tensor_release(b);
    rt_tensor_release(bad);
    rt_tensor_release(z);
}

/* x.add_(x.t()) must read x before overwriting it, like PyTorch (which
 * clones for overlapping operands in this case). */
static void inplace_aliasing(void **state)
{
    (void)state;
    rt_err e;
    float d[4] = {1, 2, 3, 4};
    rt_tensor *x = ts_tensor_f32(2, (int64_t[]){2, 2}, d);
    rt_tensor *xt = rt_tensor_view(x->storage, RT_F32, 2, (int64_t[]){2, 2}, (int64_t[]){1, 2},
                                   0, &e);
    rt_value in[3] = {rt_tensor_value(x), rt_tensor_value(xt), rt_int(1)}, out;
    assert_int_equal(ts_run_op("aten::add_.Tensor", in, 3, &out, 1, &e), 0);
    assert_ptr_equal(out.u.tensor, x);
    const float *r = rt_tensor_data(x);
    assert_true(r[0] == 2 && r[1] == 5 && r[2] == 5 && r[3] == 8);
    assert_int_equal(atomic_load(&x->hdr.refcount), 2);
    rt_value_release(out);
    /* x.mul_(x) */
    in[1] = rt_tensor_value(x);
    assert_int_equal(ts_run_op("aten::mul_.Tensor", in, 2, &out, 1, &e), 0);
    assert_true(r[0] == 4 && r[3] == 64);
    rt_value_release(out);
    rt_tensor_release(xt);
    rt_tensor_release(x);
}

/* A larger contiguous float32 run, checked against a scalar reference. */
static void contiguous_fast_paths(void **state)
{
    (void)state;
    rt_err e;
    enum { N = 1027 };
    float *d = malloc(N * sizeof(float));
    for (int i = 0; i < N; i++)
        d[i] = (float)(i % 17) - 8.5f;
    rt_tensor *x = ts_tensor_f32(1, (int64_t[]){N}, d);
    rt_value in[3] = {rt_tensor_value(x), rt_tensor_value(x), rt_float(0.5)}, out;
    assert_int_equal(ts_run_op("aten::add.Tensor", in, 3, &out, 1, &e), 0);
    const float *r = rt_tensor_data(out.u.tensor);
    for (int i = 0; i < N; i++)
        assert_true(r[i] == d[i] + 0.5f * d[i]);
    rt_value_release(out);
    assert_int_equal(ts_run_op("aten::sigmoid", in, 1, &out, 1, &e), 0);
    r = rt_tensor_data(out.u.tensor);
    for (int i = 0; i < N; i++)
        assert_true(fabsf(r[i] - 1.0f / (1.0f + expf(-d[i]))) < 1e-6f);
    rt_value_release(out);
    rt_tensor_release(x);
    free(d);
}

/* rt_vexpf against libm over its whole range, plus the edges. */
static void vexpf_accuracy(void **state)
{
    (void)state;
    double worst = 0;
    for (float x = -87.3f; x < 88.3f; x += 0.00731f) {
        double want = exp((double)x), rel = fabs(rt_vexpf(x) - want) / want;
        worst = rel > worst ? rel : worst;
    }
    print_message("rt_vexpf worst relative error %.3g\n", worst);
    assert_true(worst < 3e-7);
    assert_true(rt_vexpf(0.0f) == 1.0f);
    assert_true(isinf(rt_vexpf(89.0f)) && rt_vexpf(INFINITY) > 0);
    assert_true(rt_vexpf(-100.0f) == 0.0f && rt_vexpf(-INFINITY) == 0.0f);
    assert_true(isnan(rt_vexpf(NAN)));
}

static void argument_errors(void **state)
{
    (void)state;
    rt_err e;
    rt_value in[3] = {rt_int(1), rt_int(2), rt_int(1)}, out;
    rt_err_clear(&e);
    assert_int_equal(ts_run_op("aten::relu", in, 1, &out, 1, &e), -1);
    assert_int_equal(e.status, TSJ_ERR_TYPE);
    assert_int_equal(out.kind, RT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(broadcast_shapes),   cmocka_unit_test(result_types),
        cmocka_unit_test(ew_coalescing),      cmocka_unit_test(inplace_aliasing),
        cmocka_unit_test(contiguous_fast_paths), cmocka_unit_test(argument_errors),
        cmocka_unit_test(vexpf_accuracy),
        cmocka_unit_test(pytorch_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
