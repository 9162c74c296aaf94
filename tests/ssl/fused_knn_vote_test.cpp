// The fused KNN vote (kernels/knn_vote.h) against the host reference (ssl::knn_vote_reference):
// the same label at every voxel, with neighbours of other shapes resized up and down (64 → 82,
// where the legacy index reads one lower), equal weights (vote ties), zero weights, classes nobody
// voted for, k from 1 to 7 and a single-voxel case; the same bits for 1, 2 and 3 threads; CUDA
// against the CPU (skipped without a GPU).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fused_test_util.h"
#include "kernels/knn_vote.h"
#include "kernels/knn_vote_rule.h"
#include "ssl/pseudo_labels/knn_refine.h"

namespace semisam {
namespace {

struct VoteCase {
  std::vector<Shape> neighbours;
  std::vector<double> weights;
  std::vector<uint8_t> classes_used;
  int64_t num_classes;
  Shape target;
};

const std::vector<VoteCase>& cases() {
  static const std::vector<VoteCase> all{
      {{{9, 7, 5}, {12, 4, 6}, {9, 7, 5}, {3, 8, 11}, {5, 5, 5}},
       {0.9, 0.4, 0.4, 0.7, 0.2},
       {0, 1, 2},
       3,
       {9, 7, 5}},
      // Equal weights: two-against-two ties resolve to the lower class.
      {{{6, 6, 6}, {7, 5, 6}, {6, 6, 6}, {4, 9, 3}}, {0.5, 0.5, 0.5, 0.5}, {0, 1}, 2, {6, 6, 6}},
      // Zero weights vote for nothing; classes 0 and 3 are never voted for and score 0.
      {{{64, 3, 2}, {10, 2, 2}, {64, 3, 2}}, {0.0, 0.6, 0.3}, {1, 2, 4}, 5, {82, 3, 2}},
      {{{5, 4, 3}}, {0.8}, {0, 1, 2, 3}, 4, {2, 9, 4}},            // k = 1
      {{{1, 1, 1}, {3, 2, 1}}, {0.3, 0.3}, {0, 1}, 2, {1, 1, 1}},  // a single voxel
      {{{8, 8, 8}, {7, 7, 7}, {6, 6, 6}, {5, 5, 5}, {4, 4, 4}, {3, 3, 3}, {2, 2, 2}},
       {0.25, 0.5, 0.25, 0.125, 0.375, 0.5, 0.0},
       {0, 1, 2},
       3,
       {11, 10, 9}},
  };
  return all;
}

std::vector<Tensor> labels_for(const VoteCase& c, uint64_t seed) {
  std::vector<Tensor> labels;
  for (size_t j = 0; j < c.neighbours.size(); ++j)
    labels.push_back(test::random_labels(c.neighbours[j], c.classes_used, seed + j));
  return labels;
}

Tensor reference_vote(const VoteCase& c, const std::vector<Tensor>& labels) {
  std::vector<const Tensor*> pointers;
  for (const Tensor& l : labels) pointers.push_back(&l);
  return ssl::knn_vote_reference(pointers, c.weights, c.target, c.num_classes);
}

Tensor fused_vote(const VoteCase& c, const std::vector<Tensor>& labels) {
  return ops::knn_vote(labels, c.weights, {c.target[0], c.target[1], c.target[2]}, c.num_classes);
}

TEST(FusedKnnVote, MatchesTheReference) {
  for (size_t i = 0; i < cases().size(); ++i) {
    const std::vector<Tensor> labels = labels_for(cases()[i], 10 * i);
    EXPECT_TRUE(test::bit_equal(fused_vote(cases()[i], labels), reference_vote(cases()[i], labels)))
        << "case " << i;
  }
}

TEST(FusedKnnVote, SparseRuleMatchesAVotePerClass) {
  // Coarse weights (multiples of 1/4, some 0) and few classes make ties frequent.
  for (int trial = 0; trial < 20000; ++trial) {
    const std::vector<float> r =
        ops::to_vector<float>(test::random_tensor({24}, DType::Float32, 1000 + uint64_t(trial)));
    const int64_t classes = 1 + int64_t(std::fabs(r[0]) * 6) % 40,
                  k = 1 + int64_t(std::fabs(r[1]) * 5) % 9;
    std::vector<uint8_t> label(static_cast<size_t>(k));
    std::vector<double> weight(static_cast<size_t>(k));
    for (int64_t j = 0; j < k; ++j) {
      label[size_t(j)] = uint8_t(int64_t(std::fabs(r[size_t(2 + j)]) * 7) % classes);
      weight[size_t(j)] = 0.25 * double(int64_t(std::fabs(r[size_t(12 + j)]) * 3) % 4);
    }
    // The reference's form: a vote per class, std::max_element.
    std::vector<double> votes(static_cast<size_t>(classes), 0.0);
    for (int64_t j = 0; j < k; ++j) votes[label[size_t(j)]] += weight[size_t(j)];
    const int64_t want = std::max_element(votes.begin(), votes.end()) - votes.begin();
    ASSERT_EQ(ops::knn_rule::vote(label.data(), weight.data(), k, classes), want)
        << "trial " << trial;
  }
}

TEST(FusedKnnVote, SameBitsForOneTwoThreeThreads) {
  test::ThreadsGuard restore;
  const VoteCase c{
      {{40, 33, 21}, {37, 40, 25}, {40, 33, 21}}, {0.5, 0.25, 0.25}, {0, 1, 2}, 3, {40, 33, 21}};
  const std::vector<Tensor> labels = labels_for(c, 99);
  set_cpu_threads(1);
  const Tensor one = fused_vote(c, labels);
  EXPECT_TRUE(test::bit_equal(one, reference_vote(c, labels)));
  for (int threads : {2, 3}) {
    set_cpu_threads(threads);
    EXPECT_TRUE(test::bit_equal(fused_vote(c, labels), one)) << threads << " threads";
  }
}

TEST(FusedKnnVote, RejectsMismatchedWeights) {
  const std::vector<Tensor> labels{Tensor::zeros({2, 2, 2}, DType::UInt8)};
  EXPECT_THROW(ops::knn_vote(labels, {0.5, 0.5}, {2, 2, 2}, 2), Error);
  EXPECT_THROW(ops::knn_vote(labels, {0.5}, {2, 2, 2}, 0), Error);
}

TEST(FusedKnnVoteCuda, MatchesCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  for (size_t i = 0; i < cases().size(); ++i) {
    const std::vector<Tensor> labels = labels_for(cases()[i], 20 * i);
    std::vector<Tensor> on_gpu;
    for (const Tensor& l : labels) on_gpu.push_back(ops::to_device(l, Device::cuda(0)));
    EXPECT_TRUE(test::bit_equal(fused_vote(cases()[i], on_gpu), fused_vote(cases()[i], labels)))
        << "case " << i;
  }
}

}  // namespace
}  // namespace semisam
