/*
 * rt_kernels.h — prototypes of every interpreter kernel and shape rule,
 * generated from the operator table (rt_ops.def); nothing is listed by
 * hand. Kernel files include this header.
 */
#ifndef RT_KERNELS_H
#define RT_KERNELS_H

#include "rt_args.h"
#include "rt_op.h"
#include "rt_shape.h"

#define OP(id, schema, kernel, shape, flags) \
    int kernel(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout);
#include "rt_ops.def"
#undef OP

#endif /* RT_KERNELS_H */
