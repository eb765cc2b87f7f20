#!/usr/bin/env bash
# setup.sh — installs what tsjit needs to build and test from Debian 12
# packages. Idempotent and quiet when everything is present; works as root
# or through sudo. Usage: tools/setup.sh [--dev]   (--dev adds PyTorch and
# matplotlib, needed only to regenerate fixtures and to compare speed).
# clang and libclang-rt-14-dev build the libFuzzer targets and unzip makes
# their seeds: tools/test.sh runs them.
set -euo pipefail

pkgs=(build-essential cmake pkg-config llvm-16-dev libzip-dev libopenblas-dev
      libcmocka-dev libedit-dev valgrind clang libclang-rt-14-dev unzip)
if [[ "${1:-}" == "--dev" ]]; then
  pkgs+=(python3-torch python3-torchvision python3-matplotlib)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo)
else
  echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
