#!/usr/bin/env bash
# test.sh — the README's test command: installs what is missing, builds
# tsjit twice (normal, and with ASan+UBSan) and runs the whole suite in
# both builds; then builds the libFuzzer targets with clang (build-fuzz),
# makes their seeds, replays the inputs of earlier findings
# (tests/fuzz/run.sh regress) and fuzzes every target for a short while
# (run.sh smoke). Any failure, and any fuzzer finding, fails the script.
# Environment:
#   TSJ_SKIP_SANITIZE=1  run only the normal build's suite (no ASan/UBSan build)
#   TSJ_SKIP_FUZZ=1      no fuzz build, no regress or smoke run
#   TSJ_FUZZ_SECONDS     seconds per fuzz target in the smoke run (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

run_suite() { # build-dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  (cd "$dir" && ctest --output-on-failure -j"$jobs")
}

run_suite build
if [[ "${TSJ_SKIP_SANITIZE:-0}" != 1 ]]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -DTSJ_SANITIZE=ON
fi

if [[ "${TSJ_SKIP_FUZZ:-0}" != 1 ]]; then
  cmake -S . -B build-fuzz -DTSJ_FUZZ=ON -DCMAKE_C_COMPILER=clang -DTSJ_TESTS=OFF >/dev/null
  cmake --build build-fuzz -j"$jobs" --target fuzz_all
  bash tests/fuzz/make_seeds.sh build/fuzz-seeds
  bash tests/fuzz/run.sh regress
  if ! TSJ_FUZZ_SEEDS=build/fuzz-seeds JOBS="$jobs" \
       bash tests/fuzz/run.sh smoke "${TSJ_FUZZ_SECONDS:-60}"; then
    # the machine may not outlive the run: show what was found
    for f in build-fuzz/fuzz-logs/*.failed; do
      [[ -e $f ]] || continue
      t=$(basename "$f" .failed)
      echo "---- build-fuzz/fuzz-logs/$t.log (last 60 lines)"
      tail -n 60 "build-fuzz/fuzz-logs/$t.log"
    done
    echo "test.sh: the fuzz smoke run found something; the inputs are under tests/fuzz/findings/" >&2
    exit 1
  fi
fi
