/* test_rt_value.c — runtime values and tensors: refcounting, containers,
 * equality, types, views with strides and offsets, dtype conversion,
 * half-precision rounding, storage bounds checks. */
#include <math.h>
#include <string.h>

#include "support.h"
#include "rt_type.h"

static void scalars_and_strings(void **state)
{
    (void)state;
    rt_err e;
    rt_value s;
    assert_int_equal(rt_str_from_cstr("relu", &s, &e), 0);
    assert_int_equal(s.kind, RT_STR);
    assert_string_equal(rt_str_cstr(s), "relu");
    rt_value s2;
    assert_int_equal(rt_str_new("relux", 4, &s2, &e), 0);
    assert_true(rt_value_equal(s, s2));
    assert_true(rt_value_equal(rt_int(2), rt_float(2.0)));
    assert_true(rt_value_equal(rt_bool(true), rt_int(1)));
    assert_false(rt_value_equal(rt_int(2), s));
    assert_true(rt_value_equal(rt_none(), rt_none()));
    rt_value_release(s);
    rt_value_release(s2);
}

static void lists_tuples_dicts_refcount(void **state)
{
    (void)state;
    rt_err e;
    rt_value l, str;
    assert_int_equal(rt_list_new(RT_LIST, 0, &l, &e), 0);
    assert_int_equal(rt_str_from_cstr("x", &str, &e), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(rt_list_append(l.u.list, rt_int(i), &e), 0);
    assert_int_equal(rt_list_append(l.u.list, str, &e), 0);
    assert_int_equal(atomic_load(&str.u.obj->refcount), 2);
    assert_int_equal(l.u.list->len, 101);
    rt_value items[2] = {l, rt_float(1.5)};
    rt_value t;
    assert_int_equal(rt_list_from(RT_TUPLE, items, 2, &t, &e), 0);
    assert_int_equal(atomic_load(&l.u.obj->refcount), 2);
    char buf[64];
    assert_string_equal(rt_value_type_str(t, buf, sizeof buf), "Tuple[List[int], float]");
    rt_value d;
    assert_int_equal(rt_dict_new(&d, &e), 0);
    assert_int_equal(rt_dict_set(d.u.dict, str, rt_int(1), &e), 0);
    assert_int_equal(rt_dict_set(d.u.dict, str, rt_int(2), &e), 0);
    assert_int_equal(d.u.dict->len, 1);
    assert_int_equal(d.u.dict->values[rt_dict_find(d.u.dict, str)].u.i, 2);
    assert_int_equal(rt_dict_find(d.u.dict, rt_int(3)), -1);
    rt_value o;
    assert_int_equal(rt_object_new(NULL, 3, &o, &e), 0);
    o.u.object->slots[1] = rt_value_retain(str);
    assert_int_equal(atomic_load(&str.u.obj->refcount), 4);
    rt_value_release(o);
    rt_value_release(d);
    rt_value_release(t);
    rt_value_release(l);
    assert_int_equal(atomic_load(&str.u.obj->refcount), 1);
    rt_value_release(str);
}

static void types_parse_print_match(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a);
    rt_err e;
    const char *texts[] = {"Tensor", "Optional[List[int]]", "Tuple[int, str]", "Dict[str, Tensor]",
                           "List[Tuple[Tensor, Optional[Tensor]]]", "Tuple[()]"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const rt_type *t = rt_type_parse(&a, texts[i], &e);
        assert_non_null(t);
        char buf[128];
        assert_string_equal(rt_type_format(t, buf, sizeof buf), texts[i]);
    }
    char buf[128];
    assert_string_equal(rt_type_format(rt_type_parse(&a, "int[]?", &e), buf, 128),
                        "Optional[List[int]]");
    assert_string_equal(rt_type_format(rt_type_parse(&a, "Union[Tensor, NoneType]", &e), buf, 128),
                        "Optional[Tensor]");
    assert_null(rt_type_parse(&a, "List[int", &e));
    const rt_type *opt = rt_type_parse(&a, "Optional[Tensor]", &e);
    assert_true(rt_type_subtype(&rt_type_none, opt));
    assert_true(rt_type_subtype(&rt_type_tensor, opt));
    assert_false(rt_type_subtype(&rt_type_int, opt));
    assert_true(rt_type_subtype(&rt_type_int, &rt_type_number));
    assert_true(rt_value_matches(rt_none(), opt));
    assert_false(rt_value_matches(rt_int(5), &rt_type_tensor));
    assert_true(rt_value_matches(rt_int(5), &rt_type_float));
    rt_arena_free(&a);
}

static void tensor_views_and_bounds(void **state)
{
    (void)state;
    rt_err e;
    int64_t shape[2] = {3, 4};
    rt_tensor *t = rt_tensor_new(RT_F32, 2, shape, &e);
    assert_non_null(t);
    assert_int_equal((uintptr_t)rt_tensor_data(t) % RT_ALIGN, 0);
    float *d = rt_tensor_data(t);
    for (int i = 0; i < 12; i++)
        d[i] = (float)i;
    /* column 1 as a view: shape [3], stride 4, offset 1 */
    int64_t vs[1] = {3}, vst[1] = {4};
    rt_tensor *col = rt_tensor_view(t->storage, RT_F32, 1, vs, vst, 1, &e);
    assert_non_null(col);
    assert_false(rt_tensor_is_contiguous(col));
    assert_true(((float *)rt_tensor_data(col))[4] == 5.0f);
    rt_tensor *c = rt_tensor_contiguous(col, &e);
    assert_true(rt_tensor_is_contiguous(c));
    float *cd = rt_tensor_data(c);
    assert_true(cd[0] == 1 && cd[1] == 5 && cd[2] == 9);
    /* writes through a view reach the base */
    ((float *)rt_tensor_data(col))[0] = 42;
    assert_true(d[1] == 42);
    /* a view outside its storage is refused */
    int64_t off_st[1] = {5};
    assert_null(rt_tensor_view(t->storage, RT_F32, 1, vs, off_st, 3, &e));
    assert_int_equal(e.status, TSJ_ERR_FORMAT);
    assert_null(rt_tensor_view(t->storage, RT_F64, 2, shape, (int64_t[]){4, 1}, 0, &e));
    int64_t neg[1] = {-1};
    assert_null(rt_tensor_new(RT_F32, 1, neg, &e));
    int64_t huge[2] = {INT64_MAX / 2, 4};
    assert_null(rt_tensor_new(RT_F32, 2, huge, &e));
    assert_int_equal(e.status, TSJ_ERR_LIMIT);
    rt_tensor_release(c);
    rt_tensor_release(col);
    rt_tensor_release(t);
}

static void dtype_conversion_and_half(void **state)
{
    (void)state;
    rt_err e;
    int64_t shape[1] = {5};
    float src[5] = {-1.5f, 0.0f, 2.7f, 65504.0f, 1e-8f};
    rt_tensor *t = ts_tensor_f32(1, shape, src);
    rt_tensor *i = rt_tensor_to_dtype(t, RT_I64, &e);
    int64_t *id = rt_tensor_data(i);
    assert_int_equal(id[0], -1);
    assert_int_equal(id[2], 2);
    rt_tensor *b = rt_tensor_to_dtype(t, RT_BOOL_, &e);
    uint8_t *bd = rt_tensor_data(b);
    assert_true(bd[0] == 1 && bd[1] == 0 && bd[4] == 1);
    rt_tensor *h = rt_tensor_to_dtype(t, RT_F16, &e);
    assert_true(rt_load_f64((uint16_t *)rt_tensor_data(h) + 3, RT_F16) == 65504.0);
    assert_true(rt_load_f64((uint16_t *)rt_tensor_data(h) + 0, RT_F16) == -1.5);
    assert_true(rt_f16_to_f32(rt_f32_to_f16(INFINITY)) == INFINITY);
    assert_true(isnan(rt_f16_to_f32(rt_f32_to_f16(NAN))));
    assert_true(rt_bf16_to_f32(rt_f32_to_bf16(1.0f)) == 1.0f);
    assert_true(fabsf(rt_bf16_to_f32(rt_f32_to_bf16(3.14159f)) - 3.14159f) < 0.02f);
    assert_int_equal(rt_dtype_promote(RT_I64, RT_F32), RT_F32);
    assert_int_equal(rt_dtype_promote(RT_U8, RT_I8), RT_I16);
    assert_int_equal(rt_dtype_promote(RT_BOOL_, RT_I32), RT_I32);
    assert_int_equal(rt_dtype_promote(RT_F16, RT_BF16), RT_F32);
    rt_tensor_release(h);
    rt_tensor_release(b);
    rt_tensor_release(i);
    rt_tensor_release(t);
}

static int released;
static void on_release(void *data, void *ctx)
{
    (void)data;
    released += *(int *)ctx;
}

static void wrapped_storage_release(void **state)
{
    (void)state;
    rt_err e;
    static float mem[6] = {1, 2, 3, 4, 5, 6};
    int one = 1;
    released = 0;
    rt_storage *s = rt_storage_wrap(mem, sizeof mem, on_release, &one, &e);
    int64_t shape[2] = {2, 3}, st[2] = {3, 1};
    rt_tensor *t = rt_tensor_view(s, RT_F32, 2, shape, st, 0, &e);
    rt_storage_release(s);
    rt_tensor *c = rt_tensor_clone(t, &e);
    assert_int_equal(released, 0);
    rt_tensor_release(t);
    assert_int_equal(released, 1);
    assert_true(((float *)rt_tensor_data(c))[5] == 6.0f);
    rt_tensor_release(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalars_and_strings),     cmocka_unit_test(lists_tuples_dicts_refcount),
        cmocka_unit_test(types_parse_print_match), cmocka_unit_test(tensor_views_and_bounds),
        cmocka_unit_test(dtype_conversion_and_half), cmocka_unit_test(wrapped_storage_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
