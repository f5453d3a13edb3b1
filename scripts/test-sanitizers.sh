#!/usr/bin/env bash
# The sanitizer build and its tests (CI runs it after scripts/test.sh): CMake preset `asan`
# (AddressSanitizer + UndefinedBehaviorSanitizer with -fno-sanitize-recover, -O1 -g, CPU
# only, build-asan/) and the test preset `asan`: labels unit and validation, with the
# ASAN_OPTIONS / UBSAN_OPTIONS of CMakePresets.json (docs/hpc.md, "Sanitizers"). A memory
# error or an undefined behaviour stops the process that met it and fails its test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake --preset asan
cmake --build --preset asan
ctest --preset asan
