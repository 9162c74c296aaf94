// Finite-difference gradient checks of the activations and softmaxes (float64, CPU), inputs kept
// away from the ReLU kinks, plus the kink gradients themselves as PyTorch defines them.
#include <gtest/gtest.h>

#include <cmath>

#include "common/gradcheck.h"
#include "kernels/elementwise.h"
#include "layers/activation.h"
#include "layers/softmax.h"

namespace semisam {
namespace {

using Vars = std::vector<ag::Variable>;

// Random values pushed at least 0.1 away from 0, so x ± 1e-6 never crosses a kink.
Tensor away_from_zero(const Shape& shape, uint64_t seed) {
  Tensor x = test::random_tensor(shape, DType::Float64, seed);
  return ops::add(x, ops::mul(ops::sign(x), 0.1));
}

TEST(ActivationGrad, EveryActivation) {
  Tensor x = away_from_zero({4, 6}, 1);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::relu(v[0]); }, {x}), 1e-7);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::leaky_relu(v[0]); }, {x}), 1e-7);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::gelu(v[0]); }, {x}), 1e-7);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::tanh(v[0]); }, {x}), 1e-7);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::sigmoid(v[0]); }, {x}), 1e-7);
}

TEST(ActivationGrad, KinksAtExactlyZero) {
  // PyTorch: relu'(0) = 0, leaky_relu'(0) = negative_slope.
  ag::Variable x(Tensor::from_vector<double>({0.0, -1.0, 2.0}, {3}), true);
  ag::sum(layers::relu(x)).backward();
  EXPECT_EQ(ops::to_vector<double>(x.grad()), (std::vector<double>{0, 0, 1}));
  ag::Variable y(Tensor::from_vector<double>({0.0, -1.0, 2.0}, {3}), true);
  ag::sum(layers::leaky_relu(y, 0.2)).backward();
  EXPECT_EQ(ops::to_vector<double>(y.grad()), (std::vector<double>{0.2, 0.2, 1}));
}

TEST(SoftmaxGrad, ChannelsAndLastAxis) {
  Tensor x = test::random_tensor({2, 3, 4}, DType::Float64, 2);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::softmax(v[0], 1); }, {x}), 1e-7);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::log_softmax(v[0], 1); }, {x}), 1e-7);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::softmax(v[0], -1); }, {x}), 1e-7);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::log_softmax(v[0], -1); }, {x}), 1e-7);
}

}  // namespace
}  // namespace semisam
