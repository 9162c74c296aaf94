// Per-voxel rules of the sliding window's finalize pass, shared by the CPU and CUDA kernels (host
// and device): the average, the argmax over classes and the voxel entropy of SPEC §6 step 1.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/reduce_accumulate.h"
#include "tensor/half_types.h"

namespace semisam::ops::window_rule {

constexpr double kEntropyEps = 1e-8;  // the SPEC's guard in P / (Σ P + 1e-8) and ln(P + 1e-8)

// Averages the C class sums of one voxel (`stride` apart) by its visit count into p[0..C) and
// returns the first maximum's class (NaN counts as the maximum, as ops::argmax).
SEMISAM_HD int64_t average_and_argmax(const float* score, int64_t stride, int64_t classes,
                                      float visits, float* p) {
  int64_t best = 0;
  for (int64_t c = 0; c < classes; ++c) {
    p[c] = score[c * stride] / visits;
    if (c == 0 || beats<float>(p[c], c, p[best], best)) best = c;
  }
  return best;
}

// −Σ_c q·ln(q + 1e-8) with q = P / (Σ_c P + 1e-8), all in double (ssl::mean_entropy's formula).
SEMISAM_HD double voxel_entropy(const float* p, int64_t classes) {
  double sum = 0.0;
  for (int64_t c = 0; c < classes; ++c) sum += double(p[c]);
  const double scale = 1.0 / (sum + kEntropyEps);
  double h = 0.0;
  for (int64_t c = 0; c < classes; ++c) {
    const double q = double(p[c]) * scale;
    h -= q * ::log(q + kEntropyEps);
  }
  return h;
}

}  // namespace semisam::ops::window_rule
