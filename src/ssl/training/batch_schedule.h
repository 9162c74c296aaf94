// SPEC §4 batch composition: `labeled_bs` labelled cases drawn from a fresh permutation per epoch
// (one pass over the labelled cases, incomplete batches dropped as the reference's grouper does)
// plus `unlabeled_bs` unlabelled cases from an endless chain of fresh permutations that restarts
// every epoch, as the reference's two-stream sampler's does. A pure function
// of (seed, iteration), so a resumed run draws exactly the batches the uninterrupted run would.
#pragma once

#include <cstdint>
#include <vector>

namespace semisam::ssl {

struct BatchIndices {
  std::vector<int64_t> labelled;    // indices into the labelled cases, size labeled_bs
  std::vector<int64_t> unlabelled;  // indices into the unlabelled cases, size unlabeled_bs
};

class BatchSchedule {
 public:
  // Throws naming the numbers when labelled_cases < labeled_bs, labeled_bs < 1, unlabeled_bs < 0,
  // or unlabeled_bs > 0 with no unlabelled case.
  BatchSchedule(int64_t labelled_cases, int64_t unlabelled_cases, int64_t labeled_bs,
                int64_t unlabeled_bs, uint64_t seed);
  BatchIndices at(int64_t iteration) const;

 private:
  int64_t labelled_cases_, unlabelled_cases_, labeled_bs_, unlabeled_bs_;
  uint64_t seed_;
};

// A uniformly random permutation of 0..n-1 (Fisher–Yates on Philox draws), a pure function of
// (seed, stream, index): `stream` separates independent uses, `index` numbers the permutations.
std::vector<int64_t> random_permutation(int64_t n, uint64_t seed, uint64_t stream, uint64_t index);

}  // namespace semisam::ssl
