// Differentiable normalisations: instance norm (optionally fused with the following ReLU, the
// U-Net's Conv → IN → ReLU) and layer norm over one axis, plus the LayerNorm module.
#pragma once

#include <cstdint>

#include "autograd/variable.h"
#include "layers/module.h"

namespace semisam::layers {

// x: N, C, spatial...; no affine, biased variance, eps 1e-5 (PyTorch's InstanceNorm3d default).
ag::Variable instance_norm(const ag::Variable& x, double eps = 1e-5);
// relu(instance_norm(x)) in one pass; the gradient is 0 where the normalised value is <= 0.
ag::Variable instance_norm_relu(const ag::Variable& x, double eps = 1e-5);

// Normalises over `axis` and applies weight·x̂ + bias (weight, bias: [x.size(axis)]). Weight and
// bias are cast to float32 (float64 for double x) for the computation when they differ.
ag::Variable layer_norm(const ag::Variable& x, const ag::Variable& weight, const ag::Variable& bias,
                        int64_t axis = -1, double eps = 1e-6);

// PyTorch's LayerNorm (axis -1) and SAM's LayerNorm2d (axis 1 of N,C,...): parameters `weight`
// (ones) and `bias` (zeros).
class LayerNorm : public Module {
 public:
  LayerNorm(int64_t features, int64_t axis = -1, double eps = 1e-6, Device device = Device::cpu());
  ag::Variable forward(const ag::Variable& x) const;
  ag::Variable weight() const { return weight_; }
  ag::Variable bias() const { return bias_; }

 private:
  int64_t axis_;
  double eps_;
  ag::Variable weight_, bias_;
};

}  // namespace semisam::layers
