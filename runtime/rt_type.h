/*
 * rt_type.h — TorchScript's static types (Tensor, int, Optional[T],
 * List[T], Tuple[...], classes, ...), shared by the op table's schemas, the
 * frontend, the IR and the interpreter's argument checks.
 *
 * Types are immutable once built and compared structurally
 * (rt_type_equal); primitive types are static singletons. Composite types
 * are allocated from an arena whose lifetime covers their users: the op
 * table's arena for schema types, the model's arena for model types.
 */
#ifndef RT_TYPE_H
#define RT_TYPE_H

#include <stdbool.h>
#include <stddef.h>

#include "rt_arena.h"
#include "rt_value.h"

typedef enum rt_tkind {
    RT_T_ANY = 0,
    RT_T_TENSOR,
    RT_T_INT,
    RT_T_FLOAT,
    RT_T_BOOL,
    RT_T_STR,
    RT_T_NONE,
    RT_T_NUMBER,   /* Scalar / number: int, float or bool            */
    RT_T_DEVICE,   /* Device (a str value "cpu" at run time)         */
    RT_T_LAYOUT,   /* Layout, MemoryFormat, ScalarType appear as int */
    RT_T_OPTIONAL, /* elems[0]                                      */
    RT_T_LIST,     /* elems[0]                                      */
    RT_T_TUPLE,    /* elems[0..n)                                   */
    RT_T_DICT,     /* elems[0] key, elems[1] value                  */
    RT_T_UNION,    /* elems[0..n)                                   */
    RT_T_CLASS,    /* cls: an ir_class owned by the model            */
    RT_T_FUNC,     /* a function value                               */
    RT_T_VAR,      /* a schema type variable "t" (name)              */
    RT_T_TKIND_COUNT
} rt_tkind;

typedef struct rt_type rt_type;
struct rt_type {
    rt_tkind kind;
    int n;                  /* number of elems                       */
    const rt_type **elems;
    const char *name;       /* class qualname or type-variable name   */
    const void *cls;        /* RT_T_CLASS: the ir_class               */
    const char **field_names; /* NamedTuple tuple field names or NULL */
};

/* Static singletons. */
extern const rt_type rt_type_any, rt_type_tensor, rt_type_int, rt_type_float, rt_type_bool,
    rt_type_str, rt_type_none, rt_type_number, rt_type_device, rt_type_layout;

const rt_type *rt_type_optional(rt_arena *a, const rt_type *elem);
const rt_type *rt_type_list(rt_arena *a, const rt_type *elem);
const rt_type *rt_type_tuple(rt_arena *a, const rt_type *const *elems, int n);
const rt_type *rt_type_dict(rt_arena *a, const rt_type *key, const rt_type *value);
const rt_type *rt_type_union(rt_arena *a, const rt_type *const *elems, int n);
const rt_type *rt_type_class(rt_arena *a, const char *qualname, const void *cls);
const rt_type *rt_type_var(rt_arena *a, const char *name);

bool rt_type_equal(const rt_type *a, const rt_type *b);
/* Can a value of static type `sub` be used where `super` is expected
 * (T <: Optional[T], None <: Optional[T], int <: number, anything <: Any,
 * List[T] invariant, Tuple covariant)? */
bool rt_type_subtype(const rt_type *sub, const rt_type *super);
/* TorchScript notation: "Tensor", "Optional[List[int]]", "Tuple[int, str]",
 * "__torch__.M". Writes into buf and returns it. */
const char *rt_type_format(const rt_type *t, char *buf, size_t size);
/* Parses TorchScript/schema notation ("Tensor", "int[]", "Tensor?",
 * "List[Tensor]", "Optional[int]", "Tuple[int, int]", "Dict[str, Tensor]",
 * "number", "Scalar", "t"); class names are not resolved here. NULL with e
 * set on a syntax error. */
const rt_type *rt_type_parse(rt_arena *a, const char *text, rt_err *e);

/* Does a run-time value match a static type? Used by the argument checks at
 * the call boundary (the caller words the error as PyTorch does). */
bool rt_value_matches(rt_value v, const rt_type *t);

#endif /* RT_TYPE_H */
