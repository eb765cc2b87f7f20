/* rt_broadcast.c — broadcast shapes, torch.result_type, elementwise loop
 * driver (see rt_broadcast.h). */
#include "rt_broadcast.h"

#include "rt_args.h"

#include <stdio.h>
#include <string.h>

/* ---- broadcasting ---- */

int rt_broadcast_shape2(int na, const int64_t *a, int nb, const int64_t *b, int *out_ndim,
                        int64_t *out_shape, rt_err *e)
{
    int n = na > nb ? na : nb;
    int64_t tmp[RT_MAX_DIMS];
    if (n > RT_MAX_DIMS)
        return rt_err_set(e, TSJ_ERR_LIMIT, "tensors may have at most %d dimensions",
                          RT_MAX_DIMS);
    for (int i = n - 1; i >= 0; i--) {
        int off = n - 1 - i, da = na - 1 - off, db = nb - 1 - off;
        int64_t sa = da >= 0 ? a[da] : 1, sb = db >= 0 ? b[db] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            return rt_err_set(e, TSJ_ERR_SHAPE,
                              "The size of tensor a (%lld) must match the size of tensor b "
                              "(%lld) at non-singleton dimension %d",
                              (long long)sa, (long long)sb, i);
        tmp[i] = sa == 1 ? sb : sa;
    }
    memcpy(out_shape, tmp, sizeof(int64_t) * (size_t)n);
    *out_ndim = n;
    return 0;
}

int rt_broadcast_shapes(int n, const int *ndims, const int64_t *const *shapes, int *out_ndim,
                        int64_t *out_shape, rt_err *e)
{
    int nd = 0;
    int64_t sh[RT_MAX_DIMS];
    for (int i = 0; i < n; i++)
        if (rt_broadcast_shape2(nd, sh, ndims[i], shapes[i], &nd, sh, e))
            return -1;
    memcpy(out_shape, sh, sizeof(int64_t) * (size_t)nd);
    *out_ndim = nd;
    return 0;
}

int rt_broadcast_tensors_shape(int n, rt_tensor *const *t, int *out_ndim, int64_t *out_shape,
                               rt_err *e)
{
    int nd = 0;
    int64_t sh[RT_MAX_DIMS];
    for (int i = 0; i < n; i++)
        if (t[i] && rt_broadcast_shape2(nd, sh, t[i]->ndim, t[i]->shape, &nd, sh, e))
            return -1;
    memcpy(out_shape, sh, sizeof(int64_t) * (size_t)nd);
    *out_ndim = nd;
    return 0;
}

int rt_broadcast_strides(const rt_tensor *t, int ndim, const int64_t *shape, int64_t *strides,
                         rt_err *e)
{
    char want[160], have[160];
    if (t->ndim > ndim)
        return rt_err_set(e, TSJ_ERR_SHAPE,
                          "expand: the number of sizes provided (%d) must be greater or equal "
                          "to the number of dimensions in the tensor (%d)",
                          ndim, t->ndim);
    int lead = ndim - t->ndim;
    for (int i = 0; i < ndim; i++) {
        if (i < lead) {
            strides[i] = 0;
            continue;
        }
        int64_t s = t->shape[i - lead];
        if (s == shape[i])
            strides[i] = s == 1 ? 0 : t->strides[i - lead];
        else if (s == 1)
            strides[i] = 0;
        else
            return rt_err_set(e, TSJ_ERR_SHAPE,
                              "The expanded size of the tensor (%lld) must match the existing "
                              "size (%lld) at non-singleton dimension %d.  Target sizes: %s.  "
                              "Tensor sizes: %s",
                              (long long)shape[i], (long long)s, i,
                              rt_shape_str(ndim, shape, want, sizeof want),
                              rt_shape_str(t->ndim, t->shape, have, sizeof have));
    }
    return 0;
}

rt_tensor *rt_broadcast_view(rt_tensor *t, int ndim, const int64_t *shape, rt_err *e)
{
    int64_t st[RT_MAX_DIMS];
    if (rt_broadcast_strides(t, ndim, shape, st, e))
        return NULL;
    return rt_tensor_view(t->storage, (rt_dtype)t->dtype, ndim, shape, st, t->offset, e);
}

/* ---- result dtype ---- */

int rt_dtype_category(rt_dtype d)
{
    return d == RT_BOOL_ ? 0 : rt_dtype_is_float(d) ? 2 : 1;
}

static rt_dtype promote_skip(int8_t a, rt_dtype b)
{
    if (a == RT_DTYPE_INVALID)
        return b;
    if (b == RT_DTYPE_INVALID)
        return (rt_dtype)a;
    return rt_dtype_promote((rt_dtype)a, b);
}

/* ATen's combine_categories(higher, lower). */
static rt_dtype combine(rt_dtype higher, rt_dtype lower)
{
    if (higher == RT_DTYPE_INVALID)
        return lower;
    if (lower == RT_DTYPE_INVALID)
        return higher;
    if (rt_dtype_is_float(higher))
        return higher;
    if (higher == RT_BOOL_ || rt_dtype_is_float(lower))
        return rt_dtype_promote(higher, lower);
    return higher;
}

void rt_rtype_init(rt_rtype *s)
{
    s->dim = s->zero = s->wrapped = RT_DTYPE_INVALID;
}

void rt_rtype_tensor(rt_rtype *s, const rt_tensor *t)
{
    if (t->ndim > 0)
        s->dim = (int8_t)promote_skip(s->dim, (rt_dtype)t->dtype);
    else
        s->zero = (int8_t)promote_skip(s->zero, (rt_dtype)t->dtype);
}

void rt_rtype_scalar(rt_rtype *s, rt_value v)
{
    rt_dtype d = v.kind == RT_FLOAT ? RT_F32 : rt_scalar_dtype(v);
    if (d != RT_DTYPE_INVALID)
        s->wrapped = (int8_t)promote_skip(s->wrapped, d);
}

void rt_rtype_value(rt_rtype *s, rt_value v)
{
    if (v.kind == RT_TENSOR)
        rt_rtype_tensor(s, v.u.tensor);
    else
        rt_rtype_scalar(s, v);
}

rt_dtype rt_rtype_result(const rt_rtype *s)
{
    return combine((rt_dtype)s->dim, combine((rt_dtype)s->zero, (rt_dtype)s->wrapped));
}

rt_dtype rt_result_type(int n, const rt_value *v)
{
    rt_rtype s;
    rt_rtype_init(&s);
    for (int i = 0; i < n; i++)
        rt_rtype_value(&s, v[i]);
    return rt_rtype_result(&s);
}

rt_dtype rt_scalar_dtype(rt_value v)
{
    switch (v.kind) {
    case RT_INT: return RT_I64;
    case RT_FLOAT: return RT_F64;
    case RT_BOOL: return RT_BOOL_;
    default: return RT_DTYPE_INVALID;
    }
}

rt_tensor *rt_scalar_tensor(rt_value v, rt_dtype d, rt_err *e)
{
    if (v.kind == RT_FLOAT)
        return rt_tensor_scalar_f64(v.u.f, d, e);
    if (v.kind == RT_INT)
        return rt_tensor_scalar_i64(v.u.i, d, e);
    if (v.kind == RT_BOOL)
        return rt_tensor_scalar_i64(v.u.b, d, e);
    rt_err_set(e, TSJ_ERR_TYPE, "expected a number, got %s", rt_kind_name((rt_kind)v.kind));
    return NULL;
}

/* ---- elementwise loops ---- */

int rt_ew_init(rt_ew *it, int nop, rt_tensor *const *t, rt_err *e)
{
    RT_CHECK(e, nop >= 1 && nop <= RT_EW_NOPS);
    const rt_tensor *o = t[0];
    int nd = o->ndim;
    int64_t st[RT_EW_NOPS][RT_MAX_DIMS];
    it->nop = nop;
    it->numel = rt_tensor_numel(o);
    for (int k = 0; k < nop; k++) {
        int64_t es = (int64_t)rt_dtype_size((rt_dtype)t[k]->dtype);
        if (k == 0)
            memcpy(st[0], o->strides, sizeof(int64_t) * (size_t)nd);
        else if (rt_broadcast_strides(t[k], nd, o->shape, st[k], e))
            return -1;
        for (int d = 0; d < nd; d++)
            st[k][d] *= es;
        it->data[k] = rt_tensor_data(t[k]);
    }
    /* Drop size-1 dims, then merge dim d into d-1 when every operand steps
     * through them as one. */
    int n = 0;
    for (int d = 0; d < nd; d++) {
        if (o->shape[d] == 1)
            continue;
        if (n > 0) {
            bool merge = true;
            for (int k = 0; k < nop && merge; k++)
                merge = it->strides[k][n - 1] == st[k][d] * o->shape[d];
            if (merge) {
                it->shape[n - 1] *= o->shape[d];
                for (int k = 0; k < nop; k++)
                    it->strides[k][n - 1] = st[k][d];
                continue;
            }
        }
        it->shape[n] = o->shape[d];
        for (int k = 0; k < nop; k++)
            it->strides[k][n] = st[k][d];
        n++;
    }
    if (n == 0) {
        it->shape[0] = 1;
        for (int k = 0; k < nop; k++)
            it->strides[k][0] = 0;
        n = 1;
    }
    it->ndim = n;
    return 0;
}

void rt_ew_run(const rt_ew *it, rt_ew_loop fn, void *ctx)
{
    if (it->numel == 0)
        return;
    int nd = it->ndim, nop = it->nop;
    int64_t inner = it->shape[nd - 1];
    int64_t s[RT_EW_NOPS];
    char *p[RT_EW_NOPS];
    for (int k = 0; k < nop; k++)
        s[k] = it->strides[k][nd - 1];
    if (nd == 1) {
        for (int k = 0; k < nop; k++)
            p[k] = it->data[k];
        fn(p, s, inner, ctx);
        return;
    }
    int64_t idx[RT_MAX_DIMS] = {0};
    int64_t outer = it->numel / inner;
    int64_t off[RT_EW_NOPS] = {0};
    for (int64_t r = 0; r < outer; r++) {
        for (int k = 0; k < nop; k++)
            p[k] = it->data[k] + off[k];
        fn(p, s, inner, ctx);
        for (int d = nd - 2; d >= 0; d--) {
            for (int k = 0; k < nop; k++)
                off[k] += it->strides[k][d];
            if (++idx[d] < it->shape[d])
                break;
            for (int k = 0; k < nop; k++)
                off[k] -= it->strides[k][d] * it->shape[d];
            idx[d] = 0;
        }
    }
}

rt_tensor *rt_ew_output(rt_dtype d, int n, rt_tensor *const *t, rt_err *e)
{
    int nd;
    int64_t sh[RT_MAX_DIMS];
    if (rt_broadcast_tensors_shape(n, t, &nd, sh, e))
        return NULL;
    return rt_tensor_empty(d, nd, sh, e);
}

/* ---- helpers for elementwise kernels ---- */

const char *rt_dtype_aten_name(rt_dtype d)
{
    switch (d) {
    case RT_U8: return "Byte";
    case RT_I8: return "Char";
    case RT_I16: return "Short";
    case RT_I32: return "Int";
    case RT_I64: return "Long";
    case RT_F16: return "Half";
    case RT_F32: return "Float";
    case RT_F64: return "Double";
    case RT_BOOL_: return "Bool";
    case RT_BF16: return "BFloat16";
    default: return "Undefined";
    }
}

bool rt_dtype_can_cast(rt_dtype from, rt_dtype to)
{
    if (rt_dtype_is_float(from) && !rt_dtype_is_float(to))
        return false;
    if (from != RT_BOOL_ && to == RT_BOOL_)
        return false;
    return true;
}

int rt_ew_cast_error(rt_ctx *c, rt_dtype from, rt_dtype to)
{
    return rt_err_set(c->err, TSJ_ERR_TYPE,
                      "result type %s can't be cast to the desired output type %s",
                      rt_dtype_aten_name(from), rt_dtype_aten_name(to));
}

rt_dtype rt_ew_compute_type(rt_dtype d)
{
    if (d == RT_F64)
        return RT_F64;
    if (rt_dtype_is_float(d))
        return RT_F32;
    return RT_I64;
}

rt_tensor *rt_ew_operand(rt_ctx *c, rt_value v, rt_dtype d)
{
    if (v.kind == RT_TENSOR) {
        rt_tensor *t = v.u.tensor;
        if (t->dtype == d) {
            rt_tensor_retain(t);
            return t;
        }
        return rt_tensor_to_dtype(t, d, c->err);
    }
    return rt_scalar_tensor(v, d, c->err);
}

bool rt_ew_overlaps(const rt_tensor *dst, const rt_tensor *src)
{
    if (src->storage != dst->storage || rt_tensor_numel(src) == 0)
        return false;
    if (src->offset != dst->offset || src->ndim != dst->ndim)
        return true;
    for (int i = 0; i < src->ndim; i++)
        if (src->shape[i] != dst->shape[i] ||
            (src->shape[i] > 1 && src->strides[i] != dst->strides[i]))
            return true;
    return false;
}

int rt_ew_finish(rt_ctx *c, rt_tensor *res, rt_dtype od, rt_tensor *self, rt_value *out)
{
    if (self) {
        int rc = res == self ? 0 : rt_tensor_copy_into(self, res, c->err);
        rt_tensor_release(res);
        if (rc)
            return -1;
        rt_tensor_retain(self);
        rt_out_tensor(out, self);
        return 0;
    }
    if (res->dtype != od) {
        rt_tensor *t = rt_tensor_to_dtype(res, od, c->err);
        rt_tensor_release(res);
        if (!t)
            return -1;
        res = t;
    }
    rt_out_tensor(out, res);
    return 0;
}

