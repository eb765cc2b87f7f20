/*
 * fe_pickle.c — the restricted unpickler: a stack machine over the pickle
 * opcodes torch.jit.save emits, with allow-listed globals, tensors over
 * shared storages and caller-built objects. See fe_pickle.h.
 *
 * Values on the stack are plain rt_values. Globals and objects waiting
 * for BUILD are "pseudo" values: rt_objects whose cls is the address of
 * one of the tags below, never handed to a caller. A side table keyed by
 * object address records, for every container and pseudo value the
 * unpickler made, its nesting depth, whether it holds a pseudo value, and
 * whether it was stored into another value ("sealed"). A sealed list or
 * dict cannot change any more: that is what makes reference cycles, and
 * so leaks, impossible (a cycle needs a container changed after it was
 * stored inside what it now receives).
 */
#include "fe_pickle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_archive.h"

/* ---- opcodes (Python's Lib/pickle.py names) ---- */
enum {
    OP_MARK = '(',
    OP_STOP = '.',
    OP_POP = '0',
    OP_POP_MARK = '1',
    OP_BINFLOAT = 'G',
    OP_BININT = 'J',
    OP_BININT1 = 'K',
    OP_BININT2 = 'M',
    OP_NONE = 'N',
    OP_BINPERSID = 'Q',
    OP_REDUCE = 'R',
    OP_BINUNICODE = 'X',
    OP_APPEND = 'a',
    OP_BUILD = 'b',
    OP_GLOBAL = 'c',
    OP_DICT = 'd',
    OP_EMPTY_DICT = '}',
    OP_APPENDS = 'e',
    OP_BINGET = 'h',
    OP_LONG_BINGET = 'j',
    OP_LIST = 'l',
    OP_EMPTY_LIST = ']',
    OP_BINPUT = 'q',
    OP_LONG_BINPUT = 'r',
    OP_SETITEM = 's',
    OP_TUPLE = 't',
    OP_EMPTY_TUPLE = ')',
    OP_SETITEMS = 'u',
    OP_PROTO = 0x80,
    OP_NEWOBJ = 0x81,
    OP_TUPLE1 = 0x85,
    OP_TUPLE2 = 0x86,
    OP_TUPLE3 = 0x87,
    OP_NEWTRUE = 0x88,
    OP_NEWFALSE = 0x89,
    OP_LONG1 = 0x8a,
    OP_LONG4 = 0x8b,
    OP_SHORT_BINUNICODE = 0x8c,
    OP_BINUNICODE8 = 0x8d,
    OP_STACK_GLOBAL = 0x93,
    OP_MEMOIZE = 0x94,
    OP_FRAME = 0x95,
};

#define PK_MAX_NAME 1024 /* longest GLOBAL module or class name */
#define PK_MAX_KEY 128   /* longest storage key */

/* Tags: the cls of pseudo objects (addresses only). */
static const char pk_tag_global = 'g';
static const char pk_tag_pending = 'p';

/* ---- allow-listed globals ---- */
typedef enum pk_gkind {
    G_REBUILD_TENSOR_V2,
    G_REBUILD_TENSOR,
    G_REBUILD_PARAMETER,
    G_LIST_INT,
    G_LIST_FLOAT,
    G_LIST_BOOL,
    G_LIST_TENSOR,
    G_LIST_GENERIC,
    G_RESTORE_TYPE_TAG,
    G_ORDERED_DICT,
    G_DEVICE,
    G_STORAGE_TYPE,
    G_CLASS,
} pk_gkind;

static const struct {
    const char *module, *name;
    pk_gkind kind;
    int dtype;
} pk_allowed[] = {
    {"torch._utils", "_rebuild_tensor_v2", G_REBUILD_TENSOR_V2, 0},
    {"torch._utils", "_rebuild_tensor", G_REBUILD_TENSOR, 0},
    {"torch._utils", "_rebuild_parameter", G_REBUILD_PARAMETER, 0},
    {"torch.jit._pickle", "build_intlist", G_LIST_INT, 0},
    {"torch.jit._pickle", "build_doublelist", G_LIST_FLOAT, 0},
    {"torch.jit._pickle", "build_boollist", G_LIST_BOOL, 0},
    {"torch.jit._pickle", "build_tensorlist", G_LIST_TENSOR, 0},
    {"torch.jit._pickle", "build_genericlist", G_LIST_GENERIC, 0},
    {"torch.jit._pickle", "restore_type_tag", G_RESTORE_TYPE_TAG, 0},
    {"collections", "OrderedDict", G_ORDERED_DICT, 0},
    {"torch", "device", G_DEVICE, 0},
    {"torch", "FloatStorage", G_STORAGE_TYPE, RT_F32},
    {"torch", "DoubleStorage", G_STORAGE_TYPE, RT_F64},
    {"torch", "HalfStorage", G_STORAGE_TYPE, RT_F16},
    {"torch", "BFloat16Storage", G_STORAGE_TYPE, RT_BF16},
    {"torch", "LongStorage", G_STORAGE_TYPE, RT_I64},
    {"torch", "IntStorage", G_STORAGE_TYPE, RT_I32},
    {"torch", "ShortStorage", G_STORAGE_TYPE, RT_I16},
    {"torch", "CharStorage", G_STORAGE_TYPE, RT_I8},
    {"torch", "ByteStorage", G_STORAGE_TYPE, RT_U8},
    {"torch", "BoolStorage", G_STORAGE_TYPE, RT_BOOL_},
};

typedef struct pk_global {
    pk_gkind kind;
    int dtype;      /* G_STORAGE_TYPE                       */
    char *qualname; /* "module.name", malloc'd              */
    const void *cls; /* G_CLASS: the caller's handle        */
    rt_value value; /* the pseudo object GLOBAL pushes      */
} pk_global;

/* ---- a small open-addressing hash table of (hash, ptr, a, b) ----
 * Used as: object address -> info; (dict, key) -> key index; name ->
 * index into an array. Several slots may share a hash; lookups walk the
 * probe chain. */
typedef struct pk_slot {
    uint64_t h; /* 0: empty */
    const void *p;
    uint32_t a, b;
} pk_slot;

typedef struct pk_table {
    pk_slot *slots;
    size_t cap, len; /* cap is 0 or a power of two */
} pk_table;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x ? x : 1;
}

static uint64_t hash_bytes(const void *s, size_t n)
{
    const unsigned char *b = s;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return mix64(h);
}

static int table_insert(pk_table *t, uint64_t h, const void *p, uint32_t a, uint32_t b)
{
    if ((t->len + 1) * 2 > t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        pk_slot *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->slots[i].h)
                continue;
            size_t j = t->slots[i].h & (ncap - 1);
            while (ns[j].h)
                j = (j + 1) & (ncap - 1);
            ns[j] = t->slots[i];
        }
        free(t->slots);
        t->slots = ns;
        t->cap = ncap;
    }
    size_t j = h & (t->cap - 1);
    while (t->slots[j].h)
        j = (j + 1) & (t->cap - 1);
    t->slots[j] = (pk_slot){h, p, a, b};
    t->len++;
    return 0;
}

/* Iteration over the slots with hash h: start with *i = SIZE_MAX. */
static pk_slot *table_next(pk_table *t, uint64_t h, size_t *i)
{
    if (!t->cap)
        return NULL;
    size_t j = *i == SIZE_MAX ? (h & (t->cap - 1)) : ((*i + 1) & (t->cap - 1));
    for (; t->slots[j].h; j = (j + 1) & (t->cap - 1))
        if (t->slots[j].h == h) {
            *i = j;
            return &t->slots[j];
        }
    return NULL;
}

/* ---- per-value info ---- */
enum { INFO_SEALED = 1, INFO_PSEUDO = 2 };

typedef struct pk_stored {
    char *record; /* "data/3" */
    rt_storage *s;
} pk_stored;

typedef struct pk {
    const char *name;
    const uint8_t *base, *p, *end;
    size_t op; /* offset of the current opcode */
    const fe_pickle_opts *o;
    rt_storage *(*load_storage)(void *, const char *, rt_err *);
    void *storage_ctx;
    const char *storage_dir;
    size_t max_depth, max_memo;
    rt_err *e;

    rt_value *stack;
    size_t sp, scap;
    size_t *marks;
    size_t nmarks, mcap;
    rt_value *memo;
    uint8_t *memo_set;
    size_t memo_cap, memo_count;

    pk_global *globals;
    size_t nglobals, gcap;
    pk_table gnames;
    pk_stored *stored;
    size_t nstored, stcap;
    pk_table snames;
    pk_table info;  /* object address -> depth (a), flags (b) */
    pk_table dkeys; /* (dict, key) -> index of the key (a)    */
} pk;

static int pk_vfail(pk *k, tsj_status st, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return rt_err_set(k->e, st, "%s: %s (at byte %zu)", k->name, msg, k->op);
}

static int __attribute__((format(printf, 3, 4))) pk_fail(pk *k, tsj_status st, const char *fmt,
                                                        ...)
{
    va_list ap;
    va_start(ap, fmt);
    pk_vfail(k, st, fmt, ap);
    va_end(ap);
    return -1;
}

/* Puts the pickle's name and the offset around a message already set by
 * the runtime (rt_tensor_view, ...). */
static int pk_rewrap(pk *k, const char *what)
{
    char old[RT_ERR_MSG_MAX];
    memcpy(old, k->e->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    tsj_status st = k->e->status ? k->e->status : TSJ_ERR_FORMAT;
    return pk_fail(k, st, "%s%s", what, old);
}

static int pk_nomem(pk *k) { return pk_fail(k, TSJ_ERR_NOMEM, "out of memory"); }

/* Printable copy of a name for messages. */
static const char *shown(const char *s, size_t n, char *buf, size_t size)
{
    size_t k = 0, i = 0;
    for (; i < n && k + 4 < size; i++)
        buf[k++] = ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) ? s[i] : '?';
    if (i < n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

static bool is_container(rt_value v)
{
    return v.kind == RT_LIST || v.kind == RT_TUPLE || v.kind == RT_DICT || v.kind == RT_OBJECT;
}

static pk_slot *info_slot(pk *k, const void *p)
{
    uint64_t h = mix64((uint64_t)(uintptr_t)p);
    size_t i = SIZE_MAX;
    pk_slot *s;
    while ((s = table_next(&k->info, h, &i)))
        if (s->p == p)
            return s;
    return NULL;
}

/* Depth and flags of a value: 0 for scalars, strings, tensors. */
static uint32_t info_depth(pk *k, rt_value v, uint32_t *flags)
{
    *flags = 0;
    if (!is_container(v))
        return 0;
    pk_slot *s = info_slot(k, v.u.obj);
    if (!s)
        return 1;
    *flags = s->b;
    return s->a;
}

/* Records (or overwrites) the info of a value the unpickler just made. */
static int info_set(pk *k, rt_value v, uint32_t depth, uint32_t flags)
{
    if (!is_container(v))
        return 0;
    pk_slot *s = info_slot(k, v.u.obj);
    if (s) {
        s->a = depth;
        s->b = flags;
        return 0;
    }
    if (table_insert(&k->info, mix64((uint64_t)(uintptr_t)v.u.obj), v.u.obj, depth, flags))
        return pk_nomem(k);
    return 0;
}

static int check_depth(pk *k, uint32_t depth)
{
    if (depth > k->max_depth)
        return pk_fail(k, TSJ_ERR_LIMIT, "nesting too deep (more than %zu levels)", k->max_depth);
    return 0;
}

/* Marks v as stored inside another value. */
static int seal(pk *k, rt_value v)
{
    if (v.kind != RT_LIST && v.kind != RT_DICT)
        return 0;
    pk_slot *s = info_slot(k, v.u.obj);
    if (s) {
        s->b |= INFO_SEALED;
        return 0;
    }
    return info_set(k, v, 1, INFO_SEALED);
}

static bool is_pseudo(rt_value v, const char *tag)
{
    return v.kind == RT_OBJECT && v.u.object->cls == tag;
}

static const pk_global *pseudo_global(pk *k, rt_value v)
{
    if (!is_pseudo(v, &pk_tag_global) && !is_pseudo(v, &pk_tag_pending))
        return NULL;
    int64_t i = v.u.object->slots[0].u.i;
    return (i >= 0 && (size_t)i < k->nglobals) ? &k->globals[i] : NULL;
}

/* What a value is, for messages ("a bare global 'torch.FloatStorage'"). */
static const char *describe(pk *k, rt_value v, char *buf, size_t size)
{
    const pk_global *g = pseudo_global(k, v);
    if (g && is_pseudo(v, &pk_tag_pending))
        snprintf(buf, size, "an unbuilt object of class '%s'", g->qualname);
    else if (g)
        snprintf(buf, size, "the global '%s'", g->qualname);
    else
        snprintf(buf, size, "a %s", rt_kind_name((rt_kind)v.kind));
    return buf;
}

/* Rejects a value that holds a pseudo value, where real values only may
 * go (`where`: "a list", "a dict", "an object's state", "the result"). */
static int check_real(pk *k, rt_value v, const char *where)
{
    uint32_t flags;
    info_depth(k, v, &flags);
    if (!(flags & INFO_PSEUDO))
        return 0;
    char buf[PK_MAX_NAME + 64];
    if (pseudo_global(k, v))
        return pk_fail(k, TSJ_ERR_FORMAT, "%s cannot be stored in %s", describe(k, v, buf, sizeof buf),
                       where);
    return pk_fail(k, TSJ_ERR_FORMAT, "a %s holding a bare global cannot be stored in %s",
                   rt_kind_name((rt_kind)v.kind), where);
}

/* ---- stack ---- */
static size_t fence(const pk *k) { return k->nmarks ? k->marks[k->nmarks - 1] : 0; }

/* Takes ownership of v. */
static int push(pk *k, rt_value v)
{
    if (k->sp == k->scap) {
        size_t ncap = k->scap ? k->scap * 2 : 64;
        rt_value *ns = realloc(k->stack, ncap * sizeof *ns);
        if (!ns) {
            rt_value_release(v);
            return pk_nomem(k);
        }
        k->stack = ns;
        k->scap = ncap;
    }
    k->stack[k->sp++] = v;
    return 0;
}

static int need_stack(pk *k, size_t n, const char *op)
{
    if (k->sp - fence(k) < n)
        return pk_fail(k, TSJ_ERR_FORMAT, "stack underflow in %s (needs %zu value%s, has %zu)", op,
                       n, n == 1 ? "" : "s", k->sp - fence(k));
    return 0;
}

/* Pops into *v (owned by the caller). */
static int pop(pk *k, rt_value *v, const char *op)
{
    if (need_stack(k, 1, op))
        return -1;
    *v = k->stack[--k->sp];
    return 0;
}

static void drop_to(pk *k, size_t sp)
{
    while (k->sp > sp)
        rt_value_release(k->stack[--k->sp]);
}

/* Pops the innermost mark: its stack position in *at. */
static int pop_mark(pk *k, size_t *at, const char *op)
{
    if (!k->nmarks)
        return pk_fail(k, TSJ_ERR_FORMAT, "%s without a MARK", op);
    *at = k->marks[--k->nmarks];
    return 0;
}

/* ---- reading operands ---- */
static int need(pk *k, size_t n, const char *op)
{
    if ((size_t)(k->end - k->p) < n)
        return pk_fail(k, TSJ_ERR_FORMAT, "truncated %s: needs %zu more byte%s, %zu left", op, n,
                       n == 1 ? "" : "s", (size_t)(k->end - k->p));
    return 0;
}

static uint64_t le(const uint8_t *b, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

static bool valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || len > n - i || (len == 2 && c < 0xc2))
            return false;
        for (size_t j = 1; j < len; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

static int op_string(pk *k, int lenbytes, const char *op)
{
    if (need(k, (size_t)lenbytes, op))
        return -1;
    uint64_t n = le(k->p, lenbytes);
    k->p += lenbytes;
    if (n > (uint64_t)(k->end - k->p))
        return pk_fail(k, TSJ_ERR_FORMAT, "%s of %llu bytes runs past the end of the data (%zu left)",
                       op, (unsigned long long)n, (size_t)(k->end - k->p));
    if (!valid_utf8(k->p, (size_t)n))
        return pk_fail(k, TSJ_ERR_FORMAT, "%s is not valid UTF-8", op);
    rt_value v;
    if (rt_str_new((const char *)k->p, (size_t)n, &v, k->e))
        return pk_nomem(k);
    k->p += n;
    return push(k, v);
}

static int op_long(pk *k, int lenbytes, const char *op)
{
    if (need(k, (size_t)lenbytes, op))
        return -1;
    uint64_t n = le(k->p, lenbytes);
    if (lenbytes == 4 && (n & 0x80000000u))
        return pk_fail(k, TSJ_ERR_FORMAT, "%s with a negative length", op);
    k->p += lenbytes;
    if (n > 8)
        return pk_fail(k, TSJ_ERR_UNSUPPORTED, "integer of %llu bytes does not fit in 64 bits",
                       (unsigned long long)n);
    if (need(k, (size_t)n, op))
        return -1;
    uint64_t u = le(k->p, (int)n);
    if (n > 0 && n < 8 && (k->p[n - 1] & 0x80))
        u |= ~(uint64_t)0 << (8 * n);
    k->p += n;
    return push(k, rt_int((int64_t)u));
}

/* ---- memo ---- */
static int memo_put(pk *k, uint64_t idx)
{
    if (need_stack(k, 1, "memo put"))
        return -1;
    size_t bound = k->max_memo;
    size_t by_size = (size_t)(k->end - k->base) + 256; /* a real memo is smaller than its pickle */
    if (bound > by_size)
        bound = by_size;
    if (idx >= bound)
        return pk_fail(k, TSJ_ERR_LIMIT, "memo index %llu out of range (limit %zu)",
                       (unsigned long long)idx, bound);
    if (idx >= k->memo_cap) {
        size_t ncap = k->memo_cap ? k->memo_cap : 64;
        while (ncap <= idx)
            ncap *= 2;
        if (ncap > bound)
            ncap = bound;
        rt_value *nm = realloc(k->memo, ncap * sizeof *nm);
        if (!nm)
            return pk_nomem(k);
        k->memo = nm;
        uint8_t *ns = realloc(k->memo_set, ncap);
        if (!ns)
            return pk_nomem(k);
        k->memo_set = ns;
        memset(k->memo_set + k->memo_cap, 0, ncap - k->memo_cap);
        k->memo_cap = ncap;
    }
    if (k->memo_set[idx])
        rt_value_release(k->memo[idx]);
    else
        k->memo_count++;
    k->memo[idx] = rt_value_retain(k->stack[k->sp - 1]);
    k->memo_set[idx] = 1;
    return 0;
}

static int memo_get(pk *k, uint64_t idx)
{
    if (idx >= k->memo_cap || !k->memo_set[idx])
        return pk_fail(k, TSJ_ERR_FORMAT, "memo index %llu is not set", (unsigned long long)idx);
    return push(k, rt_value_retain(k->memo[idx]));
}

/* ---- containers ---- */
/* Builds a tuple (or list) from the n values on top of the stack. */
static int make_seq(pk *k, rt_kind kind, size_t n, const char *op)
{
    if (need_stack(k, n, op))
        return -1;
    rt_value *items = &k->stack[k->sp - n];
    uint32_t depth = 0, flags = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t f;
        uint32_t d = info_depth(k, items[i], &f);
        if (d > depth)
            depth = d;
        flags |= f & INFO_PSEUDO;
        if (kind == RT_LIST && check_real(k, items[i], "a list"))
            return -1;
    }
    if (check_depth(k, depth + 1))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (seal(k, items[i]))
            return -1;
    rt_value v;
    if (rt_list_new(kind, n, &v, k->e))
        return pk_nomem(k);
    if (n) /* references move from the stack */
        memcpy(v.u.list->items, items, n * sizeof *items);
    v.u.list->len = n;
    k->sp -= n;
    if (info_set(k, v, depth + 1, flags)) {
        rt_value_release(v);
        return -1;
    }
    return push(k, v);
}

static int make_empty(pk *k, rt_kind kind)
{
    rt_value v;
    if ((kind == RT_DICT ? rt_dict_new(&v, k->e) : rt_list_new(kind, 0, &v, k->e)))
        return pk_nomem(k);
    if (info_set(k, v, 1, 0)) {
        rt_value_release(v);
        return -1;
    }
    return push(k, v);
}

/* Whether `target` may still change: a list/dict the unpickler made and
 * never stored anywhere. */
static int check_open(pk *k, rt_value target, rt_kind kind, const char *op)
{
    char buf[PK_MAX_NAME + 64];
    if (target.kind != kind)
        return pk_fail(k, TSJ_ERR_FORMAT, "%s on %s (expected a %s)", op,
                       describe(k, target, buf, sizeof buf), rt_kind_name(kind));
    uint32_t flags;
    info_depth(k, target, &flags);
    if (flags & INFO_SEALED)
        return pk_fail(k, TSJ_ERR_FORMAT,
                       "%s on a %s that is already stored elsewhere (would allow a reference "
                       "cycle)",
                       op, rt_kind_name(kind));
    return 0;
}

/* Raises target's recorded depth to hold an item of depth `d`. */
static int grow_depth(pk *k, rt_value target, uint32_t d)
{
    uint32_t flags;
    uint32_t cur = info_depth(k, target, &flags);
    if (d + 1 > cur) {
        if (check_depth(k, d + 1))
            return -1;
        return info_set(k, target, d + 1, flags);
    }
    return 0;
}

/* Appends stack[from..sp) to the list at stack[from-1]. */
static int append_items(pk *k, size_t from, const char *op)
{
    rt_value target = k->stack[from - 1];
    if (check_open(k, target, RT_LIST, op))
        return -1;
    for (size_t i = from; i < k->sp; i++) {
        rt_value it = k->stack[i];
        if (it.kind == RT_LIST && it.u.list == target.u.list)
            return pk_fail(k, TSJ_ERR_FORMAT, "%s of a list into itself", op);
        if (check_real(k, it, "a list"))
            return -1;
        uint32_t f;
        if (grow_depth(k, target, info_depth(k, it, &f)) || seal(k, it))
            return -1;
        if (rt_list_append(target.u.list, it, k->e))
            return pk_nomem(k);
    }
    drop_to(k, from);
    return 0;
}

static uint64_t key_hash(rt_value key)
{
    switch ((rt_kind)key.kind) {
    case RT_NONE:
        return 0x9e37;
    case RT_BOOL:
        return (uint64_t)key.u.b;
    case RT_INT:
        return (uint64_t)key.u.i;
    case RT_FLOAT: {
        double f = key.u.f;
        if (f == f && f >= -9.2e18 && f <= 9.2e18 && f == (double)(int64_t)f)
            return (uint64_t)(int64_t)f; /* 1.0 == 1 == True */
        uint64_t u;
        memcpy(&u, &f, sizeof u);
        return u;
    }
    case RT_STR:
        return hash_bytes(key.u.str->data, key.u.str->len);
    default:
        return (uint64_t)(uintptr_t)key.u.obj;
    }
}

/* d[key] = value, with a hashed index instead of rt_dict's linear search
 * (a hostile dict of a million keys must not take quadratic time). */
static int dict_set(pk *k, rt_dict *d, rt_value key, rt_value value)
{
    uint64_t h = mix64(key_hash(key) ^ mix64((uint64_t)(uintptr_t)d));
    size_t i = SIZE_MAX;
    pk_slot *s;
    while ((s = table_next(&k->dkeys, h, &i))) {
        if (s->p == d && s->a < d->len && rt_value_equal(d->keys[s->a], key)) {
            rt_value_release(d->values[s->a]);
            d->values[s->a] = rt_value_retain(value);
            return 0;
        }
    }
    if (d->len >= UINT32_MAX)
        return pk_fail(k, TSJ_ERR_LIMIT, "dict too large");
    if (d->len == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 4;
        rt_value *nk = realloc(d->keys, cap * sizeof *nk);
        if (!nk)
            return pk_nomem(k);
        d->keys = nk;
        rt_value *nv = realloc(d->values, cap * sizeof *nv);
        if (!nv)
            return pk_nomem(k);
        d->values = nv;
        d->cap = cap;
    }
    if (table_insert(&k->dkeys, h, d, (uint32_t)d->len, 0))
        return pk_nomem(k);
    d->keys[d->len] = rt_value_retain(key);
    d->values[d->len] = rt_value_retain(value);
    d->len++;
    return 0;
}

/* Sets pairs stack[from..sp) into the dict at stack[from-1]. */
static int setitems(pk *k, size_t from, const char *op)
{
    rt_value target = k->stack[from - 1];
    if (check_open(k, target, RT_DICT, op))
        return -1;
    if ((k->sp - from) % 2)
        return pk_fail(k, TSJ_ERR_FORMAT, "%s with an odd number of values (%zu)", op,
                       k->sp - from);
    for (size_t i = from; i < k->sp; i += 2) {
        rt_value key = k->stack[i], val = k->stack[i + 1];
        switch ((rt_kind)key.kind) {
        case RT_NONE:
        case RT_BOOL:
        case RT_INT:
        case RT_FLOAT:
        case RT_STR:
        case RT_TENSOR:
            break;
        default: {
            char buf[PK_MAX_NAME + 64];
            return pk_fail(k, TSJ_ERR_FORMAT, "dict key is %s (keys must be str, int, float, "
                                              "bool, None or Tensor)",
                           describe(k, key, buf, sizeof buf));
        }
        }
        if (val.kind == RT_DICT && val.u.dict == target.u.dict)
            return pk_fail(k, TSJ_ERR_FORMAT, "%s of a dict into itself", op);
        if (check_real(k, val, "a dict"))
            return -1;
        uint32_t f;
        if (grow_depth(k, target, info_depth(k, val, &f)) || seal(k, val))
            return -1;
        if (dict_set(k, target.u.dict, key, val))
            return -1;
    }
    drop_to(k, from);
    return 0;
}

/* ---- globals ---- */
static int add_global(pk *k, pk_gkind kind, int dtype, const char *qualname, const void *cls,
                      size_t *index)
{
    if (k->nglobals == k->gcap) {
        size_t ncap = k->gcap ? k->gcap * 2 : 16;
        pk_global *ng = realloc(k->globals, ncap * sizeof *ng);
        if (!ng)
            return pk_nomem(k);
        k->globals = ng;
        k->gcap = ncap;
    }
    pk_global *g = &k->globals[k->nglobals];
    memset(g, 0, sizeof *g);
    if (!(g->qualname = strdup(qualname)))
        return pk_nomem(k);
    if (rt_object_new(&pk_tag_global, 1, &g->value, k->e)) {
        free(g->qualname);
        return pk_nomem(k);
    }
    g->value.u.object->slots[0] = rt_int((int64_t)k->nglobals);
    g->kind = kind;
    g->dtype = dtype;
    g->cls = cls;
    if (table_insert(&k->gnames, hash_bytes(qualname, strlen(qualname)), NULL,
                     (uint32_t)k->nglobals, 0)) {
        rt_value_release(g->value);
        free(g->qualname);
        return pk_nomem(k);
    }
    *index = k->nglobals++;
    return info_set(k, g->value, 0, INFO_PSEUDO);
}

/* GLOBAL module name: pushes the pseudo value of an allowed global,
 * resolving __torch__ classes through the caller once per name. */
static int do_global(pk *k, const char *module, size_t mlen, const char *name, size_t nlen)
{
    char q[2 * PK_MAX_NAME + 2];
    char sm[PK_MAX_NAME + 8], sn[PK_MAX_NAME + 8];
    if (memchr(module, '\0', mlen) || memchr(name, '\0', nlen) || mlen == 0 || nlen == 0)
        return pk_fail(k, TSJ_ERR_FORMAT, "malformed pickle global '%s.%s'",
                       shown(module, mlen, sm, sizeof sm), shown(name, nlen, sn, sizeof sn));
    memcpy(q, module, mlen);
    q[mlen] = '.';
    memcpy(q + mlen + 1, name, nlen);
    q[mlen + 1 + nlen] = '\0';

    uint64_t h = hash_bytes(q, strlen(q));
    size_t it = SIZE_MAX;
    pk_slot *s;
    while ((s = table_next(&k->gnames, h, &it)))
        if (strcmp(k->globals[s->a].qualname, q) == 0)
            return push(k, rt_value_retain(k->globals[s->a].value));

    size_t index;
    for (size_t i = 0; i < sizeof pk_allowed / sizeof pk_allowed[0]; i++) {
        if (strlen(pk_allowed[i].module) == mlen && memcmp(pk_allowed[i].module, module, mlen) == 0 &&
            strlen(pk_allowed[i].name) == nlen && memcmp(pk_allowed[i].name, name, nlen) == 0) {
            if (add_global(k, pk_allowed[i].kind, pk_allowed[i].dtype, q, NULL, &index))
                return -1;
            return push(k, rt_value_retain(k->globals[index].value));
        }
    }
    bool torch_class = (mlen == 9 && memcmp(module, "__torch__", 9) == 0) ||
                       (mlen > 10 && memcmp(module, "__torch__.", 10) == 0);
    if (!torch_class) {
        char buf[sizeof q];
        return pk_fail(k, TSJ_ERR_FORMAT, "pickle global '%s' is not allowed",
                       shown(q, strlen(q), buf, sizeof buf));
    }
    for (size_t i = 0; q[i]; i++)
        if (!((q[i] >= 'a' && q[i] <= 'z') || (q[i] >= 'A' && q[i] <= 'Z') ||
              (q[i] >= '0' && q[i] <= '9') || q[i] == '_' || q[i] == '.')) {
            char buf[sizeof q];
            return pk_fail(k, TSJ_ERR_FORMAT, "malformed class name '%s'",
                           shown(q, strlen(q), buf, sizeof buf));
        }
    const void *cls = NULL;
    if (k->o && k->o->resolve_class) {
        rt_err_clear(k->e);
        cls = k->o->resolve_class(k->o->ctx, q, k->e);
        if (!cls) {
            if (k->e->status != TSJ_OK)
                return -1;
            return pk_fail(k, TSJ_ERR_FORMAT, "unknown class '%s'", q);
        }
    }
    if (add_global(k, G_CLASS, 0, q, cls, &index))
        return -1;
    return push(k, rt_value_retain(k->globals[index].value));
}

static int read_line(pk *k, const char **s, size_t *n, const char *op)
{
    size_t left = (size_t)(k->end - k->p);
    size_t lim = left < PK_MAX_NAME + 1 ? left : PK_MAX_NAME + 1;
    const uint8_t *nl = memchr(k->p, '\n', lim);
    if (!nl) {
        if (lim == left)
            return pk_fail(k, TSJ_ERR_FORMAT, "truncated %s: name not terminated by a newline",
                           op);
        return pk_fail(k, TSJ_ERR_LIMIT, "%s name longer than %d bytes", op, PK_MAX_NAME);
    }
    *s = (const char *)k->p;
    *n = (size_t)(nl - k->p);
    k->p = nl + 1;
    return 0;
}

/* ---- tensors ---- */
static bool valid_key(const char *s, size_t n)
{
    if (n == 0 || n > PK_MAX_KEY)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static const char *storage_record(pk *k, const rt_storage *s)
{
    for (size_t i = 0; i < k->nstored; i++)
        if (k->stored[i].s == s)
            return k->stored[i].record;
    return "?";
}

/* BINPERSID ('storage', <torch.TStorage>, key, location, numel): pushes a
 * 1-d tensor over the whole storage of that key (loaded once). */
static int do_persid(pk *k)
{
    rt_value t;
    if (pop(k, &t, "BINPERSID"))
        return -1;
    int rc = -1;
    rt_storage *fresh = NULL; /* an uncached empty storage we own */
    char buf[PK_MAX_NAME + 64];
    if (t.kind != RT_TUPLE || t.u.list->len != 5) {
        pk_fail(k, TSJ_ERR_FORMAT,
                "persistent id is %s, not a 5-tuple ('storage', type, key, location, numel)",
                t.kind == RT_TUPLE ? "a tuple of another length" : describe(k, t, buf, sizeof buf));
        goto out;
    }
    rt_value *a = t.u.list->items;
    if (a[0].kind != RT_STR || strcmp(rt_str_cstr(a[0]), "storage") != 0) {
        pk_fail(k, TSJ_ERR_UNSUPPORTED, "unknown persistent id (only 'storage' is supported)");
        goto out;
    }
    const pk_global *g = pseudo_global(k, a[1]);
    if (!g || is_pseudo(a[1], &pk_tag_pending) || g->kind != G_STORAGE_TYPE) {
        pk_fail(k, TSJ_ERR_FORMAT, "persistent id's storage type is %s, not a torch.*Storage",
                describe(k, a[1], buf, sizeof buf));
        goto out;
    }
    if (a[2].kind != RT_STR || !valid_key(a[2].u.str->data, a[2].u.str->len)) {
        pk_fail(k, TSJ_ERR_FORMAT, "persistent id's storage key %s%s%s is not a plain name",
                a[2].kind == RT_STR ? "'" : "",
                a[2].kind == RT_STR ? shown(a[2].u.str->data, a[2].u.str->len, buf, 160)
                                    : rt_kind_name((rt_kind)a[2].kind),
                a[2].kind == RT_STR ? "'" : "");
        goto out;
    }
    if (a[3].kind != RT_STR) {
        pk_fail(k, TSJ_ERR_FORMAT, "persistent id's location is a %s, not a str",
                rt_kind_name((rt_kind)a[3].kind));
        goto out;
    }
    if (a[4].kind != RT_INT || a[4].u.i < 0) {
        pk_fail(k, TSJ_ERR_FORMAT, "persistent id's element count is not an int >= 0");
        goto out;
    }
    int64_t numel = a[4].u.i;
    size_t esz = rt_dtype_size((rt_dtype)g->dtype);
    if ((uint64_t)numel > (uint64_t)(INT64_MAX / 2) / esz) {
        pk_fail(k, TSJ_ERR_LIMIT, "storage of %lld elements is too large", (long long)numel);
        goto out;
    }
    uint64_t needed = (uint64_t)numel * esz;
    char record[PK_MAX_KEY + 256];
    snprintf(record, sizeof record, "%s%s", k->storage_dir, rt_str_cstr(a[2]));

    rt_storage *s = NULL;
    uint64_t h = hash_bytes(record, strlen(record));
    size_t it = SIZE_MAX;
    pk_slot *sl;
    while ((sl = table_next(&k->snames, h, &it)))
        if (strcmp(k->stored[sl->a].record, record) == 0) {
            s = k->stored[sl->a].s;
            break;
        }
    if (!s && needed == 0) {
        /* as PyTorch, an empty storage does not read its record */
        if (!(s = fresh = rt_storage_new(0, k->e)))
            goto out;
    } else if (!s) {
        if (k->nstored == k->stcap) {
            size_t ncap = k->stcap ? k->stcap * 2 : 16;
            pk_stored *ns = realloc(k->stored, ncap * sizeof *ns);
            if (!ns) {
                pk_nomem(k);
                goto out;
            }
            k->stored = ns;
            k->stcap = ncap;
        }
        if (!k->load_storage) {
            pk_fail(k, TSJ_ERR_INVALID_ARGUMENT, "tensor storage '%s' but no storage loader",
                    record);
            goto out;
        }
        rt_err_clear(k->e);
        s = k->load_storage(k->storage_ctx, record, k->e);
        if (!s) {
            if (k->e->status == TSJ_OK)
                pk_fail(k, TSJ_ERR_IO, "cannot load storage '%s'", record);
            goto out;
        }
        char *rec = strdup(record);
        if (!rec || table_insert(&k->snames, h, NULL, (uint32_t)k->nstored, 0)) {
            free(rec);
            rt_storage_release(s);
            pk_nomem(k);
            goto out;
        }
        k->stored[k->nstored++] = (pk_stored){rec, s};
    }
    if ((uint64_t)s->nbytes < needed) {
        pk_fail(k, TSJ_ERR_FORMAT, "storage '%s' holds %zu bytes but its tensor needs %llu",
                record, s->nbytes, (unsigned long long)needed);
        goto out;
    }
    int64_t shape[1] = {numel}, strides[1] = {1};
    rt_tensor *ten = rt_tensor_view(s, (rt_dtype)g->dtype, 1, shape, strides, 0, k->e);
    if (!ten) {
        pk_rewrap(k, "");
        goto out;
    }
    rc = push(k, rt_tensor_value(ten));
out:
    if (fresh)
        rt_storage_release(fresh);
    rt_value_release(t);
    return rc;
}

/* Reads an int tuple (or list) of at most RT_MAX_DIMS items. */
static int int_seq(pk *k, rt_value v, int64_t *out, int *n, const char *what)
{
    if (v.kind != RT_TUPLE && v.kind != RT_LIST)
        return pk_fail(k, TSJ_ERR_FORMAT, "tensor %s is a %s, not a tuple of ints", what,
                       rt_kind_name((rt_kind)v.kind));
    if (v.u.list->len > RT_MAX_DIMS)
        return pk_fail(k, TSJ_ERR_LIMIT, "tensor has %zu dimensions (at most %d)", v.u.list->len,
                       RT_MAX_DIMS);
    for (size_t i = 0; i < v.u.list->len; i++) {
        if (v.u.list->items[i].kind != RT_INT)
            return pk_fail(k, TSJ_ERR_FORMAT, "tensor %s holds a %s, not an int", what,
                           rt_kind_name((rt_kind)v.u.list->items[i].kind));
        out[i] = v.u.list->items[i].u.i;
    }
    *n = (int)v.u.list->len;
    return 0;
}

static int rebuild_tensor(pk *k, const rt_list *args, const char *fn, rt_value *res)
{
    const rt_value *a = args->items;
    if (a[0].kind != RT_TENSOR)
        return pk_fail(k, TSJ_ERR_FORMAT, "%s: storage argument is a %s, not a storage", fn,
                       rt_kind_name((rt_kind)a[0].kind));
    rt_tensor *st = a[0].u.tensor;
    if (a[1].kind != RT_INT || a[1].u.i < 0)
        return pk_fail(k, TSJ_ERR_FORMAT, "%s: storage offset is not an int >= 0", fn);
    int64_t shape[RT_MAX_DIMS], strides[RT_MAX_DIMS];
    int nd, ns;
    if (int_seq(k, a[2], shape, &nd, "size") || int_seq(k, a[3], strides, &ns, "stride"))
        return -1;
    if (nd != ns)
        return pk_fail(k, TSJ_ERR_FORMAT, "%s: size has %d dimensions but stride has %d", fn, nd,
                       ns);
    if (a[1].u.i > INT64_MAX - st->offset)
        return pk_fail(k, TSJ_ERR_FORMAT, "%s: storage offset too large", fn);
    rt_tensor *t = rt_tensor_view(st->storage, (rt_dtype)st->dtype, nd, shape, strides,
                                  st->offset + a[1].u.i, k->e);
    if (!t) {
        char what[PK_MAX_KEY + 64];
        snprintf(what, sizeof what, "storage '%s': ", storage_record(k, st->storage));
        return pk_rewrap(k, what);
    }
    *res = rt_tensor_value(t);
    return 0;
}

static int typed_list(pk *k, const rt_list *args, const pk_global *g, rt_value *res)
{
    static const struct {
        pk_gkind kind;
        rt_kind elem;
    } want[] = {{G_LIST_INT, RT_INT},
                {G_LIST_FLOAT, RT_FLOAT},
                {G_LIST_BOOL, RT_BOOL},
                {G_LIST_TENSOR, RT_TENSOR}};
    if (args->len != 1 || args->items[0].kind != RT_LIST)
        return pk_fail(k, TSJ_ERR_FORMAT, "%s expects one list argument", g->qualname);
    rt_list *l = args->items[0].u.list;
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        if (want[w].kind != g->kind)
            continue;
        for (size_t i = 0; i < l->len; i++)
            if (l->items[i].kind != want[w].elem)
                return pk_fail(k, TSJ_ERR_FORMAT, "%s: element %zu is a %s, not a %s",
                               g->qualname, i, rt_kind_name((rt_kind)l->items[i].kind),
                               rt_kind_name(want[w].elem));
    }
    *res = rt_value_retain(args->items[0]);
    return 0;
}

/* REDUCE: applies an allowed function global to an argument tuple. */
static int do_reduce(pk *k)
{
    if (need_stack(k, 2, "REDUCE"))
        return -1;
    rt_value fn = k->stack[k->sp - 2], args = k->stack[k->sp - 1];
    char buf[PK_MAX_NAME + 64];
    const pk_global *g = pseudo_global(k, fn);
    if (!g || is_pseudo(fn, &pk_tag_pending))
        return pk_fail(k, TSJ_ERR_FORMAT, "REDUCE calls %s, not an allowed function",
                       describe(k, fn, buf, sizeof buf));
    if (args.kind != RT_TUPLE)
        return pk_fail(k, TSJ_ERR_FORMAT, "REDUCE arguments of %s are a %s, not a tuple",
                       g->qualname, rt_kind_name((rt_kind)args.kind));
    const rt_list *a = args.u.list;
    rt_value res = rt_none();
    int rc = 0;
    switch (g->kind) {
    case G_REBUILD_TENSOR_V2:
        if (a->len != 6 && a->len != 7)
            return pk_fail(k, TSJ_ERR_FORMAT, "%s expects 6 or 7 arguments, got %zu",
                           g->qualname, a->len);
        rc = rebuild_tensor(k, a, g->qualname, &res);
        break;
    case G_REBUILD_TENSOR:
        if (a->len != 4)
            return pk_fail(k, TSJ_ERR_FORMAT, "%s expects 4 arguments, got %zu", g->qualname,
                           a->len);
        rc = rebuild_tensor(k, a, g->qualname, &res);
        break;
    case G_REBUILD_PARAMETER:
        if (a->len < 1 || a->items[0].kind != RT_TENSOR)
            return pk_fail(k, TSJ_ERR_FORMAT, "%s expects a tensor argument", g->qualname);
        res = rt_value_retain(a->items[0]);
        break;
    case G_LIST_INT:
    case G_LIST_FLOAT:
    case G_LIST_BOOL:
    case G_LIST_TENSOR:
    case G_LIST_GENERIC:
        rc = typed_list(k, a, g, &res);
        break;
    case G_RESTORE_TYPE_TAG:
        if (a->len != 2 || a->items[1].kind != RT_STR)
            return pk_fail(k, TSJ_ERR_FORMAT, "%s expects (value, type string)", g->qualname);
        res = rt_value_retain(a->items[0]);
        break;
    case G_ORDERED_DICT:
        res = rt_none();
        break;
    case G_DEVICE:
        if (a->len != 1 || a->items[0].kind != RT_STR)
            return pk_fail(k, TSJ_ERR_FORMAT, "%s expects one str argument", g->qualname);
        res = rt_value_retain(a->items[0]);
        break;
    case G_STORAGE_TYPE:
    case G_CLASS:
        return pk_fail(k, TSJ_ERR_UNSUPPORTED, "REDUCE on '%s' is not supported", g->qualname);
    }
    if (rc)
        return -1;
    drop_to(k, k->sp - 2);
    return push(k, res);
}

/* NEWOBJ: cls () -> an unbuilt object waiting for BUILD. */
static int do_newobj(pk *k)
{
    if (need_stack(k, 2, "NEWOBJ"))
        return -1;
    rt_value cls = k->stack[k->sp - 2], args = k->stack[k->sp - 1];
    char buf[PK_MAX_NAME + 64];
    const pk_global *g = pseudo_global(k, cls);
    if (!g || is_pseudo(cls, &pk_tag_pending) || g->kind != G_CLASS)
        return pk_fail(k, TSJ_ERR_FORMAT, "NEWOBJ on %s, not a class",
                       describe(k, cls, buf, sizeof buf));
    if (args.kind != RT_TUPLE || args.u.list->len != 0)
        return pk_fail(k, TSJ_ERR_UNSUPPORTED, "NEWOBJ of '%s' with arguments is not supported",
                       g->qualname);
    rt_value obj;
    if (rt_object_new(&pk_tag_pending, 1, &obj, k->e))
        return pk_nomem(k);
    obj.u.object->slots[0] = rt_int((int64_t)(g - k->globals));
    if (info_set(k, obj, 0, INFO_PSEUDO)) {
        rt_value_release(obj);
        return -1;
    }
    drop_to(k, k->sp - 2);
    return push(k, obj);
}

/* BUILD: unbuilt object + state -> the caller's object. */
static int do_build(pk *k)
{
    if (need_stack(k, 2, "BUILD"))
        return -1;
    rt_value target = k->stack[k->sp - 2], state = k->stack[k->sp - 1];
    char buf[PK_MAX_NAME + 64];
    if (!is_pseudo(target, &pk_tag_pending) || !pseudo_global(k, target))
        return pk_fail(k, TSJ_ERR_UNSUPPORTED, "BUILD on %s is not supported",
                       describe(k, target, buf, sizeof buf));
    const pk_global *g = pseudo_global(k, target);
    if (check_real(k, state, "an object's state"))
        return -1;
    uint32_t f;
    uint32_t depth = info_depth(k, state, &f) + 1;
    if (check_depth(k, depth) || seal(k, state))
        return -1;
    rt_value obj = rt_none();
    if (k->o && k->o->build_object) {
        rt_err_clear(k->e);
        if (k->o->build_object(k->o->ctx, g->cls, state, &obj, k->e)) {
            if (k->e->status == TSJ_OK)
                pk_fail(k, TSJ_ERR_FORMAT, "cannot build an object of class '%s'", g->qualname);
            else
                pk_rewrap(k, ""); /* the pickle's name and the offset around the message */
            return -1;
        }
    } else {
        rt_value qn;
        if (rt_str_from_cstr(g->qualname, &qn, k->e))
            return pk_nomem(k);
        if (rt_object_new(g->cls, FE_PICKLE_GENERIC_NSLOTS, &obj, k->e)) {
            rt_value_release(qn);
            return pk_nomem(k);
        }
        obj.u.object->slots[FE_PICKLE_GENERIC_QUALNAME] = qn;
        obj.u.object->slots[FE_PICKLE_GENERIC_STATE] = rt_value_retain(state);
    }
    if (info_set(k, obj, depth, INFO_SEALED)) {
        rt_value_release(obj);
        return -1;
    }
    drop_to(k, k->sp - 2);
    return push(k, obj);
}

static const char *op_name(int op)
{
    switch (op) {
    case OP_APPEND: return "APPEND";
    case OP_APPENDS: return "APPENDS";
    case OP_SETITEM: return "SETITEM";
    case OP_SETITEMS: return "SETITEMS";
    case OP_TUPLE: return "TUPLE";
    case OP_LIST: return "LIST";
    case OP_DICT: return "DICT";
    default: return "?";
    }
}

/* The opcode loop; the result is left as the only value on the stack. */
static int run(pk *k)
{
    for (;;) {
        if (k->p >= k->end) {
            k->op = (size_t)(k->end - k->base);
            return pk_fail(k, TSJ_ERR_FORMAT, "missing STOP: the pickle ends without one");
        }
        k->op = (size_t)(k->p - k->base);
        int op = *k->p++;
        int rc = 0;
        size_t at = 0;
        switch (op) {
        case OP_PROTO:
            if (need(k, 1, "PROTO"))
                return -1;
            if (*k->p < 2 || *k->p > 5)
                return pk_fail(k, TSJ_ERR_UNSUPPORTED, "unsupported pickle protocol %d", *k->p);
            k->p++;
            break;
        case OP_FRAME: {
            if (need(k, 8, "FRAME"))
                return -1;
            uint64_t n = le(k->p, 8);
            k->p += 8;
            if (n > (uint64_t)(k->end - k->p))
                return pk_fail(k, TSJ_ERR_FORMAT, "FRAME of %llu bytes runs past the end",
                               (unsigned long long)n);
            break;
        }
        case OP_STOP:
            if (k->nmarks)
                return pk_fail(k, TSJ_ERR_FORMAT, "unbalanced MARK: %zu still open at STOP",
                               k->nmarks);
            if (k->sp != 1)
                return pk_fail(k, TSJ_ERR_FORMAT, "STOP with %zu values on the stack (expected 1)",
                               k->sp);
            if (k->p != k->end)
                return pk_fail(k, TSJ_ERR_FORMAT, "%zu bytes of trailing data after STOP",
                               (size_t)(k->end - k->p));
            return check_real(k, k->stack[0], "the result");
        case OP_MARK:
            if (k->nmarks >= k->max_depth)
                return pk_fail(k, TSJ_ERR_LIMIT, "nesting too deep (more than %zu MARKs open)",
                               k->max_depth);
            if (k->nmarks == k->mcap) {
                size_t ncap = k->mcap ? k->mcap * 2 : 32;
                size_t *nm = realloc(k->marks, ncap * sizeof *nm);
                if (!nm)
                    return pk_nomem(k);
                k->marks = nm;
                k->mcap = ncap;
            }
            k->marks[k->nmarks++] = k->sp;
            break;
        case OP_POP: {
            rt_value v;
            if (pop(k, &v, "POP"))
                return -1;
            rt_value_release(v);
            break;
        }
        case OP_POP_MARK:
            if (pop_mark(k, &at, "POP_MARK"))
                return -1;
            drop_to(k, at);
            break;
        case OP_NONE:
            rc = push(k, rt_none());
            break;
        case OP_NEWTRUE:
            rc = push(k, rt_bool(true));
            break;
        case OP_NEWFALSE:
            rc = push(k, rt_bool(false));
            break;
        case OP_BININT:
            if (need(k, 4, "BININT"))
                return -1;
            rc = push(k, rt_int((int32_t)(uint32_t)le(k->p, 4)));
            k->p += 4;
            break;
        case OP_BININT1:
            if (need(k, 1, "BININT1"))
                return -1;
            rc = push(k, rt_int(*k->p++));
            break;
        case OP_BININT2:
            if (need(k, 2, "BININT2"))
                return -1;
            rc = push(k, rt_int((int64_t)le(k->p, 2)));
            k->p += 2;
            break;
        case OP_LONG1:
            rc = op_long(k, 1, "LONG1");
            break;
        case OP_LONG4:
            rc = op_long(k, 4, "LONG4");
            break;
        case OP_BINFLOAT: {
            if (need(k, 8, "BINFLOAT"))
                return -1;
            uint64_t u = 0;
            for (int i = 0; i < 8; i++)
                u = (u << 8) | k->p[i];
            double d;
            memcpy(&d, &u, sizeof d);
            k->p += 8;
            rc = push(k, rt_float(d));
            break;
        }
        case OP_BINUNICODE:
            rc = op_string(k, 4, "BINUNICODE");
            break;
        case OP_SHORT_BINUNICODE:
            rc = op_string(k, 1, "SHORT_BINUNICODE");
            break;
        case OP_BINUNICODE8:
            rc = op_string(k, 8, "BINUNICODE8");
            break;
        case OP_EMPTY_TUPLE:
            rc = make_seq(k, RT_TUPLE, 0, "EMPTY_TUPLE");
            break;
        case OP_TUPLE1:
            rc = make_seq(k, RT_TUPLE, 1, "TUPLE1");
            break;
        case OP_TUPLE2:
            rc = make_seq(k, RT_TUPLE, 2, "TUPLE2");
            break;
        case OP_TUPLE3:
            rc = make_seq(k, RT_TUPLE, 3, "TUPLE3");
            break;
        case OP_TUPLE:
        case OP_LIST:
            if (pop_mark(k, &at, op_name(op)))
                return -1;
            rc = make_seq(k, op == OP_TUPLE ? RT_TUPLE : RT_LIST, k->sp - at, op_name(op));
            break;
        case OP_EMPTY_LIST:
            rc = make_empty(k, RT_LIST);
            break;
        case OP_EMPTY_DICT:
            rc = make_empty(k, RT_DICT);
            break;
        case OP_DICT:
            if (pop_mark(k, &at, "DICT"))
                return -1;
            /* the dict goes below the pairs, then SETITEMS' logic */
            if (make_empty(k, RT_DICT))
                return -1;
            {
                rt_value d = k->stack[k->sp - 1];
                memmove(&k->stack[at + 1], &k->stack[at], (k->sp - 1 - at) * sizeof *k->stack);
                k->stack[at] = d;
            }
            rc = setitems(k, at + 1, "DICT");
            break;
        case OP_APPEND:
            if (need_stack(k, 2, "APPEND"))
                return -1;
            rc = append_items(k, k->sp - 1, "APPEND");
            break;
        case OP_APPENDS:
            if (pop_mark(k, &at, "APPENDS"))
                return -1;
            if (at <= fence(k))
                return pk_fail(k, TSJ_ERR_FORMAT, "APPENDS has no list below its MARK");
            rc = append_items(k, at, "APPENDS");
            break;
        case OP_SETITEM:
            if (need_stack(k, 3, "SETITEM"))
                return -1;
            rc = setitems(k, k->sp - 2, "SETITEM");
            break;
        case OP_SETITEMS:
            if (pop_mark(k, &at, "SETITEMS"))
                return -1;
            if (at <= fence(k))
                return pk_fail(k, TSJ_ERR_FORMAT, "SETITEMS has no dict below its MARK");
            rc = setitems(k, at, "SETITEMS");
            break;
        case OP_BINPUT:
            if (need(k, 1, "BINPUT"))
                return -1;
            rc = memo_put(k, *k->p++);
            break;
        case OP_LONG_BINPUT:
            if (need(k, 4, "LONG_BINPUT"))
                return -1;
            rc = memo_put(k, le(k->p, 4));
            k->p += 4;
            break;
        case OP_MEMOIZE:
            rc = memo_put(k, k->memo_count);
            break;
        case OP_BINGET:
            if (need(k, 1, "BINGET"))
                return -1;
            rc = memo_get(k, *k->p++);
            break;
        case OP_LONG_BINGET:
            if (need(k, 4, "LONG_BINGET"))
                return -1;
            rc = memo_get(k, le(k->p, 4));
            k->p += 4;
            break;
        case OP_GLOBAL: {
            const char *m = NULL, *n = NULL;
            size_t ml = 0, nl = 0;
            if (read_line(k, &m, &ml, "GLOBAL") || read_line(k, &n, &nl, "GLOBAL"))
                return -1;
            rc = do_global(k, m, ml, n, nl);
            break;
        }
        case OP_STACK_GLOBAL: {
            if (need_stack(k, 2, "STACK_GLOBAL"))
                return -1;
            rt_value m = k->stack[k->sp - 2], n = k->stack[k->sp - 1];
            if (m.kind != RT_STR || n.kind != RT_STR)
                return pk_fail(k, TSJ_ERR_FORMAT, "STACK_GLOBAL needs two str values");
            if (m.u.str->len > PK_MAX_NAME || n.u.str->len > PK_MAX_NAME)
                return pk_fail(k, TSJ_ERR_LIMIT, "STACK_GLOBAL name longer than %d bytes",
                               PK_MAX_NAME);
            k->sp -= 2; /* keep both alive until the global is pushed */
            rc = do_global(k, m.u.str->data, m.u.str->len, n.u.str->data, n.u.str->len);
            rt_value_release(m);
            rt_value_release(n);
            break;
        }
        case OP_REDUCE:
            rc = do_reduce(k);
            break;
        case OP_NEWOBJ:
            rc = do_newobj(k);
            break;
        case OP_BUILD:
            rc = do_build(k);
            break;
        case OP_BINPERSID:
            rc = do_persid(k);
            break;
        default:
            return pk_fail(k, TSJ_ERR_UNSUPPORTED, "unsupported pickle opcode 0x%02x%s%c%s", op,
                           op >= 0x20 && op < 0x7f ? " ('" : "", op >= 0x20 && op < 0x7f ? op : ' ',
                           op >= 0x20 && op < 0x7f ? "')" : "");
        }
        if (rc)
            return -1;
    }
}

static void pk_free(pk *k)
{
    drop_to(k, 0);
    free(k->stack);
    free(k->marks);
    for (size_t i = 0; i < k->memo_cap; i++)
        if (k->memo_set[i])
            rt_value_release(k->memo[i]);
    free(k->memo);
    free(k->memo_set);
    for (size_t i = 0; i < k->nglobals; i++) {
        rt_value_release(k->globals[i].value);
        free(k->globals[i].qualname);
    }
    free(k->globals);
    for (size_t i = 0; i < k->nstored; i++) {
        rt_storage_release(k->stored[i].s);
        free(k->stored[i].record);
    }
    free(k->stored);
    free(k->gnames.slots);
    free(k->snames.slots);
    free(k->info.slots);
    free(k->dkeys.slots);
}

static int unpickle(const char *name, const void *data, size_t size, const fe_pickle_opts *opts,
                    rt_storage *(*load_storage)(void *, const char *, rt_err *), void *storage_ctx,
                    const char *storage_dir, rt_value *out, rt_err *e)
{
    rt_err local;
    rt_err_clear(&local);
    pk k = {0};
    k.name = name ? name : "pickle";
    k.base = k.p = data;
    k.end = k.base + size;
    k.o = opts;
    k.load_storage = load_storage;
    k.storage_ctx = storage_ctx;
    k.storage_dir = storage_dir ? storage_dir : "data/";
    k.max_depth = opts && opts->max_depth ? opts->max_depth : FE_PICKLE_MAX_DEPTH;
    k.max_memo = opts && opts->max_memo ? opts->max_memo : FE_PICKLE_MAX_MEMO;
    k.e = e ? e : &local;
    *out = rt_none();
    if (!data && size)
        return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT, "%s: pickle data is NULL", k.name);
    if (!data)
        k.base = k.p = k.end = (const uint8_t *)"";
    int rc = (k.stack = malloc(64 * sizeof *k.stack)) ? (k.scap = 64, run(&k)) : pk_nomem(&k);
    if (rc == 0) {
        *out = k.stack[0];
        k.sp = 0;
    }
    pk_free(&k);
    return rc;
}

int fe_pickle_load(const char *name, const void *data, size_t size, const fe_pickle_opts *opts,
                   rt_value *out, rt_err *e)
{
    return unpickle(name, data, size, opts, opts ? opts->load_storage : NULL,
                    opts ? opts->ctx : NULL, opts ? opts->storage_dir : NULL, out, e);
}

static rt_storage *archive_storage(void *ctx, const char *record, rt_err *e)
{
    return fe_archive_load_storage(ctx, record, e);
}

int fe_pickle_load_archive(fe_archive *a, const char *archive, const fe_pickle_opts *opts,
                           rt_value *out, rt_err *e)
{
    *out = rt_none();
    if (!a || !archive || !*archive || strlen(archive) > 64)
        return rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT, "fe_pickle_load_archive: bad arguments");
    char rel[80], dir[80], name[RT_ERR_MSG_MAX / 4];
    snprintf(rel, sizeof rel, "%s.pkl", archive);
    snprintf(dir, sizeof dir, "%s/", archive);
    snprintf(name, sizeof name, "%s: %s", fe_archive_name(a), rel);
    void *data;
    size_t size;
    if (fe_archive_read(a, rel, &data, &size, e))
        return -1;
    int rc;
    if (opts && opts->load_storage)
        rc = unpickle(name, data, size, opts, opts->load_storage, opts->ctx,
                      opts->storage_dir ? opts->storage_dir : dir, out, e);
    else
        rc = unpickle(name, data, size, opts, archive_storage, a,
                      opts && opts->storage_dir ? opts->storage_dir : dir, out, e);
    free(data);
    return rc;
}
