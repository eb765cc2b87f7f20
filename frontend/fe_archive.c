/*
 * fe_archive.c — the `.pt` zip container: libzip handle, a sorted index of
 * the entries under the top-level folder, version check, bounded reads.
 */
#include "fe_archive.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct fe_entry {
    char *rel;          /* name below the root folder, malloc'd */
    zip_uint64_t index; /* libzip's index                        */
    uint64_t size;      /* declared uncompressed size            */
} fe_entry;

struct fe_archive {
    zip_t *zip;
    pthread_mutex_t lock; /* serializes libzip calls */
    char *name;
    char *root;
    int version;
    fe_entry *entries; /* sorted by rel */
    size_t nentries;
    const char **code; /* rel names of code/<path>.py, sorted */
    size_t ncode;
    const char **extra; /* rel names of extra/..., sorted */
    size_t nextra;
};

static char *dup_str(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static bool has_suffix(const char *s, const char *x)
{
    size_t n = strlen(s), m = strlen(x);
    return n >= m && strcmp(s + n - m, x) == 0;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const fe_entry *)a)->rel, ((const fe_entry *)b)->rel);
}

static const fe_entry *find_entry(const fe_archive *a, const char *rel)
{
    fe_entry key = {.rel = (char *)rel};
    return bsearch(&key, a->entries, a->nentries, sizeof *a->entries, entry_cmp);
}

/* Maps a libzip open error to our status and message. */
static void open_error(rt_err *e, const char *name, int zep)
{
    switch (zep) {
    case ZIP_ER_NOZIP:
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: not a zip archive", name);
        break;
    case ZIP_ER_MEMORY:
        rt_err_nomem(e);
        break;
    case ZIP_ER_EXISTS:
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: duplicate entry names in the archive", name);
        break;
    case ZIP_ER_MULTIDISK:
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: multi-disk zip archives are not supported", name);
        break;
    default: {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zep);
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: corrupt zip archive (%s)", name,
                   zip_error_strerror(&ze));
        zip_error_fini(&ze);
        break;
    }
    }
}

void fe_archive_close(fe_archive *a)
{
    if (!a)
        return;
    if (a->zip)
        zip_discard(a->zip);
    for (size_t i = 0; i < a->nentries; i++)
        free(a->entries[i].rel);
    free(a->entries);
    free(a->code);
    free(a->extra);
    free(a->name);
    free(a->root);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

/* Builds the sorted entry index and the code/extra lists. */
static int index_entries(fe_archive *a, const fe_archive_limits *lim, rt_err *e)
{
    zip_int64_t n = zip_get_num_entries(a->zip, 0);
    if (n < 0)
        return rt_err_set(e, TSJ_ERR_FORMAT, "%s: cannot list the archive's entries", a->name);
    if ((uint64_t)n > lim->max_entries)
        return rt_err_set(e, TSJ_ERR_LIMIT, "%s: archive has %lld entries (limit %zu)", a->name,
                          (long long)n, lim->max_entries);
    a->entries = calloc((size_t)n ? (size_t)n : 1, sizeof *a->entries);
    if (!a->entries)
        return rt_err_nomem(e);
    uint64_t total = 0;
    for (zip_uint64_t i = 0; i < (zip_uint64_t)n; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(a->zip, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
            !(st.valid & ZIP_STAT_SIZE))
            return rt_err_set(e, TSJ_ERR_FORMAT, "%s: cannot read the header of entry %llu",
                              a->name, (unsigned long long)i);
        const char *slash = strchr(st.name, '/');
        if (!slash || slash == st.name)
            return rt_err_set(e, TSJ_ERR_FORMAT,
                              "%s: entry '%s' is not inside the archive's top-level folder",
                              a->name, st.name);
        size_t rootlen = (size_t)(slash - st.name);
        if (!a->root) {
            if (!(a->root = dup_str(st.name, rootlen)))
                return rt_err_nomem(e);
        } else if (strlen(a->root) != rootlen || memcmp(a->root, st.name, rootlen) != 0) {
            return rt_err_set(e, TSJ_ERR_FORMAT,
                              "%s: archive has more than one top-level folder ('%s' and '%.*s')",
                              a->name, a->root, (int)rootlen, st.name);
        }
        const char *rel = slash + 1;
        if (*rel == '\0' || has_suffix(rel, "/")) /* a directory */
            continue;
        if (st.size > lim->max_total_bytes - total)
            return rt_err_set(e, TSJ_ERR_LIMIT,
                              "%s: entries declare more than %llu bytes in total (entry '%s' "
                              "declares %llu)",
                              a->name, (unsigned long long)lim->max_total_bytes, rel,
                              (unsigned long long)st.size);
        total += st.size;
        fe_entry *en = &a->entries[a->nentries];
        if (!(en->rel = dup_str(rel, strlen(rel))))
            return rt_err_nomem(e);
        en->index = i;
        en->size = st.size;
        a->nentries++;
    }
    if (!a->root)
        return rt_err_set(e, TSJ_ERR_FORMAT, "%s: archive is empty", a->name);
    qsort(a->entries, a->nentries, sizeof *a->entries, entry_cmp);
    for (size_t i = 1; i < a->nentries; i++)
        if (strcmp(a->entries[i - 1].rel, a->entries[i].rel) == 0)
            return rt_err_set(e, TSJ_ERR_FORMAT, "%s: duplicate entry '%s'", a->name,
                              a->entries[i].rel);

    a->code = calloc(a->nentries + 1, sizeof *a->code);
    a->extra = calloc(a->nentries + 1, sizeof *a->extra);
    if (!a->code || !a->extra)
        return rt_err_nomem(e);
    for (size_t i = 0; i < a->nentries; i++) {
        const char *rel = a->entries[i].rel;
        if (has_prefix(rel, "code/") && has_suffix(rel, ".py"))
            a->code[a->ncode++] = rel;
        else if (has_prefix(rel, "extra/"))
            a->extra[a->nextra++] = rel;
    }
    return 0;
}

/* Parses the `version` entry: decimal digits with optional surrounding
 * whitespace. */
static int read_version(fe_archive *a, rt_err *e)
{
    const char *rel = "version";
    if (!find_entry(a, rel) && find_entry(a, ".data/version"))
        rel = ".data/version";
    uint64_t declared = 0;
    if (!fe_archive_has(a, rel, &declared))
        return rt_err_set(e, TSJ_ERR_FORMAT, "%s: missing entry 'version'", a->name);
    if (declared > 64)
        return rt_err_set(e, TSJ_ERR_FORMAT, "%s: entry '%s' is not a version number (%llu bytes)",
                          a->name, rel, (unsigned long long)declared);
    void *buf;
    size_t size;
    if (fe_archive_read(a, rel, &buf, &size, e))
        return -1;
    const char *s = buf, *end = s + size;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    long long v = 0;
    const char *digits = s;
    while (s < end && *s >= '0' && *s <= '9' && s - digits < 9)
        v = v * 10 + (*s++ - '0');
    bool ok = s > digits;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    ok = ok && s == end;
    if (!ok) {
        char shown[65];
        size_t k = 0;
        for (const char *p = buf; p < end && k < sizeof shown - 1; p++)
            shown[k++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
        shown[k] = '\0';
        free(buf);
        return rt_err_set(e, TSJ_ERR_FORMAT, "%s: entry '%s' is not a version number ('%s')",
                          a->name, rel, shown);
    }
    free(buf);
    if (v < FE_ARCHIVE_MIN_VERSION || v > FE_ARCHIVE_MAX_VERSION)
        return rt_err_set(e, TSJ_ERR_UNSUPPORTED,
                          "%s: unsupported archive format version %lld (supported: %d-%d)",
                          a->name, v, FE_ARCHIVE_MIN_VERSION, FE_ARCHIVE_MAX_VERSION);
    a->version = (int)v;
    return 0;
}

fe_archive *fe_archive_open_ex(const char *path, const void *data, size_t size,
                               const char *name, const fe_archive_limits *limits, rt_err *e)
{
    fe_archive_limits lim = {FE_ARCHIVE_MAX_ENTRIES, FE_ARCHIVE_MAX_TOTAL_BYTES};
    if (limits && limits->max_entries)
        lim.max_entries = limits->max_entries;
    if (limits && limits->max_total_bytes)
        lim.max_total_bytes = limits->max_total_bytes;
    if (!path && !data && size) {
        rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT, "archive buffer is NULL");
        return NULL;
    }
    fe_archive *a = calloc(1, sizeof *a);
    if (!a) {
        rt_err_nomem(e);
        return NULL;
    }
    if (pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a);
        rt_err_set(e, TSJ_ERR_INTERNAL, "cannot create a mutex");
        return NULL;
    }
    const char *shown = path ? path : name ? name : "<memory>";
    if (!(a->name = dup_str(shown, strlen(shown)))) {
        rt_err_nomem(e);
        goto fail;
    }

    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = path ? zip_source_file_create(path, 0, -1, &ze)
                             : zip_source_buffer_create(data, size, 0, &ze);
    if (!src) {
        int code = zip_error_code_zip(&ze), sys = zip_error_code_system(&ze);
        zip_error_fini(&ze);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_NOENT || code == ZIP_ER_READ)
            rt_err_set(e, TSJ_ERR_IO, "%s: cannot open: %s", a->name,
                       sys ? strerror(sys) : "no such file");
        else
            open_error(e, a->name, code);
        goto fail;
    }
    a->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!a->zip) {
        int code = zip_error_code_zip(&ze), sys = zip_error_code_system(&ze);
        zip_source_free(src);
        zip_error_fini(&ze);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_NOENT)
            rt_err_set(e, TSJ_ERR_IO, "%s: cannot open: %s", a->name,
                       sys ? strerror(sys) : "no such file");
        else
            open_error(e, a->name, code);
        goto fail;
    }
    zip_error_fini(&ze);

    if (index_entries(a, &lim, e) || read_version(a, e))
        goto fail;
    if (!find_entry(a, "data.pkl")) {
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: missing entry 'data.pkl'", a->name);
        goto fail;
    }
    return a;
fail:
    fe_archive_close(a);
    return NULL;
}

fe_archive *fe_archive_open_file(const char *path, rt_err *e)
{
    if (!path) {
        rt_err_set(e, TSJ_ERR_INVALID_ARGUMENT, "archive path is NULL");
        return NULL;
    }
    return fe_archive_open_ex(path, NULL, 0, NULL, NULL, e);
}

fe_archive *fe_archive_open_buffer(const void *data, size_t size, rt_err *e)
{
    return fe_archive_open_ex(NULL, data, size, NULL, NULL, e);
}

const char *fe_archive_name(const fe_archive *a) { return a->name; }
const char *fe_archive_root(const fe_archive *a) { return a->root; }
int fe_archive_version(const fe_archive *a) { return a->version; }

bool fe_archive_has(const fe_archive *a, const char *rel_name, uint64_t *size)
{
    const fe_entry *en = find_entry(a, rel_name);
    if (en && size)
        *size = en->size;
    return en != NULL;
}

/* Reads entry `en` into dst (room for exactly en->size bytes) and checks
 * that the data ends there with a good CRC. Called with the lock held. */
static int read_locked(fe_archive *a, const fe_entry *en, void *dst, rt_err *e)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(a->zip, en->index, 0, &st) == 0 && (st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
        st.encryption_method != ZIP_EM_NONE)
        return rt_err_set(e, TSJ_ERR_UNSUPPORTED, "%s: entry '%s' is encrypted", a->name,
                          en->rel);
    if ((st.valid & ZIP_STAT_COMP_METHOD) && !zip_compression_method_supported(st.comp_method, 0))
        return rt_err_set(e, TSJ_ERR_UNSUPPORTED,
                          "%s: entry '%s' uses unsupported compression method %d", a->name,
                          en->rel, (int)st.comp_method);
    zip_file_t *f = zip_fopen_index(a->zip, en->index, 0);
    if (!f) {
        zip_error_t *ze = zip_get_error(a->zip);
        int code = zip_error_code_zip(ze);
        if (code == ZIP_ER_MEMORY)
            return rt_err_nomem(e);
        return rt_err_set(e, TSJ_ERR_FORMAT, "%s: cannot open entry '%s' (%s)", a->name, en->rel,
                          zip_error_strerror(ze));
    }
    uint64_t done = 0;
    int rc = 0;
    while (done < en->size) {
        uint64_t want = en->size - done;
        if (want > ((uint64_t)1 << 30))
            want = (uint64_t)1 << 30;
        zip_int64_t got = zip_fread(f, (char *)dst + done, want);
        if (got < 0) {
            zip_error_t *ze = zip_file_get_error(f);
            int code = zip_error_code_zip(ze);
            if (code == ZIP_ER_CRC)
                rc = rt_err_set(e, TSJ_ERR_FORMAT, "%s: entry '%s' is corrupt (CRC mismatch)",
                                a->name, en->rel);
            else if (code == ZIP_ER_EOF || code == ZIP_ER_READ)
                rc = rt_err_set(e, TSJ_ERR_FORMAT,
                                "%s: entry '%s' is truncated (read %llu of %llu bytes)", a->name,
                                en->rel, (unsigned long long)done, (unsigned long long)en->size);
            else
                rc = rt_err_set(e, TSJ_ERR_FORMAT, "%s: cannot read entry '%s' (%s)", a->name,
                                en->rel, zip_error_strerror(ze));
            goto out;
        }
        if (got == 0) {
            rc = rt_err_set(e, TSJ_ERR_FORMAT,
                            "%s: entry '%s' is truncated (read %llu of %llu bytes)", a->name,
                            en->rel, (unsigned long long)done, (unsigned long long)en->size);
            goto out;
        }
        done += (uint64_t)got;
    }
    /* One more read reaches the end of the entry; libzip checks the CRC
     * there and we check that nothing follows the declared size. */
    char extra;
    zip_int64_t got = zip_fread(f, &extra, 1);
    if (got > 0) {
        rc = rt_err_set(e, TSJ_ERR_FORMAT, "%s: entry '%s' holds more than its declared %llu bytes",
                        a->name, en->rel, (unsigned long long)en->size);
    } else if (got < 0) {
        zip_error_t *ze = zip_file_get_error(f);
        if (zip_error_code_zip(ze) == ZIP_ER_CRC)
            rc = rt_err_set(e, TSJ_ERR_FORMAT, "%s: entry '%s' is corrupt (CRC mismatch)", a->name,
                            en->rel);
        else
            rc = rt_err_set(e, TSJ_ERR_FORMAT, "%s: cannot read entry '%s' (%s)", a->name,
                            en->rel, zip_error_strerror(ze));
    }
out:
    zip_fclose(f);
    return rc;
}

static const fe_entry *entry_or_error(fe_archive *a, const char *rel, rt_err *e)
{
    const fe_entry *en = rel ? find_entry(a, rel) : NULL;
    if (!en)
        rt_err_set(e, TSJ_ERR_FORMAT, "%s: missing entry '%s'", a->name, rel ? rel : "(null)");
    return en;
}

int fe_archive_read(fe_archive *a, const char *rel_name, void **data, size_t *size, rt_err *e)
{
    *data = NULL;
    *size = 0;
    const fe_entry *en = entry_or_error(a, rel_name, e);
    if (!en)
        return -1;
    if (en->size >= SIZE_MAX)
        return rt_err_set(e, TSJ_ERR_LIMIT, "%s: entry '%s' is too large", a->name, en->rel);
    char *buf = malloc((size_t)en->size + 1);
    if (!buf)
        return rt_err_set(e, TSJ_ERR_NOMEM, "out of memory reading entry '%s' (%llu bytes)",
                          en->rel, (unsigned long long)en->size);
    pthread_mutex_lock(&a->lock);
    int rc = read_locked(a, en, buf, e);
    pthread_mutex_unlock(&a->lock);
    if (rc) {
        free(buf);
        return -1;
    }
    buf[en->size] = '\0';
    *data = buf;
    *size = (size_t)en->size;
    return 0;
}

rt_storage *fe_archive_load_storage(fe_archive *a, const char *rel_name, rt_err *e)
{
    const fe_entry *en = entry_or_error(a, rel_name, e);
    if (!en)
        return NULL;
    if (en->size > SIZE_MAX / 2) {
        rt_err_set(e, TSJ_ERR_LIMIT, "%s: entry '%s' is too large", a->name, en->rel);
        return NULL;
    }
    rt_storage *s = rt_storage_new_uninit((size_t)en->size, e);
    if (!s)
        return NULL;
    pthread_mutex_lock(&a->lock);
    int rc = read_locked(a, en, s->data, e);
    pthread_mutex_unlock(&a->lock);
    if (rc) {
        rt_storage_release(s);
        return NULL;
    }
    return s;
}

size_t fe_archive_code_count(const fe_archive *a) { return a->ncode; }
const char *fe_archive_code_path(const fe_archive *a, size_t i)
{
    return i < a->ncode ? a->code[i] : NULL;
}
size_t fe_archive_extra_count(const fe_archive *a) { return a->nextra; }
const char *fe_archive_extra_path(const fe_archive *a, size_t i)
{
    return i < a->nextra ? a->extra[i] : NULL;
}
