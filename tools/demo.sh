#!/usr/bin/env bash
# demo.sh — the README's first command: installs what is missing, builds
# tsjit and runs it on the example model shipped in examples/classifier
# (a scripted classifier with an int argument, a loop and a branch).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
ex=examples/classifier
echo "\$ tsjit run $ex/model.pt --out build/demo --bench 1000 -- $ex/x.npy 2"
./build/tools/tsjit run "$ex/model.pt" --out build/demo --bench 1000 -- "$ex/x.npy" 2
echo "wrote build/demo/out.npy (softmax probabilities, shape [3, 4])"
