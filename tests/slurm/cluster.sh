# shellcheck shell=bash
# A private one-node Slurm for tests (sourced): munged, slurmctld and slurmd from Debian's
# slurm-wlm, started by the test itself (no systemd), on this machine with its real hostname,
# CPU count and memory, everything (key, socket, state, logs) under one directory, on free
# ports, reached through 127.0.0.1 (no name resolution needed). Root only: slurmd must start
# job steps as the submitting user.
#   rsl_cluster_start DIR   start it and export SLURM_CONF; returns non-zero on failure
#   rsl_cluster_stop        cancel every job and stop the three daemons, by their pids
# Needs: munged, slurmctld, slurmd, sbatch, squeue, scontrol, sinfo (scripts/setup-debian.sh).

RSL_CLUSTER_DIR=""

# rsl_free_port: a TCP port nothing listens on
rsl_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'
}

rsl_cluster_start() {
  local d=$1 host mem cpus
  RSL_CLUSTER_DIR=$d
  mkdir -p "$d/munge" "$d/state" "$d/spool" || return 1
  chmod 700 "$d/munge"
  dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 2>/dev/null && chmod 600 "$d/munge/munge.key" || return 1
  munged --force --socket="$d/munge/socket" --key-file="$d/munge/munge.key" --log-file="$d/munge/munged.log" \
    --pid-file="$d/munge/munged.pid" --seed-file="$d/munge/munged.seed" || return 1
  read -r host cpus mem < <(slurmd -C | sed -n 's/^NodeName=\([^ ]*\) CPUs=\([0-9]*\).*RealMemory=\([0-9]*\).*/\1 \2 \3/p')
  cat > "$d/slurm.conf" <<EOF
ClusterName=rsltest
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/socket
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(rsl_free_port)
SlurmdPort=$(rsl_free_port)
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
KillWait=20
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$d/slurm.conf
  slurmctld -f "$SLURM_CONF" || return 1
  slurmd -f "$SLURM_CONF" || return 1
  for _ in $(seq 60); do
    sinfo -h -o %t 2>/dev/null | grep -q idle && return 0
    sleep 0.5
  done
  echo "cluster: the node did not become idle; slurmctld.log:" >&2
  tail -20 "$d/slurmctld.log" >&2
  return 1
}

rsl_cluster_stop() {
  local d=$RSL_CLUSTER_DIR pid f
  [ -n "$d" ] || return 0
  scancel --full --quiet --user="$(id -un)" 2>/dev/null
  for _ in $(seq 40); do
    [ -z "$(squeue -h 2>/dev/null)" ] && break
    sleep 0.5
  done
  for f in slurmd.pid slurmctld.pid munge/munged.pid; do
    pid=$(cat "$d/$f" 2>/dev/null) || continue
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  done
  RSL_CLUSTER_DIR=""
}
