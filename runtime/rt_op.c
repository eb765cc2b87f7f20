/* rt_op.c — the operator table built from rt_ops.def, its schema parser
 * and lookups by name. */
#include "rt_op.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_kernels.h"

static rt_op TABLE[RT_OP_COUNT + 1] = {
#define OP(id_, schema_, kernel_, shape_, flags_) \
    {.id = RT_OP_##id_, .id_name = #id_, .schema_text = schema_, .kernel = kernel_, \
     .shape = shape_, .flags = flags_},
#include "rt_ops.def"
#undef OP
    {.id = RT_OP_COUNT}};

static rt_arena table_arena;
static rt_err init_err;
static int init_status;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* ---- schema parsing ----
 * schema  = qualname ("." overload)? "(" args ")" "->" rets
 * args    = (arg ("," arg)*)?      arg = "*" | "..." | type NAME ("=" default)?
 * rets    = type | "(" (type NAME? ("," type NAME?)*)? ")" | "..."
 */
typedef struct sparser {
    rt_arena *a;
    const char *text, *p;
    rt_err *e;
} sparser;

static int sfail(sparser *sp, const char *what)
{
    return rt_err_set(sp->e, TSJ_ERR_INTERNAL, "bad schema '%s': %s at offset %d", sp->text,
                      what, (int)(sp->p - sp->text));
}

static void sws(sparser *sp)
{
    while (*sp->p == ' ')
        sp->p++;
}

/* Reads a type up to the argument name / ',' / ')' at depth 0, dropping
 * alias annotations "(a)", "(a!)", "(a -> *)". Sets *alias_out for '!'. */
static const rt_type *stype(sparser *sp, bool *alias_out, int *fixed_len)
{
    char buf[256];
    size_t n = 0;
    int depth = 0;
    *alias_out = false;
    *fixed_len = 0;
    sws(sp);
    const char *start = sp->p;
    for (;;) {
        char ch = *sp->p;
        if (!ch)
            break;
        if (depth == 0 && (ch == ',' || ch == ')'))
            break;
        if (depth == 0 && ch == ' ') {
            /* a space ends the type unless inside brackets */
            break;
        }
        if (ch == '(' && sp->p > start && (isalpha((unsigned char)sp->p[1]))) {
            /* alias annotation: skip to ')' */
            const char *q = sp->p;
            while (*q && *q != ')') {
                if (*q == '!')
                    *alias_out = true;
                q++;
            }
            if (!*q) {
                sfail(sp, "unterminated alias annotation");
                return NULL;
            }
            sp->p = q + 1;
            continue;
        }
        if (ch == '[') {
            depth++;
            if (isdigit((unsigned char)sp->p[1]))
                *fixed_len = atoi(sp->p + 1);
        } else if (ch == ']') {
            depth--;
        } else if (ch == ' ' && depth > 0) {
            /* keep spaces inside brackets */
        }
        if (n + 1 >= sizeof buf) {
            sfail(sp, "type too long");
            return NULL;
        }
        buf[n++] = ch;
        sp->p++;
    }
    buf[n] = '\0';
    if (!n) {
        sfail(sp, "expected a type");
        return NULL;
    }
    return rt_type_parse(sp->a, buf, sp->e);
}

static int sname(sparser *sp, const char **out)
{
    sws(sp);
    const char *s = sp->p;
    while (isalnum((unsigned char)*sp->p) || *sp->p == '_')
        sp->p++;
    *out = rt_arena_strndup(sp->a, s, (size_t)(sp->p - s));
    return *out ? 0 : rt_err_nomem(sp->e);
}

/* default = INT | FLOAT | True | False | None | STRING | "[" items "]" | NAME */
static int sdefault(sparser *sp, const rt_type *type, rt_value *out)
{
    sws(sp);
    const char *s = sp->p;
    if (*s == '[') {
        if (rt_list_new(RT_LIST, 0, out, sp->e))
            return -1;
        sp->p++;
        sws(sp);
        while (*sp->p && *sp->p != ']') {
            rt_value item;
            if (sdefault(sp, &rt_type_any, &item))
                return -1;
            if (rt_list_append(out->u.list, item, sp->e))
                return -1;
            rt_value_release(item);
            sws(sp);
            if (*sp->p == ',')
                sp->p++;
            sws(sp);
        }
        if (*sp->p != ']')
            return sfail(sp, "expected ']'");
        sp->p++;
        return 0;
    }
    if (*s == '"' || *s == '\'') {
        char q = *s;
        const char *e = strchr(s + 1, q);
        if (!e)
            return sfail(sp, "unterminated string");
        sp->p = e + 1;
        return rt_str_new(s + 1, (size_t)(e - s - 1), out, sp->e);
    }
    const char *e = s;
    while (*e && *e != ',' && *e != ')' && *e != ']' && *e != ' ')
        e++;
    size_t len = (size_t)(e - s);
    sp->p = e;
    char tok[64];
    if (len == 0 || len >= sizeof tok)
        return sfail(sp, "bad default");
    memcpy(tok, s, len);
    tok[len] = '\0';
    if (!strcmp(tok, "True") || !strcmp(tok, "False")) {
        *out = rt_bool(tok[0] == 'T');
        return 0;
    }
    if (!strcmp(tok, "None")) {
        *out = rt_none();
        return 0;
    }
    if (!strcmp(tok, "contiguous_format") || !strcmp(tok, "Mean")) {
        *out = rt_int(!strcmp(tok, "Mean") ? 1 : 0);
        return 0;
    }
    char *end;
    if (strpbrk(tok, ".eE") && !strpbrk(tok, "xX")) {
        double d = strtod(tok, &end);
        if (*end)
            return sfail(sp, "bad float default");
        *out = rt_float(d);
        return 0;
    }
    long long v = strtoll(tok, &end, 0);
    if (*end)
        return sfail(sp, "bad default");
    if (type->kind == RT_T_FLOAT)
        *out = rt_float((double)v);
    else if (type->kind == RT_T_BOOL)
        *out = rt_bool(v != 0);
    else
        *out = rt_int(v);
    return 0;
}

static int sargs(sparser *sp, rt_schema *s)
{
    rt_schema_arg tmp[64];
    int n = 0;
    bool kwonly = false;
    sws(sp);
    while (*sp->p && *sp->p != ')') {
        sws(sp);
        if (*sp->p == '*' && (sp->p[1] == ',' || sp->p[1] == ')')) {
            kwonly = true;
            sp->p++;
        } else if (!strncmp(sp->p, "...", 3)) {
            s->varargs = true;
            sp->p += 3;
        } else {
            if (n == 64)
                return sfail(sp, "too many arguments");
            rt_schema_arg *a = &tmp[n++];
            memset(a, 0, sizeof *a);
            if (!(a->type = stype(sp, &a->is_out_alias, &a->fixed_len)))
                return -1;
            if (sname(sp, &a->name))
                return -1;
            a->kwarg_only = kwonly;
            sws(sp);
            if (*sp->p == '=') {
                sp->p++;
                a->has_default = true;
                if (sdefault(sp, a->type, &a->default_value))
                    return -1;
            }
        }
        sws(sp);
        if (*sp->p == ',')
            sp->p++;
        else if (*sp->p != ')')
            return sfail(sp, "expected ',' or ')'");
    }
    if (*sp->p != ')')
        return sfail(sp, "expected ')'");
    sp->p++;
    s->nargs = n;
    s->args = RT_ARENA_ARRAY(sp->a, rt_schema_arg, n ? n : 1);
    if (!s->args)
        return rt_err_nomem(sp->e);
    memcpy(s->args, tmp, sizeof(rt_schema_arg) * (size_t)n);
    return 0;
}

static int srets(sparser *sp, rt_schema *s)
{
    rt_schema_arg tmp[16];
    int n = 0;
    sws(sp);
    if (!strncmp(sp->p, "...", 3)) {
        s->varret = true;
        sp->p += 3;
    } else if (*sp->p == '(') {
        sp->p++;
        sws(sp);
        while (*sp->p && *sp->p != ')') {
            if (n == 16)
                return sfail(sp, "too many returns");
            rt_schema_arg *r = &tmp[n++];
            memset(r, 0, sizeof *r);
            if (!(r->type = stype(sp, &r->is_out_alias, &r->fixed_len)))
                return -1;
            sws(sp);
            if (isalpha((unsigned char)*sp->p) || *sp->p == '_') {
                if (sname(sp, &r->name))
                    return -1;
            } else {
                r->name = "";
            }
            sws(sp);
            if (*sp->p == ',')
                sp->p++;
            sws(sp);
        }
        if (*sp->p != ')')
            return sfail(sp, "expected ')' after returns");
        sp->p++;
    } else {
        memset(&tmp[0], 0, sizeof tmp[0]);
        if (!(tmp[0].type = stype(sp, &tmp[0].is_out_alias, &tmp[0].fixed_len)))
            return -1;
        tmp[0].name = "";
        n = 1;
    }
    sws(sp);
    if (*sp->p)
        return sfail(sp, "trailing characters");
    s->nrets = n;
    s->rets = RT_ARENA_ARRAY(sp->a, rt_schema_arg, n ? n : 1);
    if (!s->rets)
        return rt_err_nomem(sp->e);
    memcpy(s->rets, tmp, sizeof(rt_schema_arg) * (size_t)n);
    return 0;
}

int rt_schema_parse(rt_arena *a, const char *text, rt_schema *out, rt_err *e)
{
    sparser sp = {a, text, text, e};
    memset(out, 0, sizeof *out);
    const char *open = strchr(text, '(');
    if (!open)
        return sfail(&sp, "expected '('");
    const char *dot = memchr(text, '.', (size_t)(open - text));
    const char *colon = strstr(text, "::");
    if (!colon || colon > open)
        return sfail(&sp, "expected a namespace 'ns::'");
    /* "aten::add.Tensor": the overload starts at the first '.' after '::' */
    dot = memchr(colon, '.', (size_t)(open - colon));
    out->qualname = rt_arena_strndup(a, text, (size_t)((dot ? dot : open) - text));
    out->overload = dot ? rt_arena_strndup(a, dot + 1, (size_t)(open - dot - 1)) : "";
    if (!out->qualname || !out->overload)
        return rt_err_nomem(e);
    sp.p = open + 1;
    if (sargs(&sp, out))
        return -1;
    sws(&sp);
    if (strncmp(sp.p, "->", 2))
        return sfail(&sp, "expected '->'");
    sp.p += 2;
    return srets(&sp, out);
}

/* ---- the table ---- */

static void do_init(void)
{
    rt_arena_init(&table_arena);
    rt_err_clear(&init_err);
    for (int i = 0; i < RT_OP_COUNT; i++) {
        if (rt_schema_parse(&table_arena, TABLE[i].schema_text, &TABLE[i].schema, &init_err)) {
            rt_err_prefix(&init_err, "operator table entry %s", TABLE[i].id_name);
            init_status = -1;
            return;
        }
    }
    /* Every id must sit at its own index (the table is generated, but a
     * duplicated or reordered .def line would break that). */
    for (int i = 0; i < RT_OP_COUNT; i++) {
        if ((int)TABLE[i].id != i) {
            rt_err_set(&init_err, TSJ_ERR_INTERNAL, "operator table out of order at %s",
                       TABLE[i].id_name);
            init_status = -1;
            return;
        }
    }
    init_status = 0;
}

int rt_ops_init(rt_err *e)
{
    pthread_once(&init_once, do_init);
    if (init_status) {
        if (e)
            *e = init_err;
        return -1;
    }
    return 0;
}

const rt_op *rt_op_get(rt_op_id id)
{
    return (unsigned)id < RT_OP_COUNT ? &TABLE[id] : NULL;
}

int rt_ops_find(const char *qualname, rt_op_id *ids, int max)
{
    if (rt_ops_init(NULL))
        return 0;
    int n = 0;
    for (int i = 0; i < RT_OP_COUNT; i++) {
        if (strcmp(TABLE[i].schema.qualname, qualname) == 0) {
            if (n < max)
                ids[n] = (rt_op_id)i;
            n++;
        }
    }
    return n;
}

rt_op_id rt_op_lookup(const char *full_name)
{
    if (rt_ops_init(NULL))
        return RT_OP_COUNT;
    const char *colon = strstr(full_name, "::");
    const char *dot = colon ? strchr(colon, '.') : NULL;
    size_t qlen = dot ? (size_t)(dot - full_name) : strlen(full_name);
    const char *ov = dot ? dot + 1 : "";
    for (int i = 0; i < RT_OP_COUNT; i++) {
        const rt_schema *s = &TABLE[i].schema;
        if (strlen(s->qualname) == qlen && !strncmp(s->qualname, full_name, qlen) &&
            !strcmp(s->overload, ov))
            return (rt_op_id)i;
    }
    return RT_OP_COUNT;
}

const char *rt_op_full_name(const rt_op *op, char *buf, size_t size)
{
    if (op->schema.overload[0])
        snprintf(buf, size, "%s.%s", op->schema.qualname, op->schema.overload);
    else
        snprintf(buf, size, "%s", op->schema.qualname);
    return buf;
}
