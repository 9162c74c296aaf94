// SPEC §4 augmentation against a voxel-by-voxel reading of numpy's rot90, flip, pad and crop, and
// the drawn parameters' ranges, padding formula and determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "common/error_text.h"
#include "common/test_util.h"
#include "kernels/copy.h"
#include "ssl/training/augment.h"

namespace semisam {
namespace {

using ssl::AugmentParams;
using ssl::Size3;

// Distinct, non-zero values so a misplaced or padded voxel shows.
Tensor numbered_image(const Size3& s) {
  std::vector<float> v(size_t(s[0] * s[1] * s[2]));
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i + 1);
  return Tensor::from_vector(v, {s[0], s[1], s[2]});
}

Tensor numbered_label(const Size3& s) {
  std::vector<uint8_t> v(size_t(s[0] * s[1] * s[2]));
  for (size_t i = 0; i < v.size(); ++i) v[i] = uint8_t(1 + (i * 7) % 250);
  return Tensor::from_vector(v, {s[0], s[1], s[2]});
}

// The patch by the numpy definitions, read backwards from each output voxel: undo the crop and
// the padding, then numpy.flip, then numpy.rot90(m, k, axes=(0, 1)), whose output at (i, j) is
// m[i, j] (k = 0), m[j, Y−1−i] (k = 1), m[X−1−i, Y−1−j] (k = 2), m[X−1−j, i] (k = 3).
template <typename T>
std::vector<T> expected_patch(const std::vector<T>& m, const Size3& s, const AugmentParams& p,
                              const Size3& patch) {
  const int64_t X = s[0], Y = s[1], Z = s[2];
  Size3 r = p.rot90_k % 2 ? Size3{Y, X, Z} : s;  // the rotated shape
  std::vector<T> out;
  for (int64_t o0 = 0; o0 < patch[0]; ++o0)
    for (int64_t o1 = 0; o1 < patch[1]; ++o1)
      for (int64_t o2 = 0; o2 < patch[2]; ++o2) {
        int64_t q[3] = {o0 + p.crop_start[0] - p.pad[0], o1 + p.crop_start[1] - p.pad[1],
                        o2 + p.crop_start[2] - p.pad[2]};
        bool inside = true;
        for (int a = 0; a < 3; ++a) inside = inside && q[a] >= 0 && q[a] < r[size_t(a)];
        if (!inside) {
          out.push_back(T(0));
          continue;
        }
        q[p.flip_axis] = r[size_t(p.flip_axis)] - 1 - q[p.flip_axis];
        int64_t i = q[0], j = q[1], x = 0, y = 0;
        switch (p.rot90_k) {
          case 0: x = i, y = j; break;
          case 1: x = j, y = Y - 1 - i; break;
          case 2: x = X - 1 - i, y = Y - 1 - j; break;
          default: x = X - 1 - j, y = i; break;
        }
        out.push_back(m[size_t((x * Y + y) * Z + q[2])]);
      }
  return out;
}

// Every k and flip axis with crop starts at both ends of their range and in between, image and
// label alike.
void check_all_orientations(const Size3& shape, const Size3& patch) {
  Tensor image = numbered_image(shape), label = numbered_label(shape);
  std::vector<float> img = ops::to_vector<float>(image);
  std::vector<uint8_t> lab = ops::to_vector<uint8_t>(label);
  for (int k = 0; k < 4; ++k)
    for (int flip = 0; flip < 2; ++flip) {
      AugmentParams p;
      p.rot90_k = k;
      p.flip_axis = flip;
      Size3 r = k % 2 ? Size3{shape[1], shape[0], shape[2]} : shape;
      bool pad = false;
      for (size_t a = 0; a < 3; ++a) pad = pad || r[a] <= patch[a];
      for (size_t a = 0; a < 3; ++a) {
        int64_t d = patch[a] - r[a];  // Python's d // 2 with d possibly negative
        p.pad[a] = pad ? std::max<int64_t>((d >= 0 ? d / 2 : -((1 - d) / 2)) + 3, 0) : 0;
      }
      for (int choice = 0; choice < 3; ++choice) {
        for (size_t a = 0; a < 3; ++a) {
          int64_t room = r[a] + 2 * p.pad[a] - patch[a];
          p.crop_start[a] = choice == 0 ? 0 : choice == 1 ? room : (room * (a + 1)) / 4;
        }
        SCOPED_TRACE("k " + std::to_string(k) + ", flip " + std::to_string(flip) +
                     ", crop choice " + std::to_string(choice));
        ssl::Patch out = ssl::apply_augmentation(image, label, p, patch);
        ASSERT_EQ(out.image.shape(), Shape(patch.begin(), patch.end()));
        EXPECT_TRUE(out.image.is_contiguous());
        EXPECT_EQ(out.label.dtype(), DType::UInt8);
        EXPECT_EQ(ops::to_vector<float>(out.image), expected_patch(img, shape, p, patch));
        EXPECT_EQ(ops::to_vector<uint8_t>(out.label), expected_patch(lab, shape, p, patch));
      }
    }
}

TEST(Augment, MatchesNumpyOnAPaddedNonCubicVolume) { check_all_orientations({5, 7, 3}, {4, 4, 4}); }

TEST(Augment, MatchesNumpyWithoutPadding) { check_all_orientations({20, 18, 16}, {8, 8, 8}); }

TEST(Augment, PatchWhollyInThePaddingIsZero) {
  // A 1³ volume padded by (4 − 1)//2 + 3 = 4 sits at padded position 4 of 9 on every axis.
  AugmentParams p;
  p.pad = {4, 4, 4};
  p.crop_start = {0, 5, 2};  // x covers padded 0..3: the voxel is outside
  ssl::Patch out = ssl::apply_augmentation(numbered_image({1, 1, 1}), Tensor(), p, {4, 4, 4});
  EXPECT_EQ(ops::to_vector<float>(out.image), std::vector<float>(64, 0.0f));
  p.crop_start = {1, 1, 4};  // covers padded 1..4, 1..4, 4..7: the voxel is at (3, 3, 0)
  std::vector<float> want(64, 0.0f);
  want[(3 * 4 + 3) * 4 + 0] = 1.0f;
  out = ssl::apply_augmentation(numbered_image({1, 1, 1}), Tensor(), p, {4, 4, 4});
  EXPECT_EQ(ops::to_vector<float>(out.image), want);
}

TEST(Augment, StridedInputViewGivesTheSameResult) {
  // A view with an offset and permuted strides must be read through its own strides.
  Size3 shape{6, 5, 4};
  Tensor big = numbered_image({5, 8, 6});
  Tensor view = big.narrow(1, 1, 6).narrow(2, 2, 4).permute({1, 0, 2});
  ASSERT_EQ(view.shape(), (Shape{6, 5, 4}));
  Tensor dense = ops::clone(view);
  AugmentParams p;  // rotated to 5×6×4: pads (4 − 5)//2 + 3 = 2, 2 and 3; rooms 5, 6, 6
  p.rot90_k = 3;
  p.flip_axis = 1;
  p.pad = {2, 2, 3};
  p.crop_start = {1, 3, 2};
  ssl::Patch a = ssl::apply_augmentation(view, Tensor(), p, {4, 4, 4});
  EXPECT_EQ(ops::to_vector<float>(a.image),
            expected_patch(ops::to_vector<float>(dense), shape, p, {4, 4, 4}));
}

TEST(Augment, LabelMayBeUndefined) {
  Size3 shape{5, 7, 3};
  AugmentParams p = ssl::draw_augmentation(shape, {4, 4, 4}, 9, 2, 0);
  ssl::Patch out = ssl::apply_augmentation(numbered_image(shape), Tensor(), p, {4, 4, 4});
  EXPECT_FALSE(out.label.defined());
  EXPECT_EQ(ops::to_vector<float>(out.image),
            expected_patch(ops::to_vector<float>(numbered_image(shape)), shape, p, {4, 4, 4}));
}

TEST(Augment, PadsFollowTheReferenceFormulaOnTheRotatedShape) {
  // (128 − 130)//2 + 3 = 2, (128 − 100)//2 + 3 = 17, (128 − 131)//2 + 3 = 1; odd k swaps x and y.
  for (int64_t it = 0; it < 40; ++it) {
    AugmentParams p = ssl::draw_augmentation({130, 100, 131}, {128, 128, 128}, 4, it, 0);
    Size3 want = p.rot90_k % 2 ? Size3{17, 2, 1} : Size3{2, 17, 1};
    EXPECT_EQ(p.pad, want) << "k = " << p.rot90_k;
  }
  // An axis far longer than the patch gets no padding even when another axis needs it.
  AugmentParams q = ssl::draw_augmentation({200, 200, 128}, {128, 128, 128}, 4, 0, 0);
  EXPECT_EQ(q.pad, (Size3{0, 0, 3}));
  // No axis ≤ the patch: no padding at all, even for an axis the formula would pad.
  AugmentParams r = ssl::draw_augmentation({129, 129, 129}, {128, 128, 128}, 4, 0, 0);
  EXPECT_EQ(r.pad, (Size3{0, 0, 0}));
}

TEST(Augment, DrawsCoverEveryOrientationAndTheWholeCropRange) {
  // 20×18×16 with patch 8: no padding; crop rooms 12, 10, 8 (x and y swapped for odd k), so
  // starts run over [0, room − 1] like numpy.random.randint(0, room).
  Size3 shape{20, 18, 16}, patch{8, 8, 8};
  std::set<int> ks, flips;
  std::set<int64_t> starts[2][3];  // [k parity][axis]
  for (int64_t it = 0; it < 200; ++it)
    for (int64_t s = 0; s < 2; ++s) {
      AugmentParams p = ssl::draw_augmentation(shape, patch, 77, it, s);
      ks.insert(p.rot90_k);
      flips.insert(p.flip_axis);
      EXPECT_EQ(p.pad, (Size3{0, 0, 0}));
      for (size_t a = 0; a < 3; ++a) starts[p.rot90_k % 2][a].insert(p.crop_start[a]);
    }
  EXPECT_EQ(ks, (std::set<int>{0, 1, 2, 3}));
  EXPECT_EQ(flips, (std::set<int>{0, 1}));
  const int64_t rooms[2][3] = {{12, 10, 8}, {10, 12, 8}};
  for (int parity = 0; parity < 2; ++parity)
    for (size_t a = 0; a < 3; ++a) {
      std::set<int64_t> all;
      for (int64_t v = 0; v < rooms[parity][a]; ++v) all.insert(v);
      EXPECT_EQ(starts[parity][a], all) << "k parity " << parity << ", axis " << a;
    }
}

TEST(Augment, PaddedCropStartsStayInRange) {
  // 5×7×3, patch 4: pads (2, 1, 3) or, rotated to 7×5×3, (1, 2, 3); rooms 5, 5, 5.
  for (int64_t it = 0; it < 100; ++it) {
    AugmentParams p = ssl::draw_augmentation({5, 7, 3}, {4, 4, 4}, 12, it, 1);
    EXPECT_EQ(p.pad, p.rot90_k % 2 ? (Size3{1, 2, 3}) : (Size3{2, 1, 3}));
    for (size_t a = 0; a < 3; ++a) {
      EXPECT_GE(p.crop_start[a], 0);
      EXPECT_LE(p.crop_start[a], 4);
    }
  }
  // Equal to the patch: pad 3 on both sides, room 6, starts 0..5.
  std::set<int64_t> seen;
  for (int64_t it = 0; it < 200; ++it)
    seen.insert(ssl::draw_augmentation({8, 8, 8}, {8, 8, 8}, 12, it, 0).crop_start[2]);
  EXPECT_EQ(seen, (std::set<int64_t>{0, 1, 2, 3, 4, 5}));
}

bool same_params(const AugmentParams& a, const AugmentParams& b) {
  return a.rot90_k == b.rot90_k && a.flip_axis == b.flip_axis && a.pad == b.pad &&
         a.crop_start == b.crop_start;
}

TEST(Augment, DrawsArePureFunctionsOfSeedIterationAndSample) {
  Size3 shape{40, 36, 30}, patch{16, 16, 16};
  int differ_seed = 0, differ_iteration = 0, differ_sample = 0;
  for (int64_t it = 0; it < 20; ++it) {
    AugmentParams p = ssl::draw_augmentation(shape, patch, 5, it, 0);
    EXPECT_TRUE(same_params(p, ssl::draw_augmentation(shape, patch, 5, it, 0)));
    differ_seed += !same_params(p, ssl::draw_augmentation(shape, patch, 6, it, 0));
    differ_iteration += !same_params(p, ssl::draw_augmentation(shape, patch, 5, it + 1, 0));
    differ_sample += !same_params(p, ssl::draw_augmentation(shape, patch, 5, it, 1));
  }
  // Crop rooms of 24, 20 and 14 make a chance repeat of all five numbers rare.
  EXPECT_GE(differ_seed, 18);
  EXPECT_GE(differ_iteration, 18);
  EXPECT_GE(differ_sample, 18);
}

TEST(Augment, ErrorsNameTheShapesAndValues) {
  Tensor image = numbered_image({5, 7, 3});
  AugmentParams p;
  p.pad = {2, 1, 3};
  EXPECT_ERROR_MENTIONS(ssl::apply_augmentation(image, numbered_label({5, 3, 7}), p, {4, 4, 4}),
                        "[5, 3, 7]", "[5, 7, 3]");
  EXPECT_ERROR_MENTIONS(
      ssl::apply_augmentation(image, Tensor::zeros({5, 7, 3}, DType::Float32), p, {4, 4, 4}),
      "uint8", "float32");
  EXPECT_ERROR_MENTIONS(
      ssl::apply_augmentation(Tensor::zeros({5, 7}, DType::Float32), Tensor(), p, {4, 4, 4}),
      "float32 [X, Y, Z]", "[5, 7]");
  AugmentParams bad_k = p;
  bad_k.rot90_k = 4;
  EXPECT_ERROR_MENTIONS(ssl::apply_augmentation(image, Tensor(), bad_k, {4, 4, 4}), "rot90_k",
                        "4");
  AugmentParams bad_crop = p;
  bad_crop.crop_start = {0, 6, 0};  // room on y is 7 + 2 − 4 = 5
  EXPECT_ERROR_MENTIONS(ssl::apply_augmentation(image, Tensor(), bad_crop, {4, 4, 4}), "axis 1",
                        "[5, 7, 3]", "padded by 1", "cropped from 6");
  EXPECT_ERROR_MENTIONS(ssl::draw_augmentation({5, 0, 3}, {4, 4, 4}, 0, 0, 0), "[5, 0, 3]",
                        "[4, 4, 4]");
  EXPECT_ERROR_MENTIONS(ssl::draw_augmentation({5, 7, 3}, {4, 4, 4}, 0, -1, 0), "iteration -1");
}

TEST(Augment, CudaMatchesCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  Size3 shape{9, 6, 5}, patch{8, 8, 4};
  Tensor image = numbered_image(shape), label = numbered_label(shape);
  Tensor image_gpu = ops::to_device(image, Device::cuda());
  Tensor label_gpu = ops::to_device(label, Device::cuda());
  for (int64_t it = 0; it < 8; ++it) {
    AugmentParams p = ssl::draw_augmentation(shape, patch, 21, it, 0);
    ssl::Patch cpu = ssl::apply_augmentation(image, label, p, patch);
    ssl::Patch gpu = ssl::apply_augmentation(image_gpu, label_gpu, p, patch);
    EXPECT_TRUE(gpu.image.device().is_cuda());
    EXPECT_EQ(ops::to_vector<float>(gpu.image), ops::to_vector<float>(cpu.image));
    EXPECT_EQ(ops::to_vector<uint8_t>(gpu.label), ops::to_vector<uint8_t>(cpu.label));
  }
}

}  // namespace
}  // namespace semisam
