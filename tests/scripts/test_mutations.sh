#!/usr/bin/env bash
# test_mutations.sh — `tsjit info` on damaged and hostile archives must exit 1
# with a message on stderr naming the file; it must never die by a signal,
# hang (timeout 20 s each) or print a sanitizer report. Under TSJ_SANITIZE=ON
# the tool itself is built with ASan/UBSan, so the same run checks memory too.
#
# Inputs, all derived from the small valid tests/data/archive/scripted.pt:
#   - truncations made here: at every 1/64th of the file and at each of its
#     last 64 bytes (the zip's central directory and end record);
#   - tests/data/mutations/*.pt (tests/gen/gen_mutations.py): bit flips in
#     data.pkl with a valid CRC, each entry removed, hostile pickles, short
#     storages, damaged source code, bad versions — MANIFEST says for each
#     whether it must fail ("fail"), must fail under --strict ("strict": an
#     unknown operator, which by design fails only the call that reaches it),
#     may also load ("any": torch loads it) or is known to load although
#     torch refuses it ("lenient", counted);
#   - the broken archives of tests/data/archive/ listed in BROKEN below
#     (os.system, eval, 100 000 nested MARKs, version 999, short storage, CRC
#     errors, ...) must fail; any other .pt there must at least not crash.
# Environment: TSJIT (the tool), TSJ_TEST_DATA (tests/data). Exit 77: skipped.
set -u
TSJIT="${TSJIT:-}"
DATA="${TSJ_TEST_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)}"
if [ -z "$TSJIT" ] || [ ! -x "$TSJIT" ]; then
    echo "test_mutations: TSJIT is not set to the tsjit tool; skipped"
    exit 77
fi
BASE="$DATA/archive/scripted.pt"
MUT="$DATA/mutations"
if [ ! -f "$BASE" ] || [ ! -f "$MUT/MANIFEST" ]; then
    echo "test_mutations: $BASE or $MUT/MANIFEST missing; skipped"
    exit 77
fi
command -v timeout >/dev/null || { echo "test_mutations: no timeout(1); skipped"; exit 77; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# a leak is a failure too; keep sanitizer reports recognizable on stderr
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

BROKEN="bitflip_data_pkl corrupt_pickle duplicate empty eval missing_data_pkl missing_storage
missing_version nested_marks not_a_zip os_system oversized_entry short_storage top_level_file
truncated_entry truncated_half two_roots version_999 version_text"

pass=0
fail=0
loaded=0
lenient=0
declare -A counts

# check FILE EXPECT LABEL — EXPECT: fail / strict (exit 1 required; strict
# runs info --strict), any or lenient (0 or 1)
check() {
    local file="$1" expect="$2" label="$3" rc err opts=()
    [ "$expect" != strict ] || opts=(--strict)
    timeout -k 5 20 "$TSJIT" info "${opts[@]}" "$file" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    err="$(cat "$TMP/err")"
    local why=""
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        why="hung (timeout after 20 s)"
    elif [ $rc -gt 128 ]; then
        why="died by signal $((rc - 128))"
    elif grep -qE 'Sanitizer|runtime error:' "$TMP/err"; then
        why="sanitizer report (exit $rc)"
    elif [ $rc -eq 1 ]; then
        if [ -z "$err" ]; then
            why="exit 1 without a message"
        elif ! grep -qF -- "$file" "$TMP/err"; then
            why="message does not name the file"
        elif [ -s "$TMP/out" ]; then
            why="exit 1 but printed to stdout as well"
        elif [ "$(grep -c '^tsjit info:' "$TMP/err")" -ne 1 ]; then
            why="not exactly one 'tsjit info:' message"
        fi
    elif [ $rc -eq 0 ]; then
        case "$expect" in
        fail | strict) why="loaded (exit 0) but must be refused" ;;
        lenient) lenient=$((lenient + 1)); echo "NOTE $label: loaded, although torch refuses it" ;;
        *) loaded=$((loaded + 1)) ;;
        esac
    else
        why="exit $rc (expected 1)"
    fi
    if [ -n "$why" ]; then
        fail=$((fail + 1))
        echo "FAIL $label: $why"
        sed -n '1,12p' "$TMP/err" | sed 's/^/    /'
    else
        pass=$((pass + 1))
    fi
}

# ---- 1. the valid base loads (otherwise every check below is moot)
if ! timeout 20 "$TSJIT" info "$BASE" > "$TMP/out" 2> "$TMP/err"; then
    echo "FAIL the valid base $BASE does not load:"
    cat "$TMP/err"
    exit 1
fi

# ---- 2. truncations
size=$(stat -c %s "$BASE")
declare -A seen
points=()
for k in $(seq 0 63); do points+=($((size * k / 64))); done
for k in $(seq 1 64); do points+=($((size - k))); done
n=0
for p in "${points[@]}"; do
    [ "$p" -ge 0 ] && [ "$p" -lt "$size" ] || continue
    [ -z "${seen[$p]:-}" ] || continue
    seen[$p]=1
    head -c "$p" "$BASE" > "$TMP/trunc_$p.pt"
    check "$TMP/trunc_$p.pt" fail "truncated to $p of $size bytes"
    rm -f "$TMP/trunc_$p.pt"
    n=$((n + 1))
done
counts[truncation]=$n

# ---- 3. generated mutations
n=0
while read -r expect name what; do
    case "$expect" in '' | '#'*) continue ;; esac
    if [ ! -f "$MUT/$name" ]; then
        echo "FAIL $name: listed in MANIFEST but missing"
        fail=$((fail + 1))
        continue
    fi
    check "$MUT/$name" "$expect" "$name ($what)"
    n=$((n + 1))
done < "$MUT/MANIFEST"
counts[generated]=$n

# ---- 4. the broken archives of tests/data/archive
n=0
for f in "$DATA"/archive/*.pt; do
    b="$(basename "$f" .pt)"
    case " $(echo $BROKEN) " in
    *" $b "*) check "$f" fail "archive/$b.pt" ;;
    *) check "$f" any "archive/$b.pt" ;;
    esac
    n=$((n + 1))
done
counts[archive]=$n

echo "test_mutations: $pass passed, $fail failed ($((pass + fail)) runs:" \
     "${counts[truncation]} truncations, ${counts[generated]} generated," \
     "${counts[archive]} from tests/data/archive; loaded: $loaded harmless," \
     "$lenient lenient)"
[ $fail -eq 0 ]
