/*
 * test_rt_shape.c — shape, view and indexing ops against PyTorch references
 * (tests/gen/gen_ops_shape.py writes tests/data/ops/shape/cases.txt).
 *
 * Each manifest line names an op, its arguments (all of them, defaults
 * filled in) and the expected result or PyTorch's error message; the
 * driver below runs every case through the operator table and reports all
 * mismatches at once. test_rt_create.c reuses the driver (it includes this
 * file with RT_CASES_DRIVER_ONLY defined).
 */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- manifest driver ---- */

typedef struct cases_run {
    const char *dir; /* "ops/shape" */
    int ncases, nfail;
    char report[8192];
    size_t rlen;
} cases_run;

static void cr_fail(cases_run *r, const char *name, const char *fmt, ...)
{
    r->nfail++;
    if (r->rlen >= sizeof r->report - 256)
        return;
    r->rlen += (size_t)snprintf(r->report + r->rlen, sizeof r->report - r->rlen, "  %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    r->rlen += (size_t)vsnprintf(r->report + r->rlen, sizeof r->report - r->rlen, fmt, ap);
    va_end(ap);
    r->rlen += (size_t)snprintf(r->report + r->rlen, sizeof r->report - r->rlen, "\n");
}

/* Loads "file[:t|:s]" from the case directory, applying the view. */
static rt_tensor *cr_tensor(cases_run *r, const char *spec)
{
    char file[256], rel[512];
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    snprintf(file, sizeof file, "%.*s", (int)n, spec);
    snprintf(rel, sizeof rel, "%s/%s", r->dir, file);
    rt_tensor *t = ts_load_npy(rel);
    if (!colon)
        return t;
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    memcpy(strides, t->strides, sizeof strides);
    if (colon[1] == 't') {
        shape[0] = t->shape[1];
        shape[1] = t->shape[0];
        strides[0] = t->strides[1];
        strides[1] = t->strides[0];
    } else {
        int d = t->ndim - 1;
        shape[d] = (t->shape[d] + 1) / 2;
        strides[d] *= 2;
    }
    rt_err e = {0};
    rt_tensor *v = rt_tensor_view(t->storage, (rt_dtype)t->dtype, t->ndim, shape, strides,
                                  t->offset, &e);
    assert_non_null(v);
    rt_tensor_release(t);
    return v;
}

/* nested = "[" (nested | number) ("," ...)* "]" | number | True | False */
static rt_value cr_json(const char **p)
{
    rt_err e = {0};
    while (**p == ' ')
        (*p)++;
    if (**p == '[') {
        rt_value l;
        assert_int_equal(rt_list_new(RT_LIST, 0, &l, &e), 0);
        (*p)++;
        for (;;) {
            while (**p == ' ' || **p == ',')
                (*p)++;
            if (**p == ']' || !**p)
                break;
            rt_value it = cr_json(p);
            assert_int_equal(rt_list_append(l.u.list, it, &e), 0);
            rt_value_release(it);
        }
        if (**p == ']')
            (*p)++;
        return l;
    }
    if (!strncmp(*p, "True", 4)) {
        *p += 4;
        return rt_bool(true);
    }
    if (!strncmp(*p, "False", 5)) {
        *p += 5;
        return rt_bool(false);
    }
    const char *s = *p;
    size_t n = strcspn(s, ",] ");
    char tok[64];
    snprintf(tok, sizeof tok, "%.*s", (int)n, s);
    *p += n;
    if (strpbrk(tok, ".eEn"))
        return rt_float(strtod(tok, NULL));
    return rt_int(strtoll(tok, NULL, 10));
}

static rt_value cr_arg(cases_run *r, const char *a)
{
    rt_err e = {0};
    if (!strcmp(a, "n"))
        return rt_none();
    const char *v = a + 2;
    switch (a[0]) {
    case 'T':
        if (a[1] == 'L') {
            rt_value l;
            assert_int_equal(rt_list_new(RT_LIST, 0, &l, &e), 0);
            const char *p = a + 3;
            while (*p) {
                size_t n = strcspn(p, ",");
                char item[256];
                snprintf(item, sizeof item, "%.*s", (int)n, p);
                rt_value it = !strcmp(item, "n") ? rt_none()
                                                 : rt_tensor_value(cr_tensor(r, item));
                assert_int_equal(rt_list_append(l.u.list, it, &e), 0);
                rt_value_release(it);
                p += n + (p[n] == ',');
            }
            return l;
        }
        return rt_tensor_value(cr_tensor(r, v));
    case 'b': return rt_bool(v[0] == '1');
    case 'i': return rt_int(strtoll(v, NULL, 10));
    case 'f': return rt_float(strtod(v, NULL));
    case 's': {
        rt_value s;
        assert_int_equal(rt_str_from_cstr(v, &s, &e), 0);
        return s;
    }
    case 'L': {
        rt_value l;
        assert_int_equal(rt_list_new(RT_LIST, 0, &l, &e), 0);
        const char *p = v;
        while (*p) {
            char *end;
            long long x = strtoll(p, &end, 10);
            assert_int_equal(rt_list_append(l.u.list, rt_int(x), &e), 0);
            p = *end == ',' ? end + 1 : end;
        }
        return l;
    }
    case 'J': return cr_json(&v);
    default: fail_msg("bad argument spec '%s'", a); return rt_none();
    }
}

/* Compares a result tensor with the reference; false with a message. */
static bool cr_close(const rt_tensor *got, const rt_tensor *want, char *msg, size_t size)
{
    char a[128], b[128];
    if (got->dtype != want->dtype) {
        snprintf(msg, size, "dtype %s, expected %s", rt_dtype_get(got->dtype)->name,
                 rt_dtype_get(want->dtype)->name);
        return false;
    }
    if (got->ndim != want->ndim ||
        memcmp(got->shape, want->shape, sizeof(int64_t) * (size_t)got->ndim)) {
        snprintf(msg, size, "shape %s, expected %s", rt_shape_str(got->ndim, got->shape, a, 128),
                 rt_shape_str(want->ndim, want->shape, b, 128));
        return false;
    }
    rt_dtype d = (rt_dtype)got->dtype;
    size_t es = rt_dtype_size(d);
    rt_iter gi, wi;
    rt_iter_init(&gi, got->ndim, got->shape, got->strides);
    rt_iter_init(&wi, want->ndim, want->shape, want->strides);
    int64_t n = rt_tensor_numel(got);
    for (int64_t k = 0; k < n; k++, rt_iter_next(&gi), rt_iter_next(&wi)) {
        const char *g = (const char *)rt_tensor_data(got) + gi.off * (int64_t)es;
        const char *w = (const char *)rt_tensor_data(want) + wi.off * (int64_t)es;
        if (rt_dtype_is_float(d)) {
            double x = rt_load_f64(g, d), y = rt_load_f64(w, d);
            if (isnan(x) && isnan(y))
                continue;
            double tol = (d == RT_F64 ? 1e-12 : 1e-6) * (1 + fabs(y));
            if (!(fabs(x - y) <= tol)) {
                snprintf(msg, size, "element %lld is %.9g, expected %.9g", (long long)k, x, y);
                return false;
            }
        } else if (rt_load_i64(g, d) != rt_load_i64(w, d)) {
            snprintf(msg, size, "element %lld is %lld, expected %lld", (long long)k,
                     (long long)rt_load_i64(g, d), (long long)rt_load_i64(w, d));
            return false;
        }
    }
    return true;
}

static void cr_check_alias(cases_run *r, const char *name, const char *alias, rt_value in0,
                           const rt_tensor *t)
{
    if (!strcmp(alias, "-") || in0.kind != RT_TENSOR)
        return;
    bool shares = t->storage == in0.u.tensor->storage;
    if (!strcmp(alias, "view") && !shares)
        cr_fail(r, name, "result should be a view of the input");
    else if (!strcmp(alias, "copy") && shares)
        cr_fail(r, name, "result should not share the input's storage");
    else if (!strcmp(alias, "same") && t != in0.u.tensor)
        cr_fail(r, name, "result should be the input tensor itself");
}

static void cr_case(cases_run *r, char *line)
{
    char *f[5];
    int nf = 0;
    for (char *p = line; nf < 5; nf++) {
        f[nf] = p;
        char *tab = strchr(p, '\t');
        if (!tab) {
            nf++;
            break;
        }
        *tab = '\0';
        p = tab + 1;
    }
    if (nf < 5)
        fail_msg("malformed manifest line '%s'", line);
    const char *name = f[0], *op = f[1], *expect = f[3], *alias = f[4];
    rt_value in[32];
    int nin = 0;
    for (char *p = f[2]; *p && nin < 32;) {
        size_t n = strcspn(p, "|");
        char save = p[n];
        p[n] = '\0';
        in[nin++] = cr_arg(r, p);
        p += n + (save != '\0');
    }
    r->ncases++;
    rt_value out = rt_none();
    rt_err e = {0};
    int rc = ts_run_op(op, in, nin, &out, 1, &e);
    char msg[512];
    if (expect[0] == 'E') {
        if (rc == 0)
            cr_fail(r, name, "succeeded; expected error '%s'", expect + 2);
        else if (strcmp(e.msg, expect + 2))
            cr_fail(r, name, "error '%s', expected '%s'", e.msg, expect + 2);
    } else if (rc != 0) {
        cr_fail(r, name, "failed: %s", e.msg);
    } else if (expect[0] == 'O' && expect[1] == ':') {
        rt_tensor *want = cr_tensor(r, expect + 2);
        if (out.kind != RT_TENSOR)
            cr_fail(r, name, "result is not a tensor");
        else if (!cr_close(out.u.tensor, want, msg, sizeof msg))
            cr_fail(r, name, "%s", msg);
        else
            cr_check_alias(r, name, alias, in[0], out.u.tensor);
        rt_tensor_release(want);
    } else if (expect[0] == 'O') { /* OL: */
        const char *p = expect + 3;
        size_t k = 0;
        if (out.kind != RT_LIST) {
            cr_fail(r, name, "result is not a list");
        } else {
            while (*p) {
                size_t n = strcspn(p, ",");
                char item[256];
                snprintf(item, sizeof item, "%.*s", (int)n, p);
                p += n + (p[n] == ',');
                if (k >= out.u.list->len) {
                    k++;
                    continue;
                }
                rt_tensor *want = cr_tensor(r, item);
                rt_value got = out.u.list->items[k++];
                if (got.kind != RT_TENSOR)
                    cr_fail(r, name, "item %zu is not a tensor", k - 1);
                else if (!cr_close(got.u.tensor, want, msg, sizeof msg))
                    cr_fail(r, name, "item %zu: %s", k - 1, msg);
                else
                    cr_check_alias(r, name, alias, in[0], got.u.tensor);
                rt_tensor_release(want);
            }
            if (k != out.u.list->len)
                cr_fail(r, name, "%zu results, expected %zu", out.u.list->len, k);
        }
    } else if (expect[0] == 'I' && expect[1] == ':') {
        long long want = strtoll(expect + 2, NULL, 10);
        int64_t got = out.kind == RT_INT ? out.u.i : out.kind == RT_BOOL ? out.u.b : -12345;
        if (got != want)
            cr_fail(r, name, "result %lld, expected %lld", (long long)got, want);
    } else if (expect[0] == 'I') { /* IL: */
        char buf[512] = "";
        size_t n = 0;
        if (out.kind == RT_LIST)
            for (size_t k = 0; k < out.u.list->len; k++)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", k ? "," : "",
                                      (long long)out.u.list->items[k].u.i);
        if (out.kind != RT_LIST || strcmp(buf, expect + 3))
            cr_fail(r, name, "result [%s], expected [%s]", buf, expect + 3);
    }
    rt_value_release(out);
    for (int i = 0; i < nin; i++)
        rt_value_release(in[i]);
}

/* Runs every case of <dir>/cases.txt; fails listing all mismatches. */
static void cr_run(const char *dir)
{
    static cases_run r;
    memset(&r, 0, sizeof r);
    r.dir = dir;
    char rel[256];
    snprintf(rel, sizeof rel, "%s/cases.txt", dir);
    FILE *fp = fopen(ts_data_path(rel), "r");
    if (!fp)
        fail_msg("cannot open %s", ts_data_path(rel));
    static char line[16384];
    while (fgets(line, sizeof line, fp)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n)
            cr_case(&r, line);
    }
    fclose(fp);
    print_message("%s: %d cases, %d failures\n", dir, r.ncases, r.nfail);
    if (r.nfail)
        fail_msg("%d of %d cases failed:\n%s", r.nfail, r.ncases, r.report);
    assert_true(r.ncases > 0);
}

#ifndef RT_CASES_DRIVER_ONLY

/* ---- tests ---- */

static void test_shape_cases(void **state)
{
    (void)state;
    cr_run("ops/shape");
}

static rt_tensor *arange_f32(int ndim, const int64_t *shape)
{
    rt_err e = {0};
    rt_tensor *t = rt_tensor_empty(RT_F32, ndim, shape, &e);
    assert_non_null(t);
    float *p = rt_tensor_data(t);
    for (int64_t i = 0; i < rt_tensor_numel(t); i++)
        p[i] = (float)i;
    return t;
}

/* Views share storage: writing through a view changes the base. */
static void test_views_share_storage(void **state)
{
    (void)state;
    int64_t shape[2] = {3, 4};
    rt_tensor *x = arange_f32(2, shape);
    rt_value in[5] = {rt_tensor_value(x), rt_int(1), rt_int(1), rt_int(3), rt_int(1)};
    rt_value out;
    rt_err e = {0};
    assert_int_equal(ts_run_op("aten::slice.Tensor", in, 5, &out, 1, &e), 0);
    rt_tensor *v = out.u.tensor;
    assert_int_equal(v->shape[1], 2);
    ((float *)rt_tensor_data(v))[0] = 100.0f; /* x[0][1] */
    assert_true(((float *)rt_tensor_data(x))[1] == 100.0f);
    /* transpose of the slice, then select: still the same storage */
    rt_value tin[3] = {out, rt_int(0), rt_int(1)}, tout, sout;
    assert_int_equal(ts_run_op("aten::transpose.int", tin, 3, &tout, 1, &e), 0);
    rt_value sin_[3] = {tout, rt_int(0), rt_int(-1)};
    assert_int_equal(ts_run_op("aten::select.int", sin_, 3, &sout, 1, &e), 0);
    assert_ptr_equal(sout.u.tensor->storage, x->storage);
    assert_int_equal(sout.u.tensor->ndim, 1);
    assert_int_equal(sout.u.tensor->shape[0], 3);
    /* x[:, 2] = [2, 6, 10] */
    for (int i = 0; i < 3; i++)
        assert_true(rt_load_f64((char *)rt_tensor_data(sout.u.tensor) +
                                    4 * i * sout.u.tensor->strides[0],
                                RT_F32) == 2 + 4 * i);
    rt_value_release(sout);
    rt_value_release(tout);
    rt_value_release(out);
    rt_tensor_release(x);
}

/* size(), split() results are lists; errors leave out[] as none. */
static void test_lists_and_errors(void **state)
{
    (void)state;
    int64_t shape[3] = {2, 3, 4};
    rt_tensor *x = arange_f32(3, shape);
    rt_value in[3] = {rt_tensor_value(x), rt_int(2), rt_int(1)}, out;
    rt_err e = {0};
    assert_int_equal(ts_run_op("aten::split.Tensor", in, 3, &out, 1, &e), 0);
    assert_int_equal(out.kind, RT_LIST);
    assert_int_equal(out.u.list->len, 2);
    assert_int_equal(out.u.list->items[1].u.tensor->shape[1], 1);
    rt_value_release(out);
    rt_value bad[2] = {rt_tensor_value(x), rt_int(7)};
    assert_int_equal(ts_run_op("aten::size.int", bad, 2, &out, 1, &e), -1);
    assert_int_equal(out.kind, RT_NONE);
    assert_int_equal(e.status, TSJ_ERR_INDEX);
    /* wrong argument kind */
    rt_value wrong[2] = {rt_int(1), rt_int(0)};
    assert_int_equal(ts_run_op("aten::size.int", wrong, 2, &out, 1, &e), -1);
    assert_int_equal(e.status, TSJ_ERR_TYPE);
    rt_tensor_release(x);
}

/* index_put_ with values aliasing self reads the old values. */
static void test_index_put_alias(void **state)
{
    (void)state;
    int64_t shape[1] = {4};
    rt_tensor *x = arange_f32(1, shape);
    rt_err e = {0};
    int64_t idx[3] = {1, 2, 3};
    int64_t ish[1] = {3};
    rt_tensor *it = ts_tensor_i64(1, ish, idx);
    rt_value il;
    assert_int_equal(rt_list_from(RT_LIST, (rt_value[]){rt_tensor_value(it)}, 1, &il, &e), 0);
    /* values = x[0:3] (a view of x) */
    rt_value sin_[5] = {rt_tensor_value(x), rt_int(0), rt_int(0), rt_int(3), rt_int(1)}, vals;
    assert_int_equal(ts_run_op("aten::slice.Tensor", sin_, 5, &vals, 1, &e), 0);
    rt_value in[4] = {rt_tensor_value(x), il, vals, rt_bool(false)}, out;
    assert_int_equal(ts_run_op("aten::index_put_", in, 4, &out, 1, &e), 0);
    const float *p = rt_tensor_data(x);
    assert_true(p[0] == 0 && p[1] == 0 && p[2] == 1 && p[3] == 2);
    rt_value_release(out);
    rt_value_release(vals);
    rt_value_release(il);
    rt_tensor_release(it);
    rt_tensor_release(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape_cases),
        cmocka_unit_test(test_views_share_storage),
        cmocka_unit_test(test_lists_and_errors),
        cmocka_unit_test(test_index_put_alias),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif /* RT_CASES_DRIVER_ONLY */
