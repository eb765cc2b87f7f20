/* rt_args.c — typed reading of kernel arguments with PyTorch-like errors. */
#include "rt_args.h"

#include <stdio.h>

static int wrong(rt_ctx *c, const char *what, const char *expected, rt_value v)
{
    char buf[64];
    return rt_err_set(c->err, TSJ_ERR_TYPE, "expected %s for argument '%s' but found %s",
                      expected, what, rt_value_type_str(v, buf, sizeof buf));
}

int rt_arg_int(rt_ctx *c, rt_value v, const char *what, int64_t *out)
{
    if (v.kind == RT_INT) {
        *out = v.u.i;
        return 0;
    }
    if (v.kind == RT_BOOL) {
        *out = v.u.b;
        return 0;
    }
    return wrong(c, what, "int", v);
}

int rt_arg_opt_int(rt_ctx *c, rt_value v, const char *what, int64_t *out, bool *present)
{
    *present = v.kind != RT_NONE;
    if (!*present)
        return 0;
    return rt_arg_int(c, v, what, out);
}

int rt_arg_double(rt_ctx *c, rt_value v, const char *what, double *out)
{
    switch (v.kind) {
    case RT_FLOAT: *out = v.u.f; return 0;
    case RT_INT: *out = (double)v.u.i; return 0;
    case RT_BOOL: *out = v.u.b; return 0;
    default: return wrong(c, what, "float", v);
    }
}

int rt_arg_bool(rt_ctx *c, rt_value v, const char *what, bool *out)
{
    if (v.kind == RT_BOOL) {
        *out = v.u.b;
        return 0;
    }
    if (v.kind == RT_INT) {
        *out = v.u.i != 0;
        return 0;
    }
    return wrong(c, what, "bool", v);
}

int rt_arg_tensor(rt_ctx *c, rt_value v, const char *what, rt_tensor **out)
{
    if (v.kind != RT_TENSOR)
        return wrong(c, what, "Tensor", v);
    *out = v.u.tensor;
    return 0;
}

int rt_arg_opt_tensor(rt_ctx *c, rt_value v, const char *what, rt_tensor **out)
{
    if (v.kind == RT_NONE) {
        *out = NULL;
        return 0;
    }
    return rt_arg_tensor(c, v, what, out);
}

int rt_arg_intlist(rt_ctx *c, rt_value v, const char *what, int64_t *out, int max, int expand,
                   int *n)
{
    if (v.kind == RT_INT && expand > 0) {
        if (expand > max)
            return rt_err_set(c->err, TSJ_ERR_LIMIT, "argument '%s' has too many items", what);
        for (int i = 0; i < expand; i++)
            out[i] = v.u.i;
        *n = expand;
        return 0;
    }
    if (v.kind != RT_LIST && v.kind != RT_TUPLE)
        return wrong(c, what, "List[int]", v);
    rt_list *l = v.u.list;
    if (l->len > (size_t)max)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "argument '%s' has %zu items (at most %d)",
                          what, l->len, max);
    for (size_t i = 0; i < l->len; i++)
        if (rt_arg_int(c, l->items[i], what, &out[i]))
            return -1;
    *n = (int)l->len;
    return 0;
}

int rt_arg_tensorlist(rt_ctx *c, rt_value v, const char *what, rt_list **out)
{
    if (v.kind != RT_LIST && v.kind != RT_TUPLE)
        return wrong(c, what, "List[Tensor]", v);
    for (size_t i = 0; i < v.u.list->len; i++)
        if (v.u.list->items[i].kind != RT_TENSOR)
            return wrong(c, what, "List[Tensor]", v);
    *out = v.u.list;
    return 0;
}

int rt_arg_dim(rt_ctx *c, int64_t dim, int ndim, int64_t *out)
{
    int64_t n = ndim > 0 ? ndim : 1;
    if (dim < -n || dim >= n)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "Dimension out of range (expected to be in range of [%lld, %lld], but "
                          "got %lld)",
                          (long long)-n, (long long)(n - 1), (long long)dim);
    *out = dim < 0 ? dim + n : dim;
    return 0;
}

int rt_arg_dtype(rt_ctx *c, rt_value v, rt_dtype dflt, rt_dtype *out)
{
    if (v.kind == RT_NONE) {
        *out = dflt;
        return 0;
    }
    int64_t d = 0;
    if (rt_arg_int(c, v, "dtype", &d))
        return -1;
    if (!rt_dtype_valid((int)d))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "unsupported dtype %lld", (long long)d);
    *out = (rt_dtype)d;
    return 0;
}
