#!/usr/bin/env bash
# semisam vs PyTorch on the CPU, side by side (issue 11's five workloads), in one command from a
# fresh clone: installs the build dependencies, builds bench/cpu_workloads (CPU backend only),
# creates the git-ignored .venv-bench with PyTorch, NumPy, h5py and medpy from PyPI (used only
# here, never at run time), then runs the comparison twice: all cores, and both sides pinned to
# one core with one thread. Results: bench/results/cpu_vs_pytorch_{all,1core}.json and the tables
# on stdout (copied into docs/performance.md by hand, with the prediction written before).
# Options are passed to bench/cpu_vs_pytorch.py (e.g. --rounds 5 --workloads mt_w8_32,metrics_160).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build=build-bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSEMISAM_CUDA=OFF -DSEMISAM_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target cpu_workloads
if [ ! -x .venv-bench/bin/python ] || ! .venv-bench/bin/python -c "import torch, medpy, h5py" 2>/dev/null; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q torch numpy h5py medpy scipy
fi
run() {
  .venv-bench/bin/python bench/cpu_vs_pytorch.py --semisam "$build/bench/cpu_workloads" \
    --python .venv-bench/bin/python "$@"
}
run --label "all cores" --out bench/results/cpu_vs_pytorch_all.json "$@"
run --label "one core, one thread" --threads 1 --pin 0 --out bench/results/cpu_vs_pytorch_1core.json "$@"
