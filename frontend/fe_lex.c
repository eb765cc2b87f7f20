/*
 * fe_lex.c — tokenizer for TorchScript source (see fe_lex.h): layout
 * tokens (NEWLINE/INDENT/DEDENT), names and keywords, numbers, decoded
 * string literals, punctuators, and the shared error formatter that quotes
 * the source line with a caret.
 *
 * String literals are byte strings, as in TorchScript: `\xNN` and `\ooo`
 * give one byte, `\uNNNN` / `\UNNNNNNNN` give the UTF-8 encoding.
 */
#include "fe_lex.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fe_tok_names[] = {
#define FE_X(name, spelling) spelling,
    FE_TOKEN_LIST(FE_X)
#undef FE_X
};

const char *fe_tok_name(fe_tok_kind k)
{
    if ((int)k < 0 || k >= FE_TK_COUNT)
        return "?";
    return fe_tok_names[k];
}

/* ---- error text ---- */

static size_t fe_utf8_len(const unsigned char *p, const unsigned char *end);

/* Appends the quoted source line and the caret line for `loc`. Long lines
 * are shown as a window around the column; control bytes print as ' '. */
static void fe_quote_line(char *out, size_t cap, const char *src, size_t len, rt_loc loc)
{
    if (loc.line <= 0 || !src)
        return;
    const char *p = src, *end = src + len;
    for (int l = 1; l < loc.line && p < end; p++)
        if (*p == '\n' || (*p == '\r' && (p + 1 >= end || p[1] != '\n')))
            l++;
    const char *eol = p;
    while (eol < end && *eol != '\n' && *eol != '\r')
        eol++;
    size_t linelen = (size_t)(eol - p);
    size_t col = loc.col > 0 ? (size_t)loc.col - 1 : 0;
    if (col > linelen)
        col = linelen;
    enum { WINDOW = 160, BEFORE = 80 };
    size_t from = 0;
    if (linelen > WINDOW && col > BEFORE)
        from = col - BEFORE;
    size_t to = linelen - from > WINDOW ? from + WINDOW : linelen;
    size_t n = strlen(out);
    if (n + 1 >= cap)
        return;
    out[n++] = '\n';
    for (size_t i = from; i < to && n + 1 < cap;) {
        unsigned char c = (unsigned char)p[i];
        size_t u = fe_utf8_len((const unsigned char *)p + i, (const unsigned char *)p + to);
        if (u > 1 && n + u < cap) { /* valid multi-byte character: kept */
            memcpy(out + n, p + i, u);
            n += u;
            i += u;
            continue;
        }
        out[n++] = (c < 0x20 || c == 0x7f) ? ' ' : c >= 0x80 ? '?' : (char)c;
        i++;
    }
    if (n + 1 < cap)
        out[n++] = '\n';
    for (size_t i = from; i < col && n + 1 < cap;) { /* one column per shown character */
        size_t u = fe_utf8_len((const unsigned char *)p + i, (const unsigned char *)p + to);
        i += u > 1 ? u : 1;
        out[n++] = ' ';
    }
    if (n + 1 < cap)
        out[n++] = '^';
    out[n] = '\0';
}

static int fe_verror(rt_err *e, tsj_status st, const char *src, size_t len, rt_loc loc,
                     const char *fmt, va_list ap)
{
    if (!e)
        return -1;
    char msg[RT_ERR_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    rt_err_set(e, st, "%s:%d:%d: error: %s", loc.file ? loc.file : "<source>", loc.line,
               loc.col, msg);
    fe_quote_line(e->msg, sizeof e->msg, src, len, loc);
    rt_err_at(e, loc);
    return -1;
}

int fe_lex_error(rt_err *e, tsj_status st, const char *src, size_t len, rt_loc loc,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fe_verror(e, st, src, len, loc, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- lexer state ---- */

void fe_lex_init(fe_lexer *lx, rt_arena *a, const char *file, const char *src, size_t len,
                 rt_err *e)
{
    memset(lx, 0, sizeof *lx);
    lx->arena = a;
    lx->err = e;
    lx->file = file;
    lx->src = src;
    lx->end = src + len;
    lx->p = src;
    if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3)) /* UTF-8 byte order mark */
        lx->p += 3;
    lx->line = 1;
    lx->line_start = lx->p;
    lx->at_line_start = true;
    lx->indents[0] = 0;
    lx->nindents = 1;
    lx->last_was_newline = true;
    lx->c_locale = (void *)newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

void fe_lex_fini(fe_lexer *lx)
{
    if (lx->c_locale)
        freelocale((locale_t)lx->c_locale);
    lx->c_locale = NULL;
}

static rt_loc fe_lex_loc(const fe_lexer *lx, const char *at)
{
    rt_loc l = {lx->file, lx->line, (int)(at - lx->line_start) + 1};
    return l;
}

static int fe_lex_fail(fe_lexer *lx, tsj_status st, rt_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fe_lex_fail(fe_lexer *lx, tsj_status st, rt_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fe_verror(lx->err, st, lx->src, (size_t)(lx->end - lx->src), loc, fmt, ap);
    va_end(ap);
    return -1;
}

/* Consumes one line break at p (\n, \r\n or \r). */
static void fe_lex_newline(fe_lexer *lx)
{
    if (*lx->p == '\r' && lx->p + 1 < lx->end && lx->p[1] == '\n')
        lx->p++;
    lx->p++;
    lx->line++;
    lx->line_start = lx->p;
}

static bool fe_is_nl(char c) { return c == '\n' || c == '\r'; }
static bool fe_is_digit(char c) { return c >= '0' && c <= '9'; }
static bool fe_is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool fe_is_ident(char c) { return fe_is_ident_start(c) || fe_is_digit(c); }

static int fe_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reports a character that starts no token. */
static int fe_lex_bad_char(fe_lexer *lx)
{
    unsigned char c = (unsigned char)*lx->p;
    rt_loc loc = fe_lex_loc(lx, lx->p);
    if (c == 0)
        return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "source contains a NUL byte");
    if (c >= 0x80)
        return fe_lex_fail(lx, TSJ_ERR_UNSUPPORTED, loc,
                           "non-ASCII character outside a string literal");
    if (c < 0x20 || c == 0x7f)
        return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "unexpected character '\\x%02x'", c);
    return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "unexpected character '%c'", c);
}

/* Skips spaces, comments and `\` continuations inside a logical line, and
 * line breaks too while brackets are open. */
static int fe_lex_skip_space(fe_lexer *lx)
{
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == ' ' || c == '\t' || c == '\f') {
            lx->p++;
        } else if (c == '#') {
            while (lx->p < lx->end && !fe_is_nl(*lx->p)) {
                if (*lx->p == '\0')
                    return fe_lex_bad_char(lx);
                lx->p++;
            }
        } else if (c == '\\') {
            if (lx->p + 1 >= lx->end)
                return fe_lex_fail(lx, TSJ_ERR_FORMAT, fe_lex_loc(lx, lx->p),
                                   "unexpected end of file after line continuation");
            if (!fe_is_nl(lx->p[1]))
                return fe_lex_fail(lx, TSJ_ERR_FORMAT, fe_lex_loc(lx, lx->p),
                                   "unexpected character after line continuation");
            lx->p++;
            fe_lex_newline(lx);
        } else if (fe_is_nl(c) && lx->nbrackets > 0) {
            fe_lex_newline(lx);
        } else {
            break;
        }
    }
    return 0;
}

/* At the start of a logical line: skips blank and comment-only lines and
 * measures the indentation of the next one. Returns its width, or -2 at
 * end of input, -1 on error. */
static int fe_lex_measure_indent(fe_lexer *lx)
{
    for (;;) {
        int width = 0;
        while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\f')) {
            width = *lx->p == ' ' ? width + 1 : 0;
            lx->p++;
            if (width > 1000000)
                return fe_lex_fail(lx, TSJ_ERR_LIMIT, fe_lex_loc(lx, lx->p),
                                   "indentation too wide");
        }
        if (lx->p >= lx->end)
            return -2;
        char c = *lx->p;
        if (c == '\t')
            return fe_lex_fail(lx, TSJ_ERR_UNSUPPORTED, fe_lex_loc(lx, lx->p),
                               "tab in indentation is not supported (use spaces)");
        if (c == '#') {
            while (lx->p < lx->end && !fe_is_nl(*lx->p)) {
                if (*lx->p == '\0')
                    return fe_lex_bad_char(lx);
                lx->p++;
            }
            if (lx->p >= lx->end)
                return -2;
        }
        if (fe_is_nl(*lx->p)) {
            fe_lex_newline(lx);
            continue;
        }
        return width;
    }
}

static void fe_tok_layout(fe_lexer *lx, fe_token *t, fe_tok_kind k, rt_loc loc)
{
    memset(t, 0, sizeof *t);
    t->kind = k;
    t->loc = loc;
    lx->last_was_newline = true;
}

/* ---- numbers ---- */

/* number = decimal | "0x" hex | "0o" oct | "0b" bin | float, with "_"
 * between digits; float = digits "." digits? exp? | "." digits exp? |
 * digits exp; exp = ("e"|"E") ("+"|"-")? digits */
static int fe_lex_number(fe_lexer *lx, fe_token *t)
{
    const char *s = lx->p, *q = s;
    rt_loc loc = fe_lex_loc(lx, s);
    int base = 10;
    bool is_float = false;
    if (q[0] == '0' && q + 1 < lx->end) {
        char b = q[1];
        if (b == 'x' || b == 'X')
            base = 16;
        else if (b == 'o' || b == 'O')
            base = 8;
        else if (b == 'b' || b == 'B')
            base = 2;
        if (base != 10)
            q += 2;
    }
    uint64_t v = 0;
    bool overflow = false;
    int ndigits = 0;
    bool nonzero = false;
    for (;;) {
        if (q < lx->end && *q == '_' && ndigits > 0 && q + 1 < lx->end &&
            fe_hexval(q[1]) >= 0 && fe_hexval(q[1]) < base) {
            q++;
            continue;
        }
        if (q >= lx->end)
            break;
        int d = fe_hexval(*q);
        if (d < 0 || d >= base)
            break;
        if (d)
            nonzero = true;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            overflow = true;
        else
            v = v * (uint64_t)base + (uint64_t)d;
        ndigits++;
        q++;
    }
    if (base != 10) {
        if (ndigits == 0)
            return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "invalid number literal");
    } else {
        if (q < lx->end && *q == '.') {
            is_float = true;
            q++;
            while (q < lx->end && (fe_is_digit(*q) ||
                                   (*q == '_' && fe_is_digit(q[-1]) && q + 1 < lx->end &&
                                    fe_is_digit(q[1]))))
                q++;
        }
        if (q < lx->end && (*q == 'e' || *q == 'E')) {
            const char *e = q + 1;
            if (e < lx->end && (*e == '+' || *e == '-'))
                e++;
            if (e >= lx->end || !fe_is_digit(*e))
                return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "invalid number literal");
            while (e < lx->end && (fe_is_digit(*e) || (*e == '_' && e + 1 < lx->end &&
                                                        fe_is_digit(e[1]))))
                e++;
            q = e;
            is_float = true;
        }
    }
    if (q < lx->end && (*q == 'j' || *q == 'J'))
        return fe_lex_fail(lx, TSJ_ERR_UNSUPPORTED, loc, "complex literals are not supported");
    if (q < lx->end && (fe_is_ident(*q) || (*q == '.' && !is_float && base == 10)))
        return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "invalid number literal");
    memset(t, 0, sizeof *t);
    t->start = s;
    t->len = (size_t)(q - s);
    t->loc = loc;
    if (is_float) {
        char small[128], *buf = small;
        if (t->len >= sizeof small) {
            buf = rt_arena_alloc(lx->arena, t->len + 1);
            if (!buf)
                return rt_err_nomem(lx->err);
        }
        size_t n = 0;
        for (const char *c = s; c < q; c++)
            if (*c != '_')
                buf[n++] = *c;
        buf[n] = '\0';
        t->kind = FE_TK_FLOAT;
        t->v.fval = lx->c_locale ? strtod_l(buf, NULL, (locale_t)lx->c_locale)
                                 : strtod(buf, NULL);
    } else {
        if (base == 10 && s[0] == '0' && nonzero)
            return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc,
                               "leading zeros in decimal integer literals are not permitted");
        if (overflow || v > (uint64_t)INT64_MAX + 1)
            return fe_lex_fail(lx, TSJ_ERR_UNSUPPORTED, loc,
                               "integer literal does not fit in 64 bits");
        t->kind = FE_TK_INT;
        t->v.ival = v;
    }
    lx->p = q;
    return 0;
}

/* ---- strings ---- */

typedef struct fe_sbuf {
    rt_arena *a;
    char *s;
    size_t n, cap;
} fe_sbuf;

static int fe_sbuf_put(fe_sbuf *b, const char *data, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *s = rt_arena_alloc(b->a, cap);
        if (!s)
            return -1;
        if (b->n)
            memcpy(s, b->s, b->n);
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->n, data, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

static int fe_sbuf_putc(fe_sbuf *b, unsigned c)
{
    char ch = (char)(unsigned char)c;
    return fe_sbuf_put(b, &ch, 1);
}

static int fe_sbuf_utf8(fe_sbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return fe_sbuf_put(b, u, n);
}

/* Length of the valid UTF-8 sequence at p (1..4), 0 when invalid. */
static size_t fe_utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        n = 2, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        n = 3, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
        n = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* string = prefix? (' chars ' | " chars " | ''' chars ''' | """ chars """)
 * prefix = r | R | u | U; the body starts at lx->p (the quote). */
static int fe_lex_string(fe_lexer *lx, fe_token *t, const char *tok_start, bool raw)
{
    rt_loc loc = fe_lex_loc(lx, tok_start);
    char q = *lx->p;
    bool triple = lx->end - lx->p >= 3 && lx->p[1] == q && lx->p[2] == q;
    lx->p += triple ? 3 : 1;
    fe_sbuf b = {lx->arena, NULL, 0, 0};
    if (fe_sbuf_put(&b, "", 0) < 0)
        return rt_err_nomem(lx->err);
    for (;;) {
        if (lx->p >= lx->end)
            return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "unterminated string literal");
        char c = *lx->p;
        if (c == q) {
            if (!triple) {
                lx->p++;
                break;
            }
            if (lx->end - lx->p >= 3 && lx->p[1] == q && lx->p[2] == q) {
                lx->p += 3;
                break;
            }
        }
        if (c == '\0')
            return fe_lex_bad_char(lx);
        if (fe_is_nl(c)) {
            if (!triple)
                return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "unterminated string literal");
            fe_lex_newline(lx);
            if (fe_sbuf_putc(&b, '\n') < 0)
                return rt_err_nomem(lx->err);
            continue;
        }
        if (c == '\\' && lx->p + 1 < lx->end) {
            const char *esc = lx->p;
            char d = lx->p[1];
            if (fe_is_nl(d)) { /* backslash-newline: both dropped (raw: kept) */
                lx->p++;
                if (raw && fe_sbuf_put(&b, "\\\n", 2) < 0)
                    return rt_err_nomem(lx->err);
                fe_lex_newline(lx);
                continue;
            }
            if (raw) { /* raw: backslash kept, next char never ends the string */
                if (fe_sbuf_put(&b, lx->p, 2) < 0)
                    return rt_err_nomem(lx->err);
                lx->p += 2;
                continue;
            }
            int out = -1; /* single byte result */
            int ndig = 0;
            lx->p += 2;
            switch (d) {
            case '\\': out = '\\'; break;
            case '\'': out = '\''; break;
            case '"': out = '"'; break;
            case 'a': out = 7; break;
            case 'b': out = 8; break;
            case 'f': out = 12; break;
            case 'n': out = '\n'; break;
            case 'r': out = '\r'; break;
            case 't': out = '\t'; break;
            case 'v': out = 11; break;
            case 'x': ndig = 2; break;
            case 'u': ndig = 4; break;
            case 'U': ndig = 8; break;
            case 'N':
                return fe_lex_fail(lx, TSJ_ERR_UNSUPPORTED, fe_lex_loc(lx, esc),
                                   "\\N{...} escapes are not supported");
            default:
                if (d >= '0' && d <= '7') {
                    unsigned v = (unsigned)(d - '0');
                    for (int i = 0; i < 2 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7';
                         i++)
                        v = v * 8 + (unsigned)(*lx->p++ - '0');
                    if (v > 0xff)
                        return fe_lex_fail(lx, TSJ_ERR_UNSUPPORTED, fe_lex_loc(lx, esc),
                                           "octal escape above \\377 is not supported");
                    out = (int)v;
                } else {
                    /* unknown escape: kept as written, like Python */
                    lx->p = esc + 1;
                    out = '\\';
                }
            }
            if (ndig) {
                uint32_t v = 0;
                for (int i = 0; i < ndig; i++) {
                    int h = lx->p < lx->end ? fe_hexval(*lx->p) : -1;
                    if (h < 0)
                        return fe_lex_fail(lx, TSJ_ERR_FORMAT, fe_lex_loc(lx, esc),
                                           "truncated \\%c escape", d);
                    v = v * 16 + (uint32_t)h;
                    lx->p++;
                }
                if (d == 'x') {
                    out = (int)v;
                } else {
                    if (v > 0x10ffff)
                        return fe_lex_fail(lx, TSJ_ERR_FORMAT, fe_lex_loc(lx, esc),
                                           "\\%c escape out of range", d);
                    if (v >= 0xd800 && v <= 0xdfff)
                        return fe_lex_fail(lx, TSJ_ERR_UNSUPPORTED, fe_lex_loc(lx, esc),
                                           "surrogate code point in \\%c escape", d);
                    if (fe_sbuf_utf8(&b, v) < 0)
                        return rt_err_nomem(lx->err);
                    continue;
                }
            }
            if (fe_sbuf_putc(&b, (unsigned)out) < 0)
                return rt_err_nomem(lx->err);
            continue;
        }
        /* a run of ordinary bytes, checked as UTF-8 */
        size_t n = fe_utf8_len((const unsigned char *)lx->p, (const unsigned char *)lx->end);
        if (n == 0)
            return fe_lex_fail(lx, TSJ_ERR_FORMAT, fe_lex_loc(lx, lx->p),
                               "invalid UTF-8 in string literal");
        if (fe_sbuf_put(&b, lx->p, n) < 0)
            return rt_err_nomem(lx->err);
        lx->p += n;
    }
    memset(t, 0, sizeof *t);
    t->kind = FE_TK_STRING;
    t->start = tok_start;
    t->len = (size_t)(lx->p - tok_start);
    t->loc = loc;
    t->v.str.s = b.s;
    t->v.str.len = b.n;
    return 0;
}

/* ---- tokens ---- */

static int fe_lex_bracket(fe_lexer *lx, fe_tok_kind k, rt_loc loc)
{
    if (k == FE_TK_LPAREN || k == FE_TK_LBRACKET || k == FE_TK_LBRACE) {
        if (lx->nbrackets >= FE_MAX_DEPTH)
            return fe_lex_fail(lx, TSJ_ERR_LIMIT, loc, "nesting too deep (more than %d levels)",
                               FE_MAX_DEPTH);
        lx->brackets[lx->nbrackets] = k;
        lx->bracket_locs[lx->nbrackets] = loc;
        lx->nbrackets++;
        return 0;
    }
    if (k == FE_TK_RPAREN || k == FE_TK_RBRACKET || k == FE_TK_RBRACE) {
        fe_tok_kind open = k == FE_TK_RPAREN     ? FE_TK_LPAREN
                           : k == FE_TK_RBRACKET ? FE_TK_LBRACKET
                                                 : FE_TK_LBRACE;
        if (lx->nbrackets == 0)
            return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc, "unmatched '%s'", fe_tok_name(k));
        fe_tok_kind top = lx->brackets[lx->nbrackets - 1];
        if (top != open) {
            rt_loc ol = lx->bracket_locs[lx->nbrackets - 1];
            return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc,
                               "closing '%s' does not match '%s' at line %d col %d",
                               fe_tok_name(k), fe_tok_name(top), ol.line, ol.col);
        }
        lx->nbrackets--;
    }
    return 0;
}

int fe_lex_next(fe_lexer *lx, fe_token *t)
{
    if (lx->pending_dedents > 0) {
        lx->pending_dedents--;
        fe_tok_layout(lx, t, FE_TK_DEDENT, fe_lex_loc(lx, lx->p));
        return 0;
    }
    if (lx->at_line_start && lx->nbrackets == 0) {
        int width = fe_lex_measure_indent(lx);
        if (width == -1)
            return -1;
        lx->at_line_start = false;
        if (width >= 0) {
            int top = lx->indents[lx->nindents - 1];
            rt_loc loc = fe_lex_loc(lx, lx->p);
            if (width > top) {
                if (lx->nindents > FE_MAX_DEPTH)
                    return fe_lex_fail(lx, TSJ_ERR_LIMIT, loc,
                                       "nesting too deep (more than %d levels)", FE_MAX_DEPTH);
                lx->indents[lx->nindents++] = width;
                fe_tok_layout(lx, t, FE_TK_INDENT, loc);
                return 0;
            }
            if (width < top) {
                int n = 0;
                while (lx->nindents > 1 && lx->indents[lx->nindents - 1] > width) {
                    lx->nindents--;
                    n++;
                }
                if (lx->indents[lx->nindents - 1] != width)
                    return fe_lex_fail(lx, TSJ_ERR_FORMAT, loc,
                                       "unindent does not match any outer indentation level");
                lx->pending_dedents = n - 1;
                fe_tok_layout(lx, t, FE_TK_DEDENT, loc);
                return 0;
            }
        }
    }
    if (fe_lex_skip_space(lx) < 0)
        return -1;
    if (lx->p >= lx->end) {
        rt_loc loc = fe_lex_loc(lx, lx->p);
        if (lx->nbrackets > 0) {
            fe_tok_kind k = lx->brackets[lx->nbrackets - 1];
            return fe_lex_fail(lx, TSJ_ERR_FORMAT, lx->bracket_locs[lx->nbrackets - 1],
                               "'%s' was never closed", fe_tok_name(k));
        }
        if (!lx->last_was_newline) {
            fe_tok_layout(lx, t, FE_TK_NEWLINE, loc);
            return 0;
        }
        if (lx->nindents > 1) {
            lx->pending_dedents = lx->nindents - 2;
            lx->nindents = 1;
            fe_tok_layout(lx, t, FE_TK_DEDENT, loc);
            return 0;
        }
        fe_tok_layout(lx, t, FE_TK_EOF, loc);
        return 0;
    }
    const char *s = lx->p;
    rt_loc loc = fe_lex_loc(lx, s);
    char c = *s;
    if (fe_is_nl(c)) {
        fe_lex_newline(lx);
        lx->at_line_start = true;
        fe_tok_layout(lx, t, FE_TK_NEWLINE, loc);
        return 0;
    }
    lx->last_was_newline = false;
    if (fe_is_ident_start(c)) {
        const char *q = s;
        while (q < lx->end && fe_is_ident(*q))
            q++;
        size_t n = (size_t)(q - s);
        if (q < lx->end && (*q == '"' || *q == '\'') && n <= 2) {
            /* string prefixes: r and u are handled; b, f and their
             * combinations are valid Python but never TorchScript source */
            bool all_prefix = true;
            for (size_t i = 0; i < n; i++)
                if (!strchr("rRbBfFuU", s[i]))
                    all_prefix = false;
            if (n == 1 && strchr("rRuU", s[0])) {
                lx->p = q;
                return fe_lex_string(lx, t, s, s[0] == 'r' || s[0] == 'R');
            }
            if (all_prefix)
                return fe_lex_fail(lx, TSJ_ERR_UNSUPPORTED, loc,
                                   "string prefix '%.*s' is not supported", (int)n, s);
        }
        memset(t, 0, sizeof *t);
        t->kind = FE_TK_NAME;
        for (int k = FE_TK_KW_FIRST; k <= FE_TK_KW_LAST; k++) {
            const char *kw = fe_tok_names[k];
            if (strlen(kw) == n && memcmp(kw, s, n) == 0) {
                t->kind = (fe_tok_kind)k;
                break;
            }
        }
        t->start = s;
        t->len = n;
        t->loc = loc;
        lx->p = q;
        return 0;
    }
    if (fe_is_digit(c) || (c == '.' && s + 1 < lx->end && fe_is_digit(s[1])))
        return fe_lex_number(lx, t);
    if (c == '"' || c == '\'')
        return fe_lex_string(lx, t, s, false);
    size_t avail = (size_t)(lx->end - s);
    for (int k = FE_TK_P_FIRST; k < FE_TK_COUNT; k++) {
        const char *sp = fe_tok_names[k];
        size_t n = strlen(sp);
        if (n <= avail && memcmp(sp, s, n) == 0) {
            if (fe_lex_bracket(lx, (fe_tok_kind)k, loc) < 0)
                return -1;
            memset(t, 0, sizeof *t);
            t->kind = (fe_tok_kind)k;
            t->start = s;
            t->len = n;
            t->loc = loc;
            lx->p = s + n;
            return 0;
        }
    }
    return fe_lex_bad_char(lx);
}
