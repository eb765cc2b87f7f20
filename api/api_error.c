/* api_error.c — tsj_error objects, status names and freeing strings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "api_internal.h"

TSJ_API const char *tsj_version(void) { return TSJ_VERSION_STRING; }

TSJ_API const char *tsj_status_name(tsj_status s)
{
    static const char *names[] = {
        [TSJ_OK] = "ok",
        [TSJ_ERR_INVALID_ARGUMENT] = "invalid argument",
        [TSJ_ERR_IO] = "i/o error",
        [TSJ_ERR_FORMAT] = "format error",
        [TSJ_ERR_UNSUPPORTED] = "unsupported",
        [TSJ_ERR_TYPE] = "type error",
        [TSJ_ERR_SHAPE] = "shape error",
        [TSJ_ERR_INDEX] = "index error",
        [TSJ_ERR_MODEL] = "model error",
        [TSJ_ERR_NOMEM] = "out of memory",
        [TSJ_ERR_LIMIT] = "limit exceeded",
        [TSJ_ERR_NOT_IMPLEMENTED] = "not implemented",
        [TSJ_ERR_INTERNAL] = "internal error",
    };
    if ((unsigned)s < sizeof names / sizeof names[0] && names[s])
        return names[s];
    return "unknown status";
}

tsj_status api_fail(const rt_err *e, tsj_error **err)
{
    tsj_status st = e->status == TSJ_OK ? TSJ_ERR_INTERNAL : e->status;
    if (err) {
        tsj_error *x = malloc(sizeof *x);
        if (x) {
            x->e = *e;
            x->e.status = st;
        }
        *err = x; /* NULL only when even this allocation failed */
    }
    return st;
}

tsj_status api_failf(tsj_error **err, tsj_status status, const char *fmt, ...)
{
    rt_err e;
    rt_err_clear(&e);
    va_list ap;
    va_start(ap, fmt);
    rt_err_vset(&e, status, fmt, ap);
    va_end(ap);
    return api_fail(&e, err);
}

TSJ_API tsj_status tsj_error_status(const tsj_error *err)
{
    return err ? err->e.status : TSJ_ERR_INVALID_ARGUMENT;
}

TSJ_API const char *tsj_error_message(const tsj_error *err)
{
    return err ? err->e.msg : "no error object (out of memory?)";
}

TSJ_API const char *tsj_error_location(const tsj_error *err, int *line, int *col)
{
    if (line)
        *line = err ? err->e.line : 0;
    if (col)
        *col = err ? err->e.col : 0;
    return err && err->e.file[0] ? err->e.file : NULL;
}

TSJ_API void tsj_error_free(tsj_error *err) { free(err); }

TSJ_API void tsj_string_free(char *text) { free(text); }
