/*
 * repl.c — `tsjit repl [MODEL.pt]`: the session loop, the ':' commands,
 * line editing with history and tab completion (libedit's readline
 * interface), and the non-interactive mode (stdin not a terminal: no
 * prompt, every line runs, exit status 1 when any line failed).
 *
 * The readline interface keeps its own global state; the one pointer this
 * file adds (completion_session) exists only because its completion
 * callbacks take no context argument.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "repl.h"
#include "tool.h"

static const char REPL_USAGE[] =
    "usage: tsjit repl [MODEL.pt] [--mode jit|interp] [--threads N]\n";

typedef struct cmd {
    const char *name, *args, *help;
    int (*fn)(repl_session *s, const char *rest, int lineno);
} cmd;

static const cmd COMMANDS[];

/* ---- messages ---- */

/* Prints "error: MSG" and, when MSG holds a second line, "hint: ..." as is;
 * pos >= 0 puts a caret under column pos of line. */
static void report(const repl_session *s, int lineno, const char *line, int pos, const char *msg)
{
    if (!s->interactive && lineno > 0)
        fprintf(stderr, "error (line %d): ", lineno);
    else
        fprintf(stderr, "error: ");
    const char *nl = strchr(msg, '\n');
    fprintf(stderr, "%.*s\n", nl ? (int)(nl - msg) : (int)strlen(msg), msg);
    if (line && pos >= 0 && (size_t)pos <= strlen(line)) {
        size_t len = strcspn(line, "\r\n");
        fprintf(stderr, "  %.*s\n  %*s^\n", (int)len, line, pos, "");
    }
    if (nl)
        fprintf(stderr, "%s\n", nl + 1);
}

static int failf(const repl_session *s, int lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int failf(const repl_session *s, int lineno, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report(s, lineno, NULL, -1, msg);
    return -1;
}

static int fail_tsj(const repl_session *s, int lineno, const char *what, tsj_error *err,
                    const char *hint)
{
    failf(s, lineno, "%s: %s%s%s", what, tsj_error_message(err), hint ? "\nhint: " : "",
          hint ? hint : "");
    tsj_error_free(err);
    return -1;
}

static void print_time(double sec)
{
    if (sec < 1e-3)
        printf("%.1f us", sec * 1e6);
    else if (sec < 1.0)
        printf("%.3f ms", sec * 1e3);
    else
        printf("%.3f s", sec);
}

static int need_model(const repl_session *s, int lineno)
{
    if (s->model)
        return 0;
    return failf(s, lineno, "no model is loaded\nhint: :load MODEL.pt");
}

/* Copies a command argument, without surrounding quotes. */
static char *unquote(const char *rest)
{
    size_t n = strlen(rest);
    if (n >= 2 && (rest[0] == '"' || rest[0] == '\'') && rest[n - 1] == rest[0])
        return strndup(rest + 1, n - 2);
    return strdup(rest);
}

static int print_described(const repl_session *s, int lineno, const char *what,
                           const char *method, tsj_value *const *args, size_t nargs,
                           const char *hint)
{
    char *text = NULL;
    tsj_error *err = NULL;
    if (tsj_model_describe(s->model, what, method, args, nargs, &text, &err) != TSJ_OK) {
        char label[64];
        snprintf(label, sizeof label, ":%s", what);
        return fail_tsj(s, lineno, label, err, hint);
    }
    fputs(text, stdout);
    if (text[0] && text[strlen(text) - 1] != '\n')
        putchar('\n');
    tsj_string_free(text);
    return 0;
}

static int check_method(const repl_session *s, int lineno, const char *name)
{
    if (tsj_model_method_signature(s->model, name))
        return 0;
    char list[1024] = "";
    size_t n = 0;
    for (size_t i = 0; i < tsj_model_method_count(s->model) && n < sizeof list; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                              tsj_model_method_name(s->model, i));
    return failf(s, lineno, "the model has no method '%s'\nhint: its methods: %s", name, list);
}

/* ---- commands ---- */

static int cmd_load(repl_session *s, const char *rest, int lineno)
{
    if (!rest[0])
        return failf(s, lineno, ":load needs a path\nhint: :load model.pt");
    char *path = unquote(rest);
    if (!path)
        return failf(s, lineno, "out of memory");
    tsj_model *m = NULL;
    tsj_error *err = NULL;
    double t0 = tool_now();
    if (tsj_model_load(path, s->opts, &m, &err) != TSJ_OK) {
        free(path);
        return fail_tsj(s, lineno, "load", err,
                        "check the path; :load PATH loads a TorchScript archive (.pt)");
    }
    double t = tool_now() - t0;
    tool_progress_attach(m);
    tsj_model_free(s->model);
    free(s->model_path);
    s->model = m;
    s->model_path = path;
    printf("loaded %s in ", path);
    print_time(t);
    printf(": %zu method(s)\n", tsj_model_method_count(m));
    for (size_t i = 0; i < tsj_model_method_count(m); i++)
        printf("  %s\n", tsj_model_method_signature(m, tsj_model_method_name(m, i)));
    return 0;
}

static int cmd_methods(repl_session *s, const char *rest, int lineno)
{
    if (need_model(s, lineno))
        return -1;
    for (size_t i = 0; i < tsj_model_method_count(s->model); i++)
        printf("%s\n", tsj_model_method_signature(s->model, tsj_model_method_name(s->model, i)));
    return 0;
}

static int cmd_sig(repl_session *s, const char *rest, int lineno)
{
    if (need_model(s, lineno))
        return -1;
    const char *name = rest[0] ? rest : "forward";
    if (check_method(s, lineno, name))
        return -1;
    printf("%s\n", tsj_model_method_signature(s->model, name));
    return 0;
}

static int cmd_ir(repl_session *s, const char *rest, int lineno)
{
    if (need_model(s, lineno) || (rest[0] && check_method(s, lineno, rest)))
        return -1;
    return print_described(s, lineno, "ir", rest[0] ? rest : NULL, NULL, 0, NULL);
}

static int cmd_classes(repl_session *s, const char *rest, int lineno)
{
    if (need_model(s, lineno))
        return -1;
    return print_described(s, lineno, "classes", NULL, NULL, 0, NULL);
}

static int cmd_ops(repl_session *s, const char *rest, int lineno)
{
    if (need_model(s, lineno) || (rest[0] && check_method(s, lineno, rest)))
        return -1;
    return print_described(s, lineno, "ops", rest[0] ? rest : NULL, NULL, 0, NULL);
}

static int cmd_cache(repl_session *s, const char *rest, int lineno)
{
    if (need_model(s, lineno) || (rest[0] && check_method(s, lineno, rest)))
        return -1;
    return print_described(s, lineno, "cache", rest[0] ? rest : NULL, NULL, 0,
                           "the specialization cache appears once methods run compiled");
}

/* :jit METHOD(args) */
static int cmd_jit(repl_session *s, const char *rest, int lineno)
{
    if (need_model(s, lineno))
        return -1;
    repl_stmt st;
    char err[512];
    if (repl_parse_expr(rest, &st, NULL, err, sizeof err)) {
        report(s, lineno, rest, st.err_pos, err);
        return failf(s, lineno, ":jit takes a call\nhint: :jit forward(x, 5)");
    }
    int rc = -1;
    const repl_expr *c = st.expr;
    tsj_value **args = NULL;
    size_t n = 0;
    if (c->kind != REPL_E_CALL || c->nkwargs) {
        failf(s, lineno, ":jit takes a method call with positional arguments\n"
              "hint: :jit forward(x, 5)");
        goto done;
    }
    const char *method = !strncmp(c->text, "self.", 5) ? c->text + 5 : c->text;
    if (check_method(s, lineno, method))
        goto done;
    args = calloc(c->nitems ? c->nitems : 1, sizeof *args);
    for (; args && n < c->nitems; n++) {
        int pos;
        if (!(args[n] = repl_eval(s, c->items[n], err, sizeof err, &pos))) {
            report(s, lineno, rest, pos, err);
            goto done;
        }
    }
    if (args)
        rc = print_described(s, lineno, "jit", method, args, n,
                             "`:mode interp` and `:time` still work; :ir shows the graph");
done:
    for (size_t i = 0; i < n; i++)
        tsj_value_release(args[i]);
    free(args);
    repl_stmt_free(&st);
    return rc;
}

static int set_option(repl_session *s, int lineno, const char *key, const char *value)
{
    if (tsj_options_set(s->opts, key, value) != TSJ_OK)
        return failf(s, lineno, "bad value '%s' for %s\nhint: :mode jit|interp, :threads N "
                     "(0 = all cores)", value, key);
    tsj_error *err = NULL;
    if (s->model && tsj_model_set_option(s->model, key, value, &err) != TSJ_OK)
        return fail_tsj(s, lineno, key, err, NULL);
    return 0;
}

static int cmd_mode(repl_session *s, const char *rest, int lineno)
{
    if (!rest[0]) {
        printf("mode %s\n", s->mode);
        return 0;
    }
    if (set_option(s, lineno, "mode", rest))
        return -1;
    snprintf(s->mode, sizeof s->mode, "%s", rest);
    printf("mode %s\n", s->mode);
    return 0;
}

static int cmd_threads(repl_session *s, const char *rest, int lineno)
{
    if (!rest[0]) {
        printf("threads %d%s\n", s->threads, s->threads ? "" : " (all cores)");
        return 0;
    }
    if (set_option(s, lineno, "threads", rest))
        return -1;
    s->threads = atoi(rest);
    printf("threads %d%s\n", s->threads, s->threads ? "" : " (all cores)");
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* :time EXPR [N] — without N, runs for about half a second (5 to 1000 runs). */
static int cmd_time(repl_session *s, const char *rest, int lineno)
{
    repl_stmt st;
    char err[2048];
    size_t end = 0;
    if (repl_parse_expr(rest, &st, &end, err, sizeof err)) {
        report(s, lineno, rest, st.err_pos, err);
        return failf(s, lineno, ":time takes an expression and an optional count\n"
                     "hint: :time forward(x) 100");
    }
    long want = 0;
    if (rest[end]) {
        char *e;
        want = strtol(rest + end, &e, 10);
        if (*e || want < 1 || want > 10000000) {
            repl_stmt_free(&st);
            return failf(s, lineno, ":time: '%s' is not a run count (1 or more)\n"
                         "hint: :time forward(x) 100", rest + end);
        }
    }
    int pos;
    /* the first two calls, timed apart: with the default jit_threshold (2)
     * the first runs in the interpreter and the second compiles */
    double first = 0, second = 0;
    for (int k = 0; k < 2; k++) {
        double t0 = tool_now();
        tsj_value *r = repl_eval(s, st.expr, err, sizeof err, &pos);
        *(k ? &second : &first) = tool_now() - t0;
        if (!r) {
            report(s, lineno, rest, pos, err);
            repl_stmt_free(&st);
            return -1;
        }
        tsj_value_release(r);
    }
    tsj_value *r;
    long cap = want ? want : 1000;
    double *times = malloc(sizeof *times * (size_t)cap);
    long n = 0;
    double start = tool_now();
    while (times && n < cap && (want || n < 5 || tool_now() - start < 0.5)) {
        double a = tool_now();
        r = repl_eval(s, st.expr, err, sizeof err, &pos);
        times[n] = tool_now() - a;
        if (!r) {
            report(s, lineno, rest, pos, err);
            free(times);
            repl_stmt_free(&st);
            return -1;
        }
        tsj_value_release(r);
        n++;
    }
    repl_stmt_free(&st);
    if (!times)
        return failf(s, lineno, "out of memory");
    qsort(times, (size_t)n, sizeof *times, cmp_double);
    double median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    printf("%ld runs: median ", n);
    print_time(median);
    printf(", min ");
    print_time(times[0]);
    printf(", p90 ");
    print_time(times[(long)((double)(n - 1) * 0.9 + 0.5)]);
    printf("\nfirst call ");
    print_time(first);
    printf(", second call ");
    print_time(second);
    double slow = first > second ? first : second;
    printf("\n%s call = later call ", first > second ? "first" : "second");
    print_time(median);
    printf(" + ");
    print_time(slow > median ? slow - median : 0);
    printf(" overhead (specialization and compile; with the default jit_threshold 2 the\n"
           "first call of a signature runs in the interpreter and the second compiles)\n");
    free(times);
    return 0;
}

static int cmd_vars(repl_session *s, const char *rest, int lineno)
{
    if (!s->nvars)
        printf("no variables yet (x = randn(2, 3) makes one)\n");
    for (size_t i = 0; i < s->nvars; i++) {
        char buf[256];
        repl_value_summary(s->vars[i].value, buf, sizeof buf);
        printf("%-12s %s\n", s->vars[i].name, buf);
    }
    return 0;
}

static int cmd_help(repl_session *s, const char *rest, int lineno)
{
    printf("Expressions (one per line):\n"
           "  x = randn(2, 10)            also zeros, ones, full((2, 3), 1.5), arange(0, 10, 2);\n"
           "                              dtype=float32|float64|int64|int32|int16|int8|uint8|bool\n"
           "  x = load(\"x.npy\")           save(y, \"y.npy\") (tuples: y.0.npy, y.1.npy, ...)\n"
           "  y = forward(x, 5)           call a method of the model; encode(x) for others\n"
           "                              args: tensors, ints, floats, True/False, None, [..], (..)\n"
           "  y[0]                        an item of a tuple or list, a row of a tensor\n"
           "  x.shape                     also x.dtype, x.ndim, x.numel\n"
           "  y                           print a value\n"
           "  seed(0)                     reset randn's generator\n"
           "Commands:\n");
    for (const cmd *c = COMMANDS; c->name; c++) {
        char head[64];
        snprintf(head, sizeof head, ":%s %s", c->name, c->args);
        printf("  %-26s  %s\n", head, c->help);
    }
    printf("Tab completes commands, methods and variables; history is kept in "
           "$TSJIT_HISTORY or ~/.tsjit_history.\n");
    return 0;
}

static int cmd_quit(repl_session *s, const char *rest, int lineno) { return 1; }

static const cmd COMMANDS[] = {
    {"load", "PATH", "load a TorchScript model", cmd_load},
    {"methods", "", "the model's methods and signatures", cmd_methods},
    {"sig", "METHOD", "one method's signature", cmd_sig},
    {"ir", "[METHOD]", "the graph after the load-time passes", cmd_ir},
    {"jit", "METHOD(ARGS)", "specialized IR, LLVM IR, assembly for these args", cmd_jit},
    {"mode", "jit|interp", "compile, or interpret only", cmd_mode},
    {"threads", "N", "intra-op threads (0 = all cores)", cmd_threads},
    {"cache", "[METHOD]", "the specialization cache", cmd_cache},
    {"time", "EXPR [N]", "median/min/p90 of N runs and the first-call split", cmd_time},
    {"vars", "", "the variables", cmd_vars},
    {"classes", "", "the module tree, parameters and buffers", cmd_classes},
    {"ops", "[METHOD]", "the operators used", cmd_ops},
    {"help", "", "this text", cmd_help},
    {"quit", "", "leave (also :q, :exit, Ctrl-D)", cmd_quit},
    {NULL, NULL, NULL, NULL}};

/* ---- one line ---- */

/* 0 ok, -1 failed, 1 quit */
static int run_line(repl_session *s, const char *line, int lineno)
{
    repl_stmt st;
    char err[2048];
    if (repl_parse(line, &st, err, sizeof err)) {
        char msg[2200];
        snprintf(msg, sizeof msg, "%s\nhint: :help shows the syntax", err);
        report(s, lineno, line, st.err_pos, msg);
        return -1;
    }
    int rc = 0;
    if (st.kind == REPL_S_COMMAND) {
        const char *name = st.name;
        if (!strcmp(name, "q") || !strcmp(name, "exit"))
            name = "quit";
        const cmd *c = COMMANDS;
        while (c->name && strcmp(c->name, name))
            c++;
        if (c->name)
            rc = c->fn(s, st.rest, lineno);
        else
            rc = failf(s, lineno, "unknown command ':%s'\nhint: :help lists the commands",
                       st.name);
    } else if (st.kind == REPL_S_EXPR || st.kind == REPL_S_ASSIGN) {
        int pos;
        tsj_value *v = repl_eval(s, st.expr, err, sizeof err, &pos);
        if (!v) {
            report(s, lineno, line, pos, err);
            rc = -1;
        } else if (st.kind == REPL_S_ASSIGN) {
            if (repl_var_set(s, st.name, v))
                rc = failf(s, lineno, "out of memory");
        } else if (tsj_value_kind(v) != TSJ_KIND_NONE) {
            char *text = NULL;
            if (tsj_value_format(v, &text) == TSJ_OK) {
                fputs(text, stdout);
                if (!text[0] || text[strlen(text) - 1] != '\n')
                    putchar('\n');
                tsj_string_free(text);
            } else {
                char buf[256];
                repl_value_summary(v, buf, sizeof buf);
                printf("%s\n", buf);
            }
        }
        tsj_value_release(v);
    }
    repl_stmt_free(&st);
    fflush(stdout);
    return rc;
}

/* ---- completion ---- */

static repl_session *completion_session;

typedef struct cand_iter {
    int stage;
    size_t i;
} cand_iter;

/* Candidates in order: (commands) or (methods, variables, builtins, dtypes). */
static const char *next_candidate(cand_iter *it, int commands)
{
    repl_session *s = completion_session;
    static const char *const extra[] = {"float32", "float64", "int64",  "int32", "int16",
                                        "int8",    "uint8",   "bool",   "dtype", "None",
                                        "True",    "False",   NULL};
    for (;;) {
        size_t i = it->i++;
        if (commands) {
            if (COMMANDS[i].name)
                return COMMANDS[i].name;
            return NULL;
        }
        switch (it->stage) {
        case 0:
            if (s->model && i < tsj_model_method_count(s->model))
                return tsj_model_method_name(s->model, i);
            break;
        case 1:
            if (i < s->nvars)
                return s->vars[i].name;
            break;
        case 2:
            if (repl_builtin_names[i])
                return repl_builtin_names[i];
            break;
        case 3:
            if (extra[i])
                return extra[i];
            break;
        default:
            return NULL;
        }
        it->stage++;
        it->i = 0;
    }
}

static char *complete_word(const char *text, int state, int commands)
{
    static cand_iter it;
    if (!state)
        it = (cand_iter){0};
    const char *prefix = commands && text[0] == ':' ? text + 1 : text;
    size_t n = strlen(prefix);
    const char *c;
    while ((c = next_candidate(&it, commands)))
        if (!strncmp(c, prefix, n)) {
            if (!commands)
                return strdup(c);
            char *r = malloc(strlen(c) + 2);
            if (r)
                sprintf(r, ":%s", c);
            return r;
        }
    return NULL;
}

static char *complete_command(const char *text, int state) { return complete_word(text, state, 1); }
static char *complete_name(const char *text, int state) { return complete_word(text, state, 0); }

static char **complete(const char *text, int start, int end)
{
    const char *line = rl_line_buffer;
    int quotes = 0;
    for (int i = 0; i < start && line[i]; i++)
        quotes += line[i] == '"';
    int lead = 0;
    while (line[lead] == ' ')
        lead++;
    rl_attempted_completion_over = 1;
    if (quotes % 2 || (line[lead] == ':' && !strncmp(line + lead, ":load ", 6) && start > lead)) {
        rl_attempted_completion_over = 0; /* a path: libedit completes file names */
        return NULL;
    }
    if (line[lead] == ':' && start <= lead) {
        rl_completion_append_character = ' ';
        return rl_completion_matches(text, complete_command);
    }
    /* A unique match that is a function gets its '(' appended. */
    char **m = rl_completion_matches(text, complete_name);
    rl_completion_append_character = '\0';
    /* one match: GNU readline gives {match}, libedit {match, match} */
    if (m && m[0] && (!m[1] || (!m[2] && !strcmp(m[0], m[1])))) {
        repl_session *s = completion_session;
        int callable = s->model && tsj_model_method_signature(s->model, m[0]) &&
                       !repl_var_get(s, m[0]);
        for (size_t i = 0; repl_builtin_names[i]; i++)
            callable |= !strcmp(repl_builtin_names[i], m[0]);
        rl_completion_append_character = callable ? '(' : '\0';
    }
    return m;
}

/* ---- the session ---- */

static char *history_path(void)
{
    const char *p = getenv("TSJIT_HISTORY");
    if (p && p[0])
        return strdup(p);
    const char *home = getenv("HOME");
    if (!home || !home[0])
        return NULL;
    size_t n = strlen(home) + 32;
    char *r = malloc(n);
    if (r)
        snprintf(r, n, "%s/.tsjit_history", home);
    return r;
}

static int loop_interactive(repl_session *s)
{
    char *hist = history_path();
    rl_readline_name = "tsjit";
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = " \t\n\"'(),[]=";
    rl_completer_word_break_characters = (char *)" \t\n\"'(),[]=";
    completion_session = s;
    using_history();
    stifle_history(1000);
    if (hist)
        read_history(hist);
    printf("tsjit %s REPL: :help for commands and syntax, Tab completes, Ctrl-D quits\n",
           tsj_version());
    for (;;) {
        char *line = readline(s->model ? "tsjit> " : "tsjit (no model)> ");
        if (!line) {
            putchar('\n');
            break;
        }
        if (line[strspn(line, " \t")]) {
            HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1)
                                                  : NULL;
            if (!last || strcmp(last->line, line))
                add_history(line);
            if (hist)
                write_history(hist);
        }
        int rc = run_line(s, line, 0);
        free(line);
        if (rc > 0)
            break;
    }
    completion_session = NULL;
    if (hist)
        history_truncate_file(hist, 1000);
    free(hist);
    return 0; /* an interactive session's errors have been seen */
}

static int loop_piped(repl_session *s)
{
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, failures = 0;
    while (getline(&line, &cap, stdin) >= 0) {
        int rc = run_line(s, line, ++lineno);
        if (rc > 0)
            break;
        failures += rc < 0;
    }
    free(line);
    if (failures)
        fprintf(stderr, "tsjit repl: %d line(s) failed\n", failures);
    return failures ? 1 : 0;
}

int tool_repl(int argc, char **argv)
{
    const char *model_path = NULL, *mode = NULL, *threads = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--mode") || !strcmp(a, "--threads")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tsjit repl: %s needs a value\n%s", a, REPL_USAGE);
                return 2;
            }
            *(a[2] == 'm' ? &mode : &threads) = argv[++i];
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(REPL_USAGE, stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tsjit repl: unknown option '%s'\n%s", a, REPL_USAGE);
            return 2;
        } else if (!model_path) {
            model_path = a;
        } else {
            fprintf(stderr, "tsjit repl: one model at a time (got '%s')\n%s", a, REPL_USAGE);
            return 2;
        }
    }
    repl_session s = {.interactive = isatty(0) && isatty(1)};
    snprintf(s.mode, sizeof s.mode, "jit");
    repl_seed(&s, 0);
    if (!(s.opts = tsj_options_create())) {
        fprintf(stderr, "tsjit repl: out of memory\n");
        return 1;
    }
    if ((mode && tsj_options_set(s.opts, "mode", mode)) ||
        (threads && tsj_options_set(s.opts, "threads", threads))) {
        fprintf(stderr, "tsjit repl: bad --mode or --threads (mode: jit|interp, threads: 0-1024)\n");
        tsj_options_free(s.opts);
        return 2;
    }
    if (mode)
        snprintf(s.mode, sizeof s.mode, "%s", mode);
    if (threads)
        s.threads = atoi(threads);
    int status = 0;
    if (model_path && cmd_load(&s, model_path, 0))
        status = 1;
    if (s.interactive)
        loop_interactive(&s);
    else if (loop_piped(&s))
        status = 1;
    for (size_t i = 0; i < s.nvars; i++) {
        free(s.vars[i].name);
        tsj_value_release(s.vars[i].value);
    }
    free(s.vars);
    free(s.model_path);
    tsj_model_free(s.model);
    tsj_options_free(s.opts);
    return status;
}
