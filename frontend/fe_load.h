/*
 * fe_load.h — loading a TorchScript archive end to end: zip → sources →
 * AST → declarations → objects (data.pkl, constants.pkl) → one IR graph
 * per method of the top-level module, optimized for inference.
 */
#ifndef FE_LOAD_H
#define FE_LOAD_H

#include <stddef.h>

#include "ir.h"

typedef struct fe_loaded {
    ir_program *prog;       /* classes, functions, prog->root (the module) */
    int version;            /* archive format version                      */
    /* timings in seconds, for `tsjit info` */
    double t_archive, t_parse, t_pickle, t_emit, t_optimize;
} fe_loaded;

typedef struct fe_load_opts {
    bool fold_attributes;   /* fold frozen module attributes (default)    */
    bool optimize;          /* run ir_optimize on each method             */
    bool copy_weights;      /* copy tensor records instead of mapping the
                               file (mapped weights crash the process with
                               SIGBUS if the file is truncated while loaded) */
} fe_load_opts;

/* Loads from `path`, or from `data`/`size` when path is NULL (the buffer
 * is only read during the call). 0, or -1 with e set; *out is freed with
 * fe_loaded_free. */
int fe_load(const char *path, const void *data, size_t size, const fe_load_opts *opts,
            fe_loaded **out, rt_err *e);
void fe_loaded_free(fe_loaded *m);

/* The callable methods of the top-level module's class, in source order. */
size_t fe_loaded_method_count(const fe_loaded *m);
ir_func *fe_loaded_method(const fe_loaded *m, size_t i);
ir_func *fe_loaded_find_method(const fe_loaded *m, const char *name);

#endif /* FE_LOAD_H */
