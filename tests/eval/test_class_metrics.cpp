// Empty-mask policies of SPEC section 7, per-class evaluation of label maps and the summary.
#include <gtest/gtest.h>

#include "eval/class_metrics.h"
#include "eval_test_util.h"
#include "fixture_reader.h"

namespace semisam::eval {
namespace {

using testing::Deviation;
using testing::Fixtures;
constexpr double kRelTol = 1e-12;

// The multiclass fixture's expected rows per empty-mask policy.
const struct {
  EmptyMaskPolicy policy;
  const char* record;
} kMulticlassPolicies[] = {{EmptyMaskPolicy::TestReport, "multiclass/test_report"},
                           {EmptyMaskPolicy::Validation, "multiclass/validation"}};

void expect_row(Deviation& dev, const BinaryMetrics& m, const std::vector<double>& want,
                size_t offset, const std::string& what) {
  EXPECT_TRUE(dev.add(m.dice, want[offset + 0], kRelTol)) << what << " dice " << m.dice;
  EXPECT_TRUE(dev.add(m.jaccard, want[offset + 1], kRelTol)) << what << " jaccard " << m.jaccard;
  EXPECT_TRUE(dev.add(m.hd95, want[offset + 2], kRelTol)) << what << " hd95 " << m.hd95;
  EXPECT_TRUE(dev.add(m.asd, want[offset + 3], kRelTol)) << what << " asd " << m.asd;
}

TEST(ClassMetrics, PoliciesMatchFixtureConventions) {
  const Fixtures& fx = Fixtures::get();
  Deviation dev("evaluate_binary (both policies) vs medpy + SPEC conventions");
  for (const std::string& name : fx.lines("binary_cases")) {
    const std::string p = "binary/" + name + "/";
    const std::vector<double> s = fx.f64(p + "spacing");
    const Spacing spacing{s[0], s[1], s[2]};
    const Tensor pred = fx.mask(p + "pred"), ref = fx.mask(p + "ref");
    expect_row(dev, evaluate_binary(pred, ref, EmptyMaskPolicy::TestReport, spacing),
               fx.f64(p + "test_report"), 0, name + " test report");
    expect_row(dev, evaluate_binary(pred, ref, EmptyMaskPolicy::Validation, spacing),
               fx.f64(p + "validation"), 0, name + " validation");
  }
}

TEST(ClassMetrics, ExplicitEmptyConventions) {
  const Tensor empty = Tensor::zeros({6, 5, 4}, DType::UInt8);
  Tensor one = Tensor::zeros({6, 5, 4}, DType::UInt8);
  one.data<uint8_t>()[17] = 1;
  const BinaryMetrics both = evaluate_binary(empty, empty, EmptyMaskPolicy::TestReport);
  EXPECT_EQ(both.dice, 1.0);
  EXPECT_EQ(both.jaccard, 1.0);
  EXPECT_EQ(both.hd95, 0.0);
  EXPECT_EQ(both.asd, 0.0);
  for (const BinaryMetrics& m : {evaluate_binary(one, empty, EmptyMaskPolicy::TestReport),
                                 evaluate_binary(empty, one, EmptyMaskPolicy::TestReport)}) {
    EXPECT_EQ(m.dice, 0.0);
    EXPECT_EQ(m.jaccard, 0.0);
    EXPECT_EQ(m.hd95, 200.0);
    EXPECT_EQ(m.asd, 100.0);
  }
  for (const BinaryMetrics& m : {evaluate_binary(one, empty, EmptyMaskPolicy::Validation),
                                 evaluate_binary(empty, empty, EmptyMaskPolicy::Validation)}) {
    EXPECT_EQ(m.dice, 0.0);
    EXPECT_EQ(m.hd95, 0.0);
  }
  const BinaryMetrics same = evaluate_binary(one, one, EmptyMaskPolicy::Validation);
  EXPECT_EQ(same.dice, 1.0);
  EXPECT_EQ(same.hd95, 0.0);
}

TEST(ClassMetrics, PerClassMatchesFixture) {
  const Fixtures& fx = Fixtures::get();
  Deviation dev("evaluate_classes vs medpy + SPEC conventions");
  const Tensor pred = fx.mask("multiclass/pred"), ref = fx.mask("multiclass/ref");
  const std::vector<double> s = fx.f64("multiclass/spacing");
  const int k = int(fx.f64("multiclass/num_classes")[0]);
  for (const auto& p : kMulticlassPolicies) {
    const std::vector<BinaryMetrics> rows = evaluate_classes(pred, ref, k, p.policy, {s[0], s[1], s[2]});
    ASSERT_EQ(rows.size(), size_t(k - 1));
    const std::vector<double> want = fx.f64(p.record);
    for (size_t c = 0; c < rows.size(); ++c)
      expect_row(dev, rows[c], want, 4 * c, std::string(p.record) + " class " + std::to_string(c + 1));
    if (p.policy == EmptyMaskPolicy::TestReport) {
      const MetricSummary sum = summarize(rows);
      EXPECT_EQ(sum.count, k - 1);
      expect_row(dev, sum.mean, fx.f64("multiclass/summary_mean"), 0, "summary mean");
      expect_row(dev, sum.std, fx.f64("multiclass/summary_std"), 0, "summary std");
    }
  }
}

TEST(ClassMetrics, DiceAloneMatchesTheMedpyFixtureUnderBothPolicies) {
  // The multiclass fixture's records hold (dice, jaccard, hd95, asd) per class; class_dice must
  // give the dice column, empty-mask rules included.
  const Fixtures& fx = Fixtures::get();
  Deviation dev("class_dice vs medpy + SPEC conventions");
  const Tensor pred = fx.mask("multiclass/pred"), ref = fx.mask("multiclass/ref");
  const int k = int(fx.f64("multiclass/num_classes")[0]);
  for (const auto& p : kMulticlassPolicies) {
    const std::vector<double> dice = class_dice(pred, ref, k, p.policy);
    ASSERT_EQ(dice.size(), size_t(k - 1));
    const std::vector<double> want = fx.f64(p.record);
    for (size_t c = 0; c < dice.size(); ++c)
      EXPECT_TRUE(dev.add(dice[c], want[4 * c], kRelTol))
          << p.record << " class " << c + 1 << " dice " << dice[c];
  }
  const Tensor empty = Tensor::zeros({4, 4, 4}, DType::UInt8);
  EXPECT_EQ(class_dice(empty, empty, 2, EmptyMaskPolicy::TestReport)[0], 1.0);
  EXPECT_EQ(class_dice(empty, empty, 2, EmptyMaskPolicy::Validation)[0], 0.0);
  EXPECT_THROW(class_dice(empty, empty, 1, EmptyMaskPolicy::TestReport), Error);
}

TEST(ClassMetrics, RejectsBadArguments) {
  const Tensor a = Tensor::zeros({4, 4, 4}, DType::UInt8);
  EXPECT_THROW(evaluate_classes(a, a, 1, EmptyMaskPolicy::TestReport), Error);
  EXPECT_THROW(evaluate_classes(a, Tensor::zeros({4, 4, 5}, DType::UInt8), 2,
                                EmptyMaskPolicy::TestReport), Error);
  EXPECT_THROW(summarize({}), Error);
}

}  // namespace
}  // namespace semisam::eval
