#!/bin/sh
# The `semisam` program's promises about flags and exit statuses (README): flag errors exit 2,
# listed flags exist and work, `extract` refuses random weights unless asked, `--resume` with
# nothing to resume fails, and `demo` reruns with other settings or another volume size.
# Usage: cli_flags_test.sh path/to/semisam path/to/png_colours path/to/checkpoint_weights_equal
set -u
semisam="$1"
png_colours="$2"
checkpoint_equal="$3"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect STATUS TEXT command...: the command exits with STATUS and its output contains TEXT.
expect() {
  want_status=$1; want_text=$2; shift 2
  "$@" >"$work/out" 2>&1
  status=$?
  [ "$status" -eq "$want_status" ] || fail "'$*' exited $status, expected $want_status: $(tail -3 "$work/out")"
  grep -q -- "$want_text" "$work/out" || fail "'$*' did not print '$want_text': $(tail -3 "$work/out")"
}

expect 2 "no_such_flag" "$semisam" train --no_such_flag
expect 2 "" "$semisam" train --max_iterations many
expect 2 "" "$semisam" nonsense
expect 2 "exactly one of --sam_ckpt" "$semisam" convert --out "$work/x.h5"
expect 2 "--patch_size" "$semisam" train --patch_size 32 32
expect 2 "--conv_search" "$semisam" train --conv_search fastest
expect 0 "--resume" "$semisam" train --help
expect 0 "--cases_train" "$semisam" phantom --help
expect 0 "--sam_random_weights" "$semisam" extract --help
"$semisam" demo --help >"$work/demo_help" 2>&1
for flag in --root_path --model_root --resume; do
  grep -q -- "^ *$flag" "$work/demo_help" && fail "demo --help lists $flag, which the demo does not honour"
done
grep -q -- "^ *--volume" "$work/demo_help" || fail "demo --help does not list --volume"
expect 2 "--sam_random_weights" "$semisam" extract --root_path "$work/none" --out "$work/f.h5"
expect 1 "nothing to resume" "$semisam" train --resume --model_root "$work/model" --device cpu

# demo: a tiny run, a second run with other settings (replaced, not refused), then --fresh with
# another volume size (new phantoms).
tiny="--device cpu --num_rounds 1 --val_interval 2 --log_interval 1"
expect 0 "training finished" "$semisam" demo --out "$work/demo" $tiny --volume 32 32 24 --max_iterations 2
report="$work/demo/model/phantom_MT_1label_1/unet_3D/report.html"
[ -f "$report" ] || fail "demo left no report.html"
# The demo tested its model: summary.json and slice previews beside it, and the report shows them.
exp_demo="$work/demo/model/phantom_MT_1label_1/unet_3D"
[ -s "$exp_demo/summary.json" ] || fail "the demo's test left no summary.json beside the model"
[ -s "$exp_demo/test_previews/previews.json" ] || fail "the demo's test left no previews.json"
[ "$(ls "$exp_demo"/test_previews/*.png 2>/dev/null | wc -l)" -ge 3 ] ||
  fail "the demo's test left fewer than 3 slice previews"
grep -q "<h2>Test</h2>" "$report" || fail "report.html has no test section after the demo's test"
# Headless Chromium (Debian package `chromium`; scripts/setup.sh --test installs it) renders the
# report: the parsed DOM holds the charts, curves and preview images, and a screenshot shows the
# first chart colour (#0072B2) and the ground-truth outline (pure green) of the previews.
if command -v chromium >/dev/null 2>&1; then
  chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$report" >"$work/dom" 2>/dev/null
  [ "$(grep -c "<svg" "$work/dom")" -ge 2 ] || fail "report.html rendered without its two charts"
  grep -q "<polyline" "$work/dom" || fail "report.html rendered without curves"
  [ "$(grep -o "<img " "$work/dom" | wc -l)" -ge 3 ] || fail "report.html rendered without previews"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size=1400,6000 --screenshot="$work/report.png" "file://$report" >/dev/null 2>&1
  if [ -s "$work/report.png" ]; then
    counts=$("$png_colours" "$work/report.png" 0,114,178 0,255,0) || fail "cannot read the screenshot"
    chart=$(echo "$counts" | sed -n 2p); outline=$(echo "$counts" | sed -n 3p)
    echo "report screenshot $(echo "$counts" | head -1): $chart chart-blue and $outline outline-green pixels"
    [ "${chart:-0}" -ge 100 ] || fail "the screenshot shows no chart line (colour #0072B2)"
    [ "${outline:-0}" -ge 100 ] || fail "the screenshot shows no preview (green ground-truth outline)"
    [ -n "${SEMISAM_KEEP_SCREENSHOT:-}" ] && cp "$work/report.png" "$SEMISAM_KEEP_SCREENSHOT"
  else
    fail "headless Chromium wrote no screenshot of report.html"
  fi
else
  echo "note: chromium not installed; report.html not rendered (scripts/setup.sh --test installs it)"
fi
expect 0 "other settings; starting it afresh" "$semisam" demo --out "$work/demo" $tiny --volume 32 32 24 --max_iterations 3
expect 0 "training finished" "$semisam" demo --out "$work/demo" $tiny --volume 32 32 32 --fresh --max_iterations 2
tr -d ' \n' <"$work/demo/phantom/demo_phantom.json" | grep -q '"size":\[32,32,32\]' ||
  fail "demo --fresh --volume 32 32 32 did not write phantoms of that size"

# `train` uses the cache `extract` writes (--features) instead of running the encoder.
expect 0 "wrote $work/f.h5" "$semisam" extract --root_path "$work/demo/phantom" --sam_random_weights \
  --sam_encoder tiny --device cpu --out "$work/f.h5"
expect 0 "features: read $work/f.h5" "$semisam" train --root_path "$work/demo/phantom" \
  --features "$work/f.h5" --sam_encoder tiny --sam_random_weights --model_root "$work/m" \
  --backbone mt --patch_size 32 32 32 --base_filters 2 --val_stride 16 --pseudo_stride 16 \
  --max_iterations 2 --num_rounds 1 --val_interval 2 --device cpu
expect 1 "cache was made with encoder" "$semisam" train --root_path "$work/demo/phantom" \
  --features "$work/f.h5" --sam_random_weights --model_root "$work/m2" --backbone mt \
  --patch_size 32 32 32 --base_filters 2 --val_stride 16 --pseudo_stride 16 --device cpu

# SIGTERM mid-run: the state is saved at the iteration in progress, the log says so, exit status 3;
# then `--resume` with only the flags that find the run continues it to the end, where the model
# is bit-identical to that of an uninterrupted run with the same flags.
run_flags="--root_path $work/demo/phantom --features $work/f.h5 --sam_encoder tiny
  --sam_random_weights --backbone mt --patch_size 32 32 32 --base_filters 2 --val_stride 16
  --pseudo_stride 16 --max_iterations 60 --num_rounds 1 --val_interval 20 --log_interval 1
  --device cpu"
expect 0 "training finished" "$semisam" train $run_flags --model_root "$work/whole"
"$semisam" train $run_flags --model_root "$work/term" >"$work/term.out" 2>&1 &
pid=$!
exp="$work/term/SemiSAM_O1/LA_MT_1label_1/unet_3D"
for _ in $(seq 1 300); do
  grep -q '"iteration":3,' "$exp/progress.jsonl" 2>/dev/null && break
  sleep 0.1
done
kill -TERM "$pid"
wait "$pid"
status=$?
if [ "$status" -eq 3 ]; then
  grep -q "(SIGTERM); the state is saved" "$exp/log.txt" || fail "SIGTERM: the log does not say the state was saved"
  [ -f "$exp/state/latest.h5" ] || fail "SIGTERM: no saved state"
  expect 0 "resumed at iteration" "$semisam" train --model_root "$work/term" --backbone mt --resume
  grep -q "training finished" "$work/out" || fail "SIGTERM + --resume: the run did not finish"
  "$checkpoint_equal" "$work/whole/SemiSAM_O1/LA_MT_1label_1/unet_3D/round1_best.h5" \
    "$exp/round1_best.h5" >"$work/equal.out" 2>&1 ||
    fail "SIGTERM + --resume did not end bit-identical to the uninterrupted run: $(cat "$work/equal.out")"
else
  fail "SIGTERM at iteration 3 of 60: exit status $status, expected 3: $(tail -3 "$work/term.out")"
fi
expect 0 "Exit status" "$semisam" --help

[ "$failures" -eq 0 ] && echo "all CLI checks passed"
exit "$failures"
