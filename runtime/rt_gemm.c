/*
 * rt_gemm.c — strided float32/float64 GEMM on OpenBLAS (see rt_gemm.h).
 *
 * Each operand is first reduced to its logical (op-applied) view: a
 * pointer with row and column strides. A view BLAS can address directly
 * (row-major or column-major with a valid leading dimension) is passed as
 * is; anything else is packed. When C is column-major the whole product is
 * transposed (C^T = B^T A^T) so that C is always row-major for BLAS.
 * Vector-shaped products (m == 1 or n == 1) use gemv.
 */
#include "rt_gemm.h"

#include <cblas.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A logical matrix: element (i, j) at p[i * rs + j * cs]. */
typedef struct gview {
    const void *p;
    int64_t rows, cols, rs, cs;
} gview;

/* How BLAS can read a rows x cols view: 0 row-major, 1 column-major
 * (i.e. a transposed row-major matrix), -1 neither; *ld gets the leading
 * dimension. */
static int blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, int64_t *ld)
{
    int64_t rmin = cols > 1 ? cols : 1, cmin = rows > 1 ? rows : 1;
    if (cols == 1 || cs == 1) {
        int64_t l = rows == 1 ? rmin : rs;
        if (l >= rmin && l <= INT_MAX) {
            *ld = l;
            return 0;
        }
    }
    if (rows == 1 || rs == 1) {
        int64_t l = cols == 1 ? cmin : cs;
        if (l >= cmin && l <= INT_MAX) {
            *ld = l;
            return 1;
        }
    }
    return -1;
}

#define GEMM_IMPL(NAME, T, GEMM, GEMV)                                                          \
    /* Copies a strided view into a new contiguous row-major buffer. */                         \
    static T *NAME##_pack(const gview *v, rt_err *e)                                            \
    {                                                                                           \
        size_t nel = (size_t)(v->rows * v->cols);                                               \
        T *buf = malloc((nel ? nel : 1) * sizeof(T));                                           \
        if (!buf) {                                                                             \
            rt_err_nomem(e);                                                                    \
            return NULL;                                                                        \
        }                                                                                       \
        const T *p = v->p;                                                                      \
        for (int64_t i = 0; i < v->rows; i++)                                                   \
            for (int64_t j = 0; j < v->cols; j++)                                               \
                buf[i * v->cols + j] = p[i * v->rs + j * v->cs];                                \
        return buf;                                                                             \
    }                                                                                           \
                                                                                                \
    /* C (row-major, ldc) = alpha * A · B + beta * C for logical views A, B. */                 \
    static int NAME##_rowc(gview A, gview B, T alpha, T beta, T *c, int64_t ldc, rt_err *e)     \
    {                                                                                           \
        int64_t m = A.rows, k = A.cols, n = B.cols, lda = 0, ldb = 0;                           \
        T *pa = NULL, *pb = NULL;                                                               \
        int la = blas_layout(A.rows, A.cols, A.rs, A.cs, &lda);                                 \
        if (la < 0) {                                                                           \
            if (!(pa = NAME##_pack(&A, e)))                                                     \
                return -1;                                                                      \
            A.p = pa;                                                                           \
            la = 0;                                                                             \
            lda = k > 1 ? k : 1;                                                                \
        }                                                                                       \
        int lb = blas_layout(B.rows, B.cols, B.rs, B.cs, &ldb);                                 \
        if (lb < 0) {                                                                           \
            if (!(pb = NAME##_pack(&B, e))) {                                                   \
                free(pa);                                                                       \
                return -1;                                                                      \
            }                                                                                   \
            B.p = pb;                                                                           \
            lb = 0;                                                                             \
            ldb = n > 1 ? n : 1;                                                                \
        }                                                                                       \
        const T *a = A.p, *b = B.p;                                                             \
        if (m == 1) {                                                                           \
            /* c[0, :] = alpha * B^T a[0, :] + beta * c[0, :] */                               \
            int incx = la == 0 ? 1 : (int)lda;                                                  \
            if (lb == 0)                                                                        \
                GEMV(CblasRowMajor, CblasTrans, (int)k, (int)n, alpha, b, (int)ldb, a, incx,    \
                     beta, c, 1);                                                               \
            else                                                                                \
                GEMV(CblasRowMajor, CblasNoTrans, (int)n, (int)k, alpha, b, (int)ldb, a, incx,  \
                     beta, c, 1);                                                               \
        } else if (n == 1) {                                                                    \
            /* c[:, 0] = alpha * A b[:, 0] + beta * c[:, 0] */                                 \
            int incx = lb == 0 ? (int)ldb : 1;                                                  \
            if (la == 0)                                                                        \
                GEMV(CblasRowMajor, CblasNoTrans, (int)m, (int)k, alpha, a, (int)lda, b, incx,  \
                     beta, c, (int)ldc);                                                        \
            else                                                                                \
                GEMV(CblasRowMajor, CblasTrans, (int)k, (int)m, alpha, a, (int)lda, b, incx,    \
                     beta, c, (int)ldc);                                                        \
        } else {                                                                                \
            GEMM(CblasRowMajor, la ? CblasTrans : CblasNoTrans, lb ? CblasTrans : CblasNoTrans, \
                 (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);   \
        }                                                                                       \
        free(pa);                                                                               \
        free(pb);                                                                               \
        return 0;                                                                               \
    }                                                                                           \
                                                                                                \
    int NAME(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T *a,  \
             int64_t a_rs, int64_t a_cs, const T *b, int64_t b_rs, int64_t b_cs, T beta, T *c,  \
             int64_t c_rs, int64_t c_cs, rt_err *e)                                             \
    {                                                                                           \
        if (m < 0 || n < 0 || k < 0)                                                            \
            return rt_err_set(e, TSJ_ERR_SHAPE, "negative GEMM dimension");                     \
        if (m == 0 || n == 0)                                                                   \
            return 0;                                                                           \
        if (m > INT_MAX || n > INT_MAX || k > INT_MAX)                                          \
            return rt_err_set(e, TSJ_ERR_LIMIT, "matrix dimension exceeds the BLAS limit");     \
        if (k == 0) {                                                                           \
            for (int64_t i = 0; i < m; i++)                                                     \
                for (int64_t j = 0; j < n; j++) {                                               \
                    T *p = c + i * c_rs + j * c_cs;                                             \
                    *p = beta == 0 ? (T)0 : beta * *p;                                          \
                }                                                                               \
            return 0;                                                                           \
        }                                                                                       \
        gview A = {a, m, k, trans_a ? a_cs : a_rs, trans_a ? a_rs : a_cs};                      \
        gview B = {b, k, n, trans_b ? b_cs : b_rs, trans_b ? b_rs : b_cs};                      \
        int64_t ldc = 0;                                                                        \
        int lc = blas_layout(m, n, c_rs, c_cs, &ldc);                                           \
        if (lc == 0)                                                                            \
            return NAME##_rowc(A, B, alpha, beta, c, ldc, e);                                   \
        if (lc == 1) {                                                                          \
            gview At = {B.p, n, k, B.cs, B.rs}, Bt = {A.p, k, m, A.cs, A.rs};                   \
            return NAME##_rowc(At, Bt, alpha, beta, c, ldc, e);                                 \
        }                                                                                       \
        /* C not addressable by BLAS: go through a contiguous temporary. */                     \
        T *tmp = malloc((size_t)(m * n) * sizeof(T));                                           \
        if (!tmp)                                                                               \
            return rt_err_nomem(e);                                                             \
        if (beta != 0)                                                                          \
            for (int64_t i = 0; i < m; i++)                                                     \
                for (int64_t j = 0; j < n; j++)                                                 \
                    tmp[i * n + j] = c[i * c_rs + j * c_cs];                                    \
        if (NAME##_rowc(A, B, alpha, beta, tmp, n, e)) {                                        \
            free(tmp);                                                                          \
            return -1;                                                                          \
        }                                                                                       \
        for (int64_t i = 0; i < m; i++)                                                         \
            for (int64_t j = 0; j < n; j++)                                                     \
                c[i * c_rs + j * c_cs] = tmp[i * n + j];                                        \
        free(tmp);                                                                              \
        return 0;                                                                               \
    }

GEMM_IMPL(rt_sgemm, float, cblas_sgemm, cblas_sgemv)
GEMM_IMPL(rt_dgemm, double, cblas_dgemm, cblas_dgemv)

int rt_gemm_tensor(rt_tensor *c, const rt_tensor *a, bool trans_a, const rt_tensor *b,
                   bool trans_b, double alpha, double beta, rt_err *e)
{
    if (a->ndim != 2 || b->ndim != 2 || c->ndim != 2)
        return rt_err_set(e, TSJ_ERR_SHAPE, "GEMM operands must be 2-D (got %dD, %dD, %dD)",
                          a->ndim, b->ndim, c->ndim);
    if (a->dtype != b->dtype || a->dtype != c->dtype)
        return rt_err_set(e, TSJ_ERR_TYPE,
                          "expected m1 and m2 to have the same dtype, but got: %s != %s",
                          rt_dtype_get(a->dtype)->torch, rt_dtype_get(b->dtype)->torch);
    int64_t m = trans_a ? a->shape[1] : a->shape[0], ka = trans_a ? a->shape[0] : a->shape[1];
    int64_t kb = trans_b ? b->shape[1] : b->shape[0], n = trans_b ? b->shape[0] : b->shape[1];
    if (ka != kb)
        return rt_err_set(e, TSJ_ERR_SHAPE,
                          "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                          (long long)m, (long long)ka, (long long)kb, (long long)n);
    if (c->shape[0] != m || c->shape[1] != n)
        return rt_err_set(e, TSJ_ERR_SHAPE, "GEMM output has shape [%lld, %lld], expected "
                          "[%lld, %lld]", (long long)c->shape[0], (long long)c->shape[1],
                          (long long)m, (long long)n);
    if (a->dtype == RT_F32)
        return rt_sgemm(trans_a, trans_b, m, n, ka, (float)alpha, rt_tensor_data(a),
                        a->strides[0], a->strides[1], rt_tensor_data(b), b->strides[0],
                        b->strides[1], (float)beta, rt_tensor_data(c), c->strides[0],
                        c->strides[1], e);
    if (a->dtype == RT_F64)
        return rt_dgemm(trans_a, trans_b, m, n, ka, alpha, rt_tensor_data(a), a->strides[0],
                        a->strides[1], rt_tensor_data(b), b->strides[0], b->strides[1], beta,
                        rt_tensor_data(c), c->strides[0], c->strides[1], e);
    return rt_err_set(e, TSJ_ERR_TYPE, "GEMM is not implemented for %s",
                      rt_dtype_get(a->dtype)->torch);
}

const char *rt_gemm_type_name(rt_dtype d)
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
