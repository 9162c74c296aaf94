// Normalisations on the CPU: hand-computed values for known planes and rows, the invariants of
// the instance-norm gradient, and float32/bfloat16 against float64.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/norm.h"

namespace semisam {
namespace {

TEST(InstanceNorm, KnownPlanes) {
  // Plane 0 = [1, 2, 3, 4]: mean 2.5, biased variance 1.25, so out = (x − 2.5)/sqrt(1.25 + 1e-5).
  // Plane 1 is constant: variance 0, out = 0 and rstd = 1/sqrt(1e-5).
  Tensor x = Tensor::from_vector<double>({1, 2, 3, 4, 5, 5, 5, 5}, {1, 2, 2, 2, 1});
  ops::NormResult r = ops::instance_norm(x, 1e-5);
  double rstd = 1.0 / std::sqrt(1.25 + 1e-5);
  std::vector<double> out = ops::to_vector<double>(r.out);
  std::vector<double> expected{-1.5 * rstd, -0.5 * rstd, 0.5 * rstd, 1.5 * rstd, 0, 0, 0, 0};
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], expected[i], 1e-12) << i;
  EXPECT_EQ(r.mean.shape(), (Shape{1, 2}));
  EXPECT_NEAR(ops::to_vector<double>(r.mean)[0], 2.5, 1e-12);
  EXPECT_NEAR(ops::to_vector<double>(r.rstd)[0], rstd, 1e-12);
  EXPECT_NEAR(ops::to_vector<double>(r.rstd)[1], 1.0 / std::sqrt(1e-5), 1e-6);

  ops::NormResult fused = ops::instance_norm(x, 1e-5, true);
  std::vector<double> relu_out = ops::to_vector<double>(fused.out);
  for (size_t i = 0; i < relu_out.size(); ++i)
    EXPECT_NEAR(relu_out[i], std::max(0.0, expected[i]), 1e-12) << i;
}

TEST(InstanceNorm, GradientIsOrthogonalToOnesAndNormalisedInput) {
  // Without the ReLU, dx = r·(g − mean(g) − x̂·mean(g·x̂)) sums to 0 over a plane and is
  // orthogonal to x̂: the output is invariant to shifting and scaling the input (exactly so only
  // with eps = 0, which random planes of non-zero variance allow).
  Tensor x = test::random_tensor({2, 3, 4, 5}, DType::Float64, 3);
  Tensor g = test::random_tensor({2, 3, 4, 5}, DType::Float64, 4);
  ops::NormResult r = ops::instance_norm(x, 0.0);
  Tensor dx = ops::instance_norm_backward(g, x, r.mean, r.rstd, false);
  std::vector<double> d = ops::to_vector<double>(dx), xv = ops::to_vector<double>(x);
  std::vector<double> mean = ops::to_vector<double>(r.mean);
  for (int p = 0; p < 6; ++p) {
    double sum = 0, dot = 0;
    for (int i = 0; i < 20; ++i) {
      sum += d[size_t(p * 20 + i)];
      dot += d[size_t(p * 20 + i)] * (xv[size_t(p * 20 + i)] - mean[size_t(p)]);
    }
    EXPECT_NEAR(sum, 0.0, 1e-12) << p;
    EXPECT_NEAR(dot, 0.0, 1e-12) << p;
  }
}

TEST(InstanceNorm, ChecksShapes) {
  Tensor x = Tensor::zeros({4}, DType::Float32);
  EXPECT_THROW(ops::instance_norm(x), Error);
  Tensor y = Tensor::zeros({1, 2, 3}, DType::Float32);
  ops::NormResult r = ops::instance_norm(y);
  EXPECT_THROW(ops::instance_norm_backward(Tensor::zeros({1, 2, 4}, DType::Float32), y, r.mean,
                                           r.rstd, false),
               Error);
}

TEST(LayerNorm, KnownRowLastAxis) {
  // Row [1, 2, 3, 4]: mean 2.5, var 1.25; out = x̂·w + b with w = [1, 2, 1, 1], b = [0, 0, 1, 0].
  Tensor x = Tensor::from_vector<double>({1, 2, 3, 4}, {1, 4});
  Tensor w = Tensor::from_vector<double>({1, 2, 1, 1}, {4});
  Tensor b = Tensor::from_vector<double>({0, 0, 1, 0}, {4});
  ops::NormResult r = ops::layer_norm(x, w, b, -1, 1e-6);
  double rstd = 1.0 / std::sqrt(1.25 + 1e-6);
  std::vector<double> out = ops::to_vector<double>(r.out);
  std::vector<double> expected{-1.5 * rstd, -1.0 * rstd, 0.5 * rstd + 1, 1.5 * rstd};
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(out[i], expected[i], 1e-12) << i;
  EXPECT_EQ(r.mean.shape(), (Shape{1}));
}

TEST(LayerNorm, ChannelAxisMatchesLastAxisOfPermutedInput) {
  // Normalising axis 1 of N,C,D,H,W equals normalising the last axis of N,D,H,W,C.
  Tensor x = test::random_tensor({2, 5, 3, 2, 2}, DType::Float64, 11);
  Tensor w = test::random_tensor({5}, DType::Float64, 12);
  Tensor b = test::random_tensor({5}, DType::Float64, 13);
  Tensor channel = ops::layer_norm(x, w, b, 1).out;
  Tensor last = ops::layer_norm(ops::contiguous(x.permute({0, 2, 3, 4, 1})), w, b, -1).out;
  EXPECT_LT(test::relative_error(ops::contiguous(channel.permute({0, 2, 3, 4, 1})), last), 1e-14);
  EXPECT_THROW(ops::layer_norm(x, Tensor::zeros({4}, DType::Float64), b, 1), Error);
  EXPECT_THROW(ops::layer_norm(x, ops::cast(w, DType::Float32), b, 1), Error);
}

TEST(Norms, LowerPrecisionsMatchFloat64OnCpu) {
  Tensor x64 = test::random_tensor({2, 3, 6, 5, 4}, DType::Float64, 21);
  Tensor g64 = test::random_tensor({2, 3, 6, 5, 4}, DType::Float64, 22);
  ops::NormResult ref = ops::instance_norm(x64, 1e-5, true);
  Tensor dref = ops::instance_norm_backward(g64, x64, ref.mean, ref.rstd, true);
  for (DType dtype : {DType::Float32, DType::BFloat16}) {
    double tol = dtype == DType::Float32 ? 1e-5 : 2e-2;
    Tensor x = ops::cast(x64, dtype), g = ops::cast(g64, dtype);
    ops::NormResult r = ops::instance_norm(x, 1e-5, true);
    EXPECT_LT(test::relative_error(r.out, ref.out), tol) << dtype_name(dtype);
    Tensor d = ops::instance_norm_backward(g, x, r.mean, r.rstd, true);
    EXPECT_LT(test::relative_error(d, dref), tol) << dtype_name(dtype);
  }
}

}  // namespace
}  // namespace semisam
