// Optimiser updates over a whole parameter set: SGD with momentum and Adam with PyTorch's
// semantics, applied in place. On CUDA every tensor of a call is updated by one multi-tensor
// launch (float32 tensors); the CPU reference takes float32 or float64.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/optim_rules.h"
#include "tensor/tensor.h"

namespace semisam::ops {

// One parameter's tensors: all contiguous, same shape, dtype and device.
struct SgdSlot {
  Tensor param, grad, momentum_buffer;  // momentum_buffer unused (may be undefined) without momentum
  bool first = false;                   // the buffer is initialised with the gradient
};
void sgd_step(const std::vector<SgdSlot>& slots, const optim_rule::SgdScalars& scalars);

struct AdamSlot {
  Tensor param, grad, exp_avg, exp_avg_sq;
  int64_t step = 1;  // this update's step number (1 on the first update)
};
void adam_step(const std::vector<AdamSlot>& slots, const optim_rule::AdamScalars& scalars);

namespace cpu {
void sgd_step(const std::vector<SgdSlot>& slots, const optim_rule::SgdScalars& scalars);
void adam_step(const std::vector<AdamSlot>& slots, const optim_rule::AdamScalars& scalars);
}  // namespace cpu
namespace cuda {
void sgd_step(const std::vector<SgdSlot>& slots, const optim_rule::SgdScalars& scalars);
void adam_step(const std::vector<AdamSlot>& slots, const optim_rule::AdamScalars& scalars);
}  // namespace cuda

}  // namespace semisam::ops
