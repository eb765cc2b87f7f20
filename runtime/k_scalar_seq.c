/* k_scalar_seq.c — list, dict and str builtins (aten::len, append,
 * __getitem__, slice.t, keys, find, split.str, ...) with TorchScript's
 * semantics: lists and dicts are shared mutable objects (append mutates the
 * list every alias sees), indices count from the end when negative. Table
 * lines live in runtime/ops_scalar.def. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_format.h"
#include "rt_kernels.h"

#define KERNEL(name) int name(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout)

static int want_list(rt_ctx *c, rt_value v, const char *what, rt_list **l)
{
    if (v.kind != RT_LIST && v.kind != RT_TUPLE) {
        char buf[64];
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected a list for argument '%s' but found %s",
                          what, rt_value_type_str(v, buf, sizeof buf));
    }
    *l = v.u.list;
    return 0;
}

static int want_dict(rt_ctx *c, rt_value v, rt_dict **d)
{
    if (v.kind != RT_DICT) {
        char buf[64];
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected a dict but found %s",
                          rt_value_type_str(v, buf, sizeof buf));
    }
    *d = v.u.dict;
    return 0;
}

static int want_str(rt_ctx *c, rt_value v, const char *what, const char **s, size_t *len)
{
    if (v.kind != RT_STR) {
        char buf[64];
        return rt_err_set(c->err, TSJ_ERR_TYPE, "expected str for argument '%s' but found %s",
                          what, rt_value_type_str(v, buf, sizeof buf));
    }
    *s = v.u.str->data;
    *len = v.u.str->len;
    return 0;
}

/* Python index into [0, n): negative counts from the end; -1 when out of
 * range. */
static int64_t norm_index(int64_t i, int64_t n)
{
    if (i < 0)
        i += n;
    return i < 0 || i >= n ? -1 : i;
}

/* ---- lists ---- */

/* aten::len.t(t[] a) -> int, len.any, len.str, len.Dict_* */
KERNEL(k_len_t)
{
    switch (in[0].kind) {
    case RT_LIST:
    case RT_TUPLE: out[0] = rt_int((int64_t)in[0].u.list->len); return 0;
    case RT_STR: out[0] = rt_int((int64_t)in[0].u.str->len); return 0;
    case RT_DICT: out[0] = rt_int((int64_t)in[0].u.dict->len); return 0;
    default: {
        char buf[64];
        return rt_err_set(c->err, TSJ_ERR_TYPE, "object of type %s has no len()",
                          rt_value_type_str(in[0], buf, sizeof buf));
    }
    }
}

/* aten::__getitem__.t(t[](a) list, int idx) -> t(*) */
KERNEL(k___getitem___t)
{
    rt_list *l = NULL;
    int64_t i;
    if (want_list(c, in[0], "list", &l) || rt_arg_int(c, in[1], "idx", &i))
        return -1;
    int64_t k = norm_index(i, (int64_t)l->len);
    if (k < 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "list index out of range");
    out[0] = rt_value_retain(l->items[k]);
    return 0;
}

/* aten::_set_item.t(t[](a!) l, int idx, t(b -> *) el) -> t[](a!) */
KERNEL(k__set_item_t)
{
    rt_list *l = NULL;
    int64_t i;
    if (want_list(c, in[0], "l", &l) || rt_arg_int(c, in[1], "idx", &i))
        return -1;
    int64_t k = norm_index(i, (int64_t)l->len);
    if (k < 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "list index out of range");
    rt_value old = l->items[k];
    l->items[k] = rt_value_retain(in[2]);
    rt_value_release(old);
    out[0] = rt_value_retain(in[0]);
    return 0;
}

/* aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!) */
KERNEL(k_append_t)
{
    rt_list *l = NULL;
    if (want_list(c, in[0], "self", &l) || rt_list_append(l, in[1], c->err))
        return -1;
    out[0] = rt_value_retain(in[0]);
    return 0;
}

/* aten::insert.t(t[](a!) self, int idx, t(b -> *) el) -> () */
KERNEL(k_insert_t)
{
    rt_list *l = NULL;
    int64_t i;
    if (want_list(c, in[0], "self", &l) || rt_arg_int(c, in[1], "idx", &i))
        return -1;
    int64_t n = (int64_t)l->len;
    if (i < 0)
        i = i + n < 0 ? 0 : i + n;
    if (i > n)
        i = n;
    if (rt_list_append(l, in[2], c->err)) /* grows the list; moved below */
        return -1;
    rt_value v = l->items[n];
    memmove(l->items + i + 1, l->items + i, sizeof(rt_value) * (size_t)(n - i));
    l->items[i] = v;
    return 0;
}

/* aten::pop.t(t[](a!) self, int idx=-1) -> t(*) */
KERNEL(k_pop_t)
{
    rt_list *l = NULL;
    int64_t i;
    if (want_list(c, in[0], "self", &l) || rt_arg_int(c, in[1], "idx", &i))
        return -1;
    if (l->len == 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "pop from empty list");
    int64_t k = norm_index(i, (int64_t)l->len);
    if (k < 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "pop index out of range");
    out[0] = l->items[k]; /* the list's reference moves to the result */
    memmove(l->items + k, l->items + k + 1, sizeof(rt_value) * (l->len - (size_t)k - 1));
    l->len--;
    return 0;
}

/* aten::extend.t(t[](a!) self, t[] other) -> () */
KERNEL(k_extend_t)
{
    rt_list *l = NULL, *o = NULL;
    if (want_list(c, in[0], "self", &l) || want_list(c, in[1], "other", &o))
        return -1;
    size_t n = o->len; /* l.extend(l) appends the original items once */
    for (size_t i = 0; i < n; i++)
        if (rt_list_append(l, o->items[i], c->err))
            return -1;
    return 0;
}

/* aten::copy.t(t[](a) self) -> t[], aten::list.t(t[] l) -> t[]: shallow copy */
KERNEL(k_copy_t)
{
    rt_list *l = NULL;
    if (want_list(c, in[0], "self", &l))
        return -1;
    return rt_list_from(RT_LIST, l->items, l->len, &out[0], c->err);
}

/* aten::clear.t(t[](a!) self) -> () */
KERNEL(k_clear_t)
{
    rt_list *l = NULL;
    if (want_list(c, in[0], "self", &l))
        return -1;
    for (size_t i = 0; i < l->len; i++)
        rt_value_release(l->items[i]);
    l->len = 0;
    return 0;
}

/* aten::reverse.t(t[](a!) self) -> () */
KERNEL(k_reverse_t)
{
    rt_list *l = NULL;
    if (want_list(c, in[0], "self", &l))
        return -1;
    for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
        rt_value t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
    return 0;
}

/* aten::add.t(t[] a, t[] b) -> t[]: a new list */
KERNEL(k_add_t)
{
    rt_list *a = NULL, *b = NULL;
    if (want_list(c, in[0], "a", &a) || want_list(c, in[1], "b", &b))
        return -1;
    if (rt_list_new(RT_LIST, a->len + b->len, &out[0], c->err))
        return -1;
    rt_list *r = out[0].u.list;
    for (size_t i = 0; i < a->len; i++)
        r->items[r->len++] = rt_value_retain(a->items[i]);
    for (size_t i = 0; i < b->len; i++)
        r->items[r->len++] = rt_value_retain(b->items[i]);
    return 0;
}

/* aten::mul.left_t(t[] l, int n) -> t[], mul.right_(int n, t[] l): repeat */
static int list_repeat(rt_ctx *c, rt_value lv, rt_value nv, rt_value *out)
{
    rt_list *l = NULL;
    int64_t n;
    if (want_list(c, lv, "l", &l) || rt_arg_int(c, nv, "n", &n))
        return -1;
    if (n < 0)
        n = 0;
    if (l->len && (uint64_t)n > SIZE_MAX / sizeof(rt_value) / l->len)
        return rt_err_nomem(c->err);
    if (rt_list_new(RT_LIST, l->len * (size_t)n, out, c->err))
        return -1;
    rt_list *r = out->u.list;
    for (int64_t k = 0; k < n; k++)
        for (size_t i = 0; i < l->len; i++)
            r->items[r->len++] = rt_value_retain(l->items[i]);
    return 0;
}
KERNEL(k_mul_left_t) { return list_repeat(c, in[0], in[1], &out[0]); }
KERNEL(k_mul_right_) { return list_repeat(c, in[1], in[0], &out[0]); }

/* Python slice bounds (PySlice_Unpack + PySlice_AdjustIndices); returns
 * the element count, or -1 with an error for step 0. */
static int64_t slice_adjust(rt_ctx *c, int64_t len, const rt_value *in, int64_t *start,
                            int64_t *step)
{
    int64_t st = 1, lo, hi;
    bool has_lo, has_hi;
    if (rt_arg_opt_int(c, in[0], "start", &lo, &has_lo) ||
        rt_arg_opt_int(c, in[1], "end", &hi, &has_hi) || rt_arg_int(c, in[2], "step", &st))
        return -1;
    if (st == 0)
        return rt_err_set(c->err, TSJ_ERR_MODEL, "slice step cannot be zero");
    if (!has_lo)
        lo = st < 0 ? INT64_MAX : 0;
    if (!has_hi)
        hi = st < 0 ? INT64_MIN : INT64_MAX;
    if (lo < 0) {
        lo = lo < -len ? (st < 0 ? -1 : 0) : lo + len;
    } else if (lo >= len) {
        lo = st < 0 ? len - 1 : len;
    }
    if (hi < 0) {
        hi = hi < -len ? (st < 0 ? -1 : 0) : hi + len;
    } else if (hi >= len) {
        hi = st < 0 ? len - 1 : len;
    }
    *start = lo;
    *step = st;
    if (st < 0)
        return hi < lo ? (lo - hi - 1) / (-st) + 1 : 0;
    return lo < hi ? (hi - lo - 1) / st + 1 : 0;
}

/* aten::slice.t(t[] l, int? start=None, int? end=None, int step=1) -> t[] */
KERNEL(k_slice_t)
{
    rt_list *l = NULL;
    int64_t start, step;
    if (want_list(c, in[0], "l", &l))
        return -1;
    int64_t n = slice_adjust(c, (int64_t)l->len, in + 1, &start, &step);
    if (n < 0)
        return -1;
    if (rt_list_new(RT_LIST, (size_t)n, &out[0], c->err))
        return -1;
    rt_list *r = out[0].u.list;
    for (int64_t k = 0; k < n; k++)
        r->items[r->len++] = rt_value_retain(l->items[start + k * step]);
    return 0;
}

/* aten::slice.str(str string, int? start=None, int? end=None, int step=1) -> str */
KERNEL(k_slice_str)
{
    const char *s = NULL;
    size_t len = 0;
    int64_t start, step;
    if (want_str(c, in[0], "string", &s, &len))
        return -1;
    int64_t n = slice_adjust(c, (int64_t)len, in + 1, &start, &step);
    if (n < 0)
        return -1;
    char *buf = malloc((size_t)n + 1);
    if (!buf)
        return rt_err_nomem(c->err);
    for (int64_t k = 0; k < n; k++)
        buf[k] = s[start + k * step];
    int r = rt_str_new(buf, (size_t)n, &out[0], c->err);
    free(buf);
    return r;
}

/* aten::__contains__ on lists (.int_list, .str_list, .float_list) and on
 * dicts (.str, .int, .bool, .float, .Tensor keys) */
KERNEL(k___contains___int_list)
{
    if (in[0].kind == RT_DICT) {
        out[0] = rt_bool(rt_dict_find(in[0].u.dict, in[1]) >= 0);
        return 0;
    }
    rt_list *l = NULL;
    if (want_list(c, in[0], "l", &l))
        return -1;
    bool found = false;
    for (size_t i = 0; i < l->len && !found; i++)
        found = rt_value_equal(l->items[i], in[1]);
    out[0] = rt_bool(found);
    return 0;
}

static int not_in_list(rt_ctx *c, rt_value el)
{
    rt_sb sb = {0};
    rt_format_value(&sb, el, RT_FMT_TS, c->err);
    rt_err_set(c->err, TSJ_ERR_MODEL, "'%s' is not in list", sb.data ? sb.data : "");
    rt_sb_free(&sb);
    return -1;
}

/* aten::index.list_int(int[] self, int el) -> int (and list_float,
 * list_bool, list_str, list_Tensor) */
KERNEL(k_index_list_int)
{
    rt_list *l = NULL;
    if (want_list(c, in[0], "self", &l))
        return -1;
    for (size_t i = 0; i < l->len; i++) {
        if (rt_value_equal(l->items[i], in[1])) {
            out[0] = rt_int((int64_t)i);
            return 0;
        }
    }
    return not_in_list(c, in[1]);
}

/* aten::count.int(int[] self, int el) -> int (and .float, .bool, .str,
 * .Tensor) */
KERNEL(k_count_int)
{
    rt_list *l = NULL;
    if (want_list(c, in[0], "self", &l))
        return -1;
    int64_t n = 0;
    for (size_t i = 0; i < l->len; i++)
        n += rt_value_equal(l->items[i], in[1]);
    out[0] = rt_int(n);
    return 0;
}

/* Orders two list items of one kind: numbers numerically, str bytewise,
 * bool false < true. */
static bool item_less(rt_value a, rt_value b)
{
    if (a.kind == RT_STR && b.kind == RT_STR) {
        size_t la = a.u.str->len, lb = b.u.str->len;
        int r = memcmp(a.u.str->data, b.u.str->data, la < lb ? la : lb);
        return r ? r < 0 : la < lb;
    }
    if (a.kind == RT_FLOAT || b.kind == RT_FLOAT) {
        double x = a.kind == RT_FLOAT ? a.u.f : a.kind == RT_BOOL ? a.u.b : (double)a.u.i;
        double y = b.kind == RT_FLOAT ? b.u.f : b.kind == RT_BOOL ? b.u.b : (double)b.u.i;
        return x < y;
    }
    int64_t x = a.kind == RT_BOOL ? a.u.b : a.u.i;
    int64_t y = b.kind == RT_BOOL ? b.u.b : b.u.i;
    return x < y;
}

static int check_sortable(rt_ctx *c, const rt_list *l)
{
    for (size_t i = 0; i < l->len; i++) {
        rt_kind k = (rt_kind)l->items[i].kind;
        if (k != RT_INT && k != RT_FLOAT && k != RT_BOOL && k != RT_STR)
            return rt_err_set(c->err, TSJ_ERR_TYPE, "sort supports lists of int, float, bool "
                                                    "and str only");
    }
    return 0;
}

/* Stable merge sort of items by item_less (reversed: by greater). */
static int sort_items(rt_ctx *c, rt_value *items, size_t n, bool reverse)
{
    if (n < 2)
        return 0;
    rt_value *tmp = malloc(sizeof(rt_value) * n);
    if (!tmp)
        return rt_err_nomem(c->err);
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                bool take_right = reverse ? item_less(items[i], items[j])
                                          : item_less(items[j], items[i]);
                tmp[k++] = take_right ? items[j++] : items[i++];
            }
            while (i < mid)
                tmp[k++] = items[i++];
            while (j < hi)
                tmp[k++] = items[j++];
        }
        memcpy(items, tmp, sizeof(rt_value) * n);
    }
    free(tmp);
    return 0;
}

/* aten::sort.int(int[](a!) self, bool reverse=False) -> () (and .float,
 * .bool, .str) */
KERNEL(k_sort_int)
{
    rt_list *l = NULL;
    bool rev;
    if (want_list(c, in[0], "self", &l) || rt_arg_bool(c, in[1], "reverse", &rev) ||
        check_sortable(c, l))
        return -1;
    return sort_items(c, l->items, l->len, rev);
}

/* aten::sorted.int(int[](a) input) -> int[] (and .float, .bool, .str) */
KERNEL(k_sorted_int)
{
    rt_list *l = NULL;
    if (want_list(c, in[0], "input", &l) || check_sortable(c, l))
        return -1;
    if (rt_list_from(RT_LIST, l->items, l->len, &out[0], c->err))
        return -1;
    if (sort_items(c, out[0].u.list->items, out[0].u.list->len, false)) {
        rt_value_clear(&out[0]);
        return -1;
    }
    return 0;
}

/* Lexicographic comparison of two lists (Python's list ordering). */
static int list_cmp(const rt_list *a, const rt_list *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    for (size_t i = 0; i < n; i++) {
        if (item_less(a->items[i], b->items[i]))
            return -1;
        if (item_less(b->items[i], a->items[i]))
            return 1;
    }
    return a->len < b->len ? -1 : a->len > b->len;
}

/* prim::max.int_list(int[] l, int[] r) -> int[] (and float_list,
 * bool_list): the greater list; prim::min.* the lesser */
static int list_minmax2(rt_ctx *c, const rt_value *in, rt_value *out, bool is_max)
{
    rt_list *a = NULL, *b = NULL;
    if (want_list(c, in[0], "l", &a) || want_list(c, in[1], "r", &b))
        return -1;
    int r = list_cmp(a, b);
    rt_value pick = is_max ? (r >= 0 ? in[0] : in[1]) : (r <= 0 ? in[0] : in[1]);
    out[0] = rt_value_retain(pick);
    return 0;
}
KERNEL(k_prim_max_int_list) { return list_minmax2(c, in, out, true); }
KERNEL(k_prim_min_int_list) { return list_minmax2(c, in, out, false); }

/* prim::max.self_int(int[] self) -> int (and self_float, self_bool) */
static int list_minmax1(rt_ctx *c, const rt_value *in, rt_value *out, bool is_max)
{
    rt_list *l = NULL;
    if (want_list(c, in[0], "self", &l))
        return -1;
    if (l->len == 0)
        return rt_err_set(c->err, TSJ_ERR_MODEL, "%s() arg is an empty sequence",
                          is_max ? "max" : "min");
    rt_value best = l->items[0];
    for (size_t i = 1; i < l->len; i++) {
        if (is_max ? item_less(best, l->items[i]) : item_less(l->items[i], best))
            best = l->items[i];
    }
    out[0] = rt_value_retain(best);
    return 0;
}
KERNEL(k_prim_max_self_int) { return list_minmax1(c, in, out, true); }
KERNEL(k_prim_min_self_int) { return list_minmax1(c, in, out, false); }

/* ---- dicts ---- */

static int key_error(rt_ctx *c, rt_value key)
{
    rt_sb sb = {0};
    rt_format_value(&sb, key, RT_FMT_TS, c->err);
    rt_err_set(c->err, TSJ_ERR_INDEX, "KeyError: %s", sb.data ? sb.data : "");
    rt_sb_free(&sb);
    return -1;
}

/* aten::__getitem__.Dict_str(Dict(str, t) self, str key) -> t(*) (every
 * key type) */
KERNEL(k___getitem___Dict_str)
{
    rt_dict *d = NULL;
    if (want_dict(c, in[0], &d))
        return -1;
    long at = rt_dict_find(d, in[1]);
    if (at < 0)
        return key_error(c, in[1]);
    out[0] = rt_value_retain(d->values[at]);
    return 0;
}

/* aten::_set_item.str(Dict(str, t)(a!) l, str(b -> *) idx, t(c -> *) v) -> () */
KERNEL(k__set_item_str)
{
    rt_dict *d = NULL;
    if (want_dict(c, in[0], &d))
        return -1;
    return rt_dict_set(d, in[1], in[2], c->err);
}

/* aten::get.str(Dict(str, t) self, str key) -> t(*)? and
 * get.default_str(..., t default_value) -> t(*) */
KERNEL(k_get_str)
{
    rt_dict *d = NULL;
    if (want_dict(c, in[0], &d))
        return -1;
    long at = rt_dict_find(d, in[1]);
    out[0] = at >= 0 ? rt_value_retain(d->values[at]) : nin > 2 ? rt_value_retain(in[2])
                                                                 : rt_none();
    return 0;
}

/* aten::setdefault.str(Dict(str, t)(a!) self, str key, t default_value) -> t(*) */
KERNEL(k_setdefault_str)
{
    rt_dict *d = NULL;
    if (want_dict(c, in[0], &d))
        return -1;
    long at = rt_dict_find(d, in[1]);
    if (at < 0) {
        if (rt_dict_set(d, in[1], in[2], c->err))
            return -1;
        out[0] = rt_value_retain(in[2]);
        return 0;
    }
    out[0] = rt_value_retain(d->values[at]);
    return 0;
}

/* aten::pop.Dict_str(Dict(str, t)(a!) self, str key) -> t(*) and
 * pop.Dict_default_str(..., t default_value) */
KERNEL(k_pop_Dict_str)
{
    rt_dict *d = NULL;
    if (want_dict(c, in[0], &d))
        return -1;
    long at = rt_dict_find(d, in[1]);
    if (at < 0) {
        if (nin > 2) {
            out[0] = rt_value_retain(in[2]);
            return 0;
        }
        return key_error(c, in[1]);
    }
    out[0] = d->values[at]; /* the dict's reference moves to the result */
    rt_value_release(d->keys[at]);
    size_t rest = d->len - (size_t)at - 1;
    memmove(d->keys + at, d->keys + at + 1, sizeof(rt_value) * rest);
    memmove(d->values + at, d->values + at + 1, sizeof(rt_value) * rest);
    d->len--;
    return 0;
}

/* aten::clear.str(Dict(str, t)(a!) self) -> () */
KERNEL(k_clear_str)
{
    rt_dict *d = NULL;
    if (want_dict(c, in[0], &d))
        return -1;
    for (size_t i = 0; i < d->len; i++) {
        rt_value_release(d->keys[i]);
        rt_value_release(d->values[i]);
    }
    d->len = 0;
    return 0;
}

/* aten::keys.str / values.str / items.str */
static int dict_view(rt_ctx *c, rt_value dv, rt_value *out, int which)
{
    rt_dict *d = NULL;
    if (want_dict(c, dv, &d))
        return -1;
    if (rt_list_new(RT_LIST, d->len, out, c->err))
        return -1;
    rt_list *l = out->u.list;
    for (size_t i = 0; i < d->len; i++) {
        if (which == 2) {
            rt_value kv[2] = {d->keys[i], d->values[i]}, t;
            if (rt_list_from(RT_TUPLE, kv, 2, &t, c->err)) {
                rt_value_clear(out);
                return -1;
            }
            l->items[l->len++] = t;
        } else {
            l->items[l->len++] = rt_value_retain(which == 0 ? d->keys[i] : d->values[i]);
        }
    }
    return 0;
}
KERNEL(k_keys_str) { return dict_view(c, in[0], &out[0], 0); }
KERNEL(k_values_str) { return dict_view(c, in[0], &out[0], 1); }
KERNEL(k_items_str) { return dict_view(c, in[0], &out[0], 2); }

/* aten::copy.Dict_str(Dict(str, t)(a) self) -> Dict(str, t), dict.Dict_str */
KERNEL(k_copy_Dict_str)
{
    rt_dict *d = NULL;
    if (want_dict(c, in[0], &d) || rt_dict_new(&out[0], c->err))
        return -1;
    for (size_t i = 0; i < d->len; i++) {
        if (rt_dict_set(out[0].u.dict, d->keys[i], d->values[i], c->err)) {
            rt_value_clear(&out[0]);
            return -1;
        }
    }
    return 0;
}

/* aten::dict() -> Dict(str, Tensor) */
KERNEL(k_dict) { return rt_dict_new(&out[0], c->err); }

/* ---- strings ---- */

/* aten::add.str(str a, str b) -> str */
KERNEL(k_add_str)
{
    const char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    if (want_str(c, in[0], "a", &a, &la) || want_str(c, in[1], "b", &b, &lb))
        return -1;
    rt_sb sb = {0};
    if (rt_sb_append(&sb, a, la, c->err) || rt_sb_append(&sb, b, lb, c->err)) {
        rt_sb_free(&sb);
        return -1;
    }
    return rt_sb_to_value(&sb, &out[0], c->err);
}

/* aten::__getitem__.str(str s, int index) -> str */
KERNEL(k___getitem___str)
{
    const char *s = NULL;
    size_t len = 0;
    int64_t i;
    if (want_str(c, in[0], "s", &s, &len) || rt_arg_int(c, in[1], "index", &i))
        return -1;
    int64_t k = norm_index(i, (int64_t)len);
    if (k < 0)
        return rt_err_set(c->err, TSJ_ERR_INDEX, "string index out of range");
    return rt_str_new(s + k, 1, &out[0], c->err);
}

/* aten::list(str t) -> str[]: one string per character */
KERNEL(k_list)
{
    const char *s = NULL;
    size_t len = 0;
    if (want_str(c, in[0], "t", &s, &len) || rt_list_new(RT_LIST, len, &out[0], c->err))
        return -1;
    for (size_t i = 0; i < len; i++) {
        rt_value ch;
        if (rt_str_new(s + i, 1, &ch, c->err)) {
            rt_value_clear(&out[0]);
            return -1;
        }
        out[0].u.list->items[out[0].u.list->len++] = ch;
    }
    return 0;
}

/* start/end of find, startswith, endswith: negative start counts from the
 * end (clamped at 0), negative end is end + len + 1 (so -1 means the whole
 * string), as PyTorch's register_prim_ops.cpp does. */
static void str_bounds(int64_t size, int64_t *start, int64_t *end)
{
    if (*start < 0)
        *start = size + *start < 0 ? 0 : size + *start;
    if (*end < 0)
        *end = size + *end + 1 < 0 ? 0 : size + *end + 1;
}

static const char *mem_find(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0)
        return h;
    if (nl > hl)
        return NULL;
    for (size_t i = 0; i + nl <= hl; i++)
        if (h[i] == n[0] && memcmp(h + i, n, nl) == 0)
            return h + i;
    return NULL;
}

/* aten::find(str self, str substr, int start=0, int end=-1) -> int */
KERNEL(k_find)
{
    const char *s = NULL, *sub = NULL;
    size_t len = 0, sl = 0;
    int64_t start, end;
    if (want_str(c, in[0], "self", &s, &len) || want_str(c, in[1], "substr", &sub, &sl) ||
        rt_arg_int(c, in[2], "start", &start) || rt_arg_int(c, in[3], "end", &end))
        return -1;
    str_bounds((int64_t)len, &start, &end);
    if (end > (int64_t)len)
        end = (int64_t)len;
    int64_t r = -1;
    if (start <= (int64_t)len) {
        size_t hl = end > start ? (size_t)(end - start) : 0;
        const char *p = mem_find(s + start, hl, sub, sl);
        if (p)
            r = (int64_t)(p - s);
    }
    out[0] = rt_int(r);
    return 0;
}

/* The substring s[start : start + (end - start)] as std::string::substr
 * takes it (a negative length takes the rest). */
static void str_window(const char *s, size_t len, int64_t start, int64_t end, const char **w,
                       size_t *wl)
{
    if (start > (int64_t)len)
        start = (int64_t)len;
    size_t rest = len - (size_t)start;
    size_t n = end - start < 0 ? rest : (size_t)(end - start);
    *w = s + start;
    *wl = n < rest ? n : rest;
}

static int starts_ends(rt_ctx *c, const rt_value *in, rt_value *out, bool ends)
{
    const char *s = NULL, *sub = NULL, *w;
    size_t len = 0, sl = 0, wl;
    int64_t start, end;
    if (want_str(c, in[0], "self", &s, &len) || want_str(c, in[1], "substr", &sub, &sl) ||
        rt_arg_int(c, in[2], "start", &start) || rt_arg_int(c, in[3], "end", &end))
        return -1;
    str_bounds((int64_t)len, &start, &end);
    str_window(s, len, start, end, &w, &wl);
    bool r = wl >= sl && memcmp(ends ? w + wl - sl : w, sub, sl) == 0;
    out[0] = rt_bool(r);
    return 0;
}

/* aten::startswith / endswith(str self, str substr, int start=0, int end=-1) -> bool */
KERNEL(k_startswith) { return starts_ends(c, in, out, false); }
KERNEL(k_endswith) { return starts_ends(c, in, out, true); }

/* aten::count(str self, str substr, int start=0, int end=-1) -> int */
KERNEL(k_count)
{
    const char *s = NULL, *sub = NULL;
    size_t len = 0, sl = 0;
    int64_t start, end;
    if (want_str(c, in[0], "self", &s, &len) || want_str(c, in[1], "substr", &sub, &sl) ||
        rt_arg_int(c, in[2], "start", &start) || rt_arg_int(c, in[3], "end", &end))
        return -1;
    int64_t n = 0;
    if (start <= (int64_t)len) {
        str_bounds((int64_t)len, &start, &end);
        for (int64_t pos = start; pos <= (int64_t)len;) {
            const char *p = mem_find(s + pos, len - (size_t)pos, sub, sl);
            if (!p || p - s >= end)
                break;
            n++;
            pos = (int64_t)(p - s) + (sl ? (int64_t)sl : 1);
        }
    }
    out[0] = rt_int(n);
    return 0;
}

static int case_map(rt_ctx *c, rt_value v, rt_value *out, bool upper)
{
    const char *s = NULL;
    size_t len = 0;
    if (want_str(c, v, "self", &s, &len) || rt_str_new(s, len, out, c->err))
        return -1;
    char *d = out->u.str->data;
    for (size_t i = 0; i < len; i++)
        d[i] = (char)(upper ? toupper((unsigned char)d[i]) : tolower((unsigned char)d[i]));
    return 0;
}
/* aten::lower(str self) -> str, aten::upper(str self) -> str (ASCII) */
KERNEL(k_lower) { return case_map(c, in[0], &out[0], false); }
KERNEL(k_upper) { return case_map(c, in[0], &out[0], true); }

/* aten::strip(str self, str chars=" \n\t\f\v") -> str. The table's schema
 * parser keeps the default's escapes as written (backslash, 'n', ...); that
 * exact text is read as the whitespace set it denotes. */
KERNEL(k_strip)
{
    const char *s = NULL, *chars = NULL;
    size_t len = 0, cl = 0;
    if (want_str(c, in[0], "self", &s, &len) || want_str(c, in[1], "chars", &chars, &cl))
        return -1;
    static const char ws[] = " \n\t\f\v";
    if (strcmp(chars, " \\n\\t\\f\\v") == 0) {
        chars = ws;
        cl = sizeof ws - 1;
    }
    size_t lo = 0, hi = len;
    while (hi > lo && memchr(chars, s[hi - 1], cl))
        hi--;
    while (lo < hi && memchr(chars, s[lo], cl))
        lo++;
    return rt_str_new(s + lo, hi - lo, &out[0], c->err);
}

static int push_str(rt_ctx *c, rt_list *l, const char *s, size_t n)
{
    rt_value v;
    if (rt_str_new(s, n, &v, c->err))
        return -1;
    int r = rt_list_append(l, v, c->err);
    rt_value_release(v);
    return r;
}

/* aten::split.str(str self, str? separator=None, int max=-1) -> str[].
 * Without a separator: runs of whitespace split and `max` is ignored (as
 * PyTorch's splitNoneSeparator does). */
KERNEL(k_split_str)
{
    const char *s = NULL, *sep = NULL;
    size_t len = 0, sl = 0;
    int64_t max;
    if (want_str(c, in[0], "self", &s, &len) || rt_arg_int(c, in[2], "max", &max))
        return -1;
    if (in[1].kind != RT_NONE && want_str(c, in[1], "separator", &sep, &sl))
        return -1;
    if (sep && sl == 0)
        return rt_err_set(c->err, TSJ_ERR_MODEL, "ValueError: empty separator");
    if (rt_list_new(RT_LIST, 0, &out[0], c->err))
        return -1;
    rt_list *l = out[0].u.list;
    int r = 0;
    if (!sep) {
        static const char ws[] = " \t\n\r\v\x0c\x1c\x1d\x1e\x1f\x85";
        size_t prev = 0;
        for (size_t i = 0; i < len && !r; i++) {
            if (memchr(ws, s[i], sizeof ws - 1)) {
                if (i > prev)
                    r = push_str(c, l, s + prev, i - prev);
                prev = i + 1;
            }
        }
        if (!r && prev < len)
            r = push_str(c, l, s + prev, len - prev);
    } else {
        size_t prev = 0;
        int64_t count = 0;
        const char *p;
        while (!r && (p = mem_find(s + prev, len - prev, sep, sl)) != NULL) {
            if (max >= 0 && ++count > max)
                break;
            r = push_str(c, l, s + prev, (size_t)(p - s) - prev);
            prev = (size_t)(p - s) + sl;
        }
        if (!r)
            r = push_str(c, l, s + prev, len - prev);
    }
    if (r)
        rt_value_clear(&out[0]);
    return r;
}

/* aten::join(str self, str[] values) -> str */
KERNEL(k_join)
{
    const char *sep = NULL;
    size_t sl = 0;
    rt_list *l = NULL;
    if (want_str(c, in[0], "self", &sep, &sl) || want_list(c, in[1], "values", &l))
        return -1;
    rt_sb sb = {0};
    for (size_t i = 0; i < l->len; i++) {
        const char *s = NULL;
        size_t n = 0;
        if (want_str(c, l->items[i], "values", &s, &n) ||
            (i && rt_sb_append(&sb, sep, sl, c->err)) || rt_sb_append(&sb, s, n, c->err)) {
            rt_sb_free(&sb);
            return -1;
        }
    }
    return rt_sb_to_value(&sb, &out[0], c->err);
}

/* aten::replace(str self, str old, str new, int max=-1) -> str */
KERNEL(k_replace)
{
    const char *s = NULL, *old, *nw = NULL;
    size_t len = 0, ol = 0, nl = 0;
    int64_t max;
    if (want_str(c, in[0], "self", &s, &len) || want_str(c, in[1], "old", &old, &ol) ||
        want_str(c, in[2], "new", &nw, &nl) || rt_arg_int(c, in[3], "max", &max))
        return -1;
    rt_sb sb = {0};
    int64_t done = 0;
    size_t pos = 0;
    int r = 0;
    if (ol == 0) {
        /* Python: the new text before every character and at the end */
        for (size_t i = 0; i <= len && !r; i++) {
            if (max < 0 || done < max) {
                r = rt_sb_append(&sb, nw, nl, c->err);
                done++;
            }
            if (!r && i < len)
                r = rt_sb_append(&sb, s + i, 1, c->err);
        }
    } else {
        const char *p;
        while (!r && (max < 0 || done < max) &&
               (p = mem_find(s + pos, len - pos, old, ol)) != NULL) {
            r = rt_sb_append(&sb, s + pos, (size_t)(p - s) - pos, c->err) ||
                rt_sb_append(&sb, nw, nl, c->err);
            pos = (size_t)(p - s) + ol;
            done++;
        }
        if (!r)
            r = rt_sb_append(&sb, s + pos, len - pos, c->err);
    }
    if (r) {
        rt_sb_free(&sb);
        return -1;
    }
    return rt_sb_to_value(&sb, &out[0], c->err);
}
