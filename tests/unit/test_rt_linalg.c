/* test_rt_linalg.c — matrix products: replays the PyTorch cases of
 * tests/data/ops/linalg/cases.txt (written by tests/gen/gen_ops_linalg.py)
 * through the operator table, one cmocka test per case, and tests the
 * rt_gemm.h wrapper directly against a naive product on every operand
 * layout (row-major, transposed, packed, strided C, beta handling). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "rt_gemm.h"

/* ---- manifest replay (format: see gen_ops_linalg.py) ---- */

#define MAXARGS 16
#define MAXOUTS 4
#define MAXCASES 512

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
    int nout = rt_op_get(id)->schema.nrets;
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
        int k = 0;
        char *save2 = NULL;
        for (char *tok = strtok_r(f[3], ",", &save2); tok; tok = strtok_r(NULL, ",", &save2), k++) {
            assert_true(k < nout);
            assert_int_equal(outs[k].kind, RT_TENSOR);
            rt_tensor *want = load_rel(tok);
            char what[160];
            snprintf(what, sizeof what, "%.100s out%d", f[0], k);
            ts_assert_close(outs[k].u.tensor, want, rtol, atol, what);
            rt_tensor_release(want);
        }
        assert_int_equal(k, nout);
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

/* ---- rt_gemm directly ---- */

/* Stored-matrix element (i, j) with given strides. */
#define AT(p, i, j, rs, cs) (p)[(i) * (rs) + (j) * (cs)]

static void naive(bool ta, bool tb, int m, int n, int k, double alpha, const double *a,
                  int64_t ars, int64_t acs, const double *b, int64_t brs, int64_t bcs,
                  double beta, double *c, int64_t crs, int64_t ccs)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int l = 0; l < k; l++)
                s += (ta ? AT(a, l, i, ars, acs) : AT(a, i, l, ars, acs)) *
                     (tb ? AT(b, j, l, brs, bcs) : AT(b, l, j, brs, bcs));
            double *q = &AT(c, i, j, crs, ccs);
            *q = alpha * s + (beta == 0 ? 0 : beta * *q);
        }
}

/* Operand layouts: 0 row-major, 1 column-major, 2 padded rows, 3 every
 * other column, 4 broadcast rows (stride 0). */
static void layout(int kind, int rows, int cols, int64_t *rs, int64_t *cs)
{
    switch (kind) {
    case 0: *rs = cols, *cs = 1; break;
    case 1: *rs = 1, *cs = rows; break;
    case 2: *rs = cols + 3, *cs = 1; break;
    case 3: *rs = 2 * cols, *cs = 2; break;
    default: *rs = 0, *cs = 1; break;
    }
}

static void test_gemm_layouts(void **state)
{
    (void)state;
    const int shapes[][3] = {{3, 4, 5}, {1, 6, 4}, {5, 1, 3}, {4, 5, 1}, {1, 1, 7}, {7, 9, 8}};
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
        for (int ka = 0; ka < 5; ka++)
            for (int kb = 0; kb < 5; kb++)
                for (int kc = 0; kc < 4; kc++)
                    for (int t = 0; t < 4; t++) {
                        int m = shapes[si][0], n = shapes[si][1], k = shapes[si][2];
                        bool ta = t & 1, tb = t & 2;
                        int64_t ars, acs, brs, bcs, crs, ccs;
                        layout(ka, ta ? k : m, ta ? m : k, &ars, &acs);
                        layout(kb, tb ? n : k, tb ? k : n, &brs, &bcs);
                        layout(kc, m, n, &crs, &ccs);
                        double A[256], B[256], C0[256], C1[256];
                        float Af[256], Bf[256], Cf[256];
                        for (int i = 0; i < 256; i++) {
                            A[i] = Af[i] = (float)((i * 7 % 11) - 5) / 4;
                            B[i] = Bf[i] = (float)((i * 5 % 13) - 6) / 4;
                            C0[i] = C1[i] = Cf[i] = (float)((i % 5) - 2);
                        }
                        double beta = (t + ka) % 3 == 0 ? 0.0 : 0.5, alpha = 1.5;
                        naive(ta, tb, m, n, k, alpha, A, ars, acs, B, brs, bcs, beta, C0, crs,
                              ccs);
                        rt_err e;
                        rt_err_clear(&e);
                        assert_int_equal(rt_dgemm(ta, tb, m, n, k, alpha, A, ars, acs, B, brs,
                                                  bcs, beta, C1, crs, ccs, &e),
                                         0);
                        assert_int_equal(rt_sgemm(ta, tb, m, n, k, (float)alpha, Af, ars, acs,
                                                  Bf, brs, bcs, (float)beta, Cf, crs, ccs, &e),
                                         0);
                        for (int i = 0; i < 256; i++) {
                            if (fabs(C0[i] - C1[i]) > 1e-9 || fabs(C0[i] - Cf[i]) > 1e-4)
                                fail_msg("shape %zu layouts %d/%d/%d t%d: element %d is %g/%g, "
                                         "expected %g",
                                         si, ka, kb, kc, t, i, C1[i], (double)Cf[i], C0[i]);
                        }
                    }
}

static void test_gemm_k0_and_nan_beta0(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    double A[4] = {1, 2, 3, 4}, B[4] = {1, 0, 0, 1}, C[4] = {NAN, NAN, 2, NAN};
    assert_int_equal(rt_dgemm(false, false, 2, 2, 2, 1, A, 2, 1, B, 2, 1, 0, C, 2, 1, &e), 0);
    for (int i = 0; i < 4; i++)
        assert_true(C[i] == A[i]);
    double D[4] = {1, 2, 3, 4};
    assert_int_equal(rt_dgemm(false, false, 2, 2, 0, 1, A, 2, 1, B, 2, 1, 2, D, 2, 1, &e), 0);
    assert_true(D[0] == 2 && D[3] == 8);
    assert_int_equal(rt_dgemm(false, false, 2, 2, 0, 1, A, 2, 1, B, 2, 1, 0, D, 2, 1, &e), 0);
    assert_true(D[0] == 0 && D[3] == 0);
    assert_int_equal(rt_dgemm(false, false, -1, 2, 2, 1, A, 2, 1, B, 2, 1, 0, D, 2, 1, &e), -1);
}

static void test_gemm_tensor(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    int64_t sa[2] = {3, 4}, sb[2] = {5, 6}, sc[2] = {3, 6};
    rt_tensor *a = ts_tensor_f32(2, sa, NULL), *b = ts_tensor_f32(2, sb, NULL),
              *c = ts_tensor_f32(2, sc, NULL);
    assert_int_equal(rt_gemm_tensor(c, a, false, b, false, 1, 0, &e), -1);
    assert_string_equal(e.msg, "mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)");
    int64_t sb2[2] = {6, 4};
    rt_tensor *b2 = ts_tensor_f32(2, sb2, NULL);
    float *pa = rt_tensor_data(a), *pb = rt_tensor_data(b2);
    for (int i = 0; i < 12; i++)
        pa[i] = (float)i;
    for (int i = 0; i < 24; i++)
        pb[i] = (float)(i % 3);
    rt_err_clear(&e);
    assert_int_equal(rt_gemm_tensor(c, a, false, b2, true, 1, 0, &e), 0);
    float *pc = rt_tensor_data(c);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 6; j++) {
            float s = 0;
            for (int l = 0; l < 4; l++)
                s += pa[i * 4 + l] * pb[j * 4 + l];
            assert_float_equal(pc[i * 6 + j], s, 1e-5);
        }
    rt_tensor *i64 = ts_tensor_i64(2, sa, NULL);
    assert_int_equal(rt_gemm_tensor(c, i64, false, b2, true, 1, 0, &e), -1);
    assert_int_equal(e.status, TSJ_ERR_TYPE);
    assert_string_equal(rt_gemm_type_name(RT_F32), "Float");
    rt_tensor_release(a);
    rt_tensor_release(b);
    rt_tensor_release(b2);
    rt_tensor_release(c);
    rt_tensor_release(i64);
}

int main(void)
{
    g_family = "linalg";
    if (load_manifest(g_family))
        return 1;
    static struct CMUnitTest tests[MAXCASES + 8];
    int n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_gemm_layouts);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_gemm_k0_and_nan_beta0);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_gemm_tensor);
    for (int i = 0; i < g_nlines; i++) {
        char *bar = strchr(g_lines[i], '|');
        static char names[MAXCASES][80];
        snprintf(names[i], sizeof names[i], "%.*s", (int)(bar - g_lines[i]), g_lines[i]);
        tests[n++] = (struct CMUnitTest){.name = names[i],
                                         .test_func = run_case,
                                         .initial_state = g_lines[i]};
    }
    int rc = _cmocka_run_group_tests("linalg", tests, (size_t)n, NULL, NULL);
    for (int i = 0; i < g_nlines; i++)
        free(g_lines[i]);
    return rc;
}
