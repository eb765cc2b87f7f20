/*
 * cg_shape.c — shape and dtype rules for specialization: one table indexed
 * by rt_op_id (designated initializers, so a renamed operator fails to
 * compile). A rule sees its inputs' metadata and the node (for constant
 * arguments) and fills in its outputs' dtype and shape; an op without a
 * rule gets outputs of unknown shape, which only costs fusion, never
 * correctness: every kernel output a fused loop reads is guarded.
 *
 * Rules follow PyTorch: broadcasting, torch.result_type, float-only ops
 * turning integer inputs into float32, and the shape arithmetic of
 * convolution, pooling, views and reductions.
 */
#include <stdio.h>
#include <string.h>

#include "cg_impl.h"
#include "rt_broadcast.h"

/* ---- metadata helpers ---------------------------------------------------- */

int64_t cg_meta_numel(const cg_meta *m)
{
    int64_t n = 1;
    for (int i = 0; i < m->ndim; i++)
        n *= m->shape[i];
    return n;
}

bool cg_meta_same(const cg_meta *a, const cg_meta *b)
{
    if (a->kind != b->kind || a->shaped != b->shaped)
        return false;
    if (!a->shaped)
        return true;
    if (a->dtype != b->dtype || a->ndim != b->ndim || a->contig != b->contig ||
        a->certain != b->certain)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return false;
    return true;
}

const char *cg_meta_str(const cg_meta *m, char *buf, size_t size)
{
    if (m->kind == CG_K_UNKNOWN) {
        snprintf(buf, size, "?");
    } else if (m->kind == RT_TENSOR && m->shaped) {
        const rt_dtype_info *di = rt_dtype_get(m->dtype);
        char sh[256];
        rt_shape_str(m->ndim, m->shape, sh, sizeof sh);
        snprintf(buf, size, "%s%s%s%s", di ? di->name : "?", sh, m->contig ? "" : " strided",
                 m->certain ? "" : " (guarded)");
    } else {
        snprintf(buf, size, "%s", rt_kind_name((rt_kind)m->kind));
    }
    return buf;
}

int cg_broadcast(int na, const int64_t *a, int nb, const int64_t *b, int *nout, int64_t *out)
{
    int n = na > nb ? na : nb;
    if (n > RT_MAX_DIMS)
        return -1;
    for (int i = 0; i < n; i++) {
        int64_t x = i < n - na ? 1 : a[i - (n - na)];
        int64_t y = i < n - nb ? 1 : b[i - (n - nb)];
        if (x == y || y == 1)
            out[i] = x;
        else if (x == 1)
            out[i] = y;
        else
            return -1;
    }
    *nout = n;
    return 0;
}

int cg_result_type(const cg_meta *const *ops, int n)
{
    rt_rtype s;
    rt_rtype_init(&s);
    for (int i = 0; i < n; i++) {
        const cg_meta *m = ops[i];
        if (m->kind == RT_TENSOR) {
            if (!m->shaped)
                return -1;
            rt_tensor fake;
            memset(&fake, 0, sizeof fake);
            fake.dtype = m->dtype;
            fake.ndim = m->ndim;
            rt_rtype_tensor(&s, &fake);
        } else if (m->kind == RT_INT) {
            rt_rtype_scalar(&s, rt_int(0));
        } else if (m->kind == RT_FLOAT) {
            rt_rtype_scalar(&s, rt_float(0));
        } else if (m->kind == RT_BOOL) {
            rt_rtype_scalar(&s, rt_bool(false));
        } else {
            return -1;
        }
    }
    rt_dtype d = rt_rtype_result(&s);
    return d == RT_DTYPE_INVALID ? -1 : (int)d;
}

/* ---- reading constant arguments -------------------------------------------- */

static const rt_value *cin(const cg_rule_ctx *c, int i)
{
    if ((uint32_t)i >= c->n->nin)
        return NULL;
    return ir_value_const(c->g, c->n->in[i]);
}

static bool cint(const cg_rule_ctx *c, int i, int64_t *v)
{
    const rt_value *p = cin(c, i);
    if (!p)
        return false;
    if (p->kind == RT_INT) {
        *v = p->u.i;
        return true;
    }
    if (p->kind == RT_BOOL) {
        *v = p->u.b;
        return true;
    }
    return false;
}

static bool cnone(const cg_rule_ctx *c, int i)
{
    const rt_value *p = cin(c, i);
    return p && p->kind == RT_NONE;
}

/* An int[] argument (or one int repeated `rep` times when rep > 0). */
static int cints(const cg_rule_ctx *c, int i, int64_t *out, int max, int rep)
{
    const rt_value *p = cin(c, i);
    if (!p)
        return -1;
    if (p->kind == RT_INT && rep > 0) {
        for (int k = 0; k < rep; k++)
            out[k] = p->u.i;
        return rep;
    }
    if (p->kind != RT_LIST && p->kind != RT_TUPLE)
        return -1;
    const rt_list *l = p->u.list;
    if (l->len > (size_t)max)
        return -1;
    for (size_t k = 0; k < l->len; k++) {
        if (l->items[k].kind != RT_INT)
            return -1;
        out[k] = l->items[k].u.i;
    }
    if (rep > 1 && l->len == 1) {
        for (int k = 1; k < rep; k++)
            out[k] = out[0];
        return rep;
    }
    return (int)l->len;
}

static bool tensor_in(const cg_meta *m)
{
    return m->kind == RT_TENSOR && m->shaped;
}

static bool wrap_dim(int64_t *d, int ndim)
{
    int64_t n = ndim > 0 ? ndim : 1;
    if (*d < -n || *d >= n)
        return false;
    if (*d < 0)
        *d += n;
    return true;
}

static void set_tensor(cg_meta *o, int dtype, int ndim, const int64_t *shape, bool contig)
{
    o->kind = RT_TENSOR;
    o->shaped = true;
    o->dtype = (int8_t)dtype;
    o->ndim = (int8_t)ndim;
    if (ndim > 0)
        memcpy(o->shape, shape, sizeof(int64_t) * (size_t)ndim);
    o->contig = contig;
    o->certain = false;
}

/* ---- elementwise ------------------------------------------------------------ */

/* Broadcast shape and result dtype of the first n operands. */
static int ew_common(const cg_rule_ctx *c, const cg_meta *in, int n, int *ndim, int64_t *shape,
                     int *dtype)
{
    const cg_meta *ops[4];
    int nd = 0;
    int64_t sh[RT_MAX_DIMS];
    bool any_tensor = false;
    for (int i = 0; i < n; i++) {
        ops[i] = &in[i];
        if (in[i].kind == RT_TENSOR) {
            if (!in[i].shaped)
                return -1;
            any_tensor = true;
            int64_t tmp[RT_MAX_DIMS];
            int nt;
            if (cg_broadcast(nd, sh, in[i].ndim, in[i].shape, &nt, tmp))
                return -1;
            nd = nt;
            memcpy(sh, tmp, sizeof(int64_t) * (size_t)nt);
        } else if (in[i].kind != RT_INT && in[i].kind != RT_FLOAT && in[i].kind != RT_BOOL) {
            return -1;
        }
    }
    if (!any_tensor)
        return -1;
    int d = cg_result_type(ops, n);
    if (d < 0)
        return -1;
    *ndim = nd;
    memcpy(shape, sh, sizeof(int64_t) * (size_t)nd);
    *dtype = d;
    (void)c;
    return 0;
}

static int sh_binary(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    int nd, dt;
    int64_t sh[RT_MAX_DIMS];
    if (ew_common(c, in, 2, &nd, sh, &dt))
        return -1;
    set_tensor(out, dt, nd, sh, true);
    return 0;
}

/* true division: integer results become float32 */
static int sh_div(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (sh_binary(c, in, out))
        return -1;
    if (!rt_dtype_is_float((rt_dtype)out->dtype))
        out->dtype = RT_F32;
    return 0;
}

static int sh_compare(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (sh_binary(c, in, out))
        return -1;
    out->dtype = RT_BOOL_;
    return 0;
}

static int sh_unary(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (!tensor_in(&in[0]))
        return -1;
    set_tensor(out, in[0].dtype, in[0].ndim, in[0].shape, true);
    return 0;
}

/* float-only unary ops: integer and bool inputs give float32 */
static int sh_unary_float(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (sh_unary(c, in, out))
        return -1;
    if (!rt_dtype_is_float((rt_dtype)out->dtype))
        out->dtype = RT_F32;
    return 0;
}

static int sh_bool_unary(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (sh_unary(c, in, out))
        return -1;
    out->dtype = RT_BOOL_;
    return 0;
}

static int sh_where(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    int nd, dt;
    int64_t sh[RT_MAX_DIMS];
    if (ew_common(c, in, 3, &nd, sh, &dt))
        return -1;
    const cg_meta *ops[2] = {&in[1], &in[2]};
    dt = cg_result_type(ops, 2);
    if (dt < 0)
        return -1;
    set_tensor(out, dt, nd, sh, true);
    return 0;
}

static int sh_masked_fill(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (!tensor_in(&in[0]) || !tensor_in(&in[1]))
        return -1;
    int nd;
    int64_t sh[RT_MAX_DIMS];
    if (cg_broadcast(in[0].ndim, in[0].shape, in[1].ndim, in[1].shape, &nd, sh) ||
        nd != in[0].ndim || memcmp(sh, in[0].shape, sizeof(int64_t) * (size_t)nd))
        return -1;
    set_tensor(out, in[0].dtype, nd, sh, true);
    return 0;
}

static int sh_same(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (!tensor_in(&in[0]))
        return -1;
    set_tensor(out, in[0].dtype, in[0].ndim, in[0].shape, in[0].contig);
    return 0;
}

static int sh_to_dtype(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    int64_t d;
    if (!tensor_in(&in[0]) || !cint(c, 1, &d) || !rt_dtype_valid((int)d))
        return -1;
    set_tensor(out, (int)d, in[0].ndim, in[0].shape, in[0].contig || d != in[0].dtype);
    return 0;
}

/* ---- linear algebra ------------------------------------------------------- */

static int sh_linear(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (!tensor_in(&in[0]) || !tensor_in(&in[1]) || in[1].ndim != 2 || in[0].ndim < 1)
        return -1;
    if (in[0].shape[in[0].ndim - 1] != in[1].shape[1])
        return -1;
    int64_t sh[RT_MAX_DIMS];
    memcpy(sh, in[0].shape, sizeof sh);
    sh[in[0].ndim - 1] = in[1].shape[0];
    set_tensor(out, in[0].dtype, in[0].ndim, sh, true);
    return 0;
}

static int sh_mm(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (!tensor_in(&in[0]) || !tensor_in(&in[1]) || in[0].ndim != 2 || in[1].ndim != 2 ||
        in[0].shape[1] != in[1].shape[0])
        return -1;
    int64_t sh[2] = {in[0].shape[0], in[1].shape[1]};
    set_tensor(out, in[0].dtype, 2, sh, true);
    return 0;
}

static int sh_addmm(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    return sh_mm(c, in + 1, out);
}

static int sh_matmul(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *a = &in[0], *b = &in[1];
    if (!tensor_in(a) || !tensor_in(b) || a->ndim < 1 || b->ndim < 1)
        return -1;
    int64_t sh[RT_MAX_DIMS];
    if (a->ndim == 1 && b->ndim == 1)
        return a->shape[0] == b->shape[0] ? (set_tensor(out, a->dtype, 0, sh, true), 0) : -1;
    if (a->ndim == 2 && b->ndim == 1) {
        if (a->shape[1] != b->shape[0])
            return -1;
        sh[0] = a->shape[0];
        set_tensor(out, a->dtype, 1, sh, true);
        return 0;
    }
    if (a->ndim == 1 && b->ndim == 2) {
        if (a->shape[0] != b->shape[0])
            return -1;
        sh[0] = b->shape[1];
        set_tensor(out, a->dtype, 1, sh, true);
        return 0;
    }
    if (a->ndim >= 2 && b->ndim >= 2) {
        int64_t n = a->shape[a->ndim - 2], k = a->shape[a->ndim - 1];
        int64_t k2 = b->shape[b->ndim - 2], m = b->shape[b->ndim - 1];
        if (k != k2)
            return -1;
        int nd;
        if (cg_broadcast(a->ndim - 2, a->shape, b->ndim - 2, b->shape, &nd, sh) ||
            nd + 2 > RT_MAX_DIMS)
            return -1;
        sh[nd] = n;
        sh[nd + 1] = m;
        set_tensor(out, a->dtype, nd + 2, sh, true);
        return 0;
    }
    return -1; /* 1-D with batched: leave to the kernel */
}

static int sh_bmm(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *a = &in[0], *b = &in[1];
    if (!tensor_in(a) || !tensor_in(b) || a->ndim != 3 || b->ndim != 3 ||
        a->shape[0] != b->shape[0] || a->shape[2] != b->shape[1])
        return -1;
    int64_t sh[3] = {a->shape[0], a->shape[1], b->shape[2]};
    set_tensor(out, a->dtype, 3, sh, true);
    return 0;
}

/* ---- convolution and pooling ------------------------------------------------ */

static int sh_conv2d(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0], *w = &in[1];
    int64_t st[2], pad[2], dil[2], groups;
    if (!tensor_in(x) || !tensor_in(w) || x->ndim != 4 || w->ndim != 4 ||
        cints(c, 3, st, 2, 2) != 2 || cints(c, 4, pad, 2, 2) != 2 ||
        cints(c, 5, dil, 2, 2) != 2 || !cint(c, 6, &groups) || groups <= 0)
        return -1;
    if (x->shape[1] != w->shape[1] * groups)
        return -1;
    int64_t sh[4] = {x->shape[0], w->shape[0], 0, 0};
    for (int i = 0; i < 2; i++) {
        if (st[i] <= 0)
            return -1;
        int64_t span = dil[i] * (w->shape[2 + i] - 1) + 1;
        int64_t o = (x->shape[2 + i] + 2 * pad[i] - span) / st[i] + 1;
        if (x->shape[2 + i] + 2 * pad[i] < span)
            return -1;
        sh[2 + i] = o;
    }
    set_tensor(out, x->dtype, 4, sh, true);
    return 0;
}

/* _convolution / convolution: (input, weight, bias, stride, padding,
 * dilation, transposed, output_padding, groups, ...) — 2-D, not transposed */
static int sh_convolution(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0], *w = &in[1];
    int64_t st[2], pad[2], dil[2], tr, groups;
    if (!tensor_in(x) || !tensor_in(w) || x->ndim != 4 || w->ndim != 4 ||
        cints(c, 3, st, 2, 2) != 2 || cints(c, 4, pad, 2, 2) != 2 ||
        cints(c, 5, dil, 2, 2) != 2 || !cint(c, 6, &tr) || tr || !cint(c, 8, &groups) ||
        groups <= 0 || x->shape[1] != w->shape[1] * groups)
        return -1;
    int64_t sh[4] = {x->shape[0], w->shape[0], 0, 0};
    for (int i = 0; i < 2; i++) {
        int64_t span = dil[i] * (w->shape[2 + i] - 1) + 1;
        if (st[i] <= 0 || x->shape[2 + i] + 2 * pad[i] < span)
            return -1;
        sh[2 + i] = (x->shape[2 + i] + 2 * pad[i] - span) / st[i] + 1;
    }
    set_tensor(out, x->dtype, 4, sh, true);
    return 0;
}

static int64_t pool_out(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil)
{
    int64_t num = in + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
    int64_t o = num / s + 1;
    if (ceil && (o - 1) * s >= in + p)
        o--;
    return o;
}

static int sh_max_pool2d(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t k[2], st[2], pad[2], dil[2], ceil;
    if (!tensor_in(x) || (x->ndim != 4 && x->ndim != 3) || cints(c, 1, k, 2, 2) != 2 ||
        cints(c, 3, pad, 2, 2) != 2 || cints(c, 4, dil, 2, 2) != 2 || !cint(c, 5, &ceil))
        return -1;
    int ns = cints(c, 2, st, 2, 2);
    if (ns == 0) {
        st[0] = k[0];
        st[1] = k[1];
    } else if (ns != 2) {
        return -1;
    }
    int64_t sh[4];
    memcpy(sh, x->shape, sizeof(int64_t) * (size_t)x->ndim);
    for (int i = 0; i < 2; i++) {
        if (st[i] <= 0 || k[i] <= 0 || pad[i] * 2 > k[i])
            return -1;
        int64_t o = pool_out(x->shape[x->ndim - 2 + i], k[i], st[i], pad[i], dil[i], ceil != 0);
        if (o <= 0)
            return -1;
        sh[x->ndim - 2 + i] = o;
    }
    set_tensor(out, x->dtype, x->ndim, sh, true);
    return 0;
}

static int sh_adaptive_pool2d(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t os[2];
    if (!tensor_in(x) || (x->ndim != 4 && x->ndim != 3) || cints(c, 1, os, 2, 2) != 2)
        return -1;
    int64_t sh[4];
    memcpy(sh, x->shape, sizeof(int64_t) * (size_t)x->ndim);
    sh[x->ndim - 2] = os[0];
    sh[x->ndim - 1] = os[1];
    set_tensor(out, x->dtype, x->ndim, sh, true);
    return 0;
}

static int sh_softmax(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (!tensor_in(&in[0]))
        return -1;
    int64_t d;
    int dt = in[0].dtype;
    if (c->n->nin > 2 && !cnone(c, 2)) {
        if (!cint(c, 2, &d))
            return -1;
        dt = (int)d;
    }
    if (!rt_dtype_is_float((rt_dtype)dt))
        return -1;
    set_tensor(out, dt, in[0].ndim, in[0].shape, true);
    return 0;
}

/* ---- views and reshapes ----------------------------------------------------- */

static int sh_view(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t sh[RT_MAX_DIMS];
    int n = cints(c, 1, sh, RT_MAX_DIMS, 0);
    if (!tensor_in(x) || n < 0)
        return -1;
    int64_t numel = cg_meta_numel(x), known = 1;
    int infer = -1;
    for (int i = 0; i < n; i++) {
        if (sh[i] == -1) {
            if (infer >= 0)
                return -1;
            infer = i;
        } else if (sh[i] < 0) {
            return -1;
        } else {
            known *= sh[i];
        }
    }
    if (infer >= 0) {
        if (known == 0 || numel % known)
            return -1;
        sh[infer] = numel / known;
    } else if (known != numel) {
        return -1;
    }
    bool contig = x->contig || c->n->op == RT_OP_reshape;
    set_tensor(out, x->dtype, n, sh, contig && x->contig);
    return 0;
}

static int sh_flatten(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t s, e;
    if (!tensor_in(x) || !cint(c, 1, &s) || !cint(c, 2, &e) || !wrap_dim(&s, x->ndim) ||
        !wrap_dim(&e, x->ndim) || s > e)
        return -1;
    if (x->ndim == 0) {
        int64_t one = 1;
        set_tensor(out, x->dtype, 1, &one, true);
        return 0;
    }
    int64_t sh[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < s; i++)
        sh[n++] = x->shape[i];
    int64_t p = 1;
    for (int64_t i = s; i <= e; i++)
        p *= x->shape[i];
    sh[n++] = p;
    for (int i = (int)e + 1; i < x->ndim; i++)
        sh[n++] = x->shape[i];
    set_tensor(out, x->dtype, n, sh, x->contig);
    return 0;
}

static int sh_unsqueeze(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t d;
    if (!tensor_in(x) || !cint(c, 1, &d) || x->ndim + 1 > RT_MAX_DIMS ||
        !wrap_dim(&d, x->ndim + 1))
        return -1;
    int64_t sh[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i <= x->ndim; i++) {
        if (i == d)
            sh[n++] = 1;
        if (i < x->ndim)
            sh[n++] = x->shape[i];
    }
    set_tensor(out, x->dtype, n, sh, x->contig);
    return 0;
}

static int sh_squeeze_dim(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t d;
    if (!tensor_in(x) || !cint(c, 1, &d) || !wrap_dim(&d, x->ndim))
        return -1;
    int64_t sh[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < x->ndim; i++)
        if (i != d || x->shape[i] != 1)
            sh[n++] = x->shape[i];
    set_tensor(out, x->dtype, n, sh, x->contig);
    return 0;
}

static int sh_transpose(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t a, b;
    if (!tensor_in(x) || !cint(c, 1, &a) || !cint(c, 2, &b) || !wrap_dim(&a, x->ndim) ||
        !wrap_dim(&b, x->ndim))
        return -1;
    int64_t sh[RT_MAX_DIMS];
    memcpy(sh, x->shape, sizeof sh);
    sh[a] = x->shape[b];
    sh[b] = x->shape[a];
    set_tensor(out, x->dtype, x->ndim, sh, a == b && x->contig);
    return 0;
}

static int sh_contiguous(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    if (!tensor_in(&in[0]))
        return -1;
    set_tensor(out, in[0].dtype, in[0].ndim, in[0].shape, true);
    return 0;
}

static int sh_cat(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    ir_vid lv = c->n->in[0];
    ir_nid def = c->g->values[lv].def;
    int64_t d;
    if (def == IR_NONE || !cint(c, 1, &d))
        return -1;
    const ir_node *ln = &c->g->nodes[def];
    if (ln->kind != IR_OP || ln->op != RT_OP_prim_ListConstruct || ln->nin == 0)
        return -1;
    const cg_meta *first = &c->meta[ln->in[0]];
    if (!tensor_in(first) || first->ndim == 0 || !wrap_dim(&d, first->ndim))
        return -1;
    int64_t sh[RT_MAX_DIMS];
    memcpy(sh, first->shape, sizeof sh);
    sh[d] = 0;
    for (uint32_t i = 0; i < ln->nin; i++) {
        const cg_meta *m = &c->meta[ln->in[i]];
        if (!tensor_in(m) || m->ndim != first->ndim || m->dtype != first->dtype)
            return -1;
        for (int k = 0; k < m->ndim; k++)
            if (k != d && m->shape[k] != first->shape[k])
                return -1;
        sh[d] += m->shape[d];
    }
    set_tensor(out, first->dtype, first->ndim, sh, true);
    return 0;
}

/* sum.dim_IntList / mean.dim: (self, dim, keepdim, dtype) */
static int sh_reduce_dim(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t dims[RT_MAX_DIMS], keep;
    if (!tensor_in(x) || !cint(c, 2, &keep) || !cnone(c, 3))
        return -1;
    int nd = cnone(c, 1) ? 0 : cints(c, 1, dims, RT_MAX_DIMS, 1);
    if (nd < 0)
        return -1;
    bool red[RT_MAX_DIMS] = {false};
    if (nd == 0)
        for (int i = 0; i < x->ndim; i++)
            red[i] = true;
    for (int i = 0; i < nd; i++) {
        if (!wrap_dim(&dims[i], x->ndim))
            return -1;
        red[dims[i]] = true;
    }
    int dt = x->dtype;
    if (c->n->op == RT_OP_sum_dim_IntList && !rt_dtype_is_float((rt_dtype)dt))
        dt = RT_I64;
    if (c->n->op == RT_OP_mean_dim && !rt_dtype_is_float((rt_dtype)dt))
        return -1;
    int64_t sh[RT_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < x->ndim; i++) {
        if (!red[i])
            sh[n++] = x->shape[i];
        else if (keep)
            sh[n++] = 1;
    }
    set_tensor(out, dt, n, sh, true);
    return 0;
}

static int sh_select(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *x = &in[0];
    int64_t d, idx;
    if (!tensor_in(x) || x->ndim == 0 || !cint(c, 1, &d) || !cint(c, 2, &idx) ||
        !wrap_dim(&d, x->ndim) || idx < -x->shape[d] || idx >= x->shape[d])
        return -1;
    int64_t sh[RT_MAX_DIMS];
    int n = 0;
    bool outer_one = true;
    for (int i = 0; i < x->ndim; i++) {
        if (i != d)
            sh[n++] = x->shape[i];
        else
            break;
        outer_one &= x->shape[i] == 1;
    }
    for (int i = (int)d + 1; i < x->ndim; i++)
        sh[n++] = x->shape[i];
    (void)outer_one;
    /* select along dim 0 of a contiguous tensor stays contiguous */
    set_tensor(out, x->dtype, n, sh, x->contig && d == 0);
    return 0;
}

static int sh_embedding(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    const cg_meta *w = &in[0], *ix = &in[1];
    if (!tensor_in(w) || !tensor_in(ix) || w->ndim != 2 || ix->ndim + 1 > RT_MAX_DIMS)
        return -1;
    int64_t sh[RT_MAX_DIMS];
    memcpy(sh, ix->shape, sizeof(int64_t) * (size_t)ix->ndim);
    sh[ix->ndim] = w->shape[1];
    set_tensor(out, w->dtype, ix->ndim + 1, sh, true);
    return 0;
}

static int sh_like(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    int64_t d;
    if (!tensor_in(&in[0]))
        return -1;
    int dt = in[0].dtype;
    if (!cnone(c, 1)) {
        if (!cint(c, 1, &d))
            return -1;
        dt = (int)d;
    }
    set_tensor(out, dt, in[0].ndim, in[0].shape, true);
    return 0;
}

static int sh_num_to_tensor(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out)
{
    int dt = in[0].kind == RT_INT     ? RT_I64
             : in[0].kind == RT_FLOAT ? RT_F64
             : in[0].kind == RT_BOOL  ? RT_BOOL_
                                      : -1;
    if (dt < 0)
        return -1;
    set_tensor(out, dt, 0, NULL, true);
    return 0;
}

/* ---- the table ---------------------------------------------------------- */

static const cg_shape_rule rules[RT_OP_COUNT] = {
    [RT_OP_add_Tensor] = sh_binary, [RT_OP_add_Scalar] = sh_binary,
    [RT_OP_sub_Tensor] = sh_binary, [RT_OP_sub_Scalar] = sh_binary,
    [RT_OP_rsub_Tensor] = sh_binary, [RT_OP_rsub_Scalar] = sh_binary,
    [RT_OP_mul_Tensor] = sh_binary, [RT_OP_mul_Scalar] = sh_binary,
    [RT_OP_div_Tensor] = sh_div, [RT_OP_div_Scalar] = sh_div,
    [RT_OP_true_divide_Tensor] = sh_div, [RT_OP_true_divide_Scalar] = sh_div,
    [RT_OP_maximum] = sh_binary, [RT_OP_minimum] = sh_binary,
    [RT_OP_max_other] = sh_binary, [RT_OP_min_other] = sh_binary,
    [RT_OP_eq_Tensor] = sh_compare, [RT_OP_eq_Scalar] = sh_compare,
    [RT_OP_ne_Tensor] = sh_compare, [RT_OP_ne_Scalar] = sh_compare,
    [RT_OP_lt_Tensor] = sh_compare, [RT_OP_lt_Scalar] = sh_compare,
    [RT_OP_le_Tensor] = sh_compare, [RT_OP_le_Scalar] = sh_compare,
    [RT_OP_gt_Tensor] = sh_compare, [RT_OP_gt_Scalar] = sh_compare,
    [RT_OP_ge_Tensor] = sh_compare, [RT_OP_ge_Scalar] = sh_compare,
    [RT_OP_logical_and] = sh_compare, [RT_OP_logical_or] = sh_compare,
    [RT_OP_logical_xor] = sh_compare, [RT_OP_logical_not] = sh_bool_unary,
    [RT_OP_neg] = sh_unary, [RT_OP_abs] = sh_unary, [RT_OP_square] = sh_unary,
    [RT_OP_relu] = sh_unary, [RT_OP_relu6] = sh_unary, [RT_OP_hardtanh] = sh_unary,
    [RT_OP_clamp] = sh_unary, [RT_OP_clamp_min] = sh_unary, [RT_OP_clamp_max] = sh_unary,
    [RT_OP_exp] = sh_unary_float, [RT_OP_log] = sh_unary_float,
    [RT_OP_sqrt] = sh_unary_float, [RT_OP_rsqrt] = sh_unary_float,
    [RT_OP_reciprocal] = sh_unary_float, [RT_OP_tanh] = sh_unary_float,
    [RT_OP_sigmoid] = sh_unary_float, [RT_OP_erf] = sh_unary_float,
    [RT_OP_sin] = sh_unary_float, [RT_OP_cos] = sh_unary_float,
    [RT_OP_leaky_relu] = sh_unary_float, [RT_OP_elu] = sh_unary_float,
    [RT_OP_gelu] = sh_unary_float, [RT_OP_silu] = sh_unary_float,
    [RT_OP_hardswish] = sh_unary_float, [RT_OP_hardsigmoid] = sh_unary_float,
    [RT_OP_softplus] = sh_unary_float, [RT_OP_mish] = sh_unary_float,
    [RT_OP_where_self] = sh_where, [RT_OP_where_ScalarSelf] = sh_where,
    [RT_OP_where_ScalarOther] = sh_where, [RT_OP_where_Scalar] = sh_where,
    [RT_OP_masked_fill_Scalar] = sh_masked_fill,
    [RT_OP_to_dtype] = sh_to_dtype,
    [RT_OP_dropout] = sh_same, [RT_OP_feature_dropout] = sh_same,
    [RT_OP_batch_norm] = sh_contiguous, [RT_OP_layer_norm] = sh_contiguous,
    [RT_OP_group_norm] = sh_contiguous, [RT_OP_instance_norm] = sh_contiguous,
    [RT_OP_linear] = sh_linear, [RT_OP_matmul] = sh_matmul, [RT_OP_mm] = sh_mm,
    [RT_OP_bmm] = sh_bmm, [RT_OP_addmm] = sh_addmm,
    [RT_OP_conv2d] = sh_conv2d, [RT_OP__convolution] = sh_convolution,
    [RT_OP_convolution] = sh_convolution,
    [RT_OP_max_pool2d] = sh_max_pool2d, [RT_OP_adaptive_avg_pool2d] = sh_adaptive_pool2d,
    [RT_OP_softmax_int] = sh_softmax, [RT_OP_log_softmax_int] = sh_softmax,
    [RT_OP_view] = sh_view, [RT_OP_reshape] = sh_view,
    [RT_OP_flatten_using_ints] = sh_flatten, [RT_OP_unsqueeze] = sh_unsqueeze,
    [RT_OP_squeeze_dim] = sh_squeeze_dim, [RT_OP_transpose_int] = sh_transpose,
    [RT_OP_contiguous] = sh_contiguous, [RT_OP_cat] = sh_cat,
    [RT_OP_sum_dim_IntList] = sh_reduce_dim, [RT_OP_mean_dim] = sh_reduce_dim,
    [RT_OP_select_int] = sh_select, [RT_OP_embedding] = sh_embedding,
    [RT_OP_zeros_like] = sh_like, [RT_OP_ones_like] = sh_like,
    [RT_OP_prim_NumToTensor_Scalar] = sh_num_to_tensor,
    /* in-place ops return their first argument */
    [RT_OP_relu_] = sh_same, [RT_OP_relu6_] = sh_same, [RT_OP_hardtanh_] = sh_same,
    [RT_OP_sigmoid_] = sh_same, [RT_OP_tanh_] = sh_same, [RT_OP_exp_] = sh_same,
    [RT_OP_neg_] = sh_same, [RT_OP_abs_] = sh_same, [RT_OP_clamp_] = sh_same,
    [RT_OP_clamp_min_] = sh_same, [RT_OP_clamp_max_] = sh_same,
    [RT_OP_leaky_relu_] = sh_same, [RT_OP_elu_] = sh_same, [RT_OP_gelu_] = sh_same,
    [RT_OP_silu_] = sh_same, [RT_OP_hardswish_] = sh_same, [RT_OP_hardsigmoid_] = sh_same,
    [RT_OP_add__Tensor] = sh_same, [RT_OP_add__Scalar] = sh_same,
    [RT_OP_sub__Tensor] = sh_same, [RT_OP_sub__Scalar] = sh_same,
    [RT_OP_mul__Tensor] = sh_same, [RT_OP_mul__Scalar] = sh_same,
    [RT_OP_div__Tensor] = sh_same, [RT_OP_div__Scalar] = sh_same,
    [RT_OP_dropout_] = sh_same,
};

cg_shape_rule cg_shape_rule_for(rt_op_id op)
{
    return (unsigned)op < RT_OP_COUNT ? rules[op] : NULL;
}
