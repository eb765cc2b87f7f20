/*
 * test_fe_parse.c — the TorchScript source lexer and parser
 * (frontend/fe_lex.c, frontend/fe_parse.c).
 *
 * Golden tests: every tests/data/parse/{,real/,errors/}*.py is parsed and
 * the fe_ast_dump text (or "status: ...\n<message>\n" for errors) is
 * compared with the .expected file next to it. Regenerate with
 *   TSJ_UPDATE_GOLDEN=1 ./test_fe_parse
 * Then unit tests of the API, values, locations and robustness against
 * hostile input (truncation, mutation, random bytes, deep nesting).
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fe_ast.h"
#include "fe_lex.h"
#include "fe_parse.h"
#include "rt_arena.h"
#include "rt_error.h"

/* ---- helpers ---- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf = realloc(buf, n + 1);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(s, f);
    return fclose(f);
}

static const char *data_dir(void)
{
    const char *d = getenv("TSJ_TEST_DATA");
    return d && *d ? d : "data";
}

static const char *status_name(tsj_status s)
{
    switch (s) {
    case TSJ_OK: return "OK";
    case TSJ_ERR_FORMAT: return "FORMAT";
    case TSJ_ERR_UNSUPPORTED: return "UNSUPPORTED";
    case TSJ_ERR_LIMIT: return "LIMIT";
    case TSJ_ERR_NOMEM: return "NOMEM";
    case TSJ_ERR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    default: return "OTHER";
    }
}

/* Parses src; returns the malloc'd dump or error text. */
static char *parse_to_text(const char *file, const char *src, size_t len)
{
    rt_arena a;
    rt_arena_init(&a);
    rt_err e;
    fe_module *m = fe_parse(&a, file, src, len, &e);
    char *out;
    if (m) {
        assert_int_equal(e.status, TSJ_OK);
        out = fe_ast_dump(m);
        assert_non_null(out);
    } else {
        assert_int_not_equal(e.status, TSJ_OK);
        /* location fields agree with the message head */
        char head[RT_ERR_FILE_MAX + 64];
        snprintf(head, sizeof head, "%s:%d:%d: error: ", e.file, e.line, e.col);
        if (strncmp(e.msg, head, strlen(head)) != 0)
            fail_msg("message head mismatch: '%s' vs '%s'", e.msg, head);
        size_t n = strlen(e.msg) + 64;
        out = malloc(n);
        snprintf(out, n, "status: %s\n%s\n", status_name(e.status), e.msg);
    }
    rt_arena_free(&a);
    return out;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every *.py in data/parse/<sub>; returns the number checked. */
static int run_golden_dir(const char *sub)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/parse%s%s", data_dir(), *sub ? "/" : "", sub);
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s (set TSJ_TEST_DATA)", dir);
    char **names = NULL;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 3 && !strcmp(de->d_name + l - 3, ".py")) {
            names = realloc(names, sizeof *names * (size_t)(n + 1));
            names[n++] = strdup(de->d_name);
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    bool update = getenv("TSJ_UPDATE_GOLDEN") && !strcmp(getenv("TSJ_UPDATE_GOLDEN"), "1");
    int failures = 0;
    for (int i = 0; i < n; i++) {
        char path[1400], exp_path[1400], rel[600];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", names[i]);
        snprintf(exp_path, sizeof exp_path, "%.*s.expected", (int)(strlen(path) - 3), path);
        size_t len;
        char *src = read_file(path, &len);
        assert_non_null(src);
        char *got = parse_to_text(rel, src, len);
        if (update) {
            assert_int_equal(write_file(exp_path, got), 0);
        } else {
            size_t elen;
            char *want = read_file(exp_path, &elen);
            if (!want) {
                print_error("missing %s (run with TSJ_UPDATE_GOLDEN=1)\n", exp_path);
                failures++;
            } else if (strcmp(want, got) != 0) {
                int line = 1;
                size_t k = 0;
                while (want[k] && want[k] == got[k]) {
                    if (want[k] == '\n')
                        line++;
                    k++;
                }
                print_error("golden mismatch %s at line %d\n  want: %.120s\n  got:  %.120s\n",
                            rel, line, want + k, got + k);
                failures++;
            }
            free(want);
        }
        free(got);
        free(src);
        free(names[i]);
    }
    free(names);
    if (failures)
        fail_msg("%d golden file(s) differ in parse/%s", failures, sub);
    return n;
}

/* Parses an in-memory string that must succeed. */
static fe_module *parse_ok(rt_arena *a, const char *src)
{
    rt_err e;
    fe_module *m = fe_parse(a, "t.py", src, strlen(src), &e);
    if (!m)
        fail_msg("unexpected parse error: %s", e.msg);
    return m;
}

/* Parses an in-memory string that must fail; returns its status. */
static tsj_status parse_err(const char *src, size_t len, rt_err *e)
{
    rt_arena a;
    rt_arena_init(&a);
    fe_module *m = fe_parse(&a, "t.py", src, len, e);
    assert_null(m);
    assert_int_not_equal(e->status, TSJ_OK);
    rt_arena_free(&a);
    return e->status;
}

/* ---- golden tests ---- */

static void test_fe_golden_synthetic(void **state)
{
    (void)state;
    assert_true(run_golden_dir("") >= 8);
}

static void test_fe_golden_real(void **state)
{
    (void)state;
    assert_true(run_golden_dir("real") >= 10);
}

static void test_fe_golden_errors(void **state)
{
    (void)state;
    assert_true(run_golden_dir("errors") >= 50);
}

/* ---- API walk ---- */

static void test_fe_api_walk(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a);
    const char *src = "class M(Module):\n"
                      "  __parameters__ = [\"w\", ]\n"
                      "  __buffers__ = []\n"
                      "  w : Tensor\n"
                      "  k : Final[int] = 3\n"
                      "  def forward(self: __torch__.a.___torch_mangle_1.M, x: Tensor,\n"
                      "      y: Optional[int]=None, *, z: int=-2) -> Tuple[Tensor, int]:\n"
                      "    a, b, = f(x, dim=1)\n"
                      "    return (a, z)\n"
                      "def g() -> None:\n"
                      "  pass\n";
    fe_module *m = parse_ok(&a, src);
    assert_string_equal(m->file, "t.py");
    assert_int_equal(m->nitems, 2);
    assert_int_equal(m->items[0].kind, FE_ITEM_CLASS);
    fe_class *c = m->items[0].u.cls;
    assert_string_equal(c->name, "M");
    assert_int_equal(c->kind, FE_CLASS_MODULE);
    assert_true(c->has_parameters && c->has_buffers);
    assert_int_equal(c->nparameters, 1);
    assert_string_equal(c->parameters[0], "w");
    assert_int_equal(c->nbuffers, 0);
    assert_int_equal(c->nfields, 1);
    assert_string_equal(c->fields[0].name, "w");
    assert_int_equal(c->fields[0].type->kind, FE_EX_NAME);
    assert_int_equal(c->nconsts, 1);
    assert_string_equal(c->consts[0].name, "k");
    assert_int_equal(c->consts[0].value->kind, FE_EX_INT);
    assert_int_equal(c->consts[0].value->u.ival, 3);
    assert_int_equal(c->nmethods, 1);
    fe_func *f = c->methods[0];
    assert_string_equal(f->name, "forward");
    assert_int_equal(f->loc.line, 6);
    assert_int_equal(f->loc.col, 3);
    assert_int_equal(f->nparams, 4);
    assert_string_equal(fe_expr_dotted(&a, f->params[0].type), "__torch__.a.___torch_mangle_1.M");
    assert_null(fe_expr_dotted(&a, f->ret));
    assert_int_equal(f->ret->kind, FE_EX_INDEX);
    assert_int_equal(f->ret->u.index.idx.n, 2);
    assert_false(f->params[2].kwonly);
    assert_true(f->params[3].kwonly);
    assert_int_equal(f->params[3].dflt->kind, FE_EX_INT);
    assert_int_equal(f->params[3].dflt->u.ival, -2);
    assert_int_equal(f->params[3].loc.line, 7);
    assert_int_equal(f->body.n, 2);
    fe_stmt *s = f->body.items[0];
    assert_int_equal(s->kind, FE_ST_ASSIGN);
    assert_int_equal(s->loc.line, 8);
    assert_int_equal(s->loc.col, 5);
    assert_int_equal(s->u.assign.target->kind, FE_EX_TUPLE);
    assert_int_equal(s->u.assign.target->u.list.n, 2);
    fe_expr *call = s->u.assign.value;
    assert_int_equal(call->kind, FE_EX_CALL);
    assert_int_equal(call->loc.col, 13);
    assert_int_equal(call->u.call.args.n, 1);
    assert_int_equal(call->u.call.nkwargs, 1);
    assert_string_equal(call->u.call.kwargs[0].name, "dim");
    assert_int_equal(call->u.call.kwargs[0].loc.col, 18);
    assert_string_equal(call->loc.file, "t.py");
    assert_int_equal(f->body.items[1]->kind, FE_ST_RETURN);
    assert_int_equal(m->items[1].kind, FE_ITEM_FUNC);
    assert_int_equal(m->items[1].u.func->body.items[0]->kind, FE_ST_PASS);
    rt_arena_free(&a);
}

static void test_fe_values(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a);
    const char *src = "def f() -> None:\n"
                      "  a = \"x\\x00y\\u00e9\" 'z'\n"
                      "  b = -9223372036854775808\n"
                      "  c = 1.0000000000000001e-05\n"
                      "  d = -inf\n"
                      "  e = nan\n"
                      "  g = a if b else c\n"
                      "  h = 1 < 2 < 3\n";
    fe_module *m = parse_ok(&a, src);
    fe_stmt_list *body = &m->items[0].u.func->body;
    fe_expr *v = body->items[0]->u.assign.value;
    assert_int_equal(v->kind, FE_EX_STR);
    assert_int_equal(v->u.str.len, 6);
    assert_memory_equal(v->u.str.s, "x\0y\xc3\xa9z", 7);
    v = body->items[1]->u.assign.value;
    assert_int_equal(v->kind, FE_EX_INT);
    assert_true(v->u.ival == INT64_MIN);
    assert_int_equal(v->loc.col, 7);
    v = body->items[2]->u.assign.value;
    assert_true(v->u.fval == 1.0000000000000001e-05);
    v = body->items[3]->u.assign.value;
    assert_true(isinf(v->u.fval) && v->u.fval < 0);
    v = body->items[4]->u.assign.value;
    assert_true(isnan(v->u.fval));
    v = body->items[5]->u.assign.value;
    assert_int_equal(v->kind, FE_EX_TERNARY);
    assert_string_equal(v->u.ternary.cond->u.name, "b");
    assert_string_equal(v->u.ternary.then->u.name, "a");
    v = body->items[6]->u.assign.value;
    assert_int_equal(v->kind, FE_EX_COMPARE);
    assert_int_equal(v->u.compare.n, 3);
    assert_int_equal(v->u.compare.ops[0], FE_OP_LT);
    assert_string_equal(fe_op_name(FE_OP_NOT_IN), "not in");
    rt_arena_free(&a);
}

static void test_fe_parse_expr_types(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a);
    rt_err e;
    const char *t = "Tuple[Tensor, Optional[List[int]], Tuple[()]]\n";
    fe_expr *x = fe_parse_expr(&a, "type", t, strlen(t), &e);
    assert_non_null(x);
    assert_int_equal(x->kind, FE_EX_INDEX);
    assert_string_equal(x->u.index.obj->u.name, "Tuple");
    assert_int_equal(x->u.index.idx.n, 3);
    fe_expr *unit = x->u.index.idx.items[2]->u.index.idx.items[0];
    assert_int_equal(unit->kind, FE_EX_TUPLE);
    assert_int_equal(unit->u.list.n, 0);
    x = fe_parse_expr(&a, "type", "__torch__.a.B", 13, &e);
    assert_non_null(x);
    assert_string_equal(fe_expr_dotted(&a, x), "__torch__.a.B");
    assert_null(fe_parse_expr(&a, "type", "List[int] x", 11, &e));
    assert_int_equal(e.status, TSJ_ERR_FORMAT);
    assert_string_equal(e.msg, "type:1:11: error: expected end of input but found 'NAME'\n"
                               "List[int] x\n"
                               "          ^");
    assert_null(fe_parse_expr(&a, "type", "", 0, &e));
    rt_arena_free(&a);
}

/* The message format of the brief, byte for byte. */
static void test_fe_error_format(void **state)
{
    (void)state;
    rt_err e;
    const char *src = "class M(Module):\n  def forward(self: M) -> None:\n    x = f(a b)\n";
    assert_int_equal(parse_err(src, strlen(src), &e), TSJ_ERR_FORMAT);
    assert_string_equal(e.msg, "t.py:3:13: error: expected ')' but found 'NAME'\n"
                               "    x = f(a b)\n"
                               "            ^");
    assert_string_equal(e.file, "t.py");
    assert_int_equal(e.line, 3);
    assert_int_equal(e.col, 13);
    /* NULL error record is allowed */
    rt_arena a;
    rt_arena_init(&a);
    assert_null(fe_parse(&a, "t.py", src, strlen(src), NULL));
    rt_arena_free(&a);
}

static void test_fe_empty_and_null(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a);
    rt_err e;
    fe_module *m = fe_parse(&a, NULL, NULL, 0, &e);
    assert_non_null(m);
    assert_int_equal(m->nitems, 0);
    assert_string_equal(m->file, "<source>");
    char *d = fe_ast_dump(m);
    assert_string_equal(d, "(module \"<source>\")\n");
    free(d);
    assert_null(fe_ast_dump(NULL));
    /* a UTF-8 byte order mark is skipped; columns start after it */
    m = fe_parse(&a, "bom.py", "\xef\xbb\xbf" "def f() -> int:\n  return 1\n", 30, &e);
    assert_non_null(m);
    assert_int_equal(m->items[0].loc.col, 1);
    assert_null(fe_parse(&a, "x", NULL, 5, &e));
    assert_int_equal(e.status, TSJ_ERR_INVALID_ARGUMENT);
    rt_arena_free(&a);
}

static void test_fe_lexer_layout(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a);
    rt_err e;
    const char *src = "if a:\n  if b:\n    c\n\n  # x\nd(\n 1)\n";
    fe_tok_kind want[] = {FE_TK_IF,      FE_TK_NAME,    FE_TK_COLON,   FE_TK_NEWLINE,
                          FE_TK_INDENT,  FE_TK_IF,      FE_TK_NAME,    FE_TK_COLON,
                          FE_TK_NEWLINE, FE_TK_INDENT,  FE_TK_NAME,    FE_TK_NEWLINE,
                          FE_TK_DEDENT,  FE_TK_DEDENT,  FE_TK_NAME,    FE_TK_LPAREN,
                          FE_TK_INT,     FE_TK_RPAREN,  FE_TK_NEWLINE, FE_TK_EOF,
                          FE_TK_EOF};
    fe_lexer lx;
    fe_lex_init(&lx, &a, "t.py", src, strlen(src), &e);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        fe_token t;
        assert_int_equal(fe_lex_next(&lx, &t), 0);
        if (t.kind != want[i])
            fail_msg("token %zu: want %s got %s", i, fe_tok_name(want[i]), fe_tok_name(t.kind));
    }
    fe_lex_fini(&lx);
    assert_string_equal(fe_tok_name(FE_TK_FLOORDIVEQ), "//=");
    rt_arena_free(&a);
}

/* ---- robustness ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Parses and checks the contract: a module, or an error with a message. */
static void parse_any(const char *src, size_t len)
{
    rt_arena a;
    rt_arena_init(&a);
    rt_err e;
    fe_module *m = fe_parse(&a, "fuzz.py", src, len, &e);
    if (m) {
        char *d = fe_ast_dump(m);
        assert_non_null(d);
        free(d);
    } else {
        assert_int_not_equal(e.status, TSJ_OK);
        assert_true(strncmp(e.msg, "fuzz.py:", 8) == 0 || e.status == TSJ_ERR_NOMEM);
    }
    rt_arena_free(&a);
}

static char *load_real(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/parse/real/%s", data_dir(), name);
    char *s = read_file(path, len);
    if (!s)
        fail_msg("cannot read %s", path);
    return s;
}

static void test_fe_robust_truncation(void **state)
{
    (void)state;
    size_t len;
    char *src = load_real("transformer_encoder_layer__activation.py", &len);
    size_t step = len / 400 + 1;
    for (size_t cut = 0; cut <= len; cut += step)
        parse_any(src, cut);
    /* and every cut of a short file */
    free(src);
    src = load_real("while_data_dependent__torch.py", &len);
    for (size_t cut = 0; cut <= len; cut++)
        parse_any(src, cut);
    free(src);
}

static void test_fe_robust_mutation(void **state)
{
    (void)state;
    size_t len;
    char *orig = load_real("seed_sequence_input__utils_rnn.py", &len);
    char *buf = malloc(len);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    static const char interesting[] = "\0\t\n\r \"'\\()[]{}:,.=-#\x80\xff";
    for (int iter = 0; iter < 600; iter++) {
        memcpy(buf, orig, len);
        int nmut = 1 + (int)(rng_next(&seed) % 4);
        for (int k = 0; k < nmut; k++) {
            size_t pos = rng_next(&seed) % len;
            uint64_t r = rng_next(&seed);
            buf[pos] = (r & 1) ? (char)(r >> 8)
                               : interesting[(r >> 8) % (sizeof interesting - 1)];
        }
        parse_any(buf, len);
    }
    free(buf);
    free(orig);
}

static void test_fe_robust_random(void **state)
{
    (void)state;
    uint64_t seed = 12345;
    static const char alphabet[] = "abc_ 019.()[]{}:,=+-*/<>!\"'\\#\n\n\n  \t@~^&|%;";
    char buf[512];
    for (int iter = 0; iter < 2000; iter++) {
        size_t n = rng_next(&seed) % sizeof buf;
        for (size_t i = 0; i < n; i++) {
            uint64_t r = rng_next(&seed);
            buf[i] = (r % 8 == 0) ? (char)(r >> 16) : alphabet[(r >> 16) % (sizeof alphabet - 1)];
        }
        parse_any(buf, n);
    }
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * n, tail, tl + 1);
    return s;
}

static void test_fe_deep_nesting(void **state)
{
    (void)state;
    static const struct {
        const char *head, *unit, *tail;
    } cases[] = {
        {"x = ", "(", "1"},       {"x = ", "[", ""},        {"x = ", "-", "a\n"},
        {"x = ", "not ", "a\n"},  {"x = a", ".b", "\n"},    {"x = a", "[0]", "\n"},
        {"x = a", "(1)", "\n"},   {"x = 1", " + 1", "\n"},  {"x = a", " ** a", "\n"},
        {"x = a", " or a", "\n"}, {"x = a", " if a else a", "\n"},
        {"x = a", " and a", "\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = repeat(cases[i].head, cases[i].unit, 100000, cases[i].tail);
        rt_err e;
        tsj_status st = parse_err(s, strlen(s), &e);
        if (st != TSJ_ERR_LIMIT || !strstr(e.msg, "nesting too deep"))
            fail_msg("case %zu: %s", i, e.msg);
        free(s);
    }
    /* 150 nested brackets are fine */
    rt_arena a;
    rt_arena_init(&a);
    char *s = repeat("x = ", "[", 150, "");
    char *t = repeat(s, "]", 150, "\n");
    parse_ok(&a, t);
    free(s);
    free(t);
    /* a long flat file is fine */
    s = repeat("def f() -> int:\n", "  x = torch.add(x, 1)\n", 100000, "  return x\n");
    fe_module *m = parse_ok(&a, s);
    assert_int_equal(m->items[0].u.func->body.n, 100001);
    free(s);
    /* long tuples and argument lists are flat too */
    s = repeat("x = f(", "a, ", 100000, ")\n");
    parse_ok(&a, s);
    free(s);
    rt_arena_free(&a);
}

typedef struct thread_job {
    const char *src;
    size_t len;
    const char *want;
    int ok;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *j = arg;
    j->ok = 1;
    for (int i = 0; i < 5; i++) {
        rt_arena a;
        rt_arena_init(&a);
        rt_err e;
        fe_module *m = fe_parse(&a, "t.py", j->src, j->len, &e);
        char *d = m ? fe_ast_dump(m) : NULL;
        if (!d || strcmp(d, j->want) != 0)
            j->ok = 0;
        free(d);
        rt_arena_free(&a);
    }
    return NULL;
}

static void test_fe_threads(void **state)
{
    (void)state;
    size_t len;
    char *src = load_real("transformer_encoder_layer__transformer.py", &len);
    rt_arena a;
    rt_arena_init(&a);
    rt_err e;
    fe_module *m = fe_parse(&a, "t.py", src, len, &e);
    assert_non_null(m);
    char *want = fe_ast_dump(m);
    rt_arena_free(&a);
    pthread_t th[4];
    thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){src, len, want, 0};
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_true(jobs[i].ok);
    }
    free(want);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fe_golden_synthetic),
        cmocka_unit_test(test_fe_golden_real),
        cmocka_unit_test(test_fe_golden_errors),
        cmocka_unit_test(test_fe_api_walk),
        cmocka_unit_test(test_fe_values),
        cmocka_unit_test(test_fe_parse_expr_types),
        cmocka_unit_test(test_fe_error_format),
        cmocka_unit_test(test_fe_empty_and_null),
        cmocka_unit_test(test_fe_lexer_layout),
        cmocka_unit_test(test_fe_robust_truncation),
        cmocka_unit_test(test_fe_robust_mutation),
        cmocka_unit_test(test_fe_robust_random),
        cmocka_unit_test(test_fe_deep_nesting),
        cmocka_unit_test(test_fe_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
