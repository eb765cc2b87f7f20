/*
 * fe_parse.c — recursive-descent parser for serialized TorchScript source
 * (grammar in frontend/GRAMMAR.md), plus fe_expr_dotted and fe_ast_dump.
 *
 * Error handling: the first error is written to the rt_err and the parser
 * unwinds with longjmp to fe_parse (Lua's luaD_throw idiom). This is safe
 * because every allocation is in the caller's arena and the only other
 * resource, the lexer's C locale, is released by fe_parse after the jump.
 * Nesting (brackets, unary operators, blocks) is capped at FE_MAX_DEPTH, so
 * recursion is bounded for any input.
 */
#include "fe_parse.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_lex.h"

static const char *const fe_op_names[] = {
#define FE_X(name, spelling) spelling,
    FE_OP_LIST(FE_X)
#undef FE_X
};

const char *fe_op_name(fe_op op)
{
    if ((int)op < 0 || op >= FE_OP_COUNT)
        return "?";
    return fe_op_names[op];
}

/* Largest source accepted: keeps line and column numbers in an int. */
#define FE_MAX_SOURCE ((size_t)1 << 30)

typedef struct fe_parser {
    rt_arena *a;
    rt_err *e;
    const char *src;
    size_t len;
    fe_lexer lx;
    fe_token tok;       /* current token */
    int depth;          /* current nesting, capped at FE_MAX_DEPTH */
    fe_expr *big_int;   /* a 9223372036854775808 literal awaiting its '-' */
    jmp_buf jb;
} fe_parser;

/* ---- failure, allocation, growable arrays ---- */

static _Noreturn void fe_throw(fe_parser *p) { longjmp(p->jb, 1); }

static _Noreturn void fe_fail(fe_parser *p, tsj_status st, rt_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static _Noreturn void fe_fail(fe_parser *p, tsj_status st, rt_loc loc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fe_lex_error(p->e, st, p->src, p->len, loc, "%s", msg);
    fe_throw(p);
}

static void *fe_alloc(fe_parser *p, size_t size)
{
    void *m = rt_arena_alloc(p->a, size ? size : 1);
    if (!m) {
        rt_err_nomem(p->e);
        fe_throw(p);
    }
    return m;
}

static const char *fe_strndup(fe_parser *p, const char *s, size_t n)
{
    char *d = fe_alloc(p, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Arena-backed growable array of `elem`-byte items. */
typedef struct fe_vec {
    char *data;
    int n, cap;
    size_t elem;
} fe_vec;

static fe_vec fe_vec_make(size_t elem)
{
    fe_vec v = {NULL, 0, 0, elem};
    return v;
}

/* Appends a zeroed slot and returns it. */
static void *fe_vec_push(fe_parser *p, fe_vec *v, rt_loc loc)
{
    if (v->n == v->cap) {
        if (v->cap >= INT_MAX / 4)
            fe_fail(p, TSJ_ERR_LIMIT, loc, "too many items in one list");
        int cap = v->cap ? v->cap * 2 : 4;
        char *d = fe_alloc(p, (size_t)cap * v->elem);
        if (v->n)
            memcpy(d, v->data, (size_t)v->n * v->elem);
        v->data = d;
        v->cap = cap;
    }
    return v->data + (size_t)v->n++ * v->elem;
}

static void fe_vec_push_ptr(fe_parser *p, fe_vec *v, void *ptr, rt_loc loc)
{
    *(void **)fe_vec_push(p, v, loc) = ptr;
}

static fe_expr_list fe_vec_exprs(fe_vec *v)
{
    fe_expr_list l = {(fe_expr **)v->data, v->n};
    return l;
}

static fe_stmt_list fe_vec_stmts(fe_vec *v)
{
    fe_stmt_list l = {(fe_stmt **)v->data, v->n};
    return l;
}

static void fe_enter(fe_parser *p, rt_loc loc)
{
    if (++p->depth > FE_MAX_DEPTH)
        fe_fail(p, TSJ_ERR_LIMIT, loc, "nesting too deep (more than %d levels)", FE_MAX_DEPTH);
}

static void fe_leave(fe_parser *p) { p->depth--; }

/* ---- tokens ---- */

static void fe_advance(fe_parser *p)
{
    if (fe_lex_next(&p->lx, &p->tok) < 0)
        fe_throw(p);
}

static bool fe_at(const fe_parser *p, fe_tok_kind k) { return p->tok.kind == k; }

static bool fe_accept(fe_parser *p, fe_tok_kind k)
{
    if (!fe_at(p, k))
        return false;
    fe_advance(p);
    return true;
}

static _Noreturn void fe_unexpected(fe_parser *p, const char *what)
{
    if (fe_at(p, FE_TK_INDENT))
        fe_fail(p, TSJ_ERR_FORMAT, p->tok.loc, "unexpected indent");
    fe_fail(p, TSJ_ERR_FORMAT, p->tok.loc, "expected %s but found '%s'", what,
            fe_tok_name(p->tok.kind));
}

static void fe_expect(fe_parser *p, fe_tok_kind k)
{
    if (!fe_at(p, k)) {
        char what[32];
        snprintf(what, sizeof what, "'%s'", fe_tok_name(k));
        fe_unexpected(p, what);
    }
    fe_advance(p);
}

static const char *fe_expect_name(fe_parser *p)
{
    if (!fe_at(p, FE_TK_NAME))
        fe_unexpected(p, "a name");
    const char *s = fe_strndup(p, p->tok.start, p->tok.len);
    fe_advance(p);
    return s;
}

static void fe_expect_newline(fe_parser *p)
{
    if (!fe_at(p, FE_TK_NEWLINE))
        fe_unexpected(p, "end of line");
    fe_advance(p);
}

/* ---- nodes ---- */

static fe_expr *fe_new_expr(fe_parser *p, fe_expr_kind k, rt_loc loc)
{
    fe_expr *x = fe_alloc(p, sizeof *x);
    x->kind = k;
    x->loc = loc;
    return x;
}

static fe_stmt *fe_new_stmt(fe_parser *p, fe_stmt_kind k, rt_loc loc)
{
    fe_stmt *s = fe_alloc(p, sizeof *s);
    s->kind = k;
    s->loc = loc;
    return s;
}

/* Rejects valid-Python keywords the subset lacks, at expression start. */
static void fe_check_unsupported_expr(fe_parser *p)
{
    switch (p->tok.kind) {
    case FE_TK_LAMBDA:
    case FE_TK_YIELD:
    case FE_TK_AWAIT:
        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "'%s' expressions are not supported",
                fe_tok_name(p->tok.kind));
    case FE_TK_STAR:
    case FE_TK_POW:
        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "star expressions are not supported");
    default:
        break;
    }
}

static void fe_check_no_comprehension(fe_parser *p)
{
    if (fe_at(p, FE_TK_FOR) || fe_at(p, FE_TK_ASYNC))
        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "comprehensions are not supported");
}

/* ---- expressions ---- */

static fe_expr *fe_parse_expr_(fe_parser *p);
static fe_expr *fe_parse_or(fe_parser *p);
static fe_expr *fe_parse_factor(fe_parser *p);
static fe_op fe_augop(fe_tok_kind k);

/* args = (arg ("," arg)* ","?)? ")"
 * arg  = NAME "=" expr | expr */
static void fe_parse_call_args(fe_parser *p, fe_expr *call)
{
    fe_vec args = fe_vec_make(sizeof(fe_expr *));
    fe_vec kws = fe_vec_make(sizeof(fe_kwarg));
    while (!fe_at(p, FE_TK_RPAREN)) {
        fe_check_unsupported_expr(p);
        rt_loc loc = p->tok.loc;
        fe_expr *x = fe_parse_expr_(p);
        if (fe_at(p, FE_TK_ASSIGN)) {
            if (x->kind != FE_EX_NAME)
                fe_unexpected(p, "')'");
            fe_advance(p);
            for (int i = 0; i < kws.n; i++)
                if (!strcmp(((fe_kwarg *)kws.data)[i].name, x->u.name))
                    fe_fail(p, TSJ_ERR_FORMAT, loc, "keyword argument repeated: %s",
                            x->u.name);
            fe_check_unsupported_expr(p);
            fe_kwarg *kw = fe_vec_push(p, &kws, loc);
            kw->name = x->u.name;
            kw->loc = loc;
            kw->value = fe_parse_expr_(p);
        } else {
            fe_check_no_comprehension(p);
            if (kws.n)
                fe_fail(p, TSJ_ERR_FORMAT, loc, "positional argument follows keyword argument");
            fe_vec_push_ptr(p, &args, x, loc);
        }
        if (!fe_accept(p, FE_TK_COMMA))
            break;
    }
    fe_expect(p, FE_TK_RPAREN);
    call->u.call.args = fe_vec_exprs(&args);
    call->u.call.kwargs = (fe_kwarg *)kws.data;
    call->u.call.nkwargs = kws.n;
}

/* subscript = expr? ":" expr? (":" expr?)? | expr */
static fe_expr *fe_parse_subscript(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_expr *start = NULL;
    if (!fe_at(p, FE_TK_COLON)) {
        fe_check_unsupported_expr(p);
        start = fe_parse_expr_(p);
        if (!fe_at(p, FE_TK_COLON))
            return start;
    }
    fe_expr *s = fe_new_expr(p, FE_EX_SLICE, loc);
    s->u.slice.start = start;
    fe_expect(p, FE_TK_COLON);
    if (!fe_at(p, FE_TK_COLON) && !fe_at(p, FE_TK_COMMA) && !fe_at(p, FE_TK_RBRACKET))
        s->u.slice.stop = fe_parse_expr_(p);
    if (fe_accept(p, FE_TK_COLON) && !fe_at(p, FE_TK_COMMA) && !fe_at(p, FE_TK_RBRACKET))
        s->u.slice.step = fe_parse_expr_(p);
    return s;
}

/* Items of a list/tuple display up to `close`, after the first item. */
static void fe_parse_items(fe_parser *p, fe_vec *items, fe_tok_kind close)
{
    while (fe_accept(p, FE_TK_COMMA) && !fe_at(p, close)) {
        fe_check_unsupported_expr(p);
        rt_loc loc = p->tok.loc;
        fe_vec_push_ptr(p, items, fe_parse_expr_(p), loc);
    }
    fe_expect(p, close);
}

/* atom = NAME | NUMBER | STRING+ | "True" | "False" | "None" | "..."
 *      | "(" ")" | "(" expr ")" | "(" expr "," (expr ("," expr)* ","?)? ")"
 *      | "[" (expr ("," expr)* ","?)? "]"
 *      | "{" (expr ":" expr ("," expr ":" expr)* ","?)? "}" */
static fe_expr *fe_parse_atom(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_expr *x;
    switch (p->tok.kind) {
    case FE_TK_NAME: {
        const char *s = p->tok.start;
        size_t n = p->tok.len;
        if ((n == 3 && !memcmp(s, "inf", 3)) || (n == 3 && !memcmp(s, "nan", 3))) {
            x = fe_new_expr(p, FE_EX_FLOAT, loc);
            x->u.fval = s[0] == 'i' ? INFINITY : NAN;
        } else {
            x = fe_new_expr(p, FE_EX_NAME, loc);
            x->u.name = fe_strndup(p, s, n);
        }
        fe_advance(p);
        return x;
    }
    case FE_TK_INT:
        x = fe_new_expr(p, FE_EX_INT, loc);
        if (p->tok.v.ival > (uint64_t)INT64_MAX) {
            x->u.ival = INT64_MIN;
            if (!p->big_int)
                p->big_int = x;
        } else {
            x->u.ival = (int64_t)p->tok.v.ival;
        }
        fe_advance(p);
        return x;
    case FE_TK_FLOAT:
        x = fe_new_expr(p, FE_EX_FLOAT, loc);
        x->u.fval = p->tok.v.fval;
        fe_advance(p);
        return x;
    case FE_TK_STRING: {
        x = fe_new_expr(p, FE_EX_STR, loc);
        x->u.str.s = p->tok.v.str.s;
        x->u.str.len = p->tok.v.str.len;
        fe_advance(p);
        while (fe_at(p, FE_TK_STRING)) { /* "a" "b" -> "ab" */
            size_t n1 = x->u.str.len, n2 = p->tok.v.str.len;
            if (n2 > FE_MAX_SOURCE || n1 > FE_MAX_SOURCE)
                fe_fail(p, TSJ_ERR_LIMIT, loc, "string literal too long");
            char *s = fe_alloc(p, n1 + n2 + 1);
            memcpy(s, x->u.str.s, n1);
            memcpy(s + n1, p->tok.v.str.s, n2);
            s[n1 + n2] = '\0';
            x->u.str.s = s;
            x->u.str.len = n1 + n2;
            fe_advance(p);
        }
        return x;
    }
    case FE_TK_TRUE:
    case FE_TK_FALSE:
        x = fe_new_expr(p, FE_EX_BOOL, loc);
        x->u.bval = fe_at(p, FE_TK_TRUE);
        fe_advance(p);
        return x;
    case FE_TK_NONE:
        x = fe_new_expr(p, FE_EX_NONE, loc);
        fe_advance(p);
        return x;
    case FE_TK_ELLIPSIS:
        x = fe_new_expr(p, FE_EX_ELLIPSIS, loc);
        fe_advance(p);
        return x;
    case FE_TK_LPAREN: {
        fe_advance(p);
        if (fe_accept(p, FE_TK_RPAREN))
            return fe_new_expr(p, FE_EX_TUPLE, loc);
        fe_check_unsupported_expr(p);
        fe_expr *first = fe_parse_expr_(p);
        fe_check_no_comprehension(p);
        if (!fe_at(p, FE_TK_COMMA)) {
            fe_expect(p, FE_TK_RPAREN);
            return first;
        }
        fe_vec items = fe_vec_make(sizeof(fe_expr *));
        fe_vec_push_ptr(p, &items, first, loc);
        fe_parse_items(p, &items, FE_TK_RPAREN);
        x = fe_new_expr(p, FE_EX_TUPLE, loc);
        x->u.list = fe_vec_exprs(&items);
        return x;
    }
    case FE_TK_LBRACKET: {
        fe_advance(p);
        x = fe_new_expr(p, FE_EX_LIST, loc);
        if (fe_accept(p, FE_TK_RBRACKET))
            return x;
        fe_check_unsupported_expr(p);
        fe_vec items = fe_vec_make(sizeof(fe_expr *));
        fe_vec_push_ptr(p, &items, fe_parse_expr_(p), loc);
        fe_check_no_comprehension(p);
        fe_parse_items(p, &items, FE_TK_RBRACKET);
        x->u.list = fe_vec_exprs(&items);
        return x;
    }
    case FE_TK_LBRACE: {
        fe_advance(p);
        x = fe_new_expr(p, FE_EX_DICT, loc);
        fe_vec keys = fe_vec_make(sizeof(fe_expr *));
        fe_vec vals = fe_vec_make(sizeof(fe_expr *));
        while (!fe_at(p, FE_TK_RBRACE)) {
            fe_check_unsupported_expr(p);
            rt_loc kloc = p->tok.loc;
            fe_expr *k = fe_parse_expr_(p);
            if (!fe_at(p, FE_TK_COLON)) {
                if (fe_at(p, FE_TK_COMMA) || fe_at(p, FE_TK_RBRACE) || fe_at(p, FE_TK_FOR))
                    fe_fail(p, TSJ_ERR_UNSUPPORTED, loc,
                            "set displays and comprehensions are not supported");
                fe_unexpected(p, "':'");
            }
            fe_advance(p);
            fe_check_unsupported_expr(p);
            fe_expr *v = fe_parse_expr_(p);
            fe_check_no_comprehension(p);
            fe_vec_push_ptr(p, &keys, k, kloc);
            fe_vec_push_ptr(p, &vals, v, kloc);
            if (!fe_accept(p, FE_TK_COMMA))
                break;
        }
        fe_expect(p, FE_TK_RBRACE);
        x->u.dict.keys = (fe_expr **)keys.data;
        x->u.dict.values = (fe_expr **)vals.data;
        x->u.dict.n = keys.n;
        return x;
    }
    default:
        fe_check_unsupported_expr(p);
        fe_unexpected(p, "an expression");
    }
}

/* postfix = atom ("." NAME | "(" args | "[" subscript ("," subscript)* ","? "]")* */
static fe_expr *fe_parse_postfix(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_expr *x = fe_parse_atom(p);
    int chain = 0; /* each postfix operation nests the tree one level */
    for (;;) {
        if (fe_at(p, FE_TK_DOT) || fe_at(p, FE_TK_LPAREN) || fe_at(p, FE_TK_LBRACKET)) {
            fe_enter(p, p->tok.loc);
            chain++;
        }
        if (fe_accept(p, FE_TK_DOT)) {
            fe_expr *a = fe_new_expr(p, FE_EX_ATTR, loc);
            a->u.attr.obj = x;
            a->u.attr.name = fe_expect_name(p);
            x = a;
        } else if (fe_accept(p, FE_TK_LPAREN)) {
            fe_expr *c = fe_new_expr(p, FE_EX_CALL, loc);
            c->u.call.fn = x;
            fe_parse_call_args(p, c);
            x = c;
        } else if (fe_accept(p, FE_TK_LBRACKET)) {
            fe_vec idx = fe_vec_make(sizeof(fe_expr *));
            do {
                if (fe_at(p, FE_TK_RBRACKET) && idx.n > 0)
                    break;
                rt_loc iloc = p->tok.loc;
                fe_vec_push_ptr(p, &idx, fe_parse_subscript(p), iloc);
            } while (fe_accept(p, FE_TK_COMMA));
            fe_expect(p, FE_TK_RBRACKET);
            fe_expr *s = fe_new_expr(p, FE_EX_INDEX, loc);
            s->u.index.obj = x;
            s->u.index.idx = fe_vec_exprs(&idx);
            x = s;
        } else {
            p->depth -= chain;
            return x;
        }
    }
}

/* power = postfix ("**" factor)? */
static fe_expr *fe_parse_power(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_expr *x = fe_parse_postfix(p);
    if (!fe_at(p, FE_TK_POW))
        return x;
    fe_enter(p, p->tok.loc);
    fe_advance(p);
    fe_expr *b = fe_new_expr(p, FE_EX_BINARY, loc);
    b->u.binary.op = FE_OP_POW;
    b->u.binary.lhs = x;
    b->u.binary.rhs = fe_parse_factor(p);
    fe_leave(p);
    return b;
}

/* factor = ("-" | "+" | "~") factor | power
 * `-` directly on an int/float literal is folded into the literal. */
static fe_expr *fe_parse_factor(fe_parser *p)
{
    fe_op op;
    switch (p->tok.kind) {
    case FE_TK_MINUS: op = FE_OP_NEG; break;
    case FE_TK_PLUS: op = FE_OP_POS; break;
    case FE_TK_TILDE: op = FE_OP_INVERT; break;
    default: return fe_parse_power(p);
    }
    rt_loc loc = p->tok.loc;
    fe_enter(p, loc);
    fe_advance(p);
    fe_expr *operand = fe_parse_factor(p);
    fe_leave(p);
    if (op == FE_OP_NEG && operand->kind == FE_EX_INT &&
        (operand == p->big_int || operand->u.ival != INT64_MIN)) {
        if (operand == p->big_int)
            p->big_int = NULL; /* -9223372036854775808 */
        else
            operand->u.ival = -operand->u.ival;
        operand->loc = loc;
        return operand;
    }
    if (op == FE_OP_NEG && operand->kind == FE_EX_FLOAT) {
        operand->u.fval = -operand->u.fval;
        operand->loc = loc;
        return operand;
    }
    fe_expr *u = fe_new_expr(p, FE_EX_UNARY, loc);
    u->u.unary.op = op;
    u->u.unary.operand = operand;
    return u;
}

/* Binary levels, loosest first:
 * bitor = bitxor ("|" bitxor)*      bitxor = bitand ("^" bitand)*
 * bitand = shift ("&" shift)*       shift = arith (("<<" | ">>") arith)*
 * arith = term (("+" | "-") term)*  term = factor (("*" | "/" | "//" | "%" | "@") factor)* */
typedef struct fe_binop_row {
    fe_tok_kind tok;
    fe_op op;
} fe_binop_row;

static const fe_binop_row fe_binop_levels[][6] = {
    {{FE_TK_PIPE, FE_OP_BITOR}},
    {{FE_TK_CARET, FE_OP_BITXOR}},
    {{FE_TK_AMP, FE_OP_BITAND}},
    {{FE_TK_LSHIFT, FE_OP_LSHIFT}, {FE_TK_RSHIFT, FE_OP_RSHIFT}},
    {{FE_TK_PLUS, FE_OP_ADD}, {FE_TK_MINUS, FE_OP_SUB}},
    {{FE_TK_STAR, FE_OP_MUL},
     {FE_TK_SLASH, FE_OP_DIV},
     {FE_TK_FLOORDIV, FE_OP_FLOORDIV},
     {FE_TK_PERCENT, FE_OP_MOD},
     {FE_TK_AT, FE_OP_MATMUL}},
};
enum { FE_BINOP_NLEVELS = sizeof fe_binop_levels / sizeof fe_binop_levels[0] };

static fe_expr *fe_parse_binary(fe_parser *p, int level)
{
    rt_loc loc = p->tok.loc;
    fe_expr *x = level + 1 < FE_BINOP_NLEVELS ? fe_parse_binary(p, level + 1)
                                               : fe_parse_factor(p);
    int chain = 0; /* a left-nested chain deepens the tree */
    for (;;) {
        const fe_binop_row *row = fe_binop_levels[level];
        int i = 0;
        while (i < 6 && row[i].tok != FE_TK_EOF && row[i].tok != p->tok.kind)
            i++;
        if (i == 6 || row[i].tok == FE_TK_EOF) {
            p->depth -= chain;
            return x;
        }
        fe_enter(p, p->tok.loc);
        chain++;
        fe_advance(p);
        fe_expr *b = fe_new_expr(p, FE_EX_BINARY, loc);
        b->u.binary.op = row[i].op;
        b->u.binary.lhs = x;
        b->u.binary.rhs = level + 1 < FE_BINOP_NLEVELS ? fe_parse_binary(p, level + 1)
                                                        : fe_parse_factor(p);
        x = b;
    }
}

/* Comparison operator at the current token (consumed), or -1. */
static int fe_parse_compop(fe_parser *p)
{
    fe_op op;
    switch (p->tok.kind) {
    case FE_TK_EQEQ: op = FE_OP_EQ; break;
    case FE_TK_NE: op = FE_OP_NE; break;
    case FE_TK_LT: op = FE_OP_LT; break;
    case FE_TK_LE: op = FE_OP_LE; break;
    case FE_TK_GT: op = FE_OP_GT; break;
    case FE_TK_GE: op = FE_OP_GE; break;
    case FE_TK_IN: op = FE_OP_IN; break;
    case FE_TK_IS:
        fe_advance(p);
        return fe_accept(p, FE_TK_NOT) ? FE_OP_IS_NOT : FE_OP_IS;
    case FE_TK_NOT:
        fe_advance(p);
        fe_expect(p, FE_TK_IN);
        return FE_OP_NOT_IN;
    default: return -1;
    }
    fe_advance(p);
    return (int)op;
}

/* comparison = bitor (compop bitor)*
 * compop = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in"
 *        | "is" | "is" "not" */
static fe_expr *fe_parse_comparison(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_expr *x = fe_parse_binary(p, 0);
    int op = fe_parse_compop(p);
    if (op < 0)
        return x;
    fe_vec operands = fe_vec_make(sizeof(fe_expr *));
    fe_vec ops = fe_vec_make(sizeof(fe_op));
    fe_vec_push_ptr(p, &operands, x, loc);
    do {
        *(fe_op *)fe_vec_push(p, &ops, loc) = (fe_op)op;
        fe_vec_push_ptr(p, &operands, fe_parse_binary(p, 0), loc);
    } while ((op = fe_parse_compop(p)) >= 0);
    fe_expr *c = fe_new_expr(p, FE_EX_COMPARE, loc);
    c->u.compare.operands = (fe_expr **)operands.data;
    c->u.compare.ops = (fe_op *)ops.data;
    c->u.compare.n = operands.n;
    return c;
}

/* not_test = "not" not_test | comparison */
static fe_expr *fe_parse_not(fe_parser *p)
{
    if (!fe_at(p, FE_TK_NOT))
        return fe_parse_comparison(p);
    rt_loc loc = p->tok.loc;
    fe_enter(p, loc);
    fe_advance(p);
    fe_expr *u = fe_new_expr(p, FE_EX_UNARY, loc);
    u->u.unary.op = FE_OP_NOT;
    u->u.unary.operand = fe_parse_not(p);
    fe_leave(p);
    return u;
}

/* and_test = not_test ("and" not_test)*
 * or_test = and_test ("or" and_test)* */
static fe_expr *fe_parse_bool(fe_parser *p, bool is_or)
{
    rt_loc loc = p->tok.loc;
    fe_expr *x = is_or ? fe_parse_bool(p, false) : fe_parse_not(p);
    fe_tok_kind k = is_or ? FE_TK_OR : FE_TK_AND;
    int chain = 0;
    while (fe_at(p, k)) {
        fe_enter(p, p->tok.loc);
        chain++;
        fe_advance(p);
        fe_expr *b = fe_new_expr(p, FE_EX_BINARY, loc);
        b->u.binary.op = is_or ? FE_OP_OR : FE_OP_AND;
        b->u.binary.lhs = x;
        b->u.binary.rhs = is_or ? fe_parse_bool(p, false) : fe_parse_not(p);
        x = b;
    }
    p->depth -= chain;
    return x;
}

static fe_expr *fe_parse_or(fe_parser *p) { return fe_parse_bool(p, true); }

/* expr = or_test ("if" or_test "else" expr)? */
static fe_expr *fe_parse_expr_(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_enter(p, loc);
    fe_check_unsupported_expr(p);
    fe_expr *x = fe_parse_or(p);
    if (fe_at(p, FE_TK_WALRUS))
        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "':=' is not supported");
    if (fe_accept(p, FE_TK_IF)) {
        fe_expr *t = fe_new_expr(p, FE_EX_TERNARY, loc);
        t->u.ternary.then = x;
        t->u.ternary.cond = fe_parse_or(p);
        fe_expect(p, FE_TK_ELSE);
        t->u.ternary.other = fe_parse_expr_(p);
        x = t;
    }
    fe_leave(p);
    return x;
}

/* exprlist = expr ("," expr)* ","?   (a tuple when there is a comma)
 * With `targets`, items are or-level expressions (before `in`). */
static fe_expr *fe_parse_exprlist(fe_parser *p, bool targets)
{
    rt_loc loc = p->tok.loc;
    fe_check_unsupported_expr(p);
    fe_expr *x = targets ? fe_parse_binary(p, 0) : fe_parse_expr_(p);
    if (!fe_at(p, FE_TK_COMMA))
        return x;
    fe_vec items = fe_vec_make(sizeof(fe_expr *));
    fe_vec_push_ptr(p, &items, x, loc);
    while (fe_accept(p, FE_TK_COMMA)) {
        fe_tok_kind k = p->tok.kind;
        if (k == FE_TK_NEWLINE || k == FE_TK_ASSIGN || k == FE_TK_IN || k == FE_TK_SEMI ||
            k == FE_TK_COLON || fe_augop(k) != FE_OP_COUNT)
            break;
        fe_check_unsupported_expr(p);
        rt_loc iloc = p->tok.loc;
        fe_vec_push_ptr(p, &items, targets ? fe_parse_binary(p, 0) : fe_parse_expr_(p), iloc);
    }
    fe_expr *t = fe_new_expr(p, FE_EX_TUPLE, loc);
    t->u.list = fe_vec_exprs(&items);
    return t;
}

static const char *fe_expr_desc(const fe_expr *x)
{
    switch (x->kind) {
    case FE_EX_CALL: return "function call";
    case FE_EX_INT:
    case FE_EX_FLOAT:
    case FE_EX_STR:
    case FE_EX_BOOL:
    case FE_EX_NONE:
    case FE_EX_ELLIPSIS: return "literal";
    case FE_EX_COMPARE: return "comparison";
    case FE_EX_TERNARY: return "conditional expression";
    case FE_EX_DICT: return "dict display";
    case FE_EX_SLICE: return "slice";
    default: return "expression";
    }
}

/* target = NAME | postfix "." NAME | postfix "[" ... "]"
 *        | "(" targets ")" | "[" targets "]" | target ("," target)+ */
static void fe_check_target(fe_parser *p, const fe_expr *x, bool allow_tuple)
{
    switch (x->kind) {
    case FE_EX_NAME:
    case FE_EX_ATTR:
    case FE_EX_INDEX:
        return;
    case FE_EX_TUPLE:
    case FE_EX_LIST:
        if (!allow_tuple)
            fe_fail(p, TSJ_ERR_FORMAT, x->loc, "only a single target can be %s",
                    "annotated or augmented");
        if (x->u.list.n == 0 && x->kind == FE_EX_TUPLE)
            fe_fail(p, TSJ_ERR_FORMAT, x->loc, "cannot assign to ()");
        for (int i = 0; i < x->u.list.n; i++)
            fe_check_target(p, x->u.list.items[i], true);
        return;
    default:
        fe_fail(p, TSJ_ERR_FORMAT, x->loc, "cannot assign to %s", fe_expr_desc(x));
    }
}

/* Ends a statement's expressions: a lone 9223372036854775808 is an error. */
static void fe_check_big_int(fe_parser *p)
{
    if (p->big_int)
        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->big_int->loc,
                "integer literal does not fit in 64 bits");
}

/* ---- statements ---- */

static fe_stmt_list fe_parse_block(fe_parser *p);

static fe_op fe_augop(fe_tok_kind k)
{
    switch (k) {
    case FE_TK_PLUSEQ: return FE_OP_ADD;
    case FE_TK_MINUSEQ: return FE_OP_SUB;
    case FE_TK_STAREQ: return FE_OP_MUL;
    case FE_TK_SLASHEQ: return FE_OP_DIV;
    case FE_TK_FLOORDIVEQ: return FE_OP_FLOORDIV;
    case FE_TK_PERCENTEQ: return FE_OP_MOD;
    case FE_TK_POWEQ: return FE_OP_POW;
    case FE_TK_ATEQ: return FE_OP_MATMUL;
    case FE_TK_AMPEQ: return FE_OP_BITAND;
    case FE_TK_PIPEEQ: return FE_OP_BITOR;
    case FE_TK_CARETEQ: return FE_OP_BITXOR;
    case FE_TK_LSHIFTEQ: return FE_OP_LSHIFT;
    case FE_TK_RSHIFTEQ: return FE_OP_RSHIFT;
    default: return FE_OP_COUNT;
    }
}

/* expr_stmt = exprlist
 *           | target ":" expr ("=" exprlist)?
 *           | target augop exprlist
 *           | targets "=" exprlist */
static fe_stmt *fe_parse_expr_stmt(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_expr *x = fe_parse_exprlist(p, false);
    if (fe_at(p, FE_TK_COLON)) {
        fe_check_target(p, x, false);
        fe_advance(p);
        fe_stmt *s = fe_new_stmt(p, FE_ST_ASSIGN, loc);
        s->u.assign.target = x;
        s->u.assign.type = fe_parse_expr_(p);
        if (fe_accept(p, FE_TK_ASSIGN))
            s->u.assign.value = fe_parse_exprlist(p, false);
        else
            fe_fail(p, TSJ_ERR_UNSUPPORTED, loc,
                    "an annotation without a value is not supported here");
        return s;
    }
    fe_op aug = fe_augop(p->tok.kind);
    if (aug != FE_OP_COUNT) {
        fe_check_target(p, x, false);
        fe_advance(p);
        fe_stmt *s = fe_new_stmt(p, FE_ST_AUGASSIGN, loc);
        s->u.augassign.op = aug;
        s->u.augassign.target = x;
        s->u.augassign.value = fe_parse_exprlist(p, false);
        return s;
    }
    if (fe_accept(p, FE_TK_ASSIGN)) {
        fe_check_target(p, x, true);
        fe_stmt *s = fe_new_stmt(p, FE_ST_ASSIGN, loc);
        s->u.assign.target = x;
        s->u.assign.value = fe_parse_exprlist(p, false);
        if (fe_at(p, FE_TK_ASSIGN))
            fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc,
                    "chained assignment (a = b = c) is not supported");
        return s;
    }
    if (fe_at(p, FE_TK_WALRUS))
        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "':=' is not supported");
    fe_stmt *s = fe_new_stmt(p, FE_ST_EXPR, loc);
    s->u.expr = x;
    return s;
}

/* simple_stmt = "pass" | "break" | "continue" | "return" exprlist?
 *             | "raise" expr? | "assert" expr ("," expr)? | "del" exprlist
 *             | expr_stmt */
static fe_stmt *fe_parse_simple_stmt(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_stmt *s;
    switch (p->tok.kind) {
    case FE_TK_PASS:
        fe_advance(p);
        return fe_new_stmt(p, FE_ST_PASS, loc);
    case FE_TK_BREAK:
        fe_advance(p);
        return fe_new_stmt(p, FE_ST_BREAK, loc);
    case FE_TK_CONTINUE:
        fe_advance(p);
        return fe_new_stmt(p, FE_ST_CONTINUE, loc);
    case FE_TK_RETURN:
        fe_advance(p);
        s = fe_new_stmt(p, FE_ST_RETURN, loc);
        if (!fe_at(p, FE_TK_NEWLINE) && !fe_at(p, FE_TK_SEMI))
            s->u.ret = fe_parse_exprlist(p, false);
        return s;
    case FE_TK_RAISE:
        fe_advance(p);
        s = fe_new_stmt(p, FE_ST_RAISE, loc);
        if (!fe_at(p, FE_TK_NEWLINE) && !fe_at(p, FE_TK_SEMI))
            s->u.raise_ = fe_parse_expr_(p);
        if (fe_at(p, FE_TK_FROM))
            fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "'raise ... from' is not supported");
        return s;
    case FE_TK_ASSERT:
        fe_advance(p);
        s = fe_new_stmt(p, FE_ST_ASSERT, loc);
        s->u.assert_.test = fe_parse_expr_(p);
        if (fe_accept(p, FE_TK_COMMA))
            s->u.assert_.msg = fe_parse_expr_(p);
        return s;
    case FE_TK_DEL: {
        fe_advance(p);
        s = fe_new_stmt(p, FE_ST_DEL, loc);
        fe_expr *x = fe_parse_exprlist(p, true);
        fe_check_target(p, x, true);
        if (x->kind == FE_EX_TUPLE) {
            s->u.del = x->u.list;
        } else {
            fe_expr **one = fe_alloc(p, sizeof *one);
            one[0] = x;
            s->u.del.items = one;
            s->u.del.n = 1;
        }
        return s;
    }
    case FE_TK_GLOBAL:
    case FE_TK_NONLOCAL:
    case FE_TK_IMPORT:
    case FE_TK_FROM:
    case FE_TK_TRY:
    case FE_TK_ASYNC:
    case FE_TK_CLASS:
    case FE_TK_DEF:
        fe_fail(p, TSJ_ERR_UNSUPPORTED, loc, "'%s' statements are not supported here",
                fe_tok_name(p->tok.kind));
    case FE_TK_AT:
        fe_fail(p, TSJ_ERR_UNSUPPORTED, loc, "decorators are not supported");
    case FE_TK_INDENT:
        fe_fail(p, TSJ_ERR_FORMAT, loc, "unexpected indent");
    default:
        return fe_parse_expr_stmt(p);
    }
}

/* simple_stmts = simple_stmt (";" simple_stmt)* ";"? NEWLINE */
static void fe_parse_simple_stmts(fe_parser *p, fe_vec *out)
{
    for (;;) {
        rt_loc loc = p->tok.loc;
        fe_vec_push_ptr(p, out, fe_parse_simple_stmt(p), loc);
        fe_check_big_int(p);
        if (!fe_accept(p, FE_TK_SEMI) || fe_at(p, FE_TK_NEWLINE))
            break;
    }
    fe_expect_newline(p);
}

static void fe_no_else(fe_parser *p, const char *what)
{
    if (fe_at(p, FE_TK_ELSE))
        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "'%s ... else' is not supported", what);
}

/* if_stmt = "if" expr ":" block ("elif" expr ":" block)* ("else" ":" block)?
 * `elif` becomes an if statement alone in the else block. */
static fe_stmt *fe_parse_if(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_advance(p); /* if / elif */
    fe_stmt *s = fe_new_stmt(p, FE_ST_IF, loc);
    s->u.if_.cond = fe_parse_expr_(p);
    fe_check_big_int(p);
    fe_expect(p, FE_TK_COLON);
    s->u.if_.then = fe_parse_block(p);
    if (fe_at(p, FE_TK_ELIF)) {
        fe_enter(p, p->tok.loc);
        fe_stmt **one = fe_alloc(p, sizeof *one);
        one[0] = fe_parse_if(p);
        fe_leave(p);
        s->u.if_.other.items = one;
        s->u.if_.other.n = 1;
    } else if (fe_accept(p, FE_TK_ELSE)) {
        fe_expect(p, FE_TK_COLON);
        s->u.if_.other = fe_parse_block(p);
    }
    return s;
}

/* stmt = if_stmt | "for" targets "in" exprlist ":" block
 *      | "while" expr ":" block | simple_stmts */
static void fe_parse_stmt(fe_parser *p, fe_vec *out)
{
    rt_loc loc = p->tok.loc;
    fe_stmt *s;
    switch (p->tok.kind) {
    case FE_TK_IF:
        s = fe_parse_if(p);
        break;
    case FE_TK_FOR:
        fe_advance(p);
        s = fe_new_stmt(p, FE_ST_FOR, loc);
        s->u.for_.target = fe_parse_exprlist(p, true);
        fe_check_target(p, s->u.for_.target, true);
        fe_expect(p, FE_TK_IN);
        s->u.for_.iter = fe_parse_exprlist(p, false);
        fe_check_big_int(p);
        fe_expect(p, FE_TK_COLON);
        s->u.for_.body = fe_parse_block(p);
        fe_no_else(p, "for");
        break;
    case FE_TK_WITH:
        /* with_stmt = "with" expr ("as" target)? ":" block */
        fe_advance(p);
        s = fe_new_stmt(p, FE_ST_WITH, loc);
        s->u.with_.ctx = fe_parse_expr_(p);
        if (fe_accept(p, FE_TK_AS)) {
            s->u.with_.target = fe_parse_exprlist(p, true);
            fe_check_target(p, s->u.with_.target, true);
        }
        if (fe_at(p, FE_TK_COMMA))
            fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc,
                    "'with' over several context managers is not supported");
        fe_expect(p, FE_TK_COLON);
        s->u.with_.body = fe_parse_block(p);
        break;
    case FE_TK_WHILE:
        fe_advance(p);
        s = fe_new_stmt(p, FE_ST_WHILE, loc);
        s->u.while_.cond = fe_parse_expr_(p);
        fe_check_big_int(p);
        fe_expect(p, FE_TK_COLON);
        s->u.while_.body = fe_parse_block(p);
        fe_no_else(p, "while");
        break;
    default:
        fe_parse_simple_stmts(p, out);
        return;
    }
    fe_vec_push_ptr(p, out, s, loc);
}

/* block = simple_stmts | NEWLINE INDENT stmt+ DEDENT */
static fe_stmt_list fe_parse_block(fe_parser *p)
{
    fe_vec out = fe_vec_make(sizeof(fe_stmt *));
    fe_enter(p, p->tok.loc);
    if (!fe_accept(p, FE_TK_NEWLINE)) {
        fe_parse_simple_stmts(p, &out);
    } else {
        if (!fe_at(p, FE_TK_INDENT))
            fe_unexpected(p, "an indented block");
        fe_advance(p);
        while (!fe_accept(p, FE_TK_DEDENT))
            fe_parse_stmt(p, &out);
    }
    fe_leave(p);
    return fe_vec_stmts(&out);
}

/* ---- definitions ---- */

/* funcdef = "def" NAME "(" (param ("," param)* ","?)? ")" ("->" expr)? ":" block
 * param = "*" | NAME (":" expr)? ("=" expr)? */
static fe_func *fe_parse_def(fe_parser *p)
{
    fe_func *f = fe_alloc(p, sizeof *f);
    f->loc = p->tok.loc;
    fe_expect(p, FE_TK_DEF);
    f->name = fe_expect_name(p);
    fe_expect(p, FE_TK_LPAREN);
    fe_vec params = fe_vec_make(sizeof(fe_param));
    bool kwonly = false, seen_default = false, need_kw = false;
    while (!fe_at(p, FE_TK_RPAREN)) {
        rt_loc loc = p->tok.loc;
        if (fe_at(p, FE_TK_STAR)) {
            fe_advance(p);
            if (fe_at(p, FE_TK_RPAREN))
                fe_fail(p, TSJ_ERR_FORMAT, loc, "named parameters must follow bare '*'");
            if (!fe_at(p, FE_TK_COMMA))
                fe_fail(p, TSJ_ERR_UNSUPPORTED, loc, "*args parameters are not supported");
            if (kwonly)
                fe_fail(p, TSJ_ERR_FORMAT, loc, "'*' given more than once");
            kwonly = need_kw = true;
        } else if (fe_at(p, FE_TK_POW) || fe_at(p, FE_TK_SLASH)) {
            fe_fail(p, TSJ_ERR_UNSUPPORTED, loc, "'%s' in a parameter list is not supported",
                    fe_tok_name(p->tok.kind));
        } else {
            const char *name = fe_expect_name(p);
            for (int i = 0; i < params.n; i++)
                if (!strcmp(((fe_param *)params.data)[i].name, name))
                    fe_fail(p, TSJ_ERR_FORMAT, loc, "duplicate parameter '%s'", name);
            fe_param *pa = fe_vec_push(p, &params, loc);
            pa->name = name;
            pa->loc = loc;
            pa->kwonly = kwonly;
            need_kw = false;
            if (fe_accept(p, FE_TK_COLON))
                pa->type = fe_parse_expr_(p);
            if (fe_accept(p, FE_TK_ASSIGN)) {
                pa->dflt = fe_parse_expr_(p);
                seen_default = true;
            } else if (seen_default && !kwonly) {
                fe_fail(p, TSJ_ERR_FORMAT, loc, "non-default parameter follows default parameter");
            }
            fe_check_big_int(p);
        }
        if (!fe_accept(p, FE_TK_COMMA))
            break;
    }
    if (need_kw)
        fe_fail(p, TSJ_ERR_FORMAT, p->tok.loc, "named parameters must follow bare '*'");
    fe_expect(p, FE_TK_RPAREN);
    f->params = (fe_param *)params.data;
    f->nparams = params.n;
    if (fe_accept(p, FE_TK_ARROW))
        f->ret = fe_parse_expr_(p);
    fe_check_big_int(p);
    fe_expect(p, FE_TK_COLON);
    f->body = fe_parse_block(p);
    return f;
}

static fe_class_kind fe_class_kind_of(fe_parser *p, const fe_expr_list *bases)
{
    if (bases->n == 0)
        return FE_CLASS_PLAIN;
    const char *d = fe_expr_dotted(p->a, bases->items[bases->n - 1]);
    if (!d)
        return FE_CLASS_PLAIN;
    const char *last = strrchr(d, '.');
    last = last ? last + 1 : d;
    if (!strcmp(last, "Module"))
        return FE_CLASS_MODULE;
    if (!strcmp(last, "NamedTuple"))
        return FE_CLASS_NAMEDTUPLE;
    if (!strcmp(last, "Enum"))
        return FE_CLASS_ENUM;
    if (!strcmp(last, "Interface") || !strcmp(last, "ModuleInterface"))
        return FE_CLASS_INTERFACE;
    return FE_CLASS_PLAIN;
}

/* The string items of `__parameters__ = [...]`. */
static const char **fe_string_list(fe_parser *p, const fe_expr *x, const char *what, int *n)
{
    if (x->kind != FE_EX_LIST)
        fe_fail(p, TSJ_ERR_FORMAT, x->loc, "%s must be a list of strings", what);
    const char **out = fe_alloc(p, sizeof *out * (size_t)(x->u.list.n ? x->u.list.n : 1));
    for (int i = 0; i < x->u.list.n; i++) {
        const fe_expr *it = x->u.list.items[i];
        if (it->kind != FE_EX_STR)
            fe_fail(p, TSJ_ERR_FORMAT, it->loc, "%s must be a list of strings", what);
        out[i] = it->u.str.s;
    }
    *n = x->u.list.n;
    return out;
}

typedef struct fe_class_acc {
    fe_vec fields, consts, methods;
} fe_class_acc;

/* class_stmt = "pass" NEWLINE | STRING NEWLINE | funcdef
 *            | "__parameters__" "=" "[" STRING,* "]" NEWLINE
 *            | "__buffers__" "=" "[" STRING,* "]" NEWLINE
 *            | "__annotations__" "[" STRING "]" "=" expr NEWLINE
 *            | NAME ":" expr ("=" expr)? NEWLINE
 *            | NAME "=" expr NEWLINE */
static void fe_parse_class_stmt(fe_parser *p, fe_class *c, fe_class_acc *acc)
{
    rt_loc loc = p->tok.loc;
    if (fe_at(p, FE_TK_DEF)) {
        fe_vec_push_ptr(p, &acc->methods, fe_parse_def(p), loc);
        return;
    }
    if (fe_accept(p, FE_TK_PASS)) {
        fe_expect_newline(p);
        return;
    }
    if (fe_at(p, FE_TK_STRING)) { /* docstring */
        fe_parse_atom(p);
        fe_expect_newline(p);
        return;
    }
    if (fe_at(p, FE_TK_AT))
        fe_fail(p, TSJ_ERR_UNSUPPORTED, loc, "decorators are not supported");
    if (fe_at(p, FE_TK_INDENT))
        fe_fail(p, TSJ_ERR_FORMAT, loc, "unexpected indent");
    if (!fe_at(p, FE_TK_NAME)) {
        if (fe_at(p, FE_TK_CLASS) || fe_at(p, FE_TK_IF) || fe_at(p, FE_TK_FOR) ||
            fe_at(p, FE_TK_WHILE) || fe_at(p, FE_TK_IMPORT) || fe_at(p, FE_TK_FROM) ||
            fe_at(p, FE_TK_WITH) || fe_at(p, FE_TK_TRY))
            fe_fail(p, TSJ_ERR_UNSUPPORTED, loc, "'%s' in a class body is not supported",
                    fe_tok_name(p->tok.kind));
        fe_unexpected(p, "a class member");
    }
    const char *name = fe_strndup(p, p->tok.start, p->tok.len);
    fe_advance(p);
    if (!strcmp(name, "__annotations__") && fe_accept(p, FE_TK_LBRACKET)) {
        if (!fe_at(p, FE_TK_STRING))
            fe_unexpected(p, "a string");
        fe_expr *key = fe_parse_atom(p);
        fe_expect(p, FE_TK_RBRACKET);
        fe_expect(p, FE_TK_ASSIGN);
        fe_field *f = fe_vec_push(p, &acc->fields, loc);
        f->name = key->u.str.s;
        f->loc = loc;
        f->type = fe_parse_expr_(p);
    } else if (fe_accept(p, FE_TK_COLON)) {
        fe_expr *type = fe_parse_expr_(p);
        fe_expr *value = fe_accept(p, FE_TK_ASSIGN) ? fe_parse_expr_(p) : NULL;
        if (!value || c->kind == FE_CLASS_NAMEDTUPLE) {
            fe_field *f = fe_vec_push(p, &acc->fields, loc);
            f->name = name;
            f->type = type;
            f->dflt = value;
            f->loc = loc;
        } else {
            fe_const *k = fe_vec_push(p, &acc->consts, loc);
            k->name = name;
            k->type = type;
            k->value = value;
            k->loc = loc;
        }
    } else if (fe_accept(p, FE_TK_ASSIGN)) {
        fe_expr *value = fe_parse_expr_(p);
        if (!strcmp(name, "__parameters__")) {
            if (c->has_parameters)
                fe_fail(p, TSJ_ERR_FORMAT, loc, "duplicate __parameters__");
            c->parameters = fe_string_list(p, value, name, &c->nparameters);
            c->has_parameters = true;
        } else if (!strcmp(name, "__buffers__")) {
            if (c->has_buffers)
                fe_fail(p, TSJ_ERR_FORMAT, loc, "duplicate __buffers__");
            c->buffers = fe_string_list(p, value, name, &c->nbuffers);
            c->has_buffers = true;
        } else {
            fe_const *k = fe_vec_push(p, &acc->consts, loc);
            k->name = name;
            k->value = value;
            k->loc = loc;
        }
    } else {
        fe_unexpected(p, "':' or '='");
    }
    fe_check_big_int(p);
    fe_expect_newline(p);
}

/* classdef = "class" NAME ("(" (expr ("," expr)* ","?)? ")")? ":"
 *            (NEWLINE INDENT class_stmt+ DEDENT | class_stmt) */
static fe_class *fe_parse_class(fe_parser *p)
{
    fe_class *c = fe_alloc(p, sizeof *c);
    c->loc = p->tok.loc;
    fe_expect(p, FE_TK_CLASS);
    c->name = fe_expect_name(p);
    if (fe_accept(p, FE_TK_LPAREN)) {
        fe_vec bases = fe_vec_make(sizeof(fe_expr *));
        while (!fe_at(p, FE_TK_RPAREN)) {
            rt_loc loc = p->tok.loc;
            fe_expr *b = fe_parse_expr_(p);
            if (fe_at(p, FE_TK_ASSIGN))
                fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc,
                        "class keyword arguments are not supported");
            fe_vec_push_ptr(p, &bases, b, loc);
            if (!fe_accept(p, FE_TK_COMMA))
                break;
        }
        fe_expect(p, FE_TK_RPAREN);
        c->bases = fe_vec_exprs(&bases);
    }
    fe_check_big_int(p);
    c->kind = fe_class_kind_of(p, &c->bases);
    fe_expect(p, FE_TK_COLON);
    fe_class_acc acc = {fe_vec_make(sizeof(fe_field)), fe_vec_make(sizeof(fe_const)),
                        fe_vec_make(sizeof(fe_func *))};
    fe_enter(p, c->loc);
    if (!fe_accept(p, FE_TK_NEWLINE)) {
        fe_parse_class_stmt(p, c, &acc);
    } else {
        if (!fe_at(p, FE_TK_INDENT))
            fe_unexpected(p, "an indented block");
        fe_advance(p);
        while (!fe_accept(p, FE_TK_DEDENT))
            fe_parse_class_stmt(p, c, &acc);
    }
    fe_leave(p);
    c->fields = (fe_field *)acc.fields.data;
    c->nfields = acc.fields.n;
    c->consts = (fe_const *)acc.consts.data;
    c->nconsts = acc.consts.n;
    c->methods = (fe_func **)acc.methods.data;
    c->nmethods = acc.methods.n;
    return c;
}

/* dotted = NAME ("." NAME)* */
static const char *fe_parse_dotted(fe_parser *p)
{
    rt_loc loc = p->tok.loc;
    fe_vec parts = fe_vec_make(sizeof(fe_token));
    size_t total = 0;
    do {
        if (!fe_at(p, FE_TK_NAME))
            fe_unexpected(p, "a name");
        if (parts.n >= FE_MAX_DEPTH)
            fe_fail(p, TSJ_ERR_LIMIT, loc, "dotted name too long");
        *(fe_token *)fe_vec_push(p, &parts, loc) = p->tok;
        total += p->tok.len + 1;
        fe_advance(p);
    } while (fe_accept(p, FE_TK_DOT));
    char *s = fe_alloc(p, total);
    size_t n = 0;
    for (int i = 0; i < parts.n; i++) {
        const fe_token *t = (const fe_token *)parts.data + i;
        if (i)
            s[n++] = '.';
        memcpy(s + n, t->start, t->len);
        n += t->len;
    }
    s[n] = '\0';
    return s;
}

/* import = "import" dotted ("," dotted)* NEWLINE
 *        | "from" dotted "import" ("*" | NAME ("," NAME)*) NEWLINE
 * Each module of a multi-module import becomes its own item. */
static void fe_parse_import(fe_parser *p, fe_vec *items)
{
    rt_loc loc = p->tok.loc;
    bool is_from = fe_at(p, FE_TK_FROM);
    fe_advance(p);
    if (fe_at(p, FE_TK_DOT) || fe_at(p, FE_TK_ELLIPSIS))
        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "relative imports are not supported");
    do {
        fe_import *im = fe_alloc(p, sizeof *im);
        im->is_from = is_from;
        im->module = fe_parse_dotted(p);
        if (fe_at(p, FE_TK_AS))
            fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc, "'import ... as' is not supported");
        if (is_from) {
            fe_expect(p, FE_TK_IMPORT);
            fe_vec names = fe_vec_make(sizeof(const char *));
            if (fe_at(p, FE_TK_STAR)) {
                fe_advance(p);
                fe_vec_push_ptr(p, &names, (void *)"*", loc);
            } else {
                do {
                    fe_vec_push_ptr(p, &names, (void *)fe_expect_name(p), loc);
                    if (fe_at(p, FE_TK_AS))
                        fe_fail(p, TSJ_ERR_UNSUPPORTED, p->tok.loc,
                                "'import ... as' is not supported");
                } while (fe_accept(p, FE_TK_COMMA));
            }
            im->names = (const char **)names.data;
            im->nnames = names.n;
        }
        fe_item *it = fe_vec_push(p, items, loc);
        it->kind = FE_ITEM_IMPORT;
        it->loc = loc;
        it->u.import = im;
    } while (!is_from && fe_accept(p, FE_TK_COMMA));
    fe_expect_newline(p);
}

/* module = (NEWLINE | import | classdef | funcdef | NAME "=" expr NEWLINE)* EOF */
static fe_module *fe_parse_module(fe_parser *p)
{
    fe_module *m = fe_alloc(p, sizeof *m);
    m->file = p->lx.file;
    fe_vec items = fe_vec_make(sizeof(fe_item));
    fe_advance(p);
    while (!fe_at(p, FE_TK_EOF)) {
        rt_loc loc = p->tok.loc;
        switch (p->tok.kind) {
        case FE_TK_NEWLINE:
            fe_advance(p);
            break;
        case FE_TK_IMPORT:
        case FE_TK_FROM:
            fe_parse_import(p, &items);
            break;
        case FE_TK_CLASS: {
            fe_class *c = fe_parse_class(p);
            fe_item *it = fe_vec_push(p, &items, loc);
            it->kind = FE_ITEM_CLASS;
            it->loc = loc;
            it->u.cls = c;
            break;
        }
        case FE_TK_DEF: {
            fe_func *f = fe_parse_def(p);
            fe_item *it = fe_vec_push(p, &items, loc);
            it->kind = FE_ITEM_FUNC;
            it->loc = loc;
            it->u.func = f;
            break;
        }
        case FE_TK_INDENT:
            fe_fail(p, TSJ_ERR_FORMAT, loc, "unexpected indent");
        case FE_TK_AT:
            fe_fail(p, TSJ_ERR_UNSUPPORTED, loc, "decorators are not supported");
        case FE_TK_IF:
        case FE_TK_FOR:
        case FE_TK_WHILE:
            fe_fail(p, TSJ_ERR_UNSUPPORTED, loc, "'%s' statements are not supported at module level",
                    fe_tok_name(p->tok.kind));
        default: {
            fe_stmt *s = fe_parse_simple_stmt(p);
            fe_check_big_int(p);
            if (s->kind != FE_ST_ASSIGN || s->u.assign.target->kind != FE_EX_NAME)
                fe_fail(p, TSJ_ERR_UNSUPPORTED, loc,
                        "only classes, functions, imports and `name = value` are supported "
                        "at module level");
            fe_expect_newline(p);
            fe_item *it = fe_vec_push(p, &items, loc);
            it->kind = FE_ITEM_ASSIGN;
            it->loc = loc;
            it->u.assign = s;
            break;
        }
        }
    }
    m->items = (fe_item *)items.data;
    m->nitems = items.n;
    return m;
}

/* ---- entry points ---- */

static bool fe_parser_init(fe_parser *p, rt_arena *a, const char *file, const char *src,
                           size_t len, rt_err *e)
{
    memset(p, 0, sizeof *p);
    p->a = a;
    p->e = e;
    p->src = src;
    p->len = len;
    if (e)
        rt_err_clear(e);
    const char *fname = rt_arena_strdup(a, file ? file : "<source>");
    if (!fname) {
        rt_err_nomem(e);
        return false;
    }
    if (!src && len) {
        rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT, "%s: NULL source", fname);
        return false;
    }
    if (len > FE_MAX_SOURCE) {
        rt_err_set(e, TSJ_ERR_LIMIT, "%s: source file larger than %zu bytes", fname,
                   FE_MAX_SOURCE);
        return false;
    }
    fe_lex_init(&p->lx, a, fname, src ? src : "", len, e);
    return true;
}

/* setjmp lives here, apart from the parser state it guards. */
static fe_module *fe_parse_guarded(fe_parser *p)
{
    if (setjmp(p->jb))
        return NULL;
    return fe_parse_module(p);
}

fe_module *fe_parse(rt_arena *a, const char *file, const char *src, size_t len, rt_err *e)
{
    fe_parser *p = malloc(sizeof *p);
    if (!p) {
        rt_err_nomem(e);
        return NULL;
    }
    fe_module *m = NULL;
    if (fe_parser_init(p, a, file, src, len, e)) {
        m = fe_parse_guarded(p);
        fe_lex_fini(&p->lx);
    }
    free(p);
    return m;
}

static fe_expr *fe_parse_expr_guarded(fe_parser *p)
{
    if (setjmp(p->jb))
        return NULL;
    fe_advance(p);
    while (fe_accept(p, FE_TK_NEWLINE) || fe_accept(p, FE_TK_INDENT))
        ;
    fe_expr *x = fe_parse_expr_(p);
    fe_check_big_int(p);
    while (fe_accept(p, FE_TK_NEWLINE) || fe_accept(p, FE_TK_DEDENT))
        ;
    if (!fe_at(p, FE_TK_EOF))
        fe_unexpected(p, "end of input");
    return x;
}

fe_expr *fe_parse_expr(rt_arena *a, const char *file, const char *src, size_t len, rt_err *e)
{
    fe_parser *p = malloc(sizeof *p);
    if (!p) {
        rt_err_nomem(e);
        return NULL;
    }
    fe_expr *x = NULL;
    if (fe_parser_init(p, a, file, src, len, e)) {
        x = fe_parse_expr_guarded(p);
        fe_lex_fini(&p->lx);
    }
    free(p);
    return x;
}

/* ---- fe_expr_dotted ---- */

const char *fe_expr_dotted(rt_arena *a, const fe_expr *e)
{
    size_t n = 0;
    const fe_expr *x = e;
    for (; x && x->kind == FE_EX_ATTR; x = x->u.attr.obj)
        n += strlen(x->u.attr.name) + 1;
    if (!x || x->kind != FE_EX_NAME)
        return NULL;
    n += strlen(x->u.name);
    char *s = rt_arena_alloc(a, n + 1);
    if (!s)
        return NULL;
    s[n] = '\0';
    for (x = e; x->kind == FE_EX_ATTR; x = x->u.attr.obj) {
        size_t k = strlen(x->u.attr.name);
        n -= k;
        memcpy(s + n, x->u.attr.name, k);
        s[--n] = '.';
    }
    memcpy(s, x->u.name, strlen(x->u.name));
    return s;
}

/* ---- fe_ast_dump ---- */

typedef struct fe_out {
    char *s;
    size_t n, cap;
    bool oom;
} fe_out;

static void fe_out_put(fe_out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 1024;
        while (cap < o->n + n + 1)
            cap *= 2;
        char *ns = realloc(o->s, cap);
        if (!ns) {
            o->oom = true;
            return;
        }
        o->s = ns;
        o->cap = cap;
    }
    memcpy(o->s + o->n, s, n);
    o->n += n;
    o->s[o->n] = '\0';
}

static void fe_out_str(fe_out *o, const char *s) { fe_out_put(o, s, strlen(s)); }

static void fe_out_fmt(fe_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fe_out_fmt(fe_out *o, const char *fmt, ...)
{
    char buf[256];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n >= (int)sizeof buf) {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            fe_out_put(o, big, (size_t)n);
            free(big);
        } else {
            o->oom = true;
        }
    } else if (n > 0) {
        fe_out_put(o, buf, (size_t)n);
    }
    va_end(ap2);
    va_end(ap);
}

static void fe_out_indent(fe_out *o, int ind)
{
    fe_out_str(o, "\n");
    for (int i = 0; i < ind; i++)
        fe_out_str(o, "  ");
}

static void fe_out_loc(fe_out *o, rt_loc l) { fe_out_fmt(o, " @%d:%d", l.line, l.col); }

static void fe_out_quoted(fe_out *o, const char *s, size_t n)
{
    fe_out_str(o, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fe_out_str(o, "\\\""); break;
        case '\\': fe_out_str(o, "\\\\"); break;
        case '\n': fe_out_str(o, "\\n"); break;
        case '\t': fe_out_str(o, "\\t"); break;
        case '\r': fe_out_str(o, "\\r"); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                fe_out_fmt(o, "\\x%02x", c);
            else
                fe_out_put(o, (const char *)&s[i], 1);
        }
    }
    fe_out_str(o, "\"");
}

static void fe_dump_expr(fe_out *o, const fe_expr *x);

static void fe_dump_exprs(fe_out *o, fe_expr *const *items, int n)
{
    for (int i = 0; i < n; i++) {
        fe_out_str(o, " ");
        fe_dump_expr(o, items[i]);
    }
}

static void fe_dump_opt(fe_out *o, const fe_expr *x)
{
    if (x)
        fe_dump_expr(o, x);
    else
        fe_out_str(o, "_");
}

static void fe_dump_expr(fe_out *o, const fe_expr *x)
{
    switch (x->kind) {
    case FE_EX_NAME: fe_out_str(o, x->u.name); break;
    case FE_EX_INT: fe_out_fmt(o, "%" PRId64, x->u.ival); break;
    case FE_EX_FLOAT: {
        double v = x->u.fval;
        if (isnan(v)) {
            fe_out_str(o, "nan");
        } else if (isinf(v)) {
            fe_out_str(o, v < 0 ? "-inf" : "inf");
        } else {
            char buf[64];
            snprintf(buf, sizeof buf, "%.17g", v);
            fe_out_str(o, buf);
            if (!strpbrk(buf, ".e"))
                fe_out_str(o, ".0");
        }
        break;
    }
    case FE_EX_STR: fe_out_quoted(o, x->u.str.s, x->u.str.len); break;
    case FE_EX_BOOL: fe_out_str(o, x->u.bval ? "True" : "False"); break;
    case FE_EX_NONE: fe_out_str(o, "None"); break;
    case FE_EX_ELLIPSIS: fe_out_str(o, "..."); break;
    case FE_EX_ATTR: {
        const fe_expr *b = x;
        while (b->kind == FE_EX_ATTR)
            b = b->u.attr.obj;
        if (b->kind == FE_EX_NAME) { /* dotted name: a.b.c */
            fe_dump_expr(o, x->u.attr.obj);
            fe_out_fmt(o, ".%s", x->u.attr.name);
            break;
        }
        fe_out_str(o, "(. ");
        fe_dump_expr(o, x->u.attr.obj);
        fe_out_fmt(o, " %s)", x->u.attr.name);
        break;
    }
    case FE_EX_CALL:
        fe_out_str(o, "(call ");
        fe_dump_expr(o, x->u.call.fn);
        fe_dump_exprs(o, x->u.call.args.items, x->u.call.args.n);
        for (int i = 0; i < x->u.call.nkwargs; i++) {
            fe_out_fmt(o, " (kw %s ", x->u.call.kwargs[i].name);
            fe_dump_expr(o, x->u.call.kwargs[i].value);
            fe_out_str(o, ")");
        }
        fe_out_str(o, ")");
        break;
    case FE_EX_INDEX:
        fe_out_str(o, "(index ");
        fe_dump_expr(o, x->u.index.obj);
        fe_dump_exprs(o, x->u.index.idx.items, x->u.index.idx.n);
        fe_out_str(o, ")");
        break;
    case FE_EX_SLICE:
        fe_out_str(o, "(slice ");
        fe_dump_opt(o, x->u.slice.start);
        fe_out_str(o, " ");
        fe_dump_opt(o, x->u.slice.stop);
        fe_out_str(o, " ");
        fe_dump_opt(o, x->u.slice.step);
        fe_out_str(o, ")");
        break;
    case FE_EX_LIST:
    case FE_EX_TUPLE:
        fe_out_str(o, x->kind == FE_EX_LIST ? "(list" : "(tuple");
        fe_dump_exprs(o, x->u.list.items, x->u.list.n);
        fe_out_str(o, ")");
        break;
    case FE_EX_DICT:
        fe_out_str(o, "(dict");
        for (int i = 0; i < x->u.dict.n; i++) {
            fe_out_str(o, " (");
            fe_dump_expr(o, x->u.dict.keys[i]);
            fe_out_str(o, " ");
            fe_dump_expr(o, x->u.dict.values[i]);
            fe_out_str(o, ")");
        }
        fe_out_str(o, ")");
        break;
    case FE_EX_UNARY:
        fe_out_fmt(o, "(%s ", fe_op_name(x->u.unary.op));
        fe_dump_expr(o, x->u.unary.operand);
        fe_out_str(o, ")");
        break;
    case FE_EX_BINARY:
        fe_out_fmt(o, "(%s ", fe_op_name(x->u.binary.op));
        fe_dump_expr(o, x->u.binary.lhs);
        fe_out_str(o, " ");
        fe_dump_expr(o, x->u.binary.rhs);
        fe_out_str(o, ")");
        break;
    case FE_EX_COMPARE:
        fe_out_str(o, "(cmp ");
        fe_dump_expr(o, x->u.compare.operands[0]);
        for (int i = 1; i < x->u.compare.n; i++) {
            fe_out_fmt(o, " %s ", fe_op_name(x->u.compare.ops[i - 1]));
            fe_dump_expr(o, x->u.compare.operands[i]);
        }
        fe_out_str(o, ")");
        break;
    case FE_EX_TERNARY:
        fe_out_str(o, "(ifexp ");
        fe_dump_expr(o, x->u.ternary.cond);
        fe_out_str(o, " ");
        fe_dump_expr(o, x->u.ternary.then);
        fe_out_str(o, " ");
        fe_dump_expr(o, x->u.ternary.other);
        fe_out_str(o, ")");
        break;
    }
}

static void fe_dump_stmts(fe_out *o, const fe_stmt_list *l, int ind);

static void fe_dump_stmt(fe_out *o, const fe_stmt *s, int ind)
{
    fe_out_indent(o, ind);
    static const char *const heads[] = {
        [FE_ST_EXPR] = "expr",     [FE_ST_ASSIGN] = "assign", [FE_ST_AUGASSIGN] = "augassign",
        [FE_ST_IF] = "if",         [FE_ST_FOR] = "for",       [FE_ST_WHILE] = "while",
        [FE_ST_RETURN] = "return", [FE_ST_PASS] = "pass",     [FE_ST_BREAK] = "break",
        [FE_ST_CONTINUE] = "continue", [FE_ST_RAISE] = "raise", [FE_ST_ASSERT] = "assert",
        [FE_ST_DEL] = "del",       [FE_ST_WITH] = "with",
    };
    fe_out_fmt(o, "(%s", heads[s->kind]);
    fe_out_loc(o, s->loc);
    switch (s->kind) {
    case FE_ST_EXPR:
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.expr);
        break;
    case FE_ST_ASSIGN:
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.assign.target);
        if (s->u.assign.type) {
            fe_out_str(o, " : ");
            fe_dump_expr(o, s->u.assign.type);
        }
        if (s->u.assign.value) {
            fe_out_str(o, " = ");
            fe_dump_expr(o, s->u.assign.value);
        }
        break;
    case FE_ST_AUGASSIGN:
        fe_out_fmt(o, " %s= ", fe_op_name(s->u.augassign.op));
        fe_dump_expr(o, s->u.augassign.target);
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.augassign.value);
        break;
    case FE_ST_IF:
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.if_.cond);
        fe_out_indent(o, ind + 1);
        fe_out_str(o, "(then");
        fe_dump_stmts(o, &s->u.if_.then, ind + 2);
        fe_out_str(o, ")");
        if (s->u.if_.other.n) {
            fe_out_indent(o, ind + 1);
            fe_out_str(o, "(else");
            fe_dump_stmts(o, &s->u.if_.other, ind + 2);
            fe_out_str(o, ")");
        }
        break;
    case FE_ST_FOR:
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.for_.target);
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.for_.iter);
        fe_dump_stmts(o, &s->u.for_.body, ind + 1);
        break;
    case FE_ST_WHILE:
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.while_.cond);
        fe_dump_stmts(o, &s->u.while_.body, ind + 1);
        break;
    case FE_ST_RETURN:
    case FE_ST_RAISE: {
        const fe_expr *v = s->kind == FE_ST_RETURN ? s->u.ret : s->u.raise_;
        if (v) {
            fe_out_str(o, " ");
            fe_dump_expr(o, v);
        }
        break;
    }
    case FE_ST_ASSERT:
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.assert_.test);
        if (s->u.assert_.msg) {
            fe_out_str(o, " ");
            fe_dump_expr(o, s->u.assert_.msg);
        }
        break;
    case FE_ST_DEL:
        fe_dump_exprs(o, s->u.del.items, s->u.del.n);
        break;
    case FE_ST_WITH:
        fe_out_str(o, " ");
        fe_dump_expr(o, s->u.with_.ctx);
        if (s->u.with_.target) {
            fe_out_str(o, " as ");
            fe_dump_expr(o, s->u.with_.target);
        }
        fe_dump_stmts(o, &s->u.with_.body, ind + 1);
        break;
    case FE_ST_PASS:
    case FE_ST_BREAK:
    case FE_ST_CONTINUE:
        break;
    }
    fe_out_str(o, ")");
}

static void fe_dump_stmts(fe_out *o, const fe_stmt_list *l, int ind)
{
    for (int i = 0; i < l->n; i++)
        fe_dump_stmt(o, l->items[i], ind);
}

static void fe_dump_func(fe_out *o, const fe_func *f, int ind)
{
    fe_out_indent(o, ind);
    fe_out_fmt(o, "(def %s", f->name);
    fe_out_loc(o, f->loc);
    for (int i = 0; i < f->nparams; i++) {
        const fe_param *pa = &f->params[i];
        fe_out_indent(o, ind + 1);
        fe_out_fmt(o, "(param %s ", pa->name);
        fe_dump_opt(o, pa->type);
        if (pa->dflt) {
            fe_out_str(o, " = ");
            fe_dump_expr(o, pa->dflt);
        }
        if (pa->kwonly)
            fe_out_str(o, " kwonly");
        fe_out_str(o, ")");
    }
    if (f->ret) {
        fe_out_indent(o, ind + 1);
        fe_out_str(o, "(returns ");
        fe_dump_expr(o, f->ret);
        fe_out_str(o, ")");
    }
    fe_dump_stmts(o, &f->body, ind + 1);
    fe_out_str(o, ")");
}

static void fe_dump_names(fe_out *o, const char *head, const char *const *names, int n)
{
    fe_out_fmt(o, "(%s", head);
    for (int i = 0; i < n; i++) {
        fe_out_str(o, " ");
        fe_out_quoted(o, names[i], strlen(names[i]));
    }
    fe_out_str(o, ")");
}

static void fe_dump_class(fe_out *o, const fe_class *c, int ind)
{
    static const char *const kinds[] = {
        [FE_CLASS_PLAIN] = "plain",           [FE_CLASS_MODULE] = "module",
        [FE_CLASS_NAMEDTUPLE] = "namedtuple", [FE_CLASS_ENUM] = "enum",
        [FE_CLASS_INTERFACE] = "interface",
    };
    fe_out_indent(o, ind);
    fe_out_fmt(o, "(class %s %s", c->name, kinds[c->kind]);
    fe_out_loc(o, c->loc);
    if (c->bases.n) {
        fe_out_str(o, " (bases");
        fe_dump_exprs(o, c->bases.items, c->bases.n);
        fe_out_str(o, ")");
    }
    if (c->has_parameters) {
        fe_out_indent(o, ind + 1);
        fe_dump_names(o, "parameters", c->parameters, c->nparameters);
    }
    if (c->has_buffers) {
        fe_out_indent(o, ind + 1);
        fe_dump_names(o, "buffers", c->buffers, c->nbuffers);
    }
    for (int i = 0; i < c->nfields; i++) {
        const fe_field *f = &c->fields[i];
        fe_out_indent(o, ind + 1);
        fe_out_str(o, "(field ");
        fe_out_quoted(o, f->name, strlen(f->name));
        fe_out_str(o, " ");
        fe_dump_expr(o, f->type);
        if (f->dflt) {
            fe_out_str(o, " = ");
            fe_dump_expr(o, f->dflt);
        }
        fe_out_str(o, ")");
    }
    for (int i = 0; i < c->nconsts; i++) {
        const fe_const *k = &c->consts[i];
        fe_out_indent(o, ind + 1);
        fe_out_fmt(o, "(const %s ", k->name);
        fe_dump_opt(o, k->type);
        fe_out_str(o, " = ");
        fe_dump_expr(o, k->value);
        fe_out_str(o, ")");
    }
    for (int i = 0; i < c->nmethods; i++)
        fe_dump_func(o, c->methods[i], ind + 1);
    fe_out_str(o, ")");
}

char *fe_ast_dump(const fe_module *m)
{
    fe_out o = {NULL, 0, 0, false};
    if (!m)
        return NULL;
    fe_out_str(&o, "(module ");
    fe_out_quoted(&o, m->file, strlen(m->file));
    for (int i = 0; i < m->nitems; i++) {
        const fe_item *it = &m->items[i];
        switch (it->kind) {
        case FE_ITEM_CLASS: fe_dump_class(&o, it->u.cls, 1); break;
        case FE_ITEM_FUNC: fe_dump_func(&o, it->u.func, 1); break;
        case FE_ITEM_IMPORT:
            fe_out_indent(&o, 1);
            fe_out_fmt(&o, "(%s %s", it->u.import->is_from ? "from" : "import",
                       it->u.import->module);
            fe_out_loc(&o, it->loc);
            for (int k = 0; k < it->u.import->nnames; k++)
                fe_out_fmt(&o, " %s", it->u.import->names[k]);
            fe_out_str(&o, ")");
            break;
        case FE_ITEM_ASSIGN: fe_dump_stmt(&o, it->u.assign, 1); break;
        }
    }
    fe_out_str(&o, ")\n");
    if (o.oom) {
        free(o.s);
        return NULL;
    }
    return o.s;
}
