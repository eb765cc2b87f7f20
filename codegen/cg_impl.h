/*
 * cg_impl.h — what the codegen files share: static value metadata, the
 * specialization record, fusion groups, the call context compiled code
 * sees, and the entry points of each stage. Only codegen/ includes this.
 *
 * Stage entry points, in pipeline order (see cg_sig.c for the diagram):
 *   cg_sig_compute   args            -> signature key
 *   cg_spec_build    graph + args    -> specialized clone + per-value meta
 *   cg_fuse          spec            -> fusion groups
 *   cg_plan          spec            -> arena offsets, frame template
 *   cg_emit          spec            -> LLVM module (cg_jit.h types hidden)
 *   cg_jit_compile   module          -> entry address + resource tracker
 */
#ifndef CG_IMPL_H
#define CG_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cg.h"
#include "ir.h"
#include "rt_interp.h"
#include "rt_op.h"
#include "rt_tensor.h"

/* ---- static value metadata ---------------------------------------------- */

#define CG_K_UNKNOWN 0xff

/* What specialization knows about one SSA value. A known scalar's value
 * lives in its IR_CONST node (ir_value_const), not here. */
typedef struct cg_meta {
    uint8_t kind;    /* rt_kind the value has at run time, or CG_K_UNKNOWN  */
    bool shaped;     /* tensor: dtype, ndim and shape are known             */
    bool contig;     /* tensor (shaped): known to be C-contiguous            */
    bool certain;    /* tensor (shaped): guaranteed, no run-time guard needed */
    int8_t dtype;    /* tensor: rt_dtype (shaped)                           */
    int8_t ndim;
    int64_t shape[RT_MAX_DIMS];
} cg_meta;

int64_t cg_meta_numel(const cg_meta *m);
bool cg_meta_same(const cg_meta *a, const cg_meta *b);
/* "f32[3, 5]" / "int" / "?" into buf. */
const char *cg_meta_str(const cg_meta *m, char *buf, size_t size);

/* A shape rule: output metadata from input metadata (and constant inputs,
 * read through the graph). Returns 0 when it filled out[], -1 when it can
 * say nothing (outputs stay unknown). Never fails the compile. */
typedef struct cg_rule_ctx {
    const ir_graph *g;
    const ir_node *n;
    const cg_meta *meta;  /* every value's metadata so far (list elements) */
} cg_rule_ctx;
typedef int (*cg_shape_rule)(const cg_rule_ctx *c, const cg_meta *in, cg_meta *out);
cg_shape_rule cg_shape_rule_for(rt_op_id op);
/* Broadcast of two shapes; -1 when they do not broadcast. */
int cg_broadcast(int na, const int64_t *a, int nb, const int64_t *b, int *nout, int64_t *out);
/* PyTorch's result type of operands (tensor metas and scalar metas). */
int cg_result_type(const cg_meta *const *ops, int n);

/* ---- fusion groups -------------------------------------------------------- */

/* One fused loop: member nodes of one block, run at the place of `anchor`
 * (the last member). Iterates over shape[0..ndim). */
enum { CG_GROUP_EW, CG_GROUP_LINEAR };

typedef struct cg_group {
    uint8_t kind;       /* CG_GROUP_EW: fused loop; CG_GROUP_LINEAR: one
                           small aten::linear with constant weights       */
    ir_nid *nodes;      /* members in block order                          */
    uint32_t nnodes;
    ir_nid anchor;
    ir_vid *ins;        /* values read from outside: tensors and scalars   */
    uint32_t nins;
    ir_vid *outs;       /* member results used outside the group           */
    uint32_t nouts;
    int ndim;
    int64_t shape[RT_MAX_DIMS];
    bool guarded;       /* some tensor input needs a run-time check        */
} cg_group;

/* ---- a specialization ------------------------------------------------------ */

typedef struct cg_times {
    double spec, fuse, init, emit, opt, jit, total; /* seconds; init: LLVM set-up (first compile only) */
} cg_times;

typedef struct cg_spec {
    ir_graph *g;          /* the specialized clone (owned)                  */
    cg_meta *meta;        /* per value                                      */
    int32_t *group_of;    /* per node: group index or -1                    */
    cg_group *groups;
    uint32_t ngroups;
    int64_t *buf_off;     /* per value: arena offset of a group-internal
                             buffer, or -1                                  */
    size_t arena_size;
    rt_value *frame_tmpl; /* per value: constants filled in, rest none     */
    uint32_t *release;    /* slots a call must release afterwards           */
    uint32_t nrelease;
    uint32_t n_native, n_fallback, n_fused; /* node counts, for describe    */
    rt_arena arena;       /* small allocations of this spec                 */
} cg_spec;

int cg_spec_build(const ir_graph *src, const rt_value *args, int nargs, cg_spec **out,
                  rt_err *e);
void cg_spec_free(cg_spec *s);
/* (Re)computes s->meta for every value of s->g. */
int cg_infer(cg_spec *s, const rt_value *args, int nargs, rt_err *e);
int cg_fuse(cg_spec *s, rt_err *e);
int cg_plan(cg_spec *s, rt_err *e);

/* ---- the call context compiled code receives ---------------------------- */

/* Layout is read by generated code: slots at offset 0, arena at 8. */
typedef struct cg_call {
    rt_value *slots;           /* one per value of the specialized graph   */
    char *arena;               /* s->arena_size bytes, 64-byte aligned      */
    const cg_spec *spec;
    rt_err *e;
    const rt_interp_opts *opts;
    rt_ctx rtc;
    rt_tensor **pool;          /* per value, two: the entry's last result
                                  tensors, reused when nobody else holds
                                  them; NULL for a concurrent caller       */
} cg_call;

typedef int32_t (*cg_entry_fn)(cg_call *c);

/* ---- LLVM (cg_jit.c, cg_emit*.c) ------------------------------------------ */

typedef struct cg_code {
    cg_entry_fn fn;
    void *tracker;        /* LLVMOrcResourceTrackerRef                      */
    char *llvm_ir;        /* optimized IR text when requested, else NULL    */
    char *asm_text;       /* assembly when requested, else NULL             */
} cg_code;

/* Emits, optimizes and JIT-compiles spec. want_text: keep IR and asm. */
int cg_compile(cg_spec *s, bool want_text, cg_code *out, cg_times *t, rt_err *e);
/* Reports a compile stage to the compiling method's progress hook, if any
 * (a static string; NULL: the compile ended). */
void cg_progress(const char *stage);
void cg_code_free(cg_code *c);
/* The host description the JIT uses ("cpu features"). */
const char *cg_jit_target(void);

/* ---- the C entry points compiled code calls (cg_rt.c) --------------------- */

int32_t cg_rt_node(cg_call *c, uint32_t nid);
int32_t cg_rt_cond(cg_call *c, uint32_t vid, uint32_t nid);
int64_t cg_rt_trip(cg_call *c, uint32_t vid);
void cg_rt_loop_enter(cg_call *c, uint32_t nid);
void cg_rt_loop_iter(cg_call *c, uint32_t nid, int64_t iter);
int32_t cg_rt_loop_next(cg_call *c, uint32_t nid);
void cg_rt_loop_exit(cg_call *c, uint32_t nid);
void cg_rt_if_bind(cg_call *c, uint32_t nid, uint32_t branch);
int32_t cg_rt_guard(cg_call *c, uint32_t vid, const cg_meta *want);
int32_t cg_rt_out(cg_call *c, uint32_t vid, const cg_meta *m, void **data);
double cg_rt_scalar_f(cg_call *c, uint32_t vid);
int64_t cg_rt_scalar_i(cg_call *c, uint32_t vid);

/* ---- text helpers ---------------------------------------------------------- */

typedef struct cg_buf {
    char *s;
    size_t len, cap;
    bool oom;
} cg_buf;
void cg_buf_printf(cg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cg_buf_puts(cg_buf *b, const char *s);

double cg_now(void);

#endif /* CG_IMPL_H */
