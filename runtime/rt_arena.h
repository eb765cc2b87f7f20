/*
 * rt_arena.h — bump allocators with one lifetime: everything allocated from
 * an arena is freed at once by rt_arena_free (the AST of one load, the
 * nodes of one graph, the types of one model). Allocation returns NULL
 * only when memory runs out.
 */
#ifndef RT_ARENA_H
#define RT_ARENA_H

#include <stddef.h>

typedef struct rt_arena_chunk rt_arena_chunk;

typedef struct rt_arena {
    rt_arena_chunk *head;
    size_t used_total; /* bytes handed out, for statistics */
} rt_arena;

void rt_arena_init(rt_arena *a);
void rt_arena_free(rt_arena *a);
/* 16-byte aligned, zeroed. */
void *rt_arena_alloc(rt_arena *a, size_t size);
char *rt_arena_strdup(rt_arena *a, const char *s);
char *rt_arena_strndup(rt_arena *a, const char *s, size_t n);
/* printf into the arena. */
char *rt_arena_printf(rt_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Growable array of elements of `elem` bytes living in an arena. */
#define RT_ARENA_NEW(a, T) ((T *)rt_arena_alloc((a), sizeof(T)))
#define RT_ARENA_ARRAY(a, T, n) ((T *)rt_arena_alloc((a), sizeof(T) * (size_t)(n)))

#endif /* RT_ARENA_H */
