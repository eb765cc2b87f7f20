/* fuzz_pickle.c — libFuzzer target: pickle bytes through the restricted
 * unpickler in its default mode (no storage loader, generic objects). */
#include <stddef.h>
#include <stdint.h>

#include "fe_pickle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rt_err e;
    rt_err_clear(&e);
    rt_value out;
    if (fe_pickle_load("fuzz.pkl", data, size, NULL, &out, &e) != 0) {
        if (e.status == TSJ_OK || !e.msg[0])
            __builtin_trap(); /* a failure must say what went wrong */
    }
    rt_value_release(out);
    return 0;
}
