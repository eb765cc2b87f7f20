#!/usr/bin/env bash
# test_install.sh — installs the build into a temporary prefix and builds a
# user's program against it twice: with CMake's find_package(tsjit) and
# with pkg-config. Skipped (77) in sanitizer builds, whose library needs
# the sanitizer runtime loaded first.
set -euo pipefail
[[ "${TSJ_SANITIZE:-OFF}" == ON ]] && { echo "skipped under sanitizers"; exit 77; }
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$TSJ_BUILD_DIR" --prefix "$prefix" >/dev/null
src="$TSJ_SOURCE_DIR/examples/consumer"

cmake -S "$src" -B "$prefix/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/cmake-build" >/dev/null
LD_LIBRARY_PATH="$prefix/lib" "$prefix/cmake-build/consumer" | grep -q "float32 tensor of 6"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -o "$prefix/pc-consumer" "$src/main.c" $(pkg-config --cflags --libs tsjit)
LD_LIBRARY_PATH="$prefix/lib" "$prefix/pc-consumer" | grep -q "float32 tensor of 6"

# only tsj_ symbols are exported by the shared library
lib=$(ls "$prefix"/lib/libtsjit.so.*.*.*)
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^tsj_' || true)
[[ -z "$bad" ]] || { echo "unexpected exported symbols: $bad"; exit 1; }
test -f "$prefix/lib/libtsjit.a"
test -x "$prefix/bin/tsjit"
echo "install ok: find_package and pkg-config consumers run"
