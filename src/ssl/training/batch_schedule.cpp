// SPEC §4 batch composition: per-epoch permutations of the labelled cases and, per epoch, an
// endless chain of permutations of the unlabelled cases, all recomputed from (seed, iteration).
#include "ssl/training/batch_schedule.h"

#include <numeric>
#include <utility>

#include "ssl/training/batch_random.h"
#include "tensor/error.h"

namespace semisam::ssl {

std::vector<int64_t> random_permutation(int64_t n, uint64_t seed, uint64_t stream,
                                        uint64_t index) {
  SEMISAM_CHECK(n >= 0, "random_permutation: negative length ", n);
  std::vector<int64_t> order(size_t(n), 0);
  std::iota(order.begin(), order.end(), int64_t(0));
  // Fisher–Yates: position i takes a uniform pick among the positions 0..i not yet fixed.
  for (int64_t i = n - 1; i >= 1; --i) {
    int64_t j = uniform_index(i + 1, seed, stream, index, uint64_t(n - 1 - i));
    std::swap(order[size_t(i)], order[size_t(j)]);
  }
  return order;
}

BatchSchedule::BatchSchedule(int64_t labelled_cases, int64_t unlabelled_cases, int64_t labeled_bs,
                             int64_t unlabeled_bs, uint64_t seed)
    : labelled_cases_(labelled_cases),
      unlabelled_cases_(unlabelled_cases),
      labeled_bs_(labeled_bs),
      unlabeled_bs_(unlabeled_bs),
      seed_(seed) {
  SEMISAM_CHECK(labeled_bs >= 1, "BatchSchedule: labeled_bs must be at least 1, got ", labeled_bs);
  SEMISAM_CHECK(labelled_cases >= labeled_bs, "BatchSchedule: ", labelled_cases,
                " labelled cases cannot fill a labelled batch of ", labeled_bs);
  SEMISAM_CHECK(unlabeled_bs >= 0, "BatchSchedule: unlabeled_bs must not be negative, got ",
                unlabeled_bs);
  SEMISAM_CHECK(unlabeled_bs == 0 || unlabelled_cases >= 1, "BatchSchedule: unlabeled_bs ",
                unlabeled_bs, " needs unlabelled cases, got ", unlabelled_cases);
}

BatchIndices BatchSchedule::at(int64_t iteration) const {
  SEMISAM_CHECK(iteration >= 0, "BatchSchedule::at: negative iteration ", iteration);
  BatchIndices batch;
  // The reference's grouper drops the incomplete last batch of every epoch.
  int64_t per_epoch = labelled_cases_ / labeled_bs_;
  std::vector<int64_t> order = random_permutation(labelled_cases_, seed_, kLabelledOrderStream,
                                                  uint64_t(iteration / per_epoch));
  int64_t first = (iteration % per_epoch) * labeled_bs_;
  batch.labelled.assign(order.begin() + first, order.begin() + first + labeled_bs_);

  // The reference's two-stream sampler starts a new endless chain of unlabelled permutations
  // every epoch (its __iter__ builds the chain afresh). Position p within the epoch is element
  // p % U of the epoch's permutation p / U; a batch may straddle two (or, with unlabeled_bs > U,
  // more) permutations, each computed once. With one labelled case per epoch (the default) every
  // pick is thus the head of a fresh permutation: uniform, independent draws.
  const uint64_t epoch = uint64_t(iteration / per_epoch);
  int64_t cached = -1;
  for (int64_t j = 0; j < unlabeled_bs_; ++j) {
    int64_t p = (iteration % per_epoch) * unlabeled_bs_ + j;
    if (p / unlabelled_cases_ != cached) {
      cached = p / unlabelled_cases_;
      order = random_permutation(unlabelled_cases_, seed_, kUnlabelledOrderStream,
                                 (epoch << 32) | uint64_t(cached));
    }
    batch.unlabelled.push_back(order[size_t(p % unlabelled_cases_)]);
  }
  return batch;
}

}  // namespace semisam::ssl
