/*
 * repl.h — `tsjit repl`: the expression language's parser (repl_expr.c,
 * no tsjit dependency, no global state, fuzzable) and the session
 * (repl.c: line editing, commands; repl_eval.c: evaluation).
 *
 * The language, one statement per line:
 *
 *   stmt    = ":" WORD REST            a command; REST is kept as raw text
 *           | NAME "=" expr            an assignment
 *           | expr                     evaluated and printed
 *           | ""                       (blank, or a '#' comment)
 *   expr    = primary ("[" expr "]")*
 *   primary = INT | FLOAT | "-" (INT | FLOAT) | STRING
 *           | "True" | "False" | "None" (also true, false, none), "inf", "nan"
 *           | NAME | NAME "(" args ")"
 *           | "[" items "]" | "(" ")" | "(" expr ")" | "(" expr "," items ")"
 *   args    = (arg ("," arg)* ","?)?      arg = NAME "=" expr | expr
 *   NAME    = [A-Za-z_][A-Za-z0-9_]* ("." [A-Za-z_][A-Za-z0-9_]*)*
 *             (dots: self.encode(x), dtype=torch.float32, x.shape)
 *   STRING  = '"' ... '"' or "'" ... "'" with \\ \" \' \n \t escapes
 *
 * Nesting is bounded by REPL_MAX_DEPTH: no tree is more than that many
 * levels high (an index chain y[0][0]... counts one level per index), so
 * code that walks a tree recursively is safe too. Any input, however long or
 * hostile, gives a statement or an error message, never a crash.
 */
#ifndef REPL_H
#define REPL_H

#include <stddef.h>
#include <stdint.h>

#define REPL_MAX_DEPTH 64

typedef enum repl_expr_kind {
    REPL_E_NONE,   /* None                                          */
    REPL_E_BOOL,   /* b                                             */
    REPL_E_INT,    /* i                                             */
    REPL_E_FLOAT,  /* f                                             */
    REPL_E_STRING, /* text (unescaped, NUL-terminated)              */
    REPL_E_NAME,   /* text                                          */
    REPL_E_CALL,   /* text = function name; items = positional args;
                      kwargs                                        */
    REPL_E_LIST,   /* items                                         */
    REPL_E_TUPLE,  /* items                                         */
    REPL_E_INDEX   /* items[0] = the indexed value, items[1] = index */
} repl_expr_kind;

typedef struct repl_expr repl_expr;

typedef struct repl_kwarg {
    const char *name;
    repl_expr *value;
} repl_kwarg;

struct repl_expr {
    repl_expr_kind kind;
    int pos; /* byte offset of the expression in the line */
    int b;
    int64_t i;
    double f;
    const char *text;
    repl_expr **items;
    size_t nitems;
    repl_kwarg *kwargs;
    size_t nkwargs;
};

typedef enum repl_stmt_kind {
    REPL_S_EMPTY,   /* nothing to do                                  */
    REPL_S_EXPR,    /* expr                                           */
    REPL_S_ASSIGN,  /* name = expr                                    */
    REPL_S_COMMAND  /* name = command word (without ':'), rest = text */
} repl_stmt_kind;

typedef struct repl_arena repl_arena;

/* A parsed statement. Every pointer in it lives in its arena and stays
 * valid until repl_stmt_free. */
typedef struct repl_stmt {
    repl_stmt_kind kind;
    const char *name;
    const char *rest; /* REPL_S_COMMAND: the text after the word, trimmed */
    repl_expr *expr;
    int err_pos;      /* after a failure: byte offset of the culprit    */
    repl_arena *arena;
} repl_stmt;

/* Parses one line (NUL-terminated; a trailing newline is ignored). 0 on
 * success: *out holds the statement (free it with repl_stmt_free). -1 on a
 * syntax error: err holds a message, out->err_pos the offset, nothing to
 * free. */
int repl_parse(const char *line, repl_stmt *out, char *err, size_t errsize);

/* Parses one expression at the start of text into out (kind REPL_S_EXPR).
 * When end is NULL the whole text must be the expression; otherwise
 * parsing stops after the expression and *end gets the offset of the rest
 * (spaces skipped), so `:time forward(x) 100` can find its count. */
int repl_parse_expr(const char *text, repl_stmt *out, size_t *end, char *err, size_t errsize);

void repl_stmt_free(repl_stmt *s);

/* A short name for an expression kind ("call", "list", ...). */
const char *repl_expr_kind_name(repl_expr_kind k);

/* ---- the session (repl.c, repl_eval.c) ---- */

#include "tsjit.h"

typedef struct repl_var {
    char *name;
    tsj_value *value; /* owned reference */
} repl_var;

typedef struct repl_session {
    tsj_model *model;       /* NULL until :load            */
    char *model_path;
    tsj_options *opts;      /* applied at every :load      */
    repl_var *vars;
    size_t nvars, capvars;
    uint64_t rng[2];        /* xorshift128+ state for randn */
    int interactive;        /* stdin and stdout are terminals */
    char mode[16];          /* "jit" or "interp", as set     */
    int threads;            /* as set; 0 = library default   */
} repl_session;

/* Evaluates e into a new reference. On failure returns NULL with a
 * message in err (and a hint after a newline when there is one), *pos set
 * to the culprit's offset or -1. */
tsj_value *repl_eval(repl_session *s, const repl_expr *e, char *err, size_t errsize, int *pos);

/* Variables: set takes a new reference of v; get borrows. */
int repl_var_set(repl_session *s, const char *name, tsj_value *v);
tsj_value *repl_var_get(repl_session *s, const char *name);
void repl_seed(repl_session *s, uint64_t seed);

/* Names of the builtin functions, NULL-terminated (for completion, :help). */
extern const char *const repl_builtin_names[];

/* A one-line description of a value: "Tensor float32[2, 5]", "int 5". */
void repl_value_summary(const tsj_value *v, char *buf, size_t size);

#endif /* REPL_H */
