// The per-cell rule of the prototype pseudo-label, shared by the CPU and CUDA kernels (host and
// device): F normalised over channels as F.normalize (eps 1e-12), dot products in double, each
// score rounded to float32, absent classes scoring 0, the first maximum winning.
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/half_types.h"

namespace semisam::ops::prototype_rule {

constexpr double kNormEps = 1e-12;  // F.normalize's eps

// f: the cell's D channels, `stride` apart; prototypes [C, D]; present[c] != 0 where class c has
// a prototype.
SEMISAM_HD int64_t cell_class(const float* f, int64_t stride, int64_t dim, const float* prototypes,
                              const uint8_t* present, int64_t classes) {
  double norm = 0;
  for (int64_t d = 0; d < dim; ++d) {
    const double v = f[d * stride];
    norm += v * v;
  }
  const double root = ::sqrt(norm);
  const double inv = 1.0 / (root < kNormEps ? kNormEps : root);  // std::max's NaN rule
  int64_t best = -1;
  float best_score = 0.0f;
  for (int64_t c = 0; c < classes; ++c) {
    float score = 0.0f;
    if (present[c]) {
      double dot = 0;
      for (int64_t d = 0; d < dim; ++d) {
        const double unit = double(f[d * stride]) * inv;
        dot += unit * double(prototypes[c * dim + d]);
      }
      score = float(dot);
    }
    if (best < 0 || score > best_score) {
      best = c;
      best_score = score;
    }
  }
  return best;
}

}  // namespace semisam::ops::prototype_rule
