/* test_ir_passes.c — golden tests of the passes. Each
 * tests/data/ir/passes/NAME.in holds a small program and a main graph;
 * the listed passes run on the main graph and its printed form must equal
 * NAME.out (or, for "# error:", the error must contain the text).
 * TSJ_UPDATE_GOLDEN=1 rewrites the .out files.
 *
 * .in format (lines starting with "## " are directives):
 *   # passes: inline, fold_attrs, const_prop, dce, optimize
 *   # error: <substring>                 (optional: the passes must fail)
 *   ## class QUALNAME                    a class, then its attributes:
 *   ## attr NAME : TYPE [= LITERAL]      class-typed attrs get a fresh
 *                                        object, others None by default
 *   ## func QUALNAME                     then the function's graph text;
 *                                        "Class.method" adds a method
 *   ## extern QUALNAME                   a function without a graph
 *   ## main                              then the graph under test
 * The object tree's root is an instance of the main graph's self class. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "ir.h"

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *dir, const char *ext, char ***out)
{
    DIR *d = opendir(dir);
    int n = 0, cap = 0;
    *out = NULL;
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name), el = strlen(ext);
        if (l <= el || strcmp(de->d_name + l - el, ext))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = realloc(*out, (size_t)cap * sizeof **out);
        }
        (*out)[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(*out, (size_t)n, sizeof **out, cmp_str);
    return n;
}

/* ---- the test program ---- */

#define MAX_INIT 64

typedef struct init {
    const ir_class *cls;
    int slot;
    rt_value value;
} init;

typedef struct tprog {
    ir_program *p;
    ir_class *cur;
    init inits[MAX_INIT];
    int ninits;
} tprog;

/* A literal through the parser: a one-constant graph. */
static int parse_literal(const char *type, const char *lit, rt_value *out, rt_err *e)
{
    size_t len = strlen(type) + strlen(lit) + 128;
    char *text = malloc(len);
    snprintf(text, len, "graph():\n  %%v : %s = prim::Constant[value=%s]()\n  return (%%v)\n",
             type, lit);
    ir_graph *g = ir_parse(text, NULL, e);
    free(text);
    if (!g)
        return -1;
    *out = rt_value_retain(*ir_value_const(g, g->blocks[0].rets[0]));
    ir_graph_free(g);
    return 0;
}

/* Resolves class names in a type parsed into the program arena. */
static const rt_type *prog_type(tprog *tp, const char *text, rt_err *e)
{
    const ir_class *c = ir_program_find_class(tp->p, text);
    if (c)
        return c->type;
    return rt_type_parse(&tp->p->arena, text, e);
}

static int directive_attr(tprog *tp, char *rest, rt_err *e)
{
    char *colon = strstr(rest, " : ");
    if (!tp->cur || !colon)
        return rt_err_set(e, TSJ_ERR_FORMAT, "bad attr directive '%s'", rest);
    *colon = '\0';
    char *type = colon + 3, *lit = NULL;
    char *eq = strstr(type, " = ");
    if (eq) {
        *eq = '\0';
        lit = eq + 3;
    }
    const rt_type *t = prog_type(tp, type, e);
    if (!t)
        return -1;
    int slot = ir_class_add_attr(tp->p, tp->cur, rest, t, e);
    if (slot < 0)
        return -1;
    tp->cur->attrs[slot].is_param = t->kind == RT_T_TENSOR;
    if (lit) {
        if (tp->ninits == MAX_INIT)
            return rt_err_set(e, TSJ_ERR_LIMIT, "too many attr values");
        init *in = &tp->inits[tp->ninits];
        if (parse_literal(type, lit, &in->value, e))
            return -1;
        in->cls = tp->cur;
        in->slot = slot;
        tp->ninits++;
    }
    return 0;
}

static int instantiate(tprog *tp, const ir_class *c, rt_value *out, int depth, rt_err *e)
{
    if (depth > 8)
        return rt_err_set(e, TSJ_ERR_LIMIT, "class nesting too deep");
    if (rt_object_new(c, c->nattrs, out, e))
        return -1;
    for (uint32_t i = 0; i < c->nattrs; i++) {
        rt_value *slot = &out->u.object->slots[i];
        for (int k = 0; k < tp->ninits; k++)
            if (tp->inits[k].cls == c && tp->inits[k].slot == (int)i)
                *slot = rt_value_retain(tp->inits[k].value);
        const rt_type *t = c->attrs[i].type;
        if (slot->kind == RT_NONE && t->kind == RT_T_CLASS && t->cls &&
            instantiate(tp, t->cls, slot, depth + 1, e))
            return -1;
    }
    return 0;
}

/* Adds the function and parses its graph (the function exists while its
 * own graph is parsed, so recursive calls resolve). */
static int define_func(tprog *tp, const char *qualname, const char *text, rt_err *e)
{
    const char *dot = strrchr(qualname, '.');
    ir_class *owner = NULL;
    if (dot) {
        char cls[256];
        snprintf(cls, sizeof cls, "%.*s", (int)(dot - qualname), qualname);
        owner = ir_program_find_class(tp->p, cls);
    }
    ir_func *f = ir_program_add_func(tp->p, owner, owner ? dot + 1 : qualname, e);
    if (!f)
        return -1;
    ir_graph *g = ir_parse(text, tp->p, e);
    if (!g)
        return -1;
    f->graph = g;
    const ir_block *body = &g->blocks[0];
    f->nargs = body->nparams;
    f->args = RT_ARENA_ARRAY(&tp->p->arena, ir_arg, body->nparams ? body->nparams : 1);
    for (uint32_t i = 0; i < body->nparams; i++) {
        f->args[i].name = g->values[body->params[i]].name;
        f->args[i].type = g->values[body->params[i]].type;
    }
    f->ret = body->nrets == 1 ? g->values[body->rets[0]].type : NULL;
    return 0;
}

typedef struct gcase {
    char passes[256];
    char error[512];
    bool has_error;
    tprog tp;
    ir_graph *main;
} gcase;

/* Parses the graph text collected for a "## func" or "## main". */
static int flush(gcase *c, const char *kind, const char *name, const char *text, rt_err *e)
{
    if (!kind[0])
        return 0;
    if (!strcmp(kind, "main"))
        return (c->main = ir_parse(text, c->tp.p, e)) ? 0 : -1;
    return define_func(&c->tp, name, text, e);
}

static int load_case(gcase *c, char *text, rt_err *e)
{
    memset(c, 0, sizeof *c);
    c->tp.p = ir_program_new(e);
    char kind[16] = "", name[256] = "";
    const char *section = NULL;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (!(line[0] == '#' && (line[1] == ' ' || line[1] == '#'))) {
            if (!section)
                section = line;
            line = nl ? nl + 1 : NULL;
            continue;
        }
        /* a directive ends the graph text before it */
        char saved = *line;
        *line = '\0';
        int rc = flush(c, kind, name, section ? section : "", e);
        *line = saved;
        if (rc)
            return -1;
        kind[0] = '\0';
        section = NULL;
        if (nl)
            *nl = '\0';
        if (!strncmp(line, "# passes: ", 10)) {
            snprintf(c->passes, sizeof c->passes, "%s", line + 10);
        } else if (!strncmp(line, "# error: ", 9)) {
            snprintf(c->error, sizeof c->error, "%s", line + 9);
            c->has_error = true;
        } else if (!strncmp(line, "## class ", 9)) {
            if (!(c->tp.cur = ir_program_add_class(c->tp.p, line + 9, e)))
                return -1;
            c->tp.cur->is_module = true;
        } else if (!strncmp(line, "## attr ", 8)) {
            if (directive_attr(&c->tp, line + 8, e))
                return -1;
        } else if (!strncmp(line, "## func ", 8)) {
            snprintf(kind, sizeof kind, "func");
            snprintf(name, sizeof name, "%s", line + 8);
        } else if (!strncmp(line, "## extern ", 10)) {
            const char *q = line + 10, *dot = strrchr(q, '.');
            char cls[256];
            snprintf(cls, sizeof cls, "%.*s", dot ? (int)(dot - q) : 0, q);
            ir_class *owner = dot ? ir_program_find_class(c->tp.p, cls) : NULL;
            if (!ir_program_add_func(c->tp.p, owner, owner ? dot + 1 : q, e))
                return -1;
        } else if (!strcmp(line, "## main")) {
            snprintf(kind, sizeof kind, "main");
        } else if (line[1] == '#') {
            return rt_err_set(e, TSJ_ERR_FORMAT, "unknown directive '%s'", line);
        } /* else "# ...": a comment */
        if (nl)
            *nl = '\n';
        line = nl ? nl + 1 : NULL;
    }
    if (flush(c, kind, name, section ? section : "", e))
        return -1;
    if (!c->main)
        return rt_err_set(e, TSJ_ERR_FORMAT, "no '## main' graph");
    /* the object tree */
    const ir_block *body = &c->main->blocks[0];
    if (body->nparams) {
        const rt_type *st = c->main->values[body->params[0]].type;
        if (st->kind == RT_T_CLASS && st->cls) {
            if (instantiate(&c->tp, st->cls, &c->tp.p->root, 0, e))
                return -1;
            c->tp.p->root_class = (ir_class *)st->cls;
        }
    }
    return 0;
}

static void free_case(gcase *c)
{
    for (int i = 0; i < c->tp.ninits; i++)
        rt_value_release(c->tp.inits[i].value);
    ir_graph_free(c->main);
    ir_program_free(c->tp.p);
}

static int run_passes(gcase *c, rt_err *e)
{
    char list[256];
    snprintf(list, sizeof list, "%s", c->passes);
    for (char *tok = strtok(list, ", "); tok; tok = strtok(NULL, ", ")) {
        int rc;
        if (!strcmp(tok, "inline"))
            rc = ir_pass_inline(c->main, e);
        else if (!strcmp(tok, "fold_attrs"))
            rc = ir_pass_fold_attrs(c->main, c->tp.p->root, e);
        else if (!strcmp(tok, "const_prop"))
            rc = ir_pass_const_prop(c->main, e);
        else if (!strcmp(tok, "dce"))
            rc = ir_pass_dce(c->main, e);
        else if (!strcmp(tok, "optimize"))
            rc = ir_optimize(c->main, c->tp.p->root, e);
        else
            return rt_err_set(e, TSJ_ERR_FORMAT, "unknown pass '%s'", tok);
        if (rc)
            return -1;
        if (ir_verify(c->main, e)) {
            rt_err_prefix(e, "after %s", tok);
            return -1;
        }
    }
    return 0;
}

static void test_golden(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", ts_data_path("ir/passes"));
    char **names;
    int n = list_dir(dir, ".in", &names);
    assert_true(n >= 8);
    bool update = getenv("TSJ_UPDATE_GOLDEN") && !strcmp(getenv("TSJ_UPDATE_GOLDEN"), "1");
    int failures = 0;
    for (int i = 0; i < n; i++) {
        char path[2048], out_path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(out_path, sizeof out_path, "%.*s.out", (int)(strlen(path) - 3), path);
        char *text = read_text(path);
        assert_non_null(text);
        gcase c;
        rt_err e;
        rt_err_clear(&e);
        if (load_case(&c, text, &e)) {
            print_error("%s: cannot load: %s\n", names[i], e.msg);
            failures++;
        } else {
            int rc = run_passes(&c, &e);
            if (c.has_error) {
                if (!rc) {
                    print_error("%s: passes succeeded, expected: %s\n", names[i], c.error);
                    failures++;
                } else if (!strstr(e.msg, c.error)) {
                    print_error("%s: error\n  want: %s\n  got:  %s\n", names[i], c.error, e.msg);
                    failures++;
                }
            } else if (rc) {
                print_error("%s: %s\n", names[i], e.msg);
                failures++;
            } else {
                char *got = ir_print(c.main);
                char *want = read_text(out_path);
                if (update) {
                    assert_int_equal(write_text(out_path, got), 0);
                } else if (!want || strcmp(want, got)) {
                    print_error("%s: output differs from %s\n--- got:\n%s--- want:\n%s", names[i],
                                out_path, got, want ? want : "(missing)\n");
                    failures++;
                }
                free(want);
                free(got);
            }
        }
        free_case(&c);
        free(text);
        free(names[i]);
    }
    free(names);
    assert_int_equal(failures, 0);
}

/* ---- properties checked in C ---- */

/* A folded constant is shared by every run: const_prop must not fold a
 * tensor that an in-place op later writes into. */
static void test_no_fold_of_mutated(void **state)
{
    (void)state;
    const char *text =
        "graph(%x : Tensor):\n"
        "  %a : Tensor = prim::Constant[value=tensor(float32, [2], [1., 2.])]()\n"
        "  %one : int = prim::Constant[value=1]()\n"
        "  %b : Tensor = aten::add.Tensor(%a, %a, %one)\n"
        "  %c : Tensor = aten::add_.Tensor(%b, %x, %one)\n"
        "  %d : Tensor = aten::add.Tensor(%a, %a, %one)\n"
        "  %e : Tensor = aten::mul.Tensor(%d, %x)\n"
        "  return (%e)\n";
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_parse(text, NULL, &e);
    if (!g)
        fail_msg("%s", e.msg);
    assert_int_equal(ir_pass_const_prop(g, &e), 0);
    char *out = ir_print(g);
    /* %b feeds add_ and stays an op; %d is folded */
    assert_non_null(strstr(out, "%b : Tensor = aten::add.Tensor(%a, %a, %one)"));
    assert_non_null(strstr(out, "%d : Tensor = prim::Constant[value=tensor(float32, [2], [2., 4.])]()"));
    free(out);
    ir_graph_free(g);
}

/* Large results are not folded. */
static void test_no_fold_large(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_graph_new(&e);
    int64_t shape[2] = {80, 80};
    rt_tensor *t = rt_tensor_new(RT_F32, 2, shape, &e);
    ir_vid a = ir_const(g, 0, rt_tensor_value(t), &rt_type_tensor, (rt_loc){0}, &e);
    rt_tensor_release(t);
    const rt_type *tt = &rt_type_tensor;
    ir_nid r = ir_op(g, 0, rt_op_lookup("aten::relu"), &a, 1, &tt, 1, (rt_loc){0}, &e);
    ir_nid ng = ir_op(g, 0, rt_op_lookup("aten::neg"), &g->nodes[r].out[0], 1, &tt, 1,
                      (rt_loc){0}, &e);
    ir_vid x = ir_block_add_param(g, 0, tt, "x", &e);
    ir_nid m = ir_op(g, 0, rt_op_lookup("aten::mul.Tensor"),
                     (ir_vid[]){g->nodes[ng].out[0], x}, 2, &tt, 1, (rt_loc){0}, &e);
    ir_block_set_rets(g, 0, &g->nodes[m].out[0], 1, &e);
    assert_int_equal(ir_verify(g, &e), 0);
    assert_int_equal(ir_pass_const_prop(g, &e), 0);
    assert_int_equal(g->nodes[r].kind, IR_OP);
    assert_int_equal(g->nodes[ng].kind, IR_OP);
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_no_fold_of_mutated),
        cmocka_unit_test(test_no_fold_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
