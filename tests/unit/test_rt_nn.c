/* test_rt_nn.c — convolution, pooling, normalization, embedding and
 * dropout: replays the PyTorch cases of tests/data/ops/nn/cases.txt
 * (written by tests/gen/gen_ops_nn.py) through the operator table, one
 * cmocka test per case; checks convolution against a naive reference on
 * many random geometries (every kernel path: depthwise, 1x1, im2col,
 * transposed, asymmetric padding), dropout aliasing and batch_norm's
 * running-stat update. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

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

/* ---- convolution against a naive reference ---- */

static uint64_t g_rng = 88172645463325252ull;
static int64_t rnd(int64_t lo, int64_t hi) /* inclusive */
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return lo + (int64_t)(g_rng % (uint64_t)(hi - lo + 1));
}

static rt_tensor *rand_tensor(rt_dtype d, int nd, const int64_t *shape)
{
    rt_err e;
    rt_tensor *t = rt_tensor_empty(d, nd, shape, &e);
    assert_non_null(t);
    int64_t n = rt_tensor_numel(t);
    for (int64_t i = 0; i < n; i++)
        rt_store_f64((char *)rt_tensor_data(t) + i * (int64_t)rt_dtype_size(d), d,
                     (double)rnd(-100, 100) / 50.0);
    return t;
}

/* Naive 2-D convolution / transposed convolution in double. */
static void naive_conv(const double *x, const double *w, const double *b, double *y, int64_t N,
                       int64_t C, int64_t H, int64_t W, int64_t O, int64_t kh, int64_t kw,
                       int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw,
                       int64_t G, bool tr, int64_t OH, int64_t OW)
{
    int64_t Cg = C / G, Og = O / G;
    for (int64_t i = 0; i < N * O * OH * OW; i++)
        y[i] = b ? b[(i / (OH * OW)) % O] : 0;
    for (int64_t n = 0; n < N; n++)
        for (int64_t g = 0; g < G; g++)
            for (int64_t ci = 0; ci < Cg; ci++)
                for (int64_t oi = 0; oi < Og; oi++)
                    for (int64_t i = 0; i < kh; i++)
                        for (int64_t j = 0; j < kw; j++) {
                            int64_t c = g * Cg + ci, o = g * Og + oi;
                            double wv = tr ? w[((c * Og + oi) * kh + i) * kw + j]
                                           : w[((o * Cg + ci) * kh + i) * kw + j];
                            if (!tr) {
                                for (int64_t oh = 0; oh < OH; oh++)
                                    for (int64_t ow = 0; ow < OW; ow++) {
                                        int64_t ih = oh * sh - ph + i * dh, iw = ow * sw - pw + j * dw;
                                        if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                                            y[((n * O + o) * OH + oh) * OW + ow] +=
                                                wv * x[((n * C + c) * H + ih) * W + iw];
                                    }
                            } else {
                                for (int64_t ih = 0; ih < H; ih++)
                                    for (int64_t iw = 0; iw < W; iw++) {
                                        int64_t oh = ih * sh - ph + i * dh, ow = iw * sw - pw + j * dw;
                                        if (oh >= 0 && oh < OH && ow >= 0 && ow < OW)
                                            y[((n * O + o) * OH + oh) * OW + ow] +=
                                                wv * x[((n * C + c) * H + ih) * W + iw];
                                    }
                            }
                        }
}

static void test_conv_random(void **state)
{
    (void)state;
    for (int iter = 0; iter < 400; iter++) {
        bool tr = iter % 4 == 3;
        rt_dtype d = iter % 2 ? RT_F64 : RT_F32;
        int64_t G = rnd(1, 3), Cg = rnd(1, 3), Og = rnd(1, 3);
        int kind = iter % 5;
        if (kind == 0)
            Cg = 1, G = rnd(2, 5); /* depthwise */
        int64_t kh = rnd(1, 4), kw = rnd(1, 4);
        if (kind == 1)
            kh = kw = 1;
        if (kind == 2)
            kh = kw = 3;
        int64_t sh = rnd(1, 3), sw = rnd(1, 3), dh = rnd(1, 2), dw = rnd(1, 2);
        int64_t ph = rnd(0, kh / 2 + 1), pw = rnd(0, kw / 2 + 1);
        if (kind == 1 && iter % 3 == 0)
            sh = sw = 1, ph = pw = 0;
        int64_t N = rnd(1, 2), H = rnd(1, 9), W = rnd(1, 9), C = G * Cg, O = G * Og;
        int64_t OH, OW, oph = 0, opw = 0;
        if (!tr) {
            if (H + 2 * ph < dh * (kh - 1) + 1 || W + 2 * pw < dw * (kw - 1) + 1)
                continue;
            OH = (H + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
            OW = (W + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        } else {
            oph = sh > 1 ? rnd(0, sh - 1) : 0;
            opw = sw > 1 ? rnd(0, sw - 1) : 0;
            OH = (H - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
            OW = (W - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
            if (OH <= 0 || OW <= 0)
                continue;
        }
        int64_t xs[4] = {N, C, H, W}, ws[4] = {tr ? C : O, tr ? Og : Cg, kh, kw}, bs[1] = {O};
        rt_tensor *x = rand_tensor(d, 4, xs), *w = rand_tensor(d, 4, ws);
        rt_tensor *b = iter % 3 ? rand_tensor(d, 1, bs) : NULL;
        rt_tensor *xd = rt_tensor_to_dtype(x, RT_F64, NULL), *wd = rt_tensor_to_dtype(w, RT_F64, NULL);
        rt_tensor *bd = b ? rt_tensor_to_dtype(b, RT_F64, NULL) : NULL;
        int64_t ys[4] = {N, O, OH, OW};
        rt_tensor *want = rt_tensor_empty(RT_F64, 4, ys, NULL);
        naive_conv(rt_tensor_data(xd), rt_tensor_data(wd), bd ? rt_tensor_data(bd) : NULL,
                   rt_tensor_data(want), N, C, H, W, O, kh, kw, sh, sw, ph, pw, dh, dw, G, tr, OH, OW);
        int64_t sv[2] = {sh, sw}, pv[2] = {ph, pw}, dv[2] = {dh, dw}, ov[2] = {oph, opw};
        rt_value args[13] = {rt_tensor_value(x), rt_tensor_value(w), b ? rt_tensor_value(b) : rt_none(),
                             ts_intlist(2, sv), ts_intlist(2, pv), ts_intlist(2, dv), rt_bool(tr),
                             ts_intlist(2, ov), rt_int(G), rt_bool(false), rt_bool(false),
                             rt_bool(true), rt_bool(true)};
        rt_value out;
        rt_err e;
        rt_err_clear(&e);
        if (ts_run_op("aten::_convolution", args, 13, &out, 1, &e))
            fail_msg("iter %d: %s", iter, e.msg);
        rt_tensor *got = rt_tensor_to_dtype(out.u.tensor, RT_F64, NULL);
        char what[256];
        snprintf(what, sizeof what,
                 "iter %d tr%d N%lld C%lld H%lld W%lld O%lld G%lld k%lldx%lld s%lld,%lld p%lld,%lld d%lld,%lld",
                 iter, tr, (long long)N, (long long)C, (long long)H, (long long)W, (long long)O,
                 (long long)G, (long long)kh, (long long)kw, (long long)sh, (long long)sw,
                 (long long)ph, (long long)pw, (long long)dh, (long long)dw);
        ts_assert_close(got, want, 1e-5, 1e-4, what);
        rt_tensor_release(got);
        rt_value_release(out);
        for (int i = 3; i < 8; i++)
            rt_value_release(args[i]);
        rt_tensor_release(x);
        rt_tensor_release(w);
        rt_tensor_release(b);
        rt_tensor_release(xd);
        rt_tensor_release(wd);
        rt_tensor_release(bd);
        rt_tensor_release(want);
    }
}

/* ---- aliasing and side effects ---- */

static void test_dropout_alias(void **state)
{
    (void)state;
    int64_t s[2] = {2, 3};
    rt_tensor *x = ts_tensor_f32(2, s, NULL);
    rt_value args[3] = {rt_tensor_value(x), rt_float(0.5), rt_bool(false)}, out;
    rt_err e;
    rt_err_clear(&e);
    assert_int_equal(ts_run_op("aten::dropout", args, 3, &out, 1, &e), 0);
    assert_ptr_equal(out.u.tensor, x); /* PyTorch returns the input itself */
    rt_value_release(out);
    assert_int_equal(ts_run_op("aten::dropout_", args, 3, &out, 1, &e), 0);
    assert_ptr_equal(out.u.tensor, x);
    rt_value_release(out);
    args[2] = rt_bool(true);
    assert_int_equal(ts_run_op("aten::dropout", args, 3, &out, 1, &e), -1);
    assert_int_equal(e.status, TSJ_ERR_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "dropout in training mode is not supported"));
    rt_tensor_release(x);
}

static void test_batch_norm_running_update(void **state)
{
    (void)state;
    int64_t xs[2] = {4, 2}, cs[1] = {2};
    float xv[8] = {1, 10, 2, 20, 3, 30, 4, 40}, mv[2] = {0, 0}, vv[2] = {1, 1};
    rt_tensor *x = ts_tensor_f32(2, xs, xv), *rm = ts_tensor_f32(1, cs, mv),
              *rv = ts_tensor_f32(1, cs, vv);
    rt_value args[9] = {rt_tensor_value(x), rt_none(), rt_none(), rt_tensor_value(rm),
                        rt_tensor_value(rv), rt_bool(true), rt_float(0.5), rt_float(1e-5),
                        rt_bool(true)},
             out;
    rt_err e;
    rt_err_clear(&e);
    assert_int_equal(ts_run_op("aten::batch_norm", args, 9, &out, 1, &e), 0);
    const float *m = rt_tensor_data(rm), *v = rt_tensor_data(rv);
    /* torch: running_mean = 0.5 * 0 + 0.5 * [2.5, 25]; var unbiased [1.6667, 166.67] */
    assert_float_equal(m[0], 1.25f, 1e-5);
    assert_float_equal(m[1], 12.5f, 1e-4);
    assert_float_equal(v[0], 0.5f + 0.5f * (5.0f / 3.0f), 1e-5);
    assert_float_equal(v[1], 0.5f + 0.5f * (500.0f / 3.0f), 1e-3);
    rt_value_release(out);
    rt_tensor_release(x);
    rt_tensor_release(rm);
    rt_tensor_release(rv);
}

int main(void)
{
    g_family = "nn";
    if (load_manifest(g_family))
        return 1;
    static struct CMUnitTest tests[MAXCASES + 8];
    int n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_conv_random);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_dropout_alias);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_batch_norm_running_update);
    for (int i = 0; i < g_nlines; i++) {
        char *bar = strchr(g_lines[i], '|');
        static char names[MAXCASES][80];
        snprintf(names[i], sizeof names[i], "%.*s", (int)(bar - g_lines[i]), g_lines[i]);
        tests[n++] = (struct CMUnitTest){.name = names[i],
                                         .test_func = run_case,
                                         .initial_state = g_lines[i]};
    }
    int rc = _cmocka_run_group_tests("nn", tests, (size_t)n, NULL, NULL);
    for (int i = 0; i < g_nlines; i++)
        free(g_lines[i]);
    return rc;
}
