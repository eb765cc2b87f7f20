#!/usr/bin/env bash
# test_valgrind.sh — runs a subset of the unit tests under valgrind memcheck
# (no leaks, no invalid accesses). Skipped (77) in sanitizer builds and when
# valgrind is missing. JIT code is generated for a CPU valgrind emulates
# (TSJ_CPU=x86-64-v2), since valgrind cannot execute AVX-512.
set -uo pipefail
[[ "${TSJ_SANITIZE:-OFF}" == ON ]] && { echo "skipped under sanitizers"; exit 77; }
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
export TSJ_CPU=x86-64-v2
status=0
for t in test_rt_value test_rt_npy test_api_abi test_fe_pickle test_fe_parse test_rt_prim \
         test_ir_text test_ir_passes; do
  exe="$TSJ_BUILD_DIR/tests/$t"
  [[ -x "$exe" ]] || continue
  if valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
       --error-exitcode=99 -q "$exe" >"$TSJ_BUILD_DIR/valgrind-$t.log" 2>&1; then
    echo "ok   $t"
  else
    echo "FAIL $t (see $TSJ_BUILD_DIR/valgrind-$t.log)"
    tail -30 "$TSJ_BUILD_DIR/valgrind-$t.log"
    status=1
  fi
done
exit $status
