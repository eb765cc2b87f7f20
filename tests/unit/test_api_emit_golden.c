/*
 * test_api_emit_golden.c — TorchScript source in, printed IR or error out.
 *
 * Every tests/data/emit/NAME.pt is a small archive whose code/__torch__.py
 * is hand-written TorchScript (tests/gen/gen_fixtures.py, EMIT_CASES). The
 * test loads it through the public C ABI (mode interp) and compares
 *   - on success, tsj_model_describe(model, "ir", NULL) — every method's
 *     graph after the load-time passes — with NAME.ir;
 *   - on failure, "error: <status name>\n<message>\nlocation: <file:line:col>\n"
 *     with NAME.err.
 * TSJ_UPDATE_GOLDEN=1 (re)writes the goldens instead of comparing (review
 * every changed golden by eye before committing it). TSJ_EMIT=a,b restricts
 * the run to those cases. All mismatches are reported together.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "tsjit.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names (without the extension) of the files in dir ending in ext. */
static char **list_files(const char *dir, const char *ext, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    char **names = NULL;
    size_t n = 0, cap = 0, el = strlen(ext);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len <= el || strcmp(de->d_name + len - el, ext))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof *names);
            assert_non_null(names);
        }
        names[n] = strndup(de->d_name, len - el);
        assert_non_null(names[n]);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    *count = n;
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int selected(const char *name)
{
    const char *only = getenv("TSJ_EMIT");
    if (!only || !*only)
        return 1;
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !strncmp(p, name, n))
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* The text a case produces; *is_error tells which golden it belongs to. */
static char *emit_text(const char *pt, int *is_error)
{
    tsj_options *opts = tsj_options_create();
    assert_non_null(opts);
    assert_int_equal(tsj_options_set(opts, "mode", "interp"), TSJ_OK);
    tsj_model *model = NULL;
    tsj_error *err = NULL;
    char *text = NULL;
    if (tsj_model_load(pt, opts, &model, &err) == TSJ_OK) {
        char *ir = NULL;
        if (tsj_model_describe(model, "ir", NULL, NULL, 0, &ir, &err) == TSJ_OK) {
            *is_error = 0;
            text = strdup(ir);
            tsj_string_free(ir);
        }
        tsj_model_free(model);
    }
    if (!text) {
        int line = 0, col = 0;
        const char *loc = tsj_error_location(err, &line, &col);
        const char *m = tsj_error_message(err);
        size_t cap = strlen(m) + (loc ? strlen(loc) : 0) + 128;
        text = malloc(cap);
        assert_non_null(text);
        int n = snprintf(text, cap, "error: %s\n%s\n", tsj_status_name(tsj_error_status(err)), m);
        if (loc)
            snprintf(text + n, cap - (size_t)n, "location: %s:%d:%d\n", loc, line, col);
        *is_error = 1;
        tsj_error_free(err);
    }
    tsj_options_free(opts);
    return text;
}

/* Prints the first differing line of two texts. */
static void show_diff(const char *name, const char *want, const char *got)
{
    int line = 1;
    const char *w = want, *g = got;
    while (*w && *g) {
        size_t wl = strcspn(w, "\n"), gl = strcspn(g, "\n");
        if (wl != gl || strncmp(w, g, wl)) {
            printf("  %s: first difference at line %d\n    golden: %.*s\n    got:    %.*s\n", name,
                   line, (int)wl, w, (int)gl, g);
            return;
        }
        w += wl + (w[wl] == '\n');
        g += gl + (g[gl] == '\n');
        line++;
    }
    printf("  %s: first difference at line %d: the %s text is longer\n", name, line,
           *w ? "golden" : "produced");
}

static void emit_goldens(void **state)
{
    (void)state;
    const int update = getenv("TSJ_UPDATE_GOLDEN") && !strcmp(getenv("TSJ_UPDATE_GOLDEN"), "1");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", ts_data_path("emit"));
    size_t n = 0;
    char **names = list_files(dir, ".pt", &n);
    if (n == 0)
        fail_msg("no .pt cases under %s", dir);
    int pass = 0, failed = 0, written = 0, ok_cases = 0, err_cases = 0;
    for (size_t i = 0; i < n; i++) {
        if (!selected(names[i]))
            continue;
        char pt[4200], ir_path[4200], err_path[4200];
        snprintf(pt, sizeof pt, "%s/%s.pt", dir, names[i]);
        snprintf(ir_path, sizeof ir_path, "%s/%s.ir", dir, names[i]);
        snprintf(err_path, sizeof err_path, "%s/%s.err", dir, names[i]);
        int is_error = 0;
        char *got = emit_text(pt, &is_error);
        is_error ? err_cases++ : ok_cases++;
        const char *path = is_error ? err_path : ir_path;
        const char *other = is_error ? ir_path : err_path;
        if (update) {
            char *old = slurp(path);
            if (!old || strcmp(old, got)) {
                if (write_file(path, got))
                    fail_msg("cannot write %s", path);
                printf("[emit] wrote %s\n", path);
                written++;
            }
            free(old);
            remove(other);
            pass++;
            free(got);
            continue;
        }
        char *want = slurp(path);
        char *want_other = slurp(other);
        if (!want && want_other) {
            failed++;
            printf("[emit] FAIL %s: the golden is %s.%s but the case %s:\n%s", names[i], names[i],
                   is_error ? "ir" : "err", is_error ? "failed to load" : "loaded", got);
        } else if (!want) {
            failed++;
            printf("[emit] FAIL %s: no golden %s (run with TSJ_UPDATE_GOLDEN=1 and review it)\n",
                   names[i], path);
        } else if (strcmp(want, got)) {
            failed++;
            printf("[emit] FAIL %s: output differs from %s\n", names[i], path);
            show_diff(names[i], want, got);
        } else {
            pass++;
        }
        free(want);
        free(want_other);
        free(got);
    }
    free_names(names, n);
    printf("[emit] %d cases (%d IR, %d errors): %d %s, %d failed\n", ok_cases + err_cases,
           ok_cases, err_cases, pass, update ? "up to date" : "passed", failed);
    if (update)
        printf("[emit] %d golden(s) written\n", written);
    fflush(stdout);
    if (failed)
        fail_msg("%d emit golden(s) differ (see the FAIL lines above)", failed);
}

/* Every golden belongs to a case; a case has exactly one golden. */
static void goldens_match_cases(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", ts_data_path("emit"));
    size_t npt = 0, nir = 0, nerr = 0;
    char **pts = list_files(dir, ".pt", &npt);
    char **irs = list_files(dir, ".ir", &nir);
    char **errs = list_files(dir, ".err", &nerr);
    int bad = 0;
    for (int k = 0; k < 2; k++) {
        char **g = k ? errs : irs;
        size_t ng = k ? nerr : nir;
        for (size_t i = 0; i < ng; i++)
            if (!bsearch(&g[i], pts, npt, sizeof *pts, cmp_str)) {
                printf("[emit] stale golden %s.%s: no %s.pt\n", g[i], k ? "err" : "ir", g[i]);
                bad++;
            }
    }
    for (size_t i = 0; i < nir; i++)
        if (bsearch(&irs[i], errs, nerr, sizeof *errs, cmp_str)) {
            printf("[emit] %s has both a .ir and a .err golden\n", irs[i]);
            bad++;
        }
    free_names(pts, npt);
    free_names(irs, nir);
    free_names(errs, nerr);
    if (bad)
        fail_msg("%d stale or duplicate golden(s) under %s", bad, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(emit_goldens),
        cmocka_unit_test(goldens_match_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
