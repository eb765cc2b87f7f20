/*
 * cg_prewarm.c — warming LLVM up in the background while a model loads.
 *
 * The first compile of a process pays for more than its own code: LLVM's
 * native target and the LLJIT are set up, and the pass pipeline and
 * instruction selector run for the first time, so their code is paged in
 * and their tables are built (together some 10-40 ms, against a few ms for
 * a later compile of the same size). cg_prewarm() starts one thread, once
 * per process, that initializes the JIT and compiles a small vectorizable
 * loop through the same path as real code (cg_jit_add: verify, default<O3>,
 * ORC), then throws it away. A model loaded in jit mode starts it, so by
 * the time a signature is hot enough to compile (jit_threshold) the cost
 * is gone; a compile that comes earlier simply waits for the JIT's lock.
 *
 * The thread is joined by cg_prewarm_join(): from cg_shutdown and from an
 * atexit handler, so LLVM's static destructors never run under it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Orc.h>

#include "cg_impl.h"
#include "cg_llvm.h"

static struct {
    pthread_once_t once;
    pthread_mutex_t lock;
    pthread_t thread;
    bool started, joined;
} P = {.once = PTHREAD_ONCE_INIT, .lock = PTHREAD_MUTEX_INITIALIZER};

/* y[i] = max(x[i] * a + b, 0) with a call-out that never runs: loop
 * vectorization, instruction selection, symbol resolution. */
static const char PREWARM_IR[] =
    "declare i32 @cg_rt_node(ptr, i32)\n"
    "define i32 @%s(ptr noalias %%y, ptr noalias %%x, i64 %%n, float %%a, float %%b) {\n"
    "entry:\n"
    "  %%c = icmp sgt i64 %%n, 0\n"
    "  br i1 %%c, label %%loop, label %%done\n"
    "loop:\n"
    "  %%i = phi i64 [ 0, %%entry ], [ %%i1, %%loop ]\n"
    "  %%px = getelementptr inbounds float, ptr %%x, i64 %%i\n"
    "  %%v = load float, ptr %%px, align 4\n"
    "  %%m = fmul float %%v, %%a\n"
    "  %%s = fadd float %%m, %%b\n"
    "  %%p = fcmp ogt float %%s, 0.0\n"
    "  %%r = select i1 %%p, float %%s, float 0.0\n"
    "  %%py = getelementptr inbounds float, ptr %%y, i64 %%i\n"
    "  store float %%r, ptr %%py, align 4\n"
    "  %%i1 = add nuw nsw i64 %%i, 1\n"
    "  %%e = icmp eq i64 %%i1, %%n\n"
    "  br i1 %%e, label %%done, label %%loop\n"
    "done:\n"
    "  %%neg = icmp slt i64 %%n, 0\n"
    "  br i1 %%neg, label %%call, label %%ret\n"
    "call:\n"
    "  %%k = call i32 @cg_rt_node(ptr %%y, i32 0)\n"
    "  ret i32 %%k\n"
    "ret:\n"
    "  ret i32 0\n"
    "}\n";

static void *prewarm_main(void *arg)
{
    (void)arg;
    rt_err e;
    rt_err_clear(&e);
    if (cg_jit_init(&e))
        return NULL; /* the first real compile reports it */
    char name[64], text[sizeof PREWARM_IR + 64];
    snprintf(name, sizeof name, "tsj_prewarm_%llu", cg_jit_next_id());
    snprintf(text, sizeof text, PREWARM_IR, name);
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    LLVMContextRef C = LLVMOrcThreadSafeContextGetContext(tsc);
    /* the buffer is taken by LLVMParseIRInContext */
    LLVMMemoryBufferRef buf =
        LLVMCreateMemoryBufferWithMemoryRangeCopy(text, strlen(text), "prewarm");
    LLVMModuleRef M = NULL;
    char *msg = NULL;
    if (LLVMParseIRInContext(C, buf, &M, &msg)) {
        LLVMDisposeMessage(msg);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return NULL;
    }
    LLVMSetTarget(M, cg_jit_triple());
    LLVMSetDataLayout(M, cg_jit_datalayout());
    cg_code code = {0};
    cg_times t = {0};
    if (cg_jit_add(tsc, M, name, false, &code, &t, &e) == 0) /* consumes M, tsc */
        cg_code_free(&code);
    return NULL;
}

static void prewarm_start(void)
{
    pthread_mutex_lock(&P.lock);
    if (pthread_create(&P.thread, NULL, prewarm_main, NULL) == 0) {
        P.started = true;
        atexit(cg_prewarm_join);
    }
    pthread_mutex_unlock(&P.lock);
}

void cg_prewarm(void)
{
    const char *env = getenv("TSJ_JIT");
    if (env && !strcmp(env, "0"))
        return;
    pthread_once(&P.once, prewarm_start);
}

void cg_prewarm_join(void)
{
    pthread_mutex_lock(&P.lock);
    if (P.started && !P.joined) {
        pthread_join(P.thread, NULL);
        P.joined = true;
    }
    pthread_mutex_unlock(&P.lock);
}
