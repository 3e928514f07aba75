#!/usr/bin/env bash
# Install dependencies (Debian packages, idempotent), configure and build nnsim into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
