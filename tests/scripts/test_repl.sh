#!/usr/bin/env bash
# test_repl.sh — a scripted `tsjit repl` session (stdin piped: no prompt,
# every line runs, exit status 1 when a line failed): load a fixture model,
# load its input from .npy, call forward, print and save the result, index
# a tuple result, :ir, :time, an unknown command that fails, and the checks
# on all of that output. TSJIT = the tool, TSJ_TEST_DATA = tests/data.
set -uo pipefail
: "${TSJIT:?TSJIT must name the tsjit tool}"
D=${TSJ_TEST_DATA:?}/fixtures
[[ -f $D/seed_int_arg_scripted/model.pt && -f $D/nested_result/model.pt ]] ||
    { echo "fixtures missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check LABEL FILE PATTERN: grep -E the pattern in the file
    if grep -qE -- "$3" "$2"; then echo "ok   $1"; else
        echo "FAIL $1: no /$3/ in $2:"; sed 's/^/    | /' "$2"; fails=$((fails + 1)); fi
}

cat > "$tmp/session.txt" <<EOF
:load $D/seed_int_arg_scripted/model.pt
:methods
x = load("$D/seed_int_arg_scripted/in.0.npy")
y = forward(x, -3)
y
load("$D/seed_int_arg_scripted/expected.npy")
save(y, "$tmp/y.npy")
load("$tmp/y.npy")
:sig forward
:ir forward
:time forward(x, -3) 5
:frobnicate
forward(x)
z = forward(x, 2
:vars
:load $D/nested_result/model.pt
r = forward(randn(3, 4))
r[2][0]
r[1]
:quit
this line is never read
EOF
TSJIT_HISTORY=$tmp/history "$TSJIT" repl < "$tmp/session.txt" > "$tmp/out" 2> "$tmp/err"
rc=$?
echo "exit status $rc"
[[ $rc == 1 ]] && echo "ok   exit status 1 because lines failed" ||
    { echo "FAIL exit status $rc, want 1"; fails=$((fails + 1)); }

check "model loaded, signature listed" "$tmp/out" '^loaded .*seed_int_arg_scripted/model.pt in [0-9.]+ m?s: 1 method'
check ":methods" "$tmp/out" '^forward\(Tensor x, int n\) -> Tensor$'
check "result printed PyTorch-style" "$tmp/out" '^tensor\(\[\[-?[0-9]+\.[0-9]{4}'
# y, the reference and y read back from y.npy print identically
awk -v dir="$tmp" '/^tensor/ {n++; on = 1} on && n <= 3 {print > (dir "/t" n)} /\)$/ {on = 0}' \
    "$tmp/out"
if [[ -s $tmp/t1 ]] && cmp -s "$tmp/t1" "$tmp/t2" && cmp -s "$tmp/t1" "$tmp/t3"; then
    echo "ok   forward(x, -3) matches expected.npy and the saved y.npy"
else
    echo "FAIL result, reference and saved file differ:"; cat "$tmp/t1" "$tmp/t2" "$tmp/t3"
    fails=$((fails + 1))
fi
[[ -f $tmp/y.npy ]] && echo "ok   y.npy written" || { echo "FAIL no y.npy"; fails=$((fails + 1)); }
check ":ir prints the graph" "$tmp/out" '^graph\(%self.*%x : Tensor, %n : int\)'
check ":ir shows the add" "$tmp/out" 'aten::add'
check ":time median/min/p90" "$tmp/out" '^5 runs: median [0-9.]+ (us|ms), min [0-9.]+ (us|ms), p90'
check ":time first and second call" "$tmp/out" '^first call [0-9.]+ (us|ms), second call [0-9.]+ (us|ms)$'
check ":time compile split" "$tmp/out" '^(first|second) call = later call [0-9.]+ (us|ms) \+ [0-9.]+ (us|ms) overhead'
check "unknown command reported" "$tmp/err" "^error \(line 12\): unknown command ':frobnicate'"
check "unknown command hint" "$tmp/err" '^hint: :help lists the commands'
check "bad call explained" "$tmp/err" "^error \(line 13\): forward\(\) is missing value for argument 'n'"
check "bad call hint" "$tmp/err" '^hint: check the arguments against the signature'
check "syntax error with caret" "$tmp/err" '^  z = forward\(x, 2$'
check "syntax error message" "$tmp/err" "^error \(line 14\): expected ',' or '\)' in the call of forward"
check ":vars lists x" "$tmp/out" '^x +Tensor float32\[4, 3\]'
check ":vars lists y" "$tmp/out" '^y +Tensor float32\[4, 3\]'
check "tuple result indexed: r[2][0] is an int" "$tmp/out" '^[0-9]+$'
check "tuple result indexed: r[1] is a list of two tensors" "$tmp/out" '^\[tensor\('
check "failure count" "$tmp/err" '^tsjit repl: 3 line\(s\) failed$'
if grep -q "never read" "$tmp/out" "$tmp/err"; then
    echo "FAIL :quit did not stop the session"; fails=$((fails + 1))
fi

# a clean script exits 0; history is not written when stdin is not a terminal
printf 'a = arange(6)\na[5]\n' | TSJIT_HISTORY=$tmp/history "$TSJIT" repl > "$tmp/out2" 2>&1
rc=$?
[[ $rc == 0 ]] && grep -qx 'tensor(5)' "$tmp/out2" && echo "ok   clean script exits 0" ||
    { echo "FAIL clean script: status $rc"; cat "$tmp/out2"; fails=$((fails + 1)); }
[[ ! -e $tmp/history ]] && echo "ok   no history file in piped mode" ||
    { echo "FAIL history written in piped mode"; fails=$((fails + 1)); }

echo "$fails failure(s)"
[[ $fails == 0 ]]
