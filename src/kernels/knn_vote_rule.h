// The per-voxel rule of the KNN vote (host and device): argmax_c V[c] with V[c] = Σ_j w_j·[label_j
// == c] and the first maximum winning. Instead of a vote per class it sums the weights of each
// class some neighbour holds (in neighbour order, as the reference's votes[label_j] += w_j) and
// lets the others score 0, so its work and memory do not grow with num_classes. Used on CUDA, and
// on the CPU beyond kDenseClasses.
#pragma once

#include <cstdint>

#include "tensor/half_types.h"

namespace semisam::ops::knn_rule {

// Up to this many classes the CPU keeps a vote per class for a whole row of voxels (the
// reference's form); beyond, it uses `vote`.
constexpr int64_t kDenseClasses = 16;

// argmax_c V[c] (first maximum wins, as std::max_element in class order) for the neighbours'
// labels at one voxel.
SEMISAM_HD int64_t vote(const uint8_t* label, const double* weight, int64_t k,
                        int64_t num_classes) {
  int64_t best_class = -1, distinct = 0;
  double best = 0.0;
  for (int64_t j = 0; j < k; ++j) {
    const int64_t c = label[j];
    bool seen = false;
    for (int64_t i = 0; i < j && !seen; ++i) seen = label[i] == c;
    if (seen) continue;  // summed at its first neighbour
    ++distinct;
    double v = 0.0;
    for (int64_t i = j; i < k; ++i)
      if (label[i] == c) v += weight[i];
    if (best_class < 0 || v > best || (v == best && c < best_class)) {
      best_class = c;
      best = v;
    }
  }
  if (distinct < num_classes) {  // some class scores 0: the lowest such one may win
    int64_t unvoted = 0;
    for (;; ++unvoted) {
      bool voted = false;
      for (int64_t j = 0; j < k && !voted; ++j) voted = label[j] == unvoted;
      if (!voted) break;
    }
    if (best_class < 0 || 0.0 > best || (0.0 == best && unvoted < best_class)) best_class = unvoted;
  }
  return best_class;
}

}  // namespace semisam::ops::knn_rule
