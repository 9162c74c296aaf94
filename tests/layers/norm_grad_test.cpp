// Finite-difference gradient checks (float64, CPU) of instance norm, the fused instance
// norm + ReLU, and layer norm over tokens and channels with weight and bias; the LayerNorm module.
#include <gtest/gtest.h>

#include <cmath>

#include "common/gradcheck.h"
#include "kernels/norm.h"
#include "layers/norm.h"

namespace semisam {
namespace {

using Vars = std::vector<ag::Variable>;

TEST(NormGrad, InstanceNorm) {
  Tensor x = test::random_tensor({2, 3, 3, 2, 2}, DType::Float64, 1);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::instance_norm(v[0]); }, {x}), 1e-6);
}

TEST(NormGrad, InstanceNormReluAwayFromTheKink) {
  // The ReLU kink sits at x = mean; finite differences straddle it only when a normalised value
  // is within ~eps of 0, so check this input keeps clear of it.
  Tensor x = test::random_tensor({2, 2, 3, 3, 2}, DType::Float64, 2);
  ops::NormResult r = ops::instance_norm(x, 1e-5, false);
  for (double v : ops::to_vector<double>(r.out)) ASSERT_GT(std::abs(v), 1e-3);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::instance_norm_relu(v[0]); }, {x}),
            1e-6);
}

TEST(NormGrad, InstanceNormReluGradientAtExactlyZeroIsZero) {
  // Plane [1, 2, 3]: the middle value normalises to exactly 0 (mean 2). An output gradient on
  // that element alone must not reach x, since PyTorch's ReLU passes no gradient at 0; the
  // masked g' is then all zero and so is dx = r·(g' − mean(g') − x̂·mean(g'·x̂)).
  ag::Variable x(Tensor::from_vector<double>({1, 2, 3}, {1, 1, 3}), true);
  ag::Variable y = layers::instance_norm_relu(x);
  EXPECT_EQ(ops::to_vector<double>(y.value())[1], 0.0);
  y.backward(Tensor::from_vector<double>({0, 1, 0}, {1, 1, 3}));
  for (double v : ops::to_vector<double>(x.grad())) EXPECT_EQ(v, 0.0);
}

TEST(NormGrad, LayerNormLastAxisAndChannels) {
  Tensor x = test::random_tensor({3, 5}, DType::Float64, 3);
  Tensor w = test::random_tensor({5}, DType::Float64, 4);
  Tensor b = test::random_tensor({5}, DType::Float64, 5);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::layer_norm(v[0], v[1], v[2], -1); },
                            {x, w, b}),
            1e-6);
  Tensor xc = test::random_tensor({2, 4, 2, 3}, DType::Float64, 6);
  Tensor wc = test::random_tensor({4}, DType::Float64, 7);
  Tensor bc = test::random_tensor({4}, DType::Float64, 8);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::layer_norm(v[0], v[1], v[2], 1); },
                            {xc, wc, bc}),
            1e-6);
}

TEST(NormGrad, LayerNormModuleHasPyTorchNamesAndDefaults) {
  layers::LayerNorm norm(4, 1);
  auto named = norm.named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "weight");
  EXPECT_EQ(named[1].first, "bias");
  EXPECT_EQ(ops::to_vector<float>(norm.weight().value()), (std::vector<float>{1, 1, 1, 1}));
  EXPECT_EQ(ops::to_vector<float>(norm.bias().value()), (std::vector<float>{0, 0, 0, 0}));
  // float64 input: the float32 parameters are cast for the computation and still get gradients.
  ag::Variable x(test::random_tensor({2, 4, 3}, DType::Float64, 9), true);
  ag::sum(ag::mul(norm.forward(x), ag::Variable(test::random_tensor({2, 4, 3}, DType::Float64, 10))))
      .backward();
  EXPECT_EQ(norm.weight().grad().dtype(), DType::Float32);
  EXPECT_EQ(norm.bias().grad().shape(), (Shape{4}));
}

}  // namespace
}  // namespace semisam
