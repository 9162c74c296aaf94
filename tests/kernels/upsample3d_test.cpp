// CPU trilinear ×2 upsampling: values derived by hand from PyTorch's align_corners = false
// formula, separable inputs of odd sizes, size-1 axes, and the backward as the exact adjoint.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"
#include "kernels/upsample.h"

namespace semisam {
namespace {

// The 1-D ×2 interpolation of v by the formula: source s = max((o + 0.5)/2 − 0.5, 0),
// i0 = floor(s), i1 = min(i0 + 1, n − 1), value (1 − (s − i0))·v[i0] + (s − i0)·v[i1].
std::vector<double> interp_1d(const std::vector<double>& v) {
  int64_t n = int64_t(v.size());
  std::vector<double> out;
  for (int64_t o = 0; o < 2 * n; ++o) {
    double s = std::max((o + 0.5) / 2 - 0.5, 0.0);
    int64_t i0 = int64_t(s), i1 = std::min(i0 + 1, n - 1);
    out.push_back((1 - (s - i0)) * v[size_t(i0)] + (s - i0) * v[size_t(i1)]);
  }
  return out;
}

TEST(UpsampleCpu, RampOfTwoCubedByHand) {
  // x[d][h][w] = 4d + 2h + w. Along an axis of size 2 the formula gives the weights of x[1]:
  // o = 0: s = 0 (clamped from −0.25) -> 0; o = 1: s = 0.25; o = 2: s = 0.75; o = 3: s = 1.25,
  // i0 = i1 = 1 -> 1. So output = 4f(od) + 2f(oh) + f(ow) with f = {0, 0.25, 0.75, 1}.
  std::vector<float> v(8);
  for (int i = 0; i < 8; ++i) v[size_t(i)] = float(i);
  Tensor y = ops::upsample_trilinear2x(Tensor::from_vector(v, {1, 1, 2, 2, 2}));
  ASSERT_EQ(y.shape(), (Shape{1, 1, 4, 4, 4}));
  const float f[4] = {0.0f, 0.25f, 0.75f, 1.0f};
  std::vector<float> yv = ops::to_vector<float>(y);
  for (int d = 0; d < 4; ++d)
    for (int h = 0; h < 4; ++h)
      for (int w = 0; w < 4; ++w)
        EXPECT_FLOAT_EQ(yv[size_t((d * 4 + h) * 4 + w)], 4 * f[d] + 2 * f[h] + f[w])
            << d << "," << h << "," << w;
  EXPECT_EQ(yv[1], 0.25f);  // (0,0,1)
  EXPECT_EQ(yv[63], 7.0f);  // the far corner reads x[1][1][1] alone
}

TEST(UpsampleCpu, SeparableProductOfOddSizes) {
  // x = a[d]·b[h]·c[w] upsamples to A[od]·B[oh]·C[ow], each the 1-D interpolation.
  std::vector<double> a{1.0, -2.0, 0.5}, b{3.0}, c{0.25, 4.0, -1.0, 2.0, 7.0};
  std::vector<double> xv;
  for (double ad : a)
    for (double bh : b)
      for (double cw : c) xv.push_back(ad * bh * cw);
  Tensor x = Tensor::from_vector(xv, {1, 1, 3, 1, 5});
  std::vector<double> y = ops::to_vector<double>(ops::upsample_trilinear2x(x));
  std::vector<double> A = interp_1d(a), B = interp_1d(b), C = interp_1d(c);
  ASSERT_EQ(y.size(), A.size() * B.size() * C.size());
  size_t k = 0;
  for (double ad : A)
    for (double bh : B)
      for (double cw : C) EXPECT_NEAR(y[k++], ad * bh * cw, 1e-12);
}

TEST(UpsampleCpu, BackwardIsTheExactAdjoint) {
  // <up(x), g> = <x, up_backward(g)> for every x and g.
  for (Shape s : {Shape{2, 3, 4, 5, 3}, Shape{1, 2, 1, 2, 7}}) {
    Tensor x = test::random_tensor(s, DType::Float64, 1);
    Shape out = s;
    for (int d = 2; d < 5; ++d) out[size_t(d)] *= 2;
    Tensor g = test::random_tensor(out, DType::Float64, 2);
    double lhs = ops::item(ops::sum(ops::mul(ops::upsample_trilinear2x(x), g)));
    double rhs = ops::item(ops::sum(ops::mul(x, ops::upsample_trilinear2x_backward(g, s))));
    EXPECT_NEAR(lhs, rhs, 1e-10 * std::abs(lhs) + 1e-12) << shape_str(s);
  }
}

TEST(UpsampleCpu, BackwardOfOnesCountsReaders) {
  // Along an axis of size 3 (outputs 0..5) the reading weights of x[0] are 1, 0.75, 0.25 (sum 2),
  // of x[1] 0.25, 0.75, 0.75, 0.25 (sum 2), of x[2] 0.25, 0.75, 1 (sum 2): each input gets 2 per
  // axis, 8 in all.
  Tensor g = ops::ones({1, 1, 6, 6, 6}, DType::Float32);
  for (float v : ops::to_vector<float>(ops::upsample_trilinear2x_backward(g, {1, 1, 3, 3, 3})))
    EXPECT_FLOAT_EQ(v, 8.0f);
}

TEST(UpsampleCpu, ShapeErrors) {
  EXPECT_THROW(ops::upsample_trilinear2x(Tensor::zeros({2, 2, 2}, DType::Float32)), Error);
  EXPECT_THROW(ops::upsample_trilinear2x_backward(Tensor::zeros({1, 1, 4, 4, 3}, DType::Float32),
                                                  {1, 1, 2, 2, 2}),
               Error);
}

}  // namespace
}  // namespace semisam
