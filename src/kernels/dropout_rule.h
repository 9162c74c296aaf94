// The keep decision and scale of dropout, shared by the CPU reference and the CUDA kernel.
#pragma once

#include <cstdint>

#include "tensor/philox.h"

namespace semisam::ops::dropout_rule {

// The threshold compared against the 24-bit uniform: kept when u >= p (probability 1 − p).
SEMISAM_HD bool keeps(float p, uint64_t seed, uint64_t offset, uint64_t group) {
  return philox::uniform(seed, offset + group) >= p;
}

// 1/(1 − p), or 0 when p = 1 (everything is dropped; avoids 0·inf).
inline double scale(double p) { return p < 1.0 ? 1.0 / (1.0 - p) : 0.0; }

}  // namespace semisam::ops::dropout_rule
