# shellcheck shell=bash
# Shared by jobs/*.sbatch and jobs/bench/*.sh (sourced, not run): loads the modules, finds the
# build, picks the MPI launcher and parses the solver's perf line.
#
# Environment read here (all optional):
#   RUISSEL_MODULES  modules to `module load` first, e.g. "gcc/12 openmpi/4.1 petsc/3.20 hdf5-mpi gdal"
#   RUISSEL_BUILD    build directory (default $ROOT/build)
#   RUISSEL_EXE      the solver (default $RUISSEL_BUILD/ruissel)
#   MPIEXEC          launcher override (default: srun inside a Slurm job, else mpiexec)
# The caller sets ROOT (the project root) before sourcing.

if [ -n "${RUISSEL_MODULES:-}" ]; then
  # Batch shells are not login shells: the `module` function may not be defined yet.
  type module >/dev/null 2>&1 || source /etc/profile >/dev/null 2>&1 || true
  # shellcheck disable=SC2086 # the list is meant to be split
  module load $RUISSEL_MODULES
fi
BUILD=${RUISSEL_BUILD:-$ROOT/build}
EXE=${RUISSEL_EXE:-$BUILD/ruissel}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# rsl_launch NP NODES CMD ARGS...: run CMD on NP MPI ranks spread over NODES nodes.
rsl_launch() {
  local np=$1 nodes=$2
  shift 2
  if [ -n "${MPIEXEC:-}" ]; then
    # shellcheck disable=SC2086
    $MPIEXEC -n "$np" "$@"
  elif [ -n "${SLURM_JOB_ID:-}" ]; then
    srun --nodes="$nodes" --ntasks="$np" --cpu-bind=cores "$@"
  else
    local root_flag=""
    [ "$(id -u)" = 0 ] && root_flag=--allow-run-as-root
    mpiexec --oversubscribe $root_flag -n "$np" "$@"
  fi
}

# rsl_perf LOGFILE KEY: a field of the last `ruissel: perf k=v ...` line of LOGFILE
# (keys: cells, steps, cell_updates_per_s, wall). Empty when the line is missing.
rsl_perf() {
  grep '^ruissel: perf ' "$1" | tail -1 | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'
}

# rsl_require_exe: stop with a clear message when the solver is not built.
rsl_require_exe() {
  [ -x "$EXE" ] || { echo "jobs: $EXE not found: build first (cmake --preset default && cmake --build build)" >&2; exit 1; }
}

# rsl_scaling_header CSV: start a scaling CSV (used by strong/weak_scaling.sbatch).
rsl_scaling_header() {
  echo "ranks,nodes,cells,steps,cell_updates_per_s,wall_s,updates_per_s_per_rank,efficiency" > "$1"
  RSL_SCALING_REF=""
}

# rsl_scaling_point NP NODES DEM OUT_DIR CSV: one `-stages swe` run of STEPS steps (order
# ORDER) of 50 mm/h rain on DEM, its profile in OUT_DIR/log_view_NP.txt, one CSV row with the
# efficiency relative to the first point: E = (ups_p / p) / (ups_p0 / p0). A failed run is
# reported and skipped so one bad point does not lose the sweep.
rsl_scaling_point() {
  local np=$1 nodes=$2 dem=$3 dir=$4 csv=$5
  local log=$dir/run_$np.log ups per eff
  if ! rsl_launch "$np" "$nodes" "$EXE" -stages swe -dem "$dem" -rain_rate 50 -swe_tfinal 1e9 \
      -swe_max_steps "${STEPS:-100}" -swe_order "${ORDER:-1}" -out_file "$dir/run_$np.h5" \
      -out_interval 0 -progress_interval 0 -log_view ":$dir/log_view_$np.txt" > "$log" 2>&1; then
    echo "scaling: run on $np ranks failed, see $log" >&2
    return 0
  fi
  rm -f "$dir/run_$np.h5" "$dir/run_$np.xmf" "$dir/run_${np}_summary.csv" # only the timings are wanted
  ups=$(rsl_perf "$log" cell_updates_per_s)
  [ -n "$ups" ] || { echo "scaling: no perf line in $log" >&2; return 0; }
  per=$(awk -v u="$ups" -v p="$np" 'BEGIN {printf "%.6g", u / p}')
  [ -n "$RSL_SCALING_REF" ] || RSL_SCALING_REF=$per
  eff=$(awk -v a="$per" -v r="$RSL_SCALING_REF" 'BEGIN {printf "%.3f", a / r}')
  echo "$np,$nodes,$(rsl_perf "$log" cells),$(rsl_perf "$log" steps),$ups,$(rsl_perf "$log" wall),$per,$eff" | tee -a "$csv"
}

# rsl_rank_list FACTOR: RANK_LIST if set, else 1, FACTOR, FACTOR^2, ... up to SLURM_NTASKS.
rsl_rank_list() {
  if [ -n "${RANK_LIST:-}" ]; then echo "$RANK_LIST"; return; fi
  local p list=""
  for ((p = 1; p <= ${SLURM_NTASKS:-2}; p *= $1)); do list="$list $p"; done
  echo "$list"
}

# rsl_nodes_for NP: nodes needed for NP ranks at the allocation's ranks per node.
rsl_nodes_for() {
  local per=${SLURM_NTASKS_PER_NODE:-${SLURM_NTASKS:-$1}}
  per=${per%%(*} # Slurm may write "64(x8)"
  echo $(( ($1 + per - 1) / per ))
}
