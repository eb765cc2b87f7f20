/* rt_tensor.c — dtype metadata, aligned refcounted storage, strided tensor
 * views, copies and dtype conversion. */
#include "rt_tensor.h"

#include "rt_alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const rt_dtype_info DTYPES[16] = {
    [RT_U8] = {"uint8", "torch.uint8", "u1", 1, false, false},
    [RT_I8] = {"int8", "torch.int8", "i1", 1, false, true},
    [RT_I16] = {"int16", "torch.int16", "i2", 2, false, true},
    [RT_I32] = {"int32", "torch.int32", "i4", 4, false, true},
    [RT_I64] = {"int64", "torch.int64", "i8", 8, false, true},
    [RT_F16] = {"float16", "torch.float16", "f2", 2, true, true},
    [RT_F32] = {"float32", "torch.float32", "f4", 4, true, true},
    [RT_F64] = {"float64", "torch.float64", "f8", 8, true, true},
    [RT_BOOL_] = {"bool", "torch.bool", "b1", 1, false, false},
    [RT_BF16] = {"bfloat16", "torch.bfloat16", NULL, 2, true, true},
};

const rt_dtype_info *rt_dtype_get(int d)
{
    if (d < 0 || d >= 16 || !DTYPES[d].name)
        return NULL;
    return &DTYPES[d];
}

size_t rt_dtype_size(rt_dtype d)
{
    const rt_dtype_info *i = rt_dtype_get(d);
    return i ? i->size : 0;
}

bool rt_dtype_is_float(rt_dtype d)
{
    const rt_dtype_info *i = rt_dtype_get(d);
    return i && i->is_float;
}

/* Category rank: bool < integer < floating. */
static int category(rt_dtype d)
{
    return d == RT_BOOL_ ? 0 : rt_dtype_is_float(d) ? 2 : 1;
}

rt_dtype rt_dtype_promote(rt_dtype a, rt_dtype b)
{
    if (a == b)
        return a;
    int ca = category(a), cb = category(b);
    if (ca != cb)
        return ca > cb ? a : b;
    if (ca == 2) {
        if ((a == RT_F16 && b == RT_BF16) || (a == RT_BF16 && b == RT_F16))
            return RT_F32;
        return rt_dtype_size(a) >= rt_dtype_size(b) ? a : b;
    }
    /* integers: uint8 with a signed type needs the next signed size */
    if (a == RT_U8 || b == RT_U8) {
        rt_dtype other = a == RT_U8 ? b : a;
        return other == RT_I8 ? RT_I16 : other;
    }
    return rt_dtype_size(a) >= rt_dtype_size(b) ? a : b;
}

/* ---- storage ---- */

/* ---- the tensor size limit ----
 * rt_tensor_empty and the storage constructors refuse buffers larger than
 * the calling thread's limit. tsj_model_call sets it to the model's
 * "max_tensor_bytes" option for the duration of the call (and restores the
 * previous value), so every model keeps its own limit however many threads
 * call however many models; 0 (the state of every new thread) means the
 * default, RT_DEFAULT_MAX_TENSOR_BYTES. Kernels run on the calling thread,
 * so the call's allocations all see the call's limit. */
#ifndef RT_DEFAULT_MAX_TENSOR_BYTES
#define RT_DEFAULT_MAX_TENSOR_BYTES ((size_t)1 << 40)
#endif

static _Thread_local size_t max_tensor_bytes;

size_t rt_tensor_max_bytes(void)
{
    return max_tensor_bytes ? max_tensor_bytes : RT_DEFAULT_MAX_TENSOR_BYTES;
}

size_t rt_tensor_set_max_bytes(size_t limit)
{
    size_t old = max_tensor_bytes;
    max_tensor_bytes = limit;
    return old;
}

static rt_storage *storage_alloc(size_t nbytes, bool zero, rt_err *e)
{
    size_t limit = rt_tensor_max_bytes();
    if (nbytes > limit) {
        rt_err_set(e, TSJ_ERR_LIMIT, "a tensor buffer of %zu bytes exceeds the %zu-byte limit",
                   nbytes, limit);
        return NULL;
    }
    rt_storage *s = malloc(sizeof *s);
    if (!s) {
        rt_err_nomem(e);
        return NULL;
    }
    s->data = rt_buf_alloc(nbytes, &s->capacity);
    if (!s->data) {
        free(s);
        rt_err_set(e, TSJ_ERR_NOMEM, "out of memory allocating a tensor of %zu bytes", nbytes);
        return NULL;
    }
    if (zero)
        memset(s->data, 0, nbytes);
    atomic_init(&s->refcount, 1);
    s->nbytes = nbytes;
    s->owns_data = true;
    s->release = NULL;
    s->release_ctx = NULL;
    return s;
}

rt_storage *rt_storage_new(size_t nbytes, rt_err *e) { return storage_alloc(nbytes, true, e); }

rt_storage *rt_storage_new_uninit(size_t nbytes, rt_err *e)
{
    return storage_alloc(nbytes, false, e);
}

rt_storage *rt_storage_wrap(void *data, size_t nbytes, void (*release)(void *, void *), void *ctx,
                            rt_err *e)
{
    rt_storage *s = malloc(sizeof *s);
    if (!s) {
        rt_err_nomem(e);
        return NULL;
    }
    atomic_init(&s->refcount, 1);
    s->data = data;
    s->nbytes = nbytes;
    s->capacity = nbytes;
    s->owns_data = false;
    s->release = release;
    s->release_ctx = ctx;
    return s;
}

void rt_storage_retain(rt_storage *s)
{
    atomic_fetch_add_explicit(&s->refcount, 1, memory_order_relaxed);
}

void rt_storage_release(rt_storage *s)
{
    if (!s || atomic_fetch_sub_explicit(&s->refcount, 1, memory_order_acq_rel) != 1)
        return;
    if (s->owns_data)
        rt_buf_free(s->data, s->capacity);
    else if (s->release)
        s->release(s->data, s->release_ctx);
    free(s);
}

/* ---- geometry ---- */

int64_t rt_shape_numel(int ndim, const int64_t *shape, rt_err *e)
{
    /* span = the product of max(dim, 1), which rt_contiguous_strides
     * computes: it must fit even when a 0 dim makes numel 0, e.g. (0, 2^62, 5);
     * numel <= span then cannot overflow either */
    int64_t n = 1, span = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) {
            rt_err_set(e, TSJ_ERR_SHAPE, "negative dimension %lld", (long long)shape[i]);
            return -1;
        }
        int64_t d = shape[i] > 1 ? shape[i] : 1;
        if (span > INT64_MAX / d) {
            rt_err_set(e, TSJ_ERR_LIMIT, "tensor has too many elements");
            return -1;
        }
        span *= d;
        n *= shape[i];
    }
    return n;
}

void rt_contiguous_strides(int ndim, const int64_t *shape, int64_t *strides)
{
    int64_t s = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        strides[i] = s;
        s *= shape[i] > 1 ? shape[i] : 1;
    }
}

int64_t rt_tensor_numel(const rt_tensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++)
        n *= t->shape[i];
    return n;
}

bool rt_tensor_is_contiguous(const rt_tensor *t)
{
    int64_t s = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->shape[i] == 1)
            continue;
        if (t->strides[i] != s)
            return false;
        s *= t->shape[i];
    }
    return true;
}

const char *rt_shape_str(int ndim, const int64_t *shape, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < ndim && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (n < size)
        snprintf(buf + n, size - n, "]");
    return buf;
}

/* ---- construction ---- */

static rt_tensor *tensor_alloc(rt_err *e)
{
    rt_tensor *t = calloc(1, sizeof *t);
    if (!t) {
        rt_err_nomem(e);
        return NULL;
    }
    atomic_init(&t->hdr.refcount, 1);
    t->hdr.kind = RT_TENSOR;
    return t;
}

rt_tensor *rt_tensor_empty(rt_dtype dtype, int ndim, const int64_t *shape, rt_err *e)
{
    if (!rt_dtype_valid(dtype)) {
        rt_err_set(e, TSJ_ERR_TYPE, "invalid dtype %d", (int)dtype);
        return NULL;
    }
    if (ndim < 0 || ndim > RT_MAX_DIMS) {
        rt_err_set(e, TSJ_ERR_LIMIT, "tensors may have at most %d dimensions, not %d",
                   RT_MAX_DIMS, ndim);
        return NULL;
    }
    int64_t numel = rt_shape_numel(ndim, shape, e);
    if (numel < 0)
        return NULL;
    size_t esz = rt_dtype_size(dtype), limit = rt_tensor_max_bytes();
    if ((uint64_t)numel > limit / esz) {
        char sh[256];
        rt_shape_str(ndim, shape, sh, sizeof sh);
        if ((uint64_t)numel <= (uint64_t)INT64_MAX / esz)
            rt_err_set(e, TSJ_ERR_LIMIT,
                       "a %s tensor of shape %s (%lld bytes) exceeds the %zu-byte limit",
                       rt_dtype_get(dtype)->name, sh, (long long)((uint64_t)numel * esz), limit);
        else
            rt_err_set(e, TSJ_ERR_LIMIT,
                       "a %s tensor of shape %s (more than %lld bytes) exceeds the %zu-byte limit",
                       rt_dtype_get(dtype)->name, sh, (long long)INT64_MAX, limit);
        return NULL;
    }
    rt_storage *s = rt_storage_new_uninit((size_t)numel * esz, e);
    if (!s)
        return NULL;
    rt_tensor *t = tensor_alloc(e);
    if (!t) {
        rt_storage_release(s);
        return NULL;
    }
    t->dtype = (int8_t)dtype;
    t->ndim = (int8_t)ndim;
    for (int i = 0; i < ndim; i++)
        t->shape[i] = shape[i];
    rt_contiguous_strides(ndim, shape, t->strides);
    t->storage = s;
    return t;
}

rt_tensor *rt_tensor_new(rt_dtype dtype, int ndim, const int64_t *shape, rt_err *e)
{
    rt_tensor *t = rt_tensor_empty(dtype, ndim, shape, e);
    if (t)
        memset(t->storage->data, 0, t->storage->nbytes);
    return t;
}

rt_tensor *rt_tensor_view(rt_storage *storage, rt_dtype dtype, int ndim, const int64_t *shape,
                          const int64_t *strides, int64_t offset, rt_err *e)
{
    if (!rt_dtype_valid(dtype)) {
        rt_err_set(e, TSJ_ERR_TYPE, "invalid dtype %d", (int)dtype);
        return NULL;
    }
    if (ndim < 0 || ndim > RT_MAX_DIMS) {
        rt_err_set(e, TSJ_ERR_LIMIT, "tensors may have at most %d dimensions, not %d",
                   RT_MAX_DIMS, ndim);
        return NULL;
    }
    if (offset < 0) {
        rt_err_set(e, TSJ_ERR_FORMAT, "negative storage offset %lld", (long long)offset);
        return NULL;
    }
    /* The extent reachable from offset must fit inside the storage. */
    int64_t numel = rt_shape_numel(ndim, shape, e);
    if (numel < 0)
        return NULL;
    size_t esz = rt_dtype_size(dtype);
    if (numel > 0) {
        __int128 lo = offset, hi = offset;
        for (int i = 0; i < ndim; i++) {
            __int128 span = (__int128)(shape[i] - 1) * strides[i];
            if (span < 0)
                lo += span;
            else
                hi += span;
        }
        if (lo < 0 || (hi + 1) * (__int128)esz > (__int128)storage->nbytes) {
            rt_err_set(e, TSJ_ERR_FORMAT,
                       "tensor view (offset %lld, %d dims) reaches outside its storage of %zu "
                       "bytes",
                       (long long)offset, ndim, storage->nbytes);
            return NULL;
        }
    }
    rt_tensor *t = tensor_alloc(e);
    if (!t)
        return NULL;
    t->dtype = (int8_t)dtype;
    t->ndim = (int8_t)ndim;
    t->offset = offset;
    for (int i = 0; i < ndim; i++) {
        t->shape[i] = shape[i];
        t->strides[i] = strides[i];
    }
    rt_storage_retain(storage);
    t->storage = storage;
    return t;
}

rt_tensor *rt_tensor_scalar_i64(int64_t v, rt_dtype dtype, rt_err *e)
{
    rt_tensor *t = rt_tensor_empty(dtype, 0, NULL, e);
    if (t)
        rt_store_i64(rt_tensor_data(t), dtype, v);
    return t;
}

rt_tensor *rt_tensor_scalar_f64(double v, rt_dtype dtype, rt_err *e)
{
    rt_tensor *t = rt_tensor_empty(dtype, 0, NULL, e);
    if (t)
        rt_store_f64(rt_tensor_data(t), dtype, v);
    return t;
}

/* ---- element access ---- */

float rt_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal */
            exp = 127 - 15 + 1;
            while (!(man & 0x400)) {
                man <<= 1;
                exp--;
            }
            man &= 0x3ff;
            bits = sign | (exp << 23) | (man << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t rt_f32_to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    int32_t exp = (int32_t)((x >> 23) & 0xff) - 127 + 15;
    uint32_t man = x & 0x7fffff;
    if (((x >> 23) & 0xff) == 0xff) /* inf / nan */
        return (uint16_t)(sign | 0x7c00 | (man ? 0x200 : 0));
    if (exp >= 31)
        return (uint16_t)(sign | 0x7c00);
    if (exp <= 0) {
        if (exp < -10)
            return (uint16_t)sign;
        man |= 0x800000;
        uint32_t shift = (uint32_t)(14 - exp);
        uint32_t half = man >> shift;
        uint32_t rem = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1)))
            half++;
        return (uint16_t)(sign | half);
    }
    uint32_t h = sign | ((uint32_t)exp << 10) | (man >> 13);
    uint32_t rem = man & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1)))
        h++; /* may carry into the exponent: still correct */
    return (uint16_t)h;
}

float rt_bf16_to_f32(uint16_t h)
{
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t rt_f32_to_bf16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    if ((x & 0x7fffffff) > 0x7f800000)
        return (uint16_t)((x >> 16) | 0x40);
    x += 0x7fff + ((x >> 16) & 1);
    return (uint16_t)(x >> 16);
}

double rt_load_f64(const void *p, rt_dtype d)
{
    switch (d) {
    case RT_U8: return *(const uint8_t *)p;
    case RT_I8: return *(const int8_t *)p;
    case RT_I16: return *(const int16_t *)p;
    case RT_I32: return *(const int32_t *)p;
    case RT_I64: return (double)*(const int64_t *)p;
    case RT_F16: return rt_f16_to_f32(*(const uint16_t *)p);
    case RT_F32: return *(const float *)p;
    case RT_F64: return *(const double *)p;
    case RT_BOOL_: return *(const uint8_t *)p != 0;
    case RT_BF16: return rt_bf16_to_f32(*(const uint16_t *)p);
    default: return 0;
    }
}

int64_t rt_load_i64(const void *p, rt_dtype d)
{
    switch (d) {
    case RT_U8: return *(const uint8_t *)p;
    case RT_I8: return *(const int8_t *)p;
    case RT_I16: return *(const int16_t *)p;
    case RT_I32: return *(const int32_t *)p;
    case RT_I64: return *(const int64_t *)p;
    case RT_BOOL_: return *(const uint8_t *)p != 0;
    default: {
        double v = rt_load_f64(p, d);
        if (isnan(v))
            return 0;
        if (v >= 9.2233720368547758e18)
            return INT64_MAX;
        if (v <= -9.2233720368547758e18)
            return INT64_MIN;
        return (int64_t)v;
    }
    }
}

void rt_store_f64(void *p, rt_dtype d, double v)
{
    switch (d) {
    case RT_F16: *(uint16_t *)p = rt_f32_to_f16((float)v); break;
    case RT_F32: *(float *)p = (float)v; break;
    case RT_F64: *(double *)p = v; break;
    case RT_BF16: *(uint16_t *)p = rt_f32_to_bf16((float)v); break;
    case RT_BOOL_: *(uint8_t *)p = v != 0; break;
    default: {
        int64_t i;
        if (isnan(v))
            i = 0;
        else if (v >= 9.2233720368547758e18)
            i = INT64_MAX;
        else if (v <= -9.2233720368547758e18)
            i = INT64_MIN;
        else
            i = (int64_t)v;
        rt_store_i64(p, d, i);
    }
    }
}

void rt_store_i64(void *p, rt_dtype d, int64_t v)
{
    switch (d) {
    case RT_U8: *(uint8_t *)p = (uint8_t)v; break;
    case RT_I8: *(int8_t *)p = (int8_t)v; break;
    case RT_I16: *(int16_t *)p = (int16_t)v; break;
    case RT_I32: *(int32_t *)p = (int32_t)v; break;
    case RT_I64: *(int64_t *)p = v; break;
    case RT_BOOL_: *(uint8_t *)p = v != 0; break;
    default: rt_store_f64(p, d, (double)v); break;
    }
}

void rt_iter_init(rt_iter *it, int ndim, const int64_t *shape, const int64_t *strides)
{
    it->ndim = ndim;
    it->off = 0;
    for (int i = 0; i < ndim; i++) {
        it->idx[i] = 0;
        it->shape[i] = shape[i];
        it->strides[i] = strides[i];
    }
}

/* ---- copies ---- */

int rt_tensor_copy_into(rt_tensor *dst, const rt_tensor *src, rt_err *e)
{
    if (dst->ndim != src->ndim)
        return rt_err_set(e, TSJ_ERR_SHAPE, "copy between tensors of %d and %d dims", dst->ndim,
                          src->ndim);
    for (int i = 0; i < dst->ndim; i++)
        if (dst->shape[i] != src->shape[i])
            return rt_err_set(e, TSJ_ERR_SHAPE, "copy between tensors of different shapes");
    int64_t n = rt_tensor_numel(dst);
    rt_dtype dd = (rt_dtype)dst->dtype, sd = (rt_dtype)src->dtype;
    size_t des = rt_dtype_size(dd), ses = rt_dtype_size(sd);
    char *dp = rt_tensor_data(dst);
    const char *sp = rt_tensor_data(src);
    if (dd == sd && rt_tensor_is_contiguous(dst) && rt_tensor_is_contiguous(src)) {
        if (n)
            memmove(dp, sp, (size_t)n * des);
        return 0;
    }
    rt_iter di, si;
    rt_iter_init(&di, dst->ndim, dst->shape, dst->strides);
    rt_iter_init(&si, src->ndim, src->shape, src->strides);
    bool as_float = rt_dtype_is_float(dd) || rt_dtype_is_float(sd);
    for (int64_t k = 0; k < n; k++) {
        void *d = dp + di.off * (int64_t)des;
        const void *s = sp + si.off * (int64_t)ses;
        if (dd == sd)
            memcpy(d, s, des);
        else if (dd == RT_BOOL_)
            *(uint8_t *)d = rt_load_f64(s, sd) != 0;
        else if (as_float)
            rt_store_f64(d, dd, rt_load_f64(s, sd));
        else
            rt_store_i64(d, dd, rt_load_i64(s, sd));
        rt_iter_next(&di);
        rt_iter_next(&si);
    }
    return 0;
}

rt_tensor *rt_tensor_to_dtype(const rt_tensor *t, rt_dtype dtype, rt_err *e)
{
    rt_tensor *out = rt_tensor_empty(dtype, t->ndim, t->shape, e);
    if (!out)
        return NULL;
    if (rt_tensor_copy_into(out, t, e)) {
        rt_tensor_release(out);
        return NULL;
    }
    return out;
}

rt_tensor *rt_tensor_clone(const rt_tensor *t, rt_err *e)
{
    return rt_tensor_to_dtype(t, (rt_dtype)t->dtype, e);
}

rt_tensor *rt_tensor_contiguous(rt_tensor *t, rt_err *e)
{
    if (rt_tensor_is_contiguous(t)) {
        rt_tensor_retain(t);
        return t;
    }
    return rt_tensor_clone(t, e);
}
