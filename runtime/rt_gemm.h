/*
 * rt_gemm.h — the runtime's one GEMM entry point (float32 / float64) on
 * OpenBLAS, for any family that needs matrix products (linear, matmul,
 * convolution, RNN gates).
 *
 *   C = alpha * op(A) · op(B) + beta * C        (row-major logical layout)
 *
 * op(X) is X or X^T. Every operand is a 2-D strided view given by a data
 * pointer and element strides of the STORED matrix: element (i, j) of the
 * stored A is a[i * a_rs + j * a_cs]. Stored A is m x k (k x m when
 * trans_a), stored B is k x n (n x k when trans_b), C is m x n.
 *
 * Row-major, column-major (transposed) and vector-shaped views go straight
 * to BLAS; other strides (broadcast stride 0, negative, sliced columns)
 * are packed into a temporary. C may be strided too (written through a
 * temporary when BLAS cannot address it). beta == 0 ignores C's previous
 * contents (NaN included), as BLAS does. k == 0 gives C = beta * C.
 * A, B must not overlap C.
 *
 * Returns 0, or -1 with e set (TSJ_ERR_NOMEM, TSJ_ERR_LIMIT for a
 * dimension beyond BLAS's int range). Never prints or aborts.
 * OpenBLAS threading is the caller's business.
 */
#ifndef RT_GEMM_H
#define RT_GEMM_H

#include <stdbool.h>
#include <stdint.h>

#include "rt_tensor.h"

int rt_sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
             const float *a, int64_t a_rs, int64_t a_cs, const float *b, int64_t b_rs,
             int64_t b_cs, float beta, float *c, int64_t c_rs, int64_t c_cs, rt_err *e);

int rt_dgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
             const double *a, int64_t a_rs, int64_t a_cs, const double *b, int64_t b_rs,
             int64_t b_cs, double beta, double *c, int64_t c_rs, int64_t c_cs, rt_err *e);

/* The same on 2-D tensors of one dtype (float32 or float64): c must
 * already have shape [m, n] (it may be a strided view; it is written in
 * place). Errors: TSJ_ERR_TYPE for another dtype or mixed dtypes,
 * TSJ_ERR_SHAPE for shapes that do not chain, with PyTorch's wording
 * "mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)". */
int rt_gemm_tensor(rt_tensor *c, const rt_tensor *a, bool trans_a, const rt_tensor *b,
                   bool trans_b, double alpha, double beta, rt_err *e);

/* PyTorch's ScalarType name of a dtype as its error messages print it
 * ("Float", "Double", "Long", "Bool", "Half", ...). */
const char *rt_gemm_type_name(rt_dtype d);

#endif /* RT_GEMM_H */
