// Joining and padding tensors: concat along an axis, constant padding and cropping per axis.
// Composed from fill and strided copy, so they run on every backend.
#pragma once

#include <vector>

#include "tensor/tensor.h"

namespace semisam::ops {

Tensor concat(const std::vector<Tensor>& parts, int64_t axis);
// pads[d] = {before, after} for axis d, from the leading axis on (unlike PyTorch's F.pad, which
// starts from the last axis); axes without an entry are left alone. Negative amounts crop.
Tensor pad(const Tensor& t, const std::vector<std::pair<int64_t, int64_t>>& pads,
           double value = 0.0);

}  // namespace semisam::ops
