/*
 * k_nn.c — embedding lookup and the dropout family (dropout,
 * feature_dropout, alpha_dropout, feature_alpha_dropout and their
 * in-place forms).
 *
 * Dropout is the identity when train=False (PyTorch returns the input
 * tensor itself) and when p == 0; train=True with 0 < p needs random
 * numbers, which tsjit does not model, so it is refused with a clear
 * error (p == 1 is deterministic: zeros for dropout/feature_dropout).
 */
#include <string.h>

#include "rt_gemm.h"
#include "rt_kernels.h"

/* aten::embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse):
 * out = weight[indices] with shape indices.shape + [D]. */
int k_embedding(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *w, *ix;
    if (rt_arg_tensor(c, in[0], "weight", &w) || rt_arg_tensor(c, in[1], "indices", &ix))
        return -1;
    if (w->ndim != 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "'weight' must be 2-D");
    if (ix->dtype != RT_I64 && ix->dtype != RT_I32)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "Expected tensor for argument #1 'indices' to have one of the "
                          "following scalar types: Long, Int; but got torch.%sTensor instead "
                          "(while checking arguments for embedding)",
                          rt_gemm_type_name((rt_dtype)ix->dtype));
    if (ix->ndim + 1 > RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "embedding output has too many dimensions");
    int64_t V = w->shape[0], D = w->shape[1], n = rt_tensor_numel(ix);
    int64_t shp[RT_MAX_DIMS];
    for (int i = 0; i < ix->ndim; i++)
        shp[i] = ix->shape[i];
    shp[ix->ndim] = D;
    /* check every index before allocating */
    rt_iter it;
    rt_iter_init(&it, ix->ndim, ix->shape, ix->strides);
    const char *ip = rt_tensor_data(ix);
    size_t ies = rt_dtype_size((rt_dtype)ix->dtype);
    for (int64_t k = 0; k < n; k++) {
        int64_t v = rt_load_i64(ip + it.off * (int64_t)ies, (rt_dtype)ix->dtype);
        if (v < 0 || v >= V)
            return rt_err_set(c->err, TSJ_ERR_INDEX, "index out of range in self");
        rt_iter_next(&it);
    }
    rt_tensor *y = rt_tensor_empty((rt_dtype)w->dtype, ix->ndim + 1, shp, c->err);
    if (!y)
        return -1;
    size_t es = rt_dtype_size((rt_dtype)w->dtype);
    char *yp = rt_tensor_data(y);
    const char *wp = rt_tensor_data(w);
    rt_iter_init(&it, ix->ndim, ix->shape, ix->strides);
    for (int64_t k = 0; k < n; k++) {
        int64_t v = rt_load_i64(ip + it.off * (int64_t)ies, (rt_dtype)ix->dtype);
        const char *row = wp + v * w->strides[0] * (int64_t)es;
        char *dst = yp + (size_t)(k * D) * es;
        if (w->strides[1] == 1 || D == 1)
            memcpy(dst, row, (size_t)D * es);
        else
            for (int64_t j = 0; j < D; j++)
                memcpy(dst + (size_t)j * es, row + j * w->strides[1] * (int64_t)es, es);
        rt_iter_next(&it);
    }
    rt_out_tensor(out, y);
    return 0;
}

/* input, p, train: identity unless training with 0 < p. */
static int dropout_common(rt_ctx *c, const rt_value *in, bool alpha, rt_value *out)
{
    rt_tensor *x;
    double p;
    bool train;
    if (rt_arg_tensor(c, in[0], "input", &x) || rt_arg_double(c, in[1], "p", &p) ||
        rt_arg_bool(c, in[2], "train", &train))
        return -1;
    if (!(p >= 0 && p <= 1))
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "dropout probability has to be between 0 and 1, but got %g", p);
    if (!train || p == 0 || rt_tensor_numel(x) == 0) {
        *out = rt_value_retain(in[0]);
        return 0;
    }
    if (p == 1 && !alpha) {
        rt_tensor *y = rt_tensor_new((rt_dtype)x->dtype, x->ndim, x->shape, c->err);
        if (!y)
            return -1;
        rt_out_tensor(out, y);
        return 0;
    }
    return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED,
                      "dropout in training mode is not supported (it needs random numbers); "
                      "call eval() on the model before exporting it");
}

/* In-place forms: the identity cases return self; p == 1 zeroes self. */
static int dropout_inplace(rt_ctx *c, const rt_value *in, bool alpha, rt_value *out)
{
    rt_value tmp = rt_none();
    if (dropout_common(c, in, alpha, &tmp))
        return -1;
    if (tmp.kind == RT_TENSOR && tmp.u.tensor != in[0].u.tensor) {
        int rc = rt_tensor_copy_into(in[0].u.tensor, tmp.u.tensor, c->err);
        rt_value_release(tmp);
        if (rc)
            return -1;
        *out = rt_value_retain(in[0]);
        return 0;
    }
    *out = tmp;
    return 0;
}

int k_dropout(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return dropout_common(c, in, false, out);
}

int k_dropout_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return dropout_inplace(c, in, false, out);
}

int k_alpha_dropout(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return dropout_common(c, in, true, out);
}

int k_alpha_dropout_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return dropout_inplace(c, in, true, out);
}
