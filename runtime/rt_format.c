/* rt_format.c — text of values: TorchScript's C++ IValue printing (RT_FMT_TS,
 * with at::print for tensors) and Python's repr (RT_FMT_PY, with
 * torch._tensor_str for tensors). See rt_format.h. */
#include "rt_format.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text buffer ---- */

static int sb_reserve(rt_sb *sb, size_t extra, rt_err *e)
{
    if (sb->len + extra + 1 <= sb->cap)
        return 0;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *p = realloc(sb->data, cap);
    if (!p)
        return rt_err_nomem(e);
    sb->data = p;
    sb->cap = cap;
    return 0;
}

int rt_sb_append(rt_sb *sb, const char *s, size_t n, rt_err *e)
{
    if (sb_reserve(sb, n, e))
        return -1;
    if (n)
        memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
    return 0;
}

int rt_sb_puts(rt_sb *sb, const char *s, rt_err *e) { return rt_sb_append(sb, s, strlen(s), e); }

int rt_sb_printf(rt_sb *sb, rt_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return rt_err_set(e, TSJ_ERR_INTERNAL, "bad format string");
    if (sb_reserve(sb, (size_t)n, e))
        return -1;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
    return 0;
}

void rt_sb_free(rt_sb *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

int rt_sb_to_value(rt_sb *sb, rt_value *out, rt_err *e)
{
    int r = rt_str_new(sb->data ? sb->data : "", sb->len, out, e);
    rt_sb_free(sb);
    return r;
}

static int sb_spaces(rt_sb *sb, int64_t n, rt_err *e)
{
    for (int64_t i = 0; i < n; i++)
        if (rt_sb_append(sb, " ", 1, e))
            return -1;
    return 0;
}

/* ---- floats ---- */

/* Python repr: the shortest digits that read back to d, positional when
 * -4 < exponent10 <= 16, else scientific with a 2-digit exponent. */
static void py_repr_double(double d, char *buf, size_t size)
{
    if (isnan(d)) {
        snprintf(buf, size, "nan");
        return;
    }
    if (isinf(d)) {
        snprintf(buf, size, d < 0 ? "-inf" : "inf");
        return;
    }
    char tmp[40];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp = [-]D[.DDD]e[+-]XX */
    const char *s = tmp;
    bool neg = *s == '-';
    if (neg)
        s++;
    char digits[24];
    int nd = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.')
            digits[nd++] = *s;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    int exp10 = atoi(s + 1);
    int decpt = exp10 + 1; /* value = 0.DIGITS * 10^decpt */
    size_t n = 0;
#define PUT(ch)                \
    do {                       \
        if (n + 1 < size)      \
            buf[n++] = (ch);   \
    } while (0)
    if (neg)
        PUT('-');
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            PUT('0');
            PUT('.');
            for (int i = 0; i < -decpt; i++)
                PUT('0');
            for (int i = 0; i < nd; i++)
                PUT(digits[i]);
        } else {
            for (int i = 0; i < decpt; i++)
                PUT(i < nd ? digits[i] : '0');
            PUT('.');
            if (nd > decpt)
                for (int i = decpt; i < nd; i++)
                    PUT(digits[i]);
            else
                PUT('0');
        }
        buf[n] = '\0';
    } else {
        PUT(digits[0]);
        if (nd > 1) {
            PUT('.');
            for (int i = 1; i < nd; i++)
                PUT(digits[i]);
        }
        buf[n] = '\0';
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    }
#undef PUT
}

const char *rt_format_double(double d, rt_fmt_style style, char *buf, size_t size)
{
    if (style == RT_FMT_PY) {
        py_repr_double(d, buf, size);
        return buf;
    }
    if (isnan(d)) {
        snprintf(buf, size, "nan");
        return buf;
    }
    if (isinf(d)) {
        snprintf(buf, size, d < 0 ? "-inf" : "inf");
        return buf;
    }
    /* c10's IValue printing: integral values below 2^63 as "N.", the rest
     * with max_digits10 (17) significant digits. */
    if (fpclassify(d) != FP_SUBNORMAL && d >= -9223372036854775808.0 &&
        d < 9223372036854775808.0) {
        int64_t i = (int64_t)d;
        if ((double)i == d) {
            snprintf(buf, size, "%lld.", (long long)i);
            return buf;
        }
    }
    snprintf(buf, size, "%.17g", d);
    return buf;
}

/* ---- tensors: element access as double ---- */

static double elem_f64(const rt_tensor *t, int64_t off)
{
    rt_dtype d = (rt_dtype)t->dtype;
    const char *p = (const char *)rt_tensor_data(t) + off * (int64_t)rt_dtype_size(d);
    return rt_load_f64(p, d);
}

static int64_t elem_off(const rt_tensor *t, const int64_t *idx, int n)
{
    int64_t off = 0;
    for (int i = 0; i < n; i++)
        off += idx[i] * t->strides[i];
    return off;
}

static const char *cpu_type_name(rt_dtype d)
{
    switch (d) {
    case RT_U8: return "CPUByteType";
    case RT_I8: return "CPUCharType";
    case RT_I16: return "CPUShortType";
    case RT_I32: return "CPUIntType";
    case RT_I64: return "CPULongType";
    case RT_F16: return "CPUHalfType";
    case RT_F32: return "CPUFloatType";
    case RT_F64: return "CPUDoubleType";
    case RT_BOOL_: return "CPUBoolType";
    case RT_BF16: return "CPUBFloat16Type";
    default: return "CPUType";
    }
}

/* ---- TS style: at::print (aten/src/ATen/core/Formatting.cpp) ----
 * The C++ stream state (float mode and precision) persists across the
 * matrices of one tensor; `ts_stream` mirrors it. */
enum { FM_DEFAULT, FM_FIXED, FM_SCI };
typedef struct ts_stream {
    int mode, prec;
} ts_stream;

static int ts_num(rt_sb *sb, const ts_stream *st, int width, double v, rt_err *e)
{
    if (isnan(v))
        return rt_sb_printf(sb, e, "%*s", width, "nan");
    if (isinf(v))
        return rt_sb_printf(sb, e, "%*s", width, v < 0 ? "-inf" : "inf");
    switch (st->mode) {
    case FM_FIXED: return rt_sb_printf(sb, e, "%*.*f", width, st->prec, v);
    case FM_SCI: return rt_sb_printf(sb, e, "%*.*e", width, st->prec, v);
    default: return rt_sb_printf(sb, e, "%*.*g", width, st->prec, v);
    }
}

/* printScale: default float notation at the stream's current precision */
static int ts_scale(rt_sb *sb, const ts_stream *st, double scale, rt_err *e)
{
    return rt_sb_printf(sb, e, "%.*g *\n", st->prec, scale);
}

/* __printFormat over the n doubles of vals: sets the stream mode, returns
 * the scale and the column width. */
static void ts_print_format(ts_stream *st, const double *vals, int64_t size, double *scale,
                            int64_t *sz)
{
    *scale = 1;
    if (size == 0) {
        *sz = 0;
        return;
    }
    bool int_mode = true;
    for (int64_t i = 0; i < size; i++)
        if (isfinite(vals[i]) && vals[i] != ceil(vals[i])) {
            int_mode = false;
            break;
        }
    int64_t offset = 0;
    while (!isfinite(vals[offset]))
        if (++offset == size)
            break;
    double exp_min, exp_max;
    if (offset == size) {
        exp_min = exp_max = 1;
    } else {
        exp_min = exp_max = fabs(vals[offset]);
        for (int64_t i = offset; i < size; i++) {
            double z = fabs(vals[i]);
            if (isfinite(z)) {
                if (z < exp_min)
                    exp_min = z;
                if (vals[i] > exp_max) /* sic: compares the signed value */
                    exp_max = z;
            }
        }
        exp_min = exp_min != 0 ? floor(log10(exp_min)) + 1 : 1;
        exp_max = exp_max != 0 ? floor(log10(exp_max)) + 1 : 1;
    }
    if (int_mode) {
        if (exp_max > 9) {
            *sz = 11;
            st->mode = FM_SCI;
            st->prec = 4;
        } else {
            *sz = (int64_t)exp_max + 1;
            st->mode = FM_DEFAULT;
        }
    } else if (exp_max - exp_min > 4) {
        *sz = 11;
        if (fabs(exp_max) > 99 || fabs(exp_min) > 99)
            *sz += 1;
        st->mode = FM_SCI;
        st->prec = 4;
    } else {
        if (exp_max > 5 || exp_max < 0) {
            *sz = 7;
            *scale = pow(10, exp_max - 1);
        } else {
            *sz = exp_max == 0 ? 7 : (int64_t)exp_max + 6;
        }
        st->mode = FM_FIXED;
        st->prec = 4;
    }
}

/* Copies the elements of t at leading index idx[0..lead) (a matrix, vector
 * or whole tensor) into a new double array. */
static double *ts_gather(const rt_tensor *t, const int64_t *lead, int nlead, int64_t *n,
                         rt_err *e)
{
    int64_t cnt = 1;
    for (int d = nlead; d < t->ndim; d++)
        cnt *= t->shape[d];
    double *v = malloc(sizeof(double) * (size_t)(cnt ? cnt : 1));
    if (!v) {
        rt_err_nomem(e);
        return NULL;
    }
    int64_t base = elem_off(t, lead, nlead);
    rt_iter it;
    rt_iter_init(&it, t->ndim - nlead, t->shape + nlead, t->strides + nlead);
    for (int64_t k = 0; k < cnt; k++) {
        v[k] = elem_f64(t, base + it.off);
        rt_iter_next(&it);
    }
    *n = cnt;
    return v;
}

static int ts_print_matrix(rt_sb *sb, ts_stream *st, const double *m, int64_t rows,
                           int64_t cols, int64_t linesize, int64_t indent, rt_err *e)
{
    double scale;
    int64_t sz;
    ts_print_format(st, m, rows * cols, &scale, &sz);
    if (sb_spaces(sb, indent, e))
        return -1;
    int64_t per_line = (linesize - indent) / (sz + 1);
    int64_t first = 0, last = -1;
    while (first < cols) {
        last = first + per_line <= cols ? first + per_line - 1 : cols - 1;
        if (per_line < cols) {
            if (first != 0 && rt_sb_puts(sb, "\n", e))
                return -1;
            if (rt_sb_printf(sb, e, "Columns %lld to %lld", (long long)first + 1,
                             (long long)last + 1) ||
                sb_spaces(sb, indent, e))
                return -1;
        }
        if (scale != 1) {
            if (ts_scale(sb, st, scale, e) ||
                sb_spaces(sb, indent, e))
                return -1;
        }
        for (int64_t l = 0; l < rows; l++) {
            for (int64_t c = first; c <= last; c++) {
                if (ts_num(sb, st, (int)sz, m[l * cols + c] / scale, e))
                    return -1;
                if (c == last) {
                    if (rt_sb_puts(sb, "\n", e))
                        return -1;
                    if (l != rows - 1) {
                        if (sb_spaces(sb, indent, e) ||
                            (scale != 1 && rt_sb_puts(sb, " ", e)))
                            return -1;
                    }
                } else if (rt_sb_puts(sb, " ", e)) {
                    return -1;
                }
            }
        }
        first = last + 1;
    }
    return 0;
}

static int ts_tensor(rt_sb *sb, const rt_tensor *t, rt_err *e)
{
    ts_stream st = {FM_DEFAULT, 6};
    const int64_t linesize = 80;
    int64_t numel = rt_tensor_numel(t);
    int nd = t->ndim;
    const char *tn = cpu_type_name((rt_dtype)t->dtype);
    if (nd == 0) {
        if (ts_num(sb, &st, 0, elem_f64(t, 0), e) || rt_sb_printf(sb, e, "\n[ %s{}", tn))
            return -1;
    } else if (nd == 1) {
        if (numel > 0) {
            int64_t n;
            double *v = ts_gather(t, NULL, 0, &n, e);
            if (!v)
                return -1;
            double scale;
            int64_t sz;
            ts_print_format(&st, v, n, &scale, &sz);
            int r = 0;
            if (scale != 1)
                r = ts_scale(sb, &st, scale, e);
            for (int64_t i = 0; !r && i < n; i++)
                r = ts_num(sb, &st, (int)sz, v[i] / scale, e) || rt_sb_puts(sb, "\n", e);
            free(v);
            if (r)
                return -1;
        }
        if (rt_sb_printf(sb, e, "[ %s{%lld}", tn, (long long)t->shape[0]))
            return -1;
    } else {
        if (numel > 0) {
            int64_t lead[RT_MAX_DIMS] = {0};
            int nlead = nd - 2;
            bool first = true;
            for (;;) {
                if (nlead > 0) {
                    if (!first && rt_sb_puts(sb, "\n", e))
                        return -1;
                    if (rt_sb_puts(sb, "(", e))
                        return -1;
                    for (int i = 0; i < nlead; i++)
                        if (rt_sb_printf(sb, e, "%lld,", (long long)lead[i] + 1))
                            return -1;
                    if (rt_sb_puts(sb, ".,.) = \n", e))
                        return -1;
                }
                int64_t n;
                double *m = ts_gather(t, lead, nlead, &n, e);
                if (!m)
                    return -1;
                int r = ts_print_matrix(sb, &st, m, t->shape[nd - 2], t->shape[nd - 1], linesize,
                                        nlead > 0 ? 1 : 0, e);
                free(m);
                if (r)
                    return -1;
                first = false;
                /* next leading index, first dimension fastest (as at::print) */
                int i = 0;
                for (; i < nlead; i++) {
                    if (++lead[i] < t->shape[i])
                        break;
                    lead[i] = 0;
                }
                if (i == nlead)
                    break;
            }
        }
        if (rt_sb_printf(sb, e, "[ %s{%lld", tn, (long long)t->shape[0]))
            return -1;
        for (int i = 1; i < nd; i++)
            if (rt_sb_printf(sb, e, ",%lld", (long long)t->shape[i]))
                return -1;
        if (rt_sb_puts(sb, "}", e))
            return -1;
    }
    return rt_sb_puts(sb, " ]", e);
}

/* ---- PY style: torch/_tensor_str.py with the default print options ---- */
enum { PY_PRECISION = 4, PY_THRESHOLD = 1000, PY_EDGE = 3, PY_LINEWIDTH = 80 };

typedef struct py_fmt {
    bool floating, is_bool, int_mode, sci_mode;
    int max_width;
} py_fmt;

typedef struct py_ctx {
    const rt_tensor *t;
    bool summarize;
    py_fmt f;
    rt_sb *sb;
    rt_err *e;
} py_ctx;

/* Calls fn on every element the printout shows (all of them, or the
 * summarized edges), in order. */
typedef void (*py_visit_fn)(py_fmt *f, double v);
static void py_visit(const rt_tensor *t, bool summarize, int dim, int64_t off, py_fmt *f,
                     py_visit_fn fn)
{
    if (dim == t->ndim) {
        fn(f, elem_f64(t, off));
        return;
    }
    int64_t n = t->shape[dim];
    for (int64_t i = 0; i < n; i++) {
        if (summarize && n > 2 * PY_EDGE && i == PY_EDGE)
            i = n - PY_EDGE;
        py_visit(t, summarize, dim + 1, off + i * t->strides[dim], f, fn);
    }
}

static void py_stats_int(py_fmt *f, double v)
{
    char buf[48];
    int n = f->is_bool ? (v != 0 ? 4 : 5) : snprintf(buf, sizeof buf, "%lld", (long long)v);
    if (n > f->max_width)
        f->max_width = n;
}

/* floating formatter: collects min/max/int-ness of the nonzero finite
 * values; the second pass measures widths. */
typedef struct py_float_stats {
    py_fmt f;
    bool any;
    double mn, mx;
    int pass;
} py_float_stats;

static void py_stats_float(py_fmt *f, double v)
{
    py_float_stats *s = (py_float_stats *)f;
    if (!isfinite(v) || v == 0)
        return;
    double a = fabs(v);
    char buf[64];
    if (s->pass == 0) {
        if (!s->any) {
            s->mn = s->mx = a;
            s->any = true;
        }
        if (a < s->mn)
            s->mn = a;
        if (a > s->mx)
            s->mx = a;
        if (v != ceil(v))
            f->int_mode = false;
        return;
    }
    int n;
    if (f->sci_mode)
        n = snprintf(buf, sizeof buf, "%.*e", PY_PRECISION, v);
    else if (f->int_mode)
        n = snprintf(buf, sizeof buf, "%.0f", v) + 1;
    else
        n = snprintf(buf, sizeof buf, "%.*f", PY_PRECISION, v);
    if (n > f->max_width)
        f->max_width = n;
}

static void py_make_formatter(const rt_tensor *t, bool summarize, py_fmt *out)
{
    rt_dtype d = (rt_dtype)t->dtype;
    py_float_stats s;
    memset(&s, 0, sizeof s);
    s.f.floating = rt_dtype_is_float(d);
    s.f.is_bool = d == RT_BOOL_;
    s.f.int_mode = true;
    s.f.max_width = 1;
    if (!s.f.floating) {
        py_visit(t, summarize, 0, 0, &s.f, py_stats_int);
    } else {
        py_visit(t, summarize, 0, 0, &s.f, py_stats_float);
        if (s.any) {
            if (s.f.int_mode)
                s.f.sci_mode = s.mx / s.mn > 1000. || s.mx > 1.e8;
            else
                s.f.sci_mode = s.mx / s.mn > 1000. || s.mx > 1.e8 || s.mn < 1.e-4;
            s.pass = 1;
            py_visit(t, summarize, 0, 0, &s.f, py_stats_float);
        }
    }
    *out = s.f;
}

static int py_elem(py_ctx *p, double v)
{
    char buf[64];
    const py_fmt *f = &p->f;
    if (f->floating) {
        if (!isfinite(v)) {
            snprintf(buf, sizeof buf, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        } else if (f->sci_mode) {
            snprintf(buf, sizeof buf, "%.*e", PY_PRECISION, v);
        } else if (f->int_mode) {
            snprintf(buf, sizeof buf, "%.0f.", v);
        } else {
            snprintf(buf, sizeof buf, "%.*f", PY_PRECISION, v);
        }
    } else if (f->is_bool) {
        snprintf(buf, sizeof buf, "%s", v != 0 ? "True" : "False");
    } else {
        snprintf(buf, sizeof buf, "%lld", (long long)v);
    }
    int pad = f->max_width - (int)strlen(buf);
    return sb_spaces(p->sb, pad, p->e) || rt_sb_puts(p->sb, buf, p->e) ? -1 : 0;
}

static int py_vector(py_ctx *p, int64_t off, int indent)
{
    const rt_tensor *t = p->t;
    int dim = t->ndim - 1;
    int64_t n = t->shape[dim];
    int64_t elen = p->f.max_width + 2;
    int64_t per_line = (PY_LINEWIDTH - indent) / elen;
    if (per_line < 1)
        per_line = 1;
    if (rt_sb_puts(p->sb, "[", p->e))
        return -1;
    int64_t k = 0; /* items emitted, including " ..." */
    for (int64_t i = 0; i < n; i++) {
        bool ellipsis = p->summarize && n > 2 * PY_EDGE && i == PY_EDGE;
        if (k > 0) {
            if (k % per_line == 0) {
                if (rt_sb_puts(p->sb, ",\n", p->e) || sb_spaces(p->sb, indent + 1, p->e))
                    return -1;
            } else if (rt_sb_puts(p->sb, ", ", p->e)) {
                return -1;
            }
        }
        k++;
        if (ellipsis) {
            if (rt_sb_puts(p->sb, " ...", p->e))
                return -1;
            i = n - PY_EDGE - 1;
            continue;
        }
        if (py_elem(p, elem_f64(t, off + i * t->strides[dim])))
            return -1;
    }
    return rt_sb_puts(p->sb, "]", p->e);
}

static int py_tensor_rec(py_ctx *p, int dim, int64_t off, int indent)
{
    const rt_tensor *t = p->t;
    if (dim == t->ndim)
        return py_elem(p, elem_f64(t, off));
    if (dim == t->ndim - 1)
        return py_vector(p, off, indent);
    int64_t n = t->shape[dim];
    int rest = t->ndim - dim; /* the sub-tensor's dim */
    if (rt_sb_puts(p->sb, "[", p->e))
        return -1;
    for (int64_t i = 0; i < n; i++) {
        if (i > 0) {
            if (rt_sb_puts(p->sb, ",", p->e))
                return -1;
            for (int k = 0; k < rest - 1; k++)
                if (rt_sb_puts(p->sb, "\n", p->e))
                    return -1;
            if (sb_spaces(p->sb, indent + 1, p->e))
                return -1;
        }
        if (p->summarize && n > 2 * PY_EDGE && i == PY_EDGE) {
            if (rt_sb_puts(p->sb, "...", p->e))
                return -1;
            i = n - PY_EDGE - 1;
            continue;
        }
        if (py_tensor_rec(p, dim + 1, off + i * t->strides[dim], indent + 1))
            return -1;
    }
    return rt_sb_puts(p->sb, "]", p->e);
}

static int py_tensor(rt_sb *sb, const rt_tensor *t, rt_err *e)
{
    const int indent = 7; /* strlen("tensor(") */
    rt_dtype d = (rt_dtype)t->dtype;
    int64_t numel = rt_tensor_numel(t);
    size_t start = sb->len;
    if (rt_sb_puts(sb, "tensor(", e))
        return -1;
    char suffixes[2][96];
    int ns = 0;
    bool default_dtype = d == RT_F32 || d == RT_I64 || d == RT_BOOL_;
    if (numel == 0) {
        if (t->ndim != 1) {
            char shp[80];
            size_t n = (size_t)snprintf(shp, sizeof shp, "(");
            for (int i = 0; i < t->ndim; i++)
                n += (size_t)snprintf(shp + n, sizeof shp - n, "%s%lld", i ? ", " : "",
                                      (long long)t->shape[i]);
            snprintf(shp + n, sizeof shp - n, "%s)", t->ndim == 1 ? "," : "");
            snprintf(suffixes[ns++], sizeof suffixes[0], "size=%s", shp);
        }
        if (d != RT_F32)
            snprintf(suffixes[ns++], sizeof suffixes[0], "dtype=%s", rt_dtype_get(d)->torch);
        if (rt_sb_puts(sb, "[]", e))
            return -1;
    } else {
        if (!default_dtype)
            snprintf(suffixes[ns++], sizeof suffixes[0], "dtype=%s", rt_dtype_get(d)->torch);
        py_ctx p = {.t = t, .summarize = numel > PY_THRESHOLD, .sb = sb, .e = e};
        py_make_formatter(t, p.summarize, &p.f);
        if (py_tensor_rec(&p, 0, 0, indent))
            return -1;
    }
    /* _add_suffixes */
    const char *body = sb->data + start;
    const char *nl = strrchr(body, '\n');
    int64_t last_line_len = nl ? (int64_t)(sb->len - (size_t)(nl - sb->data)) + 1
                               : (int64_t)(sb->len - start) + 2;
    for (int i = 0; i < ns; i++) {
        int64_t sl = (int64_t)strlen(suffixes[i]);
        if (last_line_len + sl + 2 > PY_LINEWIDTH) {
            if (rt_sb_puts(sb, ",\n", e) || sb_spaces(sb, indent, e) ||
                rt_sb_puts(sb, suffixes[i], e))
                return -1;
            last_line_len = indent + sl;
        } else {
            if (rt_sb_puts(sb, ", ", e) || rt_sb_puts(sb, suffixes[i], e))
                return -1;
            last_line_len += sl + 2;
        }
    }
    return rt_sb_puts(sb, ")", e);
}

int rt_format_tensor(rt_sb *sb, const rt_tensor *t, rt_fmt_style style, rt_err *e)
{
    return style == RT_FMT_PY ? py_tensor(sb, t, e) : ts_tensor(sb, t, e);
}

/* ---- any value ---- */

static int py_quote(rt_sb *sb, const char *s, size_t len, rt_err *e)
{
    bool has_sq = memchr(s, '\'', len) != NULL, has_dq = memchr(s, '"', len) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    if (rt_sb_append(sb, &q, 1, e))
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        int r;
        if (ch == (unsigned char)q || ch == '\\')
            r = rt_sb_printf(sb, e, "\\%c", ch);
        else if (ch == '\n')
            r = rt_sb_puts(sb, "\\n", e);
        else if (ch == '\t')
            r = rt_sb_puts(sb, "\\t", e);
        else if (ch == '\r')
            r = rt_sb_puts(sb, "\\r", e);
        else if (ch < 0x20 || ch == 0x7f)
            r = rt_sb_printf(sb, e, "\\x%02x", ch);
        else
            r = rt_sb_append(sb, (const char *)&ch, 1, e);
        if (r)
            return -1;
    }
    return rt_sb_append(sb, &q, 1, e);
}

static int format_rec(rt_sb *sb, rt_value v, rt_fmt_style style, int depth, rt_err *e)
{
    if (depth > 64)
        return rt_err_set(e, TSJ_ERR_LIMIT, "value nested too deeply to print");
    char buf[64];
    switch ((rt_kind)v.kind) {
    case RT_NONE: return rt_sb_puts(sb, "None", e);
    case RT_BOOL: return rt_sb_puts(sb, v.u.b ? "True" : "False", e);
    case RT_INT: return rt_sb_printf(sb, e, "%lld", (long long)v.u.i);
    case RT_FLOAT: return rt_sb_puts(sb, rt_format_double(v.u.f, style, buf, sizeof buf), e);
    case RT_STR:
        if (style == RT_FMT_PY && depth > 0)
            return py_quote(sb, v.u.str->data, v.u.str->len, e);
        return rt_sb_append(sb, v.u.str->data, v.u.str->len, e);
    case RT_TENSOR: return rt_format_tensor(sb, v.u.tensor, style, e);
    case RT_LIST:
    case RT_TUPLE: {
        const rt_list *l = v.u.list;
        bool tup = v.kind == RT_TUPLE;
        if (rt_sb_puts(sb, tup ? "(" : "[", e))
            return -1;
        for (size_t i = 0; i < l->len; i++) {
            if ((i && rt_sb_puts(sb, ", ", e)) || format_rec(sb, l->items[i], style, depth + 1, e))
                return -1;
        }
        return rt_sb_puts(sb, tup ? (l->len == 1 ? ",)" : ")") : "]", e);
    }
    case RT_DICT: {
        const rt_dict *d = v.u.dict;
        if (rt_sb_puts(sb, "{", e))
            return -1;
        for (size_t i = 0; i < d->len; i++) {
            if ((i && rt_sb_puts(sb, ", ", e)) || format_rec(sb, d->keys[i], style, depth + 1, e) ||
                rt_sb_puts(sb, ": ", e) || format_rec(sb, d->values[i], style, depth + 1, e))
                return -1;
        }
        return rt_sb_puts(sb, "}", e);
    }
    case RT_OBJECT: return rt_sb_printf(sb, e, "<object at %p>", (void *)v.u.object);
    case RT_FUNC: return rt_sb_printf(sb, e, "<function at %p>", (void *)v.u.obj);
    default: return rt_sb_puts(sb, "?", e);
    }
}

int rt_format_value(rt_sb *sb, rt_value v, rt_fmt_style style, rt_err *e)
{
    return format_rec(sb, v, style, 0, e);
}

int rt_format_to_str(rt_value v, rt_fmt_style style, rt_value *out, rt_err *e)
{
    rt_sb sb = {0};
    if (rt_format_value(&sb, v, style, e)) {
        rt_sb_free(&sb);
        return -1;
    }
    return rt_sb_to_value(&sb, out, e);
}

int rt_format_python(const char *fmt, const rt_value *args, int nargs, rt_value *out, rt_err *e)
{
    rt_sb sb = {0};
    const char *p = fmt;
    int used = 0;
    for (;;) {
        const char *loc = strstr(p, "{}");
        if (!loc) {
            if (rt_sb_puts(&sb, p, e))
                goto fail;
            break;
        }
        if (rt_sb_append(&sb, p, (size_t)(loc - p), e))
            goto fail;
        if (used >= nargs) {
            rt_err_set(e, TSJ_ERR_TYPE, "Too few arguments for format string: %s", fmt);
            goto fail;
        }
        if (rt_format_value(&sb, args[used++], RT_FMT_TS, e))
            goto fail;
        p = loc + 2;
    }
    return rt_sb_to_value(&sb, out, e);
fail:
    rt_sb_free(&sb);
    return -1;
}
