#!/usr/bin/env bash
# run.sh [smoke|long|regress] [SECONDS] [TARGET...] — runs the libFuzzer targets.
#   smoke: 60 s per target (default); long: 3600 s per target; SECONDS
#   overrides either. regress: no fuzzing, each target runs once over the
#   inputs under tests/fuzz/regress/<target>/ and tests/fuzz/findings/<target>/
#   and reports every one that still fails.
#   TARGETs default to all five: fuzz_archive fuzz_pickle fuzz_parse fuzz_npy
#   fuzz_repl (archive bytes end to end, data.pkl, TorchScript source, .npy,
#   one line of the REPL's language).
#   Targets run JOBS at a time (default: nproc).
# Environment:
#   TSJ_FUZZ_BUILD  build dir configured with -DTSJ_FUZZ=ON -DCMAKE_C_COMPILER=clang
#                   (default <source>/build-fuzz; its fuzz/ holds the binaries)
#   TSJ_FUZZ_SEEDS  seed corpora (default <source>/build/fuzz-seeds; made by
#                   make_seeds.sh when missing)
#   JOBS, RSS_MB (default 2048), TIMEOUT (seconds per input, default 20)
#   FUZZ_FLAGS      extra libFuzzer flags, e.g. "-fork=1 -ignore_crashes=1
#                   -ignore_timeouts=1" to keep going after a finding
# Each target grows its own corpus in $TSJ_FUZZ_BUILD/fuzz-corpus/<target>
# (the seeds are only read), logs to $TSJ_FUZZ_BUILD/fuzz-logs/<target>.log,
# and saves crashing / hanging / leaking inputs to
# tests/fuzz/findings/<target>/ (crash-*, timeout-*, leak-*, oom-*).
# Exit status: 0 when no target found anything, 1 otherwise, 2 usage.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
BUILD="${TSJ_FUZZ_BUILD:-$SRC/build-fuzz}"
SEEDS="${TSJ_FUZZ_SEEDS:-$SRC/build/fuzz-seeds}"
RSS_MB="${RSS_MB:-2048}"
TIMEOUT="${TIMEOUT:-20}"
JOBS="${JOBS:-$(nproc)}"

mode="${1:-smoke}"
case "$mode" in
smoke) secs=60 ;;
long) secs=3600 ;;
regress) secs=0 ;;
-h | --help) sed -n '2,/^# Exit status/p' "$0"; exit 0 ;;
*) echo "usage: run.sh [smoke|long|regress] [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
shift $(($# ? 1 : 0))
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
    secs="$1"
    shift
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_archive fuzz_pickle fuzz_parse fuzz_npy fuzz_repl)

for t in "${targets[@]}"; do
    if [ ! -x "$BUILD/fuzz/$t" ]; then
        echo "run.sh: $BUILD/fuzz/$t is missing; build it with:" >&2
        echo "  cmake -S $SRC -B $BUILD -DTSJ_FUZZ=ON -DCMAKE_C_COMPILER=clang -DTSJ_TESTS=OFF" >&2
        echo "  cmake --build $BUILD -j --target fuzz_all" >&2
        exit 2
    fi
done
if [ "$mode" = regress ]; then
    status=0
    for t in "${targets[@]}"; do
        inputs=()
        for d in "$HERE/regress/$t" "$HERE/findings/$t"; do
            [ -d "$d" ] && while IFS= read -r -d '' f; do inputs+=("$f"); done \
                < <(find "$d" -type f -print0)
        done
        bad=0
        for f in "${inputs[@]}"; do
            if ! ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
                 UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
                 timeout 300 "$BUILD/fuzz/$t" -rss_limit_mb="$RSS_MB" -malloc_limit_mb="$RSS_MB" \
                 -timeout="$TIMEOUT" "$f" > "$BUILD/fuzz-regress.log" 2>&1; then
                bad=$((bad + 1))
                echo "$t: STILL FAILS $f"
                grep -m2 -E 'ERROR:|runtime error|SUMMARY' "$BUILD/fuzz-regress.log" | sed 's/^/    /'
            fi
        done
        printf '%-13s %d inputs, %d still failing\n' "$t" "${#inputs[@]}" "$bad"
        [ $bad -eq 0 ] || status=1
    done
    exit $status
fi
[ -d "$SEEDS/fuzz_repl" ] || bash "$HERE/make_seeds.sh" "$SEEDS" || exit 1

mkdir -p "$BUILD/fuzz-logs"
dict_for() {
    case "$1" in
    fuzz_archive)
        cat "$HERE/archive.dict" "$HERE/pickle.dict" "$HERE/torchscript.dict" \
            > "$BUILD/fuzz-logs/archive-all.dict"
        echo "$BUILD/fuzz-logs/archive-all.dict" ;;
    fuzz_pickle) echo "$HERE/pickle.dict" ;;
    fuzz_parse) echo "$HERE/torchscript.dict" ;;
    fuzz_npy) echo "$HERE/npy.dict" ;;
    fuzz_repl) echo "$HERE/repl.dict" ;;
    esac
}
maxlen_for() {
    case "$1" in
    fuzz_archive) echo 131072 ;;
    fuzz_pickle) echo 65536 ;;
    fuzz_parse) echo 32768 ;;
    fuzz_repl) echo 4096 ;;
    *) echo 32768 ;;
    esac
}

run_one() {
    local t="$1" corpus="$BUILD/fuzz-corpus/$1" findings="$HERE/findings/$1"
    mkdir -p "$corpus" "$findings"
    touch "$BUILD/fuzz-logs/$t.start"
    # -fork-less, one process: a crash stops the target; ASan options make
    # a leak or any sanitizer report a finding.
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:abort_on_error=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
        "$BUILD/fuzz/$t" "$corpus" "$SEEDS/$t" \
        -dict="$(dict_for "$t")" -max_len="$(maxlen_for "$t")" \
        -max_total_time="$secs" -rss_limit_mb="$RSS_MB" -malloc_limit_mb="$RSS_MB" \
        -timeout="$TIMEOUT" -artifact_prefix="$findings/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
        > "$BUILD/fuzz-logs/$t.log" 2>&1
    local rc=$?
    # with -fork=1 -ignore_crashes=1 libFuzzer exits 0 after findings: count
    # the artifacts this run saved
    local new
    new="$(find "$findings" -type f -newer "$BUILD/fuzz-logs/$t.start" | wc -l)"
    [ "$new" -eq 0 ] || [ $rc -ne 0 ] || rc=1
    local execs
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$BUILD/fuzz-logs/$t.log" | grep -o '[0-9]*$')"
    # -fork mode prints no final stats: take the last status line's count
    [ -n "$execs" ] || execs="$(grep -o '^#[0-9]*' "$BUILD/fuzz-logs/$t.log" | tail -n 1 | tr -d '#')"
    if [ $rc -eq 0 ]; then
        printf '%-13s ok     %6ss  %s execs\n' "$t" "$secs" "${execs:-?}"
    else
        printf '%-13s FOUND  %s new artifact(s)  see %s and %s\n' "$t" "$new" \
            "$BUILD/fuzz-logs/$t.log" "$findings"
        touch "$BUILD/fuzz-logs/$t.failed"
        grep -m3 -E 'ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error|SUMMARY' \
            "$BUILD/fuzz-logs/$t.log" | sed 's/^/    /'
    fi
    return $rc
}

echo "fuzzing ${targets[*]} for ${secs}s each, $JOBS at a time (logs: $BUILD/fuzz-logs)"
status=0
for t in "${targets[@]}"; do rm -f "$BUILD/fuzz-logs/$t.failed"; done
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
        wait -n || status=1
    done
    run_one "$t" &
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
    wait -n || status=1
done
wait
for t in "${targets[@]}"; do [ ! -e "$BUILD/fuzz-logs/$t.failed" ] || status=1; done
exit $status
