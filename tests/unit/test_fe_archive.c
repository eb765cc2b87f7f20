/*
 * test_fe_archive.c — the .pt zip container and unpickling through it, on
 * the small archives under tests/data/archive (made by
 * tests/gen/gen_archive_cases.py): two good models, their variants, and
 * one test per broken or hostile archive asserting its error message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_archive.h"
#include "fe_pickle.h"

static const char *data_path(const char *rel)
{
    static _Thread_local char path[1024];
    const char *dir = getenv("TSJ_TEST_DATA");
    snprintf(path, sizeof path, "%s/archive/%s", dir ? dir : "data", rel);
    return path;
}

static char *slurp(const char *path, size_t *size)
{
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

static fe_archive *open_ok(const char *rel)
{
    rt_err e;
    rt_err_clear(&e);
    fe_archive *a = fe_archive_open_file(data_path(rel), &e);
    if (!a)
        fail_msg("%s: %s", rel, e.msg);
    return a;
}

/* Opening fails with `status` and a message that names the file and
 * contains `want`. */
static void expect_open_error(const char *rel, tsj_status status, const char *want)
{
    rt_err e;
    rt_err_clear(&e);
    fe_archive *a = fe_archive_open_file(data_path(rel), &e);
    if (a) {
        fe_archive_close(a);
        fail_msg("%s: expected an error containing \"%s\"", rel, want);
    }
    if (!strstr(e.msg, want) || !strstr(e.msg, rel))
        fail_msg("%s: error \"%s\" does not contain \"%s\" and the file name", rel, e.msg, want);
    assert_int_equal(e.status, status);
}

/* The archive opens but unpickling data.pkl fails with `want`. */
static void expect_load_error(const char *rel, const char *want)
{
    fe_archive *a = open_ok(rel);
    rt_err e;
    rt_err_clear(&e);
    rt_value v = rt_int(1);
    int rc = fe_pickle_load_archive(a, "data", NULL, &v, &e);
    fe_archive_close(a);
    if (rc == 0) {
        rt_value_release(v);
        fail_msg("%s: expected an error containing \"%s\"", rel, want);
    }
    assert_int_equal(v.kind, RT_NONE);
    if (!strstr(e.msg, want))
        fail_msg("%s: error \"%s\" does not contain \"%s\"", rel, e.msg, want);
}

static rt_value dict_get(rt_value d, const char *key)
{
    assert_int_equal(d.kind, RT_DICT);
    for (size_t i = 0; i < d.u.dict->len; i++)
        if (strcmp(rt_str_cstr(d.u.dict->keys[i]), key) == 0)
            return d.u.dict->values[i];
    fail_msg("no key '%s'", key);
    return rt_none();
}

static rt_value state_of(rt_value obj)
{
    assert_int_equal(obj.kind, RT_OBJECT);
    return obj.u.object->slots[FE_PICKLE_GENERIC_STATE];
}

/* Checks the scripted model's index and module tree. */
static void check_scripted(fe_archive *a, const char *root)
{
    assert_int_equal(fe_archive_version(a), 3);
    assert_string_equal(fe_archive_root(a), root);
    assert_int_equal(fe_archive_code_count(a), 2);
    assert_string_equal(fe_archive_code_path(a, 0), "code/__torch__.py");
    assert_string_equal(fe_archive_code_path(a, 1), "code/__torch__/torch/nn/modules/linear.py");
    assert_null(fe_archive_code_path(a, 2));
    assert_int_equal(fe_archive_extra_count(a), 1);
    assert_string_equal(fe_archive_extra_path(a, 0), "extra/notes.txt");
    uint64_t size = 0;
    assert_true(fe_archive_has(a, "data/0", &size));
    assert_int_equal(size, 96);
    assert_false(fe_archive_has(a, "data/9", NULL));

    rt_err e;
    rt_err_clear(&e);
    void *text;
    size_t n;
    assert_int_equal(fe_archive_read(a, "extra/notes.txt", &text, &n, &e), 0);
    assert_int_equal(n, 16);
    assert_string_equal(text, "hello from tsjit");
    free(text);
    assert_int_equal(fe_archive_read(a, "code/__torch__.py", &text, &n, &e), 0);
    assert_int_equal(n, 1022);
    assert_int_equal(strncmp(text, "class Scripted(Module):", 23), 0);
    free(text);

    rt_storage *s = fe_archive_load_storage(a, "data/0", &e);
    assert_non_null(s);
    assert_int_equal(s->nbytes, 96);
    assert_int_equal((uintptr_t)s->data % RT_ALIGN, 0);
    assert_true(((float *)s->data)[23] == 23.0f);
    rt_storage_release(s);

    rt_value m;
    if (fe_pickle_load_archive(a, "data", NULL, &m, &e))
        fail_msg("%s", e.msg);
    assert_string_equal(rt_str_cstr(m.u.object->slots[FE_PICKLE_GENERIC_QUALNAME]),
                        "__torch__.Scripted");
    rt_value st = state_of(m);
    rt_tensor *base = dict_get(st, "base").u.tensor, *view = dict_get(st, "view").u.tensor;
    assert_ptr_equal(base->storage, view->storage);
    /* view = base[1:, ::2]; view[2][1] = base[3][2] = 20 */
    assert_true(((float *)rt_tensor_data(view))[2 * view->strides[0] + 1 * view->strides[1]] ==
                20.0f);
    rt_tensor *steps = dict_get(st, "steps").u.tensor;
    assert_int_equal(((int64_t *)rt_tensor_data(steps))[2], 30);
    rt_tensor *halfs = dict_get(st, "halfs").u.tensor;
    assert_true(rt_f16_to_f32(((uint16_t *)rt_tensor_data(halfs))[0]) == 1.5f);
    rt_tensor *mask = dict_get(st, "mask").u.tensor;
    assert_int_equal(((uint8_t *)rt_tensor_data(mask))[1], 0);
    assert_int_equal(((uint8_t *)rt_tensor_data(mask))[2], 1);
    rt_value fc = state_of(dict_get(state_of(dict_get(st, "inner")), "fc"));
    assert_int_equal(dict_get(fc, "weight").u.tensor->shape[1], 4);
    assert_int_equal(dict_get(fc, "bias").u.tensor->shape[0], 3);
    rt_value_release(m);

    rt_value c;
    assert_int_equal(fe_pickle_load_archive(a, "constants", NULL, &c, &e), 0);
    assert_int_equal(c.kind, RT_TUPLE);
    assert_int_equal(c.u.list->len, 0);
    rt_value_release(c);
}

static void test_fe_archive_open_file(void **state)
{
    (void)state;
    fe_archive *a = open_ok("scripted.pt");
    assert_string_equal(fe_archive_name(a), data_path("scripted.pt"));
    check_scripted(a, "archive");
    fe_archive_close(a);
}

static void test_fe_archive_open_buffer(void **state)
{
    (void)state;
    size_t n;
    char *buf = slurp(data_path("scripted.pt"), &n);
    rt_err e;
    rt_err_clear(&e);
    fe_archive *a = fe_archive_open_buffer(buf, n, &e);
    if (!a)
        fail_msg("%s", e.msg);
    assert_string_equal(fe_archive_name(a), "<memory>");
    check_scripted(a, "archive");
    fe_archive_close(a);

    a = fe_archive_open_ex(NULL, buf, n / 2, "half.pt", NULL, &e);
    assert_null(a);
    assert_non_null(strstr(e.msg, "half.pt: "));
    free(buf);
}

static void test_fe_archive_storages_outlive_archive(void **state)
{
    (void)state;
    fe_archive *a = open_ok("scripted.pt");
    rt_err e;
    rt_value m;
    assert_int_equal(fe_pickle_load_archive(a, "data", NULL, &m, &e), 0);
    fe_archive_close(a);
    rt_tensor *steps = dict_get(state_of(m), "steps").u.tensor;
    assert_int_equal(((int64_t *)rt_tensor_data(steps))[0], 10);
    rt_value_release(m);
}

static void test_fe_archive_traced_constants(void **state)
{
    (void)state;
    fe_archive *a = open_ok("traced.pt");
    assert_int_equal(fe_archive_code_count(a), 3);
    assert_string_equal(fe_archive_code_path(a, 1),
                        "code/__torch__/torch/nn/modules/linear/___torch_mangle_0.py");
    rt_err e;
    rt_value c, m;
    if (fe_pickle_load_archive(a, "constants", NULL, &c, &e))
        fail_msg("%s", e.msg);
    rt_tensor *c0 = c.u.list->items[0].u.tensor;
    assert_int_equal(c0->shape[0], 2);
    assert_true(((float *)rt_tensor_data(c0))[1] == 2.0f);
    rt_value_release(c);
    if (fe_pickle_load_archive(a, "data", NULL, &m, &e))
        fail_msg("%s", e.msg);
    rt_value l1 = state_of(dict_get(state_of(m), "l1"));
    assert_int_equal(dict_get(l1, "weight").u.tensor->shape[0], 5);
    rt_value_release(m);
    fe_archive_close(a);
}

static void test_fe_archive_any_root_name(void **state)
{
    (void)state;
    fe_archive *a = open_ok("renamed_root.pt");
    check_scripted(a, "my_model");
    fe_archive_close(a);
}

static void test_fe_archive_deflated_entries(void **state)
{
    (void)state;
    fe_archive *a = open_ok("deflated.pt");
    check_scripted(a, "archive");
    fe_archive_close(a);
}

/* A caller-supplied loader overrides the archive's. */
static rt_storage *counting_load(void *ctx, const char *record, rt_err *e)
{
    (*(int *)ctx)++;
    return rt_storage_new(4096, e);
}

static void test_fe_archive_custom_storage_loader(void **state)
{
    (void)state;
    fe_archive *a = open_ok("scripted.pt");
    int calls = 0;
    fe_pickle_opts o = {.ctx = &calls, .load_storage = counting_load};
    rt_err e;
    rt_value m;
    assert_int_equal(fe_pickle_load_archive(a, "data", &o, &m, &e), 0);
    assert_int_equal(calls, 6);
    rt_value_release(m);
    fe_archive_close(a);
}

/* ---- broken and hostile archives ---- */
static void test_fe_archive_not_a_zip(void **state)
{
    (void)state;
    expect_open_error("not_a_zip.pt", TSJ_ERR_FORMAT, "not_a_zip.pt: not a zip archive");
    expect_open_error("empty.pt", TSJ_ERR_FORMAT, "empty.pt: not a zip archive");
}

static void test_fe_archive_truncated_file(void **state)
{
    (void)state;
    expect_open_error("truncated_half.pt", TSJ_ERR_FORMAT, "truncated_half.pt: not a zip archive");
}

static void test_fe_archive_missing_file(void **state)
{
    (void)state;
    expect_open_error("no_such_file.pt", TSJ_ERR_IO, "no_such_file.pt: cannot open");
}

static void test_fe_archive_version_999(void **state)
{
    (void)state;
    expect_open_error("version_999.pt", TSJ_ERR_UNSUPPORTED,
                      "version_999.pt: unsupported archive format version 999 (supported: 1-10)");
}

static void test_fe_archive_version_not_a_number(void **state)
{
    (void)state;
    expect_open_error("version_text.pt", TSJ_ERR_FORMAT,
                      "entry 'version' is not a version number ('three?')");
}

static void test_fe_archive_missing_data_pkl(void **state)
{
    (void)state;
    expect_open_error("missing_data_pkl.pt", TSJ_ERR_FORMAT,
                      "missing_data_pkl.pt: missing entry 'data.pkl'");
}

static void test_fe_archive_missing_version(void **state)
{
    (void)state;
    expect_open_error("missing_version.pt", TSJ_ERR_FORMAT, "missing entry 'version'");
}

static void test_fe_archive_missing_storage(void **state)
{
    (void)state;
    expect_load_error("missing_storage.pt", "missing_storage.pt: missing entry 'data/0'");
}

static void test_fe_archive_two_roots(void **state)
{
    (void)state;
    expect_open_error("two_roots.pt", TSJ_ERR_FORMAT,
                      "archive has more than one top-level folder ('archive' and 'other')");
}

static void test_fe_archive_top_level_file(void **state)
{
    (void)state;
    expect_open_error("top_level_file.pt", TSJ_ERR_FORMAT,
                      "entry 'stray.txt' is not inside the archive's top-level folder");
}

static void test_fe_archive_duplicate_entry(void **state)
{
    (void)state;
    expect_open_error("duplicate.pt", TSJ_ERR_FORMAT, "duplicate.pt: duplicate entry 'version'");
}

static void test_fe_archive_short_storage(void **state)
{
    (void)state;
    expect_load_error("short_storage.pt",
                      "short_storage.pt: data.pkl: storage 'data/0' holds 8 bytes but its tensor "
                      "needs 96");
}

static void test_fe_archive_bitflip_crc(void **state)
{
    (void)state;
    expect_load_error("bitflip_data_pkl.pt",
                      "bitflip_data_pkl.pt: entry 'data.pkl' is corrupt (CRC mismatch)");
}

static void expect_storage_error(const char *rel, const char *want)
{
    fe_archive *a = open_ok(rel);
    rt_err e;
    rt_err_clear(&e);
    rt_storage *s = fe_archive_load_storage(a, "data/0", &e);
    fe_archive_close(a);
    assert_null(s);
    if (!strstr(e.msg, want) || !strstr(e.msg, rel))
        fail_msg("%s: error \"%s\" does not contain \"%s\"", rel, e.msg, want);
}

static void test_fe_archive_truncated_entry(void **state)
{
    (void)state;
    /* data/0 declares 100096 bytes; the file ends long before */
    expect_storage_error("truncated_entry.pt",
                         "entry 'data/0' is truncated (read 4165 of 100096 bytes)");
    expect_load_error("truncated_entry.pt", "entry 'data/0' is truncated");
}

static void test_fe_archive_entry_longer_than_its_data(void **state)
{
    (void)state;
    /* data/0 declares 16 bytes more than it holds: the read takes 16
     * bytes of the next header and the CRC fails */
    expect_storage_error("oversized_entry.pt", "entry 'data/0' is corrupt (CRC mismatch)");
}

static void test_fe_archive_os_system_pickle(void **state)
{
    (void)state;
    expect_load_error("os_system.pt",
                      "os_system.pt: data.pkl: pickle global 'posix.system' is not allowed (at "
                      "byte 2)");
}

static void test_fe_archive_eval_pickle(void **state)
{
    (void)state;
    expect_load_error("eval.pt", "data.pkl: pickle global '__builtin__.eval' is not allowed");
}

static void test_fe_archive_nested_marks_pickle(void **state)
{
    (void)state;
    expect_load_error("nested_marks.pt", "data.pkl: nesting too deep");
}

static void test_fe_archive_corrupt_pickle(void **state)
{
    (void)state;
    expect_load_error("corrupt_pickle.pt", "data.pkl: truncated BINUNICODE");
}

static void test_fe_archive_limits(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    fe_archive_limits lim = {.max_entries = 3};
    fe_archive *a = fe_archive_open_ex(data_path("scripted.pt"), NULL, 0, NULL, &lim, &e);
    assert_null(a);
    assert_int_equal(e.status, TSJ_ERR_LIMIT);
    assert_non_null(strstr(e.msg, "archive has 14 entries (limit 3)"));
    lim = (fe_archive_limits){.max_total_bytes = 1000};
    a = fe_archive_open_ex(data_path("scripted.pt"), NULL, 0, NULL, &lim, &e);
    assert_null(a);
    assert_int_equal(e.status, TSJ_ERR_LIMIT);
    assert_non_null(strstr(e.msg, "entries declare more than 1000 bytes in total"));
}

static void test_fe_archive_missing_entry_read(void **state)
{
    (void)state;
    fe_archive *a = open_ok("scripted.pt");
    rt_err e;
    rt_err_clear(&e);
    void *data = (void *)1;
    size_t n = 5;
    assert_int_equal(fe_archive_read(a, "nope", &data, &n, &e), -1);
    assert_null(data);
    assert_int_equal(n, 0);
    assert_non_null(strstr(e.msg, "scripted.pt: missing entry 'nope'"));
    assert_null(fe_archive_load_storage(a, "data/77", &e));
    assert_non_null(strstr(e.msg, "missing entry 'data/77'"));
    rt_value v;
    assert_int_equal(fe_pickle_load_archive(a, "nothing", NULL, &v, &e), -1);
    assert_non_null(strstr(e.msg, "missing entry 'nothing.pkl'"));
    fe_archive_close(a);
    fe_archive_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fe_archive_open_file),
        cmocka_unit_test(test_fe_archive_open_buffer),
        cmocka_unit_test(test_fe_archive_storages_outlive_archive),
        cmocka_unit_test(test_fe_archive_traced_constants),
        cmocka_unit_test(test_fe_archive_any_root_name),
        cmocka_unit_test(test_fe_archive_deflated_entries),
        cmocka_unit_test(test_fe_archive_custom_storage_loader),
        cmocka_unit_test(test_fe_archive_not_a_zip),
        cmocka_unit_test(test_fe_archive_truncated_file),
        cmocka_unit_test(test_fe_archive_missing_file),
        cmocka_unit_test(test_fe_archive_version_999),
        cmocka_unit_test(test_fe_archive_version_not_a_number),
        cmocka_unit_test(test_fe_archive_missing_data_pkl),
        cmocka_unit_test(test_fe_archive_missing_version),
        cmocka_unit_test(test_fe_archive_missing_storage),
        cmocka_unit_test(test_fe_archive_two_roots),
        cmocka_unit_test(test_fe_archive_top_level_file),
        cmocka_unit_test(test_fe_archive_duplicate_entry),
        cmocka_unit_test(test_fe_archive_short_storage),
        cmocka_unit_test(test_fe_archive_bitflip_crc),
        cmocka_unit_test(test_fe_archive_truncated_entry),
        cmocka_unit_test(test_fe_archive_entry_longer_than_its_data),
        cmocka_unit_test(test_fe_archive_os_system_pickle),
        cmocka_unit_test(test_fe_archive_eval_pickle),
        cmocka_unit_test(test_fe_archive_nested_marks_pickle),
        cmocka_unit_test(test_fe_archive_corrupt_pickle),
        cmocka_unit_test(test_fe_archive_limits),
        cmocka_unit_test(test_fe_archive_missing_entry_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
