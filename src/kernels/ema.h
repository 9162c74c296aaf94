// Exponential moving average of one parameter set toward another, in place:
// target_i ← α·target_i + (1 − α)·source_i for every pair (the mean teacher's update). On CUDA
// the whole set is one multi-tensor kernel launch.
#pragma once

#include <vector>

#include "tensor/tensor.h"

namespace semisam::ops {

// Pairs must match in shape, dtype (float32, or float64 on the CPU) and device; contiguous.
void ema_update(const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
                double alpha);

namespace cpu {
void ema_update(const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
                double alpha);
}
namespace cuda {
void ema_update(const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
                double alpha);
}

}  // namespace semisam::ops
