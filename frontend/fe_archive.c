/*
 * fe_archive.c — the `.pt` zip container: libzip handle, a sorted index of
 * the entries under the top-level folder, version check, bounded reads.
 */
#include "fe_archive.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

/* One central-directory record as parsed by us (parse_central_dir), kept
 * only to locate STORED entries' data for the direct path. Offsets are
 * into the archive image (the mapping or the caller's buffer). */
typedef struct fe_cdent {
    const uint8_t *name; /* raw name bytes inside the image */
    uint64_t hdr_off;    /* local header offset                        */
    uint64_t csize, usize;
    uint64_t end_limit; /* next local header (or the central directory):
                           the entry's data must end at or before it    */
    uint32_t crc;
    uint16_t nlen, method, flags;
    bool ok; /* zip64 fields resolved, offsets inside the image        */
} fe_cdent;

typedef struct fe_entry {
    char *rel;          /* name below the root folder, malloc'd */
    zip_uint64_t index; /* libzip's index                        */
    uint64_t size;      /* declared uncompressed size            */
    const fe_cdent *cd; /* our parse of its record; NULL: libzip only */
    bool handed_out;    /* its bytes in the mapping back a storage (lock) */
} fe_entry;

/* The read-only file mapping (MAP_PRIVATE, copy-on-write) and its fd,
 * shared by the archive and every zero-copy storage. */
typedef struct fe_map {
    atomic_int refs;
    int fd;
    uint8_t *base;
    size_t size;
} fe_map;

struct fe_archive {
    zip_t *zip;
    pthread_mutex_t lock; /* serializes libzip calls and handed_out */
    char *name;
    char *root;
    int version;
    fe_entry *entries; /* sorted by rel */
    size_t nentries;
    const char **code; /* rel names of code/<path>.py, sorted */
    size_t ncode;
    const char **extra; /* rel names of extra/..., sorted */
    size_t nextra;
    fe_map *map;          /* file archives: the mapping; NULL for buffers */
    const uint8_t *image; /* map->base or the caller's buffer; NULL: none */
    size_t image_size;
    fe_cdent *cd; /* our central-directory parse, libzip's order; NULL */
    size_t ncd;
    bool verify_storage_crc, copy_storages;
};

static void map_release(fe_map *m)
{
    if (m && atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) {
        munmap(m->base, m->size);
        close(m->fd);
        free(m);
    }
}

/* rt_storage release callback of a zero-copy storage. */
static void map_storage_release(void *data, void *ctx)
{
    (void)data;
    map_release(ctx);
}

/* ---- CRC-32 (zip's polynomial), slice-by-8; only for the opt-in check
 * of storage records read on the direct path (libzip checks the rest) ---- */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    pthread_once(&crc_once, crc_init);
    uint32_t c = 0xFFFFFFFFu;
    while (n >= 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                           (uint32_t)p[3] << 24);
        c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
            crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^ crc_table[3][p[4]] ^
            crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--)
        c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* ---- our own reading of the zip structures (little-endian) ---- */
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_EOCD64_LOC 0x07064b50u
#define LOCAL_HDR 30
#define CENTRAL_HDR 46
#define EOCD_LEN 22

static int u64_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Parses the central directory of a->image into a->cd (every record, in
 * directory order, which is libzip's index order). Anything unexpected
 * leaves a->cd NULL: the direct path is then off and libzip does all
 * reads, as it does for whatever this parse marks not ok. Never an error. */
static void parse_central_dir(fe_archive *a)
{
    const uint8_t *img = a->image;
    size_t size = a->image_size;
    if (!img || size < EOCD_LEN)
        return;
    /* the end-of-central-directory record: the last one whose comment
     * reaches exactly to the end of the file */
    size_t eocd = SIZE_MAX;
    size_t lo = size - EOCD_LEN > 0xFFFF ? size - EOCD_LEN - 0xFFFF : 0;
    for (size_t p = size - EOCD_LEN + 1; p-- > lo;)
        if (le32(img + p) == SIG_EOCD && p + EOCD_LEN + le16(img + p + 20) == size) {
            eocd = p;
            break;
        }
    if (eocd == SIZE_MAX)
        return;
    uint64_t n = le16(img + eocd + 10), cd_size = le32(img + eocd + 12),
             cd_off = le32(img + eocd + 16);
    if (eocd >= 20 && le32(img + eocd - 20) == SIG_EOCD64_LOC) {
        uint64_t z = le64(img + eocd - 20 + 8);
        if (z > eocd - 20 || eocd - 20 - z < 56 || le32(img + z) != SIG_EOCD64)
            return;
        n = le64(img + z + 32);
        cd_size = le64(img + z + 40);
        cd_off = le64(img + z + 48);
    }
    if (cd_off > size || cd_size > size - cd_off || n > cd_size / CENTRAL_HDR || n == 0)
        return;
    fe_cdent *cd = calloc((size_t)n, sizeof *cd);
    uint64_t *offs = malloc(((size_t)n + 1) * sizeof *offs);
    if (!cd || !offs)
        goto fail;
    const uint8_t *q = img + cd_off, *end = img + cd_off + cd_size;
    for (uint64_t i = 0; i < n; i++) {
        if ((size_t)(end - q) < CENTRAL_HDR || le32(q) != SIG_CENTRAL)
            goto fail;
        fe_cdent *c = &cd[i];
        uint16_t nlen = le16(q + 28), xlen = le16(q + 30), clen = le16(q + 32);
        if ((size_t)(end - q) - CENTRAL_HDR < (size_t)nlen + xlen + clen)
            goto fail;
        c->flags = le16(q + 8);
        c->method = le16(q + 10);
        c->crc = le32(q + 16);
        c->csize = le32(q + 20);
        c->usize = le32(q + 24);
        c->hdr_off = le32(q + 42);
        c->nlen = nlen;
        c->name = q + CENTRAL_HDR;
        c->ok = true;
        /* zip64: the saturated fields follow in the 0x0001 extra field,
         * in the order usize, csize, offset */
        bool need_u = c->usize == 0xFFFFFFFFu, need_c = c->csize == 0xFFFFFFFFu,
             need_o = c->hdr_off == 0xFFFFFFFFu;
        if (need_u || need_c || need_o) {
            c->ok = false;
            const uint8_t *x = c->name + nlen, *xend = x + xlen;
            while (xend - x >= 4) {
                uint16_t id = le16(x), len = le16(x + 2);
                if (xend - x - 4 < len)
                    break;
                if (id == 0x0001) {
                    const uint8_t *f = x + 4, *fend = f + len;
                    bool good = true;
                    uint64_t *want[3] = {need_u ? &c->usize : NULL, need_c ? &c->csize : NULL,
                                         need_o ? &c->hdr_off : NULL};
                    for (int k = 0; k < 3; k++) {
                        if (!want[k])
                            continue;
                        if (fend - f < 8) {
                            good = false;
                            break;
                        }
                        *want[k] = le64(f);
                        f += 8;
                    }
                    c->ok = good;
                    break;
                }
                x += 4 + len;
            }
        }
        if (c->hdr_off >= cd_off)
            c->ok = false;
        offs[i] = c->hdr_off;
        q += CENTRAL_HDR + nlen + xlen + clen;
    }
    /* each entry's data must end before the next local header in the
     * file (or the central directory): that rules out entries whose
     * declared size runs into, or overlaps, another entry */
    offs[n] = cd_off;
    qsort(offs, (size_t)n + 1, sizeof *offs, u64_cmp);
    for (uint64_t i = 0; i < n; i++) {
        size_t lo2 = 0, hi = (size_t)n + 1; /* first offset > hdr_off */
        while (lo2 < hi) {
            size_t mid = lo2 + (hi - lo2) / 2;
            if (offs[mid] <= cd[i].hdr_off)
                lo2 = mid + 1;
            else
                hi = mid;
        }
        if (lo2 > n)
            cd[i].ok = false;
        else
            cd[i].end_limit = offs[lo2];
    }
    free(offs);
    a->cd = cd;
    a->ncd = (size_t)n;
    return;
fail:
    free(cd);
    free(offs);
}

/* For a STORED, unencrypted entry whose local header checks out against
 * the central directory and the image bounds: its data's offset in the
 * image. false (use libzip) for anything else. */
static bool direct_span(const fe_archive *a, const fe_entry *en, uint64_t *data_off)
{
    const fe_cdent *c = en->cd;
    if (!a->image || !c || !c->ok || c->method != 0 || (c->flags & 1) || en->size == 0 ||
        c->csize != en->size || c->usize != en->size)
        return false;
    size_t size = a->image_size;
    if (size < LOCAL_HDR || c->hdr_off > size - LOCAL_HDR)
        return false;
    const uint8_t *h = a->image + c->hdr_off;
    uint16_t flags = le16(h + 6), nlen = le16(h + 26), xlen = le16(h + 28);
    if (le32(h) != SIG_LOCAL || (flags & 1) || le16(h + 8) != 0 || nlen != c->nlen)
        return false;
    uint64_t off = c->hdr_off + LOCAL_HDR + nlen + xlen; /* no overflow: hdr_off < size */
    if (off > c->end_limit || en->size > c->end_limit - off || c->end_limit > size)
        return false;
    if (memcmp(h + LOCAL_HDR, c->name, nlen) != 0)
        return false;
    if (!(flags & 8)) { /* sizes in the local header (else in a data descriptor) */
        uint32_t lc = le32(h + 18), lu = le32(h + 22);
        if (!(lc == 0xFFFFFFFFu && lu == 0xFFFFFFFFu) && (lc != c->csize || lu != c->usize))
            return false;
    }
    *data_off = off;
    return true;
}

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
    free(a->cd);
    map_release(a->map); /* zero-copy storages keep their own references */
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
        /* our parse of the same record, if its raw name agrees */
        if (a->cd && (uint64_t)n == a->ncd) {
            const char *raw = zip_get_name(a->zip, i, ZIP_FL_ENC_RAW);
            const fe_cdent *c = &a->cd[i];
            if (raw && strlen(raw) == c->nlen && memcmp(raw, c->name, c->nlen) == 0)
                en->cd = c;
        }
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

/* Maps the file at `path` for a->map. Files that cannot be mapped (not
 * regular, say) are left to libzip's file source: 0 with a->map NULL. */
static int map_file(fe_archive *a, const char *path, rt_err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rt_err_set(e, TSJ_ERR_IO, "%s: cannot open: %s", a->name, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return rt_err_set(e, TSJ_ERR_IO, "%s: cannot open: %s", a->name, strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return rt_err_set(e, TSJ_ERR_IO, "%s: cannot open: %s", a->name, strerror(EISDIR));
    }
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
        close(fd);
        return rt_err_set(e, TSJ_ERR_FORMAT, "%s: not a zip archive", a->name);
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        return 0;
    }
    /* private and writable: in-place ops on module buffers write to this
     * process's copy of a page, never to the file */
    void *base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
        close(fd);
        return 0;
    }
    fe_map *m = malloc(sizeof *m);
    if (!m) {
        munmap(base, (size_t)st.st_size);
        close(fd);
        return rt_err_nomem(e);
    }
    atomic_init(&m->refs, 1);
    m->fd = fd;
    m->base = base;
    m->size = (size_t)st.st_size;
    a->map = m;
    return 0;
}

fe_archive *fe_archive_open_ex(const char *path, const void *data, size_t size,
                               const char *name, const fe_archive_limits *limits, rt_err *e)
{
    fe_archive_limits lim = {.max_entries = FE_ARCHIVE_MAX_ENTRIES,
                             .max_total_bytes = FE_ARCHIVE_MAX_TOTAL_BYTES};
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

    a->verify_storage_crc = limits && limits->verify_storage_crc;
    a->copy_storages = limits && limits->copy_storages;
    if (path && map_file(a, path, e))
        goto fail;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = a->map ? zip_source_buffer_create(a->map->base, a->map->size, 0, &ze)
                        : path ? zip_source_file_create(path, 0, -1, &ze)
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

    if (a->map) {
        a->image = a->map->base;
        a->image_size = a->map->size;
    } else if (!path) {
        a->image = data;
        a->image_size = size;
    }
    parse_central_dir(a);
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

/* Never allocate what an entry cannot hold: its compressed bytes lie inside
 * the file (however large a compressed size it declares), stored data is
 * exactly that many bytes, deflate expands at most ~1032 times. 0, or -1
 * with e set when the declared size is more than that. */
static int check_declared_size(fe_archive *a, const fe_entry *en, rt_err *e)
{
    zip_stat_t st;
    zip_stat_init(&st);
    pthread_mutex_lock(&a->lock);
    int have = zip_stat_index(a->zip, en->index, 0, &st) == 0 &&
               (st.valid & ZIP_STAT_COMP_SIZE) && (st.valid & ZIP_STAT_COMP_METHOD);
    pthread_mutex_unlock(&a->lock);
    if (!have)
        return 0;
    uint64_t held = st.comp_size;
    if (a->image && held > a->image_size) {
        held = a->image_size;
        if (en->size > held && st.comp_method == ZIP_CM_STORE)
            return rt_err_set(e, TSJ_ERR_FORMAT,
                              "%s: entry '%s' is truncated (it declares %llu bytes, the whole "
                              "file has %llu)",
                              a->name, en->rel, (unsigned long long)en->size,
                              (unsigned long long)held);
    }
    uint64_t limit = st.comp_method == ZIP_CM_STORE ? held
                     : held > UINT64_MAX / 1100 ? UINT64_MAX
                                                : held * 1100 + 1024;
    if (en->size > limit)
        return rt_err_set(e, TSJ_ERR_FORMAT,
                          "%s: entry '%s' declares %llu bytes but holds only %llu "
                          "(compressed) bytes",
                          a->name, en->rel, (unsigned long long)en->size,
                          (unsigned long long)held);
    return 0;
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
    if (check_declared_size(a, en, e))
        return -1;
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

/* Reads n bytes at `off` of the mapped file with pread (for a record
 * whose mapped bytes already back a storage and may have been written). */
static int pread_all(fe_archive *a, const fe_entry *en, uint64_t off, void *dst, size_t n,
                     rt_err *e)
{
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(a->map->fd, (char *)dst + done, n - done, (off_t)(off + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return rt_err_set(e, TSJ_ERR_IO, "%s: entry '%s' is truncated (read %zu of %zu bytes)",
                              a->name, en->rel, done, n);
        done += (size_t)got;
    }
    return 0;
}

rt_storage *fe_archive_load_storage(fe_archive *a, const char *rel_name, rt_err *e)
{
    fe_entry *en = (fe_entry *)entry_or_error(a, rel_name, e);
    if (!en)
        return NULL;
    if (en->size > SIZE_MAX / 2) {
        rt_err_set(e, TSJ_ERR_LIMIT, "%s: entry '%s' is too large", a->name, en->rel);
        return NULL;
    }
    size_t n = (size_t)en->size;
    uint64_t off;
    if (direct_span(a, en, &off)) {
        const uint8_t *p = a->image + off;
        bool zero_copy = a->map && !a->copy_storages && off % RT_ALIGN == 0, reread = false;
        pthread_mutex_lock(&a->lock);
        if (en->handed_out)
            reread = true, zero_copy = false;
        else if (zero_copy)
            en->handed_out = true;
        pthread_mutex_unlock(&a->lock);
        if (zero_copy) {
            if (a->verify_storage_crc && crc32_of(p, n) != en->cd->crc) {
                pthread_mutex_lock(&a->lock);
                en->handed_out = false;
                pthread_mutex_unlock(&a->lock);
                rt_err_set(e, TSJ_ERR_FORMAT, "%s: entry '%s' is corrupt (CRC mismatch)", a->name,
                           en->rel);
                return NULL;
            }
            atomic_fetch_add_explicit(&a->map->refs, 1, memory_order_relaxed);
            rt_storage *s = rt_storage_wrap((void *)p, n, map_storage_release, a->map, e);
            if (!s) {
                map_release(a->map);
                pthread_mutex_lock(&a->lock);
                en->handed_out = false;
                pthread_mutex_unlock(&a->lock);
            }
            return s;
        }
        /* a copy: of the image, or of the file when this record's mapped
         * bytes already back a storage that may have written to them */
        rt_storage *s = rt_storage_new_uninit(n, e);
        if (!s)
            return NULL;
        if (reread) {
            if (pread_all(a, en, off, s->data, n, e)) {
                rt_storage_release(s);
                return NULL;
            }
        } else {
            memcpy(s->data, p, n);
        }
        if (a->verify_storage_crc && crc32_of(s->data, n) != en->cd->crc) {
            rt_storage_release(s);
            rt_err_set(e, TSJ_ERR_FORMAT, "%s: entry '%s' is corrupt (CRC mismatch)", a->name,
                       en->rel);
            return NULL;
        }
        return s;
    }
    /* compressed, odd or inconsistent records: libzip, which checks the
     * sizes and the CRC (after the allocation: bound it first) */
    if (check_declared_size(a, en, e))
        return NULL;
    rt_storage *s = rt_storage_new_uninit(n, e);
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
