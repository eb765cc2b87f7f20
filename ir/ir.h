/*
 * ir.h — tsjit's typed SSA graph IR with structured control flow, and the
 * program around it (classes, functions, the module object tree).
 *
 * Glossary
 *   value   an SSA value: defined once, by a node output or a block param.
 *   node    an operation: an op-table entry, a constant, or a structural
 *           kind (If, Loop, GetAttr, SetAttr, Call, CreateObject).
 *   block   an ordered list of nodes with params (values bound on entry)
 *           and rets (values yielded on exit). Block 0 of a graph is its
 *           body: params are the function's arguments (self first for a
 *           method), rets its results (one value; tuples are explicit).
 *   If      inputs (cond); blocks then, else; each block's rets bind the
 *           If's outputs.
 *   Loop    inputs (max_trip:int, cond:bool, carried...); one block whose
 *           params are (iter:int, carried...) and whose rets are
 *           (cond:bool, carried...); outputs are the final carried values.
 *           for-range: max_trip = n, cond = true. while: max_trip =
 *           INT64_MAX, cond = the first test. TorchScript's prim::Loop.
 *
 * Everything is ids into the graph's arrays (ir_vid, ir_nid, ir_bid);
 * IR_NONE marks "no id". A graph owns its arena; all node input/output
 * arrays and names live in it. Every node keeps its source location.
 *
 * The textual form (printer/parser) is documented in ir/FORMAT.md.
 */
#ifndef IR_H
#define IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../runtime/rt_arena.h"
#include "../runtime/rt_error.h"
#include "../runtime/rt_op.h"
#include "../runtime/rt_type.h"
#include "../runtime/rt_value.h"

typedef uint32_t ir_vid;
typedef uint32_t ir_nid;
typedef uint32_t ir_bid;
#define IR_NONE UINT32_MAX

typedef enum ir_nkind {
    IR_CONST,         /* attr: the constant (owned by the graph)            */
    IR_OP,            /* op: an op-table entry                              */
    IR_IF,            /* see glossary                                       */
    IR_LOOP,          /* see glossary                                       */
    IR_GETATTR,       /* in (obj) -> out; slot, name                        */
    IR_SETATTR,       /* in (obj, value); slot, name                        */
    IR_CALL,          /* in (args..., self first for methods) -> outs; fn   */
    IR_CREATE_OBJECT, /* -> out (object of class cls, slots none)           */
    IR_NKIND_COUNT
} ir_nkind;

typedef struct ir_func ir_func;
typedef struct ir_class ir_class;

typedef struct ir_value {
    const rt_type *type;
    ir_nid def;       /* defining node, or IR_NONE for a block param      */
    ir_bid block;     /* for a block param: its block                    */
    uint32_t index;   /* output index in `def`, or param index            */
    const char *name; /* debug name from the source ("x", "x.1") or NULL */
} ir_value;

typedef struct ir_node {
    uint8_t kind;     /* ir_nkind                                        */
    bool dead;        /* removed from its block (kept for stable ids)   */
    rt_op_id op;      /* IR_OP                                           */
    uint32_t nin, nout, nblocks;
    ir_vid *in;
    ir_vid *out;
    ir_bid *blocks;
    ir_bid parent;    /* the block that contains this node               */
    rt_value attr;    /* IR_CONST value                                  */
    uint32_t slot;    /* IR_GETATTR / IR_SETATTR attribute slot          */
    const char *name; /* IR_GETATTR / IR_SETATTR attribute name          */
    ir_func *fn;      /* IR_CALL callee                                  */
    ir_class *cls;    /* IR_CREATE_OBJECT class                          */
    rt_loc loc;
} ir_node;

typedef struct ir_block {
    ir_nid *nodes;
    uint32_t nnodes, cap;
    ir_vid *params;
    uint32_t nparams;
    ir_vid *rets;
    uint32_t nrets;
    ir_nid owner;     /* the If/Loop node owning it; IR_NONE for body    */
} ir_block;

typedef struct ir_graph {
    rt_arena arena;
    ir_value *values;
    uint32_t nvalues, cap_values;
    ir_node *nodes;
    uint32_t nnodes, cap_nodes;
    ir_block *blocks;
    uint32_t nblocks, cap_blocks;
    /* block 0 is the body */
} ir_graph;

/* ---- graph construction ---- */
ir_graph *ir_graph_new(rt_err *e);
void ir_graph_free(ir_graph *g);
/* A new empty block (for If/Loop bodies before attaching). */
ir_bid ir_block_new(ir_graph *g, rt_err *e);
ir_vid ir_block_add_param(ir_graph *g, ir_bid b, const rt_type *t, const char *name, rt_err *e);
int ir_block_set_rets(ir_graph *g, ir_bid b, const ir_vid *rets, uint32_t n, rt_err *e);
/* Appends a node of `kind` at the end of block b with nin inputs (copied),
 * nout outputs of the given types (new values) and nblocks sub-blocks
 * (ids copied; their owner is set). Returns IR_NONE with e set on failure. */
ir_nid ir_node_append(ir_graph *g, ir_bid b, ir_nkind kind, const ir_vid *in, uint32_t nin,
                      const rt_type *const *out_types, uint32_t nout, const ir_bid *blocks,
                      uint32_t nblocks, rt_loc loc, rt_err *e);
/* Shorthands. */
ir_vid ir_const(ir_graph *g, ir_bid b, rt_value v, const rt_type *t, rt_loc loc, rt_err *e);
ir_nid ir_op(ir_graph *g, ir_bid b, rt_op_id op, const ir_vid *in, uint32_t nin,
             const rt_type *const *out_types, uint32_t nout, rt_loc loc, rt_err *e);
/* Inserts node n (already created at the end of its block) before node
 * `before` in the same block instead. */
void ir_node_move_before(ir_graph *g, ir_nid n, ir_nid before);
/* Replaces every use of `old` by `new_v` (node inputs and block rets). */
void ir_value_replace_uses(ir_graph *g, ir_vid old, ir_vid new_v);
/* Marks a node dead and drops it from its block. */
void ir_node_remove(ir_graph *g, ir_nid n);
/* Deep copy of a graph (for specialization and inlining). */
ir_graph *ir_graph_clone(const ir_graph *g, rt_err *e);

/* ---- graph editing helpers (additions) ---- */
/* Sets a value's debug name (copied into the graph's arena; NULL clears). */
int ir_value_set_name(ir_graph *g, ir_vid v, const char *name, rt_err *e);
/* The constant held by v's defining IR_CONST node, or NULL. */
const rt_value *ir_value_const(const ir_graph *g, ir_vid v);
/* Replaces a node's inputs (copied into the arena). */
int ir_node_set_inputs(ir_graph *g, ir_nid n, const ir_vid *in, uint32_t nin, rt_err *e);
/* Turns a one-output node into an IR_CONST holding v (retained); its id,
 * output value and location stay, its inputs go and nested blocks' nodes
 * are removed. */
void ir_node_make_const(ir_graph *g, ir_nid n, rt_value v);
/* Moves the last `count` nodes of block b, in order, to just before node
 * `before` (which is in b). */
void ir_block_move_tail_before(ir_graph *g, ir_bid b, uint32_t count, ir_nid before);
/* Moves every node of block src (left empty) into before's block, in
 * order, just before `before`. */
void ir_block_splice_before(ir_graph *g, ir_bid src, ir_nid before);
/* Copies the nodes of src's block sb (with nested blocks) to the end of
 * block db of dst, binding sb's params to param_map[0..nparams). Writes
 * the copies of sb's rets to ret_map[0..nrets). Types, names and location
 * file names are copied into dst's arena; constants are retained. */
int ir_graph_copy_block(ir_graph *dst, ir_bid db, const ir_graph *src, ir_bid sb,
                        const ir_vid *param_map, ir_vid *ret_map, rt_err *e);
/* Uses of every value by the live nodes and block rets reachable from
 * the body, into uses[g->nvalues]. */
void ir_graph_count_uses(const ir_graph *g, uint32_t *uses);
/* Note: ir_graph_clone keeps every id (values, nodes, blocks) as it is. */

/* ---- classes, functions, program ---- */
typedef struct ir_attr {
    const char *name;
    const rt_type *type;
    bool is_param, is_buffer, is_module;
} ir_attr;

typedef struct ir_arg {
    const char *name;
    const rt_type *type;
    bool has_default;
    rt_value default_value;
} ir_arg;

struct ir_func {
    const char *qualname;  /* "__torch__.M.forward" or "__torch__.f"   */
    const char *name;      /* "forward"                              */
    ir_class *owner;       /* NULL for a free function               */
    ir_arg *args;          /* self first for methods                 */
    uint32_t nargs;
    const rt_type *ret;
    ir_graph *graph;       /* NULL until emitted                     */
    rt_loc loc;
    void *emit_state;      /* frontend bookkeeping                   */
    void *jit_state;       /* codegen per-function state             */
};

struct ir_class {
    const char *qualname;  /* "__torch__.torchvision.models.resnet.ResNet" */
    const rt_type *type;   /* RT_T_CLASS for this class                    */
    ir_attr *attrs;        /* slot order                                   */
    uint32_t nattrs;
    ir_func **methods;
    uint32_t nmethods;
    /* Final constants: name -> value. */
    const char **const_names;
    rt_value *const_values;
    uint32_t nconsts;
    bool is_module, is_namedtuple;
};

typedef struct ir_program {
    rt_arena arena;        /* classes, functions, types, names        */
    ir_class **classes;
    uint32_t nclasses, cap_classes;
    ir_func **funcs;       /* free functions                          */
    uint32_t nfuncs, cap_funcs;
    rt_value root;         /* the module object (RT_OBJECT)           */
    ir_class *root_class;
} ir_program;

ir_program *ir_program_new(rt_err *e);
void ir_program_free(ir_program *p);
ir_class *ir_program_add_class(ir_program *p, const char *qualname, rt_err *e);
ir_class *ir_program_find_class(const ir_program *p, const char *qualname);
ir_func *ir_program_add_func(ir_program *p, ir_class *owner, const char *name, rt_err *e);
ir_func *ir_class_find_method(const ir_class *c, const char *name);
ir_func *ir_program_find_func(const ir_program *p, const char *qualname);
/* Attribute slot by name, or -1. */
int ir_class_find_attr(const ir_class *c, const char *name);
/* Appends an attribute slot (name copied); returns its slot or -1. */
int ir_class_add_attr(ir_program *p, ir_class *c, const char *name, const rt_type *type,
                      rt_err *e);
/* Adds a final constant (value retained, released with the program). */
int ir_class_add_const(ir_program *p, ir_class *c, const char *name, rt_value v, rt_err *e);
/* Note: the program owns its functions' graphs, the class constants, the
 * argument defaults and one reference to `root`; ir_program_free releases
 * them. ir_program_find_func also finds methods by "class.method". */

/* ---- checking, text ---- */
/* Structural and type checks: every input defined before use and
 * dominating it, block arities of If/Loop, op arities against schemas. */
int ir_verify(const ir_graph *g, rt_err *e);
/* The text form (ir/FORMAT.md). Returns malloc'd text or NULL. */
char *ir_print(const ir_graph *g);
int ir_print_file(const ir_graph *g, FILE *f);
/* Parses the text form; class types are resolved in `p` (may be NULL). */
ir_graph *ir_parse(const char *text, ir_program *p, rt_err *e);

/* ---- passes (ir/passes) ---- */
/* Inline every IR_CALL whose callee has a graph (methods of submodules,
 * free functions), recursively, refusing recursion with an error. */
int ir_pass_inline(ir_graph *g, rt_err *e);
/* Replace GetAttr chains rooted at the graph's self argument by constants
 * taken from the object tree `root` (parameters, buffers, ints, bools,
 * floats, strings, None, submodule objects stay as objects). */
int ir_pass_fold_attrs(ir_graph *g, rt_value root, rt_err *e);
/* Constant propagation: fold pure ops whose inputs are all constants by
 * running their kernels; fold If on constant conditions. */
int ir_pass_const_prop(ir_graph *g, rt_err *e);
/* Remove nodes whose outputs are unused and that have no side effects. */
int ir_pass_dce(ir_graph *g, rt_err *e);
/* The load-time pipeline: inline, fold attrs, const prop, DCE, with
 * ir_verify between passes in debug builds. */
int ir_optimize(ir_graph *g, rt_value root, rt_err *e);

#endif /* IR_H */
