#!/usr/bin/env bash
# Build the libFuzzer targets into BUILD_DIR with clang: fuzz/build.sh BUILD_DIR.
# Exit 77 (SKIPPED) when clang or its libFuzzer runtime (Debian: clang, libclang-rt-14-dev,
# both in scripts/setup-debian.sh) is missing.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
out="$1"
cc="$(command -v clang || command -v clang-14 || true)"
[ -n "$cc" ] || { echo "fuzz: no clang: SKIPPED"; exit 77; }
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' > "$probe/p.c"
"$cc" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2> "$probe/err" || {
  echo "fuzz: $cc cannot build a libFuzzer target (install libclang-rt-14-dev): SKIPPED"; cat "$probe/err"; exit 77; }
cmake -S "$src" -B "$out" -DCMAKE_C_COMPILER="$cc" > "$out.configure.log" 2>&1 || { cat "$out.configure.log"; exit 1; }
cmake --build "$out" -j2
