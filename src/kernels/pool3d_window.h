// Index arithmetic shared by the CPU and CUDA pooling kernels (host and device).
#pragma once

#include <cstdint>

#include "kernels/pool3d.h"
#include "tensor/half_types.h"

namespace semisam::ops::pool_detail {

// Sizes of one pooling problem, passed by value to kernels.
struct PoolGeometry {
  int64_t planes = 0;  // N·C
  int64_t in[3] = {0, 0, 0}, out[3] = {0, 0, 0}, kernel[3] = {0, 0, 0}, stride[3] = {0, 0, 0};
  int64_t in_volume = 0, out_volume = 0;
};

// The geometry of pooling `input` (shape) into `output` (shape) with `params`.
inline PoolGeometry make_pool_geometry(const Shape& input, const Shape& output,
                                       const Pool3dParams& params) {
  PoolGeometry g;
  g.planes = input[0] * input[1];
  for (int d = 0; d < 3; ++d) {
    g.in[d] = input[2 + d];
    g.out[d] = output[2 + d];
    g.kernel[d] = params.kernel[size_t(d)];
    g.stride[d] = params.stride[size_t(d)];
  }
  g.in_volume = g.in[0] * g.in[1] * g.in[2];
  g.out_volume = g.out[0] * g.out[1] * g.out[2];
  return g;
}

// The outputs o (first..last, inclusive; empty when first > last) whose window
// [o·stride, o·stride + kernel) contains input index i.
SEMISAM_HD void covering_windows(int64_t i, int64_t kernel, int64_t stride, int64_t out,
                                 int64_t* first, int64_t* last) {
  int64_t lo = i - kernel + 1;
  *first = lo <= 0 ? 0 : (lo + stride - 1) / stride;
  int64_t hi = i / stride;
  *last = hi < out - 1 ? hi : out - 1;
}

}  // namespace semisam::ops::pool_detail
