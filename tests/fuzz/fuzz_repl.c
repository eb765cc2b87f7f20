/* fuzz_repl.c — libFuzzer target: one line of the REPL's language through
 * its parser (tools/tsjit/repl_expr.c, compiled into this target). Checks:
 * a failure has a message and an offset inside the line and leaves nothing
 * to free; a statement is a well-formed tree (kinds, counts, texts, offsets
 * inside the line); printed back in the REPL's syntax it parses to the same
 * tree; the result does not depend on the error buffer; and the expression
 * entry point (`:time EXPR N`, `:jit ...`) stops inside the line. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repl.h"

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_repl: check failed at line %d: %s\n", __LINE__, #cond);        \
            __builtin_trap();                                                                    \
        }                                                                                        \
    } while (0)

/* ---- printing a tree back in the REPL's syntax ---- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put_mem(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        CHECK(np);
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void put(buf *b, const char *s) { put_mem(b, s, strlen(s)); }

static void print_float(buf *b, double f)
{
    char t[64];
    if (isnan(f)) {
        put(b, "nan");
        return;
    }
    if (isinf(f)) {
        put(b, f < 0 ? "-inf" : "inf");
        return;
    }
    snprintf(t, sizeof t, "%.17g", f);
    put(b, t);
    if (!strpbrk(t, ".e")) /* "-0", "100": keep it a float literal */
        put(b, ".0");
}

static void print_expr(buf *b, const repl_expr *e)
{
    char t[32];
    switch (e->kind) {
    case REPL_E_NONE: put(b, "None"); return;
    case REPL_E_BOOL: put(b, e->b ? "True" : "False"); return;
    case REPL_E_INT:
        snprintf(t, sizeof t, "%lld", (long long)e->i);
        put(b, t);
        return;
    case REPL_E_FLOAT: print_float(b, e->f); return;
    case REPL_E_STRING:
        put(b, "\"");
        for (const char *c = e->text; *c; c++) {
            switch (*c) {
            case '"': put(b, "\\\""); break;
            case '\\': put(b, "\\\\"); break;
            case '\n': put(b, "\\n"); break;
            case '\t': put(b, "\\t"); break;
            default: put_mem(b, c, 1);
            }
        }
        put(b, "\"");
        return;
    case REPL_E_NAME: put(b, e->text); return;
    case REPL_E_CALL:
        put(b, e->text);
        put(b, "(");
        for (size_t i = 0; i < e->nitems; i++) {
            put(b, i ? ", " : "");
            print_expr(b, e->items[i]);
        }
        for (size_t i = 0; i < e->nkwargs; i++) {
            put(b, i || e->nitems ? ", " : "");
            put(b, e->kwargs[i].name);
            put(b, "=");
            print_expr(b, e->kwargs[i].value);
        }
        put(b, ")");
        return;
    case REPL_E_LIST:
    case REPL_E_TUPLE:
        put(b, e->kind == REPL_E_LIST ? "[" : "(");
        for (size_t i = 0; i < e->nitems; i++) {
            put(b, i ? ", " : "");
            print_expr(b, e->items[i]);
        }
        if (e->kind == REPL_E_TUPLE && e->nitems == 1)
            put(b, ",");
        put(b, e->kind == REPL_E_LIST ? "]" : ")");
        return;
    case REPL_E_INDEX:
        print_expr(b, e->items[0]);
        put(b, "[");
        print_expr(b, e->items[1]);
        put(b, "]");
        return;
    }
    CHECK(!"unknown expression kind");
}

static void print_stmt(buf *b, const repl_stmt *s)
{
    switch (s->kind) {
    case REPL_S_EMPTY: return;
    case REPL_S_EXPR: print_expr(b, s->expr); return;
    case REPL_S_ASSIGN:
        put(b, s->name);
        put(b, " = ");
        print_expr(b, s->expr);
        return;
    case REPL_S_COMMAND:
        put(b, ":");
        put(b, s->name);
        if (s->rest[0]) {
            put(b, " ");
            put(b, s->rest);
        }
        return;
    }
    CHECK(!"unknown statement kind");
}

/* ---- checking a tree ---- */

static int is_name(const char *t, int dots)
{
    if (!t || !*t)
        return 0;
    for (const char *c = t; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '_' ||
              (c > t && *c >= '0' && *c <= '9') || (dots && *c == '.' && c > t && c[1])))
            return 0;
    return 1;
}

/* Returns the nesting depth of e. len = length of the line (-1: the tree
 * was re-parsed from printed text, offsets are not compared). */
static int check_expr(const repl_expr *e, long len)
{
    CHECK(e);
    CHECK(e->pos >= 0 && (len < 0 || e->pos < len));
    CHECK(repl_expr_kind_name(e->kind)[0] != '?');
    int depth = 0;
    switch (e->kind) {
    case REPL_E_STRING: CHECK(e->text); break;
    case REPL_E_NAME: CHECK(is_name(e->text, 1)); break;
    case REPL_E_CALL:
        CHECK(is_name(e->text, 1));
        CHECK(!e->nkwargs || e->kwargs);
        for (size_t i = 0; i < e->nkwargs; i++) {
            CHECK(is_name(e->kwargs[i].name, 1));
            int d = check_expr(e->kwargs[i].value, len);
            depth = d > depth ? d : depth;
            for (size_t k = 0; k < i; k++)
                CHECK(strcmp(e->kwargs[i].name, e->kwargs[k].name));
        }
        break;
    case REPL_E_INDEX: CHECK(e->nitems == 2); break;
    default: break;
    }
    if (e->kind == REPL_E_CALL || e->kind == REPL_E_LIST || e->kind == REPL_E_TUPLE ||
        e->kind == REPL_E_INDEX) {
        CHECK(!e->nitems || e->items);
        for (size_t i = 0; i < e->nitems; i++) {
            int d = check_expr(e->items[i], len);
            depth = d > depth ? d : depth;
        }
    } else {
        CHECK(e->nitems == 0 && e->nkwargs == 0);
    }
    return depth + 1;
}

static int same_expr(const repl_expr *a, const repl_expr *b)
{
    if (a->kind != b->kind || a->nitems != b->nitems || a->nkwargs != b->nkwargs)
        return 0;
    switch (a->kind) {
    case REPL_E_BOOL:
        if (a->b != b->b)
            return 0;
        break;
    case REPL_E_INT:
        if (a->i != b->i)
            return 0;
        break;
    case REPL_E_FLOAT:
        if (isnan(a->f) ? !isnan(b->f) : memcmp(&a->f, &b->f, sizeof a->f))
            return 0;
        break;
    case REPL_E_STRING:
    case REPL_E_NAME:
    case REPL_E_CALL:
        if (strcmp(a->text, b->text))
            return 0;
        break;
    default: break;
    }
    for (size_t i = 0; i < a->nitems; i++)
        if (!same_expr(a->items[i], b->items[i]))
            return 0;
    for (size_t i = 0; i < a->nkwargs; i++)
        if (strcmp(a->kwargs[i].name, b->kwargs[i].name) ||
            !same_expr(a->kwargs[i].value, b->kwargs[i].value))
            return 0;
    return 1;
}

static void check_stmt(const repl_stmt *s, long len)
{
    switch (s->kind) {
    case REPL_S_EMPTY: CHECK(!s->expr && !s->arena); return;
    case REPL_S_EXPR: CHECK(!s->name); break;
    case REPL_S_ASSIGN: CHECK(is_name(s->name, 0)); break;
    case REPL_S_COMMAND:
        CHECK(s->name && s->name[0] && s->rest && !s->expr);
        return;
    default: CHECK(!"unknown statement kind");
    }
    CHECK(s->arena);
    CHECK(check_expr(s->expr, len) <= REPL_MAX_DEPTH);
}

static void check_failure(int rc, const repl_stmt *s, const char *err, long len)
{
    CHECK(rc == -1);
    CHECK(err[0]);
    CHECK(s->err_pos >= 0 && s->err_pos <= len);
    CHECK(!s->arena && !s->expr && !s->name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a line is NUL-terminated: bytes after a NUL are never seen */
    char *line = malloc(size + 1);
    CHECK(line);
    memcpy(line, data, size);
    line[size] = 0;
    long len = (long)strlen(line);

    char err[256];
    repl_stmt st;
    int rc = repl_parse(line, &st, err, sizeof err);

    /* the outcome does not depend on the error buffer */
    repl_stmt st2;
    char tiny[4];
    CHECK(repl_parse(line, &st2, NULL, 0) == rc);
    repl_stmt_free(&st2);
    CHECK(repl_parse(line, &st2, tiny, sizeof tiny) == rc && strlen(tiny) < sizeof tiny);
    repl_stmt_free(&st2);

    if (rc) {
        check_failure(rc, &st, err, len);
    } else {
        check_stmt(&st, len);
        /* printed back, the statement parses to the same tree */
        buf b = {0};
        put(&b, "");
        print_stmt(&b, &st);
        char err2[256];
        if (repl_parse(b.p, &st2, err2, sizeof err2)) {
            fprintf(stderr, "fuzz_repl: printed statement does not parse: %s\n  %s\n", err2, b.p);
            __builtin_trap();
        }
        check_stmt(&st2, -1);
        CHECK(st2.kind == st.kind);
        if (st.kind == REPL_S_ASSIGN || st.kind == REPL_S_COMMAND)
            CHECK(!strcmp(st.name, st2.name));
        if (st.kind == REPL_S_COMMAND)
            CHECK(!strcmp(st.rest, st2.rest));
        if (st.expr && !same_expr(st.expr, st2.expr)) {
            fprintf(stderr, "fuzz_repl: printed statement parses differently:\n  %s\n", b.p);
            __builtin_trap();
        }
        repl_stmt_free(&st2);
        free(b.p);
    }
    repl_stmt_free(&st);
    CHECK(!st.arena && !st.expr);

    /* the expression entry point, as `:time EXPR N` uses it */
    size_t end = (size_t)-1;
    rc = repl_parse_expr(line, &st, &end, err, sizeof err);
    if (rc) {
        check_failure(rc, &st, err, len);
    } else {
        CHECK(st.kind == REPL_S_EXPR);
        CHECK(end <= (size_t)len);
        CHECK(check_expr(st.expr, len) <= REPL_MAX_DEPTH);
        repl_stmt_free(&st);
    }
    free(line);
    return 0;
}
