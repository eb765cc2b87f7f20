/*
 * cg_emit.c — one LLVM function per specialization:
 *
 *   i32 @tsj_N(ptr %call)     ; 0 on success, -1 with the error set
 *
 * The frame of rt_value slots (one per SSA value, like the interpreter's)
 * is call->slots. Structure follows the graph:
 *   constant      nothing (its slot is prefilled from the frame template)
 *   fused group   a loop nest at the group's last member (cg_emit_ew.c)
 *   If            cg_rt_cond, a conditional branch, both blocks inline,
 *                 cg_rt_if_bind on each side
 *   Loop          a counted loop: i64 phi for the trip, i32 phi for the
 *                 condition, carried values in the body's param slots
 *                 (cg_rt_loop_enter / _iter / _next / _exit)
 *   anything else cg_rt_node(call, node): the interpreter kernel, exactly
 *                 as rt_interp_run would run it
 * Every entry-point result is checked; failures branch to one block that
 * returns -1 (the callee already filled the error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/Orc.h>

#include "cg_impl.h"
#include "cg_llvm.h"

static const struct {
    const char *name;
    int ret;        /* 0 void, 32 i32, 64 i64, 'd' double */
    const char *params; /* p ptr, i i32, l i64 */
} ep_sig[EP_COUNT] = {
    [EP_NODE] = {"cg_rt_node", 32, "pi"},
    [EP_COND] = {"cg_rt_cond", 32, "pii"},
    [EP_TRIP] = {"cg_rt_trip", 64, "pi"},
    [EP_LOOP_ENTER] = {"cg_rt_loop_enter", 0, "pi"},
    [EP_LOOP_ITER] = {"cg_rt_loop_iter", 0, "pil"},
    [EP_LOOP_NEXT] = {"cg_rt_loop_next", 32, "pi"},
    [EP_LOOP_EXIT] = {"cg_rt_loop_exit", 0, "pi"},
    [EP_IF_BIND] = {"cg_rt_if_bind", 0, "pii"},
    [EP_GUARD] = {"cg_rt_guard", 32, "pip"},
    [EP_OUT] = {"cg_rt_out", 32, "pipp"},
    [EP_SCALAR_F] = {"cg_rt_scalar_f", 'd', "pi"},
    [EP_SCALAR_I] = {"cg_rt_scalar_i", 64, "pi"},
};

static LLVMTypeRef ep_type(cg_em *m, cg_ep ep)
{
    LLVMTypeRef ps[8];
    unsigned n = 0;
    for (const char *p = ep_sig[ep].params; *p; p++)
        ps[n++] = *p == 'p' ? m->ptr : *p == 'i' ? m->i32 : m->i64;
    LLVMTypeRef r = ep_sig[ep].ret == 0    ? m->vd
                    : ep_sig[ep].ret == 32 ? m->i32
                    : ep_sig[ep].ret == 64 ? m->i64
                                           : m->f64;
    return LLVMFunctionType(r, ps, n, 0);
}

LLVMValueRef cg_em_call(cg_em *m, cg_ep ep, LLVMValueRef *args, unsigned n)
{
    LLVMValueRef f = LLVMGetNamedFunction(m->M, ep_sig[ep].name);
    LLVMTypeRef ty = ep_type(m, ep);
    if (!f) {
        f = LLVMAddFunction(m->M, ep_sig[ep].name, ty);
        LLVMSetLinkage(f, LLVMExternalLinkage);
    }
    return LLVMBuildCall2(m->B, ty, f, args, n, "");
}

LLVMValueRef cg_em_i32(cg_em *m, uint64_t v) { return LLVMConstInt(m->i32, v, 0); }
LLVMValueRef cg_em_i64(cg_em *m, int64_t v) { return LLVMConstInt(m->i64, (uint64_t)v, 1); }
LLVMValueRef cg_em_ptrconst(cg_em *m, const void *p)
{
    return LLVMConstIntToPtr(LLVMConstInt(m->i64, (uint64_t)(uintptr_t)p, 0), m->ptr);
}

void cg_em_check(cg_em *m, LLVMValueRef bad)
{
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(m->C, m->F, "ok");
    LLVMBuildCondBr(m->B, bad, m->fail, ok);
    LLVMPositionBuilderAtEnd(m->B, ok);
}

static void check_status(cg_em *m, LLVMValueRef r)
{
    cg_em_check(m, LLVMBuildICmp(m->B, LLVMIntNE, r, cg_em_i32(m, 0), "bad"));
}

static void emit_block(cg_em *m, ir_bid b);

static void emit_node_call(cg_em *m, ir_nid nid)
{
    LLVMValueRef a[2] = {m->call, cg_em_i32(m, nid)};
    check_status(m, cg_em_call(m, EP_NODE, a, 2));
}

/* cond in {0,1}, or -1 → fail */
static LLVMValueRef emit_cond(cg_em *m, ir_vid v, ir_nid nid)
{
    LLVMValueRef a[3] = {m->call, cg_em_i32(m, v), cg_em_i32(m, nid)};
    LLVMValueRef r = cg_em_call(m, EP_COND, a, 3);
    cg_em_check(m, LLVMBuildICmp(m->B, LLVMIntSLT, r, cg_em_i32(m, 0), "bad"));
    return r;
}

static void emit_if(cg_em *m, ir_nid nid)
{
    const ir_node *n = &m->s->g->nodes[nid];
    LLVMValueRef c = emit_cond(m, n->in[0], nid);
    LLVMBasicBlockRef bt = LLVMAppendBasicBlockInContext(m->C, m->F, "then");
    LLVMBasicBlockRef bf = LLVMAppendBasicBlockInContext(m->C, m->F, "else");
    LLVMBasicBlockRef bj = LLVMAppendBasicBlockInContext(m->C, m->F, "endif");
    LLVMBuildCondBr(m->B, LLVMBuildICmp(m->B, LLVMIntNE, c, cg_em_i32(m, 0), "c"), bt, bf);
    for (uint32_t k = 0; k < 2; k++) {
        LLVMPositionBuilderAtEnd(m->B, k == 0 ? bt : bf);
        emit_block(m, m->s->g->nodes[nid].blocks[k]);
        if (m->s->g->nodes[nid].nout) {
            LLVMValueRef a[3] = {m->call, cg_em_i32(m, nid), cg_em_i32(m, k)};
            cg_em_call(m, EP_IF_BIND, a, 3);
        }
        LLVMBuildBr(m->B, bj);
    }
    LLVMPositionBuilderAtEnd(m->B, bj);
}

static void emit_loop(cg_em *m, ir_nid nid)
{
    const ir_node *n = &m->s->g->nodes[nid];
    ir_bid body = n->blocks[0];
    LLVMValueRef a2[2] = {m->call, cg_em_i32(m, nid)};
    LLVMValueRef ta[2] = {m->call, cg_em_i32(m, n->in[0])};
    LLVMValueRef trip = cg_em_call(m, EP_TRIP, ta, 2);
    LLVMValueRef c0 = emit_cond(m, n->in[1], nid);
    cg_em_call(m, EP_LOOP_ENTER, a2, 2);
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(m->B);
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(m->C, m->F, "loop");
    LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(m->C, m->F, "body");
    LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(m->C, m->F, "endloop");
    LLVMBuildBr(m->B, head);
    LLVMPositionBuilderAtEnd(m->B, head);
    LLVMValueRef i = LLVMBuildPhi(m->B, m->i64, "iter");
    LLVMValueRef c = LLVMBuildPhi(m->B, m->i32, "cond");
    LLVMValueRef go = LLVMBuildAnd(m->B, LLVMBuildICmp(m->B, LLVMIntNE, c, cg_em_i32(m, 0), ""),
                                   LLVMBuildICmp(m->B, LLVMIntSLT, i, trip, ""), "go");
    LLVMBuildCondBr(m->B, go, bb, exit);
    LLVMPositionBuilderAtEnd(m->B, bb);
    LLVMValueRef ia[3] = {m->call, cg_em_i32(m, nid), i};
    cg_em_call(m, EP_LOOP_ITER, ia, 3);
    emit_block(m, body);
    LLVMValueRef cn = cg_em_call(m, EP_LOOP_NEXT, a2, 2);
    cg_em_check(m, LLVMBuildICmp(m->B, LLVMIntSLT, cn, cg_em_i32(m, 0), "bad"));
    LLVMValueRef inext = LLVMBuildNSWAdd(m->B, i, cg_em_i64(m, 1), "iter.next");
    LLVMBasicBlockRef latch = LLVMGetInsertBlock(m->B);
    LLVMBuildBr(m->B, head);
    LLVMValueRef iv[2] = {cg_em_i64(m, 0), inext};
    LLVMValueRef cv[2] = {c0, cn};
    LLVMBasicBlockRef from[2] = {pre, latch};
    LLVMAddIncoming(i, iv, from, 2);
    LLVMAddIncoming(c, cv, from, 2);
    LLVMPositionBuilderAtEnd(m->B, exit);
    cg_em_call(m, EP_LOOP_EXIT, a2, 2);
}

static void emit_block(cg_em *m, ir_bid b)
{
    const ir_graph *g = m->s->g;
    for (uint32_t i = 0; i < g->blocks[b].nnodes && !m->err; i++) {
        ir_nid nid = g->blocks[b].nodes[i];
        const ir_node *n = &g->nodes[nid];
        if (n->dead || n->kind == IR_CONST)
            continue;
        int32_t gi = m->s->group_of ? m->s->group_of[nid] : -1;
        if (gi >= 0) {
            if (m->s->groups[gi].anchor == nid && cg_emit_group(m, &m->s->groups[gi]))
                m->err = 1;
            continue;
        }
        switch (n->kind) {
        case IR_IF:
            emit_if(m, nid);
            break;
        case IR_LOOP:
            emit_loop(m, nid);
            break;
        default:
            emit_node_call(m, nid);
            break;
        }
    }
}

static void add_fn_attr(cg_em *m, LLVMValueRef fn, const char *k, const char *v)
{
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(m->C, k, (unsigned)strlen(k), v,
                                                      (unsigned)strlen(v)));
}

void cg_em_fn_attrs(cg_em *m, LLVMValueRef fn)
{
    add_fn_attr(m, fn, "prefer-vector-width", cg_jit_vector_width());
    add_fn_attr(m, fn, "min-legal-vector-width", "0");
}

static void add_enum_attr(cg_em *m, LLVMValueRef fn, const char *k)
{
    unsigned id = LLVMGetEnumAttributeKindForName(k, strlen(k));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(m->C, id, 0));
}

int cg_compile(cg_spec *s, bool want_text, cg_code *out, cg_times *t, rt_err *e)
{
    memset(out, 0, sizeof *out);
    cg_progress("generating LLVM IR");
    double t0 = cg_now();
    if (cg_jit_init(e))
        return -1;
    t->init = cg_now() - t0;
    t0 = cg_now();
    char name[64];
    snprintf(name, sizeof name, "tsj_%llu", cg_jit_next_id());
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    cg_em m = {0};
    m.C = LLVMOrcThreadSafeContextGetContext(tsc);
    m.M = LLVMModuleCreateWithNameInContext(name, m.C);
    LLVMSetTarget(m.M, cg_jit_triple());
    LLVMSetDataLayout(m.M, cg_jit_datalayout());
    m.B = LLVMCreateBuilderInContext(m.C);
    m.i1 = LLVMInt1TypeInContext(m.C);
    m.i8 = LLVMInt8TypeInContext(m.C);
    m.i16 = LLVMInt16TypeInContext(m.C);
    m.i32 = LLVMInt32TypeInContext(m.C);
    m.i64 = LLVMInt64TypeInContext(m.C);
    m.f32 = LLVMFloatTypeInContext(m.C);
    m.f64 = LLVMDoubleTypeInContext(m.C);
    m.ptr = LLVMPointerTypeInContext(m.C, 0);
    m.vd = LLVMVoidTypeInContext(m.C);
    m.s = s;
    m.e = e;
    LLVMTypeRef fty = LLVMFunctionType(m.i32, &m.ptr, 1, 0);
    m.F = LLVMAddFunction(m.M, name, fty);
    cg_em_fn_attrs(&m, m.F);
    /* the entry is calls and branches: no optimization, fast instruction
     * selection; the fused loops are separate functions, optimized fully */
    add_enum_attr(&m, m.F, "noinline");
    add_enum_attr(&m, m.F, "optnone");
    m.call = LLVMGetParam(m.F, 0);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(m.C, m.F, "entry");
    m.fail = LLVMAppendBasicBlockInContext(m.C, m.F, "fail");
    LLVMPositionBuilderAtEnd(m.B, m.fail);
    LLVMBuildRet(m.B, cg_em_i32(&m, (uint64_t)-1));
    LLVMPositionBuilderAtEnd(m.B, entry);
    m.slots = LLVMBuildLoad2(m.B, m.ptr, m.call, "slots");
    LLVMValueRef ap = LLVMBuildInBoundsGEP2(m.B, m.i8, m.call, (LLVMValueRef[]){cg_em_i64(&m, 8)},
                                            1, "arena.p");
    m.arena = LLVMBuildLoad2(m.B, m.ptr, ap, "arena");
    m.out_slot = LLVMBuildAlloca(m.B, m.ptr, "out.data");
    emit_block(&m, 0);
    if (!m.err)
        LLVMBuildRet(m.B, cg_em_i32(&m, 0));
    LLVMDisposeBuilder(m.B);
    for (int i = 0; i < m.nkernels; i++)
        free(m.kernels[i].key);
    free(m.kernels);
    if (m.err) {
        LLVMDisposeModule(m.M);
        LLVMOrcDisposeThreadSafeContext(tsc);
        if (!e->status)
            rt_err_set(e, TSJ_ERR_UNSUPPORTED, "code generation failed");
        return -1;
    }
    t->emit = cg_now() - t0;
    return cg_jit_add(tsc, m.M, name, want_text, out, t, e);
}
