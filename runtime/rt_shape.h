/*
 * rt_shape.h — shape/dtype rules named in the operator table's shape_rule
 * column (rt_ops.def). A rule computes output metadata (rt_meta) from input
 * metadata without touching data; codegen uses them to specialize.
 */
#ifndef RT_SHAPE_H
#define RT_SHAPE_H

#include "rt_op.h"

#endif /* RT_SHAPE_H */
