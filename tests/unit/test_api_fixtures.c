/*
 * test_api_fixtures.c — every model fixture of tests/data/fixtures (made by
 * tests/gen/gen_fixtures.py; the manifest format is described in its
 * docstring) loaded and called through the public C ABI, in mode "interp"
 * and in mode "jit", and compared with PyTorch's references: the result's
 * structure, each tensor's dtype, shape and values within tolerance, each
 * int/float/bool; for error fixtures a failing status whose message
 * contains the expected substring.
 *
 * Every fixture runs; failures are collected and reported together at the
 * end. A fixture marked xfail= in the manifest is a known tsjit bug or gap:
 * it is reported as XFAIL while it fails and as UNEXPECTED PASS once it
 * passes (neither fails the test). The environment variable
 * TSJ_FIXTURES=name1,name2 restricts the run to those fixtures.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "tsjit.h"

/* ------------------------------------------------------------------------ */
/* The manifest                                                              */
/* ------------------------------------------------------------------------ */

typedef struct fixture {
    int line;
    const char *name, *model, *method, *args, *result, *outputs, *error, *xfail;
    double rtol, atol;
} fixture;

typedef struct manifest {
    fixture *items;
    size_t n;
    char *text;
} manifest;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

/* Parses the manifest in place; a malformed line fails the test. */
static void manifest_load(manifest *m)
{
    memset(m, 0, sizeof *m);
    const char *path = ts_data_path("fixtures/manifest.txt");
    m->text = slurp(path);
    if (!m->text)
        fail_msg("cannot read %s", path);
    size_t cap = 0;
    int lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(m->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (line[0] == '#' || line[0] == 0)
            continue;
        if (m->n == cap) {
            cap = cap ? cap * 2 : 64;
            m->items = realloc(m->items, cap * sizeof *m->items);
            assert_non_null(m->items);
        }
        fixture *fx = &m->items[m->n++];
        memset(fx, 0, sizeof *fx);
        fx->line = lineno;
        fx->rtol = 1e-4;
        fx->atol = 1e-5;
        char *fsave = NULL;
        for (char *field = strtok_r(line, "\t", &fsave); field;
             field = strtok_r(NULL, "\t", &fsave)) {
            char *eq = strchr(field, '=');
            if (!eq)
                fail_msg("manifest line %d: field '%s' has no '='", lineno, field);
            *eq = 0;
            char *v = eq + 1;
            if (!strcmp(field, "name"))
                fx->name = v;
            else if (!strcmp(field, "model"))
                fx->model = v;
            else if (!strcmp(field, "method"))
                fx->method = v;
            else if (!strcmp(field, "args"))
                fx->args = v;
            else if (!strcmp(field, "result"))
                fx->result = v;
            else if (!strcmp(field, "outputs"))
                fx->outputs = v;
            else if (!strcmp(field, "error"))
                fx->error = v;
            else if (!strcmp(field, "xfail"))
                fx->xfail = v;
            else if (!strcmp(field, "rtol"))
                fx->rtol = strtod(v, NULL);
            else if (!strcmp(field, "atol"))
                fx->atol = strtod(v, NULL);
            else if (strcmp(field, "note"))
                fail_msg("manifest line %d: unknown field '%s'", lineno, field);
        }
        if (!fx->name || !fx->model || !fx->method)
            fail_msg("manifest line %d: name, model and method are required", lineno);
        if (!fx->args)
            fx->args = "";
        if (!fx->error == !fx->result)
            fail_msg("manifest line %d (%s): exactly one of result= and error= is required",
                     lineno, fx->name);
        if (fx->result && !fx->outputs)
            fx->outputs = "";
    }
    if (m->n == 0)
        fail_msg("%s lists no fixtures", path);
}

static void manifest_free(manifest *m)
{
    free(m->items);
    free(m->text);
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct msg {
    char text[2048];
    size_t len;
} msg;

static void msg_add(msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void msg_add(msg *m, const char *fmt, ...)
{
    if (m->len >= sizeof m->text - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(m->text + m->len, sizeof m->text - m->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        m->len += (size_t)n < sizeof m->text - m->len ? (size_t)n : sizeof m->text - m->len - 1;
}

/* ------------------------------------------------------------------------ */
/* ARG parser: in.K.npy, ints, floats, true/false, none, [..], (..)          */
/* ------------------------------------------------------------------------ */

typedef struct argp {
    const char *s;   /* the whole ARG */
    const char *p;   /* cursor */
    const char *dir; /* the fixture's directory (relative to TSJ_TEST_DATA) */
    msg *err;
} argp;

static tsj_value *parse_arg(argp *a, int depth);

static tsj_value *parse_seq(argp *a, char close, int depth)
{
    tsj_value **items = NULL;
    size_t n = 0, cap = 0;
    tsj_value *out = NULL;
    a->p++; /* [ or ( */
    if (*a->p != close) {
        for (;;) {
            tsj_value *v = parse_arg(a, depth + 1);
            if (!v)
                goto done;
            if (n == cap) {
                cap = cap ? cap * 2 : 4;
                items = realloc(items, cap * sizeof *items);
                assert_non_null(items);
            }
            items[n++] = v;
            if (*a->p == ',') {
                a->p++;
                continue;
            }
            break;
        }
    }
    if (*a->p != close) {
        msg_add(a->err, "ARG '%s': expected '%c' at offset %d", a->s, close, (int)(a->p - a->s));
        goto done;
    }
    a->p++;
    out = close == ']' ? tsj_value_list(items, n) : tsj_value_tuple(items, n);
done:
    for (size_t i = 0; i < n; i++)
        tsj_value_release(items[i]);
    free(items);
    return out;
}

static tsj_value *parse_arg(argp *a, int depth)
{
    if (depth > 32) {
        msg_add(a->err, "ARG '%s': nested too deeply", a->s);
        return NULL;
    }
    if (*a->p == '[')
        return parse_seq(a, ']', depth);
    if (*a->p == '(')
        return parse_seq(a, ')', depth);
    const char *start = a->p;
    while (*a->p && *a->p != ',' && *a->p != ']' && *a->p != ')')
        a->p++;
    size_t len = (size_t)(a->p - start);
    char tok[512];
    if (len == 0 || len >= sizeof tok) {
        msg_add(a->err, "ARG '%s': empty or overlong item at offset %d", a->s,
                (int)(start - a->s));
        return NULL;
    }
    memcpy(tok, start, len);
    tok[len] = 0;
    if (!strcmp(tok, "true"))
        return tsj_value_bool(1);
    if (!strcmp(tok, "false"))
        return tsj_value_bool(0);
    if (!strcmp(tok, "none"))
        return tsj_value_none();
    if (len > 4 && !strcmp(tok + len - 4, ".npy")) {
        char rel[1024];
        snprintf(rel, sizeof rel, "fixtures/%s/%s", a->dir, tok);
        tsj_value *t = NULL;
        tsj_error *e = NULL;
        if (tsj_npy_load(ts_data_path(rel), &t, &e) != TSJ_OK) {
            msg_add(a->err, "ARG '%s': %s", tok, tsj_error_message(e));
            tsj_error_free(e);
            return NULL;
        }
        return t;
    }
    char *end = NULL;
    if (strpbrk(tok, ".eEn") || strstr(tok, "inf")) { /* float: 2.5, 1e-3, inf, nan */
        double d = strtod(tok, &end);
        if (*end == 0)
            return tsj_value_float(d);
    } else {
        long long i = strtoll(tok, &end, 10);
        if (*end == 0 && (isdigit((unsigned char)tok[0]) || tok[0] == '-'))
            return tsj_value_int(i);
    }
    msg_add(a->err, "ARG '%s': cannot read '%s'", a->s, tok);
    return NULL;
}

/* Builds the argument values from the space-separated ARG list. Returns the
 * count, or -1 (message in err). */
static int build_args(const fixture *fx, tsj_value **args, int max, msg *err)
{
    int n = 0;
    char dir[512];
    snprintf(dir, sizeof dir, "%s", fx->name);
    const char *p = fx->args;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *q = strchr(p, ' ');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        char one[1024];
        if (len >= sizeof one || n == max) {
            msg_add(err, "too many or too long ARGs");
            goto fail;
        }
        memcpy(one, p, len);
        one[len] = 0;
        argp a = {.s = one, .p = one, .dir = dir, .err = err};
        tsj_value *v = parse_arg(&a, 0);
        if (!v)
            goto fail;
        if (*a.p) {
            tsj_value_release(v);
            msg_add(err, "ARG '%s': trailing text at offset %d", one, (int)(a.p - one));
            goto fail;
        }
        args[n++] = v;
        p += len;
    }
    return n;
fail:
    for (int i = 0; i < n; i++)
        tsj_value_release(args[i]);
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Comparing results                                                         */
/* ------------------------------------------------------------------------ */

static int dtype_is_float(tsj_dtype d)
{
    return d == TSJ_FLOAT16 || d == TSJ_FLOAT32 || d == TSJ_FLOAT64 || d == TSJ_BFLOAT16;
}

static double bits_f16(uint16_t h)
{
    int s = h >> 15, e = (h >> 10) & 31, f = h & 1023;
    double v = e == 0 ? ldexp(f, -24) : e == 31 ? (f ? NAN : INFINITY) : ldexp(f + 1024, e - 25);
    return s ? -v : v;
}

static double load_f(const char *p, tsj_dtype d)
{
    switch (d) {
    case TSJ_FLOAT32: {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
    case TSJ_FLOAT64: {
        double f;
        memcpy(&f, p, 8);
        return f;
    }
    case TSJ_FLOAT16: {
        uint16_t h;
        memcpy(&h, p, 2);
        return bits_f16(h);
    }
    case TSJ_BFLOAT16: {
        uint16_t h;
        memcpy(&h, p, 2);
        uint32_t u = (uint32_t)h << 16;
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    default:
        return 0;
    }
}

static int64_t load_i(const char *p, tsj_dtype d)
{
    switch (d) {
    case TSJ_UINT8:
        return *(const uint8_t *)p;
    case TSJ_INT8:
        return *(const int8_t *)p;
    case TSJ_BOOL:
        return *(const uint8_t *)p != 0;
    case TSJ_INT16: {
        int16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    case TSJ_INT32: {
        int32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        int64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

static const char *shape_str(const tsj_value *t, char *buf, size_t cap)
{
    int nd = tsj_tensor_ndim(t);
    const int64_t *sh = tsj_tensor_shape(t);
    size_t n = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < nd && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%lld", i ? ", " : "", (long long)sh[i]);
    if (n < cap)
        snprintf(buf + n, cap - n, "]");
    return buf;
}

/* Element k (row-major) of a possibly strided tensor. */
static const char *elem(const tsj_value *t, int64_t k)
{
    int nd = tsj_tensor_ndim(t);
    const int64_t *sh = tsj_tensor_shape(t), *st = tsj_tensor_strides(t);
    int64_t off = 0;
    for (int i = nd - 1; i >= 0; i--) {
        int64_t idx = sh[i] ? k % sh[i] : 0;
        k = sh[i] ? k / sh[i] : 0;
        off += idx * st[i];
    }
    return (const char *)tsj_tensor_data(t) + off * (int64_t)tsj_dtype_size(tsj_tensor_dtype(t));
}

static int close_enough(double x, double y, double rtol, double atol)
{
    return (isnan(x) && isnan(y)) || x == y || fabs(x - y) <= atol + rtol * fabs(y);
}

/* Compares tensor `got` with `want`; returns 0 when they match. */
static int compare_tensor(const tsj_value *got, const tsj_value *want, double rtol, double atol,
                          const char *what, msg *m)
{
    tsj_dtype gd = tsj_tensor_dtype(got), wd = tsj_tensor_dtype(want);
    char a[256], b[256];
    if (gd != wd) {
        msg_add(m, "%s: dtype %s, expected %s; ", what, tsj_dtype_name(gd), tsj_dtype_name(wd));
        return 1;
    }
    if (tsj_tensor_ndim(got) != tsj_tensor_ndim(want) ||
        memcmp(tsj_tensor_shape(got), tsj_tensor_shape(want),
               sizeof(int64_t) * (size_t)tsj_tensor_ndim(got)) != 0) {
        msg_add(m, "%s: shape %s, expected %s; ", what, shape_str(got, a, sizeof a),
                shape_str(want, b, sizeof b));
        return 1;
    }
    int64_t n = tsj_tensor_numel(want), bad = 0, first = -1;
    double worst = 0, gx = 0, wx = 0;
    for (int64_t k = 0; k < n; k++) {
        const char *g = elem(got, k), *w = elem(want, k);
        int ok;
        double x, y;
        if (dtype_is_float(gd)) {
            x = load_f(g, gd);
            y = load_f(w, wd);
            ok = close_enough(x, y, rtol, atol);
        } else {
            int64_t xi = load_i(g, gd), yi = load_i(w, wd);
            x = (double)xi;
            y = (double)yi;
            ok = xi == yi;
        }
        if (!ok) {
            double err = isnan(x) || isnan(y) ? INFINITY : fabs(x - y);
            if (first < 0 || err > worst) {
                worst = err;
                gx = x;
                wx = y;
                first = k;
            }
            bad++;
        }
    }
    if (bad) {
        msg_add(m, "%s: %lld of %lld elements differ, worst element %lld is %.9g, expected %.9g; ",
                what, (long long)bad, (long long)n, (long long)first, gx, wx);
        return 1;
    }
    return 0;
}

typedef struct cmp {
    const fixture *fx;
    const char *shape; /* cursor into fx->result */
    const char *outs;  /* cursor into fx->outputs */
    msg *m;
    int bad;
} cmp;

static const char *kind_name(const tsj_value *v)
{
    return tsj_kind_name(tsj_value_kind(v));
}

/* The next name from the outputs= list, checked against the name the
 * structure implies. */
static int next_output(cmp *c, const char *suffix, char *file, size_t cap)
{
    snprintf(file, cap, "expected%s.npy", suffix);
    while (*c->outs == ' ')
        c->outs++;
    size_t len = strcspn(c->outs, " ");
    if (len != strlen(file) || strncmp(c->outs, file, len)) {
        msg_add(c->m, "manifest: outputs= does not match result= at %s; ", file);
        c->bad = 1;
        return 1;
    }
    c->outs += len;
    return 0;
}

/* Compares `v` with the structure at c->shape; advances the cursor. */
static void compare_value(cmp *c, const tsj_value *v, const char *suffix, int depth)
{
    char what[128], file[160];
    snprintf(what, sizeof what, "out%s", suffix[0] ? suffix : "");
    char t = *c->shape++;
    if (depth > 32)
        fail_msg("%s: result= nests too deeply", c->fx->name);
    if (t == '(' || t == '[' || t == '<') {
        char close = t == '(' ? ')' : t == '[' ? ']' : '>';
        tsj_kind k = tsj_value_kind(v);
        int kind_ok = t == '(' ? k == TSJ_KIND_TUPLE
                      : t == '[' ? k == TSJ_KIND_LIST
                                 : (k == TSJ_KIND_TUPLE || k == TSJ_KIND_OBJECT);
        if (!kind_ok) {
            msg_add(c->m, "%s: a %s, expected a %s; ", what, kind_name(v),
                    t == '(' ? "tuple" : t == '[' ? "list" : "NamedTuple");
            c->bad = 1;
        }
        size_t i = 0, n = kind_ok ? tsj_value_len(v) : 0;
        while (*c->shape && *c->shape != close) {
            char sub[96];
            snprintf(sub, sizeof sub, "%s.%zu", suffix, i);
            tsj_value *item = NULL;
            if (i < n && tsj_value_item(v, i, &item) == TSJ_OK) {
                compare_value(c, item, sub, depth + 1);
                tsj_value_release(item);
            } else {
                tsj_value *none = tsj_value_none();
                if (kind_ok) {
                    msg_add(c->m, "%s: has %zu items, expected more; ", what, n);
                    c->bad = 1;
                }
                /* keep walking the structure (consumes outputs) without checks */
                int was = c->bad;
                msg quiet = {{0}, 0};
                msg *keep = c->m;
                c->m = &quiet;
                compare_value(c, none, sub, depth + 1);
                c->m = keep;
                c->bad = was;
                tsj_value_release(none);
            }
            i++;
            if (*c->shape == ',')
                c->shape++;
        }
        if (*c->shape != close)
            fail_msg("%s: malformed result= '%s'", c->fx->name, c->fx->result);
        c->shape++;
        if (kind_ok && n != i) {
            msg_add(c->m, "%s: has %zu items, expected %zu; ", what, n, i);
            c->bad = 1;
        }
        return;
    }
    if (t == 'N') {
        if (tsj_value_kind(v) != TSJ_KIND_NONE) {
            msg_add(c->m, "%s: a %s, expected None; ", what, kind_name(v));
            c->bad = 1;
        }
        return;
    }
    if (!strchr("Tifb", t) || t == 0)
        fail_msg("%s: malformed result= '%s'", c->fx->name, c->fx->result);
    if (next_output(c, suffix, file, sizeof file))
        return;
    char rel[1024];
    snprintf(rel, sizeof rel, "fixtures/%s/%s", c->fx->name, file);
    tsj_value *want = NULL;
    tsj_error *e = NULL;
    if (tsj_npy_load(ts_data_path(rel), &want, &e) != TSJ_OK) {
        msg_add(c->m, "%s: cannot load the reference %s: %s; ", what, rel, tsj_error_message(e));
        tsj_error_free(e);
        c->bad = 1;
        return;
    }
    tsj_kind k = tsj_value_kind(v);
    if (t == 'T') {
        if (k != TSJ_KIND_TENSOR) {
            msg_add(c->m, "%s: a %s, expected a Tensor; ", what, kind_name(v));
            c->bad = 1;
        } else if (compare_tensor(v, want, c->fx->rtol, c->fx->atol, what, c->m)) {
            c->bad = 1;
        }
    } else if (t == 'i') {
        int64_t got, exp = load_i(tsj_tensor_data(want), TSJ_INT64);
        if (tsj_value_get_int(v, &got) != TSJ_OK || k != TSJ_KIND_INT) {
            msg_add(c->m, "%s: a %s, expected an int; ", what, kind_name(v));
            c->bad = 1;
        } else if (got != exp) {
            msg_add(c->m, "%s: %lld, expected %lld; ", what, (long long)got, (long long)exp);
            c->bad = 1;
        }
    } else if (t == 'f') {
        double got, exp = load_f(tsj_tensor_data(want), TSJ_FLOAT64);
        if (k != TSJ_KIND_FLOAT || tsj_value_get_float(v, &got) != TSJ_OK) {
            msg_add(c->m, "%s: a %s, expected a float; ", what, kind_name(v));
            c->bad = 1;
        } else if (!close_enough(got, exp, c->fx->rtol, c->fx->atol)) {
            msg_add(c->m, "%s: %.17g, expected %.17g; ", what, got, exp);
            c->bad = 1;
        }
    } else {
        int got, exp = *(const uint8_t *)tsj_tensor_data(want) != 0;
        if (k != TSJ_KIND_BOOL || tsj_value_get_bool(v, &got) != TSJ_OK) {
            msg_add(c->m, "%s: a %s, expected a bool; ", what, kind_name(v));
            c->bad = 1;
        } else if (!got != !exp) {
            msg_add(c->m, "%s: %s, expected %s; ", what, got ? "True" : "False",
                    exp ? "True" : "False");
            c->bad = 1;
        }
    }
    tsj_value_release(want);
}

static int compare_result(const fixture *fx, const tsj_value *v, msg *m)
{
    cmp c = {.fx = fx, .shape = fx->result, .outs = fx->outputs, .m = m};
    compare_value(&c, v, "", 0);
    if (*c.shape)
        fail_msg("%s: malformed result= '%s' (trailing '%s')", fx->name, fx->result, c.shape);
    while (*c.outs == ' ')
        c.outs++;
    if (*c.outs) {
        msg_add(m, "manifest: outputs= lists more files than result= has leaves; ");
        c.bad = 1;
    }
    return c.bad;
}

/* ------------------------------------------------------------------------ */
/* Running one fixture                                                       */
/* ------------------------------------------------------------------------ */

#define MAX_ARGS 16

/* Runs fx in `mode`; returns 0 on success, else 1 with the reason in m. */
static int run_fixture(const fixture *fx, const char *mode, msg *m)
{
    tsj_options *opts = tsj_options_create();
    assert_non_null(opts);
    assert_int_equal(tsj_options_set(opts, "mode", mode), TSJ_OK);
    /* interp runs on one thread, jit on the library's default */
    if (!strcmp(mode, "interp"))
        assert_int_equal(tsj_options_set(opts, "threads", "1"), TSJ_OK);
    char rel[1024];
    snprintf(rel, sizeof rel, "fixtures/%s", fx->model);
    tsj_model *model = NULL;
    tsj_error *e = NULL;
    int bad = 1;
    tsj_value *args[MAX_ARGS];
    int nargs = -1;
    if (tsj_model_load(ts_data_path(rel), opts, &model, &e) != TSJ_OK) {
        msg_add(m, "load failed (%s): %s", tsj_status_name(tsj_error_status(e)),
                tsj_error_message(e));
        tsj_error_free(e);
        goto out;
    }
    nargs = build_args(fx, args, MAX_ARGS, m);
    if (nargs < 0)
        goto out;
    /* In jit mode (threshold 2, the default), the first call runs in the
     * interpreter, the second compiles, the third runs the cached code. */
    for (int call = 0; call < (strcmp(mode, "jit") ? 2 : 3); call++) {
        tsj_value *res = NULL;
        e = NULL;
        tsj_status st = tsj_model_call(model, fx->method, args, (size_t)nargs, &res, &e);
        if (fx->error) {
            if (st == TSJ_OK) {
                msg_add(m, "call %d succeeded (a %s), expected an error containing \"%s\"",
                        call + 1, kind_name(res), fx->error);
                tsj_value_release(res);
                goto out;
            }
            if (!strstr(tsj_error_message(e), fx->error)) {
                msg_add(m, "call %d failed (%s) with \"%s\", expected a message containing \"%s\"",
                        call + 1, tsj_status_name(st), tsj_error_message(e), fx->error);
                tsj_error_free(e);
                goto out;
            }
            tsj_error_free(e);
            continue;
        }
        if (st != TSJ_OK) {
            msg_add(m, "call %d failed (%s): %s", call + 1, tsj_status_name(st),
                    tsj_error_message(e));
            tsj_error_free(e);
            goto out;
        }
        if (!res) {
            msg_add(m, "call %d returned OK without a result", call + 1);
            goto out;
        }
        msg cm = {{0}, 0};
        int r = compare_result(fx, res, &cm);
        tsj_value_release(res);
        if (r) {
            msg_add(m, "%s%s", call ? "(second call) " : "", cm.text);
            goto out;
        }
    }
    bad = 0;
out:
    for (int i = 0; i < nargs; i++)
        tsj_value_release(args[i]);
    tsj_model_free(model);
    tsj_options_free(opts);
    return bad;
}

static int selected(const char *name)
{
    const char *only = getenv("TSJ_FIXTURES");
    if (!only || !*only)
        return 1;
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !strncmp(p, name, n))
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

static void run_all(const char *mode)
{
    manifest mf;
    manifest_load(&mf);
    int pass = 0, fail = 0, xfail = 0, xpass = 0, ran = 0;
    msg *fails = calloc(mf.n, sizeof *fails);
    assert_non_null(fails);
    for (size_t i = 0; i < mf.n; i++) {
        const fixture *fx = &mf.items[i];
        if (!selected(fx->name))
            continue;
        ran++;
        msg m = {{0}, 0};
        int bad = run_fixture(fx, mode, &m);
        if (!bad && !fx->xfail) {
            pass++;
        } else if (!bad) {
            xpass++;
            printf("[%s] UNEXPECTED PASS %s (marked xfail: %s)\n", mode, fx->name, fx->xfail);
        } else if (fx->xfail) {
            xfail++;
            printf("[%s] XFAIL %s: %s\n", mode, fx->name, m.text);
        } else {
            fails[fail++] = m;
            printf("[%s] FAIL %s: %s\n", mode, fx->name, m.text);
        }
    }
    printf("[%s] %d fixtures: %d passed, %d failed, %d xfail, %d unexpected pass\n", mode, ran,
           pass, fail, xfail, xpass);
    fflush(stdout);
    free(fails);
    manifest_free(&mf);
    if (fail)
        fail_msg("%d fixture(s) failed in mode %s (see the FAIL lines above)", fail, mode);
}

static void fixtures_interp(void **state)
{
    (void)state;
    run_all("interp");
}

static void fixtures_jit(void **state)
{
    (void)state;
    run_all("jit");
}

/* The parser and the comparison on hand-made inputs, so a broken harness
 * cannot pass fixtures by accident. */
static void harness_self_check(void **state)
{
    (void)state;
    msg m = {{0}, 0};
    fixture fx = {.name = "self", .args = "5 -2 2.5 1e-3 true none [1,(2,false),[]] ()"};
    tsj_value *args[MAX_ARGS];
    int n = build_args(&fx, args, MAX_ARGS, &m);
    assert_int_equal(n, 8);
    int64_t i;
    double d;
    int b;
    assert_int_equal(tsj_value_get_int(args[0], &i), TSJ_OK);
    assert_int_equal(i, 5);
    assert_int_equal(tsj_value_get_int(args[1], &i), TSJ_OK);
    assert_int_equal(i, -2);
    assert_int_equal(tsj_value_kind(args[2]), TSJ_KIND_FLOAT);
    assert_int_equal(tsj_value_get_float(args[3], &d), TSJ_OK);
    assert_true(d == 1e-3);
    assert_int_equal(tsj_value_get_bool(args[4], &b), TSJ_OK);
    assert_int_equal(b, 1);
    assert_int_equal(tsj_value_kind(args[5]), TSJ_KIND_NONE);
    assert_int_equal(tsj_value_kind(args[6]), TSJ_KIND_LIST);
    assert_int_equal(tsj_value_len(args[6]), 3);
    tsj_value *item = NULL;
    assert_int_equal(tsj_value_item(args[6], 1, &item), TSJ_OK);
    assert_int_equal(tsj_value_kind(item), TSJ_KIND_TUPLE);
    tsj_value_release(item);
    assert_int_equal(tsj_value_kind(args[7]), TSJ_KIND_TUPLE);
    assert_int_equal(tsj_value_len(args[7]), 0);
    for (int k = 0; k < n; k++)
        tsj_value_release(args[k]);
    const char *bad[] = {"[1,2", "(1,)", "abc", "1.5x", "[1]]"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        fixture f2 = {.name = "self", .args = bad[k]};
        msg m2 = {{0}, 0};
        assert_int_equal(build_args(&f2, args, MAX_ARGS, &m2), -1);
        assert_true(m2.len > 0);
    }
    /* structure comparison: (T-less) nested ints and a bool */
    tsj_value *one = tsj_value_int(1), *yes = tsj_value_bool(1);
    tsj_value *inner[1] = {yes};
    tsj_value *tup_in = tsj_value_tuple(inner, 1);
    tsj_value *outer[2] = {one, tup_in};
    tsj_value *res = tsj_value_tuple(outer, 2);
    fixture f3 = {.name = "self", .result = "(N,[T])", .outputs = "expected.1.0.npy"};
    msg m3 = {{0}, 0};
    assert_int_equal(compare_result(&f3, res, &m3), 1); /* an int is no None, a tuple no list */
    assert_non_null(strstr(m3.text, "expected None"));
    assert_non_null(strstr(m3.text, "expected a list"));
    tsj_value_release(res);
    tsj_value_release(tup_in);
    tsj_value_release(one);
    tsj_value_release(yes);
    /* tensors: dtype, shape and value mismatches are reported */
    float fa[3] = {1, 2, 3}, fb[3] = {1, 2, 3.1f};
    int64_t sh[1] = {3}, sh2[2] = {1, 3};
    tsj_value *ta = NULL, *tb = NULL, *tc = NULL, *td = NULL;
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT32, 1, sh, fa, &ta, NULL), TSJ_OK);
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT32, 1, sh, fb, &tb, NULL), TSJ_OK);
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT32, 2, sh2, fa, &tc, NULL), TSJ_OK);
    assert_int_equal(tsj_tensor_create(TSJ_FLOAT64, 1, sh, NULL, &td, NULL), TSJ_OK);
    msg m4 = {{0}, 0};
    assert_int_equal(compare_tensor(ta, ta, 1e-4, 1e-5, "x", &m4), 0);
    assert_int_equal(compare_tensor(ta, tb, 1e-4, 1e-5, "x", &m4), 1);
    assert_int_equal(compare_tensor(ta, tb, 0.1, 0, "x", &m4), 0);
    assert_int_equal(compare_tensor(ta, tc, 1e-4, 1e-5, "x", &m4), 1);
    assert_int_equal(compare_tensor(ta, td, 1e-4, 1e-5, "x", &m4), 1);
    tsj_value_release(ta);
    tsj_value_release(tb);
    tsj_value_release(tc);
    tsj_value_release(td);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(harness_self_check),
        cmocka_unit_test(fixtures_interp),
        cmocka_unit_test(fixtures_jit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
