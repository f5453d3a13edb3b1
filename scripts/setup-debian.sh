#!/usr/bin/env bash
# Install every Debian 12 package that ruissel's build, tests, benchmarks and postproc need.
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config git
  libopenmpi-dev openmpi-bin
  libpetsc-real-dev
  libhdf5-openmpi-dev
  libgdal-dev gdal-bin
  libdnnl-dev libopenblas-dev
  python3-numpy python3-h5py python3-matplotlib python3-gdal
  python3-torch python3-torchvision
)
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
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
