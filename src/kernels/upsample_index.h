// Source taps of trilinear ×2 upsampling along one axis, shared by the CPU and CUDA kernels
// (host and device) so both compute the same weights.
#pragma once

#include <cstdint>

#include "tensor/half_types.h"

namespace semisam::ops::upsample_detail {

template <typename C>
struct LinearTap {
  int64_t i0, i1;  // the two source indices (equal at the upper border)
  C w0, w1;        // their weights, w0 + w1 = 1
};

// PyTorch's area_pixel_compute_source_index with scale 1/2 and align_corners = false.
template <typename C>
SEMISAM_HD LinearTap<C> linear_tap(int64_t o, int64_t in_size) {
  C src = C(0.5) * (C(o) + C(0.5)) - C(0.5);
  if (src < C(0)) src = C(0);
  int64_t i0 = int64_t(src);
  int64_t i1 = i0 + (i0 < in_size - 1 ? 1 : 0);
  C w1 = src - C(i0);
  return LinearTap<C>{i0, i1, C(1) - w1, w1};
}

// The outputs along an axis that read input index i, with the weight each gives it: at most six
// pairs (outputs 2i − 2 … 2i + 3 cover every case, border clamping included). Returns the count.
template <typename C>
SEMISAM_HD int reading_outputs(int64_t i, int64_t in_size, int64_t* outputs, C* weights) {
  int count = 0;
  const int64_t out_size = 2 * in_size;
  for (int64_t o = i > 1 ? 2 * i - 2 : 0; o <= 2 * i + 3 && o < out_size; ++o) {
    LinearTap<C> t = linear_tap<C>(o, in_size);
    C w = C(0);
    if (t.i0 == i) w += t.w0;
    if (t.i1 == i) w += t.w1;
    if (t.i0 == i || t.i1 == i) {
      outputs[count] = o;
      weights[count] = w;
      ++count;
    }
  }
  return count;
}

}  // namespace semisam::ops::upsample_detail
