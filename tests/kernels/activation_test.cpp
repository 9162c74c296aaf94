// Activations on the CPU: values at known points, PyTorch's gradients at the ReLU kinks, and
// stability at large arguments.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/activation.h"
#include "kernels/copy.h"

namespace semisam {
namespace {

std::vector<double> run(ops::Activation a, const std::vector<double>& x) {
  return ops::to_vector<double>(
      ops::activation(a, Tensor::from_vector<double>(x, {int64_t(x.size())})));
}

std::vector<double> grad(ops::Activation a, const std::vector<double>& x) {
  Tensor xt = Tensor::from_vector<double>(x, {int64_t(x.size())});
  Tensor saved = ops::activation_saves_output(a) ? ops::activation(a, xt) : xt;
  Tensor ones = ops::full(xt.shape(), 1.0, DType::Float64);
  return ops::to_vector<double>(ops::activation_backward(a, ones, saved));
}

TEST(Activation, KnownValues) {
  using A = ops::Activation;
  EXPECT_EQ(run(A::ReLU, {-2, 0, 3}), (std::vector<double>{0, 0, 3}));
  std::vector<double> leaky = run(A::LeakyReLU, {-2, 0, 3});
  EXPECT_DOUBLE_EQ(leaky[0], -0.4);
  EXPECT_DOUBLE_EQ(leaky[2], 3);
  // Exact GELU: x·Φ(x); Φ(1) = 0.841344746068543, Φ(−1) = 0.158655253931457.
  std::vector<double> gelu = run(A::GELU, {1, -1, 0});
  EXPECT_NEAR(gelu[0], 0.841344746068543, 1e-14);
  EXPECT_NEAR(gelu[1], -0.158655253931457, 1e-14);
  EXPECT_EQ(gelu[2], 0.0);
  EXPECT_NEAR(run(A::Tanh, {0.5})[0], std::tanh(0.5), 1e-15);
  std::vector<double> sig = run(A::Sigmoid, {0, 2, -800, 800});
  EXPECT_EQ(sig[0], 0.5);
  EXPECT_NEAR(sig[1], 1 / (1 + std::exp(-2.0)), 1e-15);
  EXPECT_EQ(sig[2], 0.0);  // no overflow to NaN
  EXPECT_EQ(sig[3], 1.0);
}

TEST(Activation, GradientsAtKinksFollowPyTorch) {
  using A = ops::Activation;
  // torch: relu'(0) = 0 (threshold_backward keeps g where out > 0); leaky_relu'(0) = slope.
  EXPECT_EQ(grad(A::ReLU, {-1, 0, 2}), (std::vector<double>{0, 0, 1}));
  std::vector<double> leaky = grad(A::LeakyReLU, {-1, 0, 2});
  EXPECT_DOUBLE_EQ(leaky[0], 0.2);
  EXPECT_DOUBLE_EQ(leaky[1], 0.2);
  EXPECT_DOUBLE_EQ(leaky[2], 1.0);
  // GELU'(0) = Φ(0) = 0.5; tanh'(0) = 1; sigmoid'(0) = 0.25.
  EXPECT_NEAR(grad(A::GELU, {0})[0], 0.5, 1e-15);
  EXPECT_NEAR(grad(A::Tanh, {0})[0], 1.0, 1e-15);
  EXPECT_NEAR(grad(A::Sigmoid, {0})[0], 0.25, 1e-15);
}

TEST(Activation, NanPropagatesThroughRelu) {
  EXPECT_TRUE(std::isnan(run(ops::Activation::ReLU, {NAN})[0]));
}

}  // namespace
}  // namespace semisam
