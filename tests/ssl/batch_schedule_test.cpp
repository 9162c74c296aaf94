// SPEC §4 batch sampling: epochs of labelled cases, chained permutations of unlabelled cases,
// determinism by seed and iteration, and the uniformity of the permutations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/error_text.h"
#include "ssl/training/batch_random.h"
#include "ssl/training/batch_schedule.h"

namespace semisam {
namespace {

using ssl::BatchIndices;
using ssl::BatchSchedule;
using V = std::vector<int64_t>;

V iota(int64_t n) {
  V v(size_t(n), 0);
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = i;
  return v;
}

bool is_permutation_of_range(V v) {
  std::sort(v.begin(), v.end());
  return v == iota(int64_t(v.size()));
}

TEST(RandomPermutation, IsAPermutationForEveryLength) {
  for (int64_t n : {0, 1, 2, 7, 100}) {
    V p = ssl::random_permutation(n, 42, 9, 3);
    ASSERT_EQ(int64_t(p.size()), n);
    EXPECT_TRUE(is_permutation_of_range(p)) << "n = " << n;
  }
  EXPECT_ERROR_MENTIONS(ssl::random_permutation(-2, 42, 9, 3), "random_permutation", "-2");
}

TEST(RandomPermutation, StreamIndexAndSeedEachChangeTheOrder) {
  V base = ssl::random_permutation(50, 7, 1, 0);
  EXPECT_EQ(ssl::random_permutation(50, 7, 1, 0), base);
  EXPECT_NE(ssl::random_permutation(50, 8, 1, 0), base);
  EXPECT_NE(ssl::random_permutation(50, 7, 2, 0), base);
  EXPECT_NE(ssl::random_permutation(50, 7, 1, 1), base);
}

TEST(RandomPermutation, EveryElementIsEquallyLikelyAtEveryPosition) {
  // 20 000 permutations of 8: each (element, position) count is Binomial(20 000, 1/8), mean 2 500
  // and standard deviation ≈ 46.8. Six deviations (±281) on 64 cells fails a fair shuffle with
  // probability ≈ 1e-7, while a classic bias (e.g. j drawn from [0, n) instead of [0, i]) moves
  // some cells by several hundred. The draws are fixed by the seed, so the test cannot flake.
  const int64_t n = 8, trials = 20000;
  std::vector<V> count(size_t(n), V(size_t(n), 0));
  for (int64_t t = 0; t < trials; ++t) {
    V p = ssl::random_permutation(n, 2024, 5, uint64_t(t));
    for (int64_t pos = 0; pos < n; ++pos) ++count[size_t(p[size_t(pos)])][size_t(pos)];
  }
  double mean = double(trials) / double(n);
  double sd = std::sqrt(double(trials) * (1.0 / double(n)) * (1.0 - 1.0 / double(n)));
  for (int64_t e = 0; e < n; ++e)
    for (int64_t pos = 0; pos < n; ++pos)
      EXPECT_NEAR(double(count[size_t(e)][size_t(pos)]), mean, 6 * sd)
          << "element " << e << " at position " << pos;
}

TEST(UniformIndex, CoversTheRangeAndStaysInIt) {
  // Over 4 000 draws in [0, 5) every value appears, and the 53-bit uniform averages ≈ 1/2.
  V seen(5, 0);
  double sum = 0;
  for (uint64_t d = 0; d < 4000; ++d) {
    int64_t v = ssl::uniform_index(5, 11, 4, 2, d);
    ASSERT_GE(v, 0);
    ASSERT_LT(v, 5);
    ++seen[size_t(v)];
    double u = ssl::unit_uniform(11, 4, 2, d);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  for (int64_t c : seen) EXPECT_NEAR(double(c), 800.0, 6 * std::sqrt(4000 * 0.2 * 0.8));
  EXPECT_NEAR(sum / 4000, 0.5, 6 * std::sqrt(1.0 / 12 / 4000));
  EXPECT_ERROR_MENTIONS(ssl::uniform_index(0, 11, 4, 2, 0), "uniform_index", "0");
}

TEST(BatchSchedule, EveryEpochVisitsEachLabelledCaseOnce) {
  BatchSchedule schedule(12, 5, 3, 1, 99);
  V previous;
  for (int64_t epoch = 0; epoch < 5; ++epoch) {
    V visited;
    for (int64_t s = 0; s < 4; ++s) {
      BatchIndices b = schedule.at(epoch * 4 + s);
      ASSERT_EQ(b.labelled.size(), 3u);
      visited.insert(visited.end(), b.labelled.begin(), b.labelled.end());
    }
    EXPECT_TRUE(is_permutation_of_range(visited)) << "epoch " << epoch;
    EXPECT_NE(visited, previous) << "epoch " << epoch << " repeats the order of the one before";
    previous = visited;
  }
}

TEST(BatchSchedule, IncompleteLastBatchOfAnEpochIsDropped) {
  // 7 cases in batches of 2: three batches per epoch from one permutation; the fourth iteration
  // opens the next epoch's permutation.
  const uint64_t seed = 5;
  BatchSchedule schedule(7, 0, 2, 0, seed);
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    V order = ssl::random_permutation(7, seed, ssl::kLabelledOrderStream, uint64_t(epoch));
    for (int64_t s = 0; s < 3; ++s) {
      BatchIndices b = schedule.at(epoch * 3 + s);
      EXPECT_EQ(b.labelled, V(order.begin() + 2 * s, order.begin() + 2 * s + 2))
          << "epoch " << epoch << ", batch " << s;
      EXPECT_TRUE(b.unlabelled.empty());
    }
  }
}

TEST(BatchSchedule, UnlabelledCasesCycleThroughFreshPermutationsWithinAnEpoch) {
  // 4 labelled cases one per batch: epochs of 4 iterations. 5 unlabelled cases, 3 per batch:
  // positions 0..11 of each epoch; its windows 0..4 and 5..9 are permutations.
  BatchSchedule schedule(4, 5, 1, 3, 17);
  std::vector<V> first_windows;
  for (int64_t epoch = 0; epoch < 6; ++epoch) {
    V chain;
    for (int64_t i = 0; i < 4; ++i) {
      BatchIndices b = schedule.at(epoch * 4 + i);
      ASSERT_EQ(b.unlabelled.size(), 3u);
      chain.insert(chain.end(), b.unlabelled.begin(), b.unlabelled.end());
    }
    for (size_t w = 0; w < 2; ++w)
      EXPECT_TRUE(is_permutation_of_range(V(chain.begin() + 5 * w, chain.begin() + 5 * (w + 1))))
          << "epoch " << epoch << " window " << w;
    first_windows.push_back(V(chain.begin(), chain.begin() + 5));
  }
  int64_t distinct = 0;
  for (size_t e = 1; e < first_windows.size(); ++e) distinct += first_windows[e] != first_windows[0];
  EXPECT_GT(distinct, 3);  // each epoch starts a fresh chain
}

TEST(BatchSchedule, OneLabelledCasePerEpochDrawsEachUnlabelledPickAfresh) {
  // The default (1 labelled case, labeled_bs 1): every iteration is an epoch, so each unlabelled
  // pick is the head of a new permutation — uniform and independent, not a cycle. Over 5000
  // iterations each of 5 cases appears about 1000 times (binomial std 28; bounds at 7 std), and
  // most aligned windows of 5 picks repeat a case (a cycle would never).
  BatchSchedule schedule(1, 5, 1, 1, 29);
  std::vector<int64_t> counts(5, 0);
  V picks;
  for (int64_t i = 0; i < 5000; ++i) {
    V u = schedule.at(i).unlabelled;
    ASSERT_EQ(u.size(), 1u);
    ++counts[size_t(u[0])];
    picks.push_back(u[0]);
  }
  for (int64_t c : counts) EXPECT_NEAR(double(c), 1000.0, 200.0);
  int64_t windows_with_repeats = 0;
  for (size_t w = 0; w < 1000; ++w)
    windows_with_repeats += !is_permutation_of_range(V(picks.begin() + 5 * w, picks.begin() + 5 * w + 5));
  EXPECT_GT(windows_with_repeats, 900);  // 1 − 5!/5⁵ ≈ 0.96 of them
}

TEST(BatchSchedule, UnlabelledBatchLargerThanTheCasesSpansSeveralPermutations) {
  BatchSchedule schedule(1, 2, 1, 5, 3);
  for (int64_t i = 0; i < 4; ++i) {
    V u = schedule.at(i).unlabelled;
    ASSERT_EQ(u.size(), 5u);
    for (size_t w = 0; w < 2; ++w)
      EXPECT_TRUE(is_permutation_of_range(V(u.begin() + 2 * w, u.begin() + 2 * w + 2)))
          << "iteration " << i << " window " << w;
  }
}

TEST(BatchSchedule, SameSeedSameBatchesOtherSeedOtherBatches) {
  BatchSchedule a(10, 20, 2, 2, 123), b(10, 20, 2, 2, 123), c(10, 20, 2, 2, 124);
  bool labelled_differ = false, unlabelled_differ = false;
  for (int64_t i = 0; i < 25; ++i) {
    BatchIndices x = a.at(i), y = b.at(i), z = c.at(i);
    EXPECT_EQ(x.labelled, y.labelled) << "iteration " << i;
    EXPECT_EQ(x.unlabelled, y.unlabelled) << "iteration " << i;
    labelled_differ = labelled_differ || x.labelled != z.labelled;
    unlabelled_differ = unlabelled_differ || x.unlabelled != z.unlabelled;
  }
  EXPECT_TRUE(labelled_differ);
  EXPECT_TRUE(unlabelled_differ);
}

TEST(BatchSchedule, AnIterationDoesNotDependOnEarlierQueries) {
  // A resumed run asks for iteration 37 first; it must see what the uninterrupted run saw.
  BatchSchedule running(9, 7, 2, 3, 31), resumed(9, 7, 2, 3, 31);
  std::vector<BatchIndices> seen;
  for (int64_t i = 0; i <= 40; ++i) seen.push_back(running.at(i));
  for (int64_t i : {37, 3, 40, 0, 37}) {
    BatchIndices b = resumed.at(i);
    EXPECT_EQ(b.labelled, seen[size_t(i)].labelled) << "iteration " << i;
    EXPECT_EQ(b.unlabelled, seen[size_t(i)].unlabelled) << "iteration " << i;
  }
}

TEST(BatchSchedule, LabelledAndUnlabelledOrdersAreIndependentStreams) {
  // With as many labelled as unlabelled cases, one per batch, the two orders would coincide if
  // they shared a stream.
  BatchSchedule schedule(6, 6, 1, 1, 8);
  V labelled, unlabelled;
  for (int64_t i = 0; i < 6; ++i) {
    BatchIndices b = schedule.at(i);
    labelled.push_back(b.labelled[0]);
    unlabelled.push_back(b.unlabelled[0]);
  }
  EXPECT_TRUE(is_permutation_of_range(labelled));
  EXPECT_TRUE(is_permutation_of_range(unlabelled));
  EXPECT_NE(labelled, unlabelled);
}

TEST(BatchSchedule, ErrorsNameTheNumbers) {
  EXPECT_ERROR_MENTIONS(BatchSchedule(3, 5, 4, 1, 0), "3 labelled cases", "batch of 4");
  EXPECT_ERROR_MENTIONS(BatchSchedule(3, 5, 0, 1, 0), "labeled_bs", "0");
  EXPECT_ERROR_MENTIONS(BatchSchedule(3, 5, 1, -1, 0), "unlabeled_bs", "-1");
  EXPECT_ERROR_MENTIONS(BatchSchedule(3, 0, 1, 2, 0), "unlabeled_bs 2", "got 0");
  EXPECT_ERROR_MENTIONS(BatchSchedule(3, 5, 1, 1, 0).at(-4), "negative iteration -4");
  BatchSchedule labelled_only(3, 0, 1, 0, 0);
  EXPECT_TRUE(labelled_only.at(10).unlabelled.empty());
}

}  // namespace
}  // namespace semisam
