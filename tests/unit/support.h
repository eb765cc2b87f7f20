/*
 * support.h — helpers shared by the cmocka tests (linked into every test
 * binary; depends on the runtime only).
 */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the includes above first */
#include <cmocka.h>

#include "rt_npy.h"
#include "rt_op.h"
#include "rt_tensor.h"

/* $TSJ_TEST_DATA/<rel> (default "data/<rel>") into a static buffer. */
const char *ts_data_path(const char *rel);
/* Loads $TSJ_TEST_DATA/<rel>; fails the test when it cannot. */
rt_tensor *ts_load_npy(const char *rel);
/* Runs the op named "aten::add.Tensor" on nin arguments through the
 * operator table; returns the kernel's status, results in out[]. */
int ts_run_op(const char *full_name, const rt_value *in, int nin, rt_value *out, int nout,
              rt_err *e);
/* Fails unless `got` has the dtype and shape of `want` and
 * |got - want| <= atol + rtol * |want| elementwise (NaN equals NaN;
 * integer and bool dtypes exactly). `what` labels the failure. */
void ts_assert_close(const rt_tensor *got, const rt_tensor *want, double rtol, double atol,
                     const char *what);
/* Convenience constructors for tests. */
rt_tensor *ts_tensor_f32(int ndim, const int64_t *shape, const float *data);
rt_tensor *ts_tensor_i64(int ndim, const int64_t *shape, const int64_t *data);
rt_value ts_intlist(int n, const int64_t *items);

#endif /* TEST_SUPPORT_H */
