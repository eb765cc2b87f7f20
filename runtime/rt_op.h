/*
 * rt_op.h — the one operator table.
 *
 * Every operator overload is declared once, in an X-macro line of a
 * runtime/ops_*.def file (all listed in runtime/rt_ops.def):
 *
 *   OP(id, "schema", kernel, shape_rule, flags)
 *
 *   id          C identifier; becomes RT_OP_<id> in the rt_op_id enum.
 *               Convention: aten::add.Tensor -> add_Tensor, prim::dtype ->
 *               prim_dtype, aten::__is__ -> __is__.
 *   schema      PyTorch notation, with the namespace:
 *               "aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor"
 *   kernel      the interpreter kernel (rt_kernel_fn), defined in a
 *               runtime/k_*.c file; its prototype is generated from the
 *               .def, so no header lists kernels by hand.
 *   shape_rule  the shape/dtype rule for specialization (rt_shape_fn) or 0
 *               when the code generator treats the op as opaque.
 *   flags       RT_OPF_* bits, 0 when none apply.
 *
 * The frontend resolves calls against the parsed schemas; the interpreter
 * calls `kernel`; codegen keeps its emitters in a table indexed by
 * rt_op_id (designated initializers, so a renamed op fails to compile).
 *
 * Kernel contract: in[0..nin) are the arguments in schema order with every
 * default already filled in by the frontend (varargs ops get any number);
 * they are borrowed. The kernel writes nout new references to out[] (an
 * in-place op writes a new reference to its self argument) and returns 0,
 * or sets c->err and returns -1 leaving out[] as none. Argument value
 * forms: Tensor -> RT_TENSOR; Tensor? / T? -> also RT_NONE; int, SymInt,
 * ScalarType, Layout, MemoryFormat -> RT_INT; float -> RT_FLOAT (an RT_INT
 * is accepted too); Scalar -> RT_INT, RT_FLOAT or RT_BOOL; bool -> RT_BOOL;
 * int[] / int[N] -> RT_LIST of RT_INT, or a single RT_INT for int[N];
 * Tensor[] -> RT_LIST of RT_TENSOR; str -> RT_STR; Device -> RT_STR.
 * Use the rt_arg_* helpers (rt_args.h) to read them.
 */
#ifndef RT_OP_H
#define RT_OP_H

#include <stdbool.h>
#include <stdint.h>

#include "rt_tensor.h"
#include "rt_type.h"
#include "rt_value.h"

/* Execution context handed to every kernel. */
typedef struct rt_ctx {
    rt_err *err;
    int threads;      /* intra-op threads the kernel may use (>= 1) */
    void *model;      /* the calling model (opaque to kernels)       */
} rt_ctx;

typedef int (*rt_kernel_fn)(rt_ctx *c, const rt_value *in, int nin, rt_value *out, int nout);

/* Static description of one value for shape/dtype inference: a tensor's
 * dtype and shape, or a scalar whose value may be known. */
typedef struct rt_meta {
    rt_tkind kind;        /* RT_T_TENSOR, RT_T_INT, ...                   */
    bool known;           /* scalar: `value` holds the value              */
    rt_value value;       /* known scalar / int list (borrowed)           */
    int8_t dtype;         /* tensor dtype                                 */
    int8_t ndim;
    int64_t shape[RT_MAX_DIMS];
} rt_meta;
typedef int (*rt_shape_fn)(const rt_meta *in, int nin, rt_meta *out, int nout, rt_err *e);

enum {
    RT_OPF_VARARGS = 1 << 0,   /* any number of inputs (prim::ListConstruct) */
    RT_OPF_VAROUTS = 1 << 1,   /* any number of outputs (prim::TupleUnpack)  */
    RT_OPF_INPLACE = 1 << 2,   /* writes into its first argument             */
    RT_OPF_ELEMENTWISE = 1 << 3,/* pure elementwise with broadcasting        */
    RT_OPF_IMPURE = 1 << 4,    /* side effects: never folded or removed      */
    RT_OPF_NOFOLD = 1 << 5     /* pure, but not worth constant folding       */
};

typedef enum rt_op_id {
#define OP(id, schema, kernel, shape, flags) RT_OP_##id,
#include "rt_ops.def"
#undef OP
    RT_OP_COUNT
} rt_op_id;

/* One parsed schema argument or return. */
typedef struct rt_schema_arg {
    const char *name;        /* "" for unnamed returns          */
    const rt_type *type;
    bool has_default;
    rt_value default_value;  /* owned by the table              */
    bool kwarg_only;         /* after `*`                       */
    bool is_out_alias;       /* Tensor(a!)                      */
    int fixed_len;           /* int[2] -> 2, else 0             */
} rt_schema_arg;

typedef struct rt_schema {
    const char *qualname;    /* "aten::add"                     */
    const char *overload;    /* "Tensor", or "" for none        */
    int nargs, nrets;
    rt_schema_arg *args, *rets;
    bool varargs;            /* "..." in the argument list      */
    bool varret;             /* "..." in the returns            */
} rt_schema;

typedef struct rt_op {
    rt_op_id id;
    const char *id_name;     /* "add_Tensor"                    */
    const char *schema_text;
    rt_kernel_fn kernel;
    rt_shape_fn shape;
    unsigned flags;
    rt_schema schema;        /* parsed on first use             */
} rt_op;

/* Parses every schema once (thread-safe); 0 or -1 with e naming the entry
 * whose schema does not parse. Every lookup below calls it. */
int rt_ops_init(rt_err *e);
/* The entry for an id (rt_ops_init must have succeeded). */
const rt_op *rt_op_get(rt_op_id id);
/* All overloads of a qualified name ("aten::add"), in table order; returns
 * how many, writing up to max ids. */
int rt_ops_find(const char *qualname, rt_op_id *ids, int max);
/* An overload by "aten::add.Tensor" (or "aten::relu" for no overload);
 * RT_OP_COUNT when absent. */
rt_op_id rt_op_lookup(const char *full_name);
/* "aten::add.Tensor" into buf. */
const char *rt_op_full_name(const rt_op *op, char *buf, size_t size);

/* Parses one schema string (exposed for tests). */
int rt_schema_parse(rt_arena *a, const char *text, rt_schema *out, rt_err *e);

#endif /* RT_OP_H */
