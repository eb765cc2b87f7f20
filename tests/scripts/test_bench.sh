#!/usr/bin/env bash
# test_bench.sh — `tsjit bench` on a small fixture model: the table's lines
# (load, first call in the interpreter, compiling call = compile + run, median, min, p90), --json, --profile
# (a per-operator table, or the clear "not available" line while the build
# has no "profile" option), and usage errors (exit 2) and model errors (1).
set -uo pipefail
: "${TSJIT:?TSJIT must name the tsjit tool}"
F=${TSJ_TEST_DATA:?}/fixtures/seed_cnn_traced
[[ -f $F/model.pt ]] || { echo "fixture missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check LABEL FILE PATTERN
    if grep -qE -- "$3" "$2"; then echo "ok   $1"; else
        echo "FAIL $1: no /$3/ in $2:"; sed 's/^/    | /' "$2"; fails=$((fails + 1)); fi
}
expect_status() { # expect_status LABEL WANT GOT
    [[ $2 == "$3" ]] && echo "ok   $1" || { echo "FAIL $1: status $3, want $2"; fails=$((fails + 1)); }
}

"$TSJIT" bench "$F/model.pt" --runs 7 --threads 1 -- "$F/in.0.npy" > "$tmp/out" 2>&1
expect_status "bench runs" 0 $?
num='[0-9]+\.[0-9]+ (us|ms)'
check "model line" "$tmp/out" "^model +.*seed_cnn_traced/model.pt$"
check "method signature" "$tmp/out" '^method +forward\(Tensor x\) -> Tensor$'
check "runs and threads" "$tmp/out" '^mode +jit, threads 1, 7 runs after 2 warm-up'
check "load" "$tmp/out" "^load +$num$"
check "first call" "$tmp/out" "^first call +$num  \(interpreter"
check "compiling call" "$tmp/out" "^compiling call +$num  = compile \+ run"
check "compile part" "$tmp/out" "^  compile +$num"
check "run part" "$tmp/out" "^  run +$num"
check "median" "$tmp/out" "^median +$num$"
check "min" "$tmp/out" "^min +$num$"
check "p90" "$tmp/out" "^p90 +$num$"

# compile progress (shown on a terminal after 0.5 s; forced here, at once)
TSJ_PROGRESS=1 TSJ_PROGRESS_AFTER=0 "$TSJIT" run "$F/model.pt" --out "$tmp" --bench 2 \
    -- "$F/in.0.npy" > /dev/null 2> "$tmp/progress"
expect_status "run with progress" 0 $?
check "progress: a stage" "$tmp/progress" '^compiling forward: optimizing \(LLVM O3\)  [0-9.]+ s$'
check "progress: the end" "$tmp/progress" '^compiled forward in [0-9.]+ s$'
TSJ_PROGRESS=0 TSJ_PROGRESS_AFTER=0 "$TSJIT" run "$F/model.pt" --out "$tmp" --bench 2 \
    -- "$F/in.0.npy" > /dev/null 2> "$tmp/quiet"
[[ ! -s $tmp/quiet ]] && echo "ok   TSJ_PROGRESS=0 is quiet" ||
    { echo "FAIL TSJ_PROGRESS=0 printed:"; cat "$tmp/quiet"; fails=$((fails + 1)); }

# compiling at the first call (TSJ_JIT_THRESHOLD=1): the first call is the compiling one
TSJ_JIT_THRESHOLD=1 "$TSJIT" bench "$F/model.pt" --runs 3 --threads 1 -- "$F/in.0.npy" > "$tmp/t1" 2>&1
expect_status "bench with threshold 1" 0 $?
check "threshold 1: first call compiles" "$tmp/t1" "^first call +$num  = compile \+ run"

"$TSJIT" bench "$F/model.pt" --runs 3 --json -- "$F/in.0.npy" > "$tmp/json" 2>&1
expect_status "--json runs" 0 $?
check "--json line" "$tmp/json" '^\{"load_ms":[0-9.]+,"first_call_ms":[0-9.]+,"compile_ms":[0-9.]+,"runs":3,"median_us":[0-9.]+,"min_us":[0-9.]+,"p90_us":[0-9.]+,"second_call_ms":[0-9.]+\}$'

"$TSJIT" bench "$F/model.pt" --runs 3 --profile -- "$F/in.0.npy" > "$tmp/prof" 2>&1
expect_status "--profile runs" 0 $?
if grep -q "profiling not available in this build" "$tmp/prof"; then
    echo "ok   --profile: not available in this build (said so)"
else
    check "--profile table header" "$tmp/prof" '^operator +calls +total ms +us/call +share$'
    check "--profile convolution row" "$tmp/prof" '^aten::_?convolution +3 '
    check "--profile call count" "$tmp/prof" '^3 profiled call\(s\)'
fi

"$TSJIT" bench "$F/model.pt" --runs 0 -- "$F/in.0.npy" > "$tmp/e1" 2>&1
expect_status "--runs 0 is a usage error" 2 $?
"$TSJIT" bench "$F/model.pt" --bogus > "$tmp/e2" 2>&1
expect_status "unknown option is a usage error" 2 $?
check "usage printed" "$tmp/e2" '^usage: tsjit bench MODEL.pt'
"$TSJIT" bench "$F/model.pt" -- "$F/in.0.npy" 5 > "$tmp/e3" 2>&1
expect_status "wrong arguments fail with 1" 1 $?
check "the model's message" "$tmp/e3" 'expected at most 1 argument'
"$TSJIT" bench "$tmp/missing.pt" > "$tmp/e4" 2>&1
expect_status "missing model fails with 1" 1 $?

echo "$fails failure(s)"
[[ $fails == 0 ]]
