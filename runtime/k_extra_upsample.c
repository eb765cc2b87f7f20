/*
 * k_extra_upsample.c — interpolation as F.interpolate compiles it:
 * upsample_nearest{1,2,3}d, _upsample_nearest_exact{1,2,3}d,
 * upsample_linear1d, upsample_bilinear2d, upsample_trilinear3d,
 * upsample_bicubic2d, each in its `.vec` (output_size or scale_factors)
 * and its explicit-size (with optional per-dim scales) overload.
 *
 * Index and weight arithmetic follows ATen's UpSample.h / UpSampleKernel.cpp
 * (1.13) operation by operation — float32 scales for nearest, the tensor's
 * own precision for linear and cubic, a given scale used as 1/scale unless
 * align_corners — so results match PyTorch bit for bit or nearly. Every
 * spatial dim gets a table of (input offset, weight) taps per output index
 * (1 tap nearest, 2 linear, 4 cubic); the output is the separable weighted
 * sum, outer dim outermost as ATen nests it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_gemm.h"
#include "rt_kernels.h"

enum { UP_NEAREST, UP_EXACT, UP_LINEAR, UP_CUBIC };

static const char *const UP_NAME[] = {"compute_indices_weights_nearest",
                                      "compute_indices_weights_nearest",
                                      "compute_indices_weights_linear",
                                      "compute_indices_weights_cubic"};

/* One spatial dim's taps: idx in elements of the input plane, w weights. */
typedef struct utab {
    int64_t *idx;
    double *w;
} utab;

/* ---- index arithmetic (T = float or double, as ATen's scalar_t) ---- */

#define UP_SCALE_FNS(T, SUF)                                                                  \
    static T compute_scales_value_##SUF(double scale, int64_t in, int64_t out)                 \
    {                                                                                          \
        return scale > 0. ? (T)(1.0 / scale) : (T)in / (T)out;                                 \
    }                                                                                          \
    static T area_scale_##SUF(int64_t in, int64_t out, bool ac, double scale)                  \
    {                                                                                          \
        if (ac)                                                                                \
            return out > 1 ? (T)(in - 1) / (T)(out - 1) : (T)0;                                \
        return compute_scales_value_##SUF(scale, in, out);                                     \
    }                                                                                          \
    static T area_src_##SUF(T scale, int64_t dst, bool ac, bool cubic)                         \
    {                                                                                          \
        if (ac)                                                                                \
            return scale * (T)dst;                                                             \
        T src = (T)(scale * (dst + 0.5) - 0.5);                                                \
        return (!cubic && src < (T)0) ? (T)0 : src;                                            \
    }                                                                                          \
    static void linear_taps_##SUF(int64_t in, int64_t out, bool ac, double sc, utab *t)        \
    {                                                                                          \
        T scale = area_scale_##SUF(in, out, ac, sc);                                           \
        for (int64_t o = 0; o < out; o++) {                                                    \
            int64_t i0, i1;                                                                    \
            T l0, l1;                                                                          \
            if (out == in) {                                                                   \
                i0 = i1 = o, l0 = (T)1, l1 = (T)0;                                             \
            } else {                                                                           \
                T r = area_src_##SUF(scale, o, ac, false);                                     \
                i0 = (int64_t)r;                                                               \
                i1 = i0 + (i0 < in - 1 ? 1 : 0);                                               \
                T d = r - (T)i0;                                                               \
                l1 = d < (T)0 ? (T)0 : d > (T)1 ? (T)1 : d;                                    \
                l0 = (T)1 - l1;                                                                \
            }                                                                                  \
            t->idx[2 * o] = i0, t->idx[2 * o + 1] = i1;                                        \
            t->w[2 * o] = l0, t->w[2 * o + 1] = l1;                                            \
        }                                                                                      \
    }                                                                                          \
    static T cc1_##SUF(T x, T A) { return ((A + 2) * x - (A + 3)) * x * x + 1; }               \
    static T cc2_##SUF(T x, T A) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; }         \
    static void cubic_taps_##SUF(int64_t in, int64_t out, bool ac, double sc, utab *t)         \
    {                                                                                          \
        T scale = area_scale_##SUF(in, out, ac, sc), A = (T)-0.75;                             \
        for (int64_t o = 0; o < out; o++) {                                                    \
            T r = area_src_##SUF(scale, o, ac, true);                                          \
            int64_t i = (int64_t)floor(r);                                                     \
            T x = r - (T)i, c[4];                                                              \
            c[0] = cc2_##SUF(x + (T)1, A);                                                     \
            c[1] = cc1_##SUF(x, A);                                                            \
            T x2 = (T)1 - x;                                                                   \
            c[2] = cc1_##SUF(x2, A);                                                           \
            c[3] = cc2_##SUF(x2 + (T)1, A);                                                    \
            for (int j = 0; j < 4; j++) {                                                      \
                int64_t k = i - 1 + j;                                                         \
                t->idx[4 * o + j] = k < 0 ? 0 : k > in - 1 ? in - 1 : k;                      \
                t->w[4 * o + j] = c[j];                                                        \
            }                                                                                  \
        }                                                                                      \
    }
UP_SCALE_FNS(float, f32)
UP_SCALE_FNS(double, f64)

static void nearest_taps(int mode, int64_t in, int64_t out, double sc, utab *t)
{
    for (int64_t o = 0; o < out; o++) {
        int64_t i;
        if (mode == UP_NEAREST) {
            if (out == in) {
                i = o;
            } else if (out == 2 * in) {
                i = o >> 1;
            } else {
                float s = compute_scales_value_f32(sc, in, out);
                i = (int64_t)floorf((float)o * s);
            }
        } else {
            float s = compute_scales_value_f32(sc, in, out);
            i = (int64_t)floorf((float)((o + 0.5) * (double)s));
        }
        t->idx[o] = i < in - 1 ? i : in - 1;
        t->w[o] = 1;
    }
}

/* ---- the weighted sum ---- */

#define UP_RUN(T, SUF)                                                                        \
    static void run_##SUF(const T *x, T *y, int64_t planes, int nsp, const int64_t *isz,       \
                          const int64_t *osz, const utab *tab, int nt)                         \
    {                                                                                          \
        int64_t ist[3] = {1, 1, 1}, ost = 1, ip = 1;                                           \
        for (int d = nsp - 1; d >= 0; d--) {                                                   \
            ist[d] = ip;                                                                       \
            ip *= isz[d];                                                                      \
            ost *= osz[d];                                                                     \
        }                                                                                      \
        int64_t o1 = nsp > 1 ? osz[1] : 1, o2 = nsp > 2 ? osz[2] : 1;                          \
        for (int64_t p = 0; p < planes; p++) {                                                 \
            const T *xp = x + p * ip;                                                          \
            T *yp = y + p * ost;                                                               \
            for (int64_t a = 0; a < osz[0]; a++)                                               \
                for (int64_t b = 0; b < o1; b++)                                               \
                    for (int64_t q = 0; q < o2; q++) {                                         \
                        T acc0 = 0;                                                            \
                        for (int i = 0; i < nt; i++) {                                         \
                            const T *r0 = xp + tab[0].idx[a * nt + i] * ist[0];                \
                            T w0 = (T)tab[0].w[a * nt + i], t0;                                \
                            if (nsp == 1) {                                                    \
                                t0 = *r0;                                                      \
                            } else {                                                           \
                                T acc1 = 0;                                                    \
                                for (int j = 0; j < nt; j++) {                                 \
                                    const T *r1 = r0 + tab[1].idx[b * nt + j] * ist[1];        \
                                    T w1 = (T)tab[1].w[b * nt + j], t1;                        \
                                    if (nsp == 2) {                                            \
                                        t1 = *r1;                                              \
                                    } else {                                                   \
                                        T acc2 = 0;                                            \
                                        for (int k = 0; k < nt; k++)                           \
                                            acc2 = k ? acc2 + r1[tab[2].idx[q * nt + k]] *     \
                                                                  (T)tab[2].w[q * nt + k]      \
                                                     : r1[tab[2].idx[q * nt + k]] *            \
                                                           (T)tab[2].w[q * nt + k];            \
                                        t1 = acc2;                                             \
                                    }                                                          \
                                    acc1 = j ? acc1 + t1 * w1 : t1 * w1;                       \
                                }                                                              \
                                t0 = acc1;                                                     \
                            }                                                                  \
                            acc0 = i ? acc0 + t0 * w0 : t0 * w0;                               \
                        }                                                                      \
                        *yp++ = acc0;                                                          \
                    }                                                                          \
        }                                                                                      \
    }
UP_RUN(float, f32)
UP_RUN(double, f64)

/* Nearest: a gather of whole elements (any element size). */
static void run_nearest(const char *x, char *y, size_t es, int64_t planes, int nsp,
                        const int64_t *isz, const int64_t *osz, const utab *tab)
{
    int64_t ist[3] = {1, 1, 1}, ip = 1;
    for (int d = nsp - 1; d >= 0; d--) {
        ist[d] = ip;
        ip *= isz[d];
    }
    int64_t o1 = nsp > 1 ? osz[1] : 1, o2 = nsp > 2 ? osz[2] : 1;
    for (int64_t p = 0; p < planes; p++) {
        const char *xp = x + (size_t)(p * ip) * es;
        for (int64_t a = 0; a < osz[0]; a++) {
            int64_t oa = tab[0].idx[a] * ist[0];
            for (int64_t b = 0; b < o1; b++) {
                int64_t ob = oa + (nsp > 1 ? tab[1].idx[b] * ist[1] : 0);
                for (int64_t q = 0; q < o2; q++) {
                    int64_t off = ob + (nsp > 2 ? tab[2].idx[q] : 0);
                    memcpy(y, xp + (size_t)off * es, es);
                    y += es;
                }
            }
        }
    }
}

/* ---- driver ---- */

static int size_error(rt_ctx *c, int nsp, const int64_t *isz, const int64_t *osz)
{
    if (nsp == 1)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Input and output sizes should be greater than 0, but got input (W: "
                          "%lld) and output (W: %lld)",
                          (long long)isz[0], (long long)osz[0]);
    if (nsp == 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Input and output sizes should be greater than 0, but got input (H: "
                          "%lld, W: %lld) output (H: %lld, W: %lld)",
                          (long long)isz[0], (long long)isz[1], (long long)osz[0],
                          (long long)osz[1]);
    return rt_err_set(c->err, TSJ_ERR_SHAPE,
                      "Input and output sizes should be greater than 0, but got input (D: %lld, "
                      "H: %lld, W: %lld) output (D: %lld, H: %lld, W: %lld)",
                      (long long)isz[0], (long long)isz[1], (long long)isz[2],
                      (long long)osz[0], (long long)osz[1], (long long)osz[2]);
}

/* x: input with nsp spatial dims; osz: output sizes; sc: scales (<= 0 or
 * NaN when absent). */
static int upsample(rt_ctx *c, rt_tensor *x, int nsp, const int64_t *osz, const double *sc,
                    int mode, bool ac, rt_value *out)
{
    if (x->ndim != nsp + 2)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "It is expected input_size equals to %d, but got size %d", nsp + 2,
                          x->ndim);
    const int64_t *isz = x->shape + 2;
    for (int d = 0; d < nsp; d++)
        if (isz[d] <= 0 || osz[d] <= 0)
            return size_error(c, nsp, isz, osz);
    if (rt_tensor_numel(x) == 0 && x->shape[1] == 0) {
        char buf[160];
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "Non-empty %dD data tensor expected but got a tensor with sizes %s",
                          nsp + 2, rt_shape_str(x->ndim, x->shape, buf, sizeof buf));
    }
    rt_dtype d = (rt_dtype)x->dtype;
    bool nearest = mode == UP_NEAREST || mode == UP_EXACT;
    bool ok = d == RT_F32 || d == RT_F64 ||
              (nearest && (d == RT_U8 || d == RT_F16 || d == RT_BF16));
    if (!ok)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "\"%s\" not implemented for '%s'",
                          UP_NAME[mode], rt_gemm_type_name(d));
    int nt = nearest ? 1 : mode == UP_LINEAR ? 2 : 4;
    int64_t shp[RT_MAX_DIMS];
    shp[0] = x->shape[0], shp[1] = x->shape[1];
    int64_t tot = 0;
    for (int k = 0; k < nsp; k++) {
        shp[2 + k] = osz[k];
        tot += osz[k];
    }
    rt_tensor *res = NULL, *xc = NULL;
    int64_t *ib = malloc(sizeof(int64_t) * (size_t)(tot * nt));
    double *wb = malloc(sizeof(double) * (size_t)(tot * nt));
    int rc = -1;
    if (!ib || !wb) {
        rt_err_set(c->err, TSJ_ERR_NOMEM, "out of memory");
        goto done;
    }
    utab tab[3];
    for (int k = 0, at = 0; k < nsp; at += (int)osz[k] * nt, k++) {
        tab[k].idx = ib + at, tab[k].w = wb + at;
        double s = sc[k];
        if (nearest)
            nearest_taps(mode, isz[k], osz[k], s, &tab[k]);
        else if (mode == UP_LINEAR && d == RT_F32)
            linear_taps_f32(isz[k], osz[k], ac, s, &tab[k]);
        else if (mode == UP_LINEAR)
            linear_taps_f64(isz[k], osz[k], ac, s, &tab[k]);
        else if (d == RT_F32)
            cubic_taps_f32(isz[k], osz[k], ac, s, &tab[k]);
        else
            cubic_taps_f64(isz[k], osz[k], ac, s, &tab[k]);
    }
    if (!(xc = rt_tensor_contiguous(x, c->err)) ||
        !(res = rt_tensor_empty(d, x->ndim, shp, c->err)))
        goto done;
    int64_t planes = x->shape[0] * x->shape[1];
    if (nearest)
        run_nearest(rt_tensor_data(xc), rt_tensor_data(res), rt_dtype_size(d), planes, nsp, isz,
                    osz, tab);
    else if (d == RT_F32)
        run_f32(rt_tensor_data(xc), rt_tensor_data(res), planes, nsp, isz, osz, tab, nt);
    else
        run_f64(rt_tensor_data(xc), rt_tensor_data(res), planes, nsp, isz, osz, tab, nt);
    rt_out_tensor(out, res);
    res = NULL;
    rc = 0;
done:
    free(ib);
    free(wb);
    rt_tensor_release(xc);
    rt_tensor_release(res);
    return rc;
}

#define SPATIAL_CHECK(what)                                                                   \
    "Expected static_cast<int64_t>(" what "->size()) == spatial_dimensions to be true, but "  \
    "got false.  (Could this error message be improved?  If so, please report an "            \
    "enhancement request to PyTorch.)"

/* .vec overloads: (input, output_size?, [align_corners,] scale_factors?) */
static int upsample_vec(rt_ctx *c, const rt_value *in, int nsp, int mode, bool has_ac,
                        rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "input", &x))
        return -1;
    bool ac = false;
    rt_value osv = in[1], sfv = in[has_ac ? 3 : 2];
    if (has_ac && rt_arg_bool(c, in[2], "align_corners", &ac))
        return -1;
    int64_t osz[3] = {0, 0, 0};
    double sc[3] = {-1, -1, -1};
    int spatial = x->ndim - 2;
    bool have_os = osv.kind != RT_NONE, have_sf = sfv.kind != RT_NONE;
    if (have_os == have_sf)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                          "Must specify exactly one of output_size and scale_factors");
    if (have_os) {
        int64_t tmp[RT_MAX_DIMS];
        int n;
        if (rt_arg_intlist(c, osv, "output_size", tmp, RT_MAX_DIMS, 0, &n))
            return -1;
        if (n != spatial)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, SPATIAL_CHECK("output_size"));
        for (int k = 0; k < n && k < 3; k++)
            osz[k] = tmp[k];
    } else {
        if (sfv.kind != RT_LIST)
            return rt_err_set(c->err, TSJ_ERR_TYPE, "scale_factors must be a list of floats");
        rt_list *l = sfv.u.list;
        if ((int)l->len != spatial)
            return rt_err_set(c->err, TSJ_ERR_SHAPE, SPATIAL_CHECK("scale_factors"));
        for (int k = 0; k < spatial && k < 3; k++) {
            double s;
            if (rt_arg_double(c, l->items[k], "scale_factors", &s))
                return -1;
            sc[k] = s;
            double v = (double)x->shape[2 + k] * s;
            osz[k] = v != v ? 0 : v > 9.2e18 ? INT64_MAX : v < -9.2e18 ? INT64_MIN : (int64_t)v;
        }
    }
    return upsample(c, x, nsp, osz, sc, mode, ac, out);
}

/* explicit overloads: (self, output_size[nsp], [align_corners,] scales...) */
static int upsample_sz(rt_ctx *c, const rt_value *in, int nin, int nsp, int mode, bool has_ac,
                       rt_value *out)
{
    rt_tensor *x;
    if (rt_arg_tensor(c, in[0], "self", &x))
        return -1;
    int64_t tmp[RT_MAX_DIMS], osz[3] = {0, 0, 0};
    int n;
    if (rt_arg_intlist(c, in[1], "output_size", tmp, RT_MAX_DIMS, nsp, &n))
        return -1;
    if (n != nsp)
        return rt_err_set(c->err, TSJ_ERR_SHAPE,
                          "It is expected output_size equals to %d, but got size %d", nsp, n);
    for (int k = 0; k < nsp; k++)
        osz[k] = tmp[k];
    bool ac = false;
    int at = 2;
    if (has_ac && rt_arg_bool(c, in[at++], "align_corners", &ac))
        return -1;
    double sc[3] = {-1, -1, -1};
    for (int k = 0; k < nsp && at + k < nin; k++) {
        if (in[at + k].kind == RT_NONE)
            continue;
        if (rt_arg_double(c, in[at + k], "scales", &sc[k]))
            return -1;
    }
    return upsample(c, x, nsp, osz, sc, mode, ac, out);
}

#define UP_KERNELS(NAME, NSP, MODE, AC)                                                        \
    int k_##NAME##_vec(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)        \
    {                                                                                          \
        (void)nin, (void)nout;                                                                 \
        return upsample_vec(c, in, NSP, MODE, AC, out);                                        \
    }                                                                                          \
    int k_##NAME(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)              \
    {                                                                                          \
        (void)nout;                                                                            \
        return upsample_sz(c, in, nin, NSP, MODE, AC, out);                                    \
    }

UP_KERNELS(upsample_nearest1d, 1, UP_NEAREST, false)
UP_KERNELS(upsample_nearest2d, 2, UP_NEAREST, false)
UP_KERNELS(upsample_nearest3d, 3, UP_NEAREST, false)
UP_KERNELS(_upsample_nearest_exact1d, 1, UP_EXACT, false)
UP_KERNELS(_upsample_nearest_exact2d, 2, UP_EXACT, false)
UP_KERNELS(_upsample_nearest_exact3d, 3, UP_EXACT, false)
UP_KERNELS(upsample_linear1d, 1, UP_LINEAR, true)
UP_KERNELS(upsample_bilinear2d, 2, UP_LINEAR, true)
UP_KERNELS(upsample_trilinear3d, 3, UP_LINEAR, true)
UP_KERNELS(upsample_bicubic2d, 2, UP_CUBIC, true)
