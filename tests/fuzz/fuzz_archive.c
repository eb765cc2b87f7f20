/* fuzz_archive.c — libFuzzer target: archive bytes end to end through the
 * public ABI (zip -> sources -> AST -> pickles -> IR -> passes), then every
 * cheap description of the loaded model (classes, methods, IR, operators). */
#include <stddef.h>
#include <stdint.h>

#include "tsjit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t empty[1] = {0};
    tsj_model *m = NULL;
    tsj_error *err = NULL;
    if (tsj_model_load_buffer(size ? (const void *)data : empty, size, NULL, &m, &err) != TSJ_OK) {
        /* every failure carries a message */
        if (!tsj_error_message(err)[0])
            __builtin_trap();
        tsj_error_free(err);
        return 0;
    }
    static const char *const what[] = {"classes", "methods", "ir", "ops"};
    for (size_t i = 0; i < sizeof what / sizeof what[0]; i++) {
        char *text = NULL;
        tsj_error *e2 = NULL;
        if (tsj_model_describe(m, what[i], NULL, NULL, 0, &text, &e2) == TSJ_OK)
            tsj_string_free(text);
        else
            tsj_error_free(e2);
    }
    for (size_t i = 0; i < tsj_model_method_count(m); i++)
        (void)tsj_model_method_signature(m, tsj_model_method_name(m, i));
    tsj_model_free(m);
    return 0;
}
