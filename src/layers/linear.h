// Fully connected layer y = x·Wᵀ + b over the last axis (W [out, in]), as a function and as a
// module with PyTorch's parameter names and default initialisation.
#pragma once

#include <cstdint>

#include "autograd/variable.h"
#include "layers/module.h"
#include "tensor/generator.h"

namespace semisam::layers {

// x [..., in], weight [out, in], bias [out] or undefined. Weight and bias are cast to x's dtype
// when they differ (float32 parameters with bfloat16 activations).
ag::Variable linear(const ag::Variable& x, const ag::Variable& weight, const ag::Variable& bias);

// Parameters `weight` [out, in] and (optionally) `bias` [out], both drawn from U(±1/√in) as
// PyTorch's nn.Linear does, from the next elements of `gen`.
class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, Generator& gen, bool bias = true,
         Device device = Device::cpu());
  ag::Variable forward(const ag::Variable& x) const;
  ag::Variable weight() const { return weight_; }
  ag::Variable bias() const { return bias_; }

 private:
  ag::Variable weight_, bias_;
};

}  // namespace semisam::layers
