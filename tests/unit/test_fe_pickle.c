/*
 * test_fe_pickle.c — the restricted unpickler: values and containers from
 * hand-made byte strings, real TorchScript pickles (tests/data/pickle,
 * made by tests/gen/gen_archive_cases.py), caller callbacks, and one test
 * per hostile input asserting its error message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fe_pickle.h"

/* A literal byte string and its length (without the literal's NUL). */
#define P(s) (s), (sizeof(s) - 1)

/* ---- helpers ---- */
static char *read_data(const char *rel, size_t *size)
{
    const char *dir = getenv("TSJ_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "data", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* Fake storage loader: every record is `nbytes` long and holds float32
 * values 0, 1, 2, ... (or fails when `fail` is set). */
typedef struct loader {
    int calls;
    size_t nbytes;
    bool fail;
    char last[64];
} loader;

static rt_storage *fake_load(void *ctx, const char *record, rt_err *e)
{
    loader *l = ctx;
    l->calls++;
    snprintf(l->last, sizeof l->last, "%s", record);
    if (l->fail) {
        rt_err_set(e, TSJ_ERR_IO, "test loader refuses '%s'", record);
        return NULL;
    }
    rt_storage *s = rt_storage_new(l->nbytes, e);
    if (s)
        for (size_t i = 0; i < l->nbytes / 4; i++)
            ((float *)s->data)[i] = (float)i;
    return s;
}

static int load_with(const char *bytes, size_t n, const fe_pickle_opts *o, rt_value *out,
                     rt_err *e)
{
    rt_err_clear(e);
    return fe_pickle_load("t.pkl", bytes, n, o, out, e);
}

/* Asserts that loading fails with a message that starts with "t.pkl: "
 * and contains `want`, and that *out stays None. */
static void expect_error_opts(const char *bytes, size_t n, const fe_pickle_opts *o,
                              const char *want)
{
    rt_err e;
    rt_value v = rt_int(42);
    int rc = load_with(bytes, n, o, &v, &e);
    if (rc == 0) {
        rt_value_release(v);
        fail_msg("expected an error containing \"%s\", got success", want);
    }
    assert_int_equal(v.kind, RT_NONE);
    assert_int_not_equal(e.status, TSJ_OK);
    if (!strstr(e.msg, want))
        fail_msg("error \"%s\" does not contain \"%s\"", e.msg, want);
}

static void expect_error(const char *bytes, size_t n, const char *want)
{
    expect_error_opts(bytes, n, NULL, want);
    rt_err e;
    rt_value v;
    load_with(bytes, n, NULL, &v, &e);
    if (strncmp(e.msg, "t.pkl: ", 7) != 0)
        fail_msg("error \"%s\" does not name the pickle", e.msg);
}

static void expect_file_error(const char *rel, const char *want)
{
    size_t n;
    char *buf = read_data(rel, &n);
    expect_error(buf, n, want);
    free(buf);
}

static rt_value dict_get(rt_value d, const char *key)
{
    assert_int_equal(d.kind, RT_DICT);
    for (size_t i = 0; i < d.u.dict->len; i++)
        if (d.u.dict->keys[i].kind == RT_STR && strcmp(rt_str_cstr(d.u.dict->keys[i]), key) == 0)
            return d.u.dict->values[i];
    fail_msg("dict has no key '%s'", key);
    return rt_none();
}

static rt_value generic_state(rt_value obj, const char *qualname)
{
    assert_int_equal(obj.kind, RT_OBJECT);
    assert_null(obj.u.object->cls);
    assert_int_equal(obj.u.object->nslots, FE_PICKLE_GENERIC_NSLOTS);
    assert_string_equal(rt_str_cstr(obj.u.object->slots[FE_PICKLE_GENERIC_QUALNAME]), qualname);
    return obj.u.object->slots[FE_PICKLE_GENERIC_STATE];
}

static void assert_shape(const rt_tensor *t, int ndim, const int64_t *shape, const int64_t *strides,
                         int64_t offset, rt_dtype dtype)
{
    assert_int_equal(t->ndim, ndim);
    assert_int_equal(t->dtype, dtype);
    assert_int_equal(t->offset, offset);
    for (int i = 0; i < ndim; i++) {
        assert_int_equal(t->shape[i], shape[i]);
        assert_int_equal(t->strides[i], strides[i]);
    }
}

/* ---- values ---- */
static void test_fe_pickle_scalars(void **state)
{
    (void)state;
    rt_err e;
    rt_value v;
    /* (7, -1, 0x1234, 2**32, -1 (LONG1), 1.5, True, False, None, "hi", 0 (LONG1 0 bytes)) */
    int rc = load_with(P("\x80\x02(K\x07J\xff\xff\xff\xffM\x34\x12\x8a\x05\x00\x00\x00\x00\x01"
                         "\x8a\x01\xffG?\xf8\x00\x00\x00\x00\x00\x00\x88\x89NX\x02\x00\x00\x00hi"
                         "\x8a\x00t."),
                       NULL, &v, &e);
    assert_int_equal(rc, 0);
    assert_int_equal(v.kind, RT_TUPLE);
    rt_list *t = v.u.list;
    assert_int_equal(t->len, 11);
    assert_int_equal(t->items[0].u.i, 7);
    assert_int_equal(t->items[1].u.i, -1);
    assert_int_equal(t->items[2].u.i, 0x1234);
    assert_int_equal(t->items[3].u.i, (int64_t)1 << 32);
    assert_int_equal(t->items[4].u.i, -1);
    assert_int_equal(t->items[5].kind, RT_FLOAT);
    assert_true(t->items[5].u.f == 1.5);
    assert_true(t->items[6].kind == RT_BOOL && t->items[6].u.b);
    assert_true(t->items[7].kind == RT_BOOL && !t->items[7].u.b);
    assert_int_equal(t->items[8].kind, RT_NONE);
    assert_string_equal(rt_str_cstr(t->items[9]), "hi");
    assert_int_equal(t->items[10].kind, RT_INT);
    assert_int_equal(t->items[10].u.i, 0);
    rt_value_release(v);
}

static void test_fe_pickle_containers_and_memo(void **state)
{
    (void)state;
    rt_err e;
    rt_value v;
    /* s = [1, 2] (memo 0); d = {'k': s, 3: None} (memo 1);
     * result (s, d, (), (1,), (1, 2, 3), (s, d)) */
    int rc = load_with(P("\x80\x02("
                     "]q\x00(K\x01K\x02" "e"
                     "}r\x01\x00\x00\x00(X\x01\x00\x00\x00kh\x00uK\x03Ns"
                     ")K\x01\x85K\x01K\x02K\x03\x87"
                     "j\x00\x00\x00\x00"
                     "h\x01\x86t."),
                   NULL, &v, &e);
    assert_int_equal(rc, 0);
    assert_int_equal(v.kind, RT_TUPLE);
    rt_list *t = v.u.list;
    assert_int_equal(t->len, 6);
    rt_value s = t->items[0], d = t->items[1];
    assert_int_equal(s.kind, RT_LIST);
    assert_int_equal(s.u.list->len, 2);
    assert_int_equal(s.u.list->items[1].u.i, 2);
    assert_int_equal(d.kind, RT_DICT);
    assert_int_equal(d.u.dict->len, 2);
    assert_ptr_equal(dict_get(d, "k").u.list, s.u.list); /* shared through the memo */
    assert_int_equal(d.u.dict->keys[1].u.i, 3);
    assert_int_equal(t->items[2].u.list->len, 0);
    assert_int_equal(t->items[3].u.list->len, 1);
    assert_int_equal(t->items[4].u.list->len, 3);
    rt_value pair = t->items[5];
    assert_int_equal(pair.kind, RT_TUPLE);
    assert_ptr_equal(pair.u.list->items[0].u.list, s.u.list);
    assert_ptr_equal(pair.u.list->items[1].u.dict, d.u.dict);
    rt_value_release(v);
}

static void test_fe_pickle_dict_replaces_equal_keys(void **state)
{
    (void)state;
    rt_err e;
    rt_value v;
    /* {1: 'a', True: 'b', 1.0: 'c', 'x': 1} -> {1: 'c', 'x': 1} as in Python */
    assert_int_equal(load_with(P("\x80\x02}(K\x01X\x01\x00\x00\x00" "a\x88X\x01\x00\x00\x00" "b"
                                 "G?\xf0\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00" "c"
                                 "X\x01\x00\x00\x00xK\x01u."),
                               NULL, &v, &e),
                     0);
    assert_int_equal(v.u.dict->len, 2);
    assert_string_equal(rt_str_cstr(v.u.dict->values[0]), "c");
    rt_value_release(v);
}

static void check_plain(const char *rel)
{
    size_t n;
    char *buf = read_data(rel, &n);
    rt_err e;
    rt_value v;
    int rc = load_with(buf, n, NULL, &v, &e);
    free(buf);
    if (rc)
        fail_msg("%s: %s", rel, e.msg);
    rt_value ints = dict_get(v, "ints");
    static const int64_t want[] = {0,     1,          -1,         255,           256,
                                   65535, 65536,      -2147483648, 2147483648,  INT64_MAX,
                                   INT64_MIN};
    assert_int_equal(ints.u.list->len, 11);
    for (size_t i = 0; i < 11; i++)
        assert_int_equal(ints.u.list->items[i].u.i, want[i]);
    rt_value floats = dict_get(v, "floats");
    assert_true(floats.u.list->items[0].u.f == 0.5);
    assert_true(floats.u.list->items[1].u.f == -1e300);
    rt_value flags = dict_get(v, "flags");
    assert_int_equal(flags.kind, RT_TUPLE);
    assert_true(flags.u.list->items[0].u.b);
    assert_int_equal(flags.u.list->items[2].kind, RT_NONE);
    assert_string_equal(rt_str_cstr(dict_get(v, "text")), "h\xc3\xa9llo \xe2\x9c\x93");
    rt_value nested = dict_get(v, "nested");
    assert_int_equal(nested.u.list->items[1].kind, RT_TUPLE);
    assert_int_equal(nested.u.list->items[1].u.list->items[1].u.list->items[0].u.i, 3);
    assert_ptr_equal(dict_get(v, "a").u.list, dict_get(v, "b").u.list);
    rt_value_release(v);
}

static void test_fe_pickle_python_protocol2(void **state)
{
    (void)state;
    check_plain("pickle/plain_p2.pkl");
}

static void test_fe_pickle_python_protocol4(void **state)
{
    (void)state;
    check_plain("pickle/plain_p4.pkl");
}

/* ---- real TorchScript pickles ---- */
static void test_fe_pickle_torchscript_module_generic(void **state)
{
    (void)state;
    size_t n;
    char *buf = read_data("pickle/scripted_data.pkl", &n);
    loader l = {.nbytes = 4096};
    fe_pickle_opts o = {.ctx = &l, .load_storage = fake_load};
    rt_err e;
    rt_value v;
    int rc = load_with(buf, n, &o, &v, &e);
    free(buf);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(l.calls, 6); /* data/0..5 once each; 'view' shares data/0 */
    rt_value st = generic_state(v, "__torch__.Scripted");
    rt_tensor *base = dict_get(st, "base").u.tensor;
    rt_tensor *view = dict_get(st, "view").u.tensor;
    assert_shape(base, 2, (int64_t[]){4, 6}, (int64_t[]){6, 1}, 0, RT_F32);
    assert_shape(view, 2, (int64_t[]){3, 3}, (int64_t[]){6, 2}, 6, RT_F32);
    assert_ptr_equal(base->storage, view->storage);
    assert_true(((float *)rt_tensor_data(view))[2 * 6 + 2 * 2] == 6 + 12 + 4);
    assert_int_equal(dict_get(st, "steps").u.tensor->dtype, RT_I64);
    assert_int_equal(dict_get(st, "halfs").u.tensor->dtype, RT_F16);
    assert_int_equal(dict_get(st, "mask").u.tensor->dtype, RT_BOOL_);
    assert_int_equal(dict_get(st, "count").u.i, 7);
    assert_true(dict_get(st, "scale").u.f == 0.5);
    assert_true(dict_get(st, "flag").u.b);
    assert_string_equal(rt_str_cstr(dict_get(st, "label")), "tsjit");
    rt_value sizes = dict_get(st, "sizes");
    assert_int_equal(sizes.kind, RT_LIST);
    assert_int_equal(sizes.u.list->len, 3);
    assert_int_equal(sizes.u.list->items[2].u.i, 3);
    rt_value table = dict_get(st, "table");
    assert_int_equal(dict_get(table, "b").u.i, 2);
    rt_value pair = dict_get(st, "pair");
    assert_int_equal(pair.kind, RT_TUPLE);
    assert_true(pair.u.list->items[1].u.f == 1.25);
    assert_int_equal(dict_get(st, "maybe").kind, RT_NONE);
    rt_value inner = generic_state(dict_get(st, "inner"), "__torch__.Inner");
    rt_value fc = generic_state(dict_get(inner, "fc"), "__torch__.torch.nn.modules.linear.Linear");
    assert_shape(dict_get(fc, "weight").u.tensor, 2, (int64_t[]){3, 4}, (int64_t[]){4, 1}, 0,
                 RT_F32);
    rt_value_release(v);
}

static void test_fe_pickle_torchscript_constants(void **state)
{
    (void)state;
    size_t n;
    char *buf = read_data("pickle/traced_constants.pkl", &n);
    loader l = {.nbytes = 8};
    fe_pickle_opts o = {.ctx = &l, .load_storage = fake_load, .storage_dir = "constants/"};
    rt_err e;
    rt_value v;
    int rc = load_with(buf, n, &o, &v, &e);
    free(buf);
    if (rc)
        fail_msg("%s", e.msg);
    assert_string_equal(l.last, "constants/0");
    assert_int_equal(v.kind, RT_TUPLE);
    assert_int_equal(v.u.list->len, 1);
    rt_tensor *c0 = v.u.list->items[0].u.tensor;
    assert_shape(c0, 1, (int64_t[]){2}, (int64_t[]){1}, 0, RT_F32);
    assert_true(((float *)rt_tensor_data(c0))[1] == 1.0f);
    rt_value_release(v);

    buf = read_data("pickle/scripted_constants.pkl", &n); /* an empty tuple */
    assert_int_equal(load_with(buf, n, &o, &v, &e), 0);
    free(buf);
    assert_int_equal(v.kind, RT_TUPLE);
    assert_int_equal(v.u.list->len, 0);
    rt_value_release(v);
}

/* Resolver mode: classes come from the caller. */
typedef struct classes {
    char names[8][128];
    int nresolved, nbuilt;
    int fail_resolve; /* 1: NULL without message, 2: NULL with message */
    bool fail_build;
} classes;

static const void *test_resolve(void *ctx, const char *qualname, rt_err *e)
{
    classes *c = ctx;
    if (c->fail_resolve == 2) {
        rt_err_set(e, TSJ_ERR_TYPE, "caller does not know %s", qualname);
        return NULL;
    }
    if (c->fail_resolve == 1 || c->nresolved == 8)
        return NULL;
    snprintf(c->names[c->nresolved], sizeof c->names[0], "%s", qualname);
    return c->names[c->nresolved++];
}

static int test_build(void *ctx, const void *cls, rt_value state, rt_value *out, rt_err *e)
{
    classes *c = ctx;
    if (c->fail_build)
        return rt_err_set(e, TSJ_ERR_TYPE, "cannot build %s", (const char *)cls);
    c->nbuilt++;
    if (rt_object_new(cls, 1, out, e))
        return -1;
    out->u.object->slots[0] = rt_value_retain(state);
    return 0;
}

static void test_fe_pickle_resolver_callbacks(void **state)
{
    (void)state;
    classes c = {0};
    fe_pickle_opts o2 = {.ctx = &c, .resolve_class = test_resolve, .build_object = test_build};
    rt_err e;
    rt_value v;
    /* M() with {'a': sub.S() with {}, 'b': sub.S() with {}} */
    static const char pkl[] = "\x80\x02" "c__torch__\nM\n)\x81}(X\x01\x00\x00\x00" "a"
                              "c__torch__.sub\nS\n)\x81}b"
                              "X\x01\x00\x00\x00" "b" "c__torch__.sub\nS\n)\x81}b"
                              "ub.";
    int rc = load_with(pkl, sizeof pkl - 1, &o2, &v, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(c.nresolved, 2); /* once per name */
    assert_string_equal(c.names[0], "__torch__.M");
    assert_string_equal(c.names[1], "__torch__.sub.S");
    assert_int_equal(c.nbuilt, 3);
    assert_ptr_equal(v.u.object->cls, c.names[0]);
    rt_value a = dict_get(v.u.object->slots[0], "a");
    assert_ptr_equal(a.u.object->cls, c.names[1]);
    rt_value_release(v);

    c = (classes){.fail_resolve = 1};
    expect_error_opts(pkl, sizeof pkl - 1, &o2, "unknown class '__torch__.M'");
    c = (classes){.fail_resolve = 2};
    expect_error_opts(pkl, sizeof pkl - 1, &o2, "caller does not know __torch__.M");
    c = (classes){.fail_build = true};
    expect_error_opts(pkl, sizeof pkl - 1, &o2, "cannot build __torch__.sub.S");
}

static void test_fe_pickle_storage_cache_and_views(void **state)
{
    (void)state;
    /* two tensors over storage key '7': a [2,2] and its transpose */
#define PERSID "((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00" "7X\x03\x00\x00\x00" "cpuK\x04tQ"
#define HOOKS "ccollections\nOrderedDict\n)R"
    static const char pkl[] = "\x80\x02(ctorch._utils\n_rebuild_tensor_v2\n" PERSID
                              "K\x00(K\x02K\x02t(K\x02K\x01t\x89" HOOKS "tR"
                              "ctorch._utils\n_rebuild_tensor_v2\n" PERSID
                              "K\x00(K\x02K\x02t(K\x01K\x02t\x89" HOOKS "tRt.";
    loader l = {.nbytes = 16};
    fe_pickle_opts o = {.ctx = &l, .load_storage = fake_load};
    rt_err e;
    rt_value v;
    int rc = load_with(pkl, sizeof pkl - 1, &o, &v, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(l.calls, 1);
    assert_string_equal(l.last, "data/7");
    rt_tensor *a = v.u.list->items[0].u.tensor, *b = v.u.list->items[1].u.tensor;
    assert_ptr_equal(a->storage, b->storage);
    assert_int_equal(b->strides[0], 1);
    assert_int_equal(b->strides[1], 2);
    rt_value_release(v);

    /* storage shorter than its tensor */
    l = (loader){.nbytes = 12};
    expect_error_opts(pkl, sizeof pkl - 1, &o, "storage 'data/7' holds 12 bytes but its tensor "
                                                 "needs 16");
    /* the loader's own error passes through */
    l = (loader){.nbytes = 16, .fail = true};
    expect_error_opts(pkl, sizeof pkl - 1, &o, "test loader refuses 'data/7'");
    /* no loader at all */
    expect_error_opts(pkl, sizeof pkl - 1, NULL, "tensor storage 'data/7' but no storage loader");
}

static void test_fe_pickle_empty_storage_needs_no_loader(void **state)
{
    (void)state;
    static const char pkl[] =
        "\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n("
        "(X\x07\x00\x00\x00storagectorch\nLongStorage\nX\x01\x00\x00\x00" "0X\x03\x00\x00\x00" "cpuK\x00tQ"
        "K\x00(K\x00K\x03t(K\x03K\x01t\x89NtR.";
    rt_err e;
    rt_value v;
    int rc = load_with(pkl, sizeof pkl - 1, NULL, &v, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(v.kind, RT_TENSOR);
    assert_int_equal(v.u.tensor->shape[0], 0);
    assert_int_equal(v.u.tensor->dtype, RT_I64);
    rt_value_release(v);
}

/* ---- hostile: globals ---- */
static void test_fe_pickle_refuses_os_system(void **state)
{
    (void)state;
    expect_error(P("\x80\x02" "cos\nsystem\nX\x04\x00\x00\x00true\x85R."),
                 "t.pkl: pickle global 'os.system' is not allowed (at byte 2)");
}

static void test_fe_pickle_refuses_posix_system_file(void **state)
{
    (void)state;
    expect_file_error("pickle/posix_system.pkl", "pickle global 'posix.system' is not allowed");
}

static void test_fe_pickle_refuses_eval_file(void **state)
{
    (void)state;
    expect_file_error("pickle/builtins_eval.pkl", "pickle global '__builtin__.eval' is not allowed");
    expect_error(P("\x80\x02" "cbuiltins\neval\n."), "pickle global 'builtins.eval' is not allowed");
}

static void test_fe_pickle_refuses_subprocess(void **state)
{
    (void)state;
    expect_file_error("pickle/subprocess_popen.pkl", "pickle global 'commands.Popen' is not allowed");
    expect_file_error("pickle/subprocess_popen_p4.pkl",
                      "pickle global 'subprocess.Popen' is not allowed");
}

static void test_fe_pickle_refuses_other_torch_globals(void **state)
{
    (void)state;
    expect_error(P("\x80\x02" "ctorch\nload\n."), "pickle global 'torch.load' is not allowed");
    expect_error(P("\x80\x02" "ctorch._utils\n_rebuild_qtensor\n."),
                 "pickle global 'torch._utils._rebuild_qtensor' is not allowed");
    expect_error(P("\x80\x02" "c__torch__x\nFoo\n."), "pickle global '__torch__x.Foo' is not allowed");
    expect_error(P("\x80\x02" "c__torch__\nFoo bar\n."), "malformed class name '__torch__.Foo bar'");
    expect_error(P("\x80\x02" "cos\nsys"), "truncated GLOBAL: name not terminated by a newline");
}

static void test_fe_pickle_bare_global_in_result(void **state)
{
    (void)state;
    expect_error(P("\x80\x02" "ccollections\nOrderedDict\n."),
                 "the global 'collections.OrderedDict' cannot be stored in the result");
    expect_error(P("\x80\x02" "ctorch\nFloatStorage\n\x85."),
                 "a Tuple holding a bare global cannot be stored in the result");
    expect_error(P("\x80\x02" "]ctorch\nFloatStorage\na."),
                 "the global 'torch.FloatStorage' cannot be stored in a list");
    expect_error(P("\x80\x02" "c__torch__\nM\n)\x81}X\x01\x00\x00\x00kctorch\nFloatStorage\nsb."),
                 "the global 'torch.FloatStorage' cannot be stored in a dict");
    expect_error(P("\x80\x02" "c__torch__\nM\n)\x81."),
                 "an unbuilt object of class '__torch__.M' cannot be stored in the result");
}

static void test_fe_pickle_misused_opcodes(void **state)
{
    (void)state;
    expect_error(P("\x80\x02" "NNb."), "BUILD on a NoneType is not supported");
    expect_error(P("\x80\x02" "ccollections\nOrderedDict\n)\x81."),
                 "NEWOBJ on the global 'collections.OrderedDict', not a class");
    expect_error(P("\x80\x02" "c__torch__\nM\nK\x01\x85\x81."),
                 "NEWOBJ of '__torch__.M' with arguments is not supported");
    expect_error(P("\x80\x02" "N)R."), "REDUCE calls a NoneType, not an allowed function");
    expect_error(P("\x80\x02" "c__torch__\nM\n)R."), "REDUCE on '__torch__.M' is not supported");
    expect_error(P("\x80\x02" "ctorch.jit._pickle\nbuild_intlist\nNR."),
                 "REDUCE arguments of torch.jit._pickle.build_intlist are a NoneType, not a tuple");
    expect_error(P("\x80\x02" "ctorch.jit._pickle\nbuild_intlist\n](X\x01\x00\x00\x00xe\x85R."),
                 "torch.jit._pickle.build_intlist: element 0 is a str, not a int");
    expect_error(P("\x80\x02" "NK\x01" "e."), "APPENDS without a MARK");
    expect_error(P("\x80\x02" "(K\x01" "e."), "APPENDS has no list below its MARK");
    expect_error(P("\x80\x02" "N(K\x01" "e."), "APPENDS on a NoneType (expected a List)");
    expect_error(P("\x80\x02" "}(K\x01u."), "SETITEMS with an odd number of values (1)");
    expect_error(P("\x80\x02" "}]Ns."), "dict key is a List (keys must be");
    expect_error(P("\x80\x02" "iabc\n."), "unsupported pickle opcode 0x69 ('i')");
    expect_error(P("\x80\x02" "\xff."), "unsupported pickle opcode 0xff");
    expect_error(P("\x80\x09N."), "unsupported pickle protocol 9");
    expect_error(P("\x80\x02" "C\x01x."), "unsupported pickle opcode 0x43 ('C')");
}

/* ---- hostile: tensors ---- */
static void test_fe_pickle_bad_persistent_ids(void **state)
{
    (void)state;
    loader l = {.nbytes = 64};
    fe_pickle_opts o = {.ctx = &l, .load_storage = fake_load};
    expect_error_opts(P("\x80\x02" "NQ."), &o, "persistent id is a NoneType, not a 5-tuple");
    expect_error_opts(P("\x80\x02" "(X\x03\x00\x00\x00" "abcNNNNtQ."), &o,
                      "unknown persistent id (only 'storage' is supported)");
    expect_error_opts(P("\x80\x02" "(X\x07\x00\x00\x00storageNX\x01\x00\x00\x00" "0NK\x01tQ."), &o,
                      "persistent id's storage type is a NoneType, not a torch.*Storage");
    expect_error_opts(
        P("\x80\x02" "(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x04\x00\x00\x00../xNK\x01tQ."),
        &o, "persistent id's storage key '../x' is not a plain name");
    expect_error_opts(
        P("\x80\x02" "(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00" "0X\x03\x00"
          "\x00\x00" "cpuJ\xff\xff\xff\xfftQ."),
        &o, "persistent id's element count is not an int >= 0");
    expect_error_opts(
        P("\x80\x02" "(X\x07\x00\x00\x00storagectorch\nDoubleStorage\nX\x01\x00\x00\x00" "0X\x03\x00"
          "\x00\x00" "cpu\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7ftQ."),
        &o, "storage of 9223372036854775807 elements is too large");
    assert_int_equal(l.calls, 0);
}

static void test_fe_pickle_storage_shorter_than_tensor(void **state)
{
    (void)state;
    loader l = {.nbytes = 100};
    fe_pickle_opts o = {.ctx = &l, .load_storage = fake_load};
    expect_error_opts(
        P("\x80\x02" "(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00" "3X\x03\x00"
          "\x00\x00" "cpuKdtQ."),
        &o, "storage 'data/3' holds 100 bytes but its tensor needs 400");
}

static void test_fe_pickle_view_outside_storage(void **state)
{
    (void)state;
    loader l = {.nbytes = 16};
    fe_pickle_opts o = {.ctx = &l, .load_storage = fake_load};
    /* 4 floats; offset 2 with size (4,) reaches element 5 */
    expect_error_opts(P("\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n" PERSID
                        "K\x02(K\x04t(K\x01t\x89NtR."),
                      &o, "storage 'data/7': tensor view (offset 2, 1 dims) reaches outside");
    /* 13 dimensions */
    expect_error_opts(P("\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n" PERSID
                        "K\x00(K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01t"
                        "(t\x89NtR."),
                      &o, "tensor has 13 dimensions (at most 12)");
    expect_error_opts(P("\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n" PERSID
                        "K\x00(K\x02t(K\x01K\x01t\x89NtR."),
                      &o, "size has 1 dimensions but stride has 2");
    expect_error_opts(P("\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n" PERSID
                        "K\x00(J\xff\xff\xff\xfft(K\x01t\x89NtR."),
                      &o, "storage 'data/7'");
    expect_error_opts(P("\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n(NK\x00(t(t\x89NtR."), &o,
                      "storage argument is a NoneType, not a storage");
    expect_error_opts(P("\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\n(NtR."), &o,
                      "expects 6 or 7 arguments, got 1");
}

/* ---- hostile: structure ---- */
static void test_fe_pickle_100k_nested_marks(void **state)
{
    (void)state;
    size_t n = 100000;
    char *buf = malloc(n + 4);
    memcpy(buf, "\x80\x02", 2);
    memset(buf + 2, '(', n);
    memcpy(buf + 2 + n, "N.", 2);
    clock_t t0 = clock();
    expect_error(buf, n + 4, "nesting too deep (more than 1000 MARKs open) (at byte 1002)");
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
    free(buf);
}

static void test_fe_pickle_deep_containers(void **state)
{
    (void)state;
    /* N TUPLE1 x 1001 */
    size_t n = 1001;
    char *buf = malloc(n + 8);
    memcpy(buf, "\x80\x02N", 3);
    memset(buf + 3, '\x85', n);
    buf[3 + n] = '.';
    expect_error(buf, n + 4, "nesting too deep (more than 1000 levels)");
    /* exactly 1000 levels load */
    rt_err e;
    rt_value v;
    buf[3 + 1000] = '.';
    assert_int_equal(load_with(buf, 1004, NULL, &v, &e), 0);
    rt_value_release(v);
    free(buf);

    /* lists nested by APPEND: 1001 EMPTY_LISTs then 1000 APPENDs */
    size_t m = 1001;
    buf = malloc(2 * m + 8);
    memcpy(buf, "\x80\x02", 2);
    memset(buf + 2, ']', m + 1);
    memset(buf + 3 + m, 'a', m);
    buf[3 + 2 * m] = '.';
    expect_error(buf, 2 * m + 4, "nesting too deep (more than 1000 levels)");
    free(buf);

    /* a lower limit through the options */
    fe_pickle_opts o = {.max_depth = 3};
    expect_error_opts(P("\x80\x02N\x85\x85\x85\x85."), &o, "nesting too deep (more than 3 levels)");
    expect_error_opts(P("\x80\x02((((N."), &o, "nesting too deep (more than 3 MARKs open)");
}

static void test_fe_pickle_stack_underflow(void **state)
{
    (void)state;
    expect_error(P("\x80\x02\x85."), "stack underflow in TUPLE1 (needs 1 value, has 0) (at byte 2)");
    expect_error(P("\x80\x02N(\x85."), "stack underflow in TUPLE1"); /* not across a MARK */
    expect_error(P("\x80\x02R."), "stack underflow in REDUCE");
    expect_error(P("\x80\x02Na."), "stack underflow in APPEND");
    expect_error(P("\x80\x02q\x00."), "stack underflow in memo put");
    expect_error(P("\x80\x02."), "STOP with 0 values on the stack (expected 1)");
    expect_error(P("\x80\x02NN."), "STOP with 2 values on the stack (expected 1)");
    expect_error(P("\x80\x02t."), "TUPLE without a MARK");
    expect_error(P("\x80\x02" "1."), "POP_MARK without a MARK");
}

static void test_fe_pickle_unbalanced_mark(void **state)
{
    (void)state;
    expect_error(P("\x80\x02N(."), "unbalanced MARK: 1 still open at STOP");
}

static void test_fe_pickle_memo_bounds(void **state)
{
    (void)state;
    expect_error(P("\x80\x02h\x05."), "memo index 5 is not set (at byte 2)");
    expect_error(P("\x80\x02j\x00\x00\x00\x10."), "memo index 268435456 is not set");
    expect_error(P("\x80\x02Nr\xff\xff\xff\xff."), "memo index 4294967295 out of range");
    fe_pickle_opts o = {.max_memo = 2};
    expect_error_opts(P("\x80\x02Nq\x02."), &o, "memo index 2 out of range (limit 2)");
    rt_err e;
    rt_value v;
    assert_int_equal(load_with(P("\x80\x02Nq\x01q\x01h\x01\x86."), &o, &v, &e), 0);
    rt_value_release(v);
}

static void test_fe_pickle_truncated_operands(void **state)
{
    (void)state;
    expect_error(P("\x80\x02J\x01\x02"), "truncated BININT: needs 4 more bytes, 2 left (at byte 2)");
    expect_error(P("\x80\x02G\x01"), "truncated BINFLOAT");
    expect_error(P("\x80\x02K"), "truncated BININT1");
    expect_error(P("\x80\x02\x8a\x04\x01"), "truncated LONG1");
    expect_error(P("\x80\x02\x8a\x09\x01\x02\x03\x04\x05\x06\x07\x08\x09."),
                 "integer of 9 bytes does not fit in 64 bits");
    expect_file_error("pickle/big_int.pkl", "integer of 9 bytes does not fit in 64 bits");
    expect_error(P("\x80\x02\x8b\x00\x00\x00\x80."), "LONG4 with a negative length");
    expect_error(P("\x80"), "truncated PROTO");
}

static void test_fe_pickle_string_lengths(void **state)
{
    (void)state;
    expect_error(P("\x80\x02X\xff\xff\xff\x7f" "ab."),
                 "BINUNICODE of 2147483647 bytes runs past the end of the data (3 left)");
    expect_error(P("\x80\x02\x8d\xff\xff\xff\xff\xff\xff\xff\xff" "ab."),
                 "BINUNICODE8 of 18446744073709551615 bytes runs past the end");
    expect_error(P("\x80\x02\x8c\x05" "ab."), "SHORT_BINUNICODE of 5 bytes runs past the end");
    expect_error(P("\x80\x02X\x02\x00\x00"), "truncated BINUNICODE");
    expect_error(P("\x80\x02X\x02\x00\x00\x00\xc3(."), "BINUNICODE is not valid UTF-8");
    expect_error(P("\x80\x02\x95\xff\x00\x00\x00\x00\x00\x00\x00N."),
                 "FRAME of 255 bytes runs past the end");
}

static void test_fe_pickle_missing_stop(void **state)
{
    (void)state;
    expect_error(P("\x80\x02N"), "missing STOP: the pickle ends without one (at byte 3)");
    expect_error(P(""), "missing STOP");
}

static void test_fe_pickle_trailing_garbage(void **state)
{
    (void)state;
    expect_error(P("\x80\x02N.xyz"), "3 bytes of trailing data after STOP (at byte 3)");
}

static void test_fe_pickle_list_appended_into_itself(void **state)
{
    (void)state;
    expect_error(P("\x80\x02]q\x00h\x00" "a."), "APPEND of a list into itself");
    expect_file_error("pickle/self_list.pkl", "APPEND of a list into itself");
    expect_error(P("\x80\x02}q\x00K\x01h\x00s."), "SETITEM of a dict into itself");
}

static void test_fe_pickle_reference_cycle_rejected(void **state)
{
    (void)state;
    /* d = {}; l = [d]; d['a'] = l */
    expect_file_error("pickle/dict_cycle.pkl",
                      "SETITEM on a Dict that is already stored elsewhere");
    /* a = []; b = [a]; a.append(b) */
    expect_error(P("\x80\x02]q\x00]q\x01h\x00" "ah\x00h\x01" "a."),
                 "APPEND on a List that is already stored elsewhere");
    /* a = []; t = (a,); a.append(t) */
    expect_error(P("\x80\x02]q\x00h\x00\x85q\x01\x30h\x00h\x01" "a."),
                 "APPEND on a List that is already stored elsewhere");
}

static void test_fe_pickle_null_args(void **state)
{
    (void)state;
    rt_err e;
    rt_value v;
    rt_err_clear(&e);
    assert_int_equal(fe_pickle_load(NULL, NULL, 5, NULL, &v, &e), -1);
    assert_int_equal(e.status, TSJ_ERR_INVALID_ARGUMENT);
    /* e may be NULL */
    assert_int_equal(fe_pickle_load("x", "N", 1, NULL, &v, NULL), -1);
    assert_int_equal(v.kind, RT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fe_pickle_scalars),
        cmocka_unit_test(test_fe_pickle_containers_and_memo),
        cmocka_unit_test(test_fe_pickle_dict_replaces_equal_keys),
        cmocka_unit_test(test_fe_pickle_python_protocol2),
        cmocka_unit_test(test_fe_pickle_python_protocol4),
        cmocka_unit_test(test_fe_pickle_torchscript_module_generic),
        cmocka_unit_test(test_fe_pickle_torchscript_constants),
        cmocka_unit_test(test_fe_pickle_resolver_callbacks),
        cmocka_unit_test(test_fe_pickle_storage_cache_and_views),
        cmocka_unit_test(test_fe_pickle_empty_storage_needs_no_loader),
        cmocka_unit_test(test_fe_pickle_refuses_os_system),
        cmocka_unit_test(test_fe_pickle_refuses_posix_system_file),
        cmocka_unit_test(test_fe_pickle_refuses_eval_file),
        cmocka_unit_test(test_fe_pickle_refuses_subprocess),
        cmocka_unit_test(test_fe_pickle_refuses_other_torch_globals),
        cmocka_unit_test(test_fe_pickle_bare_global_in_result),
        cmocka_unit_test(test_fe_pickle_misused_opcodes),
        cmocka_unit_test(test_fe_pickle_bad_persistent_ids),
        cmocka_unit_test(test_fe_pickle_storage_shorter_than_tensor),
        cmocka_unit_test(test_fe_pickle_view_outside_storage),
        cmocka_unit_test(test_fe_pickle_100k_nested_marks),
        cmocka_unit_test(test_fe_pickle_deep_containers),
        cmocka_unit_test(test_fe_pickle_stack_underflow),
        cmocka_unit_test(test_fe_pickle_unbalanced_mark),
        cmocka_unit_test(test_fe_pickle_memo_bounds),
        cmocka_unit_test(test_fe_pickle_truncated_operands),
        cmocka_unit_test(test_fe_pickle_string_lengths),
        cmocka_unit_test(test_fe_pickle_missing_stop),
        cmocka_unit_test(test_fe_pickle_trailing_garbage),
        cmocka_unit_test(test_fe_pickle_list_appended_into_itself),
        cmocka_unit_test(test_fe_pickle_reference_cycle_rejected),
        cmocka_unit_test(test_fe_pickle_null_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
