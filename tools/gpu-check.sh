#!/usr/bin/env bash
# gpu-check: builds the CUDA backend, runs every test, compute-sanitizer on a short subset and the
# GPU benchmarks, in ONE command on the offline GPU machine, and brings the logs back even when a
# phase fails, hangs or is killed.
#
# How to use it
#   1. Here (a machine with a package registry): bash scripts/fetch-deps.sh
#      It fills the git-ignored .deps/ (static HDF5/zlib/libpng, GoogleTest sources, CLI11,
#      nlohmann-json; about 16 MiB) and prints the folders to carry: [".deps"].
#   2. Device tool: run with carry [".deps"], timeout_s 600, command
#        bash tools/gpu-check.sh
#      Logs are written to a work folder (first argument, default /tmp/semisam-gpu-check) as each
#      phase runs, and archived into $OUT/gpu-check.tgz after every phase (the device tool returns
#      at most 8 files, so one archive); the summary also goes to $OUT/gpu-check-summary.txt.
#   3. The summary printed at the end (tests per executable, sanitizer verdicts, benchmarks against
#      PyTorch's H100 figures) ends with the rows to paste into docs/performance.md.
#
# Environment
#   REHEARSE=1           run where no GPU is visible (CUDA tests skip, the sanitizer and the
#                        benchmarks fall back to CPU plumbing runs); without it such a machine is
#                        an error, so a CPU-only run can never pass for a GPU run.
#   GPU_CHECK_BUDGET     seconds for the whole run (default 540: the device tool stops a command at
#                        600 s; the summary and the archive need a few). Each phase's limit is cut
#                        to what is left, and phases that no longer fit are listed as not run.
#   BUILD_TIMEOUT        the build phase's own limit (default 330 s); CTEST_TIMEOUT the test
#                        suite's (default 150 s; each test at most 120 s).
#   CUDNN_ROOT           use this cuDNN (include/, lib/libcudnn.so.9); else the newer of the
#                        system's and the PyTorch wheel's (python3 -c 'import nvidia.cudnn').
#   BENCH=0              leave out the benchmarks. SANITIZER=0 leaves out compute-sanitizer.
#   GPU_CHECK_DRY_RUN=1  print each phase's command instead of running it (tests/tools/
#                        gpu_check_test.sh: the plumbing without a build, a GPU or root).
#   SEMISAM_CMAKE_FLAGS  extra CMake flags.
#
# Budget (8 minutes on the GPU machine's 16 cores, so that a second try fits in the 15-minute
# lease): the build compiles 270 translation units — 21 .cu (nvcc, sm_90), 151 .cpp in src/
# (6 of them CUDA-only), 80 test .cpp, 11 tool .cpp, 5 bench .cpp, 2 GoogleTest — measured at
# measured by the rehearsal (bare bookworm chroot, 2 shared cores at load 10): 1245 CPU-seconds
# (21 CPU-minutes; 2228 s wall there). On 16 cores that is ~80 s of perfectly parallel work; with
# the serial tail (the largest .cu files, the links, gtest discovery) expect 2-3 minutes.
# Planned: configure 30 s, build <= 330 s (BUILD_TIMEOUT), tests <= 150 s, sanitizer <= 4 x 45 s,
# benchmarks <= 4 x 60 s; the budget cuts whatever comes last when earlier phases run long.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$PWD
build=build-gpu
budget=${GPU_CHECK_BUDGET:-540}
reserve=15  # seconds kept back for the summary and the last archive
dry=${GPU_CHECK_DRY_RUN:-0}

# ---- the log folder: emptied only when an earlier gpu-check run made it (its marker file) ----
log=${1:-/tmp/semisam-gpu-check}
if [ -d "$log" ] && [ -n "$(ls -A "$log" 2>/dev/null)" ] && [ ! -f "$log/.gpu-check" ]; then
  echo "gpu-check: $log is not empty and not an earlier gpu-check log folder; name another" >&2
  exit 2
fi
rm -rf "$log"
mkdir -p "$log" || exit 2
log=$(cd "$log" && pwd)
touch "$log/.gpu-check"
: >"$log/phases.tsv"

pack() {
  if [ -n "${OUT:-}" ] && [ -d "${OUT:-}" ]; then
    tar czf "$OUT/gpu-check.tgz.tmp" -C "$log" . 2>/dev/null && mv "$OUT/gpu-check.tgz.tmp" "$OUT/gpu-check.tgz"
    [ -f "$log/summary.txt" ] && cp "$log/summary.txt" "$OUT/gpu-check-summary.txt"
  fi
  return 0
}
trap pack EXIT

# child_cpu: sets child_cpu_s to the CPU seconds (user + system) of this shell's finished children
# so far; a phase's share is what it needs on any number of cores (the budget in the header).
# `times` runs here, not in a $(...) subshell, which would count only its own children.
child_cpu() {
  times >"$log/.times"  # second line: the children's user and system time, "XmY.YYYs XmY.YYYs"
  child_cpu_s=$(awk 'NR == 2 { split($0, a, /[ms ]+/); print int(a[1] * 60 + a[2] + a[3] * 60 + a[4]) }' "$log/.times")
}

# phase NAME LIMIT COMMAND...: runs COMMAND with its output streaming into $log/NAME.log, stopped
# after LIMIT seconds or when the budget runs out, whichever is sooner (timeout kills the whole
# process group: ctest's children and nvcc's too). Records the phase in phases.tsv, archives the
# logs and returns the command's exit status (124: stopped at the limit; 125: not run).
phase() {
  local name=$1 limit=$2
  shift 2
  local left=$((budget - SECONDS - reserve))
  if [ "$left" -lt 10 ]; then
    printf '%s\tnot run\t0\t%s\t0\n' "$name" "$limit" >>"$log/phases.tsv"
    echo "gpu-check: $name not run: the ${budget}-s budget is spent" | tee "$log/$name.log"
    return 125
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  local t0=$SECONDS rc cpu0
  child_cpu
  cpu0=$child_cpu_s
  echo "== $name (limit ${limit} s, $((budget - SECONDS)) s of the budget left)"
  if [ "$dry" = 1 ]; then
    { printf 'dry run:'; printf ' %q' "$@"; echo; } >"$log/$name.log"
    rc=0
  else
    timeout -k 10 "$limit" "$@" >"$log/$name.log" 2>&1
    rc=$?
  fi
  child_cpu
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rc" "$((SECONDS - t0))" "$limit" \
    "$((child_cpu_s - cpu0))" >>"$log/phases.tsv"
  if [ "$rc" != 0 ]; then
    echo "   $name: exit $rc after $((SECONDS - t0)) s$([ "$rc" = 124 ] && echo ' (time limit)'); its last lines:"
    tail -15 "$log/$name.log" | sed 's/^/   | /'
  else
    echo "   $name: ok after $((SECONDS - t0)) s"
  fi
  pack
  return "$rc"
}

# skip NAME REASON: a phase left out on purpose, listed as such.
skip() {
  printf '%s\tskipped\t0\t-\t0\n' "$1" >>"$log/phases.tsv"
  echo "gpu-check: skipped: $2" >"$log/$1.log"
  echo "== $1 skipped: $2"
}

# ---- the machine ----
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo 'unknown (no git checkout)')"
  echo "cores: $(nproc)"
  echo "nvcc: $(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null || echo none)"
  echo "compute-sanitizer: $(command -v compute-sanitizer || echo none)"
  echo "cmake: $(cmake --version 2>/dev/null | head -1)"
  echo "python3: $(command -v python3 || echo none)"
} >"$log/machine.txt"
# nvcc and compute-sanitizer live in the toolkit's bin/, which a plain shell may not have on PATH.
for d in /usr/local/cuda/bin /usr/local/cuda-*/bin; do
  [ -d "$d" ] && case ":$PATH:" in *":$d:"*) ;; *) PATH="$PATH:$d" ;; esac
done
export PATH
gpu=0
if [ "$dry" = 1 ] && [ "${GPU_CHECK_DRY_GPU:-0}" = 1 ]; then
  gpu=1  # a dry run that shows the GPU machine's commands where no GPU is visible
  echo "gpu-check: dry run as if a GPU were visible"
elif nvidia-smi -L >>"$log/machine.txt" 2>&1; then
  gpu=1
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$log/machine.txt"
elif [ "${REHEARSE:-0}" != 1 ]; then
  echo "gpu-check: no GPU visible (nvidia-smi -L failed); refusing to report a CPU-only run (REHEARSE=1 rehearses)" >&2
  exit 2
else
  echo "gpu-check: rehearsal without a GPU: CUDA tests skip, sanitizer and benchmarks run as CPU plumbing checks"
fi

# ---- cuDNN: the newer of the system's and the PyTorch wheel's (9.19 on the GPU machine) ----
# cudnn_version INCLUDE_DIR: prints major*10000+minor*100+patch from cudnn_version.h.
cudnn_version() {
  [ -f "$1/cudnn_version.h" ] || return 1
  awk '/^#define CUDNN_MAJOR /{a=$3} /^#define CUDNN_MINOR /{b=$3} /^#define CUDNN_PATCHLEVEL /{c=$3}
       END{if (a != "") print a*10000+b*100+c; else exit 1}' "$1/cudnn_version.h"
}
# dotted VERSION_NUMBER: 91900 -> 9.19.0
dotted() { [ "$1" -gt 0 ] && echo "$(($1 / 10000)).$(($1 / 100 % 100)).$(($1 % 100))" || echo none; }
cudnn_reason=""
if [ -n "${CUDNN_ROOT:-}" ]; then
  cudnn_reason="CUDNN_ROOT given: $CUDNN_ROOT"
else
  sys_ver=0 sys_dir=""
  for inc in /usr/local/cuda/include /usr/include/x86_64-linux-gnu /usr/include; do
    v=$(cudnn_version "$inc") && { sys_ver=$v; sys_dir=$inc; break; }
  done
  # The wheel: through whichever python has it (the GPU image's is /opt/torch/.venv), else a
  # plain look into that venv.
  wheel=""
  for py in python3 /opt/torch/.venv/bin/python3; do
    wheel=$("$py" -c 'import nvidia.cudnn as m; print(list(m.__path__)[0])' 2>/dev/null) && [ -n "$wheel" ] && break
  done
  if [ -z "$wheel" ]; then
    for d in /opt/torch/.venv/lib/python3*/site-packages/nvidia/cudnn; do [ -d "$d" ] && wheel=$d; done
  fi
  wheel_ver=0
  if [ -n "$wheel" ] && [ -f "$wheel/lib/libcudnn.so.9" ]; then
    wheel_ver=$(cudnn_version "$wheel/include") || wheel_ver=0
  fi
  if [ "$wheel_ver" -gt "$sys_ver" ]; then
    export CUDNN_ROOT=$wheel
    cudnn_reason="PyTorch wheel's cuDNN $(dotted "$wheel_ver") (system: $(dotted "$sys_ver")${sys_dir:+ in $sys_dir}): $wheel"
  else
    cudnn_reason="system cuDNN $(dotted "$sys_ver") in ${sys_dir:-none} (wheel: $(dotted "$wheel_ver"))"
  fi
fi
if [ -n "${CUDNN_ROOT:-}" ]; then
  # The wheel has no ldconfig entry; its sub-libraries (libcudnn_cnn.so.9, ...) are dlopen()ed
  # by name, so the loader must find the same folder, not an older system copy.
  export LD_LIBRARY_PATH="$CUDNN_ROOT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# cuDNN also dlopen()s the toolkit's libnvrtc for its runtime-compiled engines; a toolkit outside
# the loader's cache is found through this.
if nvcc_path=$(command -v nvcc) && [ -d "$(dirname "$(readlink -f "$nvcc_path")")/../lib64" ]; then
  export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$(cd "$(dirname "$(readlink -f "$nvcc_path")")/../lib64" && pwd)"
fi
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}" >>"$log/machine.txt"
echo "cuDNN chosen: $cudnn_reason" | tee "$log/cudnn.txt"

# ---- configure and build ----
# The CUDA backend is forced on: a build that silently fell back to the CPU would skip every CUDA
# test. -U forgets the cached cuDNN paths, so a rerun follows the choice above.
phase configure 120 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSEMISAM_WARNINGS_AS_ERRORS=OFF \
  -DSEMISAM_CUDA=ON -UCUDNN_INCLUDE_DIR -UCUDNN_LIBRARY ${CUDNN_ROOT:+-DCUDNN_ROOT=$CUDNN_ROOT} \
  ${SEMISAM_CMAKE_FLAGS:-}
configured=$?
built=1
if [ "$configured" = 0 ]; then
  phase build "${BUILD_TIMEOUT:-330}" cmake --build "$build" -j "$(nproc)"
  built=$?
  if [ "$built" != 0 ]; then
    grep -E 'error|Error' "$log/build.log" | head -20
    # Whatever did build still runs below: the logs of a partial build are worth the time.
  fi
else
  skip build "configure failed"
fi

# ---- what runs: the loaded cuDNN and the carried libraries ----
if [ -x "$build/tools/semisam" ] || [ "$dry" = 1 ]; then
  phase info 30 bash -c "'$build/tools/semisam' info; echo '-- libraries the loader resolves:';
    ldd '$build/tools/semisam' | grep -E 'cudnn|cublas|cudart|hdf5|png|libz|libsz|curl' || true"
  cat "$log/info.log" >>"$log/cudnn.txt"
else
  skip info "no semisam binary"
fi

# ---- the whole CTest suite ----
if [ -f "$build/CTestTestfile.cmake" ] || [ "$dry" = 1 ]; then
  # Test name -> executable, for the per-executable table (quick: reads the discovered lists).
  [ "$dry" = 1 ] || ctest --test-dir "$build" --show-only=json-v1 >"$log/tests.json" 2>/dev/null
  # Each test at most 120 s: one hang costs one test, not the call.
  phase ctest "${CTEST_TIMEOUT:-150}" ctest --test-dir "$build" --output-on-failure --timeout 120 -j "$(nproc)"
else
  skip ctest "nothing was configured"
fi

# ---- compute-sanitizer memcheck on a short subset: one training step, each kernel family once ----
sanitizer_runs=(
  # name | executable | arguments
  "mt-step|bench/mt_step|--device cuda --size 32 --iters 1 --warmup 1 --precision tf32 --out $log/sanitizer-mt-step.out"
  "kernels|tests/test_kernels|--gtest_filter=*/CudaVsCpu.EveryOpMatches/float32:*/Conv3dCuda.SmallShapesMatchFloat64Cpu/tf32:*/Pool3dCuda.SmallShapesMatchCpu/float32:*/UpsampleCuda.SmallShapesMatchCpu/float32:NormCuda.InstanceNormSmallAndMultiChunk:NormCuda.LayerNormTokensAndChannels:LossCuda.CrossEntropyAndDiceMatchCpu:LossCuda.BinaryDiceAndPairLossesMatchCpu:ActivationCuda.MatchesCpu:SoftmaxCuda.MatchesCpuOverChannelsAndRows:DropoutCuda.MasksMatchCpuExactly:EmaCuda.OneLaunchPerSetMatchesCpu:OptimCuda.MultiTensorSgdAndAdamMatchCpu"
  "models|tests/test_models|--gtest_filter=*/UNetCudaParity.ForwardAndGradientsMatchPyTorch/tf32:SamEncoderCuda.TinyMatchesPyTorch"
  "ssl|tests/test_ssl|--gtest_filter=*.CudaMatchesCpu:Fused*Cuda.*:*BackboneCuda.StepsMatchTheCpu/mt"
  "eval|tests/test_eval|--gtest_filter=CudaEval.SurfacesAndMaskOpsMatchCpu:CudaEval.DistanceTransformsAreBitIdentical"
)
sanitizer=$(command -v compute-sanitizer || true)
for entry in "${sanitizer_runs[@]}"; do
  IFS='|' read -r name exe args <<<"$entry"
  if [ "${SANITIZER:-1}" = 0 ]; then
    skip "sanitizer-$name" "SANITIZER=0"
  elif [ -z "$sanitizer" ] && [ "$dry" != 1 ]; then
    skip "sanitizer-$name" "compute-sanitizer not found"
  elif [ ! -x "$build/$exe" ] && [ "$dry" != 1 ]; then
    skip "sanitizer-$name" "$build/$exe was not built"
  else
    # shellcheck disable=SC2086  # the argument lists above are split on purpose
    phase "sanitizer-$name" 45 "${sanitizer:-compute-sanitizer}" --tool memcheck --error-exitcode 1 \
      "$build/$exe" $args
  fi
done

# ---- benchmarks: JSON into the log folder; on a rehearsal, tiny CPU runs check the plumbing ----
export SEMISAM_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "${BENCH:-1}" = 0 ]; then
  skip bench "BENCH=0"
else
  b=$build/bench
  if [ "$gpu" = 1 ]; then
    phase bench-mt_step 90 "$b/mt_step" --device cuda --precision tf32,bf16,fp32 --out "$log/mt_step_cuda.json"
    phase bench-sam_encoder 60 "$b/sam_encoder" --device cuda --precision tf32,bf16,fp32 --out "$log/sam_encoder_cuda.json"
    phase bench-conv_layouts 90 "$b/conv_layouts" --repeats 5 --warmup 2 --output "$log/conv_layouts_cuda.json"
    phase bench-metrics 60 "$b/metrics_bench" --repeats 3 --out "$log"
    phase bench-between_rounds 90 "$b/between_rounds" --device cuda --repeats 3 \
      --out "$log/between_rounds_cuda.json"
  else
    phase bench-mt_step 120 "$b/mt_step" --device cpu --size 32 --base-filters 4 --iters 1 --warmup 0 \
      --precision fp32 --out "$log/mt_step_cpu.json"
    phase bench-sam_encoder 120 "$b/sam_encoder" --device cpu --encoder tiny --iters 1 --warmup 0 \
      --precision fp32 --out "$log/sam_encoder_cpu.json"
    skip bench-conv_layouts "no GPU visible (conv_layouts measures cuDNN only)"
    phase bench-metrics 120 "$b/metrics_bench" --repeats 1 --out "$log"
    phase bench-between_rounds 120 "$b/between_rounds" --device cpu --cases 2 --size 32,32,24 \
      --repeats 1 --out "$log/between_rounds_cpu.json"
  fi
fi

# ---- summary ----
reference=""
for f in "${PYTORCH_REFERENCE:-}" shared/reference/pytorch-h100-baseline.json \
         ../shared/reference/pytorch-h100-baseline.json; do
  [ -n "$f" ] && [ -f "$f" ] && { reference=$f; break; }
done
{
  echo "---- gpu-check summary ($([ "$gpu" = 1 ] && echo GPU || echo 'REHEARSAL, no GPU'); $SECONDS s of $budget s) ----"
  head -1 "$log/cudnn.txt"
  grep -hE '^(cuDNN: loaded|CUDA runtime)|libcudnn.so' "$log/info.log" 2>/dev/null
  if command -v python3 >/dev/null; then
    python3 tools/gpu_check_summary.py "$log" "${reference:-builtin}"
  else
    echo "(no python3: raw ctest tail)"; tail -5 "$log/ctest.log" 2>/dev/null
    cat "$log/phases.tsv"
  fi
} >"$log/summary.txt" 2>&1
cat "$log/summary.txt"
pack
# Exit status: the first failing of configure, build and the test suite; 0 when all passed.
rc=0
while IFS=$'\t' read -r name status _; do
  case "$name" in configure|build|ctest|sanitizer-*)
    [ "$status" != 0 ] && [ "$status" != skipped ] && [ "$rc" = 0 ] && rc=1 ;;
  esac
done <"$log/phases.tsv"
exit "$rc"
