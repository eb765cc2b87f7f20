/* api_tensor.c — public tensors: creation by copy, wrapping caller memory,
 * accessors and .npy files. */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "rt_npy.h"

TSJ_API size_t tsj_dtype_size(tsj_dtype dtype) { return rt_dtype_size((rt_dtype)dtype); }

TSJ_API const char *tsj_dtype_name(tsj_dtype dtype)
{
    const rt_dtype_info *i = rt_dtype_get((int)dtype);
    return i ? i->name : "?";
}

static tsj_status check_geometry(int ndim, const int64_t *shape, tsj_error **err)
{
    if (ndim < 0 || ndim > TSJ_MAX_DIMS)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT,
                         "ndim must be between 0 and %d, not %d", TSJ_MAX_DIMS, ndim);
    if (ndim > 0 && !shape)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "shape must not be NULL when ndim > 0");
    for (int i = 0; i < ndim; i++)
        if (shape[i] < 0)
            return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "shape[%d] is negative (%lld)", i,
                             (long long)shape[i]);
    return TSJ_OK;
}

static tsj_status box_tensor(rt_tensor *t, tsj_value **out, tsj_error **err)
{
    *out = api_box(rt_tensor_value(t));
    return *out ? TSJ_OK : api_failf(err, TSJ_ERR_NOMEM, "out of memory");
}

TSJ_API tsj_status tsj_tensor_create(tsj_dtype dtype, int ndim, const int64_t *shape,
                                     const void *data, tsj_value **out, tsj_error **err)
{
    if (!out)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "out must not be NULL");
    tsj_status st = check_geometry(ndim, shape, err);
    if (st)
        return st;
    rt_err e;
    rt_err_clear(&e);
    rt_tensor *t = rt_tensor_empty((rt_dtype)dtype, ndim, shape, &e);
    if (!t)
        return api_fail(&e, err);
    size_t n = (size_t)rt_tensor_numel(t) * rt_dtype_size((rt_dtype)dtype);
    if (data && n)
        memcpy(rt_tensor_data(t), data, n);
    else if (n)
        memset(rt_tensor_data(t), 0, n);
    if (data && dtype == TSJ_BOOL) {
        unsigned char *p = rt_tensor_data(t);
        for (size_t i = 0; i < n; i++)
            p[i] = p[i] != 0;
    }
    return box_tensor(t, out, err);
}

TSJ_API tsj_status tsj_tensor_wrap(tsj_dtype dtype, int ndim, const int64_t *shape,
                                   const int64_t *strides, void *data, size_t nbytes,
                                   tsj_release_fn release, void *ctx, tsj_value **out,
                                   tsj_error **err)
{
    if (!out || (!data && nbytes))
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "out and data must not be NULL");
    tsj_status st = check_geometry(ndim, shape, err);
    if (st)
        return st;
    int64_t cstrides[TSJ_MAX_DIMS];
    if (!strides) {
        rt_contiguous_strides(ndim, shape, cstrides);
        strides = cstrides;
    }
    rt_err e;
    rt_err_clear(&e);
    rt_storage *s = rt_storage_wrap(data, nbytes, release, ctx, &e);
    if (!s)
        return api_fail(&e, err);
    rt_tensor *t = rt_tensor_view(s, (rt_dtype)dtype, ndim, shape, strides, 0, &e);
    if (!t) {
        s->release = NULL; /* the caller keeps its memory when wrapping fails */
        rt_storage_release(s);
        if (e.status == TSJ_ERR_FORMAT)
            e.status = TSJ_ERR_INVALID_ARGUMENT;
        return api_fail(&e, err);
    }
    rt_storage_release(s); /* the view holds it */
    return box_tensor(t, out, err);
}

static const rt_tensor *as_tensor(const tsj_value *v)
{
    return v && v->v.kind == RT_TENSOR ? v->v.u.tensor : NULL;
}

TSJ_API tsj_dtype tsj_tensor_dtype(const tsj_value *v)
{
    const rt_tensor *t = as_tensor(v);
    return t ? (tsj_dtype)t->dtype : (tsj_dtype)0;
}

TSJ_API int tsj_tensor_ndim(const tsj_value *v)
{
    const rt_tensor *t = as_tensor(v);
    return t ? t->ndim : 0;
}

TSJ_API const int64_t *tsj_tensor_shape(const tsj_value *v)
{
    const rt_tensor *t = as_tensor(v);
    return t ? t->shape : NULL;
}

TSJ_API const int64_t *tsj_tensor_strides(const tsj_value *v)
{
    const rt_tensor *t = as_tensor(v);
    return t ? t->strides : NULL;
}

TSJ_API int64_t tsj_tensor_numel(const tsj_value *v)
{
    const rt_tensor *t = as_tensor(v);
    return t ? rt_tensor_numel(t) : 0;
}

TSJ_API void *tsj_tensor_data(const tsj_value *v)
{
    const rt_tensor *t = as_tensor(v);
    return t ? rt_tensor_data(t) : NULL;
}

TSJ_API int tsj_tensor_is_contiguous(const tsj_value *v)
{
    const rt_tensor *t = as_tensor(v);
    return t ? rt_tensor_is_contiguous(t) : 0;
}

TSJ_API tsj_status tsj_npy_load(const char *path, tsj_value **out, tsj_error **err)
{
    if (!path || !out)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "path and out must not be NULL");
    rt_err e;
    rt_err_clear(&e);
    rt_tensor *t = rt_npy_load(path, &e);
    return t ? box_tensor(t, out, err) : api_fail(&e, err);
}

TSJ_API tsj_status tsj_npy_load_buffer(const void *data, size_t size, tsj_value **out,
                                       tsj_error **err)
{
    if ((!data && size) || !out)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "data and out must not be NULL");
    rt_err e;
    rt_err_clear(&e);
    rt_tensor *t = rt_npy_parse(data, size, "<buffer>", &e);
    return t ? box_tensor(t, out, err) : api_fail(&e, err);
}

TSJ_API tsj_status tsj_npy_save(const tsj_value *tensor, const char *path, tsj_error **err)
{
    const rt_tensor *t = as_tensor(tensor);
    if (!t || !path)
        return api_failf(err, TSJ_ERR_INVALID_ARGUMENT, "expected a tensor and a path");
    rt_err e;
    rt_err_clear(&e);
    return rt_npy_save(t, path, &e) ? api_fail(&e, err) : TSJ_OK;
}
