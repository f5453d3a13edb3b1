#!/usr/bin/env bash
# The sanitizer build and its tests (CI runs it after scripts/test.sh): CMake preset `asan`
# (AddressSanitizer + UndefinedBehaviorSanitizer with -fno-sanitize-recover, -O1 -g, CPU
# only, build-asan/) and the test preset `asan`: the tests that exercise the parsers and
# readers (bad inputs of every kind, the validation layer, the raster/HDF5/weights readers;
# the list is in CMakePresets.json and .ci/run), with the ASAN_OPTIONS / UBSAN_OPTIONS of
# CMakePresets.json (docs/hpc.md, "Sanitizers"). A memory error or an undefined behaviour
# stops the process that met it and fails its test. `ctest --test-dir build-asan -L
# "unit|validation"` runs the whole set (too long for CI: its first 25 of 48 tests took
# about 16 min on one core, docs/hpc.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake --preset asan
cmake --build --preset asan
ctest --preset asan
