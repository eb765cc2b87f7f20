/*
 * test_cg_jit.c — the code generator on graphs written in the IR text
 * form, always against the interpreter: fused elementwise chains (every
 * emitter, broadcasting, dtypes, scalars, NaN/inf), guards, If and Loop,
 * errors raised in compiled code, the arena, the cache (hits, eviction),
 * concurrent callers, and the accuracy of the vector math.
 */
#include "support.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "ir.h"
#include "rt_interp.h"

typedef struct fixture {
    ir_graph *g;
    ir_func fn;
    cg_method *m;
} fixture;

static void fx_open_threshold(fixture *f, const char *text, int cache, int threshold)
{
    rt_err e;
    rt_err_clear(&e);
    memset(f, 0, sizeof *f);
    f->g = ir_parse(text, NULL, &e);
    if (!f->g)
        fail_msg("parse: %s\n%s", e.msg, text);
    f->fn.qualname = "test.forward";
    f->fn.name = "forward";
    f->fn.graph = f->g;
    f->fn.nargs = f->g->blocks[0].nparams;
    f->m = cg_method_new(&f->fn, rt_none(), cache, threshold, &e);
    assert_non_null(f->m);
}

/* Compiles at the first call, so every call below tests compiled code. */
static void fx_open(fixture *f, const char *text, int cache)
{
    fx_open_threshold(f, text, cache, 1);
}

static void fx_close(fixture *f)
{
    cg_method_free(f->m);
    ir_graph_free(f->g);
}

static void expect_same(rt_value got, rt_value want, const char *what)
{
    assert_int_equal(got.kind, want.kind);
    if (got.kind == RT_TENSOR) {
        ts_assert_close(got.u.tensor, want.u.tensor, 1e-5, 1e-6, what);
    } else if (got.kind == RT_TUPLE || got.kind == RT_LIST) {
        assert_int_equal(got.u.list->len, want.u.list->len);
        for (size_t i = 0; i < got.u.list->len; i++)
            expect_same(got.u.list->items[i], want.u.list->items[i], what);
    } else if (got.kind == RT_FLOAT) {
        assert_true(fabs(got.u.f - want.u.f) <= 1e-9 + 1e-6 * fabs(want.u.f));
    } else {
        assert_true(rt_value_equal(got, want));
    }
}

/* Runs f on args with the interpreter and the JIT (twice: compile, hit)
 * and compares; returns the JIT's status. */
static int run_both(fixture *f, rt_value *args, int nargs, const char *what)
{
    rt_interp_opts io = {.threads = 1};
    rt_value want = rt_none();
    rt_err ie, je;
    rt_err_clear(&ie);
    int irc = rt_interp_run(f->g, args, nargs, &want, 1, &io, &ie);
    int jrc = 0;
    for (int k = 0; k < 2; k++) {
        rt_value got = rt_none();
        rt_err_clear(&je);
        jrc = cg_method_call(f->m, args, nargs, &got, &io, &je);
        if (irc != jrc)
            fail_msg("%s: interpreter %d (%s) vs jit %d (%s)", what, irc, ie.msg, jrc, je.msg);
        if (irc)
            assert_string_equal(ie.msg, je.msg);
        else
            expect_same(got, want, what);
        rt_value_release(got);
    }
    rt_value_release(want);
    return jrc;
}

static char *describe(fixture *f, rt_value *args, int nargs)
{
    rt_err e;
    rt_err_clear(&e);
    char *t = NULL;
    assert_int_equal(cg_method_describe(f->m, args, nargs, &t, &e), 0);
    return t;
}

/* Values across the interesting range, with NaN, inf and zeros. */
static rt_tensor *probe_f32(int ndim, const int64_t *shape, uint32_t seed)
{
    rt_err e;
    rt_tensor *t = rt_tensor_empty(RT_F32, ndim, shape, &e);
    float *p = rt_tensor_data(t);
    int64_t n = rt_tensor_numel(t);
    static const float special[] = {0.0f, -0.0f, NAN, INFINITY, -INFINITY, 88.5f, -88.5f,
                                    100.0f, -100.0f, 1e-5f, -1e-5f, 7.9f, -7.9f, 3.0f, -3.0f};
    for (int64_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        float r = (float)((seed >> 8) / 16777216.0 * 2.0 - 1.0);
        p[i] = i < 15 ? special[i] : r * (i % 3 == 0 ? 12.0f : 3.0f);
    }
    return t;
}

/* ---- elementwise: every emitter ------------------------------------------------ */

static const char *unary_graphs[] = {
    "aten::relu(%x)", "aten::sigmoid(%x)", "aten::tanh(%x)", "aten::exp(%x)",
    "aten::neg(%x)", "aten::abs(%x)", "aten::square(%x)", "aten::sqrt(%x)",
    "aten::rsqrt(%x)", "aten::reciprocal(%x)", "aten::erf(%x)", "aten::relu6(%x)",
    "aten::silu(%x)", "aten::hardswish(%x)", "aten::hardsigmoid(%x)",
};

static void test_unary_ops(void **state)
{
    (void)state;
    int64_t shape[2] = {7, 33};
    rt_tensor *x = probe_f32(2, shape, 7);
    for (size_t i = 0; i < sizeof unary_graphs / sizeof *unary_graphs; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "graph(%%x : Tensor):\n  %%y : Tensor = %s\n  return (%%y)\n", unary_graphs[i]);
        fixture f;
        fx_open(&f, text, 4);
        rt_value a = rt_tensor_value(x);
        run_both(&f, &a, 1, unary_graphs[i]);
        char *d = describe(&f, &a, 1);
        if (!strstr(d, "1 fused into 1 loop"))
            fail_msg("%s not fused:\n%s", unary_graphs[i], d);
        free(d);
        fx_close(&f);
    }
    rt_tensor_release(x);
}

static void test_activations_with_args(void **state)
{
    (void)state;
    const char *ops[] = {
        "%c1 : float = prim::Constant[value=0.2]()\n  %y : Tensor = aten::leaky_relu(%x, %c1)",
        "%c1 : float = prim::Constant[value=-0.5]()\n  %c2 : float = prim::Constant[value=2.0]()\n"
        "  %y : Tensor = aten::hardtanh(%x, %c1, %c2)",
        "%c1 : float = prim::Constant[value=-1.5]()\n  %c2 : NoneType = prim::Constant()\n"
        "  %y : Tensor = aten::clamp(%x, %c1, %c2)",
        "%c1 : NoneType = prim::Constant()\n  %c2 : float = prim::Constant[value=2.5]()\n"
        "  %y : Tensor = aten::clamp(%x, %c1, %c2)",
        "%c1 : int = prim::Constant[value=1]()\n  %y : Tensor = aten::clamp_min(%x, %c1)",
        "%c1 : str = prim::Constant[value=\"none\"]()\n  %y : Tensor = aten::gelu(%x, %c1)",
        "%c1 : str = prim::Constant[value=\"tanh\"]()\n  %y : Tensor = aten::gelu(%x, %c1)",
        "%c1 : float = prim::Constant[value=1.0]()\n  %c2 : float = prim::Constant[value=1.0]()\n"
        "  %c3 : float = prim::Constant[value=1.0]()\n  %y : Tensor = aten::elu(%x, %c1, %c2, %c3)",
    };
    int64_t shape[1] = {301};
    rt_tensor *x = probe_f32(1, shape, 3);
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        char text[1024];
        snprintf(text, sizeof text, "graph(%%x : Tensor):\n  %s\n  return (%%y)\n", ops[i]);
        fixture f;
        fx_open(&f, text, 4);
        rt_value a = rt_tensor_value(x);
        run_both(&f, &a, 1, ops[i]);
        char *d = describe(&f, &a, 1);
        if (!strstr(d, "1 fused into 1 loop"))
            fail_msg("not fused:\n%s", d);
        free(d);
        fx_close(&f);
    }
    rt_tensor_release(x);
}

/* A chain with broadcasting, a runtime float, an int constant, and a
 * comparison feeding where: one loop. */
static void test_chain_broadcast(void **state)
{
    (void)state;
    const char *text =
        "graph(%x : Tensor, %b : Tensor, %s : float):\n"
        "  %one : int = prim::Constant[value=1]()\n"
        "  %two : float = prim::Constant[value=2.5]()\n"
        "  %a : Tensor = aten::mul.Tensor(%x, %b)\n"
        "  %c : Tensor = aten::add.Scalar(%a, %s, %two)\n"
        "  %d : Tensor = aten::sigmoid(%c)\n"
        "  %z : int = prim::Constant[value=0]()\n"
        "  %m : Tensor = aten::gt.Scalar(%c, %z)\n"
        "  %e : Tensor = aten::where.self(%m, %d, %x)\n"
        "  %f : Tensor = aten::sub.Tensor(%e, %b, %one)\n"
        "  %t : Tuple[Tensor, Tensor] = prim::TupleConstruct(%f, %m)\n"
        "  return (%t)\n";
    fixture f;
    fx_open(&f, text, 4);
    int64_t sx[3] = {4, 3, 17}, sb[2] = {3, 1};
    rt_tensor *x = probe_f32(3, sx, 1), *b = probe_f32(2, sb, 2);
    float *bp = rt_tensor_data(b);
    bp[0] = 0.5f, bp[1] = -2.0f, bp[2] = 1.5f; /* finite */
    rt_value args[3] = {rt_tensor_value(x), rt_tensor_value(b), rt_float(-0.75)};
    run_both(&f, args, 3, "chain");
    char *d = describe(&f, args, 3);
    if (!strstr(d, "fused into 1 loop"))
        fail_msg("chain not one loop:\n%s", d);
    free(d);
    /* another float value: same signature, same code */
    args[2] = rt_float(3.25);
    run_both(&f, args, 3, "chain 2");
    cg_stats st;
    cg_method_stats(f.m, &st);
    assert_int_equal(st.compiles, 1);
    fx_close(&f);
    rt_tensor_release(x);
    rt_tensor_release(b);
}

/* Tiering: with threshold 3 the first two calls of a signature run in the
 * interpreter, the third compiles it, later ones hit; another signature
 * starts warming up afresh; results agree throughout. */
static void test_threshold(void **state)
{
    (void)state;
    const char *text = "graph(%x : Tensor):\n"
                       "  %a : Tensor = aten::tanh(%x)\n"
                       "  %b : Tensor = aten::mul.Tensor(%a, %x)\n"
                       "  return (%b)\n";
    fixture f;
    fx_open_threshold(&f, text, 4, 3);
    int64_t s1[2] = {5, 7}, s2[1] = {33};
    rt_tensor *x = probe_f32(2, s1, 3), *y = probe_f32(1, s2, 4);
    rt_value a1[1] = {rt_tensor_value(x)}, a2[1] = {rt_tensor_value(y)};
    cg_stats st;
    run_both(&f, a1, 1, "warming"); /* calls 1 and 2: interpreter */
    cg_method_stats(f.m, &st);
    assert_int_equal(st.compiles, 0);
    assert_int_equal(st.warmup_calls, 2);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.entries, 1);
    char *c = NULL;
    rt_err e;
    rt_err_clear(&e);
    assert_int_equal(cg_method_cache_describe(f.m, &c, &e), 0);
    if (!strstr(c, "warming up (interpreter): 2 of 3"))
        fail_msg("cache text:\n%s", c);
    free(c);
    run_both(&f, a1, 1, "promoted"); /* call 3 compiles, call 4 hits */
    cg_method_stats(f.m, &st);
    assert_int_equal(st.compiles, 1);
    assert_int_equal(st.warmup_calls, 2);
    assert_int_equal(st.interp_calls, 2);
    assert_int_equal(st.entries, 1);
    run_both(&f, a2, 1, "second signature");
    cg_method_stats(f.m, &st);
    assert_int_equal(st.compiles, 1);
    assert_int_equal(st.misses, 2);
    assert_int_equal(st.entries, 2);
    /* lowered to 1 on the fly: the next call of the warming signature compiles */
    cg_method_set_threshold(f.m, 1);
    run_both(&f, a2, 1, "threshold 1");
    cg_method_stats(f.m, &st);
    assert_int_equal(st.compiles, 2);
    assert_int_equal(st.warmup_calls, 4);
    assert_int_equal(st.entries, 2);
    fx_close(&f);
    rt_tensor_release(x);
    rt_tensor_release(y);
}

/* int64 and bool tensors, 0-dim operands, type promotion, to(). */
static void test_dtypes(void **state)
{
    (void)state;
    const char *text =
        "graph(%x : Tensor, %i : Tensor, %z : Tensor):\n"
        "  %one : int = prim::Constant[value=1]()\n"
        "  %three : int = prim::Constant[value=3]()\n"
        "  %a : Tensor = aten::add.Tensor(%i, %i, %three)\n"
        "  %b : Tensor = aten::mul.Tensor(%x, %a)\n"
        "  %c : Tensor = aten::add.Tensor(%b, %z, %one)\n"
        "  %d : Tensor = aten::div.Tensor(%a, %i)\n"
        "  %e : Tensor = aten::eq.Tensor(%a, %i)\n"
        "  %f : Tensor = aten::logical_not(%e)\n"
        "  %dt : int = prim::Constant[value=4]()\n"
        "  %no : bool = prim::Constant[value=False]()\n"
        "  %nn : NoneType = prim::Constant()\n"
        "  %g : Tensor = aten::to.dtype(%c, %dt, %no, %no, %nn)\n"
        "  %t : Tuple[Tensor, Tensor, Tensor, Tensor, Tensor] = prim::TupleConstruct(%c, %d, %e, %f, %g)\n"
        "  return (%t)\n";
    fixture f;
    fx_open(&f, text, 4);
    int64_t s[2] = {3, 4};
    float xd[12] = {1.5f, -2, 3, 4, 5, 6.25f, -7, 8, 9, 10, 11, -12};
    int64_t id[12] = {1, -2, 3, 0, 5, 6, 7, -8, 9, 10, 11, 12};
    rt_tensor *x = ts_tensor_f32(2, s, xd), *i = ts_tensor_i64(2, s, id);
    rt_err e;
    rt_tensor *z = rt_tensor_scalar_f64(0.5, RT_F64, &e); /* 0-dim f64: does not promote */
    rt_value args[3] = {rt_tensor_value(x), rt_tensor_value(i), rt_tensor_value(z)};
    run_both(&f, args, 3, "dtypes");
    fx_close(&f);
    rt_tensor_release(x);
    rt_tensor_release(i);
    rt_tensor_release(z);
}

/* Two loops that differ only in an operand's rank (0-dim does not
 * promote, [1] does): they must not share a kernel. */
static void test_kernel_keys(void **state)
{
    (void)state;
    const char *text =
        "graph(%x : Tensor, %z0 : Tensor, %z1 : Tensor):\n"
        "  %a : Tensor = aten::eq.Tensor(%x, %z0)\n"
        "  %nn : NoneType = prim::Constant()\n"
        "  %s : Tensor = aten::sum(%a, %nn)\n"
        "  %b : Tensor = aten::eq.Tensor(%x, %z1)\n"
        "  %t : Tuple[Tensor, Tensor, Tensor] = prim::TupleConstruct(%a, %s, %b)\n"
        "  return (%t)\n";
    fixture f;
    fx_open(&f, text, 4);
    int64_t s1[1] = {3}, one[1] = {1};
    float xd[3] = {0.1f, 0.25f, 1.0f / 3.0f};
    rt_err e;
    rt_tensor *x = ts_tensor_f32(1, s1, xd);
    rt_tensor *z0 = rt_tensor_scalar_f64(0.1, RT_F64, &e);
    rt_tensor *z1 = rt_tensor_empty(RT_F64, 1, one, &e);
    *(double *)rt_tensor_data(z1) = 0.1;
    rt_value args[3] = {rt_tensor_value(x), rt_tensor_value(z0), rt_tensor_value(z1)};
    run_both(&f, args, 3, "kernel keys");
    fx_close(&f);
    rt_tensor_release(x);
    rt_tensor_release(z0);
    rt_tensor_release(z1);
}

/* A kernel's output feeds a fused loop: guarded; a strided argument is
 * not fused but still right. */
static void test_guard_and_strided(void **state)
{
    (void)state;
    const char *text =
        "graph(%x : Tensor, %w : Tensor):\n"
        "  %n : NoneType = prim::Constant()\n"
        "  %h : Tensor = aten::linear(%x, %w, %n)\n"
        "  %r : Tensor = aten::relu(%h)\n"
        "  %s : Tensor = aten::tanh(%r)\n"
        "  return (%s)\n";
    fixture f;
    fx_open(&f, text, 4);
    int64_t sx[2] = {3, 8}, sw[2] = {5, 8};
    rt_tensor *x = probe_f32(2, sx, 11), *w = probe_f32(2, sw, 12);
    float *xp = rt_tensor_data(x);
    for (int k = 0; k < 24; k++)
        if (!isfinite(xp[k]) || fabsf(xp[k]) > 50)
            xp[k] = 0.5f;
    rt_value args[2] = {rt_tensor_value(x), rt_tensor_value(w)};
    run_both(&f, args, 2, "linear+relu");
    char *d = describe(&f, args, 2);
    if (!strstr(d, "guarded"))
        fail_msg("expected a guarded group:\n%s", d);
    free(d);
    /* a transposed (strided) x */
    rt_err e;
    int64_t st[2] = {1, 3}, sh[2] = {8, 3};
    rt_tensor *xt = rt_tensor_view(x->storage, RT_F32, 2, sh, st, 0, &e);
    const char *t2 = "graph(%x : Tensor):\n  %y : Tensor = aten::exp(%x)\n  return (%y)\n";
    fixture g;
    fx_open(&g, t2, 4);
    rt_value a = rt_tensor_value(xt);
    run_both(&g, &a, 1, "strided exp");
    fx_close(&g);
    rt_tensor_release(xt);
    fx_close(&f);
    rt_tensor_release(x);
    rt_tensor_release(w);
}

/* Two groups of different shapes: the first one's result lives in the
 * arena. */
static void test_arena(void **state)
{
    (void)state;
    const char *text =
        "graph(%x : Tensor, %w : Tensor):\n"
        "  %two : int = prim::Constant[value=2]()\n"
        "  %a : Tensor = aten::mul.Scalar(%x, %two)\n"
        "  %b : Tensor = aten::tanh(%a)\n"
        "  %n : NoneType = prim::Constant()\n"
        "  %h : Tensor = aten::linear(%w, %w, %n)\n"
        "  %c : Tensor = aten::mul.Tensor(%b, %w)\n"
        "  %d : Tensor = aten::exp(%c)\n"
        "  %t : Tuple[Tensor, Tensor] = prim::TupleConstruct(%d, %h)\n"
        "  return (%t)\n";
    fixture f;
    fx_open(&f, text, 4);
    int64_t sx[1] = {6}, sw[2] = {6, 6};
    rt_tensor *x = probe_f32(1, sx, 5), *w = probe_f32(2, sw, 6);
    float *wp = rt_tensor_data(w);
    for (int k = 0; k < 36; k++)
        wp[k] = (float)(k % 7) * 0.25f - 0.75f;
    rt_value args[2] = {rt_tensor_value(x), rt_tensor_value(w)};
    run_both(&f, args, 2, "arena");
    char *d = describe(&f, args, 2);
    if (!strstr(d, "-> arena+0") || strstr(d, "arena: 0 bytes"))
        fail_msg("expected an arena buffer:\n%s", d);
    free(d);
    fx_close(&f);
    rt_tensor_release(x);
    rt_tensor_release(w);
}

/* ---- control flow ---------------------------------------------------------------- */

static void test_if_loop(void **state)
{
    (void)state;
    /* data-dependent If inside a loop with a dynamic trip count; carried
     * tensor changes shape (cat): its metadata is unknown in the body */
    const char *text =
        "graph(%x : Tensor, %n : int, %k : Tensor):\n"
        "  %true : bool = prim::Constant[value=True]()\n"
        "  %zero : int = prim::Constant[value=0]()\n"
        "  %one : int = prim::Constant[value=1]()\n"
        "  %nn : NoneType = prim::Constant()\n"
        "  %m : int = aten::Int.Tensor(%k)\n"
        "  %y : Tensor, %z : Tensor = prim::Loop(%m, %true, %x, %x)\n"
        "    block0(%i : int, %y.1 : Tensor, %z.1 : Tensor):\n"
        "      %s : Tensor = aten::sum(%y.1, %nn)\n"
        "      %p : Tensor = aten::gt.Scalar(%s, %zero)\n"
        "      %b : bool = aten::Bool.Tensor(%p)\n"
        "      %y.2 : Tensor = prim::If(%b)\n"
        "        block0():\n"
        "          %u : Tensor = aten::sub.Scalar(%y.1, %one, %one)\n"
        "          -> (%u)\n"
        "        block1():\n"
        "          %v : Tensor = aten::tanh(%y.1)\n"
        "          %w : Tensor = aten::add.Scalar(%v, %n, %one)\n"
        "          -> (%w)\n"
        "      %l : Tensor[] = prim::ListConstruct(%z.1, %y.2)\n"
        "      %z.2 : Tensor = aten::cat(%l, %zero)\n"
        "      %c : bool = aten::lt.int(%i, %n)\n"
        "      -> (%c, %y.2, %z.2)\n"
        "  %t : Tuple[Tensor, Tensor] = prim::TupleConstruct(%y, %z)\n"
        "  return (%t)\n";
    fixture f;
    fx_open(&f, text, 4);
    int64_t s[2] = {2, 3};
    float xd[6] = {0.5f, -1, 2, 0.25f, 3, -0.5f};
    rt_tensor *x = ts_tensor_f32(2, s, xd);
    rt_err e;
    for (int trips = 0; trips < 5; trips++)
        for (int n = 0; n < 3; n++) {
            rt_tensor *k = rt_tensor_scalar_i64(trips, RT_I64, &e);
            rt_value args[3] = {rt_tensor_value(x), rt_int(n), rt_tensor_value(k)};
            run_both(&f, args, 3, "if/loop");
            rt_tensor_release(k);
        }
    fx_close(&f);
    rt_tensor_release(x);
}

static void test_errors(void **state)
{
    (void)state;
    const char *text =
        "graph(%x : Tensor, %y : Tensor):\n"
        "  %msg : str = prim::Constant[value=\"x must be positive\"]()\n"
        "  %cls : str = prim::Constant[value=\"builtins.ValueError\"]()\n"
        "  %nn : NoneType = prim::Constant()\n"
        "  %s : Tensor = aten::sum(%x, %nn)\n"
        "  %zero : int = prim::Constant[value=0]()\n"
        "  %p : Tensor = aten::lt.Scalar(%s, %zero)\n"
        "  %b : bool = aten::Bool.Tensor(%p)\n"
        "   = prim::If(%b)  # code/__torch__/m.py:3:4\n"
        "    block0():\n"
        "       = prim::RaiseException(%msg, %cls)  # code/__torch__/m.py:4:8\n"
        "      -> ()\n"
        "    block1():\n"
        "      -> ()\n"
        "  %one : int = prim::Constant[value=1]()\n"
        "  %r : Tensor = aten::add.Tensor(%x, %y, %one)  # code/__torch__/m.py:5:11\n"
        "  return (%r)\n";
    fixture f;
    fx_open(&f, text, 4);
    int64_t s[1] = {3}, s2[1] = {4};
    float a[3] = {1, 2, 3}, b[3] = {-5, -6, -7}, c[4] = {1, 2, 3, 4};
    rt_tensor *x = ts_tensor_f32(1, s, a), *xn = ts_tensor_f32(1, s, b);
    rt_tensor *y = ts_tensor_f32(1, s2, c);
    rt_value args[2] = {rt_tensor_value(xn), rt_tensor_value(x)};
    assert_int_equal(run_both(&f, args, 2, "raise"), -1);
    args[0] = rt_tensor_value(x);
    assert_int_equal(run_both(&f, args, 2, "ok"), 0);
    args[1] = rt_tensor_value(y); /* shape error inside the kernel / guard */
    assert_int_equal(run_both(&f, args, 2, "broadcast error"), -1);
    fx_close(&f);
    rt_tensor_release(x);
    rt_tensor_release(xn);
    rt_tensor_release(y);
}

/* ---- cache ------------------------------------------------------------------------ */

static void test_cache_eviction(void **state)
{
    (void)state;
    const char *text = "graph(%x : Tensor, %n : int):\n"
                       "  %one : int = prim::Constant[value=1]()\n"
                       "  %y : Tensor = aten::add.Scalar(%x, %n, %one)\n"
                       "  return (%y)\n";
    fixture f;
    fx_open(&f, text, 2);
    int64_t s[1] = {5};
    float d[5] = {1, 2, 3, 4, 5};
    rt_tensor *x = ts_tensor_f32(1, s, d);
    for (int round = 0; round < 2; round++)
        for (int n = 0; n < 4; n++) {
            rt_value args[2] = {rt_tensor_value(x), rt_int(n)};
            run_both(&f, args, 2, "eviction");
        }
    cg_stats st;
    cg_method_stats(f.m, &st);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.misses, 8);
    assert_true(st.evictions >= 6);
    char *t = NULL;
    rt_err e;
    assert_int_equal(cg_method_cache_describe(f.m, &t, &e), 0);
    assert_non_null(strstr(t, "int=3"));
    free(t);
    fx_close(&f);
    rt_tensor_release(x);
}

typedef struct worker {
    fixture *f;
    rt_tensor *x[2];
    rt_tensor *want[2];
    int bad;
} worker;

static void *work(void *p)
{
    worker *w = p;
    rt_interp_opts io = {.threads = 1};
    for (int k = 0; k < 200; k++) {
        int which = (k / 25) & 1; /* with a cache of one: misses now and then */
        rt_value a = rt_tensor_value(w->x[which]);
        rt_value got;
        rt_err e;
        rt_err_clear(&e);
        if (cg_method_call(w->f->m, &a, 1, &got, &io, &e) || got.kind != RT_TENSOR ||
            memcmp(rt_tensor_data(got.u.tensor), rt_tensor_data(w->want[which]),
                   (size_t)rt_tensor_numel(got.u.tensor) * 4))
            w->bad++;
        rt_value_release(got);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    const char *text = "graph(%x : Tensor):\n"
                       "  %a : Tensor = aten::sigmoid(%x)\n"
                       "  %b : Tensor = aten::mul.Tensor(%a, %x)\n"
                       "  return (%b)\n";
    fixture f;
    fx_open(&f, text, 1); /* one entry, two shapes: evictions race with calls */
    int64_t s1[1] = {37}, s2[2] = {4, 9};
    worker w = {.f = &f};
    w.x[0] = probe_f32(1, s1, 21);
    w.x[1] = probe_f32(2, s2, 22);
    rt_interp_opts io = {.threads = 1};
    for (int i = 0; i < 2; i++) {
        rt_value a = rt_tensor_value(w.x[i]), out;
        rt_err e;
        /* reference: the JIT itself, single-threaded */
        assert_int_equal(cg_method_call(f.m, &a, 1, &out, &io, &e), 0);
        w.want[i] = out.u.tensor;
    }
    pthread_t th[4];
    worker ws[4];
    for (int i = 0; i < 4; i++) {
        ws[i] = w;
        pthread_create(&th[i], NULL, work, &ws[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(ws[i].bad, 0);
    }
    for (int i = 0; i < 2; i++) {
        rt_tensor_release(w.x[i]);
        rt_tensor_release(w.want[i]);
    }
    fx_close(&f);
}

/* ---- vector math accuracy ----------------------------------------------------- */

static void test_math_accuracy(void **state)
{
    (void)state;
    const char *ops[] = {"aten::exp", "aten::tanh", "aten::sigmoid", "aten::erf"};
    int64_t n = 200001;
    rt_err e;
    rt_tensor *x = rt_tensor_empty(RT_F32, 1, &n, &e);
    float *xp = rt_tensor_data(x);
    for (int64_t i = 0; i < n; i++)
        xp[i] = (float)(-90.0 + 180.0 * (double)i / (double)(n - 1));
    for (size_t k = 0; k < 4; k++) {
        char text[256];
        snprintf(text, sizeof text, "graph(%%x : Tensor):\n  %%y : Tensor = %s(%%x)\n  return (%%y)\n",
                 ops[k]);
        fixture f;
        fx_open(&f, text, 1);
        rt_value a = rt_tensor_value(x), out;
        rt_interp_opts io = {.threads = 1};
        assert_int_equal(cg_method_call(f.m, &a, 1, &out, &io, &e), 0);
        const float *yp = rt_tensor_data(out.u.tensor);
        double worst = 0;
        for (int64_t i = 0; i < n; i++) {
            double v = xp[i], ref = k == 0 ? exp(v) : k == 1 ? tanh(v) : k == 2 ? 1 / (1 + exp(-v)) : erf(v);
            if ((isinf(ref) && isinf(yp[i])) || (k == 0 && (v > 88.3 || v < -87.3)))
                continue; /* expf's overflow/underflow edges, as the interpreter's */
            double err = fabs(yp[i] - ref) / (1e-5 / 1e-4 + fabs(ref)); /* tolerance units */
            if (ref > 3e38)
                continue;
            if (err > worst)
                worst = err;
        }
        print_message("  %-14s worst |err| / (0.1 + |ref|) = %.3g\n", ops[k], worst);
        assert_true(worst < 1e-6); /* ~100x inside rtol 1e-4 / atol 1e-5 */
        rt_value_release(out);
        fx_close(&f);
    }
    rt_tensor_release(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unary_ops),      cmocka_unit_test(test_activations_with_args),
        cmocka_unit_test(test_chain_broadcast), cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_dtypes),
        cmocka_unit_test(test_guard_and_strided), cmocka_unit_test(test_arena),
        cmocka_unit_test(test_kernel_keys),
        cmocka_unit_test(test_if_loop),        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_cache_eviction), cmocka_unit_test(test_threads),
        cmocka_unit_test(test_math_accuracy),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cg_shutdown(); /* a clean leak report */
    return rc;
}
