/*
 * rt_broadcast.h — broadcasting, result dtypes of tensor/scalar mixes, and
 * the elementwise loop driver shared by every elementwise-style kernel.
 * Owned by the elementwise family.
 *
 * Broadcasting follows PyTorch: shapes are aligned at the right; two sizes
 * fit when equal or when one is 1 (a 1 against 0 gives 0). The error text is
 * PyTorch's: "The size of tensor a (3) must match the size of tensor b (4)
 * at non-singleton dimension 1".
 *
 * Result dtype (torch.result_type): operands fall in three priority
 * classes — tensors with dims, 0-dim tensors, and Python scalars ("wrapped
 * numbers": a Scalar argument, float -> float32 default dtype, int -> int64,
 * bool -> bool). A lower class only matters when its category (bool < int <
 * float) is higher than the classes above it:
 *   int32 tensor + 2.5           -> float32     bool tensor + 3   -> int64
 *   float32 tensor + f64 0-dim   -> float32     int32 + f64 0-dim -> float64
 *   uint8 tensor + int64 0-dim   -> uint8       f16 tensor + 2.5  -> float16
 *
 * Elementwise loops (rt_ew): operand 0 is the output, which has the full
 * shape; inputs are broadcast to it with stride 0. Dims are coalesced so
 * the inner loop is as long as possible; the loop function gets one inner
 * run at a time with per-operand BYTE strides, e.g. for a binary op:
 *
 *   static void add_f32(char **p, const int64_t *s, int64_t n, void *ctx) {
 *       if (s[0] == 4 && s[1] == 4 && s[2] == 4) { float *o = ..; vectorizable loop }
 *       else for (i < n) *(float *)(p[0] + i*s[0]) = ... ;
 *   }
 *   rt_tensor *ops[3] = {out, a, b};
 *   rt_ew it; if (rt_ew_init(&it, 3, ops, e)) ...; rt_ew_run(&it, add_f32, NULL);
 *
 * RT_EW_CONTIG(s, nop, size) tests the all-contiguous case; a stride of 0
 * marks an operand that is constant over the run (a broadcast scalar).
 */
#ifndef RT_BROADCAST_H
#define RT_BROADCAST_H

#include <stdbool.h>
#include <stdint.h>

#include "rt_op.h"
#include "rt_tensor.h"
#include "rt_value.h"

/* ---- broadcasting ---- */

/* Broadcasts shape a with shape b into (out_ndim, out_shape). 0 or -1. */
int rt_broadcast_shape2(int na, const int64_t *a, int nb, const int64_t *b, int *out_ndim,
                        int64_t *out_shape, rt_err *e);
/* Broadcasts n shapes (folded left to right, as PyTorch does). */
int rt_broadcast_shapes(int n, const int *ndims, const int64_t *const *shapes, int *out_ndim,
                        int64_t *out_shape, rt_err *e);
/* The broadcast shape of n tensors (NULL entries are skipped). */
int rt_broadcast_tensors_shape(int n, rt_tensor *const *t, int *out_ndim, int64_t *out_shape,
                               rt_err *e);
/* Element strides of t seen at (ndim, shape): 0 on broadcast dims. Fails
 * with PyTorch's expand message when t does not broadcast to shape. */
int rt_broadcast_strides(const rt_tensor *t, int ndim, const int64_t *shape, int64_t *strides,
                         rt_err *e);
/* A view of t expanded to (ndim, shape) (stride 0 on broadcast dims). */
rt_tensor *rt_broadcast_view(rt_tensor *t, int ndim, const int64_t *shape, rt_err *e);

/* ---- result dtype ---- */

/* Accumulates operands; RT_DTYPE_INVALID marks an empty class. */
typedef struct rt_rtype {
    int8_t dim, zero, wrapped;
} rt_rtype;
void rt_rtype_init(rt_rtype *s);
void rt_rtype_tensor(rt_rtype *s, const rt_tensor *t);
/* A Python scalar (RT_INT, RT_FLOAT, RT_BOOL; other kinds are ignored). */
void rt_rtype_scalar(rt_rtype *s, rt_value v);
/* A tensor or a scalar value (RT_NONE ignored). */
void rt_rtype_value(rt_rtype *s, rt_value v);
/* The result; RT_DTYPE_INVALID when nothing was added. */
rt_dtype rt_rtype_result(const rt_rtype *s);
/* torch.result_type of n values (tensors and/or scalars). */
rt_dtype rt_result_type(int n, const rt_value *v);
/* The dtype a Scalar value has as a 0-dim tensor: int64, float64 or bool
 * (RT_DTYPE_INVALID for other kinds). */
rt_dtype rt_scalar_dtype(rt_value v);
/* A 0-dim tensor of dtype d holding scalar v (int/float/bool). */
rt_tensor *rt_scalar_tensor(rt_value v, rt_dtype d, rt_err *e);
/* Category rank: 0 bool, 1 integer, 2 floating. */
int rt_dtype_category(rt_dtype d);

/* ---- elementwise loops ---- */

#define RT_EW_NOPS 4
/* One inner run of n elements; data[i] points at operand i's first element,
 * strides[i] is its step in bytes (0 when broadcast along the run). */
typedef void (*rt_ew_loop)(char **data, const int64_t *strides, int64_t n, void *ctx);

typedef struct rt_ew {
    int nop;                                 /* operands, output first       */
    int ndim;                                /* after coalescing, >= 1       */
    int64_t numel;
    int64_t shape[RT_MAX_DIMS];              /* innermost last               */
    int64_t strides[RT_EW_NOPS][RT_MAX_DIMS]; /* bytes                        */
    char *data[RT_EW_NOPS];
} rt_ew;

/* Prepares a loop over t[0]'s shape; t[1..nop) broadcast to it. */
int rt_ew_init(rt_ew *it, int nop, rt_tensor *const *t, rt_err *e);
/* Calls fn for every inner run (nothing when numel is 0). */
void rt_ew_run(const rt_ew *it, rt_ew_loop fn, void *ctx);

/* True when every operand of an inner run advances by `size` bytes. */
#define RT_EW_CONTIG2(s, size) ((s)[0] == (size) && (s)[1] == (size))
#define RT_EW_CONTIG3(s, size) ((s)[0] == (size) && (s)[1] == (size) && (s)[2] == (size))

/* A new contiguous output of dtype d with the broadcast shape of the given
 * tensors (NULL entries skipped). */
rt_tensor *rt_ew_output(rt_dtype d, int n, rt_tensor *const *t, rt_err *e);

/* ---- helpers for elementwise kernels ---- */

/* ATen's ScalarType name ("Float", "Long", "Bool"), as in its messages. */
const char *rt_dtype_aten_name(rt_dtype d);
/* torch.can_cast for writing a result of dtype `from` into `to`. */
bool rt_dtype_can_cast(rt_dtype from, rt_dtype to);
/* "result type Float can't be cast to the desired output type Long"; -1. */
int rt_ew_cast_error(rt_ctx *c, rt_dtype from, rt_dtype to);
/* The dtype a kernel computes in for results of dtype d: float64 stays,
 * other floats -> float32, integers and bool -> int64. */
rt_dtype rt_ew_compute_type(rt_dtype d);
/* A tensor or scalar value as a tensor of dtype d: a new reference to the
 * tensor itself when it already has d, else a converted copy; a scalar
 * becomes a 0-dim tensor. */
rt_tensor *rt_ew_operand(rt_ctx *c, rt_value v, rt_dtype d);
/* True when writing dst elementwise could clobber src before it is read
 * (shared storage with a different geometry). */
bool rt_ew_overlaps(const rt_tensor *dst, const rt_tensor *src);
/* Delivers a result: with `self` (an in-place op) copies res into self
 * (unless res is self) and writes a new reference to self; otherwise
 * converts res to od when needed. Always consumes the caller's reference to
 * res (also when res == self). */
int rt_ew_finish(rt_ctx *c, rt_tensor *res, rt_dtype od, rt_tensor *self, rt_value *out);

/* ---- elementwise ops callable from other kernels (k_elementwise*.c) ---- */

/* Binary ops of rt_ew_binary. */
enum {
    RT_EW_ADD, RT_EW_SUB, RT_EW_MUL, RT_EW_DIV, /* true division       */
    RT_EW_DIVT, RT_EW_DIVF,                     /* trunc / floor modes */
    RT_EW_REM, RT_EW_POW, RT_EW_MAX, RT_EW_MIN, /* max/min propagate NaN */
    RT_EW_EQ, RT_EW_NE, RT_EW_LT, RT_EW_LE, RT_EW_GT, RT_EW_GE,
    RT_EW_AND, RT_EW_OR, RT_EW_XOR,             /* bitwise (bool, ints) */
    RT_EW_LAND, RT_EW_LOR, RT_EW_LXOR,          /* logical, bool out    */
    RT_EW_B_COUNT
};
/* a op b with broadcasting and type promotion; a and b are tensors or
 * scalars (at least one tensor). alpha (RT_NONE when absent) scales b for
 * ADD/SUB. With self != NULL the result is written into self (an in-place
 * op; shape and castability checked as PyTorch does). */
int rt_ew_binary(rt_ctx *c, rt_value a, rt_value b, int op, rt_value alpha, rt_tensor *self,
                 rt_value *out);

/* ---- vectorizable float32 exp ----
 * Cephes-style expf (range reduction by ln 2, degree-5 polynomial, 2^n via
 * the exponent bits) written with selects only, so loops calling it
 * auto-vectorize. Within 2 ulp of expf on [-87.3, 88.3]; returns +inf
 * above 88.376, 0 below -87.336 (where expf is subnormal), NaN for NaN. */
static inline float rt_vexpf(float x)
{
    int hi = x > 88.3762626647949f, lo = x < -87.33654f, nan = x != x;
    float xc = (hi | lo | nan) ? 0.0f : x;
    float fx = xc * 1.44269504088896341f;
    int32_t n = (int32_t)(fx + (fx >= 0.0f ? 0.5f : -0.5f));
    float fn = (float)n;
    float r = xc - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    float z = r * r;
    float y = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r +
                 4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f) * z + r + 1.0f;
    union { int32_t i; float f; } p2 = {.i = (n + 127) * (1 << 23)};
    y *= p2.f;
    y = hi ? __builtin_inff() : y;
    y = lo ? 0.0f : y;
    return nan ? x : y;
}

#endif /* RT_BROADCAST_H */
