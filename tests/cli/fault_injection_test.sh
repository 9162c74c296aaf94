#!/bin/sh
# Fault injection on the real `semisam train` (docs/reliability.md):
#  - SIGKILL at four moments (SEMISAM_FAULT_AT, src/io/fault_injection.h): during an iteration,
#    during a validation, during the refinement between rounds and during a checkpoint write;
#    each run resumed with --resume alone must end with checkpoints bit-identical to an
#    uninterrupted run's, and the killed write's temporary file must be gone;
#  - a full disk (a tiny tmpfs) and a read-only output folder (a read-only remount): exit status
#    1, one clear message, no crash, and every file written earlier unchanged.
# The mounts need root (or CAP_SYS_ADMIN); without them those parts are skipped with a reason.
# Usage: fault_injection_test.sh path/to/semisam path/to/checkpoint_weights_equal
set -u
semisam="$1"
same_weights="$2"
work=$(mktemp -d)
mounts=""
cleanup() {
  for m in $mounts; do umount "$m" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A tiny run: 2 rounds of 6 iterations, validation (and the saved state) every 3 iterations.
"$semisam" phantom --out "$work/data" --volume 32 32 24 --cases_train 4 --cases_val 1 \
  --cases_test 1 >"$work/phantom.out" 2>&1 || { cat "$work/phantom.out"; exit 1; }
"$semisam" extract --root_path "$work/data" --sam_random_weights --sam_encoder tiny \
  --device cpu --out "$work/features.h5" >"$work/extract.out" 2>&1 ||
  { cat "$work/extract.out"; exit 1; }
train() {
  "$semisam" train --root_path "$work/data" --features "$work/features.h5" --sam_encoder tiny \
    --sam_random_weights --backbone mt --patch_size 32 32 32 --base_filters 2 --val_stride 16 \
    --pseudo_stride 16 --max_iterations 6 --num_rounds 2 --val_interval 3 --log_interval 3 \
    --device cpu "$@"
}
exp_of() { echo "$1/SemiSAM_O1/LA_MT_1label_1/unet_3D"; }

train --model_root "$work/straight" >"$work/straight.out" 2>&1 ||
  { fail "the uninterrupted run failed: $(tail -3 "$work/straight.out")"; exit 1; }
straight=$(exp_of "$work/straight")

# kill_and_resume POINT: killed at POINT, then resumed with only the flags that find the run.
kill_and_resume() {
  point=$1
  root="$work/kill_$(echo "$point" | tr ':' '_')"
  exp=$(exp_of "$root")
  SEMISAM_FAULT_AT=$point train --model_root "$root" >"$root.out" 2>&1
  status=$?
  [ "$status" -eq 137 ] || { fail "$point: exit status $status, expected 137 (SIGKILL)"; return; }
  [ -f "$exp/round2_best.h5" ] && fail "$point: the run finished before the fault"
  leftovers=$(find "$root" -name '*.tmp-*' | wc -l)
  case $point in
    checkpoint_write*) [ "$leftovers" -gt 0 ] || fail "$point: the killed write left no temporary file";;
  esac
  "$semisam" train --model_root "$root" --backbone mt --resume >"$root.resume.out" 2>&1 ||
    { fail "$point: --resume failed: $(tail -3 "$root.resume.out")"; return; }
  for file in round1_best.h5 round2_best.h5 state/latest.h5; do
    "$same_weights" "$straight/$file" "$exp/$file" || fail "$point: $file differs from the uninterrupted run's"
  done
  [ "$(find "$root" -name '*.tmp-*' | wc -l)" -eq 0 ] || fail "$point: temporary files left after --resume"
  if [ "$leftovers" -gt 0 ]; then
    grep -q "left by a run that was killed while writing it" "$exp/log.txt" ||
      fail "$point: the removal of the killed write's temporary file is not logged"
  fi
  echo "$point: killed, resumed, identical ($leftovers temporary file(s) cleaned)"
}
kill_and_resume iteration:4          # round 1, between the states at 3 and 6
kill_and_resume validation:2         # round 1's validation at iteration 6
kill_and_resume refinement:1         # between round 1 and round 2
kill_and_resume checkpoint_write:5   # a checkpoint in its temporary file, not yet renamed (the
                                     # 4th write is the first state: killed there, nothing to resume)

# checksums DIR: one line per file (path and SHA-256), for comparing a folder before and after.
checksums() { (cd "$1" && find . -type f ! -name log.txt -exec sha256sum {} + | sort -k 2); }

# expect_refusal NAME TEXT ROOT: --resume of a stopped run under ROOT exits 1 saying TEXT once,
# and leaves every earlier file as it was (log.txt may only have grown).
expect_refusal() {
  name=$1; text=$2; root=$3
  exp=$(exp_of "$root")
  checksums "$root" >"$work/$name.before"
  log_size=$(wc -c <"$exp/log.txt")
  "$semisam" train --model_root "$root" --backbone mt --resume --stop_after 3 >"$work/$name.out" 2>&1
  status=$?
  [ "$status" -eq 1 ] || fail "$name: exit status $status, expected 1: $(tail -3 "$work/$name.out")"
  count=$(grep -o "$text" "$work/$name.out" | wc -l)
  [ "$count" -eq 1 ] || fail "$name: '$text' printed $count times, expected once: $(cat "$work/$name.out")"
  checksums "$root" >"$work/$name.after"
  cmp -s "$work/$name.before" "$work/$name.after" ||
    fail "$name: files written before changed: $(diff "$work/$name.before" "$work/$name.after")"
  head -c "$log_size" "$exp/log.txt" | cmp -s - "$work/$name.log.before" ||
    fail "$name: log.txt lost earlier lines"
  echo "$name: refused with status 1: $(grep -m1 "$text" "$work/$name.out")"
}

# mount_tmpfs DIR SIZE: 0 when a tmpfs of SIZE is mounted at DIR.
mount_tmpfs() {
  mkdir -p "$1"
  mount -t tmpfs -o "size=$2" tmpfs "$1" 2>"$work/mount.err" || return 1
  mounts="$1 $mounts"
}

# A full disk: a fresh run on a 12 KiB tmpfs (it used to crash with status 139 in HDF5's exit
# handler after the right message), then a stopped run resumed after the disk filled up.
if mount_tmpfs "$work/tiny" 12k; then
  train --model_root "$work/tiny" >"$work/tiny.out" 2>&1
  status=$?
  [ "$status" -eq 1 ] || fail "12 KiB disk: exit status $status, expected 1: $(tail -3 "$work/tiny.out")"
  count=$(grep -o "No space left on device" "$work/tiny.out" | wc -l)
  [ "$count" -eq 1 ] || fail "12 KiB disk: 'No space left on device' printed $count times: $(cat "$work/tiny.out")"
  echo "12 KiB disk: status $status: $(grep -m1 "No space" "$work/tiny.out" | cut -c1-160)"
  if mount_tmpfs "$work/full" 8m; then
    train --model_root "$work/full" --stop_after 3 >"$work/full.first.out" 2>&1 ||
      fail "full disk: the first part failed: $(tail -3 "$work/full.first.out")"
    exp=$(exp_of "$work/full")
    cp "$exp/log.txt" "$work/full.log.before"
    dd if=/dev/zero of="$work/full/fill" bs=64k 2>/dev/null  # until the disk is full
    expect_refusal full "No space left on device" "$work/full"
  fi
else
  echo "note: cannot mount a tmpfs ($(cat "$work/mount.err")); full-disk checks skipped"
fi

# A read-only output folder: root ignores file modes, so the folder is a tmpfs remounted read-only.
if mount_tmpfs "$work/ro" 8m; then
  train --model_root "$work/ro" --stop_after 3 >"$work/ro.first.out" 2>&1 ||
    fail "read-only: the first part failed: $(tail -3 "$work/ro.first.out")"
  cp "$(exp_of "$work/ro")/log.txt" "$work/ro.log.before"
  if mount -o remount,ro "$work/ro" 2>"$work/mount.err"; then
    expect_refusal ro "Read-only file system" "$work/ro"
  else
    echo "note: cannot remount read-only ($(cat "$work/mount.err")); read-only check skipped"
  fi
else
  echo "note: cannot mount a tmpfs ($(cat "$work/mount.err")); read-only check skipped"
fi

[ "$failures" -eq 0 ] && echo "all fault-injection checks passed"
exit "$failures"
