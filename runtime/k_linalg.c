/*
 * k_linalg.c — matrix products: mm, addmm, bmm, baddbmm, matmul, linear,
 * dot, mv.
 *
 * Every product funnels into gemm_batched(): float32/float64 go to
 * OpenBLAS through rt_gemm (strided views, no copies when BLAS can address
 * them); integer dtypes use an exact int64 loop (PyTorch allows integer
 * mm on CPU). Bool and half types are refused as PyTorch does on CPU.
 * Batch dims broadcast like torch.matmul; when the right operand has no
 * batch dims and the left one's batch and row dims collapse into one
 * stride, the whole product is a single GEMM.
 */
#include <cblas.h>
#include <string.h>

#include "rt_broadcast.h"
#include "rt_gemm.h"
#include "rt_kernels.h"

/* ---- checks ---- */

static int check_same_dtype(rt_ctx *c, const rt_tensor *a, const rt_tensor *b)
{
    if (a->dtype == b->dtype)
        return 0;
    return rt_err_set(c->err, TSJ_ERR_TYPE, "expected scalar type %s but found %s",
                      rt_gemm_type_name((rt_dtype)a->dtype),
                      rt_gemm_type_name((rt_dtype)b->dtype));
}

static int check_mm_dtype(rt_ctx *c, rt_dtype d)
{
    if (d == RT_F32 || d == RT_F64 || !(rt_dtype_is_float(d) || d == RT_BOOL_))
        return 0;
    return rt_err_set(c->err, TSJ_ERR_TYPE, "\"addmm_impl_cpu_\" not implemented for '%s'",
                      rt_gemm_type_name(d));
}

static int mm_shape_error(rt_ctx *c, int64_t m, int64_t k1, int64_t k2, int64_t n)
{
    return rt_err_set(c->err, TSJ_ERR_SHAPE,
                      "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                      (long long)m, (long long)k1, (long long)k2, (long long)n);
}

static int matrix_error(rt_ctx *c, const char *name, const rt_tensor *t)
{
    return rt_err_set(c->err, TSJ_ERR_SHAPE, "%s must be a matrix, got %d-D tensor", name,
                      t->ndim);
}

/* ---- products ---- */

/* One product C = alpha * A·B + beta * C on strided views (elements). */
static int gemm_any(rt_ctx *c, rt_dtype d, int64_t m, int64_t n, int64_t k, double alpha,
                    const void *a, int64_t ars, int64_t acs, const void *b, int64_t brs,
                    int64_t bcs, double beta, void *cp, int64_t crs, int64_t ccs)
{
    if (d == RT_F32)
        return rt_sgemm(false, false, m, n, k, (float)alpha, a, ars, acs, b, brs, bcs,
                        (float)beta, cp, crs, ccs, c->err);
    if (d == RT_F64)
        return rt_dgemm(false, false, m, n, k, alpha, a, ars, acs, b, brs, bcs, beta, cp, crs,
                        ccs, c->err);
    /* Integers: wrap-around int64 arithmetic, as PyTorch's CPU loop. */
    int64_t es = (int64_t)rt_dtype_size(d);
    uint64_t ia = (uint64_t)(int64_t)alpha, ib = (uint64_t)(int64_t)beta;
    const char *pa = a, *pb = b;
    char *pc = cp;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            uint64_t acc = 0;
            for (int64_t l = 0; l < k; l++)
                acc += (uint64_t)rt_load_i64(pa + (i * ars + l * acs) * es, d) *
                       (uint64_t)rt_load_i64(pb + (l * brs + j * bcs) * es, d);
            char *q = pc + (i * crs + j * ccs) * es;
            uint64_t v = ia * acc;
            if (ib)
                v += ib * (uint64_t)rt_load_i64(q, d);
            rt_store_i64(q, d, (int64_t)v);
        }
    return 0;
}

/* A batch of matrices: matrix t of the batch starts at p + sum(idx * bst). */
typedef struct bmat {
    const char *p;
    int64_t rs, cs;
    int64_t bst[RT_MAX_DIMS];
} bmat;

static int gemm_batched(rt_ctx *c, rt_dtype d, int nbd, const int64_t *bshape, int64_t m,
                        int64_t n, int64_t k, double alpha, const bmat *A, const bmat *B,
                        double beta, const bmat *C)
{
    int64_t nbat = 1, es = (int64_t)rt_dtype_size(d);
    for (int q = 0; q < nbd; q++)
        nbat *= bshape[q];
    int64_t idx[RT_MAX_DIMS] = {0}, oa = 0, ob = 0, oc = 0;
    for (int64_t t = 0; t < nbat; t++) {
        if (gemm_any(c, d, m, n, k, alpha, A->p + oa * es, A->rs, A->cs, B->p + ob * es, B->rs,
                     B->cs, beta, (char *)C->p + oc * es, C->rs, C->cs))
            return -1;
        for (int q = nbd - 1; q >= 0; q--) {
            oa += A->bst[q];
            ob += B->bst[q];
            oc += C->bst[q];
            if (++idx[q] < bshape[q])
                break;
            oa -= A->bst[q] * bshape[q];
            ob -= B->bst[q] * bshape[q];
            oc -= C->bst[q] * bshape[q];
            idx[q] = 0;
        }
    }
    return 0;
}

/* Whether dims [0, nd) of t merge into one dim; *stride gets its stride. */
static bool collapse_dims(const rt_tensor *t, int nd, int64_t *stride)
{
    int64_t s = 0, size = 1;
    bool have = false;
    for (int d = nd - 1; d >= 0; d--) {
        if (t->shape[d] == 1)
            continue;
        if (!have) {
            s = t->strides[d];
            have = true;
        } else if (t->strides[d] != s * size) {
            return false;
        }
        size *= t->shape[d];
    }
    *stride = have ? s : 1;
    return true;
}

/* PyTorch's expand check, which reports the last mismatching dim first. */
static int expand_check(rt_ctx *c, const rt_tensor *src, int ndim, const int64_t *shape)
{
    int lead = ndim - src->ndim;
    for (int i = ndim - 1; i >= lead && i >= 0; i--) {
        int64_t s = src->shape[i - lead];
        if (s != shape[i] && s != 1) {
            char want[160], have[160];
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "The expanded size of the tensor (%lld) must match the existing "
                              "size (%lld) at non-singleton dimension %d.  Target sizes: %s.  "
                              "Tensor sizes: %s",
                              (long long)shape[i], (long long)s, i,
                              rt_shape_str(ndim, shape, want, sizeof want),
                              rt_shape_str(src->ndim, src->shape, have, sizeof have));
        }
    }
    return 0;
}

/* Fills out (contiguous) with src broadcast to out's shape. */
static int fill_broadcast(rt_ctx *c, rt_tensor *out, rt_tensor *src)
{
    int64_t st[RT_MAX_DIMS];
    if (expand_check(c, src, out->ndim, out->shape) ||
        rt_broadcast_strides(src, out->ndim, out->shape, st, c->err))
        return -1;
    int64_t n = out->ndim ? out->shape[out->ndim - 1] : 1, total = rt_tensor_numel(out);
    if (src->dtype == out->dtype && out->ndim >= 1 && n > 0 && rt_tensor_numel(src) == n &&
        (n == 1 || st[out->ndim - 1] == 1)) {
        /* a row vector repeated over every row */
        size_t es = rt_dtype_size((rt_dtype)out->dtype), row = (size_t)n * es;
        char *o = rt_tensor_data(out);
        const char *s = rt_tensor_data(src);
        for (int64_t r = 0; r < total / n; r++)
            memcpy(o + (size_t)r * row, s, row);
        return 0;
    }
    rt_tensor *v = rt_tensor_view(src->storage, (rt_dtype)src->dtype, out->ndim, out->shape, st,
                                  src->offset, c->err);
    if (!v)
        return -1;
    int rc = rt_tensor_copy_into(out, v, c->err);
    rt_tensor_release(v);
    return rc;
}

/* out[m, n] (new) = alpha * a · b (+ beta * self broadcast) for 2-D a, b. */
static int mm_common(rt_ctx *c, rt_tensor *self, rt_tensor *a, rt_tensor *b, double beta,
                     double alpha, rt_value *out)
{
    if (check_same_dtype(c, a, b) || (self && check_same_dtype(c, self, a)) ||
        check_mm_dtype(c, (rt_dtype)a->dtype))
        return -1;
    int64_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    if (b->shape[0] != k)
        return mm_shape_error(c, m, k, b->shape[0], n);
    int64_t shp[2] = {m, n};
    rt_tensor *o = rt_tensor_empty((rt_dtype)a->dtype, 2, shp, c->err);
    if (!o)
        return -1;
    if (self) {
        int64_t st[RT_MAX_DIMS];
        if (expand_check(c, self, 2, shp) || rt_broadcast_strides(self, 2, shp, st, c->err) ||
            (beta != 0 && fill_broadcast(c, o, self)))
            goto fail;
    }
    if (gemm_any(c, (rt_dtype)a->dtype, m, n, k, alpha, rt_tensor_data(a), a->strides[0],
                 a->strides[1], rt_tensor_data(b), b->strides[0], b->strides[1],
                 self ? beta : 0.0, rt_tensor_data(o), n, 1))
        goto fail;
    rt_out_tensor(out, o);
    return 0;
fail:
    rt_tensor_release(o);
    return -1;
}

int k_mm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *a, *b;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "mat2", &b))
        return -1;
    if (a->ndim != 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "self must be a matrix");
    if (b->ndim != 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "mat2 must be a matrix");
    return mm_common(c, NULL, a, b, 0, 1, out);
}

int k_addmm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *s, *a, *b;
    double beta, alpha;
    if (rt_arg_tensor(c, in[0], "self", &s) || rt_arg_tensor(c, in[1], "mat1", &a) ||
        rt_arg_tensor(c, in[2], "mat2", &b) || rt_arg_double(c, in[3], "beta", &beta) ||
        rt_arg_double(c, in[4], "alpha", &alpha))
        return -1;
    if (a->ndim != 2)
        return matrix_error(c, "mat1", a);
    if (b->ndim != 2)
        return matrix_error(c, "mat2", b);
    return mm_common(c, s, a, b, beta, alpha, out);
}

/* bmm / baddbmm: out[B, m, n] = alpha * a · b (+ beta * self). */
static int bmm_common(rt_ctx *c, rt_tensor *self, rt_tensor *a, rt_tensor *b, double beta,
                      double alpha, rt_value *out)
{
    if (a->ndim != 3)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "batch1 must be a 3D tensor");
    if (b->ndim != 3)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "batch2 must be a 3D tensor");
    int64_t nb = a->shape[0], m = a->shape[1], k = a->shape[2], n = b->shape[2];
    if (b->shape[0] != nb || b->shape[1] != k)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected size for first two dimensions of batch2 tensor to be: "
                          "[%lld, %lld] but got: [%lld, %lld].",
                          (long long)nb, (long long)k, (long long)b->shape[0],
                          (long long)b->shape[1]);
    if (check_same_dtype(c, a, b) || (self && check_same_dtype(c, self, a)) ||
        check_mm_dtype(c, (rt_dtype)a->dtype))
        return -1;
    int64_t shp[3] = {nb, m, n};
    rt_tensor *o = rt_tensor_empty((rt_dtype)a->dtype, 3, shp, c->err);
    if (!o)
        return -1;
    if (self) {
        int64_t st[RT_MAX_DIMS];
        if (expand_check(c, self, 3, shp) || rt_broadcast_strides(self, 3, shp, st, c->err) ||
            (beta != 0 && fill_broadcast(c, o, self)))
            goto fail;
    }
    bmat A = {rt_tensor_data(a), a->strides[1], a->strides[2], {a->strides[0]}};
    bmat B = {rt_tensor_data(b), b->strides[1], b->strides[2], {b->strides[0]}};
    bmat C = {rt_tensor_data(o), n, 1, {m * n}};
    if (gemm_batched(c, (rt_dtype)a->dtype, 1, &nb, m, n, k, alpha, &A, &B,
                     self ? beta : 0.0, &C))
        goto fail;
    rt_out_tensor(out, o);
    return 0;
fail:
    rt_tensor_release(o);
    return -1;
}

int k_bmm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *a, *b;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "mat2", &b))
        return -1;
    return bmm_common(c, NULL, a, b, 0, 1, out);
}

int k_baddbmm(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *s, *a, *b;
    double beta, alpha;
    if (rt_arg_tensor(c, in[0], "self", &s) || rt_arg_tensor(c, in[1], "batch1", &a) ||
        rt_arg_tensor(c, in[2], "batch2", &b) || rt_arg_double(c, in[3], "beta", &beta) ||
        rt_arg_double(c, in[4], "alpha", &alpha))
        return -1;
    return bmm_common(c, s, a, b, beta, alpha, out);
}

/* dot of two 1-D tensors into a new 0-dim tensor. */
static int dot_common(rt_ctx *c, rt_tensor *a, rt_tensor *b, rt_value *out)
{
    if (a->ndim != 1 || b->ndim != 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "1D tensors expected, but got %dD and %dD tensors",
                          a->ndim, b->ndim);
    if (a->dtype != b->dtype)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "dot : expected both vectors to have same dtype, but found %s and %s",
                          rt_gemm_type_name((rt_dtype)a->dtype),
                          rt_gemm_type_name((rt_dtype)b->dtype));
    if (a->shape[0] != b->shape[0])
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "inconsistent tensor size, expected tensor [%lld] and src [%lld] to "
                          "have the same number of elements, but got %lld and %lld elements "
                          "respectively",
                          (long long)a->shape[0], (long long)b->shape[0], (long long)a->shape[0],
                          (long long)b->shape[0]);
    if (check_mm_dtype(c, (rt_dtype)a->dtype))
        return -1;
    rt_tensor *o = rt_tensor_empty((rt_dtype)a->dtype, 0, NULL, c->err);
    if (!o)
        return -1;
    if (gemm_any(c, (rt_dtype)a->dtype, 1, 1, a->shape[0], 1, rt_tensor_data(a), 0,
                 a->strides[0], rt_tensor_data(b), b->strides[0], 0, 0, rt_tensor_data(o), 1,
                 1)) {
        rt_tensor_release(o);
        return -1;
    }
    rt_out_tensor(out, o);
    return 0;
}

int k_dot(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *a, *b;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "tensor", &b))
        return -1;
    return dot_common(c, a, b, out);
}

/* mv: out[m] = a[m, k] · v[k]. */
static int mv_common(rt_ctx *c, rt_tensor *a, rt_tensor *v, rt_value *out)
{
    if (a->ndim != 2 || v->ndim != 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "vector + matrix @ vector expected, got 1, %d, %d", a->ndim, v->ndim);
    int64_t m = a->shape[0], k = a->shape[1];
    if (v->shape[0] != k)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "size mismatch, got %lld, %lldx%lld,%lld",
                          (long long)m, (long long)m, (long long)k, (long long)v->shape[0]);
    if (check_same_dtype(c, a, v) || check_mm_dtype(c, (rt_dtype)a->dtype))
        return -1;
    rt_tensor *o = rt_tensor_empty((rt_dtype)a->dtype, 1, &m, c->err);
    if (!o)
        return -1;
    if (gemm_any(c, (rt_dtype)a->dtype, m, 1, k, 1, rt_tensor_data(a), a->strides[0],
                 a->strides[1], rt_tensor_data(v), v->strides[0], 0, 0, rt_tensor_data(o), 1,
                 1)) {
        rt_tensor_release(o);
        return -1;
    }
    rt_out_tensor(out, o);
    return 0;
}

int k_mv(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *a, *v;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "vec", &v))
        return -1;
    return mv_common(c, a, v, out);
}

/* torch.matmul for every rank combination (both >= 1-D). */
static int matmul_common(rt_ctx *c, rt_tensor *a, rt_tensor *b, rt_value *out)
{
    int na = a->ndim, nb = b->ndim;
    if (na == 0 || nb == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "both arguments to matmul need to be at least 1D, but they are %dD "
                          "and %dD",
                          na, nb);
    if (na == 1 && nb == 1)
        return dot_common(c, a, b, out);
    if (na == 2 && nb == 1)
        return mv_common(c, a, b, out);
    if (check_same_dtype(c, a, b) || check_mm_dtype(c, (rt_dtype)a->dtype))
        return -1;
    rt_dtype d = (rt_dtype)a->dtype;
    int64_t m = na >= 2 ? a->shape[na - 2] : 1, k = a->shape[na - 1];
    int64_t kb = nb >= 2 ? b->shape[nb - 2] : b->shape[0], n = nb >= 2 ? b->shape[nb - 1] : 1;
    bmat A = {rt_tensor_data(a), na >= 2 ? a->strides[na - 2] : 0, a->strides[na - 1], {0}};
    bmat B = {rt_tensor_data(b), nb >= 2 ? b->strides[nb - 2] : b->strides[0],
              nb >= 2 ? b->strides[nb - 1] : 0, {0}};
    /* broadcast batch dims (right-aligned) */
    int ba = na > 2 ? na - 2 : 0, bb = nb > 2 ? nb - 2 : 0, nbd = ba > bb ? ba : bb;
    int64_t bshape[RT_MAX_DIMS];
    for (int q = 0; q < nbd; q++) {
        int qa = q - (nbd - ba), qb = q - (nbd - bb);
        int64_t sa = qa >= 0 ? a->shape[qa] : 1, sb = qb >= 0 ? b->shape[qb] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "The size of tensor a (%lld) must match the size of tensor b "
                              "(%lld) at non-singleton dimension %d",
                              (long long)sa, (long long)sb, q);
        bshape[q] = sa == 1 ? sb : sa;
        A.bst[q] = qa >= 0 && sa != 1 ? a->strides[qa] : 0;
        B.bst[q] = qb >= 0 && sb != 1 ? b->strides[qb] : 0;
    }
    int64_t nbat = 1;
    for (int q = 0; q < nbd; q++)
        nbat *= bshape[q];
    if (k != kb) {
        if (bb == 0 && nb == 2)
            return mm_shape_error(c, nbat * m, k, kb, n);
        if (bb == 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, "size mismatch, got %lld, %lldx%lld,%lld",
                              (long long)(nbat * m), (long long)(nbat * m), (long long)k,
                              (long long)kb);
        if (ba == 0 && na == 2)
            return mm_shape_error(c, m, k, kb, n);
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Expected size for first two dimensions of batch2 tensor to be: "
                          "[%lld, %lld] but got: [%lld, %lld].",
                          (long long)nbat, (long long)k, (long long)nbat, (long long)kb);
    }
    int64_t oshape[RT_MAX_DIMS];
    int on = 0;
    for (int q = 0; q < nbd; q++)
        oshape[on++] = bshape[q];
    if (na >= 2)
        oshape[on++] = m;
    if (nb >= 2)
        oshape[on++] = n;
    rt_tensor *o = rt_tensor_empty(d, on, oshape, c->err);
    if (!o)
        return -1;
    bmat C = {rt_tensor_data(o), n, 1, {0}};
    int64_t cs = m * n;
    for (int q = nbd - 1; q >= 0; q--) {
        C.bst[q] = cs;
        cs *= bshape[q];
    }
    int rc;
    int64_t rs;
    if (bb == 0 && ba > 0 && collapse_dims(a, na - 1, &rs)) {
        /* one GEMM: the left operand's batch and row dims are one strided dim */
        A.rs = rs;
        rc = gemm_any(c, d, nbat * m, n, k, 1, A.p, A.rs, A.cs, B.p, B.rs, B.cs, 0,
                      (char *)C.p, n, 1);
    } else {
        rc = gemm_batched(c, d, nbd, bshape, m, n, k, 1, &A, &B, 0, &C);
    }
    if (rc) {
        rt_tensor_release(o);
        return -1;
    }
    rt_out_tensor(out, o);
    return 0;
}

int k_matmul(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *a, *b;
    if (rt_arg_tensor(c, in[0], "self", &a) || rt_arg_tensor(c, in[1], "other", &b))
        return -1;
    return matmul_common(c, a, b, out);
}

/* linear: out[..., N] = input[..., K] · weight[N, K]^T (+ bias). */
int k_linear(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *x, *w, *bias;
    if (rt_arg_tensor(c, in[0], "input", &x) || rt_arg_tensor(c, in[1], "weight", &w) ||
        rt_arg_opt_tensor(c, in[2], "bias", &bias))
        return -1;
    if (x->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "both arguments to matmul need to be at least 1D, but they are 0D "
                          "and %dD",
                          w->ndim);
    if (w->ndim != 2) {
        if (bias || w->ndim != 1)
            return matrix_error(c, "mat2", w);
        return matmul_common(c, x, w, out); /* 1-D weight: a dot product per row */
    }
    if (check_same_dtype(c, x, w) || (bias && check_same_dtype(c, x, bias)) ||
        check_mm_dtype(c, (rt_dtype)x->dtype))
        return -1;
    rt_dtype d = (rt_dtype)x->dtype;
    int64_t K = x->shape[x->ndim - 1], N = w->shape[0], M = 1;
    for (int q = 0; q < x->ndim - 1; q++)
        M *= x->shape[q];
    if (w->shape[1] != K)
        return mm_shape_error(c, M, K, w->shape[1], N);
    int64_t oshape[RT_MAX_DIMS];
    for (int q = 0; q < x->ndim - 1; q++)
        oshape[q] = x->shape[q];
    oshape[x->ndim - 1] = N;
    int64_t rs;
    rt_tensor *xc = NULL;
    if (!collapse_dims(x, x->ndim - 1, &rs)) {
        if (!(xc = rt_tensor_contiguous(x, c->err)))
            return -1;
        x = xc;
        rs = K;
    }
    rt_tensor *o = rt_tensor_empty(d, x->ndim, oshape, c->err);
    if (!o)
        goto fail;
    if (bias && fill_broadcast(c, o, bias))
        goto fail;
    if (gemm_any(c, d, M, N, K, 1, rt_tensor_data(x), rs, x->strides[x->ndim - 1],
                 rt_tensor_data(w), w->strides[1], w->strides[0], bias ? 1.0 : 0.0,
                 rt_tensor_data(o), N, 1))
        goto fail;
    rt_tensor_release(xc);
    rt_out_tensor(out, o);
    return 0;
fail:
    rt_tensor_release(o);
    rt_tensor_release(xc);
    return -1;
}
