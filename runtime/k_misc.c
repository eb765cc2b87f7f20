/* k_misc.c — kernels of ops_misc.def: copy_/fill_/zero_ into an existing
 * tensor (broadcasting the source, converting its dtype), and tensor
 * property queries. */
#include <string.h>

#include "rt_broadcast.h"
#include "rt_kernels.h"

int k_copy_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *self, *src;
    if (rt_arg_tensor(c, in[0], "self", &self) || rt_arg_tensor(c, in[1], "src", &src))
        return -1;
    rt_tensor *view = rt_broadcast_view(src, self->ndim, self->shape, c->err);
    if (!view)
        return -1;
    /* copy through a temporary when the two overlap */
    rt_tensor *tmp = rt_ew_overlaps(self, view) ? rt_tensor_clone(view, c->err) : NULL;
    int rc = rt_tensor_copy_into(self, tmp ? tmp : view, c->err);
    rt_tensor_release(tmp);
    rt_tensor_release(view);
    if (rc)
        return -1;
    out[0] = rt_value_retain(in[0]);
    return 0;
}

int k_fill_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *self;
    if (rt_arg_tensor(c, in[0], "self", &self))
        return -1;
    rt_value v = in[1];
    if (v.kind == RT_TENSOR) {
        if (v.u.tensor->ndim != 0)
            return rt_err_set(c->err, TSJ_ERR_SHAPE,
                              "fill_ only supports 0-dimension value tensor but got tensor with "
                              "%d dimensions.",
                              v.u.tensor->ndim);
        return k_copy_(c, in, nin, out, nout);
    }
    rt_tensor *s = rt_scalar_tensor(v, (rt_dtype)self->dtype, c->err);
    if (!s)
        return -1;
    rt_value args[2] = {in[0], rt_tensor_value(s)};
    int rc = k_copy_(c, args, 2, out, nout);
    rt_tensor_release(s);
    return rc;
}

int k_zero_(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_value args[2] = {in[0], rt_int(0)};
    return k_fill_(c, args, 2, out, nout);
}

static int tensor_prop(rt_ctx *c, const rt_value *in, rt_value *out, int which)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "self", &t))
        return -1;
    rt_dtype d = (rt_dtype)t->dtype;
    switch (which) {
    case 0: out[0] = rt_bool(rt_dtype_is_float(d)); break;
    case 1: out[0] = rt_bool(false); break;
    case 2: out[0] = rt_bool(rt_dtype_get(d)->is_signed); break;
    case 3: out[0] = rt_bool(rt_tensor_is_contiguous(t)); break;
    default: out[0] = rt_int((int64_t)rt_dtype_size(d)); break;
    }
    return 0;
}

int k_is_floating_point(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return tensor_prop(c, in, out, 0);
}
int k_is_complex(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return tensor_prop(c, in, out, 1);
}
int k_is_signed(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return tensor_prop(c, in, out, 2);
}
int k_is_contiguous(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return tensor_prop(c, in, out, 3);
}
int k_element_size(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return tensor_prop(c, in, out, 4);
}

static bool truthy(rt_value v)
{
    switch (v.kind) {
    case RT_BOOL: return v.u.b;
    case RT_INT: return v.u.i != 0;
    case RT_FLOAT: return v.u.f != 0;
    case RT_STR: return v.u.str->len != 0;
    default: return v.kind != RT_NONE;
    }
}

static int list_quantifier(rt_ctx *c, const rt_value *in, rt_value *out, bool want_all)
{
    if (in[0].kind != RT_LIST)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected a list");
    rt_list *l = in[0].u.list;
    bool r = want_all;
    for (size_t i = 0; i < l->len; i++) {
        if (truthy(l->items[i]) != want_all) {
            r = !want_all;
            break;
        }
    }
    out[0] = rt_bool(r);
    return 0;
}

int k_list_all(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return list_quantifier(c, in, out, true);
}

int k_list_any(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return list_quantifier(c, in, out, false);
}

int k_set_grad_enabled(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    bool v;
    return rt_arg_bool(c, in[0], "val", &v);
}

int k_unsupported_op(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED,
                      "operator '%s' is not supported by tsjit (this model reached a call of it)",
                      nin > 0 && in[0].kind == RT_STR ? rt_str_cstr(in[0]) : "?");
}
