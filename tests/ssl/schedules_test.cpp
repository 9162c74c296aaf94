// Schedules of SPEC §4 against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "ssl/training/schedules.h"

namespace semisam {
namespace {

TEST(Schedules, SigmoidRampup) {
  EXPECT_DOUBLE_EQ(ssl::sigmoid_rampup(0, 200), std::exp(-5.0));
  EXPECT_DOUBLE_EQ(ssl::sigmoid_rampup(100, 200), std::exp(-1.25));
  EXPECT_DOUBLE_EQ(ssl::sigmoid_rampup(250, 200), 1.0);
  EXPECT_DOUBLE_EQ(ssl::sigmoid_rampup(-3, 200), std::exp(-5.0));
  EXPECT_DOUBLE_EQ(ssl::sigmoid_rampup(7, 0), 1.0);
}

TEST(Schedules, ConsistencyWeightUsesIterationOver150) {
  EXPECT_DOUBLE_EQ(ssl::consistency_weight(149), 0.1 * std::exp(-5.0));
  EXPECT_DOUBLE_EQ(ssl::consistency_weight(150), 0.1 * std::exp(-5.0 * 0.995 * 0.995));
  // The reference quirk: the last of 15 000 iterations reaches only t = 99.
  EXPECT_NEAR(ssl::consistency_weight(14999) / 0.1, std::exp(-5.0 * 0.505 * 0.505), 1e-15);
  EXPECT_LT(ssl::consistency_weight(14999), 0.1 * 0.29);
}

TEST(Schedules, PseudoLabelWeight) {
  EXPECT_DOUBLE_EQ(ssl::pseudo_label_weight(0, 15000), 0.0);
  EXPECT_DOUBLE_EQ(ssl::pseudo_label_weight(2250, 15000), 0.5);
  EXPECT_DOUBLE_EQ(ssl::pseudo_label_weight(9000, 15000), 1.0);
}

}  // namespace
}  // namespace semisam
