/*
 * ir_impl.h — helpers private to the ir/ sources: a growable text buffer, a string
 * -> id map and a pointer -> pointer map (both open addressing, malloc'd),
 * and small queries shared by the passes. Not part of the IR's contract.
 */
#ifndef IR_IMPL_H
#define IR_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir.h"

/* ---- text buffer: appends never fail loudly; `oom` records a failure ---- */
typedef struct ir_sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} ir_sbuf;

void ir_sb_puts(ir_sbuf *b, const char *s);
void ir_sb_putn(ir_sbuf *b, const char *s, size_t n);
void ir_sb_putc(ir_sbuf *b, char c);
void ir_sb_printf(ir_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes the text (NULL after an allocation failure); the buffer is reset. */
char *ir_sb_take(ir_sbuf *b);
void ir_sb_free(ir_sbuf *b);

/* ---- string -> uint32 map (keys are borrowed; they must outlive the map) ---- */
typedef struct ir_smap {
    const char **keys;
    uint32_t *vals;
    size_t cap, n;
} ir_smap;

/* Value for key, or IR_NONE. */
uint32_t ir_smap_get(const ir_smap *m, const char *key);
/* Inserts or replaces; -1 on allocation failure. */
int ir_smap_put(ir_smap *m, const char *key, uint32_t val);
void ir_smap_free(ir_smap *m);

/* ---- pointer -> pointer map ---- */
typedef struct ir_pmap {
    const void **keys;
    void **vals;
    size_t cap, n;
} ir_pmap;

void *ir_pmap_get(const ir_pmap *m, const void *key);
int ir_pmap_put(ir_pmap *m, const void *key, void *val);
void ir_pmap_free(ir_pmap *m);

/* ---- shared helpers ---- */
/* A deep copy of type t into arena a; static singletons are returned as
 * they are and `memo` (may be NULL) shares copies of one source type. */
const rt_type *ir_type_copy(rt_arena *a, const rt_type *t, ir_pmap *memo);
/* Shortest decimal that reads back as exactly d, always recognisable as a
 * float ("1.", "0.1", "1e+20", "inf", "-inf", "nan"). buf >= 32 bytes. */
const char *ir_fmt_double(double d, char *buf);
/* "%name" for error messages (no uniquing), into buf. */
const char *ir_value_label(const ir_graph *g, ir_vid v, char *buf, size_t size);
/* "%3 = aten::add.Tensor (code/m.py:7:11)" for error messages, into buf. */
const char *ir_node_label(const ir_graph *g, ir_nid n, char *buf, size_t size);
/* Structural op name of a kind ("prim::If") or the op's full name. */
const char *ir_node_opname(const ir_node *nd, char *buf, size_t size);
/* Does the node have effects beyond its outputs (impure or in-place ops,
 * ops without outputs or with mutable alias arguments, SetAttr, calls)? */
bool ir_node_has_effects(const ir_graph *g, const ir_node *nd);
/* True while TSJ_VERIFY=1 or in a debug build (!NDEBUG). */
bool ir_verify_enabled(void);

#endif /* IR_IMPL_H */
