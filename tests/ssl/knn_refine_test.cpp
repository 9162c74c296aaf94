// SPEC §6 step 2: numpy's linear quantile on hand-computed values, and a KNN vote small enough to
// work out voxel by voxel (resized neighbour labels, clamped weights, kept and skipped cases).
#include <gtest/gtest.h>

#include <vector>

#include "common/error_text.h"
#include "kernels/copy.h"
#include "ssl/pseudo_labels/knn_refine.h"

namespace semisam {
namespace {

TEST(LinearQuantile, MatchesNumpysLinearRule) {
  EXPECT_DOUBLE_EQ(ssl::linear_quantile({1, 2, 3, 4}, 0.9), 3.7);  // index 2.7: 3 + .7·(4 − 3)
  EXPECT_DOUBLE_EQ(ssl::linear_quantile({4, 1, 3, 2}, 0.9), 3.7);  // order does not matter
  EXPECT_DOUBLE_EQ(ssl::linear_quantile({2, -1, 0.5, 7, 3}, 0.3), 0.8);  // index 1.2: .5 + .2·1.5
  EXPECT_DOUBLE_EQ(ssl::linear_quantile({0.1, 0.2, 0.3, 0.9, 0.8, 0.7}, 0.5), 0.5);
  EXPECT_DOUBLE_EQ(ssl::linear_quantile({1, 3}, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(ssl::linear_quantile({5, 9, 1}, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(ssl::linear_quantile({5, 9, 1}, 1.0), 9.0);
  EXPECT_DOUBLE_EQ(ssl::linear_quantile({5}, 0.3), 5.0);
}

TEST(LinearQuantile, RoundsLikeNumpysLerp) {
  // numpy interpolates from the upper value when the weight t ≥ 0.5, b − (b − a)·(1 − t), which
  // rounds differently from a + (b − a)·t here (0.27999999999999997 against 0.28).
  EXPECT_EQ(ssl::linear_quantile({0.3, 0.1}, 0.9), 0.3 - (0.3 - 0.1) * (1 - 0.9));
  // and from the lower one below 0.5.
  EXPECT_EQ(ssl::linear_quantile({0.1, 0.2}, 0.3), 0.1 + (0.2 - 0.1) * 0.3);
}

TEST(LinearQuantile, RejectsEmptyListsAndOutOfRangeQ) {
  EXPECT_ERROR_MENTIONS(ssl::linear_quantile({}, 0.5), "linear_quantile", "empty");
  EXPECT_ERROR_MENTIONS(ssl::linear_quantile({1, 2}, 1.5), "linear_quantile", "1.5");
  EXPECT_ERROR_MENTIONS(ssl::linear_quantile({1, 2}, -0.1), "linear_quantile", "-0.1");
}

Tensor label(const std::vector<uint8_t>& v, const Shape& shape) {
  return Tensor::from_vector(v, shape);
}

ssl::RefineCase make_case(const std::string& name, bool labelled, double uncertainty,
                          const std::vector<float>& feature, Tensor l) {
  ssl::RefineCase c;
  c.name = name;
  c.labelled = labelled;
  c.uncertainty = uncertainty;
  c.global_feature = Tensor::from_vector(feature, {int64_t(feature.size())});
  c.label = std::move(l);
  return c;
}

std::vector<uint8_t> bytes(const Tensor& t) {
  return std::vector<uint8_t>(t.data<uint8_t>(), t.data<uint8_t>() + t.numel());
}

// Labelled L and unlabelled C1..C3 are certain with the orthonormal features e0..e3, so an
// uncertain case's similarities are its own normalised components. Labels hold classes 0..2.
//   C2 (2³): 0 1 1 2 2 0 1 2        C3 (2³): 1 2 0 1 2 0 1 2        C1 (2³): all 2
//   L (4³): at even (x, y, z) the values 0 2 1 0 2 2 0 1 (the voxels 4 → 2 reads), 1 elsewhere.
std::vector<ssl::RefineCase> case_set() {
  const std::vector<uint8_t> l_read{0, 2, 1, 0, 2, 2, 0, 1};
  std::vector<uint8_t> l(64, 1);
  for (int64_t x = 0; x < 2; ++x)
    for (int64_t y = 0; y < 2; ++y)
      for (int64_t z = 0; z < 2; ++z)
        l[size_t((2 * x * 4 + 2 * y) * 4 + 2 * z)] = l_read[size_t((x * 2 + y) * 2 + z)];
  std::vector<ssl::RefineCase> cases;
  // L's uncertainty is ignored: labelled cases neither enter the quantile nor become uncertain.
  cases.push_back(make_case("L", true, 5.0, {1, 0, 0, 0}, label(l, {4, 4, 4})));
  cases.push_back(
      make_case("C1", false, 0.1, {0, 1, 0, 0}, label(std::vector<uint8_t>(8, 2), {2, 2, 2})));
  // U1: similarities .546 (L), .109 (C1), .764 (C2), .327 (C3) → top 3: C2, L, C3.
  cases.push_back(make_case("U1", false, 0.9, {0.5f, 0.1f, 0.7f, 0.3f},
                            label(std::vector<uint8_t>(8, 1), {2, 2, 2})));
  cases.push_back(
      make_case("C2", false, 0.2, {0, 0, 1, 0}, label({0, 1, 1, 2, 2, 0, 1, 2}, {2, 2, 2})));
  // U2: similarities −.5 (L), −.7 (C1), −.5 (C2), .1 (C3) → top 3: C3, L, C2 (L before C2 on the
  // tie); weights .1, 0, 0 after clamping, so U2 becomes C3's label resized to 3 × 2 × 2.
  cases.push_back(make_case("U2", false, 0.8, {-0.5f, -0.7f, -0.5f, 0.1f},
                            label(std::vector<uint8_t>(12, 0), {3, 2, 2})));
  cases.push_back(
      make_case("C3", false, 0.3, {0, 0, 0, 1}, label({1, 2, 0, 1, 2, 0, 1, 2}, {2, 2, 2})));
  // U3: every similarity −.5: all weights 0, label kept.
  cases.push_back(make_case("U3", false, 0.7, {-0.5f, -0.5f, -0.5f, -0.5f},
                            label({1, 0, 2, 1, 0, 2, 1, 0}, {2, 2, 2})));
  return cases;
}

TEST(KnnRefine, VotesWithResizedNeighbourLabelsAndClampedWeights) {
  std::vector<ssl::RefineCase> cases = case_set();
  const std::vector<ssl::RefineCase> before = case_set();
  ssl::RefineReport r = ssl::knn_refine(cases, 3, {3, 0.5});
  // Unlabelled uncertainties .1 .2 .3 .7 .8 .9: index 2.5 → (.3 + .7)/2 = .5 (with L's 5.0 it
  // would be .7).
  EXPECT_DOUBLE_EQ(r.threshold, 0.5);
  EXPECT_EQ(r.certain, 4);
  EXPECT_EQ(r.uncertain, 3);
  EXPECT_FALSE(r.skipped);
  EXPECT_EQ(r.refined, (std::vector<std::string>{"U1", "U2"}));
  EXPECT_EQ(r.kept, (std::vector<std::string>{"U3"}));

  // U1, weights C2 .764, L .546, C3 .327; per voxel (C2, L read, C3) → vote:
  //   (0,0,1)→0  (1,2,2)→2 [.87 > .76]  (1,1,0)→1  (2,0,1)→2 [.76 > .55]
  //   (2,2,2)→2  (0,2,0)→0 [1.09]       (1,0,1)→1  (2,1,2)→2
  // (L's voxels between the read ones hold 1: reading them would give 1 at the second voxel.)
  ASSERT_EQ(cases[2].label.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(bytes(cases[2].label), (std::vector<uint8_t>{0, 2, 1, 2, 2, 0, 1, 2}));
  // U2 = C3 resized 2 → 3 on x (reads 0, 0, 1). Unclamped weights would turn voxel (2, 0, 0),
  // where C3, C2 and L all say 2, into class 0 (.1 − .5 − .5 < 0).
  ASSERT_EQ(cases[4].label.shape(), (Shape{3, 2, 2}));
  EXPECT_EQ(bytes(cases[4].label), (std::vector<uint8_t>{1, 2, 0, 1, 1, 2, 0, 1, 2, 0, 1, 2}));
  // Kept, labelled and certain cases are untouched.
  for (size_t i : {0u, 1u, 3u, 5u, 6u}) {
    EXPECT_EQ(cases[i].label.shape(), before[i].label.shape()) << cases[i].name;
    EXPECT_EQ(bytes(cases[i].label), bytes(before[i].label)) << cases[i].name;
  }
}

TEST(KnnRefine, SkipsWhenFewerThanKCasesAreCertain) {
  std::vector<ssl::RefineCase> cases = case_set();
  const std::vector<ssl::RefineCase> before = case_set();
  ssl::RefineReport r = ssl::knn_refine(cases, 3, {5, 0.5});
  EXPECT_TRUE(r.skipped);
  EXPECT_EQ(r.certain, 4);
  EXPECT_EQ(r.uncertain, 3);
  EXPECT_TRUE(r.refined.empty());
  EXPECT_TRUE(r.kept.empty());
  for (size_t i = 0; i < cases.size(); ++i)
    EXPECT_EQ(bytes(cases[i].label), bytes(before[i].label)) << cases[i].name;
}

TEST(KnnRefine, UncertaintyEqualToTheThresholdIsUncertain) {
  // Both unlabelled cases sit at the threshold (0.4), so only the labelled case is certain; with
  // k = 1 both take its label, resized (2 → 1 reads index 0 on x).
  std::vector<ssl::RefineCase> cases;
  cases.push_back(make_case("L", true, 0.0, {1, 0}, label({3, 1, 2, 0}, {2, 1, 2})));
  cases.push_back(make_case("A", false, 0.4, {1, 1}, label({0, 0}, {1, 1, 2})));
  cases.push_back(make_case("B", false, 0.4, {2, 0}, label({0, 0, 0, 0}, {2, 1, 2})));
  ssl::RefineReport r = ssl::knn_refine(cases, 4, {1, 0.9});
  EXPECT_DOUBLE_EQ(r.threshold, 0.4);
  EXPECT_EQ(r.certain, 1);
  EXPECT_EQ(r.uncertain, 2);
  EXPECT_EQ(r.refined, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(bytes(cases[1].label), (std::vector<uint8_t>{3, 1}));
  EXPECT_EQ(bytes(cases[2].label), (std::vector<uint8_t>{3, 1, 2, 0}));
}

TEST(KnnRefine, EqualSimilaritiesKeepCaseOrder) {
  // P and Q have the same feature; with k = 1 the earlier of the two votes alone.
  for (bool p_first : {true, false}) {
    std::vector<ssl::RefineCase> cases;
    ssl::RefineCase p = make_case("P", true, 0.0, {0, 3}, label({1, 1}, {1, 1, 2}));
    ssl::RefineCase q = make_case("Q", true, 0.0, {0, 3}, label({2, 2}, {1, 1, 2}));
    cases.push_back(p_first ? p : q);
    cases.push_back(p_first ? q : p);
    cases.push_back(make_case("U", false, 0.2, {1, 1}, label({0, 0}, {1, 1, 2})));
    ssl::knn_refine(cases, 3, {1, 0.9});
    EXPECT_EQ(bytes(cases[2].label), (std::vector<uint8_t>(2, p_first ? 1 : 2)));
  }
}

TEST(KnnRefine, EqualVotesGoToTheLowerClass) {
  // Two neighbours of equal weight: voxel 0 gets votes for 2 (P) and 1 (Q) → 1; voxel 1 for 0
  // and 2 → 0.
  std::vector<ssl::RefineCase> cases;
  cases.push_back(make_case("P", true, 0.0, {0, 3}, label({2, 0}, {1, 1, 2})));
  cases.push_back(make_case("Q", true, 0.0, {0, 3}, label({1, 2}, {1, 1, 2})));
  cases.push_back(make_case("U", false, 0.2, {1, 1}, label({2, 2}, {1, 1, 2})));
  ssl::knn_refine(cases, 3, {2, 0.9});
  EXPECT_EQ(bytes(cases[2].label), (std::vector<uint8_t>{1, 0}));
}

TEST(KnnRefine, WithoutUnlabelledCasesNothingHappens) {
  std::vector<ssl::RefineCase> cases;
  cases.push_back(make_case("L", true, 0.0, {1, 0}, label({1, 0}, {1, 1, 2})));
  ssl::RefineReport r = ssl::knn_refine(cases, 2, {});
  EXPECT_TRUE(r.skipped);
  EXPECT_EQ(r.certain, 1);
  EXPECT_EQ(r.uncertain, 0);
}

TEST(KnnRefine, RejectsBadLabelsAndFeatures) {
  std::vector<ssl::RefineCase> cases = case_set();
  EXPECT_ERROR_MENTIONS(ssl::knn_refine(cases, 2, {3, 0.5}), "knn_refine", "class 2",
                        "num_classes is 2");
  cases = case_set();
  cases[3].global_feature = Tensor::from_vector(std::vector<float>{1, 0, 0}, {3});
  EXPECT_ERROR_MENTIONS(ssl::knn_refine(cases, 3, {3, 0.5}), "knn_refine", "'C2'", "[4]");
  cases = case_set();
  EXPECT_ERROR_MENTIONS(ssl::knn_refine(cases, 3, {0, 0.5}), "knn_refine", "k must be");
}

}  // namespace
}  // namespace semisam
