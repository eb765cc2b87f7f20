/* ir_util.c — the helpers of ir_impl.h: text buffer, hash maps, type
 * copying, float formatting, labels for error messages, effect queries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"

/* ---- text buffer ---- */

static bool sb_reserve(ir_sbuf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void ir_sb_putn(ir_sbuf *b, const char *s, size_t n)
{
    if (!sb_reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void ir_sb_puts(ir_sbuf *b, const char *s) { ir_sb_putn(b, s, strlen(s)); }
void ir_sb_putc(ir_sbuf *b, char c) { ir_sb_putn(b, &c, 1); }

void ir_sb_printf(ir_sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        ir_sb_putn(b, small, (size_t)n);
        return;
    }
    if (!sb_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *ir_sb_take(ir_sbuf *b)
{
    char *s = NULL;
    if (!b->oom && sb_reserve(b, 0)) {
        b->s[b->len] = '\0';
        s = b->s;
    } else {
        free(b->s);
    }
    memset(b, 0, sizeof *b);
    return s;
}

void ir_sb_free(ir_sbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

/* ---- maps ---- */

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

uint32_t ir_smap_get(const ir_smap *m, const char *key)
{
    if (!m->cap)
        return IR_NONE;
    for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return IR_NONE;
        if (!strcmp(m->keys[i], key))
            return m->vals[i];
    }
}

static int smap_grow(ir_smap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = calloc(cap, sizeof *keys);
    uint32_t *vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    for (size_t j = 0; j < m->cap; j++) {
        if (!m->keys[j])
            continue;
        size_t i = hash_str(m->keys[j]) & (cap - 1);
        while (keys[i])
            i = (i + 1) & (cap - 1);
        keys[i] = m->keys[j];
        vals[i] = m->vals[j];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

int ir_smap_put(ir_smap *m, const char *key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap && smap_grow(m))
        return -1;
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key))
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
    return 0;
}

void ir_smap_free(ir_smap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

void *ir_pmap_get(const ir_pmap *m, const void *key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = hash_ptr(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return NULL;
        if (m->keys[i] == key)
            return m->vals[i];
    }
}

int ir_pmap_put(ir_pmap *m, const void *key, void *val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        const void **keys = calloc(cap, sizeof *keys);
        void **vals = calloc(cap, sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return -1;
        }
        for (size_t j = 0; j < m->cap; j++) {
            if (!m->keys[j])
                continue;
            size_t i = hash_ptr(m->keys[j]) & (cap - 1);
            while (keys[i])
                i = (i + 1) & (cap - 1);
            keys[i] = m->keys[j];
            vals[i] = m->vals[j];
        }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t i = hash_ptr(key) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
    return 0;
}

void ir_pmap_free(ir_pmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- types ---- */

static bool is_singleton(const rt_type *t)
{
    return t == &rt_type_any || t == &rt_type_tensor || t == &rt_type_int ||
           t == &rt_type_float || t == &rt_type_bool || t == &rt_type_str ||
           t == &rt_type_none || t == &rt_type_number || t == &rt_type_device ||
           t == &rt_type_layout;
}

const rt_type *ir_type_copy(rt_arena *a, const rt_type *t, ir_pmap *memo)
{
    if (!t || is_singleton(t))
        return t;
    if (memo) {
        const rt_type *m = ir_pmap_get(memo, t);
        if (m)
            return m;
    }
    rt_type *c = RT_ARENA_NEW(a, rt_type);
    if (!c)
        return NULL;
    *c = *t;
    if (t->n) {
        c->elems = RT_ARENA_ARRAY(a, const rt_type *, t->n);
        if (!c->elems)
            return NULL;
        for (int i = 0; i < t->n; i++)
            if (!(c->elems[i] = ir_type_copy(a, t->elems[i], memo)))
                return NULL;
        if (t->field_names) {
            c->field_names = RT_ARENA_ARRAY(a, const char *, t->n);
            if (!c->field_names)
                return NULL;
            for (int i = 0; i < t->n; i++)
                if (t->field_names[i] &&
                    !(c->field_names[i] = rt_arena_strdup(a, t->field_names[i])))
                    return NULL;
        }
    }
    if (t->name && !(c->name = rt_arena_strdup(a, t->name)))
        return NULL;
    if (memo && ir_pmap_put(memo, t, c))
        return NULL;
    return c;
}

/* ---- numbers ---- */

const char *ir_fmt_double(double d, char *buf)
{
    if (d != d)
        return strcpy(buf, "nan");
    if (d == 1.0 / 0.0)
        return strcpy(buf, "inf");
    if (d == -1.0 / 0.0)
        return strcpy(buf, "-inf");
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (!strpbrk(buf, ".eE"))
        strcat(buf, ".");
    return buf;
}

/* ---- labels ---- */

const char *ir_value_label(const ir_graph *g, ir_vid v, char *buf, size_t size)
{
    if (v >= g->nvalues)
        snprintf(buf, size, "<bad value #%u>", v);
    else if (g->values[v].name && g->values[v].name[0])
        snprintf(buf, size, "%%%s", g->values[v].name);
    else
        snprintf(buf, size, "%%%u", v);
    return buf;
}

const char *ir_node_opname(const ir_node *nd, char *buf, size_t size)
{
    static const char *names[IR_NKIND_COUNT] = {
        [IR_CONST] = "prim::Constant",     [IR_IF] = "prim::If",
        [IR_LOOP] = "prim::Loop",          [IR_GETATTR] = "prim::GetAttr",
        [IR_SETATTR] = "prim::SetAttr",    [IR_CREATE_OBJECT] = "prim::CreateObject"};
    if (nd->kind == IR_OP) {
        const rt_op *op = rt_op_get(nd->op);
        if (!op || !op->schema.qualname)
            snprintf(buf, size, "<bad op %d>", (int)nd->op);
        else
            rt_op_full_name(op, buf, size);
    } else if (nd->kind == IR_CALL) {
        snprintf(buf, size, "%s",
                 nd->fn && nd->fn->owner ? "prim::CallMethod" : "prim::CallFunction");
    } else if (nd->kind < IR_NKIND_COUNT) {
        snprintf(buf, size, "%s", names[nd->kind]);
    } else {
        snprintf(buf, size, "<bad kind %d>", nd->kind);
    }
    return buf;
}

const char *ir_node_label(const ir_graph *g, ir_nid n, char *buf, size_t size)
{
    if (n >= g->nnodes) {
        snprintf(buf, size, "<bad node #%u>", n);
        return buf;
    }
    const ir_node *nd = &g->nodes[n];
    char op[160], out[128] = "";
    ir_node_opname(nd, op, sizeof op);
    if (nd->nout && nd->out)
        ir_value_label(g, nd->out[0], out, sizeof out);
    size_t k = (size_t)snprintf(buf, size, "%s%s%s", out, nd->nout > 1 ? ", ..." : "",
                                nd->nout ? " = " : "");
    if (k < size)
        k += (size_t)snprintf(buf + k, size - k, "%s", op);
    if ((nd->kind == IR_GETATTR || nd->kind == IR_SETATTR) && nd->name && k < size)
        k += (size_t)snprintf(buf + k, size - k, "[name=\"%s\"]", nd->name);
    if (nd->loc.line && k < size)
        snprintf(buf + k, size - k, " (%s:%d:%d)", nd->loc.file ? nd->loc.file : "",
                 nd->loc.line, nd->loc.col);
    return buf;
}

/* ---- effects ---- */

bool ir_node_has_effects(const ir_graph *g, const ir_node *nd)
{
    (void)g;
    switch (nd->kind) {
    case IR_SETATTR:
    case IR_CALL:
        return true;
    case IR_OP: {
        const rt_op *op = rt_op_get(nd->op);
        if (!op || nd->nout == 0 || (op->flags & (RT_OPF_IMPURE | RT_OPF_INPLACE)))
            return true;
        for (int i = 0; i < op->schema.nargs; i++)
            if (op->schema.args[i].is_out_alias)
                return true;
        return false;
    }
    default:
        return false;
    }
}

bool ir_verify_enabled(void)
{
    const char *s = getenv("TSJ_VERIFY");
    if (s && *s)
        return strcmp(s, "0") != 0;
#ifdef NDEBUG
    return false;
#else
    return true;
#endif
}
