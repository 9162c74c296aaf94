// Losses on the CPU against hand-computed values for small cases.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/loss.h"

namespace semisam {
namespace {

constexpr double kS = 1e-5;  // the Dice smoothing

// A 2-class, 1×2×2×2 example. Background logits are 0 and foreground logits d ∈ {ln3, −ln3, 0},
// so p1 = 3/4, 1/4 or 1/2 exactly:
//   voxel   0    1    2    3    4    5    6    7
//   p1     3/4  3/4  1/4  1/4  1/2  1/2  3/4  1/4
//   label   1    0    0    1    0    1    1    1
struct TwoClassCase {
  Tensor logits, labels;
  TwoClassCase() {
    double l3 = std::log(3.0);
    std::vector<double> d{l3, l3, -l3, -l3, 0, 0, l3, -l3};
    std::vector<double> v(8, 0.0);
    v.insert(v.end(), d.begin(), d.end());
    logits = Tensor::from_vector<double>(v, {1, 2, 2, 2, 2});
    labels = Tensor::from_vector<uint8_t>({1, 0, 0, 1, 0, 1, 1, 1}, {1, 2, 2, 2});
  }
};

TEST(CrossEntropy, HandComputedTwoClassExample) {
  TwoClassCase k;
  // −ln p(label): voxels 0, 2, 6 give ln(4/3); 1, 3, 7 give ln 4; 4, 5 give ln 2.
  double expected = (3 * std::log(4.0 / 3.0) + 3 * std::log(4.0) + 2 * std::log(2.0)) / 8;
  EXPECT_NEAR(ops::item(ops::cross_entropy(k.logits, k.labels)), expected, 1e-14);
  Tensor labels64 = ops::cast(k.labels, DType::Int64);
  EXPECT_NEAR(ops::item(ops::cross_entropy(k.logits, labels64)), expected, 1e-14);
  float f32 = float(ops::item(ops::cross_entropy(ops::cast(k.logits, DType::Float32), k.labels)));
  EXPECT_NEAR(f32, expected, 1e-6);
  // d/dx_c = (p_c − t_c)/8 for a gradient of 1: voxel 0 class 1 is (3/4 − 1)/8, class 0 is 1/32.
  Tensor d = ops::cross_entropy_backward(ops::full({}, 1.0, DType::Float64), k.logits, k.labels);
  std::vector<double> dv = ops::to_vector<double>(d);
  EXPECT_NEAR(dv[8], -0.25 / 8, 1e-15);
  EXPECT_NEAR(dv[0], 0.25 / 8, 1e-15);
}

TEST(DiceLoss, HandComputedTwoClassExample) {
  TwoClassCase k;
  // Class 1: I = 3/4 + 1/4 + 1/2 + 3/4 + 1/4 = 2.5, P = 3·9/16 + 3·1/16 + 2·1/4 = 2.375, T = 5.
  // Class 0 (p0 = 1 − p1, labels 1, 2, 4): I = 1/4 + 3/4 + 1/2 = 1.5, P = 2.375, T = 3.
  double dice1 = 1 - (2 * 2.5 + kS) / (2.375 + 5 + kS);
  double dice0 = 1 - (2 * 1.5 + kS) / (2.375 + 3 + kS);
  ops::LossResult r = ops::dice_loss(k.logits, k.labels);
  EXPECT_NEAR(ops::item(r.loss), (dice0 + dice1) / 2, 1e-14);
  std::vector<double> sums = ops::to_vector<double>(r.sums);
  std::vector<double> expected{1.5, 2.5, 2.375, 2.375, 3, 5};
  for (size_t i = 0; i < 6; ++i) EXPECT_NEAR(sums[i], expected[i], 1e-14) << i;
}

TEST(DiceLoss, RejectsMismatchedShapesAndBadLabels) {
  TwoClassCase k;
  EXPECT_THROW(ops::dice_loss(k.logits, Tensor::zeros({1, 2, 2, 3}, DType::UInt8)), Error);
  EXPECT_THROW(ops::cross_entropy(k.logits, Tensor::zeros({1, 2, 2, 2}, DType::Float32)), Error);
  Tensor bad = Tensor::from_vector<uint8_t>({1, 0, 0, 2, 0, 1, 1, 1}, {1, 2, 2, 2});
  EXPECT_THROW(ops::cross_entropy(k.logits, bad), Error);
}

TEST(BinaryDice, HandComputedBroadcastOverChannels) {
  // p [1, 2, 4]: channel 0 = [1/2, 1/4, 1, 0], channel 1 = [1/2]*4; labels [1, 4] = [1, 0, 2, 1]
  // so m = [1, 0, 0, 1] (label 2 is not foreground). Σp·m sums m over both channels:
  // (1/2 + 0) + (1/2 + 1/2) = 1.5; Σp² = 1/4 + 1/16 + 1 + 4·1/4 = 2.3125; Σm² = 2 (once).
  Tensor p = Tensor::from_vector<double>({0.5, 0.25, 1, 0, 0.5, 0.5, 0.5, 0.5}, {1, 2, 4});
  Tensor labels = Tensor::from_vector<uint8_t>({1, 0, 2, 1}, {1, 4});
  ops::LossResult r = ops::binary_dice_loss(p, labels);
  EXPECT_NEAR(ops::item(r.loss), 1 - (3 + kS) / (2.3125 + 2 + kS), 1e-14);
  // With two label samples and two channels, sample k's mask multiplies channel k (PyTorch
  // aligns the mask's batch axis with the channels): m0 = [1,0,0,1], m1 = [0,1,1,1];
  // Σp·m = (1/2 + 0) + (1/2 + 1/2 + 1/2) = 2; Σm² = 2 + 3 = 5.
  Tensor labels2 = Tensor::from_vector<int64_t>({1, 0, 2, 1, 0, 1, 1, 1}, {2, 4});
  EXPECT_NEAR(ops::item(ops::binary_dice_loss(p, labels2).loss), 1 - (4 + kS) / (2.3125 + 5 + kS),
              1e-14);
  EXPECT_THROW(ops::binary_dice_loss(p, Tensor::zeros({3, 4}, DType::UInt8)), Error);
}

TEST(PairLosses, HandComputed) {
  Tensor a = Tensor::from_vector<double>({1, 2, 3}, {3});
  Tensor b = Tensor::from_vector<double>({1, 0, 5}, {3});
  EXPECT_NEAR(ops::item(ops::mse_loss(a, b)), 8.0 / 3, 1e-15);
  EXPECT_NEAR(ops::item(ops::l1_loss(a, b)), 4.0 / 3, 1e-15);
  // d/da: MSE 2(a − b)/3, L1 sign(a − b)/3 with sign(0) = 0.
  Tensor one = ops::full({}, 1.0, DType::Float64);
  EXPECT_EQ(ops::to_vector<double>(ops::pair_loss_backward(ops::PairLoss::MSE, one, a, b)),
            (std::vector<double>{0, 4.0 / 3, -4.0 / 3}));
  EXPECT_EQ(ops::to_vector<double>(ops::pair_loss_backward(ops::PairLoss::L1, one, a, b)),
            (std::vector<double>{0, 1.0 / 3, -1.0 / 3}));
  EXPECT_THROW(ops::mse_loss(a, Tensor::zeros({4}, DType::Float64)), Error);
}

}  // namespace
}  // namespace semisam
