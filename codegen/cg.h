/*
 * cg.h — the code generator as the rest of tsjit sees it: one cg_method per
 * method of a loaded model. A call computes the argument signature, finds
 * (or compiles) the specialization for it, and runs the compiled entry; a
 * signature that cannot be compiled runs in the interpreter. Nothing here
 * exposes LLVM.
 *
 * Threads: cg_method_call may be called from many threads at once on one
 * cg_method (the cache is locked; compiles are serialized per method).
 *
 * Environment: TSJ_CPU=<llvm cpu name> (e.g. x86-64-v2) picks the CPU the
 * JIT compiles for, with that CPU's default features instead of the host's
 * (needed under valgrind, which does not emulate AVX-512);
 * TSJ_CPU_FEATURES=<"+avx2,..."> overrides the feature string.
 * TSJ_JIT=0 makes every call use the interpreter.
 */
#ifndef CG_H
#define CG_H

#include "ir.h"
#include "rt_interp.h"

typedef struct cg_method cg_method;

/* A method's compiler state for graph fn->graph (borrowed; it must outlive
 * the cg_method). self_root is the module object passed as self (retained).
 * cache_size <= 0 picks the default (16 specializations). threshold: the
 * call of a signature that compiles it (<= 0: the default, 2); the calls
 * before run in the interpreter, so a signature seen once never pays for a
 * compile, and 1 compiles at the first call. NULL with e set on
 * out-of-memory; LLVM is initialized lazily, at the first compile. */
cg_method *cg_method_new(const ir_func *fn, rt_value self_root, int cache_size, int threshold,
                         rt_err *e);
void cg_method_free(cg_method *m);

/* Runs the method: args[0..nargs) borrowed, self first, defaults already
 * bound. Writes one new reference to *out. Compiles a signature at its
 * threshold-th call (synchronously, on the calling thread); anything
 * that cannot be compiled runs in rt_interp_run. o->profile != NULL runs
 * the interpreter (per-op profiling). 0 or -1 with e set. */
int cg_method_call(cg_method *m, const rt_value *args, int nargs, rt_value *out,
                   const rt_interp_opts *o, rt_err *e);

/* Progress of compiles: fn(user, stage) is called on the compiling thread
 * as each stage of a compile starts ("specializing", "optimizing", ...)
 * and with NULL when the compile ends. Set before calls start. */
typedef void (*cg_progress_fn)(void *user, const char *stage);
void cg_method_set_progress(cg_method *m, cg_progress_fn fn, void *user);

/* Changes the threshold for later calls (any thread). */
void cg_method_set_threshold(cg_method *m, int threshold);

/* Text for `tsjit info --jit`: the specialization for these args (compiled
 * on the spot, not entered in the cache): specialized IR, fusion groups,
 * arena, native vs fallback nodes, LLVM IR, assembly, compile times.
 * *text is malloc'd (caller frees). */
int cg_method_describe(cg_method *m, const rt_value *args, int nargs, char **text, rt_err *e);
/* The cache: one line per entry (signature, state, hits, compile time). */
int cg_method_cache_describe(cg_method *m, char **text, rt_err *e);

/* Counters over the method's life (for tests and `tsjit bench`). */
typedef struct cg_stats {
    uint64_t calls, hits, misses, compiles, compile_failures, interp_calls, evictions;
    uint64_t warmup_calls; /* interpreter calls of signatures not yet compiled */
    double compile_seconds;
    int entries, threshold;
} cg_stats;
void cg_method_stats(cg_method *m, cg_stats *out);

/* Disposes the process-wide JIT (LLJIT, target machine). Only for the
 * end of a process that wants a clean leak report (tests, valgrind):
 * every cg_method must be freed before, and no compile may follow. */
void cg_shutdown(void);

#endif /* CG_H */
