#!/usr/bin/env bash
# The test command: installs what is missing, configures, builds and runs the whole suite, then
# the fuzz harnesses briefly (scripts/fuzz.sh --brief).
# Usage: scripts/test.sh [build-dir]   (default build/). Extra CMake flags via SEMISAM_CMAKE_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
bash scripts/setup.sh --test
jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release ${SEMISAM_CMAKE_FLAGS:-}
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs"
# The readers' fuzz harnesses, briefly, in their own clang build (build-fuzz/): a crash, leak or
# out-of-memory fails the test command. Skipped, saying so, only where clang cannot link libFuzzer.
if bash scripts/fuzz.sh --available; then
  bash scripts/fuzz.sh --brief --jobs "$jobs"
else
  echo "test: fuzz harnesses SKIPPED: clang++ -fsanitize=fuzzer is not usable here" >&2
fi
