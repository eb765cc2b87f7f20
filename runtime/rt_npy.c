/* rt_npy.c — reading and writing NumPy .npy files (format 1.0-3.0). */
#include "rt_npy.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAX_HEADER (1u << 20)

typedef struct hdr {
    const char *p, *end;
    const char *name;
    rt_err *e;
} hdr;

static int bad(hdr *h, const char *what)
{
    return rt_err_set(h->e, TSJ_ERR_FORMAT, "%s: malformed .npy header: %s", h->name, what);
}

static void ws(hdr *h)
{
    while (h->p < h->end && (*h->p == ' ' || *h->p == '\n' || *h->p == '\t' || *h->p == '\r'))
        h->p++;
}

static bool eat(hdr *h, char c)
{
    ws(h);
    if (h->p < h->end && *h->p == c) {
        h->p++;
        return true;
    }
    return false;
}

/* 'text' or "text" into buf */
static int str_lit(hdr *h, char *buf, size_t size)
{
    ws(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return bad(h, "expected a string");
    char q = *h->p++;
    size_t n = 0;
    while (h->p < h->end && *h->p != q) {
        if (n + 1 >= size)
            return bad(h, "string too long");
        buf[n++] = *h->p++;
    }
    if (h->p >= h->end)
        return bad(h, "unterminated string");
    h->p++;
    buf[n] = '\0';
    return 0;
}

static rt_dtype descr_dtype(const char *d, bool *ok)
{
    *ok = true;
    char order = d[0];
    const char *t = d;
    if (order == '<' || order == '|' || order == '=')
        t = d + 1;
    else if (order == '>')
        t = NULL;
    static const struct { const char *code; rt_dtype dt; } map[] = {
        {"f4", RT_F32}, {"f8", RT_F64}, {"f2", RT_F16}, {"i8", RT_I64}, {"i4", RT_I32},
        {"i2", RT_I16}, {"i1", RT_I8},  {"u1", RT_U8},  {"b1", RT_BOOL_}, {"?", RT_BOOL_}};
    for (size_t i = 0; t && i < sizeof map / sizeof map[0]; i++) {
        if (!strcmp(t, map[i].code)) {
            /* a one-byte type may be '|' or '<'; wider big-endian is refused */
            return map[i].dt;
        }
    }
    if (order == '>' && (!strcmp(d + 1, "u1") || !strcmp(d + 1, "i1") || !strcmp(d + 1, "b1")))
        return !strcmp(d + 1, "u1") ? RT_U8 : !strcmp(d + 1, "i1") ? RT_I8 : RT_BOOL_;
    *ok = false;
    return RT_F32;
}

static int parse_header(hdr *h, rt_dtype *dtype, bool *fortran, int *ndim, int64_t *shape)
{
    bool have_descr = false, have_order = false, have_shape = false;
    if (!eat(h, '{'))
        return bad(h, "expected '{'");
    for (;;) {
        ws(h);
        if (eat(h, '}'))
            break;
        char key[32];
        if (str_lit(h, key, sizeof key))
            return -1;
        if (!eat(h, ':'))
            return bad(h, "expected ':'");
        if (!strcmp(key, "descr")) {
            char d[32];
            if (str_lit(h, d, sizeof d))
                return -1;
            bool ok;
            *dtype = descr_dtype(d, &ok);
            if (!ok)
                return rt_err_set(h->e, TSJ_ERR_FORMAT,
                                  "%s: unsupported .npy dtype '%s' (supported: little-endian "
                                  "bool, uint8, int8/16/32/64, float16/32/64)",
                                  h->name, d);
            have_descr = true;
        } else if (!strcmp(key, "fortran_order")) {
            ws(h);
            if ((size_t)(h->end - h->p) >= 4 && !strncmp(h->p, "True", 4)) {
                *fortran = true;
                h->p += 4;
            } else if ((size_t)(h->end - h->p) >= 5 && !strncmp(h->p, "False", 5)) {
                *fortran = false;
                h->p += 5;
            } else {
                return bad(h, "fortran_order must be True or False");
            }
            have_order = true;
        } else if (!strcmp(key, "shape")) {
            if (!eat(h, '('))
                return bad(h, "shape must be a tuple");
            *ndim = 0;
            for (;;) {
                ws(h);
                if (eat(h, ')'))
                    break;
                if (h->p >= h->end || !isdigit((unsigned char)*h->p))
                    return bad(h, "shape entries must be non-negative integers");
                if (*ndim == RT_MAX_DIMS)
                    return rt_err_set(h->e, TSJ_ERR_LIMIT,
                                      "%s: .npy array has more than %d dimensions", h->name,
                                      RT_MAX_DIMS);
                int64_t v = 0;
                while (h->p < h->end && isdigit((unsigned char)*h->p)) {
                    if (v > (INT64_MAX - 9) / 10)
                        return bad(h, "shape entry too large");
                    v = v * 10 + (*h->p++ - '0');
                }
                while (h->p < h->end && (*h->p == 'L'))
                    h->p++;
                shape[(*ndim)++] = v;
                if (!eat(h, ',')) {
                    if (!eat(h, ')'))
                        return bad(h, "expected ',' or ')' in shape");
                    break;
                }
            }
            have_shape = true;
        } else {
            return rt_err_set(h->e, TSJ_ERR_FORMAT, "%s: unknown .npy header key '%s'", h->name,
                              key);
        }
        if (!eat(h, ',')) {
            if (!eat(h, '}'))
                return bad(h, "expected ',' or '}'");
            break;
        }
    }
    if (!have_descr || !have_order || !have_shape)
        return bad(h, "missing 'descr', 'fortran_order' or 'shape'");
    return 0;
}

rt_tensor *rt_npy_parse(const void *data, size_t size, const char *name, rt_err *e)
{
    const unsigned char *b = data;
    if (size < 10 || memcmp(b, "\x93NUMPY", 6) != 0) {
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: not a .npy file (bad magic)", name);
        return NULL;
    }
    unsigned major = b[6], minor = b[7];
    size_t hlen, hstart;
    if (major == 1) {
        hlen = (size_t)b[8] | (size_t)b[9] << 8;
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (size < 12) {
            rt_err_set(e, TSJ_ERR_FORMAT, "%s: truncated .npy header", name);
            return NULL;
        }
        hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
        hstart = 12;
    } else {
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: unsupported .npy format version %u.%u", name, major,
                   minor);
        return NULL;
    }
    if (hlen > NPY_MAX_HEADER || hstart + hlen > size) {
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: .npy header length %zu exceeds the file", name, hlen);
        return NULL;
    }
    hdr h = {(const char *)b + hstart, (const char *)b + hstart + hlen, name, e};
    rt_dtype dtype = RT_F32;
    bool fortran = false;
    int ndim = 0;
    int64_t shape[RT_MAX_DIMS];
    if (parse_header(&h, &dtype, &fortran, &ndim, shape))
        return NULL;
    int64_t numel = rt_shape_numel(ndim, shape, e);
    if (numel < 0)
        return NULL;
    size_t esz = rt_dtype_size(dtype);
    size_t avail = size - hstart - hlen;
    if ((uint64_t)numel > avail / esz) {
        rt_err_set(e, TSJ_ERR_FORMAT,
                   "%s: .npy data holds %zu bytes but shape %s of %s needs %llu", name, avail,
                   rt_shape_str(ndim, shape, (char[128]){0}, 128), rt_dtype_get(dtype)->name,
                   (unsigned long long)numel * esz);
        return NULL;
    }
    if (avail != (size_t)numel * esz) {
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: .npy has %zu trailing bytes after its data", name,
                   avail - (size_t)numel * esz);
        return NULL;
    }
    rt_tensor *t = rt_tensor_empty(dtype, ndim, shape, e);
    if (!t)
        return NULL;
    const unsigned char *src = b + hstart + hlen;
    if (!fortran || ndim < 2) {
        if (numel)
            memcpy(rt_tensor_data(t), src, (size_t)numel * esz);
    } else {
        /* Fortran order: view the bytes with column-major strides, copy. */
        rt_storage tmp = {.data = (void *)src, .nbytes = (size_t)numel * esz};
        atomic_init(&tmp.refcount, 1);
        rt_tensor view = {.dtype = (int8_t)dtype, .ndim = (int8_t)ndim, .storage = &tmp};
        int64_t s = 1;
        for (int i = 0; i < ndim; i++) {
            view.shape[i] = shape[i];
            view.strides[i] = s;
            s *= shape[i] > 1 ? shape[i] : 1;
        }
        if (rt_tensor_copy_into(t, &view, e)) {
            rt_tensor_release(t);
            return NULL;
        }
    }
    if (dtype == RT_BOOL_) { /* normalize bytes to 0/1 */
        unsigned char *p = rt_tensor_data(t);
        for (int64_t i = 0; i < numel; i++)
            p[i] = p[i] != 0;
    }
    return t;
}

rt_tensor *rt_npy_load(const char *path, rt_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        rt_err_set(e, TSJ_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        rt_err_set(e, TSJ_ERR_IO, "%s: cannot seek", path);
        return NULL;
    }
    long len = ftell(f);
    rewind(f);
    if (len < 0) {
        fclose(f);
        rt_err_set(e, TSJ_ERR_IO, "%s: cannot read", path);
        return NULL;
    }
    void *buf = malloc(len ? (size_t)len : 1);
    if (!buf) {
        fclose(f);
        rt_err_nomem(e);
        return NULL;
    }
    size_t got = fread(buf, 1, (size_t)len, f);
    fclose(f);
    if (got != (size_t)len) {
        free(buf);
        rt_err_set(e, TSJ_ERR_IO, "%s: short read", path);
        return NULL;
    }
    rt_tensor *t = rt_npy_parse(buf, (size_t)len, path, e);
    free(buf);
    return t;
}

int rt_npy_encode(const rt_tensor *t, void **data, size_t *size, rt_err *e)
{
    const rt_dtype_info *di = rt_dtype_get(t->dtype);
    if (!di || !di->npy)
        return rt_err_set(e, TSJ_ERR_TYPE, "cannot write dtype %s to .npy (NumPy has no such type)",
                          di ? di->name : "?");
    char h[512];
    int n = snprintf(h, sizeof h, "{'descr': '%c%s', 'fortran_order': False, 'shape': (",
                     di->size == 1 ? '|' : '<', di->npy);
    for (int i = 0; i < t->ndim; i++)
        n += snprintf(h + n, sizeof h - (size_t)n, "%lld,%s", (long long)t->shape[i],
                      i + 1 < t->ndim ? " " : "");
    if (t->ndim > 1) /* Python writes "(3, 5)", and "(3,)" for one dim */
        n--;
    n += snprintf(h + n, sizeof h - (size_t)n, "), }");
    /* pad with spaces so that 10 + header + '\n' is a multiple of 64 */
    size_t total = 10 + (size_t)n + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)n + pad + 1;
    int64_t numel = rt_tensor_numel(t);
    size_t nbytes = (size_t)numel * di->size;
    unsigned char *buf = malloc(10 + hlen + nbytes);
    if (!buf)
        return rt_err_nomem(e);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8);
    memcpy(buf + 10, h, (size_t)n);
    memset(buf + 10 + n, ' ', pad);
    buf[10 + hlen - 1] = '\n';
    unsigned char *dst = buf + 10 + hlen;
    if (rt_tensor_is_contiguous(t)) {
        if (nbytes)
            memcpy(dst, rt_tensor_data(t), nbytes);
    } else {
        rt_iter it;
        rt_iter_init(&it, t->ndim, t->shape, t->strides);
        const char *src = rt_tensor_data(t);
        for (int64_t k = 0; k < numel; k++) {
            memcpy(dst + k * di->size, src + it.off * di->size, di->size);
            rt_iter_next(&it);
        }
    }
    *data = buf;
    *size = 10 + hlen + nbytes;
    return 0;
}

int rt_npy_save(const rt_tensor *t, const char *path, rt_err *e)
{
    void *buf;
    size_t size;
    if (rt_npy_encode(t, &buf, &size, e))
        return -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(buf);
        return rt_err_set(e, TSJ_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    size_t put = fwrite(buf, 1, size, f);
    free(buf);
    if (fclose(f) != 0 || put != size)
        return rt_err_set(e, TSJ_ERR_IO, "%s: write failed", path);
    return 0;
}
