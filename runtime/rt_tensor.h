/*
 * rt_tensor.h — tensors: dtype metadata, refcounted 64-byte-aligned
 * storage, and strided views with an element offset.
 *
 * A tensor is an rt_obj (kind RT_TENSOR) that points to an rt_storage.
 * Several tensors may view one storage (views, reshapes of contiguous data,
 * slices). Strides and offset are in elements. Shapes are int64, at most
 * TSJ_MAX_DIMS dimensions.
 */
#ifndef RT_TENSOR_H
#define RT_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_value.h"

#define RT_MAX_DIMS TSJ_MAX_DIMS
#define RT_ALIGN 64

/* PyTorch's ScalarType numbering (also what serialized code passes as
 * `dtype=` ints). */
typedef enum rt_dtype {
    RT_U8 = 0,
    RT_I8 = 1,
    RT_I16 = 2,
    RT_I32 = 3,
    RT_I64 = 4,
    RT_F16 = 5,
    RT_F32 = 6,
    RT_F64 = 7,
    RT_BOOL_ = 11,
    RT_BF16 = 15,
    RT_DTYPE_INVALID = -1
} rt_dtype;

typedef struct rt_dtype_info {
    const char *name;      /* "float32"                                  */
    const char *torch;     /* "torch.float32" as PyTorch prints it        */
    const char *npy;       /* NumPy descr without byte order: "f4"; NULL  */
    uint8_t size;          /* bytes per element                          */
    bool is_float, is_signed;
} rt_dtype_info;

/* NULL for a number that is no dtype. */
const rt_dtype_info *rt_dtype_get(int dtype);
static inline bool rt_dtype_valid(int d) { return rt_dtype_get(d) != NULL; }
size_t rt_dtype_size(rt_dtype d);
bool rt_dtype_is_float(rt_dtype d);
/* Type promotion of two tensor dtypes (torch.result_type for two tensors
 * of the same category rank). */
rt_dtype rt_dtype_promote(rt_dtype a, rt_dtype b);

typedef struct rt_storage {
    atomic_int refcount;
    void *data;
    size_t nbytes;
    size_t capacity; /* of the allocation when owns_data                  */
    bool owns_data;  /* tsjit allocated `data` and frees it              */
    /* For wrapped caller memory: called once when the storage dies. */
    void (*release)(void *data, void *ctx);
    void *release_ctx;
} rt_storage;

struct rt_tensor {
    rt_obj hdr;
    int8_t dtype; /* rt_dtype */
    int8_t ndim;
    int64_t offset; /* elements from storage->data */
    int64_t shape[RT_MAX_DIMS];
    int64_t strides[RT_MAX_DIMS];
    rt_storage *storage;
};

/* ---- storage ---- */
/* nbytes of zeroed, RT_ALIGN-aligned memory. */
rt_storage *rt_storage_new(size_t nbytes, rt_err *e);
/* The same without zeroing (for data that is overwritten at once). */
rt_storage *rt_storage_new_uninit(size_t nbytes, rt_err *e);
rt_storage *rt_storage_wrap(void *data, size_t nbytes, void (*release)(void *, void *),
                            void *ctx, rt_err *e);
void rt_storage_retain(rt_storage *s);
void rt_storage_release(rt_storage *s);

/* ---- construction ---- */
/* Product of a shape; -1 with e set when it overflows or a dim is < 0. */
int64_t rt_shape_numel(int ndim, const int64_t *shape, rt_err *e);
/* A new contiguous zero-filled tensor. */
rt_tensor *rt_tensor_new(rt_dtype dtype, int ndim, const int64_t *shape, rt_err *e);
/* Same, without zeroing (for kernels that overwrite every element). */
rt_tensor *rt_tensor_empty(rt_dtype dtype, int ndim, const int64_t *shape, rt_err *e);

/* The largest tensor buffer (bytes) rt_tensor_empty / rt_storage_new* make
 * on the calling thread: TSJ_ERR_LIMIT "... exceeds the N-byte limit"
 * beyond it. The limit is per thread: tsj_model_call sets the model's
 * "max_tensor_bytes" for the duration of a call and restores the previous
 * value. 0 (every new thread) means RT_DEFAULT_MAX_TENSOR_BYTES. */
#define RT_DEFAULT_MAX_TENSOR_BYTES ((size_t)1 << 40)
size_t rt_tensor_max_bytes(void);
/* Sets this thread's limit (0: the default); returns the previous setting. */
size_t rt_tensor_set_max_bytes(size_t limit);
/* A view of `storage` (retained) with the given geometry. Checks that every
 * reachable element lies inside the storage. */
rt_tensor *rt_tensor_view(rt_storage *storage, rt_dtype dtype, int ndim, const int64_t *shape,
                          const int64_t *strides, int64_t offset, rt_err *e);
/* A 0-dim tensor holding one scalar. */
rt_tensor *rt_tensor_scalar_i64(int64_t v, rt_dtype dtype, rt_err *e);
rt_tensor *rt_tensor_scalar_f64(double v, rt_dtype dtype, rt_err *e);
/* A contiguous copy (always a new storage). */
rt_tensor *rt_tensor_clone(const rt_tensor *t, rt_err *e);
/* t itself (retained) when contiguous, otherwise a contiguous copy. */
rt_tensor *rt_tensor_contiguous(rt_tensor *t, rt_err *e);
/* Elementwise copy with dtype conversion into a new contiguous tensor. */
rt_tensor *rt_tensor_to_dtype(const rt_tensor *t, rt_dtype dtype, rt_err *e);
/* Copies src into dst elementwise (shapes equal, dtypes may differ,
 * either may be strided). */
int rt_tensor_copy_into(rt_tensor *dst, const rt_tensor *src, rt_err *e);

static inline rt_value rt_tensor_value(rt_tensor *t)
{
    rt_value v = {.kind = RT_TENSOR, .u.tensor = t};
    return v;
}
static inline void rt_tensor_retain(rt_tensor *t) { rt_obj_retain(&t->hdr); }
static inline void rt_tensor_release(rt_tensor *t)
{
    if (t)
        rt_obj_release(&t->hdr);
}

/* ---- geometry ---- */
int64_t rt_tensor_numel(const rt_tensor *t);
bool rt_tensor_is_contiguous(const rt_tensor *t);
/* C-contiguous strides for a shape. */
void rt_contiguous_strides(int ndim, const int64_t *shape, int64_t *strides);
static inline void *rt_tensor_data(const rt_tensor *t)
{
    return (char *)t->storage->data + t->offset * (int64_t)rt_dtype_size((rt_dtype)t->dtype);
}
/* "[2, 3, 4]" into buf. */
const char *rt_shape_str(int ndim, const int64_t *shape, char *buf, size_t size);

/* ---- element access (any dtype, as double or int64) ---- */
double rt_load_f64(const void *p, rt_dtype d);
int64_t rt_load_i64(const void *p, rt_dtype d);
void rt_store_f64(void *p, rt_dtype d, double v);
void rt_store_i64(void *p, rt_dtype d, int64_t v);
/* Half-precision conversions. */
float rt_f16_to_f32(uint16_t h);
uint16_t rt_f32_to_f16(float f);
float rt_bf16_to_f32(uint16_t h);
uint16_t rt_f32_to_bf16(float f);

/* Iterates the element offsets (in elements, relative to t's data) of a
 * strided tensor in C order. Usage:
 *   rt_iter it; rt_iter_init(&it, t->ndim, t->shape, t->strides);
 *   for (int64_t n = 0; n < numel; n++) { use(it.off); rt_iter_next(&it); } */
typedef struct rt_iter {
    int ndim;
    int64_t off;
    int64_t idx[RT_MAX_DIMS];
    int64_t shape[RT_MAX_DIMS];
    int64_t strides[RT_MAX_DIMS];
} rt_iter;
void rt_iter_init(rt_iter *it, int ndim, const int64_t *shape, const int64_t *strides);
static inline void rt_iter_next(rt_iter *it)
{
    for (int d = it->ndim - 1; d >= 0; d--) {
        it->off += it->strides[d];
        if (++it->idx[d] < it->shape[d])
            return;
        it->off -= it->strides[d] * it->shape[d];
        it->idx[d] = 0;
    }
}

#endif /* RT_TENSOR_H */
