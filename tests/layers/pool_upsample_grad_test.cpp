// Finite-difference gradient checks (float64, CPU) of max/average pooling and trilinear ×2
// upsampling, plus max pooling's deliberate tie rule seen through the autograd graph.
#include <gtest/gtest.h>

#include "autograd/ops.h"
#include "common/gradcheck.h"
#include "layers/pool3d.h"
#include "layers/upsample.h"

namespace semisam {
namespace {

TEST(PoolGrad, MaxPoolMatchesFiniteDifferences) {
  // Random normal inputs: no two values of a window lie within the finite-difference step.
  Tensor x = test::random_tensor({2, 2, 4, 6, 4}, DType::Float64, 1);
  EXPECT_LE(test::gradcheck([](const auto& v) { return layers::max_pool3d(v[0]); }, {x}), 1e-8);
  ops::Pool3dParams overlap{{3, 2, 3}, {2, 1, 2}};
  Tensor y = test::random_tensor({1, 2, 5, 4, 7}, DType::Float64, 2);
  EXPECT_LE(
      test::gradcheck([overlap](const auto& v) { return layers::max_pool3d(v[0], overlap); }, {y}),
      1e-8);
}

TEST(PoolGrad, AvgPoolMatchesFiniteDifferences) {
  Tensor x = test::random_tensor({2, 2, 4, 6, 4}, DType::Float64, 3);
  EXPECT_LE(test::gradcheck(
                [](const auto& v) { return layers::avg_pool3d(v[0], ops::pool3d_cube(2)); }, {x}),
            1e-8);
  Tensor y = test::random_tensor({1, 1, 8, 8, 8}, DType::Float64, 4);  // the discriminator's pool
  EXPECT_LE(test::gradcheck(
                [](const auto& v) { return layers::avg_pool3d(v[0], ops::pool3d_cube(6)); }, {y}),
            1e-8);
}

TEST(PoolGrad, TiedMaximaSendTheGradientToTheFirstInScanOrder) {
  // One 2×2×2 window holding 1, 4, 4, 0, 4, 4, 2, 4 (d, h, w order): four elements tie at 4; the
  // first of them, flat index 1, takes the whole gradient. A finite difference is undefined at
  // such a point, so the rule is checked directly.
  ag::Variable x(Tensor::from_vector(std::vector<double>{1, 4, 4, 0, 4, 4, 2, 4}, {1, 1, 2, 2, 2}),
                 true);
  ag::Variable y = layers::max_pool3d(x);
  ag::mul(y, 3.0).backward(ops::ones({1, 1, 1, 1, 1}, DType::Float64));
  EXPECT_EQ(ops::to_vector<double>(x.grad()), (std::vector<double>{0, 3, 0, 0, 0, 0, 0, 0}));
}

TEST(UpsampleGrad, MatchesFiniteDifferences) {
  for (Shape s : {Shape{2, 2, 3, 2, 4}, Shape{1, 1, 1, 3, 2}}) {
    Tensor x = test::random_tensor(s, DType::Float64, 5);
    EXPECT_LE(
        test::gradcheck([](const auto& v) { return layers::upsample_trilinear2x(v[0]); }, {x}),
        1e-8)
        << shape_str(s);
  }
}

}  // namespace
}  // namespace semisam
