/* support_common.c — helpers shared by the cmocka tests (see support.h). */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ts_data_path(const char *rel)
{
    static _Thread_local char buf[4096];
    const char *root = getenv("TSJ_TEST_DATA");
    snprintf(buf, sizeof buf, "%s/%s", root ? root : "data", rel);
    return buf;
}

rt_tensor *ts_load_npy(const char *rel)
{
    rt_err e;
    rt_err_clear(&e);
    rt_tensor *t = rt_npy_load(ts_data_path(rel), &e);
    if (!t)
        fail_msg("loading %s: %s", rel, e.msg);
    return t;
}

int ts_run_op(const char *full_name, const rt_value *in, int nin, rt_value *out, int nout,
              rt_err *e)
{
    if (rt_ops_init(e))
        return -1;
    rt_op_id id = rt_op_lookup(full_name);
    if (id == RT_OP_COUNT)
        return rt_err_set(e, TSJ_ERR_UNSUPPORTED, "no operator %s in the table", full_name);
    const rt_op *op = rt_op_get(id);
    if (!(op->flags & RT_OPF_VARARGS) && nin != op->schema.nargs)
        return rt_err_set(e, TSJ_ERR_TYPE, "%s takes %d arguments, test passed %d", full_name,
                          op->schema.nargs, nin);
    for (int i = 0; i < nout; i++)
        out[i] = rt_none();
    rt_ctx c = {.err = e, .threads = 1};
    return op->kernel(&c, in, nin, out, nout);
}

void ts_assert_close(const rt_tensor *got, const rt_tensor *want, double rtol, double atol,
                     const char *what)
{
    if (!got)
        fail_msg("%s: no tensor", what);
    if (got->dtype != want->dtype)
        fail_msg("%s: dtype %s, expected %s", what, rt_dtype_get(got->dtype)->name,
                 rt_dtype_get(want->dtype)->name);
    char a[128], b[128];
    if (got->ndim != want->ndim ||
        memcmp(got->shape, want->shape, sizeof(int64_t) * (size_t)got->ndim) != 0)
        fail_msg("%s: shape %s, expected %s", what, rt_shape_str(got->ndim, got->shape, a, 128),
                 rt_shape_str(want->ndim, want->shape, b, 128));
    int64_t n = rt_tensor_numel(got);
    rt_iter gi, wi;
    rt_iter_init(&gi, got->ndim, got->shape, got->strides);
    rt_iter_init(&wi, want->ndim, want->shape, want->strides);
    rt_dtype d = (rt_dtype)got->dtype;
    size_t es = rt_dtype_size(d);
    const char *gp = rt_tensor_data(got), *wp = rt_tensor_data(want);
    for (int64_t k = 0; k < n; k++) {
        const void *g = gp + gi.off * (int64_t)es, *w = wp + wi.off * (int64_t)es;
        if (rt_dtype_is_float(d)) {
            double x = rt_load_f64(g, d), y = rt_load_f64(w, d);
            bool ok = (isnan(x) && isnan(y)) || x == y || fabs(x - y) <= atol + rtol * fabs(y);
            if (!ok)
                fail_msg("%s: element %lld is %.9g, expected %.9g", what, (long long)k, x, y);
        } else {
            int64_t x = rt_load_i64(g, d), y = rt_load_i64(w, d);
            if (x != y)
                fail_msg("%s: element %lld is %lld, expected %lld", what, (long long)k,
                         (long long)x, (long long)y);
        }
        rt_iter_next(&gi);
        rt_iter_next(&wi);
    }
}

static rt_tensor *make(rt_dtype dt, int ndim, const int64_t *shape, const void *data)
{
    rt_err e;
    rt_tensor *t = rt_tensor_empty(dt, ndim, shape, &e);
    if (!t)
        fail_msg("tensor: %s", e.msg);
    size_t n = (size_t)rt_tensor_numel(t) * rt_dtype_size(dt);
    if (data && n)
        memcpy(rt_tensor_data(t), data, n);
    return t;
}

rt_tensor *ts_tensor_f32(int ndim, const int64_t *shape, const float *data)
{
    return make(RT_F32, ndim, shape, data);
}

rt_tensor *ts_tensor_i64(int ndim, const int64_t *shape, const int64_t *data)
{
    return make(RT_I64, ndim, shape, data);
}

rt_value ts_intlist(int n, const int64_t *items)
{
    rt_value v;
    rt_err e;
    if (rt_list_new(RT_LIST, (size_t)n, &v, &e))
        fail_msg("list: %s", e.msg);
    for (int i = 0; i < n; i++)
        v.u.list->items[i] = rt_int(items[i]);
    v.u.list->len = (size_t)n;
    return v;
}
