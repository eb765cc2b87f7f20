/*
 * tsjit.h — the public C ABI of tsjit, a JIT engine for TorchScript models.
 *
 * This is the only header a user includes. It exposes opaque handles and
 * plain C types; it compiles as C (C99 or later) and as C++.
 *
 * OWNERSHIP (the one rule, followed by every function below):
 *   - A function that hands a tsj_value* back through an out-parameter
 *     (tsj_value **out) or as its return value gives the caller ONE new
 *     reference. The caller releases it with tsj_value_release().
 *   - A tsj_value* passed IN to a function is borrowed: the function never
 *     consumes the caller's reference. Containers (lists, tuples) that keep a
 *     value take their own reference.
 *   - Pointers returned as `const char *`, `const int64_t *` or `void *`
 *     (strings, shapes, tensor data) are borrowed from the value they came
 *     from and stay valid while that value is alive.
 *   - tsj_model, tsj_options and tsj_error objects are owned by whoever
 *     created them and freed with their own *_free function.
 *   - char* text handed out through `char **` is freed with tsj_string_free().
 *
 * ERRORS: every fallible call returns a tsj_status (TSJ_OK == 0 on success).
 *   Calls that take a `tsj_error **err` argument store a new error object
 *   there on failure when err is not NULL (and leave it untouched on
 *   success). The error carries a readable message and, when it comes from
 *   model code, the source location in the archive (code/__torch__/m.py:12:8).
 *   The library never calls exit() or abort() and never prints.
 *
 * THREADS: a loaded tsj_model is immutable from the caller's view and may be
 *   called from many threads at once (tsj_model_call is thread-safe; the
 *   specialization cache inside is locked). tsj_value reference counts are
 *   atomic, so values may be shared between threads, but the caller must not
 *   write a tensor's data while another thread reads it. Two exceptions the
 *   caller serializes: tsj_model_set_option must not run while another
 *   thread calls or describes the same model, and a method whose code
 *   assigns attributes of the module (`self.count += 1`) mutates shared
 *   state, so its calls must not overlap each other or other calls that
 *   read those attributes (as in Python without a lock).
 *   The library starts no threads of its own besides OpenBLAS's pool, and
 *   compiles on the calling thread.
 */
#ifndef TSJIT_H
#define TSJIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define TSJ_API
#else
#define TSJ_API __attribute__((visibility("default")))
#endif

#define TSJ_VERSION_MAJOR 0
#define TSJ_VERSION_MINOR 1
#define TSJ_VERSION_PATCH 0

/* The library's version string, "MAJOR.MINOR.PATCH". */
TSJ_API const char *tsj_version(void);

/* ------------------------------------------------------------------------ */
/* Status codes and errors                                                   */
/* ------------------------------------------------------------------------ */

typedef enum tsj_status {
    TSJ_OK = 0,
    TSJ_ERR_INVALID_ARGUMENT = 1, /* a NULL handle, bad enum, bad option     */
    TSJ_ERR_IO = 2,               /* a file could not be opened or read      */
    TSJ_ERR_FORMAT = 3,           /* corrupt or hostile archive / .npy       */
    TSJ_ERR_UNSUPPORTED = 4,      /* a construct or operator tsjit lacks     */
    TSJ_ERR_TYPE = 5,             /* wrong argument count, kind or dtype     */
    TSJ_ERR_SHAPE = 6,            /* shapes that do not fit                  */
    TSJ_ERR_INDEX = 7,            /* index out of range                      */
    TSJ_ERR_MODEL = 8,            /* an exception raised by model code       */
    TSJ_ERR_NOMEM = 9,            /* out of memory                           */
    TSJ_ERR_LIMIT = 10,           /* a configured limit was exceeded         */
    TSJ_ERR_NOT_IMPLEMENTED = 11, /* a public function without a body yet    */
    TSJ_ERR_INTERNAL = 12         /* a broken invariant inside tsjit (a bug) */
} tsj_status;

typedef struct tsj_error tsj_error;

/* A short fixed name for a status ("ok", "format error", ...). */
TSJ_API const char *tsj_status_name(tsj_status status);
TSJ_API tsj_status tsj_error_status(const tsj_error *err);
/* The full message, never NULL. */
TSJ_API const char *tsj_error_message(const tsj_error *err);
/* The source location in the model ("code/__torch__/m.py"), or NULL when the
 * error does not come from model code; *line and *col (1-based) are set when
 * the pointers are not NULL (0 when unknown). */
TSJ_API const char *tsj_error_location(const tsj_error *err, int *line, int *col);
TSJ_API void tsj_error_free(tsj_error *err);

/* Frees text that the library handed out through a `char **` argument. */
TSJ_API void tsj_string_free(char *text);

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct tsj_value tsj_value;

typedef enum tsj_kind {
    TSJ_KIND_NONE = 0,
    TSJ_KIND_BOOL = 1,
    TSJ_KIND_INT = 2,    /* int64                                        */
    TSJ_KIND_FLOAT = 3,  /* double                                       */
    TSJ_KIND_STRING = 4, /* UTF-8, NUL-terminated                        */
    TSJ_KIND_TENSOR = 5,
    TSJ_KIND_LIST = 6,
    TSJ_KIND_TUPLE = 7,
    TSJ_KIND_DICT = 8,   /* only as a result; read with tsj_value_item   */
    TSJ_KIND_OBJECT = 9  /* a TorchScript class instance (e.g. NamedTuple) */
} tsj_kind;

/* Scalar constructors. They return NULL only when memory runs out. */
TSJ_API tsj_value *tsj_value_none(void);
TSJ_API tsj_value *tsj_value_bool(int b);
TSJ_API tsj_value *tsj_value_int(int64_t i);
TSJ_API tsj_value *tsj_value_float(double f);
/* Copies the NUL-terminated UTF-8 string. */
TSJ_API tsj_value *tsj_value_string(const char *s);
/* A list / tuple of n items; each item gets a new reference (items borrowed). */
TSJ_API tsj_value *tsj_value_list(tsj_value *const *items, size_t n);
TSJ_API tsj_value *tsj_value_tuple(tsj_value *const *items, size_t n);

/* Adds one reference and returns v. NULL is accepted and returned. */
TSJ_API tsj_value *tsj_value_retain(tsj_value *v);
/* Drops one reference; the value is freed with its last one. NULL is a no-op. */
TSJ_API void tsj_value_release(tsj_value *v);

TSJ_API tsj_kind tsj_value_kind(const tsj_value *v);
/* A readable name for the value's TorchScript type ("Tensor", "int",
 * "List[Tensor]", ...). */
TSJ_API const char *tsj_kind_name(tsj_kind kind);

/* Accessors: TSJ_ERR_TYPE when v is not of that kind (out is untouched). */
TSJ_API tsj_status tsj_value_get_bool(const tsj_value *v, int *out);
TSJ_API tsj_status tsj_value_get_int(const tsj_value *v, int64_t *out);
/* Accepts an int as well (converted to double). */
TSJ_API tsj_status tsj_value_get_float(const tsj_value *v, double *out);
/* Borrowed pointer, valid while v is alive. */
TSJ_API tsj_status tsj_value_get_string(const tsj_value *v, const char **out);
/* Number of items of a list, tuple, dict or object (its attributes);
 * 0 for any other kind. */
TSJ_API size_t tsj_value_len(const tsj_value *v);
/* Item i of a list or tuple, field i of an object, or for a dict a 2-tuple
 * (key, value) in insertion order. New reference in *out. */
TSJ_API tsj_status tsj_value_item(const tsj_value *v, size_t i, tsj_value **out);

/* Formats any value the way the REPL prints it (tensors NumPy-style,
 * summarized when large). Free *text with tsj_string_free. */
TSJ_API tsj_status tsj_value_format(const tsj_value *v, char **text);

/* ------------------------------------------------------------------------ */
/* Tensors                                                                   */
/* ------------------------------------------------------------------------ */

/* Numbering follows PyTorch's ScalarType. */
typedef enum tsj_dtype {
    TSJ_UINT8 = 0,
    TSJ_INT8 = 1,
    TSJ_INT16 = 2,
    TSJ_INT32 = 3,
    TSJ_INT64 = 4,
    TSJ_FLOAT16 = 5,
    TSJ_FLOAT32 = 6,
    TSJ_FLOAT64 = 7,
    TSJ_BOOL = 11,
    TSJ_BFLOAT16 = 15
} tsj_dtype;

/* The largest number of dimensions a tensor may have. */
#define TSJ_MAX_DIMS 12

/* Size in bytes of one element (0 for a value that is no dtype). */
TSJ_API size_t tsj_dtype_size(tsj_dtype dtype);
/* "float32", "int64", ... ; "?" for a value that is no dtype. */
TSJ_API const char *tsj_dtype_name(tsj_dtype dtype);

/* A new contiguous tensor holding a copy of `data` (ndim dims, C order;
 * data may be NULL for zeros). ndim 0 makes a 0-dim (scalar) tensor. */
TSJ_API tsj_status tsj_tensor_create(tsj_dtype dtype, int ndim, const int64_t *shape,
                                     const void *data, tsj_value **out, tsj_error **err);

/* Called once when the last tensor using wrapped memory is freed. */
typedef void (*tsj_release_fn)(void *data, void *ctx);

/* A tensor over the caller's memory, without a copy. strides are in
 * elements (NULL: C-contiguous). `release` (may be NULL) is called with
 * (data, ctx) when tsjit no longer uses the memory. Every element reachable
 * through shape and strides must lie inside [data, data + nbytes). */
TSJ_API tsj_status tsj_tensor_wrap(tsj_dtype dtype, int ndim, const int64_t *shape,
                                   const int64_t *strides, void *data, size_t nbytes,
                                   tsj_release_fn release, void *ctx, tsj_value **out,
                                   tsj_error **err);

/* Tensor accessors; they return 0 / NULL when v is not a tensor. */
TSJ_API tsj_dtype tsj_tensor_dtype(const tsj_value *v);
TSJ_API int tsj_tensor_ndim(const tsj_value *v);
TSJ_API const int64_t *tsj_tensor_shape(const tsj_value *v);
/* Strides in elements. */
TSJ_API const int64_t *tsj_tensor_strides(const tsj_value *v);
TSJ_API int64_t tsj_tensor_numel(const tsj_value *v);
/* Address of element [0, 0, ...] (the view's offset applied). */
TSJ_API void *tsj_tensor_data(const tsj_value *v);
TSJ_API int tsj_tensor_is_contiguous(const tsj_value *v);

/* NumPy .npy files (format 1.0-3.0, little-endian, C or Fortran order). */
TSJ_API tsj_status tsj_npy_load(const char *path, tsj_value **out, tsj_error **err);
TSJ_API tsj_status tsj_npy_load_buffer(const void *data, size_t size, tsj_value **out,
                                       tsj_error **err);
/* Writes format 1.0, C order. */
TSJ_API tsj_status tsj_npy_save(const tsj_value *tensor, const char *path, tsj_error **err);

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct tsj_options tsj_options;

typedef enum tsj_mode {
    TSJ_MODE_JIT = 0,    /* specialize and compile; interpreter as fallback */
    TSJ_MODE_INTERP = 1  /* interpreter only                               */
} tsj_mode;

/* Defaults: mode jit, threads 0 (= the library's default, all cores). */
TSJ_API tsj_options *tsj_options_create(void);
TSJ_API void tsj_options_free(tsj_options *opts);
TSJ_API tsj_status tsj_options_set_mode(tsj_options *opts, tsj_mode mode);
TSJ_API tsj_status tsj_options_set_threads(tsj_options *opts, int threads);
/* Any option by name, so new options never change the ABI. Known keys:
 * "mode" (jit|interp), "threads" (integer), "fold_attributes" (true|false),
 * "profile" (true|false: time every operator of the calls that follow, which
 * then run in the interpreter; setting it to true clears the counters),
 * "cache_size" (integer, compiled specializations kept per method),
 * "jit_threshold" (integer >= 1, default 2, or the environment variable
 *   TSJ_JIT_THRESHOLD when set: the call of one argument signature (shapes,
 *   dtypes, decisive int/bool values) that compiles it; the calls before it
 *   run in the interpreter, so a signature seen once never pays for a
 *   compile. 1 compiles at the first call. Settable on a loaded model),
 * "mmap_weights" (true|false, default true: tensor records of a model file
 * are mapped, not copied; the file must then not be truncated or rewritten
 * in place while the model is loaded, or the process gets SIGBUS),
 * "max_tensor_bytes" (bytes, suffixes k/m/g/t allowed; the largest tensor a
 *   call may create, TSJ_ERR_LIMIT "... exceeds the N-byte limit" beyond it
 *   and the model stays usable; 0, the default, means 1 TiB; the limit
 *   belongs to the model and does not affect other models or tensors made
 *   through tsj_tensor_create),
 * "max_graph_nodes" (integer, default 1048576: the most IR nodes a method
 *   may have after loading; checked by tsj_model_load, TSJ_ERR_LIMIT).
 * An unknown key or a bad value gives TSJ_ERR_INVALID_ARGUMENT. */
TSJ_API tsj_status tsj_options_set(tsj_options *opts, const char *key, const char *value);

/* ------------------------------------------------------------------------ */
/* Models                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct tsj_model tsj_model;

/* Loads a TorchScript archive written by torch.jit.save / ScriptModule.save.
 * opts may be NULL (defaults); the model keeps a copy of it. */
TSJ_API tsj_status tsj_model_load(const char *path, const tsj_options *opts, tsj_model **out,
                                  tsj_error **err);
/* The same from bytes in memory (copied; the buffer may be freed after). */
TSJ_API tsj_status tsj_model_load_buffer(const void *data, size_t size,
                                         const tsj_options *opts, tsj_model **out,
                                         tsj_error **err);
TSJ_API void tsj_model_free(tsj_model *model);

/* Methods of the top-level module that can be called. */
TSJ_API size_t tsj_model_method_count(const tsj_model *model);
/* Name of method i (borrowed), NULL when i is out of range. */
TSJ_API const char *tsj_model_method_name(const tsj_model *model, size_t i);
/* Signature in TorchScript notation, "forward(Tensor x, int n) -> Tensor"
 * (borrowed), or NULL when there is no such method. */
TSJ_API const char *tsj_model_method_signature(const tsj_model *model, const char *method);

/* Calls a method with nargs arguments (self is implicit). A new reference
 * to the result is stored in *result. Arguments are checked against the
 * signature first; after any error the model stays usable. */
TSJ_API tsj_status tsj_model_call(tsj_model *model, const char *method,
                                  tsj_value *const *args, size_t nargs, tsj_value **result,
                                  tsj_error **err);

/* Changes an option of a loaded model for later calls (the keys of
 * tsj_options_set; cache_size, mmap_weights, max_graph_nodes and
 * fold_attributes only matter at load). Not concurrently with calls on the
 * same model: see THREADS above. */
TSJ_API tsj_status tsj_model_set_option(tsj_model *model, const char *key, const char *value,
                                        tsj_error **err);

/* Progress of compiles (e.g. to show one on a terminal): fn(user, method,
 * stage) is called on the thread that compiles, as each stage of a compile
 * starts ("specializing", "optimizing (LLVM O3)", "generating machine
 * code", ...), and with stage NULL when the compile ends. fn NULL removes
 * it. Set it before calls start (not concurrently with calls). */
typedef void (*tsj_progress_fn)(void *user, const char *method, const char *stage);
TSJ_API void tsj_model_set_progress(tsj_model *model, tsj_progress_fn fn, void *user);

/* Introspection as text (free with tsj_string_free). `what`:
 *   "classes"  the class tree: submodules, parameters and buffers;
 *   "methods"  every method's signature;
 *   "ir"       the method's graph after the load-time passes;
 *   "ops"      the operators used, with interpreter / emitter coverage;
 *   "jit"      for the signature of `args`: specialized IR, fusion groups,
 *              arena size, native/fallback nodes, LLVM IR, assembly and
 *              compile time per stage;
 *   "cache"    the specialization cache's entries and counters;
 *   "load"     where the load's time went: archive, parse, unpickle, emit,
 *              passes;
 *   "profile"  time per operator over the calls made while the option
 *              "profile" was true: calls, total ms, us/call, share.
 * method may be NULL for all methods; args/nargs are used by "jit" only. */
TSJ_API tsj_status tsj_model_describe(tsj_model *model, const char *what, const char *method,
                                      tsj_value *const *args, size_t nargs, char **text,
                                      tsj_error **err);

#ifdef __cplusplus
}
#endif

#endif /* TSJIT_H */
