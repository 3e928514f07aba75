#!/usr/bin/env bash
# Install nnsim's build and test dependencies from Debian packages. Idempotent: packages already
# present are not reinstalled, and nothing is downloaded at build or run time afterwards.
#
#   libsystemc-dev     SystemC 2.3.4 + TLM 2.0.6 (the cycle model; sc_fixed is the arithmetic oracle)
#   verilator          RTL simulation of the generated Verilog
#   yosys              synthesis of the generated Verilog for resource figures
#   nlohmann-json3-dev network descriptions and reports
#   libhdf5-dev        Keras weight files;  hdf5-tools: h5dump/h5import used by tests
#   libspdlog-dev      logging;  libcli11-dev: command line;  libyaml-cpp-dev: hls4ml YAML configs
#   libgtest-dev       unit tests
#   libsqlite3-dev     the sweep results store;  gnuplot-nox: Pareto plots of sweeps (PNG, SVG)
#   python3-numpy, python3-h5py  independent reference computations inside the tests
#   gtkwave xvfb xauth imagemagick x11-utils  the waveform test opens GTKWave headless
#   cmake g++ make pkg-config    the build itself
#   libonnx-dev libprotobuf-dev  ONNX import (ONNX's own protobuf classes, onnx/onnx_pb.h)
#   libzip-dev         Keras 3 .keras archives (zip files holding config.json and model.weights.h5)
#   python3-onnx python3-torch   ONNX tests: models exported from torch, bad models written with onnx
#   pybind11-dev python3-dev  the Python module (`import nnsim`, python/nnsim_module.cpp); python3-pytest runs its tests
#   slurm-wlm munge    (optional) a single-node Slurm cluster for the opt-in cluster-sweep test
#   clang libclang-rt-14-dev  (only with --fuzz) libFuzzer and the sanitizers for bench/fuzz.sh
#   ccache             caches the compilation of Verilator's runtime library and models across the
#                      many small designs `nnsim verify` builds (the test suite builds dozens)
set -euo pipefail

PACKAGES=(
  cmake g++ make pkg-config ccache
  libsystemc-dev verilator yosys
  nlohmann-json3-dev libhdf5-dev hdf5-tools libspdlog-dev libcli11-dev libyaml-cpp-dev libgtest-dev
  libsqlite3-dev gnuplot-nox
  python3 python3-numpy python3-h5py
  libonnx-dev libprotobuf-dev python3-onnx python3-torch libzip-dev
  pybind11-dev python3-dev python3-pytest
  gtkwave xvfb xauth imagemagick x11-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Optional: a single-node Slurm cluster for the opt-in test of cluster sweeps (ctest label slurm,
# tests/slurm/test_slurm.py); a machine where they cannot be installed skips that test.
OPTIONAL=(slurm-wlm munge)
# With --fuzz (bench/fuzz.sh): clang with libFuzzer, required then.
if [[ "${1:-}" == "--fuzz" ]]; then PACKAGES+=(clang libclang-rt-14-dev); fi
optional_missing=()
for p in "${OPTIONAL[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    optional_missing+=("$p")
  fi
done

if (( ${#missing[@]} == 0 && ${#optional_missing[@]} == 0 )); then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
if (( ${#missing[@]} > 0 )); then
  echo "setup: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if (( ${#optional_missing[@]} > 0 )); then
  echo "setup: installing (optional) ${optional_missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${optional_missing[@]}" ||
    echo "setup: optional ${optional_missing[*]} not installed: the Slurm test will be skipped"
fi
