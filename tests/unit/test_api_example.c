/* test_api_example.c — the example model shipped in examples/classifier
 * runs through the public C ABI in both modes and matches PyTorch. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "tsjit.h"

static void run_example(const char *mode)
{
    char path[1024];
    const char *root = getenv("TSJ_TEST_DATA");
    snprintf(path, sizeof path, "%s/../../examples/classifier/model.pt", root ? root : "data");
    tsj_options *o = tsj_options_create();
    assert_int_equal(tsj_options_set(o, "mode", mode), TSJ_OK);
    assert_int_equal(tsj_options_set(o, "jit_threshold", "1"), TSJ_OK); /* compile at once */
    tsj_model *m = NULL;
    tsj_error *err = NULL;
    if (tsj_model_load(path, o, &m, &err) != TSJ_OK)
        fail_msg("load: %s", tsj_error_message(err));
    snprintf(path, sizeof path, "%s/../../examples/classifier/x.npy", root ? root : "data");
    tsj_value *args[2] = {NULL, tsj_value_int(2)};
    assert_int_equal(tsj_npy_load(path, &args[0], &err), TSJ_OK);
    tsj_value *y = NULL;
    if (tsj_model_call(m, "forward", args, 2, &y, &err) != TSJ_OK)
        fail_msg("call: %s", tsj_error_message(err));
    snprintf(path, sizeof path, "%s/../../examples/classifier/expected.npy", root ? root : "data");
    tsj_value *want = NULL;
    assert_int_equal(tsj_npy_load(path, &want, &err), TSJ_OK);
    assert_int_equal(tsj_tensor_numel(y), 12);
    const float *a = tsj_tensor_data(y), *b = tsj_tensor_data(want);
    for (int i = 0; i < 12; i++)
        assert_true(fabsf(a[i] - b[i]) <= 1e-5f + 1e-4f * fabsf(b[i]));
    assert_string_equal(tsj_model_method_signature(m, "forward"),
                        "forward(Tensor x, int steps) -> Tensor");
    tsj_value_release(want);
    tsj_value_release(y);
    tsj_value_release(args[0]);
    tsj_value_release(args[1]);
    tsj_model_free(m);
    tsj_options_free(o);
}

static void example_interp(void **state)
{
    (void)state;
    run_example("interp");
}

static void example_jit(void **state)
{
    (void)state;
    run_example("jit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(example_interp),
                                       cmocka_unit_test(example_jit)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
