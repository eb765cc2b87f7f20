/*
 * cg_sig.c — the code generator's driver: signatures, the per-method
 * cache of compiled specializations, and the call path.
 *
 *   args ──► signature ──► cache (rwlock, read only on a hit)
 *                │ miss (compile lock, then re-check)
 *                ▼
 *   cg_spec_build   clone the graph; int/bool/None args → constants;
 *                   guaranteed tensor metadata → constants; const-prop,
 *                   DCE; cg_infer: shape/dtype of every value (cg_shape.c)
 *   cg_fuse         elementwise runs → fusion groups (cg_fuse.c)
 *   cg_plan         arena offsets, frame template, release list
 *   cg_compile      LLVM IR (cg_emit.c, cg_emit_ew.c, cg_math.c) →
 *                   default<O3> → ORC LLJIT (cg_jit.c)
 *                │ any failure: the entry is marked interpreter-only
 *                ▼
 *   call:  frame ← template + args;  entry(call);  result ← ret slot;
 *          release the frame;  nodes without an emitter ran through
 *          cg_rt.c's entry points, i.e. the interpreter's kernels
 *
 * Glossary
 *   signature    per argument: kind; tensors add dtype, shape and
 *                contiguity; ints and bools add their value
 *   spec         a specialization: the specialized graph plus metadata
 *   meta         what is known statically about one value (cg_meta)
 *   certain      metadata the signature guarantees; anything else a
 *                fused loop relies on is checked by a guard at run time
 *   group        one fused loop over a shape (cg_group)
 *   frame        the call's rt_value slots, one per value (as in the
 *                interpreter)
 *   arena        scratch memory for group results no kernel reads
 *   entry        a cache entry: signature, spec, code, counters
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_impl.h"

#define CG_DEFAULT_CACHE 16
#define CG_DEFAULT_THRESHOLD 2
#define SIG_MAX 512
#define FRAME_STACK 128
#define SCRATCH_SLOTS 8 /* concurrent callers of one entry served without malloc */

/* Memory one call of an entry runs in: the frame (one rt_value per value)
 * and the arena, plus the pool of result tensors reused across calls. A
 * caller claims a free slot (allocated at its first use); when all are
 * busy it allocates a block of its own for that call. */
typedef struct cg_scratch {
    _Alignas(64) atomic_flag busy; /* a cache line per slot: no false sharing */
    void *mem;
    rt_tensor **pool;  /* per value: result tensors kept for reuse */
    atomic_ullong hits; /* calls served here; written only by the holder */
} cg_scratch;

/* The slot a thread tries first: threads spread over the slots, so that
 * concurrent callers of one entry do not contend for the same flag. */
static _Thread_local unsigned tls_slot = ~0u;
static atomic_uint slot_counter;

typedef struct cg_entry {
    atomic_int refs;
    uint64_t hash;
    int64_t *key;
    uint32_t keylen;
    bool warming;           /* not compiled yet: fewer than the threshold's
                               calls seen; runs in the interpreter         */
    atomic_uint seen;       /* calls while warming                          */
    bool interp_only;
    char why[256];          /* why interpreter-only                        */
    cg_spec *spec;
    cg_code code;
    cg_times times;
    atomic_ullong hits;
    atomic_ullong last_use;
    cg_scratch scratch[SCRATCH_SLOTS];
    size_t frame_bytes;
} cg_entry;

struct cg_method {
    const ir_func *fn;
    rt_value self;
    int cap;
    atomic_uint threshold;  /* the call of a signature that compiles it     */
    cg_progress_fn progress;
    void *progress_user;
    bool disabled;
    pthread_rwlock_t lock;
    pthread_mutex_t compile_lock;
    cg_entry **entries;
    int n;
    /* counters: the hot path of a compiled hit writes none of these (its
     * hits go to the entry's scratch slots); calls = hits + misses + other */
    atomic_ullong other, misses, compiles, failures, interp_calls, evictions, warmups;
    atomic_ullong hits_gone; /* hits of entries no longer in the table */
    double compile_seconds; /* under compile_lock */
};

/* ---- text buffer --------------------------------------------------------- */

void cg_buf_printf(cg_buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->s && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

void cg_buf_puts(cg_buf *b, const char *s)
{
    cg_buf_printf(b, "%s", s);
}

/* ---- signatures ----------------------------------------------------------- */

/* Appends the signature of args to key; returns its length or -1 when it
 * does not fit. */
static int sig_compute(const rt_value *args, int nargs, int64_t *key, int max)
{
    int n = 0;
#define PUT(x)              \
    do {                    \
        if (n >= max)       \
            return -1;      \
        key[n++] = (x);     \
    } while (0)
    PUT(nargs);
    for (int i = 0; i < nargs; i++) {
        rt_value v = args[i];
        PUT(v.kind);
        switch (v.kind) {
        case RT_TENSOR: {
            const rt_tensor *t = v.u.tensor;
            PUT((int64_t)t->dtype | (int64_t)t->ndim << 8 |
                (int64_t)rt_tensor_is_contiguous(t) << 16);
            for (int d = 0; d < t->ndim; d++)
                PUT(t->shape[d]);
            break;
        }
        case RT_INT:
            PUT(v.u.i);
            break;
        case RT_BOOL:
            PUT(v.u.b);
            break;
        default:
            break;
        }
    }
#undef PUT
    return n;
}

static uint64_t sig_hash(const int64_t *key, int n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < n; i++) {
        h ^= (uint64_t)key[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return h;
}

static const char *sig_text(const rt_value *args, int nargs, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < nargs && n < size; i++) {
        rt_value v = args[i];
        char t[256];
        if (v.kind == RT_TENSOR) {
            const rt_dtype_info *di = rt_dtype_get(v.u.tensor->dtype);
            char sh[200];
            rt_shape_str(v.u.tensor->ndim, v.u.tensor->shape, sh, sizeof sh);
            snprintf(t, sizeof t, "%s%s%s", di ? di->name : "?", sh,
                     rt_tensor_is_contiguous(v.u.tensor) ? "" : " strided");
        } else if (v.kind == RT_INT) {
            snprintf(t, sizeof t, "int=%lld", (long long)v.u.i);
        } else if (v.kind == RT_BOOL) {
            snprintf(t, sizeof t, "bool=%s", v.u.b ? "true" : "false");
        } else if (v.kind == RT_OBJECT && i == 0) {
            snprintf(t, sizeof t, "self");
        } else {
            snprintf(t, sizeof t, "%s", rt_kind_name((rt_kind)v.kind));
        }
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", t);
    }
    return buf;
}

/* ---- entries ----------------------------------------------------------------- */

static void entry_free(cg_entry *en)
{
    for (int k = 0; k < SCRATCH_SLOTS; k++) {
        cg_scratch *sc = &en->scratch[k];
        for (uint32_t v = 0; sc->pool && en->spec && v < 2 * en->spec->g->nvalues; v++)
            rt_tensor_release(sc->pool[v]);
        free(sc->pool);
        free(sc->mem);
    }
    cg_code_free(&en->code);
    cg_spec_free(en->spec);
    free(en->key);
    free(en);
}

/* Calls the entry has served (approximate while calls run). */
static unsigned long long entry_hits(cg_entry *en)
{
    unsigned long long n = atomic_load_explicit(&en->hits, memory_order_relaxed);
    for (int k = 0; k < SCRATCH_SLOTS; k++)
        n += atomic_load_explicit(&en->scratch[k].hits, memory_order_relaxed);
    return n;
}

/* Gives slot sc its memory (kept for the entry's life): the frame, the
 * arena and the result pool. -1 when out of memory. */
static int scratch_init(const cg_entry *en, cg_scratch *sc)
{
    sc->mem = aligned_alloc(64, en->frame_bytes + en->spec->arena_size + 64);
    sc->pool = sc->mem ? calloc(2 * ((size_t)en->spec->g->nvalues + 1), sizeof *sc->pool) : NULL;
    if (sc->pool)
        return 0;
    free(sc->mem);
    sc->mem = NULL;
    return -1;
}

static void entry_release(cg_entry *en)
{
    if (atomic_fetch_sub_explicit(&en->refs, 1, memory_order_acq_rel) == 1)
        entry_free(en);
}

/* Specializes and compiles; on failure records why and returns -1 (the
 * entry then stays interpreter-only). */
/* The progress hook of the method compiling on this thread. */
static _Thread_local const cg_method *tls_compiling;

void cg_progress(const char *stage)
{
    const cg_method *m = tls_compiling;
    if (m && m->progress)
        m->progress(m->progress_user, stage);
}

void cg_method_set_progress(cg_method *m, cg_progress_fn fn, void *user)
{
    m->progress = fn;
    m->progress_user = user;
}

static int build_stages(const ir_graph *g, const rt_value *args, int nargs, bool want_text,
                        cg_spec **sp, cg_code *code, cg_times *t, rt_err *e)
{
    double t0 = cg_now();
    memset(t, 0, sizeof *t);
    cg_progress("specializing");
    if (cg_spec_build(g, args, nargs, sp, e))
        return -1;
    double t1 = cg_now();
    t->spec = t1 - t0;
    cg_progress("fusing and planning memory");
    if (cg_fuse(*sp, e) || cg_plan(*sp, e))
        return -1;
    t->fuse = cg_now() - t1;
    if (cg_compile(*sp, want_text, code, t, e))
        return -1;
    t->total = cg_now() - t0;
    return 0;
}

static int build(const cg_method *m, const rt_value *args, int nargs, bool want_text,
                 cg_spec **sp, cg_code *code, cg_times *t, rt_err *e)
{
    const cg_method *prev = tls_compiling;
    tls_compiling = m;
    int rc = build_stages(m->fn->graph, args, nargs, want_text, sp, code, t, e);
    cg_progress(NULL);
    tls_compiling = prev;
    return rc;
}

static cg_entry *entry_new(cg_method *m, const rt_value *args, int nargs, const int64_t *key,
                           int keylen, uint64_t hash, bool warming, rt_err *e)
{
    cg_entry *en = calloc(1, sizeof *en);
    if (!en || !(en->key = malloc(sizeof *key * (size_t)(keylen + 1)))) {
        free(en);
        rt_err_nomem(e);
        return NULL;
    }
    atomic_init(&en->refs, 1);
    for (int k = 0; k < SCRATCH_SLOTS; k++)
        atomic_flag_clear(&en->scratch[k].busy);
    memcpy(en->key, key, sizeof *key * (size_t)keylen);
    en->keylen = (uint32_t)keylen;
    en->hash = hash;
    rt_err ce;
    rt_err_clear(&ce);
    if (warming) {
        en->warming = true;
        atomic_init(&en->seen, 0);
    } else if (m->disabled) {
        en->interp_only = true;
        snprintf(en->why, sizeof en->why, "JIT disabled (TSJ_JIT=0)");
    } else if (build(m, args, nargs, false, &en->spec, &en->code, &en->times, &ce)) {
        en->interp_only = true;
        snprintf(en->why, sizeof en->why, "%.250s", ce.msg[0] ? ce.msg : "compile failed");
        cg_code_free(&en->code);
        cg_spec_free(en->spec);
        en->spec = NULL;
        atomic_fetch_add(&m->failures, 1);
    } else {
        size_t nv = en->spec->g->nvalues + 1;
        en->frame_bytes = (sizeof(rt_value) * nv + 63) & ~(size_t)63;
        /* the first slot now: a single-threaded caller never allocates */
        if (scratch_init(en, &en->scratch[0])) {
            entry_free(en);
            rt_err_nomem(e);
            return NULL;
        }
        atomic_fetch_add(&m->compiles, 1);
    }
    return en;
}

/* ---- method ------------------------------------------------------------------- */

cg_method *cg_method_new(const ir_func *fn, rt_value self_root, int cache_size, int threshold,
                         rt_err *e)
{
    if (!fn || !fn->graph) {
        rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT, "cg_method_new: a function with a graph is needed");
        return NULL;
    }
    cg_method *m = calloc(1, sizeof *m);
    if (!m) {
        rt_err_nomem(e);
        return NULL;
    }
    m->fn = fn;
    m->self = rt_value_retain(self_root);
    m->cap = cache_size > 0 ? cache_size : CG_DEFAULT_CACHE;
    atomic_init(&m->threshold, threshold > 0 ? (unsigned)threshold : CG_DEFAULT_THRESHOLD);
    const char *env = getenv("TSJ_JIT");
    m->disabled = env && !strcmp(env, "0");
    m->entries = calloc((size_t)m->cap, sizeof *m->entries);
    if (!m->entries) {
        rt_value_release(m->self);
        free(m);
        rt_err_nomem(e);
        return NULL;
    }
    pthread_rwlock_init(&m->lock, NULL);
    pthread_mutex_init(&m->compile_lock, NULL);
    return m;
}

void cg_method_free(cg_method *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n; i++)
        entry_release(m->entries[i]);
    free(m->entries);
    pthread_rwlock_destroy(&m->lock);
    pthread_mutex_destroy(&m->compile_lock);
    rt_value_release(m->self);
    free(m);
}

/* A new reference to the entry for key, or NULL. */
static cg_entry *lookup(cg_method *m, const int64_t *key, int keylen, uint64_t h)
{
    cg_entry *found = NULL;
    pthread_rwlock_rdlock(&m->lock);
    for (int i = 0; i < m->n; i++) {
        cg_entry *en = m->entries[i];
        if (en->hash == h && en->keylen == (uint32_t)keylen &&
            !memcmp(en->key, key, sizeof *key * (size_t)keylen)) {
            atomic_fetch_add_explicit(&en->refs, 1, memory_order_relaxed);
            found = en;
            break;
        }
    }
    pthread_rwlock_unlock(&m->lock);
    return found;
}

/* A signature not in the cache: a new entry, warming up (the interpreter
 * runs its first calls) when the threshold is above 1, else compiled now.
 * `warm` is the warming entry being promoted, or NULL. Under compile_lock,
 * so one thread compiles a signature while the others wait for it. */
static cg_entry *miss(cg_method *m, const rt_value *args, int nargs, const int64_t *key,
                      int keylen, uint64_t h, const cg_entry *warm, rt_err *e)
{
    pthread_mutex_lock(&m->compile_lock);
    cg_entry *en = lookup(m, key, keylen, h); /* another thread may have won */
    if (en && (en != warm || !en->warming)) {
        pthread_mutex_unlock(&m->compile_lock);
        return en;
    }
    cg_entry *old = en; /* the warming entry this one replaces, or NULL */
    bool warming = !warm && atomic_load_explicit(&m->threshold, memory_order_relaxed) > 1 &&
                   !m->disabled;
    if (!warm)
        atomic_fetch_add_explicit(&m->misses, 1, memory_order_relaxed);
    double t0 = cg_now();
    en = entry_new(m, args, nargs, key, keylen, h, warming, e);
    if (!warming)
        m->compile_seconds += cg_now() - t0;
    if (!en) {
        pthread_mutex_unlock(&m->compile_lock);
        if (old)
            entry_release(old);
        return NULL;
    }
    atomic_store_explicit(&en->last_use, atomic_load(&m->misses), memory_order_relaxed);
    cg_entry *evicted = NULL;
    pthread_rwlock_wrlock(&m->lock);
    int slot = -1;
    for (int i = 0; old && i < m->n; i++)
        if (m->entries[i] == old)
            slot = i;
    if (slot >= 0) { /* promotion: the compiled entry takes the warming one's place */
        evicted = old;
        atomic_fetch_add_explicit(&m->hits_gone, entry_hits(old), memory_order_relaxed);
        atomic_fetch_add_explicit(&en->refs, 1, memory_order_relaxed); /* the table's */
        m->entries[slot] = en;
        pthread_rwlock_unlock(&m->lock);
        pthread_mutex_unlock(&m->compile_lock);
        entry_release(evicted); /* the table's reference */
        entry_release(old);     /* the one lookup gave us */
        return en;
    }
    if (m->n == m->cap) {
        int lru = 0;
        for (int i = 1; i < m->n; i++)
            if (atomic_load_explicit(&m->entries[i]->last_use, memory_order_relaxed) <
                atomic_load_explicit(&m->entries[lru]->last_use, memory_order_relaxed))
                lru = i;
        evicted = m->entries[lru];
        atomic_fetch_add_explicit(&m->hits_gone, entry_hits(evicted), memory_order_relaxed);
        m->entries[lru] = m->entries[--m->n];
        atomic_fetch_add_explicit(&m->evictions, 1, memory_order_relaxed);
    }
    atomic_fetch_add_explicit(&en->refs, 1, memory_order_relaxed); /* the table's */
    m->entries[m->n++] = en;
    pthread_rwlock_unlock(&m->lock);
    pthread_mutex_unlock(&m->compile_lock);
    if (evicted)
        entry_release(evicted);
    if (old)
        entry_release(old);
    return en;
}

static int run_interp(cg_method *m, const rt_value *args, int nargs, rt_value *out,
                      const rt_interp_opts *o, rt_err *e)
{
    atomic_fetch_add_explicit(&m->interp_calls, 1, memory_order_relaxed);
    return rt_interp_run(m->fn->graph, args, nargs, out, 1, o, e);
}

/* count_hit: false for the call that compiled the entry (a miss). */
static int run_entry(cg_entry *en, const rt_value *args, int nargs, rt_value *out,
                     const rt_interp_opts *o, bool count_hit, rt_err *e)
{
    const cg_spec *s = en->spec;
    const ir_graph *g = s->g;
    uint32_t nv = g->nvalues;
    size_t bytes = en->frame_bytes + s->arena_size + 64;
    cg_scratch *sc = NULL;
    if (tls_slot == ~0u)
        tls_slot = atomic_fetch_add_explicit(&slot_counter, 1, memory_order_relaxed);
    for (unsigned k = 0; k < SCRATCH_SLOTS && !sc; k++) {
        cg_scratch *c = &en->scratch[(tls_slot + k) % SCRATCH_SLOTS];
        if (!atomic_flag_test_and_set_explicit(&c->busy, memory_order_acquire))
            sc = c;
    }
    if (sc && !sc->mem && scratch_init(en, sc)) { /* a slot's first use */
        atomic_flag_clear_explicit(&sc->busy, memory_order_release);
        sc = NULL;
    }
    char *mem = sc ? sc->mem : aligned_alloc(64, bytes);
    if (!mem)
        return rt_err_nomem(e);
    rt_value *slots = (rt_value *)mem;
    memcpy(slots, s->frame_tmpl, sizeof *slots * nv);
    const ir_block *body = &g->blocks[0];
    for (int i = 0; i < nargs; i++)
        slots[body->params[i]] = args[i]; /* borrowed */
    cg_call c = {.slots = slots,
                 .arena = s->arena_size ? mem + en->frame_bytes : NULL,
                 .spec = s,
                 .e = e,
                 .opts = o,
                 .rtc = {.err = e, .threads = o && o->threads > 0 ? o->threads : 1,
                         .model = o ? o->model : NULL},
                 .pool = sc ? sc->pool : NULL};
    if (count_hit && sc) /* the slot is ours: a plain increment, no contention */
        atomic_store_explicit(&sc->hits, atomic_load_explicit(&sc->hits, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    else if (count_hit)
        atomic_fetch_add_explicit(&en->hits, 1, memory_order_relaxed);
    int rc = en->code.fn(&c);
    if (rc == 0)
        *out = rt_value_retain(slots[body->rets[0]]);
    for (uint32_t i = 0; i < s->nrelease; i++)
        rt_value_release(slots[s->release[i]]);
    if (sc)
        atomic_flag_clear_explicit(&sc->busy, memory_order_release);
    else
        free(mem);
    return rc ? -1 : 0;
}

int cg_method_call(cg_method *m, const rt_value *args, int nargs, rt_value *out,
                   const rt_interp_opts *o, rt_err *e)
{
    *out = rt_none();
    static const rt_interp_opts default_opts = {.threads = 1};
    if (!o)
        o = &default_opts;
    const ir_block *body = &m->fn->graph->blocks[0];
    if ((o && o->profile) || (uint32_t)nargs != body->nparams || body->nrets != 1) {
        atomic_fetch_add_explicit(&m->other, 1, memory_order_relaxed);
        return run_interp(m, args, nargs, out, o, e);
    }
    int64_t key[SIG_MAX];
    int keylen = sig_compute(args, nargs, key, SIG_MAX);
    if (keylen < 0) {
        atomic_fetch_add_explicit(&m->other, 1, memory_order_relaxed);
        return run_interp(m, args, nargs, out, o, e);
    }
    uint64_t h = sig_hash(key, keylen);
    cg_entry *en = lookup(m, key, keylen, h);
    bool hit = en != NULL;
    if (en) {
        /* compiled entries count their hits in run_entry's slot */
        if (en->warming || en->interp_only)
            atomic_fetch_add_explicit(&en->hits, 1, memory_order_relaxed);
    } else {
        en = miss(m, args, nargs, key, keylen, h, NULL, e);
        if (!en)
            return -1;
    }
    if (en->warming) {
        unsigned seen = atomic_fetch_add_explicit(&en->seen, 1, memory_order_relaxed) + 1;
        if (seen >= atomic_load_explicit(&m->threshold, memory_order_relaxed)) {
            /* hot enough: compile now, synchronously */
            cg_entry *c = miss(m, args, nargs, key, keylen, h, en, e);
            entry_release(en);
            if (!c)
                return -1;
            en = c;
            hit = false; /* counted as the warming entry's hit */
        } else {
            atomic_fetch_add_explicit(&m->warmups, 1, memory_order_relaxed);
        }
    }
    /* LRU recency in units of misses (evictions only happen on a miss): the
     * entry's line is written once per miss, not once per call */
    unsigned long long tick = atomic_load_explicit(&m->misses, memory_order_relaxed);
    if (atomic_load_explicit(&en->last_use, memory_order_relaxed) != tick)
        atomic_store_explicit(&en->last_use, tick, memory_order_relaxed);
    int rc = en->interp_only || en->warming ? run_interp(m, args, nargs, out, o, e)
                             : run_entry(en, args, nargs, out, o, hit, e);
    entry_release(en);
    return rc;
}

void cg_method_set_threshold(cg_method *m, int threshold)
{
    atomic_store(&m->threshold, threshold > 0 ? (unsigned)threshold : CG_DEFAULT_THRESHOLD);
}

void cg_method_stats(cg_method *m, cg_stats *st)
{
    memset(st, 0, sizeof *st);
    unsigned long long hits = atomic_load(&m->hits_gone);
    pthread_rwlock_rdlock(&m->lock);
    for (int i = 0; i < m->n; i++)
        hits += entry_hits(m->entries[i]);
    pthread_rwlock_unlock(&m->lock);
    st->hits = hits;
    st->calls = hits + atomic_load(&m->misses) + atomic_load(&m->other);
    st->misses = atomic_load(&m->misses);
    st->compiles = atomic_load(&m->compiles);
    st->compile_failures = atomic_load(&m->failures);
    st->interp_calls = atomic_load(&m->interp_calls);
    st->evictions = atomic_load(&m->evictions);
    st->warmup_calls = atomic_load(&m->warmups);
    st->threshold = (int)atomic_load(&m->threshold);
    pthread_mutex_lock(&m->compile_lock);
    st->compile_seconds = m->compile_seconds;
    pthread_mutex_unlock(&m->compile_lock);
    pthread_rwlock_rdlock(&m->lock);
    st->entries = m->n;
    pthread_rwlock_unlock(&m->lock);
}

/* ---- text ------------------------------------------------------------------------ */

static void key_text(cg_buf *b, const cg_entry *en)
{
    /* decode the key back into "f32[3, 5], int=5" */
    const int64_t *k = en->key;
    int n = (int)k[0], p = 1;
    for (int i = 0; i < n; i++) {
        int kind = (int)k[p++];
        cg_buf_puts(b, i ? ", " : "(");
        if (kind == RT_TENSOR) {
            int64_t w = k[p++];
            int dt = (int)(w & 0xff), nd = (int)((w >> 8) & 0xff);
            const rt_dtype_info *di = rt_dtype_get(dt);
            cg_buf_printf(b, "%s[", di ? di->name : "?");
            for (int d = 0; d < nd; d++)
                cg_buf_printf(b, "%s%lld", d ? ", " : "", (long long)k[p++]);
            cg_buf_printf(b, "]%s", (w >> 16) & 1 ? "" : " strided");
        } else if (kind == RT_INT) {
            cg_buf_printf(b, "int=%lld", (long long)k[p++]);
        } else if (kind == RT_BOOL) {
            cg_buf_printf(b, "bool=%s", k[p++] ? "true" : "false");
        } else {
            cg_buf_printf(b, "%s", kind == RT_OBJECT && i == 0 ? "self" : rt_kind_name((rt_kind)kind));
        }
    }
    cg_buf_puts(b, ")");
}

int cg_method_cache_describe(cg_method *m, char **text, rt_err *e)
{
    cg_buf b = {0};
    cg_stats st;
    cg_method_stats(m, &st);
    cg_buf_printf(&b, "%s: %d/%d entries; calls %llu, hits %llu, misses %llu, compiles %llu, "
                      "failed %llu, interpreter calls %llu (%llu warming up), evictions %llu, "
                      "compile %.2f ms; a signature is compiled at its call %d\n",
                  m->fn->qualname ? m->fn->qualname : m->fn->name, st.entries, m->cap,
                  (unsigned long long)st.calls, (unsigned long long)st.hits,
                  (unsigned long long)st.misses, (unsigned long long)st.compiles,
                  (unsigned long long)st.compile_failures, (unsigned long long)st.interp_calls,
                  (unsigned long long)st.warmup_calls, (unsigned long long)st.evictions,
                  st.compile_seconds * 1e3, st.threshold);
    pthread_rwlock_rdlock(&m->lock);
    for (int i = 0; i < m->n; i++) {
        const cg_entry *en = m->entries[i];
        cg_buf_printf(&b, "  [%d] ", i);
        key_text(&b, en);
        if (en->warming)
            cg_buf_printf(&b, "  warming up (interpreter): %u of %u call(s)",
                          atomic_load(&en->seen), atomic_load(&m->threshold));
        else if (en->interp_only)
            cg_buf_printf(&b, "  interpreter (%s)", en->why);
        else
            cg_buf_printf(&b, "  compiled in %.2f ms, %u fused group(s), %u kernel call site(s), "
                              "arena %zu B",
                          en->times.total * 1e3, en->spec->ngroups, en->spec->n_fallback,
                          en->spec->arena_size);
        cg_buf_printf(&b, "; hits %llu\n", entry_hits(m->entries[i]));
    }
    pthread_rwlock_unlock(&m->lock);
    if (b.oom) {
        free(b.s);
        return rt_err_nomem(e);
    }
    *text = b.s;
    return 0;
}

void cg_describe_spec(cg_buf *b, const cg_spec *s);

int cg_method_describe(cg_method *m, const rt_value *args, int nargs, char **text, rt_err *e)
{
    *text = NULL;
    cg_buf b = {0};
    char sig[2048];
    cg_buf_printf(&b, "method %s\nsignature (%s)\n", m->fn->qualname ? m->fn->qualname : "?",
                  sig_text(args, nargs, sig, sizeof sig));
    const ir_block *body = &m->fn->graph->blocks[0];
    if ((uint32_t)nargs != body->nparams) {
        free(b.s);
        return rt_err_set(e, TSJ_ERR_TYPE, "graph takes %u arguments, got %d", body->nparams,
                          nargs);
    }
    cg_spec *s = NULL;
    cg_code code = {0};
    cg_times t;
    rt_err ce;
    rt_err_clear(&ce);
    int rc = build(m, args, nargs, true, &s, &code, &t, &ce);
    cg_buf_printf(&b, "target %s\n", cg_jit_target());
    if (rc)
        cg_buf_printf(&b, "result: runs in the interpreter: %s\n", ce.msg);
    else
        cg_buf_printf(&b, "result: compiled\n");
    cg_buf_printf(&b,
                  "compile time: specialize %.3f ms, fuse+plan %.3f ms, LLVM set-up %.3f ms, emit %.3f ms, "
                  "optimize %.3f ms, codegen+link %.3f ms, total %.3f ms\n",
                  t.spec * 1e3, t.fuse * 1e3, t.init * 1e3, t.emit * 1e3, t.opt * 1e3, t.jit * 1e3,
                  t.total * 1e3);
    if (s && s->group_of)
        cg_describe_spec(&b, s);
    if (code.llvm_ir)
        cg_buf_printf(&b, "\n== LLVM IR (optimized) ==\n%s", code.llvm_ir);
    if (code.asm_text)
        cg_buf_printf(&b, "\n== assembly ==\n%s", code.asm_text);
    cg_code_free(&code);
    cg_spec_free(s);
    if (b.oom) {
        free(b.s);
        return rt_err_nomem(e);
    }
    *text = b.s;
    return 0;
}
