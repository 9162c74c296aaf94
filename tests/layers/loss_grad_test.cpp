// Finite-difference gradient checks (float64, CPU) of every loss, including the three broadcast
// cases of DTC's binary Dice and L1 away from its kink.
#include <gtest/gtest.h>

#include "common/gradcheck.h"
#include "kernels/elementwise.h"
#include "layers/loss.h"

namespace semisam {
namespace {

using Vars = std::vector<ag::Variable>;

Tensor labels_of(const std::vector<uint8_t>& v, const Shape& shape) {
  return Tensor::from_vector<uint8_t>(v, shape);
}

TEST(LossGrad, CrossEntropyAndDice) {
  Tensor x = test::random_tensor({2, 3, 2, 2, 1}, DType::Float64, 1);
  Tensor labels = labels_of({0, 1, 2, 1, 2, 2, 0, 1}, {2, 2, 2, 1});
  EXPECT_LT(test::gradcheck([&](const Vars& v) { return layers::cross_entropy(v[0], labels); }, {x}),
            1e-8);
  EXPECT_LT(test::gradcheck([&](const Vars& v) { return layers::dice_loss(v[0], labels); }, {x}),
            1e-8);
  Tensor labels64 = ops::cast(labels, DType::Int64);
  EXPECT_LT(test::gradcheck([&](const Vars& v) { return layers::dice_loss(v[0], labels64); }, {x}),
            1e-8);
}

TEST(LossGrad, BinaryDiceBroadcastCases) {
  // Labels with a 2 check that only label 1 counts as foreground.
  Tensor p = ops::abs(test::random_tensor({2, 2, 3}, DType::Float64, 2));
  Tensor one_mask = labels_of({1, 0, 2}, {1, 3});            // shared by every channel
  Tensor per_channel = labels_of({1, 0, 1, 0, 1, 1}, {2, 3});  // sample k's mask on channel k
  EXPECT_LT(test::gradcheck([&](const Vars& v) { return layers::binary_dice_loss(v[0], one_mask); },
                            {p}),
            1e-8);
  EXPECT_LT(test::gradcheck([&](const Vars& v) { return layers::binary_dice_loss(v[0], per_channel); },
                            {p}),
            1e-8);
  Tensor single = ops::abs(test::random_tensor({3, 1, 3}, DType::Float64, 3));  // every mask on it
  EXPECT_LT(test::gradcheck([&](const Vars& v) { return layers::binary_dice_loss(v[0], per_channel); },
                            {single}),
            1e-8);
}

TEST(LossGrad, MseAndL1BothInputs) {
  Tensor a = test::random_tensor({3, 4}, DType::Float64, 4);
  // b = a + a shift of at least 0.1 in either direction, so |a − b| stays clear of L1's kink.
  Tensor shift = test::random_tensor({3, 4}, DType::Float64, 5);
  Tensor b = ops::add(a, ops::add(shift, ops::mul(ops::sign(shift), 0.1)));
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::mse_loss(v[0], v[1]); }, {a, b}), 1e-8);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::l1_loss(v[0], v[1]); }, {a, b}), 1e-8);
}

TEST(LossGrad, LowPrecisionLogitsGiveFloat32Loss) {
  Tensor x = ops::cast(test::random_tensor({1, 2, 2, 2, 2}, DType::Float32, 6), DType::BFloat16);
  Tensor labels = labels_of({0, 1, 1, 0, 1, 1, 0, 0}, {1, 2, 2, 2});
  ag::Variable v(x, true);
  ag::Variable loss = layers::cross_entropy(v, labels);
  EXPECT_EQ(loss.dtype(), DType::Float32);
  loss.backward();
  EXPECT_EQ(v.grad().dtype(), DType::BFloat16);
}

}  // namespace
}  // namespace semisam
