/*
 * k_elementwise_select.c — where and masked_fill: elementwise selection
 * with broadcasting. Both move whole elements, so their loops only depend
 * on the element size.
 */
/* Kernel loops are written for the auto-vectorizer: -O2's "very cheap" cost
 * model would leave them scalar, and trapping math blocks if-conversion of
 * the selects in rt_vexpf (nothing here reads FP exception flags). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math")
#endif

#include <string.h>

#include "rt_broadcast.h"
#include "rt_kernels.h"


/* (out, cond, a, b): out = cond ? a : b */
#define WHERE_LOOP(NAME, T)                                                         \
    static void NAME(char **p, const int64_t *s, int64_t n, void *ctx)              \
    {                                                                               \
        if (s[0] == sizeof(T) && s[1] == 1 && s[2] == sizeof(T) && s[3] == sizeof(T)) { \
            T *o = (T *)p[0];                                                       \
            const uint8_t *m = (const uint8_t *)p[1];                               \
            const T *a = (const T *)p[2], *b = (const T *)p[3];                     \
            for (int64_t i = 0; i < n; i++)                                         \
                o[i] = m[i] ? a[i] : b[i];                                          \
            return;                                                                 \
        }                                                                           \
        for (int64_t i = 0; i < n; i++)                                             \
            *(T *)(p[0] + i * s[0]) = *(const uint8_t *)(p[1] + i * s[1])           \
                                          ? *(const T *)(p[2] + i * s[2])           \
                                          : *(const T *)(p[3] + i * s[3]);          \
    }
WHERE_LOOP(where1, uint8_t)
WHERE_LOOP(where2, uint16_t)
WHERE_LOOP(where4, uint32_t)
WHERE_LOOP(where8, uint64_t)

/* (out, mask): out = value where mask */
#define FILL_LOOP(NAME, T)                                                  \
    static void NAME(char **p, const int64_t *s, int64_t n, void *ctx)      \
    {                                                                       \
        T v;                                                                \
        memcpy(&v, ctx, sizeof v);                                          \
        for (int64_t i = 0; i < n; i++)                                     \
            if (*(const uint8_t *)(p[1] + i * s[1]))                        \
                *(T *)(p[0] + i * s[0]) = v;                                \
    }
FILL_LOOP(fill1, uint8_t)
FILL_LOOP(fill2, uint16_t)
FILL_LOOP(fill4, uint32_t)
FILL_LOOP(fill8, uint64_t)

static rt_ew_loop by_size(size_t size, rt_ew_loop l1, rt_ew_loop l2, rt_ew_loop l4,
                          rt_ew_loop l8)
{
    return size == 1 ? l1 : size == 2 ? l2 : size == 4 ? l4 : l8;
}

static bool is_mask_dtype(int d) { return d == RT_BOOL_ || d == RT_U8; }

int k_where(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *cond;
    if (rt_arg_tensor(c, in[0], "condition", &cond))
        return -1;
    if (!is_mask_dtype(cond->dtype))
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "where expected condition to be a boolean tensor, but got a tensor "
                          "with dtype %s",
                          rt_dtype_aten_name((rt_dtype)cond->dtype));
    rt_dtype rt = rt_result_type(2, in + 1);
    if (rt == RT_DTYPE_INVALID)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "where: expected tensors or numbers");
    rt_tensor *a = NULL, *b = NULL, *res = NULL;
    int rc = -1;
    if (!(a = rt_ew_operand(c, in[1], rt)) || !(b = rt_ew_operand(c, in[2], rt)))
        goto done;
    rt_tensor *ts[4] = {NULL, cond, a, b};
    if (!(res = rt_ew_output(rt, 3, ts + 1, c->err)))
        goto done;
    ts[0] = res;
    rt_ew it;
    if (rt_ew_init(&it, 4, ts, c->err))
        goto done;
    rt_ew_run(&it, by_size(rt_dtype_size(rt), where1, where2, where4, where8), NULL);
    rt_out_tensor(out, res);
    res = NULL;
    rc = 0;
done:
    rt_tensor_release(a);
    rt_tensor_release(b);
    rt_tensor_release(res);
    return rc;
}

static int masked_fill(rt_ctx *c, const rt_value *in, bool inplace, rt_value *out)
{
    rt_tensor *self, *mask;
    if (rt_arg_tensor(c, in[0], "self", &self) || rt_arg_tensor(c, in[1], "mask", &mask))
        return -1;
    if (!is_mask_dtype(mask->dtype))
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "masked_fill_ only supports boolean masks, but got mask with dtype %s",
                          rt_dtype_aten_name((rt_dtype)mask->dtype));
    rt_value v = in[2];
    if (v.kind == RT_TENSOR) {
        if (v.u.tensor->ndim != 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "masked_fill_ only supports a 0-dimensional value tensor, but got "
                              "tensor with %d dimension(s).",
                              v.u.tensor->ndim);
    } else if (v.kind != RT_INT && v.kind != RT_FLOAT && v.kind != RT_BOOL) {
        return rt_err_set(c->err, TSJ_ERR_TYPE, "masked_fill: expected a number as value");
    }
    rt_dtype d = (rt_dtype)self->dtype;
    if (v.kind == RT_TENSOR && !rt_dtype_is_float(d) && rt_dtype_is_float((rt_dtype)v.u.tensor->dtype))
        return rt_ew_cast_error(c, (rt_dtype)v.u.tensor->dtype, d);
    uint64_t bits = 0;
    rt_tensor *vt = rt_ew_operand(c, v, d), *res = NULL, *view = NULL;
    if (!vt)
        return -1;
    memcpy(&bits, rt_tensor_data(vt), rt_dtype_size(d));
    rt_tensor_release(vt);

    int rc = -1;
    if (inplace) {
        res = self;
        rt_tensor_retain(res);
    } else {
        rt_tensor *ts[2] = {self, mask};
        if (!(res = rt_ew_output(d, 2, ts, c->err)) ||
            !(view = rt_broadcast_view(self, res->ndim, res->shape, c->err)) ||
            rt_tensor_copy_into(res, view, c->err))
            goto done;
    }
    rt_ew it;
    rt_tensor *ops[2] = {res, mask};
    if (rt_ew_init(&it, 2, ops, c->err))
        goto done;
    rt_ew_run(&it, by_size(rt_dtype_size(d), fill1, fill2, fill4, fill8), &bits);
    rt_out_tensor(out, res);
    res = NULL;
    rc = 0;
done:
    rt_tensor_release(view);
    rt_tensor_release(res);
    return rc;
}

int k_masked_fill(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return masked_fill(c, in, false, out);
}
int k_masked_fill_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return masked_fill(c, in, true, out);
}
