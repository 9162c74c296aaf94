// Initialisers and the Conv3d module: PyTorch's parameter names and shapes, the default
// U(±1/√fan_in) bounds, Kaiming-normal statistics, reproducibility, and the module's forward.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/conv3d.h"
#include "layers/conv3d_module.h"
#include "layers/init.h"

namespace semisam {
namespace {

struct Stats {
  double min = INFINITY, max = -INFINITY, mean = 0, var = 0;
};

Stats stats_of(const Tensor& t) {
  std::vector<double> v = ops::to_vector<double>(t);
  Stats s;
  for (double x : v) {
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
    s.mean += x;
  }
  s.mean /= double(v.size());
  for (double x : v) s.var += (x - s.mean) * (x - s.mean);
  s.var /= double(v.size());
  return s;
}

TEST(Init, FanInCountsInputChannelsTimesKernel) {
  EXPECT_EQ(layers::init::fan_in({16, 48, 3, 3, 3}), 48 * 27);
  EXPECT_EQ(layers::init::fan_in({2, 512}), 512);
  EXPECT_THROW(layers::init::fan_in({7}), Error);
}

TEST(Conv3dModule, NamesShapesAndDefaultBounds) {
  Generator gen(1337);
  layers::Conv3d conv(layers::conv3d_options(32, 64, 3, 1, 1), gen);
  std::vector<std::string> names;
  for (auto& [name, var] : conv.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(conv.weight().shape(), (Shape{64, 32, 3, 3, 3}));
  EXPECT_EQ(conv.bias().shape(), (Shape{64}));
  EXPECT_TRUE(conv.weight().requires_grad());
  // kaiming_uniform_(a = √5): gain √(2/6) times √(3/fan_in) = 1/√fan_in, for weight and bias.
  double bound = 1.0 / std::sqrt(32.0 * 27.0);
  Stats w = stats_of(conv.weight().value());
  EXPECT_GE(w.min, -bound);
  EXPECT_LT(w.max, bound);
  EXPECT_GT(w.max, 0.99 * bound);  // 55 296 draws reach the ends of the interval
  EXPECT_LT(w.min, -0.99 * bound);
  EXPECT_NEAR(w.var, bound * bound / 3, 0.02 * bound * bound / 3);
  Stats b = stats_of(conv.bias().value());
  EXPECT_GE(b.min, -bound);
  EXPECT_LT(b.max, bound);
  EXPECT_GT(b.max - b.min, bound);  // spread over the interval, not a constant
}

TEST(Conv3dModule, NoBiasRegistersOnlyTheWeight) {
  Generator gen(3);
  layers::Conv3d conv(layers::conv3d_options(768, 384, 1, 1, 0, false), gen);
  EXPECT_EQ(conv.named_parameters().size(), 1u);
  EXPECT_FALSE(conv.bias().defined());
}

TEST(Conv3dModule, SameSeedSameWeightsAndForwardIsConv3d) {
  Generator g1(42), g2(42);
  layers::Conv3d a(layers::conv3d_options(2, 4, 4, 2, 1), g1);
  layers::Conv3d b(layers::conv3d_options(2, 4, 4, 2, 1), g2);
  EXPECT_EQ(ops::to_vector<float>(a.weight().value()), ops::to_vector<float>(b.weight().value()));
  EXPECT_EQ(ops::to_vector<float>(a.bias().value()), ops::to_vector<float>(b.bias().value()));
  EXPECT_NE(ops::to_vector<float>(a.weight().value())[0],
            ops::to_vector<float>(a.bias().value())[0]);
  Tensor x = test::random_tensor({1, 2, 8, 8, 8}, DType::Float32, 5);
  ag::Variable y = a.forward(ag::Variable(x));
  ASSERT_EQ(y.shape(), (Shape{1, 4, 4, 4, 4}));
  Tensor expected = ops::conv3d(x, a.weight().value(), a.bias().value(), a.params());
  EXPECT_EQ(ops::to_vector<float>(y.value()), ops::to_vector<float>(expected));
}

TEST(Init, KaimingNormalFanInHasStdSqrtTwoOverFanIn) {
  Generator gen(7);
  Tensor w = Tensor::empty({128, 64, 3, 3, 3}, DType::Float32);
  layers::init::kaiming_normal_(w, gen);
  Stats s = stats_of(w);
  double std_expected = std::sqrt(2.0 / (64 * 27));
  // 221 184 draws: the sample std is within 1% and the mean within 1% of a std of zero.
  EXPECT_NEAR(std::sqrt(s.var), std_expected, 0.01 * std_expected);
  EXPECT_NEAR(s.mean, 0.0, 0.01 * std_expected);
}

}  // namespace
}  // namespace semisam
