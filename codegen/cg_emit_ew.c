/*
 * cg_emit_ew.c — fused elementwise groups: which operators have an
 * emitter (the table below, indexed by rt_op_id), and the loop nest one
 * group becomes.
 *
 * A group iterates over its shape; every operand (input tensors broadcast
 * with stride 0, outputs contiguous) gets constant element strides, dims
 * that are contiguous for every operand are merged, so the inner loop is
 * as long as possible and has unit or zero strides: LLVM's loop vectorizer
 * widens it. Inside the loop each member computes one element in its
 * compute type (float32 / float64 / int64 / i1 — the interpreter's
 * rt_ew_compute_type) from its operands converted to that type; only the
 * group's outputs are stored.
 *
 *   guarded group:  all(cg_rt_guard(input))  ? fast loop : every member
 *                   through cg_rt_node (the interpreter's kernels)
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "cg_llvm.h"
#include "rt_broadcast.h"

enum ew_cls {
    C_NONE, C_ARITH, C_DIV, C_CMP, C_LOGIC, C_UNARY, C_FLOAT, C_ACT, C_WHERE, C_MFILL, C_TO
};
enum ew_code {
    E_ADD = 1, E_SUB, E_RSUB, E_MUL, E_MAX, E_MIN, E_DIV,
    E_EQ, E_NE, E_LT, E_LE, E_GT, E_GE, E_LAND, E_LOR, E_LXOR, E_LNOT,
    E_NEG, E_ABS, E_SQUARE, E_RELU, E_RELU6, E_HARDTANH, E_CLAMP, E_CLAMP_MIN, E_CLAMP_MAX,
    E_EXP, E_SQRT, E_RSQRT, E_RECIP, E_TANH, E_SIGMOID, E_ERF,
    E_LEAKY, E_ELU, E_GELU, E_SILU, E_HSWISH, E_HSIG, E_WHERE, E_MFILL, E_TO
};

typedef struct ew_op {
    uint8_t cls, code, nops; /* nops: leading operand inputs */
} ew_op;

static const ew_op ew_ops[RT_OP_COUNT] = {
    [RT_OP_add_Tensor] = {C_ARITH, E_ADD, 2}, [RT_OP_add_Scalar] = {C_ARITH, E_ADD, 2},
    [RT_OP_sub_Tensor] = {C_ARITH, E_SUB, 2}, [RT_OP_sub_Scalar] = {C_ARITH, E_SUB, 2},
    [RT_OP_rsub_Tensor] = {C_ARITH, E_RSUB, 2}, [RT_OP_rsub_Scalar] = {C_ARITH, E_RSUB, 2},
    [RT_OP_mul_Tensor] = {C_ARITH, E_MUL, 2}, [RT_OP_mul_Scalar] = {C_ARITH, E_MUL, 2},
    [RT_OP_maximum] = {C_ARITH, E_MAX, 2}, [RT_OP_minimum] = {C_ARITH, E_MIN, 2},
    [RT_OP_max_other] = {C_ARITH, E_MAX, 2}, [RT_OP_min_other] = {C_ARITH, E_MIN, 2},
    [RT_OP_div_Tensor] = {C_DIV, E_DIV, 2}, [RT_OP_div_Scalar] = {C_DIV, E_DIV, 2},
    [RT_OP_true_divide_Tensor] = {C_DIV, E_DIV, 2},
    [RT_OP_true_divide_Scalar] = {C_DIV, E_DIV, 2},
    [RT_OP_eq_Tensor] = {C_CMP, E_EQ, 2}, [RT_OP_eq_Scalar] = {C_CMP, E_EQ, 2},
    [RT_OP_ne_Tensor] = {C_CMP, E_NE, 2}, [RT_OP_ne_Scalar] = {C_CMP, E_NE, 2},
    [RT_OP_lt_Tensor] = {C_CMP, E_LT, 2}, [RT_OP_lt_Scalar] = {C_CMP, E_LT, 2},
    [RT_OP_le_Tensor] = {C_CMP, E_LE, 2}, [RT_OP_le_Scalar] = {C_CMP, E_LE, 2},
    [RT_OP_gt_Tensor] = {C_CMP, E_GT, 2}, [RT_OP_gt_Scalar] = {C_CMP, E_GT, 2},
    [RT_OP_ge_Tensor] = {C_CMP, E_GE, 2}, [RT_OP_ge_Scalar] = {C_CMP, E_GE, 2},
    [RT_OP_logical_and] = {C_LOGIC, E_LAND, 2}, [RT_OP_logical_or] = {C_LOGIC, E_LOR, 2},
    [RT_OP_logical_xor] = {C_LOGIC, E_LXOR, 2}, [RT_OP_logical_not] = {C_LOGIC, E_LNOT, 1},
    [RT_OP_neg] = {C_UNARY, E_NEG, 1}, [RT_OP_abs] = {C_UNARY, E_ABS, 1},
    [RT_OP_square] = {C_UNARY, E_SQUARE, 1}, [RT_OP_relu] = {C_UNARY, E_RELU, 1},
    [RT_OP_relu6] = {C_ACT, E_RELU6, 1}, [RT_OP_hardtanh] = {C_ACT, E_HARDTANH, 1},
    [RT_OP_clamp] = {C_ACT, E_CLAMP, 1}, [RT_OP_clamp_min] = {C_ACT, E_CLAMP_MIN, 1},
    [RT_OP_clamp_max] = {C_ACT, E_CLAMP_MAX, 1},
    [RT_OP_exp] = {C_FLOAT, E_EXP, 1}, [RT_OP_sqrt] = {C_FLOAT, E_SQRT, 1},
    [RT_OP_rsqrt] = {C_FLOAT, E_RSQRT, 1}, [RT_OP_reciprocal] = {C_FLOAT, E_RECIP, 1},
    [RT_OP_tanh] = {C_FLOAT, E_TANH, 1}, [RT_OP_sigmoid] = {C_FLOAT, E_SIGMOID, 1},
    [RT_OP_erf] = {C_FLOAT, E_ERF, 1},
    [RT_OP_leaky_relu] = {C_ACT, E_LEAKY, 1}, [RT_OP_elu] = {C_ACT, E_ELU, 1},
    [RT_OP_gelu] = {C_ACT, E_GELU, 1}, [RT_OP_silu] = {C_ACT, E_SILU, 1},
    [RT_OP_hardswish] = {C_ACT, E_HSWISH, 1}, [RT_OP_hardsigmoid] = {C_ACT, E_HSIG, 1},
    [RT_OP_where_self] = {C_WHERE, E_WHERE, 3}, [RT_OP_where_ScalarSelf] = {C_WHERE, E_WHERE, 3},
    [RT_OP_where_ScalarOther] = {C_WHERE, E_WHERE, 3},
    [RT_OP_where_Scalar] = {C_WHERE, E_WHERE, 3},
    [RT_OP_masked_fill_Scalar] = {C_MFILL, E_MFILL, 3},
    [RT_OP_to_dtype] = {C_TO, E_TO, 1},
};

/* ---- dtypes ------------------------------------------------------------------ */

static bool storable(int d)
{
    switch (d) {
    case RT_F32: case RT_F64: case RT_I64: case RT_I32: case RT_I16: case RT_I8: case RT_U8:
    case RT_BOOL_:
        return true;
    default:
        return false;
    }
}

/* register types: RT_F32, RT_F64, RT_I64, RT_BOOL_ (i1) */
static int compute_type(int d)
{
    if (d == RT_F32 || d == RT_F64)
        return d;
    if (d == RT_BOOL_)
        return RT_BOOL_;
    return RT_I64;
}

static bool is_float_reg(int r) { return r == RT_F32 || r == RT_F64; }

static const rt_value *cin(const cg_spec *s, const ir_node *n, uint32_t i)
{
    return i < n->nin ? ir_value_const(s->g, n->in[i]) : NULL;
}

static bool cnum(const cg_spec *s, const ir_node *n, uint32_t i, double *v)
{
    const rt_value *p = cin(s, n, i);
    if (!p)
        return false;
    switch (p->kind) {
    case RT_INT: *v = (double)p->u.i; return true;
    case RT_FLOAT: *v = p->u.f; return true;
    case RT_BOOL: *v = p->u.b; return true;
    default: return false;
    }
}

static bool cnone_or_num(const cg_spec *s, const ir_node *n, uint32_t i)
{
    const rt_value *p = cin(s, n, i);
    double d;
    return p && (p->kind == RT_NONE || cnum(s, n, i, &d));
}

bool cg_ew_fusable(const cg_spec *s, const ir_node *n)
{
    if (n->kind != IR_OP || n->nout != 1 || (unsigned)n->op >= RT_OP_COUNT)
        return false;
    const ew_op *op = &ew_ops[n->op];
    if (op->cls == C_NONE || n->nin < op->nops)
        return false;
    const cg_meta *o = &s->meta[n->out[0]];
    if (o->kind != RT_TENSOR || !o->shaped || !storable(o->dtype))
        return false;
    bool any_tensor = false;
    for (uint32_t i = 0; i < op->nops; i++) {
        const cg_meta *m = &s->meta[n->in[i]];
        if (m->kind == RT_TENSOR) {
            if (!m->shaped || !m->contig || !storable(m->dtype))
                return false;
            any_tensor = true;
        } else if (m->kind != RT_INT && m->kind != RT_FLOAT && m->kind != RT_BOOL) {
            return false;
        }
    }
    if (!any_tensor)
        return false;
    int ct = compute_type(o->dtype);
    const cg_meta *x = &s->meta[n->in[0]];
    double d;
    switch (op->cls) {
    case C_ARITH:
        if (ct == RT_BOOL_)
            return false;
        if (op->code == E_ADD || op->code == E_SUB || op->code == E_RSUB)
            return n->nin == 3 && cnum(s, n, 2, &d);
        return n->nin == 2;
    case C_DIV:
        return is_float_reg(ct) && n->nin == 2;
    case C_CMP:
        return o->dtype == RT_BOOL_ && n->nin == 2;
    case C_LOGIC:
        return o->dtype == RT_BOOL_;
    case C_UNARY:
        return ct != RT_BOOL_ && x->kind == RT_TENSOR && x->dtype == o->dtype;
    case C_FLOAT:
        /* transcendentals are emitted for float32 only */
        if (op->code == E_SQRT || op->code == E_RSQRT || op->code == E_RECIP)
            return is_float_reg(ct) && x->kind == RT_TENSOR && rt_dtype_is_float(x->dtype);
        return ct == RT_F32 && x->kind == RT_TENSOR && x->dtype == RT_F32;
    case C_ACT:
        if (x->kind != RT_TENSOR || x->dtype != o->dtype || !is_float_reg(ct))
            return false;
        switch (op->code) {
        case E_RELU6: return true;
        case E_HARDTANH: return n->nin == 3 && cnum(s, n, 1, &d) && cnum(s, n, 2, &d);
        case E_CLAMP: return n->nin == 3 && cnone_or_num(s, n, 1) && cnone_or_num(s, n, 2);
        case E_CLAMP_MIN:
        case E_CLAMP_MAX: return n->nin == 2 && cnum(s, n, 1, &d);
        case E_LEAKY: return n->nin == 2 && cnum(s, n, 1, &d);
        case E_ELU:
            return ct == RT_F32 && n->nin == 4 && cnum(s, n, 1, &d) && cnum(s, n, 2, &d) &&
                   cnum(s, n, 3, &d);
        case E_GELU: {
            const rt_value *a = cin(s, n, 1);
            return ct == RT_F32 && n->nin == 2 && a && a->kind == RT_STR &&
                   (!strcmp(rt_str_cstr(*a), "none") || !strcmp(rt_str_cstr(*a), "tanh"));
        }
        case E_SILU: return ct == RT_F32;
        case E_HSWISH:
        case E_HSIG: return true;
        default: return false;
        }
    case C_WHERE: {
        const cg_meta *c = &s->meta[n->in[0]];
        return c->kind == RT_TENSOR && c->dtype == RT_BOOL_ && ct != RT_BOOL_;
    }
    case C_MFILL: {
        const cg_meta *mk = &s->meta[n->in[1]];
        const cg_meta *val = &s->meta[n->in[2]];
        return x->kind == RT_TENSOR && mk->kind == RT_TENSOR && mk->dtype == RT_BOOL_ &&
               ct != RT_BOOL_ && x->dtype == o->dtype &&
               !(ct == RT_I64 && val->kind == RT_FLOAT); /* no float → int casts */
    }
    case C_TO:
        /* a real conversion only: same dtype returns self (an alias);
         * float to integer is left to the kernel (out-of-range values are
         * poison for LLVM's fptosi, whatever the C cast does) */
        return x->kind == RT_TENSOR && x->dtype != o->dtype && n->nin >= 2 &&
               !(rt_dtype_is_float(x->dtype) && !rt_dtype_is_float(o->dtype) &&
                 o->dtype != RT_BOOL_);
    default:
        return false;
    }
}

/* ---- values inside the loop ------------------------------------------------------ */

typedef struct rv {
    LLVMValueRef v;
    int t; /* register type */
} rv;

static LLVMTypeRef reg_type(cg_em *m, int t)
{
    return t == RT_F32 ? m->f32 : t == RT_F64 ? m->f64 : t == RT_I64 ? m->i64 : m->i1;
}

static LLVMTypeRef mem_type(cg_em *m, int d)
{
    switch (d) {
    case RT_F32: return m->f32;
    case RT_F64: return m->f64;
    case RT_I64: return m->i64;
    case RT_I32: return m->i32;
    case RT_I16: return m->i16;
    default: return m->i8; /* i8, u8, bool */
    }
}

static rv cvt(cg_em *m, rv x, int to)
{
    LLVMBuilderRef B = m->B;
    if (x.t == to)
        return x;
    rv r = {NULL, to};
    LLVMTypeRef T = reg_type(m, to);
    if (to == RT_BOOL_) {
        r.v = is_float_reg(x.t) ? LLVMBuildFCmp(B, LLVMRealUNE, x.v, LLVMConstReal(reg_type(m, x.t), 0), "")
                                : LLVMBuildICmp(B, LLVMIntNE, x.v, LLVMConstInt(reg_type(m, x.t), 0, 0), "");
    } else if (is_float_reg(to)) {
        if (is_float_reg(x.t))
            r.v = to == RT_F64 ? LLVMBuildFPExt(B, x.v, T, "") : LLVMBuildFPTrunc(B, x.v, T, "");
        else if (x.t == RT_BOOL_)
            r.v = LLVMBuildUIToFP(B, x.v, T, "");
        else
            r.v = LLVMBuildSIToFP(B, x.v, T, "");
    } else { /* to i64 */
        if (is_float_reg(x.t))
            r.v = LLVMBuildFPToSI(B, x.v, T, "");
        else
            r.v = LLVMBuildZExt(B, x.v, T, ""); /* from i1 */
    }
    return r;
}

static rv load_elem(cg_em *m, LLVMValueRef base, int dtype, LLVMValueRef idx)
{
    LLVMTypeRef mt = mem_type(m, dtype);
    LLVMValueRef p = LLVMBuildInBoundsGEP2(m->B, mt, base, &idx, 1, "");
    LLVMValueRef v = LLVMBuildLoad2(m->B, mt, p, "");
    rv r;
    switch (dtype) {
    case RT_F32: r = (rv){v, RT_F32}; break;
    case RT_F64: r = (rv){v, RT_F64}; break;
    case RT_I64: r = (rv){v, RT_I64}; break;
    case RT_BOOL_: r = (rv){LLVMBuildICmp(m->B, LLVMIntNE, v, LLVMConstInt(m->i8, 0, 0), ""), RT_BOOL_}; break;
    case RT_U8: r = (rv){LLVMBuildZExt(m->B, v, m->i64, ""), RT_I64}; break;
    default: r = (rv){LLVMBuildSExt(m->B, v, m->i64, ""), RT_I64}; break;
    }
    return r;
}

static void store_elem(cg_em *m, LLVMValueRef base, int dtype, LLVMValueRef idx, rv x)
{
    int reg = compute_type(dtype);
    x = cvt(m, x, reg);
    LLVMTypeRef mt = mem_type(m, dtype);
    LLVMValueRef v = x.v;
    if (dtype == RT_BOOL_)
        v = LLVMBuildZExt(m->B, v, m->i8, "");
    else if (reg == RT_I64 && dtype != RT_I64)
        v = LLVMBuildTrunc(m->B, v, mt, "");
    LLVMValueRef p = LLVMBuildInBoundsGEP2(m->B, mt, base, &idx, 1, "");
    LLVMBuildStore(m->B, v, p);
}

static rv kconst(cg_em *m, int t, double v)
{
    rv r = {NULL, t};
    if (is_float_reg(t))
        r.v = LLVMConstReal(reg_type(m, t), v);
    else if (t == RT_I64)
        r.v = LLVMConstInt(m->i64, (uint64_t)(int64_t)v, 1);
    else
        r.v = LLVMConstInt(m->i1, v != 0, 0);
    return r;
}

static rv scalar_const(cg_em *m, rt_value v)
{
    switch (v.kind) {
    case RT_FLOAT: return (rv){LLVMConstReal(m->f64, v.u.f), RT_F64};
    case RT_INT: return (rv){LLVMConstInt(m->i64, (uint64_t)v.u.i, 1), RT_I64};
    default: return (rv){LLVMConstInt(m->i1, v.u.b, 0), RT_BOOL_};
    }
}

static LLVMValueRef fsel(cg_em *m, LLVMValueRef c, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(m->B, c, a, b, "");
}

/* max/min propagating NaN (float) */
static LLVMValueRef emit_maxmin(cg_em *m, rv a, rv b, bool max)
{
    LLVMBuilderRef B = m->B;
    if (is_float_reg(a.t)) {
        LLVMValueRef c = LLVMBuildFCmp(B, max ? LLVMRealOGT : LLVMRealOLT, a.v, b.v, "");
        LLVMValueRef r = fsel(m, c, a.v, b.v);
        r = fsel(m, LLVMBuildFCmp(B, LLVMRealUNO, a.v, a.v, ""), a.v, r);
        return fsel(m, LLVMBuildFCmp(B, LLVMRealUNO, b.v, b.v, ""), b.v, r);
    }
    return fsel(m, LLVMBuildICmp(B, max ? LLVMIntSGT : LLVMIntSLT, a.v, b.v, ""), a.v, b.v);
}

/* clamp as the interpreter writes it: (x < lo ? lo : x) > hi ? hi : ... */
static LLVMValueRef emit_clamp(cg_em *m, rv x, const rv *lo, const rv *hi)
{
    LLVMBuilderRef B = m->B;
    LLVMValueRef r = x.v;
    bool f = is_float_reg(x.t);
    if (lo)
        r = fsel(m, f ? LLVMBuildFCmp(B, LLVMRealOLT, r, lo->v, "") : LLVMBuildICmp(B, LLVMIntSLT, r, lo->v, ""), lo->v, r);
    if (hi)
        r = fsel(m, f ? LLVMBuildFCmp(B, LLVMRealOGT, r, hi->v, "") : LLVMBuildICmp(B, LLVMIntSGT, r, hi->v, ""), hi->v, r);
    return r;
}

static double num_of(const cg_spec *s, const ir_node *n, uint32_t i)
{
    double d = 0;
    cnum(s, n, i, &d);
    return d;
}

/* One element of member n from its operands (already in ops[]). */
static rv emit_member(cg_em *m, const ir_node *n, rv *ops)
{
    const cg_spec *s = m->s;
    const ew_op *op = &ew_ops[n->op];
    LLVMBuilderRef B = m->B;
    int od = s->meta[n->out[0]].dtype;
    int ct = compute_type(od);
    rv r = {NULL, ct};
    LLVMTypeRef T = reg_type(m, ct);
    bool f = is_float_reg(ct);
    switch (op->cls) {
    case C_ARITH:
    case C_DIV: {
        rv a = cvt(m, ops[0], ct), b = cvt(m, ops[1], ct);
        if (op->code == E_ADD || op->code == E_SUB || op->code == E_RSUB) {
            double alpha = num_of(s, n, 2);
            if (alpha != 1.0) {
                rv al = kconst(m, ct, alpha);
                if (op->code == E_RSUB)
                    a.v = f ? LLVMBuildFMul(B, a.v, al.v, "") : LLVMBuildMul(B, a.v, al.v, "");
                else
                    b.v = f ? LLVMBuildFMul(B, b.v, al.v, "") : LLVMBuildMul(B, b.v, al.v, "");
            }
        }
        switch (op->code) {
        case E_ADD: r.v = f ? LLVMBuildFAdd(B, a.v, b.v, "") : LLVMBuildAdd(B, a.v, b.v, ""); break;
        case E_SUB: r.v = f ? LLVMBuildFSub(B, a.v, b.v, "") : LLVMBuildSub(B, a.v, b.v, ""); break;
        case E_RSUB: r.v = f ? LLVMBuildFSub(B, b.v, a.v, "") : LLVMBuildSub(B, b.v, a.v, ""); break;
        case E_MUL: r.v = f ? LLVMBuildFMul(B, a.v, b.v, "") : LLVMBuildMul(B, a.v, b.v, ""); break;
        case E_MAX: r.v = emit_maxmin(m, a, b, true); break;
        case E_MIN: r.v = emit_maxmin(m, a, b, false); break;
        case E_DIV: r.v = LLVMBuildFDiv(B, a.v, b.v, ""); break;
        }
        return r;
    }
    case C_CMP: {
        const cg_meta *mo[2] = {&s->meta[n->in[0]], &s->meta[n->in[1]]};
        int rt = cg_result_type(mo, 2);
        int cct = rt < 0 ? RT_F64 : compute_type(rt);
        if (cct == RT_BOOL_)
            cct = RT_I64;
        rv a = cvt(m, ops[0], cct), b = cvt(m, ops[1], cct);
        bool ff = is_float_reg(cct);
        static const LLVMRealPredicate fp[] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                               LLVMRealOLE, LLVMRealOGT, LLVMRealOGE};
        static const LLVMIntPredicate ip[] = {LLVMIntEQ, LLVMIntNE, LLVMIntSLT,
                                              LLVMIntSLE, LLVMIntSGT, LLVMIntSGE};
        int k = op->code - E_EQ;
        r.v = ff ? LLVMBuildFCmp(B, fp[k], a.v, b.v, "") : LLVMBuildICmp(B, ip[k], a.v, b.v, "");
        r.t = RT_BOOL_;
        return r;
    }
    case C_LOGIC: {
        rv a = cvt(m, ops[0], RT_BOOL_);
        if (op->code == E_LNOT) {
            r.v = LLVMBuildNot(B, a.v, "");
        } else {
            rv b = cvt(m, ops[1], RT_BOOL_);
            r.v = op->code == E_LAND ? LLVMBuildAnd(B, a.v, b.v, "")
                  : op->code == E_LOR ? LLVMBuildOr(B, a.v, b.v, "")
                                      : LLVMBuildXor(B, a.v, b.v, "");
        }
        r.t = RT_BOOL_;
        return r;
    }
    case C_UNARY:
    case C_FLOAT:
    case C_ACT: {
        rv x = cvt(m, ops[0], ct);
        LLVMValueRef z = f ? LLVMConstReal(T, 0) : LLVMConstInt(T, 0, 0);
        switch (op->code) {
        case E_NEG: r.v = f ? LLVMBuildFNeg(B, x.v, "") : LLVMBuildSub(B, z, x.v, ""); break;
        case E_ABS:
            r.v = f ? cg_math_intrinsic1(m, "llvm.fabs", x.v)
                    : fsel(m, LLVMBuildICmp(B, LLVMIntSLT, x.v, z, ""), LLVMBuildSub(B, z, x.v, ""), x.v);
            break;
        case E_SQUARE: r.v = f ? LLVMBuildFMul(B, x.v, x.v, "") : LLVMBuildMul(B, x.v, x.v, ""); break;
        case E_RELU:
            r.v = fsel(m, f ? LLVMBuildFCmp(B, LLVMRealOLT, x.v, z, "") : LLVMBuildICmp(B, LLVMIntSLT, x.v, z, ""), z, x.v);
            break;
        case E_RELU6: {
            rv lo = kconst(m, ct, 0), hi = kconst(m, ct, 6);
            r.v = emit_clamp(m, x, &lo, &hi);
            break;
        }
        case E_HARDTANH: {
            rv lo = kconst(m, ct, num_of(s, n, 1)), hi = kconst(m, ct, num_of(s, n, 2));
            r.v = emit_clamp(m, x, &lo, &hi);
            break;
        }
        case E_CLAMP: {
            double a, b;
            bool hl = cnum(s, n, 1, &a), hh = cnum(s, n, 2, &b);
            rv lo = kconst(m, ct, hl ? a : 0), hi = kconst(m, ct, hh ? b : 0);
            r.v = emit_clamp(m, x, hl ? &lo : NULL, hh ? &hi : NULL);
            break;
        }
        case E_CLAMP_MIN: {
            rv lo = kconst(m, ct, num_of(s, n, 1));
            r.v = emit_clamp(m, x, &lo, NULL);
            break;
        }
        case E_CLAMP_MAX: {
            rv hi = kconst(m, ct, num_of(s, n, 1));
            r.v = emit_clamp(m, x, NULL, &hi);
            break;
        }
        case E_EXP: r.v = cg_math_exp(m, x.v); break;
        case E_SQRT: r.v = cg_math_intrinsic1(m, "llvm.sqrt", x.v); break;
        case E_RSQRT:
            r.v = LLVMBuildFDiv(B, LLVMConstReal(T, 1), cg_math_intrinsic1(m, "llvm.sqrt", x.v), "");
            break;
        case E_RECIP: r.v = LLVMBuildFDiv(B, LLVMConstReal(T, 1), x.v, ""); break;
        case E_TANH: r.v = cg_math_tanh(m, x.v); break;
        case E_SIGMOID: r.v = cg_math_sigmoid(m, x.v); break;
        case E_ERF: r.v = cg_math_erf(m, x.v); break;
        case E_LEAKY: {
            LLVMValueRef sl = LLVMConstReal(T, num_of(s, n, 1));
            r.v = fsel(m, LLVMBuildFCmp(B, LLVMRealOGT, x.v, z, ""), x.v, LLVMBuildFMul(B, x.v, sl, ""));
            break;
        }
        case E_ELU: {
            double alpha = num_of(s, n, 1), scale = num_of(s, n, 2), is = num_of(s, n, 3);
            LLVMValueRef e = cg_math_exp(m, LLVMBuildFMul(B, x.v, LLVMConstReal(T, is), ""));
            LLVMValueRef neg = LLVMBuildFMul(B, LLVMBuildFSub(B, e, LLVMConstReal(T, 1), ""),
                                             LLVMConstReal(T, alpha * scale), "");
            r.v = fsel(m, LLVMBuildFCmp(B, LLVMRealOLE, x.v, z, ""), neg,
                       LLVMBuildFMul(B, x.v, LLVMConstReal(T, scale), ""));
            break;
        }
        case E_GELU: {
            const rt_value *a = cin(s, n, 1);
            LLVMValueRef half = LLVMConstReal(T, 0.5), one = LLVMConstReal(T, 1);
            if (!strcmp(rt_str_cstr(*a), "tanh")) {
                LLVMValueRef x3 = LLVMBuildFMul(B, LLVMBuildFMul(B, x.v, x.v, ""), x.v, "");
                LLVMValueRef in = LLVMBuildFAdd(B, x.v, LLVMBuildFMul(B, LLVMConstReal(T, 0.044715), x3, ""), "");
                in = LLVMBuildFMul(B, LLVMConstReal(T, 0.7978845608028654), in, "");
                r.v = LLVMBuildFMul(B, LLVMBuildFMul(B, half, x.v, ""),
                                    LLVMBuildFAdd(B, one, cg_math_tanh(m, in), ""), "");
            } else {
                LLVMValueRef e = cg_math_erf(m, LLVMBuildFMul(B, x.v, LLVMConstReal(T, 0.70710678118654752), ""));
                r.v = LLVMBuildFMul(B, LLVMBuildFMul(B, x.v, half, ""), LLVMBuildFAdd(B, one, e, ""), "");
            }
            break;
        }
        case E_SILU: {
            LLVMValueRef e = cg_math_exp(m, LLVMBuildFNeg(B, x.v, ""));
            r.v = LLVMBuildFDiv(B, x.v, LLVMBuildFAdd(B, LLVMConstReal(T, 1), e, ""), "");
            break;
        }
        case E_HSWISH:
        case E_HSIG: {
            rv t3 = {LLVMBuildFAdd(B, x.v, LLVMConstReal(T, 3), ""), ct};
            rv lo = kconst(m, ct, 0), hi = kconst(m, ct, 6);
            LLVMValueRef c = emit_clamp(m, t3, &lo, &hi);
            if (op->code == E_HSWISH)
                c = LLVMBuildFMul(B, x.v, c, "");
            r.v = LLVMBuildFDiv(B, c, LLVMConstReal(T, 6), "");
            break;
        }
        }
        return r;
    }
    case C_WHERE: {
        rv c = cvt(m, ops[0], RT_BOOL_);
        rv a = cvt(m, ops[1], ct), b = cvt(m, ops[2], ct);
        r.v = fsel(m, c.v, a.v, b.v);
        return r;
    }
    case C_MFILL: {
        rv x = cvt(m, ops[0], ct), mk = cvt(m, ops[1], RT_BOOL_), v = cvt(m, ops[2], ct);
        r.v = fsel(m, mk.v, v.v, x.v);
        return r;
    }
    case C_TO:
        return cvt(m, ops[0], ct);
    }
    return r;
}

/* ---- the loop nest ------------------------------------------------------------ */

typedef struct operand {
    ir_vid v;
    bool out;
    int dtype;
    int64_t st[RT_MAX_DIMS]; /* element strides over the group's dims */
    LLVMValueRef base;
} operand;

typedef struct env_ent {
    ir_vid v;
    rv val;
} env_ent;

typedef struct gen {
    cg_em *m;
    const cg_group *gr;
    operand *ops;
    int nops;
    int nd;
    int64_t shape[RT_MAX_DIMS];
    LLVMValueRef flat_n; /* runtime trip count of a flat loop, or NULL */
    env_ent *scalars; /* preloaded scalar inputs */
    int nscalars;
} gen;

static LLVMValueRef tensor_data(cg_em *m, ir_vid v, int dtype)
{
    LLVMBuilderRef B = m->B;
    const cg_spec *s = m->s;
    if (s->buf_off && s->buf_off[v] >= 0)
        return LLVMBuildInBoundsGEP2(B, m->i8, m->arena, (LLVMValueRef[]){cg_em_i64(m, s->buf_off[v])}, 1, "");
    LLVMValueRef sp = LLVMBuildInBoundsGEP2(B, m->i8, m->slots,
                                            (LLVMValueRef[]){cg_em_i64(m, (int64_t)v * (int64_t)sizeof(rt_value) + (int64_t)offsetof(rt_value, u))}, 1, "");
    LLVMValueRef t = LLVMBuildLoad2(B, m->ptr, sp, "t");
    LLVMValueRef stp = LLVMBuildInBoundsGEP2(B, m->i8, t, (LLVMValueRef[]){cg_em_i64(m, offsetof(rt_tensor, storage))}, 1, "");
    LLVMValueRef st = LLVMBuildLoad2(B, m->ptr, stp, "");
    LLVMValueRef dp = LLVMBuildInBoundsGEP2(B, m->i8, st, (LLVMValueRef[]){cg_em_i64(m, offsetof(rt_storage, data))}, 1, "");
    LLVMValueRef d = LLVMBuildLoad2(B, m->ptr, dp, "");
    LLVMValueRef op = LLVMBuildInBoundsGEP2(B, m->i8, t, (LLVMValueRef[]){cg_em_i64(m, offsetof(rt_tensor, offset))}, 1, "");
    LLVMValueRef off = LLVMBuildLoad2(B, m->i64, op, "");
    return LLVMBuildInBoundsGEP2(B, mem_type(m, dtype), d, &off, 1, "data");
}

static void emit_body(gen *G, LLVMValueRef *iv)
{
    cg_em *m = G->m;
    const cg_spec *s = m->s;
    const cg_group *gr = G->gr;
    uint32_t cap = gr->nins + gr->nnodes + 1;
    env_ent env[cap];
    uint32_t nenv = 0;
    LLVMValueRef idx[G->nops];
    for (int k = 0; k < G->nops; k++) {
        LLVMValueRef x = cg_em_i64(m, 0);
        for (int d = 0; d < G->nd; d++)
            if (G->ops[k].st[d])
                x = LLVMBuildAdd(m->B, x, LLVMBuildMul(m->B, iv[d], cg_em_i64(m, G->ops[k].st[d]), ""), "");
        idx[k] = x;
    }
    for (uint32_t i = 0; i < gr->nnodes; i++) {
        const ir_node *n = &s->g->nodes[gr->nodes[i]];
        uint32_t nops = ew_ops[n->op].nops;
        rv ops[4];
        for (uint32_t k = 0; k < nops; k++) {
            ir_vid v = n->in[k];
            bool found = false;
            for (uint32_t j = 0; j < nenv && !found; j++)
                if (env[j].v == v) {
                    ops[k] = env[j].val;
                    found = true;
                }
            for (int j = 0; j < G->nscalars && !found; j++)
                if (G->scalars[j].v == v) {
                    ops[k] = G->scalars[j].val;
                    found = true;
                }
            for (int j = 0; j < G->nops && !found; j++)
                if (!G->ops[j].out && G->ops[j].v == v) {
                    ops[k] = load_elem(m, G->ops[j].base, G->ops[j].dtype, idx[j]);
                    env[nenv++] = (env_ent){v, ops[k]};
                    found = true;
                }
            if (!found) {
                m->err = 1; /* cannot happen: fusion lists every input */
                return;
            }
        }
        rv r = emit_member(m, n, ops);
        env[nenv++] = (env_ent){n->out[0], r};
        for (int j = 0; j < G->nops; j++)
            if (G->ops[j].out && G->ops[j].v == n->out[0])
                store_elem(m, G->ops[j].base, G->ops[j].dtype, idx[j], r);
    }
}

static void emit_nest(gen *G, int d, LLVMValueRef *iv)
{
    cg_em *m = G->m;
    if (d == G->nd) {
        emit_body(G, iv);
        return;
    }
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(m->B);
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(m->C, m->F, "ew.body");
    LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(m->C, m->F, "ew.exit");
    LLVMBuildBr(m->B, body);
    LLVMPositionBuilderAtEnd(m->B, body);
    LLVMValueRef i = LLVMBuildPhi(m->B, m->i64, "i");
    iv[d] = i;
    emit_nest(G, d + 1, iv);
    LLVMValueRef next = LLVMBuildNUWAdd(m->B, i, cg_em_i64(m, 1), "");
    LLVMValueRef bound = G->flat_n ? G->flat_n : cg_em_i64(m, G->shape[d]);
    LLVMValueRef done = LLVMBuildICmp(m->B, LLVMIntEQ, next, bound, "");
    LLVMBasicBlockRef latch = LLVMGetInsertBlock(m->B);
    LLVMBuildCondBr(m->B, done, exit, body);
    LLVMValueRef vals[2] = {cg_em_i64(m, 0), next};
    LLVMBasicBlockRef from[2] = {pre, latch};
    LLVMAddIncoming(i, vals, from, 2);
    LLVMPositionBuilderAtEnd(m->B, exit);
}

/* Element strides of a tensor of (nd, shape) broadcast to the group shape. */
static void bstrides(const cg_group *gr, int nd, const int64_t *shape, int64_t *st)
{
    int64_t cs[RT_MAX_DIMS];
    rt_contiguous_strides(nd, shape, cs);
    for (int d = 0; d < gr->ndim; d++) {
        int k = d - (gr->ndim - nd);
        st[d] = (k < 0 || shape[k] == 1) ? 0 : cs[k];
    }
}

/* The kernel function of a group: one per distinct loop (op sequence,
 * dtypes, strides, constants; for a flat loop the length is an argument),
 * so identical groups share code. Arguments: operand base pointers
 * (outputs first), runtime scalars (double or i64), the length if flat. */
static void key_value(cg_buf *k, const rt_value *c)
{
    if (!c)
        cg_buf_puts(k, "?");
    else if (c->kind == RT_INT)
        cg_buf_printf(k, "i%lld", (long long)c->u.i);
    else if (c->kind == RT_FLOAT)
        cg_buf_printf(k, "f%a", c->u.f);
    else if (c->kind == RT_BOOL)
        cg_buf_printf(k, "b%d", c->u.b);
    else if (c->kind == RT_STR)
        cg_buf_printf(k, "s%s", rt_str_cstr(*c));
    else
        cg_buf_printf(k, "k%d", c->kind);
}

static LLVMValueRef kernel_for(cg_em *m, gen *G, bool flat, int nrs)
{
    const cg_spec *s = m->s;
    const cg_group *gr = G->gr;
    cg_buf k = {0};
    cg_buf_printf(&k, "%s nd%d:", flat ? "flat" : "nest", G->nd);
    if (!flat)
        for (int d = 0; d < G->nd; d++)
            cg_buf_printf(&k, "%lld,", (long long)G->shape[d]);
    for (int i = 0; i < G->nops; i++) {
        /* rank matters beyond strides: a 0-dim operand does not promote */
        cg_buf_printf(&k, "|%c%d/%d:", G->ops[i].out ? 'o' : 'i', G->ops[i].dtype,
                      s->meta[G->ops[i].v].ndim);
        for (int d = 0; d < G->nd; d++)
            cg_buf_printf(&k, "%lld,", (long long)G->ops[i].st[d]);
    }
    for (int i = 0; i < G->nscalars; i++) {
        cg_buf_printf(&k, "|s%d:", s->meta[G->scalars[i].v].kind);
        key_value(&k, ir_value_const(s->g, G->scalars[i].v));
    }
    for (uint32_t i = 0; i < gr->nnodes; i++) {
        const ir_node *n = &s->g->nodes[gr->nodes[i]];
        cg_buf_printf(&k, "|n%d>%d(", (int)n->op, s->meta[n->out[0]].dtype);
        for (uint32_t a = 0; a < n->nin; a++) {
            ir_vid v = n->in[a];
            int ref = -1;
            for (uint32_t j = 0; j < i && ref < 0; j++)
                if (s->g->nodes[gr->nodes[j]].out[0] == v)
                    ref = (int)j;
            if (ref >= 0) {
                cg_buf_printf(&k, "m%d,", ref);
                continue;
            }
            for (int j = 0; j < G->nops && ref < 0; j++)
                if (!G->ops[j].out && G->ops[j].v == v)
                    ref = j;
            if (ref >= 0) {
                cg_buf_printf(&k, "o%d,", ref);
                continue;
            }
            for (int j = 0; j < G->nscalars && ref < 0; j++)
                if (G->scalars[j].v == v)
                    ref = j;
            if (ref >= 0) {
                cg_buf_printf(&k, "s%d,", ref);
                continue;
            }
            key_value(&k, ir_value_const(s->g, v));
            cg_buf_puts(&k, ",");
        }
        cg_buf_puts(&k, ")");
        for (int j = 0; j < G->nops; j++)
            if (G->ops[j].out && G->ops[j].v == n->out[0])
                cg_buf_printf(&k, ">o%d", j);
    }
    if (k.oom) {
        free(k.s);
        rt_err_nomem(m->e);
        return NULL;
    }
    for (int i = 0; i < m->nkernels; i++)
        if (!strcmp(m->kernels[i].key, k.s)) {
            free(k.s);
            return m->kernels[i].fn;
        }
    /* a new kernel function */
    LLVMTypeRef pt[G->nops + nrs + 1];
    int np = 0;
    for (int i = 0; i < G->nops; i++)
        pt[np++] = m->ptr;
    int rsk[G->nscalars + 1];
    for (int i = 0; i < G->nscalars; i++) {
        const rt_value *c = ir_value_const(s->g, G->scalars[i].v);
        rsk[i] = c ? -1 : np;
        if (!c)
            pt[np++] = s->meta[G->scalars[i].v].kind == RT_FLOAT ? m->f64 : m->i64;
    }
    if (flat)
        pt[np++] = m->i64;
    char name[96];
    snprintf(name, sizeof name, "%s.k%d", LLVMGetValueName(m->F), m->nkernels);
    LLVMValueRef fn = LLVMAddFunction(m->M, name, LLVMFunctionType(m->vd, pt, (unsigned)np, 0));
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    unsigned noalias = LLVMGetEnumAttributeKindForName("noalias", 7);
    for (int i = 0; i < G->nops; i++)
        LLVMAddAttributeAtIndex(fn, (unsigned)i + 1, LLVMCreateEnumAttribute(m->C, noalias, 0));
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(m->C, nounwind, 0));
    cg_em_fn_attrs(m, fn);
    /* emit its body with the emitter pointed at it */
    LLVMValueRef saveF = m->F;
    LLVMBuilderRef saveB = m->B;
    m->F = fn;
    m->B = LLVMCreateBuilderInContext(m->C);
    LLVMPositionBuilderAtEnd(m->B, LLVMAppendBasicBlockInContext(m->C, fn, "entry"));
    LLVMValueRef saved_base[G->nops];
    for (int i = 0; i < G->nops; i++) {
        saved_base[i] = G->ops[i].base;
        G->ops[i].base = LLVMGetParam(fn, (unsigned)i);
    }
    for (int i = 0; i < G->nscalars; i++) {
        env_ent *e = &G->scalars[i];
        const rt_value *c = ir_value_const(s->g, e->v);
        if (c) {
            e->val = scalar_const(m, *c);
        } else if (s->meta[e->v].kind == RT_FLOAT) {
            e->val = (rv){LLVMGetParam(fn, (unsigned)rsk[i]), RT_F64};
        } else {
            e->val = (rv){LLVMGetParam(fn, (unsigned)rsk[i]), RT_I64};
            if (s->meta[e->v].kind == RT_BOOL)
                e->val = cvt(m, e->val, RT_BOOL_);
        }
    }
    G->flat_n = flat ? LLVMGetParam(fn, (unsigned)(np - 1)) : NULL;
    LLVMValueRef iv[RT_MAX_DIMS];
    emit_nest(G, 0, iv);
    LLVMBuildRetVoid(m->B);
    LLVMDisposeBuilder(m->B);
    m->F = saveF;
    m->B = saveB;
    for (int i = 0; i < G->nops; i++)
        G->ops[i].base = saved_base[i];
    G->flat_n = NULL;
    if (m->nkernels == m->cap_kernels) {
        int cap = m->cap_kernels ? m->cap_kernels * 2 : 16;
        void *p = realloc(m->kernels, sizeof *m->kernels * (size_t)cap);
        if (!p) {
            free(k.s);
            rt_err_nomem(m->e);
            return NULL;
        }
        m->kernels = p;
        m->cap_kernels = cap;
    }
    m->kernels[m->nkernels].key = k.s;
    m->kernels[m->nkernels].fn = fn;
    m->nkernels++;
    return fn;
}

/* ---- small linear layers ---------------------------------------------------------
 * y = x W^T + b with W (and b) constants, float32, small enough that the
 * GEMM call's fixed cost dominates: a loop nest over a transposed copy of
 * W made at compile time, y[m, :] = b + sum_k x[m, k] * Wt[k, :], whose
 * inner loop over n the vectorizer widens. */

#define CG_LINEAR_MAX_FLOPS (64 * 1024)

bool cg_linear_emittable(const cg_spec *s, const ir_node *n)
{
    if (n->kind != IR_OP || n->op != RT_OP_linear || n->nin != 3 || n->nout != 1)
        return false;
    const cg_meta *x = &s->meta[n->in[0]], *o = &s->meta[n->out[0]];
    const rt_value *w = ir_value_const(s->g, n->in[1]), *b = ir_value_const(s->g, n->in[2]);
    if (x->kind != RT_TENSOR || !x->shaped || !x->contig || x->dtype != RT_F32 || x->ndim < 1 ||
        !w || w->kind != RT_TENSOR || !b || o->kind != RT_TENSOR || !o->shaped)
        return false;
    const rt_tensor *wt = w->u.tensor;
    if (wt->dtype != RT_F32 || wt->ndim != 2 || wt->shape[1] != x->shape[x->ndim - 1])
        return false;
    if (b->kind == RT_TENSOR) {
        const rt_tensor *bt = b->u.tensor;
        if (bt->dtype != RT_F32 || bt->ndim != 1 || bt->shape[0] != wt->shape[0])
            return false;
    } else if (b->kind != RT_NONE) {
        return false;
    }
    int64_t M = cg_meta_numel(x) / (x->shape[x->ndim - 1] ? x->shape[x->ndim - 1] : 1);
    int64_t flops = M * wt->shape[0] * wt->shape[1];
    return flops > 0 && flops <= CG_LINEAR_MAX_FLOPS;
}

/* A contiguous float copy of a constant tensor, transposed when 2-D
 * (owned by the spec). */
static float *const_copy(cg_spec *s, const rt_tensor *t, bool transpose)
{
    int64_t n = rt_tensor_numel(t);
    float *p = rt_arena_alloc(&s->arena, sizeof(float) * (size_t)(n ? n : 1));
    if (!p)
        return NULL;
    rt_iter it;
    rt_iter_init(&it, t->ndim, t->shape, t->strides);
    const float *src = rt_tensor_data(t);
    for (int64_t i = 0; i < n; i++) {
        int64_t dst = i;
        if (transpose) /* element (r, c) of [R, C] goes to (c, r) of [C, R] */
            dst = (i % t->shape[1]) * t->shape[0] + i / t->shape[1];
        p[dst] = src[it.off];
        rt_iter_next(&it);
    }
    return p;
}

/* Loop metadata that keeps LLVM from fully unrolling an outer loop (the
 * vectorized inner loop is enough; unrolling only costs compile time). */
static void no_unroll(cg_em *m, LLVMValueRef br)
{
    LLVMMetadataRef s = LLVMMDStringInContext2(m->C, "llvm.loop.unroll.disable", 24);
    LLVMMetadataRef hint = LLVMMDNodeInContext2(m->C, &s, 1);
    LLVMMetadataRef tmp = LLVMTemporaryMDNode(m->C, NULL, 0);
    LLVMMetadataRef ops[2] = {tmp, hint};
    LLVMMetadataRef id = LLVMMDNodeInContext2(m->C, ops, 2);
    LLVMMetadataReplaceAllUsesWith(tmp, id); /* self-reference; frees tmp */
    LLVMSetMetadata(br, LLVMGetMDKindIDInContext(m->C, "llvm.loop", 9),
                    LLVMMetadataAsValue(m->C, id));
}

/* void lin(x, y, Wt, b): one per (M, N, K, bias?) in a module */
static LLVMValueRef linear_kernel(cg_em *m, int64_t M, int64_t N, int64_t K, bool has_bias)
{
    char key[128];
    snprintf(key, sizeof key, "linear %lld %lld %lld %d", (long long)M, (long long)N,
             (long long)K, has_bias);
    for (int i = 0; i < m->nkernels; i++)
        if (!strcmp(m->kernels[i].key, key))
            return m->kernels[i].fn;
    char name[96];
    snprintf(name, sizeof name, "%s.lin%d", LLVMGetValueName(m->F), m->nkernels);
    LLVMTypeRef pt[4] = {m->ptr, m->ptr, m->ptr, m->ptr};
    LLVMValueRef fn = LLVMAddFunction(m->M, name, LLVMFunctionType(m->vd, pt, 4, 0));
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    unsigned noalias = LLVMGetEnumAttributeKindForName("noalias", 7);
    for (unsigned i = 1; i <= 4; i++)
        LLVMAddAttributeAtIndex(fn, i, LLVMCreateEnumAttribute(m->C, noalias, 0));
    cg_em_fn_attrs(m, fn);
    LLVMBuilderRef B = LLVMCreateBuilderInContext(m->C);
    LLVMBuilderRef saveB = m->B;
    LLVMValueRef saveF = m->F;
    m->B = B;
    m->F = fn;
    LLVMValueRef x = LLVMGetParam(fn, 0), y = LLVMGetParam(fn, 1);
    LLVMValueRef W = LLVMGetParam(fn, 2), Bv = has_bias ? LLVMGetParam(fn, 3) : NULL;
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(m->C, fn, "entry");
    LLVMPositionBuilderAtEnd(B, entry);
    /* loop helpers: for (i = 0; i < n; i++) with a phi, body filled by caller */
#define LOOP_BEGIN(var, n)                                                               \
    LLVMBasicBlockRef var##_pre = LLVMGetInsertBlock(B);                                 \
    LLVMBasicBlockRef var##_body = LLVMAppendBasicBlockInContext(m->C, fn, #var);        \
    LLVMBasicBlockRef var##_exit = LLVMAppendBasicBlockInContext(m->C, fn, #var ".end"); \
    LLVMBuildBr(B, var##_body);                                                          \
    LLVMPositionBuilderAtEnd(B, var##_body);                                             \
    LLVMValueRef var = LLVMBuildPhi(B, m->i64, #var);                                    \
    int64_t var##_n = (n);
#define LOOP_END(var, keep)                                                              \
    {                                                                                    \
        LLVMValueRef nx = LLVMBuildNUWAdd(B, var, cg_em_i64(m, 1), "");                  \
        LLVMBasicBlockRef latch = LLVMGetInsertBlock(B);                                 \
        LLVMValueRef br = LLVMBuildCondBr(                                               \
            B, LLVMBuildICmp(B, LLVMIntEQ, nx, cg_em_i64(m, var##_n), ""), var##_exit,   \
            var##_body);                                                                 \
        if (keep)                                                                        \
            no_unroll(m, br);                                                            \
        LLVMValueRef iv[2] = {cg_em_i64(m, 0), nx};                                      \
        LLVMBasicBlockRef ib[2] = {var##_pre, latch};                                    \
        LLVMAddIncoming(var, iv, ib, 2);                                                 \
        LLVMPositionBuilderAtEnd(B, var##_exit);                                         \
    }
    unsigned fma = LLVMLookupIntrinsicID("llvm.fmuladd", 12);
    LLVMTypeRef f32 = m->f32;
    LLVMValueRef fmaf = LLVMGetIntrinsicDeclaration(m->M, fma, &f32, 1);
    LLVMTypeRef fmat = LLVMIntrinsicGetType(m->C, fma, &f32, 1);
    LOOP_BEGIN(mi, M)
    LLVMValueRef yrow = LLVMBuildInBoundsGEP2(B, m->f32, y, (LLVMValueRef[]){LLVMBuildMul(B, mi, cg_em_i64(m, N), "")}, 1, "");
    LLVMValueRef xrow = LLVMBuildInBoundsGEP2(B, m->f32, x, (LLVMValueRef[]){LLVMBuildMul(B, mi, cg_em_i64(m, K), "")}, 1, "");
    {
        LOOP_BEGIN(ni, N)
        LLVMValueRef v = Bv ? LLVMBuildLoad2(B, m->f32, LLVMBuildInBoundsGEP2(B, m->f32, Bv, &ni, 1, ""), "")
                            : LLVMConstReal(m->f32, 0);
        LLVMBuildStore(B, v, LLVMBuildInBoundsGEP2(B, m->f32, yrow, &ni, 1, ""));
        LOOP_END(ni, 0)
    }
    {
        LOOP_BEGIN(ki, K)
        LLVMValueRef xv = LLVMBuildLoad2(B, m->f32, LLVMBuildInBoundsGEP2(B, m->f32, xrow, &ki, 1, ""), "");
        LLVMValueRef wrow = LLVMBuildInBoundsGEP2(B, m->f32, W, (LLVMValueRef[]){LLVMBuildMul(B, ki, cg_em_i64(m, N), "")}, 1, "");
        {
            LOOP_BEGIN(nj, N)
            LLVMValueRef py = LLVMBuildInBoundsGEP2(B, m->f32, yrow, &nj, 1, "");
            LLVMValueRef wv = LLVMBuildLoad2(B, m->f32, LLVMBuildInBoundsGEP2(B, m->f32, wrow, &nj, 1, ""), "");
            LLVMValueRef a[3] = {xv, wv, LLVMBuildLoad2(B, m->f32, py, "")};
            LLVMBuildStore(B, LLVMBuildCall2(B, fmat, fmaf, a, 3, ""), py);
            LOOP_END(nj, 0)
        }
        LOOP_END(ki, 1)
    }
    LOOP_END(mi, 1)
#undef LOOP_BEGIN
#undef LOOP_END
    LLVMBuildRetVoid(B);
    LLVMDisposeBuilder(B);
    m->B = saveB;
    m->F = saveF;
    if (m->nkernels == m->cap_kernels) {
        int cap = m->cap_kernels ? m->cap_kernels * 2 : 16;
        void *p = realloc(m->kernels, sizeof *m->kernels * (size_t)cap);
        if (!p)
            return fn; /* not remembered: only costs a duplicate later */
        m->kernels = p;
        m->cap_kernels = cap;
    }
    m->kernels[m->nkernels].key = strdup(key);
    if (m->kernels[m->nkernels].key)
        m->kernels[m->nkernels++].fn = fn;
    return fn;
}

static int emit_linear(cg_em *m, const cg_group *gr)
{
    cg_spec *s = m->s;
    LLVMBuilderRef B = m->B;
    const ir_node *n = &s->g->nodes[gr->nodes[0]];
    const cg_meta *xm = &s->meta[n->in[0]];
    const rt_tensor *w = ir_value_const(s->g, n->in[1])->u.tensor;
    const rt_value *b = ir_value_const(s->g, n->in[2]);
    int64_t K = xm->shape[xm->ndim - 1], N = w->shape[0], M = cg_meta_numel(xm) / K;
    float *wt = const_copy(s, w, true);
    float *bias = b->kind == RT_TENSOR ? const_copy(s, b->u.tensor, false) : NULL;
    if (!wt || (b->kind == RT_TENSOR && !bias))
        return rt_err_nomem(m->e);
    ir_vid yv = n->out[0];
    LLVMValueRef ybase;
    if (s->buf_off && s->buf_off[yv] >= 0) {
        ybase = tensor_data(m, yv, RT_F32);
    } else {
        LLVMValueRef a[4] = {m->call, cg_em_i32(m, yv), cg_em_ptrconst(m, &s->meta[yv]),
                             m->out_slot};
        LLVMValueRef r = cg_em_call(m, EP_OUT, a, 4);
        cg_em_check(m, LLVMBuildICmp(B, LLVMIntNE, r, cg_em_i32(m, 0), ""));
        ybase = LLVMBuildLoad2(B, m->ptr, m->out_slot, "out");
    }
    LLVMValueRef xbase = tensor_data(m, n->in[0], RT_F32);
    LLVMValueRef fn = linear_kernel(m, M, N, K, bias != NULL);
    LLVMValueRef args[4] = {xbase, ybase, cg_em_ptrconst(m, wt),
                            bias ? cg_em_ptrconst(m, bias) : LLVMConstPointerNull(m->ptr)};
    LLVMBuildCall2(B, LLVMGlobalGetValueType(fn), fn, args, 4, "");
    return 0;
}

int cg_emit_group(cg_em *m, const cg_group *gr)
{
    const cg_spec *s = m->s;
    LLVMBuilderRef B = m->B;
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(m->C, m->F, "ew.done");
    if (gr->guarded) {
        LLVMValueRef ok = LLVMConstInt(m->i1, 1, 0);
        for (uint32_t i = 0; i < gr->nins; i++) {
            const cg_meta *mt = &s->meta[gr->ins[i]];
            if (mt->kind != RT_TENSOR || mt->certain)
                continue;
            LLVMValueRef a[3] = {m->call, cg_em_i32(m, gr->ins[i]), cg_em_ptrconst(m, mt)};
            LLVMValueRef r = cg_em_call(m, EP_GUARD, a, 3);
            ok = LLVMBuildAnd(B, ok, LLVMBuildICmp(B, LLVMIntNE, r, cg_em_i32(m, 0), ""), "");
        }
        LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(m->C, m->F, "ew.fast");
        LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(m->C, m->F, "ew.slow");
        LLVMBuildCondBr(B, ok, fast, slow);
        LLVMPositionBuilderAtEnd(B, slow);
        for (uint32_t i = 0; i < gr->nnodes; i++) {
            LLVMValueRef a[2] = {m->call, cg_em_i32(m, gr->nodes[i])};
            LLVMValueRef r = cg_em_call(m, EP_NODE, a, 2);
            cg_em_check(m, LLVMBuildICmp(B, LLVMIntNE, r, cg_em_i32(m, 0), ""));
        }
        LLVMBuildBr(B, done);
        LLVMPositionBuilderAtEnd(B, fast);
    }
    if (gr->kind == CG_GROUP_LINEAR) {
        if (emit_linear(m, gr))
            return -1;
        LLVMBuildBr(B, done);
        LLVMPositionBuilderAtEnd(B, done);
        return 0;
    }
    operand ops[gr->nins + gr->nouts + 1];
    env_ent scal[gr->nins + 1];
    gen G = {.m = m, .gr = gr, .ops = ops, .nops = 0, .scalars = scal, .nscalars = 0};
    /* outputs first: allocation can fail */
    LLVMValueRef slot = m->out_slot;
    for (uint32_t i = 0; i < gr->nouts; i++) {
        ir_vid v = gr->outs[i];
        const cg_meta *mt = &s->meta[v];
        operand *o = &ops[G.nops++];
        o->v = v;
        o->out = true;
        o->dtype = mt->dtype;
        bstrides(gr, mt->ndim, mt->shape, o->st);
        if (s->buf_off && s->buf_off[v] >= 0) {
            o->base = tensor_data(m, v, mt->dtype);
        } else {
            LLVMValueRef a[4] = {m->call, cg_em_i32(m, v), cg_em_ptrconst(m, mt), slot};
            LLVMValueRef r = cg_em_call(m, EP_OUT, a, 4);
            cg_em_check(m, LLVMBuildICmp(B, LLVMIntNE, r, cg_em_i32(m, 0), ""));
            o->base = LLVMBuildLoad2(B, m->ptr, slot, "out");
        }
    }
    /* runtime scalars become kernel arguments, constants are baked in */
    LLVMValueRef rs_args[gr->nins + 1];
    int nrs = 0;
    for (uint32_t i = 0; i < gr->nins; i++) {
        ir_vid v = gr->ins[i];
        const cg_meta *mt = &s->meta[v];
        if (mt->kind == RT_TENSOR) {
            operand *o = &ops[G.nops++];
            o->v = v;
            o->out = false;
            o->dtype = mt->dtype;
            bstrides(gr, mt->ndim, mt->shape, o->st);
            o->base = tensor_data(m, v, mt->dtype);
            continue;
        }
        env_ent *e = &scal[G.nscalars++];
        e->v = v;
        const rt_value *c = ir_value_const(s->g, v);
        if (c) {
            e->val = (rv){NULL, -1}; /* filled in inside the kernel */
        } else {
            LLVMValueRef a[2] = {m->call, cg_em_i32(m, v)};
            rs_args[nrs++] = cg_em_call(m, mt->kind == RT_FLOAT ? EP_SCALAR_F : EP_SCALAR_I, a, 2);
        }
    }
    /* drop size-1 dims, merge dims contiguous for every operand */
    int64_t numel = 1;
    for (int d = 0; d < gr->ndim; d++)
        numel *= gr->shape[d];
    if (numel > 0) {
        int nd = 0;
        int64_t sh[RT_MAX_DIMS];
        for (int d = 0; d < gr->ndim; d++) {
            if (gr->shape[d] == 1)
                continue;
            if (nd > 0) {
                bool merge = true;
                for (int k = 0; k < G.nops; k++)
                    merge &= ops[k].st[nd - 1] == ops[k].st[d] * gr->shape[d];
                if (merge) {
                    sh[nd - 1] *= gr->shape[d];
                    for (int k = 0; k < G.nops; k++)
                        ops[k].st[nd - 1] = ops[k].st[d];
                    continue;
                }
            }
            sh[nd] = gr->shape[d];
            for (int k = 0; k < G.nops; k++)
                ops[k].st[nd] = ops[k].st[d];
            nd++;
        }
        if (nd == 0) {
            sh[0] = 1;
            for (int k = 0; k < G.nops; k++)
                ops[k].st[0] = 0;
            nd = 1;
        }
        G.nd = nd;
        memcpy(G.shape, sh, sizeof(int64_t) * (size_t)nd);
        bool flat = nd == 1;
        for (int k = 0; k < G.nops && flat; k++)
            flat = ops[k].st[0] == 0 || ops[k].st[0] == 1;
        LLVMValueRef fn = kernel_for(m, &G, flat, nrs);
        if (!fn)
            return -1;
        LLVMValueRef args[G.nops + nrs + 1];
        int na = 0;
        for (int k = 0; k < G.nops; k++)
            args[na++] = ops[k].base;
        for (int k = 0; k < nrs; k++)
            args[na++] = rs_args[k];
        if (flat)
            args[na++] = cg_em_i64(m, sh[0]);
        LLVMBuildCall2(B, LLVMGlobalGetValueType(fn), fn, args, (unsigned)na, "");
    }
    if (m->err)
        return -1;
    LLVMBuildBr(B, done);
    LLVMPositionBuilderAtEnd(B, done);
    return 0;
}
