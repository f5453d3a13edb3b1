#!/usr/bin/env bash
# Set up (Debian packages), build, and run the test suite (every label but `bench`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh --tests
cmake --preset default
cmake --build --preset default
ctest --test-dir build -LE bench --output-on-failure -j2 --timeout 900
