/* test_api_repl_expr.c — the REPL's expression language (tools/tsjit/
 * repl_expr.c, compiled into this test): statements parsed into trees
 * (printed as S-expressions and compared), error messages and offsets,
 * bounded nesting, a random-input stress that must never crash; and the
 * evaluator's builtins (tools/tsjit/repl_eval.c) on the public ABI. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "tsjit.h"

#include "../../tools/tsjit/repl_eval.c"
#include "../../tools/tsjit/repl_expr.c"

/* ---- printing a tree ---- */

static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (*n < size)
        *n += (size_t)vsnprintf(buf + *n, size - *n, fmt, ap);
    va_end(ap);
}

static void show(const repl_expr *e, char *buf, size_t size, size_t *n)
{
    switch (e->kind) {
    case REPL_E_NONE: put(buf, size, n, "None"); return;
    case REPL_E_BOOL: put(buf, size, n, e->b ? "True" : "False"); return;
    case REPL_E_INT: put(buf, size, n, "%lld", (long long)e->i); return;
    case REPL_E_FLOAT: put(buf, size, n, "%gf", e->f); return;
    case REPL_E_STRING: put(buf, size, n, "\"%s\"", e->text); return;
    case REPL_E_NAME: put(buf, size, n, "%s", e->text); return;
    case REPL_E_CALL: put(buf, size, n, "(call %s", e->text); break;
    case REPL_E_LIST: put(buf, size, n, "(list"); break;
    case REPL_E_TUPLE: put(buf, size, n, "(tuple"); break;
    case REPL_E_INDEX: put(buf, size, n, "(index"); break;
    }
    for (size_t i = 0; i < e->nitems; i++) {
        put(buf, size, n, " ");
        show(e->items[i], buf, size, n);
    }
    for (size_t i = 0; i < e->nkwargs; i++) {
        put(buf, size, n, " %s=", e->kwargs[i].name);
        show(e->kwargs[i].value, buf, size, n);
    }
    put(buf, size, n, ")");
}

/* Parses line and returns its printed form ("ERR@pos: message" on failure). */
static const char *parsed(const char *line)
{
    static char buf[4096];
    char err[256];
    repl_stmt st;
    size_t n = 0;
    if (repl_parse(line, &st, err, sizeof err)) {
        assert_null(st.arena);
        snprintf(buf, sizeof buf, "ERR@%d: %s", st.err_pos, err);
        return buf;
    }
    switch (st.kind) {
    case REPL_S_EMPTY: put(buf, sizeof buf, &n, "empty"); break;
    case REPL_S_COMMAND: put(buf, sizeof buf, &n, ":%s [%s]", st.name, st.rest); break;
    case REPL_S_ASSIGN: put(buf, sizeof buf, &n, "%s = ", st.name); /* fall through */
    case REPL_S_EXPR: show(st.expr, buf, sizeof buf, &n); break;
    }
    repl_stmt_free(&st);
    return buf;
}

static void test_parse_statements(void **state)
{
    (void)state;
    assert_string_equal(parsed(""), "empty");
    assert_string_equal(parsed("   # a comment\n"), "empty");
    assert_string_equal(parsed("x = randn(2, 10)"), "x = (call randn 2 10)");
    assert_string_equal(parsed("x = zeros((2, 3), dtype=float64)"),
                        "x = (call zeros (tuple 2 3) dtype=float64)");
    assert_string_equal(parsed("y = forward(x, 5)\n"), "y = (call forward x 5)");
    assert_string_equal(parsed("forward(x, [1, 2.5, -3], (True, None,), ())"),
                        "(call forward x (list 1 2.5f -3) (tuple True None) (tuple))");
    assert_string_equal(parsed("y[0][-1]"), "(index (index y 0) -1)");
    assert_string_equal(parsed("(x)"), "x");
    assert_string_equal(parsed("(x,)"), "(tuple x)");
    assert_string_equal(parsed("load('a b.npy')"), "(call load \"a b.npy\")");
    assert_string_equal(parsed("save(y, \"q\\\"\\\\.npy\")"), "(call save y \"q\"\\.npy\")");
    assert_string_equal(parsed("full(2, 3, -inf, dtype=torch.float32)"),
                        "(call full 2 3 -inff dtype=torch.float32)");
    assert_string_equal(parsed("f(1e3, .5, 2., 1E-2)"), "(call f 1000f 0.5f 2f 0.01f)");
    assert_string_equal(parsed("f(true, false, none)"), "(call f True False None)");
    assert_string_equal(parsed("self.encode(x)"), "(call self.encode x)");
    assert_string_equal(parsed("x = -9223372036854775808"), "x = -9223372036854775808");
    assert_string_equal(parsed(":time forward(x) 100"), ":time [forward(x) 100]");
    assert_string_equal(parsed("  :quit  "), ":quit []");
    assert_string_equal(parsed(":load \"m.pt\""), ":load [\"m.pt\"]");
}

static void test_parse_errors(void **state)
{
    (void)state;
    assert_string_equal(parsed("forward(x, "), "ERR@11: expected a value, but the line ended");
    assert_string_equal(parsed("f(x"), "ERR@3: expected ',' or ')' in the call of f, but the line "
                                       "ended");
    assert_string_equal(parsed("[1, 2"), "ERR@5: expected ',' or ']' in a list, but the line "
                                         "ended");
    assert_string_equal(parsed("x = "), "ERR@4: expected a value after '='");
    assert_string_equal(parsed("x y"), "ERR@2: unexpected text after the expression");
    assert_string_equal(parsed("a.b = 1"), "ERR@0: a variable name cannot contain '.'");
    assert_string_equal(parsed("f(1) = 2"), "ERR@5: only a plain name can be assigned to (x = ...)");
    assert_string_equal(parsed("\"abc"), "ERR@0: unterminated string (close it with \")");
    assert_string_equal(parsed("x = 3 $"), "ERR@6: unexpected character '$'");
    assert_string_equal(parsed("x = \x01"), "ERR@4: unexpected byte 0x01");
    assert_string_equal(parsed("12abc"), "ERR@2: malformed number");
    assert_string_equal(parsed("1.2.3"), "ERR@3: malformed number");
    assert_string_equal(parsed("-x"), "ERR@0: '-' goes only before a number");
    assert_string_equal(parsed("9223372036854775808"),
                        "ERR@0: integer literal out of the int64 range");
    assert_string_equal(parsed("f(dtype=1, dtype=2)"), "ERR@11: keyword argument given twice");
    assert_string_equal(parsed("f(a=1, 2)"), "ERR@7: positional argument after a keyword argument");
    assert_string_equal(parsed(":"), "ERR@1: expected a command name after ':' (try :help)");
    assert_string_equal(parsed(":x!"), "ERR@2: unexpected character after the command name");
    assert_string_equal(parsed(")"), "ERR@0: unexpected ')'");
}

static void test_parse_nesting_is_bounded(void **state)
{
    (void)state;
    char line[20001];
    for (int depth = REPL_MAX_DEPTH - 2; depth <= REPL_MAX_DEPTH + 2; depth++) {
        memset(line, '[', (size_t)depth);
        memset(line + depth, ']', (size_t)depth);
        line[2 * depth] = 0;
        const char *r = parsed(line);
        if (depth <= REPL_MAX_DEPTH)
            assert_int_equal(strncmp(r, "(list", 5), 0);
        else
            assert_non_null(strstr(r, "nested too deeply"));
    }
    memset(line, '(', 20000);
    line[20000] = 0;
    assert_non_null(strstr(parsed(line), "nested too deeply"));
    for (int i = 0; i < 20000; i += 2) {
        line[i] = 'y';
        line[i + 1] = i + 2 < 20000 ? '[' : 0;
    }
    assert_non_null(strstr(parsed(line), "ERR@"));
}

/* An index chain y[0][0]... builds a tree one level higher per index without
 * recursing in the parser; it is bounded all the same (a 3 MB chain used to
 * overflow the evaluator's stack), also inside brackets. */
static void test_parse_index_chain_is_bounded(void **state)
{
    (void)state;
    static char line[3 * 100000 + 8];
    for (int k = REPL_MAX_DEPTH - 2; k <= REPL_MAX_DEPTH + 2; k++) {
        size_t n = 0;
        line[n++] = 'y';
        for (int i = 0; i < k - 1; i++) { /* k - 1 indices: a tree k levels high */
            memcpy(line + n, "[0]", 3);
            n += 3;
        }
        line[n] = 0;
        const char *r = parsed(line);
        if (k <= REPL_MAX_DEPTH)
            assert_int_equal(strncmp(r, "(index", 6), 0);
        else
            assert_non_null(strstr(r, "nested too deeply"));
        /* inside a list it is one level higher */
        memmove(line + 1, line, n + 1);
        line[0] = '[';
        memcpy(line + n + 1, "]", 2);
        r = parsed(line);
        if (k + 1 <= REPL_MAX_DEPTH)
            assert_int_equal(strncmp(r, "(list", 5), 0);
        else
            assert_non_null(strstr(r, "nested too deeply"));
    }
    size_t n = 0;
    line[n++] = 'y';
    while (n + 3 < sizeof line - 1) {
        memcpy(line + n, "[0]", 3);
        n += 3;
    }
    line[n] = 0;
    assert_non_null(strstr(parsed(line), "nested too deeply"));
}

/* A float literal is read whole, however long (a copy cut at 511 bytes
 * dropped the exponent: 1e600 instead of 1e10). */
static void test_parse_long_float(void **state)
{
    (void)state;
    char line[700];
    size_t n = 0;
    line[n++] = '1';
    memset(line + n, '0', 600);
    n += 600;
    strcpy(line + n, ".5e-590");
    assert_string_equal(parsed(line), "1e+10f");
    line[0] = '-';
    memmove(line + 1, line, strlen(line) + 1);
    line[1] = '1';
    assert_string_equal(parsed(line), "-1e+10f");
}

static void test_parse_expr_prefix(void **state)
{
    (void)state;
    repl_stmt st;
    char err[128];
    size_t end = 0;
    assert_int_equal(repl_parse_expr("forward(x, 2)  100", &st, &end, err, sizeof err), 0);
    assert_int_equal(st.expr->kind, REPL_E_CALL);
    assert_int_equal(end, 15);
    repl_stmt_free(&st);
    assert_int_equal(repl_parse_expr("forward(x)", &st, &end, err, sizeof err), 0);
    assert_int_equal(end, 10);
    repl_stmt_free(&st);
    assert_int_equal(repl_parse_expr("forward(x) 1", &st, NULL, err, sizeof err), -1);
    assert_int_equal(st.err_pos, 11);
    assert_int_equal(repl_parse_expr("", &st, NULL, err, sizeof err), -1);
    assert_int_equal(repl_parse(NULL, &st, NULL, 0), 0); /* NULL line: empty */
    assert_int_equal(st.kind, REPL_S_EMPTY);
}

/* Random lines built from the language's own pieces plus random bytes:
 * every one must parse or fail with a message, never crash or leak. */
static void test_parse_never_crashes(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "x", "forward", "(", ")", "[", "]", ",", "=", "-", "1", "2.5", "1e", "\"s", "\"s\"",
        "'", "\\", ":", "None", "True", "dtype", " ", "#", ".", "a.b", "inf", "99999999999999999999",
        "\t", "\xff", "0x", "--", "==", "((", "]]"};
    uint64_t seed = 0x1234;
    char line[256], err[128];
    for (int iter = 0; iter < 200000; iter++) {
        size_t n = 0;
        int parts = (int)(splitmix64(&seed) % 12);
        for (int k = 0; k < parts; k++) {
            uint64_t r = splitmix64(&seed);
            const char *p = pieces[r % (sizeof pieces / sizeof pieces[0])];
            char one[2] = {(char)(r >> 32), 0};
            if ((r >> 40) % 8 == 0 && one[0])
                p = one;
            size_t len = strlen(p);
            if (n + len >= sizeof line)
                break;
            memcpy(line + n, p, len);
            n += len;
        }
        line[n] = 0;
        repl_stmt st;
        if (repl_parse(line, &st, err, sizeof err) == 0) {
            repl_stmt_free(&st);
        } else {
            assert_true(err[0] != 0);
            assert_true(st.err_pos >= 0 && (size_t)st.err_pos <= n);
        }
        size_t end;
        if (repl_parse_expr(line, &st, &end, err, sizeof err) == 0) {
            assert_true(end <= n);
            repl_stmt_free(&st);
        }
    }
}

/* ---- evaluation ---- */

static tsj_value *run(repl_session *s, const char *line, char *err, size_t errsize)
{
    repl_stmt st;
    int pos;
    if (repl_parse(line, &st, err, errsize))
        return NULL;
    tsj_value *v = repl_eval(s, st.expr, err, errsize, &pos);
    if (v && st.kind == REPL_S_ASSIGN)
        repl_var_set(s, st.name, v);
    repl_stmt_free(&st);
    return v;
}

static void session_free(repl_session *s)
{
    for (size_t i = 0; i < s->nvars; i++) {
        free(s->vars[i].name);
        tsj_value_release(s->vars[i].value);
    }
    free(s->vars);
}

static void test_eval_builtins(void **state)
{
    (void)state;
    repl_session s = {0};
    char err[512];
    repl_seed(&s, 7);
    tsj_value *a = run(&s, "a = randn(1000, 10)", err, sizeof err);
    assert_non_null(a);
    assert_int_equal(tsj_tensor_dtype(a), TSJ_FLOAT32);
    assert_int_equal(tsj_tensor_numel(a), 10000);
    const float *x = tsj_tensor_data(a);
    double mean = 0, var = 0;
    for (int i = 0; i < 10000; i++)
        mean += x[i] / 10000.0;
    for (int i = 0; i < 10000; i++)
        var += (x[i] - mean) * (x[i] - mean) / 10000.0;
    assert_true(fabs(mean) < 0.05 && fabs(var - 1.0) < 0.05);
    repl_seed(&s, 7);
    tsj_value *b = run(&s, "randn((1000, 10))", err, sizeof err);
    assert_memory_equal(tsj_tensor_data(b), x, 10000 * sizeof(float)); /* seeded: same numbers */
    tsj_value_release(a);
    tsj_value_release(b);

    tsj_value *r = run(&s, "arange(5)", err, sizeof err);
    assert_int_equal(tsj_tensor_dtype(r), TSJ_INT64);
    assert_int_equal(((int64_t *)tsj_tensor_data(r))[4], 4);
    tsj_value_release(r);
    r = run(&s, "arange(0, 1, 0.25, dtype=float64)", err, sizeof err);
    assert_int_equal(tsj_tensor_dtype(r), TSJ_FLOAT64);
    assert_int_equal(tsj_tensor_numel(r), 4);
    assert_true(((double *)tsj_tensor_data(r))[3] == 0.75);
    tsj_value_release(r);
    r = run(&s, "full((2, 3), 7)", err, sizeof err);
    assert_int_equal(tsj_tensor_dtype(r), TSJ_INT64);
    assert_int_equal(((int64_t *)tsj_tensor_data(r))[5], 7);
    tsj_value_release(r);
    r = run(&s, "ones(2, 2, dtype=bool)", err, sizeof err);
    assert_int_equal(tsj_tensor_dtype(r), TSJ_BOOL);
    tsj_value_release(r);

    /* a row of a tensor, an item of a tuple */
    tsj_value_release(run(&s, "m = arange(6, dtype=int32)", err, sizeof err));
    tsj_value_release(run(&s, "t = (zeros(2), 5, [1.5])", err, sizeof err));
    r = run(&s, "t[-1][0]", err, sizeof err);
    double f;
    assert_int_equal(tsj_value_get_float(r, &f), TSJ_OK);
    assert_true(f == 1.5);
    tsj_value_release(r);
    r = run(&s, "zeros(3, 2)[2]", err, sizeof err);
    assert_int_equal(tsj_tensor_ndim(r), 1);
    assert_int_equal(tsj_tensor_shape(r)[0], 2);
    tsj_value_release(r);

    /* failures carry a message and a hint */
    assert_null(run(&s, "nothing", err, sizeof err));
    assert_non_null(strstr(err, "name 'nothing' is not defined\nhint:"));
    assert_null(run(&s, "randn(2, dtype=int64)", err, sizeof err));
    assert_non_null(strstr(err, "float32 or float64"));
    assert_null(run(&s, "zeros(2, dtype=complex)", err, sizeof err));
    assert_non_null(strstr(err, "unknown dtype 'complex'"));
    assert_null(run(&s, "zeros(-1)", err, sizeof err));
    assert_null(run(&s, "zeros(100000, 100000, 1000)", err, sizeof err));
    assert_non_null(strstr(err, "too large"));
    assert_null(run(&s, "t[3]", err, sizeof err));
    assert_non_null(strstr(err, "out of range"));
    assert_null(run(&s, "forward(m)", err, sizeof err));
    assert_non_null(strstr(err, "no model is loaded"));
    assert_null(run(&s, "load(\"/nonexistent/x.npy\")", err, sizeof err));
    assert_non_null(strstr(err, "hint:"));
    session_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_statements),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_nesting_is_bounded),
        cmocka_unit_test(test_parse_index_chain_is_bounded),
        cmocka_unit_test(test_parse_long_float),
        cmocka_unit_test(test_parse_expr_prefix),
        cmocka_unit_test(test_parse_never_crashes),
        cmocka_unit_test(test_eval_builtins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
