/*
 * test_api_limits.c — limits through the public C ABI: the largest tensor a
 * call may make (option "max_tensor_bytes"), the largest method graph
 * (option "max_graph_nodes"), nesting depth in the source parser (200) and
 * the pickle reader (1000), and a real allocation failure. After each
 * failure the model serves the next call normally.
 *
 * Model: tests/data/hardening/ops.pt (tests/gen/gen_hardening.py): methods
 * linear(x) = relu(Linear(4, 8)(x)), zeros(n) = torch.zeros(n, n),
 * repeat(x, n) = x.repeat(n, n).
 *
 * The tensor limits run in mode "interp" and "jit". The option tests skip
 * (with a message) while the library does not know the options yet.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "tsjit.h"

/* Sanitizer allocators abort instead of returning NULL. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

/* The mode models are loaded in ("interp" or "jit"). */
static const char *g_mode = "interp";

static tsj_model *load_with(const char *rel, const char *k1, const char *v1, tsj_status *st_out,
                            tsj_error **err_out)
{
    tsj_options *o = tsj_options_create();
    assert_non_null(o);
    assert_int_equal(tsj_options_set(o, "mode", g_mode), TSJ_OK);
    assert_int_equal(tsj_options_set(o, "jit_threshold", "1"), TSJ_OK); /* compiled code */
    if (k1)
        assert_int_equal(tsj_options_set(o, k1, v1), TSJ_OK);
    tsj_model *m = NULL;
    tsj_error *err = NULL;
    tsj_status st = tsj_model_load(ts_data_path(rel), o, &m, &err);
    tsj_options_free(o);
    if (st_out) {
        *st_out = st;
        *err_out = err;
        return m;
    }
    if (st)
        fail_msg("loading %s: %s", rel, tsj_error_message(err));
    return m;
}

static tsj_model *load(const char *k1, const char *v1)
{
    return load_with("hardening/ops.pt", k1, v1, NULL, NULL);
}

static int options_known(void)
{
    tsj_options *o = tsj_options_create();
    int ok = tsj_options_set(o, "max_tensor_bytes", "4096") == TSJ_OK &&
             tsj_options_set(o, "max_graph_nodes", "100") == TSJ_OK;
    tsj_options_free(o);
    return ok;
}

#define NEED_OPTIONS()                                                                        \
    do {                                                                                      \
        if (!options_known()) {                                                               \
            print_message("  skipped: the options max_tensor_bytes / max_graph_nodes are "  \
                          "not known to this build yet\n");                                  \
            skip();                                                                           \
        }                                                                                     \
    } while (0)

static tsj_value *f32(int64_t rows, int64_t cols, float fill)
{
    int64_t shape[2] = {rows, cols};
    size_t n = (size_t)(rows * cols);
    float *d = malloc(sizeof *d * (n ? n : 1));
    assert_non_null(d);
    for (size_t i = 0; i < n; i++)
        d[i] = fill + (float)(i % 7) * 0.25f - 0.5f;
    tsj_value *v = NULL;
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT32, 2, shape, d, &v, NULL), TSJ_OK);
    free(d);
    return v;
}

/* Calls method(args); returns the status, the result in *out (or NULL) and
 * the message in msg (empty on success). */
static tsj_status call(tsj_model *m, const char *method, tsj_value **args, size_t n,
                       tsj_value **out, char *msg, size_t size)
{
    tsj_error *err = NULL;
    *out = NULL;
    tsj_status st = tsj_model_call(m, method, args, n, out, &err);
    snprintf(msg, size, "%s", st ? tsj_error_message(err) : "");
    tsj_error_free(err);
    return st;
}

static void expect_limit(tsj_model *m, const char *method, tsj_value **args, size_t n,
                         const char *substr)
{
    tsj_value *out;
    char msg[1024];
    tsj_status st = call(m, method, args, n, &out, msg, sizeof msg);
    if (st == TSJ_OK) {
        tsj_value_release(out);
        fail_msg("%s: succeeded; expected a limit error containing '%s'", method, substr);
    }
    if (st != TSJ_ERR_LIMIT || !strstr(msg, substr))
        fail_msg("%s: %s \"%s\"; expected limit exceeded containing '%s'", method,
                 tsj_status_name(st), msg, substr);
}

/* linear on a small input works and equals the reference model's result. */
static void expect_small_linear_ok(tsj_model *m, tsj_model *ref)
{
    tsj_value *x = f32(2, 4, 0.5f), *a = NULL, *b = NULL;
    char msg[1024];
    if (call(m, "linear", &x, 1, &a, msg, sizeof msg))
        fail_msg("small linear after a failure: %s", msg);
    assert_int_equal(call(ref, "linear", &x, 1, &b, msg, sizeof msg), TSJ_OK);
    assert_int_equal(tsj_tensor_numel(a), 16);
    assert_memory_equal(tsj_tensor_data(a), tsj_tensor_data(b), 16 * sizeof(float));
    tsj_value_release(a);
    tsj_value_release(b);
    tsj_value_release(x);
}

/* ---- options ---- */

static void option_values(void **state)
{
    (void)state;
    NEED_OPTIONS();
    tsj_options *o = tsj_options_create();
    static const char *good[] = {"0", "1", "4096", "64k", "3M", "2g", "1T", "1099511627776"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(tsj_options_set(o, "max_tensor_bytes", good[i]), TSJ_OK);
    static const char *bad[] = {"", "-1", "12x", "1kk", "k", "99999999999999999999",
                                "5000000t", " 12", "+3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (tsj_options_set(o, "max_tensor_bytes", bad[i]) != TSJ_ERR_INVALID_ARGUMENT)
            fail_msg("max_tensor_bytes '%s' accepted", bad[i]);
    assert_int_equal(tsj_options_set(o, "max_graph_nodes", "1"), TSJ_OK);
    assert_int_equal(tsj_options_set(o, "max_graph_nodes", "0"), TSJ_ERR_INVALID_ARGUMENT);
    assert_int_equal(tsj_options_set(o, "max_graph_nodes", "-5"), TSJ_ERR_INVALID_ARGUMENT);
    assert_int_equal(tsj_options_set(o, "max_graph_nodes", "x"), TSJ_ERR_INVALID_ARGUMENT);
    tsj_options_free(o);
}

/* ---- max_tensor_bytes ---- */

static void small_tensor_limit(void)
{
    tsj_model *m = load("max_tensor_bytes", "4096"), *ref = load(NULL, NULL);
    /* the input itself (200 x 4 floats = 3200 bytes) is made outside any
     * call; Linear(4, 8) makes 200 x 8 floats = 6400 bytes inside */
    tsj_value *x = f32(200, 4, 0.0f);
    expect_limit(m, "linear", &x, 1, "exceeds the 4096-byte limit");
    expect_small_linear_ok(m, ref);
    /* the same input through a model without the limit, on the same thread:
     * the limit belongs to the model, not the thread */
    tsj_value *out;
    char msg[1024];
    if (call(ref, "linear", &x, 1, &out, msg, sizeof msg))
        fail_msg("unlimited model: %s", msg);
    assert_int_equal(tsj_tensor_numel(out), 1600);
    tsj_value_release(out);
    /* zeros(n, n) inside the model: 40 x 40 x 4 = 6400 bytes > 4096 */
    tsj_value *n = tsj_value_int(40);
    expect_limit(m, "zeros", &n, 1, "a float32 tensor of shape [40, 40] (6400 bytes) exceeds "
                                    "the 4096-byte limit");
    tsj_value_release(n);
    n = tsj_value_int(32); /* 4096 bytes: exactly the limit */
    assert_int_equal(call(m, "zeros", &n, 1, &out, msg, sizeof msg), TSJ_OK);
    tsj_value_release(out);
    tsj_value_release(n);
    expect_small_linear_ok(m, ref);
    /* outside a call the default limit applies again */
    tsj_value *big = f32(1024, 4, 0.0f); /* 16 KiB */
    assert_non_null(big);
    tsj_value_release(big);
    /* the option can be changed on the loaded model */
    tsj_error *err = NULL;
    assert_int_equal(tsj_model_set_option(m, "max_tensor_bytes", "64k", &err), TSJ_OK);
    assert_int_equal(call(m, "linear", &x, 1, &out, msg, sizeof msg), TSJ_OK);
    tsj_value_release(out);
    assert_int_equal(tsj_model_set_option(m, "max_tensor_bytes", "1k", &err), TSJ_OK);
    /* a new shape: in jit mode a result buffer the model already holds for
     * the shape above may be reused (no new allocation, so no limit) */
    tsj_value *x3 = f32(300, 4, 0.0f);
    expect_limit(m, "linear", &x3, 1, "exceeds the 1024-byte limit");
    tsj_value_release(x3);
    tsj_value_release(x);
    tsj_model_free(m);
    tsj_model_free(ref);
}

/* Huge shapes requested inside a model fail before any allocation, under
 * the default limit of 1 TiB, and leave the model usable. */
static void huge_shapes_in_the_model(void)
{
    tsj_model *m = load(NULL, NULL), *ref = load(NULL, NULL);
    /* 2^20 x 2^20 floats: 4 TiB */
    tsj_value *n = tsj_value_int((int64_t)1 << 20);
    expect_limit(m, "zeros", &n, 1, "exceeds the 1099511627776-byte limit");
    tsj_value_release(n);
    expect_small_linear_ok(m, ref);
    /* 2^32 x 2^32 elements: more than int64 can count */
    n = tsj_value_int((int64_t)1 << 32);
    expect_limit(m, "zeros", &n, 1, "");
    tsj_value_release(n);
    expect_small_linear_ok(m, ref);
    /* repeat(n, n) of a 2 x 4 tensor */
    tsj_value *args[2] = {f32(2, 4, 1.0f), tsj_value_int((int64_t)1 << 21)};
    expect_limit(m, "repeat", args, 2, "");
    tsj_value_release(args[1]);
    args[1] = tsj_value_int(2);
    tsj_value *out;
    char msg[1024];
    assert_int_equal(call(m, "repeat", args, 2, &out, msg, sizeof msg), TSJ_OK);
    assert_int_equal(tsj_tensor_numel(out), 32);
    tsj_value_release(out);
    tsj_value_release(args[0]);
    tsj_value_release(args[1]);
    expect_small_linear_ok(m, ref);
    tsj_model_free(m);
    tsj_model_free(ref);
}

static void limits_interp(void **state)
{
    (void)state;
    g_mode = "interp";
    huge_shapes_in_the_model();
    NEED_OPTIONS();
    small_tensor_limit();
}

static void limits_jit(void **state)
{
    (void)state;
    g_mode = "jit";
    huge_shapes_in_the_model();
    NEED_OPTIONS();
    small_tensor_limit();
}

/* A real allocation failure (not the configured limit): in a child process
 * whose address space is capped with RLIMIT_AS, zeros(16384) asks for 1 GiB;
 * the call must return TSJ_ERR_NOMEM and the next call must work. Skipped
 * under AddressSanitizer / ThreadSanitizer (their allocators abort instead
 * of returning NULL) and valgrind. */
static void allocation_failure(void **state)
{
    (void)state;
    g_mode = "interp";
    const char *preload = getenv("LD_PRELOAD");
    if (UNDER_SANITIZER || (preload && strstr(preload, "vgpreload"))) {
        print_message("  skipped under a sanitizer / valgrind\n");
        skip();
    }
    tsj_model *m = load(NULL, NULL), *ref = load(NULL, NULL);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl;
        /* room for what is mapped now plus 256 MiB */
        FILE *f = fopen("/proc/self/statm", "r");
        unsigned long pages = 0;
        if (!f || fscanf(f, "%lu", &pages) != 1)
            _exit(10);
        fclose(f);
        rl.rlim_cur = rl.rlim_max = pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)256 << 20);
        if (setrlimit(RLIMIT_AS, &rl))
            _exit(11);
        tsj_value *n = tsj_value_int(16384), *out = NULL;
        tsj_error *err = NULL;
        tsj_status st = tsj_model_call(m, "zeros", &n, 1, &out, &err);
        if (st != TSJ_ERR_NOMEM)
            _exit(st == TSJ_OK ? 12 : 13);
        if (!strstr(tsj_error_message(err), "out of memory"))
            _exit(14);
        tsj_error_free(err);
        tsj_value_release(n);
        tsj_value *x = f32(2, 4, 0.5f);
        err = NULL;
        if (tsj_model_call(m, "linear", &x, 1, &out, &err))
            _exit(15);
        tsj_value_release(out);
        tsj_value_release(x);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status))
        fail_msg("child died with signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    static const char *why[] = {[10] = "cannot read /proc/self/statm",
                                [11] = "setrlimit failed",
                                [12] = "the 1 GiB zeros() succeeded",
                                [13] = "the 1 GiB zeros() failed with another status",
                                [14] = "the message does not say out of memory",
                                [15] = "the next call failed"};
    int code = WEXITSTATUS(status);
    if (code)
        fail_msg("child: %s", code >= 10 && code <= 15 ? why[code] : "exit status");
    expect_small_linear_ok(m, ref);
    tsj_model_free(m);
    tsj_model_free(ref);
}

/* ---- max_graph_nodes ---- */

static void graph_node_limit(void **state)
{
    (void)state;
    g_mode = "interp";
    NEED_OPTIONS();
    tsj_status st;
    tsj_error *err = NULL;
    tsj_model *m = load_with("hardening/ops.pt", "max_graph_nodes", "5", &st, &err);
    assert_null(m);
    assert_int_equal(st, TSJ_ERR_LIMIT);
    const char *msg = tsj_error_message(err);
    if (!strstr(msg, "more than the limit of 5 (option max_graph_nodes)"))
        fail_msg("message: %s", msg);
    tsj_error_free(err);
    m = load_with("hardening/ops.pt", "max_graph_nodes", "1000", &st, &err);
    assert_int_equal(st, TSJ_OK);
    tsj_model_free(m);
}

/* ---- nesting depth: parser 200, pickle 1000 ---- */

static void nesting_limits(void **state)
{
    (void)state;
    tsj_status st;
    tsj_error *err = NULL;
    tsj_model *m = load_with("hardening/deep_parens.pt", NULL, NULL, &st, &err);
    assert_null(m);
    assert_int_equal(st, TSJ_ERR_LIMIT);
    if (!strstr(tsj_error_message(err), "nesting too deep (more than 200 levels)"))
        fail_msg("deep_parens.pt: %s", tsj_error_message(err));
    tsj_error_free(err);
    err = NULL;
    m = load_with("archive/nested_marks.pt", NULL, NULL, &st, &err);
    assert_null(m);
    assert_int_equal(st, TSJ_ERR_LIMIT);
    if (!strstr(tsj_error_message(err), "nesting too deep (more than 1000 MARKs open)"))
        fail_msg("nested_marks.pt: %s", tsj_error_message(err));
    tsj_error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(option_values),
        cmocka_unit_test(limits_interp),
        cmocka_unit_test(limits_jit),
        cmocka_unit_test(allocation_failure),
        cmocka_unit_test(graph_node_limit),
        cmocka_unit_test(nesting_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
