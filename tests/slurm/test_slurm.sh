#!/usr/bin/env bash
# CTest label `slurm` (issue 9): the jobs/ scripts under a real Slurm. A one-node cluster
# (tests/slurm/cluster.sh: munged, slurmctld, slurmd from Debian, started and stopped here)
#  1. runs jobs/production.sbatch on the demo (3 scenarios, segmentation first, 2 ranks through
#     srun). Once the solver runs, the job gets SIGUSR1 on its batch shell — exactly what
#     `--signal=B:USR1@margin` sends before a time limit, sent here by `scancel --batch
#     --signal=USR1` so that it comes at a known moment instead of up to a minute early. The
#     script passes it to the ranks; the run checkpoints and exits 3; the script resubmits
#     itself; the new job resumes (-restart auto) and completes. Every scenario's result and the
#     summary must be bitwise those of an uninterrupted run;
#  2. runs jobs/nightly.sbatch as its header is written (it must fit a 2-CPU node) on a reduced
#     case list: a case that passes, one whose data is absent, one that cannot run; its dated
#     summary must say PASS, SKIPPED (with the reason) and FAIL, and the job must fail.
# Skipped (77) when not root (slurmd starts job steps as their user) or Slurm is not installed.
set -uo pipefail
SRC=${RUISSEL_SOURCE_DIR:?}
EXE=${RUISSEL_EXE:?}
PY=/usr/bin/python3
skip() { echo "SKIPPED: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to run munged, slurmctld and slurmd (CI runs as root)"
for c in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$c" >/dev/null || skip "$c not installed (scripts/setup-debian.sh installs slurm-wlm and munge)"
done
# shellcheck source=SCRIPTDIR/cluster.sh
source "$SRC/tests/slurm/cluster.sh"
WORK=$PWD/slurm_work
if [ -f "$WORK/cluster/slurm.conf" ]; then # daemons a killed earlier run left
  export RSL_CLUSTER_DIR=$WORK/cluster SLURM_CONF=$WORK/cluster/slurm.conf
  rsl_cluster_stop
fi
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
trap rsl_cluster_stop EXIT
trap 'exit 1' INT TERM
FAILS=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; FAILS=$((FAILS + 1)); }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }
t0=$(date +%s)
elapsed() { echo $(($(date +%s) - t0)); }

rsl_cluster_start "$WORK/cluster" || { echo "FAIL: cannot start the one-node cluster"; exit 1; }
ok "one-node cluster up: $(sinfo -h -o '%N %c CPUs %m MB %t') ($(elapsed) s)"

# wait_jobs TIMEOUT: until the queue is empty
wait_jobs() {
  for _ in $(seq $(($1 * 2))); do
    [ -z "$(squeue -h)" ] && return 0
    sleep 0.5
  done
  return 1
}
exitcode() { scontrol show job -o "$1" | sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p'; }

# ---------------------------------------------------------------- 1. production, interrupted
mkdir -p build/demo/out ref
ln -s "$SRC/input" input
$PY "$SRC/input/demo/make_scene.py" --out build/demo --dem-res 10 > scene.log 2>&1 || { echo "FAIL: demo scene"; exit 1; }
OPTS=input/demo/demo.opts
EXTRA=(-swe_tfinal 1200 -progress_interval 1)
MPIFLAGS=(--oversubscribe --allow-run-as-root)
mpiexec "${MPIFLAGS[@]}" -n 2 "$EXE" -options_file "$OPTS" -out_file ref/demo.h5 "${EXTRA[@]}" > ref.log 2>&1
check "uninterrupted demo run (reference, $(elapsed) s)" '[ -f ref/demo_summary.csv ]'

# The job's time limit and signal margin: SBATCH_* variables, which the resubmitted job keeps.
export RUISSEL_ROOT=$SRC RUISSEL_EXE=$EXE RUN_DIR=$WORK/run SBATCH_TIMELIMIT=5 SBATCH_SIGNAL=B:USR1@60
jid=$(sbatch --parsable --nodes=1 --ntasks-per-node=2 "$SRC/jobs/production.sbatch" "$OPTS" "${EXTRA[@]}")
log1=$WORK/ruissel_$jid.out
for _ in $(seq 240); do
  grep -q '^ruissel: t ' "$log1" 2>/dev/null && break
  sleep 0.5
done
check "job $jid runs the solver through srun" "grep -q '^ruissel: t ' '$log1'"
scancel --batch --signal=USR1 "$jid"
wait_jobs 240 || fail "the job chain did not end within 240 s"
check "job $jid: SIGUSR1 passed to the ranks, checkpoint, exit status 3" \
  "grep -q 'stopped by SIGUSR1' '$log1' && grep -q 'exit status 3' '$log1' && [ '$(exitcode "$jid")' = 3:0 ]"
mapfile -t later < <(printf '%s\n' "$WORK"/ruissel_*.out | grep -vx "$log1" | sort -V)
check "job $jid resubmitted itself (${#later[@]} later job(s))" "grep -q 'production: resubmitted' '$log1' && [ ${#later[@]} -ge 1 ]"
if [ ${#later[@]} -ge 1 ]; then
  last=${later[-1]}
  lastid=$(basename "$last" .out)
  lastid=${lastid#ruissel_}
  check "job $lastid resumed (-restart auto) and completed with exit status 0" \
    "grep -Eq 'resumed from|already complete' '${later[0]}' && grep -q 'production: done' '$last' && [ '$(exitcode "$lastid")' = 0:0 ]"
fi
$PY - "$WORK" <<'PYEOF' || FAILS=$((FAILS + 1))
"""Each scenario bitwise equal to the uninterrupted run (same decomposition), same summary."""
import csv, os, sys
from pathlib import Path
sys.path.insert(0, os.path.join(os.environ["RUISSEL_SOURCE_DIR"], "tests", "restart"))
import restartlib
work = Path(sys.argv[1])
for m in ("today", "2050", "2050_artif"):
    restartlib.compare(f"slurm demo {m}", work / f"build/demo/out/demo_{m}.h5", work / f"ref/demo_{m}.h5", exact_all=True)
rows = [[{k: v for k, v in r.items() if k != "wall_s"} for r in csv.DictReader(open(p))]
        for p in (work / "build/demo/out/demo_summary.csv", work / "ref/demo_summary.csv")]
restartlib.check("slurm demo: summary equal (but wall times)", rows[0] == rows[1], rows)
sys.exit(1 if restartlib.FAILURES else 0)
PYEOF
echo "production chain done ($(elapsed) s)"

# ---------------------------------------------------------------- 2. nightly, reduced
NDIR=$WORK/nightly/$(date +%Y-%m-%d)
nid=$(NIGHTLY_NO_BUILD=1 NIGHTLY_BUILD=$(dirname "$EXE") NIGHTLY_DIR=$NDIR RUISSEL_DATA_DIR=$WORK/no_data \
  NIGHTLY_CASES="lake_at_rest lake_at_rest_lidar no_such_case" sbatch --parsable "$SRC/jobs/nightly.sbatch")
wait_jobs 180 || fail "the nightly job did not end within 180 s"
check "nightly job $nid started on the 2-CPU node as its header is written, and failed (a case failed)" \
  "[ '$(exitcode "$nid")' = 1:0 ]"
check "nightly: dated summary, 1 PASS 1 FAIL 1 SKIPPED" "grep -q '1 PASS, 1 FAIL, 1 SKIPPED' '$NDIR/summary.md'"
check "nightly: summary.csv says PASS, SKIPPED (data absent) and FAIL per case" \
  "grep -q ',lake_at_rest,PASS,' '$NDIR/summary.csv' && grep -Eq ',lake_at_rest_lidar,SKIPPED,.*absent' '$NDIR/summary.csv' && grep -q ',no_such_case,FAIL,' '$NDIR/summary.csv'"
echo "--- $NDIR/summary.csv"
cat "$NDIR/summary.csv"
echo "slurm label: $(elapsed) s"
if [ "$FAILS" -gt 0 ]; then
  for f in "$WORK"/ruissel_*.out "$WORK"/nightly_*.out; do echo "--- $f"; tail -30 "$f"; done
  echo "FAIL: $FAILS check(s)"
  exit 1
fi
echo "all checks passed"
