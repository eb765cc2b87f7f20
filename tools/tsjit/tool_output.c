/* tool_output.c — writing a call's result as .npy files (the output rules
 * of the command-line contract), error printing and the clock. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tool.h"

double tool_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void tool_print_error(const char *prefix, const tsj_error *err)
{
    int line, col;
    const char *file = tsj_error_location(err, &line, &col);
    if (file && line && strncmp(tsj_error_message(err), file, strlen(file)) != 0)
        fprintf(stderr, "%s: %s:%d:%d: %s\n", prefix, file, line, col, tsj_error_message(err));
    else
        fprintf(stderr, "%s: %s\n", prefix, tsj_error_message(err));
}

static int save(const tsj_value *t, const char *dir, const char *suffix, char *msg, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/out%s.npy", dir, suffix);
    tsj_error *err = NULL;
    if (tsj_npy_save(t, path, &err) != TSJ_OK) {
        snprintf(msg, n, "writing %s: %s", path, tsj_error_message(err));
        tsj_error_free(err);
        return -1;
    }
    return 0;
}

static int write_value(const tsj_value *v, const char *dir, const char *suffix, char *msg,
                       size_t n)
{
    tsj_value *t = NULL;
    tsj_error *err = NULL;
    int rc = 0;
    int64_t one = 0;
    switch (tsj_value_kind(v)) {
    case TSJ_KIND_NONE: return 0;
    case TSJ_KIND_TENSOR: return save(v, dir, suffix, msg, n);
    case TSJ_KIND_BOOL: {
        int b = 0;
        tsj_value_get_bool(v, &b);
        unsigned char byte = (unsigned char)(b != 0);
        if (tsj_tensor_create(TSJ_BOOL, 0, &one, &byte, &t, &err))
            goto fail;
        break;
    }
    case TSJ_KIND_INT: {
        int64_t i = 0;
        tsj_value_get_int(v, &i);
        if (tsj_tensor_create(TSJ_INT64, 0, &one, &i, &t, &err))
            goto fail;
        break;
    }
    case TSJ_KIND_FLOAT: {
        double f = 0;
        tsj_value_get_float(v, &f);
        if (tsj_tensor_create(TSJ_FLOAT64, 0, &one, &f, &t, &err))
            goto fail;
        break;
    }
    case TSJ_KIND_LIST:
    case TSJ_KIND_TUPLE: {
        size_t len = tsj_value_len(v);
        for (size_t i = 0; i < len && !rc; i++) {
            tsj_value *item = NULL;
            if (tsj_value_item(v, i, &item) != TSJ_OK) {
                snprintf(msg, n, "out of memory");
                return -1;
            }
            char sub[512];
            snprintf(sub, sizeof sub, "%s.%zu", suffix, i);
            rc = write_value(item, dir, sub, msg, n);
            tsj_value_release(item);
        }
        return rc;
    }
    default:
        snprintf(msg, n, "a result of type %s cannot be written as .npy",
                 tsj_kind_name(tsj_value_kind(v)));
        return -1;
    }
    rc = save(t, dir, suffix, msg, n);
    tsj_value_release(t);
    return rc;
fail:
    snprintf(msg, n, "%s", tsj_error_message(err));
    tsj_error_free(err);
    return -1;
}

int tool_write_result(const tsj_value *v, const char *dir, char *msg, size_t msg_size)
{
    return write_value(v, dir, "", msg, msg_size);
}
