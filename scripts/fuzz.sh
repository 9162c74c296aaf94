#!/usr/bin/env bash
# Builds the libFuzzer harnesses of the file readers (tests/fuzz) with clang, ASan and UBSan into
# build-fuzz/ (the io and tensor layers only; the main build is untouched) and runs them, each on a
# temporary copy of its seed corpus (tests/fuzz/corpus/<harness>/), under memory limits so that an
# input that makes a reader allocate gigabytes fails as loudly as a crash.
#
# Usage: scripts/fuzz.sh [--brief | [--time SECONDS] [--runs N]] [--jobs N] [harness ...]
#   --brief       CI: a fixed number of executions per harness from a fixed seed (a finding
#                 reproduces on every run instead of flaking), about 10-20 s each on 2 busy cores,
#                 capped at ${SEMISAM_FUZZ_BRIEF_SECONDS:-30} s
#   --time S      every harness for S seconds (default 60 when --runs is not given)
#   --runs N      every harness for at most N executions
#   --keep-going  long runs (docs/reliability.md): libFuzzer's fork mode with one worker, which
#                 records a finding and goes on fuzzing instead of stopping at the first one
#                 (it honours --time, not --runs)
#   --logs DIR    keep every harness's log in DIR
#   --available   exit 0 when clang with libFuzzer is usable here, 1 otherwise (builds nothing)
# Findings (crash, leak, out-of-memory, timeout) are kept in build-fuzz/artifacts/ and make the
# script exit non-zero. Per harness it prints executions, executions per second and the result.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
build="${SEMISAM_FUZZ_BUILD:-build-fuzz}"
all=(fuzz_pickle fuzz_pth fuzz_nifti fuzz_split_list fuzz_h5_case fuzz_checkpoint fuzz_nnunet_json)
# 2 GiB RSS and 1 GiB per allocation: far above what any seed needs (a few MB), far below what an
# amplification bug asks for (a 693-byte .pth once asked for 2 GiB in one allocation).
malloc_limit_mb="${SEMISAM_FUZZ_MALLOC_LIMIT_MB:-1024}"
rss_limit_mb="${SEMISAM_FUZZ_RSS_LIMIT_MB:-2048}"

libfuzzer_works() {
  command -v clang++ >/dev/null 2>&1 || return 1
  local dir
  dir="$(mktemp -d)"
  printf '#include <cstddef>\n#include <cstdint>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n' \
    >"$dir/probe.cpp"
  clang++ -fsanitize=fuzzer,address,undefined "$dir/probe.cpp" -o "$dir/probe" >/dev/null 2>&1
  local rc=$?
  rm -rf "$dir"
  return $rc
}

time_limit=""
runs_limit=""
brief=0
keep_going=0
logs=""
harnesses=()
jobs="$(nproc 2>/dev/null || echo 2)"
while [ $# -gt 0 ]; do
  case "$1" in
    --brief) brief=1 ;;
    --time) time_limit="$2"; shift ;;
    --runs) runs_limit="$2"; shift ;;
    --keep-going) keep_going=1 ;;
    --logs) logs="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    --jobs) jobs="$2"; shift ;;
    --available) libfuzzer_works; exit $? ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    fuzz_*) harnesses+=("$1") ;;
    *) echo "fuzz: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")
if [ -z "$time_limit" ] && [ -z "$runs_limit" ]; then time_limit=60; fi

# Executions per harness in --brief mode, sized by each one's speed (the HDF5 and file-based
# harnesses are 10-100 times slower than the in-memory parsers).
brief_runs() {
  case "$1" in
    fuzz_split_list) echo 200000 ;;
    fuzz_pickle) echo 40000 ;;
    fuzz_pth | fuzz_nifti | fuzz_nnunet_json) echo 4000 ;;
    *) echo 1500 ;;
  esac
}

if ! libfuzzer_works; then
  echo "fuzz: clang++ -fsanitize=fuzzer does not link here; run scripts/setup.sh (clang," \
       "libclang-rt-14-dev)" >&2
  exit 1
fi

echo "fuzz: building ${harnesses[*]} in $build/"
mkdir -p "$build"
CC=clang CXX=clang++ cmake -S . -B "$build" -DSEMISAM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >"$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; exit 1; }
nice cmake --build "$build" -j "$jobs" --target "${harnesses[@]}"

artifacts="$root/$build/artifacts"
mkdir -p "$artifacts"
# The file harnesses write every input to a scratch file: on a RAM file system (/dev/shm) they
# run 2-5 times faster than on a disk-backed /tmp (nifti 1 300 -> 3 000 inputs/s, pth 1 600 ->
# 9 000 here). SEMISAM_FUZZ_SCRATCH chooses another folder.
scratch="${SEMISAM_FUZZ_SCRATCH:-}"
if [ -z "$scratch" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then scratch=/dev/shm; else scratch="${TMPDIR:-/tmp}"; fi
fi
work="$(mktemp -d "$scratch/semisam-fuzz-run.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failed=()
printf '%-18s %12s %10s  %s\n' harness executions exec/s result
for h in "${harnesses[@]}"; do
  corpus="$work/$h"
  mkdir -p "$corpus"
  cp "tests/fuzz/corpus/$h/"* "$corpus/"
  log="$work/$h.log"
  rc=0
  # Each harness makes its scratch files under TMPDIR; a directory per run keeps them apart.
  mkdir -p "$work/tmp-$h"
  if [ $brief -eq 1 ]; then
    limit=(-runs="$(brief_runs "$h")" -seed=1 -max_total_time="${SEMISAM_FUZZ_BRIEF_SECONDS:-30}")
  else
    limit=()
    [ -z "$time_limit" ] || limit+=(-max_total_time="$time_limit")
    [ -z "$runs_limit" ] || limit+=(-runs="$runs_limit")
    [ $keep_going -eq 0 ] || limit+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  fi
  TMPDIR="$work/tmp-$h" ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:suppressions=$root/tests/fuzz/asan.supp" \
    LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    nice "$build/tests/fuzz/$h" "$corpus" "${limit[@]}" -malloc_limit_mb="$malloc_limit_mb" \
    -rss_limit_mb="$rss_limit_mb" -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$h-" >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  findings=0
  if [ $keep_going -eq 1 ]; then
    # Fork mode's progress lines: "#N: cov: .. exec/s S oom/timeout/crash: a/b/c time: .."
    last="$(grep -E '^#[0-9]+: cov' "$log" | tail -1 || true)"
    execs="$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")"
    speed="$(sed -E 's/.*exec\/s ([0-9]+).*/\1/' <<<"$last")"
    findings="$(sed -E 's/.*oom\/timeout\/crash: ([0-9]+)\/([0-9]+)\/([0-9]+).*/\1+\2+\3/' <<<"$last")"
    findings=$((${findings:-0}))
    if [ "$findings" -gt 0 ]; then rc=1; fi
  fi
  [ -z "$logs" ] || cp "$log" "$logs/$h.log"
  if [ $rc -eq 0 ]; then
    result="ok"
  else
    result="FAILED (exit $rc; log and input in $artifacts/)"
    cp "$log" "$artifacts/$h.log"
    failed+=("$h")
    grep -E "^==[0-9]+==ERROR|SUMMARY|runtime error|out-of-memory|Test unit written" "$log" \
      | head -8 >&2 || true
  fi
  printf '%-18s %12s %10s  %s\n' "$h" "${execs:-?}" "${speed:-?}" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings"
