// medpy.metric.binary parity (dc, jc, hd95, asd, assd) on the fixture cases, and medpy's errors
// on empty masks.
#include <gtest/gtest.h>

#include "eval/binary_metrics.h"
#include "eval_test_util.h"
#include "fixture_reader.h"

namespace semisam::eval {
namespace {

using testing::Deviation;
using testing::Fixtures;
constexpr double kRelTol = 1e-12;

struct Case {
  std::string name;
  Tensor pred, ref;
  Spacing spacing;
  std::vector<double> expected;  // dc, jc, hd95, asd, assd (NaN where medpy raises)
};

std::vector<Case> binary_cases() {
  const Fixtures& fx = Fixtures::get();
  std::vector<Case> cases;
  for (const std::string& name : fx.lines("binary_cases")) {
    const std::string p = "binary/" + name + "/";
    const std::vector<double> s = fx.f64(p + "spacing");
    cases.push_back({name, fx.mask(p + "pred"), fx.mask(p + "ref"), {s[0], s[1], s[2]},
                     fx.f64(p + "expected")});
  }
  return cases;
}

TEST(BinaryMetrics, MatchesMedpy) {
  Deviation dev("binary metrics vs medpy");
  const auto cases = binary_cases();
  ASSERT_GE(cases.size(), 19u);
  int with_objects = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(dev.add(dice(c.pred, c.ref), c.expected[0], kRelTol)) << dice(c.pred, c.ref);
    EXPECT_TRUE(dev.add(jaccard(c.pred, c.ref), c.expected[1], kRelTol));
    if (std::isnan(c.expected[2])) continue;  // medpy raised: covered below
    ++with_objects;
    const BinaryMetrics m = binary_metrics(c.pred, c.ref, c.spacing);
    EXPECT_TRUE(dev.add(m.dice, c.expected[0], kRelTol));
    EXPECT_TRUE(dev.add(m.jaccard, c.expected[1], kRelTol));
    EXPECT_TRUE(dev.add(m.hd95, c.expected[2], kRelTol)) << m.hd95 << " vs " << c.expected[2];
    EXPECT_TRUE(dev.add(m.asd, c.expected[3], kRelTol)) << m.asd << " vs " << c.expected[3];
    EXPECT_TRUE(dev.add(hd95(c.pred, c.ref, c.spacing), c.expected[2], kRelTol));
    EXPECT_TRUE(dev.add(asd(c.pred, c.ref, c.spacing), c.expected[3], kRelTol));
    EXPECT_TRUE(dev.add(assd(c.pred, c.ref, c.spacing), c.expected[4], kRelTol));
  }
  EXPECT_GE(with_objects, 15);
}

TEST(BinaryMetrics, SurfaceDistancesAreDirected) {
  const Fixtures& fx = Fixtures::get();
  const Tensor p = fx.mask("binary/single_voxels/pred"), r = fx.mask("binary/touching_border/ref");
  const std::vector<double> d = surface_distances(p, r, {2, 1, 1});
  ASSERT_EQ(d.size(), 1u);  // one surface voxel in the single-voxel mask
  EXPECT_GT(d[0], 0.0);
  EXPECT_GT(surface_distances(r, p).size(), 1u);
}

TEST(BinaryMetrics, EmptyMasksRaiseLikeMedpy) {
  const Fixtures& fx = Fixtures::get();
  const Tensor blob = fx.mask("binary/blobs_0/pred");
  const Tensor empty = Tensor::zeros(blob.shape(), DType::UInt8);
  EXPECT_THROW(hd95(blob, empty), Error);
  EXPECT_THROW(asd(empty, blob), Error);
  EXPECT_THROW(binary_metrics(empty, empty), Error);
  EXPECT_TRUE(std::isnan(dice(empty, empty)));  // medpy's 0/0
  EXPECT_EQ(jaccard(empty, empty), 1.0);
  EXPECT_EQ(dice(blob, empty), 0.0);
}

TEST(BinaryMetrics, RejectsMismatchedShapes) {
  const Tensor a = Tensor::zeros({4, 5, 6}, DType::UInt8), b = Tensor::zeros({4, 6, 5}, DType::UInt8);
  try {
    dice(a, b);
    FAIL() << "mismatched shapes were accepted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("[4, 5, 6]"), std::string::npos) << what;
    EXPECT_NE(what.find("[4, 6, 5]"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace semisam::eval
