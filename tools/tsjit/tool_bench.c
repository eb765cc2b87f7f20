/* tool_bench.c — `tsjit bench`: load a model, call one method repeatedly
 * and print the per-call median, minimum and p90 and the first call split
 * into load, compile and run; with --profile, time per operator (through
 * the "profile" model option and description, when this build has them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char BENCH_USAGE[] =
    "usage: tsjit bench MODEL.pt [--method NAME] [--mode jit|interp] [--threads N] [--runs N]\n"
    "                   [--warmup N] [--profile] [--json] -- ARG...\n"
    "  --runs N     timed calls (default 100)      --warmup N  untimed calls first (default 2)\n"
    "  --profile    then run N calls again with per-operator timing (interpreter)\n"
    "  --json       one JSON line instead of the table (the `tsjit run --bench` fields)\n";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void put_time(const char *label, double sec, const char *note)
{
    if (sec < 1e-3)
        printf("%-12s %10.1f us%s\n", label, sec * 1e6, note);
    else
        printf("%-12s %10.3f ms%s\n", label, sec * 1e3, note);
}

static int parse_count(const char *opt, const char *text, long lo, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || end == text || v < lo || v > 100000000) {
        fprintf(stderr, "tsjit bench: %s takes a count >= %ld, not '%s'\n", opt, lo, text);
        return -1;
    }
    *out = v;
    return 0;
}

/* Runs the calls of the profile pass and prints the model's "profile" description. */
static int profile_pass(tsj_model *model, const char *method, tsj_value **args, size_t nargs,
                        long runs)
{
    tsj_error *err = NULL;
    if (tsj_model_set_option(model, "profile", "true", &err) != TSJ_OK) {
        printf("\nprofile: profiling not available in this build (the model option \"profile\" "
               "is missing: %s)\n", tsj_error_message(err));
        tsj_error_free(err);
        return 0;
    }
    int rc = 0;
    for (long k = 0; k < runs && !rc; k++) {
        tsj_value *r = NULL;
        if (tsj_model_call(model, method, args, nargs, &r, &err) != TSJ_OK) {
            tool_print_error("tsjit bench: profile", err);
            tsj_error_free(err);
            err = NULL;
            rc = -1;
        }
        tsj_value_release(r);
    }
    char *text = NULL;
    if (!rc && tsj_model_describe(model, "profile", method, NULL, 0, &text, &err) != TSJ_OK) {
        printf("\nprofile: profiling not available in this build (%s)\n", tsj_error_message(err));
        tsj_error_free(err);
        err = NULL;
    } else if (!rc) {
        printf("\nprofile (%ld calls, interpreter, per operator):\n%s", runs, text);
        if (text[0] && text[strlen(text) - 1] != '\n')
            putchar('\n');
    }
    tsj_string_free(text);
    tsj_model_set_option(model, "profile", "false", NULL);
    return rc;
}

int tool_bench(int argc, char **argv)
{
    const char *model_path = NULL, *method = "forward", *mode = NULL, *threads = NULL;
    long runs = 100, warmup = 2;
    int profile = 0, json = 0;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "--profile")) {
            profile = 1;
            continue;
        }
        if (!strcmp(a, "--json")) {
            json = 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(BENCH_USAGE, stdout);
            return 0;
        }
        const char **slot = !strcmp(a, "--method")    ? &method
                            : !strcmp(a, "--mode")    ? &mode
                            : !strcmp(a, "--threads") ? &threads
                                                      : NULL;
        int is_count = !strcmp(a, "--runs") || !strcmp(a, "--warmup");
        if (slot || is_count) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tsjit bench: %s needs a value\n%s", a, BENCH_USAGE);
                return 2;
            }
            if (slot)
                *slot = argv[++i];
            else if (parse_count(a, argv[++i], a[2] == 'r' ? 1 : 0, a[2] == 'r' ? &runs : &warmup))
                return 2;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "tsjit bench: unknown option '%s'\n%s", a, BENCH_USAGE);
            return 2;
        } else if (!model_path) {
            model_path = a;
        } else {
            fprintf(stderr, "tsjit bench: put arguments after '--' (got '%s')\n%s", a,
                    BENCH_USAGE);
            return 2;
        }
    }
    if (!model_path) {
        fputs(BENCH_USAGE, stderr);
        return 2;
    }

    int status = 1;
    size_t nargs = (size_t)(argc - i);
    tsj_value **args = calloc(nargs ? nargs : 1, sizeof *args);
    tsj_options *opts = tsj_options_create();
    tsj_model *model = NULL;
    tsj_error *err = NULL;
    double *times = malloc(sizeof *times * (size_t)runs);
    if (!args || !opts || !times) {
        fprintf(stderr, "tsjit bench: out of memory\n");
        goto done;
    }
    if ((mode && tsj_options_set(opts, "mode", mode)) ||
        (threads && tsj_options_set(opts, "threads", threads))) {
        fprintf(stderr, "tsjit bench: bad --mode or --threads (mode: jit|interp, threads: 0-1024)\n");
        status = 2;
        goto done;
    }
    for (size_t k = 0; k < nargs; k++) {
        char msg[1024];
        int usage = 0;
        args[k] = tool_parse_arg(argv[i + (int)k], msg, sizeof msg, &usage);
        if (!args[k]) {
            fprintf(stderr, "tsjit bench: %s\n", msg);
            status = usage ? 2 : 1;
            goto done;
        }
    }

    double t0 = tool_now();
    if (tsj_model_load(model_path, opts, &model, &err) != TSJ_OK) {
        tool_print_error("tsjit bench", err);
        goto done;
    }
    tool_progress_attach(model);
    double t1 = tool_now();
    tsj_value *r = NULL;
    if (tsj_model_call(model, method, args, nargs, &r, &err) != TSJ_OK) {
        tool_print_error("tsjit bench", err);
        goto done;
    }
    double t2 = tool_now();
    tsj_value_release(r);
    double slowest_warm = 0, second = 0; /* the call that compiles, normally the 2nd */
    for (long k = 0; k < warmup + runs; k++) {
        double s = tool_now();
        if (tsj_model_call(model, method, args, nargs, &r, &err) != TSJ_OK) {
            tool_print_error("tsjit bench", err);
            goto done;
        }
        double dt = tool_now() - s;
        if (k == 0)
            second = dt;
        if (k >= warmup)
            times[k - warmup] = dt;
        else if (dt > slowest_warm)
            slowest_warm = dt;
        tsj_value_release(r);
    }
    qsort(times, (size_t)runs, sizeof *times, cmp_double);
    double median = runs % 2 ? times[runs / 2] : 0.5 * (times[runs / 2 - 1] + times[runs / 2]);
    double p90 = times[(long)((double)(runs - 1) * 0.9 + 0.5)];
    double load = t1 - t0, first = t2 - t1;
    /* The compile happens in the first call (jit_threshold 1) or in a
     * warm-up call (the default, 2: the second call): the slowest of them
     * less a steady call. */
    double compiling = first > slowest_warm ? first : slowest_warm;
    double compile = compiling > median ? compiling - median : 0;
    if (json) {
        printf("{\"load_ms\":%.3f,\"first_call_ms\":%.3f,\"compile_ms\":%.3f,\"runs\":%ld,"
               "\"median_us\":%.3f,\"min_us\":%.3f,\"p90_us\":%.3f,\"second_call_ms\":%.3f}\n",
               load * 1e3, first * 1e3, compile * 1e3, runs, median * 1e6, times[0] * 1e6,
               p90 * 1e6, second * 1e3);
    } else {
        const char *sig = tsj_model_method_signature(model, method);
        printf("model        %s\nmethod       %s\n", model_path, sig ? sig : method);
        printf("mode         %s, threads %s, %ld runs after %ld warm-up call(s)\n",
               mode ? mode : "jit", threads ? threads : "default", runs, warmup);
        put_time("load", load, "");
        if (compiling == first) {
            put_time("first call", first, "  = compile + run:");
            put_time("  compile", compile, "  (first call - median)");
            put_time("  run", first - compile, "  (a steady call)");
        } else {
            put_time("first call", first, "  (interpreter: not compiled before jit_threshold calls)");
            put_time("compiling call", compiling, "  = compile + run:");
            put_time("  compile", compile, "  (compiling call - median)");
            put_time("  run", compiling - compile, "  (a steady call)");
        }
        put_time("median", median, "");
        put_time("min", times[0], "");
        put_time("p90", p90, "");
    }
    fflush(stdout);
    if (profile && profile_pass(model, method, args, nargs, runs))
        goto done;
    status = 0;
done:
    free(times);
    tsj_error_free(err);
    tsj_model_free(model);
    tsj_options_free(opts);
    for (size_t k = 0; args && k < nargs; k++)
        tsj_value_release(args[k]);
    free(args);
    return status;
}
