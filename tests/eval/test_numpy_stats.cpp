// NumPy-faithful sum, mean, std and percentile against values numpy computed.
#include <gtest/gtest.h>

#include "eval/numpy_stats.h"
#include "eval_test_util.h"
#include "fixture_reader.h"

namespace semisam::eval {
namespace {

TEST(NumpyStats, MatchesNumpyBitForBit) {
  const testing::Fixtures& fx = testing::Fixtures::get();
  testing::Deviation dev("numpy sum/mean/std/percentile");
  for (const char* n : {"5", "100", "1001", "6007"}) {
    const std::vector<double> values = fx.f64(std::string("numpy/") + n + "/values");
    const std::vector<double> want = fx.f64(std::string("numpy/") + n + "/stats");
    std::vector<double> scratch = values;
    const double got[] = {numpy_sum(values.data(), values.size()), numpy_mean(values),
                          numpy_std(values),
                          numpy_percentile(scratch, 95.0),
                          numpy_percentile(scratch, 50.0),
                          numpy_percentile(scratch, 0.0),
                          numpy_percentile(scratch, 100.0)};
    for (int k = 0; k < 7; ++k) {
      dev.add(got[k], want[size_t(k)], 0.0);
      EXPECT_EQ(got[k], want[size_t(k)]) << "n " << n << " statistic " << k;
    }
  }
}

TEST(NumpyStats, PercentileSmallCases) {
  std::vector<double> one{5.0};
  EXPECT_EQ(numpy_percentile(one, 95.0), 5.0);
  std::vector<double> two{10.0, 0.0};
  EXPECT_DOUBLE_EQ(numpy_percentile(two, 95.0), 9.5);
  std::vector<double> four{4.0, 1.0, 3.0, 2.0};
  EXPECT_DOUBLE_EQ(numpy_percentile(four, 95.0), 3.85);
  std::vector<double> none;
  EXPECT_THROW(numpy_percentile(none, 95.0), Error);
  EXPECT_THROW(numpy_percentile(four, 101.0), Error);
}

TEST(NumpyStats, PopulationStd) {
  EXPECT_DOUBLE_EQ(numpy_std({1.0, 3.0}), 1.0);
  EXPECT_DOUBLE_EQ(numpy_mean({1.0, 2.0, 6.0}), 3.0);
  EXPECT_TRUE(std::isnan(numpy_mean({})));
}

}  // namespace
}  // namespace semisam::eval
