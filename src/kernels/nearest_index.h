// PyTorch's legacy nearest resize index (interpolate(mode='nearest') without scale_factor), shared
// by the host resize and the fused kernels that resize on the fly (host and device).
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/half_types.h"

namespace semisam::ops {

// The source index output index o reads: min(floor(o · scale), in − 1) with scale = (float)in /
// out and the product rounded to float32 (ATen's nearest_idx). The float32 arithmetic is kept on
// purpose: the exact integer floor(o·in/out) differs for realistic label shapes, e.g. in = 64,
// out = 82, o = 41: 64/82 rounds down in float32 and 41·scale = 31.999998, so PyTorch reads 31
// where the exact quotient gives 32 (also 80→92 at o = 69). ATen's special cases (out == in: o;
// out == 2·in: o >> 1) agree with this formula, since the scales 1 and 0.5 are exact.
SEMISAM_HD int64_t legacy_nearest_index(int64_t o, int64_t in, int64_t out) {
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  const float product = static_cast<float>(o) * scale;
  const int64_t index = static_cast<int64_t>(::floorf(product));
  return index < in - 1 ? index : in - 1;
}

}  // namespace semisam::ops
