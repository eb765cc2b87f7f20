/*
 * fe_parse.h — parser for the Python subset that TorchScript's serializer
 * writes into `code/<path>.py` (grammar: frontend/GRAMMAR.md). Builds the tree
 * of fe_ast.h in a caller-owned arena.
 *
 * Errors: NULL is returned and `e` is filled with
 *   "<file>:<line>:<col>: error: <message>\n<source line>\n<caret line>"
 * and e->file/line/col. Status: TSJ_ERR_FORMAT for syntax errors,
 * TSJ_ERR_UNSUPPORTED for valid Python outside the subset, TSJ_ERR_LIMIT
 * for nesting deeper than FE_MAX_DEPTH (200) or an oversized input,
 * TSJ_ERR_NOMEM when the arena cannot grow. Any byte sequence is accepted
 * as input (NULs, invalid UTF-8, ...). Thread-safe: no global state.
 */
#ifndef FE_PARSE_H
#define FE_PARSE_H

#include <stddef.h>

#include "fe_ast.h"
#include "rt_arena.h"
#include "rt_error.h"

/* Parses one source file. `file` names it in locations and messages
 * (copied into `a`); `src` needs no terminating NUL and is not kept:
 * names and strings in the tree are arena copies. On error, whatever was
 * allocated stays in `a` until the caller frees it. */
fe_module *fe_parse(rt_arena *a, const char *file, const char *src, size_t len, rt_err *e);

/* Parses `src` as a single expression (e.g. a type string such as
 * "Tuple[Tensor, Optional[int]]"); surrounding blank space and newlines
 * are allowed. Same error contract as fe_parse. */
fe_expr *fe_parse_expr(rt_arena *a, const char *file, const char *src, size_t len, rt_err *e);

#endif /* FE_PARSE_H */
