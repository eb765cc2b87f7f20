/*
 * cg_math.c — transcendental functions for fused loops, emitted as plain
 * float arithmetic and selects (no libm calls), so the loop vectorizer
 * widens them to the host's vector width.
 *
 *   exp      Cephes expf: n = round(x log2 e), r = x - n ln 2 (two-part
 *            constant), degree-5 polynomial, 2^n through the exponent
 *            bits; the same algorithm as the interpreter's rt_vexpf
 *            (within 2 ulp of expf; +inf above 88.376, 0 below -87.336)
 *   tanh     Eigen's rational approximation (odd degree-13 numerator,
 *            even degree-6 denominator) on [-7.905, 7.905], x itself for
 *            |x| < 4e-4; a few ulp
 *   sigmoid  1 / (1 + exp(-x)), as the interpreter computes it
 *   erf      Abramowitz & Stegun 7.1.26 with the exp above (absolute error
 *            below 1.5e-7), the Taylor series to x^13 for |x| < 0.5
 * All are written for float (f32); callers keep float64 on kernels.
 */
#include <string.h>

#include "cg_llvm.h"

LLVMValueRef cg_math_fconst(cg_em *m, LLVMTypeRef t, double v)
{
    return LLVMConstReal(t, v);
}

#define FC(v) cg_math_fconst(m, t, (v))

LLVMValueRef cg_math_intrinsic1(cg_em *m, const char *name, LLVMValueRef x)
{
    LLVMTypeRef t = LLVMTypeOf(x);
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef f = LLVMGetIntrinsicDeclaration(m->M, id, &t, 1);
    return LLVMBuildCall2(m->B, LLVMIntrinsicGetType(m->C, id, &t, 1), f, &x, 1, "");
}

static LLVMValueRef sel(cg_em *m, LLVMValueRef c, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(m->B, c, a, b, "");
}

static LLVMValueRef mul(cg_em *m, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildFMul(m->B, a, b, "");
}

static LLVMValueRef add(cg_em *m, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildFAdd(m->B, a, b, "");
}

/* Horner: c[0] + x (c[1] + x (c[2] + ...)), n coefficients */
static LLVMValueRef horner(cg_em *m, LLVMTypeRef t, LLVMValueRef x, const double *c, int n)
{
    LLVMValueRef p = FC(c[n - 1]);
    for (int i = n - 2; i >= 0; i--)
        p = add(m, mul(m, p, x), FC(c[i]));
    return p;
}

LLVMValueRef cg_math_exp(cg_em *m, LLVMValueRef x)
{
    LLVMTypeRef t = LLVMTypeOf(x);
    LLVMBuilderRef B = m->B;
    LLVMValueRef hi = LLVMBuildFCmp(B, LLVMRealOGT, x, FC(88.3762626647949), "");
    LLVMValueRef lo = LLVMBuildFCmp(B, LLVMRealOLT, x, FC(-87.33654), "");
    LLVMValueRef nan = LLVMBuildFCmp(B, LLVMRealUNO, x, x, "");
    LLVMValueRef bad = LLVMBuildOr(B, LLVMBuildOr(B, hi, lo, ""), nan, "");
    LLVMValueRef xc = sel(m, bad, FC(0), x);
    LLVMValueRef fx = mul(m, xc, FC(1.44269504088896341));
    LLVMValueRef half = sel(m, LLVMBuildFCmp(B, LLVMRealOGE, fx, FC(0), ""), FC(0.5), FC(-0.5));
    LLVMValueRef n = LLVMBuildFPToSI(B, add(m, fx, half), m->i32, "");
    LLVMValueRef fn = LLVMBuildSIToFP(B, n, t, "");
    LLVMValueRef r = LLVMBuildFSub(B, xc, mul(m, fn, FC(0.693359375)), "");
    r = LLVMBuildFSub(B, r, mul(m, fn, FC(-2.12194440e-4)), "");
    LLVMValueRef z = mul(m, r, r);
    static const double c[6] = {5.0000001201e-1, 1.6666665459e-1, 4.1665795894e-2,
                                8.3334519073e-3, 1.3981999507e-3, 1.9875691500e-4};
    LLVMValueRef y = horner(m, t, r, c, 6);
    y = add(m, add(m, mul(m, y, z), r), FC(1.0));
    LLVMValueRef e = LLVMBuildShl(B, LLVMBuildAdd(B, n, cg_em_i32(m, 127), ""),
                                  cg_em_i32(m, 23), "");
    y = mul(m, y, LLVMBuildBitCast(B, e, t, ""));
    y = sel(m, hi, FC(__builtin_inf()), y);
    y = sel(m, lo, FC(0), y);
    return sel(m, nan, x, y);
}

LLVMValueRef cg_math_sigmoid(cg_em *m, LLVMValueRef x)
{
    LLVMTypeRef t = LLVMTypeOf(x);
    LLVMValueRef ex = cg_math_exp(m, LLVMBuildFNeg(m->B, x, ""));
    return LLVMBuildFDiv(m->B, FC(1.0), add(m, FC(1.0), ex), "");
}

LLVMValueRef cg_math_tanh(cg_em *m, LLVMValueRef x)
{
    LLVMTypeRef t = LLVMTypeOf(x);
    LLVMBuilderRef B = m->B;
    const double c = 7.90531110763549805;
    LLVMValueRef xc = sel(m, LLVMBuildFCmp(B, LLVMRealOGT, x, FC(c), ""), FC(c), x);
    xc = sel(m, LLVMBuildFCmp(B, LLVMRealOLT, xc, FC(-c), ""), FC(-c), xc);
    LLVMValueRef x2 = mul(m, xc, xc);
    static const double a[7] = {4.89352455891786e-03, 6.37261928875436e-04,
                                1.48572235717979e-05, 5.12229709037114e-08,
                                -8.60467152213735e-11, 2.00018790482477e-13,
                                -2.76076847742355e-16};
    static const double b[4] = {4.89352518554385e-03, 2.26843463243900e-03,
                                1.18534705686654e-04, 1.19825839466702e-06};
    LLVMValueRef p = mul(m, xc, horner(m, t, x2, a, 7));
    LLVMValueRef q = horner(m, t, x2, b, 4);
    LLVMValueRef r = LLVMBuildFDiv(B, p, q, "");
    LLVMValueRef ax = cg_math_intrinsic1(m, "llvm.fabs", x);
    return sel(m, LLVMBuildFCmp(B, LLVMRealOLT, ax, FC(0.0004), ""), x, r);
}

LLVMValueRef cg_math_erf(cg_em *m, LLVMValueRef x)
{
    LLVMTypeRef t = LLVMTypeOf(x);
    LLVMBuilderRef B = m->B;
    LLVMValueRef ax = cg_math_intrinsic1(m, "llvm.fabs", x);
    LLVMValueRef tt = LLVMBuildFDiv(B, FC(1.0), add(m, FC(1.0), mul(m, ax, FC(0.3275911))), "");
    static const double a[6] = {0.0, 0.254829592, -0.284496736, 1.421413741, -1.453152027,
                                1.061405429};
    LLVMValueRef poly = horner(m, t, tt, a, 6);
    LLVMValueRef ex = cg_math_exp(m, LLVMBuildFNeg(B, mul(m, ax, ax), ""));
    LLVMValueRef y = LLVMBuildFSub(B, FC(1.0), mul(m, poly, ex), "");
    /* near 0 the formula above loses relative accuracy: Taylor series */
    static const double ts[7] = {1.1283791670955126, -0.37612638903183754,
                                 0.11283791670955126, -0.026866170645131252,
                                 0.0052239776254421878, -0.00085483270234508529,
                                 0.00012055332981789664};
    LLVMValueRef small = mul(m, ax, horner(m, t, mul(m, ax, ax), ts, 7));
    y = sel(m, LLVMBuildFCmp(B, LLVMRealOLT, ax, FC(0.5), ""), small, y);
    /* copysign(y, x); NaN stays NaN through the arithmetic above */
    unsigned id = LLVMLookupIntrinsicID("llvm.copysign", 13);
    LLVMValueRef f = LLVMGetIntrinsicDeclaration(m->M, id, &t, 1);
    LLVMValueRef args[2] = {y, x};
    return LLVMBuildCall2(B, LLVMIntrinsicGetType(m->C, id, &t, 1), f, args, 2, "");
}

LLVMValueRef cg_math_log(cg_em *m, LLVMValueRef x)
{
    return cg_math_intrinsic1(m, "llvm.log", x);
}
