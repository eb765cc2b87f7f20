#!/usr/bin/env bash
# test_exit_stress.sh — many short `tsjit run` processes in jit mode, each
# compiling (TSJ_JIT_THRESHOLD=1 and the default 2) and exiting at once:
# every one must exit 0. Guards against work left running at exit (a
# background compile once crashed 1 exit in ~50 inside LLVM's static
# destructors). TSJIT = the tool, TSJ_TEST_DATA = tests/data.
set -uo pipefail
: "${TSJIT:?TSJIT must name the tsjit tool}"
F=${TSJ_TEST_DATA:?}/fixtures/seed_int_arg_scripted
[[ -f $F/model.pt ]] || { echo "fixture missing"; exit 77; }
runs=${TSJ_EXIT_RUNS:-40}
[[ ${TSJ_SANITIZE:-} == ON ]] && runs=10 # each process is slower there
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
for i in $(seq 1 "$runs"); do
    th=$((i % 2 + 1))
    TSJ_JIT_THRESHOLD=$th "$TSJIT" run "$F/model.pt" --out "$tmp" --bench $((i % 3)) \
        -- "$F/in.0.npy" 3 > "$tmp/log" 2>&1
    rc=$?
    if [[ $rc != 0 ]]; then
        echo "FAIL run $i (jit_threshold $th): exit status $rc"
        sed 's/^/    | /' "$tmp/log"
        fails=$((fails + 1))
    fi
done
echo "$runs runs, $fails failed"
[[ $fails == 0 ]]
