/*
 * fe_pickle.h — a restricted unpickler for the pickles torch.jit.save
 * writes (data.pkl, constants.pkl): protocol 2 opcodes (plus the few
 * protocol 3-4 ones Python's pickle may add), a closed allow-list of
 * globals, tensors rebuilt over storages that a caller-supplied loader
 * reads. Nothing in a pickle is ever executed.
 *
 * Output: an rt_value tree — objects, tensors, lists, tuples, dicts, str,
 * int, float, bool, None. data.pkl gives the root module object;
 * constants.pkl gives a tuple (CONSTANTS.c0, c1, ...).
 *
 * Allowed globals (anything else is refused by name, e.g.
 * "data.pkl: pickle global 'os.system' is not allowed (at byte 2)"):
 *   torch._utils._rebuild_tensor_v2   (storage, offset, size, stride,
 *                                      requires_grad, hooks[, metadata])
 *   torch._utils._rebuild_tensor      (storage, offset, size, stride)
 *   torch._utils._rebuild_parameter   (data, requires_grad, hooks) -> data
 *   torch.jit._pickle.build_intlist / build_doublelist / build_boollist /
 *     build_tensorlist / build_genericlist (list) -> list (element kinds
 *     are checked)
 *   torch.jit._pickle.restore_type_tag (value, type_str) -> value (the tag
 *     is dropped)
 *   collections.OrderedDict ()         -> None (only tensor backward hooks
 *                                        use it; PyTorch drops them too)
 *   torch.device (str)                 -> the device string ("cpu")
 *   torch.<T>Storage for T in Float Double Half BFloat16 Long Int Short
 *     Char Byte Bool: storage types inside persistent ids
 *   __torch__.<qualified class>        -> resolved by the caller (below)
 *
 * Tensors: BINPERSID takes ('storage', <torch.TStorage>, '<key>',
 * '<location>', numel) and loads record "<storage_dir><key>" once per
 * key (views share it); the record must hold numel * element size bytes
 * ("storage 'data/3' holds 100 bytes but its tensor needs 400"). The
 * location is ignored: everything loads on the CPU. _rebuild_tensor_v2
 * then makes an rt_tensor_view, which checks the view stays inside.
 *
 * Objects: GLOBAL __torch__.M, EMPTY_TUPLE, NEWOBJ, <state>, BUILD. On
 * GLOBAL the unpickler calls resolve_class(ctx, "__torch__.M", e) once
 * per distinct name; on BUILD it calls build_object(ctx, cls, state, out,
 * e). See fe_pickle_opts for the contract and the default (generic) mode.
 *
 * Limits, each violation its own error with the pickle's name and the
 * byte offset of the opcode: unknown opcode, truncated operand, string
 * longer than the data left, stack underflow, MARK missing or unbalanced,
 * memo index out of range or past the memo limit, nesting (marks and
 * containers) deeper than max_depth ("nesting too deep"), a container
 * changed after it was stored elsewhere (this is what makes reference
 * cycles impossible), dict keys that are not str/int/float/bool/None/
 * Tensor, a bare global left in the result, missing STOP, trailing bytes
 * after STOP. Every error path releases everything.
 *
 * No global state; one call is self-contained and may run concurrently
 * with others.
 */
#ifndef FE_PICKLE_H
#define FE_PICKLE_H

#include <stddef.h>
#include <stdint.h>

#include "rt_error.h"
#include "rt_tensor.h"
#include "rt_value.h"

typedef struct fe_archive fe_archive;

/* Default limits. */
#define FE_PICKLE_MAX_DEPTH 1000
#define FE_PICKLE_MAX_MEMO ((size_t)1 << 22)

/* Slots of a generic object (default mode, see fe_pickle_opts). */
#define FE_PICKLE_GENERIC_QUALNAME 0 /* str: "__torch__.foo.Bar"          */
#define FE_PICKLE_GENERIC_STATE 1    /* the BUILD state (a dict usually) */
#define FE_PICKLE_GENERIC_NSLOTS 2

typedef struct fe_pickle_opts {
    void *ctx; /* passed to every callback */

    /* Loads storage record `record` ("data/3": storage_dir + key) and
     * returns a new reference, or NULL with e set. Required as soon as
     * the pickle holds a tensor ("no storage loader" error otherwise).
     * The unpickler checks the size; it calls this once per key. */
    rt_storage *(*load_storage)(void *ctx, const char *record, rt_err *e);
    /* Prefix of storage records: "data/" for data.pkl, "constants/" for
     * constants.pkl. NULL: "data/". */
    const char *storage_dir;

    /* Resolves a class named by GLOBAL ("__torch__.foo.Bar") to a handle
     * owned by the caller. NULL return means failure: with e set the
     * message is the caller's, otherwise "unknown class '...'". Called
     * only for names under "__torch__."; once per name per pickle.
     * NULL callback: default mode, every __torch__ class resolves to a
     * NULL handle. */
    const void *(*resolve_class)(void *ctx, const char *qualname, rt_err *e);
    /* Builds an instance of `cls` from the BUILD `state` (borrowed; a
     * dict of attributes for modules, whatever __getstate__ returned for
     * classes with __setstate__) and writes a new reference into *out.
     * 0, or -1 with e set. The state never contains bare globals; it may
     * be shared with other values, so the callback must not modify it.
     * NULL callback: default mode, *out is a generic object: an
     * rt_object with cls = the resolved handle (NULL without
     * resolve_class) and FE_PICKLE_GENERIC_NSLOTS slots, [0] the class's
     * qualified name as str and [1] the state. */
    int (*build_object)(void *ctx, const void *cls, rt_value state, rt_value *out, rt_err *e);

    size_t max_depth; /* 0: FE_PICKLE_MAX_DEPTH                        */
    size_t max_memo;  /* highest memo index + 1; 0: FE_PICKLE_MAX_MEMO */
} fe_pickle_opts;

/* Unpickles `size` bytes at `data`. `name` ("data.pkl") starts every
 * message of the unpickler's own. opts may be NULL (no tensors, generic
 * objects). *out receives a new reference. 0, or -1 with e set
 * (TSJ_ERR_FORMAT for a malformed or hostile pickle, TSJ_ERR_LIMIT past a
 * limit, TSJ_ERR_UNSUPPORTED for a valid but unsupported construct, or
 * whatever a callback set) and *out set to None. */
int fe_pickle_load(const char *name, const void *data, size_t size, const fe_pickle_opts *opts,
                   rt_value *out, rt_err *e);

/* Reads "<archive>.pkl" from `a` ("data" or "constants") and unpickles it
 * with storages from "<archive>/<key>" in the same zip. opts may be NULL;
 * its load_storage and storage_dir, when set, override the archive's.
 * Messages are prefixed with the zip's name: "m.pt: data.pkl: ...". */
int fe_pickle_load_archive(fe_archive *a, const char *archive, const fe_pickle_opts *opts,
                           rt_value *out, rt_err *e);

#endif /* FE_PICKLE_H */
