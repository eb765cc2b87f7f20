/*
 * cg_llvm.h — the LLVM-facing internals shared by cg_jit.c, cg_emit.c,
 * cg_emit_ew.c and cg_math.c: the emitter state for one function and the
 * JIT's add/lookup. The only header (with the .c files of codegen/) that
 * includes llvm-c.
 */
#ifndef CG_LLVM_H
#define CG_LLVM_H

#include <llvm-c/Core.h>
#include <llvm-c/Orc.h>

#include "cg_impl.h"

/* Emitter state for one entry function. */
typedef struct cg_em {
    LLVMContextRef C;
    LLVMModuleRef M;
    LLVMBuilderRef B;
    LLVMValueRef F;
    LLVMValueRef call;   /* the cg_call * parameter                        */
    LLVMValueRef slots;  /* rt_value *slots, loaded once in the entry block */
    LLVMValueRef arena;  /* char *arena, loaded once                       */
    LLVMValueRef out_slot; /* alloca'd ptr for cg_rt_out's data result    */
    LLVMBasicBlockRef fail;
    LLVMTypeRef i1, i8, i16, i32, i64, f32, f64, ptr, vd;
    cg_spec *s;
    rt_err *e;
    int err; /* set when emission hit something it cannot do */
    struct {
        char *key;
        LLVMValueRef fn;
    } *kernels;          /* fused-loop functions of this module, by key   */
    int nkernels, cap_kernels;
} cg_em;

/* Target attributes every function gets (vector width). */
void cg_em_fn_attrs(cg_em *m, LLVMValueRef fn);

/* The entry points of cg_rt.c as LLVM declarations. */
typedef enum cg_ep {
    EP_NODE, EP_COND, EP_TRIP, EP_LOOP_ENTER, EP_LOOP_ITER, EP_LOOP_NEXT, EP_LOOP_EXIT,
    EP_IF_BIND, EP_GUARD, EP_OUT, EP_SCALAR_F, EP_SCALAR_I, EP_COUNT
} cg_ep;
LLVMValueRef cg_em_call(cg_em *m, cg_ep ep, LLVMValueRef *args, unsigned n);
/* Branches to m->fail when `bad` (i1) holds; continues in a new block. */
void cg_em_check(cg_em *m, LLVMValueRef bad);
LLVMValueRef cg_em_i32(cg_em *m, uint64_t v);
LLVMValueRef cg_em_i64(cg_em *m, int64_t v);
LLVMValueRef cg_em_ptrconst(cg_em *m, const void *p);

/* cg_emit_ew.c */
bool cg_ew_fusable(const cg_spec *s, const ir_node *n);
bool cg_linear_emittable(const cg_spec *s, const ir_node *n);
int cg_emit_group(cg_em *m, const cg_group *gr);

/* cg_math.c: vector-friendly float math on scalars of type t (float or
 * double); the loop vectorizer widens them. */
LLVMValueRef cg_math_exp(cg_em *m, LLVMValueRef x);
LLVMValueRef cg_math_tanh(cg_em *m, LLVMValueRef x);
LLVMValueRef cg_math_sigmoid(cg_em *m, LLVMValueRef x);
LLVMValueRef cg_math_erf(cg_em *m, LLVMValueRef x);
LLVMValueRef cg_math_log(cg_em *m, LLVMValueRef x);
LLVMValueRef cg_math_intrinsic1(cg_em *m, const char *name, LLVMValueRef x);
LLVMValueRef cg_math_fconst(cg_em *m, LLVMTypeRef t, double v);

/* cg_jit.c */
int cg_jit_init(rt_err *e);
const char *cg_jit_triple(void);
const char *cg_jit_datalayout(void);
const char *cg_jit_vector_width(void);
unsigned long long cg_jit_next_id(void);
int cg_jit_add(LLVMOrcThreadSafeContextRef tsc, LLVMModuleRef M, const char *name,
               bool want_text, cg_code *out, cg_times *t, rt_err *e);

#endif /* CG_LLVM_H */
