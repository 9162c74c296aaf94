// CPU reference of the exact Euclidean distance transform (squared distances in double), the
// 1-D lower-envelope step it is built from, and the per-voxel square root.
#pragma once

#include <cstdint>
#include <vector>

#include "eval/spacing.h"

namespace semisam::eval::cpu {

// Work arrays of one line of the lower envelope, sized for the longest line of a volume.
struct EnvelopeScratch {
  std::vector<int64_t> vertex;     // sample index of each parabola on the envelope
  std::vector<double> height;      // its value f[vertex]
  std::vector<double> boundary;    // left end of each parabola's interval (one more entry)
  std::vector<double> line;        // a copy of the input line, so the output may overwrite it
  explicit EnvelopeScratch(int64_t n);
};

// out[q] = min over p of ((q - p) * step)^2 + f[p] for q in [0, n), f may hold +inf; out is +inf
// when every f is. Felzenszwalb & Huttenlocher's lower envelope of parabolas; `out` may alias `f`.
void lower_envelope_1d(const double* f, int64_t n, double step, double* out,
                       EnvelopeScratch& scratch);

// Squared distance (in spacing units) from every voxel of a C-ordered [X, Y, Z] volume to the
// nearest source voxel: the nonzero voxels when `source_is_nonzero`, the zero voxels otherwise.
// +inf everywhere when the volume has no source voxel.
void squared_distance_to_sources(const uint8_t* volume, bool source_is_nonzero, Extent extent,
                                 const Spacing& spacing, double* out);

void sqrt_inplace(double* values, int64_t n);

}  // namespace semisam::eval::cpu
