/*
 * k_extra.c — aten::einsum (any number of operands, ellipsis, implicit
 * output, repeated subscripts as diagonals, size-1 broadcasting).
 *
 * Labels: 0..51 for [A-Za-z] (uppercase first, as PyTorch orders the
 * implicit output), 52.. for the dims an ellipsis covers. Every operand is
 * described by one stride per label (0 where the label is absent or has
 * size 1, the sum of the strides of its dims for a repeated label, i.e. a
 * diagonal). Operands are reduced left to right: each pair becomes one
 * batched GEMM [batch, M, K] x [batch, K, N] through rt_gemm, where K holds
 * every label no later operand and not the output needs (a label present in
 * only one side is contracted against a stride-0 broadcast). A single
 * operand is a view when nothing is summed, else a strided sum.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_broadcast.h"
#include "rt_gemm.h"
#include "rt_kernels.h"

#define E_LETTERS 52
#define E_MAXL (E_LETTERS + RT_MAX_DIMS)

/* One operand: a tensor and a stride per label. */
typedef struct eop {
    rt_tensor *t;            /* owned reference */
    int64_t st[E_MAXL];      /* element stride per label, 0 = broadcast */
    bool has[E_MAXL];        /* label is a real (size != 1) dim here    */
} eop;

static int e_label(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return 26 + ch - 'a';
    return -1;
}

static char e_char(int l) { return (char)(l < 26 ? 'A' + l : 'a' + l - 26); }

/* Collapses dims (sizes, strides) of a group into one (size, stride); false
 * when they do not merge. */
static bool e_collapse(int n, const int64_t *sz, const int64_t *st, int64_t *osz, int64_t *ost)
{
    int64_t size = 1, stride = 0;
    bool have = false;
    for (int d = n - 1; d >= 0; d--) {
        if (sz[d] == 1)
            continue;
        if (sz[d] == 0) {
            *osz = 0, *ost = 1;
            return true;
        }
        if (!have) {
            stride = st[d];
            have = true;
        } else if (st[d] != stride * size) {
            return false;
        }
        size *= sz[d];
    }
    *osz = size;
    *ost = have ? stride : 1;
    return true;
}

/* Integer product of one batch element (wrap-around int64 arithmetic). */
static void e_igemm(rt_dtype d, int64_t m, int64_t n, int64_t k, const char *a, int64_t ars,
                    int64_t acs, const char *b, int64_t brs, int64_t bcs, char *cp)
{
    int64_t es = (int64_t)rt_dtype_size(d);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            uint64_t acc = 0;
            for (int64_t l = 0; l < k; l++)
                acc += (uint64_t)rt_load_i64(a + (i * ars + l * acs) * es, d) *
                       (uint64_t)rt_load_i64(b + (l * brs + j * bcs) * es, d);
            rt_store_i64(cp + (i * n + j) * es, d, (int64_t)acc);
        }
}

/* A view of op with dims (sizes, per-label strides) for labels[0..n). */
static rt_tensor *e_view(rt_ctx *c, const eop *op, int n, const int *labels, const int64_t *lsize)
{
    int64_t sh[RT_MAX_DIMS], st[RT_MAX_DIMS];
    for (int i = 0; i < n; i++) {
        sh[i] = lsize[labels[i]];
        st[i] = op->has[labels[i]] ? op->st[labels[i]] : 0;
    }
    return rt_tensor_view(op->t->storage, (rt_dtype)op->t->dtype, n, sh, st, op->t->offset,
                          c->err);
}

/* A group of labels as (size, stride) of op, copying op into a contiguous
 * tensor ordered [g0 | g1 | g2] when some group does not collapse. */
typedef struct egrp {
    rt_tensor *base; /* the tensor addressed (owned)      */
    int64_t size[3], stride[3];
} egrp;

static int e_group(rt_ctx *c, const eop *op, const int *lab, const int *cnt, const int64_t *lsize,
                   egrp *g)
{
    int n = cnt[0] + cnt[1] + cnt[2];
    int64_t sz[E_MAXL], st[E_MAXL];
    for (int i = 0; i < n; i++) {
        sz[i] = lsize[lab[i]];
        st[i] = op->has[lab[i]] ? op->st[lab[i]] : 0;
    }
    bool ok = true;
    for (int q = 0, at = 0; q < 3; at += cnt[q], q++)
        ok = ok && e_collapse(cnt[q], sz + at, st + at, &g->size[q], &g->stride[q]);
    if (ok) {
        rt_tensor_retain(op->t);
        g->base = op->t;
        return 0;
    }
    /* copy: the view has at most RT_MAX_DIMS real dims (size-1 dims dropped) */
    int64_t vsh[RT_MAX_DIMS], vst[RT_MAX_DIMS];
    int vn = 0;
    int64_t gs[3] = {1, 1, 1};
    for (int q = 0, at = 0; q < 3; at += cnt[q], q++)
        for (int i = at; i < at + cnt[q]; i++) {
            gs[q] *= sz[i];
            if (sz[i] == 1)
                continue;
            if (vn == RT_MAX_DIMS)
                return rt_err_set(c->err, TSJ_ERR_LIMIT, "einsum(): too many dimensions");
            vsh[vn] = sz[i], vst[vn] = st[i], vn++;
        }
    rt_tensor *v = rt_tensor_view(op->t->storage, (rt_dtype)op->t->dtype, vn, vsh, vst,
                                  op->t->offset, c->err);
    if (!v)
        return -1;
    rt_tensor *cp = rt_tensor_empty((rt_dtype)op->t->dtype, vn, vsh, c->err);
    if (!cp || rt_tensor_copy_into(cp, v, c->err)) {
        rt_tensor_release(v);
        rt_tensor_release(cp);
        return -1;
    }
    rt_tensor_release(v);
    g->base = cp;
    g->size[0] = gs[0], g->size[1] = gs[1], g->size[2] = gs[2];
    g->stride[2] = 1, g->stride[1] = gs[2], g->stride[0] = gs[1] * gs[2];
    return 0;
}

/* cur <- cur (x) op contracting every label not in need[]. */
static int e_pair(rt_ctx *c, eop *cur, eop *op, const bool *need, const int64_t *lsize, int nl)
{
    int bl[E_MAXL], ml[E_MAXL], nlb[E_MAXL], kl[E_MAXL], nb = 0, nm = 0, nn = 0, nk = 0;
    for (int l = 0; l < nl; l++) {
        bool a = cur->has[l], b = op->has[l];
        if (!a && !b)
            continue;
        if (!need[l])
            kl[nk++] = l;
        else if (a && b)
            bl[nb++] = l;
        else if (a)
            ml[nm++] = l;
        else
            nlb[nn++] = l;
    }
    if (nb + nm + nn > RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "einsum(): too many dimensions");
    rt_dtype d = (rt_dtype)cur->t->dtype;
    int la[E_MAXL], lb[E_MAXL], ca[3] = {nb, nm, nk}, cb[3] = {nb, nk, nn};
    memcpy(la, bl, sizeof(int) * nb), memcpy(la + nb, ml, sizeof(int) * nm);
    memcpy(la + nb + nm, kl, sizeof(int) * nk);
    memcpy(lb, bl, sizeof(int) * nb), memcpy(lb + nb, kl, sizeof(int) * nk);
    memcpy(lb + nb + nk, nlb, sizeof(int) * nn);
    egrp ga = {0}, gb = {0};
    if (e_group(c, cur, la, ca, lsize, &ga))
        return -1;
    if (e_group(c, op, lb, cb, lsize, &gb)) {
        rt_tensor_release(ga.base);
        return -1;
    }
    int64_t osh[RT_MAX_DIMS];
    int on = 0;
    for (int i = 0; i < nb; i++)
        osh[on++] = lsize[bl[i]];
    for (int i = 0; i < nm; i++)
        osh[on++] = lsize[ml[i]];
    for (int i = 0; i < nn; i++)
        osh[on++] = lsize[nlb[i]];
    int rc = -1;
    rt_tensor *res = rt_tensor_new(d, on, osh, c->err);
    if (!res)
        goto done;
    int64_t B = ga.size[0], M = ga.size[1], K = ga.size[2], N = gb.size[2];
    int64_t es = (int64_t)rt_dtype_size(d);
    const char *pa = rt_tensor_data(ga.base), *pb = rt_tensor_data(gb.base);
    char *pc = rt_tensor_data(res);
    if (B * M * N > 0 && K > 0)
        for (int64_t b = 0; b < B; b++) {
            const char *a = pa + b * ga.stride[0] * es, *bb = pb + b * gb.stride[0] * es;
            char *o = pc + b * M * N * es;
            int r = 0;
            if (d == RT_F32)
                r = rt_sgemm(false, false, M, N, K, 1.0f, (const float *)a, ga.stride[1],
                             ga.stride[2], (const float *)bb, gb.stride[1], gb.stride[2], 0.0f,
                             (float *)o, N, 1, c->err);
            else if (d == RT_F64)
                r = rt_dgemm(false, false, M, N, K, 1.0, (const double *)a, ga.stride[1],
                             ga.stride[2], (const double *)bb, gb.stride[1], gb.stride[2], 0.0,
                             (double *)o, N, 1, c->err);
            else
                e_igemm(d, M, N, K, a, ga.stride[1], ga.stride[2], bb, gb.stride[1],
                        gb.stride[2], o);
            if (r)
                goto done;
        }
    /* the result replaces cur */
    rt_tensor_release(cur->t);
    cur->t = res;
    res = NULL;
    memset(cur->has, 0, sizeof cur->has);
    memset(cur->st, 0, sizeof cur->st);
    int64_t cst[RT_MAX_DIMS];
    rt_contiguous_strides(on, osh, cst);
    int all[RT_MAX_DIMS], q = 0;
    for (int i = 0; i < nb; i++)
        all[q++] = bl[i];
    for (int i = 0; i < nm; i++)
        all[q++] = ml[i];
    for (int i = 0; i < nn; i++)
        all[q++] = nlb[i];
    for (int i = 0; i < on; i++)
        if (osh[i] != 1)
            cur->has[all[i]] = true, cur->st[all[i]] = cst[i];
    rc = 0;
done:
    rt_tensor_release(res);
    rt_tensor_release(ga.base);
    rt_tensor_release(gb.base);
    return rc;
}

/* Sums op over every present label not in out[0..no) into a new tensor of
 * dtype od shaped by out. */
static rt_tensor *e_sum(rt_ctx *c, const eop *op, int no, const int *out, const int64_t *lsize,
                        int nl, rt_dtype od)
{
    int lab[E_MAXL], n = no;
    bool in_out[E_MAXL] = {false};
    memcpy(lab, out, sizeof(int) * no);
    for (int i = 0; i < no; i++)
        in_out[out[i]] = true;
    int64_t inner = 1;
    for (int l = 0; l < nl; l++)
        if (op->has[l] && !in_out[l]) {
            lab[n++] = l;
            inner *= lsize[l];
        }
    int64_t osh[RT_MAX_DIMS] = {0};
    for (int i = 0; i < no; i++)
        osh[i] = lsize[out[i]];
    rt_tensor *res = rt_tensor_new(od, no, osh, c->err);
    if (!res)
        return NULL;
    if (n > RT_MAX_DIMS) {
        rt_tensor_release(res);
        rt_err_set(c->err, TSJ_ERR_LIMIT, "einsum(): too many dimensions");
        return NULL;
    }
    rt_tensor *v = e_view(c, op, n, lab, lsize);
    if (!v) {
        rt_tensor_release(res);
        return NULL;
    }
    int64_t total = rt_tensor_numel(res);
    rt_dtype d = (rt_dtype)v->dtype;
    size_t es = rt_dtype_size(d), oes = rt_dtype_size(od);
    const char *p = rt_tensor_data(v);
    char *o = rt_tensor_data(res);
    rt_iter it;
    rt_iter_init(&it, v->ndim, v->shape, v->strides);
    bool fl = rt_dtype_is_float(od);
    for (int64_t i = 0; i < total; i++) {
        double sf = 0;
        int64_t si = 0;
        for (int64_t j = 0; j < inner; j++) {
            if (fl)
                sf += rt_load_f64(p + it.off * (int64_t)es, d);
            else
                si = (int64_t)((uint64_t)si + (uint64_t)rt_load_i64(p + it.off * (int64_t)es, d));
            rt_iter_next(&it);
        }
        if (fl)
            rt_store_f64(o + i * (int64_t)oes, od, sf);
        else
            rt_store_i64(o + i * (int64_t)oes, od, si);
    }
    rt_tensor_release(v);
    return res;
}

/* Sums op over the labels it alone has (not `other`) that are not needed. */
static int e_presum(rt_ctx *c, eop *op, const eop *other, const bool *need,
                    const int64_t *lsize, int nl)
{
    int keep[E_MAXL], nk = 0;
    bool any = false;
    for (int l = 0; l < nl; l++) {
        if (!op->has[l])
            continue;
        if (!need[l] && !other->has[l])
            any = true;
        else
            keep[nk++] = l;
    }
    if (!any)
        return 0;
    if (nk > RT_MAX_DIMS)
        return rt_err_set(c->err, TSJ_ERR_LIMIT, "einsum(): too many dimensions");
    rt_tensor *r = e_sum(c, op, nk, keep, lsize, nl, (rt_dtype)op->t->dtype);
    if (!r)
        return -1;
    rt_tensor_release(op->t);
    op->t = r;
    memset(op->has, 0, sizeof op->has);
    memset(op->st, 0, sizeof op->st);
    int64_t st[RT_MAX_DIMS];
    rt_contiguous_strides(r->ndim, r->shape, st);
    for (int i = 0; i < nk; i++)
        if (r->shape[i] != 1)
            op->has[keep[i]] = true, op->st[keep[i]] = st[i];
    return 0;
}

int k_einsum(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)
{
    (void)nin, (void)nout;
    if (in[0].kind != RT_STR)
        return rt_err_set(c->err, TSJ_ERR_TYPE, "einsum(): equation must be a str");
    rt_list *lst;
    if (rt_arg_tensorlist(c, in[1], "tensors", &lst))
        return -1;
    const char *eq = rt_str_cstr(in[0]);
    int nops = (int)lst->len;
    if (nops == 0)
        return rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                          "einsum(): must provide at least one operand");
    const char *arrow = strstr(eq, "->");
    size_t lhs_len = arrow ? (size_t)(arrow - eq) : strlen(eq);
    /* per operand: labels in order, -1 for the ellipsis */
    enum { ELL = -1 };
    int *oplab = calloc((size_t)nops * (RT_MAX_DIMS + 2), sizeof(int));
    int *opn = calloc((size_t)nops, sizeof(int));
    eop *ops = calloc((size_t)nops, sizeof(eop));
    rt_tensor *res = NULL;
    int rc = -1;
    if (!oplab || !opn || !ops) {
        rt_err_set(c->err, TSJ_ERR_NOMEM, "out of memory");
        goto done;
    }
#define LAB(i) (oplab + (size_t)(i) * (RT_MAX_DIMS + 2))
    {
        int cur = 0;
        bool found_ell = false;
        for (size_t i = 0; i < lhs_len; i++) {
            unsigned char ch = (unsigned char)eq[i];
            if (ch == ' ')
                continue;
            if (ch == '.') {
                if (found_ell) {
                    rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                               "einsum(): found '.' for operand %d for which an ellipsis was "
                               "already found", cur);
                    goto done;
                }
                if (!(i + 2 < lhs_len && eq[i + 1] == '.' && eq[i + 2] == '.')) {
                    rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                               "einsum(): found '.' for operand %d that is not part of any "
                               "ellipsis", cur);
                    goto done;
                }
                i += 2;
                found_ell = true;
                if (opn[cur] < RT_MAX_DIMS + 1)
                    LAB(cur)[opn[cur]] = ELL;
                opn[cur]++;
            } else if (ch == ',') {
                if (++cur >= nops) {
                    rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                               "einsum(): fewer operands were provided than specified in the "
                               "equation");
                    goto done;
                }
                found_ell = false;
            } else {
                int l = e_label(ch);
                if (l < 0) {
                    rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                               "einsum(): invalid subscript given at index %zu in the equation "
                               "string, subscripts must be in [a-zA-Z]", i);
                    goto done;
                }
                if (opn[cur] < RT_MAX_DIMS + 1)
                    LAB(cur)[opn[cur]] = l;
                opn[cur]++;
            }
        }
        if (cur != nops - 1) {
            rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                       "einsum(): more operands were provided than specified in the equation");
            goto done;
        }
    }
    /* label counts, ellipsis width, dtype */
    int count[E_LETTERS] = {0}, ell_nd = 0;
    rt_dtype dt = (rt_dtype)lst->items[0].u.tensor->dtype;
    for (int i = 0; i < nops; i++) {
        rt_tensor *t = lst->items[i].u.tensor;
        int nlab = opn[i];
        bool has_ell = false;
        for (int j = 0; j < opn[i] && j < RT_MAX_DIMS + 1; j++)
            if (LAB(i)[j] == ELL)
                has_ell = true, nlab--;
            else
                count[LAB(i)[j]]++;
        if (has_ell ? nlab > t->ndim : nlab != t->ndim) {
            rt_err_set(c->err, TSJ_ERR_SHAPE,
                       "einsum(): the number of subscripts in the equation (%d) %s the number of "
                       "dimensions (%d) for operand %d%s",
                       nlab, has_ell ? "is more than" : "does not match", t->ndim, i,
                       has_ell ? "" : " and no ellipsis was given");
            goto done;
        }
        if (has_ell && t->ndim - nlab > ell_nd)
            ell_nd = t->ndim - nlab;
    }
    for (int i = 1; i < nops; i++) {
        rt_dtype di = (rt_dtype)lst->items[i].u.tensor->dtype;
        if (di != dt) {
            rt_err_set(c->err, TSJ_ERR_TYPE, "expected scalar type %s but found %s",
                       rt_gemm_type_name(dt), rt_gemm_type_name(di));
            goto done;
        }
    }
    if (nops > 1 && dt != RT_F32 && dt != RT_F64 && (rt_dtype_is_float(dt) || dt == RT_BOOL_)) {
        rt_err_set(c->err, TSJ_ERR_TYPE, "\"bmm\" not implemented for '%s'",
                   rt_gemm_type_name(dt));
        goto done;
    }
    int nl = E_LETTERS + ell_nd;
    /* output labels */
    int outl[E_MAXL], no = 0;
    bool in_out[E_MAXL] = {false};
    if (!arrow) {
        for (int j = 0; j < ell_nd; j++)
            outl[no++] = E_LETTERS + j;
        for (int l = 0; l < E_LETTERS; l++)
            if (count[l] == 1)
                outl[no++] = l;
    } else {
        const char *rhs = arrow + 2;
        size_t rl = strlen(rhs);
        bool found_ell = false;
        for (size_t i = 0; i < rl; i++) {
            unsigned char ch = (unsigned char)rhs[i];
            if (ch == ' ')
                continue;
            if (ch == '.') {
                if (found_ell) {
                    rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                               "einsum(): found '.' for output but an ellipsis (...) was "
                               "already found");
                    goto done;
                }
                if (!(i + 2 < rl && rhs[i + 1] == '.' && rhs[i + 2] == '.')) {
                    rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                               "einsum(): found '.' for output that is not part of any "
                               "ellipsis (...)");
                    goto done;
                }
                i += 2;
                found_ell = true;
                for (int j = 0; j < ell_nd; j++)
                    outl[no++] = E_LETTERS + j;
                continue;
            }
            int l = e_label(ch);
            if (l < 0) {
                rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT,
                           "einsum(): invalid subscript given at index %zu in the equation "
                           "string, subscripts must be in [a-zA-Z]", lhs_len + 2 + i);
                goto done;
            }
            if (count[l] == 0 || in_out[l]) {
                rt_err_set(c->err, TSJ_ERR_INVALID_ARGUMENT, "einsum(): output subscript %c%s", ch,
                           in_out[l] ? " appears more than once in the output"
                                     : " does not appear in the equation for any input operand");
                goto done;
            }
            in_out[l] = true;
            if (no >= RT_MAX_DIMS) {
                rt_err_set(c->err, TSJ_ERR_LIMIT, "einsum(): too many output dimensions");
                goto done;
            }
            outl[no++] = l;
        }
    }
    for (int i = 0; i < no; i++)
        in_out[outl[i]] = true;
    /* sizes, strides per label, diagonals */
    int64_t lsize[E_MAXL];
    for (int l = 0; l < E_MAXL; l++)
        lsize[l] = 1;
    for (int i = 0; i < nops; i++) {
        rt_tensor *t = lst->items[i].u.tensor;
        eop *op = &ops[i];
        rt_tensor_retain(t);
        op->t = t;
        int64_t dimof[E_MAXL];
        for (int l = 0; l < E_MAXL; l++)
            dimof[l] = -1;
        int dim = 0;
        for (int j = 0; j < opn[i]; j++) {
            int l = LAB(i)[j];
            if (l == ELL) {
                int nd = t->ndim - (opn[i] - 1);
                for (int q = ell_nd - nd; q < ell_nd; q++, dim++) {
                    int64_t s = t->shape[dim];
                    int el = E_LETTERS + q;
                    if (s != 1) {
                        if (lsize[el] != 1 && lsize[el] != s) {
                            rt_err_set(c->err, TSJ_ERR_SHAPE,
                                       "einsum(): dimension %d covered by ellipsis in operand "
                                       "%dhas size %lld which does not broadcast with "
                                       "previously seen ellipsis with size %lld for the "
                                       "respective dimension",
                                       q, i, (long long)s, (long long)lsize[el]);
                            goto done;
                        }
                        lsize[el] = s;
                        op->has[el] = true;
                        op->st[el] = t->strides[dim];
                    }
                    dimof[el] = dim;
                }
                continue;
            }
            int64_t s = t->shape[dim];
            if (dimof[l] < 0) {
                if (s != 1) {
                    if (lsize[l] != 1 && lsize[l] != s) {
                        rt_err_set(c->err, TSJ_ERR_SHAPE,
                                   "einsum(): subscript %c has size %lld for operand %d which "
                                   "does not broadcast with previously seen size %lld",
                                   e_char(l), (long long)s, i, (long long)lsize[l]);
                        goto done;
                    }
                    lsize[l] = s;
                    op->has[l] = true;
                    op->st[l] = t->strides[dim];
                }
                dimof[l] = dim;
            } else {
                int64_t ps = t->shape[dimof[l]];
                if (s != ps) {
                    rt_err_set(c->err, TSJ_ERR_SHAPE,
                               "einsum(): subscript %c is repeated for operand %d but the sizes "
                               "don't match, %lld != %lld",
                               e_char(l), i, (long long)s, (long long)ps);
                    goto done;
                }
                if (s != 1)
                    op->st[l] += t->strides[dim];
            }
            dim++;
        }
    }
    if (nops == 1) {
        bool sums = false;
        for (int l = 0; l < nl; l++)
            sums = sums || (ops[0].has[l] && !in_out[l]);
        if (!sums)
            res = e_view(c, &ops[0], no, outl, lsize);
        else
            res = e_sum(c, &ops[0], no, outl, lsize, nl,
                        rt_dtype_is_float(dt) ? dt : RT_I64);
        if (!res)
            goto done;
    } else {
        for (int i = 1; i < nops; i++) {
            bool need[E_MAXL];
            memcpy(need, in_out, sizeof need);
            for (int j = i + 1; j < nops; j++)
                for (int l = 0; l < nl; l++)
                    need[l] = need[l] || ops[j].has[l];
            /* labels only one side has and nobody needs are summed first */
            if (e_presum(c, &ops[0], &ops[i], need, lsize, nl) ||
                e_presum(c, &ops[i], &ops[0], need, lsize, nl) ||
                e_pair(c, &ops[0], &ops[i], need, lsize, nl))
                goto done;
        }
        res = e_sum(c, &ops[0], no, outl, lsize, nl, dt);
        if (!res)
            goto done;
    }
    rt_out_tensor(out, res);
    res = NULL;
    rc = 0;
done:
#undef LAB
    if (ops)
        for (int i = 0; i < nops; i++)
            rt_tensor_release(ops[i].t);
    free(ops);
    free(opn);
    free(oplab);
    rt_tensor_release(res);
    return rc;
}
