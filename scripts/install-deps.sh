#!/usr/bin/env bash
# Installs everything xbarmc needs on a fresh Debian 12 machine (run as root).
# Idempotent: packages already present are left alone.
set -euo pipefail

debian_packages=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libhdf5-dev libeigen3-dev zlib1g-dev libomp-dev
  libzip-dev  # .npz archives (xbarmc import)
  libgtest-dev libgmock-dev libbenchmark-dev
  dataset-fashion-mnist
  libopenmpi-dev openmpi-bin  # MPI build (mpirun -n K xbarmc mc); CMake finds it
  time  # /usr/bin/time -v: peak RSS in benchmarks/RESULTS.md
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer harnesses (clang 14 on Debian 12)
  python3-numpy python3-h5py python3-matplotlib  # analysis/; pip is refused by Debian 12's python (PEP 668)
)
python_packages=(numpy h5py matplotlib)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! python3 -c 'import numpy, h5py, matplotlib' 2>/dev/null; then
  python3 -m pip install -q "${python_packages[@]}"
fi
