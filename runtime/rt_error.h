/*
 * rt_error.h — internal error records: a status, a message and an optional
 * source location. Every fallible internal function takes an `rt_err *` and
 * returns -1 (or NULL) after filling it, 0 (or a pointer) on success.
 * Errors are plain data: no allocation, nothing printed.
 */
#ifndef RT_ERROR_H
#define RT_ERROR_H

#include <stdarg.h>

#include "tsjit.h"

#define RT_ERR_MSG_MAX 2048
#define RT_ERR_FILE_MAX 256

typedef struct rt_err {
    tsj_status status;          /* TSJ_OK while no error was set          */
    char msg[RT_ERR_MSG_MAX];
    char file[RT_ERR_FILE_MAX]; /* "" when not from model code            */
    int line, col;              /* 1-based, 0 when unknown                */
} rt_err;

/* A source position in the archive: file path and 1-based line/column.
 * `file` points to a string owned by the loaded model. */
typedef struct rt_loc {
    const char *file;
    int line, col;
} rt_loc;

void rt_err_clear(rt_err *e);
/* Sets status and message (printf-style); always returns -1. Accepts NULL. */
int rt_err_set(rt_err *e, tsj_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int rt_err_vset(rt_err *e, tsj_status status, const char *fmt, va_list ap);
/* Puts "context: " in front of the message already set. */
void rt_err_prefix(rt_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records where the error happened, unless a location is already set. */
void rt_err_at(rt_err *e, rt_loc loc);
/* Shorthand for the commonest statuses. */
#define rt_err_nomem(e) rt_err_set((e), TSJ_ERR_NOMEM, "out of memory")

/* Internal invariant check: names file and line, never aborts. */
#define RT_CHECK(e, cond)                                                          \
    do {                                                                           \
        if (!(cond))                                                               \
            return rt_err_set((e), TSJ_ERR_INTERNAL, "internal error: %s (%s:%d)", \
                              #cond, __FILE__, __LINE__);                          \
    } while (0)

#endif /* RT_ERROR_H */
