/*
 * api_internal.h — what the public handles of tsjit.h hold. Only api/ files
 * and tools built on the static library include this.
 */
#ifndef API_INTERNAL_H
#define API_INTERNAL_H

#include <stdatomic.h>

#include "rt_error.h"
#include "rt_tensor.h"
#include "rt_value.h"
#include "tsjit.h"

/* A public value: a refcounted box around one runtime value. */
struct tsj_value {
    atomic_int refcount;
    rt_value v;
};

struct tsj_error {
    rt_err e;
};

struct tsj_options {
    tsj_mode mode;
    int threads;
    int fold_attributes;
    int cache_size;
    int jit_threshold; /* the call of a signature that compiles it       */
    int mmap_weights; /* map tensor records of a file instead of copying */
    size_t max_tensor_bytes;  /* largest tensor a call may make; 0: 1 TiB      */
    uint32_t max_graph_nodes; /* live nodes per method graph, checked at load */
    int profile; /* time every interpreted operator (tsjit bench --profile) */
};

/* Boxes v, taking over the caller's reference to it; NULL on OOM (v is
 * released then). */
tsj_value *api_box(rt_value v);
/* Hands an error to the caller when they asked for one; returns status. */
tsj_status api_fail(const rt_err *e, tsj_error **err);
/* Sets an error from a message. */
tsj_status api_failf(tsj_error **err, tsj_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void api_options_default(struct tsj_options *o);
int api_options_set(struct tsj_options *o, const char *key, const char *value, rt_err *e);

#endif /* API_INTERNAL_H */
