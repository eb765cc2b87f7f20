#!/usr/bin/env bash
# make_seeds.sh [OUT_DIR] — seed corpora for the libFuzzer targets, built
# from the committed fixtures (default OUT_DIR: <source>/build/fuzz-seeds):
#   fuzz_archive/  every tests/data/**/*.pt
#   fuzz_pickle/   data.pkl / constants.pkl out of those archives, tests/data/pickle/*.pkl
#   fuzz_parse/    code/**/*.py out of those archives, tests/data/parse/**/*.py
#   fuzz_npy/      tests/data/**/*.npy (deduplicated, at most 64 KiB each)
#   fuzz_repl/     one REPL line each: the scripted session of
#                  tests/scripts/test_repl.sh, the README's REPL transcript
#                  (after "tsjit> ") and the lines the parser's unit test
#                  checks (tests/unit/test_api_repl_expr.c: parsed("..."))
# plus, for each target, the inputs of earlier findings: tests/fuzz/regress/<target>/
# (fixed since; kept as regression inputs) and tests/fuzz/findings/<target>/.
# Files are named by content hash, so reruns and duplicates collapse.
# Works on a clean clone (no build needed: everything comes from committed
# files). Needs: unzip, sha1sum.
set -euo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="$SRC/tests/data"
OUT="${1:-$SRC/build/fuzz-seeds}"
TARGETS=(fuzz_archive fuzz_pickle fuzz_parse fuzz_npy fuzz_repl)
for t in "${TARGETS[@]}"; do mkdir -p "$OUT/$t"; done
command -v unzip >/dev/null || { echo "make_seeds.sh: needs unzip" >&2; exit 1; }

# put FILE into DIR under its content hash (stdin when FILE is -)
put() {
    local dir="$1" tmp
    tmp="$(mktemp "$dir/.in.XXXXXX")"
    cat > "$tmp"
    if [ -s "$tmp" ]; then
        mv -f "$tmp" "$dir/$(sha1sum < "$tmp" | cut -c1-40)"
    else
        rm -f "$tmp"
    fi
}

while IFS= read -r -d '' pt; do
    [ -f "$pt" ] && [ -s "$pt" ] || continue
    put "$OUT/fuzz_archive" < "$pt"
    # entries of a (possibly broken) archive; unzip errors are expected
    unzip -Z1 "$pt" 2>/dev/null | while IFS= read -r entry; do
        case "$entry" in
        */data.pkl | */constants.pkl)
            unzip -p "$pt" "$entry" 2>/dev/null | put "$OUT/fuzz_pickle" || true ;;
        */code/*.py)
            unzip -p "$pt" "$entry" 2>/dev/null | put "$OUT/fuzz_parse" || true ;;
        esac
    done || true
done < <(find "$DATA" -name '*.pt' -print0)

# plain files: hash them in bulk, copy each distinct content once
copy_hashed() {
    local dir="$1"
    shift
    find "$@" -print0 2>/dev/null | xargs -0 -r sha1sum |
        while read -r sum f; do
            [ -e "$dir/$sum" ] || cp "$f" "$dir/$sum" 2>/dev/null || true
        done
}
copy_hashed "$OUT/fuzz_pickle" "$DATA/pickle" -name '*.pkl' -size +0
copy_hashed "$OUT/fuzz_parse" "$DATA/parse" -name '*.py' -size +0
copy_hashed "$OUT/fuzz_npy" "$DATA" -name '*.npy' -size +0 -size -65k

# REPL lines, one seed each ($D and $tmp of the session script made concrete;
# the unit test's C string literals unescaped as far as printf %b goes)
repl_lines() {
    sed -n '/<<EOF$/,/^EOF$/{/<<EOF$/d;/^EOF$/d;p;}' "$SRC/tests/scripts/test_repl.sh" |
        sed -e 's|\$D|tests/data/fixtures|g' -e 's|\$tmp|/tmp|g'
    sed -n 's/^tsjit> //p' "$SRC/README.md"
    { grep -o 'parsed("\([^"\\]\|\\.\)*")' "$SRC/tests/unit/test_api_repl_expr.c" || true; } |
        sed -e 's/^parsed("//' -e 's/")$//' -e 's/\\"/"/g' |
        while IFS= read -r l; do printf '%b\n' "$l"; done
}
repl_lines | while IFS= read -r l; do printf '%s\n' "$l" | put "$OUT/fuzz_repl"; done

for t in "${TARGETS[@]}"; do
    for d in "$SRC/tests/fuzz/regress/$t" "$SRC/tests/fuzz/findings/$t"; do
        [ -d "$d" ] && copy_hashed "$OUT/$t" "$d" -type f -size +0
    done
done

for t in "${TARGETS[@]}"; do
    printf '%-13s %5d seeds  %s\n' "$t" "$(find "$OUT/$t" -type f | wc -l)" "$OUT/$t"
done
