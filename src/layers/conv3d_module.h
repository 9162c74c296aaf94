// Conv3d module: parameters "weight" [Cout, Cin, kD, kH, kW] and (optionally) "bias" [Cout] with
// PyTorch's names and default initialisation, and a forward that calls layers::conv3d.
#pragma once

#include <array>

#include "kernels/conv3d.h"
#include "layers/module.h"
#include "tensor/generator.h"

namespace semisam::layers {

struct Conv3dOptions {
  int64_t in_channels = 0, out_channels = 0;
  std::array<int64_t, 3> kernel{3, 3, 3};
  std::array<int64_t, 3> stride{1, 1, 1};
  std::array<int64_t, 3> padding{0, 0, 0};
  bool bias = true;
};

// Options with the same kernel, stride and padding on every axis (nn.Conv3d(in, out, k, s, p)).
inline Conv3dOptions conv3d_options(int64_t in_channels, int64_t out_channels, int64_t kernel,
                                    int64_t stride = 1, int64_t padding = 0, bool bias = true) {
  return Conv3dOptions{in_channels,
                       out_channels,
                       {kernel, kernel, kernel},
                       {stride, stride, stride},
                       {padding, padding, padding},
                       bias};
}

class Conv3d : public Module {
 public:
  // float32 parameters on the CPU (move them with to()), initialised as PyTorch's
  // nn.Conv3d.reset_parameters: weight U(±1/√fan_in), bias U(±1/√fan_in), weight drawn first.
  Conv3d(const Conv3dOptions& options, Generator& gen);

  ag::Variable forward(const ag::Variable& x) const;

  const ag::Variable& weight() const { return weight_; }
  const ag::Variable& bias() const { return bias_; }  // undefined without bias
  const Conv3dOptions& options() const { return options_; }
  ops::Conv3dParams params() const { return ops::Conv3dParams{options_.stride, options_.padding}; }

 private:
  Conv3dOptions options_;
  ag::Variable weight_, bias_;
};

}  // namespace semisam::layers
