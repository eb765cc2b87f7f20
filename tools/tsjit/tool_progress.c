/*
 * tool_progress.c — a compile that takes over half a second shows its
 * progress on stderr when stderr is a terminal:
 *
 *   compiling forward: optimizing (LLVM O3)  0.8 s
 *
 * rewritten in place every 100 ms by a ticker thread that lives as long as
 * the compile (tsj_model_set_progress reports the stages), and erased when
 * it ends. TSJ_PROGRESS=0 turns it off, TSJ_PROGRESS=1 shows it on any
 * stderr; TSJ_PROGRESS_AFTER=SECONDS changes the half second (tests).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t ticker;
    bool active, shown, tty;
    double start, after;
    const char *method, *stage;
} P = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .after = 0.5};

static void show(double now)
{
    fprintf(stderr, "%scompiling %s: %s  %.1f s%s", P.tty ? "\r\033[K" : "", P.method,
            P.stage, now - P.start, P.tty ? "" : "\n");
    fflush(stderr);
    P.shown = true;
}

static void *ticker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&P.mu);
    while (P.active) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&P.cv, &P.mu, &ts);
        double now = tool_now();
        if (P.active && now - P.start >= P.after)
            show(now);
    }
    pthread_mutex_unlock(&P.mu);
    return NULL;
}

static void on_progress(void *user, const char *method, const char *stage)
{
    (void)user;
    if (stage && !P.active) { /* a compile starts */
        pthread_mutex_lock(&P.mu);
        P.active = true;
        P.shown = false;
        P.start = tool_now();
        P.method = method;
        P.stage = stage;
        pthread_mutex_unlock(&P.mu);
        if (pthread_create(&P.ticker, NULL, ticker_main, NULL) != 0)
            P.active = false; /* no progress, the compile goes on */
    } else if (stage) {
        pthread_mutex_lock(&P.mu);
        P.stage = stage;
        double now = tool_now();
        if (now - P.start >= P.after) /* a new stage shows at once */
            show(now);
        pthread_mutex_unlock(&P.mu);
    } else if (P.active) { /* it ended */
        pthread_mutex_lock(&P.mu);
        P.active = false;
        pthread_cond_signal(&P.cv);
        pthread_mutex_unlock(&P.mu);
        pthread_join(P.ticker, NULL);
        if (P.shown) {
            double t = tool_now() - P.start;
            if (P.tty)
                fprintf(stderr, "\r\033[K");
            fprintf(stderr, "compiled %s in %.1f s\n", P.method, t);
            fflush(stderr);
        }
    }
}

void tool_progress_attach(tsj_model *model)
{
    const char *env = getenv("TSJ_PROGRESS");
    P.tty = isatty(2);
    if (env && !strcmp(env, "0"))
        return;
    if (!(env && !strcmp(env, "1")) && !P.tty)
        return;
    const char *after = getenv("TSJ_PROGRESS_AFTER");
    if (after && *after)
        P.after = atof(after);
    tsj_model_set_progress(model, on_progress, NULL);
}
