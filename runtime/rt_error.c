/* rt_error.c — filling and decorating rt_err records. */
#include "rt_error.h"

#include <stdio.h>
#include <string.h>

void rt_err_clear(rt_err *e)
{
    if (!e)
        return;
    e->status = TSJ_OK;
    e->msg[0] = '\0';
    e->file[0] = '\0';
    e->line = e->col = 0;
}

int rt_err_vset(rt_err *e, tsj_status status, const char *fmt, va_list ap)
{
    if (!e)
        return -1;
    e->status = status;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    e->file[0] = '\0';
    e->line = e->col = 0;
    return -1;
}

int rt_err_set(rt_err *e, tsj_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_err_vset(e, status, fmt, ap);
    va_end(ap);
    return -1;
}

void rt_err_prefix(rt_err *e, const char *fmt, ...)
{
    if (!e)
        return;
    char head[512], old[RT_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    size_t n = strlen(head);
    if (n > sizeof e->msg - 3)
        n = sizeof e->msg - 3;
    memcpy(e->msg, head, n);
    e->msg[n] = ':';
    e->msg[n + 1] = ' ';
    size_t room = sizeof e->msg - n - 3, len = strlen(old);
    if (len > room)
        len = room;
    memcpy(e->msg + n + 2, old, len);
    e->msg[n + 2 + len] = '\0';
}

void rt_err_at(rt_err *e, rt_loc loc)
{
    if (!e || e->file[0] || !loc.file)
        return;
    snprintf(e->file, sizeof e->file, "%s", loc.file);
    e->line = loc.line;
    e->col = loc.col;
}
