/*
 * fe_emit.h — from TorchScript source (the AST of fe_ast.h) to the program
 * of ir.h: class and function declarations (fe_decl.c), type annotations
 * and literal constants (fe_types.c), and one IR graph per function body
 * (fe_emit_stmt.c, fe_emit_expr.c, fe_emit_call.c).
 *
 * Emission is lazy: a function's graph is built the first time it is
 * called or asked for (fe_emit_func); calls inside it emit their callees.
 * Errors carry the source location and show the source line with a caret.
 */
#ifndef FE_EMIT_H
#define FE_EMIT_H

#include "fe_ast.h"
#include "ir.h"

/* One source file of the archive, kept for error carets. */
typedef struct fe_source {
    const char *path;   /* "code/__torch__/m.py"          */
    const char *module; /* "__torch__.m"                  */
    const char *text;
    size_t len;
    fe_module *ast;
} fe_source;

/* Frontend bookkeeping of one function (ir_func.emit_state). */
typedef struct fe_fstate {
    const fe_func *ast;
    const fe_source *src;
    int emitting; /* recursion guard */
} fe_fstate;

/* The whole program being loaded. */
typedef struct fe_program {
    ir_program *prog;
    rt_arena *arena;    /* == &prog->arena */
    fe_source *sources;
    size_t nsources;
    rt_value constants; /* the CONSTANTS tuple (or none) */
} fe_program;

/* ---- fe_types.c ---- */
/* A type annotation expression; classes resolve in fp. NULL with e set. */
const rt_type *fe_type_from_expr(fe_program *fp, const fe_expr *x, rt_err *e);
/* A literal expression (numbers, strings, bools, None, tuples/lists of
 * them, `-x`) into a value; -1 with e set for anything else. */
int fe_literal_value(fe_program *fp, const fe_expr *x, rt_value *out, rt_err *e);
/* The static type of a constant value (List[int], Tuple[...], ...). */
const rt_type *fe_type_of_value(rt_arena *a, rt_value v);
/* Formats "file:line:col: error: msg\n<line>\n<caret>" into e. */
int fe_error_at(fe_program *fp, rt_err *e, tsj_status st, rt_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- fe_decl.c ---- */
/* Registers every class and free function of every source; resolves
 * field types, constants and signatures. */
int fe_declare_all(fe_program *fp, rt_err *e);

/* ---- fe_emit_stmt.c ---- */
/* Builds fn->graph if it has none yet. */
int fe_emit_func(fe_program *fp, ir_func *fn, rt_err *e);

#endif /* FE_EMIT_H */
