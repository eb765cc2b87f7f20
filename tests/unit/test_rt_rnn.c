/* test_rt_rnn.c — recurrent layers (padded and packed), packing ops and the
 * fused attention kernels against PyTorch references written by
 * tests/gen/gen_ops_rnn.py into tests/data/ops/rnn/, plus error messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* ---- helpers ---- */

static const char *rel(const char *name, const char *what)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "ops/rnn/%s_%s.npy", name, what);
    return buf;
}

static rt_tensor *load(const char *name, const char *what) { return ts_load_npy(rel(name, what)); }

static bool has(const char *name, const char *what)
{
    return access(ts_data_path(rel(name, what)), R_OK) == 0;
}

static int64_t *meta_of(const char *name, rt_tensor **keep)
{
    *keep = load(name, "meta");
    assert_int_equal((*keep)->dtype, RT_I64);
    return rt_tensor_data(*keep);
}

static rt_tensor *zeros(rt_dtype dt, int ndim, const int64_t *shape)
{
    rt_err e;
    rt_tensor *t = rt_tensor_new(dt, ndim, shape, &e);
    if (!t)
        fail_msg("zeros: %s", e.msg);
    return t;
}

/* A list value holding new references to items. */
static rt_value tlist(int n, rt_tensor **items)
{
    rt_value vals[64], out;
    rt_err e;
    assert_true(n <= 64);
    for (int i = 0; i < n; i++)
        vals[i] = rt_tensor_value(items[i]);
    if (rt_list_from(RT_LIST, vals, (size_t)n, &out, &e))
        fail_msg("list: %s", e.msg);
    return out;
}

static void release_values(rt_value *v, int n)
{
    for (int i = 0; i < n; i++)
        rt_value_clear(&v[i]);
}

static void run_ok(const char *op, rt_value *in, int nin, rt_value *out, int nout)
{
    rt_err e;
    rt_err_clear(&e);
    if (ts_run_op(op, in, nin, out, nout, &e))
        fail_msg("%s failed: %s", op, e.msg);
}

/* Runs op expecting failure with a message containing `want`; out stays none. */
static void run_err(const char *op, rt_value *in, int nin, int nout, const char *want)
{
    rt_err e;
    rt_value out[4];
    rt_err_clear(&e);
    int rc = ts_run_op(op, in, nin, out, nout, &e);
    if (rc == 0) {
        release_values(out, nout);
        fail_msg("%s: expected an error containing \"%s\"", op, want);
    }
    if (!strstr(e.msg, want))
        fail_msg("%s: error \"%s\", expected it to contain \"%s\"", op, e.msg, want);
    for (int i = 0; i < nout; i++)
        assert_int_equal(out[i].kind, RT_NONE);
}

/* A view of t with dim `dim` fixed at index i. */
static rt_tensor *select_view(rt_tensor *t, int dim, int64_t i)
{
    int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS];
    int k = 0;
    for (int d = 0; d < t->ndim; d++)
        if (d != dim) {
            sh[k] = t->shape[d];
            st[k++] = t->strides[d];
        }
    rt_err e;
    rt_tensor *v = rt_tensor_view(t->storage, (rt_dtype)t->dtype, t->ndim - 1, sh, st,
                                  t->offset + i * t->strides[dim], &e);
    if (!v)
        fail_msg("view: %s", e.msg);
    return v;
}

/* out[..., j, ...] = t[..., idx[j], ...] along dim (a new contiguous tensor). */
static rt_tensor *gather(rt_tensor *t, int dim, const int64_t *idx)
{
    rt_tensor *o = zeros((rt_dtype)t->dtype, t->ndim, t->shape);
    rt_err e;
    for (int64_t j = 0; j < t->shape[dim]; j++) {
        rt_tensor *s = select_view(t, dim, idx[j]), *d = select_view(o, dim, j);
        if (rt_tensor_copy_into(d, s, &e))
            fail_msg("copy: %s", e.msg);
        rt_tensor_release(s);
        rt_tensor_release(d);
    }
    return o;
}

/* A non-contiguous tensor with t's values: dims 0 and 1 swapped in memory. */
static rt_tensor *noncontig(rt_tensor *t)
{
    rt_err e;
    int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS];
    memcpy(sh, t->shape, sizeof(int64_t) * (size_t)t->ndim);
    memcpy(st, t->strides, sizeof(int64_t) * (size_t)t->ndim);
    sh[0] = t->shape[1], sh[1] = t->shape[0], st[0] = t->strides[1], st[1] = t->strides[0];
    rt_tensor *tv = rt_tensor_view(t->storage, (rt_dtype)t->dtype, t->ndim, sh, st, t->offset, &e);
    rt_tensor *tc = tv ? rt_tensor_clone(tv, &e) : NULL;
    if (!tc)
        fail_msg("noncontig: %s", e.msg);
    memcpy(sh, tc->shape, sizeof(int64_t) * (size_t)t->ndim);
    memcpy(st, tc->strides, sizeof(int64_t) * (size_t)t->ndim);
    sh[0] = tc->shape[1], sh[1] = tc->shape[0], st[0] = tc->strides[1], st[1] = tc->strides[0];
    rt_tensor *v = rt_tensor_view(tc->storage, (rt_dtype)t->dtype, t->ndim, sh, st, 0, &e);
    rt_tensor_release(tv);
    rt_tensor_release(tc);
    assert_false(rt_tensor_is_contiguous(v));
    return v;
}

static double tol(const rt_tensor *t) { return t->dtype == RT_F64 ? 1e-10 : 2e-5; }

static void check(rt_value got, const char *name, const char *what)
{
    char label[128];
    snprintf(label, sizeof label, "%s %s", name, what);
    if (got.kind != RT_TENSOR)
        fail_msg("%s: not a tensor", label);
    rt_tensor *want = load(name, what);
    ts_assert_close(got.u.tensor, want, tol(want), tol(want), label);
    rt_tensor_release(want);
}

/* ---- recurrent layers, padded ---- */

static const char *const OP_INPUT[] = {"aten::lstm.input", "aten::gru.input",
                                       "aten::rnn_tanh.input", "aten::rnn_relu.input"};
static const char *const OP_DATA[] = {"aten::lstm.data", "aten::gru.data",
                                      "aten::rnn_tanh.data", "aten::rnn_relu.data"};

typedef struct rnn_case {
    rt_tensor *meta_t;
    int64_t *m; /* mode, layers, bidir, batch_first, bias, nparams, packed */
    rt_tensor *x, *h0, *c0;
    rt_value hx, params;
} rnn_case;

static void rnn_load(rnn_case *rc, const char *name)
{
    rc->m = meta_of(name, &rc->meta_t);
    rc->x = load(name, "x");
    rc->h0 = load(name, "h0");
    rc->c0 = rc->m[0] == 0 ? load(name, "c0") : NULL;
    rt_tensor *ps[64];
    int n = (int)rc->m[5];
    for (int i = 0; i < n; i++) {
        char w[16];
        snprintf(w, sizeof w, "p%d", i);
        ps[i] = load(name, w);
    }
    rc->params = tlist(n, ps);
    for (int i = 0; i < n; i++)
        rt_tensor_release(ps[i]);
}

static rt_value make_hx(rnn_case *rc, rt_tensor *h0, rt_tensor *c0)
{
    if (rc->m[0] == 0) {
        rt_tensor *two[2] = {h0, c0};
        return tlist(2, two);
    }
    rt_tensor_retain(h0);
    return rt_tensor_value(h0);
}

static void rnn_free(rnn_case *rc)
{
    rt_tensor_release(rc->meta_t);
    rt_tensor_release(rc->x);
    rt_tensor_release(rc->h0);
    rt_tensor_release(rc->c0);
    rt_value_clear(&rc->params);
}

/* in[] for .input: x, hx, params, bias, layers, dropout, train, bidir, batch_first. */
static void padded_args(rnn_case *rc, rt_tensor *x, rt_value hx, rt_value *in)
{
    in[0] = rt_tensor_value(x);
    in[1] = hx;
    in[2] = rc->params;
    in[3] = rt_bool(rc->m[4]);
    in[4] = rt_int(rc->m[1]);
    in[5] = rt_float(0.0);
    in[6] = rt_bool(false);
    in[7] = rt_bool(rc->m[2]);
    in[8] = rt_bool(rc->m[3]);
}

static void run_padded(const char *name, bool strided)
{
    rnn_case rc;
    rnn_load(&rc, name);
    rt_tensor *x = strided ? noncontig(rc.x) : (rt_tensor_retain(rc.x), rc.x);
    rt_value hx = make_hx(&rc, rc.h0, rc.c0), in[9], out[3];
    padded_args(&rc, x, hx, in);
    int nout = rc.m[0] == 0 ? 3 : 2;
    run_ok(OP_INPUT[rc.m[0]], in, 9, out, nout);
    check(out[0], name, "out");
    check(out[1], name, "hy");
    if (nout == 3)
        check(out[2], name, "cy");
    if (rc.m[3]) { /* batch_first: PyTorch returns a transposed view */
        rt_tensor *o = out[0].u.tensor;
        assert_int_equal(o->strides[0], o->shape[2]);
        assert_int_equal(o->strides[1], o->shape[0] * o->shape[2]);
    }
    release_values(out, nout);
    rt_value_clear(&hx);
    rt_tensor_release(x);
    rnn_free(&rc);
}

static const char *const PADDED[] = {"lstm_uni",  "lstm_bi2_bf", "lstm_nobias", "lstm_proj_bi",
                                     "lstm_f64_bi2", "gru_uni2", "gru_bi_bf",  "gru_f64",
                                     "tanh_bi2",  "relu_bf_nobias", "lstm_b1_long",
                                     "gru_nobias_bi2"};

static void rnn_padded(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof PADDED / sizeof PADDED[0]; i++)
        run_padded(PADDED[i], false);
}

static void rnn_padded_strided_input(void **state)
{
    (void)state;
    run_padded("lstm_uni", true);
    run_padded("gru_bi_bf", true);
    run_padded("tanh_bi2", true);
}

/* ---- packed: unsorted lengths through pack -> rnn.data -> pad ---- */

static void run_packed(const char *name)
{
    rnn_case rc;
    rnn_load(&rc, name);
    bool bf = rc.m[3];
    int bdim = bf ? 0 : 1;
    rt_tensor *lengths = load(name, "lengths"), *sorted = load(name, "sorted");
    int64_t B = lengths->shape[0], T = rc.x->shape[bf ? 1 : 0];
    const int64_t *perm = rt_tensor_data(sorted);
    int64_t inv[64];
    for (int64_t i = 0; i < B; i++)
        inv[perm[i]] = i;
    /* the Python wrapper's sort (enforce_sorted=False) */
    rt_tensor *xs = gather(rc.x, bdim, perm), *ls = gather(lengths, 0, perm);
    rt_value in[9], pk[2], out[3], pad[2];
    in[0] = rt_tensor_value(xs);
    in[1] = rt_tensor_value(ls);
    in[2] = rt_bool(bf);
    run_ok("aten::_pack_padded_sequence", in, 3, pk, 2);
    check(pk[0], name, "packed_data");
    check(pk[1], name, "batch_sizes");

    rt_tensor *h0s = gather(rc.h0, 1, perm), *c0s = rc.c0 ? gather(rc.c0, 1, perm) : NULL;
    rt_value hx = make_hx(&rc, h0s, c0s);
    in[0] = pk[0];
    in[1] = pk[1];
    in[2] = hx;
    in[3] = rc.params;
    in[4] = rt_bool(true);
    in[5] = rt_int(rc.m[1]);
    in[6] = rt_float(0.0);
    in[7] = rt_bool(false);
    in[8] = rt_bool(rc.m[2]);
    int nout = rc.m[0] == 0 ? 3 : 2;
    run_ok(OP_DATA[rc.m[0]], in, 9, out, nout);

    in[0] = out[0];
    in[1] = pk[1];
    in[2] = rt_bool(bf);
    in[3] = rt_float(0.0);
    in[4] = rt_int(T);
    run_ok("aten::_pad_packed_sequence", in, 5, pad, 2);
    /* the Python wrapper's unsort */
    rt_tensor *o = gather(pad[0].u.tensor, bdim, inv), *ol = gather(pad[1].u.tensor, 0, inv);
    rt_tensor *hy = gather(out[1].u.tensor, 1, inv);
    check(rt_tensor_value(o), name, "out");
    check(rt_tensor_value(ol), name, "out_lengths");
    check(rt_tensor_value(hy), name, "hy");
    rt_tensor_release(o);
    rt_tensor_release(ol);
    rt_tensor_release(hy);
    if (nout == 3) {
        rt_tensor *cy = gather(out[2].u.tensor, 1, inv);
        check(rt_tensor_value(cy), name, "cy");
        rt_tensor_release(cy);
    }
    release_values(pad, 2);
    release_values(out, nout);
    release_values(pk, 2);
    rt_value_clear(&hx);
    rt_tensor_release(h0s);
    rt_tensor_release(c0s);
    rt_tensor_release(xs);
    rt_tensor_release(ls);
    rt_tensor_release(lengths);
    rt_tensor_release(sorted);
    rnn_free(&rc);
}

static void rnn_packed(void **state)
{
    (void)state;
    run_packed("pk_lstm_bi_bf");
    run_packed("pk_gru2");
    run_packed("pk_tanh_bi2");
    run_packed("pk_relu_f64");
}

static void rnn_empty_batch(void **state)
{
    (void)state;
    rnn_case rc;
    rnn_load(&rc, "lstm_uni");
    int64_t xs[3] = {5, 0, 4}, hs[3] = {1, 0, 6};
    rt_tensor *x = zeros(RT_F32, 3, xs), *h = zeros(RT_F32, 3, hs);
    rt_value hx = make_hx(&rc, h, h), in[9], out[3];
    padded_args(&rc, x, hx, in);
    run_ok("aten::lstm.input", in, 9, out, 3);
    int64_t want[3] = {5, 0, 6};
    assert_int_equal(out[0].u.tensor->ndim, 3);
    assert_memory_equal(out[0].u.tensor->shape, want, sizeof want);
    assert_memory_equal(out[1].u.tensor->shape, hs, sizeof hs);
    release_values(out, 3);
    rt_value_clear(&hx);
    rt_tensor_release(x);
    rt_tensor_release(h);
    rnn_free(&rc);
}

static void rnn_errors(void **state)
{
    (void)state;
    rnn_case rc;
    rnn_load(&rc, "lstm_uni"); /* T=5, B=3, input 4, hidden 6, 1 layer */
    rt_value in[9];
    int64_t s236[3] = {2, 3, 6}, s135[3] = {1, 3, 5};
    rt_tensor *h2 = zeros(RT_F32, 3, s236), *c5 = zeros(RT_F32, 3, s135);

    rt_value hx = make_hx(&rc, h2, rc.c0);
    padded_args(&rc, rc.x, hx, in);
    run_err("aten::lstm.input", in, 9, 3, "Expected hidden[0] size (1, 3, 6), got [2, 3, 6]");
    rt_value_clear(&hx);

    hx = make_hx(&rc, rc.h0, c5);
    padded_args(&rc, rc.x, hx, in);
    run_err("aten::lstm.input", in, 9, 3, "Expected hidden[1] size (1, 3, 6), got [1, 3, 5]");
    rt_value_clear(&hx);

    hx = tlist(1, &rc.h0);
    padded_args(&rc, rc.x, hx, in);
    run_err("aten::lstm.input", in, 9, 3, "lstm expects two hidden states");
    rt_value_clear(&hx);

    hx = make_hx(&rc, rc.h0, rc.c0);
    int64_t s533[3] = {5, 3, 3}, s53[2] = {5, 3}, s034[3] = {0, 3, 4};
    rt_tensor *x3 = zeros(RT_F32, 3, s533), *x2 = zeros(RT_F32, 2, s53),
              *x0 = zeros(RT_F32, 3, s034), *xd = rt_tensor_to_dtype(rc.x, RT_F64, NULL);
    padded_args(&rc, x3, hx, in);
    run_err("aten::lstm.input", in, 9, 3,
            "input.size(-1) must be equal to input_size. Expected 4, got 3");
    padded_args(&rc, x2, hx, in);
    run_err("aten::lstm.input", in, 9, 3, "input must have 3 dimensions, got 2");
    padded_args(&rc, x0, hx, in);
    run_err("aten::lstm.input", in, 9, 3, "Expected sequence length to be larger than 0 in RNN");
    padded_args(&rc, xd, hx, in);
    run_err("aten::lstm.input", in, 9, 3, "mat1 and mat2 must have the same dtype");

    /* one parameter short */
    rt_list *pl = rc.params.u.list;
    rt_value short_params = tlist(0, NULL);
    for (size_t i = 0; i + 1 < pl->len; i++)
        rt_list_append(short_params.u.list, pl->items[i], NULL);
    padded_args(&rc, rc.x, hx, in);
    in[2] = short_params;
    run_err("aten::lstm.input", in, 9, 3, "got an incorrect number of RNN parameters");
    rt_value_clear(&short_params);

    /* dropout in training mode on a stacked RNN */
    padded_args(&rc, rc.x, hx, in);
    in[4] = rt_int(2);
    in[5] = rt_float(0.5);
    in[6] = rt_bool(true);
    run_err("aten::lstm.input", in, 9, 3, "dropout");
    rt_value_clear(&hx);
    rnn_free(&rc);

    /* GRU: hidden with the wrong batch */
    rnn_load(&rc, "gru_uni2"); /* 2 layers, B=3, hidden 6 */
    int64_t s226[3] = {2, 2, 6};
    rt_tensor *hb = zeros(RT_F32, 3, s226);
    hx = make_hx(&rc, hb, NULL);
    padded_args(&rc, rc.x, hx, in);
    run_err("aten::gru.input", in, 9, 2, "Expected hidden size (2, 3, 6), got [2, 2, 6]");
    rt_value_clear(&hx);
    rnn_free(&rc);

    rt_tensor *all[] = {h2, c5, x3, x2, x0, xd, hb};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        rt_tensor_release(all[i]);
}

/* ---- packing ops ---- */

static void pack_errors(void **state)
{
    (void)state;
    int64_t s432[3] = {4, 3, 2}, s032[3] = {0, 3, 2}, s3 = 3, s2 = 2, s4 = 4;
    rt_tensor *x = zeros(RT_F32, 3, s432), *xe = zeros(RT_F32, 3, s032);
    int64_t unsorted[3] = {2, 4, 1}, zero[3] = {4, 2, 0}, ok[3] = {4, 2, 1};
    rt_tensor *lu = ts_tensor_i64(1, &s3, unsorted), *lz = ts_tensor_i64(1, &s3, zero),
              *lo = ts_tensor_i64(1, &s3, ok), *l2 = ts_tensor_i64(1, &s2, ok);
    rt_err e;
    rt_tensor *lf = rt_tensor_to_dtype(lo, RT_F32, &e), *li = rt_tensor_to_dtype(lo, RT_I32, &e);
    rt_value in[5];
    in[0] = rt_tensor_value(x);
    in[2] = rt_bool(false);
    in[1] = rt_tensor_value(lu);
    run_err("aten::_pack_padded_sequence", in, 3, 2,
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True");
    in[1] = rt_tensor_value(lz);
    run_err("aten::_pack_padded_sequence", in, 3, 2,
            "Length of all samples has to be greater than 0");
    in[1] = rt_tensor_value(lf);
    run_err("aten::_pack_padded_sequence", in, 3, 2,
            "'lengths' argument should be a 1D CPU int64 tensor, but got 1D cpu Float tensor");
    in[1] = rt_tensor_value(li);
    run_err("aten::_pack_padded_sequence", in, 3, 2,
            "'lengths' argument should be a 1D CPU int64 tensor, but got 1D cpu Int tensor");
    in[1] = rt_tensor_value(l2);
    run_err("aten::_pack_padded_sequence", in, 3, 2,
            "Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)");
    in[0] = rt_tensor_value(xe);
    in[1] = rt_tensor_value(lo);
    run_err("aten::_pack_padded_sequence", in, 3, 2, "Cannot pack empty tensors.");

    /* _pad_packed_sequence: total_length shorter than the longest sequence */
    int64_t bsv[4] = {3, 2, 1, 1}, s72[2] = {7, 2};
    rt_tensor *bs = ts_tensor_i64(1, &s4, bsv), *data = zeros(RT_F32, 2, s72);
    in[0] = rt_tensor_value(data);
    in[1] = rt_tensor_value(bs);
    in[2] = rt_bool(false);
    in[3] = rt_float(0.0);
    in[4] = rt_int(2);
    run_err("aten::_pad_packed_sequence", in, 5, 2,
            "Expected total_length to be at least the length of the longest sequence in input, "
            "but got total_length=2 and max sequence length being 4");

    /* pad_sequence */
    rt_value empty = tlist(0, NULL);
    in[0] = empty;
    in[1] = rt_bool(false);
    in[2] = rt_float(0.0);
    run_err("aten::pad_sequence", in, 3, 1, "received an empty list of sequences");
    rt_value_clear(&empty);
    int64_t s32[2] = {3, 2}, s23[2] = {2, 3};
    rt_tensor *a = zeros(RT_F32, 2, s32), *b = zeros(RT_F32, 2, s23);
    rt_tensor *ab[2] = {a, b};
    rt_value l = tlist(2, ab);
    in[0] = l;
    run_err("aten::pad_sequence", in, 3, 1,
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
            "dimension 1");
    rt_value_clear(&l);
    rt_tensor *sc = rt_tensor_scalar_f64(1.0, RT_F32, &e);
    rt_tensor *sa[2] = {sc, a};
    l = tlist(2, sa);
    in[0] = l;
    run_err("aten::pad_sequence", in, 3, 1,
            "Dimension specified as 0 but tensor has no dimensions");
    rt_value_clear(&l);

    rt_tensor *all[] = {x, xe, lu, lz, lo, l2, lf, li, bs, data, a, b, sc};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        rt_tensor_release(all[i]);
}

static void pad_sequence_ref(void **state)
{
    (void)state;
    rt_tensor *s[3] = {load("padseq", "s0"), load("padseq", "s1"), load("padseq", "s2")};
    rt_value l = tlist(3, s), in[3] = {l, rt_bool(false), rt_float(0.0)}, out[1];
    run_ok("aten::pad_sequence", in, 3, out, 1);
    check(out[0], "padseq", "tf");
    release_values(out, 1);
    in[1] = rt_bool(true);
    in[2] = rt_float(1.5);
    run_ok("aten::pad_sequence", in, 3, out, 1);
    check(out[0], "padseq", "bf");
    release_values(out, 1);
    rt_value_clear(&l);
    /* int64 sequences: the float padding is truncated to the dtype */
    rt_tensor *is[2] = {load("padseq", "i0"), load("padseq", "i1")};
    l = tlist(2, is);
    in[0] = l;
    in[2] = rt_float(-2.7);
    run_ok("aten::pad_sequence", in, 3, out, 1);
    check(out[0], "padseq", "int_bf");
    release_values(out, 1);
    rt_value_clear(&l);
    /* trailing dims broadcast like copy_: [2, 1] into a [2, 2] slot */
    int64_t s32[2] = {3, 2}, s21[2] = {2, 1};
    float a[6] = {1, 2, 3, 4, 5, 6}, b[2] = {7, 8};
    rt_tensor *ta = ts_tensor_f32(2, s32, a), *tb = ts_tensor_f32(2, s21, b);
    rt_tensor *ab[2] = {ta, tb};
    l = tlist(2, ab);
    in[0] = l;
    in[2] = rt_float(0.0);
    run_ok("aten::pad_sequence", in, 3, out, 1);
    const float want[12] = {1, 2, 3, 4, 5, 6, 7, 7, 8, 8, 0, 0};
    int64_t ws[3] = {2, 3, 2};
    rt_tensor *tw = ts_tensor_f32(3, ws, want);
    ts_assert_close(out[0].u.tensor, tw, 0, 0, "pad_sequence broadcast");
    release_values(out, 1);
    rt_value_clear(&l);
    rt_tensor *all[] = {s[0], s[1], s[2], is[0], is[1], ta, tb, tw};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        rt_tensor_release(all[i]);
}

static void pad_packed_ref(void **state)
{
    (void)state;
    rt_tensor *data = load("padpacked", "data"), *bs = load("padpacked", "bs");
    rt_value in[5] = {rt_tensor_value(data), rt_tensor_value(bs), rt_bool(true), rt_float(-1.0),
                      rt_int(6)},
             out[2];
    run_ok("aten::_pad_packed_sequence", in, 5, out, 2);
    check(out[0], "padpacked", "bf_out");
    check(out[1], "padpacked", "lengths");
    assert_false(rt_tensor_is_contiguous(out[0].u.tensor)); /* transposed like PyTorch */
    release_values(out, 2);
    in[2] = rt_bool(false);
    in[3] = rt_float(0.5);
    in[4] = rt_int(0);
    run_ok("aten::_pad_packed_sequence", in, 5, out, 2);
    check(out[0], "padpacked", "tf_out");
    check(out[1], "padpacked", "lengths");
    release_values(out, 2);
    rt_tensor_release(data);
    rt_tensor_release(bs);
}

/* ---- attention ---- */

static void run_mha(const char *name)
{
    rt_tensor *mt;
    int64_t *m = meta_of(name, &mt); /* E, H, need_weights, average, mask_type, has_mask, same */
    rt_tensor *q = load(name, "q");
    rt_tensor *k = m[6] ? (rt_tensor_retain(q), q) : load(name, "k");
    rt_tensor *v = m[6] ? (rt_tensor_retain(q), q) : load(name, "v");
    rt_tensor *w = load(name, "w"), *b = load(name, "b"), *pw = load(name, "pw"),
              *pb = load(name, "pb"), *mask = m[5] ? load(name, "mask") : NULL;
    rt_value in[13] = {rt_tensor_value(q),  rt_tensor_value(k),  rt_tensor_value(v),
                       rt_int(m[0]),        rt_int(m[1]),        rt_tensor_value(w),
                       rt_tensor_value(b),  rt_tensor_value(pw), rt_tensor_value(pb),
                       mask ? rt_tensor_value(mask) : rt_none(),
                       rt_bool(m[2]),       rt_bool(m[3]),
                       m[4] < 0 ? rt_none() : rt_int(m[4])},
             out[2];
    run_ok("aten::_native_multi_head_attention", in, 13, out, 2);
    check(out[0], name, "out");
    if (has(name, "weights"))
        check(out[1], name, "weights");
    else
        assert_int_equal(out[1].kind, RT_NONE);
    release_values(out, 2);
    rt_tensor *all[] = {mt, q, k, v, w, b, pw, pb, mask};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        rt_tensor_release(all[i]);
}

static void mha_ref(void **state)
{
    (void)state;
    run_mha("mha_self");
    run_mha("mha_cross");
    run_mha("mha_kpm");
    run_mha("mha_kpm_noweights");
    run_mha("mha_full");
    run_mha("mha_f64");
}

static void run_enc(const char *name, bool strided)
{
    rt_tensor *mt;
    int64_t *m = meta_of(name, &mt); /* E, H, gelu, norm_first, mask_type, has_mask */
    rt_tensor *src = load(name, "src"), *p[12];
    for (int i = 0; i < 12; i++) {
        char w[8];
        snprintf(w, sizeof w, "p%d", i);
        p[i] = load(name, w);
    }
    rt_tensor *x = strided ? noncontig(src) : (rt_tensor_retain(src), src);
    rt_tensor *mask = m[5] ? load(name, "mask") : NULL;
    rt_value in[20] = {rt_tensor_value(x), rt_int(m[0]), rt_int(m[1])};
    for (int i = 0; i < 4; i++)
        in[3 + i] = rt_tensor_value(p[i]);
    in[7] = rt_bool(m[2]);
    in[8] = rt_bool(m[3]);
    in[9] = rt_float(1e-5);
    for (int i = 4; i < 12; i++)
        in[6 + i] = rt_tensor_value(p[i]);
    in[18] = mask ? rt_tensor_value(mask) : rt_none();
    in[19] = m[4] < 0 ? rt_none() : rt_int(m[4]);
    rt_value out[1];
    run_ok("aten::_transformer_encoder_layer_fwd", in, 20, out, 1);
    check(out[0], name, "out");
    release_values(out, 1);
    for (int i = 0; i < 12; i++)
        rt_tensor_release(p[i]);
    rt_tensor_release(x);
    rt_tensor_release(src);
    rt_tensor_release(mask);
    rt_tensor_release(mt);
}

static void encoder_ref(void **state)
{
    (void)state;
    run_enc("enc_relu", false);
    run_enc("enc_relu", true);
    run_enc("enc_relu_kpm", false);
    run_enc("enc_gelu_nf", false);
    run_enc("enc_f64_nf", false);
}

static void attention_errors(void **state)
{
    (void)state;
    rt_tensor *q = load("mha_self", "q"), *w = load("mha_self", "w"), *b = load("mha_self", "b"),
              *pw = load("mha_self", "pw"), *pb = load("mha_self", "pb"),
              *kpm = load("mha_kpm", "mask"); /* B=2, T=5, E=8 */
    int64_t s4[4] = {2, 2, 5, 4}, s2[2] = {3, 5};
    rt_tensor *bad4 = zeros(RT_BOOL_, 4, s4), *bad2 = zeros(RT_BOOL_, 2, s2);
    rt_err e;
    rt_tensor *qd = rt_tensor_to_dtype(q, RT_F64, &e);
    rt_value in[13] = {rt_tensor_value(q),  rt_tensor_value(q),  rt_tensor_value(q),
                       rt_int(8),           rt_int(2),           rt_tensor_value(w),
                       rt_tensor_value(b),  rt_tensor_value(pw), rt_tensor_value(pb),
                       rt_none(),           rt_bool(true),       rt_bool(true),
                       rt_none()};
    const char *op = "aten::_native_multi_head_attention";
    in[3] = rt_int(6);
    run_err(op, in, 13, 2, "passed-in embed_dim 6 didn't match last dim of query 8");
    in[3] = rt_int(8);
    in[4] = rt_int(3);
    run_err(op, in, 13, 2, "`embed_dim` must divide evenly by `num_heads`");
    in[4] = rt_int(2);
    in[9] = rt_tensor_value(kpm);
    run_err(op, in, 13, 2, "Mask Type should be defined");
    in[12] = rt_int(0);
    run_err(op, in, 13, 2, "src_mask not currently supported on CPU");
    in[12] = rt_int(5);
    run_err(op, in, 13, 2,
            "Mask Type should be 0 (src_mask) or 1 (src_key_padding_mask), or 2 (default_mask)");
    in[12] = rt_int(2);
    in[9] = rt_tensor_value(bad4);
    run_err(op, in, 13, 2, "Mask shape should match input shape");
    in[9] = rt_tensor_value(bad2);
    in[12] = rt_int(1);
    run_err(op, in, 13, 2,
            "Expected attn_mask->sizes()[0] == batch_size to be true, but got false.");
    in[9] = rt_none();
    in[12] = rt_none();
    in[0] = rt_tensor_value(qd);
    run_err(op, in, 13, 2, "expected scalar type Double but found Float");
    in[0] = in[1] = in[2] = rt_tensor_value(bad2);
    run_err(op, in, 13, 2, "expected 3-D `query`, got 2-D tensor");
    rt_tensor *all[] = {q, w, b, pw, pb, kpm, bad4, bad2, qd};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        rt_tensor_release(all[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rnn_padded),       cmocka_unit_test(rnn_padded_strided_input),
        cmocka_unit_test(rnn_packed),       cmocka_unit_test(rnn_empty_batch),
        cmocka_unit_test(rnn_errors),       cmocka_unit_test(pack_errors),
        cmocka_unit_test(pad_sequence_ref), cmocka_unit_test(pad_packed_ref),
        cmocka_unit_test(mha_ref),          cmocka_unit_test(encoder_ref),
        cmocka_unit_test(attention_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
