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

# rsl_launcher NP NODES: RSL_LAUNCHER (an array) = the command that starts NP MPI ranks spread
# over NODES nodes: $MPIEXEC -n NP, srun inside a Slurm job, else mpiexec.
rsl_launcher() {
  local np=$1 nodes=$2
  if [ -n "${MPIEXEC:-}" ]; then
    read -r -a RSL_LAUNCHER <<<"$MPIEXEC"
    RSL_LAUNCHER+=(-n "$np")
  elif [ -n "${SLURM_JOB_ID:-}" ]; then
    RSL_LAUNCHER=(srun --nodes="$nodes" --ntasks="$np" --cpu-bind=cores)
  else
    RSL_LAUNCHER=(mpiexec --oversubscribe)
    [ "$(id -u)" = 0 ] && RSL_LAUNCHER+=(--allow-run-as-root)
    RSL_LAUNCHER+=(-n "$np")
  fi
}

# rsl_launch NP NODES CMD ARGS...: run CMD on NP MPI ranks spread over NODES nodes.
rsl_launch() {
  rsl_launcher "$1" "$2"
  shift 2
  "${RSL_LAUNCHER[@]}" "$@"
}

# rsl_launch_forwarding NP NODES CMD ARGS...: rsl_launch in the background, passing a SIGUSR1
# that reaches this shell (Slurm's `--signal=B:USR1@margin` signals only the batch shell) on to
# the launcher, which forwards it to every rank: the run then writes a checkpoint and exits
# with status 3. A SIGTERM (time limit, scancel) already reaches the ranks directly: it is only
# logged here, and this shell keeps waiting while the run checkpoints. Returns the run's exit
# status.
rsl_launch_forwarding() {
  local pid status signalled
  trap 'signalled=1; echo "jobs: $(date +%T) SIGUSR1: asking the run to checkpoint and stop"; kill -USR1 "$pid" 2>/dev/null' USR1
  trap 'signalled=1; echo "jobs: $(date +%T) SIGTERM: the run checkpoints (if asked to) and stops"' TERM
  rsl_launcher "$1" "$2"
  shift 2
  "${RSL_LAUNCHER[@]}" "$@" & # the launcher itself is the child: it gets the signal
  pid=$!
  while :; do
    signalled=0
    wait "$pid"
    status=$?
    # a trapped signal interrupts `wait` (status > 128) while the run goes on: wait again
    if [ "$signalled" = 1 ] && [ "$status" -gt 128 ]; then
      kill -0 "$pid" 2>/dev/null && continue
      wait "$pid" 2>/dev/null
      local s=$?
      [ "$s" != 127 ] && status=$s
    fi
    break
  done
  trap - USR1 TERM
  return "$status"
}

# rsl_resubmit SCRIPT ARGS...: submit SCRIPT again (after this job, same resources: time limit,
# nodes, tasks, CPUs per task, partition, account, QOS, name), with RUISSEL_RESUBMIT counting
# up to RUISSEL_MAX_RESUBMIT (default 20). The environment (RUN_DIR, RUISSEL_*) goes along.
rsl_resubmit() {
  local script=$1 n=${RUISSEL_RESUBMIT:-0} max=${RUISSEL_MAX_RESUBMIT:-20} info args=() v
  shift
  [ -n "${SLURM_JOB_ID:-}" ] || { echo "jobs: not in a Slurm job: run the same command again to resume"; return 1; }
  [ "$n" -lt "$max" ] || { echo "jobs: resubmitted $n times already (RUISSEL_MAX_RESUBMIT=$max): stopping" >&2; return 1; }
  info=$(scontrol show job -o "$SLURM_JOB_ID")
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $info" | head -1; }
  v=$(field TimeLimit) && [ -n "$v" ] && [ "$v" != UNLIMITED ] && args+=(--time="$v")
  v=$(field NumNodes) && [ -n "$v" ] && args+=(--nodes="${v%%-*}")
  v=$(field NumTasks) && [ -n "$v" ] && args+=(--ntasks="$v")
  v=$(field 'NtasksPerN:B:S:C') && v=${v%%:*} && [ -n "$v" ] && [ "$v" != 0 ] && args+=(--ntasks-per-node="$v")
  v=$(field 'CPUs\/Task') && [ -n "$v" ] && [ "$v" != N/A ] && args+=(--cpus-per-task="$v")
  v=$(field Partition) && [ -n "$v" ] && args+=(--partition="$v")
  v=$(field Account) && [ -n "$v" ] && [ "$v" != "(null)" ] && args+=(--account="$v")
  v=$(field QOS) && [ -n "$v" ] && [ "$v" != "(null)" ] && [ "$v" != normal ] && args+=(--qos="$v")
  v=$(field JobName) && [ -n "$v" ] && args+=(--job-name="$v")
  RUISSEL_RESUBMIT=$((n + 1)) sbatch --dependency="afterany:$SLURM_JOB_ID" "${args[@]}" "$script" "$@"
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
  if ! rsl_launch "$np" "$nodes" "$EXE" -stages swe -dem "$dem" -rain_rate 50 -swe_tfinal 1e7 \
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
