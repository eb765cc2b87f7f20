/* tool_run.c — `tsjit run`: load a model, call one method with ARGs, write
 * the result as .npy, optionally time repeated calls (--bench N). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tool.h"

static const char RUN_USAGE[] =
    "usage: tsjit run MODEL.pt [--method NAME] [--mode jit|interp] [--threads N] [--out DIR]\n"
    "                 [--bench N] -- ARG...\n";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int tool_run(int argc, char **argv)
{
    const char *model_path = NULL, *method = "forward", *mode = NULL, *threads = NULL;
    const char *out_dir = ".";
    long bench = 0;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        const char **slot = !strcmp(a, "--method")    ? &method
                            : !strcmp(a, "--mode")    ? &mode
                            : !strcmp(a, "--threads") ? &threads
                            : !strcmp(a, "--out")     ? &out_dir
                                                      : NULL;
        if (slot || !strcmp(a, "--bench")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tsjit run: %s needs a value\n%s", a, RUN_USAGE);
                return 2;
            }
            if (slot) {
                *slot = argv[++i];
            } else {
                char *end;
                bench = strtol(argv[++i], &end, 10);
                if (*end || bench < 0) {
                    fprintf(stderr, "tsjit run: --bench takes a count, not '%s'\n", argv[i]);
                    return 2;
                }
            }
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "tsjit run: unknown option '%s'\n%s", a, RUN_USAGE);
            return 2;
        } else if (!model_path) {
            model_path = a;
        } else {
            fprintf(stderr, "tsjit run: put arguments after '--' (got '%s')\n%s", a, RUN_USAGE);
            return 2;
        }
    }
    if (!model_path) {
        fputs(RUN_USAGE, stderr);
        return 2;
    }

    int status = 1;
    size_t nargs = (size_t)(argc - i);
    tsj_value **args = calloc(nargs ? nargs : 1, sizeof *args);
    tsj_options *opts = tsj_options_create();
    tsj_model *model = NULL;
    tsj_value *result = NULL;
    tsj_error *err = NULL;
    double *times = NULL;
    if (!args || !opts) {
        fprintf(stderr, "tsjit run: out of memory\n");
        goto done;
    }
    if ((mode && tsj_options_set(opts, "mode", mode)) ||
        (threads && tsj_options_set(opts, "threads", threads))) {
        fprintf(stderr, "tsjit run: bad --mode or --threads (mode: jit|interp, threads: 0-1024)\n");
        status = 2;
        goto done;
    }
    for (size_t k = 0; k < nargs; k++) {
        char msg[1024];
        int usage = 0;
        args[k] = tool_parse_arg(argv[i + (int)k], msg, sizeof msg, &usage);
        if (!args[k]) {
            fprintf(stderr, "tsjit run: %s\n", msg);
            status = usage ? 2 : 1;
            goto done;
        }
    }

    double t0 = tool_now();
    if (tsj_model_load(model_path, opts, &model, &err) != TSJ_OK) {
        tool_print_error("tsjit run", err);
        goto done;
    }
    tool_progress_attach(model);
    double t1 = tool_now();
    if (tsj_model_call(model, method, args, nargs, &result, &err) != TSJ_OK) {
        tool_print_error("tsjit run", err);
        goto done;
    }
    double t2 = tool_now();
    mkdir(out_dir, 0777);
    char msg[1024];
    if (tool_write_result(result, out_dir, msg, sizeof msg)) {
        fprintf(stderr, "tsjit run: %s\n", msg);
        goto done;
    }
    if (bench > 0) {
        times = malloc(sizeof *times * (size_t)bench);
        if (!times) {
            fprintf(stderr, "tsjit run: out of memory\n");
            goto done;
        }
        /* two untimed warm-up calls, as torch_runner.py makes: with the
         * default jit_threshold the second call of a signature compiles it */
        double warm_ms[2];
        for (long k = -2; k < bench; k++) {
            tsj_value *r = NULL;
            double s = tool_now();
            if (tsj_model_call(model, method, args, nargs, &r, &err) != TSJ_OK) {
                tool_print_error("tsjit run", err);
                goto done;
            }
            double dt = tool_now() - s;
            if (k < 0)
                warm_ms[k + 2] = dt * 1e3;
            else
                times[k] = dt * 1e6;
            tsj_value_release(r);
        }
        qsort(times, (size_t)bench, sizeof *times, cmp_double);
        double median = bench % 2 ? times[bench / 2]
                                  : 0.5 * (times[bench / 2 - 1] + times[bench / 2]);
        long p90 = (long)((double)(bench - 1) * 0.9 + 0.5);
        printf("{\"load_ms\":%.3f,\"first_call_ms\":%.3f,\"runs\":%ld,\"median_us\":%.3f,"
               "\"min_us\":%.3f,\"p90_us\":%.3f,\"second_call_ms\":%.3f,"
               "\"third_call_ms\":%.3f}\n",
               (t1 - t0) * 1e3, (t2 - t1) * 1e3, bench, median, times[0], times[p90],
               warm_ms[0], warm_ms[1]);
    }
    status = 0;
done:
    free(times);
    tsj_error_free(err);
    tsj_value_release(result);
    tsj_model_free(model);
    tsj_options_free(opts);
    for (size_t k = 0; args && k < nargs; k++)
        tsj_value_release(args[k]);
    free(args);
    return status;
}
