#!/usr/bin/env bash
# test_corpus_report.sh — tools/corpus_report.py on a tiny corpus-like
# directory made of fixture models (tests/data/fixtures, no torch, no
# ../shared): the three tables with one row per non-error case (an error case
# is skipped), --csv, --only, --mode interp, TSJ_CORPUS as the default corpus,
# a missing torch runner (tsjit columns only), usage errors (exit 2); then
# the `info --jit` parsing on canned texts from a stand-in tool: a signature
# the compiler refused (every node in the interpreter, counted on the
# load-time IR, "~"), and a node list with every tag (fused in a guarded
# group, native control flow, kernel call, prim::CallMethod = interpreter,
# an unknown tag). TSJIT = the tool, TSJ_TEST_DATA = tests/data,
# TSJ_SOURCE_DIR = the repository.
set -uo pipefail
: "${TSJIT:?TSJIT must name the tsjit tool}"
D=${TSJ_TEST_DATA:?}/fixtures
SRC=${TSJ_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REPORT=$SRC/tools/corpus_report.py
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3) || { echo "no python3"; exit 77; }
[[ -f $REPORT ]] || { echo "tools/corpus_report.py missing"; exit 77; }
for c in seed_cnn_traced loop_int_arg export_method seed_list_embed_lstm seed_checked_int_ok; do
    [[ -f $D/$c/model.pt ]] || { echo "fixture $c missing"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check LABEL FILE PATTERN: grep -E the pattern in the file
    if grep -qE -- "$3" "$2"; then echo "ok   $1"; else
        echo "FAIL $1: no /$3/ in $2:"; sed 's/^/    | /' "$2"; fails=$((fails + 1)); fi
}
check_not() { # check_not LABEL FILE PATTERN
    if grep -qE -- "$3" "$2"; then echo "FAIL $1: /$3/ in $2:"; sed 's/^/    | /' "$2"
        fails=$((fails + 1)); else echo "ok   $1"; fi
}
expect_status() { # expect_status LABEL WANT GOT
    [[ $2 == "$3" ]] && echo "ok   $1" || { echo "FAIL $1: status $3, want $2"; fails=$((fails + 1)); }
}

# The corpus: fixture directories linked in; args relative to the corpus
# directory as in make_corpus.py's manifest (a list argument included).
C=$tmp/corpus
mkdir -p "$C"
for c in seed_cnn_traced loop_int_arg export_method seed_list_embed_lstm seed_checked_int_ok \
         seed_checked_int_bad_dtype; do
    ln -s "$D/$c" "$C/$c"
done
cat > "$C/manifest.json" <<'EOF'
{"corpus": "test", "format": 1, "cases": [
 {"name": "seed_cnn_traced", "model": "seed_cnn_traced/model.pt", "method": "forward",
  "args": ["seed_cnn_traced/in.0.npy"]},
 {"name": "loop_int_arg", "model": "loop_int_arg/model.pt", "method": "forward",
  "args": ["loop_int_arg/in.0.npy", "3"]},
 {"name": "export_method", "model": "export_method/model.pt", "method": "score",
  "args": ["export_method/in.0.npy", "export_method/in.1.npy"]},
 {"name": "seed_list_embed_lstm", "model": "seed_list_embed_lstm/model.pt", "method": "forward",
  "args": ["[seed_list_embed_lstm/in.0.npy,seed_list_embed_lstm/in.1.npy,seed_list_embed_lstm/in.2.npy,seed_list_embed_lstm/in.3.npy]"]},
 {"name": "seed_checked_int_bad_dtype", "model": "seed_checked_int_ok/model.pt",
  "method": "forward", "args": ["seed_checked_int_bad_dtype/in.0.npy",
  "seed_checked_int_bad_dtype/in.1.npy"], "expect_error": "must have dtype torch.int64"}
]}
EOF

num='[0-9]+\.[0-9]'
"$PY" "$REPORT" --corpus "$C" --tsjit "$TSJIT" --skip-torch --csv "$tmp/r.csv" \
    > "$tmp/out" 2> "$tmp/err"
expect_status "report over the corpus" 0 $?
cat "$tmp/out"
check "header" "$tmp/out" '^## Corpus report'
check "4 cases" "$tmp/out" '4 case\(s\) \(error cases skipped\)'
check "torch skipped" "$tmp/out" 'torch not measured: --skip-torch'
check "RSS table" "$tmp/out" '^\| case +\| tsjit RSS MB \|$'
check "node table" "$tmp/out" '^\| case +\| nodes \| fused \| guarded \| control flow \| kernel calls \| interpreter \| native % \| compiled % \|$'
check "first-call table" "$tmp/out" '^\| case +\| tsjit load ms \| tsjit first call ms \|$'
for c in seed_cnn_traced loop_int_arg export_method seed_list_embed_lstm; do
    n=$(grep -cE "^\| $c +\|" "$tmp/out")
    [[ $n == 3 ]] && echo "ok   $c: a row in each table" ||
        { echo "FAIL $c: $n row(s), want 3"; fails=$((fails + 1)); }
    check "$c: RSS" "$tmp/out" "^\| $c +\| +$num \|$"
    check "$c: nodes" "$tmp/out" "^\| $c +\|( +[0-9]+ \|){6} +$num \| +$num \|$"
    check "$c: first call" "$tmp/out" "^\| $c +\| +$num+ \| +$num+ \|$"
done
check "totals row" "$tmp/out" '^\| \*\*all\*\* +\|( +[0-9]+ \|){6} +[0-9.]+ \| +[0-9.]+ \|$'
check "footnote defines native" "$tmp/out" 'native % = \(nodes - interpreter\) / nodes'
check_not "error case skipped" "$tmp/out" 'seed_checked_int_bad_dtype'
check_not "no failures" "$tmp/out" 'FAILED|Failures:'
check "progress on stderr" "$tmp/err" '^\[4/4\] seed_list_embed_lstm$'
check "csv header" "$tmp/r.csv" '^case,tsjit_rss_mb,torch_rss_mb,rss_ratio,nodes,'
n=$(wc -l < "$tmp/r.csv")
[[ $n == 5 ]] && echo "ok   csv: header + 4 rows" || { echo "FAIL csv: $n lines"; fails=$((fails + 1)); }

# TSJ_CORPUS as default, --only, --mode interp, a torch runner that is not there
TSJ_CORPUS=$C "$PY" "$REPORT" --tsjit "$TSJIT" --only loop_int_arg --mode interp \
    --torch-runner "$tmp/none/torch_runner.py" > "$tmp/out2" 2> "$tmp/err2"
expect_status "TSJ_CORPUS, --only, --mode interp" 0 $?
check "one case" "$tmp/out2" '1 case\(s\)'
check "interp mode" "$tmp/out2" '`--mode interp --threads 1`'
check "no torch runner: said so" "$tmp/out2" 'torch not measured: torch runner .*none/torch_runner.py not found'
check "no torch runner: tsjit column only" "$tmp/out2" '^\| loop_int_arg \| +[0-9.]+ \|$'
check_not "--only: other cases left out" "$tmp/out2" 'seed_cnn_traced'

"$PY" "$REPORT" --corpus "$C" --tsjit "$TSJIT" --skip-torch --only nosuch > "$tmp/e1" 2>&1
expect_status "unknown --only case is a usage error" 2 $?
check "unknown case named" "$tmp/e1" 'unknown or error case\(s\): nosuch'
"$PY" "$REPORT" --corpus "$C" --tsjit "$TSJIT" --skip-torch \
    --only seed_checked_int_bad_dtype > "$tmp/e2" 2>&1
expect_status "an error case is not measurable" 2 $?
env -u TSJ_CORPUS "$PY" "$REPORT" --tsjit "$TSJIT" --skip-torch > "$tmp/e3" 2>&1
expect_status "no corpus is a usage error" 2 $?
check "no corpus: said so" "$tmp/e3" 'give --corpus DIR or set TSJ_CORPUS'
"$PY" "$REPORT" --corpus "$C" --tsjit "$tmp/no-tsjit" --skip-torch > "$tmp/e4" 2>&1
expect_status "missing tool is a usage error" 2 $?

# `info --jit` parsing on canned texts: a stand-in tool answers `info --jit`
# with $FAKE_INFO and passes everything else to the real one.
cat > "$tmp/fake-tsjit" <<EOF
#!/usr/bin/env bash
if [[ \$1 == info && \$2 == --jit ]]; then cat "\$FAKE_INFO"; exit 0; fi
exec "$TSJIT" "\$@"
EOF
chmod +x "$tmp/fake-tsjit"
cat > "$tmp/refused.txt" <<'EOF'
method __torch__.M.forward
signature (self, float32[3, 3, 12, 12])
target x86_64-pc-linux-gnu cpu=generic
result: runs in the interpreter: an operator without a shape rule
compile time: specialize 0.010 ms, fuse+plan 0.000 ms, emit 0.000 ms, optimize 0.000 ms, codegen+link 0.000 ms, total 0.000 ms
EOF
FAKE_INFO=$tmp/refused.txt "$PY" "$REPORT" --corpus "$C" --tsjit "$tmp/fake-tsjit" \
    --skip-torch --only seed_cnn_traced > "$tmp/out3" 2> "$tmp/err3"
expect_status "refused signature" 0 $?
check "refused: every node in the interpreter, counted on the load-time IR" "$tmp/out3" \
    '^\| seed_cnn_traced \| +~([1-9][0-9]*) \| +0 \| +0 \| +0 \| +0 \| +[1-9][0-9]* \| +0\.0 \| +0\.0 \|$'
check "refused: the reason in the notes" "$tmp/out3" 'whole signature in the interpreter: an operator without a shape rule'

cat > "$tmp/tags.txt" <<'EOF'
method __torch__.M.forward
signature (self, float32[3, 3, 12, 12])
target x86_64-pc-linux-gnu cpu=generic
result: compiled
compile time: specialize 0.010 ms, fuse+plan 0.010 ms, emit 0.100 ms, optimize 1.000 ms, codegen+link 1.000 ms, total 2.120 ms
nodes: 1 fused into 1 loop(s), 1 native control flow, 2 kernel call(s) through the interpreter's kernels
arena: 0 bytes, 0 buffer(s)

== specialized IR ==
graph(%self : __torch__.M, %x : Tensor):
  %5 : Tensor = aten::relu(%x)
  return (%5)

== fusion groups ==
group 0: loop over [3, 3, 12, 12], 1 op(s), guarded (slow path: the kernels)
    %5 = aten::relu
  in  %x : float32[3, 3, 12, 12] (guarded)
  out %5 : float32[3, 3, 12, 12] (guarded) -> new tensor

== how each node runs ==
  %5 : float32[3, 3, 12, 12] (guarded) = aten::relu   [fused: group 0, loop runs here]
  %6 : Tensor = prim::If   [native control flow]
    block0:
      %7 : Tensor = prim::CallMethod   [kernel via cg_rt_node]
    block1:
      %8 : float32[3, 4, 10, 10] = aten::conv2d   [kernel via cg_rt_node]
  %9 : Tensor = aten::mystery   [somewhere else]

== LLVM IR (optimized) ==
define i32 @tsj_0(ptr %0) {   [not a node]
EOF
FAKE_INFO=$tmp/tags.txt "$PY" "$REPORT" --corpus "$C" --tsjit "$tmp/fake-tsjit" \
    --skip-torch --only seed_cnn_traced > "$tmp/out4" 2> "$tmp/err4"
expect_status "every tag" 0 $?
check "every tag: counts" "$tmp/out4" \
    '^\| seed_cnn_traced \| +5 \| +1 \| +1 \| +1 \| +1 \| +2 \| +60\.0 \| +40\.0 \|$'
check "every tag: the unknown one in the notes" "$tmp/out4" 'unknown tag \[somewhere else\] on aten::mystery'
check_not "every tag: agrees with the nodes: line" "$tmp/out4" 'differ from'

echo "$fails failure(s)"
[[ $fails == 0 ]]
