/*
 * test_fe_load.c — fe_load on small archives made here in memory (libzip):
 * the objects of data.pkl against the attributes their classes' code
 * declares. Like torch.jit.load, every declared attribute must have a value
 * in the pickled state (a missing one is an error that names the class and
 * the attribute: finding F2, such an archive used to load with the
 * attribute None), while state the code never declares is ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "fe_load.h"

/* ---- making an archive ---- */

/* A stored (uncompressed) zip entry. */
static void add_entry(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    assert_non_null(s);
    zip_int64_t idx = zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(s);
        fail_msg("zip_file_add %s: %s", name, zip_strerror(z));
    }
    assert_int_equal(zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0), 0);
}

/* archive/{version, code/__torch__.py, data.pkl} as zip bytes (malloc'd). */
static void *make_archive(const char *code, const void *pkl, size_t pkl_len, size_t *size)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    add_entry(z, "archive/version", "3\n", 2);
    add_entry(z, "archive/code/__torch__.py", code, strlen(code));
    add_entry(z, "archive/data.pkl", pkl, pkl_len);
    if (zip_close(z))
        fail_msg("zip_close: %s", zip_strerror(z));
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
    zip_int64_t n = zip_source_tell(src);
    assert_true(n > 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
    void *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)n), n);
    zip_source_close(src);
    zip_source_free(src);
    *size = (size_t)n;
    return buf;
}

/* Loads (code, pickle); 0 with *out set, or -1 with e set. */
static int load(const char *code, const char *pkl, size_t pkl_len, fe_loaded **out, rt_err *e)
{
    size_t size;
    void *zip = make_archive(code, pkl, pkl_len, &size);
    rt_err_clear(e);
    int rc = fe_load(NULL, zip, size, NULL, out, e);
    free(zip);
    return rc;
}

static void expect_error(const char *code, const char *pkl, size_t pkl_len, const char *const *want)
{
    fe_loaded *m = NULL;
    rt_err e;
    if (load(code, pkl, pkl_len, &m, &e) == 0) {
        fe_loaded_free(m);
        fail_msg("loaded, but the archive must be refused");
    }
    assert_null(m);
    assert_int_equal(e.status, TSJ_ERR_FORMAT);
    for (; *want; want++)
        if (!strstr(e.msg, *want))
            fail_msg("error \"%s\" does not contain \"%s\"", e.msg, *want);
}

static rt_value slot(const fe_loaded *m, rt_value obj, const char *name)
{
    (void)m;
    assert_int_equal(obj.kind, RT_OBJECT);
    int k = ir_class_find_attr(obj.u.object->cls, name);
    assert_true(k >= 0);
    return obj.u.object->slots[k];
}

/* ---- the archives ---- */

static const char CODE_M[] = "class M(Module):\n"
                             "  __parameters__ = []\n"
                             "  __buffers__ = []\n"
                             "  training : bool\n"
                             "  count : int\n"
                             "  maybe : Optional[int]\n"
                             "  def forward(self: __torch__.M,\n"
                             "    x: Tensor) -> Tensor:\n"
                             "    return x\n";

/* pickle protocol 2: __torch__.M() with a dict state (MARK ... SETITEMS) */
#define PKL_HEAD "\x80\x02" "c__torch__\nM\n)\x81}("
#define PKL_TAIL "ub."
#define K_TRAINING "X\x08\x00\x00\x00" "training\x88"          /* training: True */
#define K_COUNT "X\x05\x00\x00\x00" "countK\x03"               /* count: 3       */
#define K_MAYBE "X\x05\x00\x00\x00" "maybeN"                   /* maybe: None    */
#define K_JUNK "X\x04\x00\x00\x00" "junkK\x07"                 /* junk: 7        */

static void test_fe_load_complete_state(void **state)
{
    (void)state;
    static const char pkl[] = PKL_HEAD K_TRAINING K_COUNT K_MAYBE PKL_TAIL;
    fe_loaded *m = NULL;
    rt_err e;
    if (load(CODE_M, pkl, sizeof pkl - 1, &m, &e))
        fail_msg("%s", e.msg);
    rt_value root = m->prog->root;
    assert_int_equal(slot(m, root, "count").kind, RT_INT);
    assert_int_equal(slot(m, root, "count").u.i, 3);
    assert_int_equal(slot(m, root, "training").kind, RT_BOOL);
    assert_true(slot(m, root, "training").u.b);
    assert_int_equal(slot(m, root, "maybe").kind, RT_NONE); /* None given explicitly */
    assert_non_null(fe_loaded_find_method(m, "forward"));
    fe_loaded_free(m);
}

/* State the code does not declare is never read: torch loads it too. */
static void test_fe_load_undeclared_state_is_ignored(void **state)
{
    (void)state;
    static const char pkl[] = PKL_HEAD K_TRAINING K_JUNK K_COUNT K_MAYBE PKL_TAIL;
    fe_loaded *m = NULL;
    rt_err e;
    if (load(CODE_M, pkl, sizeof pkl - 1, &m, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(slot(m, m->prog->root, "count").u.i, 3);
    fe_loaded_free(m);
}

/* F2: a declared attribute missing from the state, whatever its type
 * (an Optional one too: torch refuses both). */
static void test_fe_load_missing_attribute(void **state)
{
    (void)state;
    static const char no_count[] = PKL_HEAD K_TRAINING K_MAYBE PKL_TAIL;
    expect_error(CODE_M, no_count, sizeof no_count - 1,
                 (const char *const[]){"data.pkl: ", "class __torch__.M", "attribute 'count'",
                                       NULL});
    static const char no_maybe[] = PKL_HEAD K_COUNT K_TRAINING PKL_TAIL;
    expect_error(CODE_M, no_maybe, sizeof no_maybe - 1,
                 (const char *const[]){"class __torch__.M", "attribute 'maybe'", NULL});
    /* a renamed key (as a bit flip inside the string does) */
    static const char renamed[] = PKL_HEAD K_TRAINING "X\x05\x00\x00\x00" "couNtK\x03" K_MAYBE
        PKL_TAIL;
    expect_error(CODE_M, renamed, sizeof renamed - 1,
                 (const char *const[]){"class __torch__.M", "attribute 'count'", NULL});
    /* an empty state */
    static const char empty[] = "\x80\x02" "c__torch__\nM\n)\x81}b.";
    expect_error(CODE_M, empty, sizeof empty - 1,
                 (const char *const[]){"class __torch__.M", "attribute 'training'", NULL});
}

/* The same inside a submodule: the message names the submodule's class. */
static void test_fe_load_missing_attribute_in_submodule(void **state)
{
    (void)state;
    static const char code[] = "class M(Module):\n"
                               "  __parameters__ = []\n"
                               "  __buffers__ = []\n"
                               "  training : bool\n"
                               "  sub : __torch__.S\n"
                               "  def forward(self: __torch__.M,\n"
                               "    x: Tensor) -> Tensor:\n"
                               "    return x\n"
                               "class S(Module):\n"
                               "  __parameters__ = []\n"
                               "  __buffers__ = []\n"
                               "  training : bool\n"
                               "  width : int\n";
#define SUB_HEAD "X\x03\x00\x00\x00" "subc__torch__\nS\n)\x81}("
    static const char ok[] = PKL_HEAD K_TRAINING SUB_HEAD K_TRAINING
        "X\x05\x00\x00\x00" "widthK\x02" "ub" PKL_TAIL;
    fe_loaded *m = NULL;
    rt_err e;
    if (load(code, ok, sizeof ok - 1, &m, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(slot(m, slot(m, m->prog->root, "sub"), "width").u.i, 2);
    fe_loaded_free(m);

    static const char bad[] = PKL_HEAD K_TRAINING SUB_HEAD K_TRAINING "ub" PKL_TAIL;
    expect_error(code, bad, sizeof bad - 1,
                 (const char *const[]){"class __torch__.S", "attribute 'width'", NULL});
#undef SUB_HEAD
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fe_load_complete_state),
        cmocka_unit_test(test_fe_load_undeclared_state_is_ignored),
        cmocka_unit_test(test_fe_load_missing_attribute),
        cmocka_unit_test(test_fe_load_missing_attribute_in_submodule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
