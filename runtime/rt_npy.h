/*
 * rt_npy.h — NumPy .npy files: format versions 1.0-3.0, little-endian,
 * C and Fortran order, every dtype tsjit and NumPy share (bool, uint8,
 * int8/16/32/64, float16/32/64), 0-dim arrays. Malformed input (bad magic,
 * header, shape or length) gets a clear error.
 */
#ifndef RT_NPY_H
#define RT_NPY_H

#include <stddef.h>

#include "rt_tensor.h"

/* Parses .npy bytes into a new contiguous tensor. `name` labels errors. */
rt_tensor *rt_npy_parse(const void *data, size_t size, const char *name, rt_err *e);
rt_tensor *rt_npy_load(const char *path, rt_err *e);
/* Writes format 1.0, C order (any tensor; strided ones are copied). */
int rt_npy_save(const rt_tensor *t, const char *path, rt_err *e);
/* The same into a malloc'd buffer. */
int rt_npy_encode(const rt_tensor *t, void **data, size_t *size, rt_err *e);

#endif /* RT_NPY_H */
