#!/usr/bin/env bash
# Builds and runs the whole suite on the GPU machine in one go and prints a short summary.
# Needs .deps/ from scripts/fetch-deps.sh carried along (the GPU machine reaches no registry).
# Usage (device tool): bash tools/gpu-check.sh   — writes logs to $OUT when that is set.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-/tmp/semisam-gpu-check}"
mkdir -p "$out"
build=build-gpu
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
# Bare machine: GoogleTest comes from /usr/src/googletest (cmake/SemisamGTest.cmake), HDF5 from
# the system, CLI11 from .deps/.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSEMISAM_WARNINGS_AS_ERRORS=OFF \
  ${SEMISAM_CMAKE_FLAGS:-} >"$out/configure.log" 2>&1 || { tail -30 "$out/configure.log"; exit 1; }
if ! cmake --build "$build" -j "$(nproc)" >"$out/build.log" 2>&1; then
  grep -E 'error|Error' "$out/build.log" | head -40
  exit 1
fi
ctest --test-dir "$build" --output-on-failure -j 4 >"$out/ctest.log" 2>&1
rc=$?
skipped=$(grep -c 'Skipped' "$out/ctest.log" || true)
echo "---- failures (if any) ----"
grep -E 'Failed|\*\*\*' "$out/ctest.log" | head -40
echo "---- summary ----"
grep -E 'tests passed|tests failed' "$out/ctest.log"
echo "skipped: $skipped"
exit $rc
