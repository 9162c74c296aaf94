// PyTorch's legacy interpolate(mode='nearest') on 3-D volumes: output index o reads input index
// floor(o · in / out) on every axis (SPEC conventions), computed as PyTorch does in float32:
// min(floor(o · ((float)in / out)), in − 1), which for some sizes reads one index lower than the
// exact quotient (e.g. 64 → 82 at o = 41 reads 31).
#pragma once

#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::ssl {

// volume [X, Y, Z] or [C, X, Y, Z] of any dtype and device → [(C,) out...], same dtype and device.
// CUDA tensors go through the host (the volumes resized here are small).
Tensor nearest_resize(const Tensor& volume, const std::array<int64_t, 3>& out);

}  // namespace semisam::ssl
