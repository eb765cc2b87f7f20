#!/usr/bin/env bash
# demo.sh — the README's first command: installs what is missing, builds
# tsjit and runs it on the example model shipped in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
./build/tools/tsjit --version
