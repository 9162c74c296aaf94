#!/usr/bin/env bash
# The main job on the built-in default: installs what is missing, configures, builds the `semisam`
# program, then runs `semisam demo` (synthetic phantom dataset → SemiSAM-O1 training → test).
# Usage: scripts/demo.sh [semisam demo flags...]   e.g. --backbone uamt, --device cpu, --fresh.
# Build folder: $SEMISAM_BUILD_DIR (default build/). Extra CMake flags via SEMISAM_CMAKE_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${SEMISAM_BUILD_DIR:-build}"
bash scripts/setup.sh
jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release ${SEMISAM_CMAKE_FLAGS:-}
cmake --build "$build" -j "$jobs" --target semisam
"$build/tools/semisam" demo "$@"
