/*
 * fe_archive.h — the zip container of a TorchScript `.pt` file (libzip):
 * opening from a path or a memory buffer, the entry index, the format
 * version, bounded reads of entries and of tensor storage records.
 *
 * Layout written by torch.jit.save (PyTorch 1.13): every entry sits under
 * one top-level folder whose name varies ("model/", "archive/", ...):
 *   <root>/version            decimal format version (1..10 load)
 *   <root>/data.pkl           the module object tree (see fe_pickle.h)
 *   <root>/constants.pkl      tuple of tensor constants (CONSTANTS.cN)
 *   <root>/code/<path>.py     TorchScript source, one file per module path
 *   <root>/data/<key>         raw storage bytes of data.pkl's tensors
 *   <root>/constants/<key>    raw storage bytes of constants.pkl's tensors
 *   <root>/extra/<name>       user files (torch.jit.save _extra_files)
 *   *.debug_pkl               source ranges; ignored
 * Every name taken or returned by this API is relative to the root folder
 * ("data.pkl", "data/3", "code/__torch__/m.py").
 *
 * Checks made at open: a zip at all (libzip's central directory), one
 * top-level folder, no duplicate names, entry count and total declared
 * uncompressed size under the limits, `version` present and supported,
 * `data.pkl` present. Reads check actual against declared sizes and the
 * CRC (so overlapping or lying entries fail when read, and a zip bomb
 * stops at the declared sizes, whose total the limit caps). Errors name
 * the archive: "m.pt: missing entry 'data.pkl'",
 * "m.pt: entry 'data/3' is truncated (read 12 of 400 bytes)".
 *
 * Memory: an archive opened from a path is mmap'd whole at open
 * (MAP_PRIVATE, PROT_READ|PROT_WRITE: copy-on-write) and libzip reads from
 * that mapping. Tensor storage records written by torch.jit.save are
 * STORED and 64-byte aligned; fe_archive_load_storage returns those as
 * zero-copy storages pointing into the mapping (owns_data false; each
 * holds a reference on the mapping, so they outlive fe_archive_close).
 * Writes through them (in-place ops on module buffers) change only this
 * process's private copy of the pages, never the file. The mapping is
 * taken at open: appending to the file, or replacing it by rename or
 * unlink, does not affect a loaded model. Truncating or rewriting the
 * file IN PLACE while a model is loaded (e.g. torch.jit.save over the
 * same path) is not safe, as with any mmap'd file: pages not yet touched
 * then read the new bytes, or raise SIGBUS past the new end. Deploy by
 * writing a new file and renaming it over the old one, or set
 * copy_storages. Archives opened from a buffer never point into it:
 * their storages are always copies.
 *
 * The direct path (zero-copy, or a plain copy for buffers and for
 * records not 64-byte aligned) is taken only when our own parse of the
 * central directory and the record's local header agree: signature,
 * method STORED, not encrypted, name, sizes, and the data lying inside
 * the file and before the next entry's local header (so a record whose
 * declared size overlaps another entry is not taken). Anything else
 * (deflated records, odd headers) goes through libzip as before.
 *
 * CRC decision: libzip checks the CRC of every entry it reads, which
 * includes the pickles, code, `version` and extra files (all small).
 * Tensor storage records on the direct path are NOT CRC-checked unless
 * fe_archive_limits.verify_storage_crc is set: checking would read every
 * page of every weight at load (about 20% of load time, and it defeats
 * lazy paging of the mapping). Sizes and bounds are always checked, so a
 * corrupt storage payload loads as wrong numbers, never as an
 * out-of-bounds read. PyTorch behaves the same and goes further: it
 * builds miniz with MINIZ_DISABLE_ZIP_READER_CRC32_CHECKS
 * (cmake/Dependencies.cmake), so torch.jit.load checks no CRC at all,
 * not even for the pickles or code.
 *
 * Threads: an fe_archive may be used from several threads; reads are
 * serialized by a lock inside. No global state.
 */
#ifndef FE_ARCHIVE_H
#define FE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_error.h"
#include "rt_tensor.h"

/* Archive format versions that load (caffe2 inline_container's range). */
#define FE_ARCHIVE_MIN_VERSION 1
#define FE_ARCHIVE_MAX_VERSION 10

/* Default limits. */
#define FE_ARCHIVE_MAX_ENTRIES ((size_t)1 << 20)
#define FE_ARCHIVE_MAX_TOTAL_BYTES ((uint64_t)16 << 30) /* 16 GiB */

typedef struct fe_archive fe_archive;

/* Limits and options; all-zero is the default. */
typedef struct fe_archive_limits {
    size_t max_entries;       /* 0: FE_ARCHIVE_MAX_ENTRIES                  */
    uint64_t max_total_bytes; /* sum of declared uncompressed sizes;
                                 0: FE_ARCHIVE_MAX_TOTAL_BYTES              */
    bool verify_storage_crc;  /* also check the CRC of tensor storage
                                 records (see "CRC decision" above)         */
    bool copy_storages;       /* storages are always copies, never point
                                 into the file mapping                      */
} fe_archive_limits;

/* Opens the archive at `path` (messages name it as given). NULL with e
 * set: TSJ_ERR_IO when the file cannot be opened, TSJ_ERR_FORMAT for a
 * bad or hostile archive ("m.pt: not a zip archive"), TSJ_ERR_UNSUPPORTED
 * for a version outside 1..10, TSJ_ERR_LIMIT past a limit. */
fe_archive *fe_archive_open_file(const char *path, rt_err *e);

/* Opens an archive held in memory. The buffer is borrowed: it must stay
 * alive and unchanged until fe_archive_close. Messages name it
 * "<memory>". */
fe_archive *fe_archive_open_buffer(const void *data, size_t size, rt_err *e);

/* Either of the above with explicit limits (NULL: defaults) and, for a
 * buffer, the name used in messages (NULL: "<memory>"). Exactly one of
 * `path` and `data` is used: `path` when non-NULL. */
fe_archive *fe_archive_open_ex(const char *path, const void *data, size_t size,
                               const char *name, const fe_archive_limits *limits, rt_err *e);

/* Closes and frees; NULL is fine. Storages returned earlier stay valid. */
void fe_archive_close(fe_archive *a);

/* The name used in messages (the path as given, or "<memory>"). */
const char *fe_archive_name(const fe_archive *a);
/* The top-level folder's name without the slash ("model"). */
const char *fe_archive_root(const fe_archive *a);
/* The format version read from `version` (1..10). */
int fe_archive_version(const fe_archive *a);

/* Whether an entry exists; its declared uncompressed size in *size
 * (size may be NULL). */
bool fe_archive_has(const fe_archive *a, const char *rel_name, uint64_t *size);

/* Reads a whole entry into a new malloc'd buffer (caller frees). A NUL is
 * written after the last byte (not counted in *size), so text entries can
 * be used as C strings. 0, or -1 with e set ("missing entry", "truncated",
 * "corrupt (CRC mismatch)", ...). */
int fe_archive_read(fe_archive *a, const char *rel_name, void **data, size_t *size, rt_err *e);

/* The storage record `rel_name` ("data/3", "constants/0") as a new
 * RT_ALIGN-aligned rt_storage whose nbytes is the record's size: for a
 * file archive and a STORED, aligned record, a zero-copy view of the
 * mapping (see "Memory" above); otherwise a copy. The caller owns the
 * returned reference (rt_storage_release). NULL with e set. The caller
 * checks the size against what its tensors need. Loading the same record
 * twice gives two independent storages (the second is read from the
 * file, so writes through the first do not show in it). */
rt_storage *fe_archive_load_storage(fe_archive *a, const char *rel_name, rt_err *e);

/* Source files: every code/<path>.py entry (not *.debug_pkl), sorted by path.
 * The strings are owned by the archive. */
size_t fe_archive_code_count(const fe_archive *a);
const char *fe_archive_code_path(const fe_archive *a, size_t i);

/* Extra files: every extra/<name> entry, sorted. Returns the full
 * relative name ("extra/notes.txt"); read it with fe_archive_read, which
 * NUL-terminates, so it can be kept as a string. */
size_t fe_archive_extra_count(const fe_archive *a);
const char *fe_archive_extra_path(const fe_archive *a, size_t i);

#endif /* FE_ARCHIVE_H */
