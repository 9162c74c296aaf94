#!/usr/bin/env bash
# Builds and runs the whole suite on the GPU machine in one go and prints a short summary.
# Needs .deps/ from scripts/fetch-deps.sh carried along (the GPU machine reaches no registry).
# Usage (device tool): [BENCH=1] bash tools/gpu-check.sh   — logs (and bench JSON) go to $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
# Logs go to a work folder; the device tool returns at most 8 files, so they leave as one archive.
out=/tmp/semisam-gpu-check
rm -rf "$out"
mkdir -p "$out"
pack() { [ -n "${OUT:-}" ] && tar czf "$OUT/gpu-check.tgz" -C "$out" . ; }
trap pack EXIT
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
if [ "${BENCH:-0}" = 1 ]; then
  # Benchmarks after the suite (BENCH=1): each writes bench/results/*.json, copied to $OUT.
  echo "---- benchmarks ----"
  export SEMISAM_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  for b in "$build"/bench/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" 2>&1 | tee "$out/$(basename "$b").log" | tail -25
  done
  cp bench/results/*.json "$out/" 2>/dev/null || true
fi
exit $rc
