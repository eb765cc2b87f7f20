/* test_ir_text.c — the IR text form: every tests/data/ir/NAME.ir parses and
 * prints back byte for byte; every tests/data/ir/bad/NAME.ir fails with the
 * message on its first line ("# error: <substring>"); exact floats;
 * program resolution of classes and callees. TSJ_UPDATE_GOLDEN=1 rewrites
 * the first line of the bad cases with the actual message. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "ir.h"

/* ---- file helpers (local to this test) ---- */

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

/* Sorted names in dir ending with ext; returns count (names malloc'd). */
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

static void free_list(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Prints a unified-ish diff hint: the first differing line. */
static void show_first_diff(const char *what, const char *want, const char *got)
{
    int line = 1;
    const char *a = want, *b = got;
    while (*a && *a == *b) {
        if (*a == '\n')
            line++;
        a++, b++;
    }
    const char *la = a, *lb = b;
    while (la > want && la[-1] != '\n')
        la--;
    while (lb > got && lb[-1] != '\n')
        lb--;
    print_error("%s: first difference at line %d\n  want: %.*s\n  got:  %.*s\n", what, line,
                (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

/* ---- round trip ---- */

static void test_roundtrip_files(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", ts_data_path("ir"));
    char **names;
    int n = list_dir(dir, ".ir", &names);
    assert_true(n >= 5);
    int failures = 0;
    for (int i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *text = read_text(path);
        assert_non_null(text);
        rt_err e;
        rt_err_clear(&e);
        ir_graph *g = ir_parse(text, NULL, &e);
        if (!g) {
            print_error("%s: %s\n", names[i], e.msg);
            failures++;
            free(text);
            continue;
        }
        char *out = ir_print(g);
        assert_non_null(out);
        if (strcmp(out, text)) {
            show_first_diff(names[i], text, out);
            failures++;
        }
        /* a clone prints the same, and so does a reparse of the output */
        ir_graph *c = ir_graph_clone(g, &e);
        assert_non_null(c);
        ir_graph_free(g);
        char *out2 = ir_print(c);
        assert_string_equal(out2, text);
        assert_int_equal(ir_verify(c, &e), 0);
        ir_graph_free(c);
        free(out2);
        free(out);
        free(text);
    }
    free_list(names, n);
    assert_int_equal(failures, 0);
}

/* ---- error cases ---- */

static void test_bad_files(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", ts_data_path("ir/bad"));
    char **names;
    int n = list_dir(dir, ".ir", &names);
    assert_true(n >= 10);
    bool update = getenv("TSJ_UPDATE_GOLDEN") && !strcmp(getenv("TSJ_UPDATE_GOLDEN"), "1");
    int failures = 0;
    for (int i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *text = read_text(path);
        assert_non_null(text);
        const char *tag = "# error: ";
        assert_true(!strncmp(text, tag, strlen(tag)));
        char *nl = strchr(text, '\n');
        assert_non_null(nl);
        *nl = '\0';
        const char *want = text + strlen(tag);
        const char *body = nl + 1;
        rt_err e;
        rt_err_clear(&e);
        ir_graph *g = ir_parse(body, NULL, &e);
        if (g) {
            print_error("%s: parsed, expected an error\n", names[i]);
            failures++;
            ir_graph_free(g);
        } else if (update) {
            size_t len = strlen(tag) + strlen(e.msg) + 1 + strlen(body) + 1;
            char *nt = malloc(len);
            snprintf(nt, len, "%s%s\n%s", tag, e.msg, body);
            assert_int_equal(write_text(path, nt), 0);
            free(nt);
        } else if (!strstr(e.msg, want)) {
            print_error("%s: error\n  want: %s\n  got:  %s\n", names[i], want, e.msg);
            failures++;
        } else {
            assert_int_not_equal(e.status, TSJ_OK);
        }
        free(text);
    }
    free_list(names, n);
    assert_int_equal(failures, 0);
}

/* ---- exact floats ---- */

static void test_float_exact(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_graph_new(&e);
    assert_non_null(g);
    double vals[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-310, 5e-324, 1.7976931348623157e308,
                     -123456.789, 3.141592653589793, 1e15, 1e16, 1e17, 123456789012345678.0,
                     INFINITY, -INFINITY, NAN};
    int nv = (int)(sizeof vals / sizeof vals[0]);
    uint64_t seed = 12345;
    ir_vid rets[64];
    int n = 0;
    for (int i = 0; i < nv + 40; i++) {
        double d;
        if (i < nv) {
            d = vals[i];
        } else {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t bits = seed ^ (seed >> 29);
            memcpy(&d, &bits, sizeof d);
            if (d != d)
                d = (double)(int64_t)bits * 1e-7;
        }
        rets[n++] = ir_const(g, 0, rt_float(d), &rt_type_float, (rt_loc){0}, &e);
        assert_int_not_equal(rets[n - 1], IR_NONE);
    }
    assert_int_equal(ir_block_set_rets(g, 0, rets, (uint32_t)n, &e), 0);
    char *text = ir_print(g);
    assert_non_null(text);
    ir_graph *h = ir_parse(text, NULL, &e);
    if (!h)
        fail_msg("%s\n%s", e.msg, text);
    for (int i = 0; i < n; i++) {
        const rt_value *a = ir_value_const(g, g->blocks[0].rets[i]);
        const rt_value *b = ir_value_const(h, h->blocks[0].rets[i]);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(b->kind, RT_FLOAT);
        if (a->u.f != a->u.f)
            assert_true(b->u.f != b->u.f);
        else
            assert_memory_equal(&a->u.f, &b->u.f, sizeof(double));
    }
    char *text2 = ir_print(h);
    assert_string_equal(text, text2);
    free(text);
    free(text2);
    ir_graph_free(g);
    ir_graph_free(h);
}

/* ---- large tensors print without values and are refused ---- */

static void test_large_tensor(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_graph_new(&e);
    int64_t shape[2] = {3, 40};
    rt_tensor *t = rt_tensor_new(RT_F32, 2, shape, &e);
    assert_non_null(t);
    ir_vid v = ir_const(g, 0, rt_tensor_value(t), &rt_type_tensor, (rt_loc){0}, &e);
    rt_tensor_release(t);
    assert_int_equal(ir_block_set_rets(g, 0, &v, 1, &e), 0);
    char *text = ir_print(g);
    assert_string_equal(text, "graph():\n"
                              "  %0 : Tensor = prim::Constant[value=<Tensor float32 [3, 40]>]()\n"
                              "  return (%0)\n");
    assert_null(ir_parse(text, NULL, &e));
    assert_non_null(strstr(e.msg, "printed without its values"));
    assert_non_null(strstr(e.msg, "line 2:"));
    free(text);
    ir_graph_free(g);
}

/* ---- non-contiguous tensors print in logical order ---- */

static void test_strided_tensor(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_graph_new(&e);
    float data[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[2] = {2, 3};
    rt_tensor *t = ts_tensor_f32(2, shape, data);
    int64_t tshape[2] = {3, 2}, tstrides[2] = {1, 3};
    rt_tensor *tt = rt_tensor_view(t->storage, RT_F32, 2, tshape, tstrides, 0, &e);
    assert_non_null(tt);
    ir_vid v = ir_const(g, 0, rt_tensor_value(tt), &rt_type_tensor, (rt_loc){0}, &e);
    rt_tensor_release(tt);
    rt_tensor_release(t);
    assert_int_equal(ir_block_set_rets(g, 0, &v, 1, &e), 0);
    char *text = ir_print(g);
    assert_non_null(strstr(text, "tensor(float32, [3, 2], [1., 4., 2., 5., 3., 6.])"));
    ir_graph *h = ir_parse(text, NULL, &e);
    assert_non_null(h);
    char *text2 = ir_print(h);
    assert_string_equal(text, text2);
    free(text);
    free(text2);
    ir_graph_free(g);
    ir_graph_free(h);
}

/* ---- names are made unique when printing built graphs ---- */

static void test_unique_names(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_graph_new(&e);
    ir_vid x = ir_block_add_param(g, 0, &rt_type_int, "x", &e);
    ir_vid a = ir_const(g, 0, rt_int(1), &rt_type_int, (rt_loc){0}, &e);
    ir_vid b = ir_const(g, 0, rt_int(2), &rt_type_int, (rt_loc){0}, &e);
    ir_vid c = ir_const(g, 0, rt_int(3), &rt_type_int, (rt_loc){0}, &e);
    ir_vid d = ir_const(g, 0, rt_int(4), &rt_type_int, (rt_loc){0}, &e);
    ir_value_set_name(g, a, "x", &e);
    ir_value_set_name(g, b, "x.1", &e);
    ir_value_set_name(g, c, "bad name!", &e);
    (void)d; /* unnamed: printed by id */
    ir_vid rets[5] = {x, a, b, c, d};
    ir_block_set_rets(g, 0, rets, 5, &e);
    char *text = ir_print(g);
    assert_string_equal(text, "graph(%x : int):\n"
                              "  %x.1 : int = prim::Constant[value=1]()\n"
                              "  %x.2 : int = prim::Constant[value=2]()\n"
                              "  %bad_name_ : int = prim::Constant[value=3]()\n"
                              "  %4 : int = prim::Constant[value=4]()\n"
                              "  return (%x, %x.1, %x.2, %bad_name_, %4)\n");
    ir_graph *h = ir_parse(text, NULL, &e);
    assert_non_null(h);
    char *text2 = ir_print(h);
    assert_string_equal(text, text2);
    free(text);
    free(text2);
    ir_graph_free(g);
    ir_graph_free(h);
}

/* ---- program resolution: classes, attribute slots, callees ---- */

static const char *CALLS =
    "graph(%self : __torch__.M, %x : Tensor):\n"
    "  %sub : __torch__.Sub = prim::GetAttr[name=\"sub\"](%self)\n"
    "  %y : Tensor = prim::CallMethod[fn=\"__torch__.Sub.forward\"](%sub, %x)  # m.py:3:4\n"
    "  %z : Tensor = prim::CallFunction[fn=\"__torch__.helper\"](%y)\n"
    "  %o : __torch__.Sub = prim::CreateObject()\n"
    "   = prim::SetAttr[name=\"sub\"](%self, %o)\n"
    "  return (%z)\n";

static ir_program *make_program(void)
{
    rt_err e;
    rt_err_clear(&e);
    ir_program *p = ir_program_new(&e);
    assert_non_null(p);
    ir_class *m = ir_program_add_class(p, "__torch__.M", &e);
    ir_class *s = ir_program_add_class(p, "__torch__.Sub", &e);
    assert_non_null(m);
    assert_non_null(s);
    m->is_module = s->is_module = true;
    assert_int_equal(ir_class_add_attr(p, m, "weight", &rt_type_tensor, &e), 0);
    assert_int_equal(ir_class_add_attr(p, m, "sub", s->type, &e), 1);
    assert_int_equal(ir_class_add_attr(p, s, "bias", &rt_type_tensor, &e), 0);
    assert_int_equal(ir_class_add_attr(p, m, "sub", s->type, &e), -1);
    ir_func *fwd = ir_program_add_func(p, s, "forward", &e);
    assert_non_null(fwd);
    assert_string_equal(fwd->qualname, "__torch__.Sub.forward");
    ir_func *h = ir_program_add_func(p, NULL, "__torch__.helper", &e);
    assert_non_null(h);
    assert_string_equal(h->name, "helper");
    assert_ptr_equal(ir_program_find_func(p, "__torch__.Sub.forward"), fwd);
    assert_ptr_equal(ir_program_find_func(p, "__torch__.helper"), h);
    assert_null(ir_program_find_func(p, "__torch__.nope"));
    assert_ptr_equal(ir_program_find_class(p, "__torch__.Sub"), s);
    return p;
}

static void test_program_resolution(void **state)
{
    (void)state;
    ir_program *p = make_program();
    rt_err e;
    rt_err_clear(&e);
    ir_graph *g = ir_parse(CALLS, p, &e);
    if (!g)
        fail_msg("%s", e.msg);
    const ir_class *m = ir_program_find_class(p, "__torch__.M");
    assert_ptr_equal(g->values[g->blocks[0].params[0]].type, m->type);
    const ir_node *get = &g->nodes[g->blocks[0].nodes[0]];
    assert_int_equal(get->kind, IR_GETATTR);
    assert_int_equal(get->slot, 1);
    const ir_node *call = &g->nodes[g->blocks[0].nodes[1]];
    assert_int_equal(call->kind, IR_CALL);
    assert_ptr_equal(call->fn, ir_program_find_func(p, "__torch__.Sub.forward"));
    assert_int_equal(call->loc.line, 3);
    const ir_node *co = &g->nodes[g->blocks[0].nodes[3]];
    assert_ptr_equal(co->cls, ir_program_find_class(p, "__torch__.Sub"));
    char *text = ir_print(g);
    assert_string_equal(text, CALLS);
    free(text);
    ir_graph_free(g);

    /* CallMethod by name, resolved through the first argument's class */
    const char *by_name =
        "graph(%s : __torch__.Sub, %x : Tensor):\n"
        "  %y : Tensor = prim::CallMethod[name=\"forward\"](%s, %x)\n"
        "  return (%y)\n";
    g = ir_parse(by_name, p, &e);
    assert_non_null(g);
    text = ir_print(g);
    assert_non_null(strstr(text, "prim::CallMethod[fn=\"__torch__.Sub.forward\"](%s, %x)"));
    free(text);
    ir_graph_free(g);

    /* errors that need the program */
    const char *bad_attr = "graph(%self : __torch__.M):\n"
                           "  %w : Tensor = prim::GetAttr[name=\"nope\"](%self)\n"
                           "  return (%w)\n";
    assert_null(ir_parse(bad_attr, p, &e));
    assert_non_null(strstr(e.msg, "class __torch__.M has no attribute 'nope'"));
    const char *bad_fn = "graph(%x : Tensor):\n"
                         "  %y : Tensor = prim::CallFunction[fn=\"__torch__.nope\"](%x)\n"
                         "  return (%y)\n";
    assert_null(ir_parse(bad_fn, p, &e));
    assert_non_null(strstr(e.msg, "unknown function '__torch__.nope'"));
    assert_null(ir_parse(CALLS, NULL, &e));
    assert_non_null(strstr(e.msg, "without a program"));
    /* without a program class types stay named */
    const char *named = "graph(%self : __torch__.M):\n"
                        "  %w : Tensor = prim::GetAttr[name=\"anything\"](%self)\n"
                        "  return (%w)\n";
    g = ir_parse(named, NULL, &e);
    assert_non_null(g);
    assert_null(g->values[0].type->cls);
    assert_string_equal(g->values[0].type->name, "__torch__.M");
    ir_graph_free(g);
    ir_program_free(p);
}

/* ---- ir_print_file ---- */

static void test_print_file(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    const char *text = "graph(%x : Tensor):\n  %1 : Tensor = aten::relu(%x)\n  return (%1)\n";
    ir_graph *g = ir_parse(text, NULL, &e);
    assert_non_null(g);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ir_print_file(g, f), 0);
    fclose(f);
    assert_string_equal(buf, text);
    free(buf);
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_files),  cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_float_exact),      cmocka_unit_test(test_large_tensor),
        cmocka_unit_test(test_strided_tensor),   cmocka_unit_test(test_unique_names),
        cmocka_unit_test(test_program_resolution), cmocka_unit_test(test_print_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
