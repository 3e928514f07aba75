#!/usr/bin/env bash
# Set up, build and run every test. Extra arguments go to ctest (e.g. -L unit, -LE slow).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
