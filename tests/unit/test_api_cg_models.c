/*
 * test_api_cg_models.c — the code generator against its oracle: every
 * model of the fixture set and, when present, every case of the
 * conformance corpus ($TSJ_CORPUS, default /work/corpus; skipped when
 * absent) runs through rt_interp_run and through cg_method_call (three
 * calls: compile, then cache hits); results must agree (same kinds,
 * dtypes, shapes; float values within rtol 1e-4 / atol 1e-5; integers and
 * bools exactly), and so must errors.
 */
#include "support.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cg.h"
#include "fe_load.h"
#include "rt_interp.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- comparing values ---------------------------------------------------- */

static int close_tensors(const rt_tensor *a, const rt_tensor *b, char *why, size_t n)
{
    if (a->dtype != b->dtype || a->ndim != b->ndim ||
        memcmp(a->shape, b->shape, sizeof(int64_t) * (size_t)a->ndim)) {
        char x[128], y[128];
        snprintf(why, n, "dtype/shape %d%s vs %d%s", a->dtype,
                 rt_shape_str(a->ndim, a->shape, x, sizeof x), b->dtype,
                 rt_shape_str(b->ndim, b->shape, y, sizeof y));
        return 0;
    }
    int64_t numel = rt_tensor_numel(a);
    rt_iter ia, ib;
    rt_iter_init(&ia, a->ndim, a->shape, a->strides);
    rt_iter_init(&ib, b->ndim, b->shape, b->strides);
    size_t es = rt_dtype_size((rt_dtype)a->dtype);
    const char *pa = rt_tensor_data(a), *pb = rt_tensor_data(b);
    bool fl = rt_dtype_is_float((rt_dtype)a->dtype);
    for (int64_t i = 0; i < numel; i++) {
        if (fl) {
            double x = rt_load_f64(pa + ia.off * (int64_t)es, (rt_dtype)a->dtype);
            double y = rt_load_f64(pb + ib.off * (int64_t)es, (rt_dtype)b->dtype);
            bool ok = (isnan(x) && isnan(y)) || x == y || fabs(x - y) <= 1e-5 + 1e-4 * fabs(y);
            if (!ok) {
                snprintf(why, n, "element %lld: %.9g vs %.9g", (long long)i, x, y);
                return 0;
            }
        } else {
            int64_t x = rt_load_i64(pa + ia.off * (int64_t)es, (rt_dtype)a->dtype);
            int64_t y = rt_load_i64(pb + ib.off * (int64_t)es, (rt_dtype)b->dtype);
            if (x != y) {
                snprintf(why, n, "element %lld: %lld vs %lld", (long long)i, (long long)x,
                         (long long)y);
                return 0;
            }
        }
        rt_iter_next(&ia);
        rt_iter_next(&ib);
    }
    return 1;
}

static int same_value(rt_value a, rt_value b, char *why, size_t n)
{
    if (a.kind != b.kind) {
        snprintf(why, n, "kind %s vs %s", rt_kind_name((rt_kind)a.kind),
                 rt_kind_name((rt_kind)b.kind));
        return 0;
    }
    switch (a.kind) {
    case RT_TENSOR:
        return close_tensors(a.u.tensor, b.u.tensor, why, n);
    case RT_LIST:
    case RT_TUPLE:
        if (a.u.list->len != b.u.list->len) {
            snprintf(why, n, "length %zu vs %zu", a.u.list->len, b.u.list->len);
            return 0;
        }
        for (size_t i = 0; i < a.u.list->len; i++)
            if (!same_value(a.u.list->items[i], b.u.list->items[i], why, n))
                return 0;
        return 1;
    case RT_FLOAT:
        if (!(a.u.f == b.u.f || fabs(a.u.f - b.u.f) <= 1e-5 + 1e-4 * fabs(b.u.f))) {
            snprintf(why, n, "%g vs %g", a.u.f, b.u.f);
            return 0;
        }
        return 1;
    default:
        if (!rt_value_equal(a, b) && a.kind != RT_STR && a.kind != RT_NONE) {
            snprintf(why, n, "scalar values differ");
            return 0;
        }
        return 1;
    }
}

/* ---- arguments in the command-line syntax --------------------------------- */

static int parse_arg(const char *dir, const char **p, rt_value *out, rt_err *e)
{
    const char *s = *p;
    if (*s == '[' || *s == '(') {
        char close = *s == '[' ? ']' : ')';
        rt_value l;
        if (rt_list_new(*s == '[' ? RT_LIST : RT_TUPLE, 4, &l, e))
            return -1;
        s++;
        while (*s && *s != close) {
            rt_value item;
            if (parse_arg(dir, &s, &item, e)) {
                rt_value_release(l);
                return -1;
            }
            rt_list_append(l.u.list, item, e);
            rt_value_release(item);
            if (*s == ',')
                s++;
        }
        if (*s == close)
            s++;
        *p = s;
        *out = l;
        return 0;
    }
    const char *end = s;
    while (*end && *end != ',' && *end != ']' && *end != ')')
        end++;
    char tok[1024];
    snprintf(tok, sizeof tok, "%.*s", (int)(end - s), s);
    *p = end;
    size_t len = strlen(tok);
    if (len > 4 && !strcmp(tok + len - 4, ".npy")) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, tok);
        rt_tensor *t = rt_npy_load(path, e);
        if (!t)
            return -1;
        *out = rt_tensor_value(t);
    } else if (!strcmp(tok, "true") || !strcmp(tok, "false")) {
        *out = rt_bool(tok[0] == 't');
    } else if (!strcmp(tok, "none")) {
        *out = rt_none();
    } else if (strpbrk(tok, ".eE")) {
        *out = rt_float(strtod(tok, NULL));
    } else {
        *out = rt_int(strtoll(tok, NULL, 10));
    }
    return 0;
}

/* ---- one model ---------------------------------------------------------- */

typedef struct result {
    int cases, compared, compiled_entries, interp_entries;
} result;

/* Runs `method` of the model at path with args (borrowed, self excluded)
 * both ways and compares. */
static void check_model(const char *label, const char *path, const char *method,
                        rt_value *args, int nargs, result *r)
{
    rt_err e;
    rt_err_clear(&e);
    fe_loaded *fl = NULL;
    fe_load_opts lo = {.fold_attributes = true, .optimize = true};
    if (fe_load(path, NULL, 0, &lo, &fl, &e)) {
        print_message("  %s: does not load (%s), skipped\n", label, e.msg);
        return;
    }
    ir_func *f = fe_loaded_find_method(fl, method);
    if (!f || !f->graph) {
        fe_loaded_free(fl);
        return;
    }
    rt_value bound[32];
    int nb = (int)f->nargs;
    assert_true(nb <= 32);
    bound[0] = fl->prog->root;
    for (int i = 1; i < nb; i++)
        bound[i] = i - 1 < nargs ? args[i - 1] : f->args[i].default_value;
    r->cases++;
    rt_interp_opts io = {.threads = 1};
    rt_value want = rt_none();
    rt_err ie;
    rt_err_clear(&ie);
    int irc = rt_interp_run(f->graph, bound, nb, &want, 1, &io, &ie);
    cg_method *m = cg_method_new(f, fl->prog->root, 4, 1, &e);
    assert_non_null(m);
    for (int call = 0; call < 3; call++) {
        rt_value got = rt_none();
        rt_err je;
        rt_err_clear(&je);
        int jrc = cg_method_call(m, bound, nb, &got, &io, &je);
        if (irc != jrc)
            fail_msg("%s call %d: interpreter %s (%s), jit %s (%s)", label, call,
                     irc ? "failed" : "ok", ie.msg, jrc ? "failed" : "ok", je.msg);
        if (irc) {
            if (strcmp(ie.msg, je.msg))
                fail_msg("%s: error differs:\n  interp: %s\n  jit:    %s", label, ie.msg,
                         je.msg);
        } else {
            char why[512] = "";
            if (!same_value(got, want, why, sizeof why))
                fail_msg("%s call %d: jit differs from the interpreter: %s", label, call, why);
        }
        rt_value_release(got);
    }
    r->compared++;
    char *text = NULL;
    assert_int_equal(cg_method_cache_describe(m, &text, &e), 0);
    bool interp = strstr(text, "interpreter (") != NULL;
    if (interp)
        r->interp_entries++;
    else
        r->compiled_entries++;
    print_message("  %-32s %s", label, strchr(text, '\n') ? strchr(text, '\n') + 1 : text);
    free(text);
    cg_stats st;
    cg_method_stats(m, &st);
    assert_int_equal(st.calls, 3);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.hits, 2);
    if (getenv("TSJ_CG_BENCH") && !irc) {
        int runs = atoi(getenv("TSJ_CG_BENCH"));
        double best[2] = {1e9, 1e9};
        for (int round = 0; round < 3; round++)
            for (int mode = getenv("TSJ_CG_BENCH_JIT_ONLY") ? 1 : 0; mode < 2; mode++) {
                double t0 = now_s();
                for (int k = 0; k < runs; k++) {
                    rt_value got = rt_none();
                    rt_err je;
                    rt_err_clear(&je);
                    if (mode == 0)
                        rt_interp_run(f->graph, bound, nb, &got, 1, &io, &je);
                    else
                        cg_method_call(m, bound, nb, &got, &io, &je);
                    rt_value_release(got);
                }
                double us = (now_s() - t0) / runs * 1e6;
                if (us < best[mode])
                    best[mode] = us;
            }
        print_message("  %-32s interp %9.2f us   jit %9.2f us   x%.2f\n", label, best[0], best[1],
                      best[0] / best[1]);
    }
    /* the description compiles too */
    if (getenv("TSJ_CG_DESCRIBE")) {
        assert_int_equal(cg_method_describe(m, bound, nb, &text, &e), 0);
        fputs(text, stdout);
        free(text);
    }
    cg_method_free(m);
    rt_value_release(want);
    fe_loaded_free(fl);
}

/* ---- the corpus ------------------------------------------------------------ */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = 0;
    fclose(f);
    return s;
}

/* The string value after `"key":` starting at p, into buf. */
static const char *json_str(const char *p, const char *key, char *buf, size_t n,
                            const char *limit)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *q = strstr(p, pat);
    if (!q || (limit && q > limit))
        return NULL;
    q = strchr(q + strlen(pat), '"');
    if (!q)
        return NULL;
    const char *end = strchr(q + 1, '"');
    snprintf(buf, n, "%.*s", (int)(end - q - 1), q + 1);
    return end;
}

static void test_corpus(void **state)
{
    (void)state;
    const char *dir = getenv("TSJ_CORPUS") ? getenv("TSJ_CORPUS") : "/work/corpus";
    const char *only = getenv("TSJ_CG_ONLY");
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    char *man = read_file(path);
    if (!man) {
        print_message("  no corpus at %s: skipped\n", dir);
        skip();
        return;
    }
    result r = {0};
    for (const char *p = strstr(man, "\"cases\""); p && (p = strstr(p, "\"name\":"));) {
        const char *next = strstr(p + 7, "\"name\":");
        char name[256], model[512], method[128] = "forward";
        json_str(p, "name", name, sizeof name, NULL);
        json_str(p, "model", model, sizeof model, next);
        json_str(p, "method", method, sizeof method, next);
        const char *a = strstr(p, "\"args\":");
        rt_value args[16];
        int nargs = 0;
        if (a && (!next || a < next)) {
            const char *q = strchr(a, '[') + 1;
            for (;;) {
                while (*q == ' ' || *q == '\n' || *q == ',')
                    q++;
                if (*q != '"' || nargs == 16)
                    break;
                const char *s1 = strchr(q + 1, '"');
                char arg[1024];
                snprintf(arg, sizeof arg, "%.*s", (int)(s1 - q - 1), q + 1);
                const char *ap = arg;
                rt_err e;
                rt_err_clear(&e);
                if (parse_arg(dir, &ap, &args[nargs], &e) == 0)
                    nargs++;
                q = s1 + 1;
            }
        }
        if (!only || strstr(only, name)) {
            snprintf(path, sizeof path, "%s/%s", dir, model);
            check_model(name, path, method, args, nargs, &r);
        }
        for (int i = 0; i < nargs; i++)
            rt_value_release(args[i]);
        p = next;
    }
    free(man);
    print_message("  corpus: %d case(s) compared, %d compiled, %d interpreter-only\n",
                  r.compared, r.compiled_entries, r.interp_entries);
}

static void test_fixtures(void **state)
{
    (void)state;
    const char *files[] = {"archive/scripted.pt", "archive/traced.pt", "archive/eval.pt"};
    result r = {0};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        int64_t shape[2] = {2, 4};
        float data[8] = {0.5f, -1, 2, -3, 4, -5, 6, 0.25f};
        rt_tensor *t = ts_tensor_f32(2, shape, data);
        rt_value a = rt_tensor_value(t);
        check_model(files[i], ts_data_path(files[i]), "forward", &a, 1, &r);
        rt_tensor_release(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_corpus),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cg_shutdown(); /* a clean leak report */
    return rc;
}
