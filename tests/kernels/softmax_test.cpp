// Softmax and log-softmax on the CPU: known values, stability with huge logits, gradient identities.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/softmax.h"

namespace semisam {
namespace {

TEST(Softmax, KnownValuesOverChannels) {
  // N=1, C=2, two voxels: logits (0, ln 3) give (1/4, 3/4); (1000, 1000 + ln 3) the same without
  // overflow.
  double l3 = std::log(3.0);
  Tensor x = Tensor::from_vector<double>({0, 1000, l3, 1000 + l3}, {1, 2, 2});
  std::vector<double> p = ops::to_vector<double>(ops::softmax(x, 1));
  std::vector<double> expected{0.25, 0.25, 0.75, 0.75};
  // 1000 + ln 3 itself is rounded (double spacing at 1000 is 1.1e-13), hence 1e-12.
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(p[i], expected[i], 1e-12) << i;
  std::vector<double> lp = ops::to_vector<double>(ops::log_softmax(x, 1));
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(lp[i], std::log(expected[i]), 1e-13) << i;
  std::vector<double> f32 = ops::to_vector<double>(ops::softmax(ops::cast(x, DType::Float32), 1));
  // float32 spacing at 1000 is 6.1e-5: the rounded logit shifts p by up to ~1e-5.
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(f32[i], expected[i], 2e-5) << i;
}

TEST(Softmax, LastAxisRowsSumToOne) {
  Tensor x = test::random_tensor({3, 4, 7}, DType::Float64, 5);
  std::vector<double> p = ops::to_vector<double>(ops::softmax(x, -1));
  for (int r = 0; r < 12; ++r) {
    double sum = 0;
    for (int k = 0; k < 7; ++k) sum += p[size_t(r * 7 + k)];
    EXPECT_NEAR(sum, 1.0, 1e-14);
  }
}

TEST(Softmax, GradientOfASumIsZero) {
  // Σ_k softmax_k = 1, so a gradient of all ones gives dx = 0; for log-softmax a one-hot gradient
  // on class k gives dx = onehot − softmax.
  Tensor x = test::random_tensor({2, 3, 5}, DType::Float64, 6);
  Tensor y = ops::softmax(x, 1);
  Tensor dx = ops::softmax_backward(ops::full(x.shape(), 1.0, DType::Float64), y, 1);
  for (double v : ops::to_vector<double>(dx)) EXPECT_NEAR(v, 0.0, 1e-15);
  Tensor ly = ops::log_softmax(x, 1);
  std::vector<double> g(30, 0.0);
  for (int v = 0; v < 5; ++v) g[size_t(5 + v)] = 1.0;  // sample 0, class 1
  Tensor ldx = ops::log_softmax_backward(Tensor::from_vector<double>(g, {2, 3, 5}), ly, 1);
  std::vector<double> d = ops::to_vector<double>(ldx), p = ops::to_vector<double>(y);
  for (int v = 0; v < 5; ++v)
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(d[size_t(c * 5 + v)], (c == 1 ? 1.0 : 0.0) - p[size_t(c * 5 + v)], 1e-14);
}

}  // namespace
}  // namespace semisam
