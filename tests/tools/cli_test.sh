#!/usr/bin/env bash
# Command-line checks of the `semisam` program that the library tests cannot make: --version,
# predict's exit statuses (0 all done, 3 some case skipped, 1 no run) and its messages, convert
# --ckpt, and import. Usage: cli_test.sh SEMISAM_BINARY TESTS_DATA_DIR
set -u
semisam=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_status() {  # expected, actual, what
  [ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}

out=$("$semisam" --version) || fail "--version exits non-zero"
grep -q '^semisam [0-9]' <<<"$out" || fail "--version lacks the version: $out"
grep -q '^commit ' <<<"$out" || fail "--version lacks the commit: $out"
grep -q '^backends: cpu' <<<"$out" || fail "--version lacks the backends: $out"

mkdir -p "$work/in"
cp "$data/geometry/oblique_0000.nii.gz" "$work/in/good_0000.nii.gz"
cp "$data/geometry/four_d.nii.gz" "$work/in/fourd_0000.nii.gz"
pth="$data/unet_pth/unet3d_bare.pth"
window=(--patch_size 32 32 16 --stride_xy 16 --stride_z 8 --device auto)
log=$("$semisam" predict --ckpt "$pth" -i "$work/in" -o "$work/out" "${window[@]}" 2>&1)
expect_status 3 $? "predict with a 4-D input"
grep -q 'fourd: skipped: .*fourd_0000.nii.gz: a 4-D image' <<<"$log" || fail "4-D case not named: $log"
grep -q 'on cpu' <<<"$log" || fail "the log does not name the device: $log"
[ -f "$work/out/good.nii.gz" ] || fail "good.nii.gz not written"

rm "$work/in/fourd_0000.nii.gz"
log=$("$semisam" predict --ckpt "$pth" -i "$work/in" -o "$work/out" "${window[@]}" 2>&1)
expect_status 0 $? "predict with every output present"
grep -q 'already done 1' <<<"$log" || fail "existing output not skipped: $log"

"$semisam" predict --ckpt "$data/unet_pth/not_a_unet.pth" -i "$work/in" -o "$work/x" >"$work/err" 2>&1
expect_status 1 $? "predict with a foreign checkpoint"
grep -q 'not a unet_3D / unet_3D_sdf state dict' "$work/err" || fail "foreign checkpoint message: $(cat "$work/err")"

"$semisam" convert --ckpt "$pth" --out "$work/bare.h5" --patch_size 32 32 16 >/dev/null
expect_status 0 $? "convert --ckpt"
"$semisam" predict --ckpt "$work/bare.h5" -i "$work/in" -o "$work/out_h5" --stride_xy 16 --stride_z 8 >/dev/null
expect_status 0 $? "predict with the converted checkpoint"
cmp -s "$work/out/good.nii.gz" "$work/out_h5/good.nii.gz" || fail "the .pth and its HDF5 twin predict different files"

mkdir -p "$work/raw/imagesTr" "$work/raw/labelsTr"
cp "$data/geometry/oblique_0000.nii.gz" "$work/raw/imagesTr/a_0000.nii.gz"
cp "$data/geometry/oblique_label.nii.gz" "$work/raw/labelsTr/a.nii.gz"
"$semisam" import --nnunet "$work/raw" -o "$work/root" >/dev/null
expect_status 0 $? "import --nnunet"
[ -f "$work/root/data/a.h5" ] && [ -f "$work/root/train.txt" ] || fail "import wrote no case or list"

log=$("$semisam" test --root_path "$work/root" --test_list train.txt --ckpt "$pth" "${window[@]}" \
      --report "$work/report/test.txt" 2>&1)
expect_status 0 $? "test with a .pth checkpoint"
grep -q 'reference .pth, unet_3D' <<<"$log" || fail "test does not say it read a .pth: $log"
grep -q 'hd95 [0-9.]* mm' <<<"$log" || fail "test distances not in mm: $log"
grep -q '"distance_unit": "mm"' "$work/report/test.summary.json" || fail "summary.json lacks the unit"
[ -f "$work/report/test.csv" ] || fail "test wrote no CSV"

[ "$failures" = 0 ] && echo "all command-line checks passed"
exit $((failures > 0))
