/* tool_args.c — the ARG syntax of the command-line contract:
 *   arg  = "[" (arg ("," arg)*)? "]" | "(" (arg ("," arg)*)? ")" | atom
 *   atom = PATH.npy | INT | FLOAT | true | false | none
 * Nesting is allowed; no spaces inside. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

typedef struct argp {
    const char *text;
    size_t pos;
    char *msg;
    size_t msg_size;
    int usage;
    int depth;
} argp;

static bool is_int(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* [+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)? containing '.' or 'e' */
static bool is_float(const char *s)
{
    if (!strpbrk(s, ".eE"))
        return false;
    if (*s == '+' || *s == '-')
        s++;
    size_t before = 0, after = 0;
    while (isdigit((unsigned char)*s)) {
        s++;
        before++;
    }
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s)) {
            s++;
            after++;
        }
    }
    if (!before && !after)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

static tsj_value *atom(argp *p, const char *tok)
{
    size_t len = strlen(tok);
    if (len > 4 && !strcmp(tok + len - 4, ".npy")) {
        tsj_value *v = NULL;
        tsj_error *err = NULL;
        if (tsj_npy_load(tok, &v, &err) != TSJ_OK) {
            snprintf(p->msg, p->msg_size, "%s", tsj_error_message(err));
            tsj_error_free(err);
            return NULL;
        }
        return v;
    }
    if (!strcmp(tok, "true") || !strcmp(tok, "false"))
        return tsj_value_bool(tok[0] == 't');
    if (!strcmp(tok, "none"))
        return tsj_value_none();
    if (is_int(tok)) {
        char *end;
        long long v = strtoll(tok, &end, 10);
        return tsj_value_int(v);
    }
    if (is_float(tok))
        return tsj_value_float(strtod(tok, NULL));
    snprintf(p->msg, p->msg_size, "cannot parse argument '%s' (expected x.npy, an int, a float, "
             "true, false, none, [..] or (..))", tok);
    p->usage = 1;
    return NULL;
}

static tsj_value *parse(argp *p)
{
    const char *t = p->text;
    if (++p->depth > 64) {
        snprintf(p->msg, p->msg_size, "argument '%s' is nested too deeply", t);
        p->usage = 1;
        return NULL;
    }
    if (t[p->pos] == '[' || t[p->pos] == '(') {
        char close = t[p->pos] == '[' ? ']' : ')';
        int is_list = close == ']';
        p->pos++;
        tsj_value *items[256];
        size_t n = 0;
        tsj_value *result = NULL;
        if (t[p->pos] == close) {
            p->pos++;
        } else {
            for (;;) {
                if (n == 256) {
                    snprintf(p->msg, p->msg_size, "argument '%s' has too many items", t);
                    p->usage = 1;
                    goto done;
                }
                tsj_value *item = parse(p);
                if (!item)
                    goto done;
                items[n++] = item;
                if (t[p->pos] == ',') {
                    p->pos++;
                } else if (t[p->pos] == close) {
                    p->pos++;
                    break;
                } else {
                    snprintf(p->msg, p->msg_size, "expected ',' or '%c' in argument '%s'", close,
                             t);
                    p->usage = 1;
                    goto done;
                }
            }
        }
        result = is_list ? tsj_value_list(items, n) : tsj_value_tuple(items, n);
        if (!result)
            snprintf(p->msg, p->msg_size, "out of memory");
    done:
        for (size_t i = 0; i < n; i++)
            tsj_value_release(items[i]);
        p->depth--;
        return result;
    }
    size_t end = p->pos;
    while (t[end] && !strchr(",[]()", t[end]))
        end++;
    char tok[4096];
    if (end - p->pos >= sizeof tok) {
        snprintf(p->msg, p->msg_size, "argument too long");
        p->usage = 1;
        return NULL;
    }
    memcpy(tok, t + p->pos, end - p->pos);
    tok[end - p->pos] = '\0';
    p->pos = end;
    p->depth--;
    return atom(p, tok);
}

tsj_value *tool_parse_arg(const char *text, char *msg, size_t msg_size, int *usage)
{
    argp p = {text, 0, msg, msg_size, 0, 0};
    tsj_value *v = parse(&p);
    if (v && text[p.pos]) {
        snprintf(msg, msg_size, "trailing characters in argument '%s'", text);
        p.usage = 1;
        tsj_value_release(v);
        v = NULL;
    }
    *usage = p.usage;
    return v;
}
