/*
 * test_api_bad_args.c — bad arguments through the public C ABI: every bad
 * call returns an error status with a PyTorch-like message, and the model
 * serves the next (good) call normally.
 *
 * The model is tests/data/hardening/ops.pt (tests/gen/gen_hardening.py):
 * exported methods that each run one kernel. messages.txt next to it holds
 * the exception PyTorch raises for each case below (same case names); the
 * expected substrings here are taken from it.
 *
 * Covered: argument count; argument kinds (int for Tensor, list / float for
 * int, Tensor for List[int], str for bool); dtypes a kernel does not take
 * (float indices for index_select / embedding, bool matmul); shapes that do
 * not broadcast or multiply; indices out of range (select, index_select,
 * embedding, gather, x[idx]); a reshape to the wrong size; negative sizes;
 * NULL handles; malformed .npy files (tsj_npy_load and _buffer) and a valid
 * .npy of the wrong shape passed to the model.
 *
 * Every case runs in mode "interp" and "jit"; mismatches are collected and
 * reported together.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "tsjit.h"

/* ------------------------------------------------------------------------ */
/* Arguments: a tiny notation                                                 */
/*   t<d>[s0,s1..]=v,v,..   tensor of dtype d (f float32, l int64, i int32,   */
/*                          b bool) and shape; values in C order, a single    */
/*                          value fills it, "arange" counts 0, 1, 2, ..       */
/*   12  1.5  true  none  "str"  [1,2] (a list of ints)                       */
/* ------------------------------------------------------------------------ */

static tsj_value *tensor_arg(const char *s)
{
    tsj_dtype dt = TSJ_FLOAT32;
    switch (s[1]) {
    case 'f': dt = TSJ_FLOAT32; break;
    case 'l': dt = TSJ_INT64; break;
    case 'i': dt = TSJ_INT32; break;
    case 'b': dt = TSJ_BOOL; break;
    default: fail_msg("bad tensor argument '%s'", s);
    }
    const char *p = s + 2;
    assert_true(*p == '[');
    p++;
    int64_t shape[TSJ_MAX_DIMS];
    int nd = 0;
    while (*p != ']') {
        char *end;
        shape[nd++] = strtoll(p, &end, 10);
        p = *end == ',' ? end + 1 : end;
    }
    p++;
    assert_true(*p == '=');
    p++;
    int64_t n = 1;
    for (int i = 0; i < nd; i++)
        n *= shape[i];
    double *vals = calloc((size_t)(n ? n : 1), sizeof *vals);
    assert_non_null(vals);
    int64_t nv = 0;
    if (!strcmp(p, "arange")) {
        for (int64_t i = 0; i < n; i++)
            vals[i] = (double)i;
        nv = n;
    } else {
        while (*p && nv < n) {
            char *end;
            vals[nv++] = strtod(p, &end);
            p = *end == ',' ? end + 1 : end;
        }
        if (nv == 1)
            for (int64_t i = 1; i < n; i++)
                vals[i] = vals[0];
        else
            assert_true(nv == n);
    }
    size_t esz = tsj_dtype_size(dt);
    unsigned char *buf = calloc((size_t)(n ? n : 1), esz);
    assert_non_null(buf);
    for (int64_t i = 0; i < n; i++) {
        void *q = buf + (size_t)i * esz;
        if (dt == TSJ_FLOAT32)
            *(float *)q = (float)vals[i];
        else if (dt == TSJ_INT64)
            *(int64_t *)q = (int64_t)vals[i];
        else if (dt == TSJ_INT32)
            *(int32_t *)q = (int32_t)vals[i];
        else
            *(unsigned char *)q = vals[i] != 0;
    }
    tsj_value *v = NULL;
    tsj_error *err = NULL;
    if (tsj_tensor_create(dt, nd, shape, buf, &v, &err))
        fail_msg("tensor '%s': %s", s, tsj_error_message(err));
    free(vals);
    free(buf);
    return v;
}

static tsj_value *one_arg(const char *s)
{
    if (s[0] == 't' && s[1] && s[2] == '[')
        return tensor_arg(s);
    if (!strcmp(s, "true") || !strcmp(s, "false"))
        return tsj_value_bool(!strcmp(s, "true"));
    if (!strcmp(s, "none"))
        return tsj_value_none();
    if (s[0] == '"') {
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)strlen(s) - 2, s + 1);
        return tsj_value_string(buf);
    }
    if (s[0] == '[') {
        tsj_value *items[16] = {0};
        size_t n = 0;
        const char *p = s + 1;
        while (*p && *p != ']' && n < 16) {
            char *end;
            items[n++] = tsj_value_int(strtoll(p, &end, 10));
            p = *end == ',' ? end + 1 : end;
        }
        tsj_value *l = tsj_value_list(items, n);
        for (size_t i = 0; i < n; i++)
            tsj_value_release(items[i]);
        return l;
    }
    char *end;
    long long i = strtoll(s, &end, 10);
    if (!*end)
        return tsj_value_int(i);
    double f = strtod(s, &end);
    if (!*end)
        return tsj_value_float(f);
    fail_msg("bad argument '%s'", s);
    return NULL;
}

/* Splits on spaces (none inside an argument) into new values. */
static size_t make_args(const char *spec, tsj_value **args, size_t max)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", spec);
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, " ", &save); tok && n < max; tok = strtok_r(NULL, " ", &save))
        args[n++] = one_arg(tok);
    return n;
}

static void free_args(tsj_value **args, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tsj_value_release(args[i]);
}

/* ------------------------------------------------------------------------ */
/* The cases                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct bad_case {
    const char *name; /* as in messages.txt */
    const char *method;
    const char *args;
    tsj_status status;
    const char *substr; /* the message must contain it */
} bad_case;

#define X34 "tf[3,4]=arange"

static const bad_case CASES[] = {
    /* argument count and kinds: checked at the call boundary */
    {"too_many_args", "forward", X34 " tl[1]=0 1", TSJ_ERR_TYPE,
     "forward() expected at most 2 argument(s) but received 3 argument(s)"},
    {"too_few_args", "forward", X34, TSJ_ERR_TYPE,
     "forward() is missing value for argument 'idx'"},
    {"int_for_tensor", "forward", X34 " 1", TSJ_ERR_TYPE,
     "forward() Expected a value of type 'Tensor' for argument 'idx' but instead found type "
     "'int'"},
    {"list_for_int", "pick", X34 " [1]", TSJ_ERR_TYPE,
     "pick() Expected a value of type 'int' for argument 'i' but instead found type 'List"},
    {"float_for_int", "pick", X34 " 1.5", TSJ_ERR_TYPE,
     "pick() Expected a value of type 'int' for argument 'i' but instead found type 'float'"},
    {"tensor_for_list_int", "kinds", X34 " 2 " X34 " 0.5 true", TSJ_ERR_TYPE,
     "kinds() Expected a value of type 'List[int]' for argument 'sizes' but instead found type "
     "'Tensor'"},
    {"str_for_bool", "kinds", X34 " 2 [4,3] 0.5 \"yes\"", TSJ_ERR_TYPE,
     "kinds() Expected a value of type 'bool' for argument 'flag' but instead found type 'str'"},
    /* dtypes a kernel does not take */
    {"float_index_select", "forward", X34 " tf[2]=0,1", TSJ_ERR_TYPE,
     "index_select(): Expected dtype int32 or int64 for index"},
    {"float_embedding", "embed", "tf[2]=1,2", TSJ_ERR_TYPE,
     "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
     "Long, Int"},
    {"bool_matmul", "mm", "tb[2,2]=1 tb[2,2]=1", TSJ_ERR_TYPE, "not implemented for 'Bool'"},
    {"int_float_matmul", "mm", "tl[2,2]=1 tf[2,2]=1", TSJ_ERR_TYPE,
     "expected scalar type Long but found Float"},
    /* shapes */
    {"no_broadcast", "add", "tf[2,3]=1 tf[4]=1", TSJ_ERR_SHAPE,
     "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"},
    {"matmul_shapes", "mm", "tf[2,3]=1 tf[4,5]=1", TSJ_ERR_SHAPE,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"},
    {"reshape_numel", "kinds", X34 " 2 [5,3] 0.5 true", TSJ_ERR_SHAPE,
     "shape '[5, 3]' is invalid for input of size 12"},
    {"zeros_negative", "zeros", "-2", TSJ_ERR_SHAPE,
     "Trying to create tensor with negative dimension -2"},
    /* indices out of range */
    {"index_select_range", "forward", X34 " tl[2]=0,3", TSJ_ERR_INDEX, "index out of range in self"},
    {"index_select_negative", "forward", X34 " tl[1]=-1", TSJ_ERR_INDEX,
     "index out of range in self"},
    {"select_range", "pick", X34 " 3", TSJ_ERR_INDEX,
     "select(): index 3 out of range for tensor of size [3, 4] at dimension 0"},
    {"select_negative_range", "pick", X34 " -4", TSJ_ERR_INDEX,
     "select(): index -4 out of range for tensor of size [3, 4] at dimension 0"},
    {"embedding_range", "embed", "tl[2]=1,10", TSJ_ERR_INDEX, "index out of range in self"},
    {"embedding_negative", "embed", "tl[1]=-1", TSJ_ERR_INDEX, "index out of range in self"},
    {"gather_range", "gather", X34 " tl[3,1]=0,4,1", TSJ_ERR_INDEX,
     "index 4 is out of bounds for dimension 1 with size 4"},
    {"index_range", "index", X34 " tl[1]=5", TSJ_ERR_INDEX,
     "index 5 is out of bounds for dimension 0 with size 3"},
};
#define NCASES (sizeof CASES / sizeof CASES[0])

typedef struct report {
    char text[16384];
    size_t len;
    int failures;
} report;

static void rep(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rep(report *r, const char *fmt, ...)
{
    r->failures++;
    if (r->len >= sizeof r->text - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->text + r->len, sizeof r->text - r->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        r->len += (size_t)n < sizeof r->text - r->len ? (size_t)n : sizeof r->text - r->len - 1;
}

static tsj_model *load(const char *mode)
{
    tsj_options *o = tsj_options_create();
    assert_int_equal(tsj_options_set(o, "mode", mode), TSJ_OK);
    /* compile at the first call, so every bad call below meets compiled code */
    assert_int_equal(tsj_options_set(o, "jit_threshold", "1"), TSJ_OK);
    tsj_model *m = NULL;
    tsj_error *err = NULL;
    tsj_status st = tsj_model_load(ts_data_path("hardening/ops.pt"), o, &m, &err);
    tsj_options_free(o);
    if (st)
        fail_msg("loading hardening/ops.pt (%s): %s", mode, tsj_error_message(err));
    return m;
}

/* The good call that must work after every bad one: index_select rows 2, 0
 * of arange(12).view(3, 4). */
static int good_call_ok(tsj_model *m, char *why, size_t size)
{
    tsj_value *args[2];
    size_t n = make_args(X34 " tl[2]=2,0", args, 2);
    tsj_value *out = NULL;
    tsj_error *err = NULL;
    tsj_status st = tsj_model_call(m, "forward", args, n, &out, &err);
    free_args(args, n);
    if (st) {
        snprintf(why, size, "%s", tsj_error_message(err));
        tsj_error_free(err);
        return 0;
    }
    static const float want[8] = {8, 9, 10, 11, 0, 1, 2, 3};
    int ok = tsj_tensor_dtype(out) == TSJ_FLOAT32 && tsj_tensor_numel(out) == 8 &&
             tsj_tensor_is_contiguous(out) && !memcmp(tsj_tensor_data(out), want, sizeof want);
    if (!ok)
        snprintf(why, size, "wrong result");
    tsj_value_release(out);
    return ok;
}

static void run_cases(const char *mode)
{
    tsj_model *m = load(mode);
    report *r = calloc(1, sizeof *r);
    assert_non_null(r);
    char why[512];
    if (!good_call_ok(m, why, sizeof why))
        fail_msg("mode %s: the good call fails before any bad one: %s", mode, why);
    for (size_t i = 0; i < NCASES; i++) {
        const bad_case *c = &CASES[i];
        tsj_value *args[8];
        size_t n = make_args(c->args, args, 8);
        tsj_value *out = NULL;
        tsj_error *err = NULL;
        tsj_status st = tsj_model_call(m, c->method, args, n, &out, &err);
        free_args(args, n);
        if (st == TSJ_OK) {
            rep(r, "  %s: %s(%s) succeeded; expected %s \"%s\"\n", c->name, c->method, c->args,
                tsj_status_name(c->status), c->substr);
            tsj_value_release(out);
        } else {
            assert_null(out);
            assert_non_null(err);
            const char *msg = tsj_error_message(err);
            if (st != c->status || !strstr(msg, c->substr))
                rep(r, "  %s: got %s \"%s\"\n      expected %s containing \"%s\"\n", c->name,
                    tsj_status_name(st), msg, tsj_status_name(c->status), c->substr);
            tsj_error_free(err);
        }
        if (!good_call_ok(m, why, sizeof why))
            rep(r, "  %s: the next good call fails: %s\n", c->name, why);
    }
    tsj_model_free(m);
    if (r->failures) {
        print_error("mode %s: %d of %zu bad-argument cases wrong:\n%s", mode, r->failures,
                    NCASES, r->text);
        free(r);
        fail();
    }
    free(r);
}

static void bad_calls_interp(void **state)
{
    (void)state;
    run_cases("interp");
}

static void bad_calls_jit(void **state)
{
    (void)state;
    run_cases("jit");
}

/* The case names match messages.txt (the PyTorch reference), so the table
 * stays in step with the generator. */
static void cases_match_the_reference(void **state)
{
    (void)state;
    FILE *f = fopen(ts_data_path("hardening/messages.txt"), "r");
    assert_non_null(f);
    char line[2048];
    int found[NCASES] = {0};
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        for (size_t i = 0; i < NCASES; i++)
            if (!strcmp(line, CASES[i].name)) {
                found[i] = 1;
                if (!strstr(tab + 1, CASES[i].substr) && strncmp(CASES[i].name, "too_", 4) &&
                    strcmp(CASES[i].name, "list_for_int"))
                    fail_msg("case %s: PyTorch's message '%s' does not contain '%s'",
                             CASES[i].name, tab + 1, CASES[i].substr);
            }
    }
    fclose(f);
    for (size_t i = 0; i < NCASES; i++)
        if (!found[i])
            fail_msg("case %s is not in messages.txt", CASES[i].name);
}

/* ---- NULL handles and unknown methods ---- */

static void null_and_unknown(void **state)
{
    (void)state;
    tsj_model *m = load("interp");
    tsj_value *args[2];
    size_t n = make_args(X34 " tl[1]=0", args, 2);
    tsj_value *out = NULL;
    tsj_error *err = NULL;
    assert_int_equal(tsj_model_call(NULL, "forward", args, n, &out, &err),
                     TSJ_ERR_INVALID_ARGUMENT);
    tsj_error_free(err);
    err = NULL;
    assert_int_equal(tsj_model_call(m, "forward", NULL, 2, &out, &err), TSJ_ERR_INVALID_ARGUMENT);
    tsj_error_free(err);
    err = NULL;
    assert_int_equal(tsj_model_call(m, "forward", args, n, NULL, &err),
                     TSJ_ERR_INVALID_ARGUMENT);
    tsj_error_free(err);
    err = NULL;
    assert_int_equal(tsj_model_call(m, "nope", args, n, &out, &err), TSJ_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(tsj_error_message(err), "no method 'nope'"));
    tsj_error_free(err);
    err = NULL;
    tsj_value *with_null[2] = {args[0], NULL};
    assert_int_equal(tsj_model_call(m, "forward", with_null, 2, &out, &err),
                     TSJ_ERR_INVALID_ARGUMENT);
    tsj_error_free(err);
    /* err may be NULL: the status alone */
    assert_int_equal(tsj_model_call(m, "forward", args, 1, &out, NULL), TSJ_ERR_TYPE);
    free_args(args, n);
    char why[256];
    assert_true(good_call_ok(m, why, sizeof why));
    tsj_model_free(m);
}

/* ---- .npy files ---- */

static void malformed_npy(void **state)
{
    (void)state;
    static const char *bad[] = {"bad_dtype",  "bad_header",       "bad_magic",
                                "bad_shape",  "bad_version",      "huge_header_len",
                                "trailing",   "truncated_data",   "truncated_header"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "npy/%s.npy", bad[i]);
        tsj_value *v = NULL;
        tsj_error *err = NULL;
        tsj_status st = tsj_npy_load(ts_data_path(rel), &v, &err);
        if (st == TSJ_OK)
            fail_msg("%s loaded", rel);
        assert_null(v);
        assert_int_equal(st, TSJ_ERR_FORMAT);
        assert_int_equal(tsj_error_status(err), TSJ_ERR_FORMAT);
        assert_true(strlen(tsj_error_message(err)) > 0);
        tsj_error_free(err);
    }
    /* a file that is not there */
    tsj_value *v = NULL;
    tsj_error *err = NULL;
    assert_int_equal(tsj_npy_load(ts_data_path("npy/no_such_file.npy"), &v, &err), TSJ_ERR_IO);
    assert_non_null(strstr(tsj_error_message(err), "no_such_file.npy"));
    tsj_error_free(err);
    err = NULL;
    /* every truncation of a good file fails cleanly (or, at full length, loads) */
    FILE *f = fopen(ts_data_path("npy/float32_c.npy"), "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n > 0 && n < sizeof buf);
    for (size_t len = 0; len < n; len++) {
        v = NULL;
        err = NULL;
        tsj_status st = tsj_npy_load_buffer(buf, len, &v, &err);
        if (st == TSJ_OK)
            fail_msg("float32_c.npy cut to %zu of %zu bytes loaded", len, n);
        assert_int_equal(st, TSJ_ERR_FORMAT);
        tsj_error_free(err);
    }
    assert_int_equal(tsj_npy_load_buffer(buf, n, &v, NULL), TSJ_OK);
    tsj_value_release(v);
    /* a corrupted header: every byte of it flipped in turn */
    size_t hdr = 10u + (size_t)(buf[8] | (buf[9] << 8));
    for (size_t at = 0; at < hdr && at < n; at++) {
        unsigned char save = buf[at];
        buf[at] ^= 0x5a;
        v = NULL;
        err = NULL;
        tsj_status st = tsj_npy_load_buffer(buf, n, &v, &err);
        if (st == TSJ_OK)
            tsj_value_release(v); /* a flip may still make a valid header */
        else
            tsj_error_free(err);
        buf[at] = save;
    }
    assert_int_equal(tsj_npy_load_buffer(NULL, 4, &v, NULL), TSJ_ERR_INVALID_ARGUMENT);
    assert_int_equal(tsj_npy_load(NULL, &v, NULL), TSJ_ERR_INVALID_ARGUMENT);
}

/* A valid .npy whose shape or dtype does not fit the model's method. */
static void mismatched_npy(void **state)
{
    (void)state;
    const char *modes[2] = {"interp", "jit"};
    for (int mi = 0; mi < 2; mi++) {
        tsj_model *m = load(modes[mi]);
        tsj_value *x = NULL, *idx = NULL;
        tsj_error *err = NULL;
        assert_int_equal(tsj_npy_load(ts_data_path("npy/float32_c.npy"), &x, &err), TSJ_OK);
        assert_int_equal(tsj_npy_load(ts_data_path("npy/float64_c.npy"), &idx, &err), TSJ_OK);
        /* float64 indices into index_select */
        tsj_value *args[2] = {x, idx}, *out = NULL;
        tsj_status st = tsj_model_call(m, "forward", args, 2, &out, &err);
        assert_int_equal(st, TSJ_ERR_TYPE);
        assert_non_null(strstr(tsj_error_message(err), "Expected dtype int32 or int64"));
        tsj_error_free(err);
        err = NULL;
        /* the .npy tensor into a Linear(4, 8) with the wrong feature count */
        int64_t last = tsj_tensor_shape(x)[tsj_tensor_ndim(x) - 1];
        st = tsj_model_call(m, "linear", args, 1, &out, &err);
        if (last != 4) {
            assert_int_equal(st, TSJ_ERR_SHAPE);
            assert_non_null(strstr(tsj_error_message(err), "cannot be multiplied"));
            tsj_error_free(err);
        } else {
            assert_int_equal(st, TSJ_OK);
            tsj_value_release(out);
        }
        tsj_value_release(x);
        tsj_value_release(idx);
        char why[256];
        assert_true(good_call_ok(m, why, sizeof why));
        tsj_model_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cases_match_the_reference),
        cmocka_unit_test(bad_calls_interp),
        cmocka_unit_test(bad_calls_jit),
        cmocka_unit_test(null_and_unknown),
        cmocka_unit_test(malformed_npy),
        cmocka_unit_test(mismatched_npy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
