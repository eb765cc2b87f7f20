/* rt_alloc.c — aligned tensor buffers with a bounded free-block cache.
 * Blocks of 16 KiB and more are rounded up to one of four size classes per
 * power of two and kept on a per-class free list when freed, up to
 * CACHE_MAX_BYTES in all and CLASS_MAX_BLOCKS per class. */
#include "rt_alloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define ALIGN 64
#define CACHE_MIN ((size_t)16 << 10)
#define CACHE_MAX_BYTES ((size_t)256 << 20)
#define CLASS_MAX_BLOCKS 8
#define NCLASSES (4 * 48)

typedef struct free_block {
    struct free_block *next;
} free_block;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static free_block *lists[NCLASSES];
static int counts[NCLASSES];
static size_t cached;

/* Size class of n >= CACHE_MIN and its capacity. */
static int size_class(size_t n, size_t *cap)
{
    int k = 63 - __builtin_clzll((unsigned long long)n); /* 2^k <= n */
    size_t base = (size_t)1 << k, step = base / 4;
    size_t j = (n - base + step - 1) / step; /* 0..4 */
    if (j == 4) {
        k++;
        j = 0;
        base <<= 1;
        step = base / 4;
    }
    *cap = base + j * step;
    int c = (k - 14) * 4 + (int)j;
    return c >= 0 && c < NCLASSES ? c : -1;
}

void *rt_buf_alloc(size_t nbytes, size_t *cap)
{
    size_t want = nbytes ? nbytes : 1;
    if (want >= CACHE_MIN) {
        size_t ccap;
        int c = size_class(want, &ccap);
        if (c >= 0) {
            pthread_mutex_lock(&lock);
            free_block *b = lists[c];
            if (b) {
                lists[c] = b->next;
                counts[c]--;
                cached -= ccap;
            }
            pthread_mutex_unlock(&lock);
            *cap = ccap;
            return b ? (void *)b : aligned_alloc(ALIGN, ccap);
        }
    }
    want = (want + ALIGN - 1) / ALIGN * ALIGN;
    *cap = want;
    return aligned_alloc(ALIGN, want);
}

void rt_buf_free(void *p, size_t cap)
{
    if (!p)
        return;
    if (cap >= CACHE_MIN) {
        size_t ccap;
        int c = size_class(cap, &ccap);
        if (c >= 0 && ccap == cap) {
            pthread_mutex_lock(&lock);
            if (counts[c] < CLASS_MAX_BLOCKS && cached + cap <= CACHE_MAX_BYTES) {
                free_block *b = p;
                b->next = lists[c];
                lists[c] = b;
                counts[c]++;
                cached += cap;
                p = NULL;
            }
            pthread_mutex_unlock(&lock);
        }
    }
    free(p);
}

void rt_buf_trim(void)
{
    pthread_mutex_lock(&lock);
    for (int c = 0; c < NCLASSES; c++) {
        while (lists[c]) {
            free_block *b = lists[c];
            lists[c] = b->next;
            free(b);
        }
        counts[c] = 0;
    }
    cached = 0;
    pthread_mutex_unlock(&lock);
}

size_t rt_buf_cached_bytes(void)
{
    pthread_mutex_lock(&lock);
    size_t n = cached;
    pthread_mutex_unlock(&lock);
    return n;
}
