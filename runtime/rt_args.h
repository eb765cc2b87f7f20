/*
 * rt_args.h — reading kernel arguments (rt_value forms described in
 * rt_op.h) and writing kernel results, with clear errors on a wrong kind.
 * `what` names the argument in messages ("dim", "kernel_size").
 */
#ifndef RT_ARGS_H
#define RT_ARGS_H

#include "rt_op.h"

/* int (a bool is accepted as 0/1, as Python does). */
int rt_arg_int(rt_ctx *c, rt_value v, const char *what, int64_t *out);
/* int or None: *present tells which. */
int rt_arg_opt_int(rt_ctx *c, rt_value v, const char *what, int64_t *out, bool *present);
int rt_arg_double(rt_ctx *c, rt_value v, const char *what, double *out);
int rt_arg_bool(rt_ctx *c, rt_value v, const char *what, bool *out);
/* A tensor (borrowed). */
int rt_arg_tensor(rt_ctx *c, rt_value v, const char *what, rt_tensor **out);
/* A tensor or None (*out = NULL). */
int rt_arg_opt_tensor(rt_ctx *c, rt_value v, const char *what, rt_tensor **out);
/* int[] into out[max]; a single int is repeated `expand` times (int[N]
 * forms; pass 0 to refuse a single int). *n gets the length. */
int rt_arg_intlist(rt_ctx *c, rt_value v, const char *what, int64_t *out, int max, int expand,
                   int *n);
/* Tensor[]: the list object (items are RT_TENSOR, checked). */
int rt_arg_tensorlist(rt_ctx *c, rt_value v, const char *what, rt_list **out);
/* A dim index normalized against ndim (negative counts from the end);
 * IndexError-style message when out of range. ndim 0 accepts -1 and 0. */
int rt_arg_dim(rt_ctx *c, int64_t dim, int ndim, int64_t *out);
/* A dtype (ScalarType int) or None (*out = dflt). */
int rt_arg_dtype(rt_ctx *c, rt_value v, rt_dtype dflt, rt_dtype *out);

/* Stores a new tensor (its reference moves into out). */
static inline void rt_out_tensor(rt_value *out, rt_tensor *t) { *out = rt_tensor_value(t); }

#endif /* RT_ARGS_H */
