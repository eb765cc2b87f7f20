/* tool_info.c — `tsjit info`: load a model and describe it — load time,
 * method signatures, the class tree, and on request each method's IR after
 * the load-time passes (--ir) and the operators it uses with their
 * interpreter / code generator coverage (--ops). `--jit ... -- ARG...`
 * prints what the code generator makes of one call signature.
 *
 * Exit status: 0 ok; 1 the model (or an ARG file) does not load or cannot
 * be described — one message on stderr naming the file; 2 usage error.
 * Operators tsjit lacks do not stop a load (the call fails only if it
 * reaches one): info lists them as MISSING and warns on stderr; with
 * --strict they are an error (exit 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char INFO_USAGE[] =
    "usage: tsjit info MODEL.pt [--method NAME] [--ir] [--ops] [--strict]\n"
    "       tsjit info --jit MODEL.pt [--method NAME] -- ARG...\n"
    "  --method NAME  only this method (default: all; forward for --jit)\n"
    "  --ir           each method's graph after the load-time passes\n"
    "  --ops          the operators used, with interpreter / jit coverage\n"
    "  --strict       fail (exit 1) when the code calls an operator tsjit lacks\n"
    "  --jit          specialized IR, fusion, native code for the ARGs' signature\n";

/* One error on stderr: "tsjit info: MODEL: message" (the model's path is
 * put in front unless the message already names it; a source location is
 * put in front unless the message already starts with it). */
static void print_load_error(const char *path, const tsj_error *err)
{
    const char *msg = tsj_error_message(err);
    int line = 0, col = 0;
    const char *file = tsj_error_location(err, &line, &col);
    char where[512] = "";
    if (file && line && strncmp(msg, file, strlen(file)) != 0)
        snprintf(where, sizeof where, "%s:%d:%d: ", file, line, col);
    if (strstr(msg, path))
        fprintf(stderr, "tsjit info: %s%s\n", where, msg);
    else
        fprintf(stderr, "tsjit info: %s: %s%s\n", path, where, msg);
}

static int describe(tsj_model *m, const char *path, const char *what, const char *method,
                    tsj_value *const *args, size_t nargs, char **text)
{
    tsj_error *err = NULL;
    if (tsj_model_describe(m, what, method, args, nargs, text, &err) != TSJ_OK) {
        print_load_error(path, err);
        tsj_error_free(err);
        return -1;
    }
    return 0;
}

/* Prints text with every line indented by two spaces (blank lines stay
 * empty; trailing blank lines are dropped). */
static void print_indented(const char *text)
{
    size_t end = strlen(text);
    while (end && (text[end - 1] == '\n' || text[end - 1] == ' '))
        end--;
    const char *p = text, *stop = text + end;
    while (p < stop) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(stop - p);
        if (n)
            printf("  %.*s\n", (int)n, p);
        else
            putchar('\n');
        p += n + 1;
    }
}

/* Writes the names of the MISSING rows of the "ops" table, comma-separated. */
static void missing_names(const char *text, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        char name[256], in[16];
        if (sscanf(p, "%255s %15s", name, in) == 2 && !strcmp(in, "MISSING") && n < size)
            n += (size_t)snprintf(out + n, size - n, "%s'%s'", n ? ", " : "", name);
    }
}

/* Counts the rows of the "ops" table: operator, interp (yes / no /
 * MISSING: an operator tsjit lacks, which fails if its path runs), jit. */
static void ops_summary(const char *text, int *total, int *interp, int *native, int *missing)
{
    *total = *interp = *native = *missing = 0;
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        char name[256], in[16], jit[64];
        if (sscanf(p, "%255s %15s %63s", name, in, jit) != 3 || !strcmp(name, "operator"))
            continue;
        (*total)++;
        *interp += !strcmp(in, "yes");
        *missing += !strcmp(in, "MISSING");
        *native += !strcmp(jit, "yes");
    }
}

int tool_info(int argc, char **argv)
{
    const char *path = NULL, *method = NULL;
    int want_ir = 0, want_ops = 0, want_jit = 0, strict = 0;
    int i = 1, dashdash = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            dashdash = 1;
            i++;
            break;
        }
        if (!strcmp(a, "--method")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tsjit info: --method needs a value\n%s", INFO_USAGE);
                return 2;
            }
            method = argv[++i];
        } else if (!strcmp(a, "--ir")) {
            want_ir = 1;
        } else if (!strcmp(a, "--ops")) {
            want_ops = 1;
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (!strcmp(a, "--jit")) {
            want_jit = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(INFO_USAGE, stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tsjit info: unknown option '%s'\n%s", a, INFO_USAGE);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "tsjit info: unexpected argument '%s'%s\n%s", a,
                    want_jit ? " (put ARGs after '--')" : "", INFO_USAGE);
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "tsjit info: no model given\n%s", INFO_USAGE);
        return 2;
    }
    if (dashdash && !want_jit) {
        fprintf(stderr, "tsjit info: ARGs after '--' are only used with --jit\n%s", INFO_USAGE);
        return 2;
    }
    if (want_jit && (want_ir || want_ops)) {
        fprintf(stderr, "tsjit info: --jit does not combine with --ir or --ops\n%s", INFO_USAGE);
        return 2;
    }

    int status = 1;
    size_t nargs = want_jit ? (size_t)(argc - i) : 0;
    tsj_value **args = calloc(nargs ? nargs : 1, sizeof *args);
    tsj_model *m = NULL;
    tsj_error *err = NULL;
    char *text = NULL;
    if (!args) {
        fprintf(stderr, "tsjit info: out of memory\n");
        goto done;
    }
    /* ARGs first: a malformed one is a usage error, before any loading */
    for (size_t k = 0; k < nargs; k++) {
        char msg[1024];
        int usage = 0;
        args[k] = tool_parse_arg(argv[i + (int)k], msg, sizeof msg, &usage);
        if (!args[k]) {
            fprintf(stderr, "tsjit info: %s\n", msg);
            status = usage ? 2 : 1;
            goto done;
        }
    }

    double t0 = tool_now();
    if (tsj_model_load(path, NULL, &m, &err) != TSJ_OK) {
        print_load_error(path, err);
        goto done;
    }
    double load_ms = (tool_now() - t0) * 1e3;
    tool_progress_attach(m);

    size_t nmethods = tsj_model_method_count(m);
    if (method && !tsj_model_method_signature(m, method)) {
        fprintf(stderr, "tsjit info: %s: the model has no method '%s' (it has:", path, method);
        for (size_t k = 0; k < nmethods; k++)
            fprintf(stderr, "%s %s", k ? "," : "", tsj_model_method_name(m, k));
        fprintf(stderr, "%s)\n", nmethods ? "" : " none");
        goto done;
    }

    if (want_jit) {
        const char *target = method ? method : "forward";
        if (!tsj_model_method_signature(m, target)) {
            fprintf(stderr, "tsjit info: %s: the model has no method '%s' (use --method)\n",
                    path, target);
            goto done;
        }
        if (describe(m, path, "jit", target, args, nargs, &text))
            goto done;
        fputs(text, stdout);
        if (text[0] && text[strlen(text) - 1] != '\n')
            putchar('\n');
        status = 0;
        goto done;
    }

    /* Everything is described before anything is printed, so a failure
     * leaves stdout empty and stderr with one message. */
    char *classes = NULL, *ir = NULL, *ops = NULL;
    if (describe(m, path, "classes", NULL, NULL, 0, &classes) ||
        (want_ir && describe(m, path, "ir", method, NULL, 0, &ir)) ||
        describe(m, path, "ops", method, NULL, 0, &ops)) {
        tsj_string_free(classes);
        tsj_string_free(ir);
        goto done;
    }

    int total, interp, native, missing;
    ops_summary(ops, &total, &interp, &native, &missing);
    if (missing) {
        char names[1024];
        missing_names(ops, names, sizeof names);
        fprintf(stderr, "tsjit info: %s: %soperator%s %s %s not supported by tsjit (a call "
                        "fails if it reaches %s)\n",
                path, strict ? "" : "warning: ", missing > 1 ? "s" : "", names,
                missing > 1 ? "are" : "is", missing > 1 ? "one" : "it");
        if (strict) {
            tsj_string_free(classes);
            tsj_string_free(ir);
            tsj_string_free(ops);
            goto done;
        }
    }

    printf("model: %s\n", path);
    char *split = NULL;
    tsj_error *serr = NULL;
    if (tsj_model_describe(m, "load", NULL, NULL, 0, &split, &serr) == TSJ_OK && split)
        printf("load time: %.3f ms (%.*s)\n", load_ms, (int)strcspn(split, "\n"), split);
    else
        printf("load time: %.3f ms\n", load_ms);
    tsj_string_free(split);
    tsj_error_free(serr);
    printf("methods (%zu):\n", nmethods);
    for (size_t k = 0; k < nmethods; k++) {
        const char *name = tsj_model_method_name(m, k);
        const char *sig = tsj_model_method_signature(m, name);
        if (!method || !strcmp(method, name))
            printf("  %s\n", sig ? sig : name);
    }
    printf("classes (submodules, parameters and buffers):\n");
    print_indented(classes);
    printf("operators%s%s: %d used, %d run by the interpreter, %d compiled natively",
           method ? " of " : "", method ? method : "", total, interp, native);
    if (missing)
        printf(", %d MISSING (a call fails if it reaches one)", missing);
    printf("%s\n", want_ops ? "" : " (--ops lists them)");
    if (want_ops)
        print_indented(ops);
    if (want_ir) {
        printf("ir (after the load-time passes):\n");
        print_indented(ir);
    }
    tsj_string_free(classes);
    tsj_string_free(ir);
    tsj_string_free(ops);
    status = 0;
done:
    tsj_string_free(text);
    tsj_error_free(err);
    tsj_model_free(m);
    for (size_t k = 0; args && k < nargs; k++)
        tsj_value_release(args[k]);
    free(args);
    return status;
}
