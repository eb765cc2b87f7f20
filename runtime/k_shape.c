/*
 * k_shape.c — geometry ops (size, view, reshape, squeeze, permute, expand,
 * repeat, ...) and joining/splitting ops (cat, stack, split, chunk, unbind,
 * narrow).
 *
 * View ops return tensors sharing storage with their input
 * (rt_tensor_view), exactly where PyTorch returns views; reshape copies
 * only when no strides describe the new shape. Errors use PyTorch's text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_kernels.h"

/* ---- helpers ---- */

/* A view of t's storage with new geometry, stored in *out. */
static int out_view(rt_ctx *c, const rt_tensor *t, int nd, const int64_t *shape,
                    const int64_t *strides, int64_t offset, rt_value *out)
{
    rt_tensor *v =
        rt_tensor_view(t->storage, (rt_dtype)t->dtype, nd, shape, strides, offset, c->err);
    if (!v)
        return -1;
    rt_out_tensor(out, v);
    return 0;
}

static int out_same(rt_value in, rt_value *out)
{
    *out = rt_value_retain(in);
    return 0;
}

/* "[1, -1, 3]" for messages. */
static const char *list_str(int n, const int64_t *v, char *buf, size_t size)
{
    return rt_shape_str(n, v, buf, size);
}

/* Wraps a dim for an op that inserts a dim (range [-(nd+1), nd]). */
static int wrap_insert_dim(rt_ctx *c, int64_t dim, int ndim, int64_t *out)
{
    return rt_arg_dim(c, dim, ndim + 1, out);
}

/* PyTorch's infer_size: resolves one -1 against numel. */
static int infer_size(rt_ctx *c, int n, const int64_t *shape, int64_t numel, int64_t *res)
{
    int64_t newsize = 1;
    int infer = -1;
    char buf[256];
    for (int i = 0; i < n; i++) {
        res[i] = shape[i];
        if (shape[i] == -1) {
            if (infer >= 0)
                return rt_err_set(c->err, TSJ_ERR_SHAPE, "only one dimension can be inferred");
            infer = i;
        } else if (shape[i] >= 0) {
            if (shape[i] && newsize > INT64_MAX / shape[i])
                newsize = INT64_MAX; /* cannot match any real numel */
            else
                newsize *= shape[i];
        } else {
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "invalid shape dimension %lld",
                              (long long)shape[i]);
        }
    }
    if (numel == newsize || (infer >= 0 && newsize > 0 && numel % newsize == 0)) {
        if (infer >= 0) {
            if (newsize == 0)
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "cannot reshape tensor of 0 elements into shape %s because "
                                  "the unspecified dimension size -1 can be any value and is "
                                  "ambiguous",
                                  list_str(n, shape, buf, sizeof buf));
            res[infer] = numel / newsize;
        }
        return 0;
    }
    return rt_err_set(c->err, TSJ_ERR_SHAPE, "shape '%s' is invalid for input of size %lld",
                      list_str(n, shape, buf, sizeof buf), (long long)numel);
}

/* PyTorch's computeStride: strides giving `t` the shape `ns` without a
 * copy, or false when the layout does not allow it. */
static bool compute_stride(const rt_tensor *t, int nn, const int64_t *ns, int64_t *nst)
{
    int on = t->ndim;
    const int64_t *os = t->shape, *ost = t->strides;
    if (on == 0) {
        for (int i = 0; i < nn; i++)
            nst[i] = 1;
        return true;
    }
    int64_t numel = rt_tensor_numel(t);
    if (numel == 0) {
        bool same = on == nn;
        for (int i = 0; same && i < nn; i++)
            same = os[i] == ns[i];
        if (same) {
            memcpy(nst, ost, sizeof(int64_t) * (size_t)nn);
            return true;
        }
        for (int d = nn - 1; d >= 0; d--)
            nst[d] = d == nn - 1 ? 1 : (ns[d + 1] > 1 ? ns[d + 1] : 1) * nst[d + 1];
        return true;
    }
    int64_t view_d = nn - 1;
    int64_t chunk_base_stride = ost[on - 1];
    int64_t tensor_numel = 1, view_numel = 1;
    for (int64_t td = on - 1; td >= 0; td--) {
        tensor_numel *= os[td];
        if (td == 0 || (os[td - 1] != 1 && ost[td - 1] != tensor_numel * chunk_base_stride)) {
            while (view_d >= 0 && (view_numel < tensor_numel || ns[view_d] == 1)) {
                nst[view_d] = view_numel * chunk_base_stride;
                view_numel *= ns[view_d];
                view_d--;
            }
            if (view_numel != tensor_numel)
                return false;
            if (td > 0) {
                chunk_base_stride = ost[td - 1];
                tensor_numel = 1;
                view_numel = 1;
            }
        }
    }
    return view_d == -1;
}

static const char VIEW_ERR[] =
    "view size is not compatible with input tensor's size and stride (at least one dimension "
    "spans across two contiguous subspaces). Use .reshape(...) instead.";

/* view/reshape core: copy_ok selects reshape semantics. */
static int do_view(rt_ctx *c, rt_value self, int n, const int64_t *shape, bool copy_ok,
                   rt_value *out)
{
    rt_tensor *t = self.u.tensor;
    int64_t ns[RT_MAX_DIMS], nst[RT_MAX_DIMS];
    if (infer_size(c, n, shape, rt_tensor_numel(t), ns))
        return -1;
    if (compute_stride(t, n, ns, nst))
        return out_view(c, t, n, ns, nst, t->offset, out);
    if (!copy_ok)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "%s", VIEW_ERR);
    rt_tensor *cc = rt_tensor_clone(t, c->err);
    if (!cc)
        return -1;
    rt_contiguous_strides(n, ns, nst);
    int rc = out_view(c, cc, n, ns, nst, 0, out);
    rt_tensor_release(cc);
    return rc;
}

static int get_self(rt_ctx *c, const rt_value *in, rt_tensor **t)
{
    return rt_arg_tensor(c, in[0], "self", t);
}

/* ---- size, dim, numel ---- */

int k_size_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dim, d;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim))
        return -1;
    if (t->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "Dimension specified as %lld but tensor has no dimensions",
                          (long long)dim);
    if (rt_arg_dim(c, dim, t->ndim, &d))
        return -1;
    out[0] = rt_int(t->shape[d]);
    return 0;
}

int k_size(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (get_self(c, in, &t) || rt_list_new(RT_LIST, (size_t)t->ndim, &out[0], c->err))
        return -1;
    for (int i = 0; i < t->ndim; i++)
        if (rt_list_append(out[0].u.list, rt_int(t->shape[i]), c->err)) {
            rt_value_clear(&out[0]);
            return -1;
        }
    return 0;
}

int k_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (get_self(c, in, &t))
        return -1;
    out[0] = rt_int(t->ndim);
    return 0;
}

int k_numel(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (get_self(c, in, &t))
        return -1;
    out[0] = rt_int(rt_tensor_numel(t));
    return 0;
}

/* ---- view, reshape, flatten, unflatten ---- */

int k_view(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t shape[RT_MAX_DIMS];
    int n;
    if (get_self(c, in, &t) || rt_arg_intlist(c, in[1], "size", shape, RT_MAX_DIMS, 0, &n))
        return -1;
    return do_view(c, in[0], n, shape, false, out);
}

int k_reshape(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t shape[RT_MAX_DIMS];
    int n;
    if (get_self(c, in, &t) || rt_arg_intlist(c, in[1], "shape", shape, RT_MAX_DIMS, 0, &n))
        return -1;
    return do_view(c, in[0], n, shape, true, out);
}

/* view_as / reshape_as */
static int view_as(rt_ctx *c, const rt_value *in, bool copy_ok, rt_value *out)
{
    rt_tensor *t, *o;
    if (get_self(c, in, &t) || rt_arg_tensor(c, in[1], "other", &o))
        return -1;
    return do_view(c, in[0], o->ndim, o->shape, copy_ok, out);
}

int k_view_as(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return view_as(c, in, false, out);
}

int k_reshape_as(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return view_as(c, in, true, out);
}

int k_flatten_using_ints(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t s, e, sd, ed;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "start_dim", &s) ||
        rt_arg_int(c, in[2], "end_dim", &e) || rt_arg_dim(c, s, t->ndim, &sd) ||
        rt_arg_dim(c, e, t->ndim, &ed))
        return -1;
    if (t->ndim == 0) {
        int64_t one = 1;
        return do_view(c, in[0], 1, &one, true, out);
    }
    if (sd > ed)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "flatten() has invalid args: start_dim cannot come after end_dim");
    if (sd == ed)
        return out_same(in[0], out);
    int64_t shape[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < sd; i++)
        shape[n++] = t->shape[i];
    int64_t p = 1;
    for (int64_t i = sd; i <= ed; i++)
        p *= t->shape[i];
    shape[n++] = p;
    for (int i = (int)ed + 1; i < t->ndim; i++)
        shape[n++] = t->shape[i];
    return do_view(c, in[0], n, shape, true, out);
}

int k_unflatten_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dim, d, sizes[RT_MAX_DIMS], res[RT_MAX_DIMS];
    int ns;
    char buf[256];
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_intlist(c, in[2], "sizes", sizes, RT_MAX_DIMS, 0, &ns) ||
        rt_arg_dim(c, dim, t->ndim, &d))
        return -1;
    if (ns == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "unflatten: sizes must be non-empty");
    if (t->ndim - 1 + ns > RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "too many dimensions");
    int64_t dimsz = t->ndim ? t->shape[d] : 1;
    rt_err tmp;
    if (infer_size(&(rt_ctx){.err = &tmp, .threads = 1}, ns, sizes, dimsz, res))
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "unflatten: Provided sizes %s don't multiply up to the size of dim "
                          "%lld (%lld) in the input tensor",
                          list_str(ns, sizes, buf, sizeof buf), (long long)dim,
                          (long long)dimsz);
    int64_t shape[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < d; i++)
        shape[n++] = t->shape[i];
    for (int i = 0; i < ns; i++)
        shape[n++] = res[i];
    for (int i = (int)d + 1; i < t->ndim; i++)
        shape[n++] = t->shape[i];
    return do_view(c, in[0], n, shape, false, out);
}

/* ---- squeeze, unsqueeze ---- */

int k_squeeze(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (get_self(c, in, &t))
        return -1;
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (t->shape[i] != 1) {
            shape[n] = t->shape[i];
            strides[n++] = t->strides[i];
        }
    return out_view(c, t, n, shape, strides, t->offset, out);
}

int k_squeeze_dim(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dim, d;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_dim(c, dim, t->ndim, &d))
        return -1;
    if (t->ndim == 0 || t->shape[d] != 1)
        return out_view(c, t, t->ndim, t->shape, t->strides, t->offset, out);
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d) {
            shape[n] = t->shape[i];
            strides[n++] = t->strides[i];
        }
    return out_view(c, t, n, shape, strides, t->offset, out);
}

int k_unsqueeze(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dim, d;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim) ||
        wrap_insert_dim(c, dim, t->ndim, &d))
        return -1;
    if (t->ndim >= RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "tensors may have at most %d dimensions",
                          RT_MAX_DIMS);
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i <= t->ndim; i++) {
        if (i == d) {
            shape[n] = 1;
            strides[n++] = d >= t->ndim ? 1 : t->shape[d] * t->strides[d];
        }
        if (i < t->ndim) {
            shape[n] = t->shape[i];
            strides[n++] = t->strides[i];
        }
    }
    return out_view(c, t, n, shape, strides, t->offset, out);
}

/* ---- permute, transpose, t, movedim ---- */

static int permute_view(rt_ctx *c, rt_tensor *t, const int64_t *perm, rt_value *out)
{
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) {
        shape[i] = t->shape[perm[i]];
        strides[i] = t->strides[perm[i]];
    }
    return out_view(c, t, t->ndim, shape, strides, t->offset, out);
}

int k_permute(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dims[RT_MAX_DIMS], perm[RT_MAX_DIMS];
    int n;
    if (get_self(c, in, &t) || rt_arg_intlist(c, in[1], "dims", dims, RT_MAX_DIMS, 0, &n))
        return -1;
    if (n != t->ndim)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "permute(sparse_coo): number of dimensions in the tensor input does "
                          "not match the length of the desired ordering of dimensions i.e. "
                          "input.dim() = %d is not equal to len(dims) = %d",
                          t->ndim, n);
    bool seen[RT_MAX_DIMS] = {false};
    for (int i = 0; i < n; i++) {
        if (rt_arg_dim(c, dims[i], t->ndim, &perm[i]))
            return -1;
        if (seen[perm[i]])
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "permute(): duplicate dims are not allowed.");
        seen[perm[i]] = true;
    }
    return permute_view(c, t, perm, out);
}

static int transpose(rt_ctx *c, rt_tensor *t, int64_t d0, int64_t d1, rt_value *out)
{
    int64_t a, b;
    if (rt_arg_dim(c, d0, t->ndim, &a) || rt_arg_dim(c, d1, t->ndim, &b))
        return -1;
    int64_t perm[RT_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++)
        perm[i] = i;
    if (t->ndim) {
        perm[a] = b;
        perm[b] = a;
    }
    return permute_view(c, t, perm, out);
}

int k_transpose_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t d0, d1;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim0", &d0) ||
        rt_arg_int(c, in[2], "dim1", &d1))
        return -1;
    return transpose(c, t, d0, d1, out);
}

int k_t(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (get_self(c, in, &t))
        return -1;
    if (t->ndim > 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "t() expects a tensor with <= 2 dimensions, but self is %dD", t->ndim);
    return transpose(c, t, 0, t->ndim == 2 ? 1 : 0, out);
}

static int movedim(rt_ctx *c, rt_tensor *t, int ns, const int64_t *src, int nd,
                   const int64_t *dst, rt_value *out)
{
    char b1[256], b2[256];
    if (ns != nd)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "movedim: Invalid source or destination dims: source (%s dims) should "
                          "contain the same number of dims as destination (%s dims)",
                          list_str(ns, src, b1, sizeof b1), list_str(nd, dst, b2, sizeof b2));
    int64_t s[RT_MAX_DIMS], d[RT_MAX_DIMS], perm[RT_MAX_DIMS];
    bool sseen[RT_MAX_DIMS] = {false}, dseen[RT_MAX_DIMS] = {false};
    for (int i = 0; i < ns; i++) {
        if (rt_arg_dim(c, src[i], t->ndim, &s[i]) || rt_arg_dim(c, dst[i], t->ndim, &d[i]))
            return -1;
        if (sseen[s[i]])
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "movedim: repeated dim in `source` (%s)",
                              list_str(ns, src, b1, sizeof b1));
        if (dseen[d[i]])
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "movedim: repeated dim in `destination` (%s)",
                              list_str(nd, dst, b1, sizeof b1));
        sseen[s[i]] = dseen[d[i]] = true;
    }
    if (t->ndim == 0)
        return out_view(c, t, 0, t->shape, t->strides, t->offset, out);
    for (int i = 0; i < t->ndim; i++)
        perm[i] = -1;
    for (int i = 0; i < ns; i++)
        perm[d[i]] = s[i];
    int next = 0;
    for (int i = 0; i < t->ndim; i++) {
        if (perm[i] >= 0)
            continue;
        while (sseen[next])
            next++;
        perm[i] = next++;
    }
    return permute_view(c, t, perm, out);
}

int k_movedim_intlist(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t s[RT_MAX_DIMS], d[RT_MAX_DIMS];
    int ns, nd;
    if (get_self(c, in, &t) || rt_arg_intlist(c, in[1], "source", s, RT_MAX_DIMS, 0, &ns) ||
        rt_arg_intlist(c, in[2], "destination", d, RT_MAX_DIMS, 0, &nd))
        return -1;
    return movedim(c, t, ns, s, nd, d, out);
}

int k_movedim_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t s, d;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "source", &s) ||
        rt_arg_int(c, in[2], "destination", &d))
        return -1;
    return movedim(c, t, 1, &s, 1, &d, out);
}

/* ---- contiguous, expand, repeat ---- */

int k_contiguous(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (get_self(c, in, &t))
        return -1;
    if (rt_tensor_is_contiguous(t))
        return out_same(in[0], out);
    rt_tensor *r = rt_tensor_clone(t, c->err);
    if (!r)
        return -1;
    rt_out_tensor(out, r);
    return 0;
}

static const char *torch_type_name(rt_dtype d)
{
    switch (d) {
    case RT_U8: return "torch.ByteTensor";
    case RT_I8: return "torch.CharTensor";
    case RT_I16: return "torch.ShortTensor";
    case RT_I32: return "torch.IntTensor";
    case RT_I64: return "torch.LongTensor";
    case RT_F16: return "torch.HalfTensor";
    case RT_F32: return "torch.FloatTensor";
    case RT_F64: return "torch.DoubleTensor";
    case RT_BOOL_: return "torch.BoolTensor";
    case RT_BF16: return "torch.BFloat16Tensor";
    default: return "torch.Tensor";
    }
}

static int expand(rt_ctx *c, rt_tensor *t, int n, const int64_t *size, rt_value *out)
{
    char b1[256], b2[256];
    if (n < t->ndim)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "expand(%s{%s}, size=%s): the number of sizes provided (%d) must be "
                          "greater or equal to the number of dimensions in the tensor (%d)",
                          torch_type_name((rt_dtype)t->dtype),
                          rt_shape_str(t->ndim, t->shape, b1, sizeof b1),
                          list_str(n, size, b2, sizeof b2), n, t->ndim);
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    for (int i = n - 1; i >= 0; i--) {
        int off = n - 1 - i;
        int dim = t->ndim - 1 - off;
        int64_t sz = dim >= 0 ? t->shape[dim] : 1;
        int64_t st = dim >= 0 ? t->strides[dim] : (i + 1 < n ? shape[i + 1] * strides[i + 1] : 1);
        int64_t target = size[i];
        if (target == -1) {
            if (dim < 0)
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "The expanded size of the tensor (-1) isn't allowed in a "
                                  "leading, non-existing dimension %d",
                                  i);
            target = sz;
        }
        if (sz != target) {
            if (sz != 1 || target < 0)
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "The expanded size of the tensor (%lld) must match the "
                                  "existing size (%lld) at non-singleton dimension %d.  Target "
                                  "sizes: %s.  Tensor sizes: %s",
                                  (long long)size[i], (long long)sz, i,
                                  list_str(n, size, b1, sizeof b1),
                                  rt_shape_str(t->ndim, t->shape, b2, sizeof b2));
            st = 0;
        }
        shape[i] = target;
        strides[i] = st;
    }
    return out_view(c, t, n, shape, strides, t->offset, out);
}

int k_expand(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t size[RT_MAX_DIMS];
    int n;
    if (get_self(c, in, &t) || rt_arg_intlist(c, in[1], "size", size, RT_MAX_DIMS, 0, &n))
        return -1;
    return expand(c, t, n, size, out);
}

int k_expand_as(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t, *o;
    if (get_self(c, in, &t) || rt_arg_tensor(c, in[1], "other", &o))
        return -1;
    return expand(c, t, o->ndim, o->shape, out);
}

int k_repeat(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t rep[RT_MAX_DIMS];
    int n;
    if (get_self(c, in, &t) || rt_arg_intlist(c, in[1], "repeats", rep, RT_MAX_DIMS, 0, &n))
        return -1;
    if (n < t->ndim)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Number of dimensions of repeat dims can not be smaller than number "
                          "of dimensions of tensor");
    int lead = n - t->ndim;
    int64_t ish[RT_MAX_DIMS], ist[RT_MAX_DIMS], osh[RT_MAX_DIMS];
    for (int i = 0; i < n; i++) {
        ish[i] = i < lead ? 1 : t->shape[i - lead];
        ist[i] = i < lead ? 0 : t->strides[i - lead];
        if (rep[i] < 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Trying to create tensor with negative dimension %lld: %s",
                              (long long)(rep[i] * ish[i]),
                              list_str(n, rep, (char[256]){0}, 256));
        osh[i] = ish[i] * rep[i];
    }
    rt_tensor *r = rt_tensor_empty((rt_dtype)t->dtype, n, osh, c->err);
    if (!r)
        return -1;
    int64_t numel = rt_tensor_numel(r);
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    const char *src = rt_tensor_data(t);
    char *dst = rt_tensor_data(r);
    /* walk the output in C order; the source index is the output index
     * modulo the source size per dim */
    int64_t idx[RT_MAX_DIMS] = {0};
    int64_t soff = 0;
    for (int64_t k = 0; k < numel; k++) {
        memcpy(dst + k * (int64_t)es, src + soff * (int64_t)es, es);
        for (int d = n - 1; d >= 0; d--) {
            int64_t old = idx[d] % ish[d];
            if (++idx[d] < osh[d]) {
                soff += (idx[d] % ish[d] - old) * ist[d];
                break;
            }
            soff -= old * ist[d];
            idx[d] = 0;
        }
    }
    rt_out_tensor(out, r);
    return 0;
}

/* ---- cat, stack ---- */

/* Concatenates n tensors along `dim` (already validated shapes). */
static int cat_list(rt_ctx *c, rt_tensor **ts, int n, int64_t dim_in, rt_value *out)
{
    char b1[256];
    if (n == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "torch.cat(): expected a non-empty list of Tensors");
    /* legacy rule: 1-D empty tensors are skipped */
    rt_tensor *ref = NULL;
    rt_dtype dt = (rt_dtype)ts[0]->dtype;
    for (int i = 0; i < n; i++) {
        if (ts[i]->ndim == 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "zero-dimensional tensor (at position %d) cannot be concatenated", i);
        if (i)
            dt = rt_dtype_promote(dt, (rt_dtype)ts[i]->dtype);
        if (!ref && !(ts[i]->ndim == 1 && ts[i]->shape[0] == 0))
            ref = ts[i];
    }
    if (!ref) { /* all legacy-empty */
        int64_t z = 0;
        rt_tensor *r = rt_tensor_empty(dt, 1, &z, c->err);
        if (!r)
            return -1;
        rt_out_tensor(out, r);
        return 0;
    }
    int64_t dim;
    if (rt_arg_dim(c, dim_in, ref->ndim, &dim))
        return -1;
    int64_t shape[RT_MAX_DIMS];
    memcpy(shape, ref->shape, sizeof shape);
    shape[dim] = 0;
    for (int i = 0; i < n; i++) {
        rt_tensor *t = ts[i];
        if (t->ndim == 1 && t->shape[0] == 0)
            continue;
        if (t->ndim != ref->ndim)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Tensors must have same number of dimensions: got %d and %d",
                              ref->ndim, t->ndim);
        for (int d = 0; d < t->ndim; d++)
            if (d != dim && t->shape[d] != ref->shape[d])
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "Sizes of tensors must match except in dimension %lld. "
                                  "Expected size %lld but got size %lld for tensor number %d "
                                  "in the list.",
                                  (long long)dim, (long long)ref->shape[d],
                                  (long long)t->shape[d], i);
        shape[dim] += t->shape[dim];
    }
    (void)b1;
    rt_tensor *r = rt_tensor_empty(dt, ref->ndim, shape, c->err);
    if (!r)
        return -1;
    int64_t pos = 0;
    for (int i = 0; i < n; i++) {
        rt_tensor *t = ts[i];
        if ((t->ndim == 1 && t->shape[0] == 0) || t->shape[dim] == 0)
            continue;
        /* a view of r for this piece */
        rt_tensor *dst = rt_tensor_view(r->storage, dt, r->ndim, t->shape, r->strides,
                                        pos * r->strides[dim], c->err);
        if (!dst || rt_tensor_copy_into(dst, t, c->err)) {
            rt_tensor_release(dst);
            rt_tensor_release(r);
            return -1;
        }
        rt_tensor_release(dst);
        pos += t->shape[dim];
    }
    rt_out_tensor(out, r);
    return 0;
}

int k_cat(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_list *l;
    int64_t dim;
    if (rt_arg_tensorlist(c, in[0], "tensors", &l) || rt_arg_int(c, in[1], "dim", &dim))
        return -1;
    rt_tensor **ts = malloc(sizeof *ts * (l->len ? l->len : 1));
    if (!ts)
        return rt_err_nomem(c->err);
    for (size_t i = 0; i < l->len; i++)
        ts[i] = l->items[i].u.tensor;
    int rc = cat_list(c, ts, (int)l->len, dim, out);
    free(ts);
    return rc;
}

int k_stack(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_list *l;
    int64_t dim, d;
    char b1[256], b2[256];
    if (rt_arg_tensorlist(c, in[0], "tensors", &l) || rt_arg_int(c, in[1], "dim", &dim))
        return -1;
    if (l->len == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "stack expects a non-empty TensorList");
    rt_tensor *t0 = l->items[0].u.tensor;
    if (wrap_insert_dim(c, dim, t0->ndim, &d))
        return -1;
    if (t0->ndim >= RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "tensors may have at most %d dimensions",
                          RT_MAX_DIMS);
    for (size_t i = 1; i < l->len; i++) {
        rt_tensor *t = l->items[i].u.tensor;
        bool same = t->ndim == t0->ndim;
        for (int k = 0; same && k < t->ndim; k++)
            same = t->shape[k] == t0->shape[k];
        if (!same)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "stack expects each tensor to be equal size, but got %s at entry "
                              "0 and %s at entry %zu",
                              rt_shape_str(t0->ndim, t0->shape, b1, sizeof b1),
                              rt_shape_str(t->ndim, t->shape, b2, sizeof b2), i);
    }
    /* unsqueezed views, then cat */
    size_t n = l->len;
    rt_tensor **ts = calloc(n, sizeof *ts);
    if (!ts)
        return rt_err_nomem(c->err);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rt_value v;
        rt_value arg[2] = {l->items[i], rt_int(d)};
        rc = k_unsqueeze(c, arg, 2, &v, 1);
        if (!rc)
            ts[i] = v.u.tensor;
    }
    if (!rc)
        rc = cat_list(c, ts, (int)n, d, out);
    for (size_t i = 0; i < n; i++)
        rt_tensor_release(ts[i]);
    free(ts);
    return rc;
}

/* ---- narrow, split, chunk, unbind ---- */

/* A view of t restricted to [start, start+len) along dim (all checked). */
static rt_tensor *narrow_view(rt_ctx *c, rt_tensor *t, int64_t dim, int64_t start, int64_t len)
{
    int64_t shape[RT_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    shape[dim] = len;
    return rt_tensor_view(t->storage, (rt_dtype)t->dtype, t->ndim, shape, t->strides,
                          t->offset + (len ? start * t->strides[dim] : 0), c->err);
}

static int narrow(rt_ctx *c, rt_tensor *t, int64_t dim_in, int64_t start, int64_t len,
                  rt_value *out)
{
    int64_t dim;
    if (t->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "narrow() cannot be applied to a 0-dim tensor.");
    if (rt_arg_dim(c, dim_in, t->ndim, &dim))
        return -1;
    int64_t size = t->shape[dim];
    if (start < -size || start > size)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "Dimension out of range (expected to be in range of [%lld, %lld], but "
                          "got %lld)",
                          (long long)-size, (long long)(size - 1), (long long)start);
    if (start < 0)
        start += size;
    if (len < 0 || start > size - len)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "start (%lld) + length (%lld) exceeds dimension size (%lld).",
                          (long long)start, (long long)len, (long long)size);
    rt_tensor *v = narrow_view(c, t, dim, start, len);
    if (!v)
        return -1;
    rt_out_tensor(out, v);
    return 0;
}

int k_narrow(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dim, start, len;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_int(c, in[2], "start", &start) || rt_arg_int(c, in[3], "length", &len))
        return -1;
    return narrow(c, t, dim, start, len, out);
}

int k_narrow_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t, *st;
    int64_t dim, len;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_tensor(c, in[2], "start", &st) || rt_arg_int(c, in[3], "length", &len))
        return -1;
    if (rt_tensor_numel(st) != 1 || rt_dtype_is_float((rt_dtype)st->dtype) ||
        st->dtype == RT_BOOL_)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "start must be an 0-dim integral Tensor.");
    int64_t start = rt_load_i64(rt_tensor_data(st), (rt_dtype)st->dtype);
    return narrow(c, t, dim, start, len, out);
}

/* Splits along dim into pieces of the given sizes (checked), as a list. */
static int split_sizes(rt_ctx *c, rt_tensor *t, int64_t dim, int n, const int64_t *sizes,
                       rt_value *out)
{
    if (rt_list_new(RT_LIST, (size_t)n, out, c->err))
        return -1;
    int64_t pos = 0;
    for (int i = 0; i < n; i++) {
        rt_tensor *v = narrow_view(c, t, dim, pos, sizes[i]);
        if (!v) {
            rt_value_clear(out);
            return -1;
        }
        rt_value vv = rt_tensor_value(v);
        int rc = rt_list_append(out->u.list, vv, c->err);
        rt_tensor_release(v);
        if (rc) {
            rt_value_clear(out);
            return -1;
        }
        pos += sizes[i];
    }
    return 0;
}

static int split_dim(rt_ctx *c, rt_tensor *t, int64_t dim_in, int64_t *dim)
{
    if (t->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "Dimension specified as %lld but tensor has no dimensions",
                          (long long)dim_in);
    return rt_arg_dim(c, dim_in, t->ndim, dim);
}

static int split_by(rt_ctx *c, rt_tensor *t, int64_t split, int64_t dim, rt_value *out)
{
    int64_t size = t->shape[dim];
    if (split < 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "split expects split_size be non-negative, but got split_size=%lld",
                          (long long)split);
    if (split == 0 && size != 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "split_size can only be 0 if dimension size is 0, but got dimension "
                          "size of %lld",
                          (long long)size);
    int64_t nsplit = split ? (size + split - 1) / split : 1;
    if (nsplit < 1)
        nsplit = 1;
    int64_t *sizes = malloc(sizeof *sizes * (size_t)nsplit);
    if (!sizes)
        return rt_err_nomem(c->err);
    for (int64_t i = 0; i < nsplit; i++)
        sizes[i] = split;
    sizes[nsplit - 1] = split - (split * nsplit - size);
    int rc = split_sizes(c, t, dim, (int)nsplit, sizes, out);
    free(sizes);
    return rc;
}

int k_split_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t split, dim_in, dim;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "split_size", &split) ||
        rt_arg_int(c, in[2], "dim", &dim_in) || split_dim(c, t, dim_in, &dim))
        return -1;
    return split_by(c, t, split, dim, out);
}

static int split_with_sizes(rt_ctx *c, const rt_value *in, rt_value *out)
{
    rt_tensor *t;
    int64_t dim_in, dim;
    char buf[512];
    if (get_self(c, in, &t) || rt_arg_int(c, in[2], "dim", &dim_in) ||
        split_dim(c, t, dim_in, &dim))
        return -1;
    if (in[1].kind != RT_LIST && in[1].kind != RT_TUPLE) {
        int64_t dummy[1];
        int nd;
        return rt_arg_intlist(c, in[1], "split_sizes", dummy, 0, 0, &nd);
    }
    size_t n = in[1].u.list->len;
    int64_t *sizes = malloc(sizeof *sizes * (n ? n : 1));
    if (!sizes)
        return rt_err_nomem(c->err);
    int64_t sum = 0;
    bool neg = false;
    for (size_t i = 0; i < n; i++) {
        if (rt_arg_int(c, in[1].u.list->items[i], "split_sizes", &sizes[i])) {
            free(sizes);
            return -1;
        }
        neg |= sizes[i] < 0;
        sum += sizes[i];
    }
    int rc;
    if (neg)
        rc = rt_err_set(c->err, TSJ_ERR_SHAPE,
                        "split_with_sizes expects split_sizes have only non-negative entries, "
                        "but got split_sizes=%s",
                        list_str((int)(n < 64 ? n : 64), sizes, buf, sizeof buf));
    else if (sum != t->shape[dim])
        rc = rt_err_set(c->err, TSJ_ERR_SHAPE,
                        "split_with_sizes expects split_sizes to sum exactly to %lld (input "
                        "tensor's size at dimension %lld), but got split_sizes=%s",
                        (long long)t->shape[dim], (long long)dim,
                        list_str((int)(n < 64 ? n : 64), sizes, buf, sizeof buf));
    else
        rc = split_sizes(c, t, dim, (int)n, sizes, out);
    free(sizes);
    return rc;
}

int k_split_sizes(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return split_with_sizes(c, in, out);
}

int k_split(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return split_with_sizes(c, in, out);
}

int k_split_with_sizes(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return split_with_sizes(c, in, out);
}

int k_chunk(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t chunks, dim_in, dim;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "chunks", &chunks))
        return -1;
    if (chunks <= 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "chunk expects `chunks` to be greater than 0, got: %lld",
                          (long long)chunks);
    if (rt_arg_int(c, in[2], "dim", &dim_in) || split_dim(c, t, dim_in, &dim))
        return -1;
    int64_t size = t->shape[dim];
    int64_t split = size / chunks + (size % chunks != 0);
    if (split == 0 && size == 0) {
        if (chunks > 1 << 20)
            return rt_err_set(c->err, TSJ_ERR_LIMIT, "too many chunks");
        int64_t *sizes = calloc((size_t)chunks, sizeof *sizes);
        if (!sizes)
            return rt_err_nomem(c->err);
        int rc = split_sizes(c, t, dim, (int)chunks, sizes, out);
        free(sizes);
        return rc;
    }
    return split_by(c, t, split, dim, out);
}

int k_unbind_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dim_in, dim;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim_in) ||
        split_dim(c, t, dim_in, &dim))
        return -1;
    int64_t n = t->shape[dim];
    if (rt_list_new(RT_LIST, (size_t)n, out, c->err))
        return -1;
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != dim) {
            shape[nd] = t->shape[i];
            strides[nd++] = t->strides[i];
        }
    for (int64_t i = 0; i < n; i++) {
        rt_tensor *v = rt_tensor_view(t->storage, (rt_dtype)t->dtype, nd, shape, strides,
                                      t->offset + i * t->strides[dim], c->err);
        if (!v || rt_list_append(out->u.list, rt_tensor_value(v), c->err)) {
            rt_tensor_release(v);
            rt_value_clear(out);
            return -1;
        }
        rt_tensor_release(v);
    }
    return 0;
}
