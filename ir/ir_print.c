/* ir_print.c — the text form of a graph (ir/FORMAT.md): TorchScript-style
 * graph dumps with full overload names, exact constants and source
 * locations. Value names are made unique in print order. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"
#include "rt_tensor.h"

/* Tensors with at most this many elements print their values. */
#define IR_PRINT_TENSOR_MAX 16

typedef struct printer {
    const ir_graph *g;
    ir_sbuf sb;
    const char **names; /* per value, in `tmp`                     */
    ir_smap used;       /* names taken                             */
    rt_arena tmp;
    bool oom;
} printer;

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.';
}

static void assign_name(printer *p, ir_vid v)
{
    if (v >= p->g->nvalues || p->names[v])
        return;
    const char *nm = p->g->values[v].name;
    char base[256];
    size_t n = 0;
    if (nm && nm[0]) {
        for (; nm[n] && n + 1 < sizeof base - 24; n++)
            base[n] = name_char(nm[n]) ? nm[n] : '_';
        base[n] = '\0';
    } else {
        n = (size_t)snprintf(base, sizeof base, "%u", v);
    }
    char *cand = rt_arena_strdup(&p->tmp, base);
    if (cand && ir_smap_get(&p->used, cand) != IR_NONE) {
        /* taken: strip a ".N" suffix and count up */
        size_t k = n;
        while (k > 0 && base[k - 1] >= '0' && base[k - 1] <= '9')
            k--;
        if (k > 0 && k < n && base[k - 1] == '.')
            base[k - 1] = '\0';
        for (unsigned i = 1;; i++) {
            cand = rt_arena_printf(&p->tmp, "%s.%u", base, i);
            if (!cand || ir_smap_get(&p->used, cand) == IR_NONE)
                break;
        }
    }
    if (!cand || ir_smap_put(&p->used, cand, v)) {
        p->oom = true;
        return;
    }
    p->names[v] = cand;
}

static void assign_block(printer *p, ir_bid b)
{
    const ir_block *blk = &p->g->blocks[b];
    for (uint32_t i = 0; i < blk->nparams; i++)
        assign_name(p, blk->params[i]);
    for (uint32_t i = 0; i < blk->nnodes; i++) {
        const ir_node *nd = &p->g->nodes[blk->nodes[i]];
        for (uint32_t k = 0; k < nd->nout; k++)
            assign_name(p, nd->out[k]);
        for (uint32_t k = 0; k < nd->nblocks; k++)
            if (nd->blocks[k] < p->g->nblocks)
                assign_block(p, nd->blocks[k]);
    }
}

static void put_value(printer *p, ir_vid v)
{
    if (v < p->g->nvalues && p->names[v])
        ir_sb_printf(&p->sb, "%%%s", p->names[v]);
    else
        ir_sb_printf(&p->sb, "%%<bad %u>", v);
}

static void put_type(printer *p, const rt_type *t)
{
    char buf[4096];
    ir_sb_puts(&p->sb, t ? rt_type_format(t, buf, sizeof buf) : "<no type>");
}

static void put_values(printer *p, const ir_vid *vs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            ir_sb_puts(&p->sb, ", ");
        put_value(p, vs[i]);
    }
}

static void put_typed(printer *p, const ir_vid *vs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            ir_sb_puts(&p->sb, ", ");
        put_value(p, vs[i]);
        ir_sb_puts(&p->sb, " : ");
        put_type(p, vs[i] < p->g->nvalues ? p->g->values[vs[i]].type : NULL);
    }
}

static void put_string(ir_sbuf *sb, const char *s, size_t len)
{
    ir_sb_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': ir_sb_puts(sb, "\\\""); break;
        case '\\': ir_sb_puts(sb, "\\\\"); break;
        case '\n': ir_sb_puts(sb, "\\n"); break;
        case '\t': ir_sb_puts(sb, "\\t"); break;
        case '\r': ir_sb_puts(sb, "\\r"); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                ir_sb_printf(sb, "\\x%02x", c);
            else
                ir_sb_putc(sb, (char)c);
        }
    }
    ir_sb_putc(sb, '"');
}

/* The shortest decimal that converts back to the same element bits. */
static const char *fmt_elem(const void *el, rt_dtype dt, size_t size, char *buf)
{
    double d = rt_load_f64(el, dt);
    if (d != d || d == 1.0 / 0.0 || d == -1.0 / 0.0 || dt == RT_F64)
        return ir_fmt_double(d, buf);
    unsigned char back[8];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, d);
        rt_store_f64(back, dt, strtod(buf, NULL));
        if (!memcmp(back, el, size))
            break;
    }
    if (!strpbrk(buf, ".eE"))
        strcat(buf, ".");
    return buf;
}

static void put_tensor(ir_sbuf *sb, const rt_tensor *t)
{
    const rt_dtype_info *di = rt_dtype_get(t->dtype);
    char shape[512];
    rt_shape_str(t->ndim, t->shape, shape, sizeof shape);
    int64_t numel = rt_tensor_numel(t);
    if (!di || numel > IR_PRINT_TENSOR_MAX || !t->storage) {
        ir_sb_printf(sb, "<Tensor %s %s>", di ? di->name : "?", shape);
        return;
    }
    ir_sb_printf(sb, "tensor(%s, %s, [", di->name, shape);
    rt_iter it;
    rt_iter_init(&it, t->ndim, t->shape, t->strides);
    const char *base = rt_tensor_data(t);
    for (int64_t i = 0; i < numel; i++) {
        const void *el = base + it.off * (int64_t)di->size;
        if (i)
            ir_sb_puts(sb, ", ");
        if (di->is_float) {
            char buf[40];
            ir_sb_puts(sb, fmt_elem(el, (rt_dtype)t->dtype, di->size, buf));
        } else if (t->dtype == RT_BOOL_) {
            ir_sb_puts(sb, rt_load_i64(el, RT_BOOL_) ? "True" : "False");
        } else {
            ir_sb_printf(sb, "%" PRId64, rt_load_i64(el, (rt_dtype)t->dtype));
        }
        rt_iter_next(&it);
    }
    ir_sb_puts(sb, "])");
}

static void put_literal(ir_sbuf *sb, rt_value v, int depth)
{
    char buf[32];
    if (depth > 32) {
        ir_sb_puts(sb, "<...>");
        return;
    }
    switch ((rt_kind)v.kind) {
    case RT_NONE: ir_sb_puts(sb, "None"); break;
    case RT_BOOL: ir_sb_puts(sb, v.u.b ? "True" : "False"); break;
    case RT_INT: ir_sb_printf(sb, "%" PRId64, v.u.i); break;
    case RT_FLOAT: ir_sb_puts(sb, ir_fmt_double(v.u.f, buf)); break;
    case RT_STR: put_string(sb, v.u.str->data, v.u.str->len); break;
    case RT_TENSOR: put_tensor(sb, v.u.tensor); break;
    case RT_LIST:
    case RT_TUPLE: {
        const rt_list *l = v.u.list;
        ir_sb_putc(sb, v.kind == RT_LIST ? '[' : '(');
        for (size_t i = 0; i < l->len; i++) {
            if (i)
                ir_sb_puts(sb, ", ");
            put_literal(sb, l->items[i], depth + 1);
        }
        if (v.kind == RT_TUPLE && l->len == 1)
            ir_sb_putc(sb, ',');
        ir_sb_putc(sb, v.kind == RT_LIST ? ']' : ')');
        break;
    }
    case RT_DICT: {
        const rt_dict *d = v.u.dict;
        ir_sb_putc(sb, '{');
        for (size_t i = 0; i < d->len; i++) {
            if (i)
                ir_sb_puts(sb, ", ");
            put_literal(sb, d->keys[i], depth + 1);
            ir_sb_puts(sb, ": ");
            put_literal(sb, d->values[i], depth + 1);
        }
        ir_sb_putc(sb, '}');
        break;
    }
    case RT_OBJECT: {
        const ir_class *c = v.u.object->cls;
        ir_sb_printf(sb, "<object %s>", c && c->qualname ? c->qualname : "?");
        break;
    }
    case RT_FUNC: {
        const ir_func *f = ((const rt_func *)v.u.obj)->fn;
        ir_sb_printf(sb, "<function %s>", f && f->qualname ? f->qualname : "?");
        break;
    }
    default: ir_sb_puts(sb, "<?>"); break;
    }
}

static void put_indent(printer *p, int indent)
{
    for (int i = 0; i < indent; i++)
        ir_sb_putc(&p->sb, ' ');
}

static void put_block_body(printer *p, ir_bid b, int indent);

static void put_node(printer *p, ir_nid n, int indent)
{
    const ir_node *nd = &p->g->nodes[n];
    char op[256];
    put_indent(p, indent);
    put_typed(p, nd->out, nd->nout);
    ir_sb_puts(&p->sb, " = ");
    ir_sb_puts(&p->sb, ir_node_opname(nd, op, sizeof op));
    switch ((ir_nkind)nd->kind) {
    case IR_CONST:
        if (nd->attr.kind != RT_NONE) {
            ir_sb_puts(&p->sb, "[value=");
            put_literal(&p->sb, nd->attr, 0);
            ir_sb_putc(&p->sb, ']');
        }
        break;
    case IR_GETATTR:
    case IR_SETATTR:
        ir_sb_puts(&p->sb, "[name=");
        put_string(&p->sb, nd->name ? nd->name : "", nd->name ? strlen(nd->name) : 0);
        ir_sb_putc(&p->sb, ']');
        break;
    case IR_CALL:
        ir_sb_puts(&p->sb, "[fn=");
        if (nd->fn && nd->fn->qualname)
            put_string(&p->sb, nd->fn->qualname, strlen(nd->fn->qualname));
        else
            ir_sb_puts(&p->sb, "\"\"");
        ir_sb_putc(&p->sb, ']');
        break;
    default:
        break;
    }
    ir_sb_putc(&p->sb, '(');
    put_values(p, nd->in, nd->nin);
    ir_sb_putc(&p->sb, ')');
    if (nd->loc.line || nd->loc.col || (nd->loc.file && nd->loc.file[0]))
        ir_sb_printf(&p->sb, "  # %s:%d:%d", nd->loc.file ? nd->loc.file : "", nd->loc.line,
                     nd->loc.col);
    ir_sb_putc(&p->sb, '\n');
    for (uint32_t k = 0; k < nd->nblocks; k++) {
        ir_bid b = nd->blocks[k];
        if (b >= p->g->nblocks)
            continue;
        put_indent(p, indent + 2);
        ir_sb_printf(&p->sb, "block%u(", k);
        put_typed(p, p->g->blocks[b].params, p->g->blocks[b].nparams);
        ir_sb_puts(&p->sb, "):\n");
        put_block_body(p, b, indent + 4);
        put_indent(p, indent + 4);
        ir_sb_puts(&p->sb, "-> (");
        put_values(p, p->g->blocks[b].rets, p->g->blocks[b].nrets);
        ir_sb_puts(&p->sb, ")\n");
    }
}

static void put_block_body(printer *p, ir_bid b, int indent)
{
    const ir_block *blk = &p->g->blocks[b];
    for (uint32_t i = 0; i < blk->nnodes; i++)
        if (blk->nodes[i] < p->g->nnodes)
            put_node(p, blk->nodes[i], indent);
}

char *ir_print(const ir_graph *g)
{
    if (!g || !g->nblocks)
        return NULL;
    printer p = {.g = g};
    rt_arena_init(&p.tmp);
    rt_ops_init(NULL);
    p.names = calloc(g->nvalues + 1, sizeof *p.names);
    if (!p.names) {
        rt_arena_free(&p.tmp);
        return NULL;
    }
    assign_block(&p, 0);
    ir_sb_puts(&p.sb, "graph(");
    put_typed(&p, g->blocks[0].params, g->blocks[0].nparams);
    ir_sb_puts(&p.sb, "):\n");
    put_block_body(&p, 0, 2);
    ir_sb_puts(&p.sb, "  return (");
    put_values(&p, g->blocks[0].rets, g->blocks[0].nrets);
    ir_sb_puts(&p.sb, ")\n");
    char *text = p.oom ? (ir_sb_free(&p.sb), NULL) : ir_sb_take(&p.sb);
    free(p.names);
    ir_smap_free(&p.used);
    rt_arena_free(&p.tmp);
    return text;
}

int ir_print_file(const ir_graph *g, FILE *f)
{
    char *text = ir_print(g);
    if (!text)
        return -1;
    size_t n = strlen(text);
    int rc = fwrite(text, 1, n, f) == n ? 0 : -1;
    free(text);
    return rc;
}
