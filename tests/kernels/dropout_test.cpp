// Dropout on the CPU: the keep rule and scale, whole-channel decisions, stream offsets.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/dropout.h"

namespace semisam {
namespace {

TEST(Dropout, KeepsAboutOneMinusPAndScales) {
  Tensor x = ops::full({20000}, 1.0, DType::Float32);
  std::vector<float> y = ops::to_vector<float>(ops::dropout(x, 0.3, 77, 5));
  int kept = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    ASSERT_TRUE(y[i] == 0.0f || y[i] == float(1.0 / 0.7)) << y[i];
    bool keep = ops::dropout_keeps(0.3, 77, 5, i);
    EXPECT_EQ(y[i] != 0.0f, keep) << i;
    kept += keep;
  }
  // 20000 Bernoulli(0.7) draws: std ≈ 65, so ±400 is far outside chance.
  EXPECT_NEAR(kept, 14000, 400);
}

TEST(Dropout, ChannelDropoutDecidesPerChannel) {
  // N=2, C=3, 4×5 planes: group j = n·C + c takes stream element offset + j.
  Tensor x = test::random_tensor({2, 3, 4, 5}, DType::Float64, 8);
  Tensor y = ops::dropout(x, 0.5, 9, 100, 20);
  std::vector<double> xv = ops::to_vector<double>(x), yv = ops::to_vector<double>(y);
  int dropped = 0;
  for (int group = 0; group < 6; ++group) {
    bool keep = ops::dropout_keeps(0.5, 9, 100, uint64_t(group));
    dropped += !keep;
    for (int i = 0; i < 20; ++i) {
      size_t e = size_t(group * 20 + i);
      EXPECT_EQ(yv[e], keep ? xv[e] * 2.0 : 0.0) << group << " " << i;
    }
  }
  EXPECT_GT(dropped, 0);  // with this seed some channel drops and some stays (checked by hand)
  EXPECT_LT(dropped, 6);
}

TEST(Dropout, EdgeProbabilities) {
  Tensor x = test::random_tensor({100}, DType::Float32, 1);
  EXPECT_LT(test::relative_error(ops::dropout(x, 0.0, 1, 0), x), 1e-12);
  for (float v : ops::to_vector<float>(ops::dropout(x, 1.0, 1, 0))) EXPECT_EQ(v, 0.0f);
  EXPECT_THROW(ops::dropout(x, 1.5, 1, 0), Error);
  EXPECT_THROW(ops::dropout(x, 0.5, 1, 0, 7), Error);
}

}  // namespace
}  // namespace semisam
