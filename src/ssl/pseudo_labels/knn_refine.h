// SPEC §6 step 2: uncertainty-guided KNN refinement of the pseudo-labels between rounds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::ssl {

// numpy.quantile(values, q) with its default linear interpolation. Throws on an empty list or q
// outside [0, 1].
double linear_quantile(std::vector<double> values, double q);

struct RefineCase {
  std::string name;
  bool labelled = false;     // labelled cases are always certain and never change
  double uncertainty = 0.0;  // mean entropy (0 for labelled cases)
  Tensor global_feature;     // float32 [D], CPU (unit norm from the SAM features)
  Tensor label;              // uint8 [X, Y, Z], CPU: ground truth or the current pseudo-label
};

struct RefineOptions {
  int64_t k = 5;          // --knn_k
  double quantile = 0.9;  // --uncertainty_quantile
};

struct RefineReport {
  double threshold = 0.0;  // the quantile of the unlabelled cases' uncertainties
  int64_t certain = 0, uncertain = 0;
  std::vector<std::string> refined;  // uncertain cases whose label was replaced by the vote
  std::vector<std::string> kept;     // uncertain cases kept (all neighbour weights ~0)
  bool skipped = false;              // no uncertain case, or fewer than k certain ones
};

// Threshold = quantile(unlabelled uncertainties, q); certain = labelled + unlabelled with
// uncertainty < threshold (strictly). Unless skipped, each uncertain case takes the top-k certain
// cases by cosine similarity of global features (each normalised with eps 1e-12; higher
// similarity first, equal similarities in case order), weights = similarities clamped at 0; if
// their sum < 1e-8 the label is kept, else V[c] = Σ_j w_j·[label_j (nearest-resized to this case's
// shape) == c] and the label becomes argmax_c V (first maximum wins). Updates `cases[i].label` in
// place. Without any unlabelled case there is nothing to refine: skipped, threshold 0. Labels must
// be uint8 on the CPU with values below num_classes; all global features the same length.
RefineReport knn_refine(std::vector<RefineCase>& cases, int64_t num_classes,
                        const RefineOptions& options);

// The plain host reference of the vote that knn_refine runs as the fused ops::knn_vote: each label
// nearest-resized to `shape`, then per voxel V[c] = Σ_j w_j·[label_j == c] in double and argmax_c V
// (first maximum wins). Labels: uint8 [X, Y, Z] on the CPU.
Tensor knn_vote_reference(const std::vector<const Tensor*>& labels,
                          const std::vector<double>& weights, const Shape& shape,
                          int64_t num_classes);

}  // namespace semisam::ssl
