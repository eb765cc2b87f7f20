/* fuzz_parse.c — libFuzzer target: TorchScript source through the lexer
 * and parser (fe_parse), plus the expression entry point on the same bytes
 * (type strings take that path). */
#include <stddef.h>
#include <stdint.h>

#include "fe_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rt_arena a;
    rt_err e;
    rt_arena_init(&a);
    rt_err_clear(&e);
    if (!fe_parse(&a, "code/__torch__/fuzz.py", (const char *)data, size, &e) &&
        (e.status == TSJ_OK || !e.msg[0]))
        __builtin_trap();
    rt_arena_free(&a);
    if (size <= 4096) {
        rt_arena_init(&a);
        rt_err_clear(&e);
        if (!fe_parse_expr(&a, "<type>", (const char *)data, size, &e) &&
            (e.status == TSJ_OK || !e.msg[0]))
            __builtin_trap();
        rt_arena_free(&a);
    }
    return 0;
}
