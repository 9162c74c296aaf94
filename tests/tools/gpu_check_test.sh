#!/usr/bin/env bash
# tools/gpu-check.sh without a GPU, a build or root (CI): the summary on canned logs, and the
# phases' plumbing in dry-run mode (order, time limits, log folder, archive, exit status).
# Usage: gpu_check_test.sh REPO_ROOT
set -uo pipefail
root=${1:?usage: gpu_check_test.sh REPO_ROOT}
# A test run inside gpu-check itself inherits its settings: OUT would send the dry runs' archives
# over the real one, REHEARSE would stop the refusal check below from refusing.
unset OUT REHEARSE GPU_CHECK_BUDGET GPU_CHECK_DRY_GPU BUILD_TIMEOUT CTEST_TIMEOUT BENCH SANITIZER CUDNN_ROOT
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check DESCRIPTION COMMAND...: one assertion
  if "${@:2}"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
has() { grep -qF -- "$2" "$1"; }
# grep reads the whole listing (no -q): an early exit would SIGPIPE tar and, under pipefail, fail
# the check whenever tar had not finished writing.
in_tgz() { tar tzf "$1" 2>/dev/null | grep -xF -- "$2" >/dev/null; }

# 1. The summary of canned logs (tests/data/gpu_check: a ctest log with every result kind).
python3 "$root/tools/gpu_check_summary.py" "$root/tests/data/gpu_check" none >"$tmp/summary.txt" 2>&1
check "summary exits 0" test $? = 0
check "per-executable counts" grep -qE '^test_kernels +0 +3 +1 +0$' "$tmp/summary.txt"
check "a listed test that never ran" grep -qE '^test_eval +0 +0 +0 +1$' "$tmp/summary.txt"
check "script tests named by script" grep -qE '^cli_test.sh +1 +0 +0 +0$' "$tmp/summary.txt"
check "totals" grep -qE '^all +2 +3 +1 +1$' "$tmp/summary.txt"
check "failed names" has "$tmp/summary.txt" "Failed: Conv.Crashes, Conv.Fails, Conv.Hangs"
check "sanitizer verdict" grep -qE '^kernels +0 errors$' "$tmp/summary.txt"
check "MT step against PyTorch (built-in figures)" grep -qE '^mt_step +tf32 +40.00 +118.39 +2.96x' "$tmp/summary.txt"
check "a failed precision" has "$tmp/summary.txt" "failed: cuDNN: CUDNN_STATUS_NOT_SUPPORTED"
check "docs row" has "$tmp/summary.txt" "| tf32 | 40.00 | 3.50 | 2.96 | NVIDIA H200 · cuDNN 91900 · abc1234 |"
check "phase not run listed" grep -qE '^bench-sam_encoder +not run' "$tmp/summary.txt"
check "CPU seconds per phase" grep -qE "^build +0 +250 +330 +3400$" "$tmp/summary.txt"

# 2. Dry runs: every phase in order, the archive in $OUT, the summary.
mkdir -p "$tmp/out"
(cd "$tmp" && REHEARSE=1 GPU_CHECK_DRY_RUN=1 OUT="$tmp/out" bash "$root/tools/gpu-check.sh" "$tmp/logs") \
  >"$tmp/dry.txt" 2>&1
check "dry rehearsal exits 0" test $? = 0
phases=$(cut -f1 "$tmp/logs/phases.tsv" | tr '\n' ' ')
check "phases in order" test "$phases" = "configure build info ctest sanitizer-mt-step sanitizer-kernels sanitizer-models sanitizer-ssl sanitizer-eval bench-mt_step bench-sam_encoder bench-conv_layouts bench-metrics bench-between_rounds "
check "archive in \$OUT" in_tgz "$tmp/out/gpu-check.tgz" ./phases.tsv
check "summary in \$OUT" has "$tmp/out/gpu-check-summary.txt" "gpu-check summary (REHEARSAL"
check "rehearsal benchmarks on the CPU" has "$tmp/logs/bench-mt_step.log" "--device cpu"
check "conv_layouts skipped without a GPU" has "$tmp/logs/bench-conv_layouts.log" "skipped: no GPU visible"
check "CUDA backend forced on" has "$tmp/logs/configure.log" "-DSEMISAM_CUDA=ON"
GPU_CHECK_DRY_RUN=1 GPU_CHECK_DRY_GPU=1 bash "$root/tools/gpu-check.sh" "$tmp/logs" >"$tmp/dry-gpu.txt" 2>&1
rc=$?
check "dry GPU run exits 0" test "$rc" = 0
[ "$rc" = 0 ] || { echo "dry GPU run, exit $rc:"; tail -8 "$tmp/dry-gpu.txt"; cat "$tmp/logs/phases.tsv"; }
check "GPU benchmarks in three precisions" has "$tmp/logs/bench-mt_step.log" "--device cuda --precision tf32\,bf16\,fp32"
check "memcheck with an error exit code" has "$tmp/logs/sanitizer-kernels.log" "--tool memcheck --error-exitcode 1"
# The budget: a budget smaller than the reserve leaves every phase not run, and the run fails.
GPU_CHECK_BUDGET=20 GPU_CHECK_DRY_RUN=1 GPU_CHECK_DRY_GPU=1 bash "$root/tools/gpu-check.sh" "$tmp/logs" >"$tmp/budget.txt" 2>&1
check "spent budget fails the run" test $? = 1
check "spent budget: phases not run" grep -qE '^configure	not run' "$tmp/logs/phases.tsv"
# A log folder that gpu-check did not make is never emptied.
mkdir -p "$tmp/precious" && echo keep >"$tmp/precious/file"
REHEARSE=1 GPU_CHECK_DRY_RUN=1 bash "$root/tools/gpu-check.sh" "$tmp/precious" >/dev/null 2>&1
check "foreign folder refused" test $? = 2
check "foreign folder kept" test -f "$tmp/precious/file"
# Without REHEARSE, a machine with no GPU is refused (only checkable where none is visible).
if ! nvidia-smi -L >/dev/null 2>&1; then
  GPU_CHECK_DRY_RUN=1 bash "$root/tools/gpu-check.sh" "$tmp/logs" >/dev/null 2>&1
  check "no GPU without REHEARSE refused" test $? = 2
fi
[ "$fails" = 0 ] && echo "gpu_check_test: all checks passed" || echo "gpu_check_test: $fails checks failed"
exit $((fails > 0))
