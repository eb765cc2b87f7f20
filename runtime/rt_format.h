/*
 * rt_format.h — values to text, the way PyTorch 1.13 prints them.
 *
 * Two styles:
 *   RT_FMT_TS  what TorchScript's own `str(x)` / `"{}".format(x)` produce
 *              (C++ IValue printing): floats with 17 significant digits and
 *              integral ones as "2." ("0.10000000000000001", "1e+20"), strings
 *              unquoted also inside containers ("[a, b]", "{k: 1}"),
 *              tuples "(1,)" and tensors as at::print draws them
 *              (" 1  2\n[ CPUFloatType{1,2} ]").
 *   RT_FMT_PY  what Python's print() shows (for the REPL): shortest
 *              round-trip floats ("0.1", "1e-05", "2.0"), strings quoted
 *              inside containers (repr) but not at the top level,
 *              and tensors as torch._tensor_str draws them
 *              ("tensor([[1.0000, 2.5000]])", summarized with "..." beyond
 *              1000 elements, ", dtype=torch.float64" when not default).
 * Text is appended to a growable buffer; every function returns 0, or -1
 * with e set (only out of memory).
 */
#ifndef RT_FORMAT_H
#define RT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "rt_tensor.h"
#include "rt_value.h"

typedef enum rt_fmt_style { RT_FMT_TS = 0, RT_FMT_PY = 1 } rt_fmt_style;

/* A growable NUL-terminated text buffer. Zero-initialize ({0}) to start;
 * rt_sb_free releases it. `data` is NULL until something is appended. */
typedef struct rt_sb {
    char *data;
    size_t len, cap;
} rt_sb;

int rt_sb_append(rt_sb *sb, const char *s, size_t n, rt_err *e);
int rt_sb_puts(rt_sb *sb, const char *s, rt_err *e);
int rt_sb_printf(rt_sb *sb, rt_err *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rt_sb_free(rt_sb *sb);
/* Moves the text into a new string value (the buffer is emptied). */
int rt_sb_to_value(rt_sb *sb, rt_value *out, rt_err *e);

/* Appends the text of any value. */
int rt_format_value(rt_sb *sb, rt_value v, rt_fmt_style style, rt_err *e);
/* A new string value with the text of v (aten::str uses RT_FMT_TS). */
int rt_format_to_str(rt_value v, rt_fmt_style style, rt_value *out, rt_err *e);
/* One float into buf (at least 32 bytes): "0.5", "2.", "1e+20" (TS) or
 * "0.5", "2.0", "1e+20" (PY); returns buf. */
const char *rt_format_double(double d, rt_fmt_style style, char *buf, size_t size);
/* A tensor alone (same as rt_format_value on a tensor value). */
int rt_format_tensor(rt_sb *sb, const rt_tensor *t, rt_fmt_style style, rt_err *e);
/* Python's str.format subset TorchScript supports: each "{}" takes the
 * next argument (RT_FMT_TS text); other text is copied. Errors like
 * PyTorch: "Too few arguments for format string: <fmt>"; extra arguments
 * are ignored. */
int rt_format_python(const char *fmt, const rt_value *args, int nargs, rt_value *out, rt_err *e);

#endif /* RT_FORMAT_H */
