/*
 * fe_ast.h — the syntax tree of one TorchScript source file (`code/<path>.py`
 * inside a .pt archive), as built by fe_parse (fe_parse.h).
 *
 * Ownership: every node, array and string is allocated from the rt_arena
 * passed to fe_parse and lives until the caller frees that arena. Nodes are
 * never shared between two parents. Every node carries an rt_loc whose
 * `file` points to one arena copy of the file name.
 *
 * Walking a module:
 *   for each m->items[i]:                      (fe_item, in source order)
 *     FE_ITEM_CLASS  -> fe_class: fields, consts, parameters/buffers, methods
 *     FE_ITEM_FUNC   -> fe_func: params, ret, body (fe_stmt_list)
 *     FE_ITEM_IMPORT -> recorded, no meaning for tsjit
 *     FE_ITEM_ASSIGN -> module-level `name = expr` (e.g. op_version_set = 1)
 *   statements: fe_stmt, kind FE_ST_*, see the union comments;
 *   expressions: fe_expr, kind FE_EX_*, see the union comments.
 * Type annotations are ordinary expressions: `Tensor` is FE_EX_NAME,
 * `List[int]` is FE_EX_INDEX(List; int), `Tuple[()]` is FE_EX_INDEX(Tuple;
 * empty FE_EX_TUPLE), `__torch__.a.B` is a chain of FE_EX_ATTR over
 * FE_EX_NAME (fe_expr_dotted gives "__torch__.a.B").
 */
#ifndef FE_AST_H
#define FE_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_arena.h"
#include "rt_error.h"

typedef struct fe_expr fe_expr;
typedef struct fe_stmt fe_stmt;
typedef struct fe_func fe_func;
typedef struct fe_class fe_class;

typedef struct fe_expr_list {
    fe_expr **items;
    int n;
} fe_expr_list;

typedef struct fe_stmt_list {
    fe_stmt **items;
    int n;
} fe_stmt_list;

/* ---- operators: enum value, spelling in source and in fe_ast_dump ----
 * ORDER: FE_OP_LIST drives fe_op enum and fe_op_name; nothing else
 * switches over spellings. */
#define FE_OP_LIST(X)                                                    \
    /* unary */                                                          \
    X(NEG, "-") X(POS, "+") X(NOT, "not") X(INVERT, "~")                 \
    /* binary arithmetic / bitwise */                                    \
    X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(FLOORDIV, "//")    \
    X(MOD, "%") X(POW, "**") X(MATMUL, "@") X(LSHIFT, "<<")              \
    X(RSHIFT, ">>") X(BITAND, "&") X(BITOR, "|") X(BITXOR, "^")          \
    /* boolean, short-circuit */                                         \
    X(AND, "and") X(OR, "or")                                            \
    /* comparison */                                                     \
    X(EQ, "==") X(NE, "!=") X(LT, "<") X(LE, "<=") X(GT, ">")            \
    X(GE, ">=") X(IS, "is") X(IS_NOT, "is not") X(IN, "in")              \
    X(NOT_IN, "not in")

typedef enum fe_op {
#define FE_X(name, spelling) FE_OP_##name,
    FE_OP_LIST(FE_X)
#undef FE_X
        FE_OP_COUNT
} fe_op;

/* Spelling of an operator ("+", "not in", ...). */
const char *fe_op_name(fe_op op);

typedef enum fe_expr_kind {
    FE_EX_NAME,     /* name                                          */
    FE_EX_INT,      /* ival (`-<literal>` is folded into the literal)  */
    FE_EX_FLOAT,    /* fval (also `inf`, `nan` in source)            */
    FE_EX_STR,      /* str (adjacent literals already joined)        */
    FE_EX_BOOL,     /* bval                                          */
    FE_EX_NONE,     /* -                                             */
    FE_EX_ELLIPSIS, /* `...`                                         */
    FE_EX_ATTR,     /* attr: obj.name                                */
    FE_EX_CALL,     /* call: fn(args..., kw=value...)                */
    FE_EX_INDEX,    /* index: obj[idx...] (one item per comma part)  */
    FE_EX_SLICE,    /* slice: start:stop:step, only inside INDEX     */
    FE_EX_LIST,     /* list: [items]                                 */
    FE_EX_TUPLE,    /* list: (items) or a bare `a, b`                */
    FE_EX_DICT,     /* dict: {keys[i]: values[i]}                    */
    FE_EX_UNARY,    /* unary: op in NEG POS NOT INVERT               */
    FE_EX_BINARY,   /* binary: arithmetic, bitwise, AND/OR (short-   */
                    /* circuit, value of Python's `a and b`)         */
    FE_EX_COMPARE,  /* compare: a op0 b op1 c ... (chained, n >= 2)  */
    FE_EX_TERNARY,  /* ternary: then if cond else other              */
} fe_expr_kind;

typedef struct fe_kwarg {
    const char *name;
    fe_expr *value;
    rt_loc loc; /* of the name */
} fe_kwarg;

struct fe_expr {
    fe_expr_kind kind;
    rt_loc loc; /* where the expression starts (as in Python's ast): for   */
                /* `(f).g(x)` and `a + b` the location of `(` and `a`;     */
                /* a folded `-1` starts at the `-`                         */
    union {
        const char *name; /* NAME */
        int64_t ival;     /* INT */
        double fval;      /* FLOAT */
        bool bval;        /* BOOL */
        struct {          /* STR: decoded bytes (UTF-8), may hold NULs; */
            const char *s; /* s[len] == '\0'                          */
            size_t len;
        } str;
        struct { /* ATTR */
            fe_expr *obj;
            const char *name;
        } attr;
        struct { /* CALL */
            fe_expr *fn;
            fe_expr_list args; /* positional, in order  */
            fe_kwarg *kwargs;  /* after all positionals */
            int nkwargs;
        } call;
        struct { /* INDEX: x[a] has 1 item, x[:, -1] has 2 items */
            fe_expr *obj;
            fe_expr_list idx;
        } index;
        struct { /* SLICE: absent parts are NULL */
            fe_expr *start, *stop, *step;
        } slice;
        fe_expr_list list; /* LIST, TUPLE */
        struct {           /* DICT */
            fe_expr **keys, **values;
            int n;
        } dict;
        struct { /* UNARY */
            fe_op op;
            fe_expr *operand;
        } unary;
        struct { /* BINARY */
            fe_op op;
            fe_expr *lhs, *rhs;
        } binary;
        struct { /* COMPARE: operands[i] ops[i] operands[i+1] */
            fe_expr **operands; /* n */
            fe_op *ops;         /* n - 1 */
            int n;
        } compare;
        struct { /* TERNARY */
            fe_expr *cond, *then, *other;
        } ternary;
    } u;
};

typedef enum fe_stmt_kind {
    FE_ST_EXPR,      /* expr                                              */
    FE_ST_ASSIGN,    /* assign: target [: type] = value                   */
    FE_ST_AUGASSIGN, /* augassign: target op= value                       */
    FE_ST_IF,        /* if_: `elif` is an IF alone in the else list       */
    FE_ST_FOR,       /* for_                                              */
    FE_ST_WHILE,     /* while_                                            */
    FE_ST_RETURN,    /* ret: value NULL for a bare `return`               */
    FE_ST_PASS,      /* -                                                 */
    FE_ST_BREAK,     /* -                                                 */
    FE_ST_CONTINUE,  /* -                                                 */
    FE_ST_RAISE,     /* raise_: exc NULL for a bare `raise`               */
    FE_ST_ASSERT,    /* assert_: msg may be NULL                          */
    FE_ST_DEL,       /* del: targets                                      */
    FE_ST_WITH,      /* with_: `with ctx [as target]:` (one item)         */
} fe_stmt_kind;

struct fe_stmt {
    fe_stmt_kind kind;
    rt_loc loc; /* first token of the statement */
    union {
        fe_expr *expr; /* EXPR */
        struct {       /* ASSIGN. target: NAME, ATTR, INDEX, or TUPLE/LIST */
                       /* of targets (`a, b, = e` and `a, b = c, d`)      */
            fe_expr *target;
            fe_expr *type; /* annotation (`x : T = e`), else NULL; */
                           /* then target is a NAME                 */
            fe_expr *value;
        } assign;
        struct { /* AUGASSIGN: op is ADD, SUB, ... (the binary op) */
            fe_op op;
            fe_expr *target, *value;
        } augassign;
        struct { /* IF */
            fe_expr *cond;
            fe_stmt_list then, other; /* other.n == 0 without else */
        } if_;
        struct { /* FOR: `for target in iter:`; target as for ASSIGN */
            fe_expr *target, *iter;
            fe_stmt_list body;
        } for_;
        struct { /* WHILE */
            fe_expr *cond;
            fe_stmt_list body;
        } while_;
        fe_expr *ret; /* RETURN */
        fe_expr *raise_;
        struct { /* ASSERT */
            fe_expr *test, *msg;
        } assert_;
        fe_expr_list del; /* DEL */
        struct {          /* WITH */
            fe_expr *ctx, *target; /* target NULL without `as` */
            fe_stmt_list body;
        } with_;
    } u;
};

typedef struct fe_param {
    const char *name;
    fe_expr *type; /* NULL when unannotated */
    fe_expr *dflt; /* NULL without a default */
    bool kwonly;   /* after a bare `*` */
    rt_loc loc;
} fe_param;

struct fe_func {
    const char *name;
    fe_param *params;
    int nparams;
    fe_expr *ret; /* `-> T`, NULL when absent */
    fe_stmt_list body;
    rt_loc loc; /* of `def` */
};

/* `name : T` in a class body; `__annotations__["0"] = T` gives name "0".
 * In a NamedTuple class `name : T = v` is a field with default v. */
typedef struct fe_field {
    const char *name;
    fe_expr *type;
    fe_expr *dflt; /* NamedTuple default, else NULL */
    rt_loc loc;
} fe_field;

/* `name : T = value` (T usually Final[...]) or `name = value` (type NULL)
 * in a class body other than a NamedTuple. */
typedef struct fe_const {
    const char *name;
    fe_expr *type;
    fe_expr *value;
    rt_loc loc;
} fe_const;

typedef enum fe_class_kind {
    FE_CLASS_PLAIN,      /* class Name: / class Name(Other):   */
    FE_CLASS_MODULE,     /* class Name(Module):                */
    FE_CLASS_NAMEDTUPLE, /* class Name(NamedTuple):            */
    FE_CLASS_ENUM,       /* class Name(Enum):                  */
    FE_CLASS_INTERFACE,  /* class Name(Interface/ModuleInterface): */
} fe_class_kind;

struct fe_class {
    const char *name;
    fe_class_kind kind; /* from the last base's dotted name */
    fe_expr_list bases;
    fe_field *fields; /* in order */
    int nfields;
    fe_const *consts;
    int nconsts;
    /* `__parameters__ = [...]` / `__buffers__ = [...]`: names in order;
     * has_* tells an absent declaration from an empty one. */
    const char **parameters;
    int nparameters;
    bool has_parameters;
    const char **buffers;
    int nbuffers;
    bool has_buffers;
    fe_func **methods;
    int nmethods;
    rt_loc loc; /* of `class` */
};

typedef struct fe_import {
    const char *module;  /* "a.b" in `import a.b` / `from a.b import c` */
    const char **names;  /* `from` only: imported names ("*" for star) */
    int nnames;
    bool is_from;
} fe_import;

typedef enum fe_item_kind {
    FE_ITEM_CLASS,
    FE_ITEM_FUNC,
    FE_ITEM_IMPORT,
    FE_ITEM_ASSIGN,
} fe_item_kind;

typedef struct fe_item {
    fe_item_kind kind;
    rt_loc loc;
    union {
        fe_class *cls;     /* CLASS */
        fe_func *func;     /* FUNC */
        fe_import *import; /* IMPORT */
        fe_stmt *assign;   /* ASSIGN: an FE_ST_ASSIGN */
    } u;
} fe_item;

typedef struct fe_module {
    const char *file;
    fe_item *items;
    int nitems;
} fe_module;

/* "a.b.c" when e is a chain of ATTR ending in a NAME, else NULL.
 * The string is allocated from `a`. */
const char *fe_expr_dotted(rt_arena *a, const fe_expr *e);

/* S-expression text of the whole module, one statement per line
 * (statement lines end in "@line:col"). malloc'd; NULL when out of memory.
 * The format is pinned by tests/data/parse goldens. */
char *fe_ast_dump(const fe_module *m);

#endif /* FE_AST_H */
