// CPU 3-D pooling: hand-computed max and average values and indices, the tie and NaN rules, the
// discriminator's floor-sized average pool, overlapping windows, and the backward gathers.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/pool3d.h"

namespace semisam {
namespace {

// x[d][h][w] = 16d + 4h + w on a 4×4×4 grid (plane index = value).
Tensor ramp4() {
  std::vector<float> v(64);
  for (int i = 0; i < 64; ++i) v[size_t(i)] = float(i);
  return Tensor::from_vector(v, {1, 1, 4, 4, 4});
}

TEST(Pool3dCpu, MaxOfRampTakesTheFarCornerOfEachWindow) {
  ops::MaxPool3dResult r = ops::max_pool3d(ramp4(), ops::pool3d_cube(2));
  ASSERT_EQ(r.values.shape(), (Shape{1, 1, 2, 2, 2}));
  // Window (od, oh, ow) has its maximum at (2od + 1, 2oh + 1, 2ow + 1).
  std::vector<float> expected_values;
  std::vector<int64_t> expected_indices;
  for (int od = 0; od < 2; ++od)
    for (int oh = 0; oh < 2; ++oh)
      for (int ow = 0; ow < 2; ++ow) {
        int64_t idx = 16 * (2 * od + 1) + 4 * (2 * oh + 1) + 2 * ow + 1;
        expected_indices.push_back(idx);
        expected_values.push_back(float(idx));
      }
  EXPECT_EQ(ops::to_vector<float>(r.values), expected_values);
  EXPECT_EQ(ops::to_vector<int64_t>(r.indices), expected_indices);
}

TEST(Pool3dCpu, TiesGoToTheFirstElementInScanOrder) {
  // Every window holds the same value 3 except where noted: the first element of the window in
  // d, h, w order (its low corner) must win, and a later equal maximum must not replace it.
  std::vector<float> v(64, 3.0f);
  v[16 * 1 + 4 * 1 + 1] = 5.0f;  // window (0,0,0): 5 at its far corner, alone: it wins
  v[16 * 0 + 4 * 0 + 2] = 5.0f;  // window (0,0,1): two 5s, at (0,0,2) and (1,1,3)
  v[16 * 1 + 4 * 1 + 3] = 5.0f;
  Tensor x = Tensor::from_vector(v, {1, 1, 4, 4, 4});
  ops::MaxPool3dResult r = ops::max_pool3d(x, ops::pool3d_cube(2));
  std::vector<int64_t> idx = ops::to_vector<int64_t>(r.indices);
  EXPECT_EQ(idx[0], 16 + 4 + 1);
  EXPECT_EQ(idx[1], 2);                   // first of the two 5s
  EXPECT_EQ(idx[2], 16 * 0 + 4 * 2 + 0);  // all equal: the window's low corner
  EXPECT_EQ(idx[7], 16 * 2 + 4 * 2 + 2);
  // The whole gradient of a window goes to the chosen element only.
  Tensor g = ops::ones({1, 1, 2, 2, 2}, DType::Float32);
  std::vector<float> dx =
      ops::to_vector<float>(ops::max_pool3d_backward(g, r.indices, x.shape(), ops::pool3d_cube(2)));
  float total = 0;
  for (float d : dx) total += d;
  EXPECT_EQ(total, 8.0f);
  EXPECT_EQ(dx[2], 1.0f);
  EXPECT_EQ(dx[16 + 4 + 3], 0.0f);
  EXPECT_EQ(dx[16 * 0 + 4 * 2 + 0], 1.0f);
}

TEST(Pool3dCpu, NaNPropagatesAsTheMaximum) {
  std::vector<float> v(8, 1.0f);
  v[3] = NAN;
  v[5] = 7.0f;
  ops::MaxPool3dResult r =
      ops::max_pool3d(Tensor::from_vector(v, {1, 1, 2, 2, 2}), ops::pool3d_cube(2));
  EXPECT_TRUE(std::isnan(ops::to_vector<float>(r.values)[0]));
  EXPECT_EQ(ops::to_vector<int64_t>(r.indices)[0], 3);
}

TEST(Pool3dCpu, OverlappingWindowsGatherEveryChoice) {
  // Kernel 3, stride 2 on a 5-long axis (1×1 on the others): windows [0,3) and [2,5) share
  // element 2; when it is the maximum of both it receives both gradients.
  std::vector<double> v{0.0, 1.0, 9.0, 2.0, 3.0};
  Tensor x = Tensor::from_vector(v, {1, 1, 1, 1, 5});
  ops::Pool3dParams p{{1, 1, 3}, {1, 1, 2}};
  ops::MaxPool3dResult r = ops::max_pool3d(x, p);
  EXPECT_EQ(ops::to_vector<int64_t>(r.indices), (std::vector<int64_t>{2, 2}));
  Tensor g = Tensor::from_vector(std::vector<double>{0.25, 0.5}, {1, 1, 1, 1, 2});
  EXPECT_EQ(ops::to_vector<double>(ops::max_pool3d_backward(g, r.indices, x.shape(), p)),
            (std::vector<double>{0, 0, 0.75, 0, 0}));
  EXPECT_EQ(ops::to_vector<double>(ops::avg_pool3d(x, p)),
            (std::vector<double>{10.0 / 3, 14.0 / 3}));
  EXPECT_EQ(ops::to_vector<double>(ops::avg_pool3d_backward(g, x.shape(), p)),
            (std::vector<double>{0.25 / 3, 0.25 / 3, 0.75 / 3, 0.5 / 3, 0.5 / 3}));
}

TEST(Pool3dCpu, AverageOfRampIsTheWindowCentre) {
  Tensor y = ops::avg_pool3d(ramp4(), ops::pool3d_cube(2));
  std::vector<float> expected;
  for (int od = 0; od < 2; ++od)
    for (int oh = 0; oh < 2; ++oh)
      for (int ow = 0; ow < 2; ++ow)
        expected.push_back(16 * (2 * od + 0.5f) + 4 * (2 * oh + 0.5f) + 2 * ow + 0.5f);
  EXPECT_EQ(ops::to_vector<float>(y), expected);
}

TEST(Pool3dCpu, DiscriminatorPoolFloorsEightToOne) {
  // AvgPool3d(6, 6) on 8³ (SPEC §2.3): one window over [0, 6)³; the last two planes are unused.
  Tensor x = test::random_tensor({2, 3, 8, 8, 8}, DType::Float64, 9);
  Tensor y = ops::avg_pool3d(x, ops::pool3d_cube(6));
  ASSERT_EQ(y.shape(), (Shape{2, 3, 1, 1, 1}));
  std::vector<double> xv = ops::to_vector<double>(x), yv = ops::to_vector<double>(y);
  for (int p = 0; p < 6; ++p) {
    double sum = 0;
    for (int d = 0; d < 6; ++d)
      for (int h = 0; h < 6; ++h)
        for (int w = 0; w < 6; ++w) sum += xv[size_t(p * 512 + d * 64 + h * 8 + w)];
    EXPECT_NEAR(yv[size_t(p)], sum / 216, 1e-12);
  }
  Tensor g = ops::ones({2, 3, 1, 1, 1}, DType::Float64);
  std::vector<double> dx =
      ops::to_vector<double>(ops::avg_pool3d_backward(g, x.shape(), ops::pool3d_cube(6)));
  EXPECT_DOUBLE_EQ(dx[0], 1.0 / 216);
  EXPECT_EQ(dx[7], 0.0);       // w = 7 is outside the window
  EXPECT_EQ(dx[6 * 64], 0.0);  // d = 6 likewise
}

TEST(Pool3dCpu, ShapeErrors) {
  Tensor x = Tensor::zeros({1, 1, 4, 4, 1}, DType::Float32);
  EXPECT_THROW(ops::max_pool3d(x, ops::pool3d_cube(2)), Error);  // kernel larger than an axis
  EXPECT_THROW(ops::avg_pool3d(Tensor::zeros({4, 4, 4}, DType::Float32), ops::pool3d_cube(2)),
               Error);
  EXPECT_THROW(ops::max_pool3d(Tensor::zeros({1, 1, 2, 2, 2}, DType::Int32), ops::pool3d_cube(2)),
               Error);
}

}  // namespace
}  // namespace semisam
