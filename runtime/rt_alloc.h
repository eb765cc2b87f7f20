/*
 * rt_alloc.h — the tensor buffer allocator: 64-byte aligned blocks, with a
 * bounded cache of large freed blocks by size class so that the same call
 * repeated does not map and fault in fresh pages each time (glibc returns
 * large blocks to the kernel on free). Thread-safe.
 */
#ifndef RT_ALLOC_H
#define RT_ALLOC_H

#include <stddef.h>

/* A block of at least nbytes (its real capacity in *cap), not zeroed;
 * NULL when memory runs out. */
void *rt_buf_alloc(size_t nbytes, size_t *cap);
/* Returns a block from rt_buf_alloc with the capacity it reported. */
void rt_buf_free(void *p, size_t cap);
/* Frees every cached block (tests, memory pressure). */
void rt_buf_trim(void);
/* Bytes currently held in the cache. */
size_t rt_buf_cached_bytes(void);

#endif /* RT_ALLOC_H */
