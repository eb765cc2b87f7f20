/* fuzz_npy.c — libFuzzer target: .npy bytes through tsj_npy_load_buffer.
 * A tensor that loads is read end to end (ASan checks its extent), encoded
 * again (rt_npy_encode) and re-parsed: the round trip must give the same
 * dtype, shape and bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "rt_npy.h"
#include "tsjit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t empty[1] = {0};
    tsj_value *v = NULL;
    tsj_error *err = NULL;
    if (tsj_npy_load_buffer(size ? (const void *)data : empty, size, &v, &err) != TSJ_OK) {
        if (!tsj_error_message(err)[0])
            __builtin_trap(); /* a failure must say what went wrong */
        tsj_error_free(err);
        return 0;
    }
    int64_t numel = tsj_tensor_numel(v);
    size_t nbytes = (size_t)numel * tsj_dtype_size(tsj_tensor_dtype(v));
    const volatile unsigned char *p = tsj_tensor_data(v);
    unsigned char acc = 0;
    for (size_t i = 0; p && i < nbytes; i++)
        acc ^= p[i];
    (void)acc;

    void *enc = NULL;
    size_t enc_size = 0;
    rt_err e;
    rt_err_clear(&e);
    if (rt_npy_encode(v->v.u.tensor, &enc, &enc_size, &e) == 0) {
        rt_tensor *t2 = rt_npy_parse(enc, enc_size, "<roundtrip>", &e);
        if (!t2)
            __builtin_trap(); /* what we write must load */
        if (rt_tensor_numel(t2) != numel || t2->dtype != v->v.u.tensor->dtype ||
            t2->ndim != tsj_tensor_ndim(v) ||
            (nbytes && memcmp(rt_tensor_data(t2), tsj_tensor_data(v), nbytes)))
            __builtin_trap();
        rt_tensor_release(t2);
    }
    free(enc);
    tsj_value_release(v);
    return 0;
}
