/*
 * k_index.c — indexing ops: slice, select, diagonal (views); advanced
 * indexing (index, index_put_), index_select, gather, scatter,
 * masked_select; triu/tril, flip, roll; padding (pad, constant_pad_nd).
 *
 * Advanced indexing follows PyTorch: bool/byte masks become their nonzero
 * coordinates, index tensors broadcast together, and the broadcast block
 * sits where the indexed dims were when they are adjacent, else in front.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_broadcast.h"
#include "rt_kernels.h"

/* ---- helpers ---- */

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

/* Iterates a shape with up to 3 element-stride sets (C order). */
typedef struct mit {
    int nd;
    int64_t shape[RT_MAX_DIMS], idx[RT_MAX_DIMS];
    int64_t st[3][RT_MAX_DIMS];
    int64_t off[3];
} mit;

static void mit_init(mit *m, int nd, const int64_t *shape, const int64_t *s0, const int64_t *s1,
                     const int64_t *s2)
{
    m->nd = nd;
    m->off[0] = m->off[1] = m->off[2] = 0;
    for (int d = 0; d < nd; d++) {
        m->shape[d] = shape[d];
        m->idx[d] = 0;
        m->st[0][d] = s0 ? s0[d] : 0;
        m->st[1][d] = s1 ? s1[d] : 0;
        m->st[2][d] = s2 ? s2[d] : 0;
    }
}

static inline void mit_next(mit *m)
{
    for (int d = m->nd - 1; d >= 0; d--) {
        m->off[0] += m->st[0][d];
        m->off[1] += m->st[1][d];
        m->off[2] += m->st[2][d];
        if (++m->idx[d] < m->shape[d])
            return;
        m->off[0] -= m->st[0][d] * m->shape[d];
        m->off[1] -= m->st[1][d] * m->shape[d];
        m->off[2] -= m->st[2][d] * m->shape[d];
        m->idx[d] = 0;
    }
}

static inline char *elem(const rt_tensor *t, int64_t off)
{
    return (char *)rt_tensor_data(t) + off * (int64_t)rt_dtype_size((rt_dtype)t->dtype);
}

/* Writes a Scalar value into an element of dtype d. */
static void store_scalar(void *p, rt_dtype d, rt_value v)
{
    if (v.kind == RT_FLOAT)
        rt_store_f64(p, d, v.u.f);
    else if (v.kind == RT_BOOL)
        rt_store_i64(p, d, v.u.b);
    else
        rt_store_i64(p, d, v.u.i);
}

static int get_self(rt_ctx *c, const rt_value *in, rt_tensor **t)
{
    return rt_arg_tensor(c, in[0], "self", t);
}

/* ---- slice, select, diagonal ---- */

int k_slice_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dim_in, dim, start = 0, end = INT64_MAX, step;
    bool has_s, has_e;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim_in) ||
        rt_arg_opt_int(c, in[2], "start", &start, &has_s) ||
        rt_arg_opt_int(c, in[3], "end", &end, &has_e) || rt_arg_int(c, in[4], "step", &step))
        return -1;
    if (!has_s)
        start = 0;
    if (!has_e)
        end = INT64_MAX;
    if (t->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "slice() cannot be applied to a 0-dim tensor.");
    if (rt_arg_dim(c, dim_in, t->ndim, &dim))
        return -1;
    if (step <= 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "slice step must be positive");
    int64_t size = t->shape[dim];
    if (start < 0)
        start = start < -size ? 0 : start + size;
    if (end < 0)
        end = end < -size ? 0 : end + size;
    if (start >= size)
        start = size;
    if (end < start)
        end = start;
    else if (end >= size)
        end = size;
    int64_t len = end - start;
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    memcpy(strides, t->strides, sizeof strides);
    shape[dim] = len == 0 ? 0 : (len - 1) / step + 1;
    if (shape[dim] > 1)
        strides[dim] *= step;
    return out_view(c, t, t->ndim, shape, strides,
                    t->offset + (len ? start * t->strides[dim] : 0), out);
}

int k_select_int(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dim_in, dim, index;
    char buf[256];
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim_in) ||
        rt_arg_int(c, in[2], "index", &index))
        return -1;
    if (t->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "select() cannot be applied to a 0-dim tensor.");
    if (rt_arg_dim(c, dim_in, t->ndim, &dim))
        return -1;
    int64_t size = t->shape[dim];
    if (index < -size || index >= size)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "select(): index %lld out of range for tensor of size %s at dimension "
                          "%lld",
                          (long long)index, rt_shape_str(t->ndim, t->shape, buf, sizeof buf),
                          (long long)dim);
    if (index < 0)
        index += size;
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != dim) {
            shape[n] = t->shape[i];
            strides[n++] = t->strides[i];
        }
    return out_view(c, t, n, shape, strides, t->offset + index * t->strides[dim], out);
}

int k_diagonal(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t off, d1_in, d2_in, d1, d2;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "offset", &off) ||
        rt_arg_int(c, in[2], "dim1", &d1_in) || rt_arg_int(c, in[3], "dim2", &d2_in) ||
        rt_arg_dim(c, d1_in, t->ndim, &d1) || rt_arg_dim(c, d2_in, t->ndim, &d2))
        return -1;
    if (d1 == d2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "diagonal dimensions cannot be identical %lld, %lld",
                          (long long)d1_in, (long long)d2_in);
    int64_t offset = t->offset, len;
    if (off >= 0) {
        len = t->shape[d1] < t->shape[d2] - off ? t->shape[d1] : t->shape[d2] - off;
        if (len < 0)
            len = 0;
        if (len)
            offset += off * t->strides[d2];
    } else {
        len = t->shape[d1] + off < t->shape[d2] ? t->shape[d1] + off : t->shape[d2];
        if (len < 0)
            len = 0;
        if (len)
            offset -= off * t->strides[d1];
    }
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d1 && i != d2) {
            shape[n] = t->shape[i];
            strides[n++] = t->strides[i];
        }
    shape[n] = len;
    strides[n++] = t->strides[d1] + t->strides[d2];
    return out_view(c, t, n, shape, strides, offset, out);
}

/* ---- advanced indexing ---- */

/* Where the elements x[indices] live in x: output shape, per-output-dim
 * strides into x (0 on the broadcast block), the broadcast block's
 * position and per-position offsets into x. */
typedef struct iplan {
    const rt_tensor *self;
    int nd;
    int64_t shape[RT_MAX_DIMS];
    int64_t sst[RT_MAX_DIMS]; /* strides into self (0 on block dims) */
    int64_t bst[RT_MAX_DIMS]; /* strides into boff (0 on other dims)  */
    int64_t self_offset;      /* self's offset in its storage (elements) */
    int64_t *boff;            /* offsets relative to self_offset          */
} iplan;

static void iplan_free(iplan *p) { free(p->boff); }

/* Nonzero coordinates of a bool/byte mask: k new int64 tensors [nnz]. */
static int mask_nonzero(rt_ctx *c, const rt_tensor *m, rt_tensor **outs)
{
    int64_t n = rt_tensor_numel(m), nnz = 0;
    rt_iter it;
    rt_iter_init(&it, m->ndim, m->shape, m->strides);
    const uint8_t *p = rt_tensor_data(m);
    for (int64_t k = 0; k < n; k++) {
        nnz += p[it.off] != 0;
        rt_iter_next(&it);
    }
    for (int d = 0; d < m->ndim; d++) {
        outs[d] = rt_tensor_empty(RT_I64, 1, &nnz, c->err);
        if (!outs[d]) {
            for (int j = 0; j < d; j++)
                rt_tensor_release(outs[j]);
            return -1;
        }
    }
    rt_iter_init(&it, m->ndim, m->shape, m->strides);
    int64_t w = 0;
    for (int64_t k = 0; k < n; k++) {
        if (p[it.off]) {
            for (int d = 0; d < m->ndim; d++)
                ((int64_t *)rt_tensor_data(outs[d]))[w] = it.idx[d];
            w++;
        }
        rt_iter_next(&it);
    }
    return 0;
}

/* Builds the plan for self[indices] (indices: a list of Tensor or None).
 * A 0-dim bool index inserts a size-1 dim, as PyTorch does. */
static int iplan_build(rt_ctx *c, rt_tensor *self, rt_value ilist, iplan *p)
{
    memset(p, 0, sizeof *p);
    if (ilist.kind != RT_LIST && ilist.kind != RT_TUPLE)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected List[Optional[Tensor]] for indices");
    rt_list *l = ilist.u.list;
    /* working geometry of self (0-dim bool indices add dims) */
    int snd = 0;
    int64_t ssh[RT_MAX_DIMS], sst[RT_MAX_DIMS];
    rt_tensor *idx[RT_MAX_DIMS] = {0}; /* per working dim: index or NULL */
    rt_tensor *owned[RT_MAX_DIMS * 2] = {0};
    int nowned = 0, rc = -1;
    char buf[512];
    int consumed = 0;
    for (size_t i = 0; i < l->len; i++) {
        rt_value v = l->items[i];
        if (v.kind == RT_TENSOR) {
            rt_tensor *t = v.u.tensor;
            if (t->dtype == RT_BOOL_ || t->dtype == RT_U8)
                consumed += t->ndim;
            else
                consumed++;
        } else if (v.kind == RT_NONE) {
            consumed++;
        } else {
            return rt_err_set(c->err, TSJ_ERR_TYPE, "expected List[Optional[Tensor]] for indices");
        }
    }
    if (consumed > self->ndim)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "too many indices for tensor of dimension %d (got %d)", self->ndim,
                          consumed);
    int sd = 0; /* next dim of the real self */
    for (size_t i = 0; i < l->len; i++) {
        rt_value v = l->items[i];
        if (v.kind == RT_NONE) {
            ssh[snd] = self->shape[sd];
            sst[snd++] = self->strides[sd++];
            continue;
        }
        rt_tensor *t = v.u.tensor;
        if (t->dtype == RT_BOOL_ || t->dtype == RT_U8) {
            if (t->ndim == 0) {
                if (snd >= RT_MAX_DIMS) {
                    rt_err_set(c->err, TSJ_ERR_LIMIT, "too many dimensions");
                    goto done;
                }
                int64_t n1 = 1;
                rt_tensor *one = rt_tensor_empty(RT_BOOL_, 1, &n1, c->err);
                if (!one)
                    goto done;
                *(uint8_t *)rt_tensor_data(one) = *(uint8_t *)rt_tensor_data(t) != 0;
                rt_tensor *nz;
                int r = mask_nonzero(c, one, &nz);
                rt_tensor_release(one);
                if (r)
                    goto done;
                owned[nowned++] = nz;
                ssh[snd] = 1;
                sst[snd] = 0;
                idx[snd++] = nz;
                continue;
            }
            for (int k = 0; k < t->ndim; k++)
                if (t->shape[k] != self->shape[sd + k]) {
                    char b2[256];
                    rt_err_set(c->err, TSJ_ERR_INDEX,
                               "The shape of the mask %s at index %d does not match the shape "
                               "of the indexed tensor %s at index %d",
                               rt_shape_str(t->ndim, t->shape, buf, sizeof buf), k,
                               rt_shape_str(self->ndim, self->shape, b2, sizeof b2), sd + k);
                    goto done;
                }
            rt_tensor *nz[RT_MAX_DIMS];
            if (mask_nonzero(c, t, nz))
                goto done;
            for (int k = 0; k < t->ndim; k++) {
                owned[nowned++] = nz[k];
                ssh[snd] = self->shape[sd];
                sst[snd] = self->strides[sd++];
                idx[snd++] = nz[k];
            }
            continue;
        }
        if (t->dtype != RT_I64) {
            rt_err_set(c->err, TSJ_ERR_INDEX,
                       "tensors used as indices must be long, byte or bool tensors");
            goto done;
        }
        ssh[snd] = self->shape[sd];
        sst[snd] = self->strides[sd++];
        idx[snd++] = t;
    }
    while (sd < self->ndim) {
        ssh[snd] = self->shape[sd];
        sst[snd++] = self->strides[sd++];
    }
    /* broadcast the index tensors */
    rt_tensor *list[RT_MAX_DIMS];
    int nidx = 0, first = -1, last = -1;
    bool adjacent = true;
    for (int d = 0; d < snd; d++)
        if (idx[d]) {
            if (last >= 0 && d != last + 1)
                adjacent = false;
            if (first < 0)
                first = d;
            last = d;
            list[nidx++] = idx[d];
        }
    int bnd = 0;
    int64_t bsh[RT_MAX_DIMS] = {0};
    if (nidx && rt_broadcast_tensors_shape(nidx, list, &bnd, bsh, c->err)) {
        size_t n = (size_t)snprintf(buf, sizeof buf, "shape mismatch: indexing tensors could "
                                                     "not be broadcast together with shapes ");
        for (int k = 0; k < nidx && n < sizeof buf; k++) {
            char b[128];
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", k ? ", " : "",
                                  rt_shape_str(list[k]->ndim, list[k]->shape, b, sizeof b));
        }
        rt_err_set(c->err, TSJ_ERR_INDEX, "%s", buf);
        goto done;
    }
    int ond = snd - nidx + bnd;
    if (ond > RT_MAX_DIMS) {
        rt_err_set(c->err, TSJ_ERR_LIMIT, "indexing result has too many dimensions");
        goto done;
    }
    /* per-position offsets of the block */
    int64_t bnumel = rt_shape_numel(bnd, bsh, c->err);
    if (bnumel < 0)
        goto done;
    p->boff = calloc((size_t)(bnumel ? bnumel : 1), sizeof *p->boff);
    if (!p->boff) {
        rt_err_nomem(c->err);
        goto done;
    }
    int k = 0;
    for (int d = 0; d < snd; d++) {
        if (!idx[d])
            continue;
        int64_t ist[RT_MAX_DIMS];
        if (rt_broadcast_strides(idx[d], bnd, bsh, ist, c->err))
            goto done;
        rt_iter it;
        rt_iter_init(&it, bnd, bsh, ist);
        const int64_t *ip = rt_tensor_data(idx[d]);
        for (int64_t j = 0; j < bnumel; j++) {
            int64_t v = ip[it.off];
            if (v < -ssh[d] || v >= ssh[d]) {
                rt_err_set(c->err, TSJ_ERR_INDEX,
                           "index %lld is out of bounds for dimension %d with size %lld",
                           (long long)v, k, (long long)ssh[d]);
                goto done;
            }
            if (v < 0)
                v += ssh[d];
            p->boff[j] += v * sst[d];
            rt_iter_next(&it);
        }
        k++;
    }
    /* output geometry */
    int64_t bcs[RT_MAX_DIMS];
    rt_contiguous_strides(bnd, bsh, bcs);
    int o = 0;
    int bpos = adjacent && nidx ? first : 0;
    for (int d = 0; d <= snd; d++) {
        if (d == bpos)
            for (int j = 0; j < bnd; j++, o++) {
                p->shape[o] = bsh[j];
                p->sst[o] = 0;
                p->bst[o] = bcs[j];
            }
        if (d < snd && !idx[d]) {
            p->shape[o] = ssh[d];
            p->sst[o] = sst[d];
            p->bst[o++] = 0;
        }
    }
    p->nd = o;
    p->self = self;
    p->self_offset = self->offset;
    rc = 0;
done:
    for (int j = 0; j < nowned; j++)
        rt_tensor_release(owned[j]);
    if (rc)
        iplan_free(p);
    return rc;
}

static int index_tensor(rt_ctx *c, const rt_value *in, rt_value *out)
{
    rt_tensor *t;
    iplan p;
    if (get_self(c, in, &t) || iplan_build(c, t, in[1], &p))
        return -1;
    rt_tensor *r = rt_tensor_empty((rt_dtype)t->dtype, p.nd, p.shape, c->err);
    if (!r) {
        iplan_free(&p);
        return -1;
    }
    int64_t n = rt_tensor_numel(r);
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    const char *src = rt_tensor_data(t);
    char *dst = rt_tensor_data(r);
    mit m;
    mit_init(&m, p.nd, p.shape, p.sst, p.bst, NULL);
    if (es == 4) {
        for (int64_t k = 0; k < n; k++, mit_next(&m))
            memcpy(dst + k * 4, src + (m.off[0] + p.boff[m.off[1]]) * 4, 4);
    } else {
        for (int64_t k = 0; k < n; k++, mit_next(&m))
            memcpy(dst + k * (int64_t)es, src + (m.off[0] + p.boff[m.off[1]]) * (int64_t)es, es);
    }
    iplan_free(&p);
    rt_out_tensor(out, r);
    return 0;
}

int k_index_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return index_tensor(c, in, out);
}

int k_index_Tensor_hacked_twin(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return index_tensor(c, in, out);
}

/* Writes values into self[indices] (self modified in place). */
static int index_put_into(rt_ctx *c, rt_tensor *self, rt_value indices, rt_tensor *vals,
                          bool accumulate)
{
    char b1[256], b2[256];
    if (vals->dtype != self->dtype)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "Index put requires the source and destination dtypes match, got %s "
                          "for the destination and %s for the source.",
                          rt_dtype_aten_name((rt_dtype)self->dtype),
                          rt_dtype_aten_name((rt_dtype)vals->dtype));
    iplan p;
    if (iplan_build(c, self, indices, &p))
        return -1;
    int64_t vst[RT_MAX_DIMS];
    rt_err tmp;
    if (rt_broadcast_strides(vals, p.nd, p.shape, vst, &tmp)) {
        iplan_free(&p);
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "shape mismatch: value tensor of shape %s cannot be broadcast to "
                          "indexing result of shape %s",
                          rt_shape_str(vals->ndim, vals->shape, b1, sizeof b1),
                          rt_shape_str(p.nd, p.shape, b2, sizeof b2));
    }
    /* values sharing self's storage are read from a copy first */
    rt_tensor *v = vals;
    if (vals->storage == self->storage) {
        v = rt_tensor_clone(vals, c->err);
        if (!v) {
            iplan_free(&p);
            return -1;
        }
        rt_broadcast_strides(v, p.nd, p.shape, vst, &tmp);
    }
    int64_t n = rt_shape_numel(p.nd, p.shape, NULL);
    rt_dtype dt = (rt_dtype)self->dtype;
    size_t es = rt_dtype_size(dt);
    char *dst = rt_tensor_data(self);
    const char *src = rt_tensor_data(v);
    bool fl = rt_dtype_is_float(dt);
    mit m;
    mit_init(&m, p.nd, p.shape, p.sst, p.bst, vst);
    for (int64_t k = 0; k < n; k++, mit_next(&m)) {
        char *d = dst + (m.off[0] + p.boff[m.off[1]]) * (int64_t)es;
        const char *s = src + m.off[2] * (int64_t)es;
        if (!accumulate)
            memcpy(d, s, es);
        else if (dt == RT_BOOL_)
            *(uint8_t *)d = *(uint8_t *)d || *(const uint8_t *)s;
        else if (fl)
            rt_store_f64(d, dt, rt_load_f64(d, dt) + rt_load_f64(s, dt));
        else
            rt_store_i64(d, dt, (int64_t)((uint64_t)rt_load_i64(d, dt) + (uint64_t)rt_load_i64(s, dt)));
    }
    if (v != vals)
        rt_tensor_release(v);
    iplan_free(&p);
    return 0;
}

static int index_put(rt_ctx *c, const rt_value *in, bool inplace, rt_value *out)
{
    rt_tensor *t, *vals;
    bool acc;
    if (get_self(c, in, &t) || rt_arg_tensor(c, in[2], "values", &vals) ||
        rt_arg_bool(c, in[3], "accumulate", &acc))
        return -1;
    if (inplace) {
        if (index_put_into(c, t, in[1], vals, acc))
            return -1;
        *out = rt_value_retain(in[0]);
        return 0;
    }
    rt_tensor *r = rt_tensor_clone(t, c->err);
    if (!r)
        return -1;
    if (index_put_into(c, r, in[1], vals, acc)) {
        rt_tensor_release(r);
        return -1;
    }
    rt_out_tensor(out, r);
    return 0;
}

int k_index_put_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return index_put(c, in, true, out);
}

int k_index_put__hacked_twin(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return index_put(c, in, true, out);
}

int k_index_put(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return index_put(c, in, false, out);
}

int k_index_put_hacked_twin(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return index_put(c, in, false, out);
}

/* ---- index_select, gather, scatter ---- */

int k_index_select(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t, *ix;
    int64_t dim_in, dim;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim_in) ||
        rt_arg_tensor(c, in[2], "index", &ix) || rt_arg_dim(c, dim_in, t->ndim, &dim))
        return -1;
    if (ix->dtype != RT_I64 && ix->dtype != RT_I32)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "index_select(): Expected dtype int32 or int64 for index");
    if (ix->ndim > 1)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "index_select(): Index is supposed to be a vector");
    int64_t ni = rt_tensor_numel(ix);
    int64_t shape[RT_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    int nd = t->ndim;
    int64_t dimsz = nd ? t->shape[dim] : 1;
    if (nd)
        shape[dim] = ni;
    else if (ni != 1)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "index_select(): Index to scalar can have only 1 value, got %lld "
                          "value(s)",
                          (long long)ni);
    rt_tensor *src = rt_tensor_contiguous(t, c->err);
    if (!src)
        return -1;
    rt_tensor *r = rt_tensor_empty((rt_dtype)t->dtype, nd, shape, c->err);
    if (!r) {
        rt_tensor_release(src);
        return -1;
    }
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < dim; i++)
        outer *= t->shape[i];
    for (int i = (int)dim + 1; i < nd; i++)
        inner *= t->shape[i];
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    size_t blk = (size_t)inner * es;
    const char *sp = rt_tensor_data(src);
    char *dp = rt_tensor_data(r);
    const char *ip = rt_tensor_data(ix);
    int64_t ist = ix->ndim ? ix->strides[0] : 0;
    for (int64_t j = 0; j < ni; j++) {
        int64_t v = ix->dtype == RT_I64 ? ((const int64_t *)ip)[j * ist]
                                        : ((const int32_t *)ip)[j * ist];
        if (v < 0 || v >= dimsz) {
            rt_tensor_release(src);
            rt_tensor_release(r);
            return rt_err_set(c->err, TSJ_ERR_INDEX, "index out of range in self");
        }
        for (int64_t o = 0; o < outer; o++)
            memcpy(dp + (o * ni + j) * (int64_t)blk, sp + (o * dimsz + v) * (int64_t)blk, blk);
    }
    rt_tensor_release(src);
    rt_out_tensor(out, r);
    return 0;
}

int k_gather(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t, *ix;
    int64_t dim_in, dim;
    char b1[256], b2[256];
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim_in) ||
        rt_arg_tensor(c, in[2], "index", &ix) || rt_arg_dim(c, dim_in, t->ndim, &dim))
        return -1;
    if (ix->dtype != RT_I64)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "gather(): Expected dtype int64 for index");
    int snd = t->ndim ? t->ndim : 1, ind = ix->ndim ? ix->ndim : 1;
    if (snd != ind)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Index tensor must have the same number of dimensions as input tensor");
    int64_t ssh[RT_MAX_DIMS], sst[RT_MAX_DIMS], ish[RT_MAX_DIMS], ist[RT_MAX_DIMS];
    for (int d = 0; d < snd; d++) {
        ssh[d] = t->ndim ? t->shape[d] : 1;
        sst[d] = t->ndim ? t->strides[d] : 0;
        ish[d] = ix->ndim ? ix->shape[d] : 1;
        ist[d] = ix->ndim ? ix->strides[d] : 0;
    }
    int64_t n = rt_tensor_numel(ix);
    if (n > 0)
        for (int d = 0; d < snd; d++)
            if (d != dim && ish[d] > ssh[d])
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "Size does not match at dimension %d expected index %s to be "
                                  "smaller than self %s apart from dimension %lld",
                                  d, rt_shape_str(ix->ndim, ix->shape, b1, sizeof b1),
                                  rt_shape_str(t->ndim, t->shape, b2, sizeof b2),
                                  (long long)dim);
    rt_tensor *r = rt_tensor_empty((rt_dtype)t->dtype, ix->ndim, ix->shape, c->err);
    if (!r)
        return -1;
    int64_t sdim_st = sst[dim], dsz = ssh[dim];
    sst[dim] = 0;
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    const int64_t *ip = rt_tensor_data(ix);
    char *dp = rt_tensor_data(r);
    mit m;
    mit_init(&m, snd, ish, sst, ist, NULL);
    for (int64_t k = 0; k < n; k++, mit_next(&m)) {
        int64_t v = ip[m.off[1]];
        if (v < 0 || v >= dsz) {
            rt_tensor_release(r);
            return rt_err_set(c->err, TSJ_ERR_INDEX,
                              "index %lld is out of bounds for dimension %lld with size %lld",
                              (long long)v, (long long)dim, (long long)dsz);
        }
        memcpy(dp + k * (int64_t)es, elem(t, m.off[0] + v * sdim_st), es);
    }
    rt_out_tensor(out, r);
    return 0;
}

enum { RED_NONE, RED_ADD, RED_MUL };

/* scatter core: writes src (tensor) or value (scalar) into dst at index
 * along dim. */
static int scatter_into(rt_ctx *c, rt_tensor *dst, int64_t dim_in, rt_tensor *ix,
                        rt_tensor *src, rt_value value, int red)
{
    int64_t dim;
    char b1[256], b2[256], b3[256];
    if (rt_arg_dim(c, dim_in, dst->ndim, &dim))
        return -1;
    if (ix->dtype != RT_I64)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "scatter(): Expected dtype int64 for index");
    if (src && src->dtype != dst->dtype)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "scatter(): Expected self.dtype to be equal to src.dtype");
    int nd = dst->ndim ? dst->ndim : 1;
    if ((ix->ndim ? ix->ndim : 1) != nd)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Index tensor must have the same number of dimensions as self tensor");
    if (src && (src->ndim ? src->ndim : 1) != nd)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Index tensor must have the same number of dimensions as src tensor");
    int64_t dsh[RT_MAX_DIMS], dst_st[RT_MAX_DIMS], ish[RT_MAX_DIMS], ist[RT_MAX_DIMS],
        sst[RT_MAX_DIMS];
    for (int d = 0; d < nd; d++) {
        dsh[d] = dst->ndim ? dst->shape[d] : 1;
        dst_st[d] = dst->ndim ? dst->strides[d] : 0;
        ish[d] = ix->ndim ? ix->shape[d] : 1;
        ist[d] = ix->ndim ? ix->strides[d] : 0;
        sst[d] = src ? (src->ndim ? src->strides[d] : 0) : 0;
    }
    int64_t n = rt_tensor_numel(ix);
    if (n > 0)
        for (int d = 0; d < nd; d++) {
            bool bad_self = d != dim && ish[d] > dsh[d];
            bool bad_src = src && ish[d] > (src->ndim ? src->shape[d] : 1);
            if (bad_self || bad_src) {
                rt_shape_str(ix->ndim, ix->shape, b1, sizeof b1);
                rt_shape_str(dst->ndim, dst->shape, b2, sizeof b2);
                if (src)
                    return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                      "Expected index %s to be smaller than self %s apart from "
                                      "dimension %lld and to be smaller size than src %s",
                                      b1, b2, (long long)dim,
                                      rt_shape_str(src->ndim, src->shape, b3, sizeof b3));
                return rt_err_set(c->err, TSJ_ERR_SHAPE,
                                  "Expected index %s to be smaller than self %s apart from "
                                  "dimension %lld",
                                  b1, b2, (long long)dim);
            }
        }
    /* src sharing dst's storage is read from a copy */
    rt_tensor *s = src;
    if (src && src->storage == dst->storage) {
        if (!(s = rt_tensor_clone(src, c->err)))
            return -1;
        for (int d = 0; d < nd && s->ndim; d++)
            sst[d] = s->strides[d];
    }
    int64_t dim_st = dst_st[dim], dsz = dsh[dim];
    dst_st[dim] = 0;
    rt_dtype dt = (rt_dtype)dst->dtype;
    size_t es = rt_dtype_size(dt);
    bool fl = rt_dtype_is_float(dt);
    const int64_t *ip = rt_tensor_data(ix);
    /* the scalar value as an element of dt */
    char sval[8] = {0};
    if (!src)
        store_scalar(sval, dt, value);
    mit m;
    mit_init(&m, nd, ish, dst_st, ist, sst);
    int rc = 0;
    for (int64_t k = 0; k < n; k++, mit_next(&m)) {
        int64_t v = ip[m.off[1]];
        if (v < 0 || v >= dsz) {
            rc = rt_err_set(c->err, TSJ_ERR_INDEX,
                            "index %lld is out of bounds for dimension %lld with size %lld",
                            (long long)v, (long long)dim, (long long)dsz);
            break;
        }
        char *d = elem(dst, m.off[0] + v * dim_st);
        const char *sp = src ? elem(s, m.off[2]) : sval;
        if (red == RED_NONE)
            memcpy(d, sp, es);
        else if (fl)
            rt_store_f64(d, dt,
                         red == RED_ADD ? rt_load_f64(d, dt) + rt_load_f64(sp, dt)
                                        : rt_load_f64(d, dt) * rt_load_f64(sp, dt));
        else if (dt == RT_BOOL_)
            *(uint8_t *)d = red == RED_ADD ? (*d || *sp) : (*d && *sp);
        else {
            uint64_t a = (uint64_t)rt_load_i64(d, dt), b = (uint64_t)rt_load_i64(sp, dt);
            rt_store_i64(d, dt, (int64_t)(red == RED_ADD ? a + b : a * b));
        }
    }
    if (s != src)
        rt_tensor_release(s);
    return rc;
}

static int parse_reduce(rt_ctx *c, rt_value v, int *red)
{
    if (v.kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected str for argument 'reduce'");
    const char *s = rt_str_cstr(v);
    if (!strcmp(s, "add"))
        *red = RED_ADD;
    else if (!strcmp(s, "multiply"))
        *red = RED_MUL;
    else
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "reduce argument must be either add or multiply.");
    return 0;
}

/* All scatter overloads: src_is_tensor picks .src/.reduce vs .value forms;
 * has_reduce reads in[4]. */
static int scatter(rt_ctx *c, const rt_value *in, bool src_tensor, bool has_reduce, bool inplace,
                   rt_value *out)
{
    rt_tensor *t, *ix, *src = NULL;
    int64_t dim;
    int red = RED_NONE;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "dim", &dim) ||
        rt_arg_tensor(c, in[2], "index", &ix))
        return -1;
    if (src_tensor && rt_arg_tensor(c, in[3], "src", &src))
        return -1;
    if (!src_tensor && in[3].kind != RT_INT && in[3].kind != RT_FLOAT && in[3].kind != RT_BOOL)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected Scalar for argument 'value'");
    if (has_reduce && parse_reduce(c, in[4], &red))
        return -1;
    if (inplace) {
        if (scatter_into(c, t, dim, ix, src, in[3], red))
            return -1;
        *out = rt_value_retain(in[0]);
        return 0;
    }
    rt_tensor *r = rt_tensor_clone(t, c->err);
    if (!r)
        return -1;
    if (scatter_into(c, r, dim, ix, src, in[3], red)) {
        rt_tensor_release(r);
        return -1;
    }
    rt_out_tensor(out, r);
    return 0;
}

int k_scatter_src(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return scatter(c, in, true, false, false, out);
}

int k_scatter_value(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return scatter(c, in, false, false, false, out);
}

int k_scatter_reduce(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return scatter(c, in, true, true, false, out);
}

int k_scatter_value_reduce(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return scatter(c, in, false, true, false, out);
}

int k_scatter__src(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return scatter(c, in, true, false, true, out);
}

int k_scatter__value(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return scatter(c, in, false, false, true, out);
}

int k_scatter__reduce(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return scatter(c, in, true, true, true, out);
}

int k_scatter__value_reduce(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return scatter(c, in, false, true, true, out);
}

/* ---- masked_select ---- */

int k_masked_select(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t, *mask;
    if (get_self(c, in, &t) || rt_arg_tensor(c, in[1], "mask", &mask))
        return -1;
    if (mask->dtype != RT_BOOL_ && mask->dtype != RT_U8)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "masked_select: expected BoolTensor or ByteTensor for mask");
    int nd;
    int64_t shape[RT_MAX_DIMS], mst[RT_MAX_DIMS], sst[RT_MAX_DIMS];
    if (rt_broadcast_shape2(mask->ndim, mask->shape, t->ndim, t->shape, &nd, shape, c->err) ||
        rt_broadcast_strides(mask, nd, shape, mst, c->err) ||
        rt_broadcast_strides(t, nd, shape, sst, c->err))
        return -1;
    int64_t n = rt_shape_numel(nd, shape, c->err), cnt = 0;
    if (n < 0)
        return -1;
    const uint8_t *mp = rt_tensor_data(mask);
    rt_iter it;
    rt_iter_init(&it, nd, shape, mst);
    for (int64_t k = 0; k < n; k++, rt_iter_next(&it))
        cnt += mp[it.off] != 0;
    rt_tensor *r = rt_tensor_empty((rt_dtype)t->dtype, 1, &cnt, c->err);
    if (!r)
        return -1;
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    char *dp = rt_tensor_data(r);
    mit m;
    mit_init(&m, nd, shape, mst, sst, NULL);
    for (int64_t k = 0, w = 0; k < n; k++, mit_next(&m))
        if (mp[m.off[0]])
            memcpy(dp + (w++) * (int64_t)es, elem(t, m.off[1]), es);
    rt_out_tensor(out, r);
    return 0;
}

/* ---- triu, tril ---- */

static int tri(rt_ctx *c, const rt_value *in, bool upper, rt_value *out)
{
    rt_tensor *t;
    int64_t diag, tmp;
    if (get_self(c, in, &t) || rt_arg_int(c, in[1], "diagonal", &diag))
        return -1;
    if (t->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX,
                          "Dimension specified as -2 but tensor has no dimensions");
    if (t->ndim < 2)
        return rt_arg_dim(c, -2, t->ndim, &tmp);
    rt_tensor *r = rt_tensor_clone(t, c->err);
    if (!r)
        return -1;
    int64_t rows = t->shape[t->ndim - 2], cols = t->shape[t->ndim - 1];
    int64_t mat = rows * cols, n = rt_tensor_numel(r);
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    char *p = rt_tensor_data(r);
    for (int64_t b = 0; mat && b < n / mat; b++)
        for (int64_t i = 0; i < rows; i++)
            for (int64_t j = 0; j < cols; j++) {
                bool keep = upper ? j - i >= diag : j - i <= diag;
                if (!keep)
                    memset(p + (b * mat + i * cols + j) * (int64_t)es, 0, es);
            }
    rt_out_tensor(out, r);
    return 0;
}

int k_triu(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return tri(c, in, true, out);
}

int k_tril(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return tri(c, in, false, out);
}

/* ---- flip, roll ---- */

int k_flip(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t dims[RT_MAX_DIMS];
    int n;
    if (get_self(c, in, &t) || rt_arg_intlist(c, in[1], "dims", dims, RT_MAX_DIMS, 0, &n))
        return -1;
    bool flip[RT_MAX_DIMS] = {false};
    for (int i = 0; i < n; i++) {
        int64_t d;
        if (rt_arg_dim(c, dims[i], t->ndim, &d))
            return -1;
        if (flip[d])
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "dim %lld appears multiple times in the list of dims", (long long)d);
        flip[d] = true;
    }
    /* a negative-stride view of the input, copied out */
    int64_t strides[RT_MAX_DIMS], off = t->offset;
    for (int d = 0; d < t->ndim; d++) {
        strides[d] = t->strides[d];
        if (flip[d] && t->shape[d] > 0) {
            off += (t->shape[d] - 1) * t->strides[d];
            strides[d] = -t->strides[d];
        }
    }
    if (rt_tensor_numel(t) == 0)
        off = t->offset;
    rt_tensor *v =
        rt_tensor_view(t->storage, (rt_dtype)t->dtype, t->ndim, t->shape, strides, off, c->err);
    if (!v)
        return -1;
    rt_tensor *r = rt_tensor_clone(v, c->err);
    rt_tensor_release(v);
    if (!r)
        return -1;
    rt_out_tensor(out, r);
    return 0;
}

int k_roll(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t shifts[RT_MAX_DIMS], dims[RT_MAX_DIMS];
    int ns, nd;
    if (get_self(c, in, &t) || rt_arg_intlist(c, in[1], "shifts", shifts, RT_MAX_DIMS, 1, &ns) ||
        rt_arg_intlist(c, in[2], "dims", dims, RT_MAX_DIMS, 1, &nd))
        return -1;
    if (ns == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "`shifts` required");
    if (nd == 0 && ns != 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "shifts and dimensions must align. shifts: %d, dims:%d", ns, nd);
    if (nd != 0 && ns != nd)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "shifts and dimensions must align. shifts: %d, dims:%d", ns, nd);
    int64_t n = rt_tensor_numel(t);
    rt_tensor *r = rt_tensor_empty((rt_dtype)t->dtype, t->ndim, t->shape, c->err);
    if (!r)
        return -1;
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    char *dp = rt_tensor_data(r);
    if (nd == 0) { /* roll the flattened tensor */
        rt_iter it;
        rt_iter_init(&it, t->ndim, t->shape, t->strides);
        int64_t s = n ? ((shifts[0] % n) + n) % n : 0;
        for (int64_t k = 0; k < n; k++, rt_iter_next(&it))
            memcpy(dp + ((k + s) % n) * (int64_t)es, elem(t, it.off), es);
        rt_out_tensor(out, r);
        return 0;
    }
    int64_t sh[RT_MAX_DIMS] = {0};
    for (int i = 0; i < nd; i++) {
        int64_t d;
        if (rt_arg_dim(c, dims[i], t->ndim, &d)) {
            rt_tensor_release(r);
            return -1;
        }
        int64_t size = t->shape[d];
        if (size)
            sh[d] = (sh[d] + (shifts[i] % size) + size) % size;
    }
    int64_t rst[RT_MAX_DIMS];
    rt_contiguous_strides(t->ndim, t->shape, rst);
    rt_iter it;
    rt_iter_init(&it, t->ndim, t->shape, t->strides);
    for (int64_t k = 0; k < n; k++, rt_iter_next(&it)) {
        int64_t o = 0;
        for (int d = 0; d < t->ndim; d++)
            o += ((it.idx[d] + sh[d]) % t->shape[d]) * rst[d];
        memcpy(dp + o * (int64_t)es, elem(t, it.off), es);
    }
    rt_out_tensor(out, r);
    return 0;
}

/* ---- padding ---- */

/* narrow()'s checks with its messages. */
static int narrow_check(rt_ctx *c, int64_t size, int64_t start, int64_t len)
{
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
    return 0;
}

/* constant_pad_nd: pad pairs apply to the last dims, last dim first;
 * negative pads crop. */
static int constant_pad(rt_ctx *c, rt_tensor *t, int np, const int64_t *pad, rt_value fill,
                        rt_value *out)
{
    if (np % 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "Length of pad must be even but instead it "
                                                 "equals %d",
                          np);
    if (np / 2 > t->ndim)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Length of pad should be no more than twice the number of dimensions "
                          "of the input. Pad length is %d while the input has %d dimensions.",
                          np, t->ndim);
    /* negative pads narrow first (PyTorch's order and messages), then the
     * positive ones grow the result */
    int64_t vsh[RT_MAX_DIMS], shape[RT_MAX_DIMS], lo[RT_MAX_DIMS] = {0}, toff = t->offset;
    memcpy(vsh, t->shape, sizeof vsh);
    for (int d = t->ndim - np / 2; d < t->ndim; d++) {
        int j = t->ndim - 1 - d;
        int64_t pl = pad[2 * j], ph = pad[2 * j + 1];
        if (pl < 0) {
            if (narrow_check(c, vsh[d], -pl, vsh[d] + pl))
                return -1;
            if (vsh[d] + pl > 0)
                toff += -pl * t->strides[d];
            vsh[d] += pl;
        }
        if (ph < 0) {
            if (narrow_check(c, vsh[d], 0, vsh[d] + ph))
                return -1;
            vsh[d] += ph;
        }
        lo[d] = pl > 0 ? pl : 0;
    }
    for (int d = 0; d < t->ndim; d++) {
        shape[d] = vsh[d];
        if (d >= t->ndim - np / 2) {
            int j = t->ndim - 1 - d;
            shape[d] += (pad[2 * j] > 0 ? pad[2 * j] : 0) + (pad[2 * j + 1] > 0 ? pad[2 * j + 1] : 0);
        }
    }
    rt_tensor *r = rt_tensor_empty((rt_dtype)t->dtype, t->ndim, shape, c->err);
    if (!r)
        return -1;
    rt_dtype dt = (rt_dtype)t->dtype;
    int64_t n = rt_tensor_numel(r);
    size_t es = rt_dtype_size(dt);
    char fv[8] = {0};
    store_scalar(fv, dt, fill);
    char *p = rt_tensor_data(r);
    bool zero = true;
    for (size_t i = 0; i < es; i++)
        zero &= fv[i] == 0;
    if (zero)
        memset(p, 0, (size_t)n * es);
    else
        for (int64_t k = 0; k < n; k++)
            memcpy(p + k * (int64_t)es, fv, es);
    int64_t roff = 0;
    for (int d = 0; d < t->ndim; d++)
        roff += lo[d] * r->strides[d];
    if (rt_shape_numel(t->ndim, vsh, NULL) > 0) {
        rt_tensor *dv = rt_tensor_view(r->storage, dt, t->ndim, vsh, r->strides, roff, c->err);
        rt_tensor *sv = dv ? rt_tensor_view(t->storage, dt, t->ndim, vsh, t->strides, toff, c->err)
                           : NULL;
        int rc = sv ? rt_tensor_copy_into(dv, sv, c->err) : -1;
        rt_tensor_release(dv);
        rt_tensor_release(sv);
        if (rc) {
            rt_tensor_release(r);
            return -1;
        }
    }
    rt_out_tensor(out, r);
    return 0;
}

int k_constant_pad_nd(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t pad[2 * RT_MAX_DIMS + 2];
    int np;
    if (get_self(c, in, &t) ||
        rt_arg_intlist(c, in[1], "pad", pad, 2 * RT_MAX_DIMS + 2, 0, &np))
        return -1;
    return constant_pad(c, t, np, pad, in[2], out);
}

enum { PAD_REFLECT, PAD_REPLICATE, PAD_CIRCULAR };

/* Non-constant padding of the last np/2 dims. */
static int mode_pad(rt_ctx *c, rt_tensor *t, int np, const int64_t *pad, int mode, rt_value *out)
{
    char b1[256];
    int k = np / 2;
    if (!((k == 1 && (t->ndim == 2 || t->ndim == 3)) || (k == 2 && (t->ndim == 3 || t->ndim == 4)) ||
          (k == 3 && (t->ndim == 4 || t->ndim == 5))))
        return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED,
                          "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported "
                          "for now");
    int64_t shape[RT_MAX_DIMS], lo[RT_MAX_DIMS] = {0};
    memcpy(shape, t->shape, sizeof shape);
    for (int i = 0; i < k; i++) {
        int d = t->ndim - 1 - i;
        int64_t l = pad[2 * i], h = pad[2 * i + 1], sz = t->shape[d];
        if (mode == PAD_REFLECT && (l >= sz || h >= sz))
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Argument #4: Padding size should be less than the corresponding "
                              "input dimension, but got: padding (%lld, %lld) at dimension %d of "
                              "input %s",
                              (long long)l, (long long)h, d,
                              rt_shape_str(t->ndim, t->shape, b1, sizeof b1));
        if (mode == PAD_CIRCULAR && (l > sz || h > sz))
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Padding value causes wrapping around more than once.");
        if (sz == 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "Expected %dD or %dD (batch mode) tensor with possibly 0 batch "
                              "size and other non-zero dimensions for input, but got: %s",
                              k + 1, k + 2, rt_shape_str(t->ndim, t->shape, b1, sizeof b1));
        lo[d] = l;
        shape[d] = sz + l + h;
        if (shape[d] < 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "input (%s) is too small for the padding",
                              rt_shape_str(t->ndim, t->shape, b1, sizeof b1));
    }
    rt_tensor *r = rt_tensor_empty((rt_dtype)t->dtype, t->ndim, shape, c->err);
    if (!r)
        return -1;
    int64_t n = rt_tensor_numel(r);
    size_t es = rt_dtype_size((rt_dtype)t->dtype);
    char *dp = rt_tensor_data(r);
    rt_iter it;
    int64_t zero[RT_MAX_DIMS] = {0};
    rt_iter_init(&it, t->ndim, shape, zero);
    for (int64_t q = 0; q < n; q++, rt_iter_next(&it)) {
        int64_t off = 0;
        for (int d = 0; d < t->ndim; d++) {
            int64_t i = it.idx[d] - lo[d], sz = t->shape[d];
            if (i < 0 || i >= sz) {
                if (mode == PAD_REFLECT)
                    i = i < 0 ? -i : 2 * (sz - 1) - i;
                else if (mode == PAD_REPLICATE)
                    i = i < 0 ? 0 : sz - 1;
                else
                    i = ((i % sz) + sz) % sz;
            }
            off += i * t->strides[d];
        }
        memcpy(dp + q * (int64_t)es, elem(t, off), es);
    }
    rt_out_tensor(out, r);
    return 0;
}

int k_pad(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    int64_t pad[2 * RT_MAX_DIMS + 2];
    int np;
    if (get_self(c, in, &t) ||
        rt_arg_intlist(c, in[1], "pad", pad, 2 * RT_MAX_DIMS + 2, 0, &np))
        return -1;
    if (in[2].kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected str for argument 'mode'");
    const char *mode = rt_str_cstr(in[2]);
    bool has_value = in[3].kind != RT_NONE;
    double value = 0;
    if (has_value && rt_arg_double(c, in[3], "value", &value))
        return -1;
    if (np % 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "Padding length must be divisible by 2");
    if (np / 2 > t->ndim)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "Padding length too large");
    int m;
    if (!strcmp(mode, "constant"))
        return constant_pad(c, t, np, pad, rt_float(value), out);
    else if (!strcmp(mode, "reflect"))
        m = PAD_REFLECT;
    else if (!strcmp(mode, "replicate"))
        m = PAD_REPLICATE;
    else if (!strcmp(mode, "circular"))
        m = PAD_CIRCULAR;
    else
        return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED, "Unrecognised padding mode %s", mode);
    if (has_value && value != 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Padding mode \"%s\" doesn't take in value argument", mode);
    return mode_pad(c, t, np, pad, m, out);
}
