/*
 * repl_expr.c — the REPL's lexer and recursive-descent parser (grammar in
 * repl.h). No global state: a parser is a struct on the stack, and every
 * node of a statement is allocated from the statement's arena, freed in one
 * go by repl_stmt_free. Nesting is bounded (REPL_MAX_DEPTH), integer
 * literals are range-checked, and every failure is a message with the
 * offset of the culprit.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repl.h"

/* ---- arena ---- */

typedef struct repl_chunk {
    struct repl_chunk *next;
    size_t used, cap;
    max_align_t data[];
} repl_chunk;

struct repl_arena {
    repl_chunk *head;
};

static void *arena_alloc(repl_arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    repl_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 4096 ? n : 4096;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

static void arena_free(repl_arena *a)
{
    if (!a)
        return;
    for (repl_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

void repl_stmt_free(repl_stmt *s)
{
    if (!s)
        return;
    arena_free(s->arena);
    int pos = s->err_pos;
    memset(s, 0, sizeof *s);
    s->err_pos = pos;
}

/* ---- lexer ---- */

typedef enum tok_kind {
    T_END,
    T_INT,
    T_FLOAT,
    T_STRING,
    T_NAME,
    T_PUNCT /* one of ( ) [ ] , = - */
} tok_kind;

typedef struct token {
    tok_kind kind;
    int pos;      /* offset of the first byte */
    size_t len;   /* bytes in the source      */
    char punct;
} token;

typedef struct parser {
    const char *src;
    size_t n;
    size_t at;     /* lexer position         */
    token tok;     /* current token          */
    int depth;     /* parse_expr recursion   */
    int height;    /* height of the tree parse_expr last returned (1: a leaf) */
    repl_arena *arena;
    char *err;
    size_t errsize;
    int err_pos;
    int failed;
} parser;

static int syntax_error(parser *p, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int syntax_error(parser *p, int pos, const char *fmt, ...)
{
    if (!p->failed) {
        p->failed = 1;
        p->err_pos = pos;
        if (p->err && p->errsize) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(p->err, p->errsize, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int pos_of(size_t at) { return at > (size_t)0x7fffffff ? 0x7fffffff : (int)at; }

/* Reads the next token into p->tok. */
static int next(parser *p)
{
    const char *s = p->src;
    while (p->at < p->n && is_space((unsigned char)s[p->at]))
        p->at++;
    token *t = &p->tok;
    size_t start = p->at;
    t->pos = pos_of(start);
    t->len = 0;
    if (p->at >= p->n || s[p->at] == '#') {
        t->kind = T_END;
        return 0;
    }
    unsigned char c = (unsigned char)s[p->at];
    if (is_alpha(c)) {
        size_t i = p->at;
        for (;;) {
            while (i < p->n && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])))
                i++;
            if (i + 1 < p->n && s[i] == '.' && is_alpha((unsigned char)s[i + 1])) {
                i++;
                continue;
            }
            break;
        }
        t->kind = T_NAME;
        t->len = i - start;
        p->at = i;
        return 0;
    }
    if (is_digit(c) || (c == '.' && p->at + 1 < p->n && is_digit((unsigned char)s[p->at + 1]))) {
        size_t i = p->at;
        int is_float = 0;
        while (i < p->n && is_digit((unsigned char)s[i]))
            i++;
        if (i < p->n && s[i] == '.') {
            is_float = 1;
            i++;
            while (i < p->n && is_digit((unsigned char)s[i]))
                i++;
        }
        if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
            size_t j = i + 1;
            if (j < p->n && (s[j] == '+' || s[j] == '-'))
                j++;
            if (j < p->n && is_digit((unsigned char)s[j])) {
                is_float = 1;
                while (j < p->n && is_digit((unsigned char)s[j]))
                    j++;
                i = j;
            }
        }
        if (i < p->n && (is_alpha((unsigned char)s[i]) || s[i] == '.'))
            return syntax_error(p, pos_of(i), "malformed number");
        t->kind = is_float ? T_FLOAT : T_INT;
        t->len = i - start;
        p->at = i;
        return 0;
    }
    if (c == '"' || c == '\'') {
        size_t i = p->at + 1;
        while (i < p->n && (unsigned char)s[i] != c) {
            if (s[i] == '\\' && i + 1 < p->n)
                i++;
            i++;
        }
        if (i >= p->n)
            return syntax_error(p, t->pos, "unterminated string (close it with %c)", c);
        t->kind = T_STRING;
        t->len = i + 1 - start;
        p->at = i + 1;
        return 0;
    }
    if (strchr("()[],=-", c) && c) {
        t->kind = T_PUNCT;
        t->punct = (char)c;
        t->len = 1;
        p->at++;
        return 0;
    }
    if (c >= 0x20 && c < 0x7f)
        return syntax_error(p, t->pos, "unexpected character '%c'", c);
    return syntax_error(p, t->pos, "unexpected byte 0x%02x", c);
}

static int is_punct(const parser *p, char c) { return p->tok.kind == T_PUNCT && p->tok.punct == c; }

static int tok_is(const parser *p, const char *word)
{
    return p->tok.kind == T_NAME && p->tok.len == strlen(word) &&
           !memcmp(p->src + p->tok.pos, word, p->tok.len);
}

static int expect(parser *p, char c, const char *what)
{
    if (!is_punct(p, c)) {
        if (p->tok.kind == T_END)
            return syntax_error(p, p->tok.pos, "expected '%c' %s, but the line ended", c, what);
        return syntax_error(p, p->tok.pos, "expected '%c' %s", c, what);
    }
    return next(p);
}

static char *copy_text(parser *p, size_t start, size_t len)
{
    char *t = arena_alloc(p->arena, len + 1);
    if (!t) {
        syntax_error(p, pos_of(start), "out of memory");
        return NULL;
    }
    memcpy(t, p->src + start, len);
    t[len] = 0;
    return t;
}

static repl_expr *new_expr(parser *p, repl_expr_kind k, int pos)
{
    repl_expr *e = arena_alloc(p->arena, sizeof *e);
    if (!e) {
        syntax_error(p, pos, "out of memory");
        return NULL;
    }
    e->kind = k;
    e->pos = pos;
    return e;
}

/* A growable list of expressions while parsing, copied into the arena. */
typedef struct expr_vec {
    repl_expr **v;
    size_t n, cap;
} expr_vec;

static int vec_push(parser *p, expr_vec *v, repl_expr *e)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        repl_expr **nv = arena_alloc(p->arena, cap * sizeof *nv);
        if (!nv)
            return syntax_error(p, e->pos, "out of memory");
        if (v->n)
            memcpy(nv, v->v, v->n * sizeof *nv);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = e;
    return 0;
}

static repl_expr *parse_expr(parser *p);

static int parse_int_text(parser *p, const token *t, int neg, int64_t *out)
{
    char buf[64];
    if (t->len >= sizeof buf)
        return syntax_error(p, t->pos, "integer literal too long");
    memcpy(buf, p->src + t->pos, t->len);
    buf[t->len] = 0;
    errno = 0;
    unsigned long long v = strtoull(buf, NULL, 10);
    if (errno || v > (unsigned long long)INT64_MAX + (neg ? 1u : 0u))
        return syntax_error(p, t->pos, "integer literal out of the int64 range");
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* A float literal of any length (copied whole: a cut-off copy would drop
 * digits or the exponent). */
static int parse_float_text(parser *p, const token *t, double *out)
{
    char small[64];
    char *buf = t->len < sizeof small ? small : copy_text(p, (size_t)t->pos, t->len);
    if (!buf)
        return -1;
    if (buf == small) {
        memcpy(buf, p->src + t->pos, t->len);
        buf[t->len] = 0;
    }
    *out = strtod(buf, NULL);
    return 0;
}

/* STRING: the text between the quotes, escapes resolved. */
static repl_expr *parse_string(parser *p)
{
    token t = p->tok;
    repl_expr *e = new_expr(p, REPL_E_STRING, t.pos);
    char *out = e ? arena_alloc(p->arena, t.len) : NULL;
    if (!out) {
        syntax_error(p, t.pos, "out of memory");
        return NULL;
    }
    size_t k = 0;
    for (size_t i = (size_t)t.pos + 1; i + 1 < (size_t)t.pos + t.len; i++) {
        char c = p->src[i];
        if (c == '\\') {
            char d = p->src[++i];
            c = d == 'n' ? '\n' : d == 't' ? '\t' : d == '0' ? 0 : d;
            if (!c) {
                syntax_error(p, pos_of(i), "a string cannot hold a NUL byte");
                return NULL;
            }
        }
        out[k++] = c;
    }
    out[k] = 0;
    e->text = out;
    if (next(p))
        return NULL;
    return e;
}

/* items = (expr ("," expr)* ","?)? up to the closing bracket `close`;
 * *trailing_comma tells whether a ',' preceded it; p->height becomes the
 * greatest height of the items (0: none). */
static int parse_items(parser *p, char close, expr_vec *v, int *trailing_comma, const char *what)
{
    int height = 0;
    *trailing_comma = 0;
    while (!is_punct(p, close)) {
        repl_expr *e = parse_expr(p);
        if (!e || vec_push(p, v, e))
            return -1;
        height = p->height > height ? p->height : height;
        *trailing_comma = 0;
        if (is_punct(p, ',')) {
            *trailing_comma = 1;
            if (next(p))
                return -1;
            continue;
        }
        if (!is_punct(p, close)) {
            if (p->tok.kind == T_END)
                return syntax_error(p, p->tok.pos, "expected ',' or '%c' in %s, but the line ended", close,
                            what);
            return syntax_error(p, p->tok.pos, "expected ',' or '%c' in %s", close, what);
        }
    }
    p->height = height;
    return next(p);
}

/* args = (arg ("," arg)* ","?)?   arg = NAME "=" expr | expr
 * p->height becomes the height of the call. */
static int parse_args(parser *p, repl_expr *call)
{
    int height = 0;
    expr_vec pos = {0};
    repl_kwarg *kw = NULL;
    size_t nkw = 0, capkw = 0;
    while (!is_punct(p, ')')) {
        /* NAME "=" looks ahead one token: save the lexer state. */
        if (p->tok.kind == T_NAME) {
            parser save = *p;
            token name = p->tok;
            if (next(p))
                return -1;
            if (is_punct(p, '=')) {
                if (next(p))
                    return -1;
                repl_expr *v = parse_expr(p);
                if (!v)
                    return -1;
                height = p->height > height ? p->height : height;
                for (size_t i = 0; i < nkw; i++)
                    if (strlen(kw[i].name) == name.len &&
                        !memcmp(kw[i].name, p->src + name.pos, name.len))
                        return syntax_error(p, name.pos, "keyword argument given twice");
                if (nkw == capkw) {
                    capkw = capkw ? capkw * 2 : 4;
                    repl_kwarg *nk = arena_alloc(p->arena, capkw * sizeof *nk);
                    if (!nk)
                        return syntax_error(p, name.pos, "out of memory");
                    if (nkw)
                        memcpy(nk, kw, nkw * sizeof *nk);
                    kw = nk;
                }
                kw[nkw].name = copy_text(p, (size_t)name.pos, name.len);
                if (!kw[nkw].name)
                    return -1;
                kw[nkw++].value = v;
                goto after_arg;
            }
            *p = save; /* not a keyword: re-read the name as an expression */
        }
        if (nkw)
            return syntax_error(p, p->tok.pos, "positional argument after a keyword argument");
        repl_expr *e = parse_expr(p);
        if (!e || vec_push(p, &pos, e))
            return -1;
        height = p->height > height ? p->height : height;
    after_arg:
        if (is_punct(p, ',')) {
            if (next(p))
                return -1;
            continue;
        }
        if (!is_punct(p, ')')) {
            if (p->tok.kind == T_END)
                return syntax_error(p, p->tok.pos, "expected ',' or ')' in the call of %s, but the "
                            "line ended", call->text);
            return syntax_error(p, p->tok.pos, "expected ',' or ')' in the call of %s", call->text);
        }
    }
    call->items = pos.v;
    call->nitems = pos.n;
    call->kwargs = kw;
    call->nkwargs = nkw;
    p->height = 1 + height;
    return next(p);
}

/* Sets p->height to the height of what it returns. */
static repl_expr *parse_primary(parser *p)
{
    token t = p->tok;
    repl_expr *e = NULL;
    p->height = 1;
    switch (t.kind) {
    case T_END:
        syntax_error(p, t.pos, "expected a value, but the line ended");
        return NULL;
    case T_INT:
        if (!(e = new_expr(p, REPL_E_INT, t.pos)) || parse_int_text(p, &t, 0, &e->i) || next(p))
            return NULL;
        return e;
    case T_FLOAT:
        if (!(e = new_expr(p, REPL_E_FLOAT, t.pos)) || parse_float_text(p, &t, &e->f))
            return NULL;
        return next(p) ? NULL : e;
    case T_STRING:
        return parse_string(p);
    case T_NAME:
        if (tok_is(p, "None") || tok_is(p, "none")) {
            e = new_expr(p, REPL_E_NONE, t.pos);
        } else if (tok_is(p, "True") || tok_is(p, "true") || tok_is(p, "False") ||
                   tok_is(p, "false")) {
            if ((e = new_expr(p, REPL_E_BOOL, t.pos)))
                e->b = p->src[t.pos] == 'T' || p->src[t.pos] == 't';
        } else if (tok_is(p, "inf") || tok_is(p, "nan")) {
            if ((e = new_expr(p, REPL_E_FLOAT, t.pos)))
                e->f = p->src[t.pos] == 'i' ? INFINITY : NAN;
        } else {
            if (!(e = new_expr(p, REPL_E_NAME, t.pos)) ||
                !(e->text = copy_text(p, (size_t)t.pos, t.len)))
                return NULL;
            if (next(p))
                return NULL;
            if (is_punct(p, '(')) {
                e->kind = REPL_E_CALL;
                if (next(p) || parse_args(p, e))
                    return NULL;
            }
            return e;
        }
        if (!e || next(p))
            return NULL;
        return e;
    case T_PUNCT:
        break;
    }
    if (t.punct == '-') {
        if (next(p))
            return NULL;
        token n = p->tok;
        if (n.kind == T_INT) {
            if (!(e = new_expr(p, REPL_E_INT, t.pos)) || parse_int_text(p, &n, 1, &e->i))
                return NULL;
        } else if (n.kind == T_FLOAT || tok_is(p, "inf")) {
            if (!(e = new_expr(p, REPL_E_FLOAT, t.pos)))
                return NULL;
            if (n.kind != T_FLOAT)
                e->f = -INFINITY;
            else if (parse_float_text(p, &n, &e->f))
                return NULL;
            else
                e->f = -e->f;
        } else {
            syntax_error(p, t.pos, "'-' goes only before a number");
            return NULL;
        }
        return next(p) ? NULL : e;
    }
    if (t.punct == '[') {
        expr_vec v = {0};
        int comma;
        if (!(e = new_expr(p, REPL_E_LIST, t.pos)) || next(p) ||
            parse_items(p, ']', &v, &comma, "a list"))
            return NULL;
        p->height++;
        e->items = v.v;
        e->nitems = v.n;
        return e;
    }
    if (t.punct == '(') {
        expr_vec v = {0};
        int comma;
        if (!(e = new_expr(p, REPL_E_TUPLE, t.pos)) || next(p) ||
            parse_items(p, ')', &v, &comma, "parentheses"))
            return NULL;
        if (v.n == 1 && !comma) /* (expr) is just expr, of the same height */
            return v.v[0];
        p->height++;
        e->items = v.v;
        e->nitems = v.n;
        return e;
    }
    syntax_error(p, t.pos, "unexpected '%c'", t.punct);
    return NULL;
}

/* expr = primary ("[" expr "]")*
 * p->depth bounds the recursion; p->height the tree, which an index chain
 * y[0][0]... deepens without recursing. */
static repl_expr *parse_expr(parser *p)
{
    if (++p->depth > REPL_MAX_DEPTH) {
        syntax_error(p, p->tok.pos, "expression nested too deeply (more than %d levels)", REPL_MAX_DEPTH);
        return NULL;
    }
    repl_expr *e = parse_primary(p);
    int height = p->height;
    while (e && is_punct(p, '[')) {
        if (height >= REPL_MAX_DEPTH) {
            syntax_error(p, p->tok.pos, "expression nested too deeply (more than %d levels)",
                         REPL_MAX_DEPTH);
            return NULL;
        }
        repl_expr *ix = new_expr(p, REPL_E_INDEX, p->tok.pos);
        if (!ix || next(p))
            return NULL;
        repl_expr *i = parse_expr(p);
        if (!i || expect(p, ']', "after the index"))
            return NULL;
        height = 1 + (p->height > height ? p->height : height);
        repl_expr **items = arena_alloc(p->arena, 2 * sizeof *items);
        if (!items) {
            syntax_error(p, ix->pos, "out of memory");
            return NULL;
        }
        items[0] = e;
        items[1] = i;
        ix->items = items;
        ix->nitems = 2;
        e = ix;
    }
    if (e && height > REPL_MAX_DEPTH) {
        syntax_error(p, e->pos, "expression nested too deeply (more than %d levels)", REPL_MAX_DEPTH);
        return NULL;
    }
    p->height = height;
    p->depth--;
    return e;
}

static void parser_init(parser *p, const char *src, repl_stmt *out, char *err, size_t errsize)
{
    memset(p, 0, sizeof *p);
    memset(out, 0, sizeof *out);
    p->src = src ? src : "";
    p->n = strlen(p->src);
    while (p->n && (p->src[p->n - 1] == '\n' || p->src[p->n - 1] == '\r'))
        p->n--;
    p->err = err;
    p->errsize = errsize;
    if (err && errsize)
        err[0] = 0;
}

static int parser_finish(parser *p, repl_stmt *out, int rc)
{
    if (rc || p->failed) {
        if (!p->failed)
            syntax_error(p, p->tok.pos, "syntax error");
        arena_free(p->arena);
        memset(out, 0, sizeof *out);
        out->err_pos = p->err_pos;
        return -1;
    }
    out->arena = p->arena;
    return 0;
}

int repl_parse_expr(const char *text, repl_stmt *out, size_t *end, char *err, size_t errsize)
{
    parser p;
    parser_init(&p, text, out, err, errsize);
    if (!out)
        return -1;
    if (!(p.arena = calloc(1, sizeof *p.arena)))
        return syntax_error(&p, 0, "out of memory"), parser_finish(&p, out, -1);
    int rc = next(&p);
    if (!rc) {
        out->kind = REPL_S_EXPR;
        out->expr = parse_expr(&p);
        rc = out->expr ? 0 : -1;
    }
    if (!rc) {
        if (end)
            *end = (size_t)p.tok.pos;
        else if (p.tok.kind != T_END)
            rc = syntax_error(&p, p.tok.pos, "unexpected text after the expression");
    }
    return parser_finish(&p, out, rc);
}

int repl_parse(const char *line, repl_stmt *out, char *err, size_t errsize)
{
    parser p;
    parser_init(&p, line, out, err, errsize);
    if (!out)
        return -1;
    size_t i = 0;
    while (i < p.n && is_space((unsigned char)p.src[i]))
        i++;
    if (i == p.n || p.src[i] == '#') {
        out->kind = REPL_S_EMPTY;
        return 0;
    }
    if (!(p.arena = calloc(1, sizeof *p.arena)))
        return syntax_error(&p, 0, "out of memory"), parser_finish(&p, out, -1);
    int rc = 0;
    if (p.src[i] == ':') {
        size_t w = ++i;
        while (i < p.n && (is_alpha((unsigned char)p.src[i]) || is_digit((unsigned char)p.src[i])))
            i++;
        if (i == w) {
            rc = syntax_error(&p, pos_of(w), "expected a command name after ':' (try :help)");
        } else if (i < p.n && !is_space((unsigned char)p.src[i])) {
            rc = syntax_error(&p, pos_of(i), "unexpected character after the command name");
        } else {
            out->kind = REPL_S_COMMAND;
            out->name = copy_text(&p, w, i - w);
            while (i < p.n && is_space((unsigned char)p.src[i]))
                i++;
            size_t e = p.n;
            while (e > i && is_space((unsigned char)p.src[e - 1]))
                e--;
            out->rest = copy_text(&p, i, e - i);
            rc = out->name && out->rest ? 0 : -1;
        }
        return parser_finish(&p, out, rc);
    }
    rc = next(&p);
    if (!rc && p.tok.kind == T_NAME) {
        parser save = p;
        token name = p.tok;
        rc = next(&p);
        if (!rc && is_punct(&p, '=')) {
            out->kind = REPL_S_ASSIGN;
            if (memchr(p.src + name.pos, '.', name.len))
                rc = syntax_error(&p, name.pos, "a variable name cannot contain '.'");
            else if (!(out->name = copy_text(&p, (size_t)name.pos, name.len)) || next(&p))
                rc = -1;
            else if (p.tok.kind == T_END)
                rc = syntax_error(&p, p.tok.pos, "expected a value after '='");
        } else if (!rc) {
            p = save;
        }
    }
    if (!rc) {
        if (out->kind != REPL_S_ASSIGN)
            out->kind = REPL_S_EXPR;
        out->expr = parse_expr(&p);
        rc = out->expr ? 0 : -1;
        if (!rc && p.tok.kind != T_END) {
            if (is_punct(&p, '='))
                rc = syntax_error(&p, p.tok.pos, "only a plain name can be assigned to (x = ...)");
            else
                rc = syntax_error(&p, p.tok.pos, "unexpected text after the expression");
        }
    }
    return parser_finish(&p, out, rc);
}

const char *repl_expr_kind_name(repl_expr_kind k)
{
    static const char *const names[] = {"None", "bool", "int",   "float", "string",
                                        "name", "call", "list", "tuple", "index"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}
