#!/usr/bin/env bash
# Run one libFuzzer target for a bounded time on its seed corpus:
#   fuzz/run.sh BUILD_DIR TARGET SECONDS [extra libFuzzer flags, e.g. -runs=1000000]
# New inputs go to BUILD_DIR/corpus/TARGET (the committed seeds in fuzz/corpus/TARGET, and
# the project's own input files for that kind, are read only); a crash, leak, sanitizer
# report or failed assertion leaves BUILD_DIR/artifacts/TARGET-crash-... and exits non-zero.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
out="$1"; t="$2"; secs="$3"; shift 3
exe="$out/fuzz_$t"
[ -x "$exe" ] || { echo "fuzz: $exe not built"; exit 1; }
mkdir -p "$out/corpus/$t" "$out/artifacts"
seeds=("$src/corpus/$t")
flags=(-max_len=8192)
case "$t" in
  hydro_table) seeds+=("$src/../input/hydro") ;;
  nomenclature) seeds+=("$src/../input/nomenclature") ;;
  safetensors|model_json) flags=(-max_len=16384 "-dict=$src/json.dict") ;;
esac
# Leaks are checked per input (libFuzzer); Open MPI and PETSc keep their start-up
# allocations until exit, so no check at exit
export LSAN_OPTIONS="suppressions=$src/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="detect_leaks=1:leak_check_at_exit=0:fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export OMPI_MCA_mca_base_component_disable_dlclose=1 # keep module names in leak stacks
export OMPI_MCA_opal_signal="" # Open MPI's signal handlers would hide crashes from libFuzzer
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
exec "$exe" "${flags[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/artifacts/$t-" "$@" "$out/corpus/$t" "${seeds[@]}"
