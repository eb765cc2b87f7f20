/* ir_parse.c — reads the text form (ir/FORMAT.md) back into a graph and
 * verifies it. Line-oriented but indentation-blind: a statement is a node,
 * a `blockN(...):` header, a block's `-> (...)` or the graph's `return`.
 *
 *   graph  = "graph(" typed? "):" body "return" "(" values? ")"
 *   body   = node*
 *   node   = typed? "=" OPNAME attrs? "(" values? ")" loc? NL block*
 *   block  = "block" INT "(" typed? "):" body "->" "(" values? ")"
 *   typed  = VALUE ":" TYPE ("," VALUE ":" TYPE)*
 *   attrs  = "[" NAME "=" literal ("," NAME "=" literal)* "]"
 *   loc    = "#" FILE ":" INT ":" INT
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir_impl.h"
#include "rt_tensor.h"

#define MAX_ATTRS 4

typedef struct parser {
    const char *text, *p;
    ir_graph *g;
    ir_program *prog;
    rt_err *e;
    ir_smap names;          /* value name -> vid                  */
    ir_smap files;          /* file name -> index in file_list    */
    const char **file_list;
    uint32_t nfiles, cap_files;
    int depth;
} parser;

typedef struct pattr {
    char key[16];
    rt_value val;
} pattr;

/* ---- errors and positions ---- */

static int pfail(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int pfail(parser *ps, const char *fmt, ...)
{
    int line = 1, col = 1;
    for (const char *q = ps->text; q < ps->p && *q; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return rt_err_set(ps->e, TSJ_ERR_FORMAT, "ir_parse: line %d:%d: %s", line, col, msg);
}

static void ws(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r')
        ps->p++;
}

static void wsnl(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')
        ps->p++;
}

static bool accept(parser *ps, const char *s)
{
    ws(ps);
    size_t n = strlen(s);
    if (strncmp(ps->p, s, n))
        return false;
    ps->p += n;
    return true;
}

static int expect(parser *ps, const char *s)
{
    if (accept(ps, s))
        return 0;
    char got[24];
    size_t n = strcspn(ps->p, "\n");
    snprintf(got, sizeof got, "%.*s", (int)(n < 20 ? n : 20), ps->p);
    return pfail(ps, "expected '%s', found '%s'", s, *ps->p ? got : "end of text");
}

static int expect_eol(parser *ps)
{
    ws(ps);
    if (*ps->p == '\n') {
        ps->p++;
        return 0;
    }
    if (!*ps->p)
        return 0;
    return pfail(ps, "unexpected text at the end of the line");
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.';
}

/* ---- names ---- */

/* "%name" into buf. */
static int value_name(parser *ps, char *buf, size_t size)
{
    ws(ps);
    if (*ps->p != '%')
        return pfail(ps, "expected a value name like %%x");
    ps->p++;
    size_t n = 0;
    while (name_char(*ps->p)) {
        if (n + 1 >= size)
            return pfail(ps, "value name too long");
        buf[n++] = *ps->p++;
    }
    buf[n] = '\0';
    if (!n)
        return pfail(ps, "empty value name");
    return 0;
}

static int use_value(parser *ps, ir_vid *out)
{
    char name[256];
    const char *at = ps->p;
    if (value_name(ps, name, sizeof name))
        return -1;
    *out = ir_smap_get(&ps->names, name);
    if (*out == IR_NONE) {
        ps->p = at;
        ws(ps);
        return pfail(ps, "use of undefined value %%%s", name);
    }
    return 0;
}

static int def_name(parser *ps, ir_vid v, const char *name)
{
    if (ir_smap_get(&ps->names, name) != IR_NONE)
        return pfail(ps, "value %%%s is defined twice", name);
    if (ir_value_set_name(ps->g, v, name, ps->e))
        return -1;
    if (ir_smap_put(&ps->names, ps->g->values[v].name, v))
        return rt_err_nomem(ps->e);
    return 0;
}

/* ---- types ---- */

static const rt_type *resolve(parser *ps, const rt_type *t)
{
    if (!ps->prog || !t)
        return t;
    if (t->kind == RT_T_CLASS && !t->cls) {
        const ir_class *c = ir_program_find_class(ps->prog, t->name);
        return c && c->type ? c->type : t;
    }
    if (!t->n)
        return t;
    const rt_type *el[64];
    bool changed = false;
    if (t->n > 64)
        return t;
    for (int i = 0; i < t->n; i++) {
        if (!(el[i] = resolve(ps, t->elems[i])))
            return NULL;
        changed |= el[i] != t->elems[i];
    }
    if (!changed)
        return t;
    rt_type *c = RT_ARENA_NEW(&ps->g->arena, rt_type);
    const rt_type **elems = RT_ARENA_ARRAY(&ps->g->arena, const rt_type *, t->n);
    if (!c || !elems)
        return NULL;
    *c = *t;
    memcpy(elems, el, (size_t)t->n * sizeof *elems);
    c->elems = elems;
    return c;
}

static const rt_type *parse_type(parser *ps)
{
    ws(ps);
    const char *s = ps->p;
    char open[64];
    int depth = 0;
    while (*ps->p && *ps->p != '\n') {
        char c = *ps->p;
        if ((c == '[' || c == '(') && depth < (int)sizeof open)
            open[depth++] = c;
        else if (depth > 0 && ((c == ']' && open[depth - 1] == '[') ||
                               (c == ')' && open[depth - 1] == '(')))
            depth--;
        else if (c == ',' ? depth == 0 : (c == ')' || c == ']' || c == '='))
            break;
        ps->p++;
    }
    const char *end = ps->p;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (end == s) {
        pfail(ps, "expected a type");
        return NULL;
    }
    char *text = rt_arena_strndup(&ps->g->arena, s, (size_t)(end - s));
    if (!text) {
        rt_err_nomem(ps->e);
        return NULL;
    }
    const rt_type *t = rt_type_parse(&ps->g->arena, text, ps->e);
    if (!t) {
        const char *at = ps->p;
        ps->p = s;
        char msg[RT_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", ps->e->msg);
        pfail(ps, "%s", msg);
        ps->p = at;
        return NULL;
    }
    t = resolve(ps, t);
    if (!t)
        rt_err_nomem(ps->e);
    return t;
}

/* typed = VALUE ":" TYPE ("," ...)* — names and types, up to `stop`. */
typedef struct typed {
    char name[256];
    const rt_type *type;
} typed;

static int parse_typed(parser *ps, typed **out, uint32_t *n, char stop)
{
    uint32_t cap = 0;
    *out = NULL;
    *n = 0;
    ws(ps);
    if (*ps->p == stop)
        return 0;
    for (;;) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            typed *q = realloc(*out, cap * sizeof *q);
            if (!q)
                return rt_err_nomem(ps->e);
            *out = q;
        }
        typed *t = &(*out)[*n];
        if (value_name(ps, t->name, sizeof t->name) || expect(ps, ":") ||
            !(t->type = parse_type(ps)))
            return -1;
        (*n)++;
        if (!accept(ps, ","))
            return 0;
    }
}

static int parse_values(parser *ps, ir_vid **out, uint32_t *n)
{
    uint32_t cap = 0;
    *out = NULL;
    *n = 0;
    if (expect(ps, "("))
        return -1;
    ws(ps);
    if (accept(ps, ")"))
        return 0;
    for (;;) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            ir_vid *q = realloc(*out, cap * sizeof *q);
            if (!q)
                return rt_err_nomem(ps->e);
            *out = q;
        }
        if (use_value(ps, &(*out)[*n]))
            return -1;
        (*n)++;
        if (accept(ps, ","))
            continue;
        return expect(ps, ")");
    }
}

/* ---- literals ---- */

static int parse_literal(parser *ps, rt_value *out);

static int parse_string(parser *ps, rt_value *out)
{
    ps->p++; /* opening quote */
    size_t cap = 64, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return rt_err_nomem(ps->e);
    for (;;) {
        char c = *ps->p;
        if (!c || c == '\n') {
            free(buf);
            return pfail(ps, "unterminated string");
        }
        ps->p++;
        if (c == '"')
            break;
        if (c == '\\') {
            char x = *ps->p++;
            switch (x) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '"': c = '"'; break;
            case '\'': c = '\''; break;
            case '\\': c = '\\'; break;
            case 'x': {
                int v = 0;
                for (int k = 0; k < 2; k++) {
                    char h = *ps->p++;
                    int d = h >= '0' && h <= '9'   ? h - '0'
                            : h >= 'a' && h <= 'f' ? h - 'a' + 10
                            : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                   : -1;
                    if (d < 0) {
                        free(buf);
                        ps->p--;
                        return pfail(ps, "bad \\x escape");
                    }
                    v = v * 16 + d;
                }
                c = (char)v;
                break;
            }
            default:
                free(buf);
                ps->p--;
                return pfail(ps, "unknown escape '\\%c'", x ? x : '0');
            }
        }
        if (n + 1 >= cap) {
            char *q = realloc(buf, cap *= 2);
            if (!q) {
                free(buf);
                return rt_err_nomem(ps->e);
            }
            buf = q;
        }
        buf[n++] = c;
    }
    int rc = rt_str_new(buf, n, out, ps->e);
    free(buf);
    return rc;
}

/* A number: int unless it has '.', an exponent, or is inf/nan. */
static int parse_number(parser *ps, rt_value *out)
{
    const char *s = ps->p;
    const char *q = s;
    if (*q == '-' || *q == '+')
        q++;
    if (!strncmp(q, "inf", 3) || !strncmp(q, "nan", 3)) {
        double d = q[0] == 'i' ? INFINITY : NAN;
        *out = rt_float(*s == '-' ? -d : d);
        ps->p = q + 3;
        return 0;
    }
    bool is_float = false;
    while ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
           ((*q == '-' || *q == '+') && q > s && (q[-1] == 'e' || q[-1] == 'E'))) {
        if (*q == '.' || *q == 'e' || *q == 'E')
            is_float = true;
        q++;
    }
    if (q == s || (q == s + 1 && (*s == '-' || *s == '+')))
        return pfail(ps, "expected a constant");
    char buf[64];
    if ((size_t)(q - s) >= sizeof buf)
        return pfail(ps, "number too long");
    memcpy(buf, s, (size_t)(q - s));
    buf[q - s] = '\0';
    char *end;
    errno = 0;
    if (is_float) {
        double d = strtod(buf, &end);
        if (*end)
            return pfail(ps, "bad float '%s'", buf);
        *out = rt_float(d);
    } else {
        long long v = strtoll(buf, &end, 10);
        if (*end || errno == ERANGE)
            return pfail(ps, "bad int '%s'", buf);
        *out = rt_int(v);
    }
    ps->p = q;
    return 0;
}

static bool word(parser *ps, const char *w)
{
    size_t n = strlen(w);
    if (strncmp(ps->p, w, n) || name_char(ps->p[n]))
        return false;
    ps->p += n;
    return true;
}

/* tensor(DTYPE, [dims], [elems]) */
static int parse_tensor(parser *ps, rt_value *out)
{
    ws(ps);
    const char *s = ps->p;
    while (name_char(*ps->p))
        ps->p++;
    int dtype = -1;
    for (int d = 0; d < 32; d++) {
        const rt_dtype_info *di = rt_dtype_get(d);
        if (di && strlen(di->name) == (size_t)(ps->p - s) && !strncmp(di->name, s, ps->p - s))
            dtype = d;
    }
    if (dtype < 0) {
        ps->p = s;
        return pfail(ps, "unknown dtype in a tensor constant");
    }
    if (expect(ps, ",") || expect(ps, "["))
        return -1;
    int64_t shape[RT_MAX_DIMS];
    int ndim = 0;
    if (!accept(ps, "]")) {
        for (;;) {
            rt_value d;
            ws(ps);
            if (parse_number(ps, &d))
                return -1;
            if (d.kind != RT_INT || d.u.i < 0)
                return pfail(ps, "bad tensor dimension");
            if (ndim == RT_MAX_DIMS)
                return pfail(ps, "too many tensor dimensions");
            shape[ndim++] = d.u.i;
            if (accept(ps, ","))
                continue;
            if (expect(ps, "]"))
                return -1;
            break;
        }
    }
    rt_err e2;
    rt_err_clear(&e2);
    int64_t numel = rt_shape_numel(ndim, shape, &e2);
    if (numel < 0 || numel > (1 << 20))
        return pfail(ps, "bad tensor shape");
    rt_tensor *t = rt_tensor_new((rt_dtype)dtype, ndim, shape, ps->e);
    if (!t)
        return -1;
    const rt_dtype_info *di = rt_dtype_get(dtype);
    char *data = rt_tensor_data(t);
    int64_t i = 0;
    if (expect(ps, ",") || expect(ps, "["))
        goto fail;
    if (!accept(ps, "]")) {
        for (;;) {
            rt_value v;
            ws(ps);
            if (word(ps, "True"))
                v = rt_int(1);
            else if (word(ps, "False"))
                v = rt_int(0);
            else if (parse_number(ps, &v))
                goto fail;
            if (i >= numel) {
                pfail(ps, "too many values for the tensor's shape");
                goto fail;
            }
            void *el = data + i * (int64_t)di->size;
            if (v.kind == RT_FLOAT)
                rt_store_f64(el, (rt_dtype)dtype, v.u.f);
            else
                rt_store_i64(el, (rt_dtype)dtype, v.u.i);
            i++;
            if (accept(ps, ","))
                continue;
            if (expect(ps, "]"))
                goto fail;
            break;
        }
    }
    if (i != numel) {
        pfail(ps, "%lld values for a tensor of %lld elements", (long long)i, (long long)numel);
        goto fail;
    }
    if (expect(ps, ")"))
        goto fail;
    *out = rt_tensor_value(t);
    return 0;
fail:
    rt_tensor_release(t);
    return -1;
}

static int parse_seq(parser *ps, rt_kind kind, char close, rt_value *out)
{
    if (rt_list_new(kind == RT_TUPLE ? RT_TUPLE : RT_LIST, 0, out, ps->e))
        return -1;
    ws(ps);
    if (*ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        rt_value item;
        if (parse_literal(ps, &item))
            goto fail;
        int rc = rt_list_append(out->u.list, item, ps->e);
        rt_value_release(item);
        if (rc)
            goto fail;
        ws(ps);
        if (*ps->p == ',') {
            ps->p++;
            ws(ps);
            if (*ps->p == close && kind == RT_TUPLE) {
                ps->p++;
                return 0;
            }
            continue;
        }
        if (*ps->p == close) {
            ps->p++;
            return 0;
        }
        pfail(ps, "expected ',' or '%c' in a constant", close);
        goto fail;
    }
fail:
    rt_value_clear(out);
    return -1;
}

static int parse_dict(parser *ps, rt_value *out)
{
    if (rt_dict_new(out, ps->e))
        return -1;
    if (accept(ps, "}"))
        return 0;
    for (;;) {
        rt_value k, v;
        if (parse_literal(ps, &k))
            goto fail;
        if (expect(ps, ":") || parse_literal(ps, &v)) {
            rt_value_release(k);
            goto fail;
        }
        int rc = rt_dict_set(out->u.dict, k, v, ps->e);
        rt_value_release(k);
        rt_value_release(v);
        if (rc)
            goto fail;
        if (accept(ps, ","))
            continue;
        if (expect(ps, "}"))
            goto fail;
        return 0;
    }
fail:
    rt_value_clear(out);
    return -1;
}

/* literal = None | True | False | number | string | tensor(...) | [..] | (..) | {..} */
static int parse_literal(parser *ps, rt_value *out)
{
    ws(ps);
    *out = rt_none();
    if (++ps->depth > 64)
        return pfail(ps, "constant nested too deeply");
    int rc = 0;
    char c = *ps->p;
    if (word(ps, "None"))
        *out = rt_none();
    else if (word(ps, "True"))
        *out = rt_bool(true);
    else if (word(ps, "False"))
        *out = rt_bool(false);
    else if (c == '"')
        rc = parse_string(ps, out);
    else if (c == '[')
        ps->p++, rc = parse_seq(ps, RT_LIST, ']', out);
    else if (c == '(')
        ps->p++, rc = parse_seq(ps, RT_TUPLE, ')', out);
    else if (c == '{')
        ps->p++, rc = parse_dict(ps, out);
    else if (!strncmp(ps->p, "tensor(", 7))
        ps->p += 7, rc = parse_tensor(ps, out);
    else if (c == '<') {
        size_t n = strcspn(ps->p, ">\n");
        if (!strncmp(ps->p, "<Tensor", 7))
            rc = pfail(ps, "the tensor constant %.*s> was printed without its values and "
                       "cannot be parsed", (int)n, ps->p);
        else
            rc = pfail(ps, "the constant %.*s> cannot be parsed", (int)n, ps->p);
    } else
        rc = parse_number(ps, out);
    ps->depth--;
    return rc;
}

/* ---- attributes and locations ---- */

static int parse_attrs(parser *ps, pattr *attrs, int *n)
{
    *n = 0;
    if (!accept(ps, "["))
        return 0;
    for (;;) {
        ws(ps);
        const char *s = ps->p;
        while (name_char(*ps->p))
            ps->p++;
        size_t len = (size_t)(ps->p - s);
        if (!len || len >= sizeof attrs[0].key) {
            ps->p = s;
            return pfail(ps, "expected an attribute name");
        }
        if (*n == MAX_ATTRS)
            return pfail(ps, "too many attributes");
        pattr *a = &attrs[*n];
        memcpy(a->key, s, len);
        a->key[len] = '\0';
        for (int i = 0; i < *n; i++)
            if (!strcmp(attrs[i].key, a->key))
                return pfail(ps, "attribute '%s' given twice", a->key);
        if (expect(ps, "=") || parse_literal(ps, &a->val))
            return -1;
        (*n)++;
        if (accept(ps, ","))
            continue;
        return expect(ps, "]");
    }
}

static const char *intern_file(parser *ps, const char *s, size_t n)
{
    if (n == 0)
        return NULL;
    char *tmp = rt_arena_strndup(&ps->g->arena, s, n);
    if (!tmp)
        return NULL;
    uint32_t i = ir_smap_get(&ps->files, tmp);
    if (i != IR_NONE)
        return ps->file_list[i];
    if (ps->nfiles == ps->cap_files) {
        uint32_t cap = ps->cap_files ? ps->cap_files * 2 : 8;
        const char **q = realloc(ps->file_list, cap * sizeof *q);
        if (!q)
            return NULL;
        ps->file_list = q;
        ps->cap_files = cap;
    }
    ps->file_list[ps->nfiles] = tmp;
    if (ir_smap_put(&ps->files, tmp, ps->nfiles))
        return NULL;
    ps->nfiles++;
    return tmp;
}

/* "# file:line:col" to the end of the line. */
static int parse_loc(parser *ps, rt_loc *loc)
{
    memset(loc, 0, sizeof *loc);
    ws(ps);
    if (*ps->p != '#')
        return 0;
    ps->p++;
    ws(ps);
    const char *s = ps->p;
    const char *e = s + strcspn(s, "\n");
    const char *end = e;
    while (end > s && (end[-1] == ' ' || end[-1] == '\r'))
        end--;
    const char *c2 = end, *c1;
    while (c2 > s && c2[-1] != ':')
        c2--;
    c1 = c2 > s ? c2 - 1 : s;
    while (c1 > s && c1[-1] != ':')
        c1--;
    if (c2 <= s || c1 <= s)
        return pfail(ps, "bad source location (expected '# file:line:col')");
    char *x;
    long line = strtol(c1, &x, 10);
    if (x != c2 - 1 || line < 0)
        return pfail(ps, "bad line number in the source location");
    long col = strtol(c2, &x, 10);
    if (x != end || col < 0)
        return pfail(ps, "bad column number in the source location");
    loc->line = (int)line;
    loc->col = (int)col;
    if (c1 - 1 > s) {
        if (!(loc->file = intern_file(ps, s, (size_t)(c1 - 1 - s))))
            return rt_err_nomem(ps->e);
    }
    ps->p = e;
    return 0;
}

/* ---- statements ---- */

static int parse_body(parser *ps, ir_bid b, bool is_graph);

static int define_typed(parser *ps, ir_bid b, const typed *t, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        ir_vid v = ir_block_add_param(ps->g, b, t[i].type, NULL, ps->e);
        if (v == IR_NONE || def_name(ps, v, t[i].name))
            return -1;
    }
    return 0;
}

/* "block" INT "(" typed ")" ":" body "->" "(" values ")" */
static ir_bid parse_block(parser *ps, uint32_t index)
{
    typed *params = NULL;
    uint32_t np = 0;
    ir_vid *rets = NULL;
    uint32_t nr = 0;
    ir_bid b = IR_NONE;
    if (expect(ps, "block"))
        return IR_NONE;
    char *end;
    unsigned long k = strtoul(ps->p, &end, 10);
    if (end == ps->p || k != index) {
        pfail(ps, "expected block%u", index);
        return IR_NONE;
    }
    ps->p = end;
    if (expect(ps, "("))
        goto done;
    if (parse_typed(ps, &params, &np, ')') || expect(ps, ")") || expect(ps, ":") ||
        expect_eol(ps))
        goto done;
    ir_bid nb = ir_block_new(ps->g, ps->e);
    if (nb == IR_NONE || define_typed(ps, nb, params, np) || parse_body(ps, nb, false) ||
        expect(ps, "->") || parse_values(ps, &rets, &nr) || expect_eol(ps) ||
        ir_block_set_rets(ps->g, nb, rets, nr, ps->e))
        goto done;
    b = nb;
done:
    free(params);
    free(rets);
    return b;
}

static const pattr *find_attr(const pattr *a, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(a[i].key, key))
            return &a[i];
    return NULL;
}

static int only_attrs(parser *ps, const char *op, const pattr *a, int n, const char *k1,
                      const char *k2)
{
    for (int i = 0; i < n; i++)
        if ((!k1 || strcmp(a[i].key, k1)) && (!k2 || strcmp(a[i].key, k2)))
            return pfail(ps, "%s takes no attribute '%s'", op, a[i].key);
    return 0;
}

static const char *str_attr(parser *ps, const char *op, const pattr *a, int n, const char *key)
{
    const pattr *x = find_attr(a, n, key);
    if (!x)
        return NULL;
    if (x->val.kind != RT_STR) {
        pfail(ps, "%s: attribute '%s' must be a string", op, key);
        return NULL;
    }
    return rt_str_cstr(x->val);
}

typedef struct nodeparts {
    const char *opname;
    ir_nkind kind;
    rt_op_id op;
    pattr attrs[MAX_ATTRS];
    int nattrs;
    typed *outs;
    uint32_t nout;
    ir_vid *in;
    uint32_t nin;
    ir_bid blocks[8];
    uint32_t nblocks;
    rt_loc loc;
    const char *stmt; /* start of the statement, for messages */
} nodeparts;

/* Creates the node once its parts are parsed. */
static int build_node(parser *ps, ir_bid b, nodeparts *np)
{
    const char *op = np->opname;
    const rt_type *types_small[8];
    const rt_type **types = np->nout <= 8 ? types_small : malloc(np->nout * sizeof *types);
    if (!types)
        return rt_err_nomem(ps->e);
    for (uint32_t i = 0; i < np->nout; i++)
        types[i] = np->outs[i].type;
    const char *at = ps->p;
    ps->p = np->stmt;
    int rc = -1;
    ir_nid n = IR_NONE;
    const char *aname = NULL, *fname = NULL;
    ir_func *fn = NULL;
    ir_class *cls = NULL;
    switch (np->kind) {
    case IR_CONST:
        if (only_attrs(ps, op, np->attrs, np->nattrs, "value", NULL))
            goto done;
        break;
    case IR_GETATTR:
    case IR_SETATTR:
        if (only_attrs(ps, op, np->attrs, np->nattrs, "name", NULL))
            goto done;
        if (!(aname = str_attr(ps, op, np->attrs, np->nattrs, "name"))) {
            if (ps->e->status == TSJ_OK)
                pfail(ps, "%s needs [name=\"...\"]", op);
            goto done;
        }
        break;
    case IR_CALL:
        if (only_attrs(ps, op, np->attrs, np->nattrs, "fn", "name"))
            goto done;
        fname = str_attr(ps, op, np->attrs, np->nattrs, "fn");
        aname = str_attr(ps, op, np->attrs, np->nattrs, "name");
        if (ps->e->status != TSJ_OK)
            goto done;
        if (!ps->prog) {
            pfail(ps, "%s: cannot resolve the callee without a program", op);
            goto done;
        }
        if (fname) {
            if (!(fn = ir_program_find_func(ps->prog, fname))) {
                pfail(ps, "%s: unknown function '%s'", op, fname);
                goto done;
            }
        } else if (aname && np->nin > 0) {
            const rt_type *st = ps->g->values[np->in[0]].type;
            const ir_class *c = st->kind == RT_T_CLASS ? st->cls : NULL;
            if (!c || !(fn = ir_class_find_method(c, aname))) {
                pfail(ps, "%s: no method '%s' on the first argument's type", op, aname);
                goto done;
            }
        } else {
            pfail(ps, "%s needs [fn=\"qualified.name\"]", op);
            goto done;
        }
        aname = NULL;
        break;
    case IR_CREATE_OBJECT:
        if (only_attrs(ps, op, np->attrs, np->nattrs, NULL, NULL))
            goto done;
        if (np->nout != 1 || np->outs[0].type->kind != RT_T_CLASS ||
            !(cls = (ir_class *)np->outs[0].type->cls)) {
            pfail(ps, "%s needs one output of a class type known to the program", op);
            goto done;
        }
        break;
    default:
        if (only_attrs(ps, op, np->attrs, np->nattrs, NULL, NULL))
            goto done;
        break;
    }
    n = ir_node_append(ps->g, b, np->kind, np->in, np->nin, types, np->nout, np->blocks,
                       np->nblocks, np->loc, ps->e);
    if (n == IR_NONE)
        goto done;
    ir_node *nd = &ps->g->nodes[n];
    nd->op = np->op;
    nd->fn = fn;
    nd->cls = cls;
    if (np->kind == IR_CONST) {
        const pattr *v = find_attr(np->attrs, np->nattrs, "value");
        if (v)
            nd->attr = rt_value_retain(v->val);
    }
    if (aname) {
        if (!(nd->name = rt_arena_strdup(&ps->g->arena, aname))) {
            rt_err_nomem(ps->e);
            goto done;
        }
        const rt_type *ot = np->nin ? ps->g->values[np->in[0]].type : NULL;
        const ir_class *c = ot && ot->kind == RT_T_CLASS ? ot->cls : NULL;
        int slot = c ? ir_class_find_attr(c, aname) : -1;
        nd->slot = slot >= 0 ? (uint32_t)slot : IR_NONE;
    }
    for (uint32_t i = 0; i < np->nout; i++)
        if (def_name(ps, ps->g->nodes[n].out[i], np->outs[i].name))
            goto done;
    rc = 0;
done:
    if (!rc)
        ps->p = at;
    if (types != types_small)
        free(types);
    return rc;
}

static int classify(parser *ps, nodeparts *np)
{
    static const struct {
        const char *name;
        ir_nkind kind;
    } structural[] = {
        {"prim::Constant", IR_CONST},     {"prim::If", IR_IF},
        {"prim::Loop", IR_LOOP},          {"prim::GetAttr", IR_GETATTR},
        {"prim::SetAttr", IR_SETATTR},    {"prim::CallFunction", IR_CALL},
        {"prim::CallMethod", IR_CALL},    {"prim::CreateObject", IR_CREATE_OBJECT}};
    for (size_t i = 0; i < sizeof structural / sizeof structural[0]; i++)
        if (!strcmp(np->opname, structural[i].name)) {
            np->kind = structural[i].kind;
            return 0;
        }
    np->kind = IR_OP;
    np->op = rt_op_lookup(np->opname);
    if (np->op == RT_OP_COUNT)
        return pfail(ps, "unknown operator '%s'", np->opname);
    return 0;
}

/* node = typed? "=" OPNAME attrs? "(" values ")" loc? NL block* */
static int parse_node(parser *ps, ir_bid b)
{
    nodeparts np;
    memset(&np, 0, sizeof np);
    char opname[256];
    int rc = -1;
    ws(ps);
    np.stmt = ps->p;
    if (*ps->p == '%' && parse_typed(ps, &np.outs, &np.nout, '='))
        goto done;
    if (expect(ps, "="))
        goto done;
    ws(ps);
    const char *s = ps->p;
    while (name_char(*ps->p) || *ps->p == ':')
        ps->p++;
    size_t len = (size_t)(ps->p - s);
    if (!len || len >= sizeof opname) {
        ps->p = s;
        pfail(ps, "expected an operator name");
        goto done;
    }
    memcpy(opname, s, len);
    opname[len] = '\0';
    np.opname = opname;
    const char *after_name = ps->p;
    ps->p = s;
    if (classify(ps, &np))
        goto done;
    ps->p = after_name;
    if (parse_attrs(ps, np.attrs, &np.nattrs) || parse_values(ps, &np.in, &np.nin) ||
        parse_loc(ps, &np.loc) || expect_eol(ps))
        goto done;
    for (;;) {
        const char *save = ps->p;
        wsnl(ps);
        if (strncmp(ps->p, "block", 5)) {
            ps->p = save;
            break;
        }
        if (np.nblocks == sizeof np.blocks / sizeof np.blocks[0]) {
            pfail(ps, "too many blocks");
            goto done;
        }
        ir_bid nb = parse_block(ps, np.nblocks);
        if (nb == IR_NONE)
            goto done;
        np.blocks[np.nblocks++] = nb;
    }
    rc = build_node(ps, b, &np);
done:
    for (int i = 0; i < np.nattrs; i++)
        rt_value_release(np.attrs[i].val);
    /* a half-parsed attribute may hold a value too */
    if (np.nattrs < MAX_ATTRS)
        rt_value_release(np.attrs[np.nattrs].val);
    free(np.outs);
    free(np.in);
    return rc;
}

static int parse_body(parser *ps, ir_bid b, bool is_graph)
{
    for (;;) {
        wsnl(ps);
        if (!*ps->p)
            return pfail(ps, is_graph ? "expected 'return'" : "expected '->' ending the block");
        if (is_graph && word(ps, "return")) {
            ps->p -= 6;
            return 0;
        }
        if (!strncmp(ps->p, "->", 2)) {
            if (is_graph)
                return pfail(ps, "'->' outside a block");
            return 0;
        }
        if (!strncmp(ps->p, "block", 5))
            return pfail(ps, "a block header without a node owning it");
        if (!is_graph && !strncmp(ps->p, "return", 6))
            return pfail(ps, "'return' inside a block (blocks end with '-> (...)')");
        if (parse_node(ps, b))
            return -1;
    }
}

static int parse_graph(parser *ps)
{
    typed *params = NULL;
    uint32_t np = 0;
    ir_vid *rets = NULL;
    uint32_t nr = 0;
    int rc = -1;
    wsnl(ps);
    if (expect(ps, "graph") || expect(ps, "(") || parse_typed(ps, &params, &np, ')') ||
        expect(ps, ")") || expect(ps, ":") || expect_eol(ps) ||
        define_typed(ps, 0, params, np) || parse_body(ps, 0, true) || expect(ps, "return") ||
        parse_values(ps, &rets, &nr) || expect_eol(ps) ||
        ir_block_set_rets(ps->g, 0, rets, nr, ps->e))
        goto done;
    wsnl(ps);
    if (*ps->p) {
        pfail(ps, "unexpected text after the graph's return");
        goto done;
    }
    rc = 0;
done:
    free(params);
    free(rets);
    return rc;
}

ir_graph *ir_parse(const char *text, ir_program *p, rt_err *e)
{
    if (!text) {
        rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT, "ir_parse: no text");
        return NULL;
    }
    if (rt_ops_init(e))
        return NULL;
    rt_err local;
    rt_err *err = e ? e : &local;
    rt_err_clear(err);
    parser ps = {.text = text, .p = text, .prog = p, .e = err};
    ps.g = ir_graph_new(err);
    if (!ps.g)
        return NULL;
    int rc = parse_graph(&ps);
    ir_smap_free(&ps.names);
    ir_smap_free(&ps.files);
    free(ps.file_list);
    if (!rc && ir_verify(ps.g, err)) {
        rt_err_prefix(err, "ir_parse");
        rc = -1;
    }
    if (rc) {
        ir_graph_free(ps.g);
        return NULL;
    }
    return ps.g;
}
