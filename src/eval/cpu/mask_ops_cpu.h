// CPU reference of the mask operations in eval/mask_ops.h, on raw C-ordered arrays.
#pragma once

#include <cstdint>
#include <vector>

#include "eval/mask_ops.h"

namespace semisam::eval::cpu {

void labels_equal(const uint8_t* labels, int64_t n, uint8_t label, uint8_t* out);
OverlapCounts overlap_counts(const uint8_t* a, const uint8_t* b, int64_t n);
std::vector<double> values_at_nonzero(const double* values, const uint8_t* flags, int64_t n);

}  // namespace semisam::eval::cpu
