// Small operations on uint8 masks that the metrics are built from: one label of a label map,
// foreground/overlap counts, and the values of a float64 volume where a mask is set.
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::eval {

struct OverlapCounts {
  int64_t a = 0;             // nonzero voxels of the first mask
  int64_t b = 0;             // nonzero voxels of the second
  int64_t intersection = 0;  // voxels nonzero in both
};

// 1 where labels == label, 0 elsewhere; same shape and device.
Tensor labels_equal(const Tensor& labels, uint8_t label);
OverlapCounts overlap_counts(const Tensor& a, const Tensor& b);
// medpy's dc from the counts: 2·|A∩B| / (|A| + |B|); 0/0 = NaN, as medpy.
double dice_from(const OverlapCounts& c);
// values[i] at every i where flags[i] != 0, in C order, on the host (values float64, flags uint8).
std::vector<double> values_at_nonzero(const Tensor& values, const Tensor& flags);

}  // namespace semisam::eval
