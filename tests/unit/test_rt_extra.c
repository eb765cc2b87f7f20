/* test_rt_extra.c — operators real models use beyond the core families
 * (einsum, interpolation, prelu, nonzero, where(cond), tolist, stacking,
 * repeat_interleave, unary math and activations, shuffles, similarity,
 * embedding_bag): replays the PyTorch cases of tests/data/ops/extra/cases.txt
 * (written by tests/gen/gen_ops_extra.py) through the operator table, one
 * cmocka test per case, plus a few direct checks (views, aliasing). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* ---- manifest replay (format: see gen_ops_linalg.py) ---- */

#define MAXARGS 16
#define MAXOUTS 4
#define MAXCASES 1024

static const char *g_family;

static rt_tensor *load_rel(const char *file)
{
    char rel[256];
    snprintf(rel, sizeof rel, "ops/%s/%s", g_family, file);
    return ts_load_npy(rel);
}

static rt_value parse_arg(char *s)
{
    rt_err e;
    rt_err_clear(&e);
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
    if (strcmp(s, "tl") == 0 || strcmp(s, "fl") == 0) {
        rt_value r;
        assert_int_equal(rt_list_new(RT_LIST, 4, &r, &e), 0);
        char *save = NULL;
        for (char *tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            rt_value item = s[0] == 't' ? rt_tensor_value(load_rel(tok)) : rt_float(strtod(tok, NULL));
            assert_int_equal(rt_list_append(r.u.list, item, &e), 0);
            rt_value_release(item);
        }
        return r;
    }
    if (strcmp(s, "l") == 0) {
        int64_t items[16];
        int n = 0;
        char *save = NULL;
        for (char *tok = strtok_r(v, ",", &save); tok && n < 16; tok = strtok_r(NULL, ",", &save))
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

/* Walks a nested list (prim::tolist) against want's elements in C order. */
static void nested_walk(const char *name, rt_value v, const rt_tensor *want, int dim,
                        int64_t *pos)
{
    if (dim == want->ndim) {
        rt_dtype d = (rt_dtype)want->dtype;
        const char *p = (const char *)want->storage->data +
                        (want->offset + *pos) * (int64_t)rt_dtype_size(d);
        (*pos)++;
        if (d == RT_BOOL_) {
            if (v.kind != RT_BOOL || v.u.b != (rt_load_i64(p, d) != 0))
                fail_msg("%s: element %lld: bool mismatch", name, (long long)*pos - 1);
        } else if (rt_dtype_is_float(d)) {
            double w = rt_load_f64(p, d);
            if (v.kind != RT_FLOAT || !(v.u.f == w || (v.u.f != v.u.f && w != w)))
                fail_msg("%s: element %lld: float mismatch (kind %d)", name, (long long)*pos - 1,
                         v.kind);
        } else {
            if (v.kind != RT_INT || v.u.i != rt_load_i64(p, d))
                fail_msg("%s: element %lld: int mismatch", name, (long long)*pos - 1);
        }
        return;
    }
    if (v.kind != RT_LIST || (int64_t)v.u.list->len != want->shape[dim])
        fail_msg("%s: dim %d: expected a list of %lld", name, dim, (long long)want->shape[dim]);
    for (size_t i = 0; i < v.u.list->len; i++)
        nested_walk(name, v.u.list->items[i], want, dim + 1, pos);
}

static void check_nested(const char *name, rt_value v, const rt_tensor *want)
{
    int64_t pos = 0;
    nested_walk(name, v, want, 0, &pos);
}

/* One manifest line: name|op|args|expect|rtol,atol */
static void run_case(void **state)
{
    char line[8192];
    snprintf(line, sizeof line, "%s", (const char *)*state);
    char *f[5], *save = NULL;
    int nf = 0;
    for (char *p = line; nf < 5; nf++) {
        f[nf] = p;
        char *bar = strchr(p, '|');
        if (!bar) {
            nf++;
            break;
        }
        *bar = 0;
        p = bar + 1;
    }
    assert_int_equal(nf, 5);
    rt_value args[MAXARGS], outs[MAXOUTS];
    int na = 0;
    if (*f[2])
        for (char *tok = strtok_r(f[2], ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
            assert_true(na < MAXARGS);
            args[na++] = parse_arg(tok);
        }
    rt_err e;
    rt_err_clear(&e);
    assert_int_equal(rt_ops_init(&e), 0);
    rt_op_id id = rt_op_lookup(f[1]);
    if (id == RT_OP_COUNT)
        fail_msg("%s: no operator %s", f[0], f[1]);
    const rt_op *op = rt_op_get(id);
    int nout = op->schema.varret ? 1 : op->schema.nrets;
    assert_true(nout <= MAXOUTS);
    int rc = ts_run_op(f[1], args, na, outs, nout, &e);
    if (f[3][0] == '!') {
        if (rc == 0)
            fail_msg("%s: expected error '%s', got success", f[0], f[3] + 1);
        if (!strstr(e.msg, f[3] + 1))
            fail_msg("%s: error '%s' lacks '%s'", f[0], e.msg, f[3] + 1);
    } else {
        if (rc != 0)
            fail_msg("%s: %s", f[0], e.msg);
        double rtol = strtod(f[4], NULL), atol = strtod(strchr(f[4], ',') + 1, NULL);
        if (strncmp(f[3], "L:", 2) == 0) { /* a nested list against a tensor */
            rt_tensor *want = load_rel(f[3] + 2);
            check_nested(f[0], outs[0], want);
            rt_tensor_release(want);
        } else if (nout == 1 && outs[0].kind == RT_LIST) { /* Tensor[] */
            rt_list *l = outs[0].u.list;
            size_t k = 0;
            char *save2 = NULL;
            if (strcmp(f[3], "[]") != 0)
                for (char *tok = strtok_r(f[3], ",", &save2); tok;
                     tok = strtok_r(NULL, ",", &save2), k++) {
                    assert_true(k < l->len);
                    assert_int_equal(l->items[k].kind, RT_TENSOR);
                    rt_tensor *want = load_rel(tok);
                    char what[160];
                    snprintf(what, sizeof what, "%.100s item%zu", f[0], k);
                    ts_assert_close(l->items[k].u.tensor, want, rtol, atol, what);
                    rt_tensor_release(want);
                }
            assert_int_equal(k, l->len);
        } else {
            int k = 0;
            char *save2 = NULL;
            for (char *tok = strtok_r(f[3], ",", &save2); tok;
                 tok = strtok_r(NULL, ",", &save2), k++) {
                assert_true(k < nout);
                assert_int_equal(outs[k].kind, RT_TENSOR);
                rt_tensor *want = load_rel(tok);
                char what[160];
                snprintf(what, sizeof what, "%.100s out%d", f[0], k);
                ts_assert_close(outs[k].u.tensor, want, rtol, atol, what);
                rt_tensor_release(want);
            }
            assert_int_equal(k, nout);
        }
        for (int i = 0; i < nout; i++)
            rt_value_release(outs[i]);
    }
    for (int i = 0; i < na; i++)
        rt_value_release(args[i]);
}

static char *g_lines[MAXCASES];
static int g_nlines;

static int load_manifest(const char *family)
{
    char rel[128];
    snprintf(rel, sizeof rel, "ops/%s/cases.txt", family);
    FILE *fp = fopen(ts_data_path(rel), "r");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", ts_data_path(rel));
        return -1;
    }
    char buf[8192];
    while (g_nlines < MAXCASES && fgets(buf, sizeof buf, fp)) {
        size_t n = strlen(buf);
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = 0;
        if (n)
            g_lines[g_nlines++] = strdup(buf);
    }
    fclose(fp);
    return 0;
}

/* ---- direct checks ---- */

static void test_einsum_view(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    int64_t sh[2] = {3, 4};
    rt_tensor *x = ts_tensor_f32(2, sh, NULL);
    rt_value args[3], out;
    assert_int_equal(rt_str_from_cstr("ij->ji", &args[0], &e), 0);
    rt_value xv = rt_tensor_value(x);
    assert_int_equal(rt_list_from(RT_LIST, &xv, 1, &args[1], &e), 0);
    args[2] = rt_none();
    assert_int_equal(ts_run_op("aten::einsum", args, 3, &out, 1, &e), 0);
    assert_ptr_equal(out.u.tensor->storage, x->storage);
    assert_int_equal(out.u.tensor->shape[0], 4);
    rt_value_release(out);
    for (int i = 0; i < 3; i++)
        rt_value_release(args[i]);
    rt_tensor_release(x);
}

int main(void)
{
    g_family = "extra";
    if (load_manifest(g_family))
        return 1;
    static struct CMUnitTest tests[MAXCASES + 8];
    int n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_einsum_view);
    for (int i = 0; i < g_nlines; i++) {
        char *bar = strchr(g_lines[i], '|');
        static char names[MAXCASES][80];
        snprintf(names[i], sizeof names[i], "%.*s", (int)(bar - g_lines[i]), g_lines[i]);
        tests[n++] = (struct CMUnitTest){.name = names[i],
                                         .test_func = run_case,
                                         .initial_state = g_lines[i]};
    }
    int rc = _cmocka_run_group_tests("extra", tests, (size_t)n, NULL, NULL);
    for (int i = 0; i < g_nlines; i++)
        free(g_lines[i]);
    return rc;
}
