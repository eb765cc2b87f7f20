/*
 * test_api_threads.c — one loaded model called from many threads at once.
 *
 * For each model (small committed fixtures: an MLP with Linear/ReLU/Dropout,
 * Linear+ReLU with a for loop over an int argument, a while loop with
 * continue/break and in-place adds, a data-dependent if, residual
 * Linear+LayerNorm blocks, zeros() updated in place), and for each mode
 * ("interp" and "jit"):
 *   1. a set of inputs with mixed shapes (batch 1..5) and int arguments is
 *      made, deterministic;
 *   2. the reference result of every input is computed single-threaded on
 *      separate instances of the model: one in mode interp and, for jit,
 *      one that compiles at the first call (jit_threshold 1);
 *   3. NTHREADS threads call a fresh instance NCALLS times each, cycling
 *      through the inputs in different orders (so that, in jit mode, the
 *      signatures warm up in the interpreter and are then compiled
 *      concurrently), sharing the input values, and compare each result
 *      bit for bit with the reference of the tier that may have run it:
 *      the interpreter's or the compiled code's (their float sums may
 *      round differently; both match PyTorch, test_api_fixtures checks).
 * A second test loads, calls and frees models concurrently (global
 * initialization, the op table, the buffer cache).
 *
 * Threads never call cmocka (not thread-safe): they count mismatches and
 * keep the first message; the main thread asserts.
 *
 * TSJ_THREAD_CALLS overrides the calls per thread (default 1000), e.g. for
 * valgrind. Under ThreadSanitizer use tests/tsan.supp (one known false
 * positive inside glibc, see there):
 *   TSAN_OPTIONS=suppressions=$PWD/tsan.supp build-tsan/tests/test_api_threads
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "tsjit.h"

#define NTHREADS 8
#define NCALLS 1000
#define NINPUTS 10

typedef struct model_case {
    const char *label;
    const char *path;  /* relative to TSJ_TEST_DATA */
    const char *method;
    int feat;          /* x is [rows, feat] */
    int int_arg;       /* 0: forward(x); 1: forward(x, n: int) */
    int extra_rows;    /* rows = batch + extra_rows */
} model_case;

static const model_case CASES[] = {
    {"mlp (linear/relu/dropout/linear)", "fixtures/sequential_dropout/model.pt", "forward", 6, 0,
     0},
    {"linear+relu, for over range(n)", "fixtures/loop_int_arg/model.pt", "forward", 6, 1, 0},
    {"while with continue/break, add_", "fixtures/continue_break/model.pt", "forward", 3, 1, 2},
    {"data-dependent if", "fixtures/scripted_branch_live/model.pt", "forward", 3, 0, 0},
    {"residual linear + layer_norm", "fixtures/modulelist_loop/model.pt", "forward", 5, 0, 0},
    {"zeros(4) then add_ in place", "hardening/ops.pt", "accumulate", 4, 0, 0},
};
#define NCASES (sizeof CASES / sizeof CASES[0])

typedef struct shared {
    tsj_model *model;
    const char *method;
    tsj_value *args[NINPUTS][2];
    size_t nargs;
    tsj_value *ref[NINPUTS];   /* the interpreter's result             */
    tsj_value *ref_jit[NINPUTS]; /* compiled code's (jit mode), or NULL  */
    int ncalls;
    atomic_int failures;
    atomic_long calls_done;
    pthread_mutex_t lock;
    char first[1024];
} shared;

typedef struct worker {
    shared *sh;
    int id;
} worker;

static int calls_per_thread(void)
{
    const char *s = getenv("TSJ_THREAD_CALLS");
    int n = s ? atoi(s) : 0;
    return n > 0 ? n : NCALLS;
}

static uint64_t rng_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Deterministic values in [-1, 1) shifted by `bias`. */
static tsj_value *make_input(int rows, int feat, uint64_t seed, float bias)
{
    float *data = malloc(sizeof *data * (size_t)rows * (size_t)feat);
    assert_non_null(data);
    uint64_t s = seed;
    for (int i = 0; i < rows * feat; i++)
        data[i] = (float)((double)(rng_next(&s) % 2000) / 1000.0 - 1.0) + bias;
    int64_t shape[2] = {rows, feat};
    tsj_value *v = NULL;
    tsj_error *err = NULL;
    tsj_status st = tsj_tensor_create(TSJ_FLOAT32, 2, shape, data, &v, &err);
    free(data);
    if (st)
        fail_msg("tsj_tensor_create: %s", tsj_error_message(err));
    return v;
}

/* "" when got equals want bit for bit, else a description in buf. */
static const char *compare(const tsj_value *got, const tsj_value *want, char *buf, size_t size)
{
    if (tsj_value_kind(got) != TSJ_KIND_TENSOR || tsj_value_kind(want) != TSJ_KIND_TENSOR) {
        snprintf(buf, size, "result kind %s, expected %s", tsj_kind_name(tsj_value_kind(got)),
                 tsj_kind_name(tsj_value_kind(want)));
        return buf;
    }
    if (tsj_tensor_dtype(got) != tsj_tensor_dtype(want) ||
        tsj_tensor_ndim(got) != tsj_tensor_ndim(want) ||
        memcmp(tsj_tensor_shape(got), tsj_tensor_shape(want),
               sizeof(int64_t) * (size_t)tsj_tensor_ndim(got))) {
        snprintf(buf, size, "dtype/shape differ from the reference");
        return buf;
    }
    int64_t n = tsj_tensor_numel(got);
    size_t esz = tsj_dtype_size(tsj_tensor_dtype(got));
    if (!tsj_tensor_is_contiguous(got) || !tsj_tensor_is_contiguous(want)) {
        snprintf(buf, size, "non-contiguous result");
        return buf;
    }
    const unsigned char *g = tsj_tensor_data(got), *w = tsj_tensor_data(want);
    for (int64_t i = 0; i < n; i++)
        if (memcmp(g + (size_t)i * esz, w + (size_t)i * esz, esz)) {
            snprintf(buf, size, "element %lld differs from the reference", (long long)i);
            return buf;
        }
    return "";
}

static void record(shared *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void record(shared *sh, const char *fmt, ...)
{
    if (atomic_fetch_add(&sh->failures, 1) != 0)
        return;
    pthread_mutex_lock(&sh->lock);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sh->first, sizeof sh->first, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&sh->lock);
}

static void *worker_main(void *p)
{
    worker *w = p;
    shared *sh = w->sh;
    for (int i = 0; i < sh->ncalls; i++) {
        /* a different walk through the inputs per thread */
        int k = (i * (2 * w->id + 1) + w->id * 3) % NINPUTS;
        tsj_value *out = NULL;
        tsj_error *err = NULL;
        tsj_status st = tsj_model_call(sh->model, sh->method, sh->args[k], sh->nargs, &out, &err);
        if (st) {
            record(sh, "thread %d call %d input %d: %s: %s", w->id, i, k, tsj_status_name(st),
                   tsj_error_message(err));
            tsj_error_free(err);
            continue;
        }
        char why[256];
        const char *d = compare(out, sh->ref[k], why, sizeof why);
        if (*d && sh->ref_jit[k] && !*compare(out, sh->ref_jit[k], why, sizeof why))
            d = "";
        if (*d)
            record(sh, "thread %d call %d input %d: %s", w->id, i, k, d);
        tsj_value_release(out);
        atomic_fetch_add(&sh->calls_done, 1);
    }
    return NULL;
}

static tsj_model *load(const char *rel, const char *mode, const char *threads,
                       const char *jit_threshold)
{
    tsj_options *o = tsj_options_create();
    assert_non_null(o);
    assert_int_equal(tsj_options_set(o, "mode", mode), TSJ_OK);
    if (jit_threshold)
        assert_int_equal(tsj_options_set(o, "jit_threshold", jit_threshold), TSJ_OK);
    if (threads)
        assert_int_equal(tsj_options_set(o, "threads", threads), TSJ_OK);
    tsj_model *m = NULL;
    tsj_error *err = NULL;
    tsj_status st = tsj_model_load(ts_data_path(rel), o, &m, &err);
    tsj_options_free(o);
    if (st)
        fail_msg("loading %s (mode %s): %s", rel, mode, tsj_error_message(err));
    return m;
}

static void make_inputs(shared *sh, const model_case *c, int ci)
{
    sh->nargs = c->int_arg ? 2 : 1;
    for (int k = 0; k < NINPUTS; k++) {
        int batch = 1 + k % 5;
        /* alternate the sign so that a data-dependent if takes both arms */
        float bias = (k / 5) % 2 ? 0.75f : -0.75f;
        sh->args[k][0] = make_input(batch + c->extra_rows, c->feat,
                                    (uint64_t)(ci * 100 + k + 1), bias);
        sh->args[k][1] = c->int_arg ? tsj_value_int(k % 4 + (k / 5)) : NULL;
    }
}

/* threads: the model's "threads" option (NULL: the default) */
static void run_case(const model_case *c, int ci, const char *mode, const char *threads)
{
    shared sh;
    memset(&sh, 0, sizeof sh);
    pthread_mutex_init(&sh.lock, NULL);
    sh.ncalls = calls_per_thread();
    sh.method = c->method;
    make_inputs(&sh, c, ci);
    /* single-threaded references, first, on their own instances */
    bool jit = !strcmp(mode, "jit");
    for (int tier = 0; tier < (jit ? 2 : 1); tier++) {
        tsj_model *rm = load(c->path, tier ? "jit" : "interp", threads, tier ? "1" : NULL);
        for (int k = 0; k < NINPUTS; k++) {
            tsj_error *err = NULL;
            tsj_status st = tsj_model_call(rm, sh.method, sh.args[k], sh.nargs,
                                           tier ? &sh.ref_jit[k] : &sh.ref[k], &err);
            if (st)
                fail_msg("%s (%s): reference call %d: %s", c->label, tier ? "jit" : "interp",
                         k, tsj_error_message(err));
        }
        tsj_model_free(rm);
    }
    sh.model = load(c->path, mode, threads, NULL);
    pthread_t th[NTHREADS];
    worker w[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        w[t].sh = &sh;
        w[t].id = t;
        assert_int_equal(pthread_create(&th[t], NULL, worker_main, &w[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++)
        pthread_join(th[t], NULL);
    int failures = atomic_load(&sh.failures);
    long done = atomic_load(&sh.calls_done);
    print_message("  %-36s mode %-6s%s%s %ld calls on %d threads, %d failures\n", c->label,
                  mode, threads ? " threads " : "", threads ? threads : "", done, NTHREADS,
                  failures);
    for (int k = 0; k < NINPUTS; k++) {
        tsj_value_release(sh.ref[k]);
        tsj_value_release(sh.ref_jit[k]);
        tsj_value_release(sh.args[k][0]);
        tsj_value_release(sh.args[k][1]);
    }
    tsj_model_free(sh.model);
    pthread_mutex_destroy(&sh.lock);
    if (failures)
        fail_msg("%s (mode %s): %d of %d calls failed; first: %s", c->label, mode, failures,
                 NTHREADS * sh.ncalls, sh.first);
    assert_int_equal(done, (long)NTHREADS * sh.ncalls);
}

static void calls_interp(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++)
        run_case(&CASES[i], (int)i, "interp", NULL);
}

static void calls_jit(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++)
        run_case(&CASES[i], (int)i, "jit", NULL);
}

/* With the "threads" option set, every call sets OpenBLAS's thread count:
 * concurrent calls must still agree with the reference. */
static void calls_with_blas_threads(void **state)
{
    (void)state;
    run_case(&CASES[0], 0, "interp", "2");
    run_case(&CASES[1], 1, "jit", "2");
}

/* ---- concurrent load / call / free ---- */

typedef struct loader {
    int id;
    int rounds;
    const char *mode;
    int failures;
    char first[512];
} loader;

static void *loader_main(void *p)
{
    loader *l = p;
    const model_case *c = &CASES[(size_t)l->id % NCASES];
    tsj_options *o = tsj_options_create();
    tsj_options_set(o, "mode", l->mode);
    for (int r = 0; r < l->rounds; r++) {
        tsj_model *m = NULL;
        tsj_error *err = NULL;
        char path[4096];
        snprintf(path, sizeof path, "%s", ts_data_path(c->path));
        if (tsj_model_load(path, o, &m, &err)) {
            if (!l->failures++)
                snprintf(l->first, sizeof l->first, "load %s: %s", c->path,
                         tsj_error_message(err));
            tsj_error_free(err);
            continue;
        }
        tsj_value *x = make_input(1 + r % 5 + c->extra_rows, c->feat, (uint64_t)r + 7, 0.5f);
        tsj_value *args[2] = {x, c->int_arg ? tsj_value_int(r % 3) : NULL};
        tsj_value *out = NULL;
        if (tsj_model_call(m, c->method, args, c->int_arg ? 2 : 1, &out, &err)) {
            if (!l->failures++)
                snprintf(l->first, sizeof l->first, "call %s: %s", c->path,
                         tsj_error_message(err));
            tsj_error_free(err);
        }
        tsj_value_release(out);
        tsj_value_release(args[0]);
        tsj_value_release(args[1]);
        tsj_model_free(m);
    }
    tsj_options_free(o);
    return NULL;
}

static void loads_concurrently(void **state)
{
    (void)state;
    const char *modes[2] = {"interp", "jit"};
    for (int mi = 0; mi < 2; mi++) {
        pthread_t th[NTHREADS];
        loader l[NTHREADS];
        memset(l, 0, sizeof l);
        for (int t = 0; t < NTHREADS; t++) {
            l[t].id = t;
            l[t].rounds = 10;
            l[t].mode = modes[mi];
            assert_int_equal(pthread_create(&th[t], NULL, loader_main, &l[t]), 0);
        }
        for (int t = 0; t < NTHREADS; t++)
            pthread_join(th[t], NULL);
        for (int t = 0; t < NTHREADS; t++)
            if (l[t].failures)
                fail_msg("mode %s thread %d: %d failures; first: %s", modes[mi], t,
                         l[t].failures, l[t].first);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calls_interp),
        cmocka_unit_test(calls_jit),
        cmocka_unit_test(calls_with_blas_threads),
        cmocka_unit_test(loads_concurrently),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
