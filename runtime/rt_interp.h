/*
 * rt_interp.h — the interpreter: runs any IR graph (If, Loop, calls,
 * objects, every op-table kernel). It is the fallback for whatever the code
 * generator does not compile and the oracle the JIT is tested against.
 */
#ifndef RT_INTERP_H
#define RT_INTERP_H

#include "ir.h"
#include "rt_op.h"

/* Per-call statistics, for `tsjit bench --profile`: time per op id. */
typedef struct rt_profile {
    double seconds[RT_OP_COUNT + 1];
    uint64_t calls[RT_OP_COUNT + 1];
} rt_profile;

typedef struct rt_interp_opts {
    int threads;          /* intra-op thread budget (>= 1)          */
    void *model;          /* handed to kernels through rt_ctx       */
    rt_profile *profile;  /* NULL: no profiling                     */
    int max_depth;        /* call nesting limit (0: default 200)    */
} rt_interp_opts;

/* Runs graph g with nargs arguments (borrowed; for a method, self first).
 * Writes the graph's results (new references) to out[0..nout) where nout
 * is the body block's ret count. On failure sets e (with the failing
 * node's source location and operator) and returns -1; out[] stays none. */
int rt_interp_run(const ir_graph *g, const rt_value *args, int nargs, rt_value *out, int nout,
                  const rt_interp_opts *opts, rt_err *e);

#endif /* RT_INTERP_H */
