#!/usr/bin/env bash
# Builds and runs the whole suite on the GPU machine in one go and prints a short summary.
# Needs .deps/ from scripts/fetch-deps.sh carried along (the GPU machine reaches no registry).
# Usage (device tool): [BENCH=1] bash tools/gpu-check.sh   — logs (and bench JSON) go to $OUT.
# REHEARSE=1 runs the same phases where no GPU is visible (CUDA tests then skip); without it a
# machine with no visible GPU is an error, so a CPU-only run can never pass for a GPU run.
# BUILD_TIMEOUT (seconds, default 420: the budget on the GPU machine's 16 cores; a 2-core machine
# needs about 700) bounds the build phase.
set -uo pipefail
cd "$(dirname "$0")/.."
# Logs go to a work folder and are archived into $OUT after every phase (the device tool returns
# few files), so a phase that hangs or is killed still leaves the earlier phases' logs.
out=/tmp/semisam-gpu-check
rm -rf "$out"
mkdir -p "$out"
pack() { [ -n "${OUT:-}" ] && tar czf "$OUT/gpu-check.tgz" -C "$out" . ; return 0; }
trap pack EXIT
build=build-gpu
if ! nvidia-smi -L >"$out/gpu.txt" 2>&1; then
  if [ "${REHEARSE:-0}" != 1 ]; then
    echo "gpu-check: no GPU visible (nvidia-smi -L failed); refusing to report a CPU-only run" >&2
    exit 2
  fi
  echo "gpu-check: rehearsal without a GPU: CUDA tests will skip"
else
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$out/gpu.txt"
fi
# Bare machine: GoogleTest comes from /usr/src/googletest (cmake/SemisamGTest.cmake), HDF5 from
# the system, CLI11 and nlohmann-json from .deps/. The CUDA backend is forced on: a build that
# silently fell back to the CPU would skip every CUDA test.
timeout 300 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSEMISAM_WARNINGS_AS_ERRORS=OFF \
  -DSEMISAM_CUDA=ON ${SEMISAM_CMAKE_FLAGS:-} >"$out/configure.log" 2>&1 ||
  { tail -30 "$out/configure.log"; exit 1; }
pack
if ! timeout "${BUILD_TIMEOUT:-420}" cmake --build "$build" -j "$(nproc)" >"$out/build.log" 2>&1; then
  grep -E 'error|Error|Terminated' "$out/build.log" | head -40
  echo "gpu-check: the build failed or ran past ${BUILD_TIMEOUT:-420} s (BUILD_TIMEOUT)" >&2
  exit 1
fi
pack
# Each test at most 120 s, the whole suite at most 300 s: one hang costs one test, not the call.
timeout 300 ctest --test-dir "$build" --output-on-failure --timeout 120 -j 4 >"$out/ctest.log" 2>&1
rc=$?
pack
# The closing list names each skipped test once (the progress lines name it again).
skipped=$(grep -cE '^\s*[0-9]+ - .*\(Skipped\)' "$out/ctest.log" || true)
echo "---- failures (if any) ----"
grep -E '\*\*\*(Failed|Exception|Timeout)|\(Failed\)|\(Timeout\)' "$out/ctest.log" | head -40
echo "---- summary ----"
grep -E 'tests passed|tests failed' "$out/ctest.log"
echo "skipped: $skipped"
if [ "${BENCH:-0}" = 1 ]; then
  # Benchmarks after the suite (BENCH=1): each writes bench/results/*.json, copied to $OUT.
  # cpu_workloads is the CPU comparison's (bench/cpu_vs_pytorch.sh) and needs arguments.
  echo "---- benchmarks ----"
  export SEMISAM_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  for b in "$build"/bench/*; do
    [ -f "$b" ] && [ -x "$b" ] || continue
    [ "$(basename "$b")" = cpu_workloads ] && continue
    echo "== $(basename "$b")"
    timeout 180 "$b" 2>&1 | tee "$out/$(basename "$b").log" | tail -25
    cp bench/results/*.json "$out/" 2>/dev/null || true
    pack
  done
fi
exit $rc
