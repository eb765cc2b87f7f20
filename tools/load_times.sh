#!/usr/bin/env bash
# load_times.sh CORPUS_DIR [RUNS] — the load time `tsjit info` reports for
# each vision model of the corpus (CORPUS_DIR/<name>/model.pt for resnet18,
# mobilenet_v2, squeezenet1_1), RUNS runs each (default 3), median printed.
# Environment: TSJIT (default: build/tools/tsjit next to this script's
# source tree), MODELS (space-separated names to override the list).
# Exit status: 0, 1 when a model fails to load, 2 usage.
set -uo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: load_times.sh CORPUS_DIR [RUNS]" >&2
    exit 2
fi
CORPUS="$1"
RUNS="${2:-3}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "load_times.sh: RUNS must be a positive count" >&2; exit 2; }
TSJIT="${TSJIT:-$SRC/build/tools/tsjit}"
if [ ! -x "$TSJIT" ]; then
    echo "load_times.sh: no tsjit at $TSJIT (build it, or set TSJIT)" >&2
    exit 2
fi
MODELS="${MODELS:-resnet18 mobilenet_v2 squeezenet1_1}"

status=0
printf '%-16s %10s %10s %10s  %s\n' model median_ms min_ms max_ms "runs (ms)"
for name in $MODELS; do
    model="$CORPUS/$name/model.pt"
    if [ ! -f "$model" ]; then
        printf '%-16s %10s\n' "$name" "missing"
        status=1
        continue
    fi
    times=()
    for _ in $(seq "$RUNS"); do
        out="$("$TSJIT" info "$model" 2>&1)" || {
            printf '%-16s %10s  %s\n' "$name" "failed" "$(echo "$out" | head -1)"
            status=1
            continue 2
        }
        t="$(echo "$out" | sed -n 's/^load time: \([0-9.]*\) ms.*$/\1/p')"
        times+=("$t")
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -g))
    n=${#sorted[@]}
    if [ $((n % 2)) -eq 1 ]; then
        median="${sorted[$((n / 2))]}"
    else
        median="$(echo "${sorted[$((n / 2 - 1))]} ${sorted[$((n / 2))]}" | awk '{printf "%.3f", ($1 + $2) / 2}')"
    fi
    printf '%-16s %10s %10s %10s  %s\n' "$name" "$median" "${sorted[0]}" "${sorted[$((n - 1))]}" \
        "${times[*]}"
done
exit $status
