#!/usr/bin/env bash
# Install every Debian 12 package that ruissel's build, benchmarks, demo and postproc need;
# with --tests also what only the test suite uses (ParaView's pvpython, which checks that the
# XDMF sidecars load: ~440 MB installed, about 1.5 min to fetch and unpack; without it that
# test reports SKIPPED; and Debian's 64-bit-index PETSc for the int64 build CI checks). Idempotent: when everything is present it only checks and returns.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config git
  libopenmpi-dev openmpi-bin
  libpetsc-real-dev
  libhdf5-openmpi-dev
  libgdal-dev gdal-bin libjson-c-dev
  libdnnl-dev libopenblas-dev
  python3-numpy python3-scipy python3-h5py python3-matplotlib python3-gdal
  python3-torch python3-torchvision
  python3-mpi4py  # postproc under mpiexec (ruissel_post.py export/indicators/compare)
  # the `slurm` test label: a one-node Slurm the test starts itself (no systemd, no service)
  slurmctld slurmd slurm-client munge
  # the `fuzz` test label: libFuzzer targets built with clang
  clang libclang-rt-14-dev
)
if [ "${1:-}" = "--tests" ]; then
  PKGS+=(paraview python3-paraview libpetsc64-real-dev)
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} Debian packages present"
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
# policy-rc.d: the Slurm and munge packages must not start their services (tests start their own)
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null && $SUDO chmod +x "$POLICY"
  trap '$SUDO rm -f "$POLICY"' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
