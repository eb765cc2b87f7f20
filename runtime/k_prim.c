/* k_prim.c — kernels of the structural prim ops (ListConstruct, TupleUnpack,
 * RaiseException, ...), tensor metadata queries (prim::dtype, prim::device)
 * and the conversions between 1-element tensors and scalars
 * (aten::item, aten::Int.Tensor, prim::NumToTensor). Table lines live in
 * runtime/ops_prim.def. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rt_format.h"
#include "rt_kernels.h"

/* ---- construction and unpacking ---- */

/* prim::ListConstruct(...) -> Any / prim::TupleConstruct(...) -> Any */
int k_prim_ListConstruct(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rt_list_from(RT_LIST, in, (size_t)nin, &out[0], c->err);
}

int k_prim_TupleConstruct(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rt_list_from(RT_TUPLE, in, (size_t)nin, &out[0], c->err);
}

/* prim::DictConstruct(...) -> Any: k1, v1, k2, v2, ... */
int k_prim_DictConstruct(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    if (nin % 2)
        return rt_err_set(c->err, TSJ_ERR_TYPE,
                          "prim::DictConstruct expects key/value pairs, got %d inputs", nin);
    rt_value d;
    if (rt_dict_new(&d, c->err))
        return -1;
    for (int i = 0; i < nin; i += 2) {
        if (rt_dict_set(d.u.dict, in[i], in[i + 1], c->err)) {
            rt_value_release(d);
            return -1;
        }
    }
    out[0] = d;
    return 0;
}

static int unpack(rt_ctx *c, rt_value v, rt_value *out, int nout, const char *what)
{
    if (v.kind != RT_LIST && v.kind != RT_TUPLE) {
        char buf[64];
        return rt_err_set(c->err, TSJ_ERR_TYPE, "cannot unpack a value of type %s",
                          rt_value_type_str(v, buf, sizeof buf));
    }
    const rt_list *l = v.u.list;
    if (l->len != (size_t)nout)
        return rt_err_set(c->err, TSJ_ERR_SHAPE, "Expected %d elements in a %s but found %zu",
                          nout, what, l->len);
    for (int i = 0; i < nout; i++)
        out[i] = rt_value_retain(l->items[i]);
    return 0;
}

/* prim::TupleUnpack(Any tup) -> ... */
int k_prim_TupleUnpack(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return unpack(c, in[0], out, nout, "tuple");
}

/* prim::ListUnpack(Any l) -> ... */
int k_prim_ListUnpack(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return unpack(c, in[0], out, nout, "list");
}

/* prim::TupleIndex(Any tup, int i) -> Any */
int k_prim_TupleIndex(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    int64_t i;
    if (in[0].kind != RT_TUPLE && in[0].kind != RT_LIST)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "prim::TupleIndex expects a tuple");
    if (rt_arg_int(c, in[1], "i", &i))
        return -1;
    int64_t n = (int64_t)in[0].u.list->len;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "tuple index out of range");
    out[0] = rt_value_retain(in[0].u.list->items[i]);
    return 0;
}

/* ---- control ---- */

/* prim::RaiseException(str msg, str? cls=None) -> (): "ValueError: msg"
 * for cls "builtins.ValueError"; the message alone without a class. */
int k_prim_RaiseException(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    const char *msg = in[0].kind == RT_STR ? rt_str_cstr(in[0]) : "Exception";
    if (nin > 1 && in[1].kind == RT_STR) {
        const char *cls = rt_str_cstr(in[1]);
        const char *dot = strrchr(cls, '.');
        return rt_err_set(c->err, TSJ_ERR_MODEL, "%s: %s", dot ? dot + 1 : cls, msg);
    }
    return rt_err_set(c->err, TSJ_ERR_MODEL, "%s", msg);
}

/* prim::Uninitialized() -> Any */
int k_prim_Uninitialized(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    out[0] = rt_none();
    return 0;
}

/* prim::unchecked_cast(t x) -> t, prim::unchecked_unwrap_optional: identity */
int k_prim_unchecked_cast(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    out[0] = rt_value_retain(in[0]);
    return 0;
}

/* aten::_unwrap_optional(t(a)? optional) -> t(a) */
int k__unwrap_optional(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    if (in[0].kind == RT_NONE)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "Unwrapping null optional");
    out[0] = rt_value_retain(in[0]);
    return 0;
}

/* prim::isinstance(Any obj, str type) -> bool: `type` in TorchScript
 * notation ("int", "List[int]", "Union[int, str]"); a class name matches
 * any object. */
int k_prim_isinstance(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    if (in[1].kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "prim::isinstance expects a type name");
    rt_arena a;
    rt_arena_init(&a);
    const rt_type *t = rt_type_parse(&a, rt_str_cstr(in[1]), c->err);
    if (!t) {
        rt_arena_free(&a);
        return -1;
    }
    bool r = rt_value_matches(in[0], t);
    /* Python: isinstance(1, float) is False, isinstance(True, int) is True */
    if (t->kind == RT_T_FLOAT)
        r = in[0].kind == RT_FLOAT;
    else if (t->kind == RT_T_INT)
        r = in[0].kind == RT_INT || in[0].kind == RT_BOOL;
    rt_arena_free(&a);
    out[0] = rt_bool(r);
    return 0;
}

/* ---- tensor metadata ---- */

/* prim::dtype(Tensor a) -> int */
int k_prim_dtype(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "a", &t))
        return -1;
    out[0] = rt_int(t->dtype);
    return 0;
}

/* prim::device(Tensor a) -> Device: always "cpu" */
int k_prim_device(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "a", &t))
        return -1;
    return rt_str_from_cstr("cpu", &out[0], c->err);
}

/* prim::is_cuda / is_nested / requires_grad (Tensor a) -> bool: false on a
 * CPU inference engine. */
int k_prim_is_cuda(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "a", &t))
        return -1;
    out[0] = rt_bool(false);
    return 0;
}

/* prim::layout(Tensor a) -> Layout: torch.strided (0) */
int k_prim_layout(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "a", &t))
        return -1;
    out[0] = rt_int(0);
    return 0;
}

/* prim::type(Device self) -> str: the device type ("cpu" of "cpu:0") */
int k_prim_type(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    if (in[0].kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "prim::type expects a Device");
    const char *s = rt_str_cstr(in[0]);
    const char *colon = strchr(s, ':');
    return rt_str_new(s, colon ? (size_t)(colon - s) : strlen(s), &out[0], c->err);
}

/* aten::device(str a) -> Device: only CPU devices exist here */
int k_device(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    if (in[0].kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "aten::device expects a str");
    const char *s = rt_str_cstr(in[0]);
    if (strncmp(s, "cpu", 3) != 0 || (s[3] && s[3] != ':'))
        return rt_err_set(c->err, TSJ_ERR_UNSUPPORTED,
                          "device '%s' is not available (tsjit runs on the CPU only)", s);
    out[0] = rt_value_retain(in[0]);
    return 0;
}

/* prim::data(Tensor(a) a) -> Tensor(a): a new tensor sharing the storage */
int k_prim_data(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "a", &t))
        return -1;
    rt_tensor *v = rt_tensor_view(t->storage, (rt_dtype)t->dtype, t->ndim, t->shape, t->strides,
                                  t->offset, c->err);
    if (!v)
        return -1;
    rt_out_tensor(&out[0], v);
    return 0;
}

/* ---- tensor <-> scalar ---- */

/* The single element of t; "a Tensor with N elements cannot be converted
 * to Scalar" otherwise. */
static int single(rt_ctx *c, rt_value v, rt_tensor **t, const void **p)
{
    if (rt_arg_tensor(c, v, "a", t))
        return -1;
    int64_t n = rt_tensor_numel(*t);
    if (n != 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "a Tensor with %lld elements cannot be converted to Scalar",
                          (long long)n);
    *p = rt_tensor_data(*t);
    return 0;
}

/* aten::item(Tensor self) -> Scalar, aten::ScalarImplicit(Tensor a) -> Scalar */
int k_item(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    const void *p = NULL;
    if (single(c, in[0], &t, &p))
        return -1;
    rt_dtype d = (rt_dtype)t->dtype;
    if (d == RT_BOOL_)
        out[0] = rt_bool(rt_load_i64(p, d) != 0);
    else if (rt_dtype_is_float(d))
        out[0] = rt_float(rt_load_f64(p, d));
    else
        out[0] = rt_int(rt_load_i64(p, d));
    return 0;
}

/* float -> int64 as c10 casts it: truncation; NaN, inf and out-of-range
 * values give INT64_MIN (what x86 produces for PyTorch). */
static int64_t f2i(double d)
{
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)d;
}

/* aten::Int.Tensor(Tensor a) -> int */
int k_Int_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    const void *p = NULL;
    if (single(c, in[0], &t, &p))
        return -1;
    rt_dtype d = (rt_dtype)t->dtype;
    out[0] = rt_int(rt_dtype_is_float(d) ? f2i(rt_load_f64(p, d)) : rt_load_i64(p, d));
    return 0;
}

/* aten::Float.Tensor(Tensor a) -> float */
int k_Float_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    const void *p = NULL;
    if (single(c, in[0], &t, &p))
        return -1;
    out[0] = rt_float(rt_load_f64(p, (rt_dtype)t->dtype));
    return 0;
}

/* aten::Bool.Tensor(Tensor a) -> bool */
int k_Bool_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "a", &t))
        return -1;
    int64_t n = rt_tensor_numel(t);
    if (n != 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          n ? "Boolean value of Tensor with more than one value is ambiguous"
                            : "Boolean value of Tensor with no values is ambiguous");
    out[0] = rt_bool(rt_load_f64(rt_tensor_data(t), (rt_dtype)t->dtype) != 0);
    return 0;
}

/* prim::NumToTensor.Scalar(Scalar a) -> Tensor, .bool(bool a): a 0-dim
 * int64 / float64 / bool tensor. */
int k_prim_NumToTensor_Scalar(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    switch (in[0].kind) {
    case RT_INT: t = rt_tensor_scalar_i64(in[0].u.i, RT_I64, c->err); break;
    case RT_BOOL: t = rt_tensor_scalar_i64(in[0].u.b, RT_BOOL_, c->err); break;
    case RT_FLOAT: t = rt_tensor_scalar_f64(in[0].u.f, RT_F64, c->err); break;
    default: {
        char buf[64];
        return rt_err_set(c->err, TSJ_ERR_TYPE, "NumToTensor expects a number, got %s",
                          rt_value_type_str(in[0], buf, sizeof buf));
    }
    }
    if (!t)
        return -1;
    rt_out_tensor(&out[0], t);
    return 0;
}

/* aten::len.Tensor(Tensor t) -> int */
int k_len_Tensor(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    rt_tensor *t;
    if (rt_arg_tensor(c, in[0], "t", &t))
        return -1;
    if (t->ndim == 0)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "len() of a 0-d tensor");
    out[0] = rt_int(t->shape[0]);
    return 0;
}

/* ---- state queries and side effects ---- */

/* aten::is_grad_enabled() / aten::is_autocast_enabled() -> bool: false */
int k_is_grad_enabled(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    out[0] = rt_bool(false);
    return 0;
}

/* aten::warn(str message, int stacklevel=2) -> (): silent */
int k_warn(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout) { return 0; }

/* aten::__is__(t1 self, t2 obj) -> bool: identity for heap objects, value
 * equality of the same kind for inline ones (c10::IValue::is). */
static bool value_is(rt_value a, rt_value b)
{
    if (a.kind != b.kind)
        return false;
    if (rt_is_obj(a))
        return a.u.obj == b.u.obj;
    return rt_value_equal(a, b);
}

int k___is__(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    out[0] = rt_bool(value_is(in[0], in[1]));
    return 0;
}

int k___isnot__(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    out[0] = rt_bool(!value_is(in[0], in[1]));
    return 0;
}

/* aten::str(t elem) -> str */
int k_str(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    return rt_format_to_str(in[0], RT_FMT_TS, &out[0], c->err);
}

/* aten::format(str self, ...) -> str */
int k_format(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    if (nin < 1 || in[0].kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "format expects a format string");
    return rt_format_python(rt_str_cstr(in[0]), in + 1, nin - 1, &out[0], c->err);
}
