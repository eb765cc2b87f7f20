/*
 * k_extra_misc.c — prelu, nonzero, where(condition), prim::tolist,
 * hstack/vstack/dstack/column_stack (views + k_cat), repeat_interleave,
 * pixel_shuffle/pixel_unshuffle/channel_shuffle (a permuted view copied
 * out), cosine_similarity, embedding_bag.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_broadcast.h"
#include "rt_kernels.h"

/* ---- prelu ---- */

int k_prelu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *x, *w;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_tensor(c, in[1], "weight", &w))
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    if (!rt_dtype_is_float(d))
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"prelu_cpu\" not implemented for '%s'",
                          rt_dtype_aten_name(d));
    if (w->ndim > 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = %d",
                          w->ndim);
    int64_t nw = rt_tensor_numel(w);
    int64_t ch = 1;
    if (nw != 1) {
        if (x->ndim == 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "Not allow zero-dim input tensor.");
        if (x->ndim > 1)
            ch = x->shape[1];
        if (ch != nw)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Mismatch of parameter numbers and input channel size. Found "
                              "parameter numbers = %lld and channel size = %lld.",
                              (long long)nw, (long long)ch);
    }
    rt_tensor *res = rt_tensor_empty(d, x->ndim, x->shape, c->err);
    if (!res)
        return -1;
    /* inner = elements per channel row, ch channels, outer batches */
    int64_t n = rt_tensor_numel(x), inner = 1;
    for (int k = 2; k < x->ndim; k++)
        inner *= x->shape[k];
    const char *px = rt_tensor_data(x), *pw = rt_tensor_data(w);
    size_t es = rt_dtype_size(d), wes = rt_dtype_size((rt_dtype)w->dtype);
    rt_iter it, iw;
    rt_iter_init(&it, x->ndim, x->shape, x->strides);
    rt_iter_init(&iw, w->ndim, w->shape, w->strides);
    double *wv = malloc(sizeof(double) * (size_t)(nw ? nw : 1));
    if (!wv) {
        rt_tensor_release(res);
        return rt_err_nomem(c->err);
    }
    for (int64_t i = 0; i < nw; i++, rt_iter_next(&iw))
        wv[i] = rt_load_f64(pw + iw.off * (int64_t)wes, (rt_dtype)w->dtype);
    char *po = rt_tensor_data(res);
    if (d == RT_F32 && rt_tensor_is_contiguous(x)) {
        const float *a = (const float *)px;
        float *o = (float *)po;
        for (int64_t i = 0; i < n; i += inner) {
            float s = (float)wv[nw == 1 ? 0 : (i / inner) % ch];
            for (int64_t j = 0; j < inner; j++)
                o[i + j] = a[i + j] > 0 ? a[i + j] : s * a[i + j];
        }
    } else {
        for (int64_t i = 0; i < n; i++, rt_iter_next(&it)) {
            double v = rt_load_f64(px + it.off * (int64_t)es, d);
            double s = wv[nw == 1 ? 0 : (i / inner) % ch];
            if (d == RT_F32)
                rt_store_f64(po + i * (int64_t)es, d, v > 0 ? v : (double)((float)s * (float)v));
            else
                rt_store_f64(po + i * (int64_t)es, d, v > 0 ? v : s * v);
        }
    }
    free(wv);
    rt_out_tensor(out, res);
    return 0;
}

/* ---- nonzero / where(condition) ---- */

static rt_tensor *nonzero_of(rt_ctx *c, rt_tensor *x)
{
    rt_dtype d = (rt_dtype)x->dtype;
    int64_t n = rt_tensor_numel(x), cnt = 0;
    size_t es = rt_dtype_size(d);
    const char *p = rt_tensor_data(x);
    bool fl = rt_dtype_is_float(d);
    rt_iter it;
    rt_iter_init(&it, x->ndim, x->shape, x->strides);
    for (int64_t i = 0; i < n; i++, rt_iter_next(&it))
        cnt += fl ? rt_load_f64(p + it.off * (int64_t)es, d) != 0
                  : rt_load_i64(p + it.off * (int64_t)es, d) != 0;
    int64_t sh[2] = {cnt, x->ndim};
    rt_tensor *res = rt_tensor_empty(RT_I64, 2, sh, c->err);
    if (!res)
        return NULL;
    int64_t *o = rt_tensor_data(res);
    rt_iter_init(&it, x->ndim, x->shape, x->strides);
    for (int64_t i = 0; i < n; i++, rt_iter_next(&it)) {
        bool nz = fl ? rt_load_f64(p + it.off * (int64_t)es, d) != 0
                     : rt_load_i64(p + it.off * (int64_t)es, d) != 0;
        if (nz) {
            memcpy(o, it.idx, sizeof(int64_t) * (size_t)x->ndim);
            o += x->ndim;
        }
    }
    return res;
}

int k_nonzero(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    rt_tensor *r = nonzero_of(c, x);
    if (!r)
        return -1;
    rt_out_tensor(out, r);
    return 0;
}

int k_where_cond(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "condition", &x))
        return -1;
    rt_tensor *nz = nonzero_of(c, x);
    if (!nz)
        return -1;
    rt_value lst;
    if (rt_list_new(RT_LIST, (size_t)x->ndim, &lst, c->err)) {
        rt_tensor_release(nz);
        return -1;
    }
    /* columns of nonzero(): views, as unbind(1) gives */
    for (int k = 0; k < x->ndim; k++) {
        int64_t sh = nz->shape[0], st = x->ndim;
        rt_tensor *col = rt_tensor_view(nz->storage, RT_I64, 1, &sh, &st, k, c->err);
        if (!col || rt_list_append(lst.u.list, rt_tensor_value(col), c->err)) {
            rt_tensor_release(col);
            rt_value_release(lst);
            rt_tensor_release(nz);
            return -1;
        }
        rt_tensor_release(col);
    }
    rt_tensor_release(nz);
    *out = lst;
    return 0;
}

/* ---- prim::tolist(Tensor self, int dim, int elem_type) ---- */

static int tolist_rec(rt_ctx *c, const rt_tensor *t, int dim, int64_t off, int elem,
                      rt_value *out)
{
    rt_dtype d = (rt_dtype)t->dtype;
    if (dim == t->ndim) {
        const char *p = (const char *)t->storage->data + off * (int64_t)rt_dtype_size(d);
        *out = elem == 1 ? rt_float(rt_load_f64(p, d))
               : elem == 2 ? rt_bool(rt_load_i64(p, d) != 0)
                           : rt_int(rt_load_i64(p, d));
        return 0;
    }
    if (rt_list_new(RT_LIST, (size_t)t->shape[dim], out, c->err))
        return -1;
    for (int64_t i = 0; i < t->shape[dim]; i++) {
        rt_value item;
        if (tolist_rec(c, t, dim + 1, off + i * t->strides[dim], elem, &item) ||
            rt_list_append(out->u.list, item, c->err)) {
            rt_value_clear(out);
            return -1;
        }
        rt_value_release(item);
    }
    return 0;
}

int k_prim_tolist(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nout;
    rt_tensor *t;
    int64_t dim, elem;
    if (nin != 3)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "prim::tolist expects 3 arguments, got %d", nin);
    if (rt_arg_tensor(c, in[0], "self", &t) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_int(c, in[2], "elem_type", &elem))
        return -1;
    rt_dtype d = (rt_dtype)t->dtype;
    if (dim != t->ndim)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "Output annotation list dimension and runtime tensor dimension must "
                          "match for tolist()");
    if (elem < 0 || elem > 2)
        return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED,
                          "Output annotation element type must be int, float or bool for "
                          "tolist()");
    rt_dtype want = elem == 0 ? RT_I64 : RT_BOOL_;
    if (!(elem == 1 ? rt_dtype_is_float(d) : d == want))
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "Output annotation element type and runtime tensor element type must "
                          "match for tolist()");
    return tolist_rec(c, t, 0, t->offset, (int)elem, out);
}

/* ---- hstack / vstack / dstack / column_stack ---- */

/* A view of t reshaped to at least `n` dims the way atleast_{1,2,3}d (or
 * column_stack, n = -1) does. */
static rt_tensor *atleast(rt_ctx *c, rt_tensor *t, int n)
{
    int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS];
    int nd = t->ndim;
    memcpy(sh, t->shape, sizeof sh);
    memcpy(st, t->strides, sizeof st);
    if (n == -1) { /* column_stack: 0-d and 1-d become [numel, 1] */
        if (nd <= 1) {
            sh[0] = nd ? t->shape[0] : 1, st[0] = nd ? t->strides[0] : 1;
            sh[1] = 1, st[1] = 1;
            nd = 2;
        }
    } else if (nd == 0) {
        for (int k = 0; k < n; k++)
            sh[k] = 1, st[k] = 1;
        nd = n;
    } else if (nd == 1 && n >= 2) {
        sh[1] = t->shape[0], st[1] = t->strides[0];
        sh[0] = 1, st[0] = t->shape[0] * t->strides[0];
        if (n == 3)
            sh[2] = 1, st[2] = 1;
        nd = n;
    } else if (nd == 2 && n == 3) {
        sh[2] = 1, st[2] = 1;
        nd = 3;
    }
    return rt_tensor_view(t->storage, (rt_dtype)t->dtype, nd, sh, st, t->offset, c->err);
}

static int stack_common(rt_ctx *c, const rt_value *in, const char *name, int n, rt_value *out)
{
    rt_list *l;
    if (rt_arg_tensorlist(c, in[0], "tensors", &l))
        return -1;
    if (l->len == 0)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT, "%s expects a non-empty TensorList",
                          name);
    rt_value args[2];
    if (rt_list_new(RT_LIST, l->len, &args[0], c->err))
        return -1;
    int rc = -1;
    for (size_t i = 0; i < l->len; i++) {
        rt_tensor *v = atleast(c, l->items[i].u.tensor, n);
        if (!v || rt_list_append(args[0].u.list, rt_tensor_value(v), c->err)) {
            rt_tensor_release(v);
            goto done;
        }
        rt_tensor_release(v);
    }
    int64_t dim = n == 1 ? (args[0].u.list->items[0].u.tensor->ndim == 1 ? 0 : 1)
                  : n == 2 ? 0
                  : n == 3 ? 2
                           : 1;
    args[1] = rt_int(dim);
    rc = k_cat(c, args, 2, out, 1);
done:
    rt_value_release(args[0]);
    return rc;
}

int k_hstack(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    return stack_common(c, in, "hstack", 1, out);
}
int k_vstack(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    return stack_common(c, in, "vstack", 2, out);
}
int k_dstack(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    return stack_common(c, in, "dstack", 3, out);
}
int k_column_stack(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    return stack_common(c, in, "column_stack", -1, out);
}

/* ---- repeat_interleave ---- */

/* Reads repeats (1-D or 0-d int tensor) into a new array; *n its length. */
static int64_t *read_repeats(rt_ctx *c, rt_tensor *r, int64_t *n, int64_t *total)
{
    rt_dtype d = (rt_dtype)r->dtype;
    if (r->ndim > 1) {
        rt_err_set(c->err, TSJ_ERR_SHAPE, "repeats must be 0-dim or 1-dim tensor");
        return NULL;
    }
    if (d != RT_I64 && d != RT_I32) {
        rt_err_set(c->err, TSJ_ERR_TYPE, "\"repeat_interleave_cpu\" not implemented for '%s'",
                   rt_dtype_aten_name(d));
        return NULL;
    }
    *n = rt_tensor_numel(r);
    int64_t *v = malloc(sizeof(int64_t) * (size_t)(*n ? *n : 1));
    if (!v) {
        rt_err_nomem(c->err);
        return NULL;
    }
    rt_iter it;
    rt_iter_init(&it, r->ndim, r->shape, r->strides);
    const char *p = rt_tensor_data(r);
    *total = 0;
    for (int64_t i = 0; i < *n; i++, rt_iter_next(&it)) {
        v[i] = rt_load_i64(p + it.off * (int64_t)rt_dtype_size(d), d);
        if (v[i] < 0) {
            free(v);
            rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT, "repeats can not be negative");
            return NULL;
        }
        *total += v[i];
    }
    return v;
}

static int check_output_size(rt_ctx *c, rt_value os, int64_t total)
{
    if (os.kind == RT_NONE)
        return 0;
    int64_t v;
    if (rt_arg_int(c, os, "output_size", &v))
        return -1;
    if (v != total)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "allocated size does not match required size");
    return 0;
}

int k_repeat_interleave_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *r;
    if (rt_arg_tensor(c, in[0], "repeats", &r))
        return -1;
    if (r->ndim != 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "repeat_interleave only accept 1D vector as repeat");
    int64_t n, total;
    int64_t *v = read_repeats(c, r, &n, &total);
    if (!v)
        return -1;
    rt_tensor *res = NULL;
    rt_dtype d = (rt_dtype)r->dtype; /* the result has the repeats' dtype */
    if (check_output_size(c, in[1], total) || !(res = rt_tensor_empty(d, 1, &total, c->err))) {
        free(v);
        return -1;
    }
    char *o = rt_tensor_data(res);
    size_t es = rt_dtype_size(d);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < v[i]; j++, o += es)
            rt_store_i64(o, d, i);
    free(v);
    rt_out_tensor(out, res);
    return 0;
}

/* self repeated along dim by reps[] (length 1 broadcasts). */
static int rep_along(rt_ctx *c, rt_tensor *x, rt_value dimv, const int64_t *reps, int64_t nrep,
                     rt_value osv, rt_value *out)
{
    rt_tensor *src = NULL, *res = NULL;
    int64_t dim;
    int rc = -1;
    if (dimv.kind == RT_NONE) { /* flattened */
        if (!(src = rt_tensor_contiguous(x, c->err)))
            return -1;
        int64_t n = rt_tensor_numel(src), st = 1;
        rt_tensor *flat = rt_tensor_view(src->storage, (rt_dtype)src->dtype, 1, &n, &st,
                                         src->offset, c->err);
        rt_tensor_release(src);
        if (!(src = flat))
            return -1;
        dim = 0;
    } else {
        if (rt_arg_int(c, dimv, "dim", &dim))
            return -1;
        if (x->ndim == 0)
            return rt_err_set(c->err, TSJ_ERR_INDEX,
                              "Dimension specified as %lld but tensor has no dimensions",
                              (long long)dim);
        if (rt_arg_dim(c, dim, x->ndim, &dim) || !(src = rt_tensor_contiguous(x, c->err)))
            return -1;
        if (src->ndim == 0) { /* a 0-d self acts as [1] */
            int64_t one = 1, st = 1;
            rt_tensor *v = rt_tensor_view(src->storage, (rt_dtype)src->dtype, 1, &one, &st,
                                          src->offset, c->err);
            rt_tensor_release(src);
            if (!(src = v))
                return -1;
        }
    }
    int64_t size = src->shape[dim];
    if (nrep != 1 && nrep != size) {
        rt_err_set(c->err, TSJ_ERR_SHAPE,
                   "repeats must have the same size as input along dim, but got "
                   "repeats.size(0) = %lld and input.size(%lld) = %lld",
                   (long long)nrep, (long long)dim, (long long)size);
        goto done;
    }
    int64_t total = 0;
    for (int64_t i = 0; i < size; i++)
        total += reps[nrep == 1 ? 0 : i];
    if (check_output_size(c, osv, total))
        goto done;
    int64_t sh[RT_MAX_DIMS];
    memcpy(sh, src->shape, sizeof sh);
    sh[dim] = total;
    if (!(res = rt_tensor_empty((rt_dtype)src->dtype, src->ndim, sh, c->err)))
        goto done;
    int64_t outer = 1, inner = 1;
    for (int k = 0; k < dim; k++)
        outer *= src->shape[k];
    for (int k = (int)dim + 1; k < src->ndim; k++)
        inner *= src->shape[k];
    size_t blk = (size_t)inner * rt_dtype_size((rt_dtype)src->dtype);
    const char *p = rt_tensor_data(src);
    char *o = rt_tensor_data(res);
    for (int64_t a = 0; a < outer; a++)
        for (int64_t i = 0; i < size; i++) {
            const char *row = p + (size_t)(a * size + i) * blk;
            for (int64_t j = reps[nrep == 1 ? 0 : i]; j > 0; j--) {
                memcpy(o, row, blk);
                o += blk;
            }
        }
    rt_out_tensor(out, res);
    res = NULL;
    rc = 0;
done:
    rt_tensor_release(src);
    rt_tensor_release(res);
    return rc;
}

int k_repeat_interleave_self_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out,
                                    int nout)
{
    (void)nin, (void)nout;
    rt_tensor *x, *r;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_tensor(c, in[1], "repeats", &r))
        return -1;
    int64_t n, total;
    int64_t *v = read_repeats(c, r, &n, &total);
    if (!v)
        return -1;
    int rc = rep_along(c, x, in[2], v, n, in[3], out);
    free(v);
    return rc;
}

int k_repeat_interleave_self_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out,
                                 int nout)
{
    (void)nin, (void)nout;
    rt_tensor *x;
    int64_t r;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "repeats", &r))
        return -1;
    if (r < 0)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT, "repeats can not be negative");
    return rep_along(c, x, in[2], &r, 1, in[3], out);
}

/* ---- pixel_shuffle / pixel_unshuffle / channel_shuffle ---- */

/* Copies the view (sh, st over x's storage) into a new tensor of shape osh. */
static int permuted_copy(rt_ctx *c, rt_tensor *x, int nd, const int64_t *sh, const int64_t *st,
                         int ond, const int64_t *osh, rt_value *out)
{
    rt_tensor *v = rt_tensor_view(x->storage, (rt_dtype)x->dtype, nd, sh, st, x->offset, c->err);
    if (!v)
        return -1;
    rt_tensor *r = rt_tensor_empty((rt_dtype)x->dtype, nd, sh, c->err);
    if (!r || rt_tensor_copy_into(r, v, c->err)) {
        rt_tensor_release(v);
        rt_tensor_release(r);
        return -1;
    }
    rt_tensor_release(v);
    r->ndim = (int8_t)ond;
    memcpy(r->shape, osh, sizeof(int64_t) * (size_t)ond);
    rt_contiguous_strides(ond, osh, r->strides);
    rt_out_tensor(out, r);
    return 0;
}

static int shuffle(rt_ctx *c, const rt_value *in, bool up, rt_value *out)
{
    const char *name = up ? "pixel_shuffle" : "pixel_unshuffle";
    rt_tensor *x;
    int64_t r;
    if (rt_arg_tensor(c, in[0], "self", &x) ||
        rt_arg_int(c, in[1], up ? "upscale_factor" : "downscale_factor", &r))
        return -1;
    if (x->ndim < 3)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "%s expects input to have at least 3 dimensions, but got input with "
                          "%d dimension(s)",
                          name, x->ndim);
    if (r <= 0)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT, "%s expects a positive %s, but got %lld",
                          name, up ? "upscale_factor" : "downscale_factor", (long long)r);
    int nb = x->ndim - 3;
    if (nb + 5 > RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "%s: too many dimensions", name);
    int64_t C = x->shape[nb], H = x->shape[nb + 1], W = x->shape[nb + 2];
    int64_t sC = x->strides[nb], sH = x->strides[nb + 1], sW = x->strides[nb + 2];
    int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS], osh[RT_MAX_DIMS];
    memcpy(sh, x->shape, sizeof(int64_t) * (size_t)nb);
    memcpy(st, x->strides, sizeof(int64_t) * (size_t)nb);
    memcpy(osh, x->shape, sizeof(int64_t) * (size_t)nb);
    if (up) {
        if (C % (r * r))
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "pixel_shuffle expects its input's 'channel' dimension to be "
                              "divisible by the square of upscale_factor, but input.size(-3)=%lld "
                              "is not divisible by %lld",
                              (long long)C, (long long)(r * r));
        int64_t oc = C / (r * r);
        /* [oc, r1, r2, H, W] viewed as [oc, H, r1, W, r2] */
        int64_t vs[5] = {oc, H, r, W, r}, vt[5] = {sC * r * r, sH, sC * r, sW, sC};
        memcpy(sh + nb, vs, sizeof vs), memcpy(st + nb, vt, sizeof vt);
        osh[nb] = oc, osh[nb + 1] = H * r, osh[nb + 2] = W * r;
    } else {
        if (H % r)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "pixel_unshuffle expects height to be divisible by "
                              "downscale_factor, but input.size(-2)=%lld is not divisible by %lld",
                              (long long)H, (long long)r);
        if (W % r)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "pixel_unshuffle expects width to be divisible by "
                              "downscale_factor, but input.size(-1)=%lld is not divisible by %lld",
                              (long long)W, (long long)r);
        int64_t oh = H / r, ow = W / r;
        /* [C, oh, r1, ow, r2] viewed as [C, r1, r2, oh, ow] */
        int64_t vs[5] = {C, r, r, oh, ow}, vt[5] = {sC, sH, sW, sH * r, sW * r};
        memcpy(sh + nb, vs, sizeof vs), memcpy(st + nb, vt, sizeof vt);
        osh[nb] = C * r * r, osh[nb + 1] = oh, osh[nb + 2] = ow;
    }
    return permuted_copy(c, x, nb + 5, sh, st, nb + 3, osh, out);
}

int k_pixel_shuffle(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    return shuffle(c, in, true, out);
}

int k_pixel_unshuffle(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    return shuffle(c, in, false, out);
}

int k_channel_shuffle(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *x;
    int64_t g;
    if (rt_arg_tensor(c, in[0], "self", &x) || rt_arg_int(c, in[1], "groups", &g))
        return -1;
    if (x->ndim < 3)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "channel_shuffle expects input to have at least 3 dimensions, but got "
                          "input with %d dimension(s)",
                          x->ndim);
    if (g <= 0)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                          "Number of groups to divide channels in must be positive. Value of "
                          "groups:%lld",
                          (long long)g);
    int64_t C = x->shape[1];
    if (C % g)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Number of channels must be divisible by groups. Got %lld channels "
                          "and %lld groups.",
                          (long long)C, (long long)g);
    if (x->ndim + 1 > RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "channel_shuffle: too many dimensions");
    /* [N, g, C/g, *] viewed as [N, C/g, g, *] */
    int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS];
    sh[0] = x->shape[0], st[0] = x->strides[0];
    sh[1] = C / g, st[1] = x->strides[1];
    sh[2] = g, st[2] = x->strides[1] * (C / g);
    for (int k = 2; k < x->ndim; k++)
        sh[k + 1] = x->shape[k], st[k + 1] = x->strides[k];
    return permuted_copy(c, x, x->ndim + 1, sh, st, x->ndim, x->shape, out);
}

/* ---- cosine_similarity ---- */

int k_cosine_similarity(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    rt_tensor *a, *b;
    int64_t dim;
    double eps;
    if (rt_arg_tensor(c, in[0], "x1", &a) || rt_arg_tensor(c, in[1], "x2", &b) ||
        rt_arg_int(c, in[2], "dim", &dim) || rt_arg_double(c, in[3], "eps", &eps))
        return -1;
    rt_dtype d = rt_result_type(2, in);
    if (!rt_dtype_is_float(d))
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "expected common dtype to be floating point, yet common dtype is %s",
                          rt_dtype_aten_name(d));
    int nd;
    int64_t sh[RT_MAX_DIMS];
    rt_tensor *ts[2] = {a, b};
    if (rt_broadcast_tensors_shape(2, ts, &nd, sh, c->err) || rt_arg_dim(c, dim, nd, &dim))
        return -1;
    int64_t sa[RT_MAX_DIMS], sb[RT_MAX_DIMS];
    if (rt_broadcast_strides(a, nd, sh, sa, c->err) || rt_broadcast_strides(b, nd, sh, sb, c->err))
        return -1;
    /* move dim last */
    int64_t osh[RT_MAX_DIMS], psh[RT_MAX_DIMS], pa[RT_MAX_DIMS], pb[RT_MAX_DIMS];
    int q = 0;
    for (int k = 0; k < nd; k++)
        if (k != dim)
            osh[q] = psh[q] = sh[k], pa[q] = sa[k], pb[q] = sb[k], q++;
    int64_t n = nd ? sh[dim] : 1;
    if (nd)
        psh[q] = n, pa[q] = sa[dim], pb[q] = sb[dim];
    rt_tensor *res = rt_tensor_empty(d, nd ? nd - 1 : 0, osh, c->err);
    if (!res)
        return -1;
    int64_t cnt = rt_tensor_numel(res);
    rt_iter ia, ib;
    rt_iter_init(&ia, nd, psh, pa);
    rt_iter_init(&ib, nd, psh, pb);
    const char *xa = rt_tensor_data(a), *xb = rt_tensor_data(b);
    rt_dtype da = (rt_dtype)a->dtype, db = (rt_dtype)b->dtype;
    size_t ea = rt_dtype_size(da), eb = rt_dtype_size(db);
    char *o = rt_tensor_data(res);
    for (int64_t i = 0; i < cnt; i++) {
        double w12 = 0, w1 = 0, w2 = 0;
        for (int64_t j = 0; j < n; j++) {
            double u = rt_load_f64(xa + ia.off * (int64_t)ea, da);
            double v = rt_load_f64(xb + ib.off * (int64_t)eb, db);
            w12 += u * v, w1 += u * u, w2 += v * v;
            rt_iter_next(&ia);
            rt_iter_next(&ib);
        }
        double e2 = eps * eps; /* each squared norm clamped, as ATen does */
        w1 = w1 < e2 ? e2 : w1;
        w2 = w2 < e2 ? e2 : w2;
        rt_store_f64(o + i * (int64_t)rt_dtype_size(d), d, w12 / sqrt(w1 * w2));
    }
    rt_out_tensor(out, res);
    return 0;
}
