/*
 * test_fe_archive.c — the .pt zip container and unpickling through it, on
 * the small archives under tests/data/archive (made by
 * tests/gen/gen_archive_cases.py): two good models, their variants, and
 * one test per broken or hostile archive asserting its error message.
 * unaligned.pt is scripted.pt rewritten by Python's zipfile (same entries
 * and compression, no alignment padding, no data descriptors, no zip64).
 * The zero-copy tests patch copies of scripted.pt in temporary files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    /* data/0 declares 100096 bytes; the file ends long before (told before
     * anything is allocated or read) */
    expect_storage_error("truncated_entry.pt",
                         "entry 'data/0' is truncated (it declares 100096 bytes, the whole file "
                         "has 4278)");
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

/* ---- zero-copy storages (file mapping) ---- */
static const char *const DATA_RECORDS[] = {"data/0", "data/1", "data/2",
                                           "data/3", "data/4", "data/5"};
#define NRECORDS (sizeof DATA_RECORDS / sizeof *DATA_RECORDS)

static bool is_zero_copy(const rt_storage *s) { return !s->owns_data && s->release != NULL; }

/* Writes buf to a new temporary file; the path is static per slot. */
static const char *write_tmp(int slot, const void *buf, size_t n)
{
    static _Thread_local char paths[4][64];
    char *path = paths[slot];
    snprintf(path, sizeof paths[slot], "/tmp/tsj_fe_archive_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, n), (ssize_t)n);
    close(fd);
    return path;
}

static uint16_t rd16(const char *p)
{
    return (uint16_t)((uint8_t)p[0] | (uint8_t)p[1] << 8);
}

/* Offset of the local header ("PK\3\4", central = false) or the central
 * directory record ("PK\1\2") whose name is `name`. */
static size_t find_header(const char *buf, size_t n, const char *name, bool central)
{
    size_t fixed = central ? 46 : 30, nlen = strlen(name);
    const char *sig = central ? "PK\1\2" : "PK\3\4";
    for (size_t i = 0; i + fixed + nlen <= n; i++)
        if (memcmp(buf + i, sig, 4) == 0 && rd16(buf + i + (central ? 28 : 26)) == nlen &&
            memcmp(buf + i + fixed, name, nlen) == 0)
            return i;
    fail_msg("no %s header for %s", central ? "central" : "local", name);
    return 0;
}

static rt_storage *load_ok(fe_archive *a, const char *rel)
{
    rt_err e;
    rt_err_clear(&e);
    rt_storage *s = fe_archive_load_storage(a, rel, &e);
    if (!s)
        fail_msg("%s: %s", rel, e.msg);
    assert_int_equal((uintptr_t)s->data % RT_ALIGN, 0);
    return s;
}

static fe_archive *open_with(const char *path, const void *buf, size_t n,
                             const fe_archive_limits *lim)
{
    rt_err e;
    rt_err_clear(&e);
    fe_archive *a = fe_archive_open_ex(path, buf, n, NULL, lim, &e);
    if (!a)
        fail_msg("%s", e.msg);
    return a;
}

static void test_fe_archive_zero_copy_matches_copy(void **state)
{
    (void)state;
    size_t n;
    char *buf = slurp(data_path("scripted.pt"), &n);
    fe_archive_limits copy = {.copy_storages = true}, crc = {.verify_storage_crc = true};
    fe_archive *mapped = open_ok("scripted.pt");
    fe_archive *copied = open_with(data_path("scripted.pt"), NULL, 0, &copy);
    fe_archive *checked = open_with(data_path("scripted.pt"), NULL, 0, &crc);
    fe_archive *membuf = open_with(NULL, buf, n, NULL);
    fe_archive *zipped = open_ok("deflated.pt");
    for (size_t i = 0; i < NRECORDS; i++) {
        rt_storage *m = load_ok(mapped, DATA_RECORDS[i]), *c = load_ok(copied, DATA_RECORDS[i]),
                   *k = load_ok(checked, DATA_RECORDS[i]), *b = load_ok(membuf, DATA_RECORDS[i]),
                   *z = load_ok(zipped, DATA_RECORDS[i]);
        /* torch.jit.save aligns every record: all of them are mapped */
        assert_true(is_zero_copy(m));
        assert_true(is_zero_copy(k));
        assert_true(c->owns_data && b->owns_data && z->owns_data);
        /* the view points into the file's bytes */
        assert_true((const char *)m->data != NULL);
        assert_int_equal(m->nbytes, c->nbytes);
        assert_int_equal(m->nbytes, b->nbytes);
        assert_int_equal(m->nbytes, z->nbytes);
        assert_memory_equal(m->data, c->data, m->nbytes);
        assert_memory_equal(m->data, k->data, m->nbytes);
        assert_memory_equal(m->data, b->data, m->nbytes);
        assert_memory_equal(m->data, z->data, m->nbytes);
        rt_storage_release(m);
        rt_storage_release(c);
        rt_storage_release(k);
        rt_storage_release(b);
        rt_storage_release(z);
    }
    fe_archive_close(mapped);
    fe_archive_close(copied);
    fe_archive_close(checked);
    fe_archive_close(membuf);
    fe_archive_close(zipped);
    free(buf);
}

/* Storages outlive the archive; writing to them is copy-on-write. */
static void test_fe_archive_zero_copy_outlives_close(void **state)
{
    (void)state;
    size_t n;
    char *orig = slurp(data_path("scripted.pt"), &n);
    const char *path = write_tmp(0, orig, n);
    rt_err e;
    rt_err_clear(&e);
    fe_archive *a = open_with(path, NULL, 0, NULL);
    rt_storage *s = load_ok(a, "data/0");
    rt_value m;
    assert_int_equal(fe_pickle_load_archive(a, "data", NULL, &m, &e), 0);
    assert_true(is_zero_copy(s));
    fe_archive_close(a);
    float *w = s->data;
    assert_true(w[23] == 23.0f);
    w[23] = -7.0f; /* like an in-place op on a module buffer */
    assert_true(w[23] == -7.0f);
    rt_tensor *steps = dict_get(state_of(m), "steps").u.tensor;
    ((int64_t *)rt_tensor_data(steps))[0] = 99;

    /* the file is unchanged, and a second open sees the original data */
    size_t n2;
    char *now = slurp(path, &n2);
    assert_int_equal(n2, n);
    assert_memory_equal(now, orig, n);
    free(now);
    a = open_with(path, NULL, 0, NULL);
    rt_storage *s2 = load_ok(a, "data/0");
    assert_true(((float *)s2->data)[23] == 23.0f);
    fe_archive_close(a);
    rt_storage_release(s2);
    rt_storage_release(s);
    rt_value_release(m);
    unlink(path);
    free(orig);
}

/* The same record loaded twice: two independent storages. */
static void test_fe_archive_same_record_twice(void **state)
{
    (void)state;
    fe_archive *a = open_ok("scripted.pt");
    rt_storage *s1 = load_ok(a, "data/0");
    assert_true(is_zero_copy(s1));
    ((float *)s1->data)[5] = 1234.0f;
    rt_storage *s2 = load_ok(a, "data/0");
    assert_false(is_zero_copy(s2));
    assert_true(((float *)s2->data)[5] == 5.0f);
    rt_storage_release(s1);
    /* once the first is gone the record is still not handed out again */
    rt_storage *s3 = load_ok(a, "data/0");
    assert_true(((float *)s3->data)[5] == 5.0f);
    fe_archive_close(a);
    rt_storage_release(s2);
    rt_storage_release(s3);
}

/* Records that are not 64-byte aligned in the file are copied. */
static void test_fe_archive_unaligned_records(void **state)
{
    (void)state;
    fe_archive *a = open_ok("unaligned.pt"), *ref = open_ok("scripted.pt");
    for (size_t i = 0; i < NRECORDS; i++) {
        rt_storage *s = load_ok(a, DATA_RECORDS[i]), *r = load_ok(ref, DATA_RECORDS[i]);
        assert_false(is_zero_copy(s));
        assert_int_equal(s->nbytes, r->nbytes);
        assert_memory_equal(s->data, r->data, s->nbytes);
        rt_storage_release(s);
        rt_storage_release(r);
    }
    check_scripted(a, "archive");
    fe_archive_close(a);
    fe_archive_close(ref);
}

/* A broken local header (or central record) of data/0: the load either
 * falls back to a correct copy or fails with a message naming the entry;
 * it never maps the wrong bytes. */
typedef enum { M_SIG, M_NAME, M_EXTRA, M_METHOD, M_CD_OFFSET, M_CD_OFFSET_END, M_LOCAL_SIZE,
               M_ENCRYPTED } mutation;

static void check_mutation(mutation mu, const char *what)
{
    size_t n;
    char *buf = slurp(data_path("scripted.pt"), &n);
    size_t lh = find_header(buf, n, "archive/data/0", false);
    size_t ch = find_header(buf, n, "archive/data/0", true);
    switch (mu) {
    case M_SIG: buf[lh + 3] = 9; break;
    case M_NAME: buf[lh + 30 + 13] = '7'; break;            /* archive/data/7 */
    case M_EXTRA: buf[lh + 28] = buf[lh + 29] = '\xff'; break; /* runs past the next header */
    case M_METHOD: buf[lh + 8] = 8; break;                  /* claims deflate */
    case M_CD_OFFSET: buf[ch + 42] += 1; break;             /* misaligned, no signature */
    case M_CD_OFFSET_END: {                                 /* inside the central directory */
        uint32_t off = (uint32_t)(ch + 10);
        memcpy(buf + ch + 42, &off, 4);
        break;
    }
    case M_LOCAL_SIZE:                                      /* no descriptor, sizes disagree */
        buf[lh + 6] &= ~8;
        buf[lh + 18] = buf[lh + 22] = 95;
        buf[lh + 19] = buf[lh + 20] = buf[lh + 21] = 0;
        buf[lh + 23] = buf[lh + 24] = buf[lh + 25] = 0;
        break;
    case M_ENCRYPTED: buf[lh + 6] |= 1; break;
    }
    for (int from_buffer = 0; from_buffer < 2; from_buffer++) {
        const char *path = from_buffer ? NULL : write_tmp(1, buf, n);
        rt_err e;
        rt_err_clear(&e);
        fe_archive *a = fe_archive_open_ex(path, from_buffer ? buf : NULL, from_buffer ? n : 0,
                                           NULL, NULL, &e);
        if (!a) {
            assert_int_equal(e.status, TSJ_ERR_FORMAT);
        } else {
            rt_storage *s = fe_archive_load_storage(a, "data/0", &e);
            if (s) {
                assert_false(is_zero_copy(s));
                assert_int_equal(s->nbytes, 96);
                assert_true(((float *)s->data)[23] == 23.0f);
                rt_storage_release(s);
            } else if (!strstr(e.msg, "'data/0'")) {
                fail_msg("%s: unexpected error \"%s\"", what, e.msg);
            }
            /* other records are unaffected */
            rt_storage *s1 = load_ok(a, "data/1");
            assert_int_equal(s1->nbytes, 24);
            rt_storage_release(s1);
            fe_archive_close(a);
        }
        if (path)
            unlink(path);
    }
    free(buf);
}

static void test_fe_archive_bad_local_headers(void **state)
{
    (void)state;
    check_mutation(M_SIG, "bad signature");
    check_mutation(M_NAME, "other name");
    check_mutation(M_EXTRA, "extra field past the next entry");
    check_mutation(M_METHOD, "local method differs");
    check_mutation(M_CD_OFFSET, "misaligned header offset");
    check_mutation(M_CD_OFFSET_END, "header offset in the central directory");
    check_mutation(M_LOCAL_SIZE, "local sizes differ");
    check_mutation(M_ENCRYPTED, "encrypted flag");
}

/* A flipped byte in a tensor payload: by default it loads (the CRC of
 * storages is not checked, as in PyTorch); verify_storage_crc catches it. */
static void test_fe_archive_storage_crc_option(void **state)
{
    (void)state;
    size_t n;
    char *buf = slurp(data_path("scripted.pt"), &n);
    size_t lh = find_header(buf, n, "archive/data/0", false);
    size_t data = lh + 30 + rd16(buf + lh + 26) + rd16(buf + lh + 28);
    float v = 23.5f;
    memcpy(buf + data + 23 * 4, &v, 4);
    const char *path = write_tmp(2, buf, n);
    fe_archive_limits crc = {.verify_storage_crc = true},
                      crc_copy = {.verify_storage_crc = true, .copy_storages = true};
    for (int k = 0; k < 2; k++) {
        fe_archive *a = k ? open_with(NULL, buf, n, NULL) : open_with(path, NULL, 0, NULL);
        rt_storage *s = load_ok(a, "data/0");
        assert_true(((float *)s->data)[23] == 23.5f);
        rt_storage_release(s);
        fe_archive_close(a);
    }
    for (int k = 0; k < 3; k++) {
        fe_archive *a = k == 0   ? open_with(path, NULL, 0, &crc)
                        : k == 1 ? open_with(path, NULL, 0, &crc_copy)
                                 : open_with(NULL, buf, n, &crc);
        rt_err e;
        rt_err_clear(&e);
        assert_null(fe_archive_load_storage(a, "data/0", &e));
        assert_int_equal(e.status, TSJ_ERR_FORMAT);
        assert_non_null(strstr(e.msg, "entry 'data/0' is corrupt (CRC mismatch)"));
        /* the failed check does not leave the record marked as mapped */
        rt_storage *s1 = load_ok(a, "data/1");
        rt_storage_release(s1);
        fe_archive_close(a);
    }
    unlink(path);
    free(buf);
}

/* A stored record that declares far more bytes than it holds (2.5 GB in
 * 96): refused before anything is allocated, as a storage and as an entry
 * read (found by fuzz_archive: loading a storage allocated the declared
 * size first, an out-of-memory from a 12 KB archive). */
static void test_fe_archive_storage_declares_more_than_it_holds(void **state)
{
    (void)state;
    size_t n;
    char *buf = slurp(data_path("scripted.pt"), &n);
    size_t lh = find_header(buf, n, "archive/data/0", false);
    size_t cd = find_header(buf, n, "archive/data/0", true);
    const uint32_t huge = 2499805268u;
    memcpy(buf + lh + 22, &huge, 4); /* uncompressed size, local header (little endian) */
    memcpy(buf + cd + 24, &huge, 4); /* and in the central directory */
    for (int k = 0; k < 2; k++) {
        fe_archive *a = open_with(NULL, buf, n, NULL);
        rt_err e;
        rt_err_clear(&e);
        void *data = NULL;
        size_t size = 0;
        if (k == 0)
            assert_null(fe_archive_load_storage(a, "data/0", &e));
        else
            assert_int_equal(fe_archive_read(a, "data/0", &data, &size, &e), -1);
        assert_int_equal(e.status, TSJ_ERR_FORMAT);
        if (!strstr(e.msg, "entry 'data/0' declares 2499805268 bytes but holds only 96"))
            fail_msg("unexpected error \"%s\"", e.msg);
        rt_storage *s1 = load_ok(a, "data/1"); /* the others still load */
        rt_storage_release(s1);
        fe_archive_close(a);
    }
    /* a compressed size past the end of the file does not make room: the
     * record holds at most what the file does (found by fuzz_archive too) */
    const uint32_t usize = 4194303915u, csize = 4294967212u;
    memcpy(buf + lh + 18, &csize, 4);
    memcpy(buf + lh + 22, &usize, 4);
    memcpy(buf + cd + 20, &csize, 4);
    memcpy(buf + cd + 24, &usize, 4);
    char want[128];
    snprintf(want, sizeof want,
             "entry 'data/0' is truncated (it declares 4194303915 bytes, the whole file has %zu)", n);
    for (int k = 0; k < 2; k++) {
        fe_archive *a = open_with(NULL, buf, n, NULL);
        rt_err e;
        rt_err_clear(&e);
        void *data = NULL;
        size_t size = 0;
        if (k == 0)
            assert_null(fe_archive_load_storage(a, "data/0", &e));
        else
            assert_int_equal(fe_archive_read(a, "data/0", &data, &size, &e), -1);
        if (!strstr(e.msg, want))
            fail_msg("error \"%s\" does not contain \"%s\"", e.msg, want);
        fe_archive_close(a);
    }
    free(buf);
}

/* The file is mapped at open: growing, replacing or removing it later
 * does not affect the archive or its storages. */
static void test_fe_archive_file_changes_after_open(void **state)
{
    (void)state;
    size_t n;
    char *buf = slurp(data_path("scripted.pt"), &n);
    const char *path = write_tmp(3, buf, n);
    fe_archive *a = open_with(path, NULL, 0, NULL);
    rt_storage *before = load_ok(a, "data/0");

    FILE *f = fopen(path, "ab"); /* grow it by 1 MiB of junk */
    assert_non_null(f);
    for (int i = 0; i < 1024; i++) {
        char junk[1024];
        memset(junk, 'x' + i % 3, sizeof junk);
        assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    }
    fclose(f);
    rt_storage *grown = load_ok(a, "data/1");

    /* replace it by rename with different bytes */
    char *other = malloc(n);
    memset(other, 0, n);
    const char *tmp = write_tmp(2, other, n);
    assert_int_equal(rename(tmp, path), 0);
    rt_storage *replaced = load_ok(a, "data/4");
    unlink(path);
    rt_storage *removed = load_ok(a, "data/5");

    rt_err e;
    rt_err_clear(&e);
    rt_value m;
    if (fe_pickle_load_archive(a, "data", NULL, &m, &e))
        fail_msg("%s", e.msg);
    fe_archive_close(a);
    assert_true(((float *)before->data)[23] == 23.0f);
    fe_archive *ref = open_ok("scripted.pt");
    const char *recs[] = {"data/1", "data/4", "data/5"};
    rt_storage *got[] = {grown, replaced, removed};
    for (int i = 0; i < 3; i++) {
        rt_storage *r = load_ok(ref, recs[i]);
        assert_int_equal(r->nbytes, got[i]->nbytes);
        assert_memory_equal(r->data, got[i]->data, r->nbytes);
        rt_storage_release(r);
        rt_storage_release(got[i]);
    }
    fe_archive_close(ref);
    rt_tensor *steps = dict_get(state_of(m), "steps").u.tensor;
    assert_int_equal(((int64_t *)rt_tensor_data(steps))[2], 30);
    rt_value_release(m);
    rt_storage_release(before);
    free(other);
    free(buf);
}

static void test_fe_archive_directory_path(void **state)
{
    (void)state;
    rt_err e;
    rt_err_clear(&e);
    assert_null(fe_archive_open_file(data_path(""), &e));
    assert_int_equal(e.status, TSJ_ERR_IO);
    assert_non_null(strstr(e.msg, "cannot open"));
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
        cmocka_unit_test(test_fe_archive_zero_copy_matches_copy),
        cmocka_unit_test(test_fe_archive_zero_copy_outlives_close),
        cmocka_unit_test(test_fe_archive_same_record_twice),
        cmocka_unit_test(test_fe_archive_unaligned_records),
        cmocka_unit_test(test_fe_archive_bad_local_headers),
        cmocka_unit_test(test_fe_archive_storage_crc_option),
        cmocka_unit_test(test_fe_archive_storage_declares_more_than_it_holds),
        cmocka_unit_test(test_fe_archive_file_changes_after_open),
        cmocka_unit_test(test_fe_archive_directory_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
