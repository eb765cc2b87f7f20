/*
 * bench_threads.c — calls/second of one model called from 1, 2 and 8
 * threads at once (one shared tsj_model, shared argument values).
 *
 * Build against an installed or built libtsjit:
 *   cc -O2 -I include tools/bench_threads.c -L build -ltsjit -lpthread \
 *      -Wl,-rpath,$PWD/build -o build/bench_threads
 * Run:
 *   build/bench_threads [-m interp|jit] [-s SECONDS] [-t 1,2,8] [-M METHOD] \
 *       MODEL.pt ARG...
 * ARG: a .npy path, an int (42), a float (2.5), true/false, none, or a random
 * float32 tensor given as its shape, "rand:4x6".
 *
 * Each thread count runs for SECONDS (default 2) after three warm-up calls
 * (with the default jit_threshold, the second compiles);
 * the table gives calls/second in all, per thread, the speed-up over one
 * thread, and CPU microseconds per call summed over threads (flat when the
 * threads do not contend, whatever else the machine is doing; it rises with
 * contention on shared cache lines, e.g. refcounts of shared weights).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tsjit.h"

#define MAX_ARGS 16
#define MAX_THREADS 256

static tsj_model *model;
static const char *method = "forward";
static tsj_value *args[MAX_ARGS];
static size_t nargs;
static atomic_int stop;
static atomic_int errors;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static tsj_value *parse_arg(const char *s)
{
    tsj_value *v = NULL;
    tsj_error *err = NULL;
    size_t n = strlen(s);
    if (n > 4 && !strcmp(s + n - 4, ".npy")) {
        if (tsj_npy_load(s, &v, &err)) {
            fprintf(stderr, "bench_threads: %s: %s\n", s, tsj_error_message(err));
            exit(2);
        }
        return v;
    }
    if (!strncmp(s, "rand:", 5)) {
        int64_t shape[TSJ_MAX_DIMS];
        int nd = 0;
        const char *p = s + 5;
        while (*p && nd < TSJ_MAX_DIMS) {
            char *end;
            shape[nd++] = strtoll(p, &end, 10);
            p = *end == 'x' ? end + 1 : end;
            if (*end && *end != 'x')
                break;
        }
        int64_t numel = 1;
        for (int i = 0; i < nd; i++)
            numel *= shape[i];
        float *d = malloc(sizeof *d * (size_t)(numel ? numel : 1));
        unsigned seed = 1;
        for (int64_t i = 0; i < numel; i++) {
            seed = seed * 1103515245u + 12345u;
            d[i] = (float)((seed >> 16) % 2000) / 1000.0f - 1.0f;
        }
        if (tsj_tensor_create(TSJ_FLOAT32, nd, shape, d, &v, &err)) {
            fprintf(stderr, "bench_threads: %s: %s\n", s, tsj_error_message(err));
            exit(2);
        }
        free(d);
        return v;
    }
    if (!strcmp(s, "true") || !strcmp(s, "false"))
        return tsj_value_bool(!strcmp(s, "true"));
    if (!strcmp(s, "none"))
        return tsj_value_none();
    char *end;
    long long i = strtoll(s, &end, 10);
    if (!*end)
        return tsj_value_int(i);
    double f = strtod(s, &end);
    if (!*end)
        return tsj_value_float(f);
    fprintf(stderr, "bench_threads: cannot read argument '%s'\n", s);
    exit(2);
}

static void *worker(void *p)
{
    long *count = p;
    long n = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        tsj_value *out = NULL;
        tsj_error *err = NULL;
        if (tsj_model_call(model, method, args, nargs, &out, &err)) {
            if (atomic_fetch_add(&errors, 1) == 0)
                fprintf(stderr, "bench_threads: call failed: %s\n", tsj_error_message(err));
            tsj_error_free(err);
            break;
        }
        tsj_value_release(out);
        n++;
    }
    *count = n;
    return NULL;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

/* calls/second of wall time; *cpu_us: CPU microseconds per call (all
 * threads), which stays flat when threads do not contend, even on a busy
 * machine. */
static double run(int threads, double seconds, double *cpu_us)
{
    pthread_t th[MAX_THREADS];
    long counts[MAX_THREADS];
    atomic_store(&stop, 0);
    double t0 = now(), c0 = cpu_seconds();
    for (int i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, worker, &counts[i]);
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
    atomic_store(&stop, 1);
    long total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += counts[i];
    }
    *cpu_us = total ? (cpu_seconds() - c0) * 1e6 / (double)total : 0;
    return (double)total / (now() - t0);
}

int main(int argc, char **argv)
{
    const char *mode = "interp", *threads_list = "1,2,8";
    double seconds = 2;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i += 2) {
        if (i + 1 >= argc)
            break;
        if (!strcmp(argv[i], "-m"))
            mode = argv[i + 1];
        else if (!strcmp(argv[i], "-s"))
            seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "-t"))
            threads_list = argv[i + 1];
        else if (!strcmp(argv[i], "-M"))
            method = argv[i + 1];
        else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: bench_threads [-m interp|jit] [-s SECONDS] [-t 1,2,8] "
                        "[-M METHOD] MODEL.pt ARG...\n");
        return 2;
    }
    const char *path = argv[i++];
    for (; i < argc && nargs < MAX_ARGS; i++)
        args[nargs++] = parse_arg(argv[i]);
    tsj_options *o = tsj_options_create();
    tsj_error *err = NULL;
    if (tsj_options_set(o, "mode", mode)) {
        fprintf(stderr, "bench_threads: bad mode '%s'\n", mode);
        return 2;
    }
    if (tsj_model_load(path, o, &model, &err)) {
        fprintf(stderr, "bench_threads: %s: %s\n", path, tsj_error_message(err));
        return 1;
    }
    tsj_options_free(o);
    /* warm-up: the first calls (and in jit mode, the compile) are not timed */
    for (int k = 0; k < 3; k++) {
        tsj_value *out = NULL;
        if (tsj_model_call(model, method, args, nargs, &out, &err)) {
            fprintf(stderr, "bench_threads: call failed: %s\n", tsj_error_message(err));
            return 1;
        }
        tsj_value_release(out);
    }
    printf("model %s, method %s, mode %s, %.1f s per row\n", path, method, mode, seconds);
    printf("%8s %14s %14s %9s %14s\n", "threads", "calls/s", "per thread", "speed-up",
           "CPU us/call");
    double base = 0;
    char *list = strdup(threads_list), *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int t = atoi(tok);
        if (t < 1 || t > MAX_THREADS)
            continue;
        double cpu_us;
        double r = run(t, seconds, &cpu_us);
        if (!base)
            base = r;
        printf("%8d %14.0f %14.0f %8.2fx %14.2f\n", t, r, r / t, r / base, cpu_us);
        fflush(stdout);
    }
    free(list);
    for (size_t k = 0; k < nargs; k++)
        tsj_value_release(args[k]);
    tsj_model_free(model);
    return atomic_load(&errors) ? 1 : 0;
}
