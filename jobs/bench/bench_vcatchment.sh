#!/usr/bin/env bash
#SBATCH --job-name=ruissel-bench-vcatch
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=2
#SBATCH --cpus-per-task=1
#SBATCH --exclusive
#SBATCH --time=02:00:00
#SBATCH --output=bench_vcatchment_%j.out
# Tilted V-catchment rain-on-grid benchmark (issue 8): steps, dt_min and the smallest CFL step
# with its cell, time to solution, equilibrium outflow and budget, for this build and, when
# REF_EXE is given, a reference build measured in the same session (interleaved, best of
# REPEAT) with the time ratio. Details: jobs/bench/vcatchment.py and jobs/bench/README.md.
#
#   jobs/bench/bench_vcatchment.sh                                  # this build only
#   REF_EXE=/path/to/main-build/ruissel jobs/bench/bench_vcatchment.sh
#   sbatch jobs/bench/bench_vcatchment.sh                           # from the project root
# Environment (optional): DX (4), ORDER (1), NP (2), REPEAT (3), REF_EXE, BENCH_DIR
#   (<build>/bench), EXTRA (options for both builds, e.g. "-swe_cfl 0.45"), and those of
#   jobs/common.sh (RUISSEL_MODULES, RUISSEL_BUILD, RUISSEL_EXE).
set -euo pipefail
ROOT=${RUISSEL_ROOT:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}}
# shellcheck source=SCRIPTDIR/../common.sh
source "$ROOT/jobs/common.sh"
rsl_require_exe
BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
args=(--exe "$EXE" --dx "${DX:-4}" --order "${ORDER:-1}" --np "${NP:-2}" --repeat "${REPEAT:-3}" --out "$BENCH_DIR/vcatchment")
[ -n "${REF_EXE:-}" ] && args+=(--ref-exe "$REF_EXE")
# shellcheck disable=SC2086 # EXTRA is a list of options
exec "$PY" "$ROOT/jobs/bench/vcatchment.py" "${args[@]}" -- ${EXTRA:-}
