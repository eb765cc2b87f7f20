/*
 * cg_jit.c — the process-wide LLVM side: native target, one host
 * TargetMachine for the pass pipeline and asm text, one ORC LLJIT whose
 * main JITDylib knows the entry points of cg_rt.c as absolute symbols
 * (plus the process's shared libraries), created lazily and thread-safely
 * at the first compile. Follows shared/notes/llvm16-c-api.md.
 *
 * Per compile: the module (built by cg_emit in its own ThreadSafeContext)
 * is verified, optimized with default<O3> and the host TM, added under a
 * fresh ResourceTracker and looked up; freeing a cg_code removes its
 * tracker. Every LLVMErrorRef is consumed; session errors go to our
 * reporter, never to stderr.
 *
 * TSJ_CPU / TSJ_CPU_FEATURES override the host CPU name / feature string
 * (valgrind cannot run AVX-512: use TSJ_CPU=x86-64-v2 under it).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "cg_impl.h"
#include "cg_llvm.h"

static struct {
    pthread_once_t once;
    pthread_mutex_t lock; /* serializes pass runs, asm emission, adds */
    int status;           /* 0 ok, -1 failed */
    char msg[512];
    LLVMTargetMachineRef tm;
    LLVMOrcLLJITRef jit;
    char *triple, *dl, *cpu, *features;
    char target_text[512];
    char session_error[512];
    unsigned long long counter;
} J = {.once = PTHREAD_ONCE_INIT, .lock = PTHREAD_MUTEX_INITIALIZER};

/* Copies and consumes err; returns -1. */
static int take_error(LLVMErrorRef err, const char *what)
{
    char *m = LLVMGetErrorMessage(err); /* consumes err */
    snprintf(J.msg, sizeof J.msg, "%s: %s", what, m);
    LLVMDisposeErrorMessage(m);
    return -1;
}

static void report_session_error(void *ctx, LLVMErrorRef err)
{
    (void)ctx;
    char *m = LLVMGetErrorMessage(err);
    snprintf(J.session_error, sizeof J.session_error, "%s", m);
    LLVMDisposeErrorMessage(m);
}

static LLVMTargetMachineRef create_tm(void)
{
    LLVMTargetRef target;
    char *err = NULL;
    if (LLVMGetTargetFromTriple(J.triple, &target, &err)) {
        snprintf(J.msg, sizeof J.msg, "LLVM target: %s", err ? err : "?");
        LLVMDisposeMessage(err);
        return NULL;
    }
    return LLVMCreateTargetMachine(target, J.triple, J.cpu, J.features,
                                   LLVMCodeGenLevelAggressive, LLVMRelocDefault,
                                   LLVMCodeModelJITDefault);
}

static const struct {
    const char *name;
    void *addr;
} entry_points[] = {
#define EP(f) {#f, (void *)(uintptr_t)&f}
    EP(cg_rt_node),       EP(cg_rt_cond),      EP(cg_rt_trip),      EP(cg_rt_loop_enter),
    EP(cg_rt_loop_iter),  EP(cg_rt_loop_next), EP(cg_rt_loop_exit), EP(cg_rt_if_bind),
    EP(cg_rt_guard),      EP(cg_rt_out),       EP(cg_rt_scalar_f),  EP(cg_rt_scalar_i),
#undef EP
};

static void init_once(void)
{
    J.status = -1;
    if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter() ||
        LLVMInitializeNativeAsmParser()) {
        snprintf(J.msg, sizeof J.msg, "LLVM: no native target");
        return;
    }
    J.triple = LLVMGetDefaultTargetTriple();
    const char *cpu = getenv("TSJ_CPU"), *feat = getenv("TSJ_CPU_FEATURES");
    if (cpu && *cpu) {
        J.cpu = strdup(cpu);
        J.features = strdup(feat ? feat : "");
    } else {
        char *c = LLVMGetHostCPUName(), *f = LLVMGetHostCPUFeatures();
        J.cpu = strdup(c);
        J.features = strdup(feat ? feat : f);
        LLVMDisposeMessage(c);
        LLVMDisposeMessage(f);
    }
    if (!J.cpu || !J.features) {
        snprintf(J.msg, sizeof J.msg, "out of memory");
        return;
    }
    J.tm = create_tm();
    LLVMTargetMachineRef jtm = J.tm ? create_tm() : NULL;
    if (!J.tm || !jtm)
        return;
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(J.tm);
    J.dl = LLVMCopyStringRepOfTargetData(td);
    LLVMDisposeTargetData(td);

    LLVMOrcJITTargetMachineBuilderRef jtmb =
        LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(jtm); /* destroys jtm */
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb); /* takes jtmb */
    LLVMErrorRef err = LLVMOrcCreateLLJIT(&J.jit, builder);      /* takes builder */
    if (err) {
        J.jit = NULL;
        take_error(err, "LLJIT");
        return;
    }
    LLVMOrcExecutionSessionSetErrorReporter(LLVMOrcLLJITGetExecutionSession(J.jit),
                                            report_session_error, NULL);
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(J.jit);
    LLVMOrcDefinitionGeneratorRef gen;
    err = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
        &gen, LLVMOrcLLJITGetGlobalPrefix(J.jit), NULL, NULL);
    if (err) {
        take_error(err, "process symbols");
        return;
    }
    LLVMOrcJITDylibAddGenerator(jd, gen); /* jd owns gen */
    enum { NEP = sizeof entry_points / sizeof entry_points[0] };
    LLVMOrcCSymbolMapPair syms[NEP];
    for (int i = 0; i < NEP; i++) {
        syms[i].Name = LLVMOrcLLJITMangleAndIntern(J.jit, entry_points[i].name);
        syms[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)entry_points[i].addr;
        syms[i].Sym.Flags.GenericFlags =
            LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        syms[i].Sym.Flags.TargetFlags = 0;
    }
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(syms, NEP); /* takes names */
    err = LLVMOrcJITDylibDefine(jd, mu);
    if (err) {
        LLVMOrcDisposeMaterializationUnit(mu);
        take_error(err, "entry points");
        return;
    }
    snprintf(J.target_text, sizeof J.target_text, "%s cpu=%s%s%s", J.triple, J.cpu,
             strstr(J.features, "+avx512f") ? " avx512f" : "",
             strstr(J.features, "+avx2") ? " avx2" : "");
    J.status = 0;
}

int cg_jit_init(rt_err *e)
{
    pthread_once(&J.once, init_once);
    if (J.status)
        return rt_err_set(e, TSJ_ERR_INTERNAL, "JIT unavailable: %s", J.msg);
    return 0;
}

const char *cg_jit_target(void)
{
    return J.status == 0 ? J.target_text : "(JIT not initialized)";
}

const char *cg_jit_triple(void) { return J.triple; }
const char *cg_jit_datalayout(void) { return J.dl; }
const char *cg_jit_vector_width(void)
{
    if (strstr(J.features, "+avx512f"))
        return "512";
    if (strstr(J.features, "+avx"))
        return "256";
    if (!J.features[0] && J.cpu && (strstr(J.cpu, "v4") || strstr(J.cpu, "avx512")))
        return "512";
    if (!J.features[0] && J.cpu && strstr(J.cpu, "v3"))
        return "256";
    return "128";
}

unsigned long long cg_jit_next_id(void)
{
    return __atomic_add_fetch(&J.counter, 1, __ATOMIC_RELAXED);
}

/* Verifies, optimizes and JIT-compiles M (consumed, with tsc). */
int cg_jit_add(LLVMOrcThreadSafeContextRef tsc, LLVMModuleRef M, const char *name,
               bool want_text, cg_code *out, cg_times *t, rt_err *e)
{
    char *vmsg = NULL;
    if (LLVMVerifyModule(M, LLVMReturnStatusAction, &vmsg)) {
        rt_err_set(e, TSJ_ERR_INTERNAL, "generated code does not verify: %.1500s",
                   vmsg ? vmsg : "?");
        LLVMDisposeMessage(vmsg);
        LLVMDisposeModule(M);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return -1;
    }
    LLVMDisposeMessage(vmsg);
    cg_progress("waiting for the JIT");
    pthread_mutex_lock(&J.lock);
    cg_progress("optimizing (LLVM O3)");
    double t0 = cg_now();
    LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
    LLVMPassBuilderOptionsSetLoopVectorization(po, 1);
    LLVMPassBuilderOptionsSetSLPVectorization(po, 1);
    LLVMPassBuilderOptionsSetLoopInterleaving(po, 1);
    LLVMPassBuilderOptionsSetLoopUnrolling(po, 1);
    LLVMErrorRef err = LLVMRunPasses(M, "default<O3>", J.tm, po);
    LLVMDisposePassBuilderOptions(po);
    if (err) {
        pthread_mutex_unlock(&J.lock);
        take_error(err, "LLVM passes");
        rt_err_set(e, TSJ_ERR_INTERNAL, "%s", J.msg);
        LLVMDisposeModule(M);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return -1;
    }
    double t1 = cg_now();
    if (want_text) {
        char *ir = LLVMPrintModuleToString(M);
        out->llvm_ir = ir ? strdup(ir) : NULL;
        LLVMDisposeMessage(ir);
        LLVMModuleRef clone = LLVMCloneModule(M);
        char *emsg = NULL;
        LLVMMemoryBufferRef buf = NULL;
        if (LLVMTargetMachineEmitToMemoryBuffer(J.tm, clone, LLVMAssemblyFile, &emsg, &buf)) {
            size_t n = strlen(emsg ? emsg : "?") + 32;
            out->asm_text = malloc(n);
            if (out->asm_text)
                snprintf(out->asm_text, n, "(no assembly: %s)\n", emsg ? emsg : "?");
            LLVMDisposeMessage(emsg);
        } else {
            size_t n = LLVMGetBufferSize(buf);
            out->asm_text = malloc(n + 1);
            if (out->asm_text) {
                memcpy(out->asm_text, LLVMGetBufferStart(buf), n);
                out->asm_text[n] = 0;
            }
            LLVMDisposeMemoryBuffer(buf);
        }
        LLVMDisposeModule(clone);
    }
    double t2 = cg_now();
    cg_progress("generating machine code");
    LLVMOrcResourceTrackerRef rt =
        LLVMOrcJITDylibCreateResourceTracker(LLVMOrcLLJITGetMainJITDylib(J.jit));
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(M, tsc); /* takes M */
    LLVMOrcDisposeThreadSafeContext(tsc); /* the TSM keeps it alive */
    err = LLVMOrcLLJITAddLLVMIRModuleWithRT(J.jit, rt, tsm); /* takes tsm */
    LLVMOrcExecutorAddress addr = 0;
    if (!err)
        err = LLVMOrcLLJITLookup(J.jit, &addr, name);
    if (err) {
        take_error(err, "JIT");
        rt_err_set(e, TSJ_ERR_INTERNAL, "%s%s%s", J.msg, J.session_error[0] ? ": " : "",
                   J.session_error);
        LLVMErrorRef r2 = LLVMOrcResourceTrackerRemove(rt);
        if (r2)
            LLVMConsumeError(r2);
        LLVMOrcReleaseResourceTracker(rt);
        pthread_mutex_unlock(&J.lock);
        return -1;
    }
    double t3 = cg_now();
    pthread_mutex_unlock(&J.lock);
    out->fn = (cg_entry_fn)(uintptr_t)addr;
    out->tracker = rt;
    t->opt = t1 - t0;
    t->jit = t3 - t2;
    return 0;
}

void cg_code_free(cg_code *c)
{
    if (!c)
        return;
    if (c->tracker) {
        LLVMOrcResourceTrackerRef rt = c->tracker;
        LLVMErrorRef err = LLVMOrcResourceTrackerRemove(rt);
        if (err)
            LLVMConsumeError(err);
        LLVMOrcReleaseResourceTracker(rt);
        c->tracker = NULL;
    }
    free(c->llvm_ir);
    free(c->asm_text);
    c->llvm_ir = c->asm_text = NULL;
    c->fn = NULL;
}

void cg_shutdown(void)
{
    pthread_mutex_lock(&J.lock);
    if (J.jit) {
        LLVMErrorRef err = LLVMOrcDisposeLLJIT(J.jit);
        if (err)
            LLVMConsumeError(err);
        J.jit = NULL;
    }
    if (J.tm)
        LLVMDisposeTargetMachine(J.tm);
    J.tm = NULL;
    LLVMDisposeMessage(J.triple);
    LLVMDisposeMessage(J.dl);
    J.triple = J.dl = NULL;
    free(J.cpu);
    free(J.features);
    J.cpu = J.features = NULL;
    J.status = -1;
    snprintf(J.msg, sizeof J.msg, "shut down");
    pthread_mutex_unlock(&J.lock);
}
