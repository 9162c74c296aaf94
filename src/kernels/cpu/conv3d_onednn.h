// The CPU backend's fast 3-D convolution on oneDNN (float32, NCDHW tensors in and out). oneDNN
// picks its own blocked layouts (nCdhw8c on AVX2, nCdhw16c on AVX-512) and instruction set at run
// time; operands are reordered in and out around each primitive. Internal to
// src/kernels/cpu/conv3d.cpp, which falls back to the reference loops when `supports` is false.
#pragma once

#include "kernels/conv3d.h"

namespace semisam::ops::cpu::onednn {

// oneDNN needs right paddings >= 0 once the floor of strided outputs is taken into account.
bool supports(const Shape& input, const Shape& weight, const Conv3dParams& params);

void conv3d_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                    const Conv3dParams& params, const Tensor& out);
void conv3d_backward_input(const Tensor& grad_output, const Tensor& weight,
                           const Conv3dParams& params, const Tensor& grad_input);
void conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                            const Conv3dParams& params, const Tensor& grad_weight);

}  // namespace semisam::ops::cpu::onednn
