// Finite-difference gradient checks (float64, CPU) of layers::conv3d for input, weight and bias,
// over strides, paddings, non-cubic kernels and the kernel kinds of the networks.
#include <gtest/gtest.h>

#include "autograd/ops.h"
#include "common/gradcheck.h"
#include "layers/conv3d.h"

namespace semisam {
namespace {

struct GradCase {
  const char* name;
  Shape x, w;
  ops::Conv3dParams p;
};

void PrintTo(const GradCase& c, std::ostream* os) { *os << c.name; }

class Conv3dGrad : public ::testing::TestWithParam<GradCase> {};

TEST_P(Conv3dGrad, MatchesFiniteDifferences) {
  const GradCase& c = GetParam();
  Tensor x = test::random_tensor(c.x, DType::Float64, 1);
  Tensor w = test::random_tensor(c.w, DType::Float64, 2);
  Tensor b = test::random_tensor({c.w[0]}, DType::Float64, 3);
  ops::Conv3dParams p = c.p;
  double with_bias = test::gradcheck(
      [p](const std::vector<ag::Variable>& v) { return layers::conv3d(v[0], v[1], v[2], p); },
      {x, w, b});
  EXPECT_LE(with_bias, 1e-7);
  double without_bias = test::gradcheck(
      [p](const std::vector<ag::Variable>& v) {
        return layers::conv3d(v[0], v[1], ag::Variable(), p);
      },
      {x, w});
  EXPECT_LE(without_bias, 1e-7);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, Conv3dGrad,
    ::testing::Values(
        GradCase{"unet_3x3x3_pad1", {2, 2, 4, 4, 3}, {3, 2, 3, 3, 3}, {{1, 1, 1}, {1, 1, 1}}},
        GradCase{"odd_strides_pads", {1, 3, 5, 4, 6}, {2, 3, 2, 3, 3}, {{2, 1, 3}, {1, 0, 2}}},
        GradCase{
            "discriminator_k4_s2_p1", {1, 2, 6, 6, 6}, {2, 2, 4, 4, 4}, {{2, 2, 2}, {1, 1, 1}}},
        GradCase{"head_1x1x1", {2, 4, 3, 2, 3}, {2, 4, 1, 1, 1}, {{1, 1, 1}, {0, 0, 0}}},
        GradCase{"patch_embed_k2_s2", {1, 1, 4, 4, 4}, {3, 1, 2, 2, 2}, {{2, 2, 2}, {0, 0, 0}}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Conv3dGradOnly, SkipsGradientsThatAreNotNeeded) {
  ag::Variable x(test::random_tensor({1, 2, 3, 3, 3}, DType::Float64, 1), false);
  ag::Variable w(test::random_tensor({2, 2, 3, 3, 3}, DType::Float64, 2), true);
  ag::Variable b(test::random_tensor({2}, DType::Float64, 3), false);
  ag::Variable y = layers::conv3d(x, w, b, {{1, 1, 1}, {1, 1, 1}});
  ag::sum(y).backward();
  EXPECT_TRUE(w.grad().defined());
  EXPECT_FALSE(x.grad().defined());
  EXPECT_FALSE(b.grad().defined());
  // d(Σy)/dw[co][ci][a][b][c] = Σ over the outputs of the input the tap reads: for the centre tap
  // (1,1,1) with padding 1 that is the sum of the whole input channel.
  std::vector<double> xv = ops::to_vector<double>(x.value()), gw = ops::to_vector<double>(w.grad());
  double channel0 = 0;
  for (int i = 0; i < 27; ++i) channel0 += xv[size_t(i)];
  EXPECT_NEAR(gw[13], channel0, 1e-12);
}

}  // namespace
}  // namespace semisam
