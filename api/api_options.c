/* api_options.c — tsj_options: the mode, thread count and future options,
 * settable by name so new options never change the ABI. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

void api_options_default(struct tsj_options *o)
{
    o->mode = TSJ_MODE_JIT;
    o->threads = 0;
    o->fold_attributes = 1;
    o->cache_size = 16;
    /* TSJ_JIT_THRESHOLD changes the default for the whole process (e.g. 1
     * to compile at the first call when running a conformance suite) */
    const char *th = getenv("TSJ_JIT_THRESHOLD");
    char *end;
    long t = th ? strtol(th, &end, 10) : 0;
    o->jit_threshold = th && *th && !*end && t >= 1 && t <= 1000000 ? (int)t : 2;
    o->mmap_weights = 1;
    o->max_tensor_bytes = 0; /* the runtime's default, RT_DEFAULT_MAX_TENSOR_BYTES */
    o->max_graph_nodes = 1u << 20;
    o->profile = 0;
}

/* A byte count: digits with an optional k/m/g/t suffix (powers of 1024). */
static int parse_bytes(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (s[0] < '0' || s[0] > '9') /* no sign, no leading space */
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    int shift = 0;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    case 't': case 'T': shift = 40; break;
    default: return -1;
    }
    if (*end && end[1])
        return -1;
    if (v > (ULLONG_MAX >> 2) >> shift) /* at most 2^62 */
        return -1;
    *out = v << shift;
    return 0;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int api_options_set(struct tsj_options *o, const char *key, const char *value, rt_err *e)
{
    if (!key || !value)
        return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT, "option key and value must not be NULL");
    long v;
    if (!strcmp(key, "mode")) {
        if (!strcmp(value, "jit"))
            o->mode = TSJ_MODE_JIT;
        else if (!strcmp(value, "interp"))
            o->mode = TSJ_MODE_INTERP;
        else
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'mode' must be 'jit' or 'interp', not '%s'", value);
    } else if (!strcmp(key, "threads")) {
        if (parse_int(value, 0, 1024, &v))
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'threads' must be an integer from 0 to 1024, not '%s'",
                              value);
        o->threads = (int)v;
    } else if (!strcmp(key, "fold_attributes")) {
        if (strcmp(value, "true") && strcmp(value, "false"))
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'fold_attributes' must be 'true' or 'false'");
        o->fold_attributes = !strcmp(value, "true");
    } else if (!strcmp(key, "mmap_weights")) {
        if (strcmp(value, "true") && strcmp(value, "false"))
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'mmap_weights' must be 'true' or 'false'");
        o->mmap_weights = !strcmp(value, "true");
    } else if (!strcmp(key, "cache_size")) {
        if (parse_int(value, 1, 1 << 20, &v))
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'cache_size' must be a positive integer, not '%s'", value);
        o->cache_size = (int)v;
    } else if (!strcmp(key, "jit_threshold")) {
        if (parse_int(value, 1, 1000000, &v))
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'jit_threshold' must be an integer from 1 to 1000000 "
                              "(the call of a signature that compiles it), not '%s'",
                              value);
        o->jit_threshold = (int)v;
    } else if (!strcmp(key, "max_tensor_bytes")) {
        unsigned long long b;
        if (parse_bytes(value, &b) || (uint64_t)b > SIZE_MAX)
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'max_tensor_bytes' must be a byte count (0 for the "
                              "default of 1 TiB; suffixes k, m, g, t), not '%s'",
                              value);
        o->max_tensor_bytes = (size_t)b;
    } else if (!strcmp(key, "max_graph_nodes")) {
        if (parse_int(value, 1, INT32_MAX, &v))
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'max_graph_nodes' must be a positive integer, not '%s'",
                              value);
        o->max_graph_nodes = (uint32_t)v;
    } else if (!strcmp(key, "profile")) {
        if (strcmp(value, "true") && strcmp(value, "false"))
            return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                              "option 'profile' must be 'true' or 'false'");
        o->profile = !strcmp(value, "true");
    } else {
        return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT,
                          "unknown option '%s' (known: mode, threads, fold_attributes, "
                          "cache_size, jit_threshold, mmap_weights, max_tensor_bytes, max_graph_nodes, "
                          "profile)",
                          key);
    }
    return 0;
}

TSJ_API tsj_options *tsj_options_create(void)
{
    tsj_options *o = malloc(sizeof *o);
    if (o)
        api_options_default(o);
    return o;
}

TSJ_API void tsj_options_free(tsj_options *opts) { free(opts); }

TSJ_API tsj_status tsj_options_set_mode(tsj_options *opts, tsj_mode mode)
{
    if (!opts || (mode != TSJ_MODE_JIT && mode != TSJ_MODE_INTERP))
        return TSJ_ERR_INVALID_ARGUMENT;
    opts->mode = mode;
    return TSJ_OK;
}

TSJ_API tsj_status tsj_options_set_threads(tsj_options *opts, int threads)
{
    if (!opts || threads < 0 || threads > 1024)
        return TSJ_ERR_INVALID_ARGUMENT;
    opts->threads = threads;
    return TSJ_OK;
}

TSJ_API tsj_status tsj_options_set(tsj_options *opts, const char *key, const char *value)
{
    if (!opts)
        return TSJ_ERR_INVALID_ARGUMENT;
    rt_err e;
    rt_err_clear(&e);
    return api_options_set(opts, key, value, &e) ? e.status : TSJ_OK;
}
