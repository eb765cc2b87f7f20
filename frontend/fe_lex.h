/*
 * fe_lex.h — the tokenizer for TorchScript source: turns bytes into
 * tokens on demand, including Python's NEWLINE / INDENT / DEDENT layout
 * tokens. Newlines inside brackets and after `\` are ignored; blank and
 * comment-only lines produce nothing. Strings come out decoded.
 * Errors are reported through fe_lex_error (same text format as the
 * parser's, see fe_parse.h).
 */
#ifndef FE_LEX_H
#define FE_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_arena.h"
#include "rt_error.h"

/* Deepest bracket / indentation / parser nesting accepted. */
#define FE_MAX_DEPTH 200

/* Token kinds: enum suffix and the spelling used in error messages.
 * ORDER: FE_TOKEN_LIST drives the enum and fe_tok_name; keywords and
 * punctuators are looked up by spelling from the same table. */
#define FE_TOKEN_LIST(X)                                                       \
    X(EOF, "EOF") X(NEWLINE, "NEWLINE") X(INDENT, "INDENT")                    \
    X(DEDENT, "DEDENT") X(NAME, "NAME") X(INT, "NUMBER") X(FLOAT, "NUMBER")    \
    X(STRING, "STRING")                                                        \
    /* keywords (FE_TK_KW_FIRST .. FE_TK_KW_LAST) */                           \
    X(FALSE, "False") X(NONE, "None") X(TRUE, "True") X(AND, "and")            \
    X(AS, "as") X(ASSERT, "assert") X(ASYNC, "async") X(AWAIT, "await")        \
    X(BREAK, "break") X(CLASS, "class") X(CONTINUE, "continue")                \
    X(DEF, "def") X(DEL, "del") X(ELIF, "elif") X(ELSE, "else")                \
    X(EXCEPT, "except") X(FINALLY, "finally") X(FOR, "for") X(FROM, "from")    \
    X(GLOBAL, "global") X(IF, "if") X(IMPORT, "import") X(IN, "in")            \
    X(IS, "is") X(LAMBDA, "lambda") X(NONLOCAL, "nonlocal") X(NOT, "not")      \
    X(OR, "or") X(PASS, "pass") X(RAISE, "raise") X(RETURN, "return")          \
    X(TRY, "try") X(WHILE, "while") X(WITH, "with") X(YIELD, "yield")          \
    /* punctuators (FE_TK_P_FIRST ..): longest first within a prefix */       \
    X(POWEQ, "**=") X(FLOORDIVEQ, "//=") X(LSHIFTEQ, "<<=")                    \
    X(RSHIFTEQ, ">>=") X(ELLIPSIS, "...") X(ARROW, "->") X(PLUSEQ, "+=")       \
    X(MINUSEQ, "-=") X(STAREQ, "*=") X(SLASHEQ, "/=") X(PERCENTEQ, "%=")       \
    X(ATEQ, "@=") X(AMPEQ, "&=") X(PIPEEQ, "|=") X(CARETEQ, "^=")              \
    X(EQEQ, "==") X(NE, "!=") X(LE, "<=") X(GE, ">=") X(WALRUS, ":=")          \
    X(POW, "**") X(FLOORDIV, "//") X(LSHIFT, "<<") X(RSHIFT, ">>")             \
    X(LPAREN, "(") X(RPAREN, ")") X(LBRACKET, "[") X(RBRACKET, "]")            \
    X(LBRACE, "{") X(RBRACE, "}") X(COMMA, ",") X(COLON, ":") X(DOT, ".")      \
    X(SEMI, ";") X(AT, "@") X(ASSIGN, "=") X(PLUS, "+") X(MINUS, "-")          \
    X(STAR, "*") X(SLASH, "/") X(PERCENT, "%") X(AMP, "&") X(PIPE, "|")        \
    X(CARET, "^") X(TILDE, "~") X(LT, "<") X(GT, ">")

typedef enum fe_tok_kind {
#define FE_X(name, spelling) FE_TK_##name,
    FE_TOKEN_LIST(FE_X)
#undef FE_X
        FE_TK_COUNT,
    FE_TK_KW_FIRST = FE_TK_FALSE,
    FE_TK_KW_LAST = FE_TK_YIELD,
    FE_TK_P_FIRST = FE_TK_POWEQ,
} fe_tok_kind;

/* Spelling for messages: "NAME", "NUMBER", "STRING", "EOF", "def", ")". */
const char *fe_tok_name(fe_tok_kind k);

typedef struct fe_token {
    fe_tok_kind kind;
    const char *start; /* into the source; NULL for layout tokens */
    size_t len;
    rt_loc loc;
    union {
        uint64_t ival; /* INT: value (may be 2^63 before a unary minus) */
        double fval;   /* FLOAT */
        struct {       /* STRING: decoded, arena-allocated, NUL-terminated */
            char *s;
            size_t len;
        } str;
    } v;
} fe_token;

typedef struct fe_lexer {
    rt_arena *arena;
    rt_err *err;
    const char *file; /* arena copy */
    const char *src, *end, *p;
    int line;
    const char *line_start;
    bool at_line_start; /* next token begins a logical line */
    int indents[FE_MAX_DEPTH + 1], nindents;
    int pending_dedents;
    bool emitted_eof_newline;
    /* open brackets: kind and location, for matching and messages */
    fe_tok_kind brackets[FE_MAX_DEPTH];
    rt_loc bracket_locs[FE_MAX_DEPTH];
    int nbrackets;
    bool last_was_newline; /* last token was NEWLINE/INDENT/DEDENT or none */
    void *c_locale;        /* locale_t for strtod_l, NULL -> strtod */
} fe_lexer;

/* `file` must outlive the tokens (copy it into the arena first). */
void fe_lex_init(fe_lexer *lx, rt_arena *a, const char *file, const char *src, size_t len,
                 rt_err *e);
void fe_lex_fini(fe_lexer *lx);
/* Next token; -1 after filling lx->err. After EOF keeps returning EOF. */
int fe_lex_next(fe_lexer *lx, fe_token *t);

/* Fills e with "file:line:col: error: <msg>\n<source line>\n<caret>"
 * for `loc` in `src`, and e->file/line/col. Returns -1. */
int fe_lex_error(rt_err *e, tsj_status st, const char *src, size_t len, rt_loc loc,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif /* FE_LEX_H */
